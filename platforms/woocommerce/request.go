package woocommerce

import (
	"bytes"
	"context"
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/internal/retryafter"
	"github.com/intcomex-connector/connector/platforms"
)

// RetryPolicy is the one retry policy of the client: network errors, timeouts, 429 and 5xx are
// retried with capped exponential backoff and full jitter; a Retry-After header wins over the
// backoff (up to MaxRetryAfter). 4xx other than 429 are never retried.
type RetryPolicy struct {
	MaxAttempts   int           // total attempts per request (default 5)
	BaseDelay     time.Duration // first backoff (default 500 ms)
	MaxDelay      time.Duration // backoff cap (default 30 s)
	MaxRetryAfter time.Duration // longest Retry-After honoured (default 5 min)
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 5 * time.Minute
	}
	return p
}

// backoff is the wait before attempt n+1 (n ≥ 1), full jitter over a capped exponential.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.BaseDelay << min(n-1, 20)
	if d <= 0 || d > p.MaxDelay {
		d = p.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

// APIError is WooCommerce's error body {"code","message","data":{"status",…}}, for a whole
// request or one batch item.
type APIError struct {
	Status     int
	Code       string
	Message    string
	Params     map[string]string // data.params of rest_invalid_param
	ResourceID int               // data.resource_id (product_invalid_sku, term_exists)
}

func (e *APIError) Error() string {
	return fmt.Sprintf("woocommerce: %d %s: %s", e.Status, e.Code, e.Message)
}

// Is maps WooCommerce errors to the platforms sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case platforms.ErrNotFound:
		// Updating a missing order or webhook answers 400 with an *_invalid_id code.
		switch e.Code {
		case "woocommerce_rest_product_invalid_id", "woocommerce_rest_shop_order_invalid_id",
			"woocommerce_rest_order_invalid_id", "woocommerce_rest_webhook_invalid_id":
			return true
		}
		return e.Status == http.StatusNotFound
	case platforms.ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case platforms.ErrInvalid:
		return e.Status == http.StatusBadRequest || e.Status == http.StatusRequestEntityTooLarge
	}
	return false
}

type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Data    struct {
		Status     int                        `json:"status"`
		Params     map[string]json.RawMessage `json:"params"`
		ResourceID int                        `json:"resource_id"`
	} `json:"data"`
}

func (w *wireError) apiError(status int) *APIError {
	e := &APIError{Status: w.Data.Status, Code: w.Code, Message: w.Message, ResourceID: w.Data.ResourceID}
	if e.Status == 0 {
		e.Status = status
	}
	for k, v := range w.Data.Params {
		if e.Params == nil {
			e.Params = map[string]string{}
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		e.Params[k] = s
	}
	return e
}

func parseAPIError(status int, body []byte) *APIError {
	var w wireError
	if json.Unmarshal(body, &w) != nil || w.Code == "" {
		return &APIError{Status: status, Code: "http_" + strconv.Itoa(status), Message: http.StatusText(status)}
	}
	return w.apiError(status)
}

// call is one logical request.
type call struct {
	method string
	path   string // below the REST root, "/products/batch"
	query  url.Values
	body   func() ([]byte, error) // built before every attempt; nil for none
	// idempotent requests are retried after any retryable failure. Others may have been applied
	// when the answer is lost (network error, timeout, 5xx): they are retried only after recover
	// made the next attempt safe, or not at all when recover is nil.
	idempotent bool
	recover    func(ctx context.Context) error
}

// response is a successful answer.
type response struct {
	header http.Header
	body   []byte
}

const maxResponseBody = 64 << 20

// do runs cl under the retry policy and returns the 2xx answer, or an error: *APIError for a
// WooCommerce refusal, wrapped with the method and path.
func (c *Client) do(ctx context.Context, cl call) (*response, error) {
	where := cl.method + " " + cl.path
	pol := c.cfg.Retry
	var last error
	pacer := platforms.PacerFrom(ctx)
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("woocommerce: %s: %w", where, err)
		}
		if pacer != nil {
			if err := pacer.Wait(ctx); err != nil {
				return nil, fmt.Errorf("woocommerce: %s: %w", where, err)
			}
		}
		resp, retryAfter, err := c.attempt(ctx, cl)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("woocommerce: %s: %w", where, ctx.Err())
		}
		var apiErr *APIError
		rateLimited := errors.As(err, &apiErr) && apiErr.Status == http.StatusTooManyRequests
		retryable := rateLimited || !errors.As(err, &apiErr) || apiErr.Status >= 500
		if pacer != nil && apiErr != nil && (rateLimited || apiErr.Status >= 500) {
			pacer.Throttled(retryAfter) // the store is overloaded: everyone slows down
		}
		last = err
		if !retryable || attempt >= pol.MaxAttempts {
			break
		}
		// A 429 was refused before doing anything; a lost answer may hide applied writes.
		if !rateLimited && !cl.idempotent {
			if cl.recover == nil {
				break
			}
			wait := pol.backoff(attempt)
			c.log.WarnContext(ctx, "woocommerce: answer lost, recovering before retry", "request", where, "attempt", attempt, "wait", wait, "error", err)
			if err := c.cfg.Sleep(ctx, wait); err != nil {
				return nil, fmt.Errorf("woocommerce: %s: %w", where, err)
			}
			if err := cl.recover(ctx); err != nil {
				return nil, fmt.Errorf("woocommerce: %s: recover after %v: %w", where, last, err)
			}
			continue
		}
		wait := pol.backoff(attempt)
		if retryAfter > 0 {
			wait = min(retryAfter, pol.MaxRetryAfter)
		}
		c.log.WarnContext(ctx, "woocommerce: retrying", "request", where, "attempt", attempt, "wait", wait, "error", err)
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("woocommerce: %s: %w", where, err)
		}
	}
	return nil, fmt.Errorf("woocommerce: %s: %w", where, last)
}

// attempt sends cl once. The error is *APIError for an HTTP answer other than 2xx.
func (c *Client) attempt(ctx context.Context, cl call) (*response, time.Duration, error) {
	var body []byte
	if cl.body != nil {
		b, err := cl.body()
		if err != nil {
			return nil, 0, fmt.Errorf("encode: %w", err)
		}
		body = b
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	u := *c.base
	u.Path += cl.path
	q := url.Values{}
	for k, v := range cl.query {
		q[k] = v
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, "", nil)
	if err != nil {
		return nil, 0, err
	}
	if c.https {
		req.SetBasicAuth(c.cfg.ConsumerKey, c.cfg.ConsumerSecret)
	} else {
		c.signOAuth(cl.method, &u, q)
	}
	u.RawQuery = q.Encode()
	req.URL = &u
	req.Host = u.Host
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, scrubURLError(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, 0, fmt.Errorf("read response: %w", scrubURLError(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		wait := retryafter.Parse(resp.Header.Get("Retry-After"), c.cfg.Now(), c.cfg.Retry.MaxRetryAfter)
		return nil, wait, parseAPIError(resp.StatusCode, data)
	}
	return &response{header: resp.Header, body: data}, 0, nil
}

// scrubURLError drops the query string from a *url.Error: in OAuth mode it carries the signature.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery, u.User = "", nil
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
		return &url.Error{Op: ue.Op, URL: "", Err: ue.Err}
	}
	return err
}

// signOAuth adds one-legged OAuth 1.0a HMAC-SHA256 parameters to q, signing the request's own
// query parameters too, exactly as WC_REST_Authentication::check_oauth_signature checks them.
func (c *Client) signOAuth(method string, u *url.URL, q url.Values) {
	var nonce [16]byte
	_, _ = cryptoRandRead(nonce[:])
	q.Set("oauth_consumer_key", c.cfg.ConsumerKey)
	q.Set("oauth_timestamp", strconv.FormatInt(c.cfg.Now().Unix(), 10))
	q.Set("oauth_nonce", hex.EncodeToString(nonce[:]))
	q.Set("oauth_signature_method", "HMAC-SHA256")
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		// Encoded twice, as WooCommerce does (normalize_parameters, then join_with_equals_sign).
		pairs[i] = rawURLEncode(rawURLEncode(k) + "=" + rawURLEncode(q.Get(k)))
	}
	base := strings.ToUpper(method) + "&" + rawURLEncode(u.Scheme+"://"+u.Host+u.EscapedPath()) + "&" + strings.Join(pairs, "%26")
	mac := hmac.New(sha256.New, []byte(c.cfg.ConsumerSecret+"&"))
	mac.Write([]byte(base))
	q.Set("oauth_signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
}

var cryptoRandRead = crand.Read

// rawURLEncode is PHP's rawurlencode (RFC 3986).
func rawURLEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// getPages GETs every page of a collection (per_page 100), following X-WP-TotalPages; it never
// stops early: a page count it cannot read ends only on a short page.
func getPages[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	var all []T
	for page, pages := 1, 1; page <= pages; page++ {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("per_page", "100")
		q.Set("page", strconv.Itoa(page))
		resp, err := c.do(ctx, call{method: http.MethodGet, path: path, query: q, idempotent: true})
		if err != nil {
			return nil, err
		}
		var items []T
		if err := json.Unmarshal(resp.body, &items); err != nil {
			return nil, fmt.Errorf("woocommerce: GET %s page %d: decode: %w", path, page, err)
		}
		all = append(all, items...)
		if n, err := strconv.Atoi(resp.header.Get("X-WP-TotalPages")); err == nil {
			pages = n
		} else if len(items) == 100 {
			pages = page + 1
		}
	}
	return all, nil
}
