-- Storefront webhook deliveries, one row per delivery the intake verified (pings excepted).
-- UNIQUE (shop_id, delivery_id) makes a redelivery of the same delivery a no-op, so the order
-- pipeline sees each event once. No foreign key to shops: the row is the audit record of what the
-- storefront said and outlives the shop's data (an uninstall removes listings and rules, never
-- these rows). The payload itself is not kept, only its SHA-256, because it holds customer
-- addresses; the pipeline re-reads the order from the storefront before acting. Times are UTC,
-- written by the application. state: received (waiting for the order pipeline).

-- +goose Up
CREATE TABLE webhook_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id        INTEGER  NOT NULL,
    platform       TEXT     NOT NULL,
    delivery_id    TEXT     NOT NULL,
    event_id       TEXT     NOT NULL DEFAULT '',
    topic          TEXT     NOT NULL,
    raw_topic      TEXT     NOT NULL,
    order_id       TEXT     NOT NULL DEFAULT '',
    payload_sha256 TEXT     NOT NULL,
    received_at    DATETIME NOT NULL,
    state          TEXT     NOT NULL CHECK (state IN ('received'))
);
CREATE UNIQUE INDEX webhook_events_shop_delivery_uq ON webhook_events (shop_id, delivery_id);
CREATE INDEX webhook_events_state_idx ON webhook_events (state, id);

-- +goose Down
DROP TABLE webhook_events;
