"""VIN: check digit, model year, WMI table, masking and the relaxed mode for imports."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from custmaster.testing.strategies import vins as domain_vins
from custmaster.validate import vin

ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
VALUES = dict(zip("0123456789", range(10), strict=True))
VALUES.update(zip("ABCDEFGH", range(1, 9), strict=True))
VALUES.update(zip("JKLMN", range(1, 6), strict=True))
VALUES.update({"P": 7, "R": 9})
VALUES.update(zip("STUVWXYZ", range(2, 10), strict=True))


def with_check_digit(body: str) -> str:
    """Insert the correct check digit at position 9 (computed here independently)."""
    weights = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
    total = sum(VALUES[c] * w for c, w in zip(body, weights, strict=True))
    check = "X" if total % 11 == 10 else str(total % 11)
    return body[:8] + check + body[9:]


vins = st.builds(
    lambda head, year, tail: with_check_digit(head + "0" + year + tail),
    st.text(ALPHABET, min_size=8, max_size=8).filter(lambda s: s[0] != "0"),
    st.sampled_from(vin.MODEL_YEAR_CODES),
    st.text(ALPHABET, min_size=7, max_size=7),
).filter(lambda v: len(set(v)) > 1)


@pytest.mark.parametrize(
    "value",
    [
        "JHMCM56557C404453",  # Honda Accord, the textbook example
        "1M8GDM9AXKP042788",  # check digit X
        "LSVAU218XN2183294",
        "LHGCV1654J8036418",
    ],
)
def test_real_world_vins_with_check_digit(value: str) -> None:
    assert vin.validate(value) == value
    assert vin.is_valid(value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("lsvau218xn2183294", "LSVAU218XN2183294"),
        (" LSVAU218X-N2183294 ", "LSVAU218XN2183294"),
        ("LSV AU218X N218 3294", "LSVAU218XN2183294"),
        ("ＬＳＶＡＵ２１８ＸＮ２１８３２９４", "LSVAU218XN2183294"),
        ("LSV.AU218X.N2183294", "LSVAU218XN2183294"),
    ],
)
def test_compaction(raw: str, expected: str) -> None:
    assert vin.validate(raw) == expected


@pytest.mark.parametrize(
    ("value", "error", "code"),
    [
        ("LSVAU218XN218329", InvalidLength, "vin.length"),
        ("LSVAU218XN21832945", InvalidLength, "vin.length"),
        ("LSVAU218XN2I83294", InvalidFormat, "vin.ioq"),
        ("LSVAU218XN2O83294", InvalidFormat, "vin.ioq"),
        ("QSVAU218XN2183294", InvalidFormat, "vin.ioq"),
        ("LSVAU218XN218329#", InvalidFormat, "vin.characters"),
        ("LSVAU218XN218329中", InvalidFormat, "vin.characters"),
        ("LSV**********3294", InvalidFormat, "vin.masked"),
        ("11111111111111111", InvalidComponent, "vin.placeholder"),
        ("00000000000000000", InvalidComponent, "vin.placeholder"),
        ("LSVAU2180N2183294", InvalidChecksum, "vin.checksum"),
        ("WVWZZZ1JZXW000001", InvalidChecksum, "vin.checksum"),
    ],
)
def test_refusals(value: str, error: type[Exception], code: str) -> None:
    with pytest.raises(error) as info:
        vin.validate(value)
    assert info.value.code == code  # type: ignore[attr-defined]
    assert code in vin.ERROR_CODES
    if "*" not in value:  # an already-masked input is shown as it is
        assert value not in str(info.value)


def test_wmi_starting_with_zero_is_refused() -> None:
    value = with_check_digit("0SVAU2180N2183294")
    with pytest.raises(InvalidComponent, match=r"vin\.wmi"):
        vin.validate(value)


@pytest.mark.parametrize("code", ["U", "Z", "0"])
def test_invalid_model_year_code_with_check_digit(code: str) -> None:
    value = with_check_digit("LSVAU2180" + code + "2183294")
    with pytest.raises(InvalidComponent, match=r"vin\.model_year"):
        vin.validate(value)
    assert vin.validate(value, check_digit=False) == value


def test_imports_without_check_digit() -> None:
    european = "WVWZZZ1JZXW000001"
    assert not vin.is_valid(european)
    assert vin.is_valid(european, check_digit=False)
    assert vin.mask(european) == "WVW**********0001"
    assert vin.parse(european, check_digit=False, reference_year=2025).model_year == 1999


def test_parse_parts() -> None:
    parsed = vin.parse("LSVAU218XN2183294", reference_year=2025)
    assert (parsed.wmi, parsed.vds, parsed.vis) == ("LSV", "AU218X", "N2183294")
    assert (parsed.model_year_code, parsed.plant_code, parsed.serial) == ("N", "2", "183294")
    assert parsed.manufacturer == "上汽大众"
    assert parsed.producers == ("上汽大众",)
    assert "183294" not in repr(parsed)
    assert "LSV**********3294" in repr(parsed)
    assert parsed.mask() == "LSV**********3294"


@pytest.mark.parametrize(
    ("wmi", "manufacturer"),
    [
        ("LHG", "广汽本田"),
        ("LVH", "东风本田"),
        ("LFV", "一汽-大众"),
        ("LSG", "上汽通用"),
        ("LGB", "东风日产"),
        ("LVS", "长安福特"),
        ("LFM", "一汽丰田"),
        ("LTV", "一汽丰田"),
        ("LVG", "广汽丰田"),
        ("LBE", "北京现代"),
        ("LGX", "比亚迪"),
        ("LC0", "比亚迪"),
        ("LRW", "特斯拉中国"),
        ("LBV", "华晨宝马"),
        ("LE4", "北京奔驰"),
        ("LDC", "神龙汽车"),
    ],
)
def test_chinese_market_wmis(wmi: str, manufacturer: str) -> None:
    value = with_check_digit(wmi + "AB1230N2183294")
    assert vin.parse(value).manufacturer == manufacturer


def test_shared_wmi_lists_every_catalogue_producer() -> None:
    parsed = vin.parse(with_check_digit("LDCAB1230N2183294"))
    assert set(parsed.producers) == {"东风雪铁龙", "东风标致"}


@pytest.mark.parametrize(
    ("code", "reference_year", "expected"),
    [
        ("A", 2025, 2010),
        ("Y", 2025, 2000),
        ("1", 2025, 2001),
        ("9", 2025, 2009),
        ("S", 2025, 2025),
        ("T", 2025, 2026),  # next year's model is sold this autumn
        ("V", 2025, 1997),  # 2027 is too far ahead: the previous cycle
        ("N", 2055, 2052),
    ],
)
def test_model_year_cycle(code: str, reference_year: int, expected: int) -> None:
    value = with_check_digit("LSVAU2180" + code + "2183294")
    assert vin.parse(value, reference_year=reference_year).model_year == expected
    assert expected in vin.model_years(code)


def test_model_year_uses_the_current_year_by_default() -> None:
    import datetime

    year = vin.parse("LSVAU218XN2183294").model_year
    assert year is not None
    assert year <= datetime.date.today().year + 1


def test_calc_check_digit_matches_the_independent_one() -> None:
    assert vin.calc_check_digit("1M8GDM9A0KP042788") == "X"


def test_mask_of_invalid_value_hides_most_of_it() -> None:
    masked = vin.mask("LSVAU2180N2183294")  # wrong check digit
    assert masked == "LSV**********3294"
    assert vin.mask(None) == "<NoneType>"  # type: ignore[arg-type]


@settings(max_examples=200)
@given(vins)
def test_generated_vins_are_valid_and_format_is_stable(value: str) -> None:
    assert vin.validate(value) == value
    assert vin.validate(vin.format(value)) == vin.validate(value)
    assert vin.validate(value.lower()) == value
    assert vin.mask(value) == value[:3] + "*" * 10 + value[-4:]


@settings(max_examples=300)
@given(vins, st.integers(0, 16), st.sampled_from(ALPHABET))
def test_single_character_corruption_fails_the_checksum(
    value: str, position: int, replacement: str
) -> None:
    if position == 8 or VALUES[replacement] == VALUES[value[position]]:
        return  # the check digit itself, or a character with the same transliteration value
    corrupted = value[:position] + replacement + value[position + 1 :]
    if corrupted[0] == "0" or len(set(corrupted)) == 1:
        return  # refused earlier, as an unassigned WMI or a placeholder
    with pytest.raises(InvalidChecksum):
        vin.validate(corrupted)
    assert vin.is_valid(corrupted, check_digit=False)


# The fast path (`vin._fast`) must agree with the full checks (`vin._validate`): valid VINs as
# typed (lower case, separators), with one character replaced by or inserted before a character
# some check looks at (I O Q, *, separators, full-width forms, letters that upper-case to ASCII),
# and random text.
_ODD = "*IOQaoiu -._·/\t\u3000Ｌ１中#ſı"
_typed = (vins | domain_vins()).flatmap(
    lambda v: st.sampled_from([v, v.lower(), f"{v[:3]} {v[3:9]} {v[9:]}", "-".join(v), v + " "])
)
_vin_inputs = (
    _typed
    | st.builds(
        lambda v, i, c: v[:i] + c + v[i + 1 :], _typed, st.integers(0, 16), st.sampled_from(_ODD)
    )
    | st.builds(
        lambda v, i, c: v[:i] + c + v[i:], _typed, st.integers(0, 17), st.sampled_from(_ODD)
    )
    | st.text(st.sampled_from(ALPHABET + _ODD), max_size=24)
    | st.text(max_size=20)
)


def _outcome(function: Callable[..., object], *args: object, **kwargs: object) -> object:
    """The result of the call, or the class, code and text of the error it raised."""
    try:
        return function(*args, **kwargs)
    except ValidationError as error:
        return type(error), error.code, str(error)


@settings(max_examples=1000)
@given(_vin_inputs, st.booleans())
def test_fast_path_agrees_with_the_full_checks(value: str, check_digit: bool) -> None:
    full = _outcome(vin._validate, value, check_digit)
    fast = vin._fast(value, check_digit)
    if fast is not None:
        assert fast == full
    assert _outcome(vin.validate, value, check_digit=check_digit) == full


@pytest.mark.parametrize(
    "value",
    ["LSVAU218XN2183294", "lsvau218xn2183294", "LSV AU218X N218 3294", "LSV-AU218X-N2183294"],
)
def test_common_vins_take_the_fast_path(value: str) -> None:
    assert vin._fast(value, True) == "LSVAU218XN2183294"


@pytest.mark.parametrize(
    ("value", "check_digit"),
    [
        ("ＬＳＶＡＵ２１８ＸＮ２１８３２９４", True),  # full-width: the full path folds it
        ("LSVAU2180N2183294", True),  # wrong check digit
        ("LSVAU218XU2183294", True),  # U is no model-year code
        ("11111111111111111", False),  # a placeholder whose check digit is right
        ("0SVAU218XN2183294", False),
        ("LSVAU218XN2I83294", False),
    ],
)
def test_the_fast_path_leaves_doubtful_vins_to_the_full_checks(
    value: str, check_digit: bool
) -> None:
    assert vin._fast(value, check_digit) is None


def test_the_fast_path_skips_only_the_check_digit_for_imports() -> None:
    assert vin._fast("WVWZZZ1JZXW000001", False) == "WVWZZZ1JZXW000001"
    assert vin._fast("WVWZZZ1JZXW000001", True) is None


@pytest.mark.parametrize(
    "value",
    [
        "WDD2050401F123456",  # Mercedes-Benz for Europe: position 9 is not a check digit
        "WVWZZZ1JZXW000001",  # Volkswagen, no check digit, no model year
        "SALGA2EF5EA123456",  # Land Rover
        "JTEBU3FJ10K123456",  # Toyota for export
    ],
)
def test_a_register_of_vehicles_in_china_takes_imported_vins_without_check_digit(
    value: str,
) -> None:
    assert vin.validate(value, check_digit=None) == value
    assert vin.is_valid(value, check_digit=None)
    assert vin.mask(value) == value[:3] + "*" * 10 + value[-4:]


@pytest.mark.parametrize("value", ["LSVAU2180N2183294", "HJRDA1234R1234567"])
def test_a_vin_made_in_china_still_needs_its_check_digit(value: str) -> None:
    with pytest.raises(InvalidChecksum, match=r"vin\.checksum"):
        vin.validate(value, check_digit=None)
    assert vin.validate(with_check_digit(value), check_digit=None) == with_check_digit(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("WDD205040", "vin.length"),
        ("WDD2050401F12345O", "vin.ioq"),
        ("0DD2050401F123456", "vin.wmi"),
    ],
)
def test_an_imported_vin_is_still_checked_for_its_form(value: str, code: str) -> None:
    with pytest.raises(ValidationError, match=code.replace(".", r"\.")):
        vin.validate(value, check_digit=None)


def test_the_stars_printed_around_a_vin_are_no_part_of_it() -> None:
    assert vin.validate("*LSVAU218XN2183294*") == "LSVAU218XN2183294"
    # a star inside, or on one end only, is a mask's: the full VIN is needed
    for masked in ("LSV**********3294", "LSVAU218XN2183294*", "*LSVAU218XN218329*4"):
        with pytest.raises(InvalidFormat, match=r"vin\.masked"):
            vin.validate(masked)


@pytest.mark.parametrize(
    "value", ["'LSVAU218XN2183294", " 'lsvau218xn2183294", "＇LSVAU218XN2183294"]
)
def test_a_spreadsheets_leading_apostrophe_is_removed(value: str) -> None:
    assert vin.validate(value) == "LSVAU218XN2183294"
    assert vin.compact("LSVAU218XN2183'294") == "LSVAU218XN2183'294"  # only a leading one
