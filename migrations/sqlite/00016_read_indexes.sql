-- Indexes for the management UI's lists and dashboard (connector/store pages and aggregates):
-- the API log filtered by sync run or shop, orders by the day they were received, listings
-- counted by state, and each shop's newest webhook delivery (MAX(id) per shop_id).

-- +goose Up
CREATE INDEX api_calls_sync_run_idx ON api_calls (sync_run_id);
CREATE INDEX api_calls_shop_idx ON api_calls (shop_id);
CREATE INDEX orders_created_idx ON orders (created_at);
CREATE INDEX listings_shop_state_idx ON listings (shop_id, state);
CREATE INDEX webhook_events_shop_idx ON webhook_events (shop_id);

-- +goose Down
DROP INDEX webhook_events_shop_idx;
DROP INDEX listings_shop_state_idx;
DROP INDEX orders_created_idx;
DROP INDEX api_calls_shop_idx;
DROP INDEX api_calls_sync_run_idx;
