package rules_test

import (
	"errors"
	"testing"

	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestShops(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		other, err := st.SaveShop(e.ctx, store.Shop{Name: "Another", Platform: store.PlatformMemory, IWSAccountID: e.shop.IWSAccountID,
			Currency: "CLP", Locale: "es", Filters: policy.Filters{}})
		if err != nil {
			t.Fatal(err)
		}
		page, err := e.svc.Shops(e.ctx, "", store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		want := []rules.ShopSummary{
			{ID: other.ID, Name: "Another", Platform: store.PlatformMemory, Currency: "CLP", Rules: 0, Priced: false},
			{ID: e.shop.ID, Name: "mem", Platform: store.PlatformMemory, Currency: "USD", Rules: 3, Priced: true},
		}
		if page.Total != 2 || len(page.Items) != 2 || page.Items[0] != want[0] || page.Items[1] != want[1] {
			t.Errorf("shops %+v", page)
		}
		page, err = e.svc.Shops(e.ctx, "MEM", store.Page{Sort: "id", Desc: true})
		if err != nil || page.Total != 1 || page.Items[0].ID != e.shop.ID {
			t.Errorf("filtered: %+v %v", page, err)
		}
		if _, err := e.svc.Shops(e.ctx, "", store.Page{Sort: "x"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown sort: %v", err)
		}
		if name, err := e.svc.ShopName(e.ctx, e.shop.ID); err != nil || name != "mem" {
			t.Errorf("name %q %v", name, err)
		}
		if _, err := e.svc.ShopName(e.ctx, 999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown shop: %v", err)
		}
	})
}
