package syncjob_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

// TestManualSyncAndPush: the jobs a person queues are the scheduler's jobs; the workers run
// them, the job's calls name its sync run, and a second request while one waits is that one.
func TestManualSyncAndPush(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, 12, sandbox.Config{})
		ws := jobs.NewWorkers()
		syncjob.AddWorkers(ws, f.runner, syncjob.PurgePolicy{})
		client, err := jobs.NewClient(st, jobs.Config{Workers: ws})
		if err != nil {
			t.Fatal(err)
		}

		res, err := syncjob.EnqueueManualSync(f.ctx, client, st, "all", f.acct.ID)
		if err != nil || res.Duplicate || res.Job.Kind != syncjob.KindSyncAll {
			t.Fatalf("enqueue = %+v, %v", res, err)
		}
		again, err := syncjob.EnqueueManualSync(f.ctx, client, st, "all", f.acct.ID)
		if err != nil || !again.Duplicate || again.Job.ID != res.Job.ID {
			t.Fatalf("second enqueue = %+v, %v; want the waiting job %d", again, err, res.Job.ID)
		}
		if got, ok := syncjob.ManualJobOf(res.Job); !ok || got != (syncjob.ManualJob{Feed: "all", AccountID: f.acct.ID}) {
			t.Errorf("ManualJobOf = %+v, %v", got, ok)
		}
		if n, err := client.Drain(f.ctx); err != nil || n != 1 {
			t.Fatalf("drain = %d, %v", n, err)
		}
		done, err := client.Get(f.ctx, res.Job.ID)
		if err != nil || done.State != jobs.StateCompleted {
			t.Fatalf("job = %+v, %v", done, err)
		}
		runID, err := st.JobSyncRunID(f.ctx, strconv.FormatInt(res.Job.ID, 10))
		if err != nil {
			t.Fatal(err)
		}
		run, err := st.SyncRun(f.ctx, runID)
		if err != nil || run.Kind != string(catalog.KindAll) || run.Status != store.SyncSucceeded {
			t.Errorf("the job's run = %+v, %v", run, err)
		}

		push, err := syncjob.EnqueueManualPush(f.ctx, client, st, f.shop.ID)
		if err != nil || push.Kind != syncjob.KindPushListings {
			t.Fatalf("push = %+v, %v", push, err)
		}
		if got, ok := syncjob.ManualJobOf(push); !ok || got != (syncjob.ManualJob{Feed: syncjob.ManualPush, ShopID: f.shop.ID}) {
			t.Errorf("ManualJobOf(push) = %+v, %v", got, ok)
		}
		if n, err := client.Drain(f.ctx); err != nil || n != 1 {
			t.Fatalf("drain = %d, %v", n, err)
		}
		if got, err := client.Get(f.ctx, push.ID); err != nil || got.State != jobs.StateCompleted {
			t.Fatalf("push job = %+v, %v", got, err)
		}

		refusals := []struct {
			name string
			err  error
			want error
		}{
			{"kind", func() error {
				_, err := syncjob.EnqueueManualSync(f.ctx, client, st, "everything", f.acct.ID)
				return err
			}(), syncjob.ErrInvalid},
			{"account", func() error { _, err := syncjob.EnqueueManualSync(f.ctx, client, st, "stock", 999); return err }(), store.ErrNotFound},
			{"shop", func() error { _, err := syncjob.EnqueueManualPush(f.ctx, client, st, 999); return err }(), store.ErrNotFound},
		}
		for _, r := range refusals {
			if !errors.Is(r.err, r.want) {
				t.Errorf("%s: %v, want %v", r.name, r.err, r.want)
			}
		}
		if _, ok := syncjob.ManualJobOf(&jobs.JobRow{Kind: syncjob.KindAuditPurge}); ok {
			t.Error("the audit purge is not a manual job")
		}
	})
}
