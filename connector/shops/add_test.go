package shops_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/pricing"
)

const addKey, addSecret = "ck_add_0a1b2c3d4e5f", "cs_add_f9e8d7c6b5a4"

func newAccount(t *testing.T, st *store.Store) store.IWSAccount {
	t.Helper()
	acct, err := st.SaveIWSAccount(context.Background(), store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return acct
}

// mirrorProducts saves IWS products costed in currency with stock in the warehouses xclq1 and xclq2.
func mirrorProducts(t *testing.T, st *store.Store, acct store.IWSAccount, currency string) {
	t.Helper()
	var ps []*mirror.Product
	for _, sku := range []string{"A1", "B2"} {
		ps = append(ps, &mirror.Product{AccountID: acct.ID, SKU: sku, BrandID: "hpe", Brand: "HP", CategoryID: "cpt.nb",
			Type: "Physical", Cost: decimal.RequireFromString("100"), Currency: currency, Sellable: true, Active: true,
			StockTotal: 3, StockByLocation: map[string]int{"xclq1": 1, "xclq2": 2}, RealStock: true})
	}
	if err := st.SaveProducts(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
}

func TestAddWooCommerce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := newAccount(t, st)
		mirrorProducts(t, st, acct, "USD")
		setup := shops.Setup{Store: st, Storefronts: &shops.Storefronts{Recorder: st}}
		_, base := wootest.Start(t, wootest.Config{ConsumerKey: addKey, ConsumerSecret: addSecret, Currency: "CLP", NoDecimals: true, SiteName: "Tienda"})

		added, err := setup.Add(ctx, acct, shops.NewShop{Platform: store.PlatformWooCommerce, URL: base + "/",
			ConsumerKey: addKey, ConsumerSecret: addSecret})
		if err != nil {
			t.Fatal(err)
		}
		if added.Store == nil || *added.Store != (platforms.StoreInfo{Name: "Tienda", Currency: "CLP", PriceDecimals: 0}) {
			t.Errorf("store %+v", added.Store)
		}
		s := added.Shop
		if s.ID == 0 || s.BaseURL != base || s.Currency != "CLP" || s.Locale != "es" || s.Name != strings.TrimPrefix(base, "http://") {
			t.Errorf("shop %+v", s)
		}
		// IWS costs are in USD: the shop cannot price until it has a rate, and says how to set it.
		if len(added.Notes) != 1 || !strings.Contains(added.Notes[0], "IWS costs are in USD and the shop sells in CLP") ||
			!strings.Contains(added.Notes[0], "shop settings 1 --fx-rate") {
			t.Errorf("notes %q", added.Notes)
		}
		rules, err := margin.Rules(ctx, st, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rules.Currency != "CLP" || rules.Default != (pricing.Action{MarginPercent: "20"}) || rules.Rounding != (pricing.Rounding{}) {
			t.Errorf("rules %+v", rules)
		}

		// The same store again, however written, and a taken name.
		_, err = setup.Add(ctx, acct, shops.NewShop{Platform: store.PlatformWooCommerce, URL: strings.ToUpper(base),
			ConsumerKey: addKey, ConsumerSecret: addSecret, Name: "Other"})
		var dup *shops.AlreadyConnectedError
		if !errors.As(err, &dup) || dup.Shop.ID != s.ID || !errors.Is(err, store.ErrConflict) {
			t.Errorf("same store: %v", err)
		}
		_, other := wootest.Start(t, wootest.Config{ConsumerKey: addKey, ConsumerSecret: addSecret, Currency: "CLP"})
		_, err = setup.Add(ctx, acct, shops.NewShop{Platform: store.PlatformWooCommerce, URL: other,
			ConsumerKey: addKey, ConsumerSecret: addSecret, Name: strings.ToUpper(s.Name), FXRate: "950"})
		var ps *shops.ProblemsError
		if !errors.As(err, &ps) || ps.Problems[0].Field != "name" || !strings.Contains(ps.Problems[0].Message, "is the name of shop 1") {
			t.Errorf("taken name: %v", err)
		}

		// An exchange rate for costs already in the shop's currency would price nothing.
		_, err = setup.Add(ctx, acct, shops.NewShop{Platform: store.PlatformWooCommerce, URL: other,
			ConsumerKey: addKey, ConsumerSecret: addSecret, Currency: "clp", FXRate: "950", Name: "Dos"})
		if err != nil {
			t.Fatalf("CLP shop with a rate: %v", err)
		}
		usd, usdURL := wootest.Start(t, wootest.Config{ConsumerKey: addKey, ConsumerSecret: addSecret, Currency: "USD"})
		_ = usd
		_, err = setup.Add(ctx, acct, shops.NewShop{Platform: store.PlatformWooCommerce, URL: usdURL,
			ConsumerKey: addKey, ConsumerSecret: addSecret, FXRate: "1.5", Name: "Tres"})
		if !errors.As(err, &ps) || ps.Problems[0].Field != "fx-rate" || !strings.Contains(ps.Problems[0].Message, "already in USD") {
			t.Errorf("a rate for costs in the shop's currency: %v", err)
		}
		if list, _ := st.ListShops(ctx); len(list) != 2 {
			t.Errorf("%d shops saved, want 2", len(list))
		}
	})
}

func TestAddRefusedByTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := newAccount(t, st)
		setup := shops.Setup{Store: st, Storefronts: &shops.Storefronts{Recorder: st}}
		fake, base := wootest.Start(t, wootest.Config{ConsumerKey: addKey, ConsumerSecret: addSecret})
		fake.AddKey("ck_ro_0001", "cs_ro_0001", "read")
		_, err := setup.Add(ctx, acct, shops.NewShop{Platform: store.PlatformWooCommerce, URL: base, ConsumerKey: "ck_ro_0001", ConsumerSecret: "cs_ro_0001"})
		var refused *shops.CheckFailedError
		if !errors.As(err, &refused) || refused.Check.Problem != platforms.CheckReadOnly ||
			!strings.Contains(err.Error(), "does not have write permissions") || !strings.Contains(err.Error(), "Read/Write permission") {
			t.Errorf("read-only key: %v", err)
		}
		// Not checked: saved as asked, in the default currency, with a note.
		added, err := setup.Add(ctx, acct, shops.NewShop{Platform: store.PlatformWooCommerce, URL: base,
			ConsumerKey: "ck_ro_0001", ConsumerSecret: "cs_ro_0001", NoCheck: true, MarkupPercent: "30"})
		if err != nil {
			t.Fatal(err)
		}
		if added.Store != nil || added.Shop.Currency != shops.DefaultCurrency || added.Rules.Default != (pricing.Action{MarkupPercent: "30"}) ||
			len(added.Notes) != 1 || !strings.Contains(added.Notes[0], "not asked") {
			t.Errorf("unchecked shop %+v", added)
		}
		if n := fake.Count("POST", "/wp-json/wc/v3/products/batch"); n != 1 {
			t.Errorf("%d write probes, want 1 (the refused check)", n)
		}
	})
}

// Shopify: the shop query and the token's scopes; the store's currency, decimals of the currency.
func TestAddShopify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := newAccount(t, st)
		const token = "shpat_add_0123456789"
		fake := shopifytest.New(shopifytest.Config{AccessToken: token, Currency: "COP", Shop: "acme.myshopify.com"})
		t.Cleanup(fake.Close)
		ro := shopifytest.New(shopifytest.Config{AccessToken: token, Scopes: "read_products,read_inventory", Shop: "ro.myshopify.com"})
		t.Cleanup(ro.Close)
		setupFor := func(f *shopifytest.Server) shops.Setup {
			return shops.Setup{Store: st, Storefronts: &shops.Storefronts{Recorder: st,
				Shopify: shopify.Config{BaseURL: f.URL(), HTTPClient: f.Client()}}}
		}
		added, err := setupFor(fake).Add(ctx, acct, shops.NewShop{Platform: store.PlatformShopify, URL: "Acme.myshopify.com", AccessToken: token})
		if err != nil {
			t.Fatal(err)
		}
		if added.Shop.Currency != "COP" || added.Shop.Name != "acme" || added.Shop.BaseURL != "https://acme.myshopify.com" ||
			added.Store.PriceDecimals != platforms.CurrencyDecimals || added.Rules.Rounding != (pricing.Rounding{}) {
			t.Errorf("added %+v, store %+v, rules %+v", added.Shop, added.Store, added.Rules)
		}
		_, err = setupFor(ro).Add(ctx, acct, shops.NewShop{Platform: store.PlatformShopify, URL: "ro.myshopify.com", AccessToken: token})
		if err == nil || !strings.Contains(err.Error(), "lacks the scopes write_products, write_inventory, read_locations") {
			t.Errorf("read-only token: %v", err)
		}
	})
}

func TestDefaultRules(t *testing.T) {
	for _, tc := range []struct {
		currency string
		decimals int
		step     pricing.Number
	}{
		{"USD", 2, ""}, {"USD", 0, "1"}, {"USD", 1, "0.1"}, {"USD", 3, ""}, {"CLP", 0, ""}, {"CLP", 2, ""},
		{"KWD", 2, "0.01"}, {"USD", platforms.CurrencyDecimals, ""},
	} {
		r := shops.DefaultRules(tc.currency, "", tc.decimals, pricing.Action{})
		if r.Rounding.Step != tc.step || r.Default.MarginPercent != shops.DefaultMarginPercent || r.Validate() != nil {
			t.Errorf("%s with %d decimals: %+v (%v)", tc.currency, tc.decimals, r, r.Validate())
		}
	}
}
