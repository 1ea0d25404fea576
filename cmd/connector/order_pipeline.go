package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
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

// addOrderWorkers registers the order pipeline's workers (place_order) on ws.
func addOrderWorkers(ws *jobs.Workers, cfg Config, st *store.Store, sfs *shops.Storefronts, logger *slog.Logger) error {
	placer, err := orders.NewPlacer(orders.PlacerConfig{
		Store:   st,
		Clients: newOrderClients(cfg, st, sfs, logger.With("component", "orders")),
		Logger:  logger, // the placer names itself: component=orders
		// One PlaceOrder call, with the client's throttle retries, within two request timeouts.
		AttemptWindow: 2 * cfg.IWSTimeout,
	})
	if err != nil {
		return fmt.Errorf("orders: %w", err)
	}
	placer.Register(ws)
	return nil
}
