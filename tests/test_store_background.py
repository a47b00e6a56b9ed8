"""A bulk batch's index rows written by a helper thread (`SQLiteStore._insert_index`,
`PostgresStore._insert_index`).

The thread writes the same rows the store writes at once: the tables of two stores fed the
same book, one always through the thread and one never, are equal row for row. A failure in
the thread is raised in the importer and rolls the batch back; SQLite without JSON functions
writes at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _store_helpers import Schemas, schemas
from custmaster.errors import StoreError
from custmaster.store import MemoryStore, open_store, postgres, sqlite
from custmaster.store._sql import _INDEX_COLUMNS
from custmaster.testing import synth
from custmaster.testing.contract import assert_consistent, by_content

BOOK = synth.generate(seed=3, people=150, years=2)
RECORDS = list(BOOK.source_records())


def _rows(store: sqlite.SQLiteStore, table: str) -> list[tuple[Any, ...]]:
    columns = {
        "cm_index": "kind, key, customer_id, payload, grp, sealed",
        "cm_pairs": "id, a, b, status",  # the body holds the time the pair was raised
    }.get(table, "*")
    return sorted(store._sql(f"SELECT {columns} FROM {table}"), key=repr)


def _threads(store: sqlite.SQLiteStore) -> list[int]:
    """Counts the index inserts that went to a helper thread."""
    sent: list[int] = []
    original = store._insert_index

    def counting(columns: Any, rows: Any, *, background: bool) -> Any:
        wait = original(columns, rows, background=background)
        if background and len(rows) >= sqlite._BACKGROUND_ROWS and store._json_rows:
            sent.append(len(rows))
        return wait

    store._insert_index = counting  # type: ignore[method-assign]
    return sent


def test_thread_writes_the_rows_written_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_once = sqlite.SQLiteStore(f"sqlite:///{tmp_path}/at-once.db")
    at_once._json_rows = False
    at_once.bulk_ingest(RECORDS, batch_size=400)
    monkeypatch.setattr(sqlite, "_BACKGROUND_ROWS", 1)
    threaded = sqlite.SQLiteStore(f"sqlite:///{tmp_path}/threaded.db")
    sent = _threads(threaded)
    threaded.bulk_ingest(RECORDS, batch_size=400)
    assert len(sent) >= len(RECORDS) // 400  # every batch went through the thread
    for table in ("cm_index", "cm_records", "cm_customers", "cm_pairs"):
        assert _rows(threaded, table) == _rows(at_once, table), table
    assert_consistent(threaded)
    memory = MemoryStore()
    memory.ingest(RECORDS)
    assert by_content(threaded) == by_content(memory)
    at_once.close()
    threaded.close()


def test_keys_with_quotes_and_control_characters_survive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite, "_BACKGROUND_ROWS", 1)
    store = sqlite.SQLiteStore(f"sqlite:///{tmp_path}/odd.db")
    odd = ['引号"与\\反斜杠', "制表\t符", "换行\n符", "emoji 🚗", "\x01"]
    rows = [("name", key, "C00000001", "", "") for key in odd]
    with store.transaction():
        store._insert_index(_INDEX_COLUMNS[:5], rows, background=True)()
    assert sorted(k for (k,) in store._sql("SELECT key FROM cm_index")) == sorted(odd)
    store.close()


def test_a_failure_in_the_thread_is_raised_and_rolls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite, "_BACKGROUND_ROWS", 1)
    store = sqlite.SQLiteStore(f"sqlite:///{tmp_path}/fails.db")
    store.bulk_ingest(RECORDS[:100])
    before = store.counts()
    original = store._sql

    def failing(sql: str, params: Any = ()) -> Any:
        if "json_each" in sql:
            raise StoreError("disk full", code="store.disk_full", message_zh="磁盘已满")
        return original(sql, params)

    store._sql = failing  # type: ignore[method-assign]
    with pytest.raises(StoreError) as raised:
        store.bulk_ingest(RECORDS[100:300])
    assert raised.value.code == "store.disk_full"
    store._sql = original  # type: ignore[method-assign]
    assert store.counts() == before
    assert_consistent(store)
    store.bulk_ingest(RECORDS[100:300])
    assert store.counts()["records"] == before["records"] + 200
    store.close()


def test_small_batches_and_sqlite_without_json_write_at_once(tmp_path: Path) -> None:
    store = sqlite.SQLiteStore(f"sqlite:///{tmp_path}/small.db")
    sent = _threads(store)
    store.bulk_ingest(RECORDS[:50])  # fewer index rows than _BACKGROUND_ROWS
    store._json_rows = False
    store.bulk_ingest(RECORDS[50:])
    assert sent == []
    assert store.counts()["records"] == len(RECORDS)
    assert_consistent(store)
    store.close()


# -- PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


def test_postgres_thread_writes_the_rows_written_at_once(
    postgres_schemas: Schemas, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_once = open_store(postgres_schemas.new())
    at_once.bulk_ingest(RECORDS, batch_size=400)
    monkeypatch.setattr(postgres, "_BACKGROUND_ROWS", 1)
    threaded = open_store(postgres_schemas.new())
    sent: list[int] = []
    original = threaded._insert_rows

    def counting(table: str, *args: Any, **kwargs: Any) -> Any:
        if table == "cm_index" and threading.current_thread() is not threading.main_thread():
            sent.append(1)
        return original(table, *args, **kwargs)

    threaded._insert_rows = counting
    threaded.bulk_ingest(RECORDS, batch_size=400)
    assert sent  # the index rows were written by the helper thread
    query = "SELECT kind, key, customer_id, payload, grp FROM cm_index"
    assert sorted(threaded._sql(query)) == sorted(at_once._sql(query))
    assert_consistent(threaded)
    assert by_content(threaded) == by_content(at_once)
    at_once.close()
    threaded.close()


def test_postgres_failure_in_the_thread_rolls_back(
    postgres_schemas: Schemas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "_BACKGROUND_ROWS", 1)
    store = open_store(postgres_schemas.new())
    store.bulk_ingest(RECORDS[:100])
    before = store.counts()
    original = store._insert_rows

    def failing(table: str, *args: Any, **kwargs: Any) -> Any:
        if table == "cm_index":
            raise StoreError("disk full", code="store.disk_full", message_zh="磁盘已满")
        return original(table, *args, **kwargs)

    store._insert_rows = failing
    with pytest.raises(StoreError) as raised:
        store.bulk_ingest(RECORDS[100:300])
    assert raised.value.code == "store.disk_full"
    store._insert_rows = original
    assert store.counts() == before
    store.bulk_ingest(RECORDS[100:300])
    assert store.counts()["records"] == before["records"] + 200
    assert_consistent(store)
    store.close()
