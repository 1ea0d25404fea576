package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/migrations"
)

// Config configures a Client. Zero fields take the defaults named on each.
type Config struct {
	// Workers runs the kinds this process works. Nil makes an insert-only client.
	Workers *Workers
	// Concurrency bounds the jobs this process runs at once (default 10).
	Concurrency int
	// PollInterval is how often an idle client looks for jobs (default 1 s). Inserts through this
	// client and finished jobs wake it earlier.
	PollInterval time.Duration
	// LeaseDuration is how long a claim holds a job without a heartbeat (default 5 min). Running
	// jobs renew it every third of it; a job whose lease runs out is rescued.
	LeaseDuration time.Duration
	// RescueInterval is how often expired leases are rescued and old jobs pruned (default 1 min).
	RescueInterval time.Duration
	// CompletedRetention keeps completed jobs this long (default 24 h); DiscardedRetention keeps
	// cancelled and discarded jobs, whose errors someone may want to read (default 7 days).
	CompletedRetention time.Duration
	DiscardedRetention time.Duration
	// Backoff is the retry delay after a failed attempt unless the worker implements
	// WorkerBackoff (default DefaultBackoff).
	Backoff BackoffFunc
	// SnoozeFor recognises errors that mean "come back later" (an IWS throttle): when it returns
	// true the job is snoozed for the duration without using an attempt. main wires it with
	// iws.IsThrottled and iws.RetryAfter so this package does not import iws.
	SnoozeFor func(error) (time.Duration, bool)
	// Logger receives job outcomes (default: discard).
	Logger *slog.Logger
	// ID names this process as lease owner (default: hostname, pid and a random suffix).
	ID string
}

// Defaults.
const (
	DefaultConcurrency        = 10
	DefaultPollInterval       = time.Second
	DefaultLeaseDuration      = 5 * time.Minute
	DefaultRescueInterval     = time.Minute
	DefaultCompletedRetention = 24 * time.Hour
	DefaultDiscardedRetention = 7 * 24 * time.Hour

	rescueBatch = 100
	pruneBatch  = 500
)

func (c *Config) withDefaults() (Config, error) {
	out := *c
	var errs []error
	if out.Concurrency < 0 || out.PollInterval < 0 || out.LeaseDuration < 0 || out.RescueInterval < 0 ||
		out.CompletedRetention < 0 || out.DiscardedRetention < 0 {
		errs = append(errs, errors.New("durations and concurrency must not be negative"))
	}
	if out.LeaseDuration != 0 && out.LeaseDuration < 100*time.Millisecond {
		errs = append(errs, errors.New("lease duration must be at least 100ms"))
	}
	if len(out.ID) > 255 {
		errs = append(errs, errors.New("ID is longer than 255 bytes"))
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%w: config: %w", ErrInvalid, errors.Join(errs...))
	}
	if out.Concurrency == 0 {
		out.Concurrency = DefaultConcurrency
	}
	if out.PollInterval == 0 {
		out.PollInterval = DefaultPollInterval
	}
	if out.LeaseDuration == 0 {
		out.LeaseDuration = DefaultLeaseDuration
	}
	if out.RescueInterval == 0 {
		out.RescueInterval = DefaultRescueInterval
	}
	if out.CompletedRetention == 0 {
		out.CompletedRetention = DefaultCompletedRetention
	}
	if out.DiscardedRetention == 0 {
		out.DiscardedRetention = DefaultDiscardedRetention
	}
	if out.Backoff == nil {
		out.Backoff = DefaultBackoff
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	if out.ID == "" {
		out.ID = defaultID()
	}
	return out, nil
}

func defaultID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	id := fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	return id[max(0, len(id)-255):]
}

// Client inserts jobs and, when it has workers and is started, runs them.
type Client struct {
	cfg    Config
	drv    *driver
	kinds  []string
	logger *slog.Logger

	wake chan struct{}

	mu        sync.Mutex
	started   bool
	stopFetch context.CancelFunc
	stopWork  context.CancelFunc
	loops     sync.WaitGroup // fetch and maintenance loops
	running   sync.WaitGroup // job executions
}

// NewClient builds a client on st. It does not start working; see Start.
func NewClient(st *store.Store, cfg Config) (*Client, error) {
	if st == nil {
		return nil, fmt.Errorf("%w: nil store", ErrInvalid)
	}
	full, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Client{
		cfg:    full,
		drv:    &driver{db: st.DB(), dialect: st.Dialect()},
		kinds:  full.Workers.kinds(),
		logger: full.Logger.With("component", "jobs"),
		wake:   make(chan struct{}, 1),
	}, nil
}

// ID is the lease owner name of this client.
func (c *Client) ID() string { return c.cfg.ID }

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func (c *Client) notify() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Client) newRow(args JobArgs, opts *InsertOpts) (*JobRow, error) {
	if args == nil {
		return nil, fmt.Errorf("%w: nil args", ErrInvalid)
	}
	kind := args.Kind()
	if kind == "" || len(kind) > maxKind {
		return nil, fmt.Errorf("%w: kind %q must be 1 to %d bytes", ErrInvalid, kind, maxKind)
	}
	o := mergeOpts(args, opts)
	if len(o.UniqueKey) > maxUniqueKey {
		return nil, fmt.Errorf("%w: unique key longer than %d bytes", ErrInvalid, maxUniqueKey)
	}
	if o.Priority > 4 {
		return nil, fmt.Errorf("%w: priority %d (want 1 to 4)", ErrInvalid, o.Priority)
	}
	b, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("encode %s args: %w", kind, err)
	}
	t := now()
	row := &JobRow{Kind: kind, Args: b, State: StateAvailable, Priority: o.Priority, MaxAttempts: o.MaxAttempts,
		ScheduledAt: t, UniqueKey: o.UniqueKey, CreatedAt: t}
	if s := o.ScheduledAt.UTC().Truncate(time.Microsecond); s.After(t) {
		row.State, row.ScheduledAt = StateScheduled, s
	}
	return row, nil
}

// Insert adds a job. With a unique key that a live job already has, it returns that job.
func (c *Client) Insert(ctx context.Context, args JobArgs, opts *InsertOpts) (InsertResult, error) {
	row, err := c.newRow(args, opts)
	if err != nil {
		return InsertResult{}, fmt.Errorf("jobs: insert: %w", err)
	}
	var res InsertResult
	err = retry(ctx, func() (err error) {
		res, err = c.drv.insert(ctx, c.drv.db, row)
		return err
	})
	if err != nil {
		return InsertResult{}, fmt.Errorf("jobs: insert %s: %w", row.Kind, err)
	}
	c.notify()
	return res, nil
}

// InsertTx adds a job inside the caller's transaction: it becomes visible, and runnable, only
// when tx commits, and vanishes if tx rolls back. The commit wakes this client's workers, as
// Insert does, so the job starts without waiting for the poll interval.
func (c *Client) InsertTx(ctx context.Context, tx *store.Tx, args JobArgs, opts *InsertOpts) (InsertResult, error) {
	if tx == nil {
		return InsertResult{}, fmt.Errorf("jobs: insert: %w: nil transaction", ErrInvalid)
	}
	row, err := c.newRow(args, opts)
	if err != nil {
		return InsertResult{}, fmt.Errorf("jobs: insert: %w", err)
	}
	res, err := c.drv.insert(ctx, tx.SQL(), row)
	if err != nil {
		return InsertResult{}, fmt.Errorf("jobs: insert %s: %w", row.Kind, err)
	}
	tx.AfterCommit(c.notify)
	return res, nil
}

// Get returns one job; a missing id gives an error wrapping store.ErrNotFound.
func (c *Client) Get(ctx context.Context, id int64) (*JobRow, error) {
	j, err := c.drv.get(ctx, c.drv.db, id)
	if err != nil {
		return nil, fmt.Errorf("jobs: get: %w", err)
	}
	return j, nil
}

// ListFilter selects jobs. Zero fields do not filter.
type ListFilter struct {
	Kinds    []string
	States   []State
	BeforeID int64 // keyset pagination: only ids below
	Limit    int   // default 50, at most 1000
}

// List returns jobs matching f, newest first.
func (c *Client) List(ctx context.Context, f ListFilter) ([]*JobRow, error) {
	var (
		where []string
		args  []any
	)
	if len(f.Kinds) > 0 {
		where = append(where, "kind IN ("+placeholders(len(f.Kinds))+")")
		args = append(args, anys(f.Kinds)...)
	}
	if len(f.States) > 0 {
		where = append(where, "state IN ("+placeholders(len(f.States))+")")
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	if f.BeforeID > 0 {
		where = append(where, "id < ?")
		args = append(args, f.BeforeID)
	}
	q := `SELECT ` + jobColumns + ` FROM jobs`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, min(limit, 1000))
	jobs, err := c.drv.list(ctx, c.drv.db, q+" ORDER BY id DESC LIMIT ?", args...)
	if err != nil {
		return nil, fmt.Errorf("jobs: list: %w", err)
	}
	return jobs, nil
}

// Cancel cancels a job: a waiting job at once; a running job is asked to stop (its context is
// cancelled at the next heartbeat) and ends cancelled unless it completes first. Cancelling a
// finalized job does nothing. It returns the job as it is after the call.
func (c *Client) Cancel(ctx context.Context, id int64) (*JobRow, error) {
	if err := c.drv.cancel(ctx, id, now()); err != nil {
		return nil, fmt.Errorf("jobs: cancel %d: %w", id, err)
	}
	return c.Get(ctx, id)
}

// Wait polls the job until it is finalized or ctx ends, and returns it.
func (c *Client) Wait(ctx context.Context, id int64) (*JobRow, error) {
	delay := 20 * time.Millisecond
	for {
		j, err := c.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if j.State.Finalized() {
			return j, nil
		}
		select {
		case <-ctx.Done():
			return j, fmt.Errorf("jobs: wait for job %d (%s): %w", id, j.State, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, c.cfg.PollInterval, time.Second)
	}
}

// InsertAndWait inserts a job and waits until some worker (this client once started, or another
// process) finalizes it: the CLI's "run a sync now" path. A job that ended other than completed
// is returned with an error naming its state and last error.
func (c *Client) InsertAndWait(ctx context.Context, args JobArgs, opts *InsertOpts) (*JobRow, error) {
	res, err := c.Insert(ctx, args, opts)
	if err != nil {
		return nil, err
	}
	j, err := c.Wait(ctx, res.Job.ID)
	if err != nil {
		return j, err
	}
	if j.State != StateCompleted {
		msg := ""
		if n := len(j.Errors); n > 0 {
			msg = ": " + j.Errors[n-1].Error
		}
		return j, fmt.Errorf("jobs: job %d (%s) %s%s", j.ID, j.Kind, j.State, msg)
	}
	return j, nil
}

// Drain runs, in the calling goroutine and one at a time, every job of this client's kinds that
// is due now, until none is left; it returns how many attempts it ran. For tests and for
// one-shot CLI commands; it does not need Start.
func (c *Client) Drain(ctx context.Context) (int, error) {
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return n, fmt.Errorf("jobs: drain: %w", err)
		}
		if err := c.drv.promote(ctx, now()); err != nil {
			return n, fmt.Errorf("jobs: drain: promote: %w", err)
		}
		claimed, err := c.drv.claim(ctx, c.kinds, 1, c.cfg.ID, now(), c.cfg.LeaseDuration)
		if err != nil {
			return n, fmt.Errorf("jobs: drain: claim: %w", err)
		}
		if len(claimed) == 0 {
			return n, nil
		}
		c.execute(ctx, claimed[0])
		n++
	}
}

// RescueAndPrune runs the maintenance pass once: expired leases are rescued and jobs older than
// their retention deleted. Started clients run it every RescueInterval.
func (c *Client) RescueAndPrune(ctx context.Context) error { return c.rescueAndPrune(ctx, now()) }

// rescueAndPrune is RescueAndPrune as of t; tests pick t on either side of a lease's end.
func (c *Client) rescueAndPrune(ctx context.Context, t time.Time) error {
	for {
		n, err := c.drv.rescue(ctx, t, rescueBatch)
		if err != nil {
			return fmt.Errorf("jobs: rescue: %w", err)
		}
		if n > 0 {
			c.logger.WarnContext(ctx, "rescued jobs with expired leases", "count", n)
			c.notify()
		}
		if n < rescueBatch {
			break
		}
	}
	for _, r := range []struct {
		state State
		keep  time.Duration
	}{
		{StateCompleted, c.cfg.CompletedRetention},
		{StateCancelled, c.cfg.DiscardedRetention},
		{StateDiscarded, c.cfg.DiscardedRetention},
	} {
		n, err := c.drv.prune(ctx, r.state, t.Add(-r.keep), pruneBatch)
		if err != nil {
			return fmt.Errorf("jobs: prune %s: %w", r.state, err)
		}
		if n > 0 {
			c.logger.InfoContext(ctx, "pruned jobs", "state", string(r.state), "count", n)
		}
	}
	return nil
}

// Start begins claiming and running jobs in the background until Stop, and runs the rescuer
// and pruner. ctx bounds the loops; running jobs get a context that Stop cancels only when its
// own deadline passes.
func (c *Client) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		return errors.New("jobs: client already started")
	}
	if c.drv.dialect != migrations.SQLite && c.drv.dialect != migrations.MySQL {
		return fmt.Errorf("jobs: unsupported dialect %q", c.drv.dialect)
	}
	fetchCtx, stopFetch := context.WithCancel(ctx)
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	c.started, c.stopFetch, c.stopWork = true, stopFetch, stopWork
	c.loops.Add(2)
	go func() { defer c.loops.Done(); c.fetchLoop(fetchCtx, workCtx) }()
	go func() { defer c.loops.Done(); c.maintenanceLoop(fetchCtx) }()
	c.logger.InfoContext(ctx, "job client started", "id", c.cfg.ID, "kinds", c.kinds, "concurrency", c.cfg.Concurrency)
	return nil
}

// Stop stops claiming and waits for running jobs to return. When ctx ends first it cancels the
// jobs' contexts and returns ctx's error; jobs that still do not return keep their lease until
// it expires and are then rescued elsewhere.
func (c *Client) Stop(ctx context.Context) error {
	c.mu.Lock()
	if !c.started {
		c.mu.Unlock()
		return nil
	}
	c.started = false
	stopFetch, stopWork := c.stopFetch, c.stopWork
	c.mu.Unlock()

	stopFetch()
	done := make(chan struct{})
	go func() {
		c.loops.Wait()
		c.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		stopWork()
		return nil
	case <-ctx.Done():
		stopWork()
		select {
		case <-done:
		case <-time.After(time.Second):
		}
		return fmt.Errorf("jobs: stop: %w", ctx.Err())
	}
}

func (c *Client) fetchLoop(ctx, workCtx context.Context) {
	if len(c.kinds) == 0 {
		return
	}
	slots := make(chan struct{}, c.cfg.Concurrency)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-c.wake:
		}
		for ctx.Err() == nil {
			free := cap(slots) - len(slots)
			if free == 0 {
				break
			}
			t := now()
			if err := c.drv.promote(ctx, t); err != nil && ctx.Err() == nil {
				c.logger.WarnContext(ctx, "promote due jobs", "err", err)
			}
			claimed, err := c.drv.claim(ctx, c.kinds, free, c.cfg.ID, t, c.cfg.LeaseDuration)
			if err != nil {
				if ctx.Err() == nil {
					c.logger.ErrorContext(ctx, "claim jobs", "err", err)
				}
				break
			}
			for _, j := range claimed {
				slots <- struct{}{}
				c.running.Add(1)
				go func() {
					defer c.running.Done()
					c.execute(workCtx, j)
					<-slots
					c.notify()
				}()
			}
			if len(claimed) < free {
				break
			}
		}
		timer.Reset(c.cfg.PollInterval)
	}
}

func (c *Client) maintenanceLoop(ctx context.Context) {
	ticker := time.NewTicker(c.cfg.RescueInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := c.RescueAndPrune(ctx); err != nil && ctx.Err() == nil {
				c.logger.ErrorContext(ctx, "job maintenance", "err", err)
			}
		}
	}
}
