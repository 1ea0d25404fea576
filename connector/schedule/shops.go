package schedule

import (
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
)

// The listing verification reads a shop's whole catalog back from its storefront: daily by
// default, at most hourly (a 50,000-product Shopify store spends a good part of its API budget
// on one read).
const (
	NameVerifyListings            = "verify_listings"
	DefaultVerifyListingsInterval = 24 * time.Hour
	MinVerifyListingsInterval     = time.Hour
)

// The reconciliation sweep lists a shop's recently paid orders, so a lost webhook loses no
// order: every 5 minutes by default, at most every minute.
const (
	NameSweepOrders            = "sweep_orders"
	DefaultSweepOrdersInterval = 5 * time.Minute
	MinSweepOrdersInterval     = time.Minute
)

// ShopIntervals configures the per-shop schedules; zero fields take the defaults above.
type ShopIntervals struct {
	VerifyListings time.Duration
	SweepOrders    time.Duration
}

// ShopKinds builds the job of each per-shop schedule from a shop id; a nil function leaves that
// schedule out.
type ShopKinds struct {
	VerifyListings func(shopID int64) jobs.JobArgs
	SweepOrders    func(shopID int64) jobs.JobArgs
}

// ShopSchedules returns the per-shop schedules, with their minimum intervals enforced (an
// interval below the minimum is an error, never silently raised).
func ShopSchedules(iv ShopIntervals, k ShopKinds) ([]Schedule, error) {
	var out []Schedule
	if k.VerifyListings != nil {
		interval := iv.VerifyListings
		if interval == 0 {
			interval = DefaultVerifyListingsInterval
		}
		out = append(out, Schedule{Name: NameVerifyListings, Interval: interval, MinInterval: MinVerifyListingsInterval,
			PerShop: true, Args: k.VerifyListings})
	}
	if k.SweepOrders != nil {
		interval := iv.SweepOrders
		if interval == 0 {
			interval = DefaultSweepOrdersInterval
		}
		out = append(out, Schedule{Name: NameSweepOrders, Interval: interval, MinInterval: MinSweepOrdersInterval,
			PerShop: true, Args: k.SweepOrders})
	}
	if err := Validate(out); err != nil {
		return nil, err
	}
	return out, nil
}
