-- Install states: the one-use nonces of the shop connection flows (Shopify OAuth's state, the
-- WooCommerce key handoff's user_id). A state is made when the flow starts, consumed once by the
-- callback (used_at set in the same statement that checks it), and refused when unknown, used or
-- expired, so a replayed or forged callback connects nothing. Times are DATETIME(6) UTC, written
-- by the application.

-- +goose Up
CREATE TABLE install_states (
    state      VARCHAR(64)  NOT NULL,
    platform   VARCHAR(32)  NOT NULL,
    shop       VARCHAR(255) NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    expires_at DATETIME(6)  NOT NULL,
    used_at    DATETIME(6)  NULL,
    PRIMARY KEY (state),
    KEY install_states_expires (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- +goose Down
DROP TABLE install_states;
