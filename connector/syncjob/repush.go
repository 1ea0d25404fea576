package syncjob

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/internal/correlation"
)

// KindRepushListing is the job kind of a push of one SKU to one shop asked for by a person (the
// web UI's "push now"); persisted in the jobs table: keep it stable.
const KindRepushListing = "repush_listing"

// RepushListing marks one listing to be sent whole again and pushes its shop.
type RepushListing struct {
	ShopID int64  `json:"shop_id"`
	SKU    string `json:"sku"`
	// After is as in PushListings: the id of the same repush, already running when this one was
	// queued.
	After int64 `json:"after,omitempty"`
}

// Kind implements jobs.JobArgs.
func (RepushListing) Kind() string { return KindRepushListing }

// InsertOpts implements jobs.ArgsWithInsertOpts: one waiting repush per shop and SKU; a failed
// plan is retried twice.
func (a RepushListing) InsertOpts() jobs.InsertOpts {
	key := "shop:" + strconv.FormatInt(a.ShopID, 10) + ":sku:" + a.SKU
	if a.After != 0 {
		key += ":after:" + strconv.FormatInt(a.After, 10)
	}
	return jobs.InsertOpts{MaxAttempts: 3, UniqueKey: key}
}

// maxRepushSKU keeps a repush's unique key within the jobs table's 255 bytes.
const maxRepushSKU = 180

// EnqueueRepush queues a repush of sku to the shop. The mark and the push happen in the job,
// under the account's run lock, never in the caller. A repush of the same SKU still waiting is
// that one; one already running may have pushed before the caller asked, so another is queued
// behind it. An empty or overlong SKU is ErrInvalid.
func EnqueueRepush(ctx context.Context, client *jobs.Client, shopID int64, sku string) (*jobs.JobRow, error) {
	sku = strings.TrimSpace(sku)
	if sku == "" || len(sku) > maxRepushSKU {
		return nil, fmt.Errorf("%w: a SKU of 1 to %d bytes", ErrInvalid, maxRepushSKU)
	}
	if client == nil {
		return nil, fmt.Errorf("syncjob: queue repush of %s to shop %d: no job client", sku, shopID)
	}
	args := RepushListing{ShopID: shopID, SKU: sku}
	for range 3 {
		res, err := client.Insert(ctx, args, nil)
		if err != nil {
			return nil, fmt.Errorf("syncjob: queue repush of %s to shop %d: %w", sku, shopID, err)
		}
		if !res.Duplicate || res.Job.State != jobs.StateRunning {
			return res.Job, nil
		}
		args.After = res.Job.ID
	}
	return nil, fmt.Errorf("syncjob: queue repush of %s to shop %d: every repush found is running", sku, shopID)
}

// RepushRequest is one repush to run.
type RepushRequest struct {
	ShopID int64
	SKU    string
	// NoWait and OnProgress are as in Request.
	NoWait     bool
	OnProgress func(stage string, done int)
}

// Repush marks the shop's listing of the SKU to be sent whole (listing.Syncer.MarkRepush),
// holding the run lock of the shop's account, then pushes the shop as Push does (from the mirror
// as it is; no IWS feed is read): whatever else is pending for the shop goes with it. A sync of
// the account that runs between the two pushes the marked listing itself: the mark is only ever
// undone by a push that sends it.
func (r *Runner) Repush(ctx context.Context, req RepushRequest) (ShopSummary, error) {
	shop, err := r.connectedShop(ctx, req.ShopID)
	if err != nil {
		return ShopSummary{ShopID: req.ShopID}, err
	}
	err = r.exclusive(ctx, shop.IWSAccountID, Request{NoWait: req.NoWait, OnProgress: req.OnProgress}, func(ctx context.Context) error {
		ctx = correlation.WithShopID(correlation.WithAccountID(ctx, shop.IWSAccountID), shop.ID)
		if _, err := r.syncer().MarkRepush(ctx, shop.ID, req.SKU); err != nil {
			return fmt.Errorf("syncjob: shop %d (%s): %w", shop.ID, shop.Name, err)
		}
		return nil
	})
	if err != nil {
		return ShopSummary{ShopID: shop.ID, Name: shop.Name, Platform: shop.Platform}, err
	}
	return r.Push(ctx, PushRequest{ShopID: shop.ID, NoWait: req.NoWait, OnProgress: req.OnProgress})
}

// repushWorker runs the repush_listing jobs; their outcomes are those of push_listings.
type repushWorker struct{ r *Runner }

// Work marks and pushes. A failed plan is an error (retried with backoff); a push whose plan was
// stored but whose storefront writes failed ends cancelled with that error (the change stays
// pending with it); a busy account snoozes the job; an unknown or disconnected shop cancels it.
func (w repushWorker) Work(ctx context.Context, job *jobs.Job[RepushListing]) error {
	ctx = correlation.WithJobID(ctx, strconv.FormatInt(job.ID, 10))
	ss, err := w.r.Repush(ctx, RepushRequest{ShopID: job.Args.ShopID, SKU: job.Args.SKU, NoWait: true})
	return w.r.jobOutcome(err, ss.Planned, "storefront push failed")
}
