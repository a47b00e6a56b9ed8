"""Benchmark `custmaster.validate.cn_resident_id.validate` against `stdnum.cn.ric.validate`.

    python benchmarks/_resident_id.py [n] [repeats]

`run` builds ``n`` resident IDs as they arrive in real extracts (fixed seed, so every run sees
the same values): mostly plain 18-digit numbers, some with a lower-case ``x``, surrounding
whitespace, spaces or hyphens between the parts, full-width digits, first-generation 15-digit
numbers, and a few with a typo. Birth dates run from 1930 to 2023 and every county code was in
use in its birth year, so python-stdnum's stricter region check does not refuse them.

python-stdnum reads neither separators nor 15-digit numbers, so the two are timed on the
inputs both accept (the numbers stdnum accepts, which custmaster accepts too); custmaster is
also timed on the whole mixed input (with ``is_valid``, since some values are wrong). The
agreement counts the values on which both give the same verdict.

Importing this module does nothing; `benchmarks/validators.py` calls `run`.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence

__all__ = ["build_inputs", "run"]

_SEED = 20240601
_FIRST_YEAR, _LAST_YEAR = 1930, 2023
_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
# Share of each written form, in per mille.
_STYLES: tuple[tuple[str, int], ...] = (
    ("plain", 700),
    ("lower_x", 30),
    ("padded", 30),
    ("spaced", 80),
    ("hyphens", 40),
    ("full_width", 40),
    ("legacy_15", 60),
    ("typo", 20),
)


def _counties_by_year() -> dict[int, list[str]]:
    """County codes of the mainland in use in each year, from the table custmaster uses."""
    from custmaster.validate.cn_resident_id import _region_table

    generic = {"市辖区", "县", "市区", "省直辖县级行政单位", "省直辖行政单位"}
    table = sorted(_region_table().items())
    by_year: dict[int, list[str]] = {}
    for year in range(_FIRST_YEAR, _LAST_YEAR + 1):
        by_year[year] = [
            code
            for code, periods in table
            if code[4:] != "00"
            and code[:2] not in {"71", "81", "82", "83"}
            and any(
                name not in generic
                and (start is None or start <= year)
                and (end is None or year <= end)
                for name, start, end in periods
            )
        ]
    return by_year


def build_inputs(n: int, seed: int = _SEED) -> list[str]:
    """``n`` resident IDs in mixed real-world forms; the same list for the same seed."""
    from custmaster.validate.cn_resident_id import calc_check_digit

    rng = random.Random(seed)
    counties = _counties_by_year()
    first = dt.date(_FIRST_YEAR, 1, 1).toordinal()
    last = dt.date(_LAST_YEAR, 12, 31).toordinal()
    styles = [name for name, share in _STYLES for _ in range(share)]
    values: list[str] = []
    for _ in range(n):
        born = dt.date.fromordinal(rng.randint(first, last))
        code = rng.choice(counties[born.year])
        body = f"{code}{born:%Y%m%d}{rng.randint(1, 999):03d}"
        number = body + calc_check_digit(body)
        style = rng.choice(styles)
        if style == "lower_x":
            value = number.lower()
        elif style == "padded":
            value = f" {number}\t"
        elif style == "spaced":
            value = f"{number[:6]} {number[6:14]} {number[14:]}"
        elif style == "hyphens":
            value = f"{number[:6]}-{number[6:14]}-{number[14:]}"
        elif style == "full_width":
            value = number.translate(_FULL_WIDTH)
        elif style == "legacy_15" and born.year < 2000:
            value = number[:6] + number[8:17]
        elif style == "typo":
            position = rng.randrange(17)
            digit = str((int(number[position]) + rng.randint(1, 9)) % 10)
            value = number[:position] + digit + number[position + 1 :]
        else:
            value = number
        values.append(value)
    return values


def _median_seconds(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def _verdicts(is_valid: Callable[[str], bool], values: Sequence[str]) -> list[bool]:
    verdicts = []
    for value in values:
        try:
            verdicts.append(is_valid(value))
        except KeyError:  # python-stdnum 2.2 on a county missing from its table
            verdicts.append(False)
    return verdicts


def run(n: int = 1_000_000, repeats: int = 5) -> dict[str, object]:
    """Time both validators; return medians (seconds), rates (values/s), ratio and agreement.

    ``rate`` and ``reference_rate`` are measured on the same values (those both accept);
    ``mixed_rate`` is custmaster's ``is_valid`` over all ``n`` values.
    """
    import stdnum.cn.ric

    from custmaster.validate import cn_resident_id

    values = build_inputs(n)
    ours = _verdicts(cn_resident_id.is_valid, values)
    theirs = _verdicts(stdnum.cn.ric.is_valid, values)
    common = [value for value, a, b in zip(values, ours, theirs, strict=True) if a and b]
    same = sum(a == b for a, b in zip(ours, theirs, strict=True))
    ours_only = sum(a and not b for a, b in zip(ours, theirs, strict=True))
    theirs_only = sum(b and not a for a, b in zip(ours, theirs, strict=True))

    def ours_common() -> None:
        validate = cn_resident_id.validate
        for value in common:
            validate(value)

    def theirs_common() -> None:
        validate = stdnum.cn.ric.validate
        for value in common:
            validate(value)

    def ours_mixed() -> None:
        is_valid = cn_resident_id.is_valid
        for value in values:
            is_valid(value)

    seconds = _median_seconds(ours_common, repeats)
    reference_seconds = _median_seconds(theirs_common, repeats)
    mixed_seconds = _median_seconds(ours_mixed, repeats)
    return {
        "n": n,
        "timed": len(common),
        "repeats": repeats,
        "seconds": seconds,
        "rate": len(common) / seconds,
        "reference": "python-stdnum `stdnum.cn.ric.validate`",
        "reference_seconds": reference_seconds,
        "reference_rate": len(common) / reference_seconds,
        "ratio": reference_seconds / seconds,
        "mixed_seconds": mixed_seconds,
        "mixed_rate": n / mixed_seconds,
        "accepted": sum(ours),
        "reference_accepted": sum(theirs),
        "agreement": (
            f"{same / n:.1%} (custmaster only: {ours_only:,}, stdnum only: {theirs_only:,})"
        ),
    }


def main(argv: Sequence[str]) -> None:
    n = int(argv[0]) if argv else 1_000_000
    repeats = int(argv[1]) if len(argv) > 1 else 5
    result = run(n=n, repeats=repeats)
    print(f"values: {result['n']:,} mixed, {result['timed']:,} accepted by both (timed)")
    print(f"custmaster validate: {result['seconds']:.3f} s, {result['rate']:,.0f}/s")
    print(
        f"stdnum validate:     {result['reference_seconds']:.3f} s, "
        f"{result['reference_rate']:,.0f}/s"
    )
    print(f"speed-up:            {result['ratio']:.1f}x")
    print(f"custmaster is_valid on all values: {result['mixed_rate']:,.0f}/s")
    print(f"accepted: custmaster {result['accepted']:,}, stdnum {result['reference_accepted']:,}")
    print(f"agreement: {result['agreement']}")


if __name__ == "__main__":
    main(sys.argv[1:])
