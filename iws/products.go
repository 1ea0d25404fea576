package iws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// MaxProductsPerCall is the most identifiers GetProducts accepts in one call (more gives ErrorCode 26).
const MaxProductsPerCall = 100

// InventoryFilter selects products by stock in GetCatalog and GetProducts.
type InventoryFilter string

// Inventory filters as the spec spells them.
const (
	InventoryAny        InventoryFilter = "Any"
	InventoryInStock    InventoryFilter = "InStock"
	InventoryOutOfStock InventoryFilter = "OutOfStock"
)

func (f InventoryFilter) validate() error {
	switch f {
	case "", InventoryAny, InventoryInStock, InventoryOutOfStock:
		return nil
	}
	return fmt.Errorf("inventory filter %q: want Any, InStock or OutOfStock", string(f))
}

// CatalogParams are GetCatalog's parameters. All are optional.
type CatalogParams struct {
	Locale          string          // "en" or "es"; default: the customer's setting
	InventoryFilter InventoryFilter // Any, InStock, OutOfStock
	InStock         *bool           // true ≡ InStock, false ≡ OutOfStock
	// Limit is the page size. With Page zero, every page from 1 to totalPages is fetched in turn; with
	// both zero, the whole catalog comes in one unpaginated response.
	Limit int
	// Page, when > 0, fetches only that page.
	Page int
}

func (p *CatalogParams) query() (pagedQuery, error) {
	if p == nil {
		p = &CatalogParams{}
	}
	if err := p.InventoryFilter.validate(); err != nil {
		return pagedQuery{}, err
	}
	if p.Page < 0 || p.Limit < 0 {
		return pagedQuery{}, errors.New("page and limit must not be negative")
	}
	q := values{}
	q.set("locale", p.Locale)
	q.set("inventoryFilter", string(p.InventoryFilter))
	q.setBool("inStock", p.InStock)
	return pagedQuery{query: url.Values(q), page: p.Page, limit: p.Limit}, nil
}

// GetCatalog returns the products the account may buy (GET /getcatalog), every page of them when
// params.Limit is set. For a large catalog prefer StreamCatalog.
func (c *Client) GetCatalog(ctx context.Context, params *CatalogParams) ([]Product, error) {
	pq, err := params.query()
	if err != nil {
		return nil, fmt.Errorf("iws: GetCatalog: %w", err)
	}
	return collectFeed[Product](ctx, c, &epGetCatalog, pq)
}

// StreamCatalog calls fn for every product of GET /getcatalog as it is decoded, fetching page after page
// up to totalPages when params.Limit is set. An error from fn stops the stream and is returned as is.
// An answer that breaks off (a dropped connection, a garbled body) is requested again, under the
// client's retry policy, and resumed: the products fn already had are skipped by SKU, so each reaches
// fn once. When the retries run out, the error wraps ErrMalformedResponse (or is the network error)
// and the stream must be treated as incomplete.
func (c *Client) StreamCatalog(ctx context.Context, params *CatalogParams, fn func(*Product) error) (StreamInfo, error) {
	pq, err := params.query()
	if err != nil {
		return StreamInfo{}, fmt.Errorf("iws: GetCatalog: %w", err)
	}
	return streamResumable(ctx, c, &epGetCatalog, pq, fn, func(p *Product) string { return p.Sku })
}

// ProductsParams are GetProducts' parameters: exactly one of Skus, Mpns or Upcs, of any length.
type ProductsParams struct {
	Skus []string
	Mpns []string
	Upcs []string

	Locale               string
	IncludePriceData     bool
	IncludeInventoryData bool
	InventoryFilter      InventoryFilter
	InStock              *bool
}

// GetProducts returns the products named by params (GET /getproducts). The identifiers are de-duplicated
// and sent in calls of at most MaxProductsPerCall; the results are concatenated in call order. Unknown
// identifiers are left out by IWS, so the result can be shorter than the list.
func (c *Client) GetProducts(ctx context.Context, params *ProductsParams) ([]Product, error) {
	if params == nil {
		return nil, errors.New("iws: GetProducts: no identifiers")
	}
	if err := params.InventoryFilter.validate(); err != nil {
		return nil, fmt.Errorf("iws: GetProducts: %w", err)
	}
	listName, ids := "", []string(nil)
	for _, l := range []struct {
		name string
		ids  []string
	}{{"skusList", params.Skus}, {"mpnsList", params.Mpns}, {"upcsList", params.Upcs}} {
		if len(l.ids) == 0 {
			continue
		}
		if listName != "" {
			return nil, errors.New("iws: GetProducts: give SKUs, MPNs or UPCs, not several kinds")
		}
		listName, ids = l.name, dedupe(l.ids)
	}
	if len(ids) == 0 {
		return nil, errors.New("iws: GetProducts: no identifiers")
	}
	for _, id := range ids {
		if strings.Contains(id, ",") {
			return nil, fmt.Errorf("iws: GetProducts: identifier %q contains a comma", id)
		}
	}
	base := values{}
	base.set("locale", params.Locale)
	base.setTrue("includePriceData", params.IncludePriceData)
	base.setTrue("includeInventoryData", params.IncludeInventoryData)
	base.set("inventoryFilter", string(params.InventoryFilter))
	base.setBool("inStock", params.InStock)

	var out []Product
	for start := 0; start < len(ids); start += MaxProductsPerCall {
		batch := ids[start:min(start+MaxProductsPerCall, len(ids))]
		q := cloneValues(url.Values(base))
		q.Set(listName, strings.Join(batch, ","))
		got, err := collectFeed[Product](ctx, c, &epGetProducts, pagedQuery{query: q})
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// dedupe drops blanks and repeats, keeping the first occurrence's order.
func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// ProductParams are GetProduct's parameters: exactly one of Sku, Mpn or Upc.
type ProductParams struct {
	Sku string
	Mpn string
	Upc string

	Locale               string
	IncludePriceData     bool
	IncludeInventoryData bool
}

// GetProduct returns one product (GET /getproduct). An unknown product is an *Error for which IsNotFound
// is true; an MPN shared by several products gives ErrorCode 25.
func (c *Client) GetProduct(ctx context.Context, params *ProductParams) (*Product, error) {
	if params == nil {
		params = &ProductParams{}
	}
	q := values{}
	n := 0
	for _, id := range []struct{ name, value string }{{"sku", params.Sku}, {"mpn", params.Mpn}, {"upc", params.Upc}} {
		if id.value != "" {
			q.set(id.name, id.value)
			n++
		}
	}
	if n != 1 {
		return nil, errors.New("iws: GetProduct: give exactly one of Sku, Mpn or Upc")
	}
	q.set("locale", params.Locale)
	q.setTrue("includePriceData", params.IncludePriceData)
	q.setTrue("includeInventoryData", params.IncludeInventoryData)
	var out oneProduct
	if err := c.send(ctx, &epGetProduct, url.Values(q), nil, objectConsume(epGetProduct.Name, &out)); err != nil {
		return nil, err
	}
	return &out.Product, nil
}

// oneProduct is GetProduct's answer: one object, or a one-element array.
type oneProduct struct{ Product }

func (o *oneProduct) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var list []Product
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		if len(list) != 1 {
			return fmt.Errorf("%d products in the answer", len(list))
		}
		o.Product = list[0]
		return nil
	}
	return json.Unmarshal(b, &o.Product)
}

// PriceListParams are GetPriceList's parameters.
type PriceListParams struct {
	InStock *bool // only products in (true) or out of (false) stock
}

func (p *PriceListParams) query() pagedQuery {
	q := values{}
	if p != nil {
		q.setBool("inStock", p.InStock)
	}
	return pagedQuery{query: url.Values(q)}
}

// GetPriceList returns the price of every product (GET /getpricelist). Each item is normalized: Price is
// set whether IWS nested the price or sent it at the top level, and is nil for "Price": null.
func (c *Client) GetPriceList(ctx context.Context, params *PriceListParams) ([]PriceListItem, error) {
	return collectFeed[PriceListItem](ctx, c, &epGetPriceList, params.query())
}

// StreamPriceList calls fn for every normalized price-list item as it is decoded. See StreamCatalog for
// errors.
func (c *Client) StreamPriceList(ctx context.Context, params *PriceListParams, fn func(*PriceListItem) error) (StreamInfo, error) {
	return streamResumable(ctx, c, &epGetPriceList, params.query(), fn, func(p *PriceListItem) string { return p.Sku })
}

// InventoryParams are GetInventory's parameters.
type InventoryParams struct {
	InStock *bool
	// Limit and Page work as in CatalogParams.
	Limit int
	Page  int
}

func (p *InventoryParams) query() (pagedQuery, error) {
	if p == nil {
		p = &InventoryParams{}
	}
	if p.Page < 0 || p.Limit < 0 {
		return pagedQuery{}, errors.New("page and limit must not be negative")
	}
	q := values{}
	q.setBool("inStock", p.InStock)
	return pagedQuery{query: url.Values(q), page: p.Page, limit: p.Limit}, nil
}

// GetInventory returns the stock of every product (GET /getinventory), with per-warehouse Locations when
// Intcomex enabled them for the account (else nil).
func (c *Client) GetInventory(ctx context.Context, params *InventoryParams) ([]InventoryData, error) {
	pq, err := params.query()
	if err != nil {
		return nil, fmt.Errorf("iws: GetInventory: %w", err)
	}
	return collectFeed[InventoryData](ctx, c, &epGetInventory, pq)
}

// StreamInventory calls fn for every inventory item as it is decoded, page after page when params.Limit
// is set. See StreamCatalog for errors.
func (c *Client) StreamInventory(ctx context.Context, params *InventoryParams, fn func(*InventoryData) error) (StreamInfo, error) {
	pq, err := params.query()
	if err != nil {
		return StreamInfo{}, fmt.Errorf("iws: GetInventory: %w", err)
	}
	return streamResumable(ctx, c, &epGetInventory, pq, fn, func(p *InventoryData) string { return p.Sku })
}

// ExtendedCatalogParams are DownloadExtendedCatalog's parameters. The format is always json.
type ExtendedCatalogParams struct {
	Locale string
}

func (p *ExtendedCatalogParams) query() pagedQuery {
	q := values{}
	q.set("format", "json")
	if p != nil {
		q.set("locale", p.Locale)
	}
	return pagedQuery{query: url.Values(q)}
}

// DownloadExtendedCatalog returns the extended catalog file (GET /downloadextendedcatalog): Spanish-keyed
// rich content with images and specification attributes. It is large; prefer StreamExtendedCatalog.
// Intcomex asks for at most one download a month.
func (c *Client) DownloadExtendedCatalog(ctx context.Context, params *ExtendedCatalogParams) ([]ExtendedProduct, error) {
	return collectFeed[ExtendedProduct](ctx, c, &epDownloadExtendedCatalog, params.query())
}

// StreamExtendedCatalog calls fn for every item of the extended catalog file as it is decoded. Redirects
// (to blob storage) are followed by the HTTP client. See StreamCatalog for errors.
func (c *Client) StreamExtendedCatalog(ctx context.Context, params *ExtendedCatalogParams, fn func(*ExtendedProduct) error) (StreamInfo, error) {
	return streamResumable(ctx, c, &epDownloadExtendedCatalog, params.query(), func(it *extendedItem) error {
		return fn((*ExtendedProduct)(it))
	}, func(it *extendedItem) string { return it.LocalSku })
}

// Authenticate checks the credentials (GET /authenticate): nil when IWS accepts the signed token.
func (c *Client) Authenticate(ctx context.Context) error {
	return c.send(ctx, &epAuthenticate, nil, nil, func(resp *http.Response) error {
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil
	})
}
