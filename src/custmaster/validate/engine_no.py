"""Engine number (发动机号, engine serial number as on the driving licence).

Engine numbers are assigned by each engine maker in its own pattern (``G4FC123456``,
``L15B71234567``, ``1NZ-A123456``); there is no national format and no check digit. This
module refuses what cannot be an engine number instead of proving one right:

* fewer than 5 or more than 20 characters after compaction;
* characters other than the ASCII letters and digits (Chinese text, ``*`` of a masked value);
* placeholders: ``无``, ``不详``, ``/``, ``NULL``, one character repeated (``0000000``) and an
  ascending run of digits (``123456``).

`compact` upper-cases, folds full-width forms and removes spaces and the separators
``- . · _ /`` (makers print the same number with and without them, ``1NZ-A123456``). The
letters ``I``, ``O`` and ``Q`` are allowed: unlike VINs, engine numbers do use them.

`mask` hides at least half of every number. PRIVACY.md shows VINs and engine numbers as the
first 3 and last 4 characters, but many engine numbers have only 8 to 12 characters, and
that rule would show 7 of 8. So only a number of 14 characters or more keeps its first 3 and last
4; a shorter one keeps a quarter of its length (rounded down, at least 1) at each end:

| length | kept | example |
| --- | --- | --- |
| 5 to 7 | 1 + 1 | ``4G15S`` → ``4***S`` |
| 8 to 11 | 2 + 2 | ``G4FC123456`` → ``G4******56`` |
| 12 and 13 | 3 + 3 | ``L15B71234567`` → ``L15******567`` |
| 14 to 20 | 3 + 4 | ``SQR477FD123456`` → ``SQR*******3456`` |

More information:

* the 发动机号码 field of the vehicle driving licence (机动车行驶证) and of the vehicle
  certificate of conformity (机动车整车出厂合格证)

>>> validate('g4fc-123456')
'G4FC123456'
>>> validate('不详')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [engine_no.placeholder] value=**: ...
>>> validate('0000000')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [engine_no.placeholder] value=0*****0: ...
>>> validate('G4FC')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidLength: [engine_no.length] value=****: ...
>>> mask('G4FC123456')
'G4******56'
"""

from __future__ import annotations

import re

import attrs

from custmaster.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from custmaster.validate._mask import keep_ends, mask_unknown
from custmaster.validate._text import MAX_INPUT, error, fold_width

__all__ = [
    "ERROR_CODES",
    "EngineNumber",
    "compact",
    "format",
    "is_valid",
    "mask",
    "parse",
    "validate",
]

ERROR_CODES: dict[str, str] = {
    "engine_no.type": "The engine number is not a string.",
    "engine_no.placeholder": "The engine number is a placeholder (无, 不详, 0000000 …).",
    "engine_no.masked": "The engine number is already masked ('*'); the full value is needed.",
    "engine_no.length": "An engine number has 5 to 20 letters and digits.",
    "engine_no.characters": "An engine number has only the ASCII letters A-Z and digits 0-9.",
}

_ZH: dict[str, str] = {
    "engine_no.type": "发动机号不是字符串。",
    "engine_no.placeholder": "发动机号是占位值（无、不详、0000000 等）。",
    "engine_no.masked": "发动机号已脱敏（含 *），需要完整号码。",
    "engine_no.length": "发动机号应为 5 到 20 位字母和数字。",
    "engine_no.characters": "发动机号只能包含字母 A-Z 和数字 0-9。",
}

MIN_LENGTH = 5
MAX_LENGTH = 20

_SEPARATORS = re.compile(r"[\s\-.·_/]+")
_VALID = re.compile(r"[A-Z0-9]+")
_PLACEHOLDERS = frozenset(
    {
        "",
        "无",
        "不详",
        "未知",
        "暂无",
        "空",
        "没有",
        "待定",
        "NULL",
        "NONE",
        "NIL",
        "NA",
        "N/A",
        "UNKNOWN",
        "TBD",
    }
)
_ASCENDING = "1234567890123456789012"

#: Numbers at least this long keep their first 3 and last 4 characters in `mask`.
_LONG = 14


def _error(cls: type[ValidationError], value: object, code: str) -> ValidationError:
    return error(cls, value, code=code, codes=ERROR_CODES, zh=_ZH[code])


def _mask_number(number: str) -> str:
    """The display form of a valid number (see the module notes): at least half is hidden."""
    if len(number) >= _LONG:
        return keep_ends(number, 3, 4)
    kept = max(1, len(number) // 4)
    return keep_ends(number, kept, kept)


def _mask_repr(value: str) -> str:
    return repr(_mask_number(value))


@attrs.frozen
class EngineNumber:
    """A validated engine number; ``repr`` shows it masked."""

    #: The engine number in compact form.
    number: str = attrs.field(repr=_mask_repr)

    def mask(self) -> str:
        """The display form (see the module notes): at least half of the number is hidden."""
        return _mask_number(self.number)


def compact(value: str) -> str:
    """Upper-case, fold full-width forms and remove spaces and separators; no validation.

    The stars stamped around an engine number, as registration certificates print it
    (``*2AR1234567*``), are removed; a star inside the number or on one end only means it
    was masked.

    >>> compact(' 1nz-a１２３４５６ '), compact('*2AR1234567*')
    ('1NZA123456', '2AR1234567')
    """
    if not isinstance(value, str):
        raise _error(InvalidFormat, value, code="engine_no.type")
    if len(value) > MAX_INPUT:
        raise _error(InvalidLength, value, code="engine_no.length")
    return _unstarred(_SEPARATORS.sub("", fold_width(value)).upper())


def _unstarred(number: str) -> str:
    """``number`` without the stars stamped on both ends (``*2AR1234567*``); stars on one end
    or inside are a mask's, and are kept for `validate` to refuse."""
    inner = number.strip("*")
    if number[:1] == "*" and number[-1:] == "*" and inner and "*" not in inner:
        return inner
    return number


def validate(value: str) -> str:
    """Return the compact engine number or raise a `custmaster.ValidationError`.

    >>> validate('发动机号')
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidFormat: [engine_no.characters] value=****: ...
    """
    if isinstance(value, str) and value.strip().upper() in _PLACEHOLDERS:
        raise _error(InvalidComponent, value, code="engine_no.placeholder")
    number = compact(value)
    if number in _PLACEHOLDERS:
        raise _error(InvalidComponent, number, code="engine_no.placeholder")
    if "*" in number:
        raise _error(InvalidFormat, number, code="engine_no.masked")
    if not _VALID.fullmatch(number):
        raise _error(InvalidFormat, number, code="engine_no.characters")
    if not MIN_LENGTH <= len(number) <= MAX_LENGTH:
        raise _error(InvalidLength, number, code="engine_no.length")
    if len(set(number)) == 1 or number in _ASCENDING:
        raise _error(InvalidComponent, number, code="engine_no.placeholder")
    return number


def is_valid(value: object) -> bool:
    """Whether ``value`` can be an engine number; never raises.

    >>> is_valid('L15B71234567'), is_valid('123456'), is_valid(None)
    (True, False, False)
    """
    try:
        return bool(validate(value))  # type: ignore[arg-type]
    except ValidationError:
        return False


def format(value: str) -> str:
    """Return the engine number as stored: the compact form.

    >>> format('ea888 123 456')
    'EA888123456'
    """
    return validate(value)


def mask(value: str) -> str:
    """Display form: at least half hidden, first 3 and last 4 kept from 14 characters on.

    A shorter number keeps a quarter of its length at each end (see the module notes). An
    invalid value is masked as an unknown value. Never raises.

    >>> mask('EA888123456'), mask('4G15S'), mask('BYD473QB1234567')
    ('EA*******56', '4***S', 'BYD********4567')
    """
    try:
        return _mask_number(validate(value))
    except ValidationError:
        try:
            return mask_unknown(compact(value))
        except ValidationError:
            return mask_unknown(value)


def parse(value: str) -> EngineNumber:
    """Validate the engine number and wrap it (there are no parts to read).

    >>> parse('G4FC123456')
    EngineNumber(number='G4******56')
    """
    return EngineNumber(validate(value))
