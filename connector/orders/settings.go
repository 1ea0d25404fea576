package orders

import (
	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// DefaultMaxCostRise is the percent an IWS cost may exceed a listing's cost basis before an
// order is held, when the shop does not say (`shop settings --max-cost-rise`).
var DefaultMaxCostRise = decimal.NewFromInt(3)

// FulfilledStatus is the storefront status the shop's orders get once their tracking is written
// back (`shop settings --fulfilled-status`): completed unless the shop chose processing.
func FulfilledStatus(shop store.Shop) platforms.OrderStatus {
	if shop.FulfilledStatus == store.FulfilledProcessing {
		return platforms.OrderProcessing
	}
	return platforms.OrderCompleted
}

// MaxCostRise is the shop's cost tolerance in percent.
func MaxCostRise(shop store.Shop) decimal.Decimal {
	if d, err := decimal.NewFromString(shop.MaxCostRise); err == nil && !d.IsNegative() {
		return d
	}
	return DefaultMaxCostRise
}
