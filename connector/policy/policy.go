// Package policy holds a shop's selling policy: the stock it publishes (Stock) and the part of
// the IWS catalog it sells (Filters). The store keeps them with the shop, connector/listing
// applies them, the CLI and the admin set them; each type validates itself, so every way in
// checks the same rules. It imports nothing of the connector.
package policy

import (
	"slices"
	"strings"

	"github.com/go-playground/validator/v10"
)

var validate = validator.New(validator.WithRequiredStructEnabled())

// What a stock policy does with a product below its minimum stock.
const (
	BelowMinOutOfStock = "out_of_stock" // publish it, marked out of stock (the default)
	BelowMinHide       = "hide"         // keep it on the storefront but hidden
)

// DefaultSoldTypes are the IWS product types a shop sells unless its policy says otherwise:
// physical goods only, because IWS always reports zero stock for licences and downloads.
var DefaultSoldTypes = []string{"Physical"}

// Stock decides the stock a shop publishes for an IWS product.
//
// IWS's RealStockValue=false means the true stock is at least the number sent: the number is a
// floor. The policy treats it as the stock (never inflating it); selling from a floor cannot
// oversell, and the buffer, threshold and cap apply to it as to an exact number.
type Stock struct {
	// Locations lists the IWS warehouse ids that count; empty counts every warehouse (the product's
	// total). A product without a per-warehouse breakdown has no stock in chosen warehouses.
	Locations []string `json:"locations,omitempty" validate:"dive,required,max=64"`
	// Buffer is subtracted from the counted stock (a safety margin); results below 0 are 0.
	Buffer int `json:"buffer" validate:"gte=0"`
	// MinStock: a product whose stock after the buffer is below it (or zero) is published with
	// stock 0 as BelowMin says.
	MinStock int `json:"min_stock" validate:"gte=0"`
	// BelowMin is BelowMinOutOfStock (default, "") or BelowMinHide.
	BelowMin string `json:"below_min,omitempty" validate:"omitempty,oneof=out_of_stock hide"`
	// MaxStock caps the published number; 0 means no cap.
	MaxStock int `json:"max_stock,omitempty" validate:"gte=0"`
	// Types lists the IWS product types sold; empty means DefaultSoldTypes. Products of other
	// types are not listed (and unpublished if they were).
	Types []string `json:"types,omitempty" validate:"dive,oneof=Physical License Warranty Downloadable"`
}

// SoldTypes returns Types or the default.
func (p Stock) SoldTypes() []string {
	if len(p.Types) == 0 {
		return DefaultSoldTypes
	}
	return p.Types
}

// Filters choose which IWS products a shop lists. Categories are dotted IWS ids matched as
// prefixes by whole segments ("cpt" matches "cpt.nb", not "cptx"); brands match the IWS brand id
// or name, ignoring case. An empty include list includes everything; exclusions win.
type Filters struct {
	IncludeCategories []string `json:"include_categories,omitempty" validate:"dive,required"`
	ExcludeCategories []string `json:"exclude_categories,omitempty" validate:"dive,required"`
	IncludeBrands     []string `json:"include_brands,omitempty" validate:"dive,required"`
	ExcludeBrands     []string `json:"exclude_brands,omitempty" validate:"dive,required"`
}

// Validate reports the policy's problems.
func (p Stock) Validate() error { return validate.Struct(p) }

// Validate reports the filters' problems.
func (f Filters) Validate() error { return validate.Struct(f) }

// Includes reports whether the filters let through a product of the category (its dotted IWS
// id) and the brand (its IWS id and name).
func (f Filters) Includes(categoryID, brandID, brandName string) bool {
	inCategory := func(list []string) bool {
		return slices.ContainsFunc(list, func(prefix string) bool { return categoryHasPrefix(categoryID, prefix) })
	}
	isBrand := func(list []string) bool {
		return slices.ContainsFunc(list, func(b string) bool {
			return strings.EqualFold(b, brandID) || (brandName != "" && strings.EqualFold(b, brandName))
		})
	}
	if len(f.IncludeCategories) > 0 && !inCategory(f.IncludeCategories) {
		return false
	}
	if len(f.IncludeBrands) > 0 && !isBrand(f.IncludeBrands) {
		return false
	}
	return !inCategory(f.ExcludeCategories) && !isBrand(f.ExcludeBrands)
}

// categoryHasPrefix matches dotted ids by whole segments, ignoring case.
func categoryHasPrefix(id, prefix string) bool {
	id, prefix = strings.ToLower(id), strings.ToLower(strings.TrimSuffix(prefix, "."))
	return id == prefix || strings.HasPrefix(id, prefix+".")
}
