-- Lease locks (store.TryLock): a row per held lock, owned until expires_at unless its owner
-- extends it. The sync runner takes "sync:account:<id>" so runs of one IWS account never overlap,
-- in one process or across processes. Times are UTC, written by the application. version grows on
-- every write, so that an UPDATE always changes the row (MySQL counts unchanged rows as not
-- affected).

-- +goose Up
CREATE TABLE locks (
    name        TEXT     NOT NULL PRIMARY KEY,
    owner       TEXT     NOT NULL,
    expires_at  DATETIME NOT NULL,
    acquired_at DATETIME NOT NULL,
    version     INTEGER  NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE locks;
