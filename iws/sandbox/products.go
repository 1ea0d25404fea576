package sandbox

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/iws"
)

// currencyUS is how IWS spells US dollars in prices (NOTES §4.2).
const currencyUS = "US"

// maxProductsPerCall is GetProducts' documented limit.
const maxProductsPerCall = 100

// defaultPageSize applies when `page` is sent without `limit`; the spec gives no default.
const defaultPageSize = 100

type priceOverride struct {
	price decimal.Decimal
	null  bool
}

// inventory is the mutable side of the catalog: stock per warehouse, price overrides and removed
// products, indexed like catalog.items. Answers render from a clone taken under the lock, so a large
// feed never holds the lock while it streams.
type inventory struct {
	stock   []int32 // nLoc entries per product
	prices  map[int32]priceOverride
	removed map[int32]bool
}

func newInventory(cat *catalog) *inventory {
	inv := &inventory{
		stock:   make([]int32, len(cat.items)*nLoc),
		prices:  make(map[int32]priceOverride),
		removed: make(map[int32]bool),
	}
	for i := range cat.items {
		copy(inv.stock[i*nLoc:], cat.items[i].stock[:])
	}
	return inv
}

func (inv *inventory) clone() *inventory {
	return &inventory{
		stock:   append([]int32(nil), inv.stock...),
		prices:  maps.Clone(inv.prices),
		removed: maps.Clone(inv.removed),
	}
}

func (inv *inventory) stockOf(i int32) [nLoc]int32 {
	var s [nLoc]int32
	copy(s[:], inv.stock[int(i)*nLoc:])
	return s
}

func (inv *inventory) addStock(i int32, loc int, delta int32) {
	inv.stock[int(i)*nLoc+loc] += delta
}

// price returns the product's current unit price; ok is false when IWS would send Price: null.
func (inv *inventory) price(it *item, i int32) (decimal.Decimal, bool) {
	if o, found := inv.prices[i]; found {
		return o.price, !o.null
	}
	return it.unitPrice(), !it.priceNull
}

func (s *Sandbox) snapshot() *inventory {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inv.clone()
}

// displayStock is the stock IWS shows: capped per warehouse when RealStockValue is false.
func displayStock(it *item, real [nLoc]int32) [nLoc]int32 {
	if it.realStock {
		return real
	}
	for l := range real {
		real[l] = min(real[l], hiddenStockCap)
	}
	return real
}

func total(s [nLoc]int32) int32 {
	var t int32
	for _, v := range s {
		t += v
	}
	return t
}

// productView says which optional parts of a Product an answer carries.
type productView struct {
	loc       int
	catalog   bool // GetCatalog: InStock, OnSale and RealStockValue, no price
	price     bool // Price (and OnSale)
	inventory bool // InStock, RealStockValue and Locations
}

// productNullPrice renders a product whose price IWS does not know as "Price": null, which the
// spec's Product model cannot say by itself (its Price is omitempty).
type productNullPrice struct {
	iws.Product
	Price *iws.PriceData `json:"Price"`
}

var (
	trueVal  = true
	falseVal = false
)

func boolPtr(b bool) *bool {
	if b {
		return &trueVal
	}
	return &falseVal
}

// renderProduct builds the wire Product of item i as of inv.
func (s *Sandbox) renderProduct(inv *inventory, i int32, v productView) any {
	it := &s.cat.items[i]
	lf := &leaves[it.leaf]
	p := iws.Product{
		Sku:               it.sku,
		Mpn:               it.mpn,
		Manufacturer:      s.cat.mfrs[brands[it.brand].mfr],
		Brand:             s.cat.brands[it.brand],
		Category:          s.cat.cats[v.loc][it.leaf],
		Description:       s.cat.description(it, v.loc),
		Type:              productTypes[it.typ],
		ProductLine:       &lf.lines[it.line],
		Model:             &it.model,
		New:               boolPtr(it.isNew),
		CompilationDate:   &iws.Time{Time: time.Unix(it.compiled, 0).UTC()},
		PrePurchaseActive: &falseVal,
	}
	if it.upc != "" {
		p.Upc = &it.upc
	}
	if it.typ == typePhysical {
		p.Freight = freight(it)
	}
	if v.catalog || v.inventory {
		shown := displayStock(it, inv.stockOf(i))
		n := iws.Int(total(shown))
		p.InStock = &n
		p.RealStockValue = boolPtr(it.realStock)
		if v.inventory && !s.cfg.NoLocations {
			p.Locations = locations(it, shown)
		}
	}
	if v.catalog || v.price {
		p.OnSale = boolPtr(it.onSale)
	}
	if v.price {
		price, ok := inv.price(it, i)
		if !ok {
			return productNullPrice{Product: p}
		}
		p.Price = &iws.PriceData{UnitPrice: iws.DecimalFrom(price), CurrencyID: currencyUS}
	}
	return p
}

func locations(it *item, shown [nLoc]int32) []iws.Location {
	if it.typ != typePhysical {
		return []iws.Location{}
	}
	out := make([]iws.Location, nLoc)
	for l := range out {
		out[l] = iws.Location{ID: locationIDs[l], Stock: iws.Int(shown[l])}
	}
	return out
}

func freight(it *item) *iws.Freight {
	dec := func(v int64) *iws.Decimal { d := iws.DecimalFrom(decimal.New(v, -2)); return &d }
	w := int64(it.weight)
	return &iws.Freight{
		Item: &iws.Measures{Weight: dec(w), Length: dec(int64(it.dims[0])), Width: dec(int64(it.dims[1])), Height: dec(int64(it.dims[2]))},
		Package: &iws.Measures{Weight: dec(w*115/100 + 30), Length: dec(int64(it.dims[0]) + 100),
			Width: dec(int64(it.dims[1]) + 100), Height: dec(int64(it.dims[2]) + 100)},
	}
}

// stockFilter is the inventoryFilter/inStock selection.
type stockFilter int

const (
	filterAny stockFilter = iota
	filterInStock
	filterOutOfStock
)

func parseStockFilter(c *call) (stockFilter, error) {
	f := filterAny
	switch strings.ToLower(c.param("inventoryfilter")) {
	case "", "any":
	case "instock":
		f = filterInStock
	case "outofstock":
		f = filterOutOfStock
	default:
		return 0, invalidRequest(fmt.Sprintf("The value '%s' is not valid for inventoryFilter.", c.param("inventoryfilter")))
	}
	in, set, err := c.boolParam("instock")
	if err != nil {
		return 0, err
	}
	if set { // the spec calls inStock equivalent to inventoryFilter; when both come, inStock wins
		f = filterOutOfStock
		if in {
			f = filterInStock
		}
	}
	return f, nil
}

func (f stockFilter) match(it *item, inv *inventory, i int32) bool {
	if f == filterAny {
		return true
	}
	inStock := total(displayStock(it, inv.stockOf(i))) > 0
	return inStock == (f == filterInStock)
}

// active lists the products not removed that pass the filter, in catalog order.
func (s *Sandbox) active(inv *inventory, f stockFilter) []int32 {
	out := make([]int32, 0, len(s.cat.items)-len(inv.removed))
	for i := range s.cat.items {
		idx := int32(i)
		if inv.removed[idx] || !f.match(&s.cat.items[i], inv, idx) {
			continue
		}
		out = append(out, idx)
	}
	return out
}

type pageRequest struct {
	paged       bool
	page, limit int
}

func parsePage(c *call) (pageRequest, error) {
	page, set, err := c.intParam("page")
	if err != nil || !set {
		return pageRequest{}, err
	}
	if page < 1 {
		return pageRequest{}, invalidRequest("Parameter page must be 1 or greater.")
	}
	limit, lset, err := c.intParam("limit")
	if err != nil {
		return pageRequest{}, err
	}
	if !lset {
		limit = defaultPageSize
	}
	if limit < 1 {
		return pageRequest{}, invalidRequest("Parameter limit must be 1 or greater.")
	}
	return pageRequest{paged: true, page: page, limit: limit}, nil
}

// writeFeed streams idxs encoded one by one by appendItem: a bare array, or the pagination object
// (PaginateCatalogData/PaginateInventoryData) — bare as the schema says, or wrapped in a one-element
// array as the spec's examples show when Config.PaginationInArray is set.
func (s *Sandbox) writeFeed(c *call, idxs []int32, pr pageRequest, appendItem func(dst []byte, i int32) []byte) error {
	idxs, open, suffix, err := s.feedPage(idxs, pr)
	if err != nil {
		return err
	}
	startJSON(c.w)
	a := newJSONArray(c.w, open)
	var buf []byte
	for _, i := range idxs {
		buf = appendItem(buf[:0], i)
		a.add(buf)
	}
	return finishStream(a.close(suffix))
}

// feedPage is the page of idxs a feed answers and the text before and after its items: "[" and
// "", or the pagination object around them.
func (s *Sandbox) feedPage(idxs []int32, pr pageRequest) (page []int32, open, suffix string, err error) {
	if !pr.paged {
		return idxs, "[", "", nil
	}
	totalRows := len(idxs)
	head, err := json.Marshal(iws.Page[struct{}]{
		Page: pr.page, PageSize: pr.limit, TotalRows: totalRows,
		TotalPages: (totalRows + pr.limit - 1) / pr.limit, Data: []struct{}{},
	})
	if err != nil {
		return nil, "", "", err
	}
	// head ends with `"data":[]}`: keep it open after the '[' and stream the page into it.
	open, suffix = string(head[:len(head)-2]), "}"
	if s.cfg.PaginationInArray {
		open, suffix = "["+open, suffix+"]"
	}
	start := min((pr.page-1)*pr.limit, totalRows)
	return idxs[start:min(start+pr.limit, totalRows)], open, suffix, nil
}

// getCatalog is GET /getcatalog: every authorized product, without prices (as in the spec's
// examples), with InStock, OnSale and RealStockValue.
func (s *Sandbox) getCatalog(c *call) error {
	format := strings.ToLower(c.param("format"))
	if format != "" && format != "json" && format != "csv" {
		return iwsErr(http.StatusBadRequest, 102, "Invalid response format specified.")
	}
	f, err := parseStockFilter(c)
	if err != nil {
		return err
	}
	pr, err := parsePage(c)
	if err != nil {
		return err
	}
	inv := s.snapshot()
	idxs := s.active(inv, f)
	view := productView{loc: s.locale(c), catalog: true}
	if format == "csv" {
		return s.writeCatalogCSV(c, inv, idxs, view.loc)
	}
	e := &feedEncoder{s: s, inv: inv}
	return s.writeFeed(c, idxs, pr, func(dst []byte, i int32) []byte { return e.appendProduct(dst, i, view) })
}

// writeCatalogCSV answers format=csv. The spec names no columns; these follow the JSON fields.
func (s *Sandbox) writeCatalogCSV(c *call, inv *inventory, idxs []int32, loc int) error {
	c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	c.w.Header().Set("Content-Disposition", `attachment; filename="catalog.csv"`)
	c.w.WriteHeader(http.StatusOK)
	cw := csv.NewWriter(c.w)
	_ = cw.Write([]string{"Sku", "Mpn", "Description", "Type", "BrandId", "Brand", "ManufacturerId", "Manufacturer",
		"CategoryId", "Category", "SubcategoryId", "Subcategory", "Upc", "InStock", "OnSale", "RealStockValue"})
	for _, i := range idxs {
		it := &s.cat.items[i]
		lf := &leaves[it.leaf]
		top := topCategories[lf.top]
		b := brands[it.brand]
		m := manufacturers[b.mfr]
		_ = cw.Write([]string{it.sku, it.mpn, s.cat.description(it, loc), productTypes[it.typ], b.id, b.name, m.id, m.name,
			top.id, top.desc[loc], lf.id, lf.desc[loc], it.upc,
			strconv.Itoa(int(total(displayStock(it, inv.stockOf(i))))), strconv.FormatBool(it.onSale), strconv.FormatBool(it.realStock)})
	}
	cw.Flush()
	return finishStream(cw.Error())
}

// includeFlags reads includePriceData/includeInventoryData: `default: true` in the spec, explicit
// true only under Config.StrictIncludeFlags.
func (s *Sandbox) includeFlags(c *call) (price, inventory bool, err error) {
	price, pset, err := c.boolParam("includepricedata")
	if err != nil {
		return false, false, err
	}
	inventory, iset, err := c.boolParam("includeinventorydata")
	if err != nil {
		return false, false, err
	}
	if !s.cfg.StrictIncludeFlags {
		price = price || !pset
		inventory = inventory || !iset
	}
	return price, inventory, nil
}

// getProducts is GET /getproducts: up to 100 identifiers from skusList, mpnsList and upcsList;
// unknown or removed products are left out of the answer.
func (s *Sandbox) getProducts(c *call) error {
	type ident struct{ kind, id string }
	var ids []ident
	for _, list := range []struct{ param, kind string }{{"skuslist", "sku"}, {"mpnslist", "mpn"}, {"upcslist", "upc"}} {
		for _, v := range c.query[list.param] {
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id != "" {
					ids = append(ids, ident{list.kind, id})
				}
			}
		}
	}
	if len(ids) == 0 {
		return iwsErr(http.StatusBadRequest, 903, "SKU list cannot be empty. Please specify at least one SKU in the 'skusList' parameter.")
	}
	if len(ids) > maxProductsPerCall {
		return iwsErr(http.StatusBadRequest, 26, fmt.Sprintf("Too many products requested. The maximum number of products allowed is %d.", maxProductsPerCall))
	}
	wantPrice, wantInv, err := s.includeFlags(c)
	if err != nil {
		return err
	}
	f, err := parseStockFilter(c)
	if err != nil {
		return err
	}
	s.mu.Lock()
	inv := s.inv
	seen := make(map[int32]bool)
	view := productView{loc: s.locale(c), price: wantPrice, inventory: wantInv}
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		for _, i := range s.lookup(id.kind, id.id) {
			if seen[i] || inv.removed[i] || !f.match(&s.cat.items[i], inv, i) {
				continue
			}
			seen[i] = true
			out = append(out, s.renderProduct(inv, i, view))
		}
	}
	s.mu.Unlock()
	writeJSON(c.w, out)
	return nil
}

// lookup finds products by SKU ("sku"), MPN ("mpn") or UPC ("upc").
func (s *Sandbox) lookup(kind, id string) []int32 {
	switch kind {
	case "sku":
		if i, ok := s.cat.bySKU[strings.ToUpper(id)]; ok {
			return []int32{i}
		}
	case "mpn":
		if found := s.cat.lookupMPN(id); len(found) > 0 {
			return found
		}
		return s.cat.lookupMPN(strings.ToUpper(id))
	case "upc":
		if i, ok := s.cat.byUPC[id]; ok {
			return []int32{i}
		}
	}
	return nil
}

// getProduct is GET /getproduct by sku, mpn or upc.
func (s *Sandbox) getProduct(c *call) error {
	kind, id := "sku", c.param("sku")
	if id == "" {
		kind, id = "mpn", c.param("mpn")
	}
	if id == "" {
		kind, id = "upc", c.param("upc")
	}
	if id == "" {
		return iwsErr(http.StatusBadRequest, 502, "No product specified. Please make sure that a product is included in the request.")
	}
	wantPrice, wantInv, err := s.includeFlags(c)
	if err != nil {
		return err
	}
	found := s.lookup(kind, id)
	switch {
	case len(found) == 0:
		return iwsErr(http.StatusNotFound, 20, "Invalid product.", "Sku", id)
	case len(found) > 1:
		return iwsErr(http.StatusConflict, 25, "Multiple products found for the specified identifier. Please contact support.", "Mpn", id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inv.removed[found[0]] {
		return iwsErr(http.StatusUnauthorized, 21,
			"Unauthorized product. Please refresh your catalog to obtain an updated list of authorized products.",
			"Sku", s.cat.items[found[0]].sku)
	}
	writeJSON(c.w, s.renderProduct(s.inv, found[0], productView{loc: s.locale(c), price: wantPrice, inventory: wantInv}))
	return nil
}

// getPriceList is GET /getpricelist. Each element carries UnitPrice and CurrencyId at the top level
// (the spec's PriceData schema, which requires them) and nested under Price (the spec's example):
// both readings of the contract are satisfied. Products without a price are left out.
func (s *Sandbox) getPriceList(c *call) error {
	in, set, err := c.boolParam("instock")
	if err != nil {
		return err
	}
	f := filterAny
	if set {
		f = filterOutOfStock
		if in {
			f = filterInStock
		}
	}
	inv := s.snapshot()
	e := &feedEncoder{s: s, inv: inv}
	startJSON(c.w)
	a := newJSONArray(c.w, "[")
	var buf []byte
	for _, i := range s.active(inv, f) {
		var ok bool
		if buf, ok = e.appendPriceListItem(buf[:0], i); ok {
			a.add(buf)
		}
	}
	return finishStream(a.close(""))
}

// getInventory is GET /getinventory: stock of every product, optionally paginated.
func (s *Sandbox) getInventory(c *call) error {
	f, err := parseStockFilter(c)
	if err != nil {
		return err
	}
	pr, err := parsePage(c)
	if err != nil {
		return err
	}
	inv := s.snapshot()
	e := &feedEncoder{s: s, inv: inv}
	return s.writeFeed(c, s.active(inv, f), pr, e.appendInventoryItem)
}
