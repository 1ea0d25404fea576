package main

import (
	"log/slog"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/webhooks"
)

// newIWSIntake builds the Intcomex OrderStatusUpdate intake (POST /webhooks/iws) of serve and demo.
// Until order tracking exists, the status changes it records are only logged at debug.
func newIWSIntake(st *store.Store, logger *slog.Logger) (*webhooks.IWSHandler, error) {
	logger = logger.With("component", "webhooks")
	return webhooks.NewIWS(webhooks.IWSConfig{Store: st, Sink: webhooks.LogOrderStatus(logger), Logger: logger})
}
