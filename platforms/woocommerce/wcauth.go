package woocommerce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/platforms"
)

// AuthorizeParams are the connector's side of WooCommerce's app authorization
// (/wc-auth/v1/authorize): the merchant approves, WooCommerce creates a read_write key and
// POSTs it to CallbackURL, then sends the browser to ReturnURL?success=1&user_id=….
type AuthorizeParams struct {
	AppName string // shown to the merchant and in the key's description
	// UserID is the connector's own identifier for the shop (not a WordPress user id); it comes
	// back in the callback and on the return URL to tie the key to the shop.
	UserID      string
	ReturnURL   string // where the merchant's browser lands afterwards
	CallbackURL string // https only: WooCommerce refuses anything else (fixture 58)
}

// AuthorizeURL is the store page that asks the merchant to approve the connector.
func AuthorizeURL(storeURL string, p AuthorizeParams) (string, error) {
	var problems []string
	store, err := url.Parse(strings.TrimRight(storeURL, "/"))
	if err != nil || (store.Scheme != "http" && store.Scheme != "https") || store.Host == "" {
		problems = append(problems, "store URL must be an absolute http(s) URL")
	}
	if strings.TrimSpace(p.AppName) == "" {
		problems = append(problems, "AppName is empty")
	}
	if strings.TrimSpace(p.UserID) == "" {
		problems = append(problems, "UserID is empty")
	}
	if u, err := url.Parse(p.ReturnURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, "ReturnURL must be an absolute http(s) URL")
	}
	if u, err := url.Parse(p.CallbackURL); err != nil || u.Scheme != "https" || u.Host == "" {
		problems = append(problems, "CallbackURL must be an absolute https URL (WooCommerce refuses others)")
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("woocommerce: authorize URL: %s: %w", strings.Join(problems, "; "), platforms.ErrInvalid)
	}
	q := url.Values{}
	q.Set("app_name", p.AppName)
	q.Set("scope", "read_write")
	q.Set("user_id", p.UserID)
	q.Set("return_url", p.ReturnURL)
	q.Set("callback_url", p.CallbackURL)
	store.Path += "/wc-auth/v1/authorize"
	store.RawQuery, store.Fragment = q.Encode(), ""
	return store.String(), nil
}

// KeyHandoff is the key pair a store POSTs to the callback URL once the merchant approved.
// ConsumerSecret never appears in String, GoString, LogValue or JSON.
type KeyHandoff struct {
	KeyID          int64  `json:"key_id"`
	UserID         string `json:"user_id"`
	ConsumerKey    string `json:"consumer_key"`
	ConsumerSecret string `json:"-"`
	Permissions    string `json:"key_permissions"`
}

// String shows the handoff without its secret.
func (k KeyHandoff) String() string {
	return fmt.Sprintf("KeyHandoff{key_id=%d user_id=%q consumer_key=%q consumer_secret=<redacted> key_permissions=%q}",
		k.KeyID, k.UserID, redactKey(k.ConsumerKey), k.Permissions)
}

// GoString keeps %#v from printing the secret.
func (k KeyHandoff) GoString() string { return k.String() }

// LogValue implements slog.LogValuer.
func (k KeyHandoff) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("key_id", k.KeyID), slog.String("user_id", k.UserID),
		slog.String("consumer_key", redactKey(k.ConsumerKey)), slog.String("consumer_secret", "<redacted>"),
		slog.String("key_permissions", k.Permissions))
}

// redactKey keeps the prefix and the last 4 characters, as WooCommerce's key list does
// (truncated_key), enough to tell keys apart.
func redactKey(k string) string {
	if len(k) <= 11 {
		return "ck_…"
	}
	return "ck_…" + k[len(k)-4:]
}

// ParseKeyHandoff reads and validates the callback body. The body carries the secret: errors
// never quote it (a JSON syntax error gives only its offset).
func ParseKeyHandoff(body []byte) (KeyHandoff, error) {
	var w struct {
		KeyID       json.Number     `json:"key_id"`
		UserID      json.RawMessage `json:"user_id"`
		Key         *string         `json:"consumer_key"`
		Secret      *string         `json:"consumer_secret"`
		Permissions *string         `json:"key_permissions"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		return KeyHandoff{}, fmt.Errorf("woocommerce: key handoff: malformed JSON near byte %d: %w", dec.InputOffset(), platforms.ErrInvalid)
	}
	var problems []string
	var k KeyHandoff
	if w.KeyID != "" {
		id, err := strconv.ParseInt(w.KeyID.String(), 10, 64)
		if err != nil || id <= 0 {
			problems = append(problems, "key_id is not a positive integer")
		}
		k.KeyID = id
	}
	// user_id is the string the connector sent; a numeric one may come back as a number.
	var uid string
	if json.Unmarshal(w.UserID, &uid) != nil {
		var n json.Number
		if json.Unmarshal(w.UserID, &n) == nil {
			uid = n.String()
		}
	}
	if k.UserID = strings.TrimSpace(uid); k.UserID == "" {
		problems = append(problems, "user_id is missing")
	}
	if w.Key == nil || len(*w.Key) <= 3 || !strings.HasPrefix(*w.Key, "ck_") {
		problems = append(problems, "consumer_key is missing or does not start with ck_")
	} else {
		k.ConsumerKey = *w.Key
	}
	if w.Secret == nil || len(*w.Secret) <= 3 || !strings.HasPrefix(*w.Secret, "cs_") {
		problems = append(problems, "consumer_secret is missing or does not start with cs_")
	} else {
		k.ConsumerSecret = *w.Secret
	}
	switch {
	case w.Permissions == nil:
		problems = append(problems, "key_permissions is missing")
	case *w.Permissions != "read_write":
		problems = append(problems, fmt.Sprintf("key_permissions is %q, the connector needs read_write", *w.Permissions))
	default:
		k.Permissions = *w.Permissions
	}
	if len(problems) > 0 {
		return KeyHandoff{}, fmt.Errorf("woocommerce: key handoff: %s: %w", strings.Join(problems, "; "), platforms.ErrInvalid)
	}
	return k, nil
}
