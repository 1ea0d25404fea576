package listing_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// TestResetListing: a reset listing is planned from scratch and pushed whole; the create adopts
// the store's product with its SKU (no duplicate, no image sent again). A product the shop no
// longer sells keeps its id, so the push can take it off sale.
func TestResetListing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 4, 4)
		f.plan(map[listing.Kind]int{listing.KindCreate: 4})
		pushOK(t, f, f.sf)
		uploads := len(f.sf.Uploads())
		sp, _ := f.sf.Product("SKU00001")

		// A price change the store refuses: the listing is in error.
		f.products[1].Cost = f.products[1].Cost.Add(f.products[1].Cost)
		f.save(f.products[1])
		f.plan(map[listing.Kind]int{listing.KindPrice: 1})
		f.sf.FailSKU("SKU00001", errors.New("refused"))
		if sum, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf); err != nil || sum.Failed != 1 {
			t.Fatalf("push: %+v, %v", sum, err)
		}
		f.sf.FailSKU("SKU00001", nil)

		before, after, err := f.syncer.Reset(f.ctx, f.shop.ID, "SKU00001")
		if err != nil {
			t.Fatal(err)
		}
		if before.State != store.ListingError || after.State != store.ListingPending || after.ProductID != "" || after.LastError != "" ||
			after.Attempts != 0 || after.PendingChange != "" || after.ContentHash != "" || after.PriceHash != "" || after.StockHash != "" ||
			after.ImagesHash != "" || after.Price.Valid || !after.PushedAt.IsZero() {
			t.Fatalf("reset: before %+v, after %+v", before, after)
		}
		if saved, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001"); saved.ProductID != "" || saved.State != store.ListingPending {
			t.Fatalf("saved %+v", saved)
		}
		cs := f.plan(map[listing.Kind]int{listing.KindCreate: 1})
		if cs.Images != 1 {
			t.Fatalf("images planned %d", cs.Images)
		}
		sum := pushOK(t, f, f.sf)
		if sum.Adopted != 1 || sum.Images.Uploaded != 0 || sum.Images.Reused != 2 || len(f.sf.Products()) != 4 || len(f.sf.Uploads()) != uploads {
			t.Fatalf("push after the reset: %+v, %d products", sum, len(f.sf.Products()))
		}
		if l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001"); l.ProductID != sp.Ref.ProductID || l.State != store.ListingPublished || l.PendingChange != "" {
			t.Fatalf("listing after the push %+v (product %s)", l, sp.Ref.ProductID)
		}
		if p, _ := f.sf.Product("SKU00001"); p.Price != "240.00" {
			t.Fatalf("product %+v", p)
		}
		if got := eventKinds(t, st, f.shop.ID, "SKU00001"); !slices.Equal(got, []string{listing.EventAdopted, listing.EventReset}) {
			t.Errorf("events %v", got)
		}
		f.plan(nil)

		// No longer sold, still on sale: the reset keeps the id and the plan takes it down.
		f.products[2].Active = false
		f.save(f.products[2])
		_, after, err = f.syncer.Reset(f.ctx, f.shop.ID, "SKU00002")
		if err != nil || after.ProductID == "" || after.State != store.ListingPublished {
			t.Fatalf("reset of an unwanted product: %+v, %v", after, err)
		}
		f.plan(map[listing.Kind]int{listing.KindUnpublish: 1})
		pushOK(t, f, f.sf)
		if p, _ := f.sf.Product("SKU00002"); p.Published {
			t.Fatal("SKU00002 still on sale")
		}

		if _, _, err := f.syncer.Reset(f.ctx, f.shop.ID, "NOPE"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("reset of an unknown SKU: %v", err)
		}
	})
}
