package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/mirror"
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

// A product the shop does not list is never shown as coming: the report says why it is not
// listed and what would change that, and that a published one leaves at the next sync.
func TestProductsShowNotListed(t *testing.T) {
	e := newSyncEnv(t, 60)
	ctx := context.Background()
	if _, _, err := runCmd(ctx, e.env, "sync", "all"); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CONNECTOR_DATABASE_URL": e.dbURL, "CONNECTOR_SECRET_KEY": testKey}
	show := func(sku string) string {
		t.Helper()
		out, _, err := runCmd(ctx, env, "products", "show", sku)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	wantAll := func(out string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("show lacks %q:\n%s", w, out)
			}
		}
		if strings.Contains(out, "the next sync publishes it") || strings.Contains(out, "plans it") {
			t.Errorf("show promises a listing:\n%s", out)
		}
	}

	// A type the shop does not sell (it sells Physical only).
	st := e.open(t)
	acct, err := st.DefaultIWSAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var other, zero *mirror.Product
	err = st.EachProduct(ctx, acct.ID, store.ProductFilter{}, func(p *mirror.Product) error {
		switch {
		case other == nil && p.Active && p.Sellable && p.Type != "Physical":
			other = p
		case zero == nil && p.Active && p.Type == "Physical" && p.Cost.IsPositive():
			zero = p
		}
		return nil
	})
	if err != nil || other == nil || zero == nil {
		st.Close()
		t.Fatalf("the generated catalog has no product of another type or no physical one: %v", err)
	}
	// IWS stops giving one a price.
	zero.Cost = decimal.Zero
	if err := st.SaveProducts(ctx, []*mirror.Product{zero}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	wantAll(show(other.SKU), "listed: no (type_not_sold): its type "+other.Type+" is not among the types the shop sells (Physical)",
		"add it to the shop's types", "listing: none (no sync publishes it while it is not listed)")
	wantAll(show(zero.SKU), "listed: no (unsellable): IWS gives it no price for this account (cost 0)",
		"once the price list gives it one", "the next sync takes it off sale")

	// Filtered out after it was published.
	sku := publishedSKU(t, e)
	st = e.open(t)
	p, err := st.Product(ctx, acct.ID, sku)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(ctx, env, "shop", "settings", "1", "--exclude-brands", p.BrandID); err != nil {
		t.Fatal(err)
	}
	wantAll(show(sku), "listed: no (filtered): the shop's filters leave it out: exclude_brands has \""+p.BrandID+"\"",
		"change the shop's filters to list it", "listing: published", "the next sync takes it off sale")
}
