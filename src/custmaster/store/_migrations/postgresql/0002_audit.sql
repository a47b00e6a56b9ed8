-- custmaster store, schema version 2 (PostgreSQL): the audit log.
--
-- cm_audit holds the audit chain (custmaster.audit): one row per entry, written in the same
-- transaction as the change it describes. Each row carries the hash of the one before
-- (prev_hash) and its own (hash, over every other column), so verify_audit detects a row
-- changed, inserted or deleted behind the triggers' back. The triggers refuse UPDATE, DELETE
-- and TRUNCATE. Writers append one at a time: each takes a transaction-scoped advisory lock
-- on the head before reading it, and the primary key on seq refuses a fork.

CREATE TABLE cm_audit (
    seq         BIGINT PRIMARY KEY,
    at          TEXT COLLATE "C" NOT NULL,
    "user"      TEXT COLLATE "C" NOT NULL,
    operation   TEXT COLLATE "C" NOT NULL,
    customer_id TEXT COLLATE "C",
    fields      TEXT COLLATE "C" NOT NULL,
    channel     TEXT COLLATE "C",
    detail      TEXT COLLATE "C" NOT NULL,
    prev_hash   TEXT COLLATE "C" NOT NULL,
    hash        TEXT COLLATE "C" NOT NULL
);

CREATE INDEX cm_audit_customer ON cm_audit (customer_id, seq);
CREATE INDEX cm_audit_user ON cm_audit ("user", seq);
CREATE INDEX cm_audit_at ON cm_audit (at, seq);

CREATE FUNCTION cm_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'cm_audit is append-only';
END;
$$;

CREATE TRIGGER cm_audit_append_only
BEFORE UPDATE OR DELETE ON cm_audit
FOR EACH ROW EXECUTE FUNCTION cm_audit_append_only();

CREATE TRIGGER cm_audit_no_truncate
BEFORE TRUNCATE ON cm_audit
FOR EACH STATEMENT EXECUTE FUNCTION cm_audit_append_only();
