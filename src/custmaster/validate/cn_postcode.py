"""Postcode (邮政编码, Chinese postal code).

Six digits: the first two name the postal province (a province, autonomous region or
municipality), the third the postal zone (邮区), the fourth the county or city post office and
the last two the delivery office (投递局), as in ``361001`` (厦门思明区).

The postal provinces were allocated in blocks that do not follow the administrative codes of
GB/T 2260: 10 北京, 20 上海, 30 天津, 40 重庆, 01-02 内蒙古, 03-04 山西, 05-07 河北,
11-12 辽宁, 13 吉林, 15-16 黑龙江, 21-22 江苏, 23-24 安徽, 25-27 山东, 31-32 浙江, 33-34 江西,
35-36 福建, 41-42 湖南, 43-44 湖北, 45-47 河南, 51-52 广东, 53-54 广西, 55-56 贵州, 57 海南,
61-64 四川, 65-67 云南, 71-72 陕西, 73-74 甘肃, 75 宁夏, 81 青海, 83-84 新疆, 85-86 西藏.
A postcode whose first two digits are outside these blocks (``00``, ``08``, ``14``, ``99`` …)
is refused.

The postal province is where the post office that delivers belongs, which is not always the
county's administrative province: 阿拉善左旗 (内蒙古) has ``750306`` in 宁夏's block, 嵊泗县
(浙江) ``202450`` in 上海's, 久治县 (青海) ``624700`` in 四川's. `parse` therefore reports it
as ``postal_province``.

Hong Kong and Macao have no postcodes; mainland forms use ``999077`` (香港) and ``999078``
(澳门), which are accepted. Taiwan's 3-5 digit codes are not mainland postcodes and are refused.

A postcode names an area shared by thousands of households; it is not personal information on
its own, so `mask` returns it unchanged (an address is masked as a whole by the address rules).

`compact` folds full-width digits and removes spaces, hyphens, a spreadsheet's leading
apostrophe, a label (``邮编：``, ``邮政编码``, ``ZIP:``, ``P.C.``, ``Postcode``), a place
note after the digits, bracketed or not (``361001（思明）``, ``350001 福州``) and the comma or
semicolon of a list after them (``361001,``), and reads back a float rendering
(``100000.0``; ``10010.0`` has lost the leading ``0`` of ``010010`` and is refused on its
length); other Unicode digits (``'٣'``, ``'③'``) are refused.

More information:

* https://zh.wikipedia.org/wiki/中华人民共和国邮政编码

>>> validate('361 001')
'361001'
>>> validate('３６１００１')
'361001'
>>> parse('361001').postal_province
'福建省'
>>> parse('999077').postal_province
'香港特别行政区'
>>> validate('000000')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [cn_postcode.province] value=0****0: ...
>>> validate('36100')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidLength: [cn_postcode.length] value=3***0: ...
"""

from __future__ import annotations

import re

import attrs

from custmaster.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from custmaster.validate._mask import mask_unknown
from custmaster.validate._text import MAX_INPUT, error, fold_width, label_pattern, without_label

__all__ = [
    "ERROR_CODES",
    "POSTAL_PROVINCES",
    "Postcode",
    "compact",
    "format",
    "is_valid",
    "mask",
    "parse",
    "validate",
]

ERROR_CODES: dict[str, str] = {
    "cn_postcode.type": "The postcode is not a string.",
    "cn_postcode.format": "A postcode has only the digits 0-9.",
    "cn_postcode.length": "A postcode has exactly 6 digits.",
    "cn_postcode.province": "The first two digits are not a postal province.",
}

_ZH: dict[str, str] = {
    "cn_postcode.type": "邮政编码不是字符串。",
    "cn_postcode.format": "邮政编码只能包含数字 0-9。",
    "cn_postcode.length": "邮政编码必须是 6 位数字。",
    "cn_postcode.province": "邮政编码前两位不是邮政省份代码。",
}


def _blocks(spec: dict[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for prefixes, province in spec.items():
        for prefix in prefixes.split():
            table[prefix] = province
    return table


#: First two digits -> postal province.
POSTAL_PROVINCES: dict[str, str] = _blocks(
    {
        "10": "北京市",
        "20": "上海市",
        "30": "天津市",
        "40": "重庆市",
        "01 02": "内蒙古自治区",
        "03 04": "山西省",
        "05 06 07": "河北省",
        "11 12": "辽宁省",
        "13": "吉林省",
        "15 16": "黑龙江省",
        "21 22": "江苏省",
        "23 24": "安徽省",
        "25 26 27": "山东省",
        "31 32": "浙江省",
        "33 34": "江西省",
        "35 36": "福建省",
        "41 42": "湖南省",
        "43 44": "湖北省",
        "45 46 47": "河南省",
        "51 52": "广东省",
        "53 54": "广西壮族自治区",
        "55 56": "贵州省",
        "57": "海南省",
        "61 62 63 64": "四川省",
        "65 66 67": "云南省",
        "71 72": "陕西省",
        "73 74": "甘肃省",
        "75": "宁夏回族自治区",
        "81": "青海省",
        "83 84": "新疆维吾尔自治区",
        "85 86": "西藏自治区",
    }
)

_SPECIAL: dict[str, str] = {"999077": "香港特别行政区", "999078": "澳门特别行政区"}
_SEPARATORS = re.compile(r"[\s\-]+")
_QUOTES = " '\u2018\u2019"
_DIGITS = re.compile(r"[0-9]+")
# A spreadsheet's rendering of the postcode read as a number: 100000.0 (exact; a postcode
# starting with 0 has lost it, 10010.0, and is refused on its length).
_FLOAT = re.compile(r"([0-9]+)\.0+")
#: A label before the postcode in a cell: 邮编：, 邮政编码 ….
_LABEL = label_pattern(
    "邮政编码|邮编|邮码", r"post(?:al)?\s*code|postcode|zip(?:\s*code)?|P\.\s*C\.|PC"
)
#: A place after the digits without brackets (``350001 福州``) and the punctuation of a list.
_TRAILING_PLACE = re.compile(r"(?<=[0-9])\s*[\u3400-\u9fff]+\s*$")
_TRAILING_PUNCTUATION = ",;、。"
#: A place written in brackets after the postcode: 361001（思明）, 361001(厦门).
_PLACE_NOTE = re.compile(r"\s*[(\[【][\u3400-\u9fff\s]+[)\]】]\s*$")


def _error(cls: type[ValidationError], value: object, code: str) -> ValidationError:
    return error(cls, value, code=code, codes=ERROR_CODES, zh=_ZH[code])


@attrs.frozen
class Postcode:
    """The parts of a postcode (not personal on its own, so ``repr`` shows it in full)."""

    #: The six digits.
    postcode: str
    #: The postal province of the first two digits (see the module notes).
    postal_province: str
    #: The first three digits: the postal zone (邮区).
    zone: str
    #: The last two digits: the delivery office (投递局).
    delivery_office: str

    def mask(self) -> str:
        """The display form: the postcode itself (not personal on its own)."""
        return self.postcode


def compact(value: str) -> str:
    """Fold full-width digits and remove spaces and hyphens; no validation.

    A leading apostrophe (a spreadsheet's text mark) is removed.

    A spreadsheet's float rendering of a six-digit postcode (``100000.0``) is read back.

    >>> compact(' ３６１-００１ '), compact("'010010"), compact('100000.0')
    ('361001', '010010', '100000')
    """
    if not isinstance(value, str):
        raise _error(InvalidFormat, value, code="cn_postcode.type")
    if len(value) > MAX_INPUT:
        raise _error(InvalidLength, value, code="cn_postcode.length")
    text = fold_width(value).strip().rstrip(_TRAILING_PUNCTUATION)
    if not text.isascii():
        text = _PLACE_NOTE.sub("", without_label(text, _LABEL))
        text = _TRAILING_PLACE.sub("", text)
    elif text[:1].isalpha():
        text = without_label(text, _LABEL)
    code = _SEPARATORS.sub("", text.lstrip(_QUOTES))
    match = _FLOAT.fullmatch(code)
    return code if match is None else match.group(1)


def validate(value: str) -> str:
    """Return the six-digit postcode or raise a `custmaster.ValidationError`.

    >>> validate('081000')
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidComponent: [cn_postcode.province] value=0****0: ...
    """
    code = compact(value)
    if not _DIGITS.fullmatch(code):
        raise _error(InvalidFormat, code, code="cn_postcode.format")
    if len(code) != 6:
        raise _error(InvalidLength, code, code="cn_postcode.length")
    if code not in _SPECIAL and code[:2] not in POSTAL_PROVINCES:
        raise _error(InvalidComponent, code, code="cn_postcode.province")
    return code


def is_valid(value: object) -> bool:
    """Whether ``value`` is a valid postcode; never raises.

    >>> is_valid('100000'), is_valid('999079'), is_valid(100000)
    (True, False, False)
    """
    try:
        return bool(validate(value))  # type: ignore[arg-type]
    except ValidationError:
        return False


def format(value: str) -> str:
    """Return the postcode as written: six digits, no separator.

    >>> format('200 001')
    '200001'
    """
    return validate(value)


def mask(value: str) -> str:
    """Return the postcode unchanged: it is not personal information on its own.

    An invalid value is masked as an unknown value. Never raises.

    >>> mask('361001'), mask('13800138000')
    ('361001', '1*********0')
    """
    try:
        return validate(value)
    except ValidationError:
        return mask_unknown(value)


def parse(value: str) -> Postcode:
    """Validate the postcode and return its parts.

    >>> parse('266001')
    Postcode(postcode='266001', postal_province='山东省', zone='266', delivery_office='01')
    """
    code = validate(value)
    province = _SPECIAL.get(code) or POSTAL_PROVINCES[code[:2]]
    return Postcode(code, province, code[:3], code[4:])
