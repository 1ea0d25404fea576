package orders_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/migrations"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/memory"
)

const (
	trackAPIKey    = "track-api-key"
	trackAccessKey = "track-access-key"
)

// lateQueue is the jobs client, set once built (the workers are registered before).
type lateQueue struct{ *jobs.Client }

// sandboxClients serves the Placer and the Tracker the memory storefront and a client of the sandbox.
type sandboxClients struct {
	sf     *memory.Storefront
	client *iws.Client
}

func (c sandboxClients) StorefrontOrders(context.Context, store.Shop) (platforms.Orders, error) {
	return c.sf, nil
}
func (c sandboxClients) IWS(context.Context, int64) (orders.IWS, error) { return c.client, nil }
func (c sandboxClients) TrackIWS(context.Context, int64) (orders.TrackIWS, error) {
	return c.client, nil
}

// trackEnv is the order pipeline against the real IWS sandbox and the memory storefront.
type trackEnv struct {
	st      *store.Store
	sb      *sandbox.Sandbox
	client  *iws.Client
	shop    store.Shop
	sf      *memory.Storefront
	sku     string
	placer  *orders.Placer
	tracker *orders.Tracker
	intake  *orders.Intake
	sweeper *orders.Sweeper
	jobs    *jobs.Client
	counter *countingTransport
}

func newTrackEnv(tb testing.TB, st *store.Store, sbcfg sandbox.Config, intervals []time.Duration) *trackEnv {
	tb.Helper()
	ctx := context.Background()
	sbcfg.APIKey, sbcfg.AccessKey, sbcfg.Seed = trackAPIKey, trackAccessKey, 11
	if sbcfg.SKUs == 0 {
		sbcfg.SKUs = 60
	}
	sb, err := sandbox.New(sbcfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = sb.Close() })
	srv := httptest.NewServer(sb)
	tb.Cleanup(srv.Close)
	counter := &countingTransport{next: srv.Client().Transport, n: map[string]int{}}
	hc := &http.Client{Transport: audit.NewTransport(counter, st, audit.SystemIWS, audit.Options{BodyLimit: -1})}
	client, err := iws.New(iws.Config{BaseURL: srv.URL + "/v1/", APIKey: trackAPIKey, AccessKey: trackAccessKey, HTTPClient: hc,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		tb.Fatal(err)
	}
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: srv.URL + "/v1/", APIKey: trackAPIKey, AccessKey: trackAccessKey})
	if err != nil {
		tb.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "memory", Platform: store.PlatformMemory, Credentials: `{"x":"y"}`,
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		tb.Fatal(err)
	}
	// A physical product in stock with a price: its listing's cost basis is today's cost.
	var sku string
	var cost decimal.Decimal
	for _, s := range sb.SKUs() {
		p, err := sb.Product(s)
		if err != nil || p.Price == nil || !p.Price.UnitPrice.IsPositive() || p.Type != "Physical" || len(p.Locations) == 0 {
			continue
		}
		// Enough for every order of a test or benchmark.
		if err := sb.SetStock(s, p.Locations[0].ID, 1_000_000); err != nil {
			tb.Fatal(err)
		}
		sku, cost = s, p.Price.UnitPrice.Decimal
		break
	}
	if sku == "" {
		tb.Fatal("no sandbox SKU in stock")
	}
	if err := st.SaveListings(ctx, []store.Listing{{ShopID: shop.ID, SKU: sku, State: store.ListingPublished,
		CostBasis: decimal.NewNullDecimal(cost)}}); err != nil {
		tb.Fatal(err)
	}
	sf := memory.New(memory.Config{})
	clients := sandboxClients{sf: sf, client: client}
	q := &lateQueue{}
	tracker, err := orders.NewTracker(orders.TrackerConfig{Store: st, Clients: clients, Jobs: q, Intervals: intervals})
	if err != nil {
		tb.Fatal(err)
	}
	placer, err := orders.NewPlacer(orders.PlacerConfig{Store: st, Clients: clients, OnPlaced: tracker.OnPlaced})
	if err != nil {
		tb.Fatal(err)
	}
	intake := orders.NewIntake(st, q)
	sweeper, err := orders.NewSweeper(orders.SweeperConfig{Store: st, Clients: clients, Intake: intake})
	if err != nil {
		tb.Fatal(err)
	}
	ws := jobs.NewWorkers()
	placer.Register(ws)
	tracker.Register(ws)
	sweeper.Register(ws)
	jc, err := jobs.NewClient(st, jobs.Config{Workers: ws, Concurrency: 4, PollInterval: 20 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	q.Client = jc
	return &trackEnv{st: st, sb: sb, client: client, shop: shop, sf: sf, sku: sku, placer: placer, tracker: tracker,
		intake: intake, sweeper: sweeper, jobs: jc, counter: counter}
}

// newOrder creates a paid storefront order and takes it in as its webhook would.
func (e *trackEnv) newOrder(tb testing.TB, qty int) store.Order {
	tb.Helper()
	ctx := context.Background()
	id := e.sf.CreateOrder(true, "USD", []memory.NewOrderLine{{SKU: e.sku, Quantity: qty, UnitPrice: "10.00"}})
	so, err := e.sf.GetOrder(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	var o store.Order
	err = e.st.Transaction(ctx, func(tx *store.Tx) error {
		_, o, err = e.intake.ReceiveTx(ctx, tx, e.shop, platforms.WebhookEvent{Topic: platforms.TopicOrderPaid, OrderID: id, Order: &so})
		return err
	})
	if err != nil || o.ID == 0 {
		tb.Fatalf("intake: %+v, %v", o, err)
	}
	return o
}

// placed places an order with the sandbox.
func (e *trackEnv) placed(t *testing.T, qty int) store.Order {
	t.Helper()
	o := e.newOrder(t, qty)
	if err := e.placer.Place(context.Background(), o.ID, "p1"); err != nil {
		t.Fatal(err)
	}
	// The place_order job finds the order placed and written back; the track_order job waits.
	if _, err := e.jobs.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	o = e.order(t, o.ID)
	if o.State != store.OrderPlaced || o.IntcomexOrderNumber == "" {
		t.Fatalf("not placed: %s %q %s", o.State, o.HoldCode, o.HoldReason)
	}
	return o
}

func (e *trackEnv) order(t *testing.T, id int64) store.Order {
	t.Helper()
	o, err := e.st.Order(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// track runs one check; snoozed reports whether the job would wait for another.
func (e *trackEnv) track(t *testing.T, o store.Order) (snoozed bool) {
	t.Helper()
	err := e.tracker.Track(context.Background(), o.ID, "t1")
	if err != nil && !strings.Contains(err.Error(), "snoozed") {
		t.Fatalf("track: %v", err)
	}
	return err != nil
}

func countPrefix(notes []string, substr string) int {
	n := 0
	for _, s := range notes {
		if strings.Contains(s, substr) {
			n++
		}
	}
	return n
}

func TestTrackLifeCycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newTrackEnv(t, st, sandbox.Config{}, nil)
		ctx := context.Background()
		o := e.placed(t, 2)
		number := o.IntcomexOrderNumber

		if !e.track(t, o) {
			t.Fatal("an open order must be followed")
		}
		if got := e.order(t, o.ID); got.State != store.OrderPlaced || got.NextCheckAt.IsZero() {
			t.Fatalf("after a check without change: %s, next %v", got.State, got.NextCheckAt)
		}
		if _, err := e.sb.AdvanceOrder(number, 1); err != nil {
			t.Fatal(err)
		}
		e.track(t, o)
		if got := e.order(t, o.ID); got.State != store.OrderInProcess || got.IntcomexStatus != 2 {
			t.Fatalf("after 2: %s %d", got.State, got.IntcomexStatus)
		}
		if _, err := e.sb.AdvanceOrder(number, 2); err != nil { // 4 Ready to deliver, 5 Invoiced
			t.Fatal(err)
		}
		for range 3 { // retried: nothing written twice
			if !e.track(t, o) {
				t.Fatal("an invoiced order is followed to delivery")
			}
		}
		got := e.order(t, o.ID)
		var serials []string
		var tracking []orders.Tracking
		if err := json.Unmarshal(got.Serials, &serials); err != nil || len(serials) != 2 {
			t.Fatalf("serials %s: %v", got.Serials, err)
		}
		if err := json.Unmarshal(got.Tracking, &tracking); err != nil || len(tracking) != 1 || tracking[0].TrackingID == "" {
			t.Fatalf("tracking %s: %v", got.Tracking, err)
		}
		if got.State != store.OrderInvoiced || got.InvoiceNumber == "" || got.InvoiceURL == "" {
			t.Fatalf("invoiced: %s invoice %q %q", got.State, got.InvoiceNumber, got.InvoiceURL)
		}
		if _, err := e.sb.AdvanceOrder(number, 1); err != nil {
			t.Fatal(err)
		}
		if e.track(t, o) {
			t.Fatal("a delivered order is not followed any more")
		}
		e.track(t, o) // a retry after the end changes nothing
		got = e.order(t, o.ID)
		if got.State != store.OrderDelivered || got.IntcomexStatus != 7 {
			t.Fatalf("delivered: %s %d", got.State, got.IntcomexStatus)
		}

		notes := e.sf.Notes(o.StorefrontOrderID)
		for _, want := range []string{"In process (status 2)", "Invoiced/Closed (status 5)", "Delivered (status 7)", "serial numbers: " + serials[0], "invoice " + got.InvoiceNumber} {
			if n := countPrefix(notes, want); n != 1 {
				t.Errorf("note %q written %d times; notes: %q", want, n, notes)
			}
		}
		if f := e.sf.Fulfillments(o.StorefrontOrderID); len(f) != 1 || f[0].TrackingNumber != tracking[0].TrackingID || len(f[0].Serials) != 2 {
			t.Errorf("fulfillments %+v", f)
		}
		if n := e.sf.CountCalls("FulfillOrder"); n != 1 {
			t.Errorf("FulfillOrder called %d times", n)
		}
		so, _ := e.sf.GetOrder(ctx, o.StorefrontOrderID)
		if so.Meta["intcomex_status"] != "Delivered" || so.Meta["intcomex_invoice_number"] != got.InvoiceNumber ||
			so.Meta["intcomex_invoice_url"] != got.InvoiceURL || so.Meta["intcomex_serials"] != strings.Join(serials, ",") ||
			so.Status != platforms.OrderCompleted {
			t.Errorf("storefront order %s meta %v", so.Status, so.Meta)
		}

		// The timeline: every status change, with the IWS calls behind it.
		events, err := st.OrderEvents(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		statuses, withCalls := 0, 0
		for _, ev := range events {
			if ev.Kind == store.OrderEventStatus && strings.Contains(ev.Message, "status") {
				statuses++
				if len(ev.APICallIDs) > 0 && ev.JobID == "t1" {
					withCalls++
				}
			}
		}
		if statuses != 3 || withCalls != 3 {
			t.Errorf("status events %d, with their calls %d; events: %+v", statuses, withCalls, events)
		}
	})
}

func TestTrackWokenByIWSWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newTrackEnv(t, st, sandbox.Config{}, []time.Duration{time.Hour})
		ctx := context.Background()
		o := e.placed(t, 1)
		// Nothing due: the job waits an hour.
		if n, err := e.jobs.Drain(ctx); err != nil || n != 0 {
			t.Fatalf("drain before the webhook: %d, %v", n, err)
		}
		if _, err := e.sb.AdvanceOrder(o.IntcomexOrderNumber, 1); err != nil {
			t.Fatal(err)
		}
		// An unknown order number and another account's are harmless.
		if err := e.tracker.Notify(ctx, e.shop.IWSAccountID, "NOPE-1", 2); err != nil {
			t.Fatal(err)
		}
		if err := e.tracker.Notify(ctx, e.shop.IWSAccountID+100, o.IntcomexOrderNumber, 2); err != nil {
			t.Fatal(err)
		}
		if n, err := e.jobs.Drain(ctx); err != nil || n != 0 {
			t.Fatalf("drain after unknown notifications: %d, %v", n, err)
		}
		if err := e.tracker.Notify(ctx, e.shop.IWSAccountID, o.IntcomexOrderNumber, 2); err != nil {
			t.Fatal(err)
		}
		if n, err := e.jobs.Drain(ctx); err != nil || n != 1 {
			t.Fatalf("drain after the webhook: %d, %v", n, err)
		}
		if got := e.order(t, o.ID); got.State != store.OrderInProcess {
			t.Fatalf("after the webhook: %s", got.State)
		}
		list, err := e.jobs.List(ctx, jobs.ListFilter{})
		if err != nil {
			t.Fatal(err)
		}
		live := 0
		for _, j := range list {
			if j.Kind == orders.KindTrackOrder && !j.State.Finalized() {
				live++
				if j.State != jobs.StateScheduled {
					t.Errorf("track job %s, want scheduled", j.State)
				}
			}
		}
		if live != 1 {
			t.Errorf("%d live track_order jobs", live)
		}
	})
}

func TestTrackCancelledAtIWS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newTrackEnv(t, st, sandbox.Config{}, nil)
		o := e.placed(t, 1)
		if _, err := e.client.CancelOrder(context.Background(), o.IntcomexOrderNumber); err != nil {
			t.Fatal(err)
		}
		if e.track(t, o) {
			t.Fatal("a cancelled order is not followed")
		}
		got := e.order(t, o.ID)
		if got.State != store.OrderCancelled || got.IntcomexStatus != 6 {
			t.Fatalf("%s %d", got.State, got.IntcomexStatus)
		}
		if n := countPrefix(e.sf.Notes(o.StorefrontOrderID), "Canceled (status 6)"); n != 1 {
			t.Errorf("cancel note written %d times: %q", n, e.sf.Notes(o.StorefrontOrderID))
		}
	})
}

// cancelOnStorefront cancels the storefront order and delivers its order.updated webhook.
func (e *trackEnv) cancelOnStorefront(t *testing.T, o store.Order) orders.Outcome {
	t.Helper()
	ctx := context.Background()
	if err := e.sf.SetOrderStatus(ctx, o.StorefrontOrderID, platforms.OrderCancelled); err != nil {
		t.Fatal(err)
	}
	so, err := e.sf.GetOrder(ctx, o.StorefrontOrderID)
	if err != nil {
		t.Fatal(err)
	}
	var out orders.Outcome
	err = e.st.Transaction(ctx, func(tx *store.Tx) error {
		out, _, err = e.intake.ReceiveTx(ctx, tx, e.shop, platforms.WebhookEvent{Topic: platforms.TopicOrderUpdated, OrderID: so.ID, Order: &so})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStorefrontCancelAfterPlacement(t *testing.T) {
	t.Run("cancellable", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, st *store.Store) {
			e := newTrackEnv(t, st, sandbox.Config{}, []time.Duration{time.Hour})
			ctx := context.Background()
			o := e.placed(t, 1)
			if out := e.cancelOnStorefront(t, o); out != orders.OutcomeCancelled {
				t.Fatalf("outcome %s", out)
			}
			if out := e.cancelOnStorefront(t, o); out != orders.OutcomeSeen {
				t.Fatalf("second cancelled event: %s", out)
			}
			if n, err := e.jobs.Drain(ctx); err != nil || n != 1 {
				t.Fatalf("drain: %d, %v", n, err)
			}
			got := e.order(t, o.ID)
			if got.State != store.OrderCancelled || got.IntcomexStatus != 6 {
				t.Fatalf("%s %d", got.State, got.IntcomexStatus)
			}
			st2, err := e.client.GetOrderStatus(ctx, o.IntcomexOrderNumber)
			if err != nil || st2.Status.StatusCode != 6 {
				t.Fatalf("IWS status %+v, %v", st2, err)
			}
			events, _ := st.OrderEvents(ctx, o.ID)
			found := false
			for _, ev := range events {
				found = found || ev.Kind == store.OrderEventCancel && strings.Contains(ev.Message, "cancelled at IWS") && len(ev.APICallIDs) > 0
			}
			if !found {
				t.Errorf("no cancel event with its calls: %+v", events)
			}
		})
	})
	t.Run("too late", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, st *store.Store) {
			e := newTrackEnv(t, st, sandbox.Config{}, []time.Duration{time.Hour})
			ctx := context.Background()
			o := e.placed(t, 1)
			if _, err := e.sb.AdvanceOrder(o.IntcomexOrderNumber, 3); err != nil { // 5 Invoiced
				t.Fatal(err)
			}
			if out := e.cancelOnStorefront(t, o); out != orders.OutcomeCancelled {
				t.Fatalf("outcome %s", out)
			}
			if _, err := e.jobs.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			got := e.order(t, o.ID)
			if got.State != store.OrderHeld || got.HoldCode != orders.HoldCancel || !strings.Contains(got.HoldReason, "Invoiced") {
				t.Fatalf("%s %q %q", got.State, got.HoldCode, got.HoldReason)
			}
			if n := countPrefix(e.sf.Notes(o.StorefrontOrderID), "held for a person"); n != 1 {
				t.Errorf("hold note written %d times: %q", n, e.sf.Notes(o.StorefrontOrderID))
			}
			if e.sf.CountCalls("FulfillOrder") != 0 {
				t.Error("a cancelled order was fulfilled")
			}
		})
	})
	t.Run("before placing", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, st *store.Store) {
			e := newTrackEnv(t, st, sandbox.Config{}, nil)
			o := e.newOrder(t, 1)
			if out := e.cancelOnStorefront(t, o); out != orders.OutcomeCancelled {
				t.Fatalf("outcome %s", out)
			}
			if err := e.placer.Place(context.Background(), o.ID, "p1"); err != nil {
				t.Fatal(err)
			}
			if got := e.order(t, o.ID); got.State != store.OrderCancelled || got.IntcomexOrderNumber != "" {
				t.Fatalf("%s %q", got.State, got.IntcomexOrderNumber)
			}
		})
	})
}

func TestSweep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newTrackEnv(t, st, sandbox.Config{}, nil)
		ctx := context.Background()
		// An order whose webhook was never sent.
		lost := e.sf.CreateOrder(true, "USD", []memory.NewOrderLine{{SKU: e.sku, Quantity: 1, UnitPrice: "10.00"}})
		// An order whose webhook came.
		seen := e.newOrder(t, 1)
		res, err := e.sweeper.Sweep(ctx, e.shop.ID)
		if err != nil || res.Found != 2 || res.New != 1 {
			t.Fatalf("sweep: %+v, %v", res, err)
		}
		// The webhook of the lost order arrives late: still one order.
		so, _ := e.sf.GetOrder(ctx, lost)
		err = st.Transaction(ctx, func(tx *store.Tx) error {
			out, _, err := e.intake.ReceiveTx(ctx, tx, e.shop, platforms.WebhookEvent{Topic: platforms.TopicOrderPaid, OrderID: lost, Order: &so})
			if err == nil && out != orders.OutcomeSeen {
				t.Errorf("late webhook: %s", out)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := e.sweeper.Sweep(ctx, e.shop.ID); err != nil || res.New != 0 {
			t.Fatalf("second sweep: %+v, %v", res, err)
		}
		sw, err := st.OrderSweep(ctx, e.shop.ID)
		if err != nil || sw.SweptAt.IsZero() {
			t.Fatalf("sweep record %+v, %v", sw, err)
		}
		// Both are placed, once each.
		if _, err := e.jobs.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		all, err := st.ListOrders(ctx, store.OrderFilter{ShopID: e.shop.ID})
		if err != nil || len(all) != 2 {
			t.Fatalf("orders %d, %v", len(all), err)
		}
		for _, o := range all {
			if o.State != store.OrderPlaced || o.IntcomexOrderNumber == "" {
				t.Errorf("order %s: %s", o.StorefrontOrderID, o.State)
			}
		}
		found, err := e.client.GetOrder(ctx, all[0].CustomerOrderNumber)
		if err != nil || string(found.OrderNumber) != all[0].IntcomexOrderNumber {
			t.Errorf("IWS order: %v", err)
		}
		_ = seen
	})
}

// TestSweepSaysWhenAWebhookIsLate: a paid order the sweep takes in moments after it was paid is
// noted (its webhook may be on its way); one paid long before is a warning that points at the
// shop's webhooks.
func TestSweepSaysWhenAWebhookIsLate(t *testing.T) {
	st := storetest.New(t, migrations.SQLite, true)
	e := newTrackEnv(t, st, sandbox.Config{}, nil)
	ctx := context.Background()
	sweep := func(now time.Time) string {
		t.Helper()
		var logs bytes.Buffer
		sw, err := orders.NewSweeper(orders.SweeperConfig{Store: st, Clients: sandboxClients{sf: e.sf, client: e.client}, Intake: e.intake,
			Logger: slog.New(slog.NewTextHandler(&logs, nil)), Now: func() time.Time { return now }, Lookback: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := sw.Sweep(ctx, e.shop.ID); err != nil || res.New != 1 {
			t.Fatalf("sweep: %+v, %v", res, err)
		}
		return logs.String()
	}
	e.sf.CreateOrder(true, "USD", []memory.NewOrderLine{{SKU: e.sku, Quantity: 1, UnitPrice: "10.00"}})
	if logs := sweep(time.Now()); !strings.Contains(logs, "level=INFO") || !strings.Contains(logs, "before its webhook arrived") || strings.Contains(logs, "level=WARN") {
		t.Errorf("an order paid moments ago:\n%s", logs)
	}
	e.sf.CreateOrder(true, "USD", []memory.NewOrderLine{{SKU: e.sku, Quantity: 1, UnitPrice: "10.00"}})
	if logs := sweep(time.Now().Add(10 * time.Minute)); !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "connector shop webhooks ID --check") {
		t.Errorf("an order paid ten minutes before the sweep:\n%s", logs)
	}
}

func TestTrackIntervals(t *testing.T) {
	got := orders.TrackIntervals(2 * time.Minute)
	want := []time.Duration{2 * time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 3 * time.Hour}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("interval %d = %s, want %s", i, got[i], want[i])
		}
	}
	if _, err := orders.NewTracker(orders.TrackerConfig{}); err == nil || !strings.Contains(err.Error(), "no store") {
		t.Errorf("empty config: %v", err)
	}
	_ = errors.New
}

// An order the Placer adopted late (GetOrder after an unclear PlaceOrder) may be recorded with
// a status already far along: its state still follows it.
func TestTrackAdoptedLate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newTrackEnv(t, st, sandbox.Config{}, nil)
		o := e.placed(t, 1)
		if _, err := e.sb.AdvanceOrder(o.IntcomexOrderNumber, 4); err != nil { // 7 Delivered
			t.Fatal(err)
		}
		o.IntcomexStatus = 7
		o, err := st.SaveOrder(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if e.track(t, o) {
			t.Fatal("a delivered order is not followed")
		}
		got := e.order(t, o.ID)
		if got.State != store.OrderDelivered || got.InvoiceNumber == "" || e.sf.CountCalls("FulfillOrder") != 1 {
			t.Fatalf("%s invoice %q", got.State, got.InvoiceNumber)
		}
		if n := countPrefix(e.sf.Notes(o.StorefrontOrderID), "Delivered (status 7)"); n != 1 {
			t.Errorf("delivered note written %d times", n)
		}
	})
}

// A shop that keeps its orders' status when shipped (`shop settings --fulfilled-status
// processing`) gets the tracking, and the order stays as the merchant left it.
func TestTrackFulfilledStatusOfTheShop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newTrackEnv(t, st, sandbox.Config{}, nil)
		ctx := context.Background()
		shop := e.shop
		shop.FulfilledStatus = store.FulfilledProcessing
		saved, err := st.SaveShop(ctx, shop)
		if err != nil || saved.FulfilledStatus != store.FulfilledProcessing {
			t.Fatalf("save the setting: %q, %v", saved.FulfilledStatus, err)
		}
		e.shop = saved
		o := e.placed(t, 1)
		if _, err := e.sb.AdvanceOrder(o.IntcomexOrderNumber, 3); err != nil { // 2, 4, then 5 Invoiced: shipped
			t.Fatal(err)
		}
		e.track(t, o)
		if f := e.sf.Fulfillments(o.StorefrontOrderID); len(f) != 1 || !f[0].KeepStatus {
			t.Fatalf("fulfillments %+v; want one that keeps the status", f)
		}
		so, err := e.sf.GetOrder(ctx, o.StorefrontOrderID)
		if err != nil || so.Status != platforms.OrderProcessing {
			t.Fatalf("storefront order %s (%v); want it left processing", so.Status, err)
		}
	})
}
