"""Real-world strings as insurers' spreadsheets and call-centre systems hold them.

``tests/data/validators-realworld.csv`` (session 9) and ``validators-realworld-2.csv``
(session 10: area codes of every length, extension and multi-number cells, Excel renderings,
abolished divisions in resident IDs, plates of every kind, O/0 confusions …) were written from
knowledge of real data before the validators were run on them; each row names the validator
module, the raw value and the expected outcome: ``=canonical`` (what `validate` returns) or
``!code`` (the error code), and a note citing the rule where it is not obvious.

``validators-realworld-3.csv`` (session 12, 337 rows) was written the same way, in the styles
the first two cover least: notes in brackets or after a number (``13800138000（错）``),
several numbers with odd separators (／, 或, 及, line breaks), service and 400/800 numbers,
Excel's renderings (floats, ``'``, ``="…"``, a tab), the 14x/16x/17x/19x blocks, Hong Kong,
Macao and Taiwan; new-energy, special, 应急 and temporary plates; e-mail addresses and URLs
with the punctuation of a sentence, labels and notes; postcodes with labels. Before any change
285 of its 337 rows were right; after the session's changes all are. One row was the
writer's mistake, corrected with a note (``+852-5678-1234``: 567x is no Hong Kong block), and
two rows of the earlier files changed with the rule they test, each noted (``14912345678``:
the 149 block; ``粤B123456``: a temporary plate).
"""

from __future__ import annotations

import csv
import importlib
from pathlib import Path

import pytest

from custmaster.errors import ValidationError

_DIR = Path(__file__).parent / "data"
_FILES = ("validators-realworld.csv", "validators-realworld-2.csv")
_THIRD = "validators-realworld-3.csv"


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


def test_the_third_file_covers_its_styles_and_repeats_nothing() -> None:
    cases = _cases(_THIRD)
    assert 250 <= len(cases) <= 350
    fields = [field for field, _, _ in cases]
    assert {field: fields.count(field) >= 20 for field in set(fields)} == {
        "phone": True, "cn_plate": True, "email": True, "url": True, "cn_postcode": True,
    }  # fmt: skip
    assert all(expected[:1] in "=!" and len(expected) > 1 for _, _, expected in cases)
    keys = [(field, raw) for field, raw, _ in cases]
    assert len(set(keys)) == len(keys)
    earlier = {(field, raw) for name in _FILES for field, raw, _ in _cases(name)}
    assert not earlier & set(keys)
    refusals = sum(expected.startswith("!") for _, _, expected in cases)
    assert 60 <= refusals <= len(cases) - 150  # refusals stay refusals; most rows are values


@pytest.mark.parametrize(
    ("field", "raw", "expected"), [case for name in (*_FILES, _THIRD) for case in _cases(name)]
)
def test_real_world_value(field: str, raw: str, expected: str) -> None:
    assert _outcome(field, raw) == expected
