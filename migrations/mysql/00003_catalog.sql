-- Catalog mirror: the IWS products of each account and the record of every sync run.
-- Money and freight are DECIMAL(19,4). The *_run_id columns say which sync run last saw the
-- product in each feed, so a complete run can find what it did not see (deactivate, make
-- unsellable, zero the stock) without holding the catalog in memory. They are bookkeeping,
-- outside every hash.

-- +goose Up
CREATE TABLE products (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    account_id        BIGINT UNSIGNED NOT NULL,
    sku               VARCHAR(64)     NOT NULL,
    mpn               VARCHAR(191)    NOT NULL DEFAULT '',
    upc               VARCHAR(64)     NOT NULL DEFAULT '',
    brand_id          VARCHAR(64)     NOT NULL DEFAULT '',
    brand             VARCHAR(255)    NOT NULL DEFAULT '',
    manufacturer_id   VARCHAR(64)     NOT NULL DEFAULT '',
    manufacturer      VARCHAR(255)    NOT NULL DEFAULT '',
    category_id       VARCHAR(191)    NOT NULL DEFAULT '',
    category_path     JSON            NOT NULL,
    type              VARCHAR(32)     NOT NULL DEFAULT '',
    description_es    TEXT            NOT NULL,
    description_en    TEXT            NOT NULL,
    long_description  MEDIUMTEXT      NOT NULL,
    specs             JSON            NOT NULL,
    images            JSON            NOT NULL,
    weight_lb         DECIMAL(19,4)   NULL,
    length_in         DECIMAL(19,4)   NULL,
    width_in          DECIMAL(19,4)   NULL,
    height_in         DECIMAL(19,4)   NULL,
    cost              DECIMAL(19,4)   NOT NULL DEFAULT 0,
    currency          VARCHAR(8)      NOT NULL DEFAULT '',
    sellable          BOOLEAN         NOT NULL DEFAULT FALSE,
    stock_total       INT             NOT NULL DEFAULT 0,
    stock_by_location JSON            NOT NULL,
    real_stock        BOOLEAN         NOT NULL DEFAULT TRUE,
    active            BOOLEAN         NOT NULL DEFAULT TRUE,
    catalog_hash      CHAR(64)        NOT NULL DEFAULT '',
    price_hash        CHAR(64)        NOT NULL DEFAULT '',
    stock_hash        CHAR(64)        NOT NULL DEFAULT '',
    content_hash      CHAR(64)        NOT NULL DEFAULT '',
    first_seen_at     DATETIME(6)     NOT NULL,
    last_seen_at      DATETIME(6)     NOT NULL,
    deactivated_at    DATETIME(6)     NULL,
    updated_at        DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY products_account_sku_uq (account_id, sku),
    KEY products_account_active_idx (account_id, active),
    KEY products_account_category_idx (account_id, category_id),
    CONSTRAINT products_account_fk FOREIGN KEY (account_id) REFERENCES iws_accounts (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE sync_runs (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    account_id  BIGINT UNSIGNED NOT NULL,
    kind        VARCHAR(16)     NOT NULL,
    -- The feeds this run covers, comma-separated in order (an "all" run may skip content).
    stages      VARCHAR(64)     NOT NULL DEFAULT '',
    status      VARCHAR(16)     NOT NULL,
    started_at  DATETIME(6)     NOT NULL,
    finished_at DATETIME(6)     NULL,
    fetched     INT             NOT NULL DEFAULT 0,
    inserted    INT             NOT NULL DEFAULT 0,
    updated     INT             NOT NULL DEFAULT 0,
    unchanged   INT             NOT NULL DEFAULT 0,
    deactivated INT             NOT NULL DEFAULT 0,
    reactivated INT             NOT NULL DEFAULT 0,
    skipped     INT             NOT NULL DEFAULT 0,
    -- Per-stage counts and durations.
    stats       JSON            NULL,
    error       TEXT            NULL,
    PRIMARY KEY (id),
    KEY sync_runs_account_started_idx (account_id, started_at),
    KEY sync_runs_account_kind_status_idx (account_id, kind, status),
    CONSTRAINT sync_runs_account_fk FOREIGN KEY (account_id) REFERENCES iws_accounts (id) ON DELETE CASCADE,
    CONSTRAINT sync_runs_kind_chk CHECK (kind IN ('catalog', 'prices', 'stock', 'content', 'all')),
    CONSTRAINT sync_runs_status_chk CHECK (status IN ('running', 'succeeded', 'failed'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE sync_runs;
DROP TABLE products;
