// Package woocommerce is the WooCommerce REST API v3 adapter: a platforms.Storefront that pushes
// the Intcomex catalog into a WooCommerce shop through /wp-json/wc/v3.
//
// Decisions worth knowing:
//
//   - Authentication follows WooCommerce's own rule (WC_REST_Authentication): an https BaseURL
//     uses HTTP Basic with the key pair, a plain-http BaseURL one-legged OAuth 1.0a HMAC-SHA256
//     with the oauth_* parameters in the query string. The secret never reaches a log, an error
//     or a URL.
//   - Every write goes through POST /products/batch (≤ BatchSize items, creates and updates
//     counted together). A batch that carries creates is never retried blindly after a timeout
//     or a 5xx: the adapter first looks the created SKUs up (GET /products?sku=a,b,c) and turns
//     the ones that exist into updates, so a product is never created twice.
//   - A create refused with product_invalid_sku and a resource_id adopts the existing product
//     (one follow-up batch updates it); an update of an unknown id recovers the id by SKU and is
//     retried once; a SKU not found gives platforms.ErrNotFound.
//   - Brands are a local product attribute (Config.BrandAttribute, "Marca" by default) rather
//     than a global pa_brand taxonomy: EnsureBrands does no I/O and returns an empty map. This
//     needs no extra permission or attribute-term bookkeeping, and a global attribute can come
//     later without changing the interface.
//   - StatusHidden is status publish with catalog_visibility hidden (reachable by URL and in
//     orders, absent from the catalog and search); Unpublish sets status draft.
//   - Prices are formatted to the store's woocommerce_price_num_decimals with exact decimal
//     arithmetic; a price that would change value (more digits than the store shows) or a
//     currency other than the store's is refused per item with platforms.ErrInvalid.
//   - Images go only through SetImages (images.go): product writes leave images alone, so the
//     catalog is created in fast batches and the slow downloads come after, in smaller batches
//     (Config.ImageBatchSize) the caller may run side by side. A known attachment is sent as
//     {id}; a new image as {src, name: platforms.ImageTag(src), alt}, since re-sending a src
//     downloads a duplicate. The name lets FindImages, and the recovery of a batch whose answer
//     was lost, recognise an upload. The adapter keeps no id map: the caller does.
//   - Media cannot be deleted with consumer keys (DeleteMedia says why); Capabilities says so.
//   - Categories are created level by level through POST /products/categories/batch.
//   - Weights and dimensions arrive in kg and cm and are converted exactly (shopspring/decimal,
//     4 decimals) to the store's woocommerce_weight_unit and woocommerce_dimension_unit, read
//     once with the other settings.
//   - Orders (orders.go): WooCommerce core has no shipments, so FulfillOrder writes intcomex_*
//     tracking meta, a note and status completed, in an order that makes every step repeatable.
//     Order PUTs set state and are retried; note and webhook POSTs are not idempotent and are
//     retried only after reading back whether the lost write happened.
//   - Webhooks (webhooks.go): order.created and order.updated at the connector's URL, signed
//     with Config.WebhookSecret; WooCommerce never shows a secret, so RotateWebhookSecret exists
//     for a changed one. The unsigned creation ping is recognised by its exact shape only.
//   - wc-auth (wcauth.go): AuthorizeURL and ParseKeyHandoff for the one-click key handoff.
package woocommerce

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/platforms"
)

// MaxBatchSize is WooCommerce's default woocommerce_rest_batch_items_limit.
const MaxBatchSize = 100

// Config configures a Client.
type Config struct {
	// BaseURL is the store's URL ("https://shop.example" or "https://example.com/shop"); the REST
	// root is BaseURL + "/wp-json/wc/v3". Its scheme selects the authentication (see package doc).
	BaseURL        string
	ConsumerKey    string
	ConsumerSecret string
	// WebhookSecret is the secret EnsureWebhooks registers webhooks with and ParseWebhook
	// verifies deliveries with ("" refuses every signed delivery). WooCommerce cleans and
	// entity-decodes a secret before signing, so it must be printable ASCII without spaces,
	// quotes, &, < or >: a random token (hex, base64url) is.
	WebhookSecret string
	// HTTPClient sends the requests (default: a client without timeout; Timeout bounds attempts).
	HTTPClient *http.Client
	// Logger receives retries and recoveries (default: discard).
	Logger *slog.Logger
	// BatchSize is the most items per batch request, 1..100 (default 100).
	BatchSize int
	// ImageBatchSize is the most products per SetImages request, 1..BatchSize (default
	// DefaultImageBatchSize): WooCommerce downloads each new image inside the request.
	ImageBatchSize int
	// Timeout bounds one HTTP attempt (default 60 s).
	Timeout time.Duration
	// Retry is the retry policy of every request.
	Retry RetryPolicy
	// BrandAttribute is the name of the local product attribute holding the brand (default "Marca").
	BrandAttribute string
	// Now and Sleep replace time.Now and a context-aware sleep, for tests.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is a WooCommerce store. It is safe for concurrent use.
type Client struct {
	cfg   Config
	base  *url.URL // REST root, .../wp-json/wc/v3
	https bool
	http  *http.Client
	log   *slog.Logger

	settingsMu sync.Mutex
	settings   *storeSettings

	catMu      sync.Mutex
	categories map[string]int  // IWS category id → term id
	terms      map[termKey]int // (parent, lower-case name) → term id; nil until listed
}

var _ platforms.Storefront = (*Client)(nil)

// New validates cfg and returns a Client; it does no I/O.
func New(cfg Config) (*Client, error) {
	var problems []string
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	switch {
	case cfg.BaseURL == "":
		problems = append(problems, "BaseURL is empty")
	case err != nil:
		problems = append(problems, "BaseURL is not a URL")
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		problems = append(problems, "BaseURL must be an absolute http(s) URL")
	}
	if cfg.ConsumerKey == "" {
		problems = append(problems, "ConsumerKey is empty")
	}
	if cfg.ConsumerSecret == "" {
		problems = append(problems, "ConsumerSecret is empty")
	}
	if strings.ContainsFunc(cfg.WebhookSecret, func(r rune) bool { return r <= ' ' || r > '~' || strings.ContainsRune("&<>\"'", r) }) {
		problems = append(problems, "WebhookSecret must be printable ASCII without spaces, quotes, &, < or >")
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = MaxBatchSize
	}
	if cfg.BatchSize < 1 || cfg.BatchSize > MaxBatchSize {
		problems = append(problems, fmt.Sprintf("BatchSize must be 1..%d", MaxBatchSize))
	}
	if cfg.ImageBatchSize == 0 {
		cfg.ImageBatchSize = min(DefaultImageBatchSize, cfg.BatchSize)
	}
	if cfg.ImageBatchSize < 1 || cfg.ImageBatchSize > max(cfg.BatchSize, 1) {
		problems = append(problems, "ImageBatchSize must be 1..BatchSize")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("woocommerce: config: %s: %w", strings.Join(problems, "; "), platforms.ErrInvalid)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.BrandAttribute == "" {
		cfg.BrandAttribute = "Marca"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepContext
	}
	cfg.Retry = cfg.Retry.withDefaults()
	u.Path = strings.TrimRight(u.Path, "/") + "/wp-json/wc/v3"
	u.RawQuery, u.Fragment = "", ""
	return &Client{
		cfg: cfg, base: u, https: u.Scheme == "https", http: cfg.HTTPClient, log: cfg.Logger,
		categories: map[string]int{},
	}, nil
}

// Capabilities implements platforms.Storefront.
func (c *Client) Capabilities() platforms.Capabilities {
	return platforms.Capabilities{BatchSize: c.cfg.BatchSize, ImageBatchSize: c.cfg.ImageBatchSize}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// checkBatch enforces the ≤ BatchSize convention of every batch method.
func (c *Client) checkBatch(method string, n int) error {
	if n > c.cfg.BatchSize {
		return fmt.Errorf("woocommerce: %s: %d items, at most %d: %w", method, n, c.cfg.BatchSize, platforms.ErrInvalid)
	}
	return nil
}
