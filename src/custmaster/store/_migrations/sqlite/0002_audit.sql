-- custmaster store, schema version 2 (SQLite): the audit log.
--
-- cm_audit holds the audit chain (custmaster.audit): one row per entry, written in the same
-- transaction as the change it describes. Each row carries the hash of the one before
-- (prev_hash) and its own (hash, over every other column), so verify_audit detects a row
-- changed, inserted or deleted behind the triggers' back. The triggers make the table
-- append-only for every writer that goes through SQLite's rules.

CREATE TABLE cm_audit (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    "user"      TEXT NOT NULL,
    operation   TEXT NOT NULL,
    customer_id TEXT,
    fields      TEXT NOT NULL,
    channel     TEXT,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

CREATE INDEX cm_audit_customer ON cm_audit (customer_id, seq);
CREATE INDEX cm_audit_user ON cm_audit ("user", seq);
CREATE INDEX cm_audit_at ON cm_audit (at, seq);

CREATE TRIGGER cm_audit_append_only_update
BEFORE UPDATE ON cm_audit
BEGIN
    SELECT RAISE(ABORT, 'cm_audit is append-only');
END;

CREATE TRIGGER cm_audit_append_only_delete
BEFORE DELETE ON cm_audit
BEGIN
    SELECT RAISE(ABORT, 'cm_audit is append-only');
END;
