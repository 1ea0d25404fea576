package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/pricing"
)

func init() {
	pageSamples["products"] = productsListData{
		Accounts: []iwsAccountOption{{ID: 1, Name: "default", Environment: "test", Selected: true}},
		Query:    productsQuery{Q: "hp", Limit: 50}, Errors: map[string]string{"stock": "products.invalid_choice"},
		Items: []productSummary{{SKU: "A1", Name: "Portátil", Cost: "10", Currency: "USD", Active: true, Link: "/products/A1"}},
		Total: 3, From: 1, To: 1, PrevURL: "/products?offset=0", NextURL: "/products?offset=2",
		Columns: productsColumns(productsQuery{Sort: "cost", Desc: true}), SortKeys: store.ProductSorts, Sort: "cost",
		PageSizes: []int{25, 50},
	}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	pageSamples["products_detail"] = productDetailData{
		Account: "1", Back: "/products", CanPush: true, Category: "A › B",
		Warehouses: []productsNamed{{"xclq1", "5"}}, Specs: []productsNamed{{"Color", "Negro"}},
		Report: shops.ProductReport{
			Product: shops.ProductDoc{SKU: "A1", DescriptionES: "Portátil", DescriptionEN: "Notebook", Images: []string{"https://img/1.jpg"},
				WeightLb: "1", LengthIn: "2", WidthIn: "3", HeightIn: "4", DeactivatedAt: &at, LongDescription: "long"},
			Shops: []shops.ShopView{
				{ID: 2, Name: "Shop", Price: "12.00", Currency: "USD", Listed: true, Desired: &shops.DesiredStock{Stock: 3, Status: "publish"},
					Explanation: &pricing.ExplanationDoc{Rule: "r", Matched: []string{"m"}, Skipped: []pricing.SkipDoc{{Rule: "s", Reason: "x"}},
						Steps: []pricing.StepDoc{{Step: "cost", Value: "10"}}},
					Listing: &shops.ListingDoc{State: "error", ProductID: "9", VariantID: "8", PushedPrice: "11.00", PushedAt: &at, LastError: "boom", Attempts: 2}},
				{ID: 3, Name: "Other", PriceError: "no rate", NotListedReason: "unpriceable", NotListedDetail: "d", Err: "e"},
			},
		},
	}
}

// productsEnv is a store with an IWS account, three products, a connected shop with rules and a
// failed listing, a job client (not started: jobs wait in the table) and a UI on them.
type productsEnv struct {
	f    *fixture
	st   *store.Store
	jobs *jobs.Client
	acct store.IWSAccount
	shop store.Shop
}

func newProductsEnv(t *testing.T, st *store.Store, withPush bool) *productsEnv {
	t.Helper()
	ctx := context.Background()
	acct := saveTestIWSAccount(t, st)
	mk := func(sku, brand, cat, cost string, stock int, active bool) *mirror.Product {
		return &mirror.Product{AccountID: acct.ID, SKU: sku, MPN: "MPN-" + sku, Brand: brand, BrandID: strings.ToLower(brand),
			CategoryID: cat, CategoryPath: []mirror.CategoryNode{{ID: cat, Name: "Cat " + cat}}, Type: "Physical",
			DescriptionES: "Producto " + sku, DescriptionEN: "Product " + sku, Images: []string{"https://img.example/" + sku + ".jpg"},
			Specs: map[string]string{"Color": "Negro"}, Cost: decimal.RequireFromString(cost), Currency: "USD", Sellable: true,
			StockTotal: stock, StockByLocation: map[string]int{"xclq1": stock}, RealStock: true, Active: active}
	}
	if err := st.SaveProducts(ctx, []*mirror.Product{
		mk("A001", "HP", "cpt.nb", "100", 5, true),
		mk("B002", "Lenovo", "cpt.nb", "20", 0, true),
		mk("C003", "HP", "cco", "300", 2, false),
	}); err != nil {
		t.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "Tienda", Platform: store.PlatformMemory, Credentials: "{}",
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"20"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, rules); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveListings(ctx, []store.Listing{{ShopID: shop.ID, SKU: "A001", State: store.ListingError, ProductID: "77",
		LastError: "storefront said no", Attempts: 2}}); err != nil {
		t.Fatal(err)
	}
	client, err := jobs.NewClient(st, jobs.Config{Workers: jobs.NewWorkers()})
	if err != nil {
		t.Fatal(err)
	}
	e := &productsEnv{st: st, jobs: client, acct: acct, shop: shop}
	e.f = newFixture(t, func(c *UIConfig) {
		c.Products.Store = st
		if withPush {
			c.Products.Repush = func(ctx context.Context, shopID int64, sku string) (int64, error) {
				job, err := syncjob.EnqueueRepush(ctx, client, shopID, sku)
				if err != nil {
					return 0, err
				}
				return job.ID, nil
			}
		}
	})
	return e
}

func (e *productsEnv) queued(t *testing.T) []*jobs.JobRow {
	t.Helper()
	rows, err := e.jobs.List(context.Background(), jobs.ListFilter{Kinds: []string{syncjob.KindRepushListing}})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestProductsRoutesByRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newProductsEnv(t, st, true)
		shopForm := url.Values{"shop": {itoa(e.shop.ID)}}
		tests := []struct {
			method, path string
			form         url.Values
			want         [3]int
			location     string // the admin's redirect
		}{
			{"GET", "/products", nil, [3]int{303, 200, 200}, ""},
			{"GET", "/products/:sku", nil, [3]int{303, 200, 200}, ""},
			{"POST", "/products/:sku/push", shopForm, [3]int{303, 403, 303}, "/products/A001"},
			{"GET", "/api/v1/products", nil, [3]int{401, 200, 200}, ""},
			{"GET", "/api/v1/products/:sku", nil, [3]int{401, 200, 200}, ""},
			{"POST", "/api/v1/products/:sku/push", shopForm, [3]int{401, 403, 202}, ""},
		}
		covered := map[string]bool{}
		for _, tt := range tests {
			covered[tt.method+" "+tt.path] = true
		}
		for _, r := range e.f.router.Routes() {
			if strings.Contains(r.Path, "/products") && !covered[r.Method+" "+r.Path] {
				t.Errorf("route %s %s is not in the table", r.Method, r.Path)
			}
		}
		for _, tt := range tests {
			for w := anonymous; w <= admin; w++ {
				path := strings.Replace(tt.path, ":sku", "A001", 1)
				resp := e.f.do(t, e.f.as(w, req{method: tt.method, path: path, form: tt.form}))
				if resp.Code != tt.want[w] {
					t.Errorf("%s %s as %s: status %d, want %d; %.300s", tt.method, path, w, resp.Code, tt.want[w], resp.Body)
				}
				if w == admin && tt.location != "" && resp.Header().Get("Location") != tt.location {
					t.Errorf("%s %s: Location %q, want %q", tt.method, path, resp.Header().Get("Location"), tt.location)
				}
				if strings.HasPrefix(path, "/api/") && resp.Code >= 400 {
					checkAPIError(t, resp, map[int]string{401: "unauthorized", 403: "forbidden"}[resp.Code])
				}
			}
		}
		// The admin's page push and API push of one SKU to one shop: the second joins the first.
		if jobs := e.queued(t); len(jobs) != 1 || !strings.Contains(string(jobs[0].Args), `"sku":"A001"`) {
			t.Errorf("repush jobs %+v, want one of A001", jobs)
		}
	})
}

// writeControl finds the controls that change something on a product page.
var productsWriteControl = regexp.MustCompile(`method="post" action="/products|data-testid="product-push`)

func TestProductDetailPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newProductsEnv(t, st, true)
		for _, w := range []who{support, admin} {
			for _, lang := range []string{"en", "es"} {
				resp := e.f.do(t, e.f.as(w, req{method: "GET", path: "/products/A001", headers: map[string]string{"Accept-Language": lang}}))
				body := resp.Body.String()
				if resp.Code != 200 {
					t.Fatalf("%s: %d %s", w, resp.Code, body)
				}
				for _, want := range []string{`id="product-sku">A001<`, `data-warehouse="xclq1"`, "https://img.example/A001.jpg",
					`data-testid="product-shop-explanation"`, `data-step="final"`, "120.00 USD", "storefront said no",
					`id="product-shop-` + itoa(e.shop.ID) + `"`, "Negro"} {
					if !strings.Contains(body, want) {
						t.Errorf("%s/%s: page lacks %q", w, lang, want)
					}
				}
				if strings.Contains(body, "[[") {
					t.Errorf("%s/%s: missing translation", w, lang)
				}
				checkProductsLabels(t, body)
				if got := productsWriteControl.MatchString(body); got != (w == admin) {
					t.Errorf("%s sees write controls: %v", w, got)
				}
			}
		}
		// Without a job client there is no "push now", for anybody.
		noPush := newProductsEnv(t, storetest.New(t, st.Dialect(), true), false)
		if body := noPush.f.do(t, noPush.f.as(admin, req{method: "GET", path: "/products/A001"})).Body.String(); productsWriteControl.MatchString(body) {
			t.Error("push controls without a job client")
		}
		for _, w := range []who{support, admin} {
			if resp := e.f.do(t, e.f.as(w, req{method: "GET", path: "/products/NOPE"})); resp.Code != 404 || !strings.Contains(resp.Body.String(), "no product with this SKU") {
				t.Errorf("unknown SKU: %d %s", resp.Code, resp.Body)
			}
		}
		if resp := e.f.do(t, e.f.as(admin, req{method: "GET", path: "/products/A001?account=999"})); resp.Code != 404 {
			t.Errorf("unknown account: %d", resp.Code)
		}
	})
}

// checkProductsLabels fails on a visible control without a label.
func checkProductsLabels(t *testing.T, body string) {
	t.Helper()
	for _, c := range regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`).FindAllString(body, -1) {
		if strings.Contains(c, `type="hidden"`) {
			continue
		}
		m := regexp.MustCompile(`\bid="([^"]+)"`).FindStringSubmatch(c)
		if m == nil || !strings.Contains(body, `<label for="`+m[1]+`">`) {
			t.Errorf("control without a label: %s", c)
		}
	}
}

func TestProductsListPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newProductsEnv(t, st, true)
		tests := []struct {
			query  string
			status int
			skus   []string // rows in order
			has    []string
		}{
			{"", 200, []string{"A001", "B002", "C003"}, []string{`id="products-count"`, `aria-sort="ascending"`}},
			{"?q=mpn-b0", 200, []string{"B002"}, nil},
			{"?brand=hp", 200, []string{"A001", "C003"}, nil},
			{"?category=cpt", 200, []string{"A001", "B002"}, nil},
			{"?stock=in&active=yes", 200, []string{"A001"}, nil},
			{"?stock=out", 200, []string{"B002"}, nil},
			{"?active=no", 200, []string{"C003"}, nil},
			{"?sort=cost&dir=desc", 200, []string{"C003", "A001", "B002"}, []string{`aria-sort="descending"`}},
			// Pages keep the other parameters.
			{"?brand=hp&limit=1", 200, []string{"A001"}, []string{`href="/products?brand=hp&amp;limit=1&amp;offset=1"`}},
			{"?brand=hp&limit=1&offset=1", 200, []string{"C003"}, []string{`href="/products?brand=hp&amp;limit=1"`}},
			{"?q=nothing-matches", 200, nil, []string{"No product matches."}},
			// Validation errors beside their fields.
			{"?stock=some", 400, nil, []string{`id="products-stock-error"`}},
			{"?sort=price", 400, nil, []string{`id="products-sort-error"`}},
			{"?limit=0", 400, nil, []string{`id="products-limit-error"`}},
			{"?account=999", 400, nil, []string{`id="products-account-error"`}},
		}
		row := regexp.MustCompile(`data-testid="products-row" data-sku="([^"]+)"`)
		for _, tt := range tests {
			for _, w := range []who{support, admin} {
				resp := e.f.do(t, e.f.as(w, req{method: "GET", path: "/products" + tt.query}))
				body := resp.Body.String()
				if resp.Code != tt.status {
					t.Errorf("%s as %s: status %d, want %d", tt.query, w, resp.Code, tt.status)
				}
				var skus []string
				for _, m := range row.FindAllStringSubmatch(body, -1) {
					skus = append(skus, m[1])
				}
				if strings.Join(skus, ",") != strings.Join(tt.skus, ",") {
					t.Errorf("%s: rows %v, want %v", tt.query, skus, tt.skus)
				}
				for _, h := range tt.has {
					if !strings.Contains(body, h) {
						t.Errorf("%s: page lacks %q", tt.query, h)
					}
				}
				checkProductsLabels(t, body)
				if productsWriteControl.MatchString(body) {
					t.Errorf("%s: the list has write controls", tt.query)
				}
			}
		}
	})
}

func TestProductsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newProductsEnv(t, st, true)
		get := func(path string, into any) int {
			t.Helper()
			resp := e.f.do(t, req{method: "GET", path: path, headers: map[string]string{"Authorization": "Bearer " + supportToken}})
			if resp.Code == 200 {
				dec := json.NewDecoder(resp.Body)
				dec.DisallowUnknownFields()
				if err := dec.Decode(into); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			} else {
				checkAPIError(t, resp, map[int]string{400: "invalid", 404: "not_found"}[resp.Code])
			}
			return resp.Code
		}
		var list productsListJSON
		if code := get("/api/v1/products?brand=HP&sort=cost&dir=desc&limit=1", &list); code != 200 {
			t.Fatalf("list: %d", code)
		}
		if list.Total != 2 || len(list.Items) != 1 || list.Items[0].SKU != "C003" || list.Items[0].Cost != "300" ||
			list.Limit != 1 || list.Offset != 0 || list.Sort != "cost" || !list.Desc || list.Account.ID != e.acct.ID {
			t.Errorf("list = %+v", list)
		}
		for _, bad := range []string{"?sort=nope", "?stock=x", "?offset=-1", "?account=abc"} {
			if code := get("/api/v1/products"+bad, &list); code != 400 {
				t.Errorf("%s: %d, want 400", bad, code)
			}
		}
		if code := get("/api/v1/products?account=999", &list); code != 404 {
			t.Errorf("unknown account: %d, want 404", code)
		}
		var doc shops.ProductReport
		if code := get("/api/v1/products/A001", &doc); code != 200 {
			t.Fatalf("detail: %d", code)
		}
		if doc.Product.SKU != "A001" || doc.Product.StockByLocation["xclq1"] != 5 || len(doc.Shops) != 1 {
			t.Fatalf("detail = %+v", doc)
		}
		s := doc.Shops[0]
		if s.Price != "120.00" || s.Explanation == nil || len(s.Explanation.Steps) == 0 || s.Listing == nil ||
			s.Listing.LastError != "storefront said no" || s.Listing.State != store.ListingError {
			t.Errorf("shop view = %+v", s)
		}
		if code := get("/api/v1/products/NOPE", &doc); code != 404 {
			t.Errorf("unknown SKU: %d", code)
		}
	})
}

func TestProductPush(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newProductsEnv(t, st, true)
		ctx := context.Background()
		other, err := st.SaveShop(ctx, store.Shop{Name: "Otra", Platform: store.PlatformWooCommerce, BaseURL: "https://shop.example",
			Credentials:  `{"consumer_key":"ck_1","consumer_secret":"cs_1"}`,
			IWSAccountID: e.acct.ID, Currency: "USD", Locale: "es"})
		if err != nil {
			t.Fatal(err)
		}
		api := func(form url.Values) (int, productsPushJSON, string) {
			resp := e.f.do(t, e.f.as(admin, req{method: "POST", path: "/api/v1/products/A001/push", form: form}))
			var out productsPushJSON
			if resp.Code == http.StatusAccepted {
				if err := json.Unmarshal(resp.Body.Bytes(), &out); err != nil {
					t.Fatal(err)
				}
				return resp.Code, out, ""
			}
			var apiErr APIError
			_ = json.Unmarshal(resp.Body.Bytes(), &apiErr)
			return resp.Code, out, apiErr.Error.Code
		}
		code, out, _ := api(url.Values{"shop": {"all"}})
		if code != 202 || out.SKU != "A001" || len(out.Queued) != 2 || out.Queued[0].JobID == 0 {
			t.Fatalf("push to all = %d %+v", code, out)
		}
		if n := len(e.queued(t)); n != 2 {
			t.Errorf("%d jobs queued, want one per shop", n)
		}
		for _, tt := range []struct {
			form   url.Values
			status int
			code   string
		}{
			{url.Values{"shop": {"abc"}}, 400, CodeInvalid},
			{url.Values{}, 400, CodeInvalid},
			{url.Values{"shop": {"999"}}, 404, CodeNotFound},
			{url.Values{"shop": {itoa(other.ID)}, "account": {"999"}}, 404, CodeNotFound},
		} {
			if status, _, code := api(tt.form); status != tt.status || code != tt.code {
				t.Errorf("push %v = %d %s, want %d %s", tt.form, status, code, tt.status, tt.code)
			}
		}
		if err := st.DisconnectShop(ctx, other.ID); err != nil {
			t.Fatal(err)
		}
		if status, _, code := api(url.Values{"shop": {itoa(other.ID)}}); status != 409 || code != CodeConflict {
			t.Errorf("push to a disconnected shop = %d %s", status, code)
		}
		if resp := e.f.do(t, e.f.as(admin, req{method: "POST", path: "/api/v1/products/NOPE/push", form: url.Values{"shop": {"all"}}})); resp.Code != 404 {
			t.Errorf("push of an unknown SKU: %d", resp.Code)
		}
		// The page: a flash and back to the product, or the error.
		resp := e.f.do(t, e.f.as(admin, req{method: "POST", path: "/products/A001/push", form: url.Values{"shop": {"abc"}, "account": {itoa(e.acct.ID)}}}))
		if resp.Code != 303 || resp.Header().Get("Location") != "/products/A001?account="+itoa(e.acct.ID) ||
			cookie(resp, flashCookie) == nil || !strings.HasPrefix(cookie(resp, flashCookie).Value, "error:") {
			t.Errorf("page push with a bad shop: %d %v", resp.Code, resp.Header())
		}
		resp = e.f.do(t, e.f.as(admin, req{method: "POST", path: "/products/A001/push", form: url.Values{"shop": {itoa(e.shop.ID)}}}))
		if c := cookie(resp, flashCookie); resp.Code != 303 || c == nil || c.Value != "success:products.push_queued" {
			t.Errorf("page push: %d %v", resp.Code, c)
		}
		if resp := e.f.do(t, e.f.as(admin, req{method: "POST", path: "/products/NOPE/push", form: url.Values{"shop": {"all"}}})); resp.Code != 404 {
			t.Errorf("page push of an unknown SKU: %d", resp.Code)
		}
	})
}
