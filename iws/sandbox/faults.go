package sandbox

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Faults are the failure knobs. Rates draw from the sandbox's seeded random source; FailNext and Next
// are deterministic one-shot faults for tests. Method names are IWS method names in any case
// ("getcatalog", "PlaceOrder").
type Faults struct {
	// Latency delays every IWS answer.
	Latency time.Duration
	// FailRate is the share of IWS calls answered with a 5xx: half 503 with the IWS 900 body, half
	// 502 with an HTML gateway page.
	FailRate float64
	// MalformedRate is the share of IWS calls answered 200 with a truncated, garbled body (the call
	// is processed first: a PlaceOrder hit by it still places the order).
	MalformedRate float64
	// DropRate is the share of IWS calls whose connection is dropped: half of them before any answer
	// (the call is not processed), half after the call was processed and part of its 200 answer was
	// sent (a feed cut off mid-body).
	DropRate float64
	// DropAfterCommit makes every PlaceOrder commit the order and then close the connection without
	// answering.
	DropAfterCommit bool
	// CommitDelay is how long PlaceOrder holds a customer order number "in flight" before committing,
	// which makes the 400/92 race observable.
	CommitDelay time.Duration
	// FailNext answers the next N calls of a method with 503 and the IWS 900 body.
	FailNext map[string]int
	// Next queues one-shot faults per method, consumed one per call before FailNext.
	Next map[string][]Fault
}

// FaultKind names a scripted fault.
type FaultKind string

// The scripted faults.
const (
	// FaultUnavailable answers Status (default 503) with the IWS 900 body, without processing.
	FaultUnavailable FaultKind = "unavailable"
	// FaultGateway answers Status (default 502) with an HTML gateway error page, without processing.
	FaultGateway FaultKind = "gateway"
	// FaultMalformed processes the call and answers 200 with a truncated, garbled body.
	FaultMalformed FaultKind = "malformed"
	// FaultDrop closes the connection without processing the call.
	FaultDrop FaultKind = "drop"
	// FaultCut processes the call, sends its status, headers (with the whole body's Content-Length)
	// and the first part of its body, and closes the connection: a download cut off mid-body.
	FaultCut FaultKind = "cut"
	// FaultDropAfterCommit processes the call (a PlaceOrder commits its order) and then closes the
	// connection without answering.
	FaultDropAfterCommit FaultKind = "drop-after-commit"
	// FaultThrottle answers ErrorCode 100 with the configured throttle status, without processing.
	FaultThrottle FaultKind = "throttle"
	// FaultExpiredToken answers 401/12 as if the token had expired, without processing.
	FaultExpiredToken FaultKind = "expired-token"
)

// Fault is one scripted fault; Status overrides the HTTP status of Unavailable and Gateway.
type Fault struct {
	Kind   FaultKind `json:"kind"`
	Status int       `json:"status,omitempty"`
}

func (f *Faults) validate() error {
	var problems []error
	if f.Latency < 0 || f.CommitDelay < 0 {
		problems = append(problems, errors.New("fault delays must not be negative"))
	}
	for name, r := range map[string]float64{"FailRate": f.FailRate, "MalformedRate": f.MalformedRate, "DropRate": f.DropRate} {
		if r < 0 || r > 1 || math.IsNaN(r) {
			problems = append(problems, fmt.Errorf("%s must be between 0 and 1, got %v", name, r))
		}
	}
	for m, n := range f.FailNext {
		if n < 0 {
			problems = append(problems, fmt.Errorf("FailNext[%s] must not be negative", m))
		}
	}
	for m, q := range f.Next {
		for _, fl := range q {
			switch fl.Kind {
			case FaultUnavailable, FaultGateway:
				if fl.Status != 0 && (fl.Status < 500 || fl.Status > 599) {
					problems = append(problems, fmt.Errorf("status %d of a %s fault in Next[%s] is not 5xx", fl.Status, fl.Kind, m))
				}
			case FaultMalformed, FaultDrop, FaultCut, FaultDropAfterCommit, FaultThrottle, FaultExpiredToken:
			default:
				problems = append(problems, fmt.Errorf("unknown fault kind %q in Next[%s]", fl.Kind, m))
			}
		}
	}
	return errors.Join(problems...)
}

// clone deep-copies the maps and lower-cases method names.
func (f Faults) clone() Faults {
	out := f
	out.FailNext = make(map[string]int, len(f.FailNext))
	for m, n := range f.FailNext {
		out.FailNext[strings.ToLower(m)] += n
	}
	out.Next = make(map[string][]Fault, len(f.Next))
	for m, q := range f.Next {
		lm := strings.ToLower(m)
		out.Next[lm] = append(out.Next[lm], q...)
	}
	return out
}

// SetFaults replaces the fault knobs.
func (s *Sandbox) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return fmt.Errorf("sandbox: faults: %w", err)
	}
	s.mu.Lock()
	s.faults = f.clone()
	s.mu.Unlock()
	return nil
}

// Faults returns the current fault knobs, including what is left of the one-shot faults.
func (s *Sandbox) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults.clone()
	maps.DeleteFunc(f.FailNext, func(_ string, n int) bool { return n == 0 })
	maps.DeleteFunc(f.Next, func(_ string, q []Fault) bool { return len(q) == 0 })
	return f
}

// faultPlan is what the fault knobs decided for one call.
type faultPlan struct {
	latency     time.Duration
	commitDelay time.Duration
	fault       Fault
	// cutAt is the share of the body a FaultCut sends before the connection drops.
	cutAt float64
}

// planFaults consumes the one-shot faults of method and draws the random ones.
func (s *Sandbox) planFaults(method string) faultPlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	p := faultPlan{latency: f.Latency, commitDelay: f.CommitDelay, cutAt: 0.5}
	if q := f.Next[method]; len(q) > 0 {
		p.fault = q[0]
		f.Next[method] = slices.Clone(q[1:])
		return p
	}
	if n := f.FailNext[method]; n > 0 {
		f.FailNext[method] = n - 1
		p.fault = Fault{Kind: FaultUnavailable}
		return p
	}
	if f.FailRate > 0 && s.rng.Float64() < f.FailRate {
		p.fault = Fault{Kind: FaultUnavailable}
		if s.rng.IntN(2) == 0 {
			p.fault.Kind = FaultGateway
		}
		return p
	}
	if f.MalformedRate > 0 && s.rng.Float64() < f.MalformedRate {
		p.fault = Fault{Kind: FaultMalformed}
		return p
	}
	if f.DropRate > 0 && s.rng.Float64() < f.DropRate {
		p.fault = Fault{Kind: FaultDrop}
		if s.rng.IntN(2) == 0 {
			p.fault.Kind = FaultCut
			p.cutAt = s.rng.Float64()
		}
		return p
	}
	if f.DropAfterCommit && method == "placeorder" {
		p.fault = Fault{Kind: FaultDropAfterCommit}
	}
	return p
}

// writeGatewayError answers like an API gateway whose backend failed: HTML, not JSON.
func writeGatewayError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>Apigee</center>\r\n</body>\r\n</html>\r\n",
		status, http.StatusText(status), status, http.StatusText(status))
}

// garble writes a captured answer as a 200 whose JSON is cut short and salted with junk.
func garble(w http.ResponseWriter, c *captureWriter) {
	body := c.buf.Bytes()
	cut := len(body) / 2
	out := append([]byte{}, body[:cut]...)
	out = append(out, "\x00}]{\"Sku\":"...)
	for k, vs := range c.header {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", contentTypeJSON)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// cut sends a captured answer's status, headers and the first share of its body, then drops the
// connection: the client sees a 200 whose body ends early (its Content-Length promised more).
func cut(w http.ResponseWriter, c *captureWriter, share float64) {
	body := c.buf.Bytes()
	for k, vs := range c.header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(cmp.Or(c.status, http.StatusOK))
	_, _ = w.Write(body[:int(float64(len(body))*min(max(share, 0), 1))])
	_ = http.NewResponseController(w).Flush()
	dropConnection(w)
}

type throttleKey struct{ apiKey, method string }

func (s *Sandbox) throttleInterval(method string) time.Duration {
	if d, ok := s.cfg.ThrottleMethods[method]; ok {
		return d
	}
	return s.cfg.ThrottleInterval
}

// checkThrottle enforces the minimum interval since the last successful call of the same method
// with the same key ("Please wait N seconds from the last successful attempt").
func (s *Sandbox) checkThrottle(apiKey, method string) *apiError {
	d := s.throttleInterval(method)
	if d <= 0 {
		return nil
	}
	s.mu.Lock()
	last, ok := s.lastOK[throttleKey{apiKey, method}]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	if wait := d - s.now().Sub(last); wait > 0 {
		return s.throttleError(d, wait)
	}
	return nil
}

func (s *Sandbox) throttleError(interval, wait time.Duration) *apiError {
	e := iwsErr(s.cfg.ThrottleStatus, 100, fmt.Sprintf(
		"Excessive request attempts detected. Please wait %d seconds from the last successful attempt before making a new request.",
		int(math.Ceil(interval.Seconds()))))
	if s.cfg.ThrottleStatus == http.StatusTooManyRequests {
		e.retryAfter = int(math.Ceil(wait.Seconds()))
	}
	return e
}

func (s *Sandbox) recordSuccess(apiKey, method string) {
	if s.throttleInterval(method) <= 0 {
		return
	}
	s.mu.Lock()
	s.lastOK[throttleKey{apiKey, method}] = s.now()
	s.mu.Unlock()
}
