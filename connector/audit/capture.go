package audit

import (
	"context"
	"sync"

	"github.com/intcomex-connector/connector/connector/store"
)

// Captured collects the rows recorded for the calls made with one context (WithCapture): a
// person's manual call (the web UI's IWS console) shows the log rows it produced, however many
// attempts its client made.
type Captured struct {
	mu    sync.Mutex
	calls []store.APICall
}

// Calls returns the rows recorded so far, in the order they were written (with their ids).
func (c *Captured) Calls() []store.APICall {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]store.APICall(nil), c.calls...)
}

type captureKey struct{}

// WithCapture returns a context whose calls, made through a transport recording into a
// CapturingRecorder, are also collected in the returned Captured.
func WithCapture(ctx context.Context) (context.Context, *Captured) {
	c := &Captured{}
	return context.WithValue(ctx, captureKey{}, c), c
}

// CapturingRecorder wraps rec: every row it writes is also added to the Captured of the call's
// context, if it has one (WithCapture). Rows of other contexts are written as by rec alone.
func CapturingRecorder(rec Recorder) Recorder { return capturing{rec} }

type capturing struct{ rec Recorder }

func (r capturing) InsertAPICall(ctx context.Context, call *store.APICall) error {
	err := r.rec.InsertAPICall(ctx, call)
	if c, ok := ctx.Value(captureKey{}).(*Captured); ok && err == nil {
		c.mu.Lock()
		c.calls = append(c.calls, *call)
		c.mu.Unlock()
	}
	return err
}
