package listing_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/memory"
	"github.com/intcomex-connector/connector/pricing"
)

type fixture struct {
	t        *testing.T
	ctx      context.Context
	st       *store.Store
	shop     store.Shop
	sf       *memory.Storefront
	syncer   *listing.Syncer
	products []*mirror.Product
}

func setup(t *testing.T, st *store.Store, n, batch int) *fixture {
	t.Helper()
	ctx := context.Background()
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "demo", Platform: store.PlatformMemory, Credentials: "x",
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"20"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, rules); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, st: st, shop: shop, sf: memory.New(memory.Config{BatchSize: batch}),
		syncer: &listing.Syncer{Store: st, PageSize: 64}}
	for i := range n {
		p := product(fmt.Sprintf("SKU%05d", i))
		p.AccountID = acct.ID
		if i%7 == 0 {
			p.CategoryID, p.CategoryPath = "cco.case", []mirror.CategoryNode{{ID: "cco", Name: "Componentes"}, {ID: "cco.case", Name: "Gabinetes"}}
		}
		f.products = append(f.products, p)
	}
	f.save(f.products...)
	return f
}

func (f *fixture) save(ps ...*mirror.Product) {
	f.t.Helper()
	if err := f.st.SaveProducts(f.ctx, ps); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) plan(want map[listing.Kind]int) listing.ChangeSet {
	f.t.Helper()
	cs, err := f.syncer.Plan(f.ctx, f.shop.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, k := range listing.Kinds {
		if cs.Changes[k] != want[k] {
			f.t.Fatalf("change set %v, want %v", cs.Changes, want)
		}
	}
	return cs
}

// push pushes and checks the number of storefront calls per method.
func (f *fixture) push(calls map[string]int) listing.PushSummary {
	f.t.Helper()
	f.sf.ResetCalls()
	sum, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf)
	if err != nil {
		f.t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range f.sf.Calls() {
		got[c.Method]++
	}
	for _, m := range []string{"EnsureCategories", "EnsureBrands", "UpsertProducts", "UpdateStock", "UpdatePrices",
		"UpdatePriceStock", "Unpublish", "SetImages", "FindImages", "DeleteMedia"} {
		if got[m] != calls[m] {
			f.t.Fatalf("calls %v, want %v", got, calls)
		}
	}
	if sum.Calls != len(f.sf.Calls()) {
		f.t.Errorf("summary counts %d calls, storefront saw %d", sum.Calls, len(f.sf.Calls()))
	}
	return sum
}

func (f *fixture) noChange() {
	f.t.Helper()
	f.plan(nil)
	f.push(nil)
}

func ceil(n, d int) int { return (n + d - 1) / d }

func TestSyncLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n, batch = 500, 7
		f := setup(t, st, n, batch)

		// First run: everything is created, in ⌈n/batch⌉ upserts, then the images are attached in
		// as many SetImages calls, each image uploaded once.
		cs := f.plan(map[listing.Kind]int{listing.KindCreate: n})
		if cs.Images != n {
			t.Fatalf("%d image lists planned, want %d", cs.Images, n)
		}
		sum := f.push(map[string]int{"UpsertProducts": ceil(n, batch), "EnsureCategories": 1, "EnsureBrands": 1, "SetImages": ceil(n, batch)})
		if sum.Images.Attached != n || sum.Images.Uploaded != 2*n || sum.Images.Reused != 0 || sum.Images.Failed != 0 {
			t.Fatalf("image summary %+v", sum.Images)
		}
		// Every product is live before the first image is sent.
		calls := f.sf.Calls()
		lastUpsert, firstImages := -1, -1
		for i, c := range calls {
			if c.Method == "UpsertProducts" {
				lastUpsert = i
			}
			if c.Method == "SetImages" && firstImages < 0 {
				firstImages = i
			}
		}
		if firstImages < lastUpsert {
			t.Fatalf("SetImages (call %d) before the last UpsertProducts (call %d)", firstImages, lastUpsert)
		}
		if got := len(f.sf.Products()); got != n {
			t.Fatalf("storefront has %d products", got)
		}
		sp, _ := f.sf.Product("SKU00001")
		if sp.Price != "120.00" || sp.Stock != 20 || sp.Status != platforms.StatusPublish || sp.CategoryID == "" || sp.BrandID == "" || sp.Title != "Portátil SKU00001" ||
			len(sp.Images) != 2 || sp.Images[0].URL != "https://img/SKU00001-1.jpg" || sp.Images[0].MediaID == "" {
			t.Fatalf("storefront product %+v", sp)
		}
		for u, n := range f.sf.Uploads() {
			if n != 1 {
				t.Fatalf("%s uploaded %d times", u, n)
			}
		}
		l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001")
		if l.State != store.ListingPublished || l.ProductID != sp.Ref.ProductID || l.VariantID == "" || l.PendingChange != "" || l.Stock != 20 || !l.Price.Decimal.Equal(decimal.NewFromInt(120)) || l.PushedAt.IsZero() {
			t.Fatalf("listing %+v", l)
		}

		// No IWS change: empty change set, zero storefront calls.
		f.noChange()

		// Stock change on 1%: exactly those, stock-only, ⌈5/batch⌉ calls.
		var changed []*mirror.Product
		for i := 0; i < n; i += 100 {
			p := f.products[i]
			p.StockTotal, p.StockByLocation = 3, map[string]int{"xclq1": 3}
			changed = append(changed, p)
		}
		f.save(changed...)
		f.plan(map[listing.Kind]int{listing.KindStock: len(changed)})
		f.push(map[string]int{"UpdateStock": ceil(len(changed), batch)})
		if sp, _ := f.sf.Product("SKU00100"); sp.Stock != 3 {
			t.Fatalf("stock not pushed: %+v", sp)
		}
		f.noChange()

		// Price change → price only.
		f.products[3].Cost = decimal.RequireFromString("200")
		f.save(f.products[3])
		f.plan(map[listing.Kind]int{listing.KindPrice: 1})
		f.push(map[string]int{"UpdatePrices": 1})
		if sp, _ := f.sf.Product("SKU00003"); sp.Price != "240.00" {
			t.Fatalf("price not pushed: %+v", sp)
		}
		f.noChange()

		// Price and stock (not content) → one item of one UpdatePriceStock call, no full update.
		f.products[4].Cost, f.products[4].StockTotal = decimal.RequireFromString("50"), 1
		f.save(f.products[4])
		f.plan(map[listing.Kind]int{listing.KindPriceStock: 1})
		f.push(map[string]int{"UpdatePriceStock": 1})
		if c := f.sf.Calls(); len(c) != 1 || len(c[0].Items) != 1 || c[0].Items[0] != "SKU00004" {
			t.Fatalf("calls %+v", c)
		}
		if sp, _ := f.sf.Product("SKU00004"); sp.Price != "60.00" || sp.Stock != 1 {
			t.Fatalf("price+stock not pushed: %+v", sp)
		}
		f.noChange()

		// Content change → full update; each push ensures its categories and brands once.
		f.products[5].DescriptionES = "Nuevo título"
		f.save(f.products[5])
		f.plan(map[listing.Kind]int{listing.KindUpdate: 1})
		f.push(map[string]int{"UpsertProducts": 1, "EnsureCategories": 1, "EnsureBrands": 1})
		if sp, _ := f.sf.Product("SKU00005"); sp.Title != "Nuevo título" {
			t.Fatalf("title not pushed: %+v", sp)
		}
		f.noChange()

		// Deactivated and unsellable → unpublish; a new unsellable product is never created.
		f.products[6].Active = false
		f.products[8].Sellable = false
		extra := product("ZZ-UNSELLABLE")
		extra.AccountID, extra.Sellable = f.products[0].AccountID, false
		f.save(f.products[6], f.products[8], extra)
		cs = f.plan(map[listing.Kind]int{listing.KindUnpublish: 2})
		if cs.Excluded[listing.ReasonInactive] != 1 || cs.Excluded[listing.ReasonUnsellable] != 2 {
			t.Errorf("excluded %v", cs.Excluded)
		}
		f.push(map[string]int{"Unpublish": 1})
		if sp, _ := f.sf.Product("SKU00006"); sp.Published || len(sp.Images) != 2 {
			t.Fatalf("inactive product still published, or lost its images: %+v", sp)
		}
		if _, ok := f.sf.Product("ZZ-UNSELLABLE"); ok {
			t.Fatal("unsellable product created")
		}
		if l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00008"); l.State != store.ListingUnpublished {
			t.Fatalf("listing %+v", l)
		}
		f.noChange()

		// Active again → update (republish with the whole product).
		f.products[6].Active = true
		f.save(f.products[6])
		f.plan(map[listing.Kind]int{listing.KindUpdate: 1})
		f.push(map[string]int{"UpsertProducts": 1, "EnsureCategories": 1, "EnsureBrands": 1})
		if sp, _ := f.sf.Product("SKU00006"); !sp.Published || len(sp.Images) != 2 {
			t.Fatalf("product not republished with its images: %+v", sp)
		}
		f.noChange()

		// Filter out a category → unpublish its products.
		f.shop.Filters.ExcludeCategories = []string{"cco"}
		if _, err := st.SaveShop(f.ctx, f.shop); err != nil {
			t.Fatal(err)
		}
		f.plan(map[listing.Kind]int{listing.KindUnpublish: ceil(n, 7)})
		f.push(map[string]int{"Unpublish": ceil(ceil(n, 7), batch)})
		f.noChange()
	})
}

func TestPushPerItemError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 20, 5)
		boom := errors.New("storefront says no")
		f.sf.FailSKU("SKU00002", boom)
		f.plan(map[listing.Kind]int{listing.KindCreate: 20})
		sum := f.push(map[string]int{"UpsertProducts": 4, "EnsureCategories": 1, "EnsureBrands": 1, "SetImages": 4})
		if sum.Failed != 1 || sum.Pushed[listing.KindCreate] != 19 || sum.Images.Attached != 19 {
			t.Fatalf("summary %+v", sum)
		}
		l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00002")
		if l.State != store.ListingError || l.PendingChange != string(listing.KindCreate) || !strings.Contains(l.LastError, "says no") || l.Attempts != 1 {
			t.Fatalf("failed listing %+v", l)
		}
		// Planning again keeps the failed item pending, and only it.
		f.plan(map[listing.Kind]int{listing.KindCreate: 1})
		f.sf.FailSKU("SKU00002", nil)
		f.push(map[string]int{"UpsertProducts": 1, "EnsureCategories": 1, "EnsureBrands": 1, "SetImages": 1})
		if l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00002"); l.State != store.ListingPublished || l.LastError != "" || l.PendingChange != "" {
			t.Fatalf("retried listing %+v", l)
		}
		f.noChange()

		// A price_stock change that fails stays pending whole, and goes through next time.
		f.products[3].Cost, f.products[3].StockTotal = decimal.RequireFromString("10"), 2
		f.save(f.products[3])
		f.plan(map[listing.Kind]int{listing.KindPriceStock: 1})
		f.sf.FailSKU("SKU00003", boom)
		f.push(map[string]int{"UpdatePriceStock": 1})
		if l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00003"); l.PendingChange != string(listing.KindPriceStock) || l.State != store.ListingError {
			t.Fatalf("failed price_stock listing %+v", l)
		}
		f.sf.FailSKU("SKU00003", nil)
		f.plan(map[listing.Kind]int{listing.KindPriceStock: 1})
		f.push(map[string]int{"UpdatePriceStock": 1})
		f.noChange()
		if sp, _ := f.sf.Product("SKU00003"); sp.Price != "12.00" || sp.Stock != 2 {
			t.Fatalf("storefront %+v", sp)
		}
	})
}

// hiding is a ProductSource that leaves some SKUs out, as if they were gone from the mirror.
type hiding struct {
	listing.ProductSource
	hide map[string]bool
}

func (h hiding) ProductsPage(ctx context.Context, accountID int64, after string, limit int) ([]*mirror.Product, error) {
	page, err := h.ProductSource.ProductsPage(ctx, accountID, after, limit)
	if err != nil || len(page) == 0 {
		return page, err
	}
	// Keep the page length so that paging does not stop early; drop hidden items at the end.
	out := page[:0:0]
	for _, p := range page {
		if !h.hide[p.SKU] {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return h.ProductsPage(ctx, accountID, page[len(page)-1].SKU, limit)
	}
	if len(page) == limit && len(out) < limit {
		// Pad with the next page's first items so that a short page still means "the end".
		more, err := h.ProductsPage(ctx, accountID, page[len(page)-1].SKU, limit-len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

func TestGoneFromMirrorAndPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 30, 10)
		f.plan(map[listing.Kind]int{listing.KindCreate: 30})
		f.push(map[string]int{"UpsertProducts": 3, "EnsureCategories": 1, "EnsureBrands": 1, "SetImages": 3})

		f.syncer.Products = hiding{ProductSource: listing.StoreSource{Store: st}, hide: map[string]bool{"SKU00010": true, "SKU00029": true}}
		cs := f.plan(map[listing.Kind]int{listing.KindUnpublish: 2})
		if cs.Excluded[listing.ReasonGone] != 2 {
			t.Errorf("excluded %v", cs.Excluded)
		}
		f.push(map[string]int{"Unpublish": 1})
		f.noChange()
		f.syncer.Products = nil

		// A stock policy change is a stock-only change for every product it affects.
		f.shop.StockPolicy = policy.Stock{MinStock: 25, BelowMin: policy.BelowMinHide}
		if _, err := st.SaveShop(f.ctx, f.shop); err != nil {
			t.Fatal(err)
		}
		f.plan(map[listing.Kind]int{listing.KindStock: 28, listing.KindUpdate: 2})
		f.push(map[string]int{"UpsertProducts": 1, "UpdateStock": 3, "EnsureCategories": 1, "EnsureBrands": 1})
		if sp, _ := f.sf.Product("SKU00001"); sp.Status != platforms.StatusHidden || sp.Stock != 0 {
			t.Fatalf("storefront %+v", sp)
		}
		if l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001"); l.State != store.ListingOutOfStock {
			t.Fatalf("listing %+v", l)
		}
		f.noChange()
	})
}
