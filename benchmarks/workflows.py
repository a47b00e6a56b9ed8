"""Benchmark the workflows end to end: a core-system import into SQLite, and a renewal export.

    python benchmarks/workflows.py [--rows 100000] [--seed 7] [--profile] [--write-docs]

1. **Import.** A synthetic core-system extract (`custmaster.testing.synth`, one year of
   policies, GB18030 as Chinese Excel writes it, with the generator's noise: formatting
   variants, some invalid cells) of about ``--rows`` rows is imported with
   `custmaster.workflows.core_import.import_core_extract` into a fresh SQLite file: reading
   and decoding, header mapping, validation, resolution, merge and storage, in the import's
   batches (one transaction each). Reported: rows/s end to end, the share of the time spent
   inside the store's ``ingest``, the resident memory at each quarter of the file (flat memory
   means the import streams) and its peak during the import.
2. **Renewal export.** From the same store (opened afresh, nothing cached), the month in
   which most policies end: the store's month query alone (`expiring`), then the rows
   (`custmaster.workflows.renewals.renewal_rows`: the store's month query, the insured's
   state, classification, callable contacts) and the masked file, CSV and XLSX: the rows once
   as the first run of the process, then three times more, each on a freshly opened store
   (median). Reported per policy row, and extrapolated to the month of a 1,000,000-policy
   book (a twelfth of it, as policies renew yearly), which is the issue's target (under 5 s):
   the first run's one-time cost once, plus the later runs' cost per policy. ``--rows
   1000000`` measures such a month directly.

``--profile`` prints the top functions of the import. ``run()`` returns the figures.

``--store FILE --month YYYY-MM`` measures only the export, on a SQLite store made before (for
comparing two versions of the code on one book): CPU seconds of the month's views, the rows,
the masked CSV and XLSX, medians of ``--repeats`` runs, each on a freshly opened store, their
cost per policy, and rows + XLSX extrapolated to the month of a 1,000,000-policy book. A store
keeps the views its import wrote: compare versions of the view format each on a store made by
its own code.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import command_line, machine, write_section

from custmaster.service import Service
from custmaster.testing import synth
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.renewals import export_renewals, renewal_rows

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
#: Rows of the core extract per person of a one-year synthetic book (measured: about 2.3).
ROWS_PER_PERSON = 2.3
TARGET_POLICIES = 1_000_000


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * PAGE


def _reset_peak() -> None:
    """Start the process's peak resident set (``VmHWM``) afresh (Linux 4.0 and later), so that
    the peak read after the import is the import's, not the synthetic book's."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        pass


def _peak() -> int | None:
    """The peak resident set (``VmHWM``) in bytes, or None where /proc does not tell it."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def make_extract(folder: Path, rows: int, seed: int) -> tuple[Path, int]:
    """Write the core-system extract of a synthetic book; returns its path and row count."""
    book = synth.generate(seed=seed, people=max(1, int(rows / ROWS_PER_PERSON)), years=1)
    written = synth.write_csv(book, folder, encoding="gb18030")
    return written.paths["core_system"], written.rows["core_system"]


def _busiest_month(service: Service, path: Path) -> str:
    months: Counter[str] = Counter()
    with path.open(encoding="gb18030", newline="") as handle:
        header = handle.readline().rstrip("\r\n").split(",")
        at = header.index("终保日期")
        for line in handle:
            cells = line.split(",")
            if len(cells) > at:
                text = cells[at].replace("/", "-").replace("年", "-").replace("月", "-")
                if len(text) >= 7 and text[:4].isdigit():
                    months[f"{text[:4]}-{int(text[5:7].rstrip('-')):02d}"] += 1
    month = months.most_common(1)[0][0]
    return month


def _openpyxl(path: Path, listed: list[Any]) -> float | None:
    """Seconds to write the same masked rows with openpyxl's write-only mode (None if absent)."""
    try:
        import openpyxl
    except ImportError:
        return None
    start = time.perf_counter()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("续保清单")
    for row in listed:
        sheet.append(list(row.masked().values()))
    workbook.save(path)
    return time.perf_counter() - start


def _best(work: Any, repeats: int = 2, clock: Any = time.perf_counter) -> float:
    """The least seconds of ``clock`` (wall clock, or `time.process_time` for the process's
    CPU) over ``repeats`` runs of ``work()``."""
    times = []
    for _ in range(repeats):
        start = clock()
        work()
        times.append(clock() - start)
    return min(times)


def run(rows: int = 100_000, seed: int = 7) -> dict[str, Any]:
    """Import an extract into SQLite and export a month's renewals; the figures."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        extract, count = make_extract(base, rows, seed)
        service = Service.open(f"sqlite:///{base}/bench.db")
        ingest_time = 0.0
        original = service.ingest

        def timed(records: Any) -> Any:
            nonlocal ingest_time
            start = time.perf_counter()
            result = original(records)
            ingest_time += time.perf_counter() - start
            return result

        service.ingest = timed  # type: ignore[method-assign]
        memory: list[tuple[int, int]] = []
        marks = {count * q // 4 for q in (1, 2, 3)}

        def progress(done: int, _fraction: float | None) -> None:
            if any(done >= m for m in marks):
                for m in sorted(marks):
                    if done >= m:
                        marks.discard(m)
                memory.append((done, _rss()))

        gc.collect()
        before = _rss()
        _reset_peak()
        start = time.perf_counter()
        cpu = time.process_time()
        summary = import_core_extract(service, extract, progress=progress)
        elapsed = time.perf_counter() - start
        import_cpu = time.process_time() - cpu
        memory.append((summary.rows, _rss()))
        peak = _peak()
        counts = service.counts()
        month = _busiest_month(service, extract)
        url = service.url
        service.close()
        # Each measurement on a freshly opened store: no state cached from the import.
        with Service.open(url) as fresh:
            query_time = _best(lambda: fresh.expiring(month), repeats=1)
        with Service.open(url) as fresh:
            views = fresh.store.expiring_views  # type: ignore[attr-defined]
            views_time = _best(lambda: sum(1 for _ in views(month)), repeats=1)
        gc.collect()
        service = Service.open(url)
        start = time.perf_counter()
        cpu = time.process_time()
        listed = renewal_rows(service, month)
        rows_time = time.perf_counter() - start
        rows_cpu = time.process_time() - cpu
        # Again on freshly opened stores: what is loaded once per process (the vehicle
        # catalogue's index, caches of masks and times) is then loaded, and the difference
        # is that one-time cost, which a bigger month pays once, not per row.
        warm, warm_cpu = [], []
        for _ in range(3):
            with Service.open(url) as fresh:
                start = time.perf_counter()
                cpu = time.process_time()
                renewal_rows(fresh, month)
                warm.append(time.perf_counter() - start)
                warm_cpu.append(time.process_time() - cpu)
        rows_warm = statistics.median(warm)
        rows_warm_cpu = statistics.median(warm_cpu)
        openpyxl_time = _openpyxl(base / "o.xlsx", listed)
        csv_time = _best(lambda: export_renewals(service, month, base / "r.csv", rows=listed))
        xlsx_time = _best(lambda: export_renewals(service, month, base / "r.xlsx", rows=listed))
        xlsx_cpu = _best(
            lambda: export_renewals(service, month, base / "r.xlsx", rows=listed),
            clock=time.process_time,
        )
        service.close()
    per_row = (rows_warm + xlsx_time) / max(len(listed), 1)
    per_row_cpu = (rows_warm_cpu + xlsx_cpu) / max(len(listed), 1)
    once = max(rows_time - rows_warm, 0.0)
    once_cpu = max(rows_cpu - rows_warm_cpu, 0.0)
    month_rows = TARGET_POLICIES / 12
    return {
        "rows": summary.rows,
        "imported": summary.imported,
        "rejected": summary.rejected,
        "customers": counts["customers"],
        "policies": counts["policies"],
        "import_s": elapsed,
        "import_rows_per_s": summary.rows / elapsed,
        "import_rows_per_cpu_s": summary.rows / import_cpu,
        "rows_cpu_s": rows_cpu,
        "month_s": rows_time + xlsx_time,
        "ingest_share": ingest_time / elapsed,
        "rss_start_mb": before / 2**20,
        "rss_marks": [(done, rss / 2**20) for done, rss in memory],
        "rss_peak_mb": None if peak is None else peak / 2**20,
        "month": month,
        "month_rows": len(listed),
        "rows_s": rows_time,
        "rows_warm_s": rows_warm,
        "once_s": once,
        "query_s": query_time,
        "views_s": views_time,
        "openpyxl_s": openpyxl_time,
        "csv_s": csv_time,
        "xlsx_s": xlsx_time,
        "per_row_us": per_row * 1e6,
        "extrapolated_s": once + per_row * month_rows,
        "xlsx_cpu_s": xlsx_cpu,
        "per_row_cpu_us": per_row_cpu * 1e6,
        "extrapolated_cpu_s": once_cpu + per_row_cpu * month_rows,
    }


def _cpu(work: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """CPU seconds of ``work(*args, **kwargs)``, and what it returned."""
    gc.collect()
    start = time.process_time()
    result = work(*args, **kwargs)
    return time.process_time() - start, result


def _count(items: Any) -> int:
    return sum(1 for _ in items)


def export_only(store: Path, month: str, repeats: int = 5) -> dict[str, Any]:
    """CPU seconds (medians of ``repeats`` runs) of a month's export from an existing SQLite
    store: its views (`expiring_views`), the rows, the masked CSV and XLSX written from them."""
    url = f"sqlite:///{store}"
    times: dict[str, list[float]] = {"views": [], "rows": [], "csv": [], "xlsx": []}
    listed: list[Any] = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeats):
            with Service.open(url) as fresh:
                seconds, _ = _cpu(_count, fresh.store.expiring_views(month))  # type: ignore[attr-defined]
                times["views"].append(seconds)
            with Service.open(url) as fresh:
                seconds, listed = _cpu(renewal_rows, fresh, month)
                times["rows"].append(seconds)
                for kind in ("csv", "xlsx"):
                    path = Path(folder) / f"r.{kind}"
                    seconds, _ = _cpu(export_renewals, fresh, month, path, rows=listed)
                    times[kind].append(seconds)
    policies = max(len(listed), 1)
    figures: dict[str, Any] = {"month": month, "policies": len(listed)}
    for name, runs in times.items():
        figures[f"{name}_cpu_s"] = statistics.median(runs)
        figures[f"{name}_us"] = statistics.median(runs) / policies * 1e6
    figures["rows_xlsx_us"] = figures["rows_us"] + figures["xlsx_us"]
    figures["extrapolated_s"] = figures["rows_xlsx_us"] / 1e6 * TARGET_POLICIES / 12
    return figures


def profile(rows: int = 20_000, seed: int = 7, top: int = 25) -> str:
    """The cProfile top functions (own time) of an import into SQLite."""
    with tempfile.TemporaryDirectory() as folder:
        extract, _ = make_extract(Path(folder), rows, seed)
        service = Service.open(f"sqlite:///{folder}/p.db")
        profiler = cProfile.Profile()
        profiler.enable()
        import_core_extract(service, extract)
        profiler.disable()
        service.close()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def _table(f: dict[str, Any]) -> str:
    marks = ", ".join(f"{done:,} rows: {mb:,.0f} MB" for done, mb in f["rss_marks"])
    return "\n".join(
        [
            "| measure | value |",
            "| --- | ---: |",
            f"| core-system extract (GB18030 CSV) rows | {f['rows']:,} |",
            f"| rows imported / rejected | {f['imported']:,} / {f['rejected']:,} |",
            f"| customers, policies in the store | {f['customers']:,}, {f['policies']:,} |",
            f"| **import end to end into SQLite (rows/s)** | **{f['import_rows_per_s']:,.0f}** |",
            f"| import rows per CPU second of the process | {f['import_rows_per_cpu_s']:,.0f} |",
            f"| share of the import inside the store's `ingest` | {f['ingest_share']:.0%} |",
            f"| resident memory before, then at each quarter | {f['rss_start_mb']:,.0f} MB; "
            f"{marks} |",
            "| peak resident memory of the import | "
            + (f"{f['rss_peak_mb']:,.0f} MB |" if f["rss_peak_mb"] is not None else "unknown |"),
            f"| renewal month (most policies ending) | {f['month']} |",
            f"| policies in that month | {f['month_rows']:,} |",
            f"| renewal rows, first run of the process (s; CPU s) | {f['rows_s']:.2f}; "
            f"{f['rows_cpu_s']:.2f} |",
            f"| renewal rows, store opened afresh, median of 3 later runs (s) | "
            f"{f['rows_warm_s']:.2f} |",
            f"| the month's stored views alone, `expiring_views` (s) | {f['views_s']:.2f} |",
            "| the month's `Policy` objects, `expiring` (states rebuilt from the log) (s) | "
            f"{f['query_s']:.2f} |",
            f"| masked CSV written (s, best of 2) | {f['csv_s']:.2f} |",
            f"| masked XLSX written (s, best of 2; CPU s, best of 2) | {f['xlsx_s']:.2f}; "
            f"{f['xlsx_cpu_s']:.2f} |",
            "| the same XLSX with openpyxl's write-only mode (s) | "
            + (f"{f['openpyxl_s']:.2f} |" if f["openpyxl_s"] is not None else "not installed |"),
            f"| rows (later runs) + XLSX per policy (µs; CPU µs) | {f['per_row_us']:,.0f}; "
            f"{f['per_row_cpu_us']:,.0f} |",
            f"| **this month's rows + XLSX, measured, first run (s)** | **{f['month_s']:,.1f}** |",
            "| **extrapolated: a month of a 1,000,000-policy book (83,333 rows), rows + XLSX "
            f"(s)** (the first run's one-time cost once, then the cost per policy) | "
            f"**{f['extrapolated_s']:,.1f}** |",
            "| the same from CPU seconds (what other processes' load does not inflate) (s) | "
            f"{f['extrapolated_cpu_s']:,.1f} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the extract")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--store", type=Path, help="measure only the export, from this SQLite file")
    parser.add_argument("--month", help="the month exported with --store (YYYY-MM)")
    parser.add_argument("--repeats", type=int, default=5, help="runs with --store (median)")
    args = parser.parse_args()
    if args.store is not None:
        if not args.month:
            parser.error("--store needs --month")
        f = export_only(args.store, args.month, args.repeats)
        print(
            f"{f['policies']:,} policies of {f['month']}; CPU s (median of {args.repeats}), "
            "µs per policy:"
        )
        for name in ("views", "rows", "csv", "xlsx"):
            print(f"  {name:5}  {f[name + '_cpu_s']:7.3f} s  {f[name + '_us']:7.1f} µs")
        print(f"  rows + XLSX: {f['rows_xlsx_us']:.1f} µs per policy")
        print(
            "  extrapolated: a month of a 1,000,000-policy book (83,333 rows), rows + XLSX: "
            f"{f['extrapolated_s']:.1f} s"
        )
        return
    if args.profile:
        print(profile(min(args.rows, 50_000), args.seed))
        return
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    figures = run(args.rows, args.seed)
    table = _table(figures)
    print(table)
    if args.write_docs:
        text = (
            "## Workflows: core-system import and renewal export\n\n"
            f"Command: `{command_line()}` — one run; {machine()}"
            + (f"; load average {load:.1f} when it started" if load is not None else "")
            + ".\n\n"
            f"{table}\n\n"
            "The issue's targets are 10,000 rows/s for the import and under 5 s for the month's "
            "export of a 1,000,000-policy store. The import is bounded by resolution, merge and "
            "storage (the share inside `ingest` above) and by building each validated "
            "`SourceRecord`. The renewal rows are built from the views the store keeps "
            "(`expiring_views`: the month's policies, their holders and their current views in "
            "a few set-based queries, no golden state rebuilt), each view read only up to the "
            "end of the summary it opens with (numbers already ranked, holdings counted, each "
            "policy's roles and terms); what remains is the store's queries, reading the "
            "summaries, classifying the vehicle, masking each distinct value once and writing, "
            "with the cyclic garbage collector paused. The "
            "XLSX is written by custmaster's own streaming writer (`custmaster.workflows.xlsx`); "
            "openpyxl's write-only mode is timed on the same rows for comparison. The "
            "1,000,000-policy figure is the first run's one-time cost (loading the vehicle "
            "catalogue's index and filling caches: the first run less the median of the later "
            "runs) once, plus the cost per policy of the later runs times 83,333; the month "
            "measured is the busiest month of this run's book. With `--rows 1000000` that "
            "month itself has about as many policies as the target's month, measured directly "
            "in the first-run row.\n\n"
            "Memory: the resident set grows while the bounded caches fill (the SQLite page cache, "
            "64 MB; the cache of 5,000 customer states), then stays level.\n"
        )
        write_section("workflows", text)


if __name__ == "__main__":
    main()
