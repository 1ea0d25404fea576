package shops_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settableClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestShopifyTokenRefresh: a shop connected by the app install has an expiring token; the
// storefront refreshes it before it lapses, saves the rotated pair, and keeps working.
func TestShopifyTokenRefresh(t *testing.T) {
	clock := &settableClock{t: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	fake := shopifytest.New(shopifytest.Config{ClientID: "cid", ClientSecret: "csecret", ExpiringTokens: true,
		TokenTTL: time.Hour, RefreshTokenTTL: 90 * 24 * time.Hour, Clock: clock.Now, Currency: "USD"})
	t.Cleanup(fake.Close)

	// The install: the merchant approves, the code is exchanged for an expiring token.
	noRedirect := fake.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Get(fake.URL() + "/admin/oauth/authorize?client_id=cid&redirect_uri=https%3A%2F%2Fc.example%2Fcb&state=s")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	oauth := &shopify.OAuth{ClientID: "cid", ClientSecret: "csecret", BaseURL: fake.URL(), HTTPClient: fake.Client(), Now: clock.Now}
	tok, err := oauth.Exchange(context.Background(), fake.Config().Shop, back.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := shops.MarshalCredentials(shops.ShopifyCredentials{AccessToken: tok.AccessToken, Shop: fake.Config().Shop,
		RefreshToken: tok.RefreshToken, ExpiresAt: tok.ExpiresAt, RefreshTokenExpiresAt: tok.RefreshTokenExpiresAt})
	shop := store.Shop{ID: 7, Platform: store.PlatformShopify, BaseURL: fake.URL(), Credentials: doc}

	var mu sync.Mutex
	var saved []string
	sfs := &shops.Storefronts{Shopify: shopify.Config{HTTPClient: fake.Client()}, Recorder: &audittest.Recorder{},
		ShopifyTokens: &shops.ShopifyTokens{OAuth: oauth, Now: clock.Now, Save: func(_ context.Context, id int64, creds string) error {
			mu.Lock()
			defer mu.Unlock()
			if id != 7 {
				t.Errorf("saved shop %d", id)
			}
			saved = append(saved, creds)
			return nil
		}}}
	sf, err := sfs.For(shop)
	if err != nil {
		t.Fatal(err)
	}
	read := func() error {
		_, err := sf.GetOrder(context.Background(), "gid://shopify/Order/999999")
		if errors.Is(err, platforms.ErrNotFound) {
			return nil // authorized
		}
		return err
	}
	if err := read(); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	if len(saved) != 0 {
		t.Fatal("a fresh token was refreshed")
	}

	clock.Add(58 * time.Minute) // within the margin of the 1 h expiry
	if err := read(); err != nil {
		t.Fatalf("near expiry: %v", err)
	}
	if len(saved) != 1 {
		t.Fatalf("%d saves after the refresh", len(saved))
	}
	var next shops.ShopifyCredentials
	if err := json.Unmarshal([]byte(saved[0]), &next); err != nil {
		t.Fatal(err)
	}
	if next.AccessToken == tok.AccessToken || next.RefreshToken == tok.RefreshToken || !next.ExpiresAt.After(tok.ExpiresAt) {
		t.Errorf("saved credentials were not rotated: expires %s", next.ExpiresAt)
	}
	clock.Add(30 * time.Minute) // the first token has expired; the refreshed one has not
	if err := read(); err != nil {
		t.Fatalf("after the first token's expiry: %v", err)
	}

	// Without a way to refresh, an expiring token is refused up front rather than failing later.
	bare := &shops.Storefronts{Recorder: &audittest.Recorder{}}
	if _, err := bare.For(shop); !errors.Is(err, shops.ErrInvalidCredentials) {
		t.Errorf("expiring token without refresh: %v", err)
	}
}
