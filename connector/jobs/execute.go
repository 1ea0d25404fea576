package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// maxStack bounds the stack trace kept in a job's error history after a panic.
const maxStack = 1500

// execute runs one claimed attempt and records its outcome. It never panics.
func (c *Client) execute(ctx context.Context, j *JobRow) {
	log := c.logger.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempt)
	unit, ok := c.cfg.Workers.unit(j.Kind)
	if !ok { // claims only ask for registered kinds; this guards a programming error
		c.record(ctx, log, j, Cancel(fmt.Errorf("jobs: no worker for kind %q", j.Kind)), time.Now())
		return
	}

	jobCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if d := unit.timeout(); d > 0 {
		var stop context.CancelFunc
		jobCtx, stop = context.WithTimeoutCause(jobCtx, d, fmt.Errorf("jobs: attempt exceeded its %s timeout", d))
		defer stop()
	}
	hbDone := make(chan struct{})
	hbStop := make(chan struct{})
	go func() {
		defer close(hbDone)
		c.heartbeat(ctx, log, j, hbStop, cancel)
	}()

	start := time.Now()
	err := safeWork(jobCtx, unit, j)
	close(hbStop)
	<-hbDone

	if errors.Is(context.Cause(jobCtx), ErrLeaseLost) {
		log.WarnContext(ctx, "job lost its lease while running; another process owns it now")
		return
	}
	if err != nil && errors.Is(context.Cause(jobCtx), ErrCancelRequested) {
		err = Cancel(fmt.Errorf("%w: %w", ErrCancelRequested, err))
	}
	c.record(ctx, log, j, err, start)
}

func safeWork(ctx context.Context, unit workUnit, j *JobRow) (err error) {
	defer func() {
		if r := recover(); r != nil {
			stack := debug.Stack()
			if len(stack) > maxStack {
				stack = stack[:maxStack]
			}
			err = fmt.Errorf("jobs: worker panicked: %v\n%s", r, stack)
		}
	}()
	return unit.work(ctx, j)
}

// heartbeat renews the lease every third of LeaseDuration until stop closes. It cancels the
// job when the lease is gone or a cancel was requested.
func (c *Client) heartbeat(ctx context.Context, log *slog.Logger, j *JobRow, stop <-chan struct{}, cancel context.CancelCauseFunc) {
	ticker := time.NewTicker(c.cfg.LeaseDuration / 3)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
		}
		callCtx, done := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.LeaseDuration/3)
		held, cancelRequested, err := c.drv.extend(callCtx, j, now().Add(c.cfg.LeaseDuration))
		done()
		switch {
		case err != nil:
			log.WarnContext(ctx, "extend job lease", "err", err) // try again next tick
		case cancelRequested:
			cancel(ErrCancelRequested)
		case !held:
			cancel(ErrLeaseLost)
			return
		}
	}
}

// record turns the worker's result into the job's next state.
func (c *Client) record(ctx context.Context, log *slog.Logger, j *JobRow, err error, start time.Time) {
	t := now()
	o := outcome{state: StateCompleted, errors: j.Errors}
	var (
		snooze *snoozeError
		cancel *cancelError
	)
	switch {
	case err == nil:
	case errors.As(err, &snooze):
		o = outcome{state: StateScheduled, scheduledAt: t.Add(snooze.d), errors: j.Errors, giveBack: true}
	case errors.As(err, &cancel):
		o.state = StateCancelled
		o.errors = appendError(j.Errors, AttemptError{At: t, Attempt: j.Attempt, Error: err.Error()})
	default:
		o.errors = appendError(j.Errors, AttemptError{At: t, Attempt: j.Attempt, Error: err.Error()})
		if d, ok := c.snoozeFor(err); ok {
			o.state, o.scheduledAt, o.giveBack = StateScheduled, t.Add(d), true
			break
		}
		if j.Attempt >= j.MaxAttempts {
			o.state = StateDiscarded
			break
		}
		o.state, o.scheduledAt = StateRetryable, t.Add(c.backoff(j))
	}
	if !o.state.Finalized() && !o.scheduledAt.After(t) {
		o.scheduledAt = t
	}

	// The attempt is over: record it even when the client is being stopped.
	callCtx, done := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer done()
	held, dbErr := c.drv.finish(callCtx, j, o, t)
	if dbErr == nil && held && !o.state.Finalized() {
		c.wakeAt(o.scheduledAt)
	}
	attrs := []any{"state", string(o.state), "duration", time.Since(start).Round(time.Millisecond)}
	switch {
	case dbErr != nil:
		// The lease will expire and the rescuer will make the job run again.
		log.ErrorContext(ctx, "record job outcome", append(attrs, "err", dbErr)...)
	case !held:
		log.WarnContext(ctx, "job outcome not recorded: lease lost", attrs...)
	case err == nil:
		log.InfoContext(ctx, "job completed", attrs...)
	case o.state == StateScheduled:
		log.InfoContext(ctx, "job snoozed", append(attrs, "until", o.scheduledAt, "err", err)...)
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		// The client is stopping (shutdown, Ctrl-C) and cut the job short: no failure of the job's.
		log.InfoContext(ctx, "job interrupted by the shutdown", append(attrs, "until", o.scheduledAt)...)
	default:
		log.WarnContext(ctx, "job failed", append(attrs, "until", o.scheduledAt, "err", err)...)
	}
}

// wakeAt wakes the fetch loop when a job this client scheduled again falls due, if that is
// sooner than the next poll: a retry a few milliseconds after a deadlock, or a short snooze, then
// runs on time instead of a poll interval later.
func (c *Client) wakeAt(due time.Time) {
	d := due.Sub(now())
	if d >= c.cfg.PollInterval {
		return
	}
	time.AfterFunc(max(d, 0), c.notify)
}

func (c *Client) snoozeFor(err error) (time.Duration, bool) {
	if c.cfg.SnoozeFor == nil {
		return 0, false
	}
	d, ok := c.cfg.SnoozeFor(err)
	return max(d, 0), ok
}

func (c *Client) backoff(j *JobRow) time.Duration {
	if unit, ok := c.cfg.Workers.unit(j.Kind); ok {
		if d, ok := unit.backoff(j.Attempt); ok {
			return d
		}
	}
	return c.cfg.Backoff(j.Attempt)
}
