"""Engine numbers: no checksum, so normalisation and refusal of impossible values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from custmaster.testing.strategies import engine_numbers
from custmaster.validate import engine_no


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("G4FC123456", "G4FC123456"),  # Hyundai / Kia
        ("L15B71234567", "L15B71234567"),  # Honda
        ("1NZ-A123456", "1NZA123456"),  # Toyota, printed with a hyphen
        ("ea888 123 456", "EA888123456"),
        ("ＣＡ４ＧＡ５１２３４", "CA4GA51234"),
        ("sqr477f/d123456", "SQR477FD123456"),
        ("4G15S", "4G15S"),
        ("OQI01234", "OQI01234"),  # I, O and Q are allowed, unlike in VINs
    ],
)
def test_real_world_engine_numbers(raw: str, expected: str) -> None:
    assert engine_no.validate(raw) == expected
    assert engine_no.format(raw) == expected
    assert engine_no.is_valid(raw)


@pytest.mark.parametrize(
    ("value", "error", "code"),
    [
        ("无", InvalidComponent, "engine_no.placeholder"),
        ("不详", InvalidComponent, "engine_no.placeholder"),
        ("/", InvalidComponent, "engine_no.placeholder"),
        ("N/A", InvalidComponent, "engine_no.placeholder"),
        ("null", InvalidComponent, "engine_no.placeholder"),
        ("", InvalidComponent, "engine_no.placeholder"),
        ("0000000", InvalidComponent, "engine_no.placeholder"),
        ("XXXXXXXX", InvalidComponent, "engine_no.placeholder"),
        ("123456", InvalidComponent, "engine_no.placeholder"),
        ("1234567890", InvalidComponent, "engine_no.placeholder"),
        ("G4F", InvalidLength, "engine_no.length"),
        ("G4FC12345678901234567", InvalidLength, "engine_no.length"),
        ("发动机G4FC", InvalidFormat, "engine_no.characters"),
        ("G4FC#123", InvalidFormat, "engine_no.characters"),
        ("G4FC١٢٣٤", InvalidFormat, "engine_no.characters"),
        ("G4F***3456", InvalidFormat, "engine_no.masked"),
    ],
)
def test_refusals(value: str, error: type[ValidationError], code: str) -> None:
    with pytest.raises(error) as info:
        engine_no.validate(value)
    assert info.value.code == code
    assert code in engine_no.ERROR_CODES
    assert not engine_no.is_valid(value)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("4G15S", "4***S"),  # 5 to 7 characters: 1 + 1
        ("K24A1234", "K2****34"),  # 8 to 11: 2 + 2, half hidden
        ("G4FC123456", "G4******56"),
        ("EA888123456", "EA*******56"),
        ("L15B71234567", "L15******567"),  # 12 and 13: 3 + 3, half hidden
        ("CA4GA51234567", "CA4*******567"),
        ("SQR477FD123456", "SQR*******3456"),  # 14 and more: first 3 + last 4
        ("BYD473QB12345678901", "BYD************8901"),
    ],
)
def test_mask(value: str, masked: str) -> None:
    assert engine_no.mask(value) == masked
    assert engine_no.parse(value).mask() == masked
    assert repr(engine_no.parse(value)) == f"EngineNumber(number={masked!r})"


@settings(max_examples=200)
@given(engine_numbers() | st.text("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=5, max_size=20))
def test_mask_hides_at_least_half_and_keeps_the_ends(value: str) -> None:
    if not engine_no.is_valid(value):
        return
    number = engine_no.validate(value)
    masked = engine_no.mask(value)
    n = len(number)
    head, tail = (3, 4) if n >= 14 else (max(1, n // 4),) * 2
    assert masked == number[:head] + "*" * (n - head - tail) + number[n - tail :]
    assert masked.count("*") * 2 >= n


def test_mask_never_raises_and_parse_hides_the_number() -> None:
    assert engine_no.mask(None) == "<NoneType>"  # type: ignore[arg-type]
    assert engine_no.mask("G4F") == "***"
    assert "123456" not in repr(engine_no.parse("G4FC123456"))


@settings(max_examples=200)
@given(st.text("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=5, max_size=20))
def test_format_round_trips(value: str) -> None:
    if not engine_no.is_valid(value):
        return
    assert engine_no.validate(engine_no.format(value)) == engine_no.validate(value)
    assert engine_no.validate("-".join(value.lower())) == value


def test_the_stars_stamped_around_an_engine_number_are_no_part_of_it() -> None:
    assert engine_no.validate("*2AR1234567*") == "2AR1234567"
    for masked in ("2AR*123456*", "2AR1234***", "***1234567"):
        with pytest.raises(ValidationError, match=r"engine_no\.masked"):
            engine_no.validate(masked)
