package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/shopspring/decimal"
)

const stateVersion = 1

// stateFile is the --state JSON: what changed since generation (stock, prices, removals), the orders
// and the counters. The catalog itself is regenerated from the seed.
type stateFile struct {
	Version  int                         `json:"version"`
	Seed     int64                       `json:"seed"`
	SKUs     int                         `json:"skus"`
	Counters counters                    `json:"counters"`
	Orders   []*order                    `json:"orders"`
	Stock    map[string][nLoc]int32      `json:"stock,omitempty"`
	Prices   map[string]*decimal.Decimal `json:"prices,omitempty"` // null: the price is unknown
	Removed  []string                    `json:"removed,omitempty"`
}

// loadState applies the state file, when there is one, over the generated catalog.
func (s *Sandbox) loadState() error {
	b, err := os.ReadFile(s.cfg.StatePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: state: %w", err)
	}
	var st stateFile
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("sandbox: state %s: %w", s.cfg.StatePath, err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("sandbox: state %s: version %d, want %d", s.cfg.StatePath, st.Version, stateVersion)
	}
	if st.Seed != s.cfg.Seed || st.SKUs != s.cfg.SKUs {
		s.log.Warn("sandbox: state file was written for another catalog; applying what matches",
			"path", s.cfg.StatePath, "stateSeed", st.Seed, "stateSKUs", st.SKUs, "seed", s.cfg.Seed, "skus", s.cfg.SKUs)
	}
	for sku, stock := range st.Stock {
		if i, ok := s.cat.bySKU[sku]; ok {
			copy(s.inv.stock[int(i)*nLoc:], stock[:])
		}
	}
	for sku, p := range st.Prices {
		if i, ok := s.cat.bySKU[sku]; ok {
			if p == nil {
				s.inv.prices[i] = priceOverride{null: true}
			} else {
				s.inv.prices[i] = priceOverride{price: *p}
			}
		}
	}
	for _, sku := range st.Removed {
		if i, ok := s.cat.bySKU[sku]; ok {
			s.inv.removed[i] = true
		}
	}
	s.book.next = st.Counters
	for _, o := range st.Orders {
		s.book.add(o)
	}
	s.log.Info("sandbox: state loaded", "path", s.cfg.StatePath, "orders", len(st.Orders))
	return nil
}

// encodeState serializes the state; call with s.mu held.
func (s *Sandbox) encodeState() ([]byte, error) {
	st := stateFile{
		Version: stateVersion, Seed: s.cfg.Seed, SKUs: s.cfg.SKUs, Counters: s.book.next, Orders: s.book.orders,
		Stock: make(map[string][nLoc]int32), Prices: make(map[string]*decimal.Decimal),
	}
	if st.Orders == nil {
		st.Orders = []*order{}
	}
	for i := range s.cat.items {
		cur := s.inv.stockOf(int32(i))
		if cur != s.cat.items[i].stock {
			st.Stock[s.cat.items[i].sku] = cur
		}
	}
	for i, p := range s.inv.prices {
		var v *decimal.Decimal
		if !p.null {
			v = &p.price
		}
		st.Prices[s.cat.items[i].sku] = v
	}
	for i := range s.inv.removed {
		st.Removed = append(st.Removed, s.cat.items[i].sku)
	}
	sort.Strings(st.Removed)
	return json.MarshalIndent(st, "", " ")
}

// saveState writes the state file atomically: a temporary file in the same directory, renamed over.
func (s *Sandbox) saveState() error {
	s.mu.Lock()
	b, err := s.encodeState()
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("sandbox: state: %w", err)
	}
	return writeFileAtomic(s.cfg.StatePath, b)
}

var writeMu sync.Mutex

func writeFileAtomic(path string, b []byte) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("sandbox: state: %w", err)
	}
	_, werr := tmp.Write(b)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("sandbox: state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("sandbox: state: %w", err)
	}
	return nil
}

// stateSaver rewrites the state file after changes, coalescing bursts into one write.
type stateSaver struct {
	s    *Sandbox
	poke chan struct{}
}

func newStateSaver(s *Sandbox) *stateSaver {
	return &stateSaver{s: s, poke: make(chan struct{}, 1)}
}

func (v *stateSaver) mark() {
	select {
	case v.poke <- struct{}{}:
	default:
	}
}

func (v *stateSaver) run() {
	defer v.s.wg.Done()
	for {
		select {
		case <-v.s.stop:
			return // Close writes the final state
		case <-v.poke:
			if err := v.s.saveState(); err != nil {
				v.s.log.Error("sandbox: saving state", "err", err)
			}
		}
	}
}
