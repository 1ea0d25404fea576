package iws_test

// Fault injection against the sandbox: every failure either comes back as a clear, classified error
// or is retried as the retry policy says, and no credential reaches the API call log.

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

// statuses lists the HTTP status of each attempt (0: no response).
func statuses(calls []exchange) []int {
	out := make([]int, len(calls))
	for i, ex := range calls {
		out[i] = ex.status
	}
	return out
}

// faults queues one-shot sandbox faults for one method.
func (r *rig) faults(method string, kinds ...sandbox.Fault) {
	r.t.Helper()
	if err := r.sb.SetFaults(sandbox.Faults{Next: map[string][]sandbox.Fault{method: kinds}}); err != nil {
		r.t.Fatal(err)
	}
}

func TestSandboxForgedSignature(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	c, wire, sl := r.client(func(cfg *iws.Config) { cfg.AccessKey = "not-the-" + itAccessKey })
	_, err := c.GetProduct(t.Context(), &iws.ProductParams{Sku: r.sb.SKUs()[0]})
	e := wantAPIError(t, err, iws.CodeInvalidSignature, http.StatusUnauthorized)
	if !iws.IsAuth(err) || iws.IsThrottled(err) || iws.IsAmbiguous(err) {
		t.Errorf("forged signature classified wrongly: %v", err)
	}
	if got := statuses(wire.Calls("")); !slices.Equal(got, []int{401}) || len(sl.Waits()) != 0 {
		t.Errorf("forged signature retried: attempts %v, waits %v", got, sl.Waits())
	}
	// IWS echoes the signature it received; the error string still shows neither key nor signature.
	if e.Signature == "" || strings.Contains(err.Error(), e.Signature) || strings.Contains(err.Error(), itAccessKey) {
		t.Errorf("error string %q (echoed signature %q)", err, e.Signature)
	}
}

func TestSandboxExpiredSignature(t *testing.T) {
	const skew = -10 * time.Minute // beyond the five minutes IWS honours a timestamp
	tests := []struct {
		name      string
		wrongFor  int64 // readings of the clock that are 10 minutes late; -1: all
		wantErr   bool
		wantCalls []int
	}{
		{"clock wrong once: re-signed and accepted", 1, false, []int{401, 200}},
		{"clock always wrong: re-signed once, then the 12 comes back", -1, true, []int{401, 401}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, sandbox.Config{})
			var readings atomic.Int64
			c, wire, sl := r.client(func(cfg *iws.Config) {
				cfg.Now = func() time.Time {
					n := readings.Add(1)
					if tt.wrongFor < 0 || n <= tt.wrongFor {
						return r.clock.Now().Add(skew)
					}
					return r.clock.Now()
				}
			})
			_, err := c.GetProduct(t.Context(), &iws.ProductParams{Sku: r.sb.SKUs()[0]})
			if tt.wantErr {
				e := wantAPIError(t, err, iws.CodeTimestampExpired, http.StatusUnauthorized)
				if !iws.IsAuth(err) || e.TimeStamp == "" {
					t.Errorf("expired: %+v", e)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := statuses(wire.Calls("")); !slices.Equal(got, tt.wantCalls) || len(sl.Waits()) != 0 {
				t.Errorf("attempts %v, want %v; waits %v", got, tt.wantCalls, sl.Waits())
			}
		})
	}

	t.Run("sandbox expired-token fault", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, _ := r.client()
		r.faults("getcurrency", sandbox.Fault{Kind: sandbox.FaultExpiredToken})
		if _, err := c.GetCurrency(t.Context(), "cl"); err != nil {
			t.Fatal(err)
		}
		if got := statuses(wire.Calls("")); !slices.Equal(got, []int{401, 200}) {
			t.Errorf("attempts %v", got)
		}
	})
}

func TestSandboxThrottle(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusTooManyRequests} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Run("waits the stated seconds", func(t *testing.T) {
				r := newRig(t, sandbox.Config{ThrottleInterval: 10 * time.Second, ThrottleStatus: status})
				c, wire, sl := r.client()
				for range 2 {
					if _, err := c.GetCurrency(t.Context(), "cl"); err != nil {
						t.Fatal(err)
					}
				}
				if got := statuses(wire.Calls("")); !slices.Equal(got, []int{200, status, 200}) {
					t.Errorf("attempts %v", got)
				}
				if w := sl.Waits(); len(w) != 1 || w[0] != 10*time.Second {
					t.Errorf("waits %v, want [10s]", w)
				}
			})
			t.Run("longer than MaxThrottleWait", func(t *testing.T) {
				r := newRig(t, sandbox.Config{ThrottleInterval: 10 * time.Second, ThrottleStatus: status})
				c, wire, sl := r.client(func(cfg *iws.Config) { cfg.Retry.MaxThrottleWait = 5 * time.Second })
				if _, err := c.GetCurrency(t.Context(), "cl"); err != nil {
					t.Fatal(err)
				}
				_, err := c.GetCurrency(t.Context(), "cl")
				e := wantAPIError(t, err, iws.CodeThrottled, status)
				if !iws.IsThrottled(err) || iws.RetryAfter(err) != 10*time.Second || e.RetryAfter != 10*time.Second {
					t.Errorf("throttled: IsThrottled %v, RetryAfter %v", iws.IsThrottled(err), iws.RetryAfter(err))
				}
				if got := statuses(wire.Calls("")); !slices.Equal(got, []int{200, status}) || len(sl.Waits()) != 0 {
					t.Errorf("attempts %v, waits %v", got, sl.Waits())
				}
			})
		})
	}
}

func TestSandboxServerErrors(t *testing.T) {
	t.Run("gateway 502 and 503 on a read are retried", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, sl := r.client()
		r.faults("getproduct", sandbox.Fault{Kind: sandbox.FaultGateway}, sandbox.Fault{Kind: sandbox.FaultGateway, Status: http.StatusServiceUnavailable})
		p, err := c.GetProduct(t.Context(), &iws.ProductParams{Sku: r.sb.SKUs()[0]})
		if err != nil || p.Sku != r.sb.SKUs()[0] {
			t.Fatalf("GetProduct after two gateway errors: %v", err)
		}
		if got := statuses(wire.Calls("")); !slices.Equal(got, []int{502, 503, 200}) {
			t.Errorf("attempts %v", got)
		}
		// Full-jitter backoff: attempt n waits less than BaseDelay·2ⁿ⁻¹.
		base := iws.DefaultRetryPolicy().BaseDelay
		if w := sl.Waits(); len(w) != 2 || w[0] >= base || w[1] >= 2*base {
			t.Errorf("backoff waits %v", w)
		}
	})
	t.Run("gateway errors that do not stop fail after MaxAttempts", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, _ := r.client(func(cfg *iws.Config) { cfg.Retry.MaxAttempts = 3 })
		gw := sandbox.Fault{Kind: sandbox.FaultGateway}
		r.faults("getorders", gw, gw, gw, gw)
		_, err := c.GetOrders(t.Context(), nil)
		e, ok := iws.AsError(err)
		if !ok || e.HTTPStatus != http.StatusBadGateway || e.ErrorCode != 0 || !strings.Contains(e.Body, "502 Bad Gateway") {
			t.Fatalf("after repeated 502s: %v", err)
		}
		if got := statuses(wire.Calls("")); !slices.Equal(got, []int{502, 502, 502}) {
			t.Errorf("attempts %v", got)
		}
	})
	t.Run("900 general error on a lookup is not retried", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, sl := r.client()
		r.faults("getproduct", sandbox.Fault{Kind: sandbox.FaultUnavailable})
		_, err := c.GetProduct(t.Context(), &iws.ProductParams{Sku: r.sb.SKUs()[0]})
		e := wantAPIError(t, err, iws.CodeGeneralError, http.StatusServiceUnavailable)
		if !iws.IsGeneralError(err) || e.Warning == "" {
			t.Errorf("900: %+v", e)
		}
		if got := statuses(wire.Calls("")); !slices.Equal(got, []int{503}) || len(sl.Waits()) != 0 {
			t.Errorf("attempts %v, waits %v", got, sl.Waits())
		}
	})
	t.Run("900 general error on a feed is retried", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, sl := r.client(func(cfg *iws.Config) { cfg.Retry.MaxAttempts = 2 })
		unavailable := sandbox.Fault{Kind: sandbox.FaultUnavailable}
		r.faults("getinventory", unavailable)
		if _, err := c.GetInventory(t.Context(), nil); err != nil {
			t.Fatalf("GetInventory after one 900: %v", err)
		}
		if got := statuses(wire.Calls("")); !slices.Equal(got, []int{503, 200}) || len(sl.Waits()) != 1 {
			t.Errorf("attempts %v, waits %v", got, sl.Waits())
		}
		r.faults("getinventory", unavailable, unavailable)
		_, err := c.GetInventory(t.Context(), nil)
		e := wantAPIError(t, err, iws.CodeGeneralError, http.StatusServiceUnavailable)
		if !iws.IsGeneralError(err) || e.Warning == "" {
			t.Errorf("900: %+v", e)
		}
	})
	t.Run("gateway error on PlaceOrder is ambiguous, not retried", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, _ := r.client()
		p := r.sellable()
		r.faults("placeorder", sandbox.Fault{Kind: sandbox.FaultGateway})
		_, err := c.PlaceOrder(t.Context(), &iws.PlaceOrderParams{CustomerOrderNumber: "IT-G1", Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 1}}})
		if !iws.IsAmbiguous(err) {
			t.Fatalf("502 on PlaceOrder: %v", err)
		}
		if got := statuses(wire.Calls("placeorder")); !slices.Equal(got, []int{502}) {
			t.Errorf("attempts %v", got)
		}
		// The lookup the order pipeline makes: this time IWS never saw the order.
		_, err = c.GetOrder(t.Context(), "IT-G1")
		if !iws.IsNotFound(err) {
			t.Errorf("GetOrder after a gateway error: %v", err)
		}
	})
}

func TestSandboxMalformedBody(t *testing.T) {
	malformed := sandbox.Fault{Kind: sandbox.FaultMalformed}
	t.Run("read retried once", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, sl := r.client()
		r.faults("getproduct", malformed)
		if _, err := c.GetProduct(t.Context(), &iws.ProductParams{Sku: r.sb.SKUs()[0]}); err != nil {
			t.Fatal(err)
		}
		if got := statuses(wire.Calls("")); !slices.Equal(got, []int{200, 200}) || len(sl.Waits()) != 1 {
			t.Errorf("attempts %v, waits %v", got, sl.Waits())
		}
	})
	t.Run("read keeps failing", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, sl := r.client()
		attempts := iws.DefaultRetryPolicy().MaxAttempts
		r.faults("getproduct", slices.Repeat([]sandbox.Fault{malformed}, attempts+1)...)
		_, err := c.GetProduct(t.Context(), &iws.ProductParams{Sku: r.sb.SKUs()[0]})
		if !errors.Is(err, iws.ErrMalformedResponse) || iws.IsAmbiguous(err) {
			t.Fatalf("error %v, want ErrMalformedResponse", err)
		}
		if n := len(wire.Calls("")); n != attempts || len(sl.Waits()) != attempts-1 {
			t.Errorf("%d attempts, waits %v; want %d attempts", n, sl.Waits(), attempts)
		}
	})
	t.Run("collected feed retried from a clean slate", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, _ := r.client()
		r.faults("getcatalog", malformed)
		ps, err := c.GetCatalog(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := skusOf(ps); len(got) != len(r.sb.SKUs()) || got[0] != r.sb.SKUs()[0] {
			t.Errorf("catalog after a broken first answer: %d products", len(got))
		}
		if n := len(wire.Calls("")); n != 2 {
			t.Errorf("%d attempts", n)
		}
	})
	t.Run("collected pages retried from the page that broke", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, _ := r.client(func(cfg *iws.Config) {
			cfg.HTTPClient = &http.Client{Transport: armOnPage{next: r.srv.Client().Transport, page: "2", armed: new(atomic.Bool), arm: func() {
				r.faults("getcatalog", malformed)
			}}}
		})
		ps, err := c.GetCatalog(t.Context(), &iws.CatalogParams{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(skusOf(ps), r.sb.SKUs()) {
			t.Errorf("%d products after page 2 broke once, want the %d of the catalog once each", len(ps), len(r.sb.SKUs()))
		}
		var pages []string
		for _, ex := range wire.Calls("") {
			pages = append(pages, ex.query.Get("page"))
		}
		if !slices.Equal(pages, []string{"1", "2", "2", "3"}) {
			t.Errorf("pages requested: %v", pages)
		}
	})
	t.Run("stream resumed after a garbled answer", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, _ := r.client()
		r.faults("getcatalog", malformed)
		var got []string
		_, err := c.StreamCatalog(t.Context(), nil, func(p *iws.Product) error { got = append(got, p.Sku); return nil })
		if err != nil || !slices.Equal(got, r.sb.SKUs()) {
			t.Errorf("stream after a garbled answer: %v, %d products (want the %d of the catalog once each, in order)", err, len(got), len(r.sb.SKUs()))
		}
		if got := len(wire.Calls("")); got != 2 {
			t.Errorf("%d attempts", got)
		}
	})
	t.Run("PlaceOrder is ambiguous", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, _ := r.client()
		p := r.sellable()
		r.faults("placeorder", malformed)
		_, err := c.PlaceOrder(t.Context(), &iws.PlaceOrderParams{CustomerOrderNumber: "IT-M1", Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 1}}})
		if !iws.IsAmbiguous(err) || !errors.Is(err, iws.ErrMalformedResponse) || len(wire.Calls("placeorder")) != 1 {
			t.Fatalf("malformed PlaceOrder answer: %v", err)
		}
		if o, err := c.GetOrder(t.Context(), "IT-M1"); err != nil || o.CustomerOrderNumber != "IT-M1" {
			t.Errorf("the order was committed: GetOrder = %v", err)
		}
	})
}

func TestSandboxDroppedConnection(t *testing.T) {
	// A fresh connection per request: on a reused keep-alive connection net/http itself silently
	// repeats a GET whose connection dropped, and the client's own retry would not be what we see.
	noKeepAlive := func(cfg *iws.Config) {
		cfg.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	}
	t.Run("read retried", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, sl := r.client(noKeepAlive)
		r.faults("getinventory", sandbox.Fault{Kind: sandbox.FaultDrop})
		inv, err := c.GetInventory(t.Context(), nil)
		if err != nil || len(inv) != len(r.sb.SKUs()) {
			t.Fatalf("GetInventory after a drop: %v", err)
		}
		if got := statuses(wire.Calls("")); !slices.Equal(got, []int{0, 200}) || len(sl.Waits()) != 1 {
			t.Errorf("attempts %v, waits %v", got, sl.Waits())
		}
	})
	t.Run("feed cut off mid-body is resumed", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, sl := r.client(noKeepAlive)
		r.faults("getinventory", sandbox.Fault{Kind: sandbox.FaultCut}, sandbox.Fault{Kind: sandbox.FaultCut})
		var got []string
		_, err := c.StreamInventory(t.Context(), nil, func(it *iws.InventoryData) error { got = append(got, it.Sku); return nil })
		if err != nil || !slices.Equal(got, r.sb.SKUs()) {
			t.Fatalf("inventory after two cut answers: %v, %d items (want the %d of the catalog once each, in order)", err, len(got), len(r.sb.SKUs()))
		}
		if got := statuses(wire.Calls("")); !slices.Equal(got, []int{200, 200, 200}) || len(sl.Waits()) != 2 {
			t.Errorf("attempts %v, waits %v", got, sl.Waits())
		}
	})
	t.Run("PlaceOrder dropped after commit", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, wire, sl := r.client(noKeepAlive)
		p := r.sellable()
		r.faults("placeorder", sandbox.Fault{Kind: sandbox.FaultDropAfterCommit})
		params := &iws.PlaceOrderParams{CustomerOrderNumber: "IT-D1", Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 1}}}
		_, err := c.PlaceOrder(t.Context(), params)
		if !iws.IsAmbiguous(err) {
			t.Fatalf("dropped PlaceOrder: %v, want an ambiguous error", err)
		}
		if _, isAPI := iws.AsError(err); isAPI || !strings.Contains(err.Error(), "outcome unknown") {
			t.Errorf("dropped PlaceOrder error: %v", err)
		}
		if got := statuses(wire.Calls("placeorder")); !slices.Equal(got, []int{0}) || len(sl.Waits()) != 0 {
			t.Errorf("PlaceOrder retried: attempts %v, waits %v", got, sl.Waits())
		}

		// What the order pipeline does next: look the order up by our number.
		o, err := c.GetOrder(t.Context(), "IT-D1")
		if err != nil {
			t.Fatalf("the committed order is not found: %v", err)
		}
		if o.CustomerOrderNumber != "IT-D1" || len(r.sb.Orders()) != 1 || r.sb.Orders()[0].OrderNumber != string(o.OrderNumber) {
			t.Errorf("found %s/%s; sandbox orders %+v", o.OrderNumber, o.CustomerOrderNumber, r.sb.Orders())
		}
		// Placing it again anyway is refused, and the refusal names the order.
		_, err = c.PlaceOrder(t.Context(), params)
		wantAPIError(t, err, iws.CodeOrderNumberAssigned, http.StatusBadRequest)
		if iws.ExistingOrderNumber(err) != string(o.OrderNumber) || len(r.sb.Orders()) != 1 {
			t.Errorf("second PlaceOrder: %v", err)
		}
	})
	t.Run("PlaceOrder dropped before processing", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, _, _ := r.client(noKeepAlive)
		p := r.sellable()
		r.faults("placeorder", sandbox.Fault{Kind: sandbox.FaultDrop})
		_, err := c.PlaceOrder(t.Context(), &iws.PlaceOrderParams{CustomerOrderNumber: "IT-D2", Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 1}}})
		if !iws.IsAmbiguous(err) {
			t.Fatalf("dropped PlaceOrder: %v", err)
		}
		if _, err := c.GetOrder(t.Context(), "IT-D2"); !iws.IsNotFound(err) {
			t.Errorf("GetOrder after a drop before processing: %v, want not found", err)
		}
	})
}

// armOnPage queues a fault (arm) just before the first request for one page goes out.
type armOnPage struct {
	next  http.RoundTripper
	page  string
	arm   func()
	armed *atomic.Bool
}

func (a armOnPage) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Query().Get("page") == a.page && a.armed.CompareAndSwap(false, true) {
		a.arm()
	}
	return a.next.RoundTrip(r)
}
