package iws

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The synthetic keys of NOTES §2.5, row 3.
const (
	testAPIKey    = "00000000-0000-0000-0000-000000000001"
	testAccessKey = "11111111-2222-3333-4444-555555555555"
)

// fakeSleeper records the waits instead of sleeping; it still honours a cancelled context.
type fakeSleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *fakeSleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *fakeSleeper) recorded() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// tickingClock returns a clock that advances one second per reading, so that every signed attempt has
// its own timestamp.
func tickingClock(start time.Time) func() time.Time {
	var n atomic.Int64
	return func() time.Time { return start.Add(time.Duration(n.Add(1)) * time.Second) }
}

// newTestClient starts h behind an httptest server and returns a client for it with a fake sleeper.
func newTestClient(t *testing.T, h http.Handler, opts ...func(*Config)) (*Client, *fakeSleeper) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	sl := &fakeSleeper{}
	cfg := Config{
		BaseURL:    srv.URL + "/v1/",
		APIKey:     testAPIKey,
		AccessKey:  testAccessKey,
		HTTPClient: srv.Client(),
		Sleep:      sl.sleep,
		Now:        tickingClock(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)),
	}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, sl
}

// verifyAuth checks the Authorization header the way IWS does and returns the signed timestamp.
func verifyAuth(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return "", false
	}
	parts := strings.Split(tok, "&")
	if len(parts) != 3 {
		return "", false
	}
	key, _ := strings.CutPrefix(parts[0], "apiKey=")
	ts, _ := strings.CutPrefix(parts[1], "utcTimeStamp=")
	sig, _ := strings.CutPrefix(parts[2], "signature=")
	if key != testAPIKey || sig != Signature(testAPIKey, testAccessKey, ts) {
		return "", false
	}
	return ts, true
}

// writeJSON answers with status and a raw JSON body.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// specExample reads one of the spec's example bodies from testdata/spec.
func specExample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "spec", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// counter counts requests per path.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[path]++
	return c.n[path]
}

func (c *counter) get(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[path]
}
