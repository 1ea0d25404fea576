package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws"
)

type testArgs struct {
	N int `json:"n"`
}

func (testArgs) Kind() string { return "test" }

type otherArgs struct{}

func (otherArgs) Kind() string { return "other" }

// iwsSnooze is how main wires IWS throttling into the queue.
func iwsSnooze(err error) (time.Duration, bool) {
	if iws.IsThrottled(err) {
		return iws.RetryAfter(err), true
	}
	return 0, false
}

func newClient(t *testing.T, st *store.Store, cfg Config) *Client {
	t.Helper()
	if cfg.Backoff == nil {
		cfg.Backoff = func(int) time.Duration { return 0 }
	}
	if cfg.SnoozeFor == nil {
		cfg.SnoozeFor = iwsSnooze
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 20 * time.Millisecond
	}
	c, err := NewClient(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if t.Failed() {
			// A failed test may have left a job blocked: cancel the jobs rather than wait for them.
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			ctx = cancelled
		}
		if err := c.Stop(ctx); err != nil && !t.Failed() {
			t.Errorf("stop: %v", err)
		}
	})
	return c
}

func workers(f func(ctx context.Context, job *Job[testArgs]) error) *Workers {
	ws := NewWorkers()
	AddWorker(ws, WorkFunc(f))
	return ws
}

// hourBackoff overrides the client's backoff for its kind.
type hourBackoff struct{}

func (hourBackoff) Work(context.Context, *Job[testArgs]) error { return errors.New("boom") }
func (hourBackoff) Backoff(int) time.Duration                  { return time.Hour }

func TestOutcomes(t *testing.T) {
	throttled := &iws.Error{Method: "GetCatalog", HTTPStatus: 429, RetryAfter: 42 * time.Minute}
	tests := []struct {
		name        string
		work        func(ctx context.Context, job *Job[testArgs]) error
		worker      Worker[testArgs] // instead of work
		maxAttempts int
		backoff     time.Duration
		wantState   State
		wantAttempt int
		wantErrors  int
		wantErrLike string
		wantDelay   time.Duration // scheduled_at - now, for jobs waiting to run again
	}{
		{name: "success", work: func(context.Context, *Job[testArgs]) error { return nil },
			wantState: StateCompleted, wantAttempt: 1},
		{name: "retries then completes", work: func(_ context.Context, j *Job[testArgs]) error {
			if j.Attempt < 3 {
				return fmt.Errorf("attempt %d failed", j.Attempt)
			}
			return nil
		}, wantState: StateCompleted, wantAttempt: 3, wantErrors: 2, wantErrLike: "attempt 2 failed"},
		{name: "backoff schedules the retry", work: func(context.Context, *Job[testArgs]) error { return errors.New("boom") },
			backoff: time.Hour, wantState: StateRetryable, wantAttempt: 1, wantErrors: 1, wantDelay: time.Hour},
		{name: "worker backoff override", worker: hourBackoff{}, backoff: time.Millisecond,
			wantState: StateRetryable, wantAttempt: 1, wantErrors: 1, wantDelay: time.Hour},
		{name: "max attempts discards", work: func(context.Context, *Job[testArgs]) error { return errors.New("always") },
			maxAttempts: 3, wantState: StateDiscarded, wantAttempt: 3, wantErrors: 3, wantErrLike: "always"},
		{name: "cancel stops retries", work: func(context.Context, *Job[testArgs]) error { return Cancel(errors.New("bad input")) },
			wantState: StateCancelled, wantAttempt: 1, wantErrors: 1, wantErrLike: "bad input"},
		{name: "panic is retryable", work: func(context.Context, *Job[testArgs]) error { panic("kaboom") },
			backoff: time.Hour, wantState: StateRetryable, wantAttempt: 1, wantErrors: 1, wantErrLike: "panicked: kaboom", wantDelay: time.Hour},
		{name: "panic then success", work: func(_ context.Context, j *Job[testArgs]) error {
			if j.Attempt == 1 {
				panic("first time")
			}
			return nil
		}, wantState: StateCompleted, wantAttempt: 2, wantErrors: 1, wantErrLike: "first time"},
		{name: "snooze keeps attempts", work: func(context.Context, *Job[testArgs]) error { return Snooze(time.Hour) },
			wantState: StateScheduled, wantAttempt: 0, wantDelay: time.Hour},
		{name: "snoozes then completes", work: func() func(context.Context, *Job[testArgs]) error {
			var n atomic.Int32
			return func(context.Context, *Job[testArgs]) error {
				if n.Add(1) <= 2 {
					return Snooze(0)
				}
				return nil
			}
		}(), maxAttempts: 1, wantState: StateCompleted, wantAttempt: 1},
		{name: "throttle snoozes for RetryAfter", work: func(context.Context, *Job[testArgs]) error {
			return fmt.Errorf("catalog: fetch: %w", throttled)
		}, maxAttempts: 1, wantState: StateScheduled, wantAttempt: 0, wantErrors: 1, wantErrLike: "HTTP 429", wantDelay: 42 * time.Minute},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				ws := NewWorkers()
				if tt.worker != nil {
					AddWorker(ws, tt.worker)
				} else {
					AddWorker(ws, WorkFunc(tt.work))
				}
				b := tt.backoff
				c := newClient(t, st, Config{Workers: ws, Backoff: func(int) time.Duration { return b }})
				res, err := c.Insert(ctx, testArgs{N: 1}, &InsertOpts{MaxAttempts: tt.maxAttempts})
				if err != nil {
					t.Fatal(err)
				}
				before := now()
				if _, err := c.Drain(ctx); err != nil {
					t.Fatal(err)
				}
				after := now()
				j, err := c.Get(ctx, res.Job.ID)
				if err != nil {
					t.Fatal(err)
				}
				if j.State != tt.wantState || j.Attempt != tt.wantAttempt || len(j.Errors) != tt.wantErrors {
					t.Fatalf("state %s attempt %d errors %d (%+v); want %s %d %d",
						j.State, j.Attempt, len(j.Errors), j.Errors, tt.wantState, tt.wantAttempt, tt.wantErrors)
				}
				if tt.wantErrLike != "" && !strings.Contains(j.Errors[len(j.Errors)-1].Error, tt.wantErrLike) {
					t.Errorf("last error %q does not contain %q", j.Errors[len(j.Errors)-1].Error, tt.wantErrLike)
				}
				for i, e := range j.Errors {
					if e.At.IsZero() || e.Attempt < 1 {
						t.Errorf("error %d = %+v", i, e)
					}
				}
				if j.State.Finalized() != !j.FinalizedAt.IsZero() {
					t.Errorf("state %s with finalized_at %v", j.State, j.FinalizedAt)
				}
				// The delay counts from the attempt's end, somewhere within the Drain.
				if tt.wantDelay > 0 && (j.ScheduledAt.Before(before.Add(tt.wantDelay)) || j.ScheduledAt.After(after.Add(tt.wantDelay))) {
					t.Errorf("scheduled_at %v, want between %v and %v (the Drain + %s)",
						j.ScheduledAt, before.Add(tt.wantDelay), after.Add(tt.wantDelay), tt.wantDelay)
				}
				// Leave the table for the next case.
				if _, err := st.DB().ExecContext(ctx, "DELETE FROM jobs"); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

func TestUniqueKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := newClient(t, st, Config{Workers: workers(func(context.Context, *Job[testArgs]) error { return nil })})
		first, err := c.Insert(ctx, testArgs{N: 1}, &InsertOpts{UniqueKey: "catalog:account:1"})
		if err != nil || first.Duplicate {
			t.Fatalf("first insert: %+v, %v", first, err)
		}
		// Concurrent inserts of the same key all get the one job.
		var wg sync.WaitGroup
		ids := make([]int64, 8)
		for i := range ids {
			wg.Go(func() {
				r, err := c.Insert(ctx, testArgs{N: 2}, &InsertOpts{UniqueKey: "catalog:account:1"})
				if err != nil {
					t.Error(err)
					return
				}
				if !r.Duplicate {
					t.Error("concurrent insert was not a duplicate")
				}
				ids[i] = r.Job.ID
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != first.Job.ID {
				t.Fatalf("ids %v, want all %d", ids, first.Job.ID)
			}
		}
		// Same key, other kind: a different job. Other key: a different job.
		other, err := c.Insert(ctx, otherArgs{}, &InsertOpts{UniqueKey: "catalog:account:1"})
		if err != nil || other.Duplicate {
			t.Fatalf("other kind: %+v, %v", other, err)
		}
		second, err := c.Insert(ctx, testArgs{}, &InsertOpts{UniqueKey: "catalog:account:2"})
		if err != nil || second.Duplicate {
			t.Fatalf("other key: %+v, %v", second, err)
		}
		// Once finalized, the key is free again.
		if _, err := c.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		again, err := c.Insert(ctx, testArgs{}, &InsertOpts{UniqueKey: "catalog:account:1"})
		if err != nil || again.Duplicate || again.Job.ID == first.Job.ID {
			t.Fatalf("after completion: %+v, %v", again, err)
		}
		if again.Job.UniqueKey != "catalog:account:1" {
			t.Errorf("unique key %q", again.Job.UniqueKey)
		}
	})
}

func TestInsertTx(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := newClient(t, st, Config{Workers: workers(func(context.Context, *Job[testArgs]) error { return nil })})
		errRollback := errors.New("order row failed")
		err := st.Transaction(ctx, func(tx *store.Tx) error {
			if _, err := c.InsertTx(ctx, tx, testArgs{N: 1}, nil); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("transaction: %v", err)
		}
		if jobs, err := c.List(ctx, ListFilter{}); err != nil || len(jobs) != 0 {
			t.Fatalf("after rollback: %d jobs, %v", len(jobs), err)
		}

		var id int64
		err = st.Transaction(ctx, func(tx *store.Tx) error {
			r, err := c.InsertTx(ctx, tx, testArgs{N: 2}, &InsertOpts{UniqueKey: "order:7"})
			if err != nil {
				return err
			}
			id = r.Job.ID
			dup, err := c.InsertTx(ctx, tx, testArgs{N: 2}, &InsertOpts{UniqueKey: "order:7"})
			if err != nil {
				return err
			}
			if !dup.Duplicate || dup.Job.ID != id {
				return fmt.Errorf("second insert in tx: %+v", dup)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		jobs, err := c.List(ctx, ListFilter{Kinds: []string{"test"}, States: []State{StateAvailable}})
		if err != nil || len(jobs) != 1 || jobs[0].ID != id || string(jobs[0].Args) != `{"n":2}` {
			t.Fatalf("after commit: %+v, %v", jobs, err)
		}
		if n, err := c.Drain(ctx); err != nil || n != 1 {
			t.Fatalf("drain: %d, %v", n, err)
		}
	})
}

func TestRescue(t *testing.T) {
	tests := []struct {
		name        string
		maxAttempts int
		cancel      bool
		wantState   State
	}{
		{name: "back to available", maxAttempts: 3, wantState: StateAvailable},
		{name: "out of attempts", maxAttempts: 1, wantState: StateDiscarded},
		{name: "cancel requested", maxAttempts: 3, cancel: true, wantState: StateCancelled},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				c := newClient(t, st, Config{Workers: workers(func(context.Context, *Job[testArgs]) error { return nil })})
				res, err := c.Insert(ctx, testArgs{}, &InsertOpts{MaxAttempts: tt.maxAttempts})
				if err != nil {
					t.Fatal(err)
				}
				// A "crashed" worker: claims the job as soon as it is due and never reports. The
				// maintenance passes below run as of instants on either side of its lease's end; the
				// lease is a microsecond, so the rescued job is due again by the time Drain looks.
				const lease = time.Microsecond
				claimedAt := res.Job.ScheduledAt
				claimed, err := c.drv.claim(ctx, []string{"test"}, 10, "crashed-worker", claimedAt, lease)
				if err != nil || len(claimed) != 1 {
					t.Fatalf("claim: %v, %v", claimed, err)
				}
				if tt.cancel {
					if _, err := c.Cancel(ctx, res.Job.ID); err != nil {
						t.Fatal(err)
					}
				}
				if err := c.rescueAndPrune(ctx, claimedAt.Add(lease)); err != nil { // the lease's last instant
					t.Fatal(err)
				}
				if j, _ := c.Get(ctx, res.Job.ID); j.State != StateRunning {
					t.Fatalf("rescued before the lease expired: %s", j.State)
				}
				if err := c.rescueAndPrune(ctx, claimedAt.Add(lease+time.Microsecond)); err != nil {
					t.Fatal(err)
				}
				j, err := c.Get(ctx, res.Job.ID)
				if err != nil {
					t.Fatal(err)
				}
				if j.State != tt.wantState || len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Error, "lease of crashed-worker expired") {
					t.Fatalf("after rescue: %s %+v", j.State, j.Errors)
				}
				// The crashed worker cannot report on an attempt it no longer holds.
				if held, err := c.drv.finish(ctx, claimed[0], outcome{state: StateCompleted}, now()); err != nil || held {
					t.Fatalf("stale finish: held %v, %v", held, err)
				}
				if tt.wantState == StateAvailable {
					if _, err := c.Drain(ctx); err != nil {
						t.Fatal(err)
					}
					j, _ = c.Get(ctx, res.Job.ID)
					if j.State != StateCompleted || j.Attempt != 2 {
						t.Fatalf("after drain: %s attempt %d", j.State, j.Attempt)
					}
				}
				if _, err := st.DB().ExecContext(ctx, "DELETE FROM jobs"); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

func TestStartRunsJobsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var (
			mu      sync.Mutex
			runs    = map[int]int{}
			active  atomic.Int32
			maxSeen atomic.Int32
		)
		c := newClient(t, st, Config{Concurrency: 4, Workers: workers(func(_ context.Context, j *Job[testArgs]) error {
			n := active.Add(1)
			defer active.Add(-1)
			for {
				m := maxSeen.Load()
				if n <= m || maxSeen.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			runs[j.Args.N]++
			mu.Unlock()
			return nil
		})})
		const total = 30
		for i := range total {
			if _, err := c.Insert(ctx, testArgs{N: i}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if j, err := c.InsertAndWait(ctx, testArgs{N: total}, nil); err != nil || j.State != StateCompleted {
			t.Fatalf("InsertAndWait: %+v, %v", j, err)
		}
		// Until the rows say every job is done, however long a loaded machine takes.
		poll := time.NewTicker(10 * time.Millisecond)
		defer poll.Stop()
		for {
			left, err := c.List(ctx, ListFilter{States: []State{StateAvailable, StateRunning}})
			if err != nil {
				t.Fatal(err)
			}
			if len(left) == 0 {
				break
			}
			<-poll.C
		}
		if err := c.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		for i := range total + 1 {
			if runs[i] != 1 {
				t.Errorf("job %d ran %d times", i, runs[i])
			}
		}
		if m := maxSeen.Load(); m > 4 {
			t.Errorf("%d jobs ran at once with concurrency 4", m)
		}
	})
}

func TestCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		started := make(chan int64, 1)
		c := newClient(t, st, Config{LeaseDuration: 300 * time.Millisecond,
			Workers: workers(func(ctx context.Context, j *Job[testArgs]) error {
				if j.Args.N == 0 {
					return nil
				}
				started <- j.ID
				<-ctx.Done()
				return context.Cause(ctx)
			})})

		// A waiting job is cancelled at once and frees its unique key.
		waiting, err := c.Insert(ctx, testArgs{}, &InsertOpts{ScheduledAt: time.Now().Add(time.Hour), UniqueKey: "k"})
		if err != nil || waiting.Job.State != StateScheduled {
			t.Fatalf("insert: %+v, %v", waiting, err)
		}
		j, err := c.Cancel(ctx, waiting.Job.ID)
		if err != nil || j.State != StateCancelled || j.FinalizedAt.IsZero() {
			t.Fatalf("cancel waiting: %+v, %v", j, err)
		}
		if r, err := c.Insert(ctx, testArgs{}, &InsertOpts{UniqueKey: "k"}); err != nil || r.Duplicate {
			t.Fatalf("key not freed: %+v, %v", r, err)
		}
		if _, err := c.Cancel(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("cancel missing: %v", err)
		}

		// A running job is told through its context at the next heartbeat.
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := c.Insert(ctx, testArgs{N: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		<-started
		if j, err := c.Cancel(ctx, res.Job.ID); err != nil || j.State != StateRunning || j.CancelRequestedAt.IsZero() {
			t.Fatalf("cancel running: %+v, %v", j, err)
		}
		j, err = c.Wait(ctx, res.Job.ID)
		if err != nil || j.State != StateCancelled || !strings.Contains(j.Errors[0].Error, "cancel requested") {
			t.Fatalf("after cancel: %+v, %v", j, err)
		}
	})
}

// A job running for several leases keeps its claim while its worker heartbeats: each maintenance
// pass runs as of just after the lease the job had, once a heartbeat has renewed it (a pass at
// real time would test whether the machine is loaded, not the heartbeat).
func TestHeartbeatKeepsLongJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		running := make(chan int64, 1)
		release := make(chan struct{})
		releaseOnce := sync.OnceFunc(func() { close(release) })
		defer releaseOnce()
		c := newClient(t, st, Config{LeaseDuration: 600 * time.Millisecond, RescueInterval: time.Hour,
			Workers: workers(func(ctx context.Context, j *Job[testArgs]) error {
				running <- j.ID
				select {
				case <-release:
					return nil
				case <-ctx.Done():
					return context.Cause(ctx)
				}
			})})
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Insert(ctx, testArgs{N: 1}, nil); err != nil {
			t.Fatal(err)
		}
		id := <-running
		j, err := c.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		poll := time.NewTicker(10 * time.Millisecond)
		defer poll.Stop()
		for range 3 { // > 3 leases
			lease := j.LeaseExpiresAt
			for !j.LeaseExpiresAt.After(lease) { // until a heartbeat renews it
				<-poll.C
				if j, err = c.Get(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.rescueAndPrune(ctx, lease.Add(time.Microsecond)); err != nil {
				t.Fatal(err)
			}
			if j, err = c.Get(ctx, id); err != nil || j.State != StateRunning || j.Attempt != 1 {
				t.Fatalf("after the lease of %v ran out: %+v, %v", lease, j, err)
			}
		}
		releaseOnce()
		j, err = c.Wait(ctx, id)
		if err != nil || j.State != StateCompleted || j.Attempt != 1 || len(j.Errors) != 0 {
			t.Fatalf("long job: %+v, %v", j, err)
		}
	})
}

func TestPrune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := newClient(t, st, Config{CompletedRetention: time.Minute, DiscardedRetention: time.Hour,
			Workers: workers(func(_ context.Context, j *Job[testArgs]) error {
				if j.Args.N == 1 {
					return Cancel(nil)
				}
				return nil
			})})
		done, _ := c.Insert(ctx, testArgs{N: 0}, nil)
		cancelled, _ := c.Insert(ctx, testArgs{N: 1}, nil)
		waiting, _ := c.Insert(ctx, testArgs{N: 2}, &InsertOpts{ScheduledAt: time.Now().Add(time.Hour)})
		if _, err := c.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		// A pass now keeps everything; one two minutes on prunes only the completed job.
		if err := c.RescueAndPrune(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Get(ctx, done.Job.ID); err != nil {
			t.Errorf("completed job pruned within its retention: %v", err)
		}
		if err := c.rescueAndPrune(ctx, now().Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Get(ctx, done.Job.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("completed job not pruned: %v", err)
		}
		for _, id := range []int64{cancelled.Job.ID, waiting.Job.ID} {
			if _, err := c.Get(ctx, id); err != nil {
				t.Errorf("job %d: %v", id, err)
			}
		}
	})
}

func TestExponentialBackoff(t *testing.T) {
	b := Exponential(time.Second, time.Minute)
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, 500 * time.Millisecond, time.Second},
		{1, 500 * time.Millisecond, time.Second},
		{2, time.Second, 2 * time.Second},
		{4, 4 * time.Second, 8 * time.Second},
		{7, 30 * time.Second, time.Minute}, // 64 s capped to 60 s
		{100, 30 * time.Second, time.Minute},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.attempt), func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 200 {
				d := b(tt.attempt)
				if d < tt.min || d > tt.max {
					t.Fatalf("backoff(%d) = %s, want in [%s, %s]", tt.attempt, d, tt.min, tt.max)
				}
				seen[d] = true
			}
			if len(seen) < 2 {
				t.Errorf("backoff(%d) has no jitter", tt.attempt)
			}
		})
	}
}

func TestConfigValidation(t *testing.T) {
	st := storetest.New(t, "sqlite", true)
	for _, cfg := range []Config{
		{Concurrency: -1},
		{LeaseDuration: time.Millisecond},
		{ID: strings.Repeat("x", 300)},
	} {
		if _, err := NewClient(st, cfg); !errors.Is(err, ErrInvalid) {
			t.Errorf("NewClient(%+v) = %v, want ErrInvalid", cfg, err)
		}
	}
	c, err := NewClient(st, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Insert(context.Background(), testArgs{}, &InsertOpts{Priority: 9}); !errors.Is(err, ErrInvalid) {
		t.Errorf("priority 9: %v", err)
	}
	if c.ID() == "" {
		t.Error("no default ID")
	}
}
