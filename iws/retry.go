package iws

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryPolicy bounds the client's automatic retries. Zero fields take the DefaultRetryPolicy values.
type RetryPolicy struct {
	// MaxAttempts bounds the attempts of one call that fail on a fault (network error, 5xx, malformed
	// body; the first attempt included), and separately those IWS refuses as throttled; 1 disables
	// retries (an expired-timestamp answer, ErrorCode 12, is still re-signed once).
	MaxAttempts int
	// BaseDelay and MaxDelay shape the capped exponential backoff with full jitter used after network
	// errors, 5xx and malformed bodies: attempt n waits a random duration in [0, min(MaxDelay, BaseDelay·2ⁿ⁻¹)).
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxThrottleWait is the longest throttle wait (ErrorCode 100 or HTTP 429) the client sits out by
	// itself. A longer one is returned at once so a job queue can snooze for RetryAfter(err).
	MaxThrottleWait time.Duration
}

// DefaultRetryPolicy returns the values used for every zero field of Config.Retry: 10 attempts, backoff
// from 500 ms capped at 30 s, throttle waits up to 60 s.
//
// Ten attempts because the reads they protect are the catalog feeds, downloads that a sync would
// otherwise start over an hour later: on a day IWS fails a third of its calls, ten failures in a row
// happen to one call in 60,000 (four gave one in 80), and it takes a dead IWS about a minute of
// backoff (at most two) to give up. Calls that change something are never repeated after a fault.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:     10,
		BaseDelay:       500 * time.Millisecond,
		MaxDelay:        30 * time.Second,
		MaxThrottleWait: 60 * time.Second,
	}
}

// DefaultThrottleWait is assumed when IWS throttles without saying for how long (its documented example).
const DefaultThrottleWait = 10 * time.Second

func (p RetryPolicy) validate() error {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxThrottleWait < 0 {
		return errors.New("retry policy: negative value")
	}
	return nil
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts > 0 {
		d.MaxAttempts = p.MaxAttempts
	}
	if p.BaseDelay > 0 {
		d.BaseDelay = p.BaseDelay
	}
	if p.MaxDelay > 0 {
		d.MaxDelay = p.MaxDelay
	}
	if p.MaxThrottleWait > 0 {
		d.MaxThrottleWait = p.MaxThrottleWait
	}
	return d
}

// retryState is what the policy remembers across the attempts of one call.
type retryState struct {
	resigned  bool  // ErrorCode 12 has been answered by re-signing once
	faults    int   // attempts that failed on a network error, a 5xx or a malformed body
	throttles int   // attempts IWS refused as too frequent
	last      error // the error that caused the current wait
}

// noAutoRetryCodes are ErrorCodes IWS returns with a 5xx status that retrying cannot fix: 900 (general
// error; IWS itself advises against automatic retries), 660 (no credit) and the deterministic business
// answers (80 bad country, 658 on hold, 664 cannot release, 687–690 ESD vendor, 751/752 freight data).
var noAutoRetryCodes = map[int]bool{
	80: true, 658: true, 660: true, 664: true, 687: true, 688: true, 689: true, 690: true,
	751: true, 752: true, CodeGeneralError: true,
}

// feeds are the whole-catalog reads. A 900 on them is retried all the same: they read and change
// nothing, and a sync that gives up on one downloads everything again an hour later. A 900 on a
// lookup (an unknown country for GetCurrency, an order) is more often the answer itself.
var feeds = map[*Endpoint]bool{&epGetCatalog: true, &epGetPriceList: true, &epGetInventory: true, &epDownloadExtendedCatalog: true}

const codeDataUnavailable = 405

// decide is the client's one retry policy. It reports whether the failed attempt may be repeated, and
// after how long:
//
//   - ErrorCode 12 (expired timestamp): re-signed and retried once at once, on any method.
//   - Throttling (ErrorCode 100, HTTP 429): on any method, since IWS refused the request; after the wait
//     IWS asked for, unless that exceeds MaxThrottleWait; at most MaxAttempts-1 times per call.
//   - Network errors (refused, reset or dropped connections, timeouts, an answer cut off mid-body), 5xx
//     (other than noAutoRetryCodes and 501; 900 on the feeds), ErrorCode 405 (data access currently
//     unavailable) and malformed 200 bodies: only on idempotent endpoints, with capped exponential
//     backoff and full jitter, until MaxAttempts attempts failed so. A feed that breaks off after some
//     elements were delivered is resumed where it broke (see resume).
//   - Anything else (4xx, the caller's callback errors): never.
//
// Throttle waits do not use up the attempts kept for faults, nor the other way round.
func (p RetryPolicy) decide(ep *Endpoint, err error, st *retryState) (time.Duration, bool) {
	var f *finalError
	if errors.As(err, &f) {
		return 0, false
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		if apiErr.ErrorCode == CodeTimestampExpired && !st.resigned {
			st.resigned = true
			return 0, true
		}
		if apiErr.Throttled() {
			if st.throttles++; st.throttles >= p.MaxAttempts {
				return 0, false
			}
			wait := apiErr.RetryAfter
			if wait <= 0 {
				wait = DefaultThrottleWait
			}
			return wait, wait <= p.MaxThrottleWait
		}
		serverFault := apiErr.HTTPStatus >= 500 && apiErr.HTTPStatus != http.StatusNotImplemented &&
			(!noAutoRetryCodes[apiErr.ErrorCode] || apiErr.ErrorCode == CodeGeneralError && feeds[ep])
		// 405 (sent with 409) is "Data access currently unavailable": transient like a 503.
		if (serverFault || apiErr.ErrorCode == codeDataUnavailable) && ep.Idempotent {
			return p.fault(st)
		}
		return 0, false
	}
	if !ep.Idempotent {
		return 0, false
	}
	var te *transportError
	if errors.As(err, &te) || errors.Is(err, ErrMalformedResponse) {
		return p.fault(st)
	}
	return 0, false
}

// fault counts one more failed attempt and returns the backoff before the next, if any is left.
func (p RetryPolicy) fault(st *retryState) (time.Duration, bool) {
	if st.faults++; st.faults >= p.MaxAttempts {
		return 0, false
	}
	return p.backoff(st.faults), true
}

// backoff returns the full-jitter wait after attempt n: uniform in [0, min(MaxDelay, BaseDelay·2ⁿ⁻¹)).
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceiling := p.MaxDelay
	d := p.BaseDelay
	for i := 1; i < attempt && d < ceiling; i++ {
		d *= 2
	}
	ceiling = min(ceiling, d)
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}

// transportError is a failure to get a response at all: connection refused or dropped, timeout,
// cancelled context.
type transportError struct {
	method string
	err    error
}

func (e *transportError) Error() string { return fmt.Sprintf("iws: %s: %v", e.method, e.err) }
func (e *transportError) Unwrap() error { return e.err }

// finalError marks an error that must not be retried. callback is set for errors returned by the caller's
// per-item function, which are handed back unchanged.
type finalError struct {
	err      error
	callback bool
}

func (e *finalError) Error() string { return e.err.Error() }
func (e *finalError) Unwrap() error { return e.err }

// ambiguousError wraps a failure of a non-idempotent call after which IWS may or may not have acted.
type ambiguousError struct {
	method string
	err    error
}

func (e *ambiguousError) Error() string {
	return fmt.Sprintf("%v (%s outcome unknown: the request may have reached IWS)", e.err, e.method)
}
func (e *ambiguousError) Unwrap() error { return e.err }

// IsAmbiguous reports whether err is the failure of a non-idempotent call (PlaceOrder, ProcessOrder,
// CancelOrder, …) after which IWS may have acted: the connection dropped or timed out, IWS answered 5xx
// without a definite ErrorCode (or with 900), or the 200 body was unreadable. Such calls are never retried
// automatically; check with GetOrder (by customer order number) before trying again.
func IsAmbiguous(err error) bool {
	var a *ambiguousError
	return errors.As(err, &a)
}

// mayHaveReached reports whether a failed call might nevertheless have been carried out by IWS.
func mayHaveReached(err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return true
	}
	if errors.Is(err, ErrMalformedResponse) {
		return true
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatus >= 500 && (apiErr.ErrorCode == 0 || apiErr.ErrorCode == CodeGeneralError)
	}
	return false
}
