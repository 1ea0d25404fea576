package syncjob

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/schedule"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
)

// KindVerifyListings is the job kind of the listing verification of one shop (persisted in the
// jobs table: keep it stable).
const KindVerifyListings = "verify_listings"

// VerifyListings verifies one shop's listings against its storefront and repairs what differs.
type VerifyListings struct {
	ShopID int64 `json:"shop_id"`
}

// Kind implements jobs.JobArgs.
func (VerifyListings) Kind() string { return KindVerifyListings }

// InsertOpts implements jobs.ArgsWithInsertOpts: one live verification per shop; a failed read
// is retried twice (the schedule brings the next one the next day anyway).
func (a VerifyListings) InsertOpts() jobs.InsertOpts {
	return jobs.InsertOpts{MaxAttempts: 3, UniqueKey: "shop:" + strconv.FormatInt(a.ShopID, 10)}
}

// ShopScheduleKinds are the jobs the per-shop schedules enqueue (schedule.ShopSchedules).
func ShopScheduleKinds() schedule.ShopKinds {
	return schedule.ShopKinds{VerifyListings: func(shopID int64) jobs.JobArgs { return VerifyListings{ShopID: shopID} }}
}

// VerifyRequest is one verification to run.
type VerifyRequest struct {
	ShopID int64
	// NoWait and OnProgress are as in Request: a sync or verification of the shop's account in
	// another process is not waited for (ErrBusy), and a wait is reported.
	NoWait     bool
	OnProgress func(stage string, done int)
}

// VerifySummary is what a verification of one shop did: what the read of the store found, and
// the push that repaired it.
type VerifySummary struct {
	ShopID   int64
	Name     string
	Platform string
	Found    listing.VerifySummary
	// Verified: the store was read and its differences marked; the push (Changes, Push) follows.
	Verified bool
	Changes  listing.ChangeSet
	Push     listing.PushSummary
	Duration time.Duration
}

// Verify reads the shop's storefront and compares it with what was pushed (listing.Verify),
// then plans and pushes the shop, which repairs what differed (and sends anything else pending):
// the normal plan and push, not a side channel. It holds the shop's account run lock throughout,
// so it never runs beside a sync or another verification of the account's shops. The IWS mirror
// is not read again.
func (r *Runner) Verify(ctx context.Context, req VerifyRequest) (VerifySummary, error) {
	start := r.cfg.Now()
	sum := VerifySummary{ShopID: req.ShopID}
	shop, err := r.connectedShop(ctx, req.ShopID)
	if err != nil {
		return sum, err
	}
	sum.Name, sum.Platform = shop.Name, shop.Platform
	sf, err := r.cfg.Storefronts(shop)
	if err != nil {
		return sum, fmt.Errorf("syncjob: shop %d (%s): %w", shop.ID, shop.Name, err)
	}
	err = r.exclusive(ctx, shop.IWSAccountID, Request{NoWait: req.NoWait, OnProgress: req.OnProgress}, func(ctx context.Context) error {
		ctx = correlation.WithShopID(correlation.WithAccountID(ctx, shop.IWSAccountID), shop.ID)
		ls := r.syncer()
		if req.OnProgress != nil {
			req.OnProgress("reading "+shop.Name, 0)
		}
		found, err := ls.Verify(ctx, shop.ID, sf)
		sum.Found = found
		if err != nil {
			return fmt.Errorf("syncjob: shop %d (%s): %w", shop.ID, shop.Name, err)
		}
		sum.Verified = true
		if req.OnProgress != nil {
			req.OnProgress("listings "+shop.Name, 0)
		}
		ss := r.pushShopTo(ctx, ls, shop, sf, 0)
		sum.Changes, sum.Push = ss.Changes, ss.Push
		return ss.Err
	})
	sum.Duration = r.cfg.Now().Sub(start)
	if err == nil {
		r.logger.InfoContext(ctx, "listings verified", "shop", shop.ID, "checked", sum.Found.Checked, "matching", sum.Found.Matching,
			"repaired", sum.Found.Listings, "missing", sum.Found.Missing, "not_ours", sum.Found.NotOurs, "duration", sum.Duration)
	}
	return sum, err
}

// ResetRequest is one listing to reset.
type ResetRequest struct {
	ShopID int64
	SKU    string
	// OnProgress hears of a wait for a sync of the shop's account (as in Request).
	OnProgress func(stage string, done int)
}

// Reset resets one listing (listing.Syncer.Reset) holding the shop's account run lock, so that
// no push of the shop overwrites it: a running sync of the account is waited for. It returns the
// listing before and after.
func (r *Runner) Reset(ctx context.Context, req ResetRequest) (before, after store.Listing, err error) {
	shop, err := r.shop(ctx, req.ShopID)
	if err != nil {
		return before, after, err
	}
	err = r.exclusive(ctx, shop.IWSAccountID, Request{OnProgress: req.OnProgress}, func(ctx context.Context) error {
		before, after, err = r.syncer().Reset(ctx, shop.ID, req.SKU)
		return err
	})
	return before, after, err
}

// shop returns the shop with this id, or ErrInvalid.
func (r *Runner) shop(ctx context.Context, shopID int64) (store.Shop, error) {
	shop, err := r.cfg.Store.Shop(ctx, shopID)
	if errors.Is(err, store.ErrNotFound) {
		return shop, fmt.Errorf("%w: no shop with id %d: %w", ErrInvalid, shopID, err)
	}
	if err != nil {
		return shop, fmt.Errorf("syncjob: %w", err)
	}
	return shop, nil
}

// connectedShop returns the shop with this id if it can be pushed to, or ErrInvalid.
func (r *Runner) connectedShop(ctx context.Context, shopID int64) (store.Shop, error) {
	shop, err := r.shop(ctx, shopID)
	if err != nil {
		return shop, err
	}
	if shop.Disconnected() {
		return shop, fmt.Errorf("%w: shop %d was uninstalled (its credentials were removed): install it again or add it with new keys", ErrInvalid, shopID)
	}
	return shop, nil
}

// verifyWorker runs the verification jobs.
type verifyWorker struct{ r *Runner }

// Work verifies the shop. A failed read of the store is an error (retried with backoff); a
// verification whose repair push failed ends cancelled with that error (the repairs stay pending
// for the next sync); a busy account snoozes the job; an unknown or disconnected shop cancels it.
func (w verifyWorker) Work(ctx context.Context, job *jobs.Job[VerifyListings]) error {
	ctx = correlation.WithJobID(ctx, strconv.FormatInt(job.ID, 10))
	sum, err := w.r.Verify(ctx, VerifyRequest{ShopID: job.Args.ShopID, NoWait: true})
	return w.r.jobOutcome(err, sum.Verified, "repair push failed")
}
