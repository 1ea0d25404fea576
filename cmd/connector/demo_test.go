package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/store"
)

// startDemo runs `connector demo` until the returned stop is called, and returns its demo.json.
func startDemo(t *testing.T, env map[string]string, dataDir string) (demoInfo, func()) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := runCmd(ctx, env, "demo", "--addr", addr, "--data", dataDir, "--skus", "200")
		done <- err
	}()
	stop := func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("demo returned %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("demo did not stop on cancel")
		}
	}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("demo stopped early: %v", err)
		default:
		}
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			raw, err := os.ReadFile(filepath.Join(dataDir, "demo.json"))
			if err != nil {
				t.Fatal(err)
			}
			var info demoInfo
			if err := json.Unmarshal(raw, &info); err != nil {
				t.Fatalf("demo.json: %v", err)
			}
			return info, stop
		}
	}
	stop()
	t.Fatal("demo never became ready")
	return demoInfo{}, nil
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
	// The sandbox catalog is mirrored and pushed to the in-memory demo shop.
	if info.Products.Mirrored != 200 || info.Products.Active == 0 {
		t.Errorf("demo.json products = %+v, want the 200 sandbox SKUs", info.Products)
	}
	if len(info.Shops) != 1 {
		t.Fatalf("demo.json shops = %+v, want the demo shop", info.Shops)
	}
	shop := info.Shops[0]
	if shop.ID == 0 || shop.Platform != store.PlatformMemory || shop.BaseURL == "" || shop.WebhookURL != "" ||
		shop.WebhookSecret != "" || shop.Credentials == nil || shop.ListingsPublished == 0 {
		t.Errorf("demo shop = %+v", shop)
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
	resp, err = http.Get(info.AdminURL)
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
	if page.Products != info.Products || len(page.Shops) != 1 || page.Shops[0].ListingsPublished != shop.ListingsPublished {
		t.Errorf("admin page products %+v, shops %+v", page.Products, page.Shops)
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
	listings, err := db.ListingCounts(ctx, shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := listings[store.ListingPublished] + listings[store.ListingOutOfStock]; n != shop.ListingsPublished {
		t.Errorf("listings = %v, demo.json says %d published", listings, shop.ListingsPublished)
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
	for _, want := range []string{sku, demoShopName, "CLP", "listing: published"} {
		if !strings.Contains(out, want) {
			t.Errorf("products show lacks %q:\n%s", want, out)
		}
	}

	// A second run reuses the keys, the secret key and the database.
	again, stop := startDemo(t, nil, dataDir)
	stop()
	if again.IWS.APIKey != info.IWS.APIKey || again.IWS.AccessKey != info.IWS.AccessKey {
		t.Errorf("restart generated new sandbox keys")
	}
	// The demo shop is recreated (its in-memory storefront did not survive) and pushed again.
	if len(again.Shops) != 1 || again.Shops[0].ListingsPublished != shop.ListingsPublished {
		t.Errorf("after a restart shops = %+v, want one demo shop with %d listings", again.Shops, shop.ListingsPublished)
	}
}
