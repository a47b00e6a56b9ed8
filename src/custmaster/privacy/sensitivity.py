"""Sensitivity classes (C1/C2/C3) and display kinds of every field custmaster knows.

JR/T 0171-2020 sorts personal financial information into three classes, and PIPL Art. 28
names sensitive personal information (financial accounts, medical health, all data of
minors under 14 …). Each field of the model carries both marks here, in one registry,
`FIELD_POLICIES`, which access control, masking, audit and encryption read:

* **C3**, user-authentication data (passwords, PINs, CVN, card expiry, SMS codes): custmaster
  accepts none of it. `refuse_c3` raises for a field or column that holds it.
* **C2**, data that identifies a person and their finances: ID numbers, phones, addresses,
  bank accounts, plates, VINs, policy and claim facts (⚠ our reading of "transaction data").
  The audit log records the names of such fields, never their values.
* **C1**, internal data: customer IDs, channels, times, codes.

A `FieldPolicy` also names the field's display ``kind`` (the mask `custmaster.privacy.masking`
applies), whether the field is PIPL-sensitive, and whether it is a candidate for field-level
encryption with a blind index (`custmaster.privacy.crypto`).

A field the registry does not know (an extra column such as ``extra.车队``) gets the
conservative policy of `policy_for`: C2, masked as unknown text.

More information:

* ../shared/PRIVACY.md (sections 1, 3 and 4) and the page "Privacy" of these docs
* PIPL Art. 28, 31; JR/T 0171-2020 clause 4.2

>>> policy_for("resident_id").sensitivity, policy_for("resident_id").kind
(<Sensitivity.C2: 'C2'>, <FieldKind.RESIDENT_ID: 'resident_id'>)
>>> policy_for("bank_account").pipl_sensitive, policy_for("gender").sensitivity.value
(True, 'C1')
>>> policy_for("extra.车队").kind.value
'text'
>>> is_c3("交易密码"), is_c3("id_expiry"), is_c3("CVV2")
(True, False, True)
>>> refuse_c3("mobile")
>>> refuse_c3("extra.银行卡密码")
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [privacy.c3_refused] extra.银行卡密码: ...
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from custmaster.errors import InvalidComponent

__all__ = [
    "C3_KINDS",
    "ERROR_CODES",
    "FIELD_POLICIES",
    "MINOR_AGE",
    "FieldKind",
    "FieldPolicy",
    "Sensitivity",
    "fields_of_class",
    "is_c3",
    "is_minor",
    "policy_for",
    "refuse_c3",
]

ERROR_CODES: dict[str, str] = {
    "privacy.c3_refused": (
        "The field holds authentication data (C3: password, PIN, CVN, card expiry, SMS code), "
        "which custmaster never accepts."
    ),
}

#: Age under which all personal information of a person is sensitive (PIPL Art. 28, 31).
MINOR_AGE = 14


class Sensitivity(str, enum.Enum):
    """Class of personal financial information after JR/T 0171-2020 clause 4.2."""

    #: Internal data: opening time and branch, tokens, anything not in C2/C3.
    C1 = "C1"
    #: Identifies a person and their finances: accounts, ID numbers, phones, address, policies.
    C2 = "C2"
    #: Authentication data: passwords, card track data, CVN, card expiry, SMS codes.
    C3 = "C3"


class FieldKind(str, enum.Enum):
    """How a field's value is shown: each kind has one mask function."""

    NAME = "name"
    RESIDENT_ID = "resident_id"
    USCC = "uscc"
    DOCUMENT_NUMBER = "document_number"
    BIRTH_DATE = "birth_date"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    CONTACT = "contact"
    BANK_CARD = "bank_card"
    PLATE = "plate"
    VIN = "vin"
    ENGINE_NO = "engine_no"
    HEALTH = "health"
    CLAIM = "claim"
    #: Several values (contact points, histories): only their number is shown.
    COMPOSITE = "composite"
    #: Free text that may hold anything (notes): never shown.
    HIDDEN = "hidden"
    #: Text of unknown meaning: masked conservatively.
    TEXT = "text"
    #: Not identifying on its own (codes, dates, enum values): shown as it is.
    PLAIN = "plain"


@attrs.frozen
class FieldPolicy:
    """What custmaster knows about one field: its class, display kind and protection."""

    #: The field name (``resident_id``, ``extra.车队``).
    field: str
    #: The display kind, which picks the mask.
    kind: FieldKind
    #: C1, C2 or C3.
    sensitivity: Sensitivity
    #: Sensitive personal information under PIPL Art. 28 for every person, not only minors.
    pipl_sensitive: bool = False
    #: A candidate for field-level encryption with a blind index (identity numbers, accounts).
    encrypt: bool = False
    #: The field's Chinese label, as forms and reports name it.
    label_zh: str = ""


_C1, _C2 = Sensitivity.C1, Sensitivity.C2
_K = FieldKind


def _policies(*rows: tuple[str, FieldKind, Sensitivity, str, str]) -> Mapping[str, FieldPolicy]:
    table: dict[str, FieldPolicy] = {}
    for field, kind, sensitivity, flags, label in rows:
        table[field] = FieldPolicy(
            field,
            kind,
            sensitivity,
            pipl_sensitive="s" in flags,
            encrypt="e" in flags,
            label_zh=label,
        )
    return MappingProxyType(table)


#: Every field of `SourceRecord`, `Customer`, `Policy`, `Vehicle`, `ContactPoint`,
#: `ContactEvent` and `Provenance`, plus the bank-account, health and claim fields, by name.
#: Flags: ``s`` PIPL-sensitive, ``e`` encrypted with a blind index when encryption is on.
FIELD_POLICIES: Mapping[str, FieldPolicy] = _policies(
    # identity
    ("name", _K.NAME, _C2, "", "姓名/名称"),
    ("resident_id", _K.RESIDENT_ID, _C2, "e", "身份证号"),
    ("id_document", _K.DOCUMENT_NUMBER, _C2, "e", "证件号码"),
    ("uscc", _K.USCC, _C2, "", "统一社会信用代码"),
    ("birth_date", _K.BIRTH_DATE, _C2, "", "出生日期"),
    ("gender", _K.PLAIN, _C1, "", "性别"),
    ("kind", _K.PLAIN, _C1, "", "客户类型"),
    # contact
    ("mobile", _K.PHONE, _C2, "", "手机号码"),
    ("home_phone", _K.PHONE, _C2, "", "住宅电话"),
    ("office_phone", _K.PHONE, _C2, "", "单位电话"),
    ("fax", _K.PHONE, _C2, "", "传真"),
    ("email", _K.EMAIL, _C2, "", "电子邮箱"),
    ("address", _K.ADDRESS, _C2, "", "地址"),
    ("postcode", _K.PLAIN, _C1, "", "邮政编码"),
    ("contact_value", _K.CONTACT, _C2, "", "联系方式"),
    ("value", _K.CONTACT, _C2, "", "联系方式"),
    ("contact_points", _K.COMPOSITE, _C2, "", "联系方式"),
    ("contact_kind", _K.PLAIN, _C1, "", "联系方式类型"),
    ("method", _K.PLAIN, _C1, "", "联系途径"),
    ("outcome", _K.PLAIN, _C1, "", "联系结果"),
    ("status", _K.PLAIN, _C1, "", "状态"),
    ("status_at", _K.PLAIN, _C1, "", "状态时间"),
    ("status_by", _K.NAME, _C1, "", "状态确认人"),
    ("first_seen", _K.PLAIN, _C1, "", "首次获取时间"),
    ("last_seen", _K.PLAIN, _C1, "", "最近获取时间"),
    ("channels", _K.PLAIN, _C1, "", "来源渠道"),
    ("note", _K.HIDDEN, _C2, "", "备注"),
    # policy facts: "transaction data" of JR/T 0171 C2 (our reading), shown in full
    ("policy_no", _K.PLAIN, _C2, "", "保单号"),
    ("line", _K.PLAIN, _C2, "", "险种"),
    ("role", _K.PLAIN, _C2, "", "保单角色"),
    ("roles", _K.PLAIN, _C1, "", "保单关系人"),
    ("cover_start", _K.PLAIN, _C2, "", "起保日期"),
    ("cover_end", _K.PLAIN, _C2, "", "终保日期"),
    ("business_type", _K.PLAIN, _C2, "", "业务类型"),
    ("renews", _K.PLAIN, _C2, "", "续保自"),
    ("endorsements", _K.PLAIN, _C2, "", "批单"),
    ("policies", _K.COMPOSITE, _C2, "", "保单"),
    # vehicle
    ("plate", _K.PLATE, _C2, "", "车牌号"),
    ("vin", _K.VIN, _C2, "", "车架号"),
    ("engine_no", _K.ENGINE_NO, _C2, "", "发动机号"),
    ("make_model", _K.PLAIN, _C1, "", "厂牌型号"),
    ("manufacturer", _K.PLAIN, _C1, "", "制造商"),
    ("series", _K.PLAIN, _C1, "", "车系"),
    ("first_registered", _K.PLAIN, _C1, "", "初次登记日期"),
    ("vehicle", _K.COMPOSITE, _C2, "", "车辆"),
    # financial and sensitive (PIPL Art. 28)
    ("bank_account", _K.BANK_CARD, _C2, "se", "银行账号"),
    ("health", _K.HEALTH, _C2, "s", "健康信息"),
    ("claim_details", _K.CLAIM, _C2, "s", "理赔详情"),
    # customer record and provenance
    ("id", _K.PLAIN, _C1, "", "客户号"),
    ("level", _K.PLAIN, _C1, "", "客户等级"),
    ("key_customer", _K.PLAIN, _C1, "", "重点客户"),
    ("first_channel", _K.PLAIN, _C1, "", "首次来源渠道"),
    ("histories", _K.COMPOSITE, _C2, "", "字段历史"),
    ("channel", _K.PLAIN, _C1, "", "渠道"),
    ("source_ref", _K.PLAIN, _C1, "", "来源编号"),
    ("observed_at", _K.PLAIN, _C1, "", "观测时间"),
    ("recorded_at", _K.PLAIN, _C1, "", "记录时间"),
    ("at", _K.PLAIN, _C1, "", "时间"),
    ("operator", _K.NAME, _C1, "", "经办人"),
    ("provenance", _K.COMPOSITE, _C1, "", "来源"),
    ("extra", _K.COMPOSITE, _C2, "", "附加字段"),
)

#: C3 kinds custmaster refuses, with the words that name them in column headers.
C3_KINDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "password": ("password", "passwd", "pwd", "passcode", "密码", "口令"),
        "pin": ("pin", "pincode", "pin_code"),
        "cvn": ("cvn", "cvn2", "cvv", "cvv2", "cvc", "cvc2", "安全码"),
        "card_expiry": (
            "card_expiry",
            "card_expiration",
            "expiry_date",
            "expiration_date",
            "exp_date",
            "卡有效期",
        ),
        "sms_code": (
            "sms_code",
            "otp",
            "verification_code",
            "验证码",
            "动态码",
            "动态密码",
        ),
        "card_track": ("track_data", "track1", "track2", "磁道", "磁条信息"),
    }
)

_TOKEN = re.compile(r"[0-9a-z]+|[\u4e00-\u9fff]+")


def _c3_kind(field: str) -> str | None:
    name = field.strip().lower()
    name = name.removeprefix("extra.")
    tokens = _TOKEN.findall(name)
    joined = "".join(tokens)
    for kind, words in C3_KINDS.items():
        for word in words:
            if word.isascii():
                parts = word.split("_")
                if word in tokens or word.replace("_", "") == joined:
                    return kind
                if len(parts) > 1 and _contains_run(tokens, parts):
                    return kind
            elif word in name:
                return kind
    return None


def _contains_run(tokens: list[str], parts: list[str]) -> bool:
    n = len(parts)
    return any(tokens[i : i + n] == parts for i in range(len(tokens) - n + 1))


def is_c3(field: str) -> bool:
    """Whether a field or column name denotes C3 authentication data.

    English names match by word (``card_pin``, ``CVV2``, ``Card Expiry``) and Chinese ones by
    substring (``银行卡密码``, ``短信验证码``). An identity document's validity period
    (``id_expiry``, ``证件有效期``) is not C3.
    """
    return _c3_kind(field) is not None


def refuse_c3(field: str) -> None:
    """Raise `InvalidComponent` (code ``privacy.c3_refused``) if ``field`` names C3 data.

    Call it on every column header and field name before reading values: custmaster never
    accepts, logs or stores passwords, PINs, CVNs, card expiry dates or SMS codes.
    """
    kind = _c3_kind(field)
    if kind is not None:
        raise InvalidComponent(
            f"Authentication data ({kind}, class C3) is never accepted.",
            code="privacy.c3_refused",
            field=field,
            message_zh="不接收鉴别信息（C3 类：密码、CVN、卡有效期、短信验证码等）。",
        )


def policy_for(field: str) -> FieldPolicy:
    """The policy of a field: from `FIELD_POLICIES`, else conservative (C2, unknown text).

    C3 names get ``Sensitivity.C3`` and the hidden kind, so nothing can show them.
    """
    known = FIELD_POLICIES.get(field)
    if known is not None:
        return known
    if is_c3(field):
        return FieldPolicy(field, FieldKind.HIDDEN, Sensitivity.C3)
    return FieldPolicy(field, FieldKind.TEXT, Sensitivity.C2)


def fields_of_class(sensitivity: Sensitivity) -> frozenset[str]:
    """Names of the registered fields of one class.

    >>> sorted(fields_of_class(Sensitivity.C2))[:3]
    ['address', 'bank_account', 'birth_date']
    """
    return frozenset(f for f, p in FIELD_POLICIES.items() if p.sensitivity is sensitivity)


def is_minor(birth_date: dt.date, on: dt.date | None = None) -> bool:
    """Whether a person born on ``birth_date`` is under `MINOR_AGE` (14) on ``on`` (today).

    All personal information of such a person is sensitive (PIPL Art. 28) and needs a
    guardian's consent (Art. 31).

    >>> is_minor(dt.date(2012, 3, 1), on=dt.date(2026, 2, 28))
    True
    >>> is_minor(dt.date(2012, 3, 1), on=dt.date(2026, 3, 1))
    False
    """
    today = on if on is not None else dt.date.today()
    years = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    return years < MINOR_AGE
