"""Versioned schema scripts of the SQL adapters, one directory per dialect.

``<dialect>/NNNN_<name>.sql`` takes a store from schema version ``NNNN - 1`` to ``NNNN``.
Scripts are applied in order, all pending ones in one transaction, by
`custmaster.store._sql.apply_migrations`; a released script is never edited, a change is a
new script.
"""
