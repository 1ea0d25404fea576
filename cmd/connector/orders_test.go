package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/platforms/memory"
)

// ordersEnv is a sandbox, a database with its account and a memory shop, and orders seeded
// through the store.
type ordersEnv struct {
	*syncEnv
}

func newOrdersEnv(t *testing.T) ordersEnv {
	t.Helper()
	return ordersEnv{newSyncEnv(t, 5)}
}

// seed records an order with the given fields, its events and API calls (one per event, with
// the event's job id), as the pipeline would have.
func (e ordersEnv) seed(t *testing.T, o store.Order, events ...store.OrderEvent) store.Order {
	t.Helper()
	ctx := context.Background()
	st := e.open(t)
	defer st.Close()
	o.ShopID = e.shopID
	if o.CustomerOrderNumber == "" {
		o.CustomerOrderNumber = "M1N" + o.StorefrontOrderID
	}
	want := o
	var got store.Order
	err := st.Transaction(ctx, func(tx *store.Tx) error {
		var err error
		o.State = store.OrderReceived
		got, _, err = st.UpsertOrderTx(ctx, tx, o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want.ID, want.Version, want.Lines = got.ID, got.Version, nil
	oid := want.ID
	for i := range events {
		call := &store.APICall{System: "iws", Method: "getproducts", HTTPMethod: "POST",
			URL: "https://iws.example/v1/getproducts?apiKey=x&signature=REDACTED", StatusCode: 200,
			Duration: 12 * time.Millisecond, JobID: events[i].JobID, OrderID: itoa(oid), ShopID: e.shopID}
		if err := st.InsertAPICall(ctx, call); err != nil {
			t.Fatal(err)
		}
		events[i].APICallIDs = []int64{call.ID}
	}
	saved, err := st.SaveOrder(ctx, want, events...)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func jsonNum(n int64) string { return strconv.FormatInt(n, 10) }

func (e ordersEnv) order(t *testing.T, id int64) store.Order {
	t.Helper()
	st := e.open(t)
	defer st.Close()
	o, err := st.Order(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (e ordersEnv) jobs(t *testing.T, kind string) []*jobs.JobRow {
	t.Helper()
	st := e.open(t)
	defer st.Close()
	c, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.List(context.Background(), jobs.ListFilter{Kinds: []string{kind}})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

func TestOrdersListCommand(t *testing.T) {
	t.Parallel()
	e := newOrdersEnv(t)
	ctx := context.Background()
	out, _, err := runCmd(ctx, e.env, "orders", "list")
	if err != nil || !strings.Contains(out, "No orders yet") {
		t.Fatalf("empty list: %v\n%s", err, out)
	}
	out, _, err = runCmd(ctx, e.env, "orders", "list", "--json")
	if err != nil || strings.TrimSpace(out) != "[]" {
		t.Fatalf("empty json: %v %q", err, out)
	}
	held := e.seed(t, store.Order{StorefrontOrderID: "1001", StorefrontOrderNumber: "#1001", State: store.OrderHeld,
		HoldCode: orders.HoldStock, HoldReason: "SKU A1: 2 ordered, 0 in stock in the shop's warehouses"})
	e.seed(t, store.Order{StorefrontOrderID: "1002", StorefrontOrderNumber: "#1002", State: store.OrderPlaced,
		IntcomexOrderNumber: "IX77", PlacedAt: time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)})

	out, _, err = runCmd(ctx, e.env, "orders", "list")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"STOREFRONT ORDER", "CUSTOMER ORDER", "INTCOMEX ORDER", "HOLD REASON",
		"M1N1001", "held", "0 in stock", "IX77", "placed"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "1002") > strings.Index(out, "1001") {
		t.Errorf("not newest first:\n%s", out)
	}

	out, _, err = runCmd(ctx, e.env, "orders", "list", "--state", "held", "--shop", itoa(e.shopID), "--since", "24h", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(items) != 1 || items[0]["storefront_order_id"] != "1001" || items[0]["state"] != "held" ||
		items[0]["hold_code"] != "stock" || items[0]["customer_order_number"] != "M1N1001" || items[0]["intcomex_order_number"] != "" ||
		items[0]["placed_at"] != nil || items[0]["id"] != float64(held.ID) {
		t.Errorf("held as JSON = %v", items)
	}
	for _, key := range []string{"shop_id", "storefront_order_number", "hold_reason", "intcomex_status", "paid_at", "updated_at"} {
		if _, ok := items[0][key]; !ok {
			t.Errorf("JSON lacks %q: %v", key, items[0])
		}
	}

	out, _, err = runCmd(ctx, e.env, "orders", "list", "--since", "2099-01-01")
	if err != nil || !strings.Contains(out, "No order matches these filters") {
		t.Errorf("future --since: %v\n%s", err, out)
	}

	for _, args := range [][]string{
		{"--state", "lost"}, {"--since", "yesterday"}, {"--shop", "x"}, {"--limit", "0"},
	} {
		_, _, err := runCmd(ctx, e.env, append([]string{"orders", "list"}, args...)...)
		if !isUsage(err) {
			t.Errorf("%v: want a usage error, got %v", args, err)
		}
		if args[0] == "--state" && (!strings.Contains(err.Error(), "received, validating, placing") || !strings.Contains(err.Error(), "Example:")) {
			t.Errorf("unknown state: %v", err)
		}
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-11-01":                now.AddDate(0, 0, -9).Add(-12 * time.Hour),
		"2026-11-01T09:00:00-05:00": time.Date(2026, 11, 1, 14, 0, 0, 0, time.UTC),
		"24h":                       now.Add(-24 * time.Hour),
		"7d":                        now.AddDate(0, 0, -7),
	} {
		got, err := parseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-24h", "0d", "yesterday", "2026-13-01"} {
		if _, err := parseSince(in, now); err == nil {
			t.Errorf("parseSince(%q) accepted", in)
		}
	}
}

func TestOrderShowCommand(t *testing.T) {
	t.Parallel()
	e := newOrdersEnv(t)
	ctx := context.Background()
	// The memory shop has the order: show reads it live.
	sf := testApp.storefronts(Config{DatabaseURL: e.dbURL}, nil, nil).MemoryShop(e.shopID)
	sfID := sf.CreateOrder(true, "USD", []memory.NewOrderLine{{SKU: "A1", Quantity: 2, UnitPrice: "150"}})
	o := e.seed(t, store.Order{StorefrontOrderID: sfID, StorefrontOrderNumber: "#" + sfID, State: store.OrderInvoiced,
		StorefrontStatus: "processing", Currency: "USD", Total: "300.00",
		IntcomexOrderNumber: "IX9", IntcomexStatus: 5, IntcomexTotal: "204.00", IntcomexCurrency: "USD",
		InvoiceNumber: "INV-5", InvoiceURL: "https://iws.example/invoice/INV-5", Attempts: 1,
		Serials: json.RawMessage(`["SN1","SN2"]`), Tracking: json.RawMessage(`[{"tracking_id":"TRK1"}]`),
		PlacedAt: time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC),
		Lines:    []store.OrderLine{{StorefrontLineID: "7", SKU: "A1", Name: "Mouse", Quantity: 2, UnitPrice: "150", Intcomex: true}}},
		store.OrderEvent{Kind: store.OrderEventWebhook, Message: "paid order received (webhook)"},
		store.OrderEvent{Kind: store.OrderEventValidation, Message: "1 Intcomex line(s) checked with IWS", JobID: "41"},
		store.OrderEvent{Kind: store.OrderEventPlacement, Message: "placed with IWS: Intcomex order IX9", JobID: "41"})

	out, _, err := runCmd(ctx, e.env, "order", "show", itoa(e.shopID), sfID)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"customer order  M1N" + sfID, "state           invoiced", "(read now)", "order IX9, status 5 invoiced, total 204.00 USD",
		"INV-5 https://iws.example/invoice/INV-5", `["SN1","SN2"]`, "TRK1", "A1", "Intcomex", "webhook", "paid order received",
		"placement", "iws getproducts POST /v1/getproducts → 200 in 12 ms"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "signature") || strings.Contains(out, "apiKey") {
		t.Errorf("show prints the query:\n%s", out)
	}

	out, _, err = runCmd(ctx, e.env, "order", "show", itoa(e.shopID), sfID, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var doc orders.Detail
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.ID != o.ID || doc.Storefront.Live == nil || doc.Storefront.Live.Total == "" || doc.Intcomex.OrderNumber != "IX9" ||
		len(doc.Timeline) != 3 || len(doc.Timeline[0].APICalls) != 1 || doc.Timeline[2].APICalls[0].Path != "/v1/getproducts" ||
		doc.Timeline[2].JobID != "41" || len(doc.Lines) != 1 || compactJSON(doc.Serials) != `["SN1","SN2"]` {
		t.Errorf("show --json = %+v", doc)
	}

	// An order the storefront does not have (any more): what we have, and why it could not be read.
	e.seed(t, store.Order{StorefrontOrderID: "5555", StorefrontOrderNumber: "5555", State: store.OrderHeld, HoldCode: "stock", HoldReason: "no stock"})
	out, _, err = runCmd(ctx, e.env, "order", "show", itoa(e.shopID), "5555")
	if err != nil || !strings.Contains(out, "could not be read now") || !strings.Contains(out, "held            stock: no stock") ||
		!strings.Contains(out, "not placed (0 PlaceOrder attempt(s))") {
		t.Errorf("show of an order the shop lacks: %v\n%s", err, out)
	}

	_, _, err = runCmd(ctx, e.env, "order", "show", itoa(e.shopID), "404")
	if err == nil || !strings.Contains(err.Error(), "connector orders list --shop") || isUsage(err) {
		t.Errorf("unknown order: %v", err)
	}
	_, _, err = runCmd(ctx, e.env, "order", "show", "99", "1")
	if err == nil || !strings.Contains(err.Error(), "no shop with id 99") {
		t.Errorf("unknown shop: %v", err)
	}
	for _, args := range [][]string{{"order", "show", itoa(e.shopID)}, {"order", "show", "x", "1"}, {"order", "retry"}, {"order", "frobnicate"}} {
		if _, _, err := runCmd(ctx, e.env, args...); !isUsage(err) {
			t.Errorf("%v: want a usage error, got %v", args, err)
		}
	}
}

// sandboxOrder places an order in the sandbox and returns its Intcomex number.
func (e ordersEnv) sandboxOrder(t *testing.T, customerNumber string) string {
	t.Helper()
	c, err := iws.New(iws.Config{BaseURL: e.env["CONNECTOR_IWS_URL"], APIKey: syncTestAPIKey, AccessKey: syncTestAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	for _, sku := range e.sb.SKUs() {
		stock, _ := e.sb.Stock(sku)
		total := 0
		for _, n := range stock {
			total += n
		}
		if total < 1 {
			continue
		}
		so, err := c.PlaceOrder(context.Background(), &iws.PlaceOrderParams{CustomerOrderNumber: customerNumber,
			Items: []iws.RequestOrderItem{{Sku: sku, Quantity: iws.Int(1)}}})
		if err != nil {
			t.Fatal(err)
		}
		return string(so.OrderNumber)
	}
	t.Fatal("no SKU in stock in the sandbox")
	return ""
}

func TestOrderActionCommands(t *testing.T) {
	t.Parallel()
	e := newOrdersEnv(t)
	ctx := context.Background()
	shop := itoa(e.shopID)

	// retry: a held order goes back to received with its place_order job.
	held := e.seed(t, store.Order{StorefrontOrderID: "2001", StorefrontOrderNumber: "2001", State: store.OrderHeld, HoldCode: "stock", HoldReason: "no stock"})
	out, _, err := runCmd(ctx, e.env, "order", "retry", shop, "2001")
	if err != nil || !strings.Contains(out, "moved from held to received") || !strings.Contains(out, "enqueued") || strings.Count(out, "\n") != 1 {
		t.Fatalf("retry: %v\n%s", err, out)
	}
	if got := e.order(t, held.ID); got.State != store.OrderReceived || got.HoldReason != "" {
		t.Errorf("after retry: %s %q", got.State, got.HoldReason)
	}
	if js := e.jobs(t, orders.KindPlaceOrder); len(js) != 1 {
		t.Errorf("%d place_order jobs", len(js))
	}
	out, _, err = runCmd(ctx, e.env, "order", "retry", shop, "2001")
	if err != nil || !strings.Contains(out, "already queued") {
		t.Errorf("second retry: %v\n%s", err, out)
	}

	// cancel of an order never placed.
	out, _, err = runCmd(ctx, e.env, "order", "cancel", shop, "2001")
	if err != nil || !strings.Contains(out, "will never be placed") {
		t.Fatalf("cancel: %v\n%s", err, out)
	}
	if _, _, err = runCmd(ctx, e.env, "order", "cancel", shop, "2001"); err == nil || !strings.Contains(err.Error(), "already cancelled") {
		t.Errorf("second cancel: %v", err)
	}
	if _, _, err = runCmd(ctx, e.env, "order", "retry", shop, "2001"); err == nil || !strings.Contains(err.Error(), "never placed") {
		t.Errorf("retry of a cancelled order: %v", err)
	}

	// cancel of a placed order: CancelOrder at the sandbox, recorded with its API call.
	number := e.sandboxOrder(t, "M1N2002")
	placed := e.seed(t, store.Order{StorefrontOrderID: "2002", StorefrontOrderNumber: "2002", State: store.OrderPlaced,
		IntcomexOrderNumber: number, IntcomexStatus: 1, Attempts: 1, PlacedAt: time.Now()})
	out, _, err = runCmd(ctx, e.env, "order", "cancel", shop, "2002")
	if err != nil || !strings.Contains(out, "Intcomex order "+number+" cancelled at IWS") {
		t.Fatalf("cancel placed: %v\n%s", err, out)
	}
	got := e.order(t, placed.ID)
	if got.State != store.OrderCancelled || got.IntcomexStatus != iws.StatusCanceled {
		t.Errorf("after cancel: %s %d", got.State, got.IntcomexStatus)
	}
	for _, so := range e.sb.Orders() {
		if so.OrderNumber == number && so.Status != iws.StatusCanceled {
			t.Errorf("sandbox order status %d", so.Status)
		}
	}
	// Its write-back (a note on the storefront order) is the track_order job's.
	if js := e.jobs(t, "track_order"); len(js) != 1 || string(js[0].Args) != `{"order_id":`+jsonNum(placed.ID)+`}` {
		t.Errorf("after cancel, track_order jobs = %v; want one for order %d", js, placed.ID)
	}
	out, _, _ = runCmd(ctx, e.env, "order", "show", shop, "2002")
	if !strings.Contains(out, "cancelled by a person (CancelOrder)") || !strings.Contains(out, "iws cancelorder POST /v1/cancelorder → 200") {
		t.Errorf("timeline of the cancellation:\n%s", out)
	}

	// IWS refuses once the order is ready to deliver.
	number = e.sandboxOrder(t, "M1N2003")
	if _, err := e.sb.AdvanceOrder(number, 3); err != nil {
		t.Fatal(err)
	}
	e.seed(t, store.Order{StorefrontOrderID: "2003", StorefrontOrderNumber: "2003", State: store.OrderInProcess,
		IntcomexOrderNumber: number, IntcomexStatus: 2, Attempts: 1, PlacedAt: time.Now()})
	_, _, err = runCmd(ctx, e.env, "order", "cancel", shop, "2003")
	if err == nil || !strings.Contains(err.Error(), "IWS refused to cancel Intcomex order "+number) || !strings.Contains(err.Error(), "code 39") {
		t.Errorf("refused cancel: %v", err)
	}

	// refresh: a placed order's tracking job; an unplaced one has none.
	out, _, err = runCmd(ctx, e.env, "order", "refresh", shop, "2003")
	if err != nil || !strings.Contains(out, "Status check of Intcomex order "+number) || !strings.Contains(out, "enqueued") {
		t.Fatalf("refresh: %v\n%s", err, out)
	}
	if js := e.jobs(t, "track_order"); len(js) != 2 || string(js[0].Args) != `{"order_id":`+jsonNum(e.orderID(t, "2003"))+`}` { // newest first
		t.Errorf("track_order jobs = %v", js)
	}
	out, _, err = runCmd(ctx, e.env, "order", "refresh", shop, "2003")
	if err != nil || !strings.Contains(out, "already queued") {
		t.Errorf("second refresh: %v\n%s", err, out)
	}
	e.seed(t, store.Order{StorefrontOrderID: "2004", StorefrontOrderNumber: "2004", State: store.OrderHeld, HoldCode: "stock", HoldReason: "x"})
	if _, _, err := runCmd(ctx, e.env, "order", "refresh", shop, "2004"); err == nil || !strings.Contains(err.Error(), "nothing to track") {
		t.Errorf("refresh of an unplaced order: %v", err)
	}
}

func (e ordersEnv) orderID(t *testing.T, sfID string) int64 {
	t.Helper()
	st := e.open(t)
	defer st.Close()
	o, err := st.OrderByStorefrontID(context.Background(), e.shopID, sfID)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func TestShopResumeOrdersCommand(t *testing.T) {
	t.Parallel()
	e := newOrdersEnv(t)
	ctx := context.Background()
	shop := itoa(e.shopID)
	out, _, err := runCmd(ctx, e.env, "shop", "resume-orders", shop)
	if err != nil || !strings.Contains(out, "nothing to do") {
		t.Errorf("resume without a hold: %v\n%s", err, out)
	}
	st := e.open(t)
	if err := st.HoldShopOrders(ctx, e.shopID, "IWS says the customer account is on hold (error 42)"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	held := e.seed(t, store.Order{StorefrontOrderID: "3001", StorefrontOrderNumber: "3001", State: store.OrderHeld,
		HoldCode: store.HoldCodeShop, HoldReason: "the shop's orders are held"})
	other := e.seed(t, store.Order{StorefrontOrderID: "3002", StorefrontOrderNumber: "3002", State: store.OrderHeld, HoldCode: "stock", HoldReason: "x"})
	// retry names resume-orders while the shop is held.
	if _, _, err := runCmd(ctx, e.env, "order", "retry", shop, "3001"); err == nil || !strings.Contains(err.Error(), "connector shop resume-orders "+shop) {
		t.Errorf("retry of a shop-held order: %v", err)
	}
	out, _, err = runCmd(ctx, e.env, "shop", "resume-orders", shop)
	if err != nil || !strings.Contains(out, "1 held order(s) enqueued") {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	if e.order(t, held.ID).State != store.OrderReceived || e.order(t, other.ID).State != store.OrderHeld {
		t.Error("resume moved the wrong orders")
	}
	if js := e.jobs(t, orders.KindPlaceOrder); len(js) != 1 {
		t.Errorf("%d place_order jobs", len(js))
	}
	out, _, _ = runCmd(ctx, e.env, "shop", "list")
	if strings.Contains(out, "ORDERS HELD") {
		t.Errorf("shop still held:\n%s", out)
	}
	for _, args := range [][]string{{"shop", "resume-orders"}, {"shop", "resume-orders", "x"}} {
		if _, _, err := runCmd(ctx, e.env, args...); !isUsage(err) {
			t.Errorf("%v: want a usage error, got %v", args, err)
		}
	}
	if _, _, err := runCmd(ctx, e.env, "shop", "resume-orders", "99"); err == nil || !strings.Contains(err.Error(), "no shop with id 99") {
		t.Errorf("unknown shop: %v", err)
	}
}

func TestOrdersReportCommand(t *testing.T) {
	t.Parallel()
	e := newOrdersEnv(t)
	ctx := context.Background()
	nov := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC) }
	out, _, err := runCmd(ctx, e.env, "orders", "report", "--month", "2026-11")
	if err != nil || !strings.Contains(out, "No order was placed with Intcomex in 2026-11") {
		t.Errorf("empty report: %v\n%s", err, out)
	}
	e.seed(t, store.Order{StorefrontOrderID: "1", StorefrontOrderNumber: "#1", State: store.OrderInvoiced, IntcomexOrderNumber: "IX1",
		IntcomexStatus: 5, IntcomexTotal: "100.50", IntcomexCurrency: "USD", InvoiceNumber: "INV-1", InvoiceURL: "https://iws.example/i/1",
		PaidAt: nov(1, 9), PlacedAt: nov(1, 10)},
		store.OrderEvent{Kind: store.OrderEventStatus, Message: "IWS status 5", At: nov(4, 8), Detail: json.RawMessage(`{"status":5,"previous":2}`)})
	e.seed(t, store.Order{StorefrontOrderID: "2", StorefrontOrderNumber: "#2", State: store.OrderPlaced, IntcomexOrderNumber: "IX2",
		IntcomexStatus: 1, IntcomexTotal: "20", IntcomexCurrency: "USD", PaidAt: nov(30, 22), PlacedAt: nov(30, 23)})
	e.seed(t, store.Order{StorefrontOrderID: "3", StorefrontOrderNumber: "#3", State: store.OrderPlaced, IntcomexOrderNumber: "IX3",
		IntcomexTotal: "7", IntcomexCurrency: "USD", PlacedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}) // December
	e.seed(t, store.Order{StorefrontOrderID: "4", StorefrontOrderNumber: "#4", State: store.OrderHeld, HoldCode: "stock", HoldReason: "x"})
	e.seed(t, store.Order{StorefrontOrderID: "5", StorefrontOrderNumber: "#5, \"gift\"", State: store.OrderPlaced, IntcomexOrderNumber: "IX5",
		IntcomexTotal: "300", IntcomexCurrency: "MXN", PlacedAt: nov(15, 12)})

	out, _, err = runCmd(ctx, e.env, "orders", "report", "--month", "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"IX1", "IX2", "IX5", "100.50 USD", "INV-1 https://iws.example/i/1", "2026-11-04 08:00",
		"3 order(s) placed in 2026-11 (UTC)", "MXN 300.00 (1 order(s))", "USD 120.50 (2 order(s))"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "IX3") {
		t.Errorf("report has December's order:\n%s", out)
	}

	path := filepath.Join(t.TempDir(), "nov.csv")
	if _, _, err := runCmd(ctx, e.env, "orders", "report", "--month", "2026-11", "--csv", path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sid := itoa(e.shopID)
	want := "shop_id,storefront_order_id,storefront_order_number,customer_order_number,intcomex_order_number,paid_at,placed_at,invoiced_at,state,intcomex_status,intcomex_total,intcomex_currency,invoice_number,invoice_url\r\n" +
		sid + ",1,#1,M1N1,IX1,2026-11-01T09:00:00Z,2026-11-01T10:00:00Z,2026-11-04T08:00:00Z,invoiced,5,100.50,USD,INV-1,https://iws.example/i/1\r\n" +
		sid + `,5,"#5, ""gift""",M1N5,IX5,,2026-11-15T12:00:00Z,,placed,,300,MXN,,` + "\r\n" +
		sid + ",2,#2,M1N2,IX2,2026-11-30T22:00:00Z,2026-11-30T23:00:00Z,,placed,1,20,USD,,\r\n"
	if string(b) != want {
		t.Errorf("CSV =\n%q\nwant\n%q", b, want)
	}
	out, _, err = runCmd(ctx, e.env, "orders", "report", "--month", "2026-11", "--csv", "-")
	if err != nil || out != want {
		t.Errorf("CSV on stdout: %v\n%q", err, out)
	}

	for _, args := range [][]string{{}, {"--month", "11/2026"}, {"--month", "2026-13"}} {
		_, _, err := runCmd(ctx, e.env, append([]string{"orders", "report"}, args...)...)
		if !isUsage(err) || !strings.Contains(err.Error(), "connector orders report --month 2026-11") {
			t.Errorf("%v: want a usage error with an example, got %v", args, err)
		}
	}
}
