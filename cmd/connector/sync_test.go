package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/pricing"
)

const (
	syncTestAPIKey    = "00000000-0000-0000-0000-0000000000aa"
	syncTestAccessKey = "11111111-2222-3333-4444-5555555555aa"
)

// syncEnv is a sandbox behind httptest and a database with the sandbox account and one memory shop.
type syncEnv struct {
	sb     *sandbox.Sandbox
	env    map[string]string
	dbURL  string
	shopID int64
}

func newSyncEnv(t *testing.T, skus int) *syncEnv {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{APIKey: syncTestAPIKey, AccessKey: syncTestAccessKey, SKUs: skus, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	e := &syncEnv{sb: sb, dbURL: dbURL, env: map[string]string{
		"CONNECTOR_DATABASE_URL":   dbURL,
		"CONNECTOR_SECRET_KEY":     testKey,
		"CONNECTOR_IWS_URL":        srv.URL + "/v1/",
		"CONNECTOR_IWS_API_KEY":    syncTestAPIKey,
		"CONNECTOR_IWS_ACCESS_KEY": syncTestAccessKey,
	}}

	// The shop belongs to the account the sync command saves from the environment ("default").
	st := e.open(t)
	defer st.Close()
	ctx := context.Background()
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: srv.URL + "/v1/", APIKey: syncTestAPIKey, AccessKey: syncTestAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "Test shop", Platform: store.PlatformMemory, Credentials: "{}",
		IWSAccountID: acct.ID, Currency: "USD", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"20"},
		"rounding":{"step":"1","minus":"0.01"},
		"rules":[{"name":"Notebooks","priority":1,"match":{"category":"cpt.nb"},"margin_percent":"10"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, rules); err != nil {
		t.Fatal(err)
	}
	e.shopID = shop.ID
	return e
}

// open opens the test database directly (migrated), for set-up and checks between commands.
func (e *syncEnv) open(t *testing.T) *store.Store {
	t.Helper()
	key, err := secret.ParseKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), e.dbURL, nil, store.WithSecretBox(box))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// listings returns the shop's listings by SKU.
func (e *syncEnv) listings(t *testing.T) map[string]store.Listing {
	t.Helper()
	st := e.open(t)
	defer st.Close()
	page, err := st.ListingsPage(context.Background(), e.shopID, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Listing{}
	for _, l := range page {
		out[l.SKU] = l
	}
	return out
}

type productCounts struct {
	Fetched, Inserted, Updated, Unchanged, Deactivated int
}

type syncJSON struct {
	Products productCounts
	Listings struct {
		Changed, Unchanged int
	}
	DurationMS int `json:"duration_ms"`
}

// syncJSONRun runs `connector sync KIND --json` and checks that stdout is exactly one object with
// exactly the documented keys, all integers.
func syncJSONRun(t *testing.T, e *syncEnv, kind string) syncJSON {
	t.Helper()
	out, stderr, err := runCmd(context.Background(), e.env, "sync", kind, "--json")
	if err != nil {
		t.Fatalf("sync %s: %v\n%s", kind, err, stderr)
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("progress drawn on a non-terminal stderr: %q", stderr)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	if dec.More() || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("stdout holds more than one JSON object:\n%s", out)
	}
	want := map[string][]string{
		"products": {"fetched", "inserted", "updated", "unchanged", "deactivated"},
		"listings": {"changed", "unchanged"},
	}
	if len(raw) != 3 {
		t.Errorf("top-level keys of %s, want products, listings, duration_ms", out)
	}
	if _, err := raw["duration_ms"].(json.Number).Int64(); err != nil {
		t.Errorf("duration_ms is not an integer: %s", out)
	}
	for group, keys := range want {
		m, ok := raw[group].(map[string]any)
		if !ok || len(m) != len(keys) {
			t.Fatalf("%s = %v, want keys %v", group, raw[group], keys)
		}
		for _, k := range keys {
			n, ok := m[k].(json.Number)
			if _, err := n.Int64(); !ok || err != nil {
				t.Errorf("%s.%s = %v, not an integer", group, k, m[k])
			}
		}
	}
	var res syncJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestSyncCommandJSON(t *testing.T) {
	const skus = 300
	e := newSyncEnv(t, skus)

	first := syncJSONRun(t, e, "all")
	// The products counts are per product: the feeds of an "all" run describe the same products.
	if want := (productCounts{Fetched: skus, Inserted: skus}); first.Products != want {
		t.Errorf("first sync products = %+v, want %+v", first.Products, want)
	}
	if first.Products.Inserted != skus || first.Products.Fetched < skus || first.Listings.Changed == 0 ||
		first.Listings.Changed+first.Listings.Unchanged != skus {
		t.Fatalf("first sync = %+v", first)
	}
	published := 0
	for _, l := range e.listings(t) {
		if l.ProductID != "" && l.PendingChange == "" {
			published++
		}
	}
	if published != first.Listings.Changed {
		t.Errorf("%d listings on the storefront, the sync reported %d changed", published, first.Listings.Changed)
	}

	second := syncJSONRun(t, e, "all")
	if want := (productCounts{Fetched: skus, Unchanged: skus}); second.Products != want {
		t.Errorf("second sync products = %+v, want %+v", second.Products, want)
	}
	if second.Listings.Changed != 0 || second.Products.Unchanged != second.Products.Fetched || second.Products.Fetched == 0 {
		t.Fatalf("second sync = %+v, want nothing changed", second)
	}

	// Stock moves in 1 % of the products: the stock sync pushes the published ones whose
	// published stock moved, and nothing else.
	before := e.listings(t)
	changed := e.sb.ChangeStock(1)
	third := syncJSONRun(t, e, "stock")
	after := e.listings(t)
	moved := 0
	for sku, l := range after {
		b := before[sku]
		if l.Stock != b.Stock || l.State != b.State {
			moved++
			if !slices.Contains(changed, sku) || b.ProductID == "" {
				t.Errorf("listing %s moved, but its stock did not change or it was not published", sku)
			}
		}
	}
	if moved == 0 || third.Listings.Changed != moved || third.Listings.Changed+third.Listings.Unchanged != skus {
		t.Errorf("stock sync = %+v; %d listings moved (stock changed for %v)", third, moved, changed)
	}
	if third.Products.Inserted != 0 {
		t.Errorf("stock sync inserted products: %+v", third.Products)
	}
}

func TestSyncCommandText(t *testing.T) {
	e := newSyncEnv(t, 40)
	out, _, err := runCmd(context.Background(), e.env, "sync", "all")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Synced all of IWS account \"default\"", "40 inserted", "listings", `shop 1 "Test shop" (memory)`, "create"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// --shop limits the push to that shop.
	out, _, err = runCmd(context.Background(), e.env, "sync", "prices", "--shop", "1")
	if err != nil || !strings.Contains(out, "no change") {
		t.Errorf("sync prices --shop 1: %v\n%s", err, out)
	}
}

func TestSyncCommandErrors(t *testing.T) {
	e := newSyncEnv(t, 20)
	ctx := context.Background()

	if _, _, err := runCmd(ctx, e.env, "sync", "everything"); err == nil || !strings.Contains(err.Error(), `unknown kind "everything"`) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, _, err := runCmd(ctx, e.env, "sync", "all", "--shop", "99"); err == nil || !strings.Contains(err.Error(), "no shop with id 99") {
		t.Errorf("unknown shop: %v", err)
	}

	// Keys in the environment are saved as the default account, which needs the secret key.
	noKey := map[string]string{}
	for k, v := range e.env {
		noKey[k] = v
	}
	delete(noKey, "CONNECTOR_SECRET_KEY")
	if _, _, err := runCmd(ctx, noKey, "sync", "all"); err == nil || !strings.Contains(err.Error(), "CONNECTOR_SECRET_KEY") {
		t.Errorf("keys without a secret key: %v", err)
	}

	// An IWS refusal is printed with its code and ends non-zero.
	bad := map[string]string{}
	for k, v := range e.env {
		bad[k] = v
	}
	bad["CONNECTOR_IWS_ACCESS_KEY"] = "not-the-key"
	out, stderr, err := runCmd(ctx, bad, "sync", "catalog", "--json")
	var exit exitError
	if !errors.As(err, &exit) || exit.code == 0 {
		t.Fatalf("sync with a wrong key: %v", err)
	}
	if !strings.Contains(stderr, "IWS error") || out != "" {
		t.Errorf("stderr = %q, stdout = %q", stderr, out)
	}
}

func TestServeRunsScheduledSyncs(t *testing.T) {
	e := newSyncEnv(t, 30)
	env := map[string]string{"CONNECTOR_LOG_FORMAT": "json"}
	for k, v := range e.env {
		env[k] = v
	}
	_, serve := startServing(t, env, "serve")
	// A first start finds every schedule due: the catalog sync runs and pushes to the shop. Polled
	// until the rows appear, however long a loaded machine takes.
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for len(e.listings(t)) == 0 {
		select {
		case <-serve.done:
			t.Fatalf("serve stopped before pushing: %v\n%s", serve.res.err, serve.res.stderr)
		case <-poll.C:
		}
	}
	r := serve.stop()
	if r.err != nil {
		t.Fatalf("serve returned %v", r.err)
	}
	stderr := r.stderr
	for _, want := range []string{`"msg":"job workers and scheduler started"`, `"msg":"job workers and scheduler stopped"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("log lacks %s", want)
		}
	}
}
