package listing_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms/memory"
)

// uploadedOnce fails the test when the storefront received any image URL twice.
func uploadedOnce(t *testing.T, sf *memory.Storefront, want int) {
	t.Helper()
	ups := sf.Uploads()
	for u, n := range ups {
		if n != 1 {
			t.Errorf("%s uploaded %d times", u, n)
		}
	}
	if len(ups) != want {
		t.Errorf("%d distinct images uploaded, want %d", len(ups), want)
	}
}

// TestImagesAcrossRestartAndLocale: a new process (a new Syncer on the same database) and a
// locale change, which updates every product, send no image again; a shared image is uploaded
// once for every product that shows it.
func TestImagesAcrossRestartAndLocale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n, batch = 40, 6
		f := setup(t, st, n, batch)
		for _, p := range f.products[:10] {
			p.Images = append(p.Images, "https://img/shared.jpg")
		}
		f.save(f.products[:10]...)
		f.plan(map[listing.Kind]int{listing.KindCreate: n})
		sum, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Images.Attached != n || sum.Images.Uploaded != 2*n+1 || sum.Images.Reused != 9 {
			t.Fatalf("first push images %+v", sum.Images)
		}
		uploadedOnce(t, f.sf, 2*n+1)
		shared := map[string]bool{}
		for _, p := range f.products[:10] {
			sp, _ := f.sf.Product(p.SKU)
			if len(sp.Images) != 3 || sp.Images[2].URL != "https://img/shared.jpg" {
				t.Fatalf("%s images %+v", p.SKU, sp.Images)
			}
			shared[sp.Images[2].MediaID] = true
		}
		if len(shared) != 1 {
			t.Fatalf("shared image has %d media ids", len(shared))
		}

		// A new process: nothing of the first one but the database.
		f.syncer = &listing.Syncer{Store: st, PageSize: 16}
		f.noChange()

		// Locale change: every title changes, every product is updated, no image is sent.
		f.shop.Locale = "en"
		if _, err := st.SaveShop(f.ctx, f.shop); err != nil {
			t.Fatal(err)
		}
		cs := f.plan(map[listing.Kind]int{listing.KindUpdate: n})
		if cs.Images != 0 {
			t.Fatalf("a locale change plans %d image lists", cs.Images)
		}
		f.push(map[string]int{"UpsertProducts": ceil(n, batch), "EnsureCategories": 1, "EnsureBrands": 1})
		if sp, _ := f.sf.Product("SKU00013"); sp.Title != "Notebook SKU00013" || len(sp.Images) != 2 {
			t.Fatalf("after the locale change %+v", sp)
		}
		uploadedOnce(t, f.sf, 2*n+1)
		f.noChange()
	})
}

// TestImagesOrphans: an image the connector uploaded that no listing shows any more is deleted
// from the shop (never one the merchant uploaded); a shop that cannot delete media keeps it,
// recorded, and reuses it when a listing wants it again.
func TestImagesOrphans(t *testing.T) {
	for _, canDelete := range []bool{true, false} {
		t.Run(fmt.Sprintf("delete=%v", canDelete), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				f := setup(t, st, 5, 10)
				f.sf = memory.New(memory.Config{BatchSize: 10, NoDeleteMedia: !canDelete})
				merchant := f.sf.AddMedia("https://merchant.example/banner.jpg")
				f.plan(map[listing.Kind]int{listing.KindCreate: 5})
				f.push(map[string]int{"UpsertProducts": 1, "EnsureCategories": 1, "EnsureBrands": 1, "SetImages": 1})
				before, _ := f.sf.Product("SKU00001")
				dropped := before.Images[1]

				// SKU00001 drops its second image and gains a new one.
				p := f.products[1]
				p.Images = []string{p.Images[0], "https://img/SKU00001-3.jpg"}
				f.save(p)
				cs := f.plan(map[listing.Kind]int{listing.KindUpdate: 1})
				if cs.Images != 1 {
					t.Fatalf("%d image lists planned", cs.Images)
				}
				calls := map[string]int{"UpsertProducts": 1, "EnsureCategories": 1, "EnsureBrands": 1, "SetImages": 1}
				if canDelete {
					calls["DeleteMedia"] = 1
				}
				sum := f.push(calls)
				if sum.Images.Uploaded != 1 || sum.Images.Reused != 1 {
					t.Fatalf("images %+v", sum.Images)
				}
				media := f.sf.Media()
				if _, ok := media[merchant]; !ok {
					t.Fatal("the merchant's image was deleted")
				}
				_, still := media[dropped.MediaID]
				counts, err := st.ImageCounts(f.ctx, f.shop.ID)
				if err != nil {
					t.Fatal(err)
				}
				if canDelete {
					if still || sum.Images.OrphansDeleted != 1 || counts[store.ImageOrphan] != 0 {
						t.Fatalf("orphan not deleted: still=%v summary %+v counts %v", still, sum.Images, counts)
					}
					for _, c := range f.sf.Calls() {
						if c.Method == "DeleteMedia" && (len(c.Items) != 1 || c.Items[0] != dropped.MediaID) {
							t.Fatalf("DeleteMedia(%v), want only %s", c.Items, dropped.MediaID)
						}
					}
				} else {
					if !still || sum.Images.OrphansKept != 1 || counts[store.ImageOrphan] != 1 {
						t.Fatalf("orphan not kept: still=%v summary %+v counts %v", still, sum.Images, counts)
					}
				}
				if sp, _ := f.sf.Product("SKU00001"); len(sp.Images) != 2 || sp.Images[0] != before.Images[0] || sp.Images[1].URL != "https://img/SKU00001-3.jpg" {
					t.Fatalf("images %+v", sp.Images)
				}
				f.noChange()

				// The dropped image is wanted again: a kept orphan is reused, a deleted one uploaded.
				p.Images = append(p.Images, dropped.URL)
				f.save(p)
				f.plan(map[listing.Kind]int{listing.KindUpdate: 1})
				sum = f.push(map[string]int{"UpsertProducts": 1, "EnsureCategories": 1, "EnsureBrands": 1, "SetImages": 1})
				wantUploads := 0
				if canDelete {
					wantUploads = 1
				}
				if sum.Images.Uploaded != wantUploads || sum.Images.Reused != 3-wantUploads {
					t.Fatalf("wanted again: images %+v", sum.Images)
				}
				if counts, _ := st.ImageCounts(f.ctx, f.shop.ID); counts[store.ImageOrphan] != 0 {
					t.Fatalf("counts %v", counts)
				}
				f.noChange()
			})
		})
	}
}

// TestImagesInterrupted: a SetImages call applied by the storefront whose answer never came
// (a timeout, Ctrl-C) leaves its uploads marked; while they may still be running the lists that
// need them wait, and afterwards they are found on the storefront: no image is sent twice.
func TestImagesInterrupted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n, batch = 12, 4
		f := setup(t, st, n, batch)
		now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		f.syncer.Now = func() time.Time { return now }
		f.syncer.ImageConcurrency = 1 // the lost call is the first; nothing runs beside it
		f.plan(map[listing.Kind]int{listing.KindCreate: n})
		f.sf.LoseAnswers("SetImages", 1)
		sum, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf)
		if !errors.Is(err, memory.ErrAnswerLost) {
			t.Fatalf("push: %v", err)
		}
		if len(f.sf.Products()) != n || sum.Images.Failed != batch {
			t.Fatalf("products %d, images %+v", len(f.sf.Products()), sum.Images)
		}
		if counts, _ := st.ImageCounts(f.ctx, f.shop.ID); counts[store.ImageUploading] != 2*batch {
			t.Fatalf("counts %v", counts)
		}

		// Right away: the lost uploads may still be running; their lists wait, the others go.
		f.syncer = &listing.Syncer{Store: st, PageSize: 16, Now: func() time.Time { return now.Add(time.Minute) }}
		f.plan(nil)
		sum = f.push(map[string]int{"SetImages": ceil(n-batch, batch)})
		if sum.Images.Deferred != batch || sum.Images.Attached != n-batch {
			t.Fatalf("images %+v", sum.Images)
		}

		// Later: they are found on the storefront, recorded, and referenced by id.
		f.syncer.Now = func() time.Time { return now.Add(time.Hour) }
		sum = f.push(map[string]int{"FindImages": 1, "SetImages": 1})
		if sum.Images.Recovered != 2*batch || sum.Images.Lost != 0 || sum.Images.Uploaded != 0 || sum.Images.Reused != 2*batch {
			t.Fatalf("images %+v", sum.Images)
		}
		uploadedOnce(t, f.sf, 2*n)
		if counts, _ := st.ImageCounts(f.ctx, f.shop.ID); counts[store.ImageReady] != 2*n || len(counts) != 1 {
			t.Fatalf("counts %v", counts)
		}
		f.noChange()
	})
}

// TestImagesCanceled: a push cancelled while image calls are in flight ends with the context's
// error, and the next push finishes the job with every image uploaded once.
func TestImagesCanceled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n, batch = 20, 4
		f := setup(t, st, n, batch)
		f.plan(map[listing.Kind]int{listing.KindCreate: n})
		started, release := f.sf.HoldImages()
		ctx, cancel := context.WithCancel(f.ctx)
		done := make(chan error, 1)
		go func() {
			_, err := f.syncer.Push(ctx, f.shop.ID, f.sf)
			done <- err
		}()
		<-started
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("push: %v", err)
		}
		release()
		if len(f.sf.Uploads()) != 0 {
			t.Fatal("a cancelled call uploaded")
		}
		f.syncer.Now = func() time.Time { return time.Now().Add(time.Hour) } // past the settle time
		f.plan(nil)
		sum, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Images.Attached != n || sum.Images.Lost == 0 {
			t.Fatalf("images %+v", sum.Images)
		}
		uploadedOnce(t, f.sf, 2*n)
	})
}

// TestImageConcurrencyBounded: the image pass reaches ImageConcurrency calls in flight and
// never more.
func TestImageConcurrencyBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n, batch, conc = 40, 2, 3
		f := setup(t, st, n, batch)
		f.syncer.ImageConcurrency = conc
		f.plan(map[listing.Kind]int{listing.KindCreate: n})
		started, release := f.sf.HoldImages()
		done := make(chan error, 1)
		go func() {
			_, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf)
			done <- err
		}()
		for range conc { // the pass has conc calls waiting at once
			<-started
		}
		release()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := f.sf.MaxConcurrentImageCalls(); got != conc {
			t.Fatalf("%d image calls at once, want %d", got, conc)
		}
		if got := f.sf.CountCalls("SetImages"); got != n/batch {
			t.Fatalf("%d SetImages calls", got)
		}
		uploadedOnce(t, f.sf, 2*n)
	})
}

// TestImagesItemFailure: a product whose image list the storefront refuses keeps it pending
// with the error, blocks nobody, and goes through on a later push; its upload is looked for
// first, and made once.
func TestImagesItemFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 6, 10)
		now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		f.syncer.Now = func() time.Time { return now }
		f.plan(map[listing.Kind]int{listing.KindCreate: 6})
		f.push(map[string]int{"UpsertProducts": 1, "EnsureCategories": 1, "EnsureBrands": 1, "SetImages": 1})
		for _, i := range []int{1, 2} {
			f.products[i].Images = append(f.products[i].Images, fmt.Sprintf("https://img/%s-3.jpg", f.products[i].SKU))
		}
		f.save(f.products[1], f.products[2])
		f.plan(map[listing.Kind]int{listing.KindUpdate: 2})
		f.sf.FailImages("SKU00001", errors.New("storefront says no"))
		_, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf)
		if err != nil {
			t.Fatal(err)
		}
		l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001")
		if l.DesiredImages == "" || l.LastError != "images: storefront says no" || l.State != store.ListingPublished {
			t.Fatalf("failed listing %+v", l)
		}
		if l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00002"); l.DesiredImages != "" {
			t.Fatalf("the neighbour is still pending: %+v", l)
		}
		f.sf.FailImages("SKU00001", nil)
		f.plan(nil)
		sum := f.push(nil) // the refused upload may still be running: it waits
		if sum.Images.Deferred != 1 {
			t.Fatalf("images %+v", sum.Images)
		}
		f.syncer.Now = func() time.Time { return now.Add(time.Hour) }
		sum = f.push(map[string]int{"FindImages": 1, "SetImages": 1})
		if sum.Images.Lost != 1 || sum.Images.Uploaded != 1 || sum.Images.Attached != 1 {
			t.Fatalf("images %+v", sum.Images)
		}
		if l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001"); l.DesiredImages != "" || l.LastError != "" {
			t.Fatalf("listing %+v", l)
		}
		uploadedOnce(t, f.sf, 2*6+2)
		f.noChange()
	})
}

// TestImagesLegacyListingsAdopted: a listing pushed before images were tracked (migration
// 00009 marks it legacy) had its images sent with the product: planning takes them as they are
// and sends nothing.
func TestImagesLegacyListingsAdopted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 3, 10)
		f.plan(map[listing.Kind]int{listing.KindCreate: 3})
		f.push(map[string]int{"UpsertProducts": 1, "EnsureCategories": 1, "EnsureBrands": 1, "SetImages": 1})
		l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001")
		want := l.ImagesHash
		l.ImagesHash = store.ImagesLegacy
		if err := st.SaveListings(f.ctx, []store.Listing{l}); err != nil {
			t.Fatal(err)
		}
		cs := f.plan(nil)
		if cs.Images != 0 {
			t.Fatalf("%d image lists planned for a legacy listing", cs.Images)
		}
		if l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00001"); l.ImagesHash != want || l.DesiredImages != "" {
			t.Fatalf("legacy listing %+v", l)
		}
		f.noChange()
	})
}
