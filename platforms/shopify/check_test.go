package shopify_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

func checkClient(t *testing.T, baseURL, token string, hc *http.Client) *shopify.Client {
	t.Helper()
	c, err := shopify.New(shopify.Config{Shop: "demo.myshopify.com", AccessToken: token, BaseURL: baseURL, HTTPClient: hc,
		MaxRetries: 1, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCheck(t *testing.T) {
	fake := shopifytest.New(shopifytest.Config{AccessToken: testToken, Currency: "CLP"})
	t.Cleanup(fake.Close)
	info, err := checkClient(t, fake.URL(), testToken, fake.Client()).Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info != (platforms.StoreInfo{Name: "demo", Currency: "CLP", PriceDecimals: platforms.CurrencyDecimals}) {
		t.Errorf("info %+v", info)
	}
	if n := fake.Calls().ByOperation[shopify.OpShopCheck]; n != 1 {
		t.Errorf("%d ShopCheck calls", n)
	}
}

func TestCheckRefusals(t *testing.T) {
	wantProblem := func(t *testing.T, c *shopify.Client, problem platforms.CheckProblem, want ...string) {
		t.Helper()
		_, err := c.Check(context.Background())
		var ce *platforms.CheckError
		if !errors.As(err, &ce) || ce.Problem != problem {
			t.Fatalf("Check: %v, want a %s CheckError", err, problem)
		}
		for _, w := range want {
			if !strings.Contains(ce.Message, w) {
				t.Errorf("message %q lacks %q", ce.Message, w)
			}
		}
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("error shows the token: %v", err)
		}
	}
	t.Run("unknown token", func(t *testing.T) {
		fake := shopifytest.New(shopifytest.Config{AccessToken: "shpat_other"})
		t.Cleanup(fake.Close)
		wantProblem(t, checkClient(t, fake.URL(), testToken, fake.Client()), platforms.CheckCredentials,
			"HTTP 401", "Invalid API key or access token")
	})
	t.Run("read-only token", func(t *testing.T) {
		fake := shopifytest.New(shopifytest.Config{AccessToken: testToken, Scopes: "read_products,read_inventory,read_locations,write_orders"})
		t.Cleanup(fake.Close)
		wantProblem(t, checkClient(t, fake.URL(), testToken, fake.Client()), platforms.CheckReadOnly,
			"lacks the scopes write_products, write_inventory", "read_products")
	})
	t.Run("no such shop", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		t.Cleanup(srv.Close)
		wantProblem(t, checkClient(t, srv.URL, testToken, nil), platforms.CheckNotStore, "no Shopify shop answers", "HTTP 404")
	})
	t.Run("a web page", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("<!doctype html><title>Shop</title>"))
		}))
		t.Cleanup(srv.Close)
		wantProblem(t, checkClient(t, srv.URL, testToken, nil), platforms.CheckNotStore, "not with Shopify's Admin API")
	})
	t.Run("unreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		wantProblem(t, checkClient(t, "http://"+addr, testToken, nil), platforms.CheckUnreachable, "no answer from "+addr)
	})
}
