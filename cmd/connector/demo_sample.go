package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
)

// demoSampleHeldQty is the quantity of the sample order that waits for stock: more than the
// sandbox holds of any product, so IWS's validation holds it.
const demoSampleHeldQty = 100_000

// demoSampleOrders buys a few orders in the demo's shops on its first start (no order in the
// database yet), through the shops' own APIs like `connector demo order`, so the order pipeline
// is at work before anyone buys anything: the management pages and `connector orders list` show
// orders in different states, with the logs behind them.
//
//   - WooCommerce, one unit of a product on sale: placed, then moved by the sandbox's clock
//     through in process and invoiced (serials, tracking, invoice) to delivered.
//   - WooCommerce, more units than IWS has: held for stock, with a note on the storefront order.
//   - Shopify, one unit, bought two status intervals later: it follows the first one, a few
//     statuses behind.
//
// A failure is logged and ends the samples; the demo goes on. It returns when done or when ctx
// ends.
func demoSampleOrders(ctx context.Context, st *store.Store, shops []demoShop, interval time.Duration, logger *slog.Logger) {
	log := logger.With("component", "demo")
	counts, err := st.OrderCounts(ctx)
	if err != nil {
		log.WarnContext(ctx, "demo: sample orders: count orders", "err", err)
		return
	}
	for _, c := range counts {
		if c.Count > 0 {
			return // not the first start: the orders the demo has are the samples and the person's
		}
	}
	var woo, shopify *demoShop
	for i := range shops {
		switch {
		case shops[i].Platform == store.PlatformWooCommerce && woo == nil:
			woo = &shops[i]
		case shops[i].Platform == store.PlatformShopify && shopify == nil:
			shopify = &shops[i]
		}
	}
	client := &http.Client{Timeout: time.Minute}
	buyOnce := func(shop *demoShop, qty int, skip string) (sku, number string, err error) {
		l, err := demoPickListing(ctx, st, shop.ID, "", 1, skip)
		if err != nil {
			return "", "", err
		}
		switch shop.Platform {
		case store.PlatformWooCommerce:
			_, number, err = demoWooOrder(ctx, client, *shop, l.SKU, qty)
		default:
			_, number, err = demoShopifyOrder(ctx, client, *shop, l.VariantID, qty)
		}
		if err != nil {
			return "", "", fmt.Errorf("shop %d: %w", shop.ID, err)
		}
		return l.SKU, number, nil
	}
	// A shop busy with the demo's first sync may throttle the order (Shopify's cost bucket):
	// a few tries, a second apart and more.
	buy := func(shop *demoShop, qty int, skip string, what string) (string, error) {
		wait := time.Second
		for try := 1; ; try++ {
			sku, number, err := buyOnce(shop, qty, skip)
			if err == nil {
				log.InfoContext(ctx, "demo: sample order bought: "+what, "shop", shop.ID, "order", number, "sku", sku, "qty", qty)
				return sku, nil
			}
			if try == 5 {
				return "", err
			}
			log.InfoContext(ctx, "demo: sample order: trying again", "shop", shop.ID, "err", err)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return "", ctx.Err()
			case <-t.C:
			}
			wait *= 2
		}
	}
	if woo != nil {
		sku, err := buy(woo, 1, "", "placed and followed to delivery")
		if err == nil {
			_, err = buy(woo, demoSampleHeldQty, sku, "held: more than IWS has")
		}
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				log.WarnContext(ctx, "demo: sample orders", "err", err)
			}
			return
		}
	}
	if shopify == nil {
		return
	}
	if interval > 0 {
		t := time.NewTimer(2 * interval)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
	if _, err := buy(shopify, 1, "", "placed, two statuses behind"); err != nil && !errors.Is(err, context.Canceled) {
		log.WarnContext(ctx, "demo: sample orders", "err", err)
	}
}
