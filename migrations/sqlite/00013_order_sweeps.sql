-- The reconciliation sweep's bookmark: when each shop's paid orders were last listed
-- (connector/orders.Sweeper). The next sweep asks the storefront for orders changed since then,
-- minus an overlap, so an order changed while a sweep ran is not missed. One row per shop; no
-- foreign key (a deleted shop's row is harmless and the sweep skips it). Times are UTC.

-- +goose Up
CREATE TABLE order_sweeps (
    shop_id    INTEGER  NOT NULL PRIMARY KEY,
    swept_at   DATETIME NOT NULL,
    found      INTEGER  NOT NULL DEFAULT 0,
    new_orders INTEGER  NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE order_sweeps;
