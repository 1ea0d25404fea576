package woocommerce

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"

	"github.com/intcomex-connector/connector/platforms"
)

// listFields are the product fields ListProducts asks for (_fields, which WordPress applies to
// every item of a collection): a page of 100 products is then kilobytes, not a megabyte.
const listFields = "id,sku,name,type,status,catalog_visibility,regular_price,manage_stock,stock_quantity,stock_status"

// listItem is one product of a ListProducts page.
type listItem struct {
	ID                int    `json:"id"`
	SKU               string `json:"sku"`
	Name              string `json:"name"`
	Type              string `json:"type"`
	Status            string `json:"status"`
	CatalogVisibility string `json:"catalog_visibility"`
	RegularPrice      string `json:"regular_price"`
	ManageStock       bool   `json:"manage_stock"`
	StockQuantity     *int   `json:"stock_quantity"`
	StockStatus       string `json:"stock_status"`
}

// ListProducts implements platforms.Storefront with GET /products?status=any&orderby=id&
// order=asc, per_page at most 100 and an offset as the cursor: ordered by id, a product created
// while the pages are read comes last and shifts nothing. status=any is every status but trash
// (WordPress leaves trashed posts out of "any"), so a product the merchant put in the trash is
// not listed, as it is not for sale. Variations are not listed (WooCommerce lists them only by
// SKU).
func (c *Client) ListProducts(ctx context.Context, cursor string, limit int) (platforms.ProductPage, error) {
	offset := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return platforms.ProductPage{}, fmt.Errorf("woocommerce: ListProducts: cursor %q: %w", cursor, platforms.ErrInvalid)
		}
		offset = n
	}
	if limit <= 0 {
		return platforms.ProductPage{}, fmt.Errorf("woocommerce: ListProducts: limit %d: %w", limit, platforms.ErrInvalid)
	}
	perPage := min(limit, 100) // WooCommerce's most per page
	q := url.Values{
		"per_page": {strconv.Itoa(perPage)}, "offset": {strconv.Itoa(offset)},
		"status": {"any"}, "orderby": {"id"}, "order": {"asc"}, "_fields": {listFields},
	}
	resp, err := c.do(ctx, call{method: http.MethodGet, path: "/products", query: q, idempotent: true})
	if err != nil {
		return platforms.ProductPage{}, fmt.Errorf("woocommerce: ListProducts: %w", err)
	}
	var items []listItem
	if err := json.Unmarshal(resp.body, &items); err != nil {
		return platforms.ProductPage{}, fmt.Errorf("woocommerce: ListProducts: decode: %w", err)
	}
	page := platforms.ProductPage{Products: make([]platforms.ListedProduct, 0, len(items))}
	for _, it := range items {
		page.Products = append(page.Products, it.listed())
	}
	next := offset + len(items)
	total, err := strconv.Atoi(resp.header.Get("X-WP-Total"))
	switch {
	case len(items) == 0:
	case err == nil && next < total:
		page.Next = strconv.Itoa(next)
	case err != nil && len(items) == perPage:
		// No total (a proxy dropped the header): a full page may have a successor.
		page.Next = strconv.Itoa(next)
	}
	return page, nil
}

// listed maps a listed product to the platform-neutral shape: the status as platforms.Status
// says a shopper sees it.
func (it listItem) listed() platforms.ListedProduct {
	p := platforms.ListedProduct{
		Ref:   platforms.ProductRef{SKU: it.SKU, ProductID: strconv.Itoa(it.ID)},
		Title: html.UnescapeString(it.Name), Price: it.RegularPrice,
		ManageStock: it.ManageStock, Published: it.Status == "publish",
	}
	if it.ManageStock && it.StockQuantity != nil {
		p.Stock = *it.StockQuantity
	}
	switch {
	case it.CatalogVisibility == "hidden":
		p.Status = platforms.StatusHidden
	case it.ManageStock && p.Stock <= 0, !it.ManageStock && it.StockStatus == "outofstock":
		p.Status = platforms.StatusOutOfStock
	default:
		p.Status = platforms.StatusPublish
	}
	return p
}
