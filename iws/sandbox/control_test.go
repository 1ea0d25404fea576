package sandbox_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

func TestControlEndpoint(t *testing.T) {
	e := newEnv(t, sandbox.Config{SKUs: 500})
	sku := e.physicalInStock(2)[0]
	var sum sandbox.Summary
	e.get("/_sandbox/state", unsigned()).want(t, 200, 0).decode(t, &sum)
	if sum.SKUs != 500 || sum.ActiveSKUs != 500 || sum.Orders != 0 || sum.Seed != 7 {
		t.Errorf("state %+v", sum)
	}

	var faults sandbox.FaultsJSON
	e.post("/_sandbox/faults", `{"failNext":{"getcatalog":1},"latency":"1ms"}`, unsigned()).want(t, 200, 0).decode(t, &faults)
	if faults.FailNext["getcatalog"] != 1 || faults.Latency != "1ms" {
		t.Errorf("faults %+v", faults)
	}
	e.get("/v1/getcatalog?page=1&limit=1").want(t, 503, 900)
	e.post("/_sandbox/faults", `{"latency":"soon"}`, unsigned()).want(t, 400, 0)
	e.post("/_sandbox/faults", `{"failrate":0.1,"typo":1}`, unsigned()).want(t, 400, 0)
	e.post("/_sandbox/faults", `{}`, unsigned()).want(t, 200, 0)

	var stock struct {
		Sku   string
		Stock map[string]int
	}
	e.post("/_sandbox/stock", map[string]any{"sku": strings.ToLower(sku), "locationId": "xclq3", "stock": 5}, unsigned()).want(t, 200, 0).decode(t, &stock)
	if stock.Stock["xclq3"] != 5 || stock.Sku != sku {
		t.Errorf("stock %+v", stock)
	}
	var changed struct{ Changed []string }
	e.post("/_sandbox/stock", `{"percent": 2}`, unsigned()).want(t, 200, 0).decode(t, &changed)
	if len(changed.Changed) < 5 {
		t.Errorf("2%% of the catalog changed %d SKUs", len(changed.Changed))
	}
	e.post("/_sandbox/stock", `{"sku":"NOPE","locationId":"xclq1","stock":1}`, unsigned()).want(t, 400, 0)
	e.post("/_sandbox/price", `{"sku":"`+sku+`","unitPrice":"19.99"}`, unsigned()).want(t, 200, 0)
	var p iws.Product
	e.get("/v1/getproduct?sku="+sku).want(t, 200, 0).decode(t, &p)
	if p.Price.UnitPrice.String() != "19.99" {
		t.Errorf("price %v", p.Price)
	}
	e.post("/_sandbox/product", `{"sku":"`+sku+`","removed":true}`, unsigned()).want(t, 200, 0)
	e.get("/v1/getproduct?sku="+sku).want(t, 401, 21)
	e.post("/_sandbox/product", `{"sku":"`+sku+`","removed":false}`, unsigned()).want(t, 200, 0)

	so := e.placeOrder("CTL-1", sku, 1)
	var adv map[string]any
	e.post("/_sandbox/advance", `{"orderNumber":"CTL-1","steps":2}`, unsigned()).want(t, 200, 0).decode(t, &adv)
	if adv["status"] != float64(iws.StatusReadyToDeliver) {
		t.Errorf("advance one: %v", adv)
	}
	e.post("/_sandbox/advance", ``, unsigned()).want(t, 200, 0).decode(t, &adv)
	if adv["changes"] != float64(1) {
		t.Errorf("advance all: %v", adv)
	}
	var orders []sandbox.OrderInfo
	e.get("/_sandbox/orders", unsigned()).want(t, 200, 0).decode(t, &orders)
	if len(orders) != 1 || orders[0].OrderNumber != string(so.OrderNumber) || orders[0].Status != iws.StatusInvoiced || orders[0].InvoiceNumber == "" {
		t.Errorf("orders %+v", orders)
	}
	e.get("/_sandbox/state", unsigned()).want(t, 200, 0).decode(t, &sum)
	if sum.Orders != 1 || sum.OrdersByStatus["Invoiced/Closed"] != 1 || len(sum.RecentOrders) != 1 || sum.PriceOverrides != 1 {
		t.Errorf("state %+v", sum)
	}

	e.post("/_sandbox/reset", nil, unsigned()).want(t, 200, 0).decode(t, &sum)
	if sum.Orders != 0 || sum.PriceOverrides != 0 {
		t.Errorf("after reset %+v", sum)
	}
	e.placeOrder("CTL-1", sku, 1) // the number is free again

	e.get("/_sandbox/nope", unsigned()).want(t, 404, 0)
	e.get("/_sandbox/reset", unsigned()).want(t, 405, 0)
	e.post("/_sandbox/state", nil, unsigned()).want(t, 405, 0)

	off := newSandbox(t, sandbox.Config{SKUs: 10})
	w := serve(t, off, time.Now(), "/_sandbox/state")
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "No HTTP resource") {
		t.Errorf("control disabled: %d %s", w.Code, w.Body)
	}
}

func TestStateFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "iws-state.json")
	clock := newClock()
	cfg := sandbox.Config{APIKey: testAPIKey, AccessKey: testAccessKey, SKUs: 400, Seed: 5, StatePath: path, Clock: clock.Now}
	e := newEnv(t, cfg)
	e.clock = clock
	skus := e.physicalInStock(3)
	e.placeOrder("R-1", skus[0], 2)
	e.placeOrder("R-2", skus[1], 1)
	e.post("/v1/cancelorder", map[string]string{"OrderNumber": "R-2"}).want(t, 200, 0)
	if _, err := e.sb.AdvanceOrder("R-1", 3); err != nil {
		t.Fatal(err)
	}
	must(t, e.sb.SetStock(skus[2], "xclq2", 3))
	must(t, e.sb.SetPrice(skus[2], decimal.RequireFromString("42.4242")))
	must(t, e.sb.RemoveProduct(skus[1]))
	wantOrders := e.sb.Orders()
	wantStock, _ := e.sb.Stock(skus[0])
	must(t, e.sb.Close())

	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}

	again := newEnv(t, cfg)
	again.clock = clock
	if got, want := jsonOf(t, again.sb.Orders()), jsonOf(t, wantOrders); got != want {
		t.Errorf("orders after reload:\n%s\nwant\n%s", got, want)
	}
	if got, _ := again.sb.Stock(skus[0]); !reflect.DeepEqual(got, wantStock) {
		t.Errorf("stock %v, want %v", got, wantStock)
	}
	if st, _ := again.sb.Stock(skus[2]); st["xclq2"] != 3 {
		t.Errorf("SetStock lost: %v", st)
	}
	p, _ := again.sb.Product(skus[2])
	if p.Price.UnitPrice.String() != "42.4242" {
		t.Errorf("SetPrice lost: %v", p.Price)
	}
	again.get("/v1/getproduct?sku="+skus[1]).want(t, 401, 21)
	again.post("/v1/placeorder?customerOrderNumber=R-1", []map[string]any{{"Sku": skus[0], "Quantity": 1}}).want(t, 400, 90)
	again.get("/v1/getinvoice?orderNumber=R-1").want(t, 200, 0)
	next := again.placeOrder("R-3", skus[0], 1)
	for _, o := range wantOrders {
		if o.OrderNumber == string(next.OrderNumber) {
			t.Errorf("order number %s reused after restart", next.OrderNumber)
		}
	}

	must(t, again.sb.Close())
	must(t, os.WriteFile(path, []byte("{not json"), 0o600))
	if _, err := sandbox.New(cfg); err == nil {
		t.Error("a corrupt state file was accepted")
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- sandbox.Serve(ctx, ln, sandbox.Config{APIKey: testAPIKey, AccessKey: testAccessKey, SKUs: 50, StatePath: path, Control: true})
	}()
	base := "http://" + ln.Addr().String()
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/authenticate", nil)
	req.Header.Set("Authorization", "Bearer "+iws.Token(testAPIKey, testAccessKey, time.Now()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("authenticate: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("state not written on shutdown: %v", err)
	}
}
