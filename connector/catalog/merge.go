package catalog

import (
	"encoding/binary"
	"maps"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/iws"
)

// moneyPlaces is the scale of DECIMAL(19,4): values are rounded to it before hashing, so a value
// read back from MySQL hashes like the one written.
const moneyPlaces = 4

// applyCatalog copies GetCatalog's fields (Spanish item, English description when the English
// catalog listed the product) onto p, and marks it active.
func applyCatalog(p *mirror.Product, it *iws.Product, english string, hasEnglish bool) {
	p.MPN = strings.TrimSpace(it.Mpn)
	p.UPC = ""
	if it.Upc != nil {
		p.UPC = strings.TrimSpace(*it.Upc)
	}
	p.BrandID, p.Brand = "", ""
	if it.Brand != nil {
		p.BrandID, p.Brand = it.Brand.BrandID, it.Brand.Description
	}
	p.ManufacturerID, p.Manufacturer = "", ""
	switch {
	case it.Manufacturer != nil:
		p.ManufacturerID, p.Manufacturer = it.Manufacturer.ManufacturerID, it.Manufacturer.Description
	case it.Brand != nil:
		p.ManufacturerID = it.Brand.ManufacturerID
	}
	p.CategoryID, p.CategoryPath = categoryPath(it.Category)
	p.Type = it.Type
	p.DescriptionES = it.Description
	if hasEnglish {
		p.DescriptionEN = english
	}
	p.WeightLb, p.LengthIn, p.WidthIn, p.HeightIn = decimal.NullDecimal{}, decimal.NullDecimal{}, decimal.NullDecimal{}, decimal.NullDecimal{}
	if it.Freight != nil && it.Freight.Package != nil {
		m := it.Freight.Package
		p.WeightLb, p.LengthIn, p.WidthIn, p.HeightIn = measure(m.Weight), measure(m.Length), measure(m.Width), measure(m.Height)
	}
	if it.RealStockValue != nil {
		p.RealStock = *it.RealStockValue
	}
	p.Active = true
	p.DeactivatedAt = nil
}

func measure(d *iws.Decimal) decimal.NullDecimal {
	if d == nil {
		return decimal.NullDecimal{}
	}
	return decimal.NullDecimal{Decimal: d.Round(moneyPlaces), Valid: true}
}

// categoryPath walks the category tree IWS nests in each product (one child per level) down to
// the leaf, the product's own category.
func categoryPath(c *iws.Category) (string, []mirror.CategoryNode) {
	var path []mirror.CategoryNode
	for n := c; n != nil; {
		path = append(path, mirror.CategoryNode{ID: n.CategoryID, Name: n.Description})
		if len(n.Subcategories) == 0 {
			break
		}
		n = &n.Subcategories[0]
	}
	if len(path) == 0 {
		return "", nil
	}
	return path[len(path)-1].ID, path
}

// priceFact is one price list item, reduced to what a product takes from it.
type priceFact struct {
	null     bool            // no price at all
	cost     decimal.Decimal // rounded to moneyPlaces
	currency string          // normalized; "" keeps the product's currency
}

func newPriceFact(it *iws.PriceListItem) priceFact {
	if it.Price == nil {
		return priceFact{null: true}
	}
	return priceFact{cost: it.Price.UnitPrice.Round(moneyPlaces), currency: iws.NormalizeCurrency(it.Price.CurrencyID)}
}

// apply sets cost, currency and the sellable flag. A null price, a price of zero or less, or a
// price without a currency makes the product unsellable: it is never sold at zero.
func (f priceFact) apply(p *mirror.Product) {
	if f.null {
		p.Cost = decimal.Zero
		p.Sellable = false
		return
	}
	p.Cost = f.cost
	if f.currency != "" {
		p.Currency = f.currency
	}
	p.Sellable = p.Cost.IsPositive() && p.Currency != ""
}

// stockFact is one inventory item, reduced to what a product takes from it.
type stockFact struct {
	total     int
	locations []locationStock // per warehouse, summed; nil when IWS gives no locations
	hasLocs   bool
	realStock *bool
}

type locationStock struct {
	id    string
	units int
}

func newStockFact(it *iws.InventoryData) stockFact {
	f := stockFact{total: max(0, int(it.InStock)), hasLocs: len(it.Locations) > 0, realStock: it.RealStockValue}
	for _, l := range it.Locations {
		if l.ID == "" {
			continue
		}
		units := max(0, int(l.Stock))
		found := false
		for i := range f.locations {
			if f.locations[i].id == l.ID {
				f.locations[i].units += units
				found = true
				break
			}
		}
		if !found {
			f.locations = append(f.locations, locationStock{l.ID, units})
		}
	}
	return f
}

// apply sets the total and per-warehouse stock.
func (f stockFact) apply(p *mirror.Product) {
	p.StockTotal = f.total
	p.StockByLocation = nil
	if f.hasLocs {
		p.StockByLocation = make(map[string]int, len(f.locations))
		for _, l := range f.locations {
			p.StockByLocation[l.id] = l.units
		}
	}
	if f.realStock != nil {
		p.RealStock = *f.realStock
	}
}

// contentFact is one product's extended content as the mirror stores it: the long
// description, the specifications and the image URLs (main image first, no duplicates). An
// "all" run that merges the extended catalog keeps one per SKU in memory, so the specifications
// and images are packed into one string each (length-prefixed strings): three allocations per
// product instead of a map and a record per image.
type contentFact struct {
	long   string
	specs  string // key, value, key, value, … each as uvarint length + bytes
	images string // URLs, each as uvarint length + bytes
}

func newContentFact(it *iws.ExtendedProduct) contentFact {
	f := contentFact{long: it.Descripcion}
	var buf []byte
	for k, v := range it.Attributes {
		buf = appendPacked(appendPacked(buf, k), v)
	}
	f.specs = string(buf)
	buf = buf[:0]
	seen := make(map[string]bool, len(it.Imagenes))
	add := func(u string) {
		u = strings.TrimSpace(u)
		if u != "" && !seen[u] {
			seen[u] = true
			buf = appendPacked(buf, u)
		}
	}
	for _, im := range it.Imagenes {
		if im.IsMainImage {
			add(im.URL)
			break
		}
	}
	for _, im := range it.Imagenes {
		add(im.URL)
	}
	f.images = string(buf)
	return f
}

func appendPacked(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// unpack returns the strings packed in s.
func unpack(s string) []string {
	var out []string
	for len(s) > 0 {
		n, w := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
		s = s[w:]
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// apply replaces p's whole content, so p may have been loaded without it.
func (f contentFact) apply(p *mirror.Product) {
	var specs map[string]string
	if kv := unpack(f.specs); len(kv) > 0 {
		specs = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			specs[kv[i]] = kv[i+1]
		}
	}
	p.SetContent(f.long, specs, unpack(f.images))
}

// applyContent sets the long description, the specifications and the images, main image first.
// It replaces the whole content, so p may have been loaded without it.
func applyContent(p *mirror.Product, it *iws.ExtendedProduct) { newContentFact(it).apply(p) }

// sameHashedFields reports whether p, a clone of the stored old (both without content) with feed
// data applied, still has every field the hashes cover as old has: its hashes are then old's and
// need not be computed, and nothing changed.
func sameHashedFields(old, p *mirror.Product) bool {
	return p.Active == old.Active && p.Sellable == old.Sellable && p.Currency == old.Currency &&
		p.Cost.Equal(old.Cost) && p.StockTotal == old.StockTotal && p.RealStock == old.RealStock &&
		maps.Equal(p.StockByLocation, old.StockByLocation) && p.SameCatalogFields(old)
}
