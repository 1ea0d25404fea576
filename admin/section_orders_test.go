package admin

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

func init() {
	detail := orders.Detail{Shop: orders.ShopRef{ID: 1, Name: "Tienda", Platform: "woocommerce"}, ID: 7, StorefrontOrderID: "gid://shopify/Order/1",
		StorefrontOrderNumber: "#1", CustomerOrderNumber: "W1N1", State: store.OrderHeld, HoldCode: "cost", HoldReason: "cost rose",
		Lines:    []orders.DetailLine{{SKU: "A1", Name: "Mouse", Quantity: 1, UnitPrice: "10", Intcomex: true}},
		Serials:  json.RawMessage(`["SN1"]`),
		Tracking: json.RawMessage(`[{"tracking_id":"T1","url":"https://t.example/1","carrier":"DHL"}]`),
		Timeline: []orders.DetailEvent{{Kind: store.OrderEventHold, Message: "held", JobID: "3", Detail: json.RawMessage(`{"a":1}`),
			APICalls: []orders.DetailCall{{ID: 9, System: "iws", Method: "getproducts", HTTPMethod: "POST", Path: "/v1/getproducts", Status: 500, Error: "boom"}}}},
	}
	detail.Storefront.LiveError = "unreachable"
	page := (&UI{}).orderPageData(detail, true)
	page.Message = "refused"
	pageSamples["orders_detail"] = page
	pageSamples["orders"] = ordersListData{Form: ordersForm{State: "held", Sort: "state", Dir: "asc"}, States: store.OrderStates,
		Errors: ordersFieldErrors{"from": "bad", "sort": "bad"}, Shops: []ordersShopOption{{ID: 1, Name: "Tienda", Selected: true}},
		Rows:  []ordersRow{{ID: 1, ShopID: 1, ShopName: "Tienda", URL: "/orders/1/1", Storefront: "1", State: store.OrderHeld, HoldCode: "cost", HoldReason: "x"}},
		Pager: ordersPager{From: 1, To: 1, Total: 3, Page: 1, Pages: 3, NextURL: "/orders?page=2"},
		Sort:  map[string]ordersSortLink{"shop": {URL: "/orders?sort=shop", Aria: "none"}}}
}

// ordersRoutes are the routes of the Orders and Logs sections, with a request each and the
// status expected per role; the actions run as admin last (they change the world).
func ordersRoutes(w *ordersWorld) []struct {
	method, route, path string
	form                url.Values
	want                [3]int
} {
	placed := orderURL(w.shop.ID, w.placed.StorefrontOrderID)
	return []struct {
		method, route, path string
		form                url.Values
		want                [3]int
	}{
		{"GET", "/orders", "/orders", nil, [3]int{303, 200, 200}},
		{"GET", "/orders/:shop/*order", placed, nil, [3]int{303, 200, 200}},
		{"GET", "/api/v1/orders", "/api/v1/orders", nil, [3]int{401, 200, 200}},
		{"GET", "/api/v1/orders/:shop/*order", "/api/v1" + placed, nil, [3]int{401, 200, 200}},
		{"GET", "/logs", "/logs", nil, [3]int{303, 200, 200}},
		{"GET", "/logs.csv", "/logs.csv", nil, [3]int{303, 200, 200}},
		{"GET", "/logs/:id", "/logs/" + strconv.FormatInt(w.placeOrder.ID, 10), nil, [3]int{303, 200, 200}},
		{"GET", "/api/v1/logs", "/api/v1/logs", nil, [3]int{401, 200, 200}},
		{"GET", "/api/v1/logs.csv", "/api/v1/logs.csv", nil, [3]int{401, 200, 200}},
		{"GET", "/api/v1/logs/:id", "/api/v1/logs/" + strconv.FormatInt(w.placeOrder.ID, 10), nil, [3]int{401, 200, 200}},
		{"POST", "/orders/:shop/*order", placed + "/refresh", url.Values{}, [3]int{303, 403, 303}},
		{"POST", "/api/v1/orders/:shop/*order", "/api/v1" + placed + "/refresh", url.Values{}, [3]int{401, 403, 200}},
	}
}

// TestOrdersAndLogsRoutesByRole requests every route of the two sections as an anonymous
// visitor, a support user and an admin: support reads everything, changes nothing (the job is
// not queued), and sees no control that changes anything.
func TestOrdersAndLogsRoutesByRole(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		routes := ordersRoutes(w)
		covered := map[string]bool{}
		for _, r := range routes {
			covered[r.method+" "+r.route] = true
		}
		for _, r := range w.f.router.Routes() {
			mine := false
			for _, p := range []string{"/orders", "/logs", "/api/v1/orders", "/api/v1/logs"} {
				mine = mine || r.Path == p || strings.HasPrefix(r.Path, p+"/") || strings.HasPrefix(r.Path, p+".")
			}
			if mine && !covered[r.Method+" "+r.Path] {
				t.Errorf("route %s %s is not in the table", r.Method, r.Path)
			}
		}
		for _, r := range routes {
			for who := anonymous; who <= admin; who++ {
				t.Run(r.method+" "+r.path+" as "+who.String(), func(t *testing.T) {
					resp := w.f.do(t, w.f.as(who, req{method: r.method, path: r.path, form: r.form}))
					if resp.Code != r.want[who] {
						t.Fatalf("status %d, want %d: %.400s", resp.Code, r.want[who], resp.Body)
					}
					switch {
					case who == anonymous && !strings.HasPrefix(r.path, "/api/"):
						if loc := resp.Header().Get("Location"); !strings.HasPrefix(loc, "/login") {
							t.Errorf("Location %q, want the login page", loc)
						}
					case resp.Code == 401 || resp.Code == 403 && strings.HasPrefix(r.path, "/api/"):
						checkAPIError(t, resp, map[int]string{401: "unauthorized", 403: "forbidden"}[resp.Code])
					case who == support && r.method == "POST":
						if job := w.job(t, orders.KindTrackOrder, w.placed.ID); job != nil {
							t.Errorf("support's refresh queued job %d", job.ID)
						}
					case who == support && r.method == "GET" && !strings.HasPrefix(r.path, "/api/") && !strings.HasSuffix(r.path, ".csv"):
						ordersCheckNoWriteControls(t, resp.Body.String())
					}
				})
			}
		}
		if job := w.job(t, orders.KindTrackOrder, w.placed.ID); job == nil {
			t.Error("admin's refresh queued no track_order job")
		}
	})
}

// ordersCheckNoWriteControls fails on a form that changes anything other than the layout's own
// (sign out, language) or an action button of the order page.
func ordersCheckNoWriteControls(t *testing.T, body string) {
	t.Helper()
	forms := regexp.MustCompile(`<form method="post" action="([^"]*)"`).FindAllStringSubmatch(body, -1)
	for _, m := range forms {
		if m[1] != "/logout" && m[1] != "/language" {
			t.Errorf("support sees a form posting to %s", m[1])
		}
	}
	for _, id := range []string{`id="order-retry"`, `id="order-cancel"`, `id="order-refresh"`, `id="order-actions"`} {
		if strings.Contains(body, id) {
			t.Errorf("support sees %s", id)
		}
	}
}

// ordersRowIDs are the data-order-id (or data-call-id) values of a list page's rows, in order.
func ordersRowIDs(body, attr string) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`<tr `+attr+`="(\d+)"`).FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func ordersIDs(vs ...int64) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strconv.FormatInt(v, 10)
	}
	return out
}

func TestOrdersList(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		shop, shop2 := strconv.FormatInt(w.shop.ID, 10), strconv.FormatInt(w.shop2.ID, 10)
		tests := []struct {
			name, query string
			want        []string // row ids in order
		}{
			{"newest first", "", ordersIDs(w.cancelled.ID, w.gid.ID, w.placed.ID, w.held.ID)},
			{"shop", "shop=" + shop, ordersIDs(w.placed.ID, w.held.ID)},
			{"state", "state=received", ordersIDs(w.gid.ID)},
			{"held only", "held=1", ordersIDs(w.held.ID)},
			{"search storefront number", "q=5512", ordersIDs(w.gid.ID)},
			{"search Intcomex number", "q=ix2", ordersIDs(w.placed.ID)},
			{"search customer number", "q=W" + shop2 + "N5600", ordersIDs(w.cancelled.ID)},
			{"received that day", "from=2026-03-01&to=2026-03-01", ordersIDs(w.cancelled.ID, w.gid.ID, w.placed.ID, w.held.ID)},
			{"received later", "from=2026-03-02", nil},
			{"sort by state", "sort=state&dir=asc", ordersIDs(w.cancelled.ID, w.held.ID, w.placed.ID, w.gid.ID)},
			{"oldest first", "sort=created&dir=asc", ordersIDs(w.held.ID, w.placed.ID, w.gid.ID, w.cancelled.ID)},
			{"page 2", "per=3&page=2", ordersIDs(w.held.ID)},
			{"past the end", "page=9", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := ordersRowIDs(w.f.get(t, support, "/orders?"+tt.query), "data-order-id"); !slices.Equal(got, tt.want) {
					t.Errorf("rows %v, want %v", got, tt.want)
				}
				// The API answers the same rows for the same parameters.
				api := w.f.do(t, w.f.as(support, req{method: "GET", path: "/api/v1/orders?" + tt.query}))
				var page struct {
					Items []ordersListItemJSON `json:"items"`
					Total int64                `json:"total"`
				}
				if err := json.Unmarshal(api.Body.Bytes(), &page); err != nil || api.Code != 200 {
					t.Fatalf("api %d %v: %s", api.Code, err, api.Body)
				}
				var got []string
				for _, it := range page.Items {
					got = append(got, strconv.FormatInt(it.ID, 10))
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("api rows %v, want %v", got, tt.want)
				}
			})
		}

		// The columns of `connector orders list`, the link to the order, and paging links that
		// keep the filter.
		body := w.f.do(t, w.f.as(admin, req{method: "GET", path: "/orders?shop=" + shop2 + "&per=1"})).Body.String()
		for _, want := range []string{`<table id="orders"`, `data-order-id="` + strconv.FormatInt(w.cancelled.ID, 10) + `"`, "Otra", `data-testid="order-link">5600</a>`, "W" + shop2 + "N5600",
			`href="/orders?page=2&amp;per=1&amp;shop=` + shop2 + `"`, `id="orders-search"`, "Showing 1–1 of 2."} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		body = w.f.do(t, w.f.as(admin, req{method: "GET", path: "/orders?q=5512"})).Body.String()
		if want := `href="/orders/` + shop2 + `/gid:%2f%2fshopify%2fOrder%2f5512"`; !strings.Contains(strings.ToLower(body), strings.ToLower(want)) {
			t.Errorf("no link %s in %s", want, body)
		}
		// Sort links name the column's direction and keep the filter.
		body = w.f.do(t, w.f.as(admin, req{method: "GET", path: "/orders?state=held&sort=state&dir=asc"})).Body.String()
		if !strings.Contains(body, `aria-sort="ascending"><a href="/orders?dir=desc&amp;sort=state&amp;state=held"`) {
			t.Errorf("sort link: %s", body)
		}

		// The API's shape: `connector orders list --json`'s objects and the page.
		api := w.f.do(t, w.f.as(admin, req{method: "GET", path: "/api/v1/orders?held=1"}))
		var raw struct {
			Items []map[string]any `json:"items"`
			Total int64            `json:"total"`
			Limit int              `json:"limit"`
			Sort  string           `json:"sort"`
			Desc  bool             `json:"desc"`
		}
		if err := json.Unmarshal(api.Body.Bytes(), &raw); err != nil || raw.Total != 1 || raw.Limit != 50 || raw.Sort != "created" || !raw.Desc || len(raw.Items) != 1 {
			t.Fatalf("api page %+v %v", raw, err)
		}
		for _, k := range []string{"id", "shop_id", "shop_name", "storefront_order_id", "storefront_order_number", "customer_order_number",
			"intcomex_order_number", "state", "hold_code", "hold_reason", "intcomex_status", "paid_at", "placed_at", "updated_at"} {
			if _, ok := raw.Items[0][k]; !ok {
				t.Errorf("item lacks %q: %v", k, raw.Items[0])
			}
		}
	})
}

func TestOrdersListValidation(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		tests := []struct {
			query, field, message string
		}{
			{"state=lost", "state", `&#34;lost&#34; is not an order state; the states are received, validating`},
			{"from=yesterday", "from", `&#34;yesterday&#34; is not a date such as 2026-11-01.`},
			{"from=2026-03-05&to=2026-03-01", "to", "The end date is before the start date."},
			{"shop=abc", "shop", `&#34;abc&#34; is not a shop id`},
			{"per=5000", "per", "from 1 to 1000"},
			{"sort=price", "sort", `sort &#34;price&#34; is not one of created, number, paid, placed, shop, state, updated`},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				resp := w.f.do(t, w.f.as(support, req{method: "GET", path: "/orders?" + tt.query}))
				body := resp.Body.String()
				if resp.Code != 400 || !strings.Contains(body, tt.message) {
					t.Fatalf("status %d, want 400 with %q: %s", resp.Code, tt.message, body)
				}
				if tt.field != "sort" && !strings.Contains(body, `<p class="field-error" id="orders-`+tt.field+`-error">`) {
					t.Errorf("the message is not beside the field %s", tt.field)
				}
				// The rest of the page still works: the list is shown without the bad filter.
				if !strings.Contains(body, `<table id="orders"`) && !strings.Contains(body, `id="orders-empty"`) {
					t.Errorf("no list under the error")
				}
				api := w.f.do(t, w.f.as(support, req{method: "GET", path: "/api/v1/orders?" + tt.query}))
				if api.Code != 400 {
					t.Fatalf("api status %d", api.Code)
				}
				checkAPIError(t, api, "invalid")
			})
		}
	})
}

func TestOrderPage(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		placed := orderURL(w.shop.ID, w.placed.StorefrontOrderID)
		resp := w.f.do(t, w.f.as(admin, req{method: "GET", path: placed}))
		body := resp.Body.String()
		if resp.Code != 200 {
			t.Fatalf("status %d: %s", resp.Code, body)
		}
		for _, want := range []string{"Order #1002", `id="order-timeline"`, `data-kind="placement"`, "placed with IWS: Intcomex order IX2",
			`href="/logs/` + strconv.FormatInt(w.placeOrder.ID, 10) + `"`, "iws placeorder POST /v1/placeorder", `href="/logs/` + strconv.FormatInt(w.writeBack.ID, 10) + `"`,
			`class="status-bad">500`, "<code>SN1</code>", `href="https://carrier.example/t/TRK1"`, "DHL", "INV-2", `href="https://iws.example/invoice/INV-2"`,
			"5 invoiced", `id="order-retry"`, `id="order-cancel"`, `id="order-refresh"`, `data-confirm="Cancel order #1002 on the Intcomex side?`,
			`href="/logs?order=` + strconv.FormatInt(w.placed.ID, 10) + `"`, `id="order-read-live"`} {
			if !strings.Contains(body, want) {
				t.Errorf("order page lacks %q", want)
			}
		}
		if strings.Contains(body, "signature") {
			t.Error("the page shows a call's query")
		}
		if strings.Contains(body, `id="order-accept-cost"`) {
			t.Error("accept the cost offered for an order not held for its cost")
		}
		// A held order: why, and the checkbox that accepts the cost.
		body = w.f.do(t, w.f.as(admin, req{method: "GET", path: orderURL(w.shop.ID, "1001")})).Body.String()
		for _, want := range []string{`id="order-hold"`, "IWS cost 45.00 is 12.5% above 40.00", `id="order-accept-cost"`, "&#34;sku&#34;: &#34;A1&#34;", "45", "40"} {
			if !strings.Contains(body, want) {
				t.Errorf("held order page lacks %q", want)
			}
		}

		// An id with slashes, live read: the shop cannot be read; the other shop's order reads.
		gid := orderURL(w.shop2.ID, w.gid.StorefrontOrderID)
		body = w.f.do(t, w.f.as(support, req{method: "GET", path: gid + "?live=1"})).Body.String()
		if !strings.Contains(body, "Order #5512") || !strings.Contains(body, "shop 2: no credentials") && !strings.Contains(body, "no credentials") {
			t.Errorf("gid order page: %s", body)
		}
		body = w.f.do(t, w.f.as(support, req{method: "GET", path: placed + "?live=1"})).Body.String()
		if !strings.Contains(body, `id="order-live"`) || !strings.Contains(body, "122.00 USD") {
			t.Errorf("live read not shown: %s", body)
		}

		for _, path := range []string{orderURL(w.shop.ID, "nope"), "/orders/999/1001", "/orders/x/1001", "/orders/1/"} {
			if resp := w.f.do(t, w.f.as(admin, req{method: "GET", path: path})); resp.Code != 404 {
				t.Errorf("%s: status %d, want 404", path, resp.Code)
			}
			if resp := w.f.do(t, w.f.as(admin, req{method: "GET", path: "/api/v1" + path})); resp.Code != 404 {
				t.Errorf("api %s: status %d, want 404", path, resp.Code)
			} else {
				checkAPIError(t, resp, "not_found")
			}
		}

		// The API: `connector order show --json`'s object.
		api := w.f.do(t, w.f.as(support, req{method: "GET", path: "/api/v1" + placed + "?live=1"}))
		var d orders.Detail
		dec := json.NewDecoder(api.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil || api.Code != 200 {
			t.Fatalf("api %d: %v", api.Code, err)
		}
		if d.ID != w.placed.ID || d.Intcomex.OrderNumber != "IX2" || len(d.Timeline) != 2 || len(d.Timeline[0].APICalls) != 1 ||
			d.Timeline[0].APICalls[0].Path != "/v1/placeorder" || d.Storefront.Live == nil || len(d.SerialList()) != 2 || d.Shop.Name != "Tienda" {
			t.Errorf("api detail %+v", d)
		}
		api = w.f.do(t, w.f.as(support, req{method: "GET", path: "/api/v1" + gid}))
		if err := json.Unmarshal(api.Body.Bytes(), &d); err != nil || d.StorefrontOrderID != w.gid.StorefrontOrderID || d.Storefront.Live != nil {
			t.Errorf("api gid detail %+v %v", d, err)
		}
	})
}

// ordersFlashOf is the flash message a redirect sets (its key).
func ordersFlashOf(resp *httptest.ResponseRecorder) string {
	if c := cookie(resp, flashCookie); c != nil {
		return c.Value
	}
	return ""
}

func TestOrderActions(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		held := orderURL(w.shop.ID, w.held.StorefrontOrderID)
		placed := orderURL(w.shop.ID, w.placed.StorefrontOrderID)
		gid := orderURL(w.shop2.ID, w.gid.StorefrontOrderID)
		cancelled := orderURL(w.shop2.ID, w.cancelled.StorefrontOrderID)
		post := func(path string, form url.Values) *httptest.ResponseRecorder {
			return w.f.do(t, w.f.as(admin, req{method: "POST", path: path, form: form}))
		}

		// Refresh refused: the order is not placed. The page says why, in words, and nothing is
		// queued.
		resp := post(gid+"/refresh", url.Values{})
		if resp.Code != 409 || !strings.Contains(resp.Body.String(), `id="order-message"`) ||
			!strings.Contains(resp.Body.String(), "Nothing was changed: order #5512 is received and not placed with Intcomex: there is nothing to track yet") {
			t.Fatalf("refused refresh: %d %s", resp.Code, resp.Body)
		}
		if w.job(t, orders.KindTrackOrder, w.gid.ID) != nil {
			t.Error("a refused refresh queued a job")
		}

		// Retry of a cost hold, accepting the cost: back to received, place_order queued, the
		// cost basis raised.
		resp = post(held+"/retry", url.Values{"accept_cost": {"1"}})
		if resp.Code != 303 || resp.Header().Get("Location") != held || ordersFlashOf(resp) != "success:orders.flash.retried" {
			t.Fatalf("retry: %d %q %q %s", resp.Code, resp.Header().Get("Location"), ordersFlashOf(resp), resp.Body)
		}
		o := w.order(t, w.held.ID)
		if o.State != store.OrderReceived || o.HoldCode != "" || !o.Lines[0].CostBasis.Decimal.Equal(o.Lines[0].Cost.Decimal) {
			t.Errorf("retried order %+v", o)
		}
		if w.job(t, orders.KindPlaceOrder, w.held.ID) == nil {
			t.Error("no place_order job")
		}
		// The flash shows on the page the redirect leads to.
		page := w.f.do(t, w.f.as(admin, req{method: "GET", path: held, cookies: []*http.Cookie{{Name: flashCookie, Value: "success:orders.flash.retried"}}}))
		if !strings.Contains(page.Body.String(), "The order goes back to placement") {
			t.Errorf("no flash on the order page")
		}
		// Again: the job is already queued.
		if resp = post(held+"/retry", url.Values{}); resp.Code != 303 || ordersFlashOf(resp) != "success:orders.flash.retried_queued" {
			t.Errorf("second retry: %d %q", resp.Code, ordersFlashOf(resp))
		}

		// Retry of a cancelled order: refused in words.
		resp = post(cancelled+"/retry", url.Values{})
		if resp.Code != 409 || !strings.Contains(resp.Body.String(), "the order is cancelled: it is never placed") {
			t.Errorf("refused retry: %d %s", resp.Code, resp.Body)
		}

		// Cancel asks first: without the confirmation a page asks, and nothing changes.
		resp = post(gid+"/cancel", url.Values{})
		if resp.Code != 200 || !strings.Contains(resp.Body.String(), "Cancel order #5512 on the Intcomex side?") ||
			!strings.Contains(resp.Body.String(), `name="confirmed" value="yes"`) {
			t.Fatalf("cancel without confirmation: %d %s", resp.Code, resp.Body)
		}
		if o := w.order(t, w.gid.ID); o.State != store.OrderReceived {
			t.Fatalf("cancelled without confirmation: %s", o.State)
		}
		// Confirmed, an order never placed: cancelled here, IWS not asked.
		resp = post(gid+"/cancel", url.Values{"confirmed": {"yes"}})
		if resp.Code != 303 || ordersFlashOf(resp) != "success:orders.flash.cancelled" || w.order(t, w.gid.ID).State != store.OrderCancelled {
			t.Errorf("cancel: %d %q %s", resp.Code, ordersFlashOf(resp), resp.Body)
		}

		// An invoiced order: refused, IWS cancels only before it ships.
		resp = post(placed+"/cancel", url.Values{"confirmed": {"yes"}})
		if resp.Code != 409 || !strings.Contains(resp.Body.String(), "Intcomex order IX2 is invoiced: IWS cancels an order only before it ships") {
			t.Errorf("cancel of an invoiced order: %d %s", resp.Code, resp.Body)
		}

		// Refresh the placed order through the API: enqueued, then already queued.
		for _, want := range []string{orders.TrackEnqueued, orders.TrackAlreadyQueued} {
			api := w.f.do(t, w.f.as(admin, req{method: "POST", path: "/api/v1" + placed + "/refresh"}))
			var got orderActionResult
			if err := json.Unmarshal(api.Body.Bytes(), &got); err != nil || api.Code != 200 || got.Action != "refresh" || got.Job != want || got.JobID == 0 {
				t.Errorf("api refresh: %d %s, want %s", api.Code, api.Body, want)
			}
		}
		if resp = post(placed+"/refresh", url.Values{}); resp.Code != 303 || ordersFlashOf(resp) != "success:orders.flash.refresh_queued" {
			t.Errorf("refresh: %d %q", resp.Code, ordersFlashOf(resp))
		}

		// A placed order IWS refuses to cancel: the refusal in IWS's words, and the timeline
		// keeps it.
		o = w.order(t, w.placed.ID)
		o.State, o.IntcomexStatus = store.OrderPlaced, 1
		if _, err := w.st.SaveOrder(t.Context(), o); err != nil {
			t.Fatal(err)
		}
		w.iws.set(true)
		resp = post(placed+"/cancel", url.Values{"confirmed": {"yes"}})
		if resp.Code != 409 || !strings.Contains(resp.Body.String(), "IWS refused to cancel Intcomex order IX2: the order has shipped") ||
			!strings.Contains(resp.Body.String(), `data-kind="cancel"`) {
			t.Errorf("refused cancel: %d %s", resp.Code, resp.Body)
		}
		// Through the API the refusal is 409 "refused".
		api := w.f.do(t, w.f.as(admin, req{method: "POST", path: "/api/v1" + placed + "/cancel"}))
		if api.Code != 409 {
			t.Fatalf("api refused cancel: %d %s", api.Code, api.Body)
		}
		checkAPIError(t, api, CodeRefused)

		// IWS now cancels: the order is cancelled at IWS and its write-back queued.
		w.iws.set(false)
		resp = post(placed+"/cancel", url.Values{"confirmed": {"yes"}})
		if resp.Code != 303 || ordersFlashOf(resp) != "success:orders.flash.cancelled_at_iws" || w.order(t, w.placed.ID).State != store.OrderCancelled {
			t.Errorf("cancel at IWS: %d %q %s", resp.Code, ordersFlashOf(resp), resp.Body)
		}
		if got := w.iws.cancelledNumbers(); !slices.Equal(got, []string{"IX2"}) {
			t.Errorf("IWS cancelled %v", got)
		}
	})
}

func TestOrderActionsAPI(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		held := "/api/v1" + orderURL(w.shop.ID, w.held.StorefrontOrderID)
		// A JSON body accepts the cost.
		api := w.f.do(t, w.f.as(admin, req{method: "POST", path: held + "/retry", headers: map[string]string{"Content-Type": "application/json"}}))
		if api.Code != 400 {
			t.Errorf("empty JSON body: %d %s", api.Code, api.Body)
		}
		r := httptest.NewRequest("POST", held+"/retry", strings.NewReader(`{"accept_cost":true}`))
		r.Header.Set("Content-Type", "application/json")
		r.AddCookie(session(w.f.adminSession))
		resp := httptest.NewRecorder()
		w.f.router.ServeHTTP(resp, r)
		var got struct {
			Action string          `json:"action"`
			From   string          `json:"from"`
			Order  orders.ListItem `json:"order"`
			JobID  int64           `json:"job_id"`
			Job    string          `json:"job"`
		}
		if err := json.Unmarshal(resp.Body.Bytes(), &got); err != nil || resp.Code != 200 || got.Action != "retry" || got.From != store.OrderHeld ||
			got.Order.State != store.OrderReceived || got.JobID == 0 || got.Job != orders.TrackEnqueued {
			t.Errorf("api retry: %d %s", resp.Code, resp.Body)
		}
		// Unknown action, unknown order.
		for path, want := range map[string]int{held + "/frobnicate": 404, "/api/v1/orders/1/nope/retry": 404, "/api/v1/orders/1/retry": 404} {
			if resp := w.f.do(t, w.f.as(admin, req{method: "POST", path: path})); resp.Code != want {
				t.Errorf("%s: %d, want %d", path, resp.Code, want)
			}
		}
		// The cancellation of an order placed and still open at IWS.
		o := w.order(t, w.placed.ID)
		o.State, o.IntcomexStatus = store.OrderPlaced, 1
		if _, err := w.st.SaveOrder(t.Context(), o); err != nil {
			t.Fatal(err)
		}
		placed := "/api/v1" + orderURL(w.shop.ID, w.placed.StorefrontOrderID)
		resp = w.f.do(t, w.f.as(admin, req{method: "POST", path: placed + "/cancel"}))
		var c orderActionResult
		if err := json.Unmarshal(resp.Body.Bytes(), &c); err != nil || resp.Code != 200 || !c.AtIWS || c.From != store.OrderPlaced ||
			c.Order == nil || c.Order.State != store.OrderCancelled || c.JobID == 0 {
			t.Errorf("api cancel: %d %s", resp.Code, resp.Body)
		}
		if got := w.iws.cancelledNumbers(); !slices.Equal(got, []string{"IX2"}) {
			t.Errorf("IWS cancelled %v", got)
		}
		if w.job(t, orders.KindTrackOrder, w.placed.ID) == nil {
			t.Error("the cancellation's write-back is not queued")
		}
	})
}

// Every state and timeline kind has its words in both languages.
func TestOrdersStateAndKindWords(t *testing.T) {
	t.Parallel()
	cs, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{store.OrderEventWebhook, store.OrderEventValidation, store.OrderEventPlacement, store.OrderEventStatus,
		store.OrderEventWriteback, store.OrderEventHold, store.OrderEventSweep, store.OrderEventRetry, store.OrderEventCancel, store.OrderEventNote}
	var keys []string
	for _, s := range store.OrderStates {
		keys = append(keys, "orders.state."+s)
	}
	for _, k := range kinds {
		keys = append(keys, "orders.kind."+k)
	}
	for _, s := range logsSystems {
		keys = append(keys, "logs.system."+s)
	}
	for _, o := range logsOutcomes {
		keys = append(keys, "logs.outcome."+string(o))
	}
	for _, k := range append(keys, "orders.flash.refresh_enqueued", "orders.flash.refresh_forward", "orders.flash.refresh_queued",
		"orders.flash.retried", "orders.flash.retried_queued", "orders.flash.cancelled", "orders.flash.cancelled_at_iws", "orders.flash.cancelled_no_writeback") {
		if !cs.has(k) {
			t.Errorf("no %q", k)
		}
	}
}

// The list's paging links: previous and next keep the filter; past the end leads back.
func TestOrdersListLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		target      string
		page        store.Page
		shown       int
		total       int64
		prev, next  string
		from, to    int
		current, of int
	}{
		{"first", "/orders?shop=2", store.Page{Limit: 10, Sort: "created", Desc: true}, 10, 25, "", "/orders?page=2&shop=2", 1, 10, 1, 3},
		{"middle", "/orders?page=2&shop=2", store.Page{Limit: 10, Offset: 10, Sort: "created", Desc: true}, 10, 25, "/orders?page=1&shop=2", "/orders?page=3&shop=2", 11, 20, 2, 3},
		{"last", "/orders?page=3", store.Page{Limit: 10, Offset: 20}, 5, 25, "/orders?page=2", "", 21, 25, 3, 3},
		{"past the end", "/orders?page=9", store.Page{Limit: 10, Offset: 80}, 0, 25, "/orders?page=3", "", 0, 0, 9, 3},
		{"empty", "/orders", store.Page{Limit: 10}, 0, 0, "", "", 0, 0, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := ordersGinContext(tt.target)
			pg, sorts := ordersListLinks(c, tt.page, tt.shown, tt.total, store.OrderSorts)
			if pg.PrevURL != tt.prev || pg.NextURL != tt.next || pg.From != tt.from || pg.To != tt.to || pg.Page != tt.current || pg.Pages != tt.of {
				t.Errorf("pager %+v", pg)
			}
			if len(sorts) != len(store.OrderSorts) || !strings.Contains(sorts["state"].URL, "sort=state") {
				t.Errorf("sorts %+v", sorts)
			}
		})
	}
}

// ordersGinContext is a gin context of a GET of target.
func ordersGinContext(target string) (*gin.Context, *httptest.ResponseRecorder) {
	resp := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(resp)
	c.Request = httptest.NewRequest(http.MethodGet, target, nil)
	return c, resp
}
