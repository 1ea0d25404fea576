package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/users"
	"github.com/intcomex-connector/connector/platforms/shopify"
)

const shopifyAPIVersion = shopify.APIVersion

// startDemo runs `connector demo` on a free port until the returned stop is called, waits for the
// demo's ready hook, and returns its demo.json.
func startDemo(t *testing.T, env map[string]string, dataDir string) (demoInfo, func()) {
	t.Helper()
	ready := make(chan demoInfo, 1)
	demo := startCmd(withDemoReady(context.Background(), func(info demoInfo) { ready <- info }), env,
		"demo", "--addr", "127.0.0.1:0", "--data", dataDir, "--skus", "200", "--sample-orders=false")
	t.Cleanup(func() { demo.stop() })
	stop := func() {
		if r := demo.stop(); r.err != nil {
			t.Errorf("demo returned %v", r.err)
		}
	}
	var running demoInfo
	select {
	case running = <-ready:
	case <-demo.done:
		t.Fatalf("demo stopped before it was ready: %v\n%s", demo.res.err, demo.res.stderr)
	}
	// Ready means serving and described: /readyz says so and demo.json is the running demo's.
	resp, err := http.Get(running.AdminURL + "readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ready demo: /readyz = %d", resp.StatusCode)
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	var info demoInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatalf("demo.json: %v", err)
	}
	if info.AdminURL != running.AdminURL || !info.Started.Equal(running.Started) {
		t.Fatalf("demo.json describes %s started %v, the running demo is %s started %v",
			info.AdminURL, info.Started, running.AdminURL, running.Started)
	}
	return info, stop
}

func TestDemoStartsOnEmbeddedDefaults(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "demo")
	// The demo ignores a configured database, secret key and IWS account: it runs on its own.
	env := map[string]string{
		"CONNECTOR_DATABASE_URL":   "mysql://nobody@127.0.0.1:1/none",
		"CONNECTOR_IWS_URL":        "https://intcomex-prod.apigee.net/v1/",
		"CONNECTOR_IWS_API_KEY":    "real-key",
		"CONNECTOR_IWS_ACCESS_KEY": "real-secret",
	}
	info, stop := startDemo(t, env, dataDir)

	if info.AdminURL == "" || info.IWS.URL == "" || info.IWS.APIKey == "" || info.IWS.AccessKey == "" || info.Shops == nil {
		t.Fatalf("demo.json lacks fields: %+v", info)
	}
	// The web UI's admin: made on this first start, with a strong random password.
	if info.AdminUser != demoAdminEmail || len(info.AdminPassword) < 20 {
		t.Errorf("demo.json admin_user %q, admin_password %q; want %s and a random password", info.AdminUser, info.AdminPassword, demoAdminEmail)
	}
	// The sandbox catalog is mirrored and pushed to the in-memory demo shop.
	if info.Products.Mirrored != 200 || info.Products.Active == 0 {
		t.Errorf("demo.json products = %+v, want the 200 sandbox SKUs", info.Products)
	}
	// Both fakes are connected as shops, and each received the sandbox's sellable catalog.
	if len(info.Shops) != 2 {
		t.Fatalf("demo.json shops = %+v, want the WooCommerce and the Shopify demo shops", info.Shops)
	}
	woo, shopify := info.Shops[0], info.Shops[1]
	if woo.Platform != store.PlatformWooCommerce || shopify.Platform != store.PlatformShopify {
		t.Fatalf("demo.json shops = %s, %s; want woocommerce, shopify", woo.Platform, shopify.Platform)
	}
	assertDemoShopFields(t, info.AdminURL, woo, "consumer_key", "consumer_secret")
	assertDemoShopFields(t, info.AdminURL, shopify, "access_token", "shop")
	if info.Products.Sellable == 0 {
		t.Fatalf("no sellable product in the sandbox catalog: %+v", info.Products)
	}
	// Compared below with the catalog in the database, once the demo has stopped.
	wooProducts := countWooProducts(t, woo)
	// Both shops subscribed to the intake, and a paid WooCommerce order reaches it signed.
	for _, s := range info.Shops {
		if len(s.Webhooks) == 0 {
			t.Errorf("%s shop: no webhook subscription in demo.json", s.Platform)
		}
		for _, w := range s.Webhooks {
			if w.URL != s.WebhookURL || !w.Active {
				t.Errorf("%s subscription %+v, want an active one at %s", s.Platform, w, s.WebhookURL)
			}
		}
	}
	placeWooOrder(t, woo)
	waitWebhookEvent(t, info.Database, woo.ID)
	assertShopifyAnswers(t, shopify)
	// The intake answers for both shops: a delivery that is not signed is refused, not found.
	for _, s := range info.Shops {
		req, err := http.NewRequest(http.MethodPost, s.WebhookURL, strings.NewReader(`{"id":1}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if s.Platform == store.PlatformShopify {
			req.Header.Set("X-Shopify-Shop-Domain", s.Credentials["shop"])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode < 400 {
			t.Errorf("unsigned delivery to %s = %d, want it refused by the shop's intake", s.WebhookURL, resp.StatusCode)
		}
	}
	var showLine string
	for _, l := range info.Try {
		if strings.Contains(l, "connector products show ") {
			showLine = l
		}
	}
	if showLine == "" || strings.Contains(showLine, "<SKU>") {
		t.Fatalf("the Try list has no products show line with a real SKU: %v", info.Try)
	}
	st, err := os.Stat(filepath.Join(dataDir, "demo.json"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("demo.json mode = %v, %v; it holds the sandbox keys", st.Mode(), err)
	}
	// The sandbox answers IWS calls with the keys the demo wrote.
	resp, err := http.Get(info.Sandbox.ControlURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("sandbox control = %d", resp.StatusCode)
	}
	// The admin page never shows the access key.
	resp, err = http.Get(info.AdminURL + "demo.json")
	if err != nil {
		t.Fatal(err)
	}
	var page demoInfo
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if page.IWS.AccessKey != "" || page.IWS.APIKey != info.IWS.APIKey {
		t.Errorf("admin page IWS = %+v", page.IWS)
	}
	if page.AdminPassword != "" {
		t.Error("the admin page shows the admin's password")
	}
	if page.Products != info.Products || len(page.Shops) != 2 || page.Shops[0].ListingsPublished != woo.ListingsPublished {
		t.Errorf("admin page products %+v, shops %+v", page.Products, page.Shops)
	}
	for _, s := range page.Shops {
		if len(s.Credentials) != 0 || s.WebhookSecret != "" {
			t.Errorf("admin page shows shop %d's secrets", s.ID)
		}
	}
	stop()

	// The account is stored with its access key encrypted, and the start-up calls are logged
	// without secrets.
	rawKey, err := os.ReadFile(filepath.Join(dataDir, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := secret.ParseKey(string(rawKey[:len(rawKey)-1]))
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, info.Database, nil, store.WithSecretBox(box))
	if err != nil {
		t.Fatal(err)
	}
	if u, err := users.New(db, users.Options{}).Authenticate(ctx, info.AdminUser, info.AdminPassword); err != nil || u.Role != users.RoleAdmin {
		t.Errorf("demo.json's admin credentials: %+v, %v; want them to sign in as an admin", u, err)
	}
	acct, err := db.DefaultIWSAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if acct.APIKey != info.IWS.APIKey || acct.AccessKey != info.IWS.AccessKey || acct.BaseURL != info.IWS.URL {
		t.Errorf("stored account = %v, want the sandbox's", acct)
	}
	// The start-up sync counts as the scheduled runs: the scheduler enqueued no IWS feed right
	// after it (only the global audit purge may be due).
	var feedJobs int
	if err := db.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind LIKE 'sync%'`).Scan(&feedJobs); err != nil {
		t.Fatal(err)
	}
	if feedJobs != 0 {
		t.Errorf("%d sync jobs enqueued right after the start-up sync; IWS would be asked twice", feedJobs)
	}
	calls, err := db.ListAPICalls(ctx, store.APICallFilter{System: "iws", JobID: "demo-start", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]bool{}
	for _, c := range calls {
		methods[c.Method] = true
		if c.StatusCode != http.StatusOK {
			t.Errorf("start-up call %s answered %d", c.Method, c.StatusCode)
		}
	}
	for _, m := range []string{"authenticate", "getcatalog", "getpricelist", "getinventory"} {
		if !methods[m] {
			t.Errorf("logged methods = %v, want %s among them", methods, m)
		}
	}
	audittest.AssertNoSecrets(t, calls, info.IWS.AccessKey)
	// Each fake holds the sandbox's sellable catalog: every active product with a price, of
	// the types the demo shops sell (physical goods, the default stock policy).
	var sellable int
	if err := db.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM products
		WHERE active = ? AND sellable = ? AND type = 'Physical'`, true, true).Scan(&sellable); err != nil {
		t.Fatal(err)
	}
	if sellable == 0 || sellable > info.Products.Sellable {
		t.Fatalf("%d sellable physical products of %+v", sellable, info.Products)
	}
	if wooProducts != sellable {
		t.Errorf("WooCommerce fake answers %d products, want the %d sellable ones", wooProducts, sellable)
	}
	var events int
	if err := db.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_events WHERE shop_id = ? AND state = 'received'`, woo.ID).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if events == 0 {
		t.Error("the paid WooCommerce order left no webhook event")
	}
	for _, s := range info.Shops {
		if s.ListingsPublished != sellable {
			t.Errorf("%s fake holds %d products, want the %d sellable ones", s.Platform, s.ListingsPublished, sellable)
		}
		listings, err := db.ListingCounts(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := listings[store.ListingPublished] + listings[store.ListingOutOfStock]; n != s.ListingsPublished {
			t.Errorf("shop %d listings = %v, demo.json says %d published", s.ID, listings, s.ListingsPublished)
		}
	}
	db.Close()

	// The Try line works against the demo database.
	sku := showLine[strings.LastIndex(showLine, " ")+1:]
	out, _, err := runCmd(ctx, map[string]string{
		"CONNECTOR_DATABASE_URL":    info.Database,
		"CONNECTOR_SECRET_KEY_FILE": filepath.Join(dataDir, "secret.key"),
	}, "products", "show", sku)
	if err != nil {
		t.Fatalf("products show %s: %v", sku, err)
	}
	for _, want := range []string{sku, demoWooShopName, demoShopifyShopName, "CLP", "listing: published"} {
		if !strings.Contains(out, want) {
			t.Errorf("products show lacks %q:\n%s", want, out)
		}
	}

	// Someone changes the admin's password between runs; the next start puts demo.json's back.
	if _, _, err := runCmdIn(ctx, map[string]string{"CONNECTOR_DATABASE_URL": info.Database}, "another password\n",
		"user", "passwd", info.AdminUser); err != nil {
		t.Fatal(err)
	}

	// A second run reuses the keys, the secret key, the database and the admin.
	again, stop := startDemo(t, nil, dataDir)
	stop()
	if again.IWS.APIKey != info.IWS.APIKey || again.IWS.AccessKey != info.IWS.AccessKey {
		t.Errorf("restart generated new sandbox keys")
	}
	if again.AdminUser != info.AdminUser || again.AdminPassword != info.AdminPassword {
		t.Errorf("restart: admin %q/%q, was %q/%q", again.AdminUser, again.AdminPassword, info.AdminUser, info.AdminPassword)
	}
	db, err = store.Open(ctx, info.Database, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := users.New(db, users.Options{}).Authenticate(ctx, info.AdminUser, info.AdminPassword); err != nil {
		t.Errorf("after the restart demo.json's admin password: %v", err)
	}
	// The demo shops are the same ones, with their storefronts as they were (the restart test
	// proves nothing is pushed again).
	if len(again.Shops) != 2 || again.Shops[0].ID != woo.ID || again.Shops[0].ListingsPublished != woo.ListingsPublished ||
		again.Shops[1].ID != shopify.ID || again.Shops[1].ListingsPublished != shopify.ListingsPublished {
		t.Errorf("after a restart shops = %+v, want the two demo shops with %d listings", again.Shops, woo.ListingsPublished)
	}
}

// assertDemoShopFields checks a demo.json shop has every field a script needs.
func assertDemoShopFields(t *testing.T, adminURL string, s demoShop, credentials ...string) {
	t.Helper()
	if s.ID == 0 || s.Name == "" || !strings.HasPrefix(s.BaseURL, "http://127.0.0.1:") ||
		!strings.HasPrefix(s.WebhookURL, strings.TrimSuffix(adminURL, "/")+"/webhooks/") || len(s.WebhookSecret) < 16 {
		t.Errorf("demo.json %s shop = %+v", s.Platform, s)
	}
	if len(s.Credentials) != len(credentials) {
		t.Errorf("demo.json %s credentials have %d fields, want %v", s.Platform, len(s.Credentials), credentials)
	}
	for _, k := range credentials {
		if s.Credentials[k] == "" {
			t.Errorf("demo.json %s credentials lack %s", s.Platform, k)
		}
	}
}

// countWooProducts asks the WooCommerce fake, with demo.json's keys, how many products it has.
func countWooProducts(t *testing.T, s demoShop) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.BaseURL+"/wp-json/wc/v3/products?per_page=1&status=any", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Basic auth is accepted only over HTTPS; the header says a TLS proxy was in front.
	req.Header.Set("X-Forwarded-Proto", "https")
	req.SetBasicAuth(s.Credentials["consumer_key"], s.Credentials["consumer_secret"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	n, err := strconv.Atoi(resp.Header.Get("X-WP-Total"))
	if resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("WooCommerce fake products: %d, X-WP-Total %q", resp.StatusCode, resp.Header.Get("X-WP-Total"))
	}
	return n
}

// placeWooOrder places a paid order in the WooCommerce fake, with demo.json's keys.
func placeWooOrder(t *testing.T, s demoShop) {
	t.Helper()
	call := func(method, path, body string) *http.Response {
		req, err := http.NewRequest(method, s.BaseURL+"/wp-json/wc/v3"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(s.Credentials["consumer_key"], s.Credentials["consumer_secret"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := call(http.MethodGet, "/products?per_page=1", "")
	var products []struct {
		ID int `json:"id"`
	}
	err := json.NewDecoder(resp.Body).Decode(&products)
	resp.Body.Close()
	if err != nil || len(products) == 0 {
		t.Fatalf("WooCommerce fake products: %v", err)
	}
	resp = call(http.MethodPost, "/orders", fmt.Sprintf(`{"set_paid":true,"line_items":[{"product_id":%d,"quantity":1}]}`, products[0].ID))
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("WooCommerce fake order: %d", resp.StatusCode)
	}
}

// waitWebhookEvent waits until the running demo has recorded a webhook event of the shop (the
// fake delivers in the background): it polls for the row, however long a loaded machine takes.
func waitWebhookEvent(t *testing.T, dbURL string, shopID int64) {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for {
		events, err := db.ListWebhookEvents(ctx, shopID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) > 0 {
			return
		}
		<-poll.C
	}
}

// assertShopifyAnswers calls the Shopify fake's Admin API with demo.json's token.
func assertShopifyAnswers(t *testing.T, s demoShop) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.BaseURL+"/admin/api/"+shopifyAPIVersion+"/graphql.json",
		strings.NewReader(`{"query":"{ shop { currencyCode } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Access-Token", s.Credentials["access_token"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Data struct {
			Shop struct{ CurrencyCode string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != http.StatusOK || doc.Data.Shop.CurrencyCode != "CLP" {
		t.Errorf("Shopify fake: %d %+v %v", resp.StatusCode, doc, err)
	}
}
