package syncjob

import (
	"errors"
	"fmt"
	"sync"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/memory"
)

// ErrUnsupportedPlatform reports a shop whose platform has no adapter yet.
var ErrUnsupportedPlatform = errors.New("platform not supported yet")

// Storefronts builds the storefront of each shop. In-memory shops (platform "memory") keep their
// storefront per shop id for the life of the Storefronts value, which main keeps for the life of
// the process: the memory storefront holds the products it was sent, and a new one would not know
// the ids the listings table recorded. Safe for concurrent use.
type Storefronts struct {
	// Memory configures new in-memory storefronts (batch size).
	Memory memory.Config

	mu     sync.Mutex
	memory map[int64]*memory.Storefront
}

// For implements StorefrontFactory.
func (s *Storefronts) For(shop store.Shop) (platforms.Storefront, error) {
	switch shop.Platform {
	case store.PlatformMemory:
		return s.MemoryShop(shop.ID), nil
	case store.PlatformWooCommerce, store.PlatformShopify:
		return nil, fmt.Errorf("shop %d: platform %s: %w (its adapter arrives with the storefront adapters)", shop.ID, shop.Platform, ErrUnsupportedPlatform)
	}
	return nil, fmt.Errorf("shop %d: unknown platform %q: %w", shop.ID, shop.Platform, ErrUnsupportedPlatform)
}

// MemoryShop returns the in-memory storefront of a shop, creating it on first use.
func (s *Storefronts) MemoryShop(shopID int64) *memory.Storefront {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.memory == nil {
		s.memory = map[int64]*memory.Storefront{}
	}
	sf, ok := s.memory[shopID]
	if !ok {
		sf = memory.New(s.Memory)
		s.memory[shopID] = sf
	}
	return sf
}

// Forget drops the in-memory storefront of a shop (a deleted or recreated demo shop).
func (s *Storefronts) Forget(shopID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.memory, shopID)
}
