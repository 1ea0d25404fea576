package pricing

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

// Number is an exact decimal as a rules file writes it: the string "950.5". Keeping the text (rather than a
// decimal.Decimal) lets validation name every malformed value at once and lets an export write back exactly
// what was imported. The empty Number means "not given".
type Number string

// Limits on a Number: they keep arithmetic on outside input bounded (shopspring/decimal accepts "1e999999999",
// and comparing such a value allocates a billion-digit integer) and are far beyond any price or rate.
const (
	maxNumberLen       = 64
	maxIntegerDigits   = 20
	maxFractionDigits  = 20
	marginDivPrecision = 10 // margin division: decimal places, rounded half-up (the contract)
)

// Decimal parses the number. It fails on an empty Number, on text that is not a decimal, and on a value
// with more than 20 integer digits or 20 decimal places.
func (n Number) Decimal() (decimal.Decimal, error) {
	if n == "" {
		return decimal.Decimal{}, errors.New("no number given")
	}
	if len(n) > maxNumberLen {
		return decimal.Decimal{}, fmt.Errorf("%.20q… is not a decimal number (too long)", string(n))
	}
	d, err := decimal.NewFromString(string(n))
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q is not a decimal number", string(n))
	}
	if err := checkRange(d); err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q %w", string(n), err)
	}
	return d, nil
}

// checkRange bounds the size of a decimal that came from outside: see maxIntegerDigits.
func checkRange(d decimal.Decimal) error {
	if -int64(d.Exponent()) > maxFractionDigits {
		return fmt.Errorf("has more than %d decimal places", maxFractionDigits)
	}
	if !d.IsZero() && int64(d.NumDigits())+int64(d.Exponent()) > maxIntegerDigits {
		return fmt.Errorf("has more than %d integer digits", maxIntegerDigits)
	}
	return nil
}

// MarshalJSON always writes a JSON string, so no precision is lost to a float-parsing reader.
func (n Number) MarshalJSON() ([]byte, error) {
	return json.Marshal(string(n))
}

// UnmarshalJSON accepts a JSON string ("950.5") or a JSON number (950.5), kept as its exact text; null leaves
// the Number unset. Whether the text is a decimal is checked by validation, so that every bad value in a
// file is reported together.
func (n *Number) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = Number(s)
		return nil
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		*n = Number(b)
		return nil
	default:
		return fmt.Errorf("pricing: %s is neither a decimal string nor a number", b)
	}
}
