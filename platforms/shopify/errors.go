package shopify

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/intcomex-connector/connector/platforms"
)

// Sentinels for failures platforms has no category for.
var (
	// ErrUnauthorized reports a missing, revoked or expired access token (HTTP 401/403).
	ErrUnauthorized = errors.New("shopify: unauthorized")
	// ErrUnavailable reports Shopify failing (5xx, INTERNAL_SERVER_ERROR, a bulk operation that
	// failed) after the retries.
	ErrUnavailable = errors.New("shopify: unavailable")
)

// APIError is a failure of a whole GraphQL request: an HTTP status other than
// 200, or a top-level GraphQL error (THROTTLED, MAX_COST_EXCEEDED, a schema
// error). It never carries the access token.
type APIError struct {
	Operation string // GraphQL operation name ("ProductSet") or "upload"/"download"
	Status    int    // HTTP status
	Code      string // extensions.code of the first GraphQL error ("THROTTLED"), if any
	Message   string
	RequestID string // X-Request-Id, for Shopify support
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "shopify: %s: HTTP %d", e.Operation, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request " + e.RequestID + ")")
	}
	return b.String()
}

// Unwrap maps the error to its category; this is the one table from remote
// failure to sentinel.
func (e *APIError) Unwrap() error {
	switch {
	case e.Code == "THROTTLED" || e.Status == http.StatusTooManyRequests:
		return platforms.ErrRateLimited
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden || e.Code == "ACCESS_DENIED":
		return ErrUnauthorized
	case e.Status >= 500 || e.Code == "INTERNAL_SERVER_ERROR":
		return ErrUnavailable
	case e.Status == http.StatusNotFound:
		return platforms.ErrNotFound
	default: // MAX_COST_EXCEEDED, schema and variable errors, 400, 422
		return platforms.ErrInvalid
	}
}

// UserError is one entry of a mutation's userErrors: Shopify refused one
// input (or one item of it). It is the per-item error of batch results.
type UserError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code"`
}

func (e *UserError) Error() string {
	s := "shopify: " + e.Message
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if len(e.Field) > 0 {
		s += " [" + strings.Join(e.Field, ".") + "]"
	}
	return s
}

// notFoundCodes are the userErrors codes that mean the referenced object is gone.
var notFoundCodes = map[string]bool{
	"PRODUCT_DOES_NOT_EXIST":         true,
	"PRODUCT_NOT_FOUND":              true,
	"PRODUCT_VARIANT_DOES_NOT_EXIST": true,
	"INVALID_INVENTORY_ITEM":         true,
	"NOT_FOUND":                      true,
}

// Unwrap maps a user error to ErrNotFound or ErrInvalid.
func (e *UserError) Unwrap() error {
	if notFoundCodes[e.Code] || (e.Code == "" && strings.Contains(strings.ToLower(e.Message), "does not exist")) {
		return platforms.ErrNotFound
	}
	return platforms.ErrInvalid
}

// userErrorsErr joins user errors into one error (nil for none).
func userErrorsErr(ues []UserError) error {
	switch len(ues) {
	case 0:
		return nil
	case 1:
		return &ues[0]
	}
	errs := make([]error, len(ues))
	for i := range ues {
		errs[i] = &ues[i]
	}
	return errors.Join(errs...)
}
