package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/intcomex-connector/connector/migrations"
)

// Group commit: GroupTransaction runs short transactions that arrive at the same moment in one
// database transaction, so they share one BEGIN, one COMMIT and its fsync, and the database sees
// a few busy connections instead of one per caller. The webhook intake records every delivery
// this way: under a burst, a MariaDB with fifty connections each running its own eight-statement
// transaction on two cores stalled for up to a third of a second (threads queued on each other
// inside the server); a few batches at a time drain the same burst without that convoy.
//
// On SQLite a call runs in a transaction of its own (Transaction): one connection carries one
// writer at a time anyway.
//
// A batch is optimistic: the calls run one after the other on the batch's transaction with no
// savepoint between them (a savepoint is one more round trip per call). When any call fails or
// panics, or the commit fails, the batch is rolled back and every call in it runs again alone in
// its own transaction, where its own result (and only its) stands. So a call's fn may run twice
// and must be written for that: it sets its results afresh on each run, and it must not
// depend on running alone (it sees the writes of the calls before it in the batch, as it would
// had they committed just before it).

const (
	// groupMaxBatch bounds the calls one transaction carries: a longer transaction holds its
	// row locks longer, and a failed batch runs every call again.
	groupMaxBatch = 32
	// groupLeadersMySQL is how many batches run at once: enough to keep the server busy while
	// one batch waits for its commit's fsync, few enough that its threads do not queue on each
	// other.
	groupLeadersMySQL = 4
)

// groupCommit queues the calls of GroupTransaction and runs them in batches. No goroutine
// outlives the queue's work: the first call that finds fewer than maxLeaders batches running
// starts a leader, which runs batches until the queue is empty and then ends.
type groupCommit struct {
	store      *Store
	maxLeaders int

	mu      sync.Mutex
	pending []*groupCall
	leaders int
}

type groupCall struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan groupResult // buffered: a leader never waits for the caller
}

type groupResult struct {
	err      error
	panicked bool
	panicVal any
}

func newGroupCommit(s *Store) *groupCommit {
	return &groupCommit{store: s, maxLeaders: groupLeadersMySQL}
}

// GroupTransaction runs fn in a database transaction like Transaction, but that transaction may
// carry other GroupTransaction calls made at the same moment (group commit): when it returns
// nil, fn's writes are committed; when it returns an error, none of them are. fn may run more
// than once (see above): it must set its results on every run and make no outside call. Its
// context is not cancelled with ctx once fn has started, since cancelling one statement would
// end the transaction the other calls share; GroupTransaction waits for the outcome. A panic in
// fn is raised again on the caller's goroutine after its writes were rolled back.
func (s *Store) GroupTransaction(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.dialect == migrations.SQLite {
		// One connection, one writer: batching saves little there (its intake met the target
		// without it), and a transaction of its own per call keeps SQLite's path the one every
		// other writer takes.
		return s.Transaction(ctx, fn)
	}
	g := s.group
	call := &groupCall{ctx: ctx, fn: fn, done: make(chan groupResult, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, call)
	lead := g.leaders < g.maxLeaders
	if lead {
		g.leaders++
	}
	g.mu.Unlock()
	if lead {
		go g.lead()
	}
	r := <-call.done
	if r.panicked {
		panic(r.panicVal)
	}
	return r.err
}

// lead runs batches until the queue is empty.
func (g *groupCommit) lead() {
	for {
		g.mu.Lock()
		n := min(len(g.pending), groupMaxBatch)
		if n == 0 {
			g.leaders--
			g.mu.Unlock()
			return
		}
		batch := make([]*groupCall, n)
		copy(batch, g.pending)
		g.pending = append(g.pending[:0], g.pending[n:]...)
		g.mu.Unlock()
		g.run(batch)
	}
}

// run commits batch in one transaction, or each of its calls alone when that fails.
func (g *groupCommit) run(batch []*groupCall) {
	live := batch[:0]
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.done <- groupResult{err: err} // its caller gave up before it ran: nothing written
			continue
		}
		live = append(live, c)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		live[0].done <- g.alone(live[0])
		return
	}
	afterCommit, err := g.together(live)
	if err != nil {
		g.store.logger.Debug("store: group commit failed; each call runs alone", "calls", len(live), "err", err)
		for _, c := range live {
			c.done <- g.alone(c)
		}
		return
	}
	for _, fn := range afterCommit {
		fn()
	}
	for _, c := range live {
		c.done <- groupResult{}
	}
}

// alone runs one call in its own transaction. On MySQL a transaction may be chosen as a
// deadlock's victim (two connector processes taking the same orders in different orders, or
// InnoDB's gap locks): it was rolled back whole and runs again, a few times.
func (g *groupCommit) alone(c *groupCall) (r groupResult) {
	defer func() {
		if v := recover(); v != nil {
			r = groupResult{panicked: true, panicVal: v}
		}
	}()
	ctx := context.WithoutCancel(c.ctx)
	var err error
	for attempt := range groupAloneAttempts {
		if err = g.store.Transaction(ctx, c.fn); err == nil || !LockConflict(err) || attempt == groupAloneAttempts-1 {
			break
		}
		g.store.logger.Info("store: transaction lost a lock conflict; running it again", "attempt", attempt+1, "err", err)
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond) // let the winner commit
	}
	return groupResult{err: err}
}

// groupAloneAttempts bounds the runs of a call whose transaction loses a lock conflict.
const groupAloneAttempts = 5

// LockConflict reports a MySQL deadlock (1213: the transaction was rolled back) or lock wait
// timeout (1205): running the transaction again may well succeed.
func LockConflict(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}

// together runs every call of batch in one transaction and commits it. It returns the
// after-commit functions the calls registered, to run once the commit succeeded, or the first
// failure (a call's error or panic, or the commit's), the transaction rolled back.
func (g *groupCommit) together(batch []*groupCall) (afterCommit []func(), err error) {
	s := g.store
	ctx := context.Background() // no caller's cancellation may end the others' transaction
	sqlTx, err := s.sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	conn := &TxConn{tx: sqlTx} // MySQL: no statement cache (GroupTransaction batches there only)
	committed := false
	defer func() {
		if !committed {
			_ = sqlTx.Rollback() // the failure being reported is the one that matters
		}
	}()
	for i, c := range batch {
		tx := s.newTx(context.WithoutCancel(c.ctx), conn)
		if err := runCall(tx, c.fn); err != nil {
			return nil, fmt.Errorf("call %d of %d: %w", i+1, len(batch), err)
		}
		afterCommit = append(afterCommit, tx.afterCommit...)
	}
	if err := sqlTx.Commit(); err != nil {
		return nil, fmt.Errorf("store: commit: %w", err)
	}
	committed = true
	return afterCommit, nil
}

// errCallPanicked stands for a panic in a batched call, which runs again alone to raise it on
// its caller's goroutine.
var errCallPanicked = errors.New("store: call panicked")

func runCall(tx *Tx, fn func(tx *Tx) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: %v", errCallPanicked, v)
		}
	}()
	return fn(tx)
}
