"""Sensitivity classes, C3 refusal, masks per field kind (PRIVACY.md §4) and the leak scanner."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import InvalidComponent, ValidationError
from custmaster.model import (
    ContactEvent,
    ContactPoint,
    Customer,
    Gender,
    PolicyLine,
    Provenance,
    SourceRecord,
    Vehicle,
)
from custmaster.model import Policy as PolicyModel
from custmaster.model._mask import mask_field as model_mask_field
from custmaster.privacy import masking, sensitivity
from custmaster.privacy.masking import (
    HIDDEN,
    mask,
    mask_address,
    mask_bank_card,
    mask_birth_date,
    scan_for_personal_data,
)
from custmaster.privacy.sensitivity import (
    FIELD_POLICIES,
    FieldKind,
    Sensitivity,
    is_c3,
    is_minor,
    policy_for,
    refuse_c3,
)
from custmaster.testing.strategies import (
    addresses,
    emails,
    names,
    phones,
    plates,
    resident_ids,
    vins,
)
from custmaster.validate import cn_name, cn_plate, cn_resident_id, email, phone, vin

# -- PRIVACY.md §4, the examples column, exactly ------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("resident_id", "110105199001051234", "110***********1234"),
        ("resident_id", "110105900101234", "110********1234"),
        ("mobile", "13800138000", "138****8000"),
        ("mobile", "+86 138-0013-8000", "138****8000"),
        ("office_phone", "0592-1234556", "0592-*****56"),
        ("fax", "0592-1234556", "0592-*****56"),
        ("name", "张三", "张*"),
        ("name", "欧阳娜娜", "欧阳**"),
        ("address", "福建省厦门市思明区湖滨南路100号", "福建省厦门市思明区******"),
        ("email", "zhang@example.com", "z***@example.com"),
        ("bank_account", "6222021234567891234", "622202*********1234"),
        ("plate", "闽D12388", "闽D·***88"),
        ("vin", "LSVAU2110N2181234", "LSV**********1234"),
        ("birth_date", dt.date(1990, 5, 1), "1990-**-**"),
        ("health", "2019年确诊高血压", "[医疗信息]"),
    ],
)
def test_privacy_md_examples(field: str, value: object, expected: str) -> None:
    assert mask(field, value) == expected


def test_engine_number_hides_at_least_half() -> None:
    assert mask("engine_no", "CSS123456") == "CS*****56"
    assert mask("engine_no", "SQR4G15B123456") == "SQR*******3456"


def test_claim_details_show_their_category_only() -> None:
    assert mask("claim_details", "2025-03-02 追尾，对方车损 3000 元") == "[理赔信息]"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("cover_end", dt.date(2027, 1, 5), "2027-01-05"),
        ("cover_start", "2026-01-06", "2026-01-06"),
        ("policy_no", "PDAA202635020000001234", "PDAA202635020000001234"),
        ("postcode", "361000", "361000"),
        ("gender", Gender.FEMALE, "female"),
        ("line", PolicyLine.get("交强险"), "compulsory"),
        ("key_customer", True, "True"),
        ("make_model", "别克GL8", "别克GL8"),
    ],
)
def test_non_identifying_fields_pass_through(field: str, value: object, expected: str) -> None:
    assert mask(field, value) == expected


def test_none_is_empty_and_composites_show_a_count() -> None:
    assert mask("mobile", None) == ""
    assert mask("contact_points", ("a", "b", "c")) == "<3 items>"
    assert mask("note", "客户说手机号改成13900139000了") == HIDDEN


def test_c3_and_unknown_fields_are_masked_conservatively() -> None:
    assert mask("card_password", "123456") == HIDDEN
    assert mask("extra.车队", "三队第一小组") == "三****组"
    assert mask("extra.客户编号", 13800138000) == "1*********0"
    assert mask("extra.签约日", dt.date(1990, 5, 1)) == "1990-**-**"


def test_a_value_the_validator_refuses_is_still_masked() -> None:
    assert mask("mobile", "1380013800") == "1********0"
    assert mask("mobile", "95511") == "95511"  # a service number is not personal
    assert mask("plate", "闽Z 1") == cn_plate.mask("闽Z 1") == "***"
    assert mask("resident_id", 110105199001051234) == "<int>"


@settings(max_examples=200)
@given(
    field=st.sampled_from([*FIELD_POLICIES, "extra.x", "password", "unknown"]),
    value=st.one_of(
        st.none(),
        st.text(max_size=40),
        st.integers(),
        st.dates(),
        st.datetimes(),
        st.booleans(),
        st.lists(st.text(max_size=3), max_size=3),
        st.binary(max_size=8),
    ),
)
def test_mask_never_raises(field: str, value: object) -> None:
    assert isinstance(mask(field, value), str)


# -- masks agree with the validators and the model (PRIVACY.md rule 2) -----------------------


@settings(max_examples=60)
@given(resident_ids(), phones(), emails(), plates(), vins(), names())
def test_mask_uses_the_validators_mask_and_hides_the_value(
    resident_id: str, generated: object, address: str, plate: str, vin_number: str, name: str
) -> None:
    text = generated.text  # type: ignore[attr-defined]
    cases = [
        ("resident_id", resident_id, cn_resident_id.mask),
        ("mobile", text, phone.mask),
        ("email", address, email.mask),
        ("plate", plate, cn_plate.mask),
        ("vin", vin_number, vin.mask),
        ("name", name, cn_name.mask),
    ]
    for field, value, validator_mask in cases:
        shown = mask(field, value)
        assert shown == validator_mask(value), field
        assert shown == model_mask_field(field, value), field
    masked_id = mask("resident_id", resident_id)
    assert resident_id not in masked_id
    assert not scan_for_personal_data(masked_id)
    assert not scan_for_personal_data(mask("mobile", text))


# -- the registry ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls", [SourceRecord, Customer, PolicyModel, Vehicle, ContactPoint, ContactEvent, Provenance]
)
def test_every_model_field_has_a_policy(cls: type) -> None:
    missing = [a.name for a in attrs.fields(cls) if a.name not in FIELD_POLICIES]
    assert not missing


@pytest.mark.parametrize(
    ("field", "sensitivity", "kind", "pipl_sensitive", "encrypt"),
    [
        ("resident_id", Sensitivity.C2, FieldKind.RESIDENT_ID, False, True),
        ("mobile", Sensitivity.C2, FieldKind.PHONE, False, False),
        ("address", Sensitivity.C2, FieldKind.ADDRESS, False, False),
        ("bank_account", Sensitivity.C2, FieldKind.BANK_CARD, True, True),
        ("health", Sensitivity.C2, FieldKind.HEALTH, True, False),
        ("claim_details", Sensitivity.C2, FieldKind.CLAIM, True, False),
        ("birth_date", Sensitivity.C2, FieldKind.BIRTH_DATE, False, False),
        ("id", Sensitivity.C1, FieldKind.PLAIN, False, False),
        ("gender", Sensitivity.C1, FieldKind.PLAIN, False, False),
        ("operator", Sensitivity.C1, FieldKind.NAME, False, False),
    ],
)
def test_policies(
    field: str, sensitivity: Sensitivity, kind: FieldKind, pipl_sensitive: bool, encrypt: bool
) -> None:
    policy = policy_for(field)
    assert (policy.sensitivity, policy.kind) == (sensitivity, kind)
    assert (policy.pipl_sensitive, policy.encrypt) == (pipl_sensitive, encrypt)
    assert policy.label_zh


def test_every_c2_field_with_a_personal_kind_is_masked() -> None:
    for name, policy in FIELD_POLICIES.items():
        if policy.kind in (FieldKind.PLAIN, FieldKind.COMPOSITE):
            continue
        assert policy.kind in masking.MASKS, name


def test_unknown_fields_get_the_conservative_policy() -> None:
    policy = policy_for("extra.车队")
    assert (policy.sensitivity, policy.kind) == (Sensitivity.C2, FieldKind.TEXT)
    assert policy_for("extra.卡密码").sensitivity is Sensitivity.C3


def test_fields_of_class_partition_the_registry() -> None:
    c1 = sensitivity.fields_of_class(Sensitivity.C1)
    c2 = sensitivity.fields_of_class(Sensitivity.C2)
    assert not c1 & c2
    assert c1 | c2 == set(FIELD_POLICIES)
    assert not sensitivity.fields_of_class(Sensitivity.C3)


@pytest.mark.parametrize(
    "field",
    [
        "password",
        "Password",
        "login_pwd",
        "card_pin",
        "PIN码",
        "CVV2",
        "cvn",
        "Card Expiry",
        "expiry_date",
        "sms_code",
        "OTP",
        "短信验证码",
        "银行卡密码",
        "交易密码",
        "extra.信用卡有效期",
        "extra.卡安全码",
        "磁道信息",
    ],
)
def test_c3_fields_are_refused(field: str) -> None:
    assert is_c3(field)
    with pytest.raises(InvalidComponent) as caught:
        refuse_c3(field)
    assert caught.value.code == "privacy.c3_refused"
    assert caught.value.field == field
    assert isinstance(caught.value, ValidationError)


@pytest.mark.parametrize(
    "field",
    ["mobile", "resident_id", "id_expiry", "证件有效期", "shipping", "spinner", "opinion",
     "pinyin_name", "校验码", "bank_account", "extra.车队"],
)  # fmt: skip
def test_ordinary_fields_are_not_c3(field: str) -> None:
    assert not is_c3(field)
    refuse_c3(field)


def test_minor_under_fourteen() -> None:
    born = dt.date(2012, 2, 29)
    assert is_minor(born, on=dt.date(2026, 2, 28))
    assert not is_minor(born, on=dt.date(2026, 3, 1))
    assert not is_minor(dt.date(1990, 1, 1))


# -- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("福建省厦门市思明区湖滨南路100号", "福建省厦门市思明区******"),
        ("福建省福州市鼓楼区五四路1号", "福建省福州市鼓楼区******"),
        ("北京市朝阳区建国路88号", "北京市朝阳区******"),
        ("北京市市辖区东城区东四大街1号", "北京市市辖区东城区******"),
        ("上海市浦东新区世纪大道100号", "上海市浦东新区******"),
        ("重庆市石柱土家族自治县南宾街道", "重庆市石柱土家族自治县******"),
        ("广西壮族自治区南宁市青秀区民族大道1号", "广西壮族自治区南宁市青秀区******"),
        ("新疆维吾尔自治区伊犁哈萨克自治州伊宁市解放路1号",
         "新疆维吾尔自治区伊犁哈萨克自治州伊宁市******"),
        ("内蒙古自治区兴安盟科尔沁右翼前旗科右前旗大街2号",
         "内蒙古自治区兴安盟科尔沁右翼前旗******"),
        ("西藏自治区阿里地区噶尔县狮泉河镇", "西藏自治区阿里地区噶尔县******"),
        ("湖北省恩施土家族苗族自治州恩施市舞阳大街", "湖北省恩施土家族苗族自治州恩施市******"),
        ("湖北省神农架林区松柏镇", "湖北省神农架林区******"),
        ("湖北省仙桃市沙嘴街道", "湖北省仙桃市******"),
        ("河北省唐山市路北区建设路1号", "河北省唐山市路北区******"),
        ("山东省济南市市中区经七路1号", "山东省济南市市中区******"),
        ("广东省东莞市南城街道鸿福路1号", "广东省东莞市******"),
        ("香港特别行政区中西区皇后大道中1号", "香港特别行政区中西区******"),
        ("福建省 厦门市 思明区 湖滨南路", "福建省 厦门市 思明区******"),
        ("厦门市思明区湖滨南路1号", "厦门市思明区******"),
        ("思明区湖滨南路1号", "思明区******"),
        ("福建厦门思明区湖滨南路", "福建厦门思明区******"),
        ("北京朝阳区建国路", "北京朝阳区******"),
        ("北京路100号", "******"),
        ("中山路1号", "******"),
        ("湖滨南路100号阳光花园3栋", "******"),
        ("福建省厦门市思明区", "福建省厦门市思明区"),
        ("", ""),
    ],
)  # fmt: skip
def test_mask_address(address: str, expected: str) -> None:
    assert mask_address(address) == expected


@settings(max_examples=150)
@given(addresses())
def test_generated_addresses_keep_exactly_their_divisions(address: object) -> None:
    a = address  # GeneratedAddress
    kept = f"{a.province}{a.city or ''}{a.district}"  # type: ignore[attr-defined]
    assert mask_address(a.text) == kept + HIDDEN  # type: ignore[attr-defined]


# -- other kinds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(1990, 5, 1), "1990-**-**"),
        (dt.datetime(1985, 12, 31, 8, 0), "1985-**-**"),
        ("1990-05-01", "1990-**-**"),
        ("19900501", "1990-**-**"),
        ("1990年5月1日", "1990-**-**"),
        ("5/1/1990", "5******0"),
    ],
)
def test_mask_birth_date(value: object, expected: str) -> None:
    assert mask_birth_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6222021234567891234", "622202*********1234"),
        ("6222 0212 3456 7891 234", "622202*********1234"),
        ("6225-8801-2345-6789", "622588******6789"),
        ("35100123456789", "351001****6789"),
        ("351001234567", "********4567"),
        ("1234567", "1*****7"),
        ("6222abc", "6*****c"),
    ],
)
def test_mask_bank_card(value: str, expected: str) -> None:
    assert mask_bank_card(value) == expected
    digits = value.replace(" ", "").replace("-", "")
    if digits.isdigit() and len(digits) >= 8:
        assert sum(c.isdigit() for c in expected) <= 10


def test_document_numbers_and_contact_values() -> None:
    assert mask("id_document", "E12345678") == "E******78"
    assert mask("contact_value", "+8613800138000") == "138****8000"
    assert mask("contact_value", "福建省厦门市思明区湖滨南路1号") == "福建省厦门市思明区******"
    assert mask("value", "zhang@example.com") == "z***@example.com"


# -- the leak scanner ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("id=11010519491231002X;", "resident_id", "110***********002X"),
        ("id=11010519491231002x", "resident_id", "110***********002X"),
        ("110105 19491231 002X", "resident_id", "110***********002X"),
        ("旧证110105491231002号", "resident_id", "110********1002"),
        ("tel:13800138000", "mobile", "138****8000"),
        ("+8613800138000", "mobile", "138****8000"),
        ("138 0013 8000", "mobile", "138****8000"),
        ("电话138-0013-8000。", "mobile", "138****8000"),
    ],
)
def test_scanner_finds_full_numbers(text: str, kind: str, masked: str) -> None:
    (finding,) = scan_for_personal_data(text)
    assert (finding.kind, finding.masked) == (kind, masked)
    assert text[finding.start : finding.end].replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    "text",
    [
        "110***********002X",
        "138****8000",
        "110105194912310021",  # wrong check digit
        "12345678901",  # not a mobile prefix
        "213800138000",  # 12 digits
        "order 913800138000123",  # inside a longer number
        "0592-5551256",  # fixed line: not in scope
        "张*",
    ],
)
def test_scanner_ignores_masked_and_non_matching_text(text: str) -> None:
    assert scan_for_personal_data(text) == ()


def test_scanner_finds_known_values_and_reports_positions() -> None:
    text = "客户欧阳娜娜（张伟介绍），电话13800138000，欧阳娜娜再次来电"
    findings = scan_for_personal_data(text, ["欧阳娜娜", "张伟", "", "张"])
    assert [(f.kind, text[f.start : f.end]) for f in findings] == [
        ("known", "欧阳娜娜"),
        ("known", "张伟"),
        ("mobile", "13800138000"),
        ("known", "欧阳娜娜"),
    ]
    shown = repr(findings)
    assert "欧阳娜娜" not in shown
    assert "张伟" not in shown
    assert "13800138000" not in shown


@settings(max_examples=80)
@given(resident_ids(), st.text(alphabet="abc ：，", max_size=3))
def test_scanner_finds_every_generated_id(resident_id: str, around: str) -> None:
    findings = scan_for_personal_data(f"{around}{resident_id}{around}")
    assert [f.kind for f in findings] == ["resident_id"]
    assert findings[0].masked == cn_resident_id.mask(resident_id)


def _division_end_by_every_length(text: str) -> int:
    """The division walk as first written: every name length tried at every position (the
    reference for `masking._division_end`, which looks names up by their first characters)."""
    levels = masking._divisions()
    best = 0

    def walk(level: int, pos: int, confirmed: int) -> None:
        nonlocal best
        best = max(best, confirmed)
        if level == len(levels):
            return
        start = pos
        while start < len(text) and text[start].isspace():
            start += 1
        for known in levels[level]:
            ends = [start + n for n in known.lengths if text[start : start + n] in known.names]
            for end in ends:
                walk(level + 1, end, end if known.full else confirmed)
            if ends and known.full:
                return
        walk(level + 1, pos, confirmed)

    walk(0, 0, 0)
    return best


def _division_names() -> list[str]:
    return sorted({n for levels in masking._divisions() for lv in levels for n in lv.names})


@settings(max_examples=400)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_division_names()),
            st.sampled_from(["省", "市", "区", "县", " ", "　", "路1号", "北京", "厦门", "福建"]),
            st.text(max_size=3),
        ),
        max_size=7,
    )
)
def test_the_division_walk_finds_what_trying_every_length_finds(parts: list[str]) -> None:
    text = "".join(parts)
    # A name ending the text matches its slices past the end too: both walks may then return
    # an end past the text, which the mask reads as "all of it".
    expected = min(_division_end_by_every_length(text), len(text))
    assert min(masking._division_end(text), len(text)) == expected


@settings(max_examples=150)
@given(addresses())
def test_the_division_walk_on_generated_addresses(address: object) -> None:
    text = address.text  # type: ignore[attr-defined]
    expected = min(_division_end_by_every_length(text), len(text))
    assert min(masking._division_end(text), len(text)) == expected
