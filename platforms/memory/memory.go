// Package memory is an in-memory platforms.Storefront: the demo shop of `connector demo` and the
// storefront of the listing tests. It records every call, so tests can count requests per
// batch, and can be told to fail chosen items.
package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/intcomex-connector/connector/platforms"
)

// DefaultBatchSize is the batch size when Config.BatchSize is zero.
const DefaultBatchSize = 100

// Config configures a Storefront.
type Config struct {
	BatchSize      int
	BulkOperations bool
	CostThrottle   bool
}

// Call is one recorded call: the method name ("UpsertProducts", "UpdateStock", ...) and the
// SKUs (or category/brand ids) it carried.
type Call struct {
	Method string
	Items  []string
}

// Product is a product as the memory storefront holds it.
type Product struct {
	platforms.ProductInput
	Published bool // false after Unpublish
}

// Storefront is the in-memory storefront. The zero value is not usable; call New.
type Storefront struct {
	cfg Config

	mu         sync.Mutex
	nextID     int
	products   map[string]*Product // by product id
	bySKU      map[string]string   // SKU → product id
	categories map[string]string   // IWS category id → storefront id
	brands     map[string]string
	calls      []Call
	failures   map[string]error // SKU → error injected into every item call for it
	check      checkAnswer      // what Check answers (check.go)

	ordersOnce sync.Once
	orders     *orderBook // the order half, made on first use
}

var (
	_ platforms.Storefront = (*Storefront)(nil)
	_ platforms.Orders     = (*Storefront)(nil)
	_ platforms.Webhooks   = (*Storefront)(nil)
)

// New returns an empty storefront.
func New(cfg Config) *Storefront {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	return &Storefront{
		cfg:        cfg,
		products:   map[string]*Product{},
		bySKU:      map[string]string{},
		categories: map[string]string{},
		brands:     map[string]string{},
		failures:   map[string]error{},
	}
}

// Capabilities implements platforms.Storefront.
func (s *Storefront) Capabilities() platforms.Capabilities {
	return platforms.Capabilities{BatchSize: s.cfg.BatchSize, BulkOperations: s.cfg.BulkOperations, CostThrottle: s.cfg.CostThrottle}
}

// FailSKU makes every later item operation on sku fail with err; a nil err clears it.
func (s *Storefront) FailSKU(sku string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		delete(s.failures, sku)
		return
	}
	s.failures[sku] = err
}

// Calls returns a copy of every call recorded so far.
func (s *Storefront) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		out[i] = Call{Method: c.Method, Items: slices.Clone(c.Items)}
	}
	return out
}

// CountCalls returns how many calls of method were made ("" counts every method).
func (s *Storefront) CountCalls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			n++
		}
	}
	return n
}

// ResetCalls forgets the recorded calls.
func (s *Storefront) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// Product returns a copy of the product with this SKU.
func (s *Storefront) Product(sku string) (Product, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.bySKU[sku]
	if !ok {
		return Product{}, false
	}
	return clone(s.products[id]), true
}

// Products returns a copy of every product, by SKU.
func (s *Storefront) Products() map[string]Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Product, len(s.bySKU))
	for sku, id := range s.bySKU {
		out[sku] = clone(s.products[id])
	}
	return out
}

func clone(p *Product) Product {
	c := *p
	c.Images = slices.Clone(p.Images)
	c.CategoryPath = slices.Clone(p.CategoryPath)
	c.Attributes = maps.Clone(p.Attributes)
	c.Meta = maps.Clone(p.Meta)
	return c
}

// begin records a call and checks its size; the caller holds s.mu.
func (s *Storefront) begin(ctx context.Context, method string, items []string) error {
	return s.beginN(ctx, method, items, len(items))
}

// beginN is begin for a call of n items that records other ids (EnsureCategories: n paths, the
// ids of every node of them).
func (s *Storefront) beginN(ctx context.Context, method string, items []string, n int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.calls = append(s.calls, Call{Method: method, Items: items})
	if n > s.cfg.BatchSize {
		return fmt.Errorf("memory: %s: %d items, batch size is %d: %w", method, n, s.cfg.BatchSize, platforms.ErrInvalid)
	}
	return nil
}

func (s *Storefront) newID(prefix string) string {
	s.nextID++
	return prefix + strconv.Itoa(s.nextID)
}

// EnsureCategories implements platforms.Storefront.
func (s *Storefront) EnsureCategories(ctx context.Context, paths []platforms.CategoryPath) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, p := range paths {
		for _, n := range p {
			ids = append(ids, n.ID)
		}
	}
	// The batch is the paths: listing sends at most a batch of products' paths per call, each
	// path root to leaf.
	if err := s.beginN(ctx, "EnsureCategories", ids, len(paths)); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range paths {
		for _, n := range p {
			if n.ID == "" {
				return nil, fmt.Errorf("memory: category without id: %w", platforms.ErrInvalid)
			}
			id, ok := s.categories[n.ID]
			if !ok {
				id = s.newID("cat-")
				s.categories[n.ID] = id
			}
			out[n.ID] = id
		}
	}
	return out, nil
}

// EnsureBrands implements platforms.Storefront.
func (s *Storefront) EnsureBrands(ctx context.Context, brands []platforms.Brand) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, len(brands))
	for i, b := range brands {
		ids[i] = b.ID
	}
	if err := s.begin(ctx, "EnsureBrands", ids); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, b := range brands {
		if b.ID == "" {
			return nil, fmt.Errorf("memory: brand without id: %w", platforms.ErrInvalid)
		}
		id, ok := s.brands[b.ID]
		if !ok {
			id = s.newID("brand-")
			s.brands[b.ID] = id
		}
		out[b.ID] = id
	}
	return out, nil
}

// find returns the product a ref points at, or a per-item error; the caller holds s.mu.
func (s *Storefront) find(ref platforms.ProductRef) (*Product, error) {
	if err := s.failures[ref.SKU]; err != nil {
		return nil, err
	}
	p, ok := s.products[ref.ProductID]
	if !ok || ref.ProductID == "" {
		return nil, fmt.Errorf("memory: product %q: %w", ref.ProductID, platforms.ErrNotFound)
	}
	if p.Ref.SKU != ref.SKU {
		return nil, fmt.Errorf("memory: product %s has SKU %q, not %q: %w", ref.ProductID, p.Ref.SKU, ref.SKU, platforms.ErrInvalid)
	}
	return p, nil
}

func refSKUs[T any](items []T, ref func(T) platforms.ProductRef) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = ref(it).SKU
	}
	return out
}

// UpsertProducts implements platforms.Storefront.
func (s *Storefront) UpsertProducts(ctx context.Context, products []platforms.ProductInput) ([]platforms.ItemResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "UpsertProducts", refSKUs(products, func(p platforms.ProductInput) platforms.ProductRef { return p.Ref })); err != nil {
		return nil, err
	}
	out := make([]platforms.ItemResult, len(products))
	for i, in := range products {
		out[i].Ref = in.Ref
		if err := validInput(in); err != nil {
			out[i].Err = err
			continue
		}
		if in.Ref.ProductID == "" {
			if err := s.failures[in.Ref.SKU]; err != nil {
				out[i].Err = err
				continue
			}
			if _, dup := s.bySKU[in.Ref.SKU]; dup {
				out[i].Err = fmt.Errorf("memory: SKU %q exists: %w", in.Ref.SKU, platforms.ErrInvalid)
				continue
			}
			in.Ref.ProductID = s.newID("p-")
			in.Ref.VariantID = s.newID("v-")
			in.Ref.InventoryItemID = s.newID("i-")
			s.bySKU[in.Ref.SKU] = in.Ref.ProductID
		} else {
			p, err := s.find(in.Ref)
			if err != nil {
				out[i].Err = err
				continue
			}
			in.Ref = p.Ref // the storefront's ids win
		}
		p := &Product{ProductInput: in, Published: true}
		*p = clone(p)
		s.products[in.Ref.ProductID] = p
		out[i].Ref = in.Ref
	}
	return out, nil
}

func validInput(in platforms.ProductInput) error {
	switch {
	case in.Ref.SKU == "":
		return fmt.Errorf("memory: product without SKU: %w", platforms.ErrInvalid)
	case in.Title == "":
		return fmt.Errorf("memory: product %s without title: %w", in.Ref.SKU, platforms.ErrInvalid)
	case in.Price == "" || in.Currency == "":
		return fmt.Errorf("memory: product %s without price: %w", in.Ref.SKU, platforms.ErrInvalid)
	case !in.Status.Valid():
		return fmt.Errorf("memory: product %s status %q: %w", in.Ref.SKU, in.Status, platforms.ErrInvalid)
	case in.Stock < 0:
		return fmt.Errorf("memory: product %s negative stock: %w", in.Ref.SKU, platforms.ErrInvalid)
	}
	return nil
}

// UpdateStock implements platforms.Storefront.
func (s *Storefront) UpdateStock(ctx context.Context, updates []platforms.StockUpdate) ([]platforms.ItemResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "UpdateStock", refSKUs(updates, func(u platforms.StockUpdate) platforms.ProductRef { return u.Ref })); err != nil {
		return nil, err
	}
	out := make([]platforms.ItemResult, len(updates))
	for i, u := range updates {
		out[i].Ref = u.Ref
		p, err := s.find(u.Ref)
		if err == nil && (u.Stock < 0 || !u.Status.Valid()) {
			err = fmt.Errorf("memory: stock %d status %q: %w", u.Stock, u.Status, platforms.ErrInvalid)
		}
		if err != nil {
			out[i].Err = err
			continue
		}
		p.ManageStock, p.Stock, p.Status = u.ManageStock, u.Stock, u.Status
		out[i].Ref = p.Ref
	}
	return out, nil
}

// UpdatePrices implements platforms.Storefront.
func (s *Storefront) UpdatePrices(ctx context.Context, updates []platforms.PriceUpdate) ([]platforms.ItemResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "UpdatePrices", refSKUs(updates, func(u platforms.PriceUpdate) platforms.ProductRef { return u.Ref })); err != nil {
		return nil, err
	}
	out := make([]platforms.ItemResult, len(updates))
	for i, u := range updates {
		out[i].Ref = u.Ref
		p, err := s.find(u.Ref)
		if err == nil && (u.Price == "" || u.Currency == "") {
			err = fmt.Errorf("memory: empty price: %w", platforms.ErrInvalid)
		}
		if err != nil {
			out[i].Err = err
			continue
		}
		p.Price, p.Currency = u.Price, u.Currency
		out[i].Ref = p.Ref
	}
	return out, nil
}

// Unpublish implements platforms.Storefront.
func (s *Storefront) Unpublish(ctx context.Context, refs []platforms.ProductRef) ([]platforms.ItemResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "Unpublish", refSKUs(refs, func(r platforms.ProductRef) platforms.ProductRef { return r })); err != nil {
		return nil, err
	}
	out := make([]platforms.ItemResult, len(refs))
	for i, r := range refs {
		out[i].Ref = r
		p, err := s.find(r)
		if err != nil {
			out[i].Err = err
			continue
		}
		p.Published = false
		out[i].Ref = p.Ref
	}
	return out, nil
}
