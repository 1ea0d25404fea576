package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/admin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

const (
	appID     = "test-client-id"
	appSecret = "test-client-secret"
	domain    = "acme-store.myshopify.com"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// newStore returns a migrated SQLite store with an IWS account.
func newStore(t *testing.T, opts ...store.Option) *store.Store {
	t.Helper()
	st := storetest.New(t, migrations.SQLite, true, opts...)
	if _, err := st.SaveIWSAccount(context.Background(), store.IWSAccount{Name: "default", Environment: "test",
		BaseURL: "https://iws.example/v1", APIKey: "k", AccessKey: "a"}); err != nil {
		t.Fatal(err)
	}
	return st
}

// connectedLog records the shops Connected saw.
type connectedLog struct {
	mu    sync.Mutex
	shops []store.Shop
}

func (l *connectedLog) hook(_ context.Context, s store.Shop) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.shops = append(l.shops, s)
	return nil
}

func (l *connectedLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.shops)
}

type shopifyFixture struct {
	fake    *shopifytest.Server
	st      *store.Store
	install *admin.Install
	router  *gin.Engine
	log     *connectedLog
	now     time.Time
}

func newShopifyFixture(t *testing.T) *shopifyFixture {
	f := &shopifyFixture{now: time.Now()}
	f.fake = shopifytest.New(shopifytest.Config{Shop: domain, ClientID: appID, ClientSecret: appSecret, Scopes: "write_products,read_orders", Clock: func() time.Time { return f.now }})
	t.Cleanup(f.fake.Close)
	f.st = newStore(t, store.WithClock(func() time.Time { return f.now }))
	f.log = &connectedLog{}
	f.install = &admin.Install{
		Store: f.st, PublicURL: "https://connector.example",
		Shopify: admin.ShopifyApp{ClientID: appID, ClientSecret: appSecret, Scopes: []string{"write_products", "read_orders"},
			OAuth: &shopify.OAuth{ClientID: appID, ClientSecret: appSecret, BaseURL: f.fake.URL(), HTTPClient: f.fake.Client()}},
		Connected: f.log.hook,
		Now:       func() time.Time { return f.now },
	}
	f.router = gin.New()
	f.install.Register(f.router)
	return f
}

func (f *shopifyFixture) get(t *testing.T, target string) *httptest.ResponseRecorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	f.router.ServeHTTP(w, httptest.NewRequest(http.MethodGet, u.RequestURI(), nil))
	return w
}

// callbackURL runs the install up to Shopify's redirect back to the connector.
func (f *shopifyFixture) callbackURL(t *testing.T) string {
	t.Helper()
	w := f.get(t, f.fake.InstallURL("https://connector.example/shopify/install"))
	if w.Code != http.StatusFound {
		t.Fatalf("install: %d %s", w.Code, w.Body)
	}
	authorize, err := url.Parse(w.Header().Get("Location"))
	if err != nil || authorize.Host != domain || authorize.Path != "/admin/oauth/authorize" {
		t.Fatalf("install redirected to %q", w.Header().Get("Location"))
	}
	q := authorize.Query()
	if q.Get("client_id") != appID || q.Get("redirect_uri") != "https://connector.example/shopify/callback" || len(q.Get("state")) < 32 {
		t.Fatalf("authorize query %v", q)
	}
	// The merchant approves on "Shopify" (the fake), which redirects back with a signed code.
	client := f.fake.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(f.fake.URL() + authorize.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("fake authorize: %d", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func TestShopifyInstall(t *testing.T) {
	f := newShopifyFixture(t)
	ctx := context.Background()
	cb := f.callbackURL(t)
	w := f.get(t, cb)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Connected "+domain) {
		t.Fatalf("callback: %d %s", w.Code, w.Body)
	}
	list, err := f.st.ListShops(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("list %v %v", list, err)
	}
	s := list[0]
	if s.Platform != store.PlatformShopify || s.BaseURL != "https://"+domain || s.Currency == "" || s.Locale != "es" {
		t.Errorf("saved shop %+v", s)
	}
	var creds shops.ShopifyCredentials
	if err := json.Unmarshal([]byte(s.Credentials), &creds); err != nil {
		t.Fatal(err)
	}
	if creds.AccessToken == "" || creds.RefreshToken == "" || creds.ExpiresAt.IsZero() || creds.Shop != domain {
		t.Errorf("credentials lack the expiring token: %+v", creds)
	}
	if f.log.len() != 1 {
		t.Errorf("Connected ran %d times", f.log.len())
	}

	// The same callback again: the state was used.
	if w := f.get(t, cb); w.Code != http.StatusForbidden {
		t.Errorf("replayed callback: %d %s", w.Code, w.Body)
	}
	// A second install of the same shop updates it, never doubles it.
	if w := f.get(t, f.callbackURL(t)); w.Code != http.StatusOK {
		t.Fatalf("reinstall: %d %s", w.Code, w.Body)
	}
	if list, _ := f.st.ListShops(ctx); len(list) != 1 {
		t.Errorf("reinstall made %d shops", len(list))
	}
}

// resign replaces one parameter of a signed URL and signs it again with secret.
func resign(t *testing.T, target, key, value, secret string) string {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	q.Del("hmac")
	q.Set("hmac", shopifytest.QueryHMAC(secret, q))
	u.RawQuery = q.Encode()
	return u.String()
}

func TestShopifyInstallRefusals(t *testing.T) {
	f := newShopifyFixture(t)
	install := f.fake.InstallURL("https://connector.example/shopify/install")
	tests := []struct {
		name   string
		target string
		status int
	}{
		{"forged HMAC", strings.Replace(install, "hmac=", "hmac=00", 1), http.StatusUnauthorized},
		{"signed with another secret", resign(t, install, "shop", domain, "not-the-secret"), http.StatusUnauthorized},
		{"parameter changed after signing", strings.Replace(install, "shop="+domain, "shop=evil.myshopify.com", 1), http.StatusUnauthorized},
		{"wrong shop domain", resign(t, install, "shop", "acme.example.com", appSecret), http.StatusBadRequest},
		{"upper-case domain", resign(t, install, "shop", "ACME.myshopify.com", appSecret), http.StatusBadRequest},
		{"stale timestamp", resign(t, install, "timestamp", "1000000000", appSecret), http.StatusBadRequest},
		{"future timestamp", resign(t, install, "timestamp", "4000000000", appSecret), http.StatusBadRequest},
		{"no HMAC", "https://connector.example/shopify/install?shop=" + domain, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if w := f.get(t, tc.target); w.Code != tc.status {
				t.Errorf("%d %s, want %d", w.Code, w.Body, tc.status)
			}
		})
	}

	cb := f.callbackURL(t)
	t.Run("callback with a forged state", func(t *testing.T) {
		if w := f.get(t, resign(t, cb, "state", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", appSecret)); w.Code != http.StatusForbidden {
			t.Errorf("%d %s", w.Code, w.Body)
		}
	})
	t.Run("callback after the state expired", func(t *testing.T) {
		f.now = f.now.Add(admin.DefaultStateTTL + time.Minute)
		defer func() { f.now = f.now.Add(-admin.DefaultStateTTL - time.Minute) }()
		// Shopify signs a fresh timestamp; the state was made 11 minutes ago.
		fresh := resign(t, cb, "timestamp", strconv.FormatInt(f.now.Unix(), 10), appSecret)
		if w := f.get(t, fresh); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "expired") {
			t.Errorf("callback with an expired state: %d %s", w.Code, w.Body)
		}
	})
	if list, _ := f.st.ListShops(context.Background()); len(list) != 0 || f.log.len() != 0 {
		t.Errorf("a refused flow connected %d list", len(list))
	}
	t.Run("allow list", func(t *testing.T) {
		f.install.Shopify.AllowedShops = []string{"other.myshopify.com"}
		defer func() { f.install.Shopify.AllowedShops = nil }()
		if w := f.get(t, f.fake.InstallURL("https://connector.example/shopify/install")); w.Code != http.StatusForbidden {
			t.Errorf("shop outside the allow list: %d", w.Code)
		}
	})
}

func TestWooCommerceKeyHandoff(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	log := &connectedLog{}
	var install *admin.Install
	router := gin.New()
	connector := httptest.NewTLSServer(router)
	t.Cleanup(connector.Close)
	install = &admin.Install{Store: st, PublicURL: connector.URL, Connected: log.hook, Defaults: admin.ShopDefaults{Currency: "CLP"}}
	install.Register(router)

	fake, siteURL := wootest.Start(t, wootest.Config{AutoApprove: true, WebhookClient: connector.Client()})
	authorize, err := install.StartWooCommerce(ctx, siteURL)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authorize)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ret, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || ret.Query().Get("success") != "1" {
		t.Fatalf("authorize: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	install.Wait()
	list, err := st.ListShops(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("list %v %v", list, err)
	}
	s := list[0]
	var creds shops.WooCommerceCredentials
	if err := json.Unmarshal([]byte(s.Credentials), &creds); err != nil {
		t.Fatal(err)
	}
	keys := fake.Keys()
	if len(keys) == 0 || creds.ConsumerKey != keys[len(keys)-1].ConsumerKey || creds.ConsumerSecret != keys[len(keys)-1].ConsumerSecret || len(creds.WebhookSecret) < 32 {
		t.Errorf("credentials %q do not hold the key the site made", creds.ConsumerKey)
	}
	if s.Platform != store.PlatformWooCommerce || s.BaseURL != strings.TrimRight(siteURL, "/") || s.Currency != "CLP" || log.len() != 1 {
		t.Errorf("saved shop %+v, Connected ran %d times", s, log.len())
	}

	// Replaying the handoff (same user_id) or posting keys for a flow nobody started connects
	// nothing.
	post := func(body string) int {
		resp, err := connector.Client().Post(connector.URL+"/wc-auth/callback", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	state := ret.Query().Get("user_id")
	replay := `{"key_id":9,"user_id":"` + state + `","consumer_key":"ck_0123456789abcdef0123456789abcdef01234567","consumer_secret":"cs_0123456789abcdef0123456789abcdef01234567","key_permissions":"read_write"}`
	if code := post(replay); code != http.StatusForbidden {
		t.Errorf("replayed handoff: %d", code)
	}
	if code := post(strings.Replace(replay, state, "never-issued-state-0000000000000", 1)); code != http.StatusForbidden {
		t.Errorf("handoff for an unknown state: %d", code)
	}
	if code := post(`{"user_id":`); code != http.StatusBadRequest {
		t.Errorf("malformed handoff: %d", code)
	}
	if list, _ := st.ListShops(ctx); len(list) != 1 {
		t.Errorf("refused handoffs made list: %d", len(list))
	}
	if _, err := install.StartWooCommerce(ctx, "ftp://shop.example"); err == nil {
		t.Error("StartWooCommerce accepted an ftp URL")
	}
}
