package listing_test

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/memory"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

// storeUnderTest is a storefront with the hands of a merchant on it.
type storeUnderTest struct {
	sf platforms.Storefront
	// del deletes the product of sku as the merchant does in the shop's admin.
	del func(sku string)
	// productID is the id of the storefront product holding sku ("" none).
	productID func(sku string) string
	// uploads counts the images the store has received by URL so far.
	uploads func() int
	// mediaGone: deleting a product deletes its images, which must be uploaded again.
	mediaGone bool
	// sell sets the product's stock, reprice its price, takeOff puts it off sale, as a sale or
	// the merchant by hand would.
	sell    func(sku string, stock int)
	reprice func(sku, price string)
	takeOff func(sku string)
}

// storesUnderTest are the memory storefront (both ways of treating a deleted product's media)
// and the WooCommerce and Shopify adapters against their fakes.
func storesUnderTest() map[string]func(t *testing.T) storeUnderTest {
	mem := func(gone bool) func(t *testing.T) storeUnderTest {
		return func(t *testing.T) storeUnderTest {
			sf := memory.New(memory.Config{BatchSize: 4, MediaDeletedWithProduct: gone})
			edit := func(sku string, fn func(p *memory.Product)) {
				if !sf.EditProduct(sku, fn) {
					t.Fatalf("no product %s to edit", sku)
				}
			}
			return storeUnderTest{sf: sf, mediaGone: gone,
				sell:    func(sku string, n int) { edit(sku, func(p *memory.Product) { p.Stock = n }) },
				reprice: func(sku, price string) { edit(sku, func(p *memory.Product) { p.Price = price }) },
				takeOff: func(sku string) { edit(sku, func(p *memory.Product) { p.Published = false }) },
				del: func(sku string) {
					if !sf.DeleteProduct(sku) {
						t.Fatalf("no product %s to delete", sku)
					}
				},
				productID: func(sku string) string { p, _ := sf.Product(sku); return p.Ref.ProductID },
				uploads: func() int {
					n := 0
					for _, c := range sf.Uploads() {
						n += c
					}
					return n
				}}
		}
	}
	return map[string]func(t *testing.T) storeUnderTest{
		"memory":                       mem(false),
		"memory_media_go_with_product": mem(true),
		"woocommerce": func(t *testing.T) storeUnderTest {
			fake, base, hc := wooFake(t, wootest.Config{})
			id := func(sku string) int { p, _ := fake.ProductBySKU(sku); return p.ID }
			edit := func(sku string, fields map[string]any) {
				if err := fake.EditProduct(id(sku), fields); err != nil {
					t.Fatal(err)
				}
			}
			return storeUnderTest{sf: wooClient(t, base, hc, 4),
				sell:    func(sku string, n int) { edit(sku, map[string]any{"stock_quantity": n}) },
				reprice: func(sku, price string) { edit(sku, map[string]any{"regular_price": price}) },
				takeOff: func(sku string) { edit(sku, map[string]any{"status": "draft"}) },
				del: func(sku string) {
					if !fake.DeleteProduct(id(sku), true) {
						t.Fatalf("no product %s to delete", sku)
					}
				},
				productID: func(sku string) string {
					if n := id(sku); n != 0 {
						return strconv.Itoa(n)
					}
					return ""
				},
				uploads: fake.Sideloads}
		},
		"shopify": func(t *testing.T) storeUnderTest {
			fake := shopifytest.New(shopifytest.Config{AccessToken: "shpat_gone", Currency: "USD",
				// A roomy budget: the reads of the verification cost 800 points a page.
				BucketSize: 50_000, RestoreRate: 5_000})
			t.Cleanup(fake.Close)
			c, err := shopify.New(shopify.Config{Shop: fake.Config().Shop, AccessToken: "shpat_gone", BaseURL: fake.URL(),
				HTTPClient: &http.Client{Transport: fake.Client().Transport}})
			if err != nil {
				t.Fatal(err)
			}
			edit := func(sku string, fn func(p *shopifytest.Product)) {
				p, _, ok := fake.ProductBySKU(sku)
				if !ok || !fake.EditProduct(p.ID, fn) {
					t.Fatalf("no product %s to edit", sku)
				}
			}
			return storeUnderTest{sf: c, mediaGone: true,
				sell: func(sku string, n int) {
					_, v, _ := fake.ProductBySKU(sku)
					fake.SetInventoryLevel(v.InventoryItemID, fake.Locations()[0].ID, n)
				},
				reprice: func(sku, price string) {
					edit(sku, func(p *shopifytest.Product) { p.Variants[0].Price = decimal.RequireFromString(price) })
				},
				takeOff: func(sku string) { edit(sku, func(p *shopifytest.Product) { p.Status = "DRAFT" }) },
				del: func(sku string) {
					p, _, ok := fake.ProductBySKU(sku)
					if !ok || !fake.DeleteProduct(p.ID) {
						t.Fatalf("no product %s to delete", sku)
					}
				},
				productID: func(sku string) string { p, _, _ := fake.ProductBySKU(sku); return p.ID },
				uploads: func() int {
					n := 0
					for _, c := range fake.Uploads() {
						n += c
					}
					return n
				}}
		},
	}
}

// eachStoreUnderTest runs fn for every store under test on every database, with the fixture's
// catalog of n products pushed to it.
func eachStoreUnderTest(t *testing.T, n int, fn func(t *testing.T, st *store.Store, s storeUnderTest, f *fixture)) {
	for name, mk := range storesUnderTest() {
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				s := mk(t)
				f := setup(t, st, n, 4)
				f.plan(map[listing.Kind]int{listing.KindCreate: n})
				pushOK(t, f, s.sf)
				fn(t, st, s, f)
			})
		})
	}
}

func eventKinds(t *testing.T, st *store.Store, shopID int64, sku string) []string {
	t.Helper()
	evs, err := st.ListingEvents(t.Context(), shopID, sku, 10)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// TestProductDeletedInStoreIsRecreated is the second finding: a product the merchant
// deletes in the store is created again by the next push that has a change for it, in the same
// push and without a failure, with its images attached again (uploaded again only where the
// platform deleted them with the product), and the event is recorded. An unpublish of a deleted
// product just records it unpublished.
func TestProductDeletedInStoreIsRecreated(t *testing.T) {
	eachStoreUnderTest(t, 8, func(t *testing.T, st *store.Store, s storeUnderTest, f *fixture) {
		before := s.uploads()
		gone := s.productID("SKU00002")

		// A sale leaves both with less stock; one of them was deleted in the store.
		s.del("SKU00002")
		for _, p := range f.products[2:4] {
			p.StockTotal, p.StockByLocation = 4, map[string]int{"xclq1": 4}
		}
		f.save(f.products[2:4]...)
		f.plan(map[listing.Kind]int{listing.KindStock: 2})
		sum := pushOK(t, f, s.sf)
		if sum.Recreated != 1 || sum.Pushed[listing.KindStock] != 1 || sum.Pushed[listing.KindCreate] != 1 || sum.Images.Attached != 1 {
			t.Fatalf("push summary %+v", sum)
		}
		now := s.productID("SKU00002")
		l, err := st.Listing(f.ctx, f.shop.ID, "SKU00002")
		if err != nil {
			t.Fatal(err)
		}
		if now == "" || now == gone || l.ProductID != now || l.State != store.ListingPublished || l.PendingChange != "" ||
			l.LastError != "" || l.Stock != 4 || l.ImagesHash == "" || l.DesiredImages != "" {
			t.Fatalf("product %q (was %q), listing %+v", now, gone, l)
		}
		wantUploads := before
		if s.mediaGone {
			wantUploads += 2 // its two images went with it
		}
		if got := s.uploads(); got != wantUploads {
			t.Errorf("%d images uploaded in all, want %d (media gone with the product: %v)", got, wantUploads, s.mediaGone)
		}
		if got := eventKinds(t, st, f.shop.ID, "SKU00002"); !slices.Equal(got, []string{listing.EventRecreated, listing.EventGone}) {
			t.Errorf("events %v", got)
		}
		// Nothing left to do: the next run pushes nothing.
		f.plan(nil)
		if again := pushOK(t, f, s.sf); again.Calls != 0 {
			t.Fatalf("a push after the recreation made %d calls: %+v", again.Calls, again)
		}

		// A product deleted in the store that the connector takes off sale: nothing to
		// take down, it is recorded unpublished.
		s.del("SKU00005")
		f.products[5].Active = false
		f.save(f.products[5])
		f.plan(map[listing.Kind]int{listing.KindUnpublish: 1})
		sum = pushOK(t, f, s.sf)
		if sum.Gone != 1 || sum.Recreated != 0 {
			t.Fatalf("unpublish summary %+v", sum)
		}
		l, _ = st.Listing(f.ctx, f.shop.ID, "SKU00005")
		if l.State != store.ListingUnpublished || l.ProductID != "" || l.PendingChange != "" || s.productID("SKU00005") != "" {
			t.Fatalf("listing %+v", l)
		}
		if got := eventKinds(t, st, f.shop.ID, "SKU00005"); !slices.Equal(got, []string{listing.EventGone}) {
			t.Errorf("events %v", got)
		}
		f.plan(nil)
		// Wanted again: created anew.
		f.products[5].Active = true
		f.save(f.products[5])
		f.plan(map[listing.Kind]int{listing.KindCreate: 1})
		pushOK(t, f, s.sf)
		if s.productID("SKU00005") == "" {
			t.Fatal("SKU00005 not created again")
		}
	})
}

// TestDeletedProductAdoptedBySKU: the merchant deleted the product and made another with the
// same SKU; the next change finds the old one gone and the create adopts the new one (no
// duplicate), recorded as such.
func TestDeletedProductAdoptedBySKU(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 4, 4)
		f.plan(map[listing.Kind]int{listing.KindCreate: 4})
		pushOK(t, f, f.sf)
		f.sf.DeleteProduct("SKU00001")
		mine := platformsProduct("SKU00001")
		res, err := f.sf.UpsertProducts(f.ctx, []platforms.ProductInput{mine})
		if err != nil || res[0].Err != nil {
			t.Fatalf("merchant's product: %+v, %v", res, err)
		}
		f.products[1].Cost = f.products[1].Cost.Add(f.products[1].Cost)
		f.save(f.products[1])
		f.plan(map[listing.Kind]int{listing.KindPrice: 1})
		sum := pushOK(t, f, f.sf)
		if sum.Recreated != 1 || sum.Adopted != 1 || len(f.sf.Products()) != 4 {
			t.Fatalf("summary %+v, %d products", sum, len(f.sf.Products()))
		}
		l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001")
		if l.ProductID != res[0].Ref.ProductID || l.PendingChange != "" {
			t.Fatalf("listing %+v, merchant's product %s", l, res[0].Ref.ProductID)
		}
		if p, _ := f.sf.Product("SKU00001"); p.Price != "240.00" || p.Title != "Portátil SKU00001" || len(p.Images) != 2 {
			t.Fatalf("adopted product %+v", p)
		}
		if got := eventKinds(t, st, f.shop.ID, "SKU00001"); !slices.Equal(got, []string{listing.EventAdopted, listing.EventGone}) {
			t.Errorf("events %v", got)
		}
	})
}

func platformsProduct(sku string) platforms.ProductInput {
	return platforms.ProductInput{Ref: platforms.ProductRef{SKU: sku}, Title: "Merchant's " + sku, Price: "1.00", Currency: "USD",
		ManageStock: true, Stock: 1, Status: platforms.StatusPublish}
}

// TestImagesOfDeletedProduct: a product deleted in the store whose image list is still to be
// attached (an earlier image call failed) is found gone by the image pass, recorded, and created
// again, with its images, by the next run.
func TestImagesOfDeletedProduct(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 4, 4)
		f.sf.FailImages("SKU00001", errors.New("image host down"))
		f.plan(map[listing.Kind]int{listing.KindCreate: 4})
		if sum, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf); err != nil || sum.Images.Failed != 1 {
			t.Fatalf("first push: %+v, %v", sum, err)
		}
		f.sf.FailImages("SKU00001", nil)
		f.sf.DeleteProduct("SKU00001")
		// An hour later the failed call's uploads have settled: they are looked for (the
		// product is gone) before anything is sent again.
		later := time.Hour
		f.syncer.Now = func() time.Time { return time.Now().Add(later) }
		if cs := f.plan(nil); cs.Images != 1 {
			t.Fatalf("image lists planned: %d", cs.Images)
		}
		sum, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf)
		if err != nil || sum.Failed != 0 || sum.Images.Attached != 0 {
			t.Fatalf("push: %+v, %v", sum, err)
		}
		if got := eventKinds(t, st, f.shop.ID, "SKU00001"); !slices.Equal(got, []string{listing.EventGone}) {
			t.Fatalf("events %v", got)
		}
		later = 2 * time.Hour // the uploads the gone product's set had marked have settled too
		f.plan(map[listing.Kind]int{listing.KindCreate: 1})
		sum = pushOK(t, f, f.sf)
		p, ok := f.sf.Product("SKU00001")
		if sum.Images.Attached != 1 || !ok || len(p.Images) != 2 {
			t.Fatalf("second push %+v, product %+v", sum, p)
		}
		l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001")
		if l.ProductID != p.Ref.ProductID || l.DesiredImages != "" || l.ImagesHash == "" {
			t.Fatalf("listing %+v", l)
		}
		f.plan(nil)
	})
}
