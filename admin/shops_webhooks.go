package admin

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// shopWebhooksData is a shop's webhook page: a live check, or what a repair did.
type shopWebhooksData struct {
	Shop   shopSummary
	Health shops.WebhookHealth
	// Repaired is what the repair did to each subscription (Changed: created, updated, enabled).
	Repaired []platforms.WebhookState
	// Error is why the store could not be asked (the core's words); the rest is then empty.
	Error string
}

// checkWebhooks asks the store for the shop's subscriptions (repair false) or repairs them (true).
func (u *UI) checkWebhooks(ctx context.Context, shop store.Shop, repair bool) (shops.WebhookHealth, []platforms.WebhookState, error) {
	setup := u.cfg.Shops.Setup
	if repair {
		if shops.WebhookTopics(shop.Platform) == nil {
			return shops.WebhookHealth{Healthy: true}, []platforms.WebhookState{}, nil
		}
		states, err := setup.Webhooks(ctx, shop, true)
		if err != nil {
			return shops.WebhookHealth{}, nil, err
		}
		if states == nil {
			states = []platforms.WebhookState{}
		}
		health, err := setup.CheckWebhookHealth(ctx, shop)
		return health, states, err
	}
	health, err := setup.CheckWebhookHealth(ctx, shop)
	return health, nil, err
}

func (u *UI) renderWebhooks(c *gin.Context, repair bool) {
	shop, ok := u.shopParam(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	sum, err := u.shopSummaryOf(ctx, shop)
	if err != nil {
		u.failWithLog(c, "shop webhooks", err)
		return
	}
	d := shopWebhooksData{Shop: sum}
	status := http.StatusOK
	d.Health, d.Repaired, err = u.checkWebhooks(ctx, shop, repair)
	if err != nil {
		u.log.WarnContext(ctx, "admin: shop webhooks", "shop", shop.ID, "repair", repair, "err", err)
		d.Error, status = err.Error(), http.StatusBadGateway
	} else if repair {
		u.log.InfoContext(ctx, "admin: shop webhooks repaired", "shop", shop.ID, "user", visitorOf(c).user.ID)
	}
	u.render(c, status, "shops_webhooks", d)
}

// shopWebhooks is GET /shops/:id/webhooks: a live check of the shop's order webhooks, as
// `connector shop webhooks ID --check` (it asks the store, changing nothing).
func (u *UI) shopWebhooks(c *gin.Context) { u.renderWebhooks(c, false) }

// shopRepairWebhooks is POST /shops/:id/webhooks/repair: registers the missing webhooks and
// enables the disabled ones, as `connector shop webhooks ID`, and shows what it did.
func (u *UI) shopRepairWebhooks(c *gin.Context) { u.renderWebhooks(c, true) }

// resumeOutcome is what resuming a shop's orders did.
type resumeOutcome struct {
	HoldLifted bool `json:"hold_lifted"`
	Resumed    int  `json:"resumed"`
}

// resumeOrders lifts the shop's order hold and enqueues the orders it held, as `connector shop
// resume-orders` does.
func (u *UI) resumeOrders(ctx context.Context, shop store.Shop) (resumeOutcome, error) {
	resumed, err := orders.Resume(ctx, u.cfg.Shops.Store, u.cfg.Shops.Jobs, shop.ID)
	if err != nil {
		return resumeOutcome{}, err
	}
	return resumeOutcome{HoldLifted: shop.OrdersHoldReason != "", Resumed: len(resumed)}, nil
}

// shopResumeOrders is POST /shops/:id/resume-orders (confirmed): lifts the shop's order hold and
// sends the orders it held back to placement.
func (u *UI) shopResumeOrders(c *gin.Context) {
	shop, ok := u.shopParam(c)
	if !ok {
		return
	}
	if !u.confirmed(c, "shops.resume.confirm", shop.Name) {
		return
	}
	out, err := u.resumeOrders(c.Request.Context(), shop)
	if err != nil {
		u.failWithLog(c, "resume shop orders", err)
		return
	}
	u.log.InfoContext(c.Request.Context(), "admin: shop orders resumed", "shop", shop.ID, "orders", out.Resumed, "user", visitorOf(c).user.ID)
	switch {
	case !out.HoldLifted && out.Resumed == 0:
		u.flash(c, flashInfo, "shops.flash.resume_nothing")
	case out.Resumed == 0:
		u.flash(c, flashSuccess, "shops.flash.resume_lifted")
	default:
		u.flash(c, flashSuccess, "shops.flash.resume_enqueued")
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/shops/%d", shop.ID))
}
