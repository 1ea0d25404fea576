package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrStateUsed reports an install state consumed before: a replayed callback.
var ErrStateUsed = errors.New("store: install state already used")

// ErrStateExpired reports an install state past its expiry.
var ErrStateExpired = errors.New("store: install state expired")

// InstallState is a one-use nonce of a shop connection flow.
type InstallState struct {
	State     string
	Platform  string // woocommerce or shopify
	Shop      string // the Shopify domain or the WooCommerce site URL the flow was started for
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

type installStateRow struct {
	State     string `gorm:"primaryKey"`
	Platform  string
	Shop      string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

func (installStateRow) TableName() string { return "install_states" }

// CreateInstallState records a new state valid for ttl, and deletes the states that expired a
// day ago or more (they only matter to tell "expired" from "unknown" for a while).
func (s *Store) CreateInstallState(ctx context.Context, state, platform, shop string, ttl time.Duration) (InstallState, error) {
	switch {
	case len(state) < 16 || len(state) > 64:
		return InstallState{}, fmt.Errorf("store: install state: %w: state of %d bytes (16 to 64)", ErrInvalid, len(state))
	case platform != PlatformWooCommerce && platform != PlatformShopify:
		return InstallState{}, fmt.Errorf("store: install state: %w: platform %q", ErrInvalid, platform)
	case shop == "" || len(shop) > 255:
		return InstallState{}, fmt.Errorf("store: install state: %w: shop of %d bytes", ErrInvalid, len(shop))
	case ttl <= 0:
		return InstallState{}, fmt.Errorf("store: install state: %w: ttl %s", ErrInvalid, ttl)
	}
	now := s.now()
	row := installStateRow{State: state, Platform: platform, Shop: shop, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	db := s.db.WithContext(ctx)
	if err := db.Where("expires_at < ?", now.Add(-24*time.Hour)).Delete(&installStateRow{}).Error; err != nil {
		return InstallState{}, fmt.Errorf("store: purge install states: %w", err)
	}
	if err := db.Create(&row).Error; err != nil {
		return InstallState{}, fmt.Errorf("store: create install state: %w", err)
	}
	return InstallState(row), nil
}

// ConsumeInstallState marks state used and returns it, once: a second call gives ErrStateUsed,
// an expired state ErrStateExpired, an unknown one ErrNotFound, and a state made for another
// platform ErrNotFound too. The check and the mark are one UPDATE, so two concurrent callbacks
// with the same state cannot both win.
func (s *Store) ConsumeInstallState(ctx context.Context, state, platform string) (InstallState, error) {
	now := s.now()
	db := s.db.WithContext(ctx)
	res := db.Model(&installStateRow{}).
		Where("state = ? AND platform = ? AND used_at IS NULL AND expires_at > ?", state, platform, now).
		Update("used_at", now)
	if res.Error != nil {
		return InstallState{}, fmt.Errorf("store: consume install state: %w", res.Error)
	}
	var row installStateRow
	err := db.Where("state = ? AND platform = ?", state, platform).Take(&row).Error
	if err != nil {
		return InstallState{}, notFound("install state", err)
	}
	if res.RowsAffected == 1 {
		return InstallState(row), nil
	}
	if row.UsedAt != nil {
		return InstallState{}, fmt.Errorf("store: install state: %w", ErrStateUsed)
	}
	return InstallState{}, fmt.Errorf("store: install state: %w", ErrStateExpired)
}
