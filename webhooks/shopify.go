package webhooks

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
)

// shopify takes a delivery for the Shopify shop named by X-Shopify-Shop-Domain (Shopify sends
// every shop's deliveries of one app to one address).
func (h *Handler) shopify(c *gin.Context) {
	ctx := c.Request.Context()
	domain := strings.ToLower(strings.TrimSpace(c.GetHeader("X-Shopify-Shop-Domain")))
	if domain == "" {
		result{status: http.StatusNotFound, word: "unknown shop"}.write(c)
		return
	}
	body, fail := h.readBody(c)
	if fail != nil {
		fail.write(c)
		return
	}
	shop, found, err := h.shopifyShop(ctx, domain)
	switch {
	case err != nil:
		h.logger.ErrorContext(ctx, "webhooks: find the Shopify shop", "domain", domain, "err", err)
		result{status: http.StatusInternalServerError, word: "not recorded"}.write(c)
		return
	case !found:
		result{status: http.StatusNotFound, word: "unknown shop"}.write(c)
		return
	}
	h.receive(ctx, shop, c.Request.Header, body).write(c)
}

// shopifyShop finds the Shopify shop with this *.myshopify.com domain (from the shop cache).
func (h *Handler) shopifyShop(ctx context.Context, domain string) (store.Shop, bool, error) {
	return h.shops.byDomain(ctx, domain, h.scanShopify)
}

// scanShopify maps every Shopify shop by its domain. Shops are few (one per merchant
// storefront), so a scan is cheaper than keeping a domain column in step with the sealed
// credentials that may hold it. A shop whose domain cannot be told (broken or removed
// credentials) is skipped.
func (h *Handler) scanShopify(ctx context.Context) (map[string]store.Shop, error) {
	shops, err := h.store.ListShops(ctx)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	m := map[string]store.Shop{}
	for _, s := range shops {
		if s.Platform != store.PlatformShopify {
			continue
		}
		if d, err := h.resolver.ShopifyDomain(s); err == nil {
			if _, dup := m[d]; !dup {
				m[d] = s // the first by id, as the scan before the cache answered
			}
		}
	}
	return m, nil
}
