package listing_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms"
)

// records keeps the log records of a test.
type records struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec.Clone())
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

// failed returns the "listing: push failed" lines, each as its attributes.
func (r *records) failed() []map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]string
	for _, rec := range r.recs {
		if rec.Message != "listing: push failed" {
			continue
		}
		m := map[string]string{}
		rec.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
		out = append(out, m)
	}
	return out
}

// A push whose items fail the same way logs one line per kind of failure, with the count and a
// sample, however many items failed.
func TestPushFailuresLoggedOncePerKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 40, 5)
		logs := &records{}
		f.syncer.Logger = slog.New(logs)
		for i := range 30 {
			f.sf.FailSKU(fmt.Sprintf("SKU%05d", i+3), fmt.Errorf("price %d refused: %w", i, platforms.ErrInvalid))
		}
		f.sf.FailSKU("SKU00001", fmt.Errorf("gone: %w", platforms.ErrNotFound))
		f.plan(map[listing.Kind]int{listing.KindCreate: 40})
		sum := f.push(map[string]int{"UpsertProducts": 8, "EnsureCategories": 1, "EnsureBrands": 1, "SetImages": 2})
		if sum.Failed != 31 {
			t.Fatalf("summary %+v", sum)
		}
		lines := logs.failed()
		if len(lines) != 2 {
			t.Fatalf("%d push-failed lines for 31 failures of two kinds, want 2: %v", len(lines), lines)
		}
		want := []map[string]string{
			{"shop": fmt.Sprint(f.shop.ID), "change": "create", "kind": "not_found", "items": "1", "sample_sku": "SKU00001", "err": "gone: platforms: not found"},
			{"shop": fmt.Sprint(f.shop.ID), "change": "create", "kind": "invalid", "items": "30", "sample_sku": "SKU00003", "err": "price 0 refused: platforms: invalid"},
		}
		for i, w := range want {
			for k, v := range w {
				if lines[i][k] != v {
					t.Errorf("line %d: %s = %q, want %q (%v)", i, k, lines[i][k], v, lines[i])
				}
			}
		}
		// Each item keeps its own error.
		if l, _ := st.Listing(f.ctx, f.shop.ID, "SKU00009"); l.LastError != "price 6 refused: platforms: invalid" {
			t.Errorf("listing error %q", l.LastError)
		}
	})
}

// A failed storefront call fails its whole batch: one line with the batch's count. A push cut
// short by a cancelled context logs nothing: the shop did not fail, the run was stopped.
func TestPushCallFailureAndCancellation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 12, 5)
		logs := &records{}
		f.syncer.Logger = slog.New(logs)
		f.plan(map[listing.Kind]int{listing.KindCreate: 12})
		down := &failingStorefront{Storefront: f.sf, err: errors.New("connection refused")}
		if _, err := f.syncer.Push(f.ctx, f.shop.ID, down); err == nil {
			t.Fatal("push through a storefront that is down succeeded")
		}
		lines := logs.failed()
		if len(lines) != 1 || lines[0]["kind"] != "call" || lines[0]["items"] != "5" {
			t.Fatalf("lines %v, want one call failure of the 5 items of the batch", lines)
		}

		// The run's context is cancelled while the call is in flight: the call fails with it (the
		// bookkeeping after it is the push's own business).
		logs.recs = nil
		interrupted := &failingStorefront{Storefront: f.sf, err: fmt.Errorf("woocommerce: POST /products/batch: %w", context.Canceled)}
		if _, err := f.syncer.Push(f.ctx, f.shop.ID, interrupted); err == nil {
			t.Fatal("cancelled push succeeded")
		}
		if lines := logs.failed(); len(lines) != 0 {
			t.Errorf("a cancelled push logged failures: %v", lines)
		}
	})
}

// failingStorefront fails every product upsert with err.
type failingStorefront struct {
	platforms.Storefront
	err error
}

func (s *failingStorefront) UpsertProducts(context.Context, []platforms.ProductInput) ([]platforms.ItemResult, error) {
	return nil, s.err
}

// Image lists that fail the same way are one line too, after the pass.
func TestImageFailuresLoggedOncePerKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 12, 5)
		logs := &records{}
		f.syncer.Logger = slog.New(logs)
		for i := range 12 {
			f.sf.FailImages(fmt.Sprintf("SKU%05d", i), fmt.Errorf("image %d refused: %w", i, platforms.ErrInvalid))
		}
		f.plan(map[listing.Kind]int{listing.KindCreate: 12})
		sum, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Images.Failed == 0 {
			t.Fatalf("no image list failed: %+v", sum.Images)
		}
		lines := logs.failed()
		if len(lines) != 1 || lines[0]["change"] != "images" || lines[0]["kind"] != "invalid" || lines[0]["items"] != fmt.Sprint(sum.Images.Failed) {
			t.Fatalf("image failures logged as %v, want one line counting %d", lines, sum.Images.Failed)
		}
	})
}

// cancellingStorefront stops the run while its first product upsert is in flight, after the store
// applied it (as a store does when the answer is lost to a Ctrl-C).
type cancellingStorefront struct {
	platforms.Storefront
	cancel context.CancelFunc
}

func (s *cancellingStorefront) UpsertProducts(ctx context.Context, in []platforms.ProductInput) ([]platforms.ItemResult, error) {
	if _, err := s.Storefront.UpsertProducts(ctx, in); err != nil {
		return nil, err
	}
	s.cancel()
	return nil, fmt.Errorf("memory: UpsertProducts: %w", ctx.Err())
}

// A push stopped during a call records nothing against the batch in flight: its listings keep
// their pending change with no error and no failed attempt, and the next run sends them again,
// adopting what the store made meanwhile, without a duplicate.
func TestStoppedPushLeavesTheBatchPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 5, 5)
		f.plan(map[listing.Kind]int{listing.KindCreate: 5})
		ctx, cancel := context.WithCancel(f.ctx)
		defer cancel()
		if _, err := f.syncer.Push(ctx, f.shop.ID, &cancellingStorefront{Storefront: f.sf, cancel: cancel}); !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped push: %v", err)
		}
		for i := range 5 {
			l, err := st.Listing(f.ctx, f.shop.ID, fmt.Sprintf("SKU%05d", i))
			if err != nil || l.PendingChange != string(listing.KindCreate) || l.LastError != "" || l.Attempts != 0 || l.State == store.ListingError {
				t.Fatalf("listing after a stopped push: %+v %v", l, err)
			}
		}
		if _, err := f.syncer.Push(f.ctx, f.shop.ID, f.sf); err != nil {
			t.Fatal(err)
		}
		if n := len(f.sf.Products()); n != 5 {
			t.Errorf("%d products in the store after the second push, want 5 (no duplicate)", n)
		}
		for i := range 5 {
			if l, _ := st.Listing(f.ctx, f.shop.ID, fmt.Sprintf("SKU%05d", i)); l.PendingChange != "" || l.ProductID == "" {
				t.Errorf("listing after the second push: %+v", l)
			}
		}
	})
}
