"""USCC (统一社会信用代码, Unified Social Credit Code, GB 32100-2015).

The code every legal person and other organisation in mainland China carries since 2015, on
its business licence or registration certificate. It has 18 characters from the alphabet
``0``-``9``, ``A``-``H``, ``J``-``N``, ``P``-``R``, ``T``, ``U``, ``W``-``Y`` (no ``I``,
``O``, ``Z``, ``S`` or ``V``) in five parts:

* character 1: the registration authority (登记管理部门), see the table below;
* character 2: the organisation type (机构类别), a digit defined per authority;
* characters 3-8: the region code (GB/T 2260) of the registering office; ``100000`` for
  national-level registration;
* characters 9-17: the organisation code (主体标识码, GB 11714): eight characters and its
  own check character (``0``-``9`` or ``X``, MOD 11 with weights 3, 7, 9, 10, 5, 8, 4, 2);
  an organisation registered before the USCC keeps its old code there
  (`get_organisation_code`, `custmaster.validate.cn_org_code`);
* character 18: the check character, MOD 31 over the first 17 (weights 3**i mod 31).

Registration authorities and organisation types (GB 32100-2015 and the codes assigned since;
``stdnum.cn.uscc`` refuses the letters ``A``, ``N`` and ``Y``, this module accepts them):

* ``1`` 机构编制 (establishment): 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体,
  9 其他;
* ``2`` 外交 (foreign affairs): 1 外国常驻新闻机构, 9 其他;
* ``3`` 司法行政 (justice): 1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构,
  5 仲裁委员会, 9 其他;
* ``4`` 文化 (culture): 1 外国在华文化中心, 9 其他;
* ``5`` 民政 (civil affairs): 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他;
* ``6`` 旅游 (tourism): 1 外国旅游部门常驻代表机构,
  2 港澳台地区旅游部门常驻内地（大陆）代表机构, 9 其他;
* ``7`` 宗教 (religious affairs): 1 宗教活动场所, 2 宗教院校, 9 其他;
* ``8`` 工会 (trade unions): 1 基层工会, 9 其他;
* ``9`` 工商 (market regulation): 1 企业, 2 个体工商户, 3 农民专业合作社;
* ``A`` 中央军委改革和编制办公室 (military): 1 军队事业单位, 9 其他;
* ``N`` 农业 (agriculture): 1 组级集体经济组织, 2 村级集体经济组织, 3 乡镇级集体经济组织,
  9 其他;
* ``Y`` 其他 (other): 1 (not divided further).

Input is compacted like `custmaster.validate.cn_resident_id`: Unicode and full-width forms
are mapped to ASCII, separators removed and letters upper-cased.

Errors: wrong length, characters outside the alphabet (or letters where digits belong), a wrong
check character, an unknown registration authority. Warnings (`parse`, ``Uscc.warnings``): an
organisation type the table does not define for the authority, a region code missing from
the GB/T 2260 table; ``strict=True`` raises them as `InvalidComponent`. Whether the embedded
organisation code passes its own GB 11714 check is reported by `parse` as
``organisation_code_valid``; it is neither an error nor a warning, since the USCC check
character already protects the whole code. `get_organisation_code` gives the embedded code
when it is a valid one: the organisation's code before the USCC (组织机构代码), or the one
assigned with the USCC.

`mask` keeps the first 2 characters (authority and organisation type) and the last 4. A USCC
names an organisation and is published in the national enterprise credit register, so it is
less sensitive than a resident ID, but the code of an individual business (个体工商户) points at
a person, so it is masked by default like the other identifiers.

More information:

* https://zh.wikipedia.org/wiki/统一社会信用代码
* https://openstd.samr.gov.cn/bzgk/gb/newGbInfo?hcno=24691C25985C1073D3A7C85629378AC0
* https://www.oecd.org/tax/automatic-exchange/crs-implementation-and-assistance/tax-identification-numbers/China-TIN.pdf

>>> validate('9111 0000 6000 3734 1l')
'91110000600037341L'
>>> validate('Y1110105MA01AB2C3R')
'Y1110105MA01AB2C3R'
>>> u = parse('914403001922038216')
>>> u.registration_authority, u.organisation_type
(CodedValue(code='9', name='工商'), CodedValue(code='1', name='企业'))
>>> u.region_name, u.organisation_code_valid
('广东省深圳市', True)
>>> u
Uscc(number='91************8216', registration_authority=CodedValue(code='9', name='工商'),
     organisation_type=CodedValue(code='1', name='企业'), organisation_code_valid=True,
     warnings=())
>>> mask('91110000600037341L')
'91************341L'
>>> validate('91110000600037341M')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidChecksum: [cn_uscc.checksum] value=91************341M: ...
>>> validate('B1110000600037341J')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [cn_uscc.authority] value=B1************341J: ...
>>> validate('9111000060003734IL')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [cn_uscc.format] value=91************34IL: ...
>>> get_organisation_code('91110000600037341L')
'600037341'
>>> is_valid('12345'), is_valid(None)
(False, False)
"""

from __future__ import annotations

import re

import attrs

from custmaster.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
    ValidationWarning,
)
from custmaster.validate import cn_org_code
from custmaster.validate._mask import keep_ends, mask_unknown
from custmaster.validate._text import label_pattern, without_label
from custmaster.validate.cn_resident_id import _clean, _region

__all__ = [
    "AUTHORITIES",
    "ERROR_CODES",
    "WARNING_CODES",
    "CodedValue",
    "Uscc",
    "calc_check_digit",
    "calc_organisation_check_digit",
    "compact",
    "format",
    "get_organisation_code",
    "is_valid",
    "mask",
    "parse",
    "validate",
]

_MESSAGES: dict[str, tuple[type[ValidationError], str, str]] = {
    "cn_uscc.format": (
        InvalidFormat,
        "The USCC has characters outside its alphabet, or letters where digits belong.",
        "统一社会信用代码含有不允许的字符。",
    ),
    "cn_uscc.length": (
        InvalidLength,
        "The USCC does not have 18 characters.",
        "统一社会信用代码不是 18 位。",
    ),
    "cn_uscc.checksum": (
        InvalidChecksum,
        "The USCC's check character does not match.",
        "统一社会信用代码校验码错误。",
    ),
    "cn_uscc.authority": (
        InvalidComponent,
        "The USCC's first character is not a registration authority code.",
        "统一社会信用代码第 1 位不是登记管理部门代码。",
    ),
    "cn_uscc.organisation_type": (
        InvalidComponent,
        "The USCC's organisation type is not defined for its authority (warning).",
        "统一社会信用代码的机构类别代码未在该登记管理部门下定义（警告）。",
    ),
    "cn_uscc.region_unknown": (
        InvalidComponent,
        "The USCC's region code is not in the region table (warning).",
        "统一社会信用代码的行政区划代码不在代码表中（警告）。",
    ),
}

#: Every code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {code: entry[1] for code, entry in _MESSAGES.items()}

#: The codes `parse` reports as warnings (and ``strict=True`` raises as errors).
WARNING_CODES: frozenset[str] = frozenset({"cn_uscc.organisation_type", "cn_uscc.region_unknown"})

#: Registration authority code -> (name, {organisation type code: name}).
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: index for index, char in enumerate(_ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SHAPE = re.compile(r"[0-9A-Z][0-9]{7}[0-9A-HJ-NP-RTUW-Y]{10}")
_NATIONAL_REGION = "100000"


#: A label before the code in a cell: 统一社会信用代码：, 税号 … (`without_label`).
_LABEL = label_pattern("统一社会信用代码|社会信用代码|信用代码|纳税人识别号|税号", "USCC")


def _error(code: str, value: object) -> ValidationError:
    cls, message_en, message_zh = _MESSAGES[code]
    return cls(message_en, code=code, masked_value=mask(value), message_zh=message_zh)


def _warning(code: str) -> ValidationWarning:
    _, message_en, message_zh = _MESSAGES[code]
    return ValidationWarning(code=code, message_en=message_en, message_zh=message_zh)


def compact(value: str) -> str:
    """Return the value without separators, in ASCII upper case, without validating it.

    >>> compact('9111-0000-6000-3734-1l')
    '91110000600037341L'
    """
    if not isinstance(value, str):
        raise _error("cn_uscc.format", value)
    return _clean(without_label(value, _LABEL))


def _check_char(body: str) -> str:
    values = _VALUES
    total = sum(values[char] * weight for char, weight in zip(body, _WEIGHTS, strict=True))
    return _ALPHABET[-total % 31]


def calc_check_digit(value: str) -> str:
    """Return the check character for the first 17 characters (an 18th is ignored).

    >>> calc_check_digit('91110000600037341')
    'L'
    """
    body = compact(value)[:17]
    if len(body) != 17:
        raise _error("cn_uscc.length", body)
    if not _SHAPE.fullmatch(body + "0") or body[0] not in _VALUES:
        raise _error("cn_uscc.format", body)
    return _check_char(body)


def calc_organisation_check_digit(value: str) -> str:
    """Return the GB 11714 check character for an organisation code's first 8 characters.

    >>> calc_organisation_check_digit('60003734')
    '1'
    >>> calc_organisation_check_digit('71526726')
    'X'
    """
    body = compact(value)[:8]
    if len(body) != 8:
        raise _error("cn_uscc.length", body)
    if not body.isascii() or not body.isalnum():
        raise _error("cn_uscc.format", body)
    total = sum(int(char, 36) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True))
    return "0123456789X0"[11 - total % 11]


def _number(value: object) -> str:
    if not isinstance(value, str):
        raise _error("cn_uscc.format", value)
    number = _clean(without_label(value, _LABEL))
    if len(number) != 18:
        raise _error("cn_uscc.length", number)
    if not _SHAPE.fullmatch(number):
        raise _error("cn_uscc.format", number)
    if number[0] not in _VALUES:  # I, O, S, V, Z: no authority, and no checksum weight
        raise _error("cn_uscc.authority", number)
    if _check_char(number[:17]) != number[17]:
        raise _error("cn_uscc.checksum", number)
    if number[0] not in AUTHORITIES:
        raise _error("cn_uscc.authority", number)
    return number


def validate(value: str, *, strict: bool = False) -> str:
    """Check the value and return its compact form, or raise a `ValidationError`.

    With ``strict=True`` the warnings of `parse` are raised as `InvalidComponent` errors.

    >>> validate('91110000600037341L')
    '91110000600037341L'
    >>> validate('93999900MA01AB2C3G', strict=True)
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidComponent: [cn_uscc.region_unknown] value=93************2C3G: ...
    """
    if strict:
        return parse(value, strict=True).number
    return _number(value)


def is_valid(value: object, *, strict: bool = False) -> bool:
    """Return whether the value is a valid USCC; never raises.

    >>> is_valid('91110000600037341L'), is_valid('91110000600037341'), is_valid(b'9111')
    (True, False, False)
    """
    try:
        if strict:
            parse(value, strict=True)  # type: ignore[arg-type]
        else:
            _number(value)
    except ValidationError:
        return False
    return True


def format(value: str) -> str:
    """Return the standard presentation: 18 characters, no separators.

    >>> format('91 110000 600037341 L')
    '91110000600037341L'
    """
    return _number(value)


def get_organisation_code(value: str) -> str:
    """Return the organisation code (GB 11714) the USCC holds: its characters 9-17.

    An organisation registered before the USCC carries its old code (组织机构代码) there, so
    the code links the organisation's older records to the USCC. Raises the USCC's
    `ValidationError` for an invalid USCC, and `custmaster.validate.cn_org_code`'s
    (``cn_org_code.checksum``, ``cn_org_code.placeholder`` …) when the 9 characters are no
    valid organisation code.

    >>> get_organisation_code('9144 0300 1922 0382 16')
    '192203821'
    >>> get_organisation_code('913502001234567805')
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidChecksum: [cn_org_code.checksum] value=1******80: ...
    """
    return cn_org_code.validate(_number(value)[8:17])


def mask(value: object) -> str:
    """Return the display form: the first 2 and last 4 characters, the others as ``*``.

    The value is compacted but not validated; never raises.

    >>> mask('9111 0000 6000 3734 1L')
    '91************341L'
    """
    if not isinstance(value, str):
        return mask_unknown(value)
    number = _clean(value)
    if len(number) == 18:
        return keep_ends(number, 2, 4)
    return mask_unknown(number)


@attrs.frozen
class CodedValue:
    """A code and its name in the standard's table (``name`` is None for an unknown code)."""

    code: str
    name: str | None


def _masked_repr(value: str) -> str:
    return repr(keep_ends(value, 2, 4))


@attrs.frozen
class Uscc:
    """A validated USCC and its parts; `repr` shows no more than `mask`.

    ``region_name`` is the latest name the GB/T 2260 table gives the region code
    (``国家`` for national-level registration, None when unknown).
    """

    number: str = attrs.field(repr=_masked_repr)
    registration_authority: CodedValue
    organisation_type: CodedValue
    region_code: str = attrs.field(repr=False)
    region_name: str | None = attrs.field(repr=False)
    organisation_code: str = attrs.field(repr=False)
    organisation_code_valid: bool
    warnings: tuple[ValidationWarning, ...] = ()

    def format(self) -> str:
        """Return the 18-character code."""
        return self.number

    def mask(self) -> str:
        """Return the display form (first 2 and last 4 characters)."""
        return keep_ends(self.number, 2, 4)


def parse(value: str, *, strict: bool = False) -> Uscc:
    """Validate the value and return its parts as a `Uscc`.

    >>> u = parse('N2330102MA2GFDUE81')
    >>> u.registration_authority.name, u.organisation_type.name, u.region_name
    ('农业', '村级集体经济组织', '浙江省杭州市上城区')
    >>> u.organisation_code, u.organisation_code_valid
    ('MA2GFDUE8', True)
    """
    number = _number(value)
    authority_name, types = AUTHORITIES[number[0]]
    codes: list[str] = []
    type_name = types.get(number[1])
    if type_name is None:
        codes.append("cn_uscc.organisation_type")
    region_code = number[2:8]
    if region_code == _NATIONAL_REGION:
        region_name: str | None = "国家"
    else:
        region_name, region_warning = _region(region_code, None)
        if region_warning is not None:
            codes.append("cn_uscc.region_unknown")
    if strict and codes:
        raise _error(codes[0], number)
    organisation_code = number[8:17]
    return Uscc(
        number=number,
        registration_authority=CodedValue(number[0], authority_name),
        organisation_type=CodedValue(number[1], type_name),
        region_code=region_code,
        region_name=region_name,
        organisation_code=organisation_code,
        organisation_code_valid=(
            calc_organisation_check_digit(organisation_code[:8]) == organisation_code[8]
        ),
        warnings=tuple(_warning(code) for code in codes),
    )
