package webhooks

import (
	"context"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
)

// DefaultShopCacheTTL is how long the intake trusts a shop it read (Config.ShopCacheTTL).
//
// Why a time-bound cache and not invalidation: shops change in other processes too (`connector
// shop settings`, a second `serve`), which this process never hears of. What a delivery needs
// of its shop (platform, credentials, connected or not) changes rarely, and a delivery verified
// with credentials up to a second old is still a real delivery: the job that acts on it re-reads
// the shop. At a thousand deliveries a second the cache turns a thousand shop reads (each
// opening the sealed credentials, on Shopify all shops' credentials) into one.
const DefaultShopCacheTTL = time.Second

// shopCache holds the shops the intake read recently, by id and, for Shopify, by the
// *.myshopify.com domain deliveries name. A disabled cache (ttl <= 0) reads every time.
type shopCache struct {
	ttl time.Duration
	now func() time.Time

	mu   sync.Mutex
	byID map[int64]cachedShop
	// shopify maps domain to shop, as read by the last scan at shopifyAt.
	shopify   map[string]store.Shop
	shopifyAt time.Time
}

type cachedShop struct {
	shop store.Shop
	at   time.Time
}

func newShopCache(ttl time.Duration, now func() time.Time) *shopCache {
	if now == nil {
		now = time.Now
	}
	return &shopCache{ttl: ttl, now: now, byID: map[int64]cachedShop{}}
}

// byShopID returns shop id, read through load when not cached or older than the ttl. Errors
// are not cached.
func (c *shopCache) byShopID(ctx context.Context, id int64, load func(context.Context, int64) (store.Shop, error)) (store.Shop, error) {
	if c.ttl <= 0 {
		return load(ctx, id)
	}
	now := c.now()
	c.mu.Lock()
	e, ok := c.byID[id]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl {
		return e.shop, nil
	}
	shop, err := load(ctx, id)
	if err != nil {
		return store.Shop{}, err
	}
	c.mu.Lock()
	c.byID[id] = cachedShop{shop: shop, at: now}
	c.mu.Unlock()
	return shop, nil
}

// byDomain returns the Shopify shop of domain from the last scan, scanning again through scan
// when the last scan is older than the ttl, or when the domain is unknown and the last scan is
// older than a tenth of the ttl (a shop connected a moment ago is found on its first delivery,
// and a flood of deliveries naming unknown domains costs at most ten scans per ttl).
func (c *shopCache) byDomain(ctx context.Context, domain string, scan func(context.Context) (map[string]store.Shop, error)) (store.Shop, bool, error) {
	if c.ttl <= 0 {
		m, err := scan(ctx)
		shop, ok := m[domain]
		return shop, ok, err
	}
	now := c.now()
	c.mu.Lock()
	m, at := c.shopify, c.shopifyAt
	c.mu.Unlock()
	age := now.Sub(at)
	if m != nil && age < c.ttl {
		if shop, ok := m[domain]; ok || age < c.ttl/10 {
			return shop, ok, nil
		}
	}
	m, err := scan(ctx)
	if err != nil {
		return store.Shop{}, false, err
	}
	c.mu.Lock()
	c.shopify, c.shopifyAt = m, now
	c.mu.Unlock()
	shop, ok := m[domain]
	return shop, ok, nil
}

// forget drops what is cached of shop id (its credentials were removed or changed here).
func (c *shopCache) forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byID, id)
	c.shopify = nil
}
