package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
)

// publishedSKU returns a SKU that the sync put on sale in the test shop.
func publishedSKU(t *testing.T, e *syncEnv) string {
	t.Helper()
	first := ""
	for sku, l := range e.listings(t) {
		if l.State == store.ListingPublished && (first == "" || sku < first) {
			first = sku
		}
	}
	if first == "" {
		t.Fatal("no published listing")
	}
	return first
}

func TestProductsShow(t *testing.T) {
	e := newSyncEnv(t, 40)
	ctx := context.Background()
	if _, _, err := runCmd(ctx, e.env, "sync", "all"); err != nil {
		t.Fatal(err)
	}
	sku := publishedSKU(t, e)
	// show reads the database only: no IWS keys needed, the stored account is used.
	env := map[string]string{"CONNECTOR_DATABASE_URL": e.dbURL, "CONNECTOR_SECRET_KEY": testKey}

	out, _, err := runCmd(ctx, env, "products", "show", sku)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{sku, "cost", "USD", "stock", "warehouse", "category", "brand", "manufacturer",
		`Shop 1 "Test shop" (memory)`, "price:", "rule:", "converted", "after_tax", "final", "listing: published, pending change: none",
		"storefront ids: product", "pushed:"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}

	out, _, err = runCmd(ctx, env, "products", "show", sku, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Product struct {
			SKU             string                      `json:"sku"`
			Cost            string                      `json:"cost"`
			Currency        string                      `json:"currency"`
			StockByLocation map[string]int              `json:"stock_by_location"`
			CategoryPath    []struct{ ID, Name string } `json:"category_path"`
			Active          bool                        `json:"active"`
		} `json:"product"`
		Shops []struct {
			ID          int64  `json:"id"`
			Name        string `json:"name"`
			Price       string `json:"price"`
			Currency    string `json:"currency"`
			Explanation struct {
				Rule  string `json:"rule"`
				Steps []struct{ Step, Value string }
			} `json:"explanation"`
			Listed  bool `json:"listed"`
			Listing struct {
				State       string `json:"state"`
				ProductID   string `json:"product_id"`
				PushedPrice string `json:"pushed_price"`
			} `json:"listing"`
		} `json:"shops"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&doc); err != nil || dec.More() {
		t.Fatalf("--json is not one object: %v\n%s", err, out)
	}
	p := doc.Product
	if p.SKU != sku || p.Cost == "" || p.Currency != "USD" || !p.Active || len(p.StockByLocation) == 0 || len(p.CategoryPath) == 0 {
		t.Errorf("product = %+v", p)
	}
	if len(doc.Shops) != 1 {
		t.Fatalf("shops = %+v", doc.Shops)
	}
	s := doc.Shops[0]
	if s.ID != e.shopID || s.Price == "" || s.Currency != "USD" || s.Explanation.Rule == "" || len(s.Explanation.Steps) < 3 ||
		!s.Listed || s.Listing.State != store.ListingPublished || s.Listing.ProductID == "" || s.Listing.PushedPrice != s.Price {
		t.Errorf("shop view = %+v", s)
	}
	if last := s.Explanation.Steps[len(s.Explanation.Steps)-1]; last.Step != "final" || last.Value != s.Price {
		t.Errorf("last step = %+v, price %s", last, s.Price)
	}
	// Decimals are JSON strings.
	if !strings.Contains(out, `"cost":"`) || !strings.Contains(out, `"price":"`) {
		t.Errorf("decimals not written as strings:\n%s", out)
	}
}

func TestProductsShowErrors(t *testing.T) {
	e := newSyncEnv(t, 10)
	ctx := context.Background()
	env := map[string]string{"CONNECTOR_DATABASE_URL": e.dbURL, "CONNECTOR_SECRET_KEY": testKey}
	if _, _, err := runCmd(ctx, env, "products", "show", "NO-SUCH-SKU"); err == nil || !strings.Contains(err.Error(), `no product "NO-SUCH-SKU"`) {
		t.Errorf("unknown SKU: %v", err)
	}
	if _, _, err := runCmd(ctx, env, "products", "show"); err == nil {
		t.Error("show without a SKU succeeded")
	}
	if _, _, err := runCmd(ctx, map[string]string{"CONNECTOR_DATABASE_URL": e.dbURL}, "products", "show", "X"); err == nil ||
		!strings.Contains(err.Error(), "CONNECTOR_SECRET_KEY") {
		t.Errorf("without the secret key: %v", err)
	}
}
