package shopifytest

import (
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Product is the fake's view of a product.
type Product struct {
	ID, Handle, Title, DescriptionHTML, Vendor, ProductType, Status string
	Tags                                                            []string
	Media                                                           []string // file gids, in order
	Variants                                                        []Variant
	Metafields                                                      []Metafield
	UpdatedAt                                                       time.Time
}

// Variant is a product variant.
type Variant struct {
	ID, SKU, Barcode, InventoryItemID string
	Price                             decimal.Decimal
	CompareAtPrice                    *decimal.Decimal
	// Untracked: the inventory item does not track stock (inventoryItem.tracked false).
	Untracked bool
}

// Metafield is a namespaced value.
type Metafield struct{ Namespace, Key, Type, Value string }

// Location is a stock location.
type Location struct {
	ID, Name               string
	Active, FulfillsOnline bool
}

// File is an image in the shop's Files, made by productSet from an originalSource.
type File struct {
	ID, Source, Filename, Alt string
}

type state struct {
	products []*Product
	files    map[string]*File
	uploads  map[string]int // originalSource → files made from it
	// byMetafield indexes products by "namespace\x00key\x00value" of each metafield, so a productSet
	// by customId does not scan every product (50,000-product loads in the benchmarks). productSet
	// is the only writer of product metafields and indexes them; lookups verify the entry.
	byMetafield map[string]*Product
	locations   []*Location
	inventory   map[string]map[string]int // item → location → available
	idem        map[string]idemEntry
	orders      []*Order
	webhooks    []*Subscription
	staged      map[string][]byte
	bulk        []*bulkOp
	delivered   []Delivery
	definitions []*MetafieldDefinition
}

type idemEntry struct {
	args string
	data any
}

func (st *state) init() {
	st.inventory = map[string]map[string]int{}
	st.idem = map[string]idemEntry{}
	st.staged = map[string][]byte{}
	st.files = map[string]*File{}
	st.uploads = map[string]int{}
}

func (p *Product) clone() Product {
	c := *p
	c.Tags = slices.Clone(p.Tags)
	c.Media = slices.Clone(p.Media)
	c.Variants = slices.Clone(p.Variants)
	c.Metafields = slices.Clone(p.Metafields)
	return c
}

// Products returns copies of every product.
func (s *Server) Products() []Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Product, 0, len(s.st.products))
	for _, p := range s.st.products {
		out = append(out, p.clone())
	}
	return out
}

// ProductBySKU returns the product holding a variant with sku, and that variant.
func (s *Server) ProductBySKU(sku string) (Product, Variant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.st.products {
		for _, v := range p.Variants {
			if v.SKU == sku {
				return p.clone(), v, true
			}
		}
	}
	return Product{}, Variant{}, false
}

// InventoryLevel is the "available" quantity of an inventory item at a location.
func (s *Server) InventoryLevel(inventoryItemID, locationID string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.st.inventory[inventoryItemID][locationID]
	return q, ok
}

// Locations returns the shop's locations; the first is the default.
func (s *Server) Locations() []Location {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Location, 0, len(s.st.locations))
	for _, l := range s.st.locations {
		out = append(out, *l)
	}
	return out
}

// AddLocation adds an active location and returns its id.
func (s *Server) AddLocation(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := &Location{ID: s.gid("Location"), Name: name, Active: true, FulfillsOnline: true}
	s.st.locations = append(s.st.locations, l)
	return l.ID
}

func (s *Server) location(id string) *Location {
	for _, l := range s.st.locations {
		if l.ID == id {
			return l
		}
	}
	return nil
}

func (s *Server) product(id string) *Product {
	for _, p := range s.st.products {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (s *Server) itemExists(item string) bool {
	for _, p := range s.st.products {
		for _, v := range p.Variants {
			if v.InventoryItemID == item {
				return true
			}
		}
	}
	return false
}

func money(d decimal.Decimal) string { return d.StringFixed(2) }

func (s *Server) productObj(p *Product) obj {
	return obj{
		"__typename": "Product", "id": p.ID, "handle": p.Handle, "title": p.Title,
		"descriptionHtml": p.DescriptionHTML, "vendor": p.Vendor, "productType": p.ProductType,
		"status": p.Status, "tags": slices.Clone(p.Tags), "updatedAt": p.UpdatedAt.Format(time.RFC3339),
		"variants": lazy(func(map[string]any) any {
			c := conn{}
			for i := range p.Variants {
				c = append(c, s.variantObj(p, p.Variants[i]))
			}
			return c
		}),
		"metafields": lazy(func(args map[string]any) any { return metafieldConn(p.Metafields, args) }),
		"media": lazy(func(map[string]any) any {
			c := conn{}
			for _, id := range p.Media {
				if f := s.st.files[id]; f != nil {
					c = append(c, s.fileObj(f))
				}
			}
			return c
		}),
		"metafield": lazy(func(args map[string]any) any {
			return metafieldOne(p.Metafields, args)
		}),
	}
}

func metafieldConn(mfs []Metafield, args map[string]any) conn {
	ns, _ := args["namespace"].(string)
	c := conn{}
	for _, m := range mfs {
		if ns == "" || m.Namespace == ns {
			c = append(c, obj{"__typename": "Metafield", "namespace": m.Namespace, "key": m.Key, "type": m.Type, "value": m.Value})
		}
	}
	return c
}

func metafieldOne(mfs []Metafield, args map[string]any) any {
	ns, _ := args["namespace"].(string)
	key, _ := args["key"].(string)
	for _, m := range mfs {
		if m.Namespace == ns && m.Key == key {
			return obj{"namespace": m.Namespace, "key": m.Key, "type": m.Type, "value": m.Value}
		}
	}
	return nil
}

func (s *Server) variantObj(p *Product, v Variant) obj {
	var cmp any
	if v.CompareAtPrice != nil {
		cmp = money(*v.CompareAtPrice)
	}
	return obj{
		"__typename": "ProductVariant", "id": v.ID, "sku": v.SKU, "barcode": v.Barcode,
		"price": money(v.Price), "compareAtPrice": cmp,
		"inventoryItem": obj{"__typename": "InventoryItem", "id": v.InventoryItemID, "sku": v.SKU, "tracked": !v.Untracked,
			"inventoryLevel": lazy(func(args map[string]any) any { return s.levelObj(v.InventoryItemID, str(args["locationId"])) })},
		"product": lazy(func(map[string]any) any { return s.productObj(p) }),
	}
}

// levelObj is the InventoryLevel of item at loc, nil when the item is not stocked there.
func (s *Server) levelObj(item, loc string) any {
	q, ok := s.st.inventory[item][loc]
	if !ok {
		return nil
	}
	return obj{"__typename": "InventoryLevel", "id": "gid://shopify/InventoryLevel/" + item + "?location=" + loc, "isActive": true,
		"quantities": lazy(func(args map[string]any) any {
			var out []obj
			for _, name := range strs(args["names"]) {
				n := 0
				if name == "available" || name == "on_hand" {
					n = q
				}
				out = append(out, obj{"__typename": "InventoryQuantity", "name": name, "quantity": n})
			}
			return out
		})}
}

// DeleteProduct deletes a product as the merchant does in the Shopify admin: its variants'
// inventory goes with it, and so do the media only it showed (a file another product shows
// stays). It reports whether the product existed.
func (s *Server) DeleteProduct(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.st.products, func(p *Product) bool { return p.ID == id })
	if i < 0 {
		return false
	}
	p := s.st.products[i]
	s.st.products = slices.Delete(s.st.products, i, i+1)
	for _, v := range p.Variants {
		delete(s.st.inventory, v.InventoryItemID)
	}
	for _, m := range p.Metafields {
		if key := metafieldKey(m.Namespace, m.Key, m.Value); s.st.byMetafield[key] == p {
			delete(s.st.byMetafield, key)
		}
	}
	for _, m := range p.Media {
		if !slices.ContainsFunc(s.st.products, func(o *Product) bool { return slices.Contains(o.Media, m) }) {
			delete(s.st.files, m)
		}
	}
	return true
}

// EditProduct changes a product as the merchant does by hand (fn edits it in place: Status,
// Title, a variant's Price) and reports whether it existed.
func (s *Server) EditProduct(id string, fn func(p *Product)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.product(id)
	if p == nil {
		return false
	}
	fn(p)
	p.UpdatedAt = s.now()
	return true
}

// SetInventoryLevel sets the "available" quantity of an inventory item at a location, as a sale
// or the merchant does.
func (s *Server) SetInventoryLevel(item, location string, available int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLevel(item, location, available)
}

func (s *Server) locationObj(l *Location) obj {
	return obj{"__typename": "Location", "id": l.ID, "name": l.Name, "isActive": l.Active, "fulfillsOnlineOrders": l.FulfillsOnline}
}

// skuQuery parses `sku:ABC`, `sku:"A B"` and OR-ed terms.
func skuQuery(q string) []string {
	var out []string
	for _, term := range strings.Split(q, " OR ") {
		term = strings.TrimSpace(term)
		term = strings.Trim(term, "()")
		if v, ok := strings.CutPrefix(term, "sku:"); ok {
			v = strings.Trim(v, `"'`)
			v = strings.ReplaceAll(v, `\"`, `"`)
			out = append(out, v)
		}
	}
	return out
}
