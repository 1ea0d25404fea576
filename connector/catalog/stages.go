package catalog

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws"
)

// stageResult is one stage's outcome, as Run records it.
type stageResult struct {
	stage    string
	counts   store.SyncCounts
	duration time.Duration
	err      error
}

// note counts a product change and reports it.
func (r *run) note(sku string, c Change) {
	if c == 0 {
		return
	}
	if r.touched != nil {
		r.touched[sku] |= c
	}
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

func (r *run) progress(stage string, done int) {
	if r.opts.OnProgress != nil {
		r.progressMu.Lock()
		defer r.progressMu.Unlock()
		r.opts.OnProgress(stage, done)
	}
}

// diff says what changed between the stored product old (nil: new) and p, whose hashes are
// computed.
func diff(old, p *mirror.Product) Change {
	if old == nil {
		return ChangeNew | ChangeCatalog | ChangePrice | ChangeStock | ChangeActive
	}
	if p.ContentHash == old.ContentHash {
		return 0
	}
	var c Change
	if p.CatalogHash != old.CatalogHash {
		c |= ChangeCatalog
	}
	if p.PriceHash != old.PriceHash {
		c |= ChangePrice
	}
	if p.StockHash != old.StockHash {
		c |= ChangeStock
	}
	if p.Active != old.Active {
		c |= ChangeActive
	}
	return c
}

// writeBatch writes the changed products of a batch in one transaction, then reports them.
// Every product in out has had its hashes computed (ComputeHashes) after its last change: diff
// needed them.
func (s *Syncer) writeBatch(ctx context.Context, r *run, out []*mirror.Product, changes []Change) error {
	if err := s.st.WriteHashedProducts(ctx, r.accountID, out); err != nil {
		return err
	}
	s.noteWritten(r, out, changes)
	return nil
}

// noteWritten reports the written products of a batch.
func (s *Syncer) noteWritten(r *run, out []*mirror.Product, changes []Change) {
	for i, p := range out {
		r.note(p.SKU, changes[i])
	}
}

// uniqueSKUs lists the distinct SKUs of a batch in first-seen order.
func uniqueSKUs[T any](items []T, sku func(T) string) []string {
	seen := make(map[string]bool, len(items))
	out := make([]string, 0, len(items))
	for _, it := range items {
		if k := sku(it); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// batcher buffers a stream's items and hands full batches to flush. With overlap set, the
// batches are flushed on another goroutine while the stream goes on decoding the next one (one
// batch in flight): decoding and writing then use both cores.
type batcher[T any] struct {
	size  int
	flush func(ctx context.Context, items []T) error
	buf   []T

	ch   chan []T
	done chan error
	err  error // the flusher's first error, once seen
}

func newBatcher[T any](ctx context.Context, size int, overlap bool, flush func(context.Context, []T) error) *batcher[T] {
	return newBatcherDepth(ctx, size, overlap, 1, flush)
}

// newBatcherDepth is newBatcher with depth batches allowed to wait for the flusher.
func newBatcherDepth[T any](ctx context.Context, size int, overlap bool, depth int, flush func(context.Context, []T) error) *batcher[T] {
	b := &batcher[T]{size: size, flush: flush, buf: make([]T, 0, size)}
	if overlap {
		b.ch = make(chan []T, depth)
		b.done = make(chan error, 1)
		go func() {
			var err error
			for items := range b.ch {
				if err == nil {
					err = flush(ctx, items)
				}
			}
			b.done <- err
		}()
	}
	return b
}

func (b *batcher[T]) add(ctx context.Context, item T) error {
	b.buf = append(b.buf, item)
	if len(b.buf) < b.size {
		return nil
	}
	return b.send(ctx)
}

func (b *batcher[T]) send(ctx context.Context) error {
	items := b.buf
	if b.ch == nil {
		err := b.flush(ctx, items)
		clear(b.buf)
		b.buf = b.buf[:0]
		return err
	}
	b.buf = make([]T, 0, b.size)
	select {
	case b.ch <- items:
		return nil
	case err := <-b.done:
		// The flusher stopped on an error: stop the stream with it.
		b.err = err
		b.ch = nil
		return err
	}
}

// finish flushes the rest after a complete stream (streamErr nil) and waits for the flusher.
// After a broken stream, batches already handed over are still written (they are correct), the
// remainder of the buffer is dropped, and nothing is swept.
func (b *batcher[T]) finish(ctx context.Context, streamErr error) error {
	var err error
	if streamErr == nil && len(b.buf) > 0 {
		err = b.send(ctx)
	}
	if b.ch != nil {
		close(b.ch)
		err = errors.Join(err, <-b.done)
	} else if b.err != nil && err == nil {
		err = b.err
	}
	if streamErr != nil {
		return streamErr
	}
	return err
}

func newProduct(accountID int64, sku string) *mirror.Product {
	return &mirror.Product{AccountID: accountID, SKU: sku, Active: true, RealStock: true}
}

func (s *Syncer) catalogParams(locale string) *iws.CatalogParams {
	return &iws.CatalogParams{Locale: locale, Limit: s.page}
}

// feeds are the price list and the inventory read whole into compact per-SKU facts (a few MB
// for 50,000 SKUs), so that an "all" run writes each product once, price and stock included.
type feeds struct {
	prices map[string]priceFact
	stock  map[string]stockFact
	// the stages' counts: Fetched and Skipped while reading, the rest while merging.
	priceCounts, stockCounts store.SyncCounts
	priceTime, stockTime     time.Duration
	// content is the extended catalog by SKU when the run merges it too (a first sync, or
	// ContentAlways): nil otherwise, and when its download failed (the content stage then runs
	// on its own after the others, as in any other run).
	content       map[string]contentFact
	contentCounts store.SyncCounts
	contentTime   time.Duration
}

// readAhead is how many batches of the Spanish catalog may wait, decoded, for the English
// catalog and the feeds (a few MB): decoding them meanwhile uses the CPU the reads leave idle.
const readAhead = 8

// catalogRun streams GetCatalog es into the mirror; with feeds, price and stock are merged in.
type catalogRun struct {
	s       *Syncer
	r       *run
	english map[string]string
	f       *feeds // nil: a catalog-only run
	now     time.Time
	seen    map[string]struct{}
	// stored holds the SKUs with a row: those stored when the stream began and those handed to
	// the writer since. Only they are read back; a first sync reads nothing.
	stored  map[string]struct{}
	w       *writer
	counts  store.SyncCounts // written by flush (on the batcher's goroutine), then by sweep
	fetched atomic.Int64     // written by the stream
	skipped int              // written by the stream
}

// descriptionSource is a Source that can stream the catalog's descriptions alone
// (*iws.Client): the English pass keeps nothing else, and decoding whole products was a third of
// an unchanged run's CPU.
type descriptionSource interface {
	StreamCatalogDescriptions(ctx context.Context, params *iws.CatalogParams, fn func(*iws.CatalogDescription) error) (iws.StreamInfo, error)
}

var _ descriptionSource = (*iws.Client)(nil)

// masterSource is a Source that can stream the catalog without price and stock (*iws.Client):
// the mirror takes those from the price list and the inventory, never from GetCatalog.
type masterSource interface {
	StreamCatalogMaster(ctx context.Context, params *iws.CatalogParams, fn func(*iws.Product) error) (iws.StreamInfo, error)
}

var _ masterSource = (*iws.Client)(nil)

// streamMaster streams the Spanish catalog, the master list, as lean as the source allows.
func (s *Syncer) streamMaster(ctx context.Context, fn func(*iws.Product) error) (iws.StreamInfo, error) {
	if m, ok := s.src.(masterSource); ok {
		return m.StreamCatalogMaster(ctx, s.catalogParams("es"), fn)
	}
	return s.src.StreamCatalog(ctx, s.catalogParams("es"), fn)
}

// readEnglish reads the English catalog for its descriptions (SKU → description, a few MB for
// 50,000 products).
func (s *Syncer) readEnglish(ctx context.Context, r *run) (map[string]string, error) {
	english := make(map[string]string)
	add := func(sku, description string) {
		if sku != "" {
			english[sku] = description
		}
		if len(english)%s.batch == 0 {
			r.progress(StageCatalogEN, len(english))
		}
	}
	var enInfo iws.StreamInfo
	var err error
	if d, ok := s.src.(descriptionSource); ok {
		enInfo, err = d.StreamCatalogDescriptions(ctx, s.catalogParams("en"), func(p *iws.CatalogDescription) error {
			add(p.Sku, p.Description)
			return nil
		})
	} else {
		enInfo, err = s.src.StreamCatalog(ctx, s.catalogParams("en"), func(p *iws.Product) error {
			add(p.Sku, p.Description)
			return nil
		})
	}
	if err != nil {
		return nil, &inStage{stage: StageCatalogEN, err: fmt.Errorf("GetCatalog en: %w", err)}
	}
	s.logger.DebugContext(ctx, "english catalog read", "account", r.accountID, "items", enInfo.Items)
	return english, nil
}

// readEnglishAndFeeds reads the English catalog while the price list and the inventory are read
// (readFeeds) on another goroutine: three downloads that write nothing, and whose decoding keeps
// the second core busy. The first failure cancels the other reads; a failed feed is reported as
// readFeeds reports it (failed), a failed English catalog as err.
func (s *Syncer) readEnglishAndFeeds(ctx context.Context, r *run, withContent bool) (english map[string]string, f *feeds, failed []stageResult, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type contentResult struct {
		content map[string]contentFact
		counts  store.SyncCounts
		took    time.Duration
	}
	contentDone := make(chan contentResult, 1)
	if withContent {
		go func() {
			t0 := s.now()
			content, counts, err := s.readContent(ctx, r)
			if err != nil {
				// Not fatal here: the content stage runs on its own later and reports it. A read
				// cancelled because another read failed (or the run was stopped) is no news.
				if ctx.Err() == nil {
					s.logger.WarnContext(ctx, "extended catalog not merged into the catalog write", "account", r.accountID, "err", err)
				}
				content = nil
			}
			contentDone <- contentResult{content, counts, s.now().Sub(t0)}
		}()
	} else {
		contentDone <- contentResult{}
	}
	// firstFailure is who failed first (and cancelled the other): feedsFailed or englishFailed.
	const feedsFailed, englishFailed = 1, 2
	var firstFailure atomic.Int32
	fail := func(who int32) {
		firstFailure.CompareAndSwap(0, who)
		cancel()
	}
	type feedsResult struct {
		f      *feeds
		failed []stageResult
	}
	done := make(chan feedsResult, 1)
	go func() {
		f, failed := s.readFeeds(ctx)
		if failed != nil {
			fail(feedsFailed)
		}
		done <- feedsResult{f, failed}
	}()
	english, err = s.readEnglish(ctx, r)
	if err != nil {
		fail(englishFailed)
	}
	res := <-done
	cres := <-contentDone // fail cancelled it when the English catalog or a feed failed
	switch {
	case res.failed != nil && (err == nil || firstFailure.Load() == feedsFailed):
		return nil, nil, res.failed, nil
	case err != nil:
		return nil, nil, nil, err
	}
	res.f.content, res.f.contentCounts, res.f.contentTime = cres.content, cres.counts, cres.took
	return english, res.f, nil, nil
}

// readContent reads the whole extended catalog into memory, by SKU (the last item of a SKU
// wins, as when the content stage applies them in order).
func (s *Syncer) readContent(ctx context.Context, r *run) (map[string]contentFact, store.SyncCounts, error) {
	content := make(map[string]contentFact)
	var counts store.SyncCounts
	_, err := s.src.StreamExtendedCatalog(ctx, &iws.ExtendedCatalogParams{Locale: contentLocale(r)}, func(it *iws.ExtendedProduct) error {
		counts.Fetched++
		if counts.Fetched%s.batch == 0 {
			r.progress(StageContent, counts.Fetched)
		}
		sku := strings.TrimSpace(it.LocalSku)
		if sku == "" {
			counts.Skipped++
			return nil
		}
		content[sku] = newContentFact(it)
		return nil
	})
	if err != nil {
		return nil, counts, fmt.Errorf("DownloadExtendedCatalog: %w", err)
	}
	return content, counts, nil
}

func contentLocale(r *run) string {
	if r.opts.ContentLocale != "" {
		return r.opts.ContentLocale
	}
	return "es"
}

// mergeContent applies the extended catalog's item for p, if the run merges one, and says
// whether p then needs hashing; after hashing, contentChanged tells whether the content differs
// from what p had before (old is the stored product, nil for a new one).
type contentMerge struct {
	merged bool // the extended catalog had an item for p
	known  bool // p's content before the merge was known (new or re-read product)
	same   bool // when known: the merge changed nothing
}

func (f *feeds) mergeContent(p *mirror.Product) contentMerge {
	if f == nil || f.content == nil {
		return contentMerge{}
	}
	fact, ok := f.content[p.SKU]
	if !ok {
		return contentMerge{}
	}
	// Each fact is used once (a SKU listed twice reads back what the first write stored): let
	// it go, so the memory the extended catalog holds shrinks as the write goes on.
	delete(f.content, p.SKU)
	m := contentMerge{merged: true, known: p.HasContent()}
	long, specs, images := p.LongDescription, p.Specs, p.Images
	fact.apply(p)
	if m.known {
		m.same = long == p.LongDescription && maps.Equal(specs, p.Specs) && slices.Equal(images, p.Images)
	}
	return m
}

// count adds the merged item to the content stage's counts, as if that stage had run after
// the catalog: p is hashed. A product whose content was not read compares its new CatalogHash
// with the stored one (its catalog fields are unchanged, or it would have been re-read).
func (m contentMerge) count(f *feeds, old, p *mirror.Product) {
	if !m.merged {
		return
	}
	changed := !m.same
	if !m.known {
		changed = p.CatalogHash != old.CatalogHash
	}
	if changed {
		f.contentCounts.Updated++
	} else {
		f.contentCounts.Unchanged++
	}
}

// syncCatalog streams the Spanish catalog, the master list, into the mirror with the English
// descriptions, and deactivates what it did not list. With f, every product's price and stock
// come from f (a product absent from the complete price list is unsellable, from the complete
// inventory out of stock), so each product is written at most once. reads supplies the English
// descriptions and the feeds; it is called exactly once, before syncCatalog returns, whatever
// happens.
func (s *Syncer) syncCatalog(ctx context.Context, r *run, reads func() (map[string]string, *feeds, error)) (store.SyncCounts, error) {
	c := &catalogRun{s: s, r: r, now: s.now().UTC(), seen: map[string]struct{}{}, stored: map[string]struct{}{}}
	// The Spanish stream starts at once; its batches wait (readAhead of them) until the English
	// catalog and the feeds are read, since every product needs them.
	var readErr error
	var readOnce sync.Once
	ready := func() error {
		readOnce.Do(func() { c.english, c.f, readErr = reads() })
		return readErr
	}
	flush := func(ctx context.Context, items []*iws.Product) error {
		if err := ready(); err != nil {
			return err
		}
		return c.flush(ctx, items)
	}
	err := s.st.EachProductSKU(ctx, r.accountID, func(sku string) error {
		c.stored[sku] = struct{}{}
		return nil
	})
	if err != nil {
		if rerr := ready(); rerr != nil {
			return c.counts, rerr // failed reads cancelled the listing
		}
		return c.counts, err
	}
	c.w = newWriter(ctx, s, r)
	b := newBatcherDepth(ctx, s.batch, true, readAhead, flush)
	_, err = s.streamMaster(ctx, func(p *iws.Product) error {
		c.fetched.Add(1)
		if p.Sku == "" {
			c.skipped++
			return nil
		}
		c.seen[p.Sku] = struct{}{}
		return b.add(ctx, p)
	})
	err = b.finish(ctx, err)
	lost, werr := c.w.close()
	c.uncount(lost)
	if err == nil {
		err = werr
	}
	c.counts.Fetched = int(c.fetched.Load())
	c.counts.Skipped += c.skipped
	if rerr := ready(); rerr != nil {
		return c.counts, rerr // the reads' own error, not the stream they stopped
	}
	if err != nil {
		return c.counts, fmt.Errorf("GetCatalog es: %w", err)
	}
	c.english = nil

	if c.counts.Fetched == 0 {
		n, err := s.st.CountProducts(ctx, r.accountID)
		if err != nil {
			return c.counts, err
		}
		if n.Active > 0 {
			return c.counts, fmt.Errorf("%w; %d active products kept", ErrEmptyCatalog, n.Active)
		}
	}
	// The products this stream listed unchanged keep their stored last_seen_at: an active
	// product was listed by the account's latest complete catalog run, which is when LastSeen
	// says it was seen (stamping every row here rewrote the whole table on every run).
	if err := c.sweep(ctx); err != nil {
		return c.counts, err
	}
	return c.counts, nil
}

// flush merges one batch of the Spanish catalog. It runs on the batcher's goroutine. What it
// counts is taken back if the batch is not written (see runCounts).
func (c *catalogRun) flush(ctx context.Context, items []*iws.Product) (err error) {
	s, r := c.s, c.r
	if err := c.w.failed(); err != nil {
		return err
	}
	before := c.countsNow()
	defer func() {
		if err != nil {
			c.uncount(c.countsNow().minus(before))
		}
	}()
	skus := uniqueSKUs(items, func(p *iws.Product) string { return p.Sku })
	var load []string
	for _, sku := range skus {
		if _, ok := c.stored[sku]; ok {
			load = append(load, sku)
		}
	}
	c.w.waitFor(load)
	unchanged, err := c.unchanged(ctx, items, load)
	if err != nil {
		return err
	}
	if len(unchanged) > 0 {
		skus = slices.DeleteFunc(skus, func(sku string) bool { return unchanged[sku] })
		load = slices.DeleteFunc(load, func(sku string) bool { return unchanged[sku] })
	}
	existing, err := s.st.LoadProducts(ctx, r.accountID, load, false)
	if err != nil {
		return err
	}
	work := make(map[string]*mirror.Product, len(skus))
	for _, it := range items {
		if unchanged[it.Sku] {
			continue
		}
		p := work[it.Sku]
		if p == nil {
			if e := existing[it.Sku]; e != nil {
				p = e.Clone()
			} else {
				p = newProduct(r.accountID, it.Sku)
			}
			work[it.Sku] = p
		}
		en, ok := c.english[it.Sku]
		applyCatalog(p, it, en, ok)
		p.LastSeenAt = c.now
	}
	// The descriptive fields changed: CatalogHash covers the extended content too, so those
	// products are read again with it.
	var full []string
	for _, sku := range skus {
		if old := existing[sku]; old != nil && !work[sku].SameCatalogFields(old) {
			full = append(full, sku)
		}
	}
	if len(full) > 0 {
		withContent, err := s.st.LoadProducts(ctx, r.accountID, full, true)
		if err != nil {
			return err
		}
		for sku, f := range withContent {
			work[sku].AdoptContent(f)
		}
	}
	out := make([]*mirror.Product, 0, len(skus))
	changes := make([]Change, 0, len(skus))
	var stale [][2]string // SKU, FieldsHash
	for _, sku := range skus {
		p, old := work[sku], existing[sku]
		if c.f != nil {
			c.f.apply(p)
		}
		cm := c.f.mergeContent(p)
		var ch Change
		if old == nil || cm.merged || !sameHashedFields(old, p) {
			p.ComputeHashes()
			ch = diff(old, p)
		}
		cm.count(c.f, old, p)
		c.f.count(old == nil, p, ch)
		// The catalog stage counts the catalog's own changes: a change of content alone is the
		// content stage's.
		catalogCh := ch
		if cm.merged && old != nil && p.SameCatalogFields(old) {
			catalogCh &^= ChangeCatalog
		}
		switch {
		case old == nil:
			c.counts.Inserted++
		case catalogCh.Has(ChangeCatalog) || catalogCh.Has(ChangeActive):
			c.counts.Updated++
			if p.Active && !old.Active {
				c.counts.Reactivated++
			}
		default:
			c.counts.Unchanged++
		}
		if ch != 0 {
			out = append(out, p)
			changes = append(changes, ch)
		} else if old != nil {
			// Unchanged; a stored FieldsHash from before the column, or from a write that did not
			// set it, is put right so that the next run can tell from the hashes alone.
			if fh := p.ComputeFieldsHash(); fh != old.FieldsHash {
				stale = append(stale, [2]string{sku, fh})
			}
		}
	}
	for _, sku := range skus {
		c.stored[sku] = struct{}{}
	}
	return c.w.submit(writeJob{out: out, changes: changes, fieldsHashes: stale, stage: StageCatalog, done: int(c.fetched.Load()),
		counted: c.countsNow().minus(before)})
}

// runCounts are the counts a catalog run keeps: its own and, in an "all" run, the price, stock and
// content stages' (merged into the catalog write). A batch adds to them when it is merged, and
// takes its share back if it is not written after all (a failed write, a stopped run), so that a
// run that did not complete counts what it really wrote.
type runCounts struct{ catalog, price, stock, content store.SyncCounts }

func (c *catalogRun) countsNow() runCounts {
	n := runCounts{catalog: c.counts}
	if c.f != nil {
		n.price, n.stock, n.content = c.f.priceCounts, c.f.stockCounts, c.f.contentCounts
	}
	return n
}

// uncount takes back what merging batches counted. It must not run while the batcher merges.
func (c *catalogRun) uncount(d runCounts) {
	c.counts = subCounts(c.counts, d.catalog)
	if c.f != nil {
		c.f.priceCounts = subCounts(c.f.priceCounts, d.price)
		c.f.stockCounts = subCounts(c.f.stockCounts, d.stock)
		c.f.contentCounts = subCounts(c.f.contentCounts, d.content)
	}
}

func (a runCounts) minus(b runCounts) runCounts {
	return runCounts{subCounts(a.catalog, b.catalog), subCounts(a.price, b.price), subCounts(a.stock, b.stock), subCounts(a.content, b.content)}
}

func (a runCounts) plus(b runCounts) runCounts {
	return runCounts{addCounts(a.catalog, b.catalog), addCounts(a.price, b.price), addCounts(a.stock, b.stock), addCounts(a.content, b.content)}
}

func addCounts(a, b store.SyncCounts) store.SyncCounts {
	a.Add(b)
	return a
}

func subCounts(a, b store.SyncCounts) store.SyncCounts {
	return store.SyncCounts{
		Fetched: a.Fetched - b.Fetched, Inserted: a.Inserted - b.Inserted, Updated: a.Updated - b.Updated,
		Unchanged: a.Unchanged - b.Unchanged, Deactivated: a.Deactivated - b.Deactivated,
		Reactivated: a.Reactivated - b.Reactivated, Skipped: a.Skipped - b.Skipped,
	}
}

// unchanged finds the stored products of a batch that an "all" run leaves as they are, from
// their hashes alone: the product the feeds describe (GetCatalog es and en, price list,
// inventory) is built afresh and hashed, and its catalog-field, price and stock hashes are the
// active stored product's. Only products whose every field those feeds set is set from them
// qualify; one listed twice, one with extended content to merge, or one that keeps a stored value
// because a feed left it out (no English description, no price or currency, no real-stock flag)
// takes the full comparison. They are counted here; the caller skips them.
func (c *catalogRun) unchanged(ctx context.Context, items []*iws.Product, stored []string) (map[string]bool, error) {
	if c.f == nil || len(stored) == 0 || c.s.noShortcut {
		return nil, nil
	}
	hashes, err := c.s.st.LoadProductHashes(ctx, c.r.accountID, stored)
	if err != nil {
		return nil, err
	}
	listed := make(map[string]int, len(items))
	for _, it := range items {
		listed[it.Sku]++
	}
	out := make(map[string]bool, len(hashes))
	for _, it := range items {
		old, ok := hashes[it.Sku]
		if !ok || !old.Active || listed[it.Sku] > 1 || old.Fields == "" {
			continue
		}
		if _, merge := c.f.content[it.Sku]; merge {
			continue
		}
		en, hasEnglish := c.english[it.Sku]
		pf, priced := c.f.prices[it.Sku]
		sf, stocked := c.f.stock[it.Sku]
		if !hasEnglish || !priced || pf.null || pf.currency == "" ||
			(it.RealStockValue == nil && (!stocked || sf.realStock == nil)) {
			continue
		}
		p := newProduct(c.r.accountID, it.Sku)
		applyCatalog(p, it, en, true)
		c.f.apply(p)
		if p.HashesWithoutContent() != old.ProductHashes {
			continue
		}
		out[it.Sku] = true
		c.s.shortcuts.Add(1)
		c.counts.Unchanged++
		c.f.count(false, p, 0)
	}
	return out, nil
}

// sweep visits the stored products the complete catalog stream did not list: the active ones
// are deactivated and, in an "all" run, every one gets its price and stock from the feeds.
func (c *catalogRun) sweep(ctx context.Context) error {
	s, r := c.s, c.r
	at := s.now()
	// A product deactivated now was active: the previous complete catalog run listed it.
	prevSeen, err := lastCatalogRun(ctx, s.st, r.accountID)
	if err != nil {
		return err
	}
	// Every stored SKU is in c.stored (listed when the stream began; the stream's own are seen),
	// and the account's runs never overlap, so the table need not be listed again.
	var unseen []string
	for sku := range c.stored {
		if _, ok := c.seen[sku]; !ok {
			unseen = append(unseen, sku)
		}
	}
	slices.Sort(unseen)
	if c.f != nil {
		c.f.skipUnknown(c.seen, unseen)
	}
	for len(unseen) > 0 {
		n := min(len(unseen), s.batch)
		chunk := unseen[:n]
		unseen = unseen[n:]
		existing, err := s.st.LoadProducts(ctx, r.accountID, chunk, false)
		if err != nil {
			return err
		}
		before := c.countsNow()
		var out []*mirror.Product
		var changes []Change
		for _, sku := range chunk {
			old := existing[sku]
			if old == nil {
				continue
			}
			p := old.Clone()
			if p.Active {
				p.Active = false
				p.DeactivatedAt = &at
				if prevSeen.After(p.LastSeenAt) {
					p.LastSeenAt = prevSeen
				}
			}
			if c.f != nil {
				c.f.apply(p)
			}
			cm := c.f.mergeContent(p)
			p.ComputeHashes()
			ch := diff(old, p)
			cm.count(c.f, old, p)
			c.f.count(old == nil, p, ch)
			if ch.Has(ChangeActive) {
				c.counts.Deactivated++
			}
			if ch != 0 {
				out = append(out, p)
				changes = append(changes, ch)
			}
		}
		if err := s.writeBatch(ctx, r, out, changes); err != nil {
			c.uncount(c.countsNow().minus(before))
			return err
		}
	}
	return nil
}

// readFeeds reads the complete price list and inventory into memory. A feed that breaks off
// fails the run before anything is written.
func (s *Syncer) readFeeds(ctx context.Context) (*feeds, []stageResult) {
	f := &feeds{prices: make(map[string]priceFact), stock: make(map[string]stockFact)}
	t0 := s.now()
	_, err := s.src.StreamPriceList(ctx, &iws.PriceListParams{}, func(it *iws.PriceListItem) error {
		f.priceCounts.Fetched++
		if it.Sku == "" {
			f.priceCounts.Skipped++
			return nil
		}
		f.prices[it.Sku] = newPriceFact(it)
		return nil
	})
	f.priceTime = s.now().Sub(t0)
	if err != nil {
		return nil, []stageResult{{stage: StagePrices, counts: f.priceCounts, duration: f.priceTime, err: fmt.Errorf("GetPriceList: %w", err)}}
	}
	t0 = s.now()
	_, err = s.src.StreamInventory(ctx, &iws.InventoryParams{Limit: s.page}, func(it *iws.InventoryData) error {
		f.stockCounts.Fetched++
		if it.Sku == "" {
			f.stockCounts.Skipped++
			return nil
		}
		f.stock[it.Sku] = newStockFact(it)
		return nil
	})
	f.stockTime = s.now().Sub(t0)
	if err != nil {
		return nil, []stageResult{
			{stage: StagePrices, counts: f.priceCounts, duration: f.priceTime},
			{stage: StageStock, counts: f.stockCounts, duration: f.stockTime, err: fmt.Errorf("GetInventory: %w", err)},
		}
	}
	return f, nil
}

// apply sets p's price and stock from the complete feeds.
func (f *feeds) apply(p *mirror.Product) {
	if pf, ok := f.prices[p.SKU]; ok {
		pf.apply(p)
	} else {
		p.Sellable = false
	}
	if sf, ok := f.stock[p.SKU]; ok {
		sf.apply(p)
	} else {
		p.StockTotal = 0
		p.StockByLocation = nil
	}
}

// count adds one product to the price and stock stages' counts, as if those stages had run
// after the catalog: a product they list is updated or unchanged, one they leave out and that
// changed is updated (the sweep). f may be nil (a catalog-only run).
func (f *feeds) count(isNew bool, p *mirror.Product, ch Change) {
	if f == nil {
		return
	}
	_, priced := f.prices[p.SKU]
	_, stocked := f.stock[p.SKU]
	if isNew {
		// A new product's price and stock count as the later stages' updates, as when those
		// stages ran after the catalog inserted it.
		countFeed(&f.priceCounts, priced, priced)
		countFeed(&f.stockCounts, stocked, stocked)
		return
	}
	countFeed(&f.priceCounts, priced, ch.Has(ChangePrice))
	countFeed(&f.stockCounts, stocked, ch.Has(ChangeStock))
}

func countFeed(c *store.SyncCounts, listed, changed bool) {
	switch {
	case changed:
		c.Updated++
	case listed:
		c.Unchanged++
	}
}

// skipUnknown counts the feed items for SKUs neither listed by the catalog nor stored.
func (f *feeds) skipUnknown(seen map[string]struct{}, unseenStored []string) {
	stored := make(map[string]struct{}, len(unseenStored))
	for _, sku := range unseenStored {
		stored[sku] = struct{}{}
	}
	known := func(sku string) bool {
		_, a := seen[sku]
		_, b := stored[sku]
		return a || b
	}
	for sku := range f.prices {
		if !known(sku) {
			f.priceCounts.Skipped++
		}
	}
	for sku := range f.stock {
		if !known(sku) {
			f.stockCounts.Skipped++
		}
	}
	for sku := range f.content {
		if !known(sku) {
			f.contentCounts.Skipped++
		}
	}
}

// feedRun streams one feed (prices, stock or content) into the products it names, in batches.
type feedRun[T any] struct {
	s     *Syncer
	r     *run
	stage string
	sku   func(T) string
	apply func(*mirror.Product, T)
	// light: apply leaves the extended content alone, so an unchanged product is told by its
	// fields without hashing it (the content feed replaces the content and compares hashes).
	light  bool
	seen   map[string]struct{}
	counts store.SyncCounts // written by flush (on the batcher's goroutine), then by sweepUnseen
	fetch  atomic.Int64     // written by the stream
	skip   int              // written by the stream
}

func (f *feedRun[T]) stream(ctx context.Context, read func(fn func(T) error) error) error {
	b := newBatcher(ctx, f.s.batch, true, f.flush)
	err := read(func(it T) error {
		f.fetch.Add(1)
		sku := f.sku(it)
		if sku == "" {
			f.skip++
			return nil
		}
		if f.seen != nil {
			f.seen[sku] = struct{}{}
		}
		return b.add(ctx, it)
	})
	err = b.finish(ctx, err)
	f.counts.Fetched = int(f.fetch.Load())
	f.counts.Skipped += f.skip
	return err
}

func (f *feedRun[T]) flush(ctx context.Context, items []T) error {
	s, r := f.s, f.r
	before := f.counts // taken back if the batch is not written
	skus := uniqueSKUs(items, f.sku)
	// Never with content: the content feed replaces it whole (applyContent), and CatalogHash
	// compares it with the stored one.
	existing, err := s.st.LoadProducts(ctx, r.accountID, skus, false)
	if err != nil {
		return err
	}
	work := make(map[string]*mirror.Product, len(skus))
	for _, it := range items {
		sku := f.sku(it)
		p := work[sku]
		if p == nil {
			old := existing[sku]
			if old == nil {
				f.counts.Skipped++
				continue
			}
			p = old.Clone()
			work[sku] = p
		}
		f.apply(p, it)
	}
	var out []*mirror.Product
	var changes []Change
	for _, sku := range skus {
		p := work[sku]
		if p == nil {
			continue
		}
		var ch Change
		if old := existing[sku]; !f.light || !sameHashedFields(old, p) {
			p.ComputeHashes()
			ch = diff(old, p)
		}
		if ch == 0 {
			f.counts.Unchanged++
			continue
		}
		f.counts.Updated++
		out = append(out, p)
		changes = append(changes, ch)
	}
	if err := s.writeBatch(ctx, r, out, changes); err != nil {
		f.counts = before
		return err
	}
	r.progress(f.stage, int(f.fetch.Load()))
	return nil
}

// sweepUnseen applies fn to the stored products the complete feed did not list and writes
// those that changed.
func (f *feedRun[T]) sweepUnseen(ctx context.Context, fn func(*mirror.Product)) error {
	s, r := f.s, f.r
	var unseen []string
	if err := s.st.EachProductSKU(ctx, r.accountID, func(sku string) error {
		if _, ok := f.seen[sku]; !ok {
			unseen = append(unseen, sku)
		}
		return nil
	}); err != nil {
		return err
	}
	for len(unseen) > 0 {
		n := min(len(unseen), s.batch)
		chunk := unseen[:n]
		unseen = unseen[n:]
		existing, err := s.st.LoadProducts(ctx, r.accountID, chunk, false)
		if err != nil {
			return err
		}
		var out []*mirror.Product
		var changes []Change
		for _, sku := range chunk {
			old := existing[sku]
			if old == nil {
				continue
			}
			p := old.Clone()
			fn(p)
			p.ComputeHashes()
			if ch := diff(old, p); ch != 0 {
				out = append(out, p)
				changes = append(changes, ch)
			}
		}
		if err := s.writeBatch(ctx, r, out, changes); err != nil {
			return err
		}
		f.counts.Updated += len(out)
	}
	return nil
}

// syncPrices streams the price list; products it leaves out become unsellable.
func (s *Syncer) syncPrices(ctx context.Context, r *run) (store.SyncCounts, error) {
	f := &feedRun[*iws.PriceListItem]{s: s, r: r, stage: StagePrices, seen: map[string]struct{}{}, light: true,
		sku:   func(p *iws.PriceListItem) string { return p.Sku },
		apply: func(p *mirror.Product, it *iws.PriceListItem) { newPriceFact(it).apply(p) },
	}
	err := f.stream(ctx, func(fn func(*iws.PriceListItem) error) error {
		_, err := s.src.StreamPriceList(ctx, &iws.PriceListParams{}, fn)
		return err
	})
	if err != nil {
		return f.counts, fmt.Errorf("GetPriceList: %w", err)
	}
	err = f.sweepUnseen(ctx, func(p *mirror.Product) { p.Sellable = false })
	return f.counts, err
}

// syncStock streams the inventory; products it leaves out get stock 0.
func (s *Syncer) syncStock(ctx context.Context, r *run) (store.SyncCounts, error) {
	f := &feedRun[*iws.InventoryData]{s: s, r: r, stage: StageStock, seen: map[string]struct{}{}, light: true,
		sku:   func(p *iws.InventoryData) string { return p.Sku },
		apply: func(p *mirror.Product, it *iws.InventoryData) { newStockFact(it).apply(p) },
	}
	err := f.stream(ctx, func(fn func(*iws.InventoryData) error) error {
		_, err := s.src.StreamInventory(ctx, &iws.InventoryParams{Limit: s.page}, fn)
		return err
	})
	if err != nil {
		return f.counts, fmt.Errorf("GetInventory: %w", err)
	}
	err = f.sweepUnseen(ctx, func(p *mirror.Product) {
		p.StockTotal = 0
		p.StockByLocation = nil
	})
	return f.counts, err
}

// syncContent streams the extended catalog; products absent from the file keep their content.
func (s *Syncer) syncContent(ctx context.Context, r *run) (store.SyncCounts, error) {
	locale := contentLocale(r)
	f := &feedRun[*iws.ExtendedProduct]{s: s, r: r, stage: StageContent,
		sku:   func(p *iws.ExtendedProduct) string { return strings.TrimSpace(p.LocalSku) },
		apply: applyContent,
	}
	err := f.stream(ctx, func(fn func(*iws.ExtendedProduct) error) error {
		_, err := s.src.StreamExtendedCatalog(ctx, &iws.ExtendedCatalogParams{Locale: locale}, fn)
		return err
	})
	if err != nil {
		return f.counts, fmt.Errorf("DownloadExtendedCatalog: %w", err)
	}
	return f.counts, nil
}

// Incomplete reports whether err means a feed stopped before its end (a broken or cut stream,
// a cancelled context), as opposed to a refusal before any data came.
func Incomplete(err error) bool {
	return errors.Is(err, iws.ErrMalformedResponse) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// errReadsFailed stops the Spanish stream of an "all" run whose price list or inventory failed;
// runStages reports those stages' own results instead.
var errReadsFailed = errors.New("catalog: feeds failed")

// syncCatalogAll is the catalog stage of an "all" run: the English catalog, the feeds and (with
// withContent) the extended catalog are read while the Spanish catalog streams, and merged into
// one write per product. A failed feed ends the stage before anything is written and is
// returned in failed, with the feeds' stage results.
func (s *Syncer) syncCatalogAll(ctx context.Context, r *run, withContent bool) (store.SyncCounts, []stageResult, *feeds, error) {
	type readResult struct {
		english map[string]string
		f       *feeds
		failed  []stageResult
		err     error
	}
	streamCtx, stopStream := context.WithCancel(ctx)
	defer stopStream()
	readCtx, stopReads := context.WithCancel(ctx)
	defer stopReads()
	done := make(chan readResult, 1)
	go func() {
		var res readResult
		res.english, res.f, res.failed, res.err = s.readEnglishAndFeeds(readCtx, r, withContent)
		if res.failed != nil || res.err != nil {
			stopStream() // nothing will be written: stop decoding
		}
		done <- res
	}()
	var res readResult // set by the reads function, which syncCatalog calls once before it returns
	counts, err := s.syncCatalog(streamCtx, r, func() (map[string]string, *feeds, error) {
		res = <-done
		switch {
		case res.failed != nil:
			return nil, nil, errReadsFailed
		case res.err != nil:
			return nil, nil, res.err
		}
		return res.english, res.f, nil
	})
	if res.failed != nil {
		return store.SyncCounts{}, res.failed, nil, nil
	}
	return counts, nil, res.f, err
}
