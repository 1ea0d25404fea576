package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/migrations"
)

// The catalog mirror's bulk path: plain database/sql, no gorm reflection, no RETURNING. Reading
// and writing 50,000 products per sync run is where the sync spends its time; see
// docs/BENCHMARKS.md ("Catalog mirror").

// productLightColumns are the columns LoadProducts reads without content, in scan order.
var productLightColumns = []string{
	"sku", "mpn", "upc", "brand_id", "brand", "manufacturer_id", "manufacturer", "category_id",
	"category_path", "type", "description_es", "description_en", "weight_lb", "length_in",
	"width_in", "height_in", "cost", "currency", "sellable", "stock_total", "stock_by_location",
	"real_stock", "active", "catalog_hash", "price_hash", "stock_hash", "content_hash",
	"fields_hash", "first_seen_at", "last_seen_at", "deactivated_at", "updated_at",
}

// productContentColumns are the extended catalog's columns.
var productContentColumns = []string{"long_description", "specs", "images"}

// productUpdateColumns are the columns an upsert rewrites on an existing row when the product
// was loaded with its content; productLightUpdateColumns when it was not.
var (
	productLightUpdateColumns = slices.DeleteFunc(slices.Clone(productLightColumns), func(c string) bool {
		return c == "sku" || c == "first_seen_at"
	})
	productUpdateColumns = append(slices.Clone(productLightUpdateColumns), productContentColumns...)
	// productInsertColumns is the column order of every upsert.
	productInsertColumns = append(append([]string{"account_id"}, productLightColumns...), productContentColumns...)
)

// maxUpsertParams bounds the bound parameters of one multi-row MySQL statement (the protocol
// allows 65,535).
const maxUpsertParams = 30_000

// LoadProducts returns the account's stored products among skus (at most MaxProductBatch),
// keyed by SKU; unknown SKUs are absent. Without content, LongDescription, Specs and Images are
// not read: such products are for comparing and for writing back price, stock and activity
// (WriteProducts leaves their content and CatalogHash as stored).
func (s *Store) LoadProducts(ctx context.Context, accountID int64, skus []string, content bool) (map[string]*mirror.Product, error) {
	if len(skus) > MaxProductBatch {
		return nil, fmt.Errorf("store: load products: %w: %d SKUs (max %d)", ErrInvalid, len(skus), MaxProductBatch)
	}
	out := make(map[string]*mirror.Product, len(skus))
	if len(skus) == 0 {
		return out, nil
	}
	cols := productLightColumns
	if content {
		cols = append(slices.Clone(cols), productContentColumns...)
	}
	q, args := skuQuery("SELECT "+strings.Join(cols, ", ")+" FROM products", accountID, skus)
	rows, err := s.sqlDB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: load products: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProduct(rows, accountID, content)
		if err != nil {
			return nil, fmt.Errorf("store: load products: %w", err)
		}
		out[p.SKU] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: load products: %w", err)
	}
	return out, nil
}

// StoredHashes are a stored product's hashes that do not depend on its extended content, and
// whether it is active.
type StoredHashes struct {
	mirror.ProductHashes
	Active bool
}

// LoadProductHashes returns the hashes of the account's stored products among skus (at most
// MaxProductBatch), keyed by SKU: five short columns per row, for a sync to tell which products
// it must read whole (LoadProducts) before it can write them.
func (s *Store) LoadProductHashes(ctx context.Context, accountID int64, skus []string) (map[string]StoredHashes, error) {
	if len(skus) > MaxProductBatch {
		return nil, fmt.Errorf("store: load product hashes: %w: %d SKUs (max %d)", ErrInvalid, len(skus), MaxProductBatch)
	}
	out := make(map[string]StoredHashes, len(skus))
	if len(skus) == 0 {
		return out, nil
	}
	q, args := skuQuery("SELECT sku, fields_hash, price_hash, stock_hash, active FROM products", accountID, skus)
	rows, err := s.sqlDB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: load product hashes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sku string
		var h StoredHashes
		if err := rows.Scan(&sku, &h.Fields, &h.Price, &h.Stock, &h.Active); err != nil {
			return nil, fmt.Errorf("store: load product hashes: %w", err)
		}
		out[sku] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: load product hashes: %w", err)
	}
	return out, nil
}

// skuQuery is selectFrom restricted to the account's products among skus.
func skuQuery(selectFrom string, accountID int64, skus []string) (string, []any) {
	var q strings.Builder
	q.WriteString(selectFrom)
	q.WriteString(" WHERE account_id = ? AND sku IN (")
	args := make([]any, 0, len(skus)+1)
	args = append(args, accountID)
	for i, sku := range skus {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('?')
		args = append(args, sku)
	}
	q.WriteByte(')')
	return q.String(), args
}

// scanProduct reads one row of productLightColumns (and productContentColumns with content).
func scanProduct(rows *sql.Rows, accountID int64, content bool) (*mirror.Product, error) {
	p := &mirror.Product{AccountID: accountID}
	if !content {
		p.OmitContent()
	}
	var path, stock, specs, images sql.RawBytes
	var deactivated sql.NullTime
	var ok bool
	dst := []any{
		&p.SKU, &p.MPN, &p.UPC, &p.BrandID, &p.Brand, &p.ManufacturerID, &p.Manufacturer, &p.CategoryID,
		&path, &p.Type, &p.DescriptionES, &p.DescriptionEN, &p.WeightLb, &p.LengthIn,
		&p.WidthIn, &p.HeightIn, &p.Cost, &p.Currency, &p.Sellable, &p.StockTotal, &stock,
		&p.RealStock, &p.Active, &p.CatalogHash, &p.PriceHash, &p.StockHash, &p.ContentHash,
		&p.FieldsHash, &p.FirstSeenAt, &p.LastSeenAt, &deactivated, &p.UpdatedAt,
	}
	if content {
		dst = append(dst, &p.LongDescription, &specs, &images)
	}
	if err := rows.Scan(dst...); err != nil {
		return nil, err
	}
	p.FirstSeenAt, p.LastSeenAt, p.UpdatedAt = p.FirstSeenAt.UTC(), p.LastSeenAt.UTC(), p.UpdatedAt.UTC()
	if deactivated.Valid {
		t := deactivated.Time.UTC()
		p.DeactivatedAt = &t
	}
	// The two small JSON columns of every light row, in the exact form the writer stores them,
	// are read without encoding/json (most of scanProduct's time); anything else falls back to it.
	if len(path) > 2 {
		if p.CategoryPath, ok = parseCategoryPath(path); ok {
			path = nil
		}
	}
	if len(stock) > 2 {
		if p.StockByLocation, ok = parseStockByLocation(stock); ok {
			stock = nil
		}
	}
	for _, f := range []struct {
		raw sql.RawBytes
		dst any
	}{{path, &p.CategoryPath}, {stock, &p.StockByLocation}, {specs, &p.Specs}, {images, &p.Images}} {
		// "[]" and "{}" are the empty values the writer stores: skip the decoder for them.
		if len(f.raw) <= 2 {
			continue
		}
		if err := json.Unmarshal(f.raw, f.dst); err != nil {
			return nil, fmt.Errorf("product %s: %w", p.SKU, err)
		}
	}
	if len(p.CategoryPath) == 0 {
		p.CategoryPath = nil
	}
	if len(p.StockByLocation) == 0 {
		p.StockByLocation = nil
	}
	if len(p.Specs) == 0 {
		p.Specs = nil
	}
	if len(p.Images) == 0 {
		p.Images = nil
	}
	return p, nil
}

// WriteProducts upserts products of one account in one transaction: hashes recomputed,
// UpdatedAt set, FirstSeenAt set on new rows and kept on existing ones. A product loaded without
// content keeps its stored content columns and CatalogHash.
func (s *Store) WriteProducts(ctx context.Context, accountID int64, products []*mirror.Product) error {
	rows, err := s.prepareProducts(accountID, products, true)
	if err != nil {
		return err
	}
	return s.WriteProductRows(ctx, rows)
}

// WriteHashedProducts is WriteProducts for products whose hashes the caller computed
// (ComputeHashes) after their last change, to compare them with the stored ones: they are written
// as they are instead of hashed a second time (the catalog sync hashes every product it writes,
// and hashing twice was a tenth of a first sync's writing).
func (s *Store) WriteHashedProducts(ctx context.Context, accountID int64, products []*mirror.Product) error {
	rows, err := s.PrepareHashedProducts(accountID, products)
	if err != nil {
		return err
	}
	return s.WriteProductRows(ctx, rows)
}

// ProductRows are products turned into the rows WriteProductRows writes. Preparing them is CPU
// work only (checks, timestamps, JSON columns), so a caller can prepare a batch on one goroutine
// while another writes the previous one.
type ProductRows struct {
	accountID   int64
	full, light [][]any     // rows with and without the content columns
	fieldsHash  [][2]string // SKU, FieldsHash of unchanged products whose stored one is stale
}

// Len is the number of products and fields hashes in r.
func (r *ProductRows) Len() int { return len(r.full) + len(r.light) + len(r.fieldsHash) }

// SetFieldsHash also records fieldsHash as the stored product sku's FieldsHash, which nothing
// else changes: for rows written before the column existed (or by a client that did not set
// it), whose other columns are up to date.
func (r *ProductRows) SetFieldsHash(sku, fieldsHash string) {
	r.fieldsHash = append(r.fieldsHash, [2]string{sku, fieldsHash})
}

// PrepareHashedProducts prepares the products WriteHashedProducts would write: every product of
// the account, each SKU once, hashes computed by the caller. UpdatedAt, FirstSeenAt and LastSeenAt
// are set on the products as WriteProducts sets them.
func (s *Store) PrepareHashedProducts(accountID int64, products []*mirror.Product) (*ProductRows, error) {
	return s.prepareProducts(accountID, products, false)
}

func (s *Store) prepareProducts(accountID int64, products []*mirror.Product, hash bool) (*ProductRows, error) {
	now := s.now()
	r := &ProductRows{accountID: accountID}
	seen := make(map[string]bool, len(products))
	for _, p := range products {
		if p.AccountID != accountID {
			return nil, fmt.Errorf("store: write products: %w: product %s belongs to account %d, not %d", ErrInvalid, p.SKU, p.AccountID, accountID)
		}
		if p.SKU == "" {
			return nil, fmt.Errorf("store: write products: %w: product without SKU", ErrInvalid)
		}
		if seen[p.SKU] {
			return nil, fmt.Errorf("store: write products: %w: product %s twice in one batch", ErrInvalid, p.SKU)
		}
		seen[p.SKU] = true
		if hash || p.ContentHash == "" {
			p.ComputeHashes()
		}
		p.UpdatedAt = now
		if p.FirstSeenAt.IsZero() {
			p.FirstSeenAt = now
		}
		if p.LastSeenAt.IsZero() {
			p.LastSeenAt = p.FirstSeenAt
		}
		args, err := upsertArgs(p)
		if err != nil {
			return nil, fmt.Errorf("store: write products: %w", err)
		}
		if !p.HasContent() {
			r.light = append(r.light, args)
		} else {
			r.full = append(r.full, args)
		}
	}
	return r, nil
}

// WriteProductRows writes prepared batches in one transaction, in order (a SKU in two batches
// ends as the later one has it).
func (s *Store) WriteProductRows(ctx context.Context, batches ...*ProductRows) error {
	n := 0
	for _, b := range batches {
		n += b.Len()
	}
	if n == 0 {
		return nil
	}
	tx, err := s.sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: write products: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	u := upserter{s: s, tx: tx}
	defer u.close()
	for _, b := range batches {
		if err := u.upsert(ctx, b.full, productUpdateColumns); err != nil {
			return fmt.Errorf("store: write products: %w", err)
		}
		if err := u.upsert(ctx, b.light, productLightUpdateColumns); err != nil {
			return fmt.Errorf("store: write products: %w", err)
		}
		if err := u.setFieldsHashes(ctx, b); err != nil {
			return fmt.Errorf("store: write products: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: write products: %w", err)
	}
	return nil
}

// upsertArgs are p's values in productInsertColumns order.
func upsertArgs(p *mirror.Product) ([]any, error) {
	path, err := marshalJSON(p.CategoryPath, "[]")
	if err != nil {
		return nil, err
	}
	stock, err := marshalJSON(p.StockByLocation, "{}")
	if err != nil {
		return nil, err
	}
	specs, images := "{}", "[]"
	if p.HasContent() {
		if specs, err = marshalJSON(p.Specs, "{}"); err != nil {
			return nil, err
		}
		if images, err = marshalJSON(p.Images, "[]"); err != nil {
			return nil, err
		}
	}
	var deactivated any
	if p.DeactivatedAt != nil {
		deactivated = p.DeactivatedAt.UTC().Truncate(time.Microsecond)
	}
	us := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	return []any{
		p.AccountID,
		p.SKU, p.MPN, p.UPC, p.BrandID, p.Brand, p.ManufacturerID, p.Manufacturer, p.CategoryID,
		path, p.Type, p.DescriptionES, p.DescriptionEN, p.WeightLb, p.LengthIn,
		p.WidthIn, p.HeightIn, p.Cost, p.Currency, p.Sellable, p.StockTotal, stock,
		p.RealStock, p.Active, p.CatalogHash, p.PriceHash, p.StockHash, p.ContentHash,
		p.FieldsHash, us(p.FirstSeenAt), us(p.LastSeenAt), deactivated, us(p.UpdatedAt),
		p.LongDescription, specs, images,
	}, nil
}

// upsertSQL is an INSERT of n rows that updates the given columns of a row that exists.
func (s *Store) upsertSQL(n int, update []string) string {
	var b strings.Builder
	b.WriteString("INSERT INTO products (")
	b.WriteString(strings.Join(productInsertColumns, ", "))
	b.WriteString(") VALUES ")
	row := "(" + strings.Repeat("?, ", len(productInsertColumns)-1) + "?)"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	if s.dialect == migrations.SQLite {
		b.WriteString(" ON CONFLICT (account_id, sku) DO UPDATE SET ")
		for i, c := range update {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c + " = excluded." + c)
		}
		return b.String()
	}
	b.WriteString(" ON DUPLICATE KEY UPDATE ")
	for i, c := range update {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = VALUES(" + c + ")")
	}
	return b.String()
}

// upserter runs a transaction's product upserts. The statement of a full chunk is prepared once
// per transaction and column set: the SQLite driver then keeps the compiled statement instead of
// parsing its SQL again on every execution.
type upserter struct {
	s     *Store
	tx    *sql.Tx
	stmts map[string]*sql.Stmt // update columns, joined → prepared full-chunk statement
	args  []any
}

func (u *upserter) upsert(ctx context.Context, rows [][]any, update []string) error {
	per := u.s.upsertRowsPerStatement()
	var full *sql.Stmt
	for chunk := range slices.Chunk(rows, per) {
		u.args = u.args[:0]
		for _, r := range chunk {
			u.args = append(u.args, r...)
		}
		var err error
		if len(chunk) == per && len(rows) > per {
			if full == nil {
				full, err = u.stmt(ctx, update)
			}
			if err == nil {
				_, err = full.ExecContext(ctx, u.args...)
			}
		} else {
			_, err = u.tx.ExecContext(ctx, u.s.upsertSQL(len(chunk), update), u.args...)
		}
		if err != nil {
			return err
		}
	}
	clear(u.args) // let the values go
	return nil
}

func (u *upserter) stmt(ctx context.Context, update []string) (*sql.Stmt, error) {
	key := strings.Join(update, ",")
	if st, ok := u.stmts[key]; ok {
		return st, nil
	}
	st, err := u.tx.PrepareContext(ctx, u.s.upsertSQL(u.s.upsertRowsPerStatement(), update))
	if err != nil {
		return nil, err
	}
	if u.stmts == nil {
		u.stmts = map[string]*sql.Stmt{}
	}
	u.stmts[key] = st
	return st, nil
}

func (u *upserter) setFieldsHashes(ctx context.Context, b *ProductRows) error {
	if len(b.fieldsHash) == 0 {
		return nil
	}
	st, err := u.tx.PrepareContext(ctx, "UPDATE products SET fields_hash = ? WHERE account_id = ? AND sku = ?")
	if err != nil {
		return err
	}
	defer st.Close()
	for _, h := range b.fieldsHash {
		if _, err := st.ExecContext(ctx, h[1], b.accountID, h[0]); err != nil {
			return err
		}
	}
	return nil
}

func (u *upserter) close() {
	for _, st := range u.stmts {
		st.Close()
	}
}

// upsertRowsPerStatement is how many products one upsert statement carries: on SQLite, where
// every row is a call into the (pure-Go) library, a prepared statement of a few dozen rows; MySQL
// takes large statements, one round trip for up to maxUpsertParams values.
func (s *Store) upsertRowsPerStatement() int {
	if s.dialect == migrations.SQLite {
		return sqliteUpsertRows
	}
	return max(1, maxUpsertParams/len(productInsertColumns))
}

// sqliteUpsertRows: with the statement prepared once, 12 to 100 rows per statement ran the 50k
// first sync in the same time (BENCHMARKS.md, round 5).
const sqliteUpsertRows = 25

// EachProductSKU calls fn with every SKU of the account, in SKU order, reading the key index
// only, a page at a time (no cursor is open while fn runs).
func (s *Store) EachProductSKU(ctx context.Context, accountID int64, fn func(sku string) error) error {
	const page = 5000
	after := ""
	skus := make([]string, 0, page)
	for {
		skus = skus[:0]
		rows, err := s.sqlDB.QueryContext(ctx, "SELECT sku FROM products WHERE account_id = ? AND sku > ? ORDER BY sku LIMIT ?", accountID, after, page)
		if err != nil {
			return fmt.Errorf("store: product SKUs: %w", err)
		}
		for rows.Next() {
			var sku string
			if err := rows.Scan(&sku); err != nil {
				rows.Close()
				return fmt.Errorf("store: product SKUs: %w", err)
			}
			skus = append(skus, sku)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("store: product SKUs: %w", err)
		}
		for _, sku := range skus {
			if err := fn(sku); err != nil {
				return err
			}
		}
		if len(skus) < page {
			return nil
		}
		after = skus[len(skus)-1]
	}
}

// parseCategoryPath reads a category_path column as marshalJSON writes it,
// [{"id":"…","name":"…"},…], with strings free of escapes; ok is false for any other form.
func parseCategoryPath(b []byte) (path []mirror.CategoryNode, ok bool) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	b = b[1 : len(b)-1]
	for len(b) > 0 {
		var n mirror.CategoryNode
		if b, ok = cutPrefix(b, `{"id":`); !ok {
			return nil, false
		}
		if n.ID, b, ok = plainString(b); !ok {
			return nil, false
		}
		if b, ok = cutPrefix(b, `,"name":`); !ok {
			return nil, false
		}
		if n.Name, b, ok = plainString(b); !ok {
			return nil, false
		}
		if b, ok = cutPrefix(b, "}"); !ok {
			return nil, false
		}
		path = append(path, n)
		if len(b) > 0 {
			if b, ok = cutPrefix(b, ","); !ok || len(b) == 0 {
				return nil, false
			}
		}
	}
	return path, true
}

// parseStockByLocation reads a stock_by_location column as marshalJSON writes it,
// {"…":n,…}, with keys free of escapes; ok is false for any other form.
func parseStockByLocation(b []byte) (stock map[string]int, ok bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, false
	}
	b = b[1 : len(b)-1]
	stock = make(map[string]int, 4)
	for len(b) > 0 {
		var k string
		if k, b, ok = plainString(b); !ok {
			return nil, false
		}
		if b, ok = cutPrefix(b, ":"); !ok {
			return nil, false
		}
		end := bytes.IndexByte(b, ',')
		if end < 0 {
			end = len(b)
		}
		num := b[:end]
		if len(num) == 0 || num[0] == '+' || (len(num) > 1 && num[0] == '0') || (len(num) > 2 && num[0] == '-' && num[1] == '0') {
			return nil, false // not as json.Marshal writes an int
		}
		v, err := strconv.Atoi(string(num))
		if err != nil {
			return nil, false
		}
		stock[k] = v
		b = b[end:]
		if len(b) > 0 {
			if b = b[1:]; len(b) == 0 {
				return nil, false
			}
		}
	}
	return stock, true
}

func cutPrefix(b []byte, prefix string) ([]byte, bool) {
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return b, false
	}
	return b[len(prefix):], true
}

// plainString reads a JSON string without escapes in valid UTF-8 at the start of b.
func plainString(b []byte) (s string, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return "", b, false
	}
	end := bytes.IndexByte(b[1:], '"')
	if end < 0 {
		return "", b, false
	}
	in := b[1 : 1+end]
	if bytes.IndexByte(in, '\\') >= 0 || !utf8.Valid(in) {
		return "", b, false
	}
	for _, c := range in {
		if c < 0x20 {
			return "", b, false
		}
	}
	return string(in), b[2+end:], true
}
