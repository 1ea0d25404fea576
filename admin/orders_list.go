package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

// ordersForm is the orders list's filter as the person typed it (the form shows it back).
type ordersForm struct {
	Shop  string
	State string
	Held  bool
	From  string
	To    string
	Q     string
	Per   string
	Sort  string // kept by the filter form (hidden)
	Dir   string
}

// ordersQuery is a parsed request of the orders list.
type ordersQuery struct {
	form   ordersForm
	filter store.OrderFilter
	page   store.Page
	errs   ordersFieldErrors
}

// ordersParse reads the list's query parameters: shop (id), state, held (held only), from and
// to (received between these days, UTC, inclusive), q (storefront, customer or Intcomex order
// number), and the paging and sort parameters.
func (u *UI) ordersParse(c *gin.Context) ordersQuery {
	q := ordersQuery{errs: ordersFieldErrors{}}
	q.form = ordersForm{Shop: strings.TrimSpace(c.Query("shop")), State: strings.TrimSpace(c.Query("state")),
		Held: ordersTruthy(c.Query("held")), From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to")),
		Q: strings.TrimSpace(c.Query("q")), Per: strings.TrimSpace(c.Query("per")),
		Sort: strings.TrimSpace(c.Query("sort")), Dir: strings.TrimSpace(c.Query("dir"))}
	l := u.listParamsOf(c, q.errs)
	q.filter.ShopID = l.id("shop", q.form.Shop, "orders.err.id")
	// The CLI's words (`connector orders list --state`).
	if s := strings.ToLower(q.form.State); s != "" && l.choice("state", s, store.OrderStates, "orders.err.state", s, strings.Join(store.OrderStates, ", ")) {
		q.filter.States = []string{s}
	}
	if q.form.Held {
		q.filter.States = []string{store.OrderHeld}
	}
	q.filter.CreatedSince = l.day("from", q.form.From, false, "orders.err.day")
	q.filter.CreatedUntil = l.day("to", q.form.To, true, "orders.err.day")
	l.dayRange("to", q.filter.CreatedSince, &q.filter.CreatedUntil, "orders.err.range")
	q.filter.Search = q.form.Q
	q.page = u.ordersListQuery(c, store.OrderSorts, q.errs)
	return q
}

func ordersTruthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "on", "true", "yes":
		return true
	}
	return false
}

// ordersShopOption is a shop in the filter's list.
type ordersShopOption struct {
	ID       int64
	Name     string
	Selected bool
}

// ordersRow is one order of the list page: the columns of `connector orders list`.
type ordersRow struct {
	ID         int64
	ShopID     int64
	ShopName   string
	URL        string // the order's page
	Storefront string // orders.StorefrontRef
	Customer   string
	Intcomex   string
	State      string
	HoldCode   string
	HoldReason string
	Updated    time.Time
}

// ordersListData is the orders list page's data.
type ordersListData struct {
	Form     ordersForm
	Errors   ordersFieldErrors
	Shops    []ordersShopOption
	States   []string
	Rows     []ordersRow
	Pager    ordersPager
	Sort     map[string]ordersSortLink
	Filtered bool
}

// orderURL is the address of an order's page.
func orderURL(shopID int64, storefrontOrderID string) string {
	return "/orders/" + strconv.FormatInt(shopID, 10) + "/" + url.PathEscape(storefrontOrderID)
}

// ordersShopNames returns the shops' names by id; a failure is logged and leaves the names out
// (the list shows ids).
func (u *UI) ordersShopNames(ctx context.Context, st *store.Store) ([]store.Shop, map[int64]string) {
	shops, err := st.ListShops(ctx)
	if err != nil {
		u.log.WarnContext(ctx, "admin: shop names", "err", err)
		return nil, map[int64]string{}
	}
	names := make(map[int64]string, len(shops))
	for _, s := range shops {
		names[s.ID] = s.Name
	}
	return shops, names
}

// ordersList is GET /orders: the storefront orders and their Intcomex orders, filtered, sorted
// and paged on the server.
func (u *UI) ordersList(c *gin.Context) {
	ctx := c.Request.Context()
	q := u.ordersParse(c)
	res, err := u.cfg.Orders.Store.ListOrdersPage(ctx, q.filter, q.page)
	if err != nil {
		u.log.ErrorContext(ctx, "admin: orders list", "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	shops, names := u.ordersShopNames(ctx, u.cfg.Orders.Store)
	d := ordersListData{Form: q.form, Errors: q.errs, States: store.OrderStates,
		Filtered: q.filter.ShopID != 0 || len(q.filter.States) > 0 || q.filter.Search != "" || !q.filter.CreatedSince.IsZero() || !q.filter.CreatedUntil.IsZero()}
	for _, s := range shops {
		d.Shops = append(d.Shops, ordersShopOption{ID: s.ID, Name: s.Name, Selected: s.ID == q.filter.ShopID})
	}
	for _, o := range res.Items {
		d.Rows = append(d.Rows, ordersRow{ID: o.ID, ShopID: o.ShopID, ShopName: names[o.ShopID], URL: orderURL(o.ShopID, o.StorefrontOrderID),
			Storefront: orders.StorefrontRef(o), Customer: o.CustomerOrderNumber, Intcomex: o.IntcomexOrderNumber,
			State: o.State, HoldCode: o.HoldCode, HoldReason: o.HoldReason, Updated: o.UpdatedAt.UTC()})
	}
	d.Pager, d.Sort = ordersListLinks(c, res.Page, len(res.Items), res.Total, store.OrderSorts)
	status := http.StatusOK
	if len(q.errs) > 0 {
		status = http.StatusBadRequest
	}
	u.render(c, status, "orders", d)
}

// ordersListItemJSON is an order of GET /api/v1/orders: `connector orders list --json`'s object
// and the shop's name.
type ordersListItemJSON struct {
	orders.ListItem
	ShopName string `json:"shop_name"`
}

// apiOrdersList is GET /api/v1/orders: the list page's rows as JSON, with the same parameters.
func (u *UI) apiOrdersList(c *gin.Context) {
	ctx := c.Request.Context()
	q := u.ordersParse(c)
	if len(q.errs) > 0 {
		u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, ordersFirstError(q.errs))
		return
	}
	res, err := u.cfg.Orders.Store.ListOrdersPage(ctx, q.filter, q.page)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	_, names := u.ordersShopNames(ctx, u.cfg.Orders.Store)
	items := make([]ordersListItemJSON, 0, len(res.Items))
	for _, o := range res.Items {
		items = append(items, ordersListItemJSON{ListItem: orders.ListItemOf(o), ShopName: names[o.ShopID]})
	}
	c.JSON(http.StatusOK, ordersPageOf(items, res.Total, res.Page))
}
