package syncjob

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
)

// KindPushListings is the job kind of one shop's listing plan and push without an IWS sync
// (persisted in the jobs table: keep it stable). A change of the shop's pricing queues one
// (connector/rules: the web UI's margin rules, `connector rules import`).
const KindPushListings = "push_listings"

// PushListings plans and pushes one shop's listings from the mirror as it is.
type PushListings struct {
	ShopID int64 `json:"shop_id"`
	// After, when set, is the id of a push of the shop that was already running when this one
	// was queued: it names this job's unique key apart from that one's (see EnqueuePushTx).
	After int64 `json:"after,omitempty"`
}

// Kind implements jobs.JobArgs.
func (PushListings) Kind() string { return KindPushListings }

// InsertOpts implements jobs.ArgsWithInsertOpts: at most one push of a shop waits to run; a
// failed plan is retried twice (the next sync pushes anyway).
func (a PushListings) InsertOpts() jobs.InsertOpts {
	key := "shop:" + strconv.FormatInt(a.ShopID, 10)
	if a.After != 0 {
		key += ":after:" + strconv.FormatInt(a.After, 10)
	}
	return jobs.InsertOpts{MaxAttempts: 3, UniqueKey: key}
}

// EnqueuePushTx queues a push of the shop's listings in tx, so that it commits with the change
// that calls for it. A push of the shop still waiting to run is that push (it plans with the
// rules as they are when it runs, so it serves both changes); a push already running may have
// planned with the rules before tx, so another one is queued behind it.
func EnqueuePushTx(ctx context.Context, client *jobs.Client, tx *store.Tx, shopID int64) (*jobs.JobRow, error) {
	if client == nil {
		return nil, fmt.Errorf("syncjob: queue push of shop %d: no job client", shopID)
	}
	args := PushListings{ShopID: shopID}
	// Each step names its key after the running push found at the step before, so the loop
	// ends: a push running after this many handovers is a bug, not a queue.
	for range 3 {
		res, err := client.InsertTx(ctx, tx, args, nil)
		if err != nil {
			return nil, fmt.Errorf("syncjob: queue push of shop %d: %w", shopID, err)
		}
		if !res.Duplicate || res.Job.State != jobs.StateRunning {
			return res.Job, nil
		}
		args.After = res.Job.ID
	}
	return nil, fmt.Errorf("syncjob: queue push of shop %d: every push found is running", shopID)
}

// PushRequest is one push of a shop to run.
type PushRequest struct {
	ShopID int64
	// NoWait and OnProgress are as in Request.
	NoWait     bool
	OnProgress func(stage string, done int)
}

// Push plans one shop's listings from the mirror as it is (no IWS feed is read) and pushes them,
// holding the run lock of the shop's account as a sync does. The summary is returned with the
// error, as far as the push got; Planned tells whether the plan was stored.
func (r *Runner) Push(ctx context.Context, req PushRequest) (ShopSummary, error) {
	shop, err := r.connectedShop(ctx, req.ShopID)
	if err != nil {
		return ShopSummary{ShopID: req.ShopID}, err
	}
	start := r.cfg.Now()
	var ss ShopSummary
	err = r.exclusive(ctx, shop.IWSAccountID, Request{NoWait: req.NoWait, OnProgress: req.OnProgress}, func(ctx context.Context) error {
		ctx = correlation.WithAccountID(ctx, shop.IWSAccountID)
		counts, err := r.cfg.Store.CountProducts(ctx, shop.IWSAccountID)
		if err != nil {
			return fmt.Errorf("syncjob: %w", err)
		}
		if req.OnProgress != nil {
			req.OnProgress("listings "+shop.Name, 0)
		}
		ss = r.pushShop(ctx, r.syncer(), shop, counts.Total)
		return ss.Err
	})
	if ss.ShopID == 0 {
		ss = ShopSummary{ShopID: shop.ID, Name: shop.Name, Platform: shop.Platform}
	}
	if err == nil {
		r.logger.InfoContext(ctx, "listings pushed", "shop", shop.ID, "changes", ss.Changes.Len(),
			"duration", r.cfg.Now().Sub(start).Round(time.Millisecond))
	}
	return ss, err
}

// pushWorker runs the push_listings jobs.
type pushWorker struct{ r *Runner }

// Work pushes the shop. A failed plan is an error (retried with backoff); a push whose plan was
// stored but whose storefront writes failed ends cancelled with that error (the changes stay
// pending for the next sync); a busy account snoozes the job; an unknown or disconnected shop
// cancels it.
func (w pushWorker) Work(ctx context.Context, job *jobs.Job[PushListings]) error {
	ctx = correlation.WithJobID(ctx, strconv.FormatInt(job.ID, 10))
	ss, err := w.r.Push(ctx, PushRequest{ShopID: job.Args.ShopID, NoWait: true})
	return w.r.jobOutcome(err, ss.Planned, "storefront push failed")
}
