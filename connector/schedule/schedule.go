package schedule

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/migrations"
)

// ErrInvalid reports a schedule or configuration that cannot be used.
var ErrInvalid = errors.New("schedule: invalid")

// Schedule is one periodic job kind.
type Schedule struct {
	// Name identifies the schedule in schedule_runs and in unique keys; keep it stable.
	Name string
	// Interval is the time between two runs.
	Interval time.Duration
	// MinInterval is the least Interval allowed (the supplier's guidance); smaller values are
	// rejected, never silently raised.
	MinInterval time.Duration
	// Global schedules run once for the installation (account id 0) instead of per IWS account.
	Global bool
	// PerShop schedules run once per shop (Config.Shops) instead of per IWS account.
	PerShop bool
	// Args builds the job for an account, for a shop (PerShop: its id) or for the installation
	// (Global: 0).
	Args func(id int64) jobs.JobArgs
}

// ShopRef names a shop of the per-shop schedules, with its IWS account.
type ShopRef struct {
	AccountID, ShopID int64
}

// subject is what one schedule_runs row schedules for: an account (ShopID 0), a shop of an
// account, or the installation (both 0).
type subject struct{ accountID, shopID int64 }

// id is what Args takes for the subject.
func (sub subject) id() int64 {
	if sub.shopID != 0 {
		return sub.shopID
	}
	return sub.accountID
}

func (sub subject) String() string {
	if sub.shopID != 0 {
		return fmt.Sprintf("shop %d", sub.shopID)
	}
	return fmt.Sprintf("account %d", sub.accountID)
}

// uniqueKey names a run of sc for sub due at due, so a double schedule finds the live job.
func (sub subject) uniqueKey(name string, due time.Time) string {
	if sub.shopID != 0 {
		return fmt.Sprintf("%s:shop:%d:%s", name, sub.shopID, due.Format(time.RFC3339))
	}
	return fmt.Sprintf("%s:account:%d:%s", name, sub.accountID, due.Format(time.RFC3339))
}

// Validate lists every problem of ss.
func Validate(ss []Schedule) error {
	var errs []error
	seen := map[string]bool{}
	for i, s := range ss {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i)
			errs = append(errs, fmt.Errorf("schedule %s: name is empty", name))
		} else if len(name) > 100 {
			errs = append(errs, fmt.Errorf("schedule %s: name is longer than 100 bytes", name))
		}
		if seen[s.Name] {
			errs = append(errs, fmt.Errorf("schedule %s: defined twice", name))
		}
		seen[s.Name] = true
		if s.Interval <= 0 {
			errs = append(errs, fmt.Errorf("schedule %s: interval %s must be positive", name, s.Interval))
		} else if s.Interval < s.MinInterval {
			errs = append(errs, fmt.Errorf("schedule %s: interval %s is below the minimum of %s", name, s.Interval, s.MinInterval))
		}
		if s.Args == nil {
			errs = append(errs, fmt.Errorf("schedule %s: no Args function", name))
		}
		if s.Global && s.PerShop {
			errs = append(errs, fmt.Errorf("schedule %s: both global and per shop", name))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

// Config configures a Scheduler.
type Config struct {
	// Jobs inserts the scheduled jobs (an insert-only client is enough).
	Jobs *jobs.Client
	// Schedules to run; see IWSSchedules.
	Schedules []Schedule
	// Accounts lists the IWS account ids to schedule per-account schedules for.
	Accounts func(ctx context.Context) ([]int64, error)
	// Shops lists the shops to schedule per-shop schedules for (required when one is PerShop).
	Shops func(ctx context.Context) ([]ShopRef, error)
	// TickInterval is how often the leader looks for due schedules and a follower tries to become
	// leader (default 1 min).
	TickInterval time.Duration
	// Logger (default: discard).
	Logger *slog.Logger
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// DefaultTickInterval is Config.TickInterval's default.
const DefaultTickInterval = time.Minute

// Scheduler enqueues due periodic jobs. With several instances on one MySQL database only the
// holder of the leader lock schedules.
type Scheduler struct {
	cfg    Config
	st     *store.Store
	db     *sql.DB
	lock   *leaderLock
	logger *slog.Logger

	mu     sync.Mutex
	leader bool
	run    *loopRun // the running loop, nil when stopped

	// attempted, when set (by tests), is called by the loop after each attempt to lead and, as
	// leader, the tick that followed it, with ctx the loop's context: a test's signal that the
	// scheduler had its chance.
	attempted func(ctx context.Context, leader bool)
}

// loopRun is one run of the background loop, from Start to Stop.
type loopRun struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the loop has ended and released the lock
	err    error         // the release's error, read after done
}

// New checks cfg and builds a scheduler on st.
func New(st *store.Store, cfg Config) (*Scheduler, error) {
	var errs []error
	if st == nil {
		errs = append(errs, errors.New("nil store"))
	}
	if cfg.Jobs == nil {
		errs = append(errs, errors.New("no jobs client"))
	}
	if cfg.Accounts == nil {
		errs = append(errs, errors.New("no Accounts function"))
	}
	if cfg.Shops == nil && slices.ContainsFunc(cfg.Schedules, func(sc Schedule) bool { return sc.PerShop }) {
		errs = append(errs, errors.New("no Shops function for the per-shop schedules"))
	}
	if cfg.TickInterval < 0 {
		errs = append(errs, errors.New("negative tick interval"))
	}
	if err := Validate(cfg.Schedules); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("schedule: config: %w", errors.Join(errs...))
	}
	if cfg.TickInterval == 0 {
		cfg.TickInterval = DefaultTickInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Scheduler{
		cfg:    cfg,
		st:     st,
		db:     st.DB(),
		lock:   &leaderLock{db: st.DB(), dialect: st.Dialect()},
		logger: cfg.Logger.With("component", "scheduler"),
	}, nil
}

func (s *Scheduler) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// IsLeader reports whether this scheduler currently holds the leader lock.
func (s *Scheduler) IsLeader() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leader
}

// Start runs the scheduler in the background until Stop: every TickInterval it tries to become
// leader, and as leader enqueues due jobs.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.run != nil {
		return errors.New("schedule: already started")
	}
	ctx, cancel := context.WithCancel(ctx)
	s.run = &loopRun{cancel: cancel, done: make(chan struct{})}
	go s.loop(ctx, s.run)
	return nil
}

// Stop ends the loop and releases leadership, so another instance takes over at its next tick.
// ctx bounds the wait only: the loop releases the lock when it ends even if Stop gave up waiting.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	r := s.run
	s.run = nil
	s.mu.Unlock()
	if r == nil {
		return nil
	}
	r.cancel()
	select {
	case <-r.done:
	case <-ctx.Done():
		return fmt.Errorf("schedule: stop: %w", ctx.Err())
	}
	if r.err != nil {
		return fmt.Errorf("schedule: stop: %w", r.err)
	}
	return nil
}

func (s *Scheduler) setLeader(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.leader = v
}

// loop owns the leader lock: only it acquires and releases it, so the lock's connection is never
// used by two goroutines, and it is released when the loop ends however Stop went.
func (s *Scheduler) loop(ctx context.Context, r *loopRun) {
	defer close(r.done)
	defer func() {
		s.setLeader(false)
		r.err = s.lock.release(context.WithoutCancel(ctx))
	}()
	ticker := time.NewTicker(s.cfg.TickInterval)
	defer ticker.Stop()
	for ctx.Err() == nil {
		held, err := s.lock.acquire(ctx)
		if err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "scheduler leader lock", "err", err)
		}
		if held != s.IsLeader() {
			s.logger.InfoContext(ctx, "scheduler leadership changed", "leader", held)
			s.setLeader(held)
		}
		if held {
			if _, err := s.Tick(ctx); err != nil && ctx.Err() == nil {
				s.logger.ErrorContext(ctx, "scheduler tick", "err", err)
			}
		}
		if s.attempted != nil {
			s.attempted(ctx, held)
		}
		select {
		case <-ctx.Done():
		case <-ticker.C:
		}
	}
}

// Tick enqueues every schedule that is due now, once, and returns how many jobs it enqueued.
// It does not check leadership (Start does); concurrent Ticks still never enqueue a due run
// twice, because the run's row is advanced with a compare-and-set and the job carries a
// unique key naming the due time.
func (s *Scheduler) Tick(ctx context.Context) (int, error) {
	accounts, err := s.cfg.Accounts(ctx)
	if err != nil {
		return 0, fmt.Errorf("schedule: list accounts: %w", err)
	}
	var shops []ShopRef
	if s.cfg.Shops != nil {
		if shops, err = s.cfg.Shops(ctx); err != nil {
			return 0, fmt.Errorf("schedule: list shops: %w", err)
		}
	}
	n := 0
	var errs []error
	for _, sc := range s.cfg.Schedules {
		var subs []subject
		switch {
		case sc.Global:
			subs = []subject{{}}
		case sc.PerShop:
			for _, sh := range shops {
				subs = append(subs, subject{accountID: sh.AccountID, shopID: sh.ShopID})
			}
		default:
			for _, id := range accounts {
				subs = append(subs, subject{accountID: id})
			}
		}
		for _, sub := range subs {
			ok, err := s.runIfDue(ctx, sc, sub)
			if err != nil {
				errs = append(errs, fmt.Errorf("schedule: %s for %s: %w", sc.Name, sub, err))
				continue
			}
			if ok {
				n++
			}
		}
	}
	return n, errors.Join(errs...)
}

// Run is the stored state of one schedule for one account, or one shop (ShopID not 0).
type Run struct {
	AccountID      int64
	ShopID         int64
	Name           string
	NextDueAt      time.Time
	LastEnqueuedAt time.Time
	LastJobID      int64
	LastFinishedAt time.Time
	LastState      jobs.State
}

// Runs returns the stored schedule state, for the admin UI and tests.
func (s *Scheduler) Runs(ctx context.Context) ([]Run, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT account_id, shop_id, name, next_due_at, last_enqueued_at, last_job_id,
		last_finished_at, last_state FROM schedule_runs ORDER BY account_id, shop_id, name`)
	if err != nil {
		return nil, fmt.Errorf("schedule: runs: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Run
	for rows.Next() {
		var (
			r        Run
			enq, fin sql.NullTime
			jobID    sql.NullInt64
			state    sql.NullString
		)
		if err := rows.Scan(&r.AccountID, &r.ShopID, &r.Name, &r.NextDueAt, &enq, &jobID, &fin, &state); err != nil {
			return nil, fmt.Errorf("schedule: runs: %w", err)
		}
		r.NextDueAt = r.NextDueAt.UTC()
		r.LastEnqueuedAt, r.LastFinishedAt = enq.Time.UTC(), fin.Time.UTC()
		r.LastJobID, r.LastState = jobID.Int64, jobs.State(state.String)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schedule: runs: %w", err)
	}
	return out, nil
}

func (s *Scheduler) runIfDue(ctx context.Context, sc Schedule, sub subject) (bool, error) {
	t := s.now()
	var (
		due      time.Time
		lastJob  sql.NullInt64
		finished sql.NullTime
		state    sql.NullString
	)
	err := s.db.QueryRowContext(ctx, `SELECT next_due_at, last_job_id, last_finished_at, last_state FROM schedule_runs
		WHERE account_id = ? AND shop_id = ? AND name = ?`, sub.accountID, sub.shopID, sc.Name).Scan(&due, &lastJob, &finished, &state)
	if errors.Is(err, sql.ErrNoRows) {
		// Never ran: due now. A concurrent scheduler may create the row first; that is fine:
		// the insert then does nothing, and of the two only one advances the row below.
		due = t
		if err := s.insertRun(ctx, sub, sc.Name, due, t); err != nil {
			return false, err
		}
	} else if err != nil {
		return false, err
	}
	due = due.UTC()
	if due.After(t) {
		return false, nil
	}
	// Never two runs of one schedule at once: the previous job must be finalized.
	if lastJob.Valid {
		j, err := s.cfg.Jobs.Get(ctx, lastJob.Int64)
		switch {
		case errors.Is(err, store.ErrNotFound): // pruned long ago
		case err != nil:
			return false, err
		case !j.State.Finalized():
			return false, nil
		default:
			finished = sql.NullTime{Time: j.FinalizedAt, Valid: true}
			state = sql.NullString{String: string(j.State), Valid: true}
		}
	}
	next := due.Add(sc.Interval)
	if !next.After(t) { // down for a while: no burst of catch-up runs
		next = t.Add(sc.Interval)
	}
	enqueued := false
	err = s.st.Transaction(ctx, func(tx *store.Tx) error {
		res, err := s.cfg.Jobs.InsertTx(ctx, tx, sc.Args(sub.id()), &jobs.InsertOpts{UniqueKey: sub.uniqueKey(sc.Name, due)})
		if err != nil {
			return err
		}
		upd, err := tx.SQL().ExecContext(ctx, `UPDATE schedule_runs SET next_due_at = ?, last_enqueued_at = ?, last_job_id = ?,
			last_finished_at = ?, last_state = ?, updated_at = ? WHERE account_id = ? AND shop_id = ? AND name = ? AND next_due_at = ?`,
			next, t, res.Job.ID, finished, state, t, sub.accountID, sub.shopID, sc.Name, due)
		if err != nil {
			return err
		}
		if n, err := upd.RowsAffected(); err != nil || n != 1 {
			return errors.Join(errLost, err) // another scheduler advanced it: roll back our insert
		}
		enqueued = !res.Duplicate
		return nil
	})
	if errors.Is(err, errLost) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if enqueued {
		attrs := []any{"schedule", sc.Name, "account", sub.accountID, "due", due, "next", next}
		if sub.shopID != 0 {
			attrs = append(attrs, "shop", sub.shopID)
		}
		s.logger.InfoContext(ctx, "scheduled job", attrs...)
	}
	return enqueued, nil
}

var errLost = errors.New("schedule run advanced by another scheduler")

// insertRun creates the schedule_runs row of sub's schedule name, due at due, unless it exists:
// a row another scheduler created first (even one whose insert has not committed when this one
// runs) is left as it is, with no error.
func (s *Scheduler) insertRun(ctx context.Context, sub subject, name string, due, t time.Time) error {
	insert := `INSERT INTO schedule_runs (account_id, shop_id, name, next_due_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`
	if s.st.Dialect() == migrations.MySQL {
		insert = `INSERT INTO schedule_runs (account_id, shop_id, name, next_due_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON DUPLICATE KEY UPDATE account_id = account_id`
	}
	_, err := s.db.ExecContext(ctx, insert, sub.accountID, sub.shopID, name, due, t)
	return err
}

// leaderLock is the scheduler's leadership: on MySQL/MariaDB a named server lock held on a
// dedicated connection for as long as this instance leads (released on Stop, and by the server
// if the connection or process dies); on SQLite the process is alone and always leads (and the
// single connection must not be pinned).
//
// The lock's queries never run on the loop's context: go-sql-driver/mysql closes a connection
// whose query is cancelled, so a Stop landing during a check would otherwise throw the lock's
// connection away under the loop and fail the release. They run on lockQueryTimeout instead.
type leaderLock struct {
	db      *sql.DB
	dialect migrations.Dialect
	conn    *sql.Conn
}

// lockName is server-wide, so it includes a hash of the database name: one server may host
// several connector databases (and the tests' many).
const lockName = "CONCAT('connector_scheduler_', LEFT(SHA2(COALESCE(DATABASE(), ''), 256), 40))"

// lockQueryTimeout bounds one lock query (GET_LOCK with no wait, IS_USED_LOCK, RELEASE_LOCK: all
// answered at once by a live server), so a dead server cannot hold up a tick or Stop for long.
const lockQueryTimeout = 10 * time.Second

// acquire takes the lock if free, or checks that this instance still holds it.
func (l *leaderLock) acquire(ctx context.Context) (bool, error) {
	if l.dialect != migrations.MySQL {
		return true, nil
	}
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lockQueryTimeout)
	defer cancel()
	if l.conn != nil {
		var mine sql.NullInt64
		err := l.conn.QueryRowContext(qctx, "SELECT IS_USED_LOCK("+lockName+") = CONNECTION_ID()").Scan(&mine)
		if err == nil && mine.Valid && mine.Int64 == 1 {
			return true, nil
		}
		// Lost (the connection dropped) or not ours any more: start over on a new connection.
		// The old one must not go back to the pool, where it would keep a lock it may still hold.
		discardConn(l.conn)
		l.conn = nil
		if err != nil {
			return false, fmt.Errorf("check: %w", err)
		}
	}
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	var got sql.NullInt64
	if err := conn.QueryRowContext(qctx, "SELECT GET_LOCK("+lockName+", 0)").Scan(&got); err != nil {
		discardConn(conn) // GET_LOCK may have been granted before the error
		return false, fmt.Errorf("GET_LOCK: %w", err)
	}
	if !got.Valid || got.Int64 != 1 {
		return false, conn.Close()
	}
	l.conn = conn
	return true, nil
}

// release gives the lock back. A connection the driver has already closed took the lock with it
// (the server frees a session's named locks when the session ends): that is a release, not an
// error.
func (l *leaderLock) release(ctx context.Context) error {
	if l.conn == nil {
		return nil
	}
	conn := l.conn
	l.conn = nil
	ctx, cancel := context.WithTimeout(ctx, lockQueryTimeout)
	defer cancel()
	var released sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT RELEASE_LOCK("+lockName+")").Scan(&released); err != nil {
		closed := connClosed(conn, err)
		// The lock may still be held: close the connection itself so the server drops it.
		discardConn(conn)
		if closed {
			return nil
		}
		return fmt.Errorf("release leader lock: %w", err)
	}
	return conn.Close()
}

// Ran records that the per-account schedules named (all of them when names is empty) ran for
// accountID at `at` outside the scheduler, e.g. the full sync `connector demo` runs at start, so
// the next run comes one interval later instead of at once: IWS's cadence holds however the run
// was started. A schedule already due later than that is left alone.
func (s *Scheduler) Ran(ctx context.Context, accountID int64, at time.Time, names ...string) error {
	t := s.now()
	for _, sc := range s.cfg.Schedules {
		if sc.Global || sc.PerShop || (len(names) > 0 && !slices.Contains(names, sc.Name)) {
			continue
		}
		next := at.UTC().Truncate(time.Microsecond).Add(sc.Interval)
		res, err := s.db.ExecContext(ctx, `UPDATE schedule_runs SET next_due_at = ?, updated_at = ?
			WHERE account_id = ? AND shop_id = 0 AND name = ? AND next_due_at < ?`, next, t, accountID, sc.Name, next)
		if err != nil {
			return fmt.Errorf("schedule: ran %s: %w", sc.Name, err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			if err != nil {
				return fmt.Errorf("schedule: ran %s: %w", sc.Name, err)
			}
			continue
		}
		// The row may exist and be due later already, or another scheduler may create it
		// meanwhile: then it stays as it is.
		if err := s.insertRun(ctx, subject{accountID: accountID}, sc.Name, next, t); err != nil {
			return fmt.Errorf("schedule: ran %s: %w", sc.Name, err)
		}
	}
	return nil
}

// discardConn closes the physical connection behind conn instead of returning it to the pool:
// the server then drops every named lock it held.
func discardConn(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close() // the connection is gone either way
}

// connClosed reports whether err, or the driver, says conn's physical connection is closed (after
// a cancelled query or a network error), so the server session, and every lock it held, is gone
// with it.
func connClosed(conn *sql.Conn, err error) bool {
	if errors.Is(err, driver.ErrBadConn) {
		return true // database/sql has closed conn too
	}
	closed := false
	rerr := conn.Raw(func(dc any) error {
		if v, ok := dc.(driver.Validator); ok {
			closed = !v.IsValid()
		}
		return nil
	})
	return closed || errors.Is(rerr, sql.ErrConnDone)
}
