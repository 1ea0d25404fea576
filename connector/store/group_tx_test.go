package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
)

// onMySQL runs fn on a fresh MySQL store: group commit batches there only (on SQLite each call
// has a transaction of its own; TestGroupTransactionOnSQLiteRunsEachCallAlone).
func onMySQL(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	fn(t, storetest.New(t, migrations.MySQL, true))
}

func TestGroupTransactionOnSQLiteRunsEachCallAlone(t *testing.T) {
	st := storetest.New(t, migrations.SQLite, true)
	ctx := context.Background()
	shop := newShop(t, st)
	var conns []*store.TxConn
	after := 0
	for i := range 2 {
		err := st.GroupTransaction(ctx, func(tx *store.Tx) error {
			conns = append(conns, tx.SQL())
			tx.AfterCommit(func() { after++ })
			_, _, err := st.InsertWebhookEventTx(ctx, tx, webhookEvent(shop.ID, fmt.Sprintf("s-%d", i)))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := st.GroupTransaction(ctx, func(tx *store.Tx) error {
		if _, _, err := st.InsertWebhookEventTx(ctx, tx, webhookEvent(shop.ID, "refused")); err != nil {
			return err
		}
		return errRefused
	})
	if !errors.Is(err, errRefused) {
		t.Errorf("failing call: %v, want its error", err)
	}
	var n int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_events`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d events stored (%v), want the 2 committed calls'", n, err)
	}
	if len(conns) != 2 || conns[0] == conns[1] || after != 2 {
		t.Errorf("calls ran in %d transactions (distinct: %v), after-commit %d; want 2 of their own", len(conns), len(conns) == 2 && conns[0] != conns[1], after)
	}
}

// groupHarness lines calls up behind a running batch: the first call's fn blocks until
// release, and every later call waits in the queue, so they form the next batch together.
type groupHarness struct {
	t    *testing.T
	st   *store.Store
	shop store.Shop

	release chan struct{}
	wg      sync.WaitGroup
}

func newGroupHarness(t *testing.T, st *store.Store) *groupHarness {
	store.SetGroupLeaders(st, 1)
	h := &groupHarness{t: t, st: st, shop: newShop(t, st), release: make(chan struct{})}
	started := make(chan struct{})
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		err := st.GroupTransaction(context.Background(), func(tx *store.Tx) error {
			close(started)
			<-h.release
			return nil
		})
		if err != nil {
			t.Errorf("blocking call: %v", err)
		}
	}()
	<-started
	return h
}

// queue starts a call in its own goroutine; its result arrives on the returned channel.
func (h *groupHarness) queue(ctx context.Context, fn func(tx *store.Tx) error) <-chan any {
	out := make(chan any, 1)
	want := store.PendingGroupCalls(h.st) + 1
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		defer func() {
			if v := recover(); v != nil {
				out <- fmt.Sprintf("panic: %v", v)
			}
		}()
		out <- h.st.GroupTransaction(ctx, fn)
	}()
	// Wait until it is queued, so calls line up in order.
	deadline := time.Now().Add(30 * time.Second)
	for store.PendingGroupCalls(h.st) < want {
		if time.Now().After(deadline) {
			h.t.Fatalf("call not queued after 30 s")
		}
		time.Sleep(time.Millisecond)
	}
	return out
}

func (h *groupHarness) run() {
	close(h.release)
	h.wg.Wait()
}

// insert records delivery d in tx.
func (h *groupHarness) insert(ctx context.Context, tx *store.Tx, d string) error {
	_, inserted, err := h.st.InsertWebhookEventTx(ctx, tx, webhookEvent(h.shop.ID, d))
	if err == nil && !inserted {
		err = fmt.Errorf("delivery %s not inserted", d)
	}
	return err
}

func (h *groupHarness) stored(d string) bool {
	h.t.Helper()
	events, err := h.st.ListWebhookEvents(context.Background(), h.shop.ID, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, e := range events {
		if e.DeliveryID == d {
			return true
		}
	}
	return false
}

func TestGroupTransactionBatchesCallsThatArriveTogether(t *testing.T) {
	onMySQL(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		h := newGroupHarness(t, st)
		var (
			mu    sync.Mutex
			conns = map[*store.TxConn]int{}
			after atomic.Int32
		)
		var results []<-chan any
		for i := range 9 {
			results = append(results, h.queue(ctx, func(tx *store.Tx) error {
				mu.Lock()
				conns[tx.SQL()]++
				mu.Unlock()
				tx.AfterCommit(func() { after.Add(1) })
				return h.insert(ctx, tx, fmt.Sprintf("d-%d", i))
			}))
		}
		h.run()
		for i, r := range results {
			if err := <-r; err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		}
		if len(conns) != 1 {
			t.Errorf("the 9 queued calls ran in %d transactions, want 1 (one batch)", len(conns))
		}
		for i := range 9 {
			if !h.stored(fmt.Sprintf("d-%d", i)) {
				t.Errorf("delivery d-%d not committed", i)
			}
		}
		if n := after.Load(); n != 9 {
			t.Errorf("after-commit functions ran %d times, want 9", n)
		}
	})
}

var errRefused = errors.New("refused")

func TestGroupTransactionFailedCallRunsAloneAndOthersCommit(t *testing.T) {
	onMySQL(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		h := newGroupHarness(t, st)
		var runsOK, afterOK, afterFailed atomic.Int32
		ok1 := h.queue(ctx, func(tx *store.Tx) error {
			runsOK.Add(1)
			tx.AfterCommit(func() { afterOK.Add(1) })
			return h.insert(ctx, tx, "ok-1")
		})
		failed := h.queue(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { afterFailed.Add(1) })
			if err := h.insert(ctx, tx, "failed"); err != nil {
				return err
			}
			return errRefused
		})
		panicked := h.queue(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { afterFailed.Add(1) })
			if err := h.insert(ctx, tx, "panicked"); err != nil {
				return err
			}
			panic("boom")
		})
		ok2 := h.queue(ctx, func(tx *store.Tx) error { return h.insert(ctx, tx, "ok-2") })
		h.run()

		if err := <-ok1; err != nil {
			t.Errorf("ok-1: %v", err)
		}
		if err := <-ok2; err != nil {
			t.Errorf("ok-2: %v", err)
		}
		if err, _ := (<-failed).(error); !errors.Is(err, errRefused) {
			t.Errorf("failed call returned %v, want its own error", err)
		}
		if got := <-panicked; got != "panic: boom" {
			t.Errorf("panicking call: %v, want its panic raised on its own goroutine", got)
		}
		for d, want := range map[string]bool{"ok-1": true, "ok-2": true, "failed": false, "panicked": false} {
			if got := h.stored(d); got != want {
				t.Errorf("delivery %s stored = %v, want %v", d, got, want)
			}
		}
		// The batch was rolled back and every call ran again alone.
		if n := runsOK.Load(); n != 2 {
			t.Errorf("ok-1 ran %d times, want 2 (in the batch, then alone)", n)
		}
		if n := afterOK.Load(); n != 1 {
			t.Errorf("ok-1's after-commit ran %d times, want 1", n)
		}
		if n := afterFailed.Load(); n != 0 {
			t.Errorf("failed calls' after-commit ran %d times, want 0", n)
		}
	})
}

func TestGroupTransactionCancelledBeforeItRuns(t *testing.T) {
	onMySQL(t, func(t *testing.T, st *store.Store) {
		h := newGroupHarness(t, st)
		done, cancel := context.WithCancel(context.Background())
		cancel()
		if err := st.GroupTransaction(done, func(tx *store.Tx) error { return h.insert(done, tx, "never") }); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled context: %v, want context.Canceled", err)
		}
		queued, cancelQueued := context.WithCancel(context.Background())
		r := h.queue(queued, func(tx *store.Tx) error { return h.insert(queued, tx, "queued") })
		cancelQueued()
		ok := h.queue(context.Background(), func(tx *store.Tx) error { return h.insert(context.Background(), tx, "ok") })
		h.run()
		if err, _ := (<-r).(error); !errors.Is(err, context.Canceled) {
			t.Errorf("call cancelled while queued: %v, want context.Canceled", err)
		}
		if err := <-ok; err != nil {
			t.Errorf("ok: %v", err)
		}
		if h.stored("never") || h.stored("queued") || !h.stored("ok") {
			t.Errorf("stored never=%v queued=%v ok=%v; want only ok", h.stored("never"), h.stored("queued"), h.stored("ok"))
		}
	})
}

func TestGroupTransactionConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		const calls = 200
		var wg sync.WaitGroup
		for i := range calls {
			wg.Go(func() {
				err := st.GroupTransaction(ctx, func(tx *store.Tx) error {
					_, _, err := st.InsertWebhookEventTx(ctx, tx, webhookEvent(shop.ID, fmt.Sprintf("c-%d", i%150)))
					return err
				})
				if err != nil {
					t.Errorf("call %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_events`).Scan(&n); err != nil || n != 150 {
			t.Errorf("%d events stored (%v), want 150: one per distinct delivery", n, err)
		}
	})
}

// TestGroupTransactionRetriesADeadlockVictim: on MySQL, a call whose transaction InnoDB rolls
// back to break a deadlock runs again and commits; its caller sees success.
func TestGroupTransactionRetriesADeadlockVictim(t *testing.T) {
	st := storetest.New(t, migrations.MySQL, true)
	ctx := context.Background()
	db := st.DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE group_tx_locks (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO group_tx_locks (id, n) VALUES (1, 0), (2, 0)`); err != nil {
		t.Fatal(err)
	}
	// The other transaction takes row 2 and writes more rows than the call, so InnoDB picks
	// the call as the victim.
	other, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Rollback() }()
	if _, err := other.ExecContext(ctx, `UPDATE group_tx_locks SET n = n + 1 WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := other.ExecContext(ctx, `INSERT INTO group_tx_locks (id, n) VALUES (?, 0)`, 100+i); err != nil {
			t.Fatal(err)
		}
	}

	var runs atomic.Int32
	lockedOne := make(chan struct{})
	otherWaits := make(chan struct{})
	result := make(chan error, 1)
	go func() {
		result <- st.GroupTransaction(ctx, func(tx *store.Tx) error {
			run := runs.Add(1)
			if _, err := tx.SQL().ExecContext(ctx, `UPDATE group_tx_locks SET n = n + 1 WHERE id = 1`); err != nil {
				return err
			}
			if run == 1 {
				close(lockedOne)
				<-otherWaits // the other transaction now waits for row 1: taking row 2 closes the cycle
			}
			_, err := tx.SQL().ExecContext(ctx, `UPDATE group_tx_locks SET n = n + 1 WHERE id = 2`)
			return err
		})
	}()
	<-lockedOne
	otherDone := make(chan error, 1)
	go func() {
		_, err := other.ExecContext(ctx, `UPDATE group_tx_locks SET n = n + 1 WHERE id = 1`)
		if err == nil {
			err = other.Commit()
		}
		otherDone <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var waiting int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other transaction never waited for row 1")
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(otherWaits)
	if err := <-otherDone; err != nil {
		t.Fatalf("the other transaction: %v", err)
	}
	if err := <-result; err != nil {
		t.Fatalf("the call: %v, want success after running again", err)
	}
	if n := runs.Load(); n != 2 {
		t.Errorf("the call ran %d times, want 2 (the deadlock's victim, then again)", n)
	}
	var n1, n2 int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT n FROM group_tx_locks WHERE id = 1), (SELECT n FROM group_tx_locks WHERE id = 2)`).Scan(&n1, &n2); err != nil {
		t.Fatal(err)
	}
	if n1 != 2 || n2 != 2 {
		t.Errorf("rows = %d, %d; want 2, 2 (each transaction's writes once)", n1, n2)
	}
}
