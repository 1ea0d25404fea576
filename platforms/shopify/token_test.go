package shopify_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

func TestTokenSource(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	var asked atomic.Int32
	c := e.client(t, shopify.Config{AccessToken: "unused", TokenSource: func(context.Context) (string, error) {
		asked.Add(1)
		return testToken, nil
	}}, nil)
	if _, err := c.GetOrder(context.Background(), "gid://shopify/Order/424242"); err == nil || errors.Is(err, shopify.ErrUnauthorized) {
		t.Fatalf("GetOrder with a token from the source: %v, want not found", err)
	}
	if asked.Load() == 0 {
		t.Fatal("the token source was never asked")
	}

	calls := e.fake.Calls().Total
	refreshFailed := errors.New("refresh token revoked")
	broken := e.client(t, shopify.Config{TokenSource: func(context.Context) (string, error) { return "", refreshFailed }}, nil)
	_, err := broken.GetOrder(context.Background(), "gid://shopify/Order/1")
	if !errors.Is(err, refreshFailed) {
		t.Fatalf("GetOrder with a failing token source: %v", err)
	}
	if got := e.fake.Calls().Total; got != calls {
		t.Errorf("a failing token source sent %d requests", got-calls)
	}
}
