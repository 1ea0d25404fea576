-- The people who use the web UI and the JSON API (connector/users).
--
-- users: one row per account; email is stored trimmed and lower-cased (unique, compared byte for
-- byte: the application folds case, the collation must not fold accents), role is admin or
-- support, password_hash an argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash),
-- never a password; language is '', 'en' or 'es' ('' follows the browser).
--
-- user_sessions: browser sessions. The browser holds a random token; the database keeps only its
-- SHA-256 (hex), so a copy of the table signs nobody in. expires_at slides forward on use
-- (at most once a minute, with last_seen_at).
--
-- api_tokens: per-user tokens of the JSON API. token_hash is the SHA-256 (hex) of the secret,
-- which is shown once at creation; prefix is its first characters, for telling tokens apart.
--
-- Removing a user removes its sessions and tokens (the application deletes them, and the
-- foreign keys cascade). Times are DATETIME(6) UTC, written by the application.

-- +goose Up
CREATE TABLE users (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email         VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    role          VARCHAR(16)     NOT NULL,
    password_hash VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    language      VARCHAR(8)      NOT NULL DEFAULT '',
    created_at    DATETIME(6)     NOT NULL,
    updated_at    DATETIME(6)     NOT NULL,
    last_login_at DATETIME(6)     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY users_email_uq (email),
    KEY users_role_idx (role)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE user_sessions (
    token_hash   CHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    user_id      BIGINT UNSIGNED NOT NULL,
    created_at   DATETIME(6)     NOT NULL,
    expires_at   DATETIME(6)     NOT NULL,
    last_seen_at DATETIME(6)     NOT NULL,
    PRIMARY KEY (token_hash),
    KEY user_sessions_user_idx (user_id),
    KEY user_sessions_expires_idx (expires_at),
    CONSTRAINT user_sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE api_tokens (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id      BIGINT UNSIGNED NOT NULL,
    name         VARCHAR(100)    NOT NULL,
    prefix       VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    token_hash   CHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at   DATETIME(6)     NOT NULL,
    last_used_at DATETIME(6)     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY api_tokens_hash_uq (token_hash),
    KEY api_tokens_user_idx (user_id),
    CONSTRAINT api_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE user_sessions;
DROP TABLE users;
