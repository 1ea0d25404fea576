package main

import (
	"context"
	"strconv"
	"testing"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

// TestSyncCommandPushesToWooCommerce drives a WooCommerce shop through `connector sync`: main's
// storefronts build the adapter from the stored credentials and record its calls, per shop and
// without the secret, in the database the command opened.
func TestSyncCommandPushesToWooCommerce(t *testing.T) {
	const key, secretValue = "ck_0a1b2c3d4e5f60718293a4b5c6d7e8f9", "cs_f9e8d7c6b5a4938271605f4e3d2c1b0a"
	e := newSyncEnv(t, 30)
	fake, baseURL := wootest.Start(t, wootest.Config{ConsumerKey: key, ConsumerSecret: secretValue,
		Currency: "USD", ImageCheck: wootest.AllowImages})

	st := e.open(t)
	ctx := context.Background()
	acct, err := st.IWSAccount(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	creds, err := shops.MarshalCredentials(shops.WooCommerceCredentials{ConsumerKey: key, ConsumerSecret: secretValue})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "Woo", Platform: store.PlatformWooCommerce, BaseURL: baseURL,
		Credentials: creds, IWSAccountID: acct.ID, Currency: "USD", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := margin.Rules(ctx, st, e.shopID)
	if err != nil {
		t.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, rules); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	if _, stderr, err := runCmd(ctx, e.env, "sync", "all", "--shop", strconv.FormatInt(shop.ID, 10)); err != nil {
		t.Fatalf("sync: %v\n%s", err, stderr)
	}
	if len(fake.Products()) == 0 {
		t.Fatal("no product reached the WooCommerce fake")
	}
	var woo []store.APICall
	for _, c := range apiCalls(t, e.dbURL) {
		if c.System == audit.SystemWooCommerce {
			woo = append(woo, c)
			if c.ShopID != shop.ID {
				t.Errorf("api call %d: shop %d, want %d", c.ID, c.ShopID, shop.ID)
			}
		}
	}
	if len(woo) == 0 {
		t.Fatal("no woocommerce api_calls")
	}
	audittest.AssertNoSecrets(t, woo, secretValue)
}
