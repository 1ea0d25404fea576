package iws_test

import (
	"reflect"
	"testing"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

// StreamCatalogDescriptions lists every product of GetCatalog with the SKU and the description
// StreamCatalog decodes, page after page.
func TestStreamCatalogDescriptions(t *testing.T) {
	for _, params := range []*iws.CatalogParams{{Locale: "en"}, {Locale: "es", Limit: 7}} {
		r := newRig(t, sandbox.Config{})
		c, _, _ := r.client()
		var want []iws.CatalogDescription
		wantInfo, err := c.StreamCatalog(t.Context(), params, func(p *iws.Product) error {
			want = append(want, iws.CatalogDescription{Sku: p.Sku, Description: p.Description})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []iws.CatalogDescription
		info, err := c.StreamCatalogDescriptions(t.Context(), params, func(p *iws.CatalogDescription) error {
			got = append(got, *p)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || len(got) != len(want) || info != wantInfo {
			t.Fatalf("%+v: %d descriptions (%+v), want %d (%+v)", params, len(got), info, len(want), wantInfo)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%+v: item %d is %+v, want %+v", params, i, got[i], want[i])
			}
		}
	}
}

// StreamCatalogMaster hands over every product of GetCatalog with the fields a mirror keeps as
// StreamCatalog decodes them, and nothing of price, stock or dates.
func TestStreamCatalogMaster(t *testing.T) {
	for _, params := range []*iws.CatalogParams{{Locale: "es"}, {Locale: "en", Limit: 7}} {
		r := newRig(t, sandbox.Config{})
		c, _, _ := r.client()
		var want []iws.Product
		wantInfo, err := c.StreamCatalog(t.Context(), params, func(p *iws.Product) error {
			want = append(want, iws.Product{Sku: p.Sku, Mpn: p.Mpn, Manufacturer: p.Manufacturer, Brand: p.Brand,
				Category: p.Category, Description: p.Description, Type: p.Type, Upc: p.Upc, Freight: p.Freight,
				RealStockValue: p.RealStockValue})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []iws.Product
		info, err := c.StreamCatalogMaster(t.Context(), params, func(p *iws.Product) error {
			got = append(got, *p)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || len(got) != len(want) || info != wantInfo {
			t.Fatalf("%+v: %d products (%+v), want %d (%+v)", params, len(got), info, len(want), wantInfo)
		}
		for i := range got {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("%+v: item %d is %+v, want %+v", params, i, got[i], want[i])
			}
		}
	}
}
