package shops

import (
	"context"
	"fmt"
	"slices"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
)

// WebhookHealth is what a live check of a shop's order webhooks found (Setup.CheckWebhookHealth):
// the subscriptions at the connector's address, and the topics the connector needs that are
// missing or disabled there. Setup.Webhooks(ctx, shop, true) (`connector shop webhooks ID`, the
// admin's "repair") creates the missing ones and enables the disabled ones.
type WebhookHealth struct {
	// Applicable is false for a shop without webhooks (an in-memory shop), which is Healthy.
	Applicable bool                     `json:"applicable"`
	States     []platforms.WebhookState `json:"subscriptions"`
	Missing    []string                 `json:"missing"`
	Disabled   []string                 `json:"disabled"`
	// Healthy is true when every topic has an active subscription.
	Healthy bool `json:"healthy"`
}

// WebhookTopics are the topics the connector subscribes a shop of platform to, in the platform's
// words (nil for a platform without webhooks).
func WebhookTopics(platform string) []string {
	switch platform {
	case store.PlatformWooCommerce:
		return slices.Clone(woocommerce.WebhookTopics)
	case store.PlatformShopify:
		return slices.Clone(shopify.WebhookTopics)
	}
	return nil
}

// CheckWebhookHealth asks the shop's store for its webhook subscriptions, changing nothing (as
// `connector shop webhooks ID --check`), and says which needed topics are missing or disabled.
// A disconnected shop or a connector without a public URL is an error that says so.
func (s Setup) CheckWebhookHealth(ctx context.Context, shop store.Shop) (WebhookHealth, error) {
	topics := WebhookTopics(shop.Platform)
	if topics == nil {
		return WebhookHealth{States: []platforms.WebhookState{}, Missing: []string{}, Disabled: []string{}, Healthy: true}, nil
	}
	if shop.Disconnected() {
		return WebhookHealth{}, fmt.Errorf("shop %d is disconnected (its store removed the connector): connect it again first: %w", shop.ID, ErrInvalid)
	}
	states, err := s.Webhooks(ctx, shop, false)
	if err != nil {
		return WebhookHealth{}, err
	}
	h := WebhookHealth{Applicable: true, States: []platforms.WebhookState{}, Missing: []string{}, Disabled: []string{}}
	for _, topic := range topics {
		active, present := false, false
		for _, st := range states {
			if st.Topic != topic || (st.ID == "" && !st.Active) { // Shopify reports a missing topic without an id
				continue
			}
			present = true
			active = active || st.Active
		}
		switch {
		case !present:
			h.Missing = append(h.Missing, topic)
		case !active:
			h.Disabled = append(h.Disabled, topic)
		}
	}
	if states != nil {
		h.States = states
	}
	h.Healthy = len(h.Missing) == 0 && len(h.Disabled) == 0
	return h, nil
}
