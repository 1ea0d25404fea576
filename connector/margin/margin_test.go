package margin_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/pricing"
)

func newShop(t *testing.T, st *store.Store) store.Shop {
	t.Helper()
	ctx := context.Background()
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "Tienda", Platform: store.PlatformWooCommerce,
		BaseURL: "https://shop.example", Credentials: `{"consumer_secret":"cs_1"}`, IWSAccountID: acct.ID,
		Currency: "usd", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

const rulesDoc = `{
  "currency": "CLP", "fx_rate": "950.5", "tax_rate": "19",
  "rounding": {"step": "1000", "minus": "10"},
  "default": {"markup_percent": "20"},
  "rules": [
    {"name": "Notebooks", "priority": 10,
     "match": {"category": "cpt.nb", "brands": ["eee"], "types": ["Physical"], "cost_min": "100", "cost_max": "5000"},
     "margin_percent": "12", "fixed_amount": "0", "min_profit": "15000"},
    {"name": "Cheap", "priority": 10, "match": {"cost_max": 10.50, "skus": []}, "markup_percent": "40.000"},
    {"name": "First", "priority": 1, "match": {"manufacturers": ["hp"]}, "markup_percent": "5"}
  ]
}`

func TestRulesRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		empty, err := margin.Rules(ctx, st, shop.ID)
		if err != nil || len(empty.Rules) != 0 || empty.Currency != "USD" {
			t.Fatalf("fresh shop rules: %+v %v", empty, err)
		}
		for _, doc := range []string{rulesDoc,
			`{"currency":"USD","tax_rate":"0","default":{"margin_percent":"25","min_profit":"3"}}`,
			`{"currency":"USD","default":{"markup_percent":"0"}}`} {
			in, err := pricing.ParseRules(strings.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			if err := margin.Replace(ctx, st, shop.ID, in); err != nil {
				t.Fatal(err)
			}
			out, err := margin.Rules(ctx, st, shop.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(in, out) {
				t.Fatalf("round trip:\n in  %+v\n out %+v", in, out)
			}
			var a, b bytes.Buffer
			_ = in.WriteJSON(&a)
			_ = out.WriteJSON(&b)
			if a.String() != b.String() {
				t.Fatalf("export differs:\n%s\n%s", a.String(), b.String())
			}
		}
		got, _ := st.Shop(ctx, shop.ID)
		if got.Currency != "USD" || got.TaxInclusive {
			t.Errorf("shop after rules: %+v", got)
		}
		in, _ := pricing.ParseRules(strings.NewReader(rulesDoc))
		if err := margin.Replace(ctx, st, shop.ID, in); err != nil {
			t.Fatal(err)
		}
		got, _ = st.Shop(ctx, shop.ID)
		if got.Currency != "CLP" || !got.TaxInclusive || got.TaxRate != "19" || got.FXRate != "950.5" {
			t.Errorf("shop after rules: %+v", got)
		}
		// Invalid rules change nothing.
		bad := *in
		bad.Default = pricing.Action{}
		if err := margin.Replace(ctx, st, shop.ID, &bad); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("invalid rules: %v", err)
		}
		if out, _ := margin.Rules(ctx, st, shop.ID); !reflect.DeepEqual(in, out) {
			t.Error("invalid rules changed the stored ones")
		}
		if err := margin.Replace(ctx, st, 999, in); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing shop: %v", err)
		}
	})
}
