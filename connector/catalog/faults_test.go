package catalog_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

// simClock is the time of a sandbox and of the IWS client that calls it: the client's waits
// (backoff, throttle) move it on instead of sleeping, so a test rides out minutes of IWS throttling
// without waiting for them, and signs its requests with the time the sandbox checks them against.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func newSimClock() *simClock { return &simClock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)} }

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}

// tally counts the answers a client got: by HTTP status, the requests that got none and the bodies
// that broke off.
type tally struct {
	next     http.RoundTripper
	mu       sync.Mutex
	statuses map[int]int
	dropped  int
	cut      int
}

func (t *tally) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		t.dropped++
		return nil, err
	}
	t.statuses[resp.StatusCode]++
	resp.Body = &tallyBody{ReadCloser: resp.Body, t: t}
	return resp, nil
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Sprintf("statuses %v, no answer %d, bodies cut %d", t.statuses, t.dropped, t.cut)
}

type tallyBody struct {
	io.ReadCloser
	t    *tally
	once sync.Once
}

func (b *tallyBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.once.Do(func() {
			b.t.mu.Lock()
			b.t.cut++
			b.t.mu.Unlock()
		})
	}
	return n, err
}

// simEnv is a sandbox on a simClock, an IWS client for it and an account in the store.
func newSimEnv(tb testing.TB, st *store.Store, name string, cfg sandbox.Config) *env {
	e, _ := newTalliedEnv(tb, st, name, cfg)
	return e
}

func newTalliedEnv(tb testing.TB, st *store.Store, name string, cfg sandbox.Config) (*env, *tally) {
	tb.Helper()
	clock := newSimClock()
	cfg.APIKey = "00000000-0000-0000-0000-" + fmt.Sprintf("%012x", len(name)*7919)
	cfg.AccessKey = testAccessKey
	cfg.Clock = clock.Now
	sb, err := sandbox.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = sb.Close() })
	srv := httptest.NewServer(sb)
	tb.Cleanup(srv.Close)
	// A connection per request: on a reused one, net/http itself repeats a GET whose connection
	// dropped before the answer, and the client's retries would not see all the drops.
	tl := &tally{next: &http.Transport{DisableKeepAlives: true}, statuses: map[int]int{}}
	client, err := iws.New(iws.Config{
		BaseURL: srv.URL + "/v1/", APIKey: cfg.APIKey, AccessKey: cfg.AccessKey,
		HTTPClient: &http.Client{Transport: tl},
		Now:        clock.Now,
		Sleep:      clock.Sleep,
		// The default attempts make a sync on such a day fail once in thousands of calls; this
		// test makes a few hundred calls per run and must never fail by chance.
		Retry: iws.RetryPolicy{MaxAttempts: 30},
	})
	if err != nil {
		tb.Fatal(err)
	}
	acct, err := st.SaveIWSAccount(context.Background(), store.IWSAccount{
		Name: name, Environment: store.EnvironmentTest, BaseURL: srv.URL + "/v1/", APIKey: cfg.APIKey, AccessKey: cfg.AccessKey,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return &env{sb: sb, client: client, accountID: acct.ID}, tl
}

// mirrorRows is an account's products table with what differs between two accounts mirroring the same
// catalog left out (the account, the timestamps, the hash that covers the account id).
func mirrorRows(t *testing.T, st *store.Store, accountID int64) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := st.EachProduct(context.Background(), accountID, store.ProductFilter{}, func(p *mirror.Product) error {
		q := p.Clone()
		q.AccountID, q.ContentHash = 0, ""
		q.FirstSeenAt, q.LastSeenAt, q.UpdatedAt = time.Time{}, time.Time{}, time.Time{}
		deactivated := q.DeactivatedAt != nil
		q.DeactivatedAt = nil
		b, err := json.Marshal(struct {
			P           *mirror.Product
			Deactivated bool
		}{q, deactivated})
		if err != nil {
			return err
		}
		if _, dup := out[p.SKU]; dup {
			return fmt.Errorf("SKU %s listed twice", p.SKU)
		}
		out[p.SKU] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameMirror(t *testing.T, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d products, want %d", len(got), len(want))
	}
	diffs := 0
	for sku, w := range want {
		if g := got[sku]; g != w {
			if diffs++; diffs <= 2 {
				t.Errorf("%s:\n got %s\nwant %s", sku, g, w)
			}
		}
	}
	if diffs > 2 {
		t.Errorf("… %d products differ in all", diffs)
	}
}

// TestSyncRidesOutABadDay: with IWS failing a third of its calls (5xx, 900 included), garbling a
// tenth of its answers mid-body, dropping connections (before the answer or mid-body) and
// throttling calls closer than 2 s, every sync succeeds and leaves exactly the products table, and
// reports exactly the counts, of the same syncs against a fault-free IWS: a first sync, then one
// after stock, price and catalog changes. Several seeds, paginated and not, both databases.
func TestSyncRidesOutABadDay(t *testing.T) {
	const skus = 240
	cut, drop, garbled := sandbox.Fault{Kind: sandbox.FaultCut}, sandbox.Fault{Kind: sandbox.FaultDrop}, sandbox.Fault{Kind: sandbox.FaultMalformed}
	badDay := sandbox.Faults{FailRate: 0.3, MalformedRate: 0.1, DropRate: 0.1,
		// Every feed is cut off mid-body at least once, whatever the random draws.
		Next: map[string][]sandbox.Fault{
			"getcatalog":              {cut, drop, garbled, cut},
			"getpricelist":            {cut, garbled},
			"getinventory":            {garbled, cut},
			"downloadextendedcatalog": {cut, cut},
		}}
	for _, tc := range []struct {
		seed             int64
		batch, pageSize  int
		throttleStatus   int
		paginationInList bool
	}{
		{seed: 1, batch: 64},
		{seed: 2, batch: 50, pageSize: 70, throttleStatus: http.StatusTooManyRequests},
		{seed: 3, batch: 500, pageSize: 100, paginationInList: true},
	} {
		t.Run(fmt.Sprintf("seed %d", tc.seed), func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				cfg := sandbox.Config{SKUs: skus, Seed: tc.seed, ThrottleStatus: tc.throttleStatus, PaginationInArray: tc.paginationInList,
					PublicURL: "http://iws-sandbox.test"} // image URLs alike on both sides
				good := newSimEnv(t, st, "fault-free", cfg)
				cfg.ThrottleInterval = 2 * time.Second
				cfg.Faults = badDay
				bad, answers := newTalliedEnv(t, st, "bad-day", cfg)
				opts := catalog.Options{BatchSize: tc.batch, PageSize: tc.pageSize}
				goodSync := catalog.New(st, good.client, opts)
				badSync := catalog.New(st, bad.client, opts)

				// The same changes on both sides between the runs (ChangeStock draws from the
				// sandbox's random source, which the faults use too).
				change := func(e *env) {
					skus := e.sb.SKUs()
					for i, sku := range skus[:40] {
						if p, err := e.sb.Product(sku); err != nil || p.Type != iws.TypePhysical {
							continue
						}
						stock, err := e.sb.Stock(sku)
						if err != nil {
							t.Fatal(err)
						}
						locs := slices.Sorted(maps.Keys(stock))
						if len(locs) == 0 {
							continue
						}
						if err := e.sb.SetStock(sku, locs[0], stock[locs[0]]+i+1); err != nil {
							t.Fatal(err)
						}
					}
					if err := e.sb.SetPrice(skus[41], decimal.RequireFromString("123.45")); err != nil {
						t.Fatal(err)
					}
					if err := e.sb.RemoveProduct(skus[42]); err != nil {
						t.Fatal(err)
					}
				}
				for round, kind := range []catalog.Kind{catalog.KindAll, catalog.KindAll, catalog.KindStock, catalog.KindCatalog} {
					if round == 1 {
						change(good)
						change(bad)
					}
					want := mustRun(t, goodSync, good, kind, catalog.RunOptions{})
					got := mustRun(t, badSync, bad, kind, catalog.RunOptions{})
					if got.SyncCounts != want.SyncCounts || got.Changed != want.Changed {
						t.Errorf("round %d (%s): counts %+v %+v, want those of the fault-free run %+v %+v",
							round, kind, got.SyncCounts, got.Changed, want.SyncCounts, want.Changed)
					}
					for i := range want.Stages {
						if i >= len(got.Stages) || got.Stages[i].Stage != want.Stages[i].Stage || got.Stages[i].Counts != want.Stages[i].Counts {
							t.Errorf("round %d (%s): stages %+v, want %+v", round, kind, got.Stages, want.Stages)
							break
						}
					}
					sameMirror(t, mirrorRows(t, st, bad.accountID), mirrorRows(t, st, good.accountID))
				}
				// The day was as bad as announced.
				answers.mu.Lock()
				throttled := answers.statuses[cmp.Or(tc.throttleStatus, http.StatusBadRequest)]
				allKinds := answers.statuses[http.StatusServiceUnavailable] > 0 && answers.statuses[http.StatusBadGateway] > 0 &&
					throttled > 0 && answers.dropped > 0 && answers.cut >= 6
				answers.mu.Unlock()
				if !allKinds {
					t.Errorf("answers: %v; want every kind of fault", answers)
				}
				t.Logf("answers: %v", answers)
			})
		})
	}
}

// levelRecorder remembers the highest level logged.
type levelRecorder struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *levelRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *levelRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r)
	return nil
}
func (h *levelRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *levelRecorder) WithGroup(string) slog.Handler      { return h }

func (h *levelRecorder) errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.recs {
		if r.Level >= slog.LevelError {
			out = append(out, r.Message)
		}
	}
	return out
}

// TestFailedRunCountsWhatItWrote: a run that breaks off (its feed failed for good, or it was
// interrupted) records in sync_runs the rows it really wrote, not zero and not what it planned; an
// interrupted run says so, wraps context.Canceled and logs no error.
func TestFailedRunCountsWhatItWrote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, tc := range []struct {
			name      string
			kind      catalog.Kind
			interrupt bool
		}{
			{"all, feed broken", catalog.KindAll, false},
			{"catalog, feed broken", catalog.KindCatalog, false},
			{"all, interrupted", catalog.KindAll, true},
			{"catalog, interrupted", catalog.KindCatalog, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := newSimEnv(t, st, tc.name, sandbox.Config{SKUs: testSKUs, Seed: 9})
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var src catalog.Source = breakingSource{Source: e.client, after: testSKUs / 2}
				opts := catalog.RunOptions{Content: catalog.ContentNever}
				if tc.interrupt {
					// Ctrl-C once 100 products are written, the stream still going.
					src = e.client
					written := 0
					opts.OnChange = func(string, catalog.Change) {
						if written++; written == 100 {
							cancel()
						}
					}
				}
				logs := &levelRecorder{}
				s := catalog.New(st, src, catalog.Options{BatchSize: 20, Logger: slog.New(logs)})
				res, err := s.Run(ctx, e.accountID, tc.kind, opts)
				var se *catalog.StageError
				if !errors.As(err, &se) || se.Stage != catalog.StageCatalog || res.Status != store.SyncFailed {
					t.Fatalf("Run: %v (%+v), want the catalog stage failed", err, res)
				}
				if tc.interrupt {
					if !errors.Is(err, context.Canceled) || errors.Is(err, iws.ErrMalformedResponse) {
						t.Errorf("interrupted run: %v, want context.Canceled alone", err)
					}
					if got := logs.errors(); len(got) > 0 {
						t.Errorf("an interrupted run logged errors: %q", got)
					}
				} else if !errors.Is(err, iws.ErrMalformedResponse) {
					t.Errorf("broken feed: %v", err)
				}

				n, err := st.CountProducts(context.Background(), e.accountID)
				if err != nil {
					t.Fatal(err)
				}
				if n.Total == 0 || n.Total >= testSKUs {
					t.Fatalf("%d products written; the test wants a run that broke off half way", n.Total)
				}
				run, err := st.SyncRun(context.Background(), res.RunID)
				if err != nil {
					t.Fatal(err)
				}
				want := store.SyncCounts{Fetched: res.Fetched, Inserted: n.Total}
				if run.Counts != want || res.SyncCounts != want || run.Status != store.SyncFailed || run.Error == "" {
					t.Errorf("recorded %s run: %+v (result %+v), want %+v: the %d rows written", run.Status, run.Counts, res.SyncCounts, want, n.Total)
				}
				if res.Fetched < n.Total || res.Fetched > testSKUs {
					t.Errorf("fetched %d", res.Fetched)
				}
				if tc.interrupt && !containsAll(run.Error, "interrupted", "context canceled") {
					t.Errorf("interrupted run's error %q", run.Error)
				}
			})
		}
	})
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
