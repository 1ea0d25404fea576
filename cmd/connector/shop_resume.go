package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

func newShopResumeOrdersCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "resume-orders ID",
		Short: "Lift a shop's order hold and place the orders held by it",
		Long: `resume-orders lifts the hold the connector puts on all of a shop's orders when IWS says the
customer account is on hold (error 42) or refuses the account's keys: ` + "`connector shop list`" + ` shows
such a shop as ORDERS HELD, with the reason. Run it once the cause is settled with Intcomex (or the
keys are fixed: ` + "`connector iws authenticate`" + ` checks them).

Every order held because of the shop's hold goes back to placement: its place_order job is
enqueued, in the same transaction that lifts the hold, and the running ` + "`connector serve`" + ` places
it, checking it again and asking IWS by its customer order number first, so none is placed twice.
Orders held for their own reason (stock, cost...) stay held: ` + "`connector order retry`" + ` each.`,
		Example:      `  connector shop resume-orders 2`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := parseShopID(args[0])
			if err != nil {
				return usageError{cmd: cmd, problem: err.Error()}
			}
			_, logger, st, err := openCLI(cmd, true)
			if err != nil {
				return err
			}
			defer st.Close()
			shop, err := st.Shop(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("shop resume-orders: no shop with id %d (`connector shop list` shows them)", id)
			}
			if err != nil {
				return fmt.Errorf("shop resume-orders: %w", err)
			}
			client, err := insertOnlyJobs(st, logger)
			if err != nil {
				return err
			}
			resumed, err := orders.Resume(ctx, st, client, shop.ID)
			if err != nil {
				return fmt.Errorf("shop resume-orders: %w", err)
			}
			w := cmd.OutOrStdout()
			switch {
			case shop.OrdersHoldReason == "" && len(resumed) == 0:
				_, err = fmt.Fprintf(w, "Shop %d %q had no order hold and no order held by one: nothing to do (`connector orders list --shop %d --state held` shows orders held for their own reason).\n", shop.ID, shop.Name, shop.ID)
			case len(resumed) == 0:
				_, err = fmt.Fprintf(w, "Order hold of shop %d %q lifted; no order was waiting on it. New orders are placed again.\n", shop.ID, shop.Name)
			default:
				_, err = fmt.Fprintf(w, "Order hold of shop %d %q lifted; %d held order(s) enqueued for placement: the running `connector serve` places them (`connector orders list --shop %d` follows them).\n", shop.ID, shop.Name, len(resumed), shop.ID)
			}
			return err
		},
	}
}
