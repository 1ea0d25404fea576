package admin

import (
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

// ShopsDeps are the services of the shops pages (/shops); main fills them.
type ShopsDeps struct {
	// Store holds the shops, their listings and orders. The section is mounted when it is set.
	Store *store.Store
	// Setup connects shops with manual keys (Add) and checks and repairs their webhooks; main
	// builds it as `connector shop add` and `connector shop webhooks` do.
	Setup shops.Setup
	// Install starts the Shopify app install and the WooCommerce key handoff; nil when the
	// connector has no public URL (CONNECTOR_PUBLIC_URL), and the page then says so.
	Install *Install
	// Jobs enqueues the place_order jobs of the orders a shop's resume releases.
	Jobs orders.JobInserter
}

// mountShops registers the shops pages (/shops) and their API when its services are set.
func (u *UI) mountShops(rt Routes) {
	if u.cfg.Shops.Store == nil || u.cfg.Shops.Jobs == nil {
		return
	}
	if u.cfg.Shops.Setup.Store == nil {
		u.cfg.Shops.Setup.Store = u.cfg.Shops.Store
	}
	p := rt.Pages
	p.GET("/shops", u.shopsList)
	p.GET("/shops/connect", u.shopsConnect)
	p.POST("/shops/connect/shopify", u.shopsConnectShopify)
	p.POST("/shops/connect/woocommerce", u.shopsConnectWooCommerce)
	p.POST("/shops/connect/woocommerce/keys", u.shopsAddWooCommerce)
	p.GET("/shops/:id", u.shopPage)
	p.POST("/shops/:id/settings", u.shopSaveSettings)
	p.GET("/shops/:id/webhooks", u.shopWebhooks)
	p.POST("/shops/:id/webhooks/repair", u.shopRepairWebhooks)
	p.POST("/shops/:id/resume-orders", u.shopResumeOrders)

	a := rt.API
	a.GET("/shops", u.apiShopsList)
	a.POST("/shops/shopify/install", u.apiShopsShopifyInstall)
	a.POST("/shops/woocommerce/authorize", u.apiShopsWooCommerceAuthorize)
	a.POST("/shops/woocommerce", u.apiShopsAddWooCommerce)
	a.GET("/shops/:id", u.apiShop)
	a.PUT("/shops/:id/settings", u.apiShopSettings)
	a.GET("/shops/:id/webhooks", u.apiShopWebhooks)
	a.POST("/shops/:id/webhooks/repair", u.apiShopRepairWebhooks)
	a.POST("/shops/:id/resume-orders", u.apiShopResumeOrders)
}
