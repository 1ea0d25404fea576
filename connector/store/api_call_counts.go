package store

import (
	"context"
	"fmt"
	"strconv"
)

// APICallCount is how many audit rows match a filter and how many of them failed (status >= 400
// or a transport error).
type APICallCount struct {
	Calls  int64
	Failed int64
}

// CountAPICalls counts the audit rows matching f (its BeforeID, Limit and OmitBodies are
// ignored) and those that failed, in one query: the calls of a sync run or of a job, for the
// sync pages' progress.
func (s *Store) CountAPICalls(ctx context.Context, f APICallFilter) (APICallCount, error) {
	q, err := f.apply(s.db.WithContext(ctx).Model(&apiCallRow{}))
	if err != nil {
		return APICallCount{}, fmt.Errorf("store: count api calls: %w", err)
	}
	var row struct {
		N int64 `gorm:"column:n"`
		F int64 `gorm:"column:f"`
	}
	if err := q.Select("COUNT(*) AS n, COALESCE(SUM(CASE WHEN " + failedCall + " THEN 1 ELSE 0 END), 0) AS f").Scan(&row).Error; err != nil {
		return APICallCount{}, fmt.Errorf("store: count api calls: %w", err)
	}
	return APICallCount{Calls: row.N, Failed: row.F}, nil
}

// JobSyncRunID returns the id of the sync run the newest of a job's calls that belongs to one
// belongs to (a sync job's IWS feed calls carry both ids), or ErrNotFound while the job has made
// no such call. It ties a queued sync job to the sync_runs row it started.
func (s *Store) JobSyncRunID(ctx context.Context, jobID string) (int64, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&apiCallRow{}).Where(eq("job_id", jobID)).Where("sync_run_id IS NOT NULL").
		Order("id DESC").Limit(1).Pluck("sync_run_id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("store: sync run of job %s: %w", jobID, err)
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("store: sync run of job %s: %w", jobID, ErrNotFound)
	}
	id, err := strconv.ParseInt(ids[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("store: sync run of job %s: %q: %w", jobID, ids[0], ErrNotFound)
	}
	return id, nil
}
