-- Intcomex OrderStatusUpdate webhook deliveries that verified with an IWS account's key pair, one
-- row per order a delivery names. UNIQUE (iws_account_id, payload_sha256, order_number) makes a
-- redelivery of the same body (re-signed or not) a no-op. token_signature is the signature of the
-- delivery's token: the token does not cover the body, so a token seen before with another body is
-- refused as a replay (the store checks it). The body is not kept, only its SHA-256. No foreign
-- key: like webhook_events, these rows are the record of what IWS said. Times are UTC, written by
-- the application.

-- +goose Up
CREATE TABLE iws_notifications (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    iws_account_id     INTEGER  NOT NULL,
    call_id            TEXT     NOT NULL DEFAULT '',
    order_number       TEXT     NOT NULL,
    status             INTEGER  NOT NULL,
    status_description TEXT     NOT NULL DEFAULT '',
    token_signature    TEXT     NOT NULL,
    payload_sha256     TEXT     NOT NULL,
    received_at        DATETIME NOT NULL
);
CREATE UNIQUE INDEX iws_notifications_delivery_uq ON iws_notifications (iws_account_id, payload_sha256, order_number);
CREATE INDEX iws_notifications_token_idx ON iws_notifications (iws_account_id, token_signature);
CREATE INDEX iws_notifications_order_idx ON iws_notifications (iws_account_id, order_number, id);

-- +goose Down
DROP TABLE iws_notifications;
