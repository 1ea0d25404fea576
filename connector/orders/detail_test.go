package orders_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms/memory"
)

func TestLoadDetail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newPlacerEnv(t, st)
		o, err := e.place(t, e.order(t, memory.NewOrderLine{SKU: "A1", Quantity: 2, UnitPrice: "150"}))
		if err != nil || o.State != store.OrderPlaced {
			t.Fatalf("placed %s, %v", o.State, err)
		}
		// A call of the order recorded by the audit log and named by a step; one purged.
		call := store.APICall{System: "iws", Method: "getorderstatus", HTTPMethod: "GET", URL: "https://iws.example/v1/getorderstatus?apiKey=k&signature=x",
			StatusCode: 200, Duration: 15 * time.Millisecond, OrderID: strconv.FormatInt(o.ID, 10), JobID: "7"}
		if err := st.InsertAPICall(ctx, &call); err != nil {
			t.Fatal(err)
		}
		if err := st.AddOrderEvents(ctx, o.ID, store.OrderEvent{Kind: store.OrderEventStatus, Message: "status 2", JobID: "7",
			APICallIDs: []int64{call.ID, call.ID + 1000}, Detail: json.RawMessage(`{"status":2}`)}); err != nil {
			t.Fatal(err)
		}
		o, err = st.Order(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		d, err := orders.LoadDetail(ctx, st, e.shop, o)
		if err != nil {
			t.Fatal(err)
		}
		last := d.Timeline[len(d.Timeline)-1]
		if d.ID != o.ID || d.Shop.ID != e.shop.ID || d.Intcomex.OrderNumber == "" || d.Intcomex.PlacedAt == nil || len(d.Lines) != 1 ||
			d.Lines[0].CostBasis == nil || *d.Lines[0].CostBasis != "100" || d.Lines[0].Cost == nil || d.Storefront.Live != nil ||
			last.Kind != store.OrderEventStatus || len(last.APICalls) != 1 || last.APICalls[0].Path != "/v1/getorderstatus" ||
			last.APICalls[0].DurationMS != 15 || string(last.Detail) != `{"status":2}` {
			t.Errorf("detail %+v, last step %+v", d, last)
		}
		if d.SerialList() != nil || d.TrackingList() != nil {
			t.Errorf("documents before the invoice: %v %v", d.SerialList(), d.TrackingList())
		}
		b, err := json.Marshal(d)
		if err != nil || !strings.Contains(string(b), `"serials":null`) || !strings.Contains(string(b), `"written_back_at":"`) {
			t.Errorf("JSON %s, %v", b, err)
		}

		// The live read: the memory shop has the order; an unknown order says why.
		d.ReadLive(ctx, e.sf)
		if d.Storefront.Live == nil || d.Storefront.Live.ID != o.StorefrontOrderID || d.Storefront.LiveError != "" {
			t.Errorf("live %+v", d.Storefront)
		}
		d.Storefront.Live, d.StorefrontOrderID = nil, "nope"
		d.ReadLive(ctx, e.sf)
		if d.Storefront.Live != nil || d.Storefront.LiveError == "" {
			t.Errorf("live of an unknown order %+v", d.Storefront)
		}
	})
}

func TestDetailDocuments(t *testing.T) {
	t.Parallel()
	d := orders.Detail{Serials: json.RawMessage(`["S1","S2"]`), Tracking: json.RawMessage(`[{"tracking_id":"T1","carrier":"DHL"}]`)}
	if got := d.SerialList(); len(got) != 2 || got[1] != "S2" {
		t.Errorf("serials %v", got)
	}
	if got := d.TrackingList(); len(got) != 1 || got[0].TrackingID != "T1" || got[0].Carrier != "DHL" {
		t.Errorf("tracking %v", got)
	}
	d = orders.Detail{Serials: json.RawMessage(`{"bad":1}`), Tracking: json.RawMessage(`null`)}
	if d.SerialList() != nil || d.TrackingList() != nil {
		t.Errorf("unreadable documents: %v %v", d.SerialList(), d.TrackingList())
	}
}

func TestListItemAndNames(t *testing.T) {
	t.Parallel()
	paid := time.Date(2026, 3, 1, 7, 0, 0, 0, time.FixedZone("x", -5*3600))
	o := store.Order{ID: 3, ShopID: 2, StorefrontOrderID: "gid://shopify/Order/9", StorefrontOrderNumber: "#1009", State: store.OrderHeld, PaidAt: paid}
	item := orders.ListItemOf(o)
	if item.ID != 3 || item.PaidAt == nil || item.PaidAt.Location() != time.UTC || item.PlacedAt != nil {
		t.Errorf("item %+v", item)
	}
	for _, tt := range []struct {
		o    store.Order
		want string
	}{
		{o, "#1009 (gid://shopify/Order/9)"},
		{store.Order{StorefrontOrderID: "1001", StorefrontOrderNumber: "#1001"}, "1001"},
		{store.Order{StorefrontOrderID: "1001"}, "1001"},
	} {
		if got := orders.StorefrontRef(tt.o); got != tt.want {
			t.Errorf("StorefrontRef(%+v) = %q, want %q", tt.o, got, tt.want)
		}
	}
	for code, want := range map[int]string{0: "", 5: "5 invoiced", 42: "42"} {
		if got := orders.IWSStatusName(code); got != want {
			t.Errorf("IWSStatusName(%d) = %q", code, got)
		}
	}
	for in, want := range map[string]string{"https://iws.example/v1/getorder?signature=x": "/v1/getorder", "/a/b?c": "/a/b", "no path?x": "no path"} {
		if got := orders.URLPath(in); got != want {
			t.Errorf("URLPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRefresh(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newPlacerEnv(t, st)
		q, err := jobs.NewClient(st, jobs.Config{})
		if err != nil {
			t.Fatal(err)
		}
		o := e.order(t, memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"})
		var refused *orders.RefusedError
		if _, err := orders.Refresh(ctx, q, o); !errors.As(err, &refused) || !strings.Contains(refused.Reason, "is received and not placed with Intcomex") {
			t.Errorf("refresh of an order not placed: %v", err)
		}
		o.IntcomexOrderNumber = "IX1"
		first, err := orders.Refresh(ctx, q, o)
		if err != nil || first.What != orders.TrackEnqueued || first.JobID == 0 {
			t.Fatalf("first refresh %+v, %v", first, err)
		}
		again, err := orders.Refresh(ctx, q, o)
		if err != nil || again.What != orders.TrackAlreadyQueued || again.JobID != first.JobID {
			t.Errorf("second refresh %+v, %v", again, err)
		}
		// A job waiting for its next check is brought forward.
		if _, err := q.Cancel(ctx, first.JobID); err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(time.Hour)
		if _, err := q.Insert(ctx, orders.TrackOrderArgs{OrderID: o.ID}, &jobs.InsertOpts{ScheduledAt: later}); err != nil {
			t.Fatal(err)
		}
		moved, err := orders.TrackNow(ctx, q, o.ID)
		if err != nil || moved.What != orders.TrackBroughtForward {
			t.Errorf("refresh of a waiting job %+v, %v", moved, err)
		}
		if !orders.CancelNeedsIWS(o) || orders.CancelNeedsIWS(store.Order{}) || !orders.CancelNeedsIWS(store.Order{Attempts: 1}) {
			t.Error("CancelNeedsIWS")
		}
	})
}
