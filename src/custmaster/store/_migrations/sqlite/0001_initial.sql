-- custmaster store, schema version 1 (SQLite).
--
-- cm_records is the observation log: append-only (triggers refuse changes to what a source
-- said and deletions); only the customer a record is assigned to may change (merge, split).
-- cm_customers holds the current view of each customer (its golden state), written in the
-- same transaction as the records it is computed from.

CREATE TABLE cm_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE cm_counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO cm_counters (name, value) VALUES ('customer', 0), ('pair', 0), ('pair_saved', 0);

CREATE TABLE cm_customers (
    id      TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    size    INTEGER NOT NULL,
    state   TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE cm_records (
    seq         INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,
    source_ref  TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    body        TEXT NOT NULL,
    UNIQUE (channel, source_ref)
);

CREATE INDEX cm_records_customer ON cm_records (customer_id, seq);

CREATE TRIGGER cm_records_append_only_update
BEFORE UPDATE OF seq, channel, source_ref, observed_at, body ON cm_records
BEGIN
    SELECT RAISE(ABORT, 'cm_records is append-only');
END;

CREATE TRIGGER cm_records_append_only_delete
BEFORE DELETE ON cm_records
BEGIN
    SELECT RAISE(ABORT, 'cm_records is append-only');
END;

CREATE TABLE cm_index (
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    payload     TEXT NOT NULL,
    grp         TEXT NOT NULL,
    PRIMARY KEY (kind, key, customer_id, payload, grp)
) WITHOUT ROWID;

CREATE INDEX cm_index_customer ON cm_index (customer_id, grp);

CREATE TABLE cm_aliases (
    alias  TEXT PRIMARY KEY,
    target TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX cm_aliases_target ON cm_aliases (target);

CREATE TABLE cm_pairs (
    id     TEXT PRIMARY KEY,
    a      TEXT NOT NULL,
    b      TEXT NOT NULL,
    key_a  TEXT NOT NULL,
    key_b  TEXT NOT NULL,
    status TEXT NOT NULL,
    saved  INTEGER NOT NULL,
    body   TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX cm_pairs_key ON cm_pairs (key_a, key_b, saved);
CREATE INDEX cm_pairs_a ON cm_pairs (a);
CREATE INDEX cm_pairs_b ON cm_pairs (b);
CREATE INDEX cm_pairs_status ON cm_pairs (status, id);

CREATE TABLE cm_decisions (
    seq   INTEGER PRIMARY KEY,
    a     TEXT NOT NULL,
    b     TEXT NOT NULL,
    key_a TEXT NOT NULL,
    key_b TEXT NOT NULL,
    body  TEXT NOT NULL
);

CREATE INDEX cm_decisions_key ON cm_decisions (key_a, key_b, seq);
CREATE INDEX cm_decisions_a ON cm_decisions (a);
CREATE INDEX cm_decisions_b ON cm_decisions (b);

CREATE TABLE cm_events (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL,
    contact_value TEXT NOT NULL,
    at            TEXT NOT NULL,
    body          TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX cm_events_customer ON cm_events (customer_id);
CREATE INDEX cm_events_contact ON cm_events (contact_value);
