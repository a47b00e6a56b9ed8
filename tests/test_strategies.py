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
from phonenumbers import geocoder
from stdnum.cn import ric

from custmaster.errors import ValidationError
from custmaster.testing.strategies import (
    GeneratedAddress,
    GeneratedPhone,
    InvalidValue,
    addresses,
    emails,
    engine_numbers,
    invalid_resident_ids,
    model_year_code,
    names,
    organisation_code_check_char,
    phones,
    plates,
    postcodes,
    resident_id_check_char,
    resident_ids,
    uscc_check_char,
    usccs,
    vin_check_digit,
    vins,
)
from custmaster.validate import (
    cn_name,
    cn_plate,
    cn_postcode,
    cn_resident_id,
    cn_uscc,
    email,
    engine_no,
    phone,
    vin,
)

FEW = settings(max_examples=40, deadline=None)
SOME = settings(max_examples=80, deadline=None)


# --- the public module ------------------------------------------------------------------------


def test_public_module_exports_every_strategy() -> None:
    from custmaster.testing import _domain, _values, strategies

    assert set(_values.__all__) | set(_domain.__all__) == set(strategies.__all__)
    for name in strategies.__all__:
        assert getattr(strategies, name) is getattr(_values, name, None) or getattr(
            strategies, name
        ) is getattr(_domain, name, None)


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

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
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

_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


@pytest.mark.parametrize("kind", ["mobile", "fixed_line", "toll_free", "shared_cost", "service"])
@pytest.mark.parametrize("formatted", [True, False])
def test_phones_normalise_as_promised(kind: str, formatted: bool) -> None:
    @SOME
    @given(phones(kind, formatted=formatted))  # type: ignore[arg-type]
    def check(generated: GeneratedPhone) -> None:
        assert generated.kind == kind
        assert phone.validate(generated.text) == generated.normalised
        parsed = phone.parse(generated.text)
        assert parsed.kind.value == kind
        assert parsed.extension == generated.extension
        if kind == "service":
            assert generated.e164 is None
            assert generated.normalised.isdigit()
        else:
            assert generated.e164 is not None
            assert generated.normalised.startswith(generated.e164)
            # phonenumbers itself agrees on the number and its type
            number = phonenumbers.parse(generated.e164)
            assert phonenumbers.is_valid_number(number)
            assert phonenumbers.number_type(number) == getattr(
                phonenumbers.PhoneNumberType, kind.upper()
            )
        if not formatted:
            assert generated.text.isascii()
            assert generated.text.isdigit()
            assert generated.extension is None

    check()


@FEW
@given(phones(kind="fixed_line", area_code="0592", formatted=False))
def test_fixed_line_area_code(generated: GeneratedPhone) -> None:
    assert generated.text.startswith("0592")
    assert len(generated.text) == 11  # Xiamen: 0592 + 7 digits
    assert phone.parse(generated.text).area_code == "0592"
    assert generated.e164 is not None
    region = geocoder.description_for_number(phonenumbers.parse(generated.e164), "zh")
    assert region.startswith("福建省厦门市")


@FEW
@given(phones(kind="fixed_line", area_code="10"))
def test_fixed_line_area_code_without_trunk_zero(generated: GeneratedPhone) -> None:
    assert phone.parse(generated.text).area_code == "010"
    assert generated.normalised.startswith("+8610")


def test_formatted_phones_cover_the_messy_variants() -> None:
    texts: list[str] = []

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(phones() | phones(kind="fixed_line"))
    def collect(generated: GeneratedPhone) -> None:
        texts.append(generated.text)

    collect()
    assert any(t.lstrip().startswith(("+86", "＋８６")) for t in texts)
    assert any("0086" in t or "００８６" in t for t in texts)
    assert any("-" in t or "－" in t for t in texts)
    assert any(" " in t.strip() for t in texts)
    assert any(not t.translate(_ASCII).isascii() or "０" in t for t in texts)  # full width
    assert any("转" in t for t in texts)


def test_phones_shrink_to_readable_numbers() -> None:
    quick = settings(database=None)
    assert find(phones(), lambda _: True, settings=quick).text == "13800000000"
    assert find(phones(kind="fixed_line"), lambda _: True, settings=quick).text == "0592-2000000"
    assert find(phones(kind="service"), lambda _: True, settings=quick).text == "95518"


def test_phone_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="area code"):
        phones(kind="fixed_line", area_code="0000")
    with pytest.raises(ValueError, match="fixed-line"):
        phones(kind="mobile", area_code="0592")
    with pytest.raises(ValueError, match="kind"):
        phones(kind="satellite")  # type: ignore[arg-type]


# --- organisations and vehicles ---------------------------------------------------------------


def test_check_characters_match_published_examples() -> None:
    assert uscc_check_char("91110000600037341") == "L"  # python-stdnum's example
    assert organisation_code_check_char("60003734") == "1"
    assert organisation_code_check_char("71526726") == "X"
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"  # 49 CFR 565's example
    assert vin_check_digit("LSVAU218XN2183294") == "X"
    assert [model_year_code(y) for y in (2001, 2009, 2010, 2022, 2030)] == list("19ANY")
    with pytest.raises(ValueError, match="alphabet"):
        uscc_check_char("9111000060003734I")
    with pytest.raises(ValueError, match="except I, O and Q"):
        vin_check_digit("LSVAU218XN218329O")


@SOME
@given(usccs())
def test_usccs_are_valid(code: str) -> None:
    assert cn_uscc.validate(code, strict=True) == code
    parsed = cn_uscc.parse(code)
    assert parsed.warnings == ()
    assert parsed.organisation_code_valid
    assert parsed.organisation_type.name is not None


@FEW
@given(usccs(region="3502"))
def test_uscc_region(code: str) -> None:
    assert code[2:6] == "3502"
    assert (cn_uscc.parse(code).region_name or "").startswith("福建省厦门市")


@SOME
@given(vins())
def test_vins_are_valid(value: str) -> None:
    assert vin.validate(value) == value
    assert not set(value) & set("IOQ")
    assert value.startswith("L")
    parsed = vin.parse(value, reference_year=dt.date.today().year)
    assert parsed.manufacturer is not None  # a WMI custmaster knows
    assert 2005 <= (parsed.model_year or 0) <= dt.date.today().year + 1


@FEW
@given(vins(wmi="LHG", model_year=(2015, 2020)))
def test_vin_controls(value: str) -> None:
    parsed = vin.parse(value, reference_year=2025)
    assert parsed.wmi == "LHG"
    assert parsed.manufacturer == "广汽本田"
    assert 2015 <= (parsed.model_year or 0) <= 2020


def test_vin_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="wmi"):
        vins(wmi="LIO")
    with pytest.raises(ValueError, match="empty"):
        vins(model_year=(2020, 2019))


@SOME
@given(plates())
def test_plates_are_valid(plate: str) -> None:
    assert cn_plate.validate(plate, strict=True) == plate
    parsed = cn_plate.parse(plate)
    assert parsed.kind in {"standard", "new_energy_small", "new_energy_large"}


@FEW
@given(plates(new_energy=True, province="闽"))
def test_new_energy_plates_of_a_province(plate: str) -> None:
    parsed = cn_plate.parse(plate)
    assert parsed.kind in {"new_energy_small", "new_energy_large"}
    assert parsed.province_name == "福建省"
    assert parsed.energy is not None


@FEW
@given(plates(new_energy=False, province="44"))
def test_standard_plates_of_a_province_by_code(plate: str) -> None:
    parsed = cn_plate.parse(plate)
    assert parsed.kind == "standard"
    assert parsed.province == "粤"


def test_plates_mix_kinds() -> None:
    kinds: set[str] = set()

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(plates())
    def collect(plate: str) -> None:
        kinds.add(cn_plate.parse(plate).kind)

    collect()
    assert kinds == {"standard", "new_energy_small", "new_energy_large"}


@SOME
@given(engine_numbers())
def test_engine_numbers_are_valid(number: str) -> None:
    assert engine_no.validate(number) == number


# --- contact data -----------------------------------------------------------------------------


@SOME
@given(postcodes())
def test_postcodes_are_valid(code: str) -> None:
    assert cn_postcode.validate(code) == code


@pytest.mark.parametrize(
    ("province", "name"),
    [("闽", "福建省"), ("11", "北京市"), ("新疆维吾尔自治区", "新疆维吾尔自治区")],
)
def test_postcodes_of_a_province(province: str, name: str) -> None:
    @FEW
    @given(postcodes(province=province))
    def check(code: str) -> None:
        assert cn_postcode.parse(code).postal_province == name

    check()


@SOME
@given(emails())
def test_emails_are_valid(address: str) -> None:
    assert email.validate(address, strict=True) == address
    assert address == address.lower()


@SOME
@given(st.data())
def test_addresses_are_consistent(data: st.DataObject) -> None:
    address: GeneratedAddress = data.draw(addresses())
    assert address.text == (
        address.province + (address.city or "") + address.district + address.detail
    )
    assert address.detail[0] not in "0123456789"
    assert "号" in address.detail
    # the region code is in use today: an ID of a child born there has no region warning
    born = (dt.date.today() - dt.timedelta(days=700), dt.date.today())
    resident_id = data.draw(resident_ids(region=address.region_code, born=born))
    region_name = cn_resident_id.parse(resident_id, strict=True).region_name or ""
    assert region_name.startswith(address.province)
    assert region_name.endswith(address.district)


@FEW
@given(addresses(province="北京市"))
def test_municipality_addresses_have_no_city(address: GeneratedAddress) -> None:
    assert address.text.startswith("北京市")
    assert address.city is None
    assert not address.text.startswith("北京市北京市")
    assert address.region_code.startswith("11")


def test_province_arguments_are_checked() -> None:
    for strategy in (addresses, plates, postcodes):
        with pytest.raises(ValueError, match="unknown province"):
            strategy(province="火星")


def test_value_strategies_shrink_to_readable_examples() -> None:
    quick = settings(database=None)
    assert find(usccs(), lambda _: True, settings=quick) == "91350200MA0000007F"
    assert find(plates(), lambda _: True, settings=quick) == "闽A00000"
    assert find(names(), lambda _: True, settings=quick) == "王伟"
    assert find(names(gender="F"), lambda _: True, settings=quick) == "王芳"
    assert (
        find(names(kind="organisation"), lambda _: True, settings=quick) == "厦门鑫源贸易有限公司"
    )
    address = find(addresses(), lambda _: True, settings=quick)
    assert address.text == "福建省厦门市思明区人民路1号"


# --- names ------------------------------------------------------------------------------------


def test_person_names_have_realistic_shapes() -> None:
    seen: list[str] = []
    compound: set[str] = set()

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(names())
    def collect(name: str) -> None:
        seen.append(name)
        surname = cn_name.parse(name).surname
        if surname is not None and len(surname) == 2:
            compound.add(surname)

    collect()
    assert all(2 <= len(name) <= 9 for name in seen)
    assert any("·" in name for name in seen)  # minority names with the middle dot
    assert compound  # compound surnames occur, and the validator splits them off
    assert compound <= cn_name.COMPOUND_SURNAMES
    assert len(set(seen)) < len(seen)  # shared names such as 王伟 occur
    top = sum(name[0] in "王李张刘陈" for name in seen) / len(seen)
    assert top > 0.2  # about 30% of Chinese people have one of the five commonest surnames


@SOME
@given(names())
def test_person_names_are_valid(name: str) -> None:
    assert cn_name.validate(name, strict=True) == name
    parsed = cn_name.parse(name)
    assert parsed.kind == "person"
    assert parsed.warnings == ()
    if "·" in name:
        assert parsed.surname is None
        assert parsed.parts == tuple(name.split("·"))
    else:
        assert parsed.surname is not None
        assert parsed.surname + (parsed.given_name or "") == name
        assert name.startswith(parsed.surname)


@FEW
@given(names(kind="organisation"))
def test_organisation_names_are_valid(name: str) -> None:
    assert cn_name.validate(name, strict=True) == name
    assert cn_name.parse(name).kind == "organisation"
    assert name.endswith("公司")


def test_name_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="kind"):
        names(kind="pet")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="people only"):
        names(kind="organisation", gender="F")
