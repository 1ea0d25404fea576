package syncjob_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/platforms/memory"
)

// TestRepushJobSendsOneListingWhole: "push now" of a published SKU queues a repush_listing job;
// the job sends that product whole to the storefront product it already has (an update, no
// new product), records the repush, and leaves nothing pending.
func TestRepushJobSendsOneListingWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 30, sandbox.Config{})
		f.run(catalog.KindAll)
		var sku string
		var before store.Listing
		for s, l := range f.pushed() {
			if l.State == store.ListingPublished && (sku == "" || s < sku) {
				sku, before = s, l
			}
		}
		if sku == "" {
			t.Fatal("nothing published")
		}

		// Changed by hand in the store: only a push of the whole product puts it back.
		sf := f.sfs.MemoryShop(f.shop.ID)
		want, _ := sf.Product(sku)
		sf.EditProduct(sku, func(p *memory.Product) { p.Title = "changed by hand" })
		sf.ResetCalls()

		ws := jobs.NewWorkers()
		syncjob.AddWorkers(ws, f.runner, syncjob.PurgePolicy{})
		client, err := jobs.NewClient(st, jobs.Config{Workers: ws})
		if err != nil {
			t.Fatal(err)
		}
		job, err := syncjob.EnqueueRepush(f.ctx, client, f.shop.ID, " "+sku+" ")
		if err != nil {
			t.Fatal(err)
		}
		again, err := syncjob.EnqueueRepush(f.ctx, client, f.shop.ID, sku)
		if err != nil || again.ID != job.ID {
			t.Fatalf("second repush while the first waits = %+v, %v; want job %d", again, err, job.ID)
		}
		if n, err := client.Drain(f.ctx); err != nil || n != 1 {
			t.Fatalf("drain = %d, %v", n, err)
		}
		if got, err := client.Get(f.ctx, job.ID); err != nil || got.State != jobs.StateCompleted {
			t.Fatalf("repush job = %+v, %v", got, err)
		}
		after := f.pushed()[sku]
		if after.ProductID != before.ProductID || after.PendingChange != "" || after.ContentHash != before.ContentHash ||
			after.State != store.ListingPublished {
			t.Errorf("after the repush: %+v\nbefore: %+v", after, before)
		}
		if got, _ := sf.Product(sku); got.Title != want.Title {
			t.Errorf("storefront title %q, want %q back", got.Title, want.Title)
		}
		var upserts [][]string
		for _, c := range sf.Calls() {
			if c.Method == "UpsertProducts" {
				upserts = append(upserts, c.Items)
			}
		}
		if len(upserts) != 1 || !slices.Equal(upserts[0], []string{sku}) {
			t.Errorf("upserts %v, want one of %s", upserts, sku)
		}
		if evs := f.events(f.shop.ID, sku); !slices.Contains(evs, listing.EventRepush) {
			t.Errorf("events %v, want a repush", evs)
		}

		// The push itself: one update, for the marked SKU.
		if _, err := f.runner.Repush(f.ctx, syncjob.RepushRequest{ShopID: f.shop.ID, SKU: sku}); err != nil {
			t.Fatal(err)
		}
		sum, err := f.runner.Push(f.ctx, syncjob.PushRequest{ShopID: f.shop.ID})
		if err != nil || sum.Changes.Len() != 0 {
			t.Errorf("push after the repush = %+v, %v; want nothing left", sum.Changes, err)
		}
	})
}

func TestRepushRefusesBadRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 5, sandbox.Config{})
		client, err := jobs.NewClient(st, jobs.Config{Workers: jobs.NewWorkers()})
		if err != nil {
			t.Fatal(err)
		}
		for _, sku := range []string{"", "  ", string(make([]byte, 300))} {
			if _, err := syncjob.EnqueueRepush(f.ctx, client, f.shop.ID, sku); !errors.Is(err, syncjob.ErrInvalid) {
				t.Errorf("EnqueueRepush(%q) = %v, want ErrInvalid", sku, err)
			}
		}
		if _, err := f.runner.Repush(f.ctx, syncjob.RepushRequest{ShopID: 999, SKU: "X"}); !errors.Is(err, syncjob.ErrInvalid) {
			t.Errorf("repush to an unknown shop = %v, want ErrInvalid", err)
		}
		// A SKU never listed has nothing to mark: the push runs all the same.
		if _, err := f.runner.Repush(f.ctx, syncjob.RepushRequest{ShopID: f.shop.ID, SKU: "NOPE"}); err != nil {
			t.Errorf("repush of an unknown SKU: %v", err)
		}
	})
}
