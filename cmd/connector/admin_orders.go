package main

import (
	"context"

	"github.com/intcomex-connector/connector/admin"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// orders builds the services of the web UI's Orders section: the store, the process's jobs
// client (the order pipeline's workers run the retried and refreshed orders' jobs), the shop's
// audited IWS client for a cancellation (as `connector order cancel`), and the storefronts for
// an order's live read (as `connector order show`). Without a store or a jobs client the
// section is not mounted.
func (d adminUIDeps) orders() admin.OrdersDeps {
	if d.st == nil || d.bg == nil || d.bg.jobs == nil {
		return admin.OrdersDeps{}
	}
	deps := admin.OrdersDeps{
		Store: d.st,
		Jobs:  d.bg.jobs,
		CancelIWS: func(ctx context.Context, shop store.Shop) (orders.CancelIWS, error) {
			return shopIWSClient(ctx, d.cfg, d.st, shop, d.logger.With("component", "admin"))
		},
	}
	if d.storefronts != nil {
		deps.Storefront = func(ctx context.Context, shopID int64) (platforms.Orders, error) {
			shop, err := d.st.Shop(ctx, shopID)
			if err != nil {
				return nil, err
			}
			return d.storefronts.For(shop)
		}
	}
	return deps
}
