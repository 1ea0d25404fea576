package syncjob_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/pricing"
)

// TestPushJobRepricesAfterRulesChange: new rules and a push_listings job queued in the same
// transaction; the job re-prices every listing on the storefront without reading IWS, and a
// second push finds nothing to do.
func TestPushJobRepricesAfterRulesChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 40, sandbox.Config{})
		f.run(catalog.KindAll)
		sf := f.sfs.MemoryShop(f.shop.ID)
		before := f.pushed()
		// A push reads no IWS feed.
		f.iws = func(context.Context, store.IWSAccount) (catalog.Source, error) {
			t.Error("the push asked for an IWS client")
			return nil, errors.New("no IWS")
		}
		f.useStorefronts(f.sfs)

		ws := jobs.NewWorkers()
		syncjob.AddWorkers(ws, f.runner, syncjob.PurgePolicy{})
		client, err := jobs.NewClient(st, jobs.Config{Workers: ws})
		if err != nil {
			t.Fatal(err)
		}
		doubled, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"100"}}`))
		if err != nil {
			t.Fatal(err)
		}
		var job *jobs.JobRow
		err = st.Transaction(f.ctx, func(tx *store.Tx) error {
			if err := st.ReplaceShopPricingTx(f.ctx, tx, f.shop.ID, margin.ToStored(doubled)); err != nil {
				return err
			}
			job, err = syncjob.EnqueuePushTx(f.ctx, client, tx, f.shop.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := client.Drain(f.ctx); err != nil || n != 1 {
			t.Fatalf("drain = %d, %v", n, err)
		}
		if got, err := client.Get(f.ctx, job.ID); err != nil || got.State != jobs.StateCompleted {
			t.Fatalf("push job = %+v, %v", got, err)
		}
		after := f.pushed()
		checked := 0
		for sku, l := range after {
			if l.State != store.ListingPublished && l.State != store.ListingOutOfStock {
				continue
			}
			cost := l.CostBasis.Decimal
			want := cost.Mul(decimal.NewFromInt(2)).RoundCeil(2)
			p, ok := sf.Product(sku)
			if !ok || !l.Price.Decimal.Equal(want) || p.Price != want.StringFixed(2) {
				t.Errorf("%s: listing price %s, storefront %q, want %s (cost %s; before %s)", sku, l.Price.Decimal, p.Price, want, cost, before[sku].Price.Decimal)
			}
			checked++
		}
		if checked == 0 {
			t.Fatal("no listing on the storefront")
		}

		sum, err := f.runner.Push(f.ctx, syncjob.PushRequest{ShopID: f.shop.ID})
		if err != nil || !sum.Planned || sum.Changes.Len() != 0 || sum.Push.Calls != 0 {
			t.Fatalf("second push = %+v, %v; want nothing to do", sum, err)
		}
		if _, err := f.runner.Push(f.ctx, syncjob.PushRequest{ShopID: 999}); err == nil {
			t.Error("push of an unknown shop succeeded")
		}
	})
}

// blockingPush is a push_listings worker that reports each job it starts and waits for a word
// to finish it.
type blockingPush struct {
	started chan int64
	release chan struct{}
}

func (w blockingPush) Work(ctx context.Context, job *jobs.Job[syncjob.PushListings]) error {
	w.started <- job.ID
	select {
	case <-w.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestEnqueuePushCoalesces: pushes queued while one waits are that one; a push queued while one
// runs is another job, behind it, and the pushes queued after it are that one.
func TestEnqueuePushCoalesces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
			BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
		if err != nil {
			t.Fatal(err)
		}
		shop, err := st.SaveShop(ctx, store.Shop{Name: "mem", Platform: store.PlatformMemory, Credentials: "{}",
			IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
		if err != nil {
			t.Fatal(err)
		}
		w := blockingPush{started: make(chan int64, 4), release: make(chan struct{})}
		ws := jobs.NewWorkers()
		jobs.AddWorker[syncjob.PushListings](ws, w)
		client, err := jobs.NewClient(st, jobs.Config{Workers: ws, Concurrency: 1})
		if err != nil {
			t.Fatal(err)
		}
		enqueue := func() *jobs.JobRow {
			t.Helper()
			var job *jobs.JobRow
			if err := st.Transaction(ctx, func(tx *store.Tx) error {
				job, err = syncjob.EnqueuePushTx(ctx, client, tx, shop.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return job
		}
		first := enqueue()
		if again := enqueue(); again.ID != first.ID {
			t.Fatalf("second push while the first waits = job %d, want %d", again.ID, first.ID)
		}
		if err := client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := client.Stop(context.Background()); err != nil {
				t.Error(err)
			}
		})
		if id := <-w.started; id != first.ID {
			t.Fatalf("started job %d, want %d", id, first.ID)
		}
		second := enqueue()
		if second.ID == first.ID || second.State != jobs.StateAvailable {
			t.Fatalf("push while the first runs = %+v, want a new waiting job", second)
		}
		if third := enqueue(); third.ID != second.ID {
			t.Fatalf("push while the second waits = job %d, want %d", third.ID, second.ID)
		}
		w.release <- struct{}{}
		if id := <-w.started; id != second.ID {
			t.Fatalf("started job %d, want %d", id, second.ID)
		}
		w.release <- struct{}{}
		for _, id := range []int64{first.ID, second.ID} {
			if job, err := client.Wait(ctx, id); err != nil || job.State != jobs.StateCompleted {
				t.Fatalf("job %d = %+v, %v", id, job, err)
			}
		}
	})
}
