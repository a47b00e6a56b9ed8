"""Every error code custmaster raises is declared, documented and never shows a raw value."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

import custmaster
from custmaster.errors import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    ValidationError,
    ValidationWarning,
)

ROOT = Path(__file__).resolve().parent.parent
_CODE_LITERAL = re.compile(r"""\bcode=["']([a-z0-9_]+\.[a-z0-9_.]+)["']""")


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "gen_error_codes", ROOT / "tools" / "gen_error_codes.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_error_page_is_up_to_date() -> None:
    gen = _generator()
    page = (ROOT / "docs" / "reference" / "errors.md").read_text(encoding="utf-8")
    assert page == gen.render(), "run: python tools/gen_error_codes.py"


def test_every_code_literal_in_source_is_declared() -> None:
    declared = set(_generator().collect())
    used: set[str] = set()
    for path in (ROOT / "src" / "custmaster").rglob("*.py"):
        used |= set(_CODE_LITERAL.findall(path.read_text(encoding="utf-8")))
    missing = sorted(used - declared)
    assert not missing, f"codes raised but not in any ERROR_CODES table: {missing}"


def test_validation_error_str_shows_code_field_and_masked_value_only() -> None:
    error = InvalidChecksum(code="x.checksum", masked_value="110***1234").for_field("resident_id")
    text = str(error)
    assert text.startswith("[x.checksum] resident_id=110***1234: ")
    assert "校验码错误" in text
    assert repr(error) == (
        "InvalidChecksum(code='x.checksum', field='resident_id', masked_value='110***1234')"
    )


def test_for_field_keeps_the_first_field() -> None:
    error = InvalidFormat(code="a.b").for_field("mobile").for_field("fax")
    assert error.field == "mobile"


def test_error_tree_mirrors_stdnum() -> None:
    assert issubclass(InvalidLength, InvalidFormat)
    assert issubclass(ValidationError, ValueError)
    assert issubclass(ValidationError, custmaster.CustmasterError)


def test_errors_pickle_with_their_attributes() -> None:
    import pickle

    error = InvalidLength("too short", code="phone.length", field="mobile", masked_value="1***")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.code, copy.field, copy.masked_value, copy.message) == (
        InvalidLength,
        "phone.length",
        "mobile",
        "1***",
        "too short",
    )


def test_warning_is_readable() -> None:
    warning = ValidationWarning(code="c.d", message_en="old county", message_zh="旧县")
    assert str(warning) == "[c.d] old county / 旧县"


@pytest.mark.parametrize(
    ("field", "masked", "expected"),
    [
        (None, None, "[a.b] The value has an invalid format. / 格式错误。"),
        ("mobile", None, "[a.b] mobile: The value has an invalid format. / 格式错误。"),
        (None, "1***", "[a.b] value=1***: The value has an invalid format. / 格式错误。"),
    ],
)
def test_str_without_field_or_value(field: str | None, masked: str | None, expected: str) -> None:
    assert str(InvalidFormat(code="a.b", field=field, masked_value=masked)) == expected
