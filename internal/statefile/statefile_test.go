package statefile

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestWriterCoalescesAndClosesWithTheLastState(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	var mu sync.Mutex
	state := 0
	var snapshots atomic.Int32
	release := make(chan struct{})
	first := make(chan struct{})
	w := NewWriter(path, func() ([]byte, error) {
		if snapshots.Add(1) == 1 {
			close(first)
			<-release // the first background write is slow: changes meanwhile pile up
		}
		mu.Lock()
		defer mu.Unlock()
		return []byte(`{"version":1,"state":` + strconv.Itoa(state) + `}`), nil
	})
	var got struct{ State int }
	if found, err := w.Load(1, &got); found || err != nil {
		t.Fatalf("Load before any write = %v, %v", found, err)
	}
	w.Changed()
	<-first
	for i := 1; i <= 50; i++ {
		mu.Lock()
		state = i
		mu.Unlock()
		w.Changed()
	}
	close(release)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if found, err := w.Load(1, &got); !found || err != nil || got.State != 50 {
		t.Fatalf("state file = %+v, %v, %v; want the last state", got, found, err)
	}
	if _, err := w.Load(2, &got); err == nil || !strings.Contains(err.Error(), "version 1, this program reads version 2") {
		t.Errorf("Load of another version = %v", err)
	}
	// One write running, one for the 50 changes it missed (cut short by Close), and Close's own.
	if n := snapshots.Load(); n > 3 {
		t.Errorf("%d snapshots for 51 changes, want them coalesced", n)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, %v", fi.Mode(), err)
	}
	w.Changed() // after Close: ignored
}

func TestWriterReportsABackgroundFailure(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	var fail atomic.Bool
	fail.Store(true)
	done := make(chan struct{})
	w := NewWriter(filepath.Join(t.TempDir(), "state.json"), func() ([]byte, error) {
		if fail.Swap(false) {
			defer close(done)
			return nil, boom
		}
		return []byte("{}"), nil
	})
	w.Changed()
	<-done
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("Close = %v, want the background write's error", err)
	}
}
