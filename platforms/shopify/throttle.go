package shopify

import (
	"math"
	"sync"
	"time"
)

// costStatus is extensions.cost of a GraphQL answer.
type costStatus struct {
	RequestedQueryCost float64  `json:"requestedQueryCost"`
	ActualQueryCost    *float64 `json:"actualQueryCost"`
	ThrottleStatus     struct {
		MaximumAvailable   float64 `json:"maximumAvailable"`
		CurrentlyAvailable float64 `json:"currentlyAvailable"`
		RestoreRate        float64 `json:"restoreRate"`
	} `json:"throttleStatus"`
}

// throttle paces calls against Shopify's leaky bucket so that a request is
// only sent when its cost is available: the bucket state comes from the last
// answer's throttleStatus, projected forward at restoreRate; a request's cost
// is estimated from the last requestedQueryCost of the same operation
// (Shopify admits a request when its *requested* cost is available, and
// refunds the difference afterwards). Each admitted call deducts its estimate
// so that concurrent callers queue instead of racing. An answer from a
// concurrent call may overwrite a deduction; the retry on THROTTLED covers
// that rare case.
type throttle struct {
	mu        sync.Mutex
	now       func() time.Time
	known     bool
	available float64
	maximum   float64
	rate      float64
	at        time.Time
	cost      map[string]float64
}

// defaultCost is the estimate for an operation never sent before (a mutation
// costs 10 points; the queries the adapter sends are small).
const defaultCost = 10

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, cost: map[string]float64{}}
}

// reserve admits op now (deducting its estimated cost) and returns 0, or
// returns how long to wait before asking again.
func (t *throttle) reserve(op string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.known {
		return 0
	}
	est, ok := t.cost[op]
	if !ok {
		est = defaultCost
	}
	est = min(est, t.maximum) // never wait for more than the bucket holds
	now := t.now()
	avail := t.available
	if el := now.Sub(t.at).Seconds(); el > 0 {
		avail = min(t.maximum, avail+el*t.rate)
	}
	if avail >= est {
		t.available, t.at = avail-est, now
		return 0
	}
	if t.rate <= 0 {
		return time.Second
	}
	secs := (est - avail) / t.rate
	// Round up to the millisecond: Shopify reports whole points, so a wait
	// cut short by rounding would answer THROTTLED.
	return time.Duration(math.Ceil(secs*1000)) * time.Millisecond
}

// observe records the bucket as an answer reported it.
func (t *throttle) observe(op string, c *costStatus) {
	if c == nil || c.ThrottleStatus.MaximumAvailable <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.known = true
	t.available = c.ThrottleStatus.CurrentlyAvailable
	t.maximum = c.ThrottleStatus.MaximumAvailable
	t.rate = c.ThrottleStatus.RestoreRate
	t.at = t.now()
	if c.RequestedQueryCost > 0 {
		t.cost[op] = c.RequestedQueryCost
	}
}

// refillWait is how long the bucket needs to hold cost points, from the last
// observation; 0 when unknown.
func (t *throttle) refillWait(cost float64) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.known || t.rate <= 0 {
		return 0
	}
	avail := t.available + t.now().Sub(t.at).Seconds()*t.rate
	if avail >= cost {
		return 0
	}
	return time.Duration(math.Ceil((cost-avail)/t.rate*1000)) * time.Millisecond
}

// maxCost is the bucket size, 0 when unknown.
func (t *throttle) maxCost() float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.maximum
}
