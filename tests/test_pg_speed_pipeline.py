"""PostgreSQL sends a transaction's write-only statements together, in pipeline mode.

A merge writes an alias, a decision, drops a customer and its index rows: each was a round
trip of its own. `PostgresStore` queues statements that only write and sends them in one
pipeline before the next statement that reads, a ``COPY`` or the commit; what the store holds
afterwards is what it held when each was sent alone, and a queued statement that fails fails
its transaction with the error it would have given alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from _store_helpers import Schemas, schemas
from custmaster.errors import StoreError
from custmaster.model import Provenance, SourceRecord
from custmaster.store.postgres import PostgresStore
from custmaster.testing.contract import assert_consistent, snapshot

pytestmark = pytest.mark.postgres

ID_A = "110105198001010016"


@pytest.fixture
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


def _rec(ref: str, channel: str = "core_system", **fields: Any) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at="2026-01-05"),
        **fields,
    )


def _book() -> list[SourceRecord]:
    return [
        _rec("P1", resident_id=ID_A, name="张伟", mobile="13800000001", policy_no="PDAA0001"),
        _rec("C1", "claim_report", name="张伟", plate="闽D00001", mobile="13900000002"),
        _rec("C2", "claim_report", name="李娜", plate="闽D00002", mobile="13900000003"),
    ]


def _merged(store: PostgresStore) -> None:
    ids = sorted(c.id for c in store.iter_customers())
    store.merge(ids[0], ids[1], by="tester")
    store.merge(ids[0], ids[2], by="tester")


def test_a_merges_writes_go_in_one_round_trip_and_store_the_same(
    postgres_schemas: Schemas, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[list[str]] = []
    real = PostgresStore._send_queued

    def counted(self: PostgresStore) -> None:
        sent.append([sql.split()[0] + " " + sql.split()[2] for sql, _ in self._queued])
        real(self)

    with PostgresStore(postgres_schemas.new()) as alone:
        alone.bulk_ingest(_book())
        monkeypatch.setattr("custmaster.store.postgres._write_only", lambda sql: False)
        _merged(alone)
        expected = snapshot(alone)
    monkeypatch.undo()
    monkeypatch.setattr(PostgresStore, "_send_queued", counted)
    with PostgresStore(postgres_schemas.new()) as store:
        store.bulk_ingest(_book())
        _merged(store)
        assert snapshot(store) == expected
        assert store.count() == 1
        assert_consistent(store)
    # each merge: its dropped customer and its alias in one pipeline, its decision, index rows
    # and view in another (six round trips sent alone)
    merges = [b for b in sent if {"DELETE cm_customers", "INSERT cm_aliases"} <= set(b)]
    assert len(merges) == 2
    commits = [b for b in sent if {"INSERT cm_decisions", "INSERT cm_index"} <= set(b)]
    assert len(commits) == 2


def _one_alias_twice(store: PostgresStore) -> None:
    store._sql("INSERT INTO cm_aliases (alias, target) VALUES ('X1', 'C1')")
    assert store._queued  # not sent yet
    store._sql("INSERT INTO cm_aliases (alias, target) VALUES ('X1', 'C2')")
    store._sql("SELECT 1")  # a read sends what is queued first


def test_a_queued_write_that_fails_fails_its_transaction(postgres_schemas: Schemas) -> None:
    with PostgresStore(postgres_schemas.new()) as store:
        store.bulk_ingest(_book())
        before = snapshot(store)
        with pytest.raises(StoreError) as info, store.transaction():
            _one_alias_twice(store)
        assert info.value.code == "store.conflict"  # the unique alias, as when sent alone
        assert snapshot(store) == before
        assert store._queued == []
        assert store._sql("SELECT count(*) FROM cm_aliases")[0][0] == 0
