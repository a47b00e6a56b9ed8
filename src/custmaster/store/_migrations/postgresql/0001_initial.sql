-- custmaster store, schema version 1 (PostgreSQL).
--
-- cm_records is the observation log: append-only (a trigger refuses changes to what a source
-- said and deletions); only the customer a record is assigned to may change (merge, split).
-- cm_customers holds the current view of each customer (its golden state), written in the
-- same transaction as the records it is computed from. Ids come from sequences, so that
-- importers on several hosts never wait for one another to number a customer. Text columns use
-- the "C" collation: ids and keys compare by code point, as they do in Python.

CREATE TABLE cm_meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

CREATE SEQUENCE cm_customer_seq;
CREATE SEQUENCE cm_pair_seq;
CREATE SEQUENCE cm_pair_saved_seq;

CREATE TABLE cm_customers (
    id      TEXT COLLATE "C" PRIMARY KEY,
    version BIGINT NOT NULL,
    size    BIGINT NOT NULL,
    state   TEXT COLLATE "C" NOT NULL
);

CREATE TABLE cm_records (
    seq         BIGSERIAL PRIMARY KEY,
    channel     TEXT COLLATE "C" NOT NULL,
    source_ref  TEXT COLLATE "C" NOT NULL,
    customer_id TEXT COLLATE "C" NOT NULL,
    observed_at TEXT COLLATE "C" NOT NULL,
    body        TEXT COLLATE "C" NOT NULL,
    UNIQUE (channel, source_ref)
);

CREATE INDEX cm_records_customer ON cm_records (customer_id, seq);

CREATE FUNCTION cm_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'cm_records is append-only';
    END IF;
    IF NEW.seq IS DISTINCT FROM OLD.seq
       OR NEW.channel IS DISTINCT FROM OLD.channel
       OR NEW.source_ref IS DISTINCT FROM OLD.source_ref
       OR NEW.observed_at IS DISTINCT FROM OLD.observed_at
       OR NEW.body IS DISTINCT FROM OLD.body THEN
        RAISE EXCEPTION 'cm_records is append-only';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER cm_records_append_only
BEFORE UPDATE OR DELETE ON cm_records
FOR EACH ROW EXECUTE FUNCTION cm_records_append_only();

CREATE TABLE cm_index (
    kind        TEXT COLLATE "C" NOT NULL,
    key         TEXT COLLATE "C" NOT NULL,
    customer_id TEXT COLLATE "C" NOT NULL,
    payload     TEXT COLLATE "C" NOT NULL,
    grp         TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, key, customer_id, payload, grp)
);

CREATE INDEX cm_index_customer ON cm_index (customer_id, grp);

CREATE TABLE cm_aliases (
    alias  TEXT COLLATE "C" PRIMARY KEY,
    target TEXT COLLATE "C" NOT NULL
);

CREATE INDEX cm_aliases_target ON cm_aliases (target);

CREATE TABLE cm_pairs (
    id     TEXT COLLATE "C" PRIMARY KEY,
    a      TEXT COLLATE "C" NOT NULL,
    b      TEXT COLLATE "C" NOT NULL,
    key_a  TEXT COLLATE "C" NOT NULL,
    key_b  TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    saved  BIGINT NOT NULL,
    body   TEXT COLLATE "C" NOT NULL
);

CREATE INDEX cm_pairs_key ON cm_pairs (key_a, key_b, saved);
CREATE INDEX cm_pairs_a ON cm_pairs (a);
CREATE INDEX cm_pairs_b ON cm_pairs (b);
CREATE INDEX cm_pairs_status ON cm_pairs (status, id);

CREATE TABLE cm_decisions (
    seq   BIGSERIAL PRIMARY KEY,
    a     TEXT COLLATE "C" NOT NULL,
    b     TEXT COLLATE "C" NOT NULL,
    key_a TEXT COLLATE "C" NOT NULL,
    key_b TEXT COLLATE "C" NOT NULL,
    body  TEXT COLLATE "C" NOT NULL
);

CREATE INDEX cm_decisions_key ON cm_decisions (key_a, key_b, seq);
CREATE INDEX cm_decisions_a ON cm_decisions (a);
CREATE INDEX cm_decisions_b ON cm_decisions (b);

CREATE TABLE cm_events (
    id            TEXT COLLATE "C" PRIMARY KEY,
    customer_id   TEXT COLLATE "C" NOT NULL,
    contact_value TEXT COLLATE "C" NOT NULL,
    at            TEXT COLLATE "C" NOT NULL,
    body          TEXT COLLATE "C" NOT NULL
);

CREATE INDEX cm_events_customer ON cm_events (customer_id);
CREATE INDEX cm_events_contact ON cm_events (contact_value);
