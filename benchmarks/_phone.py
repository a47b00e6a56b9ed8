"""Benchmark: `custmaster.validate.phone.parse` against phonenumbers on the same inputs.

``run(n, repeats)`` builds ``n`` Chinese numbers in the formats real extracts hold (mobiles and
fixed lines with area code; plain, spaced, dashed, bracketed, with ``+86`` / ``0086`` / ``86``;
a few 400/800 numbers; about 3 % with a typing error), from a fixed seed, and times

* custmaster: ``phone.parse(value)``;
* phonenumbers: ``phonenumbers.parse(value, "CN")`` + ``is_valid_number`` +
  ``format_number(..., E164)``,

alternately, ``repeats`` times each. It also checks that both give the same verdict and the
same E.164 on every input. Importing this module does nothing; ``python benchmarks/_phone.py
[n] [repeats]`` prints the result.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import phonenumbers

from custmaster.errors import ValidationError
from custmaster.validate import phone

__all__ = ["make_inputs", "run"]

_SEED = 20240502
_CHUNK = 10_000
_MOBILE_PREFIXES = (
    *range(130, 140),
    145,
    147,
    *range(150, 154),
    *range(155, 160),
    162,
    165,
    166,
    167,
    *range(170, 174),
    *range(175, 179),
    *range(180, 190),
    190,
    191,
    192,
    *range(195, 200),
)
# Beijing, Shanghai … and a spread of three-digit area codes (province capitals and others).
_AREA_CODES = (
    "10",
    "20",
    "21",
    "22",
    "23",
    "24",
    "25",
    "27",
    "28",
    "29",
    "311",
    "351",
    "371",
    "431",
    "451",
    "471",
    "512",
    "531",
    "551",
    "571",
    "574",
    "591",
    "592",
    "595",
    "731",
    "755",
    "757",
    "769",
    "851",
    "871",
    "898",
    "931",
    "951",
    "991",
)


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _mobile(rng: random.Random) -> str:
    number = f"{rng.choice(_MOBILE_PREFIXES)}{_digits(rng, 8)}"
    style = rng.randrange(8)
    if style == 0:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if style == 1:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if style == 2:
        return f"+86 {number[:3]} {number[3:7]} {number[7:]}"
    if style == 3:
        return "+86" + number
    if style == 4:
        return rng.choice(("0086", "86", "+86-")) + number
    return number


def _local_sizes() -> dict[str, tuple[int, ...]]:
    """The local-number lengths phonenumbers accepts after each area code of the sample."""
    sizes = {}
    for area in _AREA_CODES:
        valid = []
        for size in (7, 8):
            number = phonenumbers.parse(f"0{area}{'6' * size}", "CN")
            if phonenumbers.is_valid_number(number):
                valid.append(size)
        sizes[area] = tuple(valid) or (8,)
    return sizes


def _fixed(rng: random.Random, sizes: dict[str, tuple[int, ...]]) -> str:
    area = rng.choice(_AREA_CODES)
    size = rng.choice(sizes[area])
    local = str(rng.randint(2, 8)) + _digits(rng, size - 1)
    style = rng.randrange(7)
    if style == 0:
        return f"0{area}{local}"
    if style == 1:
        return f"(0{area}){local}"
    if style == 2:
        return f"+86 {area} {local}"
    if style == 3:
        return f"0{area} {local}"
    if style == 4 and size == 8:
        return f"0{area}-{local[:4]}-{local[4:]}"
    return f"0{area}-{local}"


def _non_geographic(rng: random.Random) -> str:
    number = rng.choice(("400", "800")) + str(rng.randint(1, 9)) + _digits(rng, 6)
    return rng.choice((number, f"{number[:3]}-{number[3:6]}-{number[6:]}"))


def _damage(rng: random.Random, value: str) -> str:
    """A typing error: one digit dropped or doubled."""
    positions = [i for i, char in enumerate(value) if char.isdigit()][3:]
    i = rng.choice(positions)
    return value[:i] + value[i + 1 :] if rng.random() < 0.5 else value[:i] + value[i] + value[i:]


def make_inputs(n: int, seed: int = _SEED) -> list[str]:
    """``n`` numbers as written in extracts: 60 % mobiles, 37 % fixed lines, 3 % 400/800.

    About 3 % carry a typing error (a digit dropped or doubled) and are invalid; some
    mobile prefixes of the sample have gaps (``174``), so a few more are invalid too.
    """
    rng = random.Random(seed)
    sizes = _local_sizes()
    inputs = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.60:
            value = _mobile(rng)
        elif roll < 0.97:
            value = _fixed(rng, sizes)
        else:
            value = _non_geographic(rng)
        inputs.append(_damage(rng, value) if rng.random() < 0.03 else value)
    return inputs


def _custmaster(value: str) -> str | None:
    try:
        return phone.parse(value).e164
    except ValidationError:
        return None


def _phonenumbers(value: str) -> str | None:
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return str(e164) if phonenumbers.is_valid_number(number) else None


def _time_custmaster(inputs: Sequence[str]) -> float:
    parse = phone.parse
    error = ValidationError
    start = time.process_time()
    for value in inputs:
        try:
            parse(value)
        except error:
            continue
    return time.process_time() - start


def _time_phonenumbers(inputs: Sequence[str]) -> float:
    parse = phonenumbers.parse
    is_valid = phonenumbers.is_valid_number
    format_number = phonenumbers.format_number
    e164 = phonenumbers.PhoneNumberFormat.E164
    error = phonenumbers.NumberParseException
    start = time.process_time()
    for value in inputs:
        try:
            number = parse(value, "CN")
        except error:
            continue
        is_valid(number)
        format_number(number, e164)
    return time.process_time() - start


def _timed(timer: Callable[[Sequence[str]], float], chunk: Sequence[str]) -> float:
    gc.collect()
    gc.disable()
    try:
        return timer(chunk)
    finally:
        gc.enable()


def run(n: int = 1_000_000, repeats: int = 5) -> dict[str, object]:
    """Time both libraries on ``n`` inputs, ``repeats`` times each, and compare their results.

    Times are CPU seconds of this process (``time.process_time``, garbage collector off), so
    that other load on the machine does not count; each repeat alternates the two libraries
    chunk by chunk (10,000 inputs) so that both see the same conditions. Returns the medians
    (``seconds``, ``reference_seconds``), rates (values/s), ``ratio`` (how many times faster
    custmaster is), ``agreement`` (text for the report), ``agreement_share`` and
    ``disagreements`` (inputs where verdict or E.164 differ) and ``valid`` (share of valid
    inputs).
    """
    inputs = make_inputs(n)
    chunks = [inputs[start : start + _CHUNK] for start in range(0, n, _CHUNK)]
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeats):
        ours.append(0.0)
        theirs.append(0.0)
        for chunk in chunks:
            ours[-1] += _timed(_time_custmaster, chunk)
            theirs[-1] += _timed(_time_phonenumbers, chunk)
    disagreements = 0
    valid = 0
    for value in inputs:
        expected = _phonenumbers(value)
        if _custmaster(value) != expected:
            disagreements += 1
        valid += expected is not None
    seconds = statistics.median(ours)
    reference_seconds = statistics.median(theirs)
    share = (n - disagreements) / n if n else 1.0
    return {
        "n": n,
        "repeats": repeats,
        "seconds": seconds,
        "rate": n / seconds,
        "reference": "phonenumbers `parse` + `is_valid_number` + `format_number` (E.164)",
        "reference_seconds": reference_seconds,
        "reference_rate": n / reference_seconds,
        "ratio": reference_seconds / seconds,
        "agreement": f"{share:.2%} same verdict and E.164 ({disagreements:,} differ)",
        "agreement_share": share,
        "disagreements": disagreements,
        "valid": valid / n if n else 0.0,
    }


if __name__ == "__main__":
    arguments = [int(argument) for argument in sys.argv[1:3]]
    result = run(*arguments)
    width = max(len(key) for key in result)
    for key, value in result.items():
        if isinstance(value, float):
            shown = f"{value:,.4f}"
        elif isinstance(value, int):
            shown = f"{value:,}"
        else:
            shown = str(value)
        print(f"{key:<{width}}  {shown}")
