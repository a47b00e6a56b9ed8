-- Key locks as row locks (custmaster.store.postgres): one row per key an ingest has locked
-- (the 64-bit hash of its family and value). A transaction locks its keys with one
-- INSERT … ON CONFLICT DO UPDATE … WHERE false: a new key's uncommitted row makes another
-- inserter wait, an existing row is locked without being changed. Row locks live in the
-- rows, not in the server's shared lock table, so a transaction may lock any number of keys
-- (advisory locks, used until schema 4, capped a transaction near 3,200 keys by default).
-- UNLOGGED: the rows hold nothing to keep; a crash empties the table and ingests refill it.

CREATE UNLOGGED TABLE cm_key_locks (
    h BIGINT PRIMARY KEY
);
