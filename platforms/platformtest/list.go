package platformtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/platforms"
)

// ListAll reads every page of sf's products with pages of limit, failing the test on an error,
// a page larger than limit or a product listed twice; it returns them by SKU.
func ListAll(t *testing.T, sf platforms.Storefront, limit int) map[string]platforms.ListedProduct {
	t.Helper()
	out := map[string]platforms.ListedProduct{}
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10_000 {
			t.Fatal("ListProducts: more than 10,000 pages: the cursor does not advance")
		}
		page, err := sf.ListProducts(context.Background(), cursor, limit)
		if err != nil {
			t.Fatalf("ListProducts(%q, %d): %v", cursor, limit, err)
		}
		if len(page.Products) > limit {
			t.Fatalf("ListProducts(%q, %d): %d products", cursor, limit, len(page.Products))
		}
		for _, p := range page.Products {
			if _, dup := out[p.Ref.SKU]; dup && p.Ref.SKU != "" {
				t.Fatalf("ListProducts: %s listed twice", p.Ref.SKU)
			}
			out[p.Ref.SKU] = p
		}
		if page.Next == "" {
			return out
		}
		if page.Next == cursor {
			t.Fatalf("ListProducts: cursor %q repeats", cursor)
		}
		cursor = page.Next
	}
}

// want is what a listed product must show.
type want struct {
	title, price string
	manage       bool
	stock        int
	status       platforms.Status
	published    bool
}

func checkListed(t *testing.T, got map[string]platforms.ListedProduct, refs map[string]platforms.ProductRef, wants map[string]want) {
	t.Helper()
	for sku, w := range wants {
		p, ok := got[sku]
		if !ok {
			t.Errorf("%s: not listed", sku)
			continue
		}
		if r := refs[sku]; r.ProductID != "" && p.Ref.ProductID != r.ProductID {
			t.Errorf("%s: listed as product %q, pushed as %q", sku, p.Ref.ProductID, r.ProductID)
		}
		price, err := decimal.NewFromString(p.Price)
		if err != nil || !price.Equal(decimal.RequireFromString(w.price)) {
			t.Errorf("%s: price %q, want %s", sku, p.Price, w.price)
		}
		if p.Title != w.title || p.ManageStock != w.manage || p.Stock != w.stock || p.Status != w.status || p.Published != w.published {
			t.Errorf("%s: listed %+v, want title %q manage %v stock %d status %s published %v",
				sku, p, w.title, w.manage, w.stock, w.status, w.published)
		}
	}
}

// testReadBack pushes products through every write method and reads them back with
// ListProducts: title, price, stock, stock tracking and status are what was pushed last.
func testReadBack(t *testing.T, sf platforms.Storefront) {
	ctx := context.Background()
	refs := map[string]platforms.ProductRef{}
	for i, r := range create(t, sf, "RB1", "RB2", "RB3", "RB4") {
		refs[fmt.Sprintf("RB%d", i+1)] = r
	}
	// Products a shop sells without stock tracking, and one hidden from the catalog.
	unmanaged, hidden := Product("RB5"), Product("RB6")
	unmanaged.ManageStock, unmanaged.Stock = false, 0
	hidden.Stock, hidden.Status, hidden.Title = 0, platforms.StatusHidden, "Hidden RB6"
	res, err := sf.UpsertProducts(ctx, []platforms.ProductInput{unmanaged, hidden})
	checkResults(t, "UpsertProducts", res, err, "RB5", "RB6")
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("create %s: %v", r.Ref.SKU, r.Err)
		}
		refs[r.Ref.SKU] = r.Ref
	}

	renamed := Product("RB1")
	renamed.Ref, renamed.Title = refs["RB1"], "Renamed RB1"
	res, err = sf.UpsertProducts(ctx, []platforms.ProductInput{renamed})
	mustSucceed(t, "UpsertProducts", res, err, "RB1")
	res, err = sf.UpdatePriceStock(ctx, []platforms.PriceStockUpdate{
		{Ref: refs["RB1"], Price: "21.50", Currency: "USD", ManageStock: true, Stock: 3, Status: platforms.StatusPublish}})
	mustSucceed(t, "UpdatePriceStock", res, err, "RB1")
	res, err = sf.UpdatePrices(ctx, []platforms.PriceUpdate{{Ref: refs["RB2"], Price: "25.00", Currency: "USD"}})
	mustSucceed(t, "UpdatePrices", res, err, "RB2")
	res, err = sf.UpdateStock(ctx, []platforms.StockUpdate{
		{Ref: refs["RB3"], ManageStock: true, Stock: 0, Status: platforms.StatusOutOfStock}})
	mustSucceed(t, "UpdateStock", res, err, "RB3")
	res, err = sf.Unpublish(ctx, []platforms.ProductRef{refs["RB4"]})
	mustSucceed(t, "Unpublish", res, err, "RB4")

	checkListed(t, ListAll(t, sf, 100), refs, map[string]want{
		"RB1": {"Renamed RB1", "21.50", true, 3, platforms.StatusPublish, true},
		"RB2": {"Product RB2", "25.00", true, 5, platforms.StatusPublish, true},
		"RB3": {"Product RB3", "19.90", true, 0, platforms.StatusOutOfStock, true},
		"RB4": {"Product RB4", "19.90", true, 5, platforms.StatusPublish, false},
		"RB5": {"Product RB5", "19.90", false, 0, platforms.StatusPublish, true},
		"RB6": {"Hidden RB6", "19.90", true, 0, platforms.StatusHidden, true},
	})
}

// testListPages reads a catalog larger than a page: every product exactly once, no page larger
// than asked for, and an empty next cursor at the end.
func testListPages(t *testing.T, sf platforms.Storefront) {
	skus := make([]string, 7)
	for i := range skus {
		skus[i] = fmt.Sprintf("LP%d", i)
	}
	create(t, sf, skus...)
	got := ListAll(t, sf, 3)
	n := 0
	for sku := range got {
		if strings.HasPrefix(sku, "LP") {
			n++
		}
	}
	if n != len(skus) {
		t.Fatalf("listed %d of the %d products: %v", n, len(skus), got)
	}
	if _, err := sf.ListProducts(context.Background(), "", 0); err == nil {
		t.Error("ListProducts with limit 0: no error")
	}
}

func mustSucceed(t *testing.T, method string, res []platforms.ItemResult, err error, skus ...string) {
	t.Helper()
	checkResults(t, method, res, err, skus...)
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("%s %s: %v", method, r.Ref.SKU, r.Err)
		}
	}
}
