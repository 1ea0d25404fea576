package woocommerce

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/platforms"
)

// productBody is one create or update item of POST /products/batch; empty fields are left alone.
type productBody struct {
	ID                int     `json:"id,omitempty"`
	Type              string  `json:"type,omitempty"`
	Status            string  `json:"status,omitempty"`
	CatalogVisibility string  `json:"catalog_visibility,omitempty"`
	SKU               string  `json:"sku,omitempty"`
	Name              string  `json:"name,omitempty"`
	Description       *string `json:"description,omitempty"`
	RegularPrice      string  `json:"regular_price,omitempty"`
	ManageStock       *bool   `json:"manage_stock,omitempty"`
	StockQuantity     *int    `json:"stock_quantity,omitempty"`
	StockStatus       string  `json:"stock_status,omitempty"`
	Categories        []idRef `json:"categories,omitempty"`
	// Images is nil in every write but SetImages' (an absent field keeps the product's
	// images); a pointer so that SetImages can send an empty list.
	Images     *[]imageRef `json:"images,omitempty"`
	Weight     string      `json:"weight,omitempty"`
	Dimensions *dimensions `json:"dimensions,omitempty"`
	Attributes []attribute `json:"attributes,omitempty"`
	MetaData   []metaEntry `json:"meta_data,omitempty"`
}

type idRef struct {
	ID int `json:"id"`
}

// imageRef is an image of a product write: {id} references an attachment, {src, name, alt}
// makes WooCommerce download src into a new one named name.
type imageRef struct {
	ID   int    `json:"id,omitempty"`
	Src  string `json:"src,omitempty"`
	Name string `json:"name,omitempty"`
	Alt  string `json:"alt,omitempty"`
}

type dimensions struct {
	Length string `json:"length"`
	Width  string `json:"width"`
	Height string `json:"height"`
}

type attribute struct {
	Name    string   `json:"name"`
	Options []string `json:"options"`
	Visible bool     `json:"visible"`
}

type metaEntry struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// wireItem is one answer item of a batch: the product, or {"id":…, "error":{…}}.
type wireItem struct {
	ID     int         `json:"id"`
	SKU    string      `json:"sku"`
	Type   string      `json:"type"`
	Images []wireImage `json:"images"`
	Error  *wireError  `json:"error"`
}

// wireImage is an image of a product as WooCommerce answers it.
type wireImage struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// op is one item of a Storefront batch call on its way through /products/batch.
type op struct {
	sku  string
	id   int // WooCommerce id; 0 creates
	body productBody
	// images are the URLs of body.Images, in order (SetImages); media their attachment ids
	// once the write went through.
	images []string
	media  []int
	alt    string // alternative text of the images uploaded
	// lookup: the given id is unusable, find the product by SKU before sending.
	lookup  bool
	retried bool
	adopted bool // a create that found its SKU taken and updated that product instead
	err     error
	apiErr  *APIError // per-item refusal of the last send
}

func (o *op) result() platforms.ItemResult {
	r := platforms.ItemResult{Ref: platforms.ProductRef{SKU: o.sku}, Err: o.err, Adopted: o.adopted && o.err == nil}
	if o.err == nil && o.id != 0 {
		r.Ref.ProductID = strconv.Itoa(o.id)
	}
	return r
}

func parseID(ref platforms.ProductRef) (id int, lookup bool) {
	if ref.ProductID == "" {
		return 0, false
	}
	n, err := strconv.Atoi(ref.ProductID)
	if err != nil || n <= 0 {
		return 0, true
	}
	return n, false
}

// UpsertProducts implements platforms.Storefront.
func (c *Client) UpsertProducts(ctx context.Context, products []platforms.ProductInput) ([]platforms.ItemResult, error) {
	if err := c.checkBatch("UpsertProducts", len(products)); err != nil {
		return nil, err
	}
	st, err := c.storeSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("woocommerce: UpsertProducts: %w", err)
	}
	ops := make([]*op, len(products))
	for i, p := range products {
		o := &op{sku: p.Ref.SKU}
		o.id, o.lookup = parseID(p.Ref)
		o.err = c.productBody(p, st, o)
		ops[i] = o
	}
	return c.runBatch(ctx, "UpsertProducts", ops)
}

// productBody fills o.body and o.images from p.
func (c *Client) productBody(p platforms.ProductInput, st storeSettings, o *op) error {
	if p.Ref.SKU == "" {
		return fmt.Errorf("woocommerce: product without SKU: %w", platforms.ErrInvalid)
	}
	if !p.Status.Valid() {
		return fmt.Errorf("woocommerce: status %q: %w", p.Status, platforms.ErrInvalid)
	}
	price, err := st.formatPrice(p.Price, p.Currency)
	if err != nil {
		return err
	}
	desc := p.Description
	b := productBody{
		Type: "simple", Status: "publish", CatalogVisibility: "visible", SKU: p.Ref.SKU, Name: p.Title,
		Description: &desc, RegularPrice: price,
	}
	if b.Weight, err = st.weight(p.WeightKg); err != nil {
		return err
	}
	stockFields(&b, p.ManageStock, p.Stock, p.Status)
	catID := p.CategoryID
	if catID == "" && len(p.CategoryPath) > 0 {
		c.catMu.Lock()
		if id, ok := c.categories[p.CategoryPath.Leaf().ID]; ok {
			catID = strconv.Itoa(id)
		}
		c.catMu.Unlock()
	}
	if catID != "" {
		n, err := strconv.Atoi(catID)
		if err != nil {
			return fmt.Errorf("woocommerce: category id %q: %w", catID, platforms.ErrInvalid)
		}
		b.Categories = []idRef{{ID: n}}
	}
	if p.LengthCm != "" || p.WidthCm != "" || p.HeightCm != "" {
		b.Dimensions = &dimensions{}
		for _, d := range []struct {
			in  string
			out *string
		}{{p.LengthCm, &b.Dimensions.Length}, {p.WidthCm, &b.Dimensions.Width}, {p.HeightCm, &b.Dimensions.Height}} {
			if *d.out, err = st.length(d.in); err != nil {
				return err
			}
		}
	}
	if p.Brand.Name != "" {
		b.Attributes = append(b.Attributes, attribute{Name: c.cfg.BrandAttribute, Options: []string{p.Brand.Name}, Visible: true})
	}
	for _, k := range sortedKeys(p.Attributes) {
		if k == c.cfg.BrandAttribute {
			continue
		}
		b.Attributes = append(b.Attributes, attribute{Name: k, Options: []string{p.Attributes[k]}, Visible: true})
	}
	for _, k := range sortedKeys(p.Meta) {
		b.MetaData = append(b.MetaData, metaEntry{Key: k, Value: p.Meta[k]})
	}
	o.body = b
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// stockFields sets manage_stock and either the quantity (WooCommerce then derives stock_status)
// or, for unmanaged products, stock_status from the status; and the catalog visibility the status
// asks for (hidden, else visible), so a stock write hides or shows the product as a full one does.
func stockFields(b *productBody, manage bool, stock int, status platforms.Status) {
	b.CatalogVisibility = "visible"
	if status == platforms.StatusHidden {
		b.CatalogVisibility = "hidden"
	}
	b.ManageStock = &manage
	if manage {
		q := stock
		b.StockQuantity = &q
		return
	}
	b.StockStatus = "instock"
	if status == platforms.StatusOutOfStock {
		b.StockStatus = "outofstock"
	}
}

// UpdateStock implements platforms.Storefront.
func (c *Client) UpdateStock(ctx context.Context, updates []platforms.StockUpdate) ([]platforms.ItemResult, error) {
	if err := c.checkBatch("UpdateStock", len(updates)); err != nil {
		return nil, err
	}
	ops := make([]*op, len(updates))
	for i, u := range updates {
		o := &op{sku: u.Ref.SKU}
		o.id, o.lookup = c.updateID(u.Ref, o)
		stockFields(&o.body, u.ManageStock, u.Stock, u.Status)
		ops[i] = o
	}
	return c.runBatch(ctx, "UpdateStock", ops)
}

// UpdatePrices implements platforms.Storefront.
func (c *Client) UpdatePrices(ctx context.Context, updates []platforms.PriceUpdate) ([]platforms.ItemResult, error) {
	return c.priceBatch(ctx, "UpdatePrices", len(updates), func(i int, o *op) (platforms.ProductRef, string, string) {
		u := updates[i]
		return u.Ref, u.Price, u.Currency
	})
}

// UpdatePriceStock implements platforms.Storefront: price and stock travel in one update item,
// so WooCommerce saves each product once.
func (c *Client) UpdatePriceStock(ctx context.Context, updates []platforms.PriceStockUpdate) ([]platforms.ItemResult, error) {
	return c.priceBatch(ctx, "UpdatePriceStock", len(updates), func(i int, o *op) (platforms.ProductRef, string, string) {
		u := updates[i]
		if !u.Status.Valid() {
			o.err = fmt.Errorf("woocommerce: status %q: %w", u.Status, platforms.ErrInvalid)
		}
		stockFields(&o.body, u.ManageStock, u.Stock, u.Status)
		return u.Ref, u.Price, u.Currency
	})
}

// priceBatch sends n price updates; item fills in the rest of item i's op and returns its ref,
// price and currency.
func (c *Client) priceBatch(ctx context.Context, method string, n int, item func(i int, o *op) (platforms.ProductRef, string, string)) ([]platforms.ItemResult, error) {
	if err := c.checkBatch(method, n); err != nil {
		return nil, err
	}
	st, err := c.storeSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("woocommerce: %s: %w", method, err)
	}
	ops := make([]*op, n)
	for i := range ops {
		o := &op{}
		ref, price, currency := item(i, o)
		o.sku = ref.SKU
		itemErr := o.err
		o.id, o.lookup = c.updateID(ref, o)
		if o.err == nil {
			o.err = itemErr
		}
		if p, err := st.formatPrice(price, currency); err != nil {
			o.err = cmp.Or(o.err, err)
		} else {
			o.body.RegularPrice = p
		}
		ops[i] = o
	}
	return c.runBatch(ctx, method, ops)
}

// Unpublish implements platforms.Storefront: status draft keeps the product, its id, its images
// and its orders; UpsertProducts publishes it again.
func (c *Client) Unpublish(ctx context.Context, refs []platforms.ProductRef) ([]platforms.ItemResult, error) {
	if err := c.checkBatch("Unpublish", len(refs)); err != nil {
		return nil, err
	}
	ops := make([]*op, len(refs))
	for i, r := range refs {
		o := &op{sku: r.SKU}
		o.id, o.lookup = c.updateID(r, o)
		o.body.Status = "draft"
		ops[i] = o
	}
	return c.runBatch(ctx, "Unpublish", ops)
}

// updateID is the id of an update-only item; without one the product is looked up by SKU.
func (c *Client) updateID(ref platforms.ProductRef, o *op) (int, bool) {
	id, lookup := parseID(ref)
	if id == 0 {
		lookup = true
	}
	if lookup && ref.SKU == "" {
		o.err = fmt.Errorf("woocommerce: product without id or SKU: %w", platforms.ErrInvalid)
	}
	return id, lookup
}

// runBatch sends ops, then fixes what can be fixed once: a create refused because the SKU exists
// adopts that product, an update of an unknown id finds the product by SKU; both are sent again
// in one follow-up batch. The first send's failure is the call's error; later failures are
// per item, since the first batch was applied.
func (c *Client) runBatch(ctx context.Context, method string, ops []*op) ([]platforms.ItemResult, error) {
	if err := c.runOps(ctx, method, ops); err != nil {
		return nil, err
	}
	out := make([]platforms.ItemResult, len(ops))
	for i, o := range ops {
		out[i] = o.result()
	}
	return out, nil
}

// runOps is runBatch leaving each item's outcome in its op.
func (c *Client) runOps(ctx context.Context, method string, ops []*op) error {
	var first, lookup []*op
	for _, o := range ops {
		switch {
		case o.err != nil:
		case o.lookup:
			lookup = append(lookup, o)
		default:
			first = append(first, o)
		}
	}
	if len(first) > 0 {
		if err := c.sendBatch(ctx, first); err != nil {
			return fmt.Errorf("woocommerce: %s: %w", method, err)
		}
	} else if err := ctx.Err(); err != nil {
		return fmt.Errorf("woocommerce: %s: %w", method, err)
	}
	var again []*op
	for _, o := range first {
		e := o.apiErr
		switch {
		case e == nil:
		case o.id == 0 && e.Code == "product_invalid_sku" && e.ResourceID != 0:
			c.log.InfoContext(ctx, "woocommerce: adopting existing product", "sku", o.sku, "product", e.ResourceID)
			o.id, o.err, o.adopted = e.ResourceID, nil, true
			again = append(again, o)
		case o.id != 0 && e.Code == "woocommerce_rest_product_invalid_id":
			lookup = append(lookup, o)
		}
	}
	if len(lookup) > 0 {
		found, err := c.idsBySKU(ctx, skusOf(lookup))
		for _, o := range lookup {
			switch id, ok := found[o.sku]; {
			case err != nil:
				o.err = fmt.Errorf("woocommerce: find %s by SKU: %w", o.sku, err)
				if len(first) == 0 {
					return fmt.Errorf("woocommerce: %s: %w", method, err)
				}
			case !ok:
				o.err = fmt.Errorf("woocommerce: product %s: %w", o.sku, platforms.ErrNotFound)
			default:
				c.log.InfoContext(ctx, "woocommerce: recovered product id by SKU", "sku", o.sku, "product", id)
				o.id, o.err = id, nil
				again = append(again, o)
			}
		}
	}
	if len(again) > 0 {
		for _, o := range again {
			o.retried = true
		}
		if err := c.sendBatch(ctx, again); err != nil {
			if len(first) == 0 {
				return fmt.Errorf("woocommerce: %s: %w", method, err)
			}
			for _, o := range again {
				o.err = err
			}
		}
	}
	return nil
}

func skusOf(ops []*op) []string {
	out := make([]string, 0, len(ops))
	for _, o := range ops {
		out = append(out, o.sku)
	}
	return out
}

// sendBatch sends ops in one POST /products/batch and records each item's outcome in its op.
// Creates and image uploads make the request unsafe to repeat blindly: after a lost answer the
// created SKUs are looked up first and the ones found become updates, and the images sent by
// URL are looked for on their products (by ImageTag) and the ones found sent by id.
func (c *Client) sendBatch(ctx context.Context, ops []*op) error {
	var creates, updates []*op
	build := func() ([]byte, error) {
		creates, updates = creates[:0], updates[:0]
		var req struct {
			Create []productBody `json:"create,omitempty"`
			Update []productBody `json:"update,omitempty"`
		}
		for _, o := range ops {
			b := o.body
			if o.id == 0 {
				b.ID = 0
				creates = append(creates, o)
				req.Create = append(req.Create, b)
			} else {
				b.ID = o.id
				updates = append(updates, o)
				req.Update = append(req.Update, b)
			}
		}
		return json.Marshal(req)
	}
	hasCreates := slices.ContainsFunc(ops, func(o *op) bool { return o.id == 0 })
	hasUploads := slices.ContainsFunc(ops, (*op).uploads)
	recoverCreates := func(ctx context.Context) error {
		var pending []*op
		for _, o := range ops {
			if o.id == 0 {
				pending = append(pending, o)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		found, err := c.idsBySKU(ctx, skusOf(pending))
		if err != nil {
			return err
		}
		for _, o := range pending {
			if id, ok := found[o.sku]; ok {
				c.log.InfoContext(ctx, "woocommerce: create went through before the answer was lost", "sku", o.sku, "product", id)
				o.id = id
			}
		}
		return nil
	}
	recover := func(ctx context.Context) error {
		if err := recoverCreates(ctx); err != nil {
			return err
		}
		return c.recoverUploads(ctx, ops)
	}
	resp, err := c.do(ctx, call{method: http.MethodPost, path: "/products/batch", body: build,
		idempotent: !hasCreates && !hasUploads, recover: recover})
	if err != nil {
		return err
	}
	var ans struct {
		Create []wireItem `json:"create"`
		Update []wireItem `json:"update"`
	}
	if err := json.Unmarshal(resp.body, &ans); err != nil {
		return fmt.Errorf("POST /products/batch: decode: %w", err)
	}
	c.readItems(creates, ans.Create)
	c.readItems(updates, ans.Update)
	return nil
}

func (c *Client) readItems(ops []*op, items []wireItem) {
	for i, o := range ops {
		o.apiErr, o.err = nil, nil
		if i >= len(items) {
			o.err = fmt.Errorf("woocommerce: batch answer has no item for %s", o.sku)
			continue
		}
		it := items[i]
		if it.Error != nil {
			o.apiErr = it.Error.apiError(http.StatusBadRequest)
			o.err = o.apiErr
			continue
		}
		o.id = it.ID
		if o.body.Images != nil {
			o.media = o.media[:0]
			for _, im := range it.Images {
				o.media = append(o.media, im.ID)
			}
		}
	}
}

// idsBySKU finds products (not variations) by SKU with GET /products?sku=a,b,c (a comma list,
// WooCommerce 11), 100 SKUs per request. A SKU holding a comma cannot be asked for and is
// reported not found.
func (c *Client) idsBySKU(ctx context.Context, skus []string) (map[string]int, error) {
	var ask []string
	for _, s := range skus {
		if s != "" && !strings.Contains(s, ",") {
			ask = append(ask, s)
		}
	}
	found := map[string]int{}
	for chunk := range slices.Chunk(ask, 100) {
		q := url.Values{"sku": {strings.Join(chunk, ",")}, "status": {"any"}}
		items, err := getPages[wireItem](ctx, c, "/products", q)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.Type != "variation" && it.SKU != "" {
				found[it.SKU] = it.ID
			}
		}
	}
	return found, nil
}
