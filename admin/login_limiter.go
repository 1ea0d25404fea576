package admin

import (
	"sync"
	"time"
)

// LoginLimits tunes the login limiter; zero fields take the defaults.
type LoginLimits struct {
	// Window is how far back failures count (default 15 minutes).
	Window time.Duration
	// PerAccount is how many failed logins an email may have in Window (default 5).
	PerAccount int
	// PerAddress is how many failed logins a client address may have in Window (default 20:
	// an office behind one NAT address shares it).
	PerAddress int
	// MaxKeys bounds the limiter's memory (default 100,000 keys, a few MB).
	MaxKeys int
}

func (l LoginLimits) withDefaults() LoginLimits {
	if l.Window <= 0 {
		l.Window = 15 * time.Minute
	}
	if l.PerAccount <= 0 {
		l.PerAccount = 5
	}
	if l.PerAddress <= 0 {
		l.PerAddress = 20
	}
	if l.MaxKeys <= 0 {
		l.MaxKeys = 100_000
	}
	return l
}

// loginLimiter throttles password guessing. Design: a sliding-window log per key. A key (an
// account's email, a client address) keeps the times of its most recent failed logins, at most
// as many as its limit. The key is locked while it has `limit` failures within the last Window,
// that is until the oldest of them is Window old: no key ever gets more than `limit` wrong
// guesses in any Window-long stretch, and a person who mistyped five times waits at most one
// Window. A locked key is refused before the password is checked (429 with Retry-After), so a
// right password does not get in during the lock either. A successful login clears its
// account's failures, not its address's: one known account must not reset the count of an
// address that guesses at others.
//
// The log is in memory, per process: with N instances behind a load balancer an attacker gets
// at most N times the limit, each guess costing an argon2id hash. Memory is bounded by MaxKeys:
// at the bound, keys with no failure inside the window are dropped first, then arbitrary ones.
type loginLimiter struct {
	limits LoginLimits
	now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time // oldest first, within the key's limit
}

// limitKey is one counter a login attempt is charged to.
type limitKey struct {
	key   string
	limit int
}

func newLoginLimiter(limits LoginLimits, now func() time.Time) *loginLimiter {
	return &loginLimiter{limits: limits, now: now, failures: map[string][]time.Time{}}
}

// keys returns the counters of a login attempt for email from address.
func (l *loginLimiter) keys(email, address string) []limitKey {
	return []limitKey{{"account:" + email, l.limits.PerAccount}, {"address:" + address, l.limits.PerAddress}}
}

// retryAfter returns how long until none of keys is locked (0: try now).
func (l *loginLimiter) retryAfter(keys []limitKey) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		ts := l.recent(k.key, now)
		if len(ts) >= k.limit {
			wait = max(wait, ts[len(ts)-k.limit].Add(l.limits.Window).Sub(now))
		}
	}
	return wait
}

// fail records a failed login against keys.
func (l *loginLimiter) fail(keys []limitKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		ts := l.recent(k.key, now)
		if ts == nil && len(l.failures) >= l.limits.MaxKeys {
			l.sweep(now)
		}
		ts = append(ts, now)
		if len(ts) > k.limit {
			ts = append(ts[:0], ts[len(ts)-k.limit:]...)
		}
		l.failures[k.key] = ts
	}
}

// reset clears key's failures (a successful login clears its account's).
func (l *loginLimiter) reset(key limitKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key.key)
}

// recent returns key's failures inside the window, forgetting older ones. Called with mu held.
func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	ts, ok := l.failures[key]
	if !ok {
		return nil
	}
	cut := 0
	for cut < len(ts) && !ts[cut].After(now.Add(-l.limits.Window)) {
		cut++
	}
	if cut == len(ts) {
		delete(l.failures, key)
		return nil
	}
	if cut > 0 {
		ts = append(ts[:0], ts[cut:]...)
		l.failures[key] = ts
	}
	return ts
}

// sweep makes room for a new key: it drops keys whose failures are all outside the window,
// then, if a flood of keys filled the map with recent ones, arbitrary keys until a tenth is
// free. Called with mu held.
func (l *loginLimiter) sweep(now time.Time) {
	for k, ts := range l.failures {
		if !ts[len(ts)-1].After(now.Add(-l.limits.Window)) {
			delete(l.failures, k)
		}
	}
	for k := range l.failures {
		if len(l.failures) < l.limits.MaxKeys-l.limits.MaxKeys/10 {
			break
		}
		delete(l.failures, k)
	}
}
