// Command connector syncs Intcomex (IWS) with WooCommerce and Shopify shops.
//
// main is the only place that reads the process environment; everything below it gets its
// configuration as values.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx = withEnviron(ctx, os.Environ())
	err := newRootCmd(newApp()).ExecuteContext(ctx)
	stop()
	if err != nil {
		var exit exitError
		if !errors.As(err, &exit) {
			fmt.Fprintln(os.Stderr, "connector:", err)
			os.Exit(1)
		}
		os.Exit(exit.code)
	}
}

// exitError ends the process with code after the command has already told the user what went
// wrong (an IWS error printed by `connector iws`), so main prints nothing more.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "connector",
		Short: "Sync the Intcomex IWS distributor catalog and orders with WooCommerce and Shopify",
		Long: `The Intcomex connector mirrors the Intcomex (IWS) catalog, prices and stock into its database,
publishes them to WooCommerce and Shopify shops with each shop's margin rules, and places paid
storefront orders with Intcomex exactly once, writing status, tracking and invoices back.

Configuration comes from CONNECTOR_* environment variables (see the README's Configuration
section); secrets may be given as files with the _FILE variants, e.g. CONNECTOR_SECRET_KEY_FILE.
Commands that use the database migrate it first unless --no-migrate is given.`,
		SilenceErrors: true, // main prints the error once
		CompletionOptions: cobra.CompletionOptions{
			HiddenDefaultCmd: true,
		},
	}
	root.PersistentFlags().Bool("no-migrate", false, "do not apply pending database migrations at start (same as CONNECTOR_AUTO_MIGRATE=false)")
	root.AddCommand(
		newServeCmd(a),
		newDemoCmd(a),
		newIWSCmd(),
		newSandboxCmd(),
		newMigrateCmd(),
		newSyncCmd(a),
		newProductsCmd(),
		newPricingCmd(),
		newShopCmd(a),
		newListingsCmd(a),
		newRulesCmd(),
		newVersionCmd(),
	)
	return root
}
