-- custmaster store, schema version 3 (PostgreSQL): PIPL subject rights (erasure, restriction).
--
-- Erasure rewrites the records of an erased customer to their policy facts and sets erased to
-- 1: the one change the observation log lets through. A record's body may change only
-- together with erased going from 0 to 1, its key and time never; an erased record never
-- changes again, and no record is ever deleted. cm_tombstones keeps what remains of each
-- erased customer (never changed, never deleted); cm_subject_flags the restrictions of
-- processing (active = 1 until lifted).

ALTER TABLE cm_records ADD COLUMN erased SMALLINT NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION cm_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'cm_records is append-only';
    END IF;
    IF NEW.seq IS DISTINCT FROM OLD.seq
       OR NEW.channel IS DISTINCT FROM OLD.channel
       OR NEW.source_ref IS DISTINCT FROM OLD.source_ref
       OR NEW.observed_at IS DISTINCT FROM OLD.observed_at THEN
        RAISE EXCEPTION 'cm_records is append-only';
    END IF;
    IF (NEW.body IS DISTINCT FROM OLD.body OR NEW.erased IS DISTINCT FROM OLD.erased)
       AND NOT (OLD.erased = 0 AND NEW.erased = 1) THEN
        RAISE EXCEPTION 'cm_records is append-only';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TABLE cm_tombstones (
    customer_id TEXT COLLATE "C" PRIMARY KEY,
    erased_at   TEXT COLLATE "C" NOT NULL,
    body        TEXT COLLATE "C" NOT NULL
);

CREATE FUNCTION cm_tombstones_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'cm_tombstones is append-only';
END;
$$;

CREATE TRIGGER cm_tombstones_keep
BEFORE UPDATE OR DELETE ON cm_tombstones
FOR EACH ROW EXECUTE FUNCTION cm_tombstones_keep();

CREATE TABLE cm_subject_flags (
    customer_id TEXT COLLATE "C" PRIMARY KEY,
    flag        TEXT COLLATE "C" NOT NULL,
    active      SMALLINT NOT NULL,
    body        TEXT COLLATE "C" NOT NULL
);
