package store

import (
	"context"
	"fmt"
	"time"
)

// PlacedOrders returns the orders placed with Intcomex (PlacedAt set) in [from, to), oldest
// placement first, without their lines: the reconciliation register of `connector orders
// report`. It reads every such order, in pages.
func (s *Store) PlacedOrders(ctx context.Context, from, to time.Time) ([]Order, error) {
	var out []Order
	var afterAt time.Time
	var afterID int64
	for {
		q := s.db.WithContext(ctx).Model(&orderRow{}).
			Where("placed_at IS NOT NULL AND placed_at >= ? AND placed_at < ?", from.UTC(), to.UTC())
		if afterID != 0 {
			q = q.Where("(placed_at > ? OR (placed_at = ? AND id > ?))", afterAt, afterAt, afterID)
		}
		var rows []orderRow
		if err := q.Order("placed_at, id").Limit(maxListLimit).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("store: placed orders: %w", err)
		}
		for _, r := range rows {
			out = append(out, r.order())
		}
		if len(rows) < maxListLimit {
			return out, nil
		}
		last := rows[len(rows)-1]
		afterAt, afterID = last.PlacedAt.UTC(), last.ID
	}
}
