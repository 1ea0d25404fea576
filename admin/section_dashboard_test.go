package admin

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

func init() {
	feed := dashboardFeed{AccountID: 1, Feed: "stock", RunID: 3, RunKind: "all", Status: store.SyncFailed, StartedAt: dashEpoch,
		FinishedAt: &dashEpoch, DurationMS: 1500, Error: "IWS said 900"}
	pageSamples["dashboard"] = dashboardPage{
		dashboardReport: dashboardReport{GeneratedAt: dashEpoch, Feeds: []dashboardFeed{feed},
			Shops: []dashboardShop{{ID: 1, Name: "S", Platform: "woocommerce", Listings: map[string]int64{"published": 2, "error": 1},
				Orders: 3, Held: 1, OrdersHoldReason: "credit", OrdersHeldAt: &dashEpoch, WebhooksIdle: true}},
			Orders:       dashboardOrders{Total: 3, ByState: []dashboardStateCount{{"held", 1}, {"placed", 2}}},
			Held:         []dashboardHeld{{ShopID: 1, ShopName: "S", HoldCode: "stock", Count: 1}, {ShopID: 2, HoldCode: "odd", Count: 1}},
			RecentErrors: []dashboardCall{{ID: 1, System: "iws", Method: "getcatalog", StatusCode: 500, CreatedAt: dashEpoch}}},
		Charts: dashboardCharts{Orders: template.HTML("<svg></svg>")},
	}
}

// dashFixture is a UI on a seeded store with the dashboard, sync and reports sections mounted.
func dashFixture(t *testing.T, w *dashWorld, mod ...func(*UIConfig)) *fixture {
	t.Helper()
	return newFixture(t, append([]func(*UIConfig){func(c *UIConfig) {
		c.Now = w.clock.Now
		c.Dashboard.Store = w.st
	}}, mod...)...)
}

func TestDashboardRoutesByRole(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		f := dashFixture(t, w)
		tests := []struct {
			path string
			want [3]int
		}{
			{"/", [3]int{303, 200, 200}},
			{"/api/v1/dashboard", [3]int{401, 200, 200}},
		}
		for _, tt := range tests {
			for who := anonymous; who <= admin; who++ {
				resp := f.do(t, f.as(who, req{method: "GET", path: tt.path}))
				if resp.Code != tt.want[who] {
					t.Errorf("%s as %s: %d, want %d", tt.path, who, resp.Code, tt.want[who])
				}
			}
		}
	})
}

func TestDashboardPage(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		f := dashFixture(t, w)
		for _, lang := range []string{"en", "es"} {
			for who := support; who <= admin; who++ {
				body := f.getIn(t, who, lang, "/")
				wants := []string{
					`id="dashboard-orders-chart"`, `id="dashboard-sync-chart"`, `id="dashboard-calls-chart"`, `<svg`,
					`data-testid="dashboard-feed-catalog" data-status="succeeded"`,
					`data-testid="dashboard-feed-stock" data-status="failed"`,
					`data-testid="dashboard-feed-prices" data-status="running"`,
					`data-testid="dashboard-webhooks-idle-` + dashID(w.woo.ID) + `"`,
					`data-testid="dashboard-shop-hold-` + dashID(w.woo.ID) + `"`,
					`href="/orders?state=held"`,
					`href="/orders?state=held&amp;shop=` + dashID(w.woo.ID) + `"`,
					`data-testid="dashboard-error-` + dashID(w.failed.ID) + `"`,
					`href="/sync/runs/` + dashID(w.runs["all"].ID) + `"`,
					"IWS says the customer account is on credit hold",
					map[string]string{"en": "Not enough stock at Intcomex", "es": "Existencias insuficientes en Intcomex"}[lang],
					map[string]string{"en": "2 min 00 s", "es": "2 min 00 s"}[lang], // the catalog stage of the full run
				}
				for _, want := range wants {
					if !strings.Contains(body, want) {
						t.Errorf("%s as %s: no %s", lang, who, want)
					}
				}
				if strings.Contains(body, `data-testid="dashboard-webhooks-idle-`+dashID(w.memory.ID)+`"`) {
					t.Errorf("the memory shop needs no webhooks")
				}
				for _, bad := range []string{"<form method=\"post\" action=\"/sync", "style=", "<script>"} {
					if strings.Contains(body, bad) {
						t.Errorf("%s as %s: has %s", lang, who, bad)
					}
				}
			}
		}
	})
}

func TestDashboardAPI(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		f := dashFixture(t, w)
		resp := f.do(t, f.as(support, req{method: "GET", path: "/api/v1/dashboard"}))
		if resp.Code != 200 {
			t.Fatalf("%d %s", resp.Code, resp.Body)
		}
		var got struct {
			GeneratedAt time.Time `json:"generated_at"`
			Feeds       []struct {
				Feed       string `json:"feed"`
				RunID      int64  `json:"run_id"`
				RunKind    string `json:"run_kind"`
				Status     string `json:"status"`
				DurationMS int64  `json:"duration_ms"`
				Counts     struct {
					Fetched int `json:"fetched"`
				} `json:"counts"`
			} `json:"feeds"`
			Shops []struct {
				ID               int64            `json:"id"`
				Listings         map[string]int64 `json:"listings"`
				Orders           int64            `json:"orders"`
				Held             int64            `json:"held_orders"`
				OrdersHoldReason string           `json:"orders_hold_reason"`
				LastWebhookAt    *time.Time       `json:"last_webhook_at"`
				WebhooksIdle     bool             `json:"webhooks_idle"`
			} `json:"shops"`
			Orders struct {
				Total   int64 `json:"total"`
				ByState []struct {
					State string `json:"state"`
					Count int64  `json:"count"`
				} `json:"by_state"`
			} `json:"orders"`
			Held []struct {
				ShopID   int64  `json:"shop_id"`
				HoldCode string `json:"hold_code"`
				Count    int64  `json:"count"`
			} `json:"held"`
			RecentErrors []struct {
				ID         int64  `json:"id"`
				StatusCode int    `json:"status_code"`
				SyncRunID  string `json:"sync_run_id"`
			} `json:"recent_errors"`
			Series struct {
				OrdersPerDay []struct {
					Start time.Time `json:"start"`
					Count int64     `json:"count"`
				} `json:"orders_per_day"`
				IWSCallsPerHour []struct {
					Start  time.Time `json:"start"`
					Count  int64     `json:"count"`
					Failed int64     `json:"failed"`
				} `json:"iws_calls_per_hour"`
				SyncDurations map[string][]struct {
					RunID      int64 `json:"run_id"`
					DurationMS int64 `json:"duration_ms"`
				} `json:"sync_durations"`
			} `json:"series"`
		}
		if err := json.Unmarshal(resp.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if !got.GeneratedAt.Equal(dashEpoch) {
			t.Errorf("generated_at %v", got.GeneratedAt)
		}
		feeds := map[string]string{}
		for _, fd := range got.Feeds {
			feeds[fd.Feed] = fd.RunKind + "/" + fd.Status
		}
		if feeds["catalog"] != "all/succeeded" || feeds["stock"] != "stock/failed" || feeds["prices"] != "prices/running" || len(feeds) != 3 {
			t.Errorf("feeds = %v", feeds)
		}
		if got.Feeds[0].Feed != "catalog" || got.Feeds[0].DurationMS != 120000 || got.Feeds[0].Counts.Fetched != 40 {
			t.Errorf("catalog feed = %+v", got.Feeds[0])
		}
		if len(got.Shops) != 2 {
			t.Fatalf("shops = %+v", got.Shops)
		}
		woo := got.Shops[0]
		if woo.ID != w.woo.ID || woo.Listings["published"] != 3 || woo.Listings["error"] != 1 || woo.Orders != 3 || woo.Held != 1 ||
			woo.OrdersHoldReason == "" || !woo.WebhooksIdle || woo.LastWebhookAt == nil {
			t.Errorf("woo shop = %+v", woo)
		}
		if mem := got.Shops[1]; mem.WebhooksIdle || mem.LastWebhookAt != nil {
			t.Errorf("memory shop = %+v", mem)
		}
		states := map[string]int64{}
		for _, s := range got.Orders.ByState {
			states[s.State] = s.Count
		}
		if got.Orders.Total != 3 || states["held"] != 1 || states["invoiced"] != 1 || states["received"] != 1 {
			t.Errorf("orders = %+v", got.Orders)
		}
		if len(got.Held) != 1 || got.Held[0].HoldCode != "stock" || got.Held[0].ShopID != w.woo.ID {
			t.Errorf("held = %+v", got.Held)
		}
		if len(got.RecentErrors) != 1 || got.RecentErrors[0].ID != w.failed.ID || got.RecentErrors[0].StatusCode != 500 {
			t.Errorf("recent errors = %+v", got.RecentErrors)
		}
		days := got.Series.OrdersPerDay
		var total int64
		for _, d := range days {
			total += d.Count
		}
		if len(days) != 30 || total != 3 || !days[29].Start.Equal(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("orders per day: %d days, %d orders, last %v", len(days), total, days[len(days)-1].Start)
		}
		hours := got.Series.IWSCallsPerHour
		var calls, failed int64
		for _, h := range hours {
			calls, failed = calls+h.Count, failed+h.Failed
		}
		if len(hours) != 48 || calls != 2 || failed != 1 {
			t.Errorf("IWS calls per hour: %d hours, %d calls, %d failed", len(hours), calls, failed)
		}
		if d := got.Series.SyncDurations; len(d["all"]) != 1 || d["all"][0].DurationMS != 240000 || len(d["stock"]) != 1 || len(d["prices"]) != 0 {
			t.Errorf("sync durations = %+v", d)
		}
	})
}

// TestDashboardEmpty: a fresh database shows a dashboard that says there is nothing yet.
func TestDashboardEmpty(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		f := dashFixture(t, &dashWorld{st: st, clock: clock})
		resp := f.do(t, f.as(admin, req{method: "GET", path: "/"}))
		if body := resp.Body.String(); resp.Code != 200 || !strings.Contains(body, "No sync has run yet") || !strings.Contains(body, "No data yet") {
			t.Errorf("%d %s", resp.Code, body)
		}
		resp = f.do(t, f.as(admin, req{method: "GET", path: "/api/v1/dashboard"}))
		if body := resp.Body.String(); resp.Code != 200 || !strings.Contains(body, `"feeds":[]`) || !strings.Contains(body, `"recent_errors":[]`) {
			t.Errorf("%d %s", resp.Code, body)
		}
	})
}

func dashID(n int64) string { return strconv.FormatInt(n, 10) }

// With a live webhook check, the dashboard names a WooCommerce shop's missing and disabled
// topics and links to their repair; the answer is kept for five minutes, and a store that does
// not answer says so.
func TestDashboardLiveWebhookCheck(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		var mu sync.Mutex
		calls, fail := 0, false
		check := func(_ context.Context, shop store.Shop) (shops.WebhookHealth, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if shop.ID != w.woo.ID {
				t.Errorf("checked shop %d, a %s shop", shop.ID, shop.Platform)
			}
			if fail {
				return shops.WebhookHealth{}, errors.New("store down")
			}
			return shops.WebhookHealth{Applicable: true, Missing: []string{"order.created"}, Disabled: []string{"order.updated"}}, nil
		}
		f := dashFixture(t, w, func(c *UIConfig) { c.Dashboard.Webhooks = check })
		broken := `data-testid="dashboard-webhooks-broken-` + dashID(w.woo.ID) + `"`
		for range 2 {
			body := f.do(t, f.as(support, req{method: "GET", path: "/"})).Body.String()
			for _, want := range []string{broken, "Missing: order.created.", "Disabled: order.updated.", `href="/shops/` + dashID(w.woo.ID) + `/webhooks"`} {
				if !strings.Contains(body, want) {
					t.Errorf("dashboard lacks %q", want)
				}
			}
		}
		if calls != 1 {
			t.Errorf("%d live checks for two views within five minutes, want 1", calls)
		}
		var api struct {
			Shops []struct {
				ID       int64    `json:"id"`
				Checked  bool     `json:"webhooks_checked"`
				Missing  []string `json:"webhooks_missing"`
				Disabled []string `json:"webhooks_disabled"`
			} `json:"shops"`
		}
		if err := json.Unmarshal(f.do(t, f.as(support, req{method: "GET", path: "/api/v1/dashboard"})).Body.Bytes(), &api); err != nil {
			t.Fatal(err)
		}
		if s := api.Shops[0]; !s.Checked || len(s.Missing) != 1 || len(s.Disabled) != 1 {
			t.Errorf("API shop %+v", s)
		}
		// The platform answered: the shop's quiet week is not flagged besides.
		if body := f.do(t, f.as(support, req{method: "GET", path: "/"})).Body.String(); strings.Contains(body, `data-testid="dashboard-webhooks-idle-`+dashID(w.woo.ID)+`"`) {
			t.Error("a shop checked live is still flagged for its quiet week")
		}
		mu.Lock()
		fail = true
		mu.Unlock()
		clock.advance(dashboardWebhookTTL)
		body := f.do(t, f.as(support, req{method: "GET", path: "/"})).Body.String()
		if !strings.Contains(body, "The store did not answer the webhook check.") || calls != 2 {
			t.Errorf("after five minutes with the store down (%d checks): %s", calls, body)
		}
	})
}
