package catalog_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// An "all" run that finds products unchanged from their hashes alone (without reading them
// whole) must end exactly as the full comparison does: same rows, counts and notifications,
// through new, unchanged, changed, removed and restored products, on both databases.
func TestHashShortcutMatchesFullComparison(t *testing.T) {
	storetest.Each(t, func(t *testing.T, fastStore *store.Store) {
		ctx := context.Background()
		e := newEnv(t, fastStore, 200)
		fullStore := storetest.New(t, fastStore.Dialect(), true)
		acct, err := fullStore.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
			BaseURL: "http://sandbox.invalid/v1/", APIKey: testAPIKey, AccessKey: testAccessKey})
		if err != nil || acct.ID != e.accountID {
			t.Fatalf("account %d on the second store, want %d: %v", acct.ID, e.accountID, err)
		}
		type side struct {
			st      *store.Store
			s       *catalog.Syncer
			changes map[string]catalog.Change
		}
		fast := &side{st: fastStore, s: catalog.New(fastStore, e.client, catalog.Options{BatchSize: 32})}
		full := &side{st: fullStore, s: catalog.New(fullStore, e.client, catalog.Options{BatchSize: 32})}
		catalog.DisableHashShortcut(full.s)
		run := func(sd *side, content catalog.ContentMode) catalog.Result {
			sd.changes = map[string]catalog.Change{}
			res, err := sd.s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{Content: content,
				OnChange: func(sku string, c catalog.Change) { sd.changes[sku] |= c }})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		step := func(name string, content catalog.ContentMode) {
			t.Helper()
			before := catalog.HashShortcuts(fast.s)
			a, b := run(fast, content), run(full, content)
			if len(a.Stages) != len(b.Stages) {
				t.Fatalf("%s: stages %v and %v", name, stageNames(a), stageNames(b))
			}
			for i := range a.Stages {
				if a.Stages[i].Counts != b.Stages[i].Counts {
					t.Errorf("%s: stage %s: shortcut %+v, full %+v", name, a.Stages[i].Stage, a.Stages[i].Counts, b.Stages[i].Counts)
				}
			}
			if a.SyncCounts != b.SyncCounts || a.Changed != b.Changed {
				t.Errorf("%s: totals shortcut %+v %+v, full %+v %+v", name, a.SyncCounts, a.Changed, b.SyncCounts, b.Changed)
			}
			if !reflect.DeepEqual(fast.changes, full.changes) {
				t.Errorf("%s: notifications differ:\nshortcut %v\nfull     %v", name, fast.changes, full.changes)
			}
			skus := e.sb.SKUs()
			pa, err := fast.st.LoadProducts(ctx, e.accountID, skus, true)
			if err != nil {
				t.Fatal(err)
			}
			pb, err := full.st.LoadProducts(ctx, e.accountID, skus, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(pa) != len(pb) || len(pa) == 0 {
				t.Fatalf("%s: %d and %d products", name, len(pa), len(pb))
			}
			for sku, x := range pa {
				y := pb[sku]
				if y == nil || x.CatalogHash != y.CatalogHash || x.PriceHash != y.PriceHash || x.StockHash != y.StockHash ||
					x.FieldsHash != y.FieldsHash || x.ContentHash != y.ContentHash || x.Active != y.Active {
					t.Errorf("%s: product %s differs:\nshortcut %+v\nfull     %+v", name, sku, *x, *y)
				}
				if want := x.HashesWithoutContent().Fields; x.FieldsHash != want {
					t.Errorf("%s: product %s stores fields hash %q, its fields hash to %q", name, sku, x.FieldsHash, want)
				}
			}
			// A run that merges the extended catalog compares every product in full.
			if content == catalog.ContentIfNeverFetched && catalog.HashShortcuts(fast.s) == before {
				t.Errorf("%s: no product was found unchanged from its hashes", name)
			}
		}

		step("first sync", catalog.ContentAlways)
		step("nothing changed", catalog.ContentIfNeverFetched)
		if catalog.HashShortcuts(full.s) != 0 {
			t.Fatal("the full side took the shortcut")
		}

		skus := e.sb.SKUs()
		e.sb.ChangeStock(15)
		for i, price := range []string{"0", "123.45", "0.01"} {
			if err := e.sb.SetPrice(skus[3+i], decimal.RequireFromString(price)); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.sb.RemoveProduct(skus[20]); err != nil {
			t.Fatal(err)
		}
		step("stock, prices, one product gone", catalog.ContentIfNeverFetched)

		if err := e.sb.RestoreProduct(skus[20]); err != nil {
			t.Fatal(err)
		}
		step("product back", catalog.ContentIfNeverFetched)

		// Stored products changed behind the sync's back, through the store (which keeps the
		// hashes), are put back by the next run on both sides.
		for _, sd := range []*side{fast, full} {
			stored, err := sd.st.LoadProducts(ctx, e.accountID, skus[30:33], true)
			if err != nil {
				t.Fatal(err)
			}
			var edited []*mirror.Product
			for _, p := range stored {
				p.DescriptionES += " (edited)"
				p.StockTotal += 5
				edited = append(edited, p)
			}
			if err := sd.st.WriteProducts(ctx, e.accountID, edited); err != nil {
				t.Fatal(err)
			}
		}
		step("stored products edited", catalog.ContentIfNeverFetched)
		if fast.changes[skus[30]]&catalog.ChangeCatalog == 0 {
			t.Errorf("an edited product was not put back: %v", fast.changes[skus[30]])
		}
		step("nothing changed again", catalog.ContentAlways)
	})
}

// Rows without a fields hash (written before the column existed) take the full comparison once,
// get their hash stored without any other write, and then take the shortcut.
func TestFieldsHashBackfill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, 120)
		s := catalog.New(st, e.client, catalog.Options{BatchSize: 32})
		if _, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{Content: catalog.ContentAlways}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().ExecContext(ctx, "UPDATE products SET fields_hash = ''"); err != nil {
			t.Fatal(err)
		}
		before := catalog.HashShortcuts(s)
		var notified int
		res, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{OnChange: func(string, catalog.Change) { notified++ }})
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted+res.Updated != 0 || notified != 0 || catalog.HashShortcuts(s) != before {
			t.Fatalf("backfill run: %+v, %d notifications, %d shortcuts", res.SyncCounts, notified, catalog.HashShortcuts(s)-before)
		}
		stored, err := st.LoadProducts(ctx, e.accountID, e.sb.SKUs(), false)
		if err != nil {
			t.Fatal(err)
		}
		for sku, p := range stored {
			if p.FieldsHash == "" || p.FieldsHash != p.HashesWithoutContent().Fields {
				t.Fatalf("%s: fields hash %q after the backfill run", sku, p.FieldsHash)
			}
		}
		if _, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := catalog.HashShortcuts(s) - before; got < int64(len(stored))/2 {
			t.Fatalf("after the backfill only %d of %d products took the shortcut", got, len(stored))
		}
	})
}
