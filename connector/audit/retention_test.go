package audit_test

import (
	"context"
	"errors"
	"sync"
	"testing"
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

func TestRunRetention(t *testing.T) {
	for name, perr := range map[string]error{"ok": nil, "failing purges keep running": errors.New("locked")} {
		t.Run(name, func(t *testing.T) {
			p := &fakePurger{err: perr}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				audit.RunRetention(ctx, p, audit.RetentionPolicy{MaxAge: time.Hour, MaxRows: 10, Interval: time.Millisecond}, nil)
				close(done)
			}()
			deadline := time.Now().Add(5 * time.Second)
			for p.count() < 3 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			cancel()
			<-done
			if p.count() < 3 || p.got != [2]any{time.Hour, 10} {
				t.Fatalf("calls = %d, args = %v", p.count(), p.got)
			}
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
