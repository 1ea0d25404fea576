package admin

import (
	"strconv"
	"testing"
	"time"
)

func TestLoginLimiterSlidingWindow(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLoginLimiter(LoginLimits{Window: 10 * time.Minute, PerAccount: 3, PerAddress: 100}.withDefaults(), clock.Now)
	keys := l.keys("a@example.com", "192.0.2.1")
	check := func(want time.Duration) {
		t.Helper()
		if got := l.retryAfter(keys); got != want {
			t.Fatalf("at %s: retry after %s, want %s", clock.Now().Format("15:04"), got, want)
		}
	}
	l.fail(keys)
	check(0)
	clock.advance(time.Minute)
	l.fail(keys)
	check(0)
	clock.advance(time.Minute)
	l.fail(keys) // failures at 0, 1m, 2m: locked until the first is 10 minutes old
	check(8 * time.Minute)
	clock.advance(7 * time.Minute) // 9m
	check(time.Minute)
	clock.advance(time.Minute) // 10m: the failure at 0 left the window
	check(0)
	l.fail(keys) // failures at 1m, 2m, 10m
	check(time.Minute)
	clock.advance(time.Minute) // 11m: 2m, 10m
	check(0)
	l.reset(keys[0])
	l.fail(keys)
	l.fail(keys)
	check(0)
}

func TestLoginLimiterKeysAreSeparate(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLoginLimiter(LoginLimits{PerAccount: 2, PerAddress: 3}.withDefaults(), clock.Now)
	l.fail(l.keys("a@example.com", "192.0.2.1"))
	l.fail(l.keys("a@example.com", "192.0.2.2"))
	if l.retryAfter(l.keys("a@example.com", "192.0.2.9")) == 0 {
		t.Error("the account is not locked after 2 failures from 2 addresses")
	}
	if l.retryAfter(l.keys("b@example.com", "192.0.2.1")) != 0 {
		t.Error("another account from an address with 1 failure is locked")
	}
	l.fail(l.keys("b@example.com", "192.0.2.1"))
	l.fail(l.keys("c@example.com", "192.0.2.1"))
	if l.retryAfter(l.keys("d@example.com", "192.0.2.1")) != 15*time.Minute {
		t.Error("the address is not locked after 3 failures")
	}
}

func TestLoginLimiterBoundedMemory(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLoginLimiter(LoginLimits{MaxKeys: 100}.withDefaults(), clock.Now)
	for i := range 1000 {
		l.fail([]limitKey{{"k" + strconv.Itoa(i), 5}})
		if len(l.failures) > 100 {
			t.Fatalf("%d keys after %d failures, bound 100", len(l.failures), i+1)
		}
	}
}

func TestLoginLimiterDropsExpiredKeysFirst(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLoginLimiter(LoginLimits{MaxKeys: 10}.withDefaults(), clock.Now)
	for i := range 9 {
		l.fail([]limitKey{{"old" + strconv.Itoa(i), 5}})
	}
	clock.advance(10 * time.Minute)
	l.fail([]limitKey{{"recent", 5}}) // 10 keys: full
	clock.advance(6 * time.Minute)    // the old ones are 16 minutes old, "recent" 6
	l.fail([]limitKey{{"new", 5}})
	if len(l.failures) != 2 {
		t.Fatalf("keys %v, want recent and new", l.failures)
	}
	if _, ok := l.failures["recent"]; !ok {
		t.Error("a key with a recent failure was dropped while expired ones were there")
	}
}
