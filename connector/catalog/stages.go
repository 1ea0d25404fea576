package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws"
)

// batchSpec says how one feed's items become product changes.
type batchSpec[T any] struct {
	stage string
	feed  store.ProductFeed
	sku   func(T) string
	// create allows new products (the catalog only: the other feeds never invent a product).
	create bool
	apply  func(p *store.Product, item T)
}

// stageRun streams one feed into bounded batches and merges each batch in one transaction.
type stageRun[T any] struct {
	s      *Syncer
	r      *run
	spec   batchSpec[T]
	buf    []T
	counts store.SyncCounts
}

func newStage[T any](s *Syncer, r *run, spec batchSpec[T]) *stageRun[T] {
	return &stageRun[T]{s: s, r: r, spec: spec, buf: make([]T, 0, s.batch)}
}

// add is the stream callback: it buffers the item and flushes a full batch.
func (b *stageRun[T]) add(ctx context.Context, item T) error {
	b.counts.Fetched++
	if b.spec.sku(item) == "" {
		b.counts.Skipped++
		return nil
	}
	b.buf = append(b.buf, item)
	if len(b.buf) >= b.s.batch {
		return b.flush(ctx)
	}
	return nil
}

type pending struct {
	sku    string
	change Change
}

// flush merges the buffered items: one SELECT of the stored rows, the changes applied in
// memory, one upsert of the rows whose hash changed, all in one transaction.
func (b *stageRun[T]) flush(ctx context.Context) error {
	if len(b.buf) == 0 {
		return nil
	}
	items := b.buf
	skus := make([]string, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		if sku := b.spec.sku(it); !seen[sku] {
			seen[sku] = true
			skus = append(skus, sku)
		}
	}
	var counts store.SyncCounts
	var changes []pending
	_, err := b.s.st.MergeProducts(ctx, b.r.accountID, b.spec.feed, b.r.id, skus, func(existing map[string]*store.Product) ([]*store.Product, error) {
		counts, changes = store.SyncCounts{}, changes[:0]
		type before struct {
			catalog, price, stock, content string
			active                         bool
		}
		old := make(map[string]before, len(existing))
		for sku, p := range existing {
			old[sku] = before{p.CatalogHash, p.PriceHash, p.StockHash, p.ContentHash, p.Active}
		}
		work := make(map[string]*store.Product, len(skus))
		for _, it := range items {
			sku := b.spec.sku(it)
			p := work[sku]
			if p == nil {
				switch {
				case existing[sku] != nil:
					p = existing[sku]
				case b.spec.create:
					p = newProduct(b.r.accountID, sku)
				default:
					counts.Skipped++
					continue
				}
				work[sku] = p
			}
			b.spec.apply(p, it)
		}
		out := make([]*store.Product, 0, len(work))
		for _, sku := range skus {
			p := work[sku]
			if p == nil {
				continue
			}
			p.ComputeHashes()
			o, ok := old[sku]
			switch {
			case !ok:
				counts.Inserted++
				changes = append(changes, pending{sku, ChangeNew | ChangeCatalog | ChangePrice | ChangeStock | ChangeActive})
			case p.ContentHash != o.content:
				counts.Updated++
				var c Change
				if p.CatalogHash != o.catalog {
					c |= ChangeCatalog
				}
				if p.PriceHash != o.price {
					c |= ChangePrice
				}
				if p.StockHash != o.stock {
					c |= ChangeStock
				}
				if p.Active != o.active {
					c |= ChangeActive
					if p.Active {
						counts.Reactivated++
					}
				}
				changes = append(changes, pending{sku, c})
			default:
				counts.Unchanged++
				continue
			}
			out = append(out, p)
		}
		return out, nil
	})
	clear(b.buf) // drop the references to the decoded items
	b.buf = b.buf[:0]
	if err != nil {
		return err
	}
	b.counts.Inserted += counts.Inserted
	b.counts.Updated += counts.Updated
	b.counts.Unchanged += counts.Unchanged
	b.counts.Reactivated += counts.Reactivated
	b.counts.Skipped += counts.Skipped
	for _, c := range changes {
		b.r.note(c.sku, c.change)
	}
	if b.r.opts.OnProgress != nil {
		b.r.opts.OnProgress(b.spec.stage, b.counts.Fetched)
	}
	return nil
}

// note counts a product change and reports it.
func (r *run) note(sku string, c Change) {
	if !c.Has(ChangeNew) {
		if c.Has(ChangeCatalog) {
			r.changed.Catalog++
		}
		if c.Has(ChangePrice) {
			r.changed.Price++
		}
		if c.Has(ChangeStock) {
			r.changed.Stock++
		}
		if c.Has(ChangeActive) {
			r.changed.Active++
		}
	}
	if r.opts.OnChange != nil {
		r.opts.OnChange(sku, c)
	}
}

// finish flushes the last batch once the stream has ended without error.
func (b *stageRun[T]) finish(ctx context.Context, streamErr error) error {
	if streamErr != nil {
		// Items already merged stay merged (they are correct); the remainder of the buffer is
		// dropped with the run, and nothing is swept.
		return streamErr
	}
	return b.flush(ctx)
}

func newProduct(accountID int64, sku string) *store.Product {
	return &store.Product{AccountID: accountID, SKU: sku, Active: true, RealStock: true}
}

func (s *Syncer) catalogParams(locale string) *iws.CatalogParams {
	return &iws.CatalogParams{Locale: locale, Limit: s.page}
}

// syncCatalog reads the English catalog for its descriptions (SKU → description, a few MB for
// 50,000 products), then streams the Spanish catalog, the master list, into the mirror, and
// deactivates what it did not list.
func (s *Syncer) syncCatalog(ctx context.Context, r *run) (store.SyncCounts, error) {
	english := make(map[string]string)
	enInfo, err := s.src.StreamCatalog(ctx, s.catalogParams("en"), func(p *iws.Product) error {
		if p.Sku != "" {
			english[p.Sku] = p.Description
		}
		if r.opts.OnProgress != nil && len(english)%s.batch == 0 {
			r.opts.OnProgress(StageCatalogEN, len(english))
		}
		return nil
	})
	if err != nil {
		return store.SyncCounts{}, fmt.Errorf("GetCatalog en: %w", err)
	}
	s.logger.DebugContext(ctx, "english catalog read", "account", r.accountID, "items", enInfo.Items)

	now := s.now().UTC()
	st := newStage(s, r, batchSpec[*iws.Product]{
		stage:  StageCatalog,
		feed:   store.FeedCatalog,
		sku:    func(p *iws.Product) string { return p.Sku },
		create: true,
		apply: func(p *store.Product, it *iws.Product) {
			en, ok := english[it.Sku]
			applyCatalog(p, it, en, ok)
			p.LastSeenAt = now
		},
	})
	_, err = s.src.StreamCatalog(ctx, s.catalogParams("es"), func(p *iws.Product) error { return st.add(ctx, p) })
	if err := st.finish(ctx, err); err != nil {
		return st.counts, fmt.Errorf("GetCatalog es: %w", err)
	}
	english = nil

	if st.counts.Fetched == 0 {
		n, err := s.st.CountProducts(ctx, r.accountID)
		if err != nil {
			return st.counts, err
		}
		if n.Active > 0 {
			return st.counts, fmt.Errorf("%w; %d active products kept", ErrEmptyCatalog, n.Active)
		}
	}
	gone, err := s.st.DeactivateUnseenProducts(ctx, r.accountID, r.id)
	st.counts.Deactivated += len(gone)
	for _, sku := range gone {
		r.note(sku, ChangeActive)
	}
	if err != nil {
		return st.counts, err
	}
	return st.counts, nil
}

// syncPrices streams the price list; products it leaves out become unsellable.
func (s *Syncer) syncPrices(ctx context.Context, r *run) (store.SyncCounts, error) {
	st := newStage(s, r, batchSpec[*iws.PriceListItem]{
		stage: StagePrices,
		feed:  store.FeedPrices,
		sku:   func(p *iws.PriceListItem) string { return p.Sku },
		apply: applyPrice,
	})
	_, err := s.src.StreamPriceList(ctx, &iws.PriceListParams{}, func(p *iws.PriceListItem) error { return st.add(ctx, p) })
	if err := st.finish(ctx, err); err != nil {
		return st.counts, fmt.Errorf("GetPriceList: %w", err)
	}
	changed, err := s.st.SweepUnseenProducts(ctx, r.accountID, store.FeedPrices, r.id, func(p *store.Product) {
		p.Sellable = false
	})
	st.counts.Updated += len(changed)
	for _, sku := range changed {
		r.note(sku, ChangePrice)
	}
	return st.counts, err
}

// syncStock streams the inventory; products it leaves out get stock 0.
func (s *Syncer) syncStock(ctx context.Context, r *run) (store.SyncCounts, error) {
	st := newStage(s, r, batchSpec[*iws.InventoryData]{
		stage: StageStock,
		feed:  store.FeedStock,
		sku:   func(p *iws.InventoryData) string { return p.Sku },
		apply: applyStock,
	})
	_, err := s.src.StreamInventory(ctx, &iws.InventoryParams{Limit: s.page}, func(p *iws.InventoryData) error { return st.add(ctx, p) })
	if err := st.finish(ctx, err); err != nil {
		return st.counts, fmt.Errorf("GetInventory: %w", err)
	}
	changed, err := s.st.SweepUnseenProducts(ctx, r.accountID, store.FeedStock, r.id, func(p *store.Product) {
		p.StockTotal = 0
		p.StockByLocation = nil
	})
	st.counts.Updated += len(changed)
	for _, sku := range changed {
		r.note(sku, ChangeStock)
	}
	return st.counts, err
}

// syncContent streams the extended catalog; products absent from the file keep their content.
func (s *Syncer) syncContent(ctx context.Context, r *run) (store.SyncCounts, error) {
	locale := r.opts.ContentLocale
	if locale == "" {
		locale = "es"
	}
	st := newStage(s, r, batchSpec[*iws.ExtendedProduct]{
		stage: StageContent,
		feed:  store.FeedContent,
		sku:   func(p *iws.ExtendedProduct) string { return strings.TrimSpace(p.LocalSku) },
		apply: applyContent,
	})
	_, err := s.src.StreamExtendedCatalog(ctx, &iws.ExtendedCatalogParams{Locale: locale}, func(p *iws.ExtendedProduct) error { return st.add(ctx, p) })
	if err := st.finish(ctx, err); err != nil {
		return st.counts, fmt.Errorf("DownloadExtendedCatalog: %w", err)
	}
	return st.counts, nil
}

// Incomplete reports whether err means a feed stopped before its end (a broken or cut stream,
// a cancelled context), as opposed to a refusal before any data came.
func Incomplete(err error) bool {
	return errors.Is(err, iws.ErrMalformedResponse) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
