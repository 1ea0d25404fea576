package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Sync run statuses.
const (
	SyncRunning   = "running"
	SyncSucceeded = "succeeded"
	SyncFailed    = "failed"
)

// SyncCounts are the product counts of a sync run or of one of its stages.
type SyncCounts struct {
	Fetched     int `json:"fetched"`     // feed items read
	Inserted    int `json:"inserted"`    // products created
	Updated     int `json:"updated"`     // products changed (reactivations and sweeps included)
	Unchanged   int `json:"unchanged"`   // products seen with nothing to write
	Deactivated int `json:"deactivated"` // products that left the catalog
	Reactivated int `json:"reactivated"` // products that came back (also counted in Updated)
	Skipped     int `json:"skipped"`     // feed items for SKUs not in the mirror (price list, inventory, content)
}

// Add adds o to c.
func (c *SyncCounts) Add(o SyncCounts) {
	c.Fetched += o.Fetched
	c.Inserted += o.Inserted
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
	c.Deactivated += o.Deactivated
	c.Reactivated += o.Reactivated
	c.Skipped += o.Skipped
}

// SyncStageStats is one stage (feed) of a sync run.
type SyncStageStats struct {
	Stage      string        `json:"stage"`
	Counts     SyncCounts    `json:"counts"`
	DurationMS int64         `json:"durationMs"`
	Error      string        `json:"error,omitempty"`
	Duration   time.Duration `json:"-"`
}

// SyncRun is one run of the catalog sync for an IWS account.
type SyncRun struct {
	ID         int64
	AccountID  int64
	Kind       string   // catalog, prices, stock, content, all
	Stages     []string // the feeds the run covers, in order
	Status     string   // SyncRunning, SyncSucceeded, SyncFailed
	StartedAt  time.Time
	FinishedAt *time.Time
	Counts     SyncCounts
	Stats      []SyncStageStats
	Error      string
}

// Duration is how long the run took, or 0 while it runs.
func (r SyncRun) Duration() time.Duration {
	if r.FinishedAt == nil {
		return 0
	}
	return r.FinishedAt.Sub(r.StartedAt)
}

type syncRunRow struct {
	ID          int64      `gorm:"column:id;primaryKey"`
	AccountID   int64      `gorm:"column:account_id"`
	Kind        string     `gorm:"column:kind"`
	Stages      string     `gorm:"column:stages"`
	Status      string     `gorm:"column:status"`
	StartedAt   time.Time  `gorm:"column:started_at"`
	FinishedAt  *time.Time `gorm:"column:finished_at"`
	Fetched     int        `gorm:"column:fetched"`
	Inserted    int        `gorm:"column:inserted"`
	Updated     int        `gorm:"column:updated"`
	Unchanged   int        `gorm:"column:unchanged"`
	Deactivated int        `gorm:"column:deactivated"`
	Reactivated int        `gorm:"column:reactivated"`
	Skipped     int        `gorm:"column:skipped"`
	Stats       *string    `gorm:"column:stats"`
	Error       *string    `gorm:"column:error"`
}

func (syncRunRow) TableName() string { return "sync_runs" }

var syncKinds = map[string]bool{"catalog": true, "prices": true, "stock": true, "content": true, "all": true}

func (r *syncRunRow) run() SyncRun {
	out := SyncRun{
		ID:         r.ID,
		AccountID:  r.AccountID,
		Kind:       r.Kind,
		Status:     r.Status,
		StartedAt:  r.StartedAt.UTC(),
		FinishedAt: utcPtr(r.FinishedAt),
		Counts: SyncCounts{
			Fetched: r.Fetched, Inserted: r.Inserted, Updated: r.Updated, Unchanged: r.Unchanged,
			Deactivated: r.Deactivated, Reactivated: r.Reactivated, Skipped: r.Skipped,
		},
		Error: deref(r.Error),
	}
	if r.Stages != "" {
		out.Stages = strings.Split(r.Stages, ",")
	}
	if r.Stats != nil && *r.Stats != "" {
		// Stats are informational; a row written by a future version with another shape still
		// lists with its counts.
		if err := json.Unmarshal([]byte(*r.Stats), &out.Stats); err == nil {
			for i := range out.Stats {
				out.Stats[i].Duration = time.Duration(out.Stats[i].DurationMS) * time.Millisecond
			}
		}
	}
	return out
}

// CreateSyncRun records the start of a run (status running) and returns it with its id.
func (s *Store) CreateSyncRun(ctx context.Context, accountID int64, kind string, stages []string) (SyncRun, error) {
	if !syncKinds[kind] {
		return SyncRun{}, fmt.Errorf("store: create sync run: %w: kind %q", ErrInvalid, kind)
	}
	r := syncRunRow{
		AccountID: accountID,
		Kind:      kind,
		Stages:    strings.Join(stages, ","),
		Status:    SyncRunning,
		StartedAt: s.now(),
	}
	if err := s.db.WithContext(ctx).Create(&r).Error; err != nil {
		return SyncRun{}, fmt.Errorf("store: create sync run: %w", err)
	}
	return r.run(), nil
}

// FinishSyncRun records the end of a run: status (SyncSucceeded or SyncFailed), counts, per-stage
// stats and the error text ("" for none).
func (s *Store) FinishSyncRun(ctx context.Context, id int64, status string, counts SyncCounts, stats []SyncStageStats, errText string) error {
	if status != SyncSucceeded && status != SyncFailed {
		return fmt.Errorf("store: finish sync run: %w: status %q", ErrInvalid, status)
	}
	for i := range stats {
		stats[i].DurationMS = stats[i].Duration.Milliseconds()
	}
	var statsJSON *string
	if len(stats) > 0 {
		b, err := json.Marshal(stats)
		if err != nil {
			return fmt.Errorf("store: finish sync run: %w", err)
		}
		statsJSON = nullString(string(b))
	}
	now := s.now()
	res := s.db.WithContext(ctx).Model(&syncRunRow{}).Where("id = ?", id).Updates(map[string]any{
		"status":      status,
		"finished_at": now,
		"fetched":     counts.Fetched,
		"inserted":    counts.Inserted,
		"updated":     counts.Updated,
		"unchanged":   counts.Unchanged,
		"deactivated": counts.Deactivated,
		"reactivated": counts.Reactivated,
		"skipped":     counts.Skipped,
		"stats":       statsJSON,
		"error":       nullString(clamp(errText, maxText)),
	})
	if res.Error != nil {
		return fmt.Errorf("store: finish sync run: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: finish sync run %d: %w", id, ErrNotFound)
	}
	return nil
}

// SyncRun returns one run, or ErrNotFound.
func (s *Store) SyncRun(ctx context.Context, id int64) (SyncRun, error) {
	var r syncRunRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return SyncRun{}, notFound("sync run", err)
	}
	return r.run(), nil
}

// SyncRunFilter narrows ListSyncRuns. Zero fields match everything.
type SyncRunFilter struct {
	AccountID int64
	Kind      string
	Status    string
	// Stage matches runs whose stages include it (an "all" run covers several).
	Stage    string
	Finished bool      // only runs that ended (succeeded or failed)
	Since    time.Time // started_at >= Since
	Until    time.Time // started_at < Until
	BeforeID int64     // keyset (ListSyncRuns): runs with a smaller id
	Limit    int       // ListSyncRuns: default 50, at most 1000
}

func (f SyncRunFilter) apply(q *gorm.DB) *gorm.DB {
	if f.AccountID != 0 {
		q = q.Where("account_id = ?", f.AccountID)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Stage != "" {
		// stages is a short comma list; match whole items only.
		e := escapeLike(f.Stage)
		q = q.Where("(stages = ? OR stages LIKE ? ESCAPE '!' OR stages LIKE ? ESCAPE '!' OR stages LIKE ? ESCAPE '!')", f.Stage, e+",%", "%,"+e, "%,"+e+",%")
	}
	if f.Finished {
		q = q.Where("finished_at IS NOT NULL")
	}
	if !f.Since.IsZero() {
		q = q.Where("started_at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("started_at < ?", f.Until.UTC())
	}
	return q
}

// ListSyncRuns lists runs, newest first.
func (s *Store) ListSyncRuns(ctx context.Context, f SyncRunFilter) ([]SyncRun, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	var rows []syncRunRow
	q := f.apply(s.db.WithContext(ctx))
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	if err := q.Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list sync runs: %w", err)
	}
	out := make([]SyncRun, len(rows))
	for i := range rows {
		out[i] = rows[i].run()
	}
	return out, nil
}

// LatestSyncRun returns the newest run matching f (its Limit and BeforeID are ignored), or
// ErrNotFound.
func (s *Store) LatestSyncRun(ctx context.Context, f SyncRunFilter) (SyncRun, error) {
	f.Limit, f.BeforeID = 1, 0
	runs, err := s.ListSyncRuns(ctx, f)
	if err != nil {
		return SyncRun{}, err
	}
	if len(runs) == 0 {
		return SyncRun{}, fmt.Errorf("store: latest sync run: %w", ErrNotFound)
	}
	return runs[0], nil
}

// FailInterruptedSyncRuns marks every run of the account still in status running as failed,
// finished now with errText, and returns how many it marked. Call it only while holding the
// account's sync lock: the lock proves no live process runs them, so they are the leftovers of a
// process that stopped mid-run.
func (s *Store) FailInterruptedSyncRuns(ctx context.Context, accountID int64, errText string) (int64, error) {
	res := s.db.WithContext(ctx).Model(&syncRunRow{}).
		Where("account_id = ? AND status = ?", accountID, SyncRunning).
		Updates(map[string]any{
			"status":      SyncFailed,
			"finished_at": s.now(),
			"error":       nullString(clamp(errText, maxText)),
		})
	if res.Error != nil {
		return 0, fmt.Errorf("store: fail interrupted sync runs of account %d: %w", accountID, res.Error)
	}
	return res.RowsAffected, nil
}
