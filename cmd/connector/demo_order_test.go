package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

// `connector demo order` buys in a running demo's shops through their own APIs, as a checkout
// would: the order is paid in the storefront, and the storefront delivers its webhooks to the
// connector like the real platform.
func TestDemoOrder(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "demo")
	r, stop := runDemoUntilReady(t, nil, dataDir)
	defer stop()
	ctx := context.Background()
	var woo, shop demoShop
	for _, s := range r.info.Shops {
		switch s.Platform {
		case store.PlatformWooCommerce:
			woo = s
		case store.PlatformShopify:
			shop = s
		}
	}

	// The default: the first WooCommerce shop, one unit of a product on sale.
	out, stderr, err := runCmd(ctx, nil, "demo", "order", "--data", dataDir, "--json")
	if err != nil {
		t.Fatalf("demo order: %v\n%s", err, stderr)
	}
	var res demoOrderResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.ShopID != woo.ID || res.OrderID == "" || res.OrderNumber == "" || res.SKU == "" || res.Quantity != 1 {
		t.Fatalf("demo order printed %q (%v)", out, err)
	}
	var paid bool
	for _, o := range r.woo.Orders() {
		if o.Number == res.OrderNumber && o.Status == "processing" && o.DatePaid != nil && len(o.LineItems) == 1 && o.LineItems[0].SKU == res.SKU {
			paid = true
		}
	}
	if !paid {
		t.Fatalf("the WooCommerce fake has no paid order %s of %s: %+v", res.OrderNumber, res.SKU, r.woo.Orders())
	}
	waitWebhookEvent(t, r.info.Database, woo.ID)
	// The connector places it with the sandbox and writes the Intcomex order number back.
	placed := waitOrderWrittenBack(t, r.info.Database, woo.ID, res.OrderID)
	var meta bool
	for _, o := range r.woo.Orders() {
		for _, m := range o.MetaData {
			if o.Number == res.OrderNumber && m.Key == "_intcomex_order_number" && string(m.Value) == strconv.Quote(placed.IntcomexOrderNumber) {
				meta = true
			}
		}
	}
	if !meta {
		t.Errorf("WooCommerce order %s has no _intcomex_order_number %s", res.OrderNumber, placed.IntcomexOrderNumber)
	}

	// A Shopify shop, a chosen SKU and quantity: orderCreate, paid.
	out, stderr, err = runCmd(ctx, nil, "demo", "order", "--data", dataDir, "--shop", strconv.FormatInt(shop.ID, 10), "--sku", res.SKU, "--qty", "2")
	if err != nil {
		t.Fatalf("demo order --shop %d: %v\n%s", shop.ID, err, stderr)
	}
	if !strings.Contains(out, "paid in shop") || !strings.Contains(out, "2 × "+res.SKU) {
		t.Errorf("demo order printed %q", out)
	}
	orders := r.shopify.Orders()
	if len(orders) != 1 || orders[0].FinancialStatus != "PAID" || len(orders[0].Lines) != 1 || orders[0].Lines[0].SKU != res.SKU || orders[0].Lines[0].Quantity != 2 {
		t.Fatalf("Shopify fake orders: %+v", orders)
	}
	waitWebhookEvent(t, r.info.Database, shop.ID)
	waitOrderWrittenBack(t, r.info.Database, shop.ID, orders[0].ID)

	// What it refuses, in words.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--shop", "99"}, "has no shop 99"},
		{[]string{"--sku", "NO-SUCH-SKU"}, `has no product "NO-SUCH-SKU"`},
		{[]string{"--qty", "0"}, "at least one unit"},
	} {
		_, _, err := runCmd(ctx, nil, append([]string{"demo", "order", "--data", dataDir}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("demo order %v: %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestDemoOrderWithoutARunningDemo(t *testing.T) {
	t.Parallel()
	_, _, err := runCmd(context.Background(), nil, "demo", "order", "--data", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "holds no demo") {
		t.Errorf("demo order without a demo: %v", err)
	}
}

// The Shopify document validates against the Admin schema the fake embeds.
func TestDemoOrderCreateValidates(t *testing.T) {
	schema, err := shopifytest.Schema()
	if err != nil {
		t.Fatal(err)
	}
	if _, errs := gqlparser.LoadQueryWithRules(schema, demoOrderCreate, rules.NewDefaultRules()); errs != nil {
		t.Fatalf("demoOrderCreate: %v", errs)
	}
}

// waitOrderWrittenBack waits until the connector has placed the storefront order with IWS and
// written the Intcomex order number back, and returns the order's record.
func waitOrderWrittenBack(t *testing.T, dbURL string, shopID int64, storefrontOrderID string) store.Order {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		o, err := db.OrderByStorefrontID(ctx, shopID, storefrontOrderID)
		if err == nil && o.State == store.OrderPlaced && !o.WrittenBackAt.IsZero() && o.IntcomexOrderNumber != "" {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s of shop %d not placed and written back within a minute: %+v (%v)", storefrontOrderID, shopID, o, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// On its first start the demo buys a few orders itself: one placed and followed, one held for
// stock, and a little later one on Shopify. A restart buys none.
func TestDemoSampleOrders(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "demo")
	r, stop := runDemoUntilReady(t, nil, dataDir, "--sample-orders", "--status-interval", "1s")
	var woo, shop demoShop
	for _, s := range r.info.Shops {
		switch s.Platform {
		case store.PlatformWooCommerce:
			woo = s
		case store.PlatformShopify:
			shop = s
		}
	}
	want := []struct {
		shop  int64
		check func(store.Order) bool
		what  string
	}{
		{woo.ID, func(o store.Order) bool { return o.IntcomexOrderNumber != "" && !o.WrittenBackAt.IsZero() }, "a placed WooCommerce order"},
		{woo.ID, func(o store.Order) bool { return o.State == store.OrderHeld && o.HoldCode == "stock" }, "a WooCommerce order held for stock"},
		{shop.ID, func(o store.Order) bool { return o.IntcomexOrderNumber != "" && !o.WrittenBackAt.IsZero() }, "a placed Shopify order"},
	}
	for _, w := range want {
		if !waitOrder(t, r.info.Database, w.shop, w.check) {
			t.Fatalf("no %s within a minute; the demo said:\n%s", w.what, stop().stderr)
		}
	}
	if res := stop(); res.err != nil {
		t.Fatalf("demo: %v", res.err)
	}
	r, stop = runDemoUntilReady(t, nil, dataDir, "--sample-orders")
	defer stop()
	if n := len(r.woo.Orders()); n != 2 {
		t.Errorf("after a restart the WooCommerce shop has %d orders, want the 2 samples of the first start", n)
	}
}

// waitOrder waits up to a minute for an order of the shop that satisfies ok.
func waitOrder(t *testing.T, dbURL string, shopID int64, ok func(store.Order) bool) bool {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		list, err := db.ListOrders(ctx, store.OrderFilter{ShopID: shopID})
		if err == nil && slices.ContainsFunc(list, ok) {
			return true
		}
		if time.Now().After(deadline) {
			t.Logf("orders of shop %d: %+v (%v)", shopID, list, err)
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}
