"""Real-world strings as insurers' spreadsheets and call-centre systems hold them.

``tests/data/validators-realworld.csv`` was written from knowledge of real data before the
validators were run on it (session 9); each row names the validator module, the raw value and
the expected outcome: ``=canonical`` (what `validate` returns) or ``!code`` (the error code).
"""

from __future__ import annotations

import csv
import importlib
from pathlib import Path

import pytest

from custmaster.errors import ValidationError

_DATA = Path(__file__).parent / "data" / "validators-realworld.csv"


def _cases() -> list[tuple[str, str, str]]:
    with _DATA.open(encoding="utf-8", newline="") as handle:
        return [(row["field"], row["raw"], row["expected"]) for row in csv.DictReader(handle)]


def _outcome(field: str, raw: str) -> str:
    module = importlib.import_module(f"custmaster.validate.{field}")
    try:
        return "=" + module.validate(raw)
    except ValidationError as error:
        return "!" + error.code


def test_the_file_is_large_and_covers_every_validator() -> None:
    cases = _cases()
    assert len(cases) >= 200
    assert {field for field, _, _ in cases} >= {
        "phone", "cn_name", "cn_resident_id", "cn_plate", "vin", "email", "cn_postcode",
        "cn_uscc",
    }  # fmt: skip


@pytest.mark.parametrize(("field", "raw", "expected"), _cases())
def test_real_world_value(field: str, raw: str, expected: str) -> None:
    assert _outcome(field, raw) == expected
