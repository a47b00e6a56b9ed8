"""Masking: one display form per field kind, for every repr, log line, error, CLI line and export.

`mask` takes a field name and a value and returns the display form PRIVACY.md (section 4)
gives for the field's kind (`custmaster.privacy.sensitivity.FIELD_POLICIES`). Identity,
phone, e-mail and vehicle fields use the ``mask()`` of their validator in
`custmaster.validate`; addresses, birth dates, bank cards and health data use the functions
of this module. Codes, dates and other values that identify nobody on their own pass
through. A field the registry does not know is masked as unknown text. `mask` never raises:
a value a validator refuses is masked as unknown text too, so printing can never leak or fail.

Rules:

* the hidden part of an address is a fixed ``******`` whatever its length, so the length of
  the street part is hidden too;
* a bank card or account shows at most its first 6 and last 4 digits (PCI DSS Req. 3.4.1);
* health and claim details show only their category, ``[医疗信息]`` and ``[理赔信息]``;
* C3 fields (passwords, CVN …) and free-text notes are never shown: ``******``.

`scan_for_personal_data` finds full ID numbers, mobile numbers and known names in any text;
the tests run it over every repr, log record, error and export they produce.

More information:

* ../shared/PRIVACY.md, section 4 (display rules)
* GB/T 35273-2020 7.2 (display restrictions); PCI DSS 4.0.1 Req. 3.4.1

>>> mask("resident_id", "110105199001011234"), mask("mobile", "13800138000")
('110***********1234', '138****8000')
>>> mask("office_phone", "0592-1234556"), mask("name", "欧阳娜娜")
('0592-*****56', '欧阳**')
>>> mask("address", "福建省厦门市思明区湖滨南路100号")
'福建省厦门市思明区******'
>>> mask("bank_account", "6222 0212 3456 7891 234"), mask("birth_date", "1990-05-01")
('622202*********1234', '1990-**-**')
>>> mask("plate", "闽D12388"), mask("vin", "LSVAU2180N2181234"), mask("health", "高血压")
('闽D·***88', 'LSV**********1234', '[医疗信息]')
>>> mask("cover_end", "2027-01-05"), mask("extra.车队", "三队第一小组")
('2027-01-05', '三****组')
>>> [f.kind for f in scan_for_personal_data("call 13800138000 re 张伟", ["张伟"])]
['mobile', 'known']
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

import attrs

from custmaster.privacy.sensitivity import FieldKind, policy_for
from custmaster.validate import (
    cn_name,
    cn_plate,
    cn_resident_id,
    cn_uscc,
    email,
    engine_no,
    phone,
    vin,
)
from custmaster.validate._mask import keep_ends, mask_unknown

__all__ = [
    "HIDDEN",
    "MASKS",
    "Finding",
    "mask",
    "mask_address",
    "mask_bank_card",
    "mask_birth_date",
    "mask_contact",
    "mask_document_number",
    "mask_health",
    "masker",
    "scan_for_personal_data",
]

#: What replaces a hidden part: fixed, so it says nothing about the length.
HIDDEN = "******"

# -- addresses ------------------------------------------------------------------------------

_PERIOD = re.compile(r"\[(\d*)-(\d*)\](.+)")
_GENERIC_PREFECTURES = ("市辖区", "县", "市辖县")
# Placeholders of the code table that systems building addresses from it copy verbatim.
_FILLERS = (
    "市辖区", "省直辖县级行政区划", "省直辖县级行政单位", "自治区直辖县级行政区划",
    "自治区直辖县级行政单位",
)  # fmt: skip
_PROVINCE_SUFFIXES = ("特别行政区", "特別行政區", "自治区", "省", "市")
_ETHNIC = ("壮族", "回族", "维吾尔")
# Not in the mainland code table: the districts of Hong Kong and the parishes of Macao.
_SAR_DISTRICTS = (
    "中西区", "湾仔区", "东区", "南区", "油尖旺区", "深水埗区", "九龙城区", "黄大仙区",
    "观塘区", "荃湾区", "屯门区", "元朗区", "北区", "大埔区", "西贡区", "沙田区", "葵青区",
    "离岛区", "花地玛堂区", "花王堂区", "望德堂区", "大堂区", "风顺堂区", "嘉模堂区",
    "圣方济各堂区",
)  # fmt: skip


@attrs.frozen
class _Level:
    names: frozenset[str]
    full: bool
    lengths: tuple[int, ...]
    #: The lengths of the names starting with each pair of characters, longest first: most
    #: positions of an address start no name, and are passed with one look-up.
    heads: Mapping[str, tuple[int, ...]]


def _level(names: Iterable[str], full: bool) -> _Level:
    names = frozenset(n for n in names if len(n) >= 2)
    heads: dict[str, set[int]] = {}
    for name in names:
        heads.setdefault(name[:2], set()).add(len(name))
    return _Level(
        names,
        full,
        tuple(sorted({len(n) for n in names}, reverse=True)),
        {head: tuple(sorted(lengths, reverse=True)) for head, lengths in heads.items()},
    )


def _names(text: str) -> list[str]:
    names = []
    for part in text.split(","):
        match = _PERIOD.fullmatch(part)
        names.append(match.group(3) if match else part)
    return names


def _short_province(name: str) -> str:
    for suffix in _PROVINCE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    for ethnic in _ETHNIC:
        name = name.removesuffix(ethnic)
    return name


@functools.cache
def _divisions() -> tuple[tuple[_Level, ...], ...]:
    """The levels of administrative division names, from python-stdnum's region table.

    Every name used since 1980 is included: province, prefecture (each a full and a short
    form), the table's fillers (``市辖区``, ``省直辖县级行政区划`` …), county.
    """
    from stdnum import numdb

    provinces = {"香港特别行政区", "澳门特别行政区"}
    prefectures: set[str] = set()
    counties: set[str] = set(_SAR_DISTRICTS)
    for _, _, _, props, children in numdb.get("cn/loc").prefixes:
        provinces.add(str(props["province"]))
        for _, low, _, child, _ in children:
            text = child.get("county")
            if text is None or low == "0000":
                continue
            for name in _names(str(text)):
                if "直辖" in name or name in _GENERIC_PREFECTURES:
                    continue
                (prefectures if low.endswith("00") else counties).add(name)
    province_short = {_short_province(p) for p in provinces}
    prefecture_short = {p[:-1] for p in prefectures if p.endswith("市") and len(p) >= 3}
    return (
        (_level(provinces, True), _level(province_short, False)),
        (_level(prefectures, True), _level(prefecture_short - counties - prefectures, False)),
        (_level(_FILLERS, False),),
        (_level(counties, True),),
    )


def _division_end(text: str) -> int:
    """Length of the longest prefix of ``text`` made of known administrative divisions.

    The levels come in order (province, prefecture, a filler such as ``市辖区``, county), each may
    be missing. A short name (``福建``, ``厦门``) counts only when a full name follows it.
    """
    levels = _divisions()
    depth = len(levels)
    size = len(text)
    best = 0

    def walk(level: int, pos: int, confirmed: int) -> None:
        nonlocal best
        best = max(best, confirmed)
        while level < depth:
            start = pos
            while start < size and text[start].isspace():
                start += 1
            head = text[start : start + 2]
            for names in levels[level]:
                lengths = names.heads.get(head)
                if lengths is None:
                    continue
                found = False
                for n in lengths:  # the names of this level starting here, longest first
                    end = start + n
                    if text[start:end] in names.names:
                        found = True
                        walk(level + 1, end, end if names.full else confirmed)
                if found and names.full:
                    return  # a full name here: neither its short form nor skipping does better
            level += 1  # this level is missing

    walk(0, 0, 0)
    return best


def mask_address(value: object) -> str:
    """Keep the province, city and district (or county) of an address; hide the rest.

    Division names come from the national region table (python-stdnum's ``cn/loc``, every
    name since 1980): provinces, autonomous regions (自治区), municipalities (直辖市) and the
    special administrative regions; prefecture-level cities, autonomous prefectures (自治州),
    leagues (盟) and prefectures (地区); districts, counties, county-level cities, banners (旗)
    and autonomous counties; the code table's fillers (``市辖区``, ``省直辖县级行政区划``) are kept
    where they appear. Any level may be
    missing. Short names (``福建厦门``) count only when a full name follows them. Whatever
    follows the last recognised division is replaced by ``******``; an address with no
    recognised division is hidden entirely.

    >>> mask_address("福建省厦门市思明区湖滨南路100号")
    '福建省厦门市思明区******'
    >>> mask_address("北京市朝阳区建国路88号")
    '北京市朝阳区******'
    >>> mask_address("内蒙古自治区兴安盟科尔沁右翼前旗乌兰浩特路1号")
    '内蒙古自治区兴安盟科尔沁右翼前旗******'
    >>> mask_address("厦门思明区湖滨南路100号"), mask_address("北京路100号")
    ('厦门思明区******', '******')
    >>> mask_address("广东省东莞市南城街道鸿福路1号")
    '广东省东莞市******'
    """
    if not isinstance(value, str):
        return mask_unknown(value)
    if not value:
        return ""
    end = _division_end(value)
    if end >= len(value.rstrip()):
        return value
    return value[:end] + HIDDEN


# -- other kinds ----------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(\d{4})[-/.年]?\d{1,2}[-/.月]?\d{1,2}日?")


def mask_birth_date(value: object) -> str:
    """A birth date as its year only: ``1990-**-**``.

    Accepts a date, a datetime or text starting with a year (``1990-05-01``, ``19900501``,
    ``1990年5月1日``); anything else is masked as unknown text.

    >>> mask_birth_date(dt.date(1990, 5, 1)), mask_birth_date("1990年5月1日")
    ('1990-**-**', '1990-**-**')
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-**-**"
    if isinstance(value, str):
        match = _ISO_DATE.fullmatch(value.strip())
        if match is not None:
            return f"{match.group(1)}-**-**"
    return mask_unknown(value)


_CARD_SEPARATORS = re.compile(r"[\s\-]")


def mask_bank_card(value: object) -> str:
    """A bank card or account number: first 6 and last 4 digits, one ``*`` per other digit.

    Spaces and hyphens are removed first. A number of fewer than 14 digits (some corporate
    accounts) shows only its last 4 digits, so that at least half of it stays hidden; one of
    fewer than 8 digits, or anything that is not digits, is masked as unknown text.

    >>> mask_bank_card("6222 0212 3456 7891 234")
    '622202*********1234'
    >>> mask_bank_card("351001234567"), mask_bank_card("12-34")
    ('********4567', '1***4')
    """
    if not isinstance(value, str):
        return mask_unknown(value)
    digits = _CARD_SEPARATORS.sub("", value)
    if not (digits.isascii() and digits.isdigit()) or len(digits) < 8:
        return mask_unknown(value)
    if len(digits) >= 14:
        return keep_ends(digits, 6, 4)
    return keep_ends(digits, 0, 4)


def mask_health(value: object = None, *, category: str = "医疗信息") -> str:
    """Health or claim details: only the category, ``[医疗信息]``; the value is never shown.

    >>> mask_health("2023年确诊2型糖尿病"), mask_health("追尾", category="理赔信息")
    ('[医疗信息]', '[理赔信息]')
    """
    return f"[{category}]"


def mask_document_number(value: object) -> str:
    """An identity document other than the resident ID: first 1 and last 2 characters.

    Accepts the number or an object with a ``number`` attribute (an `IdentityDocument`).

    >>> mask_document_number("E12345678")
    'E******78'
    """
    number = getattr(value, "number", value)
    if not isinstance(number, str):
        return mask_unknown(number)
    return keep_ends(number.strip(), 1, 2)


def _safe(function: Callable[[str], str]) -> Callable[[object], str]:
    def apply(value: object) -> str:
        if not isinstance(value, str):
            return mask_unknown(value)
        try:
            return function(value)
        except Exception:  # a mask must never raise
            return mask_unknown(value)

    return apply


_mask_phone = _safe(phone.mask)
_mask_email = _safe(email.mask)


def mask_contact(value: object) -> str:
    """A contact value of any kind, masked by its shape: e-mail, phone number or address.

    >>> mask_contact("+8613800138000"), mask_contact("zhang@example.com")
    ('138****8000', 'z***@example.com')
    """
    if not isinstance(value, str):
        return mask_unknown(value)
    text = value.strip()
    if "@" in text:
        return _mask_email(text)
    if text[:1] == "+" or text[:1].isdigit():
        return _mask_phone(text)
    return mask_address(text)


def _mask_name(value: object) -> str:
    if not isinstance(value, str):
        return mask_unknown(value)
    return cn_name.mask(value)


def _plain(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    code = getattr(value, "code", None)
    if isinstance(code, str):
        return code
    return str(value)


def _composite(value: object) -> str:
    try:
        count = len(value)  # type: ignore[arg-type]
    except TypeError:
        return HIDDEN
    return f"<{count} items>"


def _text(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return mask_birth_date(value)
    if isinstance(value, (bool, enum.Enum)):
        return _plain(value)
    return mask_unknown(value if isinstance(value, str) else str(value))


#: The mask function of each field kind.
MASKS: Mapping[FieldKind, Callable[[object], str]] = MappingProxyType(
    {
        FieldKind.NAME: _mask_name,
        FieldKind.RESIDENT_ID: cn_resident_id.mask,
        FieldKind.USCC: cn_uscc.mask,
        FieldKind.DOCUMENT_NUMBER: mask_document_number,
        FieldKind.BIRTH_DATE: mask_birth_date,
        FieldKind.PHONE: _mask_phone,
        FieldKind.EMAIL: _mask_email,
        FieldKind.ADDRESS: mask_address,
        FieldKind.CONTACT: mask_contact,
        FieldKind.BANK_CARD: mask_bank_card,
        FieldKind.PLATE: _safe(cn_plate.mask),
        FieldKind.VIN: _safe(vin.mask),
        FieldKind.ENGINE_NO: _safe(engine_no.mask),
        FieldKind.HEALTH: mask_health,
        FieldKind.CLAIM: functools.partial(mask_health, category="理赔信息"),
        FieldKind.COMPOSITE: _composite,
        FieldKind.HIDDEN: lambda _: HIDDEN,
        FieldKind.TEXT: _text,
        FieldKind.PLAIN: _plain,
    }
)


def mask(field: str, value: object) -> str:
    """The display form of ``value`` in the named field; ``""`` for ``None``. Never raises.

    The field's kind comes from `custmaster.privacy.sensitivity.policy_for`; unknown fields
    are masked as unknown text, C3 fields and notes are replaced by ``******``.
    """
    return _masked(MASKS[policy_for(field).kind], value)


def masker(field: str) -> Callable[[object], str]:
    """`mask` for one field, with the field's kind looked up once: for masking many values.

    >>> masker("mobile")("13800138000"), masker("name")(None)
    ('138****8000', '')
    """
    return functools.partial(_masked, MASKS[policy_for(field).kind])


def _masked(function: Callable[[object], str], value: object) -> str:
    """``function(value)``; ``""`` for ``None``, unknown text masked where it raises."""
    if value is None:
        return ""
    try:
        return function(value)
    except Exception:  # a mask must never raise
        return mask_unknown(value)


# -- scanning text for personal data --------------------------------------------------------

_ID_18 = re.compile(r"(?<![0-9])([0-9]{6})[ -]?([0-9]{8})[ -]?([0-9]{3}[0-9Xx])(?![0-9])")
_ID_15 = re.compile(r"(?<![0-9])[0-9]{15}(?![0-9])")
_MOBILE = re.compile(
    r"(?<![0-9+])(?:\+?86[ -]?)?(1[3-9][0-9])[ -]?([0-9]{4})[ -]?([0-9]{4})(?![0-9])"
)


@attrs.frozen
class Finding:
    """Personal data found in a text: what kind, where, and its masked form (never the value)."""

    #: ``resident_id``, ``mobile`` or ``known`` (one of the known values given).
    kind: str
    #: Position of the first character in the text.
    start: int
    #: Position after the last character.
    end: int
    #: The value in masked form.
    masked: str


def scan_for_personal_data(text: str, known_values: Iterable[str] = ()) -> tuple[Finding, ...]:
    """Find full resident ID numbers, mobile numbers and known values (names …) in ``text``.

    * 18-digit ID numbers whose check character is right, and 15-digit ones whose birth date
      and region are valid, optionally split 6-8-4 by spaces or hyphens;
    * 11-digit mainland mobile numbers (``1[3-9]…``), optionally with ``+86`` and split 3-4-4;
    * each of ``known_values`` (two characters or more) where it occurs exactly.

    Masked values (``110***********1234``, ``138****8000``, ``张*``) are not findings. The
    findings come in order of position; their repr holds masked values only.

    >>> for finding in scan_for_personal_data("ID 11010519491231002X, tel +86 138-0013-8000"):
    ...     print(finding)
    Finding(kind='resident_id', start=3, end=21, masked='110***********002X')
    Finding(kind='mobile', start=27, end=44, masked='138****8000')
    >>> scan_for_personal_data("客户张*，110***********002X，138****8000", ["张伟"])
    ()
    """
    findings: list[Finding] = []
    for match in _ID_18.finditer(text):
        number = "".join(match.groups()).upper()
        if cn_resident_id.calc_check_digit(number[:17]) == number[17]:
            findings.append(Finding("resident_id", *match.span(), keep_ends(number, 3, 4)))
    for match in _ID_15.finditer(text):
        if cn_resident_id.is_valid(match.group()):
            findings.append(Finding("resident_id", *match.span(), keep_ends(match.group(), 3, 4)))
    for match in _MOBILE.finditer(text):
        number = "".join(match.groups())
        findings.append(Finding("mobile", *match.span(), keep_ends(number, 3, 4)))
    values = sorted({v for v in known_values if isinstance(v, str) and len(v) >= 2}, key=len)
    for value in reversed(values):
        start = text.find(value)
        while start != -1:
            end = start + len(value)
            findings.append(Finding("known", start, end, mask_unknown(value)))
            start = text.find(value, end)
    return tuple(sorted(findings, key=lambda f: (f.start, f.end, f.kind)))
