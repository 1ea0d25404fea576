package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/intcomex-connector/connector/connector/store"
)

// RunNow brings the live job of kind with uniqueKey forward: a scheduled (snoozed, inserted for
// later) or retryable job becomes available at once. It reports whether it moved one; a running
// job, a finalized one or none at all give false (the caller may Insert). The order tracker
// uses it when IWS says an order changed.
func (c *Client) RunNow(ctx context.Context, kind, uniqueKey string) (bool, error) {
	var moved bool
	err := retry(ctx, func() (err error) {
		moved, err = c.runNow(ctx, c.drv.db, kind, uniqueKey)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("jobs: run now %s: %w", kind, err)
	}
	if moved {
		c.notify()
	}
	return moved, nil
}

// RunNowTx is RunNow inside the caller's transaction; the commit wakes this client's workers.
func (c *Client) RunNowTx(ctx context.Context, tx *store.Tx, kind, uniqueKey string) (bool, error) {
	if tx == nil {
		return false, fmt.Errorf("jobs: run now: %w: nil transaction", ErrInvalid)
	}
	moved, err := c.runNow(ctx, tx.SQL(), kind, uniqueKey)
	if err != nil {
		return false, fmt.Errorf("jobs: run now %s: %w", kind, err)
	}
	if moved {
		tx.AfterCommit(c.notify)
	}
	return moved, nil
}

func (c *Client) runNow(ctx context.Context, q querier, kind, uniqueKey string) (bool, error) {
	if kind == "" || uniqueKey == "" {
		return false, errors.New("kind and unique key are required")
	}
	res, err := q.ExecContext(ctx, `UPDATE jobs SET state = 'available', scheduled_at = ?
		WHERE kind = ? AND unique_key_active = ? AND state IN ('scheduled', 'retryable')`, now(), kind, uniqueKey)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
