package admin

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
)

// dashEpoch is the clock of the dashboard, sync and reports tests: the store and the UI share it.
var dashEpoch = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// dashWorld is a store with known content and the clock it was written with.
type dashWorld struct {
	st       *store.Store
	clock    *fakeClock
	acct     store.IWSAccount
	woo      store.Shop // a WooCommerce shop: orders, webhooks, listings, held orders
	memory   store.Shop // the demo's kind of shop: no webhooks needed
	runs     map[string]store.SyncRun
	failed   store.APICall // a failed IWS call of the catalog run
	placed   store.Order   // placed and invoiced in March 2026
	held     store.Order
	invoiced time.Time
}

// eachDialect runs fn on a fresh store per dialect (SQLite always, MariaDB when
// CONNECTOR_TEST_MYSQL_DSN is set), written on a clock at dashEpoch.
func eachDialect(t *testing.T, fn func(t *testing.T, st *store.Store, clock *fakeClock)) {
	t.Helper()
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.MySQL} {
		t.Run(string(d), func(t *testing.T) {
			clock := &fakeClock{now: dashEpoch}
			fn(t, storetest.New(t, d, true, store.WithClock(clock.Now)), clock)
		})
	}
}

// seedDash writes the content every test of these sections reads.
func seedDash(t *testing.T, st *store.Store, clock *fakeClock) *dashWorld {
	t.Helper()
	ctx := context.Background()
	w := &dashWorld{st: st, clock: clock, runs: map[string]store.SyncRun{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	w.acct, err = st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	must(err)
	w.woo, err = st.SaveShop(ctx, store.Shop{Name: "Tienda Uno", Platform: store.PlatformWooCommerce, BaseURL: "https://uno.example",
		Credentials: `{"consumer_key":"ck","consumer_secret":"cs"}`, IWSAccountID: w.acct.ID, Currency: "USD", Locale: "es"})
	must(err)
	w.memory, err = st.SaveShop(ctx, store.Shop{Name: "Demo", Platform: store.PlatformMemory, Credentials: "{}",
		IWSAccountID: w.acct.ID, Currency: "USD", Locale: "es"})
	must(err)

	// Sync runs: a full run two days ago (4 min), a stock run yesterday (20 s) that failed, a
	// prices run still running.
	clock.now = dashEpoch.Add(-48 * time.Hour)
	all, err := st.CreateSyncRun(ctx, w.acct.ID, "all", []string{"catalog", "prices", "stock"})
	must(err)
	w.failed = store.APICall{System: "iws", Method: "getcatalog", HTTPMethod: "GET", URL: "https://iws.example/v1/getcatalog",
		StatusCode: 500, SyncRunID: strconv.FormatInt(all.ID, 10), JobID: "900", AccountID: w.acct.ID, CreatedAt: dashEpoch.Add(-47 * time.Hour)}
	must(st.InsertAPICall(ctx, &w.failed))
	ok := store.APICall{System: "iws", Method: "getcatalog", HTTPMethod: "GET", URL: "https://iws.example/v1/getcatalog",
		StatusCode: 200, SyncRunID: strconv.FormatInt(all.ID, 10), JobID: "900", AccountID: w.acct.ID, CreatedAt: dashEpoch.Add(-47 * time.Hour)}
	must(st.InsertAPICall(ctx, &ok))
	clock.now = clock.now.Add(4 * time.Minute)
	stats := []store.SyncStageStats{
		{Stage: "catalog", Counts: store.SyncCounts{Fetched: 40, Inserted: 40}, Duration: 2 * time.Minute},
		{Stage: "prices", Counts: store.SyncCounts{Fetched: 40, Updated: 40}, Duration: time.Minute},
		{Stage: "stock", Counts: store.SyncCounts{Fetched: 40, Updated: 12}, Duration: time.Minute},
	}
	must(st.FinishSyncRun(ctx, all.ID, store.SyncSucceeded, store.SyncCounts{Fetched: 120, Inserted: 40, Updated: 52}, stats, ""))
	clock.now = dashEpoch.Add(-24 * time.Hour)
	stock, err := st.CreateSyncRun(ctx, w.acct.ID, "stock", []string{"stock"})
	must(err)
	clock.now = clock.now.Add(20 * time.Second)
	must(st.FinishSyncRun(ctx, stock.ID, store.SyncFailed, store.SyncCounts{Fetched: 3},
		[]store.SyncStageStats{{Stage: "stock", Counts: store.SyncCounts{Fetched: 3}, Duration: 20 * time.Second, Error: "IWS said 900"}}, "IWS said 900"))
	clock.now = dashEpoch.Add(-time.Hour)
	prices, err := st.CreateSyncRun(ctx, w.acct.ID, "prices", []string{"prices"})
	must(err)
	for kind, id := range map[string]int64{"all": all.ID, "stock": stock.ID, "prices": prices.ID} {
		w.runs[kind], err = st.SyncRun(ctx, id)
		must(err)
	}

	// Listings: 3 published, 1 out of stock, 1 in error in the WooCommerce shop.
	var ls []store.Listing
	for i, state := range []string{store.ListingPublished, store.ListingPublished, store.ListingPublished, store.ListingOutOfStock, store.ListingError} {
		ls = append(ls, store.Listing{ShopID: w.woo.ID, SKU: "SKU" + strconv.Itoa(i), State: state})
	}
	must(st.SaveListings(ctx, ls))

	// Orders: one placed and invoiced in March, one held for stock, one received.
	clock.now = dashEpoch.Add(-3 * 24 * time.Hour)
	order := func(n string) store.Order {
		var o store.Order
		must(st.Transaction(ctx, func(tx *store.Tx) error {
			var err error
			o, _, err = st.UpsertOrderTx(ctx, tx, store.Order{ShopID: w.woo.ID, StorefrontOrderID: n, StorefrontOrderNumber: "#" + n,
				CustomerOrderNumber: "W1N" + n, StorefrontStatus: "processing", Currency: "USD", Total: "120.50", PaidAt: clock.now})
			return err
		}))
		return o
	}
	w.placed = order("1001")
	w.placed.State, w.placed.IntcomexOrderNumber, w.placed.IntcomexStatus = store.OrderInvoiced, "IX1001", 5
	w.placed.IntcomexTotal, w.placed.IntcomexCurrency, w.placed.InvoiceNumber = "99.5000", "USD", "INV-7"
	w.placed.PlacedAt = dashEpoch.Add(-3*24*time.Hour + time.Minute)
	w.invoiced = dashEpoch.Add(-2 * 24 * time.Hour)
	detail, _ := json.Marshal(map[string]int{"status": 5})
	w.placed, err = st.SaveOrder(ctx, w.placed, store.OrderEvent{Kind: store.OrderEventStatus, At: w.invoiced, Message: "invoiced", Detail: detail})
	must(err)
	clock.now = dashEpoch.Add(-2 * 24 * time.Hour)
	w.held = order("1002")
	w.held.State, w.held.HoldCode, w.held.HoldReason = store.OrderHeld, "stock", "SKU0 has 0 in stock"
	w.held, err = st.SaveOrder(ctx, w.held)
	must(err)
	clock.now = dashEpoch.Add(-time.Hour)
	order("1003")

	// The WooCommerce shop sent its last webhook ten days ago; its orders are held (credit).
	_, _, err = st.InsertWebhookEvent(ctx, store.WebhookEvent{ShopID: w.woo.ID, Platform: store.PlatformWooCommerce, DeliveryID: "d1",
		Topic: "order_paid", RawTopic: "order.updated", PayloadSHA256: strings.Repeat("0", 64), ReceivedAt: dashEpoch.Add(-10 * 24 * time.Hour)})
	must(err)
	clock.now = dashEpoch.Add(-30 * time.Minute)
	must(st.HoldShopOrders(ctx, w.woo.ID, "IWS says the customer account is on credit hold"))
	clock.now = dashEpoch
	return w
}
