package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gin-gonic/gin"
)

func init() { gin.SetMode(gin.ReleaseMode) } // as main does; keeps gin's debug banner out of test output

func TestOpsEndpoints(t *testing.T) {
	var readyErr error
	var mu sync.Mutex
	router := newRouter(routerDeps{Ready: func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		return readyErr
	}})
	router.GET("/boom", func(*gin.Context) { panic("boom") })
	router.GET("/items/:id", func(c *gin.Context) { c.String(http.StatusOK, "item") })

	do := func(method, path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		router.ServeHTTP(w, httptest.NewRequest(method, path, nil))
		return w
	}
	tests := []struct {
		name       string
		readyErr   error
		method     string
		path       string
		wantStatus int
		wantBody   string
	}{
		{"healthz", nil, "GET", "/healthz", 200, `{"status":"ok"}`},
		{"healthz head", nil, "HEAD", "/healthz", 200, ""},
		{"healthz while not ready", errors.New("db down"), "GET", "/healthz", 200, `{"status":"ok"}`},
		{"ready", nil, "GET", "/readyz", 200, `{"status":"ready"}`},
		{"not ready", errors.New("store: not ready: 2 migration(s) pending"), "GET", "/readyz", 503,
			`{"reason":"store: not ready: 2 migration(s) pending","status":"not ready"}`},
		{"panic recovered", nil, "GET", "/boom", 500, `{"error":"internal error"}`},
		{"unknown path", nil, "GET", "/nope", 404, ""},
		{"wrong method", nil, "POST", "/healthz", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			readyErr = tt.readyErr
			mu.Unlock()
			w := do(tt.method, tt.path)
			if w.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if tt.wantBody != "" && strings.TrimSpace(w.Body.String()) != tt.wantBody {
				t.Errorf("body = %s, want %s", w.Body, tt.wantBody)
			}
		})
	}

	do("GET", "/items/1")
	do("GET", "/items/2")
	w := do("GET", "/metrics")
	if w.Code != 200 {
		t.Fatalf("/metrics = %d", w.Code)
	}
	metrics := w.Body.String()
	for _, want := range []string{
		`connector_http_requests_total{method="GET",route="/items/:id",status="200"} 2`,
		`connector_http_requests_total{method="GET",route="/readyz",status="503"} 1`,
		`connector_http_requests_total{method="GET",route="/boom",status="500"} 1`,
		`connector_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`connector_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="200",le="+Inf"}`,
		"go_goroutines", "process_",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestReadyzTimesOut(t *testing.T) {
	router := newRouter(routerDeps{Ready: func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}})
	w := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/readyz", nil)
	ctx, cancel := context.WithTimeout(req.Context(), 50*time.Millisecond)
	defer cancel()
	router.ServeHTTP(w, req.WithContext(ctx))
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if w.Code != 503 || body["reason"] == "" {
		t.Fatalf("status %d body %v", w.Code, body)
	}
}

func TestRequestLogging(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	router := newRouter(routerDeps{Logger: logger})
	router.GET("/orders/:id", func(c *gin.Context) { c.String(200, "x") })
	for _, p := range []string{"/orders/7?token=secret-in-query", "/healthz"} {
		router.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	out := buf.String()
	if !strings.Contains(out, `"route":"/orders/:id"`) || !strings.Contains(out, `"status":200`) {
		t.Errorf("log lacks route/status: %s", out)
	}
	if strings.Contains(out, "secret-in-query") {
		t.Errorf("log contains the query string: %s", out)
	}
	if strings.Contains(out, "/healthz") {
		t.Errorf("probe logged at info level: %s", out)
	}
}

// SIGTERM while a request is in flight: serveHTTP stops accepting, lets the request finish, and
// only then returns. In a synctest bubble over an in-memory network, so "has not returned yet"
// is checked once every goroutine is blocked: serveHTTP had every chance to return.
func TestServeHTTPGracefulShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srvConn, cliConn := net.Pipe()
		ln := newPipeListener(srvConn)
		started := make(chan struct{})
		release := make(chan struct{})
		releaseOnce := sync.OnceFunc(func() { close(release) })
		defer releaseOnce() // a failed check must not leave the handler blocked in the bubble
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(started)
			<-release
			io.WriteString(w, "finished")
		})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- serveHTTP(ctx, ln, h, slog.New(slog.DiscardHandler), 5*time.Second) }()

		client := &http.Client{Transport: &http.Transport{
			DialContext: func(context.Context, string, string) (net.Conn, error) { return cliConn, nil },
		}}
		defer client.CloseIdleConnections()
		type result struct {
			body string
			err  error
		}
		res := make(chan result, 1)
		go func() {
			resp, err := client.Get("http://connector/slow")
			if err != nil {
				res <- result{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			res <- result{string(b), err}
		}()
		<-started
		cancel() // SIGTERM arrives while a request is in flight
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("server stopped before the request finished: %v", err)
		default:
		}
		if !ln.isClosed() {
			t.Fatal("server still accepting while shutting down")
		}
		releaseOnce()
		if r := <-res; r.err != nil || r.body != "finished" {
			t.Fatalf("in-flight request: %q, %v", r.body, r.err)
		}
		if err := <-done; err != nil {
			t.Fatalf("serveHTTP = %v", err)
		}
	})
}

// pipeListener is a net.Listener over in-memory connections (net.Pipe), for synctest bubbles.
type pipeListener struct {
	conns     chan net.Conn
	closeOnce sync.Once
	closed    chan struct{}
}

func newPipeListener(conns ...net.Conn) *pipeListener {
	l := &pipeListener{conns: make(chan net.Conn, len(conns)), closed: make(chan struct{})}
	for _, c := range conns {
		l.conns <- c
	}
	return l
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) isClosed() bool {
	select {
	case <-l.closed:
		return true
	default:
		return false
	}
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// A client names its own address only through a configured proxy: the login throttle per address
// cannot be slipped with a made-up X-Forwarded-For.
func TestRouterTrustsOnlyConfiguredProxies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		proxies []string
		want    string
	}{
		{nil, "192.0.2.10"},
		{[]string{"192.0.2.0/24"}, "203.0.113.7"},
		{[]string{"10.0.0.1"}, "192.0.2.10"},
	} {
		router := newRouter(routerDeps{TrustedProxies: tc.proxies})
		router.GET("/ip", func(c *gin.Context) { c.String(http.StatusOK, c.ClientIP()) })
		req := httptest.NewRequest(http.MethodGet, "/ip", nil)
		req.RemoteAddr = "192.0.2.10:5555"
		req.Header.Set("X-Forwarded-For", "203.0.113.7")
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, req)
		if got := rec.Body.String(); got != tc.want {
			t.Errorf("proxies %v: client %q, want %q", tc.proxies, got, tc.want)
		}
	}
}
