package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestShopImagesMap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		long := "https://img.example/" + strings.Repeat("x", 900) + ".jpg" // longer than any index key
		a, b := "https://img.example/a.jpg", "https://img.example/b.jpg"

		// An upload about to be sent, then its outcome with the listings that show it.
		err := st.SaveImageBatch(ctx, store.ImageBatch{ShopID: shop.ID, Images: []store.ShopImage{
			{URL: a, State: store.ImageUploading, SKU: "S1", ProductID: "11"},
			{URL: long, State: store.ImageUploading, SKU: "S1", ProductID: "11"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		up, err := st.ShopImagesPage(ctx, shop.ID, store.ImageUploading, 0, 10)
		if err != nil || len(up) != 2 || up[0].URL != a || up[0].ProductID != "11" || up[0].SKU != "S1" {
			t.Fatalf("uploading = %+v, %v", up, err)
		}
		l := store.Listing{ShopID: shop.ID, SKU: "S1", ProductID: "11", State: store.ListingPublished,
			ImagesHash: "h1", DesiredImages: ""}
		err = st.SaveImageBatch(ctx, store.ImageBatch{ShopID: shop.ID,
			Images:   []store.ShopImage{{URL: a, MediaID: "20", State: store.ImageReady}, {URL: long, MediaID: "21", State: store.ImageReady}},
			Uses:     map[string][]string{"S1": {a, long}},
			Listings: []store.Listing{l},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.ShopImages(ctx, shop.ID, []string{a, b, long})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[a].MediaID != "20" || got[a].State != store.ImageReady || got[long].MediaID != "21" {
			t.Fatalf("images = %+v", got)
		}
		if _, ok := got[b]; ok {
			t.Fatal("an image never uploaded is recorded")
		}
		if got, _ := st.Listing(ctx, shop.ID, "S1"); got.ImagesHash != "h1" || got.DesiredImages != "" {
			t.Fatalf("listing = %+v", got)
		}
		if unused, err := st.UnusedShopImages(ctx, shop.ID, 0, 10); err != nil || len(unused) != 0 {
			t.Fatalf("unused = %+v, %v", unused, err)
		}

		// S1 now shows b only: a and the long one are used by nobody.
		err = st.SaveImageBatch(ctx, store.ImageBatch{ShopID: shop.ID,
			Images: []store.ShopImage{{URL: b, MediaID: "22", State: store.ImageReady}},
			Uses:   map[string][]string{"S1": {b}},
		})
		if err != nil {
			t.Fatal(err)
		}
		unused, err := st.UnusedShopImages(ctx, shop.ID, 0, 10)
		if err != nil || len(unused) != 2 || unused[0].URL != a || unused[1].URL != long {
			t.Fatalf("unused = %+v, %v", unused, err)
		}
		// One is deleted from the store and forgotten, the other kept as an orphan.
		err = st.SaveImageBatch(ctx, store.ImageBatch{ShopID: shop.ID,
			Images: []store.ShopImage{{URL: long, MediaID: "21", State: store.ImageOrphan}},
			Forget: []string{a},
		})
		if err != nil {
			t.Fatal(err)
		}
		if unused, _ := st.UnusedShopImages(ctx, shop.ID, 0, 10); len(unused) != 0 {
			t.Fatalf("unused after sweep = %+v", unused)
		}
		counts, err := st.ImageCounts(ctx, shop.ID)
		if err != nil || counts[store.ImageReady] != 1 || counts[store.ImageOrphan] != 1 || counts[store.ImageUploading] != 0 {
			t.Fatalf("counts = %v, %v", counts, err)
		}

		// Refused: a ready image without media id, a listing of another shop.
		if err := st.SaveImageBatch(ctx, store.ImageBatch{ShopID: shop.ID, Images: []store.ShopImage{{URL: a, State: store.ImageReady}}}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("ready without media id: %v", err)
		}
		if err := st.SaveImageBatch(ctx, store.ImageBatch{ShopID: shop.ID, Listings: []store.Listing{{ShopID: shop.ID + 1, SKU: "X", State: store.ListingPending}}}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("listing of another shop: %v", err)
		}
	})
}

func TestListingsWithImagesPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		err := st.SaveListings(ctx, []store.Listing{
			{ShopID: shop.ID, SKU: "A", ProductID: "1", State: store.ListingPublished, DesiredImages: `["https://i/a.jpg"]`},
			{ShopID: shop.ID, SKU: "B", ProductID: "2", State: store.ListingPublished},
			{ShopID: shop.ID, SKU: "C", State: store.ListingError, DesiredImages: `["https://i/c.jpg"]`}, // not created yet
			{ShopID: shop.ID, SKU: "D", ProductID: "4", State: store.ListingPublished, DesiredImages: `[]`, ImagesHash: "x"},
		})
		if err != nil {
			t.Fatal(err)
		}
		page, err := st.ListingsWithImagesPending(ctx, shop.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 2 || page[0].SKU != "A" || page[0].DesiredImages != `["https://i/a.jpg"]` || page[1].SKU != "D" || page[1].ImagesHash != "x" {
			t.Fatalf("page = %+v", page)
		}
		next, err := st.ListingsWithImagesPending(ctx, shop.ID, page[0].ID, 10)
		if err != nil || len(next) != 1 || next[0].SKU != "D" {
			t.Fatalf("next = %+v, %v", next, err)
		}
		// Clearing the pending list takes the listing out.
		page[0].DesiredImages = ""
		if err := st.SaveListings(ctx, page[:1]); err != nil {
			t.Fatal(err)
		}
		if again, _ := st.ListingsWithImagesPending(ctx, shop.ID, 0, 10); len(again) != 1 || again[0].SKU != "D" {
			t.Fatalf("after clearing = %+v", again)
		}
	})
}
