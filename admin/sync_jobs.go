package admin

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
)

// syncJobJSON is a queued sync or push job with its progress, as the API and the progress
// script read it.
type syncJobJSON struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"` // the job kind: sync_catalog ... push_listings
	Feed      string `json:"feed"` // catalog, prices, stock, content, all, or push
	AccountID int64  `json:"account_id,omitempty"`
	ShopID    int64  `json:"shop_id,omitempty"`
	// JobState is the queue's state (available, scheduled, running, retryable, completed,
	// cancelled, discarded); State the progress element's: queued, running, finished, failed.
	JobState string `json:"job_state"`
	State    string `json:"state"`
	Attempt  int    `json:"attempt"`
	// Stage is what the job is doing (the stage of its newest API call: catalog, prices, stock,
	// content, listings) while it runs; Calls and FailedCalls count its API calls so far.
	Stage       string           `json:"stage"`
	Calls       int64            `json:"calls"`
	FailedCalls int64            `json:"failed_calls"`
	RunID       int64            `json:"run_id,omitempty"` // the sync run the job started, once known
	Counts      store.SyncCounts `json:"counts"`           // the run's, once it finished
	Error       string           `json:"error,omitempty"`  // the last attempt's error
	CreatedAt   time.Time        `json:"created_at"`
	AttemptedAt *time.Time       `json:"attempted_at"`
	FinalizedAt *time.Time       `json:"finalized_at"`
	Duplicate   bool             `json:"duplicate,omitempty"` // POST: the job was already waiting or running
}

// syncJobState maps a job's state to the progress element's.
func syncJobState(s jobs.State) string {
	switch s {
	case jobs.StateRunning, jobs.StateRetryable:
		return "running"
	case jobs.StateCompleted:
		return "finished"
	case jobs.StateCancelled, jobs.StateDiscarded:
		return "failed"
	}
	return "queued"
}

// Created is when the job was queued (templates).
func (j syncJobJSON) Created() string { return dashTime(j.CreatedAt) }

// syncJobOf describes a job row without its progress; ok is false for a job that is not a sync
// or a push.
func syncJobOf(row *jobs.JobRow) (syncJobJSON, bool) {
	m, ok := syncjob.ManualJobOf(row)
	if !ok {
		return syncJobJSON{}, false
	}
	j := syncJobJSON{ID: row.ID, Kind: row.Kind, Feed: m.Feed, AccountID: m.AccountID, ShopID: m.ShopID,
		JobState: string(row.State), State: syncJobState(row.State), Attempt: row.Attempt, CreatedAt: row.CreatedAt}
	if !row.AttemptedAt.IsZero() {
		at := row.AttemptedAt
		j.AttemptedAt = &at
	}
	if !row.FinalizedAt.IsZero() {
		at := row.FinalizedAt
		j.FinalizedAt = &at
	}
	if n := len(row.Errors); n > 0 {
		j.Error = row.Errors[n-1].Error
	}
	return j, true
}

// syncJobProgress adds what the API call log says: the stage, the calls, the run and its counts.
func (u *UI) syncJobProgress(ctx context.Context, j *syncJobJSON) error {
	if j.State == "queued" && j.Attempt == 0 {
		return nil
	}
	id := strconv.FormatInt(j.ID, 10)
	p, err := u.syncProgressOf(ctx, store.APICallFilter{JobID: id})
	if err != nil {
		return err
	}
	j.Calls, j.FailedCalls = p.Calls, p.FailedCalls
	if j.State == "running" {
		j.Stage = p.Stage
	}
	runID, err := u.cfg.Sync.Store.JobSyncRunID(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	j.RunID = runID
	run, err := u.cfg.Sync.Store.SyncRun(ctx, runID)
	if err != nil {
		return err
	}
	j.Counts = run.Counts
	return nil
}

// syncJob reads one job with its progress; a job that is not a sync or a push is not found.
func (u *UI) syncJob(ctx context.Context, id int64) (syncJobJSON, error) {
	row, err := u.cfg.Sync.Jobs.Get(ctx, id)
	if err != nil {
		return syncJobJSON{}, err
	}
	j, ok := syncJobOf(row)
	if !ok {
		return syncJobJSON{}, store.ErrNotFound
	}
	return j, u.syncJobProgress(ctx, &j)
}

// syncLiveJobs are the sync and push jobs waiting or running, newest first.
func (u *UI) syncLiveJobs(ctx context.Context) ([]syncJobJSON, error) {
	rows, err := u.cfg.Sync.Jobs.List(ctx, jobs.ListFilter{Kinds: syncjob.ManualJobKinds, Limit: 50,
		States: []jobs.State{jobs.StateAvailable, jobs.StateScheduled, jobs.StateRetryable, jobs.StateRunning}})
	if err != nil {
		return nil, err
	}
	out := []syncJobJSON{}
	for _, r := range rows {
		if j, ok := syncJobOf(r); ok {
			out = append(out, j)
		}
	}
	return out, nil
}

// syncRunNow is POST /sync/run (kind, account): queue a sync of the feed now and show its
// progress. Without account, the default IWS account's.
func (u *UI) syncRunNow(c *gin.Context) {
	ctx := c.Request.Context()
	accountID, ok := u.syncAccountID(c, c.PostForm("account"))
	if !ok {
		return
	}
	res, err := syncjob.EnqueueManualSync(ctx, u.cfg.Sync.Jobs, u.cfg.Sync.Store, c.PostForm("kind"), accountID)
	switch {
	case errors.Is(err, syncjob.ErrInvalid):
		u.errorPage(c, http.StatusBadRequest, "sync.error.unknown_kind")
		return
	case errors.Is(err, store.ErrNotFound):
		u.errorPage(c, http.StatusNotFound, "error.not_found")
		return
	case err != nil:
		u.log.ErrorContext(ctx, "admin: queue sync", "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	if res.Duplicate {
		u.flash(c, flashInfo, "sync.flash.already_queued")
	} else {
		u.flash(c, flashSuccess, "sync.flash.queued")
	}
	c.Redirect(http.StatusSeeOther, "/sync/jobs/"+strconv.FormatInt(res.Job.ID, 10))
}

// syncAccountID reads an account id, or the default account's when raw is empty; it answers
// the request itself when it cannot.
func (u *UI) syncAccountID(c *gin.Context, raw string) (int64, bool) {
	if raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			u.fail(c, http.StatusNotFound, CodeNotFound, "error.not_found")
			return 0, false
		}
		return id, true
	}
	acct, err := u.cfg.Sync.Store.DefaultIWSAccount(c.Request.Context())
	switch {
	case errors.Is(err, store.ErrNotFound):
		u.fail(c, http.StatusNotFound, CodeNotFound, "sync.error.no_account")
		return 0, false
	case err != nil:
		u.log.ErrorContext(c.Request.Context(), "admin: default IWS account", "err", err)
		u.fail(c, http.StatusInternalServerError, CodeInternal, "error.internal")
		return 0, false
	}
	return acct.ID, true
}

// syncPushNow is POST /sync/push (shop): queue a push of the shop's listings and show its
// progress.
func (u *UI) syncPushNow(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.PostForm("shop"), 10, 64)
	if err != nil || id <= 0 {
		u.errorPage(c, http.StatusNotFound, "error.not_found")
		return
	}
	job, err := syncjob.EnqueueManualPush(ctx, u.cfg.Sync.Jobs, u.cfg.Sync.Store, id)
	switch {
	case errors.Is(err, syncjob.ErrInvalid):
		u.flash(c, flashError, "sync.flash.shop_disconnected")
		c.Redirect(http.StatusSeeOther, "/sync")
		return
	case errors.Is(err, store.ErrNotFound):
		u.errorPage(c, http.StatusNotFound, "error.not_found")
		return
	case err != nil:
		u.log.ErrorContext(ctx, "admin: queue push", "shop", id, "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	u.flash(c, flashSuccess, "sync.flash.push_queued")
	c.Redirect(http.StatusSeeOther, "/sync/jobs/"+strconv.FormatInt(job.ID, 10))
}

// syncJobPageData is the job page's data.
type syncJobPageData struct {
	Job  syncJobJSON
	Shop string // the pushed shop's name
}

// syncJobPage is GET /sync/jobs/:id: a queued sync or push and its live progress (the page's
// script polls GET /api/v1/sync/jobs/:id; without it, a refresh shows the state).
func (u *UI) syncJobPage(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		u.errorPage(c, http.StatusNotFound, "error.not_found")
		return
	}
	j, err := u.syncJob(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		u.errorPage(c, http.StatusNotFound, "error.not_found")
		return
	case err != nil:
		u.log.ErrorContext(ctx, "admin: sync job", "job", id, "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	data := syncJobPageData{Job: j}
	if j.ShopID != 0 {
		if shop, err := u.cfg.Sync.Store.ShopWithoutCredentials(ctx, j.ShopID); err == nil {
			data.Shop = shop.Name
		}
	}
	u.render(c, http.StatusOK, "sync_job", data)
}

// apiSyncJob is GET /api/v1/sync/jobs/:id: a sync or push job and its progress.
func (u *UI) apiSyncJob(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		u.apiError(c, http.StatusNotFound, CodeNotFound, "error.not_found")
		return
	}
	j, err := u.syncJob(c.Request.Context(), id)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, j)
}

// apiSyncJobs is GET /api/v1/sync/jobs: the sync and push jobs waiting or running.
func (u *UI) apiSyncJobs(c *gin.Context) {
	js, err := u.syncLiveJobs(c.Request.Context())
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": js})
}

// apiSyncStartRequest is POST /api/v1/sync/jobs's body.
type apiSyncStartRequest struct {
	// Kind is a feed (catalog, prices, stock, content, all) or "push".
	Kind string `json:"kind"`
	// AccountID is the account of a sync (default: the default IWS account); ShopID the shop
	// of a push.
	AccountID int64 `json:"account_id"`
	ShopID    int64 `json:"shop_id"`
}

// apiSyncStart is POST /api/v1/sync/jobs: queue a sync of a feed or a push of a shop; 202 with
// the job (duplicate: true when the same sync was already waiting or running).
func (u *UI) apiSyncStart(c *gin.Context) {
	ctx := c.Request.Context()
	var body apiSyncStartRequest
	if err := c.ShouldBindJSON(&body); err != nil {
		u.apiError(c, http.StatusBadRequest, CodeInvalid, "sync.error.body")
		return
	}
	var row *jobs.JobRow
	duplicate := false
	var err error
	if body.Kind == syncjob.ManualPush {
		if body.ShopID <= 0 {
			u.apiError(c, http.StatusBadRequest, CodeInvalid, "sync.error.shop_required")
			return
		}
		row, err = syncjob.EnqueueManualPush(ctx, u.cfg.Sync.Jobs, u.cfg.Sync.Store, body.ShopID)
	} else {
		if !slices.Contains(syncKinds, body.Kind) {
			u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, u.i18n.T(u.lang(c), "sync.error.unknown_kind_named", body.Kind))
			return
		}
		accountID := body.AccountID
		if accountID == 0 {
			var ok bool
			if accountID, ok = u.syncAccountID(c, ""); !ok {
				return
			}
		}
		var res jobs.InsertResult
		res, err = syncjob.EnqueueManualSync(ctx, u.cfg.Sync.Jobs, u.cfg.Sync.Store, body.Kind, accountID)
		row, duplicate = res.Job, res.Duplicate
	}
	if errors.Is(err, syncjob.ErrInvalid) {
		u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, err.Error())
		return
	}
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	j, _ := syncJobOf(row)
	j.Duplicate = duplicate
	c.JSON(http.StatusAccepted, j)
}
