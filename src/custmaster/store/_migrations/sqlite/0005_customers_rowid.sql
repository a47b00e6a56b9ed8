-- cm_customers becomes an ordinary (rowid) table with an index on id. Its rows hold each
-- customer's current view (about a kilobyte of JSON, more for customers with many policies):
-- in a WITHOUT ROWID table rows that large spill into overflow pages, which made reading a
-- month's views (the renewal list) and rewriting them at each import slower.

CREATE TABLE cm_customers_next (
    id      TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    size    INTEGER NOT NULL,
    state   TEXT NOT NULL
);

INSERT INTO cm_customers_next (id, version, size, state)
SELECT id, version, size, state FROM cm_customers;

DROP TABLE cm_customers;

ALTER TABLE cm_customers_next RENAME TO cm_customers;
