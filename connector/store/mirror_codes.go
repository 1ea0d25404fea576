package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// MirrorCodes are the codes an account's IWS mirror holds, for checking what a person types
// against what IWS really sent (a warehouse id in a stock policy, a cost currency next to a
// shop's currency).
type MirrorCodes struct {
	// Products counts the account's mirrored products, active or not: 0 means no catalog yet.
	Products int64
	// Warehouses are the warehouse ids of every product's stock by location, sorted; empty when
	// IWS never sent per-warehouse stock (it does only when Intcomex enabled it for the account).
	Warehouses []string
	// CostCurrencies are the currencies of the active products' costs as IWS wrote them, sorted.
	CostCurrencies []string
	// Categories are the category ids of the active products, sorted.
	Categories []string
	// Brands are the brand ids and names of the active products, sorted by id.
	Brands []BrandCode
}

// BrandCode is an IWS brand as the mirror holds it.
type BrandCode struct{ ID, Name string }

// MirrorCodes reads the codes of an account's mirror: a handful of DISTINCT queries and one pass
// over the stock-by-location column of the products that have one.
func (s *Store) MirrorCodes(ctx context.Context, accountID int64) (MirrorCodes, error) {
	var out MirrorCodes
	products := func() *gorm.DB { return s.db.WithContext(ctx).Table("products").Where("account_id = ?", accountID) }
	active := func() *gorm.DB { return products().Where("active = ?", true) }
	if err := products().Count(&out.Products).Error; err != nil {
		return MirrorCodes{}, fmt.Errorf("store: mirror codes: %w", err)
	}
	if err := active().Distinct("currency").Where("currency <> ''").Order("currency").
		Pluck("currency", &out.CostCurrencies).Error; err != nil {
		return MirrorCodes{}, fmt.Errorf("store: mirror codes: %w", err)
	}
	if err := active().Distinct("category_id").Where("category_id <> ''").Order("category_id").
		Pluck("category_id", &out.Categories).Error; err != nil {
		return MirrorCodes{}, fmt.Errorf("store: mirror codes: %w", err)
	}
	var brands []struct {
		ID   string `gorm:"column:brand_id"`
		Name string `gorm:"column:brand"`
	}
	if err := active().Distinct("brand_id", "brand").Where("brand_id <> '' OR brand <> ''").
		Order("brand_id").Order("brand").Find(&brands).Error; err != nil {
		return MirrorCodes{}, fmt.Errorf("store: mirror codes: %w", err)
	}
	for _, b := range brands {
		out.Brands = append(out.Brands, BrandCode{ID: b.ID, Name: b.Name})
	}
	var locs []string
	if err := products().Distinct("stock_by_location").Where("stock_by_location <> '{}'").
		Pluck("stock_by_location", &locs).Error; err != nil {
		return MirrorCodes{}, fmt.Errorf("store: mirror codes: %w", err)
	}
	seen := map[string]bool{}
	for _, doc := range locs {
		var m map[string]int
		if err := json.Unmarshal([]byte(doc), &m); err != nil {
			return MirrorCodes{}, fmt.Errorf("store: mirror codes: stock_by_location: %w", err)
		}
		for id := range m {
			if !seen[id] {
				seen[id] = true
				out.Warehouses = append(out.Warehouses, id)
			}
		}
	}
	slices.Sort(out.Warehouses)
	return out, nil
}
