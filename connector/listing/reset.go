package listing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/store"
)

// Reset puts a listing back to "never pushed", so that the next sync plans it from scratch and
// pushes it whole: it clears the listing's error and attempts, its pending change, what was
// pushed (content, price and stock hashes, price, currency, stock, the attached image list and
// the time of the last push) and, for a product the shop still wants, the storefront ids: the
// next push then creates it, and the platform adopts the product that holds its SKU (WooCommerce
// by SKU, Shopify by the intcomex.sku metafield), so nothing is duplicated; its images are
// attached again, each by the media id the shop's image map has (none is uploaded again). A
// product the shop no longer wants keeps its storefront id while it is on sale, so that the next
// push can take it off sale. The shop's image map is left alone. A reset event is recorded.
//
// Reset must not run concurrently with a Push of the same shop (the caller holds the account's
// run lock). It returns the listing before and after.
func (s *Syncer) Reset(ctx context.Context, shopID int64, sku string) (before, after store.Listing, err error) {
	before, err = s.Store.Listing(ctx, shopID, sku)
	if err != nil {
		return before, before, fmt.Errorf("listing: reset %s: %w", sku, err)
	}
	wanted, err := s.wanted(ctx, shopID, sku)
	if err != nil {
		return before, before, err
	}
	l := clearPending(before)
	l.LastError, l.Attempts, l.PushedAt = "", 0, time.Time{}
	l.ContentHash, l.PriceHash, l.StockHash = "", "", ""
	l.ImagesHash, l.DesiredImages = "", ""
	l.Price, l.Currency, l.Stock = decimal.NullDecimal{}, "", 0
	var next string
	switch {
	case !wanted && l.ProductID != "" && before.State != store.ListingUnpublished:
		l.State = store.ListingPublished
		next = "the next sync takes product " + l.ProductID + " off sale (the shop no longer sells it)"
	case wanted:
		l.ProductID, l.VariantID, l.InventoryItemID = "", "", ""
		l.State = store.ListingPending
		next = "the next sync pushes it whole, adopting the store's product with this SKU if there is one"
	default:
		l.ProductID, l.VariantID, l.InventoryItemID = "", "", ""
		l.State = store.ListingPending
		next = "the shop does not sell it now; a sync that wants it again creates it, adopting the store's product with this SKU"
	}
	var was []string
	was = append(was, "state "+before.State)
	if before.ProductID != "" {
		was = append(was, "product "+before.ProductID)
	}
	if before.PendingChange != "" {
		was = append(was, "pending "+before.PendingChange)
	}
	if before.LastError != "" {
		was = append(was, fmt.Sprintf("last error %q after %d attempts", truncate(before.LastError, 300), before.Attempts))
	}
	ev := store.ListingEvent{ShopID: shopID, SKU: sku, Kind: EventReset,
		Detail: "reset (was " + strings.Join(was, ", ") + "): " + next}
	if err := s.Store.SaveListingChanges(ctx, []store.Listing{l}, []store.ListingEvent{ev}); err != nil {
		return before, before, fmt.Errorf("listing: reset %s: %w", sku, err)
	}
	return before, l, nil
}

// wanted reports whether the shop lists sku now (its desired listing, as Plan computes it).
func (s *Syncer) wanted(ctx context.Context, shopID int64, sku string) (bool, error) {
	shop, err := s.Store.Shop(ctx, shopID)
	if err != nil {
		return false, fmt.Errorf("listing: %w", err)
	}
	p, err := s.Store.Product(ctx, shop.IWSAccountID, sku)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("listing: %w", err)
	}
	rules, err := margin.Rules(ctx, s.Store, shopID)
	if err != nil {
		return false, fmt.Errorf("listing: %w", err)
	}
	pricer, err := rules.Compile()
	if err != nil {
		return false, fmt.Errorf("listing: shop %d: rules: %w", shopID, err)
	}
	_, reason, err := Desire(shop, pricer, p)
	if err != nil {
		return false, err
	}
	return reason == "", nil
}
