-- The reconciliation sweep's bookmark: when each shop's paid orders were last listed
-- (connector/orders.Sweeper). The next sweep asks the storefront for orders changed since then,
-- minus an overlap, so an order changed while a sweep ran is not missed. One row per shop; no
-- foreign key (a deleted shop's row is harmless and the sweep skips it). Times are UTC.

-- +goose Up
CREATE TABLE order_sweeps (
    shop_id    BIGINT UNSIGNED NOT NULL,
    swept_at   DATETIME(6)     NOT NULL,
    found      INT             NOT NULL DEFAULT 0,
    new_orders INT             NOT NULL DEFAULT 0,
    PRIMARY KEY (shop_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE order_sweeps;
