package orders

import (
	"context"
	"fmt"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
)

// TrackQueue enqueues and brings forward jobs (connector/jobs.Client).
type TrackQueue interface {
	Insert(ctx context.Context, args jobs.JobArgs, opts *jobs.InsertOpts) (jobs.InsertResult, error)
	RunNow(ctx context.Context, kind, uniqueKey string) (bool, error)
}

// What Refresh did with the order's track_order job.
const (
	TrackEnqueued       = "enqueued"        // there was none: a new one runs now
	TrackBroughtForward = "brought forward" // it waited for its next check: it runs now
	TrackAlreadyQueued  = "already queued"  // it is due or running already
)

// RefreshResult is what Refresh did.
type RefreshResult struct {
	JobID int64
	// What is TrackEnqueued, TrackBroughtForward or TrackAlreadyQueued.
	What string
}

// Refresh asks for a person that the order's status check (track_order: GetOrderStatus, and
// once invoiced its serials, tracking and invoice) run now: its job is enqueued, or brought
// forward when it waits for its next check. An order not placed with Intcomex has nothing to
// track: a RefusedError.
func Refresh(ctx context.Context, q TrackQueue, o store.Order) (RefreshResult, error) {
	if o.IntcomexOrderNumber == "" {
		number := o.StorefrontOrderNumber
		if number == "" {
			number = o.StorefrontOrderID
		}
		return RefreshResult{}, refused("order %s is %s and not placed with Intcomex: there is nothing to track yet", number, o.State)
	}
	return TrackNow(ctx, q, o.ID)
}

// TrackNow enqueues the order's track_order job, or brings it forward when it waits for its next
// check, and says which.
func TrackNow(ctx context.Context, q TrackQueue, orderID int64) (RefreshResult, error) {
	res, err := q.Insert(ctx, TrackOrderArgs{OrderID: orderID}, nil)
	if err != nil {
		return RefreshResult{}, fmt.Errorf("orders: track order %d now: %w", orderID, err)
	}
	if !res.Duplicate {
		return RefreshResult{JobID: res.Job.ID, What: TrackEnqueued}, nil
	}
	moved, err := q.RunNow(ctx, KindTrackOrder, TrackOrderKey(orderID))
	if err != nil {
		return RefreshResult{}, fmt.Errorf("orders: track order %d now: %w", orderID, err)
	}
	if moved {
		return RefreshResult{JobID: res.Job.ID, What: TrackBroughtForward}, nil
	}
	return RefreshResult{JobID: res.Job.ID, What: TrackAlreadyQueued}, nil
}

// CancelNeedsIWS reports whether Cancel asks IWS about o, so needs a client: the order is placed,
// or a PlaceOrder was made for it once (IWS may have it though the answer never came).
func CancelNeedsIWS(o store.Order) bool { return o.IntcomexOrderNumber != "" || o.Attempts > 0 }
