"""Resident ID validation: real-world formats, graded checks, stdnum's gaps, properties."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import stdnum.cn.ric
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    UsageError,
    ValidationError,
    ValidationWarning,
)
from custmaster.testing.strategies import resident_ids
from custmaster.validate import cn_foreign_permanent_id, cn_resident_id
from custmaster.validate.cn_resident_id import (
    ERROR_CODES,
    WARNING_CODES,
    calc_check_digit,
    compact,
    get_birth_date,
    get_gender,
    is_valid,
    mask,
    parse,
    to_18,
    validate,
)

SOURCE = Path(cn_resident_id.__file__).read_text(encoding="utf-8")
GB_SAMPLE = "11010519491231002X"  # GB 11643-1999's example: 北京市朝阳区, 1949-12-31, female


def with_check(body: str) -> str:
    """A number from 17 digits, with its check character."""
    return body + calc_check_digit(body)


def codes(number: str) -> list[str]:
    return [w.code for w in parse(number).warnings]


def raised_code(value: object, *, strict: bool = False) -> str:
    with pytest.raises(ValidationError) as raised:
        validate(value, strict=strict)  # type: ignore[arg-type]
    return raised.value.code


# --- real-world formats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002X",
        "11010519491231002x",  # lower-case x
        "110105 19491231 002X",  # grouped with spaces
        "110105-19491231-002X",
        "  11010519491231002X\n",  # surrounding whitespace, a line end from a file
        "110105\u300019491231\u3000002X",  # ideographic spaces
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and X (Chinese IME)
        "１１０１０５１９４９１２３１００２ｘ",  # full-width lower-case x
        "11010519491231002×",  # the multiplication sign, as Chinese input methods offer for X
        "11010519491231002Ⅹ",  # the Roman numeral ten
        "11010519491231002ⅹ",
        "110105\u201319491231\u2014002X",  # en and em dash
        "'11010519491231002X",  # spreadsheet text prefix
        "\ufeff11010519491231002X\u200b",  # byte-order mark, zero-width space
        "110105.19491231.002X",
        "110105491231002",  # first-generation 15-digit number
        "110105 491231 002",
        "１１０１０５４９１２３１００２",  # 15 digits, full-width
    ],
)
def test_real_world_formats_normalise_to_18_digits(text: str) -> None:
    assert validate(text) == GB_SAMPLE
    assert is_valid(text)
    assert cn_resident_id.format(text) == GB_SAMPLE


def test_compact_does_not_upgrade_or_validate() -> None:
    assert compact(" 110105 491231 002 ") == "110105491231002"
    assert compact("１２３") == "123"
    assert compact("110***********002X") == "110***********002X"  # a masked value stays masked


def test_x_look_alikes_count_only_as_the_check_character() -> None:
    assert raised_code("110105194912×1002X") == "cn_resident_id.format"


def test_masked_value_is_refused() -> None:
    assert raised_code("110***********002X") == "cn_resident_id.masked"


@pytest.mark.parametrize(
    "text",
    [
        "1101051949123100²X",  # superscript two
        "११०१०५१९४९१२३१००२X",  # Devanagari digits: str.isdigit() says True
        "110105194912310０²X",
        "3²",
    ],
)
def test_other_unicode_digits_are_not_digits(text: str) -> None:
    assert not is_valid(text)
    assert raised_code(text) in {"cn_resident_id.format", "cn_resident_id.length"}


# --- graded checks: errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code", "cls"),
    [
        ("1101051949123100", "cn_resident_id.length", InvalidLength),
        ("11010519491231002X1", "cn_resident_id.length", InvalidLength),
        ("", "cn_resident_id.length", InvalidLength),
        ("11010519491231", "cn_resident_id.length", InvalidLength),
        ("110105194912310A2X", "cn_resident_id.format", InvalidFormat),
        ("1101051949123100X2", "cn_resident_id.format", InvalidFormat),
        ("11010519491231002Y", "cn_resident_id.format", InvalidFormat),
        ("11010549123100X", "cn_resident_id.format", InvalidFormat),  # no X in 15 digits
        ("110105194912310021", "cn_resident_id.checksum", InvalidChecksum),
        ("110105194912310020", "cn_resident_id.checksum", InvalidChecksum),
        (with_check("99010519491231002"), "cn_resident_id.province", InvalidComponent),
        (with_check("00010519491231002"), "cn_resident_id.province", InvalidComponent),
        (with_check("10010519491231002"), "cn_resident_id.province", InvalidComponent),
        ("990105491231002", "cn_resident_id.province", InvalidComponent),
    ],
)
def test_errors(value: str, code: str, cls: type[ValidationError]) -> None:
    with pytest.raises(cls) as raised:
        validate(value)
    assert raised.value.code == code
    assert not is_valid(value)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("11010519490229002", "cn_resident_id.birth_date"),  # 1949 is not a leap year
        ("11010519000229002", "cn_resident_id.birth_date"),  # nor is 1900
        ("11010519900230002", "cn_resident_id.birth_date"),
        ("11010519901301002", "cn_resident_id.birth_date"),
        ("11010519900001002", "cn_resident_id.birth_date"),
        ("11010519900100002", "cn_resident_id.birth_date"),
        ("11010519900431002", "cn_resident_id.birth_date"),
        ("11010520990101002", "cn_resident_id.birth_date_future"),
        ("11010118000101001", "cn_resident_id.birth_date_too_early"),
        ("11010118491231001", "cn_resident_id.birth_date_too_early"),
        ("11010100000101001", "cn_resident_id.birth_date_too_early"),
    ],
)
def test_birth_date_errors(body: str, code: str) -> None:
    assert raised_code(with_check(body)) == code


def test_leap_days_are_real_dates() -> None:
    assert get_birth_date(with_check("11010520000229002")) == dt.date(2000, 2, 29)
    assert get_birth_date(with_check("11010519880229002")) == dt.date(1988, 2, 29)
    assert get_birth_date("110105880229002") == dt.date(1988, 2, 29)
    assert raised_code("110105000229002") == "cn_resident_id.birth_date"  # 1900-02-29


def test_tomorrow_is_the_future_and_today_is_not() -> None:
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    assert is_valid(with_check(f"110101{today:%Y%m%d}001"))
    assert raised_code(with_check(f"110101{tomorrow:%Y%m%d}001")) == (
        "cn_resident_id.birth_date_future"
    )


def test_1850_is_the_earliest_year() -> None:
    assert is_valid(with_check("11010118500101001"))
    assert raised_code(with_check("11010118491231001")) == "cn_resident_id.birth_date_too_early"


# --- graded checks: warnings ------------------------------------------------------------------


def test_birth_before_1900_is_a_warning() -> None:
    number = with_check("11010118900101001")  # 东城区 has no start year in the table
    assert validate(number) == number
    assert codes(number) == ["cn_resident_id.birth_before_1900"]
    warning = parse(number).warnings[0]
    assert isinstance(warning, ValidationWarning)
    assert "1900" in warning.message_en
    with pytest.raises(InvalidComponent) as raised:
        validate(number, strict=True)
    assert raised.value.code == "cn_resident_id.birth_before_1900"


def test_gb_11643_second_sample_warns_twice() -> None:
    # The standard's other example: 广东省汕头市潮阳县, 1880, a code created in 1983.
    assert codes("440524188001010014") == [
        "cn_resident_id.birth_before_1900",
        "cn_resident_id.region_not_yet_created",
    ]


def test_historical_county_in_its_years() -> None:
    # 120110 was 东郊区 until 1991 and 东丽区 from 1992 (python-stdnum's own test case).
    old = parse("120110198012010073")
    assert (old.region_name, old.warnings) == ("天津市东郊区", ())
    new = parse(with_check("12011019950101007"))
    assert (new.region_name, new.warnings) == ("天津市东丽区", ())


def test_retired_county_warns_after_its_last_year() -> None:
    # 110103 崇文区 was merged into 东城区 in 2010.
    before = parse(with_check("11010320050101001"))
    assert (before.region_name, before.warnings) == ("北京市崇文区", ())
    after = with_check("11010320150101001")
    assert validate(after) == after
    assert codes(after) == ["cn_resident_id.region_retired"]
    assert parse(after).region_name == "北京市崇文区"
    assert raised_code(after, strict=True) == "cn_resident_id.region_retired"
    assert not is_valid(after, strict=True)


def test_county_created_after_the_birth_year_is_a_warning() -> None:
    # 350102 福州市鼓楼区 exists since 1983; people born earlier were registered there later.
    number = with_check("35010219700101001")
    assert validate(number) == number
    assert codes(number) == ["cn_resident_id.region_not_yet_created"]
    assert parse(number).region_name == "福建省福州市鼓楼区"
    assert raised_code(number, strict=True) == "cn_resident_id.region_not_yet_created"


def test_unknown_county_is_a_warning_with_a_fallback_name() -> None:
    number = with_check("35029919900101001")  # no county 99 under 厦门市
    assert validate(number) == number
    parsed = parse(number)
    assert [w.code for w in parsed.warnings] == ["cn_resident_id.region_unknown"]
    assert parsed.region_name == "福建省厦门市"
    assert raised_code(number, strict=True) == "cn_resident_id.region_unknown"
    unknown_prefecture = parse(with_check("35990119900101001"))
    assert unknown_prefecture.region_name == "福建省"


def test_residence_permits_of_hong_kong_macao_and_taiwan() -> None:
    for code, name in [
        ("810000", "香港特别行政区"),
        ("820000", "澳门特别行政区"),
        ("830000", "台湾地区"),
    ]:
        number = with_check(f"{code}19800101001")
        parsed = parse(number, strict=True)
        assert (parsed.region_name, parsed.warnings) == (name, ())


def test_strict_validate_returns_the_number_when_there_is_no_warning() -> None:
    assert validate(GB_SAMPLE, strict=True) == GB_SAMPLE
    assert validate("110105491231002", strict=True) == GB_SAMPLE


# --- python-stdnum 2.2's gaps -----------------------------------------------------------------


def test_stdnum_raises_key_error_where_we_do_not() -> None:
    unknown_county = with_check("11019919900101001")
    with pytest.raises(KeyError):
        stdnum.cn.ric.is_valid(unknown_county)
    assert is_valid(unknown_county)  # accepted, with a warning
    assert codes(unknown_county) == ["cn_resident_id.region_unknown"]
    assert not is_valid(unknown_county, strict=True)

    taiwan_county = with_check("71010119900101001")
    with pytest.raises(KeyError):
        stdnum.cn.ric.is_valid(taiwan_county)
    assert codes(taiwan_county) == ["cn_resident_id.region_unknown"]

    future_and_unknown = with_check("11019920990101001")
    with pytest.raises(KeyError):
        stdnum.cn.ric.is_valid(future_and_unknown)
    assert is_valid(future_and_unknown) is False


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("11010120990101001", "cn_resident_id.birth_date_future"),
        ("11010118000101001", "cn_resident_id.birth_date_too_early"),
    ],
)
def test_stdnum_accepts_impossible_years_we_refuse(body: str, code: str) -> None:
    number = with_check(body)
    assert stdnum.cn.ric.is_valid(number)
    assert raised_code(number) == code


def test_stdnum_refuses_real_numbers_we_accept() -> None:
    born_before_county = with_check("35010219700101001")
    assert not stdnum.cn.ric.is_valid(born_before_county)
    assert is_valid(born_before_county)
    assert not stdnum.cn.ric.is_valid("110105491231002")  # 15 digits
    assert not stdnum.cn.ric.is_valid("110105 19491231 002X")  # separators
    assert stdnum.cn.ric.is_valid(GB_SAMPLE)


# --- parse, mask, extras ----------------------------------------------------------------------


def test_parse_fields() -> None:
    r = parse(with_check("35020319900307123"))
    assert r.number == with_check("35020319900307123")
    assert r.region_code == "350203"
    assert r.region_name == "福建省厦门市思明区"
    assert r.birth_date == dt.date(1990, 3, 7)
    assert r.gender == "M"  # the 17th digit, 3, is odd
    assert r.warnings == ()
    assert r.was_15_digit is False
    assert r.format() == r.number
    assert r.mask() == mask(r.number) == "350***********" + r.number[-4:]
    legacy = parse("110105491231002")
    assert legacy.was_15_digit is True
    assert legacy.number == GB_SAMPLE


def test_gender_from_the_17th_digit() -> None:
    assert get_gender(with_check("11010519900101001")) == "M"
    assert get_gender(with_check("11010519900101002")) == "F"
    assert get_gender("110105900101019") == "M"
    assert parse(with_check("11010519900101999")).gender == "M"


def test_age() -> None:
    r = parse(GB_SAMPLE)  # born 1949-12-31
    assert r.age(dt.date(1949, 12, 31)) == 0
    assert r.age(dt.date(2024, 12, 30)) == 74
    assert r.age(dt.date(2024, 12, 31)) == 75
    leap = parse(with_check("11010520000229001"))
    assert leap.age(dt.date(2001, 2, 28)) == 0
    assert leap.age(dt.date(2001, 3, 1)) == 1
    assert leap.age(dt.date(2004, 2, 29)) == 4
    with pytest.raises(UsageError):
        r.age(dt.date(1949, 12, 30))


def test_repr_and_errors_show_no_more_than_the_mask() -> None:
    number = with_check("35020319900307123")
    r = parse(number)
    text = repr(r) + str(r)
    assert number not in text
    assert "350203" not in text
    assert "0307" not in text
    assert "厦门" not in text
    assert "350***********" + number[-4:] in text
    assert "1990-**-**" in text
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(ValidationError) as raised:
        validate(wrong)
    assert wrong not in str(raised.value) + repr(raised.value)
    assert raised.value.masked_value == mask(wrong) == "350***********" + wrong[-4:]


def test_error_for_spaced_input_masks_the_compact_form() -> None:
    with pytest.raises(ValidationError) as raised:
        validate("110105 19491231 0021")
    assert raised.value.masked_value == "110***********0021"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002X", "110***********002X"),
        ("110105 19491231 002x", "110***********002X"),
        ("110105491231002", "110********1002"),
        ("110105194912310021", "110***********0021"),  # a wrong number is masked too
        ("12345", "1***5"),
        (None, "<NoneType>"),
        (12345, "<int>"),
    ],
)
def test_mask(value: object, expected: str) -> None:
    assert mask(value) == expected


def test_calc_check_digit_and_to_18() -> None:
    assert calc_check_digit("11010519491231002") == "X"
    assert calc_check_digit(GB_SAMPLE) == "X"  # the 18th character is ignored
    assert calc_check_digit("36042619910101007") == "1"  # python-stdnum's doctest
    assert to_18("110105491231002") == GB_SAMPLE
    assert to_18("11010519491231002x") == GB_SAMPLE
    with pytest.raises(InvalidLength):
        to_18("1101054912310")
    with pytest.raises(InvalidFormat):
        to_18("11010549123100A")
    with pytest.raises(InvalidLength):
        calc_check_digit("1101051949")
    with pytest.raises(InvalidFormat):
        calc_check_digit("1101051949123100A")


def test_non_text_is_a_format_error() -> None:
    for value in (None, 110105, b"11010519491231002X", ["11010519491231002X"]):
        assert not is_valid(value)
        assert raised_code(value) == "cn_resident_id.format"
        with pytest.raises(InvalidFormat):
            compact(value)  # type: ignore[arg-type]


# --- error codes ------------------------------------------------------------------------------


def test_error_codes_are_exactly_the_codes_in_the_source() -> None:
    literals = set(re.findall(r'"(cn_resident_id\.[a-z0-9_]+)"', SOURCE))
    assert literals == set(ERROR_CODES)
    assert set(WARNING_CODES) < set(ERROR_CODES)
    assert all(description.endswith(".") for description in ERROR_CODES.values())


def test_every_error_code_has_an_exception_class_and_both_messages() -> None:
    for code in ERROR_CODES:
        cls, message_en, message_zh = cn_resident_id._MESSAGES[code]
        assert issubclass(cls, ValidationError)
        assert message_en
        assert message_zh
    for code in WARNING_CODES:
        assert cn_resident_id._MESSAGES[code][0] is InvalidComponent


# --- properties -------------------------------------------------------------------------------

_TODAY = dt.date.today()


@st.composite
def wide_ids(draw: st.DrawFn) -> str:
    """Well-formed numbers anywhere: any province, any county digits, 1850 to today."""
    province = draw(st.sampled_from(sorted(cn_resident_id._PROVINCES)))
    county = draw(st.integers(0, 9999))
    born = draw(st.dates(dt.date(1850, 1, 1), _TODAY))
    sequence = draw(st.integers(0, 999))
    return with_check(f"{province}{county:04d}{born:%Y%m%d}{sequence:03d}")


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@st.composite
def written(draw: st.DrawFn, number: str) -> str:
    """The number as a person or a system might write it."""
    style = draw(st.sampled_from(["plain", "lower", "spaced", "hyphens", "full", "padded"]))
    if style == "lower":
        return number.lower()
    if style == "spaced":
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    if style == "hyphens":
        return f"{number[:6]}-{number[6:14]}-{number[14:]}"
    if style == "full":
        return number.translate(FULL_WIDTH)
    if style == "padded":
        return f"  {number}\t"
    return number


@settings(max_examples=150, deadline=None)
@given(resident_ids())
def test_every_generated_valid_id_validates(number: str) -> None:
    assert validate(number, strict=True) == number
    assert is_valid(number)


@settings(max_examples=60, deadline=None)
@given(resident_ids(legacy_15=True))
def test_every_generated_15_digit_id_validates(number: str) -> None:
    upgraded = validate(number, strict=True)
    assert upgraded == to_18(number)
    assert parse(number).was_15_digit


@settings(max_examples=200, deadline=None)
@given(wide_ids())
def test_every_well_formed_id_validates_with_at_most_warnings(number: str) -> None:
    assert validate(number) == number
    parsed = parse(number)
    assert {w.code for w in parsed.warnings} <= WARNING_CODES
    assert parsed.region_name is not None
    assert parsed.birth_date == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@settings(max_examples=40, deadline=None)
@given(resident_ids())
def test_every_single_character_substitution_fails(number: str) -> None:
    for position in range(18):
        for replacement in "0123456789XA":
            if replacement == number[position]:
                continue
            corrupted = number[:position] + replacement + number[position + 1 :]
            assert not is_valid(corrupted), (position, replacement)


@settings(max_examples=100, deadline=None)
@given(st.one_of(resident_ids(), resident_ids(legacy_15=True), wide_ids()).flatmap(written))
def test_validate_of_format_is_validate(text: str) -> None:
    assert validate(cn_resident_id.format(text)) == validate(text)
    assert mask(text) == mask(compact(text))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789Xx０１２３４５６７８９Ｘ²³ -_.\u3000'", max_size=25),
        st.none(),
        st.integers(),
        st.binary(),
        st.floats(),
    )
)
def test_is_valid_never_raises(value: object) -> None:
    assert is_valid(value) in (True, False)
    assert is_valid(value, strict=True) in (True, False)
    assert isinstance(mask(value), str)


@settings(max_examples=200, deadline=None)
@given(wide_ids())
def test_agrees_with_stdnum_where_stdnum_is_right(number: str) -> None:
    try:
        theirs = stdnum.cn.ric.is_valid(number)
    except KeyError:  # python-stdnum 2.2 fails on counties missing from its table
        theirs = None
    ours_strict = is_valid(number, strict=True)
    if theirs:
        assert is_valid(number)  # every number stdnum accepts (all birth dates are past here)
    if ours_strict and number[:2] not in {"81", "82", "83"}:
        assert theirs, number  # every number we accept without doubt, stdnum accepts


@pytest.mark.parametrize(
    "value",
    ["110105491231002.0", " 110105491231002.00 ", "1.10105491231002E+14", "1.10105491231002e14"],
)
def test_a_15_digit_number_read_as_a_number_is_read_back(value: str) -> None:
    assert cn_resident_id.validate(value) == "11010519491231002X"
    assert cn_resident_id.compact(value) == "110105491231002"


@pytest.mark.parametrize(
    "value",
    ["1.10101199001011E+17", "1.10105E+14", "1.1010549123100E+14", "110105491231002.5"],
)
def test_a_spreadsheet_number_that_lost_digits_is_refused(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        cn_resident_id.validate(value)
    assert caught.value.code == "cn_resident_id.length"


# -- session 13: residence permits and the foreigner's permanent residence ID ----------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("居住证号码：810000199408230021", "810000199408230021"),
        ("港澳台居民居住证 820000197512100035", "820000197512100035"),
        ("居住证：83000020010315002x", "83000020010315002X"),
    ],
)
def test_residence_permit_labels(value: str, expected: str) -> None:
    assert cn_resident_id.validate(value) == expected


def test_a_foreign_permanent_residence_id_is_no_resident_id() -> None:
    with pytest.raises(InvalidComponent) as info:
        cn_resident_id.validate("931392197903200025")
    assert info.value.code == "cn_resident_id.province"
    assert cn_foreign_permanent_id.validate("931392197903200025") == "931392197903200025"


def _foreign_id(province: str, nationality: str, born: str, order: str) -> str:
    body = "9" + province + nationality + born + order
    return body + cn_resident_id.calc_check_digit(body)


@given(
    province=st.sampled_from(["11", "31", "35", "44", "65"]),
    nationality=st.sampled_from(["840", "392", "410", "826", "250", "276", "036", "124", "702"]),
    born=st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)),
    order=st.integers(0, 999),
)
@settings(max_examples=100)
def test_foreign_permanent_ids_of_every_shape_are_valid(
    province: str, nationality: str, born: dt.date, order: int
) -> None:
    number = _foreign_id(province, nationality, born.strftime("%Y%m%d"), f"{order:03d}")
    parsed = cn_foreign_permanent_id.parse(number)
    assert (parsed.number, parsed.province, parsed.birth_date) == (number, province, born)
    assert parsed.gender == ("M" if order % 2 else "F")
    assert cn_foreign_permanent_id.validate(number.lower()) == number
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert cn_foreign_permanent_id.validate(wide) == number
    assert cn_foreign_permanent_id.mask(number) == number[:3] + "*" * 11 + number[-4:]
    assert number[3:] not in repr(parsed)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (_foreign_id("11", "156", "19850615", "001"), "cn_foreign_permanent_id.nationality"),
        (_foreign_id("11", "344", "19850615", "001"), "cn_foreign_permanent_id.nationality"),
        (_foreign_id("11", "446", "19850615", "001"), "cn_foreign_permanent_id.nationality"),
        (_foreign_id("11", "158", "19850615", "001"), "cn_foreign_permanent_id.nationality"),
        (_foreign_id("11", "999", "19850615", "001"), "cn_foreign_permanent_id.nationality"),
        (_foreign_id("81", "840", "19850615", "001"), "cn_foreign_permanent_id.province"),
        (_foreign_id("99", "840", "19850615", "001"), "cn_foreign_permanent_id.province"),
        (_foreign_id("11", "840", "19850230", "001"), "cn_foreign_permanent_id.birth_date"),
        (_foreign_id("11", "840", "18991231", "001"), "cn_foreign_permanent_id.birth_date"),
        (_foreign_id("11", "840", "20991231", "001"), "cn_foreign_permanent_id.birth_date"),
        ("911840198506150012", "cn_foreign_permanent_id.checksum"),
        ("11010519491231002X", "cn_foreign_permanent_id.prefix"),
        ("91184019850615001", "cn_foreign_permanent_id.length"),
        ("USA110085061501", "cn_foreign_permanent_id.length"),
        ("USA110085061501234", "cn_foreign_permanent_id.format"),
        ("911***********0011", "cn_foreign_permanent_id.masked"),
    ],
)
def test_foreign_permanent_id_refusals(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        cn_foreign_permanent_id.validate(value)
    assert info.value.code == code
    assert code in cn_foreign_permanent_id.ERROR_CODES
    assert "*" in value or value[3:14] not in str(info.value)
    assert not cn_foreign_permanent_id.is_valid(value)


@pytest.mark.parametrize("junk", [None, "", 0, object(), "€", "⑱", "3²", "９" * 18, "x" * 5000])
def test_foreign_permanent_id_junk_is_invalid_and_never_crashes(junk: object) -> None:
    assert not cn_foreign_permanent_id.is_valid(junk)
    assert isinstance(cn_foreign_permanent_id.mask(junk), str)
