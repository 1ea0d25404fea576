package sandbox_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

// serve calls the sandbox in-process, signed, and returns the recorder.
func serve(t testing.TB, sb *sandbox.Sandbox, at time.Time, path string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "http://sandbox.test"+path, nil)
	req.Header.Set("Authorization", "Bearer "+iws.Token(testAPIKey, testAccessKey, at))
	w := httptest.NewRecorder()
	sb.ServeHTTP(w, req)
	return w
}

func newSandbox(t testing.TB, cfg sandbox.Config) *sandbox.Sandbox {
	t.Helper()
	cfg.APIKey, cfg.AccessKey = testAPIKey, testAccessKey
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	return sb
}

func TestGeneratorIsDeterministic(t *testing.T) {
	now := time.Now()
	feeds := []string{"/v1/getcatalog", "/v1/getpricelist", "/v1/getinventory", "/v1/downloadextendedcatalog?locale=en"}
	render := func(seed int64) map[string][]byte {
		sb := newSandbox(t, sandbox.Config{SKUs: 2000, Seed: seed, PublicURL: "https://sandbox.example"})
		out := map[string][]byte{}
		for _, f := range feeds {
			w := serve(t, sb, now, f)
			if w.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", f, w.Code, w.Body)
			}
			out[f] = w.Body.Bytes()
		}
		return out
	}
	a, b, c := render(1), render(1), render(2)
	for _, f := range feeds {
		if !bytes.Equal(a[f], b[f]) {
			t.Errorf("%s: same seed, different bytes", f)
		}
		if bytes.Equal(a[f], c[f]) {
			t.Errorf("%s: different seeds, same bytes", f)
		}
	}
}

func TestGeneratorShape(t *testing.T) {
	sb := newSandbox(t, sandbox.Config{SKUs: 5000, Seed: 3})
	w := serve(t, sb, time.Now(), "/v1/getproducts?skusList=x") // warm nothing; just proves the handler runs
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var products []iws.Product
	if err := json.Unmarshal(serve(t, sb, time.Now(), "/v1/getcatalog").Body.Bytes(), &products); err != nil {
		t.Fatal(err)
	}
	if len(products) != 5000 {
		t.Fatalf("%d products", len(products))
	}
	skuRE := regexp.MustCompile(`^[A-Z]{2}\d{3}[A-Z]{3}\d{2}$`)
	seen := map[string]bool{}
	mpns := map[string]int{}
	types := map[string]int{}
	tops := map[string]bool{}
	for _, p := range products {
		if !skuRE.MatchString(p.Sku) || seen[p.Sku] {
			t.Fatalf("bad or duplicate SKU %q", p.Sku)
		}
		seen[p.Sku] = true
		mpns[p.Mpn]++
		types[p.Type]++
		if p.Price != nil || p.Locations != nil {
			t.Fatalf("%s: GetCatalog carries Price or Locations", p.Sku)
		}
		if p.InStock == nil || p.OnSale == nil || p.RealStockValue == nil || p.Brand == nil || p.Manufacturer == nil {
			t.Fatalf("%s: missing InStock/OnSale/RealStockValue/Brand/Manufacturer", p.Sku)
		}
		if p.Category == nil || len(p.Category.Subcategories) != 1 || !strings.HasPrefix(p.Category.Leaf().CategoryID, p.Category.CategoryID+".") {
			t.Fatalf("%s: category %+v", p.Sku, p.Category)
		}
		tops[p.Category.CategoryID] = true
		if p.Upc != nil && !validUPC(*p.Upc) {
			t.Fatalf("%s: bad UPC %s", p.Sku, *p.Upc)
		}
		physical := p.Type == iws.TypePhysical
		if physical != (p.Freight != nil && p.Freight.Package != nil && p.Freight.Package.Weight != nil) {
			t.Fatalf("%s: %s with freight %+v", p.Sku, p.Type, p.Freight)
		}
		if !physical && *p.InStock != 0 {
			t.Fatalf("%s: %s with stock %d", p.Sku, p.Type, *p.InStock)
		}
	}
	shared := 0
	for _, n := range mpns {
		if n > 1 {
			shared++
		}
	}
	if shared < 2 {
		t.Errorf("%d shared MPNs, want a couple", shared)
	}
	if types[iws.TypePhysical] < 4000 || types[iws.TypeDownloadable] == 0 || types[iws.TypeLicense] == 0 {
		t.Errorf("type mix %v", types)
	}
	for _, top := range []string{"cco", "cpt", "mon", "acc", "sfw", "net", "sto"} {
		if !tops[top] {
			t.Errorf("no product in %s", top)
		}
	}

	var prices []iws.PriceListItem
	if err := json.Unmarshal(serve(t, sb, time.Now(), "/v1/getpricelist").Body.Bytes(), &prices); err != nil {
		t.Fatal(err)
	}
	zero, places := 0, map[int32]int{}
	for _, p := range prices {
		if p.Price == nil || p.UnitPrice == nil || !p.Price.UnitPrice.Equal(p.UnitPrice.Decimal) || p.CurrencyID != "US" {
			t.Fatalf("%s: inconsistent price %+v", p.Sku, p)
		}
		if p.UnitPrice.IsZero() {
			zero++
		}
		places[-p.UnitPrice.Exponent()]++
	}
	if missing := len(products) - len(prices); missing < 3 || zero < 3 {
		t.Errorf("%d products without a price and %d at zero, want a few of each", missing, zero)
	}
	if places[3]+places[4] == 0 || places[2] == 0 {
		t.Errorf("decimal places %v, want 2 to 4", places)
	}
	var inventory []iws.InventoryData
	if err := json.Unmarshal(serve(t, sb, time.Now(), "/v1/getinventory").Body.Bytes(), &inventory); err != nil {
		t.Fatal(err)
	}
	hidden := 0
	for _, d := range inventory {
		sum := 0
		for _, l := range d.Locations {
			sum += int(l.Stock)
			if !regexp.MustCompile(`^xclq\d$`).MatchString(l.ID) {
				t.Fatalf("location id %q", l.ID)
			}
		}
		if sum != int(d.InStock) {
			t.Fatalf("%s: InStock %d, locations sum %d", d.Sku, d.InStock, sum)
		}
		if !*d.RealStockValue {
			hidden++
		}
	}
	if hidden == 0 {
		t.Error("no product with RealStockValue false")
	}
}

func validUPC(s string) bool {
	if len(s) != 12 {
		return false
	}
	sum := 0
	for i := range 11 {
		d := int(s[i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[11]-'0')
}

// A large sandbox generates every SKU and serves its whole catalog in one answer. How fast is
// BenchmarkLargeCatalog's business (and BenchmarkFeeds50k's), not a test's.
func TestLargeCatalog(t *testing.T) {
	big := newSandbox(t, sandbox.Config{SKUs: 100_000, Seed: 9})
	if n := len(big.SKUs()); n != 100_000 {
		t.Fatalf("%d SKUs", n)
	}
	sb := newSandbox(t, sandbox.Config{SKUs: 50_000, Seed: 9})
	if size := serveCatalog(t, sb); size < 50_000*300 {
		t.Fatalf("catalog of %d bytes", size)
	}
}

// BenchmarkLargeCatalog measures generating a 100,000-SKU sandbox and serving a 50,000-product
// GetCatalog into a writer that only counts.
//
//	go test -run '^$' -bench LargeCatalog -benchtime 3x ./iws/sandbox/
func BenchmarkLargeCatalog(b *testing.B) {
	b.Run("generate-100k", func(b *testing.B) {
		for b.Loop() {
			sb, err := sandbox.New(sandbox.Config{APIKey: testAPIKey, AccessKey: testAccessKey, SKUs: 100_000, Seed: 9})
			if err != nil {
				b.Fatal(err)
			}
			_ = sb.Close()
		}
	})
	b.Run("serve-catalog-50k", func(b *testing.B) {
		sb := newSandbox(b, sandbox.Config{SKUs: 50_000, Seed: 9})
		var size int
		for b.Loop() {
			size = serveCatalog(b, sb)
		}
		b.SetBytes(int64(size))
	})
}

// serveCatalog serves one whole GetCatalog from sb and returns its size in bytes.
func serveCatalog(tb testing.TB, sb *sandbox.Sandbox) int {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, "http://sandbox.test/v1/getcatalog", nil)
	req.Header.Set("Authorization", "Bearer "+iws.Token(testAPIKey, testAccessKey, time.Now()))
	w := &countingWriter{header: http.Header{}}
	sb.ServeHTTP(w, req)
	if w.status != 0 && w.status != http.StatusOK {
		tb.Fatalf("getcatalog answered %d", w.status)
	}
	return w.n
}

// countingWriter is a ResponseWriter that only counts, so timings measure the sandbox alone.
type countingWriter struct {
	header http.Header
	status int
	n      int
}

func (c *countingWriter) Header() http.Header         { return c.header }
func (c *countingWriter) WriteHeader(status int)      { c.status = status }
func (c *countingWriter) Write(b []byte) (int, error) { c.n += len(b); return len(b), nil }

func TestLocale(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	sku := e.sb.SKUs()[0]
	var es, en, def iws.Product
	e.get("/v1/getproduct?sku="+sku+"&locale=es").want(t, 200, 0).decode(t, &es)
	e.get("/v1/getproduct?sku="+sku+"&locale=en").want(t, 200, 0).decode(t, &en)
	e.get("/v1/getproduct?sku="+sku).want(t, 200, 0).decode(t, &def)
	if es.Description == en.Description || es.Category.Description == en.Category.Description {
		t.Errorf("es and en agree: %q / %q", es.Description, en.Description)
	}
	if def.Description != es.Description {
		t.Errorf("default locale is not es: %q", def.Description)
	}
	enEnv := newEnv(t, sandbox.Config{Locale: "en"})
	var p iws.Product
	enEnv.get("/v1/getproduct?sku="+sku).want(t, 200, 0).decode(t, &p)
	if p.Description != en.Description {
		t.Errorf("Config.Locale en: %q", p.Description)
	}
	// Orders render their lines in the locale they were placed in, or in the one asked for.
	so := e.placeOrder("LOC-1", e.physicalInStock(1)[0], 1)
	var got iws.SalesOrder
	e.get("/v1/getorder?orderNumber=LOC-1&locale=en").want(t, 200, 0).decode(t, &got)
	if got.Items[0].Product.Description == so.Items[0].Product.Description {
		t.Errorf("order lines ignore locale=en: %q", got.Items[0].Product.Description)
	}
}

func TestPagination(t *testing.T) {
	e := newEnv(t, sandbox.Config{SKUs: 95})
	for _, feed := range []string{"getcatalog", "getinventory"} {
		t.Run(feed, func(t *testing.T) {
			var all []map[string]any
			e.get("/v1/"+feed).want(t, 200, 0).decode(t, &all)
			var got []map[string]any
			for page := 1; ; page++ {
				var p iws.Page[map[string]any]
				e.get("/v1/"+feed+"?page="+strconv.Itoa(page)+"&limit=10").want(t, 200, 0).decode(t, &p)
				if p.Page != page || p.PageSize != 10 || p.TotalRows != 95 || p.TotalPages != 10 {
					t.Fatalf("page %d: %+v", page, p)
				}
				if len(p.Data) == 0 {
					if page != 11 {
						t.Fatalf("page %d empty", page)
					}
					break
				}
				got = append(got, p.Data...)
			}
			if len(got) != len(all) || got[94]["Sku"] != all[94]["Sku"] || got[0]["Sku"] != all[0]["Sku"] {
				t.Errorf("pages hold %d products, the feed %d", len(got), len(all))
			}
			var def iws.Page[map[string]any]
			e.get("/v1/"+feed+"?page=1").want(t, 200, 0).decode(t, &def)
			if def.PageSize != 100 || len(def.Data) != 95 {
				t.Errorf("page without limit: size %d, %d rows", def.PageSize, len(def.Data))
			}
			var ignored []map[string]any
			e.get("/v1/"+feed+"?limit=3").want(t, 200, 0).decode(t, &ignored)
			if len(ignored) != 95 {
				t.Errorf("limit without page cut the feed to %d", len(ignored))
			}
			e.get("/v1/"+feed+"?page=0").want(t, 400, 101)
			e.get("/v1/"+feed+"?page=1&limit=-1").want(t, 400, 101)
			e.get("/v1/"+feed+"?page=x").want(t, 400, 101)
		})
	}
	arr := newEnv(t, sandbox.Config{SKUs: 20, PaginationInArray: true})
	var wrapped []iws.Page[iws.Product]
	arr.get("/v1/getcatalog?page=2&limit=5").want(t, 200, 0).decode(t, &wrapped)
	if len(wrapped) != 1 || wrapped[0].Page != 2 || len(wrapped[0].Data) != 5 {
		t.Errorf("PaginationInArray: %+v", wrapped)
	}
}

func TestStockFilters(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	count := func(path string, want func(int) bool) int {
		t.Helper()
		var ps []struct {
			Sku     string
			InStock int
		}
		e.get(path).want(t, 200, 0).decode(t, &ps)
		for _, p := range ps {
			if !want(p.InStock) {
				t.Fatalf("%s: %s has %d", path, p.Sku, p.InStock)
			}
		}
		return len(ps)
	}
	all := count("/v1/getcatalog", func(int) bool { return true })
	in := count("/v1/getcatalog?inStock=true", func(n int) bool { return n > 0 })
	out := count("/v1/getcatalog?inventoryFilter=OutOfStock", func(n int) bool { return n == 0 })
	if in == 0 || out == 0 || in+out != all {
		t.Errorf("in %d + out %d != all %d", in, out, all)
	}
	if n := count("/v1/getcatalog?inventoryFilter=instock&inStock=false", func(n int) bool { return n == 0 }); n != out {
		t.Errorf("inStock should win over inventoryFilter: %d", n)
	}
	if n := count("/v1/getinventory?inStock=true", func(n int) bool { return n > 0 }); n != in {
		t.Errorf("getinventory inStock=true: %d, catalog %d", n, in)
	}
	var prices []iws.PriceListItem
	e.get("/v1/getpricelist?inStock=true").want(t, 200, 0).decode(t, &prices)
	if len(prices) == 0 || len(prices) > in {
		t.Errorf("price list in stock: %d of %d", len(prices), in)
	}
	e.get("/v1/getcatalog?inStock=maybe").want(t, 400, 101)
}

func TestGetProducts(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	skus := e.sb.SKUs()
	var nullPrice string
	for _, s := range skus {
		if p, _ := e.sb.Product(s); p.Price == nil {
			nullPrice = s
			break
		}
	}
	list := []string{skus[5], "NOPE000XXX00", strings.ToLower(skus[2]), nullPrice, skus[5]}
	r := e.get("/v1/getproducts?skusList="+strings.Join(list, ",")).want(t, 200, 0)
	var raw []map[string]json.RawMessage
	r.decode(t, &raw)
	if len(raw) != 3 {
		t.Fatalf("want 3 products (unknown omitted, duplicates once), got %d", len(raw))
	}
	for n, want := range []string{skus[5], skus[2], nullPrice} {
		var sku string
		_ = json.Unmarshal(raw[n]["Sku"], &sku)
		if sku != want {
			t.Errorf("product %d is %s, want %s", n, sku, want)
		}
		if _, ok := raw[n]["InStock"]; !ok {
			t.Errorf("%s: no InStock although includeInventoryData defaults to true", sku)
		}
	}
	if string(raw[2]["Price"]) != "null" {
		t.Errorf("%s: Price %s, want null", nullPrice, raw[2]["Price"])
	}
	var p iws.Product
	upc := ""
	for _, s := range skus {
		if pp, _ := e.sb.Product(s); pp.Upc != nil {
			upc, p = *pp.Upc, pp
			break
		}
	}
	var byUPC []iws.Product
	e.get("/v1/getproducts?upcsList="+upc).want(t, 200, 0).decode(t, &byUPC)
	if len(byUPC) != 1 || byUPC[0].Sku != p.Sku {
		t.Errorf("by UPC: %+v", byUPC)
	}
	var bare []map[string]json.RawMessage
	e.get("/v1/getproducts?includePriceData=false&includeInventoryData=false&skusList="+skus[5]).want(t, 200, 0).decode(t, &bare)
	if _, ok := bare[0]["Price"]; ok {
		t.Error("Price sent with includePriceData=false")
	}
	if _, ok := bare[0]["InStock"]; ok {
		t.Error("InStock sent with includeInventoryData=false")
	}
	strict := newEnv(t, sandbox.Config{StrictIncludeFlags: true})
	var s []map[string]json.RawMessage
	strict.get("/v1/getproducts?skusList="+skus[5]).want(t, 200, 0).decode(t, &s)
	if _, ok := s[0]["Price"]; ok {
		t.Error("StrictIncludeFlags: Price sent without includePriceData=true")
	}
	strict.get("/v1/getproducts?includePriceData=true&skusList="+skus[5]).want(t, 200, 0).decode(t, &s)
	if _, ok := s[0]["Price"]; !ok {
		t.Error("StrictIncludeFlags: no Price with includePriceData=true")
	}
	e.get("/v1/getproducts?skusList=,,").want(t, 400, 903)
	hundred := strings.Repeat(skus[0]+",", 100)
	e.get("/v1/getproducts?skusList="+hundred[:len(hundred)-1]).want(t, 200, 0)
	e.get("/v1/getproducts?skusList="+hundred+skus[1]).want(t, 400, 26)
}

func TestRoutesAreCaseInsensitive(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	sku := e.sb.SKUs()[0]
	for _, path := range []string{
		"/v1/GetCatalog?page=1&limit=1",
		"/v1/GETCATALOG?PAGE=1&LIMIT=1",
		"/v1/getproduct?SKU=" + sku,
		"/v1/GetProduct?Sku=" + sku,
		"/v1/getprocess?processid=1",
		"/v1/getcurrency?COUNTRYID=cl",
		"/v1/getcatalog/?page=1&limit=1",
	} {
		r := e.get(path)
		if r.status == http.StatusNotFound && r.errorCode() == 0 {
			t.Errorf("%s: not routed: %s", path, r)
		}
		if strings.Contains(path, "roduct") {
			var p iws.Product
			r.want(t, 200, 0).decode(t, &p)
			if p.Sku != sku {
				t.Errorf("%s: got %s", path, p.Sku)
			}
		}
	}
	for _, path := range []string{"/getcatalog", "/v2/getcatalog", "/v1/getfoo?x=1", "/v1/"} {
		r := e.get(path).want(t, http.StatusNotFound, 0)
		var body map[string]string
		r.decode(t, &body)
		if !strings.HasPrefix(body["Message"], "No HTTP resource was found that matches the request URI '"+e.srv.URL) ||
			!strings.HasPrefix(body["MessageDetail"], "No action was found on the controller 'IwsApi' that matches the name '") {
			t.Errorf("%s: %v", path, body)
		}
	}
	e.get("/v1/placeorder").want(t, http.StatusMethodNotAllowed, 0)
	e.post("/v1/getcatalog", nil).want(t, http.StatusMethodNotAllowed, 0)
	e.post("/v1/generatetokens", `{"OrderNumber":"1"}`).want(t, http.StatusNotImplemented, 900)
}

func TestExtendedCatalogAndImages(t *testing.T) {
	e := newEnv(t, sandbox.Config{PublicURL: "http://public.example/"})
	r := e.get("/v1/downloadextendedcatalog?format=json&locale=es").want(t, 200, 0)
	if ct := r.header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	var items []iws.ExtendedProduct
	r.decode(t, &items)
	if len(items) != 300 {
		t.Fatalf("%d items", len(items))
	}
	withImages := 0
	var imageURL string
	for _, it := range items {
		if it.LocalSku == "" || it.Mpn == "" || it.Descripcion == "" || !strings.Contains(it.CategoriaCompleta, ">>") {
			t.Fatalf("incomplete item %+v", it)
		}
		if it.Attributes["Encabezamiento / Marca"] != it.DescripcionMarca || it.Attributes["Encabezamiento / Modelo"] == "" {
			t.Fatalf("%s: attributes %v", it.LocalSku, it.Attributes)
		}
		if len(it.Imagenes) > 4 {
			t.Fatalf("%s: %d images", it.LocalSku, len(it.Imagenes))
		}
		if len(it.Imagenes) > 0 {
			withImages++
			if !it.Imagenes[0].IsMainImage || !strings.HasPrefix(it.MainImage(), "http://public.example/images/") {
				t.Fatalf("%s: images %+v", it.LocalSku, it.Imagenes)
			}
			imageURL = it.MainImage()
		}
	}
	if withImages < 100 || withImages > 200 {
		t.Errorf("%d of 300 products have images, want about half", withImages)
	}
	var en []iws.ExtendedProduct
	e.get("/v1/downloadextendedcatalog?locale=en").want(t, 200, 0).decode(t, &en)
	if en[0].Attributes["Header / Brand"] == "" || en[0].Descripcion == items[0].Descripcion {
		t.Errorf("English extended catalog: %+v", en[0])
	}

	path := strings.TrimPrefix(imageURL, "http://public.example")
	img := e.get(path, unsigned()).want(t, 200, 0)
	if img.header.Get("Content-Type") != "image/png" {
		t.Errorf("image Content-Type %q", img.header.Get("Content-Type"))
	}
	decoded, err := png.Decode(bytes.NewReader(img.body))
	if err != nil || decoded.Bounds().Dx() != 64 || decoded.Bounds().Dy() != 64 {
		t.Fatalf("image: %v %v", err, decoded.Bounds())
	}
	again := e.get(path, unsigned())
	if !bytes.Equal(again.body, img.body) {
		t.Error("image is not deterministic")
	}
	e.get("/images/00000000-0000-4000-8000-000000000000.png", unsigned()).want(t, 404, 0)
	e.get(strings.Replace(path, ".png", ".jpg", 1), unsigned()).want(t, 404, 0)
}

func TestTestHooksChangeTheFeeds(t *testing.T) {
	e := newEnv(t, sandbox.Config{SKUs: 1000})
	sku := e.physicalInStock(1)[0]
	if err := e.sb.SetStock(sku, "xclq2", 77); err != nil {
		t.Fatal(err)
	}
	if err := e.sb.SetPrice(sku, decimal.RequireFromString("12.3456")); err != nil {
		t.Fatal(err)
	}
	var p iws.Product
	e.get("/v1/getproduct?sku="+sku).want(t, 200, 0).decode(t, &p)
	if p.Locations[1].Stock != 77 || p.Price.UnitPrice.String() != "12.3456" {
		t.Errorf("after SetStock/SetPrice: %+v %+v", p.Locations, p.Price)
	}
	if err := e.sb.SetStock("NOPE", "xclq1", 1); err == nil {
		t.Error("SetStock accepted an unknown SKU")
	}
	if err := e.sb.SetStock(sku, "xxx9", 1); err == nil {
		t.Error("SetStock accepted an unknown location")
	}

	before := inventoryMap(t, e)
	changed := e.sb.ChangeStock(1)
	after := inventoryMap(t, e)
	if len(changed) < 7 || len(changed) > 11 {
		t.Errorf("1%% of ~900 physical products changed %d", len(changed))
	}
	diff := 0
	for s, v := range after {
		if before[s] != v {
			diff++
		}
	}
	if diff != len(changed) {
		t.Errorf("%d products changed in the feed, %d reported", diff, len(changed))
	}

	if err := e.sb.RemoveProduct(sku); err != nil {
		t.Fatal(err)
	}
	if _, ok := inventoryMap(t, e)[sku]; ok {
		t.Error("removed product still in GetInventory")
	}
	e.get("/v1/getproduct?sku="+sku).want(t, 401, 21)
	if err := e.sb.RestoreProduct(sku); err != nil {
		t.Fatal(err)
	}
	e.get("/v1/getproduct?sku="+sku).want(t, 200, 0)
}

func inventoryMap(t *testing.T, e *env) map[string]string {
	t.Helper()
	var inv []iws.InventoryData
	e.get("/v1/getinventory").want(t, 200, 0).decode(t, &inv)
	out := make(map[string]string, len(inv))
	for _, d := range inv {
		b, _ := json.Marshal(d.Locations)
		out[d.Sku] = string(b)
	}
	return out
}

func TestCatalogCSV(t *testing.T) {
	e := newEnv(t, sandbox.Config{SKUs: 50})
	r := e.get("/v1/getcatalog?format=csv&locale=en").want(t, 200, 0)
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 51 || rows[0][0] != "Sku" || rows[1][0] != e.sb.SKUs()[0] {
		t.Errorf("%d rows, header %v, first %v", len(rows), rows[0], rows[1])
	}
}
