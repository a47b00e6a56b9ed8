"""Every validator survives junk: the module contract, checked over all of them.

Like python-stdnum's ``tests/test_robustness.doctest``: a module added to
`custmaster.validate.MODULE_NAMES` is enrolled automatically (it must also get a valid sample
in ``SAMPLES`` below). For each input the contract is:

* ``is_valid`` returns a ``bool`` and never raises;
* ``validate`` returns or raises a `custmaster.ValidationError`, nothing else, and
  ``is_valid(x)`` is true exactly when ``validate(x)`` succeeds;
* every raised code is listed in the module's ``ERROR_CODES``;
* neither ``str(error)`` nor ``repr(error)`` contains an input longer than 6 characters;
* ``mask`` returns a string or raises a `custmaster.ValidationError`, and the mask of an
  invalid input longer than 6 characters does not contain it.
"""

from __future__ import annotations

import sys
import unicodedata
from types import ModuleType
from typing import Any

import pytest

from custmaster.errors import ValidationError
from custmaster.validate import MODULE_NAMES, get_modules

MODULES: list[Any] = list(get_modules())
IDS = [module.__name__.rsplit(".", 1)[1] for module in MODULES]

#: A valid value of each format, with ASCII digits, to derive look-alikes from.
SAMPLES: dict[str, str] = {
    "cn_resident_id": "11010519491231002X",
    "cn_foreign_permanent_id": "911840198506150011",
    "cn_uscc": "91110000600037341L",
    "cn_org_code": "60003734-1",
    "phone": "13800138000",
    "vin": "LSVAU218XN2183294",
    "cn_plate": "闽D12345",
    "engine_no": "G4FC123456",
    "cn_name": "张伟",
    "cn_postcode": "361001",
    "country": "CHN",
    "email": "zhang123@example.com",
    "url": "https://www.163.com:8443/",
}

#: Names and countries have no digits: the look-alike test feeds these (invalid) ones instead.
DIGIT_SAMPLES: dict[str, str] = {**SAMPLES, "cn_name": "王小2", "country": "CH1"}

JUNK: list[object] = [
    None,
    "",
    " ",
    "\t\n",
    0,
    1.5,
    True,
    object(),
    b"bytes",
    bytearray(b"13800138000"),
    ["13800138000"],
    "€",
    "⑱",
    "3²",
    "١٢٣",  # Arabic-Indic digits
    "１２３",  # full-width digits
    "\x00\x1b",
    "\ud800",  # lone surrogate
    "\ufeff",
    "x" * 1_000_000,
    "*" * 3,
    "NaN",
]

# The zero of every Unicode script with decimal digits (Nd): 0, ٠, ۰, ०, ০, ０, 𝟎 …
ZEROS = sorted(
    chr(code)
    for code in range(sys.maxunicode + 1)
    if unicodedata.category(chr(code)) == "Nd" and unicodedata.decimal(chr(code)) == 0
)


def _digits_in(zero: str, text: str) -> str:
    return "".join(chr(ord(zero) + int(c)) if "0" <= c <= "9" else c for c in text)


def _raised(function: Any, value: object) -> tuple[object, ValidationError | None]:
    """Call ``function(value)``; return its result or the `ValidationError` it raised."""
    try:
        return function(value), None
    except ValidationError as error:
        return None, error


def check_contract(module: ModuleType, value: object) -> bool:
    """Check the contract for one input; return ``is_valid(value)``."""
    valid = module.is_valid(value)
    assert isinstance(valid, bool)
    _, error = _raised(module.validate, value)
    assert valid == (error is None)
    if error is not None:
        assert error.code in module.ERROR_CODES, error.code
        if isinstance(value, str) and len(value) > 6:
            assert value not in str(error)
            assert value not in repr(error)
    masked, mask_error = _raised(module.mask, value)
    if mask_error is not None:
        assert mask_error.code in module.ERROR_CODES, mask_error.code
    else:
        assert isinstance(masked, str)
        if not valid and isinstance(value, str) and len(value) > 6:
            assert value not in masked
    return valid


def test_every_module_is_walked_and_has_a_valid_sample() -> None:
    assert list(MODULE_NAMES) == IDS
    assert set(SAMPLES) == set(MODULE_NAMES)
    for module, name in zip(MODULES, IDS, strict=True):
        assert module.is_valid(SAMPLES[name]), name
        assert isinstance(module.ERROR_CODES, dict), name
        assert module.ERROR_CODES, name


def test_there_are_many_digit_scripts() -> None:
    assert len(ZEROS) > 50
    assert {"0", "٠", "०", "０"} <= set(ZEROS)


@pytest.mark.parametrize("module", MODULES, ids=IDS)
@pytest.mark.parametrize("value", JUNK, ids=lambda v: repr(v)[:20])
def test_junk(module: ModuleType, value: object) -> None:
    check_contract(module, value)
    if not isinstance(value, str):
        assert not module.is_valid(value)


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_unicode_digit_look_alikes(module: ModuleType) -> None:
    sample = DIGIT_SAMPLES[module.__name__.rsplit(".", 1)[1]]
    assert any("0" <= c <= "9" for c in sample)
    for zero in ZEROS:
        check_contract(module, _digits_in(zero, sample))


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_full_width_digits_mean_the_same(module: ModuleType) -> None:
    sample = DIGIT_SAMPLES[module.__name__.rsplit(".", 1)[1]]
    wide = _digits_in("０", sample)
    assert module.is_valid(wide) == module.is_valid(sample)
    if module.is_valid(sample):
        assert module.validate(wide) == module.validate(sample)


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_control_characters_around_a_valid_value(module: ModuleType) -> None:
    sample = SAMPLES[module.__name__.rsplit(".", 1)[1]]
    for junk in ("\x00", "\x1b", "\ud800", "\u202e"):
        check_contract(module, sample + junk)
        check_contract(module, junk + sample)


#: Modules that document refusing digits other than ASCII and full-width ones.
ASCII_DIGITS_ONLY = ("vin", "cn_plate", "engine_no", "cn_postcode", "cn_name", "email", "url")


@pytest.mark.parametrize("name", ASCII_DIGITS_ONLY)
def test_other_digit_scripts_are_refused(name: str) -> None:
    module = MODULES[IDS.index(name)]
    accepted = {zero for zero in ZEROS if module.is_valid(_digits_in(zero, DIGIT_SAMPLES[name]))}
    assert accepted <= {"0", "０"}
