package shops

import (
	"context"
	"fmt"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
)

// CheckTimeout bounds a store check: a person is waiting for it.
const CheckTimeout = 45 * time.Second

// checkAttempts is how many times a check's request is sent on a network error or a 5xx: once
// more than a single try, so a blip does not refuse a shop, but a dead address answers quickly.
const checkAttempts = 2

// Check asks the shop's store whether its address and credentials work and may write products,
// and what it says about itself (platforms.Checker). The shop need not be saved: the adapter is
// built for this call only, with few retries, and not kept. A failure the person can act on
// wraps a *platforms.CheckError.
func (s *Storefronts) Check(ctx context.Context, shop store.Shop) (platforms.StoreInfo, error) {
	if shop.ID != 0 {
		ctx = correlation.WithShopID(ctx, shop.ID)
	}
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	var c platforms.Checker
	var err error
	switch shop.Platform {
	case store.PlatformMemory:
		c = s.MemoryShop(shop.ID)
	case store.PlatformWooCommerce:
		c, err = s.newWooCommerce(shop, func(cfg *woocommerce.Config) { cfg.Retry.MaxAttempts = checkAttempts })
	case store.PlatformShopify:
		c, err = s.newShopify(shop, func(cfg *shopify.Config) { cfg.MaxRetries = checkAttempts - 1 })
	default:
		err = fmt.Errorf("shop %d: unknown platform %q: %w", shop.ID, shop.Platform, ErrUnsupportedPlatform)
	}
	if err != nil {
		return platforms.StoreInfo{}, err
	}
	return c.Check(ctx)
}
