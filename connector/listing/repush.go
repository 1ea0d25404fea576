package listing

import (
	"context"
	"errors"
	"fmt"

	"github.com/intcomex-connector/connector/connector/store"
)

// EventRepush: a person asked for the listing to be pushed again (the web UI's "push now").
const EventRepush = "repush"

// MarkRepush makes the next Plan of the shop send sku whole again: it forgets the hashes of what
// was pushed (content, price, stock) and the count of failed attempts, keeping the storefront
// ids, so that the plan updates the product the store has (or creates it, when it never was) and
// a product the shop no longer wants is still taken off sale. Unlike Reset nothing else is
// forgotten: no id, no image. A repush event records it. A SKU without a listing has nothing to
// mark (the next plan creates it if the shop wants it): found is false then.
//
// MarkRepush must not run concurrently with a Plan or Push of the same shop (the caller holds
// the account's run lock): a plan writing the listing it read before would undo the mark.
func (s *Syncer) MarkRepush(ctx context.Context, shopID int64, sku string) (found bool, err error) {
	l, err := s.Store.Listing(ctx, shopID, sku)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("listing: repush %s: %w", sku, err)
	}
	l.ContentHash, l.PriceHash, l.StockHash = "", "", ""
	l.Attempts = 0
	ev := store.ListingEvent{ShopID: shopID, SKU: sku, Kind: EventRepush,
		Detail: "push asked for by a person (was " + l.State + "): the next push sends it whole"}
	if err := s.Store.SaveListingChanges(ctx, []store.Listing{l}, []store.ListingEvent{ev}); err != nil {
		return false, fmt.Errorf("listing: repush %s: %w", sku, err)
	}
	return true, nil
}
