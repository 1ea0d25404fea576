// Package memory is an in-memory platforms.Storefront: the demo shop of `connector demo` and the
// storefront of the listing tests. It records every call, so tests can count requests per
// batch, and can be told to fail chosen items.
package memory

import (
	"context"
	"errors"
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
	// ImageBatchSize is Capabilities().ImageBatchSize (default BatchSize).
	ImageBatchSize int
	// NoDeleteMedia makes the storefront behave like WooCommerce with consumer keys: media
	// cannot be deleted (Capabilities().DeleteMedia false, DeleteMedia fails).
	NoDeleteMedia bool
	// MediaDeletedWithProduct makes DeleteProduct behave like Shopify: the media only the
	// deleted product showed are deleted with it (Capabilities().MediaDeletedWithProduct).
	MediaDeletedWithProduct bool
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
	Published bool              // false after Unpublish
	Images    []platforms.Image // what SetImages set last: URL and media id of each
}

// Media is an uploaded image.
type Media struct {
	ID  string
	URL string // the source it was uploaded from
	Tag string // platforms.ImageTag(URL)
	Alt string
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
	imageFails map[string]error // SKU → error injected into SetImages only
	media      map[string]*Media
	uploads    map[string]int // image URL → times uploaded
	lost       map[string]int // method → calls still to apply and then fail (LoseAnswers)
	// hold, while set (HoldImages), blocks SetImages until it is closed; holdStarted hears of
	// each call that waits.
	hold        chan struct{}
	holdStarted chan struct{}
	// imageCalls is how many SetImages calls are running; maxImageCalls the most seen at once.
	imageCalls, maxImageCalls int

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
		imageFails: map[string]error{},
		media:      map[string]*Media{},
		uploads:    map[string]int{},
		lost:       map[string]int{},
	}
}

// Capabilities implements platforms.Storefront.
func (s *Storefront) Capabilities() platforms.Capabilities {
	imageBatch := s.cfg.ImageBatchSize
	if imageBatch <= 0 || imageBatch > s.cfg.BatchSize {
		imageBatch = s.cfg.BatchSize
	}
	return platforms.Capabilities{BatchSize: s.cfg.BatchSize, BulkOperations: s.cfg.BulkOperations, CostThrottle: s.cfg.CostThrottle,
		ImageBatchSize: imageBatch, DeleteMedia: !s.cfg.NoDeleteMedia, MediaDeletedWithProduct: s.cfg.MediaDeletedWithProduct}
}

// ErrAnswerLost is the call error of a call LoseAnswers made fail after it was applied.
var ErrAnswerLost = errors.New("memory: answer lost")

// LoseAnswers makes the next n calls of method apply what they carry and then fail with
// ErrAnswerLost, as a call whose answer never arrived (a timeout, Ctrl-C).
func (s *Storefront) LoseAnswers(method string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lost[method] = n
}

// loseAnswer reports whether this call of method must fail after being applied; the caller
// holds s.mu.
func (s *Storefront) loseAnswer(method string) bool {
	if s.lost[method] > 0 {
		s.lost[method]--
		return true
	}
	return false
}

// Uploads returns how many times each image URL was uploaded.
func (s *Storefront) Uploads() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.uploads)
}

// Media returns every media the storefront holds, by id.
func (s *Storefront) Media() map[string]Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Media, len(s.media))
	for id, m := range s.media {
		out[id] = *m
	}
	return out
}

// AddMedia adds an image as the merchant would upload it (untagged) and returns its id.
func (s *Storefront) AddMedia(url string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &Media{ID: s.newID("m-"), URL: url}
	s.media[m.ID] = m
	return m.ID
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

// FailImages makes every later SetImages item of sku fail with err (its product writes go
// through); a nil err clears it.
func (s *Storefront) FailImages(sku string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		delete(s.imageFails, sku)
		return
	}
	s.imageFails[sku] = err
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
			if id, dup := s.bySKU[in.Ref.SKU]; dup {
				// The SKU is taken: the product holding it is adopted, as the adapters do.
				in.Ref = s.products[id].Ref
				out[i].Adopted = true
			} else {
				in.Ref.ProductID = s.newID("p-")
				in.Ref.VariantID = s.newID("v-")
				in.Ref.InventoryItemID = s.newID("i-")
				s.bySKU[in.Ref.SKU] = in.Ref.ProductID
			}
		} else {
			p, err := s.find(in.Ref)
			if err != nil {
				out[i].Err = err
				continue
			}
			in.Ref = p.Ref // the storefront's ids win
		}
		p := &Product{ProductInput: in, Published: true}
		if old := s.products[in.Ref.ProductID]; old != nil {
			p.Images = old.Images // an update keeps the product's images
		}
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

// UpdatePriceStock implements platforms.Storefront.
func (s *Storefront) UpdatePriceStock(ctx context.Context, updates []platforms.PriceStockUpdate) ([]platforms.ItemResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "UpdatePriceStock", refSKUs(updates, func(u platforms.PriceStockUpdate) platforms.ProductRef { return u.Ref })); err != nil {
		return nil, err
	}
	out := make([]platforms.ItemResult, len(updates))
	for i, u := range updates {
		out[i].Ref = u.Ref
		p, err := s.find(u.Ref)
		if err == nil && (u.Price == "" || u.Currency == "" || u.Stock < 0 || !u.Status.Valid()) {
			err = fmt.Errorf("memory: price %q %q stock %d status %q: %w", u.Price, u.Currency, u.Stock, u.Status, platforms.ErrInvalid)
		}
		if err != nil {
			out[i].Err = err
			continue
		}
		p.Price, p.Currency = u.Price, u.Currency
		p.ManageStock, p.Stock, p.Status = u.ManageStock, u.Stock, u.Status
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

// DeleteProduct deletes the product with this SKU, as a merchant would in the shop's admin,
// and reports whether there was one. With Config.MediaDeletedWithProduct the media only it
// showed are deleted too.
func (s *Storefront) DeleteProduct(sku string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.bySKU[sku]
	if !ok {
		return false
	}
	p := s.products[id]
	delete(s.products, id)
	delete(s.bySKU, sku)
	if s.cfg.MediaDeletedWithProduct {
		shown := map[string]bool{}
		for _, other := range s.products {
			for _, im := range other.Images {
				shown[im.MediaID] = true
			}
		}
		for _, im := range p.Images {
			if !shown[im.MediaID] {
				delete(s.media, im.MediaID)
			}
		}
	}
	return true
}

// EditProduct changes the product with this SKU as a merchant would by hand (fn edits it in
// place: price, stock, status, Published) and reports whether there was one.
func (s *Storefront) EditProduct(sku string, fn func(p *Product)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.bySKU[sku]
	if !ok {
		return false
	}
	fn(s.products[id])
	return true
}

// ListProducts implements platforms.Storefront: products by SKU, cursor the last SKU of the
// previous page, at most BatchSize a page.
func (s *Storefront) ListProducts(ctx context.Context, cursor string, limit int) (platforms.ProductPage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.beginN(ctx, "ListProducts", nil, 0); err != nil {
		return platforms.ProductPage{}, err
	}
	if limit <= 0 {
		return platforms.ProductPage{}, fmt.Errorf("memory: ListProducts: limit %d: %w", limit, platforms.ErrInvalid)
	}
	limit = min(limit, s.cfg.BatchSize)
	skus := make([]string, 0, len(s.bySKU))
	for sku := range s.bySKU {
		if sku > cursor {
			skus = append(skus, sku)
		}
	}
	slices.Sort(skus)
	var page platforms.ProductPage
	if len(skus) > limit {
		skus = skus[:limit]
		page.Next = skus[limit-1]
	}
	for _, sku := range skus {
		p := s.products[s.bySKU[sku]]
		lp := platforms.ListedProduct{Ref: p.Ref, Title: p.Title, Price: p.Price, ManageStock: p.ManageStock,
			Published: p.Published, Status: p.Status}
		if p.ManageStock {
			lp.Stock = p.Stock
		}
		page.Products = append(page.Products, lp)
	}
	return page, nil
}

// HoldImages makes every later SetImages call wait, once it has recorded its call, until the
// returned release is called; started receives one value per call that waits. Tests use it to
// interrupt a push in the middle of an image batch.
func (s *Storefront) HoldImages() (started <-chan struct{}, release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hold := make(chan struct{})
	st := make(chan struct{}, 64)
	s.hold = hold
	s.holdStarted = st
	var once sync.Once
	return st, func() {
		once.Do(func() {
			s.mu.Lock()
			s.hold, s.holdStarted = nil, nil
			s.mu.Unlock()
			close(hold)
		})
	}
}

// MaxConcurrentImageCalls is the most SetImages calls that ran at once.
func (s *Storefront) MaxConcurrentImageCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxImageCalls
}

// SetImages implements platforms.Storefront.
func (s *Storefront) SetImages(ctx context.Context, sets []platforms.ImageSet) ([]platforms.ImageResult, error) {
	s.mu.Lock()
	if err := s.beginN(ctx, "SetImages", refSKUs(sets, func(x platforms.ImageSet) platforms.ProductRef { return x.Ref }), 0); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if n := s.Capabilities().ImageBatchSize; len(sets) > n {
		s.mu.Unlock()
		return nil, fmt.Errorf("memory: SetImages: %d sets, image batch size is %d: %w", len(sets), n, platforms.ErrInvalid)
	}
	s.imageCalls++
	s.maxImageCalls = max(s.maxImageCalls, s.imageCalls)
	defer func() {
		s.mu.Lock()
		s.imageCalls--
		s.mu.Unlock()
	}()
	if hold := s.hold; hold != nil {
		select {
		case s.holdStarted <- struct{}{}:
		default:
		}
		s.mu.Unlock()
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		s.mu.Lock()
	}
	defer s.mu.Unlock() // before the deferred count above

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]platforms.ImageResult, len(sets))
	for i, set := range sets {
		out[i].Ref = set.Ref
		p, err := s.find(set.Ref)
		if err == nil {
			err = s.imageFails[set.Ref.SKU]
		}
		if err != nil {
			out[i].Err = err
			continue
		}
		ids := make([]string, len(set.Images))
		var images []platforms.Image
		for j, im := range set.Images {
			switch {
			case im.MediaID != "" && s.media[im.MediaID] == nil && im.URL == "":
				err = fmt.Errorf("memory: media %s: %w", im.MediaID, platforms.ErrNotFound)
			case im.MediaID != "" && s.media[im.MediaID] != nil:
				ids[j] = im.MediaID
			case im.URL == "":
				err = fmt.Errorf("memory: image without URL or media id: %w", platforms.ErrInvalid)
			}
			if err != nil {
				break
			}
			if ids[j] == "" {
				m := &Media{ID: s.newID("m-"), URL: im.URL, Tag: platforms.ImageTag(im.URL), Alt: set.Alt}
				s.media[m.ID] = m
				s.uploads[im.URL]++
				ids[j] = m.ID
			}
			images = append(images, platforms.Image{URL: im.URL, MediaID: ids[j]})
		}
		if err != nil {
			out[i].Err = err
			continue
		}
		p.Images = images
		out[i].Ref, out[i].MediaIDs = p.Ref, ids
	}
	if s.loseAnswer("SetImages") {
		return nil, ErrAnswerLost
	}
	return out, nil
}

// FindImages implements platforms.Storefront.
func (s *Storefront) FindImages(ctx context.Context, queries []platforms.ImageQuery) ([]platforms.ImageResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "FindImages", refSKUs(queries, func(q platforms.ImageQuery) platforms.ProductRef { return q.Ref })); err != nil {
		return nil, err
	}
	out := make([]platforms.ImageResult, len(queries))
	for i, q := range queries {
		out[i].Ref = q.Ref
		if q.Ref.ProductID == "" {
			q.Ref.ProductID = s.bySKU[q.Ref.SKU]
		}
		p, err := s.find(q.Ref)
		if err != nil {
			out[i].Err = err
			continue
		}
		byTag := map[string]string{}
		for _, im := range p.Images {
			if m := s.media[im.MediaID]; m != nil && m.Tag != "" {
				byTag[m.Tag] = m.ID
			}
		}
		out[i].MediaIDs = make([]string, len(q.URLs))
		for j, u := range q.URLs {
			out[i].MediaIDs[j] = byTag[platforms.ImageTag(u)]
		}
		out[i].Ref = p.Ref
	}
	return out, nil
}

// DeleteMedia implements platforms.Storefront.
func (s *Storefront) DeleteMedia(ctx context.Context, ids []string) ([]platforms.MediaResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "DeleteMedia", slices.Clone(ids)); err != nil {
		return nil, err
	}
	if s.cfg.NoDeleteMedia {
		return nil, fmt.Errorf("memory: DeleteMedia: %w", platforms.ErrUnsupported)
	}
	out := make([]platforms.MediaResult, len(ids))
	for i, id := range ids {
		out[i].MediaID = id
		delete(s.media, id)
		for _, p := range s.products {
			p.Images = slices.DeleteFunc(p.Images, func(im platforms.Image) bool { return im.MediaID == id })
		}
	}
	return out, nil
}
