package shops_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

func TestSettingsTextAndChangeFrom(t *testing.T) {
	t.Parallel()
	shop := store.Shop{Currency: "CLP", FXRate: "950", TaxRate: "19", TaxInclusive: true, Locale: "es",
		StockPolicy: policy.Stock{Locations: []string{"xclq1", "xclq2"}, Buffer: 2, MinStock: 3, BelowMin: policy.BelowMinHide, MaxStock: 50},
		Filters:     policy.Filters{IncludeCategories: []string{"cpt"}, ExcludeBrands: []string{"hpe"}}, OrderTag: "web", MaxCostRise: "5"}
	text := shops.SettingsText(shop)
	if len(text) != len(shops.SettingNames) {
		t.Fatalf("%d settings as text, %d names", len(text), len(shops.SettingNames))
	}
	for name, want := range map[string]string{"currency": "CLP", "tax-inclusive": "true", "warehouses": "xclq1,xclq2", "below-min": "hide",
		"cap": "50", "include-categories": "cpt", "exclude-brands": "hpe", "order-tag": "web", "max-cost-rise": "5", "fulfilled-status": ""} {
		if text[name] != want {
			t.Errorf("%s = %q, want %q", name, text[name], want)
		}
	}
	if got := shops.SettingsText(store.Shop{})["warehouses"]; got != "all" {
		t.Errorf("no warehouses = %q, want all", got)
	}
	if got := shops.SettingsText(store.Shop{})["below-min"]; got != policy.BelowMinOutOfStock {
		t.Errorf("default below-min = %q", got)
	}

	// A form sent back untouched changes nothing.
	if _, changed := shops.ChangeFrom(shop, text); changed {
		t.Error("the same values are a change")
	}
	// Only what differs is set (spaces aside); names that are not settings are ignored.
	form := map[string]string{"currency": " CLP ", "buffer": "4", "order-tag": "", "submit": "x"}
	ch, changed := shops.ChangeFrom(shop, form)
	if !changed || ch.Currency != nil || ch.Buffer == nil || *ch.Buffer != "4" || ch.OrderTag == nil || *ch.OrderTag != "" || ch.FXRate != nil {
		t.Errorf("change %+v", ch)
	}

	var all shops.SettingsChange
	for _, name := range shops.SettingNames {
		if err := all.Set(name, name); err != nil {
			t.Errorf("Set(%q): %v", name, err)
		}
	}
	if all.FulfilledStatus == nil || *all.FulfilledStatus != "fulfilled-status" || all.OrderLocationID == nil || *all.OrderLocationID != "location-id" {
		t.Errorf("Set fills the wrong fields: %+v", all)
	}
	if err := all.Set("password", "x"); !errors.Is(err, shops.ErrInvalid) {
		t.Errorf("unknown setting: %v", err)
	}
}

// refuse sends nothing: the fake store's pings to the connector's public address stay here.
type refuse struct{}

func (refuse) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no outside calls")
}

func TestCheckWebhookHealth(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := newAccount(t, st)
		fake, base := wootest.Start(t, wootest.Config{ConsumerKey: addKey, ConsumerSecret: addSecret, Delivery: wootest.DeliverManual,
			WebhookClient: &http.Client{Transport: refuse{}}})
		setup := shops.Setup{Store: st, Storefronts: &shops.Storefronts{Recorder: st, Memory: &shops.MemoryShops{}}, PublicURL: "https://connector.example",
			Paths: shops.WebhookPaths{WooCommerce: func(int64) string { return "/webhooks/woocommerce/1" }, Shopify: "/webhooks/shopify"}}
		added, err := setup.Add(ctx, acct, shops.NewShop{Platform: store.PlatformWooCommerce, URL: base, ConsumerKey: addKey, ConsumerSecret: addSecret})
		if err != nil {
			t.Fatal(err)
		}
		h, err := setup.CheckWebhookHealth(ctx, added.Shop)
		if err != nil || !h.Applicable || h.Healthy || len(h.Missing) != 2 || len(h.Disabled) != 0 || len(h.States) != 0 {
			t.Fatalf("before: %+v %v", h, err)
		}
		if _, err := setup.Webhooks(ctx, added.Shop, true); err != nil {
			t.Fatal(err)
		}
		shop, _ := st.Shop(ctx, added.Shop.ID) // the repair saved its webhook secret
		if h, err = setup.CheckWebhookHealth(ctx, shop); err != nil || !h.Healthy || len(h.States) != 2 {
			t.Fatalf("after repair: %+v %v", h, err)
		}
		fake.DisableWebhook(fake.Webhooks()[1].ID)
		if h, err = setup.CheckWebhookHealth(ctx, shop); err != nil || h.Healthy || len(h.Disabled) != 1 || h.Disabled[0] != "order.updated" {
			t.Errorf("disabled: %+v %v", h, err)
		}
		mem, err := st.SaveShop(ctx, store.Shop{Name: "mem", Platform: store.PlatformMemory, IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
		if err != nil {
			t.Fatal(err)
		}
		if h, err = setup.CheckWebhookHealth(ctx, mem); err != nil || h.Applicable || !h.Healthy {
			t.Errorf("memory shop: %+v %v", h, err)
		}
		if err := st.DisconnectShop(ctx, shop.ID); err != nil {
			t.Fatal(err)
		}
		gone, _ := st.Shop(ctx, shop.ID)
		if _, err := setup.CheckWebhookHealth(ctx, gone); !errors.Is(err, shops.ErrInvalid) {
			t.Errorf("disconnected shop: %v", err)
		}
	})
}
