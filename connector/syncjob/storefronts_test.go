package syncjob_test

import (
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/pricing"
)

const (
	wooKey       = "ck_5d1e0c9a7b3f4e2a8c6d0b1f9e7a3c5d2b4f6e8a"
	wooSecret    = "cs_8f2a4c6e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a"
	shopifyToken = "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"
)

// addShop saves a shop of the fixture's account with the fixture's pricing rules.
func (f *fixture) addShop(platform, baseURL string, creds any) store.Shop {
	f.t.Helper()
	doc, err := shops.MarshalCredentials(creds)
	if err != nil {
		f.t.Fatal(err)
	}
	shop, err := f.st.SaveShop(f.ctx, store.Shop{Name: platform, Platform: platform, BaseURL: baseURL, Credentials: doc,
		IWSAccountID: f.acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		f.t.Fatal(err)
	}
	rules, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"20"}}`))
	if err != nil {
		f.t.Fatal(err)
	}
	if err := margin.Replace(f.ctx, f.st, shop.ID, rules); err != nil {
		f.t.Fatal(err)
	}
	return shop
}

// pushShop runs a full sync of one shop and fails on any error.
func (f *fixture) pushShop(shopID int64) syncjob.Summary {
	f.t.Helper()
	sum, err := f.runner.Run(f.ctx, syncjob.Request{AccountID: f.acct.ID, Kind: catalog.KindAll, ShopID: shopID})
	if err != nil {
		f.t.Fatalf("sync of shop %d: %v", shopID, err)
	}
	if len(sum.Shops) != 1 || sum.Shops[0].ShopID != shopID {
		f.t.Fatalf("shops of the summary = %+v", sum.Shops)
	}
	return sum
}

// published counts the shop's listings that have a storefront product.
func (f *fixture) published(shopID int64) int {
	f.t.Helper()
	page, err := f.st.ListingsPage(f.ctx, shopID, 0, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, l := range page {
		if l.ProductID != "" {
			n++
		}
		if l.PendingChange != "" {
			f.t.Errorf("listing %s still pending %q (%s)", l.SKU, l.PendingChange, l.LastError)
		}
	}
	return n
}

// assertAudited checks that the shop's calls were recorded under system, without secret.
func (f *fixture) assertAudited(system string, shopID int64, secret string) {
	f.t.Helper()
	calls, err := f.st.ListAPICalls(f.ctx, store.APICallFilter{System: system, Limit: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(calls) == 0 {
		f.t.Fatalf("no api_calls of system %s", system)
	}
	for _, c := range calls {
		if c.ShopID != shopID {
			f.t.Errorf("api call %d (%s %s) has shop %d, want %d", c.ID, c.HTTPMethod, c.URL, c.ShopID, shopID)
		}
	}
	audittest.AssertNoSecrets(f.t, calls, secret)
}

func TestStorefrontsWooCommerce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 60, sandbox.Config{})
		fake, baseURL, client := wootest.StartTLS(t, wootest.Config{ConsumerKey: wooKey, ConsumerSecret: wooSecret,
			Currency: "USD", ImageCheck: wootest.AllowImages})
		f.useStorefronts(&shops.Storefronts{WooCommerce: woocommerce.Config{HTTPClient: client}, Recorder: st})
		shop := f.addShop(store.PlatformWooCommerce, baseURL, shops.WooCommerceCredentials{ConsumerKey: wooKey, ConsumerSecret: wooSecret})

		first := f.pushShop(shop.ID)
		created := first.Shops[0].Changes.Changes[listing.KindCreate]
		if created == 0 || len(fake.Products()) != created || f.published(shop.ID) != created {
			t.Fatalf("first sync: %d creates, fake holds %d products, %d listings published",
				created, len(fake.Products()), f.published(shop.ID))
		}

		fake.ResetCounters()
		second := f.pushShop(shop.ID)
		if second.Listings.Changed != 0 {
			t.Errorf("second sync changed %d listings", second.Listings.Changed)
		}
		for req, n := range fake.Counters() {
			if !strings.HasPrefix(req, "GET ") {
				t.Errorf("second sync wrote: %s ×%d", req, n)
			}
		}
		if len(fake.Products()) != created {
			t.Errorf("fake holds %d products after the second sync, want %d", len(fake.Products()), created)
		}
		f.assertAudited(audit.SystemWooCommerce, shop.ID, wooSecret)
	})
}

func TestStorefrontsShopify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 60, sandbox.Config{})
		fake := shopifytest.New(shopifytest.Config{AccessToken: shopifyToken, Currency: "USD"})
		t.Cleanup(fake.Close)
		f.useStorefronts(&shops.Storefronts{Shopify: shopify.Config{HTTPClient: fake.Client()}, Recorder: st})
		shop := f.addShop(store.PlatformShopify, fake.URL(),
			shops.ShopifyCredentials{AccessToken: shopifyToken, Shop: fake.Config().Shop})

		first := f.pushShop(shop.ID)
		created := first.Shops[0].Changes.Changes[listing.KindCreate]
		if created == 0 || len(fake.Products()) != created || f.published(shop.ID) != created {
			t.Fatalf("first sync: %d creates, fake holds %d products, %d listings published",
				created, len(fake.Products()), f.published(shop.ID))
		}

		before := fake.Calls().ByOperation
		second := f.pushShop(shop.ID)
		if second.Listings.Changed != 0 {
			t.Errorf("second sync changed %d listings", second.Listings.Changed)
		}
		for op, n := range fake.Calls().ByOperation {
			if n != before[op] && isShopifyWrite(op) {
				t.Errorf("second sync sent %s %d times", op, n-before[op])
			}
		}
		if len(fake.Products()) != created {
			t.Errorf("fake holds %d products after the second sync, want %d", len(fake.Products()), created)
		}
		f.assertAudited(audit.SystemShopify, shop.ID, shopifyToken)
	})
}

// isShopifyWrite reports whether an operation name is one of the adapter's mutations.
func isShopifyWrite(op string) bool {
	switch op {
	case shopify.OpShop, shopify.OpLocations, shopify.OpVariantsBySKU, shopify.OpProductByIdentifier,
		shopify.OpBulkOperation, shopify.OpOrder, shopify.OpOrders, shopify.OpFulfillmentOrders, shopify.OpWebhookSubscriptions:
		return false
	}
	return true
}
