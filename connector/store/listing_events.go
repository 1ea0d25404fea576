package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ListingEvent is one entry of a listing's history (listing_events): something that happened to
// it outside a plain push. The kinds belong to connector/listing; the store keeps them as text.
type ListingEvent struct {
	ID        int64
	ShopID    int64
	SKU       string
	Kind      string
	Detail    string
	CreatedAt time.Time // stamped with the store's clock when saved zero
}

type listingEventRow struct {
	ID        int64     `gorm:"column:id;primaryKey"`
	ShopID    int64     `gorm:"column:shop_id"`
	SKU       string    `gorm:"column:sku"`
	Kind      string    `gorm:"column:kind"`
	Detail    string    `gorm:"column:detail"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

func (listingEventRow) TableName() string { return "listing_events" }

// maxEventDetail bounds an event's detail (bytes).
const maxEventDetail = 2000

// SaveListingChanges writes listings as SaveListings does and appends events, in one
// transaction: a listing's new state and the event that explains it are never apart.
func (s *Store) SaveListingChanges(ctx context.Context, listings []Listing, events []ListingEvent) error {
	if len(listings) == 0 && len(events) == 0 {
		return nil
	}
	now := s.now()
	rows := make([]listingRow, len(listings))
	for i, l := range listings {
		if l.ShopID <= 0 || l.SKU == "" || !validListingState(l.State) {
			return fmt.Errorf("store: save listings: %w: listing %d/%q state %q", ErrInvalid, l.ShopID, l.SKU, l.State)
		}
		rows[i] = listingToRow(l, now)
		rows[i].ID = 0 // the key is (shop_id, sku)
	}
	evs := make([]listingEventRow, len(events))
	for i, e := range events {
		if e.ShopID <= 0 || e.SKU == "" || e.Kind == "" || len(e.Kind) > 16 {
			return fmt.Errorf("store: save listings: %w: event %d/%q kind %q", ErrInvalid, e.ShopID, e.SKU, e.Kind)
		}
		at := now
		if !e.CreatedAt.IsZero() {
			at = e.CreatedAt.UTC()
		}
		detail := e.Detail
		if len(detail) > maxEventDetail {
			detail = detail[:maxEventDetail]
		}
		evs[i] = listingEventRow{ShopID: e.ShopID, SKU: e.SKU, Kind: e.Kind, Detail: detail, CreatedAt: at}
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := upsertListings(tx, rows); err != nil {
			return err
		}
		if len(evs) > 0 {
			return tx.CreateInBatches(&evs, 200).Error
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save listings: %w", err)
	}
	return nil
}

// ListingEvents returns up to limit of the newest events of sku in the shop, newest first.
func (s *Store) ListingEvents(ctx context.Context, shopID int64, sku string, limit int) ([]ListingEvent, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("store: listing events: %w: limit %d", ErrInvalid, limit)
	}
	var rows []listingEventRow
	err := s.db.WithContext(ctx).Where("shop_id = ? AND sku = ?", shopID, sku).Order("id DESC").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: listing events: %w", err)
	}
	out := make([]ListingEvent, len(rows))
	for i, r := range rows {
		out[i] = ListingEvent{ID: r.ID, ShopID: r.ShopID, SKU: r.SKU, Kind: r.Kind, Detail: r.Detail, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

// ForgetListingImages records that the storefront product of sku is gone: the SKU shows no
// image any more (its shop_image_uses rows go), and, when mediaGone (the platform deleted the
// product's media with it), the shop's images that no other listing shows are forgotten too, so
// that they are uploaded again rather than referenced by a media id the shop no longer has. It
// returns how many images were forgotten.
func (s *Store) ForgetListingImages(ctx context.Context, shopID int64, sku string, mediaGone bool) (int64, error) {
	var forgotten int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if mediaGone {
			res := tx.Where("shop_id = ? AND state <> ?", shopID, ImageUploading).
				Where("url_hash IN (SELECT u.url_hash FROM shop_image_uses u WHERE u.shop_id = ? AND u.sku = ?)", shopID, sku).
				Where("NOT EXISTS (SELECT 1 FROM shop_image_uses o WHERE o.shop_id = ? AND o.url_hash = shop_images.url_hash AND o.sku <> ?)", shopID, sku).
				Delete(&shopImageRow{})
			if res.Error != nil {
				return res.Error
			}
			forgotten = res.RowsAffected
		}
		return tx.Where("shop_id = ? AND sku = ?", shopID, sku).Delete(&imageUseRow{}).Error
	})
	if err != nil {
		return 0, fmt.Errorf("store: forget listing images: %w", err)
	}
	return forgotten, nil
}
