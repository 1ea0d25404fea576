package store

import (
	"context"
	"fmt"
)

// OrderCount is how many of a shop's orders are in one state.
type OrderCount struct {
	ShopID int64
	State  string
	Count  int64
}

// OrderCounts counts the orders of every shop by state (the metrics, a dashboard).
func (s *Store) OrderCounts(ctx context.Context) ([]OrderCount, error) {
	var rows []struct {
		ShopID int64  `gorm:"column:shop_id"`
		State  string `gorm:"column:state"`
		N      int64  `gorm:"column:n"`
	}
	err := s.db.WithContext(ctx).Model(&orderRow{}).Select("shop_id, state, COUNT(*) AS n").
		Group("shop_id, state").Order("shop_id, state").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: count orders: %w", err)
	}
	out := make([]OrderCount, len(rows))
	for i, r := range rows {
		out[i] = OrderCount{ShopID: r.ShopID, State: r.State, Count: r.N}
	}
	return out, nil
}
