package catalog

import (
	"context"
	"sync"

	"github.com/intcomex-connector/connector/connector/store"
)

// writer writes a catalog stream's merged batches on its own goroutine, one at a time and in
// order, so that merging batch N+1 (reads, hashing, building rows) overlaps writing batch N.
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
}

type writeJob struct {
	out     []*store.Product
	changes []Change
	stage   string
	done    int // feed items read when the batch was merged, for progress
}

func newWriter(ctx context.Context, s *Syncer, r *run) *writer {
	w := &writer{s: s, r: r, ctx: ctx, jobs: make(chan writeJob, 1), exit: make(chan struct{}), pending: map[string]int{}}
	go w.loop()
	return w
}

func (w *writer) loop() {
	defer close(w.exit)
	for job := range w.jobs {
		w.mu.Lock()
		failed := w.err != nil
		w.mu.Unlock()
		var err error
		if !failed {
			if err = w.s.writeBatch(w.ctx, w.r, job.out, job.changes); err == nil {
				w.r.progress(job.stage, job.done)
			}
		}
		w.mu.Lock()
		if err != nil && w.err == nil {
			w.err = err
		}
		for _, p := range job.out {
			if w.pending[p.SKU]--; w.pending[p.SKU] <= 0 {
				delete(w.pending, p.SKU)
			}
		}
		w.mu.Unlock()
		w.busy.Done()
	}
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

// submit hands a batch over; it blocks while one batch waits to be written.
func (w *writer) submit(job writeJob) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.mu.Lock()
	for _, p := range job.out {
		w.pending[p.SKU]++
	}
	w.mu.Unlock()
	w.busy.Add(1)
	w.jobs <- job
	return nil
}

// close waits for every batch handed over and returns the first write error.
func (w *writer) close() error {
	close(w.jobs)
	<-w.exit
	return w.failed()
}
