package woocommerce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/platforms"
)

// storeSettings are the store's currency, price decimals and weight and dimension units, read
// once per client.
type storeSettings struct {
	Currency      string
	Decimals      int32
	WeightUnit    string // woocommerce_weight_unit: kg, g, lbs, oz
	DimensionUnit string // woocommerce_dimension_unit: m, cm, mm, in, yd
}

type settingValue struct {
	ID    string          `json:"id"`
	Value json.RawMessage `json:"value"`
}

// storeSettings reads woocommerce_currency and woocommerce_price_num_decimals the first time it
// is needed; a failure is not cached.
func (c *Client) storeSettings(ctx context.Context) (storeSettings, error) {
	c.settingsMu.Lock()
	defer c.settingsMu.Unlock()
	if c.settings != nil {
		return *c.settings, nil
	}
	get := func(id string) (string, error) {
		resp, err := c.do(ctx, call{method: http.MethodGet, path: "/settings/general/" + id, idempotent: true})
		if err != nil {
			return "", err
		}
		var sv settingValue
		if err := json.Unmarshal(resp.body, &sv); err != nil {
			return "", fmt.Errorf("woocommerce: setting %s: decode: %w", id, err)
		}
		var s string
		if json.Unmarshal(sv.Value, &s) != nil {
			s = string(sv.Value) // a number
		}
		return strings.TrimSpace(s), nil
	}
	cur, err := get("woocommerce_currency")
	if err != nil {
		return storeSettings{}, err
	}
	d, err := get("woocommerce_price_num_decimals")
	if err != nil {
		return storeSettings{}, err
	}
	n, err := strconv.Atoi(d)
	if err != nil || n < 0 || n > 8 {
		return storeSettings{}, fmt.Errorf("woocommerce: woocommerce_price_num_decimals %q: %w", d, platforms.ErrInvalid)
	}
	wu, du, err := c.unitSettings(ctx)
	if err != nil {
		return storeSettings{}, err
	}
	c.settings = &storeSettings{Currency: strings.ToUpper(cur), Decimals: int32(n), WeightUnit: wu, DimensionUnit: du}
	return *c.settings, nil
}

// unitSettings reads both units with one GET of the "products" settings group (they are not
// in "general"). A unit the connector cannot convert to fails here, before any product write.
func (c *Client) unitSettings(ctx context.Context) (weight, dimension string, err error) {
	resp, err := c.do(ctx, call{method: http.MethodGet, path: "/settings/products", idempotent: true})
	if err != nil {
		return "", "", err
	}
	var list []settingValue
	if err := json.Unmarshal(resp.body, &list); err != nil {
		return "", "", fmt.Errorf("woocommerce: settings/products: decode: %w", err)
	}
	// WooCommerce's defaults, for a store where the options were never saved.
	weight, dimension = "kg", "cm"
	for _, sv := range list {
		var v string
		if json.Unmarshal(sv.Value, &v) != nil || strings.TrimSpace(v) == "" {
			continue
		}
		switch sv.ID {
		case "woocommerce_weight_unit":
			weight = strings.TrimSpace(v)
		case "woocommerce_dimension_unit":
			dimension = strings.TrimSpace(v)
		}
	}
	if _, ok := weightUnits[weight]; !ok {
		return "", "", fmt.Errorf("woocommerce: woocommerce_weight_unit %q: %w", weight, platforms.ErrInvalid)
	}
	if _, ok := lengthUnits[dimension]; !ok {
		return "", "", fmt.Errorf("woocommerce: woocommerce_dimension_unit %q: %w", dimension, platforms.ErrInvalid)
	}
	return weight, dimension, nil
}

// formatPrice writes price with exactly the store's decimals. It refuses a currency other than
// the store's and a price the store would show as a different amount ("19.95" in a 0-decimal
// store): money is never rounded silently.
func (s storeSettings) formatPrice(price, currency string) (string, error) {
	if currency != "" && s.Currency != "" && !strings.EqualFold(currency, s.Currency) {
		return "", fmt.Errorf("woocommerce: price in %s, store sells in %s: %w", currency, s.Currency, platforms.ErrInvalid)
	}
	d, err := decimal.NewFromString(strings.TrimSpace(price))
	if err != nil {
		return "", fmt.Errorf("woocommerce: price %q: %w", price, platforms.ErrInvalid)
	}
	if d.IsNegative() {
		return "", fmt.Errorf("woocommerce: negative price %q: %w", price, platforms.ErrInvalid)
	}
	if !d.Round(s.Decimals).Equal(d) {
		return "", fmt.Errorf("woocommerce: price %q has more than the store's %d decimals: %w", price, s.Decimals, platforms.ErrInvalid)
	}
	return d.StringFixed(s.Decimals), nil
}

// Currency returns the store's currency (woocommerce_currency), read once per client.
func (c *Client) Currency(ctx context.Context) (string, error) {
	st, err := c.storeSettings(ctx)
	if err != nil {
		return "", err
	}
	return st.Currency, nil
}
