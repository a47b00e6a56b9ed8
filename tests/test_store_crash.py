"""An import killed with SIGKILL part-way leaves the store consistent; a rerun completes it.

The import is a real subprocess ingesting batches (`SQLStore.bulk_ingest`). It is killed at
several points: while a batch is being resolved (nothing written yet), after the log rows of
a batch were written but not the rest, after everything was written but before COMMIT, just
after a commit, and by the parent at an arbitrary moment once progress was seen. Each time
the store opens cleanly, holds exactly the committed batches and agrees with its log; the
import run again finishes with every record stored once and the same customers as a clean
run in memory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from _store_helpers import Schemas, numbered_resident_id, schemas
from custmaster.model import Provenance, SourceRecord
from custmaster.store import MemoryStore, open_store
from custmaster.testing.contract import assert_consistent, by_content

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 80
BATCH = 25

_IMPORT = textwrap.dedent(
    """
    import os, signal, sys
    from collections.abc import Mapping
    from custmaster.store import open_store

    sys.path.insert(0, sys.argv[2])
    from test_store_crash import book

    url = sys.argv[1]
    mode, _, at = os.environ.get("CUSTMASTER_TEST_KILL", "none:0").partition(":")
    at = int(at)
    store = open_store(url)
    batches = 0

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    class Dying(Mapping):
        def __getitem__(self, key):
            die()
        def __iter__(self):
            die()
            return iter(())
        def __len__(self):
            return 1

    if mode in ("mid_flush", "before_commit"):
        # mid_flush: the batch's log rows are written, its index rows are not
        name = "_insert_rows" if mode == "mid_flush" else "_db_commit"
        original = getattr(store, name)
        calls = []
        def wrapper(*args, **kwargs):
            if batches == at:
                calls.append(args[0] if args else name)
                if mode == "before_commit" or calls[-1] == "cm_index":
                    assert mode == "before_commit" or "cm_records" in calls
                    die()
            return original(*args, **kwargs)
        setattr(store, name, wrapper)

    records = list(book())
    if mode == "mid_batch":
        records.insert(at * {batch} + 11, Dying())

    def progress(results):
        global batches
        batches += 1
        print(batches, flush=True)
        if mode == "after_commit" and batches == at + 1:
            die()

    store.bulk_ingest(records, batch_size={batch}, on_batch=progress)
    store.close()
    print("done", flush=True)
    """
).replace("{batch}", str(BATCH))


def _resident_id(n: int) -> str:
    return numbered_resident_id(n, "440305199001")


def book() -> Iterator[SourceRecord]:
    """The import: core records, telesales calls and claims of ``PEOPLE`` people."""
    for n in range(PEOPLE):
        plate = f"粤B{n:05d}"
        yield SourceRecord(
            provenance=Provenance(
                channel="core_system", source_ref=f"c{n}", observed_at="2026-01-05"
            ),
            resident_id=_resident_id(n),
            name="陈静",
            mobile=f"136{n:08d}",
            policy_no=f"PDAA9{n:05d}",
            line="交强险",
            plate=plate,
            cover_start="2026-01-06",
            cover_end="2027-01-05",
        )
        yield SourceRecord(
            provenance=Provenance(
                channel="telesales", source_ref=f"t{n}", observed_at="2026-03-01"
            ),
            resident_id=_resident_id(n),
            address="广东省深圳市南山区深南大道1号",
        )
        if n % 2:
            yield SourceRecord(
                provenance=Provenance(
                    channel="claim_report", source_ref=f"k{n}", observed_at="2026-05-01"
                ),
                name="陈静",
                plate=plate,
                mobile=f"135{n:08d}",
            )


TOTAL = sum(1 for _ in book())


def _import(url: str, kill: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("CUSTMASTER_TEST_KILL", None)
    if kill:
        env["CUSTMASTER_TEST_KILL"] = kill
    return subprocess.run(
        [sys.executable, "-c", _IMPORT, url, str(ROOT / "tests")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def _committed(url: str) -> int:
    with open_store(url) as store:
        assert_consistent(store)
        return int(store.counts()["records"])


def _finish_and_compare(url: str) -> None:
    again = _import(url, None)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().endswith("done")
    reference = MemoryStore()
    reference.ingest(list(book()))
    with open_store(url) as store:
        assert store.counts()["records"] == TOTAL
        assert store.count() == PEOPLE
        assert by_content(store) == by_content(reference)
        assert_consistent(store)


KILLS = [
    ("mid_batch", 0, 0),
    ("mid_flush", 2, 2),
    ("before_commit", 3, 3),
    ("after_commit", 1, 2),
]


def _kill_and_resume(url: str, mode: str, at: int, committed_batches: int) -> None:
    run = _import(url, f"{mode}:{at}")
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert _committed(url) == min(TOTAL, committed_batches * BATCH)
    _finish_and_compare(url)


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "at", "committed"), KILLS)
def test_sqlite_import_killed_part_way(tmp_path: Path, mode: str, at: int, committed: int) -> None:
    _kill_and_resume(f"sqlite:///{tmp_path}/crash.db", mode, at, committed)


@pytest.mark.slow
def test_sqlite_import_killed_from_outside(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/outside.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-c", _IMPORT, url, str(ROOT / "tests")],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "1"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert _committed(url) % BATCH == 0 or _committed(url) == TOTAL
    _finish_and_compare(url)


@pytest.fixture
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize(("mode", "at", "committed"), KILLS[1:3])
def test_postgres_import_killed_part_way(
    postgres_schemas: Schemas, mode: str, at: int, committed: int
) -> None:
    _kill_and_resume(postgres_schemas.new(), mode, at, committed)
