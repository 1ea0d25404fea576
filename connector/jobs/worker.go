package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Worker runs jobs of one args type. Work returns nil on success; an error to retry with
// backoff (or to be discarded when out of attempts); Cancel(err) to stop without retrying;
// Snooze(d) to run again later without using an attempt. A panic counts as an error.
// ctx is cancelled when the client stops hard, when the lease is lost (cause ErrLeaseLost) or
// when Client.Cancel is called on the running job (cause ErrCancelRequested).
type Worker[T JobArgs] interface {
	Work(ctx context.Context, job *Job[T]) error
}

// WorkerBackoff is implemented by workers that override Config.Backoff for their kind.
type WorkerBackoff interface {
	Backoff(attempt int) time.Duration
}

// WorkerTimeout is implemented by workers whose attempts must end within a duration; the job's
// context is cancelled after it. Without it, an attempt runs as long as it keeps its lease.
type WorkerTimeout interface {
	Timeout() time.Duration
}

// WorkFunc adapts a function to a Worker.
func WorkFunc[T JobArgs](f func(ctx context.Context, job *Job[T]) error) Worker[T] {
	return workFunc[T](f)
}

type workFunc[T JobArgs] func(ctx context.Context, job *Job[T]) error

func (f workFunc[T]) Work(ctx context.Context, job *Job[T]) error { return f(ctx, job) }

// Workers maps job kinds to their workers. Build it with NewWorkers and AddWorker before
// NewClient; it is read-only afterwards.
type Workers struct {
	units map[string]workUnit
}

// NewWorkers returns an empty registry.
func NewWorkers() *Workers { return &Workers{units: map[string]workUnit{}} }

// AddWorker registers w for the kind of T. It panics when the kind is empty or already taken:
// both are programming errors found at start-up.
func AddWorker[T JobArgs](ws *Workers, w Worker[T]) {
	var zero T
	kind := zero.Kind()
	if kind == "" || len(kind) > maxKind {
		panic(fmt.Sprintf("jobs: AddWorker: kind %q must be 1 to %d bytes", kind, maxKind))
	}
	if _, dup := ws.units[kind]; dup {
		panic(fmt.Sprintf("jobs: AddWorker: kind %q registered twice", kind))
	}
	ws.units[kind] = &typedUnit[T]{w: w}
}

func (ws *Workers) kinds() []string {
	if ws == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(ws.units))
}

func (ws *Workers) unit(kind string) (workUnit, bool) {
	if ws == nil {
		return nil, false
	}
	u, ok := ws.units[kind]
	return u, ok
}

// workUnit erases the args type so the client can hold workers of every kind.
type workUnit interface {
	work(ctx context.Context, row *JobRow) error
	backoff(attempt int) (time.Duration, bool)
	timeout() time.Duration
}

type typedUnit[T JobArgs] struct{ w Worker[T] }

func (u *typedUnit[T]) work(ctx context.Context, row *JobRow) error {
	job := &Job[T]{JobRow: row}
	if err := json.Unmarshal(row.Args, &job.Args); err != nil {
		// The same bytes will never decode: retrying is pointless.
		return Cancel(fmt.Errorf("jobs: decode %s args: %w", row.Kind, err))
	}
	return u.w.Work(ctx, job)
}

func (u *typedUnit[T]) backoff(attempt int) (time.Duration, bool) {
	if b, ok := u.w.(WorkerBackoff); ok {
		return b.Backoff(attempt), true
	}
	return 0, false
}

func (u *typedUnit[T]) timeout() time.Duration {
	if t, ok := u.w.(WorkerTimeout); ok {
		return t.Timeout()
	}
	return 0
}
