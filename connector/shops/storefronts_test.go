package shops_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

func TestStorefrontsCredentials(t *testing.T) {
	const secret = "cs_do_not_print_me_0123456789"
	rec := &audittest.Recorder{}
	tests := []struct {
		name, platform, baseURL, creds string
		want                           error
		mention                        string
	}{
		{"woo empty", store.PlatformWooCommerce, "https://shop.example", `{}`, shops.ErrInvalidCredentials, "consumer_key, consumer_secret"},
		{"woo no secret", store.PlatformWooCommerce, "https://shop.example", `{"consumer_key":"ck_1"}`, shops.ErrInvalidCredentials, "missing consumer_secret"},
		{"woo truncated", store.PlatformWooCommerce, "https://shop.example", `{"consumer_key":"ck_1","consumer_secret":"` + secret, shops.ErrInvalidCredentials, "malformed JSON"},
		{"woo not an object", store.PlatformWooCommerce, "https://shop.example", secret, shops.ErrInvalidCredentials, "not a JSON object"},
		{"woo wrong type", store.PlatformWooCommerce, "https://shop.example", `{"consumer_key":1,"consumer_secret":"` + secret + `"}`, shops.ErrInvalidCredentials, `"consumer_key"`},
		{"woo ok", store.PlatformWooCommerce, "https://shop.example", `{"consumer_key":"ck_1","consumer_secret":"` + secret + `"}`, nil, ""},
		{"shopify no token", store.PlatformShopify, "https://demo.myshopify.com", `{"location_id":"gid://shopify/Location/1"}`, shops.ErrInvalidCredentials, "missing access_token"},
		{"shopify ok", store.PlatformShopify, "https://demo.myshopify.com", `{"access_token":"` + secret + `"}`, nil, ""},
		{"shopify elsewhere without shop", store.PlatformShopify, "https://127.0.0.1:8443", `{"access_token":"` + secret + `"}`, shops.ErrInvalidCredentials, "missing shop"},
		{"shopify elsewhere", store.PlatformShopify, "https://127.0.0.1:8443", `{"access_token":"` + secret + `","shop":"demo.myshopify.com"}`, nil, ""},
		{"unknown platform", "magento", "https://shop.example", `{}`, shops.ErrUnsupportedPlatform, `"magento"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sfs := &shops.Storefronts{Recorder: rec}
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
	sfs := &shops.Storefronts{Recorder: &audittest.Recorder{}}
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

	if _, err := (&shops.Storefronts{}).For(shop); !errors.Is(err, shops.ErrInvalid) || !strings.Contains(err.Error(), "recorder") {
		t.Errorf("without a recorder: %v", err)
	}
}

func mustFor(t *testing.T, sfs *shops.Storefronts, shop store.Shop) any {
	t.Helper()
	sf, err := sfs.For(shop)
	if err != nil {
		t.Fatal(err)
	}
	return sf
}

func TestStorefrontsShopifyDomain(t *testing.T) {
	sfs := &shops.Storefronts{Recorder: &audittest.Recorder{}}
	tests := []struct {
		name, platform, baseURL, creds, want string
		err                                  error
	}{
		{"own address", store.PlatformShopify, "https://Demo.myshopify.com/", `{"access_token":"t"}`, "demo.myshopify.com", nil},
		{"fake", store.PlatformShopify, "http://127.0.0.1:8443", `{"access_token":"t","shop":"Fake.myshopify.com"}`, "fake.myshopify.com", nil},
		{"fake without shop", store.PlatformShopify, "http://127.0.0.1:8443", `{}`, "", shops.ErrInvalidCredentials},
		{"malformed credentials", store.PlatformShopify, "https://demo.myshopify.com", `nope`, "", shops.ErrInvalidCredentials},
		{"woocommerce", store.PlatformWooCommerce, "https://shop.example", `{}`, "", shops.ErrUnsupportedPlatform},
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
	sfs := &shops.Storefronts{Recorder: &audittest.Recorder{}}
	// The memory storefront takes webhooks too (the contract suite's reference).
	if wh, err := sfs.Webhooks(store.Shop{ID: 1, Platform: store.PlatformMemory}); err != nil || wh != platforms.Webhooks(sfs.MemoryShop(1)) {
		t.Errorf("memory shop: %v, %v; want its memory storefront", wh, err)
	}
	// A shop without usable credentials (an uninstalled one) has no adapter at all.
	if _, err := sfs.Webhooks(store.Shop{ID: 2, Platform: store.PlatformWooCommerce, BaseURL: "https://shop.example",
		Credentials: store.DisconnectedCredentials}); !errors.Is(err, shops.ErrInvalidCredentials) {
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
		} else if !errors.Is(err, shops.ErrUnsupportedPlatform) {
			t.Errorf("shop %d: adapter without webhooks: %v, want ErrUnsupportedPlatform", shop.ID, err)
		}
	}
}
