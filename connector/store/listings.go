package store

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Listing states: what the storefront holds for a SKU, as far as the connector knows.
const (
	ListingPending     = "pending"      // never pushed yet
	ListingPublished   = "published"    // on sale
	ListingOutOfStock  = "out_of_stock" // on the storefront with no stock (out of stock or hidden)
	ListingUnpublished = "unpublished"  // taken off sale by the connector
	ListingError       = "error"        // the last push of the pending change failed (LastError)
)

// Listing is one shop's state for one IWS SKU: the storefront ids, what was last pushed (hashes,
// price, stock) and the change computed but not pushed yet (PendingChange with the Desired
// document and its hashes). The kinds of change and the document belong to connector/listing;
// the store keeps them as text.
type Listing struct {
	ID                                                     int64
	ShopID                                                 int64
	SKU                                                    string
	ProductID                                              string
	VariantID                                              string
	InventoryItemID                                        string
	State                                                  string
	PendingChange                                          string // "" when nothing is pending
	Desired                                                string // JSON document of the desired listing while a change is pending
	DesiredContentHash, DesiredPriceHash, DesiredStockHash string
	// Hashes of what was last pushed successfully.
	ContentHash, PriceHash, StockHash string
	// ImagesHash identifies the image list last attached ("" none; ImagesLegacy: pushed before
	// images were tracked). DesiredImages is the JSON list of image URLs waiting to be attached
	// ("" nothing pending); the image pass of a push takes listings that have one.
	ImagesHash    string
	DesiredImages string
	Price         decimal.NullDecimal // last pushed price
	// CostBasis is the IWS unit cost (IWS currency) Price was computed from: order validation
	// holds an order whose cost rose past the shop's tolerance above it. Null for listings
	// pushed before it was recorded.
	CostBasis decimal.NullDecimal
	Currency  string
	Stock     int // last pushed stock
	LastError string
	Attempts  int // failed pushes of the pending change
	PushedAt  time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

type listingRow struct {
	ID                 int64               `gorm:"column:id;primaryKey"`
	ShopID             int64               `gorm:"column:shop_id"`
	SKU                string              `gorm:"column:sku"`
	ProductID          string              `gorm:"column:product_id"`
	VariantID          string              `gorm:"column:variant_id"`
	InventoryItemID    string              `gorm:"column:inventory_item_id"`
	State              string              `gorm:"column:state"`
	PendingChange      string              `gorm:"column:pending_change"`
	Desired            *string             `gorm:"column:desired"`
	DesiredContentHash string              `gorm:"column:desired_content_hash"`
	DesiredPriceHash   string              `gorm:"column:desired_price_hash"`
	DesiredStockHash   string              `gorm:"column:desired_stock_hash"`
	ContentHash        string              `gorm:"column:content_hash"`
	PriceHash          string              `gorm:"column:price_hash"`
	StockHash          string              `gorm:"column:stock_hash"`
	ImagesHash         string              `gorm:"column:images_hash"`
	DesiredImages      *string             `gorm:"column:desired_images"`
	ImagesPending      bool                `gorm:"column:images_pending"`
	Price              decimal.NullDecimal `gorm:"column:price"`
	CostBasis          decimal.NullDecimal `gorm:"column:cost_basis"`
	Currency           string              `gorm:"column:currency"`
	Stock              int                 `gorm:"column:stock"`
	LastError          string              `gorm:"column:last_error"`
	Attempts           int                 `gorm:"column:attempts"`
	PushedAt           *time.Time          `gorm:"column:pushed_at"`
	CreatedAt          time.Time           `gorm:"column:created_at"`
	UpdatedAt          time.Time           `gorm:"column:updated_at"`
}

func (listingRow) TableName() string { return "listings" }

// listingUpdateColumns are written on conflict: everything but the key and created_at.
var listingUpdateColumns = []string{
	"product_id", "variant_id", "inventory_item_id", "state", "pending_change", "desired",
	"desired_content_hash", "desired_price_hash", "desired_stock_hash",
	"content_hash", "price_hash", "stock_hash", "images_hash", "desired_images", "images_pending",
	"price", "cost_basis", "currency", "stock",
	"last_error", "attempts", "pushed_at", "updated_at",
}

func (r listingRow) listing() Listing {
	l := Listing{
		ID: r.ID, ShopID: r.ShopID, SKU: r.SKU, ProductID: r.ProductID, VariantID: r.VariantID,
		InventoryItemID: r.InventoryItemID, State: r.State, PendingChange: r.PendingChange,
		DesiredContentHash: r.DesiredContentHash, DesiredPriceHash: r.DesiredPriceHash, DesiredStockHash: r.DesiredStockHash,
		ContentHash: r.ContentHash, PriceHash: r.PriceHash, StockHash: r.StockHash, ImagesHash: r.ImagesHash,
		Price: r.Price, CostBasis: r.CostBasis, Currency: r.Currency, Stock: r.Stock, LastError: r.LastError, Attempts: r.Attempts,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.Desired != nil {
		l.Desired = *r.Desired
	}
	if r.DesiredImages != nil {
		l.DesiredImages = *r.DesiredImages
	}
	if r.PushedAt != nil {
		l.PushedAt = r.PushedAt.UTC()
	}
	return l
}

func listingToRow(l Listing, now time.Time) listingRow {
	r := listingRow{
		ID: l.ID, ShopID: l.ShopID, SKU: l.SKU, ProductID: l.ProductID, VariantID: l.VariantID,
		InventoryItemID: l.InventoryItemID, State: l.State, PendingChange: l.PendingChange,
		DesiredContentHash: l.DesiredContentHash, DesiredPriceHash: l.DesiredPriceHash, DesiredStockHash: l.DesiredStockHash,
		ContentHash: l.ContentHash, PriceHash: l.PriceHash, StockHash: l.StockHash, ImagesHash: l.ImagesHash,
		Price: l.Price, CostBasis: l.CostBasis, Currency: l.Currency, Stock: l.Stock, LastError: l.LastError, Attempts: l.Attempts,
		CreatedAt: now, UpdatedAt: now,
	}
	if l.Desired != "" {
		d := l.Desired
		r.Desired = &d
	}
	if l.DesiredImages != "" {
		d := l.DesiredImages
		r.DesiredImages, r.ImagesPending = &d, true
	}
	if !l.PushedAt.IsZero() {
		t := l.PushedAt.UTC()
		r.PushedAt = &t
	}
	if r.Price.Valid {
		r.Price.Decimal = r.Price.Decimal.Round(4) // DECIMAL(19,4)
	}
	r.CostBasis = round4(r.CostBasis)
	return r
}

func validListingState(s string) bool {
	switch s {
	case ListingPending, ListingPublished, ListingOutOfStock, ListingUnpublished, ListingError:
		return true
	}
	return false
}

// SaveListings writes listings in one transaction, inserting the (shop, SKU) pairs that are new
// and overwriting every other field of those that exist. The listing package calls it with the
// change sets it computes and with push results.
func (s *Store) SaveListings(ctx context.Context, listings []Listing) error {
	return s.SaveListingChanges(ctx, listings, nil)
}

// upsertListings writes rows in tx, inserting the (shop, SKU) pairs that are new and
// overwriting every other field of those that exist.
func upsertListings(tx *gorm.DB, rows []listingRow) error {
	if len(rows) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "shop_id"}, {Name: "sku"}},
		DoUpdates: clause.AssignmentColumns(listingUpdateColumns),
	}).CreateInBatches(&rows, 200).Error
}

// Listing returns the listing of sku in the shop, or ErrNotFound.
func (s *Store) Listing(ctx context.Context, shopID int64, sku string) (Listing, error) {
	var row listingRow
	if err := s.db.WithContext(ctx).Where("shop_id = ? AND sku = ?", shopID, sku).Take(&row).Error; err != nil {
		return Listing{}, notFound("listing", err)
	}
	return row.listing(), nil
}

// ListingsBySKU returns the shop's listings of these SKUs, keyed by SKU; SKUs without a listing
// are absent.
func (s *Store) ListingsBySKU(ctx context.Context, shopID int64, skus []string) (map[string]Listing, error) {
	out := make(map[string]Listing, len(skus))
	const chunk = 500
	for start := 0; start < len(skus); start += chunk {
		var rows []listingRow
		part := skus[start:min(start+chunk, len(skus))]
		if err := s.db.WithContext(ctx).Where("shop_id = ? AND sku IN ?", shopID, part).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("store: listings by SKU: %w", err)
		}
		for _, r := range rows {
			out[r.SKU] = r.listing()
		}
	}
	return out, nil
}

// ListingsPage returns up to limit of the shop's listings with an id above afterID, by id.
// With changes given, only listings whose pending change is one of them.
func (s *Store) ListingsPage(ctx context.Context, shopID, afterID int64, limit int, changes ...string) ([]Listing, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("store: listings page: %w: limit %d", ErrInvalid, limit)
	}
	q := s.db.WithContext(ctx).Where("shop_id = ? AND id > ?", shopID, afterID)
	if len(changes) > 0 {
		q = q.Where("pending_change IN ?", changes)
	}
	var rows []listingRow
	if err := q.Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: listings page: %w", err)
	}
	out := make([]Listing, len(rows))
	for i, r := range rows {
		out[i] = r.listing()
	}
	return out, nil
}

// ListingsWithImagesPending returns up to limit of the shop's listings with an id above afterID,
// by id, that have images waiting to be attached and a storefront product to attach them to.
func (s *Store) ListingsWithImagesPending(ctx context.Context, shopID, afterID int64, limit int) ([]Listing, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("store: listings with images pending: %w: limit %d", ErrInvalid, limit)
	}
	var rows []listingRow
	err := s.db.WithContext(ctx).Where("shop_id = ? AND images_pending = ? AND id > ? AND product_id <> ''", shopID, true, afterID).
		Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: listings with images pending: %w", err)
	}
	out := make([]Listing, len(rows))
	for i, r := range rows {
		out[i] = r.listing()
	}
	return out, nil
}

// ListingCounts counts the shop's listings by state, and by pending change under the key
// "pending:<change>".
func (s *Store) ListingCounts(ctx context.Context, shopID int64) (map[string]int, error) {
	type count struct {
		Key string `gorm:"column:k"`
		N   int    `gorm:"column:n"`
	}
	out := map[string]int{}
	for _, col := range []string{"state", "pending_change"} {
		var rows []count
		err := s.db.WithContext(ctx).Model(&listingRow{}).Select(col+" AS k, COUNT(*) AS n").
			Where("shop_id = ?", shopID).Group(col).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("store: listing counts: %w", err)
		}
		for _, r := range rows {
			switch {
			case col == "state":
				out[r.Key] = r.N
			case r.Key != "":
				out["pending:"+r.Key] = r.N
			}
		}
	}
	return out, nil
}
