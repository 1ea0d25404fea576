package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

// logsBody is a request or response body as the call's page shows it.
type logsBody struct {
	Text      string
	JSON      bool // Text is indented JSON
	Empty     bool
	Truncated bool
	Headers   string
}

func logsBodyOf(body, headers string, truncated bool) logsBody {
	text, isJSON := ordersPrettyJSON(body)
	return logsBody{Text: text, JSON: isJSON, Empty: body == "", Truncated: truncated, Headers: headers}
}

// logsCallData is the call page's data.
type logsCallData struct {
	C        store.APICall
	Path     string
	Failed   bool
	ShopName string
	Request  logsBody
	Response logsBody
	// OrderURL is the page of the call's order, when it is still recorded.
	OrderURL string
	// The lists of the calls of the same order, job and sync run.
	OrderLogsURL, JobLogsURL, RunLogsURL string
}

// logsCallByID reads the call of the :id parameter; an id that is not a number is not found.
func (u *UI) logsCallByID(c *gin.Context) (store.APICall, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return store.APICall{}, store.ErrNotFound
	}
	return u.cfg.Logs.Store.APICallByID(c.Request.Context(), id)
}

// logsOrderURL is the page of the order of id (an orders.id as the audit log keeps it), "" when
// it is not recorded (any more).
func (u *UI) logsOrderURL(ctx context.Context, id string) string {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return ""
	}
	o, err := u.cfg.Logs.Store.Order(ctx, n)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			u.log.WarnContext(ctx, "admin: logs: the call's order", "order", id, "err", err)
		}
		return ""
	}
	return orderURL(o.ShopID, o.StorefrontOrderID)
}

// logsCall is GET /logs/:id: one call with its request and response (redacted when written),
// JSON bodies indented, and links to its order and to the calls of the same order, job and run.
func (u *UI) logsCall(c *gin.Context) {
	ctx := c.Request.Context()
	call, err := u.logsCallByID(c)
	if errors.Is(err, store.ErrNotFound) {
		u.errorPage(c, http.StatusNotFound, "error.not_found")
		return
	}
	if err != nil {
		u.log.ErrorContext(ctx, "admin: logs call", "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	d := logsCallData{C: call, Path: orders.URLPath(call.URL), Failed: call.StatusCode >= 400 || call.StatusCode == 0 || call.Error != "",
		Request:  logsBodyOf(call.RequestBody, call.RequestHeaders, call.RequestTruncated),
		Response: logsBodyOf(call.ResponseBody, call.ResponseHeaders, call.ResponseTruncated)}
	if call.ShopID != 0 {
		if shop, err := u.cfg.Logs.Store.ShopWithoutCredentials(ctx, call.ShopID); err == nil {
			d.ShopName = shop.Name
		}
	}
	if call.OrderID != "" {
		d.OrderURL = u.logsOrderURL(ctx, call.OrderID)
		d.OrderLogsURL = "/logs?order=" + url.QueryEscape(call.OrderID)
	}
	if call.JobID != "" {
		d.JobLogsURL = "/logs?job=" + url.QueryEscape(call.JobID)
	}
	if call.SyncRunID != "" {
		d.RunLogsURL = "/logs?run=" + url.QueryEscape(call.SyncRunID)
	}
	u.render(c, http.StatusOK, "logs_detail", d)
}

// apiLogsCall is GET /api/v1/logs/:id: the call with its headers and bodies as stored.
func (u *UI) apiLogsCall(c *gin.Context) {
	call, err := u.logsCallByID(c)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, logsCallOf(call, true))
}
