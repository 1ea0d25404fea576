-- Foundation schema: IWS accounts and the audit log of outside API calls.
-- Times are written by the application in UTC. Money columns, when added, are DECIMAL(19,4)
-- (SQLite keeps them as exact text through shopspring/decimal).

-- +goose Up
CREATE TABLE iws_accounts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL COLLATE NOCASE,
    environment    TEXT    NOT NULL CHECK (environment IN ('test', 'prod')),
    base_url       TEXT    NOT NULL,
    api_key        TEXT    NOT NULL,
    -- Sealed with connector/secret ("v1:" + base64); never the plain access key.
    access_key_enc TEXT    NOT NULL,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE UNIQUE INDEX iws_accounts_name_uq ON iws_accounts (name);

CREATE TABLE api_calls (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    system             TEXT    NOT NULL,
    method             TEXT    NOT NULL,
    http_method        TEXT    NOT NULL,
    url                TEXT    NOT NULL,
    status_code        INTEGER NOT NULL DEFAULT 0,
    duration_ms        INTEGER NOT NULL DEFAULT 0,
    error              TEXT    NULL,
    request_headers    TEXT    NULL,
    request_body       TEXT    NULL,
    request_truncated  BOOLEAN NOT NULL DEFAULT 0,
    response_headers   TEXT    NULL,
    response_body      TEXT    NULL,
    response_truncated BOOLEAN NOT NULL DEFAULT 0,
    response_bytes     INTEGER NOT NULL DEFAULT 0,
    job_id             TEXT    NULL,
    order_id           TEXT    NULL,
    sync_run_id        TEXT    NULL,
    account_id         INTEGER NULL,
    shop_id            INTEGER NULL,
    created_at         DATETIME NOT NULL
);
CREATE INDEX api_calls_created_at_idx ON api_calls (created_at);
CREATE INDEX api_calls_system_created_at_idx ON api_calls (system, created_at);
CREATE INDEX api_calls_job_id_idx ON api_calls (job_id);
CREATE INDEX api_calls_order_id_idx ON api_calls (order_id);

-- +goose Down
DROP TABLE api_calls;
DROP TABLE iws_accounts;
