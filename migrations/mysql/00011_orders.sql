-- The order pipeline: a paid storefront order becomes exactly one Intcomex order.
--
-- orders is one row per storefront order the connector has seen paid (UNIQUE (shop_id,
-- storefront_order_id): a webhook, a redelivery and the sweep meet on it). customer_order_number
-- is what PlaceOrder sends (connector/orders.CustomerOrderNumber), UNIQUE over every shop: IWS
-- refuses a number twice, so two orders must never share one. state is the pipeline's
-- (connector/orders doc.go); version is bumped by every update, which compares it first
-- (compare-and-swap), so two processes never both act on one state. tracking and serials are
-- JSON documents; intcomex_total is decimal text as IWS sent it. attempt_until is set while a
-- PlaceOrder call is in flight (the time it has surely ended by): no other worker asks IWS or
-- places again before it. Times are DATETIME(6) UTC.
--
-- order_lines are the storefront lines, intcomex marking those that are one of the shop's
-- Intcomex listings (cost_basis: the listing's cost basis when the order was validated).
--
-- order_events is each order's timeline (`connector order show`): kind is a word (webhook,
-- validation, placement, status, writeback, hold, sweep, retry, cancel, note), message a
-- sentence, detail a JSON document; job_id and api_call_ids tie a step to the API calls it made
-- (api_calls.order_id is the order's id, api_calls.job_id the job's).
--
-- listings.cost_basis is the IWS unit cost the last pushed shop price was computed from, so
-- validation can compare today's cost with it. shops gain the order settings (`shop settings
-- --order-tag ...`) and a hold on all of a shop's orders (IWS said the customer is on hold, or
-- the credentials fail). orders has no foreign key to shops: like webhook_events, the order
-- register outlives the shop's data (deleting a shop leaves its orders for reconciliation).

-- +goose Up
CREATE TABLE orders (
    id                      BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    shop_id                 BIGINT UNSIGNED NOT NULL,
    storefront_order_id     VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    storefront_order_number VARCHAR(100)    NOT NULL DEFAULT '',
    customer_order_number   VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    state                   VARCHAR(20)     NOT NULL,
    hold_code               VARCHAR(20)     NOT NULL DEFAULT '',
    hold_reason             TEXT            NOT NULL,
    storefront_status       VARCHAR(40)     NOT NULL DEFAULT '',
    currency                VARCHAR(3)      NOT NULL DEFAULT '',
    total                   VARCHAR(40)     NOT NULL DEFAULT '',
    intcomex_order_number   VARCHAR(64)     NOT NULL DEFAULT '',
    intcomex_status         INT             NOT NULL DEFAULT 0,
    intcomex_total          VARCHAR(40)     NOT NULL DEFAULT '',
    intcomex_currency       VARCHAR(3)      NOT NULL DEFAULT '',
    invoice_number          VARCHAR(64)     NOT NULL DEFAULT '',
    invoice_url             TEXT            NOT NULL,
    tracking                MEDIUMTEXT      NOT NULL,
    serials                 MEDIUMTEXT      NOT NULL,
    attempts                INT             NOT NULL DEFAULT 0,
    attempt_until           DATETIME(6)     NULL,
    paid_at                 DATETIME(6)     NULL,
    placed_at               DATETIME(6)     NULL,
    written_back_at         DATETIME(6)     NULL,
    last_status_at          DATETIME(6)     NULL,
    next_check_at           DATETIME(6)     NULL,
    version                 BIGINT          NOT NULL DEFAULT 1,
    created_at              DATETIME(6)     NOT NULL,
    updated_at              DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY orders_shop_storefront_uq (shop_id, storefront_order_id),
    UNIQUE KEY orders_customer_number_uq (customer_order_number),
    KEY orders_state_idx (state, next_check_at),
    KEY orders_shop_updated_idx (shop_id, updated_at),
    KEY orders_intcomex_number_idx (intcomex_order_number)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE order_lines (
    id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    order_id           BIGINT UNSIGNED NOT NULL,
    position           INT             NOT NULL,
    storefront_line_id VARCHAR(100)    NOT NULL DEFAULT '',
    sku                VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    name               TEXT            NOT NULL,
    quantity           INT             NOT NULL,
    unit_price         VARCHAR(40)     NOT NULL DEFAULT '',
    intcomex           BOOLEAN         NOT NULL DEFAULT 0,
    cost_basis         DECIMAL(19,4)   NULL,
    cost               DECIMAL(19,4)   NULL,
    PRIMARY KEY (id),
    UNIQUE KEY order_lines_order_position_uq (order_id, position),
    CONSTRAINT order_lines_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE order_events (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    order_id     BIGINT UNSIGNED NOT NULL,
    at           DATETIME(6)     NOT NULL,
    kind         VARCHAR(16)     NOT NULL,
    message      TEXT            NOT NULL,
    detail       MEDIUMTEXT      NOT NULL,
    job_id       VARCHAR(64)     NOT NULL DEFAULT '',
    api_call_ids TEXT            NOT NULL,
    PRIMARY KEY (id),
    KEY order_events_order_idx (order_id, id),
    CONSTRAINT order_events_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

ALTER TABLE listings ADD COLUMN cost_basis DECIMAL(19,4) NULL;

ALTER TABLE shops
    ADD COLUMN order_tag          VARCHAR(64)  NOT NULL DEFAULT '',
    ADD COLUMN order_location_id  VARCHAR(64)  NOT NULL DEFAULT '',
    ADD COLUMN order_carrier_id   VARCHAR(64)  NOT NULL DEFAULT '',
    ADD COLUMN order_address_id   VARCHAR(20)  NOT NULL DEFAULT '',
    ADD COLUMN max_cost_rise      VARCHAR(20)  NOT NULL DEFAULT '',
    ADD COLUMN orders_hold_reason VARCHAR(500) NOT NULL DEFAULT '',
    ADD COLUMN orders_held_at     DATETIME(6)  NULL;

-- +goose Down
ALTER TABLE shops
    DROP COLUMN orders_held_at,
    DROP COLUMN orders_hold_reason,
    DROP COLUMN max_cost_rise,
    DROP COLUMN order_address_id,
    DROP COLUMN order_carrier_id,
    DROP COLUMN order_location_id,
    DROP COLUMN order_tag;
ALTER TABLE listings DROP COLUMN cost_basis;
DROP TABLE order_events;
DROP TABLE order_lines;
DROP TABLE orders;
