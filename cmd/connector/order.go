package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

// newOrderCmd is `connector order`: one storefront order, seen whole, and what a person can do
// with it.
func newOrderCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "order",
		Short: "Show one storefront order and its Intcomex order, or retry, cancel or refresh it",
		Long: `order works on one storefront order, named by its shop id and the platform's order id (the
STOREFRONT ORDER column of ` + "`connector orders list`" + ` shows it):

  show SHOP_ID STOREFRONT_ORDER_ID [--json]   both sides, the timeline and the API calls behind it
  retry SHOP_ID STOREFRONT_ORDER_ID           place a held order again once its cause is fixed
  cancel SHOP_ID STOREFRONT_ORDER_ID          cancel the Intcomex order, or make sure none is placed
  refresh SHOP_ID STOREFRONT_ORDER_ID         check the Intcomex order's status now`,
	}
	cmd.AddCommand(newOrderShowCmd(a), newOrderRetryCmd(), newOrderCancelCmd(), newOrderRefreshCmd())
	return cmd
}

// orderArgs checks SHOP_ID STOREFRONT_ORDER_ID.
func orderArgs(cmd *cobra.Command, args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("it takes a shop id and a storefront order id, got %d argument(s)", len(args))
	}
	if _, err := parseShopID(args[0]); err != nil {
		return err
	}
	if strings.TrimSpace(args[1]) == "" {
		return errors.New("the storefront order id is empty")
	}
	return nil
}

// openOrder opens what an order command works on: the configuration, logger and database (closed
// by the caller), the shop and the order, or an error naming `connector orders list`.
func openOrder(cmd *cobra.Command, shopArg, orderArg string) (Config, *slog.Logger, *store.Store, store.Shop, store.Order, error) {
	ctx := cmd.Context()
	id, _ := parseShopID(shopArg) // checked by orderArgs
	sfID := strings.TrimSpace(orderArg)
	cfg, logger, st, err := openCLI(cmd, true)
	if err != nil {
		return cfg, nil, nil, store.Shop{}, store.Order{}, err
	}
	fail := func(err error) (Config, *slog.Logger, *store.Store, store.Shop, store.Order, error) {
		_ = st.Close() // err is the one to report
		return cfg, nil, nil, store.Shop{}, store.Order{}, err
	}
	shop, err := st.Shop(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fail(fmt.Errorf("order: no shop with id %d (`connector shop list` shows them)", id))
	}
	if err != nil {
		return fail(fmt.Errorf("order: %w", err))
	}
	o, err := st.OrderByStorefrontID(ctx, shop.ID, sfID)
	if errors.Is(err, store.ErrNotFound) {
		return fail(fmt.Errorf("order: shop %d %q has no order %s recorded: `connector orders list --shop %d` shows the orders the connector knows, by their storefront order id",
			shop.ID, shop.Name, sfID, shop.ID))
	}
	if err != nil {
		return fail(fmt.Errorf("order: %w", err))
	}
	return cfg, logger, st, shop, o, nil
}

func newOrderShowCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show SHOP_ID STOREFRONT_ORDER_ID [--json]",
		Short: "Show a storefront order, its Intcomex order, its timeline and the API calls behind each step",
		Long: `show prints what became of one storefront order:

  - the storefront side: read live from the shop now (status, paid, total, lines); when the shop
    cannot be reached, what the connector last recorded, and why it could not be read;
  - the Intcomex side from the connector's record: customer order number, Intcomex order number,
    IWS status, total, invoice, serial numbers and tracking;
  - the lines, and which of them are Intcomex products (with the cost the shop price was computed
    from and the cost IWS asked when the order was checked);
  - the timeline: webhooks, the sweep, validation, placement, holds, status changes, write-backs,
    retries and cancellations, each with the API calls made for it (system, method, URL path,
    HTTP status, duration; the call log keeps the bodies, secrets removed).

--json prints one object:

  {"shop": {"id", "name", "platform"}, "id", "storefront_order_id", "storefront_order_number",
   "customer_order_number", "state", "hold_code", "hold_reason",
   "storefront": {"status", "currency", "total", "paid_at", "live": {...} or null, "live_error"},
   "intcomex": {"order_number", "status", "status_name", "total", "currency", "invoice_number",
   "invoice_url", "attempts", "placed_at", "last_status_at", "next_check_at"},
   "lines": [{"storefront_line_id", "sku", "name", "quantity", "unit_price", "intcomex",
   "cost_basis", "cost"}], "serials", "tracking", "written_back_at",
   "timeline": [{"at", "kind", "message", "detail", "job_id", "api_calls": [{"id", "system",
   "method", "http_method", "path", "status", "duration_ms", "error"}]}], "created_at", "updated_at"}`,
		Example: `  connector order show 2 1042
  connector order show 3 gid://shopify/Order/5512 --json`,
		Args:         orderArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOrderShow(cmd, a, args[0], args[1], asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object instead of text")
	return cmd
}

func runOrderShow(cmd *cobra.Command, a *app, shopArg, orderArg string, asJSON bool) error {
	ctx := cmd.Context()
	cfg, logger, st, shop, o, err := openOrder(cmd, shopArg, orderArg)
	if err != nil {
		return err
	}
	defer st.Close()
	doc, err := orders.LoadDetail(ctx, st, shop, o)
	if err != nil {
		return fmt.Errorf("order show: %w", err)
	}
	// The storefront side, live: the order may have changed since the connector last saw it.
	if sf, err := a.storefronts(cfg, st, logger).For(shop); err != nil {
		doc.Storefront.LiveError = err.Error()
	} else {
		doc.ReadLive(ctx, sf)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if asJSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("order show: %w", err)
		}
		return nil
	}
	return writeOrderText(cmd.OutOrStdout(), doc)
}

func writeOrderText(w io.Writer, doc orders.Detail) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Order %s of shop %d %q (%s)\n", dash(doc.StorefrontOrderNumber), doc.Shop.ID, doc.Shop.Name, doc.Shop.Platform)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "  %s\t%s\n", k, fmt.Sprintf(format, args...)) }
	row("storefront id", "%s", doc.StorefrontOrderID)
	row("customer order", "%s", doc.CustomerOrderNumber)
	row("state", "%s", doc.State)
	if doc.HoldReason != "" {
		row("held", "%s: %s", doc.HoldCode, doc.HoldReason)
	}
	sfd := doc.Storefront
	if l := sfd.Live; l != nil {
		paid := "not paid"
		if l.Paid {
			paid = "paid"
			if !l.PaidAt.IsZero() {
				paid += " " + orderTime(l.PaidAt)
			}
		}
		row("storefront", "%s (%s), %s, total %s %s (read now)", l.Status, l.PlatformStatus, paid, l.Total, l.Currency)
	} else {
		row("storefront", "could not be read now (%s); last recorded: %s, total %s %s, paid %s",
			shorten(sfd.LiveError, 200), dash(sfd.Status), dash(sfd.Total), sfd.Currency, orderTime(ptrTime(sfd.PaidAt)))
	}
	ix := doc.Intcomex
	if ix.OrderNumber == "" {
		row("intcomex", "not placed (%d PlaceOrder attempt(s))", ix.Attempts)
	} else {
		status := dash(ix.StatusName)
		row("intcomex", "order %s, status %s, total %s %s, placed %s", ix.OrderNumber, status, dash(ix.Total), ix.Currency, orderTime(ptrTime(ix.PlacedAt)))
		wb := "not yet"
		if doc.WrittenBackAt != nil {
			wb = orderTime(*doc.WrittenBackAt)
		}
		row("written back", "%s", wb)
		if ix.LastStatusAt != nil || ix.NextCheckAt != nil {
			row("status checks", "last %s, next %s", orderTime(ptrTime(ix.LastStatusAt)), orderTime(ptrTime(ix.NextCheckAt)))
		}
	}
	if ix.InvoiceNumber != "" || ix.InvoiceURL != "" {
		row("invoice", "%s %s", dash(ix.InvoiceNumber), ix.InvoiceURL)
	}
	if !isJSONNull(doc.Serials) {
		row("serials", "%s", compactJSON(doc.Serials))
	}
	if !isJSONNull(doc.Tracking) {
		row("tracking", "%s", compactJSON(doc.Tracking))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("order show: %w", err)
	}
	b.WriteString("  lines:\n")
	lw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, l := range doc.Lines {
		what := "not Intcomex"
		if l.Intcomex {
			what = "Intcomex"
			if l.CostBasis != nil {
				what += ", cost basis " + *l.CostBasis
			}
			if l.Cost != nil {
				what += ", IWS cost " + *l.Cost
			}
		}
		fmt.Fprintf(lw, "    %s\t%d ×\t%s\tat %s\t%s\n", dash(l.SKU), l.Quantity, shorten(l.Name, 40), dash(l.UnitPrice), what)
	}
	if len(doc.Lines) == 0 {
		fmt.Fprintln(lw, "    none recorded")
	}
	if err := lw.Flush(); err != nil {
		return fmt.Errorf("order show: %w", err)
	}
	b.WriteString("  timeline (UTC):\n")
	for _, e := range doc.Timeline {
		fmt.Fprintf(&b, "    %s  %-10s  %s\n", e.At.Format("2006-01-02 15:04:05"), e.Kind, e.Message)
		for _, c := range e.APICalls {
			status := strconv.Itoa(c.Status)
			if c.Status == 0 {
				status = "no answer"
			}
			fmt.Fprintf(&b, "        %s %s %s %s → %s in %d ms", c.System, c.Method, c.HTTPMethod, c.Path, status, c.DurationMS)
			if c.Error != "" {
				fmt.Fprintf(&b, " (%s)", shorten(c.Error, 120))
			}
			fmt.Fprintf(&b, "  [call %d]\n", c.ID)
		}
	}
	if len(doc.Timeline) == 0 {
		b.WriteString("    nothing recorded\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func ptrTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func isJSONNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null" || s == "[]" || s == "{}"
}

func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// insertOnlyJobs is a jobs client that only enqueues: the running `connector serve` (or demo)
// works the jobs.
func insertOnlyJobs(st *store.Store, logger *slog.Logger) (*jobs.Client, error) {
	c, err := jobs.NewClient(st, jobs.Config{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return c, nil
}

// refusal prints a RefusedError as the command's error, prefixed with the command.
func refusal(what string, err error) error {
	var r *orders.RefusedError
	if errors.As(err, &r) {
		return fmt.Errorf("%s: %s", what, r.Reason)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func newOrderRetryCmd() *cobra.Command {
	var opts orders.RetryOptions
	cmd := &cobra.Command{
		Use:   "retry SHOP_ID STOREFRONT_ORDER_ID [--accept-cost]",
		Short: "Place a held order again once its cause is fixed (exactly once: IWS is asked first)",
		Long: `retry sends an order back to placement after a person fixed what stopped it: a held order (stock
back, the catalog refreshed, credit added), an order none of whose lines was an Intcomex listing
(after the listing was added), or an order whose place_order job gave up. Its hold is cleared, a
"retry" event is added to its timeline and its place_order job is enqueued, in one transaction;
the running ` + "`connector serve`" + ` places it. The order is checked again (storefront and IWS) before
it is placed, and if a PlaceOrder was made for it before, IWS is asked by its customer order number
first: an order IWS already has is adopted, never placed twice.

An order held because all of its shop's orders are held (IWS error 42, or the account's keys
refused) is released with ` + "`connector shop resume-orders SHOP_ID`" + `. Unpaid, cancelled, and placed and
written-back orders are refused, with what to do instead.

An order held because an IWS cost rose past the shop's --max-cost-rise is checked against the cost
its shop price was computed from again, and held again, unless --accept-cost says to buy it at the
cost its validation found (a cost that rose again since is held again).`,
		Example:      "  connector order retry 2 1042\n  connector order retry 2 1043 --accept-cost",
		Args:         orderArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, logger, st, _, o, err := openOrder(cmd, args[0], args[1])
			if err != nil {
				return err
			}
			defer st.Close()
			client, err := insertOnlyJobs(st, logger)
			if err != nil {
				return err
			}
			res, err := orders.Retry(cmd.Context(), st, client, o, opts)
			if err != nil {
				return refusal("order retry", err)
			}
			job := "enqueued"
			if res.Job.Duplicate {
				job = "already queued"
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Order %s (customer order %s) moved from %s to %s; its place_order job (%d) is %s: the running `connector serve` places it, asking IWS first. Follow it with `connector order show %d %s`.\n",
				dash(o.StorefrontOrderNumber), o.CustomerOrderNumber, res.From, res.Order.State, res.Job.Job.ID, job, o.ShopID, o.StorefrontOrderID)
			return err
		},
	}
	cmd.Flags().BoolVar(&opts.AcceptCost, "accept-cost", false, "buy an order held for a cost rise at the IWS cost its validation found")
	return cmd
}

func newOrderCancelCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "cancel SHOP_ID STOREFRONT_ORDER_ID",
		Short: "Cancel the Intcomex order (while IWS allows it), or make sure an unplaced order is never placed",
		Long: `cancel stops an order on the Intcomex side:

  - not placed yet (received, held, unpaid): it is marked cancelled and will never be placed,
    whatever webhook arrives later. If a PlaceOrder was ever made for it, IWS is asked first by
    its customer order number, and an order found there is cancelled there.
  - placed: the Intcomex order is cancelled with CancelOrder, which IWS allows until the order
    ships; when IWS refuses, its reason is printed and nothing changes.
  - being placed right now, invoiced or delivered: refused, with what to do instead.

The storefront order's status is left as it is: cancel or refund it in the shop. An order
cancelled at IWS gets a private note saying so (written by the running ` + "`connector serve`" + `). The
cancellation and the API calls behind it are in the order's timeline (` + "`connector order show`" + `).`,
		Example:      `  connector order cancel 2 1042`,
		Args:         orderArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, logger, st, shop, o, err := openOrder(cmd, args[0], args[1])
			if err != nil {
				return err
			}
			defer st.Close()
			var client orders.CancelIWS
			if orders.CancelNeedsIWS(o) {
				c, err := shopIWSClient(cmd.Context(), cfg, st, shop, logger)
				if err != nil {
					return fmt.Errorf("order cancel: %w", err)
				}
				client = c
			}
			res, err := orders.Cancel(cmd.Context(), st, shop, client, o)
			if err != nil {
				return refusal("order cancel", err)
			}
			w := cmd.OutOrStdout()
			if res.AtIWS {
				// The order's track_order job writes the cancellation to the storefront order (a
				// private note and the status meta), as it writes every status change.
				if err := trackAfterCancel(cmd.Context(), st, logger, res.Order.ID); err != nil {
					return fmt.Errorf("order cancel: Intcomex order %s is cancelled, but its write-back to the storefront could not be queued (`connector order refresh %d %s` queues it): %w",
						res.Order.IntcomexOrderNumber, o.ShopID, o.StorefrontOrderID, err)
				}
				_, err = fmt.Fprintf(w, "Intcomex order %s cancelled at IWS; order %s is now cancelled, and the running `connector serve` notes it on the storefront order. Cancel or refund it in the shop too, if the customer should not get it.\n",
					res.Order.IntcomexOrderNumber, dash(o.StorefrontOrderNumber))
			} else {
				_, err = fmt.Fprintf(w, "Order %s (customer order %s) was %s and is now cancelled: it will never be placed with Intcomex. Cancel or refund it in the shop too.\n",
					dash(o.StorefrontOrderNumber), o.CustomerOrderNumber, res.From)
			}
			return err
		},
	}
}

// shopIWSClient is the audited IWS client of the shop's account.
func shopIWSClient(ctx context.Context, cfg Config, st *store.Store, shop store.Shop, logger *slog.Logger) (orders.CancelIWS, error) {
	accts, err := st.ListIWSAccounts(ctx)
	if err != nil {
		return nil, err
	}
	for _, acct := range accts {
		if acct.ID == shop.IWSAccountID {
			return iwsKeys{baseURL: acct.BaseURL, apiKey: acct.APIKey, accessKey: acct.AccessKey}.client(cfg, st, logger)
		}
	}
	return nil, fmt.Errorf("shop %d: its IWS account %d is not stored", shop.ID, shop.IWSAccountID)
}

func newOrderRefreshCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "refresh SHOP_ID STOREFRONT_ORDER_ID",
		Short: "Check the Intcomex order's status now rather than at its next scheduled check",
		Long: `refresh asks for the order's tracking check (GetOrderStatus, and once invoiced its serials,
tracking and invoice) to run now: its track_order job is enqueued, or brought forward when it is
waiting for its next check. The running ` + "`connector serve`" + ` does the check and writes what changed
back to the storefront; ` + "`connector order show`" + ` shows the result. An order not placed yet has
nothing to track.`,
		Example:      `  connector order refresh 2 1042`,
		Args:         orderArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, logger, st, _, o, err := openOrder(cmd, args[0], args[1])
			if err != nil {
				return err
			}
			defer st.Close()
			client, err := insertOnlyJobs(st, logger)
			if err != nil {
				return err
			}
			res, err := orders.Refresh(ctx, client, o)
			var r *orders.RefusedError
			if errors.As(err, &r) {
				return fmt.Errorf("order refresh: %s (`connector order show %d %s` says why)", r.Reason, o.ShopID, o.StorefrontOrderID)
			}
			if err != nil {
				return fmt.Errorf("order refresh: %w", err)
			}
			job, what := res.JobID, res.What
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Status check of Intcomex order %s (order %s) %s (job %d): the running `connector serve` asks IWS now; `connector order show %d %s` shows what it found.\n",
				o.IntcomexOrderNumber, dash(o.StorefrontOrderNumber), what, job, o.ShopID, o.StorefrontOrderID)
			return err
		},
	}
}

// trackAfterCancel queues the track_order job of an order cancelled at IWS: it writes the
// cancellation to the storefront order (a private note and the status meta), as it writes every
// status change.
func trackAfterCancel(ctx context.Context, st *store.Store, logger *slog.Logger, orderID int64) error {
	client, err := insertOnlyJobs(st, logger)
	if err != nil {
		return err
	}
	_, err = orders.TrackNow(ctx, client, orderID)
	return err
}
