-- The images the connector uploaded to each shop, so that no image is uploaded twice: a row maps a
-- source URL (by its SHA-256) to the storefront's media id (WooCommerce attachment id, Shopify
-- file gid). State uploading: the upload was sent but its outcome is not known yet (an
-- interrupted push leaves it; the next push looks for the image on product_id before sending it
-- again); ready: media_id holds it; orphan: no listing uses it and the shop cannot delete it
-- (WooCommerce: consumer keys cannot delete media), kept for reuse and for the record.
-- shop_image_uses says which listing (SKU) shows which image, so an image no listing uses is
-- found by one query. listings gain images_hash (the image list last attached; 'legacy' for
-- listings pushed before this migration, whose images went with the product and are assumed to
-- be as planned) and desired_images (the JSON URL list waiting to be attached; images_pending
-- indexes it).

-- +goose Up
CREATE TABLE shop_images (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    shop_id    BIGINT UNSIGNED NOT NULL,
    url_hash   CHAR(64)        NOT NULL,
    url        TEXT            NOT NULL,
    media_id   VARCHAR(255)    NOT NULL DEFAULT '',
    state      VARCHAR(16)     NOT NULL,
    sku        VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    product_id VARCHAR(64)     NOT NULL DEFAULT '',
    created_at DATETIME(6)     NOT NULL,
    updated_at DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY shop_images_url_uq (shop_id, url_hash),
    KEY shop_images_state_idx (shop_id, state, id),
    CONSTRAINT shop_images_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE,
    CONSTRAINT shop_images_state_chk CHECK (state IN ('uploading', 'ready', 'orphan'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE shop_image_uses (
    shop_id  BIGINT UNSIGNED NOT NULL,
    sku      VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    url_hash CHAR(64)        NOT NULL,
    PRIMARY KEY (shop_id, sku, url_hash),
    KEY shop_image_uses_url_idx (shop_id, url_hash),
    CONSTRAINT shop_image_uses_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

ALTER TABLE listings
    ADD COLUMN images_hash    VARCHAR(64) NOT NULL DEFAULT '' AFTER stock_hash,
    ADD COLUMN desired_images MEDIUMTEXT  NULL AFTER images_hash,
    ADD COLUMN images_pending BOOLEAN     NOT NULL DEFAULT FALSE AFTER desired_images,
    ADD KEY listings_shop_images_idx (shop_id, images_pending, id);

UPDATE listings SET images_hash = 'legacy' WHERE product_id <> '';

-- +goose Down
ALTER TABLE listings
    DROP KEY listings_shop_images_idx,
    DROP COLUMN images_pending,
    DROP COLUMN desired_images,
    DROP COLUMN images_hash;
DROP TABLE shop_image_uses;
DROP TABLE shop_images;
