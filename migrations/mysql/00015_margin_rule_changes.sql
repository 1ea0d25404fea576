-- margin_rule_changes is the audit trail of a shop's pricing configuration (its rules document:
-- currency, fx_rate, tax, rounding, the default action and the ordered margin rules): every
-- change made through connector/rules (the web UI, the API, `connector rules import`) writes one
-- row in the transaction that makes the change. actor is the user's email, or "cli"; action is
-- create, update, move, delete, settings or import; rule_name, from_index and to_index say which
-- rule an edit touched (empty and NULL for a whole-document change). before_doc and after_doc
-- are the whole rules document, as the rules file writes it, before and after the change.

-- +goose Up
CREATE TABLE margin_rule_changes (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    shop_id    BIGINT UNSIGNED NOT NULL,
    actor      VARCHAR(255)    NOT NULL,
    action     VARCHAR(16)     NOT NULL,
    rule_name  VARCHAR(200)    NOT NULL DEFAULT '',
    from_index INT             NULL,
    to_index   INT             NULL,
    before_doc MEDIUMTEXT      NOT NULL,
    after_doc  MEDIUMTEXT      NOT NULL,
    created_at DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    KEY margin_rule_changes_shop_idx (shop_id, id),
    CONSTRAINT margin_rule_changes_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE margin_rule_changes;
