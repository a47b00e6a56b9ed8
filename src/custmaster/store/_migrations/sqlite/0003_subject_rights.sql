-- custmaster store, schema version 3 (SQLite): PIPL subject rights (erasure, restriction).
--
-- Erasure rewrites the records of an erased customer to their policy facts and sets erased to
-- 1: the one change the observation log lets through. A record's body may change only
-- together with erased going from 0 to 1, its key and time never; an erased record never
-- changes again, and no record is ever deleted. cm_tombstones keeps what remains of each
-- erased customer (never changed, never deleted); cm_subject_flags the restrictions of
-- processing (active = 1 until lifted).

ALTER TABLE cm_records ADD COLUMN erased INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER cm_records_append_only_update;

CREATE TRIGGER cm_records_append_only_update
BEFORE UPDATE OF seq, channel, source_ref, observed_at, body, erased ON cm_records
WHEN NOT (
    OLD.erased = 0 AND NEW.erased = 1
    AND NEW.seq = OLD.seq
    AND NEW.channel = OLD.channel
    AND NEW.source_ref = OLD.source_ref
    AND NEW.observed_at = OLD.observed_at
)
BEGIN
    SELECT RAISE(ABORT, 'cm_records is append-only');
END;

CREATE TABLE cm_tombstones (
    customer_id TEXT PRIMARY KEY,
    erased_at   TEXT NOT NULL,
    body        TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER cm_tombstones_keep_update
BEFORE UPDATE ON cm_tombstones
BEGIN
    SELECT RAISE(ABORT, 'cm_tombstones is append-only');
END;

CREATE TRIGGER cm_tombstones_keep_delete
BEFORE DELETE ON cm_tombstones
BEGIN
    SELECT RAISE(ABORT, 'cm_tombstones is append-only');
END;

CREATE TABLE cm_subject_flags (
    customer_id TEXT PRIMARY KEY,
    flag        TEXT NOT NULL,
    active      INTEGER NOT NULL,
    body        TEXT NOT NULL
) WITHOUT ROWID;
