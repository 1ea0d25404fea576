package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
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

also when the sync fails; it then has an "error" member and counts what was written before the
failure:

  {"error": {"code": "900", "message": "…", "reference": "…", "stage": "catalog"}, "products": …}

code is IWS's ErrorCode when it gave one, else http_<status>, malformed_response, network,
interrupted, push_failed, invalid or failed; stage is the feed that failed (catalog, catalog-en,
prices, stock, content), "listings" for a push, or "" when the sync did not start. Without --json a
failure is one line on standard error. A failure exits 1; an interrupted sync (Ctrl-C) ends as
any interrupted command does, its sync_runs row saying what it wrote.

IWS reads that fail on a bad day (5xx, ErrorCode 900 on the catalog feeds, a dropped connection,
a garbled or cut-off answer) are retried with backoff, and a feed that breaks off resumes where it
broke; throttling is waited out.

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

func runSync(cmd *cobra.Command, a *app, kindName string, shopID int64, asJSON bool) (err error) {
	// A failure before the run (a bad kind, the database, the account) is one JSON object too.
	defer func() { err = reportEarlySyncError(cmd.OutOrStdout(), asJSON, err) }()
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
	return reportSync(cmd, acct, kind, sum, err, asJSON)
}

// syncError is the "error" member of `connector sync --json`'s object when the sync failed.
type syncError struct {
	// Code is IWS's ErrorCode ("900") when IWS answered with one; else "http_<status>" for another
	// refusal from IWS or its gateway, "malformed_response", "network", "interrupted", "push_failed"
	// (a shop's push), "invalid" (a request that cannot run) or "failed".
	Code      string `json:"code"`
	Message   string `json:"message"`
	Reference string `json:"reference"` // IWS's support reference, when it gave one
	// Stage is the catalog stage that failed (catalog, catalog-en, prices, stock, content),
	// "listings" for a push, "" when the sync failed before it started.
	Stage string `json:"stage"`
}

// syncFailedJSON is what `connector sync --json` prints when the sync failed: the error and the
// counts of what it did until then, in the same members as a success.
type syncFailedJSON struct {
	Error syncError `json:"error"`
	syncjob.Summary
}

// syncReported is a failure reportSync has already told the user about.
type syncReported struct{ err error }

func (e syncReported) Error() string { return e.err.Error() }
func (e syncReported) Unwrap() error { return e.err }

// reportSync prints the outcome of a run: the summary (or its JSON) on success; on failure
// exactly one JSON object with --json, else one line per failure. A failure exits 1, except an
// interruption, which is handed on as it is (context.Canceled) for main to report.
func reportSync(cmd *cobra.Command, acct store.IWSAccount, kind catalog.Kind, sum syncjob.Summary, err error, asJSON bool) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	catalogFailed := err != nil && sum.Catalog.Status != store.SyncSucceeded
	if asJSON {
		if err == nil {
			if werr := json.NewEncoder(stdout).Encode(sum); werr != nil {
				return fmt.Errorf("sync: %w", werr)
			}
			return nil
		}
		stage := catalogStage(err)
		if !catalogFailed {
			stage = "listings"
		}
		return syncReported{writeSyncFailure(stdout, sum, err, stage)}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if errors.Is(err, syncjob.ErrInvalid) {
		return fmt.Errorf("sync: %w", err)
	}
	if catalogFailed {
		// Nothing was pushed: the storefronts are never driven by a half-read catalog.
		fmt.Fprintln(stderr, syncFailureLine(kind, sum, err))
		return exitError{code: 1, err: err}
	}
	writeSyncSummary(stdout, acct, kind, sum)
	if err != nil {
		return fmt.Errorf("sync %s: the catalog is mirrored but a push failed (its changes stay pending for the next run): %w", kind, err)
	}
	return nil
}

// reportEarlySyncError gives a failure before the run its JSON object with --json.
func reportEarlySyncError(stdout io.Writer, asJSON bool, err error) error {
	var done syncReported
	switch {
	case err == nil:
		return nil
	case errors.As(err, &done):
		return done.err
	case !asJSON:
		return err
	}
	return writeSyncFailure(stdout, syncjob.Summary{}, err, "")
}

// writeSyncFailure prints the JSON object of a failed sync and returns the error the command
// ends with: exit 1 without printing more, or the interruption itself.
func writeSyncFailure(stdout io.Writer, sum syncjob.Summary, err error, stage string) error {
	out := syncFailedJSON{Error: syncError{Code: syncErrorCode(err, stage), Message: syncErrorMessage(err), Stage: stage}, Summary: sum}
	if apiErr, ok := iws.AsError(err); ok && !errors.Is(err, context.Canceled) {
		out.Error.Reference = apiErr.Reference
	}
	if werr := json.NewEncoder(stdout).Encode(out); werr != nil {
		return errors.Join(err, fmt.Errorf("sync: %w", werr))
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return exitError{code: 1, err: err}
}

// catalogStage names the catalog stage a failed run stopped in ("" when it did not start).
func catalogStage(err error) string {
	var se *catalog.StageError
	if errors.As(err, &se) {
		return se.Stage
	}
	return ""
}

func syncErrorCode(err error, stage string) string {
	var netErr net.Error
	apiErr, isAPI := iws.AsError(err)
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case isAPI && apiErr.ErrorCode != 0:
		return strconv.Itoa(apiErr.ErrorCode)
	case isAPI:
		return "http_" + strconv.Itoa(apiErr.HTTPStatus)
	case errors.Is(err, iws.ErrMalformedResponse):
		return "malformed_response"
	case errors.As(err, &netErr):
		return "network"
	case stage == "listings":
		return "push_failed"
	case errors.Is(err, syncjob.ErrInvalid):
		return "invalid"
	}
	return "failed"
}

// syncErrorMessage says what failed in one line: IWS's own words when it refused, else the error.
func syncErrorMessage(err error) string {
	if errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	if apiErr, ok := iws.AsError(err); ok {
		return iwsErrorLine(apiErr)
	}
	var se *catalog.StageError
	if errors.As(err, &se) {
		err = se.Err // the run and the stage are said elsewhere
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// iwsErrorLine is an IWS refusal in one line: code, status, message and what helps with it.
func iwsErrorLine(e *iws.Error) string {
	text := e.Message
	if text == "" {
		text = e.Body
	}
	line := fmt.Sprintf("IWS answered HTTP %d %s to %s: %s", e.HTTPStatus, http.StatusText(e.HTTPStatus), e.Method, text)
	if e.ErrorCode != 0 {
		line = fmt.Sprintf("IWS error %d (HTTP %d) on %s: %s", e.ErrorCode, e.HTTPStatus, e.Method, text)
	}
	if e.RetryAfter > 0 {
		line += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return line
}

// syncFailureLine is the one line a failed catalog run prints: what failed, where, and what the
// run had written by then.
func syncFailureLine(kind catalog.Kind, sum syncjob.Summary, err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sync %s failed", kind)
	if stage := catalogStage(err); stage != "" {
		fmt.Fprintf(&b, " in the %s stage", stage)
	}
	if id := sum.Catalog.RunID; id != 0 {
		p := sum.Products
		fmt.Fprintf(&b, " (sync run %d; written before it: %d inserted, %d updated, %d deactivated)", id, p.Inserted, p.Updated, p.Deactivated)
	}
	b.WriteString(": " + syncErrorMessage(err))
	if apiErr, ok := iws.AsError(err); ok && apiErr.Reference != "" {
		b.WriteString(" (reference " + apiErr.Reference + ")")
	}
	return b.String()
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
		writePushNotes(w, s.Push)
	}
}

// writePushNotes prints, under a shop's line, what its push did beyond the changes: the image
// pass and the products found deleted in the store.
func writePushNotes(w io.Writer, p listing.PushSummary) {
	im := p.Images
	if orphans := im.OrphansDeleted + im.OrphansKept; im.Attached+im.Uploaded+im.Reused+im.Recovered+im.Lost+im.Failed+orphans > 0 {
		fmt.Fprintf(w, "    images: %d uploaded, %d reused, %d recovered, %d orphans", im.Uploaded, im.Reused, im.Recovered, orphans)
		if orphans > 0 {
			fmt.Fprintf(w, " (%d deleted from the store, %d kept: the store's API cannot delete them)", im.OrphansDeleted, im.OrphansKept)
		}
		if im.Failed > 0 {
			fmt.Fprintf(w, "; %d image lists failed", im.Failed)
		}
		if im.Deferred > 0 {
			fmt.Fprintf(w, "; %d wait for an upload still settling", im.Deferred)
		}
		fmt.Fprintln(w)
	}
	if p.Recreated+p.Gone > 0 {
		fmt.Fprintf(w, "    deleted in the store: %d created again, %d taken off sale already (see `connector listings show`)\n", p.Recreated, p.Gone)
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
		Storefronts:      sfs.For,
		ImageConcurrency: cfg.ImageConcurrency,
		Logger:           logger,
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
