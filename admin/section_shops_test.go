package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

func init() {
	sum := shopSummary{ID: 1, Name: "Tienda", Platform: store.PlatformWooCommerce, BaseURL: "https://shop.example", Currency: "CLP",
		Listings: map[string]int64{"published": 3, "error": 1}, Published: 3, HeldOrders: 2, HoldReason: "IWS: account on hold",
		HeldAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), LastWebhookAt: time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC), Status: "held"}
	pager := memPager{Total: 3, Page: 2, Pages: 3, Sort: "name", PrevURL: "/shops?page=1", NextURL: "/shops?page=3",
		SortURLs: map[string]string{"name": "/shops?sort=name&desc=1", "platform": "/shops?sort=platform", "currency": "/shops?sort=currency",
			"published": "/shops?sort=published", "held": "/shops?sort=held", "webhook": "/shops?sort=webhook"}}
	pageSamples["shops"] = shopsListData{Shops: []shopSummary{sum, {ID: 2, Name: "Demo", Platform: store.PlatformMemory, Status: "ok", Listings: map[string]int64{}}},
		Filter: shopFilter{Q: "t", Platform: "woocommerce", Status: "held"}, Platforms: []string{"woocommerce", "shopify", "memory"},
		Statuses: shopStatuses, Columns: []string{"name", "platform", "currency", "published", "held", "webhook"}, Pager: pager}
	values := shops.SettingsText(store.Shop{Currency: "CLP", Locale: "es"})
	pageSamples["shops_shop"] = shopPageData{Shop: sum, Inputs: settingInputs, Groups: settingGroups, Values: values,
		Errors: map[string][]string{"fx-rate": {`"0": must be greater than 0`}}, Warnings: []string{"a warning"}, Saved: true, MaxCostRiseDefault: "3"}
	pageSamples["shops_connect"] = shopsConnectData{ShopifyReady: true, HandoffReady: true, ShopifyDomain: "acme", ShopifyLink: "https://acme.myshopify.com/admin/oauth/authorize?x=1",
		WooURL: "https://shop.example", WooLink: "https://shop.example/wc-auth/v1/authorize?x=1", Manual: map[string]string{"url": "https://shop.example", "no-check": "1"},
		Errors: map[string][]string{"domain": {"bad"}, "woo-url": {"bad"}, "key": {"is required"}}, ShopifyError: "x", WooError: "y", ManualError: "z"}
	pageSamples["shops_webhooks"] = shopWebhooksData{Shop: sum, Health: shops.WebhookHealth{Applicable: true,
		States:  []platforms.WebhookState{{ID: "1", Topic: "order.created", URL: "https://c.example/w", Active: true, Status: "active"}},
		Missing: []string{"order.updated"}, Disabled: []string{}}, Repaired: []platforms.WebhookState{{Topic: "order.updated", Changed: "created", Status: "active"}}}
}

const (
	shopsPublicURL = "https://connector.example"
	shopsKey       = "ck_ui_0a1b2c3d4e5f"
	shopsSecret    = "cs_ui_f9e8d7c6b5a4"
)

// refuseAll is a client that sends nothing anywhere: the fake store's webhook pings to the
// connector's public address stay here.
var refuseAll = &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
	return nil, errors.New("no outside calls in tests")
})}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// shopsEnv is a UI with the shops section on a real store: a WooCommerce shop (id 1, a fake
// store) and an in-memory shop (id 2).
type shopsEnv struct {
	*fixture
	st   *store.Store
	woo  *wootest.Server
	site string
}

func newShopsEnv(t *testing.T, st *store.Store) *shopsEnv {
	t.Helper()
	ctx := context.Background()
	acct := saveTestIWSAccount(t, st)
	woo, site := wootest.Start(t, wootest.Config{ConsumerKey: shopsKey, ConsumerSecret: shopsSecret, Currency: "USD",
		SiteName: "Tienda", Delivery: wootest.DeliverManual, WebhookClient: refuseAll})
	client, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	setup := shops.Setup{Store: st, Storefronts: &shops.Storefronts{Recorder: st, Memory: &shops.MemoryShops{}}, PublicURL: shopsPublicURL,
		Paths: shops.WebhookPaths{WooCommerce: func(id int64) string { return fmt.Sprintf("/webhooks/woocommerce/%d", id) }, Shopify: "/webhooks/shopify"}}
	added, err := setup.Add(ctx, acct, shops.NewShop{Platform: store.PlatformWooCommerce, URL: site, ConsumerKey: shopsKey,
		ConsumerSecret: shopsSecret, Name: "Tienda"})
	if err != nil {
		t.Fatal(err)
	}
	if added.Shop.ID != 1 {
		t.Fatalf("first shop has id %d", added.Shop.ID)
	}
	if _, err := st.SaveShop(ctx, store.Shop{Name: "Demo", Platform: store.PlatformMemory, IWSAccountID: acct.ID, Currency: "USD", Locale: "es"}); err != nil {
		t.Fatal(err)
	}
	install := &Install{Store: st, PublicURL: shopsPublicURL, Shopify: ShopifyApp{ClientID: "cid", ClientSecret: "csecret", Scopes: []string{"write_products"}}}
	f := newFixture(t, func(c *UIConfig) {
		c.Shops = ShopsDeps{Store: st, Setup: setup, Install: install, Jobs: client}
	})
	return &shopsEnv{fixture: f, st: st, woo: woo, site: site}
}

// routeCase is one route of a section's table: the request and its status for anonymous,
// support and admin (and the Location of a redirect, "" when none is checked).
type routeCase struct {
	method, path string
	form         url.Values
	json         string
	status       [3]int
	location     [3]string
}

// checkRoutes runs the table in order (admin's requests may change things the next rows see)
// and fails on a route of the router the table lacks among those whose path starts with one of
// prefixes (its parameters replaced by params).
func checkRoutes(t *testing.T, f *fixture, tests []routeCase, params *strings.Replacer, prefixes ...string) {
	t.Helper()
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.method+" "+tt.path] = true
	}
	for _, r := range f.router.Routes() {
		for _, p := range prefixes {
			if !strings.HasPrefix(r.Path, p) {
				continue
			}
			path := params.Replace(r.Path)
			if !covered[r.Method+" "+path] {
				t.Errorf("route %s %s is not in the table", r.Method, r.Path)
			}
		}
	}
	for _, tt := range tests {
		for w := anonymous; w <= admin; w++ {
			var resp *httptest.ResponseRecorder
			if strings.HasPrefix(tt.path, "/api/") {
				resp = f.doJSON(t, w, tt.method, tt.path, tt.json)
			} else {
				resp = f.do(t, f.as(w, req{method: tt.method, path: tt.path, form: tt.form}))
			}
			name := tt.method + " " + tt.path + " as " + w.String()
			if resp.Code != tt.status[w] {
				t.Errorf("%s: status %d, want %d; body: %.400s", name, resp.Code, tt.status[w], resp.Body)
				continue
			}
			if loc := resp.Header().Get("Location"); tt.location[w] != "" && loc != tt.location[w] {
				t.Errorf("%s: Location %q, want %q", name, loc, tt.location[w])
			}
			if strings.HasPrefix(tt.path, "/api/") && resp.Code >= 400 {
				var body struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if err := json.Unmarshal(resp.Body.Bytes(), &body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
					t.Errorf("%s: error body %s", name, resp.Body)
				}
			}
		}
	}
}

func TestShopsRoutesByRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newShopsEnv(t, st)
		anyone := [3]int{303, 200, 200}
		write := func(admin int) [3]int { return [3]int{303, 403, admin} }
		api := func(admin int) [3]int { return [3]int{401, 200, admin} }
		apiWrite := func(admin int) [3]int { return [3]int{401, 403, admin} }
		tests := []routeCase{
			{"GET", "/shops", nil, "", anyone, [3]string{"/login?next=%2Fshops"}},
			{"GET", "/shops/connect", nil, "", anyone, [3]string{"/login?next=%2Fshops%2Fconnect"}},
			{"POST", "/shops/connect/shopify", url.Values{"domain": {"acme.myshopify.com"}}, "", write(200), [3]string{"/login"}},
			{"POST", "/shops/connect/woocommerce", url.Values{"woo-url": {"https://shop.example"}}, "", write(200), [3]string{"/login"}},
			{"POST", "/shops/connect/woocommerce/keys", url.Values{"url": {""}}, "", write(400), [3]string{"/login"}},
			{"GET", "/shops/1", nil, "", anyone, [3]string{"/login?next=%2Fshops%2F1"}},
			{"POST", "/shops/1/settings", url.Values{}, "", write(303), [3]string{"/login", "", "/shops/1"}},
			{"GET", "/shops/1/webhooks", nil, "", anyone, [3]string{"/login?next=%2Fshops%2F1%2Fwebhooks"}},
			{"POST", "/shops/1/webhooks/repair", url.Values{}, "", write(200), [3]string{"/login"}},
			{"POST", "/shops/1/resume-orders", url.Values{}, "", write(200), [3]string{"/login"}},
			{"GET", "/api/v1/shops", nil, "", api(200), [3]string{}},
			{"POST", "/api/v1/shops/shopify/install", nil, `{"domain":"acme.myshopify.com"}`, apiWrite(200), [3]string{}},
			{"POST", "/api/v1/shops/woocommerce/authorize", nil, `{"url":"https://shop.example"}`, apiWrite(200), [3]string{}},
			{"POST", "/api/v1/shops/woocommerce", nil, `{}`, apiWrite(400), [3]string{}},
			{"GET", "/api/v1/shops/1", nil, "", api(200), [3]string{}},
			{"PUT", "/api/v1/shops/1/settings", nil, `{}`, apiWrite(200), [3]string{}},
			{"GET", "/api/v1/shops/1/webhooks", nil, "", api(200), [3]string{}},
			{"POST", "/api/v1/shops/1/webhooks/repair", nil, "", apiWrite(200), [3]string{}},
			{"POST", "/api/v1/shops/1/resume-orders", nil, "", apiWrite(200), [3]string{}},
		}
		checkRoutes(t, e.fixture, tests, strings.NewReplacer(":id", "1"), "/shops", "/api/v1/shops")

		// Unknown shops are 404, as a page and as JSON.
		if resp := e.do(t, e.as(admin, req{method: "GET", path: "/shops/99"})); resp.Code != 404 || !strings.Contains(resp.Body.String(), "There is no such shop.") {
			t.Errorf("unknown shop page: %d", resp.Code)
		}
		if resp := e.doJSON(t, admin, "GET", "/api/v1/shops/99", ""); resp.Code != 404 {
			t.Errorf("unknown shop API: %d", resp.Code)
		} else {
			checkAPIError(t, resp, CodeNotFound)
		}
	})
}

// postForms finds the forms that post to path prefix in a page.
func postForms(body, prefix string) []string {
	return regexp.MustCompile(`<form method="post" action="`+regexp.QuoteMeta(prefix)+`[^"]*"`).FindAllString(body, -1)
}

func TestShopsSupportSeesNoWriteControls(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.SQLite, true)
	e := newShopsEnv(t, st)
	for _, path := range []string{"/shops", "/shops/1", "/shops/2", "/shops/connect", "/shops/1/webhooks"} {
		sup := e.do(t, e.as(support, req{method: "GET", path: path})).Body.String()
		if forms := postForms(sup, "/shops"); len(forms) > 0 {
			t.Errorf("support's %s has forms that change things: %v", path, forms)
		}
		if strings.Contains(sup, `id="shops-connect-link"`) {
			t.Errorf("support's %s links to connecting a shop", path)
		}
	}
	adm := e.do(t, e.as(admin, req{method: "GET", path: "/shops/1"})).Body.String()
	for _, want := range []string{`id="shop-settings-form"`, `id="setting-fx-rate"`, `name="fulfilled-status"`} {
		if !strings.Contains(adm, want) {
			t.Errorf("admin's shop page lacks %s", want)
		}
	}
	conn := e.do(t, e.as(admin, req{method: "GET", path: "/shops/connect"})).Body.String()
	for _, want := range []string{`id="connect-shopify-form"`, `id="connect-woo-form"`, `id="connect-keys-form"`} {
		if !strings.Contains(conn, want) {
			t.Errorf("admin's connect page lacks %s", want)
		}
	}
}

func TestShopsListPagingFilterSort(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.SQLite, true)
	e := newShopsEnv(t, st)
	page := func(path string) string { t.Helper(); return e.get(t, support, path) }
	// By name, one a page: Demo, then Tienda; the links keep the other parameters.
	first := page("/shops?sort=name&per_page=1&q=")
	if !strings.Contains(first, `id="shop-link-2"`) || strings.Contains(first, `id="shop-link-1"`) {
		t.Errorf("first page by name: %s", first)
	}
	if !strings.Contains(first, `href="/shops?page=2&amp;per_page=1&amp;q=&amp;sort=name"`) {
		t.Errorf("next link does not keep the parameters: %s", regexp.MustCompile(`data-testid="pager-next"[^>]*`).FindString(first))
	}
	if !strings.Contains(first, `aria-sort="ascending"`) || !strings.Contains(first, `href="/shops?desc=1&amp;per_page=1&amp;q=&amp;sort=name"`) {
		t.Error("the sorted column is not marked, or does not reverse")
	}
	second := page("/shops?sort=name&per_page=1&page=2")
	if !strings.Contains(second, `id="shop-link-1"`) || strings.Contains(second, `id="shop-link-2"`) {
		t.Errorf("second page by name")
	}
	desc := page("/shops?sort=name&desc=1&per_page=1")
	if !strings.Contains(desc, `id="shop-link-1"`) {
		t.Errorf("descending by name")
	}
	for path, want := range map[string][]int{
		"/shops?platform=memory":      {2},
		"/shops?platform=woocommerce": {1},
		"/shops?q=TIENDA":             {1},
		"/shops?status=held":          {},
		"/shops?status=ok":            {1, 2},
	} {
		body := page(path)
		for _, id := range []int{1, 2} {
			has := strings.Contains(body, fmt.Sprintf(`id="shop-link-%d"`, id))
			if has != containsInt(want, id) {
				t.Errorf("%s: shop %d shown %v", path, id, has)
			}
		}
	}
	if resp := e.do(t, e.as(admin, req{method: "GET", path: "/shops?sort=secret"})); resp.Code != 400 {
		t.Errorf("unknown sort: %d", resp.Code)
	}

	// The API: the same list, in JSON.
	resp := e.doJSON(t, support, "GET", "/api/v1/shops?sort=name&desc=1&per_page=1", "")
	var got apiPage[apiShop]
	if err := json.Unmarshal(resp.Body.Bytes(), &got); err != nil || resp.Code != 200 {
		t.Fatalf("%d %s", resp.Code, resp.Body)
	}
	if got.Total != 2 || got.Page != 1 || got.PerPage != 1 || got.Sort != "name" || !got.Desc || len(got.Items) != 1 ||
		got.Items[0].ID != 1 || got.Items[0].Platform != "woocommerce" || got.Items[0].Currency != "USD" || got.Items[0].Status != "ok" {
		t.Errorf("API page %+v", got)
	}
	if strings.Contains(resp.Body.String(), shopsSecret) || strings.Contains(resp.Body.String(), "credentials") {
		t.Error("the API shows credentials")
	}
	resp = e.doJSON(t, support, "GET", "/api/v1/shops?page=0", "")
	if resp.Code != 400 {
		t.Fatalf("page 0: %d", resp.Code)
	}
	checkAPIError(t, resp, CodeInvalid)
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestShopSettingsForm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newShopsEnv(t, st)
		ctx := context.Background()
		shop, _ := st.Shop(ctx, 1)
		form := url.Values{}
		for k, v := range shops.SettingsText(shop) {
			form.Set(k, v)
		}
		// Bad values: each problem beside its field, in the CLI's words; nothing saved.
		bad := cloneValues(form)
		bad.Set("fx-rate", "0")
		bad.Set("buffer", "-1")
		bad.Set("tax-inclusive", "maybe")
		resp := e.do(t, e.as(admin, req{method: "POST", path: "/shops/1/settings", form: bad}))
		body := resp.Body.String()
		if resp.Code != 400 {
			t.Fatalf("bad settings: %d", resp.Code)
		}
		for _, want := range []string{`id="err-fx-rate"`, `id="err-buffer"`, `id="err-tax-inclusive"`, "takes a whole number of 0 or more, not &#34;-1&#34;",
			`takes true or false, not &#34;maybe&#34;`, `id="setting-buffer" name="buffer" type="number" min="0" inputmode="numeric" value="-1"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the form lacks %s", want)
			}
		}
		if strings.Contains(body, `id="err-currency"`) {
			t.Error("an untouched field has an error")
		}
		if got, _ := st.Shop(ctx, 1); got.FXRate != "" || got.StockPolicy.Buffer != 0 {
			t.Errorf("saved despite problems: %+v", got.StockPolicy)
		}
		// Good values are saved; the page goes back to the shop with a message.
		good := cloneValues(form)
		good.Set("tax-rate", "19")
		good.Set("buffer", "2")
		good.Set("order-tag", "web")
		good.Set("fulfilled-status", "processing")
		resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/1/settings", form: good}))
		if resp.Code != 303 || resp.Header().Get("Location") != "/shops/1" {
			t.Fatalf("good settings: %d %s", resp.Code, resp.Body)
		}
		got, _ := st.Shop(ctx, 1)
		if got.TaxRate != "19" || got.StockPolicy.Buffer != 2 || got.OrderTag != "web" || got.FulfilledStatus != "processing" {
			t.Errorf("saved %+v", got)
		}
		page := e.do(t, e.as(admin, req{method: "GET", path: "/shops/1", cookies: []*http.Cookie{cookie(resp, flashCookie)}})).Body.String()
		if !strings.Contains(page, "The settings are saved.") || !strings.Contains(page, `id="setting-tax-rate" name="tax-rate" type="text" value="19"`) {
			t.Error("the saved settings are not shown")
		}
		// A warning (a filter that matches nothing in the mirror) is shown with the saved page.
		if err := st.SaveProducts(ctx, mirrorSample(got.IWSAccountID)); err != nil {
			t.Fatal(err)
		}
		warn := cloneValues(good)
		warn.Set("include-brands", "nobrand")
		resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/1/settings", form: warn}))
		if resp.Code != 200 || !strings.Contains(resp.Body.String(), "matches no brand of the mirrored catalog") || !strings.Contains(resp.Body.String(), `id="shop-warnings"`) {
			t.Errorf("warning: %d %s", resp.Code, resp.Body)
		}

		// The API: the same checks, problems by setting.
		resp = e.doJSON(t, admin, "PUT", "/api/v1/shops/1/settings", `{"fx-rate":"0","nonsense":"1"}`)
		if resp.Code != 400 || !strings.Contains(resp.Body.String(), `"field":"nonsense"`) {
			t.Errorf("unknown setting: %d %s", resp.Code, resp.Body)
		}
		resp = e.doJSON(t, admin, "PUT", "/api/v1/shops/1/settings", `{"fx-rate":"0","min-stock":"x"}`)
		var problems apiProblemsError
		if err := json.Unmarshal(resp.Body.Bytes(), &problems); err != nil || resp.Code != 400 || problems.Error.Code != CodeInvalid ||
			len(problems.Error.Problems) != 2 || problems.Error.Problems[0].Field == "" {
			t.Errorf("API problems: %d %s", resp.Code, resp.Body)
		}
		resp = e.doJSON(t, admin, "PUT", "/api/v1/shops/1/settings", `{"locale":"en","cap":"50"}`)
		var ok struct {
			Shop     apiShopDetail `json:"shop"`
			Warnings []string      `json:"warnings"`
		}
		if err := json.Unmarshal(resp.Body.Bytes(), &ok); err != nil || resp.Code != 200 || ok.Shop.Settings["locale"] != "en" ||
			ok.Shop.Settings["cap"] != "50" || ok.Shop.Settings["tax-rate"] != "19" || ok.Warnings == nil {
			t.Errorf("API settings: %d %s", resp.Code, resp.Body)
		}
		if resp := e.doJSON(t, admin, "PUT", "/api/v1/shops/1/settings", `[1]`); resp.Code != 400 {
			t.Errorf("bad JSON: %d", resp.Code)
		}
	})
}

// mirrorSample is a mirrored product of the account, so filters can be compared with a catalog.
func mirrorSample(acct int64) []*mirror.Product {
	return []*mirror.Product{{AccountID: acct, SKU: "A1", BrandID: "hpe", Brand: "HP", CategoryID: "cpt.nb", Type: "Physical",
		Cost: decimal.RequireFromString("100"), Currency: "USD", Sellable: true, Active: true, StockTotal: 3,
		StockByLocation: map[string]int{"xclq1": 3}, RealStock: true}}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func TestShopsConnect(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.SQLite, true)
	e := newShopsEnv(t, st)
	ctx := context.Background()

	// Shopify: the link to the grant page, with a state kept for the shop.
	resp := e.do(t, e.as(admin, req{method: "POST", path: "/shops/connect/shopify", form: url.Values{"domain": {"https://ACME.myshopify.com/"}}}))
	body := resp.Body.String()
	link := regexp.MustCompile(`id="connect-shopify-link"[^>]*>([^<]+)<`).FindStringSubmatch(body)
	if resp.Code != 200 || link == nil {
		t.Fatalf("shopify link: %d %s", resp.Code, body)
	}
	u, err := url.Parse(strings.ReplaceAll(link[1], "&amp;", "&"))
	if err != nil || u.Host != "acme.myshopify.com" || u.Path != "/admin/oauth/authorize" || u.Query().Get("client_id") != "cid" ||
		u.Query().Get("redirect_uri") != shopsPublicURL+"/shopify/callback" {
		t.Fatalf("shopify link %s", link[1])
	}
	if _, err := st.ConsumeInstallState(ctx, u.Query().Get("state"), store.PlatformShopify); err != nil {
		t.Errorf("no install state for the link: %v", err)
	}
	resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/connect/shopify", form: url.Values{"domain": {"admin.shopify.com/store/acme"}}}))
	if resp.Code != 400 || !strings.Contains(resp.Body.String(), `id="err-domain"`) || !strings.Contains(resp.Body.String(), "use acme.myshopify.com") {
		t.Errorf("bad domain: %d", resp.Code)
	}

	// WooCommerce: the site's approval page.
	resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/connect/woocommerce", form: url.Values{"woo-url": {"shop.example/"}}}))
	if resp.Code != 200 || !strings.Contains(resp.Body.String(), `href="https://shop.example/wc-auth/v1/authorize?`) {
		t.Errorf("woocommerce link: %d %s", resp.Code, resp.Body)
	}
	resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/connect/woocommerce", form: url.Values{"woo-url": {"https://shop.example/wp-admin/"}}}))
	if resp.Code != 400 || !strings.Contains(resp.Body.String(), `id="err-woo-url"`) {
		t.Errorf("admin page address: %d", resp.Code)
	}

	// Manual keys: every problem beside its field, in the CLI's words; the secret is not sent back.
	resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/connect/woocommerce/keys",
		form: url.Values{"url": {"ftp://x"}, "secret": {"cs_typed"}, "margin": {"20"}, "markup": {"10"}}}))
	body = resp.Body.String()
	for _, want := range []string{`id="err-url"`, `id="err-key"`, "is required (the REST API consumer key, ck_…)", `id="err-margin"`, "and --markup are both given"} {
		if !strings.Contains(body, want) {
			t.Errorf("manual keys form lacks %s", want)
		}
	}
	if resp.Code != 400 || strings.Contains(body, "cs_typed") {
		t.Errorf("manual keys: %d, secret echoed %v", resp.Code, strings.Contains(body, "cs_typed"))
	}
	// The store refuses wrong keys; the same store again is refused by name.
	_, other := wootest.Start(t, wootest.Config{ConsumerKey: shopsKey, ConsumerSecret: shopsSecret, Currency: "USD", Delivery: wootest.DeliverManual, WebhookClient: refuseAll})
	resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/connect/woocommerce/keys",
		form: url.Values{"url": {other}, "key": {"ck_wrong"}, "secret": {"cs_wrong"}, "name": {"Otra"}}}))
	if resp.Code != 400 || !strings.Contains(resp.Body.String(), `id="connect-keys-error"`) || !strings.Contains(resp.Body.String(), "store check failed") {
		t.Errorf("wrong keys: %d %s", resp.Code, resp.Body)
	}
	resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/connect/woocommerce/keys",
		form: url.Values{"url": {e.site}, "key": {shopsKey}, "secret": {shopsSecret}}}))
	if resp.Code != 400 || !strings.Contains(resp.Body.String(), "is already connected as shop 1") {
		t.Errorf("same store: %d", resp.Code)
	}
	// A new store connects and its page opens.
	resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/connect/woocommerce/keys",
		form: url.Values{"url": {other}, "key": {shopsKey}, "secret": {shopsSecret}, "name": {"Nueva"}, "markup": {"25"}}}))
	if resp.Code != 303 || resp.Header().Get("Location") != "/shops/3" {
		t.Fatalf("new shop: %d %s", resp.Code, resp.Body)
	}

	// The API, with its stable codes.
	resp = e.doJSON(t, admin, "POST", "/api/v1/shops/shopify/install", `{"domain":"nope"}`)
	if resp.Code != 400 || !strings.Contains(resp.Body.String(), `"field":"domain"`) {
		t.Errorf("API bad domain: %d %s", resp.Code, resp.Body)
	}
	resp = e.doJSON(t, admin, "POST", "/api/v1/shops/woocommerce", fmt.Sprintf(`{"url":%q,"key":"ck_x","secret":"cs_x","name":"X"}`, other))
	if resp.Code != 409 {
		t.Errorf("API same store: %d %s", resp.Code, resp.Body)
	}
	_, third := wootest.Start(t, wootest.Config{ConsumerKey: shopsKey, ConsumerSecret: shopsSecret, Currency: "USD", Delivery: wootest.DeliverManual, WebhookClient: refuseAll})
	resp = e.doJSON(t, admin, "POST", "/api/v1/shops/woocommerce", fmt.Sprintf(`{"url":%q,"key":"ck_wrong","secret":"cs_wrong","name":"Y"}`, third))
	if resp.Code != 422 {
		t.Errorf("API wrong keys: %d %s", resp.Code, resp.Body)
	} else {
		checkAPIError(t, resp, CodeStoreCheckFailed)
	}
	resp = e.doJSON(t, admin, "POST", "/api/v1/shops/woocommerce", fmt.Sprintf(`{"url":%q,"key":%q,"secret":%q,"name":"Z"}`, third, shopsKey, shopsSecret))
	var created struct {
		Shop  apiShopDetail       `json:"shop"`
		Store platforms.StoreInfo `json:"store"`
		Notes []string            `json:"notes"`
	}
	if err := json.Unmarshal(resp.Body.Bytes(), &created); err != nil || resp.Code != 201 || created.Shop.Name != "Z" || created.Store.Currency != "USD" || created.Notes == nil {
		t.Errorf("API add: %d %s", resp.Code, resp.Body)
	}
}

func TestShopsConnectNotConfigured(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.SQLite, true)
	client, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(c *UIConfig) { c.Shops = ShopsDeps{Store: st, Jobs: client} })
	page := f.do(t, f.as(admin, req{method: "GET", path: "/shops/connect"})).Body.String()
	for _, want := range []string{`id="connect-shopify-not-configured"`, "CONNECTOR_SHOPIFY_CLIENT_ID", `id="connect-woo-unavailable"`, `id="connect-keys-form"`} {
		if !strings.Contains(page, want) {
			t.Errorf("connect page lacks %s", want)
		}
	}
	if strings.Contains(page, `id="connect-shopify-form"`) {
		t.Error("a Shopify form without the app")
	}
	resp := f.do(t, f.as(admin, req{method: "POST", path: "/shops/connect/shopify", form: url.Values{"domain": {"acme.myshopify.com"}}}))
	if resp.Code != 409 || !strings.Contains(resp.Body.String(), `id="connect-shopify-error"`) {
		t.Errorf("shopify without the app: %d", resp.Code)
	}
	resp = f.doJSON(t, admin, "POST", "/api/v1/shops/woocommerce/authorize", `{"url":"https://shop.example"}`)
	if resp.Code != 409 {
		t.Fatalf("handoff without a public URL: %d", resp.Code)
	}
	checkAPIError(t, resp, CodeNotConfigured)
	// Without an IWS account a shop cannot be added: the form says what to do.
	resp = f.do(t, f.as(admin, req{method: "POST", path: "/shops/connect/woocommerce/keys", form: url.Values{"url": {"https://shop.example"}, "key": {"ck_x"}, "secret": {"cs_x"}}}))
	if resp.Code != 400 || !strings.Contains(resp.Body.String(), "no IWS account yet") {
		t.Errorf("no account: %d", resp.Code)
	}
}

func TestShopWebhooksCheckAndRepair(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newShopsEnv(t, st)
		// Nothing registered yet: the live check says what is missing.
		page := e.do(t, e.as(support, req{method: "GET", path: "/shops/1/webhooks"})).Body.String()
		for _, want := range []string{`data-healthy="false"`, `id="webhooks-missing"`, "order.created", "order.updated", `id="webhooks-none"`} {
			if !strings.Contains(page, want) {
				t.Errorf("check page lacks %s", want)
			}
		}
		resp := e.doJSON(t, support, "GET", "/api/v1/shops/1/webhooks", "")
		var health shops.WebhookHealth
		if err := json.Unmarshal(resp.Body.Bytes(), &health); err != nil || !health.Applicable || health.Healthy || len(health.Missing) != 2 {
			t.Errorf("API check: %s", resp.Body)
		}
		// Repair registers them at the connector's address.
		resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/1/webhooks/repair", form: url.Values{}}))
		body := resp.Body.String()
		if resp.Code != 200 || !strings.Contains(body, `data-healthy="true"`) || strings.Count(body, ">created<") != 2 {
			t.Fatalf("repair: %d %s", resp.Code, body)
		}
		hooks := e.woo.Webhooks()
		if len(hooks) != 2 || hooks[0].DeliveryURL != shopsPublicURL+"/webhooks/woocommerce/1" {
			t.Errorf("store's webhooks %+v", hooks)
		}
		// A disabled one shows, and the API repairs it.
		e.woo.DisableWebhook(hooks[0].ID)
		resp = e.doJSON(t, admin, "GET", "/api/v1/shops/1/webhooks", "")
		if err := json.Unmarshal(resp.Body.Bytes(), &health); err != nil || health.Healthy || len(health.Disabled) != 1 {
			t.Errorf("disabled: %s", resp.Body)
		}
		resp = e.doJSON(t, admin, "POST", "/api/v1/shops/1/webhooks/repair", "")
		var repaired struct {
			shops.WebhookHealth
			Repaired []platforms.WebhookState `json:"repaired"`
		}
		if err := json.Unmarshal(resp.Body.Bytes(), &repaired); err != nil || !repaired.Healthy || len(repaired.Repaired) != 2 {
			t.Errorf("API repair: %s", resp.Body)
		}
		// The in-memory shop has no webhooks; a store that cannot be reached says why (502).
		if page := e.do(t, e.as(admin, req{method: "GET", path: "/shops/2/webhooks"})).Body.String(); !strings.Contains(page, `id="webhooks-not-applicable"`) {
			t.Error("memory shop")
		}
		e.woo.InjectFault(wootest.Fault{Path: "/wp-json/wc/v3/webhooks", Status: 403, Count: 5})
		resp = e.doJSON(t, admin, "GET", "/api/v1/shops/1/webhooks", "")
		if resp.Code != 502 {
			t.Errorf("unreachable store: %d %s", resp.Code, resp.Body)
		} else {
			checkAPIError(t, resp, CodeStorefrontFailed)
		}
	})
}

func TestShopResumeOrders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newShopsEnv(t, st)
		ctx := context.Background()
		if err := st.HoldShopOrders(ctx, 1, "IWS error 42: customer account on hold"); err != nil {
			t.Fatal(err)
		}
		list := e.do(t, e.as(support, req{method: "GET", path: "/shops?status=held"})).Body.String()
		if !strings.Contains(list, `id="shop-link-1"`) || !strings.Contains(list, "customer account on hold") {
			t.Error("the held shop is not listed as held")
		}
		page := e.do(t, e.as(admin, req{method: "GET", path: "/shops/1"})).Body.String()
		if !strings.Contains(page, `id="shop-hold-reason"`) || !strings.Contains(page, `id="shop-resume-form"`) || !strings.Contains(page, `data-confirm="Resume the held orders of Tienda?`) {
			t.Error("the shop's page does not offer to resume")
		}
		// Unconfirmed: the server asks.
		resp := e.do(t, e.as(admin, req{method: "POST", path: "/shops/1/resume-orders", form: url.Values{}}))
		if resp.Code != 200 || !strings.Contains(resp.Body.String(), `name="confirmed" value="yes"`) {
			t.Fatalf("unconfirmed: %d", resp.Code)
		}
		if got, _ := st.Shop(ctx, 1); got.OrdersHoldReason == "" {
			t.Fatal("resumed without confirmation")
		}
		resp = e.do(t, e.as(admin, req{method: "POST", path: "/shops/1/resume-orders", form: url.Values{"confirmed": {"yes"}}}))
		if resp.Code != 303 || resp.Header().Get("Location") != "/shops/1" {
			t.Fatalf("confirmed: %d", resp.Code)
		}
		if got, _ := st.Shop(ctx, 1); got.OrdersHoldReason != "" {
			t.Error("the hold is not lifted")
		}
		page = e.do(t, e.as(admin, req{method: "GET", path: "/shops/1", cookies: []*http.Cookie{cookie(resp, flashCookie)}})).Body.String()
		if !strings.Contains(page, "The order hold is lifted; no order was waiting on it.") {
			t.Error("no message after resuming")
		}
		resp = e.doJSON(t, admin, "POST", "/api/v1/shops/1/resume-orders", "")
		if strings.TrimSpace(resp.Body.String()) != `{"hold_lifted":false,"resumed":0}` {
			t.Errorf("API resume: %s", resp.Body)
		}
	})
}

func TestShopSettingsLabelsInBothLanguages(t *testing.T) {
	t.Parallel()
	cs, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	if len(settingInputs) != len(shops.SettingNames) {
		t.Fatalf("%d inputs for %d settings", len(settingInputs), len(shops.SettingNames))
	}
	var keys []string
	for i, in := range settingInputs {
		if in.Name != shops.SettingNames[i] {
			t.Errorf("input %d is %s, setting %s", i, in.Name, shops.SettingNames[i])
		}
		keys = append(keys, "shops.setting."+in.Name, "shops.setting."+in.Name+".help")
		for _, o := range in.Options {
			if o == "" {
				o = "default"
			}
			keys = append(keys, "shops.setting."+in.Name+"."+o)
		}
	}
	for _, g := range settingGroups {
		keys = append(keys, "shops.settings.group."+g)
	}
	for _, n := range append(manualFields, "no-check") {
		keys = append(keys, "shops.keys."+n, "shops.keys."+n+".help")
	}
	for _, s := range append(shopStatuses, "woocommerce", "shopify", "memory") {
		if s == "woocommerce" || s == "shopify" || s == "memory" {
			keys = append(keys, "shops.platform."+s)
		} else {
			keys = append(keys, "shops.status."+s)
		}
	}
	for _, s := range []string{store.ListingPending, store.ListingPublished, store.ListingOutOfStock, store.ListingUnpublished, store.ListingError} {
		keys = append(keys, "shops.listing."+s)
	}
	for _, c := range []string{"created", "updated", "enabled", "none"} {
		keys = append(keys, "shops.webhooks.changed."+c)
	}
	for _, k := range append(keys, "shops.col.name", "shops.col.platform", "shops.col.currency", "shops.col.published", "shops.col.held", "shops.col.webhook") {
		if !cs.has(k) {
			t.Errorf("no %q", k)
		}
	}
}
