package syncjob_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/platforms"
)

// span records when a runner was seen working: its first and last IWS or storefront call.
type span struct {
	mu          sync.Mutex
	first, last time.Time
}

func (s *span) mark() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.first.IsZero() {
		s.first = now
	}
	s.last = now
}

func (s *span) get() (first, last time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first, s.last
}

// slowSource is an IWS client that records its calls and takes delay before each feed (a stall).
// hook, when set, runs before each feed.
type slowSource struct {
	catalog.Source
	span  *span
	delay time.Duration
	hook  func(ctx context.Context) error
}

func (s slowSource) before(ctx context.Context) error {
	s.span.mark()
	if s.hook != nil {
		if err := s.hook(ctx); err != nil {
			return err
		}
	}
	select {
	case <-time.After(s.delay):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s slowSource) StreamCatalog(ctx context.Context, p *iws.CatalogParams, fn func(*iws.Product) error) (iws.StreamInfo, error) {
	if err := s.before(ctx); err != nil {
		return iws.StreamInfo{}, err
	}
	defer s.span.mark()
	return s.Source.StreamCatalog(ctx, p, fn)
}

func (s slowSource) StreamPriceList(ctx context.Context, p *iws.PriceListParams, fn func(*iws.PriceListItem) error) (iws.StreamInfo, error) {
	if err := s.before(ctx); err != nil {
		return iws.StreamInfo{}, err
	}
	defer s.span.mark()
	return s.Source.StreamPriceList(ctx, p, fn)
}

func (s slowSource) StreamInventory(ctx context.Context, p *iws.InventoryParams, fn func(*iws.InventoryData) error) (iws.StreamInfo, error) {
	if err := s.before(ctx); err != nil {
		return iws.StreamInfo{}, err
	}
	defer s.span.mark()
	return s.Source.StreamInventory(ctx, p, fn)
}

func (s slowSource) StreamExtendedCatalog(ctx context.Context, p *iws.ExtendedCatalogParams, fn func(*iws.ExtendedProduct) error) (iws.StreamInfo, error) {
	if err := s.before(ctx); err != nil {
		return iws.StreamInfo{}, err
	}
	defer s.span.mark()
	return s.Source.StreamExtendedCatalog(ctx, p, fn)
}

// spanStorefront records the pushes of a storefront.
type spanStorefront struct {
	platforms.Storefront
	span *span
}

func (s spanStorefront) UpsertProducts(ctx context.Context, p []platforms.ProductInput) ([]platforms.ItemResult, error) {
	s.span.mark()
	defer s.span.mark()
	return s.Storefront.UpsertProducts(ctx, p)
}

func (s spanStorefront) UpdateStock(ctx context.Context, u []platforms.StockUpdate) ([]platforms.ItemResult, error) {
	s.span.mark()
	defer s.span.mark()
	return s.Storefront.UpdateStock(ctx, u)
}

func (s spanStorefront) UpdatePrices(ctx context.Context, u []platforms.PriceUpdate) ([]platforms.ItemResult, error) {
	s.span.mark()
	defer s.span.mark()
	return s.Storefront.UpdatePrices(ctx, u)
}

func (s spanStorefront) Unpublish(ctx context.Context, refs []platforms.ProductRef) ([]platforms.ItemResult, error) {
	s.span.mark()
	defer s.span.mark()
	return s.Storefront.Unpublish(ctx, refs)
}

// newRunner builds another Runner on f's store, sandbox and shops, as a second process would,
// with its IWS calls slowed down by delay and recorded in sp.
func (f *fixture) newRunner(sp *span, delay time.Duration, hook func(context.Context) error, tune func(*syncjob.Config)) *syncjob.Runner {
	f.t.Helper()
	cfg := syncjob.Config{
		Store: f.st,
		IWS: func(_ context.Context, a store.IWSAccount) (catalog.Source, error) {
			c, err := iws.New(iws.Config{
				BaseURL: a.BaseURL, APIKey: a.APIKey, AccessKey: a.AccessKey,
				HTTPClient: &http.Client{},
				Sleep:      func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
			})
			if err != nil {
				return nil, err
			}
			return slowSource{Source: c, span: sp, delay: delay, hook: hook}, nil
		},
		Storefronts: func(shop store.Shop) (platforms.Storefront, error) {
			sf, err := f.sfs.For(shop)
			if err != nil {
				return nil, err
			}
			return spanStorefront{Storefront: sf, span: sp}, nil
		},
		ListingPageSize: 64,
		LockPoll:        5 * time.Millisecond,
	}
	if tune != nil {
		tune(&cfg)
	}
	r, err := syncjob.New(cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// TestRunsOfOneAccountNeverOverlap runs the same account on two Runners (two processes sharing
// the database) at once: the runs take turns, the second waiting for the first. The first run to
// call IWS holds on until the other is seen waiting for the account, or is seen calling IWS too
// (the runs overlap): so the two runs meet however the machine schedules them.
func TestRunsOfOneAccountNeverOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 40, sandbox.Config{})
		spans := []*span{{}, {}}
		var waited [2]bool
		waiting := make(chan struct{})
		var waitingOnce sync.Once
		called := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
		var calledOnce [2]sync.Once
		finished := [2]chan struct{}{make(chan struct{}), make(chan struct{})} // a run that failed early
		var wg sync.WaitGroup
		for i, sp := range spans {
			meet := func(ctx context.Context) error {
				calledOnce[i].Do(func() { close(called[i]) })
				select {
				case <-waiting:
				case <-called[1-i]:
				case <-finished[1-i]:
				case <-ctx.Done():
					return ctx.Err()
				}
				return nil
			}
			r := f.newRunner(sp, 0, meet, nil)
			wg.Go(func() {
				defer close(finished[i])
				_, err := r.Run(f.ctx, syncjob.Request{AccountID: f.acct.ID, Kind: catalog.KindAll,
					OnProgress: func(stage string, _ int) {
						if stage == "waiting for another sync of this account" {
							waited[i] = true
							waitingOnce.Do(func() { close(waiting) })
						}
					}})
				if err != nil {
					t.Errorf("runner %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		a0, b0 := spans[0].get()
		a1, b1 := spans[1].get()
		if a0.IsZero() || a1.IsZero() {
			t.Fatalf("a runner made no call: %v %v", a0, a1)
		}
		if a0.Before(b1) && a1.Before(b0) {
			t.Errorf("runs overlap: [%s, %s] and [%s, %s]", a0.Format(time.StampMicro), b0.Format(time.StampMicro),
				a1.Format(time.StampMicro), b1.Format(time.StampMicro))
		}
		if waited[0] == waited[1] {
			t.Errorf("waited = %v, want exactly one runner waiting", waited)
		}
		if _, err := st.LockInfo(f.ctx, "sync:account:"+fmt.Sprint(f.acct.ID)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("lock after both runs: %v, want released", err)
		}
		// Every product the shop holds is the one its listing points at: no push created a twin.
		products := f.sfs.MemoryShop(f.shop.ID).Products()
		if len(products) == 0 {
			t.Fatal("nothing was pushed")
		}
		listings := f.pushed()
		for sku := range products {
			if l, ok := listings[sku]; !ok || l.ProductID == "" || l.PendingChange != "" {
				t.Errorf("%s: in the shop, but its listing has product id %q, pending %q, error %q",
					sku, l.ProductID, l.PendingChange, l.LastError)
			}
		}
	})
}

// TestBusyAccount covers a run that finds its account locked elsewhere: Run with NoWait and
// with MaxWait reports ErrBusy, and a job worker snoozes the job without using an attempt.
func TestBusyAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 10, sandbox.Config{})
		lockName := fmt.Sprintf("sync:account:%d", f.acct.ID)
		if ok, err := st.TryLock(f.ctx, lockName, "another-process", time.Minute); !ok || err != nil {
			t.Fatalf("TryLock = %v, %v", ok, err)
		}

		sp := &span{}
		r := f.newRunner(sp, 0, nil, func(c *syncjob.Config) { c.MaxWait = 50 * time.Millisecond })
		if _, err := r.Run(f.ctx, syncjob.Request{AccountID: f.acct.ID, Kind: catalog.KindAll, NoWait: true}); !errors.Is(err, syncjob.ErrBusy) {
			t.Errorf("NoWait run = %v, want ErrBusy", err)
		}
		// MaxWait is a lower bound the runner keeps (its timer never fires early), so this holds on
		// a machine of any load.
		start := time.Now()
		waited := false
		_, err := r.Run(f.ctx, syncjob.Request{AccountID: f.acct.ID, Kind: catalog.KindAll,
			OnProgress: func(stage string, _ int) { waited = waited || stage == "waiting for another sync of this account" }})
		if !errors.Is(err, syncjob.ErrBusy) || !waited || time.Since(start) < 50*time.Millisecond {
			t.Errorf("MaxWait run = %v after %s (waiting reported: %v), want ErrBusy after waiting 50ms", err, time.Since(start), waited)
		}
		ctx, cancel := context.WithTimeout(f.ctx, 20*time.Millisecond)
		defer cancel()
		r2 := f.newRunner(sp, 0, nil, nil)
		if _, err := r2.Run(ctx, syncjob.Request{AccountID: f.acct.ID, Kind: catalog.KindAll}); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("run waiting until its context ends = %v", err)
		}
		if first, _ := sp.get(); !first.IsZero() {
			t.Error("a run called IWS without the account lock")
		}

		ws := jobs.NewWorkers()
		syncjob.AddWorkers(ws, f.runner, syncjob.PurgePolicy{})
		client, err := jobs.NewClient(st, jobs.Config{Workers: ws, SnoozeFor: syncjob.SnoozeForThrottle})
		if err != nil {
			t.Fatal(err)
		}
		res, err := client.Insert(f.ctx, syncjob.SyncStock{Target: syncjob.Target{AccountID: f.acct.ID}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		before := time.Now().Truncate(time.Microsecond)
		if _, err := client.Drain(f.ctx); err != nil {
			t.Fatal(err)
		}
		after := time.Now()
		job, err := client.Get(f.ctx, res.Job.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Snoozed 30 s to 1 min from the attempt's end, somewhere within the Drain.
		if job.State != jobs.StateScheduled || job.Attempt != 0 ||
			job.ScheduledAt.Before(before.Add(30*time.Second)) || job.ScheduledAt.After(after.Add(time.Minute)) {
			t.Errorf("job on a busy account = state %s attempt %d scheduled at %v, want snoozed 30s-1min from the Drain at %v-%v",
				job.State, job.Attempt, job.ScheduledAt, before, after)
		}
		if got, err := st.LockInfo(f.ctx, lockName); err != nil || got.Owner != "another-process" {
			t.Errorf("lock = %+v, %v; want still another-process's", got, err)
		}

		// Once released, the account runs.
		if err := st.Unlock(f.ctx, lockName, "another-process"); err != nil {
			t.Fatal(err)
		}
		f.run(catalog.KindAll)
	})
}

// TestRunFailsRunsLeftRunning: a run that takes the account lock marks the account's runs still
// "running" (left by a process that stopped) as failed, and leaves other accounts' alone.
func TestRunFailsRunsLeftRunning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 10, sandbox.Config{})
		stale, err := st.CreateSyncRun(f.ctx, f.acct.ID, "prices", []string{catalog.StagePrices})
		if err != nil {
			t.Fatal(err)
		}
		other, err := st.SaveIWSAccount(f.ctx, store.IWSAccount{Name: "other", Environment: store.EnvironmentTest,
			BaseURL: f.acct.BaseURL, APIKey: testAPIKey, AccessKey: testAccessKey})
		if err != nil {
			t.Fatal(err)
		}
		otherRun, err := st.CreateSyncRun(f.ctx, other.ID, "stock", []string{catalog.StageStock})
		if err != nil {
			t.Fatal(err)
		}

		sum := f.run(catalog.KindAll)

		got, err := st.SyncRun(f.ctx, stale.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.SyncFailed || got.Error != syncjob.InterruptedRunError || got.FinishedAt == nil {
			t.Errorf("stale run = status %s error %q finished %v", got.Status, got.Error, got.FinishedAt)
		}
		if got, err := st.SyncRun(f.ctx, otherRun.ID); err != nil || got.Status != store.SyncRunning {
			t.Errorf("other account's run = %+v, %v; want still running", got, err)
		}
		if got, err := st.SyncRun(f.ctx, sum.Catalog.RunID); err != nil || got.Status != store.SyncSucceeded {
			t.Errorf("new run = %+v, %v", got, err)
		}
	})
}

// TestRunStopsWhenTheLockIsLost: when another process takes the account lock over (the lease
// expired while this one stalled), the heartbeat cancels the run. The stall ends only when the
// run's context does, so the run returning at all is the heartbeat's doing.
func TestRunStopsWhenTheLockIsLost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 10, sandbox.Config{})
		lockName := fmt.Sprintf("sync:account:%d", f.acct.ID)
		var once sync.Once
		steal := func(ctx context.Context) error {
			var err error
			once.Do(func() {
				var l store.Lock
				if l, err = st.LockInfo(ctx, lockName); err != nil {
					return
				}
				if err = st.Unlock(ctx, lockName, l.Owner); err != nil {
					return
				}
				_, err = st.TryLock(ctx, lockName, "thief", time.Minute)
			})
			return err
		}
		r := f.newRunner(&span{}, 24*time.Hour, steal, func(c *syncjob.Config) { c.LockTTL = 150 * time.Millisecond })
		_, err := r.Run(f.ctx, syncjob.Request{AccountID: f.acct.ID, Kind: catalog.KindAll})
		if !errors.Is(err, syncjob.ErrLockLost) {
			t.Fatalf("run = %v, want ErrLockLost", err)
		}
		if l, err := st.LockInfo(f.ctx, lockName); err != nil || l.Owner != "thief" {
			t.Errorf("lock = %+v, %v; want the thief's", l, err)
		}
	})
}
