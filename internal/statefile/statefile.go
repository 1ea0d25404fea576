// Package statefile keeps a fake's state in a JSON file across restarts: the storefront fakes
// (wootest, shopifytest) write theirs after each change, in the background, so that `connector
// demo` finds its shops as it left them.
package statefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Gap is the least time between two background writes while changes keep coming: writing a
// 50,000-product store takes about a second, which a push must not pay after every batch.
const Gap = time.Second

// Writer writes a state file: now (Save), soon after a change (Changed: at once when no write
// is running, else once more after the running one, changes meanwhile coalesced), and a last time
// at Close.
type Writer struct {
	path     string
	snapshot func() ([]byte, error)

	saveMu sync.Mutex // one write of the file at a time

	mu      sync.Mutex
	running bool // a background write is running
	dirty   bool // changed since the running write took its snapshot
	closed  bool
	stop    chan struct{} // closed by Close: a writer waiting out Gap stops waiting
	done    *sync.Cond    // broadcast when the background writer ends
	err     error         // the last background write's error, reported by Close
}

// NewWriter returns a writer of path; snapshot encodes the state to write (it is called under
// no lock of the writer's, and must take its owner's).
func NewWriter(path string, snapshot func() ([]byte, error)) *Writer {
	w := &Writer{path: path, snapshot: snapshot, stop: make(chan struct{})}
	w.done = sync.NewCond(&w.mu)
	return w
}

// Path is the state file.
func (w *Writer) Path() string { return w.path }

// Load decodes the state file into v, a JSON object whose "version" field must be version (a
// file of another version is refused, not guessed at). It reports false, and leaves v alone, when
// there is no file yet.
func (w *Writer) Load(version int, v any) (bool, error) {
	raw, err := os.ReadFile(w.path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("state: %w", err)
	}
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return false, fmt.Errorf("state %s: %w", w.path, err)
	}
	if head.Version != version {
		return false, fmt.Errorf("state %s: version %d, this program reads version %d", w.path, head.Version, version)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("state %s: %w", w.path, err)
	}
	return true, nil
}

// Save writes the state now.
func (w *Writer) Save() error {
	w.saveMu.Lock()
	defer w.saveMu.Unlock()
	raw, err := w.snapshot()
	if err != nil {
		return fmt.Errorf("state %s: %w", w.path, err)
	}
	return WriteAtomic(w.path, raw)
}

// Changed has the state written in the background.
func (w *Writer) Changed() {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.closed:
	case w.running:
		w.dirty = true
	default:
		w.running = true
		go w.loop()
	}
}

func (w *Writer) loop() {
	for {
		err := w.Save()
		w.mu.Lock()
		if err != nil {
			w.err = err
		}
		if !w.dirty || w.closed {
			w.running = false
			w.done.Broadcast()
			w.mu.Unlock()
			return
		}
		w.dirty = false
		w.mu.Unlock()
		select {
		case <-time.After(Gap):
		case <-w.stop:
		}
	}
}

// Close stops the background writes, waiting for one running, and writes the state a last time.
// It returns that write's error joined with the last background one's.
func (w *Writer) Close() error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.stop)
	}
	for w.running {
		w.done.Wait()
	}
	bgErr := w.err
	w.err = nil
	w.mu.Unlock()
	return errors.Join(bgErr, w.Save())
}

// WriteAtomic writes raw to path through a temporary file in the same folder renamed over it, so
// a reader never sees half a file.
func WriteAtomic(path string, raw []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	_, werr := tmp.Write(raw)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("state: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil { // it may hold API keys
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("state: %w", err)
	}
	return nil
}
