package syncjob_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/platforms/memory"
	"github.com/intcomex-connector/connector/pricing"
)

const (
	testAPIKey    = "00000000-0000-0000-0000-000000000001"
	testAccessKey = "11111111-2222-3333-4444-555555555555"
	batch         = 3
)

type fixture struct {
	t      *testing.T
	ctx    context.Context
	st     *store.Store
	sb     *sandbox.Sandbox
	acct   store.IWSAccount
	shop   store.Shop
	sfs    *shops.Storefronts
	runner *syncjob.Runner
	iws    syncjob.SourceFactory
}

func setup(t *testing.T, st *store.Store, skus int, sbcfg sandbox.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	sbcfg.APIKey, sbcfg.AccessKey, sbcfg.SKUs, sbcfg.Seed = testAPIKey, testAccessKey, skus, 7
	sb, err := sandbox.New(sbcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: srv.URL + "/v1/", APIKey: testAPIKey, AccessKey: testAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "mem", Platform: store.PlatformMemory, Credentials: "{}",
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"20"},
		"rules":[{"name":"cases","priority":1,"match":{"category":"cco"},"margin_percent":"30"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, rules); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, st: st, sb: sb, acct: acct, shop: shop,
		iws: func(_ context.Context, a store.IWSAccount) (catalog.Source, error) {
			return iws.New(iws.Config{
				BaseURL: a.BaseURL, APIKey: a.APIKey, AccessKey: a.AccessKey,
				HTTPClient: &http.Client{Transport: audit.NewTransport(srv.Client().Transport, st, audit.SystemIWS, audit.Options{BodyLimit: -1})},
				Sleep:      func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
			})
		},
	}
	f.useStorefronts(&shops.Storefronts{Memory: &shops.MemoryShops{Config: memory.Config{BatchSize: batch}}})
	return f
}

// useStorefronts makes the fixture's runner push through sfs.
func (f *fixture) useStorefronts(sfs *shops.Storefronts) {
	f.t.Helper()
	runner, err := syncjob.New(syncjob.Config{Store: f.st, IWS: f.iws, Storefronts: sfs.For, ListingPageSize: 64})
	if err != nil {
		f.t.Fatal(err)
	}
	f.sfs, f.runner = sfs, runner
}

func (f *fixture) run(kind catalog.Kind) syncjob.Summary {
	f.t.Helper()
	sum, err := f.runner.Run(f.ctx, syncjob.Request{AccountID: f.acct.ID, Kind: kind})
	if err != nil {
		f.t.Fatalf("run %s: %v", kind, err)
	}
	return sum
}

// pushed returns what the listings table says was pushed, by SKU.
func (f *fixture) pushed() map[string]store.Listing {
	f.t.Helper()
	out := map[string]store.Listing{}
	var after int64
	for {
		page, err := f.st.ListingsPage(f.ctx, f.shop.ID, after, 500)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, l := range page {
			out[l.SKU] = l
		}
		if len(page) < 500 {
			return out
		}
		after = page[len(page)-1].ID
	}
}

func TestRunMirrorsAndPushesOnlyChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 400, sandbox.Config{})
		sf := f.sfs.MemoryShop(f.shop.ID)

		// First run: the whole catalog is mirrored and every listable product created.
		first := f.run(catalog.KindAll)
		if first.Products.Inserted != 400 || first.Products.Fetched < 400 {
			t.Fatalf("first run products = %+v", first.Products)
		}
		created := first.Shops[0].Changes.Changes[listing.KindCreate]
		if created == 0 || first.Listings.Changed != created || len(sf.Products()) != created {
			t.Fatalf("first run: listings %+v, creates %d, storefront holds %d", first.Listings, created, len(sf.Products()))
		}
		if first.Listings.Changed+first.Listings.Unchanged != 400 {
			t.Errorf("listings %+v do not add up to the 400 products", first.Listings)
		}
		if got := sf.CountCalls("UpsertProducts"); got != ceil(created, batch) {
			t.Errorf("UpsertProducts calls = %d, want %d", got, ceil(created, batch))
		}
		raw, err := json.Marshal(first)
		if err != nil {
			t.Fatal(err)
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(raw, &keys); err != nil {
			t.Fatal(err)
		}
		if len(keys) != 3 || keys["products"] == nil || keys["listings"] == nil || keys["duration_ms"] == nil {
			t.Errorf("summary JSON = %s", raw)
		}

		// Second run: nothing changed at IWS, nothing is pushed.
		sf.ResetCalls()
		second := f.run(catalog.KindAll)
		if second.Listings.Changed != 0 || second.Products.Unchanged != second.Products.Fetched ||
			second.Products.Inserted+second.Products.Updated+second.Products.Deactivated != 0 {
			t.Fatalf("second run = %+v", second)
		}
		if n := len(sf.Calls()); n != 0 {
			t.Errorf("second run made %d storefront calls: %v", n, sf.Calls())
		}

		// Stock of 1 % of the products changes: a stock sync pushes exactly those, stock only.
		before := f.pushed()
		changed := f.sb.ChangeStock(1)
		sf.ResetCalls()
		third := f.run(catalog.KindStock)
		after := f.pushed()
		var moved []string
		for sku, l := range after {
			b := before[sku]
			if l.Stock != b.Stock || l.State != b.State {
				moved = append(moved, sku)
				if !slices.Contains(changed, sku) {
					t.Errorf("listing %s changed but its stock did not", sku)
				}
			}
			if l.PendingChange != "" {
				t.Errorf("listing %s still pending %q", sku, l.PendingChange)
			}
		}
		if len(moved) == 0 {
			t.Fatalf("ChangeStock(1) changed %v, no listing moved", changed)
		}
		cs := third.Shops[0].Changes.Changes
		if third.Listings.Changed != len(moved) || cs[listing.KindStock] != len(moved) {
			t.Errorf("stock run: listings %+v, change set %v, want %d stock changes", third.Listings, cs, len(moved))
		}
		if got := sf.CountCalls("UpdateStock"); got != ceil(len(moved), batch) || len(sf.Calls()) != got {
			t.Errorf("stock run calls = %v, want %d UpdateStock", sf.Calls(), ceil(len(moved), batch))
		}
	})
}

func ceil(n, d int) int { return (n + d - 1) / d }

func TestRunRejectsUnknownShopsAndBrokenShops(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 30, sandbox.Config{})
		if _, err := f.runner.Run(f.ctx, syncjob.Request{AccountID: f.acct.ID, Kind: catalog.KindAll, ShopID: 999}); !errors.Is(err, syncjob.ErrInvalid) {
			t.Errorf("unknown shop: %v", err)
		}
		if _, err := f.runner.Run(f.ctx, syncjob.Request{AccountID: f.acct.ID, Kind: "everything"}); !errors.Is(err, syncjob.ErrInvalid) {
			t.Errorf("unknown kind: %v", err)
		}
		if _, err := f.runner.Run(f.ctx, syncjob.Request{AccountID: 999, Kind: catalog.KindAll}); !errors.Is(err, syncjob.ErrInvalid) {
			t.Errorf("unknown account: %v", err)
		}
		// Not "{}": that is an uninstalled shop, which syncs leave out (TestConnectedShopsSkipsDisconnected).
		woo, err := st.SaveShop(f.ctx, store.Shop{Name: "woo", Platform: store.PlatformWooCommerce, BaseURL: "https://shop.example",
			Credentials: `{"consumer_secret":"cs_x"}`, IWSAccountID: f.acct.ID, Currency: "USD", Locale: "es"})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := f.runner.Run(f.ctx, syncjob.Request{AccountID: f.acct.ID, Kind: catalog.KindAll})
		if !errors.Is(err, shops.ErrInvalidCredentials) || !strings.Contains(err.Error(), "consumer_key") {
			t.Fatalf("woocommerce shop without credentials: %v", err)
		}
		// The memory shop was pushed all the same.
		if len(sum.Shops) != 2 || sum.Shops[0].Err != nil || sum.Listings.Changed == 0 || sum.Shops[1].ShopID != woo.ID {
			t.Errorf("summary = %+v", sum)
		}
	})
}

func TestWorkersRunJobsAndSnoozeThrottles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		// IWS lets GetInventory run once an hour: the second stock sync is throttled. The sandbox's
		// clock stands still, so it asks for exactly the hour.
		stopped := time.Now()
		f := setup(t, st, 40, sandbox.Config{ThrottleMethods: map[string]time.Duration{"getinventory": time.Hour},
			Clock: func() time.Time { return stopped }})
		ws := jobs.NewWorkers()
		syncjob.AddWorkers(ws, f.runner, syncjob.PurgePolicy{MaxRows: 1})
		client, err := jobs.NewClient(st, jobs.Config{Workers: ws, SnoozeFor: syncjob.SnoozeForThrottle})
		if err != nil {
			t.Fatal(err)
		}
		res, err := client.Insert(f.ctx, syncjob.SyncAll{Target: syncjob.Target{AccountID: f.acct.ID}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// A second run of the same account and kind is the same job.
		dup, err := client.Insert(f.ctx, syncjob.SyncAll{Target: syncjob.Target{AccountID: f.acct.ID}}, nil)
		if err != nil || !dup.Duplicate || dup.Job.ID != res.Job.ID {
			t.Fatalf("second insert = %+v, %v", dup, err)
		}
		if _, err := client.Drain(f.ctx); err != nil {
			t.Fatal(err)
		}
		job, err := client.Get(f.ctx, res.Job.ID)
		if err != nil || job.State != jobs.StateCompleted {
			t.Fatalf("sync_all job = %+v, %v", job, err)
		}
		if n := len(f.sfs.MemoryShop(f.shop.ID).Products()); n == 0 {
			t.Error("the job pushed no listing")
		}

		stock, err := client.Insert(f.ctx, syncjob.SyncStock{Target: syncjob.Target{AccountID: f.acct.ID}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		before := time.Now().Truncate(time.Microsecond)
		if _, err := client.Drain(f.ctx); err != nil {
			t.Fatal(err)
		}
		after := time.Now()
		job, err = client.Get(f.ctx, stock.Job.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Snoozed for the hour IWS asked, from the attempt's end somewhere within the Drain.
		if job.State != jobs.StateScheduled || job.Attempt != 0 ||
			job.ScheduledAt.Before(before.Add(time.Hour)) || job.ScheduledAt.After(after.Add(time.Hour)) {
			t.Errorf("throttled stock job = state %s attempt %d scheduled at %v, want an hour after the Drain at %v-%v",
				job.State, job.Attempt, job.ScheduledAt, before, after)
		}

		// The audit purge keeps the newest row only.
		purge, err := client.Insert(f.ctx, syncjob.AuditPurge{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.Drain(f.ctx); err != nil {
			t.Fatal(err)
		}
		if job, err := client.Get(f.ctx, purge.Job.ID); err != nil || job.State != jobs.StateCompleted {
			t.Fatalf("audit_purge job = %+v, %v", job, err)
		}
		calls, err := st.ListAPICalls(f.ctx, store.APICallFilter{Limit: 10})
		if err != nil || len(calls) != 1 {
			t.Errorf("after the purge %d API calls are left, %v", len(calls), err)
		}
	})
}

func TestSnoozeForThrottle(t *testing.T) {
	d, ok := syncjob.SnoozeForThrottle(&iws.Error{HTTPStatus: 429, RetryAfter: 90 * time.Second})
	if !ok || d != 90*time.Second {
		t.Errorf("429 with Retry-After 90s = %s, %v", d, ok)
	}
	if _, ok := syncjob.SnoozeForThrottle(errors.New("boom")); ok {
		t.Error("a plain error snoozes")
	}
}

func TestFirstFeedSyncRunsEverything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 30, sandbox.Config{})
		// A stock sync of an account never mirrored would find no product to update.
		sum := f.run(catalog.KindStock)
		if sum.Kind != catalog.KindAll || sum.Products.Inserted != 30 || sum.Listings.Changed == 0 {
			t.Fatalf("first stock sync = kind %s, %+v, %+v", sum.Kind, sum.Products, sum.Listings)
		}
		if sum := f.run(catalog.KindStock); sum.Kind != catalog.KindStock || sum.Listings.Changed != 0 {
			t.Errorf("second stock sync = kind %s, %+v", sum.Kind, sum.Listings)
		}
	})
}
