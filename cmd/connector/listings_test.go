package main

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms/memory"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/pricing"
)

// memoryShop is the in-memory storefront the test process's commands push a memory shop to.
func memoryShop(dbURL string, shopID int64) *memory.Storefront {
	testApp.mu.Lock()
	defer testApp.mu.Unlock()
	return testApp.memory[dbURL].Shop(shopID)
}

// publishedSKU returns the first SKU (in order) of a listing with a storefront product.
func (e *syncEnv) publishedSKU(t *testing.T, shopID int64) string {
	t.Helper()
	st := e.open(t)
	defer st.Close()
	page, err := st.ListingsPage(context.Background(), shopID, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var skus []string
	for _, l := range page {
		if l.ProductID != "" && l.State == store.ListingPublished {
			skus = append(skus, l.SKU)
		}
	}
	if len(skus) == 0 {
		t.Fatal("no published listing")
	}
	sort.Strings(skus)
	return skus[0]
}

// setMarkup gives a shop a new default markup: every listed product gets a price change.
func (e *syncEnv) setMarkup(t *testing.T, shopID int64, markup string) {
	t.Helper()
	st := e.open(t)
	defer st.Close()
	rules, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"` + markup + `"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := margin.Replace(context.Background(), st, shopID, rules); err != nil {
		t.Fatal(err)
	}
}

type shownListing struct {
	Shop struct {
		ID       int64
		Name     string
		Platform string
	}
	SKU       string
	State     string
	ProductID string `json:"product_id"`
	Pushed    struct {
		Price *string
		Stock int
		At    *string
	}
	Pending *struct{ Change string }
	Images  struct {
		Attached []struct {
			URL     string
			MediaID string `json:"media_id"`
		}
		Pending []string
	}
	Events []struct{ Kind, Detail string }
}

func showListing(t *testing.T, e *syncEnv, shopID, sku string) shownListing {
	t.Helper()
	out, _, err := runCmd(context.Background(), e.env, "listings", "show", shopID, sku, "--json")
	if err != nil {
		t.Fatalf("listings show --json: %v", err)
	}
	var doc shownListing
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("listings show --json printed %q: %v", out, err)
	}
	for _, k := range []string{"shop", "sku", "state", "product_id", "variant_id", "inventory_item_id", "pushed", "pending",
		"last_error", "attempts", "images", "events", "created_at", "updated_at"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("listings show --json lacks %q: %s", k, out)
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestListingsShowResetAndRecreate: a product deleted in the (memory) store comes back with the
// next sync that changes it, which succeeds and says so; `listings show` shows the listing and
// its events; `listings reset` makes the next sync push it whole, adopting the store's product.
func TestListingsShowResetAndRecreate(t *testing.T) {
	e := newSyncEnv(t, 40)
	ctx := context.Background()
	if _, _, err := runCmd(ctx, e.env, "sync", "all"); err != nil {
		t.Fatal(err)
	}
	sku := e.publishedSKU(t, e.shopID)
	before := showListing(t, e, "1", sku)
	if before.State != store.ListingPublished || before.ProductID == "" || before.Pushed.Price == nil || before.Pushed.At == nil ||
		before.Pending != nil || before.Shop.Platform != store.PlatformMemory || len(before.Events) != 0 {
		t.Fatalf("listing before: %+v", before)
	}
	out, _, err := runCmd(ctx, e.env, "listings", "show", "1", sku)
	if err != nil || !strings.Contains(out, sku+` in shop 1 "Test shop" (memory)`) || !strings.Contains(out, "product "+before.ProductID) ||
		!strings.Contains(out, "events: none") {
		t.Fatalf("listings show: %v\n%s", err, out)
	}

	sf := memoryShop(e.dbURL, e.shopID)
	if !sf.DeleteProduct(sku) {
		t.Fatalf("no product %s in the memory shop", sku)
	}
	e.setMarkup(t, e.shopID, "35")
	out, _, err = runCmd(ctx, e.env, "sync", "prices")
	if err != nil {
		t.Fatalf("sync after a product was deleted in the store: %v\n%s", err, out)
	}
	if !strings.Contains(out, "deleted in the store: 1 created again") {
		t.Errorf("sync summary does not tell of the re-creation:\n%s", out)
	}
	after := showListing(t, e, "1", sku)
	if after.ProductID == "" || after.ProductID == before.ProductID || len(after.Events) != 2 ||
		after.Events[0].Kind != listing.EventRecreated || after.Events[1].Kind != listing.EventGone {
		t.Fatalf("listing after the re-creation: %+v", after)
	}
	if _, ok := sf.Product(sku); !ok {
		t.Fatal("product not created again")
	}

	out, _, err = runCmd(ctx, e.env, "listings", "reset", "1", sku)
	if err != nil || !strings.Contains(out, "reset") || !strings.Contains(out, "adopting the store's product") {
		t.Fatalf("listings reset: %v\n%s", err, out)
	}
	reset := showListing(t, e, "1", sku)
	if reset.State != store.ListingPending || reset.ProductID != "" || reset.Pushed.Price != nil || reset.Pushed.At != nil ||
		reset.Events[0].Kind != listing.EventReset {
		t.Fatalf("listing after the reset: %+v", reset)
	}
	if _, _, err := runCmd(ctx, e.env, "sync", "prices"); err != nil {
		t.Fatal(err)
	}
	again := showListing(t, e, "1", sku)
	if again.ProductID != after.ProductID || again.State != store.ListingPublished || again.Events[0].Kind != listing.EventAdopted {
		t.Fatalf("listing after the reset and a sync: %+v (product before the reset %s)", again, after.ProductID)
	}
}

func TestListingsUsage(t *testing.T) {
	e := newSyncEnv(t, 10)
	ctx := context.Background()
	if _, _, err := runCmd(ctx, e.env, "sync", "all"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"listings", "show"}, []string{"takes a shop id and a SKU, got 0", "usage:   connector listings show SHOP_ID SKU", "example: connector listings show 2"}},
		{[]string{"listings", "show", "one", "SKU"}, []string{`"one" is not a shop id`, "connector shop list", "usage:"}},
		{[]string{"listings", "reset", "1"}, []string{"takes a shop id and a SKU, got 1", "usage:   connector listings reset SHOP_ID SKU"}},
		{[]string{"listings", "verify"}, []string{"takes a shop id, got 0", "usage:   connector listings verify SHOP_ID"}},
		{[]string{"listings", "show", "99", "SKU"}, []string{"no shop with id 99"}},
		{[]string{"listings", "show", "1", "NOPE"}, []string{`shop 1 "Test shop" has no listing of NOPE`, "connector products show NOPE"}},
		{[]string{"listings", "reset", "1", "NOPE"}, []string{"no listing of NOPE: nothing to reset"}},
		{[]string{"listings", "verify", "1"}, []string{"in-memory demo shop", "connector demo"}},
	} {
		_, _, err := runCmd(ctx, e.env, tc.args...)
		for _, want := range tc.want {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%v: error %v, want it to say %q", tc.args, err, want)
			}
		}
	}
}

type verifyOut struct {
	Error            string
	Shop             struct{ ID int64 }
	Checked          int
	Matching         int
	Repaired         map[string]int
	RepairedListings int `json:"repaired_listings"`
	Missing          int
	NotOurs          int `json:"not_ours"`
	Push             struct {
		Changes   map[string]int
		Failed    int
		Recreated int
	}
}

// TestListingsVerify: after a sale in a WooCommerce store (a stock the connector did not push),
// `listings verify` finds it and pushes the stock again, and a second run finds nothing to repair.
func TestListingsVerify(t *testing.T) {
	e := newSyncEnv(t, 30)
	ctx := context.Background()
	fake, base := wootest.Start(t, wootest.Config{ConsumerKey: "ck_verify", ConsumerSecret: "cs_verify", Currency: "USD",
		ImageCheck: wootest.AllowImages})
	st := e.open(t)
	creds, err := shops.MarshalCredentials(shops.WooCommerceCredentials{ConsumerKey: "ck_verify", ConsumerSecret: "cs_verify"})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := st.DefaultIWSAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	woo, err := st.SaveShop(ctx, store.Shop{Name: "Woo", Platform: store.PlatformWooCommerce, BaseURL: base, Credentials: creds,
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	e.setMarkup(t, woo.ID, "20")
	if _, _, err := runCmd(ctx, e.env, "sync", "all"); err != nil {
		t.Fatal(err)
	}
	sku := e.publishedSKU(t, woo.ID)
	p, _ := fake.ProductBySKU(sku)
	pushed := *p.StockQuantity
	if err := fake.EditProduct(p.ID, map[string]any{"stock_quantity": pushed - 2}); err != nil {
		t.Fatal(err)
	}
	id := strconvI(woo.ID)
	verify := func() verifyOut {
		t.Helper()
		out, _, err := runCmd(ctx, e.env, "listings", "verify", id, "--json")
		if err != nil {
			t.Fatalf("listings verify: %v\n%s", err, out)
		}
		var v verifyOut
		if err := json.Unmarshal([]byte(out), &v); err != nil || strings.Count(out, "\n") != 1 {
			t.Fatalf("listings verify --json printed %q: %v", out, err)
		}
		return v
	}
	v := verify()
	if v.Error != "" || v.Shop.ID != woo.ID || v.RepairedListings != 1 || v.Repaired["stock"] != 1 || v.Push.Changes["stock"] != 1 ||
		v.Push.Failed != 0 || v.Checked != v.Matching+1 || v.NotOurs != 0 {
		t.Fatalf("first verification: %+v", v)
	}
	if p, _ := fake.ProductBySKU(sku); *p.StockQuantity != pushed {
		t.Fatalf("stock of %s is %d after the verification, want %d again", sku, *p.StockQuantity, pushed)
	}
	if v := verify(); v.RepairedListings != 0 || v.Missing != 0 || v.Push.Changes["stock"] != 0 {
		t.Fatalf("second verification: %+v", v)
	}
	out, _, err := runCmd(ctx, e.env, "listings", "verify", id)
	if err != nil || !strings.Contains(out, "repaired   nothing differed") || !strings.Contains(out, "products read from the store") {
		t.Fatalf("listings verify (text): %v\n%s", err, out)
	}
	if shown := showListing(t, e, id, sku); len(shown.Events) != 1 || shown.Events[0].Kind != listing.EventRepaired ||
		!strings.Contains(shown.Events[0].Detail, "stock") {
		t.Fatalf("events: %+v", shown.Events)
	}
	// A store that cannot be read is one JSON object with the error, exit 1.
	fake.InjectFault(wootest.Fault{Method: "GET", Path: "/wp-json/wc/v3/products", Status: 401, Count: 100})
	out, _, err = runCmd(ctx, e.env, "listings", "verify", id, "--json")
	var exit exitError
	var failed verifyOut
	if !errors.As(err, &exit) || exit.code != 1 || json.Unmarshal([]byte(out), &failed) != nil || failed.Error == "" {
		t.Fatalf("verify of an unreadable store: %v\n%s", err, out)
	}
}

func strconvI(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
