"""Real-world strings as insurers' spreadsheets and call-centre systems hold them.

``tests/data/validators-realworld.csv`` (session 9) and ``validators-realworld-2.csv``
(session 10: area codes of every length, extension and multi-number cells, Excel renderings,
abolished divisions in resident IDs, plates of every kind, O/0 confusions …) were written from
knowledge of real data before the validators were run on them; each row names the validator
module, the raw value and the expected outcome: ``=canonical`` (what `validate` returns) or
``!code`` (the error code), and a note citing the rule where it is not obvious.
"""

from __future__ import annotations

import csv
import importlib
from pathlib import Path

import pytest

from custmaster.errors import ValidationError

_DIR = Path(__file__).parent / "data"
_FILES = ("validators-realworld.csv", "validators-realworld-2.csv")


def _cases(name: str) -> list[tuple[str, str, str]]:
    with (_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [(row["field"], row["raw"], row["expected"]) for row in csv.DictReader(handle)]


def _outcome(field: str, raw: str) -> str:
    module = importlib.import_module(f"custmaster.validate.{field}")
    try:
        return "=" + module.validate(raw)
    except ValidationError as error:
        return "!" + error.code


@pytest.mark.parametrize("name", _FILES)
def test_the_file_is_large_and_covers_every_validator(name: str) -> None:
    cases = _cases(name)
    assert len(cases) >= 200
    assert {field for field, _, _ in cases} >= {
        "phone", "cn_name", "cn_resident_id", "cn_plate", "vin", "email", "cn_postcode",
        "cn_uscc",
    }  # fmt: skip
    assert all(expected[:1] in "=!" and len(expected) > 1 for _, _, expected in cases)


def test_the_second_file_repeats_nothing_of_the_first() -> None:
    first = {(field, raw) for field, raw, _ in _cases(_FILES[0])}
    second = [(field, raw) for field, raw, _ in _cases(_FILES[1])]
    assert len(set(second)) == len(second)
    assert not first & set(second)


@pytest.mark.parametrize(
    ("field", "raw", "expected"), [case for name in _FILES for case in _cases(name)]
)
def test_real_world_value(field: str, raw: str, expected: str) -> None:
    assert _outcome(field, raw) == expected
