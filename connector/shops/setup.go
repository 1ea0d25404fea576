package shops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/pricing"
)

// SetupTimeout bounds the calls that make a shop ready for orders.
const SetupTimeout = 2 * time.Minute

// Setup makes connected shops ready for orders: webhooks at the connector's public URL and,
// on Shopify, the unique SKU metafield definition the product upsert relies on. The CLI (`shop
// webhooks`), the install flows and the admin share it.
type Setup struct {
	Store       *store.Store
	Storefronts *Storefronts
	// PublicURL is the connector's public https address, the base of the webhook URLs.
	PublicURL string
	// Paths are where the intake takes each platform's deliveries (main passes the webhooks
	// package's routes: the intake is above this package).
	Paths  WebhookPaths
	Logger *slog.Logger
}

// WebhookPaths are the intake's routes, relative to the public URL.
type WebhookPaths struct {
	WooCommerce func(shopID int64) string // one route per WooCommerce shop
	Shopify     string                    // one route for every Shopify shop
}

func (s Setup) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// webhookSecret returns a WooCommerce shop's webhook secret, making and saving one when the shop
// has none (shops added before the connector registered webhooks).
func (s Setup) webhookSecret(ctx context.Context, shop store.Shop) (store.Shop, string, error) {
	if shop.Platform != store.PlatformWooCommerce {
		return shop, "", nil
	}
	var creds WooCommerceCredentials
	if err := json.Unmarshal([]byte(shop.Credentials), &creds); err != nil {
		return shop, "", fmt.Errorf("shop %d: credentials are not a WooCommerce document", shop.ID)
	}
	if creds.WebhookSecret != "" {
		return shop, creds.WebhookSecret, nil
	}
	secret, err := NewWebhookSecret()
	if err != nil {
		return shop, "", err
	}
	creds.WebhookSecret = secret
	doc, err := MarshalCredentials(creds)
	if err != nil {
		return shop, "", err
	}
	shop.Credentials = doc
	saved, err := s.Store.SaveShop(ctx, shop)
	return saved, secret, err
}

// target is where the shop's deliveries go.
func (s Setup) target(shop store.Shop, secret string) (platforms.WebhookTarget, error) {
	base := strings.TrimRight(s.PublicURL, "/")
	if base == "" {
		return platforms.WebhookTarget{}, errors.New("CONNECTOR_PUBLIC_URL is not set: shops cannot be told where to send webhooks")
	}
	switch shop.Platform {
	case store.PlatformWooCommerce:
		return platforms.WebhookTarget{URL: base + s.Paths.WooCommerce(shop.ID), Secret: secret}, nil
	case store.PlatformShopify:
		return platforms.WebhookTarget{URL: base + s.Paths.Shopify}, nil
	default:
		return platforms.WebhookTarget{}, fmt.Errorf("shop %d: a %s shop has no webhooks", shop.ID, shop.Platform)
	}
}

// Webhooks registers (repair true) or reports (false) the shop's webhooks.
func (s Setup) Webhooks(ctx context.Context, shop store.Shop, repair bool) ([]platforms.WebhookState, error) {
	ctx, cancel := context.WithTimeout(correlation.WithShopID(ctx, shop.ID), SetupTimeout)
	defer cancel()
	var secret string
	var err error
	if repair {
		if shop, secret, err = s.webhookSecret(ctx, shop); err != nil {
			return nil, err
		}
	}
	target, err := s.target(shop, secret)
	if err != nil {
		return nil, err
	}
	sf, err := s.Storefronts.For(shop)
	if err != nil {
		return nil, err
	}
	if !repair {
		return sf.CheckWebhooks(ctx, target)
	}
	if def, ok := sf.(interface{ EnsureSKUDefinition(context.Context) error }); ok {
		if err := def.EnsureSKUDefinition(ctx); err != nil {
			return nil, fmt.Errorf("shop %d: SKU metafield definition: %w", shop.ID, err)
		}
	}
	states, err := sf.EnsureWebhooks(ctx, target)
	if err != nil {
		return nil, fmt.Errorf("shop %d: webhooks: %w", shop.ID, err)
	}
	s.logger().InfoContext(ctx, "shop ready for orders", "shop", shop.ID, "webhook_url", target.URL, "subscriptions", len(states))
	return states, nil
}

// Connected is admin.Install's Connected hook: the shop sells in its own currency, and its
// webhooks and SKU definition are set up.
func (s Setup) Connected(ctx context.Context, shop store.Shop) error {
	shop = s.AdoptCurrency(ctx, shop)
	if err := s.EnsureRules(ctx, shop); err != nil {
		return err
	}
	_, err := s.Webhooks(ctx, shop, true)
	return err
}

// EnsureRules gives a shop whose pricing was never set (no default action: a shop an install
// created) the default action `shop add` gives (DefaultRules: DefaultMarginPercent of margin,
// rounded to its store's decimals when the store says them), keeping the rest of its pricing. A
// shop with a default action keeps it.
func (s Setup) EnsureRules(ctx context.Context, shop store.Shop) error {
	p, err := s.Store.ShopPricing(ctx, shop.ID)
	if err != nil {
		return fmt.Errorf("shop %d: pricing: %w", shop.ID, err)
	}
	if p.Default != (store.MarginAction{}) {
		return nil
	}
	digits := platforms.CurrencyDecimals
	if info, err := s.Storefronts.Check(ctx, shop); err == nil && strings.EqualFold(info.Currency, shop.Currency) {
		digits = info.PriceDecimals
	}
	// Keep whatever else was set (tax, rounding, rules); give it the default action.
	rules := margin.FromStored(p)
	def := DefaultRules(shop.Currency, shop.FXRate, digits, pricing.Action{})
	rules.Default = def.Default
	if rules.Rounding == (pricing.Rounding{}) {
		rules.Rounding = def.Rounding
	}
	if err := margin.Replace(ctx, s.Store, shop.ID, rules); err != nil {
		return fmt.Errorf("shop %d: default pricing: %w", shop.ID, err)
	}
	s.logger().InfoContext(ctx, "shop given the default pricing", "shop", shop.ID, "margin_percent", DefaultMarginPercent, "rounding_step", string(rules.Rounding.Step))
	return nil
}

// AdoptCurrency gives a shop that has published nothing yet the currency its store sells in (a
// shop connected by an install starts with the default currency). A shop with listings keeps
// its currency, whose prices are out there; a difference is logged for an admin to settle with
// `connector shop settings`.
func (s Setup) AdoptCurrency(ctx context.Context, shop store.Shop) store.Shop {
	sf, err := s.Storefronts.For(shop)
	if err != nil {
		return shop
	}
	src, ok := sf.(interface {
		Currency(context.Context) (string, error)
	})
	if !ok {
		return shop
	}
	cur, err := src.Currency(correlation.WithShopID(ctx, shop.ID))
	if err != nil || len(cur) != 3 || strings.EqualFold(cur, shop.Currency) {
		if err != nil {
			s.logger().WarnContext(ctx, "shop currency not read", "shop", shop.ID, "err", err)
		}
		return shop
	}
	counts, err := s.Store.ListingCounts(ctx, shop.ID)
	if err != nil {
		return shop
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total > 0 {
		s.logger().WarnContext(ctx, "the store sells in another currency than the shop's settings; prices keep the settings' currency",
			"shop", shop.ID, "store_currency", cur, "settings_currency", shop.Currency)
		return shop
	}
	shop.Currency = strings.ToUpper(cur)
	saved, err := s.Store.SaveShop(ctx, shop)
	if err != nil {
		s.logger().ErrorContext(ctx, "shop currency not saved", "shop", shop.ID, "err", err)
		return shop
	}
	s.logger().InfoContext(ctx, "shop currency set from the store", "shop", shop.ID, "currency", saved.Currency)
	return saved
}
