-- The storefront status a shop's order gets once the connector writes its tracking back
-- (`shop settings --fulfilled-status`): '' is the default, completed; processing leaves the
-- order's status as it is. WooCommerce and the memory storefront; on Shopify the fulfillment is
-- the record.

-- +goose Up
ALTER TABLE shops ADD COLUMN fulfilled_status TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE shops DROP COLUMN fulfilled_status;
