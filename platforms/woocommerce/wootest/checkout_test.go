package wootest_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

func TestPlaceOrder(t *testing.T) {
	srv, base := wootest.Start(t, wootest.Config{Delivery: wootest.DeliverSync})
	rc, hook := newReceiver(t, http.StatusOK)
	created := createWebhook(t, base, "order.created", hook, "s3cret")
	updated := createWebhook(t, base, "order.updated", hook, "s3cret")
	o, err := srv.PlaceOrder(wootest.Checkout{Paid: true, ShippingMethod: "Flat rate", ShippingTotal: "5",
		Lines: []wootest.CheckoutLine{{SKU: "NOT-A-PRODUCT", Quantity: 3, UnitPrice: "10.00"}}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != "processing" || o.DatePaid == nil || o.Total != "35.00" || o.CreatedVia != "checkout" ||
		o.LineItems[0].SKU != "NOT-A-PRODUCT" || o.LineItems[0].Price.String() != "10" || o.LineItems[0].Total != "30.00" {
		t.Errorf("order %+v", o)
	}
	// One delivery per topic, byte-identical bodies (fixtures 39, 40), after the two pings.
	got := rc.all()
	if len(got) != 4 {
		t.Fatalf("%d requests at the receiver, want 2 pings and 2 deliveries", len(got))
	}
	a, b := got[2], got[3]
	if !bytes.Equal(a.body, b.body) || a.header.Get("X-WC-Webhook-ID") != strconv.Itoa(created.ID) || b.header.Get("X-WC-Webhook-ID") != strconv.Itoa(updated.ID) {
		t.Errorf("deliveries %s / %s", a.header, b.header)
	}
	if _, err := srv.PlaceOrder(wootest.Checkout{Lines: []wootest.CheckoutLine{{SKU: "X", UnitPrice: "ten"}}}); err == nil {
		t.Error("a non-decimal price was accepted")
	}
}

func TestDisableWebhook(t *testing.T) {
	srv, base := wootest.Start(t, wootest.Config{Delivery: wootest.DeliverSync})
	_, hook := newReceiver(t, http.StatusInternalServerError)
	h := createWebhook(t, base, "order.updated", hook, "s3cret")
	if !srv.DisableWebhook(h.ID) || srv.DisableWebhook(999) {
		t.Fatal("DisableWebhook result")
	}
	if st := srv.Webhooks()[0].Status; st != "disabled" {
		t.Fatalf("status %s", st)
	}
	// As recorded (fixture 48): re-enabled, one failed delivery disables it again.
	if status, body := api(t, base, http.MethodPut, "/webhooks/"+strconv.Itoa(h.ID), map[string]any{"status": "active"}); status != http.StatusOK {
		t.Fatalf("re-enable: %d %s", status, body)
	}
	if _, err := srv.PlaceOrder(wootest.Checkout{Lines: []wootest.CheckoutLine{{SKU: "X", UnitPrice: "1"}}}); err != nil {
		t.Fatal(err)
	}
	if st := srv.Webhooks()[0].Status; st != "disabled" {
		t.Errorf("after one failure: %s, want disabled", st)
	}
}

func TestOrdersListParams(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	srv, base := wootest.Start(t, wootest.Config{Clock: clock})
	var ids []int
	for range 3 {
		o, err := srv.PlaceOrder(wootest.Checkout{Paid: true, Lines: []wootest.CheckoutLine{{SKU: "X", UnitPrice: "1"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
		now = now.Add(time.Second)
	}
	// The first order changes last.
	if status, body := api(t, base, http.MethodPut, "/orders/"+strconv.Itoa(ids[0]), map[string]any{"status": "completed"}); status != http.StatusOK {
		t.Fatalf("%d %s", status, body)
	}
	list := func(q string) []int {
		status, body := api(t, base, http.MethodGet, "/orders?"+q, nil)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", q, status, body)
		}
		var os []wootest.Order
		decode(t, body, &os)
		var out []int
		for _, o := range os {
			out = append(out, o.ID)
		}
		return out
	}
	for q, want := range map[string][]int{
		"":                           {ids[2], ids[1], ids[0]},
		"orderby=modified&order=asc": {ids[1], ids[2], ids[0]},
		"orderby=modified":           {ids[0], ids[2], ids[1]},
		"orderby=id&order=asc":       {ids[0], ids[1], ids[2]},
		"modified_after=2026-11-27T12:00:01&dates_are_gmt=true&orderby=modified&order=asc": {ids[2], ids[0]},
		"modified_after=2026-11-27T12:00:01Z&dates_are_gmt=1":                              {ids[2], ids[0]}, // by date, newest first
	} {
		if got := list(q); !equalInts(got, want) {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
	for _, q := range []string{"orderby=price", "order=up", "dates_are_gmt=maybe"} {
		if status, body := api(t, base, http.MethodGet, "/orders?"+q, nil); status != http.StatusBadRequest || errCode(t, body) != "rest_invalid_param" {
			t.Errorf("%q: %d %s", q, status, body)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestInjectFault(t *testing.T) {
	srv, base := wootest.Start(t, wootest.Config{})
	o, err := srv.PlaceOrder(wootest.Checkout{Lines: []wootest.CheckoutLine{{SKU: "X", UnitPrice: "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	notes := "/orders/" + strconv.Itoa(o.ID) + "/notes"
	srv.InjectFault(wootest.Fault{Method: "POST", Path: "/wp-json/wc/v3/orders", Status: http.StatusBadGateway, Applied: true})
	srv.InjectFault(wootest.Fault{Method: "GET", Status: http.StatusTooManyRequests, Count: 2, RetryAfter: "3"})
	if status, _ := api(t, base, http.MethodPost, notes, map[string]any{"note": "hello"}); status != http.StatusBadGateway {
		t.Errorf("POST answered %d, want 502", status)
	}
	if n := len(srv.Notes(o.ID)); n != 1 {
		t.Errorf("%d notes: the applied fault must still add the note", n)
	}
	for i := range 3 {
		status, _ := api(t, base, http.MethodGet, notes, nil)
		if want := map[bool]int{true: 429, false: 200}[i < 2]; status != want {
			t.Errorf("GET %d answered %d, want %d", i, status, want)
		}
	}
}
