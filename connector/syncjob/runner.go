package syncjob

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/platforms"
)

// ErrInvalid reports a request that cannot run: an unknown kind, account or shop, or a shop of
// another account.
var ErrInvalid = errors.New("syncjob: invalid")

// SourceFactory returns the IWS client of an account (an *iws.Client is a catalog.Source).
type SourceFactory func(ctx context.Context, acct store.IWSAccount) (catalog.Source, error)

// StorefrontFactory returns the storefront of a shop. An error means the shop cannot be pushed to
// (a platform without an adapter, bad credentials); the other shops are pushed all the same.
type StorefrontFactory func(shop store.Shop) (platforms.Storefront, error)

// Config configures a Runner.
type Config struct {
	Store       *store.Store
	IWS         SourceFactory
	Storefronts StorefrontFactory
	// Catalog tunes the catalog mirror (batch and page sizes).
	Catalog catalog.Options
	// ListingPageSize is how many products a listing plan reads per page (default
	// listing.DefaultPageSize).
	ListingPageSize int
	// ImageConcurrency is how many image calls a push keeps in flight per shop (default
	// listing.DefaultImageConcurrency).
	ImageConcurrency int
	Logger           *slog.Logger
	// Now is the clock for durations (default time.Now).
	Now func() time.Time

	// LockTTL is the lease of the account lock (default DefaultLockTTL); the heartbeat extends
	// it every LockTTL/3. A process that dies holds the account for at most this long.
	LockTTL time.Duration
	// LockPoll is the first wait between tries of a busy account lock (default
	// DefaultLockPoll); the wait doubles up to 8 times it.
	LockPoll time.Duration
	// MaxWait bounds how long a Run waits for another run of the account before returning
	// ErrBusy; 0 waits as long as the context lives. Request.NoWait does not wait for another
	// process at all.
	MaxWait time.Duration
	// BusySnooze is how long the job workers put off a job whose account is busy, plus up to as
	// much again of jitter (default DefaultBusySnooze).
	BusySnooze time.Duration
}

// Runner runs syncs. It is safe for concurrent use. Runs of the same account wait for each
// other, in this process and across processes sharing the database, through the store lock
// "sync:account:<id>" (see Run).
type Runner struct {
	cfg         Config
	logger      *slog.Logger
	ownerPrefix string // this Runner's part of the lock owner names

	mu    sync.Mutex
	local map[int64]chan struct{} // per IWS account: a one-slot semaphore, see lockLocal
}

// New checks cfg and builds a Runner.
func New(cfg Config) (*Runner, error) {
	var missing []string
	if cfg.Store == nil {
		missing = append(missing, "Store")
	}
	if cfg.IWS == nil {
		missing = append(missing, "IWS")
	}
	if cfg.Storefronts == nil {
		missing = append(missing, "Storefronts")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: config lacks %v", ErrInvalid, missing)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LockTTL <= 0 {
		cfg.LockTTL = DefaultLockTTL
	}
	if cfg.LockPoll <= 0 {
		cfg.LockPoll = DefaultLockPoll
	}
	if cfg.BusySnooze <= 0 {
		cfg.BusySnooze = DefaultBusySnooze
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg.Catalog.Logger = cmpLogger(cfg.Catalog.Logger, logger)
	return &Runner{cfg: cfg, logger: logger, ownerPrefix: lockOwnerPrefix(), local: map[int64]chan struct{}{}}, nil
}

func cmpLogger(l, fallback *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return fallback
}

// Request is one sync to run.
type Request struct {
	AccountID int64
	Kind      catalog.Kind
	// ShopID limits the listing push to one shop of the account; 0 pushes to every shop.
	ShopID int64
	// Content says whether a KindAll run downloads the extended catalog.
	Content catalog.ContentMode
	// OnProgress, when set, is called as the run advances: with the catalog stage and the feed
	// items read so far, then with "listings <shop name>" and 0 before each shop's push. While
	// the run waits for another run of the account it is called once with "waiting for another
	// sync of this account" and 0.
	OnProgress func(stage string, done int)
	// NoWait makes Run return ErrBusy at once when another process holds the account lock,
	// rather than wait for it (the job workers snooze the job instead of blocking a worker). A
	// run of the same Runner is still waited for: it hands over as soon as it ends.
	NoWait bool
}

// Summary is what a run did. Its JSON form is exactly
// {"products": {...}, "listings": {"changed", "unchanged"}, "duration_ms"}: the output of
// `connector sync --json`.
type Summary struct {
	Products   ProductCounts `json:"products"`
	Listings   ListingCounts `json:"listings"`
	DurationMS int64         `json:"duration_ms"`

	Duration time.Duration `json:"-"`
	// Kind is the kind that ran: the one asked for, or KindAll when a feed was asked for an
	// account whose catalog was never mirrored.
	Kind    catalog.Kind   `json:"-"`
	Catalog catalog.Result `json:"-"` // the catalog run (sync_runs row RunID)
	Shops   []ShopSummary  `json:"-"`
}

// ProductCounts are the catalog run's product counts, every stage added up.
type ProductCounts struct {
	Fetched     int `json:"fetched"`
	Inserted    int `json:"inserted"`
	Updated     int `json:"updated"`
	Unchanged   int `json:"unchanged"`
	Deactivated int `json:"deactivated"`
}

// ListingCounts add up every shop: Changed is the listings that had a change to push (whether
// the push of each succeeded is in ShopSummary.Push), Unchanged the products of the account that
// needed nothing in that shop.
type ListingCounts struct {
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
}

// ShopSummary is one shop's part of a run.
type ShopSummary struct {
	ShopID   int64
	Name     string
	Platform string
	Changes  listing.ChangeSet
	// Planned: the change set was stored in the listings table (the push follows).
	Planned   bool
	Push      listing.PushSummary
	Unchanged int
	// Err is why the shop was not (fully) pushed; its pending changes stay for the next run.
	Err error
}

// Run mirrors the account's kind of IWS data and then pushes the listings of its shops (or of
// req.ShopID). A catalog failure stops the run before any push (a half-read feed must not drive
// the storefronts); a shop that fails does not stop the others. The Summary is returned with the
// error, as far as the run got.
//
// The run holds the store lock "sync:account:<id>" from before the catalog sync until after the
// last push, so two runs of one account never overlap, whether in this process or in another
// one on the same database (two `serve` instances, `connector sync` next to `serve`); that is
// what keeps two pushes to one shop from creating duplicate storefront products. A busy lock is
// waited for (polling, up to Config.MaxWait) or, with req.NoWait, reported as ErrBusy. A
// heartbeat extends the lease; if it loses the lock the run's context is cancelled with
// ErrLockLost. Holding the lock also proves that the account's sync_runs rows still "running"
// belong to a process that stopped: they are marked failed (InterruptedRunError).
func (r *Runner) Run(ctx context.Context, req Request) (sum Summary, err error) {
	start := r.cfg.Now()
	finish := func() {
		sum.Duration = r.cfg.Now().Sub(start)
		sum.DurationMS = sum.Duration.Milliseconds()
	}
	defer finish()

	kind, err := catalog.ParseKind(string(req.Kind))
	if err != nil {
		return sum, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	acct, err := r.account(ctx, req.AccountID)
	if err != nil {
		return sum, err
	}
	shops, err := r.shops(ctx, acct.ID, req.ShopID)
	if err != nil {
		return sum, err
	}
	src, err := r.cfg.IWS(ctx, acct)
	if err != nil {
		return sum, fmt.Errorf("syncjob: IWS client of account %d: %w", acct.ID, err)
	}

	err = r.exclusive(ctx, acct.ID, req, func(ctx context.Context) error {
		return r.run(ctx, acct, kind, shops, src, req, &sum, finish)
	})
	return sum, err
}

// run is the body of Run, holding the account's run lock.
func (r *Runner) run(ctx context.Context, acct store.IWSAccount, kind catalog.Kind, shops []store.Shop, src catalog.Source,
	req Request, sum *Summary, finish func()) error {
	ctx = correlation.WithAccountID(ctx, acct.ID)
	log := r.logger.With("account", acct.ID, "kind", string(kind))

	n, err := r.cfg.Store.FailInterruptedSyncRuns(ctx, acct.ID, InterruptedRunError)
	if err != nil {
		return fmt.Errorf("syncjob: %w", err)
	}
	if n > 0 {
		log.WarnContext(ctx, "sync: marked runs left running by a stopped process as failed", "sync_runs", n)
	}

	if kind != catalog.KindAll && kind != catalog.KindCatalog {
		// Prices, stock and content only fill in products the catalog created: before the first
		// complete catalog run they would find nothing, and a first start of the scheduler enqueues
		// every feed at once in no particular order.
		_, err := r.cfg.Store.LatestSyncRun(ctx, store.SyncRunFilter{AccountID: acct.ID, Status: store.SyncSucceeded, Stage: catalog.StageCatalog})
		switch {
		case errors.Is(err, store.ErrNotFound):
			log.InfoContext(ctx, "sync: the catalog was never mirrored; running the whole sync first", "asked", string(kind))
			kind = catalog.KindAll
			log = r.logger.With("account", acct.ID, "kind", string(kind))
		case err != nil:
			return fmt.Errorf("syncjob: %w", err)
		}
	}
	sum.Kind = kind

	syncer := catalog.New(r.cfg.Store, src, r.cfg.Catalog)
	res, err := syncer.Run(ctx, acct.ID, kind, catalog.RunOptions{Content: req.Content, OnProgress: req.OnProgress})
	sum.Catalog = res
	sum.Products = ProductCounts{
		Fetched: res.Fetched, Inserted: res.Inserted, Updated: res.Updated,
		Unchanged: res.Unchanged, Deactivated: res.Deactivated,
	}
	if err != nil {
		return fmt.Errorf("syncjob: account %d: %w", acct.ID, err)
	}

	counts, err := r.cfg.Store.CountProducts(ctx, acct.ID)
	if err != nil {
		return fmt.Errorf("syncjob: %w", err)
	}
	ls := r.syncer()
	var errs []error
	for _, shop := range shops {
		if req.OnProgress != nil {
			req.OnProgress("listings "+shop.Name, 0)
		}
		ss := r.pushShop(ctx, ls, shop, counts.Total)
		sum.Shops = append(sum.Shops, ss)
		sum.Listings.Changed += ss.Changes.Len()
		sum.Listings.Unchanged += ss.Unchanged
		if ss.Err != nil {
			if ctx.Err() == nil { // else the run was stopped (Ctrl-C, shutdown): no failure of the shop's
				log.ErrorContext(ctx, "sync: shop push failed", "shop", shop.ID, "err", ss.Err)
			}
			errs = append(errs, ss.Err)
		}
	}
	finish()
	log.InfoContext(ctx, "sync done", "sync_run", res.RunID, "fetched", sum.Products.Fetched,
		"inserted", sum.Products.Inserted, "updated", sum.Products.Updated,
		"listings_changed", sum.Listings.Changed, "shops", len(shops), "duration", sum.Duration)
	return errors.Join(errs...)
}

// syncer is the listing syncer of a run.
func (r *Runner) syncer() *listing.Syncer {
	return &listing.Syncer{Store: r.cfg.Store, PageSize: r.cfg.ListingPageSize, ImageConcurrency: r.cfg.ImageConcurrency,
		Logger: r.logger, Now: r.cfg.Now}
}

// exclusive runs fn holding the account's run lock: the in-process queue, then the store lease
// "sync:account:<id>" with its heartbeat, which cancels fn's context with ErrLockLost if the
// lease is lost. req says whether to wait for another process (NoWait) and hears of a wait.
func (r *Runner) exclusive(ctx context.Context, accountID int64, req Request, fn func(ctx context.Context) error) (err error) {
	unlockLocal, err := r.lockLocal(ctx, accountID)
	if err != nil {
		return err
	}
	defer unlockLocal()
	ctx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	lock, err := r.lockAccount(ctx, accountID, req, cancelRun)
	if err != nil {
		return err
	}
	defer func() {
		r.unlock(ctx, lock)
		if cause := context.Cause(ctx); err != nil && errors.Is(cause, ErrLockLost) && !errors.Is(err, ErrLockLost) {
			err = fmt.Errorf("%w: %w", cause, err)
		}
	}()
	return fn(ctx)
}

// pushShop plans and pushes one shop. total is the number of products of the account.
func (r *Runner) pushShop(ctx context.Context, ls *listing.Syncer, shop store.Shop, total int) ShopSummary {
	ss := ShopSummary{ShopID: shop.ID, Name: shop.Name, Platform: shop.Platform}
	sf, err := r.cfg.Storefronts(shop)
	if err != nil {
		ss.Err = fmt.Errorf("syncjob: shop %d (%s): %w", shop.ID, shop.Name, err)
		return ss
	}
	return r.pushShopTo(ctx, ls, shop, sf, total)
}

// pushShopTo plans the shop and pushes it through sf.
func (r *Runner) pushShopTo(ctx context.Context, ls *listing.Syncer, shop store.Shop, sf platforms.Storefront, total int) ShopSummary {
	ss := ShopSummary{ShopID: shop.ID, Name: shop.Name, Platform: shop.Platform}
	ctx = correlation.WithShopID(ctx, shop.ID)
	cs, err := ls.Plan(ctx, shop.ID)
	ss.Changes = cs
	ss.Unchanged = max(total-cs.Len(), 0)
	if err != nil {
		ss.Err = fmt.Errorf("syncjob: shop %d (%s): %w", shop.ID, shop.Name, err)
		return ss
	}
	ss.Planned = true
	push, err := ls.Push(ctx, shop.ID, sf)
	ss.Push = push
	switch {
	case err != nil:
		ss.Err = fmt.Errorf("syncjob: shop %d (%s): %w", shop.ID, shop.Name, err)
	case push.Failed > 0:
		ss.Err = fmt.Errorf("syncjob: shop %d (%s): %d of %d changes failed (kept pending with their error)",
			shop.ID, shop.Name, push.Failed, cs.Len())
	}
	return ss
}

// account returns the IWS account with this id.
func (r *Runner) account(ctx context.Context, id int64) (store.IWSAccount, error) {
	accts, err := r.cfg.Store.ListIWSAccounts(ctx)
	if err != nil {
		return store.IWSAccount{}, fmt.Errorf("syncjob: %w", err)
	}
	for _, a := range accts {
		if a.ID == id {
			return a, nil
		}
	}
	return store.IWSAccount{}, fmt.Errorf("%w: no IWS account with id %d: %w", ErrInvalid, id, store.ErrNotFound)
}

// shops returns the account's shops, or only shopID (which must belong to the account).
func (r *Runner) shops(ctx context.Context, accountID, shopID int64) ([]store.Shop, error) {
	if shopID != 0 {
		shop, err := r.connectedShop(ctx, shopID)
		if err != nil {
			return nil, err
		}
		if shop.IWSAccountID != accountID {
			return nil, fmt.Errorf("%w: shop %d belongs to IWS account %d, not %d", ErrInvalid, shopID, shop.IWSAccountID, accountID)
		}
		return []store.Shop{shop}, nil
	}
	shops, err := r.cfg.Store.ConnectedShops(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("syncjob: %w", err)
	}
	return shops, nil
}
