package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

// newShopCmd is `connector shop`: connecting storefronts and setting how they sell.
func newShopCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "shop",
		Short: "Connect WooCommerce and Shopify shops and change their settings",
	}
	cmd.AddCommand(newShopAddCmd(), newShopListCmd(), newShopSettingsCmd(), newShopWebhooksCmd(a), newShopConnectCmd())
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
	name     string
	currency string
	locale   string
	json     bool
}

func (o *shopAddOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.name, "name", "", "shop name (default: the host name)")
	f.StringVar(&o.currency, "currency", "USD", "currency the shop sells in (ISO 4217)")
	f.StringVar(&o.locale, "locale", "es", "language of titles and descriptions: es or en")
	f.BoolVar(&o.json, "json", false, "print one JSON object instead of the id")
}

func newShopAddCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add woocommerce|shopify [flags]",
		Short: "Connect a shop to the default IWS account",
		Long: `Add connects a storefront to the default IWS account and prints its id. The credentials are
sealed with CONNECTOR_SECRET_KEY before they are stored and are never printed.`,
	}
	cmd.AddCommand(newShopAddWooCommerceCmd(), newShopAddShopifyCmd())
	return cmd
}

func newShopAddWooCommerceCmd() *cobra.Command {
	var (
		opts          shopAddOptions
		siteURL       string
		key, secretCS string
	)
	cmd := &cobra.Command{
		Use:          "woocommerce --url URL --key CK --secret CS [flags]",
		Short:        "Connect a WooCommerce shop (REST API key with read_write permission)",
		Example:      `  connector shop add woocommerce --url https://shop.example.com --key ck_... --secret cs_... --currency CLP`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var errs []error
			u, err := url.Parse(strings.TrimSpace(siteURL))
			if siteURL == "" {
				errs = append(errs, errors.New("--url is required"))
			} else if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				errs = append(errs, fmt.Errorf("--url %q is not an absolute http(s) URL", siteURL))
			}
			if strings.TrimSpace(key) == "" {
				errs = append(errs, errors.New("--key is required"))
			}
			if strings.TrimSpace(secretCS) == "" {
				errs = append(errs, errors.New("--secret is required"))
			}
			errs = append(errs, opts.validate()...)
			if len(errs) > 0 {
				return problemsError("shop add woocommerce", errs)
			}
			// The webhook secret is the connector's own: `shop webhooks ID` registers it.
			hookSecret, err := shops.NewWebhookSecret()
			if err != nil {
				return fmt.Errorf("shop add woocommerce: %w", err)
			}
			creds, err := shops.MarshalCredentials(shops.WooCommerceCredentials{
				ConsumerKey: strings.TrimSpace(key), ConsumerSecret: strings.TrimSpace(secretCS), WebhookSecret: hookSecret})
			if err != nil {
				return fmt.Errorf("shop add woocommerce: %w", err)
			}
			name := opts.name
			if name == "" {
				name = u.Host
			}
			return addShop(cmd, opts, store.Shop{Name: name, Platform: store.PlatformWooCommerce,
				BaseURL: strings.TrimRight(u.String(), "/"), Credentials: creds})
		},
	}
	opts.register(cmd)
	f := cmd.Flags()
	f.StringVar(&siteURL, "url", "", "site URL, such as https://shop.example.com (required)")
	f.StringVar(&key, "key", "", "REST API consumer key, ck_... (required)")
	f.StringVar(&secretCS, "secret", "", "REST API consumer secret, cs_... (required)")
	return cmd
}

// shopifyDomain is the form of a shop's own domain on Shopify.
var shopifyDomain = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

func newShopAddShopifyCmd() *cobra.Command {
	var (
		opts       shopAddOptions
		domain     string
		token      string
		locationID string
	)
	cmd := &cobra.Command{
		Use:          "shopify --domain NAME.myshopify.com --token T [flags]",
		Short:        "Connect a Shopify shop (Admin API access token of a custom app)",
		Example:      `  connector shop add shopify --domain acme.myshopify.com --token shpat_... --location-id 123456`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var errs []error
			d := strings.TrimSpace(domain)
			if d == "" {
				errs = append(errs, errors.New("--domain is required"))
			} else if !shopifyDomain.MatchString(d) {
				errs = append(errs, fmt.Errorf("--domain %q is not a NAME.myshopify.com domain", domain))
			}
			if strings.TrimSpace(token) == "" {
				errs = append(errs, errors.New("--token is required"))
			}
			errs = append(errs, opts.validate()...)
			if len(errs) > 0 {
				return problemsError("shop add shopify", errs)
			}
			creds, err := shops.MarshalCredentials(shops.ShopifyCredentials{
				AccessToken: strings.TrimSpace(token), LocationID: strings.TrimSpace(locationID), Shop: d})
			if err != nil {
				return fmt.Errorf("shop add shopify: %w", err)
			}
			name := opts.name
			if name == "" {
				name = strings.TrimSuffix(d, ".myshopify.com")
			}
			return addShop(cmd, opts, store.Shop{Name: name, Platform: store.PlatformShopify,
				BaseURL: "https://" + d, Credentials: creds})
		},
	}
	opts.register(cmd)
	f := cmd.Flags()
	f.StringVar(&domain, "domain", "", "the shop's NAME.myshopify.com domain (required)")
	f.StringVar(&token, "token", "", "Admin API access token, shpat_... (required)")
	f.StringVar(&locationID, "location-id", "", "Shopify location the connector stocks (default: the shop's primary)")
	return cmd
}

func (o *shopAddOptions) validate() []error {
	var errs []error
	if o.name != "" && (strings.TrimSpace(o.name) == "" || len(o.name) > 100) {
		errs = append(errs, errors.New("--name is blank or longer than 100 bytes"))
	}
	o.currency = strings.ToUpper(strings.TrimSpace(o.currency))
	if !isCurrencyCode(o.currency) {
		errs = append(errs, fmt.Errorf("--currency %q is not an ISO 4217 code", o.currency))
	}
	if o.locale != "es" && o.locale != "en" {
		errs = append(errs, fmt.Errorf("--locale %q is not es or en", o.locale))
	}
	return errs
}

// addShop attaches shop to the default IWS account and saves it.
func addShop(cmd *cobra.Command, opts shopAddOptions, shop store.Shop) error {
	ctx := cmd.Context()
	st, err := openShopStore(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	acct, err := st.DefaultIWSAccount(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errors.New("shop add: no IWS account yet: set CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY and run `connector sync catalog` first")
	case err != nil:
		return fmt.Errorf("shop add: %w", err)
	}
	shop.IWSAccountID = acct.ID
	shop.Currency = opts.currency
	shop.Locale = opts.locale
	saved, err := st.SaveShop(ctx, shop)
	if err != nil {
		return fmt.Errorf("shop add: %w", err)
	}
	out := cmd.OutOrStdout()
	if opts.json {
		doc := struct {
			ID       int64  `json:"id"`
			Name     string `json:"name"`
			Platform string `json:"platform"`
			BaseURL  string `json:"base_url"`
		}{saved.ID, saved.Name, saved.Platform, saved.BaseURL}
		if err := json.NewEncoder(out).Encode(doc); err != nil {
			return fmt.Errorf("shop add: %w", err)
		}
		return nil
	}
	_, err = fmt.Fprintln(out, saved.ID)
	return err
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
}

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
					Currency: s.Currency, IWSAccountID: s.IWSAccountID, IWSAccount: names[s.IWSAccountID]})
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if err := json.NewEncoder(out).Encode(items); err != nil {
					return fmt.Errorf("shop list: %w", err)
				}
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tPLATFORM\tBASE URL\tCURRENCY\tIWS ACCOUNT")
			for _, it := range items {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", it.ID, it.Name, it.Platform, it.BaseURL, it.Currency, it.IWSAccount)
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
}

// soldTypes are the IWS product types StockPolicy.Types accepts.
var soldTypes = []string{"Physical", "License", "Warranty", "Downloadable"}

func newShopSettingsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "settings ID [flags]",
		Short: "Show or change a shop's currency, tax, language, stock policy and filters",
		Long: `Settings prints the shop's settings; with flags it first checks them all (every problem is
listed at once), saves them and prints the result. List flags take comma-separated values; an
empty value ("") clears the list.`,
		Example: `  connector shop settings 1
  connector shop settings 1 --currency CLP --fx-rate 950 --tax-rate 19 --tax-inclusive
  connector shop settings 1 --warehouses mia,bog --buffer 2 --min-stock 3 --below-min hide --cap 50
  connector shop settings 1 --types Physical,License --include-categories cpt,acc --exclude-brands acme`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return fmt.Errorf("shop settings: %q is not a shop id", args[0])
			}
			ctx := cmd.Context()
			st, err := openShopStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			shop, err := st.Shop(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("shop settings: no shop %d", id)
			} else if err != nil {
				return fmt.Errorf("shop settings: %w", err)
			}
			changed := false
			cmd.Flags().Visit(func(f *pflag.Flag) { // settings flags only: not --json or --no-migrate
				changed = changed || (f.Name != "json" && cmd.LocalFlags().Lookup(f.Name) != nil)
			})
			if changed {
				if errs := applyShopSettings(cmd, &shop); len(errs) > 0 {
					return problemsError(fmt.Sprintf("shop settings %d", id), errs)
				}
				if shop, err = st.SaveShop(ctx, shop); err != nil {
					return fmt.Errorf("shop settings: %w", err)
				}
			}
			return writeShopSettings(cmd.OutOrStdout(), shop, asJSON)
		},
	}
	f := cmd.Flags()
	f.String("currency", "", "currency the shop sells in (ISO 4217)")
	f.String("fx-rate", "", `shop-currency units per IWS cost unit ("" when the same currency)`)
	f.String("tax-rate", "", "tax rate, percent")
	f.Bool("tax-inclusive", false, "prices include tax")
	f.String("locale", "", "language of titles and descriptions: es or en")
	f.String("warehouses", "", "IWS warehouse ids whose stock counts, comma-separated, or all")
	f.String("buffer", "", "units subtracted from the counted stock")
	f.String("min-stock", "", "below this stock a product is sold as --below-min says")
	f.String("below-min", "", "out_of_stock or hide")
	f.String("cap", "", "most units published; 0 means no cap")
	f.String("types", "", "IWS product types sold: Physical, License, Warranty, Downloadable")
	f.String("include-categories", "", "IWS category ids listed (prefixes by whole segments)")
	f.String("exclude-categories", "", "IWS category ids never listed")
	f.String("include-brands", "", "IWS brand ids or names listed")
	f.String("exclude-brands", "", "IWS brand ids or names never listed")
	f.BoolVar(&asJSON, "json", false, "print one JSON object instead of text")
	return cmd
}

// applyShopSettings copies the changed flags into shop and returns every problem found.
func applyShopSettings(cmd *cobra.Command, shop *store.Shop) []error {
	f := cmd.Flags()
	var errs []error
	str := func(name string) (string, bool) {
		if !f.Changed(name) {
			return "", false
		}
		v, _ := f.GetString(name)
		return strings.TrimSpace(v), true
	}
	count := func(name string, dst *int) {
		if v, ok := str(name); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				errs = append(errs, fmt.Errorf("--%s %q is not a whole number of 0 or more", name, v))
				return
			}
			*dst = n
		}
	}
	rate := func(name string, dst *string) {
		if v, ok := str(name); ok {
			if v != "" {
				d, err := decimal.NewFromString(v)
				if err != nil || d.IsNegative() {
					errs = append(errs, fmt.Errorf("--%s %q is not a non-negative decimal", name, v))
					return
				}
			}
			*dst = v
		}
	}
	list := func(name string, dst *[]string) {
		if v, ok := str(name); ok {
			*dst = splitList(v)
		}
	}

	if v, ok := str("currency"); ok {
		v = strings.ToUpper(v)
		if !isCurrencyCode(v) {
			errs = append(errs, fmt.Errorf("--currency %q is not an ISO 4217 code", v))
		} else {
			shop.Currency = v
		}
	}
	rate("fx-rate", &shop.FXRate)
	rate("tax-rate", &shop.TaxRate)
	if f.Changed("tax-inclusive") {
		shop.TaxInclusive, _ = f.GetBool("tax-inclusive")
	}
	if v, ok := str("locale"); ok {
		if v != "es" && v != "en" {
			errs = append(errs, fmt.Errorf("--locale %q is not es or en", v))
		} else {
			shop.Locale = v
		}
	}
	if v, ok := str("warehouses"); ok {
		if strings.EqualFold(v, "all") {
			shop.StockPolicy.Locations = nil
		} else if ids := splitList(v); len(ids) == 0 {
			errs = append(errs, errors.New(`--warehouses is empty: give "all" or warehouse ids`))
		} else {
			for _, id := range ids {
				if len(id) > 64 {
					errs = append(errs, fmt.Errorf("--warehouses: %q is longer than 64 bytes", id))
				}
			}
			shop.StockPolicy.Locations = ids
		}
	}
	count("buffer", &shop.StockPolicy.Buffer)
	count("min-stock", &shop.StockPolicy.MinStock)
	count("cap", &shop.StockPolicy.MaxStock)
	if v, ok := str("below-min"); ok {
		switch v {
		case policy.BelowMinOutOfStock:
			shop.StockPolicy.BelowMin = policy.BelowMinOutOfStock
		case policy.BelowMinHide:
			shop.StockPolicy.BelowMin = policy.BelowMinHide
		default:
			errs = append(errs, fmt.Errorf("--below-min %q is not out_of_stock or hide", v))
		}
	}
	if v, ok := str("types"); ok {
		types := splitList(v)
		for _, t := range types {
			if !slices.Contains(soldTypes, t) {
				errs = append(errs, fmt.Errorf("--types: %q is not one of %s", t, strings.Join(soldTypes, ", ")))
			}
		}
		shop.StockPolicy.Types = types
	}
	list("include-categories", &shop.Filters.IncludeCategories)
	list("exclude-categories", &shop.Filters.ExcludeCategories)
	list("include-brands", &shop.Filters.IncludeBrands)
	list("exclude-brands", &shop.Filters.ExcludeBrands)
	return errs
}

func writeShopSettings(w io.Writer, shop store.Shop, asJSON bool) error {
	doc := shopSettings{ID: shop.ID, Name: shop.Name, Currency: shop.Currency, FXRate: shop.FXRate,
		TaxRate: shop.TaxRate, TaxInclusive: shop.TaxInclusive, Locale: shop.Locale,
		StockPolicy: shop.StockPolicy, Filters: shop.Filters}
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
	} {
		fmt.Fprintf(tw, "  %s:\t%s\n", row[0], row[1])
	}
	return tw.Flush()
}

// splitList splits a comma-separated flag value, dropping blanks; "" gives nil.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func isCurrencyCode(c string) bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// problemsError lists every problem on its own line under what.
func problemsError(what string, errs []error) error {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = "  - " + e.Error()
	}
	return fmt.Errorf("%s:\n%s", what, strings.Join(lines, "\n"))
}
