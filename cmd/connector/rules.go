package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

// newRulesCmd is `connector rules`: a shop's pricing rules in and out of the database, in the
// same file format `connector pricing explain` reads.
func newRulesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Import and export a shop's margin rules",
		Long: `A shop's pricing (currency, exchange rate, tax, rounding, the default action and the margin
rules) travels as one JSON rules file: ` + "`rules export`" + ` writes it, ` + "`rules import`" + ` replaces the shop's
pricing with it after checking it (every problem listed at once; nothing changes when there is
one), and ` + "`connector pricing explain --rules FILE`" + ` prices a product with it. A new shop starts with
a ` + shops.DefaultMarginPercent + `% margin; export, edit and import to refine it.

` + rulesFormatDoc,
	}
	cmd.AddCommand(newRulesImportCmd(), newRulesExportCmd())
	return cmd
}

// newRulesService is the rules core of a rules command: its changes queue the push for the
// running `connector serve` to work. Rules are not secret, so the commands open the database
// with the secret key when configured but not required.
func newRulesService(st *store.Store, logger *slog.Logger) (*rules.Service, error) {
	jc, err := insertOnlyJobs(st, logger)
	if err != nil {
		return nil, err
	}
	return rules.New(st, jc, logger)
}

func newRulesImportCmd() *cobra.Command {
	var shopID int64
	cmd := &cobra.Command{
		Use:   "import --shop ID FILE",
		Short: "Replace a shop's margin rules, currency, tax and rounding with a rules file",
		Long: `Import reads a rules file (FILE, or - for standard input), checks it and, when it has no
problems, makes it the shop's pricing configuration in one transaction, which also records the
change in the shop's audit trail (actor "cli", the rules before and after) and queues a push of
the shop's listings at their new prices for the running ` + "`connector serve`" + ` to work; it prints how
many listings the new rules re-price. A file with problems is refused with the list of all of
them and nothing changes. The file's currency becomes the shop's: its store must sell in it.

` + rulesFormatDoc,
		Example:      `  connector rules import --shop 1 shop.json`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if shopID <= 0 {
				return errors.New("rules import: --shop ID is required")
			}
			name := args[0]
			var data []byte
			var err error
			if name == "-" {
				data, err = io.ReadAll(cmd.InOrStdin())
			} else {
				data, err = os.ReadFile(name)
			}
			if err != nil {
				return fmt.Errorf("rules import: %w", err)
			}
			edit, err := rules.ParseImport(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("rules import: %s: %w", name, err)
			}
			ctx := cmd.Context()
			_, logger, st, err := openCLI(cmd, false)
			if err != nil {
				return err
			}
			defer st.Close()
			svc, err := newRulesService(st, logger)
			if err != nil {
				return fmt.Errorf("rules import: %w", err)
			}
			saved, err := svc.Apply(ctx, shopID, rules.ActorCLI, edit)
			switch {
			case errors.Is(err, store.ErrNotFound) && saved.Change.ID == 0:
				return fmt.Errorf("rules import: no shop %d", shopID)
			case err != nil:
				return fmt.Errorf("rules import: %w", err)
			}
			out := cmd.OutOrStdout()
			n := 0
			if saved.Document.Rules != nil {
				n = len(saved.Document.Rules.Rules)
			}
			if saved.Unchanged {
				_, err = fmt.Fprintf(out, "shop %d: %d margin rules from %s, the same as before: nothing changed\n", shopID, n, name)
				return err
			}
			_, err = fmt.Fprintf(out, "shop %d: imported %d margin rules from %s; %d listings to re-price, push queued (job %d)\n",
				shopID, n, name, saved.Queued, saved.PushJobID)
			return err
		},
	}
	cmd.Flags().Int64Var(&shopID, "shop", 0, "shop id (required)")
	return cmd
}

// rulesFormatDoc documents the rules file (pricing.Rules) for `rules --help` and `rules import
// --help`; the README has the same text.
const rulesFormatDoc = `The rules file:

  {
    "currency": "CLP",
    "fx_rate": "950.5",
    "tax_rate": "19",
    "rounding": {"step": "1000", "minus": "10"},
    "default": {"margin_percent": "20"},
    "rules": [
      {"name": "Notebooks", "priority": 10,
       "match": {"category": "cpt.nb", "brands": ["hpe", "len"], "types": ["Physical"],
                 "cost_min": "100", "cost_max": "5000"},
       "margin_percent": "12", "fixed_amount": "0", "min_profit": "15000"},
      {"name": "Licences", "priority": 20, "match": {"types": ["License"]}, "markup_percent": "8"}
    ]
  }

Numbers are JSON strings ("950.5"), exact decimals; a JSON number is read the same way.

  currency        ISO 4217 code the shop sells in (required); prices come out in it with its decimals.
  fx_rate         shop-currency units per unit of the IWS cost currency, above 0. Leave it out when
                  the costs are already in the shop's currency; give it (even "1") when they are not,
                  or the products are not priced.
  tax_rate        percent, 0 to 100: prices include tax (× 1 + tax_rate/100). Absent or "0": they do not.
  rounding.step   prices go up to the next multiple of step (default: the currency's smallest unit,
                  1 for CLP, 0.01 for USD); a multiple of that unit.
  rounding.minus  then minus is taken off (12,345 with step 1000 and minus 10 gives 12,990), never
                  going below the unrounded price; below step.
  default         the action for every product no rule matches (required).
  rules           tried by ascending priority (ties keep file order); the first whose every given
                  condition holds prices the product.
    name          required, unique, not "default"; explanations name it.
    priority      a whole number; lower goes first.
    match         at least one condition; lists match ignoring case:
      category      IWS category id, matched as a prefix by whole segments: "cpt" matches "cpt.nb"
      brands        IWS brand ids ("hpe")
      manufacturers IWS manufacturer ids
      types         IWS product types: Physical, License, Warranty, Downloadable
      skus          IWS SKUs
      cost_min, cost_max  bounds of the IWS cost before conversion, inclusive
  An action (default, or a rule's own fields):
    margin_percent  price = converted cost ÷ (1 − m/100); below 100      } exactly one of the two;
    markup_percent  price = converted cost × (1 + m/100)                  } "markup_percent": "0" sells at cost
    fixed_amount    added after the percentage, in the shop's currency
    min_profit      floor: the price is at least converted cost + min_profit (before tax)

A price is: cost × fx_rate, then the action, then tax, then rounding. ` + "`connector pricing explain`" + `
and ` + "`connector products show SKU`" + ` show every step.`

func newRulesExportCmd() *cobra.Command {
	var shopID int64
	cmd := &cobra.Command{
		Use:          "export --shop ID FILE",
		Short:        "Write a shop's margin rules, currency, tax and rounding as a rules file (- for stdout)",
		Example:      `  connector rules export --shop 1 -`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if shopID <= 0 {
				return errors.New("rules export: --shop ID is required")
			}
			ctx := cmd.Context()
			_, logger, st, err := openCLI(cmd, false)
			if err != nil {
				return err
			}
			defer st.Close()
			svc, err := newRulesService(st, logger)
			if err != nil {
				return fmt.Errorf("rules export: %w", err)
			}
			data, err := svc.Export(ctx, shopID)
			switch {
			case errors.Is(err, store.ErrNotFound):
				return fmt.Errorf("rules export: no shop %d", shopID)
			case errors.Is(err, rules.ErrNoPricing):
				// Written out, it would be a file import refuses.
				return fmt.Errorf("rules export: shop %d has no pricing yet, so none of its products is priced: import a rules file first (`connector rules --help` shows the format)", shopID)
			case err != nil:
				return fmt.Errorf("rules export: %w", err)
			}
			if args[0] == "-" {
				_, err = cmd.OutOrStdout().Write(data)
			} else {
				err = os.WriteFile(args[0], data, 0o644)
			}
			if err != nil {
				return fmt.Errorf("rules export: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&shopID, "shop", 0, "shop id (required)")
	return cmd
}
