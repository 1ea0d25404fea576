-- The people who use the web UI and the JSON API (connector/users).
--
-- users: one row per account; email is stored trimmed and lower-cased (unique), role is admin or
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
-- foreign keys cascade). Times are UTC, written by the application.

-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT     NOT NULL,
    role          TEXT     NOT NULL CHECK (role IN ('admin', 'support')),
    password_hash TEXT     NOT NULL,
    language      TEXT     NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    last_login_at DATETIME NULL
);
CREATE UNIQUE INDEX users_email_uq ON users (email);
CREATE INDEX users_role_idx ON users (role);

CREATE TABLE user_sessions (
    token_hash   TEXT     NOT NULL PRIMARY KEY,
    user_id      INTEGER  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);
CREATE INDEX user_sessions_expires_idx ON user_sessions (expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT     NOT NULL,
    prefix       TEXT     NOT NULL,
    token_hash   TEXT     NOT NULL,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME NULL
);
CREATE UNIQUE INDEX api_tokens_hash_uq ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE user_sessions;
DROP TABLE users;
