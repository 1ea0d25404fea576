package admin

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

func init() {
	row := orders.ReportRow{Order: store.Order{ID: 1, ShopID: 9, State: "invoiced", IntcomexTotal: "1.00", InvoiceURL: "https://x.example/i.pdf",
		PlacedAt: dashEpoch}, InvoicedAt: dashEpoch}
	pageSamples["reports"] = reportsPageData{
		Query: reportQuery{Month: "2026-03", Shop: "x", Limit: reportPageSize, Offset: 100, Errors: map[string]string{"month": "bad", "shop": "bad",
			"state": "bad", "sort": "bad", "offset": "bad", "limit": "bad"}},
		MonthOK: true, Rows: []reportView{{ReportRow: row}}, Matched: 300, All: 300, Totals: []reportTotalView{{Currency: "", Sum: "1.00", Orders: 1}},
		Unpriced: 1, Shops: []store.Shop{{ID: 9, Name: "S"}}, States: store.OrderStates, Sorts: reportSorts, Prev: "2026-02", Next: "2026-04",
	}
}

func reportsFixture(t *testing.T, w *dashWorld) *fixture {
	t.Helper()
	return dashFixture(t, w, func(c *UIConfig) { c.Reports = ReportsDeps{Store: w.st} })
}

func TestReportsRoutesByRole(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		f := reportsFixture(t, seedDash(t, st, clock))
		tests := []struct {
			path     string
			want     [3]int
			location string
		}{
			{"/reports", [3]int{303, 200, 200}, "/login?next=%2Freports"},
			{"/reports/orders.csv?month=2026-03", [3]int{303, 200, 200}, "/login?next=%2Freports%2Forders.csv%3Fmonth%3D2026-03"},
			{"/api/v1/reports/orders?month=2026-03", [3]int{401, 200, 200}, ""},
		}
		for _, tt := range tests {
			for who := anonymous; who <= admin; who++ {
				resp := f.do(t, f.as(who, req{method: "GET", path: tt.path}))
				if resp.Code != tt.want[who] {
					t.Errorf("%s as %s: %d, want %d", tt.path, who, resp.Code, tt.want[who])
				}
				if who == anonymous && resp.Header().Get("Location") != tt.location {
					t.Errorf("%s: Location %q", tt.path, resp.Header().Get("Location"))
				}
				if resp.Code == 401 {
					checkAPIError(t, resp, "unauthorized")
				}
			}
		}
		// Reports change nothing: no role gets a write control.
		for who := support; who <= admin; who++ {
			body := f.do(t, f.as(who, req{method: "GET", path: "/reports"})).Body.String()
			if strings.Count(body, `method="post"`) != 2 { // the layout's sign-out and language forms
				t.Errorf("%s: a form that changes something: %s", who, body)
			}
		}
	})
}

func TestReportsPage(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		f := reportsFixture(t, w)
		for _, lang := range []string{"en", "es"} {
			body := f.getIn(t, support, lang, "/reports")
			for _, want := range []string{`id="report-month" name="month" value="2026-03"`, `<label for="report-month">`,
				`id="report-csv" href="/reports/orders.csv?month=2026-03"`, `data-testid="report-order-` + dashID(w.placed.ID) + `"`,
				`data-testid="report-total-USD"`, "USD 99.50", "IX1001", "INV-7", "2026-03-08 12:00 UTC", "Tienda Uno",
				`href="/reports?month=2026-02"`, `href="/reports?month=2026-04"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: no %s", lang, want)
				}
			}
		}
		tests := []struct {
			query  string
			status int
			rows   int
			text   string
		}{
			{"month=2026-03&state=invoiced", 200, 1, ""},
			{"month=2026-03&state=held", 200, 0, "No order was placed with Intcomex in 2026-03"},
			{"month=2026-03&shop=" + dashID(w.memory.ID), 200, 0, ""},
			{"month=2026-03&sort=shop&dir=desc", 200, 1, `aria-sort="descending"`},
			{"month=2026-02", 200, 0, "No order was placed with Intcomex in 2026-02"},
			{"month=2026-03&offset=1", 200, 0, ""},
			{"month=March", 400, 0, `<p class="field-error" id="report-month-error">&#34;March&#34; is not a month such as 2026-11</p>`},
			{"month=2026-03&state=lost", 400, 1, `<p class="field-error" id="report-state-error">&#34;lost&#34; is not an order state.</p>`},
			{"month=2026-03&shop=999", 400, 1, `id="report-shop-error"`},
			{"month=2026-03&sort=size", 400, 1, `id="report-sort-error"`},
			{"month=2026-03&limit=0", 400, 1, `is not a page size`},
		}
		for _, tt := range tests {
			resp := f.do(t, f.as(admin, req{method: "GET", path: "/reports?" + tt.query}))
			body := resp.Body.String()
			if resp.Code != tt.status || strings.Count(body, `data-testid="report-order-`) != tt.rows || !strings.Contains(body, tt.text) {
				t.Errorf("%s: %d, %d rows, want %d, %d rows and %q: %s", tt.query, resp.Code, strings.Count(body, `data-testid="report-order-`),
					tt.status, tt.rows, tt.text, body)
			}
		}
	})
}

func TestReportsCSVAndAPI(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		f := reportsFixture(t, w)
		resp := f.do(t, f.as(support, req{method: "GET", path: "/reports/orders.csv?month=2026-03"}))
		if resp.Code != 200 || resp.Header().Get("Content-Disposition") != `attachment; filename="intcomex-orders-2026-03.csv"` ||
			!strings.HasPrefix(resp.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("%d %v", resp.Code, resp.Header())
		}
		if !strings.Contains(resp.Body.String(), "\r\n") {
			t.Error("CSV lines do not end in CRLF")
		}
		records, err := csv.NewReader(strings.NewReader(resp.Body.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{orders.ReportHeader, {dashID(w.woo.ID), "1001", "#1001", "W1N1001", "IX1001", "2026-03-07T12:00:00Z",
			"2026-03-07T12:01:00Z", "2026-03-08T12:00:00Z", "invoiced", "5", "99.5000", "USD", "INV-7", ""}}
		if len(records) != 2 || strings.Join(records[0], ",") != strings.Join(want[0], ",") || strings.Join(records[1], ",") != strings.Join(want[1], ",") {
			t.Errorf("CSV = %q, want %q", records, want)
		}
		if resp := f.do(t, f.as(support, req{method: "GET", path: "/reports/orders.csv?month=2026-13"})); resp.Code != 400 ||
			!strings.Contains(resp.Body.String(), "is not a month such as 2026-11") {
			t.Errorf("bad month CSV: %d %s", resp.Code, resp.Body)
		}

		// The page's filters narrow the CSV (every page of what the page lists).
		wooCSV := fmt.Sprintf("/reports/orders.csv?month=2026-03&shop=%d&state=invoiced", w.woo.ID)
		resp = f.do(t, f.as(support, req{method: "GET", path: wooCSV}))
		if records, _ := csv.NewReader(strings.NewReader(resp.Body.String())).ReadAll(); resp.Code != 200 || len(records) != 2 ||
			resp.Header().Get("Content-Disposition") != fmt.Sprintf(`attachment; filename="intcomex-orders-2026-03-shop-%d-invoiced.csv"`, w.woo.ID) {
			t.Errorf("CSV of the Woo shop's invoiced orders: %d %v %q", resp.Code, resp.Header(), records)
		}
		resp = f.do(t, f.as(support, req{method: "GET", path: fmt.Sprintf("/reports/orders.csv?month=2026-03&shop=%d", w.memory.ID)}))
		if records, _ := csv.NewReader(strings.NewReader(resp.Body.String())).ReadAll(); resp.Code != 200 || len(records) != 1 {
			t.Errorf("CSV of a shop without orders that month: %d %q, want the header alone", resp.Code, records)
		}
		resp = f.do(t, f.as(support, req{method: "GET", path: "/reports/orders.csv?month=2026-03&state=lost&shop=99999"}))
		if body := resp.Body.String(); resp.Code != 400 || !strings.Contains(body, "shop: ") || !strings.Contains(body, "state: ") {
			t.Errorf("CSV with a wrong shop and state: %d %s", resp.Code, body)
		}
		page := f.do(t, f.as(support, req{method: "GET", path: fmt.Sprintf("/reports?month=2026-03&shop=%d&state=invoiced", w.woo.ID)})).Body.String()
		for _, s := range []string{fmt.Sprintf(`id="report-csv" href="/reports/orders.csv?month=2026-03&amp;shop=%d&amp;state=invoiced"`, w.woo.ID),
			`id="report-csv-month" href="/reports/orders.csv?month=2026-03"`, "Download the filtered orders as CSV (1)"} {
			if !strings.Contains(page, s) {
				t.Errorf("filtered page lacks %s", s)
			}
		}
		resp = f.do(t, f.as(support, req{method: "GET", path: fmt.Sprintf("/api/v1/reports/orders?month=2026-03&shop=%d", w.memory.ID)}))
		if body := resp.Body.String(); resp.Code != 200 || !strings.Contains(body, `"orders":[]`) || !strings.Contains(body, `"sum":"99.50"`) {
			t.Errorf("API for a shop without orders that month: %d %s, want no order and the month's totals", resp.Code, body)
		}
		resp = f.do(t, f.as(support, req{method: "GET", path: "/api/v1/reports/orders?month=2026-03&state=lost"}))
		if resp.Code != 400 || !strings.Contains(resp.Body.String(), "state: ") {
			t.Errorf("API with a wrong state: %d %s", resp.Code, resp.Body)
		}

		resp = f.do(t, f.as(support, req{method: "GET", path: "/api/v1/reports/orders?month=2026-03"}))
		var got struct {
			Month  string `json:"month"`
			Orders []struct {
				ShopID              int64      `json:"shop_id"`
				StorefrontOrderID   string     `json:"storefront_order_id"`
				IntcomexOrderNumber string     `json:"intcomex_order_number"`
				PaidAt              *time.Time `json:"paid_at"`
				PlacedAt            *time.Time `json:"placed_at"`
				InvoicedAt          *time.Time `json:"invoiced_at"`
				State               string     `json:"state"`
				IntcomexStatus      int        `json:"intcomex_status"`
				IntcomexTotal       string     `json:"intcomex_total"`
				InvoiceURL          string     `json:"invoice_url"`
			} `json:"orders"`
			Totals []struct {
				Currency string `json:"currency"`
				Sum      string `json:"sum"`
				Orders   int    `json:"orders"`
			} `json:"totals"`
			Unpriced int `json:"unpriced"`
		}
		if err := json.Unmarshal(resp.Body.Bytes(), &got); err != nil || resp.Code != 200 {
			t.Fatalf("%d %s", resp.Code, resp.Body)
		}
		if got.Month != "2026-03" || len(got.Orders) != 1 || got.Orders[0].IntcomexOrderNumber != "IX1001" || got.Orders[0].IntcomexStatus != 5 ||
			got.Orders[0].InvoicedAt == nil || !got.Orders[0].InvoicedAt.Equal(w.invoiced) || got.Orders[0].IntcomexTotal != "99.5000" ||
			len(got.Totals) != 1 || got.Totals[0].Sum != "99.50" || got.Totals[0].Currency != "USD" || got.Totals[0].Orders != 1 {
			t.Errorf("report = %+v", got)
		}
		resp = f.do(t, f.as(support, req{method: "GET", path: "/api/v1/reports/orders?month=2026-02"}))
		if body := resp.Body.String(); resp.Code != 200 || !strings.Contains(body, `"orders":[]`) || !strings.Contains(body, `"totals":[]`) {
			t.Errorf("empty month: %d %s", resp.Code, body)
		}
		resp = f.do(t, f.as(support, req{method: "GET", path: "/api/v1/reports/orders?month=soon"}))
		if resp.Code != 400 || !strings.Contains(resp.Body.String(), "is not a month such as 2026-11") {
			t.Errorf("bad month: %d %s", resp.Code, resp.Body)
		}
		checkAPIError(t, resp, "invalid")
	})
}
