package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

// orderTarget reads the shop and the storefront order id of /orders/:shop/*order (and of the
// API's), with the action when the last segment is one (retry, cancel, refresh) and actions
// says to look for it.
func orderTarget(c *gin.Context, actions bool) (shopID int64, storefrontID, action string, err error) {
	shopID, perr := strconv.ParseInt(c.Param("shop"), 10, 64)
	if perr != nil || shopID < 1 {
		return 0, "", "", fmt.Errorf("admin: order: shop %q: %w", c.Param("shop"), store.ErrNotFound)
	}
	storefrontID = strings.TrimPrefix(c.Param("order"), "/")
	if actions {
		i := strings.LastIndexByte(storefrontID, '/')
		if i < 0 {
			return 0, "", "", fmt.Errorf("admin: order: no action: %w", store.ErrNotFound)
		}
		storefrontID, action = storefrontID[:i], storefrontID[i+1:]
		switch action {
		case orderRetry, orderCancel, orderRefresh:
		default:
			return 0, "", "", fmt.Errorf("admin: order: action %q: %w", action, store.ErrNotFound)
		}
	}
	if strings.TrimSpace(storefrontID) == "" {
		return 0, "", "", fmt.Errorf("admin: order: no storefront order id: %w", store.ErrNotFound)
	}
	return shopID, storefrontID, action, nil
}

// orderLoad reads the shop (without its credentials) and the order with its lines.
func (u *UI) orderLoad(ctx context.Context, shopID int64, storefrontID string) (store.Shop, store.Order, error) {
	st := u.cfg.Orders.Store
	shop, err := st.ShopWithoutCredentials(ctx, shopID)
	if err != nil {
		return shop, store.Order{}, err
	}
	o, err := st.OrderByStorefrontID(ctx, shopID, storefrontID)
	return shop, o, err
}

// orderDetail gathers an order whole, read live from its storefront too when live.
func (u *UI) orderDetail(ctx context.Context, shop store.Shop, o store.Order, live bool) (orders.Detail, error) {
	d, err := orders.LoadDetail(ctx, u.cfg.Orders.Store, shop, o)
	if err != nil {
		return d, err
	}
	if live && u.cfg.Orders.Storefront != nil {
		sf, err := u.cfg.Orders.Storefront(ctx, shop.ID)
		if err != nil {
			d.Storefront.LiveError = err.Error()
		} else {
			d.ReadLive(ctx, sf)
		}
	}
	return d, nil
}

// orderEventView is a step of the timeline as the page shows it.
type orderEventView struct {
	orders.DetailEvent
	// DetailText is the step's detail as indented JSON, "" when it has none.
	DetailText string
}

// orderPageData is the order page's data.
type orderPageData struct {
	D        orders.Detail
	URL      string // this page
	LiveURL  string // this page with a live read of the storefront order
	LogsURL  string // the API log of the order
	Live     bool   // the storefront order was read live
	CanLive  bool   // a live read is possible
	Serials  []string
	Tracking []orders.Tracking
	Events   []orderEventView
	// CostHold marks an order held because an IWS cost rose: its retry may accept the cost.
	CostHold bool
	// Message is what became of an action that did not go through, in words (an alert).
	Message string
}

func (u *UI) orderPageData(d orders.Detail, live bool) orderPageData {
	url := orderURL(d.Shop.ID, d.StorefrontOrderID)
	p := orderPageData{D: d, URL: url, LiveURL: url + "?live=1", LogsURL: "/logs?order=" + strconv.FormatInt(d.ID, 10),
		Live: live && u.cfg.Orders.Storefront != nil, CanLive: u.cfg.Orders.Storefront != nil,
		Serials: d.SerialList(), Tracking: d.TrackingList(),
		CostHold: d.State == store.OrderHeld && d.HoldCode == orders.HoldCost}
	for _, e := range d.Timeline {
		v := orderEventView{DetailEvent: e}
		if s := strings.TrimSpace(string(e.Detail)); s != "" && s != "{}" && s != "null" {
			v.DetailText, _ = ordersPrettyJSON(s)
		}
		p.Events = append(p.Events, v)
	}
	return p
}

// orderPage is GET /orders/:shop/*order: one order whole (`connector order show`): both sides,
// the lines, serials, tracking, invoice, the timeline with the API calls behind each step, and
// the actions for admins. ?live=1 reads the storefront order now.
func (u *UI) orderPage(c *gin.Context) {
	ctx := c.Request.Context()
	shopID, sfID, _, err := orderTarget(c, false)
	if err != nil {
		u.errorPage(c, http.StatusNotFound, "error.not_found")
		return
	}
	shop, o, err := u.orderLoad(ctx, shopID, sfID)
	if err == nil {
		live := ordersTruthy(c.Query("live"))
		var d orders.Detail
		if d, err = u.orderDetail(ctx, shop, o, live); err == nil {
			u.render(c, http.StatusOK, "orders_detail", u.orderPageData(d, live))
			return
		}
	}
	u.orderPageFailure(c, err)
}

// orderPageFailure answers an order page that could not be read: not found, or an internal
// error.
func (u *UI) orderPageFailure(c *gin.Context, err error) {
	if errors.Is(err, store.ErrNotFound) {
		u.errorPage(c, http.StatusNotFound, "error.not_found")
		return
	}
	u.log.ErrorContext(c.Request.Context(), "admin: order page", "err", err)
	u.errorPage(c, http.StatusInternalServerError, "error.internal")
}

// apiOrder is GET /api/v1/orders/:shop/*order: `connector order show --json`'s object; ?live=1
// reads the storefront order now (storefront.live, or storefront.live_error).
func (u *UI) apiOrder(c *gin.Context) {
	ctx := c.Request.Context()
	shopID, sfID, _, err := orderTarget(c, false)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	shop, o, err := u.orderLoad(ctx, shopID, sfID)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	d, err := u.orderDetail(ctx, shop, o, ordersTruthy(c.Query("live")))
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}
