package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// MarginRuleChange is one entry of a shop's pricing audit trail: who changed the rules document,
// when, how, and the whole document before and after (the rules file's JSON). connector/rules
// writes it in the transaction of the change; the store keeps it as given.
type MarginRuleChange struct {
	ID     int64
	ShopID int64
	// Actor is the user's email, or "cli" for `connector rules import`.
	Actor string
	// Action is connector/rules' word for the change: create, update, move, delete, settings,
	// import.
	Action string
	// RuleName, FromIndex and ToIndex say which rule an edit touched: the index it had before
	// (update, move, delete) and the one it has after (create, update, move). Empty and nil for a
	// change of the whole document.
	RuleName  string
	FromIndex *int
	ToIndex   *int
	Before    string
	After     string
	At        time.Time
}

type marginRuleChangeRow struct {
	ID        int64     `gorm:"column:id;primaryKey"`
	ShopID    int64     `gorm:"column:shop_id"`
	Actor     string    `gorm:"column:actor"`
	Action    string    `gorm:"column:action"`
	RuleName  string    `gorm:"column:rule_name"`
	FromIndex *int      `gorm:"column:from_index"`
	ToIndex   *int      `gorm:"column:to_index"`
	BeforeDoc string    `gorm:"column:before_doc"`
	AfterDoc  string    `gorm:"column:after_doc"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

func (marginRuleChangeRow) TableName() string { return "margin_rule_changes" }

func (r marginRuleChangeRow) change() MarginRuleChange {
	return MarginRuleChange{ID: r.ID, ShopID: r.ShopID, Actor: r.Actor, Action: r.Action, RuleName: r.RuleName,
		FromIndex: r.FromIndex, ToIndex: r.ToIndex, Before: r.BeforeDoc, After: r.AfterDoc, At: r.CreatedAt.UTC()}
}

// Column sizes of margin_rule_changes.
const (
	maxActorLen  = 255
	maxActionLen = 16
)

// InsertMarginRuleChangeTx records c in the caller's transaction (the one that made the change)
// and returns it with its id and time (c.At when set, else now).
func (s *Store) InsertMarginRuleChangeTx(ctx context.Context, tx *Tx, c MarginRuleChange) (MarginRuleChange, error) {
	switch {
	case c.ShopID <= 0:
		return c, fmt.Errorf("store: margin rule change: %w: no shop", ErrInvalid)
	case c.Actor == "" || len(c.Actor) > maxActorLen:
		return c, fmt.Errorf("store: margin rule change: %w: actor must be 1 to %d bytes", ErrInvalid, maxActorLen)
	case c.Action == "" || len(c.Action) > maxActionLen:
		return c, fmt.Errorf("store: margin rule change: %w: action must be 1 to %d bytes", ErrInvalid, maxActionLen)
	}
	at := c.At.UTC().Truncate(time.Microsecond)
	if c.At.IsZero() {
		at = s.now()
	}
	row := marginRuleChangeRow{ShopID: c.ShopID, Actor: c.Actor, Action: c.Action, RuleName: c.RuleName,
		FromIndex: c.FromIndex, ToIndex: c.ToIndex, BeforeDoc: c.Before, AfterDoc: c.After, CreatedAt: at}
	if err := tx.db.WithContext(ctx).Create(&row).Error; err != nil {
		return c, fmt.Errorf("store: margin rule change: %w", err)
	}
	return row.change(), nil
}

// LatestMarginRuleChangeTx returns the id of the shop's newest audit entry, 0 when it has none:
// the revision of its rules document, which an edit may require to be unchanged.
func (s *Store) LatestMarginRuleChangeTx(ctx context.Context, tx *Tx, shopID int64) (int64, error) {
	return latestMarginRuleChange(tx.db.WithContext(ctx), shopID)
}

// LatestMarginRuleChange is LatestMarginRuleChangeTx outside a transaction.
func (s *Store) LatestMarginRuleChange(ctx context.Context, shopID int64) (int64, error) {
	return latestMarginRuleChange(s.db.WithContext(ctx), shopID)
}

func latestMarginRuleChange(db *gorm.DB, shopID int64) (int64, error) {
	var id *int64
	if err := db.Model(&marginRuleChangeRow{}).Select("MAX(id)").Where("shop_id = ?", shopID).Scan(&id).Error; err != nil {
		return 0, fmt.Errorf("store: latest margin rule change: %w", err)
	}
	if id == nil {
		return 0, nil
	}
	return *id, nil
}

// MaxMarginRuleChangesPage bounds one page of MarginRuleChanges: every entry carries two
// documents.
const MaxMarginRuleChangesPage = 200

// MarginRuleChanges returns a page of the shop's audit trail, newest first (offset entries
// skipped, at most limit, 1 to MaxMarginRuleChangesPage), and how many entries it has in all.
func (s *Store) MarginRuleChanges(ctx context.Context, shopID int64, offset, limit int) ([]MarginRuleChange, int, error) {
	if offset < 0 || limit <= 0 || limit > MaxMarginRuleChangesPage {
		return nil, 0, fmt.Errorf("store: margin rule changes: %w: offset %d, limit %d (1 to %d)", ErrInvalid, offset, limit, MaxMarginRuleChangesPage)
	}
	page, err := s.MarginRuleChangesPage(ctx, shopID, MarginRuleChangeFilter{}, Page{Offset: offset, Limit: limit})
	if err != nil {
		return nil, 0, err
	}
	return page.Items, int(page.Total), nil
}

// MarginRuleChangeFilter narrows a shop's audit trail. Zero fields filter nothing.
type MarginRuleChangeFilter struct {
	Actor  string    // part of the actor (an email or "cli"), any case
	Action string    // one action, exactly
	Rule   string    // part of the rule's name, any case
	Since  time.Time // changes at or after
	Until  time.Time // changes before
}

// MarginRuleChangeSorts are the sort keys of MarginRuleChangesPage: "at" (the default, newest
// first), "actor", "action" and "rule".
var MarginRuleChangeSorts = marginRuleChangeSorts.keys()

var marginRuleChangeSorts = sortSpec{
	list: "margin rule changes", def: "at", defDesc: true, tie: "id",
	columns: map[string]string{
		"at":     "id",           // ids grow with created_at
		"actor":  "LOWER(actor)", // as a person reads names, on both databases
		"action": "action",
		"rule":   "LOWER(rule_name)",
	},
}

// MarginRuleChangesPage returns one page of the shop's audit trail entries that match f (at most
// MaxMarginRuleChangesPage a page: every entry carries two documents), and how many match. An
// unknown sort key is ErrInvalid.
func (s *Store) MarginRuleChangesPage(ctx context.Context, shopID int64, f MarginRuleChangeFilter, p Page) (PageOf[MarginRuleChange], error) {
	p.Limit = min(p.Limit, MaxMarginRuleChangesPage)
	q := s.db.WithContext(ctx).Model(&marginRuleChangeRow{}).Where("shop_id = ?", shopID)
	q = likeAny(q, f.Actor, "actor")
	q = likeAny(q, f.Rule, "rule_name")
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if !f.Since.IsZero() {
		q = q.Where("created_at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("created_at < ?", f.Until.UTC())
	}
	return findPage(q, marginRuleChangeSorts, s.dialect, p, func(r *marginRuleChangeRow) (MarginRuleChange, error) { return r.change(), nil })
}

// MarginRuleChange returns one audit entry of the shop, or ErrNotFound.
func (s *Store) MarginRuleChange(ctx context.Context, shopID, id int64) (MarginRuleChange, error) {
	var row marginRuleChangeRow
	if err := s.db.WithContext(ctx).Where("shop_id = ? AND id = ?", shopID, id).Take(&row).Error; err != nil {
		return MarginRuleChange{}, notFound("margin rule change", err)
	}
	return row.change(), nil
}
