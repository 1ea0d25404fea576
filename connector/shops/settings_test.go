package shops_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/pricing"
)

func ptr(s string) *string { return &s }

func memoryShop(t *testing.T, st *store.Store, acct store.IWSAccount, rules string) store.Shop {
	t.Helper()
	ctx := context.Background()
	shop, err := st.SaveShop(ctx, store.Shop{Name: "Memoria", Platform: store.PlatformMemory, Credentials: "{}",
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := pricing.ParseRules(strings.NewReader(rules))
	if err != nil {
		t.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, r); err != nil {
		t.Fatal(err)
	}
	shop, err = st.Shop(ctx, shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

func TestChangeSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := newAccount(t, st)
		shop := memoryShop(t, st, acct, `{"currency":"USD","rounding":{"step":"0.05"},"default":{"margin_percent":"20"}}`)

		// Nothing mirrored yet: no warehouse can be chosen, and the error says why.
		_, err := shops.ChangeSettings(ctx, st, shop.ID, shops.SettingsChange{Warehouses: ptr("xclq1")})
		var ps *shops.ProblemsError
		if !errors.As(err, &ps) || !errors.Is(err, shops.ErrInvalid) || !strings.Contains(err.Error(), "no warehouse is known yet") {
			t.Fatalf("warehouse before any stock: %v", err)
		}
		mirrorProducts(t, st, acct, "USD")

		res, err := shops.ChangeSettings(ctx, st, shop.ID, shops.SettingsChange{
			Warehouses: ptr("XCLQ2"), TaxRate: ptr("19"), TaxInclusive: ptr("TRUE"), Buffer: ptr(" 2 "),
			IncludeCategories: ptr("cpt, cco.mem"), ExcludeBrands: ptr("HP, acme"),
		})
		if err != nil {
			t.Fatal(err)
		}
		s := res.Shop
		if !slices.Equal(s.StockPolicy.Locations, []string{"xclq2"}) || s.TaxRate != "19" || !s.TaxInclusive || s.StockPolicy.Buffer != 2 ||
			!slices.Equal(s.Filters.IncludeCategories, []string{"cpt", "cco.mem"}) {
			t.Errorf("saved %+v", s)
		}
		// Accepted, with a word on codes that match nothing mirrored (a typo filters everything).
		want := []string{`--include-categories "cco.mem" matches no category`, `--exclude-brands "acme" matches no brand`}
		if len(res.Warnings) != len(want) || !strings.HasPrefix(res.Warnings[0], want[0]) || !strings.HasPrefix(res.Warnings[1], want[1]) {
			t.Errorf("warnings %q, want %q", res.Warnings, want)
		}
		if got, _ := st.Shop(ctx, shop.ID); !slices.Equal(got.StockPolicy.Locations, []string{"xclq2"}) {
			t.Errorf("not saved: %+v", got.StockPolicy)
		}

		// A currency whose minor unit the rules' rounding step does not fit, as rules import says.
		_, err = shops.ChangeSettings(ctx, st, shop.ID, shops.SettingsChange{Currency: ptr("CLP"), FXRate: ptr("950")})
		if !errors.As(err, &ps) || len(ps.Problems) != 1 || ps.Problems[0].Field != "currency" ||
			!strings.Contains(ps.Problems[0].Message, "rounding.step: 0.05 is not a multiple of the CLP minor unit 1") {
			t.Errorf("currency against the rules: %v", err)
		}
		// Every problem at once; nothing saved.
		_, err = shops.ChangeSettings(ctx, st, shop.ID, shops.SettingsChange{
			FXRate: ptr("-1"), TaxRate: ptr("100.5"), TaxInclusive: ptr("yes"), Locale: ptr("fr"), MinStock: ptr("1.5"),
			BelowMin: ptr("delete"), Types: ptr("Physical,Food"), Warehouses: ptr("xclq9"), ExcludeCategories: ptr("cpt..nb"),
		})
		if !errors.As(err, &ps) {
			t.Fatalf("bad settings: %v", err)
		}
		var fields []string
		for _, p := range ps.Problems {
			fields = append(fields, p.Field)
		}
		slices.Sort(fields)
		wantFields := []string{"below-min", "exclude-categories", "fx-rate", "locale", "min-stock", "tax-inclusive", "tax-rate", "types", "warehouses"}
		if !slices.Equal(fields, wantFields) {
			t.Errorf("problems on %v, want %v:\n%v", fields, wantFields, err)
		}
		if got, _ := st.Shop(ctx, shop.ID); got.TaxRate != "19" || got.Locale != "es" {
			t.Errorf("a refused change was saved: %+v", got)
		}

		if _, err := shops.ChangeSettings(ctx, st, 999, shops.SettingsChange{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown shop: %v", err)
		}
	})
}

// The product report says what keeps a product off a shop and what would change it.
func TestReportNotListedDetail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := newAccount(t, st)
		mirrorProducts(t, st, acct, "USD")
		clp := memoryShop(t, st, acct, `{"currency":"CLP","default":{"margin_percent":"20"}}`)
		doc, err := shops.Report(ctx, st, acct, "A1")
		if err != nil {
			t.Fatal(err)
		}
		v := doc.Shops[0]
		if v.ID != clp.ID || v.Listed || v.NotListedReason != "unpriceable" ||
			!strings.Contains(v.NotListedDetail, "its cost is in USD and the shop sells in CLP without an exchange rate; set the shop's fx-rate (CLP per USD)") {
			t.Errorf("view %+v", v)
		}
	})
}
