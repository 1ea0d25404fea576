package syncjob_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/platforms/memory"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/pricing"
)

// reprice gives the shop a new margin: every listed product gets a price change.
func (f *fixture) reprice(shopID int64, markup string) {
	f.t.Helper()
	rules, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"` + markup + `"}}`))
	if err != nil {
		f.t.Fatal(err)
	}
	if err := margin.Replace(f.ctx, f.st, shopID, rules); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) events(shopID int64, sku string) []string {
	f.t.Helper()
	evs, err := f.st.ListingEvents(f.ctx, shopID, sku, 10)
	if err != nil {
		f.t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// TestSyncRecreatesProductDeletedInStore is the finding end to end: a product the
// merchant deleted in the store made every later sync with a change for it fail; now the sync
// succeeds, the product is back, and the event is recorded — for WooCommerce, Shopify and the
// memory shop.
func TestSyncRecreatesProductDeletedInStore(t *testing.T) {
	for _, platform := range []string{store.PlatformMemory, store.PlatformWooCommerce, store.PlatformShopify} {
		t.Run(platform, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				f := setup(t, st, 40, sandbox.Config{})
				shop := f.shop
				var del func(sku string)
				var exists func(sku string) bool
				switch platform {
				case store.PlatformMemory:
					sf := f.sfs.MemoryShop(shop.ID)
					del = func(sku string) { sf.DeleteProduct(sku) }
					exists = func(sku string) bool { _, ok := sf.Product(sku); return ok }
				case store.PlatformWooCommerce:
					fake, baseURL, client := wootest.StartTLS(t, wootest.Config{ConsumerKey: wooKey, ConsumerSecret: wooSecret,
						Currency: "USD", ImageCheck: wootest.AllowImages})
					f.useStorefronts(&shops.Storefronts{WooCommerce: woocommerce.Config{HTTPClient: client}, Recorder: st})
					shop = f.addShop(store.PlatformWooCommerce, baseURL, shops.WooCommerceCredentials{ConsumerKey: wooKey, ConsumerSecret: wooSecret})
					del = func(sku string) { p, _ := fake.ProductBySKU(sku); fake.DeleteProduct(p.ID, true) }
					exists = func(sku string) bool { _, ok := fake.ProductBySKU(sku); return ok }
				case store.PlatformShopify:
					fake := shopifytest.New(shopifytest.Config{AccessToken: shopifyToken, Currency: "USD", BucketSize: 50_000, RestoreRate: 5_000})
					t.Cleanup(fake.Close)
					f.useStorefronts(&shops.Storefronts{Shopify: shopify.Config{HTTPClient: fake.Client()}, Recorder: st})
					shop = f.addShop(store.PlatformShopify, fake.URL(), shops.ShopifyCredentials{AccessToken: shopifyToken, Shop: fake.Config().Shop})
					del = func(sku string) { p, _, _ := fake.ProductBySKU(sku); fake.DeleteProduct(p.ID) }
					exists = func(sku string) bool { _, _, ok := fake.ProductBySKU(sku); return ok }
				}
				first := f.pushShop(shop.ID)
				if first.Shops[0].Changes.Changes[listing.KindCreate] == 0 {
					t.Fatalf("first sync created nothing: %+v", first.Shops[0])
				}
				var sku string
				for s, l := range f.pushedOf(shop.ID) {
					if l.ProductID != "" && (sku == "" || s < sku) {
						sku = s
					}
				}
				del(sku)
				if exists(sku) {
					t.Fatalf("%s not deleted", sku)
				}

				f.reprice(shop.ID, "35")
				sum := f.pushShop(shop.ID) // fails the test on any error
				push := sum.Shops[0].Push
				if push.Recreated != 1 || push.Failed != 0 || !exists(sku) {
					t.Fatalf("sync after the delete: push %+v, %s in the store: %v", push, sku, exists(sku))
				}
				if got := f.events(shop.ID, sku); !slices.Equal(got, []string{listing.EventRecreated, listing.EventGone}) {
					t.Errorf("events of %s: %v", sku, got)
				}
				if again := f.pushShop(shop.ID); again.Listings.Changed != 0 {
					t.Errorf("a third sync changed %d listings", again.Listings.Changed)
				}
			})
		})
	}
}

// enqueueVerification inserts a verify_listings job of the fixture's shop into a queue whose
// workers run through the fixture's runner, and returns the queue and the job.
func (f *fixture) enqueueVerification() (*jobs.Client, jobs.InsertResult) {
	f.t.Helper()
	ws := jobs.NewWorkers()
	syncjob.AddWorkers(ws, f.runner, syncjob.PurgePolicy{})
	client, err := jobs.NewClient(f.st, jobs.Config{Workers: ws})
	if err != nil {
		f.t.Fatal(err)
	}
	res, err := client.Insert(f.ctx, syncjob.VerifyListings{ShopID: f.shop.ID}, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return client, res
}

// pushedOf returns the listings of a shop by SKU.
func (f *fixture) pushedOf(shopID int64) map[string]store.Listing {
	f.t.Helper()
	page, err := f.st.ListingsPage(f.ctx, shopID, 0, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]store.Listing{}
	for _, l := range page {
		out[l.SKU] = l
	}
	return out
}

// TestVerifyJobRepairsDrift: the verify_listings job reads the store back, repairs what a sale
// and a hand edit changed (through the shop's plan and push), and a second verification finds
// nothing to repair.
func TestVerifyJobRepairsDrift(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 40, sandbox.Config{})
		f.run("all")
		sf := f.sfs.MemoryShop(f.shop.ID)
		var skus []string
		for sku, l := range f.pushed() {
			if l.State == store.ListingPublished && l.Stock > 2 {
				skus = append(skus, sku)
			}
		}
		slices.Sort(skus)
		if len(skus) < 2 {
			t.Fatalf("too few published listings: %v", skus)
		}
		sold, repriced := skus[0], skus[1]
		want := f.pushed()[sold].Stock
		sf.EditProduct(sold, func(p *memory.Product) { p.Stock -= 2 })
		sf.EditProduct(repriced, func(p *memory.Product) { p.Price = "0.01" })

		client, res := f.enqueueVerification()
		if dup, err := client.Insert(f.ctx, syncjob.VerifyListings{ShopID: f.shop.ID}, nil); err != nil || !dup.Duplicate {
			t.Fatalf("second verification of the shop = %+v, %v; want the same job", dup, err)
		}
		if _, err := client.Drain(f.ctx); err != nil {
			t.Fatal(err)
		}
		if job, err := client.Get(f.ctx, res.Job.ID); err != nil || job.State != jobs.StateCompleted {
			t.Fatalf("verify job = %+v, %v", job, err)
		}
		if p, _ := sf.Product(sold); p.Stock != want {
			t.Errorf("stock of %s = %d after the verification, want %d again", sold, p.Stock, want)
		}
		if p, _ := sf.Product(repriced); p.Price == "0.01" {
			t.Errorf("price of %s not put back", repriced)
		}
		if got := f.events(f.shop.ID, sold); !slices.Equal(got, []string{listing.EventRepaired}) {
			t.Errorf("events of %s: %v", sold, got)
		}
		sum, err := f.runner.Verify(f.ctx, syncjob.VerifyRequest{ShopID: f.shop.ID})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Found.Listings != 0 || sum.Found.Missing != 0 || sum.Changes.Len() != 0 || sum.Push.Calls != 0 ||
			sum.Found.Matching == 0 || sum.Found.Checked != len(sf.Products()) {
			t.Fatalf("second verification %+v", sum)
		}
	})
}

// TestVerifyHoldsTheAccountLock: a verification never runs beside a sync or another
// verification of the account's shops: with the account locked by another process it reads
// nothing from the store, returns ErrBusy (NoWait), and its job snoozes; an unknown shop is
// refused.
func TestVerifyHoldsTheAccountLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 10, sandbox.Config{})
		f.run("all")
		sf := f.sfs.MemoryShop(f.shop.ID)
		sf.ResetCalls()
		lockName := fmt.Sprintf("sync:account:%d", f.acct.ID)
		if ok, err := st.TryLock(f.ctx, lockName, "another-process", time.Minute); !ok || err != nil {
			t.Fatalf("TryLock = %v, %v", ok, err)
		}
		if _, err := f.runner.Verify(f.ctx, syncjob.VerifyRequest{ShopID: f.shop.ID, NoWait: true}); !errors.Is(err, syncjob.ErrBusy) {
			t.Fatalf("verification of a locked account = %v, want ErrBusy", err)
		}
		client, res := f.enqueueVerification()
		if _, err := client.Drain(f.ctx); err != nil {
			t.Fatal(err)
		}
		if job, err := client.Get(f.ctx, res.Job.ID); err != nil || job.State != jobs.StateScheduled || job.Attempt != 0 {
			t.Fatalf("verify job on a busy account = %+v, %v; want snoozed", job, err)
		}
		if n := len(sf.Calls()); n != 0 {
			t.Errorf("the store was called %d times without the account lock: %v", n, sf.Calls())
		}
		if _, err := f.runner.Verify(f.ctx, syncjob.VerifyRequest{ShopID: 999}); !errors.Is(err, syncjob.ErrInvalid) {
			t.Errorf("unknown shop: %v", err)
		}
		if err := st.Unlock(f.ctx, lockName, "another-process"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.runner.Reset(f.ctx, syncjob.ResetRequest{ShopID: f.shop.ID, SKU: "NOPE"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("reset of an unknown SKU: %v", err)
		}
		if _, _, err := f.runner.Reset(f.ctx, syncjob.ResetRequest{ShopID: 999, SKU: "NOPE"}); !errors.Is(err, syncjob.ErrInvalid) {
			t.Errorf("reset in an unknown shop: %v", err)
		}
	})
}

// TestImageConcurrencyReachesThePush: Config.ImageConcurrency is how many image calls a shop's
// push keeps in flight: with 4, four calls are seen waiting at once (the default is 3), and no
// more ever run together.
func TestImageConcurrencyReachesThePush(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 20, sandbox.Config{})
		f.sfs.Memory = &shops.MemoryShops{Config: memory.Config{BatchSize: 100, ImageBatchSize: 1}}
		runner, err := syncjob.New(syncjob.Config{Store: st, IWS: f.iws, Storefronts: f.sfs.For, ImageConcurrency: 4})
		if err != nil {
			t.Fatal(err)
		}
		sf := f.sfs.MemoryShop(f.shop.ID)
		started, release := sf.HoldImages()
		defer release()
		done := make(chan error, 1)
		go func() {
			_, err := runner.Run(f.ctx, syncjob.Request{AccountID: f.acct.ID, Kind: "all"})
			done <- err
		}()
		for range 4 {
			<-started // blocks for good if fewer than four calls may run at once
		}
		release()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := sf.MaxConcurrentImageCalls(); n != 4 {
			t.Fatalf("%d image calls ran at once, want 4", n)
		}
	})
}
