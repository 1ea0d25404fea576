package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// testClock is a settable clock for store.WithClock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestLocks(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const name, ttl = "sync:account:1", time.Minute
		try := func(owner string, want bool) {
			t.Helper()
			got, err := st.TryLock(ctx, name, owner, ttl)
			if err != nil || got != want {
				t.Fatalf("TryLock(%s) = %v, %v; want %v", owner, got, err, want)
			}
		}
		extend := func(owner string, want bool) {
			t.Helper()
			got, err := st.ExtendLock(ctx, name, owner, ttl)
			if err != nil || got != want {
				t.Fatalf("ExtendLock(%s) = %v, %v; want %v", owner, got, err, want)
			}
		}
		owner := func() string {
			t.Helper()
			l, err := st.LockInfo(ctx, name)
			if errors.Is(err, store.ErrNotFound) {
				return ""
			}
			if err != nil {
				t.Fatal(err)
			}
			return l.Owner
		}

		t.Run("exclusive", func(t *testing.T) {
			try("a", true)
			try("b", false)
			try("a", true) // re-entrant for its owner: renews the lease
			start := clock.Now()
			l, err := st.LockInfo(ctx, name)
			if err != nil || l.Owner != "a" || !l.ExpiresAt.Equal(start.Add(ttl)) {
				t.Fatalf("LockInfo = %+v, %v", l, err)
			}
			if ok, err := st.TryLock(ctx, "other", "b", ttl); !ok || err != nil {
				t.Fatalf("another name is another lock: %v, %v", ok, err)
			}
		})
		t.Run("extend keeps it past the first expiry", func(t *testing.T) {
			clock.Add(ttl / 2)
			extend("a", true)
			extend("b", false) // not the owner
			clock.Add(ttl/2 + time.Second)
			try("b", false) // the first lease would have expired; the extension holds
			if got := owner(); got != "a" {
				t.Fatalf("owner = %q", got)
			}
		})
		t.Run("unlock by the owner only", func(t *testing.T) {
			if err := st.Unlock(ctx, name, "b"); err != nil {
				t.Fatal(err)
			}
			if got := owner(); got != "a" {
				t.Fatalf("owner after a stranger's unlock = %q", got)
			}
			if err := st.Unlock(ctx, name, "a"); err != nil {
				t.Fatal(err)
			}
			if got := owner(); got != "" {
				t.Fatalf("owner after unlock = %q", got)
			}
			extend("a", false) // released: nothing to extend
			try("b", true)
		})
		t.Run("expiry takeover", func(t *testing.T) {
			clock.Add(ttl) // exactly at expiry: still held
			try("c", false)
			clock.Add(time.Microsecond)
			try("c", true)
			l, err := st.LockInfo(ctx, name)
			if err != nil || l.Owner != "c" || !l.AcquiredAt.Equal(clock.Now()) {
				t.Fatalf("LockInfo = %+v, %v", l, err)
			}
			extend("b", false) // the previous owner learns it lost the lock
			if err := st.Unlock(ctx, name, "b"); err != nil {
				t.Fatal(err)
			}
			if got := owner(); got != "c" {
				t.Fatalf("owner after the old owner's unlock = %q", got)
			}
		})
		t.Run("invalid", func(t *testing.T) {
			for _, c := range []struct {
				name, owner string
				ttl         time.Duration
			}{{"", "a", ttl}, {name, "", ttl}, {name, "a", 0}} {
				if _, err := st.TryLock(ctx, c.name, c.owner, c.ttl); !errors.Is(err, store.ErrInvalid) {
					t.Errorf("TryLock(%q, %q, %s) = %v", c.name, c.owner, c.ttl, err)
				}
			}
		})
	}, store.WithClock(clock.Now))
}

// TestTryLockConcurrent races many owners for a free lock, then for an expired one: exactly
// one wins each round.
func TestTryLockConcurrent(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const ttl = time.Minute
		for round := range 3 {
			name := "race"
			var wins atomic.Int32
			var winner atomic.Value
			var wg sync.WaitGroup
			errs := make(chan error, 32)
			for i := range 32 {
				wg.Go(func() {
					owner := fmt.Sprintf("r%d-g%d", round, i)
					ok, err := st.TryLock(ctx, name, owner, ttl)
					if err != nil {
						errs <- err
						return
					}
					if ok {
						wins.Add(1)
						winner.Store(owner)
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("round %d: %v", round, err)
			}
			if n := wins.Load(); n != 1 {
				t.Fatalf("round %d: %d winners, want 1", round, n)
			}
			l, err := st.LockInfo(ctx, name)
			if err != nil || l.Owner != winner.Load() {
				t.Fatalf("round %d: LockInfo = %+v, %v; winner %v", round, l, err, winner.Load())
			}
			clock.Add(ttl + time.Second) // next round races for the expired lock
		}
	}, store.WithClock(clock.Now))
}
