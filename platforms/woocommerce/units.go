package woocommerce

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/platforms"
)

// unitDigits is how many decimals a converted weight or length keeps: 0.1 mg, 0.0001 in.
const unitDigits = 4

// Exact factors from the connector's units (kilograms, centimetres) to the store's units, as
// numerator/denominator: 1 lb = 0.45359237 kg and 1 in = 2.54 cm by definition.
var (
	weightUnits = map[string][2]decimal.Decimal{
		"kg":  {decimal.NewFromInt(1), decimal.NewFromInt(1)},
		"g":   {decimal.NewFromInt(1000), decimal.NewFromInt(1)},
		"lbs": {decimal.NewFromInt(1), decimal.RequireFromString("0.45359237")},
		"oz":  {decimal.NewFromInt(16), decimal.RequireFromString("0.45359237")},
	}
	lengthUnits = map[string][2]decimal.Decimal{
		"cm": {decimal.NewFromInt(1), decimal.NewFromInt(1)},
		"m":  {decimal.NewFromInt(1), decimal.NewFromInt(100)},
		"mm": {decimal.NewFromInt(10), decimal.NewFromInt(1)},
		"in": {decimal.NewFromInt(1), decimal.RequireFromString("2.54")},
		"yd": {decimal.NewFromInt(1), decimal.RequireFromString("91.44")},
	}
)

// convertUnit turns a decimal string in the connector's unit into the store's unit, rounded to
// unitDigits and without trailing zeros; "" stays "" (unknown). The connector's own unit is
// passed through as written.
func convertUnit(v, unit string, table map[string][2]decimal.Decimal, what string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	f, ok := table[unit]
	if !ok {
		return "", fmt.Errorf("woocommerce: store %s unit %q unknown: %w", what, unit, platforms.ErrInvalid)
	}
	d, err := decimal.NewFromString(v)
	if err != nil || d.IsNegative() || !plainDecimal(v) {
		return "", fmt.Errorf("woocommerce: %s %q: %w", what, v, platforms.ErrInvalid)
	}
	if f[0].Equal(f[1]) {
		return v, nil
	}
	return d.Mul(f[0]).DivRound(f[1], unitDigits).String(), nil
}

// weight converts kilograms to the store's woocommerce_weight_unit.
func (s storeSettings) weight(kg string) (string, error) {
	return convertUnit(kg, s.WeightUnit, weightUnits, "weight")
}

// length converts centimetres to the store's woocommerce_dimension_unit.
func (s storeSettings) length(cm string) (string, error) {
	return convertUnit(cm, s.DimensionUnit, lengthUnits, "dimension")
}
