-- listing_events is each listing's history of what happened to it outside a plain push: a
-- storefront product found gone and recreated or adopted by SKU, a difference between the store
-- and what was pushed found and repaired by the verification, a reset by a person. `connector
-- listings show` reads it. kind is a word (recreated, adopted, gone, missing, repaired, reset),
-- detail a sentence.
--
-- schedule_runs gains shop_id, for schedules that run per shop (the daily listing verification)
-- beside the per-account ones (shop_id 0).

-- +goose Up
CREATE TABLE listing_events (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    shop_id    BIGINT UNSIGNED NOT NULL,
    sku        VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    kind       VARCHAR(16)     NOT NULL,
    detail     TEXT            NOT NULL,
    created_at DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    KEY listing_events_sku_idx (shop_id, sku, id),
    CONSTRAINT listing_events_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

ALTER TABLE schedule_runs
    ADD COLUMN shop_id BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER account_id,
    DROP PRIMARY KEY,
    ADD PRIMARY KEY (account_id, shop_id, name);

-- +goose Down
DELETE FROM schedule_runs WHERE shop_id <> 0;
ALTER TABLE schedule_runs
    DROP PRIMARY KEY,
    DROP COLUMN shop_id,
    ADD PRIMARY KEY (account_id, name);
DROP TABLE listing_events;
