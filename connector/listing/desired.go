// Package listing turns the IWS mirror into storefront listings for each connected shop: it
// computes the desired listing of every product (price from the shop's margin rules, stock from
// its stock policy, content in its locale), compares it with what was last pushed, stores the
// resulting change set in the listings table, and pushes it through a platforms.Storefront in
// batches.
//
// Change kinds. Every desired listing has three component hashes: content (everything but price
// and stock), price (price and currency) and stock (stock tracking, quantity and status). Against
// the hashes last pushed, a product is:
//
//   - create:      wanted and not on the storefront (no storefront product id);
//   - update:      wanted and its content changed, or it was unpublished and is wanted again;
//     an update sends the whole product, price and stock included;
//   - price:       only the price hash changed;
//   - stock:       only the stock hash changed;
//   - price_stock: price and stock changed but content did not: one item of one
//     UpdatePriceStock call sets both (one save of the product; never a full update);
//   - unpublish:   on the storefront and no longer wanted (inactive, unsellable, unpriceable,
//     filtered out, of a type the shop does not sell, or gone from the mirror);
//   - none:        nothing to push. A run over an unchanged mirror yields only none.
//
// Classify is the pure function behind this; Syncer.Plan and Syncer.Push do the I/O.
//
// Images. A product's image list is attached apart from its change kind: Plan marks a listing's
// images pending when the list differs from the one last attached (listings.images_hash), and
// the image pass of Push attaches them after every other change, with several SetImages calls
// in flight. Each shop's source URL → media id map (store.ShopImage) makes every image an
// upload once: across processes, restarts and locale changes, and after an interrupted push,
// whose unsettled uploads are looked for on the storefront (FindImages) before anything is sent
// again. An image the connector uploaded that no listing shows any more is deleted from the
// shop where the platform allows it, and kept recorded as an orphan where it does not.
//
// The store's own changes. A product deleted in the store is found by the first write of it
// (platforms.ErrNotFound) and created again in the same push, whole, with its images (or the
// product holding its SKU is adopted); Verify reads the whole store back (ListProducts) and marks
// what differs from what was pushed (price, stock, status, missing) for the normal plan and push
// to repair; Reset puts a listing back to "never pushed". Each of these leaves a listing event
// (store.ListingEvent; the Event* kinds).
package listing

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/pricing"
)

// Desired is a product as a shop should show it. It is stored (as JSON) with a pending change
// and sent to the storefront by Push.
type Desired struct {
	SKU          string                 `json:"sku"`
	Title        string                 `json:"title"`
	Description  string                 `json:"description"`
	Price        string                 `json:"price"` // exactly the currency's digits
	Currency     string                 `json:"currency"`
	ManageStock  bool                   `json:"manage_stock"`
	Stock        int                    `json:"stock"`
	Status       platforms.Status       `json:"status"`
	Images       []string               `json:"images,omitempty"`
	CategoryPath platforms.CategoryPath `json:"category_path,omitempty"`
	Brand        platforms.Brand        `json:"brand"`
	Attributes   map[string]string      `json:"attributes,omitempty"`
	WeightKg     string                 `json:"weight_kg,omitempty"`
	LengthCm     string                 `json:"length_cm,omitempty"`
	WidthCm      string                 `json:"width_cm,omitempty"`
	HeightCm     string                 `json:"height_cm,omitempty"`
	Meta         map[string]string      `json:"meta,omitempty"`
	// Cost is the IWS unit cost Price was computed from, recorded as the listing's cost basis
	// when the price is pushed (order validation compares today's cost with it). It is no part
	// of any hash: a cost change that leaves the price alone pushes nothing.
	Cost string `json:"cost,omitempty"`
}

// Hashes are the component hashes of a listing (hex SHA-256; "" for none).
type Hashes struct {
	Content, Price, Stock string
}

// Hashes returns d's component hashes. encoding/json writes map keys sorted, so they are
// deterministic.
func (d Desired) Hashes() Hashes {
	content := d
	content.Price, content.Currency, content.Cost = "", "", ""
	content.ManageStock, content.Stock, content.Status = false, 0, ""
	return Hashes{
		Content: hashJSON(content),
		Price:   hashJSON([]string{d.Price, d.Currency}),
		Stock:   stockHash(d.ManageStock, d.Stock, d.Status),
	}
}

// stockHash is the stock component of Hashes: stock tracking, quantity and status.
func stockHash(manage bool, stock int, status platforms.Status) string {
	return hashJSON([]any{manage, stock, status})
}

func hashJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("listing: hash: %v", err)) // only plain strings, ints and maps: cannot fail
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// State is the listing state that pushing d leaves.
func (d Desired) State() string {
	if d.Status == platforms.StatusPublish {
		return store.ListingPublished
	}
	return store.ListingOutOfStock
}

// Reason says why a product is not listed; "" means it is.
type Reason string

// Reasons a product is not listed.
const (
	ReasonInactive    Reason = "inactive"      // gone from the IWS catalog
	ReasonUnsellable  Reason = "unsellable"    // IWS gives no positive price
	ReasonUnpriceable Reason = "unpriceable"   // the shop's rules cannot price it (cost currency)
	ReasonType        Reason = "type_not_sold" // its type is not in the shop's stock policy
	ReasonFiltered    Reason = "filtered"      // the shop's category/brand filters leave it out
	ReasonGone        Reason = "gone"          // no longer in the mirror at all
)

// Desire computes the desired listing of p for shop, priced by pricer (compiled from the shop's
// rules), or the reason it must not be listed. Errors other than the reasons above (a pricing bug)
// are returned.
func Desire(shop store.Shop, pricer *pricing.Pricer, p *mirror.Product) (Desired, Reason, error) {
	if reason := Exclusion(shop, p); reason != "" {
		return Desired{}, reason, nil
	}
	res, reason, err := Price(pricer, p)
	if reason != "" || err != nil {
		return Desired{}, reason, err
	}
	d := Desired{
		SKU:         p.SKU,
		Title:       Title(shop.Locale, p),
		Price:       res.String(),
		Currency:    res.Currency,
		Images:      slices.Clone(p.Images),
		Brand:       platforms.Brand{ID: p.BrandID, Name: p.Brand},
		Attributes:  p.Specs,
		WeightKg:    convert(p.WeightLb, kgPerLb, 3),
		LengthCm:    convert(p.LengthIn, cmPerIn, 1),
		WidthCm:     convert(p.WidthIn, cmPerIn, 1),
		HeightCm:    convert(p.HeightIn, cmPerIn, 1),
		Meta:        map[string]string{"intcomex_sku": p.SKU},
		Description: p.LongDescription,
		Cost:        p.Cost.String(),
	}
	if d.Description == "" {
		d.Description = d.Title
	}
	if len(d.Attributes) == 0 {
		d.Attributes = nil
	}
	if p.MPN != "" {
		d.Meta["intcomex_mpn"] = p.MPN
	}
	for _, n := range p.CategoryPath {
		d.CategoryPath = append(d.CategoryPath, platforms.CategoryNode{ID: n.ID, Name: n.Name})
	}
	if len(d.CategoryPath) == 0 && p.CategoryID != "" {
		d.CategoryPath = platforms.CategoryPath{{ID: p.CategoryID, Name: p.CategoryID}}
	}
	d.ManageStock, d.Stock, d.Status = PublishedStock(shop.StockPolicy, p)
	return d, "", nil
}

// Exclusion says why shop does not list p whatever its price (ReasonInactive, ReasonUnsellable,
// ReasonType, ReasonFiltered), or "" when it does if its rules can price it. It reads only what
// store.ProductPricingPage reads.
func Exclusion(shop store.Shop, p *mirror.Product) Reason {
	switch {
	case !p.Active:
		return ReasonInactive
	case !p.Sellable:
		return ReasonUnsellable
	case !slices.ContainsFunc(shop.StockPolicy.SoldTypes(), func(t string) bool { return strings.EqualFold(t, p.Type) }):
		return ReasonType
	case !shop.Filters.Includes(p.CategoryID, p.BrandID, p.Brand):
		return ReasonFiltered
	}
	return ""
}

// Price prices p with a shop's compiled rules, as its listing is priced: the result, or the
// reason the product cannot be listed at any price (see UnpricedReason). Other errors (a
// pricing bug) are returned.
func Price(pricer *pricing.Pricer, p *mirror.Product) (pricing.Result, Reason, error) {
	res, err := pricer.Price(PricingProduct(p))
	if reason := UnpricedReason(err); reason != "" {
		return res, reason, nil
	}
	if err != nil {
		return res, "", fmt.Errorf("listing: price %s: %w", p.SKU, err)
	}
	return res, "", nil
}

// PricingProduct is what a shop's rules price p as.
func PricingProduct(p *mirror.Product) pricing.Product {
	return pricing.Product{
		SKU: p.SKU, Category: p.CategoryID, Brand: p.BrandID, Manufacturer: p.ManufacturerID,
		Type: p.Type, Cost: p.Cost, CostCurrency: p.Currency,
	}
}

// UnpricedReason is the reason a pricing error keeps a product off the shop: ReasonUnsellable
// (no positive cost), ReasonUnpriceable (the rules cannot convert its cost currency: never
// guess a price); "" for any other error, or none.
func UnpricedReason(err error) Reason {
	switch {
	case errors.Is(err, pricing.ErrUnsellable):
		return ReasonUnsellable
	case errors.Is(err, pricing.ErrCostCurrency):
		return ReasonUnpriceable
	}
	return ""
}

// Title is a product's listing title in a shop of the locale: the catalog description in the
// shop's locale, else in the other, else the MPN, else the SKU.
func Title(locale string, p *mirror.Product) string {
	first, second := p.DescriptionES, p.DescriptionEN
	if locale == "en" {
		first, second = second, first
	}
	for _, s := range []string{first, second, p.MPN, p.SKU} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return p.SKU
}

// Exact conversion factors (the pound is defined as 0.45359237 kg, the inch as 2.54 cm).
var (
	kgPerLb = decimal.RequireFromString("0.45359237")
	cmPerIn = decimal.RequireFromString("2.54")
)

// convert multiplies exactly and rounds half away from zero to digits places: grams for weights,
// millimetres for dimensions, which is all a shipping calculator uses. Unknown gives "".
func convert(v decimal.NullDecimal, factor decimal.Decimal, digits int32) string {
	if !v.Valid {
		return ""
	}
	return v.Decimal.Mul(factor).Round(digits).String()
}

// PublishedStock applies a stock policy to a product: whether the storefront tracks stock, the
// quantity to publish and the status.
//
//   - Products of a type other than Physical are sold without stock tracking (IWS always reports
//     zero for licences and downloads): ManageStock false, quantity 0, published.
//   - The counted stock is StockTotal, or the sum of the chosen Locations.
//   - When RealStock is false IWS sends a floor of the real stock; it is used as it is, never
//     inflated, so the shop may show less than Intcomex has but never more.
//   - Buffer is subtracted, negatives clamp to 0; a result below MinStock, or zero, is published
//     as 0 with status out_of_stock or hidden (BelowMin); MaxStock caps the rest.
func PublishedStock(pol policy.Stock, p *mirror.Product) (manage bool, qty int, status platforms.Status) {
	if !strings.EqualFold(p.Type, "Physical") {
		return false, 0, platforms.StatusPublish
	}
	counted := p.StockTotal
	if len(pol.Locations) > 0 {
		counted = 0
		for _, loc := range pol.Locations {
			counted += max(p.StockByLocation[loc], 0)
		}
	}
	qty = max(counted-pol.Buffer, 0)
	if qty == 0 || qty < pol.MinStock {
		if pol.BelowMin == policy.BelowMinHide {
			return true, 0, platforms.StatusHidden
		}
		return true, 0, platforms.StatusOutOfStock
	}
	if pol.MaxStock > 0 {
		qty = min(qty, pol.MaxStock)
	}
	return true, qty, platforms.StatusPublish
}
