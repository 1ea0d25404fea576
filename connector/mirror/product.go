// Package mirror holds the IWS mirror's product record, shared by the catalog sync that writes
// it, the store that keeps it, and the listing plan, the reports and the CLI that read it; and
// its content hashes, by which a sync tells what changed. It is a leaf package: it imports
// nothing of the connector.
package mirror

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// CategoryNode is one level of a product's category path, root first.
type CategoryNode struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Product is the mirror of one IWS product of one account: catalog fields (GetCatalog, both
// locales), price (GetPriceList), stock (GetInventory) and rich content (the extended catalog).
//
// A product that leaves the catalog stays here with Active false. Sellable is false when IWS
// gives no price, a zero price, or leaves the product out of the price list: such a product must
// never be sold (at zero or otherwise), whatever Cost says.
type Product struct {
	AccountID       int64
	SKU             string
	MPN             string
	UPC             string
	BrandID         string
	Brand           string
	ManufacturerID  string
	Manufacturer    string
	CategoryID      string         // dotted leaf id, e.g. "cpt.nb"
	CategoryPath    []CategoryNode // root → leaf
	Type            string         // iws.TypePhysical, ...
	DescriptionES   string
	DescriptionEN   string
	LongDescription string            // extended catalog
	Specs           map[string]string // extended catalog, "<Group> / <Attribute>" → value
	Images          []string          // extended catalog, main image first
	WeightLb        decimal.NullDecimal
	LengthIn        decimal.NullDecimal
	WidthIn         decimal.NullDecimal
	HeightIn        decimal.NullDecimal
	Cost            decimal.Decimal // DECIMAL(19,4)
	Currency        string          // ISO 4217
	Sellable        bool
	StockTotal      int
	StockByLocation map[string]int // warehouse id → units; empty when IWS gives no locations
	RealStock       bool           // false: IWS caps the displayed stock, the real one may be higher
	Active          bool

	// CatalogHash covers the descriptive fields (catalog and extended content), PriceHash the
	// price fields (Cost, Currency, Sellable), StockHash the stock fields (StockTotal,
	// StockByLocation, RealStock). ContentHash covers every field above: SKU, account, the three
	// groups and Active. FieldsHash covers CatalogHash's fields without the extended content
	// (SameCatalogFields' set): what a catalog sync can compare without reading the content. All
	// are lower-case hex SHA-256; ComputeHashes fills them.
	CatalogHash string
	PriceHash   string
	StockHash   string
	ContentHash string
	FieldsHash  string

	FirstSeenAt   time.Time
	LastSeenAt    time.Time // last catalog run that listed the product
	DeactivatedAt *time.Time
	UpdatedAt     time.Time

	// noContent marks a product loaded without LongDescription, Specs and Images: writing it
	// leaves those columns (and CatalogHash) as stored.
	noContent bool
}

// OmitContent marks p as read without its extended content (LongDescription, Specs, Images):
// the store then writes it without touching those columns or CatalogHash, and ComputeHashes
// keeps its CatalogHash. SetContent or AdoptContent give it content again.
func (p *Product) OmitContent() { p.noContent = true }

// HasContent reports whether p holds its extended content (LongDescription, Specs, Images):
// false for a product loaded without it until SetContent or AdoptContent.
func (p *Product) HasContent() bool { return !p.noContent }

// Clone returns a deep copy of p.
func (p *Product) Clone() *Product {
	c := *p
	c.CategoryPath = slices.Clone(p.CategoryPath)
	c.Images = slices.Clone(p.Images)
	if p.Specs != nil {
		c.Specs = make(map[string]string, len(p.Specs))
		for k, v := range p.Specs {
			c.Specs[k] = v
		}
	}
	if p.StockByLocation != nil {
		c.StockByLocation = make(map[string]int, len(p.StockByLocation))
		for k, v := range p.StockByLocation {
			c.StockByLocation[k] = v
		}
	}
	if p.DeactivatedAt != nil {
		t := *p.DeactivatedAt
		c.DeactivatedAt = &t
	}
	return &c
}

// hashWriter feeds length-prefixed fields to SHA-256, so that no two different field lists
// encode alike. Maps are written in key order; decimals in their canonical String form.
type hashWriter struct {
	buf []byte
}

func (w *hashWriter) str(s string) {
	w.buf = binary.AppendUvarint(w.buf, uint64(len(s)))
	w.buf = append(w.buf, s...)
}

func (w *hashWriter) num(n int64) { w.buf = binary.AppendVarint(w.buf, n) }

func (w *hashWriter) boolean(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

func (w *hashWriter) dec(d decimal.Decimal) { w.str(d.String()) }

func (w *hashWriter) nullDec(d decimal.NullDecimal) {
	w.boolean(d.Valid)
	if d.Valid {
		w.dec(d.Decimal)
	}
}

// hashWriters keeps the buffers of finished hashes: a sync hashes every product it writes, and
// a product with its extended content outgrows a fresh buffer.
var hashWriters = sync.Pool{New: func() any { return &hashWriter{buf: make([]byte, 0, 1024)} }}

func (w *hashWriter) sum() string {
	h := sha256.Sum256(w.buf)
	w.buf = w.buf[:0]
	return hex.EncodeToString(h[:])
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ComputeHashes sets CatalogHash, PriceHash, StockHash, ContentHash and FieldsHash from the
// current fields.
// Timestamps and the hashes themselves are not hashed. Decimals hash by value (1.50 = 1.5).
//
// A product loaded without its extended content (LoadProducts with content false) keeps its
// stored CatalogHash: change its descriptive fields only on a product loaded with content.
func (p *Product) ComputeHashes() {
	w := hashWriters.Get().(*hashWriter)
	defer hashWriters.Put(w)
	if !p.noContent {
		p.CatalogHash = p.catalogHash(w)
	}
	p.PriceHash = p.priceHash(w)
	p.StockHash = p.stockHash(w)
	p.ContentHash = p.contentHash(w)
	p.FieldsHash = p.fieldsHash(w)
}

// ProductHashes are the hashes of a product that do not depend on its extended content.
type ProductHashes struct {
	Fields, Price, Stock string
}

// HashesWithoutContent computes p's FieldsHash, PriceHash and StockHash without setting them
// (a product built from feed data, to compare with the stored ones).
func (p *Product) HashesWithoutContent() ProductHashes {
	w := hashWriters.Get().(*hashWriter)
	defer hashWriters.Put(w)
	return ProductHashes{Fields: p.fieldsHash(w), Price: p.priceHash(w), Stock: p.stockHash(w)}
}

// ComputeFieldsHash returns the FieldsHash of p's current fields without setting it.
func (p *Product) ComputeFieldsHash() string {
	w := hashWriters.Get().(*hashWriter)
	defer hashWriters.Put(w)
	return p.fieldsHash(w)
}

// fieldsHash covers what SameCatalogFields compares.
func (p *Product) fieldsHash(w *hashWriter) string {
	w.str("fields/v1")
	p.writeCatalogFields(w)
	return w.sum()
}

// writeCatalogFields writes the catalog fields (not the extended content) in a fixed order.
func (p *Product) writeCatalogFields(w *hashWriter) {
	for _, s := range []string{p.MPN, p.UPC, p.BrandID, p.Brand, p.ManufacturerID, p.Manufacturer,
		p.CategoryID, p.Type, p.DescriptionES, p.DescriptionEN} {
		w.str(s)
	}
	w.num(int64(len(p.CategoryPath)))
	for _, n := range p.CategoryPath {
		w.str(n.ID)
		w.str(n.Name)
	}
	for _, d := range []decimal.NullDecimal{p.WeightLb, p.LengthIn, p.WidthIn, p.HeightIn} {
		w.nullDec(d)
	}
}

// catalogHash keeps the order of its first version (stored hashes depend on it): the catalog
// fields with the long description among them, then the path, specs, images and measures.
func (p *Product) catalogHash(w *hashWriter) string {
	w.str("catalog/v1")
	for _, s := range []string{p.MPN, p.UPC, p.BrandID, p.Brand, p.ManufacturerID, p.Manufacturer,
		p.CategoryID, p.Type, p.DescriptionES, p.DescriptionEN, p.LongDescription} {
		w.str(s)
	}
	w.num(int64(len(p.CategoryPath)))
	for _, n := range p.CategoryPath {
		w.str(n.ID)
		w.str(n.Name)
	}
	w.num(int64(len(p.Specs)))
	for _, k := range sortedKeys(p.Specs) {
		w.str(k)
		w.str(p.Specs[k])
	}
	w.num(int64(len(p.Images)))
	for _, u := range p.Images {
		w.str(u)
	}
	for _, d := range []decimal.NullDecimal{p.WeightLb, p.LengthIn, p.WidthIn, p.HeightIn} {
		w.nullDec(d)
	}
	return w.sum()
}

func (p *Product) priceHash(w *hashWriter) string {
	w.str("price/v1")
	w.dec(p.Cost)
	w.str(p.Currency)
	w.boolean(p.Sellable)
	return w.sum()
}

func (p *Product) stockHash(w *hashWriter) string {
	w.str("stock/v1")
	w.num(int64(p.StockTotal))
	w.num(int64(len(p.StockByLocation)))
	for _, k := range sortedKeys(p.StockByLocation) {
		w.str(k)
		w.num(int64(p.StockByLocation[k]))
	}
	w.boolean(p.RealStock)
	return w.sum()
}

func (p *Product) contentHash(w *hashWriter) string {
	w.str("product/v1")
	w.num(p.AccountID)
	w.str(p.SKU)
	w.str(p.CatalogHash)
	w.str(p.PriceHash)
	w.str(p.StockHash)
	w.boolean(p.Active)
	return w.sum()
}

// SameCatalogFields reports whether p and o agree on every field CatalogHash covers except the
// extended content (LongDescription, Specs, Images): what GetCatalog writes. It is how a sync
// tells, without the content, that a product's CatalogHash cannot have changed.
func (p *Product) SameCatalogFields(o *Product) bool {
	if p.MPN != o.MPN || p.UPC != o.UPC || p.BrandID != o.BrandID || p.Brand != o.Brand ||
		p.ManufacturerID != o.ManufacturerID || p.Manufacturer != o.Manufacturer ||
		p.CategoryID != o.CategoryID || p.Type != o.Type || p.DescriptionES != o.DescriptionES ||
		p.DescriptionEN != o.DescriptionEN || !slices.Equal(p.CategoryPath, o.CategoryPath) {
		return false
	}
	a := []decimal.NullDecimal{p.WeightLb, p.LengthIn, p.WidthIn, p.HeightIn}
	b := []decimal.NullDecimal{o.WeightLb, o.LengthIn, o.WidthIn, o.HeightIn}
	for i := range a {
		// The hash writes decimals in their String form: compare the same way.
		if a[i].Valid != b[i].Valid || (a[i].Valid && a[i].Decimal.String() != b[i].Decimal.String()) {
			return false
		}
	}
	return true
}

// AdoptContent copies the extended content (LongDescription, Specs, Images) of full, a product
// loaded with content, into p, which was loaded without: p may then change its descriptive
// fields and have its CatalogHash recomputed.
func (p *Product) AdoptContent(full *Product) {
	p.LongDescription, p.Specs, p.Images = full.LongDescription, full.Specs, full.Images
	p.CatalogHash = full.CatalogHash
	p.noContent = false
}

// SetContent replaces p's extended content, whether p was loaded with it or not: the whole
// content is then known, so WriteProducts writes it and ComputeHashes recomputes CatalogHash.
// The extended catalog sync compares that hash with the stored one instead of reading every
// stored product's content.
func (p *Product) SetContent(long string, specs map[string]string, images []string) {
	p.LongDescription, p.Specs, p.Images = long, specs, images
	p.noContent = false
}
