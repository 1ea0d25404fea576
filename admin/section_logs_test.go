package admin

import (
	"encoding/csv"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
)

func init() {
	pageSamples["logs"] = logsListData{Form: logsForm{System: "iws", Outcome: "4xx", Sort: "status"}, Errors: ordersFieldErrors{"status": "bad", "dir": "bad"},
		Systems: logsSystems, HTTPMethods: logsHTTPMethods, Outcomes: logsOutcomes, Shops: []ordersShopOption{{ID: 1, Name: "Tienda"}},
		Rows: []logsRow{{ID: 1, System: "iws", Method: "getcatalog", HTTPMethod: "GET", Path: "/v1/getcatalog", Status: 200, ShopID: 1, ShopName: "Tienda",
			OrderID: "3", OrderURL: "/logs?order=3", SyncRunID: "r1"}, {ID: 2, Failed: true, Error: "timeout"}},
		Pager: ordersPager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}, Sort: map[string]ordersSortLink{"created": {URL: "/logs?sort=created", Aria: "descending"}},
		CSVURL: "/logs.csv", CSVBodies: "/logs.csv?bodies=1"}
	call := store.APICall{ID: 5, System: "iws", Method: "placeorder", HTTPMethod: "POST", URL: "https://iws.example/v1/placeorder", Error: "x",
		ShopID: 1, OrderID: "3", JobID: "4", SyncRunID: "r", AccountID: 1, RequestHeaders: "A: b"}
	pageSamples["logs_detail"] = logsCallData{C: call, Failed: true, ShopName: "Tienda", Request: logsBodyOf(`{"a":1}`, "A: b", true),
		Response: logsBodyOf("", "", false), OrderURL: "/orders/1/3", OrderLogsURL: "/logs?order=3", JobLogsURL: "/logs?job=4", RunLogsURL: "/logs?run=r"}
}

func TestLogsList(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		place, wb, cat, na := w.placeOrder.ID, w.writeBack.ID, w.catalog.ID, w.noAnswer.ID
		order := strconv.FormatInt(w.placed.ID, 10)
		tests := []struct {
			name, query string
			want        []string
		}{
			{"newest first", "", ordersIDs(na, cat, wb, place)},
			{"system", "system=iws", ordersIDs(cat, place)},
			{"method", "method=GetCatalog", ordersIDs(cat)},
			{"http method", "http_method=put", ordersIDs(wb)},
			{"status", "status=500", ordersIDs(wb)},
			{"2xx", "outcome=2xx", ordersIDs(cat, place)},
			{"no answer", "outcome=error", ordersIDs(na)},
			{"failed", "outcome=failed", ordersIDs(na, wb)},
			{"order", "order=" + order, ordersIDs(wb, place)},
			{"sync run", "run=run-7", ordersIDs(cat)},
			{"job", "job=21", ordersIDs(wb, place)},
			{"shop", "shop=" + strconv.FormatInt(w.shop2.ID, 10), ordersIDs(na)},
			{"text", "q=wp-json", ordersIDs(wb)},
			{"days", "from=2026-02-27&to=2026-02-28", ordersIDs(cat)},
			{"since a day", "from=2026-03-01", ordersIDs(na, wb, place)},
			{"slowest first", "sort=duration&dir=desc", ordersIDs(na, cat, place, wb)},
			{"by status", "sort=status&dir=asc", ordersIDs(na, place, cat, wb)},
			{"page 2", "per=3&page=2", ordersIDs(place)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := ordersRowIDs(w.f.get(t, support, "/logs?"+tt.query), "data-call-id"); !slices.Equal(got, tt.want) {
					t.Errorf("rows %v, want %v", got, tt.want)
				}
				api := w.f.do(t, w.f.as(support, req{method: "GET", path: "/api/v1/logs?" + tt.query}))
				var page ordersPageJSON[logsCallJSON]
				if err := json.Unmarshal(api.Body.Bytes(), &page); err != nil || api.Code != 200 {
					t.Fatalf("api %d %v", api.Code, err)
				}
				var got []string
				for _, c := range page.Items {
					got = append(got, strconv.FormatInt(c.ID, 10))
					if c.Request != nil || c.Response != nil {
						t.Errorf("the list carries bodies: %+v", c)
					}
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("api rows %v, want %v", got, tt.want)
				}
			})
		}
		body := w.f.do(t, w.f.as(admin, req{method: "GET", path: "/logs?system=iws&per=1"})).Body.String()
		for _, want := range []string{`<table id="logs"`, `href="/logs/` + strconv.FormatInt(cat, 10) + `"`, "<code>GET /v1/getcatalog</code>",
			`href="/logs.csv?system=iws"`, `href="/logs.csv?bodies=1&amp;system=iws"`, `href="/logs?page=2&amp;per=1&amp;system=iws"`, "run run-7"} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		body = w.f.do(t, w.f.as(admin, req{method: "GET", path: "/logs?order=" + order})).Body.String()
		if !strings.Contains(body, `href="/logs?order=`+order+`"`) || !strings.Contains(body, "Tienda") || !strings.Contains(body, `class="status-bad">500`) {
			t.Errorf("order's calls: %s", body)
		}
	})
}

func TestLogsListValidation(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		tests := []struct{ query, field, message string }{
			{"system=sap", "system", `&#34;sap&#34; is not a system; the systems are iws, woocommerce, shopify`},
			{"http_method=BREW", "http-method", `&#34;BREW&#34; is not an HTTP method`},
			{"status=99", "status", `&#34;99&#34; is not an HTTP status`},
			{"outcome=6xx", "outcome", `&#34;6xx&#34; is not an outcome`},
			{"order=1%3B%20DROP", "order", `is not an id`},
			{"to=tomorrow", "to", `&#34;tomorrow&#34; is not a date`},
			{"shop=-1", "shop", `&#34;-1&#34; is not a shop id`},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				resp := w.f.do(t, w.f.as(support, req{method: "GET", path: "/logs?" + tt.query}))
				body := resp.Body.String()
				if resp.Code != 400 || !strings.Contains(body, tt.message) || !strings.Contains(body, `id="logs-`+tt.field+`-error"`) {
					t.Fatalf("status %d, want 400 with %q beside %s: %s", resp.Code, tt.message, tt.field, body)
				}
				for _, path := range []string{"/api/v1/logs?", "/api/v1/logs.csv?"} {
					api := w.f.do(t, w.f.as(support, req{method: "GET", path: path + tt.query}))
					if api.Code != 400 {
						t.Fatalf("%s: status %d", path, api.Code)
					}
					checkAPIError(t, api, "invalid")
				}
				// The CSV export of a bad filter shows the list with its errors, not a file.
				csvPage := w.f.do(t, w.f.as(support, req{method: "GET", path: "/logs.csv?" + tt.query}))
				if csvPage.Code != 400 || csvPage.Header().Get("Content-Disposition") != "" || !strings.Contains(csvPage.Body.String(), tt.message) {
					t.Errorf("csv of a bad filter: %d %q", csvPage.Code, csvPage.Header().Get("Content-Disposition"))
				}
			})
		}
	})
}

func TestLogsCSV(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		resp := w.f.do(t, w.f.as(support, req{method: "GET", path: "/logs.csv?outcome=failed"}))
		if resp.Code != 200 || resp.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
			resp.Header().Get("Content-Disposition") != `attachment; filename="api-calls-20260301-120000.csv"` {
			t.Fatalf("csv %d %v", resp.Code, resp.Header())
		}
		rows, err := csv.NewReader(resp.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || !slices.Equal(rows[0], logsCSVHeader) {
			t.Fatalf("rows %v", rows)
		}
		na := rows[1]
		if na[0] != strconv.FormatInt(w.noAnswer.ID, 10) || na[2] != "shopify" || na[6] != "0" || na[8] != `'=HYPERLINK("http://evil.example")` ||
			na[14] != strconv.FormatInt(w.shop2.ID, 10) || na[13] != "" {
			t.Errorf("no-answer row %q", na)
		}
		if _, err := time.Parse(time.RFC3339Nano, na[1]); err != nil {
			t.Errorf("created_at %q: %v", na[1], err)
		}
		if rows[2][0] != strconv.FormatInt(w.writeBack.ID, 10) || rows[2][6] != "500" || rows[2][11] != strconv.FormatInt(w.placed.ID, 10) {
			t.Errorf("write-back row %q", rows[2])
		}

		// With bodies, through the API with a token.
		resp = w.f.do(t, req{method: "GET", path: "/api/v1/logs.csv?bodies=1&system=iws&method=placeorder", headers: map[string]string{"Authorization": "Bearer " + supportToken}})
		rows, err = csv.NewReader(resp.Body).ReadAll()
		if err != nil || resp.Code != 200 || len(rows) != 2 || len(rows[0]) != len(logsCSVHeader)+len(logsCSVBodies) {
			t.Fatalf("csv with bodies %d %v %v", resp.Code, rows, err)
		}
		row := rows[1]
		if row[16] != w.placeOrder.RequestBody || row[19] != w.placeOrder.ResponseBody || row[15] != "Content-Type: application/json" || row[17] != "false" {
			t.Errorf("bodies %q", row)
		}

		// Nothing matches: the header alone.
		resp = w.f.do(t, w.f.as(admin, req{method: "GET", path: "/logs.csv?from=2027-01-01"}))
		if rows, err := csv.NewReader(resp.Body).ReadAll(); err != nil || len(rows) != 1 {
			t.Errorf("empty export %v %v", rows, err)
		}
	})
}

func TestLogsCall(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		id := strconv.FormatInt(w.placeOrder.ID, 10)
		resp := w.f.do(t, w.f.as(support, req{method: "GET", path: "/logs/" + id}))
		body := resp.Body.String()
		if resp.Code != 200 {
			t.Fatalf("status %d: %s", resp.Code, body)
		}
		for _, want := range []string{"API call " + id, `id="call-request"`, `id="call-response"`, "Content-Type: application/json",
			"{\n  &#34;CustomerOrderNumber&#34;: &#34;W1N1002&#34;,", "&#34;OrderNumber&#34;: &#34;IX2&#34;", `class="body json"`,
			`href="` + orderURL(w.shop.ID, "1002") + `"`, `href="/logs?order=` + strconv.FormatInt(w.placed.ID, 10) + `"`, `href="/logs?job=21"`,
			"Tienda", "POST https://iws.example/v1/placeorder?apiKey=k&amp;signature=REDACTED", `class="status-ok" id="call-status">200`} {
			if !strings.Contains(body, want) {
				t.Errorf("call page lacks %q", want)
			}
		}
		ordersCheckNoWriteControls(t, body)
		// A text body is shown escaped, as it is.
		body = w.f.do(t, w.f.as(support, req{method: "GET", path: "/logs/" + strconv.FormatInt(w.catalog.ID, 10)})).Body.String()
		if !strings.Contains(body, "plain &lt;script&gt;alert(1)&lt;/script&gt; text") || strings.Contains(body, "<script>alert") ||
			!strings.Contains(body, `href="/logs?run=run-7"`) || !strings.Contains(body, "No body.") {
			t.Errorf("text body: %s", body)
		}
		// A call without an answer.
		body = w.f.do(t, w.f.as(support, req{method: "GET", path: "/logs/" + strconv.FormatInt(w.noAnswer.ID, 10)})).Body.String()
		if !strings.Contains(body, `id="call-error"`) || !strings.Contains(body, "no answer") {
			t.Errorf("no-answer call: %s", body)
		}
		for _, path := range []string{"/logs/999999", "/logs/abc", "/logs/0"} {
			if resp := w.f.do(t, w.f.as(support, req{method: "GET", path: path})); resp.Code != 404 {
				t.Errorf("%s: %d", path, resp.Code)
			}
			api := w.f.do(t, w.f.as(support, req{method: "GET", path: "/api/v1" + path}))
			if api.Code != 404 {
				t.Errorf("api %s: %d", path, api.Code)
			} else {
				checkAPIError(t, api, "not_found")
			}
		}

		// The API: the call with its headers and bodies as stored.
		api := w.f.do(t, w.f.as(support, req{method: "GET", path: "/api/v1/logs/" + id}))
		var got logsCallJSON
		dec := json.NewDecoder(api.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil || api.Code != 200 {
			t.Fatalf("api %d %v", api.Code, err)
		}
		if got.ID != w.placeOrder.ID || got.System != "iws" || got.Status != 200 || got.DurationMS != 180 || got.Request == nil ||
			got.Request.Body != w.placeOrder.RequestBody || got.Response == nil || got.Response.Body != w.placeOrder.ResponseBody ||
			got.OrderID != strconv.FormatInt(w.placed.ID, 10) || got.JobID != "21" || got.ShopID != w.shop.ID || got.AccountID == 0 {
			t.Errorf("api call %+v", got)
		}
	})
}

func TestLogsCell(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "", "=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"https://x": "https://x", "getcatalog": "getcatalog", `{"a":1}`: `{"a":1}`} {
		if got := logsCell(in); got != want {
			t.Errorf("logsCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOrdersAndLogsPagesMarkup: the pages of both sections, in both languages, carry no inline
// script or style (the CSP forbids them), label every control, give every button text, and keep
// the ids browser tests find them by.
func TestOrdersAndLogsPagesMarkup(t *testing.T) {
	t.Parallel()
	eachOrdersWorld(t, func(t *testing.T, w *ordersWorld) {
		control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
		idRE := regexp.MustCompile(`\bid="([^"]+)"`)
		pages := map[string][]string{
			"/orders":                                {`id="orders-search"`, `id="orders-filter"`, `<table id="orders"`, `data-order-id=`, `id="orders-held"`},
			orderURL(w.shop.ID, "1001"):              {`id="order-timeline"`, `id="order-retry"`, `id="order-cancel"`, `id="order-refresh"`, `id="order-accept-cost"`, `id="order-summary"`},
			"/logs":                                  {`id="logs-filter"`, `<table id="logs"`, `data-call-id=`, `id="logs-csv"`},
			"/logs/" + ordersIDs(w.placeOrder.ID)[0]: {`id="call-request"`, `id="call-response"`, `id="call-summary"`},
			"/orders?state=nope":                     {`id="orders-state-error"`},
			"/logs?status=1":                         {`id="logs-status-error"`},
		}
		for path, want := range pages {
			for _, lang := range []string{"en", "es"} {
				resp := w.f.do(t, w.f.as(admin, req{method: "GET", path: path, headers: map[string]string{"Accept-Language": lang}}))
				body := resp.Body.String()
				for _, bad := range []string{"<script>", "style=", "<style", "onclick", "onsubmit", "onchange", "javascript:", "[["} {
					if strings.Contains(body, bad) {
						t.Errorf("%s (%s) has %q", path, lang, bad)
					}
				}
				for _, c := range control.FindAllString(body, -1) {
					if strings.Contains(c, `type="hidden"`) || strings.Contains(c, "aria-label=") {
						continue
					}
					m := idRE.FindStringSubmatch(c)
					if m == nil || !strings.Contains(body, `<label for="`+m[1]+`">`) {
						t.Errorf("%s: control without a label: %s", path, c)
					}
				}
				if strings.Contains(body, "></button>") {
					t.Errorf("%s: a button without text", path)
				}
				for _, s := range want {
					if !strings.Contains(body, s) {
						t.Errorf("%s (%s) lacks %s", path, lang, s)
					}
				}
			}
		}
		// Spanish.
		body := w.f.do(t, w.f.as(admin, req{method: "GET", path: "/orders", headers: map[string]string{"Accept-Language": "es"}})).Body.String()
		if !strings.Contains(body, "Pedido de Intcomex") || !strings.Contains(body, "retenido") {
			t.Errorf("orders in Spanish: %s", body)
		}
	})
}
