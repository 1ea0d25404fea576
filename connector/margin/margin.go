// Package margin keeps a shop's margin rules: it turns the pricing configuration the store
// keeps (store.ShopPricing) into the pricing package's rules document (pricing.Rules, the rules
// file format) and back, validating on the way in. Every reader and writer of a shop's rules (the
// listing plan, the product report, `connector rules`, the admin) goes through Rules and Replace.
package margin

import (
	"context"
	"fmt"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/pricing"
)

// Rules returns the shop's pricing configuration as a rules document: currency, fx_rate and tax
// from the shop (tax_rate only when the shop is tax-inclusive, or when it was imported as an
// explicit zero), rounding, the default action and the rules in file order. A shop whose rules
// were never set has an empty default action, which Compile refuses.
func Rules(ctx context.Context, st *store.Store, shopID int64) (*pricing.Rules, error) {
	p, err := st.ShopPricing(ctx, shopID)
	if err != nil {
		return nil, fmt.Errorf("margin: %w", err)
	}
	return FromStored(p), nil
}

// Replace validates rules and makes them the shop's pricing configuration: the shop takes the
// currency, fx_rate, tax (tax-inclusive when tax_rate is above zero), rounding and default
// action, and its margin rules are replaced, all at once. Rules gives the same document back.
// Invalid rules change nothing and give an error wrapping store.ErrInvalid and the
// *pricing.ValidationError listing every problem.
func Replace(ctx context.Context, st *store.Store, shopID int64, rules *pricing.Rules) error {
	if rules == nil {
		return fmt.Errorf("margin: replace: %w: nil rules", store.ErrInvalid)
	}
	if err := rules.Validate(); err != nil {
		return fmt.Errorf("margin: replace: %w: %w", store.ErrInvalid, err)
	}
	if err := st.ReplaceShopPricing(ctx, shopID, ToStored(rules)); err != nil {
		return fmt.Errorf("margin: %w", err)
	}
	return nil
}

// FromStored is the rules document of a stored configuration.
func FromStored(p store.ShopPricing) *pricing.Rules {
	r := &pricing.Rules{
		Currency: p.Currency,
		FXRate:   pricing.Number(p.FXRate),
		Rounding: pricing.Rounding{Step: pricing.Number(p.RoundingStep), Minus: pricing.Number(p.RoundingMinus)},
		Default:  actionFromStored(p.Default),
	}
	if p.TaxInclusive || isZeroText(p.TaxRate) {
		r.TaxRate = pricing.Number(p.TaxRate)
	}
	for _, row := range p.Rules {
		r.Rules = append(r.Rules, pricing.Rule{
			Name:     row.Name,
			Priority: row.Priority,
			Match: pricing.Match{
				Category: row.MatchCategory, Brands: row.MatchBrands, Manufacturers: row.MatchManufacturers,
				Types: row.MatchTypes, SKUs: row.MatchSKUs,
				CostMin: pricing.Number(row.MatchCostMin), CostMax: pricing.Number(row.MatchCostMax),
			},
			Action: actionFromStored(row.Action),
		})
	}
	return r
}

// ToStored is the stored form of a rules document.
func ToStored(r *pricing.Rules) store.ShopPricing {
	p := store.ShopPricing{
		Currency: r.Currency, FXRate: string(r.FXRate), TaxRate: string(r.TaxRate),
		RoundingStep: string(r.Rounding.Step), RoundingMinus: string(r.Rounding.Minus),
		Default: actionToStored(r.Default),
	}
	if r.TaxRate != "" {
		d, err := r.TaxRate.Decimal()
		p.TaxInclusive = err == nil && d.IsPositive()
	}
	for _, rule := range r.Rules {
		p.Rules = append(p.Rules, store.MarginRule{
			Name: rule.Name, Priority: rule.Priority,
			MatchCategory: rule.Match.Category, MatchBrands: rule.Match.Brands,
			MatchManufacturers: rule.Match.Manufacturers, MatchTypes: rule.Match.Types, MatchSKUs: rule.Match.SKUs,
			MatchCostMin: string(rule.Match.CostMin), MatchCostMax: string(rule.Match.CostMax),
			Action: actionToStored(rule.Action),
		})
	}
	return p
}

func actionFromStored(a store.MarginAction) pricing.Action {
	return pricing.Action{
		MarkupPercent: pricing.Number(a.MarkupPercent), MarginPercent: pricing.Number(a.MarginPercent),
		FixedAmount: pricing.Number(a.FixedAmount), MinProfit: pricing.Number(a.MinProfit),
	}
}

func actionToStored(a pricing.Action) store.MarginAction {
	return store.MarginAction{
		MarkupPercent: string(a.MarkupPercent), MarginPercent: string(a.MarginPercent),
		FixedAmount: string(a.FixedAmount), MinProfit: string(a.MinProfit),
	}
}

// isZeroText reports a tax rate written as an explicit zero ("0", "0.00"), which pricing reads
// as tax-exclusive but which an export must give back as written.
func isZeroText(v string) bool {
	if v == "" {
		return false
	}
	n, err := pricing.Number(v).Decimal()
	return err == nil && n.IsZero()
}
