-- Lease locks (store.TryLock): a row per held lock, owned until expires_at unless its owner
-- extends it. The sync runner takes "sync:account:<id>" so runs of one IWS account never overlap,
-- in one process or across processes. Times are DATETIME(6) UTC, written by the application.
-- version grows on every write, so that an UPDATE always changes the row (without
-- CLIENT_FOUND_ROWS, MySQL counts a row whose values did not change as not affected).

-- +goose Up
CREATE TABLE locks (
    name        VARCHAR(191)    NOT NULL,
    owner       VARCHAR(191)    NOT NULL,
    expires_at  DATETIME(6)     NOT NULL,
    acquired_at DATETIME(6)     NOT NULL,
    version     BIGINT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- +goose Down
DROP TABLE locks;
