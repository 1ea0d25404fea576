// Package catalog mirrors an Intcomex (IWS) account's catalog into the store: GetCatalog (es and en),
// GetPriceList, GetInventory and the extended catalog are streamed, joined on the SKU and written
// into products in bounded batches, one transaction per batch, only where something changed.
//
// Every run is recorded in sync_runs and its IWS calls carry the run id in the audit log. A feed
// that breaks off mid-stream fails the run and sweeps nothing: only a complete catalog stream
// deactivates the products it did not list, only a complete price list makes the products it
// left out unsellable, only a complete inventory zeroes the stock of the products it left out.
package catalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/iws"
)

// Source is what the syncer needs of an IWS client; *iws.Client implements it.
type Source interface {
	StreamCatalog(ctx context.Context, params *iws.CatalogParams, fn func(*iws.Product) error) (iws.StreamInfo, error)
	StreamPriceList(ctx context.Context, params *iws.PriceListParams, fn func(*iws.PriceListItem) error) (iws.StreamInfo, error)
	StreamInventory(ctx context.Context, params *iws.InventoryParams, fn func(*iws.InventoryData) error) (iws.StreamInfo, error)
	StreamExtendedCatalog(ctx context.Context, params *iws.ExtendedCatalogParams, fn func(*iws.ExtendedProduct) error) (iws.StreamInfo, error)
}

var _ Source = (*iws.Client)(nil)

// Kind is what a run synchronizes.
type Kind string

// The sync kinds. KindAll runs catalog, prices and stock, then content as RunOptions.Content says.
const (
	KindCatalog Kind = "catalog"
	KindPrices  Kind = "prices"
	KindStock   Kind = "stock"
	KindContent Kind = "content"
	KindAll     Kind = "all"
)

// ParseKind checks a kind name.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(strings.TrimSpace(s))); k {
	case KindCatalog, KindPrices, KindStock, KindContent, KindAll:
		return k, nil
	}
	return "", fmt.Errorf("catalog: unknown sync kind %q (want catalog, prices, stock, content or all)", s)
}

// Stage names, as OnProgress and the run's stats report them.
const (
	StageCatalogEN = "catalog-en" // GetCatalog locale=en, read first for the English descriptions
	StageCatalog   = "catalog"    // GetCatalog locale=es, the master list
	StagePrices    = "prices"
	StageStock     = "stock"
	StageContent   = "content"
)

// DefaultBatchSize is how many feed items are merged per transaction.
const DefaultBatchSize = 500

// Options configure a Syncer. The zero value works.
type Options struct {
	// BatchSize is the number of feed items per transaction (default DefaultBatchSize, at most
	// store.MaxProductBatch).
	BatchSize int
	// PageSize, when > 0, fetches GetCatalog and GetInventory in pages of that many products
	// (IWS's limit parameter); 0 fetches each feed in one streamed response.
	PageSize int
	Logger   *slog.Logger
	// Now is the clock for LastSeenAt and durations (default time.Now).
	Now func() time.Time
}

// ContentMode says whether a KindAll run downloads the extended catalog, which Intcomex asks to
// fetch at most monthly.
type ContentMode int

const (
	// ContentIfNeverFetched downloads it only when no run of the account ever fetched it
	// successfully (the default).
	ContentIfNeverFetched ContentMode = iota
	// ContentAlways downloads it.
	ContentAlways
	// ContentNever skips it.
	ContentNever
)

// Change says what changed in one product.
type Change uint8

// Change bits.
const (
	ChangeNew     Change = 1 << iota // inserted
	ChangeCatalog                    // CatalogHash changed (descriptive fields, content)
	ChangePrice                      // PriceHash changed (cost, currency, sellable)
	ChangeStock                      // StockHash changed
	ChangeActive                     // deactivated or reactivated
)

// Has reports whether c includes every bit of o.
func (c Change) Has(o Change) bool { return c&o == o }

// RunOptions tune one run.
type RunOptions struct {
	Content ContentMode
	// ContentLocale is the extended catalog's locale (default "es", the file's own language).
	ContentLocale string
	// OnProgress, when set, is called after each batch with the stage and the number of feed items
	// read so far in that stage.
	OnProgress func(stage string, done int)
	// OnChange, when set, is called after each committed batch for every product written, with
	// what changed (in an "all" run, once per product with the catalog, price and stock changes
	// together). It must not block for long: the feed's HTTP response is open meanwhile.
	// OnProgress and OnChange may be called from a goroutine of the run, never two at a time.
	OnChange func(sku string, c Change)
}

// ChangeCounts count the products whose catalog, price or stock hash changed, and the
// activations and deactivations.
type ChangeCounts struct {
	Catalog int
	Price   int
	Stock   int
	Active  int
}

// Result is the outcome of a run. The embedded counts add up every stage.
type Result struct {
	RunID  int64
	Kind   Kind
	Status string // store.SyncSucceeded or store.SyncFailed
	store.SyncCounts
	Changed  ChangeCounts
	Stages   []store.SyncStageStats
	Duration time.Duration
}

// Syncer runs catalog syncs for one IWS client (one set of credentials).
type Syncer struct {
	st     *store.Store
	src    Source
	batch  int
	page   int
	logger *slog.Logger
	now    func() time.Time

	// noShortcut makes every stored product take the full comparison (tests compare the two);
	// shortcuts counts the products found unchanged from their hashes alone.
	noShortcut bool
	shortcuts  atomic.Int64
}

// New builds a Syncer.
func New(st *store.Store, src Source, opts Options) *Syncer {
	s := &Syncer{st: st, src: src, batch: opts.BatchSize, page: opts.PageSize, logger: opts.Logger, now: opts.Now}
	if s.batch <= 0 {
		s.batch = DefaultBatchSize
	}
	s.batch = min(s.batch, store.MaxProductBatch)
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// ErrEmptyCatalog is returned when GetCatalog answers a complete but empty list while the
// account has active products: more likely an IWS fault than a catalog emptied overnight, so
// nothing is deactivated.
var ErrEmptyCatalog = errors.New("catalog: IWS returned an empty catalog")

// run is the state of one Run.
type run struct {
	accountID int64
	id        int64
	opts      RunOptions
	changed   ChangeCounts
	// touched collects what changed in each product over all the stages of a run that has more
	// than one, so the run's totals count products, not feed items (see productTotals).
	touched map[string]Change
	// progressMu keeps OnProgress calls one at a time when reads run side by side.
	progressMu sync.Mutex
}

// Run synchronizes the account's kind of data, records the run in sync_runs and returns its
// counts. A stage that fails stops the run: the Result (with Status failed) and the error are
// both returned. An error wrapping iws.ErrMalformedResponse means a feed broke off mid-stream.
func (s *Syncer) Run(ctx context.Context, accountID int64, kind Kind, opts RunOptions) (Result, error) {
	if _, err := ParseKind(string(kind)); err != nil {
		return Result{}, err
	}
	stages, err := s.plan(ctx, accountID, kind, opts)
	if err != nil {
		return Result{}, err
	}
	rec, err := s.st.CreateSyncRun(ctx, accountID, string(kind), stages)
	if err != nil {
		return Result{}, fmt.Errorf("catalog: %w", err)
	}
	r := &run{accountID: accountID, id: rec.ID, opts: opts}
	if len(stages) > 1 {
		r.touched = make(map[string]Change)
	}
	res := Result{RunID: rec.ID, Kind: kind, Status: store.SyncSucceeded}
	log := s.logger.With("account", accountID, "sync_run", rec.ID, "kind", string(kind))
	log.InfoContext(ctx, "catalog sync started", "stages", strings.Join(stages, ","))

	ctx = correlation.WithAccountID(correlation.WithSyncRunID(ctx, strconv.FormatInt(rec.ID, 10)), accountID)
	start := s.now()
	var runErr error
	for _, st := range s.runStages(ctx, r, kind, stages) {
		ss := store.SyncStageStats{Stage: st.stage, Counts: st.counts, Duration: st.duration}
		if st.err != nil {
			stage, err := failedStage(st)
			if ctx.Err() != nil {
				// Our own cancellation, whatever the stage ran into when it came (a write cut short,
				// a stream stopped): not a failure of IWS or of the store.
				err = fmt.Errorf("interrupted: %w", ctx.Err())
			}
			ss.Error = err.Error()
			runErr = &StageError{RunID: rec.ID, Stage: stage, Err: err}
		}
		res.Stages = append(res.Stages, ss)
		res.SyncCounts.Add(st.counts)
		c := st.counts
		log.InfoContext(ctx, "catalog sync stage done", "stage", st.stage, "fetched", c.Fetched,
			"inserted", c.Inserted, "updated", c.Updated, "unchanged", c.Unchanged,
			"deactivated", c.Deactivated, "skipped", c.Skipped, "duration", ss.Duration)
	}
	if r.touched != nil {
		res.SyncCounts = productTotals(res.Stages, r.touched, runErr == nil)
	}
	res.Changed = r.changed
	res.Duration = s.now().Sub(start)
	errText := ""
	if runErr != nil {
		res.Status = store.SyncFailed
		errText = runErr.Error()
		if ctx.Err() != nil {
			log.InfoContext(ctx, "catalog sync interrupted", "err", runErr)
		} else {
			log.ErrorContext(ctx, "catalog sync failed", "err", runErr)
		}
	}
	// The run's record is written even when ctx was cancelled: that is when it matters most.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.st.FinishSyncRun(fctx, rec.ID, res.Status, res.SyncCounts, res.Stages, errText); err != nil {
		return res, errors.Join(runErr, fmt.Errorf("catalog: %w", err))
	}
	return res, runErr
}

// StageError is the error of a run that failed: Stage names the feed that failed (StageCatalog,
// StageCatalogEN, StagePrices, StageStock or StageContent), Err says how. An interrupted run (its
// context cancelled) wraps context.Canceled.
type StageError struct {
	RunID int64
	Stage string
	Err   error
}

func (e *StageError) Error() string {
	return fmt.Sprintf("catalog: run %d: %s: %v", e.RunID, e.Stage, e.Err)
}

func (e *StageError) Unwrap() error { return e.Err }

// inStage marks an error of a feed read on behalf of another stage (the English catalog, read for
// the catalog stage), so that the run reports which feed failed.
type inStage struct {
	stage string
	err   error
}

func (e *inStage) Error() string { return e.err.Error() }
func (e *inStage) Unwrap() error { return e.err }

// failedStage names the feed whose failure ended a stage.
func failedStage(st stageResult) (string, error) {
	var in *inStage
	if errors.As(st.err, &in) {
		return in.stage, st.err
	}
	return st.stage, st.err
}

// runStages runs the planned stages in order and stops at the first that fails. In an "all" run
// the price list and the inventory are read first, into memory, and merged into the catalog
// stream, so that each product is written once; their stages report as if they had run after
// the catalog (their duration is their download's).
func (s *Syncer) runStages(ctx context.Context, r *run, kind Kind, stages []string) []stageResult {
	var out []stageResult
	var f *feeds
	for _, stage := range stages {
		t0 := s.now()
		var counts store.SyncCounts
		var err error
		switch stage {
		case StageCatalog:
			// The English catalog (and, in an "all" run, the price list, the inventory and
			// maybe the extended catalog) are read while the Spanish catalog starts streaming;
			// nothing is written before they are all read.
			if kind != KindAll {
				counts, err = s.syncCatalog(ctx, r, func() (map[string]string, *feeds, error) {
					english, err := s.readEnglish(ctx, r)
					return english, nil, err
				})
				break
			}
			var failed []stageResult
			counts, failed, f, err = s.syncCatalogAll(ctx, r, slices.Contains(stages, StageContent))
			if failed != nil {
				return append(out, failed...)
			}
		case StagePrices:
			if f != nil {
				out = append(out, stageResult{stage: stage, counts: f.priceCounts, duration: f.priceTime})
				continue
			}
			counts, err = s.syncPrices(ctx, r)
		case StageStock:
			if f != nil {
				out = append(out, stageResult{stage: stage, counts: f.stockCounts, duration: f.stockTime})
				continue
			}
			counts, err = s.syncStock(ctx, r)
		case StageContent:
			if f != nil && f.content != nil {
				// Merged into the catalog write (read with the English catalog and the feeds).
				out = append(out, stageResult{stage: stage, counts: f.contentCounts, duration: f.contentTime})
				continue
			}
			counts, err = s.syncContent(ctx, r)
		}
		out = append(out, stageResult{stage: stage, counts: counts, duration: s.now().Sub(t0), err: err})
		if err != nil {
			return out
		}
	}
	return out
}

// plan lists the stages of a run.
func (s *Syncer) plan(ctx context.Context, accountID int64, kind Kind, opts RunOptions) ([]string, error) {
	switch kind {
	case KindCatalog:
		return []string{StageCatalog}, nil
	case KindPrices:
		return []string{StagePrices}, nil
	case KindStock:
		return []string{StageStock}, nil
	case KindContent:
		return []string{StageContent}, nil
	}
	stages := []string{StageCatalog, StagePrices, StageStock}
	switch opts.Content {
	case ContentAlways:
		stages = append(stages, StageContent)
	case ContentIfNeverFetched:
		_, err := s.st.LatestSyncRun(ctx, store.SyncRunFilter{AccountID: accountID, Stage: StageContent, Status: store.SyncSucceeded})
		if errors.Is(err, store.ErrNotFound) {
			stages = append(stages, StageContent)
		} else if err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
	}
	return stages, nil
}

// productTotals are the totals of a run of several stages counted per product, as a person reads
// them: fetched is the number of products the catalog listed (the master list; the price list,
// inventory and extended catalog describe the same products again), inserted the products
// created, updated the other products that changed in any stage (each counted once, however many
// of its feeds changed), unchanged the rest. Deactivated, reactivated and skipped add up over the
// stages. The stages' own counts stay in Result.Stages and sync_runs.stats.
//
// Of a run that did not complete, unchanged counts only the products compared with their stored
// row (in batches that were written) and found equal, not the rest of what was fetched.
func productTotals(stages []store.SyncStageStats, touched map[string]Change, complete bool) store.SyncCounts {
	var sum, out store.SyncCounts
	compared := 0
	for _, st := range stages {
		sum.Add(st.Counts)
		if st.Stage == StageCatalog {
			out.Fetched = st.Counts.Fetched
			compared = st.Counts.Inserted + st.Counts.Updated + st.Counts.Unchanged
		}
	}
	if out.Fetched == 0 { // no catalog stage: the first stage's feed is the list
		out.Fetched = stages[0].Counts.Fetched - stages[0].Counts.Skipped
	}
	for _, c := range touched {
		switch {
		case c.Has(ChangeNew):
			out.Inserted++
		default:
			out.Updated++
		}
	}
	out.Deactivated, out.Reactivated, out.Skipped = sum.Deactivated, sum.Reactivated, sum.Skipped
	seen := out.Fetched
	if !complete {
		seen = compared // none when the run stopped before the catalog stream
	}
	out.Unchanged = max(seen-out.Inserted-out.Updated, 0)
	return out
}

// lastCatalogRun is when the account's latest successful run with a catalog stage started
// (zero when there is none).
func lastCatalogRun(ctx context.Context, st *store.Store, accountID int64) (time.Time, error) {
	run, err := st.LatestSyncRun(ctx, store.SyncRunFilter{AccountID: accountID, Stage: StageCatalog, Status: store.SyncSucceeded})
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("catalog: %w", err)
	}
	return run.StartedAt.UTC(), nil
}

// LastSeen is when the catalog last listed p. A sync stamps last_seen_at only on the products it
// writes: an active product was listed by the account's latest successful catalog run, so its
// last sighting is that run's start when that is later than its stamp.
func LastSeen(ctx context.Context, st *store.Store, p *mirror.Product) (time.Time, error) {
	if !p.Active {
		return p.LastSeenAt, nil
	}
	at, err := lastCatalogRun(ctx, st, p.AccountID)
	if err != nil {
		return time.Time{}, err
	}
	if at.After(p.LastSeenAt) {
		return at, nil
	}
	return p.LastSeenAt, nil
}
