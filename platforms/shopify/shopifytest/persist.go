package shopifytest

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/intcomex-connector/connector/internal/statefile"
)

// The shop's state on disk (Config.StatePath): what Shopify keeps, so a fake that restarts
// (`connector demo`) still has its products, media files, inventory, orders, webhook subscriptions, metafield
// definitions and issued tokens. Call counters, the cost bucket, staged uploads, bulk operations,
// idempotency keys and delivery records are not kept.

// stateVersion is the format of the state file.
const stateVersion = 1

type snapshot struct {
	Version     int                       `json:"version"`
	NextID      int64                     `json:"next_id"`
	Products    []*Product                `json:"products"`
	Files       map[string]*File          `json:"files"`
	Uploads     map[string]int            `json:"uploads"`
	Locations   []*Location               `json:"locations"`
	Inventory   map[string]map[string]int `json:"inventory"`
	Orders      []orderSnapshot           `json:"orders"`
	Webhooks    []*Subscription           `json:"webhooks"`
	Definitions []*MetafieldDefinition    `json:"definitions"`
	Tokens      map[string]tokenSnapshot  `json:"tokens"`
	Refresh     map[string]tokenSnapshot  `json:"refresh_tokens"`
}

type orderSnapshot struct {
	Order
	FulfillmentOrder string `json:"fulfillment_order"`
}

type tokenSnapshot struct {
	Scope   string    `json:"scope"`
	Expires time.Time `json:"expires"`
}

// Open starts a fake shop like New, with the state of Config.StatePath when that file exists.
// On an error Config.Listener is closed.
func Open(cfg Config) (*Server, error) {
	s := newServer(cfg)
	if cfg.StatePath != "" {
		s.persist = statefile.NewWriter(cfg.StatePath, s.snapshotJSON)
		if err := s.load(); err != nil {
			if cfg.Listener != nil {
				_ = cfg.Listener.Close() // never served; the state error is the one to report
			}
			return nil, err
		}
	}
	s.start()
	return s, nil
}

// load reads the state file, if there is one, into the new shop.
func (s *Server) load() error {
	var snap snapshot
	if found, err := s.persist.Load(stateVersion, &snap); err != nil || !found {
		if err != nil {
			return fmt.Errorf("shopifytest: %w", err)
		}
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID = snap.NextID
	s.st.products, s.st.byMetafield = snap.Products, nil
	for _, p := range s.st.products {
		s.indexMetafields(p)
	}
	if snap.Files != nil {
		s.st.files = snap.Files
	}
	if snap.Uploads != nil {
		s.st.uploads = snap.Uploads
	}
	s.st.locations = snap.Locations
	if snap.Inventory != nil {
		s.st.inventory = snap.Inventory
	}
	s.st.orders = nil
	for _, o := range snap.Orders {
		order := o.Order
		order.fulfillmentOrder = o.FulfillmentOrder
		s.st.orders = append(s.st.orders, &order)
	}
	s.st.webhooks, s.st.definitions = snap.Webhooks, snap.Definitions
	for tok, t := range snap.Tokens {
		s.tokens[tok] = tokenInfo{scope: t.Scope, expires: t.Expires}
	}
	for tok, t := range snap.Refresh {
		s.refresh[tok] = tokenInfo{scope: t.Scope, expires: t.Expires}
	}
	return nil
}

func (s *Server) snapshotJSON() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := snapshot{
		Version: stateVersion, NextID: s.nextID,
		Products: s.st.products, Files: s.st.files, Uploads: s.st.uploads,
		Locations: s.st.locations, Inventory: s.st.inventory,
		Webhooks: s.st.webhooks, Definitions: s.st.definitions,
		Tokens: map[string]tokenSnapshot{}, Refresh: map[string]tokenSnapshot{},
	}
	for _, o := range s.st.orders {
		snap.Orders = append(snap.Orders, orderSnapshot{Order: *o, FulfillmentOrder: o.fulfillmentOrder})
	}
	for _, m := range []struct {
		from map[string]tokenInfo
		to   map[string]tokenSnapshot
	}{{s.tokens, snap.Tokens}, {s.refresh, snap.Refresh}} {
		for tok, t := range maps.All(m.from) {
			m.to[tok] = tokenSnapshot{Scope: t.scope, Expires: t.expires}
		}
	}
	// Marshalled under the lock: the values are shared with the resolvers.
	return json.Marshal(snap)
}

// Save writes the shop's state to Config.StatePath now (atomically). Without a StatePath it does
// nothing.
func (s *Server) Save() error {
	if s.persist == nil {
		return nil
	}
	return s.persist.Save()
}

// changed has the state written in the background after a mutation.
func (s *Server) changed() {
	if s.persist != nil {
		s.persist.Changed()
	}
}
