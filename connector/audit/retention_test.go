package audit_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/intcomex-connector/connector/connector/audit"
)

type fakePurger struct {
	mu    sync.Mutex
	calls int
	err   error
	got   [2]any
}

func (p *fakePurger) PurgeAPICalls(_ context.Context, maxAge time.Duration, maxRows int) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	p.got = [2]any{maxAge, maxRows}
	return 3, p.err
}

func (p *fakePurger) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

// RunRetention purges at once and then at every interval, failing or not. In a synctest bubble:
// its ticker runs on the bubble's clock, so the count after two intervals is exact.
func TestRunRetention(t *testing.T) {
	for name, perr := range map[string]error{"ok": nil, "failing purges keep running": errors.New("locked")} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := &fakePurger{err: perr}
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan struct{})
				go func() {
					audit.RunRetention(ctx, p, audit.RetentionPolicy{MaxAge: time.Hour, MaxRows: 10, Interval: time.Minute}, nil)
					close(done)
				}()
				time.Sleep(2*time.Minute + time.Second) // the bubble's clock: two ticks after the first purge
				synctest.Wait()
				cancel()
				<-done
				if p.count() != 3 || p.got != [2]any{time.Hour, 10} {
					t.Fatalf("calls = %d, args = %v; want 3 (at start and after each of two intervals)", p.count(), p.got)
				}
			})
		})
	}
}

func TestRunRetentionDisabled(t *testing.T) {
	p := &fakePurger{}
	audit.RunRetention(context.Background(), p, audit.RetentionPolicy{}, nil) // returns at once
	if p.count() != 0 {
		t.Fatal("purged with no policy")
	}
}
