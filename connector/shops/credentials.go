package shops

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
)

// ErrInvalid reports a request that cannot be carried out as asked: a malformed address, a
// missing dependency.
var ErrInvalid = errors.New("shops: invalid")

// ErrUnsupportedPlatform reports a shop whose platform has no adapter.
var ErrUnsupportedPlatform = errors.New("platform not supported yet")

// ErrInvalidCredentials reports a shop whose stored credentials document is malformed or
// incomplete. Its messages name the shop and the field, never a secret.
var ErrInvalidCredentials = errors.New("invalid shop credentials")

// Shop credentials are a JSON document, sealed at rest in store.Shop.Credentials, whose shape
// depends on the platform:
//
//	woocommerce  {"consumer_key": "ck_…", "consumer_secret": "cs_…", "webhook_secret": "…"}
//	shopify      {"access_token": "shpat_…", "location_id": "gid://shopify/Location/1", "client_secret": "…"}
//
// location_id is optional (default: the first active location that fulfills online orders).
// webhook_secret (WooCommerce: the secret the connector registers its webhooks with) and
// client_secret (Shopify: the app's client secret, which signs every delivery; default the
// Shopify template's) verify incoming webhooks.
// A Shopify shop's BaseURL is its https://{name}.myshopify.com address; when it is anything else
// (a fake in tests and the demo, a proxy) the adapter talks to BaseURL and the document must also
// name the *.myshopify.com domain in "shop". Use MarshalCredentials to write a document.

// WooCommerceCredentials is the credentials document of a WooCommerce shop: a REST API key pair
// with read_write permission.
type WooCommerceCredentials struct {
	ConsumerKey    string `json:"consumer_key"`
	ConsumerSecret string `json:"consumer_secret"`
	// WebhookSecret signs the deliveries of the webhooks the connector registers (optional:
	// without it incoming webhooks cannot be verified and are refused).
	WebhookSecret string `json:"webhook_secret,omitempty"`
}

// ShopifyCredentials is the credentials document of a Shopify shop.
type ShopifyCredentials struct {
	AccessToken string `json:"access_token"`
	// LocationID is the location the connector stocks (optional).
	LocationID string `json:"location_id,omitempty"`
	// Shop is the *.myshopify.com domain, needed only when the shop's BaseURL is not on it.
	Shop string `json:"shop,omitempty"`
	// ClientSecret is the app's client secret, which signs webhook deliveries (optional: default
	// the Shopify template's).
	ClientSecret string `json:"client_secret,omitempty"`
	// RefreshToken and the expiries are set for an expiring offline token (the app install
	// flow); a custom app's token has neither and never expires.
	RefreshToken          string    `json:"refresh_token,omitempty"`
	ExpiresAt             time.Time `json:"expires_at,omitzero"`
	RefreshTokenExpiresAt time.Time `json:"refresh_token_expires_at,omitzero"`
}

// MarshalCredentials returns the document to store in store.Shop.Credentials for c (a
// WooCommerceCredentials or a ShopifyCredentials).
func MarshalCredentials(c any) (string, error) {
	switch c.(type) {
	case WooCommerceCredentials, ShopifyCredentials:
	default:
		return "", fmt.Errorf("syncjob: credentials of type %T: %w", c, ErrUnsupportedPlatform)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("syncjob: credentials: %w", err)
	}
	return string(b), nil
}

// decodeCredentials decodes a shop's credentials document into v. Its errors never quote the
// document: a syntax error says where, a type error which field.
func decodeCredentials(shop store.Shop, v any) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("shop %d: %s credentials: %s: %w", shop.ID, shop.Platform, fmt.Sprintf(format, args...), ErrInvalidCredentials)
	}
	doc := bytes.TrimSpace([]byte(shop.Credentials))
	if len(doc) == 0 || doc[0] != '{' {
		return fail("not a JSON object")
	}
	err := json.Unmarshal(doc, v)
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntaxErr):
		return fail("malformed JSON at byte %d", syntaxErr.Offset)
	case errors.As(err, &typeErr):
		return fail("field %q is not a %s", typeErr.Field, typeErr.Type)
	}
	return fail("malformed JSON")
}

// requireFields reports, in one error, every (name, value) pair whose value is blank.
func requireFields(shop store.Shop, pairs ...string) error {
	var missing []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			missing = append(missing, pairs[i])
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("shop %d: %s credentials: missing %s: %w", shop.ID, shop.Platform, strings.Join(missing, ", "), ErrInvalidCredentials)
	}
	return nil
}

// NewWebhookSecret returns a new secret for a WooCommerce shop's webhooks: 256 random bits,
// URL-safe base64, which WooCommerce keeps and signs with unchanged.
func NewWebhookSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("shops: webhook secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
