package listing

import (
	"context"
	"testing"
	"time"
)

func TestLimiterShrinksAndGrows(t *testing.T) {
	l := newLimiter(4, time.Now)
	for i := range 4 {
		if ok, _, _ := l.tryAcquire(); !ok {
			t.Fatalf("slot %d refused", i)
		}
	}
	if ok, _, _ := l.tryAcquire(); ok {
		t.Fatal("a fifth slot of four")
	}
	// A 429 halves the limit: the calls in flight finish, no new one starts until fewer than
	// two run.
	l.Throttled(0)
	l.Throttled(0)
	if th, lowest := l.stats(); th != 2 || lowest != 1 {
		t.Fatalf("throttled %d, lowest %d", th, lowest)
	}
	for range 3 {
		l.release(false)
		if ok, _, _ := l.tryAcquire(); ok {
			t.Fatal("a slot while the calls in flight exceed the shrunk limit")
		}
	}
	l.release(false)
	if ok, _, _ := l.tryAcquire(); !ok {
		t.Fatal("no slot with nothing in flight")
	}
	// Successes raise the limit again, one at a time, up to the maximum.
	l.release(true) // streak 1 ≥ limit 1: limit 2
	for range 20 {
		if ok, _, _ := l.tryAcquire(); !ok {
			t.Fatal("no slot")
		}
		l.release(true)
	}
	if l.limit != 4 {
		t.Fatalf("limit %d after successes, want 4", l.limit)
	}
}

func TestLimiterRetryAfterPausesEveryone(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(3, func() time.Time { return now })
	l.Throttled(30 * time.Second)
	ok, pause, wake := l.tryAcquire()
	if ok || pause != 30*time.Second || wake == nil {
		t.Fatalf("during a Retry-After pause: ok=%v pause=%v", ok, pause)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Wait(ctx); err == nil {
		t.Fatal("Wait returned without error while paused and cancelled")
	}
	now = now.Add(31 * time.Second)
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := l.tryAcquire(); !ok {
		t.Fatal("no slot after the pause")
	}
}
