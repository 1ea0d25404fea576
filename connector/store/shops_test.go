package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func newShop(t *testing.T, st *store.Store) store.Shop {
	t.Helper()
	ctx := context.Background()
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{
		Name: "Tienda", Platform: store.PlatformWooCommerce, BaseURL: "https://shop.example",
		Credentials: `{"consumer_secret":"cs_SUPERSECRET"}`, IWSAccountID: acct.ID, Currency: "usd", Locale: "es",
		StockPolicy: policy.Stock{Buffer: 2, MinStock: 3, BelowMin: policy.BelowMinHide, Locations: []string{"xclq1"}},
		Filters:     policy.Filters{ExcludeBrands: []string{"acme"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

func TestShopsCredentialsEncrypted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		if shop.ID == 0 || shop.Currency != "USD" || shop.StockPolicy.Buffer != 2 || shop.Filters.ExcludeBrands[0] != "acme" {
			t.Fatalf("shop = %+v", shop)
		}
		if shop.Credentials != `{"consumer_secret":"cs_SUPERSECRET"}` {
			t.Fatal("credentials do not round-trip")
		}
		var raw string
		if err := st.DB().QueryRowContext(ctx, "SELECT credentials_enc FROM shops WHERE id = ?", shop.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(raw, "SUPERSECRET") || !strings.HasPrefix(raw, "v1:") {
			t.Fatalf("raw column %q", raw)
		}
		for _, s := range []string{shop.String(), fmt.Sprintf("%v %+v %#v", shop, shop, shop)} {
			if strings.Contains(s, "SUPERSECRET") {
				t.Errorf("formatted shop leaks credentials: %s", s)
			}
		}
		shop.Name, shop.Locale = "Tienda 2", "en"
		got, err := st.SaveShop(ctx, shop)
		if err != nil || got.Name != "Tienda 2" || got.Locale != "en" {
			t.Fatalf("update: %+v %v", got, err)
		}
		if list, err := st.ListShops(ctx); err != nil || len(list) != 1 {
			t.Fatalf("list: %v %v", list, err)
		}
		shop.ID = 999
		if _, err := st.SaveShop(ctx, shop); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("update missing: %v", err)
		}
		if _, err := st.Shop(ctx, 999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing: %v", err)
		}
	})
}

func TestShopValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		shop := newShop(t, st)
		for name, mut := range map[string]func(*store.Shop){
			"platform":  func(s *store.Shop) { s.Platform = "magento" },
			"locale":    func(s *store.Shop) { s.Locale = "pt" },
			"buffer":    func(s *store.Shop) { s.StockPolicy.Buffer = -1 },
			"below_min": func(s *store.Shop) { s.StockPolicy.BelowMin = "delete" },
			"types":     func(s *store.Shop) { s.StockPolicy.Types = []string{"Service"} },
			"fx_rate":   func(s *store.Shop) { s.FXRate = "abc" },
			"base_url":  func(s *store.Shop) { s.BaseURL = "ftp://x" },
		} {
			s := shop
			mut(&s)
			if _, err := st.SaveShop(context.Background(), s); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
	})
}

func TestSaveListings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		ls := []store.Listing{
			{ShopID: shop.ID, SKU: "A", State: store.ListingPending, PendingChange: "create", Desired: `{"sku":"A"}`, DesiredPriceHash: "p"},
			{ShopID: shop.ID, SKU: "a", State: store.ListingPending, PendingChange: "create"},
		}
		if err := st.SaveListings(ctx, ls); err != nil {
			t.Fatal(err)
		}
		got, err := st.Listing(ctx, shop.ID, "A")
		if err != nil || got.Desired != `{"sku":"A"}` || got.PendingChange != "create" || got.PushedAt.IsZero() == false {
			t.Fatalf("listing %+v %v", got, err)
		}
		got.State, got.PendingChange, got.Desired, got.ProductID = store.ListingPublished, "", "", "p-1"
		got.Price = decimal.NewNullDecimal(decimal.RequireFromString("19.90"))
		got.PushedAt = got.CreatedAt
		if err := st.SaveListings(ctx, []store.Listing{got}); err != nil {
			t.Fatal(err)
		}
		again, _ := st.Listing(ctx, shop.ID, "A")
		if again.ID != got.ID || again.ProductID != "p-1" || again.Desired != "" || !again.Price.Decimal.Equal(decimal.RequireFromString("19.9")) || again.PushedAt.IsZero() {
			t.Fatalf("after update %+v", again)
		}
		m, err := st.ListingsBySKU(ctx, shop.ID, []string{"A", "a", "B"})
		if err != nil || len(m) != 2 {
			t.Fatalf("by SKU: %v %v", m, err)
		}
		page, err := st.ListingsPage(ctx, shop.ID, 0, 10, "create")
		if err != nil || len(page) != 1 || page[0].SKU != "a" {
			t.Fatalf("pending page: %+v %v", page, err)
		}
		counts, err := st.ListingCounts(ctx, shop.ID)
		if err != nil || counts[store.ListingPublished] != 1 || counts["pending:create"] != 1 {
			t.Fatalf("counts %v %v", counts, err)
		}
		if err := st.SaveListings(ctx, []store.Listing{{ShopID: shop.ID, SKU: "X", State: "bogus"}}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("bad state: %v", err)
		}
	})
}
