package listing

import "github.com/intcomex-connector/connector/connector/store"

// Kind is the kind of a pending change (stored in listings.pending_change).
type Kind string

// Change kinds; see the package documentation.
const (
	KindNone       Kind = ""
	KindCreate     Kind = "create"
	KindUpdate     Kind = "update"
	KindPrice      Kind = "price"
	KindStock      Kind = "stock"
	KindPriceStock Kind = "price_stock"
	KindUnpublish  Kind = "unpublish"
)

// Kinds lists every kind but KindNone, in push order.
var Kinds = []Kind{KindCreate, KindUpdate, KindPrice, KindPriceStock, KindStock, KindUnpublish}

// Pushed is what the storefront holds for a SKU, as far as the listings table knows.
type Pushed struct {
	OnStorefront bool // a storefront product id is known
	Unpublished  bool // the connector took it off sale
	Hashes       Hashes
}

// PushedOf reads a stored listing.
func PushedOf(l store.Listing) Pushed {
	return Pushed{
		OnStorefront: l.ProductID != "",
		Unpublished:  l.State == store.ListingUnpublished,
		Hashes:       Hashes{Content: l.ContentHash, Price: l.PriceHash, Stock: l.StockHash},
	}
}

// Classify compares the desired hashes (nil: the product must not be listed) with what was
// pushed and returns the change to make.
func Classify(desired *Hashes, pushed Pushed) Kind {
	if desired == nil {
		if pushed.OnStorefront && !pushed.Unpublished {
			return KindUnpublish
		}
		return KindNone
	}
	switch {
	case !pushed.OnStorefront:
		return KindCreate
	case pushed.Unpublished || desired.Content != pushed.Hashes.Content:
		return KindUpdate
	}
	price := desired.Price != pushed.Hashes.Price
	stock := desired.Stock != pushed.Hashes.Stock
	switch {
	case price && stock:
		return KindPriceStock
	case price:
		return KindPrice
	case stock:
		return KindStock
	}
	return KindNone
}
