// Package platforms defines what the connector needs from a storefront (WooCommerce, Shopify, the
// in-memory demo shop) and the platform-neutral types it speaks in. Each platform has one adapter
// implementing Storefront; platformtest.Run is the contract suite every adapter passes.
//
// Storefront is four interfaces, each owned by its consumer: Catalog (connector/listing's
// push), Orders (the order pipeline's reads and write-backs), Webhooks (the intake and the
// shop setup) and Checker (connecting a shop). platformtest.Run checks Catalog and
// platformtest.RunOrders Orders and Webhooks; each adapter tests its Check against its fake.
//
// Conventions shared by every batch method:
//
//   - A call takes at most Capabilities().BatchSize items; more is an error wrapping ErrInvalid.
//   - The returned error reports a failure of the whole call (network, authentication, rate limit
//     after retries): the caller must assume none of the items was applied and retry them later.
//   - Otherwise the call returns exactly one ItemResult per input item, in input order; an item
//     that failed has Err set and does not affect the others.
//   - Prices travel as decimal strings with exactly the currency's minor-unit digits ("19.90" USD,
//     "12990" CLP); the adapter never parses them into floats.
package platforms

import (
	"context"
	"errors"
)

// Sentinel errors an adapter wraps in per-item or call errors.
var (
	// ErrNotFound reports a storefront object (product, variant, inventory item) that does not exist.
	ErrNotFound = errors.New("platforms: not found")
	// ErrInvalid reports input the storefront refuses (a batch too large, a malformed price).
	ErrInvalid = errors.New("platforms: invalid")
	// ErrRateLimited reports a call refused by the platform's rate limit after the adapter's retries.
	ErrRateLimited = errors.New("platforms: rate limited")
)

// Storefront is one connected shop: its catalog, its orders, its webhooks and the check of its
// connection. Implementations are safe for concurrent use.
type Storefront interface {
	Catalog
	Orders
	Webhooks
	Checker
}

// Catalog is the catalog half of a storefront, what the listing push needs.
type Catalog interface {
	// Capabilities describes the platform's limits; it does no I/O.
	Capabilities() Capabilities
	// EnsureCategories makes sure every path exists on the storefront (root to leaf, each node
	// keyed by its IWS category id) and returns the storefront id of every node of every path,
	// keyed by IWS category id. It is idempotent.
	EnsureCategories(ctx context.Context, paths []CategoryPath) (map[string]string, error)
	// EnsureBrands does the same for brands, keyed by IWS brand id. A platform without brands
	// returns an empty map and no error.
	EnsureBrands(ctx context.Context, brands []Brand) (map[string]string, error)
	// UpsertProducts creates the products whose Ref has no ProductID and updates the others
	// (every field, price and stock included). Results carry the storefront ids.
	UpsertProducts(ctx context.Context, products []ProductInput) ([]ItemResult, error)
	// UpdateStock sets quantity and status only.
	UpdateStock(ctx context.Context, updates []StockUpdate) ([]ItemResult, error)
	// UpdatePrices sets prices only.
	UpdatePrices(ctx context.Context, updates []PriceUpdate) ([]ItemResult, error)
	// Unpublish takes products off sale (draft/private): they stay on the storefront, with their
	// ids and order history, and a later UpsertProducts publishes them again.
	Unpublish(ctx context.Context, refs []ProductRef) ([]ItemResult, error)
}

// Capabilities are the real differences between platforms that the push adapts to.
type Capabilities struct {
	// BatchSize is the most items one batch call accepts (WooCommerce batch endpoints: 100).
	BatchSize int
	// BulkOperations: the platform runs large jobs asynchronously (Shopify bulk mutations), so a
	// caller with many items may prefer fewer, larger submissions.
	BulkOperations bool
	// CostThrottle: the rate limit is a query-cost budget (Shopify GraphQL) rather than a
	// request count; the adapter paces itself, callers need not.
	CostThrottle bool
}

// Status is how a product shows on the storefront.
type Status string

// Product statuses.
const (
	StatusPublish    Status = "publish"      // visible, can be bought when Stock > 0
	StatusOutOfStock Status = "out_of_stock" // visible, marked out of stock
	StatusHidden     Status = "hidden"       // on the storefront but not visible in the catalog
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	return s == StatusPublish || s == StatusOutOfStock || s == StatusHidden
}

// CategoryNode is one level of an IWS category path.
type CategoryNode struct {
	ID   string `json:"id"` // dotted IWS id, "cpt.nb"
	Name string `json:"name"`
}

// CategoryPath lists a category from the root to the leaf.
type CategoryPath []CategoryNode

// Leaf returns the path's last node, or the zero node for an empty path.
func (p CategoryPath) Leaf() CategoryNode {
	if len(p) == 0 {
		return CategoryNode{}
	}
	return p[len(p)-1]
}

// Brand is an IWS brand.
type Brand struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ProductRef identifies a product on the storefront. SKU is always set; the ids are whatever the
// platform uses (WooCommerce: product id only; Shopify: product, variant and inventory item gids).
type ProductRef struct {
	SKU             string `json:"sku"`
	ProductID       string `json:"product_id,omitempty"`
	VariantID       string `json:"variant_id,omitempty"`
	InventoryItemID string `json:"inventory_item_id,omitempty"`
}

// ProductInput is a whole product as the connector wants it on the storefront.
type ProductInput struct {
	Ref         ProductRef
	Title       string
	Description string // plain text or simple HTML from the IWS extended catalog
	Price       string // exactly the currency's digits
	Currency    string // ISO 4217
	// ManageStock is false for products sold without stock tracking (licences, downloads): the
	// storefront then ignores Stock.
	ManageStock bool
	Stock       int
	Status      Status
	Images      []string // URLs, main image first
	// CategoryID and BrandID are storefront ids from EnsureCategories and EnsureBrands ("" none).
	CategoryID   string
	CategoryPath CategoryPath
	BrandID      string
	Brand        Brand
	Attributes   map[string]string // specifications
	// Weight and dimensions as decimal strings in kilograms and centimetres ("" unknown).
	WeightKg, LengthCm, WidthCm, HeightCm string
	// Meta is stored on the product as metadata (for example intcomex_sku).
	Meta map[string]string
}

// StockUpdate sets a product's quantity and status.
type StockUpdate struct {
	Ref         ProductRef
	ManageStock bool
	Stock       int
	Status      Status
}

// PriceUpdate sets a product's price.
type PriceUpdate struct {
	Ref      ProductRef
	Price    string // exactly the currency's digits
	Currency string
}

// ItemResult is the outcome of one item of a batch call: the product's storefront ids, or Err.
type ItemResult struct {
	Ref ProductRef
	Err error
}
