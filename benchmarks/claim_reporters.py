"""Benchmark the third-party rule of claim reports on a file that names no insured.

    python benchmarks/claim_reporters.py [--customers 20000] [--rows 20000] [--store sqlite]

A core extract of ``--customers`` policies (one plate each) is imported into a fresh store
(``sqlite``: a file; ``memory``; ``postgresql``: the server of
``CUSTMASTER_TEST_POSTGRES_URL``, a fresh schema), then a claim file of ``--rows`` reports
over as many distinct plates, with 报案人 and 报案人电话 but neither 被保险人 nor a relation
column: to tell the insured reporting from anyone else, the rule looks up the insured's name
by plate (`custmaster.workflows.channels.ThirdPartyContact`). The claim file is imported
twice into copies of the same book: with the claim report's profile, and with the same
profile without its row hook (the reading before the rule). Reported: seconds of each (wall,
and the CPU time of this process, steadier on a shared machine; a PostgreSQL server's work is
in the wall time only), the difference, and what share of the rows were read as third parties.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import attrs

from custmaster.service import Service
from custmaster.validate import cn_resident_id
from custmaster.workflows.channels import CLAIM_REPORT, import_channel_file
from custmaster.workflows.core_import import import_core_extract

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.choice((1, 2))))


def _plate(n: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{_PROVINCES[n % 31]}{letters[(n // 31) % 24]}{n % 100000:05d}"


def _resident_id(n: int) -> str:
    body = f"350203{1960 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + cn_resident_id.calc_check_digit(body)


def write_files(folder: Path, customers: int, rows: int, seed: int) -> tuple[Path, Path]:
    """The core extract and the claim file (GB18030, as Excel writes them)."""
    rng = random.Random(seed)
    names = [_name(rng) for _ in range(customers)]
    core = folder / "core.csv"
    with core.open("w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["保单号", "被保险人", "身份证号", "车牌号", "起保日期", "终保日期",
                         "签单日期", "移动电话"])  # fmt: skip
        for n in range(customers):
            writer.writerow([f"PDAA2026{n:07d}", names[n], _resident_id(n), _plate(n),
                             "2026-01-05", "2027-01-04", "2026-01-02",
                             f"138{n % 100000000:08d}"])  # fmt: skip
    claims = folder / "报案.csv"
    with claims.open("w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["报案号", "报案时间", "车牌号", "报案人", "报案人电话"])
        for n in range(rows):
            who = n % customers
            # half the insured report themselves, half someone else (a relative, a driver)
            reporter = names[who] if n % 2 else _name(rng)
            writer.writerow([f"RP2026{n:08d}", f"2026-06-{1 + n % 28:02d} 09:30", _plate(who),
                             reporter, f"139{n % 100000000:08d}"])  # fmt: skip
    return core, claims


def _url(kind: str, folder: Path, name: str) -> str:
    if kind == "memory":
        return "memory://"
    if kind == "sqlite":
        return f"sqlite:///{folder / name}"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from _store_helpers import Schemas  # only for PostgreSQL

    return Schemas(os.environ["CUSTMASTER_TEST_POSTGRES_URL"]).new()


def run(customers: int, rows: int, store: str, seed: int) -> dict[str, float]:
    """Seconds of the claim import with and without the rule, and the third-party share."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        core, claims = write_files(folder, customers, rows, seed)
        found: dict[str, float] = {}
        book = None
        for label, profile in (
            ("without the rule", attrs.evolve(CLAIM_REPORT, row_hook=None)),
            ("with the rule", CLAIM_REPORT),
        ):
            if store == "sqlite":
                if book is None:
                    book = folder / "book.db"
                    with Service.open(f"sqlite:///{book}") as service:
                        import_core_extract(service, core)
                target = folder / f"{label}.db"
                shutil.copy(book, target)
                url = f"sqlite:///{target}"
            else:
                url = _url(store, folder, "")
            with Service.open(url) as service:
                if store != "sqlite":
                    import_core_extract(service, core)
                started, cpu = time.perf_counter(), time.process_time()
                summary = import_channel_file(service, claims, profile)
                found[label] = time.perf_counter() - started
                found[f"cpu, {label}"] = time.process_time() - cpu
                assert summary.rejected == 0, summary.codes
                found[f"third parties, {label}"] = summary.third_party / summary.rows
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--store", choices=("sqlite", "memory", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    found = run(args.customers, args.rows, args.store, args.seed)
    plain, ruled = found["without the rule"], found["with the rule"]
    print(f"{args.rows} claim rows over {min(args.rows, args.customers)} plates, {args.store}:")
    print(f"  without the rule {plain:.2f} s, with it {ruled:.2f} s (+{ruled - plain:.2f} s)")
    cpu_plain, cpu_ruled = found["cpu, without the rule"], found["cpu, with the rule"]
    print(
        f"  CPU of this process: without {cpu_plain:.2f} s, with {cpu_ruled:.2f} s "
        f"(+{cpu_ruled - cpu_plain:.2f} s)"
    )
    print(f"  third parties: {found['third parties, with the rule']:.0%} of the rows")


if __name__ == "__main__":
    main()
