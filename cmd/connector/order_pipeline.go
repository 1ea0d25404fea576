package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/schedule"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/platforms"
)

// orderClients gives the order pipeline a shop's storefront and an IWS account's client. The
// storefronts are the process's shared factory; IWS clients are built once per account (each
// call recorded in api_calls) and rebuilt when the account's keys or address change.
type orderClients struct {
	cfg    Config
	st     *store.Store
	sfs    *shops.Storefronts
	logger *slog.Logger

	mu  sync.Mutex
	iws map[int64]accountClient
}

type accountClient struct {
	acct   store.IWSAccount
	client *iws.Client
}

func newOrderClients(cfg Config, st *store.Store, sfs *shops.Storefronts, logger *slog.Logger) *orderClients {
	return &orderClients{cfg: cfg, st: st, sfs: sfs, logger: logger, iws: map[int64]accountClient{}}
}

// StorefrontOrders returns the order half of the shop's storefront adapter.
func (c *orderClients) StorefrontOrders(_ context.Context, shop store.Shop) (platforms.Orders, error) {
	return c.sfs.For(shop)
}

// IWS returns the client of the account, reading the account each time so new keys take effect.
func (c *orderClients) IWS(ctx context.Context, accountID int64) (orders.IWS, error) {
	return c.client(ctx, accountID)
}

// TrackIWS is IWS for the Tracker.
func (c *orderClients) TrackIWS(ctx context.Context, accountID int64) (orders.TrackIWS, error) {
	return c.client(ctx, accountID)
}

func (c *orderClients) client(ctx context.Context, accountID int64) (*iws.Client, error) {
	acct, err := c.st.IWSAccountByID(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("IWS account %d: %w", accountID, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if have, ok := c.iws[accountID]; ok && have.acct.BaseURL == acct.BaseURL &&
		have.acct.APIKey == acct.APIKey && have.acct.AccessKey == acct.AccessKey {
		return have.client, nil
	}
	client, err := newAccountIWSClient(c.cfg, c.st, c.logger, acct)
	if err != nil {
		return nil, err
	}
	c.iws[accountID] = accountClient{acct: acct, client: client}
	return client, nil
}

// orderQueue is the jobs client of the order pipeline, set once the client exists (the workers
// are registered before it is built); nothing runs or receives webhooks before.
type orderQueue struct{ c *jobs.Client }

func (q *orderQueue) Insert(ctx context.Context, args jobs.JobArgs, opts *jobs.InsertOpts) (jobs.InsertResult, error) {
	return q.c.Insert(ctx, args, opts)
}

func (q *orderQueue) InsertTx(ctx context.Context, tx *store.Tx, args jobs.JobArgs, opts *jobs.InsertOpts) (jobs.InsertResult, error) {
	return q.c.InsertTx(ctx, tx, args, opts)
}

func (q *orderQueue) RunNow(ctx context.Context, kind, key string) (bool, error) {
	return q.c.RunNow(ctx, kind, key)
}

func (q *orderQueue) RunNowTx(ctx context.Context, tx *store.Tx, kind, key string) (bool, error) {
	return q.c.RunNowTx(ctx, tx, kind, key)
}

// orderPipeline is what the order workers share with the rest of the process: the Tracker is
// the IWS webhook's sink; bind hands the jobs client over once built.
type orderPipeline struct {
	tracker *orders.Tracker
	queue   *orderQueue
}

func (p *orderPipeline) bind(c *jobs.Client) { p.queue.c = c }

// addOrderWorkers registers the order pipeline's workers on ws: place_order (the Placer, which
// enqueues each placed order's tracking), track_order (the Tracker) and sweep_orders (the
// reconciliation sweep of the per-shop schedule).
func addOrderWorkers(ws *jobs.Workers, cfg Config, st *store.Store, sfs *shops.Storefronts, logger *slog.Logger) (*orderPipeline, error) {
	clients := newOrderClients(cfg, st, sfs, logger.With("component", "orders"))
	queue := &orderQueue{}
	tracker, err := orders.NewTracker(orders.TrackerConfig{
		Store:     st,
		Clients:   clients,
		Jobs:      queue,
		Logger:    logger,
		Intervals: orders.TrackIntervals(cfg.OrderTrackInterval),
	})
	if err != nil {
		return nil, fmt.Errorf("orders: %w", err)
	}
	placer, err := orders.NewPlacer(orders.PlacerConfig{
		Store:    st,
		Clients:  clients,
		Logger:   logger, // the placer names itself: component=orders
		OnPlaced: tracker.OnPlaced,
		// One PlaceOrder call, with the client's throttle retries, within two request timeouts.
		AttemptWindow: 2 * cfg.IWSTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("orders: %w", err)
	}
	sweeper, err := orders.NewSweeper(orders.SweeperConfig{Store: st, Clients: clients, Intake: orders.NewIntake(st, queue), Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("orders: %w", err)
	}
	placer.Register(ws)
	tracker.Register(ws)
	sweeper.Register(ws)
	return &orderPipeline{tracker: tracker, queue: queue}, nil
}

// orderShopKinds adds the order sweep to the per-shop schedules.
func orderShopKinds(k schedule.ShopKinds) schedule.ShopKinds {
	k.SweepOrders = func(shopID int64) jobs.JobArgs { return orders.SweepOrdersArgs{ShopID: shopID} }
	return k
}
