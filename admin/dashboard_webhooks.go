package admin

import (
	"context"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

// Live webhook checks on the dashboard: each is a call to the shop's platform, so a shop's
// answer is kept for dashboardWebhookTTL and the checks of a view run together, each within
// dashboardWebhookTimeout (a shop that does not answer shows that, the page does not wait on it).
const (
	dashboardWebhookTTL     = 5 * time.Minute
	dashboardWebhookTimeout = 5 * time.Second
)

// webhookChecks caches the dashboard's live webhook checks by shop.
type webhookChecks struct {
	mu   sync.Mutex
	byID map[int64]webhookCheck
}

type webhookCheck struct {
	missing, disabled []string
	failed            bool // the platform could not be asked
	at                time.Time
}

// dashboardWebhooks fills the live webhook state of every connected WooCommerce or Shopify shop
// of d from the cache, checking again the ones older than dashboardWebhookTTL.
func (u *UI) dashboardWebhooks(ctx context.Context, list []store.Shop, d *dashboardReport, now time.Time) {
	check := u.cfg.Dashboard.Webhooks
	if check == nil {
		return
	}
	c := &u.webhookChecks
	c.mu.Lock()
	if c.byID == nil {
		c.byID = map[int64]webhookCheck{}
	}
	var stale []store.Shop
	for _, s := range list {
		if s.Disconnected() || shops.WebhookTopics(s.Platform) == nil {
			continue
		}
		if e, ok := c.byID[s.ID]; !ok || now.Sub(e.at) >= dashboardWebhookTTL {
			stale = append(stale, s)
		}
	}
	c.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range stale {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, dashboardWebhookTimeout)
			defer cancel()
			h, err := check(cctx, s)
			e := webhookCheck{missing: h.Missing, disabled: h.Disabled, failed: err != nil, at: now}
			if err != nil && ctx.Err() != nil {
				return // the viewer left: nothing learnt about the shop
			}
			c.mu.Lock()
			c.byID[s.ID] = e
			c.mu.Unlock()
		})
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range d.Shops {
		e, ok := c.byID[d.Shops[i].ID]
		if !ok {
			continue
		}
		ds := &d.Shops[i]
		ds.WebhooksChecked, ds.WebhooksMissing, ds.WebhooksDisabled, ds.WebhooksCheckFailed = true, e.missing, e.disabled, e.failed
		if !e.failed {
			// The platform says what is subscribed: a quiet week is just a quiet shop.
			ds.WebhooksIdle = false
		}
	}
}
