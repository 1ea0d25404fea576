package sandbox_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

// TestSpecConformance calls every simulated method, successes and errors, and validates each answer
// against the spec (see spec_test.go for how its contradictions are handled).
func TestSpecConformance(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	chk := newChecker(t)
	defer chk.report(t)
	step := func(t *testing.T, spec string, r *response, status, code int) *response {
		t.Helper()
		r.want(t, status, code)
		chk.check(t, spec, r)
		return r
	}

	skus := e.physicalInStock(5)
	sku := skus[0]
	var nullPrice, esd, shared string
	mpns := map[string][]string{}
	for _, s := range e.sb.SKUs() {
		p, err := e.sb.Product(s)
		if err != nil {
			t.Fatal(err)
		}
		if p.Price == nil && nullPrice == "" {
			nullPrice = s
		}
		if p.Type == iws.TypeDownloadable && esd == "" {
			esd = s
		}
		mpns[p.Mpn] = append(mpns[p.Mpn], s)
	}
	for mpn, list := range mpns {
		if len(list) > 1 {
			shared = mpn
		}
	}
	if nullPrice == "" || esd == "" || shared == "" {
		t.Fatalf("catalog lacks a null-price (%q), ESD (%q) or shared-MPN (%q) product", nullPrice, esd, shared)
	}
	token := func(key, secret string, at time.Time) reqOption {
		return withHeader("Authorization", "Bearer "+iws.Token(key, secret, at))
	}
	now := e.clock.Now()

	t.Run("authentication", func(t *testing.T) {
		step(t, "/authenticate", e.get("/v1/authenticate"), 200, 0)
		step(t, "/authenticate", e.get("/v1/authenticate", unsigned()), 401, 19)
		step(t, "/authenticate", e.get("/v1/authenticate", withHeader("Authorization", "Basic Zm9vOmJhcg==")), 401, 18)
		step(t, "/authenticate", e.get("/v1/authenticate", token("nope", testAccessKey, now)), 401, 13)
		step(t, "/authenticate", e.get("/v1/authenticate", token(testAPIKey, "wrong", now)), 401, 10)
		step(t, "/authenticate", e.get("/v1/authenticate", token(testAPIKey, testAccessKey, now.Add(-6*time.Minute))), 401, 12)
		step(t, "/authenticate", e.get("/v1/authenticate", withHeader("Authorization", "Bearer apiKey="+testAPIKey+"&utcTimeStamp=yesterday&signature=x")), 401, 11)
		step(t, "/getcatalog", e.get("/v1/getcatalog", token("nope", testAccessKey, now)), 401, 13)
		step(t, "/getorder", e.get("/v1/getorder?orderNumber=1", token(testAPIKey, "wrong", now)), 401, 10)
		step(t, "/placeorder", e.post("/v1/placeorder", "[]", unsigned()), 401, 19)
	})

	t.Run("products", func(t *testing.T) {
		step(t, "/getcatalog", e.get("/v1/getcatalog"), 200, 0)
		step(t, "/getcatalog", e.get("/v1/getcatalog?locale=en&inStock=true"), 200, 0)
		step(t, "/getcatalog", e.get("/v1/getcatalog?page=2&limit=7"), 200, 0)
		step(t, "/getcatalog", e.get("/v1/getcatalog?format=xml"), 400, 102)
		step(t, "/getcatalog", e.get("/v1/getcatalog?inventoryFilter=Some"), 400, 101)
		step(t, "/getproducts", e.get("/v1/getproducts?skusList="+strings.Join(append(skus[:3:3], nullPrice, "ZZ999ZZZ99"), ",")), 200, 0)
		step(t, "/getproducts", e.get("/v1/getproducts?mpnsList="+shared+"&includeInventoryData=false"), 200, 0)
		step(t, "/getproducts", e.get("/v1/getproducts"), 400, 903)
		many := make([]string, 101)
		for i := range many {
			many[i] = fmt.Sprintf("SKU%03d", i)
		}
		step(t, "/getproducts", e.get("/v1/getproducts?skusList="+strings.Join(many, ",")), 400, 26)
		step(t, "/getproduct", e.get("/v1/getproduct?sku="+sku+"&includePriceData=true&includeInventoryData=true"), 200, 0)
		step(t, "/getproduct", e.get("/v1/getproduct?sku="+nullPrice), 200, 0)
		step(t, "/getproduct", e.get("/v1/getproduct?sku=ZZ999ZZZ99"), 404, 20)
		step(t, "/getproduct", e.get("/v1/getproduct?mpn="+shared), 409, 25)
		step(t, "/getproduct", e.get("/v1/getproduct"), 400, 502)
		step(t, "/getpricelist", e.get("/v1/getpricelist"), 200, 0)
		step(t, "/getpricelist", e.get("/v1/getpricelist?inStock=false"), 200, 0)
		step(t, "/getinventory", e.get("/v1/getinventory"), 200, 0)
		step(t, "/getinventory", e.get("/v1/getinventory?page=3&limit=10"), 200, 0)
		step(t, "/downloadextendedcatalog", e.get("/v1/downloadextendedcatalog?format=json&locale=es"), 200, 0)
		step(t, "/downloadextendedcatalog", e.get("/v1/downloadextendedcatalog?format=xml"), 400, 101)
	})

	var orderA, orderB iws.SalesOrder
	t.Run("orders", func(t *testing.T) {
		r := step(t, "/placeorder", e.post("/v1/placeorder", map[string]any{
			"CustomerOrderNumber": "WC-1001", "Tag": "web", "TaxRegistrationNumber": "76.123.456-7",
			"Items": []map[string]any{{"Sku": skus[0], "Quantity": "2", "StoreItemId": "55"}, {"Sku": esd, "Quantity": 1}},
		}), 200, 0)
		r.decode(t, &orderA)
		r = step(t, "/placeorder", e.post("/v1/placeorder?customerOrderNumber=WC-1002&locationId=", []map[string]any{{"Sku": skus[1], "Quantity": 1}}), 200, 0)
		r.decode(t, &orderB)
		step(t, "/placeorder", e.post("/v1/placeorder", "{not json"), 400, 31)
		step(t, "/placeorder", e.post("/v1/placeorder", map[string]any{"Items": []any{}}), 400, 32)
		step(t, "/placeorder", e.post("/v1/placeorder", []map[string]any{{"Quantity": 1}}), 400, 33)
		step(t, "/placeorder", e.post("/v1/placeorder", []map[string]any{{"Sku": sku, "Quantity": 0}}), 400, 34)
		step(t, "/placeorder", e.post("/v1/placeorder", []map[string]any{{"Sku": "ZZ999ZZZ99", "Quantity": 1}}), 404, 20)
		step(t, "/placeorder", e.post("/v1/placeorder", []map[string]any{{"Sku": nullPrice, "Quantity": 1}}), 401, 27)
		step(t, "/placeorder", e.post("/v1/placeorder", []map[string]any{{"Sku": sku, "Quantity": 100000}}), 404, 23)
		step(t, "/placeorder", e.post("/v1/placeorder?locationId=xclq2", []map[string]any{{"Sku": sku, "Quantity": 100000}}), 404, 23)
		step(t, "/placeorder", e.post("/v1/placeorder?customerOrderNumber=WC-1001", []map[string]any{{"Sku": sku, "Quantity": 1}}), 400, 90)

		p := step(t, "/processorder", e.post("/v1/processorder?customerOrderNumber=WC-1003", []map[string]any{{"Sku": skus[2], "Quantity": 1}}), 200, 0)
		var proc iws.Process
		p.decode(t, &proc)
		done := waitProcess(t, e, int(proc.ID))
		step(t, "/GetProcess", done, 200, 0)
		p = step(t, "/processorder", e.post("/v1/processorder", []map[string]any{{"Quantity": 1}}), 200, 0)
		p.decode(t, &proc)
		step(t, "/GetProcess", waitProcess(t, e, int(proc.ID)), 200, 0)
		step(t, "/GetProcess", e.get("/v1/GetProcess?processId=999"), 400, 101)

		step(t, "/getorder", e.get("/v1/getorder?orderNumber="+string(orderA.OrderNumber)), 200, 0)
		step(t, "/getorder", e.get("/v1/getorder?orderNumber=WC-1002&locale=en"), 200, 0)
		step(t, "/getorder", e.get("/v1/getorder?orderNumber=42"), 404, 30)
		step(t, "/getorder", e.get("/v1/getorder"), 400, 36)
		step(t, "/getorders", e.get("/v1/getorders"), 200, 0)
		step(t, "/getorders", e.get("/v1/getorders?startDate=2026-03-10&endDate=2026-03-10&statusCode=1&tag=web"), 200, 0)
		step(t, "/getorders", e.get("/v1/getorders?startDate=someday"), 400, 850)
		step(t, "/getorders", e.get("/v1/getorders?startDate=2026-03-10&endDate=2026-03-01"), 400, 851)
		step(t, "/getorderstatus", e.get("/v1/getorderstatus?orderNumber="+string(orderA.OrderNumber)), 200, 0)
		step(t, "/getorderstatus", e.get("/v1/getorderstatus?orderNumber=42"), 404, 30)
		step(t, "/getinvoice", e.get("/v1/getinvoice?orderNumber="+string(orderA.OrderNumber)), 404, 571)
		step(t, "/getinvoice", e.get("/v1/getinvoice"), 400, 572)
		step(t, "/getinvoice", e.get("/v1/getinvoice?invoiceNumber=77"), 404, 570)
		step(t, "/getinvoice", e.get("/v1/getinvoice?orderNumber=42"), 404, 30)

		if st, err := e.sb.AdvanceOrder(string(orderA.OrderNumber), 3); err != nil || st != iws.StatusInvoiced {
			t.Fatalf("AdvanceOrder: %d, %v", st, err)
		}
		step(t, "/getorder", e.get("/v1/getorder?orderNumber="+string(orderA.OrderNumber)), 200, 0)
		inv := step(t, "/getinvoice", e.get("/v1/getinvoice?orderNumber="+string(orderA.OrderNumber)), 200, 0)
		var invoice iws.Invoice
		inv.decode(t, &invoice)
		step(t, "/getinvoice", e.get("/v1/getinvoice?invoiceNumber="+string(invoice.InvoiceNumber)), 200, 0)

		step(t, "/cancelorder", e.post("/v1/cancelorder", map[string]string{"OrderNumber": string(orderA.OrderNumber)}), 401, 39)
		step(t, "/cancelorder", e.post("/v1/cancelorder", map[string]string{"OrderNumber": string(orderB.OrderNumber)}), 200, 0)
		step(t, "/cancelorder", e.post("/v1/cancelorder", map[string]string{}), 400, 31)
		step(t, "/cancelorder", e.post("/v1/cancelorder", map[string]string{"OrderNumber": "42"}), 404, 30)
		step(t, "/updateorder", e.post("/v1/updateorder", map[string]any{"OrderNumber": "WC-1003", "TaxRegistrationNumber": "76.000.000-0", "CarrierId": "CLA7"}), 200, 0)
		step(t, "/updateorder", e.post("/v1/updateorder", map[string]any{"OrderNumber": string(orderA.OrderNumber), "CarrierId": "X"}), 400, 651)
		step(t, "/updateorder", e.post("/v1/updateorder", map[string]any{"OrderNumber": "42"}), 404, 30)

		step(t, "/releaseOrder", e.post("/v1/releaseOrder", map[string]string{"OrderNumber": "WC-1003"}), 401, 173)
		step(t, "/registerpayments", e.post("/v1/registerpayments", map[string]any{"OrderNumber": "WC-1003",
			"Payments": []map[string]any{{"Amount": 1, "Authorization": "abc123", "PaymentTypeId": "ECG3", "Partial": true}}}), 200, 0)
		step(t, "/releaseOrder", e.post("/v1/releaseOrder", map[string]string{"OrderNumber": "WC-1003"}), 401, 175)
		step(t, "/registerpayments", e.post("/v1/registerpayments", map[string]any{"OrderNumber": "WC-1003",
			"Payments": []map[string]any{{"Amount": 100000, "Authorization": "abc124", "PaymentTypeId": "ECG3"}}}), 200, 0)
		step(t, "/releaseOrder", e.post("/v1/releaseOrder", map[string]string{"OrderNumber": "WC-1003"}), 200, 0)
		step(t, "/registerpayments", e.post("/v1/registerpayments", map[string]any{"OrderNumber": string(orderB.OrderNumber),
			"Payments": []map[string]any{{"Amount": 5, "PaymentTypeId": "ECG3"}}}), 401, 176)
		step(t, "/registerpayments", e.post("/v1/registerpayments", map[string]any{"OrderNumber": "42",
			"Payments": []map[string]any{{"Amount": 5, "PaymentTypeId": "ECG3"}}}), 404, 30)
		step(t, "/releaseOrder", e.post("/v1/releaseOrder", map[string]string{"OrderNumber": string(orderB.OrderNumber)}), 401, 664)
		step(t, "/releaseOrder", e.post("/v1/releaseOrder", map[string]string{"OrderNumber": "42"}), 404, 30)
	})

	t.Run("miscellaneous", func(t *testing.T) {
		step(t, "/calculateshippingrates", e.post("/v1/calculateshippingrates", map[string]any{
			"Items":      []map[string]any{{"Sku": sku, "Quantity": 2}},
			"StoreOrder": map[string]any{"Shipping": map[string]any{"City": "Santiago", "CountryId": "cl"}},
		}), 200, 0)
		step(t, "/calculateshippingrates", e.post("/v1/calculateshippingrates", map[string]any{"Items": []map[string]any{{"Sku": esd, "Quantity": 1}}}), 500, 751)
		step(t, "/GetCurrency", e.get("/v1/GetCurrency?countryId=co"), 200, 0)
		step(t, "/GetCurrency", e.get("/v1/GetCurrency?countryId=zz"), 500, 900)
	})

	t.Run("limits and faults", func(t *testing.T) {
		if err := e.sb.SetFaults(sandbox.Faults{FailNext: map[string]int{"getcatalog": 1}}); err != nil {
			t.Fatal(err)
		}
		step(t, "/getcatalog", e.get("/v1/getcatalog"), 503, 900)
		if err := e.sb.RemoveProduct(skus[3]); err != nil {
			t.Fatal(err)
		}
		step(t, "/getproduct", e.get("/v1/getproduct?sku="+skus[3]), 401, 21)
		step(t, "/placeorder", e.post("/v1/placeorder", []map[string]any{{"Sku": skus[3], "Quantity": 1}}), 401, 27)
		for _, status := range []int{400, 429} {
			te := newEnv(t, sandbox.Config{ThrottleInterval: 10 * time.Second, ThrottleStatus: status})
			step(t, "/getinventory", te.get("/v1/getinventory"), 200, 0)
			step(t, "/getinventory", te.get("/v1/getinventory"), status, 100)
		}
		ce := newEnv(t, sandbox.Config{CreditLimit: decimal.NewFromInt(1)})
		step(t, "/placeorder", ce.post("/v1/placeorder", []map[string]any{{"Sku": ce.physicalInStock(1)[0], "Quantity": 1}}), 500, 660)
		pe := newEnv(t, sandbox.Config{PaginationInArray: true, NoLocations: true})
		step(t, "/getcatalog", pe.get("/v1/getcatalog?page=1&limit=3"), 200, 0)
		step(t, "/getinventory", pe.get("/v1/getinventory?page=1&limit=3"), 200, 0)
		step(t, "/getinventory", pe.get("/v1/getinventory"), 200, 0)
	})
}

// waitProcess polls GetProcess until the process is no longer Active.
func waitProcess(t *testing.T, e *env, id int) *response {
	t.Helper()
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for {
		r := e.get("/v1/GetProcess?processId="+strconv.Itoa(id)).want(t, http.StatusOK, 0)
		var p iws.Process
		r.decode(t, &p)
		if done, _ := p.Done(); done {
			return r
		}
		<-poll.C
	}
}
