"""Organisation code (GB 11714-1997): check character, real codes, forms, the USCC's own code."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from custmaster.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from custmaster.validate import cn_org_code, cn_uscc
from custmaster.validate.cn_org_code import (
    ERROR_CODES,
    calc_check_digit,
    compact,
    is_valid,
    mask,
    validate,
)

# Unified social credit codes found online (50 of python-stdnum's tests/test_cn_uscc.doctest,
# and the published codes of tests/test_cn_uscc.py): characters 9-17 are each organisation's
# code, old eight-digit ones and new MA… ones, so each must pass the GB 11714 check. Valued by
# the USCC alphabet (M = 21, not 22) instead of A = 10 … Z = 35, 28 of them would fail.
PUBLISHED_USCCS = [
    "121200004013590816",
    "91110000600037341L",
    "91110000710926094P",
    "91120224064012553U",
    "911522010783710635",
    "91152201078371135X",
    "911522010783762860",
    "91152201078376307G",
    "9115220107837757XE",
    "9115220107837941X1",
    "91310000631696382C",
    "91310000797046224D",
    "91310112087994932F",
    "913101127033980359",
    "913101145852519045",
    "913101153325803473",
    "91310115MA1K3BTP2B",
    "91310116052958608G",
    "9131012056010553X5",
    "91340600MA2PBM9HXD",
    "91340600MA2PBMA74B",
    "91340600MA2PBMBL5H",
    "91340600MA2PBMDH5R",
    "91340600MA2PBMQB9E",
    "91340600MA2PBN188W",
    "91340600MA2PBN831R",
    "91340600MA2PBNE723",
    "91340600MA2PBNR24J",
    "91340600MA2PBP2120",
    "91340600MA2PBP6A1W",
    "91340600MA2PBP6D6F",
    "91340600MA2PBPAG69",
    "91340600MA2PENCC7K",
    "91340600MA2PENWF9P",
    "91340600MA2PEP3Y54",
    "91340603MA2UJXXCXF",
    "91340603MA2UJYNU67",
    "91420684MA4927PJ7B",
    "9144030071526726XG",
    "9144060573144633XL",
    "91620105L015101280",
    "91620105MA71T4YW8Q",
    "91620105MA73NBBLXE",
    "92340602MA2PBMEM24",
    "92340603MA2PBQ16XJ",
    "92340621MA2UK3PJXE",
    "92340621MA2UJYJPXJ",
    "92340604MA2PBNQNXM",
    "92340603MA2UK2QAXJ",
    "92340621MA2PBKRXXG",
    "914403001922038216",
    "11100000000013127D",
]


def raised(value: object) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate(value)  # type: ignore[arg-type]
    return info.value


# --- the check character ----------------------------------------------------------------------


def reference_check(body: str) -> str:
    """GB 11714-1997, 2.1.2, written out: C9 = 11 - MOD(sum of Ci x Wi, 11); 10 is X, 11 is 0."""
    values = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    c9 = 11 - sum(values[c] * w for c, w in zip(body, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("60003734", "1"),  # sum 109: 11 - 10 = 1
        ("71526726", "X"),  # sum 199, mod 11 = 1: 10 is written X
        ("00001312", "7"),
        ("10001231", "6"),
        ("MA2GFDUE", "8"),  # letters count 10-35: M = 22, U = 30
    ],
)
def test_check_characters_by_hand(body: str, check: str) -> None:
    assert calc_check_digit(body) == check == reference_check(body)


def test_a_sum_divisible_by_11_gives_0() -> None:
    # 1 x 5 (5th character) + 3 x 2 (8th) = 11: MOD gives 0, so C9 = 11, written 0
    assert calc_check_digit("00001003") == reference_check("00001003") == "0"
    assert validate("00001003-0") == "000010030"


@given(st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8))
def test_the_check_character_is_the_standards(body: str) -> None:
    check = calc_check_digit(body)
    assert check == reference_check(body)
    assume(body != "00000000" and not re.fullmatch(r"PDY\d{5}", body))  # refused by design
    assert validate(body + check) == body + check
    assert cn_uscc.calc_organisation_check_digit(body) == check  # cn_uscc's own, the same rule


# --- real codes -------------------------------------------------------------------------------


def test_letters_count_10_to_35_as_the_published_codes_show() -> None:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the USCC's own values, for comparison
    weights = (3, 7, 9, 10, 5, 8, 4, 2)

    def by_uscc_values(body: str) -> str:
        total = sum(alphabet.index(c) * w for c, w in zip(body, weights, strict=True))
        return "0123456789X0"[11 - total % 11]

    assert len(PUBLISHED_USCCS) == 52
    assert sum(by_uscc_values(u[8:16]) != u[16] for u in PUBLISHED_USCCS) == 28
    assert all(calc_check_digit(u[8:16]) == u[16] for u in PUBLISHED_USCCS)


@pytest.mark.parametrize("uscc", PUBLISHED_USCCS)
def test_the_code_inside_each_published_uscc_is_valid(uscc: str) -> None:
    code = cn_uscc.get_organisation_code(uscc)
    assert code == uscc[8:17]
    assert validate(code) == code
    assert validate(cn_org_code.format(code)) == code
    assert cn_uscc.parse(uscc).organisation_code_valid


@pytest.mark.parametrize(
    "text",
    [
        "60003734-1",
        "600037341",
        " 6000 3734 - 1 ",
        "60003734－1",  # full-width hyphen
        "６０００３７３４－１",  # full-width digits, as a Chinese input method types them
        "60003734—1",  # an em dash
        "'60003734-1",  # a spreadsheet's text mark
        "60003734.1",
    ],
)
def test_written_forms(text: str) -> None:
    assert validate(text) == "600037341"
    assert cn_org_code.format(text) == "60003734-1"
    assert is_valid(text)


def test_lower_case_letters_and_the_check_x() -> None:
    assert validate("ma2gfdue-8") == "MA2GFDUE8"
    assert validate("71526726-x") == "71526726X"


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "cls"),
    [
        ("60003734-2", "cn_org_code.checksum", InvalidChecksum),
        ("6000373-1", "cn_org_code.length", InvalidLength),
        ("600037341L", "cn_org_code.length", InvalidLength),
        ("91110000600037341L", "cn_org_code.length", InvalidLength),  # a USCC is no old code
        ("6000373#-1", "cn_org_code.format", InvalidFormat),
        ("60003734-A", "cn_org_code.format", InvalidFormat),  # check: 0-9 or X only
        ("00000000-0", "cn_org_code.placeholder", InvalidComponent),
        ("000000000", "cn_org_code.placeholder", InvalidComponent),
    ],
)
def test_refused(text: str, code: str, cls: type[ValidationError]) -> None:
    error = raised(text)
    assert (error.code, type(error)) == (code, cls)
    assert code in ERROR_CODES
    assert text.replace("-", "") not in str(error)
    assert not is_valid(text)


def test_the_self_defined_range_identifies_nothing() -> None:
    # GB 11714-1997, 3: PDY00001-PDY99999 are for a system's internal codes only
    body = "PDY00042"
    error = raised(body + calc_check_digit(body))
    assert error.code == "cn_org_code.internal"


def test_the_all_zero_placeholder_passes_the_check() -> None:
    assert calc_check_digit("00000000") == "0"  # so the check alone would accept it


@pytest.mark.parametrize("value", [None, 600037341, b"600037341", ["600037341"]])
def test_not_text(value: object) -> None:
    assert raised(value).code == "cn_org_code.format"
    assert not is_valid(value)


# --- compact, mask ----------------------------------------------------------------------------


def test_compact_does_not_validate() -> None:
    assert compact(" 6000-3734-2 ") == "600037342"


def test_mask_is_the_identity_documents_mask() -> None:
    from custmaster.privacy.masking import mask_document_number

    assert mask("60003734-1") == "6******41" == mask_document_number("600037341")
    assert mask("6000373") == "6*****3"
    assert mask(None) == "<NoneType>"


def test_the_uscc_helper_refuses_what_is_no_code() -> None:
    with pytest.raises(ValidationError) as info:
        cn_uscc.get_organisation_code("91110000600037341M")
    assert info.value.code == "cn_uscc.checksum"
    # a USCC whose own check passes but whose embedded code does not
    bad = "91350200" + "12345678" + "0"
    bad += cn_uscc.calc_check_digit(bad)
    assert cn_uscc.is_valid(bad)
    with pytest.raises(ValidationError) as info:
        cn_uscc.get_organisation_code(bad)
    assert info.value.code == "cn_org_code.checksum"


def test_the_module_is_enrolled() -> None:
    from custmaster.validate import MODULE_NAMES

    assert "cn_org_code" in MODULE_NAMES
    assert cn_org_code.__name__ == "custmaster.validate.cn_org_code"
