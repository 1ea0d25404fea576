package admin

import (
	"context"

	"github.com/intcomex-connector/connector/connector/store"
)

// ProductsDeps are the services of the products pages (/products); main fills them.
type ProductsDeps struct {
	// Store reads the IWS mirror, the shops, their rules and listings.
	Store *store.Store
	// Repush queues a push of sku to the shop and returns the job's id (syncjob.EnqueueRepush
	// on the job client): the push runs in the job, never in the request. nil hides "push now".
	Repush func(ctx context.Context, shopID int64, sku string) (jobID int64, err error)
}

// mountProducts registers the products pages (/products) when its services are set.
func (u *UI) mountProducts(rt Routes) {
	if u.cfg.Products.Store == nil {
		return
	}
	rt.Pages.GET("/products", u.productsList)
	rt.Pages.GET("/products/:sku", u.productDetail)
	rt.API.GET("/products", u.apiProductsList)
	rt.API.GET("/products/:sku", u.apiProductDetail)
	if u.cfg.Products.Repush != nil {
		rt.Pages.POST("/products/:sku/push", u.productPush)
		rt.API.POST("/products/:sku/push", u.apiProductPush)
	}
}
