package listing

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// ProductSource pages through an IWS account's mirrored products in a stable order (keyset
// pagination: afterSKU is the last SKU of the previous page, "" to start). *store.Store is one
// (see StoreSource); tests may plug in their own.
type ProductSource interface {
	ProductsPage(ctx context.Context, accountID int64, afterSKU string, limit int) ([]*store.Product, error)
}

// StoreSource reads products from the store's mirror.
type StoreSource struct{ Store *store.Store }

// ProductsPage implements ProductSource.
func (s StoreSource) ProductsPage(ctx context.Context, accountID int64, afterSKU string, limit int) ([]*store.Product, error) {
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
	Logger   *slog.Logger
	Now      func() time.Time // defaults to time.Now
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

// ChangeSet counts the changes pending for a shop after Plan, by kind, and the products left
// out, by reason.
type ChangeSet struct {
	Changes  map[Kind]int
	Excluded map[Reason]int
}

// Len is the number of pending changes.
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
		next.DesiredStockHash != l.DesiredStockHash || next.Desired != l.Desired
	return next, changed
}

// PushSummary counts what a Push did.
type PushSummary struct {
	Pushed map[Kind]int // items pushed successfully, by the kind of call that carried them
	Failed int          // items that failed (left pending with their error)
	Calls  int          // storefront calls made
}

// Push sends the shop's pending changes through sf, in batches of sf.Capabilities().BatchSize:
// full upserts (create, update) first, then prices, stock and unpublishing. Each item's outcome
// is recorded in its listing: storefront ids, pushed hashes, price, stock and state on success;
// the error, with the change left pending, on failure. A failed item never blocks the others. A
// failed call (the storefront down) is recorded on its items and ends the push with its error.
func (s *Syncer) Push(ctx context.Context, shopID int64, sf platforms.Storefront) (PushSummary, error) {
	sum := PushSummary{Pushed: map[Kind]int{}}
	batch := max(sf.Capabilities().BatchSize, 1)
	p := &pusher{s: s, sf: sf, sum: &sum, categories: map[string]string{}, brands: map[string]string{}}
	var failures pushFailures
	defer failures.log(ctx, s.logger(), shopID)
	passes := []struct {
		kinds []Kind
		push  func(context.Context, []store.Listing) ([]platforms.ItemResult, error)
		done  func(l store.Listing, d Desired, ref platforms.ProductRef) store.Listing
	}{
		{[]Kind{KindCreate, KindUpdate}, p.upsert, doneUpsert},
		{[]Kind{KindPrice, KindPriceStock}, p.prices, donePrice},
		{[]Kind{KindStock, KindPriceStock}, p.stock, doneStock},
		{[]Kind{KindUnpublish}, p.unpublish, doneUnpublish},
	}
	for _, pass := range passes {
		kinds := make([]string, len(pass.kinds))
		for i, k := range pass.kinds {
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
			sum.Calls++
			results, callErr := pass.push(ctx, page)
			if callErr == nil && len(results) != len(page) {
				callErr = fmt.Errorf("storefront returned %d results for %d items", len(results), len(page))
			}
			now := s.now()
			writes := make([]store.Listing, len(page))
			for i, l := range page {
				itemErr := callErr
				if itemErr == nil {
					itemErr = results[i].Err
				}
				if itemErr != nil {
					sum.Failed++
					l.State, l.LastError, l.Attempts = store.ListingError, truncate(itemErr.Error(), 2000), l.Attempts+1
					failures.add(l.SKU, l.PendingChange, itemErr, callErr != nil)
					writes[i] = l
					continue
				}
				var d Desired
				if l.Desired != "" {
					if err := json.Unmarshal([]byte(l.Desired), &d); err != nil {
						return sum, fmt.Errorf("listing: push %s: desired: %w", l.SKU, err)
					}
				}
				sum.Pushed[Kind(l.PendingChange)]++
				l = pass.done(l, d, results[i].Ref)
				l.LastError, l.Attempts, l.PushedAt = "", 0, now
				writes[i] = l
			}
			if err := s.Store.SaveListings(ctx, writes); err != nil {
				return sum, fmt.Errorf("listing: push: %w", err)
			}
			if callErr != nil {
				return sum, fmt.Errorf("listing: push shop %d: %w", shopID, callErr)
			}
			if len(page) < batch {
				break
			}
		}
	}
	return sum, nil
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
	return l
}

func doneUpsert(l store.Listing, d Desired, r platforms.ProductRef) store.Listing {
	l = setRef(l, r)
	l = setPrice(l, d)
	l.ContentHash, l.StockHash, l.Stock, l.State = l.DesiredContentHash, l.DesiredStockHash, d.Stock, d.State()
	return clearPending(l)
}

// donePrice records the price half; a price_stock change keeps its stock half pending.
func donePrice(l store.Listing, d Desired, r platforms.ProductRef) store.Listing {
	l = setPrice(setRef(l, r), d)
	l.State = d.State()
	if Kind(l.PendingChange) == KindPriceStock {
		l.PendingChange = string(KindStock)
		return l
	}
	return clearPending(l)
}

// doneStock records the stock half; a price_stock change keeps its price half pending.
func doneStock(l store.Listing, d Desired, r platforms.ProductRef) store.Listing {
	l = setRef(l, r)
	l.StockHash, l.Stock, l.State = l.DesiredStockHash, d.Stock, d.State()
	if Kind(l.PendingChange) == KindPriceStock {
		l.PendingChange = string(KindPrice)
		return l
	}
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
	sum        *PushSummary
	categories map[string]string // IWS category id → storefront id, for this push
	brands     map[string]string
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
			ManageStock: d.ManageStock, Stock: d.Stock, Status: d.Status, Images: d.Images,
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
