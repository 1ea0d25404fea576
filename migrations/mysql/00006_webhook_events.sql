-- Storefront webhook deliveries, one row per delivery the intake verified (pings excepted).
-- UNIQUE (shop_id, delivery_id) makes a redelivery of the same delivery a no-op, so the order
-- pipeline sees each event once. No foreign key to shops: the row is the audit record of what the
-- storefront said and outlives the shop's data (an uninstall removes listings and rules, never
-- these rows). The payload itself is not kept, only its SHA-256, because it holds customer
-- addresses; the pipeline re-reads the order from the storefront before acting. Times are
-- DATETIME(6) UTC, written by the application. state: received (waiting for the order pipeline).

-- +goose Up
CREATE TABLE webhook_events (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    shop_id        BIGINT UNSIGNED NOT NULL,
    platform       VARCHAR(20)     NOT NULL,
    delivery_id    VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    event_id       VARCHAR(191)    NOT NULL DEFAULT '',
    topic          VARCHAR(40)     NOT NULL,
    raw_topic      VARCHAR(100)    NOT NULL,
    order_id       VARCHAR(100)    NOT NULL DEFAULT '',
    payload_sha256 CHAR(64)        NOT NULL,
    received_at    DATETIME(6)     NOT NULL,
    state          VARCHAR(16)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY webhook_events_shop_delivery_uq (shop_id, delivery_id),
    KEY webhook_events_state_idx (state, id),
    CONSTRAINT webhook_events_state_chk CHECK (state IN ('received'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE webhook_events;
