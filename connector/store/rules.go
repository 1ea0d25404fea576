package store

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"github.com/intcomex-connector/connector/pricing"
)

type marginRuleRow struct {
	ID                 int64  `gorm:"column:id;primaryKey"`
	ShopID             int64  `gorm:"column:shop_id"`
	Position           int    `gorm:"column:position"`
	Name               string `gorm:"column:name"`
	Priority           int    `gorm:"column:priority"`
	MatchCategory      string `gorm:"column:match_category"`
	MatchBrands        string `gorm:"column:match_brands"`
	MatchManufacturers string `gorm:"column:match_manufacturers"`
	MatchTypes         string `gorm:"column:match_types"`
	MatchSKUs          string `gorm:"column:match_skus"`
	MatchCostMin       string `gorm:"column:match_cost_min"`
	MatchCostMax       string `gorm:"column:match_cost_max"`
	MarkupPercent      string `gorm:"column:markup_percent"`
	MarginPercent      string `gorm:"column:margin_percent"`
	FixedAmount        string `gorm:"column:fixed_amount"`
	MinProfit          string `gorm:"column:min_profit"`
}

func (marginRuleRow) TableName() string { return "margin_rules" }

// ShopRules returns the shop's pricing configuration as a pricing.Rules document, the
// import/export format: currency, fx_rate and tax from the shop row (tax_rate only when the shop
// is tax-inclusive, or when it was imported as an explicit zero), rounding and the default action
// from the shop row, and the margin_rules rows in file order. A shop whose rules were never set
// has an empty default action, which Compile rejects.
func (s *Store) ShopRules(ctx context.Context, shopID int64) (*pricing.Rules, error) {
	var out *pricing.Rules
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sh shopRow
		if err := tx.Where("id = ?", shopID).Take(&sh).Error; err != nil {
			return notFound("shop rules", err)
		}
		var rows []marginRuleRow
		if err := tx.Where("shop_id = ?", shopID).Order("position").Find(&rows).Error; err != nil {
			return fmt.Errorf("store: shop rules: %w", err)
		}
		r := &pricing.Rules{
			Currency: sh.Currency,
			FXRate:   pricing.Number(sh.FXRate),
			Rounding: pricing.Rounding{Step: pricing.Number(sh.RoundingStep), Minus: pricing.Number(sh.RoundingMinus)},
			Default: pricing.Action{
				MarkupPercent: pricing.Number(sh.DefaultMarkup),
				MarginPercent: pricing.Number(sh.DefaultMargin),
				FixedAmount:   pricing.Number(sh.DefaultFixed),
				MinProfit:     pricing.Number(sh.DefaultMinProf),
			},
		}
		if sh.TaxInclusive || isZeroText(sh.TaxRate) {
			r.TaxRate = pricing.Number(sh.TaxRate)
		}
		for _, row := range rows {
			rule := pricing.Rule{
				Name:     row.Name,
				Priority: row.Priority,
				Match: pricing.Match{
					Category: row.MatchCategory,
					CostMin:  pricing.Number(row.MatchCostMin),
					CostMax:  pricing.Number(row.MatchCostMax),
				},
				Action: pricing.Action{
					MarkupPercent: pricing.Number(row.MarkupPercent),
					MarginPercent: pricing.Number(row.MarginPercent),
					FixedAmount:   pricing.Number(row.FixedAmount),
					MinProfit:     pricing.Number(row.MinProfit),
				},
			}
			for dst, src := range map[*[]string]string{
				&rule.Match.Brands: row.MatchBrands, &rule.Match.Manufacturers: row.MatchManufacturers,
				&rule.Match.Types: row.MatchTypes, &rule.Match.SKUs: row.MatchSKUs,
			} {
				if err := json.Unmarshal([]byte(src), dst); err != nil {
					return fmt.Errorf("store: shop %d rule %q: %w", shopID, row.Name, err)
				}
			}
			r.Rules = append(r.Rules, rule)
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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

// ReplaceShopRules validates rules and makes them the shop's pricing configuration in one
// transaction: the shop row takes currency, fx_rate, tax (tax_inclusive is set when tax_rate is
// above zero), rounding and default action; margin_rules is replaced. ShopRules gives the same
// document back. Invalid rules give an error wrapping ErrInvalid and the *pricing.ValidationError.
func (s *Store) ReplaceShopRules(ctx context.Context, shopID int64, rules *pricing.Rules) error {
	if rules == nil {
		return fmt.Errorf("store: replace shop rules: %w: nil rules", ErrInvalid)
	}
	if err := rules.Validate(); err != nil {
		return fmt.Errorf("store: replace shop rules: %w: %w", ErrInvalid, err)
	}
	rows := make([]marginRuleRow, 0, len(rules.Rules))
	for i, rule := range rules.Rules {
		row := marginRuleRow{
			ShopID: shopID, Position: i, Name: rule.Name, Priority: rule.Priority,
			MatchCategory: rule.Match.Category,
			MatchCostMin:  string(rule.Match.CostMin), MatchCostMax: string(rule.Match.CostMax),
			MarkupPercent: string(rule.MarkupPercent), MarginPercent: string(rule.MarginPercent),
			FixedAmount: string(rule.FixedAmount), MinProfit: string(rule.MinProfit),
		}
		for dst, src := range map[*string][]string{
			&row.MatchBrands: rule.Match.Brands, &row.MatchManufacturers: rule.Match.Manufacturers,
			&row.MatchTypes: rule.Match.Types, &row.MatchSKUs: rule.Match.SKUs,
		} {
			b, err := json.Marshal(src)
			if err != nil {
				return fmt.Errorf("store: replace shop rules: %w", err)
			}
			*dst = string(b)
		}
		rows = append(rows, row)
	}
	taxInclusive := false
	if rules.TaxRate != "" {
		d, err := rules.TaxRate.Decimal()
		taxInclusive = err == nil && d.IsPositive()
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&shopRow{}).Where("id = ?", shopID).Updates(map[string]any{
			"currency": rules.Currency, "fx_rate": string(rules.FXRate),
			"tax_inclusive": taxInclusive, "tax_rate": string(rules.TaxRate),
			"rounding_step": string(rules.Rounding.Step), "rounding_minus": string(rules.Rounding.Minus),
			"default_markup_percent": string(rules.Default.MarkupPercent),
			"default_margin_percent": string(rules.Default.MarginPercent),
			"default_fixed_amount":   string(rules.Default.FixedAmount),
			"default_min_profit":     string(rules.Default.MinProfit),
			"updated_at":             s.now(),
		})
		if res.Error != nil {
			return fmt.Errorf("store: replace shop rules: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("store: replace shop rules: shop %d: %w", shopID, ErrNotFound)
		}
		if err := tx.Where("shop_id = ?", shopID).Delete(&marginRuleRow{}).Error; err != nil {
			return fmt.Errorf("store: replace shop rules: %w", err)
		}
		if len(rows) > 0 {
			if err := tx.CreateInBatches(&rows, 200).Error; err != nil {
				return fmt.Errorf("store: replace shop rules: %w", err)
			}
		}
		return nil
	})
}
