"""VIN (Vehicle Identification Number, 车辆识别代号).

The 17-character identifier of ISO 3779, adopted in China as GB 16735 道路车辆 车辆识别代号.
It has three parts:

* positions 1-3, WMI (World Manufacturer Identifier): ``LSV`` is 上汽大众, ``LHG`` 广汽本田,
  ``LVH`` 东风本田 (``L`` is China);
* positions 4-9, VDS (Vehicle Descriptor Section); position 9 is the check digit;
* positions 10-17, VIS (Vehicle Indicator Section): model-year code (10), plant code (11) and the
  serial number (12-17).

Digits and the letters A-Z except ``I``, ``O`` and ``Q`` (too easily read as ``1`` and ``0``).
The check digit is computed as in North America: each character is transliterated to a number
(``A``=1 … ``H``=8, ``J``=1 … ``R``=9, ``S``=2 … ``Z``=9), multiplied by its position's weight
(8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2), the sum is taken modulo 11 and a remainder of 10 is written
``X``. GB 16735 requires the check digit and a model-year code for vehicles made for the Chinese
market, so `validate` requires both by default; ``check_digit=False`` relaxes them for imported
vehicles (European and Japanese VINs often have neither). ``check_digit=None`` decides by the
WMI: required for a vehicle made in China, relaxed for an imported one. That is what
`custmaster.model.SourceRecord` and `custmaster.model.Vehicle` use, so that an insurer's
extract keeps its parallel-imported cars while a mistyped Chinese VIN is still caught.

The model-year code repeats every 30 years (``A`` is 1980 and 2010, ``1`` is 2001 and 2031).
`parse` resolves it to the most recent year that is not after next year (vehicles of next year's
model are sold from the autumn before), counted from ``reference_year`` (default: this year).
A VIN of a 1990s vehicle is thus read 30 years too late; nothing in the VIN itself tells the two
apart for Chinese-market vehicles.

`compact` upper-cases, folds full-width characters (``ＬＳＶ``) and removes spaces, hyphens,
dots, underscores and a spreadsheet's leading apostrophe. Letters ``I``/``O``/``Q`` are
*not* corrected to ``1``/``0``: the error ``vin.ioq`` asks a person to check the document.

**Speed.** A valid VIN typed in ASCII (any case, with separators) takes a fast path: one
regular expression and a table-driven check digit (``bytes.translate`` and a sum of products),
about 1 to 2 microseconds in CPython. Any other input goes through the full checks, which pick
the error to raise. The tests check that both paths give the same answer.

More information:

* https://en.wikipedia.org/wiki/Vehicle_identification_number
* GB 16735-2019 道路车辆 车辆识别代号(VIN); ISO 3779:2009
* https://www.ecfr.gov/current/title-49/part-565 (check digit, model-year codes)

>>> validate('lsv au218x n2183294')
'LSVAU218XN2183294'
>>> validate('LSVAU2180N2183294')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidChecksum: [vin.checksum] value=LSV**********3294: ...
>>> validate('LSVAU2I8XN2183294')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [vin.ioq] value=LSV**********3294: ...
>>> validate('WVWZZZ1JZXW000001', check_digit=False)
'WVWZZZ1JZXW000001'
>>> validate('WVWZZZ1JZXW000001')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidChecksum: [vin.checksum] value=WVW**********0001: ...
>>> mask('LSVAU218XN2183294')
'LSV**********3294'
>>> v = parse('LSVAU218XN2183294', reference_year=2025)
>>> v.wmi, v.manufacturer, v.model_year, v.plant_code
('LSV', '上汽大众', 2022, '2')
>>> v
Vin(vin='LSV**********3294', wmi='LSV', manufacturer='上汽大众', model_year=2022)
"""

from __future__ import annotations

import datetime
import operator
import re

import attrs

from custmaster.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from custmaster.validate._mask import keep_ends, mask_unknown
from custmaster.validate._text import MAX_INPUT, error, fold_width, label_pattern, without_label
from custmaster.validate._wmi import WMI

__all__ = [
    "ERROR_CODES",
    "MODEL_YEAR_CODES",
    "Vin",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "mask",
    "model_years",
    "parse",
    "validate",
]

ERROR_CODES: dict[str, str] = {
    "vin.type": "The VIN is not a string.",
    "vin.masked": "The VIN is already masked ('*'); the full value is needed.",
    "vin.length": "A VIN has exactly 17 characters.",
    "vin.ioq": "A VIN never contains the letters I, O or Q (check for 1 and 0).",
    "vin.characters": "A VIN has only the digits 0-9 and the letters A-Z.",
    "vin.placeholder": "The VIN is one character repeated: a placeholder, not a real VIN.",
    "vin.wmi": "The manufacturer code (positions 1-3) cannot start with 0.",
    "vin.checksum": "The check digit (position 9) does not match the rest of the VIN.",
    "vin.model_year": "Position 10 is not a model-year code (0, U and Z are never used).",
}

_ZH: dict[str, str] = {
    "vin.type": "车架号不是字符串。",
    "vin.masked": "车架号已脱敏（含 *），需要完整号码。",
    "vin.length": "车架号（VIN）必须是 17 位。",
    "vin.ioq": "车架号不含字母 I、O、Q（请核对是否为 1 和 0）。",
    "vin.characters": "车架号只能包含数字 0-9 和字母 A-Z。",
    "vin.placeholder": "车架号为同一字符重复，是占位值而非真实车架号。",
    "vin.wmi": "车辆制造厂识别代号（第 1-3 位）不能以 0 开头。",
    "vin.checksum": "车架号第 9 位校验位与其余各位不符。",
    "vin.model_year": "车架号第 10 位不是年份代码（不使用 0、U、Z）。",
}

#: Model-year codes of position 10 in order: index ``i`` is 1980 + i, 2010 + i, 2040 + i …
MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"

_TRANSLITERATION = dict(
    zip(
        "0123456789ABCDEFGHJKLMNPRSTUVWXYZ",
        (*range(10), *range(1, 9), *range(1, 6), 7, 9, *range(2, 10)),
        strict=True,
    )
)
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_SEPARATORS = re.compile(r"[\s\-._·]+")
#: A label before the VIN in a cell: 车架号：, 车辆识别代号, VIN: … (`without_label`).
_LABEL = label_pattern(
    "车架号码|车架号|车辆识别代号|车辆识别代码|车辆识别号|识别代号|底盘号|VIN码",
    "VIN\\s*No\\.?|VIN",
)
_QUOTES = " '\u2018\u2019"
_VALID = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_ASCII_ALNUM = re.compile(r"[A-Z0-9]{17}")

# Fast path tables. _VALUES maps each VIN byte to its transliteration value, so the weighted
# sum is one bytes.translate and a sum of products. _ASCII_SEPARATORS deletes the ASCII
# characters _SEPARATORS matches: for ASCII input (nothing to fold), compact is
# ``value.translate(_ASCII_SEPARATORS).upper()``.
_VALUES = bytes.maketrans(
    "".join(_TRANSLITERATION).encode("ascii"), bytes(_TRANSLITERATION.values())
)
_ASCII_SEPARATORS = dict.fromkeys(c for c in range(128) if _SEPARATORS.fullmatch(chr(c)))
_CHECK_CHARS = "0123456789X"
#: Longer inputs take the full path (a VIN with a separator between every character has 33).
_FAST_INPUT = 40


def _error(cls: type[ValidationError], value: object, code: str) -> ValidationError:
    return error(cls, value, code=code, codes=ERROR_CODES, zh=_ZH[code])


def _compact_or_raw(value: object) -> object:
    try:
        return compact(value)  # type: ignore[arg-type]
    except ValidationError:
        return value


def _mask_repr(value: str) -> str:
    return repr(keep_ends(value, 3, 4))


@attrs.frozen
class Vin:
    """The parts of a VIN; ``repr`` shows the VIN masked and leaves out the serial number."""

    #: The VIN in compact form.
    vin: str = attrs.field(repr=_mask_repr)
    #: World Manufacturer Identifier, positions 1-3.
    wmi: str
    #: The manufacturer, when the WMI is a known Chinese-market one; otherwise ``None``.
    manufacturer: str | None
    #: Vehicle Descriptor Section, positions 4-9 (includes the check digit).
    vds: str = attrs.field(repr=False)
    #: Vehicle Indicator Section, positions 10-17.
    vis: str = attrs.field(repr=False)
    #: The model year read from position 10 (see the module notes), or ``None``.
    model_year: int | None
    #: Position 10 as written.
    model_year_code: str = attrs.field(repr=False)
    #: Assembly plant, position 11.
    plant_code: str = attrs.field(repr=False)
    #: Production serial number, positions 12-17.
    serial: str = attrs.field(repr=False)
    #: Producer names of the vehicle-series catalogue sharing this WMI (empty when unknown).
    producers: tuple[str, ...] = attrs.field(repr=False, default=())

    def mask(self) -> str:
        """The display form, ``LSV**********3294``."""
        return keep_ends(self.vin, 3, 4)


def compact(value: str) -> str:
    """Upper-case, fold full-width forms and remove separators; no validation.

    A label before it (``车架号：``, ``VIN:``) is removed. The stars printed on both ends of a
    VIN on certificates (``*LSVAU2180N2183294*``) are removed; a star inside it, or on one end
    only, means it was masked. A leading apostrophe
    (a spreadsheet's text mark) is removed, as `custmaster.validate.cn_resident_id` does.

    >>> compact('ｌｓｖ-au2180 n2183294'), compact('*LSVAU2180N2183294*')
    ('LSVAU2180N2183294', 'LSVAU2180N2183294')
    """
    if not isinstance(value, str):
        raise _error(InvalidFormat, value, code="vin.type")
    if len(value) > MAX_INPUT:
        raise _error(InvalidLength, value, code="vin.length")
    vin = _SEPARATORS.sub("", without_label(fold_width(value).lstrip(_QUOTES), _LABEL)).upper()
    inner = vin.strip("*")
    if vin[:1] == "*" and vin[-1:] == "*" and inner and "*" not in inner:
        return inner
    return vin


def calc_check_digit(value: str) -> str:
    """Compute the check digit (position 9) of a 17-character VIN; position 9 itself is ignored.

    >>> calc_check_digit('LHGCV1658J8036418')
    '4'
    """
    vin = compact(value)
    if not _VALID.fullmatch(vin):
        raise _error(InvalidFormat, value, code="vin.characters")
    return _check_digit(vin)


#: The first WMI characters of vehicles made in China (GB 16735 requires their check digit).
_CHINA_REGIONS = frozenset("LH")


def _check_digit(vin: str) -> str:
    """The check digit of ``vin``, 17 characters that `_VALID` matches."""
    values = vin.encode("ascii").translate(_VALUES)
    return _CHECK_CHARS[sum(map(operator.mul, values, _WEIGHTS)) % 11]


def _fast(value: object, check_digit: bool) -> str | None:
    """`validate` for the common case (ASCII, valid), or None to let the full checks decide."""
    if type(value) is not str or len(value) > _FAST_INPUT or not value.isascii():
        return None
    if _VALID.fullmatch(value) is not None:
        vin = value
    else:
        vin = value.translate(_ASCII_SEPARATORS).upper()
        if _VALID.fullmatch(vin) is None:
            return None
    if vin[0] == "0" or vin.count(vin[0]) == 17:  # vin.wmi, vin.placeholder
        return None
    if check_digit and (vin[8] != _check_digit(vin) or vin[9] not in MODEL_YEAR_CODES):
        return None
    return vin


def validate(value: str, *, check_digit: bool | None = True) -> str:
    """Return the compact VIN or raise a `custmaster.ValidationError`.

    With ``check_digit=True`` (vehicles made for the Chinese market) the check digit and the
    model-year code are required; ``False`` checks only length and characters (imports).
    ``None`` decides by where the vehicle was made, as a register of vehicles driven in China
    needs: required when the WMI is Chinese (region ``L``, or ``H`` of the newer assignments),
    not for an imported vehicle, whose maker may leave position 9 free (European makers do).

    >>> validate('WDD2050401F123456', check_digit=None)
    'WDD2050401F123456'
    >>> validate('LSVAU2180N2183294', check_digit=None)
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidChecksum: [vin.checksum] value=LSV**********3294: ...
    """
    fast = _fast(value, check_digit is not False)
    if fast is not None:
        return fast
    if check_digit is None:
        form = _validate(value, False)
        return form if form[0] not in _CHINA_REGIONS else _validate(value, True)
    return _validate(value, check_digit)


def _validate(value: str, check_digit: bool) -> str:
    """`validate` without the fast path: every check, in the order that picks the error."""
    vin = compact(value)
    if "*" in vin:
        raise _error(InvalidFormat, vin, code="vin.masked")
    if len(vin) != 17:
        raise _error(InvalidLength, vin, code="vin.length")
    if not _VALID.fullmatch(vin):
        if _ASCII_ALNUM.fullmatch(vin):
            raise _error(InvalidFormat, vin, code="vin.ioq")
        raise _error(InvalidFormat, vin, code="vin.characters")
    if len(set(vin)) == 1:
        raise _error(InvalidComponent, vin, code="vin.placeholder")
    if vin[0] == "0":
        raise _error(InvalidComponent, vin, code="vin.wmi")
    if check_digit:
        if vin[8] != _check_digit(vin):
            raise _error(InvalidChecksum, vin, code="vin.checksum")
        if vin[9] not in MODEL_YEAR_CODES:
            raise _error(InvalidComponent, vin, code="vin.model_year")
    return vin


def is_valid(value: object, *, check_digit: bool | None = True) -> bool:
    """Whether ``value`` is a valid VIN; never raises.

    >>> is_valid('LSVAU218XN2183294'), is_valid(None), is_valid('LSV')
    (True, False, False)
    """
    try:
        return bool(validate(value, check_digit=check_digit))  # type: ignore[arg-type]
    except ValidationError:
        return False


def format(value: str, *, check_digit: bool | None = True) -> str:
    """Return the VIN as printed: the compact form (VINs have no separators).

    >>> format(' lhgcv1654j8036418 ')
    'LHGCV1654J8036418'
    """
    return validate(value, check_digit=check_digit)


def mask(value: str, *, check_digit: bool | None = None) -> str:
    """Display form of PRIVACY.md: manufacturer code (first 3) and last 4 characters.

    The value is compacted; an invalid VIN is masked as an unknown value. Never raises.

    >>> mask('lsvau218xn2183294')
    'LSV**********3294'
    >>> mask('LSV-123')
    'L****3'
    """
    try:
        return keep_ends(validate(value, check_digit=check_digit), 3, 4)
    except ValidationError:
        return mask_unknown(_compact_or_raw(value))


def model_years(code: str) -> tuple[int, ...]:
    """All years from 1980 to 2099 that model-year code ``code`` can stand for.

    >>> model_years('A')
    (1980, 2010, 2040, 2070)
    >>> model_years('U')
    ()
    """
    if len(code) != 1 or code not in MODEL_YEAR_CODES:
        return ()
    first = 1980 + MODEL_YEAR_CODES.index(code)
    return tuple(range(first, 2100, 30))


def _model_year(code: str, reference_year: int) -> int | None:
    if code not in MODEL_YEAR_CODES:
        return None
    year = 1980 + MODEL_YEAR_CODES.index(code)
    latest = reference_year + 1
    return year + (latest - year) // 30 * 30


def parse(value: str, *, check_digit: bool = True, reference_year: int | None = None) -> Vin:
    """Validate and split the VIN into its parts (see `Vin`).

    ``reference_year`` (default: the current year) resolves the 30-year model-year cycle.

    >>> parse('LSVAU218XN2183294', reference_year=2055).model_year
    2052
    >>> parse('JHMCM56557C404453', reference_year=2025).manufacturer is None
    True
    """
    vin = validate(value, check_digit=check_digit)
    if reference_year is None:
        reference_year = datetime.date.today().year
    known = WMI.get(vin[:3])
    return Vin(
        vin=vin,
        wmi=vin[:3],
        manufacturer=known[0] if known else None,
        vds=vin[3:9],
        vis=vin[9:],
        model_year=_model_year(vin[9], reference_year),
        model_year_code=vin[9],
        plant_code=vin[10],
        serial=vin[11:],
        producers=known[1] if known else (),
    )
