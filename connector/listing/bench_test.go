package listing_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/pricing"
)

// realImageDelay is what one sideloaded image cost the real WooCommerce 11 store of the issue
// (2 cores): the 500-SKU, 700-image first push spent about 75 s of its 79–84 s downloading
// images, one request at a time.
const realImageDelay = 75 * time.Second / 700

// benchShop seeds a store with n products, 1.4 images each on average (the catalog:
// 500 SKUs, 700 images), in 40 leaf categories under 8 parents, and plans their creation.
func benchShop(b *testing.B, n int) (*store.Store, *listing.Syncer, int64) {
	b.Helper()
	ctx := context.Background()
	st := storetest.New(b, migrations.SQLite, true)
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		b.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "bench", Platform: store.PlatformMemory, Credentials: "x",
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		b.Fatal(err)
	}
	rules, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"20"}}`))
	if err != nil {
		b.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, rules); err != nil {
		b.Fatal(err)
	}
	var batch []*mirror.Product
	for i := range n {
		sku := fmt.Sprintf("B%06d", i)
		parent, leaf := fmt.Sprintf("c%d", i%8), fmt.Sprintf("c%d.l%d", i%8, i%40)
		p := &mirror.Product{
			AccountID: acct.ID, SKU: sku, MPN: "M-" + sku, BrandID: "b" + fmt.Sprint(i%30), Brand: "Brand " + fmt.Sprint(i%30),
			CategoryID: leaf, CategoryPath: []mirror.CategoryNode{{ID: parent, Name: "Parent " + parent}, {ID: leaf, Name: "Leaf " + leaf}},
			Type: "Physical", DescriptionES: "Producto " + sku, DescriptionEN: "Product " + sku,
			Images: []string{"https://img.example/" + sku + "-1.jpg"},
			Cost:   decimal.RequireFromString("100"), Currency: "USD", Sellable: true,
			StockTotal: 20, StockByLocation: map[string]int{"xclq1": 20}, RealStock: true, Active: true,
		}
		if i%5 < 2 {
			p.Images = append(p.Images, "https://img.example/"+sku+"-2.jpg")
		}
		batch = append(batch, p)
		if len(batch) == 1000 || i == n-1 {
			if err := st.SaveProducts(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	s := &listing.Syncer{Store: st}
	if _, err := s.Plan(ctx, shop.ID); err != nil {
		b.Fatal(err)
	}
	return st, s, shop.ID
}

// runPush times one first push and reports when the products were live and when every image
// was attached (ms from the start of the push), and the storefront requests.
func runPush(b *testing.B, n, concurrency int, scale float64, build func(b *testing.B) (platforms.Storefront, func() int)) {
	var live, images, requests float64
	for b.Loop() {
		b.StopTimer()
		_, s, shopID := benchShop(b, n)
		s.ImageConcurrency = concurrency
		sf, count := build(b)
		b.StartTimer()
		sum, err := s.Push(context.Background(), shopID, sf)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if sum.Failed != 0 || sum.Images.Failed != 0 || sum.Pushed[listing.KindCreate] != n {
			b.Fatalf("push %+v", sum)
		}
		live += float64(sum.ProductsTook.Milliseconds())
		images += float64((sum.ProductsTook + sum.ImagesTook).Milliseconds())
		requests += float64(count())
		b.StartTimer()
	}
	runs := float64(b.N)
	b.ReportMetric(live/runs, "live-ms")
	b.ReportMetric(images/runs, "images-ms")
	b.ReportMetric(requests/runs, "requests")
	if scale > 1 {
		// The images were made scale times cheaper than on the real store: the image part
		// scaled back up is what a real store would take (the products part is not scaled).
		b.ReportMetric((live+(images-live)*scale)/runs/1000, "real-images-s")
	}
	b.ReportMetric(0, "ns/op") // wall time is in the metrics above
}

// BenchmarkFirstPushWooCommerce is a first push through listing.Syncer into the WooCommerce
// fake with the real store's image cost: each sideloaded image costs realImageDelay/scale of a
// PHP worker, and the store has 2 workers (2 cores). Products go out first in batches of 100,
// then the images in batches of ImageBatchSize, concurrency at once.
func BenchmarkFirstPushWooCommerce(b *testing.B) {
	for _, tc := range []struct {
		n, scale, concurrency, imageBatch int
	}{
		{500, 10, 1, 100}, // the shape of the old push: five image batches, one at a time
		{500, 10, 1, 10},
		{500, 10, 2, 10},
		{500, 10, 3, 10},
		{500, 10, 4, 10},
		{50_000, 100, 1, 10},
		{50_000, 100, 3, 10},
	} {
		name := fmt.Sprintf("skus=%d/concurrency=%d/image-batch=%d/scale=1:%d", tc.n, tc.concurrency, tc.imageBatch, tc.scale)
		b.Run(name, func(b *testing.B) {
			runPush(b, tc.n, tc.concurrency, float64(tc.scale), func(b *testing.B) (platforms.Storefront, func() int) {
				fake, base, hc := wootest.StartTLS(b, wootest.Config{Currency: "USD", ImageCheck: wootest.AllowImages,
					ImageDelay: realImageDelay / time.Duration(tc.scale), Workers: 2})
				c, err := woocommerce.New(woocommerce.Config{BaseURL: base, ConsumerKey: "ck_test", ConsumerSecret: "cs_test",
					HTTPClient: hc, ImageBatchSize: tc.imageBatch})
				if err != nil {
					b.Fatal(err)
				}
				return c, func() int { return len(fake.Requests()) }
			})
		})
	}
}

// BenchmarkFirstPushShopify is a first push into the Shopify fake at the Standard plan's
// restore rate (100 points/s, bucket 2000): products and images both through bulk operations
// (SetImages takes up to 5,000 sets a call, three calls at once). The fake makes files
// instantly; Shopify processes images after the mutation, which this does not model.
func BenchmarkFirstPushShopify(b *testing.B) {
	for _, n := range []int{500, 50_000} {
		b.Run(fmt.Sprintf("skus=%d", n), func(b *testing.B) {
			runPush(b, n, listing.DefaultImageConcurrency, 1, func(b *testing.B) (platforms.Storefront, func() int) {
				fake := shopifytest.New(shopifytest.Config{AccessToken: "shpat_bench", RestoreRate: 100, BucketSize: 2000})
				b.Cleanup(fake.Close)
				c, err := shopify.New(shopify.Config{Shop: fake.Config().Shop, AccessToken: "shpat_bench", BaseURL: fake.URL(),
					HTTPClient: &http.Client{Transport: fake.Client().Transport}, PollInterval: 20 * time.Millisecond})
				if err != nil {
					b.Fatal(err)
				}
				return c, func() int { return fake.Calls().Total }
			})
		})
	}
}
