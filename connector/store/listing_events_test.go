package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestListingEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		l := store.Listing{ShopID: shop.ID, SKU: "S1", ProductID: "12", State: store.ListingPublished}
		err := st.SaveListingChanges(ctx, []store.Listing{l}, []store.ListingEvent{
			{ShopID: shop.ID, SKU: "S1", Kind: "recreated", Detail: "product 11 was gone; created as 12"},
			{ShopID: shop.ID, SKU: "S2", Kind: "reset", Detail: strings.Repeat("x", 3000)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveListingChanges(ctx, nil, []store.ListingEvent{{ShopID: shop.ID, SKU: "S1", Kind: "repaired", Detail: "stock"}}); err != nil {
			t.Fatal(err)
		}
		got, err := st.ListingEvents(ctx, shop.ID, "S1", 10)
		if err != nil || len(got) != 2 || got[0].Kind != "repaired" || got[1].Kind != "recreated" || got[1].CreatedAt.IsZero() {
			t.Fatalf("events of S1 = %+v, %v (want newest first)", got, err)
		}
		if saved, err := st.Listing(ctx, shop.ID, "S1"); err != nil || saved.ProductID != "12" {
			t.Fatalf("listing saved with its events = %+v, %v", saved, err)
		}
		if got, _ := st.ListingEvents(ctx, shop.ID, "S2", 10); len(got) != 1 || len(got[0].Detail) != 2000 {
			t.Fatalf("events of S2 = %d, detail of %d bytes", len(got), len(got[0].Detail))
		}
		if got, _ := st.ListingEvents(ctx, shop.ID, "S1", 1); len(got) != 1 || got[0].Kind != "repaired" {
			t.Fatalf("limit 1 = %+v", got)
		}
		// Nothing is written when an event is invalid: the listing and its event go together.
		bad := l
		bad.ProductID = "13"
		err = st.SaveListingChanges(ctx, []store.Listing{bad}, []store.ListingEvent{{ShopID: shop.ID, SKU: "S1"}})
		if !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("event without kind: %v", err)
		}
		if saved, _ := st.Listing(ctx, shop.ID, "S1"); saved.ProductID != "12" {
			t.Fatalf("listing written with an invalid event: %+v", saved)
		}
	})
}

// TestForgetListingImages: a product gone from the storefront shows no image; where the platform
// deleted its media, the images only it showed are forgotten, the ones another listing shows kept.
func TestForgetListingImages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		own, shared, other := "https://img.example/own.jpg", "https://img.example/shared.jpg", "https://img.example/other.jpg"
		err := st.SaveImageBatch(ctx, store.ImageBatch{ShopID: shop.ID,
			Images: []store.ShopImage{{URL: own, MediaID: "m1", State: store.ImageReady}, {URL: shared, MediaID: "m2", State: store.ImageReady},
				{URL: other, MediaID: "m3", State: store.ImageReady}},
			Uses: map[string][]string{"GONE": {own, shared}, "KEPT": {shared, other}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := st.ListingImages(ctx, shop.ID, "GONE"); err != nil || len(got) != 2 || got[0].URL != own || got[1].MediaID != "m2" {
			t.Fatalf("images of GONE = %+v, %v", got, err)
		}
		n, err := st.ForgetListingImages(ctx, shop.ID, "GONE", true)
		if err != nil || n != 1 {
			t.Fatalf("forgot %d, %v; want 1", n, err)
		}
		got, err := st.ShopImages(ctx, shop.ID, []string{own, shared, other})
		if err != nil || len(got) != 2 || got[shared].MediaID != "m2" || got[other].MediaID != "m3" {
			t.Fatalf("images left = %+v, %v", got, err)
		}
		// KEPT still shows both of its images; GONE shows none, so nothing of it is unused.
		if unused, err := st.UnusedShopImages(ctx, shop.ID, 0, 10); err != nil || len(unused) != 0 {
			t.Fatalf("unused = %+v, %v", unused, err)
		}
		// Media that stay on the storefront (WooCommerce) are kept; the SKU's uses go.
		if n, err := st.ForgetListingImages(ctx, shop.ID, "KEPT", false); err != nil || n != 0 {
			t.Fatalf("forgot %d, %v", n, err)
		}
		if unused, err := st.UnusedShopImages(ctx, shop.ID, 0, 10); err != nil || len(unused) != 2 {
			t.Fatalf("unused after KEPT's product went = %+v, %v", unused, err)
		}
	})
}
