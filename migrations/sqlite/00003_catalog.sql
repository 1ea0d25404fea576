-- Catalog mirror: the IWS products of each account and the record of every sync run.
-- Decimals are TEXT written by shopspring/decimal (exact); JSON columns are TEXT.
-- The *_run_id columns say which sync run last saw the product in each feed, so a complete run
-- can find what it did not see (deactivate, make unsellable, zero the stock) without holding the
-- catalog in memory. They are bookkeeping, outside every hash.

-- +goose Up
CREATE TABLE products (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        INTEGER NOT NULL REFERENCES iws_accounts (id) ON DELETE CASCADE,
    sku               TEXT    NOT NULL,
    mpn               TEXT    NOT NULL DEFAULT '',
    upc               TEXT    NOT NULL DEFAULT '',
    brand_id          TEXT    NOT NULL DEFAULT '',
    brand             TEXT    NOT NULL DEFAULT '',
    manufacturer_id   TEXT    NOT NULL DEFAULT '',
    manufacturer      TEXT    NOT NULL DEFAULT '',
    category_id       TEXT    NOT NULL DEFAULT '',
    category_path     TEXT    NOT NULL DEFAULT '[]',
    type              TEXT    NOT NULL DEFAULT '',
    description_es    TEXT    NOT NULL DEFAULT '',
    description_en    TEXT    NOT NULL DEFAULT '',
    long_description  TEXT    NOT NULL DEFAULT '',
    specs             TEXT    NOT NULL DEFAULT '{}',
    images            TEXT    NOT NULL DEFAULT '[]',
    weight_lb         TEXT    NULL,
    length_in         TEXT    NULL,
    width_in          TEXT    NULL,
    height_in         TEXT    NULL,
    cost              TEXT    NOT NULL DEFAULT '0',
    currency          TEXT    NOT NULL DEFAULT '',
    sellable          BOOLEAN NOT NULL DEFAULT 0,
    stock_total       INTEGER NOT NULL DEFAULT 0,
    stock_by_location TEXT    NOT NULL DEFAULT '{}',
    real_stock        BOOLEAN NOT NULL DEFAULT 1,
    active            BOOLEAN NOT NULL DEFAULT 1,
    catalog_hash      TEXT    NOT NULL DEFAULT '',
    price_hash        TEXT    NOT NULL DEFAULT '',
    stock_hash        TEXT    NOT NULL DEFAULT '',
    content_hash      TEXT    NOT NULL DEFAULT '',
    first_seen_at     DATETIME NOT NULL,
    last_seen_at      DATETIME NOT NULL,
    deactivated_at    DATETIME NULL,
    updated_at        DATETIME NOT NULL
);
CREATE UNIQUE INDEX products_account_sku_uq ON products (account_id, sku);
CREATE INDEX products_account_active_idx ON products (account_id, active);
CREATE INDEX products_account_category_idx ON products (account_id, category_id);

CREATE TABLE sync_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES iws_accounts (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('catalog', 'prices', 'stock', 'content', 'all')),
    -- The feeds this run covers, comma-separated in order (an "all" run may skip content).
    stages      TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at  DATETIME NOT NULL,
    finished_at DATETIME NULL,
    fetched     INTEGER NOT NULL DEFAULT 0,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    deactivated INTEGER NOT NULL DEFAULT 0,
    reactivated INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    -- Per-stage counts and durations, JSON.
    stats       TEXT    NULL,
    error       TEXT    NULL
);
CREATE INDEX sync_runs_account_started_idx ON sync_runs (account_id, started_at);
CREATE INDEX sync_runs_account_kind_status_idx ON sync_runs (account_id, kind, status);

-- +goose Down
DROP TABLE sync_runs;
DROP TABLE products;
