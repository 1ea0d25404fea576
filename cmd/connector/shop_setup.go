package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/admin"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/webhooks"
)

// shopSetupTimeout bounds the calls that make a shop ready for orders.
const shopSetupTimeout = 2 * time.Minute

// shopSetup makes connected shops ready for orders: webhooks at the connector's public URL and,
// on Shopify, the unique SKU metafield definition the product upsert relies on.
type shopSetup struct {
	st        *store.Store
	sfs       *syncjob.Storefronts
	publicURL string
	logger    *slog.Logger
}

// webhookSecret returns a WooCommerce shop's webhook secret, making and saving one when the shop
// has none (shops added before the connector registered webhooks).
func (s shopSetup) webhookSecret(ctx context.Context, shop store.Shop) (store.Shop, string, error) {
	if shop.Platform != store.PlatformWooCommerce {
		return shop, "", nil
	}
	var creds syncjob.WooCommerceCredentials
	if err := json.Unmarshal([]byte(shop.Credentials), &creds); err != nil {
		return shop, "", fmt.Errorf("shop %d: credentials are not a WooCommerce document", shop.ID)
	}
	if creds.WebhookSecret != "" {
		return shop, creds.WebhookSecret, nil
	}
	secret, err := shopify.NewState() // 256 random bits, URL-safe: WooCommerce signs it unchanged
	if err != nil {
		return shop, "", err
	}
	creds.WebhookSecret = secret
	doc, err := syncjob.MarshalCredentials(creds)
	if err != nil {
		return shop, "", err
	}
	shop.Credentials = doc
	saved, err := s.st.SaveShop(ctx, shop)
	return saved, secret, err
}

// target is where the shop's deliveries go.
func (s shopSetup) target(shop store.Shop, secret string) (platforms.WebhookTarget, error) {
	base := strings.TrimRight(s.publicURL, "/")
	if base == "" {
		return platforms.WebhookTarget{}, errors.New("CONNECTOR_PUBLIC_URL is not set: shops cannot be told where to send webhooks")
	}
	switch shop.Platform {
	case store.PlatformWooCommerce:
		return platforms.WebhookTarget{URL: base + webhooks.WooCommercePath(shop.ID), Secret: secret}, nil
	case store.PlatformShopify:
		return platforms.WebhookTarget{URL: base + webhooks.ShopifyPath}, nil
	default:
		return platforms.WebhookTarget{}, fmt.Errorf("shop %d: a %s shop has no webhooks", shop.ID, shop.Platform)
	}
}

// run registers (repair true) or reports (false) the shop's webhooks.
func (s shopSetup) run(ctx context.Context, shop store.Shop, repair bool) ([]platforms.WebhookState, error) {
	ctx, cancel := context.WithTimeout(correlation.WithShopID(ctx, shop.ID), shopSetupTimeout)
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
	sf, err := s.sfs.For(shop)
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
	s.logger.InfoContext(ctx, "shop ready for orders", "shop", shop.ID, "webhook_url", target.URL, "subscriptions", len(states))
	return states, nil
}

// connected is admin.Install's Connected hook: the shop sells in its own currency, and its
// webhooks and SKU definition are set up.
func (s shopSetup) connected(ctx context.Context, shop store.Shop) error {
	shop = s.adoptCurrency(ctx, shop)
	_, err := s.run(ctx, shop, true)
	return err
}

// adoptCurrency gives a shop that has published nothing yet the currency its store sells in (a
// shop connected by an install starts with the default currency). A shop with listings keeps
// its currency, whose prices are out there; a difference is logged for an admin to settle with
// `connector shop settings`.
func (s shopSetup) adoptCurrency(ctx context.Context, shop store.Shop) store.Shop {
	sf, err := s.sfs.For(shop)
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
			s.logger.WarnContext(ctx, "shop currency not read", "shop", shop.ID, "err", err)
		}
		return shop
	}
	counts, err := s.st.ListingCounts(ctx, shop.ID)
	if err != nil {
		return shop
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total > 0 {
		s.logger.WarnContext(ctx, "the store sells in another currency than the shop's settings; prices keep the settings' currency",
			"shop", shop.ID, "store_currency", cur, "settings_currency", shop.Currency)
		return shop
	}
	shop.Currency = strings.ToUpper(cur)
	saved, err := s.st.SaveShop(ctx, shop)
	if err != nil {
		s.logger.ErrorContext(ctx, "shop currency not saved", "shop", shop.ID, "err", err)
		return shop
	}
	s.logger.InfoContext(ctx, "shop currency set from the store", "shop", shop.ID, "currency", saved.Currency)
	return saved
}

// newInstall returns the shop connection endpoints serve mounts, or nil when
// CONNECTOR_PUBLIC_URL is not set (no callback address to give shops).
func newInstall(cfg Config, setup shopSetup, logger *slog.Logger) *admin.Install {
	if cfg.PublicURL == "" {
		return nil
	}
	scopes := splitList(cfg.ShopifyScopes)
	return &admin.Install{
		Store: setup.st, PublicURL: cfg.PublicURL, Connected: setup.connected, Logger: logger,
		Shopify: admin.ShopifyApp{ClientID: cfg.ShopifyClientID, ClientSecret: cfg.ShopifyClientSecret, Scopes: scopes,
			AllowedShops: cfg.shopifyShops(),
			OAuth:        &shopify.OAuth{ClientID: cfg.ShopifyClientID, ClientSecret: cfg.ShopifyClientSecret}},
	}
}

func newShopWebhooksCmd() *cobra.Command {
	var check, asJSON bool
	cmd := &cobra.Command{
		Use:   "webhooks ID",
		Short: "Register (or with --check, show) a shop's order webhooks at CONNECTOR_PUBLIC_URL",
		Long: "Registers the webhooks the connector needs on the shop (WooCommerce order.created and order.updated;\n" +
			"Shopify orders/paid, orders/updated and app/uninstalled), re-enables ones the shop disabled, and on\n" +
			"Shopify creates the unique intcomex.sku metafield definition. --check only reports.",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return fmt.Errorf("shop webhooks: %q is not a shop id", args[0])
			}
			cfg, logger, st, err := openCLI(cmd, true)
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			shop, err := st.Shop(ctx, id)
			if err != nil {
				return fmt.Errorf("shop webhooks: %w", err)
			}
			setup := shopSetup{st: st, sfs: processStorefronts(cfg, st, logger), publicURL: cfg.PublicURL, logger: logger}
			states, err := setup.run(ctx, shop, !check)
			if err != nil {
				return fmt.Errorf("shop webhooks: %w", err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if states == nil {
					states = []platforms.WebhookState{}
				}
				return json.NewEncoder(out).Encode(states)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tTOPIC\tACTIVE\tSTATUS\tCHANGED\tURL")
			for _, w := range states {
				fmt.Fprintf(tw, "%s\t%s\t%t\t%s\t%s\t%s\n", w.ID, w.Topic, w.Active, w.Status, w.Changed, w.URL)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "only report the subscriptions, change nothing")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the subscriptions as a JSON array")
	return cmd
}

func newShopConnectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connect",
		Short: "Start connecting a shop through its own approval page",
	}
	var site string
	woo := &cobra.Command{
		Use:   "woocommerce --url SITE",
		Short: "Print the WooCommerce page where the site's admin approves the connector",
		Long: "Prints the site's /wc-auth/v1/authorize page. When its admin approves, the site sends a read_write\n" +
			"key to CONNECTOR_PUBLIC_URL/wc-auth/callback (which must be https and reached by a running `serve`),\n" +
			"and the shop is connected with its webhooks. The link works once, for 10 minutes.",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, logger, st, err := openCLI(cmd, true)
			if err != nil {
				return err
			}
			defer st.Close()
			if !strings.HasPrefix(cfg.PublicURL, "https://") {
				return errors.New("shop connect woocommerce: CONNECTOR_PUBLIC_URL must be the connector's https address (WooCommerce only calls back over https)")
			}
			install := newInstall(cfg, shopSetup{st: st, logger: logger, publicURL: cfg.PublicURL}, logger)
			link, err := install.StartWooCommerce(cmd.Context(), site)
			if err != nil {
				return fmt.Errorf("shop connect woocommerce: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), link)
			return nil
		},
	}
	woo.Flags().StringVar(&site, "url", "", "site URL, such as https://shop.example.com (required)")
	_ = woo.MarkFlagRequired("url")
	cmd.AddCommand(woo)
	return cmd
}
