package store

import "context"

// SyncRunSorts are the sort keys of ListSyncRunsPage: "started" (the default, newest first),
// "duration" (running runs count as shortest), "kind", "status" and "fetched".
var SyncRunSorts = syncRunSorts.keys()

var syncRunSorts = sortSpec{
	list: "sync runs", def: "started", defDesc: true, tie: "id",
	columns: map[string]string{
		"started":  "id", // ids grow with started_at
		"duration": "TIMESTAMPDIFF(MICROSECOND, started_at, finished_at)",
		"kind":     "kind",
		"status":   "status",
		"fetched":  "fetched",
	},
	sqlite: map[string]string{
		// Times are stored as "2006-01-02 15:04:05.999999999+00:00", which julianday reads.
		"duration": "(julianday(finished_at) - julianday(started_at))",
	},
}

// ListSyncRunsPage returns one page of the runs matching f (its BeforeID and Limit are ignored:
// p pages) and how many runs match. An unknown sort key is ErrInvalid.
func (s *Store) ListSyncRunsPage(ctx context.Context, f SyncRunFilter, p Page) (PageOf[SyncRun], error) {
	q := f.apply(s.db.WithContext(ctx).Model(&syncRunRow{}))
	return findPage(q, syncRunSorts, s.dialect, p, func(r *syncRunRow) (SyncRun, error) { return r.run(), nil })
}
