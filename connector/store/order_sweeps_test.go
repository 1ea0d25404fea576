package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestOrderSweep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := st.OrderSweep(ctx, 7); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before the first sweep: %v, want ErrNotFound", err)
		}
		at := time.Date(2026, 11, 27, 15, 4, 5, 123456000, time.UTC)
		if err := st.SaveOrderSweep(ctx, store.OrderSweep{ShopID: 7, SweptAt: at, Found: 3, NewOrders: 1}); err != nil {
			t.Fatal(err)
		}
		later := at.Add(5 * time.Minute)
		if err := st.SaveOrderSweep(ctx, store.OrderSweep{ShopID: 7, SweptAt: later, Found: 2}); err != nil {
			t.Fatal(err)
		}
		got, err := st.OrderSweep(ctx, 7)
		if err != nil || got != (store.OrderSweep{ShopID: 7, SweptAt: later, Found: 2}) {
			t.Fatalf("sweep = %+v, %v", got, err)
		}
		if err := st.SaveOrderSweep(ctx, store.OrderSweep{ShopID: 0, SweptAt: at}); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("no shop: %v, want ErrInvalid", err)
		}
	})
}
