package admin

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

// logsSystems are the systems the audit log names, for the filter.
var logsSystems = []string{audit.SystemIWS, audit.SystemWooCommerce, audit.SystemShopify}

// logsHTTPMethods are the HTTP methods the filter offers.
var logsHTTPMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// logsFailed is the outcome filter's value for every failed call (an error status or none).
const logsFailed = "failed"

// logsOutcomes are the outcome filter's values: the store's status classes, and failed.
var logsOutcomes = append(slices.Clone(store.StatusClasses), logsFailed)

// logsIDRE is what a correlation id (order, job, sync run) may hold.
var logsIDRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// logsForm is the API log's filter as the person typed it.
type logsForm struct {
	System, Method, HTTPMethod, Status, Outcome string
	From, To, Order, Job, Run, Shop, Q, Per     string
	Sort, Dir                                   string
}

// logsQuery is a parsed request of the API log list.
type logsQuery struct {
	form   logsForm
	filter store.APICallFilter
	page   store.Page
	errs   ordersFieldErrors
}

// logsParse reads the list's query parameters: system, method (the logical operation, e.g.
// getcatalog), http_method, status (an exact HTTP status), outcome (2xx, 3xx, 4xx, 5xx, error:
// no answer, failed: either of the last three), from and to (days, UTC, inclusive), order (the
// order's id), job, run (a sync run), shop (id), q (text in the URL or method), and the paging
// and sort parameters.
func (u *UI) logsParse(c *gin.Context) logsQuery {
	lang := u.lang(c)
	get := func(k string) string { return strings.TrimSpace(c.Query(k)) }
	q := logsQuery{errs: ordersFieldErrors{}, filter: store.APICallFilter{OmitBodies: true}}
	q.form = logsForm{System: get("system"), Method: get("method"), HTTPMethod: strings.ToUpper(get("http_method")), Status: get("status"),
		Outcome: get("outcome"), From: get("from"), To: get("to"), Order: get("order"), Job: get("job"), Run: get("run"),
		Shop: get("shop"), Q: get("q"), Per: get("per"), Sort: get("sort"), Dir: get("dir")}
	f := &q.filter
	l := u.listParamsOf(c, q.errs)
	if v := q.form.System; v != "" && l.choice("system", v, logsSystems, "logs.err.system", v, strings.Join(logsSystems, ", ")) {
		f.System = v
	}
	f.Method = strings.ToLower(q.form.Method)
	if v := q.form.HTTPMethod; v != "" && l.choice("http_method", v, logsHTTPMethods, "logs.err.http_method", v, strings.Join(logsHTTPMethods, ", ")) {
		f.HTTPMethod = v
	}
	if n, ok := l.whole("status", q.form.Status, 100, 599, "logs.err.status", q.form.Status); ok {
		f.StatusCode = n
	}
	switch v := q.form.Outcome; {
	case v == "":
	case v == logsFailed:
		f.FailedOnly = true
	case slices.Contains(store.StatusClasses, store.StatusClass(v)):
		f.Class = store.StatusClass(v)
	default:
		q.errs["outcome"] = u.i18n.T(lang, "logs.err.outcome", v)
	}
	for _, id := range []struct {
		name, value string
		into        *string
	}{{"order", q.form.Order, &f.OrderID}, {"job", q.form.Job, &f.JobID}, {"run", q.form.Run, &f.SyncRunID}} {
		if id.value == "" {
			continue
		}
		if logsIDRE.MatchString(id.value) {
			*id.into = id.value
		} else {
			q.errs[id.name] = u.i18n.T(lang, "logs.err.ref", id.value)
		}
	}
	f.Since = l.day("from", q.form.From, false, "orders.err.day")
	f.Until = l.day("to", q.form.To, true, "orders.err.day")
	l.dayRange("to", f.Since, &f.Until, "orders.err.range")
	f.ShopID = l.id("shop", q.form.Shop, "orders.err.id")
	f.Search = q.form.Q
	q.page = u.ordersListQuery(c, store.APICallSorts, q.errs)
	return q
}

// logsRow is one call of the list page.
type logsRow struct {
	ID         int64
	At         time.Time
	System     string
	Method     string
	HTTPMethod string
	Path       string
	Status     int
	Failed     bool
	DurationMS int64
	Error      string
	ShopID     int64
	ShopName   string
	OrderID    string
	OrderURL   string // the list of the order's calls
	SyncRunID  string
}

// logsListData is the API log page's data.
type logsListData struct {
	Form        logsForm
	Errors      ordersFieldErrors
	Systems     []string
	HTTPMethods []string
	Outcomes    []store.StatusClass
	Shops       []ordersShopOption
	Rows        []logsRow
	Pager       ordersPager
	Sort        map[string]ordersSortLink
	CSVURL      string // the filtered list as CSV
	CSVBodies   string // the same with headers and bodies
	Filtered    bool
}

// logsFilterOnly is the request's query without its paging and sort parameters, for the CSV
// links.
func logsFilterOnly(c *gin.Context) url.Values {
	q := c.Request.URL.Query()
	for _, k := range []string{"page", "per", "sort", "dir", "bodies"} {
		q.Del(k)
	}
	return q
}

// logsList is GET /logs: every IWS and storefront call, filtered, sorted and paged on the server.
func (u *UI) logsList(c *gin.Context) {
	ctx := c.Request.Context()
	q := u.logsParse(c)
	st := u.cfg.Logs.Store
	res, err := st.ListAPICallsPage(ctx, q.filter, q.page)
	if err != nil {
		u.log.ErrorContext(ctx, "admin: logs list", "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	shops, names := u.ordersShopNames(ctx, st)
	d := logsListData{Form: q.form, Errors: q.errs, Systems: logsSystems, HTTPMethods: logsHTTPMethods,
		Outcomes: logsOutcomes, Filtered: q.filter != (store.APICallFilter{OmitBodies: true})}
	for _, s := range shops {
		d.Shops = append(d.Shops, ordersShopOption{ID: s.ID, Name: s.Name, Selected: s.ID == q.filter.ShopID})
	}
	for _, call := range res.Items {
		r := logsRow{ID: call.ID, At: call.CreatedAt.UTC(), System: call.System, Method: call.Method, HTTPMethod: call.HTTPMethod,
			Path: orders.URLPath(call.URL), Status: call.StatusCode, Failed: call.StatusCode >= 400 || call.StatusCode == 0 || call.Error != "",
			DurationMS: call.Duration.Milliseconds(), Error: call.Error, ShopID: call.ShopID, ShopName: names[call.ShopID],
			OrderID: call.OrderID, SyncRunID: call.SyncRunID}
		if call.OrderID != "" {
			r.OrderURL = "/logs?order=" + url.QueryEscape(call.OrderID)
		}
		d.Rows = append(d.Rows, r)
	}
	d.Pager, d.Sort = ordersListLinks(c, res.Page, len(res.Items), res.Total, store.APICallSorts)
	filter := logsFilterOnly(c)
	d.CSVURL = (&url.URL{Path: "/logs.csv", RawQuery: filter.Encode()}).String()
	filter.Set("bodies", "1")
	d.CSVBodies = (&url.URL{Path: "/logs.csv", RawQuery: filter.Encode()}).String()
	status := http.StatusOK
	if len(q.errs) > 0 {
		status = http.StatusBadRequest
	}
	u.render(c, status, "logs", d)
}

// logsCallJSON is an API call in the JSON API; Request and Response (headers and bodies,
// redacted when written) only in GET /api/v1/logs/:id.
type logsCallJSON struct {
	ID            int64            `json:"id"`
	CreatedAt     time.Time        `json:"created_at"`
	System        string           `json:"system"`
	Method        string           `json:"method"`
	HTTPMethod    string           `json:"http_method"`
	URL           string           `json:"url"`
	Status        int              `json:"status"`
	DurationMS    int64            `json:"duration_ms"`
	Error         string           `json:"error"`
	ResponseBytes int64            `json:"response_bytes"`
	JobID         string           `json:"job_id"`
	OrderID       string           `json:"order_id"`
	SyncRunID     string           `json:"sync_run_id"`
	AccountID     int64            `json:"account_id"`
	ShopID        int64            `json:"shop_id"`
	Request       *logsMessageJSON `json:"request,omitempty"`
	Response      *logsMessageJSON `json:"response,omitempty"`
}

// logsMessageJSON is a request or response as stored.
type logsMessageJSON struct {
	Headers   string `json:"headers"`
	Body      string `json:"body"`
	Truncated bool   `json:"truncated"`
}

func logsCallOf(call store.APICall, bodies bool) logsCallJSON {
	j := logsCallJSON{ID: call.ID, CreatedAt: call.CreatedAt.UTC(), System: call.System, Method: call.Method, HTTPMethod: call.HTTPMethod,
		URL: call.URL, Status: call.StatusCode, DurationMS: call.Duration.Milliseconds(), Error: call.Error, ResponseBytes: call.ResponseBytes,
		JobID: call.JobID, OrderID: call.OrderID, SyncRunID: call.SyncRunID, AccountID: call.AccountID, ShopID: call.ShopID}
	if bodies {
		j.Request = &logsMessageJSON{Headers: call.RequestHeaders, Body: call.RequestBody, Truncated: call.RequestTruncated}
		j.Response = &logsMessageJSON{Headers: call.ResponseHeaders, Body: call.ResponseBody, Truncated: call.ResponseTruncated}
	}
	return j
}

// apiLogsList is GET /api/v1/logs: the list page's calls as JSON (without bodies), with the
// same parameters.
func (u *UI) apiLogsList(c *gin.Context) {
	q := u.logsParse(c)
	if len(q.errs) > 0 {
		u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, ordersFirstError(q.errs))
		return
	}
	res, err := u.cfg.Logs.Store.ListAPICallsPage(c.Request.Context(), q.filter, q.page)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	items := make([]logsCallJSON, 0, len(res.Items))
	for _, call := range res.Items {
		items = append(items, logsCallOf(call, false))
	}
	c.JSON(http.StatusOK, ordersPageOf(items, res.Total, res.Page))
}
