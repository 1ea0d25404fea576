package shopify_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

type oauthClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *oauthClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *oauthClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestVerifyQuery(t *testing.T) {
	now := time.Unix(1_780_000_000, 0)
	sign := func(q url.Values) url.Values {
		q.Set("hmac", shopifytest.QueryHMAC("secret", q))
		return q
	}
	base := func() url.Values {
		return url.Values{"shop": {"demo.myshopify.com"}, "timestamp": {strconv.FormatInt(now.Unix(), 10)}, "code": {"abc"}, "state": {"n 1"}}
	}
	forged := sign(base())
	forged.Set("code", "other")
	stale, future, badShop := base(), base(), base()
	stale.Set("timestamp", strconv.FormatInt(now.Add(-2*time.Minute).Unix(), 10))
	future.Set("timestamp", strconv.FormatInt(now.Add(2*time.Minute).Unix(), 10))
	badShop.Set("shop", "evil.example.com")
	cases := map[string]struct {
		q      url.Values
		secret string
		want   error
	}{
		"valid":          {sign(base()), "secret", nil},
		"forged":         {forged, "secret", shopify.ErrBadHMAC},
		"wrong secret":   {sign(base()), "other", shopify.ErrBadHMAC},
		"empty secret":   {sign(base()), "", shopify.ErrBadHMAC},
		"no hmac":        {base(), "secret", shopify.ErrBadHMAC},
		"stale":          {sign(stale), "secret", shopify.ErrStaleTimestamp},
		"future":         {sign(future), "secret", shopify.ErrStaleTimestamp},
		"wrong shop":     {sign(badShop), "secret", shopify.ErrBadShop},
		"legacy dropped": {func() url.Values { q := sign(base()); q.Set("signature", "x"); return q }(), "secret", nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if err := shopify.VerifyQuery(tc.q, tc.secret, now, 90*time.Second); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("= %v, want %v", err, tc.want)
			}
		})
	}
}

func TestValidShopDomain(t *testing.T) {
	for shop, want := range map[string]bool{"demo.myshopify.com": true, "my-shop-2.myshopify.com": true, "Demo.myshopify.com": false,
		"-x.myshopify.com": false, "demo.myshopify.com.evil.io": false, "evil.io/demo.myshopify.com": false, "demo_x.myshopify.com": false, "": false} {
		if got := shopify.ValidShopDomain(shop); got != want {
			t.Errorf("ValidShopDomain(%q) = %v", shop, got)
		}
	}
}

func TestAuthorizeURLAndState(t *testing.T) {
	u, err := shopify.AuthorizeURL("demo.myshopify.com", "cid", []string{"read_orders", "write_orders"}, "https://app.example/cb", "st")
	if err != nil || u != "https://demo.myshopify.com/admin/oauth/authorize?client_id=cid&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=read_orders%2Cwrite_orders&state=st" {
		t.Fatalf("%s %v", u, err)
	}
	if _, err := shopify.AuthorizeURL("evil.com", "cid", nil, "https://app.example/cb", "st"); !errors.Is(err, shopify.ErrBadShop) {
		t.Errorf("bad shop: %v", err)
	}
	if _, err := shopify.AuthorizeURL("demo.myshopify.com", "cid", nil, "http://app.example/cb", "st"); err == nil {
		t.Error("plain http redirect accepted")
	}
	a, _ := shopify.NewState()
	b, err := shopify.NewState()
	if err != nil || a == b || len(a) < 40 {
		t.Errorf("states %q %q %v", a, b, err)
	}
}

// install runs the fake's grant screen and returns the callback query.
func install(t *testing.T, fake *shopifytest.Server) url.Values {
	t.Helper()
	u, err := shopify.AuthorizeURL(fake.Config().Shop, fake.Config().ClientID, []string{"read_orders"}, "https://app.example/cb", "nonce")
	if err != nil {
		t.Fatal(err)
	}
	u = fake.URL() + u[strings.Index(u, "/admin"):]
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query()
}

func TestOAuthInstallExchangeRefresh(t *testing.T) {
	clock := &oauthClock{t: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)}
	fake := shopifytest.New(shopifytest.Config{ClientID: "cid", ClientSecret: "csecret", Clock: clock.Now})
	t.Cleanup(fake.Close)
	ctx := context.Background()
	cb := install(t, fake)
	if err := shopify.VerifyQuery(cb, "csecret", clock.Now(), 90*time.Second); err != nil || cb.Get("state") != "nonce" {
		t.Fatalf("callback %v: %v", cb, err)
	}
	o := &shopify.OAuth{ClientID: "cid", ClientSecret: "csecret", HTTPClient: fake.Client(), BaseURL: fake.URL(), Now: clock.Now}
	tok, err := o.Exchange(ctx, cb.Get("shop"), cb.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.ExpiresAt != clock.Now().Add(time.Hour) || tok.RefreshToken == "" || tok.Scope != "read_orders" {
		t.Fatalf("token %v", tok)
	}
	if _, err := o.Exchange(ctx, cb.Get("shop"), cb.Get("code")); !errors.Is(err, shopify.ErrInvalidGrant) {
		t.Errorf("replayed code: %v", err)
	}
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%+v", tok), fmt.Sprintf("%#v", tok), slog.AnyValue(tok).Resolve().String()} {
		if strings.Contains(s, tok.AccessToken) || strings.Contains(s, tok.RefreshToken) {
			t.Errorf("secret printed: %s", s)
		}
	}
	if tok.NeedsRefresh(clock.Now(), 5*time.Minute) || !tok.NeedsRefresh(clock.Now().Add(56*time.Minute), 5*time.Minute) {
		t.Error("NeedsRefresh")
	}
	client := func(token string) *shopify.Client {
		c, err := shopify.New(shopify.Config{Shop: fake.Config().Shop, AccessToken: token, BaseURL: fake.URL(), HTTPClient: fake.Client(), Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if err := client(tok.AccessToken).EnsureSKUDefinition(ctx); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	// Refresh before expiry: a new pair; the old refresh token is spent.
	clock.Add(50 * time.Minute)
	fresh, err := o.Refresh(ctx, fake.Config().Shop, tok.RefreshToken)
	if err != nil || fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == tok.RefreshToken || fresh.ExpiresAt != clock.Now().Add(time.Hour) {
		t.Fatalf("refresh: %v %v", fresh, err)
	}
	if _, err := o.Refresh(ctx, fake.Config().Shop, tok.RefreshToken); !errors.Is(err, shopify.ErrInvalidGrant) {
		t.Errorf("spent refresh token: %v", err)
	}
	// The first access token expires on the fake's clock: 401 → ErrUnauthorized.
	clock.Add(11 * time.Minute)
	err = client(tok.AccessToken).EnsureSKUDefinition(ctx)
	if !errors.Is(err, shopify.ErrUnauthorized) || strings.Contains(err.Error(), tok.AccessToken) {
		t.Errorf("expired token: %v", err)
	}
	if err := client(fresh.AccessToken).EnsureSKUDefinition(ctx); err != nil {
		t.Errorf("refreshed token: %v", err)
	}
	bad := &shopify.OAuth{ClientID: "cid", ClientSecret: "wrong", HTTPClient: fake.Client(), BaseURL: fake.URL()}
	if _, err := bad.Refresh(ctx, fake.Config().Shop, fresh.RefreshToken); !errors.Is(err, shopify.ErrUnauthorized) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong client secret: %v", err)
	}
	if _, err := o.Exchange(ctx, "evil.example.com", "x"); !errors.Is(err, shopify.ErrBadShop) {
		t.Errorf("bad shop: %v", err)
	}
}
