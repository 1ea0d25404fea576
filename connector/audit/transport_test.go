package audit_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/internal/correlation"
)

func client(rec audit.Recorder, opts audit.Options) *http.Client {
	return &http.Client{Transport: audit.NewTransport(nil, rec, audit.SystemIWS, opts)}
}

func get(t *testing.T, ctx context.Context, c *http.Client, url string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRecordsCallInStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"echo":`+string(body)+`,"ñ":"✓"}`)
		}))
		defer srv.Close()

		ctx := correlation.WithMethod(context.Background(), "placeorder")
		ctx = correlation.WithJobID(ctx, "job-7")
		ctx = correlation.WithOrderID(ctx, "WC-1001")
		ctx = correlation.WithSyncRunID(ctx, "run-3")
		ctx = correlation.WithAccountID(ctx, 4)
		ctx = correlation.WithShopID(ctx, 9)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/placeorder?apiKey=pub", strings.NewReader(`{"sku":"ABC"}`))
		req.Header.Set("Content-Type", "application/json")
		sent := time.Now().UTC()
		resp, err := client(st, audit.Options{}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered := time.Now().UTC()

		calls, err := st.ListAPICalls(ctx, store.APICallFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != 1 {
			t.Fatalf("%d rows, want 1", len(calls))
		}
		c := calls[0]
		if c.System != "iws" || c.Method != "placeorder" || c.HTTPMethod != "POST" || c.StatusCode != 201 ||
			c.URL != srv.URL+"/v1/placeorder?apiKey=pub" || c.JobID != "job-7" || c.OrderID != "WC-1001" ||
			c.SyncRunID != "run-3" || c.AccountID != 4 || c.ShopID != 9 || c.Error != "" {
			t.Errorf("row = %+v", c)
		}
		if c.RequestBody != `{"sku":"ABC"}` || c.ResponseBody != `{"echo":{"sku":"ABC"},"ñ":"✓"}` || c.RequestTruncated || c.ResponseTruncated {
			t.Errorf("bodies = %q / %q (%v %v)", c.RequestBody, c.ResponseBody, c.RequestTruncated, c.ResponseTruncated)
		}
		if c.ResponseBytes != int64(len(`{"echo":{"sku":"ABC"},"ñ":"✓"}`)) {
			t.Errorf("response bytes = %d", c.ResponseBytes)
		}
		if !strings.Contains(c.ResponseHeaders, "Content-Type: application/json") || !strings.Contains(c.RequestHeaders, "Content-Type: application/json") {
			t.Errorf("headers = %q / %q", c.RequestHeaders, c.ResponseHeaders)
		}
		if c.CreatedAt.Before(sent.Truncate(time.Microsecond)) || c.CreatedAt.After(answered) {
			t.Errorf("created_at = %v, want between the request's start %v and its answer %v", c.CreatedAt, sent, answered)
		}
	})
}

func TestMethodFromPathWhenNoContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	rec := &audittest.Recorder{}
	get(t, context.Background(), client(rec, audit.Options{}), srv.URL+"/v1/GetCatalog?locale=en")
	if calls := rec.Calls(); len(calls) != 1 || calls[0].Method != "getcatalog" || calls[0].HTTPMethod != "GET" {
		t.Fatalf("calls = %+v", calls)
	}
}

func TestTruncation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		big := strings.Repeat("0123456789", 10_000) // 100 kB
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			io.WriteString(w, big)
		}))
		defer srv.Close()
		c := client(st, audit.Options{BodyLimit: 1024})
		resp, err := c.Post(srv.URL+"/x", "text/plain", bytes.NewReader([]byte(big)))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != big {
			t.Fatal("caller did not get the whole body")
		}
		calls, err := st.ListAPICalls(context.Background(), store.APICallFilter{})
		if err != nil || len(calls) != 1 {
			t.Fatalf("calls = %d, %v", len(calls), err)
		}
		call := calls[0]
		if len(call.ResponseBody) != 1024 || !call.ResponseTruncated || call.ResponseBytes != int64(len(big)) {
			t.Errorf("response: %d bytes stored, truncated=%v, total=%d", len(call.ResponseBody), call.ResponseTruncated, call.ResponseBytes)
		}
		if len(call.RequestBody) != 1024 || !call.RequestTruncated {
			t.Errorf("request: %d bytes stored, truncated=%v", len(call.RequestBody), call.RequestTruncated)
		}
	})
}

// The transport hands the body over while the server is still sending, and records only once the
// caller is done with it.
func TestStreamingBodyRecordedOnceAtEnd(t *testing.T) {
	tests := []struct {
		name   string
		finish func(t *testing.T, body io.ReadCloser)
	}{
		{"read to EOF then close", func(t *testing.T, body io.ReadCloser) {
			io.Copy(io.Discard, body)
			body.Close()
		}},
		{"close early", func(t *testing.T, body io.ReadCloser) {
			body.Close()
		}},
		{"read after close and close twice", func(t *testing.T, body io.ReadCloser) {
			body.Close()
			body.Read(make([]byte, 10))
			body.Close()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			const chunk = 32 << 10
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `[`+strings.Repeat(`{"sku":"A"},`, chunk/12))
				w.(http.Flusher).Flush()
				select {
				case <-release:
				case <-r.Context().Done():
					return
				}
				for range 50 { // 50 more chunks: a feed far larger than the cap
					io.WriteString(w, strings.Repeat(`{"sku":"B"},`, chunk/12))
				}
				io.WriteString(w, `{}]`)
			}))
			defer srv.Close()
			defer func() {
				select {
				case <-release:
				default:
					close(release)
				}
			}()

			rec := &audittest.Recorder{}
			resp, err := client(rec, audit.Options{BodyLimit: 4096}).Get(srv.URL + "/v1/getcatalog")
			if err != nil {
				t.Fatal(err)
			}
			// The server is blocked half way: RoundTrip returned without reading the body.
			first := make([]byte, 1000)
			if _, err := io.ReadFull(resp.Body, first); err != nil {
				t.Fatal(err)
			}
			if n := len(rec.Calls()); n != 0 {
				t.Fatalf("%d rows recorded before the body was consumed", n)
			}
			if tt.name == "read to EOF then close" {
				close(release)
			}
			tt.finish(t, resp.Body)
			calls := rec.Calls()
			if len(calls) != 1 {
				t.Fatalf("%d rows, want exactly 1", len(calls))
			}
			c := calls[0]
			if len(c.ResponseBody) > 4096 || !strings.HasPrefix(c.ResponseBody, `[{"sku":"A"}`) {
				t.Errorf("stored body %d bytes: %.40q", len(c.ResponseBody), c.ResponseBody)
			}
			if tt.name == "read to EOF then close" && (!c.ResponseTruncated || c.ResponseBytes < 50*chunk) {
				t.Errorf("truncated=%v bytes=%d", c.ResponseTruncated, c.ResponseBytes)
			}
		})
	}
}

func TestRequestBodyWithoutGetBody(t *testing.T) {
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
	}))
	defer srv.Close()
	payload := strings.Repeat("x", 5000) + "END"
	rec := &audittest.Recorder{}
	// A bare io.Reader: net/http sets no GetBody, so the transport must read and put it back.
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/upload", io.MultiReader(strings.NewReader(payload)))
	resp, err := client(rec, audit.Options{BodyLimit: 100}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if string(got) != payload {
		t.Fatalf("server got %d bytes, want %d", len(got), len(payload))
	}
	if c := rec.Calls()[0]; len(c.RequestBody) != 100 || !c.RequestTruncated {
		t.Errorf("request body %d bytes, truncated=%v", len(c.RequestBody), c.RequestTruncated)
	}
}

func TestNetworkErrorRecorded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	srv.Close()
	rec := &audittest.Recorder{}
	_, err := client(rec, audit.Options{}).Get(url + "/v1/getcatalog?signature=sig-secret-1")
	if err == nil {
		t.Fatal("request to a closed server succeeded")
	}
	calls := rec.Calls()
	if len(calls) != 1 {
		t.Fatalf("%d rows", len(calls))
	}
	c := calls[0]
	if c.StatusCode != 0 || c.Error == "" || !strings.Contains(c.Error, "refused") {
		t.Errorf("row = %+v", c)
	}
	audittest.AssertNoSecrets(t, calls, "sig-secret-1")
}

func TestBodyReadErrorRecorded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		io.WriteString(w, "short")
		// The handler returns early: the client sees an unexpected EOF.
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	defer srv.Close()
	rec := &audittest.Recorder{}
	resp, err := client(rec, audit.Options{}).Get(srv.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Fatal("want a read error")
	}
	c := rec.Calls()[0]
	if !strings.HasPrefix(c.Error, "read response body:") || !c.ResponseTruncated {
		t.Errorf("row = %+v", c)
	}
}

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type panicRecorder struct{}

func (panicRecorder) InsertAPICall(context.Context, *store.APICall) error { panic("boom") }

func TestRecorderFailureNeverFailsTheCall(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer srv.Close()
	for name, rec := range map[string]audit.Recorder{
		"error": &audittest.Recorder{Err: errors.New("disk full")},
		"panic": panicRecorder{},
	} {
		t.Run(name, func(t *testing.T) {
			var logs logBuffer
			c := client(rec, audit.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if got := get(t, context.Background(), c, srv.URL+"/x"); string(got) != "ok" {
				t.Fatalf("body = %q", got)
			}
			if !strings.Contains(logs.String(), "audit:") {
				t.Errorf("failure not logged: %q", logs.String())
			}
		})
	}
}

func TestCancelledContextStillRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/x", nil)
		resp, err := client(st, audit.Options{}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		cancel() // typical: defer cancel() runs before defer resp.Body.Close()
		resp.Body.Close()
		calls, err := st.ListAPICalls(context.Background(), store.APICallFilter{})
		if err != nil || len(calls) != 1 {
			t.Fatalf("calls = %d, %v", len(calls), err)
		}
	})
}

// An error answer counts all its bytes in the call log, however little of it the caller read (a
// client reads the first KB of an error page for its message, or nothing at all); a successful
// body a caller abandons counts what was read.
func TestErrorAnswerBytesCounted(t *testing.T) {
	t.Parallel()
	page := strings.Repeat("<p>Bad gateway</p>", 1000) // 18,000 bytes, sent chunked
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status := http.StatusBadGateway
		if r.URL.Path == "/ok" {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		for i := 0; i < len(page); i += 1000 {
			io.WriteString(w, page[i:i+1000])
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name, path string
		read       int
		want       int64
	}{
		{"error, first 4 KB read", "/error", 4 << 10, int64(len(page))},
		{"error, nothing read", "/error", 0, int64(len(page))},
		{"success abandoned", "/ok", 4 << 10, 4 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &audittest.Recorder{}
			resp, err := client(rec, audit.Options{BodyLimit: 1024}).Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(resp.Body, make([]byte, tc.read)); err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			calls := rec.Calls()
			if len(calls) != 1 {
				t.Fatalf("%d rows", len(calls))
			}
			c := calls[0]
			if c.ResponseBytes != tc.want || !c.ResponseTruncated || !strings.HasPrefix(c.ResponseBody, "<p>Bad gateway</p>") {
				t.Errorf("bytes %d (want %d), truncated %v, body %.40q", c.ResponseBytes, tc.want, c.ResponseTruncated, c.ResponseBody)
			}
		})
	}
}
