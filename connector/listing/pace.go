package listing

import (
	"context"
	"sync"
	"time"
)

// limiter bounds the image pass's concurrent calls and slows them down when the storefront is
// overloaded. It is additive-increase, multiplicative-decrease: a 429 or 5xx answer (reported by
// the adapter through platforms.Pacer) halves the number of calls allowed in flight and, when
// the answer named a Retry-After, holds every request until then; each run of successful calls
// as long as the limit raises it by one, up to max. Calls in flight when the limit drops finish;
// new ones wait until fewer than the limit run.
type limiter struct {
	mu         sync.Mutex
	max, limit int
	inflight   int
	streak     int // successful calls since the limit last changed
	pauseUntil time.Time
	now        func() time.Time
	wake       chan struct{} // closed and replaced on every change
	throttled  int           // answers reported by Throttled
	lowest     int           // the lowest limit reached
}

func newLimiter(maxInFlight int, now func() time.Time) *limiter {
	maxInFlight = max(maxInFlight, 1)
	return &limiter{max: maxInFlight, limit: maxInFlight, lowest: maxInFlight, now: now, wake: make(chan struct{})}
}

// notify wakes every waiter; the caller holds l.mu.
func (l *limiter) notify() {
	close(l.wake)
	l.wake = make(chan struct{})
}

// tryAcquire takes a slot if one is free and no pause is on; otherwise it returns how long the
// pause still runs (0: wait for a release) and the channel that signals a change. The image pass
// waits on both and on its finished calls at once (it records them while it waits).
func (l *limiter) tryAcquire() (ok bool, pause time.Duration, wake <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	pause = l.pauseUntil.Sub(l.now())
	if pause <= 0 && l.inflight < l.limit {
		l.inflight++
		return true, 0, nil
	}
	return false, max(pause, 0), l.wake
}

// release frees a slot; ok tells whether the call succeeded.
func (l *limiter) release(ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inflight--
	if ok {
		l.streak++
		if l.streak >= l.limit && l.limit < l.max {
			l.limit++
			l.streak = 0
		}
	}
	l.notify()
}

// unused frees a slot that was not used for a call.
func (l *limiter) unused() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inflight--
	l.notify()
}

// Wait implements platforms.Pacer: it blocks while a Retry-After pause is on.
func (l *limiter) Wait(ctx context.Context) error {
	for {
		l.mu.Lock()
		pause, wake := l.pauseUntil.Sub(l.now()), l.wake
		l.mu.Unlock()
		if pause <= 0 {
			return ctx.Err()
		}
		if err := waitDone(ctx, pause, wake, nil, nil); err != nil {
			return err
		}
	}
}

// Throttled implements platforms.Pacer.
func (l *limiter) Throttled(retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.throttled++
	l.limit = max(1, l.limit/2)
	l.lowest = min(l.lowest, l.limit)
	l.streak = 0
	if until := l.now().Add(retryAfter); retryAfter > 0 && until.After(l.pauseUntil) {
		l.pauseUntil = until
	}
	l.notify()
}

// stats returns the answers throttled and the lowest limit reached.
func (l *limiter) stats() (throttled, lowest int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.throttled, l.lowest
}
