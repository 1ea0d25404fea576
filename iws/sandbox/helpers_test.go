package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

const (
	testAPIKey    = "00000000-0000-0000-0000-000000000001"
	testAccessKey = "11111111-2222-3333-4444-555555555555"
)

// fakeClock is a settable clock shared by the sandbox and the test client.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a sandbox behind a real HTTP server, with a client signing requests on the same clock.
type env struct {
	t     *testing.T
	sb    *sandbox.Sandbox
	srv   *httptest.Server
	clock *fakeClock
}

// newEnv starts a sandbox; cfg's keys, clock and size default to the test ones.
func newEnv(t *testing.T, cfg sandbox.Config) *env {
	t.Helper()
	clock := newClock()
	if cfg.APIKey == "" {
		cfg.APIKey, cfg.AccessKey = testAPIKey, testAccessKey
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Now
	}
	if cfg.SKUs == 0 {
		cfg.SKUs = 300
	}
	if cfg.Seed == 0 {
		cfg.Seed = 7
	}
	cfg.Control = true
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() {
		srv.Close()
		if err := sb.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &env{t: t, sb: sb, srv: srv, clock: clock}
}

// response is an answer read whole.
type response struct {
	req    *http.Request
	status int
	header http.Header
	body   []byte
}

func (r *response) String() string {
	b := r.body
	if len(b) > 600 {
		b = b[:600]
	}
	return r.req.Method + " " + r.req.URL.RequestURI() + " → " + http.StatusText(r.status) + " " + string(b)
}

// errorCode returns the body's ErrorCode, or 0.
func (r *response) errorCode() int {
	var e struct {
		ErrorCode int `json:"ErrorCode"`
	}
	_ = json.Unmarshal(r.body, &e)
	return e.ErrorCode
}

func (r *response) message() string {
	var e struct {
		Message string `json:"Message"`
	}
	_ = json.Unmarshal(r.body, &e)
	return e.Message
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r, err)
	}
}

// want fails the test unless the answer has the status and, for errors, the IWS ErrorCode.
func (r *response) want(t *testing.T, status, code int) *response {
	t.Helper()
	if r.status != status || (code != 0 && r.errorCode() != code) {
		t.Fatalf("want %d/%d, got %s", status, code, r)
	}
	return r
}

type reqOption func(*http.Request)

func withHeader(k, v string) reqOption { return func(r *http.Request) { r.Header.Set(k, v) } }

// unsigned drops the Authorization header the client adds by default.
func unsigned() reqOption { return func(r *http.Request) { r.Header.Del("Authorization") } }

func (e *env) do(method, path string, body any, opts ...reqOption) *response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+iws.Token(testAPIKey, testAccessKey, e.clock.Now()))
	for _, o := range opts {
		o(req)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: reading: %v", method, path, err)
	}
	return &response{req: req, status: resp.StatusCode, header: resp.Header, body: b}
}

func (e *env) get(path string, opts ...reqOption) *response {
	return e.do(http.MethodGet, path, nil, opts...)
}

func (e *env) post(path string, body any, opts ...reqOption) *response {
	return e.do(http.MethodPost, path, body, opts...)
}

// physicalInStock returns SKUs of physical products with real stock of at least n, with a price.
func (e *env) physicalInStock(n int) []string {
	e.t.Helper()
	var out []string
	for _, sku := range e.sb.SKUs() {
		p, err := e.sb.Product(sku)
		if err != nil {
			e.t.Fatal(err)
		}
		if p.Type != iws.TypePhysical || p.Price == nil || p.Price.UnitPrice.IsZero() || !*p.RealStockValue {
			continue
		}
		if p.InStock != nil && int(*p.InStock) >= n {
			out = append(out, sku)
		}
	}
	if len(out) == 0 {
		e.t.Fatalf("no physical product with %d in stock", n)
	}
	return out
}

// placeOrder places one order of qty units of sku with a customer order number and returns it.
func (e *env) placeOrder(customerNumber, sku string, qty int) iws.SalesOrder {
	e.t.Helper()
	r := e.post("/v1/placeorder?customerOrderNumber="+customerNumber, []map[string]any{{"Sku": sku, "Quantity": qty}})
	r.want(e.t, http.StatusOK, 0)
	var so iws.SalesOrder
	r.decode(e.t, &so)
	return so
}
