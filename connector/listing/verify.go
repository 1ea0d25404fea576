package listing

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// DefaultVerifyPageSize is how many storefront products Verify asks for a page (the adapters
// page smaller where the platform does: WooCommerce 100, Shopify 200).
const DefaultVerifyPageSize = 250

// Drift is a way a storefront product differs from what the connector last pushed to it.
type Drift string

// Drifts, each repaired by pushing again the part of the listing it concerns.
const (
	// DriftPrice: the price differs (changed by hand): the price is pushed again.
	DriftPrice Drift = "price"
	// DriftStock: the quantity differs (a sale, a hand edit): the stock is pushed again.
	DriftStock Drift = "stock"
	// DriftStatus: the product is off sale, hidden or shown, or tracks stock otherwise than
	// pushed (unpublished or hidden by hand): the whole product is pushed again.
	DriftStatus Drift = "status"
	// DriftPublished: the product is on sale although the connector took it off sale: the plan
	// takes it off sale again (or, wanted again meanwhile, pushes it whole).
	DriftPublished Drift = "published"
	// DriftMissing: the store no longer has the product (deleted, or in WooCommerce's trash):
	// it is created again.
	DriftMissing Drift = "missing"
)

// Drifts lists every drift, in report order.
var Drifts = []Drift{DriftPrice, DriftStock, DriftStatus, DriftPublished, DriftMissing}

// VerifySummary is what Verify found in a shop's storefront.
type VerifySummary struct {
	Checked int // storefront products read
	// Matching products of the connector show what it pushed last.
	Matching int
	// Repaired counts the connector's products marked to be pushed again, by what differed (a
	// product that differs in several ways counts under each); Missing ones are under
	// DriftMissing. Listings is how many listings were marked in all.
	Repaired map[Drift]int
	Listings int
	// Missing is how many of the connector's products the store no longer has (of which those
	// the connector had taken off sale are only forgotten, not created again).
	Missing int
	// NotOurs counts storefront products no listing of the shop follows: the merchant's own, or
	// a product carrying one of the connector's SKUs that is not the listing's product.
	NotOurs int
	// Unchecked products of the connector had nothing pushed whole to compare with.
	Unchecked int
	Pages     int // ListProducts calls
}

// Verify reads every product of the shop's storefront (ListProducts, page by page) and compares
// each of the connector's products with what was last pushed to it: price, stock, status. What
// differs is repaired through the normal path: the listing's pushed hashes for that part are
// cleared, so that the next Plan computes the change and Push sends it (Runner.Verify runs both
// at once). A listing whose product is not in the store any more forgets it (and the images the
// platform deleted with it) and is created again by the next push, as a deleted product found by
// a write is. Each finding is recorded as a listing event (repaired, missing).
//
// A product deleted or created while the pages are read may be missed by the read; a missed
// product of the connector counts as missing, and its re-creation adopts it by its SKU, so the
// cost of such a miss is one write, never a duplicate (where the platform adopts by SKU:
// WooCommerce, Shopify by the intcomex.sku metafield, memory).
//
// Verify must not run concurrently with a Push of the same shop (the caller holds the account's
// run lock, as for a sync).
func (s *Syncer) Verify(ctx context.Context, shopID int64, sf platforms.Storefront) (VerifySummary, error) {
	sum := VerifySummary{Repaired: map[Drift]int{}}
	seen := map[string]struct{}{} // storefront product ids of the connector's products read
	cursor := ""
	for {
		page, err := sf.ListProducts(ctx, cursor, DefaultVerifyPageSize)
		sum.Pages++
		if err != nil {
			return sum, fmt.Errorf("listing: verify shop %d: read the store: %w", shopID, err)
		}
		if err := s.verifyPage(ctx, shopID, page.Products, seen, &sum); err != nil {
			return sum, err
		}
		if page.Next == "" {
			break
		}
		if page.Next == cursor {
			return sum, fmt.Errorf("listing: verify shop %d: the store's pages do not advance (cursor %q)", shopID, cursor)
		}
		cursor = page.Next
	}
	if err := s.verifyMissing(ctx, shopID, sf.Capabilities(), seen, &sum); err != nil {
		return sum, err
	}
	s.logger().InfoContext(ctx, "listing: verified", "shop", shopID, "checked", sum.Checked, "matching", sum.Matching,
		"repaired", sum.Listings, "missing", sum.Missing, "not_ours", sum.NotOurs)
	return sum, nil
}

// verifyPage compares one page of storefront products with their listings and marks the ones
// that differ.
func (s *Syncer) verifyPage(ctx context.Context, shopID int64, products []platforms.ListedProduct, seen map[string]struct{}, sum *VerifySummary) error {
	sum.Checked += len(products)
	skus := make([]string, 0, len(products))
	for _, p := range products {
		if p.Ref.SKU != "" {
			skus = append(skus, p.Ref.SKU)
		}
	}
	listings, err := s.Store.ListingsBySKU(ctx, shopID, skus)
	if err != nil {
		return fmt.Errorf("listing: verify: %w", err)
	}
	var writes []store.Listing
	var events []store.ListingEvent
	for _, p := range products {
		l, ok := listings[p.Ref.SKU]
		if !ok || p.Ref.SKU == "" || l.ProductID == "" || l.ProductID != p.Ref.ProductID {
			sum.NotOurs++
			continue
		}
		if _, dup := seen[l.ProductID]; dup {
			continue // listed twice (a page boundary moved): compared once
		}
		seen[l.ProductID] = struct{}{}
		next, drifts, why := compareListed(l, p)
		switch {
		case len(drifts) > 0:
			sum.Listings++
			for _, d := range drifts {
				sum.Repaired[d]++
			}
			writes = append(writes, next)
			events = append(events, store.ListingEvent{ShopID: shopID, SKU: l.SKU, Kind: EventRepaired,
				Detail: "the store showed " + strings.Join(why, "; ") + ": pushed again"})
			listings[p.Ref.SKU] = next
		case l.State != store.ListingUnpublished && l.ContentHash == "":
			sum.Unchecked++
		default:
			sum.Matching++
		}
	}
	if err := s.Store.SaveListingChanges(ctx, writes, events); err != nil {
		return fmt.Errorf("listing: verify: %w", err)
	}
	return nil
}

// compareListed compares what the store shows of l's product with what was pushed to it. It
// returns l with the pushed hashes of what differs cleared (so that Plan sends that part again),
// the drifts, and a phrase for each.
func compareListed(l store.Listing, p platforms.ListedProduct) (store.Listing, []Drift, []string) {
	var drifts []Drift
	var why []string
	if l.State == store.ListingUnpublished {
		if p.Published {
			// On sale again by hand: as far as the plan knows it is on the storefront and on sale.
			l.State = store.ListingPublished
			drifts, why = append(drifts, DriftPublished), append(why, "on sale a product the connector had taken off sale")
		}
		return l, drifts, why
	}
	if l.ContentHash == "" {
		return l, nil, nil // never pushed whole: nothing to compare with
	}
	if !p.Published {
		l.ContentHash = ""
		return l, append(drifts, DriftStatus), append(why, "it off sale")
	}
	if l.PriceHash != "" && l.Price.Valid {
		if price, err := decimal.NewFromString(strings.TrimSpace(p.Price)); err != nil || !price.Equal(l.Price.Decimal) {
			l.PriceHash = ""
			drifts = append(drifts, DriftPrice)
			why = append(why, fmt.Sprintf("price %q where %s was pushed", p.Price, l.Price.Decimal.String()))
		}
	}
	if l.StockHash != "" && stockHash(p.ManageStock, p.Stock, p.Status) != l.StockHash {
		if p.Stock != l.Stock {
			l.StockHash = ""
			drifts = append(drifts, DriftStock)
			why = append(why, fmt.Sprintf("stock %d where %d was pushed", p.Stock, l.Stock))
		} else {
			// Hidden, shown or tracked otherwise than pushed: a full write sets all of it.
			l.ContentHash = ""
			drifts = append(drifts, DriftStatus)
			why = append(why, fmt.Sprintf("status %s (stock tracked: %v) other than pushed", p.Status, p.ManageStock))
		}
	}
	return l, drifts, why
}

// verifyMissing handles the shop's listings with a storefront product Verify did not read: the
// store no longer has it. A product the connector had taken off sale is only forgotten; any
// other is created again by the next push.
func (s *Syncer) verifyMissing(ctx context.Context, shopID int64, caps platforms.Capabilities, seen map[string]struct{}, sum *VerifySummary) error {
	var after int64
	for {
		page, err := s.Store.ListingsPage(ctx, shopID, after, DefaultPageSize)
		if err != nil {
			return fmt.Errorf("listing: verify: %w", err)
		}
		var writes []store.Listing
		var events []store.ListingEvent
		for _, l := range page {
			if l.ProductID == "" {
				continue
			}
			if _, ok := seen[l.ProductID]; ok {
				continue
			}
			old := l.ProductID
			next, err := s.forgetProduct(ctx, shopID, l, caps)
			if err != nil {
				return err
			}
			sum.Missing++
			detail := fmt.Sprintf("product %s is not in the store (deleted, or in the trash): it is created again", old)
			if l.State == store.ListingUnpublished {
				detail = fmt.Sprintf("product %s, which the connector had taken off sale, is not in the store any more: forgotten", old)
			} else {
				sum.Listings++
				sum.Repaired[DriftMissing]++
				next.State = store.ListingPending
				next = clearPending(next) // the next plan makes it a create
			}
			writes = append(writes, next)
			events = append(events, store.ListingEvent{ShopID: shopID, SKU: l.SKU, Kind: EventMissing, Detail: detail})
		}
		if err := s.Store.SaveListingChanges(ctx, writes, events); err != nil {
			return fmt.Errorf("listing: verify: %w", err)
		}
		if len(page) < DefaultPageSize {
			return nil
		}
		after = page[len(page)-1].ID
	}
}
