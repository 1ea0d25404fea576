package admin

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

// The dashboard's bounds: how much of each thing it shows.
const (
	dashboardErrors      = 10                 // recent failed API calls
	dashboardDays        = 30                 // orders per day
	dashboardHours       = 48                 // IWS calls per hour
	dashboardRuns        = 10                 // sync runs per kind in the durations chart
	dashboardWebhookIdle = 7 * 24 * time.Hour // a shop silent this long is flagged
)

// dashboardReport is the dashboard's data: the page shows it and GET /api/v1/dashboard returns
// it as JSON.
type dashboardReport struct {
	GeneratedAt  time.Time       `json:"generated_at"`
	Feeds        []dashboardFeed `json:"feeds"`
	Shops        []dashboardShop `json:"shops"`
	Orders       dashboardOrders `json:"orders"`
	Held         []dashboardHeld `json:"held"`
	RecentErrors []dashboardCall `json:"recent_errors"`
	Series       dashboardSeries `json:"series"`
}

// dashboardFeed is the latest sync of one IWS feed of an account.
type dashboardFeed struct {
	AccountID  int64      `json:"account_id"`
	Feed       string     `json:"feed"`
	RunID      int64      `json:"run_id"`
	RunKind    string     `json:"run_kind"` // the run's kind: the feed, or "all"
	Status     string     `json:"status"`   // running, succeeded, failed
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	// DurationMS and Counts are the feed's stage of the run when it has one, else the run's.
	DurationMS int64            `json:"duration_ms"`
	Counts     store.SyncCounts `json:"counts"`
	Error      string           `json:"error,omitempty"`
}

// Took is the feed's duration as people read it ("" while it runs).
func (f dashboardFeed) Took() string {
	if f.FinishedAt == nil {
		return ""
	}
	return dashDuration(time.Duration(f.DurationMS) * time.Millisecond)
}

// dashboardShop is one shop's health.
type dashboardShop struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Platform     string `json:"platform"`
	Disconnected bool   `json:"disconnected"`
	// Listings counts the shop's listings by state (published: products on sale).
	Listings map[string]int64 `json:"listings"`
	Orders   int64            `json:"orders"`
	Held     int64            `json:"held_orders"`
	// OrdersHoldReason is set when every new order of the shop is held (credit, credentials).
	OrdersHoldReason string     `json:"orders_hold_reason,omitempty"`
	OrdersHeldAt     *time.Time `json:"orders_held_at,omitempty"`
	// LastWebhookAt is the newest verified webhook delivery (null: none ever); WebhooksIdle
	// flags a shop that sent none, or none for a week: its subscriptions may be missing or
	// disabled (the shop's page checks them live with the platform).
	LastWebhookAt *time.Time `json:"last_webhook_at"`
	WebhooksIdle  bool       `json:"webhooks_idle"`
	// WebhooksChecked says the subscriptions were checked live with the platform (at most
	// five minutes ago): WebhooksMissing and WebhooksDisabled name the topics that will not be
	// delivered; WebhooksCheckFailed, that the platform could not be asked.
	WebhooksChecked     bool     `json:"webhooks_checked"`
	WebhooksMissing     []string `json:"webhooks_missing,omitempty"`
	WebhooksDisabled    []string `json:"webhooks_disabled,omitempty"`
	WebhooksCheckFailed bool     `json:"webhooks_check_failed,omitempty"`
}

// WebhooksBroken reports a live check that found a topic missing or disabled, or could not ask.
func (s dashboardShop) WebhooksBroken() bool {
	return len(s.WebhooksMissing) > 0 || len(s.WebhooksDisabled) > 0 || s.WebhooksCheckFailed
}

// Published is how many of the shop's products are on sale.
func (s dashboardShop) Published() int64 { return s.Listings[store.ListingPublished] }

// Listing is the count of one listing state (templates).
func (s dashboardShop) Listing(state string) int64 { return s.Listings[state] }

// dashboardOrders counts the orders of every shop by state.
type dashboardOrders struct {
	Total   int64                 `json:"total"`
	ByState []dashboardStateCount `json:"by_state"` // store.OrderStates order, states with orders only
}

type dashboardStateCount struct {
	State string `json:"state"`
	Count int64  `json:"count"`
}

// dashboardHeld is how many orders of a shop are held for one reason.
type dashboardHeld struct {
	ShopID   int64  `json:"shop_id"`
	ShopName string `json:"shop_name"`
	HoldCode string `json:"hold_code"`
	Count    int64  `json:"count"`
}

// dashboardHoldCodes are the hold codes the dashboard names in words (dashboard.hold.CODE);
// another code shows as it is.
var dashboardHoldCodes = []string{orders.HoldStock, orders.HoldCost, orders.HoldUnknownSKU, orders.HoldNoPrice,
	orders.HoldCredit, orders.HoldShop, orders.HoldError, orders.HoldUnauthorized, orders.HoldCancel}

// ReasonKey is the translation key of the hold code, or "" when it has none.
func (h dashboardHeld) ReasonKey() string {
	if slices.Contains(dashboardHoldCodes, h.HoldCode) {
		return "dashboard.hold." + h.HoldCode
	}
	return ""
}

// dashboardCall is a failed API call (IWS or a storefront).
type dashboardCall struct {
	ID         int64     `json:"id"`
	System     string    `json:"system"`
	Method     string    `json:"method"`
	HTTPMethod string    `json:"http_method"`
	StatusCode int       `json:"status_code"`
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
	ShopID     int64     `json:"shop_id,omitempty"`
	OrderID    string    `json:"order_id,omitempty"`
	SyncRunID  string    `json:"sync_run_id,omitempty"`
	JobID      string    `json:"job_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// dashboardSeries are the charts' data.
type dashboardSeries struct {
	// OrdersPerDay: the orders received per UTC day, the last 30 days, oldest first.
	OrdersPerDay []dashboardBucket `json:"orders_per_day"`
	// IWSCallsPerHour: the IWS calls and those that failed per UTC hour, the last 48 hours.
	IWSCallsPerHour []dashboardBucket `json:"iws_calls_per_hour"`
	// SyncDurations: the last finished runs of each kind (catalog, prices, stock, content,
	// all), oldest first; kinds without runs are absent.
	SyncDurations map[string][]dashboardRunTime `json:"sync_durations"`
}

type dashboardBucket struct {
	Start  time.Time `json:"start"`
	Count  int64     `json:"count"`
	Failed int64     `json:"failed"`
}

type dashboardRunTime struct {
	RunID      int64     `json:"run_id"`
	StartedAt  time.Time `json:"started_at"`
	DurationMS int64     `json:"duration_ms"`
	Status     string    `json:"status"`
}

// dashboardReport reads the dashboard's data. Webhook subscriptions are not checked live here
// (one request per shop to its platform on every view would make the page slow): the last
// delivery per shop stands in, and the shop's page runs the live check.
func (u *UI) dashboardReport(ctx context.Context) (dashboardReport, error) {
	st := u.cfg.Dashboard.Store
	now := u.now().UTC()
	d := dashboardReport{GeneratedAt: now, Feeds: []dashboardFeed{}, Shops: []dashboardShop{}, Held: []dashboardHeld{},
		RecentErrors: []dashboardCall{}, Orders: dashboardOrders{ByState: []dashboardStateCount{}}}

	feeds, err := st.LatestFeedSyncs(ctx)
	if err != nil {
		return d, err
	}
	for _, f := range feeds {
		df := dashboardFeed{AccountID: f.AccountID, Feed: f.Feed, RunID: f.Run.ID, RunKind: f.Run.Kind, Status: f.Run.Status,
			StartedAt: f.Run.StartedAt, FinishedAt: f.Run.FinishedAt, DurationMS: f.Run.Duration().Milliseconds(),
			Counts: f.Run.Counts, Error: f.Run.Error}
		if f.HasStage {
			df.DurationMS, df.Counts = f.Stage.Duration.Milliseconds(), f.Stage.Counts
			if f.Stage.Error != "" {
				df.Error = f.Stage.Error
			}
		}
		d.Feeds = append(d.Feeds, df)
	}

	if err := u.dashboardShops(ctx, &d, now); err != nil {
		return d, err
	}

	calls, err := st.ListAPICalls(ctx, store.APICallFilter{FailedOnly: true, Limit: dashboardErrors, OmitBodies: true})
	if err != nil {
		return d, err
	}
	for _, c := range calls {
		d.RecentErrors = append(d.RecentErrors, dashboardCall{ID: c.ID, System: c.System, Method: c.Method, HTTPMethod: c.HTTPMethod,
			StatusCode: c.StatusCode, Error: c.Error, DurationMS: c.Duration.Milliseconds(), ShopID: c.ShopID, OrderID: c.OrderID,
			SyncRunID: c.SyncRunID, JobID: c.JobID, CreatedAt: c.CreatedAt})
	}

	return d, u.dashboardSeries(ctx, &d, now)
}

// dashboardShops fills the shops, the orders by state and the held orders.
func (u *UI) dashboardShops(ctx context.Context, d *dashboardReport, now time.Time) error {
	st := u.cfg.Dashboard.Store
	shops, err := st.ListShops(ctx)
	if err != nil {
		return err
	}
	listings, err := st.ListingStateCounts(ctx)
	if err != nil {
		return err
	}
	counts, err := st.OrderCounts(ctx)
	if err != nil {
		return err
	}
	held, err := st.HeldOrderCounts(ctx, 0)
	if err != nil {
		return err
	}
	hooks, err := st.LastWebhookDeliveries(ctx)
	if err != nil {
		return err
	}
	index := map[int64]int{}
	for _, s := range shops {
		ds := dashboardShop{ID: s.ID, Name: s.Name, Platform: s.Platform, Disconnected: s.Disconnected(),
			Listings: map[string]int64{}, OrdersHoldReason: s.OrdersHoldReason}
		if !s.OrdersHeldAt.IsZero() {
			at := s.OrdersHeldAt.UTC()
			ds.OrdersHeldAt = &at
		}
		if at, ok := hooks[s.ID]; ok {
			ds.LastWebhookAt = &at
		}
		ds.WebhooksIdle = s.Platform != store.PlatformMemory && !ds.Disconnected &&
			(ds.LastWebhookAt == nil || now.Sub(*ds.LastWebhookAt) > dashboardWebhookIdle)
		index[s.ID] = len(d.Shops)
		d.Shops = append(d.Shops, ds)
	}
	u.dashboardWebhooks(ctx, shops, d, now)
	for _, l := range listings {
		if i, ok := index[l.ShopID]; ok {
			d.Shops[i].Listings[l.State] = l.Count
		}
	}
	byState := map[string]int64{}
	for _, c := range counts {
		byState[c.State] += c.Count
		d.Orders.Total += c.Count
		if i, ok := index[c.ShopID]; ok {
			d.Shops[i].Orders += c.Count
			if c.State == store.OrderHeld {
				d.Shops[i].Held += c.Count
			}
		}
	}
	for _, s := range store.OrderStates {
		if byState[s] > 0 {
			d.Orders.ByState = append(d.Orders.ByState, dashboardStateCount{State: s, Count: byState[s]})
		}
	}
	for _, h := range held {
		dh := dashboardHeld{ShopID: h.ShopID, HoldCode: h.HoldCode, Count: h.Count}
		if i, ok := index[h.ShopID]; ok {
			dh.ShopName = d.Shops[i].Name
		}
		d.Held = append(d.Held, dh)
	}
	return nil
}

// dashboardSeries fills the charts' series.
func (u *UI) dashboardSeries(ctx context.Context, d *dashboardReport, now time.Time) error {
	st := u.cfg.Dashboard.Store
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	days, err := st.OrdersPerDay(ctx, store.OrderFilter{}, today.AddDate(0, 0, 1-dashboardDays), today.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	d.Series.OrdersPerDay = dashBuckets(days)
	hour := now.Truncate(time.Hour)
	hours, err := st.APICallsPerHour(ctx, store.APICallFilter{System: "iws"}, hour.Add(-(dashboardHours-1)*time.Hour), hour.Add(time.Hour))
	if err != nil {
		return err
	}
	d.Series.IWSCallsPerHour = dashBuckets(hours)
	runs, err := st.RecentSyncRuns(ctx, 0, dashboardRuns)
	if err != nil {
		return err
	}
	d.Series.SyncDurations = map[string][]dashboardRunTime{}
	for kind, rs := range runs {
		for _, r := range rs {
			d.Series.SyncDurations[kind] = append(d.Series.SyncDurations[kind], dashboardRunTime{RunID: r.ID, StartedAt: r.StartedAt,
				DurationMS: r.Duration().Milliseconds(), Status: r.Status})
		}
	}
	return nil
}

func dashBuckets(in []store.TimeBucket) []dashboardBucket {
	out := make([]dashboardBucket, len(in))
	for i, b := range in {
		out[i] = dashboardBucket{Start: b.Start.UTC(), Count: b.Count, Failed: b.Failed}
	}
	return out
}

// dashDuration writes a duration as people read it: "850 ms", "12.3 s", "4 min 05 s", "1 h 02 min".
func dashDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}

// dashTime writes a time in UTC, to the minute.
func dashTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// dashSortedKinds returns the kinds of the sync durations in the feeds' order, "all" last.
func dashSortedKinds(m map[string][]dashboardRunTime) []string {
	order := append(slices.Clone(store.SyncFeeds), "all")
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(a, b))
	})
	return out
}

// Started is when the feed's run started (templates).
func (f dashboardFeed) Started() string { return dashTime(f.StartedAt) }

// LastWebhook is when the shop's newest webhook delivery arrived, "" for never (templates).
func (s dashboardShop) LastWebhook() string {
	if s.LastWebhookAt == nil {
		return ""
	}
	return dashTime(*s.LastWebhookAt)
}

// HeldSince is when the shop's orders were put on hold (templates).
func (s dashboardShop) HeldSince() string {
	if s.OrdersHeldAt == nil {
		return ""
	}
	return dashTime(*s.OrdersHeldAt)
}

// When is when the call was made (templates).
func (c dashboardCall) When() string { return dashTime(c.CreatedAt) }
