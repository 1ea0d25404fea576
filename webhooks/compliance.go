package webhooks

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// comply carries out what a compliance topic asks, after the event was recorded.
//
//   - app.uninstalled, shop.redact: the shop's credentials, listings, margin rules and API call
//     log rows are deleted (store.DisconnectShop); its webhook_events rows stay as the record of
//     what happened. The adapter cached for the shop is dropped with its credentials.
//   - customers.redact, customers.data_request: recorded only. The connector keeps no customer
//     data yet (webhook_events holds the payload's digest, not the payload), so there is nothing
//     to erase or report; once orders are stored, these events are where their redaction and
//     export start.
//
// Every other topic is left to the order pipeline.
func (h *Handler) comply(ctx context.Context, log *slog.Logger, shop store.Shop, topic platforms.Topic) error {
	switch topic {
	case platforms.TopicAppUninstalled, platforms.TopicShopRedact:
		if err := h.store.DisconnectShop(ctx, shop.ID); err != nil {
			return fmt.Errorf("webhooks: disconnect shop %d: %w", shop.ID, err)
		}
		h.resolver.Forget(shop.ID)
		h.shops.forget(shop.ID)
		log.InfoContext(ctx, "webhooks: shop disconnected: credentials and data removed")
	}
	return nil
}
