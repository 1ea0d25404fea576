package admin

import (
	"context"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// OrdersDeps are the services of the orders pages (/orders); main fills them. The section is
// mounted when Store and Jobs are set.
type OrdersDeps struct {
	// Store reads the orders, their timelines and the shops, and records the actions.
	Store *store.Store
	// Jobs enqueues a retried order's place_order job and brings an order's track_order job
	// forward (*jobs.Client).
	Jobs OrderJobs
	// CancelIWS returns the audited IWS client of the shop's account, for a cancellation that
	// asks IWS (orders.CancelNeedsIWS).
	CancelIWS func(ctx context.Context, shop store.Shop) (orders.CancelIWS, error)
	// Storefront returns the shop's storefront for the live read of an order (?live=1); nil
	// leaves the order page with what the connector recorded.
	Storefront func(ctx context.Context, shopID int64) (platforms.Orders, error)
}

// OrderJobs is what the orders pages ask of the jobs client.
type OrderJobs interface {
	orders.JobInserter
	orders.TrackQueue
}

// mountOrders registers the orders pages (/orders) when its services are set: the list, an
// order's page (/orders/SHOP/STOREFRONT_ORDER_ID, the id path-escaped) and its actions (POST
// .../retry, .../cancel, .../refresh), and the same under /api/v1.
func (u *UI) mountOrders(rt Routes) {
	d := u.cfg.Orders
	if d.Store == nil || d.Jobs == nil {
		return
	}
	rt.Pages.GET("/orders", u.ordersList)
	// A storefront order id may hold slashes (gid://shopify/Order/1): the rest of the path is
	// the id, and an action is its last segment.
	rt.Pages.GET("/orders/:shop/*order", u.orderPage)
	rt.Pages.POST("/orders/:shop/*order", u.orderAction)
	rt.API.GET("/orders", u.apiOrdersList)
	rt.API.GET("/orders/:shop/*order", u.apiOrder)
	rt.API.POST("/orders/:shop/*order", u.apiOrderAction)
}
