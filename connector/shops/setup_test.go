package shops_test

import (
	"context"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/pricing"
)

// A shop connected by an install starts in the default currency; setting it up adopts the
// store's own currency while it has published nothing, and leaves a shop with listings alone.
func TestSetupAdoptsStoreCurrency(t *testing.T) {
	const key, secretValue = "ck_0a1b2c3d4e5f60718293a4b5c6d7e8f9", "cs_f9e8d7c6b5a4938271605f4e3d2c1b0a"
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
			BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "s"})
		if err != nil {
			t.Fatal(err)
		}
		setup := shops.Setup{Store: st, Storefronts: &shops.Storefronts{Recorder: st}, PublicURL: "https://connector.example",
			Paths: shops.WebhookPaths{WooCommerce: func(id int64) string { return "/webhooks/woocommerce/1" }, Shopify: "/webhooks/shopify"}}
		newShop := func(name string) store.Shop {
			_, baseURL := wootest.Start(t, wootest.Config{ConsumerKey: key, ConsumerSecret: secretValue, Currency: "CLP"})
			creds, _ := shops.MarshalCredentials(shops.WooCommerceCredentials{ConsumerKey: key, ConsumerSecret: secretValue})
			shop, err := st.SaveShop(ctx, store.Shop{Name: name, Platform: store.PlatformWooCommerce, BaseURL: baseURL,
				Credentials: creds, IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
			if err != nil {
				t.Fatal(err)
			}
			return shop
		}

		fresh := newShop("fresh")
		if err := setup.Connected(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Shop(ctx, fresh.ID); got.Currency != "CLP" {
			t.Errorf("new shop currency %s, want the store's CLP", got.Currency)
		}
		// It can price at once: the default rule, in its new currency.
		if rules, err := margin.Rules(ctx, st, fresh.ID); err != nil || rules.Currency != "CLP" ||
			rules.Default != (pricing.Action{MarginPercent: shops.DefaultMarginPercent}) {
			t.Errorf("new shop rules %+v, %v", rules, err)
		}
		// Set up again with rules of its own: they stay.
		own, _ := pricing.ParseRules(strings.NewReader(`{"currency":"CLP","tax_rate":"19","default":{"markup_percent":"35"}}`))
		if err := margin.Replace(ctx, st, fresh.ID, own); err != nil {
			t.Fatal(err)
		}
		if fresh, err = st.Shop(ctx, fresh.ID); err != nil {
			t.Fatal(err)
		}
		if err := setup.Connected(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		if rules, _ := margin.Rules(ctx, st, fresh.ID); rules.Default.MarkupPercent != "35" || rules.TaxRate != "19" {
			t.Errorf("a shop's own rules changed: %+v", rules)
		}

		published := newShop("published")
		if err := st.SaveListings(ctx, []store.Listing{{ShopID: published.ID, SKU: "SE001MSE01", State: "published", Currency: "USD"}}); err != nil {
			t.Fatal(err)
		}
		if err := setup.Connected(ctx, published); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Shop(ctx, published.ID); got.Currency != "USD" {
			t.Errorf("a shop with listings changed currency to %s", got.Currency)
		}
	})
}
