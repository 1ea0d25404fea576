package listing_test

import (
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/memory"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

func verify(t *testing.T, f *fixture, sf platforms.Storefront) listing.VerifySummary {
	t.Helper()
	vs, err := f.syncer.Verify(f.ctx, f.shop.ID, sf)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestVerifyRepairsDrift is the fourth finding: after a sale the store showed stock 17
// while the connector kept 20 as pushed. Verify reads the store in pages, finds what differs
// from what was pushed (a sale, a price changed by hand, a product taken off sale by hand, one
// deleted), and marks it so that the normal plan and push repair it; the merchant's own product
// is left alone; a second verification finds nothing to repair.
func TestVerifyRepairsDrift(t *testing.T) {
	eachStoreUnderTest(t, 8, func(t *testing.T, st *store.Store, s storeUnderTest, f *fixture) {
		mine := platformsProduct("MINE-1")
		if res, err := s.sf.UpsertProducts(f.ctx, []platforms.ProductInput{mine}); err != nil || res[0].Err != nil {
			t.Fatalf("merchant's product: %+v, %v", res, err)
		}
		if vs := verify(t, f, s.sf); vs.Listings != 0 || vs.Matching != 8 || vs.NotOurs != 1 || vs.Checked != 9 {
			t.Fatalf("verification of a store as pushed: %+v", vs)
		}

		s.sell("SKU00001", 17)
		s.reprice("SKU00002", "99.00")
		s.takeOff("SKU00003")
		s.del("SKU00004")
		vs := verify(t, f, s.sf)
		want := map[listing.Drift]int{listing.DriftStock: 1, listing.DriftPrice: 1, listing.DriftStatus: 1, listing.DriftMissing: 1}
		if !maps.Equal(vs.Repaired, want) || vs.Listings != 4 || vs.Missing != 1 || vs.Matching != 4 || vs.NotOurs != 1 || vs.Checked != 8 {
			t.Fatalf("verification: %+v, want repaired %v", vs, want)
		}
		if got := eventKinds(t, st, f.shop.ID, "SKU00001"); !slices.Equal(got, []string{listing.EventRepaired}) {
			t.Errorf("events of SKU00001: %v", got)
		}
		if got := eventKinds(t, st, f.shop.ID, "SKU00004"); !slices.Equal(got, []string{listing.EventMissing}) {
			t.Errorf("events of SKU00004: %v", got)
		}

		// The repair is the normal path: a plan with one change each, and a push.
		f.plan(map[listing.Kind]int{listing.KindStock: 1, listing.KindPrice: 1, listing.KindUpdate: 1, listing.KindCreate: 1})
		pushOK(t, f, s.sf)
		listed := platformtest.ListAll(t, s.sf, 100)
		for sku, p := range listed {
			if sku == "MINE-1" {
				continue
			}
			if p.Stock != 20 || !p.Published || p.Status != platforms.StatusPublish || p.Price != listed["SKU00000"].Price {
				t.Errorf("%s after the repair: %+v", sku, p)
			}
		}
		if len(listed) != 9 {
			t.Errorf("%d products in the store after the repair: %v", len(listed), listed)
		}
		if vs := verify(t, f, s.sf); vs.Listings != 0 || vs.Missing != 0 || vs.Matching != 8 || vs.NotOurs != 1 {
			t.Fatalf("second verification: %+v", vs)
		}
		f.plan(nil)
	})
}

// TestVerifyUnpublishedByConnector: a product the connector took off sale and the merchant put
// back on sale is taken off sale again; one the merchant deleted meanwhile is forgotten, not
// created again.
func TestVerifyUnpublishedByConnector(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 4, 4)
		f.plan(map[listing.Kind]int{listing.KindCreate: 4})
		pushOK(t, f, f.sf)
		f.products[1].Active, f.products[2].Active = false, false
		f.save(f.products[1], f.products[2])
		f.plan(map[listing.Kind]int{listing.KindUnpublish: 2})
		pushOK(t, f, f.sf)

		f.sf.EditProduct("SKU00001", func(p *memory.Product) { p.Published = true })
		f.sf.DeleteProduct("SKU00002")
		vs := verify(t, f, f.sf)
		if vs.Repaired[listing.DriftPublished] != 1 || vs.Missing != 1 || vs.Repaired[listing.DriftMissing] != 0 || vs.Listings != 1 {
			t.Fatalf("verification %+v", vs)
		}
		f.plan(map[listing.Kind]int{listing.KindUnpublish: 1})
		pushOK(t, f, f.sf)
		if p, _ := f.sf.Product("SKU00001"); p.Published {
			t.Fatal("SKU00001 still on sale")
		}
		if l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00002"); l.ProductID != "" || l.State != store.ListingUnpublished {
			t.Fatalf("SKU00002 listing %+v", l)
		}
		if vs := verify(t, f, f.sf); vs.Listings != 0 || vs.Missing != 0 {
			t.Fatalf("second verification %+v", vs)
		}
	})
}

// TestVerifyTrashedWooCommerceProduct: a product the merchant put in WooCommerce's trash is not
// for sale and not listed by the store: the verification finds it missing and the push creates
// it again (the SKU is free), leaving the trashed copy alone.
func TestVerifyTrashedWooCommerceProduct(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fake, base, hc := wooFake(t, wootest.Config{})
		sf := wooClient(t, base, hc, 4)
		f := setup(t, st, 3, 4)
		f.plan(map[listing.Kind]int{listing.KindCreate: 3})
		pushOK(t, f, sf)
		trashed, _ := fake.ProductBySKU("SKU00001")
		fake.DeleteProduct(trashed.ID, false)
		if vs := verify(t, f, sf); vs.Missing != 1 || vs.Repaired[listing.DriftMissing] != 1 || vs.Matching != 2 {
			t.Fatalf("verification %+v", vs)
		}
		f.plan(map[listing.Kind]int{listing.KindCreate: 1})
		pushOK(t, f, sf)
		l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001")
		if l.ProductID == "" || l.ProductID == strconv.Itoa(trashed.ID) || l.State != store.ListingPublished {
			t.Fatalf("listing %+v (trashed product %d)", l, trashed.ID)
		}
		if vs := verify(t, f, sf); vs.Listings != 0 || vs.Matching != 3 {
			t.Fatalf("second verification %+v", vs)
		}
	})
}
