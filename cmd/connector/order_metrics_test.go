package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// /metrics says how many orders each shop has in each state and which shops have every order
// held, read from the database at each scrape.
func TestOrderMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "a", Environment: store.EnvironmentTest, BaseURL: "https://x/", APIKey: "k", AccessKey: "s"})
		if err != nil {
			t.Fatal(err)
		}
		shop, err := st.SaveShop(ctx, store.Shop{Name: "Memory", Platform: store.PlatformMemory, Credentials: "{}",
			IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(shop.ID, 10)
		o := store.Order{ShopID: shop.ID, StorefrontOrderID: "9", StorefrontOrderNumber: "9", CustomerOrderNumber: "M" + id + "N9",
			StorefrontStatus: "processing", Currency: "USD", Total: "1.00"}
		if err := st.Transaction(ctx, func(tx *store.Tx) error {
			_, _, err := st.UpsertOrderTx(ctx, tx, o)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := st.HoldShopOrders(ctx, shop.ID, "IWS refused the credentials"); err != nil {
			t.Fatal(err)
		}
		want := `
# HELP connector_orders Orders by shop and pipeline state.
# TYPE connector_orders gauge
connector_orders{shop="` + id + `",state="received"} 1
# HELP connector_shop_orders_held 1 when every new order of the shop is held until ` + "`connector shop resume-orders`" + `.
# TYPE connector_shop_orders_held gauge
connector_shop_orders_held{shop="` + id + `"} 1
`
		if err := testutil.CollectAndCompare(newOrderMetrics(st), strings.NewReader(want)); err != nil {
			t.Error(err)
		}
	})
}
