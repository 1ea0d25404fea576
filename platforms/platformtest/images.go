package platformtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
)

// ImageURL is the URL of the n-th test image of sku.
func ImageURL(sku string, n int) string { return fmt.Sprintf("https://img.example/%s-%d.jpg", sku, n) }

func uploads(urls ...string) []platforms.Image {
	out := make([]platforms.Image, len(urls))
	for i, u := range urls {
		out[i] = platforms.Image{URL: u}
	}
	return out
}

func setImages(t *testing.T, sf platforms.Storefront, sets ...platforms.ImageSet) []platforms.ImageResult {
	t.Helper()
	res, err := sf.SetImages(context.Background(), sets)
	if err != nil {
		t.Fatalf("SetImages: %v", err)
	}
	if len(res) != len(sets) {
		t.Fatalf("SetImages: %d results for %d sets", len(res), len(sets))
	}
	for i, r := range res {
		if r.Ref.SKU != sets[i].Ref.SKU {
			t.Errorf("SetImages: result %d is for %q, want %q", i, r.Ref.SKU, sets[i].Ref.SKU)
		}
		if r.Err != nil {
			t.Fatalf("SetImages %s: %v", r.Ref.SKU, r.Err)
		}
		if len(r.MediaIDs) != len(sets[i].Images) || slices.Contains(r.MediaIDs, "") {
			t.Fatalf("SetImages %s: media ids %q for %d images", r.Ref.SKU, r.MediaIDs, len(sets[i].Images))
		}
	}
	return res
}

func findImages(t *testing.T, sf platforms.Storefront, q platforms.ImageQuery) []string {
	t.Helper()
	res, err := sf.FindImages(context.Background(), []platforms.ImageQuery{q})
	if err != nil {
		t.Fatalf("FindImages: %v", err)
	}
	if len(res) != 1 || res[0].Err != nil || len(res[0].MediaIDs) != len(q.URLs) {
		t.Fatalf("FindImages: %+v", res)
	}
	return res[0].MediaIDs
}

func testPriceStock(t *testing.T, sf platforms.Storefront) {
	refs := create(t, sf, "PS1", "PS2")
	ghost := platforms.ProductRef{SKU: "GHOST", ProductID: "does-not-exist-404"}
	res, err := sf.UpdatePriceStock(context.Background(), []platforms.PriceStockUpdate{
		{Ref: refs[0], Price: "21.50", Currency: "USD", ManageStock: true, Stock: 3, Status: platforms.StatusPublish},
		{Ref: ghost, Price: "1.00", Currency: "USD", ManageStock: true, Stock: 1, Status: platforms.StatusPublish},
		{Ref: refs[1], Price: "22.00", Currency: "USD", ManageStock: true, Stock: 0, Status: platforms.StatusOutOfStock},
	})
	checkResults(t, "UpdatePriceStock", res, err, "PS1", "GHOST", "PS2")
	if res[0].Err != nil || res[2].Err != nil {
		t.Errorf("UpdatePriceStock: %v / %v", res[0].Err, res[2].Err)
	}
	if !errors.Is(res[1].Err, platforms.ErrNotFound) {
		t.Errorf("unknown product: %v, want ErrNotFound", res[1].Err)
	}
}

func testSetImages(t *testing.T, sf platforms.Storefront) {
	refs := create(t, sf, "I1", "I2")
	first := setImages(t, sf, platforms.ImageSet{Ref: refs[0], Alt: "Product I1", Images: uploads(ImageURL("I1", 1), ImageURL("I1", 2))})
	ids := first[0].MediaIDs
	if ids[0] == ids[1] {
		t.Fatalf("two uploads share media id %s", ids[0])
	}
	// I2 shows I1's first image by its id, and one of its own.
	second := setImages(t, sf, platforms.ImageSet{Ref: refs[1], Alt: "Product I2", Images: []platforms.Image{
		{URL: ImageURL("I1", 1), MediaID: ids[0]}, {URL: ImageURL("I2", 1)},
	}})
	if got := second[0].MediaIDs; got[0] != ids[0] || got[1] == ids[0] || got[1] == ids[1] {
		t.Fatalf("media ids %q, want %s then a new one", got, ids[0])
	}
	// Reordering by id and dropping one.
	again := setImages(t, sf, platforms.ImageSet{Ref: refs[0], Images: []platforms.Image{{URL: ImageURL("I1", 2), MediaID: ids[1]}}})
	if again[0].MediaIDs[0] != ids[1] {
		t.Fatalf("media ids %q, want %s", again[0].MediaIDs, ids[1])
	}
	if got := findImages(t, sf, platforms.ImageQuery{Ref: refs[0], URLs: []string{ImageURL("I1", 1), ImageURL("I1", 2)}}); got[0] != "" || got[1] != ids[1] {
		t.Fatalf("I1 shows %q, want only %s", got, ids[1])
	}
	// An empty list takes every image off the product.
	setImages(t, sf, platforms.ImageSet{Ref: refs[0]})
	if got := findImages(t, sf, platforms.ImageQuery{Ref: refs[0], URLs: []string{ImageURL("I1", 2)}}); got[0] != "" {
		t.Fatalf("I1 still shows %q", got)
	}
}

// testWritesKeepImages: no product write but SetImages touches a product's images.
func testWritesKeepImages(t *testing.T, sf platforms.Storefront) {
	ctx := context.Background()
	refs := create(t, sf, "K1")
	urls := []string{ImageURL("K1", 1), ImageURL("K1", 2)}
	ids := setImages(t, sf, platforms.ImageSet{Ref: refs[0], Alt: "Product K1", Images: uploads(urls...)})[0].MediaIDs
	p := Product("K1")
	p.Ref, p.Title = refs[0], "Renamed K1"
	up, err := sf.UpsertProducts(ctx, []platforms.ProductInput{p})
	checkResults(t, "UpsertProducts", up, err, "K1")
	ps, err := sf.UpdatePriceStock(ctx, []platforms.PriceStockUpdate{{Ref: up[0].Ref, Price: "30.00", Currency: "USD", ManageStock: true, Stock: 9, Status: platforms.StatusPublish}})
	checkResults(t, "UpdatePriceStock", ps, err, "K1")
	un, err := sf.Unpublish(ctx, []platforms.ProductRef{up[0].Ref})
	checkResults(t, "Unpublish", un, err, "K1")
	for _, r := range [][]platforms.ItemResult{up, ps, un} {
		if r[0].Err != nil {
			t.Fatal(r[0].Err)
		}
	}
	if got := findImages(t, sf, platforms.ImageQuery{Ref: up[0].Ref, URLs: urls}); !slices.Equal(got, ids) {
		t.Fatalf("after update, price_stock and unpublish the product shows %q, want %q", got, ids)
	}
}

func testFindImages(t *testing.T, sf platforms.Storefront) {
	ctx := context.Background()
	refs := create(t, sf, "FI1")
	ids := setImages(t, sf, platforms.ImageSet{Ref: refs[0], Images: uploads(ImageURL("FI1", 1))})[0].MediaIDs
	res, err := sf.FindImages(ctx, []platforms.ImageQuery{
		{Ref: refs[0], URLs: []string{ImageURL("FI1", 2), ImageURL("FI1", 1)}},
		{Ref: platforms.ProductRef{SKU: "GHOST", ProductID: "does-not-exist-404"}, URLs: []string{ImageURL("FI1", 1)}},
		{Ref: platforms.ProductRef{SKU: "FI1"}, URLs: []string{ImageURL("FI1", 1)}}, // by SKU
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].Err != nil || !slices.Equal(res[0].MediaIDs, []string{"", ids[0]}) {
		t.Fatalf("FindImages: %+v", res)
	}
	if !errors.Is(res[1].Err, platforms.ErrNotFound) {
		t.Errorf("unknown product: %v, want ErrNotFound", res[1].Err)
	}
	if res[2].Err != nil || res[2].Ref.ProductID != refs[0].ProductID || res[2].MediaIDs[0] != ids[0] {
		t.Errorf("by SKU: %+v", res[2])
	}
}

func testDeleteMedia(t *testing.T, sf platforms.Storefront) {
	ctx := context.Background()
	refs := create(t, sf, "DM1")
	urls := []string{ImageURL("DM1", 1), ImageURL("DM1", 2)}
	ids := setImages(t, sf, platforms.ImageSet{Ref: refs[0], Images: uploads(urls...)})[0].MediaIDs
	res, err := sf.DeleteMedia(ctx, ids[:1])
	if !sf.Capabilities().DeleteMedia {
		if !errors.Is(err, platforms.ErrUnsupported) {
			t.Fatalf("DeleteMedia without the capability: %v, want ErrUnsupported", err)
		}
		return
	}
	if err != nil || len(res) != 1 || res[0].Err != nil || res[0].MediaID != ids[0] {
		t.Fatalf("DeleteMedia: %+v, %v", res, err)
	}
	if got := findImages(t, sf, platforms.ImageQuery{Ref: refs[0], URLs: urls}); got[0] != "" || got[1] != ids[1] {
		t.Fatalf("after deleting %s the product shows %q", ids[0], got)
	}
	// Deleting it again is not an error: it is gone.
	if res, err := sf.DeleteMedia(ctx, ids[:1]); err != nil || res[0].Err != nil {
		t.Fatalf("second DeleteMedia: %+v, %v", res, err)
	}
	// A set naming the deleted media by id uploads that image again from its URL.
	again := setImages(t, sf, platforms.ImageSet{Ref: refs[0], Images: []platforms.Image{
		{URL: urls[0], MediaID: ids[0]}, {URL: urls[1], MediaID: ids[1]}}})[0].MediaIDs
	if again[0] == ids[0] || again[1] != ids[1] {
		t.Fatalf("set with the deleted media %s: media %q, were %q", ids[0], again, ids)
	}
}

func testOversizedImageBatch(t *testing.T, sf platforms.Storefront) {
	c := sf.Capabilities()
	if c.ImageBatchSize < 1 || c.ImageBatchSize > c.BatchSize {
		t.Fatalf("ImageBatchSize %d, BatchSize %d", c.ImageBatchSize, c.BatchSize)
	}
	sets := make([]platforms.ImageSet, c.ImageBatchSize+1)
	for i := range sets {
		sets[i] = platforms.ImageSet{Ref: platforms.ProductRef{SKU: fmt.Sprintf("OI%04d", i), ProductID: "1"}}
	}
	if _, err := sf.SetImages(context.Background(), sets); !errors.Is(err, platforms.ErrInvalid) {
		t.Fatalf("%d sets: %v, want ErrInvalid", len(sets), err)
	}
}
