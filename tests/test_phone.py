"""custmaster.validate.phone on the formats Chinese extracts, forms and spreadsheets hold."""

from __future__ import annotations

import pickle
import re

import attrs
import phonenumbers
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from custmaster.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    UsageError,
    ValidationError,
)
from custmaster.validate import phone
from custmaster.validate.phone import ParsedPhones, PhoneKind, PhoneNumber

MOBILE = "+8613800138000"
FIXED = "+865925123456"
FIXED_EXT = "+865925123456;ext=801"


def _code(value: object, **kwargs: str) -> str:
    with pytest.raises(ValidationError) as info:
        phone.validate(value, **kwargs)  # type: ignore[arg-type]
    return info.value.code


# -- real-world formats ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13800138000", MOBILE),
        ("138 0013 8000", MOBILE),
        ("138-0013-8000", MOBILE),
        ("138.0013.8000", MOBILE),
        ("+86 138 0013 8000", MOBILE),
        ("+8613800138000", MOBILE),
        ("+86-138-0013-8000", MOBILE),
        ("(+86)13800138000", MOBILE),
        ("008613800138000", MOBILE),
        ("0086 138 0013 8000", MOBILE),
        ("8613800138000", MOBILE),
        ("86 138 0013 8000", MOBILE),
        ("１３８００１３８０００", MOBILE),
        ("１３８－００１３－８０００", MOBILE),
        ("＋８６　１３８　００１３　８０００", MOBILE),
        ("'13800138000", MOBILE),
        (" 13800138000\t", MOBILE),
        ("13800138000\u200b", MOBILE),
        ("19012345678", "+8619012345678"),
        ("19112345678", "+8619112345678"),
        ("19212345678", "+8619212345678"),
        ("19612345678", "+8619612345678"),
        ("19712345678", "+8619712345678"),
        ("19912345678", "+8619912345678"),
        ("16212345678", "+8616212345678"),
        ("16512345678", "+8616512345678"),
        ("16612345678", "+8616612345678"),
        ("16712345678", "+8616712345678"),
        ("14512345678", "+8614512345678"),
        ("14712345678", "+8614712345678"),
        ("0592-5123456", FIXED),
        ("05925123456", FIXED),
        ("0592 5123456", FIXED),
        ("(0592)5123456", FIXED),
        ("(0592) 512-3456", FIXED),
        ("（0592）5123456", FIXED),
        ("0592－5123456", FIXED),
        ("+86 592 5123456", FIXED),
        ("+86 (0) 592 5123456", FIXED),
        ("+86-0592-5123456", FIXED),
        ("0086 592 5123456", FIXED),
        ("021-12345678", "+862112345678"),
        ("021-1234-5678", "+862112345678"),
        ("021 6234 5678", "+862162345678"),
        ("010-12345678", "+861012345678"),
        ("(010)12345678", "+861012345678"),
        ("0755-12345678", "+8675512345678"),
        ("400-123-4567", "+864001234567"),
        ("4001234567", "+864001234567"),
        ("400 123 4567", "+864001234567"),
        ("800-123-4567", "+868001234567"),
        ("tel:+86-592-5123456", FIXED),
    ],
)
def test_real_world_formats(value: str, expected: str) -> None:
    assert phone.validate(value) == expected
    assert phone.is_valid(value)


def test_mobile_prefixes_outside_the_metadata_are_invalid() -> None:
    for value in ("15412345678", "14012345678", "12012345678", "11012345678", "10012345678"):
        assert not phone.is_valid(value), value
        assert phone.is_valid(value) == phonenumbers.is_valid_number(
            phonenumbers.parse(value, "CN")
        )


@pytest.mark.parametrize(
    "label",
    [
        "手机：",
        "手机:",
        "手机号:",
        "手机号码：",
        "手机 ",
        "电话",
        "电话：",
        "联系电话：",
        "Tel:",
        "Tel: ",
        "TEL",
        "tel.",
        "Mobile:",
        "MOBILE ",
        "Phone:",
        "传真：",
        "Fax:",
        "FAX ",
        "办公",
        "办公：",
        "家庭",
        "座机：",
    ],
)
def test_labels_are_stripped(label: str) -> None:
    assert phone.validate(label + "13800138000") == MOBILE
    assert phone.validate(label + "0592-5123456") == FIXED


@pytest.mark.parametrize(
    "note", ["（微信同号）", "(微信同号)", "(同微信)", "（同微信）", " 微信同号", "【同号】"]
)
def test_notes_are_stripped(note: str) -> None:
    assert phone.validate("13800138000" + note) == MOBILE
    assert phone.validate("手机：" + "138 0013 8000" + note) == MOBILE


# -- notes --------------------------------------------------------------------------------

#: Notes saying the number is bad (documented in the module): never dropped.
BAD_NOTES = [
    "停机", "已停机", "欠费停机", "空号", "错号", "已销号", "号码错误", "号码有误", "非本人",
    "不是本人", "已换号", "已停用", "号码不存在", "无效号码", "暂停服务", "注销", "已不用",
    "不用了",
]  # fmt: skip
#: Notes about the person or about one call: dropped, the number stands.
OTHER_NOTES = [
    "本人", "张先生", "李女士", "老婆", "儿子", "关机", "无人接听", "无法接通", "占线", "拒接",
    "停机保号", "微信同号",
]  # fmt: skip


def _forms(note: str, number: str) -> list[str]:
    """The ways a note is written with a number: bracketed or not, after or before it."""
    return [
        f"{number}({note})", f"{number}（{note}）", f"{number} {note}", f"{number}{note}",
        f"{note} {number}", f"{note}{number}", f"{note}：{number}", f"{number}-{note}",
    ]  # fmt: skip


@pytest.mark.parametrize("note", BAD_NOTES)
def test_a_note_saying_the_number_is_bad_refuses_it_in_every_form(note: str) -> None:
    for written in [*_forms(note, "13800138000"), *_forms(note, "0592-5123456 转 801")]:
        with pytest.raises(InvalidComponent) as info:
            phone.validate(written)
        assert info.value.code == "phone.status", written
        assert "13800138000" not in str(info.value)
        assert not phone.is_valid(written)
    assert _code(note) == "phone.status"  # the note alone


@pytest.mark.parametrize("note", OTHER_NOTES)
def test_a_note_about_the_person_or_one_call_is_dropped_in_every_form(note: str) -> None:
    for written in _forms(note, "13800138000"):
        assert phone.validate(written) == MOBILE, written
    assert phone.validate(f"0592-5123456 转 801 {note}") == FIXED_EXT


@pytest.mark.parametrize(
    "value", ["0592-5123456 总机转801", "0592-5123456（总机）转801", "0592-5123456 转801 李女士"]
)
def test_a_note_before_or_after_the_extension_is_dropped(value: str) -> None:
    assert phone.validate(value) == FIXED_EXT


def test_notes_between_the_digits_are_no_notes() -> None:
    assert _code("138张00138000") == "phone.format"
    assert _code("张先生") == "phone.format"  # a note alone is no number (and not empty)


def test_parse_many_reports_a_bad_note_on_its_number() -> None:
    result = phone.parse_many("13800138000 空号/13900139000 本人；0592-5123456（停机）")
    assert [n.canonical for n in result.numbers] == ["+8613900139000"]
    assert [code for _, code in result.rejects] == ["phone.status", "phone.status"]
    assert _code("13800138000(停机)/13900139000") == "phone.status"


def test_labels_joined_by_a_slash_are_one_label() -> None:
    assert phone.validate("电话/传真：0592-5123456") == FIXED
    assert phone.validate("手机、微信：13800138000") == MOBILE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("852-91234567", "+85291234567"),
        ("(852)21234567", "+85221234567"),
        ("85291234567", "+85291234567"),
        ("853 6612 3456", "+85366123456"),
        ("886-912-345-678", "+886912345678"),
        ("886 2 2345 6789", "+886223456789"),
    ],
)
def test_hong_kong_macao_and_taiwan_numbers_without_their_plus(value: str, expected: str) -> None:
    number = phone.parse(value)
    assert number.canonical == expected
    assert number.region in {"HK", "MO", "TW"}


def test_a_neighbour_code_is_tried_only_when_the_digits_are_no_chinese_number() -> None:
    assert phone.parse("8008208820").region == "CN"  # 800 toll-free stays Chinese
    # 852 and 7 digits is no Hong Kong number either: the Chinese reading's error stands.
    assert _code("8521234567") == _code("8531234567") == _code("8501234567")


def test_fax_is_a_fixed_line() -> None:
    fax = phone.parse("传真：0592-5123456")
    assert fax == phone.parse("0592-5123456")
    assert fax.kind is PhoneKind.FIXED_LINE
    assert phone.validate("Fax: (0592) 5123456") == FIXED
    assert phone.mask("传真：0592-5123456") == "0592-*****56"


@pytest.mark.parametrize(
    "value",
    [
        "0592-5123456-801",
        "0592 5123456 801",
        "05925123456-801",
        "(0592)5123456-801",
        "0592-5123456转801",
        "0592-5123456 转 801",
        "0592-5123456 转801",
        "0592-5123456转分机801",
        "0592-5123456分机801",
        "0592-5123456 分机 801",
        "0592-5123456分机号801",
        "0592-5123456分机号：801",
        "0592-5123456 ext 801",
        "0592-5123456 ext.801",
        "0592-5123456 ext. 801",
        "0592-5123456 EXT801",
        "0592-5123456 extension 801",
        "0592-5123456x801",
        "0592-5123456 x 801",
        "0592-5123456 X801",
        "0592-5123456#801",
        "0592-5123456 #801",
        "+86 592 5123456;ext=801",
        "tel:+86-592-5123456;ext=801",
        "电话：0592-5123456-801",
        "0592－5123456－801",
    ],
)
def test_extensions(value: str) -> None:
    number = phone.parse(value)
    assert number.extension == "801"
    assert number.e164 == FIXED
    assert phone.validate(value) == FIXED_EXT
    assert phone.format(value) == "0592-5123456 转 801"


def test_extension_is_not_glued_onto_the_number() -> None:
    glued = phonenumbers.parse("0592-5123456-801", "CN")
    assert phonenumbers.format_number(glued, phonenumbers.PhoneNumberFormat.E164) == (
        "+865925123456801"
    )
    assert phone.parse("0592-5123456-801").e164 == FIXED
    assert phone.parse("010-12345678-8001").extension == "8001"
    assert phone.parse("021-1234-5678-8").extension == "8"


def test_groups_inside_a_number_are_not_extensions() -> None:
    for value in ("0592 512 3456", "021 1234 5678", "010 6552 9988", "138 0013 8000"):
        assert phone.parse(value).extension is None, value
    # An area code with a short local number (0769-96532) takes no bare extension: a typo
    # (07699-6532-7315) stays invalid instead of becoming a number with extension 7315.
    assert _code("07699-6532-7315") == "phone.invalid_number"
    assert phone.parse("0769-96532-1").extension is None


def test_mobile_extensions() -> None:
    assert phone.validate("13800138000 转 801") == MOBILE + ";ext=801"
    # A bare trailing group after a mobile is not an extension: mobiles have none.
    assert _code("13800138000-801") == "phone.length"


def test_extension_errors() -> None:
    assert _code("0592-5123456 转 12345678") == "phone.extension"
    assert _code("95511 转 801") == "phone.extension"


@pytest.mark.parametrize("prefix", ["17951", "12593", "17911", "17909", "10193"])
def test_ip_dial_prefixes(prefix: str) -> None:
    assert phone.validate(prefix + "13800138000") == MOBILE
    assert phone.validate(f"{prefix} 13800138000") == MOBILE
    assert phone.validate(f"{prefix}-0592-5123456") == FIXED
    assert phone.validate(prefix + "05925123456") == FIXED


def test_ip_dial_prefix_needs_a_valid_number_after_it() -> None:
    assert _code("1795112345") != "phone.empty"
    assert not phone.is_valid("17951")
    assert not phone.is_valid("1795113800")


@pytest.mark.parametrize(
    "value",
    ["13800138000.0", "13800138000.00", "1.3800138E10", "1.3800138e+10", "13800138000.0 "],
)
def test_spreadsheet_renderings(value: str) -> None:
    assert phone.validate(value) == MOBILE


@pytest.mark.parametrize("value", ["1.38001E+10", "1.38E+10", "1.38001e10", "8.61380E+12"])
def test_scientific_rendering_that_lost_digits_is_refused(value: str) -> None:
    """Excel's General format keeps 6 significant digits; the others are not zeros."""
    assert _code(value) == "phone.length"


def test_scientific_rendering_with_every_digit_is_read() -> None:
    assert phone.validate("1.3912345678E+10") == "+8613912345678"
    assert phone.validate("5.925123456E9") == "+865925123456"  # 0592-5123456 without its 0


def test_spreadsheet_rendering_of_a_fraction_is_refused() -> None:
    assert not phone.is_valid("1.38001385E9")
    assert not phone.is_valid("13800138000.5")


@pytest.mark.parametrize(
    "value",
    ["138OO138OOO", "1380O13800", "138OO13800O", "1-800-FLOWERS", "0592-5I23456", "l3800138000"],
)
def test_vanity_letters_are_rejected(value: str) -> None:
    assert _code(value) == "phone.vanity"
    with pytest.raises(InvalidFormat):
        phone.parse(value)


def test_missing_area_code() -> None:
    # 5551234 and 7551234 are also an area code with a short local number to phonenumbers
    # (0555-1234, 0755-1234): without the trunk 0, 7 or 8 digits are a local number
    for value in ("5123456", "512-3456", "62345678", "6234 5678", "5551234", "755 1234"):
        assert _code(value) == "phone.area_code_missing", value
    assert phone.validate("5551234", default_area_code="0592") == "+865925551234"
    assert phone.validate("0555-1234567") == "+865551234567"
    with pytest.raises(InvalidComponent):
        phone.parse("5123456")
    assert phone.validate("5123456", default_area_code="0592") == FIXED
    assert phone.validate("512-3456", default_area_code="592") == FIXED
    assert phone.validate("62345678", default_area_code="021") == "+862162345678"
    assert phone.parse("5123456", default_area_code="0592").area_code == "0592"
    # A complete number is not changed by the default, nor is a mobile.
    assert phone.validate("021-62345678", default_area_code="0592") == "+862162345678"
    assert phone.validate("13800138000", default_area_code="0592") == MOBILE
    # A local number that does not exist in that area stays invalid.
    assert _code("0123456", default_area_code="0592") != "phone.area_code_missing"
    assert _code("1234567", default_area_code="010") == "phone.invalid_number"


@pytest.mark.parametrize("area", ["", "0", "05", "05923", "abc", "0592-1"])
def test_bad_default_area_code(area: str) -> None:
    with pytest.raises(UsageError) as info:
        phone.parse("5123456", default_area_code=area)
    assert info.value.code == "phone.default_area_code"


def test_bad_region() -> None:
    with pytest.raises(UsageError) as info:
        phone.parse("13800138000", region="XX")
    assert info.value.code == "phone.region"


# -- kinds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("13800138000", PhoneKind.MOBILE),
        ("0592-5123456", PhoneKind.FIXED_LINE),
        ("4001234567", PhoneKind.SHARED_COST),
        ("8001234567", PhoneKind.TOLL_FREE),
    ],
)
def test_kinds_follow_phonenumbers(value: str, kind: PhoneKind) -> None:
    assert phone.parse(value).kind is kind
    reference = phonenumbers.number_type(phonenumbers.parse(value, "CN"))
    assert getattr(phonenumbers.PhoneNumberType, kind.name) == reference


@pytest.mark.parametrize(
    "value",
    [
        "95511",
        "95588",
        "95555",
        "96110",
        "10086",
        "10010",
        "10000",
        "12345",
        "12315",
        "12110",
        "110",
        "119",
        "120",
        "122",
        "114",
        "12306",
    ],
)
def test_service_numbers(value: str) -> None:
    number = phone.parse(value)
    assert number.kind is PhoneKind.SERVICE
    assert number.e164 is None
    assert number.national == value
    assert number.area_code is None
    assert phone.validate(value) == value
    assert phone.format(value) == value
    assert phone.mask(value) == value  # not personal: shown in full
    assert "95" in repr(phone.parse("95511"))


def test_service_numbers_come_from_shortnumberinfo() -> None:
    from phonenumbers import shortnumberinfo

    for value in ("95511", "12345", "10086", "110", "96110"):
        number = phonenumbers.parse(value, "CN")
        assert shortnumberinfo.is_valid_short_number_for_region(number, "CN")
    for value in ("95", "9551", "13800", "999"):
        assert not phone.is_valid(value), value


def test_other_regions() -> None:
    uk = phone.parse("+44 20 7946 0958")
    assert uk.kind is PhoneKind.FIXED_LINE
    assert uk.region == "GB"
    assert uk.e164 == "+442079460958"
    assert uk.area_code is None
    assert phone.validate("0044 20 7946 0958") == "+442079460958"
    assert phone.validate("020 7946 0958", region="GB") == "+442079460958"
    assert phone.format("+44 20 7946 0958") == "+44 20 7946 0958"
    assert phone.mask("+44 20 7946 0958") == "+44 ********58"
    assert phone.validate("+44 20 7946 0958 ext. 12") == "+442079460958;ext=12"
    assert phone.parse("+1 650 253 0000").region == "US"
    assert phone.parse("+852 2123 4567").region == "HK"
    # With another default region, +86 numbers still get the Chinese rules.
    assert phone.parse("+86 592 5123456 转 801", region="GB").area_code == "0592"
    assert _code("+999 1234 5678") == "phone.country_code"
    assert _code("+44 20 7946 095") == "phone.invalid_number"


# -- errors ---------------------------------------------------------------------------------

ERROR_EXAMPLES = {
    "phone.empty": ["", "   ", "手机：", "无", "不详", "-", "Tel:"],
    "phone.format": ["abc", "13800138000!", "138+00138000", "☎", "138张00138000"],
    "phone.vanity": ["138OO138OOO"],
    "phone.length": ["1380013800", "138001380001", "12", "0592-5123456-12345678"],
    "phone.area_code_missing": ["5123456"],
    "phone.invalid_number": ["14612345678", "1234567", "02101234567"],
    "phone.country_code": ["+999 1234 5678"],
    "phone.extension": ["95511 转 801"],
    "phone.status": ["电话号码有误", "13800138000(停机)", "13800138000 空号", "空号"],
    "phone.multiple": [
        "13800138000/13900139000",
        "13800138000；0592-5123456",
        "13800138000 13900139000",
        "手机13800138000办公05925123456",
    ],
    "phone.masked": ["138****8000", "0592-***3456", "138 **** 8000"],
}


@pytest.mark.parametrize(
    ("code", "value"),
    [(code, value) for code, values in ERROR_EXAMPLES.items() for value in values],
)
def test_error_codes(code: str, value: str) -> None:
    assert _code(value) == code
    assert code in phone.ERROR_CODES


def test_every_error_code_is_listed_and_exercised() -> None:
    usage = {"phone.region", "phone.default_area_code"}
    assert set(ERROR_EXAMPLES) | usage == set(phone.ERROR_CODES)
    assert all(text.strip() for text in phone.ERROR_CODES.values())


def test_error_classes() -> None:
    with pytest.raises(InvalidLength):
        phone.parse("1380013800")
    with pytest.raises(InvalidComponent):
        phone.parse("14612345678")
    with pytest.raises(InvalidFormat):
        phone.parse("abc")
    with pytest.raises(ValueError, match=r"phone\.empty"):
        phone.parse("")


def test_errors_never_hold_the_number() -> None:
    for value in ("1380013800", "14612345678", "5123456", "138OO138OOO", "13800138000/13900139000"):
        with pytest.raises(ValidationError) as info:
            phone.parse(value)
        text = f"{info.value} {info.value!r} {info.value.masked_value}"
        assert value not in text
        assert "0013" not in text
        assert "*" in (info.value.masked_value or "")


# -- display --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "formatted", "masked"),
    [
        ("13800138000", "138 0013 8000", "138****8000"),
        ("+86 199 1234 5678", "199 1234 5678", "199****5678"),
        ("0592-5123456", "0592-5123456", "0592-*****56"),
        ("021-12345678", "021-12345678", "021-******78"),
        ("010 6552 9988", "010-65529988", "010-******88"),
        ("05925123456-801", "0592-5123456 转 801", "0592-*****56"),
        ("4001234567", "400 123 4567", "400*****67"),
        ("8001234567", "800 123 4567", "800*****67"),
        ("95511", "95511", "95511"),
    ],
)
def test_format_and_mask(value: str, formatted: str, masked: str) -> None:
    assert phone.format(value) == formatted
    assert phone.mask(value) == masked
    assert phone.mask(phone.parse(value)) == masked
    assert phone.format(phone.parse(value)) == formatted


def test_mask_of_invalid_input() -> None:
    assert phone.mask("1380013800") == "1********0"
    assert phone.mask("abc") == "***"
    assert phone.mask(None) == "<NoneType>"  # type: ignore[arg-type]


def test_repr_and_str_are_masked() -> None:
    number = phone.parse("0592-5123456 转 801")
    assert (
        repr(number)
        == "PhoneNumber('0592-*****56', kind='fixed_line', region='CN', extension='801')"
    )
    assert str(number) == repr(number)
    assert "5123456" not in repr(phone.parse_many("0592-5123456/13800138000"))
    assert "0013" not in repr(phone.parse("13800138000"))


def test_compact() -> None:
    assert phone.compact("手机：138-0013-8000") == "13800138000"
    assert phone.compact("（0592）512 3456 转 801") == "05925123456;ext=801"
    assert phone.compact("+86 138 0013 8000") == "+8613800138000"
    assert phone.compact("138OO138OOO") == "138OO138OOO"


def test_phone_number_is_frozen_equal_and_picklable() -> None:
    number = phone.parse("13800138000")
    built = PhoneNumber("+8613800138000", "13800138000", PhoneKind.MOBILE, None, None, "CN")
    assert number == built
    assert hash(number) == hash(built)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        number.e164 = "+8613900139000"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(number)) == number
    assert attrs.asdict(phone.parse("0592-5123456-801")) == {
        "e164": FIXED,
        "national": "5925123456",
        "kind": PhoneKind.FIXED_LINE,
        "area_code": "0592",
        "extension": "801",
        "region": "CN",
    }
    assert PhoneKind.MOBILE == "mobile"


# -- several numbers ------------------------------------------------------------------------


def _e164s(result: ParsedPhones) -> list[str]:
    return [
        phone.validate(phone.format(n)) if n.region == "CN" else str(n.e164) for n in result.numbers
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000/0592-5123456", [MOBILE, FIXED]),
        ("13800138000；13900139000", [MOBILE, "+8613900139000"]),
        ("13800138000;13900139000", [MOBILE, "+8613900139000"]),
        ("13800138000,13900139000", [MOBILE, "+8613900139000"]),
        ("13800138000，13900139000", [MOBILE, "+8613900139000"]),
        ("13800138000、13900139000", [MOBILE, "+8613900139000"]),
        ("13800138000 13900139000", [MOBILE, "+8613900139000"]),
        ("13800138000\n13900139000", [MOBILE, "+8613900139000"]),
        ("13800138000\r\n0592-5123456", [MOBILE, FIXED]),
        ("手机13800138000 办公0592-5123456", [MOBILE, FIXED]),
        ("手机13800138000办公0592-5123456", [MOBILE, FIXED]),
        ("手机：13800138000（微信同号） 传真：0592-5123456", [MOBILE, FIXED]),
        ("0592 5123456", [FIXED]),
        ("138 0013 8000", [MOBILE]),
        ("138 0013 8000 139 0013 9000", [MOBILE, "+8613900139000"]),
        ("0592 5123456 13800138000", [FIXED, MOBILE]),
        ("13800138000 0592 5123456", [MOBILE, FIXED]),
        ("0592-5123456 转 801 / 13800138000", [FIXED_EXT, MOBILE]),
        ("tel:+86-592-5123456;ext=801", [FIXED_EXT]),
        ("13800138000/13800138000", [MOBILE]),
        ("", []),
        ("无", []),
    ],
)
def test_parse_many(text: str, expected: list[str]) -> None:
    result = phone.parse_many(text)
    assert [phone.validate(phone.format(n)) for n in result.numbers] == expected
    assert result.rejects == ()


def test_parse_many_rejects() -> None:
    result = phone.parse_many("13800138000/1380013800/abc；5123456")
    assert [n.e164 for n in result.numbers] == [MOBILE]
    assert result.rejects == (
        ("1********0", "phone.length"),
        ("***", "phone.format"),
        ("5*****6", "phone.area_code_missing"),
    )
    leftover = phone.parse_many("13800138000 801")
    assert [n.e164 for n in leftover.numbers] == [MOBILE]
    assert [code for _, code in leftover.rejects] == ["phone.length"]


def test_parse_many_options_and_junk() -> None:
    result = phone.parse_many("5123456/5123457", default_area_code="0592")
    assert [n.e164 for n in result.numbers] == [FIXED, "+865925123457"]
    assert phone.parse_many(None) == ParsedPhones()
    assert phone.parse_many(12345).rejects == (("<int>", "phone.format"),)  # type: ignore[arg-type]
    assert phone.parse_many("+44 20 7946 0958, 13800138000").numbers[0].region == "GB"


# -- properties -----------------------------------------------------------------------------


def _valid_plain() -> list[str]:
    """Valid national numbers per phonenumbers: mobiles of every block, fixed lines, 400/800."""
    plain = []
    for prefix in range(130, 200):
        plain.append(f"{prefix}{(prefix * 7919) % 10**8:08d}")
    for area in (
        "10",
        "20",
        "21",
        "22",
        "23",
        "24",
        "25",
        "27",
        "28",
        "29",
        "311",
        "351",
        "371",
        "431",
        "471",
        "531",
        "551",
        "571",
        "591",
        "592",
        "595",
        "731",
        "755",
        "769",
        "851",
        "871",
        "898",
        "931",
        "991",
    ):
        plain.append(f"0{area}62345678")
        plain.append(f"0{area}5123456")
    plain += ["4001234567", "4006543210", "8001234567", "8008208820"]
    return [
        value for value in plain if phonenumbers.is_valid_number(phonenumbers.parse(value, "CN"))
    ]


VALID_PLAIN = _valid_plain()
_FULL_WIDTH = str.maketrans("0123456789+-() ", "０１２３４５６７８９＋－（）\u3000")


@st.composite
def _written(draw: st.DrawFn) -> tuple[str, str]:
    """A valid number and one way a person or spreadsheet may have written it."""
    plain = draw(st.sampled_from(VALID_PLAIN))
    national = plain[1:] if plain.startswith("0") else plain
    sep = draw(st.sampled_from(["", " ", "-"]))
    if plain.startswith("1") and len(plain) == 11:
        body = sep.join((plain[:3], plain[3:7], plain[7:]))
        prefix = draw(st.sampled_from(["", "+86", "+86 ", "0086", "86", "+86-", "(+86)"]))
    elif plain.startswith("0"):
        size = 3 if plain[1] in "12" else 4
        area, local = plain[:size], plain[size:]
        body = f"({area}){local}" if draw(st.booleans()) else area + sep + local
        prefix = ""
        if draw(st.booleans()):
            body = draw(st.sampled_from(["+86 ", "+86", "0086 "])) + (
                national if not sep else area[1:] + sep + local
            )
    else:
        body = sep.join((plain[:3], plain[3:6], plain[6:]))
        prefix = draw(st.sampled_from(["", "+86 "]))
    written = prefix + body
    if draw(st.booleans()):
        written = written.translate(_FULL_WIDTH)
    label = draw(st.sampled_from(["", "手机：", "Tel: ", "电话", "办公 ", "传真："]))
    note = draw(st.sampled_from(["", "（微信同号）", " "]))
    written = label + written + note
    if draw(st.integers(0, 9)) == 0 and written.isdigit():
        written += ".0"
    return plain, written


@settings(max_examples=300, deadline=None)
@given(_written())
def test_formatting_variants_normalise_to_one_e164(case: tuple[str, str]) -> None:
    plain, written = case
    expected = phonenumbers.format_number(
        phonenumbers.parse(plain, "CN"), phonenumbers.PhoneNumberFormat.E164
    )
    assert phone.validate(written) == expected
    assert phone.validate(plain) == expected


@settings(max_examples=200, deadline=None)
@given(
    _written(), st.sampled_from([None, "801", "8"]), st.sampled_from([" 转 ", "-", "#", " ext. "])
)
def test_validate_of_format_is_validate(
    case: tuple[str, str], extension: str | None, marker: str
) -> None:
    _, written = case
    if extension is not None:
        if phone.parse(written).kind is PhoneKind.MOBILE and marker == "-":
            marker = " 转 "
        written = written.rstrip() + marker + extension
        assume(not written.endswith(".0" + marker + extension))
    assert phone.validate(phone.format(written)) == phone.validate(written)
    assert phone.validate(phone.validate(written)) == phone.validate(written)
    assert phone.mask(phone.format(written)) == phone.mask(written)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.text(alphabet="0123456789 -()+.#x转:：/", max_size=30)))
@example("⑱")
@example("3²")
@example("٣٨٠٠١٣٨٠٠٠")
@example("1" * 300)
def test_is_valid_never_raises(text: str) -> None:
    assert phone.is_valid(text) in (True, False)
    result = phone.parse_many(text)
    assert all(isinstance(n, PhoneNumber) for n in result.numbers)
    assert phone.mask(text) == phone.mask(text)


@pytest.mark.parametrize("junk", [None, 0, 13800138000, 1.5, b"13800138000", object(), [], "€"])
def test_is_valid_on_junk(junk: object) -> None:
    assert phone.is_valid(junk) is False


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789 -()+", max_size=24),
        st.builds(
            lambda prefix, number, sep, tail: prefix + sep.join(number) + tail,
            st.sampled_from(["", "+86", "0086", "86", "17951", "10193", "0", "+", "00"]),
            st.lists(
                st.text(alphabet="0123456789", min_size=1, max_size=8), min_size=1, max_size=4
            ),
            st.sampled_from(["", " ", "-", "  ", " - "]),
            st.sampled_from(["", "-801", " 8", "(1)", "-", " "]),
        ),
    )
)
def test_fast_path_equals_general_path(value: str) -> None:
    fast = phone._fast(value)
    if fast is not None:
        assert fast == phone._parse_text(value, "CN", None)


def test_fast_path_is_taken_for_plain_numbers() -> None:
    for value in (
        "13800138000",
        "+86 138 0013 8000",
        "0592-5123456",
        "(0592)5123456",
        "0592-5123456-801",
        "95511",
    ):
        assert isinstance(phone._fast(value), PhoneNumber), value
    assert phone._fast("5123456") == "phone.area_code_missing"
    for value in ("手机13800138000", "138.0013.8000", "10193 13800138000", "+44 20 7946 0958"):
        assert phone._fast(value) is None, value


def test_docs_page_names_the_module() -> None:
    from pathlib import Path

    page = Path(__file__).parent.parent / "docs" / "reference" / "phone.md"
    text = page.read_text(encoding="utf-8")
    assert re.search(r"^# ", text, re.MULTILINE)
    assert "::: custmaster.validate.phone" in text


def test_long_input_is_refused_quickly() -> None:
    import time

    start = time.perf_counter()
    assert _code("1" * 300) == "phone.length"
    assert _code("手机" * 200_000) == "phone.length"
    assert phone.parse_many("13800138000 " * 1000).rejects == (
        (phone.mask("13800138000 " * 1000), "phone.length"),
    )
    assert len(phone.parse_many("13800138000 " * 100).numbers) == 1
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    "value", ["021-50123456（转8001）", "021-50123456 (ext. 8001)", "021-50123456【分机8001】"]
)
def test_bracketed_extension(value: str) -> None:
    assert phone.validate(value) == "+862150123456;ext=8001"


def test_a_bracketed_number_is_no_extension() -> None:
    assert not phone.is_valid("021-50123456（13800138000）")


@pytest.mark.parametrize(
    "value",
    ["手机：13800138000 座机：0592-5123456", "电话：021-50123456 传真：021-50123457"],
)
def test_labelled_numbers_side_by_side_are_several(value: str) -> None:
    assert _code(value) == "phone.multiple"
    assert len(phone.parse_many(value).numbers) == 2


@pytest.mark.parametrize(
    "value", ["13800138000/13800138000", "13800138000；138-0013-8000", "13800138000/无"]
)
def test_one_number_written_twice_is_one_number(value: str) -> None:
    assert phone.validate(value) == MOBILE


@pytest.mark.parametrize(
    "value", ["13800138000/13800138000 空号", "13800138000/1380013800", "13800138000/abc"]
)
def test_one_number_beside_a_reject_is_not_read(value: str) -> None:
    assert not phone.is_valid(value)


@pytest.mark.parametrize(
    "value", ["13800138000 号码已更换", "13800138000(无此号码)", "13800138000 已改号"]
)
def test_more_status_notes(value: str) -> None:
    assert _code(value) == "phone.status"


def test_a_local_number_after_a_fixed_line_takes_its_area_code() -> None:
    result = phone.parse_many("0592-5123456、5123457")
    assert [n.canonical for n in result.numbers] == ["+865925123456", "+865925123457"]
    assert _code("0592-5123456、5123457") == "phone.multiple"
    # after a mobile, a local number has no area code to take
    assert phone.parse_many("13800138000、5123457").rejects == (
        ("5*****7", "phone.area_code_missing"),
    )


def test_last_digits_after_a_fixed_line_stand_for_the_next_line() -> None:
    result = phone.parse_many("0592-5123456/7/8")
    assert [n.canonical for n in result.numbers] == [
        "+865925123456", "+865925123457", "+865925123458"
    ]  # fmt: skip
    assert _code("0592-5123456/7") == "phone.multiple"
    # three digits could be an extension: not read as a shorthand
    assert len(phone.parse_many("0592-5123456/801").numbers) == 1
    # after a mobile, nothing is completed
    assert len(phone.parse_many("13800138000/9").numbers) == 1


@pytest.mark.parametrize(
    "value", ["13800138000 QQ同号", "13800138000（qq同号）", "13800138000 同QQ"]
)
def test_qq_same_number_is_a_label(value: str) -> None:
    assert phone.validate(value) == MOBILE


def test_a_qq_number_is_no_phone_number() -> None:
    assert not phone.is_valid("QQ：12345678")


# -- session 12: validators-realworld-3.csv ----------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["14957321234", "149 5732 1234", "+86 149 5732 1234", "0086-14957321234", "8614957321234"],
)
def test_the_149_block_is_a_mobile_on_the_fast_path(value: str) -> None:
    number = phone._fast(value)
    assert isinstance(number, PhoneNumber)
    assert number.canonical == "+8614957321234"
    assert number.kind is PhoneKind.MOBILE
    assert phone.format(value) == "149 5732 1234"
    assert phone.mask(value) == "149****1234"


@pytest.mark.parametrize("value", ["1495732123", "149573212345", "1485732123456", "14857321234"])
def test_the_149_block_keeps_its_length_and_its_neighbours_stay_refused(value: str) -> None:
    assert not phone.is_valid(value)


@pytest.mark.parametrize(
    "value",
    [
        "13800138000（错）",
        "13800138000(错)",
        "13800138000 错",
        "错 13800138000",
        "13800138000【错号】",
        "13800138000 号码不正确",
        "13800138000（号码已失效）",
        "13800138000 打错了",
    ],
)
def test_wrong_alone_says_the_number_is_bad(value: str) -> None:
    assert _code(value) == "phone.status"
    assert phone.has_status_note(value)


@pytest.mark.parametrize(
    "value", ["13800138000（号码没错）", "13800138000 不错", "13800138000（错过来电）"]
)
def test_right_and_missed_calls_are_no_bad_number_notes(value: str) -> None:
    assert phone.validate(value) == MOBILE
    assert not phone.has_status_note(value)


@pytest.mark.parametrize(
    "value", ["13800138000或13900139000", "13800138000及13900139000", "13800138000和0592-5123456"]
)
def test_or_and_and_between_two_numbers_separate_them(value: str) -> None:
    assert _code(value) == "phone.multiple"
    assert len(phone.parse_many(value).numbers) == 2


def test_or_between_a_number_and_a_note_is_no_separator() -> None:
    assert phone.validate("张先生和13800138000") == MOBILE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[0592]5123456", FIXED),
        ("［0592］5123456", FIXED),
        ("13800138000[本人]", MOBILE),
        ('="13800138000"', MOBILE),
        (' ="0592-5123456"', FIXED),
    ],
)
def test_square_brackets_and_formula_text(value: str, expected: str) -> None:
    assert phone.validate(value) == expected


def test_a_formula_without_quotes_is_no_number() -> None:
    assert _code("=13800138000+1") == "phone.format"


@pytest.mark.parametrize(
    "value", ["未提供", "客户未留", "拒绝提供", "未填写", "没有留电话", "不愿告知"]
)
def test_a_phrase_saying_no_number_was_given_is_empty(value: str) -> None:
    assert _code(value) == "phone.empty"


def test_a_name_alone_is_still_no_placeholder() -> None:
    assert _code("张先生") == "phone.format"


def test_an_e_mail_address_is_no_vanity_number() -> None:
    assert _code("13800138000@qq.com") == "phone.format"
    assert _code("138OO138OOO") == "phone.vanity"


# -- session 13: places, named extensions, mobiles run together -----------------------------


@pytest.mark.parametrize(
    ("value", "expected", "region"),
    [
        ("香港 91234567", "+85291234567", "HK"),
        ("91234567（香港）", "+85291234567", "HK"),
        ("香港：2345 6789", "+85223456789", "HK"),
        ("澳門 6612 3456", "+85366123456", "MO"),
        ("台湾 0912-345-678", "+886912345678", "TW"),
        ("台灣 02-2345-6789", "+886223456789", "TW"),
        ("HK 91234567", "+85291234567", "HK"),
        ("Hong Kong: 2345 6789", "+85223456789", "HK"),
        ("(HK)91234567", "+85291234567", "HK"),
        ("Macau 66123456", "+85366123456", "MO"),
        ("Macao 6612-3456", "+85366123456", "MO"),
        ("Taiwan 0912345678", "+886912345678", "TW"),
    ],
)
def test_a_place_named_with_the_number_reads_it_by_that_places_rules(
    value: str, expected: str, region: str
) -> None:
    number = phone.parse(value)
    assert (number.e164, number.region) == (expected, region)
    # phonenumbers (region CN) raises or skips the place name and finds no valid number
    try:
        pn = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return
    assert not phonenumbers.is_valid_number(pn)


def test_a_place_name_does_not_take_a_chinese_number_away() -> None:
    # a mainland mobile of someone living in Hong Kong stays a mainland mobile
    assert phone.validate("香港 13800138000") == "+8613800138000"
    assert phone.validate("台湾 0592-5123456") == "+865925123456"
    assert _code("香港 1234") == "phone.length"
    assert phone.validate("HK 13800138000") == "+8613800138000"
    assert _code("HKD 91234567") == "phone.vanity"  # a word that only starts like HK


def test_an_extension_named_not_numbered_leaves_the_number() -> None:
    value = "021-62345678 转 总经理办公室"
    assert phone.validate(value) == "+862162345678"
    with pytest.raises(phonenumbers.NumberParseException):
        phonenumbers.parse(value, "CN")
    assert phone.validate("0592-5123456 转 前台 小王") == "+865925123456"


def test_mobiles_run_together_are_several_numbers() -> None:
    value = "1380013800013900139000"
    assert _code(value) == "phone.multiple"
    with pytest.raises(phonenumbers.NumberParseException):
        phonenumbers.parse(value, "CN")
    numbers = phone.parse_many(value).numbers
    assert [n.e164 for n in numbers] == ["+8613800138000", "+8613900139000"]
    assert _code("13800138000123456") == "phone.length"  # the rest is no mobile
    assert _code("1380013800012345678901") == "phone.length"  # 22 digits, second no mobile
