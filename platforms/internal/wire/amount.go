// Package wire holds what the storefront adapters share in decoding the platforms' JSON.
package wire

import (
	"encoding/json"
	"fmt"
)

// Amount is a money or decimal value as a platform sends it: a JSON string (WooCommerce totals,
// Shopify Money), a bare number (WooCommerce line_items[].price, some older Shopify payloads) or
// null (""). It keeps the exact text and is never parsed into a float.
type Amount string

// UnmarshalJSON implements json.Unmarshaler.
func (a *Amount) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*a = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = Amount(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("amount %s: %w", b, err)
	}
	*a = Amount(n.String())
	return nil
}
