package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/pricing"
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
	doc, err := productReport(ctx, st, acct, strings.TrimSpace(sku))
	if err != nil {
		return err
	}
	if asJSON {
		if err := json.NewEncoder(cmd.OutOrStdout()).Encode(doc); err != nil {
			return fmt.Errorf("products: %w", err)
		}
		return nil
	}
	return writeProductText(cmd.OutOrStdout(), doc)
}

// productDoc is the --json output of `products show`.
type productDoc struct {
	Product productJSON    `json:"product"`
	Shops   []shopPriceDoc `json:"shops"`
}

type productJSON struct {
	SKU             string               `json:"sku"`
	AccountID       int64                `json:"iws_account_id"`
	MPN             string               `json:"mpn"`
	UPC             string               `json:"upc"`
	Type            string               `json:"type"`
	Active          bool                 `json:"active"`
	Cost            string               `json:"cost"`
	Currency        string               `json:"currency"`
	Sellable        bool                 `json:"sellable"`
	StockTotal      int                  `json:"stock_total"`
	StockByLocation map[string]int       `json:"stock_by_location"`
	RealStock       bool                 `json:"real_stock"`
	CategoryID      string               `json:"category_id"`
	CategoryPath    []store.CategoryNode `json:"category_path"`
	Brand           idName               `json:"brand"`
	Manufacturer    idName               `json:"manufacturer"`
	DescriptionES   string               `json:"description_es"`
	DescriptionEN   string               `json:"description_en"`
	LongDescription string               `json:"long_description"`
	Specs           map[string]string    `json:"specs"`
	Images          []string             `json:"images"`
	WeightLb        string               `json:"weight_lb,omitempty"`
	LengthIn        string               `json:"length_in,omitempty"`
	WidthIn         string               `json:"width_in,omitempty"`
	HeightIn        string               `json:"height_in,omitempty"`
	FirstSeenAt     time.Time            `json:"first_seen_at"`
	LastSeenAt      time.Time            `json:"last_seen_at"`
	DeactivatedAt   *time.Time           `json:"deactivated_at"`
	UpdatedAt       time.Time            `json:"updated_at"`
}

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// shopPriceDoc is one shop's view of the product.
type shopPriceDoc struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Platform string `json:"platform"`
	// Price is "" when the rules cannot price the product; PriceError says why.
	Price       string           `json:"price"`
	Currency    string           `json:"currency"`
	PriceError  string           `json:"price_error,omitempty"`
	Explanation *explanationJSON `json:"explanation"`
	// Listed reports whether the shop should list the product now; NotListedReason says why not.
	Listed          bool                `json:"listed"`
	NotListedReason string              `json:"not_listed_reason,omitempty"`
	Desired         *desiredStock       `json:"desired,omitempty"`
	Listing         *listingJSON        `json:"listing"`
	Err             string              `json:"error,omitempty"`
	explanation     pricing.Explanation // for the text output
}

type explanationJSON struct {
	Rule     string            `json:"rule"`
	Priority int               `json:"priority"`
	Default  bool              `json:"default"`
	Matched  []string          `json:"matched"`
	Skipped  []explainSkipJSON `json:"skipped"`
	Steps    []explainStepJSON `json:"steps"`
}

type desiredStock struct {
	Price       string `json:"price"`
	ManageStock bool   `json:"manage_stock"`
	Stock       int    `json:"stock"`
	Status      string `json:"status"`
}

type listingJSON struct {
	State           string     `json:"state"`
	PendingChange   string     `json:"pending_change"`
	ProductID       string     `json:"product_id"`
	VariantID       string     `json:"variant_id"`
	InventoryItemID string     `json:"inventory_item_id"`
	PushedPrice     string     `json:"pushed_price"`
	PushedCurrency  string     `json:"pushed_currency"`
	PushedStock     int        `json:"pushed_stock"`
	PushedAt        *time.Time `json:"pushed_at"`
	LastError       string     `json:"last_error"`
	Attempts        int        `json:"attempts"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// productReport gathers the product and its state in every shop of the account.
func productReport(ctx context.Context, st *store.Store, acct store.IWSAccount, sku string) (productDoc, error) {
	p, err := st.Product(ctx, acct.ID, sku)
	if errors.Is(err, store.ErrNotFound) {
		return productDoc{}, fmt.Errorf("products: no product %q in the mirror of IWS account %q (run `connector sync all`, or check the SKU)", sku, acct.Name)
	}
	if err != nil {
		return productDoc{}, fmt.Errorf("products: %w", err)
	}
	if p.LastSeenAt, err = catalog.LastSeen(ctx, st, p); err != nil {
		return productDoc{}, fmt.Errorf("products: %w", err)
	}
	doc := productDoc{Product: productToJSON(p), Shops: []shopPriceDoc{}}
	shops, err := syncjob.AccountShops(ctx, st, acct.ID)
	if err != nil {
		return productDoc{}, err
	}
	for _, shop := range shops {
		doc.Shops = append(doc.Shops, shopView(ctx, st, shop, p))
	}
	return doc, nil
}

func productToJSON(p *store.Product) productJSON {
	nullText := func(d decimal.NullDecimal) string {
		if !d.Valid {
			return ""
		}
		return d.Decimal.String()
	}
	return productJSON{
		SKU: p.SKU, AccountID: p.AccountID, MPN: p.MPN, UPC: p.UPC, Type: p.Type, Active: p.Active,
		Cost: p.Cost.String(), Currency: p.Currency, Sellable: p.Sellable,
		StockTotal: p.StockTotal, StockByLocation: orEmpty(p.StockByLocation), RealStock: p.RealStock,
		CategoryID: p.CategoryID, CategoryPath: append([]store.CategoryNode{}, p.CategoryPath...),
		Brand: idName{p.BrandID, p.Brand}, Manufacturer: idName{p.ManufacturerID, p.Manufacturer},
		DescriptionES: p.DescriptionES, DescriptionEN: p.DescriptionEN, LongDescription: p.LongDescription,
		Specs: orEmpty(p.Specs), Images: append([]string{}, p.Images...),
		WeightLb: nullText(p.WeightLb), LengthIn: nullText(p.LengthIn), WidthIn: nullText(p.WidthIn), HeightIn: nullText(p.HeightIn),
		FirstSeenAt: p.FirstSeenAt, LastSeenAt: p.LastSeenAt, DeactivatedAt: p.DeactivatedAt, UpdatedAt: p.UpdatedAt,
	}
}

func orEmpty[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}

// shopView prices p with the shop's rules and reads its listing. Problems of one shop (rules that
// do not compile) are reported in the view, not as an error, so the other shops still show.
func shopView(ctx context.Context, st *store.Store, shop store.Shop, p *store.Product) shopPriceDoc {
	v := shopPriceDoc{ID: shop.ID, Name: shop.Name, Platform: shop.Platform, Currency: shop.Currency}
	rules, err := st.ShopRules(ctx, shop.ID)
	if err != nil {
		v.Err = err.Error()
		return v
	}
	pricer, err := rules.Compile()
	if err != nil {
		v.Err = "margin rules: " + err.Error()
		return v
	}
	res, err := pricer.Price(pricing.Product{
		SKU: p.SKU, Category: p.CategoryID, Brand: p.BrandID, Manufacturer: p.ManufacturerID,
		Type: p.Type, Cost: p.Cost, CostCurrency: p.Currency,
	})
	if err != nil {
		v.PriceError = err.Error()
	} else {
		v.Price, v.Currency = res.String(), res.Currency
		v.explanation = res.Explanation
		v.Explanation = explanationToJSON(res)
	}
	d, reason, err := listing.Desire(shop, pricer, p)
	switch {
	case err != nil:
		v.Err = err.Error()
	case reason != "":
		v.NotListedReason = string(reason)
	default:
		v.Listed = true
		v.Desired = &desiredStock{Price: d.Price, ManageStock: d.ManageStock, Stock: d.Stock, Status: string(d.Status)}
	}
	l, err := st.Listing(ctx, shop.ID, p.SKU)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		v.Err = err.Error()
	default:
		lj := &listingJSON{
			State: l.State, PendingChange: l.PendingChange, ProductID: l.ProductID, VariantID: l.VariantID,
			InventoryItemID: l.InventoryItemID, PushedCurrency: l.Currency, PushedStock: l.Stock,
			LastError: l.LastError, Attempts: l.Attempts, UpdatedAt: l.UpdatedAt,
		}
		if l.Price.Valid {
			lj.PushedPrice = l.Price.Decimal.String()
			if digits, ok := pricing.CurrencyDigits(l.Currency); ok {
				lj.PushedPrice = l.Price.Decimal.StringFixed(digits)
			}
		}
		if !l.PushedAt.IsZero() {
			at := l.PushedAt
			lj.PushedAt = &at
		}
		v.Listing = lj
	}
	return v
}

func explanationToJSON(res pricing.Result) *explanationJSON {
	ex := res.Explanation
	out := &explanationJSON{Rule: ex.Rule, Priority: ex.Priority, Default: ex.Default,
		Matched: append([]string{}, ex.Matched...), Skipped: []explainSkipJSON{}, Steps: []explainStepJSON{}}
	for _, s := range ex.Skipped {
		out.Skipped = append(out.Skipped, explainSkipJSON{Rule: s.Rule, Priority: s.Priority, Reason: s.Reason})
	}
	for _, s := range ex.Steps {
		out.Steps = append(out.Steps, explainStepJSON{Step: s.Name, Value: stepText(res, s), Note: s.Note})
	}
	return out
}

func writeProductText(w io.Writer, doc productDoc) error {
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

func writeShopText(b *strings.Builder, s shopPriceDoc) {
	fmt.Fprintf(b, "\nShop %d %q (%s)\n", s.ID, s.Name, s.Platform)
	if s.Err != "" {
		fmt.Fprintf(b, "  error: %s\n", s.Err)
	}
	switch {
	case s.PriceError != "":
		fmt.Fprintf(b, "  price: none (%s)\n", s.PriceError)
	case s.Explanation != nil:
		fmt.Fprintf(b, "  price: %s %s\n", s.Price, s.Currency)
		ex := s.explanation
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
	if s.Listed {
		fmt.Fprintf(b, "  listed: yes, %d in stock, %s\n", s.Desired.Stock, s.Desired.Status)
	} else if s.NotListedReason != "" {
		fmt.Fprintf(b, "  listed: no (%s)\n", s.NotListedReason)
	}
	l := s.Listing
	if l == nil {
		b.WriteString("  listing: none yet (the next sync plans it)\n")
		return
	}
	pending := l.PendingChange
	if pending == "" {
		pending = "none"
	}
	fmt.Fprintf(b, "  listing: %s, pending change: %s\n", l.State, pending)
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
