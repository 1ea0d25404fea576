package jobs

import (
	"math/rand/v2"
	"time"
)

// BackoffFunc returns how long to wait before the next try after failed attempt number attempt
// (1 for the first).
type BackoffFunc func(attempt int) time.Duration

// Exponential returns a backoff of base·2^(attempt-1), capped at cap, of which a random half is
// taken off ("equal jitter"), so a herd of jobs failing together spreads out while each wait
// still grows.
func Exponential(base, cap time.Duration) BackoffFunc {
	return func(attempt int) time.Duration {
		d := cap
		if attempt < 1 {
			attempt = 1
		}
		if attempt <= 62 && base > 0 {
			if e := base << (attempt - 1); e > 0 && e>>(attempt-1) == base && e < cap {
				d = e
			}
		}
		if d <= 1 {
			return max(d, 0)
		}
		half := d / 2
		return half + rand.N(d-half+1)
	}
}

// DefaultBackoff waits about 10 s after the first failure and at most an hour.
var DefaultBackoff = Exponential(10*time.Second, time.Hour)
