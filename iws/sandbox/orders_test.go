package sandbox_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

func TestPlaceOrderErrorDetails(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	sku := e.physicalInStock(2)[0]
	first := e.placeOrder("WC-77", sku, 1)

	r := e.post("/v1/placeorder?customerOrderNumber=WC-77", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 400, 90)
	if want := "Customer order number 'WC-77' is already assigned to order " + string(first.OrderNumber) + "."; r.message() != want {
		t.Errorf("90 message %q, want %q", r.message(), want)
	}
	// The body's customer order number counts too, and the query wins over it.
	e.post("/v1/placeorder", map[string]any{"CustomerOrderNumber": "WC-77", "Items": []map[string]any{{"Sku": sku, "Quantity": 1}}}).want(t, 400, 90)
	e.post("/v1/placeorder?customerOrderNumber=WC-78", map[string]any{"CustomerOrderNumber": "WC-77", "Items": []map[string]any{{"Sku": sku, "Quantity": 1}}}).want(t, 200, 0)

	stock, _ := e.sb.Stock(sku)
	r = e.post("/v1/placeorder?locationId=xclq1", []map[string]any{{"Sku": sku, "Quantity": stock["xclq1"] + 1}}).want(t, 404, 23)
	var body map[string]any
	r.decode(t, &body)
	want := map[string]any{"Sku": sku, "QuantityAttempted": itoa(stock["xclq1"] + 1), "CurrentStock": itoa(stock["xclq1"]), "LocationId": "xclq1"}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("23 %s = %v, want %v", k, body[k], v)
		}
	}
	total := stock["xclq1"] + stock["xclq2"] + stock["xclq3"]
	r = e.post("/v1/placeorder", []map[string]any{{"Sku": sku, "Quantity": total + 1}}).want(t, 404, 23)
	r.decode(t, &body)
	if body["CurrentStock"] != itoa(total) || body["LocationId"] != nil {
		t.Errorf("23 without location: %v", body)
	}
	// Two lines of the same SKU draw from the same stock.
	e.post("/v1/placeorder", []map[string]any{{"Sku": sku, "Quantity": total}, {"Sku": sku, "Quantity": 1}}).want(t, 404, 23)
	e.post("/v1/placeorder?locationId=xx9", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 400, 101)

	strict := newEnv(t, sandbox.Config{RequireCustomerOrderNumber: true})
	strict.post("/v1/placeorder", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 400, 91)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestStockIsTakenAndRestored(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	sku := e.physicalInStock(3)[0]
	before, _ := e.sb.Stock(sku)
	loc := "xclq1"
	for l, n := range before {
		if n > before[loc] {
			loc = l
		}
	}
	r := e.post("/v1/placeorder?customerOrderNumber=S-1&locationId="+loc, []map[string]any{{"Sku": sku, "Quantity": 2}}).want(t, 200, 0)
	var so iws.SalesOrder
	r.decode(t, &so)
	if so.Items[0].LocationID != loc || so.Status.StatusCode != iws.StatusOpen || so.Status.Description != "Open" {
		t.Errorf("order: location %s, status %+v", so.Items[0].LocationID, so.Status)
	}
	unit := so.Items[0].UnitPrice.Value()
	if !so.Items[0].ExtendedPrice.Value().Equal(unit.Mul(decimal.NewFromInt(2))) {
		t.Errorf("ExtendedPrice %s for 2 × %s", so.Items[0].ExtendedPrice.Value(), unit)
	}
	if !so.Total.Value().Equal(so.Subtotal.Value().Add(so.Tax.Value())) {
		t.Errorf("Total %s != Subtotal %s + Tax %s", so.Total.Value(), so.Subtotal.Value(), so.Tax.Value())
	}
	if so.Shipments == nil || len(so.Shipments) != 0 || so.SerialNumbers == nil || len(so.SerialNumbers) != 0 {
		t.Errorf("a new order has Shipments %v and SerialNumbers %v, want []", so.Shipments, so.SerialNumbers)
	}
	after, _ := e.sb.Stock(sku)
	if after[loc] != before[loc]-2 {
		t.Errorf("stock at %s: %d → %d", loc, before[loc], after[loc])
	}
	var p iws.Product
	e.get("/v1/getproduct?sku="+sku).want(t, 200, 0).decode(t, &p)
	sum := 0
	for _, n := range after {
		sum += n
	}
	if int(*p.InStock) != sum {
		t.Errorf("GetProduct InStock %d, stock %d", *p.InStock, sum)
	}
	var canceled iws.SalesOrder
	e.post("/v1/cancelorder", map[string]string{"OrderNumber": "S-1"}).want(t, 200, 0).decode(t, &canceled)
	if canceled.Status.StatusCode != iws.StatusCanceled {
		t.Errorf("canceled status %+v", canceled.Status)
	}
	restored, _ := e.sb.Stock(sku)
	if restored[loc] != before[loc] {
		t.Errorf("stock after cancel %d, before %d", restored[loc], before[loc])
	}
	e.post("/v1/cancelorder", map[string]string{"OrderNumber": "S-1"}).want(t, 401, 39)
	// The number stays taken after a cancellation.
	e.post("/v1/placeorder?customerOrderNumber=S-1", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 400, 90)

	// Without a location, an order larger than any one warehouse is spread over several.
	total := restored["xclq1"] + restored["xclq2"] + restored["xclq3"]
	e.post("/v1/placeorder", []map[string]any{{"Sku": sku, "Quantity": total}}).want(t, 200, 0)
	if empty, _ := e.sb.Stock(sku); empty["xclq1"]+empty["xclq2"]+empty["xclq3"] != 0 {
		t.Errorf("stock left after ordering all of it: %v", empty)
	}
}

func TestConcurrentCustomerOrderNumber(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	release := sandbox.HoldCommits(e.sb)
	defer release() // a failed check must not leave the first placement held when the server closes
	chk := newChecker(t)
	sku := e.physicalInStock(2)[0]
	body := []map[string]any{{"Sku": sku, "Quantity": 1}}
	first := make(chan *response, 1)
	go func() { first <- e.post("/v1/placeorder?customerOrderNumber=RACE-1", body) }()
	poll := time.NewTicker(2 * time.Millisecond)
	defer poll.Stop()
	for len(e.sb.Summary().InFlight) == 0 { // until the first placement is in flight
		<-poll.C
	}
	second := e.post("/v1/placeorder?customerOrderNumber=RACE-1", body)
	release()
	second.want(t, 400, 92)
	chk.check(t, "/placeorder", second)
	if !strings.Contains(second.message(), "'RACE-1' has already been used in another request") {
		t.Errorf("92 message %q", second.message())
	}
	(<-first).want(t, 200, 0)
	e.post("/v1/placeorder?customerOrderNumber=RACE-1", body).want(t, 400, 90)
	if n := len(e.sb.Orders()); n != 1 {
		t.Errorf("%d orders placed", n)
	}
}

func TestCreditLimit(t *testing.T) {
	e := newEnv(t, sandbox.Config{CreditLimit: decimal.NewFromInt(1000)})
	// A product priced so that two orders fit in the limit and a third does not: set, not hoped
	// for in the generated catalog.
	sku, price := e.physicalInStock(3)[0], decimal.NewFromInt(300)
	if err := e.sb.SetPrice(sku, price); err != nil {
		t.Fatal(err)
	}
	if p, err := e.sb.Product(sku); err != nil || !p.Price.UnitPrice.Equal(price) {
		t.Fatalf("price after SetPrice: %v, %v", p.Price, err)
	}
	withTax := price.Mul(decimal.RequireFromString("1.19"))
	n := int(decimal.NewFromInt(1000).Div(withTax).IntPart()) // orders that fit
	for i := range n {
		e.post("/v1/placeorder?customerOrderNumber=C-"+itoa(i), []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 200, 0)
	}
	r := e.post("/v1/placeorder?customerOrderNumber=C-over", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 500, 660)
	if r.message() != "Insufficient available credit to place order." {
		t.Errorf("660 message %q", r.message())
	}
	e.post("/v1/cancelorder", map[string]string{"OrderNumber": "C-0"}).want(t, 200, 0)
	e.post("/v1/placeorder?customerOrderNumber=C-over", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 200, 0)
}

// hookRecorder is a webhook receiver that verifies the IWS Bearer signature against the shared clock.
type hookRecorder struct {
	t     *testing.T
	clock *fakeClock
	fail  int // answer 500 to this many deliveries first

	mu     sync.Mutex
	bodies [][]byte
	got    chan struct{}
}

func newHookRecorder(t *testing.T, clock *fakeClock) (*hookRecorder, *httptest.Server) {
	h := &hookRecorder{t: t, clock: clock, got: make(chan struct{}, 100)}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv
}

func (h *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail > 0 {
		h.fail--
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	switch _, err := iws.VerifyWebhook(r.Header, testAPIKey, testAccessKey, h.clock.Now()); {
	case r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json":
		h.t.Errorf("webhook request: %s %s", r.Method, r.Header.Get("Content-Type"))
	case !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer Bearer apiKey="):
		h.t.Errorf("webhook Authorization is not the spec's form: %q", r.Header.Get("Authorization"))
	case err != nil:
		h.t.Errorf("webhook token %q: %v", r.Header.Get("Authorization"), err)
	}
	h.bodies = append(h.bodies, body)
	h.got <- struct{}{}
}

// wait returns the first n bodies, waiting for them.
func (h *hookRecorder) wait(n int) [][]byte {
	h.t.Helper()
	for {
		h.mu.Lock()
		if len(h.bodies) >= n {
			out := append([][]byte(nil), h.bodies...)
			h.mu.Unlock()
			return out
		}
		h.mu.Unlock()
		<-h.got
	}
}

func (h *hookRecorder) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.bodies)
}

func TestStatusMachineOnTheClock(t *testing.T) {
	clock := newClock()
	hooks, hookSrv := newHookRecorder(t, clock)
	e := newEnv(t, sandbox.Config{Clock: clock.Now, StatusInterval: 30 * time.Second, WebhookURL: hookSrv.URL})
	e.clock = clock
	chk := newChecker(t)
	skus := e.physicalInStock(3)
	r := e.post("/v1/placeorder?customerOrderNumber=ST-1&carrierId=CLX1",
		[]map[string]any{{"Sku": skus[0], "Quantity": 3}, {"Sku": skus[1], "Quantity": 1}}).want(t, 200, 0)
	var so iws.SalesOrder
	r.decode(t, &so)
	number := string(so.OrderNumber)
	status := func() int {
		t.Helper()
		var st iws.OrderStatus
		e.get("/v1/getorderstatus?orderNumber="+number).want(t, 200, 0).decode(t, &st)
		return int(st.Status.StatusCode)
	}
	order := func() iws.SalesOrder {
		t.Helper()
		var o iws.SalesOrder
		resp := e.get("/v1/getorder?orderNumber="+number).want(t, 200, 0)
		chk.check(t, "/getorder", resp)
		resp.decode(t, &o)
		return o
	}

	clock.Advance(29 * time.Second)
	if s := status(); s != iws.StatusOpen {
		t.Fatalf("after 29 s: %d", s)
	}
	clock.Advance(time.Second)
	if s := status(); s != iws.StatusInProcess {
		t.Fatalf("after 30 s: %d", s)
	}
	e.get("/v1/getinvoice?orderNumber="+number).want(t, 404, 571)
	clock.Advance(30 * time.Second)
	o := order()
	if o.Status.StatusCode != iws.StatusReadyToDeliver {
		t.Fatalf("after 60 s: %+v", o.Status)
	}
	if len(o.SerialNumbers) != 4 || len(o.Shipments) != 1 || o.Shipments[0].TrackingID == "" || o.Shipments[0].CarrierID != "CLX1" ||
		!strings.HasPrefix(o.Shipments[0].TrackingURL, e.srv.URL+"/tracking/") || o.PickNumber == nil {
		t.Fatalf("ready to deliver without serials/shipment/pick: %+v %+v", o.SerialNumbers, o.Shipments)
	}
	e.get(strings.TrimPrefix(o.Shipments[0].TrackingURL, e.srv.URL), unsigned()).want(t, 200, 0)
	e.post("/v1/cancelorder", map[string]string{"OrderNumber": number}).want(t, 401, 39)
	e.get("/v1/getinvoice?orderNumber="+number).want(t, 404, 571)

	// Two intervals at once: both changes happen, each dated when it fell due.
	clock.Advance(60 * time.Second)
	o = order()
	if o.Status.StatusCode != iws.StatusDelivered {
		t.Fatalf("after 120 s: %+v", o.Status)
	}
	var inv iws.Invoice
	r = e.get("/v1/getinvoice?orderNumber="+number).want(t, 200, 0)
	r.decode(t, &inv)
	if !inv.InvoiceDate.Equal(so.OrderDate.Add(90*time.Second)) || string(inv.InvoiceNumber) == "" || !inv.TransactionAmount.Value().Equal(so.Total.Value()) {
		t.Errorf("invoice %+v (order date %v)", inv, so.OrderDate)
	}
	if *o.PrintedInvoiceNumber != string(inv.InvoiceNumber) {
		t.Errorf("PrintedInvoiceNumber %q, invoice %q", *o.PrintedInvoiceNumber, inv.InvoiceNumber)
	}
	pdf := e.get(strings.TrimPrefix(inv.InvoiceURL, e.srv.URL), unsigned()).want(t, 200, 0)
	if pdf.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf.body), "%PDF-1.4") ||
		!strings.Contains(string(pdf.body), string(inv.InvoiceNumber)) || !strings.HasSuffix(string(pdf.body), "%%EOF\n") {
		t.Errorf("invoice PDF: %q", pdf.body)
	}
	xmlDoc := e.get(strings.TrimPrefix(inv.InvoiceURLXML, e.srv.URL), unsigned()).want(t, 200, 0)
	var parsed struct {
		Number string `xml:"Number"`
		Total  string `xml:"Total"`
	}
	if err := xml.Unmarshal(xmlDoc.body, &parsed); err != nil || parsed.Number != string(inv.InvoiceNumber) {
		t.Errorf("invoice XML: %v %+v", err, parsed)
	}

	// Webhooks for 1→2, 2→4, 4→5; none once the order was invoiced (5→7).
	bodies := hooks.wait(3)
	var codes []int
	for _, b := range bodies {
		var u iws.OrderStatusUpdate
		if err := json.Unmarshal(b, &u); err != nil {
			t.Fatal(err)
		}
		if u.WebhookType != "OrderStatusUpdate" || len(u.CallID) != 36 {
			t.Errorf("webhook envelope %+v", u)
		}
		if _, err := time.Parse(time.RFC3339, string(u.TimeStamp)); err != nil {
			t.Errorf("webhook TimeStamp %q: %v", u.TimeStamp, err)
		}
		checkWebhookAgainstSpec(t, chk, b)
		changes, err := u.Updates()
		if err != nil || len(changes) != 1 || changes[0].OrderNumber != number {
			t.Fatalf("webhook data %s: %v", u.Data, err)
		}
		codes = append(codes, int(changes[0].Status.StatusCode))
	}
	if want := []int{2, 4, 5}; !equalInts(codes, want) {
		t.Errorf("webhook statuses %v, want %v", codes, want)
	}
	// Every change has happened (the order is delivered): once the sandbox has no webhook left to
	// send, any it had queued for 5→7 would have reached the recorder.
	waitWebhooksSent(e)
	if n := hooks.count(); n != 3 {
		t.Errorf("%d webhooks, want 3 (none after Invoiced/Closed)", n)
	}
	var list []iws.SalesOrder
	e.get("/v1/getorders?hasTrackingDocument=true&statusCode=7").want(t, 200, 0).decode(t, &list)
	if len(list) != 1 || string(list[0].OrderNumber) != number {
		t.Errorf("getorders by tracking and status: %d orders", len(list))
	}
	e.get("/v1/getorders?hasTrackingDocument=false").want(t, 200, 0).decode(t, &list)
	if len(list) != 0 {
		t.Errorf("getorders without tracking: %d orders", len(list))
	}
}

// checkWebhookAgainstSpec validates a webhook body. The spec shows Data three ways: the x-webhooks
// example sends one object {OrderNumber, Status:{StatusCode, Description}}, the OrderStatusUpdateData
// schema an array of {OrderNumber, Status:[…]}, the introduction's example an array whose Status is
// a JSON string. The envelope is checked against the schema without Data; the schema's own shape
// whole; the other two by their parts against the schema's item types.
func checkWebhookAgainstSpec(t *testing.T, chk *checker, body []byte) {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	data := v["Data"]
	delete(v, "Data")
	if err := visit(chk.schema("OrderStatusUpdateData"), v); err != nil {
		t.Errorf("webhook envelope: %v", err)
	}
	checkItem := func(obj map[string]any, status any) {
		t.Helper()
		if _, ok := obj["OrderNumber"].(string); !ok {
			t.Errorf("webhook OrderNumber %v", obj["OrderNumber"])
		}
		if err := visit(chk.schema("StatusUpdateWebhook"), status); err != nil {
			t.Errorf("webhook Status: %v", err)
		}
	}
	switch d := data.(type) {
	case map[string]any:
		checkItem(d, d["Status"])
	case []any:
		for _, it := range d {
			obj, _ := it.(map[string]any)
			if raw, isString := obj["Status"].(string); isString {
				var status any
				if err := json.Unmarshal([]byte(raw), &status); err != nil {
					t.Errorf("webhook Status string %q: %v", raw, err)
				}
				checkItem(obj, status)
				continue
			}
			v["Data"] = data
			if err := visit(chk.schema("OrderStatusUpdateData"), v); err != nil {
				t.Errorf("webhook body: %v", err)
			}
		}
	default:
		t.Errorf("webhook Data %v", data)
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

func TestWebhookShapesAndRetries(t *testing.T) {
	chk := newChecker(t)
	for _, shape := range []string{sandbox.WebhookObject, sandbox.WebhookArray, sandbox.WebhookString} {
		t.Run(shape, func(t *testing.T) {
			clock := newClock()
			hooks, hookSrv := newHookRecorder(t, clock)
			hooks.fail = 1 // the first delivery fails and is retried
			e := newEnv(t, sandbox.Config{Clock: clock.Now, WebhookURL: hookSrv.URL, WebhookShape: shape})
			e.clock = clock
			so := e.placeOrder("WH-1", e.physicalInStock(1)[0], 1)
			e.post("/v1/cancelorder", map[string]string{"OrderNumber": "WH-1"}).want(t, 200, 0)
			body := hooks.wait(1)[0]
			checkWebhookAgainstSpec(t, chk, body)
			var u iws.OrderStatusUpdate
			if err := json.Unmarshal(body, &u); err != nil {
				t.Fatal(err)
			}
			changes, err := u.Updates()
			if err != nil || len(changes) != 1 || changes[0].OrderNumber != string(so.OrderNumber) || changes[0].Status.StatusCode != iws.StatusCanceled {
				t.Errorf("%s: %s → %+v %v", shape, u.Data, changes, err)
			}
			if e.sb.AdvanceOrders(1) != 0 {
				t.Error("a canceled order advanced")
			}
			waitWebhooksSent(e)
			if sum := e.sb.Summary(); sum.Webhooks == nil || sum.Webhooks.Sent != 1 || sum.Webhooks.Failed != 0 {
				t.Errorf("webhook stats %+v", sum.Webhooks)
			}
		})
	}
}

func TestHeldOrdersWaitForRelease(t *testing.T) {
	e := newEnv(t, sandbox.Config{HoldNewOrders: true})
	so := e.placeOrder("H-1", e.physicalInStock(1)[0], 1)
	if !so.OnHold || *so.HoldID != "MGNO" {
		t.Fatalf("OnHold %v HoldId %v", so.OnHold, so.HoldID)
	}
	if e.sb.AdvanceOrders(1) != 0 {
		t.Error("a held order advanced")
	}
	e.post("/v1/registerpayments", map[string]any{"OrderNumber": "H-1",
		"Payments": []map[string]any{{"Amount": so.Total.Value(), "PaymentTypeId": "ECG3", "Authorization": "x"}}}).want(t, 200, 0)
	var released iws.SalesOrder
	e.post("/v1/releaseOrder", map[string]string{"OrderNumber": "H-1"}).want(t, 200, 0).decode(t, &released)
	if released.OnHold || *released.HoldID != "MGOK" || !released.TotalPayments.Equal(so.Total.Value()) {
		t.Errorf("released: OnHold %v HoldId %v paid %v", released.OnHold, *released.HoldID, released.TotalPayments)
	}
	if e.sb.AdvanceOrders(1) != 1 {
		t.Error("a released order did not advance")
	}
}

func TestProcessOrder(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	sku := e.physicalInStock(1)[0]
	var p iws.Process
	e.post("/v1/processorder?customerOrderNumber=P-1", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 200, 0).decode(t, &p)
	if p.Status != iws.ProcessActive || p.Progress != 0 || p.ID == 0 {
		t.Fatalf("process %+v", p)
	}
	waitProcess(t, e, int(p.ID)).decode(t, &p)
	if done, ok := p.Done(); !done || !ok || p.UserData == nil || p.UserData.OrderNumber == "" || p.Progress != 100 {
		t.Fatalf("process %+v", p)
	}
	var so iws.SalesOrder
	e.get("/v1/getorder?orderNumber="+p.UserData.OrderNumber).want(t, 200, 0).decode(t, &so)
	if so.CustomerOrderNumber != "P-1" {
		t.Errorf("order %+v", so)
	}
	e.post("/v1/processorder?customerOrderNumber=P-1", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 200, 0).decode(t, &p)
	waitProcess(t, e, int(p.ID)).decode(t, &p)
	if done, ok := p.Done(); !done || ok || p.UserData == nil || !strings.Contains(p.UserData.Message, "already assigned") {
		t.Errorf("failed process %+v %+v", p, p.UserData)
	}
}

func TestGetOrdersFilters(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	sku := e.physicalInStock(3)[0]
	e.post("/v1/placeorder?customerOrderNumber=F-1&tag=esd", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 200, 0)
	e.clock.Advance(48 * time.Hour)
	e.post("/v1/placeorder?customerOrderNumber=F-2&tag=web", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 200, 0)
	if _, err := e.sb.AdvanceOrder("F-2", 1); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		t.Helper()
		var list []iws.SalesOrder
		e.get("/v1/getorders"+q).want(t, 200, 0).decode(t, &list)
		return len(list)
	}
	day1 := newClock().Now().Format(time.DateOnly)
	for q, want := range map[string]int{
		"":              2,
		"?tag=ESD":      1,
		"?statusCode=2": 1,
		"?statusCode=1": 1,
		"?startDate=" + day1 + "&endDate=" + day1:           1,
		"?startDate=" + e.clock.Now().Format(time.DateOnly): 1,
		"?endDate=2020-01-01":                               0,
	} {
		if got := count(q); got != want {
			t.Errorf("getorders%s: %d, want %d", q, got, want)
		}
	}
	e.get("/v1/getorders?statusCode=abc").want(t, 400, 101)
}

// waitWebhooksSent waits until the sandbox has no webhook queued or in delivery.
func waitWebhooksSent(e *env) {
	poll := time.NewTicker(time.Millisecond)
	defer poll.Stop()
	for e.sb.Summary().Webhooks.Pending > 0 {
		<-poll.C
	}
}
