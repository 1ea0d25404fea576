package listing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// ProductSource pages through an IWS account's mirrored products in a stable order (keyset
// pagination: afterSKU is the last SKU of the previous page, "" to start). *store.Store is one
// (see StoreSource); tests may plug in their own.
type ProductSource interface {
	ProductsPage(ctx context.Context, accountID int64, afterSKU string, limit int) ([]*mirror.Product, error)
}

// StoreSource reads products from the store's mirror.
type StoreSource struct{ Store *store.Store }

// ProductsPage implements ProductSource.
func (s StoreSource) ProductsPage(ctx context.Context, accountID int64, afterSKU string, limit int) ([]*mirror.Product, error) {
	return s.Store.ProductsPage(ctx, accountID, afterSKU, limit, store.ProductFilter{})
}

// DefaultPageSize is how many products Plan reads per page.
const DefaultPageSize = 500

// Syncer computes and pushes a shop's listings. One Syncer serves any number of shops, but Plan
// and Push of one shop must not run concurrently with each other (the job queue's unique key per
// shop sees to it): both read a listing and write it back.
type Syncer struct {
	Store    *store.Store
	Products ProductSource // defaults to StoreSource{Store}
	PageSize int           // defaults to DefaultPageSize
	// ImageConcurrency is how many SetImages calls the image pass keeps in flight at most
	// (default DefaultImageConcurrency); it shrinks while the storefront answers 429 or 5xx.
	ImageConcurrency int
	// ImageSettle is how long an upload whose answer never came may still be running on the
	// storefront (default DefaultImageSettle): the image is looked for only after that, and
	// its product's images wait until then.
	ImageSettle time.Duration
	Logger      *slog.Logger
	Now         func() time.Time // defaults to time.Now
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Syncer) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// ChangeSet counts the changes pending for a shop after Plan, by kind, the products left out,
// by reason, and the products whose image list is to be attached (Images, whatever their kind).
type ChangeSet struct {
	Changes  map[Kind]int
	Excluded map[Reason]int
	Images   int
}

// Len is the number of pending changes (image lists apart).
func (c ChangeSet) Len() int {
	n := 0
	for _, v := range c.Changes {
		n += v
	}
	return n
}

// Plan computes the shop's change set from the mirror, page by page, and stores it in the
// listings table (pending_change with the desired document). Changes still pending from an
// earlier run are recomputed: a change that no longer applies is dropped.
func (s *Syncer) Plan(ctx context.Context, shopID int64) (ChangeSet, error) {
	shop, err := s.Store.Shop(ctx, shopID)
	if err != nil {
		return ChangeSet{}, fmt.Errorf("listing: plan: %w", err)
	}
	rules, err := margin.Rules(ctx, s.Store, shopID)
	if err != nil {
		return ChangeSet{}, fmt.Errorf("listing: plan: %w", err)
	}
	pricer, err := rules.Compile()
	if err != nil {
		return ChangeSet{}, fmt.Errorf("listing: plan shop %d: rules: %w", shopID, err)
	}
	source := s.Products
	if source == nil {
		source = StoreSource{Store: s.Store}
	}
	pageSize := s.PageSize
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	cs := ChangeSet{Changes: map[Kind]int{}, Excluded: map[Reason]int{}}
	// The SKUs of the mirror, to find listings whose product is gone: a set of strings, not
	// products, so 50,000 SKUs cost a few megabytes.
	seen := map[string]struct{}{}
	after := ""
	for {
		page, err := source.ProductsPage(ctx, shop.IWSAccountID, after, pageSize)
		if err != nil {
			return cs, fmt.Errorf("listing: plan: %w", err)
		}
		if len(page) == 0 {
			break
		}
		skus := make([]string, len(page))
		for i, p := range page {
			skus[i] = p.SKU
			seen[p.SKU] = struct{}{}
		}
		existing, err := s.Store.ListingsBySKU(ctx, shop.ID, skus)
		if err != nil {
			return cs, fmt.Errorf("listing: plan: %w", err)
		}
		var writes []store.Listing
		for _, p := range page {
			d, reason, err := Desire(shop, pricer, p)
			if err != nil {
				return cs, err
			}
			var desired *Desired
			if reason == "" {
				desired = &d
			} else {
				cs.Excluded[reason]++
			}
			l, ok := existing[p.SKU]
			if !ok {
				l = store.Listing{ShopID: shop.ID, SKU: p.SKU, State: store.ListingPending}
			}
			if w, changed := plan(l, ok, desired, &cs); changed {
				writes = append(writes, w)
			}
		}
		if err := s.Store.SaveListings(ctx, writes); err != nil {
			return cs, fmt.Errorf("listing: plan: %w", err)
		}
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].SKU
	}
	if err := s.sweepGone(ctx, shop.ID, seen, &cs); err != nil {
		return cs, err
	}
	s.logger().InfoContext(ctx, "listing: planned", "shop", shop.ID, "changes", cs.Len())
	return cs, nil
}

// sweepGone plans the unpublishing of listings whose SKU is no longer in the mirror.
func (s *Syncer) sweepGone(ctx context.Context, shopID int64, seen map[string]struct{}, cs *ChangeSet) error {
	var after int64
	for {
		page, err := s.Store.ListingsPage(ctx, shopID, after, DefaultPageSize)
		if err != nil {
			return fmt.Errorf("listing: plan: %w", err)
		}
		var writes []store.Listing
		for _, l := range page {
			if _, ok := seen[l.SKU]; ok {
				continue
			}
			cs.Excluded[ReasonGone]++
			if w, changed := plan(l, true, nil, cs); changed {
				writes = append(writes, w)
			}
		}
		if err := s.Store.SaveListings(ctx, writes); err != nil {
			return fmt.Errorf("listing: plan: %w", err)
		}
		if len(page) < DefaultPageSize {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// plan sets l's pending change for desired (nil: not to be listed), counts it in cs, and
// reports whether l must be written.
func plan(l store.Listing, exists bool, desired *Desired, cs *ChangeSet) (store.Listing, bool) {
	var hashes *Hashes
	if desired != nil {
		h := desired.Hashes()
		hashes = &h
	}
	kind := Classify(hashes, PushedOf(l))
	if kind != KindNone {
		cs.Changes[kind]++
	}
	next := l
	planImages(&next, desired)
	if next.DesiredImages != "" {
		cs.Images++
	}
	next.PendingChange = string(kind)
	next.Desired, next.DesiredContentHash, next.DesiredPriceHash, next.DesiredStockHash = "", "", "", ""
	if kind != KindNone && kind != KindUnpublish {
		b, err := json.Marshal(desired)
		if err != nil {
			panic(fmt.Sprintf("listing: encode desired: %v", err)) // plain data: cannot fail
		}
		next.Desired = string(b)
		next.DesiredContentHash, next.DesiredPriceHash, next.DesiredStockHash = hashes.Content, hashes.Price, hashes.Stock
	}
	if kind == KindNone && exists && l.ProductID == "" && l.State != store.ListingUnpublished {
		// Never created and no longer wanted: nothing on the storefront to take down.
		next.State = store.ListingUnpublished
	}
	if kind == KindNone && l.State == store.ListingError && desired != nil {
		// The failed change no longer applies: the storefront already shows what is desired.
		next.State = desired.State()
	}
	if !exists {
		return next, kind != KindNone
	}
	changed := next.PendingChange != l.PendingChange || next.State != l.State ||
		next.DesiredContentHash != l.DesiredContentHash || next.DesiredPriceHash != l.DesiredPriceHash ||
		next.DesiredStockHash != l.DesiredStockHash || next.Desired != l.Desired ||
		next.ImagesHash != l.ImagesHash || next.DesiredImages != l.DesiredImages
	return next, changed
}

// PushSummary counts what a Push did.
type PushSummary struct {
	Pushed map[Kind]int // items pushed successfully, by the kind of call that carried them
	Failed int          // items that failed (left pending with their error)
	Calls  int          // storefront calls made
	// Recreated products had been deleted on the storefront (a write found them gone) and were
	// created again in the same push, or adopted where the store held the SKU again; Adopted
	// items found their SKU on another storefront product than the one known (a create whose SKU
	// was taken, a write whose product was gone), which the listing follows from then on; Gone
	// unpublishes found the product already deleted and recorded it unpublished.
	Recreated, Adopted, Gone int
	Images                   ImageSummary // the image pass
	// ProductsTook is how long the product passes took: from the start of the push until
	// every product was live (created or updated, priced, stocked); ImagesTook how long the
	// image pass took after that.
	ProductsTook, ImagesTook time.Duration
}

// pass is one kind of storefront call of a push: the kinds of change it carries, the call, and
// what a success records in the listing.
type pass struct {
	kinds []Kind
	push  func(context.Context, []store.Listing) ([]platforms.ItemResult, error)
	done  func(l store.Listing, d Desired, ref platforms.ProductRef) store.Listing
	// partial passes write part of a product (price, stock, status); full ones all of it.
	partial bool
	// redo is the pass of the products found gone or moved: no second chance for them.
	redo bool
}

// Push sends the shop's pending changes through sf, in batches of sf.Capabilities().BatchSize:
// full upserts (create, update) first, then prices, prices with stock, stock and unpublishing;
// none of them carries images, so every product is live with its price, stock, category and
// attributes before the image pass (pushImages) attaches the images, several batches at once.
// Each item's outcome is recorded in its listing: storefront ids, pushed hashes, price, stock
// and state on success; the error, with the change left pending, on failure. A failed item never
// blocks the others. A failed call (the storefront down) is recorded on its items and ends the
// push with its error.
//
// A product deleted on the storefront (a write of it fails with platforms.ErrNotFound) is
// created again in the same push, whole (the adapters adopt a product that holds the SKU again),
// and its images attached again; an unpublish of it just records it unpublished. A write that
// found the SKU on another product than the one known follows that product and sends it whole.
// Each of these is recorded as a listing event.
func (s *Syncer) Push(ctx context.Context, shopID int64, sf platforms.Storefront) (PushSummary, error) {
	sum := PushSummary{Pushed: map[Kind]int{}}
	start := time.Now()
	batch := max(sf.Capabilities().BatchSize, 1)
	p := &pusher{s: s, sf: sf, shopID: shopID, sum: &sum, categories: map[string]string{}, brands: map[string]string{},
		redo: map[string]string{}}
	defer p.failures.log(ctx, s.logger(), shopID)
	passes := []pass{
		{kinds: []Kind{KindCreate, KindUpdate}, push: p.upsert, done: doneUpsert},
		{kinds: []Kind{KindPrice}, push: p.prices, done: donePrice, partial: true},
		{kinds: []Kind{KindPriceStock}, push: p.priceStock, done: donePriceStock, partial: true},
		{kinds: []Kind{KindStock}, push: p.stock, done: doneStock, partial: true},
		{kinds: []Kind{KindUnpublish}, push: p.unpublish, done: doneUnpublish, partial: true},
	}
	for _, ps := range passes {
		kinds := make([]string, len(ps.kinds))
		for i, k := range ps.kinds {
			kinds[i] = string(k)
		}
		var after int64
		for {
			page, err := s.Store.ListingsPage(ctx, shopID, after, batch, kinds...)
			if err != nil {
				return sum, fmt.Errorf("listing: push: %w", err)
			}
			if len(page) == 0 {
				break
			}
			after = page[len(page)-1].ID
			if err := p.apply(ctx, ps, page); err != nil {
				return sum, err
			}
			if len(page) < batch {
				break
			}
		}
	}
	if err := p.redoGone(ctx, batch); err != nil {
		return sum, err
	}
	sum.ProductsTook = time.Since(start)
	err := s.pushImages(ctx, shopID, sf, &sum)
	sum.ImagesTook = time.Since(start) - sum.ProductsTook
	if err != nil {
		return sum, fmt.Errorf("listing: push shop %d: images: %w", shopID, err)
	}
	return sum, nil
}

// apply sends one page of listings through ps and records each item's outcome, with the events
// that explain the unusual ones, in one transaction.
func (p *pusher) apply(ctx context.Context, ps pass, page []store.Listing) error {
	s, sum := p.s, p.sum
	sum.Calls++
	results, callErr := ps.push(ctx, page)
	if callErr == nil && len(results) != len(page) {
		callErr = fmt.Errorf("storefront returned %d results for %d items", len(results), len(page))
	}
	if callErr != nil && ctx.Err() != nil {
		// The run was stopped (Ctrl-C, a stopping service), not failed by the shop: the items keep
		// their pending change as it was, with no error, and the next run sends them again (a
		// create the store had made by then is adopted by its SKU).
		return fmt.Errorf("listing: push shop %d: %w", p.shopID, callErr)
	}
	now := s.now()
	writes := make([]store.Listing, len(page))
	var events []store.ListingEvent
	event := func(l store.Listing, kind, format string, args ...any) {
		events = append(events, store.ListingEvent{ShopID: p.shopID, SKU: l.SKU, Kind: kind, Detail: fmt.Sprintf(format, args...)})
	}
	for i, l := range page {
		itemErr := callErr
		if itemErr == nil {
			itemErr = results[i].Err
		}
		if itemErr != nil && callErr == nil && !ps.redo && l.ProductID != "" && errors.Is(itemErr, platforms.ErrNotFound) {
			next, err := p.gone(ctx, l, itemErr, event)
			if err != nil {
				return err
			}
			writes[i] = next
			continue
		}
		if itemErr != nil {
			sum.Failed++
			l.State, l.LastError, l.Attempts = store.ListingError, truncate(itemErr.Error(), 2000), l.Attempts+1
			p.failures.add(l.SKU, l.PendingChange, itemErr, callErr != nil)
			writes[i] = l
			continue
		}
		var d Desired
		if l.Desired != "" {
			if err := json.Unmarshal([]byte(l.Desired), &d); err != nil {
				return fmt.Errorf("listing: push %s: desired: %w", l.SKU, err)
			}
		}
		r := results[i]
		kind := Kind(l.PendingChange)
		sum.Pushed[kind]++
		old := l.ProductID
		moved := old != "" && r.Ref.ProductID != "" && r.Ref.ProductID != old
		l = ps.done(l, d, r.Ref)
		l.LastError, l.Attempts, l.PushedAt = "", 0, now
		switch gone, wasGone := p.redo[l.SKU]; {
		case ps.redo && wasGone && kind == KindCreate && r.Adopted:
			sum.Recreated++
			sum.Adopted++
			event(l, EventAdopted, "created again: product %s was deleted in the store, and product %s held the SKU: it is the listing's product now", gone, l.ProductID)
		case ps.redo && wasGone && kind == KindCreate:
			sum.Recreated++
			event(l, EventRecreated, "created again as product %s: product %s was deleted in the store", l.ProductID, gone)
		case r.Adopted:
			sum.Adopted++
			event(l, EventAdopted, "the store already had a product with this SKU (product %s): the connector took it over instead of creating one", l.ProductID)
		case moved:
			sum.Adopted++
			event(l, EventAdopted, "%s: product %s was gone from the store and product %s holds the SKU: it is the listing's product now", kind, old, l.ProductID)
			if ps.partial && kind != KindUnpublish {
				// Only part of the product went to the one found: send it whole.
				l = wholeAgain(l, d)
				p.redo[l.SKU] = old
			}
		}
		writes[i] = l
	}
	if err := s.Store.SaveListingChanges(ctx, writes, events); err != nil {
		return fmt.Errorf("listing: push: %w", err)
	}
	if callErr != nil {
		return fmt.Errorf("listing: push shop %d: %w", p.shopID, callErr)
	}
	return nil
}

// gone handles a write whose storefront product was deleted (ErrNotFound): an unpublish is done
// (there is nothing left to take off sale); any other change becomes a create of the whole
// product, which redoGone sends in the same push. Either way the listing forgets the product and
// what was pushed to it, and the images the platform deleted with it.
func (p *pusher) gone(ctx context.Context, l store.Listing, cause error, event func(store.Listing, string, string, ...any)) (store.Listing, error) {
	old, kind := l.ProductID, Kind(l.PendingChange)
	p.s.logger().InfoContext(ctx, "listing: storefront product gone", "shop", p.shopID, "sku", l.SKU, "product", old, "change", kind, "err", cause)
	next, err := p.s.forgetProduct(ctx, p.shopID, l, p.sf.Capabilities())
	if err != nil {
		return l, err
	}
	next.LastError, next.Attempts = "", 0
	switch {
	case kind == KindUnpublish:
		p.sum.Gone++
		next.State = store.ListingUnpublished
		event(next, EventGone, "unpublish: product %s was already deleted in the store; recorded as unpublished", old)
		return clearPending(next), nil
	case next.Desired == "":
		// Nothing to create it from here: the next plan sees no product and creates it.
		next.State = store.ListingPending
		event(next, EventGone, "%s: product %s was deleted in the store; the next sync creates it again", kind, old)
		return clearPending(next), nil
	}
	next.PendingChange, next.State = string(KindCreate), store.ListingPending
	p.redo[next.SKU] = old
	event(next, EventGone, "%s: product %s was deleted in the store (%s); creating it again", kind, old, truncate(cause.Error(), 300))
	return next, nil
}

// wholeAgain makes l, just written in part to a product found by its SKU, an update of the
// whole product d with its images: what was pushed to the product it replaced says nothing
// about this one.
func wholeAgain(l store.Listing, d Desired) store.Listing {
	h := d.Hashes()
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("listing: encode desired: %v", err)) // plain data: cannot fail
	}
	l.PendingChange, l.Desired = string(KindUpdate), string(b)
	l.DesiredContentHash, l.DesiredPriceHash, l.DesiredStockHash = h.Content, h.Price, h.Stock
	l.ContentHash = ""
	l.ImagesHash, l.DesiredImages = "", ""
	if urls := imageURLs(d.Images); len(urls) > 0 {
		l.DesiredImages = encodePending(urls, d.Title)
	}
	return l
}

// redoGone sends, whole, the products found gone (created again) or moved (updated) by the
// passes, in batches.
func (p *pusher) redoGone(ctx context.Context, batch int) error {
	if len(p.redo) == 0 {
		return nil
	}
	skus := make([]string, 0, len(p.redo))
	for sku := range p.redo {
		skus = append(skus, sku)
	}
	slices.Sort(skus)
	redo := pass{kinds: []Kind{KindCreate, KindUpdate}, push: p.upsert, done: doneUpsert, redo: true}
	for start := 0; start < len(skus); start += batch {
		found, err := p.s.Store.ListingsBySKU(ctx, p.shopID, skus[start:min(start+batch, len(skus))])
		if err != nil {
			return fmt.Errorf("listing: push: %w", err)
		}
		var page []store.Listing
		for _, sku := range skus[start:min(start+batch, len(skus))] {
			if l, ok := found[sku]; ok && (l.PendingChange == string(KindCreate) || l.PendingChange == string(KindUpdate)) {
				page = append(page, l)
			}
		}
		if len(page) == 0 {
			continue
		}
		if err := p.apply(ctx, redo, page); err != nil {
			return err
		}
	}
	return nil
}

// forgetProduct returns l without its storefront product: no ids, nothing pushed to it, no
// images attached; the shop's image map forgets what the platform deleted with the product.
func (s *Syncer) forgetProduct(ctx context.Context, shopID int64, l store.Listing, caps platforms.Capabilities) (store.Listing, error) {
	if _, err := s.Store.ForgetListingImages(ctx, shopID, l.SKU, caps.MediaDeletedWithProduct); err != nil {
		return l, fmt.Errorf("listing: %w", err)
	}
	l.ProductID, l.VariantID, l.InventoryItemID = "", "", ""
	l.ContentHash, l.PriceHash, l.StockHash = "", "", ""
	l.ImagesHash, l.DesiredImages = "", ""
	l.Price, l.Currency, l.Stock = decimal.NullDecimal{}, "", 0
	return l, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func ref(l store.Listing) platforms.ProductRef {
	return platforms.ProductRef{SKU: l.SKU, ProductID: l.ProductID, VariantID: l.VariantID, InventoryItemID: l.InventoryItemID}
}

func setRef(l store.Listing, r platforms.ProductRef) store.Listing {
	if r.ProductID != "" {
		l.ProductID, l.VariantID, l.InventoryItemID = r.ProductID, r.VariantID, r.InventoryItemID
	}
	return l
}

func clearPending(l store.Listing) store.Listing {
	l.PendingChange, l.Desired = "", ""
	l.DesiredContentHash, l.DesiredPriceHash, l.DesiredStockHash = "", "", ""
	return l
}

func setPrice(l store.Listing, d Desired) store.Listing {
	l.PriceHash, l.Currency = l.DesiredPriceHash, d.Currency
	l.Price = decimal.NullDecimal{}
	if p, err := decimal.NewFromString(d.Price); err == nil {
		l.Price = decimal.NewNullDecimal(p)
	}
	// A desired document from before the cost was recorded keeps the basis there was.
	if c, err := decimal.NewFromString(d.Cost); err == nil {
		l.CostBasis = decimal.NewNullDecimal(c)
	}
	return l
}

// doneUpsert records a create or update. A product new on the storefront (created, or found
// under another id) has no images yet: its whole image list becomes pending.
func doneUpsert(l store.Listing, d Desired, r platforms.ProductRef) store.Listing {
	if r.ProductID != "" && r.ProductID != l.ProductID {
		l.ImagesHash, l.DesiredImages = "", ""
		if urls := imageURLs(d.Images); len(urls) > 0 {
			l.DesiredImages = encodePending(urls, d.Title)
		}
	}
	l = setRef(l, r)
	l = setPrice(l, d)
	l.ContentHash, l.StockHash, l.Stock, l.State = l.DesiredContentHash, l.DesiredStockHash, d.Stock, d.State()
	return clearPending(l)
}

func donePrice(l store.Listing, d Desired, r platforms.ProductRef) store.Listing {
	l = setPrice(setRef(l, r), d)
	l.State = d.State()
	return clearPending(l)
}

func donePriceStock(l store.Listing, d Desired, r platforms.ProductRef) store.Listing {
	l = setPrice(setRef(l, r), d)
	l.StockHash, l.Stock, l.State = l.DesiredStockHash, d.Stock, d.State()
	return clearPending(l)
}

func doneStock(l store.Listing, d Desired, r platforms.ProductRef) store.Listing {
	l = setRef(l, r)
	l.StockHash, l.Stock, l.State = l.DesiredStockHash, d.Stock, d.State()
	return clearPending(l)
}

// doneUnpublish forgets the pushed hashes, so that publishing again sends the whole product.
func doneUnpublish(l store.Listing, _ Desired, r platforms.ProductRef) store.Listing {
	l = setRef(l, r)
	l.State = store.ListingUnpublished
	l.ContentHash, l.PriceHash, l.StockHash = "", "", ""
	return clearPending(l)
}

type pusher struct {
	s          *Syncer
	sf         platforms.Storefront
	shopID     int64
	sum        *PushSummary
	categories map[string]string // IWS category id → storefront id, for this push
	brands     map[string]string
	// redo holds the SKUs to send whole once the passes are done (redoGone), with the id of the
	// storefront product that was gone.
	redo map[string]string
	// failures are logged once per run and kind of failure, when the push ends.
	failures pushFailures
}

func decode(page []store.Listing) ([]Desired, error) {
	out := make([]Desired, len(page))
	for i, l := range page {
		if err := json.Unmarshal([]byte(l.Desired), &out[i]); err != nil {
			return nil, fmt.Errorf("listing: %s: desired: %w", l.SKU, err)
		}
	}
	return out, nil
}

func (p *pusher) upsert(ctx context.Context, page []store.Listing) ([]platforms.ItemResult, error) {
	ds, err := decode(page)
	if err != nil {
		return nil, err
	}
	var paths []platforms.CategoryPath
	var brands []platforms.Brand
	wantPath, wantBrand := map[string]bool{}, map[string]bool{}
	for _, d := range ds {
		if leaf := d.CategoryPath.Leaf().ID; leaf != "" && p.categories[leaf] == "" && !wantPath[leaf] {
			wantPath[leaf] = true
			paths = append(paths, d.CategoryPath)
		}
		if id := d.Brand.ID; id != "" && p.brands[id] == "" && !wantBrand[id] {
			wantBrand[id] = true
			brands = append(brands, d.Brand)
		}
	}
	if len(paths) > 0 {
		p.sum.Calls++
		ids, err := p.sf.EnsureCategories(ctx, paths)
		if err != nil {
			return nil, fmt.Errorf("ensure categories: %w", err)
		}
		for k, v := range ids {
			p.categories[k] = v
		}
	}
	if len(brands) > 0 {
		p.sum.Calls++
		ids, err := p.sf.EnsureBrands(ctx, brands)
		if err != nil {
			return nil, fmt.Errorf("ensure brands: %w", err)
		}
		for k, v := range ids {
			p.brands[k] = v
		}
	}
	in := make([]platforms.ProductInput, len(ds))
	for i, d := range ds {
		in[i] = platforms.ProductInput{
			Ref: ref(page[i]), Title: d.Title, Description: d.Description, Price: d.Price, Currency: d.Currency,
			ManageStock: d.ManageStock, Stock: d.Stock, Status: d.Status,
			CategoryID: p.categories[d.CategoryPath.Leaf().ID], CategoryPath: d.CategoryPath,
			BrandID: p.brands[d.Brand.ID], Brand: d.Brand, Attributes: d.Attributes,
			WeightKg: d.WeightKg, LengthCm: d.LengthCm, WidthCm: d.WidthCm, HeightCm: d.HeightCm, Meta: d.Meta,
		}
	}
	return p.sf.UpsertProducts(ctx, in)
}

func (p *pusher) prices(ctx context.Context, page []store.Listing) ([]platforms.ItemResult, error) {
	ds, err := decode(page)
	if err != nil {
		return nil, err
	}
	in := make([]platforms.PriceUpdate, len(ds))
	for i, d := range ds {
		in[i] = platforms.PriceUpdate{Ref: ref(page[i]), Price: d.Price, Currency: d.Currency}
	}
	return p.sf.UpdatePrices(ctx, in)
}

func (p *pusher) priceStock(ctx context.Context, page []store.Listing) ([]platforms.ItemResult, error) {
	ds, err := decode(page)
	if err != nil {
		return nil, err
	}
	in := make([]platforms.PriceStockUpdate, len(ds))
	for i, d := range ds {
		in[i] = platforms.PriceStockUpdate{Ref: ref(page[i]), Price: d.Price, Currency: d.Currency,
			ManageStock: d.ManageStock, Stock: d.Stock, Status: d.Status}
	}
	return p.sf.UpdatePriceStock(ctx, in)
}

func (p *pusher) stock(ctx context.Context, page []store.Listing) ([]platforms.ItemResult, error) {
	ds, err := decode(page)
	if err != nil {
		return nil, err
	}
	in := make([]platforms.StockUpdate, len(ds))
	for i, d := range ds {
		in[i] = platforms.StockUpdate{Ref: ref(page[i]), ManageStock: d.ManageStock, Stock: d.Stock, Status: d.Status}
	}
	return p.sf.UpdateStock(ctx, in)
}

func (p *pusher) unpublish(ctx context.Context, page []store.Listing) ([]platforms.ItemResult, error) {
	in := make([]platforms.ProductRef, len(page))
	for i, l := range page {
		in[i] = ref(l)
	}
	return p.sf.Unpublish(ctx, in)
}

// Sync plans the shop's change set and pushes it.
func (s *Syncer) Sync(ctx context.Context, shopID int64, sf platforms.Storefront) (ChangeSet, PushSummary, error) {
	cs, err := s.Plan(ctx, shopID)
	if err != nil {
		return cs, PushSummary{}, err
	}
	sum, err := s.Push(ctx, shopID, sf)
	return cs, sum, err
}
