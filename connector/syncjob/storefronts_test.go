package syncjob_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/platforms"
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
	doc, err := syncjob.MarshalCredentials(creds)
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
	if err := f.st.ReplaceShopRules(f.ctx, shop.ID, rules); err != nil {
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
		f.useStorefronts(&syncjob.Storefronts{WooCommerce: woocommerce.Config{HTTPClient: client}, Recorder: st})
		shop := f.addShop(store.PlatformWooCommerce, baseURL, syncjob.WooCommerceCredentials{ConsumerKey: wooKey, ConsumerSecret: wooSecret})

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
		f.useStorefronts(&syncjob.Storefronts{Shopify: shopify.Config{HTTPClient: fake.Client()}, Recorder: st})
		shop := f.addShop(store.PlatformShopify, fake.URL(),
			syncjob.ShopifyCredentials{AccessToken: shopifyToken, Shop: fake.Config().Shop})

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

func TestStorefrontsCredentials(t *testing.T) {
	const secret = "cs_do_not_print_me_0123456789"
	rec := &audittest.Recorder{}
	tests := []struct {
		name, platform, baseURL, creds string
		want                           error
		mention                        string
	}{
		{"woo empty", store.PlatformWooCommerce, "https://shop.example", `{}`, syncjob.ErrInvalidCredentials, "consumer_key, consumer_secret"},
		{"woo no secret", store.PlatformWooCommerce, "https://shop.example", `{"consumer_key":"ck_1"}`, syncjob.ErrInvalidCredentials, "missing consumer_secret"},
		{"woo truncated", store.PlatformWooCommerce, "https://shop.example", `{"consumer_key":"ck_1","consumer_secret":"` + secret, syncjob.ErrInvalidCredentials, "malformed JSON"},
		{"woo not an object", store.PlatformWooCommerce, "https://shop.example", secret, syncjob.ErrInvalidCredentials, "not a JSON object"},
		{"woo wrong type", store.PlatformWooCommerce, "https://shop.example", `{"consumer_key":1,"consumer_secret":"` + secret + `"}`, syncjob.ErrInvalidCredentials, `"consumer_key"`},
		{"woo ok", store.PlatformWooCommerce, "https://shop.example", `{"consumer_key":"ck_1","consumer_secret":"` + secret + `"}`, nil, ""},
		{"shopify no token", store.PlatformShopify, "https://demo.myshopify.com", `{"location_id":"gid://shopify/Location/1"}`, syncjob.ErrInvalidCredentials, "missing access_token"},
		{"shopify ok", store.PlatformShopify, "https://demo.myshopify.com", `{"access_token":"` + secret + `"}`, nil, ""},
		{"shopify elsewhere without shop", store.PlatformShopify, "https://127.0.0.1:8443", `{"access_token":"` + secret + `"}`, syncjob.ErrInvalidCredentials, "missing shop"},
		{"shopify elsewhere", store.PlatformShopify, "https://127.0.0.1:8443", `{"access_token":"` + secret + `","shop":"demo.myshopify.com"}`, nil, ""},
		{"unknown platform", "magento", "https://shop.example", `{}`, syncjob.ErrUnsupportedPlatform, `"magento"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sfs := &syncjob.Storefronts{Recorder: rec}
			sf, err := sfs.For(store.Shop{ID: 7, Platform: tt.platform, BaseURL: tt.baseURL, Credentials: tt.creds})
			if tt.want == nil {
				if err != nil || sf == nil {
					t.Fatalf("For = %v, %v", sf, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("For error = %v, want %v", err, tt.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, "shop 7") || !strings.Contains(msg, tt.mention) {
				t.Errorf("error %q does not name the shop and %s", msg, tt.mention)
			}
			if strings.Contains(msg, secret) || strings.Contains(msg, "cs_do") {
				t.Errorf("error %q shows the secret", msg)
			}
		})
	}
}

func TestStorefrontsCachePerShop(t *testing.T) {
	sfs := &syncjob.Storefronts{Recorder: &audittest.Recorder{}}
	shop := store.Shop{ID: 3, Platform: store.PlatformWooCommerce, BaseURL: "https://shop.example",
		Credentials: `{"consumer_key":"ck_1","consumer_secret":"cs_1"}`}
	first := mustFor(t, sfs, shop)
	if again := mustFor(t, sfs, shop); again != first {
		t.Error("same shop: a new storefront")
	}
	other := shop
	other.ID = 4
	if mustFor(t, sfs, other) == first {
		t.Error("another shop: the same storefront")
	}
	shop.Credentials = `{"consumer_key":"ck_1","consumer_secret":"cs_2"}`
	rotated := mustFor(t, sfs, shop)
	if rotated == first {
		t.Error("new credentials: the old storefront")
	}
	shop.BaseURL = "https://shop.example/store"
	moved := mustFor(t, sfs, shop)
	if moved == rotated {
		t.Error("new base URL: the old storefront")
	}
	sfs.Forget(shop.ID)
	if mustFor(t, sfs, shop) == moved {
		t.Error("after Forget: the old storefront")
	}

	if _, err := (&syncjob.Storefronts{}).For(shop); !errors.Is(err, syncjob.ErrInvalid) || !strings.Contains(err.Error(), "recorder") {
		t.Errorf("without a recorder: %v", err)
	}
}

func mustFor(t *testing.T, sfs *syncjob.Storefronts, shop store.Shop) any {
	t.Helper()
	sf, err := sfs.For(shop)
	if err != nil {
		t.Fatal(err)
	}
	return sf
}

func TestStorefrontsShopifyDomain(t *testing.T) {
	sfs := &syncjob.Storefronts{Recorder: &audittest.Recorder{}}
	tests := []struct {
		name, platform, baseURL, creds, want string
		err                                  error
	}{
		{"own address", store.PlatformShopify, "https://Demo.myshopify.com/", `{"access_token":"t"}`, "demo.myshopify.com", nil},
		{"fake", store.PlatformShopify, "http://127.0.0.1:8443", `{"access_token":"t","shop":"Fake.myshopify.com"}`, "fake.myshopify.com", nil},
		{"fake without shop", store.PlatformShopify, "http://127.0.0.1:8443", `{}`, "", syncjob.ErrInvalidCredentials},
		{"malformed credentials", store.PlatformShopify, "https://demo.myshopify.com", `nope`, "", syncjob.ErrInvalidCredentials},
		{"woocommerce", store.PlatformWooCommerce, "https://shop.example", `{}`, "", syncjob.ErrUnsupportedPlatform},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sfs.ShopifyDomain(store.Shop{ID: 5, Platform: tt.platform, BaseURL: tt.baseURL, Credentials: tt.creds})
			if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Errorf("ShopifyDomain = %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestStorefrontsWebhooks(t *testing.T) {
	sfs := &syncjob.Storefronts{Recorder: &audittest.Recorder{}}
	// The memory storefront takes webhooks too (the contract suite's reference).
	if wh, err := sfs.Webhooks(store.Shop{ID: 1, Platform: store.PlatformMemory}); err != nil || wh != platforms.Webhooks(sfs.MemoryShop(1)) {
		t.Errorf("memory shop: %v, %v; want its memory storefront", wh, err)
	}
	// A shop without usable credentials (an uninstalled one) has no adapter at all.
	if _, err := sfs.Webhooks(store.Shop{ID: 2, Platform: store.PlatformWooCommerce, BaseURL: "https://shop.example",
		Credentials: store.DisconnectedCredentials}); !errors.Is(err, syncjob.ErrInvalidCredentials) {
		t.Errorf("disconnected shop: %v, want ErrInvalidCredentials", err)
	}
	// Webhook secrets are optional fields of the credentials: documents with them still build
	// the adapter, and the answer is the same cached adapter For returns.
	for _, shop := range []store.Shop{
		{ID: 3, Platform: store.PlatformWooCommerce, BaseURL: "https://shop.example",
			Credentials: `{"consumer_key":"ck_1","consumer_secret":"cs_1","webhook_secret":"whsec_1"}`},
		{ID: 4, Platform: store.PlatformShopify, BaseURL: "https://demo.myshopify.com",
			Credentials: `{"access_token":"t","client_secret":"shpss_1"}`},
	} {
		sf := mustFor(t, sfs, shop)
		wh, err := sfs.Webhooks(shop)
		if _, ok := sf.(platforms.Webhooks); ok {
			if err != nil || wh != sf {
				t.Errorf("shop %d: Webhooks = %v, %v; want the cached adapter", shop.ID, wh, err)
			}
		} else if !errors.Is(err, syncjob.ErrUnsupportedPlatform) {
			t.Errorf("shop %d: adapter without webhooks: %v, want ErrUnsupportedPlatform", shop.ID, err)
		}
	}
}
