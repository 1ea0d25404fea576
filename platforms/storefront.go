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
//
// Images. A product is written in two steps: UpsertProducts creates or updates everything but
// its images (so the catalog is live in seconds), and SetImages attaches the images later, in
// batches of at most Capabilities().ImageBatchSize that a caller may run several at once. No
// product write other than SetImages touches a product's images: an update or an unpublish
// keeps the images the product has. Media ids are the storefront's (a WooCommerce attachment
// id, a Shopify file gid); the adapters keep no record of them across calls. The caller keeps the
// map from source URL to media id (connector/store does, per shop) and hands the known id back
// in Image.MediaID, so an image the storefront holds is never uploaded again. An image uploaded
// from its URL is tagged with ImageTag(URL) (WooCommerce: the attachment's name; Shopify: in the
// file name), so that FindImages can recognise it after an upload whose answer was lost.
//
// Reading back. ListProducts pages through every product the storefront holds (the connector's
// and the merchant's own), with what a shopper sees of each: price, stock, status. The listing
// verification compares it with what the connector pushed, and the contract suite reads a push
// back through it.
//
// Products deleted on the storefront. An update, price, stock or unpublish item of a product
// the storefront no longer has fails with ErrNotFound (an adapter that finds the SKU on another
// product uses that one and says so in the result's Ref). A create whose SKU the storefront
// already holds adopts that product instead (it is updated; ItemResult.Adopted where the platform
// tells).
package platforms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Sentinel errors an adapter wraps in per-item or call errors.
var (
	// ErrNotFound reports a storefront object (product, variant, inventory item) that does not exist.
	ErrNotFound = errors.New("platforms: not found")
	// ErrInvalid reports input the storefront refuses (a batch too large, a malformed price).
	ErrInvalid = errors.New("platforms: invalid")
	// ErrRateLimited reports a call refused by the platform's rate limit after the adapter's retries.
	ErrRateLimited = errors.New("platforms: rate limited")
	// ErrUnsupported reports an operation the platform (or the shop's credentials) cannot do.
	ErrUnsupported = errors.New("platforms: not supported")
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
	// (every field, price and stock included, images excepted: an update keeps the product's
	// images). Results carry the storefront ids.
	UpsertProducts(ctx context.Context, products []ProductInput) ([]ItemResult, error)
	// UpdateStock sets quantity and status only.
	UpdateStock(ctx context.Context, updates []StockUpdate) ([]ItemResult, error)
	// UpdatePrices sets prices only.
	UpdatePrices(ctx context.Context, updates []PriceUpdate) ([]ItemResult, error)
	// UpdatePriceStock sets price, quantity and status together, as one write of each product
	// where the platform allows it (WooCommerce: one batch item, one product save).
	UpdatePriceStock(ctx context.Context, updates []PriceStockUpdate) ([]ItemResult, error)
	// Unpublish takes products off sale (draft/private): they stay on the storefront, with their
	// ids, images and order history, and a later UpsertProducts publishes them again.
	Unpublish(ctx context.Context, refs []ProductRef) ([]ItemResult, error)
	// SetImages makes each product show exactly its Images, in order (main image first; an
	// empty list removes the product's images, deleting no media). An Image with a MediaID is
	// referenced by it (a MediaID the storefront no longer has is uploaded again from its URL,
	// and the result carries the new id); one without is uploaded from its URL, tagged with
	// ImageTag(URL). At most Capabilities().ImageBatchSize sets per call. Results carry the
	// media id of every image of the set, in order. Calls may run concurrently; an adapter told
	// about a Pacer in ctx (WithPacer) reports rate limiting to it and waits for it before each
	// request.
	SetImages(ctx context.Context, sets []ImageSet) ([]ImageResult, error)
	// FindImages looks, for each query, for the query's URLs among the product's current images
	// uploaded with their ImageTag: what an interrupted SetImages may have uploaded. Results
	// carry one media id per URL ("" not there). At most Capabilities().BatchSize queries.
	FindImages(ctx context.Context, queries []ImageQuery) ([]ImageResult, error)
	// DeleteMedia deletes media from the storefront (the connector's orphans), detaching them
	// from any product. A platform that cannot (Capabilities().DeleteMedia false) returns an
	// error wrapping ErrUnsupported. One MediaResult per id, in order; an id the storefront no
	// longer has is a success. At most Capabilities().BatchSize ids per call.
	DeleteMedia(ctx context.Context, mediaIDs []string) ([]MediaResult, error)
	// ListProducts returns one page of the storefront's products, in a stable order: cursor ""
	// starts, ProductPage.Next continues ("" after the last page). limit is the most products
	// wanted; an adapter returns fewer when the platform pages smaller (WooCommerce: 100). Every
	// product is listed once, published or not; variants of the merchant's own multi-variant
	// products are listed as products of their own. A product deleted or added while the pages
	// are read may be missed or seen twice; anything else is listed exactly once.
	ListProducts(ctx context.Context, cursor string, limit int) (ProductPage, error)
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
	// ImageBatchSize is the most sets one SetImages call accepts (1..BatchSize). Uploads are the
	// slow part of a push (WooCommerce downloads every image inside the request), so it is
	// smaller than BatchSize where requests would otherwise run for minutes.
	ImageBatchSize int
	// DeleteMedia: DeleteMedia works. WooCommerce's REST API cannot delete media with the
	// shop's consumer keys (see the woocommerce package), so there it is false.
	DeleteMedia bool
	// MediaDeletedWithProduct: deleting a product on the storefront deletes the media only it
	// showed (Shopify). WooCommerce keeps a deleted product's attachments in its media library.
	MediaDeletedWithProduct bool
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

// PriceStockUpdate sets a product's price, quantity and status in one write.
type PriceStockUpdate struct {
	Ref         ProductRef
	Price       string // exactly the currency's digits
	Currency    string
	ManageStock bool
	Stock       int
	Status      Status
}

// Image is one image of a product: its source URL and, when the storefront already holds it,
// its media id.
type Image struct {
	URL     string
	MediaID string // "" uploads URL
}

// ImageSet is the whole image list a product should show.
type ImageSet struct {
	Ref    ProductRef
	Alt    string  // alternative text of the images uploaded (the product title)
	Images []Image // main image first; no URL twice
}

// ImageQuery asks which of URLs a product already shows (FindImages).
type ImageQuery struct {
	Ref  ProductRef
	URLs []string
}

// ImageResult is the outcome of one SetImages set or FindImages query: MediaIDs holds one id
// per image or URL, in order ("" for a URL FindImages did not find), or Err.
type ImageResult struct {
	Ref      ProductRef
	MediaIDs []string
	Err      error
}

// MediaResult is the outcome of deleting one media id.
type MediaResult struct {
	MediaID string
	Err     error
}

// ImageTag is the tag an adapter gives an image it uploads from url, and recognises it by
// afterwards: "intcomex-" and 16 hex digits of the URL's SHA-256.
func ImageTag(url string) string {
	h := sha256.Sum256([]byte(url))
	return "intcomex-" + hex.EncodeToString(h[:8])
}

// Pacer lets several concurrent calls share one view of the platform's rate limit: a caller
// running calls in parallel puts one in their context (WithPacer), and the adapter waits for it
// before each request and reports each 429 or 5xx answer to it.
type Pacer interface {
	// Wait blocks until a request may be sent, or ctx ends (its error).
	Wait(ctx context.Context) error
	// Throttled reports an answer refused for load (429, 503, any 5xx); retryAfter is the
	// platform's hint, 0 when it gave none.
	Throttled(retryAfter time.Duration)
}

type pacerKey struct{}

// WithPacer returns ctx carrying p.
func WithPacer(ctx context.Context, p Pacer) context.Context {
	return context.WithValue(ctx, pacerKey{}, p)
}

// PacerFrom returns the Pacer in ctx, or nil.
func PacerFrom(ctx context.Context) Pacer {
	p, _ := ctx.Value(pacerKey{}).(Pacer)
	return p
}

// ItemResult is the outcome of one item of a batch call: the product's storefront ids, or Err.
type ItemResult struct {
	Ref ProductRef
	Err error
	// Adopted: the item was a create, and the storefront already held a product with its SKU,
	// which was updated instead (Ref carries its ids). Shopify cannot tell (productSet finds the
	// product by its intcomex.sku metafield without saying so) and leaves it false.
	Adopted bool
}

// ListedProduct is a product as the storefront shows it (ListProducts).
type ListedProduct struct {
	Ref   ProductRef
	Title string
	// Price is the storefront's own text of the price (WooCommerce's regular price, Shopify's
	// variant price), "" when it has none: compare it as a decimal.
	Price string
	// ManageStock: the storefront tracks the product's stock; Stock is then its quantity (at the
	// connector's location on Shopify), else 0.
	ManageStock bool
	Stock       int
	// Published is false for a product off sale (WooCommerce: draft, pending or private;
	// Shopify: DRAFT or ARCHIVED). Status is how a published product shows: hidden when it is
	// not listed in the catalog (WooCommerce: catalog visibility hidden; Shopify: UNLISTED),
	// else out of stock when it cannot be bought for want of stock, else publish.
	Published bool
	Status    Status
}

// ProductPage is one page of ListProducts.
type ProductPage struct {
	Products []ListedProduct
	Next     string // the cursor of the next page; "" when this is the last
}
