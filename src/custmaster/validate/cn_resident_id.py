"""Resident ID (居民身份证号码, Chinese citizen identity number, GB 11643-1999).

The citizen identity number (公民身份号码) has 18 characters in four parts:

* digits 1-6: the address code (地址码) of the county where the person was registered,
  from GB/T 2260; the first two digits are the province;
* digits 7-14: the birth date, ``YYYYMMDD``;
* digits 15-17: the order code (顺序码); the 17th digit is odd for men, even for women;
* character 18: the check character, ISO 7064 MOD 11-2 over the first 17 digits, ``0``-``9``
  or ``X`` (for 10).

First-generation cards (GB 11643-1989) carry a 15-digit number: the same address code, a
six-digit birth date ``YYMMDD`` in the 1900s and the order code, with no check character.
`to_18` upgrades such a number by inserting ``19`` and computing the check character, and
every function here accepts both lengths, returning the 18-digit form.

Residence permits for residents of Hong Kong, Macao and Taiwan (港澳台居民居住证, issued since
2018) carry a number of the same form with address code ``810000``, ``820000`` or ``830000``;
they are accepted, also after their label (``居住证号码：``, ``港澳台居民居住证``).

The foreigner's permanent residence ID of 2023 (外国人永久居留身份证) has the same form but
starts with ``9`` and carries a nationality where the county would be: it is another document,
refused here with ``cn_resident_id.province``; `custmaster.validate.cn_foreign_permanent_id`
checks it.

Input is compacted first, as python-stdnum's ``util.clean`` does: Unicode dashes, spaces and
full-width digits are mapped to ASCII, full-width ``Ｘ``, lower-case ``x`` and what Chinese
input methods give for it (the multiplication sign ``×``, the Roman numeral ``Ⅹ``) become
``X``, and spaces, hyphens, dots, slashes, a spreadsheet's leading apostrophe and zero-width
characters are removed. A 15-digit number that a spreadsheet read as a number is read back
when every digit is there (``110105491231002.0``, ``1.10105491231002E+14``); an 18-digit one
never is (a spreadsheet keeps 15 significant digits: ``1.10101199001011E+17`` has lost the
last three), and is refused with ``cn_resident_id.length``. A label written before the number
in the cell (``身份证号：``, ``证件号码:``, ``公民身份号码``, ``ID:``) is removed; a masked
number pasted back from a display (``110***********002X``) is refused with
``cn_resident_id.masked``.

Checks are graded. Errors (the value is refused): wrong length, characters other than digits
and a final ``X``, a wrong check character, a birth date that is not a real date, lies in the
future or before 1850, and first two digits that are not a province. Warnings (the value is
accepted; `parse` lists them in ``ResidentId.warnings``): a county code missing from the
historical table, a county code not in use in the birth year (a code created after the birth
year is normal for people registered before their county got its current code; a code retired
before the birth year is suspicious), and a birth year before 1900. ``strict=True`` turns every
warning into an `InvalidComponent` error with the same code.

The region table is python-stdnum's ``cn/loc`` (GB/T 2260 codes with the years each was in use,
from Wikipedia). Unlike ``stdnum.cn.ric``, this module never raises ``KeyError``, refuses birth
years such as 1800 and 2099, accepts 15-digit numbers, and does not refuse a real number only
because its county is missing from the table or was renamed. `validate` is also much faster:
20 to 40 times on the mixed inputs of ``benchmarks/_resident_id.py``.

Gender is returned as the string ``'M'`` or ``'F'``.

More information:

* https://zh.wikipedia.org/wiki/中华人民共和国公民身份号码
* https://en.wikipedia.org/wiki/Resident_Identity_Card
* https://openstd.samr.gov.cn/bzgk/gb/newGbInfo?hcno=080D6FBF2BB468F9007657F26D60013E

>>> validate('11010519491231002x')
'11010519491231002X'
>>> validate('110105 1949 1231 002X')
'11010519491231002X'
>>> validate('１１０１０５１９４９１２３１００２Ｘ')
'11010519491231002X'
>>> validate('110105491231002')  # 15-digit, upgraded
'11010519491231002X'
>>> mask('11010519491231002X')
'110***********002X'
>>> mask('110105491231002')
'110********1002'
>>> r = parse('11010519491231002X')
>>> r.region_name, r.birth_date, r.gender, r.age(on=datetime.date(2024, 6, 1))
('北京市朝阳区', datetime.date(1949, 12, 31), 'F', 74)
>>> r
ResidentId(number='110***********002X', region_code='110***', birth_date='1949-**-**',
           gender='F', warnings=(), was_15_digit=False)
>>> [w.code for w in parse('440524188001010014').warnings]
['cn_resident_id.birth_before_1900', 'cn_resident_id.region_not_yet_created']
>>> validate('440524188001010014', strict=True)
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [cn_resident_id.birth_before_1900] value=440***********0014: ...
>>> validate('110105194912310021')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidChecksum: [cn_resident_id.checksum] value=110***********0021: ...
>>> validate('110105194902290029')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [cn_resident_id.birth_date] value=110***********0029: ...
>>> validate('1101051949123100')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidLength: [cn_resident_id.length] value=110*********3100: ...
>>> is_valid('110105194912310021'), is_valid(None), is_valid('3²')
(False, False, False)
"""

from __future__ import annotations

import datetime
import re
from typing import Literal, TypeAlias

import attrs

from custmaster.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    UsageError,
    ValidationError,
    ValidationWarning,
)
from custmaster.validate._mask import keep_ends, mask_unknown
from custmaster.validate._text import label_pattern, without_label

__all__ = [
    "ERROR_CODES",
    "WARNING_CODES",
    "Gender",
    "ResidentId",
    "calc_check_digit",
    "compact",
    "format",
    "get_birth_date",
    "get_gender",
    "is_valid",
    "mask",
    "parse",
    "to_18",
    "validate",
]

# code -> (exception class, English message, Chinese message)
_MESSAGES: dict[str, tuple[type[ValidationError], str, str]] = {
    "cn_resident_id.format": (
        InvalidFormat,
        "The resident ID has characters other than digits and a final X.",
        "身份证号码含有数字和末位 X 以外的字符。",
    ),
    "cn_resident_id.masked": (
        InvalidFormat,
        "The resident ID is masked ('*'): a display copy; the full number is needed.",
        "身份证号码已脱敏（含 *），需要完整号码。",
    ),
    "cn_resident_id.length": (
        InvalidLength,
        "The resident ID does not have 18 (or legacy 15) digits.",
        "身份证号码不是 18 位（或旧版 15 位）。",
    ),
    "cn_resident_id.checksum": (
        InvalidChecksum,
        "The resident ID's check character does not match.",
        "身份证号码校验码错误。",
    ),
    "cn_resident_id.birth_date": (
        InvalidComponent,
        "The resident ID's birth date is not a real date.",
        "身份证号码中的出生日期不存在。",
    ),
    "cn_resident_id.birth_date_future": (
        InvalidComponent,
        "The resident ID's birth date is in the future.",
        "身份证号码中的出生日期晚于今天。",
    ),
    "cn_resident_id.birth_date_too_early": (
        InvalidComponent,
        "The resident ID's birth date is before 1850.",
        "身份证号码中的出生日期早于 1850 年。",
    ),
    "cn_resident_id.province": (
        InvalidComponent,
        "The resident ID's first two digits are not a province code.",
        "身份证号码前两位不是省级行政区划代码。",
    ),
    "cn_resident_id.birth_before_1900": (
        InvalidComponent,
        "The resident ID's birth year is before 1900 (warning).",
        "身份证号码中的出生年份早于 1900 年（警告）。",
    ),
    "cn_resident_id.region_unknown": (
        InvalidComponent,
        "The resident ID's county code is not in the region table (warning).",
        "身份证号码的县级行政区划代码不在代码表中（警告）。",
    ),
    "cn_resident_id.region_retired": (
        InvalidComponent,
        "The resident ID's county code was retired before the birth year (warning).",
        "身份证号码的县级行政区划代码在出生年份之前已撤销（警告）。",
    ),
    "cn_resident_id.region_not_yet_created": (
        InvalidComponent,
        "The resident ID's county code was created after the birth year (warning).",
        "身份证号码的县级行政区划代码在出生年份之后才设立（警告）。",
    ),
}

#: Every code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {code: entry[1] for code, entry in _MESSAGES.items()}

#: The codes `parse` reports as warnings (and ``strict=True`` raises as errors).
WARNING_CODES: frozenset[str] = frozenset(
    {
        "cn_resident_id.birth_before_1900",
        "cn_resident_id.region_unknown",
        "cn_resident_id.region_retired",
        "cn_resident_id.region_not_yet_created",
    }
)

# Province-level codes of GB/T 2260 (the top level of stdnum's cn/loc table), plus 83, the
# address code prefix of residence permits for Taiwan residents.
_PROVINCES: frozenset[str] = frozenset(
    {
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82", "83"),
    }
)

# Address codes of the residence permits for residents of Hong Kong, Macao and Taiwan
# (港澳台居民居住证申领发放办法, 2018): valid whatever the birth year.
_PERMIT_REGIONS: dict[str, str] = {
    "810000": "香港特别行政区",
    "820000": "澳门特别行政区",
    "830000": "台湾地区",
}

# Names that only say "the districts of" / "the counties of": left out of region names.
_GENERIC_NAMES: frozenset[str] = frozenset(
    {"市辖区", "县", "省直辖县级行政单位", "省直辖行政单位", "自治区直辖县级行政单位"}
)

_CHECK_CHARS = "0123456789X"
_DIGITS17 = re.compile(r"[0-9]{17}")
_DIGITS15 = re.compile(r"[0-9]{15}")
_SHAPE = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
# Spreadsheet renderings of a 15-digit number: 110105491231002.0, 1.10105491231002E+14.
_FLOAT15 = re.compile(r"'?([0-9]{15})\.0+")
_SCIENTIFIC15 = re.compile(r"([1-9])\.([0-9]{14})[eE]\+?14")
_SCIENTIFIC = re.compile(r"'?[0-9]\.[0-9]+[eE]\+?[0-9]{1,2}")
_SEPARATORS = re.compile(r"[\s\-./:,'_\u200b\u200c\u200d\u2060\ufeff]+")
#: A label before the number in a cell: 身份证号：, 证件号码:, 公民身份号码, ID: (`without_label`).
_LABEL = label_pattern(
    "公民身份号码|居民身份证号码|居民身份证号|居民身份证|身份证件号码|身份证号码|身份证号|身份证"
    "|港澳台居民居住证号码|港澳台居民居住证|居住证号码|居住证号|居住证|证件号码|证件号",
    "ID\\s*number|ID\\s*No\\.?|ID",
)
# The full-width forms of printable ASCII (U+FF01-U+FF5E) map to ASCII by a fixed offset.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Characters typed for the check character X with Chinese input methods: the multiplication
# sign × and the Roman numerals Ⅹ ⅹ.
_FULLWIDTH.update(dict.fromkeys((0x00D7, 0x2169, 0x2179), ord("X")))

# Month-day pairs of a common year; 29 February is checked against the year separately.
_MONTH_DAYS: frozenset[str] = frozenset(
    f"{month:02d}{day:02d}"
    for month, days in enumerate((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1)
    for day in range(1, days + 1)
)
_MIN_YEAR = "1850"
_WARN_YEAR = "1900"
# Birth dates in years before this one are in the past without asking the clock again. The
# year is taken at import; a process still running next year takes the exact path for them.
_YEAR_AT_IMPORT = f"{datetime.date.today().year:04d}"

Gender = Literal["M", "F"]

# Periods of a county code: (name, first year or None, last year or None).
_Period: TypeAlias = "tuple[str, int | None, int | None]"
_regions: dict[str, tuple[_Period, ...]] | None = None
_PERIOD = re.compile(r"\[(\d*)-(\d*)\](.*)")


def _error(code: str, value: object) -> ValidationError:
    cls, message_en, message_zh = _MESSAGES[code]
    return cls(message_en, code=code, masked_value=mask(value), message_zh=message_zh)


def _warning(code: str) -> ValidationWarning:
    _, message_en, message_zh = _MESSAGES[code]
    return ValidationWarning(code=code, message_en=message_en, message_zh=message_zh)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _date_problem(year: str, month_day: str) -> str | None:
    """Return the error code for a birth date given as ``YYYY`` and ``MMDD``, or None."""
    if month_day not in _MONTH_DAYS and not (month_day == "0229" and _is_leap(int(year))):
        return "cn_resident_id.birth_date"
    if year < _MIN_YEAR:
        return "cn_resident_id.birth_date_too_early"
    if year >= _YEAR_AT_IMPORT:
        born = datetime.date(int(year), int(month_day[:2]), int(month_day[2:]))
        if born > datetime.date.today():
            return "cn_resident_id.birth_date_future"
    return None


def _check_char(body: str) -> str:
    # sum(d_i * 2**(17-i)) mod 11 == 2 * int(body, 13) mod 11, because 13 == 2 (mod 11); the
    # check character c makes the weighted sum plus c equal to 1 (mod 11). One C-level call.
    return _CHECK_CHARS[(1 - 2 * int(body, 13)) % 11]


def _from_spreadsheet(value: str) -> str | None:
    """The 15 digits of a first-generation number that a spreadsheet read as a number.

    A float holds 15 digits exactly, so ``110105491231002.0`` and ``1.10105491231002E+14``
    are the number. An 18-digit number is never exact as a float (Excel keeps 15 significant
    digits: ``1.10105194912310E+17``), and neither is a shorter mantissa; both are left to
    fail on their length.
    """
    text = value.strip()
    match = _FLOAT15.fullmatch(text)
    if match is not None:
        return match.group(1)
    match = _SCIENTIFIC15.fullmatch(text)
    if match is not None:
        return match.group(1) + match.group(2)
    return None


def _clean(value: str) -> str:
    if "." in value and (number := _from_spreadsheet(value)) is not None:
        return number
    if not value.isascii():
        from stdnum.util import clean

        value = clean(value).translate(_FULLWIDTH)
    return _SEPARATORS.sub("", value).upper()


def compact(value: str) -> str:
    """Return the value without separators, in ASCII upper case, without validating it.

    >>> compact(" 110105-19491231-002x ")
    '11010519491231002X'
    >>> compact("'110105491231002")
    '110105491231002'
    """
    if not isinstance(value, str):
        raise _error("cn_resident_id.format", value)
    return _clean(without_label(value, _LABEL))


def _number(value: object) -> tuple[str, bool]:
    """Return the validated 18-digit number and whether the input had 15 digits."""
    if type(value) is str and len(value) == 18 and value.isascii() and value[:17].isdigit():
        number = value  # fast path: already compact
        last = number[17]
        if last == "x":
            number = number[:17] + "X"
        elif not (last.isdigit() or last == "X"):
            raise _error("cn_resident_id.format", number)
    else:
        if not isinstance(value, str):
            raise _error("cn_resident_id.format", value)
        if not value[:1].isdigit():
            value = without_label(value, _LABEL)
        # 1.10101199001011E+17: digits lost (15-digit forms are read back by `_clean`)
        if (
            "." in value
            and _SCIENTIFIC.fullmatch(value.strip())
            and _from_spreadsheet(value) is None
        ):
            raise _error("cn_resident_id.length", value)
        number = _clean(value)
        if "*" in number:
            raise _error("cn_resident_id.masked", number)
        length = len(number)
        if length == 15:
            if not _DIGITS15.fullmatch(number):
                raise _error("cn_resident_id.format", number)
            problem = _date_problem("19" + number[6:8], number[8:12])
            if problem is not None:
                raise _error(problem, number)
            if number[:2] not in _PROVINCES:
                raise _error("cn_resident_id.province", number)
            body = number[:6] + "19" + number[6:]
            return body + _check_char(body), True
        if length != 18:
            raise _error("cn_resident_id.length", number)
        if not _DIGITS17.fullmatch(number, 0, 17) or number[17] not in _CHECK_CHARS:
            raise _error("cn_resident_id.format", number)
    if _check_char(number[:17]) != number[17]:
        raise _error("cn_resident_id.checksum", number)
    problem = _date_problem(number[6:10], number[10:14])
    if problem is not None:
        raise _error(problem, number)
    if number[:2] not in _PROVINCES:
        raise _error("cn_resident_id.province", number)
    return number, False


def validate(value: str, *, strict: bool = False) -> str:
    """Check the value and return its 18-digit form, or raise a `ValidationError`.

    With ``strict=True`` the warnings of `parse` are raised as `InvalidComponent` errors.

    >>> validate('110105491231002')
    '11010519491231002X'
    >>> validate('990105194912310023')
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidComponent: [cn_resident_id.province] value=990***********0023: ...
    """
    if strict:
        return parse(value, strict=True).number
    return _number(value)[0]


def is_valid(value: object, *, strict: bool = False) -> bool:
    """Return whether the value is a valid resident ID; never raises.

    >>> is_valid('11010519491231002X'), is_valid('11010519491231002'), is_valid(110105)
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
    """Return the standard 18-digit presentation (15-digit numbers upgraded).

    >>> format('110105 491231 002')
    '11010519491231002X'
    """
    return _number(value)[0]


def mask(value: object) -> str:
    """Return the display form: the first 3 and last 4 characters, the others as ``*``.

    The value is compacted but not validated, so a wrong number is masked too; a 15-digit
    number keeps its length. Never raises.

    >>> mask('110105 19491231 002x')
    '110***********002X'
    >>> mask(None)
    '<NoneType>'
    """
    if not isinstance(value, str):
        return mask_unknown(value)
    number = _clean(value)
    if _SHAPE.fullmatch(number):
        return keep_ends(number, 3, 4)
    return mask_unknown(number)


def calc_check_digit(value: str) -> str:
    """Return the check character for the first 17 digits (an 18th character is ignored).

    >>> calc_check_digit('11010519491231002')
    'X'
    """
    body = compact(value)[:17]
    if len(body) != 17:
        raise _error("cn_resident_id.length", body)
    if not _DIGITS17.fullmatch(body):
        raise _error("cn_resident_id.format", body)
    return _check_char(body)


def to_18(value: str) -> str:
    """Upgrade a 15-digit number to 18 digits (``19`` before the year, check character added).

    An 18-digit number is returned compacted. Only the shape is checked here; use `validate`
    to check the date and region as well.

    >>> to_18('110105491231002')
    '11010519491231002X'
    >>> to_18('11010519491231002x')
    '11010519491231002X'
    """
    number = compact(value)
    if len(number) == 18:
        if not _SHAPE.fullmatch(number):
            raise _error("cn_resident_id.format", number)
        return number
    if len(number) != 15:
        raise _error("cn_resident_id.length", number)
    if not _DIGITS15.fullmatch(number):
        raise _error("cn_resident_id.format", number)
    body = number[:6] + "19" + number[6:]
    return body + _check_char(body)


def get_birth_date(value: str) -> datetime.date:
    """Return the birth date of a valid number (raises like `validate` otherwise).

    >>> get_birth_date('110105491231002')
    datetime.date(1949, 12, 31)
    """
    number = _number(value)[0]
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def get_gender(value: str) -> Gender:
    """Return ``'M'`` (odd 17th digit) or ``'F'`` (even) for a valid number.

    >>> get_gender('11010519491231002X')
    'F'
    """
    number = _number(value)[0]
    return "M" if int(number[16]) % 2 else "F"


def _parse_periods(text: str) -> tuple[_Period, ...]:
    periods: list[_Period] = []
    for part in text.split(","):
        match = _PERIOD.fullmatch(part)
        if match is None:
            periods.append((part, None, None))
        else:
            start, end, name = match.groups()
            periods.append((name, int(start) if start else None, int(end) if end else None))
    return tuple(periods)


def _load_regions() -> dict[str, tuple[_Period, ...]]:
    """Read stdnum's cn/loc table into ``{six-digit code: periods}``."""
    from stdnum import numdb

    table: dict[str, tuple[_Period, ...]] = {}
    for _, low, high, props, children in numdb.get("cn/loc").prefixes:
        for province in range(int(low), int(high) + 1):
            code = f"{province:02d}"
            table.setdefault(code + "0000", ((str(props.get("province", "")), None, None),))
            for length, child_low, child_high, child_props, _ in children:
                county = child_props.get("county")
                if county is None:
                    continue
                for suffix in range(int(child_low), int(child_high) + 1):
                    table[code + f"{suffix:0{length}d}"] = _parse_periods(str(county))
    for code, name in _PERMIT_REGIONS.items():
        table[code] = ((name, None, None),)
    return table


def _region_table() -> dict[str, tuple[_Period, ...]]:
    global _regions  # noqa: PLW0603 - loaded once, on first use
    if _regions is None:
        _regions = _load_regions()
    return _regions


def _pick(periods: tuple[_Period, ...], year: int | None) -> tuple[str, str | None]:
    """Return the name in use in ``year`` (any name if None) and a warning code, if any."""
    if year is None:
        return periods[-1][0], None
    for name, start, end in periods:
        if (start is None or start <= year) and (end is None or year <= end):
            return name, None
    later = [(start, name) for name, start, _ in periods if start is not None and start > year]
    if later:
        return min(later)[1], "cn_resident_id.region_not_yet_created"
    ended = [(end, name) for name, _, end in periods if end is not None]
    return max(ended)[1], "cn_resident_id.region_retired"


def _region(code: str, year: int | None) -> tuple[str | None, str | None]:
    """Return the composed region name for a six-digit code and a warning code, if any.

    The name joins province, prefecture and county as the table knows them in ``year``; a
    code missing from the table gives the name of its known prefix and ``region_unknown``.
    """
    if code in _PERMIT_REGIONS:
        return _PERMIT_REGIONS[code], None
    table = _region_table()
    province = table.get(code[:2] + "0000")
    if province is None:
        return None, "cn_resident_id.region_unknown"
    parts = [_pick(province, year)[0]]
    prefecture = table.get(code[:4] + "00")
    if prefecture is not None:
        parts.append(_pick(prefecture, year)[0])
    periods = table.get(code)
    warning: str | None = "cn_resident_id.region_unknown"
    if periods is not None:
        name, warning = _pick(periods, year)
        parts.append(name)
    names: list[str] = []
    for name in parts:
        if name and name not in _GENERIC_NAMES and name not in names:
            names.append(name)
    return "".join(names), warning


def _masked_repr(value: str) -> str:
    return repr(mask_unknown(value))


def _region_code_repr(value: str) -> str:
    return repr(keep_ends(value, 3, 0))


def _birth_date_repr(value: datetime.date) -> str:
    return repr(f"{value.year:04d}-**-**")


@attrs.frozen
class ResidentId:
    """A validated resident ID and what it says; `repr` shows no more than `mask`.

    ``region_name`` is the name of the county in the birth year as far as the table knows
    it (province and prefecture when the county is missing), ``gender`` is ``'M'`` or ``'F'``.
    """

    number: str = attrs.field(repr=_masked_repr)
    region_code: str = attrs.field(repr=_region_code_repr)
    region_name: str | None = attrs.field(repr=False)
    birth_date: datetime.date = attrs.field(repr=_birth_date_repr)
    gender: Gender
    warnings: tuple[ValidationWarning, ...] = ()
    was_15_digit: bool = False

    def age(self, on: datetime.date) -> int:
        """Return the age in whole years on the given date.

        A person born on 29 February turns a year older on 1 March in common years.

        >>> parse('11010519491231002X').age(on=datetime.date(2024, 12, 31))
        75
        """
        born = self.birth_date
        if on < born:
            raise UsageError("The date is before the birth date.", message_zh="日期早于出生日期。")
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def format(self) -> str:
        """Return the 18-digit number."""
        return self.number

    def mask(self) -> str:
        """Return the display form of the 18-digit number (first 3 and last 4 characters)."""
        return keep_ends(self.number, 3, 4)


def parse(value: str, *, strict: bool = False) -> ResidentId:
    """Validate the value and return its parts as a `ResidentId`.

    >>> r = parse('120110198012010073')  # 东郊区, renamed 东丽区 in 1992
    >>> r.region_name, r.warnings
    ('天津市东郊区', ())
    >>> [w.code for w in parse('110103201501010014').warnings]  # 崇文区 retired in 2010
    ['cn_resident_id.region_retired']
    """
    number, was_15_digit = _number(value)
    year = int(number[6:10])
    codes: list[str] = []
    if number[6:10] < _WARN_YEAR:
        codes.append("cn_resident_id.birth_before_1900")
    region_name, region_warning = _region(number[:6], year)
    if region_warning is not None:
        codes.append(region_warning)
    if strict and codes:
        raise _error(codes[0], number)
    return ResidentId(
        number=number,
        region_code=number[:6],
        region_name=region_name,
        birth_date=datetime.date(year, int(number[10:12]), int(number[12:14])),
        gender="M" if int(number[16]) % 2 else "F",
        warnings=tuple(_warning(code) for code in codes),
        was_15_digit=was_15_digit,
    )
