-- listing_events is each listing's history of what happened to it outside a plain push: a
-- storefront product found gone and recreated or adopted by SKU, a difference between the store
-- and what was pushed found and repaired by the verification, a reset by a person. `connector
-- listings show` reads it. kind is a word (recreated, adopted, gone, missing, repaired, reset),
-- detail a sentence.
--
-- schedule_runs gains shop_id, for schedules that run per shop (the daily listing verification)
-- beside the per-account ones (shop_id 0).

-- +goose Up
CREATE TABLE listing_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id    INTEGER  NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    sku        TEXT     NOT NULL,
    kind       TEXT     NOT NULL,
    detail     TEXT     NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL
);
CREATE INDEX listing_events_sku_idx ON listing_events (shop_id, sku, id);

CREATE TABLE schedule_runs_new (
    account_id       INTEGER  NOT NULL,
    shop_id          INTEGER  NOT NULL DEFAULT 0,
    name             TEXT     NOT NULL,
    next_due_at      DATETIME NOT NULL,
    last_enqueued_at DATETIME NULL,
    last_job_id      INTEGER  NULL,
    last_finished_at DATETIME NULL,
    last_state       TEXT     NULL,
    updated_at       DATETIME NOT NULL,
    PRIMARY KEY (account_id, shop_id, name)
);
INSERT INTO schedule_runs_new (account_id, shop_id, name, next_due_at, last_enqueued_at, last_job_id, last_finished_at, last_state, updated_at)
    SELECT account_id, 0, name, next_due_at, last_enqueued_at, last_job_id, last_finished_at, last_state, updated_at FROM schedule_runs;
DROP TABLE schedule_runs;
ALTER TABLE schedule_runs_new RENAME TO schedule_runs;

-- +goose Down
DELETE FROM schedule_runs WHERE shop_id <> 0;
CREATE TABLE schedule_runs_old (
    account_id       INTEGER  NOT NULL,
    name             TEXT     NOT NULL,
    next_due_at      DATETIME NOT NULL,
    last_enqueued_at DATETIME NULL,
    last_job_id      INTEGER  NULL,
    last_finished_at DATETIME NULL,
    last_state       TEXT     NULL,
    updated_at       DATETIME NOT NULL,
    PRIMARY KEY (account_id, name)
);
INSERT INTO schedule_runs_old (account_id, name, next_due_at, last_enqueued_at, last_job_id, last_finished_at, last_state, updated_at)
    SELECT account_id, name, next_due_at, last_enqueued_at, last_job_id, last_finished_at, last_state, updated_at FROM schedule_runs;
DROP TABLE schedule_runs;
ALTER TABLE schedule_runs_old RENAME TO schedule_runs;
DROP TABLE listing_events;
