package shops

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/money"
	"github.com/intcomex-connector/connector/pricing"
)

// ProductReport is one mirrored product and what every shop of its IWS account makes of it: the
// price with its explanation, whether the shop lists it, and its listing state. It is the JSON
// document of `connector products show --json` and of the admin's product page.
type ProductReport struct {
	Product ProductDoc `json:"product"`
	Shops   []ShopView `json:"shops"`
}

// ProductDoc is a mirrored product, decimals as text.
type ProductDoc struct {
	SKU             string                `json:"sku"`
	AccountID       int64                 `json:"iws_account_id"`
	MPN             string                `json:"mpn"`
	UPC             string                `json:"upc"`
	Type            string                `json:"type"`
	Active          bool                  `json:"active"`
	Cost            string                `json:"cost"`
	Currency        string                `json:"currency"`
	Sellable        bool                  `json:"sellable"`
	StockTotal      int                   `json:"stock_total"`
	StockByLocation map[string]int        `json:"stock_by_location"`
	RealStock       bool                  `json:"real_stock"`
	CategoryID      string                `json:"category_id"`
	CategoryPath    []mirror.CategoryNode `json:"category_path"`
	Brand           IDName                `json:"brand"`
	Manufacturer    IDName                `json:"manufacturer"`
	DescriptionES   string                `json:"description_es"`
	DescriptionEN   string                `json:"description_en"`
	LongDescription string                `json:"long_description"`
	Specs           map[string]string     `json:"specs"`
	Images          []string              `json:"images"`
	WeightLb        string                `json:"weight_lb,omitempty"`
	LengthIn        string                `json:"length_in,omitempty"`
	WidthIn         string                `json:"width_in,omitempty"`
	HeightIn        string                `json:"height_in,omitempty"`
	FirstSeenAt     time.Time             `json:"first_seen_at"`
	LastSeenAt      time.Time             `json:"last_seen_at"`
	DeactivatedAt   *time.Time            `json:"deactivated_at"`
	UpdatedAt       time.Time             `json:"updated_at"`
}

// IDName is an IWS brand or manufacturer.
type IDName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ShopView is one shop's view of a product.
type ShopView struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Platform string `json:"platform"`
	// Price is "" when the rules cannot price the product; PriceError says why.
	Price       string                  `json:"price"`
	Currency    string                  `json:"currency"`
	PriceError  string                  `json:"price_error,omitempty"`
	Explanation *pricing.ExplanationDoc `json:"explanation"`
	// Listed reports whether the shop should list the product now; NotListedReason says why not
	// (listing.Reason) and NotListedDetail, for people, what exactly and what would change it.
	Listed          bool          `json:"listed"`
	NotListedReason string        `json:"not_listed_reason,omitempty"`
	NotListedDetail string        `json:"not_listed_detail,omitempty"`
	Desired         *DesiredStock `json:"desired,omitempty"`
	Listing         *ListingDoc   `json:"listing"`
	Err             string        `json:"error,omitempty"`
}

// DesiredStock is what the shop should show now.
type DesiredStock struct {
	Price       string `json:"price"`
	ManageStock bool   `json:"manage_stock"`
	Stock       int    `json:"stock"`
	Status      string `json:"status"`
}

// ListingDoc is a listing's state as last recorded.
type ListingDoc struct {
	State           string     `json:"state"`
	PendingChange   string     `json:"pending_change"`
	ProductID       string     `json:"product_id"`
	VariantID       string     `json:"variant_id"`
	InventoryItemID string     `json:"inventory_item_id"`
	PushedPrice     string     `json:"pushed_price"`
	PushedCurrency  string     `json:"pushed_currency"`
	PushedStock     int        `json:"pushed_stock"`
	PushedAt        *time.Time `json:"pushed_at"`
	LastError       string     `json:"last_error"`
	Attempts        int        `json:"attempts"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// Report gathers a product of the account's mirror and its state in every connected shop of the
// account. An unknown SKU is an error wrapping store.ErrNotFound that says what to do.
func Report(ctx context.Context, st *store.Store, acct store.IWSAccount, sku string) (ProductReport, error) {
	p, err := st.Product(ctx, acct.ID, sku)
	if errors.Is(err, store.ErrNotFound) {
		return ProductReport{}, notFoundError{fmt.Sprintf("no product %q in the mirror of IWS account %q (run `connector sync all`, or check the SKU)", sku, acct.Name)}
	}
	if err != nil {
		return ProductReport{}, fmt.Errorf("shops: report: %w", err)
	}
	if p.LastSeenAt, err = catalog.LastSeen(ctx, st, p); err != nil {
		return ProductReport{}, fmt.Errorf("shops: report: %w", err)
	}
	doc := ProductReport{Product: productDoc(p), Shops: []ShopView{}}
	connected, err := st.ConnectedShops(ctx, acct.ID)
	if err != nil {
		return ProductReport{}, fmt.Errorf("shops: report: %w", err)
	}
	for _, shop := range connected {
		doc.Shops = append(doc.Shops, shopView(ctx, st, shop, p))
	}
	return doc, nil
}

func productDoc(p *mirror.Product) ProductDoc {
	nullText := func(d decimal.NullDecimal) string {
		if !d.Valid {
			return ""
		}
		return d.Decimal.String()
	}
	return ProductDoc{
		SKU: p.SKU, AccountID: p.AccountID, MPN: p.MPN, UPC: p.UPC, Type: p.Type, Active: p.Active,
		Cost: p.Cost.String(), Currency: p.Currency, Sellable: p.Sellable,
		StockTotal: p.StockTotal, StockByLocation: orEmpty(p.StockByLocation), RealStock: p.RealStock,
		CategoryID: p.CategoryID, CategoryPath: append([]mirror.CategoryNode{}, p.CategoryPath...),
		Brand: IDName{p.BrandID, p.Brand}, Manufacturer: IDName{p.ManufacturerID, p.Manufacturer},
		DescriptionES: p.DescriptionES, DescriptionEN: p.DescriptionEN, LongDescription: p.LongDescription,
		Specs: orEmpty(p.Specs), Images: append([]string{}, p.Images...),
		WeightLb: nullText(p.WeightLb), LengthIn: nullText(p.LengthIn), WidthIn: nullText(p.WidthIn), HeightIn: nullText(p.HeightIn),
		FirstSeenAt: p.FirstSeenAt, LastSeenAt: p.LastSeenAt, DeactivatedAt: p.DeactivatedAt, UpdatedAt: p.UpdatedAt,
	}
}

func orEmpty[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}

// shopView prices p with the shop's rules and reads its listing. Problems of one shop (rules that
// do not compile) are reported in the view, not as an error, so the other shops still show.
func shopView(ctx context.Context, st *store.Store, shop store.Shop, p *mirror.Product) ShopView {
	v := ShopView{ID: shop.ID, Name: shop.Name, Platform: shop.Platform, Currency: shop.Currency}
	rules, err := margin.Rules(ctx, st, shop.ID)
	if err != nil {
		v.Err = err.Error()
		return v
	}
	pricer, err := rules.Compile()
	if err != nil {
		v.Err = "margin rules: " + err.Error()
		return v
	}
	res, priceErr := pricer.Price(pricing.Product{
		SKU: p.SKU, Category: p.CategoryID, Brand: p.BrandID, Manufacturer: p.ManufacturerID,
		Type: p.Type, Cost: p.Cost, CostCurrency: p.Currency,
	})
	if priceErr != nil {
		v.PriceError = priceErr.Error()
	} else {
		v.Price, v.Currency = res.String(), res.Currency
		doc := res.Doc()
		v.Explanation = &doc
	}
	d, reason, err := listing.Desire(shop, pricer, p)
	switch {
	case err != nil:
		v.Err = err.Error()
	case reason != "":
		v.NotListedReason = string(reason)
		v.NotListedDetail = notListedDetail(shop, p, reason, priceErr)
	default:
		v.Listed = true
		v.Desired = &DesiredStock{Price: d.Price, ManageStock: d.ManageStock, Stock: d.Stock, Status: string(d.Status)}
	}
	l, err := st.Listing(ctx, shop.ID, p.SKU)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		v.Err = err.Error()
	default:
		lj := &ListingDoc{
			State: l.State, PendingChange: l.PendingChange, ProductID: l.ProductID, VariantID: l.VariantID,
			InventoryItemID: l.InventoryItemID, PushedCurrency: l.Currency, PushedStock: l.Stock,
			LastError: l.LastError, Attempts: l.Attempts, UpdatedAt: l.UpdatedAt,
		}
		if l.Price.Valid {
			lj.PushedPrice = l.Price.Decimal.String()
			if digits, ok := pricing.CurrencyDigits(l.Currency); ok {
				lj.PushedPrice = l.Price.Decimal.StringFixed(digits)
			}
		}
		if !l.PushedAt.IsZero() {
			at := l.PushedAt
			lj.PushedAt = &at
		}
		v.Listing = lj
	}
	return v
}

// notListedDetail says what keeps p off the shop and what would change that.
func notListedDetail(shop store.Shop, p *mirror.Product, reason listing.Reason, priceErr error) string {
	switch reason {
	case listing.ReasonInactive:
		return "IWS no longer lists it in its catalog; it is listed again if it comes back"
	case listing.ReasonUnsellable:
		if !p.Cost.IsPositive() {
			return fmt.Sprintf("IWS gives it no price for this account (cost %s); it is listed once the price list gives it one", p.Cost)
		}
		return "IWS does not sell it to this account now; it is listed once IWS sells it again"
	case listing.ReasonType:
		return fmt.Sprintf("its type %s is not among the types the shop sells (%s); add it to the shop's types to list it",
			p.Type, strings.Join(shop.StockPolicy.SoldTypes(), ", "))
	case listing.ReasonFiltered:
		return "the shop's filters leave it out: " + shop.Filters.Why(p.CategoryID, p.BrandID, p.Brand) + "; change the shop's filters to list it"
	case listing.ReasonUnpriceable:
		cost := money.Normalize(p.Currency)
		switch {
		case cost != shop.Currency && shop.FXRate == "":
			return fmt.Sprintf("its cost is in %s and the shop sells in %s without an exchange rate; set the shop's fx-rate (%s per %s) to price it",
				cost, shop.Currency, shop.Currency, cost)
		case cost == shop.Currency && shop.FXRate != "":
			return fmt.Sprintf("its cost is already in %s, but the shop has an exchange rate (%s); clear the shop's fx-rate to price it", cost, shop.FXRate)
		case priceErr != nil:
			return "the shop's rules cannot price it: " + priceErr.Error()
		}
		return "the shop's rules cannot price it"
	}
	return string(reason)
}

// notFoundError is a not-found whose message says what to do; it wraps store.ErrNotFound
// without repeating its text.
type notFoundError struct{ msg string }

func (e notFoundError) Error() string { return e.msg }
func (e notFoundError) Unwrap() error { return store.ErrNotFound }
