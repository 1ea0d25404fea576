package iws

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const okOrder = `{"OrderNumber":"2020997","CustomerOrderNumber":"WC-1","Status":{"StatusCode":"1","Description":"Open"}}`

// script answers the n-th request (1-based) with steps[n-1], repeating the last step.
type step func(w http.ResponseWriter, r *http.Request)

func script(calls *counter, steps ...step) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.add("all")
		steps[min(n, len(steps))-1](w, r)
	})
}

func answer(status int, body string) step {
	return func(w http.ResponseWriter, r *http.Request) { writeJSON(w, status, body) }
}

// hangUp drops the connection without an answer.
func hangUp(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func TestRetryPolicy(t *testing.T) {
	const gateway502 = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"
	placeOrder := func(c *Client) error {
		_, err := c.PlaceOrder(t.Context(), &PlaceOrderParams{CustomerOrderNumber: "WC-1", Items: []RequestOrderItem{{Sku: "A", Quantity: 1}}})
		return err
	}
	getOrder := func(c *Client) error {
		_, err := c.GetOrder(t.Context(), "WC-1")
		return err
	}
	priceList := func(c *Client) error {
		_, err := c.StreamPriceList(t.Context(), nil, func(*PriceListItem) error { return nil })
		return err
	}
	tests := []struct {
		name      string
		steps     []step
		call      func(*Client) error
		wantCalls int
		wantWaits []time.Duration // exact waits; nil: only the count via backoffs
		backoffs  int             // number of jittered waits expected when wantWaits is nil
		check     func(t *testing.T, err error)
	}{
		{
			name:      "503 then 200 on a read is retried",
			steps:     []step{answer(503, `Service Unavailable`), answer(200, okOrder)},
			call:      getOrder,
			wantCalls: 2, backoffs: 1,
			check: noError,
		},
		{
			name:      "dropped connection on a read is retried",
			steps:     []step{hangUp, answer(200, okOrder)},
			call:      getOrder,
			wantCalls: 2, backoffs: 1,
			check: noError,
		},
		{
			name:      "500 with ErrorCode 900 on a lookup is not retried",
			steps:     []step{answer(500, string(specExample(t, "getcatalog_500__example")))},
			call:      getOrder,
			wantCalls: 1,
			check: func(t *testing.T, err error) {
				if !IsGeneralError(err) || IsAmbiguous(err) {
					t.Errorf("err = %v", err)
				}
				e, _ := AsError(err)
				if e == nil || !strings.Contains(e.Warning, "NOT to attempt") || !strings.HasPrefix(e.SupportWebsite, "https://") {
					t.Errorf("900 fields = %+v", e)
				}
			},
		},
		{
			name:      "900 on a feed is retried like any 5xx",
			steps:     []step{answer(500, string(specExample(t, "getcatalog_500__example")))},
			call:      priceList,
			wantCalls: 4, backoffs: 3,
			check: func(t *testing.T, err error) {
				if !IsGeneralError(err) || IsAmbiguous(err) {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name:      "900 then 200 on a feed",
			steps:     []step{answer(500, string(specExample(t, "getcatalog_500__example"))), answer(200, `[{"Sku":"A"}]`)},
			call:      priceList,
			wantCalls: 2, backoffs: 1,
			check: noError,
		},
		{
			name:      "PlaceOrder 500/900 is not retried and is ambiguous",
			steps:     []step{answer(500, string(specExample(t, "getcatalog_500__example")))},
			call:      placeOrder,
			wantCalls: 1, wantWaits: []time.Duration{},
			check: func(t *testing.T, err error) {
				if !IsGeneralError(err) || !IsAmbiguous(err) {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name: "429 with Retry-After waits that long",
			steps: []step{func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "3")
				writeJSON(w, 429, `Too Many Requests`)
			}, answer(200, okOrder)},
			call:      getOrder,
			wantCalls: 2, wantWaits: []time.Duration{3 * time.Second},
			check: noError,
		},
		{
			name: "400/100 waits the seconds the message names",
			steps: []step{answer(400, `{"Message":"Excessive request attempts detected. Please wait 3 seconds from the last successful attempt before making a new request.","ErrorCode":100,"Reference":"5f3f3d43"}`),
				answer(200, okOrder)},
			call:      getOrder,
			wantCalls: 2, wantWaits: []time.Duration{3 * time.Second},
			check: noError,
		},
		{
			name:      "throttle without a duration waits the default",
			steps:     []step{answer(400, `{"Message":"Excessive request attempts detected.","ErrorCode":"100"}`), answer(200, okOrder)},
			call:      getOrder,
			wantCalls: 2, wantWaits: []time.Duration{DefaultThrottleWait},
			check: noError,
		},
		{
			name:      "throttle on PlaceOrder is retried: IWS refused it",
			steps:     []step{answer(400, `{"Message":"Please wait 2 seconds.","ErrorCode":100}`), answer(200, okOrder)},
			call:      placeOrder,
			wantCalls: 2, wantWaits: []time.Duration{2 * time.Second},
			check: noError,
		},
		{
			name:      "throttle longer than MaxThrottleWait is returned at once",
			steps:     []step{answer(400, `{"Message":"Excessive request attempts detected. Please wait 600 seconds from the last successful attempt.","ErrorCode":100}`)},
			call:      getOrder,
			wantCalls: 1, wantWaits: []time.Duration{},
			check: func(t *testing.T, err error) {
				if !IsThrottled(err) || RetryAfter(err) != 600*time.Second {
					t.Errorf("err = %v, RetryAfter = %v", err, RetryAfter(err))
				}
			},
		},
		{
			name:      "PlaceOrder 502 is not retried and is ambiguous",
			steps:     []step{answer(502, gateway502)},
			call:      placeOrder,
			wantCalls: 1, wantWaits: []time.Duration{},
			check: func(t *testing.T, err error) {
				e, ok := AsError(err)
				if !IsAmbiguous(err) || !ok || e.HTTPStatus != 502 || !strings.Contains(e.Body, "502 Bad Gateway") {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name:      "PlaceOrder dropped connection is not retried and is ambiguous",
			steps:     []step{hangUp},
			call:      placeOrder,
			wantCalls: 1, wantWaits: []time.Duration{},
			check: func(t *testing.T, err error) {
				if !IsAmbiguous(err) {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name:      "PlaceOrder malformed 200 is not retried and is ambiguous",
			steps:     []step{answer(200, `{"OrderNumber":"2020`)},
			call:      placeOrder,
			wantCalls: 1, wantWaits: []time.Duration{},
			check: func(t *testing.T, err error) {
				if !IsAmbiguous(err) || !errors.Is(err, ErrMalformedResponse) {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name:      "PlaceOrder 500/660 is definite",
			steps:     []step{answer(500, `{"Message":"Insufficient available credit to place order.","ErrorCode":660,"Reference":"r"}`)},
			call:      placeOrder,
			wantCalls: 1, wantWaits: []time.Duration{},
			check: func(t *testing.T, err error) {
				if !IsNoCredit(err) || IsAmbiguous(err) {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name:      "PlaceOrder 400/90 is definite",
			steps:     []step{answer(400, `{"Message":"Customer order number WC-1 is already assigned to order 2020997","ErrorCode":90,"Reference":"r"}`)},
			call:      placeOrder,
			wantCalls: 1,
			check: func(t *testing.T, err error) {
				if !IsOrderNumberInUse(err) || IsAmbiguous(err) || ExistingOrderNumber(err) != "2020997" {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name:      "malformed JSON on a read is retried, then ErrMalformedResponse",
			steps:     []step{answer(200, `{"OrderNumber": 12,,}`)},
			call:      getOrder,
			wantCalls: 4, backoffs: 3,
			check: func(t *testing.T, err error) {
				if !errors.Is(err, ErrMalformedResponse) || IsAmbiguous(err) {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name:      "HTML with 200 on a read is malformed and retried",
			steps:     []step{answer(200, `<html>maintenance</html>`), answer(200, okOrder)},
			call:      getOrder,
			wantCalls: 2, backoffs: 1,
			check: noError,
		},
		{
			name:      "5xx exhausts MaxAttempts",
			steps:     []step{answer(503, `{"Message":"Service unavailable"}`)},
			call:      getOrder,
			wantCalls: 4, backoffs: 3,
			check: func(t *testing.T, err error) {
				if e, ok := AsError(err); !ok || e.HTTPStatus != 503 {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name:      "409/405 data access unavailable is retried on a read",
			steps:     []step{answer(409, `{"Message":"Data access currently unavailable","ErrorCode":405}`), answer(200, okOrder)},
			call:      getOrder,
			wantCalls: 2, backoffs: 1,
			check: noError,
		},
		{
			name:      "4xx is not retried",
			steps:     []step{answer(404, `{"Message":"Invalid sales order.","ErrorCode":30,"OrderNumber":"WC-1"}`)},
			call:      getOrder,
			wantCalls: 1,
			check: func(t *testing.T, err error) {
				if !IsNotFound(err) {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name: "expired timestamp is re-signed once",
			steps: []step{answer(401, string(specExample(t, "getcatalog_401__request_time_stamp_expired"))),
				answer(200, okOrder)},
			call:      placeOrder,
			wantCalls: 2, wantWaits: []time.Duration{},
			check: noError,
		},
		{
			name:      "expired timestamp twice fails",
			steps:     []step{answer(401, string(specExample(t, "getcatalog_401__request_time_stamp_expired")))},
			call:      getOrder,
			wantCalls: 2, wantWaits: []time.Duration{},
			check: func(t *testing.T, err error) {
				if !IsAuth(err) {
					t.Errorf("err = %v", err)
				}
				if e, _ := AsError(err); e == nil || e.TimeStamp != "2019-10-07T20:38:13.132Z" {
					t.Errorf("TimeStamp field = %+v", e)
				}
			},
		},
		{
			name:      "invalid signature is not retried",
			steps:     []step{answer(401, string(specExample(t, "getcatalog_401__invalid_signature")))},
			call:      getOrder,
			wantCalls: 1,
			check: func(t *testing.T, err error) {
				if !IsAuth(err) {
					t.Errorf("err = %v", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := &counter{}
			c, sl := newTestClient(t, script(calls, tt.steps...), func(cfg *Config) {
				cfg.Retry = RetryPolicy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, MaxThrottleWait: time.Minute}
			})
			err := tt.call(c)
			tt.check(t, err)
			if got := calls.get("all"); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			waits := sl.recorded()
			if tt.wantWaits != nil {
				if len(waits) != len(tt.wantWaits) {
					t.Fatalf("waits = %v, want %v", waits, tt.wantWaits)
				}
				for i := range waits {
					if waits[i] != tt.wantWaits[i] {
						t.Errorf("wait %d = %v, want %v", i, waits[i], tt.wantWaits[i])
					}
				}
				return
			}
			if len(waits) != tt.backoffs {
				t.Fatalf("waits = %v, want %d backoffs", waits, tt.backoffs)
			}
			for i, w := range waits {
				if ceiling := min(time.Second, 100*time.Millisecond<<i); w < 0 || w >= ceiling {
					t.Errorf("backoff %d = %v, outside [0, %v)", i, w, ceiling)
				}
			}
		})
	}
}

func noError(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("err = %v", err)
	}
}

// cancelDuringWait returns a Sleep that cancels ctx once the client waits and then waits for real
// (sleepContext), recording how each wait ended: a cancel that lands during the wait, whatever
// the machine's load.
func cancelDuringWait(cancel context.CancelFunc, ended *[]error) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		cancel()
		err := sleepContext(ctx, d)
		*ended = append(*ended, err)
		return err
	}
}

func TestRetryCancelledDuringBackoff(t *testing.T) {
	calls := &counter{}
	ctx, cancel := context.WithCancel(t.Context())
	var waits []error
	c, _ := newTestClient(t, script(calls, answer(503, `unavailable`)), func(cfg *Config) {
		cfg.Sleep = cancelDuringWait(cancel, &waits)
		cfg.Retry = RetryPolicy{MaxAttempts: 10, BaseDelay: time.Hour, MaxDelay: time.Hour}
	})
	_, err := c.GetOrder(ctx, "1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	// Our own cancellation is not an IWS failure: the 503 that started the backoff is not in it.
	if _, ok := AsError(err); ok || errors.Is(err, ErrMalformedResponse) || strings.Contains(err.Error(), "503") {
		t.Errorf("cancelled call reports an IWS error: %v", err)
	}
	if len(waits) != 1 || !errors.Is(waits[0], context.Canceled) || calls.get("all") != 1 {
		t.Errorf("waits %v, calls %d; want one backoff ended by the cancel, no retry", waits, calls.get("all"))
	}
}

func TestRetryCancelledDuringThrottleWait(t *testing.T) {
	calls := &counter{}
	ctx, cancel := context.WithCancel(t.Context())
	var waits []error
	c, _ := newTestClient(t, script(calls, answer(429, `{"Message":"Please wait 30 seconds.","ErrorCode":100}`)), func(cfg *Config) {
		cfg.Sleep = cancelDuringWait(cancel, &waits)
	})
	_, err := c.PlaceOrder(ctx, &PlaceOrderParams{CustomerOrderNumber: "X", Items: []RequestOrderItem{{Sku: "A", Quantity: 1}}})
	// Our own cancellation ends the wait, and the throttle being waited out is not reported as what
	// stopped the call (a deadline keeps it: TestRetryDeadlineDuringThrottleWait).
	if !errors.Is(err, context.Canceled) || IsThrottled(err) || len(waits) != 1 || !errors.Is(waits[0], context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if IsAmbiguous(err) {
		t.Error("a refused request reported ambiguous")
	}
	if calls.get("all") != 1 {
		t.Errorf("calls = %d", calls.get("all"))
	}
}

// expiringContext is a context whose deadline passes when the test says so: a deadline that lands
// during a wait, whatever the machine's load.
type expiringContext struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func (c *expiringContext) expire()               { c.once.Do(func() { close(c.done) }) }
func (c *expiringContext) Done() <-chan struct{} { return c.done }
func (c *expiringContext) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// A deadline (not our own cancellation) keeps the failure that made the call take that long.
func TestRetryDeadlineDuringThrottleWait(t *testing.T) {
	calls := &counter{}
	ctx := &expiringContext{Context: t.Context(), done: make(chan struct{})}
	c, _ := newTestClient(t, script(calls, answer(429, `{"Message":"Please wait 30 seconds.","ErrorCode":100}`)), func(cfg *Config) {
		cfg.Sleep = func(wctx context.Context, d time.Duration) error {
			ctx.expire()
			return sleepContext(wctx, d)
		}
	})
	_, err := c.PlaceOrder(ctx, &PlaceOrderParams{CustomerOrderNumber: "X", Items: []RequestOrderItem{{Sku: "A", Quantity: 1}}})
	if !errors.Is(err, context.DeadlineExceeded) || !IsThrottled(err) {
		t.Fatalf("err = %v", err)
	}
	if IsAmbiguous(err) {
		t.Error("a refused request reported ambiguous")
	}
	if calls.get("all") != 1 {
		t.Errorf("calls = %d", calls.get("all"))
	}
}

func TestBackoffBounds(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 100, BaseDelay: time.Second, MaxDelay: 10 * time.Second}
	for attempt := 1; attempt < 80; attempt++ {
		ceiling := min(10*time.Second, time.Second<<min(attempt-1, 30))
		for range 20 {
			if d := p.backoff(attempt); d < 0 || d >= ceiling {
				t.Fatalf("backoff(%d) = %v, ceiling %v", attempt, d, ceiling)
			}
		}
	}
}

func TestErrorsCarryNoSecrets(t *testing.T) {
	var mu sync.Mutex
	var errs []error
	c, _ := newTestClient(t, script(&counter{}, hangUp))
	_, err := c.PlaceOrder(t.Context(), &PlaceOrderParams{CustomerOrderNumber: "X", Items: []RequestOrderItem{{Sku: "A", Quantity: 1}}})
	mu.Lock()
	errs = append(errs, err)
	mu.Unlock()
	c, _ = newTestClient(t, script(&counter{}, answer(401, string(specExample(t, "getcatalog_401__invalid_signature")))))
	errs = append(errs, c.Authenticate(t.Context()))
	c, _ = newTestClient(t, script(&counter{}, answer(401, string(specExample(t, "getcatalog_401__invalid_api_key")))))
	errs = append(errs, c.Authenticate(t.Context()))
	for _, err := range errs {
		if err == nil {
			t.Fatal("no error")
		}
		s := err.Error()
		for _, secret := range []string{testAccessKey, "signature=", "32f22095095553fd", "2240e45e-d523"} {
			if strings.Contains(s, secret) {
				t.Errorf("error %q contains %q", s, secret)
			}
		}
	}
}

// TestCancellationIsNotAnIWSError: a call whose context is cancelled, wherever it is (waiting for an
// answer, decoding a feed, sitting out a throttle or a backoff), returns context.Canceled, and neither an
// IWS error nor a malformed response.
func TestCancellationIsNotAnIWSError(t *testing.T) {
	// blockUntilGone answers nothing (or, with partial, the start of a feed) until the client hangs up.
	blockUntilGone := func(arrived chan<- struct{}, partial string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Read the body first: only then does net/http notice the client leave.
			_, _ = io.Copy(io.Discard, r.Body)
			if partial != "" {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(partial))
				w.(http.Flusher).Flush()
			}
			arrived <- struct{}{}
			<-r.Context().Done()
		})
	}
	wantCancelled := func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if _, ok := AsError(err); ok || errors.Is(err, ErrMalformedResponse) || IsThrottled(err) {
			t.Errorf("cancellation reported as an IWS failure: %v", err)
		}
	}

	t.Run("waiting for the answer", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		c, _ := newTestClient(t, blockUntilGone(arrived, ""))
		ctx, cancel := context.WithCancel(t.Context())
		go func() { <-arrived; cancel() }()
		_, err := c.GetOrder(ctx, "1")
		wantCancelled(t, err)
		if IsAmbiguous(err) {
			t.Errorf("a read reported ambiguous: %v", err)
		}
	})
	t.Run("PlaceOrder in flight is cancelled and ambiguous", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		c, _ := newTestClient(t, blockUntilGone(arrived, ""))
		ctx, cancel := context.WithCancel(t.Context())
		go func() { <-arrived; cancel() }()
		_, err := c.PlaceOrder(ctx, &PlaceOrderParams{CustomerOrderNumber: "X", Items: []RequestOrderItem{{Sku: "A", Quantity: 1}}})
		wantCancelled(t, err)
		if !IsAmbiguous(err) {
			t.Errorf("PlaceOrder cut short in flight is not ambiguous: %v", err)
		}
	})
	t.Run("decoding a feed", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		calls := &counter{}
		c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.add("all")
			blockUntilGone(arrived, `[{"Sku":"A"},{"Sku":"B"},`).ServeHTTP(w, r)
		}))
		ctx, cancel := context.WithCancel(t.Context())
		n := 0
		_, err := c.StreamCatalog(ctx, nil, func(*Product) error {
			if n++; n == 2 {
				cancel()
			}
			return nil
		})
		wantCancelled(t, err)
		if calls.get("all") != 1 {
			t.Errorf("%d requests: a cancelled stream was retried", calls.get("all"))
		}
	})
	t.Run("sitting out a throttle", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		c, _ := newTestClient(t, script(&counter{}, answer(429, `{"Message":"Please wait 30 seconds.","ErrorCode":100}`)), func(cfg *Config) {
			cfg.Sleep = func(ctx context.Context, d time.Duration) error {
				cancel() // Ctrl-C during the wait
				<-ctx.Done()
				return ctx.Err()
			}
		})
		_, err := c.PlaceOrder(ctx, &PlaceOrderParams{CustomerOrderNumber: "X", Items: []RequestOrderItem{{Sku: "A", Quantity: 1}}})
		wantCancelled(t, err)
		if IsAmbiguous(err) {
			t.Errorf("a refused PlaceOrder reported ambiguous: %v", err)
		}
	})
	t.Run("during a backoff", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		c, _ := newTestClient(t, script(&counter{}, answer(200, `[{"Sku":"A"},{"Sk`)), func(cfg *Config) {
			cfg.Sleep = func(ctx context.Context, d time.Duration) error {
				cancel()
				return ctx.Err()
			}
		})
		_, err := c.StreamPriceList(ctx, nil, func(*PriceListItem) error { return nil })
		wantCancelled(t, err)
	})
}
