package main

import (
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

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
)

// newListingsCmd is `connector listings`: one shop's listings, as the connector pushed them and
// as the store shows them.
func newListingsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "listings",
		Short: "See a shop's listing of a SKU, reset it, or verify the shop's store against what was pushed",
		Long: `A listing is what the connector knows of one IWS product in one shop: the storefront product's
ids, what it last pushed (price, stock, hashes), the change waiting to be pushed, the last error,
the images attached and a history of events (a product deleted in the store and created again, a
difference repaired, a reset).

  show SHOP_ID SKU [--json]   print the listing and its recent events
  reset SHOP_ID SKU           forget what was pushed, so the next sync pushes it whole again
  verify SHOP_ID [--json]     read the shop's products back from the store and repair what differs

` + "`connector shop list`" + ` shows the shop ids.`,
	}
	cmd.AddCommand(newListingsShowCmd(), newListingsResetCmd(a), newListingsVerifyCmd(a))
	return cmd
}

// listingArgs checks the arguments of a listings subcommand: count of them, the first a shop id.
// A mistake gets the usage line and an example rather than cobra's bare count.
func listingArgs(count int, usage, example string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		help := fmt.Sprintf("\n  usage:   connector listings %s\n  example: connector listings %s", usage, example)
		if len(args) != count {
			what := "a shop id and a SKU"
			if count == 1 {
				what = "a shop id"
			}
			return fmt.Errorf("listings %s takes %s, got %d argument(s)%s", cmd.Name(), what, len(args), help)
		}
		if _, err := parseShopID(args[0]); err != nil {
			return fmt.Errorf("listings %s: %w%s", cmd.Name(), err, help)
		}
		return nil
	}
}

func parseShopID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%q is not a shop id (`connector shop list` shows them)", s)
	}
	return id, nil
}

// openListingShop opens what a listings command works on: the configuration, the logger, the
// database (closed by the caller) and the shop named by arg, or an error saying it does not exist.
func openListingShop(cmd *cobra.Command, arg string) (Config, *slog.Logger, *store.Store, store.Shop, error) {
	id, err := parseShopID(arg)
	if err != nil {
		return Config{}, nil, nil, store.Shop{}, fmt.Errorf("listings: %w", err)
	}
	cfg, logger, st, err := openCLI(cmd, false)
	if err != nil {
		return cfg, nil, nil, store.Shop{}, err
	}
	shop, err := st.Shop(cmd.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = fmt.Errorf("listings: no shop with id %d (`connector shop list` shows them)", id)
	case err != nil:
		err = fmt.Errorf("listings: %w", err)
	}
	if err != nil {
		_ = st.Close() // the shop's error is the one to report
		return cfg, nil, nil, shop, err
	}
	return cfg, logger, st, shop, nil
}

func newListingsShowCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show SHOP_ID SKU [--json]",
		Short: "Show a shop's listing of one SKU: ids, what was pushed, what is pending, images, events",
		Long: `show prints what the connector knows of one SKU in one shop: the listing's state, the storefront
product's ids, what was last pushed (price, currency, stock, when, the content, price, stock and
image hashes), the change waiting to be pushed and what it would send, the last error and how many
pushes of the change failed, the images attached (source URL and the store's media id) and those
waiting to be attached, and the newest events of the listing:

  gone       a write found the storefront product deleted in the store
  recreated  the product deleted in the store was created again
  adopted    the SKU was found on another storefront product, which the listing follows now
  missing    the verification did not find the product in the store
  repaired   the verification found the store showing other than what was pushed
  reset      a person reset the listing

It reads the database only. --json prints one object:

  {"shop": {"id", "name", "platform"}, "sku", "state", "product_id", "variant_id",
   "inventory_item_id", "pushed": {"price", "currency", "stock", "at", "content_hash",
   "price_hash", "stock_hash", "images_hash"}, "pending": {"change", "title", "price", "currency",
   "manage_stock", "stock", "status"} or null, "last_error", "attempts",
   "images": {"attached": [{"url", "media_id", "state"}], "pending": ["url", ...]},
   "events": [{"kind", "detail", "at"}], "created_at", "updated_at"}

Prices are decimal strings, times RFC 3339; "price" and "at" are null when nothing was pushed.`,
		Example: `  connector listings show 2 SE001MSE01
  connector listings show 2 SE001MSE01 --json`,
		Args:         listingArgs(2, "show SHOP_ID SKU [--json]", "show 2 SE001MSE01"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runListingsShow(cmd, args[0], strings.TrimSpace(args[1]), asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object instead of text")
	return cmd
}

// listingEventsShown is how many of a listing's newest events show prints.
const listingEventsShown = 20

type shopRefJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Platform string `json:"platform"`
}

type listingJSON struct {
	Shop            shopRefJSON        `json:"shop"`
	SKU             string             `json:"sku"`
	State           string             `json:"state"`
	ProductID       string             `json:"product_id"`
	VariantID       string             `json:"variant_id"`
	InventoryItemID string             `json:"inventory_item_id"`
	Pushed          listingPushedJSON  `json:"pushed"`
	Pending         *listingChangeJSON `json:"pending"`
	LastError       string             `json:"last_error"`
	Attempts        int                `json:"attempts"`
	Images          listingImagesJSON  `json:"images"`
	Events          []listingEventJSON `json:"events"`
	CreatedAt       time.Time          `json:"created_at"`
	UpdatedAt       time.Time          `json:"updated_at"`
}

type listingPushedJSON struct {
	Price       *string    `json:"price"`
	Currency    string     `json:"currency"`
	Stock       int        `json:"stock"`
	At          *time.Time `json:"at"`
	ContentHash string     `json:"content_hash"`
	PriceHash   string     `json:"price_hash"`
	StockHash   string     `json:"stock_hash"`
	ImagesHash  string     `json:"images_hash"`
}

type listingChangeJSON struct {
	Change      string `json:"change"`
	Title       string `json:"title,omitempty"`
	Price       string `json:"price,omitempty"`
	Currency    string `json:"currency,omitempty"`
	ManageStock bool   `json:"manage_stock"`
	Stock       int    `json:"stock"`
	Status      string `json:"status,omitempty"`
}

type listingImagesJSON struct {
	Attached []listingImageJSON `json:"attached"`
	Pending  []string           `json:"pending"`
}

type listingImageJSON struct {
	URL     string `json:"url"`
	MediaID string `json:"media_id"`
	State   string `json:"state"`
}

type listingEventJSON struct {
	Kind   string    `json:"kind"`
	Detail string    `json:"detail"`
	At     time.Time `json:"at"`
}

func runListingsShow(cmd *cobra.Command, shopArg, sku string, asJSON bool) error {
	ctx := cmd.Context()
	_, _, st, shop, err := openListingShop(cmd, shopArg)
	if err != nil {
		return err
	}
	defer st.Close()
	l, err := st.Listing(ctx, shop.ID, sku)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("listings: shop %d %q has no listing of %s: a sync plans one for every product of the shop's IWS account (`connector products show %s` says whether the shop lists it)",
			shop.ID, shop.Name, sku, sku)
	}
	if err != nil {
		return fmt.Errorf("listings: %w", err)
	}
	doc, err := listingDocument(cmd, st, shop, l)
	if err != nil {
		return err
	}
	if asJSON {
		if err := json.NewEncoder(cmd.OutOrStdout()).Encode(doc); err != nil {
			return fmt.Errorf("listings: %w", err)
		}
		return nil
	}
	return writeListingText(cmd.OutOrStdout(), doc)
}

// listingDocument gathers what show prints of l.
func listingDocument(cmd *cobra.Command, st *store.Store, shop store.Shop, l store.Listing) (listingJSON, error) {
	ctx := cmd.Context()
	doc := listingJSON{
		Shop: shopRefJSON{ID: shop.ID, Name: shop.Name, Platform: shop.Platform}, SKU: l.SKU, State: l.State,
		ProductID: l.ProductID, VariantID: l.VariantID, InventoryItemID: l.InventoryItemID,
		Pushed: listingPushedJSON{Currency: l.Currency, Stock: l.Stock, ContentHash: l.ContentHash, PriceHash: l.PriceHash,
			StockHash: l.StockHash, ImagesHash: l.ImagesHash},
		LastError: l.LastError, Attempts: l.Attempts, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt,
		Images: listingImagesJSON{Attached: []listingImageJSON{}, Pending: []string{}}, Events: []listingEventJSON{},
	}
	if l.Price.Valid {
		p := l.Price.Decimal.String()
		doc.Pushed.Price = &p
	}
	if !l.PushedAt.IsZero() {
		at := l.PushedAt
		doc.Pushed.At = &at
	}
	if l.PendingChange != "" {
		doc.Pending = &listingChangeJSON{Change: l.PendingChange}
		if l.Desired != "" {
			var d listing.Desired
			if err := json.Unmarshal([]byte(l.Desired), &d); err != nil {
				return doc, fmt.Errorf("listings: %s: the pending document: %w", l.SKU, err)
			}
			doc.Pending.Title, doc.Pending.Price, doc.Pending.Currency = d.Title, d.Price, d.Currency
			doc.Pending.ManageStock, doc.Pending.Stock, doc.Pending.Status = d.ManageStock, d.Stock, string(d.Status)
		}
	}
	images, err := st.ListingImages(ctx, shop.ID, l.SKU)
	if err != nil {
		return doc, fmt.Errorf("listings: %w", err)
	}
	for _, im := range images {
		doc.Images.Attached = append(doc.Images.Attached, listingImageJSON{URL: im.URL, MediaID: im.MediaID, State: im.State})
	}
	pending, err := listing.PendingImageURLs(l)
	if err != nil {
		return doc, fmt.Errorf("listings: %w", err)
	}
	doc.Images.Pending = append(doc.Images.Pending, pending...)
	events, err := st.ListingEvents(ctx, shop.ID, l.SKU, listingEventsShown)
	if err != nil {
		return doc, fmt.Errorf("listings: %w", err)
	}
	for _, e := range events {
		doc.Events = append(doc.Events, listingEventJSON{Kind: e.Kind, Detail: e.Detail, At: e.CreatedAt})
	}
	return doc, nil
}

func writeListingText(w io.Writer, doc listingJSON) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in shop %d %q (%s)\n", doc.SKU, doc.Shop.ID, doc.Shop.Name, doc.Shop.Platform)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "  %s\t%s\n", k, fmt.Sprintf(format, args...)) }
	row("state", "%s", doc.State)
	switch {
	case doc.ProductID == "":
		row("storefront", "no product (the next push that wants it creates it)")
	default:
		ids := "product " + doc.ProductID
		if doc.VariantID != "" {
			ids += ", variant " + doc.VariantID
		}
		if doc.InventoryItemID != "" {
			ids += ", inventory item " + doc.InventoryItemID
		}
		row("storefront", "%s", ids)
	}
	if p := doc.Pushed; p.At != nil {
		price := "none"
		if p.Price != nil {
			price = *p.Price + " " + p.Currency
		}
		row("pushed", "price %s, stock %d, at %s", price, p.Stock, p.At.Format(time.RFC3339))
	} else {
		row("pushed", "nothing yet")
	}
	row("hashes", "content %s, price %s, stock %s, images %s", short(doc.Pushed.ContentHash), short(doc.Pushed.PriceHash),
		short(doc.Pushed.StockHash), short(doc.Pushed.ImagesHash))
	switch c := doc.Pending; {
	case c == nil:
		row("pending", "nothing")
	case c.Price != "":
		row("pending", "%s: %q, %s %s, stock %d (tracked: %v), %s", c.Change, c.Title, c.Price, c.Currency, c.Stock, c.ManageStock, c.Status)
	default:
		row("pending", "%s", c.Change)
	}
	if doc.LastError != "" {
		row("last error", "%s (%d failed attempts)", doc.LastError, doc.Attempts)
	}
	row("images", "%d attached, %d waiting to be attached", len(doc.Images.Attached), len(doc.Images.Pending))
	for _, im := range doc.Images.Attached {
		row("", "%s → media %s (%s)", im.URL, im.MediaID, im.State)
	}
	for _, u := range doc.Images.Pending {
		row("", "%s (waiting)", u)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("listings: %w", err)
	}
	if len(doc.Events) == 0 {
		b.WriteString("  events: none\n")
	} else {
		b.WriteString("  events (newest first):\n")
		for _, e := range doc.Events {
			fmt.Fprintf(&b, "    %s  %-9s  %s\n", e.At.Format(time.RFC3339), e.Kind, e.Detail)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("listings: %w", err)
	}
	return nil
}

// short is the first 12 characters of a hash ("-" for none).
func short(h string) string {
	switch {
	case h == "":
		return "-"
	case len(h) > 12:
		return h[:12]
	}
	return h
}

func newListingsResetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "reset SHOP_ID SKU",
		Short: "Clear a listing's error and what was pushed, so the next sync pushes it whole again",
		Long: `reset puts one listing back to "never pushed", for a listing stuck on an error or a storefront
product changed by hand beyond what a verification repairs. It clears:

  - the last error and the count of failed attempts;
  - the change waiting to be pushed (the next sync plans it again from the IWS mirror);
  - what was pushed: the content, price and stock hashes, the price, currency and stock, the
    image list attached and the time of the last push;
  - the storefront product's ids, for a product the shop sells: the next sync then creates it,
    and WooCommerce (by SKU) or Shopify (by the product's intcomex.sku metafield) hands back the
    product that holds the SKU, which is updated whole rather than duplicated. Its images are
    attached again by the media ids the shop already has: none is uploaded again.

A product the shop no longer sells keeps its id while it is on sale, so that the next sync takes
it off sale. The shop's record of uploaded images is kept. A "reset" event records what the
listing was. Nothing is sent to the store now: run ` + "`connector sync`" + ` (or let the schedule) push it. A
sync of the shop's IWS account running meanwhile is waited for.`,
		Example:      `  connector listings reset 2 SE001MSE01`,
		Args:         listingArgs(2, "reset SHOP_ID SKU", "reset 2 SE001MSE01"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runListingsReset(cmd, a, args[0], strings.TrimSpace(args[1]))
		},
	}
}

func runListingsReset(cmd *cobra.Command, a *app, shopArg, sku string) error {
	ctx := cmd.Context()
	cfg, logger, st, shop, err := openListingShop(cmd, shopArg)
	if err != nil {
		return err
	}
	defer st.Close()
	runner, err := newSyncRunner(cfg, st, a.storefronts(cfg, st, logger), logger)
	if err != nil {
		return err
	}
	progress := newProgressLine(cmd.ErrOrStderr())
	_, _, err = runner.Reset(ctx, syncjob.ResetRequest{ShopID: shop.ID, SKU: sku, OnProgress: progress.update})
	progress.done()
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("listings: shop %d %q has no listing of %s: nothing to reset", shop.ID, shop.Name, sku)
	}
	if err != nil {
		return fmt.Errorf("listings: %w", err)
	}
	events, err := st.ListingEvents(ctx, shop.ID, sku, 1)
	if err != nil {
		return fmt.Errorf("listings: %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Listing of %s in shop %d %q reset.\n", sku, shop.ID, shop.Name)
	if len(events) == 1 {
		fmt.Fprintf(cmd.OutOrStdout(), "  %s\n", events[0].Detail)
	}
	return nil
}

func newListingsVerifyCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify SHOP_ID [--json]",
		Short: "Read the shop's products back from the store and repair what differs from what was pushed",
		Long: `verify reads every product of the shop's store (in pages: WooCommerce 100 a request, Shopify 200
variants a query) and compares each of the connector's products with what it last pushed:

  price      a price changed by hand is put back
  stock      a quantity that moved (a sale in the store, a hand edit) is pushed again
  status     a product taken off sale, hidden or shown, or with stock tracking changed by hand
             is pushed again whole
  published  a product the connector had taken off sale and the merchant put back on sale is
             taken off sale again (unless the shop sells it again: then it is pushed whole)
  missing    a product deleted in the store (or in WooCommerce's trash) is created again

The repair is the normal push: the parts that differ are marked as not pushed, then the shop is
planned and pushed as a sync does (anything else pending goes too; the IWS mirror is not read
again). Products of the store that are not the connector's are counted and left alone. Each
repair is recorded as an event of its listing (` + "`connector listings show`" + `). The verification holds
the run lock of the shop's IWS account, so a sync of it running meanwhile is waited for.
` + "`connector serve`" + ` runs it for every shop every CONNECTOR_SCHEDULE_VERIFY_LISTINGS (daily by default).

In-memory shops live inside the ` + "`connector demo`" + ` process and are verified there, on its schedule.

--json prints one object:

  {"shop": {"id", "name", "platform"}, "checked", "matching", "repaired": {"price", "stock",
   "status", "published", "missing"}, "repaired_listings", "missing", "not_ours", "unchecked",
   "push": {"changes": {"create", "update", "price", "price_stock", "stock", "unpublish"},
   "failed", "recreated", "calls"}, "duration_ms"}

also when the verification fails: it then has an "error" member with the message ("interrupted"
for Ctrl-C) and the counts so far, and the command exits 1.`,
		Example: `  connector listings verify 2
  connector listings verify 2 --json`,
		Args:         listingArgs(1, "verify SHOP_ID [--json]", "verify 2"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runListingsVerify(cmd, a, args[0], asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object with the counts on standard output")
	return cmd
}

// verifyJSON is `connector listings verify --json`'s object.
type verifyJSON struct {
	Error            string         `json:"error,omitempty"`
	Shop             shopRefJSON    `json:"shop"`
	Checked          int            `json:"checked"`
	Matching         int            `json:"matching"`
	Repaired         map[string]int `json:"repaired"`
	RepairedListings int            `json:"repaired_listings"`
	Missing          int            `json:"missing"`
	NotOurs          int            `json:"not_ours"`
	Unchecked        int            `json:"unchecked"`
	Push             verifyPushJSON `json:"push"`
	DurationMS       int64          `json:"duration_ms"`
	// What the text shows besides.
	changes listing.ChangeSet
	push    listing.PushSummary
}

type verifyPushJSON struct {
	Changes   map[string]int `json:"changes"`
	Failed    int            `json:"failed"`
	Recreated int            `json:"recreated"`
	Calls     int            `json:"calls"`
}

func newVerifyJSON(sum syncjob.VerifySummary) verifyJSON {
	f := sum.Found
	out := verifyJSON{
		Shop: shopRefJSON{ID: sum.ShopID, Name: sum.Name, Platform: sum.Platform}, Checked: f.Checked, Matching: f.Matching,
		Repaired: map[string]int{}, RepairedListings: f.Listings, Missing: f.Missing, NotOurs: f.NotOurs, Unchecked: f.Unchecked,
		Push:       verifyPushJSON{Changes: map[string]int{}, Failed: sum.Push.Failed, Recreated: sum.Push.Recreated, Calls: sum.Push.Calls},
		DurationMS: sum.Duration.Milliseconds(), changes: sum.Changes, push: sum.Push,
	}
	for _, d := range listing.Drifts {
		out.Repaired[string(d)] = f.Repaired[d]
	}
	for _, k := range listing.Kinds {
		out.Push.Changes[string(k)] = sum.Changes.Changes[k]
	}
	return out
}

func runListingsVerify(cmd *cobra.Command, a *app, shopArg string, asJSON bool) error {
	ctx := cmd.Context()
	cfg, logger, st, shop, err := openListingShop(cmd, shopArg)
	if err != nil {
		return err
	}
	defer st.Close()
	if shop.Platform == store.PlatformMemory {
		return fmt.Errorf("listings: shop %d %q is an in-memory demo shop: its products live inside the `connector demo` process, which verifies it on its schedule", shop.ID, shop.Name)
	}
	runner, err := newSyncRunner(cfg, st, a.storefronts(cfg, st, logger), logger)
	if err != nil {
		return err
	}
	progress := newProgressLine(cmd.ErrOrStderr())
	sum, err := runner.Verify(ctx, syncjob.VerifyRequest{ShopID: shop.ID, OnProgress: progress.update})
	progress.done()
	doc := newVerifyJSON(sum)
	if asJSON {
		if err != nil {
			doc.Error = strings.ReplaceAll(err.Error(), "\n", "; ")
			if errors.Is(err, context.Canceled) {
				doc.Error = "interrupted"
			}
		}
		if werr := json.NewEncoder(cmd.OutOrStdout()).Encode(doc); werr != nil {
			return errors.Join(err, fmt.Errorf("listings: %w", werr))
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			return exitError{code: 1, err: err}
		}
		return err // an interruption is main's to report
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if sum.Verified {
		writeVerifyText(cmd.OutOrStdout(), doc)
	}
	if err != nil {
		return fmt.Errorf("listings verify: %w", err)
	}
	return nil
}

func writeVerifyText(w io.Writer, doc verifyJSON) {
	fmt.Fprintf(w, "Verified shop %d %q (%s) in %s: %d products read from the store.\n", doc.Shop.ID, doc.Shop.Name, doc.Shop.Platform,
		(time.Duration(doc.DurationMS) * time.Millisecond).String(), doc.Checked)
	fmt.Fprintf(w, "  matching   %d of the connector's products show what it pushed\n", doc.Matching)
	var parts []string
	for _, d := range listing.Drifts {
		if n := doc.Repaired[string(d)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, d))
		}
	}
	if len(parts) == 0 {
		fmt.Fprintln(w, "  repaired   nothing differed")
	} else {
		fmt.Fprintf(w, "  repaired   %d products: %s\n", doc.RepairedListings, strings.Join(parts, ", "))
	}
	if doc.Missing > doc.Repaired[string(listing.DriftMissing)] {
		fmt.Fprintf(w, "  forgotten  %d products the connector had taken off sale were deleted in the store\n",
			doc.Missing-doc.Repaired[string(listing.DriftMissing)])
	}
	fmt.Fprintf(w, "  not ours   %d (the merchant's own products, left alone)\n", doc.NotOurs)
	if doc.Unchecked > 0 {
		fmt.Fprintf(w, "  unchecked  %d (nothing pushed whole yet to compare with)\n", doc.Unchecked)
	}
	fmt.Fprintf(w, "  pushed     %s; %d storefront calls", kindCounts(doc.changes.Changes), doc.push.Calls)
	if doc.push.Failed > 0 {
		fmt.Fprintf(w, ", %d failed", doc.push.Failed)
	}
	fmt.Fprintln(w)
}
