"""Benchmark the hot-path validators against their reference libraries, in one run.

    python benchmarks/validators.py [--n 1000000] [--repeats 5] [--write-docs]

Prints, for phone numbers and resident IDs, the median time of several runs of custmaster and
of the reference (phonenumbers, python-stdnum) over the same mixed real-world inputs, the rates
and the ratio, and how often the two agree. ``--write-docs`` also updates docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _phone
import _report
import _resident_id


def _table(rows: list[tuple[str, dict[str, object]]]) -> str:
    lines = [
        "| benchmark | values | custmaster (values/s) | reference | reference (values/s) "
        "| speed-up | agreement |",
        "| --- | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['n']:,} | {r['rate']:,.0f} | {r['reference']} "
            f"| {r['reference_rate']:,.0f} | {r['ratio']:.1f}× | {r['agreement']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="values per benchmark")
    parser.add_argument("--repeats", type=int, default=5, help="runs per median")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    rows = [
        ("`phone.parse`", _phone.run(n=args.n, repeats=args.repeats)),
        ("`cn_resident_id.validate`", _resident_id.run(n=args.n, repeats=args.repeats)),
    ]
    table = _table(rows)
    print(table)
    if args.write_docs:
        _report.write_section(
            "validators",
            "## Validators\n\n"
            f"Command: `{_report.command_line()}` — medians of {args.repeats} runs; "
            f"{_report.machine()}.\n\n" + table,
        )


if __name__ == "__main__":
    main()
