package store

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/intcomex-connector/connector/migrations"
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

// ShopPricing is a shop's pricing configuration as stored: the pricing columns of the shop row
// and its margin_rules rows in order, every number as the text it was written with. The store
// keeps it; connector/margin turns it into pricing.Rules and back.
type ShopPricing struct {
	Currency      string
	FXRate        string
	TaxInclusive  bool
	TaxRate       string
	RoundingStep  string
	RoundingMinus string
	Default       MarginAction
	Rules         []MarginRule
}

// MarginAction is what a rule (or the default) does to the cost.
type MarginAction struct {
	MarkupPercent, MarginPercent, FixedAmount, MinProfit string
}

// MarginRule is one stored margin rule: its conditions and its action.
type MarginRule struct {
	Name                                                   string
	Priority                                               int
	MatchCategory                                          string
	MatchBrands, MatchManufacturers, MatchTypes, MatchSKUs []string
	MatchCostMin, MatchCostMax                             string
	Action                                                 MarginAction
}

// ShopPricing returns the shop's pricing configuration, or ErrNotFound.
func (s *Store) ShopPricing(ctx context.Context, shopID int64) (ShopPricing, error) {
	var out ShopPricing
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		out, err = shopPricing(tx, shopID)
		return err
	})
	return out, err
}

// ShopPricingTx is ShopPricing inside the caller's transaction. It locks the shop row (on
// MySQL/MariaDB; SQLite's single writer needs no lock), so that a read-modify-write of the
// configuration in tx (connector/rules' edits) cannot lose a concurrent one.
func (s *Store) ShopPricingTx(ctx context.Context, tx *Tx, shopID int64) (ShopPricing, error) {
	db := tx.db.WithContext(ctx)
	if tx.dialect == migrations.MySQL {
		db = db.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return shopPricing(db, shopID)
}

func shopPricing(tx *gorm.DB, shopID int64) (ShopPricing, error) {
	var sh shopRow
	if err := tx.Where("id = ?", shopID).Take(&sh).Error; err != nil {
		return ShopPricing{}, notFound("shop pricing", err)
	}
	var rows []marginRuleRow
	// A fresh session: the locking clause of the shop read is for the shop row only.
	if err := tx.Session(&gorm.Session{NewDB: true}).Where("shop_id = ?", shopID).Order("position").Find(&rows).Error; err != nil {
		return ShopPricing{}, fmt.Errorf("store: shop pricing: %w", err)
	}
	out := ShopPricing{
		Currency: sh.Currency, FXRate: sh.FXRate, TaxInclusive: sh.TaxInclusive, TaxRate: sh.TaxRate,
		RoundingStep: sh.RoundingStep, RoundingMinus: sh.RoundingMinus,
		Default: MarginAction{MarkupPercent: sh.DefaultMarkup, MarginPercent: sh.DefaultMargin,
			FixedAmount: sh.DefaultFixed, MinProfit: sh.DefaultMinProf},
	}
	for _, row := range rows {
		rule := MarginRule{
			Name: row.Name, Priority: row.Priority, MatchCategory: row.MatchCategory,
			MatchCostMin: row.MatchCostMin, MatchCostMax: row.MatchCostMax,
			Action: MarginAction{MarkupPercent: row.MarkupPercent, MarginPercent: row.MarginPercent,
				FixedAmount: row.FixedAmount, MinProfit: row.MinProfit},
		}
		for dst, src := range map[*[]string]string{
			&rule.MatchBrands: row.MatchBrands, &rule.MatchManufacturers: row.MatchManufacturers,
			&rule.MatchTypes: row.MatchTypes, &rule.MatchSKUs: row.MatchSKUs,
		} {
			if err := json.Unmarshal([]byte(src), dst); err != nil {
				return ShopPricing{}, fmt.Errorf("store: shop %d rule %q: %w", shopID, row.Name, err)
			}
		}
		out.Rules = append(out.Rules, rule)
	}
	return out, nil
}

// ReplaceShopPricing makes p the shop's pricing configuration in one transaction: the shop row
// takes its columns and margin_rules is replaced. It checks nothing but the shop's existence:
// connector/margin validates the rules first.
func (s *Store) ReplaceShopPricing(ctx context.Context, shopID int64, p ShopPricing) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return s.replaceShopPricing(tx, shopID, p)
	})
}

// ReplaceShopPricingTx is ReplaceShopPricing inside the caller's transaction, so that the change
// commits together with its audit record and the push it queues.
func (s *Store) ReplaceShopPricingTx(ctx context.Context, tx *Tx, shopID int64, p ShopPricing) error {
	return s.replaceShopPricing(tx.db.WithContext(ctx), shopID, p)
}

func (s *Store) replaceShopPricing(tx *gorm.DB, shopID int64, p ShopPricing) error {
	rows := make([]marginRuleRow, 0, len(p.Rules))
	for i, rule := range p.Rules {
		row := marginRuleRow{
			ShopID: shopID, Position: i, Name: rule.Name, Priority: rule.Priority,
			MatchCategory: rule.MatchCategory, MatchCostMin: rule.MatchCostMin, MatchCostMax: rule.MatchCostMax,
			MarkupPercent: rule.Action.MarkupPercent, MarginPercent: rule.Action.MarginPercent,
			FixedAmount: rule.Action.FixedAmount, MinProfit: rule.Action.MinProfit,
		}
		for dst, src := range map[*string][]string{
			&row.MatchBrands: rule.MatchBrands, &row.MatchManufacturers: rule.MatchManufacturers,
			&row.MatchTypes: rule.MatchTypes, &row.MatchSKUs: rule.MatchSKUs,
		} {
			b, err := json.Marshal(src)
			if err != nil {
				return fmt.Errorf("store: replace shop pricing: %w", err)
			}
			*dst = string(b)
		}
		rows = append(rows, row)
	}
	res := tx.Model(&shopRow{}).Where("id = ?", shopID).Updates(map[string]any{
		"currency": p.Currency, "fx_rate": p.FXRate,
		"tax_inclusive": p.TaxInclusive, "tax_rate": p.TaxRate,
		"rounding_step": p.RoundingStep, "rounding_minus": p.RoundingMinus,
		"default_markup_percent": p.Default.MarkupPercent,
		"default_margin_percent": p.Default.MarginPercent,
		"default_fixed_amount":   p.Default.FixedAmount,
		"default_min_profit":     p.Default.MinProfit,
		"updated_at":             s.now(),
	})
	if res.Error != nil {
		return fmt.Errorf("store: replace shop pricing: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: replace shop pricing: shop %d: %w", shopID, ErrNotFound)
	}
	if err := tx.Session(&gorm.Session{NewDB: true}).Where("shop_id = ?", shopID).Delete(&marginRuleRow{}).Error; err != nil {
		return fmt.Errorf("store: replace shop pricing: %w", err)
	}
	if len(rows) > 0 {
		if err := tx.Session(&gorm.Session{NewDB: true}).CreateInBatches(&rows, 200).Error; err != nil {
			return fmt.Errorf("store: replace shop pricing: %w", err)
		}
	}
	return nil
}
