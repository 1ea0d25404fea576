package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/pricing"
)

// newRulesCmd is `connector rules`: a shop's pricing rules in and out of the database, in the
// same file format `connector pricing explain` reads.
func newRulesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Import and export a shop's margin rules",
	}
	cmd.AddCommand(newRulesImportCmd(), newRulesExportCmd())
	return cmd
}

// openRulesStore opens the database for a rules command. Rules are not secret, so the secret key
// is used when configured but not required.
func openRulesStore(cmd *cobra.Command) (*store.Store, error) {
	_, _, st, err := openCLI(cmd, false)
	return st, err
}

func newRulesImportCmd() *cobra.Command {
	var shopID int64
	cmd := &cobra.Command{
		Use:   "import --shop ID FILE",
		Short: "Replace a shop's margin rules, currency, tax and rounding with a rules file",
		Long: `Import reads a rules file (FILE, or - for standard input), checks it and, when it has no
problems, makes it the shop's pricing configuration in one transaction. A file with problems is
refused with the list of all of them and nothing changes.`,
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
			rules, err := pricing.ParseRules(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("rules import: %s: %w", name, err)
			}
			ctx := cmd.Context()
			st, err := openRulesStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := margin.Replace(ctx, st, shopID, rules); errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("rules import: no shop %d", shopID)
			} else if err != nil {
				return fmt.Errorf("rules import: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "shop %d: imported %d margin rules from %s\n", shopID, len(rules.Rules), name)
			return err
		},
	}
	cmd.Flags().Int64Var(&shopID, "shop", 0, "shop id (required)")
	return cmd
}

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
			st, err := openRulesStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			rules, err := margin.Rules(ctx, st, shopID)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("rules export: no shop %d", shopID)
			} else if err != nil {
				return fmt.Errorf("rules export: %w", err)
			}
			var buf bytes.Buffer
			if err := rules.WriteJSON(&buf); err != nil {
				return fmt.Errorf("rules export: %w", err)
			}
			if args[0] == "-" {
				_, err = cmd.OutOrStdout().Write(buf.Bytes())
			} else {
				err = os.WriteFile(args[0], buf.Bytes(), 0o644)
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
