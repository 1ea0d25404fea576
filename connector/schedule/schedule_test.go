package schedule_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/schedule"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/migrations"
)

type feedArgs struct {
	Feed      string `json:"feed"`
	AccountID int64  `json:"account_id"`
}

func (feedArgs) Kind() string { return "iws_feed" }

type purgeArgs struct{}

func (purgeArgs) Kind() string { return "audit_purge" }

func kinds() schedule.IWSKinds {
	feed := func(name string) func(int64) jobs.JobArgs {
		return func(id int64) jobs.JobArgs { return feedArgs{Feed: name, AccountID: id} }
	}
	return schedule.IWSKinds{
		Catalog: feed("catalog"), Prices: feed("prices"), Stock: feed("stock"), ExtendedCatalog: feed("extended"),
		AuditPurge: func() jobs.JobArgs { return purgeArgs{} },
	}
}

func TestIWSSchedulesMinimums(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		iv      schedule.IWSIntervals
		wantErr []string
	}{
		{name: "defaults"},
		{name: "at the minimums", iv: schedule.IWSIntervals{Catalog: time.Hour, Prices: time.Hour, Stock: time.Hour, ExtendedCatalog: 24 * time.Hour}},
		{name: "stock too often", iv: schedule.IWSIntervals{Stock: 30 * time.Minute}, wantErr: []string{"stock: interval 30m0s is below the minimum of 1h0m0s"}},
		{name: "every problem listed", iv: schedule.IWSIntervals{Catalog: time.Minute, ExtendedCatalog: 12 * time.Hour, Prices: -time.Hour},
			wantErr: []string{"catalog: interval 1m0s", "extended_catalog: interval 12h0m0s is below the minimum of 24h0m0s", "prices: interval -1h0m0s must be positive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss, err := schedule.IWSSchedules(tt.iv, kinds())
			if len(tt.wantErr) == 0 {
				if err != nil || len(ss) != 5 {
					t.Fatalf("%d schedules, %v", len(ss), err)
				}
				return
			}
			if !errors.Is(err, schedule.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
	if err := schedule.Validate([]schedule.Schedule{{Name: "x", Interval: time.Hour}, {Name: "x", Interval: time.Hour}}); err == nil ||
		!strings.Contains(err.Error(), "defined twice") || !strings.Contains(err.Error(), "no Args") {
		t.Errorf("Validate duplicates: %v", err)
	}
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func newScheduler(t *testing.T, st *store.Store, jc *jobs.Client, now func() time.Time, ss []schedule.Schedule) *schedule.Scheduler {
	t.Helper()
	s, err := schedule.New(st, schedule.Config{Jobs: jc, Schedules: ss, Now: now, TickInterval: 50 * time.Millisecond,
		Accounts: func(context.Context) ([]int64, error) { return []int64{1, 2}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return s
}

func jobClient(t *testing.T, st *store.Store, work func(context.Context, *jobs.Job[feedArgs]) error) *jobs.Client {
	t.Helper()
	ws := jobs.NewWorkers()
	jobs.AddWorker(ws, jobs.WorkFunc(work))
	jobs.AddWorker(ws, jobs.WorkFunc(func(context.Context, *jobs.Job[purgeArgs]) error { return nil }))
	c, err := jobs.NewClient(st, jobs.Config{Workers: ws, SnoozeFor: func(err error) (time.Duration, bool) {
		return iws.RetryAfter(err), iws.IsThrottled(err)
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDueAfterRestart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ss, err := schedule.IWSSchedules(schedule.IWSIntervals{}, schedule.IWSKinds{
			Stock:      kinds().Stock,
			Catalog:    kinds().Catalog,
			AuditPurge: kinds().AuditPurge,
		})
		if err != nil {
			t.Fatal(err)
		}
		jc := jobClient(t, st, func(context.Context, *jobs.Job[feedArgs]) error { return nil })
		t0 := time.Date(2030, 1, 1, 8, 0, 0, 0, time.UTC)
		clk := &clock{t: t0}

		steps := []struct {
			name  string
			at    time.Duration // after t0
			fresh bool          // a new Scheduler: a restart
			drain bool          // run the enqueued jobs afterwards
			want  int
		}{
			{name: "first start runs everything", at: 0, want: 5, drain: true}, // stock+catalog for 2 accounts, purge once
			{name: "same tick again", at: 0, want: 0},
			{name: "restart before anything is due", at: 30 * time.Minute, fresh: true, want: 0},
			{name: "stock due after an hour", at: time.Hour, want: 2},
			{name: "previous stock still queued", at: 2*time.Hour + time.Second, fresh: true, want: 0, drain: true},
			{name: "stock again once finished", at: 2*time.Hour + time.Second, want: 2, drain: true},
			{name: "a day later, after downtime", at: 50 * time.Hour, fresh: true, want: 5},
		}
		s := newScheduler(t, st, jc, clk.Now, ss)
		for _, step := range steps {
			clk.Set(t0.Add(step.at))
			if step.fresh {
				s = newScheduler(t, st, jc, clk.Now, ss)
			}
			n, err := s.Tick(ctx)
			if err != nil || n != step.want {
				t.Fatalf("%s: enqueued %d, %v; want %d", step.name, n, err, step.want)
			}
			if step.drain {
				if _, err := jc.Drain(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		runs, err := s.Runs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 5 {
			t.Fatalf("runs %+v", runs)
		}
		for _, r := range runs {
			if r.LastJobID == 0 || !r.LastEnqueuedAt.Equal(t0.Add(50*time.Hour)) {
				t.Errorf("run %+v", r)
			}
			// No burst of catch-up runs: next due counts from now.
			want := t0.Add(50 * time.Hour).Add(schedule.DefaultStockInterval)
			if r.Name != schedule.NameStock {
				want = t0.Add(50 * time.Hour).Add(24 * time.Hour)
			}
			if !r.NextDueAt.Equal(want) {
				t.Errorf("%s/%d next due %v, want %v", r.Name, r.AccountID, r.NextDueAt, want)
			}
			if r.Name == schedule.NameStock && (r.LastState != jobs.StateCompleted || r.LastFinishedAt.IsZero()) {
				t.Errorf("stock run did not record the finished job: %+v", r)
			}
		}
	})
}

func TestConcurrentTicksEnqueueOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ss, err := schedule.IWSSchedules(schedule.IWSIntervals{}, kinds())
		if err != nil {
			t.Fatal(err)
		}
		jc := jobClient(t, st, func(context.Context, *jobs.Job[feedArgs]) error { return nil })
		at := func() time.Time { return time.Date(2030, 1, 1, 8, 0, 0, 0, time.UTC) }
		a, b := newScheduler(t, st, jc, at, ss), newScheduler(t, st, jc, at, ss)
		var wg sync.WaitGroup
		counts := make([]int, 4)
		for i := range counts {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Go(func() {
				n, err := s.Tick(ctx)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		total := 0
		for _, n := range counts {
			total += n
		}
		queued, err := jc.List(ctx, jobs.ListFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// 4 feeds × 2 accounts + 1 purge.
		if total != 9 || len(queued) != 9 {
			t.Fatalf("ticks enqueued %v (%d jobs in the table), want 9 in all", counts, len(queued))
		}
	})
}

func TestThrottledScheduledJobSnoozes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ss, err := schedule.IWSSchedules(schedule.IWSIntervals{}, schedule.IWSKinds{Stock: kinds().Stock})
		if err != nil {
			t.Fatal(err)
		}
		jc := jobClient(t, st, func(context.Context, *jobs.Job[feedArgs]) error {
			return &iws.Error{Method: "GetInventory", HTTPStatus: 400, ErrorCode: iws.CodeThrottled, RetryAfter: 90 * time.Second}
		})
		s := newScheduler(t, st, jc, time.Now, ss)
		if n, err := s.Tick(ctx); err != nil || n != 2 {
			t.Fatalf("tick: %d, %v", n, err)
		}
		before := time.Now().Truncate(time.Microsecond)
		if _, err := jc.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		after := time.Now()
		queued, err := jc.List(ctx, jobs.ListFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// Snoozed the 90 s IWS asked, from the attempt's end somewhere within the Drain.
		for _, j := range queued {
			if j.State != jobs.StateScheduled || j.Attempt != 0 ||
				j.ScheduledAt.Before(before.Add(90*time.Second)) || j.ScheduledAt.After(after.Add(90*time.Second)) {
				t.Errorf("job %d: %s attempt %d at %v, want snoozed 90 s from the Drain at %v-%v without using an attempt",
					j.ID, j.State, j.Attempt, j.ScheduledAt, before, after)
			}
		}
	})
}

func TestOneLeaderOnMySQL(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.MySQL, true) // skips without CONNECTOR_TEST_MYSQL_DSN
	ctx := context.Background()
	ss, err := schedule.IWSSchedules(schedule.IWSIntervals{}, kinds())
	if err != nil {
		t.Fatal(err)
	}
	jc := jobClient(t, st, func(context.Context, *jobs.Job[feedArgs]) error { return nil })
	a, b := newScheduler(t, st, jc, time.Now, ss), newScheduler(t, st, jc, time.Now, ss)
	aTries, bTries := attempts(a), attempts(b)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitLeads(aTries)
	wantJobs := func(when string) {
		t.Helper()
		queued, err := jc.List(ctx, jobs.ListFilter{})
		if err != nil || len(queued) != 9 {
			t.Fatalf("%s: %d jobs, %v; want 9 (enqueued once by the first leader)", when, len(queued), err)
		}
	}
	wantJobs("a leads")
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// a holds the lock meanwhile (its loop waits on aTries, holding its lock connection).
	for i := range 3 {
		if <-bTries {
			t.Fatalf("b leads at its attempt %d while a leads: two leaders", i+1)
		}
	}
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if a.IsLeader() {
		t.Fatal("a still leads after Stop")
	}
	waitLeads(bTries)
	wantJobs("b took over")
}

func TestSQLiteAlwaysLeads(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.SQLite, true)
	jc := jobClient(t, st, func(context.Context, *jobs.Job[feedArgs]) error { return nil })
	s := newScheduler(t, st, jc, time.Now, nil)
	tries := attempts(s)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !<-tries {
		t.Fatal("the first attempt did not lead")
	}
	if !s.IsLeader() {
		t.Fatal("IsLeader is false after a leading attempt")
	}
}

// attempts returns the outcome of each of s's attempts to lead (see OnAttempt), in order. The
// loop waits for the test to take each one, or for Stop.
func attempts(s *schedule.Scheduler) <-chan bool {
	ch := make(chan bool)
	schedule.OnAttempt(s, func(ctx context.Context, leader bool) {
		select {
		case ch <- leader:
		case <-ctx.Done():
		}
	})
	return ch
}

// waitLeads waits for an attempt that leads; as leader, its tick has run when it is reported.
func waitLeads(tries <-chan bool) {
	for !<-tries {
	}
}

// A sync run outside the scheduler (the demo's start-up sync) postpones the account's schedules
// by one interval, so IWS is not asked for the same feeds again right away.
func TestRanPostponesSchedules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ss, err := schedule.IWSSchedules(schedule.IWSIntervals{}, kinds())
		if err != nil {
			t.Fatal(err)
		}
		jc := jobClient(t, st, func(context.Context, *jobs.Job[feedArgs]) error { return nil })
		t0 := time.Date(2030, 1, 1, 8, 0, 0, 0, time.UTC)
		clk := &clock{t: t0}
		s := newScheduler(t, st, jc, clk.Now, ss)

		// Account 1 was just synced by hand; account 2 was not.
		if err := s.Ran(ctx, 1, t0); err != nil {
			t.Fatal(err)
		}
		// Twice is harmless, and an earlier time never pulls a schedule forward.
		if err := s.Ran(ctx, 1, t0.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		n, err := s.Tick(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := 4 + 1; n != want { // account 2's four feeds and the global purge
			t.Fatalf("first tick enqueued %d, want %d", n, want)
		}
		if _, err := jc.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		// An hour later the stock feed is due again for both accounts, and nothing else.
		clk.Set(t0.Add(time.Hour))
		if n, err := s.Tick(ctx); err != nil || n != 2 {
			t.Fatalf("tick after an hour: %d, %v; want the two stock runs", n, err)
		}
		runs, err := s.Runs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.AccountID != 1 || r.Name == schedule.NameStock {
				continue
			}
			want := t0.Add(24 * time.Hour)
			if r.Name == schedule.NameExtendedCatalog {
				want = t0.Add(schedule.DefaultExtendedCatalogInterval)
			}
			if !r.NextDueAt.Equal(want) {
				t.Errorf("account 1 %s next due %v, want %v", r.Name, r.NextDueAt, want)
			}
		}
	})
}
