"""USCC validation: authorities stdnum misses, formats, warnings, masking, properties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import stdnum.cn.uscc
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from custmaster.validate import cn_uscc
from custmaster.validate.cn_resident_id import _region_table
from custmaster.validate.cn_uscc import (
    AUTHORITIES,
    ERROR_CODES,
    WARNING_CODES,
    CodedValue,
    calc_check_digit,
    calc_organisation_check_digit,
    compact,
    is_valid,
    mask,
    parse,
    validate,
)

SOURCE = Path(cn_uscc.__file__).read_text(encoding="utf-8")
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
STDNUM_SAMPLE = "91110000600037341L"  # python-stdnum's doctest


def build(prefix: str, organisation_body: str, *, organisation_check: str | None = None) -> str:
    """A USCC from authority + type + region and the 8-character organisation code body."""
    if organisation_check is None:
        organisation_check = calc_organisation_check_digit(organisation_body)
    body = prefix + organisation_body + organisation_check
    return body + calc_check_digit(body)


def raised_code(value: object, *, strict: bool = False) -> str:
    with pytest.raises(ValidationError) as raised:
        validate(value, strict=strict)  # type: ignore[arg-type]
    return raised.value.code


# --- real codes and formats -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "region_name"),
    [
        ("91110000600037341L", "北京市"),
        ("914403001922038216", "广东省深圳市"),
        ("9144030071526726XG", "广东省深圳市"),  # organisation code check character X
        ("11100000000013127D", "国家"),  # national-level registration
    ],
)
def test_published_codes(code: str, region_name: str) -> None:
    assert validate(code, strict=True) == code
    parsed = parse(code)
    assert parsed.region_name == region_name
    assert parsed.organisation_code_valid
    assert parsed.warnings == ()
    assert stdnum.cn.uscc.is_valid(code)


@pytest.mark.parametrize(
    "text",
    [
        "91110000600037341l",
        "9111 0000 6000 3734 1L",
        "91-110000-600037341-L",
        "  91110000600037341L\r\n",
        "９１１１００００６０００３７３４１Ｌ",  # full width, as typed with a Chinese IME
        "９１１１００００６０００３７３４１ｌ",
        "'91110000600037341L",
        "91110000\u3000600037341L",
    ],
)
def test_real_world_formats(text: str) -> None:
    assert validate(text) == STDNUM_SAMPLE
    assert cn_uscc.format(text) == STDNUM_SAMPLE
    assert is_valid(text)


# --- authorities python-stdnum refuses ---------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "authority", "kind"),
    [
        ("Y1110105", "其他", "其他"),
        ("A1110108", "中央军委改革和编制办公室", "军队事业单位"),
        ("N2330102", "农业", "村级集体经济组织"),
        ("N3330102", "农业", "乡镇级集体经济组织"),
    ],
)
def test_letter_authorities_are_accepted(prefix: str, authority: str, kind: str) -> None:
    code = build(prefix, "MA01AB2C")
    assert not stdnum.cn.uscc.is_valid(code)  # python-stdnum 2.2 wants digits here
    parsed = parse(code, strict=True)
    assert parsed.registration_authority == CodedValue(prefix[0], authority)
    assert parsed.organisation_type == CodedValue(prefix[1], kind)
    assert parsed.warnings == ()


@pytest.mark.parametrize(
    ("prefix", "authority", "kind"),
    [
        ("11110000", "机构编制", "机关"),
        ("12110000", "机构编制", "事业单位"),
        ("21110000", "外交", "外国常驻新闻机构"),
        ("31110000", "司法行政", "律师执业机构"),
        ("35110000", "司法行政", "仲裁委员会"),
        ("41110000", "文化", "外国在华文化中心"),
        ("51110000", "民政", "社会团体"),
        ("52110000", "民政", "民办非企业单位"),
        ("53110000", "民政", "基金会"),
        ("62110000", "旅游", "港澳台地区旅游部门常驻内地（大陆）代表机构"),
        ("71110000", "宗教", "宗教活动场所"),
        ("81110000", "工会", "基层工会"),
        ("92110000", "工商", "个体工商户"),
        ("93110000", "工商", "农民专业合作社"),
    ],
)
def test_authority_and_type_names(prefix: str, authority: str, kind: str) -> None:
    parsed = parse(build(prefix, "60003734"))
    assert parsed.registration_authority.name == authority
    assert parsed.organisation_type.name == kind


def test_every_authority_has_types() -> None:
    assert set(AUTHORITIES) == set("123456789ANY")
    assert all(types for _, types in AUTHORITIES.values())
    assert all(code.isdigit() for _, types in AUTHORITIES.values() for code in types)


# --- errors and warnings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code", "cls"),
    [
        ("91110000600037341", "cn_uscc.length", InvalidLength),
        ("91110000600037341LL", "cn_uscc.length", InvalidLength),
        ("", "cn_uscc.length", InvalidLength),
        ("9111000060003734IL", "cn_uscc.format", InvalidFormat),  # I is not in the alphabet
        ("9111000060003734OL", "cn_uscc.format", InvalidFormat),
        ("9111000060003734ZL", "cn_uscc.format", InvalidFormat),
        ("9111000060003734SL", "cn_uscc.format", InvalidFormat),
        ("9111000060003734VL", "cn_uscc.format", InvalidFormat),
        ("91A10000600037341L", "cn_uscc.format", InvalidFormat),  # region must be digits
        ("9A110000600037341L", "cn_uscc.format", InvalidFormat),  # type must be a digit
        ("91110000600037341*", "cn_uscc.format", InvalidFormat),
        ("91110000600037341M", "cn_uscc.checksum", InvalidChecksum),
        (build("B1110000", "60003734"), "cn_uscc.authority", InvalidComponent),
        (build("01110000", "60003734"), "cn_uscc.authority", InvalidComponent),
        (build("C1110000", "60003734"), "cn_uscc.authority", InvalidComponent),
    ],
)
def test_errors(value: str, code: str, cls: type[ValidationError]) -> None:
    with pytest.raises(cls) as raised:
        validate(value)
    assert raised.value.code == code
    assert not is_valid(value)


def test_undefined_organisation_type_is_a_warning() -> None:
    code = build("94110000", "60003734")  # 工商 defines types 1, 2 and 3 only
    assert validate(code) == code
    parsed = parse(code)
    assert parsed.organisation_type == CodedValue("4", None)
    assert [w.code for w in parsed.warnings] == ["cn_uscc.organisation_type"]
    assert raised_code(code, strict=True) == "cn_uscc.organisation_type"
    assert not is_valid(code, strict=True)


def test_unknown_region_is_a_warning() -> None:
    code = build("91999900", "60003734")
    parsed = parse(code)
    assert parsed.region_name is None
    assert [w.code for w in parsed.warnings] == ["cn_uscc.region_unknown"]
    assert raised_code(code, strict=True) == "cn_uscc.region_unknown"
    retired = parse(build("91110103", "60003734"))  # 崇文区, retired 2010: still a known code
    assert (retired.region_name, retired.warnings) == ("北京市崇文区", ())


def test_organisation_code_check_is_reported_not_enforced() -> None:
    code = build("91110000", "60003734", organisation_check="2")  # its check character is 1
    assert validate(code, strict=True) == code
    parsed = parse(code)
    assert parsed.organisation_code == "600037342"
    assert parsed.organisation_code_valid is False


def test_check_digits() -> None:
    assert calc_check_digit("91110000600037341") == "L"
    assert calc_check_digit("91110000600037341L") == "L"
    assert calc_organisation_check_digit("60003734") == "1"
    assert calc_organisation_check_digit("71526726") == "X"
    assert calc_organisation_check_digit("00001312") == "7"
    with pytest.raises(InvalidLength):
        calc_check_digit("9111")
    with pytest.raises(InvalidFormat):
        calc_check_digit("9111000060003734I")
    with pytest.raises(InvalidLength):
        calc_organisation_check_digit("6000")
    with pytest.raises(InvalidFormat):
        calc_organisation_check_digit("6000373*")


def test_organisation_check_zero_when_the_sum_divides() -> None:
    # 11 - 0 = 11 is written 0: find a body whose weighted sum is a multiple of 11.
    body = next(
        f"{n:08d}"
        for n in range(10_000)
        if sum(int(c) * w for c, w in zip(f"{n:08d}", (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
        == 0
        and n
    )
    assert calc_organisation_check_digit(body) == "0"


def test_non_text_is_a_format_error() -> None:
    for value in (None, 91110000, b"91110000600037341L"):
        assert not is_valid(value)
        assert raised_code(value) == "cn_uscc.format"
        with pytest.raises(InvalidFormat):
            compact(value)  # type: ignore[arg-type]


# --- masking ----------------------------------------------------------------------------------


def test_mask_keeps_authority_type_and_last_four() -> None:
    assert mask(STDNUM_SAMPLE) == "91************341L"
    assert mask("9111 0000 6000 3734 1l") == "91************341L"
    assert mask("9111") == "****"
    assert mask(None) == "<NoneType>"


def test_repr_and_errors_show_no_more_than_the_mask() -> None:
    parsed = parse(STDNUM_SAMPLE)
    text = repr(parsed) + str(parsed)
    assert STDNUM_SAMPLE not in text
    assert "600037341" not in text
    assert "110000" not in text
    assert "91************341L" in text
    with pytest.raises(ValidationError) as raised:
        validate("91110000600037341M")
    assert raised.value.masked_value == mask("91110000600037341M")
    assert "91110000600037341M" not in str(raised.value) + repr(raised.value)


# --- error codes ------------------------------------------------------------------------------


def test_error_codes_are_exactly_the_codes_in_the_source() -> None:
    literals = set(re.findall(r'"(cn_uscc\.[a-z0-9_]+)"', SOURCE))
    assert literals == set(ERROR_CODES)
    assert set(WARNING_CODES) < set(ERROR_CODES)
    for code in WARNING_CODES:
        assert cn_uscc._MESSAGES[code][0] is InvalidComponent


# --- properties -------------------------------------------------------------------------------

_KNOWN_REGIONS = sorted(code for code in _region_table() if code[:2] not in {"71", "81", "82"})


@st.composite
def usccs(draw: st.DrawFn) -> str:
    """Valid codes: a defined authority and type, a known region, a checked organisation code."""
    authority = draw(st.sampled_from(sorted(AUTHORITIES)))
    kind = draw(st.sampled_from(sorted(AUTHORITIES[authority][1])))
    region = draw(st.sampled_from(_KNOWN_REGIONS))
    body = draw(st.text(alphabet=ALPHABET, min_size=8, max_size=8))
    return build(authority + kind + region, body)


@settings(max_examples=200, deadline=None)
@given(usccs())
def test_every_generated_code_validates(code: str) -> None:
    assert validate(code, strict=True) == code
    parsed = parse(code)
    assert parsed.organisation_code_valid
    assert parsed.region_name is not None
    if code[0].isdigit():
        assert stdnum.cn.uscc.is_valid(code)


@settings(max_examples=40, deadline=None)
@given(usccs())
def test_every_single_character_substitution_fails(code: str) -> None:
    for position in range(18):
        for replacement in ALPHABET:
            if replacement == code[position]:
                continue
            corrupted = code[:position] + replacement + code[position + 1 :]
            assert not is_valid(corrupted), (position, replacement)


@settings(max_examples=100, deadline=None)
@given(usccs(), st.sampled_from(["plain", "lower", "spaced", "full", "hyphens"]))
def test_validate_of_format_is_validate(code: str, style: str) -> None:
    if style == "lower":
        text = code.lower()
    elif style == "spaced":
        text = " ".join(code[i : i + 4] for i in range(0, 18, 4))
    elif style == "full":
        text = "".join(chr(ord(c) + 0xFEE0) for c in code)
    elif style == "hyphens":
        text = f"{code[:2]}-{code[2:8]}-{code[8:]}"
    else:
        text = code
    assert validate(cn_uscc.format(text)) == validate(text) == code
    assert mask(text) == mask(code)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=ALPHABET + "IOSVZ ioz-０Ｙ²", max_size=22),
        st.none(),
        st.integers(),
        st.binary(),
    )
)
def test_is_valid_never_raises(value: object) -> None:
    assert is_valid(value) in (True, False)
    assert is_valid(value, strict=True) in (True, False)
    assert isinstance(mask(value), str)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)
def test_agrees_with_stdnum_on_digit_authorities(head: str, tail: str) -> None:
    code = head + tail + calc_check_digit(head + tail)
    assert stdnum.cn.uscc.is_valid(code)
    assert is_valid(code) == (code[0] != "0")  # every digit but 0 is an authority


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
    st.text(alphabet=ALPHABET, min_size=10, max_size=10),
)
def test_any_letter_first_is_judged_not_raised(first: str, digits: str, tail: str) -> None:
    # I, O, S, V and Z have no weight in the checksum: such a code has no authority
    code = first + digits + tail
    assert is_valid(code) in (True, False)
    if first in "IOSVZ":
        assert not is_valid(code)
        with pytest.raises(InvalidComponent) as raised:
            validate(code)
        assert raised.value.code == "cn_uscc.authority"
        with pytest.raises(ValidationError):
            calc_check_digit(code[:17])
