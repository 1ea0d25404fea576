package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/migrations"
)

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

func productToRow(p *mirror.Product) (productRow, error) {
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

func (r *productRow) product() (*mirror.Product, error) {
	p := &mirror.Product{
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
func (s *Store) SaveProducts(ctx context.Context, products []*mirror.Product) error {
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
				r, err := productToRow(p)
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
func (s *Store) Product(ctx context.Context, accountID int64, sku string) (*mirror.Product, error) {
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
func (s *Store) ProductsBySKU(ctx context.Context, accountID int64, skus []string) (map[string]*mirror.Product, error) {
	if len(skus) > MaxProductBatch {
		return nil, fmt.Errorf("store: products by SKU: %w: %d SKUs (max %d)", ErrInvalid, len(skus), MaxProductBatch)
	}
	out := make(map[string]*mirror.Product, len(skus))
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
	// Brand matches the brand name, whole but ignoring ASCII case.
	Brand string
	// InStock keeps products with (true) or without (false) stock (StockTotal > 0).
	InStock *bool
	// Search matches text anywhere in the SKU, MPN, UPC, brand, manufacturer or either
	// description (the product's name).
	Search string
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
	if f.Brand != "" {
		q = q.Where("brand LIKE ? ESCAPE '!'", escapeLike(f.Brand)) // no wildcard: equality without case
	}
	q = whereFlag(q, f.InStock, "stock_total > 0", "stock_total <= 0")
	return likeAny(q, f.Search, "sku", "mpn", "upc", "brand", "manufacturer", "description_es", "description_en")
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
func (s *Store) ProductsPage(ctx context.Context, accountID int64, afterSKU string, limit int, f ProductFilter) ([]*mirror.Product, error) {
	if limit <= 0 || limit > 5000 {
		limit = DefaultProductPage
	}
	q := s.db.WithContext(ctx).Where("account_id = ? AND sku > ?", accountID, afterSKU)
	var rows []productRow
	if err := f.apply(q).Order("sku").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: products page: %w", err)
	}
	out := make([]*mirror.Product, 0, len(rows))
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
func (s *Store) EachProduct(ctx context.Context, accountID int64, f ProductFilter, fn func(*mirror.Product) error) error {
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

// pricingColumns are what ProductPricingPage reads: what pricing, the shop's filters and its
// stock policy's sold types look at.
var pricingColumns = []string{
	"account_id", "sku", "brand_id", "brand", "manufacturer_id", "category_id", "type", "cost", "currency",
	"sellable", "active",
}

// ProductPricingPage is ProductsPage reading only what pricing a product needs: AccountID, SKU,
// BrandID, Brand, ManufacturerID, CategoryID, Type, Cost, Currency, Sellable and Active; every
// other field of the products is zero. Re-pricing a whole catalog (connector/rules' impact of a
// rules change) reads a tenth of the bytes this way. limit is at most 5000.
func (s *Store) ProductPricingPage(ctx context.Context, accountID int64, afterSKU string, limit int, f ProductFilter) ([]*mirror.Product, error) {
	if limit <= 0 || limit > 5000 {
		limit = DefaultProductPage
	}
	q := s.db.WithContext(ctx).Select(pricingColumns).Where("account_id = ? AND sku > ?", accountID, afterSKU)
	var rows []productRow
	if err := f.apply(q).Order("sku").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: product pricing page: %w", err)
	}
	out := make([]*mirror.Product, len(rows))
	for i, r := range rows {
		out[i] = &mirror.Product{
			AccountID: r.AccountID, SKU: r.SKU, BrandID: r.BrandID, Brand: r.Brand, ManufacturerID: r.ManufacturerID,
			CategoryID: r.CategoryID, Type: r.Type, Cost: r.Cost, Currency: r.Currency, Sellable: r.Sellable, Active: r.Active,
		}
	}
	return out, nil
}
