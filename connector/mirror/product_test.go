package mirror_test

import (
	"testing"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/shopspring/decimal"
)

func sampleProduct(acct int64, sku string) *mirror.Product {
	return &mirror.Product{
		AccountID: acct, SKU: sku, MPN: "MPN-" + sku, Brand: "HP", BrandID: "hpe",
		CategoryID: "cpt.nb", CategoryPath: []mirror.CategoryNode{{ID: "cpt", Name: "Computadoras"}, {ID: "cpt.nb", Name: "Portátiles"}},
		Type: "Physical", DescriptionES: "Portátil", DescriptionEN: "Notebook",
		Specs: map[string]string{"A / B": "c"}, Images: []string{"https://img/1.jpg"},
		WeightLb: decimal.NewNullDecimal(decimal.RequireFromString("4.25")),
		Cost:     decimal.RequireFromString("512.3456"), Currency: "USD", Sellable: true,
		StockTotal: 7, StockByLocation: map[string]int{"xclq1": 5, "xclq2": 2}, RealStock: true, Active: true,
	}
}

func TestProductHashes(t *testing.T) {
	a, b := sampleProduct(1, "SKU1"), sampleProduct(1, "SKU1")
	b.Cost = decimal.RequireFromString("512.34560") // same value, other scale
	b.StockByLocation = map[string]int{"xclq2": 2, "xclq1": 5}
	a.ComputeHashes()
	b.ComputeHashes()
	if a.ContentHash != b.ContentHash || len(a.ContentHash) != 64 {
		t.Fatalf("equal products hash differently: %s %s", a.ContentHash, b.ContentHash)
	}
	b.StockTotal = 8
	b.ComputeHashes()
	if b.StockHash == a.StockHash || b.ContentHash == a.ContentHash || b.CatalogHash != a.CatalogHash || b.PriceHash != a.PriceHash {
		t.Fatal("a stock change must change the stock and content hashes only")
	}
	// Field boundaries are part of the encoding.
	c, d := sampleProduct(1, "SKU1"), sampleProduct(1, "SKU1")
	c.Brand, c.BrandID = "ab", "c"
	d.Brand, d.BrandID = "a", "bc"
	c.ComputeHashes()
	d.ComputeHashes()
	if c.CatalogHash == d.CatalogHash {
		t.Fatal("shifted field boundaries hash alike")
	}
}

// A product read without its content keeps its CatalogHash through ComputeHashes, and its
// fields hash ignores the content; SetContent makes the content count again.
func TestOmittedContentKeepsCatalogHash(t *testing.T) {
	full := sampleProduct(1, "SKU1")
	full.ComputeHashes()
	light := full.Clone()
	light.OmitContent()
	light.LongDescription, light.Specs, light.Images = "", nil, nil
	light.ComputeHashes()
	if light.HasContent() || light.CatalogHash != full.CatalogHash || light.FieldsHash != full.FieldsHash {
		t.Fatalf("light product: content %v, catalog hash %s (want %s), fields hash %s (want %s)",
			light.HasContent(), light.CatalogHash, full.CatalogHash, light.FieldsHash, full.FieldsHash)
	}
	light.SetContent("", nil, nil)
	light.ComputeHashes()
	if !light.HasContent() || light.CatalogHash == full.CatalogHash {
		t.Fatal("content set to nothing did not change the catalog hash")
	}
	if !light.SameCatalogFields(full) || light.HashesWithoutContent() != full.HashesWithoutContent() {
		t.Fatal("catalog fields without the content differ")
	}
}
