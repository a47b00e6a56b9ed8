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
    Metrics,
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


def quality(people: int, stores: list[str]) -> list[tuple[str, dict[str, object], Metrics]]:
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
        out.append((scheme, facts, metrics))
    return out


def _quality_table(measured: list[tuple[str, dict[str, object], Metrics]]) -> str:
    rows: list[tuple[str, str]] = [
        ("records ingested", "{f[records]:,}"),
        ("records per second", "{f[rate]:,.0f}"),
        ("call-back events", "{f[events]:,}"),
        ("people and organisations", "{m.people:,}"),
        ("customers in the store", "{m.customers:,}"),
        ("**precision** (pairs of records)", "**{m.precision:.4f}**"),
        ("**recall** (pairs of records)", "**{m.recall:.4f}**"),
        ("people split over several customers", "{m.split_people:,}"),
        ("customers mixing several people", "{m.mixed_customers:,}"),
        ("open candidate pairs (of one person)", "{m.open_pairs:,} ({m.open_pairs_same_person:,})"),
        ("main customer has the current name", "{m.name_accuracy:.3f}"),
        ("… the resident ID or USCC", "{m.identity_accuracy:.3f}"),
        ("… the current address", "{m.address_accuracy:.3f}"),
        ("… the current numbers, callable", "{m.phone_recall:.3f}"),
        ("… wrong numbers it holds flagged wrong", "{m.wrong_flagged:.3f}"),
    ]
    head = "| measure | " + " | ".join(f"`{scheme}`" for scheme, _, _ in measured) + " |"
    lines = [head, "| --- |" + " ---: |" * len(measured)]
    for label, pattern in rows:
        cells = [pattern.format(f=facts, m=metrics) for _, facts, metrics in measured]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


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
        command = "python benchmarks/synth.py " + " ".join(sys.argv[1:])
        parts = [
            "## Synthetic book",
            "",
            f"Command: `{command}`; {_report.machine()}.",
            "",
            "Writing a book (`custmaster.testing.synth.write_csv` / `write_xlsx`), every file "
            "and `truth.jsonl`; rows/s counts the rows of every file. Rows per CPU second uses "
            "the process's own CPU time: on a machine shared with other jobs it is the steadier "
            "figure (it is what an idle core delivers), wall-clock rates vary with the load.",
            "",
            _speed_table(rows),
        ]
        parts += [
            "",
            f"Identity resolution on a book of {args.quality_people:,} people (seed 0, default "
            "noise), loaded with `custmaster.testing.synth.ingest` and measured with `evaluate`: "
            "precision and recall over pairs of records placed on one customer, merge quality "
            "on each person's main customer (the one holding most of their records).",
            "",
            _quality_table(measured),
            "",
            "No customer mixes people: a record whose ID cell was mistyped (and so left out) "
            "used to attach by policy number to the customer the policy's other records name "
            "(an insured before an insured change); since its name must now agree with that "
            "customer's, it raises a `name_conflict` pair instead. Recall is "
            "lost on records that carry no key: telesales calls naming neither a policy nor a "
            "plate (a name and a phone number never merge; they raise candidate pairs), rows of "
            "a policy whose insured changed (two insureds on one policy: ambiguous, so a new "
            "customer), and policies entered with a mistyped ID. The current name is wrong on "
            "main customers that never saw the real name (only 张先生 or a typo from a call-back "
            "or telesales row) and where a newer ID-bearing record carries a mistyped name "
            "(the default `trusted_name` rule ranks real names from ID-bearing records first); "
            "wrong numbers are flagged only where a call-back dialled them.",
        ]
        _report.write_section("synth", "\n".join(parts))


if __name__ == "__main__":
    main()
