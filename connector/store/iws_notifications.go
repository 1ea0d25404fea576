package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/intcomex-connector/connector/migrations"
)

// IWSDelivery is one verified Intcomex OrderStatusUpdate webhook delivery: who signed it, with which
// token, what body, and the order status changes it names.
type IWSDelivery struct {
	IWSAccountID   int64
	CallID         string // the body's CallId, may be empty
	TokenSignature string // hex signature of the delivery's Authorization token
	PayloadSHA256  string // hex
	ReceivedAt     time.Time
	Changes        []IWSStatusChange
}

// IWSStatusChange is one order's new status in a delivery.
type IWSStatusChange struct {
	OrderNumber string
	Status      int
	Description string
}

// IWSNotification is one recorded change: a row of iws_notifications.
type IWSNotification struct {
	ID                int64
	IWSAccountID      int64
	CallID            string
	OrderNumber       string
	Status            int
	StatusDescription string
	TokenSignature    string
	PayloadSHA256     string
	ReceivedAt        time.Time
}

type iwsNotificationRow struct {
	ID                int64     `gorm:"column:id;primaryKey"`
	IWSAccountID      int64     `gorm:"column:iws_account_id"`
	CallID            string    `gorm:"column:call_id"`
	OrderNumber       string    `gorm:"column:order_number"`
	Status            int       `gorm:"column:status"`
	StatusDescription string    `gorm:"column:status_description"`
	TokenSignature    string    `gorm:"column:token_signature"`
	PayloadSHA256     string    `gorm:"column:payload_sha256"`
	ReceivedAt        time.Time `gorm:"column:received_at"`
}

func (iwsNotificationRow) TableName() string { return "iws_notifications" }

func (r iwsNotificationRow) notification() IWSNotification {
	return IWSNotification{ID: r.ID, IWSAccountID: r.IWSAccountID, CallID: r.CallID, OrderNumber: r.OrderNumber,
		Status: r.Status, StatusDescription: r.StatusDescription, TokenSignature: r.TokenSignature,
		PayloadSHA256: r.PayloadSHA256, ReceivedAt: r.ReceivedAt.UTC()}
}

// maxIWSChanges bounds the orders one delivery may record.
const maxIWSChanges = 1000

func (d IWSDelivery) validate() error {
	var errs []error
	if d.IWSAccountID <= 0 {
		errs = append(errs, errors.New("IWS account is not set"))
	}
	if len(d.CallID) > 100 {
		errs = append(errs, errors.New("call id is longer than 100 bytes"))
	}
	if !isHex64(d.TokenSignature) {
		errs = append(errs, errors.New("token signature is not 64 hex digits"))
	}
	if !isHex64(d.PayloadSHA256) {
		errs = append(errs, errors.New("payload sha256 is not 64 hex digits"))
	}
	if len(d.Changes) == 0 || len(d.Changes) > maxIWSChanges {
		errs = append(errs, fmt.Errorf("a delivery names 1 to %d orders, not %d", maxIWSChanges, len(d.Changes)))
	}
	seen := make(map[string]bool, len(d.Changes))
	for _, c := range d.Changes {
		switch {
		case strings.TrimSpace(c.OrderNumber) == "":
			errs = append(errs, errors.New("a change names no order"))
		case len(c.OrderNumber) > 100:
			errs = append(errs, errors.New("an order number is longer than 100 bytes"))
		case seen[c.OrderNumber]:
			errs = append(errs, fmt.Errorf("order %s appears twice", c.OrderNumber))
		}
		seen[c.OrderNumber] = true
		if c.Status <= 0 || c.Status > 1_000_000 {
			errs = append(errs, fmt.Errorf("order %.100s: status %d out of range", c.OrderNumber, c.Status))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: IWS notification: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// RecordIWSDelivery records the changes of a verified delivery and returns the rows it added. A
// redelivery of the same body (same account and payload, any token) adds nothing and returns no
// row. A token already recorded with another body is a replay: nothing is recorded and the error
// wraps ErrConflict. Descriptions longer than the column are cut.
func (s *Store) RecordIWSDelivery(ctx context.Context, d IWSDelivery) ([]IWSNotification, error) {
	d.TokenSignature = strings.ToLower(d.TokenSignature)
	if err := d.validate(); err != nil {
		return nil, fmt.Errorf("store: record IWS delivery: %w", err)
	}
	if d.ReceivedAt.IsZero() {
		d.ReceivedAt = s.now()
	}
	var fresh []IWSNotification
	var err error
	// Two deliveries racing on MySQL may deadlock on the token index's gap locks; the loser is
	// rolled back whole and simply runs again.
	for attempt := 0; ; attempt++ {
		fresh, err = s.recordIWSDelivery(ctx, d)
		if err == nil || attempt == 4 || !LockConflict(err) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("store: record IWS delivery: %w", ctx.Err())
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: record IWS delivery: %w", err)
	}
	return fresh, nil
}

func (s *Store) recordIWSDelivery(ctx context.Context, d IWSDelivery) ([]IWSNotification, error) {
	var fresh []IWSNotification
	err := s.Transaction(ctx, func(tx *Tx) error {
		fresh = nil
		lock := ""
		if tx.dialect == migrations.MySQL {
			// Deliveries of one account take turns on the account's row: two deliveries locking
			// the same empty token range (gap locks, which do not exclude each other) and then
			// inserting into it deadlocked under load. The token read below is a locking read too,
			// so it sees what the previous holder committed.
			var id int64
			if err := tx.sqlTx.QueryRowContext(ctx, `SELECT id FROM iws_accounts WHERE id = ? FOR UPDATE`, d.IWSAccountID).Scan(&id); err != nil {
				return notFound("lock IWS account", err)
			}
			lock = " FOR UPDATE"
		}
		var other string
		err := tx.sqlTx.QueryRowContext(ctx, `SELECT payload_sha256 FROM iws_notifications
			WHERE iws_account_id = ? AND token_signature = ? AND payload_sha256 <> ? LIMIT 1`+lock,
			d.IWSAccountID, d.TokenSignature, d.PayloadSHA256).Scan(&other)
		switch {
		case err == nil:
			return fmt.Errorf("%w: the delivery's token was already used with another body", ErrConflict)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		conflict := " ON CONFLICT (iws_account_id, payload_sha256, order_number) DO NOTHING"
		if tx.dialect == migrations.MySQL {
			conflict = " ON DUPLICATE KEY UPDATE id = id"
		}
		at := d.ReceivedAt.UTC()
		for _, c := range d.Changes {
			desc := truncateUTF8(c.Description, 100)
			res, err := tx.sqlTx.ExecContext(ctx, `INSERT INTO iws_notifications
				(iws_account_id, call_id, order_number, status, status_description, token_signature, payload_sha256, received_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`+conflict,
				d.IWSAccountID, d.CallID, c.OrderNumber, c.Status, desc, d.TokenSignature, d.PayloadSHA256, at)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			fresh = append(fresh, IWSNotification{ID: id, IWSAccountID: d.IWSAccountID, CallID: d.CallID,
				OrderNumber: c.OrderNumber, Status: c.Status, StatusDescription: desc,
				TokenSignature: d.TokenSignature, PayloadSHA256: d.PayloadSHA256, ReceivedAt: at})
		}
		return nil
	})
	return fresh, err
}

// truncateUTF8 cuts s to at most n bytes on a rune boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ListIWSNotifications returns the recorded changes of an account (every account when accountID is
// 0), of one order when orderNumber is set, newest first, at most limit (0: 100).
func (s *Store) ListIWSNotifications(ctx context.Context, accountID int64, orderNumber string, limit int) ([]IWSNotification, error) {
	if limit <= 0 {
		limit = 100
	}
	q := s.db.WithContext(ctx).Order("id DESC").Limit(limit)
	if accountID != 0 {
		q = q.Where("iws_account_id = ?", accountID)
	}
	if orderNumber != "" {
		q = q.Where("order_number = ?", orderNumber)
	}
	var rows []iwsNotificationRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list IWS notifications: %w", err)
	}
	out := make([]IWSNotification, len(rows))
	for i, r := range rows {
		out[i] = r.notification()
	}
	return out, nil
}
