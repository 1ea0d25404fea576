// Package audit records every call the connector makes to an outside system (IWS, WooCommerce,
// Shopify, ...) in the api_calls table: what was asked, what came back, how long it took and
// which job, order or sync run it belonged to, with every credential removed.
//
// Clients get auditing by wrapping their transport:
//
//	httpClient := &http.Client{Transport: audit.NewTransport(http.DefaultTransport, st, audit.SystemIWS, audit.Options{})}
//	ctx = correlation.WithJobID(correlation.WithMethod(ctx, "getcatalog"), jobID)
//
// The transport never buffers a response: it wraps the body so the caller streams it as before,
// keeps a copy of the first BodyLimit bytes, and writes the row once, when the body reaches EOF,
// fails, or is closed. An error answer (4xx, 5xx) closed before its end is read to its end first
// (up to 256 KiB), so its size is counted whatever part of it the caller needed. A caller that never closes a response body therefore leaves no row (and
// leaks a connection anyway). Recording failures are logged, never returned.
package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
)

// Systems, the values of api_calls.system.
const (
	SystemIWS         = "iws"
	SystemWooCommerce = "woocommerce"
	SystemShopify     = "shopify"
)

// DefaultBodyLimit is how many bytes of each request and response body are kept by default.
const DefaultBodyLimit = 64 << 10

// MaxBodyLimit keeps one stored body inside MySQL's MEDIUMTEXT (16 MiB) with room for redaction.
const MaxBodyLimit = 8 << 20

// Recorder stores audit rows; *store.Store implements it.
type Recorder interface {
	InsertAPICall(ctx context.Context, call *store.APICall) error
}

// Options tune a Transport. The zero value is ready to use.
type Options struct {
	// BodyLimit is the number of bytes of each body kept; 0 means DefaultBodyLimit, a negative
	// value keeps no body at all. Values above MaxBodyLimit are lowered to it.
	BodyLimit int
	// SecretValues are literal secrets (an access key, a shop token) to scrub wherever they
	// appear in a stored field, in raw, URL-escaped and JSON-escaped form: a safety net on top
	// of the name-based redaction.
	SecretValues []string
	// SensitiveKeys adds JSON keys, form fields and query parameters to SensitiveKeys.
	SensitiveKeys []string
	// Logger receives recording failures; nil discards them.
	Logger *slog.Logger
	// RecordTimeout bounds one database write; 0 means 5 seconds.
	RecordTimeout time.Duration
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// Transport is an http.RoundTripper that records every round trip through a Recorder.
type Transport struct {
	next          http.RoundTripper
	rec           Recorder
	system        string
	limit         int
	redact        redactor
	logger        *slog.Logger
	recordTimeout time.Duration
	now           func() time.Time
}

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport wraps next (http.DefaultTransport when nil) so that every call is recorded under
// system.
func NewTransport(next http.RoundTripper, rec Recorder, system string, opts Options) *Transport {
	if next == nil {
		next = http.DefaultTransport
	}
	limit := opts.BodyLimit
	switch {
	case limit == 0:
		limit = DefaultBodyLimit
	case limit < 0:
		limit = 0
	case limit > MaxBodyLimit:
		limit = MaxBodyLimit
	}
	t := &Transport{
		next:          next,
		rec:           rec,
		system:        system,
		limit:         limit,
		redact:        newRedactor(opts.SensitiveKeys, opts.SecretValues),
		logger:        opts.Logger,
		recordTimeout: opts.RecordTimeout,
		now:           opts.Now,
	}
	if t.logger == nil {
		t.logger = slog.New(slog.DiscardHandler)
	}
	if t.recordTimeout <= 0 {
		t.recordTimeout = 5 * time.Second
	}
	if t.now == nil {
		t.now = time.Now
	}
	return t
}

// CloseIdleConnections forwards to the wrapped transport, so http.Client.CloseIdleConnections
// keeps working.
func (t *Transport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// RoundTrip sends req through the wrapped transport and arranges for it to be recorded.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := t.now()
	ctx := req.Context()
	corr := correlation.From(ctx)
	call := &store.APICall{
		System:         t.system,
		Method:         corr.Method,
		HTTPMethod:     req.Method,
		URL:            t.redact.redactURL(req.URL),
		RequestHeaders: t.redact.redactHeaders(req.Header),
		JobID:          corr.JobID,
		OrderID:        corr.OrderID,
		SyncRunID:      corr.SyncRunID,
		AccountID:      corr.AccountID,
		ShopID:         corr.ShopID,
		CreatedAt:      start.UTC(),
	}
	if call.Method == "" {
		call.Method = MethodFromPath(req.URL.Path)
	}
	if call.HTTPMethod == "" {
		call.HTTPMethod = http.MethodGet
	}

	out, reqBody, reqTruncated := t.captureRequest(req)
	reqSize := int64(len(reqBody))
	if req.ContentLength > reqSize {
		reqSize = req.ContentLength
	}
	call.RequestBody, call.RequestTruncated = t.redact.body(reqBody, t.limit, reqTruncated, reqSize, req.Header, true)

	resp, err := t.next.RoundTrip(out)
	if err != nil {
		call.Duration = t.now().Sub(start)
		call.Error = t.redactError(req, err)
		t.record(ctx, call)
		return nil, err
	}
	call.StatusCode = resp.StatusCode
	call.ResponseHeaders = t.redact.redactHeaders(resp.Header)
	// 101 Switching Protocols hands back a read-write connection that must not be wrapped.
	if resp.Body == nil || resp.Body == http.NoBody || resp.StatusCode == http.StatusSwitchingProtocols {
		call.Duration = t.now().Sub(start)
		t.record(ctx, call)
		return resp, nil
	}
	resp.Body = &recordingBody{
		rc:     resp.Body,
		t:      t,
		ctx:    ctx,
		call:   call,
		start:  start,
		header: resp.Header,
		length: resp.ContentLength,
		buf:    make([]byte, 0, min(t.limit, 4<<10)),
	}
	return resp, nil
}

// captureRequest returns the request to send and a copy of the first limit bytes of its body.
// It reads from GetBody when the request has one, else from the body itself, which it then puts
// back in front of the rest on a clone (a RoundTripper must not modify its request).
func (t *Transport) captureRequest(req *http.Request) (*http.Request, []byte, bool) {
	if req.Body == nil || req.Body == http.NoBody || t.limit == 0 {
		return req, nil, false
	}
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return req, nil, false
		}
		defer body.Close()
		prefix, _ := io.ReadAll(io.LimitReader(body, int64(t.limit)+1))
		if len(prefix) > t.limit {
			return req, prefix[:t.limit], true
		}
		return req, prefix, false
	}
	prefix, err := io.ReadAll(io.LimitReader(req.Body, int64(t.limit)+1))
	var rest io.Reader = req.Body
	if err != nil {
		// Hand the same failure to the real transport, after what was read.
		rest = errReader{err}
	}
	out := req.Clone(req.Context())
	out.Body = readCloser{Reader: io.MultiReader(bytes.NewReader(prefix), rest), Closer: req.Body}
	if len(prefix) > t.limit {
		return out, prefix[:t.limit], true
	}
	return out, prefix, false
}

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// redactError renders a transport error without the raw URL (url.Error quotes it) or secrets.
func (t *Transport) redactError(req *http.Request, err error) string {
	s := err.Error()
	if req.URL != nil {
		s = strings.ReplaceAll(s, req.URL.String(), t.redact.redactURL(req.URL))
	}
	return t.redact.scrub(s)
}

func (t *Transport) record(ctx context.Context, call *store.APICall) {
	// The caller's context is often cancelled by the time a body is closed; the row must still
	// be written, within its own deadline.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.recordTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			t.logger.ErrorContext(ctx, "audit: recorder panicked", "system", call.System, "method", call.Method, "panic", fmt.Sprint(p))
		}
	}()
	if err := t.rec.InsertAPICall(ctx, call); err != nil {
		t.logger.WarnContext(ctx, "audit: cannot record api call",
			"system", call.System, "method", call.Method, "status", call.StatusCode, "err", err)
	}
}

// recordingBody passes a response body through, keeps its first bytes and records the call
// exactly once, at EOF, on a read error or on Close, whichever comes first.
type recordingBody struct {
	rc     io.ReadCloser
	t      *Transport
	ctx    context.Context
	call   *store.APICall
	start  time.Time
	header http.Header
	length int64 // Content-Length, -1 when unknown

	mu      sync.Mutex
	buf     []byte
	n       int64
	readErr error
	done    bool
	once    sync.Once
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	if !b.done {
		b.n += int64(n)
		if room := b.t.limit - len(b.buf); room > 0 && n > 0 {
			b.buf = append(b.buf, p[:min(room, n)]...)
		}
		if err != nil && !errors.Is(err, io.EOF) && b.readErr == nil {
			b.readErr = err
		}
	}
	b.mu.Unlock()
	if err != nil {
		b.finish()
	}
	return n, err
}

func (b *recordingBody) Close() error {
	if b.call.StatusCode >= 400 {
		b.drain()
	}
	err := b.rc.Close()
	b.finish()
	return err
}

// maxErrorDrain bounds what Close reads of an error answer the caller stopped reading.
const maxErrorDrain = 256 << 10

// drain reads the rest of an error answer the caller closed early (a client reads the first KB
// of an error page for its message), up to maxErrorDrain, so that the call log counts the
// answer's bytes and keeps its start like any other body's. Error answers are small and sent
// whole; a successful body is never drained (a caller abandons a feed on purpose).
func (b *recordingBody) drain() {
	buf := make([]byte, 4<<10)
	for drained := 0; drained < maxErrorDrain; {
		b.mu.Lock()
		done := b.done
		b.mu.Unlock()
		if done {
			return
		}
		n, err := b.Read(buf) // counts and keeps like the caller's reads; records at EOF
		drained += n
		if err != nil {
			return
		}
	}
}

func (b *recordingBody) finish() {
	b.once.Do(func() {
		b.mu.Lock()
		b.done = true
		buf, n, readErr := b.buf, b.n, b.readErr
		b.mu.Unlock()

		call := b.call
		call.Duration = b.t.now().Sub(b.start)
		call.ResponseBytes = n
		truncated := n > int64(len(buf)) || (b.length >= 0 && n < b.length)
		call.ResponseBody, call.ResponseTruncated = b.t.redact.body(buf, b.t.limit, truncated, n, b.header, false)
		if readErr != nil {
			call.Error = "read response body: " + b.t.redact.scrub(readErr.Error())
		}
		b.t.record(b.ctx, call)
	})
}

var idLike = regexp.MustCompile(`^([0-9]+|[0-9a-fA-F-]{32,36}|gid:.*)$`)

// MethodFromPath derives a logical method name from a URL path: the last segment that is not an
// id or a file extension, lower-cased ("/v1/GetCatalog" -> "getcatalog",
// "/wp-json/wc/v3/products/123" -> "products", "/admin/api/2024-07/graphql.json" -> "graphql").
func MethodFromPath(p string) string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		if dot := strings.LastIndexByte(s, '.'); dot > 0 {
			s = s[:dot]
		}
		if s == "" || idLike.MatchString(s) {
			continue
		}
		return strings.ToLower(s)
	}
	return "/"
}
