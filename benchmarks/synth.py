"""Benchmark the synthetic book generator and measure identity resolution on its books.

    python benchmarks/synth.py [--records 1000000] [--repeats 3] [--quality-people 2000]
                               [--stores memory,sqlite] [--write-docs]

Speed: writes a book of about ``--records`` rows (people chosen from the rows a person gets on
average) to CSV in a temporary directory, as UTF-8 with BOM and as GBK, and a tenth of it to
XLSX; the median of ``--repeats`` runs each (one run for XLSX), in wall time and in CPU time
(the process's own, which a busy machine disturbs less), with the process's peak resident
memory before and after. Rows per second count every row of every file (the truth file is
written too, but its lines are not counted).

Quality: loads a book of ``--quality-people`` people into each store of ``--stores`` with
`custmaster.testing.synth.ingest` and measures resolution and merge quality against its truth
with `custmaster.testing.synth.evaluate` (seed 0, default rates).

``--write-docs`` rewrites the ``synth`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _report

from custmaster.store import available_schemes, open_store
from custmaster.testing.synth import (
    evaluate,
    generate,
    ingest,
    write_csv,
    write_xlsx,
)

#: Rows a person brings on average with the default rates (organisations included); measured
#: on seed 0 and only used to size the book.
ROWS_PER_PERSON = 12.3


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed(records: int, repeats: int) -> list[dict[str, object]]:
    """Rows per second of writing a book of about ``records`` rows, per format."""
    people = max(1, round(records / ROWS_PER_PERSON))
    write_csv(generate(seed=1, people=20), tempfile.mkdtemp())  # tables loaded once
    baseline = _peak_rss_mb()
    print(f"peak RSS before writing: {baseline:.0f} MB")
    results = []
    for label, count, writer, runs in (
        ("CSV, UTF-8 with BOM", people, write_csv, repeats),
        ("CSV, GBK (GB18030)", people, lambda b, d: write_csv(b, d, encoding="gbk"), repeats),
        ("XLSX (openpyxl, write-only)", max(1, people // 10), write_xlsx, 1),
    ):
        book = generate(seed=0, people=count)
        times = []
        cpu = []
        written = 0
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                start, start_cpu = time.perf_counter(), time.process_time()
                result = writer(book, folder)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                written = result.records
        seconds = sorted(times)[len(times) // 2]
        cpu_seconds = sorted(cpu)[len(cpu) // 2]
        results.append(
            {
                "format": label,
                "people": count,
                "rows": written,
                "seconds": seconds,
                "rate": written / seconds,
                "cpu_rate": written / cpu_seconds,
                "runs": runs,
                "baseline_mb": baseline,
                "peak_mb": _peak_rss_mb(),
            }
        )
        print(
            f"{label}: {written:,} rows in {seconds:.2f} s = {written / seconds:,.0f} rows/s "
            f"({written / cpu_seconds:,.0f} rows per CPU second; peak RSS {_peak_rss_mb():.0f} MB)"
        )
    return results


def quality(people: int, stores: list[str]) -> list[tuple[str, dict[str, object], str]]:
    """Resolution and merge quality on a book of ``people`` people, per store."""
    book = generate(seed=0, people=people)
    out = []
    for scheme in stores:
        with tempfile.TemporaryDirectory() as folder:
            url = "memory://" if scheme == "memory" else f"sqlite:///{folder}/book.db"
            store = open_store(url)
            try:
                start = time.perf_counter()
                loaded = ingest(store, book)
                seconds = time.perf_counter() - start
                metrics = evaluate(store, book)
            finally:
                store.close()
        facts = {
            "records": loaded.records,
            "events": loaded.events,
            "seconds": seconds,
            "rate": loaded.records / seconds,
        }
        print(f"{scheme}: {loaded.records:,} records ingested in {seconds:.1f} s")
        print(metrics.as_table())
        out.append((scheme, facts, metrics.as_table()))
    return out


def _speed_table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| format | people | rows | seconds (median) | rows/s | rows per CPU second "
        "| peak RSS (before writing) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['format']} | {r['people']:,} | {r['rows']:,} | {r['seconds']:.2f} "
            f"| {r['rate']:,.0f} | {r['cpu_rate']:,.0f} "
            f"| {r['peak_mb']:.0f} MB ({r['baseline_mb']:.0f} MB) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="rows of the speed book")
    parser.add_argument("--repeats", type=int, default=3, help="runs per median (CSV)")
    parser.add_argument("--quality-people", type=int, default=2000, help="people of the book")
    parser.add_argument(
        "--stores", default="memory", help="stores to measure quality on (memory,sqlite)"
    )
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    stores = [s for s in args.stores.split(",") if s in available_schemes()]

    rows = speed(args.records, args.repeats)  # first: the peak memory is the writer's
    measured = quality(args.quality_people, stores)
    if args.write_docs:
        parts = [
            "## Synthetic book",
            "",
            f"Command: `{_report.command_line()}`; {_report.machine()}.",
            "",
            "Writing a book (`custmaster.testing.synth.write_csv` / `write_xlsx`), every file "
            "and `truth.jsonl`; rows/s counts the rows of every file:",
            "",
            _speed_table(rows),
        ]
        for scheme, facts, table in measured:
            parts += [
                "",
                f"Identity resolution on a book of {args.quality_people:,} people (seed 0, "
                f"default noise), loaded into the `{scheme}` store with "
                f"`custmaster.testing.synth.ingest` ({facts['records']:,} records and "
                f"{facts['events']:,} call-back events, {facts['rate']:,.0f} records/s) and "
                "measured with `evaluate` (precision and recall over pairs of records; merge "
                "quality on each person's main customer):",
                "",
                table,
            ]
        _report.write_section("synth", "\n".join(parts))


if __name__ == "__main__":
    main()
