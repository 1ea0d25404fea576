package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/pricing"
)

// newShopCmd is `connector shop`: connecting storefronts and setting how they sell.
func newShopCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "shop",
		Short: "Connect WooCommerce and Shopify shops and change their settings",
	}
	cmd.AddCommand(newShopAddCmd(a), newShopListCmd(), newShopSettingsCmd(), newShopWebhooksCmd(a), newShopConnectCmd(), newShopResumeOrdersCmd())
	return cmd
}

// openShopStore opens the database for a shop command. Shops carry sealed credentials, so every
// shop command needs the secret key.
func openShopStore(cmd *cobra.Command) (*store.Store, error) {
	_, _, st, err := openCLI(cmd, true)
	return st, err
}

// shopAddOptions are the flags shared by `shop add woocommerce` and `shop add shopify`.
type shopAddOptions struct {
	req  shops.NewShop
	json bool
}

func (o *shopAddOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.req.Name, "name", "", "shop name (default: the site's host, or the Shopify shop's name)")
	f.StringVar(&o.req.Currency, "currency", "", "currency the shop sells in, ISO 4217 (default: the store's own; another one is refused)")
	f.StringVar(&o.req.FXRate, "fx-rate", "", "shop-currency units per IWS cost unit, when the shop sells in another currency than IWS costs")
	f.StringVar(&o.req.Locale, "locale", "es", "language of titles and descriptions: es or en")
	f.StringVar(&o.req.MarginPercent, "margin", "", "margin percent of every price (default "+shops.DefaultMarginPercent+"; `connector rules import` sets finer rules)")
	f.StringVar(&o.req.MarkupPercent, "markup", "", "markup percent on the IWS cost, instead of --margin")
	f.BoolVar(&o.req.NoCheck, "no-check", false, "save the shop without asking its store (currency "+shops.DefaultCurrency+" unless --currency)")
	f.BoolVar(&o.json, "json", false, "print one JSON object instead of text")
}

const shopAddLong = `Add connects a storefront to the default IWS account. Before saving it asks the store, with
the credentials given, for its name, currency and price decimals, and makes sure the credentials
may write products (WooCommerce: an empty product batch, which a read-only key is refused;
Shopify: the token's scopes). A store that refuses is not saved, and the error quotes it: wrong
keys, not a WooCommerce site, unreachable, read-only key. --no-check saves without asking.

The shop sells in the store's currency (--currency may only repeat it) and starts with a default
rule: a ` + shops.DefaultMarginPercent + `% margin on the IWS cost (--margin or --markup to choose another), rounded to
the store's price decimals, so it can price at once; ` + "`connector rules export`/`import`" + ` refine it.
When IWS costs are in another currency, --fx-rate (or ` + "`connector shop settings ID --fx-rate`" + `)
gives the exchange rate.

When no IWS account is stored yet, CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY are saved as
the default account first, as ` + "`connector sync`" + ` does. The credentials are sealed with
CONNECTOR_SECRET_KEY before they are stored and are never printed.

--json prints {"id", "name", "platform", "base_url", "currency", "iws_account", "store":
{"name", "currency", "price_decimals"} (null with --no-check), "rules": {the rules file},
"notes": [...]}.`

func newShopAddCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add woocommerce|shopify [flags]",
		Short: "Connect a shop to the default IWS account, after checking its store",
		Long:  shopAddLong,
	}
	cmd.AddCommand(newShopAddWooCommerceCmd(a), newShopAddShopifyCmd(a))
	return cmd
}

func newShopAddWooCommerceCmd(a *app) *cobra.Command {
	var opts shopAddOptions
	cmd := &cobra.Command{
		Use:   "woocommerce --url URL --key CK --secret CS [flags]",
		Short: "Connect a WooCommerce shop (REST API key with Read/Write permission)",
		Long: shopAddLong + `

--url is the site's address, its root: https://shop.example, or https://example.com/shop for a
WordPress in a folder (a pasted admin page such as .../wp-admin/... is refused with the address to
use). Make the key in WooCommerce → Settings → Advanced → REST API, permission Read/Write.`,
		Example: `  connector shop add woocommerce --url https://shop.example.com --key ck_... --secret cs_...
  connector shop add woocommerce --url https://shop.example.com --key ck_... --secret cs_... --markup 25 --fx-rate 950`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.req.Platform = store.PlatformWooCommerce
			return addShop(cmd, a, "shop add woocommerce", opts)
		},
	}
	opts.register(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.req.URL, "url", "", "site URL, such as https://shop.example.com (required)")
	f.StringVar(&opts.req.ConsumerKey, "key", "", "REST API consumer key, ck_... (required)")
	f.StringVar(&opts.req.ConsumerSecret, "secret", "", "REST API consumer secret, cs_... (required)")
	return cmd
}

func newShopAddShopifyCmd(a *app) *cobra.Command {
	var opts shopAddOptions
	cmd := &cobra.Command{
		Use:   "shopify --domain NAME.myshopify.com --token T [flags]",
		Short: "Connect a Shopify shop (Admin API access token of a custom app)",
		Long: shopAddLong + `

The token needs the scopes write_products, write_inventory and read_locations (and the order
scopes for orders).`,
		Example:      `  connector shop add shopify --domain acme.myshopify.com --token shpat_... --location-id 123456`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.req.Platform = store.PlatformShopify
			return addShop(cmd, a, "shop add shopify", opts)
		},
	}
	opts.register(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.req.URL, "domain", "", "the shop's NAME.myshopify.com domain (required)")
	f.StringVar(&opts.req.AccessToken, "token", "", "Admin API access token, shpat_... (required)")
	f.StringVar(&opts.req.LocationID, "location-id", "", "Shopify location the connector stocks (default: the shop's primary)")
	return cmd
}

// addShop connects the shop to the IWS account (made from the environment when there is none
// yet) and prints what was done.
func addShop(cmd *cobra.Command, a *app, what string, opts shopAddOptions) error {
	ctx := cmd.Context()
	cfg, logger, st, err := openCLI(cmd, true)
	if err != nil {
		return err
	}
	defer st.Close()
	acct, err := iwsAccount(ctx, cfg, st)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	added, err := shopSetup(cfg, st, a.storefronts(cfg, st, logger), logger).Add(ctx, acct, opts.req)
	var ps *shops.ProblemsError
	var refused *shops.CheckFailedError
	switch {
	case errors.As(err, &ps):
		return problemsError(what, ps)
	case errors.As(err, &refused):
		return fmt.Errorf("%s: store check failed: %w\n(--no-check saves the shop without asking the store)", what, refused)
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	}
	if opts.json {
		doc := struct {
			ID         int64                `json:"id"`
			Name       string               `json:"name"`
			Platform   string               `json:"platform"`
			BaseURL    string               `json:"base_url"`
			Currency   string               `json:"currency"`
			IWSAccount string               `json:"iws_account"`
			Store      *platforms.StoreInfo `json:"store"`
			Rules      *pricing.Rules       `json:"rules"`
			Notes      []string             `json:"notes"`
		}{added.Shop.ID, added.Shop.Name, added.Shop.Platform, added.Shop.BaseURL, added.Shop.Currency, acct.Name,
			added.Store, added.Rules, append([]string{}, added.Notes...)}
		if err := json.NewEncoder(cmd.OutOrStdout()).Encode(doc); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	return writeShopAdded(cmd.OutOrStdout(), acct, added)
}

func writeShopAdded(w io.Writer, acct store.IWSAccount, added shops.Added) error {
	s := added.Shop
	var b strings.Builder
	fmt.Fprintf(&b, "Shop %d %q added: %s %s, IWS account %q.\n", s.ID, s.Name, s.Platform, s.BaseURL, acct.Name)
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	if st := added.Store; st != nil {
		decimals := "the currency's decimals"
		if st.PriceDecimals >= 0 {
			decimals = fmt.Sprintf("%d price decimals", st.PriceDecimals)
		}
		name := ""
		if st.Name != "" {
			name = fmt.Sprintf("%q ", st.Name)
		}
		fmt.Fprintf(tw, "  store:\tchecked: %ssells in %s with %s; the credentials may write products\n", name, st.Currency, decimals)
	} else {
		fmt.Fprintf(tw, "  store:\tnot checked (--no-check)\n")
	}
	fmt.Fprintf(tw, "  pricing:\t%s (default rule)\n", describeRules(added.Rules))
	for _, n := range added.Notes {
		fmt.Fprintf(tw, "  note:\t%s\n", n)
	}
	_ = tw.Flush() // writes to a strings.Builder cannot fail
	fmt.Fprintf(&b, "Next: `connector shop webhooks %d` registers its order webhooks (needs CONNECTOR_PUBLIC_URL);\n"+
		"`connector sync all` publishes the catalog; `connector rules export --shop %d rules.json`, edit, then\n"+
		"`connector rules import --shop %d rules.json` refines the pricing.\n", s.ID, s.ID, s.ID)
	_, err := io.WriteString(w, b.String())
	return err
}

// describeRules says in words how the default action prices.
func describeRules(r *pricing.Rules) string {
	d := r.Default
	var parts []string
	switch {
	case d.MarginPercent != "":
		parts = append(parts, fmt.Sprintf("%s%% margin on the IWS cost", d.MarginPercent))
	case d.MarkupPercent != "":
		parts = append(parts, fmt.Sprintf("%s%% markup on the IWS cost", d.MarkupPercent))
	}
	if d.FixedAmount != "" {
		parts = append(parts, fmt.Sprintf("plus %s", d.FixedAmount))
	}
	text := strings.Join(parts, " ") + ", in " + r.Currency
	if r.FXRate != "" {
		text += fmt.Sprintf(" at %s %s per cost unit", r.FXRate, r.Currency)
	}
	if r.Rounding.Step != "" {
		text += fmt.Sprintf(", rounded up to a multiple of %s", r.Rounding.Step)
	}
	return text
}

// shopListItem is one shop of `shop list --json`: never its credentials.
type shopListItem struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Platform     string `json:"platform"`
	BaseURL      string `json:"base_url"`
	Currency     string `json:"currency"`
	IWSAccountID int64  `json:"iws_account_id"`
	IWSAccount   string `json:"iws_account"`
	// Status is "ok", or "orders held: REASON" while the shop's orders are held (IWS said the
	// customer account is on hold, or its credentials failed).
	Status string `json:"status"`
}

// shopStatus is the STATUS column of `shop list`.
func shopStatus(s store.Shop) string {
	if s.OrdersHoldReason != "" {
		return "ORDERS HELD since " + s.OrdersHeldAt.Format("2006-01-02 15:04") + ": " + s.OrdersHoldReason
	}
	if s.Disconnected() {
		return "disconnected"
	}
	return "ok"
}

// noShopsText is what `shop list` says when there is no shop.
const noShopsText = `No shop is connected yet. Connect one with:
  connector shop add woocommerce --url https://shop.example --key ck_... --secret cs_...
  connector shop add shopify --domain NAME.myshopify.com --token shpat_...
(` + "`connector shop add woocommerce --help`" + ` says where the keys come from.)
`

func newShopListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:          "list [--json]",
		Short:        "List the connected shops (credentials are never shown)",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := openShopStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			shops, err := st.ListShops(ctx)
			if err != nil {
				return fmt.Errorf("shop list: %w", err)
			}
			accts, err := st.ListIWSAccounts(ctx)
			if err != nil {
				return fmt.Errorf("shop list: %w", err)
			}
			names := make(map[int64]string, len(accts))
			for _, a := range accts {
				names[a.ID] = a.Name
			}
			items := make([]shopListItem, 0, len(shops))
			for _, s := range shops {
				items = append(items, shopListItem{ID: s.ID, Name: s.Name, Platform: s.Platform, BaseURL: s.BaseURL,
					Currency: s.Currency, IWSAccountID: s.IWSAccountID, IWSAccount: names[s.IWSAccountID], Status: shopStatus(s)})
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if err := json.NewEncoder(out).Encode(items); err != nil {
					return fmt.Errorf("shop list: %w", err)
				}
				return nil
			}
			if len(items) == 0 {
				_, err := fmt.Fprint(out, noShopsText)
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tPLATFORM\tBASE URL\tCURRENCY\tIWS ACCOUNT\tSTATUS")
			for _, it := range items {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", it.ID, it.Name, it.Platform, it.BaseURL, it.Currency, it.IWSAccount, it.Status)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array instead of a table")
	return cmd
}

// shopSettings is the --json output of `shop settings`.
type shopSettings struct {
	ID           int64          `json:"id"`
	Name         string         `json:"name"`
	Currency     string         `json:"currency"`
	FXRate       string         `json:"fx_rate"`
	TaxRate      string         `json:"tax_rate"`
	TaxInclusive bool           `json:"tax_inclusive"`
	Locale       string         `json:"locale"`
	StockPolicy  policy.Stock   `json:"stock_policy"`
	Filters      policy.Filters `json:"filters"`
	Orders       orderSettings  `json:"orders"`
}

// orderSettings are the settings PlaceOrder uses, in `shop settings --json`.
type orderSettings struct {
	Tag         string `json:"tag"`
	LocationID  string `json:"location_id"`
	CarrierID   string `json:"carrier_id"`
	AddressID   string `json:"address_id"`
	MaxCostRise string `json:"max_cost_rise"` // percent
	// FulfilledStatus is the storefront status of an order once shipped: completed or processing.
	FulfilledStatus string `json:"fulfilled_status"`
	HoldReason      string `json:"hold_reason,omitempty"`
}

// settingsFlags are the flags of `shop settings` that change a setting, each with the field of
// shops.SettingsChange it fills.
var settingsFlags = []struct {
	name, kind, usage string
	field             func(*shops.SettingsChange) **string
}{
	{"currency", "code", "currency the shop sells in (ISO 4217); its store must sell in it", func(c *shops.SettingsChange) **string { return &c.Currency }},
	{"fx-rate", "decimal", `shop-currency units per IWS cost unit, above 0 ("" when the same currency)`, func(c *shops.SettingsChange) **string { return &c.FXRate }},
	{"tax-rate", "percent", "tax rate, percent from 0 to 100", func(c *shops.SettingsChange) **string { return &c.TaxRate }},
	{"tax-inclusive", "true|false", "prices include tax: true or false", func(c *shops.SettingsChange) **string { return &c.TaxInclusive }},
	{"locale", "es|en", "language of titles and descriptions: es or en", func(c *shops.SettingsChange) **string { return &c.Locale }},
	{"warehouses", "ids|all", "IWS warehouse ids whose stock counts (ones IWS has sent), comma-separated, or all", func(c *shops.SettingsChange) **string { return &c.Warehouses }},
	{"buffer", "n", "units subtracted from the counted stock", func(c *shops.SettingsChange) **string { return &c.Buffer }},
	{"min-stock", "n", "below this stock a product is sold as --below-min says", func(c *shops.SettingsChange) **string { return &c.MinStock }},
	{"below-min", "action", "out_of_stock or hide", func(c *shops.SettingsChange) **string { return &c.BelowMin }},
	{"cap", "n", "most units published; 0 means no cap", func(c *shops.SettingsChange) **string { return &c.Cap }},
	{"types", "types", "IWS product types sold: " + strings.Join(policy.Types, ", "), func(c *shops.SettingsChange) **string { return &c.Types }},
	{"include-categories", "ids", `IWS category ids listed, such as "cpt" or "cpt.nb" (prefixes by whole segments)`, func(c *shops.SettingsChange) **string { return &c.IncludeCategories }},
	{"exclude-categories", "ids", "IWS category ids never listed", func(c *shops.SettingsChange) **string { return &c.ExcludeCategories }},
	{"include-brands", "brands", `IWS brand ids or names listed, such as "hpe" or "HP"`, func(c *shops.SettingsChange) **string { return &c.IncludeBrands }},
	{"exclude-brands", "brands", "IWS brand ids or names never listed", func(c *shops.SettingsChange) **string { return &c.ExcludeBrands }},
	{"order-tag", "tag", `IWS tag sent with every order (a group label, no spaces; "" none)`, func(c *shops.SettingsChange) **string { return &c.OrderTag }},
	{"location-id", "id", `IWS warehouse the orders are fulfilled from ("" IWS chooses)`, func(c *shops.SettingsChange) **string { return &c.OrderLocationID }},
	{"carrier-id", "id", `IWS carrier of the orders ("" IWS chooses)`, func(c *shops.SettingsChange) **string { return &c.OrderCarrierID }},
	{"address-id", "n", `IWS delivery address code (AddressId) of the orders ("" the account's default)`, func(c *shops.SettingsChange) **string { return &c.OrderAddressID }},
	{"max-cost-rise", "percent", "an order is held when an IWS cost is more than this percent above the cost its shop price was computed from (default 3)", func(c *shops.SettingsChange) **string { return &c.MaxCostRise }},
	{"fulfilled-status", "status", "WooCommerce status of an order once its tracking is written back: completed (default) or processing (left as it is)", func(c *shops.SettingsChange) **string { return &c.FulfilledStatus }},
}

func newShopSettingsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "settings ID [flags]",
		Short: "Show or change a shop's currency, tax, language, stock policy and filters",
		Long: `Settings prints the shop's settings; with flags it first checks them all, the way the rules file
and the database check them (every problem is listed at once, and nothing is saved when there is
one), saves them and prints the result. List flags take comma-separated values; an empty value
("") clears the list. Warehouses must be ones IWS has sent for the account (a stock sync brings
them); categories and brands are IWS codes, and one that matches nothing in the mirrored catalog
is saved with a warning. The order flags also take the names of the PlaceOrder fields they fill:
--tag, --locationId, --carrierId and --AddressId (or --location, --carrier, --address).`,
		Example: `  connector shop settings 1
  connector shop settings 1 --currency CLP --fx-rate 950 --tax-rate 19 --tax-inclusive
  connector shop settings 1 --warehouses xclq1,xclq2 --buffer 2 --min-stock 3 --below-min hide --cap 50
  connector shop settings 1 --types Physical,License --include-categories cpt,acc --exclude-brands hpe`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return fmt.Errorf("shop settings: %q is not a shop id (`connector shop list` shows them)", args[0])
			}
			var change shops.SettingsChange
			changed := false
			for _, sf := range settingsFlags {
				if f := cmd.Flags().Lookup(sf.name); f.Changed {
					v := f.Value.String()
					*sf.field(&change) = &v
					changed = true
				}
			}
			ctx := cmd.Context()
			st, err := openShopStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			var shop store.Shop
			var warnings []string
			if changed {
				res, err := shops.ChangeSettings(ctx, st, id, change)
				var ps *shops.ProblemsError
				switch {
				case errors.Is(err, store.ErrNotFound):
					return fmt.Errorf("shop settings: no shop %d", id)
				case errors.As(err, &ps):
					return problemsError(fmt.Sprintf("shop settings %d", id), ps)
				case err != nil:
					return fmt.Errorf("shop settings: %w", err)
				}
				shop, warnings = res.Shop, res.Warnings
			} else if shop, err = st.Shop(ctx, id); errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("shop settings: no shop %d", id)
			} else if err != nil {
				return fmt.Errorf("shop settings: %w", err)
			}
			for _, w := range warnings {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
			}
			return writeShopSettings(cmd.OutOrStdout(), shop, asJSON)
		},
	}
	f := cmd.Flags()
	for _, sf := range settingsFlags {
		f.Var(&textFlag{kind: sf.kind}, sf.name, sf.usage)
	}
	// --tax-inclusive alone means true, like a boolean flag, but the value is checked with the
	// other settings so a wrong one is reported as such ("takes true or false").
	f.Lookup("tax-inclusive").NoOptDefVal = "true"
	f.BoolVar(&asJSON, "json", false, "print one JSON object instead of text")
	// The order settings also answer to the names of the PlaceOrder fields they fill (tag,
	// locationId, carrierId, AddressId).
	f.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if full, ok := settingsAliases[strings.ToLower(name)]; ok {
			return pflag.NormalizedName(full)
		}
		return pflag.NormalizedName(name)
	})
	return cmd
}

// settingsAliases are other names of `shop settings` flags: the PlaceOrder fields they fill.
var settingsAliases = map[string]string{
	"tag": "order-tag", "location": "location-id", "locationid": "location-id", "carrier": "carrier-id",
	"carrierid": "carrier-id", "address": "address-id", "addressid": "address-id",
}

func writeShopSettings(w io.Writer, shop store.Shop, asJSON bool) error {
	doc := shopSettings{ID: shop.ID, Name: shop.Name, Currency: shop.Currency, FXRate: shop.FXRate,
		TaxRate: shop.TaxRate, TaxInclusive: shop.TaxInclusive, Locale: shop.Locale,
		StockPolicy: shop.StockPolicy, Filters: shop.Filters,
		Orders: orderSettings{Tag: shop.OrderTag, LocationID: shop.OrderLocationID, CarrierID: shop.OrderCarrierID,
			AddressID: shop.OrderAddressID, MaxCostRise: orders.MaxCostRise(shop).String(), FulfilledStatus: string(orders.FulfilledStatus(shop)),
			HoldReason: shop.OrdersHoldReason}}
	if asJSON {
		if err := json.NewEncoder(w).Encode(doc); err != nil {
			return fmt.Errorf("shop settings: %w", err)
		}
		return nil
	}
	orAll := func(v []string, all string) string {
		if len(v) == 0 {
			return all
		}
		return strings.Join(v, ",")
	}
	orNone := func(v string) string {
		if v == "" {
			return "-"
		}
		return v
	}
	orHeld := func(reason string) string {
		if reason == "" {
			return "placed as they come"
		}
		return "HELD: " + reason
	}
	p := shop.StockPolicy
	belowMin := p.BelowMin
	if belowMin == "" {
		belowMin = policy.BelowMinOutOfStock
	}
	capText := strconv.Itoa(p.MaxStock)
	if p.MaxStock == 0 {
		capText = "none"
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Shop %d %q (%s)\n", shop.ID, shop.Name, shop.Platform)
	for _, row := range [][2]string{
		{"currency", shop.Currency},
		{"fx-rate", orNone(shop.FXRate)},
		{"tax-rate", orNone(shop.TaxRate)},
		{"tax-inclusive", strconv.FormatBool(shop.TaxInclusive)},
		{"locale", shop.Locale},
		{"warehouses", orAll(p.Locations, "all")},
		{"buffer", strconv.Itoa(p.Buffer)},
		{"min-stock", strconv.Itoa(p.MinStock)},
		{"below-min", belowMin},
		{"cap", capText},
		{"types", strings.Join(p.SoldTypes(), ",")},
		{"include-categories", orAll(shop.Filters.IncludeCategories, "all")},
		{"exclude-categories", orAll(shop.Filters.ExcludeCategories, "none")},
		{"include-brands", orAll(shop.Filters.IncludeBrands, "all")},
		{"exclude-brands", orAll(shop.Filters.ExcludeBrands, "none")},
		{"order-tag", orNone(shop.OrderTag)},
		{"location-id", orNone(shop.OrderLocationID)},
		{"carrier-id", orNone(shop.OrderCarrierID)},
		{"address-id", orNone(shop.OrderAddressID)},
		{"max-cost-rise", orders.MaxCostRise(shop).String() + "%"},
		{"fulfilled-status", string(orders.FulfilledStatus(shop))},
		{"orders", orHeld(shop.OrdersHoldReason)},
	} {
		fmt.Fprintf(tw, "  %s:\t%s\n", row[0], row[1])
	}
	return tw.Flush()
}

// textFlag is a settings flag: it keeps the text as typed, for shops.ChangeSettings to check
// with the others (so a bad value is reported with every other problem, in the setting's own
// words, never as a flag-parsing error), and names what it takes in --help.
type textFlag struct{ value, kind string }

func (f *textFlag) String() string     { return f.value }
func (f *textFlag) Set(v string) error { f.value = v; return nil }
func (f *textFlag) Type() string       { return f.kind }

// problemsError lists every problem on its own line under what.
func problemsError(what string, ps *shops.ProblemsError) error {
	lines := make([]string, len(ps.Problems))
	for i, p := range ps.Problems {
		lines[i] = "  - " + p.String()
	}
	return fmt.Errorf("%s:\n%s", what, strings.Join(lines, "\n"))
}
