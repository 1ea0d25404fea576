package catalog_test

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/migrations"
)

// failFirstContent is an IWS client whose extended catalog download fails on every odd call: in
// an "all" run the merged read fails and the content stage then runs on its own, after the
// others, as it does in any run that does not merge it.
type failFirstContent struct {
	*iws.Client
	calls atomic.Int32
}

func (f *failFirstContent) StreamExtendedCatalog(ctx context.Context, p *iws.ExtendedCatalogParams, fn func(*iws.ExtendedProduct) error) (iws.StreamInfo, error) {
	if f.calls.Add(1)%2 == 1 {
		return iws.StreamInfo{}, errors.New("extended catalog unavailable")
	}
	return f.Client.StreamExtendedCatalog(ctx, p, fn)
}

// TestMergedContentMatchesSeparateStage: a run that merges the extended catalog into the catalog
// write (each product written once) ends with the same mirror, the same stage counts and the
// same change notifications as a run whose content stage runs on its own after the others.
func TestMergedContentMatchesSeparateStage(t *testing.T) {
	ctx := context.Background()
	type side struct {
		st      *store.Store
		e       *env
		s       *catalog.Syncer
		changes map[string]catalog.Change
	}
	// One sandbox serves both sides (its image URLs name its address); each side has its store.
	var shared *env
	newSide := func(fail bool) *side {
		st := storetest.New(t, migrations.SQLite, true)
		e := shared
		if e == nil {
			e = newEnv(t, st, 120)
			shared = e
		} else {
			acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
				BaseURL: "http://sandbox.invalid/v1/", APIKey: testAPIKey, AccessKey: testAccessKey})
			if err != nil || acct.ID != e.accountID {
				t.Fatalf("account %d on the second store, want %d: %v", acct.ID, e.accountID, err)
			}
		}
		var src catalog.Source = e.client
		if fail {
			src = &failFirstContent{Client: e.client}
		}
		return &side{st: st, e: e, s: catalog.New(st, src, catalog.Options{BatchSize: 32})}
	}
	merged, separate := newSide(false), newSide(true)
	run := func(sd *side, opts catalog.RunOptions) catalog.Result {
		sd.changes = map[string]catalog.Change{}
		opts.OnChange = func(sku string, c catalog.Change) { sd.changes[sku] |= c }
		res, err := sd.s.Run(ctx, sd.e.accountID, catalog.KindAll, opts)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	compare := func(step string, a, b catalog.Result) {
		t.Helper()
		if len(a.Stages) != len(b.Stages) {
			t.Fatalf("%s: stages %v and %v", step, stageNames(a), stageNames(b))
		}
		for i := range a.Stages {
			if a.Stages[i].Stage != b.Stages[i].Stage || a.Stages[i].Counts != b.Stages[i].Counts {
				t.Errorf("%s: stage %s merged %+v, separate %s %+v", step, a.Stages[i].Stage, a.Stages[i].Counts, b.Stages[i].Stage, b.Stages[i].Counts)
			}
		}
		// A separate content stage counts its writes to products the same run inserted as
		// catalog changes; the merged write counts them only as new, as Changed means.
		if step == "first sync" && a.Changed == (catalog.ChangeCounts{}) {
			b.Changed = a.Changed
		}
		if a.SyncCounts != b.SyncCounts || a.Changed != b.Changed {
			t.Errorf("%s: totals merged %+v %+v, separate %+v %+v", step, a.SyncCounts, a.Changed, b.SyncCounts, b.Changed)
		}
		if !reflect.DeepEqual(merged.changes, separate.changes) {
			t.Errorf("%s: change notifications differ:\nmerged   %v\nseparate %v", step, merged.changes, separate.changes)
		}
		skus := merged.e.sb.SKUs()
		pa, err := merged.st.LoadProducts(ctx, merged.e.accountID, skus, true)
		if err != nil {
			t.Fatal(err)
		}
		pb, err := separate.st.LoadProducts(ctx, separate.e.accountID, skus, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(pa) != len(pb) {
			t.Fatalf("%s: %d and %d products", step, len(pa), len(pb))
		}
		for sku, x := range pa {
			y := pb[sku]
			if y == nil || x.CatalogHash != y.CatalogHash || x.PriceHash != y.PriceHash || x.StockHash != y.StockHash ||
				x.Active != y.Active || x.LongDescription != y.LongDescription || !reflect.DeepEqual(x.Images, y.Images) {
				t.Errorf("%s: product %s differs:\nmerged   %+v\nseparate %+v", step, sku, *x, *y)
			}
		}
	}

	a, b := run(merged, catalog.RunOptions{}), run(separate, catalog.RunOptions{})
	if got := stageNames(a); len(got) != 4 || got[3] != catalog.StageContent {
		t.Fatalf("first run stages %v", got)
	}
	if a.Stages[3].Counts.Updated == 0 {
		t.Fatalf("first run: no content written: %+v", a.Stages[3].Counts)
	}
	compare("first sync", a, b)

	// The same changes on both sides: a price, a stock level, a product gone from the catalog,
	// and stored content that the extended catalog must overwrite.
	skus := merged.e.sb.SKUs()
	sb := shared.sb
	if err := sb.SetPrice(skus[3], decimal.RequireFromString("123.45")); err != nil {
		t.Fatal(err)
	}
	if err := sb.RemoveProduct(skus[5]); err != nil {
		t.Fatal(err)
	}
	stock, err := sb.Stock(skus[7])
	if err != nil {
		t.Fatal(err)
	}
	for loc := range stock {
		if err := sb.SetStock(skus[7], loc, 999); err != nil {
			t.Fatal(err)
		}
		break
	}
	for _, sd := range []*side{merged, separate} {
		stored, err := sd.st.LoadProducts(ctx, sd.e.accountID, skus[10:12], true)
		if err != nil {
			t.Fatal(err)
		}
		var stale []*mirror.Product
		for _, p := range stored {
			p.SetContent("stale description", nil, nil)
			stale = append(stale, p)
		}
		if err := sd.st.WriteProducts(ctx, sd.e.accountID, stale); err != nil {
			t.Fatal(err)
		}
	}
	a = run(merged, catalog.RunOptions{Content: catalog.ContentAlways})
	b = run(separate, catalog.RunOptions{Content: catalog.ContentAlways})
	if a.Stages[3].Counts.Updated < 2 {
		t.Errorf("second run: the stale content was not counted as updated: %+v", a.Stages[3].Counts)
	}
	compare("second sync", a, b)
	if merged.changes[skus[10]]&catalog.ChangeCatalog == 0 {
		t.Errorf("stale content repaired without a catalog change notification: %v", merged.changes[skus[10]])
	}
}
