-- Job queue (connector/jobs) and scheduler bookkeeping (connector/schedule).
-- MySQL 8.0+ / MariaDB 10.6+ (claims use FOR UPDATE SKIP LOCKED). Times are DATETIME(6) UTC,
-- written by the application. unique_key_active holds unique_key while the job is not finalized
-- and NULL afterwards, so the unique index allows one live job per (kind, key).

-- +goose Up
CREATE TABLE jobs (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    kind                VARCHAR(100)    NOT NULL,
    args                MEDIUMTEXT      NOT NULL,
    state               VARCHAR(16)     NOT NULL,
    priority            SMALLINT        NOT NULL DEFAULT 2,
    attempt             INT             NOT NULL DEFAULT 0,
    max_attempts        INT             NOT NULL,
    scheduled_at        DATETIME(6)     NOT NULL,
    attempted_at        DATETIME(6)     NULL,
    attempted_by        VARCHAR(255)    NULL,
    lease_expires_at    DATETIME(6)     NULL,
    cancel_requested_at DATETIME(6)     NULL,
    unique_key          VARCHAR(255)    NULL,
    unique_key_active   VARCHAR(255)    NULL,
    errors              MEDIUMTEXT      NOT NULL,
    created_at          DATETIME(6)     NOT NULL,
    finalized_at        DATETIME(6)     NULL,
    PRIMARY KEY (id),
    KEY jobs_fetch_idx (state, priority, scheduled_at, id),
    KEY jobs_due_idx (state, scheduled_at),
    KEY jobs_lease_idx (state, lease_expires_at),
    KEY jobs_finalized_idx (state, finalized_at),
    KEY jobs_kind_idx (kind, id),
    UNIQUE KEY jobs_unique_uq (kind, unique_key_active),
    CONSTRAINT jobs_state_chk CHECK (state IN ('available', 'running', 'retryable', 'scheduled', 'completed', 'cancelled', 'discarded'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE schedule_runs (
    account_id       BIGINT UNSIGNED NOT NULL,
    name             VARCHAR(100)    NOT NULL,
    next_due_at      DATETIME(6)     NOT NULL,
    last_enqueued_at DATETIME(6)     NULL,
    last_job_id      BIGINT UNSIGNED NULL,
    last_finished_at DATETIME(6)     NULL,
    last_state       VARCHAR(16)     NULL,
    updated_at       DATETIME(6)     NOT NULL,
    PRIMARY KEY (account_id, name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE schedule_runs;
DROP TABLE jobs;
