"""Benchmark the durable stores: bulk ingest with resolution and merge, concurrency, lookups.

On ``--n`` seeded synthetic source records (default 1,000,000; about 0.3 customers per
record, see ``_store_synth.py``), each measurement in a fresh subprocess:

* bulk ingest into SQLite and into PostgreSQL (records/s of the ingest calls only; making
  the records is timed apart), peak RSS of the process;
* the practical ceiling: a plain ``executemany`` insert of the same rows into a SQLite table
  with three indexes (phone, resident ID, policy number), and the ratio;
* PostgreSQL with 1, 2 and 4 importing processes at once (aggregate records/s), each run
  checked afterwards: every record stored once, no resident ID on two customers, the same
  number of customers as one importer made;
* lookups by phone, resident ID and policy number in the big store (``store.find``, median
  and 99th percentile, ms);
* ingest time for n/100, n/10 and n records, drawn to docs/benchmark-ingest.png.

PostgreSQL runs when ``CUSTMASTER_TEST_POSTGRES_URL`` (or ``--postgres URL``) names a server;
each run uses its own schema, dropped afterwards. ``--write-docs`` writes the "store" section
of docs/benchmarks.md.

    python benchmarks/store.py --n 100000 --write-docs

``--ab OLD`` compares the PostgreSQL store of this checkout with that of the checkout at
``OLD`` (``git worktree add --detach OLD <commit>``) on a machine whose speed changes: one
importer ingests ``--n`` records, old and new code alternated ``--rounds`` times, and each run
reports CPU per record of the importer and of its server backend (``/proc/PID/stat``: the
server on this host, readable by this user), statements per 1,000 records and wall time.

    CUSTMASTER_TEST_POSTGRES_URL=… python benchmarks/store.py --ab /work/old --n 100000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
#: The custmaster measured: this checkout's, or another's (``--ab`` runs its old side so).
sys.path.insert(0, os.environ.get("CUSTMASTER_BENCH_SRC") or str(HERE.parent / "src"))

import _store_synth as synth  # noqa: E402
from _report import machine, write_section  # noqa: E402

CHART = HERE.parent / "docs" / "benchmark-ingest.png"
#: Records per `bulk_ingest` call and per transaction (`--batch`); the store's default.
BATCH = 20_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _batches(n: int, shard: int = 0, shards: int = 1) -> Any:
    """Batches of ``BATCH`` records; with shards, every ``shards``-th batch from ``shard``."""
    stream = synth.records(n)
    index = 0
    while True:
        batch = list(islice(stream, BATCH))
        if not batch:
            return
        if index % shards == shard:
            yield batch
        index += 1


# -- workers (each runs in its own process) ------------------------------------------------------


def work_ingest(url: str, n: int) -> dict[str, Any]:
    """Bulk ingest ``n`` records into a new store at ``url``; time the ingest calls only."""
    from custmaster.store import open_store

    store = open_store(url)
    ingest = 0.0
    made = 0.0
    records = 0
    start = time.perf_counter()
    cpu = 0.0
    retries = 0
    for batch in _batches(n):
        t0 = time.perf_counter()
        c0 = time.process_time()
        retries += store.bulk_ingest(batch, batch_size=BATCH).retries  # type: ignore[attr-defined]
        ingest += time.perf_counter() - t0
        cpu += time.process_time() - c0
        records += len(batch)
    made = time.perf_counter() - start - ingest
    counts = store.counts()
    store.close()
    return {
        "records": records,
        "seconds": ingest,
        "generate_seconds": made,
        "rate": records / ingest,
        "cpu_rate": records / cpu,
        "peak_rss_mb": _peak_rss_mb(),
        "counts": counts,
        "retries": retries,
    }


def work_cpu(url: str, n: int, reverse: bool = False) -> dict[str, Any]:
    """Bulk ingest ``n`` records into PostgreSQL at ``url``: CPU per record of the importer
    (``process_time``, its COPY thread included) and of its server backend, statements sent
    per 1,000 records (``_sql``, ``_sql_many`` and ``COPY``), wall time; the records are made
    before the clock starts. ``reverse``: the batches in reverse order, so that claims come
    before their policies across batches and customers are merged (about one a 16 records)."""
    from custmaster.store import open_store
    from custmaster.store.postgres import PostgresStore

    sent = [0, 0]  # statements, round trips (a pipeline of queued statements is one)
    for name in ("_sql", "_sql_many", "_copy_now", "_send_queued"):
        method = getattr(PostgresStore, name, None)
        if method is None:  # a store sending each statement alone
            continue

        def counted(self: Any, *args: Any, _method: Any = method, _name: str = name) -> Any:
            queued = len(getattr(self, "_queued", ()))
            result = _method(self, *args)
            if _name == "_send_queued":
                sent[1] += 1
            else:
                sent[0] += 1
                sent[1] += len(getattr(self, "_queued", ())) <= queued
            return result

        setattr(PostgresStore, name, counted)
    batches = list(_batches(n))
    if reverse:
        batches.reverse()
    store: Any = open_store(url)
    backend = int(store._sql("SELECT pg_backend_pid()")[0][0])
    tick = os.sysconf("SC_CLK_TCK")

    def server_cpu() -> float:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    sent[:] = [0, 0]
    server0, cpu0, wall0 = server_cpu(), time.process_time(), time.perf_counter()
    retries = 0
    for batch in batches:
        retries += store.bulk_ingest(batch, batch_size=BATCH).retries
    wall, cpu, server = (
        time.perf_counter() - wall0,
        time.process_time() - cpu0,
        server_cpu() - server0,
    )
    statements, round_trips = sent
    counts = store.counts()
    store.close()
    return {
        "importer_us": cpu / n * 1e6,
        "server_us": server / n * 1e6,
        "statements_per_1000": statements / n * 1000,
        "round_trips_per_1000": round_trips / n * 1000,
        "seconds": wall,
        "retries": retries,
        "counts": counts,
        "peak_rss_mb": _peak_rss_mb(),
    }


def ab(old: str, url: str, n: int, rounds: int, reverse: bool = False) -> None:
    """Old and new PostgreSQL store alternated, ``rounds`` times (see the module docstring)."""
    sides = {"old": str(Path(old).resolve() / "src"), "new": str(HERE.parent / "src")}
    runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    schemas = _Schemas(url)
    worker = [sys.executable, __file__, "--batch", str(BATCH), "--worker", "cpu"]
    order = "batches in reverse order" if reverse else "batches in order"
    print(f"{n:,} records ({order}), 1 importer, {rounds} rounds; {machine()}", flush=True)
    try:
        for _ in range(rounds):
            for side, src in sides.items():
                out = subprocess.run(
                    [*worker, schemas.new(), str(n), "reverse" if reverse else "stream"],
                    check=True,
                    capture_output=True,
                    text=True,
                    env={**os.environ, "CUSTMASTER_BENCH_SRC": src},
                )
                run = json.loads(out.stdout.strip().splitlines()[-1])
                runs[side].append(run)
                print(side, json.dumps(run), flush=True)
    finally:
        schemas.drop()
    rows = (
        ("importer + server CPU (µs)", lambda r: f"{r['importer_us'] + r['server_us']:.0f}"),
        ("importer CPU (µs)", lambda r: f"{r['importer_us']:.0f}"),
        ("server CPU (µs)", lambda r: f"{r['server_us']:.0f}"),
        ("statements per 1,000 records", lambda r: f"{r['statements_per_1000']:.1f}"),
        ("round trips per 1,000 records", lambda r: f"{r.get('round_trips_per_1000', 0):.1f}"),
        (f"wall clock for the {n:,} (s)", lambda r: f"{r['seconds']:.0f}"),
        ("customers stored", lambda r: f"{r['counts']['customers']:,}"),
        ("merges (decisions)", lambda r: f"{r['counts']['decisions']:,}"),
    )
    print(f"| per record, {n:,} records, 1 importer | old ({rounds} runs) | new ({rounds} runs) |")
    print("| --- | ---: | ---: |")
    for label, cell in rows:
        old_cells, new_cells = ", ".join(map(cell, runs["old"])), ", ".join(map(cell, runs["new"]))
        print(f"| {label} | {old_cells} | {new_cells} |")


def work_plain(path: str, n: int) -> dict[str, Any]:
    """``executemany`` the same records' fields into a table with three indexes."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA cache_size = -65536")
    columns = [
        "channel",
        "source_ref",
        "observed_at",
        "resident_id",
        "name",
        "mobile",
        "address",
        "postcode",
        "policy_no",
        "line",
        "cover_start",
        "cover_end",
        "plate",
        "vin",
        "make_model",
    ]
    db.execute(f"CREATE TABLE plain ({', '.join(columns)})")
    for column in ("mobile", "resident_id", "policy_no"):
        db.execute(f"CREATE INDEX plain_{column} ON plain ({column})")
    marks = ", ".join("?" for _ in columns)
    seconds = 0.0
    records = 0
    for batch in _batches(n):
        rows = []
        for r in batch:
            p = r.provenance
            rows.append(
                (
                    p.channel.code,
                    p.source_ref,
                    p.observed_at.isoformat(),
                    r.resident_id,
                    r.name,
                    r.mobile,
                    r.address,
                    r.postcode,
                    r.policy_no,
                    None if r.line is None else r.line.code,
                    None if r.cover_start is None else r.cover_start.isoformat(),
                    None if r.cover_end is None else r.cover_end.isoformat(),
                    r.plate,
                    r.vin,
                    r.make_model,
                )
            )
        t0 = time.perf_counter()
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO plain VALUES ({marks})", rows)
        db.execute("COMMIT")
        seconds += time.perf_counter() - t0
        records += len(rows)
    db.close()
    return {"records": records, "seconds": seconds, "rate": records / seconds}


def work_shard(url: str, n: int, shard: int, shards: int, start_at: float) -> dict[str, Any]:
    """One of ``shards`` concurrent importers: its batches made first, then ingested."""
    from custmaster.store import open_store

    batches = list(_batches(n, shard, shards))
    store = open_store(url)
    while time.time() < start_at:
        time.sleep(0.01)
    t0 = time.perf_counter()
    retries = 0
    for batch in batches:
        retries += store.bulk_ingest(batch, batch_size=BATCH).retries  # type: ignore[attr-defined]
    seconds = time.perf_counter() - t0
    store.close()
    return {
        "records": sum(len(b) for b in batches),
        "seconds": seconds,
        "retries": retries,
        "finished_at": time.time(),
    }


def work_lookups(url: str, n: int, samples: int) -> dict[str, Any]:
    """Median and 99th percentile of ``store.find`` by phone, resident ID and policy number."""
    from custmaster.store import open_store

    rng = random.Random(5)
    customers = max(1, int(n * 0.29))
    store = open_store(url)
    found: dict[str, Any] = {}
    for kind, value in (
        ("phone", synth.mobile),
        ("resident_id", synth.resident_id),
        ("policy_no", lambda i: f"PDAA2026{i:08d}"),
    ):
        times = []
        hits = 0
        for _ in range(samples):
            i = rng.randrange(customers)
            t0 = time.perf_counter()
            result = store.find(**{kind: value(i)})
            times.append(time.perf_counter() - t0)
            hits += bool(result)
        times.sort()
        found[kind] = {
            "median_ms": statistics.median(times) * 1000,
            "p99_ms": times[int(len(times) * 0.99) - 1] * 1000,
            "hit_rate": hits / samples,
        }
    store.close()
    return found


def work_check(url: str, n: int) -> dict[str, Any]:
    """After a concurrent run: records, customers, and one customer per resident ID."""
    from custmaster.store import open_store

    store = open_store(url)
    counts = store.counts()
    duplicates = int(
        store._sql(  # type: ignore[attr-defined]
            "SELECT count(*) FROM (SELECT key FROM cm_index WHERE kind = 'resident_id' "
            "AND payload = 'owner' GROUP BY key HAVING count(DISTINCT customer_id) > 1) d"
        )[0][0]
    )
    keys = int(
        store._sql("SELECT count(DISTINCT (channel, source_ref)) FROM cm_records")[0][0]  # type: ignore[attr-defined]
    )
    store.close()
    return {"counts": counts, "ids_on_two_customers": duplicates, "distinct_records": keys}


# -- orchestration ---------------------------------------------------------------------------------


def _run(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--batch", str(BATCH), "--worker", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--batch", str(BATCH), "--worker", *args],
        stdout=subprocess.PIPE,
        text=True,
    )


class _Schemas:
    def __init__(self, url: str) -> None:
        self.url = url
        self.names: list[str] = []

    def new(self) -> str:
        import psycopg

        name = f"cm_bench_{secrets.token_hex(4)}"
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{name}"')
        self.names.append(name)
        return f"{self.url}{'&' if '?' in self.url else '?'}schema={name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            for name in self.names:
                connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _chart(points: dict[str, list[tuple[int, float]]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    for label, values in points.items():
        xs = [x for x, _ in values]
        axis.plot(xs, [y for _, y in values], marker="o", label=label)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("source records")
    axis.set_ylabel("ingest time (s)")
    axis.set_title("custmaster bulk ingest time by size (log-log: slope 1 is linear)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(CHART)


def main() -> None:
    global BATCH  # noqa: PLW0603 - the workers' batch size, passed on to their subprocesses
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("CUSTMASTER_TEST_POSTGRES_URL"))
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument(
        "--batch", type=int, default=BATCH, help="records per transaction (default %(default)s)"
    )
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument(
        "--parallel",
        action="store_true",
        help="run the SQLite runs, the PostgreSQL runs and the concurrent runs at the same time",
    )
    parser.add_argument("--worker", nargs=argparse.REMAINDER)
    parser.add_argument(
        "--ab", metavar="OLD", help="compare PostgreSQL with the checkout at OLD (see above)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="--ab rounds (default 2)")
    parser.add_argument(
        "--reverse", action="store_true", help="--ab: batches in reverse order (merges)"
    )
    parser.add_argument(
        "--encryption",
        action="store_true",
        help="only measure the cost of encryption at rest (section store-encryption)",
    )
    args = parser.parse_args()
    BATCH = args.batch
    if args.worker:
        kind, *rest = args.worker
        if kind == "ingest":
            result = work_ingest(rest[0], int(rest[1]))
        elif kind == "plain":
            result = work_plain(rest[0], int(rest[1]))
        elif kind == "shard":
            result = work_shard(rest[0], int(rest[1]), int(rest[2]), int(rest[3]), float(rest[4]))
        elif kind == "cpu":
            result = work_cpu(rest[0], int(rest[1]), rest[2:] == ["reverse"])
        elif kind == "lookups":
            result = work_lookups(rest[0], int(rest[1]), int(rest[2]))
        else:
            result = work_check(rest[0], int(rest[1]))
        print(json.dumps(result))
        return

    if args.encryption:
        encryption_overhead(args.n, args.postgres, args.write_docs)
        return
    if args.ab:
        if not args.postgres:
            parser.error(
                "--ab needs a PostgreSQL server (--postgres or CUSTMASTER_TEST_POSTGRES_URL)"
            )
        ab(args.ab, args.postgres, args.n, args.rounds, args.reverse)
        return
    n = args.n
    folder = Path(tempfile.mkdtemp(prefix="cm-bench-"))
    sizes = sorted({max(1000, n // 100), max(1000, n // 10), n})
    command = f"python benchmarks/store.py --n {n}" + (" --parallel" if args.parallel else "")
    if BATCH != 20_000:
        command += f" --batch {BATCH}"
    if args.postgres:
        command = f"CUSTMASTER_TEST_POSTGRES_URL=… {command}"
    report: dict[str, Any] = {
        "n": n,
        "sizes": sizes,
        "command": command + " --write-docs",
        "parallel": args.parallel,
        "load": os.getloadavg()[0],
    }
    print(f"{n:,} records; {machine()}", flush=True)

    def sqlite_part() -> None:
        plain = _run("plain", str(folder / "plain.db"), str(n))
        print(f"plain executemany: {plain['rate']:,.0f} rows/s", flush=True)
        report["plain"] = plain
        sqlite_runs = {}
        for size in sizes:
            url = f"sqlite:///{folder}/store-{size}.db"
            sqlite_runs[size] = _run("ingest", url, str(size))
            print(
                f"SQLite {size:,}: {sqlite_runs[size]['rate']:,.0f} rec/s, "
                f"{sqlite_runs[size]['peak_rss_mb']:.0f} MB",
                flush=True,
            )
        report["sqlite"] = sqlite_runs
        report["sqlite_lookups"] = _run(
            "lookups", f"sqlite:///{folder}/store-{n}.db", str(n), str(args.samples)
        )
        print("SQLite lookups:", report["sqlite_lookups"], flush=True)

    def postgres_part(schemas: _Schemas) -> None:
        pg_runs = {}
        for size in sizes:
            pg_runs[size] = _run("ingest", schemas.new(), str(size))
            print(f"PostgreSQL {size:,}: {pg_runs[size]['rate']:,.0f} rec/s", flush=True)
        report["postgres"] = pg_runs
        big = schemas.names[-1]
        report["postgres_lookups"] = _run(
            "lookups", f"{args.postgres}?schema={big}", str(n), str(args.samples)
        )
        # one importer is the size-n run above (its records made as it goes, so its rate
        # is of the ingest calls alone); it is checked like the concurrent runs
        check = _run("check", f"{args.postgres}?schema={big}", str(n))
        concurrent[1] = {
            "seconds": pg_runs[n]["seconds"],
            "rate": pg_runs[n]["rate"],
            "retries": pg_runs[n]["retries"],
            "check": check,
        }
        print(f"PostgreSQL x1: {pg_runs[n]['rate']:,.0f} rec/s, {check}", flush=True)

    def concurrent_part(schemas: _Schemas) -> None:
        for shards in (2, 4):
            url = schemas.new()
            _run("check", url, "0")  # creates the schema's tables before the race
            start_at = time.time() + 5 + shards * n / 40_000
            workers = [
                _spawn("shard", url, str(n), str(s), str(shards), str(start_at))
                for s in range(shards)
            ]
            results = []
            for worker in workers:
                out, _ = worker.communicate()
                assert worker.returncode == 0
                results.append(json.loads(out.strip().splitlines()[-1]))
            wall = max(r["finished_at"] for r in results) - start_at
            check = _run("check", url, str(n))
            concurrent[shards] = {
                "seconds": wall,
                "rate": n / wall,
                "retries": sum(r["retries"] for r in results),
                "check": check,
            }
            print(f"PostgreSQL x{shards}: {n / wall:,.0f} rec/s, {check}", flush=True)

    concurrent: dict[int, Any] = {}
    parts: list[Callable[[], None]] = [sqlite_part]
    schemas = [_Schemas(args.postgres), _Schemas(args.postgres)] if args.postgres else []
    if schemas:
        parts += [lambda: postgres_part(schemas[0]), lambda: concurrent_part(schemas[1])]
    try:
        if args.parallel:
            with ThreadPoolExecutor(len(parts)) as pool:
                for future in [pool.submit(part) for part in parts]:
                    future.result()
        else:
            for part in parts:
                part()
    finally:
        for each in schemas:
            each.drop()
    if concurrent:
        report["postgres_concurrent"] = {k: concurrent[k] for k in sorted(concurrent)}
    sqlite_runs = report["sqlite"]

    points = {"SQLite": [(s, sqlite_runs[s]["seconds"]) for s in sizes]}
    if "postgres" in report:
        points["PostgreSQL"] = [(s, report["postgres"][s]["seconds"]) for s in sizes]
    _chart(points)
    (folder / "report.json").write_text(json.dumps(report, indent=2, default=str))
    text = _markdown(report)
    print(text)
    if args.write_docs:
        write_section("store", text)


def encryption_overhead(n: int, postgres: str | None, write_docs: bool, repeats: int = 3) -> None:
    """Bulk ingest ``n`` records with and without encryption at rest, alternating runs.

    The encrypted runs get their keys from the environment (``CUSTMASTER_ENCRYPTION_KEY``,
    ``CUSTMASTER_INDEX_KEY``), the route the CLI takes. Medians of ``repeats`` runs each.
    """
    from custmaster.privacy.crypto import ENV_INDEX_KEY, ENV_KEY, generate_key

    folder = Path(tempfile.mkdtemp(prefix="cm-bench-enc-"))
    keys = {ENV_KEY: f"k1:{generate_key()}", ENV_INDEX_KEY: generate_key()}
    schemas = _Schemas(postgres) if postgres else None
    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    load = os.getloadavg()[0]
    print(f"{n:,} records; {machine()}; load {load:.1f}", flush=True)
    try:
        for run in range(repeats):
            for encrypted in (False, True):
                for dialect in ("SQLite", "PostgreSQL") if schemas else ("SQLite",):
                    if dialect == "SQLite":
                        url = f"sqlite:///{folder}/enc-{run}-{encrypted}.db"
                    else:
                        assert schemas is not None
                        url = schemas.new()
                    if encrypted:
                        os.environ.update(keys)
                    try:
                        result = _run("ingest", url, str(n))
                    finally:
                        for name in keys:
                            os.environ.pop(name, None)
                    side = "on" if encrypted else "off"
                    results.setdefault(dialect, {}).setdefault(side, []).append(result)
                    print(
                        f"{dialect} encryption {side}: {result['rate']:,.0f} rec/s, "
                        f"{result['cpu_rate']:,.0f} rec/CPU s",
                        flush=True,
                    )
    finally:
        if schemas is not None:
            schemas.drop()
    command = f"python benchmarks/store.py --encryption --n {n}"
    if postgres:
        command = f"CUSTMASTER_TEST_POSTGRES_URL=… {command}"
    lines = [
        "## Stores: the cost of encryption at rest",
        "",
        f"`{command} --write-docs` — {machine()}. Bulk ingest of {n:,} seeded synthetic "
        f"records (batches of {BATCH:,}) into a new store, without and with a keyring (from "
        "the environment); median of "
        f"{repeats} alternating runs each. With encryption every resident ID is encrypted "
        "(AES-GCM) in its record and its customer's view, and indexed by an HMAC. CPU "
        "figures count the importer's process only (the PostgreSQL server's work is not "
        f"in them); the machine is shared (load average {load:.1f} at the start), so "
        "wall-clock figures are noisy and the CPU ones less so.",
        "",
        "| store | records/s off | records/s on | records per CPU s off | records per CPU s on "
        "| CPU overhead |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for dialect, sides in results.items():
        off = statistics.median(r["rate"] for r in sides["off"])
        on = statistics.median(r["rate"] for r in sides["on"])
        cpu_off = statistics.median(r["cpu_rate"] for r in sides["off"])
        cpu_on = statistics.median(r["cpu_rate"] for r in sides["on"])
        lines.append(
            f"| {dialect} | {off:,.0f} | {on:,.0f} | {cpu_off:,.0f} | {cpu_on:,.0f} "
            f"| {cpu_off / cpu_on - 1:+.0%} |"
        )
    text = "\n".join(lines)
    print(text)
    if write_docs:
        write_section("store-encryption", text)


def _markdown(report: dict[str, Any]) -> str:
    n = report["n"]
    sqlite_big = report["sqlite"][n]
    plain = report["plain"]
    lines = [
        "## Stores: bulk ingest, concurrency, lookups",
        "",
        f"`{report['command']}` — {machine()}. {n:,} seeded synthetic source records "
        f"({sqlite_big['counts']['customers']:,} customers, "
        f"{sqlite_big['counts']['candidates_open']:,} candidate pairs); batches of {BATCH:,}; "
        "only the ingest calls are timed (making the records is not). Targets from the "
        "storage issue in brackets. "
        + (
            "The SQLite runs, the PostgreSQL runs and the concurrent PostgreSQL runs ran at the "
            "same time (`--parallel`), so each had a share of the 2 cores. "
            if report["parallel"]
            else ""
        )
        + f"Load average {report['load']:.1f} when it started (other jobs share the machine; "
        "the CPU-second rates are the steadier figure).",
        "",
        "| ingest | records/s | records per CPU second of the importer | peak RSS "
        "| vs plain insert |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| plain `executemany`, SQLite table with 3 indexes (the ceiling) | "
        f"{plain['rate']:,.0f} | | | 1.0× |",
        f"| SQLite store: resolution + merge (≥ 15,000) | {sqlite_big['rate']:,.0f} | "
        f"{sqlite_big['cpu_rate']:,.0f} | {sqlite_big['peak_rss_mb']:.0f} MB "
        f"| {plain['rate'] / sqlite_big['rate']:.1f}× slower |",
    ]
    if "postgres" in report:
        pg = report["postgres"][n]
        lines.append(
            f"| PostgreSQL store, 1 importer (≥ 10,000) | {pg['rate']:,.0f} | "
            f"{pg['cpu_rate']:,.0f} | {pg['peak_rss_mb']:.0f} MB "
            f"| {plain['rate'] / pg['rate']:.1f}× slower |"
        )
    lines += [
        "",
        "| records | SQLite s | SQLite rec/s |"
        + (" PostgreSQL s | PostgreSQL rec/s |" if "postgres" in report else ""),
        "| ---: | ---: | ---: |" + (" ---: | ---: |" if "postgres" in report else ""),
    ]
    for size in report["sizes"]:
        row = report["sqlite"][size]
        line = f"| {size:,} | {row['seconds']:.1f} | {row['rate']:,.0f} |"
        if "postgres" in report:
            pg_row = report["postgres"][size]
            line += f" {pg_row['seconds']:.1f} | {pg_row['rate']:,.0f} |"
        lines.append(line)
    lines += ["", "![ingest time by size](benchmark-ingest.png)", ""]
    if "postgres_concurrent" in report:
        lines += [
            "| PostgreSQL importers | aggregate records/s | retried batches | records stored "
            "| IDs on two customers | customers |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for shards, row in report["postgres_concurrent"].items():
            check = row["check"]
            lines.append(
                f"| {shards} | {row['rate']:,.0f} | {row['retries']} | "
                f"{check['distinct_records']:,} of {n:,} | {check['ids_on_two_customers']} | "
                f"{check['counts']['customers']:,} |"
            )
        lines.append("")
    lines += [
        "| `store.find` in the big store | SQLite median ms | SQLite p99 ms |"
        + (" PostgreSQL median ms | PostgreSQL p99 ms |" if "postgres_lookups" in report else ""),
        "| --- | ---: | ---: |" + (" ---: | ---: |" if "postgres_lookups" in report else ""),
    ]
    for kind in ("phone", "resident_id", "policy_no"):
        row = report["sqlite_lookups"][kind]
        line = (
            f"| by {kind} (median < 0.3, p99 < 2) | {row['median_ms']:.2f} | {row['p99_ms']:.2f} |"
        )
        if "postgres_lookups" in report:
            pg_row = report["postgres_lookups"][kind]
            line += f" {pg_row['median_ms']:.2f} | {pg_row['p99_ms']:.2f} |"
        lines.append(line)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
