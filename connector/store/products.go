package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/intcomex-connector/connector/migrations"
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

type productRow struct {
	ID              int64               `gorm:"column:id;primaryKey"`
	AccountID       int64               `gorm:"column:account_id"`
	SKU             string              `gorm:"column:sku"`
	MPN             string              `gorm:"column:mpn"`
	UPC             string              `gorm:"column:upc"`
	BrandID         string              `gorm:"column:brand_id"`
	Brand           string              `gorm:"column:brand"`
	ManufacturerID  string              `gorm:"column:manufacturer_id"`
	Manufacturer    string              `gorm:"column:manufacturer"`
	CategoryID      string              `gorm:"column:category_id"`
	CategoryPath    string              `gorm:"column:category_path"`
	Type            string              `gorm:"column:type"`
	DescriptionES   string              `gorm:"column:description_es"`
	DescriptionEN   string              `gorm:"column:description_en"`
	LongDescription string              `gorm:"column:long_description"`
	Specs           string              `gorm:"column:specs"`
	Images          string              `gorm:"column:images"`
	WeightLb        decimal.NullDecimal `gorm:"column:weight_lb"`
	LengthIn        decimal.NullDecimal `gorm:"column:length_in"`
	WidthIn         decimal.NullDecimal `gorm:"column:width_in"`
	HeightIn        decimal.NullDecimal `gorm:"column:height_in"`
	Cost            decimal.Decimal     `gorm:"column:cost"`
	Currency        string              `gorm:"column:currency"`
	Sellable        bool                `gorm:"column:sellable"`
	StockTotal      int                 `gorm:"column:stock_total"`
	StockByLocation string              `gorm:"column:stock_by_location"`
	RealStock       bool                `gorm:"column:real_stock"`
	Active          bool                `gorm:"column:active"`
	CatalogHash     string              `gorm:"column:catalog_hash"`
	PriceHash       string              `gorm:"column:price_hash"`
	StockHash       string              `gorm:"column:stock_hash"`
	ContentHash     string              `gorm:"column:content_hash"`
	FieldsHash      string              `gorm:"column:fields_hash"`
	FirstSeenAt     time.Time           `gorm:"column:first_seen_at"`
	LastSeenAt      time.Time           `gorm:"column:last_seen_at"`
	DeactivatedAt   *time.Time          `gorm:"column:deactivated_at"`
	UpdatedAt       time.Time           `gorm:"column:updated_at"`
}

func (productRow) TableName() string { return "products" }

// productDataColumns are rewritten when a product changes: everything but the key and the first
// sighting.
var productDataColumns = []string{
	"mpn", "upc", "brand_id", "brand", "manufacturer_id", "manufacturer", "category_id",
	"category_path", "type", "description_es", "description_en", "long_description", "specs",
	"images", "weight_lb", "length_in", "width_in", "height_in", "cost", "currency", "sellable",
	"stock_total", "stock_by_location", "real_stock", "active", "catalog_hash", "price_hash",
	"stock_hash", "content_hash", "fields_hash", "last_seen_at", "deactivated_at", "updated_at",
}

func marshalJSON(v any, empty string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if string(b) == "null" {
		return empty, nil
	}
	return string(b), nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

func (p *Product) row() (productRow, error) {
	path, err := marshalJSON(p.CategoryPath, "[]")
	if err != nil {
		return productRow{}, err
	}
	specs, err := marshalJSON(p.Specs, "{}")
	if err != nil {
		return productRow{}, err
	}
	images, err := marshalJSON(p.Images, "[]")
	if err != nil {
		return productRow{}, err
	}
	stock, err := marshalJSON(p.StockByLocation, "{}")
	if err != nil {
		return productRow{}, err
	}
	return productRow{
		AccountID:       p.AccountID,
		SKU:             p.SKU,
		MPN:             p.MPN,
		UPC:             p.UPC,
		BrandID:         p.BrandID,
		Brand:           p.Brand,
		ManufacturerID:  p.ManufacturerID,
		Manufacturer:    p.Manufacturer,
		CategoryID:      p.CategoryID,
		CategoryPath:    path,
		Type:            p.Type,
		DescriptionES:   p.DescriptionES,
		DescriptionEN:   p.DescriptionEN,
		LongDescription: p.LongDescription,
		Specs:           specs,
		Images:          images,
		WeightLb:        p.WeightLb,
		LengthIn:        p.LengthIn,
		WidthIn:         p.WidthIn,
		HeightIn:        p.HeightIn,
		Cost:            p.Cost,
		Currency:        p.Currency,
		Sellable:        p.Sellable,
		StockTotal:      p.StockTotal,
		StockByLocation: stock,
		RealStock:       p.RealStock,
		Active:          p.Active,
		CatalogHash:     p.CatalogHash,
		PriceHash:       p.PriceHash,
		StockHash:       p.StockHash,
		ContentHash:     p.ContentHash,
		FieldsHash:      p.FieldsHash,
		FirstSeenAt:     p.FirstSeenAt.UTC().Truncate(time.Microsecond),
		LastSeenAt:      p.LastSeenAt.UTC().Truncate(time.Microsecond),
		DeactivatedAt:   utcPtr(p.DeactivatedAt),
		UpdatedAt:       p.UpdatedAt.UTC().Truncate(time.Microsecond),
	}, nil
}

func (r *productRow) product() (*Product, error) {
	p := &Product{
		AccountID:       r.AccountID,
		SKU:             r.SKU,
		MPN:             r.MPN,
		UPC:             r.UPC,
		BrandID:         r.BrandID,
		Brand:           r.Brand,
		ManufacturerID:  r.ManufacturerID,
		Manufacturer:    r.Manufacturer,
		CategoryID:      r.CategoryID,
		Type:            r.Type,
		DescriptionES:   r.DescriptionES,
		DescriptionEN:   r.DescriptionEN,
		LongDescription: r.LongDescription,
		WeightLb:        r.WeightLb,
		LengthIn:        r.LengthIn,
		WidthIn:         r.WidthIn,
		HeightIn:        r.HeightIn,
		Cost:            r.Cost,
		Currency:        r.Currency,
		Sellable:        r.Sellable,
		StockTotal:      r.StockTotal,
		RealStock:       r.RealStock,
		Active:          r.Active,
		CatalogHash:     r.CatalogHash,
		PriceHash:       r.PriceHash,
		StockHash:       r.StockHash,
		ContentHash:     r.ContentHash,
		FieldsHash:      r.FieldsHash,
		FirstSeenAt:     r.FirstSeenAt.UTC(),
		LastSeenAt:      r.LastSeenAt.UTC(),
		DeactivatedAt:   utcPtr(r.DeactivatedAt),
		UpdatedAt:       r.UpdatedAt.UTC(),
	}
	for _, f := range []struct {
		raw string
		dst any
	}{
		{r.CategoryPath, &p.CategoryPath},
		{r.Specs, &p.Specs},
		{r.Images, &p.Images},
		{r.StockByLocation, &p.StockByLocation},
	} {
		if f.raw == "" {
			continue
		}
		if err := json.Unmarshal([]byte(f.raw), f.dst); err != nil {
			return nil, fmt.Errorf("product %s: %w", r.SKU, err)
		}
	}
	if len(p.Specs) == 0 {
		p.Specs = nil
	}
	if len(p.StockByLocation) == 0 {
		p.StockByLocation = nil
	}
	if len(p.CategoryPath) == 0 {
		p.CategoryPath = nil
	}
	if len(p.Images) == 0 {
		p.Images = nil
	}
	return p, nil
}

// MaxProductBatch bounds the SKUs of one LoadProducts or ProductsBySKU call and the products of
// one SaveProducts chunk: SQLite allows 32,766 bound variables per statement and a product row
// has about forty columns.
const MaxProductBatch = 700

// productInsertRows is how many products go in one multi-row INSERT: SQLite gets statements of
// a few dozen rows (each row is a call into the pure-Go library, and gorm builds the statement
// anew every time); MySQL takes the batch in one statement.
func (s *Store) productInsertRows() int {
	if s.dialect == migrations.SQLite {
		return 25
	}
	return MaxProductBatch
}

// SaveProducts upserts products as given (hashes recomputed), in batches, in one transaction.
// It stamps no catalog run; the sync uses LoadProducts and WriteProducts. For tests, imports and
// repairs.
func (s *Store) SaveProducts(ctx context.Context, products []*Product) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		for chunk := range slices.Chunk(products, MaxProductBatch) {
			rows := make([]productRow, 0, len(chunk))
			for _, p := range chunk {
				if p.SKU == "" || p.AccountID == 0 {
					return fmt.Errorf("%w: product needs an account and a SKU", ErrInvalid)
				}
				p.ComputeHashes()
				p.UpdatedAt = now
				if p.FirstSeenAt.IsZero() {
					p.FirstSeenAt = now
				}
				if p.LastSeenAt.IsZero() {
					p.LastSeenAt = p.FirstSeenAt
				}
				r, err := p.row()
				if err != nil {
					return err
				}
				rows = append(rows, r)
			}
			if err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "account_id"}, {Name: "sku"}},
				DoUpdates: clause.AssignmentColumns(productDataColumns),
			}).CreateInBatches(&rows, s.productInsertRows()).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save products: %w", err)
	}
	return nil
}

// Product returns one product of the account, or ErrNotFound.
func (s *Store) Product(ctx context.Context, accountID int64, sku string) (*Product, error) {
	var r productRow
	if err := s.db.WithContext(ctx).Where("account_id = ? AND sku = ?", accountID, sku).Take(&r).Error; err != nil {
		return nil, notFound("product "+strconv.Quote(sku), err)
	}
	p, err := r.product()
	if err != nil {
		return nil, fmt.Errorf("store: product: %w", err)
	}
	return p, nil
}

// ProductsBySKU returns the stored products among skus (at most MaxProductBatch), keyed by SKU.
// Unknown SKUs are absent from the map.
func (s *Store) ProductsBySKU(ctx context.Context, accountID int64, skus []string) (map[string]*Product, error) {
	if len(skus) > MaxProductBatch {
		return nil, fmt.Errorf("store: products by SKU: %w: %d SKUs (max %d)", ErrInvalid, len(skus), MaxProductBatch)
	}
	out := make(map[string]*Product, len(skus))
	if len(skus) == 0 {
		return out, nil
	}
	var rows []productRow
	if err := s.db.WithContext(ctx).Where("account_id = ? AND sku IN ?", accountID, skus).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: products by SKU: %w", err)
	}
	for i := range rows {
		p, err := rows[i].product()
		if err != nil {
			return nil, fmt.Errorf("store: products by SKU: %w", err)
		}
		out[p.SKU] = p
	}
	return out, nil
}

// ProductFilter narrows ProductsPage and EachProduct. The zero value matches every product of
// the account.
type ProductFilter struct {
	Active   *bool // only active (true) or inactive (false) products
	Sellable *bool
	// CategoryPrefix matches CategoryID equal to it or below it ("cpt" matches "cpt.nb").
	CategoryPrefix string
}

func (f ProductFilter) apply(q *gorm.DB) *gorm.DB {
	if f.Active != nil {
		q = q.Where("active = ?", *f.Active)
	}
	if f.Sellable != nil {
		q = q.Where("sellable = ?", *f.Sellable)
	}
	if f.CategoryPrefix != "" {
		q = q.Where("(category_id = ? OR category_id LIKE ? ESCAPE '!')", f.CategoryPrefix, escapeLike(f.CategoryPrefix)+".%")
	}
	return q
}

// escapeLike escapes s for a LIKE pattern with ESCAPE '!' (a character both dialects read the
// same way inside a string literal, unlike the backslash).
func escapeLike(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%', '_', '!':
			out = append(out, '!')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// DefaultProductPage is EachProduct's page size.
const DefaultProductPage = 500

// ProductsPage returns up to limit products of the account with a SKU greater than afterSKU, in
// SKU order (keyset pagination: pass the last SKU of a page to get the next; "" starts).
func (s *Store) ProductsPage(ctx context.Context, accountID int64, afterSKU string, limit int, f ProductFilter) ([]*Product, error) {
	if limit <= 0 || limit > 5000 {
		limit = DefaultProductPage
	}
	q := s.db.WithContext(ctx).Where("account_id = ? AND sku > ?", accountID, afterSKU)
	var rows []productRow
	if err := f.apply(q).Order("sku").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: products page: %w", err)
	}
	out := make([]*Product, 0, len(rows))
	for i := range rows {
		p, err := rows[i].product()
		if err != nil {
			return nil, fmt.Errorf("store: products page: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// EachProduct calls fn for every product of the account that matches f, in SKU order, one page
// at a time: no cursor is open and no transaction is held while fn runs, so fn may use the store.
// It stops at fn's first error and returns it.
func (s *Store) EachProduct(ctx context.Context, accountID int64, f ProductFilter, fn func(*Product) error) error {
	after := ""
	for {
		page, err := s.ProductsPage(ctx, accountID, after, DefaultProductPage, f)
		if err != nil {
			return err
		}
		for _, p := range page {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(page) < DefaultProductPage {
			return nil
		}
		after = page[len(page)-1].SKU
	}
}

// ProductCounts summarizes an account's mirror.
type ProductCounts struct {
	Total    int
	Active   int
	Sellable int // active and sellable
	InStock  int // active with StockTotal > 0
}

// CountProducts counts the account's products.
func (s *Store) CountProducts(ctx context.Context, accountID int64) (ProductCounts, error) {
	var c struct {
		Total    int
		Active   *int
		Sellable *int
		InStock  *int
	}
	err := s.db.WithContext(ctx).Model(&productRow{}).
		Select(`COUNT(*) AS total,
			SUM(CASE WHEN active THEN 1 ELSE 0 END) AS active,
			SUM(CASE WHEN active AND sellable THEN 1 ELSE 0 END) AS sellable,
			SUM(CASE WHEN active AND stock_total > 0 THEN 1 ELSE 0 END) AS in_stock`).
		Where("account_id = ?", accountID).Scan(&c).Error
	if err != nil {
		return ProductCounts{}, fmt.Errorf("store: count products: %w", err)
	}
	return ProductCounts{Total: c.Total, Active: deref(c.Active), Sellable: deref(c.Sellable), InStock: deref(c.InStock)}, nil
}
