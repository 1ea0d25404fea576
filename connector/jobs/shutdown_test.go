package jobs

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// syncBuffer is a log destination safe for the client's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A job cut short because the client stops (a shutdown, Ctrl-C) is not a failure: one INFO line
// says it was interrupted, and it runs again later.
func TestShutdownInterruptsQuietly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var logs syncBuffer
		started := make(chan struct{})
		c := newClient(t, st, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			Workers: workers(func(ctx context.Context, _ *Job[testArgs]) error {
				close(started)
				<-ctx.Done()
				return ctx.Err()
			})})
		j, err := c.Insert(ctx, testArgs{N: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		<-started
		stopNow, cancel := context.WithCancel(ctx)
		cancel()            // no grace: the running job is cancelled
		_ = c.Stop(stopNow) // reports the cancelled wait, which is the point
		out := logs.String()
		if !strings.Contains(out, `level=INFO msg="job interrupted by the shutdown"`) || strings.Contains(out, "job failed") ||
			strings.Contains(out, "level=ERROR") || strings.Contains(out, "component=jobs component=jobs") {
			t.Errorf("logs:\n%s", out)
		}
		got, err := c.Get(ctx, j.Job.ID)
		if err != nil || got.State.Finalized() {
			t.Errorf("interrupted job %+v, %v: want it to run again", got, err)
		}
	})
}
