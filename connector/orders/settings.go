package orders

import (
	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/store"
)

// DefaultMaxCostRise is the percent an IWS cost may exceed a listing's cost basis before an
// order is held, when the shop does not say (`shop settings --max-cost-rise`).
var DefaultMaxCostRise = decimal.NewFromInt(3)

// MaxCostRise is the shop's cost tolerance in percent.
func MaxCostRise(shop store.Shop) decimal.Decimal {
	if d, err := decimal.NewFromString(shop.MaxCostRise); err == nil && !d.IsNegative() {
		return d
	}
	return DefaultMaxCostRise
}
