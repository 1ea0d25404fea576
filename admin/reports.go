package admin

import (
	"bytes"
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

// The register's table: sort keys and page size (the CSV and the API have every row).
var reportSorts = []string{"placed", "paid", "shop", "state", "intcomex_order"}

const (
	reportPageSize    = 100
	reportMaxPageSize = 500
)

// reportQuery is the reports page's query, with a message beside each wrong field.
type reportQuery struct {
	Month, Shop, State, Sort, Dir string
	Offset, Limit                 int
	Errors                        map[string]string
}

// reportMonth reads the month parameter (default: the current month, UTC); the error is the
// core's message, as `connector orders report --month` prints it.
func (u *UI) reportMonth(c *gin.Context) (string, time.Time, error) {
	raw := strings.TrimSpace(c.Query("month"))
	if raw == "" {
		raw = u.now().UTC().Format("2006-01")
	}
	m, err := orders.ParseReportMonth(raw)
	return raw, m, err
}

// URL is the page's address with the query changed by name/value pairs ("" drops one).
func (q reportQuery) URL(set ...string) string {
	v := listValues("month", q.Month, "shop", q.Shop, "state", q.State, "sort", q.Sort, "dir", q.Dir)
	listPaging(v, q.Offset, q.Limit, reportPageSize)
	listSet(v, set...)
	return "/reports?" + v.Encode()
}

// SortURL sorts by key: ascending first, descending when already ascending by it.
func (q reportQuery) SortURL(key string) string {
	dir := "asc"
	if q.sortKey() == key && q.Dir != "desc" {
		dir = "desc"
	}
	return q.URL("sort", key, "dir", dir, "offset", "")
}

// SortState is a column's aria-sort value.
func (q reportQuery) SortState(key string) string {
	switch {
	case q.sortKey() != key:
		return "none"
	case q.Dir == "desc":
		return "descending"
	}
	return "ascending"
}

func (q reportQuery) sortKey() string { return cmp.Or(q.Sort, "placed") }

// CSVURL is the CSV download of the orders the page lists (every page of them).
func (q reportQuery) CSVURL() string {
	v := listValues("month", q.Month, "shop", q.Shop, "state", q.State, "sort", q.Sort, "dir", q.Dir)
	return "/reports/orders.csv?" + v.Encode()
}

// MonthCSVURL is the CSV download of the whole month.
func (q reportQuery) MonthCSVURL() string {
	return "/reports/orders.csv?month=" + url.QueryEscape(q.Month)
}

// Filtered reports whether the page leaves orders of the month out.
func (q reportQuery) Filtered() bool { return q.Shop != "" || q.State != "" }

// reportView is one order of the register as the page shows it.
type reportView struct {
	orders.ReportRow
	ShopName string
}

func (r reportView) Paid() string     { return dashTime(r.Order.PaidAt) }
func (r reportView) Placed() string   { return dashTime(r.Order.PlacedAt) }
func (r reportView) Invoiced() string { return dashTime(r.InvoicedAt) }

// reportTotalView is a currency's total as the page shows it.
type reportTotalView struct {
	Currency string
	Sum      string
	Orders   int
}

// reportsPageData is the reports page's data.
type reportsPageData struct {
	Query    reportQuery
	MonthOK  bool
	Rows     []reportView // the page's rows
	Matched  int          // rows the filters match
	All      int          // rows of the month
	Totals   []reportTotalView
	Unpriced int
	Shops    []store.Shop
	States   []string
	Sorts    []string
	Prev     string // the previous and next months
	Next     string
}

func (d reportsPageData) PrevURL() string {
	if d.Query.Offset == 0 {
		return ""
	}
	prev := ""
	if off := d.Query.Offset - d.Query.Limit; off > 0 {
		prev = strconv.Itoa(off)
	}
	return d.Query.URL("offset", prev)
}

func (d reportsPageData) NextURL() string {
	if d.Query.Offset+len(d.Rows) >= d.Matched {
		return ""
	}
	return d.Query.URL("offset", strconv.Itoa(d.Query.Offset+d.Query.Limit))
}

func (d reportsPageData) First() int { return d.Query.Offset + 1 }
func (d reportsPageData) Last() int  { return d.Query.Offset + len(d.Rows) }

// reportsPage is GET /reports: the monthly reconciliation register (the orders placed with
// Intcomex in a month, UTC, with their invoices), filtered, sorted and paged on the server, with
// its totals per currency and the CSV download.
func (u *UI) reportsPage(c *gin.Context) {
	ctx := c.Request.Context()
	raw, month, err := u.reportMonth(c)
	q := reportQuery{Month: raw, Shop: c.Query("shop"), State: c.Query("state"), Sort: c.Query("sort"), Dir: c.Query("dir"),
		Limit: reportPageSize, Errors: map[string]string{}}
	d := reportsPageData{Query: q, States: store.OrderStates, Sorts: reportSorts}
	if err != nil {
		q.Errors["month"] = err.Error()
	}
	shops, serr := u.cfg.Reports.Store.ListShops(ctx)
	if serr != nil {
		u.log.ErrorContext(ctx, "admin: reports: shops", "err", serr)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	d.Shops = shops
	l := u.listParamsOf(c, q.Errors)
	sel := reportSelectionOf(l, &q, shops)
	q.Offset, q.Limit = l.paging(c.Query("offset"), c.Query("limit"), reportPageSize, reportMaxPageSize, "reports.error.offset", "reports.error.limit")
	d.Query = q
	status := http.StatusOK
	if len(q.Errors) > 0 {
		status = http.StatusBadRequest
	}
	if _, bad := q.Errors["month"]; bad {
		u.render(c, status, "reports", d)
		return
	}
	d.MonthOK = true
	d.Prev, d.Next = month.AddDate(0, -1, 0).Format("2006-01"), month.AddDate(0, 1, 0).Format("2006-01")
	rep, err := orders.MonthlyReport(ctx, u.cfg.Reports.Store, month)
	if err != nil {
		u.log.ErrorContext(ctx, "admin: reports", "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	rows := sel.rows(rep, shops)
	d.All, d.Matched, d.Unpriced = len(rep.Rows), len(rows), rep.Unpriced
	for _, t := range rep.Totals {
		d.Totals = append(d.Totals, reportTotalView{Currency: t.Currency, Sum: t.Sum.StringFixed(2), Orders: t.Orders})
	}
	if q.Offset < len(rows) {
		d.Rows = rows[q.Offset:min(q.Offset+q.Limit, len(rows))]
	}
	u.render(c, status, "reports", d)
}

// sortReport orders the register's rows by key; ties keep the placement order.
func sortReport(rows []reportView, key string, desc bool) {
	by := map[string]func(a, b reportView) int{
		"placed": func(a, b reportView) int { return a.Order.PlacedAt.Compare(b.Order.PlacedAt) },
		"paid":   func(a, b reportView) int { return a.Order.PaidAt.Compare(b.Order.PaidAt) },
		"shop": func(a, b reportView) int {
			return cmp.Or(strings.Compare(a.ShopName, b.ShopName), cmp.Compare(a.Order.ShopID, b.Order.ShopID))
		},
		"state": func(a, b reportView) int { return strings.Compare(a.Order.State, b.Order.State) },
		"intcomex_order": func(a, b reportView) int {
			return strings.Compare(a.Order.IntcomexOrderNumber, b.Order.IntcomexOrderNumber)
		},
	}[key]
	slices.SortStableFunc(rows, func(a, b reportView) int {
		if desc {
			return by(b, a)
		}
		return by(a, b)
	})
}

// reportSelection is the part of the register the filters choose (shop and state; 0 and ""
// choose all) and its order.
type reportSelection struct {
	shopID int64
	state  string
	sort   string
	desc   bool
}

// reportSelectionOf reads the register's shop, state, sort and dir parameters (kept in q), putting
// the problem of a wrong one beside its field and leaving it out of the selection.
func reportSelectionOf(l listParams, q *reportQuery, shops []store.Shop) reportSelection {
	var sel reportSelection
	if q.Shop != "" {
		id, err := strconv.ParseInt(q.Shop, 10, 64)
		if err != nil || !slices.ContainsFunc(shops, func(s store.Shop) bool { return s.ID == id }) {
			l.fail("shop", "reports.error.shop", q.Shop)
		} else {
			sel.shopID = id
		}
	}
	if l.choice("state", q.State, store.OrderStates, "reports.error.state", q.State) {
		sel.state = q.State
	}
	if !l.choice("sort", q.Sort, reportSorts, "reports.error.sort", q.Sort, strings.Join(reportSorts, ", ")) {
		q.Sort = ""
	}
	sel.sort, sel.desc = q.sortKey(), q.Dir == "desc"
	return sel
}

// rows are the register's rows the selection chooses, in its order.
func (sel reportSelection) rows(rep orders.Report, shops []store.Shop) []reportView {
	names := map[int64]string{}
	for _, s := range shops {
		names[s.ID] = s.Name
	}
	var rows []reportView
	for _, r := range rep.Rows {
		if (sel.shopID != 0 && r.Order.ShopID != sel.shopID) || (sel.state != "" && r.Order.State != sel.state) {
			continue
		}
		rows = append(rows, reportView{ReportRow: r, ShopName: names[r.Order.ShopID]})
	}
	sortReport(rows, sel.sort, sel.desc)
	return rows
}

// reportRegister reads the month, the filters and the register for the CSV and the API: the
// month, the selection's rows, the whole report, and the parameters' problems (by field) when
// any is wrong.
func (u *UI) reportRegister(c *gin.Context) (time.Time, []reportView, orders.Report, map[string]string, error) {
	ctx := c.Request.Context()
	raw, month, err := u.reportMonth(c)
	q := reportQuery{Month: raw, Shop: c.Query("shop"), State: c.Query("state"), Sort: c.Query("sort"), Dir: c.Query("dir"), Errors: map[string]string{}}
	if err != nil {
		q.Errors["month"] = err.Error()
	}
	shops, err := u.cfg.Reports.Store.ListShops(ctx)
	if err != nil {
		return month, nil, orders.Report{}, nil, err
	}
	sel := reportSelectionOf(u.listParamsOf(c, q.Errors), &q, shops)
	if len(q.Errors) > 0 {
		return month, nil, orders.Report{}, q.Errors, nil
	}
	rep, err := orders.MonthlyReport(ctx, u.cfg.Reports.Store, month)
	if err != nil {
		return month, nil, orders.Report{}, nil, err
	}
	return month, sel.rows(rep, shops), rep, nil, nil
}

// reportsCSV is GET /reports/orders.csv?month=YYYY-MM: the month's register as the CSV `connector
// orders report --csv` writes (the same columns), as a download. The page's filters (shop, state)
// and order (sort, dir) apply when given: the file holds the orders the page lists, all pages.
func (u *UI) reportsCSV(c *gin.Context) {
	ctx := c.Request.Context()
	month, rows, _, problems, err := u.reportRegister(c)
	if len(problems) > 0 {
		c.Data(http.StatusBadRequest, "text/plain; charset=utf-8", []byte(listProblems(problems, "\n")+"\n"))
		c.Abort()
		return
	}
	var buf bytes.Buffer
	if err == nil {
		reg := make([]orders.ReportRow, len(rows))
		for i, r := range rows {
			reg[i] = r.ReportRow
		}
		err = orders.WriteReportCSV(&buf, reg)
	}
	if err != nil {
		u.log.ErrorContext(ctx, "admin: reports CSV", "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	name := "intcomex-orders-" + month.Format("2006-01")
	if id := c.Query("shop"); id != "" {
		name += "-shop-" + id
	}
	if st := c.Query("state"); st != "" {
		name += "-" + st
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	c.Abort()
}

// apiReportOrder is one order of the register in the API: the CSV's columns, typed.
type apiReportOrder struct {
	ShopID                int64      `json:"shop_id"`
	StorefrontOrderID     string     `json:"storefront_order_id"`
	StorefrontOrderNumber string     `json:"storefront_order_number"`
	CustomerOrderNumber   string     `json:"customer_order_number"`
	IntcomexOrderNumber   string     `json:"intcomex_order_number"`
	PaidAt                *time.Time `json:"paid_at"`
	PlacedAt              *time.Time `json:"placed_at"`
	InvoicedAt            *time.Time `json:"invoiced_at"`
	State                 string     `json:"state"`
	IntcomexStatus        int        `json:"intcomex_status"`
	IntcomexTotal         string     `json:"intcomex_total"` // decimal text as IWS sent it
	IntcomexCurrency      string     `json:"intcomex_currency"`
	InvoiceNumber         string     `json:"invoice_number"`
	InvoiceURL            string     `json:"invoice_url"`
}

type apiReportTotal struct {
	Currency string `json:"currency"`
	Sum      string `json:"sum"` // decimal text, 2 places
	Orders   int    `json:"orders"`
}

// apiReport is GET /api/v1/reports/orders's answer.
type apiReport struct {
	Month    string           `json:"month"`
	Orders   []apiReportOrder `json:"orders"`
	Totals   []apiReportTotal `json:"totals"` // cancelled orders left out
	Unpriced int              `json:"unpriced"`
}

func reportTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// apiReportsOrders is GET /api/v1/reports/orders?month=YYYY-MM: the month's register and its
// totals; shop and state narrow the orders, sort and dir order them, as on the page (the totals
// stay the month's).
func (u *UI) apiReportsOrders(c *gin.Context) {
	month, rows, rep, problems, err := u.reportRegister(c)
	if len(problems) > 0 {
		u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, listProblems(problems, "; "))
		return
	}
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	out := apiReport{Month: month.Format("2006-01"), Orders: []apiReportOrder{}, Totals: []apiReportTotal{}, Unpriced: rep.Unpriced}
	for _, r := range rows {
		o := r.Order
		out.Orders = append(out.Orders, apiReportOrder{ShopID: o.ShopID, StorefrontOrderID: o.StorefrontOrderID,
			StorefrontOrderNumber: o.StorefrontOrderNumber, CustomerOrderNumber: o.CustomerOrderNumber, IntcomexOrderNumber: o.IntcomexOrderNumber,
			PaidAt: reportTime(o.PaidAt), PlacedAt: reportTime(o.PlacedAt), InvoicedAt: reportTime(r.InvoicedAt), State: o.State,
			IntcomexStatus: o.IntcomexStatus, IntcomexTotal: o.IntcomexTotal, IntcomexCurrency: o.IntcomexCurrency,
			InvoiceNumber: o.InvoiceNumber, InvoiceURL: o.InvoiceURL})
	}
	for _, t := range rep.Totals {
		out.Totals = append(out.Totals, apiReportTotal{Currency: t.Currency, Sum: t.Sum.StringFixed(2), Orders: t.Orders})
	}
	c.JSON(http.StatusOK, out)
}
