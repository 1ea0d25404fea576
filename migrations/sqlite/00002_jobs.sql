-- Job queue (connector/jobs) and scheduler bookkeeping (connector/schedule).
-- Times are UTC, written by the application. unique_key_active holds unique_key while the job is
-- not finalized and NULL afterwards, so the unique index allows one live job per (kind, key).

-- +goose Up
CREATE TABLE jobs (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    kind                TEXT     NOT NULL,
    args                TEXT     NOT NULL DEFAULT '{}',
    state               TEXT     NOT NULL CHECK (state IN ('available', 'running', 'retryable', 'scheduled', 'completed', 'cancelled', 'discarded')),
    priority            INTEGER  NOT NULL DEFAULT 2,
    attempt             INTEGER  NOT NULL DEFAULT 0,
    max_attempts        INTEGER  NOT NULL,
    scheduled_at        DATETIME NOT NULL,
    attempted_at        DATETIME NULL,
    attempted_by        TEXT     NULL,
    lease_expires_at    DATETIME NULL,
    cancel_requested_at DATETIME NULL,
    unique_key          TEXT     NULL,
    unique_key_active   TEXT     NULL,
    errors              TEXT     NOT NULL DEFAULT '[]',
    created_at          DATETIME NOT NULL,
    finalized_at        DATETIME NULL
);
CREATE INDEX jobs_fetch_idx ON jobs (state, priority, scheduled_at, id);
CREATE INDEX jobs_due_idx ON jobs (state, scheduled_at);
CREATE INDEX jobs_lease_idx ON jobs (state, lease_expires_at);
CREATE INDEX jobs_finalized_idx ON jobs (state, finalized_at);
CREATE INDEX jobs_kind_idx ON jobs (kind, id);
CREATE UNIQUE INDEX jobs_unique_uq ON jobs (kind, unique_key_active);

CREATE TABLE schedule_runs (
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

-- +goose Down
DROP TABLE schedule_runs;
DROP TABLE jobs;
