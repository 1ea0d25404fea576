-- Foundation schema: IWS accounts and the audit log of outside API calls.
-- MySQL 8.0+ and MariaDB 10.6+. utf8mb4_unicode_ci is the collation both understand
-- (MySQL 8's utf8mb4_0900_ai_ci does not exist on MariaDB). Times are DATETIME(6) in UTC, written
-- by the application. Money columns, when added, are DECIMAL(19,4).
-- `system` is a reserved word in MySQL 8.0: always quote it.

-- +goose Up
CREATE TABLE iws_accounts (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name           VARCHAR(100)    NOT NULL,
    environment    VARCHAR(10)     NOT NULL,
    base_url       VARCHAR(500)    NOT NULL,
    api_key        VARCHAR(255)    NOT NULL,
    -- Sealed with connector/secret ("v1:" + base64); never the plain access key.
    access_key_enc TEXT            NOT NULL,
    created_at     DATETIME(6)     NOT NULL,
    updated_at     DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY iws_accounts_name_uq (name),
    CONSTRAINT iws_accounts_environment_chk CHECK (environment IN ('test', 'prod'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE api_calls (
    id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `system`           VARCHAR(32)     NOT NULL,
    method             VARCHAR(191)    NOT NULL,
    http_method        VARCHAR(16)     NOT NULL,
    url                TEXT            NOT NULL,
    status_code        INT             NOT NULL DEFAULT 0,
    duration_ms        BIGINT          NOT NULL DEFAULT 0,
    error              TEXT            NULL,
    request_headers    TEXT            NULL,
    request_body       MEDIUMTEXT      NULL,
    request_truncated  BOOLEAN         NOT NULL DEFAULT FALSE,
    response_headers   TEXT            NULL,
    response_body      MEDIUMTEXT      NULL,
    response_truncated BOOLEAN         NOT NULL DEFAULT FALSE,
    response_bytes     BIGINT          NOT NULL DEFAULT 0,
    job_id             VARCHAR(64)     NULL,
    order_id           VARCHAR(64)     NULL,
    sync_run_id        VARCHAR(64)     NULL,
    account_id         BIGINT UNSIGNED NULL,
    shop_id            BIGINT UNSIGNED NULL,
    created_at         DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    KEY api_calls_created_at_idx (created_at),
    KEY api_calls_system_created_at_idx (`system`, created_at),
    KEY api_calls_job_id_idx (job_id),
    KEY api_calls_order_id_idx (order_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE api_calls;
DROP TABLE iws_accounts;
