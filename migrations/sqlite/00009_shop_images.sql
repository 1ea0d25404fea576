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
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id    INTEGER  NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    url_hash   TEXT     NOT NULL,
    url        TEXT     NOT NULL,
    media_id   TEXT     NOT NULL DEFAULT '',
    state      TEXT     NOT NULL CHECK (state IN ('uploading', 'ready', 'orphan')),
    sku        TEXT     NOT NULL DEFAULT '',
    product_id TEXT     NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX shop_images_url_uq ON shop_images (shop_id, url_hash);
CREATE INDEX shop_images_state_idx ON shop_images (shop_id, state, id);

CREATE TABLE shop_image_uses (
    shop_id  INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    sku      TEXT    NOT NULL,
    url_hash TEXT    NOT NULL,
    PRIMARY KEY (shop_id, sku, url_hash)
);
CREATE INDEX shop_image_uses_url_idx ON shop_image_uses (shop_id, url_hash);

ALTER TABLE listings ADD COLUMN images_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE listings ADD COLUMN desired_images TEXT NULL;
ALTER TABLE listings ADD COLUMN images_pending BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX listings_shop_images_idx ON listings (shop_id, images_pending, id);

UPDATE listings SET images_hash = 'legacy' WHERE product_id <> '';

-- +goose Down
DROP INDEX listings_shop_images_idx;
ALTER TABLE listings DROP COLUMN images_pending;
ALTER TABLE listings DROP COLUMN desired_images;
ALTER TABLE listings DROP COLUMN images_hash;
DROP TABLE shop_image_uses;
DROP TABLE shop_images;
