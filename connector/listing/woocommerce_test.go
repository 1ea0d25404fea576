package listing_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

// wooClient is a new WooCommerce client of the fake at base, as a new process would make it:
// nothing shared with earlier clients but the store itself.
func wooClient(t *testing.T, base string, hc *http.Client, imageBatch int) *woocommerce.Client {
	t.Helper()
	c, err := woocommerce.New(woocommerce.Config{BaseURL: base, ConsumerKey: "ck_test", ConsumerSecret: "cs_test",
		HTTPClient: hc, ImageBatchSize: imageBatch, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wooFake(t *testing.T, cfg wootest.Config) (*wootest.Server, string, *http.Client) {
	t.Helper()
	cfg.Currency = "USD"
	if cfg.ImageCheck == nil {
		cfg.ImageCheck = wootest.AllowImages
	}
	return wootest.StartTLS(t, cfg)
}

func pushOK(t *testing.T, f *fixture, sf platforms.Storefront) listing.PushSummary {
	t.Helper()
	sum, err := f.syncer.Push(f.ctx, f.shop.ID, sf)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 0 || sum.Images.Failed != 0 {
		t.Fatalf("push failures: %+v", sum)
	}
	return sum
}

// TestWooCommerceImagesOnceAcrossProcesses is the first finding, against the
// WooCommerce fake: a restart (a new client) and a locale change (every product updated) upload
// no image again; the first push creates every product before any image is sent.
func TestWooCommerceImagesOnceAcrossProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n = 30
		fake, base, hc := wooFake(t, wootest.Config{})
		f := setup(t, st, n, 100)
		f.plan(map[listing.Kind]int{listing.KindCreate: n})
		first := pushOK(t, f, wooClient(t, base, hc, 4))
		if first.Images.Uploaded != 2*n || fake.Sideloads() != 2*n || fake.Attachments() != 2*n {
			t.Fatalf("first push: images %+v, %d sideloads", first.Images, fake.Sideloads())
		}
		// One batch of creates, then the images four products a batch.
		if got := fake.Count(http.MethodPost, "/wp-json/wc/v3/products/batch"); got != 1+(n+3)/4 {
			t.Fatalf("%d batches, want %d", got, 1+(n+3)/4)
		}
		p, _ := fake.ProductBySKU("SKU00007")
		if len(p.Images) != 2 || p.Status != "publish" {
			t.Fatalf("product %+v", p)
		}

		// A new process and a new locale: every product is updated, no image sent.
		f.syncer = &listing.Syncer{Store: st, PageSize: 16}
		f.shop.Locale = "en"
		if _, err := st.SaveShop(f.ctx, f.shop); err != nil {
			t.Fatal(err)
		}
		f.plan(map[listing.Kind]int{listing.KindUpdate: n})
		again := pushOK(t, f, wooClient(t, base, hc, 4))
		if again.Images.Attached != 0 || fake.Sideloads() != 2*n || fake.Attachments() != 2*n {
			t.Fatalf("after the locale change: images %+v, %d sideloads, %d attachments", again.Images, fake.Sideloads(), fake.Attachments())
		}
		if p, _ := fake.ProductBySKU("SKU00007"); p.Name != "Notebook SKU00007" || len(p.Images) != 2 {
			t.Fatalf("product %+v", p)
		}
		f.noChange()
	})
}

// TestWooCommerceInterruptedImageBatch: the push is cancelled (Ctrl-C) while WooCommerce is
// downloading a batch's images; WooCommerce finishes it anyway. The next run finds those
// images by their tag and sends no image twice.
func TestWooCommerceInterruptedImageBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n, imageBatch = 12, 4
		arrived, gate := make(chan struct{}), make(chan struct{})
		served := make(chan wootest.RequestLog, 64)
		var once sync.Once
		fake, base, hc := wooFake(t, wootest.Config{
			ImageCheck: func(string) error {
				once.Do(func() { close(arrived); <-gate })
				return nil
			},
			Served: func(r wootest.RequestLog) { served <- r },
		})
		f := setup(t, st, n, 100)
		now := time.Now()
		f.syncer.Now = func() time.Time { return now }
		f.syncer.ImageConcurrency = 1
		f.plan(map[listing.Kind]int{listing.KindCreate: n})
		ctx, cancel := context.WithCancel(f.ctx)
		done := make(chan error, 1)
		go func() {
			_, err := f.syncer.Push(ctx, f.shop.ID, wooClient(t, base, hc, imageBatch))
			done <- err
		}()
		<-arrived
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("push: %v", err)
		}
		close(gate) // the store finishes the batch its client walked away from
		for r := range served {
			if r.Method == http.MethodPost && r.Path == "/wp-json/wc/v3/products/batch" && fake.Sideloads() == 2*imageBatch {
				break
			}
		}
		if counts, _ := st.ImageCounts(f.ctx, f.shop.ID); counts[store.ImageUploading] != 2*imageBatch {
			t.Fatalf("counts %v", counts)
		}

		// The next run, once the interrupted uploads had time to finish.
		f.syncer = &listing.Syncer{Store: st, PageSize: 16, Now: func() time.Time { return now.Add(time.Hour) }}
		f.plan(nil)
		sum := pushOK(t, f, wooClient(t, base, hc, imageBatch))
		if sum.Images.Recovered != 2*imageBatch || sum.Images.Lost != 0 || sum.Images.Uploaded != 2*(n-imageBatch) {
			t.Fatalf("images %+v", sum.Images)
		}
		if fake.Sideloads() != 2*n || fake.Attachments() != 2*n {
			t.Fatalf("%d sideloads, %d attachments, want %d (none twice)", fake.Sideloads(), fake.Attachments(), 2*n)
		}
		for _, p := range fake.Products() {
			if len(p.Images) != 2 {
				t.Fatalf("%s images %+v", p.SKU, p.Images)
			}
		}
		f.noChange()
	})
}

// TestWooCommerceImagesBackOff: image batches run side by side up to ImageConcurrency; 429s
// shrink the concurrency and every batch still goes through, each image downloaded once.
func TestWooCommerceImagesBackOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n, imageBatch, conc, refused = 40, 2, 3, 4
		fake := wootest.New(wootest.Config{Currency: "USD", ImageCheck: wootest.AllowImages})
		var seen atomic.Int32
		ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if r.URL.Path == "/wp-json/wc/v3/products/batch" && bytes.Contains(body, []byte(`"src"`)) && seen.Add(1) <= refused {
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"code":"too_many","message":"slow down","data":{"status":429}}`))
				return
			}
			fake.ServeHTTP(w, r)
		}))
		t.Cleanup(ts.Close)
		f := setup(t, st, n, 100)
		f.syncer.ImageConcurrency = conc
		f.plan(map[listing.Kind]int{listing.KindCreate: n})
		sum := pushOK(t, f, wooClient(t, ts.URL, ts.Client(), imageBatch))
		if sum.Images.Throttled != refused || sum.Images.Concurrency != 1 || sum.Images.Attached != n {
			t.Fatalf("images %+v", sum.Images)
		}
		if got := fake.PeakRequests(); got > conc {
			t.Fatalf("%d requests at once, want at most %d", got, conc)
		}
		if fake.Sideloads() != 2*n || fake.Attachments() != 2*n {
			t.Fatalf("%d sideloads, %d attachments, want %d", fake.Sideloads(), fake.Attachments(), 2*n)
		}
	})
}
