package wootest

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/intcomex-connector/connector/internal/statefile"
)

// The store's state on disk (Config.StatePath): what a real store keeps in its database, so a
// fake that restarts (`connector demo`) still has the products, orders, webhooks and keys it had.
// Request logs, counters, faults, nonces and queued deliveries are not kept.

// stateVersion is the format of the state file.
const stateVersion = 1

type snapshot struct {
	Version     int               `json:"version"`
	SiteURL     string            `json:"site_url"`
	NextPostID  int               `json:"next_post_id"`
	NextKeyID   int               `json:"next_key_id"`
	NextTermID  int               `json:"next_term_id"`
	NextItemID  int               `json:"next_item_id"`
	NextMetaID  int               `json:"next_meta_id"`
	NextNoteID  int               `json:"next_note_id"`
	NextHookID  int               `json:"next_hook_id"`
	Keys        []*apiKey         `json:"keys"`
	Products    []*product        `json:"products"`
	Attachments []*attachment     `json:"attachments"`
	FileNames   map[string]int    `json:"file_names"`
	Categories  []*category       `json:"categories"`
	Orders      []orderSnapshot   `json:"orders"`
	Webhooks    []*webhook        `json:"webhooks"`
	Settings    map[string]string `json:"settings"`
}

type orderSnapshot struct {
	Order    Order     `json:"order"`
	Modified time.Time `json:"modified"`
	Notes    []Note    `json:"notes"`
}

// Open returns a fake store like New, with the state of Config.StatePath when that file exists.
func Open(cfg Config) (*Server, error) {
	s := newServer(cfg)
	if cfg.StatePath == "" {
		return s, nil
	}
	s.persist = statefile.NewWriter(cfg.StatePath, s.snapshotJSON)
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// load reads the state file, if there is one, into the new store.
func (s *Server) load() error {
	var snap snapshot
	if found, err := s.persist.Load(stateVersion, &snap); err != nil || !found {
		if err != nil {
			return fmt.Errorf("wootest: %w", err)
		}
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.siteURL == "" {
		s.siteURL = snap.SiteURL
	}
	s.nextPostID, s.nextKeyID, s.nextTermID = snap.NextPostID, snap.NextKeyID, snap.NextTermID
	s.nextItemID, s.nextMetaID, s.nextNoteID, s.nextHookID = snap.NextItemID, snap.NextMetaID, snap.NextNoteID, snap.NextHookID
	configured := s.keys[s.cfg.ConsumerKey]
	s.keys = map[string]*apiKey{}
	for _, k := range snap.Keys {
		s.keys[k.Key] = k
	}
	if _, ok := s.keys[configured.Key]; !ok { // a key pair configured since the state was written
		configured.ID = s.nextKeyID
		s.nextKeyID++
		s.keys[configured.Key] = configured
	}
	s.products = make(map[int]*product, len(snap.Products))
	s.skuIndex, s.slugIndex = nil, nil
	for _, p := range snap.Products {
		s.products[p.ID] = p
		s.indexLocked(p)
	}
	s.attachments = byID(snap.Attachments, func(a *attachment) int { return a.ID })
	s.fileNames = snap.FileNames
	if s.fileNames == nil {
		s.fileNames = map[string]int{}
	}
	s.categories = byID(snap.Categories, func(c *category) int { return c.ID })
	s.orders = make(map[int]*order, len(snap.Orders))
	for _, o := range snap.Orders {
		s.orders[o.Order.ID] = &order{Order: o.Order, modified: o.Modified, notes: o.Notes}
	}
	s.webhooks = byID(snap.Webhooks, func(h *webhook) int { return h.ID })
	s.settingsVal = snap.Settings
	if s.settingsVal == nil {
		s.settingsVal = map[string]string{}
	}
	return nil
}

// Save writes the store's state to Config.StatePath now (atomically: a new file renamed over
// the old one). Without a StatePath it does nothing.
func (s *Server) Save() error {
	if s.persist == nil {
		return nil
	}
	return s.persist.Save()
}

func (s *Server) snapshotJSON() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := snapshot{
		Version: stateVersion, SiteURL: s.siteURL,
		NextPostID: s.nextPostID, NextKeyID: s.nextKeyID, NextTermID: s.nextTermID,
		NextItemID: s.nextItemID, NextMetaID: s.nextMetaID, NextNoteID: s.nextNoteID, NextHookID: s.nextHookID,
		FileNames: s.fileNames, Settings: s.settingsVal,
	}
	for _, k := range s.keys {
		snap.Keys = append(snap.Keys, k)
	}
	slices.SortFunc(snap.Keys, func(a, b *apiKey) int { return a.ID - b.ID })
	snap.Products = sortedByID(s.products, func(p *product) int { return p.ID })
	snap.Attachments = sortedByID(s.attachments, func(a *attachment) int { return a.ID })
	snap.Categories = sortedByID(s.categories, func(c *category) int { return c.ID })
	snap.Webhooks = sortedByID(s.webhooks, func(h *webhook) int { return h.ID })
	for _, o := range sortedByID(s.orders, func(o *order) int { return o.ID }) {
		snap.Orders = append(snap.Orders, orderSnapshot{Order: o.Order, Modified: o.modified, Notes: o.notes})
	}
	// Marshalled under the lock: the values are shared with the handlers.
	return json.Marshal(snap)
}

func byID[T any](items []T, id func(T) int) map[int]T {
	out := make(map[int]T, len(items))
	for _, v := range items {
		out[id(v)] = v
	}
	return out
}

func sortedByID[T any](m map[int]T, id func(T) int) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int { return id(a) - id(b) })
	return out
}

// saveSoon has the state written in the background after a change.
func (s *Server) saveSoon() {
	if s.persist != nil {
		s.persist.Changed()
	}
}

// Close stops the background writes and writes the state a last time. The fake keeps serving
// (its HTTP server is the caller's); changes after Close are not saved. Without a StatePath it
// does nothing.
func (s *Server) Close() error {
	if s.persist == nil {
		return nil
	}
	return s.persist.Close()
}
