-- Shops, their margin rules and the per-shop listing state (desired vs last pushed).
-- Rule numbers are kept as the exact text of the rules file (pricing.Number), so that the
-- pricing.Rules JSON document round-trips exactly; pushed prices are DECIMAL(19,4).
-- SKUs compare exactly (utf8mb4_bin): the listing of "ab1" is not the listing of "AB1".

-- +goose Up
CREATE TABLE shops (
    id                     BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name                   VARCHAR(100)    NOT NULL,
    platform               VARCHAR(20)     NOT NULL,
    base_url               VARCHAR(500)    NOT NULL,
    -- Sealed with connector/secret ("v1:" + base64); never the plain credentials.
    credentials_enc        TEXT            NOT NULL,
    iws_account_id         BIGINT UNSIGNED NOT NULL,
    currency               VARCHAR(3)      NOT NULL,
    fx_rate                VARCHAR(48)     NOT NULL DEFAULT '',
    tax_inclusive          BOOLEAN         NOT NULL DEFAULT FALSE,
    tax_rate               VARCHAR(48)     NOT NULL DEFAULT '',
    locale                 VARCHAR(2)      NOT NULL,
    stock_policy           TEXT            NOT NULL,
    filters                TEXT            NOT NULL,
    rounding_step          VARCHAR(48)     NOT NULL DEFAULT '',
    rounding_minus         VARCHAR(48)     NOT NULL DEFAULT '',
    default_markup_percent VARCHAR(48)     NOT NULL DEFAULT '',
    default_margin_percent VARCHAR(48)     NOT NULL DEFAULT '',
    default_fixed_amount   VARCHAR(48)     NOT NULL DEFAULT '',
    default_min_profit     VARCHAR(48)     NOT NULL DEFAULT '',
    created_at             DATETIME(6)     NOT NULL,
    updated_at             DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY shops_name_uq (name),
    CONSTRAINT shops_iws_account_fk FOREIGN KEY (iws_account_id) REFERENCES iws_accounts (id),
    CONSTRAINT shops_platform_chk CHECK (platform IN ('woocommerce', 'shopify', 'memory')),
    CONSTRAINT shops_locale_chk CHECK (locale IN ('es', 'en'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE margin_rules (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    shop_id             BIGINT UNSIGNED NOT NULL,
    -- Order in the rules file; ties of priority keep it.
    position            INT             NOT NULL,
    name                VARCHAR(200)    NOT NULL,
    priority            INT             NOT NULL,
    match_category      VARCHAR(200)    NOT NULL DEFAULT '',
    -- JSON arrays (or null), exactly as imported.
    match_brands        TEXT            NOT NULL,
    match_manufacturers TEXT            NOT NULL,
    match_types         TEXT            NOT NULL,
    match_skus          MEDIUMTEXT      NOT NULL,
    match_cost_min      VARCHAR(48)     NOT NULL DEFAULT '',
    match_cost_max      VARCHAR(48)     NOT NULL DEFAULT '',
    markup_percent      VARCHAR(48)     NOT NULL DEFAULT '',
    margin_percent      VARCHAR(48)     NOT NULL DEFAULT '',
    fixed_amount        VARCHAR(48)     NOT NULL DEFAULT '',
    min_profit          VARCHAR(48)     NOT NULL DEFAULT '',
    PRIMARY KEY (id),
    UNIQUE KEY margin_rules_shop_position_uq (shop_id, position),
    CONSTRAINT margin_rules_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE listings (
    id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    shop_id              BIGINT UNSIGNED NOT NULL,
    sku                  VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    product_id           VARCHAR(64)     NOT NULL DEFAULT '',
    variant_id           VARCHAR(64)     NOT NULL DEFAULT '',
    inventory_item_id    VARCHAR(64)     NOT NULL DEFAULT '',
    state                VARCHAR(16)     NOT NULL,
    -- '' when nothing is pending; else create, update, price, stock, price_stock, unpublish.
    pending_change       VARCHAR(16)     NOT NULL DEFAULT '',
    desired              MEDIUMTEXT      NULL,
    desired_content_hash VARCHAR(64)     NOT NULL DEFAULT '',
    desired_price_hash   VARCHAR(64)     NOT NULL DEFAULT '',
    desired_stock_hash   VARCHAR(64)     NOT NULL DEFAULT '',
    content_hash         VARCHAR(64)     NOT NULL DEFAULT '',
    price_hash           VARCHAR(64)     NOT NULL DEFAULT '',
    stock_hash           VARCHAR(64)     NOT NULL DEFAULT '',
    price                DECIMAL(19,4)   NULL,
    currency             VARCHAR(3)      NOT NULL DEFAULT '',
    stock                INT             NOT NULL DEFAULT 0,
    last_error           TEXT            NOT NULL,
    attempts             INT             NOT NULL DEFAULT 0,
    pushed_at            DATETIME(6)     NULL,
    created_at           DATETIME(6)     NOT NULL,
    updated_at           DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY listings_shop_sku_uq (shop_id, sku),
    KEY listings_shop_pending_idx (shop_id, pending_change, id),
    CONSTRAINT listings_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE,
    CONSTRAINT listings_state_chk CHECK (state IN ('pending', 'published', 'out_of_stock', 'unpublished', 'error'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE listings;
DROP TABLE margin_rules;
DROP TABLE shops;
