package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws"
)

func newSyncCmd(a *app) *cobra.Command {
	var shopID int64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sync catalog|prices|stock|content|all [--shop ID] [--json]",
		Short: "Sync the IWS catalog now and push the changes to the shops, and wait for it",
		Long: `sync mirrors one kind of IWS data of the IWS account into the database and then pushes the
listings that changed to every shop of the account (or only --shop ID), and waits until it is done:

  catalog   GetCatalog (descriptions, categories, brands; products that left are deactivated)
  prices    GetPriceList (cost, currency, sellable)
  stock     GetInventory (stock per warehouse)
  content   the extended catalog (long descriptions, specifications, images; IWS asks for at most
            one download a day)
  all       catalog, prices and stock, and the extended catalog when it was never fetched

Prices, stock and content complete the products the catalog created, so for an account whose
catalog was never mirrored they run as all.

The sync runs in this process, through the same code the sync_* jobs of ` + "`connector serve`" + ` run
(connector/syncjob), rather than being queued for a serve process to pick up: it works without a
running service and shows its own progress and errors. Runs of one account never overlap, even
across processes: when a sync of the account is running (here or in a serve process on the same
database) this command waits for it, saying "waiting for another sync of this account".

The IWS account is the default account stored in the database. When CONNECTOR_IWS_API_KEY and
CONNECTOR_IWS_ACCESS_KEY are set, they are first saved as the "default" account (with
CONNECTOR_IWS_URL), which needs CONNECTOR_SECRET_KEY to encrypt the access key.

Standard error shows a progress line when it is a terminal. --json prints exactly one JSON object on
standard output:

  {"products": {"fetched": N, "inserted": N, "updated": N, "unchanged": N, "deactivated": N},
   "listings": {"changed": N, "unchanged": N}, "duration_ms": N}

An IWS error prints its code, message and reference on standard error; any failure exits non-zero.
In-memory shops (platform memory, the demo's) live inside one process: push to them from the demo,
whose job workers keep their storefront.`,
		Example: `  connector sync all
  connector sync stock --json
  connector sync prices --shop 2`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSync(cmd, a, args[0], shopID, asJSON)
		},
	}
	cmd.Flags().Int64Var(&shopID, "shop", 0, "push only to this shop (its id); default every shop of the IWS account")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object with the counts on standard output")
	return cmd
}

func runSync(cmd *cobra.Command, a *app, kindName string, shopID int64, asJSON bool) error {
	ctx := cmd.Context()
	kind, err := catalog.ParseKind(kindName)
	if err != nil {
		return fmt.Errorf("sync: unknown kind %q: use catalog, prices, stock, content or all", kindName)
	}
	cfg, logger, st, err := openCLI(cmd, false)
	if err != nil {
		return err
	}
	defer st.Close()

	acct, err := syncAccount(ctx, cfg, st)
	if err != nil {
		return err
	}
	runner, err := newSyncRunner(cfg, st, a.storefronts(cfg, st, logger), logger)
	if err != nil {
		return err
	}
	progress := newProgressLine(cmd.ErrOrStderr())
	sum, err := runner.Run(ctx, syncjob.Request{
		AccountID: acct.ID, Kind: kind, ShopID: shopID, OnProgress: progress.update,
	})
	progress.done()
	if errors.Is(err, syncjob.ErrInvalid) {
		return fmt.Errorf("sync: %w", err)
	}
	if err != nil && sum.Catalog.Status != store.SyncSucceeded {
		// The catalog failed: nothing was pushed and the counts say little.
		return reportIWSError(cmd.ErrOrStderr(), fmt.Errorf("sync %s: %w", kind, err), "getcatalog")
	}
	if asJSON {
		if werr := json.NewEncoder(cmd.OutOrStdout()).Encode(sum); werr != nil {
			return fmt.Errorf("sync: %w", werr)
		}
	} else {
		writeSyncSummary(cmd.OutOrStdout(), acct, kind, sum)
	}
	if err != nil {
		return fmt.Errorf("sync %s: the catalog is mirrored but a push failed (its changes stay pending for the next run): %w", kind, err)
	}
	return nil
}

// writeSyncSummary prints a readable summary of a run.
func writeSyncSummary(w io.Writer, acct store.IWSAccount, kind catalog.Kind, sum syncjob.Summary) {
	p := sum.Products
	fmt.Fprintf(w, "Synced %s of IWS account %q in %s (sync run %d).\n", sum.Kind, acct.Name,
		sum.Duration.Round(time.Millisecond), sum.Catalog.RunID)
	if sum.Kind != kind {
		fmt.Fprintf(w, "  (%s was asked, but the catalog had never been mirrored: everything was synced)\n", kind)
	}
	fmt.Fprintf(w, "  products  %d fetched: %d inserted, %d updated, %d unchanged, %d deactivated\n",
		p.Fetched, p.Inserted, p.Updated, p.Unchanged, p.Deactivated)
	fmt.Fprintf(w, "  listings  %d changed, %d unchanged\n", sum.Listings.Changed, sum.Listings.Unchanged)
	if len(sum.Shops) == 0 {
		fmt.Fprintln(w, "  no shop is connected to this account")
	}
	for _, s := range sum.Shops {
		fmt.Fprintf(w, "  shop %d %q (%s): ", s.ShopID, s.Name, s.Platform)
		if s.Err != nil && s.Changes.Changes == nil {
			fmt.Fprintf(w, "not pushed: %v\n", s.Err)
			continue
		}
		fmt.Fprintf(w, "%s; %d storefront calls", kindCounts(s.Changes.Changes), s.Push.Calls)
		if s.Push.Failed > 0 {
			fmt.Fprintf(w, ", %d failed", s.Push.Failed)
		}
		if len(s.Changes.Excluded) > 0 {
			fmt.Fprintf(w, "; not listed: %s", reasonCounts(s.Changes.Excluded))
		}
		fmt.Fprintln(w)
	}
}

func kindCounts(m map[listing.Kind]int) string {
	var parts []string
	for _, k := range listing.Kinds {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
		}
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, ", ")
}

func reasonCounts(m map[listing.Reason]int) string {
	var parts []string
	for r, n := range m {
		parts = append(parts, fmt.Sprintf("%d %s", n, r))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// syncAccount returns the IWS account commands sync: the stored default account, after saving
// the keys of the environment as the "default" account when they are set.
func syncAccount(ctx context.Context, cfg Config, st *store.Store) (store.IWSAccount, error) {
	acct, err := iwsAccount(ctx, cfg, st)
	if err != nil {
		return store.IWSAccount{}, fmt.Errorf("sync: %w", err)
	}
	return acct, nil
}

// iwsEnvironment guesses the environment of an IWS base URL: production only on Intcomex's
// production host.
func iwsEnvironment(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil && strings.Contains(u.Hostname(), "-prod") {
		return store.EnvironmentProd
	}
	return store.EnvironmentTest
}

// newSyncRunner builds the sync orchestration: an audited IWS client per account and the
// command's storefronts.
func newSyncRunner(cfg Config, st *store.Store, sfs *shops.Storefronts, logger *slog.Logger) (*syncjob.Runner, error) {
	return syncjob.New(syncjob.Config{
		Store: st,
		IWS: func(_ context.Context, acct store.IWSAccount) (catalog.Source, error) {
			return newAccountIWSClient(cfg, st, logger, acct)
		},
		Storefronts: sfs.For,
		Logger:      logger,
	})
}

// newAccountIWSClient builds the IWS client of a stored account; every call it makes is recorded
// in api_calls.
func newAccountIWSClient(cfg Config, st *store.Store, logger *slog.Logger, acct store.IWSAccount) (*iws.Client, error) {
	transport := newAuditTransport(http.DefaultTransport.(*http.Transport).Clone(), st, audit.SystemIWS, cfg, logger, acct.AccessKey)
	return iws.New(iws.Config{
		BaseURL:    acct.BaseURL,
		APIKey:     acct.APIKey,
		AccessKey:  acct.AccessKey,
		HTTPClient: &http.Client{Transport: transport, Timeout: cfg.IWSTimeout},
		Logger:     logger,
		UserAgent:  "intcomex-connector/" + version,
	})
}

// progressLine shows a run's progress on one line of a terminal, and nothing elsewhere.
type progressLine struct {
	w       io.Writer
	mu      sync.Mutex
	start   time.Time
	last    time.Time
	written bool
}

func newProgressLine(w io.Writer) *progressLine {
	if f, ok := w.(*os.File); !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return nil
	}
	return &progressLine{w: w, start: time.Now()}
}

func (p *progressLine) update(stage string, done int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.written && now.Sub(p.last) < 100*time.Millisecond && done != 0 {
		return // a few redraws a second are enough
	}
	p.last, p.written = now, true
	spin := `|/-\`[int(now.Sub(p.start)/(200*time.Millisecond))%4]
	line := fmt.Sprintf("%c %-24s", spin, stage)
	if done > 0 {
		line += fmt.Sprintf(" %7d items", done)
	}
	fmt.Fprintf(p.w, "\r\033[K%s  %s", line, now.Sub(p.start).Round(time.Second))
}

func (p *progressLine) done() {
	if p == nil || !p.written {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
}
