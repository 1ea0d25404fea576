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
-- places again before it. Times are UTC.
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
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id                 INTEGER  NOT NULL,
    storefront_order_id     TEXT     NOT NULL,
    storefront_order_number TEXT     NOT NULL DEFAULT '',
    customer_order_number   TEXT     NOT NULL,
    state                   TEXT     NOT NULL,
    hold_code               TEXT     NOT NULL DEFAULT '',
    hold_reason             TEXT     NOT NULL DEFAULT '',
    storefront_status       TEXT     NOT NULL DEFAULT '',
    currency                TEXT     NOT NULL DEFAULT '',
    total                   TEXT     NOT NULL DEFAULT '',
    intcomex_order_number   TEXT     NOT NULL DEFAULT '',
    intcomex_status         INTEGER  NOT NULL DEFAULT 0,
    intcomex_total          TEXT     NOT NULL DEFAULT '',
    intcomex_currency       TEXT     NOT NULL DEFAULT '',
    invoice_number          TEXT     NOT NULL DEFAULT '',
    invoice_url             TEXT     NOT NULL DEFAULT '',
    tracking                TEXT     NOT NULL DEFAULT 'null',
    serials                 TEXT     NOT NULL DEFAULT 'null',
    attempts                INTEGER  NOT NULL DEFAULT 0,
    attempt_until           DATETIME NULL,
    paid_at                 DATETIME NULL,
    placed_at               DATETIME NULL,
    written_back_at         DATETIME NULL,
    last_status_at          DATETIME NULL,
    next_check_at           DATETIME NULL,
    version                 INTEGER  NOT NULL DEFAULT 1,
    created_at              DATETIME NOT NULL,
    updated_at              DATETIME NOT NULL
);
CREATE UNIQUE INDEX orders_shop_storefront_uq ON orders (shop_id, storefront_order_id);
CREATE UNIQUE INDEX orders_customer_number_uq ON orders (customer_order_number);
CREATE INDEX orders_state_idx ON orders (state, next_check_at);
CREATE INDEX orders_shop_updated_idx ON orders (shop_id, updated_at);
CREATE INDEX orders_intcomex_number_idx ON orders (intcomex_order_number);

CREATE TABLE order_lines (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id           INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    storefront_line_id TEXT    NOT NULL DEFAULT '',
    sku                TEXT    NOT NULL DEFAULT '',
    name               TEXT    NOT NULL DEFAULT '',
    quantity           INTEGER NOT NULL,
    unit_price         TEXT    NOT NULL DEFAULT '',
    intcomex           BOOLEAN NOT NULL DEFAULT 0,
    cost_basis         DECIMAL(19,4) NULL,
    cost               DECIMAL(19,4) NULL
);
CREATE UNIQUE INDEX order_lines_order_position_uq ON order_lines (order_id, position);

CREATE TABLE order_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    at           DATETIME NOT NULL,
    kind         TEXT     NOT NULL,
    message      TEXT     NOT NULL DEFAULT '',
    detail       TEXT     NOT NULL DEFAULT '{}',
    job_id       TEXT     NOT NULL DEFAULT '',
    api_call_ids TEXT     NOT NULL DEFAULT '[]'
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

ALTER TABLE listings ADD COLUMN cost_basis DECIMAL(19,4) NULL;

ALTER TABLE shops ADD COLUMN order_tag TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN order_location_id TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN order_carrier_id TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN order_address_id TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN max_cost_rise TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN orders_hold_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN orders_held_at DATETIME NULL;

-- +goose Down
ALTER TABLE shops DROP COLUMN orders_held_at;
ALTER TABLE shops DROP COLUMN orders_hold_reason;
ALTER TABLE shops DROP COLUMN max_cost_rise;
ALTER TABLE shops DROP COLUMN order_address_id;
ALTER TABLE shops DROP COLUMN order_carrier_id;
ALTER TABLE shops DROP COLUMN order_location_id;
ALTER TABLE shops DROP COLUMN order_tag;
ALTER TABLE listings DROP COLUMN cost_basis;
DROP TABLE order_events;
DROP TABLE order_lines;
DROP TABLE orders;
