"""The hypothesis strategies of custmaster.testing generate what they promise.

Each valid value must pass the corresponding custmaster validator (and normalise to the value
the strategy says), each invalid one must fail with exactly its labelled code, and the
controls (region, birth date, gender, kind, area code …) must be respected.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import phonenumbers
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from custmaster.errors import ValidationError
from custmaster.testing.strategies import (
    GeneratedPhone,
    InvalidValue,
    invalid_resident_ids,
    phones,
    resident_id_check_char,
    resident_ids,
)
from custmaster.validate import cn_resident_id

FEW = settings(max_examples=40, deadline=None)
SOME = settings(max_examples=120, deadline=None)


# --- resident IDs -----------------------------------------------------------------------------


def test_check_char_matches_published_examples() -> None:
    # GB 11643-1999's example and python-stdnum's doctest.
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_check_char("36042619910101007") == "1"
    with pytest.raises(ValueError, match="17 ASCII digits"):
        resident_id_check_char("1101051949123100")


@SOME
@given(resident_ids())
def test_resident_ids_are_valid_without_warnings(number: str) -> None:
    assert len(number) == 18
    assert cn_resident_id.validate(number, strict=True) == number
    parsed = cn_resident_id.parse(number)
    assert parsed.warnings == ()
    assert parsed.region_code[:2] not in {"71", "81", "82", "83"}
    assert not number.endswith("00", 0, 6)  # a county, not a province or prefecture row
    assert ric.is_valid(number)  # python-stdnum agrees (region valid in the birth year)


@SOME
@given(st.data())
def test_resident_id_controls_are_respected(data: st.DataObject) -> None:
    region = data.draw(st.sampled_from(["35", "3502", "350203", "11", "4403", "65"]))
    low = data.draw(st.dates(dt.date(1984, 1, 1), dt.date(2020, 12, 31)))
    high = data.draw(st.dates(low, low + dt.timedelta(days=800)))
    gender: Literal["M", "F"] = data.draw(st.sampled_from(["M", "F"]))
    number = data.draw(resident_ids(region=region, born=(low, high), gender=gender))
    parsed = cn_resident_id.parse(number, strict=True)
    assert parsed.region_code.startswith(region)
    assert low <= parsed.birth_date <= high
    assert parsed.gender == gender


@FEW
@given(resident_ids(born=dt.date(2000, 2, 29), gender="M"))
def test_resident_id_exact_birth_date(number: str) -> None:
    assert number[6:14] == "20000229"
    assert cn_resident_id.get_gender(number) == "M"


@FEW
@given(resident_ids(region="110103"))
def test_retired_region_only_for_births_in_its_years(number: str) -> None:
    # 崇文区 was merged into 东城区 in 2010: numbers with its code are born by 2010.
    assert number.startswith("110103")
    assert int(number[6:10]) <= 2010
    assert cn_resident_id.parse(number).warnings == ()


@SOME
@given(resident_ids(legacy_15=True))
def test_legacy_15_ids_upgrade(number: str) -> None:
    assert len(number) == 15
    assert number.isdigit()
    upgraded = cn_resident_id.validate(number, strict=True)
    assert upgraded == cn_resident_id.to_18(number)
    assert upgraded[:6] + upgraded[8:17] == number
    assert upgraded[6:8] == "19"
    assert cn_resident_id.parse(number).was_15_digit


@FEW
@given(resident_ids(legacy_15=True, born=(dt.date(1950, 1, 1), dt.date(2020, 1, 1)), gender="F"))
def test_legacy_15_ids_are_born_in_the_1900s(number: str) -> None:
    parsed = cn_resident_id.parse(number)
    assert dt.date(1950, 1, 1) <= parsed.birth_date <= dt.date(1999, 12, 31)
    assert parsed.gender == "F"


def test_resident_ids_shrink_to_a_readable_number() -> None:
    smallest = find(resident_ids(), lambda _: True, settings=settings(database=None))
    assert smallest == "110101199001010015"  # 北京市东城区, 1990-01-01, first man
    smallest_woman = find(
        resident_ids(gender="F"), lambda _: True, settings=settings(database=None)
    )
    assert cn_resident_id.parse(smallest_woman).gender == "F"
    assert smallest_woman.startswith("11010119900101")


def test_resident_id_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="region"):
        resident_ids(region="3")
    with pytest.raises(ValueError, match="gender"):
        resident_ids(gender="X")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no birth date"):
        resident_ids(born=(dt.date(2000, 1, 1), dt.date(2001, 1, 1)), legacy_15=True)
    with pytest.raises(ValueError, match="no region code 350203"):
        resident_ids(region="350203", born=(dt.date(1970, 1, 1), dt.date(1982, 12, 31)))


@SOME
@given(invalid_resident_ids())
def test_invalid_resident_ids_raise_exactly_their_code(case: InvalidValue) -> None:
    assert case.code in cn_resident_id.ERROR_CODES
    with pytest.raises(ValidationError) as raised:
        cn_resident_id.validate(case.value, strict=case.strict)
    assert raised.value.code == case.code
    if case.strict:  # a warning: accepted without strict, with that warning
        parsed = cn_resident_id.parse(case.value)
        assert [w.code for w in parsed.warnings] == [case.code]
    assert not cn_resident_id.is_valid(case.value, strict=True)


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("checksum", {"cn_resident_id.checksum"}),
        (
            "birth_date",
            {
                "cn_resident_id.birth_date",
                "cn_resident_id.birth_date_future",
                "cn_resident_id.birth_date_too_early",
            },
        ),
        (
            "region",
            {
                "cn_resident_id.province",
                "cn_resident_id.region_unknown",
                "cn_resident_id.region_retired",
            },
        ),
        ("length", {"cn_resident_id.length"}),
        ("format", {"cn_resident_id.format"}),
    ],
)
def test_invalid_resident_id_kinds(kind: str, codes: set[str]) -> None:
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None, database=None)
    @given(invalid_resident_ids(kind))  # type: ignore[arg-type]
    def check(case: InvalidValue) -> None:
        assert case.code in codes
        seen.add(case.code)
        with pytest.raises(ValidationError) as raised:
            cn_resident_id.validate(case.value, strict=case.strict)
        assert raised.value.code == case.code

    check()
    assert seen == codes  # every variant of the kind is generated


def test_invalid_resident_id_kind_is_checked() -> None:
    with pytest.raises(ValueError, match="kind"):
        invalid_resident_ids("typo")  # type: ignore[arg-type]


# --- phones -----------------------------------------------------------------------------------


def _phonenumbers_type(e164: str) -> int:
    number = phonenumbers.parse(e164)
    assert phonenumbers.is_valid_number(number), e164
    return phonenumbers.number_type(number)


@SOME
@given(phones())
def test_mobile_phones(generated: GeneratedPhone) -> None:
    assert generated.kind == "mobile"
    assert generated.extension is None
    assert generated.e164 == generated.normalised
    assert _phonenumbers_type(generated.normalised) == phonenumbers.PhoneNumberType.MOBILE
    assert phonenumbers.parse(generated.text, "CN") == phonenumbers.parse(generated.normalised)


@SOME
@given(phones(kind="fixed_line"))
def test_fixed_line_phones(generated: GeneratedPhone) -> None:
    assert generated.e164 is not None
    assert _phonenumbers_type(generated.e164) == phonenumbers.PhoneNumberType.FIXED_LINE
    if generated.extension is None:
        assert generated.normalised == generated.e164
    else:
        assert generated.normalised == f"{generated.e164};ext={generated.extension}"
        assert generated.text.translate(_ASCII).endswith(generated.extension)


_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


@FEW
@given(phones(kind="fixed_line", area_code="0592", formatted=False))
def test_fixed_line_area_code_and_plain_format(generated: GeneratedPhone) -> None:
    assert generated.text.startswith("0592")
    assert generated.text.isascii()
    assert generated.text.isdigit()
    assert len(generated.text) == 11  # Xiamen: 0592 + 7 digits
    assert generated.normalised == "+86" + generated.text[1:]
    assert phonenumbers.geocoder.description_for_number(
        phonenumbers.parse(generated.normalised), "zh"
    ).startswith("福建省厦门市")


@FEW
@given(phones(kind="toll_free"))
def test_toll_free_phones(generated: GeneratedPhone) -> None:
    assert generated.normalised.startswith("+86800")
    assert _phonenumbers_type(generated.normalised) == phonenumbers.PhoneNumberType.TOLL_FREE


@FEW
@given(phones(kind="service"))
def test_service_phones(generated: GeneratedPhone) -> None:
    assert generated.e164 is None
    assert generated.normalised.isdigit()
    assert generated.text.strip().translate(_ASCII) == generated.normalised


@FEW
@given(phones(formatted=False))
def test_unformatted_mobiles_are_plain_digits(generated: GeneratedPhone) -> None:
    assert generated.text.isascii()
    assert generated.text.isdigit()
    assert len(generated.text) == 11


def test_formatted_phones_cover_the_messy_variants() -> None:
    texts: list[str] = []

    @settings(max_examples=150, deadline=None, database=None)
    @given(phones() | phones(kind="fixed_line"))
    def collect(generated: GeneratedPhone) -> None:
        texts.append(generated.text)

    collect()
    assert any(t.lstrip().startswith(("+86", "＋８６")) for t in texts)
    assert any("0086" in t or "００８６" in t for t in texts)
    assert any("-" in t for t in texts)
    assert any(not t.isascii() for t in texts)  # full-width digits
    assert any("转" in t for t in texts)


def test_phones_shrink_to_readable_numbers() -> None:
    assert find(phones(), lambda _: True, settings=settings(database=None)).text == "13800000000"
    fixed = find(phones(kind="fixed_line"), lambda _: True, settings=settings(database=None))
    assert fixed.text == "0592-2000000"


def test_phone_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="area code"):
        phones(kind="fixed_line", area_code="0000")
    with pytest.raises(ValueError, match="fixed-line"):
        phones(kind="mobile", area_code="0592")
    with pytest.raises(ValueError, match="kind"):
        phones(kind="satellite")  # type: ignore[arg-type]
