package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/intcomex-connector/connector/migrations"
)

// Webhook event states.
const (
	// WebhookEventReceived: verified and recorded, waiting for the order pipeline.
	WebhookEventReceived = "received"
)

// WebhookEvent is one verified storefront webhook delivery. The payload is not kept (it holds
// customer data); PayloadSHA256 ties the row to the body that was verified.
type WebhookEvent struct {
	ID            int64
	ShopID        int64
	Platform      string
	DeliveryID    string // unique per shop
	EventID       string
	Topic         string // platform-neutral (platforms.Topic)
	RawTopic      string // as the platform named it
	OrderID       string
	PayloadSHA256 string // hex
	ReceivedAt    time.Time
	State         string
}

type webhookEventRow struct {
	ID            int64     `gorm:"column:id;primaryKey"`
	ShopID        int64     `gorm:"column:shop_id"`
	Platform      string    `gorm:"column:platform"`
	DeliveryID    string    `gorm:"column:delivery_id"`
	EventID       string    `gorm:"column:event_id"`
	Topic         string    `gorm:"column:topic"`
	RawTopic      string    `gorm:"column:raw_topic"`
	OrderID       string    `gorm:"column:order_id"`
	PayloadSHA256 string    `gorm:"column:payload_sha256"`
	ReceivedAt    time.Time `gorm:"column:received_at"`
	State         string    `gorm:"column:state"`
}

func (webhookEventRow) TableName() string { return "webhook_events" }

func (e WebhookEvent) validate() error {
	var errs []error
	if e.ShopID <= 0 {
		errs = append(errs, errors.New("shop is not set"))
	}
	switch e.Platform {
	case PlatformWooCommerce, PlatformShopify, PlatformMemory:
	default:
		errs = append(errs, fmt.Errorf("platform %q is not woocommerce, shopify or memory", e.Platform))
	}
	// The limits are the MySQL column sizes, checked here so both dialects refuse the same rows.
	for _, f := range []struct {
		name  string
		value string
		max   int
	}{
		{"delivery id", e.DeliveryID, 191}, {"event id", e.EventID, 191}, {"topic", e.Topic, 40},
		{"raw topic", e.RawTopic, 100}, {"order id", e.OrderID, 100},
	} {
		if len(f.value) > f.max {
			errs = append(errs, fmt.Errorf("%s is longer than %d bytes", f.name, f.max))
		}
	}
	if strings.TrimSpace(e.DeliveryID) == "" {
		errs = append(errs, errors.New("delivery id is empty"))
	}
	if e.Topic == "" {
		errs = append(errs, errors.New("topic is empty"))
	}
	if len(e.PayloadSHA256) != 64 {
		errs = append(errs, errors.New("payload sha256 is not 64 hex digits"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: webhook event: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

// InsertWebhookEvent records a delivery in state WebhookEventReceived (ReceivedAt defaults to
// now) and returns it as stored with inserted true. A delivery the shop already sent (same
// DeliveryID) changes nothing: it returns the stored row with inserted false, so a storefront's
// retry is answered like the first attempt.
func (s *Store) InsertWebhookEvent(ctx context.Context, e WebhookEvent) (stored WebhookEvent, inserted bool, err error) {
	return s.insertWebhookEvent(s.db.WithContext(ctx), e)
}

// InsertWebhookEventTx is InsertWebhookEvent inside the caller's transaction, so the order the
// event names and its place_order job commit with it (connector/orders.Intake).
func (s *Store) InsertWebhookEventTx(ctx context.Context, tx *Tx, e WebhookEvent) (stored WebhookEvent, inserted bool, err error) {
	return s.insertWebhookEvent(tx.db.WithContext(ctx), e)
}

func (s *Store) insertWebhookEvent(db *gorm.DB, e WebhookEvent) (stored WebhookEvent, inserted bool, err error) {
	if err := e.validate(); err != nil {
		return WebhookEvent{}, false, fmt.Errorf("store: insert webhook event: %w", err)
	}
	if e.ReceivedAt.IsZero() {
		e.ReceivedAt = s.now()
	}
	// The key (shop_id, delivery_id) makes concurrent redeliveries race safely: the loser's insert
	// affects no row. Plain SQL, because gorm adds RETURNING on MariaDB, which reports a row
	// even when the insert did nothing; "ON DUPLICATE KEY UPDATE id = id" counts 0 rows on MySQL
	// (no CLIENT_FOUND_ROWS), as SQLite's DO NOTHING does.
	conflict := " ON CONFLICT (shop_id, delivery_id) DO NOTHING"
	if s.dialect == migrations.MySQL {
		conflict = " ON DUPLICATE KEY UPDATE id = id"
	}
	res, err := db.Statement.ConnPool.ExecContext(db.Statement.Context, `INSERT INTO webhook_events
		(shop_id, platform, delivery_id, event_id, topic, raw_topic, order_id, payload_sha256, received_at, state)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+conflict,
		e.ShopID, e.Platform, e.DeliveryID, e.EventID, e.Topic, e.RawTopic, e.OrderID, e.PayloadSHA256,
		e.ReceivedAt.UTC(), WebhookEventReceived)
	if err != nil {
		return WebhookEvent{}, false, fmt.Errorf("store: insert webhook event: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return WebhookEvent{}, false, fmt.Errorf("store: insert webhook event: %w", err)
	} else if n > 0 {
		// Inserted: the row is what was sent, with its new id (no read back on the hot path).
		id, err := res.LastInsertId()
		if err != nil {
			return WebhookEvent{}, false, fmt.Errorf("store: insert webhook event: %w", err)
		}
		e.ID, e.ReceivedAt, e.State = id, e.ReceivedAt.UTC().Truncate(time.Microsecond), WebhookEventReceived
		return e, true, nil
	}
	var got webhookEventRow
	if err := db.Where("shop_id = ? AND delivery_id = ?", e.ShopID, e.DeliveryID).Take(&got).Error; err != nil {
		return WebhookEvent{}, false, notFound("webhook event", err)
	}
	return got.event(), false, nil
}

// ListWebhookEvents returns the events of a shop (every shop when shopID is 0), newest first,
// at most limit (0: 100).
func (s *Store) ListWebhookEvents(ctx context.Context, shopID int64, limit int) ([]WebhookEvent, error) {
	if limit <= 0 {
		limit = 100
	}
	q := s.db.WithContext(ctx).Order("id DESC").Limit(limit)
	if shopID != 0 {
		q = q.Where("shop_id = ?", shopID)
	}
	var rows []webhookEventRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list webhook events: %w", err)
	}
	out := make([]WebhookEvent, len(rows))
	for i, r := range rows {
		out[i] = r.event()
	}
	return out, nil
}

func (r webhookEventRow) event() WebhookEvent {
	return WebhookEvent{
		ID: r.ID, ShopID: r.ShopID, Platform: r.Platform, DeliveryID: r.DeliveryID, EventID: r.EventID,
		Topic: r.Topic, RawTopic: r.RawTopic, OrderID: r.OrderID, PayloadSHA256: r.PayloadSHA256,
		ReceivedAt: r.ReceivedAt.UTC(), State: r.State,
	}
}
