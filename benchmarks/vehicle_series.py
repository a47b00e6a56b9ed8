"""Benchmark and measure the vehicle-series classifier (custmaster.catalog.vehicle_series).

    python benchmarks/vehicle_series.py [--n 1000000] [--repeats 5] [--write-docs] [--profile]

Speed: classifies ``n`` strings of two workloads, with ``Classifier.classify`` one string at a
time and with ``Classifier.classify_many`` in one batch, as the median of ``repeats`` runs each
(wall time and the process's CPU time: on a machine shared with other jobs the CPU figure is the
steadier one):

* **realistic** — a book as insurers hold it: ``n`` draws (Zipf, s = 1.1) from a pool of 30,000
  distinct strings, generated with a fixed seed in the styles of
  ``tests/data/make-model-samples.csv`` (brand + 牌 + code, producer + code, series + code, bare
  codes, descriptors, placeholders; half with noise: lower case, full width, spaces in the code,
  tabs) from the shipped catalogue. The caches are emptied before each run.
* **all distinct** — ``n`` strings that are all different, so every string misses the result
  cache (the decision on the text around the model code is shared, as it is in real books).

Accuracy: the share of correct producers, series and model codes on every labelled file in
``tests/data`` (the samples, the evidence file and each ``make-model-*.csv`` hold-out set: the
figures the ``tests/test_vehicle_series*.py`` files assert); the adversarial file is shown as
its tuning and hold-out parts.

``--write-docs`` rewrites the marked sections of docs/vehicle-series.md (accuracy, speed) and
the vehicle-series section of docs/benchmarks.md (between its markers only); ``--profile``
prints a cProfile summary of the all-distinct run.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from custmaster.catalog.vehicle_series import Classifier, VehicleCatalog

ROOT = Path(__file__).resolve().parent.parent

DOC = ROOT / "docs" / "vehicle-series.md"
DATA = ROOT / "tests" / "data"
POOL = 30_000
SEED = 20241204

_FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_DESCRIPTORS = ("轿车", "普通轿车", "多用途乘用车", "运动型多用途乘用车", "越野乘用车", "手自一体")
_SUFFIXES = ("", "A", "AB", "BBV", "MX", "E6", "DM", "GH", "TL", "L2", "AC5", "ST6HEV9", "BEVA8")
_PLACEHOLDERS = ("不详", "无", "暂无", "/", "N/A", "", "-")


class _Maker:
    """Random 厂牌型号 strings in the samples' styles, from the catalogue."""

    def __init__(self, catalog: VehicleCatalog, seed: int) -> None:
        self.rnd = random.Random(seed)
        coded = [e for e in catalog if e.model_code_prefixes and e.series]
        self.coded = coded
        self.plain = [e for e in catalog if not e.model_code_prefixes and e.series]
        by_mfr: dict[str, list[str]] = defaultdict(list)
        for entry in coded:
            by_mfr[entry.manufacturer] += entry.model_code_prefixes
        self.prefixes = {m: sorted(set(p)) for m, p in by_mfr.items()}

    def code(self, manufacturer: str) -> str:
        rnd = self.rnd
        prefix = rnd.choice(self.prefixes[manufacturer])
        digits = f"{rnd.randint(10, 69)}{rnd.randint(0, 9)}"
        if rnd.random() < 0.15:
            digits += str(rnd.randint(0, 9))
        return prefix + digits + rnd.choice(_SUFFIXES)

    def noisy_code(self, code: str) -> str:
        rnd = self.rnd
        roll = rnd.random()
        if roll < 0.15:
            return code.lower()
        if roll < 0.25:
            return "".join(_FULL_WIDTH.get(ch, ch) for ch in code)
        if roll < 0.35:  # a space after the enterprise code or inside the digits
            letters = len(code) - len(code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            cut = rnd.randint(letters, letters + 3)
            return code[:cut] + " " + code[cut:]
        return code

    def one(self) -> str:
        rnd = self.rnd
        roll = rnd.random()
        if roll < 0.02:
            return rnd.choice(_PLACEHOLDERS)
        if roll < 0.12:
            entry = rnd.choice(self.plain)
            text = rnd.choice([entry.series, f"{entry.brand} {entry.series}", entry.series])
        else:
            entry = rnd.choice(self.coded)
            code = self.noisy_code(self.code(entry.manufacturer))
            style = rnd.randrange(6)
            text = [
                f"{entry.brand}牌{code}",
                f"{entry.brand}牌{code}{rnd.choice(_DESCRIPTORS)}",
                f"{entry.manufacturer}{code}",
                f"{entry.manufacturer}牌{code}",
                f"{entry.series}{code}{rnd.choice(('', rnd.choice(_DESCRIPTORS)))}",
                code,
            ][style]
        pad = rnd.random()
        if pad < 0.1:
            text = f"  {text} "
        elif pad < 0.15:
            text += "\t"
        return text

    def distinct(self, count: int) -> list[str]:
        seen: dict[str, None] = {}
        while len(seen) < count:
            seen[self.one()] = None
        return list(seen)


def workloads(n: int, *, seed: int = SEED) -> tuple[list[str], list[str]]:
    """``(repeated, distinct)`` lists of ``n`` strings each (deterministic for a seed)."""
    maker = _Maker(VehicleCatalog.load(), seed)
    pool = maker.distinct(POOL)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(pool))]
    repeated = maker.rnd.choices(pool, weights=weights, k=n)
    return repeated, maker.distinct(n)


def _median(
    work: Callable[[], object], before: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeats`` runs of ``work`` (``before`` runs untimed)."""
    walls, cpus = [], []
    for _ in range(repeats):
        before()
        gc.collect()
        gc.disable()
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        finally:
            gc.enable()
    return statistics.median(walls), statistics.median(cpus)


def run(n: int = 1_000_000, repeats: int = 5) -> dict[str, object]:
    """Time the classifier on both workloads and both APIs; rates are strings per second."""
    repeated, distinct = workloads(n)
    start = time.perf_counter()
    classifier = Classifier()
    build = time.perf_counter() - start
    one, many, clear = classifier.classify, classifier.classify_many, classifier.cache_clear
    rows = []
    for workload, strings in (("realistic", repeated), ("all distinct", distinct)):
        for api, work in (
            ("classify", lambda s=strings: list(map(one, s))),
            ("classify_many", lambda s=strings: many(s)),
        ):
            wall, cpu = _median(work, clear, repeats)
            rows.append((workload, api, len(set(strings)), wall, cpu))
    warm = _median(lambda: list(map(one, repeated)), lambda: None, repeats)
    return {
        "n": n,
        "repeats": repeats,
        "build_seconds": build,
        "rows": rows,
        "warm": warm,
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def profile(n: int = 200_000) -> str:
    """A cProfile summary of classifying ``n`` all-distinct strings."""
    import cProfile
    import io
    import pstats

    _, distinct = workloads(n)
    classifier = Classifier()
    profiler = cProfile.Profile()
    profiler.runcall(lambda: list(map(classifier.classify, distinct)))
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    return out.getvalue()


def _share(good: int, total: int) -> str:
    return f"{good} / {total} ({100 * good / total:.1f} %)" if total else "—"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def labelled_sets() -> list[tuple[str, list[dict[str, str]], tuple[str, str, str, str | None]]]:
    """Every labelled file of tests/data: ``(name, rows, (text, producer, series, code))``, the
    column names of the string, the expected producer and series, and the expected model code
    (``None`` when the file has none). The samples and the evidence file come first, then each
    ``make-model-*.csv`` hold-out set by name; a file with a ``set`` column is shown by parts."""
    found: list[tuple[str, list[dict[str, str]], tuple[str, str, str, str | None]]] = []
    columns = ("input", "expected_manufacturer_cn", "expected_series_cn")
    samples = DATA / "make-model-samples.csv"
    found.append((samples.name, _read(samples), (*columns, "model_code")))
    evidence = DATA / "model-code-evidence.csv"
    found.append(
        (
            evidence.name,
            _read(evidence),
            ("observed_string", "manufacturer_cn", "series_cn_in_string", "model_code"),
        )
    )
    for path in sorted(DATA.glob("make-model-*.csv")):
        if path == samples:
            continue
        rows = _read(path)
        code = "model_code" if rows and "model_code" in rows[0] else None
        if rows and "set" in rows[0]:
            for part in dict.fromkeys(row["set"] for row in rows):
                subset = [row for row in rows if row["set"] == part]
                found.append((f"{path.name} ({part})", subset, (*columns, code)))
        else:
            found.append((path.name, rows, (*columns, code)))
    return found


def accuracy() -> list[dict[str, object]]:
    """Correct producers, series and model codes on the labelled files in tests/data (with the
    VIN where a file has a ``vin`` column)."""
    classifier = Classifier()
    out = []
    for name, rows, (text, mfr, series, code) in labelled_sets():
        results = [classifier.classify(row[text], row.get("vin") or None) for row in rows]
        pairs = list(zip(rows, results, strict=True))
        named = [(row, r) for row, r in pairs if row[series]]
        empty = [(row, r) for row, r in pairs if not row[mfr]]
        right_mfr = sum(r.manufacturer == (row[mfr] or None) for row, r in pairs)
        right_series = sum(r.series == row[series] for row, r in named)
        no_extra = sum(r.series is None for row, r in pairs if not row[series])
        right_code = sum((r.model_code or "") == row[code] for row, r in pairs) if code else None
        left_empty = sum(r.manufacturer is None for _, r in empty)
        out.append(
            {
                "file": name,
                "rows": len(rows),
                "manufacturer": (right_mfr, len(rows)),
                "series": (right_series, len(named)),
                "no_extra_series": (no_extra, len(rows) - len(named)),
                "model_code": (right_code, len(rows)) if right_code is not None else (0, 0),
                "unclassified": (left_empty, len(empty)),
            }
        )
    return out


def accuracy_table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| file | rows | producer correct | series correct (where named) "
        "| no series when none named | model code correct | unclassified when expected |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        keys = ("manufacturer", "series", "no_extra_series", "model_code", "unclassified")
        cells = [_share(*r[k]) for k in keys]
        file, _, part = str(r["file"]).partition(" ")
        name = f"`{file}` {part}".rstrip()
        lines.append(f"| {name} | {r['rows']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def speed_table(r: dict[str, object]) -> str:
    n = r["n"]
    assert isinstance(n, int)
    lines = [
        "| workload | API | strings | distinct | wall s | strings/s (wall) | CPU s "
        "| strings per CPU second |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for workload, api, distinct, wall, cpu in r["rows"]:  # type: ignore[attr-defined]
        lines.append(
            f"| {workload} | `{api}` | {n:,} | {distinct:,} | {wall:.2f} | {n / wall:,.0f} "
            f"| {cpu:.2f} | {n / cpu:,.0f} |"
        )
    wall, cpu = r["warm"]  # type: ignore[misc]
    lines.append(
        f"| realistic, result cache already warm | `classify` | {n:,} | — | {wall:.2f} "
        f"| {n / wall:,.0f} | {cpu:.2f} | {n / cpu:,.0f} |"
    )
    return "\n".join(lines)


def write_section(name: str, markdown: str) -> None:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` in the doc."""
    text = DOC.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text:
        raise SystemExit(f"{DOC} has no {start} marker")
    block = f"{start}\n{markdown.rstrip()}\n{end}"
    pattern = re.escape(start) + r".*?" + re.escape(end)
    DOC.write_text(re.sub(pattern, lambda _: block, text, flags=re.S), encoding="utf-8")


def _machine() -> str:
    import os
    import platform

    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="strings per workload")
    parser.add_argument("--repeats", type=int, default=5, help="runs per median")
    parser.add_argument("--write-docs", action="store_true", help="update the docs' figures")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    args = parser.parse_args()

    if args.profile:
        print(profile(min(args.n, 200_000)))
        return
    acc = accuracy_table(accuracy())
    print(acc, end="\n\n")
    result = run(n=args.n, repeats=args.repeats)
    speed = speed_table(result)
    load = result["load"]
    facts = (
        f"medians of {args.repeats} runs; index build {result['build_seconds'] * 1000:.0f} ms; "
        f"{_machine()}" + (f"; load average {load:.1f} when it started" if load is not None else "")
    )
    print(speed)
    print(f"\n{facts}")
    if args.write_docs:
        import _report

        command = _report.command_line()
        write_section("vehicle-series-accuracy", acc)
        write_section("vehicle-series-speed", f"Command: `{command}` — {facts}.\n\n" + speed)
        _report.write_section(
            "vehicle-series",
            "## Vehicle series classification\n\n"
            f"Command: `{command}` — {facts}. Classifying 厂牌型号 strings into producer and "
            "series (`custmaster.catalog.vehicle_series`): a realistic book (Zipf draws from "
            "30,000 generated strings) and strings that are all different; see "
            "[Vehicle series](vehicle-series.md#speed) for the workloads and the accuracy.\n\n"
            + speed,
        )


if __name__ == "__main__":
    main()
