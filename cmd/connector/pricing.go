package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/pricing"
)

// newPricingCmd is `connector pricing`: tools for a shop's margin rules that need no database.
func newPricingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pricing",
		Short: "Work with margin rules files",
	}
	cmd.AddCommand(newPricingExplainCmd())
	return cmd
}

// pricingExplainOptions are the flags of `connector pricing explain`.
type pricingExplainOptions struct {
	rulesFile    string
	cost         string
	currency     string
	category     string
	brand        string
	manufacturer string
	productType  string
	sku          string
	json         bool
}

func newPricingExplainCmd() *cobra.Command {
	var opts pricingExplainOptions
	cmd := &cobra.Command{
		Use:   "explain --rules FILE --cost AMOUNT [flags]",
		Short: "Price one product with a rules file and show every step",
		Long: `Explain prices one product the way a shop would: it picks the margin rule (and says why the
rules before it did not match), converts the cost, applies markup or margin, fixed amount, minimum
profit, tax and rounding, and prints every intermediate value. A rules file with problems is refused
with the list of all of them.`,
		Example: `  connector pricing explain --rules shop.json --cost 612.34 --category cpt.nb --brand eee --type Physical
  connector pricing explain --rules shop.json --cost 12345 --currency CLP --json`,
		Args:         cobra.NoArgs,
		SilenceUsage: true, // a bad rules file is not a usage mistake
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPricingExplain(opts, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.rulesFile, "rules", "", "rules file (JSON), required")
	f.StringVar(&opts.cost, "cost", "", "IWS unit price of the product, required")
	f.StringVar(&opts.currency, "currency", "USD", "currency of --cost (ISO 4217; IWS's us is USD)")
	f.StringVar(&opts.category, "category", "", "IWS category id, such as cpt.nb")
	f.StringVar(&opts.brand, "brand", "", "IWS brand id")
	f.StringVar(&opts.manufacturer, "manufacturer", "", "IWS manufacturer id")
	f.StringVar(&opts.productType, "type", "", "IWS product type, such as Physical")
	f.StringVar(&opts.sku, "sku", "", "IWS SKU")
	f.BoolVar(&opts.json, "json", false, "print one JSON object instead of text")
	return cmd
}

// runPricingExplain is the command without cobra, for tests.
func runPricingExplain(opts pricingExplainOptions, out io.Writer) error {
	var missing []string
	if opts.rulesFile == "" {
		missing = append(missing, "--rules")
	}
	if opts.cost == "" {
		missing = append(missing, "--cost")
	}
	if len(missing) > 0 {
		return fmt.Errorf("pricing explain: %s required", strings.Join(missing, " and "))
	}
	cost, err := pricing.Number(opts.cost).Decimal()
	if err != nil {
		return fmt.Errorf("pricing explain: --cost: %w", err)
	}

	f, err := os.Open(opts.rulesFile)
	if err != nil {
		return fmt.Errorf("pricing explain: %w", err)
	}
	defer f.Close()
	rules, err := pricing.ParseRules(f)
	if err != nil {
		return fmt.Errorf("%s: %w", opts.rulesFile, err)
	}

	res, err := rules.Price(pricing.Product{
		SKU:          opts.sku,
		Category:     opts.category,
		Brand:        opts.brand,
		Manufacturer: opts.manufacturer,
		Type:         opts.productType,
		Cost:         cost,
		CostCurrency: opts.currency,
	})
	if err != nil {
		return err
	}
	if opts.json {
		return writeExplainJSON(out, res)
	}
	return writeExplainText(out, res)
}

// explainJSON is the --json output: one object whose price is the storefront's price string,
// with the explanation's fields beside it.
type explainJSON struct {
	Price    string `json:"price"`
	Currency string `json:"currency"`
	pricing.ExplanationDoc
}

func writeExplainJSON(out io.Writer, res pricing.Result) error {
	doc := explainJSON{Price: res.String(), Currency: res.Currency, ExplanationDoc: res.Doc()}
	if err := json.NewEncoder(out).Encode(doc); err != nil {
		return fmt.Errorf("pricing explain: %w", err)
	}
	return nil
}

func writeExplainText(out io.Writer, res pricing.Result) error {
	ex := res.Explanation
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s%s %s\n", "price", res.String(), res.Currency)
	if ex.Default {
		fmt.Fprintf(&b, "%-9s%s\n", "rule", "default (no rule matched)")
	} else {
		fmt.Fprintf(&b, "%-9s%s (priority %d)\n", "rule", ex.Rule, ex.Priority)
	}
	for i, m := range ex.Matched {
		fmt.Fprintf(&b, "%-9s%s\n", label(i, "matched"), m)
	}
	for i, s := range ex.Skipped {
		fmt.Fprintf(&b, "%-9s%s (priority %d): %s\n", label(i, "skipped"), s.Rule, s.Priority, s.Reason)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, s := range res.Doc().Steps {
		if s.Note == "" {
			fmt.Fprintf(tw, "%s\t%s\n", s.Step, s.Value)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Step, s.Value, s.Note)
		}
	}
	if err := tw.Flush(); err != nil { // writes to a strings.Builder: cannot fail
		return fmt.Errorf("pricing explain: %w", err)
	}
	if _, err := io.WriteString(out, b.String()); err != nil {
		return fmt.Errorf("pricing explain: %w", err)
	}
	return nil
}

// label names only the first line of a group, so the group reads as one block.
func label(i int, name string) string {
	if i == 0 {
		return name
	}
	return ""
}
