"""`PostgresStore` cuts a batch into the same pieces as `SQLStore` does, in one pass, for
the keys it locks (`custmaster.store.postgres._record_locks`)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from custmaster.model import Provenance, SourceRecord
from custmaster.store import _sql
from custmaster.store._sql import SQLStore
from custmaster.store.postgres import PostgresStore, _record_locks


def _record(rng: random.Random, n: int) -> SourceRecord:
    shared = rng.randrange(40)  # phones and plates that several records carry
    return SourceRecord(
        provenance=Provenance(
            channel="claim_report", source_ref=f"BA{n:07d}", observed_at="2026-06-01"
        ),
        name=rng.choice(["张伟", "李娜", None]),
        mobile=f"138{shared:08d}" if rng.random() < 0.5 else f"139{n:08d}",
        plate=f"闽D{shared:05d}" if rng.random() < 0.3 else None,
        policy_no=f"PDAA2026{n:08d}" if rng.random() < 0.5 else None,
    )


def _store(max_locks: int) -> Any:
    store = PostgresStore.__new__(PostgresStore)
    store.max_locks = max_locks
    store._cut = (0, [], [])
    store._batch_locks = None
    return store


@pytest.mark.parametrize("max_locks", [1, 2, 5, 13, 40, 400])
def test_the_pieces_are_those_of_the_shared_cut(
    max_locks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sql, "_lock_keys", _record_locks)  # the shared cut, PostgreSQL's keys
    rng = random.Random(max_locks)
    batch: list[Any] = [_record(rng, n) for n in range(300)]
    batch.insert(7, {"provenance": {"channel": "core_system"}})  # a mapping: no keys known yet
    store = _store(max_locks)
    pieces = store._within_lock_budget(batch)
    assert pieces == SQLStore._within_lock_budget(store, batch)
    assert [r for piece in pieces for r in piece] == batch
    if len(pieces) > 1:  # a piece handed back is not cut again
        assert store._within_lock_budget(pieces[1]) == [pieces[1]]
        store.max_locks = max(1, max_locks // 2)  # unless the budget changed since
        assert store._within_lock_budget(pieces[1]) == SQLStore._within_lock_budget(
            store, pieces[1]
        )
