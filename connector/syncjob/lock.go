package syncjob

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

// Lock defaults (Config.LockTTL, Config.LockPoll, Config.BusySnooze).
const (
	DefaultLockTTL    = 2 * time.Minute
	DefaultLockPoll   = time.Second
	DefaultBusySnooze = 30 * time.Second
)

// InterruptedRunError is the error recorded on a sync_runs row left running by a process that
// stopped: the account lock proves no live process runs it.
const InterruptedRunError = "interrupted (the process running it stopped)"

var (
	// ErrBusy reports that another run of the account holds its lock (in this process or
	// another) and the request would not wait (Request.NoWait) or waited Config.MaxWait.
	ErrBusy = errors.New("syncjob: another sync of this account is running")
	// ErrLockLost is the cause of a run's context cancelled because its heartbeat could not keep
	// the account lock: another process may have taken it over, so the run stops pushing.
	ErrLockLost = errors.New("syncjob: account lock lost")
)

// accountLockName is the store lock that serializes the runs of one IWS account.
func accountLockName(accountID int64) string {
	return "sync:account:" + strconv.FormatInt(accountID, 10)
}

// lockOwnerPrefix names this Runner among every process sharing the database: host, process id
// and a random part (a pid may be reused, a host name may be shared by containers).
func lockOwnerPrefix() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	if len(host) > 64 {
		host = host[:64]
	}
	var b [6]byte
	_, _ = crand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// accountLock is a held account lock with its heartbeat.
type accountLock struct {
	name, owner string
	stop        func() // stops the heartbeat and waits for it
}

var runSeq atomic.Int64

// lockLocal queues the runs of one account inside this Runner before they try the store lock:
// a run waits for the one ahead of it in this process and starts as soon as it ends, even with
// Request.NoWait. The queue jobs a first start enqueues at once (catalog, prices, stock,
// content) then run back to back instead of snoozing each other for 30 s or more; only a run
// held by another process, whose length this one cannot see, makes a worker snooze.
func (r *Runner) lockLocal(ctx context.Context, accountID int64) (func(), error) {
	r.mu.Lock()
	sem, ok := r.local[accountID]
	if !ok {
		sem = make(chan struct{}, 1)
		r.local[accountID] = sem
	}
	r.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("syncjob: waiting for the running sync of account %d: %w", accountID, context.Cause(ctx))
	}
}

// lockAccount takes the account's lock, waiting for it as req and Config say, then starts the
// heartbeat that keeps it; when the heartbeat loses the lock it cancels runCtx with ErrLockLost.
// Every Run has its own owner, so two Runners in one process exclude each other too.
func (r *Runner) lockAccount(ctx context.Context, accountID int64, req Request, cancelRun context.CancelCauseFunc) (*accountLock, error) {
	name := accountLockName(accountID)
	owner := r.ownerPrefix + ":" + strconv.FormatInt(runSeq.Add(1), 10)
	ttl := r.cfg.LockTTL

	var deadline <-chan time.Time
	if !req.NoWait && r.cfg.MaxWait > 0 {
		t := time.NewTimer(r.cfg.MaxWait)
		defer t.Stop()
		deadline = t.C
	}
	poll, waiting := r.cfg.LockPoll, false
	for {
		ok, err := r.cfg.Store.TryLock(ctx, name, owner, ttl)
		if err != nil && ctx.Err() != nil {
			// The drivers report a statement cut short by ctx in their own words.
			return nil, fmt.Errorf("syncjob: waiting for the running sync of account %d: %w", accountID, context.Cause(ctx))
		}
		if err != nil {
			return nil, fmt.Errorf("syncjob: lock account %d: %w", accountID, err)
		}
		if ok {
			break
		}
		if req.NoWait {
			return nil, fmt.Errorf("%w (account %d)", ErrBusy, accountID)
		}
		if !waiting {
			waiting = true
			attrs := []any{"account", accountID}
			if l, err := r.cfg.Store.LockInfo(ctx, name); err == nil {
				attrs = append(attrs, "holder", l.Owner, "since", l.AcquiredAt, "lease_until", l.ExpiresAt)
			}
			r.logger.InfoContext(ctx, "waiting for another sync of this account", attrs...)
			if req.OnProgress != nil {
				req.OnProgress("waiting for another sync of this account", 0)
			}
		}
		// Poll with capped exponential backoff and jitter, so waiting processes do not poll in
		// step.
		wait := poll/2 + rand.N(poll/2+1)
		poll = min(poll*2, 8*r.cfg.LockPoll)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-deadline:
			t.Stop()
			return nil, fmt.Errorf("%w (account %d): waited %s", ErrBusy, accountID, r.cfg.MaxWait)
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("syncjob: waiting for the running sync of account %d: %w", accountID, context.Cause(ctx))
		}
	}

	hbCtx, stopHB := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.heartbeat(hbCtx, name, owner, cancelRun)
	}()
	return &accountLock{name: name, owner: owner, stop: func() { stopHB(); <-done }}, nil
}

// heartbeat extends the lock every LockTTL/3 until ctx ends. When the store says the lock is
// someone else's, or no extension succeeded for a whole TTL (the lease may have expired and been
// taken over), it cancels the run.
func (r *Runner) heartbeat(ctx context.Context, name, owner string, cancelRun context.CancelCauseFunc) {
	ttl := r.cfg.LockTTL
	tick := time.NewTicker(ttl / 3)
	defer tick.Stop()
	lastOK := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		callCtx, cancel := context.WithTimeout(ctx, ttl/3)
		ok, err := r.cfg.Store.ExtendLock(callCtx, name, owner, ttl)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err == nil && ok:
			lastOK = time.Now()
			continue
		case err == nil:
			r.logger.ErrorContext(ctx, "sync: account lock taken over; stopping the run", "lock", name, "owner", owner)
			cancelRun(fmt.Errorf("%w: %s is held by another process", ErrLockLost, name))
			return
		}
		if time.Since(lastOK) >= ttl {
			r.logger.ErrorContext(ctx, "sync: account lock not extended for a whole lease; stopping the run", "lock", name, "err", err)
			cancelRun(fmt.Errorf("%w: %s not extended since %s: %w", ErrLockLost, name, lastOK.Format(time.RFC3339), err))
			return
		}
		r.logger.WarnContext(ctx, "sync: extending the account lock failed; retrying", "lock", name, "err", err)
	}
}

// unlock stops the heartbeat and releases the lock, even when ctx is done.
func (r *Runner) unlock(ctx context.Context, l *accountLock) {
	l.stop()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := r.cfg.Store.Unlock(ctx, l.name, l.owner); err != nil {
		// The lease expires by itself; the next run waits at most LockTTL.
		r.logger.ErrorContext(ctx, "sync: releasing the account lock", "lock", l.name, "err", err)
	}
}

// busySnooze is how long a job worker puts off a job whose account is busy: BusySnooze plus up
// to as much again of jitter (30 s to 1 min by default).
func (r *Runner) busySnooze() time.Duration {
	d := r.cfg.BusySnooze
	return d + rand.N(d+1)
}
