package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws"
)

const testSKUs = 300

func mustRun(t *testing.T, s *catalog.Syncer, e *env, kind catalog.Kind, opts catalog.RunOptions) catalog.Result {
	t.Helper()
	res, err := s.Run(context.Background(), e.accountID, kind, opts)
	if err != nil {
		t.Fatalf("Run(%s): %v", kind, err)
	}
	if res.Status != store.SyncSucceeded {
		t.Fatalf("Run(%s) status %q", kind, res.Status)
	}
	return res
}

func getProduct(t *testing.T, st *store.Store, e *env, sku string) *mirror.Product {
	t.Helper()
	p, err := st.Product(context.Background(), e.accountID, sku)
	if err != nil {
		t.Fatalf("Product(%s): %v", sku, err)
	}
	return p
}

func TestSyncLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, testSKUs)
		s := catalog.New(st, e.client, catalog.Options{BatchSize: 64})
		skus := e.sb.SKUs()

		// First sync: everything inserted, every stage fetched.
		var progress []string
		res := mustRun(t, s, e, catalog.KindAll, catalog.RunOptions{
			OnProgress: func(stage string, done int) { progress = append(progress, stage) },
		})
		if got := stageNames(res); !slices.Equal(got, []string{"catalog", "prices", "stock", "content"}) {
			t.Fatalf("stages %v, want content included on a first run", got)
		}
		cat := res.Stages[0].Counts
		if cat.Fetched != len(skus) || cat.Inserted != len(skus) || cat.Updated != 0 || cat.Unchanged != 0 {
			t.Fatalf("first catalog stage %+v, want %d inserted", cat, len(skus))
		}
		for _, stg := range res.Stages[1:] {
			if stg.Counts.Inserted != 0 || stg.Counts.Skipped != 0 {
				t.Errorf("stage %s %+v: inserted or skipped products", stg.Stage, stg.Counts)
			}
		}
		if !slices.Contains(progress, catalog.StageCatalog) || !slices.Contains(progress, catalog.StageContent) {
			t.Errorf("progress stages %v", progress)
		}
		n, err := st.CountProducts(ctx, e.accountID)
		if err != nil {
			t.Fatal(err)
		}
		if n.Total != len(skus) || n.Active != len(skus) || n.Sellable == 0 || n.InStock == 0 {
			t.Fatalf("counts %+v", n)
		}
		checkMirrorsSandbox(t, st, e, skus)

		// The run is recorded, and its IWS calls carry its id.
		run, err := st.SyncRun(ctx, res.RunID)
		if err != nil {
			t.Fatal(err)
		}
		if run.Status != store.SyncSucceeded || run.Counts != res.SyncCounts || run.FinishedAt == nil || len(run.Stats) != 4 {
			t.Fatalf("sync run %+v, result %+v", run, res.SyncCounts)
		}
		calls, err := st.ListAPICalls(ctx, store.APICallFilter{SyncRunID: strconv.FormatInt(res.RunID, 10), OmitBodies: true})
		if err != nil {
			t.Fatal(err)
		}
		var methods []string
		for _, c := range calls {
			methods = append(methods, c.Method)
		}
		slices.Sort(methods)
		if want := []string{"downloadextendedcatalog", "getcatalog", "getcatalog", "getinventory", "getpricelist"}; !slices.Equal(methods, want) {
			t.Errorf("audited calls %v, want %v", methods, want)
		}

		// Nothing changed: nothing written, and content is not fetched again.
		for _, kind := range []catalog.Kind{catalog.KindCatalog, catalog.KindPrices, catalog.KindStock, catalog.KindContent} {
			res := mustRun(t, s, e, kind, catalog.RunOptions{})
			// The sandbox leaves a product or two out of the price list (they stay unsellable).
			if res.Inserted != 0 || res.Updated != 0 || res.Deactivated != 0 || res.Unchanged != res.Fetched || res.Fetched < len(skus)-3 {
				t.Errorf("second %s sync %+v, want all unchanged", kind, res.SyncCounts)
			}
		}
		if got := stageNames(mustRun(t, s, e, catalog.KindAll, catalog.RunOptions{})); slices.Contains(got, "content") {
			t.Errorf("all run stages %v: content fetched again", got)
		}

		// A stock change on 1% of the SKUs: only those rows, only their stock hash.
		before := hashes(t, st, e)
		changed := e.sb.ChangeStock(1)
		var notified []string
		res = mustRun(t, s, e, catalog.KindStock, catalog.RunOptions{OnChange: func(sku string, c catalog.Change) {
			if c != catalog.ChangeStock {
				t.Errorf("%s: change %b, want stock only", sku, c)
			}
			notified = append(notified, sku)
		}})
		slices.Sort(changed)
		changed = slices.Compact(changed)
		slices.Sort(notified)
		if res.Updated != len(changed) || res.Unchanged != len(skus)-len(changed) || res.Changed.Stock != len(changed) || res.Changed.Catalog != 0 {
			t.Fatalf("stock sync after ChangeStock(1) %+v changed %+v, want %d updated", res.SyncCounts, res.Changed, len(changed))
		}
		if !slices.Equal(notified, changed) {
			t.Errorf("OnChange %v, want %v", notified, changed)
		}
		after := hashes(t, st, e)
		for _, sku := range changed {
			b, a := before[sku], after[sku]
			if a.StockHash == b.StockHash || a.ContentHash == b.ContentHash {
				t.Errorf("%s: stock/content hash unchanged", sku)
			}
			if a.CatalogHash != b.CatalogHash || a.PriceHash != b.PriceHash {
				t.Errorf("%s: catalog or price hash changed by a stock change", sku)
			}
			want, err := e.sb.Stock(sku)
			if err != nil {
				t.Fatal(err)
			}
			if got := getProduct(t, st, e, sku).StockByLocation; !sameStock(got, want) {
				t.Errorf("%s: stock by location %v, want %v", sku, got, want)
			}
		}

		// A zero price makes the product unsellable; a price list without it too.
		var sellable []string
		for _, sku := range skus {
			if getProduct(t, st, e, sku).Sellable {
				sellable = append(sellable, sku)
			}
		}
		zero, gone := sellable[3], sellable[7]
		if !getProduct(t, st, e, zero).Sellable {
			t.Fatalf("%s not sellable before the test", zero)
		}
		if err := e.sb.SetPrice(zero, decimal.Zero); err != nil {
			t.Fatal(err)
		}
		res = mustRun(t, s, e, catalog.KindPrices, catalog.RunOptions{})
		if res.Updated != 1 || res.Changed.Price != 1 {
			t.Errorf("prices sync after SetPrice 0: %+v", res.SyncCounts)
		}
		if p := getProduct(t, st, e, zero); p.Sellable || !p.Cost.IsZero() {
			t.Errorf("%s: sellable %v cost %s after a zero price", zero, p.Sellable, p.Cost)
		}

		// A product that leaves the catalog is deactivated (not deleted), unsellable and out of
		// stock; it comes back active when restored.
		if err := e.sb.RemoveProduct(gone); err != nil {
			t.Fatal(err)
		}
		res = mustRun(t, s, e, catalog.KindAll, catalog.RunOptions{})
		if res.Deactivated != 1 || res.Stages[0].Counts.Fetched != len(skus)-1 {
			t.Fatalf("sync after RemoveProduct: %+v", res.Stages)
		}
		p := getProduct(t, st, e, gone)
		if p.Active || p.DeactivatedAt == nil || p.Sellable || p.StockTotal != 0 || len(p.StockByLocation) != 0 {
			t.Fatalf("removed product %+v", p)
		}
		if err := e.sb.RestoreProduct(gone); err != nil {
			t.Fatal(err)
		}
		res = mustRun(t, s, e, catalog.KindAll, catalog.RunOptions{})
		if res.Reactivated != 1 || res.Deactivated != 0 {
			t.Fatalf("sync after RestoreProduct: %+v", res.SyncCounts)
		}
		if p := getProduct(t, st, e, gone); !p.Active || p.DeactivatedAt != nil || !p.Sellable {
			t.Fatalf("restored product %+v", p)
		}

		runs, err := st.ListSyncRuns(ctx, store.SyncRunFilter{AccountID: e.accountID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 10 || runs[0].Kind != "all" || runs[len(runs)-1].ID != res.RunID-9 {
			t.Errorf("listed %d runs", len(runs))
		}
	})
}

func stageNames(res catalog.Result) []string {
	var out []string
	for _, s := range res.Stages {
		out = append(out, s.Stage)
	}
	return out
}

func sameStock(got, want map[string]int) bool {
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	for k, v := range got {
		if want[k] != v {
			return false
		}
	}
	return true
}

func hashes(t *testing.T, st *store.Store, e *env) map[string]mirror.Product {
	t.Helper()
	out := map[string]mirror.Product{}
	err := st.EachProduct(context.Background(), e.accountID, store.ProductFilter{}, func(p *mirror.Product) error {
		out[p.SKU] = mirror.Product{CatalogHash: p.CatalogHash, PriceHash: p.PriceHash, StockHash: p.StockHash, ContentHash: p.ContentHash}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkMirrorsSandbox compares every stored product with what the sandbox serves.
func checkMirrorsSandbox(t *testing.T, st *store.Store, e *env, skus []string) {
	t.Helper()
	ctx := context.Background()
	en, err := e.client.GetCatalog(ctx, &iws.CatalogParams{Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	es, err := e.client.GetCatalog(ctx, &iws.CatalogParams{Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	ext, err := e.client.DownloadExtendedCatalog(ctx, &iws.ExtendedCatalogParams{Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	enDesc := map[string]string{}
	for _, p := range en {
		enDesc[p.Sku] = p.Description
	}
	extBySKU := map[string]iws.ExtendedProduct{}
	for _, x := range ext {
		extBySKU[x.LocalSku] = x
	}
	var withImages, withLocations, unsellable, differentLocale int
	for _, want := range es {
		got := getProduct(t, st, e, want.Sku)
		if got.DescriptionES != want.Description || got.DescriptionEN != enDesc[want.Sku] || got.MPN != want.Mpn || got.Type != want.Type {
			t.Errorf("%s: descriptions/mpn/type %q %q %q %q", want.Sku, got.DescriptionES, got.DescriptionEN, got.MPN, got.Type)
		}
		if got.DescriptionES != got.DescriptionEN {
			differentLocale++
		}
		if want.Brand != nil && (got.BrandID != want.Brand.BrandID || got.Brand != want.Brand.Description) {
			t.Errorf("%s: brand %q %q", want.Sku, got.BrandID, got.Brand)
		}
		leaf := want.Category.Leaf()
		if got.CategoryID != leaf.CategoryID || len(got.CategoryPath) != len(want.Category.Path()) || got.CategoryPath[len(got.CategoryPath)-1].Name != leaf.Description {
			t.Errorf("%s: category %q %v", want.Sku, got.CategoryID, got.CategoryPath)
		}
		if f := want.Freight; f != nil && f.Package != nil && f.Package.Weight != nil {
			if !got.WeightLb.Valid || !got.WeightLb.Decimal.Equal(f.Package.Weight.Decimal) {
				t.Errorf("%s: weight %v, want %s", want.Sku, got.WeightLb, f.Package.Weight)
			}
		}
		sp, err := e.sb.Product(want.Sku)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case sp.Price == nil || !sp.Price.UnitPrice.IsPositive():
			unsellable++
			if got.Sellable {
				t.Errorf("%s: sellable without a price", want.Sku)
			}
		case !got.Sellable || !got.Cost.Equal(sp.Price.UnitPrice.Decimal) || got.Currency != "USD":
			t.Errorf("%s: sellable %v cost %s %s, want %s", want.Sku, got.Sellable, got.Cost, got.Currency, sp.Price.UnitPrice)
		}
		if sp.InStock != nil && got.StockTotal != int(*sp.InStock) {
			t.Errorf("%s: stock %d, want %d", want.Sku, got.StockTotal, *sp.InStock)
		}
		if len(got.StockByLocation) > 0 {
			withLocations++
		}
		x := extBySKU[want.Sku]
		if got.LongDescription != x.Descripcion || len(got.Specs) != len(x.Attributes) {
			t.Errorf("%s: content %q %v", want.Sku, got.LongDescription, got.Specs)
		}
		if main := x.MainImage(); main != "" {
			withImages++
			if len(got.Images) == 0 || got.Images[0] != main {
				t.Errorf("%s: images %v, want %s first", want.Sku, got.Images, main)
			}
		}
		if got.ContentHash == "" || got.StockHash == "" {
			t.Errorf("%s: hashes missing", want.Sku)
		}
	}
	if len(es) != len(skus) || withImages == 0 || withLocations == 0 || differentLocale == 0 {
		t.Errorf("%d products, %d with images, %d with locations, %d with distinct en/es descriptions", len(es), withImages, withLocations, differentLocale)
	}
	t.Logf("%d products, %d unsellable, %d with images", len(es), unsellable, withImages)
}

// breakingSource breaks the Spanish catalog after `after` products, as a stream whose every retry
// broke off does in the end (the IWS client resumes a broken stream by itself, up to its attempts).
type breakingSource struct {
	catalog.Source
	after int
}

var errStreamBroke = fmt.Errorf("iws: GetCatalog: %w: the answer kept breaking off", iws.ErrMalformedResponse)

func (b breakingSource) StreamCatalog(ctx context.Context, p *iws.CatalogParams, fn func(*iws.Product) error) (iws.StreamInfo, error) {
	if p.Locale != "es" {
		return b.Source.StreamCatalog(ctx, p, fn)
	}
	n := 0
	return b.Source.StreamCatalog(ctx, p, func(it *iws.Product) error {
		if n++; n > b.after {
			return errStreamBroke
		}
		return fn(it)
	})
}

func TestAbortedCatalogDeactivatesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, testSKUs)
		mustRun(t, catalog.New(st, e.client, catalog.Options{}), e, catalog.KindCatalog, catalog.RunOptions{})
		gone := e.sb.SKUs()[0]
		if err := e.sb.RemoveProduct(gone); err != nil {
			t.Fatal(err)
		}
		s := catalog.New(st, breakingSource{Source: e.client, after: testSKUs / 2}, catalog.Options{BatchSize: 20})
		res, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{Content: catalog.ContentNever})
		if err == nil || !errors.Is(err, iws.ErrMalformedResponse) || !catalog.Incomplete(err) {
			t.Fatalf("Run error %v, want a malformed (incomplete) stream", err)
		}
		if res.Status != store.SyncFailed || res.Deactivated != 0 || res.Fetched == 0 || len(res.Stages) != 1 {
			t.Fatalf("result %+v", res)
		}
		if !getProduct(t, st, e, gone).Active {
			t.Fatal("an aborted catalog stream deactivated a product")
		}
		n, err := st.CountProducts(ctx, e.accountID)
		if err != nil {
			t.Fatal(err)
		}
		if n.Active != testSKUs {
			t.Fatalf("%d active after an aborted run, want %d", n.Active, testSKUs)
		}
		run, err := st.LatestSyncRun(ctx, store.SyncRunFilter{AccountID: e.accountID})
		if err != nil {
			t.Fatal(err)
		}
		if run.ID != res.RunID || run.Status != store.SyncFailed || run.Error == "" || run.Counts.Deactivated != 0 || run.FinishedAt == nil {
			t.Fatalf("recorded run %+v", run)
		}
		// The next complete run deactivates it.
		res = mustRun(t, catalog.New(st, e.client, catalog.Options{}), e, catalog.KindCatalog, catalog.RunOptions{})
		if res.Deactivated != 1 {
			t.Fatalf("complete run after the aborted one: %+v", res.SyncCounts)
		}
	})
}

// emptySource answers every feed with an empty, complete list.
type emptySource struct{ catalog.Source }

func (emptySource) StreamCatalog(context.Context, *iws.CatalogParams, func(*iws.Product) error) (iws.StreamInfo, error) {
	return iws.StreamInfo{}, nil
}

func TestEmptyCatalogDeactivatesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 20)
		mustRun(t, catalog.New(st, e.client, catalog.Options{}), e, catalog.KindCatalog, catalog.RunOptions{})
		res, err := catalog.New(st, emptySource{e.client}, catalog.Options{}).Run(context.Background(), e.accountID, catalog.KindCatalog, catalog.RunOptions{})
		if !errors.Is(err, catalog.ErrEmptyCatalog) || res.Deactivated != 0 {
			t.Fatalf("Run = %+v, %v; want ErrEmptyCatalog", res.SyncCounts, err)
		}
	})
}

func TestParseKind(t *testing.T) {
	for _, s := range []string{"catalog", "prices", "stock", "content", "all", " ALL "} {
		if _, err := catalog.ParseKind(s); err != nil {
			t.Errorf("ParseKind(%q): %v", s, err)
		}
	}
	if _, err := catalog.ParseKind("orders"); err == nil {
		t.Error("ParseKind(orders) succeeded")
	}
}

// TestLastSeen: a sync stamps last_seen_at only on the products it writes; LastSeen gives an
// unchanged active product the start of the latest successful catalog run, and a product
// deactivated keeps the start of the last run that listed it.
func TestLastSeen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, 20)
		s := catalog.New(st, e.client, catalog.Options{})
		mustRun(t, s, e, catalog.KindCatalog, catalog.RunOptions{})
		second := mustRun(t, s, e, catalog.KindCatalog, catalog.RunOptions{})
		run2, err := st.SyncRun(ctx, second.RunID)
		if err != nil {
			t.Fatal(err)
		}
		skus := e.sb.SKUs()
		kept, gone := skus[1], skus[0]
		p := getProduct(t, st, e, kept)
		if p.LastSeenAt.After(run2.StartedAt) {
			t.Errorf("unchanged product stamped %v, after the second run's start %v", p.LastSeenAt, run2.StartedAt)
		}
		if got, err := catalog.LastSeen(ctx, st, p); err != nil || !got.Equal(run2.StartedAt.UTC()) {
			t.Errorf("LastSeen(active) = %v, %v; want the second run's start %v", got, err, run2.StartedAt)
		}

		if err := e.sb.RemoveProduct(gone); err != nil {
			t.Fatal(err)
		}
		if res := mustRun(t, s, e, catalog.KindCatalog, catalog.RunOptions{}); res.Deactivated != 1 {
			t.Fatalf("deactivated %d, want 1", res.Deactivated)
		}
		d := getProduct(t, st, e, gone)
		if got, err := catalog.LastSeen(ctx, st, d); d.Active || err != nil || !got.Equal(run2.StartedAt.UTC()) {
			t.Errorf("LastSeen(deactivated) = %v, %v (active %v); want the second run's start %v", got, err, d.Active, run2.StartedAt)
		}
	})
}

// failingSource fails the price list or the English catalog, which an "all" run reads
// concurrently before it writes anything.
type failingSource struct {
	catalog.Source
	prices, english, stock bool
}

var errFeed = errors.New("feed broke")

func (f failingSource) StreamPriceList(ctx context.Context, p *iws.PriceListParams, fn func(*iws.PriceListItem) error) (iws.StreamInfo, error) {
	if f.prices {
		return iws.StreamInfo{}, errFeed
	}
	return f.Source.StreamPriceList(ctx, p, fn)
}

func (f failingSource) StreamInventory(ctx context.Context, p *iws.InventoryParams, fn func(*iws.InventoryData) error) (iws.StreamInfo, error) {
	if f.stock {
		return iws.StreamInfo{}, errFeed
	}
	return f.Source.StreamInventory(ctx, p, fn)
}

func (f failingSource) StreamCatalog(ctx context.Context, p *iws.CatalogParams, fn func(*iws.Product) error) (iws.StreamInfo, error) {
	if f.english && p.Locale == "en" {
		return iws.StreamInfo{}, errFeed
	}
	return f.Source.StreamCatalog(ctx, p, fn)
}

func TestFailedReadBeforeCatalogWritesNothing(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		prices, english, stock bool
		stage                  string // the failed stage reported last
		feed                   string // the feed the error names
	}{
		{"price list", true, false, false, catalog.StagePrices, catalog.StagePrices},
		{"english catalog", false, true, false, catalog.StageCatalog, catalog.StageCatalogEN},
		{"inventory, after the price list was read", false, false, true, catalog.StageStock, catalog.StageStock},
		{"both", true, true, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				e := newEnv(t, st, 20)
				src := failingSource{Source: e.client, prices: tc.prices, english: tc.english, stock: tc.stock}
				res, err := catalog.New(st, src, catalog.Options{}).Run(context.Background(), e.accountID, catalog.KindAll, catalog.RunOptions{Content: catalog.ContentNever})
				if !errors.Is(err, errFeed) || res.Status != store.SyncFailed || len(res.Stages) == 0 {
					t.Fatalf("Run: %v, %+v", err, res)
				}
				last := res.Stages[len(res.Stages)-1]
				if last.Error == "" || (tc.stage != "" && last.Stage != tc.stage) {
					t.Fatalf("stages %+v, want %s failed last", res.Stages, tc.stage)
				}
				var se *catalog.StageError
				if !errors.As(err, &se) || se.RunID != res.RunID || (tc.feed != "" && se.Stage != tc.feed) {
					t.Errorf("error %v (%#v), want a StageError naming %s", err, se, tc.feed)
				}
				n, err := st.CountProducts(context.Background(), e.accountID)
				if err != nil {
					t.Fatal(err)
				}
				if n.Total != 0 {
					t.Fatalf("a failed read wrote products: %+v", n)
				}
				if c := res.SyncCounts; c.Inserted != 0 || c.Updated != 0 || c.Unchanged != 0 || c.Deactivated != 0 {
					t.Errorf("counts %+v of a run that wrote nothing", c)
				}
			})
		})
	}
}
