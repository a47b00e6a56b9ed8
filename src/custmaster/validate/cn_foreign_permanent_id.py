"""Foreigner's permanent residence ID (外国人永久居留身份证号码, 2023 form).

The Foreign Permanent Resident ID Card issued since 1 December 2023 carries an 18-character
number built like a resident ID number (`custmaster.validate.cn_resident_id`), so that
systems made for resident IDs can hold it:

* character 1: ``9``, which no resident ID starts with;
* digits 2-3: the province where the application was accepted (受理地), a mainland
  province-level code of GB/T 2260 (``11`` 北京, ``31`` 上海, ``44`` 广东 …);
* digits 4-6: the holder's nationality, the ISO 3166-1 numeric code (``840`` United States,
  ``392`` Japan, ``410`` Korea). Never China (``156``), Hong Kong (``344``), Macao (``446``)
  or Taiwan (``158``): their residents are Chinese citizens and hold residence permits, whose
  numbers are resident-ID numbers (``810000`` …);
* digits 7-14: the birth date, ``YYYYMMDD``;
* digits 15-17: the order code, odd for men and even for women;
* character 18: the check character, ISO 7064 MOD 11-2 as for resident IDs.

It is a document of its own, not a resident ID: `cn_resident_id` refuses it (its first two
digits are no province code) and the customer model keeps it as an identity document of type
``foreign_permanent_resident``. This module checks such a number where a spreadsheet's ID
column holds one. The older card (2004-2023) had a 15-character number starting with the
three letters of the nationality (``USA…``); it is refused with
``cn_foreign_permanent_id.format``: its structure is not checked here.

`compact` cleans the value as `cn_resident_id.compact` does (full-width digits, lower-case
``x``, spaces, dashes, a spreadsheet's apostrophe) and removes a label (``永居证号码：``,
``外国人永久居留身份证``). `mask` follows the resident-ID rule of PRIVACY.md: the first 3 and
last 4 characters. python-stdnum has no module for this number.

More information:

* 国家移民管理局, 2023-11-08: 新版外国人永久居留身份证 (announcement of the 2023 card)
* https://zh.wikipedia.org/wiki/外国人永久居留身份证

>>> validate('911840 19850615 0011')
'911840198506150011'
>>> p = parse('永居证号码：931392197903200025')
>>> p.province_name, p.nationality, p.birth_date, p.gender
('上海市', 'JPN', datetime.date(1979, 3, 20), 'F')
>>> p
ForeignPermanentId(number='931***********0025', nationality='JPN', birth_date='1979-**-**',
                   gender='F')
>>> mask('911840198506150011')
'911***********0011'
>>> validate('911156198506150014')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [cn_foreign_permanent_id.nationality] value=911***...: ...
>>> validate('110105194912310021')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [cn_foreign_permanent_id.prefix] value=110***********0021: ...
>>> is_valid('911840198506150012'), is_valid(None)
(False, False)
"""

from __future__ import annotations

import datetime
import re
from typing import Literal

import attrs

from custmaster.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from custmaster.validate import cn_resident_id
from custmaster.validate._country_numbers import NUMERIC
from custmaster.validate._mask import keep_ends, mask_unknown
from custmaster.validate._text import MAX_INPUT, label_pattern, without_label

__all__ = [
    "ERROR_CODES",
    "ForeignPermanentId",
    "compact",
    "format",
    "is_valid",
    "mask",
    "parse",
    "validate",
]

# code -> (exception class, English message, Chinese message)
_MESSAGES: dict[str, tuple[type[ValidationError], str, str]] = {
    "cn_foreign_permanent_id.type": (
        InvalidFormat,
        "The permanent residence ID is not a string.",
        "永久居留身份证号码不是字符串。",
    ),
    "cn_foreign_permanent_id.masked": (
        InvalidFormat,
        "The permanent residence ID is masked ('*'); the full number is needed.",
        "永久居留身份证号码已脱敏（含 *），需要完整号码。",
    ),
    "cn_foreign_permanent_id.length": (
        InvalidLength,
        "A permanent residence ID (2023 form) has 18 characters.",
        "永久居留身份证号码（2023 版）为 18 位。",
    ),
    "cn_foreign_permanent_id.format": (
        InvalidFormat,
        "The permanent residence ID has characters other than digits and a final X.",
        "永久居留身份证号码含有数字和末位 X 以外的字符。",
    ),
    "cn_foreign_permanent_id.prefix": (
        InvalidFormat,
        "A permanent residence ID (2023 form) starts with 9.",
        "永久居留身份证号码（2023 版）以 9 开头。",
    ),
    "cn_foreign_permanent_id.checksum": (
        InvalidChecksum,
        "The permanent residence ID's check character does not match.",
        "永久居留身份证号码校验码错误。",
    ),
    "cn_foreign_permanent_id.province": (
        InvalidComponent,
        "Digits 2-3 are not a mainland province code (the place of acceptance).",
        "第 2-3 位不是内地省级行政区划代码（受理地）。",
    ),
    "cn_foreign_permanent_id.nationality": (
        InvalidComponent,
        "Digits 4-6 are not the ISO 3166 numeric code of a foreign country.",
        "第 4-6 位不是外国的国籍代码（ISO 3166 数字代码）。",
    ),
    "cn_foreign_permanent_id.birth_date": (
        InvalidComponent,
        "The birth date is not a real date, lies in the future or before 1900.",
        "出生日期不存在、晚于今天或早于 1900 年。",
    ),
}

#: Every code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {code: entry[1] for code, entry in _MESSAGES.items()}

_PREFIX = "9"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
#: Mainland province-level codes (GB/T 2260): the places where an application is accepted.
_PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}  # fmt: skip
#: ISO 3166-1 numeric code -> alpha-3, without China, Hong Kong, Macao and Taiwan.
_NATIONALITIES: dict[str, str] = {
    number: alpha3
    for number, alpha3 in NUMERIC.items()
    if alpha3 not in {"CHN", "HKG", "MAC", "TWN"}
}
_MIN_BIRTH_YEAR = 1900
_LABEL = label_pattern(
    "外国人永久居留身份证号码|外国人永久居留身份证|外国人永久居留证号码|外国人永久居留证"
    "|永久居留身份证号码|永久居留身份证|永居证号码|永居证号|永居证|证件号码|证件号",
    "ID\\s*number|ID\\s*No\\.?|ID",
)

Gender = Literal["M", "F"]


def _error(code: str, value: object) -> ValidationError:
    cls, message_en, message_zh = _MESSAGES[code]
    return cls(message_en, code=code, masked_value=mask(value), message_zh=message_zh)


def compact(value: str) -> str:
    """Return the value without a label and separators, in ASCII upper case; no validation.

    >>> compact('永居证：９１１８４０１９８５０６１５００１１')
    '911840198506150011'
    """
    if not isinstance(value, str):
        raise _error("cn_foreign_permanent_id.type", value)
    if len(value) > MAX_INPUT:
        raise _error("cn_foreign_permanent_id.length", value[:20])
    return cn_resident_id.compact(without_label(value, _LABEL))


def _birth_date(number: str) -> datetime.date:
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _error("cn_foreign_permanent_id.birth_date", number) from None
    if born.year < _MIN_BIRTH_YEAR or born > datetime.date.today():
        raise _error("cn_foreign_permanent_id.birth_date", number)
    return born


def _number(value: object) -> tuple[str, datetime.date]:
    number = compact(value)  # type: ignore[arg-type]
    if "*" in number:
        raise _error("cn_foreign_permanent_id.masked", number)
    if len(number) != len("911840198506150011"):
        raise _error("cn_foreign_permanent_id.length", number)
    if not _SHAPE.fullmatch(number):
        raise _error("cn_foreign_permanent_id.format", number)
    if number[0] != _PREFIX:
        raise _error("cn_foreign_permanent_id.prefix", number)
    if cn_resident_id.calc_check_digit(number) != number[17]:
        raise _error("cn_foreign_permanent_id.checksum", number)
    if number[1:3] not in _PROVINCES:
        raise _error("cn_foreign_permanent_id.province", number)
    if number[3:6] not in _NATIONALITIES:
        raise _error("cn_foreign_permanent_id.nationality", number)
    return number, _birth_date(number)


def validate(value: str) -> str:
    """Check the value and return the 18-character number, or raise a `ValidationError`.

    >>> validate('93582619720707005x')
    '93582619720707005X'
    """
    return _number(value)[0]


def is_valid(value: object) -> bool:
    """Return whether the value is a valid permanent residence ID; never raises.

    >>> is_valid('944410199001010032'), is_valid('999840198506150013')
    (True, False)
    """
    try:
        _number(value)
    except ValidationError:
        return False
    return True


def format(value: str) -> str:
    """Return the number as printed on the card (18 characters, no separator)."""
    return _number(value)[0]


def mask(value: object) -> str:
    """Return the display form: the first 3 and last 4 characters. Never raises.

    >>> mask('911840 19850615 0011'), mask(None)
    ('911***********0011', '<NoneType>')
    """
    if not isinstance(value, str):
        return mask_unknown(value)
    try:
        number = compact(value)
    except ValidationError:
        return mask_unknown(value)
    if _SHAPE.fullmatch(number):
        return keep_ends(number, 3, 4)
    return mask_unknown(number)


def _masked_repr(value: str) -> str:
    return repr(keep_ends(value, 3, 4))


def _birth_date_repr(value: datetime.date) -> str:
    return repr(f"{value.year:04d}-**-**")


@attrs.frozen
class ForeignPermanentId:
    """A validated permanent residence ID and what it says; `repr` shows no more than `mask`."""

    number: str = attrs.field(repr=_masked_repr)
    #: The province where the application was accepted, code (``'31'``) and name.
    province: str = attrs.field(repr=False)
    province_name: str = attrs.field(repr=False)
    #: The holder's nationality, ISO 3166-1 alpha-3 (``'JPN'``).
    nationality: str
    birth_date: datetime.date = attrs.field(repr=_birth_date_repr)
    gender: Gender

    def format(self) -> str:
        """Return the 18-character number."""
        return self.number

    def mask(self) -> str:
        """Return the display form (first 3 and last 4 characters)."""
        return keep_ends(self.number, 3, 4)


def parse(value: str) -> ForeignPermanentId:
    """Validate the value and return its parts as a `ForeignPermanentId`."""
    number, born = _number(value)
    return ForeignPermanentId(
        number=number,
        province=number[1:3],
        province_name=_PROVINCES[number[1:3]],
        nationality=_NATIONALITIES[number[3:6]],
        birth_date=born,
        gender="M" if int(number[16]) % 2 else "F",
    )
