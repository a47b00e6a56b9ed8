"""The audit log in SQL stores: append-only triggers, tampering found by ``verify_audit``, and
one linear chain from concurrent processes.

Tampering goes through a raw connection that drops the triggers first — what an administrator
with the database's password could do; the chain of hashes is what still tells.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _store_helpers import Schemas, schemas
from custmaster.audit import Anchor
from custmaster.errors import StoreError
from custmaster.model import Provenance, SourceRecord
from custmaster.store.postgres import PostgresStore
from custmaster.store.sqlite import SQLiteStore

ID_M = "110105198001010016"


def _filled(store: Any, n: int = 5) -> Any:
    result = store.ingest(
        SourceRecord(
            provenance=Provenance(channel="core_system", source_ref="R1", observed_at="2026-01-05"),
            resident_id=ID_M,
            name="张伟",
        )
    )
    for i in range(n):
        store.append_audit(f"user{i}", "entry", customer_id=result.customer_id, fields=["name"])
    return store


class _SQLite:
    """A SQLite store and a raw connection to its file."""

    def __init__(self, path: Path) -> None:
        self.url = f"sqlite:///{path}"
        self.path = path

    def store(self) -> SQLiteStore:
        return SQLiteStore(self.url)

    def raw(self, statements: list[str]) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None)
        try:
            for statement in statements:
                connection.execute(statement)
        finally:
            connection.close()

    drop_triggers = (
        "DROP TRIGGER cm_audit_append_only_update",
        "DROP TRIGGER cm_audit_append_only_delete",
    )


class _Postgres:
    """A PostgreSQL store in a fresh schema and a raw connection to it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.schema = url.rsplit("schema=", 1)[1]
        self.server = url.rsplit("?", 1)[0]

    def store(self) -> PostgresStore:
        return PostgresStore(self.url)

    def raw(self, statements: list[str]) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as connection:
            connection.execute(f'SET search_path TO "{self.schema}"')
            for statement in statements:
                connection.execute(statement)

    drop_triggers = (
        "DROP TRIGGER cm_audit_append_only ON cm_audit",
        "DROP TRIGGER cm_audit_no_truncate ON cm_audit",
    )


@pytest.fixture(scope="module")
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "sqlite":
        return _SQLite(tmp_path / "audit.db")
    return _Postgres(request.getfixturevalue("postgres_schemas").new())


def test_the_triggers_refuse_changing_or_deleting_an_entry(database: Any) -> None:
    with _filled(database.store()) as store:
        head = store.audit_head()
    for statement in (
        "UPDATE cm_audit SET operation = 'query' WHERE seq = 2",
        "DELETE FROM cm_audit WHERE seq = 5",
    ):
        with pytest.raises(Exception, match="append-only"):
            database.raw([statement])
    if isinstance(database, _Postgres):
        with pytest.raises(Exception, match="append-only"):
            database.raw(["TRUNCATE cm_audit"])
    with database.store() as store:
        assert store.audit_head() == head
        assert store.verify_audit(expected_head=head).ok


def _codes(store: Any, head: Anchor | None = None) -> list[tuple[int | None, str]]:
    return [(p.seq, p.code) for p in store.verify_audit(expected_head=head).problems]


TAMPERING: list[tuple[str, list[str], list[tuple[int | None, str]]]] = [
    (
        "a field list changed in place",
        ["UPDATE cm_audit SET fields = '[\"address\"]' WHERE seq = 3"],
        [(3, "audit.altered")],
    ),
    (
        "the acting user changed in place",
        ["UPDATE cm_audit SET \"user\" = 'someone.else' WHERE seq = 2"],
        [(2, "audit.altered")],
    ),
    (
        "an entry deleted",
        ["DELETE FROM cm_audit WHERE seq = 3"],
        [(4, "audit.broken_link"), (4, "audit.gap")],
    ),
    (
        "an entry inserted (copied from another, renumbered)",
        [
            "UPDATE cm_audit SET seq = seq + 10 WHERE seq >= 3",
            "UPDATE cm_audit SET seq = seq - 9 WHERE seq >= 13",
            'INSERT INTO cm_audit (seq, at, "user", operation, customer_id, fields, channel, '
            "detail, prev_hash, hash) SELECT 3, at, \"user\", 'reveal', customer_id, fields, "
            "channel, detail, prev_hash, hash FROM cm_audit WHERE seq = 2",
        ],
        # the forgery does not fit its place, and every renumbered entry no longer matches
        [
            (3, "audit.altered"),
            (3, "audit.broken_link"),
            (4, "audit.altered"),
            (5, "audit.altered"),
            (6, "audit.altered"),
        ],
    ),
    (
        "an unreadable entry",
        ["UPDATE cm_audit SET detail = 'not json' WHERE seq = 2"],
        [(None, "audit.malformed"), (3, "audit.broken_link"), (3, "audit.gap")],
    ),
]


@pytest.mark.parametrize(
    ("what", "statements", "expected"), TAMPERING, ids=[t[0] for t in TAMPERING]
)
def test_verify_audit_finds_what_was_tampered_with(
    database: Any, what: str, statements: list[str], expected: Any
) -> None:
    with _filled(database.store()) as store:
        assert store.verify_audit().ok
    database.raw([*database.drop_triggers, *statements])
    with database.store() as store:
        result = store.verify_audit()
        assert not result.ok
        assert _codes(store) == expected
        with pytest.raises(Exception, match=r"audit\.tampered"):
            result.raise_for_problems()


def test_truncation_is_found_against_an_anchored_head(database: Any) -> None:
    with _filled(database.store()) as store:
        anchored = store.audit_head()
    database.raw([*database.drop_triggers, "DELETE FROM cm_audit WHERE seq >= 4"])
    with database.store() as store:
        assert store.verify_audit().ok  # what is left is a consistent chain...
        assert _codes(store, anchored) == [(5, "audit.truncated")]  # ...but shorter
        # rewriting the tail from scratch is found against the anchor too
        store.append_audit("intruder", "entry")
        store.append_audit("intruder", "entry")
        assert store.audit_head().seq == 5
        assert _codes(store, anchored) == [(5, "audit.head_mismatch")]


def test_an_entry_refused_by_the_database_rolls_back_its_change(tmp_path: Path) -> None:
    with SQLiteStore(f"sqlite:///{tmp_path}/x.db") as store:
        _filled(store, 1)
        records = store.counts()["records"]

        def change() -> None:
            with store.transaction():
                store.ingest(
                    SourceRecord(
                        provenance=Provenance(
                            channel="core_system", source_ref="R2", observed_at="2026-01-06"
                        ),
                        resident_id="110105198001010024",
                    )
                )
                store.append_audit("wang.fang", "entry")
                store._sql("DROP TABLE cm_audit")  # the entry cannot be written at commit

        with pytest.raises(StoreError):
            change()
        assert store.counts()["records"] == records


_WRITER = textwrap.dedent(
    """
    import sys
    from custmaster.model import Provenance, SourceRecord
    from custmaster.store.postgres import PostgresStore

    url, worker, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with PostgresStore(url) as store:
        for i in range(n):
            with store.transaction():
                result = store.ingest(SourceRecord(
                    provenance=Provenance(channel="core_system", source_ref=f"P{worker}-{i}",
                                          observed_at="2026-01-05"),
                    name="张伟"))
                store.append_audit(f"writer{worker}", "entry",
                                   customer_id=result.customer_id, fields=["name"])
    """
)


@pytest.mark.postgres
def test_concurrent_processes_append_one_linear_chain(postgres_schemas: Schemas) -> None:
    url = postgres_schemas.new()
    PostgresStore(url).close()  # migrate once
    workers, n = 4, 25
    processes = [
        subprocess.Popen([sys.executable, "-c", _WRITER, url, str(k), str(n)])
        for k in range(workers)
    ]
    assert [p.wait(timeout=300) for p in processes] == [0] * workers
    with PostgresStore(url) as store:
        result = store.verify_audit()
        assert result.ok, result.problems
        assert result.checked == workers * n == store.audit_head().seq
        assert store.counts()["records"] == workers * n
        users = [e.user for e in store.audit()]
        assert {u: users.count(u) for u in set(users)} == {f"writer{k}": n for k in range(workers)}
