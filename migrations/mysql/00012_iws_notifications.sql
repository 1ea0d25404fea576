-- Intcomex OrderStatusUpdate webhook deliveries that verified with an IWS account's key pair, one
-- row per order a delivery names. UNIQUE (iws_account_id, payload_sha256, order_number) makes a
-- redelivery of the same body (re-signed or not) a no-op. token_signature is the signature of the
-- delivery's token: the token does not cover the body, so a token seen before with another body is
-- refused as a replay (the store checks it). The body is not kept, only its SHA-256. No foreign
-- key: like webhook_events, these rows are the record of what IWS said. Times are DATETIME(6) UTC,
-- written by the application.

-- +goose Up
CREATE TABLE iws_notifications (
    id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    iws_account_id     BIGINT UNSIGNED NOT NULL,
    call_id            VARCHAR(100)    NOT NULL DEFAULT '',
    order_number       VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    status             INT             NOT NULL,
    status_description VARCHAR(100)    NOT NULL DEFAULT '',
    token_signature    CHAR(64)        NOT NULL,
    payload_sha256     CHAR(64)        NOT NULL,
    received_at        DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY iws_notifications_delivery_uq (iws_account_id, payload_sha256, order_number),
    KEY iws_notifications_token_idx (iws_account_id, token_signature),
    KEY iws_notifications_order_idx (iws_account_id, order_number, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE iws_notifications;
