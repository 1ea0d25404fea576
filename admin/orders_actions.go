package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

// The actions on an order (admins): POST /orders/SHOP/ID/ACTION and the same under /api/v1.
const (
	orderRetry   = "retry"
	orderCancel  = "cancel"
	orderRefresh = "refresh"
)

// CodeRefused is the API error code of an action the order's state does not allow
// (orders.RefusedError): the message says why and what to do instead.
const CodeRefused = "refused"

// orderActionResult is what an action did, for the page's flash message and the API's answer.
type orderActionResult struct {
	Action string `json:"action"`
	// From is the state the order was in (retry, cancel).
	From string `json:"from,omitempty"`
	// Order is the order after the action (retry, cancel).
	Order *orders.ListItem `json:"order,omitempty"`
	// JobID is the job enqueued or brought forward: place_order (retry), track_order (refresh,
	// and a cancellation at IWS, whose write-back it makes).
	JobID int64 `json:"job_id,omitempty"`
	// Job says what became of that job: enqueued, already queued or brought forward.
	Job string `json:"job,omitempty"`
	// AtIWS reports a cancellation made at IWS (CancelOrder); false for an order not placed.
	AtIWS bool `json:"at_iws,omitempty"`
	// WriteBackError is set when an order cancelled at IWS could not have its write-back queued
	// (a refresh queues it).
	WriteBackError bool `json:"write_back_error,omitempty"`

	flash string // the page's success message key
}

// errOrderCancelClient marks a cancellation that could not get the shop's IWS client.
var errOrderCancelClient = errors.New("admin: the shop's IWS client")

// orderRun performs action on o with the person's choices (acceptCost for a retry).
func (u *UI) orderRun(ctx context.Context, action string, shop store.Shop, o store.Order, acceptCost bool) (orderActionResult, error) {
	d := u.cfg.Orders
	r := orderActionResult{Action: action}
	switch action {
	case orderRetry:
		res, err := orders.Retry(ctx, d.Store, d.Jobs, o, orders.RetryOptions{AcceptCost: acceptCost})
		if err != nil {
			return r, err
		}
		item := orders.ListItemOf(res.Order)
		r.From, r.Order, r.Job, r.flash = res.From, &item, orders.TrackEnqueued, "orders.flash.retried"
		if res.Job.Job != nil {
			r.JobID = res.Job.Job.ID
		}
		if res.Job.Duplicate {
			r.Job, r.flash = orders.TrackAlreadyQueued, "orders.flash.retried_queued"
		}
	case orderCancel:
		var client orders.CancelIWS
		if orders.CancelNeedsIWS(o) {
			if d.CancelIWS == nil {
				return r, errOrderCancelClient
			}
			c, err := d.CancelIWS(ctx, shop)
			if err != nil {
				return r, fmt.Errorf("%w: %w", errOrderCancelClient, err)
			}
			client = c
		}
		res, err := orders.Cancel(ctx, d.Store, shop, client, o)
		if err != nil {
			return r, err
		}
		item := orders.ListItemOf(res.Order)
		r.From, r.Order, r.AtIWS, r.flash = res.From, &item, res.AtIWS, "orders.flash.cancelled"
		if res.AtIWS {
			r.flash = "orders.flash.cancelled_at_iws"
			// The order's track_order job writes the cancellation to the storefront order (a
			// private note and the status meta), as it writes every status change.
			tr, err := orders.TrackNow(ctx, d.Jobs, res.Order.ID)
			if err != nil {
				u.log.ErrorContext(ctx, "admin: order cancelled at IWS, write-back not queued", "order", o.ID, "err", err)
				r.WriteBackError, r.flash = true, "orders.flash.cancelled_no_writeback"
			} else {
				r.JobID, r.Job = tr.JobID, tr.What
			}
		}
	case orderRefresh:
		res, err := orders.Refresh(ctx, d.Jobs, o)
		if err != nil {
			return r, err
		}
		r.JobID, r.Job = res.JobID, res.What
		r.flash = map[string]string{orders.TrackEnqueued: "orders.flash.refresh_enqueued",
			orders.TrackBroughtForward: "orders.flash.refresh_forward", orders.TrackAlreadyQueued: "orders.flash.refresh_queued"}[res.What]
	}
	return r, nil
}

// orderAction is POST /orders/:shop/*order: retry (accept_cost=1 accepts a risen IWS cost),
// cancel (after a confirmation) or refresh; then back to the order's page with what happened.
// A refusal is shown on the order's page in words.
func (u *UI) orderAction(c *gin.Context) {
	ctx := c.Request.Context()
	shopID, sfID, action, err := orderTarget(c, true)
	if err != nil {
		u.errorPage(c, http.StatusNotFound, "error.not_found")
		return
	}
	shop, o, err := u.orderLoad(ctx, shopID, sfID)
	if err != nil {
		u.orderPageFailure(c, err)
		return
	}
	if action == orderCancel && !u.confirmed(c, "orders.cancel_confirm", orderName(o)) {
		return
	}
	res, err := u.orderRun(ctx, action, shop, o, ordersTruthy(c.PostForm("accept_cost")))
	if err != nil {
		u.orderActionFailed(c, shop, o, err)
		return
	}
	u.flash(c, flashSuccess, res.flash)
	c.Redirect(http.StatusSeeOther, orderURL(shop.ID, o.StorefrontOrderID))
	c.Abort()
}

// orderName is how messages name an order: its storefront number, else its id.
func orderName(o store.Order) string {
	if o.StorefrontOrderNumber != "" {
		return o.StorefrontOrderNumber
	}
	return o.StorefrontOrderID
}

// orderActionFailed shows the order's page again with why the action did not go through: a
// refusal in the core's words (409), a change meanwhile (409), or a failure (500, logged).
func (u *UI) orderActionFailed(c *gin.Context, shop store.Shop, o store.Order, cause error) {
	ctx := c.Request.Context()
	lang := u.lang(c)
	status, msg := u.orderFailure(ctx, cause, lang)
	// The order as it is now: the action may have added a step (IWS refused to cancel).
	if fresh, err := u.cfg.Orders.Store.Order(ctx, o.ID); err == nil {
		o = fresh
	}
	d, err := u.orderDetail(ctx, shop, o, false)
	if err != nil {
		u.orderPageFailure(c, err)
		return
	}
	data := u.orderPageData(d, false)
	data.Message = msg
	u.render(c, status, "orders_detail", data)
}

// orderFailure is the status and the message, in lang, of an action's error.
func (u *UI) orderFailure(ctx context.Context, err error, lang string) (int, string) {
	var refused *orders.RefusedError
	switch {
	case errors.As(err, &refused):
		return http.StatusConflict, u.i18n.T(lang, "orders.refused", refused.Reason)
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, u.i18n.T(lang, "orders.changed")
	case errors.Is(err, errOrderCancelClient):
		u.log.ErrorContext(ctx, "admin: order cancel: IWS client", "err", err)
		return http.StatusInternalServerError, u.i18n.T(lang, "orders.iws_client")
	default:
		u.log.ErrorContext(ctx, "admin: order action", "err", err)
		return http.StatusInternalServerError, u.i18n.T(lang, "orders.action_failed")
	}
}

// orderActionRequest is the optional JSON body of POST /api/v1/orders/.../retry.
type orderActionRequest struct {
	AcceptCost bool `json:"accept_cost"`
}

// apiOrderAction is POST /api/v1/orders/:shop/*order: retry (accept_cost in a JSON body
// {"accept_cost": true} or a form field), cancel or refresh, answering what was done. A
// refusal is 409 with the code "refused" and the reason; a change meanwhile is 409 "conflict".
func (u *UI) apiOrderAction(c *gin.Context) {
	ctx := c.Request.Context()
	shopID, sfID, action, err := orderTarget(c, true)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	acceptCost := ordersTruthy(c.PostForm("accept_cost"))
	if strings.HasPrefix(c.ContentType(), "application/json") {
		var body orderActionRequest
		if err := json.NewDecoder(c.Request.Body).Decode(&body); err != nil {
			u.apiError(c, http.StatusBadRequest, CodeInvalid, "orders.err.body")
			return
		}
		acceptCost = body.AcceptCost
	}
	shop, o, err := u.orderLoad(ctx, shopID, sfID)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	res, err := u.orderRun(ctx, action, shop, o, acceptCost)
	var refused *orders.RefusedError
	switch {
	case err == nil:
		c.JSON(http.StatusOK, res)
	case errors.As(err, &refused):
		u.apiErrorText(c, http.StatusConflict, CodeRefused, refused.Reason)
	case errors.Is(err, store.ErrConflict):
		u.apiError(c, http.StatusConflict, CodeConflict, "orders.changed")
	default:
		status, msg := u.orderFailure(ctx, err, u.lang(c))
		u.apiErrorText(c, status, CodeInternal, msg)
	}
}
