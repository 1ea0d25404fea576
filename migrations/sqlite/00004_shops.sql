-- Shops, their margin rules and the per-shop listing state (desired vs last pushed).
-- Rule numbers are kept as the exact text of the rules file (pricing.Number), so that the
-- pricing.Rules JSON document round-trips exactly; pushed prices are DECIMAL.

-- +goose Up
CREATE TABLE shops (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    name                   TEXT    NOT NULL COLLATE NOCASE,
    platform               TEXT    NOT NULL CHECK (platform IN ('woocommerce', 'shopify', 'memory')),
    base_url               TEXT    NOT NULL,
    -- Sealed with connector/secret ("v1:" + base64); never the plain credentials.
    credentials_enc        TEXT    NOT NULL,
    iws_account_id         INTEGER NOT NULL REFERENCES iws_accounts (id),
    currency               TEXT    NOT NULL,
    fx_rate                TEXT    NOT NULL DEFAULT '',
    tax_inclusive          BOOLEAN NOT NULL DEFAULT 0,
    tax_rate               TEXT    NOT NULL DEFAULT '',
    locale                 TEXT    NOT NULL CHECK (locale IN ('es', 'en')),
    stock_policy           TEXT    NOT NULL,
    filters                TEXT    NOT NULL,
    rounding_step          TEXT    NOT NULL DEFAULT '',
    rounding_minus         TEXT    NOT NULL DEFAULT '',
    default_markup_percent TEXT    NOT NULL DEFAULT '',
    default_margin_percent TEXT    NOT NULL DEFAULT '',
    default_fixed_amount   TEXT    NOT NULL DEFAULT '',
    default_min_profit     TEXT    NOT NULL DEFAULT '',
    created_at             DATETIME NOT NULL,
    updated_at             DATETIME NOT NULL
);
CREATE UNIQUE INDEX shops_name_uq ON shops (name);

CREATE TABLE margin_rules (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id        INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    -- Order in the rules file; ties of priority keep it.
    position       INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    priority       INTEGER NOT NULL,
    match_category TEXT    NOT NULL DEFAULT '',
    -- JSON arrays (or null), exactly as imported.
    match_brands        TEXT NOT NULL DEFAULT 'null',
    match_manufacturers TEXT NOT NULL DEFAULT 'null',
    match_types         TEXT NOT NULL DEFAULT 'null',
    match_skus          TEXT NOT NULL DEFAULT 'null',
    match_cost_min TEXT    NOT NULL DEFAULT '',
    match_cost_max TEXT    NOT NULL DEFAULT '',
    markup_percent TEXT    NOT NULL DEFAULT '',
    margin_percent TEXT    NOT NULL DEFAULT '',
    fixed_amount   TEXT    NOT NULL DEFAULT '',
    min_profit     TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX margin_rules_shop_position_uq ON margin_rules (shop_id, position);

CREATE TABLE listings (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id              INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    sku                  TEXT    NOT NULL,
    product_id           TEXT    NOT NULL DEFAULT '',
    variant_id           TEXT    NOT NULL DEFAULT '',
    inventory_item_id    TEXT    NOT NULL DEFAULT '',
    state                TEXT    NOT NULL CHECK (state IN ('pending', 'published', 'out_of_stock', 'unpublished', 'error')),
    -- '' when nothing is pending; else create, update, price, stock, price_stock, unpublish.
    pending_change       TEXT    NOT NULL DEFAULT '',
    desired              TEXT    NULL,
    desired_content_hash TEXT    NOT NULL DEFAULT '',
    desired_price_hash   TEXT    NOT NULL DEFAULT '',
    desired_stock_hash   TEXT    NOT NULL DEFAULT '',
    content_hash         TEXT    NOT NULL DEFAULT '',
    price_hash           TEXT    NOT NULL DEFAULT '',
    stock_hash           TEXT    NOT NULL DEFAULT '',
    price                DECIMAL(19,4) NULL,
    currency             TEXT    NOT NULL DEFAULT '',
    stock                INTEGER NOT NULL DEFAULT 0,
    last_error           TEXT    NOT NULL DEFAULT '',
    attempts             INTEGER NOT NULL DEFAULT 0,
    pushed_at            DATETIME NULL,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);
CREATE UNIQUE INDEX listings_shop_sku_uq ON listings (shop_id, sku);
CREATE INDEX listings_shop_pending_idx ON listings (shop_id, pending_change, id);

-- +goose Down
DROP TABLE listings;
DROP TABLE margin_rules;
DROP TABLE shops;
