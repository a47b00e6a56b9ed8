"""Where an SQLite ingest's time goes: the floor of its writes and of its resolution.

The storage issue asks for 15,000 records/s into SQLite (67 µs a record). This script splits
one run's time into two parts that no change of the store's own code can remove, both measured
in the same process on the same records, so the machine's speed of the day cancels:

* **the write floor**: every write statement the SQLite store sent during a real ingest of
  ``--n`` records (log rows, key index rows, views, with their parameters and transaction
  boundaries) is recorded, then replayed with bare ``executemany`` into a fresh store file of
  the same schema and pragmas. That is what SQLite itself costs for the rows the contract
  keeps (an append-only log, an index entry per lookup key, a current view per customer);
* **the resolution floor**: the same records ingested into ``MemoryStore``, which resolves
  and merges by the same engine with dict lookups and writes nothing.

Beyond the floors, the time the store spends encoding its log records and views to JSON text
(the bodies of the rows replayed) is timed apart: a durable store must turn its objects into
rows somehow.

Each part runs once on a small input first, so that one-time costs (imports, the vehicle
catalogue, caches) are not counted. The machine's speed changes from day to day (two-fold and
more here, and not by one factor for all work), so read the shares: each floor as a part of
the time as built, in one run. Applied to a rate measured on a normal day (docs/benchmarks.md),
a share gives that day's floor.

Their sum bounds the rate of any store that keeps those rows and resolves that way; the store's
own figure (CPU seconds of its ``bulk_ingest``) is printed beside it, and the issue's reference
(a plain ``executemany`` of one row a record into a table with three indexes).

With ``--core`` the records are those of the core-system import instead (a synthetic GB18030
extract of about ``--n`` rows, as ``benchmarks/workflows.py`` makes it, read by
`import_core_extract` into a ``MemoryStore``, the batches it hands the store captured), and a
third part is timed, **reading as built**: the import's CPU outside the store's ``ingest``
(decoding, header mapping, validation, building the records, the audit entries; not a floor,
but what reading costs today). The issue's import target is 10,000 rows/s (100 µs a row).

    python benchmarks/ingest_floor.py --n 100000
    python benchmarks/ingest_floor.py --core --n 100000
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import _store_synth as synth  # noqa: E402
from _report import machine  # noqa: E402

BATCH = 20_000


def _records(n: int) -> list[list[Any]]:
    stream = synth.records(n)
    batches = []
    while batch := list(islice(stream, BATCH)):
        batches.append(batch)
    return batches


def _core_records(n: int, folder: Path) -> tuple[list[list[Any]], int, float]:
    """The batches a core import hands its store, the extract's rows, and the import's CPU
    seconds outside the store's ``ingest`` (reading, validating, building, auditing)."""
    from workflows import make_extract

    from custmaster import Service
    from custmaster.workflows.core_import import import_core_extract

    extract, rows = make_extract(folder, n, 7)
    service = Service.open("memory://")
    batches: list[list[Any]] = []
    inside = 0.0
    ingest = service.store.ingest

    def captured(records: Any) -> Any:
        nonlocal inside
        batch = list(records)
        batches.append(batch)
        cpu = time.process_time()
        result = ingest(batch)
        inside += time.process_time() - cpu
        return result

    service.store.ingest = captured  # type: ignore[method-assign]
    cpu = time.process_time()
    import_core_extract(service, extract)
    outside = time.process_time() - cpu - inside
    return batches, rows, outside


def _ingest(store: Any, batches: list[list[Any]]) -> float:
    bulk = getattr(store, "bulk_ingest", None)
    cpu = time.process_time()
    for batch in batches:
        if bulk is None:  # MemoryStore: one transaction a batch, as `bulk_ingest`'s
            store.ingest(batch)
        else:
            bulk(batch, batch_size=BATCH)
    return time.process_time() - cpu


def store_cpu(batches: list[list[Any]], folder: Path) -> float:
    """CPU seconds of the SQLite store's `bulk_ingest` of ``batches`` into a new file."""
    from custmaster.store import open_store

    store = open_store(f"sqlite:///{folder / 'timed.db'}")
    try:
        return _ingest(store, batches)
    finally:
        store.close()


def record_writes(batches: list[list[Any]], folder: Path) -> tuple[list[tuple[str, Any]], float]:
    """The write statements of a real ingest, in order (``("many", (sql, rows))`` or
    ``("one", (sql, params))``), and the CPU seconds spent encoding its log records and views
    to JSON text (the SQL rows' bodies)."""
    from custmaster.store import open_store
    from custmaster.store.sqlite import SQLiteStore

    log: list[tuple[str, Any]] = []
    many, one = SQLiteStore._sql_many, SQLiteStore._sql

    def recording_many(self: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        rows = [tuple(row) for row in rows]
        log.append(("many", (sql, rows)))
        many(self, sql, rows)

    def recording_one(self: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        head = sql.lstrip()[:6].upper()
        if head not in ("SELECT", "PRAGMA", "WITH  ", "WITH"):
            log.append(("one", (sql, tuple(params))))
        return one(self, sql, params)

    from custmaster.store import _sql

    encoders = {"_record_text": _sql._record_text, "encode_view": _sql.encode_view}
    spent = [0.0]

    def timed(function: Any) -> Any:
        def run(*args: Any) -> Any:
            cpu = time.process_time()
            result = function(*args)
            spent[0] += time.process_time() - cpu
            return result

        return run

    store = open_store(f"sqlite:///{folder / 'recorded.db'}")
    log.clear()
    SQLiteStore._sql_many = recording_many  # type: ignore[method-assign]
    SQLiteStore._sql = recording_one  # type: ignore[method-assign]
    for name, function in encoders.items():
        setattr(_sql, name, timed(function))
    try:
        _ingest(store, batches)
    finally:
        SQLiteStore._sql_many = many  # type: ignore[method-assign]
        SQLiteStore._sql = one  # type: ignore[method-assign]
        for name, function in encoders.items():
            setattr(_sql, name, function)
        store.close()
    return log, spent[0]


def replay_cpu(log: list[tuple[str, Any]], folder: Path) -> tuple[float, int]:
    """CPU seconds to replay the recorded writes into a fresh store file; rows written."""
    from custmaster.store import open_store

    path = folder / "replayed.db"
    open_store(f"sqlite:///{path}").close()  # the schema, exactly as the store makes it
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode = WAL",
        "synchronous = NORMAL",
        "cache_size = -65536",
        "temp_store = MEMORY",
        "secure_delete = ON",
    ):
        connection.execute(f"PRAGMA {pragma}")
    rows = 0
    cpu = time.process_time()
    for kind, (sql, params) in log:
        if kind == "many":
            connection.executemany(sql, params)
            rows += len(params)
        else:
            connection.execute(sql, params)
    spent = time.process_time() - cpu
    connection.close()
    return spent, rows


def memory_cpu(batches: list[list[Any]]) -> float:
    """CPU seconds of `MemoryStore.bulk_ingest` (resolution and merge, no I/O)."""
    from custmaster.store import MemoryStore

    return _ingest(MemoryStore(), batches)


def plain_cpu(n: int, folder: Path) -> float:
    """The issue's reference: one row a record into a table with three indexes."""
    connection = sqlite3.connect(folder / "plain.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, phone TEXT, rid TEXT, pno TEXT)")
    for column in ("phone", "rid", "pno"):
        connection.execute(f"CREATE INDEX t_{column} ON t ({column})")
    rows = [
        (f"1{i * 7919 % 10**10:010d}", f"{i * 104729 % 10**17:017d}X", f"P{i:012d}")
        for i in range(n)
    ]
    cpu = time.process_time()
    for start in range(0, n, BATCH):
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO t (phone, rid, pno) VALUES (?, ?, ?)", rows[start : start + BATCH]
        )
        connection.execute("COMMIT")
    spent = time.process_time() - cpu
    connection.close()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="source records (default 100,000)")
    parser.add_argument("--core", action="store_true", help="the core-system import's records")
    args = parser.parse_args()
    reading = 0.0
    with tempfile.TemporaryDirectory(prefix="cm-floor-") as tmp:
        folder = Path(tmp)
        (folder / "warm").mkdir()
        if args.core:
            _core_records(2_000, folder / "warm")
            batches, rows_read, reading = _core_records(args.n, folder)
            n = sum(map(len, batches))
            what = f"{rows_read:,}-row core extract: {n:,} records in {len(batches):,} batches"
        else:
            batches = _records(args.n)
            n = args.n
            what = f"{n:,} synthetic records, batches of {BATCH:,}"
        print(f"{what}; {machine()}", flush=True)
        warm = [batches[0][:2_000]]
        memory_cpu(warm)
        store_cpu(warm, folder / "warm")
        store = store_cpu(batches, folder)
        memory = memory_cpu(batches)
        log, encoding = record_writes(batches, folder)
        replay, rows = replay_cpu(log, folder)
        plain = plain_cpu(n, folder)

    built = store + reading

    def line(label: str, seconds: float, rate: str = "") -> None:
        share = f"{seconds / built:6.1%}"
        print(f"{label:<46} {seconds / n * 1e6:7.1f} µs  {share} of as built  {rate}")

    floors = replay + memory
    line("SQLite store bulk_ingest (CPU)", store, f"{n / store:,.0f} records/s")
    line(f"write floor: its {rows:,} rows replayed", replay, f"{rows / n:.1f} rows a record")
    line("resolution floor: MemoryStore", memory)
    line("sum of the two floors", floors, f"{n / floors:,.0f} records/s at most")
    line("the store's own work beyond the floors", store - floors)
    line("  of which encoding log records and views", encoding)
    line("plain executemany, 1 row a record", plain, f"{n / plain:,.0f} rows/s")
    if args.core:
        line("reading as built: the import outside ingest", reading)
        line(
            "import: reading + the two floors",
            reading + floors,
            f"{n / (reading + floors):,.0f} rows/s at most",
        )
        line(
            "import as built: reading + the SQLite store",
            reading + store,
            f"{n / (reading + store):,.0f} rows/s",
        )


if __name__ == "__main__":
    main()
