package shopify_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

func imageSets(res []platforms.ItemResult, per int) []platforms.ImageSet {
	sets := make([]platforms.ImageSet, len(res))
	for i, r := range res {
		sets[i] = platforms.ImageSet{Ref: r.Ref, Alt: "Product " + r.Ref.SKU}
		for k := range per {
			sets[i].Images = append(sets[i].Images, platforms.Image{URL: platformtest.ImageURL(r.Ref.SKU, k)})
		}
	}
	return sets
}

// TestSetImagesBulk: from BulkThreshold sets on, the files go through a bulk operation; every
// file is made once, named by its tag, and FindImages finds it.
func TestSetImagesBulk(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	c := e.client(t, shopify.Config{BulkThreshold: 5, PollInterval: 1}, nil)
	ctx := context.Background()
	up, err := c.UpsertProducts(ctx, products("SB", 8))
	mustOK(t, "upsert", up, err, 8)
	before := e.fake.Calls().ByOperation[shopify.OpBulkOperationRunMutation]
	res, err := c.SetImages(ctx, imageSets(up, 2))
	if err != nil {
		t.Fatal(err)
	}
	calls := e.fake.Calls().ByOperation
	if calls[shopify.OpBulkOperationRunMutation] != before+1 || calls[shopify.OpProductSetFiles] != 0 {
		t.Fatalf("calls %v", calls)
	}
	files := e.fake.Files()
	for i, r := range res {
		if r.Err != nil || len(r.MediaIDs) != 2 {
			t.Fatalf("%s: %+v", r.Ref.SKU, r)
		}
		for k, id := range r.MediaIDs {
			url := platformtest.ImageURL(r.Ref.SKU, k)
			if f := files[id]; f.Source != url || f.Filename != platforms.ImageTag(url)+".jpg" || f.Alt != "Product "+r.Ref.SKU {
				t.Fatalf("file %s: %+v", id, f)
			}
		}
		q := platforms.ImageQuery{Ref: up[i].Ref, URLs: []string{platformtest.ImageURL(r.Ref.SKU, 1), platformtest.ImageURL(r.Ref.SKU, 0)}}
		found, err := c.FindImages(ctx, []platforms.ImageQuery{q})
		if err != nil || found[0].Err != nil || found[0].MediaIDs[0] != r.MediaIDs[1] || found[0].MediaIDs[1] != r.MediaIDs[0] {
			t.Fatalf("FindImages %s: %+v, %v", r.Ref.SKU, found, err)
		}
	}
	for u, n := range e.fake.Uploads() {
		if n != 1 {
			t.Errorf("%s made %d files", u, n)
		}
	}
	if p, _, _ := e.fake.ProductBySKU("SB00003"); len(p.Media) != 2 || p.Title != "Product SB00003" || len(p.Variants) != 1 {
		t.Fatalf("product %+v", p)
	}
}

// TestSetImagesLostAnswerNotResent: a ProductSetFiles whose answer is lost may have made files;
// it is not sent again (the caller looks for the files before resending).
func TestSetImagesLostAnswerNotResent(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	var lost atomic.Int32
	c := e.client(t, shopify.Config{BulkThreshold: -1}, func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			var body []byte
			if r.Body != nil {
				body, _ = io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			resp, err := next.RoundTrip(r)
			if err == nil && bytes.Contains(body, []byte(`"operationName":"ProductSetFiles"`)) && lost.Add(1) == 1 {
				resp.Body.Close()
				return &http.Response{StatusCode: http.StatusBadGateway, Body: io.NopCloser(strings.NewReader("bad gateway")),
					Header: http.Header{}, Request: r}, nil
			}
			return resp, err
		})
	})
	ctx := context.Background()
	up, err := c.UpsertProducts(ctx, products("LA", 1))
	mustOK(t, "upsert", up, err, 1)
	if _, err := c.SetImages(ctx, imageSets(up, 1)); err == nil {
		t.Fatal("lost answer: no error")
	}
	if got := lost.Load(); got != 1 {
		t.Fatalf("ProductSetFiles sent %d times, want 1", got)
	}
	url := platformtest.ImageURL("LA00000", 0)
	if n := e.fake.Uploads()[url]; n != 1 {
		t.Fatalf("%d files made", n)
	}
	found, err := c.FindImages(ctx, []platforms.ImageQuery{{Ref: up[0].Ref, URLs: []string{url}}})
	if err != nil || found[0].MediaIDs[0] == "" {
		t.Fatalf("the lost upload is not found: %+v, %v", found, err)
	}
}

// TestDeleteMediaGoneIsDeleted: fileDelete is all or nothing; a file the shop no longer has
// does not keep the others.
func TestDeleteMediaGoneIsDeleted(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	c := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	ctx := context.Background()
	up, err := c.UpsertProducts(ctx, products("DG", 1))
	mustOK(t, "upsert", up, err, 1)
	res, err := c.SetImages(ctx, imageSets(up, 2))
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	ids := append([]string{"gid://shopify/MediaImage/424242"}, res[0].MediaIDs...)
	del, err := c.DeleteMedia(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range del {
		if r.MediaID != ids[i] || r.Err != nil {
			t.Fatalf("result %d: %+v", i, r)
		}
	}
	if n := len(e.fake.Files()); n != 0 {
		t.Fatalf("%d files left", n)
	}
	if p, _, _ := e.fake.ProductBySKU("DG00000"); len(p.Media) != 0 {
		t.Fatalf("media left on the product: %v", p.Media)
	}
}

// TestSetImagesUploadsGoneFilesAgain: a file referenced by id that the shop no longer has (the
// merchant deleted it, or it went with a deleted product) is uploaded again from its URL, in the
// single and the bulk path; the other image keeps its file.
func TestSetImagesUploadsGoneFilesAgain(t *testing.T) {
	for _, bulk := range []int{-1, 2} {
		e := newEnv(t, shopifytest.Config{})
		c := e.client(t, shopify.Config{BulkThreshold: bulk, PollInterval: 1}, nil)
		ctx := context.Background()
		up, err := c.UpsertProducts(ctx, products("GF", 2))
		mustOK(t, "upsert", up, err, 2)
		sets := imageSets(up, 2)
		first, err := c.SetImages(ctx, sets)
		if err != nil || first[0].Err != nil || first[1].Err != nil {
			t.Fatalf("SetImages: %+v, %v", first, err)
		}
		gone := first[0].MediaIDs[1]
		if res, err := c.DeleteMedia(ctx, []string{gone}); err != nil || res[0].Err != nil {
			t.Fatalf("DeleteMedia: %+v, %v", res, err)
		}
		for i := range sets {
			for k := range sets[i].Images {
				sets[i].Images[k].MediaID = first[i].MediaIDs[k]
			}
		}
		again, err := c.SetImages(ctx, sets)
		if err != nil || again[0].Err != nil || again[1].Err != nil {
			t.Fatalf("bulk %d: SetImages with a gone file: %+v, %v", bulk, again, err)
		}
		ids := again[0].MediaIDs
		if ids[0] != first[0].MediaIDs[0] || ids[1] == gone || ids[1] == "" || again[1].MediaIDs[1] != first[1].MediaIDs[1] {
			t.Fatalf("bulk %d: media %v then %v", bulk, first, again)
		}
		if n := e.fake.Uploads()[sets[0].Images[1].URL]; n != 2 {
			t.Fatalf("bulk %d: the gone image was uploaded %d times in all, want 2", bulk, n)
		}
	}
}
