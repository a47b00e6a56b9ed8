"""Organisation code (组织机构代码, GB 11714-1997).

The code every legal person, public body and other organisation in mainland China carried on
its organisation code certificate (组织机构代码证) until the unified social credit code
(`custmaster.validate.cn_uscc`) replaced it in 2015-2017 (三证合一). It has 9 characters: a
body of 8 digits or capital letters and a check character, ``0``-``9`` or ``X``, usually
written with a hyphen before it: ``60003734-1``. Older core systems and organisations'
records still carry it.

The USCC kept the code: its characters 9-17 (主体标识码) are the organisation's code, so an
organisation known by its old code and later by its USCC can be recognised as one
(`custmaster.validate.cn_uscc.get_organisation_code`). Codes assigned since 2015 with a new
USCC (``MA…``) follow the same rule.

The check character (GB 11714-1997): each body character's value (digits their own, letters
``A`` = 10 … ``Z`` = 35) times the weights 3, 7, 9, 10, 5, 8, 4, 2; the check value is
11 minus the sum modulo 11, written ``X`` for 10 and ``0`` for 11.

Input is compacted like `custmaster.validate.cn_uscc`: full-width forms are mapped to ASCII,
the hyphen and other separators removed and letters upper-cased.

Errors: wrong length, characters other than digits and capital letters (or a check character
other than ``0``-``9`` and ``X``), a wrong check character, the all-zero code ``00000000-0``,
which passes the check but is what systems and typists enter for "none"
(``cn_org_code.placeholder``), and a code of the range GB 11714 leaves to each system for
its own internal codes, ``PDY00001`` to ``PDY99999`` (``cn_org_code.internal``): such a code
identifies nothing outside the system that made it.

`mask` keeps the first character and the last 2, the display rule of the other identity
documents (`custmaster.privacy.masking.mask_document_number`), so a code reads the same
masked as a validator's error shows it and as a customer's document shows it. An
organisation's code names no natural person and the national register publishes it (the
code of an individual business, 个体工商户, may point at one), but it is masked by default
like the other identifiers.

More information:

* https://zh.wikisource.org/wiki/GB_11714-1997_全国组织机构代码编制规则
* https://zh.wikipedia.org/wiki/组织机构代码
* https://zh.wikipedia.org/wiki/统一社会信用代码

>>> validate('60003734-1')
'600037341'
>>> validate('１０００１２３１－６')
'100012316'
>>> format('192203821')
'19220382-1'
>>> mask('79965505-8')
'7******58'
>>> calc_check_digit('71526726')
'X'
>>> validate('60003734-2')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidChecksum: [cn_org_code.checksum] value=6******42: ...
>>> validate('00000000-0')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [cn_org_code.placeholder] value=0******00: ...
>>> validate('6000373')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidLength: [cn_org_code.length] value=6*****3: ...
>>> is_valid('600037341'), is_valid('91110000600037341L'), is_valid(None)
(True, False, False)
"""

from __future__ import annotations

import re

from custmaster.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from custmaster.validate._mask import keep_ends, mask_unknown
from custmaster.validate.cn_resident_id import _clean

__all__ = [
    "ERROR_CODES",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "mask",
    "validate",
]

_MESSAGES: dict[str, tuple[type[ValidationError], str, str]] = {
    "cn_org_code.format": (
        InvalidFormat,
        "The organisation code has characters other than digits and capital letters, or a "
        "check character other than 0-9 and X.",
        "组织机构代码含有数字和大写字母以外的字符，或校验码不是 0-9 或 X。",
    ),
    "cn_org_code.length": (
        InvalidLength,
        "The organisation code does not have 9 characters (8 and the check character).",
        "组织机构代码不是 9 位（8 位本体代码加 1 位校验码）。",
    ),
    "cn_org_code.checksum": (
        InvalidChecksum,
        "The organisation code's check character does not match (GB 11714).",
        "组织机构代码校验码错误。",
    ),
    "cn_org_code.placeholder": (
        InvalidComponent,
        "The organisation code is all zeros, a placeholder for none.",
        "组织机构代码全为 0，是“无”的占位值。",
    ),
    "cn_org_code.internal": (
        InvalidComponent,
        "The organisation code is in the range GB 11714 reserves for codes a system makes "
        "for itself (PDY00001-PDY99999): it identifies nothing outside that system.",
        "组织机构代码属于自定义区（PDY00001-PDY99999），仅供系统内部使用，不能作为标识。",
    ),
}

#: Every code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {code: entry[1] for code, entry in _MESSAGES.items()}

_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_BODY = re.compile(r"[0-9A-Z]{8}")
_SHAPE = re.compile(r"[0-9A-Z]{8}[0-9X]")
_INTERNAL = re.compile(r"PDY[0-9]{5}")
_PLACEHOLDER = "000000000"


def _error(code: str, value: object) -> ValidationError:
    cls, message_en, message_zh = _MESSAGES[code]
    return cls(message_en, code=code, masked_value=mask(value), message_zh=message_zh)


def compact(value: str) -> str:
    """Return the value without separators, in ASCII upper case, without validating it.

    >>> compact(' 6000 3734－1 ')
    '600037341'
    """
    if not isinstance(value, str):
        raise _error("cn_org_code.format", value)
    return _clean(value)


def _check_char(body: str) -> str:
    total = sum(int(char, 36) * weight for char, weight in zip(body, _WEIGHTS, strict=True))
    return "0123456789X0"[11 - total % 11]


def calc_check_digit(value: str) -> str:
    """Return the check character for an organisation code's first 8 characters (a 9th is
    ignored).

    >>> calc_check_digit('60003734'), calc_check_digit('MA2GFDUE')
    ('1', '8')
    """
    body = compact(value)[:8]
    if len(body) != 8:
        raise _error("cn_org_code.length", body)
    if not _BODY.fullmatch(body):
        raise _error("cn_org_code.format", body)
    return _check_char(body)


def _number(value: object) -> str:
    if not isinstance(value, str):
        raise _error("cn_org_code.format", value)
    number = _clean(value)
    if len(number) != 9:
        raise _error("cn_org_code.length", number)
    if not _SHAPE.fullmatch(number):
        raise _error("cn_org_code.format", number)
    if _check_char(number[:8]) != number[8]:
        raise _error("cn_org_code.checksum", number)
    if number == _PLACEHOLDER:
        raise _error("cn_org_code.placeholder", number)
    if _INTERNAL.fullmatch(number[:8]):
        raise _error("cn_org_code.internal", number)
    return number


def validate(value: str) -> str:
    """Check the value and return its compact form (9 characters), or raise a
    `ValidationError`.

    >>> validate('MA2GFDUE-8')
    'MA2GFDUE8'
    """
    return _number(value)


def is_valid(value: object) -> bool:
    """Return whether the value is a valid organisation code; never raises.

    >>> is_valid('60003734-1'), is_valid('60003734-X'), is_valid(600037341)
    (True, False, False)
    """
    try:
        _number(value)
    except ValidationError:
        return False
    return True


def format(value: str) -> str:
    """Return the standard presentation: the 8-character body, a hyphen, the check character.

    >>> format('600037341')
    '60003734-1'
    """
    number = _number(value)
    return f"{number[:8]}-{number[8]}"


def mask(value: object) -> str:
    """Return the display form: the first character and the last 2, the others as ``*``.

    The value is compacted but not validated; never raises.

    >>> mask('60003734-1')
    '6******41'
    """
    if not isinstance(value, str):
        return mask_unknown(value)
    number = _clean(value)
    if len(number) == 9:
        return keep_ends(number, 1, 2)
    return mask_unknown(number)
