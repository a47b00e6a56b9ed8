"""Benchmark what the audit log costs an import: ingest through the service with and without it.

    python benchmarks/audit.py [--n 50000] [--repeats 3] [--write-docs]

``--n`` seeded synthetic source records (``_store_synth.py``) are ingested through
`custmaster.service.Service.ingest` in batches of 1,000 records, one transaction each — as
`custmaster.workflows.core_import` does — into a fresh store, once with auditing off
(``audit=False``) and once with the store's audit log (the default: one ``entry`` entry per
stored record, written in the batch's transaction). Each run is a fresh subprocess; CPU time
(``time.process_time``) is the figure compared, since the machine's other work makes wall time
noisy; wall time is shown too. Memory, SQLite (a file, ``synchronous=full``) and PostgreSQL
(when ``CUSTMASTER_TEST_POSTGRES_URL`` names a server; its own schema, dropped afterwards);
then the whole core-system import workflow (``benchmarks/workflows.py``'s synthetic GB18030
extract of about ``--n`` rows, batches of 2,000 rows) into SQLite. The best of ``--repeats``
runs per configuration counts.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import _store_synth as synth  # noqa: E402
from _report import command_line, machine, write_section  # noqa: E402

BATCH = 1000


def work(url: str, n: int, audited: bool) -> dict[str, Any]:
    """Ingest ``n`` records through a service on ``url``; time the ingest calls only."""
    from custmaster.service import Service

    records = list(synth.records(n))
    service = Service.open(url, audit=None if audited else False)
    cpu = wall = 0.0
    stream = iter(records)
    while batch := list(islice(stream, BATCH)):
        c0, w0 = time.process_time(), time.perf_counter()
        service.ingest(batch)
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
    entries = service.store.audit_head().seq
    ok = service.store.verify_audit().ok if audited else True
    service.close()
    return {"records": n, "cpu": cpu, "wall": wall, "entries": entries, "verified": ok}


def work_import(url: str, extract: str, audited: bool) -> dict[str, Any]:
    """Import a core-system extract through a service on ``url``; CPU and wall time."""
    from custmaster.service import Service
    from custmaster.workflows.core_import import import_core_extract

    service = Service.open(url, audit=None if audited else False)
    c0, w0 = time.process_time(), time.perf_counter()
    summary = import_core_extract(service, extract, batch_size=2000)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    entries = service.store.audit_head().seq
    ok = service.store.verify_audit().ok if audited else True
    service.close()
    return {"records": summary.rows, "cpu": cpu, "wall": wall, "entries": entries, "verified": ok}


def _run(url: str, n: int | str, audited: bool) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--work", url, str(n), "1" if audited else "0"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def _schema(server: str) -> tuple[str, str]:
    import psycopg

    name = f"cm_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{name}"')
    separator = "&" if "?" in server else "?"
    return name, f"{server}{separator}schema={name}"


def _drop(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def measure(n: int, repeats: int) -> list[dict[str, Any]]:
    """Best CPU and wall time per store kind, with and without the audit log."""
    server = os.environ.get("CUSTMASTER_TEST_POSTGRES_URL", "").strip()
    kinds = ["memory", "sqlite"] + (["postgresql"] if server else []) + ["core import, sqlite"]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        from workflows import make_extract

        extract, _ = make_extract(Path(folder), n, 7)
        for kind in kinds:
            best: dict[bool, dict[str, Any]] = {}
            for attempt in range(repeats):
                for audited in (False, True):
                    schema = None
                    if kind == "memory":
                        url = "memory://"
                    elif kind == "sqlite":
                        url = f"sqlite:///{folder}/{attempt}-{int(audited)}.db"
                    else:
                        schema, url = _schema(server)
                    source: int | str = n
                    if kind.startswith("core import"):
                        url = f"sqlite:///{folder}/import-{attempt}-{int(audited)}.db"
                        source = f"import:{extract}"
                    try:
                        figures = _run(url, source, audited)
                    finally:
                        if schema is not None:
                            _drop(server, schema)
                    if audited not in best or figures["cpu"] < best[audited]["cpu"]:
                        best[audited] = figures
            off, on = best[False], best[True]
            rows.append(
                {
                    "store": kind,
                    "records": on["records"],
                    "cpu_off": off["cpu"],
                    "cpu_on": on["cpu"],
                    "wall_off": off["wall"],
                    "wall_on": on["wall"],
                    "entries": on["entries"],
                    "verified": on["verified"],
                }
            )
    return rows


def _table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| store | records | entries | CPU s, no audit | CPU s, audited | CPU overhead | "
        "wall s, no audit | wall s, audited | chain verifies |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        overhead = r["cpu_on"] / r["cpu_off"] - 1
        lines.append(
            f"| {r['store']} | {r['records']:,} | {r['entries']:,} | {r['cpu_off']:.2f} | "
            f"{r['cpu_on']:.2f} | **{overhead:+.1%}** | {r['wall_off']:.2f} | "
            f"{r['wall_on']:.2f} | {'yes' if r['verified'] else 'NO'} |"
        )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--work":
        url, source, audited = sys.argv[2], sys.argv[3], sys.argv[4] == "1"
        if source.startswith("import:"):
            print(json.dumps(work_import(url, source[len("import:") :], audited)))
        else:
            print(json.dumps(work(url, int(source), audited)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="records to ingest")
    parser.add_argument("--repeats", type=int, default=3, help="runs per configuration")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    rows = measure(args.n, args.repeats)
    table = _table(rows)
    print(table)
    over = [r["store"] for r in rows if r["cpu_on"] / r["cpu_off"] - 1 >= 0.15]
    verdict = (
        f"In this run the overhead was 15% or more for: {', '.join(over)}."
        if over
        else "In this run the overhead stayed under 15% everywhere."
    )
    if args.write_docs:
        text = (
            "## Audit log: what it costs an import\n\n"
            f"Command: `{command_line()}` — best of {args.repeats} runs each; {machine()}"
            + (f"; load average {load:.1f} when it started" if load is not None else "")
            + ".\n\n"
            f"{table}\n\n"
            "Records are ingested through `Service.ingest` in batches of 1,000 (one transaction "
            "each); the last row imports a core-system extract end to end "
            "(`import_core_extract`, batches of 2,000 rows). Audited, each customer a batch "
            "stored records under gets one `entry` entry (its id, the records' field names, "
            "their number), sealed onto the chain and written in the batch's transaction; "
            "duplicates leave none. CPU time is the figure compared (the machine is shared); "
            "the target is an overhead under 15%. "
            f"{verdict}\n"
        )
        write_section("audit", text)


if __name__ == "__main__":
    main()
