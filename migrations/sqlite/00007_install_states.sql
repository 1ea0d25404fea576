-- Install states: the one-use nonces of the shop connection flows (Shopify OAuth's state, the
-- WooCommerce key handoff's user_id). A state is made when the flow starts, consumed once by the
-- callback (used_at set in the same statement that checks it), and refused when unknown, used or
-- expired, so a replayed or forged callback connects nothing. Times are UTC, written by the
-- application.

-- +goose Up
CREATE TABLE install_states (
    state      TEXT     NOT NULL PRIMARY KEY,
    platform   TEXT     NOT NULL,
    shop       TEXT     NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME
);
CREATE INDEX install_states_expires ON install_states (expires_at);

-- +goose Down
DROP TABLE install_states;
