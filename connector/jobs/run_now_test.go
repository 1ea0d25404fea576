package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// RunNow brings a job inserted for later forward, once; other kinds, other keys and finished
// jobs are left alone.
func TestRunNow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := newClient(t, st, Config{Workers: workers(func(context.Context, *Job[testArgs]) error { return nil })})
		later := time.Now().Add(time.Hour)
		r, err := c.Insert(ctx, testArgs{N: 1}, &InsertOpts{UniqueKey: "k1", ScheduledAt: later})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := c.Drain(ctx); err != nil || n != 0 {
			t.Fatalf("drain before: %d, %v", n, err)
		}
		if moved, err := c.RunNow(ctx, "test", "other-key"); err != nil || moved {
			t.Fatalf("other key: %v, %v", moved, err)
		}
		if moved, err := c.RunNow(ctx, "other", "k1"); err != nil || moved {
			t.Fatalf("other kind: %v, %v", moved, err)
		}
		var moved bool
		if err := st.Transaction(ctx, func(tx *store.Tx) error {
			moved, err = c.RunNowTx(ctx, tx, "test", "k1")
			return err
		}); err != nil || !moved {
			t.Fatalf("run now: %v, %v", moved, err)
		}
		if n, err := c.Drain(ctx); err != nil || n != 1 {
			t.Fatalf("drain after: %d, %v", n, err)
		}
		waitState(t, c, r.Job.ID, StateCompleted)
		if moved, err := c.RunNow(ctx, "test", "k1"); err != nil || moved {
			t.Fatalf("finished job: %v, %v", moved, err)
		}
	})
}
