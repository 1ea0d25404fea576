package iws

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the IWS test environment. Production is https://intcomex-prod.apigee.net/v1/.
const DefaultBaseURL = "https://intcomex-test.apigee.net/v1/"

// DefaultUserAgent is sent when Config.UserAgent is empty.
const DefaultUserAgent = "intcomex-connector-iws/1"

// maxErrorBody caps how much of a failed response is read into an *Error.
const maxErrorBody = 64 << 10

// Config configures a Client. Only APIKey and AccessKey are required.
type Config struct {
	// BaseURL is the IWS root including the version, e.g. https://intcomex-prod.apigee.net/v1/.
	// Default DefaultBaseURL (the test environment).
	BaseURL string
	// APIKey identifies the customer account; it is sent with every request.
	APIKey string
	// AccessKey is the private key; it is never sent, only hashed into each request's signature.
	AccessKey string
	// HTTPClient sends the requests. Default: a client whose transport waits at most two minutes for
	// response headers. Redirects are followed (DownloadExtendedCatalog may redirect to blob storage;
	// net/http drops the Authorization header when the redirect leaves the IWS host).
	HTTPClient *http.Client
	// Logger receives one debug line per attempt and a warning per retry. Default: discard.
	Logger *slog.Logger
	// Now is the clock used to sign requests. Default time.Now.
	Now func() time.Time
	// Retry is the retry policy; zero fields take the DefaultRetryPolicy values.
	Retry RetryPolicy
	// UserAgent is sent as User-Agent. Default DefaultUserAgent.
	UserAgent string
	// Sleep waits d or until ctx is done, returning ctx.Err() in that case. Tests inject a fake.
	// Default: a timer that selects on ctx.Done().
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client calls Intcomex Web Services. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	apiKey    string
	accessKey string
	http      *http.Client
	log       *slog.Logger
	now       func() time.Time
	retry     RetryPolicy
	userAgent string
	sleep     func(ctx context.Context, d time.Duration) error
}

// New validates cfg and builds a Client.
func New(cfg Config) (*Client, error) {
	var problems []string
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(raw)
	switch {
	case err != nil:
		problems = append(problems, fmt.Sprintf("base URL %q: %v", raw, err))
	case base.Scheme != "https" && base.Scheme != "http":
		problems = append(problems, fmt.Sprintf("base URL %q: scheme must be https (or http for a local sandbox)", raw))
	case base.Host == "":
		problems = append(problems, fmt.Sprintf("base URL %q: no host", raw))
	case base.RawQuery != "" || base.Fragment != "":
		problems = append(problems, fmt.Sprintf("base URL %q: must not carry a query or fragment", raw))
	}
	if strings.TrimSpace(cfg.APIKey) == "" {
		problems = append(problems, "API key is empty")
	}
	if strings.TrimSpace(cfg.AccessKey) == "" {
		problems = append(problems, "access key is empty")
	}
	if err := cfg.Retry.validate(); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("iws: invalid config: %s", strings.Join(problems, "; "))
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	c := &Client{
		base:      base,
		apiKey:    cfg.APIKey,
		accessKey: cfg.AccessKey,
		http:      cfg.HTTPClient,
		log:       cfg.Logger,
		now:       cfg.Now,
		retry:     cfg.Retry.withDefaults(),
		userAgent: cfg.UserAgent,
		sleep:     cfg.Sleep,
	}
	if c.http == nil {
		c.http = defaultHTTPClient()
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	return c, nil
}

func defaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 2 * time.Minute
	return &http.Client{Transport: tr}
}

// sleepContext waits d unless ctx ends first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// consumeFunc reads a successful (2xx) response. It owns resp.Body and must close it (or hand it on).
// An error it returns goes through the retry policy: wrap ErrMalformedResponse for a body that is not the
// expected JSON (retried on reads), or return a *finalError for errors that must not be retried.
type consumeFunc func(resp *http.Response) error

// send performs one logical IWS call: signing, the retry loop and error decoding. Every method, typed or
// Raw, goes through here.
func (c *Client) send(ctx context.Context, ep *Endpoint, query url.Values, body []byte, consume consumeFunc) error {
	var st retryState
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil {
			return c.interrupted(ctx, ep, nil, st.last)
		}
		start := time.Now()
		err := c.attempt(ctx, ep, query, body, consume)
		if err == nil {
			c.log.DebugContext(ctx, "iws call", "method", ep.Name, "attempt", attempt, "duration", time.Since(start))
			return nil
		}
		if ctx.Err() != nil && !isCallback(err) {
			// Whatever the attempt ran into (a reset body, half a JSON document), it was our own
			// cancellation: it is reported as such, not as an IWS fault.
			return c.interrupted(ctx, ep, err, st.last)
		}
		wait, retry := c.retry.decide(ep, err, &st)
		if !retry {
			return c.giveUp(ep, err)
		}
		c.log.WarnContext(ctx, "iws retry", "method", ep.Name, "attempt", attempt, "wait", wait, "err", err)
		st.last = err
		if wait <= 0 {
			continue
		}
		if c.sleep(ctx, wait) != nil {
			return c.interrupted(ctx, ep, nil, st.last)
		}
	}
}

// interrupted is the error of a call whose context ended: it wraps ctx.Err(), so errors.Is(err,
// context.Canceled) holds after a cancellation, and carries no IWS error then (the attempt that was cut
// short or the throttle being waited out is not what stopped the call). After a deadline the last
// failure is kept: it says why the call took that long. attemptErr is the error of the attempt the
// context ended, nil when it ended between attempts; a non-idempotent call cut short in flight may have
// reached IWS and is ambiguous.
func (c *Client) interrupted(ctx context.Context, ep *Endpoint, attemptErr, last error) error {
	err := fmt.Errorf("iws: %s: %w", ep.Name, ctx.Err())
	if prev := cmp.Or(attemptErr, last); prev != nil && !errors.Is(ctx.Err(), context.Canceled) {
		err = fmt.Errorf("%w (last attempt: %w)", err, prev)
	}
	if !ep.Idempotent && attemptErr != nil && mayHaveReached(attemptErr) {
		return &ambiguousError{method: ep.Name, err: err}
	}
	return err
}

// giveUp shapes the final error: callback errors are unwrapped, and a failure that may have reached IWS
// on a non-idempotent call is marked ambiguous.
func (c *Client) giveUp(ep *Endpoint, err error) error {
	var f *finalError
	if errors.As(err, &f) && f.callback {
		return f.err
	}
	if !ep.Idempotent && mayHaveReached(err) {
		return &ambiguousError{method: ep.Name, err: err}
	}
	return err
}

// isCallback reports an error returned by the caller's per-item function.
func isCallback(err error) bool {
	var f *finalError
	return errors.As(err, &f) && f.callback
}

// attempt sends one signed HTTP request.
func (c *Client) attempt(ctx context.Context, ep *Endpoint, query url.Values, body []byte, consume consumeFunc) error {
	u := c.base.ResolveReference(&url.URL{Path: ep.Path})
	u.RawQuery = query.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, ep.HTTPMethod, u.String(), rd)
	if err != nil {
		return &finalError{err: fmt.Errorf("iws: %s: build request: %w", ep.Name, err)}
	}
	// A fresh token for every attempt: IWS accepts a timestamp for five minutes only.
	req.Header.Set("Authorization", "Bearer "+Token(c.apiKey, c.accessKey, c.now()))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.http.Do(req)
	if err != nil {
		return &transportError{method: ep.Name, err: err}
	}
	if resp.StatusCode/100 != 2 { // IWS answers 200; any 2xx is read as success
		defer resp.Body.Close()
		b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if rerr != nil && len(b) == 0 {
			b = []byte("(body unreadable: " + rerr.Error() + ")")
		}
		// Drain a little more so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return parseErrorResponse(ep.Name, resp.StatusCode, resp.Header, b, c.now())
	}
	return consume(resp)
}

// values is url.Values with helpers that skip empty parameters.
type values url.Values

func (v values) set(name, value string) {
	if value != "" {
		url.Values(v).Set(name, value)
	}
}

func (v values) setBool(name string, b *bool) {
	if b != nil {
		url.Values(v).Set(name, fmt.Sprint(*b))
	}
}

func (v values) setTrue(name string, b bool) {
	if b {
		url.Values(v).Set(name, "true")
	}
}

func (v values) setInt(name string, n int) {
	if n > 0 {
		url.Values(v).Set(name, fmt.Sprint(n))
	}
}

// Bool returns a pointer to b, for the optional boolean filters of the params structs.
func Bool(b bool) *bool { return &b }
