package shopify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/platforms"
)

// The product metafields the adapter owns. intcomex.sku is the product's
// identity: productSet finds an existing product by it (identifier.customId),
// which needs a product metafield definition intcomex.sku with unique values
// on the shop (created at install).
const (
	MetafieldNamespace = "intcomex"
	MetafieldSKU       = "sku"
	MetafieldSpecs     = "specs"
)

var _ platforms.Storefront = (*Client)(nil)

// Capabilities: BatchSize is large (Config.BatchSize, default 5000) so that
// a full load reaches the bulk operation path in few calls; every method
// splits its batch into Shopify-sized requests itself. If a later request
// of a call fails as a whole after earlier ones were applied, its items get
// that error as their per-item error (the call error is kept for "nothing
// applied"). SetImages takes as many (Shopify processes the images after the
// mutation answers), and files can be deleted. Deleting a product deletes the
// media only it showed.
func (c *Client) Capabilities() platforms.Capabilities {
	return platforms.Capabilities{BatchSize: c.cfg.BatchSize, BulkOperations: true, CostThrottle: true,
		ImageBatchSize: c.cfg.BatchSize, DeleteMedia: true, MediaDeletedWithProduct: true}
}

// EnsureCategories creates nothing: Shopify has no category tree for this
// (its taxonomy "category" is Shopify's own). A product carries its IWS
// category as productType (the leaf name) and tags (every name of the
// path), both taken from ProductInput.CategoryPath. It returns the identity
// map IWS id → category name.
func (c *Client) EnsureCategories(ctx context.Context, paths []platforms.CategoryPath) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range paths {
		for _, n := range p {
			out[n.ID] = n.Name
		}
	}
	return out, nil
}

// EnsureBrands creates nothing: the brand is the product's vendor. It
// returns the identity map IWS id → brand name.
func (c *Client) EnsureBrands(ctx context.Context, brands []platforms.Brand) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(brands))
	for _, b := range brands {
		out[b.ID] = b.Name
	}
	return out, nil
}

// setup resolves the stock location and the shop currency once.
func (c *Client) setup(ctx context.Context) (location, currency string, err error) {
	c.setupMu.Lock()
	defer c.setupMu.Unlock()
	if c.currency == "" {
		var d struct {
			Shop struct {
				CurrencyCode string `json:"currencyCode"`
			} `json:"shop"`
		}
		if err := c.Do(ctx, OpShop, nil, &d); err != nil {
			return "", "", err
		}
		c.currency = d.Shop.CurrencyCode
	}
	if c.location == "" {
		var after *string
		var first string
		for c.location == "" {
			var d struct {
				Locations struct {
					Nodes []struct {
						ID                   string `json:"id"`
						IsActive             bool   `json:"isActive"`
						FulfillsOnlineOrders bool   `json:"fulfillsOnlineOrders"`
					} `json:"nodes"`
					PageInfo pageInfo `json:"pageInfo"`
				} `json:"locations"`
			}
			if err := c.Do(ctx, OpLocations, map[string]any{"first": 10, "after": after}, &d); err != nil {
				return "", "", err
			}
			for _, l := range d.Locations.Nodes {
				if l.IsActive && first == "" {
					first = l.ID
				}
				if l.IsActive && l.FulfillsOnlineOrders {
					c.location = l.ID
					break
				}
			}
			if !d.Locations.PageInfo.HasNextPage {
				break
			}
			after = &d.Locations.PageInfo.EndCursor
		}
		if c.location == "" {
			c.location = first
		}
		if c.location == "" {
			return "", "", fmt.Errorf("shopify: shop %s has no active location: %w", c.cfg.Shop, platforms.ErrInvalid)
		}
	}
	return c.location, c.currency, nil
}

type pageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

// --- products ---------------------------------------------------------------

type productSetVars struct {
	Identifier  map[string]any `json:"identifier"`
	Input       map[string]any `json:"input"`
	Synchronous bool           `json:"synchronous"`
}

type productSetPayload struct {
	Product *struct {
		ID       string `json:"id"`
		Variants struct {
			Nodes []struct {
				ID            string `json:"id"`
				SKU           string `json:"sku"`
				InventoryItem struct {
					ID string `json:"id"`
				} `json:"inventoryItem"`
			} `json:"nodes"`
		} `json:"variants"`
	} `json:"product"`
	UserErrors []UserError `json:"userErrors"`
}

// result maps a productSet answer to the item's ref.
func (p *productSetPayload) result(ref platforms.ProductRef) platforms.ItemResult {
	if err := userErrorsErr(p.UserErrors); err != nil {
		return platforms.ItemResult{Ref: ref, Err: fmt.Errorf("shopify: productSet %s: %w", ref.SKU, err)}
	}
	if p.Product == nil {
		return platforms.ItemResult{Ref: ref, Err: fmt.Errorf("shopify: productSet %s: no product in answer: %w", ref.SKU, ErrUnavailable)}
	}
	ref.ProductID = p.Product.ID
	nodes := p.Product.Variants.Nodes
	for i, v := range nodes {
		if v.SKU == ref.SKU || i == len(nodes)-1 {
			ref.VariantID, ref.InventoryItemID = v.ID, v.InventoryItem.ID
			break
		}
	}
	return platforms.ItemResult{Ref: ref}
}

func productStatus(s platforms.Status) string {
	if s == platforms.StatusHidden {
		return "UNLISTED" // reachable by link, not listed in the catalog (2025-10+)
	}
	return "ACTIVE" // out of stock shows "sold out": tracked, DENY, available 0
}

// productSetInput builds productSet's variables for p. List fields
// (variants, metafields, productOptions) are sent complete since productSet
// replaces them; files are not sent at all, so the product keeps its media
// (SetImages sets them). The item's own problems are an ErrInvalid error.
func productSetInput(p platforms.ProductInput, location, currency string) (productSetVars, error) {
	if strings.TrimSpace(p.Ref.SKU) == "" {
		return productSetVars{}, fmt.Errorf("shopify: product without SKU: %w", platforms.ErrInvalid)
	}
	if err := checkPrice(p.Price, p.Currency, currency); err != nil {
		return productSetVars{}, err
	}
	if p.Status != "" && !p.Status.Valid() {
		return productSetVars{}, fmt.Errorf("shopify: %s: status %q: %w", p.Ref.SKU, p.Status, platforms.ErrInvalid)
	}
	ident := map[string]any{"customId": map[string]any{"namespace": MetafieldNamespace, "key": MetafieldSKU, "value": p.Ref.SKU}}
	if p.Ref.ProductID != "" {
		ident = map[string]any{"id": p.Ref.ProductID}
	}
	item := map[string]any{"sku": p.Ref.SKU, "tracked": p.ManageStock}
	if w, err := decimal.NewFromString(p.WeightKg); err == nil && w.IsPositive() {
		item["measurement"] = map[string]any{"weight": map[string]any{"unit": "KILOGRAMS", "value": json.Number(w.String())}}
	}
	variant := map[string]any{
		"sku":             p.Ref.SKU,
		"price":           p.Price,
		"optionValues":    []map[string]any{{"optionName": "Title", "name": "Default Title"}},
		"inventoryItem":   item,
		"inventoryPolicy": "DENY",
	}
	if !p.ManageStock {
		variant["inventoryPolicy"] = "CONTINUE"
	}
	if p.Ref.VariantID != "" {
		variant["id"] = p.Ref.VariantID
	}
	if p.ManageStock {
		// Shopify sets quantities at locations where the variant is
		// stocked: on create, and on update at the location it was created at.
		variant["inventoryQuantities"] = []map[string]any{{"locationId": location, "name": "available", "quantity": max(p.Stock, 0)}}
	}
	metafields := []map[string]any{{"namespace": MetafieldNamespace, "key": MetafieldSKU, "type": "single_line_text_field", "value": p.Ref.SKU}}
	if len(p.Attributes) > 0 {
		specs, err := json.Marshal(p.Attributes) // map keys are sorted: stable value
		if err != nil {
			return productSetVars{}, fmt.Errorf("shopify: %s: specs: %w", p.Ref.SKU, err)
		}
		metafields = append(metafields, map[string]any{"namespace": MetafieldNamespace, "key": MetafieldSpecs, "type": "json", "value": string(specs)})
	}
	keys := make([]string, 0, len(p.Meta))
	for k := range p.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		key := strings.TrimPrefix(k, MetafieldNamespace+"_")
		if key == MetafieldSKU || key == MetafieldSpecs || len(key) < 2 || len(key) > 64 || p.Meta[k] == "" {
			continue
		}
		metafields = append(metafields, map[string]any{"namespace": MetafieldNamespace, "key": key, "type": "single_line_text_field", "value": p.Meta[k]})
	}
	tags := make([]string, 0, len(p.CategoryPath))
	for _, n := range p.CategoryPath {
		if n.Name != "" {
			tags = append(tags, n.Name)
		}
	}
	input := map[string]any{
		"title":           p.Title,
		"descriptionHtml": p.Description,
		"vendor":          p.Brand.Name,
		"productType":     p.CategoryPath.Leaf().Name,
		"tags":            tags,
		"status":          productStatus(p.Status),
		"productOptions":  []map[string]any{{"name": "Title", "values": []map[string]any{{"name": "Default Title"}}}},
		"variants":        []map[string]any{variant},
		"metafields":      metafields,
	}
	return productSetVars{Identifier: ident, Input: input, Synchronous: true}, nil
}

// checkPrice validates a price string against the shop currency.
func checkPrice(price, cur, shopCurrency string) error {
	d, err := decimal.NewFromString(price)
	if err != nil || d.IsNegative() {
		return fmt.Errorf("shopify: price %q: %w", price, platforms.ErrInvalid)
	}
	if cur != "" && shopCurrency != "" && !strings.EqualFold(cur, shopCurrency) {
		return fmt.Errorf("shopify: price in %s, shop sells in %s: %w", cur, shopCurrency, platforms.ErrInvalid)
	}
	return nil
}

// begin runs what every batch method starts with: the batch bound, the context, and (unless the
// batch is empty, which needs no call) the shop's location and currency.
func (c *Client) begin(ctx context.Context, op string, n int) (location, currency string, err error) {
	if err := checkBatch(n, c.cfg.BatchSize); err != nil {
		return "", "", err
	}
	if err := ctx.Err(); err != nil {
		return "", "", fmt.Errorf("shopify: %s: %w", op, err)
	}
	if n == 0 {
		return "", "", nil
	}
	return c.setup(ctx)
}

func checkBatch(n, size int) error {
	if n > size {
		return fmt.Errorf("shopify: batch of %d items exceeds %d: %w", n, size, platforms.ErrInvalid)
	}
	return nil
}

// UpsertProducts sends one productSet per product (an upsert: by product id
// when the ref has one, else by the intcomex.sku metafield), or, from
// BulkThreshold products on, one bulk operation running productSet per
// JSONL line. Results carry the product, variant and inventory item gids.
func (c *Client) UpsertProducts(ctx context.Context, products []platforms.ProductInput) ([]platforms.ItemResult, error) {
	location, currency, err := c.begin(ctx, "upsert", len(products))
	if err != nil {
		return nil, err
	}
	if len(products) == 0 {
		return []platforms.ItemResult{}, nil
	}
	results := make([]platforms.ItemResult, len(products))
	vars := make([]*productSetVars, len(products))
	for i, p := range products {
		results[i].Ref = p.Ref
		v, err := productSetInput(p, location, currency)
		if err != nil {
			results[i].Err = err
			continue
		}
		vars[i] = &v
	}
	if c.cfg.BulkThreshold > 0 && len(products) >= c.cfg.BulkThreshold {
		return c.bulkProductSet(ctx, vars, results)
	}
	applied := false
	for i, v := range vars {
		if v == nil {
			continue
		}
		var d struct {
			ProductSet productSetPayload `json:"productSet"`
		}
		if err := c.Do(ctx, OpProductSet, v, &d); err != nil {
			if !applied {
				return nil, err
			}
			failRest(results[i:], vars[i:], err)
			return results, nil
		}
		applied = true
		results[i] = d.ProductSet.result(products[i].Ref)
	}
	return results, nil
}

// failRest sets err on the pending items of a call that failed midway.
func failRest[T any](results []platforms.ItemResult, pending []*T, err error) {
	for j := range results {
		if pending[j] != nil && results[j].Err == nil {
			results[j].Err = err
		}
	}
}

// --- SKU resolution ---------------------------------------------------------

type variantInfo struct {
	ID            string `json:"id"`
	SKU           string `json:"sku"`
	InventoryItem struct {
		ID string `json:"id"`
	} `json:"inventoryItem"`
	Product struct {
		ID string `json:"id"`
	} `json:"product"`
}

// resolveRefs fills the missing gids of refs by looking their SKUs up
// (VariantsBySKU, 50 SKUs a query). Refs not found stay incomplete.
func (c *Client) resolveRefs(ctx context.Context, refs []*platforms.ProductRef, need func(platforms.ProductRef) bool) error {
	var skus []string
	seen := map[string]bool{}
	for _, r := range refs {
		if r != nil && need(*r) && r.SKU != "" && !seen[r.SKU] {
			seen[r.SKU] = true
			skus = append(skus, r.SKU)
		}
	}
	found := map[string]variantInfo{}
	for start := 0; start < len(skus); start += 50 {
		part := skus[start:min(start+50, len(skus))]
		terms := make([]string, len(part))
		for i, s := range part {
			terms[i] = "sku:" + strconv.Quote(s)
		}
		var after *string
		for {
			var d struct {
				ProductVariants struct {
					Nodes    []variantInfo `json:"nodes"`
					PageInfo pageInfo      `json:"pageInfo"`
				} `json:"productVariants"`
			}
			if err := c.Do(ctx, OpVariantsBySKU, map[string]any{"query": strings.Join(terms, " OR "), "first": 100, "after": after}, &d); err != nil {
				return err
			}
			for _, v := range d.ProductVariants.Nodes {
				if _, dup := found[v.SKU]; !dup {
					found[v.SKU] = v
				}
			}
			if !d.ProductVariants.PageInfo.HasNextPage {
				break
			}
			after = &d.ProductVariants.PageInfo.EndCursor
		}
	}
	for _, r := range refs {
		if r == nil || !need(*r) {
			continue
		}
		if v, ok := found[r.SKU]; ok {
			r.ProductID, r.VariantID, r.InventoryItemID = v.Product.ID, v.ID, v.InventoryItem.ID
		}
	}
	return nil
}

// --- stock ------------------------------------------------------------------

type userErrorsPayload struct {
	UserErrors []UserError `json:"userErrors"`
}

// UpdateStock sets the "available" quantity at the configured location with
// inventorySetQuantities, MaxInputItems (250) quantities a call:
// 500 updates are 2 calls. changeFromQuantity is sent as null (the
// connector is the source of truth for these items), and each call carries
// an idempotency key derived from its content and the context's sync run
// and job (audit correlation), so a resent call is replayed, not applied
// twice, while a later run setting the same values is applied. Refs without
// InventoryItemID are resolved by SKU first; unknown ones fail with
// ErrNotFound. Items with ManageStock false are skipped (tracking changes
// go through UpsertProducts), and Status is not applied here: a tracked
// variant at 0 shows sold out by itself, hiding goes through Unpublish or
// UpsertProducts.
func (c *Client) UpdateStock(ctx context.Context, updates []platforms.StockUpdate) ([]platforms.ItemResult, error) {
	location, _, err := c.begin(ctx, "stock", len(updates))
	if err != nil {
		return nil, err
	}
	if len(updates) == 0 {
		return []platforms.ItemResult{}, nil
	}
	results := make([]platforms.ItemResult, len(updates))
	refs := make([]*platforms.ProductRef, len(updates))
	for i, u := range updates {
		results[i].Ref = u.Ref
		if u.ManageStock {
			refs[i] = &results[i].Ref
		}
	}
	if err := c.resolveRefs(ctx, refs, func(r platforms.ProductRef) bool { return r.InventoryItemID == "" }); err != nil {
		return nil, err
	}
	var pending []int
	for i, u := range updates {
		switch {
		case !u.ManageStock:
		case results[i].Ref.InventoryItemID == "":
			results[i].Err = fmt.Errorf("shopify: stock %s: no inventory item: %w", u.Ref.SKU, platforms.ErrNotFound)
		default:
			pending = append(pending, i)
		}
	}
	applied := false
	for start := 0; start < len(pending); start += MaxInputItems {
		chunk := pending[start:min(start+MaxInputItems, len(pending))]
		if err := c.setQuantities(ctx, location, chunk, updates, results); err != nil {
			if !applied {
				return nil, err
			}
			for _, i := range pending[start:] {
				results[i].Err = err
			}
			return results, nil
		}
		applied = true
	}
	return results, nil
}

// setQuantities sends one chunk. Shopify applies a call all or nothing: a
// userError naming a quantity fails that item, and the rest is resent
// (a new content, so a new key) until it passes or nothing is left.
func (c *Client) setQuantities(ctx context.Context, location string, chunk []int, updates []platforms.StockUpdate, results []platforms.ItemResult) error {
	corr := correlation.From(ctx)
	for round := 0; len(chunk) > 0; round++ {
		qs := make([]map[string]any, len(chunk))
		h := sha256.New()
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", corr.SyncRunID, corr.JobID, location)
		for j, i := range chunk {
			q := max(updates[i].Stock, 0)
			item := results[i].Ref.InventoryItemID
			qs[j] = map[string]any{"inventoryItemId": item, "locationId": location, "quantity": q, "changeFromQuantity": nil}
			fmt.Fprintf(h, "%s=%d\x00", item, q)
		}
		vars := map[string]any{
			"input": map[string]any{
				"name": "available", "reason": "correction", "quantities": qs,
				"referenceDocumentUri": "gid://intcomex-connector/StockSync/" + orDefault(corr.SyncRunID, "push"),
			},
			"idempotencyKey": "intcomex-stock-" + hex.EncodeToString(h.Sum(nil))[:40],
		}
		var d struct {
			InventorySetQuantities userErrorsPayload `json:"inventorySetQuantities"`
		}
		if err := c.Do(ctx, OpInventorySetQuantities, vars, &d); err != nil {
			return err
		}
		ues := d.InventorySetQuantities.UserErrors
		if len(ues) == 0 {
			return nil
		}
		failed := map[int]bool{}
		var general []UserError
		for k := range ues {
			if j, ok := fieldIndex(ues[k].Field, "quantities"); ok && j < len(chunk) {
				i := chunk[j]
				results[i].Err = fmt.Errorf("shopify: stock %s: %w", updates[i].Ref.SKU, &ues[k])
				failed[j] = true
			} else {
				general = append(general, ues[k])
			}
		}
		if len(failed) == 0 || round >= 3 {
			err := userErrorsErr(general)
			if err == nil {
				err = userErrorsErr(ues)
			}
			for j, i := range chunk {
				if !failed[j] {
					results[i].Err = fmt.Errorf("shopify: stock %s: %w", updates[i].Ref.SKU, err)
				}
			}
			return nil
		}
		rest := chunk[:0:0]
		for j, i := range chunk {
			if !failed[j] {
				rest = append(rest, i)
			}
		}
		chunk = rest
	}
	return nil
}

// fieldIndex finds the list index following name in a userError field path.
func fieldIndex(field []string, name string) (int, bool) {
	for k := 0; k+1 < len(field); k++ {
		if field[k] == name {
			n, err := strconv.Atoi(field[k+1])
			return n, err == nil
		}
	}
	return 0, false
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// --- prices -----------------------------------------------------------------

// UpdatePrices sets variant prices with productVariantsBulkUpdate, which
// takes one product and a list of its variants: one call per distinct
// product (per 250 variants), so N single-variant products cost N calls of
// 10 points. Refs without ProductID/VariantID are resolved by SKU first.
func (c *Client) UpdatePrices(ctx context.Context, updates []platforms.PriceUpdate) ([]platforms.ItemResult, error) {
	_, currency, err := c.begin(ctx, "prices", len(updates))
	if err != nil {
		return nil, err
	}
	if len(updates) == 0 {
		return []platforms.ItemResult{}, nil
	}
	results := make([]platforms.ItemResult, len(updates))
	refs := make([]*platforms.ProductRef, len(updates))
	for i, u := range updates {
		results[i].Ref = u.Ref
		if err := checkPrice(u.Price, u.Currency, currency); err != nil {
			results[i].Err = err
			continue
		}
		refs[i] = &results[i].Ref
	}
	if err := c.resolveRefs(ctx, refs, func(r platforms.ProductRef) bool { return r.ProductID == "" || r.VariantID == "" }); err != nil {
		return nil, err
	}
	var order []string
	groups := map[string][]int{}
	for i := range updates {
		if refs[i] == nil {
			continue
		}
		r := results[i].Ref
		if r.ProductID == "" || r.VariantID == "" {
			results[i].Err = fmt.Errorf("shopify: price %s: no variant: %w", r.SKU, platforms.ErrNotFound)
			continue
		}
		if _, ok := groups[r.ProductID]; !ok {
			order = append(order, r.ProductID)
		}
		groups[r.ProductID] = append(groups[r.ProductID], i)
	}
	applied := false
	for gi, pid := range order {
		idx := groups[pid]
		for start := 0; start < len(idx); start += MaxInputItems {
			part := idx[start:min(start+MaxInputItems, len(idx))]
			vs := make([]map[string]any, len(part))
			for j, i := range part {
				vs[j] = map[string]any{"id": results[i].Ref.VariantID, "price": updates[i].Price}
			}
			var d struct {
				ProductVariantsBulkUpdate userErrorsPayload `json:"productVariantsBulkUpdate"`
			}
			if err := c.Do(ctx, OpProductVariantsBulkUpdate, map[string]any{"productId": pid, "variants": vs}, &d); err != nil {
				if !applied {
					return nil, err
				}
				for _, rest := range order[gi:] {
					for _, i := range groups[rest] {
						if results[i].Err == nil {
							results[i].Err = err
						}
					}
				}
				return results, nil
			}
			applied = true
			ues := d.ProductVariantsBulkUpdate.UserErrors
			for j, i := range part {
				var itemErr []UserError
				for _, ue := range ues {
					if k, ok := fieldIndex(ue.Field, "variants"); !ok || k == j {
						itemErr = append(itemErr, ue)
					}
				}
				if len(ues) > 0 && len(itemErr) == 0 {
					// All or nothing: a neighbour's error rejected this one too.
					itemErr = ues
				}
				if err := userErrorsErr(itemErr); err != nil {
					results[i].Err = fmt.Errorf("shopify: price %s: %w", results[i].Ref.SKU, err)
				}
			}
		}
	}
	return results, nil
}

// --- unpublish --------------------------------------------------------------

// Unpublish sets each product's status to DRAFT (productUpdate), one call
// per product; a later UpsertProducts sets it ACTIVE again.
func (c *Client) Unpublish(ctx context.Context, refs []platforms.ProductRef) ([]platforms.ItemResult, error) {
	if err := checkBatch(len(refs), c.cfg.BatchSize); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("shopify: unpublish: %w", err)
	}
	results := make([]platforms.ItemResult, len(refs))
	ptrs := make([]*platforms.ProductRef, len(refs))
	for i, r := range refs {
		results[i].Ref = r
		ptrs[i] = &results[i].Ref
	}
	if err := c.resolveRefs(ctx, ptrs, func(r platforms.ProductRef) bool { return r.ProductID == "" }); err != nil {
		return nil, err
	}
	applied := false
	for i := range results {
		r := results[i].Ref
		if r.ProductID == "" {
			results[i].Err = fmt.Errorf("shopify: unpublish %s: %w", r.SKU, platforms.ErrNotFound)
			continue
		}
		var d struct {
			ProductUpdate userErrorsPayload `json:"productUpdate"`
		}
		if err := c.Do(ctx, OpProductUpdateStatus, map[string]any{"id": r.ProductID, "status": "DRAFT"}, &d); err != nil {
			if !applied {
				return nil, err
			}
			for j := i; j < len(results); j++ {
				if results[j].Err == nil {
					results[j].Err = err
				}
			}
			return results, nil
		}
		applied = true
		if err := userErrorsErr(d.ProductUpdate.UserErrors); err != nil {
			results[i].Err = fmt.Errorf("shopify: unpublish %s: %w", r.SKU, err)
		}
	}
	return results, nil
}

var errNoResult = errors.New("shopify: no result for this item")

// Currency returns the shop's currency (shop.currencyCode), read once per client.
func (c *Client) Currency(ctx context.Context) (string, error) {
	_, currency, err := c.setup(ctx)
	return currency, err
}
