package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// A name taken by another shop is ErrConflict on create and on rename, on both databases, and
// its message holds no SQL.
func TestSaveShopNameConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		first := newShop(t, st)
		second := first
		second.ID, second.BaseURL = 0, "https://other.example"
		for _, name := range []string{first.Name, strings.ToUpper(first.Name)} {
			second.Name = name
			_, err := st.SaveShop(ctx, second)
			if !errors.Is(err, store.ErrConflict) {
				t.Fatalf("create %q: %v, want ErrConflict", name, err)
			}
			for _, sql := range []string{"UNIQUE", "Duplicate", "shops_name_uq", "INSERT"} {
				if strings.Contains(err.Error(), sql) {
					t.Errorf("error %q shows the database's words", err)
				}
			}
		}
		second.Name = "Otra"
		saved, err := st.SaveShop(ctx, second)
		if err != nil {
			t.Fatal(err)
		}
		saved.Name = first.Name
		if _, err := st.SaveShop(ctx, saved); !errors.Is(err, store.ErrConflict) {
			t.Errorf("rename onto a taken name: %v, want ErrConflict", err)
		}
	})
}

func TestMirrorCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
			BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
		if err != nil {
			t.Fatal(err)
		}
		if codes, err := st.MirrorCodes(ctx, acct.ID); err != nil || codes.Products != 0 || codes.Warehouses != nil {
			t.Fatalf("empty mirror: %+v %v", codes, err)
		}
		a, b, c := sampleProduct(acct.ID, "A"), sampleProduct(acct.ID, "B"), sampleProduct(acct.ID, "C")
		b.StockByLocation = map[string]int{"xclq3": 1}
		b.CategoryID, b.BrandID, b.Brand, b.Currency = "acc.kbd", "lgt", "Logitech", "CLP"
		c.StockByLocation = nil
		c.Active, c.CategoryID = false, "old.cat" // inactive: its codes are not offered
		if err := st.SaveProducts(ctx, []*mirror.Product{a, b, c}); err != nil {
			t.Fatal(err)
		}
		codes, err := st.MirrorCodes(ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := store.MirrorCodes{
			Products:       3,
			Warehouses:     []string{"xclq1", "xclq2", "xclq3"},
			CostCurrencies: []string{"CLP", "USD"},
			Categories:     []string{"acc.kbd", "cpt.nb"},
			Brands:         []store.BrandCode{{ID: "hpe", Name: "HP"}, {ID: "lgt", Name: "Logitech"}},
		}
		if !reflect.DeepEqual(codes, want) {
			t.Errorf("codes\n got %+v\nwant %+v", codes, want)
		}
	})
}
