package main

import (
	"log/slog"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/webhooks"
)

// newIWSIntake builds the Intcomex OrderStatusUpdate intake (POST /webhooks/iws) of serve and demo:
// each status change it records wakes the order's track_order job through sink (the Tracker).
func newIWSIntake(st *store.Store, sink webhooks.OrderStatusSink, logger *slog.Logger) (*webhooks.IWSHandler, error) {
	logger = logger.With("component", "webhooks")
	return webhooks.NewIWS(webhooks.IWSConfig{Store: st, Sink: sink, Logger: logger})
}
