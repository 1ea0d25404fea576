package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestMarginRuleChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		if rev, err := st.LatestMarginRuleChange(ctx, shop.ID); err != nil || rev != 0 {
			t.Fatalf("revision of a shop without changes = %d, %v", rev, err)
		}
		to := 2
		var ids []int64
		for i := range 5 {
			err := st.Transaction(ctx, func(tx *store.Tx) error {
				c, err := st.InsertMarginRuleChangeTx(ctx, tx, store.MarginRuleChange{ShopID: shop.ID, Actor: "ana@example.com",
					Action: "create", RuleName: fmt.Sprint("R", i), ToIndex: &to, Before: fmt.Sprint("before ", i), After: fmt.Sprint("after ", i)})
				if err != nil {
					return err
				}
				if c.At.IsZero() || c.ID == 0 {
					return fmt.Errorf("inserted %+v", c)
				}
				ids = append(ids, c.ID)
				if rev, err := st.LatestMarginRuleChangeTx(ctx, tx, shop.ID); err != nil || rev != c.ID {
					return fmt.Errorf("revision in the transaction = %d, %v", rev, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		page, total, err := st.MarginRuleChanges(ctx, shop.ID, 1, 3)
		if err != nil || total != 5 || len(page) != 3 || page[0].ID != ids[3] || page[2].ID != ids[1] {
			t.Fatalf("page = %+v, %d, %v", page, total, err)
		}
		c := page[0]
		if c.Actor != "ana@example.com" || c.RuleName != "R3" || c.FromIndex != nil || c.ToIndex == nil || *c.ToIndex != 2 ||
			c.Before != "before 3" || c.After != "after 3" {
			t.Errorf("change = %+v", c)
		}
		if got, err := st.MarginRuleChange(ctx, shop.ID, ids[0]); err != nil || got.RuleName != "R0" {
			t.Errorf("change by id = %+v, %v", got, err)
		}
		if _, err := st.MarginRuleChange(ctx, shop.ID+1, ids[0]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("change of another shop: %v", err)
		}
		for _, bad := range [][2]int{{-1, 10}, {0, 0}, {0, store.MaxMarginRuleChangesPage + 1}} {
			if _, _, err := st.MarginRuleChanges(ctx, shop.ID, bad[0], bad[1]); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("page %v: %v", bad, err)
			}
		}
		err = st.Transaction(ctx, func(tx *store.Tx) error {
			_, err := st.InsertMarginRuleChangeTx(ctx, tx, store.MarginRuleChange{ShopID: shop.ID, Action: "create"})
			return err
		})
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("change without actor: %v", err)
		}
		// An erasure forgets the trail with the rules.
		if err := st.DisconnectShop(ctx, shop.ID); err != nil {
			t.Fatal(err)
		}
		if _, total, err := st.MarginRuleChanges(ctx, shop.ID, 0, 10); err != nil || total != 0 {
			t.Errorf("trail after disconnect: %d, %v", total, err)
		}
	})
}

// TestShopPricingTx: the pricing read and replaced in a transaction, rolled back, changes nothing.
func TestShopPricingTx(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		want := store.ShopPricing{Currency: "USD", Default: store.MarginAction{MarkupPercent: "20"},
			Rules: []store.MarginRule{{Name: "A", Priority: 1, MatchBrands: []string{"hp"}, Action: store.MarginAction{MarginPercent: "10"}}}}
		if err := st.ReplaceShopPricing(ctx, shop.ID, want); err != nil {
			t.Fatal(err)
		}
		rollback := errors.New("rollback")
		err := st.Transaction(ctx, func(tx *store.Tx) error {
			got, err := st.ShopPricingTx(ctx, tx, shop.ID)
			if err != nil {
				return err
			}
			if len(got.Rules) != 1 || got.Rules[0].MatchBrands[0] != "hp" || got.Default.MarkupPercent != "20" {
				return fmt.Errorf("read in the transaction: %+v", got)
			}
			got.Rules = nil
			if err := st.ReplaceShopPricingTx(ctx, tx, shop.ID, got); err != nil {
				return err
			}
			if again, err := st.ShopPricingTx(ctx, tx, shop.ID); err != nil || len(again.Rules) != 0 {
				return fmt.Errorf("read after the replace: %+v, %v", again, err)
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if got, err := st.ShopPricing(ctx, shop.ID); err != nil || len(got.Rules) != 1 {
			t.Errorf("after the rollback: %+v, %v", got, err)
		}
		err = st.Transaction(ctx, func(tx *store.Tx) error {
			_, err := st.ShopPricingTx(ctx, tx, shop.ID+100)
			return err
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown shop: %v", err)
		}
	})
}

// TestProductPricingPage: the pricing columns only, filtered and in SKU order.
func TestProductPricingPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		var ps []*mirror.Product
		for i := range 5 {
			ps = append(ps, &mirror.Product{AccountID: shop.IWSAccountID, SKU: fmt.Sprint("P", i), CategoryID: "cpt.nb", BrandID: "hp",
				Brand: "HP", ManufacturerID: "m", Type: "Physical", Cost: decimal.RequireFromString("12.3456"), Currency: "USD",
				Sellable: true, Active: i != 2, DescriptionES: "no", Images: []string{"x"}})
		}
		if err := st.SaveProducts(ctx, ps); err != nil {
			t.Fatal(err)
		}
		yes := true
		page, err := st.ProductPricingPage(ctx, shop.IWSAccountID, "P0", 2, store.ProductFilter{Active: &yes})
		if err != nil || len(page) != 2 || page[0].SKU != "P1" || page[1].SKU != "P3" {
			t.Fatalf("page = %+v, %v", page, err)
		}
		p := page[0]
		if p.CategoryID != "cpt.nb" || p.BrandID != "hp" || p.Brand != "HP" || p.ManufacturerID != "m" || p.Type != "Physical" ||
			!p.Cost.Equal(decimal.RequireFromString("12.3456")) || p.Currency != "USD" || !p.Sellable || !p.Active ||
			p.DescriptionES != "" || p.Images != nil || p.AccountID != shop.IWSAccountID {
			t.Errorf("product = %+v", p)
		}
	})
}

// TestShopWithoutCredentials: a store without the secret key reads a shop's settings, not its
// credentials.
func TestShopWithoutCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	key, err := secret.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	url := "sqlite:" + t.TempDir() + "/db.sqlite"
	withKey, err := store.Open(ctx, url, nil, store.WithSecretBox(box))
	if err != nil {
		t.Fatal(err)
	}
	defer withKey.Close()
	if err := withKey.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	shop := newShop(t, withKey)
	noKey, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer noKey.Close()
	if _, err := noKey.Shop(ctx, shop.ID); err == nil {
		t.Error("Shop opened the credentials without a key")
	}
	got, err := noKey.ShopWithoutCredentials(ctx, shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := shop
	want.Credentials = ""
	if got.String() != want.String() || got.Credentials != "" || got.Filters.ExcludeBrands[0] != "acme" ||
		got.StockPolicy.Buffer != 2 || got.IWSAccountID != shop.IWSAccountID || got.Currency != "USD" {
		t.Errorf("shop = %#v", got)
	}
	if _, err := noKey.ShopWithoutCredentials(ctx, shop.ID+1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown shop: %v", err)
	}
}

func TestMarginRuleChangesPageFiltersAndSorts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		day := func(d int) time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, time.UTC) }
		entries := []store.MarginRuleChange{
			{Actor: "ana@example.com", Action: "create", RuleName: "Laptops", At: day(1)},
			{Actor: "cli", Action: "import", At: day(2)},
			{Actor: "Bruno@Example.com", Action: "update", RuleName: "laptops gaming", At: day(3)},
			{Actor: "ana@example.com", Action: "delete", RuleName: "Monitors", At: day(4)},
		}
		ids := map[string]int64{}
		for _, e := range entries {
			e.ShopID = shop.ID
			err := st.Transaction(ctx, func(tx *store.Tx) error {
				c, err := st.InsertMarginRuleChangeTx(ctx, tx, e)
				ids[e.Action] = c.ID
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		other := newShopNamed(t, st, "Otra", shop.IWSAccountID)
		if err := st.Transaction(ctx, func(tx *store.Tx) error {
			_, err := st.InsertMarginRuleChangeTx(ctx, tx, store.MarginRuleChange{ShopID: other.ID, Actor: "ana@example.com", Action: "create", RuleName: "Laptops"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		actions := func(p store.PageOf[store.MarginRuleChange]) []string {
			var out []string
			for _, c := range p.Items {
				out = append(out, c.Action)
			}
			return out
		}
		for _, tc := range []struct {
			name  string
			f     store.MarginRuleChangeFilter
			p     store.Page
			want  []string
			total int64
		}{
			{"all, newest first", store.MarginRuleChangeFilter{}, store.Page{}, []string{"delete", "update", "import", "create"}, 4},
			{"actor, any case", store.MarginRuleChangeFilter{Actor: "BRUNO"}, store.Page{}, []string{"update"}, 1},
			{"actor part", store.MarginRuleChangeFilter{Actor: "example.com"}, store.Page{Sort: "at"}, []string{"create", "update", "delete"}, 3},
			{"action", store.MarginRuleChangeFilter{Action: "import"}, store.Page{}, []string{"import"}, 1},
			{"rule, any case", store.MarginRuleChangeFilter{Rule: "LAPTOP"}, store.Page{}, []string{"update", "create"}, 2},
			{"days", store.MarginRuleChangeFilter{Since: day(2), Until: day(4)}, store.Page{}, []string{"update", "import"}, 2},
			{"sort by rule", store.MarginRuleChangeFilter{}, store.Page{Sort: "rule"}, []string{"import", "create", "update", "delete"}, 4},
			{"sort by actor, descending, paged", store.MarginRuleChangeFilter{}, store.Page{Sort: "actor", Desc: true, Limit: 2, Offset: 1}, []string{"update", "delete"}, 4},
		} {
			page, err := st.MarginRuleChangesPage(ctx, shop.ID, tc.f, tc.p)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := actions(page); !slices.Equal(got, tc.want) || page.Total != tc.total {
				t.Errorf("%s: %v of %d, want %v of %d", tc.name, got, page.Total, tc.want, tc.total)
			}
		}
		if _, err := st.MarginRuleChangesPage(ctx, shop.ID, store.MarginRuleChangeFilter{}, store.Page{Sort: "before_doc"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown sort: %v, want ErrInvalid", err)
		}
	})
}
