package syncjob

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/schedule"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/iws"
)

// Job kinds. They are persisted in the jobs table: keep them stable.
const (
	KindSyncCatalog = "sync_catalog"
	KindSyncPrices  = "sync_prices"
	KindSyncStock   = "sync_stock"
	KindSyncContent = "sync_content"
	KindSyncAll     = "sync_all"
	KindAuditPurge  = "audit_purge"
)

// syncMaxAttempts bounds the retries of a failed sync: the schedule brings the next run anyway,
// and every retry reads the IWS feeds again.
const syncMaxAttempts = 5

// Target is the arguments every sync job takes: the IWS account and, optionally, one shop.
type Target struct {
	AccountID int64 `json:"account_id"`
	ShopID    int64 `json:"shop_id,omitempty"`
}

func (t Target) target() Target { return t }

// insertOpts gives every sync job the unique key of its account, so the queue never holds two
// live runs of one account and kind (the unique index is on kind and key). The scheduler passes
// its own key naming the due time; the Runner's per-account lock still serializes those.
func (t Target) insertOpts() jobs.InsertOpts {
	return jobs.InsertOpts{MaxAttempts: syncMaxAttempts, UniqueKey: "account:" + strconv.FormatInt(t.AccountID, 10)}
}

// SyncCatalog syncs the IWS catalog (descriptions, categories, activity) and pushes the listings.
type SyncCatalog struct{ Target }

// SyncPrices syncs the IWS price list and pushes the listings.
type SyncPrices struct{ Target }

// SyncStock syncs the IWS inventory and pushes the listings.
type SyncStock struct{ Target }

// SyncContent downloads the IWS extended catalog (content, images) and pushes the listings.
type SyncContent struct{ Target }

// SyncAll syncs catalog, prices and stock (and the extended catalog if never fetched) and pushes
// the listings.
type SyncAll struct{ Target }

// Kind implements jobs.JobArgs.
func (SyncCatalog) Kind() string { return KindSyncCatalog }

// Kind implements jobs.JobArgs.
func (SyncPrices) Kind() string { return KindSyncPrices }

// Kind implements jobs.JobArgs.
func (SyncStock) Kind() string { return KindSyncStock }

// Kind implements jobs.JobArgs.
func (SyncContent) Kind() string { return KindSyncContent }

// Kind implements jobs.JobArgs.
func (SyncAll) Kind() string { return KindSyncAll }

// InsertOpts implements jobs.ArgsWithInsertOpts.
func (a SyncCatalog) InsertOpts() jobs.InsertOpts { return a.insertOpts() }

// InsertOpts implements jobs.ArgsWithInsertOpts.
func (a SyncPrices) InsertOpts() jobs.InsertOpts { return a.insertOpts() }

// InsertOpts implements jobs.ArgsWithInsertOpts.
func (a SyncStock) InsertOpts() jobs.InsertOpts { return a.insertOpts() }

// InsertOpts implements jobs.ArgsWithInsertOpts.
func (a SyncContent) InsertOpts() jobs.InsertOpts { return a.insertOpts() }

// InsertOpts implements jobs.ArgsWithInsertOpts.
func (a SyncAll) InsertOpts() jobs.InsertOpts { return a.insertOpts() }

// AuditPurge deletes old rows of the API call log.
type AuditPurge struct{}

// Kind implements jobs.JobArgs.
func (AuditPurge) Kind() string { return KindAuditPurge }

// InsertOpts implements jobs.ArgsWithInsertOpts: one purge at a time.
func (AuditPurge) InsertOpts() jobs.InsertOpts {
	return jobs.InsertOpts{MaxAttempts: 3, Priority: 4, UniqueKey: "global"}
}

// ArgsFor returns the job args of a sync kind for a target.
func ArgsFor(kind catalog.Kind, t Target) (jobs.JobArgs, error) {
	switch kind {
	case catalog.KindCatalog:
		return SyncCatalog{t}, nil
	case catalog.KindPrices:
		return SyncPrices{t}, nil
	case catalog.KindStock:
		return SyncStock{t}, nil
	case catalog.KindContent:
		return SyncContent{t}, nil
	case catalog.KindAll:
		return SyncAll{t}, nil
	}
	return nil, fmt.Errorf("%w: sync kind %q", ErrInvalid, kind)
}

// ScheduleKinds are the jobs the IWS schedules enqueue (schedule.IWSSchedules): catalog, prices,
// stock and the extended catalog per account, and the audit purge.
func ScheduleKinds() schedule.IWSKinds {
	return schedule.IWSKinds{
		Catalog:         func(id int64) jobs.JobArgs { return SyncCatalog{Target{AccountID: id}} },
		Prices:          func(id int64) jobs.JobArgs { return SyncPrices{Target{AccountID: id}} },
		Stock:           func(id int64) jobs.JobArgs { return SyncStock{Target{AccountID: id}} },
		ExtendedCatalog: func(id int64) jobs.JobArgs { return SyncContent{Target{AccountID: id}} },
		AuditPurge:      func() jobs.JobArgs { return AuditPurge{} },
	}
}

// SnoozeForThrottle is jobs.Config.SnoozeFor for IWS: a throttled call ("wait N seconds")
// snoozes the job for the time IWS asks (DefaultThrottleWait when it names none), without using
// an attempt.
func SnoozeForThrottle(err error) (time.Duration, bool) {
	if !iws.IsThrottled(err) {
		return 0, false
	}
	d := iws.RetryAfter(err)
	if d <= 0 {
		d = iws.DefaultThrottleWait
	}
	return d, true
}

// PurgePolicy is what the audit purge keeps: rows younger than MaxAge (0: any age), at most
// MaxRows newest (0: no limit).
type PurgePolicy struct {
	MaxAge  time.Duration
	MaxRows int
}

// AddWorkers registers the sync workers (running through r), the listing verification and push
// workers and the audit purge worker.
func AddWorkers(ws *jobs.Workers, r *Runner, purge PurgePolicy) {
	jobs.AddWorker(ws, syncWorker[SyncCatalog]{r: r, kind: catalog.KindCatalog})
	jobs.AddWorker(ws, syncWorker[SyncPrices]{r: r, kind: catalog.KindPrices})
	jobs.AddWorker(ws, syncWorker[SyncStock]{r: r, kind: catalog.KindStock})
	jobs.AddWorker(ws, syncWorker[SyncContent]{r: r, kind: catalog.KindContent})
	jobs.AddWorker(ws, syncWorker[SyncAll]{r: r, kind: catalog.KindAll})
	jobs.AddWorker(ws, purgeWorker{st: r.cfg.Store, policy: purge, logger: r.logger})
	jobs.AddWorker(ws, verifyWorker{r: r})
	jobs.AddWorker(ws, pushWorker{r: r})
	jobs.AddWorker(ws, repushWorker{r: r})
}

type syncArgs interface {
	jobs.JobArgs
	target() Target
}

// syncWorker runs one sync kind through the Runner.
type syncWorker[T syncArgs] struct {
	r    *Runner
	kind catalog.Kind
}

// Work runs the sync. A failed catalog run is an error (retried with backoff; an IWS throttle
// snoozes it through Config.SnoozeFor). A run whose catalog succeeded but whose storefront push
// failed ends the job cancelled with that error rather than retried: a retry would read every IWS
// feed again, while the failed listings stay pending and the next run pushes them. An unknown
// account or shop cancels the job too. When another process holds the account lock (another
// serve instance, `connector sync`), the job is snoozed for Config.BusySnooze plus jitter rather
// than blocking a worker for a run of unknown length; a run of this process is waited for.
func (w syncWorker[T]) Work(ctx context.Context, job *jobs.Job[T]) error {
	t := job.Args.target()
	ctx = correlation.WithJobID(ctx, strconv.FormatInt(job.ID, 10))
	content := catalog.ContentIfNeverFetched
	sum, err := w.r.Run(ctx, Request{AccountID: t.AccountID, ShopID: t.ShopID, Kind: w.kind, Content: content, NoWait: true})
	return w.r.jobOutcome(err, sum.Catalog.Status == store.SyncSucceeded, "storefront push failed")
}

// jobOutcome is what a sync or verification job ends with, given its run's error: done; snoozed
// while another process holds the account (ErrBusy); cancelled when the request cannot run
// (ErrInvalid), or when only the storefront push after a good first stage failed (pushFailed: a
// retry would redo the whole run, while the failed listings stay pending for the next one, said
// as what); otherwise the error, retried with backoff.
func (r *Runner) jobOutcome(err error, pushFailed bool, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrBusy):
		return jobs.Snooze(r.busySnooze())
	case errors.Is(err, ErrInvalid):
		return jobs.Cancel(err)
	case pushFailed:
		return jobs.Cancel(fmt.Errorf("%s, changes kept pending for the next run: %w", what, err))
	}
	return err
}

// purgeWorker deletes old API call log rows.
type purgeWorker struct {
	st     *store.Store
	policy PurgePolicy
	logger *slog.Logger
}

func (w purgeWorker) Work(ctx context.Context, job *jobs.Job[AuditPurge]) error {
	n, err := w.st.PurgeAPICalls(ctx, w.policy.MaxAge, w.policy.MaxRows)
	if err != nil {
		return fmt.Errorf("syncjob: audit purge: %w", err)
	}
	w.logger.InfoContext(ctx, "audit log purged", "job", job.ID, "deleted", n)
	return nil
}
