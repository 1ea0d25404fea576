package memory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/memory"
)

func TestCheck(t *testing.T) {
	sf := memory.New(memory.Config{})
	if info, err := sf.Check(context.Background()); err != nil || info != memory.DefaultStoreInfo {
		t.Errorf("Check = %+v, %v", info, err)
	}
	refused := &platforms.CheckError{Problem: platforms.CheckReadOnly, Message: "read only"}
	sf.SetCheck(platforms.StoreInfo{}, refused)
	if _, err := sf.Check(context.Background()); !errors.Is(err, refused) {
		t.Errorf("Check after SetCheck(err) = %v", err)
	}
	want := platforms.StoreInfo{Name: "CLP shop", Currency: "CLP", PriceDecimals: 0}
	sf.SetCheck(want, nil)
	if info, err := sf.Check(context.Background()); err != nil || info != want {
		t.Errorf("Check = %+v, %v", info, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sf.Check(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
