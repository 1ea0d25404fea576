package syncjob_test

import (
	"context"
	"testing"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// An uninstalled shop keeps its row but is left out of its account's syncs.
func TestConnectedShopsSkipsDisconnected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
			BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
		if err != nil {
			t.Fatal(err)
		}
		creds, _ := shops.MarshalCredentials(shops.WooCommerceCredentials{ConsumerKey: "ck_x", ConsumerSecret: "cs_x"})
		var ids []int64
		for _, sh := range []store.Shop{
			{Name: "memory", Platform: store.PlatformMemory, Credentials: "{}"},
			{Name: "woo", Platform: store.PlatformWooCommerce, BaseURL: "https://a.example", Credentials: creds},
			{Name: "gone", Platform: store.PlatformWooCommerce, BaseURL: "https://b.example", Credentials: creds},
		} {
			sh.IWSAccountID, sh.Currency, sh.Locale = acct.ID, "USD", "es"
			saved, err := st.SaveShop(ctx, sh)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, saved.ID)
		}
		if err := st.DisconnectShop(ctx, ids[2]); err != nil {
			t.Fatal(err)
		}
		shops, err := st.ConnectedShops(ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(shops) != 2 || shops[0].ID != ids[0] || shops[1].ID != ids[1] {
			t.Fatalf("ConnectedShops = %v, want the memory and the connected WooCommerce shop", shops)
		}
		gone, err := st.Shop(ctx, ids[2])
		if err != nil || !gone.Disconnected() {
			t.Fatalf("uninstalled shop: %v, disconnected %v", err, gone.Disconnected())
		}
	})
}
