package catalog

import (
	"context"
	"sync"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
)

// writer writes a catalog stream's merged batches on its own goroutine, in order, so that
// merging batch N+1 (reads, hashing, building rows) overlaps writing batch N. The merging side
// also turns a batch into rows (submit); the writer only runs SQL, and writes the batches that
// queued up while it was busy in one transaction (fewer commits, each rewriting fewer pages).
// The catalog merge decides what to read from the SKUs it knows are stored; a SKU still waiting
// in the writer is read only after the writer has written it (wait), so no batch ever reads a
// row older than what an earlier batch wrote.
type writer struct {
	s    *Syncer
	r    *run
	ctx  context.Context
	jobs chan writeJob
	exit chan struct{}
	busy sync.WaitGroup // jobs handed over and not yet written

	mu      sync.Mutex
	pending map[string]int // SKU → jobs holding it, not yet written
	err     error          // the first write error; later jobs are dropped
	lost    runCounts      // what the jobs not written had counted
}

type writeJob struct {
	rows         *store.ProductRows
	out          []*mirror.Product
	changes      []Change
	fieldsHashes [][2]string // SKU, FieldsHash to store for an unchanged product
	stage        string
	done         int       // feed items read when the batch was merged, for progress
	counted      runCounts // what merging the batch counted, taken back if it is not written
}

func newWriter(ctx context.Context, s *Syncer, r *run) *writer {
	w := &writer{s: s, r: r, ctx: ctx, jobs: make(chan writeJob, writerQueue), exit: make(chan struct{}), pending: map[string]int{}}
	go w.loop()
	return w
}

// writerQueue is how many prepared batches may wait for the writer; a transaction writes at
// most writerQueue+1 of them. More than one saved no time in BenchmarkFirstSync50k and added
// about 10 MB to its peak RSS (BENCHMARKS.md, round 5).
const writerQueue = 1

func (w *writer) loop() {
	defer close(w.exit)
	group := make([]writeJob, 0, writerQueue+1)
	for job := range w.jobs {
		group = append(group[:0], job)
	drain:
		for len(group) <= writerQueue {
			select {
			case next, ok := <-w.jobs:
				if !ok {
					break drain
				}
				group = append(group, next)
			default:
				break drain
			}
		}
		w.write(group)
	}
}

// write writes a group of jobs in one transaction, then reports them.
func (w *writer) write(group []writeJob) {
	w.mu.Lock()
	failed := w.err != nil
	w.mu.Unlock()
	var err error
	if !failed {
		rows := make([]*store.ProductRows, len(group))
		for i, job := range group {
			rows[i] = job.rows
		}
		if err = w.s.st.WriteProductRows(w.ctx, rows...); err == nil {
			for _, job := range group {
				w.s.noteWritten(w.r, job.out, job.changes)
				w.r.progress(job.stage, job.done)
			}
		}
	}
	w.mu.Lock()
	if err != nil && w.err == nil {
		w.err = err
	}
	if failed || err != nil {
		for _, job := range group {
			w.lost = w.lost.plus(job.counted)
		}
	}
	for _, job := range group {
		for _, p := range job.out {
			if w.pending[p.SKU]--; w.pending[p.SKU] <= 0 {
				delete(w.pending, p.SKU)
			}
		}
	}
	w.mu.Unlock()
	w.busy.Add(-len(group))
}

// failed returns the first write error.
func (w *writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// waitFor waits until no SKU of skus is waiting to be written.
func (w *writer) waitFor(skus []string) {
	w.mu.Lock()
	waiting := false
	for _, sku := range skus {
		if w.pending[sku] > 0 {
			waiting = true
			break
		}
	}
	w.mu.Unlock()
	if waiting {
		w.busy.Wait()
	}
}

// submit turns a batch into rows and hands it over; it blocks while writerQueue batches wait to
// be written.
func (w *writer) submit(job writeJob) error {
	if err := w.failed(); err != nil {
		return err
	}
	rows, err := w.s.st.PrepareHashedProducts(w.r.accountID, job.out)
	if err != nil {
		return err
	}
	for _, h := range job.fieldsHashes {
		rows.SetFieldsHash(h[0], h[1])
	}
	job.rows = rows
	w.mu.Lock()
	for _, p := range job.out {
		w.pending[p.SKU]++
	}
	w.mu.Unlock()
	w.busy.Add(1)
	w.jobs <- job
	return nil
}

// close waits for every batch handed over and returns the first write error, and what the batches
// not written had counted.
func (w *writer) close() (runCounts, error) {
	close(w.jobs)
	<-w.exit
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lost, w.err
}
