// Package platformtest is the contract suite every platforms.Storefront passes (the memory
// storefront, and the WooCommerce and Shopify adapters against their fakes): Run for the
// catalog half, RunOrders for orders and webhooks. It checks only what the interfaces promise,
// through the interfaces.
package platformtest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
)

// Factory returns a fresh, empty storefront for one subtest.
type Factory func(t *testing.T) platforms.Storefront

// Run runs the contract suite against storefronts made by factory.
func Run(t *testing.T, factory Factory) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, platforms.Storefront)
	}{
		{"Capabilities", testCapabilities},
		{"EnsureCategoriesIdempotent", testEnsureCategories},
		{"EnsureBrandsIdempotent", testEnsureBrands},
		{"CreateThenUpdate", testCreateThenUpdate},
		{"StockAndPrice", testStockAndPrice},
		{"PerItemErrors", testPerItemErrors},
		{"Unpublish", testUnpublish},
		{"FullBatch", testFullBatch},
		{"OversizedBatch", testOversizedBatch},
		{"CanceledContext", testCanceled},
		{"PriceStockTogether", testPriceStock},
		{"SetImagesAndReuse", testSetImages},
		{"WritesKeepImages", testWritesKeepImages},
		{"FindImages", testFindImages},
		{"DeleteMedia", testDeleteMedia},
		{"OversizedImageBatch", testOversizedImageBatch},
		{"ReadBack", testReadBack},
		{"ListPages", testListPages},
		{"CreateAdoptsSKU", testCreateAdopts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, factory(t)) })
	}
}

// Product returns a valid product input for sku, for tests.
func Product(sku string) platforms.ProductInput {
	return platforms.ProductInput{
		Ref:          platforms.ProductRef{SKU: sku},
		Title:        "Product " + sku,
		Description:  "Description of " + sku,
		Price:        "19.90",
		Currency:     "USD",
		ManageStock:  true,
		Stock:        5,
		Status:       platforms.StatusPublish,
		CategoryPath: platforms.CategoryPath{{ID: "cpt", Name: "Computers"}, {ID: "cpt.nb", Name: "Notebooks"}},
		Brand:        platforms.Brand{ID: "eee", Name: "Acme"},
		WeightKg:     "1.361",
		Meta:         map[string]string{"intcomex_sku": sku},
	}
}

func checkResults(t *testing.T, method string, res []platforms.ItemResult, err error, skus ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	if len(res) != len(skus) {
		t.Fatalf("%s: %d results for %d items", method, len(res), len(skus))
	}
	for i, r := range res {
		if r.Ref.SKU != skus[i] {
			t.Errorf("%s: result %d is for %q, want %q (results in input order)", method, i, r.Ref.SKU, skus[i])
		}
	}
}

func create(t *testing.T, sf platforms.Storefront, skus ...string) []platforms.ProductRef {
	t.Helper()
	in := make([]platforms.ProductInput, len(skus))
	for i, s := range skus {
		in[i] = Product(s)
	}
	res, err := sf.UpsertProducts(context.Background(), in)
	checkResults(t, "UpsertProducts", res, err, skus...)
	refs := make([]platforms.ProductRef, len(res))
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("create %s: %v", skus[i], r.Err)
		}
		if r.Ref.ProductID == "" {
			t.Fatalf("create %s: no product id", skus[i])
		}
		refs[i] = r.Ref
	}
	return refs
}

func testCapabilities(t *testing.T, sf platforms.Storefront) {
	if c := sf.Capabilities(); c.BatchSize < 1 {
		t.Fatalf("BatchSize = %d", c.BatchSize)
	}
}

func testEnsureCategories(t *testing.T, sf platforms.Storefront) {
	ctx := context.Background()
	paths := []platforms.CategoryPath{
		{{ID: "cpt", Name: "Computers"}, {ID: "cpt.nb", Name: "Notebooks"}},
		{{ID: "cpt", Name: "Computers"}, {ID: "cpt.dt", Name: "Desktops"}},
	}
	first, err := sf.EnsureCategories(ctx, paths)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"cpt", "cpt.nb", "cpt.dt"} {
		if first[id] == "" {
			t.Errorf("no storefront id for %s in %v", id, first)
		}
	}
	if first["cpt.nb"] == first["cpt.dt"] {
		t.Error("two categories share one id")
	}
	again, err := sf.EnsureCategories(ctx, paths[:1])
	if err != nil {
		t.Fatal(err)
	}
	if again["cpt.nb"] != first["cpt.nb"] || again["cpt"] != first["cpt"] {
		t.Errorf("second EnsureCategories gave %v, first %v", again, first)
	}
}

func testEnsureBrands(t *testing.T, sf platforms.Storefront) {
	ctx := context.Background()
	brands := []platforms.Brand{{ID: "eee", Name: "Acme"}, {ID: "hp", Name: "HP"}}
	first, err := sf.EnsureBrands(ctx, brands)
	if err != nil {
		t.Fatal(err)
	}
	again, err := sf.EnsureBrands(ctx, brands)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range brands {
		if again[b.ID] != first[b.ID] {
			t.Errorf("brand %s: %q then %q", b.ID, first[b.ID], again[b.ID])
		}
	}
}

func testCreateThenUpdate(t *testing.T, sf platforms.Storefront) {
	refs := create(t, sf, "A1", "A2")
	if refs[0].ProductID == refs[1].ProductID {
		t.Fatal("two products share one id")
	}
	p := Product("A1")
	p.Ref = refs[0]
	p.Title = "Renamed"
	res, err := sf.UpsertProducts(context.Background(), []platforms.ProductInput{p})
	checkResults(t, "UpsertProducts", res, err, "A1")
	if res[0].Err != nil || res[0].Ref.ProductID != refs[0].ProductID {
		t.Fatalf("update: %+v", res[0])
	}
}

// testCreateAdopts creates a SKU the storefront already holds: the product is adopted (updated,
// same id), not duplicated and not refused.
func testCreateAdopts(t *testing.T, sf platforms.Storefront) {
	first := create(t, sf, "AD1")[0]
	p := Product("AD1")
	p.Title = "Adopted AD1"
	res, err := sf.UpsertProducts(context.Background(), []platforms.ProductInput{p})
	mustSucceed(t, "UpsertProducts", res, err, "AD1")
	if res[0].Ref.ProductID != first.ProductID {
		t.Fatalf("create of an existing SKU made product %q, want %q adopted", res[0].Ref.ProductID, first.ProductID)
	}
	if got := ListAll(t, sf, 100)["AD1"]; got.Title != "Adopted AD1" {
		t.Errorf("adopted product shows %+v", got)
	}
}

func testStockAndPrice(t *testing.T, sf platforms.Storefront) {
	ctx := context.Background()
	refs := create(t, sf, "B1", "B2")
	res, err := sf.UpdateStock(ctx, []platforms.StockUpdate{
		{Ref: refs[0], ManageStock: true, Stock: 0, Status: platforms.StatusOutOfStock},
		{Ref: refs[1], ManageStock: true, Stock: 7, Status: platforms.StatusPublish},
	})
	checkResults(t, "UpdateStock", res, err, "B1", "B2")
	res2, err := sf.UpdatePrices(ctx, []platforms.PriceUpdate{{Ref: refs[1], Price: "25.00", Currency: "USD"}})
	checkResults(t, "UpdatePrices", res2, err, "B2")
	for _, r := range append(res, res2...) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Ref.SKU, r.Err)
		}
	}
}

func testPerItemErrors(t *testing.T, sf platforms.Storefront) {
	ctx := context.Background()
	refs := create(t, sf, "C1")
	ghost := platforms.ProductRef{SKU: "GHOST", ProductID: "does-not-exist-404"}
	res, err := sf.UpdateStock(ctx, []platforms.StockUpdate{
		{Ref: ghost, ManageStock: true, Stock: 1, Status: platforms.StatusPublish},
		{Ref: refs[0], ManageStock: true, Stock: 2, Status: platforms.StatusPublish},
	})
	checkResults(t, "UpdateStock", res, err, "GHOST", "C1")
	if !errors.Is(res[0].Err, platforms.ErrNotFound) {
		t.Errorf("unknown product: %v, want ErrNotFound", res[0].Err)
	}
	if res[1].Err != nil {
		t.Errorf("a failing item spoiled its neighbour: %v", res[1].Err)
	}
}

func testUnpublish(t *testing.T, sf platforms.Storefront) {
	ctx := context.Background()
	refs := create(t, sf, "D1")
	res, err := sf.Unpublish(ctx, refs)
	checkResults(t, "Unpublish", res, err, "D1")
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	// Publishing again is an update with the same ids.
	p := Product("D1")
	p.Ref = refs[0]
	up, err := sf.UpsertProducts(ctx, []platforms.ProductInput{p})
	checkResults(t, "UpsertProducts", up, err, "D1")
	if up[0].Err != nil || up[0].Ref.ProductID != refs[0].ProductID {
		t.Fatalf("republish: %+v", up[0])
	}
}

func testFullBatch(t *testing.T, sf platforms.Storefront) {
	n := min(sf.Capabilities().BatchSize, 250)
	skus := make([]string, n)
	for i := range skus {
		skus[i] = fmt.Sprintf("F%04d", i)
	}
	create(t, sf, skus...)
}

// testOversizedBatch sends every batch method one item more than BatchSize, which each refuses
// with ErrInvalid before doing any work. The items share one product's slices and maps, so the
// batch is cheap to build whatever the BatchSize (Shopify's is 5,000).
func testOversizedBatch(t *testing.T, sf platforms.Storefront) {
	n := sf.Capabilities().BatchSize + 1
	base := Product("O")
	in := make([]platforms.ProductInput, n)
	stock := make([]platforms.StockUpdate, n)
	prices := make([]platforms.PriceUpdate, n)
	refs := make([]platforms.ProductRef, n)
	for i := range in {
		ref := platforms.ProductRef{SKU: fmt.Sprintf("O%05d", i)}
		in[i] = base
		in[i].Ref = ref
		stock[i] = platforms.StockUpdate{Ref: ref, ManageStock: true, Stock: 1, Status: platforms.StatusPublish}
		prices[i] = platforms.PriceUpdate{Ref: ref, Price: base.Price, Currency: base.Currency}
		refs[i] = ref
	}
	ctx := context.Background()
	for _, call := range []struct {
		method string
		do     func() ([]platforms.ItemResult, error)
	}{
		{"UpsertProducts", func() ([]platforms.ItemResult, error) { return sf.UpsertProducts(ctx, in) }},
		{"UpdateStock", func() ([]platforms.ItemResult, error) { return sf.UpdateStock(ctx, stock) }},
		{"UpdatePrices", func() ([]platforms.ItemResult, error) { return sf.UpdatePrices(ctx, prices) }},
		{"Unpublish", func() ([]platforms.ItemResult, error) { return sf.Unpublish(ctx, refs) }},
	} {
		if _, err := call.do(); !errors.Is(err, platforms.ErrInvalid) {
			t.Errorf("%s of %d items (BatchSize %d): %v, want ErrInvalid", call.method, n, n-1, err)
		}
	}
}

func testCanceled(t *testing.T, sf platforms.Storefront) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sf.UpsertProducts(ctx, []platforms.ProductInput{Product("X1")}); err == nil {
		t.Fatal("canceled context: no error")
	}
}
