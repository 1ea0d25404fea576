// Package policy holds a shop's selling policy: the stock it publishes (Stock) and the part of
// the IWS catalog it sells (Filters). The store keeps them with the shop, connector/listing
// applies them, the CLI and the admin set them; each type validates itself, so every way in
// checks the same rules. It imports nothing of the connector.
package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/intcomex-connector/connector/internal/iwscode"
)

// What a stock policy does with a product below its minimum stock.
const (
	BelowMinOutOfStock = "out_of_stock" // publish it, marked out of stock (the default)
	BelowMinHide       = "hide"         // keep it on the storefront but hidden
)

// Types are the IWS product types a policy may sell.
var Types = []string{"Physical", "License", "Warranty", "Downloadable"}

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
	Locations []string `json:"locations,omitempty"`
	// Buffer is subtracted from the counted stock (a safety margin); results below 0 are 0.
	Buffer int `json:"buffer"`
	// MinStock: a product whose stock after the buffer is below it (or zero) is published with
	// stock 0 as BelowMin says.
	MinStock int `json:"min_stock"`
	// BelowMin is BelowMinOutOfStock (default, "") or BelowMinHide.
	BelowMin string `json:"below_min,omitempty"`
	// MaxStock caps the published number; 0 means no cap.
	MaxStock int `json:"max_stock,omitempty"`
	// Types lists the IWS product types sold; empty means DefaultSoldTypes. Products of other
	// types are not listed (and unpublished if they were).
	Types []string `json:"types,omitempty"`
}

// SoldTypes returns Types or the default.
func (p Stock) SoldTypes() []string {
	if len(p.Types) == 0 {
		return DefaultSoldTypes
	}
	return p.Types
}

// Filters choose which IWS products a shop lists. Categories are dotted IWS ids matched as
// prefixes by whole segments ("cpt" matches "cpt.nb", not "cptx"; a trailing dot is ignored);
// brands match the IWS brand id or name, ignoring case. An empty include list includes
// everything; exclusions win.
type Filters struct {
	IncludeCategories []string `json:"include_categories,omitempty"`
	ExcludeCategories []string `json:"exclude_categories,omitempty"`
	IncludeBrands     []string `json:"include_brands,omitempty"`
	ExcludeBrands     []string `json:"exclude_brands,omitempty"`
}

// Problem is one thing wrong with a stock policy or filters: the field by its JSON name
// ("buffer", "include_categories") and what is wrong with it.
type Problem struct {
	Field   string
	Message string
}

func (p Problem) String() string { return p.Field + ": " + p.Message }

// Problems lists everything wrong with the policy: negative counts, an unknown below-minimum
// action or product type, a warehouse id that is not an IWS code.
func (p Stock) Problems() []Problem {
	var out []Problem
	for _, c := range []struct {
		field string
		n     int
	}{{"buffer", p.Buffer}, {"min_stock", p.MinStock}, {"max_stock", p.MaxStock}} {
		if c.n < 0 {
			out = append(out, Problem{c.field, fmt.Sprintf("%d is below 0", c.n)})
		}
	}
	if p.BelowMin != "" && p.BelowMin != BelowMinOutOfStock && p.BelowMin != BelowMinHide {
		out = append(out, Problem{"below_min", fmt.Sprintf("%q is not %s or %s", p.BelowMin, BelowMinOutOfStock, BelowMinHide)})
	}
	for _, t := range p.Types {
		if !slices.Contains(Types, t) {
			out = append(out, Problem{"types", fmt.Sprintf("%q is not one of %s", t, strings.Join(Types, ", "))})
		}
	}
	for _, id := range p.Locations {
		if err := iwscode.CheckWarehouse(id); err != nil {
			out = append(out, Problem{"locations", err.Error()})
		}
	}
	return out
}

// Problems lists every category that is not a dotted IWS id and every brand that is neither an
// IWS brand id nor a brand name (internal/iwscode).
func (f Filters) Problems() []Problem {
	var out []Problem
	for field, list := range map[string][]string{"include_categories": f.IncludeCategories, "exclude_categories": f.ExcludeCategories} {
		for _, c := range list {
			if err := iwscode.CheckCategory(strings.TrimSuffix(c, ".")); err != nil {
				out = append(out, Problem{field, err.Error()})
			}
		}
	}
	for field, list := range map[string][]string{"include_brands": f.IncludeBrands, "exclude_brands": f.ExcludeBrands} {
		for _, b := range list {
			if err := iwscode.CheckBrand(b); err != nil {
				out = append(out, Problem{field, err.Error()})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// Validate reports the policy's problems in one error (nil when there are none).
func (p Stock) Validate() error { return joinProblems(p.Problems()) }

// Validate reports the filters' problems in one error (nil when there are none).
func (f Filters) Validate() error { return joinProblems(f.Problems()) }

func joinProblems(ps []Problem) error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = errors.New(p.String())
	}
	return errors.Join(errs...)
}

// Why says, for people, which filter leaves a product out ("" when Includes lets it through):
// `exclude_categories has "cpt.srv", which covers its category "cpt.srv.rack"`.
func (f Filters) Why(categoryID, brandID, brandName string) string {
	brand := brandID
	if brandName != "" {
		brand = brandName
	}
	switch field, entry := f.leftOutBy(categoryID, brandID, brandName); field {
	case "exclude_categories":
		return fmt.Sprintf("exclude_categories has %q, which covers its category %q", entry, categoryID)
	case "exclude_brands":
		return fmt.Sprintf("exclude_brands has %q, its brand", entry)
	case "include_categories":
		return fmt.Sprintf("include_categories (%s) does not cover its category %q", strings.Join(f.IncludeCategories, ", "), categoryID)
	case "include_brands":
		return fmt.Sprintf("include_brands (%s) does not have its brand %q", strings.Join(f.IncludeBrands, ", "), brand)
	}
	return ""
}

// Includes reports whether the filters let through a product of the category (its dotted IWS
// id) and the brand (its IWS id and name).
func (f Filters) Includes(categoryID, brandID, brandName string) bool {
	field, _ := f.leftOutBy(categoryID, brandID, brandName)
	return field == ""
}

// leftOutBy returns the filter that leaves the product out and, for an exclusion, the entry that
// matched ("", "" when the product is included). Exclusions are checked first: they win.
func (f Filters) leftOutBy(categoryID, brandID, brandName string) (field, entry string) {
	isBrand := func(b string) bool {
		return strings.EqualFold(b, brandID) || (brandName != "" && strings.EqualFold(b, brandName))
	}
	inCategory := func(c string) bool { return categoryHasPrefix(categoryID, c) }
	if i := slices.IndexFunc(f.ExcludeCategories, inCategory); i >= 0 {
		return "exclude_categories", f.ExcludeCategories[i]
	}
	if i := slices.IndexFunc(f.ExcludeBrands, isBrand); i >= 0 {
		return "exclude_brands", f.ExcludeBrands[i]
	}
	if len(f.IncludeCategories) > 0 && !slices.ContainsFunc(f.IncludeCategories, inCategory) {
		return "include_categories", ""
	}
	if len(f.IncludeBrands) > 0 && !slices.ContainsFunc(f.IncludeBrands, isBrand) {
		return "include_brands", ""
	}
	return "", ""
}

// categoryHasPrefix matches dotted ids by whole segments, ignoring case.
func categoryHasPrefix(id, prefix string) bool {
	id, prefix = strings.ToLower(id), strings.ToLower(strings.TrimSuffix(prefix, "."))
	return id == prefix || strings.HasPrefix(id, prefix+".")
}
