// Package correlation carries, in a context, what ties an outgoing call to the work it serves:
// the logical method, and the job, order, sync run, IWS account and shop ids. The core sets it;
// the audit transport records it with each call; an adapter may read it (the Shopify adapter
// derives its idempotency keys from the sync run and job). It is a leaf package: it imports only
// the standard library, so iws and platforms may use it without depending on the core.
package correlation

import "context"

// Correlation is what the context says about the call being made: the logical operation and the
// ids that tie an audit row to a job, an order, a sync run, an IWS account or a shop.
type Correlation struct {
	Method    string
	JobID     string
	OrderID   string
	SyncRunID string
	AccountID int64
	ShopID    int64
}

type correlationKey struct{}

// From returns the correlation values stored in ctx (zero when none).
func From(ctx context.Context) Correlation {
	c, _ := ctx.Value(correlationKey{}).(Correlation)
	return c
}

func withCorrelation(ctx context.Context, set func(*Correlation)) context.Context {
	c := From(ctx)
	set(&c)
	return context.WithValue(ctx, correlationKey{}, c)
}

// WithMethod names the logical operation (e.g. "getcatalog", "products.batch") for calls made
// with ctx; without it the transport uses the last meaningful URL path segment.
func WithMethod(ctx context.Context, method string) context.Context {
	return withCorrelation(ctx, func(c *Correlation) { c.Method = method })
}

// WithJobID ties calls made with ctx to a job.
func WithJobID(ctx context.Context, id string) context.Context {
	return withCorrelation(ctx, func(c *Correlation) { c.JobID = id })
}

// WithOrderID ties calls made with ctx to an order.
func WithOrderID(ctx context.Context, id string) context.Context {
	return withCorrelation(ctx, func(c *Correlation) { c.OrderID = id })
}

// WithSyncRunID ties calls made with ctx to a sync run.
func WithSyncRunID(ctx context.Context, id string) context.Context {
	return withCorrelation(ctx, func(c *Correlation) { c.SyncRunID = id })
}

// WithAccountID ties calls made with ctx to an IWS account (iws_accounts.id).
func WithAccountID(ctx context.Context, id int64) context.Context {
	return withCorrelation(ctx, func(c *Correlation) { c.AccountID = id })
}

// WithShopID ties calls made with ctx to a shop (shops.id).
func WithShopID(ctx context.Context, id int64) context.Context {
	return withCorrelation(ctx, func(c *Correlation) { c.ShopID = id })
}
