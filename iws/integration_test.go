package iws_test

// Integration tests: the client against the IWS simulator (iws/sandbox) over real loopback HTTP, for
// every method. Faults, retries and the audit log are in integration_faults_test.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

const (
	itAPIKey    = "7f3c2a10-0000-4000-8000-00000000c0de"
	itAccessKey = "5b1e9d44-aaaa-4bbb-8ccc-0000000a11e5"
)

// simClock is the one timeline the sandbox and the client share: token expiry, throttling and the
// client's waits (see sleeper) all read it.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// sleeper is the client's Config.Sleep: it records every wait and moves the shared clock forward
// instead of sleeping, so a 10 s throttle wait costs nothing and still satisfies the sandbox.
type sleeper struct {
	clock *simClock
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	s.clock.Advance(d)
	return ctx.Err()
}

func (s *sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

// exchange is one HTTP attempt as the client's transport saw it.
type exchange struct {
	method string
	path   string // lower-case, without /v1/
	query  url.Values
	body   []byte
	status int // 0 when no response came back
}

// wireLog is a RoundTripper that records every attempt the client makes, retries included.
type wireLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

func (w *wireLog) RoundTrip(r *http.Request) (*http.Response, error) {
	ex := exchange{
		method: r.Method,
		path:   strings.ToLower(strings.TrimPrefix(r.URL.Path, "/v1/")),
		query:  r.URL.Query(),
	}
	if r.GetBody != nil {
		if b, err := r.GetBody(); err == nil {
			ex.body, _ = io.ReadAll(b)
			_ = b.Close()
		}
	}
	resp, err := w.next.RoundTrip(r)
	if resp != nil {
		ex.status = resp.StatusCode
	}
	w.mu.Lock()
	w.log = append(w.log, ex)
	w.mu.Unlock()
	return resp, err
}

// Calls returns the attempts of one method (lower-case path), or every attempt for "".
func (w *wireLog) Calls(path string) []exchange {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []exchange
	for _, ex := range w.log {
		if path == "" || ex.path == path {
			out = append(out, ex)
		}
	}
	return out
}

// rig is a sandbox behind a loopback HTTP server.
type rig struct {
	t     *testing.T
	sb    *sandbox.Sandbox
	srv   *httptest.Server
	clock *simClock
}

// newRig starts a sandbox of 300 products (seed 7) on the shared clock unless cfg says otherwise.
func newRig(t *testing.T, cfg sandbox.Config) *rig {
	t.Helper()
	clock := &simClock{t: time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)}
	if cfg.APIKey == "" {
		cfg.APIKey, cfg.AccessKey = itAPIKey, itAccessKey
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Now
	}
	if cfg.SKUs == 0 {
		cfg.SKUs = 300
	}
	if cfg.Seed == 0 {
		cfg.Seed = 7
	}
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() {
		srv.Close()
		if err := sb.Close(); err != nil {
			t.Errorf("sandbox Close: %v", err)
		}
	})
	return &rig{t: t, sb: sb, srv: srv, clock: clock}
}

// client returns a client for the rig on its clock, with the fake sleeper and a wire log around the
// transport (the server's, unless an option sets Config.HTTPClient).
func (r *rig) client(opts ...func(*iws.Config)) (*iws.Client, *wireLog, *sleeper) {
	r.t.Helper()
	sl := &sleeper{clock: r.clock}
	cfg := iws.Config{
		BaseURL:   r.srv.URL + "/v1/",
		APIKey:    itAPIKey,
		AccessKey: itAccessKey,
		Now:       r.clock.Now,
		Sleep:     sl.Sleep,
	}
	for _, o := range opts {
		o(&cfg)
	}
	next := r.srv.Client().Transport
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		next = cfg.HTTPClient.Transport
	}
	wire := &wireLog{next: next}
	cfg.HTTPClient = &http.Client{Transport: wire}
	c, err := iws.New(cfg)
	if err != nil {
		r.t.Fatalf("iws.New: %v", err)
	}
	return c, wire, sl
}

// product returns the first product (as GetProduct shows it with price and stock) matching ok.
func (r *rig) product(ok func(p *iws.Product) bool) iws.Product {
	r.t.Helper()
	for _, sku := range r.sb.SKUs() {
		p, err := r.sb.Product(sku)
		if err != nil {
			r.t.Fatal(err)
		}
		if ok(&p) {
			return p
		}
	}
	r.t.Fatal("no product in the sandbox catalog matches")
	return iws.Product{}
}

// sellable is a physical product with a positive price, a UPC and an MPN of its own.
func (r *rig) sellable(skip ...string) iws.Product {
	r.t.Helper()
	mpns := map[string]int{}
	for _, sku := range r.sb.SKUs() {
		p, _ := r.sb.Product(sku)
		mpns[p.Mpn]++
	}
	return r.product(func(p *iws.Product) bool {
		return p.Type == iws.TypePhysical && p.Price != nil && p.Price.UnitPrice.IsPositive() &&
			p.Upc != nil && mpns[p.Mpn] == 1 && !slices.Contains(skip, p.Sku)
	})
}

// setStock gives sku exactly these units per warehouse (xclq1, xclq2, xclq3).
func (r *rig) setStock(sku string, units ...int) {
	r.t.Helper()
	for i, n := range units {
		if err := r.sb.SetStock(sku, sandbox.Locations()[i], n); err != nil {
			r.t.Fatal(err)
		}
	}
}

// wantAPIError asserts err is an *iws.Error with this code and HTTP status, and returns it.
func wantAPIError(t *testing.T, err error, code, status int) *iws.Error {
	t.Helper()
	e, ok := iws.AsError(err)
	if !ok {
		t.Fatalf("error %v (%T) is not an *iws.Error", err, err)
	}
	if e.ErrorCode != code || e.HTTPStatus != status {
		t.Fatalf("error code %d HTTP %d (%v), want code %d HTTP %d", e.ErrorCode, e.HTTPStatus, err, code, status)
	}
	if e.Message == "" || e.Reference == "" {
		t.Errorf("error %v lacks a message or reference", err)
	}
	return e
}

func skusOf(ps []iws.Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Sku
	}
	return out
}

func TestSandboxAuthenticate(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	c, wire, _ := r.client()
	if err := c.Authenticate(t.Context()); err != nil {
		t.Fatal(err)
	}
	calls := wire.Calls("authenticate")
	if len(calls) != 1 || calls[0].method != http.MethodGet || calls[0].status != http.StatusOK {
		t.Errorf("authenticate attempts: %+v", calls)
	}
}

func TestSandboxCatalog(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	c, wire, _ := r.client()
	ctx := t.Context()
	want := r.sb.SKUs()

	all, err := c.GetCatalog(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(skusOf(all), want) {
		t.Fatalf("unpaged catalog: %d products, want the sandbox's %d in order", len(all), len(want))
	}
	for _, p := range all {
		if p.InStock == nil || p.Brand == nil || p.Category == nil || p.Description == "" || p.Type == "" {
			t.Fatalf("catalog product %s lacks fields: %+v", p.Sku, p)
		}
	}
	if calls := wire.Calls("getcatalog"); len(calls) != 1 || calls[0].query.Has("page") || calls[0].query.Has("limit") {
		t.Errorf("unpaged catalog: requests %+v", calls)
	}

	t.Run("paged", func(t *testing.T) {
		before := len(wire.Calls("getcatalog"))
		paged, err := c.GetCatalog(ctx, &iws.CatalogParams{Limit: 64})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(skusOf(paged), want) {
			t.Errorf("paged catalog: %d products, want %d in the same order", len(paged), len(want))
		}
		calls := wire.Calls("getcatalog")[before:]
		if len(calls) != 5 { // ceil(300/64)
			t.Fatalf("%d page requests, want 5", len(calls))
		}
		for i, ex := range calls {
			if ex.query.Get("page") != strconv.Itoa(i+1) || ex.query.Get("limit") != "64" {
				t.Errorf("request %d query %v", i, ex.query)
			}
		}

		var streamed []string
		info, err := c.StreamCatalog(ctx, &iws.CatalogParams{Limit: 64}, func(p *iws.Product) error {
			streamed = append(streamed, p.Sku)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantInfo := iws.StreamInfo{Items: 300, Pages: 5, Paginated: true, TotalRows: 300, TotalPages: 5}
		if info != wantInfo || !slices.Equal(streamed, want) {
			t.Errorf("StreamCatalog info %+v, want %+v; %d SKUs", info, wantInfo, len(streamed))
		}

		page2, err := c.GetCatalog(ctx, &iws.CatalogParams{Page: 2, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(skusOf(page2), want[50:100]) {
			t.Errorf("page 2 of 50: %v", skusOf(page2))
		}
	})

	t.Run("locale", func(t *testing.T) {
		es, err := c.GetCatalog(ctx, &iws.CatalogParams{Locale: "es"})
		if err != nil {
			t.Fatal(err)
		}
		en, err := c.GetCatalog(ctx, &iws.CatalogParams{Locale: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(skusOf(es), skusOf(en)) {
			t.Fatal("the locale changed the product list")
		}
		descs, cats := 0, 0
		for i := range es {
			if es[i].Description != en[i].Description {
				descs++
			}
			if slices.Compare(es[i].Category.Path(), en[i].Category.Path()) != 0 {
				cats++
			}
		}
		if descs < len(es)/2 || cats == 0 {
			t.Errorf("es and en differ in %d descriptions and %d categories of %d products", descs, cats, len(es))
		}
		if got := wire.Calls("getcatalog"); got[len(got)-1].query.Get("locale") != "en" {
			t.Errorf("locale not sent: %v", got[len(got)-1].query)
		}
	})

	t.Run("inventory filters", func(t *testing.T) {
		count := func(p *iws.CatalogParams, wantInStock bool) int {
			t.Helper()
			ps, err := c.GetCatalog(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range ps {
				if (*x.InStock > 0) != wantInStock {
					t.Fatalf("filter %+v let through %s with InStock %d", p, x.Sku, *x.InStock)
				}
			}
			return len(ps)
		}
		in := count(&iws.CatalogParams{InventoryFilter: iws.InventoryInStock}, true)
		out := count(&iws.CatalogParams{InventoryFilter: iws.InventoryOutOfStock}, false)
		if in == 0 || out == 0 || in+out != len(want) {
			t.Errorf("in stock %d + out of stock %d != %d", in, out, len(want))
		}
		if n := count(&iws.CatalogParams{InStock: iws.Bool(true)}, true); n != in {
			t.Errorf("inStock=true gave %d, inventoryFilter=InStock %d", n, in)
		}
		if n := count(&iws.CatalogParams{InStock: iws.Bool(false), Limit: 40}, false); n != out {
			t.Errorf("paged inStock=false gave %d, want %d", n, out)
		}
	})
}

func TestSandboxGetProducts(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	c, wire, _ := r.client()
	skus := r.sb.SKUs()[:250]
	// Repeats and unknown SKUs: repeats are sent once, unknown ones are left out by IWS.
	ask := append(slices.Clone(skus), skus[0], skus[1], "NOSUCH001", "NOSUCH002")

	got, err := c.GetProducts(t.Context(), &iws.ProductsParams{Skus: ask, IncludePriceData: true, IncludeInventoryData: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(skusOf(got), skus) {
		t.Fatalf("GetProducts returned %d products, want the 250 asked for in order", len(got))
	}
	calls := wire.Calls("getproducts")
	if len(calls) != 3 {
		t.Fatalf("%d GetProducts calls for 252 identifiers, want 3", len(calls))
	}
	var sent []string
	for _, ex := range calls {
		ids := strings.Split(ex.query.Get("skusList"), ",")
		if len(ids) > iws.MaxProductsPerCall {
			t.Errorf("one call carried %d SKUs", len(ids))
		}
		if ex.query.Get("includePriceData") != "true" || ex.query.Get("includeInventoryData") != "true" {
			t.Errorf("include flags not sent: %v", ex.query)
		}
		sent = append(sent, ids...)
	}
	if len(sent) != 252 || len(calls[0].query["skusList"]) != 1 {
		t.Errorf("sent %d identifiers, want 252 (250 known + 2 unknown, no repeats)", len(sent))
	}
	for _, p := range got {
		if p.InStock == nil {
			t.Fatalf("%s: no inventory data", p.Sku)
		}
	}
}

func TestSandboxGetProduct(t *testing.T) {
	// StrictIncludeFlags makes the include flags observable: without them the spec's default (true)
	// applies and every answer carries price and stock.
	r := newRig(t, sandbox.Config{StrictIncludeFlags: true})
	c, _, _ := r.client()
	ctx := t.Context()
	want := r.sellable()

	tests := []struct {
		name               string
		params             iws.ProductParams
		wantPrice, wantInv bool
	}{
		{"sku bare", iws.ProductParams{Sku: want.Sku}, false, false},
		{"sku with price", iws.ProductParams{Sku: want.Sku, IncludePriceData: true}, true, false},
		{"sku with inventory", iws.ProductParams{Sku: want.Sku, IncludeInventoryData: true}, false, true},
		{"mpn with both", iws.ProductParams{Mpn: want.Mpn, IncludePriceData: true, IncludeInventoryData: true}, true, true},
		{"upc with both, en", iws.ProductParams{Upc: *want.Upc, Locale: "en", IncludePriceData: true, IncludeInventoryData: true}, true, true},
		{"lower-case sku", iws.ProductParams{Sku: strings.ToLower(want.Sku), IncludePriceData: true}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.GetProduct(ctx, &tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if p.Sku != want.Sku || p.Mpn != want.Mpn || p.Upc == nil || *p.Upc != *want.Upc {
				t.Errorf("got %s/%s, want %s/%s", p.Sku, p.Mpn, want.Sku, want.Mpn)
			}
			if (p.Price != nil) != tt.wantPrice {
				t.Errorf("Price present = %v, want %v", p.Price != nil, tt.wantPrice)
			}
			if tt.wantPrice && (!p.Price.UnitPrice.Equal(want.Price.UnitPrice.Decimal) || p.Price.Currency() != "USD") {
				t.Errorf("price %s %s, want %s USD", p.Price.UnitPrice, p.Price.Currency(), want.Price.UnitPrice)
			}
			if (p.InStock != nil) != tt.wantInv || (len(p.Locations) == 3) != tt.wantInv {
				t.Errorf("inventory present = %v (%d locations), want %v", p.InStock != nil, len(p.Locations), tt.wantInv)
			}
			if tt.wantInv && *p.InStock != *want.InStock {
				t.Errorf("InStock %d, want %d", *p.InStock, *want.InStock)
			}
		})
	}

	t.Run("unknown", func(t *testing.T) {
		_, err := c.GetProduct(ctx, &iws.ProductParams{Sku: "NOSUCH001"})
		e := wantAPIError(t, err, iws.CodeInvalidProduct, http.StatusNotFound)
		if !iws.IsNotFound(err) || !iws.IsInvalidProduct(err) || e.Sku != "NOSUCH001" || e.Method != "GetProduct" {
			t.Errorf("unknown SKU: %+v", e)
		}
	})
	t.Run("shared mpn", func(t *testing.T) {
		// The generator gives the last product of a small catalog its neighbour's MPN.
		skus := r.sb.SKUs()
		last, _ := r.sb.Product(skus[len(skus)-1])
		_, err := c.GetProduct(ctx, &iws.ProductParams{Mpn: last.Mpn})
		wantAPIError(t, err, iws.CodeAmbiguousProduct, http.StatusConflict)
	})
}

func TestSandboxNullAndZeroPrices(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	c, _, _ := r.client()
	ctx := t.Context()
	null := r.product(func(p *iws.Product) bool { return p.Price == nil })
	zero := r.product(func(p *iws.Product) bool { return p.Price != nil && p.Price.UnitPrice.IsZero() })

	p, err := c.GetProduct(ctx, &iws.ProductParams{Sku: null.Sku, IncludePriceData: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Price != nil {
		t.Errorf("Price: null decoded as %+v", p.Price)
	}
	p, err = c.GetProduct(ctx, &iws.ProductParams{Sku: zero.Sku, IncludePriceData: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Price == nil || !p.Price.UnitPrice.IsZero() {
		t.Errorf("zero price decoded as %+v", p.Price)
	}

	both, err := c.GetProducts(ctx, &iws.ProductsParams{Skus: []string{null.Sku, zero.Sku}, IncludePriceData: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(both) != 2 || both[0].Price != nil || both[1].Price == nil || !both[1].Price.UnitPrice.IsZero() {
		t.Errorf("GetProducts null/zero prices: %+v", both)
	}

	list, err := c.GetPriceList(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range list {
		switch it.Sku {
		case null.Sku:
			t.Errorf("a product without a price is in the price list: %+v", it)
		case zero.Sku:
			if it.Price == nil || !it.Price.UnitPrice.IsZero() {
				t.Errorf("zero price in the price list: %+v", it.Price)
			}
		}
	}
}

// reshapePriceList rewrites each GetPriceList answer to one of the two documented item shapes: the
// price nested under "Price" only (the spec's example) or at the top level only (its schema).
type reshapePriceList struct {
	next http.RoundTripper
	drop []string // keys removed from every item
}

func (rs reshapePriceList) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rs.next.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.EqualFold(r.URL.Path, "/v1/getpricelist") {
		return resp, err
	}
	defer resp.Body.Close()
	var items []map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&items); err != nil {
		return nil, err
	}
	for _, it := range items {
		for _, k := range rs.drop {
			delete(it, k)
		}
	}
	b, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Del("Content-Length")
	return resp, nil
}

func TestSandboxPriceList(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	ctx := t.Context()
	c, _, _ := r.client()

	list, err := c.GetPriceList(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]decimal.Decimal{}
	for _, sku := range r.sb.SKUs() {
		if p, _ := r.sb.Product(sku); p.Price != nil {
			want[sku] = p.Price.UnitPrice.Decimal
		}
	}
	if len(list) != len(want) {
		t.Fatalf("price list has %d items, want %d", len(list), len(want))
	}
	for _, it := range list {
		// The sandbox sends both shapes at once; they must agree after decoding.
		if it.Price == nil || it.UnitPrice == nil || !it.UnitPrice.Equal(it.Price.UnitPrice.Decimal) {
			t.Fatalf("%s: top-level %v, nested %+v", it.Sku, it.UnitPrice, it.Price)
		}
		if !it.Price.UnitPrice.Equal(want[it.Sku]) || it.Price.Currency() != "USD" {
			t.Errorf("%s: %s %s, want %s USD", it.Sku, it.Price.UnitPrice, it.Price.Currency(), want[it.Sku])
		}
	}

	for _, shape := range []struct {
		name string
		drop []string
	}{
		{"nested only", []string{"UnitPrice", "CurrencyId"}},
		{"top level only", []string{"Price"}},
	} {
		t.Run(shape.name, func(t *testing.T) {
			c, _, _ := r.client(func(cfg *iws.Config) {
				cfg.HTTPClient = &http.Client{Transport: reshapePriceList{next: r.srv.Client().Transport, drop: shape.drop}}
			})
			n := 0
			info, err := c.StreamPriceList(ctx, nil, func(it *iws.PriceListItem) error {
				if it.Price == nil || !it.Price.UnitPrice.Equal(want[it.Sku]) || it.Price.Currency() != "USD" {
					t.Fatalf("%s normalized to %+v, want %s USD", it.Sku, it.Price, want[it.Sku])
				}
				n++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != len(want) || info.Items != n || info.Paginated {
				t.Errorf("streamed %d items, info %+v", n, info)
			}
		})
	}

	in, err := c.GetPriceList(ctx, &iws.PriceListParams{InStock: iws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(in) == 0 || len(in) >= len(list) {
		t.Errorf("inStock=true price list: %d of %d", len(in), len(list))
	}
}

func TestSandboxInventory(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	c, wire, _ := r.client()
	ctx := t.Context()
	p := r.sellable()
	r.setStock(p.Sku, 5, 17, 0)

	inv, err := c.GetInventory(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv) != len(r.sb.SKUs()) {
		t.Fatalf("%d inventory items, want %d", len(inv), len(r.sb.SKUs()))
	}
	for _, it := range inv {
		var sum iws.Int
		for _, l := range it.Locations {
			sum += l.Stock
		}
		if it.Locations == nil || sum != it.InStock {
			t.Fatalf("%s: InStock %d, locations %+v", it.Sku, it.InStock, it.Locations)
		}
		if it.Sku == p.Sku {
			want := []iws.Location{{ID: "xclq1", Stock: 5}, {ID: "xclq2", Stock: 17}, {ID: "xclq3", Stock: 0}}
			if !slices.Equal(it.Locations, want) || it.InStock != 22 {
				t.Errorf("%s after SetStock: %d %+v", p.Sku, it.InStock, it.Locations)
			}
		}
	}

	before := len(wire.Calls("getinventory"))
	n := 0
	info, err := c.StreamInventory(ctx, &iws.InventoryParams{Limit: 128}, func(*iws.InventoryData) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if n != len(inv) || info.Pages != 3 || info.TotalPages != 3 || info.TotalRows != len(inv) || len(wire.Calls("getinventory"))-before != 3 {
		t.Errorf("paged inventory: %d items, info %+v", n, info)
	}

	inStock, err := c.GetInventory(ctx, &iws.InventoryParams{InStock: iws.Bool(true), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range inStock {
		if it.InStock <= 0 {
			t.Fatalf("inStock=true gave %s with %d", it.Sku, it.InStock)
		}
	}
}

func TestSandboxExtendedCatalog(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	c, _, _ := r.client()
	ctx := t.Context()

	es, err := c.DownloadExtendedCatalog(ctx, &iws.ExtendedCatalogParams{Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(extSKUs(es), r.sb.SKUs()) {
		t.Fatalf("extended catalog has %d items, want %d", len(es), len(r.sb.SKUs()))
	}
	var withImage *iws.ExtendedProduct
	for i := range es {
		e := &es[i]
		if e.Descripcion == "" || e.DescripcionMarca == "" || len(e.CategoryPath()) != 2 {
			t.Fatalf("%s: Spanish keys not decoded: %+v", e.LocalSku, e)
		}
		if e.Attributes["Encabezamiento / Marca"] != e.DescripcionMarca || len(e.Attributes) < 4 {
			t.Fatalf("%s: attributes %v", e.LocalSku, e.Attributes)
		}
		if withImage == nil && len(e.Imagenes) > 0 {
			withImage = e
		}
	}
	if withImage == nil {
		t.Fatal("no product with images")
	}

	// The image URLs point at the sandbox, which serves them.
	img := withImage.MainImage()
	if !strings.HasPrefix(img, r.srv.URL+"/images/") || !withImage.Imagenes[0].IsMainImage || withImage.Imagenes[0].Ancho != "64" {
		t.Fatalf("main image %q of %+v", img, withImage.Imagenes)
	}
	resp, err := r.srv.Client().Get(img)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(body, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("image: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(body)); err != nil || cfg.Width != 64 || cfg.Height != 64 {
		t.Errorf("image decodes as %+v, %v", cfg, err)
	}

	n := 0
	info, err := c.StreamExtendedCatalog(ctx, &iws.ExtendedCatalogParams{Locale: "en"}, func(e *iws.ExtendedProduct) error {
		if e.Attributes["Header / Brand"] == "" {
			t.Fatalf("%s: English attributes %v", e.LocalSku, e.Attributes)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(es) || info.Items != n {
		t.Errorf("streamed %d extended items, info %+v", n, info)
	}
}

func extSKUs(es []iws.ExtendedProduct) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.LocalSku
	}
	return out
}

func TestSandboxOrderLifecycle(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	c, wire, _ := r.client()
	ctx := t.Context()
	p := r.sellable()
	r.setStock(p.Sku, 10, 4, 0)

	// The bare item array, with the header in the query.
	a, err := c.PlaceOrder(ctx, &iws.PlaceOrderParams{
		CustomerOrderNumber: "IT-1001", Tag: "it-batch", LocationID: "xclq1",
		Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 2, StoreItemID: "line-1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ex := wire.Calls("placeorder")[0]
	if ex.method != http.MethodPost || ex.body[0] != '[' || ex.query.Get("customerOrderNumber") != "IT-1001" ||
		ex.query.Get("tag") != "it-batch" || ex.query.Get("locationId") != "xclq1" {
		t.Errorf("PlaceOrder request: %s %v %s", ex.method, ex.query, ex.body)
	}
	if a.OrderNumber == "" || a.CustomerOrderNumber != "IT-1001" || a.Tag == nil || *a.Tag != "it-batch" ||
		a.Status.StatusCode != iws.StatusOpen || len(a.Items) != 1 || a.Items[0].LocationID != "xclq1" ||
		a.Items[0].Quantity != 2 || !a.Total.Value().IsPositive() {
		t.Fatalf("placed order: %+v", a)
	}
	if unit := a.Items[0].UnitPrice.Value(); !unit.Equal(p.Price.UnitPrice.Decimal) {
		t.Errorf("unit price %s, want %s", unit, p.Price.UnitPrice)
	}
	if st, _ := r.sb.Stock(p.Sku); st["xclq1"] != 8 {
		t.Errorf("stock after the order: %v", st)
	}

	// The RequestOrder object, customer order number in the body.
	stockBeforeB, _ := r.sb.Stock(p.Sku)
	b, err := c.PlaceOrder(ctx, &iws.PlaceOrderParams{
		Order: &iws.RequestOrder{
			CustomerOrderNumber: "IT-1002",
			Items:               []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 3}},
			StoreOrder: &iws.StoreOrder{StoreOrderNumber: "WC-55", Shipping: &iws.StoreOrderAddress{
				FirstName: "Ana", LastName: "Pérez", Address: "Av. Siempre Viva 742", City: "Santiago", CountryID: "CL",
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ex = wire.Calls("placeorder")[1]
	if ex.body[0] != '{' || ex.query.Get("customerOrderNumber") != "IT-1002" {
		t.Errorf("RequestOrder request: %v %s", ex.query, ex.body)
	}
	if b.CustomerOrderNumber != "IT-1002" || b.StoreOrder == nil || b.StoreOrder.StoreOrderNumber != "WC-55" || b.Tag != nil {
		t.Errorf("RequestOrder order: %+v", b)
	}

	t.Run("get order", func(t *testing.T) {
		for _, number := range []string{string(a.OrderNumber), "IT-1001"} {
			o, err := c.GetOrder(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if o.OrderNumber != a.OrderNumber || o.CustomerOrderNumber != "IT-1001" || !o.Total.Value().Equal(a.Total.Value()) {
				t.Errorf("GetOrder(%s) = %s/%s", number, o.OrderNumber, o.CustomerOrderNumber)
			}
		}
		_, err := c.GetOrder(ctx, "IT-9999")
		if e := wantAPIError(t, err, iws.CodeInvalidOrder, http.StatusNotFound); !iws.IsNotFound(e) {
			t.Errorf("unknown order: %v", err)
		}
	})

	day := r.clock.Now()
	orders := func(t *testing.T, p iws.OrdersParams) []string {
		t.Helper()
		list, err := c.GetOrders(ctx, &p)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range list {
			out = append(out, o.CustomerOrderNumber)
		}
		return out
	}
	t.Run("get orders", func(t *testing.T) {
		tests := []struct {
			name   string
			params iws.OrdersParams
			want   []string
		}{
			{"all", iws.OrdersParams{}, []string{"IT-1001", "IT-1002"}},
			{"tag", iws.OrdersParams{Tag: "it-batch"}, []string{"IT-1001"}},
			{"status open", iws.OrdersParams{StatusCode: iws.StatusOpen}, []string{"IT-1001", "IT-1002"}},
			{"status invoiced", iws.OrdersParams{StatusCode: iws.StatusInvoiced}, nil},
			{"today", iws.OrdersParams{StartDate: day, EndDate: day}, []string{"IT-1001", "IT-1002"}},
			{"tomorrow on", iws.OrdersParams{StartDate: day.AddDate(0, 0, 1)}, nil},
			{"no tracking", iws.OrdersParams{HasTrackingDocument: iws.Bool(false)}, []string{"IT-1001", "IT-1002"}},
		}
		for _, tt := range tests {
			if got := orders(t, tt.params); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
		last := wire.Calls("getorders")
		if q := last[4].query; q.Get("startDate") != day.Format(time.DateOnly) || q.Get("endDate") != day.Format(time.DateOnly) {
			t.Errorf("date filters sent as %v", q)
		}
	})

	t.Run("cancel open order", func(t *testing.T) {
		o, err := c.CancelOrder(ctx, string(b.OrderNumber))
		if err != nil {
			t.Fatal(err)
		}
		if o.Status.StatusCode != iws.StatusCanceled {
			t.Errorf("canceled order status %+v", o.Status)
		}
		if st, _ := r.sb.Stock(p.Sku); st["xclq1"]+st["xclq2"]+st["xclq3"] != stockBeforeB["xclq1"]+stockBeforeB["xclq2"]+stockBeforeB["xclq3"] {
			t.Errorf("stock not restored: %v, was %v", st, stockBeforeB)
		}
	})

	t.Run("status progression and invoice", func(t *testing.T) {
		number := string(a.OrderNumber)
		for _, want := range []int{iws.StatusOpen, iws.StatusInProcess, iws.StatusReadyToDeliver, iws.StatusInvoiced, iws.StatusDelivered} {
			if want != iws.StatusOpen {
				if _, err := r.sb.AdvanceOrder(number, 1); err != nil {
					t.Fatal(err)
				}
			}
			st, err := c.GetOrderStatus(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if int(st.Status.StatusCode) != want || st.Status.Description != iws.StatusDescription(want) {
				t.Fatalf("status %+v, want %d", st.Status, want)
			}
			inv, err := c.GetInvoice(ctx, &iws.InvoiceParams{OrderNumber: number})
			switch {
			case want < iws.StatusInvoiced:
				if e := wantAPIError(t, err, iws.CodeInvoiceNotAvailable, http.StatusNotFound); !iws.IsNotFound(e) || e.OrderNumber != number {
					t.Errorf("invoice before invoicing: %+v", e)
				}
			case err != nil:
				t.Fatalf("invoice at status %d: %v", want, err)
			default:
				checkInvoice(t, r, c, inv, a)
			}
			if want == iws.StatusReadyToDeliver {
				if got := orders(t, iws.OrdersParams{HasTrackingDocument: iws.Bool(true)}); !slices.Equal(got, []string{"IT-1001"}) {
					t.Errorf("orders with tracking: %v", got)
				}
				o, err := c.GetOrder(ctx, number)
				if err != nil {
					t.Fatal(err)
				}
				if len(o.Shipments) != 1 || o.Shipments[0].TrackingID == "" || len(o.SerialNumbers) != 2 {
					t.Errorf("ready order: shipments %+v, serials %v", o.Shipments, o.SerialNumbers)
				}
				// Shipped: too late to cancel.
				_, err = c.CancelOrder(ctx, number)
				if e := wantAPIError(t, err, 39, http.StatusUnauthorized); iws.IsAuth(e) || iws.IsAmbiguous(err) {
					t.Errorf("39 classified as auth or ambiguous: %v", err)
				}
			}
		}
	})
}

func checkInvoice(t *testing.T, r *rig, c *iws.Client, inv *iws.Invoice, o *iws.SalesOrder) {
	t.Helper()
	if inv.InvoiceNumber == "" || !strings.HasPrefix(inv.InvoiceURL, r.srv.URL+"/invoices/") ||
		!inv.TransactionAmount.Value().Equal(o.Total.Value()) {
		t.Fatalf("invoice: %+v", inv)
	}
	again, err := c.GetInvoice(t.Context(), &iws.InvoiceParams{InvoiceNumber: string(inv.InvoiceNumber)})
	if err != nil || again.InvoiceURL != inv.InvoiceURL {
		t.Errorf("GetInvoice by invoice number: %v, %+v", err, again)
	}
	resp, err := r.srv.Client().Get(inv.InvoiceURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 5)
	_, _ = io.ReadFull(resp.Body, head)
	if resp.StatusCode != http.StatusOK || string(head) != "%PDF-" {
		t.Errorf("InvoiceUrl: %d %q", resp.StatusCode, head)
	}
}

func TestSandboxProcessOrder(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	// WaitProcess polls on a real (short) timer: the sandbox finishes the order in a goroutine.
	c, wire, _ := r.client(func(cfg *iws.Config) { cfg.Sleep = nil })
	ctx := t.Context()
	p := r.sellable()

	proc, err := c.ProcessOrder(ctx, &iws.PlaceOrderParams{CustomerOrderNumber: "IT-P1", Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if proc.ID == 0 || proc.Status != iws.ProcessActive {
		t.Fatalf("process: %+v", proc)
	}
	if q := wire.Calls("processorder")[0].query; q.Get("customerOrderNumber") != "IT-P1" {
		t.Errorf("ProcessOrder query %v", q)
	}
	done, err := c.WaitProcess(ctx, int64(proc.ID), 2*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if done.UserData == nil || done.UserData.OrderNumber == "" || done.Status != iws.ProcessSuccessful {
		t.Fatalf("finished process: %+v", done)
	}
	o, err := c.GetOrder(ctx, done.UserData.OrderNumber)
	if err != nil {
		t.Fatal(err)
	}
	if o.CustomerOrderNumber != "IT-P1" {
		t.Errorf("processed order: %+v", o)
	}

	failed, err := c.ProcessOrder(ctx, &iws.PlaceOrderParams{Items: []iws.RequestOrderItem{{Sku: "NOSUCH001", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := c.WaitProcess(ctx, int64(failed.ID), 2*time.Millisecond)
	if !errors.Is(err, iws.ErrProcessFailed) || !strings.Contains(err.Error(), "Invalid product") || pr == nil || pr.Status != iws.ProcessFailed {
		t.Errorf("failed process: %v, %+v", err, pr)
	}
}

func TestSandboxShippingAndCurrency(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	c, wire, _ := r.client()
	ctx := t.Context()
	p := r.sellable()

	rates, err := c.CalculateShippingRates(ctx, &iws.RequestOrder{
		Items:      []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 2}},
		StoreOrder: &iws.StoreOrder{Shipping: &iws.StoreOrderAddress{Address: "Av. Siempre Viva 742", City: "Santiago", CountryID: "CL"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rates) == 0 {
		t.Fatal("no shipping rates")
	}
	for _, rt := range rates {
		if rt.ID == 0 || !rt.Amount.IsPositive() || rt.CurrencyID == "" || rt.ServiceType == "" {
			t.Errorf("rate %+v", rt)
		}
	}
	if ex := wire.Calls("calculateshippingrates")[0]; ex.method != http.MethodPost || !json.Valid(ex.body) {
		t.Errorf("CalculateShippingRates request %s %s", ex.method, ex.body)
	}
	_, err = c.CalculateShippingRates(ctx, &iws.RequestOrder{Items: []iws.RequestOrderItem{{Sku: "NOSUCH001", Quantity: 1}}})
	wantAPIError(t, err, iws.CodeInvalidProduct, http.StatusNotFound)

	cur, err := c.GetCurrency(ctx, "co")
	if err != nil {
		t.Fatal(err)
	}
	wantRate := decimal.NewFromInt(1).DivRound(decimal.NewFromInt(3450), 10)
	if cur.CurrencyCode != "COP" || cur.UsdExchangeRate == nil || !cur.UsdExchangeRate.SellRate.Equal(wantRate) {
		t.Errorf("GetCurrency(co) = %+v", cur)
	}
	if q := wire.Calls("getcurrency")[0].query; q.Get("countryId") != "co" {
		t.Errorf("GetCurrency query %v", q)
	}

	// An unsupported country is a 500 with ErrorCode 900: a general error, not retried.
	_, err = c.GetCurrency(ctx, "zz")
	wantAPIError(t, err, iws.CodeGeneralError, http.StatusInternalServerError)
	if n := len(wire.Calls("getcurrency")); n != 2 || !iws.IsGeneralError(err) {
		t.Errorf("900 answer: %d attempts in all, IsGeneralError %v", n, iws.IsGeneralError(err))
	}
}

func TestSandboxOrderErrors(t *testing.T) {
	r := newRig(t, sandbox.Config{})
	c, wire, sl := r.client()
	ctx := t.Context()
	p := r.sellable()
	r.setStock(p.Sku, 1, 2, 0)

	t.Run("20 unknown SKU", func(t *testing.T) {
		_, err := c.PlaceOrder(ctx, &iws.PlaceOrderParams{Items: []iws.RequestOrderItem{{Sku: "NOSUCH001", Quantity: 1}}})
		e := wantAPIError(t, err, iws.CodeInvalidProduct, http.StatusNotFound)
		if e.Sku != "NOSUCH001" || !iws.IsInvalidProduct(err) || iws.IsAmbiguous(err) {
			t.Errorf("unknown SKU: %+v", e)
		}
	})
	t.Run("23 insufficient stock", func(t *testing.T) {
		_, err := c.PlaceOrder(ctx, &iws.PlaceOrderParams{Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 5}}})
		e := wantAPIError(t, err, iws.CodeInsufficientStock, http.StatusNotFound)
		if !iws.IsInsufficientStock(err) || e.Sku != p.Sku || e.CurrentStock == nil || *e.CurrentStock != 3 ||
			e.QuantityAttempted == nil || *e.QuantityAttempted != 5 || e.LocationID != "" || iws.IsNotFound(err) {
			t.Errorf("23 without location: %+v", e)
		}
		_, err = c.PlaceOrder(ctx, &iws.PlaceOrderParams{LocationID: "xclq2", Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 3}}})
		e = wantAPIError(t, err, iws.CodeInsufficientStock, http.StatusNotFound)
		if *e.CurrentStock != 2 || e.LocationID != "xclq2" {
			t.Errorf("23 at xclq2: current %d, location %q", *e.CurrentStock, e.LocationID)
		}
	})
	t.Run("90 customer order number reused", func(t *testing.T) {
		first, err := c.PlaceOrder(ctx, &iws.PlaceOrderParams{CustomerOrderNumber: "IT-2001", Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.PlaceOrder(ctx, &iws.PlaceOrderParams{CustomerOrderNumber: "IT-2001", Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 1}}})
		e := wantAPIError(t, err, iws.CodeOrderNumberAssigned, http.StatusBadRequest)
		if !iws.IsOrderNumberInUse(err) || iws.ExistingOrderNumber(err) != string(first.OrderNumber) || e.CustomerOrderNumber != "IT-2001" {
			t.Errorf("90: existing %q, want %s; %+v", iws.ExistingOrderNumber(err), first.OrderNumber, e)
		}
	})
	t.Run("26 and 903 only through Raw", func(t *testing.T) {
		// GetProducts splits the list and refuses an empty one, so IWS's own limits are reachable only
		// through Raw.
		before := len(wire.Calls("getproducts"))
		if _, err := c.GetProducts(ctx, &iws.ProductsParams{Skus: []string{" ", ""}}); err == nil || len(wire.Calls("getproducts")) != before {
			t.Errorf("empty GetProducts: %v, sent anyway", err)
		}
		skus := r.sb.SKUs()[:iws.MaxProductsPerCall+1]
		_, err := c.Raw(ctx, "getproducts", url.Values{"skusList": {strings.Join(skus, ",")}}, nil)
		wantAPIError(t, err, iws.CodeTooManyProducts, http.StatusBadRequest)
		_, err = c.Raw(ctx, "GETPRODUCTS", url.Values{"SKUSLIST": {""}}, nil)
		wantAPIError(t, err, 903, http.StatusBadRequest)
		if q := wire.Calls("getproducts"); !q[len(q)-1].query.Has("skusList") {
			t.Errorf("Raw did not send the spec's spelling: %v", q[len(q)-1].query)
		}
	})
	if w := sl.Waits(); len(w) != 0 {
		t.Errorf("business errors were retried: waits %v", w)
	}
	for _, ex := range wire.Calls("placeorder") {
		if ex.status >= 500 {
			t.Errorf("unexpected 5xx: %+v", ex)
		}
	}
}

func TestSandboxCreditLimit(t *testing.T) {
	r := newRig(t, sandbox.Config{CreditLimit: decimal.NewFromInt(50)})
	c, wire, sl := r.client()
	p := r.product(func(p *iws.Product) bool {
		return p.Type == iws.TypePhysical && p.Price != nil && p.Price.UnitPrice.GreaterThan(decimal.NewFromInt(60)) && *p.InStock > 0
	})
	_, err := c.PlaceOrder(t.Context(), &iws.PlaceOrderParams{CustomerOrderNumber: "IT-C1", Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 1}}})
	wantAPIError(t, err, iws.CodeNoCredit, http.StatusInternalServerError)
	if !iws.IsNoCredit(err) || iws.IsAmbiguous(err) {
		t.Errorf("660: IsNoCredit %v, IsAmbiguous %v", iws.IsNoCredit(err), iws.IsAmbiguous(err))
	}
	if n := len(wire.Calls("placeorder")); n != 1 || len(sl.Waits()) != 0 {
		t.Errorf("660 retried: %d attempts, waits %v", n, sl.Waits())
	}
	if len(r.sb.Orders()) != 0 {
		t.Error("an order was placed beyond the credit limit")
	}
}

func TestSandboxAccountVariants(t *testing.T) {
	t.Run("pagination wrapper in an array", func(t *testing.T) {
		r := newRig(t, sandbox.Config{PaginationInArray: true})
		c, _, _ := r.client()
		ps, err := c.GetCatalog(t.Context(), &iws.CatalogParams{Limit: 70})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(skusOf(ps), r.sb.SKUs()) {
			t.Errorf("%d products", len(ps))
		}
		info, err := c.StreamInventory(t.Context(), &iws.InventoryParams{Page: 9, Limit: 50}, func(*iws.InventoryData) error { return nil })
		if err != nil || info.Items != 0 || info.TotalPages != 6 {
			t.Errorf("page past the end: %+v, %v", info, err)
		}
	})
	t.Run("no per-warehouse stock", func(t *testing.T) {
		r := newRig(t, sandbox.Config{NoLocations: true})
		c, _, _ := r.client()
		inv, err := c.GetInventory(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range inv {
			if it.Locations != nil {
				t.Fatalf("%s: Locations %+v, want nil", it.Sku, it.Locations)
			}
		}
	})
	t.Run("throttled pages are waited for", func(t *testing.T) {
		r := newRig(t, sandbox.Config{ThrottleMethods: map[string]time.Duration{"getcatalog": 3 * time.Second}})
		c, wire, sl := r.client()
		ps, err := c.GetCatalog(t.Context(), &iws.CatalogParams{Limit: 100})
		if err != nil || len(ps) != len(r.sb.SKUs()) {
			t.Fatalf("%d products, %v", len(ps), err)
		}
		if got := statuses(wire.Calls("")); !slices.Equal(got, []int{200, 400, 200, 400, 200}) || len(sl.Waits()) != 2 {
			t.Errorf("attempts %v, waits %v", got, sl.Waits())
		}
	})
	t.Run("removed product", func(t *testing.T) {
		r := newRig(t, sandbox.Config{})
		c, _, _ := r.client()
		p := r.sellable()
		if err := r.sb.RemoveProduct(p.Sku); err != nil {
			t.Fatal(err)
		}
		_, err := c.GetProduct(t.Context(), &iws.ProductParams{Sku: p.Sku})
		wantAPIError(t, err, iws.CodeUnauthorizedProduct, http.StatusUnauthorized)
		if !iws.IsInvalidProduct(err) || iws.IsAuth(err) {
			t.Errorf("21: IsInvalidProduct %v, IsAuth %v", iws.IsInvalidProduct(err), iws.IsAuth(err))
		}
		_, err = c.PlaceOrder(t.Context(), &iws.PlaceOrderParams{Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 1}}})
		wantAPIError(t, err, 27, http.StatusUnauthorized)
		if !iws.IsInvalidProduct(err) || iws.IsAuth(err) {
			t.Errorf("27: IsInvalidProduct %v, IsAuth %v", iws.IsInvalidProduct(err), iws.IsAuth(err))
		}
	})
	t.Run("plain HTTP refused", func(t *testing.T) {
		r := newRig(t, sandbox.Config{RequireHTTPS: true})
		c, wire, _ := r.client()
		err := c.Authenticate(t.Context())
		if e, ok := iws.AsError(err); !ok || e.HTTPStatus != http.StatusForbidden || !iws.IsAuth(err) || len(wire.Calls("")) != 1 {
			t.Errorf("HTTP to an HTTPS-only IWS: %v", err)
		}
	})
	t.Run("IP not registered", func(t *testing.T) {
		r := newRig(t, sandbox.Config{AllowedIPs: []string{"203.0.113.9"}})
		c, _, _ := r.client()
		err := c.Authenticate(t.Context())
		if e := wantAPIError(t, err, iws.CodeIPNotRegistered, http.StatusUnauthorized); !iws.IsAuth(err) || e.ClientIP != "127.0.0.1" {
			t.Errorf("14: %+v", e)
		}
	})
}

func TestSandboxConcurrentPlaceOrder(t *testing.T) {
	// The client is shared by goroutines; racing placements of one customer order number end in one
	// order, the others refused with 92 (in flight) or 90 (assigned).
	r := newRig(t, sandbox.Config{Faults: sandbox.Faults{CommitDelay: 30 * time.Millisecond}})
	c, _, _ := r.client()
	p := r.sellable()
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = c.PlaceOrder(t.Context(), &iws.PlaceOrderParams{CustomerOrderNumber: "IT-RACE", Items: []iws.RequestOrderItem{{Sku: p.Sku, Quantity: 1}}})
		})
	}
	wg.Wait()
	placed := 0
	for _, err := range errs {
		switch {
		case err == nil:
			placed++
		case !iws.IsOrderNumberInUse(err):
			t.Errorf("racing PlaceOrder: %v", err)
		}
	}
	if placed != 1 || len(r.sb.Orders()) != 1 {
		t.Errorf("%d placements succeeded, sandbox has %d orders", placed, len(r.sb.Orders()))
	}
}
