package listing

import (
	"context"
	"errors"
	"log/slog"

	"github.com/intcomex-connector/connector/platforms"
)

// pushFailures gathers the failed items of one Push by kind of failure, so that a shop whose
// storefront refuses a hundred items in a run logs one line with the count and a sample, not a
// hundred lines. Each item's own error stays in its listing (LastError).
type pushFailures struct {
	groups map[failureKey]*failureGroup
	order  []failureKey // first seen first
}

type failureKey struct {
	change string // the pending change the item carried
	kind   string // call (the whole request failed), not_found, invalid, rate_limited, other
}

type failureGroup struct {
	count int
	sku   string // the first item's
	err   error  // the first item's
}

// add counts a failed item; call says the whole storefront call failed (every item of the batch
// shares its error).
func (f *pushFailures) add(sku, change string, err error, call bool) {
	key := failureKey{change: change, kind: failureKind(err, call)}
	g, ok := f.groups[key]
	if !ok {
		if f.groups == nil {
			f.groups = map[failureKey]*failureGroup{}
		}
		g = &failureGroup{sku: sku, err: err}
		f.groups[key] = g
		f.order = append(f.order, key)
	}
	g.count++
}

func failureKind(err error, call bool) string {
	switch {
	case call:
		return "call"
	case errors.Is(err, platforms.ErrNotFound):
		return "not_found"
	case errors.Is(err, platforms.ErrInvalid):
		return "invalid"
	case errors.Is(err, platforms.ErrRateLimited):
		return "rate_limited"
	}
	return "other"
}

// log writes one line per kind of failure. Failures caused by the run being cancelled (Ctrl-C, a
// stopping service) are not failures of the shop: they are left out.
func (f *pushFailures) log(ctx context.Context, logger *slog.Logger, shopID int64) {
	for _, key := range f.order {
		g := f.groups[key]
		if errors.Is(g.err, context.Canceled) {
			continue
		}
		logger.WarnContext(ctx, "listing: push failed", "shop", shopID, "change", key.change, "kind", key.kind,
			"items", g.count, "sample_sku", g.sku, "err", g.err)
	}
}
