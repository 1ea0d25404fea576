package jobs

// The queue's SQL lives here, in one place, rather than behind gorm in connector/store: the
// claim needs FOR UPDATE SKIP LOCKED, guarded UPDATEs and CASE expressions that gorm would only
// pass through as raw strings anyway, and river keeps its queries in drivers for the same reason.
// Every statement is plain SQL that SQLite and MySQL/MariaDB both accept; the few differences
// (lock clauses, duplicate-key detection) are switched on the dialect. All times are bound as
// UTC parameters from the application, never NOW(), so both dialects compare the same values.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-sql-driver/mysql"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/migrations"
)

// querier is what *sql.DB, *sql.Tx and *sql.Conn share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type driver struct {
	db      *sql.DB
	dialect migrations.Dialect
}

const jobColumns = `id, kind, args, state, priority, attempt, max_attempts, scheduled_at, attempted_at,
	attempted_by, lease_expires_at, cancel_requested_at, unique_key, errors, created_at, finalized_at`

type rowScanner interface{ Scan(dest ...any) error }

func scanJob(s rowScanner) (*JobRow, error) {
	var (
		j                                   JobRow
		args, errs                          []byte
		state                               string
		attemptedAt, leaseAt, cancelAt, fin sql.NullTime
		attemptedBy, uniqueKey              sql.NullString
	)
	if err := s.Scan(&j.ID, &j.Kind, &args, &state, &j.Priority, &j.Attempt, &j.MaxAttempts, &j.ScheduledAt,
		&attemptedAt, &attemptedBy, &leaseAt, &cancelAt, &uniqueKey, &errs, &j.CreatedAt, &fin); err != nil {
		return nil, err
	}
	j.Args = json.RawMessage(args)
	j.State = State(state)
	j.AttemptedAt = attemptedAt.Time.UTC()
	j.AttemptedBy = attemptedBy.String
	j.LeaseExpiresAt = leaseAt.Time.UTC()
	j.CancelRequestedAt = cancelAt.Time.UTC()
	j.UniqueKey = uniqueKey.String
	j.ScheduledAt = j.ScheduledAt.UTC()
	j.CreatedAt = j.CreatedAt.UTC()
	j.FinalizedAt = fin.Time.UTC()
	if len(errs) > 0 {
		if err := json.Unmarshal(errs, &j.Errors); err != nil {
			return nil, fmt.Errorf("decode errors of job %d: %w", j.ID, err)
		}
	}
	return &j, nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// isDuplicate reports a unique-index violation.
func isDuplicate(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// retry runs fn again, briefly, while it fails with a transient lock error. Concurrent claimers,
// promoters and finishers touch the same secondary indexes, and InnoDB may pick any of them as
// a deadlock victim; an outcome lost that way would only come back after the lease expired.
func retry(ctx context.Context, fn func() error) error {
	var err error
	for i := range 5 {
		if err = fn(); err == nil || !store.LockConflict(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(time.Duration(i+1) * 5 * time.Millisecond):
		}
	}
	return err
}

// readCommitted is the isolation of the queue's own MySQL transactions: no gap locks, so
// claimers and promoters do not block each other's inserts into the state indexes.
func (d *driver) readCommitted() *sql.TxOptions {
	if d.dialect == migrations.MySQL {
		return &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	return nil
}

// lockShare is appended to reads that must see the latest committed row rather than the
// transaction's snapshot (MySQL REPEATABLE READ), after a duplicate-key error.
func (d *driver) lockShare() string {
	if d.dialect == migrations.MySQL {
		return " LOCK IN SHARE MODE"
	}
	return ""
}

func (d *driver) skipLocked() string {
	if d.dialect == migrations.MySQL {
		return " FOR UPDATE SKIP LOCKED"
	}
	return "" // SQLite: one writer at a time, the claim runs in one immediate transaction
}

// insert adds a job, or returns the live job of the same kind and unique key.
func (d *driver) insert(ctx context.Context, q querier, row *JobRow) (InsertResult, error) {
	for range 3 {
		res, err := q.ExecContext(ctx, `INSERT INTO jobs (kind, args, state, priority, attempt, max_attempts,
			scheduled_at, unique_key, unique_key_active, errors, created_at)
			VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, '[]', ?)`,
			row.Kind, string(row.Args), string(row.State), row.Priority, row.MaxAttempts,
			row.ScheduledAt, nullStr(row.UniqueKey), nullStr(row.UniqueKey), row.CreatedAt)
		if err == nil {
			id, err := res.LastInsertId()
			if err != nil {
				return InsertResult{}, err
			}
			row.ID = id
			return InsertResult{Job: row}, nil
		}
		if row.UniqueKey == "" || !isDuplicate(err) {
			return InsertResult{}, err
		}
		existing, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs
			WHERE kind = ? AND unique_key_active = ?`+d.lockShare(), row.Kind, row.UniqueKey))
		if err == nil {
			return InsertResult{Job: existing, Duplicate: true}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return InsertResult{}, err
		}
		// The other job was finalized between our INSERT and SELECT: try again.
	}
	return InsertResult{}, errors.New("unique key kept changing")
}

func (d *driver) get(ctx context.Context, q querier, id int64) (*JobRow, error) {
	j, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("job %d: %w", id, store.ErrNotFound)
	}
	return j, err
}

// promoteBatch bounds the jobs one promote pass makes available.
const promoteBatch = 1000

// promote makes scheduled and retryable jobs whose time has come available, so the claim query
// reads one state in index order (state, priority, scheduled_at, id) and stops after its LIMIT.
//
// On MySQL the due ids are read first without locks, then updated by primary key with the same
// guard. A single UPDATE … WHERE state IN (…) AND scheduled_at <= ? would lock its way along
// jobs_due_idx and then the rows, the opposite order of a finishing worker's UPDATE by id (row
// first, then its index entries): under concurrent workers the two deadlocked on every few
// passes. Updating by id takes locks in the order everyone else does, and a pass with nothing due
// (the usual case, on every poll and wake) takes no lock at all.
func (d *driver) promote(ctx context.Context, now time.Time) error {
	if d.dialect != migrations.MySQL {
		// SQLite: one writer at a time, no lock order to respect.
		_, err := d.db.ExecContext(ctx, `UPDATE jobs SET state = 'available'
			WHERE state IN ('scheduled', 'retryable') AND scheduled_at <= ?`, now)
		return err
	}
	for {
		ids, err := d.dueIDs(ctx, now)
		if err != nil || len(ids) == 0 {
			return err
		}
		err = retry(ctx, func() error {
			_, err := d.db.ExecContext(ctx, `UPDATE jobs SET state = 'available'
				WHERE id IN (`+placeholders(len(ids))+`) AND state IN ('scheduled', 'retryable') AND scheduled_at <= ?`,
				append(anys(ids), now)...)
			return err
		})
		if err != nil || len(ids) < promoteBatch {
			return err
		}
	}
}

// dueIDs reads, without locking, the ids of scheduled and retryable jobs due at now, in id order.
func (d *driver) dueIDs(ctx context.Context, now time.Time) ([]int64, error) {
	var ids []int64
	for _, state := range []State{StateScheduled, StateRetryable} {
		rows, err := d.db.QueryContext(ctx, `SELECT id FROM jobs WHERE state = ? AND scheduled_at <= ? ORDER BY scheduled_at LIMIT ?`,
			string(state), now, promoteBatch-len(ids))
		if ids, err = appendIDs(ids, rows, err); err != nil {
			return nil, err
		}
		if len(ids) >= promoteBatch {
			break
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// appendIDs appends the ids a query of one id column returned (rows, err as QueryContext gave
// them) and closes the rows.
func appendIDs(ids []int64, rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			_ = rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	return ids, nil
}

// claim leases up to limit available jobs of the given kinds to owner.
func (d *driver) claim(ctx context.Context, kinds []string, limit int, owner string, now time.Time, lease time.Duration) ([]*JobRow, error) {
	if limit <= 0 || len(kinds) == 0 {
		return nil, nil
	}
	var jobs []*JobRow
	err := retry(ctx, func() error {
		var err error
		jobs, err = d.claimOnce(ctx, kinds, limit, owner, now, lease)
		return err
	})
	return jobs, err
}

func (d *driver) claimOnce(ctx context.Context, kinds []string, limit int, owner string, now time.Time, lease time.Duration) ([]*JobRow, error) {
	tx, err := d.db.BeginTx(ctx, d.readCommitted())
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit

	args := append(anys(kinds), limit)
	rows, err := tx.QueryContext(ctx, `SELECT id FROM jobs WHERE state = 'available' AND kind IN (`+
		placeholders(len(kinds))+`) ORDER BY priority, scheduled_at, id LIMIT ?`+d.skipLocked(), args...)
	ids, err := appendIDs(nil, rows, err)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, tx.Commit()
	}
	in := placeholders(len(ids))
	upd := append([]any{now, owner, now.Add(lease)}, anys(ids)...)
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'running', attempt = attempt + 1,
		attempted_at = ?, attempted_by = ?, lease_expires_at = ? WHERE id IN (`+in+`)`, upd...); err != nil {
		return nil, err
	}
	jobs, err := d.list(ctx, tx, `SELECT `+jobColumns+` FROM jobs WHERE id IN (`+in+`) ORDER BY priority, scheduled_at, id`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	return jobs, tx.Commit()
}

func (d *driver) list(ctx context.Context, q querier, query string, args ...any) ([]*JobRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []*JobRow
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// guard matches the attempt a worker holds; a rescued or re-claimed job no longer matches.
const guard = ` WHERE id = ? AND state = 'running' AND attempt = ? AND attempted_by = ?`

// extend renews a running job's lease. It reports (false, nil) when the lease is gone and
// cancelRequested when Client.Cancel asked the job to stop.
func (d *driver) extend(ctx context.Context, j *JobRow, until time.Time) (held, cancelRequested bool, err error) {
	var res sql.Result
	err = retry(ctx, func() (err error) {
		res, err = d.db.ExecContext(ctx, `UPDATE jobs SET lease_expires_at = ?`+guard+` AND cancel_requested_at IS NULL`,
			until, j.ID, j.Attempt, j.AttemptedBy)
		return err
	})
	if err != nil {
		return true, false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return true, false, err
	}
	var n int
	err = d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs`+guard, j.ID, j.Attempt, j.AttemptedBy).Scan(&n)
	if err != nil {
		return true, false, err
	}
	return n == 1, n == 1, nil
}

// outcome is how an attempt ends.
type outcome struct {
	state       State     // final state, or StateRetryable / StateScheduled to run again
	scheduledAt time.Time // when to run again
	errors      []AttemptError
	giveBack    bool // snooze: the attempt does not count
}

// finish records the outcome of the attempt j holds. It reports false when the attempt no
// longer holds the job (rescued after a lost lease).
func (d *driver) finish(ctx context.Context, j *JobRow, o outcome, now time.Time) (bool, error) {
	errs, err := json.Marshal(o.errors)
	if err != nil {
		return false, err
	}
	if o.errors == nil {
		errs = []byte("[]")
	}
	var res sql.Result
	exec := func(query string, args ...any) {
		err = retry(ctx, func() (err error) {
			res, err = d.db.ExecContext(ctx, query, args...)
			return err
		})
	}
	if o.state.Finalized() {
		exec(`UPDATE jobs SET state = ?, finalized_at = ?, errors = ?,
			lease_expires_at = NULL, unique_key_active = NULL`+guard,
			string(o.state), now, string(errs), j.ID, j.Attempt, j.AttemptedBy)
	} else {
		giveBack := 0
		if o.giveBack {
			giveBack = 1
		}
		// A cancel requested while the job ran wins over running it again.
		exec(`UPDATE jobs SET
			state = CASE WHEN cancel_requested_at IS NULL THEN ? ELSE 'cancelled' END,
			finalized_at = CASE WHEN cancel_requested_at IS NULL THEN NULL ELSE ? END,
			unique_key_active = CASE WHEN cancel_requested_at IS NULL THEN unique_key_active ELSE NULL END,
			scheduled_at = ?, errors = ?, attempt = attempt - ?, lease_expires_at = NULL`+guard,
			string(o.state), now, o.scheduledAt, string(errs), giveBack, j.ID, j.Attempt, j.AttemptedBy)
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// rescue returns running jobs whose lease expired to the queue, or discards them when out of
// attempts (cancels them when a cancel was requested). It reports how many it changed.
func (d *driver) rescue(ctx context.Context, now time.Time, limit int) (int, error) {
	var n int
	err := retry(ctx, func() (err error) {
		n, err = d.rescueOnce(ctx, now, limit)
		return err
	})
	return n, err
}

func (d *driver) rescueOnce(ctx context.Context, now time.Time, limit int) (int, error) {
	tx, err := d.db.BeginTx(ctx, d.readCommitted())
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	expired, err := d.list(ctx, tx, `SELECT `+jobColumns+` FROM jobs WHERE state = 'running' AND lease_expires_at < ?
		ORDER BY id LIMIT ?`+d.skipLocked(), now, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, j := range expired {
		errs := appendError(j.Errors, AttemptError{At: now, Attempt: j.Attempt,
			Error: fmt.Sprintf("jobs: lease of %s expired at %s (worker crashed or stalled)", j.AttemptedBy, j.LeaseExpiresAt.Format(time.RFC3339Nano))})
		b, err := json.Marshal(errs)
		if err != nil {
			return n, err
		}
		state, fin := StateAvailable, any(nil)
		switch {
		case !j.CancelRequestedAt.IsZero():
			state, fin = StateCancelled, now
		case j.Attempt >= j.MaxAttempts:
			state, fin = StateDiscarded, now
		}
		uniq := "unique_key_active"
		if fin != nil {
			uniq = "NULL"
		}
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = ?, finalized_at = ?, scheduled_at = ?, errors = ?,
			lease_expires_at = NULL, unique_key_active = `+uniq+guard+` AND lease_expires_at < ?`,
			string(state), fin, now, string(b), j.ID, j.Attempt, j.AttemptedBy, now)
		if err != nil {
			return n, err
		}
		if c, err := res.RowsAffected(); err == nil && c == 1 {
			n++
		}
	}
	return n, tx.Commit()
}

// prune deletes jobs that reached state before cutoff, in batches; it returns how many went.
func (d *driver) prune(ctx context.Context, state State, cutoff time.Time, batch int) (int64, error) {
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		rows, err := d.db.QueryContext(ctx, `SELECT id FROM jobs WHERE state = ? AND finalized_at < ? ORDER BY id LIMIT ?`,
			string(state), cutoff, batch)
		if err != nil {
			return total, err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				_ = rows.Close()
				return total, err
			}
			ids = append(ids, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return total, err
		}
		if len(ids) == 0 {
			return total, nil
		}
		var res sql.Result
		err = retry(ctx, func() (err error) {
			res, err = d.db.ExecContext(ctx, `DELETE FROM jobs WHERE id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
			return err
		})
		if err != nil {
			return total, err
		}
		n, _ := res.RowsAffected()
		total += n
		if len(ids) < batch {
			return total, nil
		}
	}
}

// cancel ends a waiting job at once, or flags a running one so its worker is told to stop.
func (d *driver) cancel(ctx context.Context, id int64, now time.Time) error {
	res, err := d.db.ExecContext(ctx, `UPDATE jobs SET state = 'cancelled', finalized_at = ?, cancel_requested_at = ?,
		unique_key_active = NULL WHERE id = ? AND state IN ('available', 'scheduled', 'retryable')`, now, now, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	_, err = d.db.ExecContext(ctx, `UPDATE jobs SET cancel_requested_at = ?
		WHERE id = ? AND state = 'running' AND cancel_requested_at IS NULL`, now, id)
	return err
}

// maxErrorLen and maxErrors bound the error history of one job.
const (
	maxErrorLen = 2000
	maxErrors   = 30
)

func appendError(errs []AttemptError, e AttemptError) []AttemptError {
	if len(e.Error) > maxErrorLen {
		cut := maxErrorLen
		for cut > 0 && !utf8.RuneStart(e.Error[cut]) {
			cut--
		}
		e.Error = e.Error[:cut] + "…"
	}
	out := append(slices.Clone(errs), e)
	if len(out) > maxErrors {
		out = out[len(out)-maxErrors:]
	}
	return out
}
