"""PostgreSQL bulk ingest keeps the planner statistics of the tables it looks up fresh.

Without statistics PostgreSQL plans a batch's ``key = ANY(…)`` lookups as scans of a whole
index kind; `PostgresStore` gathers them (``ANALYZE``) between transactions when a table has
changed more than its statistics know of, and not otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from _store_helpers import Schemas, schemas
from custmaster.model import Provenance, SourceRecord
from custmaster.store import open_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


def _records(start: int, count: int) -> list[SourceRecord]:
    return [
        SourceRecord(
            provenance=Provenance(
                channel="claim_report", source_ref=f"BA{n:07d}", observed_at="2026-06-01"
            ),
            name="张伟",
            mobile=f"138{n:08d}",
            plate=f"闽D{n:05d}",
        )
        for n in range(start, start + count)
    ]


def _publish(store: Any) -> None:
    """Let the server publish the session's row counts: it does so when the session goes
    idle, at most once a second."""
    time.sleep(1.1)
    store._sql("SELECT 1")


def _analyzed(store: Any) -> dict[str, tuple[int, float]]:
    rows = store._sql(
        "SELECT s.relname, s.analyze_count, c.reltuples FROM pg_stat_user_tables s "
        "JOIN pg_class c ON c.oid = s.relid WHERE s.schemaname = current_schema() "
        "AND s.relname IN ('cm_records', 'cm_index', 'cm_customers')"
    )
    return {str(name): (int(count), float(tuples)) for name, count, tuples in rows}


def test_a_bulk_ingest_gathers_statistics_of_tables_that_outgrew_them(
    postgres_schemas: Schemas,
) -> None:
    with open_store(postgres_schemas.new()) as store:
        assert store.bulk_ingest(_records(0, 1500)).records == 1500
        assert {count for count, _ in _analyzed(store).values()} == {0}
        _publish(store)
        store.bulk_ingest(_records(1500, 10))
        after = _analyzed(store)
        assert after["cm_records"] == (1, 1500.0)
        assert after["cm_index"][0] == 1
        assert after["cm_index"][1] >= 1500
        assert after["cm_customers"][0] == 1
        _publish(store)
        store.bulk_ingest(_records(1510, 4000))  # 5,510 rows: not yet 4 times 1,500
        _publish(store)
        store.bulk_ingest(_records(5510, 10))
        assert {count for count, _ in _analyzed(store).values()} == {1}
        assert store.count() == 5520


def test_statistics_are_not_gathered_inside_a_callers_transaction(
    postgres_schemas: Schemas,
) -> None:
    with open_store(postgres_schemas.new()) as store:
        store.bulk_ingest(_records(0, 1500))
        _publish(store)
        with store.transaction():
            store.bulk_ingest(_records(1500, 10))
        assert {count for count, _ in _analyzed(store).values()} == {0}
        assert store.count() == 1510
