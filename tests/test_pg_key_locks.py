"""PostgreSQL key locks are row locks on ``cm_key_locks``, not advisory locks.

Advisory locks share the server's lock table with every session, so a transaction could hold
only a few thousand of them and a bulk batch was cut into transactions of about 870 records.
Row locks have no such limit: a batch locking thousands of keys is one transaction, and the
locks still make importers deciding about the same person take turns, on keys new to the
store (an uncommitted row) and on keys locked before (a locked row), while importers with
nothing in common never wait for each other.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from _store_helpers import Schemas, numbered_resident_id, run_workers, schemas
from custmaster.errors import StoreError, UsageError
from custmaster.model import Provenance, SourceRecord
from custmaster.store import Outcome, open_store
from custmaster.store.postgres import PostgresStore
from custmaster.testing.contract import assert_consistent

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


def _rec(ref: str, channel: str = "core_system", **fields: Any) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at="2026-01-05"),
        **fields,
    )


def _advisory_locks(store: PostgresStore) -> int:
    return int(
        store._sql(
            "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'"
        )[0][0]
    )


def test_a_batch_locking_more_keys_than_advisory_locks_allowed_is_one_transaction(
    postgres_schemas: Schemas,
) -> None:
    # two keys a record (resident ID, mobile): 4,000 keys, more than the 3,200 advisory
    # locks the default server's lock table allowed one transaction
    people = [
        _rec(f"R{n}", resident_id=numbered_resident_id(n), mobile=f"138{n:08d}")
        for n in range(2000)
    ]
    with PostgresStore(postgres_schemas.new()) as store:
        sizes: list[int] = []
        result = store.bulk_ingest(people, on_batch=lambda r: sizes.append(len(r)))
        assert sizes == [2000]
        assert result.counts["new_customer"] == 2000
        assert store._sql("SELECT count(*) FROM cm_key_locks")[0][0] == 4000
        again = [
            _rec(f"T{n}", "telesales", resident_id=numbered_resident_id(n), mobile=f"138{n:08d}")
            for n in range(2000)
        ]
        with store.transaction():
            store.ingest(again)
            assert _advisory_locks(store) == 0
            (locked,) = store._sql(
                "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'tuple'"
            )[0]
            assert locked == 0  # row locks are in the rows, not in the lock table
        assert store._sql("SELECT count(*) FROM cm_key_locks")[0][0] == 4000
        counts = store.counts()
        assert (counts["customers"], counts["records"]) == (2000, 4000)


def test_key_locks_make_importers_of_the_same_person_take_turns(
    postgres_schemas: Schemas,
) -> None:
    url = postgres_schemas.new()
    first = PostgresStore(url)
    # the second gives up after 300 ms of waiting for a lock instead of waiting for good
    second = PostgresStore(f"{url}&options=-c%20lock_timeout%3D300")
    try:
        # R1: the key is new; R2: its row exists and is locked
        for ref, stranger in (("R1", 2), ("R2", 3)):
            with first.transaction():
                made = first.ingest(_rec(ref, resident_id=numbered_resident_id(1), name="张伟"))
                with pytest.raises(StoreError) as info:
                    second.ingest(_rec(f"T{ref}", "telesales", resident_id=numbered_resident_id(1)))
                assert info.value.code == "store.busy"
                # a person the first importer does not touch is not held up
                other = second.ingest(_rec(f"O{ref}", resident_id=numbered_resident_id(stranger)))
                assert other.outcome is Outcome.NEW_CUSTOMER
            result = second.ingest(
                _rec(f"T{ref}", "telesales", resident_id=numbered_resident_id(1))
            )
            assert result.outcome is Outcome.MERGED
            assert result.customer_id == made.customer_id
        assert second.counts()["customers"] == 3
        assert_consistent(second)
    finally:
        first.close()
        second.close()


def test_pruning_deletes_the_rows_no_one_holds_and_locking_goes_on(
    postgres_schemas: Schemas,
) -> None:
    url = postgres_schemas.new()
    first = PostgresStore(url)
    second = PostgresStore(f"{url}&options=-c%20lock_timeout%3D300")
    try:
        first.bulk_ingest([_rec(f"R{n}", resident_id=numbered_resident_id(n)) for n in range(50)])
        assert first._sql("SELECT count(*) FROM cm_key_locks")[0][0] == 50
        with first.transaction():
            first.ingest(_rec("T1", "telesales", resident_id=numbered_resident_id(1)))
            # the row the open transaction holds stays; the others go, in chunks of 7
            assert second.prune_key_locks(chunk=7) == 49
            assert second._sql("SELECT count(*) FROM cm_key_locks")[0][0] == 1
            with pytest.raises(StoreError) as info:  # still locked after the prune
                second.ingest(_rec("T1b", "telesales", resident_id=numbered_resident_id(1)))
            assert info.value.code == "store.busy"
            with pytest.raises(UsageError) as refused:
                first.prune_key_locks()
            assert refused.value.code == "store.in_transaction"
        # pruned keys lock again: their rows come back
        again = second.ingest(_rec("T2", "telesales", resident_id=numbered_resident_id(2)))
        assert again.outcome is Outcome.MERGED
        (rows,) = second._sql("SELECT count(*) FROM cm_key_locks")[0]
        assert rows >= 2  # T1's and T2's keys (and any their ingests locked besides)
        assert second.prune_key_locks() == rows
        assert second._sql("SELECT count(*) FROM cm_key_locks")[0][0] == 0
        assert second.counts()["customers"] == 50
        assert_consistent(second)
    finally:
        first.close()
        second.close()


PEOPLE = 800
WORKERS = 4

_WORKER = textwrap.dedent(
    """
    import json, random, sys, time
    from custmaster.model import Provenance, SourceRecord
    from custmaster.store import open_store
    from _store_helpers import numbered_resident_id as rid

    url, worker, people, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    batch = {"batch_size": int(sys.argv[5])} if len(sys.argv) > 5 else {}

    def rec(channel, ref, **fields):
        return SourceRecord(
            provenance=Provenance(channel=channel, source_ref=ref, observed_at="2026-03-01"),
            **fields)

    records = []
    for n in range(people):
        plate = f"闽D{n:05d}"
        records.append(rec("core_system", f"core-{n}", resident_id=rid(n), name="王芳",
                           policy_no=f"PDAA{n:06d}", line="交强险", plate=plate,
                           cover_start="2026-01-06", cover_end="2027-01-05",
                           mobile=f"137{n:08d}"))
        records.append(rec("telesales", f"ts-{worker}-{n}", resident_id=rid(n),
                           mobile=f"139{worker}{n:07d}"))
        if n % 4 == worker:
            records.append(rec("claim_report", f"claim-{n}", name="王芳", plate=plate,
                               mobile=f"137{n:08d}"))
    random.Random(worker).shuffle(records)
    store = open_store(url)
    while time.time() < start:
        time.sleep(0.005)
    result = store.bulk_ingest(records, **batch)
    store.close()
    print(json.dumps({"counts": result.counts, "batches": result.batches,
                      "retries": result.retries}))
    """
)


@pytest.mark.slow
def test_importers_locking_thousands_of_keys_each_lose_and_duplicate_nothing(
    postgres_schemas: Schemas,
) -> None:
    """Four processes ingest overlapping records of the same 800 people, each in one
    transaction of about 4,800 keys (more than advisory locks allowed): every distinct record
    is stored once, and each person is one customer holding all of their records."""
    url = postgres_schemas.new()
    open_store(url).close()
    start = time.time() + 2.0
    reports = run_workers(
        _WORKER, [(url, str(w), str(PEOPLE), str(start)) for w in range(WORKERS)], timeout=600
    )
    assert [r["batches"] for r in reports] == [1] * WORKERS
    _check_importers(url, reports)


@pytest.mark.slow
def test_pruning_while_importers_lock_loses_and_duplicates_nothing(
    postgres_schemas: Schemas,
) -> None:
    """The same four importers in batches of 40 records (many lock statements each) while
    the key-lock table is pruned again and again: a row deleted as an importer locks its key
    is inserted afresh, so the importers still take turns on each person."""
    url = postgres_schemas.new()
    open_store(url).close()
    start = time.time() + 2.0
    argvs = [(url, str(w), str(PEOPLE), str(start), "40") for w in range(WORKERS)]
    pruned = 0
    with ThreadPoolExecutor(1) as pool, PostgresStore(url) as pruner:
        running = pool.submit(run_workers, _WORKER, argvs, timeout=600)
        while not running.done():
            pruned += pruner.prune_key_locks(chunk=500)
            time.sleep(0.01)
        reports = running.result()
    assert pruned > 0
    _check_importers(url, reports)


def _check_importers(url: str, reports: list[dict[str, Any]]) -> None:
    """Every distinct record of the importers stored once; one customer per person."""
    stored = sum(r["counts"][o] for r in reports for o in ("new_customer", "merged", "candidate"))
    distinct = PEOPLE + WORKERS * PEOPLE + PEOPLE  # core, telesales, one claim a person
    assert stored == distinct  # each distinct record stored by exactly one importer
    with PostgresStore(url) as store:
        counts = store.counts()
        assert counts["records"] == distinct
        assert counts["customers"] == PEOPLE
        for n in range(0, PEOPLE, 7):
            (customer,) = store.find(resident_id=numbered_resident_id(n))
            refs = {r.provenance.source_ref for r in store.observations(customer.id)}
            assert refs == {f"core-{n}", f"claim-{n}", *(f"ts-{w}-{n}" for w in range(WORKERS))}
        duplicates = store._sql(
            "SELECT count(*) FROM (SELECT key FROM cm_index WHERE kind = 'resident_id' "
            "GROUP BY key HAVING count(DISTINCT customer_id) > 1) d"
        )[0][0]
        assert duplicates == 0
        assert_consistent(store)
