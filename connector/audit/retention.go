package audit

import (
	"context"
	"log/slog"
	"time"
)

// Purger deletes old audit rows; *store.Store implements it.
type Purger interface {
	PurgeAPICalls(ctx context.Context, maxAge time.Duration, maxRows int) (int64, error)
}

// RetentionPolicy says how much of the audit log to keep and how often to enforce it.
type RetentionPolicy struct {
	MaxAge   time.Duration // rows older than this go; 0 keeps rows of any age
	MaxRows  int           // at most this many newest rows stay; 0 means no limit
	Interval time.Duration // time between purges; 0 means one hour
}

// RunRetention purges at once and then every Interval until ctx ends. Failures are logged and
// retried at the next tick: a full audit table must not stop the service.
func RunRetention(ctx context.Context, p Purger, policy RetentionPolicy, logger *slog.Logger) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if policy.MaxAge <= 0 && policy.MaxRows <= 0 {
		return
	}
	interval := policy.Interval
	if interval <= 0 {
		interval = time.Hour
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		n, err := p.PurgeAPICalls(ctx, policy.MaxAge, policy.MaxRows)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.WarnContext(ctx, "audit: purge failed", "deleted", n, "err", err)
		case n > 0:
			logger.InfoContext(ctx, "audit: purged old api calls", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
