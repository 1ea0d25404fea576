-- margin_rule_changes is the audit trail of a shop's pricing configuration (its rules document:
-- currency, fx_rate, tax, rounding, the default action and the ordered margin rules): every
-- change made through connector/rules (the web UI, the API, `connector rules import`) writes one
-- row in the transaction that makes the change. actor is the user's email, or "cli"; action is
-- create, update, move, delete, settings or import; rule_name, from_index and to_index say which
-- rule an edit touched (empty and NULL for a whole-document change). before_doc and after_doc
-- are the whole rules document, as the rules file writes it, before and after the change.

-- +goose Up
CREATE TABLE margin_rule_changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id    INTEGER  NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    actor      TEXT     NOT NULL,
    action     TEXT     NOT NULL,
    rule_name  TEXT     NOT NULL DEFAULT '',
    from_index INTEGER  NULL,
    to_index   INTEGER  NULL,
    before_doc TEXT     NOT NULL,
    after_doc  TEXT     NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX margin_rule_changes_shop_idx ON margin_rule_changes (shop_id, id);

-- +goose Down
DROP TABLE margin_rule_changes;
