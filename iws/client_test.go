package iws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewValidates(t *testing.T) {
	_, err := New(Config{BaseURL: "ftp://x", Retry: RetryPolicy{MaxAttempts: -1}})
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{"scheme", "API key is empty", "access key is empty", "negative"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := New(Config{BaseURL: "https://x/v1/?apiKey=1", APIKey: "k", AccessKey: "s"}); err == nil {
		t.Error("base URL with a query accepted")
	}
	c, err := New(Config{APIKey: "k", AccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if c.base.String() != DefaultBaseURL {
		t.Errorf("base = %s", c.base)
	}
	if c.retry != DefaultRetryPolicy() {
		t.Errorf("retry = %+v", c.retry)
	}
	c, err = New(Config{BaseURL: "http://localhost:8080/v1", APIKey: "k", AccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.base.ResolveReference(&url.URL{Path: "GetProcess"}).String(); got != "http://localhost:8080/v1/GetProcess" {
		t.Errorf("resolved = %s", got)
	}
}

// recorded is one request as the fake server saw it.
type recorded struct {
	method, path string
	query        url.Values
	body         string
}

// recorder answers every path with a canned body and records the requests.
type recorder struct {
	mu      sync.Mutex
	reqs    []recorded
	answers map[string]string
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := verifyAuth(r); !ok {
		writeJSON(w, 401, `{"Message":"Invalid signature.","ErrorCode":10}`)
		return
	}
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, recorded{r.Method, r.URL.Path, r.URL.Query(), string(b)})
	rc.mu.Unlock()
	body, ok := rc.answers[r.URL.Path]
	if !ok {
		writeJSON(w, 404, `{"Message":"No HTTP resource was found that matches the request URI.","MessageDetail":"No action was found on the controller 'IwsApi'."}`)
		return
	}
	writeJSON(w, 200, body)
}

func (rc *recorder) last() recorded {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.reqs[len(rc.reqs)-1]
}

func TestMethodsSendSpecRequests(t *testing.T) {
	order := `{"OrderNumber":"999055","Status":{"StatusCode":"1","Description":"Open"}}`
	process := `{"Id":1234,"Status":"Active"}`
	rc := &recorder{answers: map[string]string{
		"/v1/authenticate":            ``,
		"/v1/getcatalog":              `[{"Sku":"A"}]`,
		"/v1/getproducts":             `[{"Sku":"A"}]`,
		"/v1/getproduct":              `{"Sku":"A"}`,
		"/v1/getpricelist":            `[{"Sku":"A","Price":{"UnitPrice":1,"CurrencyId":"US"}}]`,
		"/v1/getinventory":            `[{"Sku":"A","InStock":"4"}]`,
		"/v1/downloadextendedcatalog": `[{"localSku":"A"}]`,
		"/v1/placeorder":              order,
		"/v1/processorder":            process,
		"/v1/GetProcess":              process,
		"/v1/getorder":                order,
		"/v1/getorders":               `[` + order + `]`,
		"/v1/getorderstatus":          `{"Status":{"StatusCode":"1","Description":"Open"}}`,
		"/v1/getinvoice":              `{"InvoiceNumber":"174999"}`,
		"/v1/cancelorder":             order,
		"/v1/calculateshippingrates":  `[{"Id":7,"Amount":8.95,"CurrencyId":"PEN"}]`,
		"/v1/GetCurrency":             `{"CurrencyId":"cop","CurrencyCode":"COP"}`,
	}}
	c, _ := newTestClient(t, rc)
	ctx := t.Context()
	addr := Int(3)
	tests := []struct {
		name      string
		call      func() error
		method    string
		path      string
		query     string // url.Values.Encode of the expected query
		body      string // expected JSON body, compared semantically
		wantEmpty bool
	}{
		{"Authenticate", func() error { return c.Authenticate(ctx) }, "GET", "/v1/authenticate", "", "", true},
		{"GetCatalog", func() error {
			_, err := c.GetCatalog(ctx, &CatalogParams{Locale: "es", InventoryFilter: InventoryInStock, InStock: Bool(true)})
			return err
		}, "GET", "/v1/getcatalog", "inStock=true&inventoryFilter=InStock&locale=es", "", true},
		{"GetProducts", func() error {
			_, err := c.GetProducts(ctx, &ProductsParams{Mpns: []string{"M1", "M2"}, Locale: "en", IncludePriceData: true, IncludeInventoryData: true})
			return err
		}, "GET", "/v1/getproducts", "includeInventoryData=true&includePriceData=true&locale=en&mpnsList=M1%2CM2", "", true},
		{"GetProduct", func() error {
			_, err := c.GetProduct(ctx, &ProductParams{Upc: "0001", IncludePriceData: true})
			return err
		}, "GET", "/v1/getproduct", "includePriceData=true&upc=0001", "", true},
		{"GetPriceList", func() error {
			_, err := c.GetPriceList(ctx, &PriceListParams{InStock: Bool(false)})
			return err
		}, "GET", "/v1/getpricelist", "inStock=false", "", true},
		{"GetInventory", func() error {
			_, err := c.GetInventory(ctx, &InventoryParams{InStock: Bool(true), Page: 2, Limit: 50})
			return err
		}, "GET", "/v1/getinventory", "inStock=true&limit=50&page=2", "", true},
		{"DownloadExtendedCatalog", func() error {
			_, err := c.DownloadExtendedCatalog(ctx, &ExtendedCatalogParams{Locale: "es"})
			return err
		}, "GET", "/v1/downloadextendedcatalog", "format=json&locale=es", "", true},
		{"PlaceOrder object", func() error {
			_, err := c.PlaceOrder(ctx, &PlaceOrderParams{Tag: "web", LocationID: "xclq1", CarrierID: "CLA7", Locale: "es",
				Order: &RequestOrder{CustomerOrderNumber: "WC-1", AddressID: &addr, Items: []RequestOrderItem{{Sku: "A", Quantity: 2}}}})
			return err
		}, "POST", "/v1/placeorder", "carrierId=CLA7&customerOrderNumber=WC-1&locale=es&locationId=xclq1&tag=web",
			`{"CustomerOrderNumber":"WC-1","AddressId":3,"Items":[{"Sku":"A","Quantity":2}]}`, false},
		{"PlaceOrder items", func() error {
			_, err := c.PlaceOrder(ctx, &PlaceOrderParams{CustomerOrderNumber: "WC-2", Items: []RequestOrderItem{{Sku: "A", Quantity: 1}}})
			return err
		}, "POST", "/v1/placeorder", "customerOrderNumber=WC-2", `[{"Sku":"A","Quantity":1}]`, false},
		{"ProcessOrder", func() error {
			_, err := c.ProcessOrder(ctx, &PlaceOrderParams{CustomerOrderNumber: "WC-3", Items: []RequestOrderItem{{Sku: "A", Quantity: 1}}})
			return err
		}, "POST", "/v1/processorder", "customerOrderNumber=WC-3", `[{"Sku":"A","Quantity":1}]`, false},
		{"GetProcess", func() error { _, err := c.GetProcess(ctx, 1234); return err }, "GET", "/v1/GetProcess", "processId=1234", "", true},
		{"GetOrder", func() error { _, err := c.GetOrder(ctx, "WC-1"); return err }, "GET", "/v1/getorder", "orderNumber=WC-1", "", true},
		{"GetOrders", func() error {
			_, err := c.GetOrders(ctx, &OrdersParams{StartDate: time.Date(2024, 5, 1, 23, 0, 0, 0, time.UTC), EndDate: time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC),
				StatusCode: StatusInvoiced, Tag: "web", HasTrackingDocument: Bool(true)})
			return err
		}, "GET", "/v1/getorders", "endDate=2024-05-31&hasTrackingDocument=true&startDate=2024-05-01&statusCode=5&tag=web", "", true},
		{"GetOrderStatus", func() error { _, err := c.GetOrderStatus(ctx, "999055"); return err }, "GET", "/v1/getorderstatus", "orderNumber=999055", "", true},
		{"GetInvoice by order", func() error {
			_, err := c.GetInvoice(ctx, &InvoiceParams{OrderNumber: "999055"})
			return err
		}, "GET", "/v1/getinvoice", "orderNumber=999055", "", true},
		{"GetInvoice by number", func() error {
			_, err := c.GetInvoice(ctx, &InvoiceParams{InvoiceNumber: "174999"})
			return err
		}, "GET", "/v1/getinvoice", "invoiceNumber=174999", "", true},
		{"CancelOrder", func() error { _, err := c.CancelOrder(ctx, "601433"); return err }, "POST", "/v1/cancelorder", "", `{"OrderNumber":"601433"}`, false},
		{"CalculateShippingRates", func() error {
			_, err := c.CalculateShippingRates(ctx, &RequestOrder{LocationID: "xpeq1", AddressID: &addr, Items: []RequestOrderItem{{Sku: "A", Quantity: 1}}})
			return err
		}, "POST", "/v1/calculateshippingrates", "", `{"LocationId":"xpeq1","AddressId":3,"Items":[{"Sku":"A","Quantity":1}]}`, false},
		{"GetCurrency", func() error { _, err := c.GetCurrency(ctx, "co"); return err }, "GET", "/v1/GetCurrency", "countryId=co", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			got := rc.last()
			if got.method != tt.method || got.path != tt.path {
				t.Errorf("request = %s %s, want %s %s", got.method, got.path, tt.method, tt.path)
			}
			if q := got.query.Encode(); q != tt.query {
				t.Errorf("query = %s\nwant    %s", q, tt.query)
			}
			if tt.wantEmpty {
				if got.body != "" {
					t.Errorf("body = %q, want none", got.body)
				}
				return
			}
			if !jsonEqual(t, got.body, tt.body) {
				t.Errorf("body = %s\nwant   %s", got.body, tt.body)
			}
		})
	}
}

func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("bad JSON %q: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("bad JSON %q: %v", b, err)
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

func TestArgumentValidation(t *testing.T) {
	c, err := New(Config{BaseURL: "http://127.0.0.1:1/v1/", APIKey: "k", AccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	one := []RequestOrderItem{{Sku: "A", Quantity: 1}}
	tests := []struct {
		name string
		err  error
	}{
		{"products none", second(c.GetProducts(ctx, &ProductsParams{}))},
		{"products two kinds", second(c.GetProducts(ctx, &ProductsParams{Skus: []string{"A"}, Upcs: []string{"1"}}))},
		{"products comma", second(c.GetProducts(ctx, &ProductsParams{Skus: []string{"A,B"}}))},
		{"product none", second(c.GetProduct(ctx, &ProductParams{}))},
		{"product two", second(c.GetProduct(ctx, &ProductParams{Sku: "A", Mpn: "B"}))},
		{"catalog filter", second(c.GetCatalog(ctx, &CatalogParams{InventoryFilter: "instock"}))},
		{"order both forms", second(c.PlaceOrder(ctx, &PlaceOrderParams{Order: &RequestOrder{Items: one}, Items: one}))},
		{"order none", second(c.PlaceOrder(ctx, &PlaceOrderParams{}))},
		{"order numbers differ", second(c.PlaceOrder(ctx, &PlaceOrderParams{CustomerOrderNumber: "A", Order: &RequestOrder{CustomerOrderNumber: "B", Items: one}}))},
		{"invoice both", second(c.GetInvoice(ctx, &InvoiceParams{InvoiceNumber: "1", OrderNumber: "2"}))},
		{"orders dates", second(c.GetOrders(ctx, &OrdersParams{StartDate: time.Now(), EndDate: time.Now().AddDate(0, 0, -1)}))},
		{"empty order number", second(c.GetOrder(ctx, " "))},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.name)
		} else if _, ok := AsError(tt.err); ok {
			t.Errorf("%s: %v reached the network", tt.name, tt.err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestGetProductsBatches(t *testing.T) {
	var mu sync.Mutex
	var batches [][]string
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		skus := strings.Split(r.URL.Query().Get("skusList"), ",")
		mu.Lock()
		batches = append(batches, skus)
		mu.Unlock()
		var items []string
		for _, s := range skus {
			items = append(items, fmt.Sprintf(`{"Sku":%q,"InStock":"1"}`, s))
		}
		writeJSON(w, 200, "["+strings.Join(items, ",")+"]")
	}))
	var skus []string
	for i := range 250 {
		skus = append(skus, fmt.Sprintf("SKU%05d", i))
	}
	skus = append(skus, "SKU00007", "") // a repeat and a blank are dropped
	got, err := c.GetProducts(t.Context(), &ProductsParams{Skus: skus, IncludeInventoryData: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 3 || len(batches[0]) != 100 || len(batches[1]) != 100 || len(batches[2]) != 50 {
		t.Fatalf("batch sizes = %d calls %v", len(batches), lens(batches))
	}
	if len(got) != 250 {
		t.Fatalf("got %d products", len(got))
	}
	for i, p := range got {
		if p.Sku != skus[i] {
			t.Fatalf("product %d = %s, want %s (order lost)", i, p.Sku, skus[i])
		}
	}
}

func lens(b [][]string) []int {
	out := make([]int, len(b))
	for i := range b {
		out[i] = len(b[i])
	}
	return out
}

func TestRaw(t *testing.T) {
	calls := &counter{}
	var lastQuery url.Values
	var lastBody string
	c, sl := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := verifyAuth(r); !ok {
			t.Error("unsigned raw request")
		}
		n := calls.add(r.URL.Path)
		lastQuery = r.URL.Query()
		b, _ := io.ReadAll(r.Body)
		lastBody = string(b)
		if r.URL.Path == "/v1/getproduct" && n == 1 {
			writeJSON(w, 503, `<html>busy</html>`)
			return
		}
		writeJSON(w, 200, `{"Sku":"SE001MSE01"}`)
	}))
	ctx := t.Context()
	rc, err := c.Raw(ctx, "GETPRODUCT", url.Values{"SKU": {"SE001MSE01"}, "includepricedata": {"true"}, "extra": {"1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != `{"Sku":"SE001MSE01"}` {
		t.Errorf("body = %s", b)
	}
	if got := lastQuery.Encode(); got != "extra=1&includePriceData=true&sku=SE001MSE01" {
		t.Errorf("query = %s", got)
	}
	if calls.get("/v1/getproduct") != 2 || len(sl.recorded()) != 1 {
		t.Errorf("read not retried through the shared policy: calls %d", calls.get("/v1/getproduct"))
	}

	rc, err = c.Raw(ctx, "cancelOrder", nil, []byte(`{"OrderNumber":"1"}`))
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if lastBody != `{"OrderNumber":"1"}` {
		t.Errorf("body sent = %s", lastBody)
	}

	if _, err := c.Raw(ctx, "nosuch", nil, nil); err == nil || !strings.Contains(err.Error(), "GetCatalog") {
		t.Errorf("unknown method error = %v", err)
	}
	if _, err := c.Raw(ctx, "placeorder", nil, nil); err == nil {
		t.Error("POST without body accepted")
	}
	if _, err := c.Raw(ctx, "getorder", nil, []byte("{}")); err == nil {
		t.Error("GET with body accepted")
	}
}

func TestMethodsRegistry(t *testing.T) {
	if len(Methods) != 26 {
		t.Errorf("registry has %d methods, the spec 26", len(Methods))
	}
	for key, ep := range Methods {
		if key != strings.ToLower(ep.Name) {
			t.Errorf("key %s for %s", key, ep.Name)
		}
		if (ep.HTTPMethod == http.MethodPost) != ep.Body {
			t.Errorf("%s: POST must take a body and GET none", ep.Name)
		}
		if ep.HTTPMethod == http.MethodGet && !ep.Idempotent {
			t.Errorf("%s: GET not idempotent", ep.Name)
		}
	}
	for _, name := range []string{"placeorder", "processorder", "cancelorder", "registerpayments", "releaseorder", "updateorder", "generatetokens"} {
		if Methods[name].Idempotent {
			t.Errorf("%s marked idempotent", name)
		}
	}
	for name, path := range map[string]string{"GetProcess": "GetProcess", "getcurrency": "GetCurrency", "ReleaseOrder": "releaseOrder", "GetCatalog": "getcatalog"} {
		ep, ok := LookupMethod(name)
		if !ok || ep.Path != path {
			t.Errorf("LookupMethod(%s) = %+v, %v", name, ep, ok)
		}
	}
	// The exported map is a copy.
	Methods["getorder"] = Endpoint{}
	defer func() { Methods["getorder"], _ = LookupMethod("getorder") }()
	if ep, _ := LookupMethod("getorder"); ep.Path != "getorder" {
		t.Error("client depends on the exported map")
	}
}

func TestWaitProcess(t *testing.T) {
	steps := []string{
		string(specExample(t, "getprocess__request_a_order_in_progress")),
		string(specExample(t, "getprocess__request_a_order_in_progress")),
		string(specExample(t, "getprocess__request_a_sucessful_placed_order")),
	}
	var n int
	var mu sync.Mutex
	c, sl := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/GetProcess" || r.URL.Query().Get("processId") != "1234" {
			t.Errorf("request %s", r.URL)
		}
		mu.Lock()
		body := steps[min(n, len(steps)-1)]
		n++
		mu.Unlock()
		writeJSON(w, 200, body)
	}))
	p, err := c.WaitProcess(t.Context(), 1234, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if p.UserData == nil || p.UserData.OrderNumber != "56548" {
		t.Errorf("userData = %+v", p.UserData)
	}
	if w := sl.recorded(); len(w) != 2 || w[0] != time.Second {
		t.Errorf("waits = %v", w)
	}

	c, _ = newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, string(specExample(t, "getprocess__request_a_failed_placed_order")))
	}))
	p, err = c.WaitProcess(t.Context(), 1234, 0)
	if !errors.Is(err, ErrProcessFailed) || p == nil {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "Missing product identifier") || !strings.Contains(err.Error(), "09e7b22b") {
		t.Errorf("error lacks IWS message/reference: %v", err)
	}

	// A cancelled context ends the wait.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.WaitProcess(ctx, 1, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestExtendedCatalogFollowsRedirect(t *testing.T) {
	// The file lives on another host (blob storage): the redirect is followed and the token stays home.
	blob := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Error("Authorization header forwarded to another host")
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(append([]byte{0xEF, 0xBB, 0xBF}, extendedSample...))
	}))
	t.Cleanup(blob.Close)
	blobURL := strings.Replace(blob.URL, "127.0.0.1", "localhost", 1) + "/assets/catalog.json"
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/downloadextendedcatalog" || r.URL.Query().Get("format") != "json" {
			t.Errorf("request %s", r.URL)
		}
		http.Redirect(w, r, blobURL, http.StatusFound)
	}))
	var items []*ExtendedProduct
	info, err := c.StreamExtendedCatalog(t.Context(), &ExtendedCatalogParams{Locale: "es"}, func(p *ExtendedProduct) error {
		items = append(items, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if info.Items != 2 || len(items) != 2 {
		t.Fatalf("items = %d", len(items))
	}
	p := items[0]
	if p.LocalSku != "HP123ABC01" || p.CategoriaCompleta != "Consumibles y Media>>Cartuchos de Toner e Ink-Jet" ||
		p.Attributes["Consumible / Color"] != "Cián" || p.MainImage() != "https://intcomexpim.blob.core.windows.net/assets/images/B.jpg" {
		t.Errorf("item = %+v", p)
	}
	if got := p.CategoryPath(); len(got) != 2 || got[1] != "Cartuchos de Toner e Ink-Jet" {
		t.Errorf("path = %v", got)
	}
	if p.Imagenes[0].Ancho != "200" || p.Imagenes[1].Alto != "640" {
		t.Errorf("image sizes = %+v", p.Imagenes)
	}
}

var extendedSample = []byte(`[
 {"localSku":"HP123ABC01","mpn":"CZ101AL","centralRecno":"123456","Descripcion":"Cartucho HP 662 Cián",
  "DescripcionFabrica":"HP Inc.","DescripcionMarca":"HP",
  "CategoriaCompleta":"Consumibles y Media>>Cartuchos de Toner e Ink-Jet",
  "Consumible / Color":"Cián","Encabezamiento / Marca":"HP","Consumible / Rendimiento":100,
  "Imagenes":[
   {"angulo":null,"imagenId":"A","isMainImage":false,"ancho":"200","alto":"200","url":"https://intcomexpim.blob.core.windows.net/assets/images/A.jpg"},
   {"angulo":"frente","imagenId":"B","isMainImage":true,"ancho":640,"alto":"640","url":"https://intcomexpim.blob.core.windows.net/assets/images/B.jpg"}]},
 {"localSku":"XX100ABC01","mpn":"ABC-123","Descripcion":"Gabinete","Imagenes":[]}
]`)

func TestGetProductShapes(t *testing.T) {
	for name, body := range map[string]string{
		"object":            string(specExample(t, "getproduct__example")),
		"one-element array": "[" + string(specExample(t, "getproduct__example")) + "]",
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, script(&counter{}, answer(200, body)))
			p, err := c.GetProduct(t.Context(), &ProductParams{Sku: "SE001MSE01"})
			if err != nil || p.Sku != "SE001MSE01" || p.Price == nil {
				t.Fatalf("p = %+v, err %v", p, err)
			}
		})
	}
	c, _ := newTestClient(t, script(&counter{}, answer(200, `[]`)))
	if _, err := c.GetProduct(t.Context(), &ProductParams{Sku: "X"}); !errors.Is(err, ErrMalformedResponse) {
		t.Errorf("empty array: %v", err)
	}
	c, _ = newTestClient(t, script(&counter{}, answer(404, string(specExample(t, "getproduct_404__example")))))
	if _, err := c.GetProduct(t.Context(), &ProductParams{Sku: "X"}); !IsNotFound(err) {
		t.Errorf("404: %v", err)
	}
}
