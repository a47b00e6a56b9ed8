"""PostgreSQL specifics: the missing driver, URLs and schemas, migrations, locks, indexes.

Tests that need a server use ``CUSTMASTER_TEST_POSTGRES_URL`` (each in a fresh schema); the
first three need none.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from _store_helpers import ENV, LOOKUPS, Schemas, in_ci, numbered_resident_id, postgres_url, schemas
from custmaster.errors import StoreError
from custmaster.model import Provenance, SourceRecord
from custmaster.privacy.crypto import Keyring
from custmaster.store import Outcome, open_store
from custmaster.store import postgres as postgres_module
from custmaster.store._sql import _RECORD_COLUMNS, Migration, SQLStore
from custmaster.store.postgres import SCHEMA_VERSION, PostgresStore
from custmaster.testing import synth
from custmaster.testing.contract import (
    ID_W,
    assert_consistent,
    base_records,
    call,
    personal_values_left,
    snapshot,
)

ID_M = "110105198001010016"


_RING = Keyring({"k1": bytes(range(32))}, active="k1", index_key=bytes(range(32, 64)))


def rec(
    ref: str, when: str = "2026-01-05", channel: str = "core_system", **fields: Any
) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields
    )


# -- without a server ----------------------------------------------------------------------------


def test_a_missing_driver_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError) as info:
        PostgresStore("postgresql://postgres@127.0.0.1:5432/test")
    assert info.value.code == "store.adapter_missing"
    assert "pip install 'custmaster[postgres]'" in str(info.value)
    with pytest.raises(StoreError) as info:
        open_store("postgresql://postgres@127.0.0.1:5432/test")
    assert "custmaster[postgres]" in str(info.value)


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(StoreError) as info:
        PostgresStore("postgresql://cm:s3cret-pw@127.0.0.1:1/test", connect_timeout=2)
    assert info.value.code == "store.unavailable"
    assert "s3cret-pw" not in str(info.value)
    assert "cm:***@127.0.0.1:1" in str(info.value)
    with pytest.raises(StoreError) as info:
        PostgresStore("mysql://cm@127.0.0.1/test")
    assert info.value.code == "store.option"


def test_ci_turns_a_missing_server_into_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("CI", "true")
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match=ENV):
        postgres_url()
    monkeypatch.setenv(ENV, "postgresql://postgres@127.0.0.1:1/none")
    with pytest.raises(pytest.fail.Exception, match="cannot reach"):
        postgres_url()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="cannot reach"):
        postgres_url()
    monkeypatch.delenv(ENV)
    with pytest.raises(pytest.skip.Exception, match=ENV):
        postgres_url()


# -- with a server --------------------------------------------------------------------------------


@pytest.fixture
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


def _raw(url: str) -> Any:
    import psycopg

    base, _, query = url.partition("?")
    schema = dict(part.split("=", 1) for part in query.split("&") if part)["schema"]
    connection = psycopg.connect(base, autocommit=True)
    connection.execute(f'SET search_path TO "{schema}"')
    return connection


@pytest.mark.postgres
def test_a_schema_is_created_marked_and_reopened(postgres_schemas: Schemas) -> None:
    url = postgres_schemas.new()
    with open_store(url.replace("postgresql://", "postgres://")) as store:
        assert isinstance(store, PostgresStore)
        assert store.schema_version == SCHEMA_VERSION
        store.ingest(rec("R1", resident_id=ID_M, name="张伟"))
    raw = _raw(url)
    try:
        meta = dict(raw.execute("SELECT key, value FROM cm_meta").fetchall())
        assert meta == {"application": "custmaster", "schema_version": str(SCHEMA_VERSION)}
        with pytest.raises(Exception, match="append-only"):
            raw.execute("UPDATE cm_records SET body = '{}'")
        with pytest.raises(Exception, match="append-only"):
            raw.execute("DELETE FROM cm_records")
    finally:
        raw.close()
    with PostgresStore(url) as again:
        assert again.count() == 1


@pytest.mark.postgres
def test_a_newer_or_foreign_schema_is_refused(postgres_schemas: Schemas) -> None:
    newer = postgres_schemas.new()
    PostgresStore(newer).close()
    raw = _raw(newer)
    raw.execute("UPDATE cm_meta SET value = '99' WHERE key = 'schema_version'")
    raw.close()
    with pytest.raises(StoreError) as info:
        PostgresStore(newer)
    assert info.value.code == "store.newer_schema"
    assert "schema 99" in str(info.value)
    foreign = postgres_schemas.new()
    raw = _raw(foreign)
    raw.execute("CREATE TABLE cm_customers (id int)")
    raw.close()
    with pytest.raises(StoreError) as info:
        PostgresStore(foreign)
    assert info.value.code == "store.foreign"
    other = postgres_schemas.new()
    raw = _raw(other)
    raw.execute("CREATE TABLE cm_meta (key text, value text)")
    raw.execute("INSERT INTO cm_meta VALUES ('application', 'billing'), ('schema_version', '1')")
    raw.execute("CREATE TABLE invoices (id int)")
    raw.close()
    with pytest.raises(StoreError) as info:
        PostgresStore(other)
    assert info.value.code == "store.foreign"


@pytest.mark.postgres
def test_unrelated_tables_may_share_the_schema(postgres_schemas: Schemas) -> None:
    url = postgres_schemas.new()
    raw = _raw(url)
    raw.execute("CREATE TABLE invoices (id int)")
    raw.close()
    with PostgresStore(url) as store:
        assert store.ingest(rec("R1", resident_id=ID_M)).outcome is Outcome.NEW_CUSTOMER


@pytest.mark.postgres
def test_migrations_run_in_one_transaction(
    postgres_schemas: Schemas, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres_schemas.new()
    with PostgresStore(url) as store:
        store.ingest(rec("R1", resident_id=ID_M, name="张伟"))
        before = snapshot(store)
    released = postgres_module._MIGRATIONS
    latest = released[-1].version
    notes = Migration(
        latest + 1,
        f"{latest + 1:04d}_notes.sql",
        "CREATE TABLE cm_notes (customer_id TEXT, note TEXT);",
    )
    broken = Migration(
        latest + 2, f"{latest + 2:04d}_broken.sql", "ALTER TABLE cm_nowhere ADD COLUMN x TEXT;"
    )
    monkeypatch.setattr(postgres_module, "_MIGRATIONS", (*released, notes, broken))
    monkeypatch.setattr(postgres_module, "SCHEMA_VERSION", latest + 2)
    with pytest.raises(StoreError) as info:
        PostgresStore(url)
    assert info.value.code == "store.migration"
    assert broken.name in str(info.value)
    raw = _raw(url)
    try:
        tables = {
            r[0]
            for r in raw.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        }
        assert "cm_notes" not in tables
    finally:
        raw.close()
    monkeypatch.setattr(postgres_module, "_MIGRATIONS", (*released, notes))
    monkeypatch.setattr(postgres_module, "SCHEMA_VERSION", latest + 1)
    with PostgresStore(url) as store:
        assert store.schema_version == latest + 1
        assert snapshot(store) == before


@pytest.mark.postgres
def test_processes_opening_a_new_schema_together_migrate_it_once(
    postgres_schemas: Schemas,
) -> None:
    url = postgres_schemas.new()
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            PostgresStore(url).close()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with PostgresStore(url) as store:
        assert store.schema_version == SCHEMA_VERSION


@pytest.mark.postgres
def test_an_importer_waits_for_another_deciding_about_the_same_person(
    postgres_schemas: Schemas,
) -> None:
    url = postgres_schemas.new()
    first, second = PostgresStore(url), PostgresStore(url)
    outcome: list[Any] = []
    try:
        with first.transaction():
            made = first.ingest(rec("R1", resident_id=ID_M, name="张伟"))
            thread = threading.Thread(
                target=lambda: outcome.append(
                    second.ingest(rec("T1", channel="telesales", resident_id=ID_M))
                )
            )
            thread.start()
            time.sleep(0.5)
            assert outcome == []  # waiting for the lock on the resident ID
        thread.join(timeout=30)
        (result,) = outcome
        assert result.outcome is Outcome.MERGED
        assert result.customer_id == made.customer_id
        assert second.count() == 1
        assert_consistent(second)
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
def test_a_deadlock_is_a_retryable_conflict(postgres_schemas: Schemas) -> None:
    url = postgres_schemas.new()
    first, second = PostgresStore(url), PostgresStore(url)
    caught: list[StoreError] = []

    def cross(store: PostgresStore, keys: list[tuple[str, str]]) -> None:
        try:
            with store.transaction():
                store._lock([keys[0]])
                time.sleep(0.3)
                store._lock([keys[1]])
        except StoreError as error:
            caught.append(error)

    a, b = ("phone", "+8613800138000"), ("phone", "+8613900139000")
    threads = [
        threading.Thread(target=cross, args=(first, [a, b])),
        threading.Thread(target=cross, args=(second, [b, a])),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert [e.code for e in caught] == ["store.conflict"]
        assert "+86138" not in str(caught[0])
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
def test_the_unique_log_key_is_the_last_line_of_defence(postgres_schemas: Schemas) -> None:
    with PostgresStore(postgres_schemas.new()) as store:
        store.ingest(rec("R1", resident_id=ID_M))
        with pytest.raises(StoreError) as info, store.transaction():
            store._sql(
                "INSERT INTO cm_records (channel, source_ref, customer_id, observed_at, body) "
                "VALUES ('core_system', 'R1', 'C00000009', '', '{}')"
            )
        assert info.value.code == "store.conflict"
        assert store.counts()["records"] == 1


@pytest.mark.postgres
def test_a_copy_failing_in_the_background_fails_the_transaction(
    postgres_schemas: Schemas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_module, "_BACKGROUND_ROWS", 1)
    with PostgresStore(postgres_schemas.new()) as store:
        store.ingest(rec("R1", resident_id=ID_M))
        taken = ("core_system", "R1", "C00000009", "2026-01-05", "{}")
        sent = []

        def copy_then_read() -> None:
            with store.transaction():
                store._copy("cm_records", _RECORD_COLUMNS, [taken])
                sent.append(len(store._writes))  # sent by the store's thread, not waited for
                store._sql("SELECT 1")

        with pytest.raises(StoreError) as info:
            copy_then_read()
        assert sent == [1]
        assert info.value.code == "store.conflict"
        assert not store._writes
        store.ingest(rec("R2", resident_id=ID_W))
        assert store.counts()["records"] == 2


@pytest.mark.postgres
def test_a_read_only_server_gives_a_clear_error_and_loses_nothing(
    postgres_schemas: Schemas,
) -> None:
    url = postgres_schemas.new()
    with PostgresStore(url) as store:
        store.ingest(rec("R1", resident_id=ID_M))
        before = snapshot(store)
    read_only = f"{url}&options=-c%20default_transaction_read_only%3Don"
    with PostgresStore(read_only) as store:
        with pytest.raises(StoreError) as info:
            store.ingest(rec("R2", resident_id=ID_M))
        assert info.value.code == "store.read_only"
        assert snapshot(store) == before
    with PostgresStore(url) as store:
        assert snapshot(store) == before


@pytest.mark.postgres
def test_every_lookup_uses_an_index(postgres_schemas: Schemas) -> None:
    url = postgres_schemas.new()
    with PostgresStore(url) as store:
        store.ingest(rec("R1", resident_id=ID_M, mobile="13800138000", policy_no="PDAA1"))
    raw = _raw(url)
    try:
        raw.execute("SET enable_seqscan = off")
        for query in LOOKUPS:
            plan = "\n".join(r[0] for r in raw.execute("EXPLAIN " + query))
            assert "Seq Scan" not in plan, (query, plan)
    finally:
        raw.close()


@pytest.mark.postgres
def test_batches_needing_more_locks_than_allowed_are_cut(postgres_schemas: Schemas) -> None:
    url = postgres_schemas.new()
    people = [
        rec(f"R{n}", resident_id=_resident_id(n), mobile=f"138{n:08d}", name="张伟")
        for n in range(60)
    ]
    sizes: list[int] = []
    with PostgresStore(f"{url}&max_locks=40") as store:
        assert store.max_locks == 40
        result = store.bulk_ingest(people, batch_size=60, on_batch=lambda r: sizes.append(len(r)))
        assert sum(sizes) == 60
        assert len(sizes) > 1
        # two keys each (resident ID, mobile; the name with the birth date is shared): the
        # record's own key is not locked when it has others
        assert 40 // 3 < max(sizes) <= 40 // 2
        assert result.counts["new_customer"] == 60
        assert_consistent(store)
    with pytest.raises(StoreError) as info:
        PostgresStore(f"{url}&max_locks=none")
    assert info.value.code == "store.option"


def test_a_record_locks_its_own_key_only_when_it_has_no_other() -> None:
    keyed = rec("R1", resident_id=_resident_id(1), mobile="13800000001")
    families = {family for family, _ in postgres_module._record_locks(keyed)}
    assert families == {"resident_id", "phone"}
    bare = rec("R2", name="张伟")
    assert postgres_module._record_locks(bare) == [("record", "core_system\x1fR2")]


def test_text_arrays_are_one_joined_string_unless_a_value_holds_the_separator() -> None:
    text_array = postgres_module._text_array
    assert text_array(["a", "", "b"]) == ("string_to_array(?, chr(31))", "a\x1f\x1fb")
    assert text_array(["a\x1fb", "c"]) == ("?::text[]", ["a\x1fb", "c"])
    assert text_array([""]) == ("?::text[]", [""])
    assert text_array([]) == ("?::text[]", [])
    assert text_array(["a", None]) == ("?::text[]", ["a", None])


@pytest.mark.postgres
def test_read_ahead_finds_keys_holding_the_array_separator(postgres_schemas: Schemas) -> None:
    with PostgresStore(postgres_schemas.new()) as store:
        odd = [rec(f"R\x1f{n}", name="张伟") for n in range(3)]
        store.bulk_ingest(odd, batch_size=3)
        again = store.bulk_ingest([*odd, rec("R\x1f9", name="张伟")], batch_size=4)
        assert again.counts["new_customer"] == 1
        assert store.counts()["records"] == 4


def test_a_full_lock_table_is_a_retryable_lock_space_error() -> None:
    import psycopg

    store = PostgresStore.__new__(PostgresStore)
    store._errors = psycopg.errors
    store._location = "postgresql://db/x"
    with pytest.raises(StoreError) as info:
        store._raise(psycopg.errors.lookup("53200")("out of shared memory"))
    assert info.value.code == "store.lock_space"
    assert "max_locks_per_transaction" in str(info.value)


@pytest.mark.postgres
def test_a_full_lock_table_halves_the_budget_and_loses_nothing(
    postgres_schemas: Schemas, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    people = [
        rec(f"L{n}", resident_id=_resident_id(n), mobile=f"139{n:08d}", name="李娜")
        for n in range(80)
    ]
    real = PostgresStore._lock
    seen: list[int] = []

    def small_table(self: PostgresStore, keys: Any) -> None:
        seen.append(len(keys))
        if len(keys) > 60:  # what other sessions leave of the server's lock table
            self._raise(psycopg.errors.lookup("53200")("out of shared memory"))
        real(self, keys)

    monkeypatch.setattr(PostgresStore, "_lock", small_table)
    with PostgresStore(f"{postgres_schemas.new()}&max_locks=400") as store:
        result = store.bulk_ingest(people, batch_size=80)
        assert store.max_locks <= 100  # halved until the batches fit
        assert result.retries >= 2
        assert result.counts["new_customer"] == 80
        assert_consistent(store)
    assert max(seen) > 60
    assert seen[-1] <= 60


def _resident_id(n: int) -> str:
    return numbered_resident_id(n, "110105198001")


# -- PIPL subject rights ---------------------------------------------------------------------


def _table_text(url: str) -> str:
    """Every row of every cm_ table of the store's schema, as PostgreSQL prints it."""
    raw = _raw(url)
    try:
        tables = [
            r[0]
            for r in raw.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name LIKE 'cm\\_%'"
            )
        ]
        return "\n".join(
            str(row[0]) for table in tables for row in raw.execute(f"SELECT t::text FROM {table} t")
        )
    finally:
        raw.close()


@pytest.mark.postgres
def test_erase_leaves_no_personal_value_in_the_tables(postgres_schemas: Schemas) -> None:
    url = postgres_schemas.new()
    with PostgresStore(url) as store:
        store.ingest(base_records())
        zhang = store.find(resident_id=ID_M)[0].id
        store.add_event(zhang, call("CB1", "2026-05-02T10:00:00+08:00", "13800138000", "reached"))
        store.ingest(
            rec(
                "S1", "2026-04-01", "telesales", resident_id=ID_W, name="王芳", mobile="13900139001"
            )
        )
        before = _table_text(url)
        assert len(personal_values_left(before)) >= 6
        store.erase(zhang, by="dpo.zhou", reason="PIPL-REQ-2026-001")
        after = _table_text(url)
        assert personal_values_left(after) == []
        assert [v for v in (ID_W, "王芳", "+8613900139001") if v not in after] == []
        assert "PDAA1" in after  # the policy facts accounting needs
    raw = _raw(url)
    try:
        raw.execute("UPDATE cm_records SET customer_id = customer_id")
        for refused in (
            "UPDATE cm_records SET body = '{}' WHERE erased = 1",
            "UPDATE cm_records SET erased = 0 WHERE erased = 1",
            "UPDATE cm_records SET body = '{}' WHERE erased = 0",
            "UPDATE cm_records SET erased = 1, source_ref = 'x' WHERE erased = 0",
            "DELETE FROM cm_records WHERE erased = 1",
            "UPDATE cm_tombstones SET body = '{}'",
            "DELETE FROM cm_tombstones",
        ):
            with pytest.raises(Exception, match="append-only"):
                raw.execute(refused)
        raw.execute("UPDATE cm_records SET body = '{}', erased = 1 WHERE erased = 0")
    finally:
        raw.close()


class _CheckedIndexStore(PostgresStore):
    """Every index row through ``INSERT … ON CONFLICT DO NOTHING``: what the store wrote
    before it knew which rows of a customer are stored."""

    def _customer_rows(self, customers: Any) -> list[tuple[Any, ...]]:
        return SQLStore._customer_rows(self, customers)

    def _insert_rows(self, table: str, columns: Any, rows: Any, **options: Any) -> None:
        if table == "cm_index":
            self._insert_arrays(table, columns, rows, conflict=" ON CONFLICT DO NOTHING")
        else:
            super()._insert_rows(table, columns, rows, **options)


def _index_by_records(store: PostgresStore) -> set[tuple[Any, ...]]:
    """The index rows, each customer named by the keys of its records (ids may differ)."""
    owners: dict[str, set[str]] = {}
    for customer_id, channel, ref in store._sql(
        "SELECT customer_id, channel, source_ref FROM cm_records"
    ):
        owners.setdefault(customer_id, set()).add(f"{channel}/{ref}")
    return {
        (kind, key, payload, grp, frozenset(owners.get(customer_id, ())))
        for kind, key, customer_id, payload, grp in store._sql(
            "SELECT kind, key, customer_id, payload, grp FROM cm_index"
        )
    }


@pytest.mark.postgres
@pytest.mark.parametrize("keyring", [None, _RING], ids=["plain", "encrypted"])
def test_index_rows_known_stored_are_the_rows_conflict_checks_keep(
    postgres_schemas: Schemas, keyring: Keyring | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_module, "_BACKGROUND_ROWS", 1)  # every COPY in the thread
    # a small lock budget cuts each batch into many transactions: most customers have rows
    # stored by an earlier transaction when their next record arrives (new phones,
    # addresses, renewals, endorsements, claims joined later)
    records = list(synth.generate(seed=11, people=50).source_records())
    found = []
    for kind in (PostgresStore, _CheckedIndexStore):
        with kind(f"{postgres_schemas.new()}&max_locks=150", keyring=keyring) as store:
            result = store.bulk_ingest(records, batch_size=200)
            assert result.batches > len(records) // 200 + 1
            assert_consistent(store)
            found.append((_index_by_records(store), result.counts, store.counts()))
    assert found[0] == found[1]
