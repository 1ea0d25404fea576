package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/admin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
)

// newInstall returns the shop connection endpoints serve mounts, or nil when
// CONNECTOR_PUBLIC_URL is not set (no callback address to give shops).
func newInstall(cfg Config, setup shops.Setup, logger *slog.Logger) *admin.Install {
	if cfg.PublicURL == "" {
		return nil
	}
	scopes := shops.SplitList(cfg.ShopifyScopes)
	return &admin.Install{
		Store: setup.Store, PublicURL: cfg.PublicURL, Connected: setup.Connected, Logger: logger,
		Shopify: admin.ShopifyApp{ClientID: cfg.ShopifyClientID, ClientSecret: cfg.ShopifyClientSecret, Scopes: scopes,
			AllowedShops: cfg.shopifyShops(),
			OAuth:        &shopify.OAuth{ClientID: cfg.ShopifyClientID, ClientSecret: cfg.ShopifyClientSecret}},
	}
}

func newShopWebhooksCmd(a *app) *cobra.Command {
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
			setup := shopSetup(cfg, st, a.storefronts(cfg, st, logger), logger)
			states, err := setup.Webhooks(ctx, shop, !check)
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
			install := newInstall(cfg, shopSetup(cfg, st, nil, logger), logger)
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
