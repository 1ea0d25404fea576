package platforms

import (
	"context"
	"fmt"
)

// Checker is what connecting a shop needs from its storefront: proof, before anything is saved,
// that the address is the platform's, that the credentials are accepted, and that they may
// write products, plus what the store says about itself.
type Checker interface {
	// Check reads the store's name, currency and price decimals with the shop's credentials and
	// proves they may write products without changing anything. A failure the person can act on
	// is a *CheckError; a cancelled ctx is returned as ctx.Err() wrapped.
	Check(ctx context.Context) (StoreInfo, error)
}

// CurrencyDecimals is StoreInfo.PriceDecimals of a platform that keeps prices with the
// currency's own ISO 4217 minor unit (Shopify).
const CurrencyDecimals = -1

// StoreInfo is what a storefront says about itself.
type StoreInfo struct {
	// Name is the store's own name ("" when it does not say).
	Name string `json:"name"`
	// Currency is the ISO 4217 code the store sells in, upper case.
	Currency string `json:"currency"`
	// PriceDecimals is how many decimals the store keeps in prices (WooCommerce's
	// woocommerce_price_num_decimals), or CurrencyDecimals.
	PriceDecimals int `json:"price_decimals"`
}

// CheckProblem says what a failed check found.
type CheckProblem string

// What a check can find wrong.
const (
	// CheckUnreachable: no answer (DNS, connection refused, TLS, timeout) or a server error.
	CheckUnreachable CheckProblem = "unreachable"
	// CheckNotStore: something answers at the address, but not the platform's API (not a
	// WooCommerce site, no such Shopify shop).
	CheckNotStore CheckProblem = "not_a_store"
	// CheckAddress: the store answers, but says its own address is another one (Suggest).
	CheckAddress CheckProblem = "address"
	// CheckCredentials: the store refuses the key or token (unknown, wrong secret, revoked).
	CheckCredentials CheckProblem = "credentials"
	// CheckReadOnly: the credentials may read but not write products (a read-only WooCommerce
	// key, a Shopify token without write scopes, a user who may not manage the store).
	CheckReadOnly CheckProblem = "read_only"
	// CheckUnexpected: an answer the check cannot explain.
	CheckUnexpected CheckProblem = "unexpected"
)

// CheckError is a failed check: what was found, in the store's own words where it gave some.
type CheckError struct {
	Problem CheckProblem
	// Message says what happened, quoting the store ("401 woocommerce_rest_authentication_error:
	// Consumer secret is invalid.").
	Message string
	// Suggest is a corrected address, when the store named one (CheckAddress).
	Suggest string
	// Err is the underlying error, when there was one.
	Err error
}

func (e *CheckError) Error() string {
	return fmt.Sprintf("store check: %s: %s", e.Problem, e.Message)
}

func (e *CheckError) Unwrap() error { return e.Err }
