package orders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/platforms"
)

// KindSweepOrders is the job kind of the reconciliation sweep.
const KindSweepOrders = "sweep_orders"

// SweepOrdersArgs are the sweep_orders job's arguments (the per-shop schedule enqueues one per
// shop every interval).
type SweepOrdersArgs struct {
	ShopID int64 `json:"shop_id"`
}

// Kind implements jobs.JobArgs.
func (SweepOrdersArgs) Kind() string { return KindSweepOrders }

// Sweep defaults: orders changed since the last sweep minus SweepOverlap are listed (an order
// changed while the last sweep ran, or a storefront clock a little behind, is not missed); the
// first sweep of a shop looks SweepLookback back.
const (
	DefaultSweepOverlap  = 10 * time.Minute
	DefaultSweepLookback = 24 * time.Hour
)

// SweeperConfig configures a Sweeper.
type SweeperConfig struct {
	Store   *store.Store
	Clients interface {
		StorefrontOrders(ctx context.Context, shop store.Shop) (platforms.Orders, error)
	}
	Intake   *Intake
	Overlap  time.Duration // default DefaultSweepOverlap
	Lookback time.Duration // default DefaultSweepLookback
	Logger   *slog.Logger
	Now      func() time.Time
}

// Sweeper is the reconciliation sweep: it lists a shop's recently changed paid orders
// (ListPaidOrders) and passes each to the intake, which records and enqueues any the connector
// has not seen (a lost or never-sent webhook) and leaves the others alone; a sweep and a webhook
// for the same order meet on one order row and one place_order job.
type Sweeper struct {
	cfg SweeperConfig
	log *slog.Logger
}

// NewSweeper returns a Sweeper.
func NewSweeper(cfg SweeperConfig) (*Sweeper, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("no store"))
	}
	if cfg.Clients == nil {
		errs = append(errs, errors.New("no clients"))
	}
	if cfg.Intake == nil {
		errs = append(errs, errors.New("no intake"))
	}
	if cfg.Overlap < 0 || cfg.Lookback < 0 {
		errs = append(errs, errors.New("overlap and lookback must not be negative"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("orders: sweeper config: %w", errors.Join(errs...))
	}
	if cfg.Overlap == 0 {
		cfg.Overlap = DefaultSweepOverlap
	}
	if cfg.Lookback == 0 {
		cfg.Lookback = DefaultSweepLookback
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Sweeper{cfg: cfg, log: cfg.Logger.With("component", "orders")}, nil
}

// Register adds the sweep_orders worker to ws.
func (w *Sweeper) Register(ws *jobs.Workers) {
	jobs.AddWorker(ws, jobs.WorkFunc(func(ctx context.Context, job *jobs.Job[SweepOrdersArgs]) error {
		_, err := w.Sweep(correlation.WithJobID(ctx, strconv.FormatInt(job.ID, 10)), job.Args.ShopID)
		return err
	}))
}

// SweepResult is what one sweep of a shop did.
type SweepResult struct {
	Since time.Time
	Found int // paid orders the storefront listed
	New   int // of them, orders the connector had not seen (recorded and enqueued)
}

// Sweep lists the shop's paid orders changed since its last sweep (minus the overlap) and takes
// each in. The sweep's time is recorded only when every order was taken in, so a failed sweep
// is covered by the next.
func (w *Sweeper) Sweep(ctx context.Context, shopID int64) (SweepResult, error) {
	shop, err := w.cfg.Store.Shop(ctx, shopID)
	if errors.Is(err, store.ErrNotFound) {
		return SweepResult{}, jobs.Cancel(fmt.Errorf("orders: sweep shop %d: %w", shopID, err))
	}
	if err != nil {
		return SweepResult{}, err
	}
	if shop.Disconnected() {
		return SweepResult{}, nil
	}
	ctx = correlation.WithShopID(correlation.WithMethod(ctx, "listpaidorders"), shop.ID)
	started := w.cfg.Now().UTC()
	since := started.Add(-w.cfg.Lookback)
	if last, err := w.cfg.Store.OrderSweep(ctx, shop.ID); err == nil {
		since = last.SweptAt.Add(-w.cfg.Overlap)
	} else if !errors.Is(err, store.ErrNotFound) {
		return SweepResult{}, err
	}
	sf, err := w.cfg.Clients.StorefrontOrders(ctx, shop)
	if err != nil {
		return SweepResult{}, fmt.Errorf("orders: sweep shop %d storefront: %w", shop.ID, err)
	}
	list, err := sf.ListPaidOrders(ctx, since)
	if err != nil {
		return SweepResult{}, fmt.Errorf("orders: sweep shop %d: list paid orders: %w", shop.ID, err)
	}
	res := SweepResult{Since: since, Found: len(list)}
	for _, o := range list {
		var outcome Outcome
		err := w.cfg.Store.Transaction(ctx, func(tx *store.Tx) error {
			var err error
			outcome, _, err = w.cfg.Intake.ReceiveOrderTx(ctx, tx, shop, o)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("orders: sweep shop %d: order %s: %w", shop.ID, o.ID, err)
		}
		if outcome == OutcomeNew || outcome == OutcomeReopened {
			res.New++
			w.logFound(ctx, shop, o, started)
		}
	}
	if err := w.cfg.Store.SaveOrderSweep(ctx, store.OrderSweep{ShopID: shop.ID, SweptAt: started, Found: res.Found, NewOrders: res.New}); err != nil {
		return res, err
	}
	return res, nil
}

// webhookGrace is how long after an order was paid its webhook may still be on its way: an order
// the sweep takes in sooner is not a sign of lost webhooks.
const webhookGrace = 2 * time.Minute

// logFound says that the sweep took in a paid order no webhook had brought: a warning when the
// order was paid long enough ago that its webhook should have come (the shop's webhooks may be
// missing or failing: `connector shop webhooks` checks them), a note when it was paid moments ago.
func (w *Sweeper) logFound(ctx context.Context, shop store.Shop, o platforms.Order, sweptAt time.Time) {
	paid := o.PaidAt
	if paid.IsZero() {
		paid = o.CreatedAt
	}
	if !paid.IsZero() && sweptAt.Sub(paid) < webhookGrace {
		w.log.InfoContext(ctx, "orders: the sweep took in a paid order before its webhook arrived", "shop", shop.ID, "storefront_order", o.ID, "paid_at", paid)
		return
	}
	w.log.WarnContext(ctx, "orders: the sweep found a paid order no webhook brought; check the shop's webhooks (connector shop webhooks ID --check)",
		"shop", shop.ID, "storefront_order", o.ID, "paid_at", paid)
}
