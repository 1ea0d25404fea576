package iws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// The real service is loose with JSON types (NOTES §11): numbers arrive as strings, strings as numbers,
// money in two object shapes. The types in this file decode every variant seen and always encode the
// form the official spec declares, so the sandbox and the client share one model.

var jsonNull = []byte("null")

// unquote returns the content of a JSON string token, or the raw token when it is not a string.
func unquote(b []byte) ([]byte, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		if in, ok := plainJSONString(b); ok {
			return bytes.TrimSpace(in), nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, err
		}
		return []byte(strings.TrimSpace(s)), nil
	}
	return b, nil
}

// plainJSONString returns the content of the JSON string token b when it needs no decoding (no
// escape, no control character, valid UTF-8): what encoding/json would decode it to. Most
// strings IWS sends are such, and json.Unmarshal per value was a large part of decoding a feed.
func plainJSONString(b []byte) ([]byte, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return nil, false
	}
	in := b[1 : len(b)-1]
	for _, c := range in {
		if c < 0x20 || c == '"' || c == '\\' {
			return nil, false
		}
	}
	if !utf8.Valid(in) {
		return nil, false
	}
	return in, true
}

// Int is an integer that also decodes from a numeric string ("4") or null (zero). It encodes as a number.
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	raw, err := unquote(b)
	if err != nil {
		return fmt.Errorf("iws: integer: %w", err)
	}
	if len(raw) == 0 || bytes.Equal(raw, jsonNull) {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		// Some fields carry integral values written as decimals ("4.0").
		d, derr := decimal.NewFromString(string(raw))
		if derr != nil || !d.IsInteger() {
			return fmt.Errorf("iws: integer: cannot decode %s", b)
		}
		v = d.IntPart()
	}
	*n = Int(v)
	return nil
}

// String is a string that also decodes from a JSON number or boolean (TrackingId, OrderNumber and
// PaymentTypeId appear as both). Null decodes to the empty string.
type String string

// UnmarshalJSON implements json.Unmarshaler.
func (s *String) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, jsonNull) {
		*s = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		if in, ok := plainJSONString(b); ok {
			*s = String(in)
			return nil
		}
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("iws: string: %w", err)
		}
		*s = String(v)
		return nil
	}
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		return fmt.Errorf("iws: string: cannot decode %.40s", b)
	}
	*s = String(b)
	return nil
}

// Decimal is an exact decimal number that travels as a JSON number (the spec's `type: number`). It decodes
// from a number, a numeric string or null (zero), never through float64.
type Decimal struct{ decimal.Decimal }

// NewDecimal parses s, panicking on malformed input; for literals in code and tests.
func NewDecimal(s string) Decimal { return Decimal{decimal.RequireFromString(s)} }

// DecimalFrom wraps d.
func DecimalFrom(d decimal.Decimal) Decimal { return Decimal{d} }

// MarshalJSON implements json.Marshaler.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.Decimal.String()), nil }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	raw, err := unquote(b)
	if err != nil {
		return fmt.Errorf("iws: number: %w", err)
	}
	if len(raw) == 0 || bytes.Equal(raw, jsonNull) {
		d.Decimal = decimal.Zero
		return nil
	}
	v, err := decimal.NewFromString(string(raw))
	if err != nil {
		return fmt.Errorf("iws: number: cannot decode %.40s", b)
	}
	d.Decimal = v
	return nil
}

// Time is a timestamp as IWS writes it: .NET style without a zone (`2019-06-19T00:00:00`, read as UTC),
// with up to seven fractional digits, or RFC 3339. It encodes as RFC 3339 in UTC, which the spec's
// `format: date-time` requires. The zero Time encodes as null.
type Time struct{ time.Time }

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// ParseTime parses any timestamp form IWS is known to send.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("iws: time: cannot parse %q", s)
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return jsonNull, nil
	}
	return []byte(`"` + t.UTC().Format(time.RFC3339Nano) + `"`), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	raw, err := unquote(b)
	if err != nil {
		return fmt.Errorf("iws: time: %w", err)
	}
	if len(raw) == 0 || bytes.Equal(raw, jsonNull) {
		t.Time = time.Time{}
		return nil
	}
	v, err := ParseTime(string(raw))
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// Money is an amount object on orders and invoices. Two generations exist (NOTES §4.4):
// {"Amount", "HomeAmount", "Currency"} and the 2015 {"UsAmount", "HomeAmount", "HomeCurrencyId"}.
// Both decode; the current one is encoded.
type Money struct {
	Amount     *Decimal `json:"Amount"`
	HomeAmount *Decimal `json:"HomeAmount"`
	Currency   *string  `json:"Currency"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *Money) UnmarshalJSON(b []byte) error {
	var wire struct {
		Amount         *Decimal `json:"Amount"`
		UsAmount       *Decimal `json:"UsAmount"`
		HomeAmount     *Decimal `json:"HomeAmount"`
		Currency       *String  `json:"Currency"`
		HomeCurrencyID *String  `json:"HomeCurrencyId"`
	}
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		// A bare number where an object was expected.
		var d Decimal
		if err := d.UnmarshalJSON(b); err != nil {
			return fmt.Errorf("iws: money: %w", err)
		}
		*m = Money{Amount: &d}
		return nil
	}
	if err := json.Unmarshal(b, &wire); err != nil {
		return fmt.Errorf("iws: money: %w", err)
	}
	*m = Money{Amount: wire.Amount, HomeAmount: wire.HomeAmount}
	if m.Amount == nil {
		m.Amount = wire.UsAmount
	}
	cur := wire.Currency
	if cur == nil {
		cur = wire.HomeCurrencyID
	}
	if cur != nil {
		s := string(*cur)
		m.Currency = &s
	}
	return nil
}

// Value returns the amount, or zero when IWS sent none.
func (m *Money) Value() decimal.Decimal {
	if m == nil || m.Amount == nil {
		return decimal.Zero
	}
	return m.Amount.Decimal
}

// NormalizeCurrency maps an IWS currency id to ISO 4217: IWS calls US dollars `us`/`US` (NOTES §4.2) and
// writes other codes in any case.
func NormalizeCurrency(id string) string {
	id = strings.ToUpper(strings.TrimSpace(id))
	if id == "US" || id == "US$" {
		return "USD"
	}
	return id
}
