package shops

import (
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/memory"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
)

// Storefronts is the adapter factory: it builds the storefront of each shop from its platform,
// address and credentials, and keeps it per shop id for the life of the Storefronts value (one
// command, one serve process): the WooCommerce client caches categories, the Shopify client the
// location and the currency. A WooCommerce or Shopify storefront is rebuilt when the shop's
// BaseURL or credentials change. In-memory shops come from Memory. Safe for concurrent use.
//
// Every WooCommerce and Shopify request goes through an audit transport (system woocommerce or
// shopify) recording into Recorder, with the shop's secrets scrubbed; the shop id reaches the
// rows through the request context (correlation.WithShopID, set by the Runner).
type Storefronts struct {
	// Memory holds the storefronts of in-memory shops (tests, older demo databases); nil gives
	// this Storefronts its own.
	Memory *MemoryShops
	// WooCommerce and Shopify are the templates of new clients: For fills in the shop's address
	// and credentials, the logger and the HTTP client. A template's HTTPClient, when set, supplies
	// the base transport under the audit transport (tests and the demo: the fake's TLS client)
	// and the timeout; by default the base transport is http.DefaultTransport.
	WooCommerce woocommerce.Config
	Shopify     shopify.Config
	// ShopifyTokens refreshes the expiring tokens of shops connected by the app install
	// (required for them; a custom app's token does not expire).
	ShopifyTokens *ShopifyTokens
	// Recorder receives the API call log (the store). Required for WooCommerce and Shopify shops.
	Recorder audit.Recorder
	// Audit tunes the audit transports (body limit, logger); For adds the shop's secrets to
	// SecretValues.
	Audit audit.Options
	// Logger is passed to the clients, with the shop id (default: discard).
	Logger *slog.Logger

	mu     sync.Mutex
	remote map[int64]remoteStorefront
}

// remoteStorefront is a cached WooCommerce or Shopify client and the hash of what built it.
type remoteStorefront struct {
	sum [sha256.Size]byte
	sf  platforms.Storefront
}

// For implements StorefrontFactory.
func (s *Storefronts) For(shop store.Shop) (platforms.Storefront, error) {
	switch shop.Platform {
	case store.PlatformMemory:
		return s.MemoryShop(shop.ID), nil
	case store.PlatformWooCommerce, store.PlatformShopify:
		return s.remoteShop(shop)
	}
	return nil, fmt.Errorf("shop %d: unknown platform %q: %w", shop.ID, shop.Platform, ErrUnsupportedPlatform)
}

// remoteShop returns the cached client of a WooCommerce or Shopify shop, building it when there
// is none or the shop's address or credentials changed.
func (s *Storefronts) remoteShop(shop store.Shop) (platforms.Storefront, error) {
	sum := sha256.Sum256([]byte(shop.Platform + "\x00" + shop.BaseURL + "\x00" + shop.Credentials))
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.remote[shop.ID]; ok && c.sum == sum {
		return c.sf, nil
	}
	var sf platforms.Storefront
	var err error
	if shop.Platform == store.PlatformWooCommerce {
		sf, err = s.newWooCommerce(shop, nil)
	} else {
		sf, err = s.newShopify(shop, nil)
	}
	if err != nil {
		delete(s.remote, shop.ID)
		return nil, err
	}
	if s.remote == nil {
		s.remote = map[int64]remoteStorefront{}
	}
	s.remote[shop.ID] = remoteStorefront{sum: sum, sf: sf}
	return sf, nil
}

// newWooCommerce builds the client of a WooCommerce shop from the template; tune, when set,
// adjusts its configuration last.
func (s *Storefronts) newWooCommerce(shop store.Shop, tune func(*woocommerce.Config)) (*woocommerce.Client, error) {
	var creds WooCommerceCredentials
	if err := decodeCredentials(shop, &creds); err != nil {
		return nil, err
	}
	if err := requireFields(shop, "consumer_key", creds.ConsumerKey, "consumer_secret", creds.ConsumerSecret); err != nil {
		return nil, err
	}
	httpClient, err := s.httpClient(s.WooCommerce.HTTPClient, audit.SystemWooCommerce, creds.ConsumerSecret, creds.WebhookSecret)
	if err != nil {
		return nil, fmt.Errorf("shop %d: %w", shop.ID, err)
	}
	cfg := s.WooCommerce
	cfg.BaseURL, cfg.ConsumerKey, cfg.ConsumerSecret = shop.BaseURL, creds.ConsumerKey, creds.ConsumerSecret
	cfg.WebhookSecret = creds.WebhookSecret
	cfg.HTTPClient, cfg.Logger = httpClient, s.shopLogger(shop)
	if tune != nil {
		tune(&cfg)
	}
	c, err := woocommerce.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("shop %d: %w", shop.ID, err)
	}
	return c, nil
}

// newShopify builds the client of a Shopify shop from the template; tune, when set, adjusts its
// configuration last.
func (s *Storefronts) newShopify(shop store.Shop, tune func(*shopify.Config)) (*shopify.Client, error) {
	var creds ShopifyCredentials
	if err := decodeCredentials(shop, &creds); err != nil {
		return nil, err
	}
	if err := requireFields(shop, "access_token", creds.AccessToken); err != nil {
		return nil, err
	}
	cfg := s.Shopify
	domain, own, err := shopifyDomain(shop, creds)
	if err != nil {
		return nil, err
	}
	cfg.Shop = domain
	if !own {
		// Not the shop's own address (a fake, a proxy): talk to BaseURL as the shop named in
		// the credentials.
		cfg.BaseURL = strings.TrimSuffix(shop.BaseURL, "/")
	}
	httpClient, err := s.httpClient(s.Shopify.HTTPClient, audit.SystemShopify, creds.AccessToken, creds.ClientSecret)
	if err != nil {
		return nil, fmt.Errorf("shop %d: %w", shop.ID, err)
	}
	cfg.AccessToken, cfg.HTTPClient, cfg.Logger = creds.AccessToken, httpClient, s.shopLogger(shop)
	if !creds.ExpiresAt.IsZero() {
		if s.ShopifyTokens == nil || s.ShopifyTokens.OAuth == nil || s.ShopifyTokens.Save == nil || creds.RefreshToken == "" {
			return nil, fmt.Errorf("shop %d: its Shopify token expires but no refresh is configured (CONNECTOR_SHOPIFY_CLIENT_ID/SECRET): %w", shop.ID, ErrInvalidCredentials)
		}
		src := &shopifyToken{tokens: s.ShopifyTokens, shopID: shop.ID, domain: domain, log: s.shopLogger(shop), creds: creds}
		cfg.TokenSource = src.token
	}
	if creds.LocationID != "" {
		cfg.LocationID = creds.LocationID
	}
	if creds.ClientSecret != "" {
		cfg.ClientSecret = creds.ClientSecret
	}
	if tune != nil {
		tune(&cfg)
	}
	c, err := shopify.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("shop %d: %w", shop.ID, err)
	}
	return c, nil
}

// shopifyDomain returns the *.myshopify.com domain of a Shopify shop and whether BaseURL is that
// shop's own address (else the domain comes from the credentials' "shop").
func shopifyDomain(shop store.Shop, creds ShopifyCredentials) (domain string, own bool, err error) {
	u, err := url.Parse(shop.BaseURL)
	if err != nil || u.Host == "" {
		return "", false, fmt.Errorf("shop %d: base URL %q is not an absolute URL: %w", shop.ID, shop.BaseURL, ErrInvalid)
	}
	host := strings.ToLower(u.Hostname())
	if strings.HasSuffix(host, ".myshopify.com") && u.Port() == "" {
		return host, true, nil
	}
	if err := requireFields(shop, "shop (the *.myshopify.com domain, since the base URL is not one)", creds.Shop); err != nil {
		return "", false, err
	}
	return strings.ToLower(creds.Shop), false, nil
}

// ShopifyDomain returns the *.myshopify.com domain a Shopify shop's webhooks name in
// X-Shopify-Shop-Domain: its BaseURL's host, or the credentials' "shop" when BaseURL is a fake
// or a proxy.
func (s *Storefronts) ShopifyDomain(shop store.Shop) (string, error) {
	if shop.Platform != store.PlatformShopify {
		return "", fmt.Errorf("shop %d: platform %q is not shopify: %w", shop.ID, shop.Platform, ErrUnsupportedPlatform)
	}
	var creds ShopifyCredentials
	if err := decodeCredentials(shop, &creds); err != nil {
		return "", err
	}
	domain, _, err := shopifyDomain(shop, creds)
	return domain, err
}

// Webhooks returns the webhook half of the shop's storefront (the cached adapter, as For
// builds it). An adapter without one gives an error wrapping ErrUnsupportedPlatform.
func (s *Storefronts) Webhooks(shop store.Shop) (platforms.Webhooks, error) {
	sf, err := s.For(shop)
	if err != nil {
		return nil, err
	}
	wh, ok := sf.(platforms.Webhooks)
	if !ok {
		return nil, fmt.Errorf("shop %d: the %s adapter does not handle webhooks: %w", shop.ID, shop.Platform, ErrUnsupportedPlatform)
	}
	return wh, nil
}

// httpClient returns an HTTP client whose requests are recorded under system with secrets
// scrubbed, over the transport (and with the timeout) of template.
func (s *Storefronts) httpClient(template *http.Client, system string, secrets ...string) (*http.Client, error) {
	if s.Recorder == nil {
		return nil, fmt.Errorf("%s: no audit recorder configured: %w", system, ErrInvalid)
	}
	var base http.RoundTripper = http.DefaultTransport
	var c http.Client
	if template != nil {
		c = *template
		if template.Transport != nil {
			base = template.Transport
		}
	}
	opts := s.Audit
	opts.SecretValues = append(slices.Clip(opts.SecretValues), secrets...)
	c.Transport = audit.NewTransport(base, s.Recorder, system, opts)
	return &c, nil
}

func (s *Storefronts) shopLogger(shop store.Shop) *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger.With("shop", shop.ID, "platform", shop.Platform)
}

// MemoryShop returns the in-memory storefront of a shop, creating it on first use.
func (s *Storefronts) MemoryShop(shopID int64) *memory.Storefront {
	s.mu.Lock()
	if s.Memory == nil {
		s.Memory = &MemoryShops{}
	}
	m := s.Memory
	s.mu.Unlock()
	return m.Shop(shopID)
}

// Forget drops the storefront of a shop (a deleted or recreated shop), so the next For builds a
// new one.
func (s *Storefronts) Forget(shopID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.remote, shopID)
	if s.Memory != nil {
		s.Memory.Forget(shopID)
	}
}

// MemoryShops holds the in-memory storefronts of memory shops by shop id. Such a storefront
// holds what it was sent and nothing else remembers it: a new one would not know the ids the
// listings table recorded. main keeps one MemoryShops per database for the life of the process,
// so that the commands run in one process (tests) see the same in-memory shops.
type MemoryShops struct {
	Config memory.Config // of new storefronts (batch size)

	mu    sync.Mutex
	shops map[int64]*memory.Storefront
}

// Shop returns the storefront of a memory shop, creating it on first use.
func (m *MemoryShops) Shop(shopID int64) *memory.Storefront {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.shops == nil {
		m.shops = map[int64]*memory.Storefront{}
	}
	sf, ok := m.shops[shopID]
	if !ok {
		sf = memory.New(m.Config)
		m.shops[shopID] = sf
	}
	return sf
}

// Forget drops the storefront of a memory shop.
func (m *MemoryShops) Forget(shopID int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.shops, shopID)
}
