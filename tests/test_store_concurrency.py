"""Several processes ingest overlapping records for the same customers at the same time.

Each worker is a real subprocess with its own connection. All of them ingest the same core
records (the same channel and source reference: duplicates across workers), their own
telesales records about the same people, and claim reports that attach through a plate,
each in its own shuffled order and batch size, starting together. Afterwards nothing is
lost (every distinct record is stored once) and nothing is duplicated (one customer per
person, every resident ID finds exactly one customer), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from _store_helpers import Schemas, numbered_resident_id, run_workers, schemas
from custmaster.store import open_store
from custmaster.testing.contract import assert_consistent

PEOPLE = 90
WORKERS = 3

_WORKER = textwrap.dedent(
    """
    import json, random, sys, time
    from _store_helpers import numbered_resident_id as resident_id
    from custmaster.model import Provenance, SourceRecord
    from custmaster.store import open_store

    url, worker, people, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])

    def rec(channel, ref, when, **fields):
        return SourceRecord(
            provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields)

    records = []
    for n in range(people):
        plate = f"闽D{n:05d}"
        records.append(rec("core_system", f"core-{n}", "2026-01-05", resident_id=resident_id(n),
                           name="王芳", policy_no=f"PDAA{n:06d}", line="交强险", plate=plate,
                           cover_start="2026-01-06", cover_end="2027-01-05",
                           mobile=f"137{n:08d}"))
        records.append(rec("telesales", f"ts-{worker}-{n}", f"2026-0{2 + worker}-01",
                           resident_id=resident_id(n), mobile=f"139{worker}{n:07d}",
                           address=f"福建省厦门市思明区湖滨南路{worker + 1}号"))
        if n % 3 == 0:
            records.append(rec("claim_report", f"claim-{n}", "2026-06-01T09:00:00+08:00",
                               name="王芳", plate=plate, mobile=f"137{n:08d}"))
    random.Random(worker).shuffle(records)
    store = open_store(url)
    while time.time() < start:
        time.sleep(0.005)
    result = store.bulk_ingest(records, batch_size=7 + 4 * worker)
    store.close()
    print(json.dumps({"counts": result.counts, "retries": result.retries}))
    """
)


def _run_workers(url: str) -> list[dict[str, object]]:
    start = time.time() + 2.0
    return run_workers(_WORKER, [(url, str(w), str(PEOPLE), str(start)) for w in range(WORKERS)])


def _check(url: str, reports: list[dict[str, object]]) -> None:
    claims = len(range(0, PEOPLE, 3))
    distinct = PEOPLE + WORKERS * PEOPLE + claims
    ingested = sum(sum(r["counts"].values()) for r in reports)  # type: ignore[attr-defined]
    assert ingested == WORKERS * (2 * PEOPLE + claims)
    stored = sum(
        r["counts"][o]  # type: ignore[index]
        for r in reports
        for o in ("new_customer", "merged", "candidate")
    )
    assert stored == distinct  # each distinct record stored by exactly one worker
    with open_store(url) as store:
        counts = store.counts()
        assert counts["records"] == distinct
        for n in range(PEOPLE):
            (customer,) = store.find(resident_id=numbered_resident_id(n))
            refs = {r.provenance.source_ref for r in store.observations(customer.id)}
            expected = {f"core-{n}", *(f"ts-{w}-{n}" for w in range(WORKERS))}
            if n % 3 == 0:
                expected.add(f"claim-{n}")
            assert refs == expected
            assert len(store.find(policy_no=f"PDAA{n:06d}")) == 1
            assert len(customer.contact_points) == 1 + 2 * WORKERS  # mobiles and addresses
        assert counts["customers"] == PEOPLE
        assert_consistent(store)


@pytest.mark.slow
def test_processes_ingesting_into_one_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    open_store(url).close()
    reports = _run_workers(url)
    _check(url, reports)


@pytest.fixture
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


@pytest.mark.slow
@pytest.mark.postgres
def test_processes_ingesting_into_one_postgres_schema(postgres_schemas: Schemas) -> None:
    url = postgres_schemas.new()
    open_store(url).close()
    reports = _run_workers(url)
    _check(url, reports)
