// Command connector syncs Intcomex (IWS) with WooCommerce and Shopify shops.
//
// main is the only place that reads the process environment; everything below it gets its
// configuration as values.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal the command winds down; a second one ends the process at once, as
	// the default handler does.
	context.AfterFunc(ctx, stop)
	ctx = withEnviron(ctx, os.Environ())
	err := newRootCmd(newApp()).ExecuteContext(ctx)
	code := exitStatus(ctx, err, os.Stderr) // before stop, which cancels ctx too
	stop()
	os.Exit(code)
}

// Exit statuses (the README's "Exit status" lists them).
const (
	exitFailure     = 1
	exitUsage       = 2   // a missing or mistyped argument or flag
	exitInterrupted = 130 // 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
)

// exitStatus tells the user, on stderr, how the command ended unless it already did, and returns
// the process's exit status. A command that fails after ctx was cancelled (Ctrl-C, SIGTERM) was
// interrupted: whatever the error says (a cancelled request, a cut stream) is the interruption's
// echo, so one line "interrupted" stands for it. serve and demo return nil when a signal stops
// them once running: that is their normal end.
func exitStatus(ctx context.Context, err error, stderr io.Writer) int {
	var (
		exit  exitError
		usage usageError
	)
	switch {
	case err == nil:
		return 0
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "interrupted")
		return exitInterrupted
	case errors.As(err, &exit):
		return exit.code
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, usage.Error())
		return exitUsage
	case unknownCommand.MatchString(err.Error()):
		parent := unknownCommand.FindStringSubmatch(err.Error())[1]
		fmt.Fprintf(stderr, "connector: %v\nRun '%s --help' for the commands.\n", err, parent)
		return exitUsage
	}
	fmt.Fprintln(stderr, "connector:", err)
	return exitFailure
}

// exitError ends the process with code after the command has already told the user what went
// wrong (an IWS error printed by `connector iws`), so main prints nothing more.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

// unknownCommand matches cobra's error for a command name it does not know and captures the
// parent command.
var unknownCommand = regexp.MustCompile(`^unknown command ".*" for "([^"]+)"`)

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
		newOrdersCmd(),
		newOrderCmd(a),
		newRulesCmd(),
		newUserCmd(),
		newVersionCmd(),
	)
	withUsageErrors(root)
	return root
}
