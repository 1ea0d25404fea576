package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

// newProductsCmd is `connector products`: the mirrored IWS catalog.
func newProductsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "products",
		Short: "Look at the mirrored IWS products and how each shop lists them",
	}
	cmd.AddCommand(newProductsShowCmd())
	return cmd
}

func newProductsShowCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show SKU [--json]",
		Short: "Show one mirrored product, its price in every shop and its listing state",
		Long: `show prints one product of the IWS mirror of the default IWS account, as the last sync left it:
cost and currency, whether IWS sells it, stock in total and per warehouse, type, category, brand,
manufacturer, descriptions, images, whether it is active and when it last changed. Then, for every
shop of the account, the price the shop's margin rules give it with the explanation (the rule chosen
and why, every intermediate value), whether the shop lists it (and why not), and its listing state:
state, pending change, storefront ids, the price and stock last pushed and the last error.

It reads the database only (no IWS call). --json prints one object:
{"product": {...}, "shops": [{"id", "name", "price", "currency", "explanation", "listing", ...}]},
decimals as strings.`,
		Example: `  connector products show SE001MSE01
  connector products show SE001MSE01 --json`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProductsShow(cmd, args[0], asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object instead of text")
	return cmd
}

func runProductsShow(cmd *cobra.Command, sku string, asJSON bool) error {
	ctx := cmd.Context()
	cfg, _, st, err := openCLI(cmd, false)
	if err != nil {
		return err
	}
	defer st.Close()

	acct, err := st.DefaultIWSAccount(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errors.New("products: no IWS account yet: run `connector sync all` first")
	case err != nil && cfg.SecretKey == "":
		return fmt.Errorf("products: the stored IWS account needs CONNECTOR_SECRET_KEY (or CONNECTOR_SECRET_KEY_FILE): %w", err)
	case err != nil:
		return fmt.Errorf("products: %w", err)
	}
	doc, err := shops.Report(ctx, st, acct, strings.TrimSpace(sku))
	if err != nil {
		return fmt.Errorf("products: %w", err)
	}
	if asJSON {
		if err := json.NewEncoder(cmd.OutOrStdout()).Encode(doc); err != nil {
			return fmt.Errorf("products: %w", err)
		}
		return nil
	}
	return writeProductText(cmd.OutOrStdout(), doc)
}

func writeProductText(w io.Writer, doc shops.ProductReport) error {
	p := doc.Product
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "  %s\t%s\n", k, fmt.Sprintf(format, args...)) }
	yesNo := func(v bool) string {
		if v {
			return "yes"
		}
		return "no"
	}
	fmt.Fprintf(tw, "%s\n", p.SKU)
	row("active", "%s", yesNo(p.Active))
	row("cost", "%s %s (sellable: %s)", p.Cost, p.Currency, yesNo(p.Sellable))
	stock := fmt.Sprint(p.StockTotal)
	if !p.RealStock {
		stock += " (at least; IWS caps the number it shows)"
	}
	row("stock", "%s", stock)
	for _, loc := range slices.Sorted(maps.Keys(p.StockByLocation)) {
		row("", "warehouse %s: %d", loc, p.StockByLocation[loc])
	}
	row("type", "%s", p.Type)
	var path []string
	for _, n := range p.CategoryPath {
		path = append(path, n.Name)
	}
	row("category", "%s (%s)", p.CategoryID, strings.Join(path, " > "))
	row("brand", "%s (%s)", p.Brand.Name, p.Brand.ID)
	row("manufacturer", "%s (%s)", p.Manufacturer.Name, p.Manufacturer.ID)
	row("mpn / upc", "%s / %s", p.MPN, p.UPC)
	row("description es", "%s", p.DescriptionES)
	row("description en", "%s", p.DescriptionEN)
	if p.LongDescription != "" {
		row("long description", "%s", shorten(p.LongDescription, 100))
	}
	if len(p.Specs) > 0 {
		row("specifications", "%d", len(p.Specs))
	}
	row("images", "%d", len(p.Images))
	for _, img := range p.Images {
		row("", "%s", img)
	}
	row("last update", "%s (last seen in the catalog %s)", p.UpdatedAt.Format(time.RFC3339), p.LastSeenAt.Format(time.RFC3339))
	if p.DeactivatedAt != nil {
		row("deactivated", "%s", p.DeactivatedAt.Format(time.RFC3339))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("products: %w", err)
	}
	if len(doc.Shops) == 0 {
		b.WriteString("\nNo shop is connected to this IWS account.\n")
	}
	for _, s := range doc.Shops {
		writeShopText(&b, s)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("products: %w", err)
	}
	return nil
}

func writeShopText(b *strings.Builder, s shops.ShopView) {
	fmt.Fprintf(b, "\nShop %d %q (%s)\n", s.ID, s.Name, s.Platform)
	if s.Err != "" {
		fmt.Fprintf(b, "  error: %s\n", s.Err)
	}
	switch {
	case s.PriceError != "":
		fmt.Fprintf(b, "  price: none (%s)\n", s.PriceError)
	case s.Explanation != nil:
		fmt.Fprintf(b, "  price: %s %s\n", s.Price, s.Currency)
		ex := s.Explanation
		if ex.Default {
			b.WriteString("  rule:  default (no rule matched)\n")
		} else {
			fmt.Fprintf(b, "  rule:  %s (priority %d)\n", ex.Rule, ex.Priority)
		}
		for _, m := range ex.Matched {
			fmt.Fprintf(b, "         matched: %s\n", m)
		}
		for _, sk := range ex.Skipped {
			fmt.Fprintf(b, "         skipped %s (priority %d): %s\n", sk.Rule, sk.Priority, sk.Reason)
		}
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, st := range s.Explanation.Steps {
			fmt.Fprintf(tw, "    %s\t%s\t%s\n", st.Step, st.Value, st.Note)
		}
		_ = tw.Flush() // writes to a strings.Builder cannot fail
	}
	switch {
	case s.Listed:
		fmt.Fprintf(b, "  listed: yes, %d in stock, %s\n", s.Desired.Stock, s.Desired.Status)
	case s.NotListedReason != "":
		fmt.Fprintf(b, "  listed: no (%s): %s\n", s.NotListedReason, s.NotListedDetail)
	}
	l := s.Listing
	switch {
	case l == nil && s.Listed:
		b.WriteString("  listing: none yet (the next sync publishes it)\n")
		return
	case l == nil && s.Err != "":
		b.WriteString("  listing: none (nothing is published while the error above stands)\n")
		return
	case l == nil:
		b.WriteString("  listing: none (no sync publishes it while it is not listed)\n")
		return
	}
	pending := l.PendingChange
	if pending == "" {
		pending = "none"
	}
	fmt.Fprintf(b, "  listing: %s, pending change: %s\n", l.State, pending)
	if !s.Listed && s.Err == "" && (l.State == store.ListingPublished || l.State == store.ListingOutOfStock) {
		b.WriteString("           the next sync takes it off sale, since it is not listed\n")
	}
	if l.ProductID != "" {
		ids := "product " + l.ProductID
		if l.VariantID != "" {
			ids += ", variant " + l.VariantID
		}
		if l.InventoryItemID != "" {
			ids += ", inventory item " + l.InventoryItemID
		}
		fmt.Fprintf(b, "  storefront ids: %s\n", ids)
	}
	if l.PushedAt != nil {
		fmt.Fprintf(b, "  pushed: %s %s, stock %d, at %s\n", l.PushedPrice, l.PushedCurrency, l.PushedStock, l.PushedAt.Format(time.RFC3339))
	}
	if l.LastError != "" {
		fmt.Fprintf(b, "  last error: %s (%d failed attempts)\n", l.LastError, l.Attempts)
	}
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
