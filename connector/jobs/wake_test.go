package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// A job inserted through a started client runs without waiting for the poll interval: Insert
// wakes the workers at once, InsertTx when its transaction commits. The poll interval is an hour,
// so only the wake can start the jobs before the (generous) deadline.
func TestInsertWakesWorkers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ran := make(chan int, 10)
		c := newClient(t, st, Config{PollInterval: time.Hour, Workers: workers(func(_ context.Context, j *Job[testArgs]) error {
			ran <- j.Args.N
			return nil
		})})
		wait := func(want int) {
			t.Helper()
			select {
			case n := <-ran:
				if n != want {
					t.Fatalf("job %d ran, want %d", n, want)
				}
			case <-time.After(time.Minute):
				t.Fatalf("job %d did not start within a minute (poll interval 1h)", want)
			}
		}
		// A first job, inserted by another client (which cannot wake this one), runs at the
		// start-up fetch: once it has run, the fetch loop waits on its hour-long timer.
		other := newClient(t, st, Config{})
		if _, err := other.Insert(ctx, testArgs{N: 1}, nil); err != nil {
			t.Fatal(err)
		}
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		wait(1)
		waitState(t, c, 1, StateCompleted)

		r, err := c.Insert(ctx, testArgs{N: 2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		wait(2)
		waitState(t, c, r.Job.ID, StateCompleted)

		// A rolled-back InsertTx wakes nobody and leaves nothing to run.
		errRollback := errors.New("rollback")
		if err := st.Transaction(ctx, func(tx *store.Tx) error {
			if _, err := c.InsertTx(ctx, tx, testArgs{N: 99}, nil); err != nil {
				return err
			}
			return errRollback
		}); !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		var id int64
		if err := st.Transaction(ctx, func(tx *store.Tx) error {
			r, err := c.InsertTx(ctx, tx, testArgs{N: 3}, nil)
			id = r.Job.ID
			return err
		}); err != nil {
			t.Fatal(err)
		}
		wait(3)
		waitState(t, c, id, StateCompleted)
	})
}

func waitState(t *testing.T, c *Client, id int64, want State) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	j, err := c.Wait(ctx, id)
	if err != nil || j.State != want {
		t.Fatalf("job %d: %v, %v; want %s", id, j, err, want)
	}
}

func TestAfterCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var calls []string
		errRollback := errors.New("rollback")
		_ = st.Transaction(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { calls = append(calls, "rolled back") })
			return errRollback
		})
		if err := st.Transaction(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { calls = append(calls, "first") })
			tx.AfterCommit(nil)
			tx.AfterCommit(func() { calls = append(calls, "second") })
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(calls) != 2 || calls[0] != "first" || calls[1] != "second" {
			t.Errorf("after-commit calls %v", calls)
		}
	})
}

// TestRetryDueBeforeThePollRunsOnTime: a job failing with a retry due sooner than the poll
// interval (an hour here) runs again when it falls due, not at the next poll.
func TestRetryDueBeforeThePollRunsOnTime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		attempts := make(chan int, 10)
		c := newClient(t, st, Config{PollInterval: time.Hour, Backoff: func(int) time.Duration { return 20 * time.Millisecond },
			Workers: workers(func(_ context.Context, j *Job[testArgs]) error {
				attempts <- j.Attempt
				if j.Attempt == 1 {
					return errors.New("deadlock, say")
				}
				return nil
			})})
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := c.Insert(ctx, testArgs{N: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for want := 1; want <= 2; want++ {
			select {
			case n := <-attempts:
				if n != want {
					t.Fatalf("attempt %d ran, want %d", n, want)
				}
			case <-time.After(time.Minute):
				t.Fatalf("attempt %d did not run within a minute (poll interval 1h)", want)
			}
		}
		waitState(t, c, r.Job.ID, StateCompleted)
	})
}
