"""Plate numbers: GA 36-2018 kinds, new-energy rules, special suffixes, masking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from custmaster.validate import cn_plate

SERIAL = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "0123456789"
OFFICES = "ABCDEFGHJKLMNOPQRSTUVWXYZ"


@pytest.mark.parametrize(
    ("raw", "compact", "kind", "formatted"),
    [
        ("闽D12345", "闽D12345", "standard", "闽D·12345"),
        ("京A·B23C4", "京AB23C4", "standard", "京A·B23C4"),
        ("沪a 5h7k9", "沪A5H7K9", "standard", "沪A·5H7K9"),
        ("粤B-D12345", "粤BD12345", "new_energy_small", "粤B·D12345"),
        ("粤BDF1234", "粤BDF1234", "new_energy_small", "粤B·DF1234"),
        ("苏EF98765", "苏EF98765", "new_energy_small", "苏E·F98765"),
        ("京AA12345", "京AA12345", "new_energy_small", "京A·A12345"),
        ("浙AK00001", "浙AK00001", "new_energy_small", "浙A·K00001"),
        ("粤B12345D", "粤B12345D", "new_energy_large", "粤B·12345D"),
        ("川A12345F", "川A12345F", "new_energy_large", "川A·12345F"),
        ("京A0001警", "京A0001警", "police", "京A·0001警"),
        ("苏A1234学", "苏A1234学", "learner", "苏A·1234学"),
        ("鲁B1234挂", "鲁B1234挂", "trailer", "鲁B·1234挂"),
        ("沪A1234试", "沪A1234试", "test", "沪A·1234试"),
        ("沪A0012领", "沪A0012领", "consulate", "沪A·0012领"),
        ("粤Z1234港", "粤Z1234港", "hk_macau", "粤Z·1234港"),
        ("粤Z·A234澳", "粤ZA234澳", "hk_macau", "粤Z·A234澳"),
        ("使014578", "使014578", "embassy", "使014·578"),
        ("使014·578", "使014578", "embassy", "使014·578"),
        ("京O12345", "京O12345", "standard", "京O·12345"),
        ("闽Ｄ１２３４５", "闽D12345", "standard", "闽D·12345"),
        ("闽D•12345", "闽D12345", "standard", "闽D·12345"),
        ("闽D.12345", "闽D12345", "standard", "闽D·12345"),
    ],
)
def test_real_world_plates(raw: str, compact: str, kind: str, formatted: str) -> None:
    assert cn_plate.validate(raw) == compact
    assert cn_plate.format(raw) == formatted
    assert cn_plate.parse(raw).kind == kind
    assert cn_plate.parse(raw).format() == formatted


@pytest.mark.parametrize(
    ("value", "energy"),
    [
        ("粤BD12345", "pure_electric"),
        ("粤BA12345", "pure_electric"),
        ("粤BE12345", "pure_electric"),
        ("粤BF12345", "non_pure_electric"),
        ("粤BG12345", "non_pure_electric"),
        ("粤BK12345", "non_pure_electric"),
        ("粤B12345D", "pure_electric"),
        ("粤B12345F", "non_pure_electric"),
        ("粤B12345", None),
    ],
)
def test_energy_type(value: str, energy: str | None) -> None:
    assert cn_plate.parse(value).energy == energy


@pytest.mark.parametrize(
    ("value", "error", "code"),
    [
        ("闽D1234", InvalidLength, "cn_plate.length"),
        ("闽D1234567", InvalidLength, "cn_plate.length"),
        ("闽D12345678", InvalidLength, "cn_plate.length"),
        ("X D12345", InvalidComponent, "cn_plate.province"),
        ("港D12345", InvalidComponent, "cn_plate.province"),
        ("WJ1234567", InvalidComponent, "cn_plate.province"),
        ("闽I12345", InvalidComponent, "cn_plate.authority"),
        ("闽112345", InvalidComponent, "cn_plate.authority"),
        ("闽D1234O", InvalidFormat, "cn_plate.serial"),
        ("闽D12I45", InvalidFormat, "cn_plate.serial"),
        ("闽D12@45", InvalidFormat, "cn_plate.serial"),
        ("粤BL12345", InvalidFormat, "cn_plate.new_energy"),  # L is not an energy letter
        ("粤BDA1B34", InvalidFormat, "cn_plate.new_energy"),  # last four must be digits
        ("粤B12345A", InvalidFormat, "cn_plate.new_energy"),  # large plates: D or F only
        ("粤B1234DF", InvalidFormat, "cn_plate.new_energy"),
        ("粤BD1234O", InvalidFormat, "cn_plate.serial"),
        ("粤A1234港", InvalidComponent, "cn_plate.hk_macau"),
        ("京Z1234澳", InvalidComponent, "cn_plate.hk_macau"),
        ("京A12345警", InvalidLength, "cn_plate.length"),
        ("京A12O4警", InvalidFormat, "cn_plate.serial"),
        ("使01457", InvalidFormat, "cn_plate.embassy"),  # 使 and 6 digits (session 13)
        ("使A12345", InvalidFormat, "cn_plate.embassy"),
        ("闽D***88", InvalidFormat, "cn_plate.masked"),
        ("新车未上牌", InvalidComponent, "cn_plate.unregistered"),
        ("未上牌", InvalidComponent, "cn_plate.unregistered"),
        ("待上牌", InvalidComponent, "cn_plate.unregistered"),
        ("新车(待上牌)", InvalidComponent, "cn_plate.unregistered"),
        ("暂未上牌", InvalidComponent, "cn_plate.unregistered"),
        ("临时牌照", InvalidComponent, "cn_plate.unregistered"),
        ("无车牌", InvalidComponent, "cn_plate.unregistered"),
        ("未上户", InvalidComponent, "cn_plate.unregistered"),
        ("", InvalidLength, "cn_plate.length"),
    ],
)
def test_refusals(value: str, error: type[ValidationError], code: str) -> None:
    with pytest.raises(error) as info:
        cn_plate.validate(value)
    assert info.value.code == code
    assert code in cn_plate.ERROR_CODES
    assert not cn_plate.is_valid(value)


def test_more_than_two_letters_is_a_warning() -> None:
    parsed = cn_plate.parse("京AABC12")
    assert [w.code for w in parsed.warnings] == ["cn_plate.serial_letters"]
    assert cn_plate.is_valid("京AABC12")
    assert not cn_plate.is_valid("京AABC12", strict=True)
    assert cn_plate.parse("京AAB123").warnings == ()


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("闽D12388", "闽D·***88"),
        ("粤BD12345", "粤B·****45"),
        ("粤B12345D", "粤B·****5D"),
        ("京A0001警", "京A·**01警"),
        ("粤Z1234港", "粤Z·**34港"),
        ("使014578", "使014·*78"),
    ],
)
def test_mask(value: str, masked: str) -> None:
    assert cn_plate.mask(value) == masked
    assert cn_plate.parse(value).mask() == masked


def test_mask_never_raises_and_hides_invalid_values() -> None:
    assert cn_plate.mask(None) == "<NoneType>"  # type: ignore[arg-type]
    assert cn_plate.mask("闽D1234O") == "闽*****O"
    assert cn_plate.mask(12345) == "<int>"  # type: ignore[arg-type]


def test_parse_fields_and_repr() -> None:
    parsed = cn_plate.parse("闽D·12388")
    assert (parsed.province, parsed.province_name, parsed.authority, parsed.serial) == (
        "闽",
        "福建省",
        "D",
        "12388",
    )
    assert "12388" not in repr(parsed)
    assert "闽D·***88" in repr(parsed)
    embassy = cn_plate.parse("使014578")
    assert (embassy.province, embassy.province_name, embassy.authority) == ("使", None, "014")


def test_every_province_abbreviation_is_accepted() -> None:
    assert len(cn_plate.PROVINCES) == 31
    for abbreviation, name in cn_plate.PROVINCES.items():
        assert cn_plate.parse(abbreviation + "A12345").province_name == name


standard_plates = st.builds(
    lambda p, a, s: p + a + s,
    st.sampled_from(sorted(cn_plate.PROVINCES)),
    st.sampled_from(OFFICES),
    st.text(SERIAL, min_size=5, max_size=5),
)
small_nev = st.builds(
    lambda p, a, e, second, digits: p + a + e + second + digits,
    st.sampled_from(sorted(cn_plate.PROVINCES)),
    st.sampled_from(OFFICES),
    st.sampled_from("ABCDEFGHJK"),
    st.sampled_from(SERIAL),
    st.text(DIGITS, min_size=4, max_size=4),
)
large_nev = st.builds(
    lambda p, a, digits, e: p + a + digits + e,
    st.sampled_from(sorted(cn_plate.PROVINCES)),
    st.sampled_from(OFFICES),
    st.text(DIGITS, min_size=5, max_size=5),
    st.sampled_from("DF"),
)


@settings(max_examples=200)
@given(st.one_of(standard_plates, small_nev, large_nev))
def test_format_round_trips(value: str) -> None:
    assert cn_plate.validate(cn_plate.format(value)) == cn_plate.validate(value)
    assert cn_plate.validate(" " + value.lower() + " ") == value
    masked = cn_plate.mask(value)
    assert masked.startswith(value[:2] + "·")
    assert masked.endswith(value[-2:])
    assert masked.count("*") == len(value) - 4


@pytest.mark.parametrize(
    ("value", "plate"),
    [
        ("闽D12345(蓝)", "闽D12345"),
        ("闽D12345（蓝牌）", "闽D12345"),
        ("闽D12345 黄色", "闽D12345"),
        ("黄 闽D·12345", "闽D12345"),
        ("闽DD12345(渐变绿)", "闽DD12345"),
        ("京A12345(黑)", "京A12345"),
        ("黑A12345", "黑A12345"),  # 黑 is also Heilongjiang's abbreviation: kept where it leads
    ],
)
def test_a_colour_noted_with_the_plate_is_no_part_of_it(value: str, plate: str) -> None:
    assert cn_plate.validate(value) == plate


# -- session 12: 应急, temporary and 超 plates (validators-realworld-3.csv) ----------------------


@pytest.mark.parametrize(
    ("raw", "compact", "team", "formatted", "masked"),
    [
        ("粤X·1234应急", "粤X1234应急", "X", "粤·X1234应急", "粤·***34应急"),
        ("京·X2345应急", "京X2345应急", "X", "京·X2345应急", "京·***45应急"),
        ("川s 0123 应急", "川S0123应急", "S", "川·S0123应急", "川·***23应急"),
    ],
)
def test_emergency_plates(raw: str, compact: str, team: str, formatted: str, masked: str) -> None:
    plate = cn_plate.parse(raw)
    assert (plate.plate, plate.kind, plate.authority) == (compact, "emergency", team)
    assert plate.serial == compact[2:6]
    assert plate.province_name == cn_plate.PROVINCES[compact[0]]
    assert cn_plate.format(raw) == formatted
    assert cn_plate.mask(raw) == masked
    assert cn_plate.validate(formatted) == compact


@pytest.mark.parametrize(
    "value", ["粤A·1234应急", "粤X·12345应急", "粤X·123应急", "粤X·12A4应急", "粤·应急"]
)
def test_other_emergency_plates_are_refused(value: str) -> None:
    with pytest.raises(InvalidFormat) as info:
        cn_plate.validate(value)
    assert info.value.code in {"cn_plate.emergency", "cn_plate.length"}
    assert not cn_plate.is_valid(value)


@pytest.mark.parametrize(
    "value",
    [
        "粤B123456",
        "粤B·123456",
        "粤B123456（临时）",
        "粤B123456(临时号牌)",
        "临时号牌：粤B123456",
        "临时牌照 粤B·123456",
        "临 粤B·123456",
        "粤B123456临",
        "【临】粤B123456",
    ],
)
def test_temporary_plates(value: str) -> None:
    plate = cn_plate.parse(value)
    assert (plate.plate, plate.kind, plate.energy) == ("粤B123456", "temporary", None)
    assert cn_plate.format(value) == "粤B·123456"
    assert cn_plate.validate(cn_plate.format(value)) == "粤B123456"


@pytest.mark.parametrize("value", ["临时号牌", "临时牌照", "已办临牌", "临牌待上", "新车(临牌)"])
def test_temporary_wording_without_a_number_is_unregistered(value: str) -> None:
    with pytest.raises(InvalidComponent) as info:
        cn_plate.validate(value)
    assert info.value.code == "cn_plate.unregistered"


def test_temporary_wording_does_not_make_a_bad_serial_good() -> None:
    for value in ("粤B·D1234A（临时）", "临时号牌：粤B1234567", "临 粤B·12345A"):
        assert not cn_plate.is_valid(value), value
    assert cn_plate.parse("粤B·12345（临时）").kind == "standard"  # the number is as written


def test_oversize_plates() -> None:
    plate = cn_plate.parse("苏A·1234超")
    assert (plate.plate, plate.kind, plate.serial) == ("苏A1234超", "oversize", "1234")
    assert cn_plate.format("苏a1234超") == "苏A·1234超"
    assert cn_plate.mask("苏A1234超") == "苏A·**34超"


# -- session 13 ---------------------------------------------------------------------------


def _code(value: str) -> str:
    with pytest.raises(ValidationError) as info:
        cn_plate.validate(value)
    return info.value.code


@pytest.mark.parametrize(
    ("value", "expected", "kind"),
    [
        ("冀A1234(挂)", "冀A1234挂", "trailer"),
        ("冀A·1234【挂】", "冀A1234挂", "trailer"),
        ("鲁H·1234挂车", "鲁H1234挂", "trailer"),
        ("京A0235（警）", "京A0235警", "police"),
        ("鄂A·1234(学)", "鄂A1234学", "learner"),
        ("粤Z·3568（澳）", "粤Z3568澳", "hk_macau"),
        ("沪A·1234(试)", "沪A1234试", "test"),
    ],
)
def test_a_suffix_in_brackets_or_as_a_word_is_the_suffix(
    value: str, expected: str, kind: str
) -> None:
    plate = cn_plate.parse(value)
    assert (plate.plate, plate.kind) == (expected, kind)


def test_a_bracketed_suffix_is_checked_like_any_suffix() -> None:
    assert _code("粤B3568（港）") == "cn_plate.hk_macau"
    assert _code("冀A12345(挂)") == "cn_plate.length"
    assert not cn_plate.is_valid("冀A1234(车)")  # 车 is no suffix


@pytest.mark.parametrize(
    "value",
    [
        "粤B。D12345", "粤B‐D12345", "粤B‑D12345", "粤B–D12345", "粤B—D12345", "粤B―D12345",
        "粤B−D12345", "粤B\u200bD12345", "\ufeff粤BD12345", "粤BD12345\u2060", '"粤BD12345"',
        "“粤BD12345”", "'粤BD12345", "粤BD12345；", "粤BD12345,", "粤BD12345、",
    ],
)  # fmt: skip
def test_separators_quotes_and_list_punctuation(value: str) -> None:
    assert cn_plate.validate(value) == "粤BD12345"


@pytest.mark.parametrize("value", ["粤B·D12345 (新能源)", "粤BD12345新能源", "新能源 粤B·D12345"])
def test_the_new_energy_word_is_a_note_like_the_colour(value: str) -> None:
    assert cn_plate.validate(value) == "粤BD12345"
    assert cn_plate.validate("新A12345") == "新A12345"  # 新 alone is Xinjiang


@pytest.mark.parametrize(
    "value",
    ["临时车牌粤B654321", "粤B654321(临时车牌)", "临时号牌(粤B654321)", "临时号牌【粤B·654321】"],
)
def test_temporary_wording_with_the_number_in_brackets(value: str) -> None:
    plate = cn_plate.parse(value)
    assert (plate.plate, plate.kind) == ("粤B654321", "temporary")


def test_temporary_wording_without_a_number_is_unregistered_also_as_chepai() -> None:
    assert _code("临时车牌") == "cn_plate.unregistered"
    assert _code("已办临时车牌") == "cn_plate.unregistered"


@pytest.mark.parametrize("value", ["使15601", "使1560123", "使"])
def test_an_embassy_plate_of_the_wrong_length_is_an_embassy_error(value: str) -> None:
    assert _code(value) == "cn_plate.embassy"


@pytest.mark.parametrize(
    "value",
    ["WJ京12345", "WJ琼·1234X", "WJ01-12345", "WJ31-消0010", "北K·12345", "空A·12345",
     "沈A12345", "KA12345", "民航·A1234"],
)  # fmt: skip
def test_plates_the_traffic_police_do_not_issue_are_refused_as_documented(value: str) -> None:
    assert _code(value) == "cn_plate.province"
