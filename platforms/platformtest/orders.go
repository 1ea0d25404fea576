package platformtest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms"
)

// OrderShop is one storefront under the orders contract, with the hooks the suite needs to
// act as the shop's customers and to look behind the interface.
type OrderShop struct {
	Orders   platforms.Orders
	Webhooks platforms.Webhooks
	// CreateOrder places an order on the storefront as a customer checkout would, with the
	// given lines (the SKUs need not exist as products), paid or not, and returns its id. On a
	// platform that delivers webhooks, it triggers them.
	CreateOrder func(t *testing.T, paid bool, lines []Line) string
	// Notes returns the texts of the notes on an order, oldest first.
	Notes func(t *testing.T, id string) []string
	// Flush waits until every webhook delivery the storefront has queued has been sent.
	Flush func(t *testing.T)
	// DisableWebhook makes the storefront disable a subscription as it does after failed
	// deliveries; nil on a platform that never disables them.
	DisableWebhook func(t *testing.T, id string)
	// Secret is the secret to register webhooks with (WooCommerce) or the one the platform
	// signs with (Shopify's app client secret).
	Secret string
}

// Line is an order line for OrderShop.CreateOrder.
type Line struct {
	SKU       string
	Quantity  int
	UnitPrice string
}

// OrderFactory returns a fresh storefront for one subtest.
type OrderFactory func(t *testing.T) OrderShop

// RunOrders runs the orders and webhooks contract against storefronts made by factory.
func RunOrders(t *testing.T, factory OrderFactory) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, OrderShop)
	}{
		{"GetOrder", testGetOrder},
		{"GetOrderNotFound", testGetOrderNotFound},
		{"ListPaidOrders", testListPaidOrders},
		{"Notes", testNotes},
		{"Meta", testMeta},
		{"Status", testStatus},
		{"Fulfill", testFulfill},
		{"EnsureWebhooks", testEnsureWebhooks},
		{"WebhookDelivery", testWebhookDelivery},
		{"ForgedWebhook", testForgedWebhook},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, factory(t)) })
	}
}

var twoLines = []Line{{SKU: "SE001MSE01", Quantity: 2, UnitPrice: "19.90"}, {SKU: "NB001HPX02", Quantity: 1, UnitPrice: "499.00"}}

func getOrder(t *testing.T, s OrderShop, id string) platforms.Order {
	t.Helper()
	o, err := s.Orders.GetOrder(context.Background(), id)
	if err != nil {
		t.Fatalf("GetOrder(%s): %v", id, err)
	}
	return o
}

func testGetOrder(t *testing.T, s OrderShop) {
	id := s.CreateOrder(t, true, twoLines)
	o := getOrder(t, s, id)
	if o.ID != id {
		t.Errorf("ID = %q, want %q", o.ID, id)
	}
	if o.Number == "" || o.Currency == "" || o.Total == "" || o.CreatedAt.IsZero() || o.UpdatedAt.IsZero() {
		t.Errorf("order lacks number, currency, total or dates: %+v", o)
	}
	if !o.Paid || o.Status != platforms.OrderProcessing {
		t.Errorf("paid order: Paid = %v, Status = %q, want true, processing", o.Paid, o.Status)
	}
	if len(o.Lines) != 2 {
		t.Fatalf("%d lines, want 2: %+v", len(o.Lines), o.Lines)
	}
	for i, want := range twoLines {
		l := o.Lines[i]
		if l.SKU != want.SKU || l.Quantity != want.Quantity || l.ID == "" {
			t.Errorf("line %d = %+v, want sku %s quantity %d and an id", i, l, want.SKU, want.Quantity)
		}
		if !sameAmount(l.UnitPrice, want.UnitPrice) {
			t.Errorf("line %d unit price %q, want %s", i, l.UnitPrice, want.UnitPrice)
		}
	}
	unpaid := getOrder(t, s, s.CreateOrder(t, false, twoLines[:1]))
	if unpaid.Paid || unpaid.Status != platforms.OrderPending {
		t.Errorf("unpaid order: Paid = %v, Status = %q, want false, pending", unpaid.Paid, unpaid.Status)
	}
}

// sameAmount compares decimal strings without parsing floats: "19.9" equals "19.90".
func sameAmount(a, b string) bool {
	norm := func(s string) string {
		if strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		return s
	}
	return norm(a) == norm(b)
}

func testGetOrderNotFound(t *testing.T, s OrderShop) {
	s.CreateOrder(t, true, twoLines[:1])
	for _, id := range []string{"999999", "gid://shopify/Order/999999"} {
		_, err := s.Orders.GetOrder(context.Background(), id)
		if !errors.Is(err, platforms.ErrNotFound) && !errors.Is(err, platforms.ErrInvalid) {
			t.Errorf("GetOrder(%s) = %v, want ErrNotFound (or ErrInvalid for an id of another platform)", id, err)
		}
	}
}

func testListPaidOrders(t *testing.T, s OrderShop) {
	ctx := context.Background()
	start := time.Now().Add(-time.Minute)
	var paid []string
	for range 3 {
		paid = append(paid, s.CreateOrder(t, true, twoLines[:1]))
	}
	unpaid := s.CreateOrder(t, false, twoLines[:1])
	got, err := s.Orders.ListPaidOrders(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range got {
		ids = append(ids, o.ID)
		if !o.Paid {
			t.Errorf("ListPaidOrders returned unpaid order %s (%s)", o.ID, o.PlatformStatus)
		}
	}
	for _, id := range paid {
		if !slices.Contains(ids, id) {
			t.Errorf("paid order %s missing from %v", id, ids)
		}
	}
	if slices.Contains(ids, unpaid) {
		t.Errorf("unpaid order %s listed", unpaid)
	}
	later, err := s.Orders.ListPaidOrders(ctx, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(later) != 0 {
		t.Errorf("ListPaidOrders(an hour ahead) = %d orders, want 0", len(later))
	}
}

func testNotes(t *testing.T, s OrderShop) {
	ctx := context.Background()
	id := s.CreateOrder(t, true, twoLines[:1])
	if err := s.Orders.AddOrderNote(ctx, id, "Intcomex order 1234567 placed", false); err != nil {
		t.Fatal(err)
	}
	if err := s.Orders.AddOrderNote(ctx, id, "Your order ships soon", true); err != nil {
		t.Fatal(err)
	}
	notes := s.Notes(t, id)
	for _, want := range []string{"Intcomex order 1234567 placed", "Your order ships soon"} {
		if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, want) }) {
			t.Errorf("note %q missing from %q", want, notes)
		}
	}
	if err := s.Orders.AddOrderNote(ctx, missingID(id), "x", false); !errors.Is(err, platforms.ErrNotFound) {
		t.Errorf("AddOrderNote on a missing order = %v, want ErrNotFound", err)
	}
}

// missingID returns an id of the same shape as id that no order has.
func missingID(id string) string {
	if i := strings.LastIndex(id, "/"); i >= 0 {
		return id[:i+1] + "999999"
	}
	return "999999"
}

func testMeta(t *testing.T, s OrderShop) {
	ctx := context.Background()
	id := s.CreateOrder(t, true, twoLines[:1])
	if err := s.Orders.SetOrderMeta(ctx, id, map[string]string{"intcomex_order_number": "1234567", "intcomex_status": "placed"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Orders.SetOrderMeta(ctx, id, map[string]string{"intcomex_status": "shipped"}); err != nil {
		t.Fatal(err)
	}
	o := getOrder(t, s, id)
	if o.Meta["intcomex_order_number"] != "1234567" || o.Meta["intcomex_status"] != "shipped" {
		t.Errorf("Meta = %v, want order number kept and status replaced", o.Meta)
	}
	if err := s.Orders.SetOrderMeta(ctx, missingID(id), map[string]string{"k": "v"}); !errors.Is(err, platforms.ErrNotFound) {
		t.Errorf("SetOrderMeta on a missing order = %v, want ErrNotFound", err)
	}
}

func testStatus(t *testing.T, s OrderShop) {
	ctx := context.Background()
	id := s.CreateOrder(t, true, twoLines[:1])
	for _, st := range []platforms.OrderStatus{platforms.OrderOnHold, platforms.OrderProcessing, platforms.OrderCancelled} {
		if err := s.Orders.SetOrderStatus(ctx, id, st); err != nil {
			t.Fatalf("SetOrderStatus(%s): %v", st, err)
		}
		if got := getOrder(t, s, id).Status; got != st {
			t.Errorf("after SetOrderStatus(%s) the order is %s", st, got)
		}
	}
	if err := s.Orders.SetOrderStatus(ctx, id, "shipped-to-mars"); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("SetOrderStatus(unknown) = %v, want ErrInvalid", err)
	}
}

func testFulfill(t *testing.T, s OrderShop) {
	ctx := context.Background()
	id := s.CreateOrder(t, true, twoLines)
	f := platforms.Fulfillment{Carrier: "DHL", TrackingNumber: "JD014600006281230000", TrackingURL: "https://track.example/JD014600006281230000", Serials: []string{"SN-1", "SN-2"}}
	if err := s.Orders.FulfillOrder(ctx, id, f); err != nil {
		t.Fatal(err)
	}
	if got := getOrder(t, s, id).Status; got != platforms.OrderCompleted {
		t.Errorf("after FulfillOrder the order is %s, want completed", got)
	}
	if err := s.Orders.FulfillOrder(ctx, id, f); err != nil {
		t.Errorf("FulfillOrder again with the same tracking: %v", err)
	}
	if err := s.Orders.FulfillOrder(ctx, missingID(id), f); !errors.Is(err, platforms.ErrNotFound) {
		t.Errorf("FulfillOrder on a missing order = %v, want ErrNotFound", err)
	}
}

// receiver is an HTTPS-less webhook intake that keeps every delivery.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []delivery
}

type delivery struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, delivery{req.Header.Clone(), body})
		r.mu.Unlock()
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

func testEnsureWebhooks(t *testing.T, s OrderShop) {
	ctx := context.Background()
	target := platforms.WebhookTarget{URL: newReceiver(t).srv.URL + "/webhooks/shop/1", Secret: s.Secret}
	first, err := s.Webhooks.EnsureWebhooks(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) < 2 {
		t.Fatalf("EnsureWebhooks registered %d subscriptions, want at least the order topics", len(first))
	}
	for _, w := range first {
		if w.Changed != "created" || !w.Active || w.URL != target.URL || w.ID == "" {
			t.Errorf("first EnsureWebhooks: %+v, want created, active, at %s", w, target.URL)
		}
	}
	s.Flush(t)
	again, err := s.Webhooks.EnsureWebhooks(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(first) {
		t.Errorf("second EnsureWebhooks: %d subscriptions, first %d", len(again), len(first))
	}
	for _, w := range again {
		if w.Changed != "" || !w.Active {
			t.Errorf("second EnsureWebhooks changed %+v", w)
		}
	}
	if s.DisableWebhook == nil {
		return
	}
	s.DisableWebhook(t, first[0].ID)
	checked, err := s.Webhooks.CheckWebhooks(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(checked, func(w platforms.WebhookState) bool { return w.ID == first[0].ID })
	if i < 0 || checked[i].Active || checked[i].Changed != "" {
		t.Fatalf("CheckWebhooks after the platform disabled %s: %+v", first[0].ID, checked)
	}
	repaired, err := s.Webhooks.EnsureWebhooks(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	i = slices.IndexFunc(repaired, func(w platforms.WebhookState) bool { return w.ID == first[0].ID })
	if i < 0 || !repaired[i].Active || repaired[i].Changed != "enabled" {
		t.Errorf("EnsureWebhooks did not re-enable %s: %+v", first[0].ID, repaired)
	}
}

// orderDeliveries registers webhooks at a receiver, creates a paid order and returns what
// arrived for it.
func orderDeliveries(t *testing.T, s OrderShop) (string, []delivery) {
	t.Helper()
	rcv := newReceiver(t)
	target := platforms.WebhookTarget{URL: rcv.srv.URL + "/hook", Secret: s.Secret}
	if _, err := s.Webhooks.EnsureWebhooks(context.Background(), target); err != nil {
		t.Fatal(err)
	}
	s.Flush(t)
	id := s.CreateOrder(t, true, twoLines)
	s.Flush(t)
	return id, rcv.deliveries()
}

func testWebhookDelivery(t *testing.T, s OrderShop) {
	id, ds := orderDeliveries(t, s)
	var orderEvents int
	for _, d := range ds {
		ev, err := s.Webhooks.ParseWebhook(d.header, d.body)
		if err != nil {
			t.Errorf("ParseWebhook(%s): %v", d.body, err)
			continue
		}
		if ev.Topic == platforms.TopicPing {
			continue
		}
		if ev.DeliveryID == "" {
			t.Errorf("event without a delivery id: %+v", ev)
		}
		switch ev.Topic {
		case platforms.TopicOrderCreated, platforms.TopicOrderUpdated, platforms.TopicOrderPaid:
			if ev.OrderID != id {
				t.Errorf("%s event for order %q, want %q", ev.Topic, ev.OrderID, id)
				continue
			}
			orderEvents++
			if ev.Order != nil && (len(ev.Order.Lines) != 2 || ev.Order.Lines[0].SKU != twoLines[0].SKU) {
				t.Errorf("%s event carries lines %+v", ev.Topic, ev.Order.Lines)
			}
		}
	}
	if orderEvents == 0 {
		t.Fatalf("no order event among %d deliveries", len(ds))
	}
}

func testForgedWebhook(t *testing.T, s OrderShop) {
	_, ds := orderDeliveries(t, s)
	var signed *delivery
	for i := range ds {
		if ev, err := s.Webhooks.ParseWebhook(ds[i].header, ds[i].body); err == nil && ev.Topic != platforms.TopicPing {
			signed = &ds[i]
			break
		}
	}
	if signed == nil {
		t.Fatal("no signed delivery arrived")
	}
	tampered := slices.Clone(signed.body)
	tampered[len(tampered)/2] ^= 1
	if _, err := s.Webhooks.ParseWebhook(signed.header, tampered); !errors.Is(err, platforms.ErrSignature) {
		t.Errorf("tampered body: %v, want ErrSignature", err)
	}
	unsigned := signed.header.Clone()
	for k := range unsigned {
		if strings.Contains(strings.ToLower(k), "signature") || strings.Contains(strings.ToLower(k), "hmac") {
			unsigned.Del(k)
		}
	}
	if _, err := s.Webhooks.ParseWebhook(unsigned, signed.body); !errors.Is(err, platforms.ErrSignature) {
		t.Errorf("no signature header: %v, want ErrSignature", err)
	}
	if _, err := s.Webhooks.ParseWebhook(signed.header, []byte("not json")); !errors.Is(err, platforms.ErrSignature) {
		t.Errorf("body replaced by garbage: %v, want ErrSignature", err)
	}
}
