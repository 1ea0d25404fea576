package admin

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
)

// logsCSVHeader is the header row of the API log's CSV export; logsCSVBodies follow it with
// bodies=1.
var (
	logsCSVHeader = []string{"id", "created_at", "system", "method", "http_method", "url", "status", "duration_ms", "error",
		"response_bytes", "job_id", "order_id", "sync_run_id", "account_id", "shop_id"}
	logsCSVBodies = []string{"request_headers", "request_body", "request_truncated", "response_headers", "response_body", "response_truncated"}
)

// logsCSVFlushEvery is how many rows the export writes between flushes to the client (each row
// with bodies=1 is flushed: a body may be megabytes).
const logsCSVFlushEvery = 200

// logsCell guards a text cell against spreadsheet formulas: a value a remote system chose (an
// error message, a URL) that starts like a formula gets a leading apostrophe, as spreadsheets
// expect.
func logsCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func logsCSVRow(call store.APICall, bodies bool) []string {
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	row := []string{strconv.FormatInt(call.ID, 10), call.CreatedAt.UTC().Format(time.RFC3339Nano), logsCell(call.System), logsCell(call.Method),
		logsCell(call.HTTPMethod), logsCell(call.URL), strconv.Itoa(call.StatusCode), strconv.FormatInt(call.Duration.Milliseconds(), 10),
		logsCell(call.Error), strconv.FormatInt(call.ResponseBytes, 10), logsCell(call.JobID), logsCell(call.OrderID), logsCell(call.SyncRunID),
		id(call.AccountID), id(call.ShopID)}
	if bodies {
		row = append(row, logsCell(call.RequestHeaders), logsCell(call.RequestBody), strconv.FormatBool(call.RequestTruncated),
			logsCell(call.ResponseHeaders), logsCell(call.ResponseBody), strconv.FormatBool(call.ResponseTruncated))
	}
	return row
}

// logsCSV is GET /logs.csv (and /api/v1/logs.csv): every call the list's filter matches, newest
// first, as CSV (RFC 4180, UTF-8, a header row), streamed as it is read; bodies=1 adds the
// headers and bodies. A bad filter shows the list with its errors (JSON under /api/).
func (u *UI) logsCSV(c *gin.Context) {
	ctx := c.Request.Context()
	api := isAPIPath(c.Request.URL.Path)
	q := u.logsParse(c)
	if len(q.errs) > 0 {
		if api {
			u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, ordersFirstError(q.errs))
			return
		}
		u.logsList(c)
		return
	}
	bodies := ordersTruthy(c.Query("bodies"))
	q.filter.OmitBodies = !bodies
	name := "api-calls-" + u.now().UTC().Format("20060102-150405") + ".csv"
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	w := csv.NewWriter(c.Writer)
	w.UseCRLF = true
	header := logsCSVHeader
	if bodies {
		header = append(append([]string{}, logsCSVHeader...), logsCSVBodies...)
	}
	if err := w.Write(header); err != nil {
		u.log.ErrorContext(ctx, "admin: logs csv", "err", err)
		return
	}
	rows := 0
	err := u.cfg.Logs.Store.EachAPICall(ctx, q.filter, func(call store.APICall) error {
		if err := w.Write(logsCSVRow(call, bodies)); err != nil {
			return err
		}
		if rows++; bodies || rows%logsCSVFlushEvery == 0 {
			w.Flush()
			c.Writer.Flush()
		}
		return w.Error()
	})
	if err != nil && !c.Writer.Written() {
		// Nothing reached the client yet: an honest error instead of a cut file.
		c.Writer.Header().Del("Content-Disposition")
		c.Writer.Header().Del("Content-Type")
		u.log.ErrorContext(ctx, "admin: logs csv", "err", err)
		u.fail(c, http.StatusInternalServerError, CodeInternal, "error.internal")
		return
	}
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err != nil {
		// The client has part of the file; the log says why it ends early.
		u.log.ErrorContext(ctx, "admin: logs csv: export cut short", "rows", rows, "err", err)
	}
}
