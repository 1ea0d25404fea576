package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// OrderSweep is the reconciliation sweep's record of a shop: when its paid orders were last
// listed, how many the listing returned and how many of them were new to the connector.
type OrderSweep struct {
	ShopID    int64
	SweptAt   time.Time
	Found     int
	NewOrders int
}

type orderSweepRow struct {
	ShopID    int64     `gorm:"column:shop_id;primaryKey"`
	SweptAt   time.Time `gorm:"column:swept_at"`
	Found     int       `gorm:"column:found"`
	NewOrders int       `gorm:"column:new_orders"`
}

func (orderSweepRow) TableName() string { return "order_sweeps" }

// OrderSweep returns the shop's last sweep, or ErrNotFound before the first.
func (s *Store) OrderSweep(ctx context.Context, shopID int64) (OrderSweep, error) {
	var row orderSweepRow
	if err := s.db.WithContext(ctx).Where("shop_id = ?", shopID).Take(&row).Error; err != nil {
		return OrderSweep{}, notFound("order sweep", err)
	}
	return OrderSweep{ShopID: row.ShopID, SweptAt: row.SweptAt.UTC(), Found: row.Found, NewOrders: row.NewOrders}, nil
}

// SaveOrderSweep records a shop's sweep, replacing the previous record.
func (s *Store) SaveOrderSweep(ctx context.Context, sw OrderSweep) error {
	if sw.ShopID <= 0 || sw.SweptAt.IsZero() {
		return fmt.Errorf("store: order sweep: %w: shop and time are required", ErrInvalid)
	}
	row := orderSweepRow{ShopID: sw.ShopID, SweptAt: sw.SweptAt.UTC(), Found: sw.Found, NewOrders: sw.NewOrders}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "shop_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"swept_at", "found", "new_orders"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("store: save order sweep: %w", err)
	}
	return nil
}
