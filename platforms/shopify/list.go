package shopify

import (
	"context"
	"fmt"

	"github.com/intcomex-connector/connector/platforms"
)

// listPageMax is the most variants one ProductsList query asks for: its cost is 2 + 4 per
// variant, and Shopify refuses a single query above 1000 points.
const listPageMax = 200

type listedVariant struct {
	ID            string `json:"id"`
	SKU           string `json:"sku"`
	Price         string `json:"price"`
	InventoryItem struct {
		ID             string `json:"id"`
		Tracked        bool   `json:"tracked"`
		InventoryLevel *struct {
			Quantities []struct {
				Name     string `json:"name"`
				Quantity int    `json:"quantity"`
			} `json:"quantities"`
		} `json:"inventoryLevel"`
	} `json:"inventoryItem"`
	Product struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Status string `json:"status"`
	} `json:"product"`
}

// ListProducts implements platforms.Storefront with the productVariants connection sorted by
// id (ProductsList), at most 200 variants a page, the cursor being Shopify's endCursor. Each
// variant is one listed product: its product's title and status, its price, and the
// "available" quantity at the connector's location. A product with status ACTIVE or UNLISTED
// is published; UNLISTED shows as hidden.
func (c *Client) ListProducts(ctx context.Context, cursor string, limit int) (platforms.ProductPage, error) {
	if limit <= 0 {
		return platforms.ProductPage{}, fmt.Errorf("shopify: ListProducts: limit %d: %w", limit, platforms.ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return platforms.ProductPage{}, fmt.Errorf("shopify: ListProducts: %w", err)
	}
	location, _, err := c.setup(ctx)
	if err != nil {
		return platforms.ProductPage{}, fmt.Errorf("shopify: ListProducts: %w", err)
	}
	vars := map[string]any{"first": min(limit, listPageMax), "location": location}
	if cursor != "" {
		vars["after"] = cursor
	}
	var d struct {
		ProductVariants struct {
			Nodes    []listedVariant `json:"nodes"`
			PageInfo pageInfo        `json:"pageInfo"`
		} `json:"productVariants"`
	}
	if err := c.Do(ctx, OpProductsList, vars, &d); err != nil {
		return platforms.ProductPage{}, fmt.Errorf("shopify: ListProducts: %w", err)
	}
	page := platforms.ProductPage{Products: make([]platforms.ListedProduct, 0, len(d.ProductVariants.Nodes))}
	for _, v := range d.ProductVariants.Nodes {
		page.Products = append(page.Products, v.listed())
	}
	if d.ProductVariants.PageInfo.HasNextPage && len(d.ProductVariants.Nodes) > 0 {
		page.Next = d.ProductVariants.PageInfo.EndCursor
	}
	return page, nil
}

func (v listedVariant) listed() platforms.ListedProduct {
	p := platforms.ListedProduct{
		Ref:   platforms.ProductRef{SKU: v.SKU, ProductID: v.Product.ID, VariantID: v.ID, InventoryItemID: v.InventoryItem.ID},
		Title: v.Product.Title, Price: v.Price, ManageStock: v.InventoryItem.Tracked,
		Published: v.Product.Status == "ACTIVE" || v.Product.Status == "UNLISTED",
	}
	if lvl := v.InventoryItem.InventoryLevel; p.ManageStock && lvl != nil {
		for _, q := range lvl.Quantities {
			if q.Name == "available" {
				p.Stock = q.Quantity
			}
		}
	}
	switch {
	case v.Product.Status == "UNLISTED":
		p.Status = platforms.StatusHidden
	case p.ManageStock && p.Stock <= 0:
		p.Status = platforms.StatusOutOfStock
	default:
		p.Status = platforms.StatusPublish
	}
	return p
}
