package woocommerce

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/internal/wire"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

const testWebhookSecret = "whsec_0123456789abcdef"

func withWebhookSecret(cfg *Config) { cfg.WebhookSecret = testWebhookSecret }

// orderShop wires a fake store and a client into the orders contract.
func orderShop(t *testing.T, s *wootest.Server, c *Client) platformtest.OrderShop {
	return platformtest.OrderShop{
		Orders: c, Webhooks: c, Secret: testWebhookSecret,
		CreateOrder: func(t *testing.T, paid bool, lines []platformtest.Line) string {
			t.Helper()
			return placeOrder(t, s, paid, lines...)
		},
		Notes: func(t *testing.T, id string) []string {
			var out []string
			for _, n := range s.Notes(atoiT(t, id)) {
				out = append(out, n.Note)
			}
			slices.Reverse(out) // the fake lists newest first, as WooCommerce does
			return out
		},
		Flush: func(*testing.T) { s.WaitIdle() },
		DisableWebhook: func(t *testing.T, id string) {
			if !s.DisableWebhook(atoiT(t, id)) {
				t.Fatalf("no webhook %s", id)
			}
		},
	}
}

func placeOrder(t testing.TB, s *wootest.Server, paid bool, lines ...platformtest.Line) string {
	t.Helper()
	var cl []wootest.CheckoutLine
	for _, l := range lines {
		cl = append(cl, wootest.CheckoutLine{SKU: l.SKU, Name: "Product " + l.SKU, Quantity: l.Quantity, UnitPrice: l.UnitPrice})
	}
	email := "camila.rojas@example.cl"
	addr := wootest.Address{FirstName: "Camila", LastName: "Rojas", Address1: "Av. Providencia 1234", City: "Providencia",
		State: "CL-RM", Postcode: "7500000", Country: "CL", Phone: "+56 9 8765 4321"}
	billing := addr
	billing.Email = &email
	o, err := s.PlaceOrder(wootest.Checkout{Paid: paid, Lines: cl, Billing: billing, Shipping: addr,
		ShippingMethod: "Despacho a domicilio RM", ShippingTotal: "9.90"})
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(o.ID)
}

func atoiT(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

func TestOrdersContractHTTPS(t *testing.T) {
	platformtest.RunOrders(t, func(t *testing.T) platformtest.OrderShop {
		s, c := startTLS(t, wootest.Config{}, withWebhookSecret)
		return orderShop(t, s, c)
	})
}

func TestOrdersContractOAuth(t *testing.T) {
	platformtest.RunOrders(t, func(t *testing.T) platformtest.OrderShop {
		s, base := wootest.Start(t, fakeConfig(wootest.Config{}))
		return orderShop(t, s, newClient(t, base, nil, withWebhookSecret))
	})
}

func fixtureBody(t testing.TB, name string) (http.Header, []byte, json.RawMessage) {
	t.Helper()
	b, err := os.ReadFile("wootest/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Request struct {
			Headers map[string]string `json:"headers"`
			Body    json.RawMessage   `json:"body"`
		} `json:"request"`
		Response struct {
			Body json.RawMessage `json:"body"`
		} `json:"response"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for k, v := range f.Request.Headers {
		h.Set(k, v)
	}
	var raw string
	_ = json.Unmarshal(f.Request.Body, &raw) // deliveries keep the exact body as a string
	return h, []byte(raw), f.Response.Body
}

func TestDecodeRecordedOrder(t *testing.T) {
	_, _, body := fixtureBody(t, "28-order-create-paid.json")
	o, err := decodeOrder(body)
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != "31" || o.Number != "31" || o.Status != platforms.OrderProcessing || !o.Paid || o.Total != "918.80" || o.Currency != "EUR" {
		t.Errorf("order = %+v", o)
	}
	if o.PaidAt.IsZero() || o.CreatedAt.IsZero() || o.UpdatedAt.IsZero() || o.PaidAt.Location() != time.UTC {
		t.Errorf("dates: paid %v created %v updated %v", o.PaidAt, o.CreatedAt, o.UpdatedAt)
	}
	if o.Email != "camila.rojas@example.cl" || o.Billing.State != "CL-RM" || o.Shipping.Country != "CL" || o.ShippingMethod != "Despacho a domicilio RM" {
		t.Errorf("addresses: %+v / %+v / %q", o.Billing, o.Shipping, o.ShippingMethod)
	}
	// price is the JSON number 879.9; the unit price keeps the total's two decimals.
	want := []platforms.OrderLine{
		{ID: o.Lines[0].ID, SKU: "IWS-NB-LEN-E14G5", Quantity: 1, UnitPrice: "879.90", ProductID: "21"},
		{ID: o.Lines[1].ID, SKU: "SRV-INSTALL-NB", Quantity: 1, UnitPrice: "29.00", ProductID: "29"},
	}
	for i, w := range want {
		l := o.Lines[i]
		l.Name = ""
		if l != w || o.Lines[i].ID == "" {
			t.Errorf("line %d = %+v, want %+v", i, l, w)
		}
	}
	if _, ok := o.Meta["_billing_rut"]; ok || len(o.Meta) != 0 {
		t.Errorf("hidden meta read: %v", o.Meta)
	}
}

func TestUnitPrice(t *testing.T) {
	for _, tc := range []struct {
		total, price string
		qty          int
		want         string
	}{
		{"879.90", "879.9", 1, "879.90"},
		{"879.90", "439.95", 2, "439.95"},
		{"100.00", "33.333333333333336", 3, "33.33333333"},
		{"1500", "500", 3, "500"},
		{"", "12.5", 1, "12.5"},
		{"10.00", "0", 0, "0"},
		{"1e-99999999", "1", 1, "1"},
		{"1e999999999", "2", 1, "2"},
		{"12.", "12", 1, "12"},
		{"-5.50", "-5.5", 1, "-5.50"},
	} {
		if got := unitPrice(wire.Amount(tc.total), wire.Amount(tc.price), tc.qty); got != tc.want {
			t.Errorf("unitPrice(%s, %s, %d) = %s, want %s", tc.total, tc.price, tc.qty, got, tc.want)
		}
	}
}

func TestOrderStatuses(t *testing.T) {
	for woo, want := range map[string]platforms.OrderStatus{
		"pending": platforms.OrderPending, "checkout-draft": platforms.OrderPending, "processing": platforms.OrderProcessing,
		"on-hold": platforms.OrderOnHold, "completed": platforms.OrderCompleted, "cancelled": platforms.OrderCancelled,
		"refunded": platforms.OrderRefunded, "failed": platforms.OrderFailed,
	} {
		body := `{"id":7,"status":"` + woo + `","date_paid_gmt":null,"line_items":[]}`
		o, err := decodeOrder([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		paid := woo == "processing" || woo == "completed"
		if o.Status != want || o.PlatformStatus != woo || o.Paid != paid {
			t.Errorf("%s: status %q paid %v, want %q paid %v", woo, o.Status, o.Paid, want, paid)
		}
	}
	o, err := decodeOrder([]byte(`{"id":7,"status":"on-hold","date_paid_gmt":"2026-11-27T11:51:50","line_items":[]}`))
	if err != nil || !o.Paid {
		t.Errorf("on-hold with date_paid: paid %v, err %v", o.Paid, err)
	}
	for _, bad := range []string{`{"id":0}`, `{"id":"x"}`, `[]`, `{"id":1,"date_created_gmt":"yesterday"}`, `{"id":1,"line_items":[{"quantity":1.5}]}`} {
		if _, err := decodeOrder([]byte(bad)); !errors.Is(err, platforms.ErrInvalid) {
			t.Errorf("decodeOrder(%s) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestOrderIDsValidatedWithoutIO(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	ctx := context.Background()
	for _, id := range []string{"", "0", "-1", "007", "1/../../products", "gid://shopify/Order/1", "1 "} {
		if _, err := c.GetOrder(ctx, id); !errors.Is(err, platforms.ErrInvalid) {
			t.Errorf("GetOrder(%q) = %v, want ErrInvalid", id, err)
		}
	}
	if err := c.SetOrderStatus(ctx, "31", platforms.OrderRefunded); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("SetOrderStatus(refunded) = %v", err)
	}
	if err := c.SetOrderMeta(ctx, "31", map[string]string{"_hidden": "x"}); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("SetOrderMeta(_hidden) = %v", err)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// clock is a settable fake time for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestListPaidOrdersPagesAndOrder(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	s, c := startTLS(t, wootest.Config{Clock: clk.now}, nil)
	ctx := context.Background()
	var paid []string
	for i := range 230 {
		paid = append(paid, placeOrder(t, s, true, platformtest.Line{SKU: "SKU" + strconv.Itoa(i), Quantity: 1, UnitPrice: "10.00"}))
		if i%10 == 0 {
			placeOrder(t, s, false, platformtest.Line{SKU: "UNPAID", Quantity: 1, UnitPrice: "1.00"})
		}
		clk.add(time.Second)
	}
	// The oldest order changes last: it must come last.
	clk.add(time.Minute)
	if err := c.SetOrderStatus(ctx, paid[0], platforms.OrderOnHold); err != nil {
		t.Fatal(err)
	}
	s.ResetCounters()
	got, err := c.ListPaidOrders(ctx, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(paid) {
		t.Fatalf("%d orders, want %d", len(got), len(paid))
	}
	for i, o := range got {
		if i > 0 && o.UpdatedAt.Before(got[i-1].UpdatedAt) {
			t.Fatalf("order %d (%s) older than the one before", i, o.ID)
		}
	}
	if got[len(got)-1].ID != paid[0] || got[0].ID != paid[1] {
		t.Errorf("first %s last %s, want %s then %s last", got[0].ID, got[len(got)-1].ID, paid[1], paid[0])
	}
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 pages", len(reqs))
	}
	q, _ := url.ParseQuery(reqs[0].Query)
	for k, v := range map[string]string{"status": "processing,on-hold,completed", "modified_after": "2026-11-27T11:59:59Z",
		"dates_are_gmt": "true", "per_page": "100", "orderby": "modified", "order": "asc", "page": "1"} {
		if q.Get(k) != v {
			t.Errorf("query %s = %q, want %q", k, q.Get(k), v)
		}
	}
	// modified_after is exclusive on WooCommerce: since equal to a modification includes it.
	last, err := c.ListPaidOrders(ctx, got[len(got)-1].UpdatedAt)
	if err != nil || len(last) != 1 || last[0].ID != paid[0] {
		t.Errorf("since the last change: %v, %v", last, err)
	}
}

func TestOrderReadsRetried(t *testing.T) {
	sl := &sleeps{}
	s, c := startTLS(t, wootest.Config{}, func(cfg *Config) { cfg.Sleep = sl.sleep })
	id := placeOrder(t, s, true, platformtest.Line{SKU: "A", Quantity: 1, UnitPrice: "5.00"})
	s.InjectFault(wootest.Fault{Method: "GET", Path: "/wp-json/wc/v3/orders", Status: 429, Count: 2, RetryAfter: "7"})
	s.InjectFault(wootest.Fault{Method: "GET", Path: "/wp-json/wc/v3/orders", Status: 503})
	o, err := c.GetOrder(context.Background(), id)
	if err != nil || o.ID != id {
		t.Fatalf("GetOrder = %+v, %v", o, err)
	}
	if len(sl.waits) != 3 || sl.waits[0] != 7*time.Second || sl.waits[1] != 7*time.Second {
		t.Errorf("waits %v, want 7s, 7s and a backoff", sl.waits)
	}
	s.InjectFault(wootest.Fault{Method: "GET", Path: "/wp-json/wc/v3/orders", Status: 502, Count: 2})
	if got, err := c.ListPaidOrders(context.Background(), time.Now().Add(-time.Hour)); err != nil || len(got) != 1 {
		t.Errorf("ListPaidOrders after 502s = %d, %v", len(got), err)
	}
	s.InjectFault(wootest.Fault{Method: "GET", Path: "/wp-json/wc/v3/orders", Status: 503, Count: 10})
	var apiErr *APIError
	if _, err := c.GetOrder(context.Background(), id); !errors.As(err, &apiErr) || apiErr.Status != 503 {
		t.Errorf("after 5 attempts: %v, want the 503", err)
	}
}

func countNotes(s *wootest.Server, id int, text string) int {
	n := 0
	for _, note := range s.Notes(id) {
		if note.Note == text {
			n++
		}
	}
	return n
}

func TestAddOrderNoteNeverDoubled(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fault      wootest.Fault
		posts      int
		notesReads int
	}{
		// The answer is lost after WordPress added the note: the note is found, not re-sent.
		{"applied then 502", wootest.Fault{Status: 502, Applied: true}, 1, 1},
		// Refused before PHP ran: the read-back finds nothing and the POST is sent again.
		{"503 not applied", wootest.Fault{Status: 503}, 2, 1},
		// 429 is a refusal: retried at once, no read-back.
		{"429", wootest.Fault{Status: 429, RetryAfter: "1"}, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := startTLS(t, wootest.Config{}, nil)
			id := placeOrder(t, s, true, platformtest.Line{SKU: "A", Quantity: 1, UnitPrice: "5.00"})
			path := "/wp-json/wc/v3/orders/" + id + "/notes"
			tc.fault.Method, tc.fault.Path = "POST", path
			s.InjectFault(tc.fault)
			s.ResetCounters()
			if err := c.AddOrderNote(context.Background(), id, "Intcomex order 1234567 placed", false); err != nil {
				t.Fatal(err)
			}
			if n := countNotes(s, atoiT(t, id), "Intcomex order 1234567 placed"); n != 1 {
				t.Errorf("%d notes, want 1", n)
			}
			if n := s.Count("POST", path); n != tc.posts {
				t.Errorf("%d POSTs, want %d", n, tc.posts)
			}
			if n := s.Count("GET", path); n != tc.notesReads {
				t.Errorf("%d note reads, want %d", n, tc.notesReads)
			}
		})
	}
	t.Run("missing order", func(t *testing.T) {
		_, c := startTLS(t, wootest.Config{}, nil)
		if err := c.AddOrderNote(context.Background(), "999", "x", true); !errors.Is(err, platforms.ErrNotFound) {
			t.Errorf("err %v", err)
		}
	})
}

// A PUT whose answer was lost is sent again: it sets state, and WooCommerce notes a status
// change only on a transition, so the retry adds no second note.
func TestPutOrderRetriedWithoutSecondNote(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	id := placeOrder(t, s, true, platformtest.Line{SKU: "A", Quantity: 1, UnitPrice: "5.00"})
	path := "/wp-json/wc/v3/orders/" + id
	s.InjectFault(wootest.Fault{Method: "PUT", Path: path, Status: 502, Applied: true})
	s.ResetCounters()
	if err := c.SetOrderStatus(context.Background(), id, platforms.OrderOnHold); err != nil {
		t.Fatal(err)
	}
	if n := s.Count("PUT", path); n != 2 {
		t.Errorf("%d PUTs, want 2", n)
	}
	if n := countNotes(s, atoiT(t, id), "Order status changed from Processing to On hold."); n != 1 {
		t.Errorf("%d status notes, want 1", n)
	}
}

func TestFulfillOrder(t *testing.T) {
	ctx := context.Background()
	f := platforms.Fulfillment{Carrier: "DHL", TrackingNumber: "JD0146", TrackingURL: "https://track.example/JD0146", Serials: []string{"SN-1", "SN-2"}}
	for _, notify := range []bool{false, true} {
		t.Run("notify="+strconv.FormatBool(notify), func(t *testing.T) {
			s, c := startTLS(t, wootest.Config{}, nil)
			id := placeOrder(t, s, true, platformtest.Line{SKU: "A", Quantity: 1, UnitPrice: "5.00"})
			f := f
			f.NotifyCustomer = notify
			if err := c.FulfillOrder(ctx, id, f); err != nil {
				t.Fatal(err)
			}
			o, err := c.GetOrder(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{MetaTrackingNumber: "JD0146", MetaCarrier: "DHL", MetaTrackingURL: "https://track.example/JD0146", MetaSerials: "SN-1, SN-2"}
			for k, v := range want {
				if o.Meta[k] != v {
					t.Errorf("meta %s = %q, want %q", k, o.Meta[k], v)
				}
			}
			if o.Status != platforms.OrderCompleted {
				t.Errorf("status %s", o.Status)
			}
			note := s.Notes(atoiT(t, id))[1] // newest is the status change
			if note.CustomerNote != notify || !strings.Contains(note.Note, "DHL") || !strings.Contains(note.Note, "JD0146") || !strings.Contains(note.Note, "https://track.example/JD0146") {
				t.Errorf("note %+v", note)
			}
			s.ResetCounters()
			if err := c.FulfillOrder(ctx, id, f); err != nil {
				t.Fatal(err)
			}
			if cnt := s.Counters(); len(cnt) != 1 || cnt["GET /wp-json/wc/v3/orders/"+id] != 1 {
				t.Errorf("second FulfillOrder sent %v, want one GET", cnt)
			}
		})
	}
	t.Run("keep status", func(t *testing.T) {
		s, c := startTLS(t, wootest.Config{}, nil)
		id := placeOrder(t, s, true, platformtest.Line{SKU: "A", Quantity: 1, UnitPrice: "5.00"})
		f := f
		f.KeepStatus = true
		for range 2 { // the second call finds the tracking written and does nothing
			if err := c.FulfillOrder(ctx, id, f); err != nil {
				t.Fatal(err)
			}
		}
		o, err := c.GetOrder(ctx, id)
		if err != nil || o.Status != platforms.OrderProcessing || o.Meta[MetaTrackingNumber] != "JD0146" {
			t.Fatalf("order %s meta %v (%v); want it processing with the tracking", o.Status, o.Meta, err)
		}
		if n := countNotes(s, atoiT(t, id), fulfillmentNote(f)); n != 1 {
			t.Errorf("%d tracking notes, want 1", n)
		}
	})
	t.Run("resumed after a failure", func(t *testing.T) {
		s, c := startTLS(t, wootest.Config{}, nil)
		id := placeOrder(t, s, true, platformtest.Line{SKU: "A", Quantity: 1, UnitPrice: "5.00"})
		s.InjectFault(wootest.Fault{Method: "PUT", Path: "/wp-json/wc/v3/orders/" + id, Status: 503, Count: 5})
		if err := c.FulfillOrder(ctx, id, f); err == nil {
			t.Fatal("FulfillOrder succeeded through five 503s")
		}
		if err := c.FulfillOrder(ctx, id, f); err != nil {
			t.Fatal(err)
		}
		if n := countNotes(s, atoiT(t, id), fulfillmentNote(f)); n != 1 {
			t.Errorf("%d tracking notes, want 1", n)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		_, c := startTLS(t, wootest.Config{}, nil)
		if err := c.FulfillOrder(ctx, "5", platforms.Fulfillment{}); !errors.Is(err, platforms.ErrInvalid) {
			t.Errorf("no tracking number: %v", err)
		}
	})
}

// The connector's order number goes in hidden meta, as the issue and the plugins do
// (_intcomex_order_number): written, then read back by GetOrder; another plugin's hidden meta
// is neither written nor read.
func TestOwnHiddenMetaRoundTrip(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	ctx := context.Background()
	id := placeOrder(t, s, true, platformtest.Line{SKU: "A", Quantity: 1, UnitPrice: "5.00"})
	if err := c.SetOrderMeta(ctx, id, map[string]string{"_intcomex_order_number": "1000042"}); err != nil {
		t.Fatal(err)
	}
	o, err := c.GetOrder(ctx, id)
	if err != nil || o.Meta["_intcomex_order_number"] != "1000042" {
		t.Fatalf("meta %v, %v", o.Meta, err)
	}
	if err := c.SetOrderMeta(ctx, id, map[string]string{"_billing_rut": "1-9"}); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("SetOrderMeta(_billing_rut) = %v, want ErrInvalid", err)
	}
}
