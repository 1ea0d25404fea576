package rules

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/pricing"
)

// Preview sizes.
const (
	// MaxPreviewSKUs bounds the SKUs of one preview (and of a sample).
	MaxPreviewSKUs = 50
	// DefaultSample is the sample's size when a preview names no SKU and gives no size.
	DefaultSample = 12
)

// PreviewRequest asks for the prices of some of a shop's products under a proposed document.
type PreviewRequest struct {
	// Proposed is the unsaved document (Service.Proposed makes one from an edit).
	Proposed *pricing.Rules `json:"proposed"`
	// SKUs to price, at most MaxPreviewSKUs; repeats are priced once. None: a sample of Sample
	// products (DefaultSample when 0) chosen by Service.Sample.
	SKUs   []string `json:"skus"`
	Sample int      `json:"sample"`
}

// PreviewItem is one product priced with the shop's current rules and with the proposed ones.
type PreviewItem struct {
	SKU string `json:"sku"`
	// Found is false for a SKU that is not in the shop's IWS mirror; nothing else is set then.
	Found        bool            `json:"found"`
	Title        string          `json:"title"`    // in the shop's language, as its listing is titled
	Category     string          `json:"category"` // IWS category id
	Brand        string          `json:"brand"`    // IWS brand name (its id when the name is unknown)
	Cost         decimal.Decimal `json:"cost"`
	CostCurrency string          `json:"cost_currency"`
	// Excluded says why the shop does not list the product, whatever its price (inactive,
	// filtered, …); "" when it does. The product is priced all the same.
	Excluded listing.Reason `json:"excluded"`
	Current  Quote          `json:"current"`
	Proposed Quote          `json:"proposed"`
	// Move is the change of price when both documents price the product (nil otherwise), and
	// Bucket the key of its histogram bucket (Buckets).
	Move   *PriceMove `json:"move"`
	Bucket string     `json:"bucket"`
}

// Quote is a product's price under one document, with every step of how it was reached.
type Quote struct {
	Priced   bool            `json:"priced"`
	Price    decimal.Decimal `json:"price"`
	Text     string          `json:"text"` // the price with exactly the currency's digits, as the storefront gets it
	Currency string          `json:"currency"`
	// Explanation is pricing's step-by-step account (the rule chosen, the rules skipped and why,
	// every intermediate value): what `connector pricing explain` prints.
	Explanation pricing.ExplanationDoc `json:"explanation"`
	// Reason and Error say why there is no price: listing.ReasonUnsellable (no positive cost) or
	// listing.ReasonUnpriceable (the cost currency does not fit the document) with pricing's
	// message; or Error alone when the shop has no pricing yet.
	Reason listing.Reason `json:"reason"`
	Error  string         `json:"error"`
}

// noPricingMessage is Quote.Error under a shop's current rules when it has none.
const noPricingMessage = "the shop has no pricing yet"

// Preview prices the request's products with the shop's current rules and with the proposed
// document (a *ValidationError when it cannot price), each with its explanation and the
// difference. It reads the shop, its rules and at most MaxPreviewSKUs products (a sample reads
// more: see Sample) and makes no network call.
func (s *Service) Preview(ctx context.Context, shopID int64, req PreviewRequest) ([]PreviewItem, error) {
	if req.Proposed == nil {
		return nil, fmt.Errorf("rules: preview: %w: no proposed rules", store.ErrInvalid)
	}
	if err := validate(req.Proposed, -1); err != nil {
		return nil, err
	}
	next, err := req.Proposed.Compile()
	if err != nil {
		return nil, fmt.Errorf("rules: preview: %w", err)
	}
	shop, err := s.store.ShopWithoutCredentials(ctx, shopID)
	if err != nil {
		return nil, fmt.Errorf("rules: preview: %w", err)
	}
	d, err := s.Get(ctx, shopID)
	if err != nil {
		return nil, err
	}
	cur, err := d.Rules.Compile()
	if err != nil {
		cur = nil
	}

	skus, err := previewSKUs(req.SKUs)
	if err != nil {
		return nil, err
	}
	if len(skus) == 0 {
		if skus, err = s.Sample(ctx, shopID, req.Sample); err != nil {
			return nil, err
		}
	}
	products, err := s.store.ProductsBySKU(ctx, shop.IWSAccountID, skus)
	if err != nil {
		return nil, fmt.Errorf("rules: preview: %w", err)
	}
	items := make([]PreviewItem, 0, len(skus))
	for _, sku := range skus {
		p, ok := products[sku]
		if !ok {
			items = append(items, PreviewItem{SKU: sku})
			continue
		}
		it := PreviewItem{
			SKU: sku, Found: true, Title: listing.Title(shop.Locale, p), Category: p.CategoryID,
			Brand: cmp.Or(p.Brand, p.BrandID), Cost: p.Cost, CostCurrency: p.Currency,
			Excluded: listing.Exclusion(shop, p),
		}
		// A product the shop does not list because IWS does not sell it says so through the
		// quotes (unsellable); the other exclusions leave a price to show.
		if it.Current, err = quoteOf(cur, p); err != nil {
			return nil, err
		}
		if it.Proposed, err = quoteOf(next, p); err != nil {
			return nil, err
		}
		if it.Current.Priced && it.Proposed.Priced {
			b, a := it.Current.Price, it.Proposed.Price
			it.Move = &PriceMove{SKU: sku, Before: b, After: a, Amount: a.Sub(b), Percent: PercentChange(b, a),
				RuleBefore: it.Current.Explanation.Rule, RuleAfter: it.Proposed.Explanation.Rule}
			it.Bucket = Buckets[bucketOf(b, a)].Key
		}
		items = append(items, it)
	}
	return items, nil
}

// previewSKUs trims, drops empty and repeated SKUs, and bounds their number.
func previewSKUs(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, sku := range in {
		sku = strings.TrimSpace(sku)
		if sku == "" || seen[sku] {
			continue
		}
		seen[sku] = true
		out = append(out, sku)
	}
	if len(out) > MaxPreviewSKUs {
		return nil, fmt.Errorf("rules: preview: %w: %d SKUs (at most %d)", store.ErrInvalid, len(out), MaxPreviewSKUs)
	}
	return out, nil
}

// quoteOf prices p with pr (nil: the shop has no pricing yet).
func quoteOf(pr *pricing.Pricer, p *mirror.Product) (Quote, error) {
	if pr == nil {
		return Quote{Error: noPricingMessage}, nil
	}
	res, err := pr.Price(listing.PricingProduct(p))
	if reason := listing.UnpricedReason(err); reason != "" {
		return Quote{Reason: reason, Error: err.Error()}, nil
	}
	if err != nil {
		return Quote{}, fmt.Errorf("rules: preview: %w", err)
	}
	return Quote{Priced: true, Price: res.Price, Text: res.String(), Currency: res.Currency, Explanation: res.Doc()}, nil
}

// Sample chooses n (DefaultSample when 0 or less, at most MaxPreviewSKUs) of the products the
// shop lists, spread over cost and category, the same ones for the same mirror: the products,
// by cost, are cut into n equal runs, and from each run the one of the category chosen least so
// far is taken (ties: the one nearest the middle of the run, then the lower SKU). It reads the
// pricing columns of the account's active, sellable products.
func (s *Service) Sample(ctx context.Context, shopID int64, n int) ([]string, error) {
	if n <= 0 {
		n = DefaultSample
	}
	n = min(n, MaxPreviewSKUs)
	shop, err := s.store.ShopWithoutCredentials(ctx, shopID)
	if err != nil {
		return nil, fmt.Errorf("rules: sample: %w", err)
	}
	var listed []*mirror.Product
	err = s.eachListedPage(ctx, shop, func(page []*mirror.Product) error {
		listed = append(listed, page...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sample(listed, n), nil
}

// sample is Sample's choice among products.
func sample(products []*mirror.Product, n int) []string {
	ps := slices.Clone(products)
	slices.SortFunc(ps, func(a, b *mirror.Product) int {
		return cmp.Or(a.Cost.Cmp(b.Cost), cmp.Compare(a.SKU, b.SKU))
	})
	if len(ps) <= n {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.SKU
		}
		return out
	}
	chosen := map[string]int{} // category → products taken
	out := make([]string, 0, n)
	for i := range n {
		lo, hi := i*len(ps)/n, (i+1)*len(ps)/n
		mid := (lo + hi - 1) / 2
		best := -1
		for j := lo; j < hi; j++ {
			if best < 0 {
				best = j
				continue
			}
			a, b := ps[j], ps[best]
			c := cmp.Or(
				cmp.Compare(chosen[a.CategoryID], chosen[b.CategoryID]),
				cmp.Compare(distance(j, mid), distance(best, mid)),
				cmp.Compare(a.SKU, b.SKU),
			)
			if c < 0 {
				best = j
			}
		}
		chosen[ps[best].CategoryID]++
		out = append(out, ps[best].SKU)
	}
	return out
}

func distance(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}
