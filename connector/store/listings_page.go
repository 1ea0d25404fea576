package store

import (
	"context"

	"gorm.io/gorm"
)

// ListingFilter selects a shop's listings for ListListingsPage. Zero fields do not filter.
type ListingFilter struct {
	States []string // ListingPublished, ListingError, ...
	// HasError keeps listings whose last push failed (LastError set; true) or did not (false).
	HasError *bool
	// Pending keeps listings with (true) or without (false) a change waiting to be pushed.
	Pending *bool
	// Search matches text anywhere in the SKU or the storefront product id.
	Search string
}

func (f ListingFilter) apply(q *gorm.DB) *gorm.DB {
	if len(f.States) > 0 {
		q = q.Where("state IN ?", f.States)
	}
	q = whereFlag(q, f.HasError, "last_error <> ''", "last_error = ''")
	q = whereFlag(q, f.Pending, "pending_change <> ''", "pending_change = ''")
	return likeAny(q, f.Search, "sku", "product_id")
}

// ListingSorts are the sort keys of ListListingsPage: "sku" (the default, ascending), "state",
// "price", "stock", "pushed" and "updated".
var ListingSorts = listingSorts.keys()

var listingSorts = sortSpec{
	list: "listings", def: "sku", tie: "id",
	columns: map[string]string{
		"sku":     "sku",
		"state":   "state",
		"price":   "price",
		"stock":   "stock",
		"pushed":  "pushed_at",
		"updated": "updated_at",
	},
	sqlite: map[string]string{"price": "CAST(price AS REAL)"}, // as products' cost
}

// ListListingsPage returns one page of the shop's listings matching f and how many match. An
// unknown sort key is ErrInvalid.
func (s *Store) ListListingsPage(ctx context.Context, shopID int64, f ListingFilter, p Page) (PageOf[Listing], error) {
	q := f.apply(s.db.WithContext(ctx).Model(&listingRow{}).Where("shop_id = ?", shopID))
	return findPage(q, listingSorts, s.dialect, p, func(r *listingRow) (Listing, error) { return r.listing(), nil })
}
