-- The hash of a product's catalog fields without its extended content (store.Product.FieldsHash):
-- an "all" sync compares it, with the price and stock hashes, to what the feeds say, and reads a
-- stored product whole only when they differ. Rows written before this column hold '' until the
-- next "all" sync fills it in.

-- +goose Up
ALTER TABLE products ADD COLUMN fields_hash TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE products DROP COLUMN fields_hash;
