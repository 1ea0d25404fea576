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

// Listing event kinds (store.ListingEvent.Kind): what happened to a listing outside a plain push.
const (
	// EventGone: a write found the storefront product deleted (it is created again, or, for an
	// unpublish, recorded as not on the storefront).
	EventGone = "gone"
	// EventRecreated: a product deleted in the store was created again.
	EventRecreated = "recreated"
	// EventAdopted: the SKU was found on another storefront product than the one known (a
	// create whose SKU the store already had, a write whose product was gone), which the listing
	// follows from then on.
	EventAdopted = "adopted"
	// EventMissing: the verification did not find the listing's product in the store.
	EventMissing = "missing"
	// EventRepaired: the verification found the store showing other than what was pushed, and
	// had it pushed again.
	EventRepaired = "repaired"
	// EventReset: a person reset the listing (connector listings reset).
	EventReset = "reset"
)
