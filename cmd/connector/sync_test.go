package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws"
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
	return newSyncEnvOn(t, sb, srv)
}

// newSyncEnvOn is newSyncEnv for a sandbox served by srv.
func newSyncEnvOn(t *testing.T, sb *sandbox.Sandbox, srv *httptest.Server) *syncEnv {
	t.Helper()
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
	for _, want := range []string{"Synced all of IWS account \"default\"", "40 inserted", "listings", `shop 1 "Test shop" (memory)`, "create",
		"uploaded, 0 reused, 0 recovered, 0 orphans"} {
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
	out, stderr, err := runCmd(ctx, bad, "sync", "catalog")
	var exit exitError
	if !errors.As(err, &exit) || exit.code != 1 {
		t.Fatalf("sync with a wrong key: %v", err)
	}
	if lines := messageLines(stderr); len(lines) != 1 || !strings.Contains(lines[0], "IWS error 10 (HTTP 401)") ||
		!strings.Contains(lines[0], "reference ") || out != "" {
		t.Errorf("stderr = %q, stdout = %q; want one line with the IWS error", stderr, out)
	}

	// With --json the refusal is the one JSON object on stdout.
	out, stderr, err = runCmd(ctx, bad, "sync", "catalog", "--json")
	if !errors.As(err, &exit) || exit.code != 1 {
		t.Fatalf("sync --json with a wrong key: %v", err)
	}
	failed := syncFailureJSON(t, out)
	if failed.Error.Code != "10" || failed.Error.Reference == "" || !strings.Contains(failed.Error.Message, "IWS error 10") ||
		(failed.Error.Stage != "catalog" && failed.Error.Stage != "catalog-en") || failed.Products != (productCounts{}) {
		t.Errorf("sync --json with a wrong key printed %+v", failed)
	}
	if lines := messageLines(stderr); len(lines) != 0 {
		t.Errorf("stderr = %q", stderr)
	}
	// So is a failure before the sync starts.
	out, _, err = runCmd(ctx, noKey, "sync", "all", "--json")
	if failed := syncFailureJSON(t, out); !errors.As(err, &exit) || failed.Error.Stage != "" ||
		!strings.Contains(failed.Error.Message, "CONNECTOR_SECRET_KEY") || failed.Error.Code != "failed" {
		t.Errorf("sync --json without a secret key: %v, printed %+v", err, failed)
	}
}

// messageLines are the lines of stderr that are not log records.
func messageLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if l != "" && !strings.HasPrefix(l, "time=") {
			out = append(out, l)
		}
	}
	return out
}

type syncFailure struct {
	Error struct {
		Code, Message, Reference, Stage string
	}
	Products productCounts
	Listings struct {
		Changed, Unchanged int
	}
	DurationMS int `json:"duration_ms"`
}

// syncFailureJSON checks that out is exactly one JSON object with exactly the keys of a failed
// sync: error {code, message, reference, stage} (all strings) and the counts of a success.
func syncFailureJSON(t *testing.T, out string) syncFailure {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil || dec.More() || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("stdout is not exactly one JSON object (%v):\n%s", err, out)
	}
	keys := slices.Sorted(maps.Keys(raw))
	if !slices.Equal(keys, []string{"duration_ms", "error", "listings", "products"}) {
		t.Errorf("keys %v of %s", keys, out)
	}
	var e map[string]any
	if err := json.Unmarshal(raw["error"], &e); err != nil || len(e) != 4 {
		t.Fatalf("error member %s, want code, message, reference, stage", raw["error"])
	}
	for _, k := range []string{"code", "message", "reference", "stage"} {
		if _, ok := e[k].(string); !ok {
			t.Errorf("error.%s = %v, want a string", k, e[k])
		}
	}
	var f syncFailure
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// failContentDownloads makes DownloadExtendedCatalog fail for good (a 501 with the IWS 900 body,
// which no client retries) n times: the content an "all" run reads beside the catalog is then
// missing, the run writes catalog, prices and stock, and the content stage, run on its own after
// them, fails.
func failContentDownloads(t *testing.T, sb *sandbox.Sandbox, n int) {
	t.Helper()
	broken := sandbox.Fault{Kind: sandbox.FaultUnavailable, Status: http.StatusNotImplemented}
	if err := sb.SetFaults(sandbox.Faults{Next: map[string][]sandbox.Fault{"downloadextendedcatalog": slices.Repeat([]sandbox.Fault{broken}, n)}}); err != nil {
		t.Fatal(err)
	}
}

// syncRunOf returns the latest sync_runs row.
func (e *syncEnv) latestRun(t *testing.T) store.SyncRun {
	t.Helper()
	st := e.open(t)
	defer st.Close()
	run, err := st.LatestSyncRun(context.Background(), store.SyncRunFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func (e *syncEnv) productCount(t *testing.T) int {
	t.Helper()
	st := e.open(t)
	defer st.Close()
	acct, err := st.DefaultIWSAccount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.CountProducts(context.Background(), acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n.Total
}

// TestSyncCommandFailsMidway: a sync whose content stage fails after catalog, prices and stock
// were written prints the JSON of the failure with the counts of what it wrote, exits 1 and
// records those counts in sync_runs; without --json it prints one line.
func TestSyncCommandFailsMidway(t *testing.T) {
	const skus = 60
	for _, asJSON := range []bool{true, false} {
		t.Run(fmt.Sprintf("json %v", asJSON), func(t *testing.T) {
			e := newSyncEnv(t, skus)
			failContentDownloads(t, e.sb, 2)
			args := []string{"sync", "all"}
			if asJSON {
				args = append(args, "--json")
			}
			out, stderr, err := runCmd(context.Background(), e.env, args...)
			var exit exitError
			if !errors.As(err, &exit) || exit.code != 1 {
				t.Fatalf("sync: %v\n%s", err, stderr)
			}
			if n := e.productCount(t); n != skus {
				t.Fatalf("%d products written, want the %d of the catalog before the content failed", n, skus)
			}
			run := e.latestRun(t)
			if want := (store.SyncCounts{Fetched: skus, Inserted: skus}); run.Status != store.SyncFailed || run.Counts != want {
				t.Errorf("sync_runs row: %s %+v, want failed with %+v", run.Status, run.Counts, want)
			}
			if asJSON {
				f := syncFailureJSON(t, out)
				if f.Error.Code != "900" || f.Error.Stage != "content" || f.Error.Reference == "" || !strings.Contains(f.Error.Message, "DownloadExtendedCatalog") {
					t.Errorf("error %+v", f.Error)
				}
				if f.Products != (productCounts{Fetched: skus, Inserted: skus}) || f.Listings.Changed != 0 {
					t.Errorf("counts %+v %+v, want the %d products written and no push", f.Products, f.Listings, skus)
				}
				return
			}
			lines := messageLines(stderr)
			line := strings.Join(lines, "\n")
			if out != "" || len(lines) != 1 || !strings.Contains(line, "sync all failed in the content stage") ||
				!strings.Contains(line, fmt.Sprintf("%d inserted", skus)) || !strings.Contains(line, "IWS error 900 (HTTP 501) on DownloadExtendedCatalog") {
				t.Errorf("stdout %q, stderr %q; want one line on stderr", out, stderr)
			}
		})
	}
}

// TestSyncCommandInterrupted: Ctrl-C during a download ends the sync as interrupted: the error is
// context.Canceled (for main to report), not an IWS error or a malformed response; --json prints
// one object saying so with what was written; sync_runs records it with those counts.
func TestSyncCommandInterrupted(t *testing.T) {
	const skus = 40
	sb, err := sandbox.New(sandbox.Config{APIKey: syncTestAPIKey, AccessKey: syncTestAccessKey, SKUs: skus, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	downloads := 0
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if strings.Contains(r.URL.Path, "downloadextendedcatalog") {
			downloads++
			if downloads == 2 {
				// The content stage's own download, after catalog, prices and stock were
				// written: the user presses Ctrl-C while it runs.
				mu.Unlock()
				cancel()
				<-r.Context().Done()
				return
			}
		}
		mu.Unlock()
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e := newSyncEnvOn(t, sb, srv)
	failContentDownloads(t, sb, 1)
	out, stderr, err := runCmd(ctx, e.env, "sync", "all", "--json")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted sync: %v", err)
	}
	var exit exitError
	if _, isIWS := iws.AsError(err); isIWS || errors.As(err, &exit) || errors.Is(err, iws.ErrMalformedResponse) {
		t.Errorf("interrupted sync reported as a failure: %v", err)
	}
	f := syncFailureJSON(t, out)
	if f.Error.Code != "interrupted" || f.Error.Stage != "content" || f.Products.Inserted != skus {
		t.Errorf("printed %+v", f)
	}
	if strings.Contains(stderr, "level=ERROR") || strings.Contains(stderr, "malformed") {
		t.Errorf("stderr of an interrupted sync:\n%s", stderr)
	}
	run := e.latestRun(t)
	if run.Status != store.SyncFailed || !strings.Contains(run.Error, "interrupted") || run.Counts.Inserted != skus {
		t.Errorf("sync_runs row %s %q %+v", run.Status, run.Error, run.Counts)
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
