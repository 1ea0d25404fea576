package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

// newOrdersCmd is `connector orders`: what became of the storefront orders, for support staff
// and for the monthly reconciliation.
func newOrdersCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "orders",
		Short: "List the storefront orders and their Intcomex orders, and the monthly reconciliation register",
		Long: `orders reads what the connector recorded of the paid storefront orders: which Intcomex order each
became, its state and why it is held.

  list [--shop ID] [--state S] [--since D] [--json]   the orders, newest first
  report --month YYYY-MM [--csv FILE]                 the placed orders of a month, for reconciliation

` + "`connector order show SHOP_ID STOREFRONT_ORDER_ID`" + ` shows one order whole.`,
	}
	cmd.AddCommand(newOrdersListCmd(), newOrdersReportCmd())
	return cmd
}

// orderTime is how the tables print a time: UTC, to the minute ("-" for none).
func orderTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// timePtrJSON is nil for a zero time, so JSON shows null.
func timePtrJSON(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func newOrdersListCmd() *cobra.Command {
	var (
		shopArg, stateArg, sinceArg string
		limit                       int
		asJSON                      bool
	)
	cmd := &cobra.Command{
		Use:   "list [--shop ID] [--state S] [--since D] [--json]",
		Short: "List the storefront orders: customer order number, Intcomex order number, state, hold reason",
		Long: `list prints the orders the connector recorded, newest first: the storefront order (number, and
the platform's id when it differs: the id is what ` + "`connector order show`" + ` takes), the customer
order number sent to Intcomex, the Intcomex order number once placed, the state, the last change
(UTC) and, for a held order, why.

  --shop ID     one shop's orders (` + "`connector shop list`" + ` shows the ids)
  --state S     orders in state S; several as a comma list (held,placing). The states:
                ` + strings.Join(store.OrderStates, ", ") + `
  --since D     orders changed since D: a date (2026-11-01, UTC midnight), a time in RFC 3339
                (2026-11-01T09:00:00-05:00) or a duration back from now (24h, 90m, 7d)
  --limit N     at most N orders (default 100, at most 1000)

It reads the database only. --json prints an array of objects (an empty array when none match):

  [{"id", "shop_id", "storefront_order_id", "storefront_order_number", "customer_order_number",
    "intcomex_order_number", "state", "hold_code", "hold_reason", "intcomex_status", "paid_at",
    "placed_at", "updated_at"}]

Times are RFC 3339 in UTC; paid_at and placed_at are null when unknown.`,
		Example: `  connector orders list --state held
  connector orders list --shop 2 --since 24h
  connector orders list --since 2026-11-01 --json`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := store.OrderFilter{Limit: limit}
			if limit < 1 || limit > 1000 {
				return usageError{cmd: cmd, problem: fmt.Sprintf("--limit takes 1 to 1000, got %d", limit)}
			}
			if shopArg != "" {
				id, err := parseShopID(shopArg)
				if err != nil {
					return usageError{cmd: cmd, problem: "--shop: " + err.Error()}
				}
				f.ShopID = id
			}
			if stateArg != "" {
				for _, s := range strings.Split(stateArg, ",") {
					s = strings.ToLower(strings.TrimSpace(s))
					if !slices.Contains(store.OrderStates, s) {
						return usageError{cmd: cmd, problem: fmt.Sprintf("--state %q is not an order state; the states are %s", s, strings.Join(store.OrderStates, ", "))}
					}
					f.States = append(f.States, s)
				}
			}
			if sinceArg != "" {
				since, err := parseSince(sinceArg, time.Now())
				if err != nil {
					return usageError{cmd: cmd, problem: "--since: " + err.Error()}
				}
				f.Since = since
			}
			return runOrdersList(cmd, f, asJSON)
		},
	}
	cmd.Flags().StringVar(&shopArg, "shop", "", "only this shop's orders (its id)")
	cmd.Flags().StringVar(&stateArg, "state", "", "only orders in this state (a comma list for several)")
	cmd.Flags().StringVar(&sinceArg, "since", "", "only orders changed since a date, an RFC 3339 time or a duration back (24h)")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many orders, newest first")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array instead of a table")
	return cmd
}

// parseSince reads --since: a date (UTC midnight), an RFC 3339 time, or a duration back from now
// (Go durations, plus whole days as 7d).
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return now.UTC().AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.UTC().Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (2026-11-01), an RFC 3339 time (2026-11-01T09:00:00Z) or a duration (24h, 7d)", s)
}

func runOrdersList(cmd *cobra.Command, f store.OrderFilter, asJSON bool) error {
	_, _, st, err := openCLI(cmd, false)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.ListOrders(cmd.Context(), f)
	if err != nil {
		return fmt.Errorf("orders list: %w", err)
	}
	w := cmd.OutOrStdout()
	if asJSON {
		items := make([]orders.ListItem, 0, len(list))
		for _, o := range list {
			items = append(items, orders.ListItemOf(o))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(items); err != nil {
			return fmt.Errorf("orders list: %w", err)
		}
		return nil
	}
	if len(list) == 0 {
		filtered := f.ShopID != 0 || len(f.States) > 0 || !f.Since.IsZero()
		if filtered {
			_, err = fmt.Fprintln(w, "No order matches these filters. `connector orders list` without them shows every order.")
		} else {
			_, err = fmt.Fprint(w, `No orders yet. An order appears here when a shop's paid-order webhook arrives or the
reconciliation sweep finds a paid order; `+"`connector shop webhooks SHOP_ID`"+` checks a shop's webhooks.
`)
		}
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SHOP\tSTOREFRONT ORDER\tCUSTOMER ORDER\tINTCOMEX ORDER\tSTATE\tLAST CHANGE (UTC)\tHOLD REASON")
	for _, o := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", o.ShopID, orders.StorefrontRef(o), o.CustomerOrderNumber,
			dash(o.IntcomexOrderNumber), o.State, orderTime(o.UpdatedAt), dash(shorten(o.HoldReason, 100)))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("orders list: %w", err)
	}
	if len(list) == f.Limit {
		fmt.Fprintf(w, "(the newest %d; --limit shows more, --since fewer)\n", f.Limit)
	}
	return nil
}

func newOrdersReportCmd() *cobra.Command {
	var month, csvPath string
	cmd := &cobra.Command{
		Use:   "report --month YYYY-MM [--csv FILE]",
		Short: "The reconciliation register: the orders placed with Intcomex in a month, with totals and invoices",
		Long: `report lists every order placed with Intcomex in the month (by its placement time, UTC), oldest
first, for reconciliation against Intcomex's invoices and statements: the storefront order, the
customer order number, the Intcomex order number, when it was paid, placed and invoiced, its
state and Intcomex status, the Intcomex total and currency, and the invoice number and URL.

Without --csv it prints a table and the totals per currency. --csv FILE writes the register as CSV
(RFC 4180, a header row, UTF-8; - for standard output) with these columns:

  ` + strings.Join(orders.ReportHeader, ",") + `

Times are RFC 3339 in UTC, empty when unknown; totals are decimal strings as IWS sent them.
invoiced_at is when the connector saw the order invoiced. It reads the database only.`,
		Example: `  connector orders report --month 2026-11
  connector orders report --month 2026-11 --csv november.csv
  connector orders report --month 2026-11 --csv - > november.csv`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if month == "" {
				return usageError{cmd: cmd, problem: "--month is required"}
			}
			from, err := orders.ParseReportMonth(month)
			if err != nil {
				return usageError{cmd: cmd, problem: "--month " + err.Error()}
			}
			return runOrdersReport(cmd, from, csvPath)
		},
	}
	cmd.Flags().StringVar(&month, "month", "", "the month, YYYY-MM (UTC)")
	cmd.Flags().StringVar(&csvPath, "csv", "", "write CSV to this file (- for standard output) instead of the table")
	return cmd
}

func runOrdersReport(cmd *cobra.Command, from time.Time, csvPath string) error {
	ctx := cmd.Context()
	_, _, st, err := openCLI(cmd, false)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := orders.MonthlyReport(ctx, st, from)
	if err != nil {
		return fmt.Errorf("orders report: %w", err)
	}
	if csvPath != "" {
		return writeReportCSV(cmd, csvPath, rep.Rows)
	}
	w := cmd.OutOrStdout()
	month := from.Format("2006-01")
	if len(rep.Rows) == 0 {
		_, err := fmt.Fprintf(w, "No order was placed with Intcomex in %s (UTC). `connector orders list --state held` shows orders waiting for a person.\n", month)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SHOP\tSTOREFRONT ORDER\tCUSTOMER ORDER\tINTCOMEX ORDER\tPAID\tPLACED\tINVOICED\tSTATE\tTOTAL\tINVOICE")
	for _, r := range rep.Rows {
		o := r.Order
		amount := "-"
		if o.IntcomexTotal != "" {
			amount = strings.TrimSpace(o.IntcomexTotal + " " + o.IntcomexCurrency)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.ShopID, orders.StorefrontRef(o), o.CustomerOrderNumber,
			dash(o.IntcomexOrderNumber), orderTime(o.PaidAt), orderTime(o.PlacedAt), orderTime(r.InvoicedAt), o.State, amount,
			dash(strings.TrimSpace(o.InvoiceNumber+" "+o.InvoiceURL)))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("orders report: %w", err)
	}
	fmt.Fprintf(w, "\n%d order(s) placed in %s (UTC). Totals, cancelled orders left out:\n", len(rep.Rows), month)
	for _, t := range rep.Totals {
		fmt.Fprintf(w, "  %s %s (%d order(s))\n", dash(t.Currency), t.Sum.StringFixed(2), t.Orders)
	}
	if len(rep.Totals) == 0 {
		fmt.Fprintln(w, "  none")
	}
	if rep.Unpriced > 0 {
		fmt.Fprintf(w, "  %d order(s) without an Intcomex total are not counted\n", rep.Unpriced)
	}
	return nil
}

func writeReportCSV(cmd *cobra.Command, path string, rows []orders.ReportRow) (err error) {
	var w io.Writer = cmd.OutOrStdout()
	if path != "-" {
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("orders report: %w", err)
		}
		defer func() {
			if cerr := f.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("orders report: %w", cerr)
			}
		}()
		w = f
	}
	if err := orders.WriteReportCSV(w, rows); err != nil {
		return fmt.Errorf("orders report: %w", err)
	}
	if path != "-" {
		fmt.Fprintf(cmd.ErrOrStderr(), "%d order(s) written to %s\n", len(rows), path)
	}
	return nil
}
