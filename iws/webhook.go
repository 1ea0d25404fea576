package iws

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Webhook verification. IWS signs its webhook deliveries "with the same authentication mechanism used
// in the IWS APIs" (spec, Webhooks Introduction): an Authorization header carrying
// apiKey=…&utcTimeStamp=…&signature=…, the signature being Signature(apiKey, accessKey, utcTimeStamp)
// with the customer's key pair. The spec's one captured delivery differs from the API token in two
// ways, both accepted here: the scheme word is doubled ("Bearer Bearer apiKey=…") and the timestamp
// has milliseconds (2024-01-09T20:17:23.472Z). The signature covers the exact timestamp string sent.
//
// The token does not cover the body: anyone holding a valid token could send another body with it
// while it lasts. The receiver keeps what it learns from a delivery to a hint (it re-reads the order
// from IWS before acting) and refuses a token it has already seen with a different body.

// ErrWebhookAuth reports a webhook delivery whose Authorization does not verify: missing, malformed,
// an unknown API key, a wrong signature, or a timestamp outside the accepted window.
var ErrWebhookAuth = errors.New("iws: webhook not authenticated")

// ErrWebhookMalformed reports a verified delivery whose body is not an OrderStatusUpdate.
var ErrWebhookMalformed = errors.New("iws: malformed webhook")

// Webhook token window: as for API requests, a token is good for five minutes after its timestamp;
// a timestamp a little ahead of our clock is tolerated.
const (
	WebhookTokenLifetime = 5 * time.Minute
	WebhookMaxSkew       = time.Minute
)

// WebhookTimestampLayout is the timestamp the spec's captured webhook carries (milliseconds, UTC).
const WebhookTimestampLayout = "2006-01-02T15:04:05.000Z"

// WebhookToken is the token of a delivery's Authorization header, not yet verified.
type WebhookToken struct {
	APIKey       string
	UTCTimeStamp string // exactly as sent: the signature covers these bytes
	Signature    string
	Time         time.Time // UTCTimeStamp parsed
}

// maxAuthorization bounds the header we parse: a real token is about 170 bytes.
const maxAuthorization = 1024

// ParseWebhookToken reads the token from an Authorization header value: "Bearer <token>", with the
// scheme word once or twice (case-insensitive). It checks the form, not the signature.
func ParseWebhookToken(authorization string) (WebhookToken, error) {
	raw := strings.TrimSpace(authorization)
	if raw == "" {
		return WebhookToken{}, fmt.Errorf("%w: no Authorization header", ErrWebhookAuth)
	}
	if len(raw) > maxAuthorization {
		return WebhookToken{}, fmt.Errorf("%w: Authorization header too long", ErrWebhookAuth)
	}
	token, ok := cutBearer(raw)
	if !ok {
		return WebhookToken{}, fmt.Errorf("%w: Authorization is not a Bearer token", ErrWebhookAuth)
	}
	if again, twice := cutBearer(token); twice {
		token = again // the spec's example: "Bearer Bearer apiKey=…"
	}
	// IWS does not URL-encode the token; ParseQuery also takes one that is.
	fields, err := url.ParseQuery(token)
	if err != nil {
		return WebhookToken{}, fmt.Errorf("%w: token: %w", ErrWebhookAuth, err)
	}
	get := func(name string) (string, error) {
		var found []string
		for k, vs := range fields {
			if strings.EqualFold(k, name) {
				found = append(found, vs...)
			}
		}
		if len(found) != 1 || found[0] == "" {
			return "", fmt.Errorf("%w: token needs exactly one %s", ErrWebhookAuth, name)
		}
		return found[0], nil
	}
	var t WebhookToken
	if t.APIKey, err = get("apiKey"); err != nil {
		return WebhookToken{}, err
	}
	if t.UTCTimeStamp, err = get("utcTimeStamp"); err != nil {
		return WebhookToken{}, err
	}
	if t.Signature, err = get("signature"); err != nil {
		return WebhookToken{}, err
	}
	if t.Time, ok = parseTokenTime(t.UTCTimeStamp); !ok {
		return WebhookToken{}, fmt.Errorf("%w: timestamp %q is not an RFC 3339 UTC time", ErrWebhookAuth, t.UTCTimeStamp)
	}
	return t, nil
}

func cutBearer(s string) (string, bool) {
	scheme, rest, ok := strings.Cut(s, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	return rest, rest != ""
}

// parseTokenTime accepts the documented second-precision form and any RFC 3339 time (milliseconds,
// as in the spec's webhook example; an offset). The signature covers the string as sent either way.
func parseTokenTime(ts string) (time.Time, bool) {
	if t, err := time.Parse(TimestampLayout, ts); err == nil {
		return t, true
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	return t, err == nil
}

// Verify checks the token against an account's key pair at the instant now: the API key must be
// the account's, the signature Signature(apiKey, accessKey, utcTimeStamp), and the timestamp at
// most WebhookTokenLifetime old and at most WebhookMaxSkew ahead. Comparisons are constant-time.
func (t WebhookToken) Verify(apiKey, accessKey string, now time.Time) error {
	if apiKey == "" || accessKey == "" {
		return fmt.Errorf("%w: no key pair to verify with", ErrWebhookAuth)
	}
	if subtle.ConstantTimeCompare([]byte(t.APIKey), []byte(apiKey)) != 1 {
		return fmt.Errorf("%w: unknown API key", ErrWebhookAuth)
	}
	want := Signature(apiKey, accessKey, t.UTCTimeStamp)
	if subtle.ConstantTimeCompare([]byte(strings.ToLower(t.Signature)), []byte(want)) != 1 {
		return fmt.Errorf("%w: signature does not verify", ErrWebhookAuth)
	}
	if age := now.Sub(t.Time); age > WebhookTokenLifetime {
		return fmt.Errorf("%w: token expired %s ago", ErrWebhookAuth, (age - WebhookTokenLifetime).Round(time.Second))
	}
	if ahead := t.Time.Sub(now); ahead > WebhookMaxSkew {
		return fmt.Errorf("%w: token timestamp %s ahead of our clock", ErrWebhookAuth, ahead.Round(time.Second))
	}
	return nil
}

// VerifyWebhook checks a delivery's Authorization header against one key pair at the instant now.
// A receiver serving several accounts parses the token first (ParseWebhookToken) and verifies it
// with the account whose API key it names.
func VerifyWebhook(header http.Header, apiKey, accessKey string, now time.Time) (WebhookToken, error) {
	t, err := ParseWebhookToken(header.Get("Authorization"))
	if err != nil {
		return WebhookToken{}, err
	}
	if err := t.Verify(apiKey, accessKey, now); err != nil {
		return WebhookToken{}, err
	}
	return t, nil
}

// WebhookAuthorization is the Authorization header value IWS sends with a webhook, as the spec's
// captured delivery shows it: the scheme word doubled and a millisecond timestamp.
func WebhookAuthorization(apiKey, accessKey string, now time.Time) string {
	ts := now.UTC().Format(WebhookTimestampLayout)
	return "Bearer Bearer apiKey=" + apiKey + "&utcTimeStamp=" + ts + "&signature=" + Signature(apiKey, accessKey, ts)
}

// maxWebhookChanges bounds the orders one delivery may name; the spec's deliveries name one.
const maxWebhookChanges = 1000

// ParseOrderStatusUpdate decodes a verified OrderStatusUpdate delivery in any of the three Data
// shapes the spec shows (see OrderStatusUpdate.Updates). It wants the webhook type to be
// OrderStatusUpdate (or absent), at least one change, and every change to name an order and a
// status code; anything else wraps ErrWebhookMalformed.
func ParseOrderStatusUpdate(body []byte) (OrderStatusUpdate, []OrderStatusChange, error) {
	var u OrderStatusUpdate
	if err := json.Unmarshal(body, &u); err != nil {
		return OrderStatusUpdate{}, nil, fmt.Errorf("%w: %w", ErrWebhookMalformed, err)
	}
	if u.WebhookType != "" && !strings.EqualFold(u.WebhookType, "OrderStatusUpdate") {
		return OrderStatusUpdate{}, nil, fmt.Errorf("%w: webhook type %q", ErrWebhookMalformed, u.WebhookType)
	}
	changes, err := u.Updates()
	if err != nil {
		return OrderStatusUpdate{}, nil, fmt.Errorf("%w: %w", ErrWebhookMalformed, err)
	}
	if len(changes) == 0 {
		return OrderStatusUpdate{}, nil, fmt.Errorf("%w: no order in Data", ErrWebhookMalformed)
	}
	if len(changes) > maxWebhookChanges {
		return OrderStatusUpdate{}, nil, fmt.Errorf("%w: %d orders in one delivery", ErrWebhookMalformed, len(changes))
	}
	for i, c := range changes {
		if strings.TrimSpace(c.OrderNumber) == "" {
			return OrderStatusUpdate{}, nil, fmt.Errorf("%w: change %d names no order", ErrWebhookMalformed, i)
		}
		if c.Status.StatusCode <= 0 {
			return OrderStatusUpdate{}, nil, fmt.Errorf("%w: order %s has no status code", ErrWebhookMalformed, c.OrderNumber)
		}
	}
	return u, changes, nil
}
