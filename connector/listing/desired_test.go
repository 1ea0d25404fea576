package listing_test

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/pricing"
)

func dec(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }

func product(sku string) *mirror.Product {
	return &mirror.Product{
		AccountID: 1, SKU: sku, MPN: "M-" + sku, BrandID: "eee", Brand: "Acme", ManufacturerID: "acm",
		Manufacturer: "Acme Inc", CategoryID: "cpt.nb",
		CategoryPath: []mirror.CategoryNode{{ID: "cpt", Name: "Computadores"}, {ID: "cpt.nb", Name: "Portátiles"}},
		Type:         "Physical", DescriptionES: "Portátil " + sku, DescriptionEN: "Notebook " + sku,
		Images: []string{"https://img/" + sku + "-1.jpg", "https://img/" + sku + "-2.jpg"},
		Cost:   decimal.RequireFromString("100"), Currency: "USD", Sellable: true,
		StockTotal: 20, StockByLocation: map[string]int{"xclq1": 15, "xclq2": 5}, RealStock: true, Active: true,
	}
}

func TestPublishedStock(t *testing.T) {
	p := product("A")
	floor := product("F")
	floor.RealStock, floor.StockTotal, floor.StockByLocation = false, 10, nil
	licence := product("L")
	licence.Type, licence.StockTotal = "License", 0
	for _, tc := range []struct {
		name   string
		policy policy.Stock
		p      *mirror.Product
		manage bool
		qty    int
		status platforms.Status
	}{
		{"all warehouses", policy.Stock{}, p, true, 20, platforms.StatusPublish},
		{"buffer", policy.Stock{Buffer: 5}, p, true, 15, platforms.StatusPublish},
		{"buffer beyond stock clamps", policy.Stock{Buffer: 50}, p, true, 0, platforms.StatusOutOfStock},
		{"below min out of stock", policy.Stock{Buffer: 2, MinStock: 19}, p, true, 0, platforms.StatusOutOfStock},
		{"below min hidden", policy.Stock{MinStock: 21, BelowMin: policy.BelowMinHide}, p, true, 0, platforms.StatusHidden},
		{"zero hidden", policy.Stock{Buffer: 20, BelowMin: policy.BelowMinHide}, p, true, 0, platforms.StatusHidden},
		{"at min published", policy.Stock{MinStock: 20}, p, true, 20, platforms.StatusPublish},
		{"cap", policy.Stock{MaxStock: 8}, p, true, 8, platforms.StatusPublish},
		{"chosen warehouse", policy.Stock{Locations: []string{"xclq2"}}, p, true, 5, platforms.StatusPublish},
		{"chosen warehouses", policy.Stock{Locations: []string{"xclq2", "xclq1", "nope"}, Buffer: 1}, p, true, 19, platforms.StatusPublish},
		{"floor used as is", policy.Stock{}, floor, true, 10, platforms.StatusPublish},
		{"floor without locations", policy.Stock{Locations: []string{"xclq1"}}, floor, true, 0, platforms.StatusOutOfStock},
		{"licence untracked", policy.Stock{Types: []string{"License"}}, licence, false, 0, platforms.StatusPublish},
	} {
		t.Run(tc.name, func(t *testing.T) {
			manage, qty, status := listing.PublishedStock(tc.policy, tc.p)
			if manage != tc.manage || qty != tc.qty || status != tc.status {
				t.Fatalf("got %v %d %s, want %v %d %s", manage, qty, status, tc.manage, tc.qty, tc.status)
			}
		})
	}
}

func pricer(t *testing.T, doc string) *pricing.Pricer {
	t.Helper()
	r, err := pricing.ParseRules(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	pr, err := r.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

func TestDesire(t *testing.T) {
	pr := pricer(t, `{"currency":"USD","default":{"markup_percent":"20"}}`)
	shop := store.Shop{ID: 1, Locale: "es"}
	p := product("A")
	p.WeightLb, p.LengthIn, p.WidthIn = dec("3"), dec("10"), dec("0.5")
	p.LongDescription = "<p>Largo</p>"
	d, reason, err := listing.Desire(shop, pr, p)
	if err != nil || reason != "" {
		t.Fatal(reason, err)
	}
	if d.Title != "Portátil A" || d.Description != "<p>Largo</p>" || d.Price != "120.00" || d.Currency != "USD" {
		t.Errorf("desired %+v", d)
	}
	// 3 lb = 1.36077711 kg; 10 in = 25.4 cm; 0.5 in = 1.27 cm → 1.3.
	if d.WeightKg != "1.361" || d.LengthCm != "25.4" || d.WidthCm != "1.3" || d.HeightCm != "" {
		t.Errorf("units %q %q %q %q", d.WeightKg, d.LengthCm, d.WidthCm, d.HeightCm)
	}
	if len(d.CategoryPath) != 2 || d.CategoryPath.Leaf().ID != "cpt.nb" || d.Brand.ID != "eee" || d.Meta["intcomex_sku"] != "A" || d.Images[0] != "https://img/A-1.jpg" {
		t.Errorf("desired %+v", d)
	}
	shop.Locale = "en"
	if d, _, _ := listing.Desire(shop, pr, p); d.Title != "Notebook A" {
		t.Errorf("en title %q", d.Title)
	}
	p.DescriptionEN, p.LongDescription = "", ""
	if d, _, _ := listing.Desire(shop, pr, p); d.Title != "Portátil A" || d.Description != "Portátil A" {
		t.Errorf("fallback title %q description %q", d.Title, d.Description)
	}

	for _, tc := range []struct {
		name   string
		mut    func(*store.Shop, *mirror.Product)
		reason listing.Reason
	}{
		{"inactive", func(_ *store.Shop, p *mirror.Product) { p.Active = false }, listing.ReasonInactive},
		{"unsellable", func(_ *store.Shop, p *mirror.Product) { p.Sellable = false }, listing.ReasonUnsellable},
		{"zero cost", func(_ *store.Shop, p *mirror.Product) { p.Cost = decimal.Zero }, listing.ReasonUnsellable},
		{"cost currency", func(_ *store.Shop, p *mirror.Product) { p.Currency = "EUR" }, listing.ReasonUnpriceable},
		{"licence not sold", func(_ *store.Shop, p *mirror.Product) { p.Type = "License" }, listing.ReasonType},
		{"include category", func(s *store.Shop, _ *mirror.Product) { s.Filters.IncludeCategories = []string{"cco"} }, listing.ReasonFiltered},
		{"include category by segment", func(s *store.Shop, _ *mirror.Product) { s.Filters.IncludeCategories = []string{"cpt.n"} }, listing.ReasonFiltered},
		{"exclude category", func(s *store.Shop, _ *mirror.Product) { s.Filters.ExcludeCategories = []string{"CPT"} }, listing.ReasonFiltered},
		{"include brand", func(s *store.Shop, _ *mirror.Product) { s.Filters.IncludeBrands = []string{"hp"} }, listing.ReasonFiltered},
		{"exclude brand by name", func(s *store.Shop, _ *mirror.Product) { s.Filters.ExcludeBrands = []string{"ACME"} }, listing.ReasonFiltered},
		{"included", func(s *store.Shop, _ *mirror.Product) {
			s.Filters.IncludeCategories, s.Filters.IncludeBrands = []string{"cpt"}, []string{"eee"}
		}, ""},
		{"licence sold", func(s *store.Shop, p *mirror.Product) {
			p.Type, s.StockPolicy.Types = "License", []string{"Physical", "License"}
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, p := store.Shop{Locale: "es"}, product("B")
			tc.mut(&s, p)
			_, reason, err := listing.Desire(s, pr, p)
			if err != nil || reason != tc.reason {
				t.Fatalf("reason %q, %v; want %q", reason, err, tc.reason)
			}
		})
	}
}
