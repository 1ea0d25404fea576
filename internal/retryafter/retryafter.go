// Package retryafter reads the HTTP Retry-After header (RFC 9110 §10.2.3) the same way for every
// client of the connector: IWS, WooCommerce and Shopify. It imports only the standard library, so
// the API clients and their fakes can share it without importing anything of the core.
package retryafter

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Parse returns how long a Retry-After value asks to wait, measured from now: a number of seconds
// ("120"; a decimal fraction such as Shopify's "2.0" is accepted too) or an HTTP date ("Wed, 21 Oct
// 2015 07:28:00 GMT", and the two obsolete date forms). The wait is at most limit (no limit when
// limit <= 0; a value beyond what a time.Duration holds is cut there either way).
//
// An empty, negative, unparsable or non-finite value, or a date not after now, gives 0: the caller
// then waits as its own policy says.
func Parse(v string, now time.Time, limit time.Duration) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if isNumber(v) {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil && !isRangeErr(err) {
			return 0
		}
		if math.IsNaN(secs) || secs <= 0 {
			return 0
		}
		if secs >= float64(math.MaxInt64)/float64(time.Second) {
			d = math.MaxInt64
		} else {
			d = time.Duration(secs * float64(time.Second))
		}
	} else {
		t, err := http.ParseTime(v)
		if err != nil || !t.After(now) {
			return 0
		}
		d = t.Sub(now) // saturates at the largest Duration
	}
	if limit > 0 && d > limit {
		return limit
	}
	return d
}

// isNumber reports whether v is delta-seconds: digits, with at most one '.' followed by digits.
// Signs, exponents, "Inf", "NaN" and hexadecimal forms, which strconv would take, are refused.
func isNumber(v string) bool {
	digits, dot := 0, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && digits > 0:
			dot = true
		default:
			return false
		}
	}
	return digits > 0 && v[len(v)-1] != '.'
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
