"""Dates as real files hold them: ISO, slashes, ``20261204``, ``2026年12月4日``, Excel serials.

Core-system extracts and Excel sheets write the same day in many ways. `parse_date` accepts:

- year-month-day with ``-``, ``/`` or ``.`` and one- or two-digit month and day
  (``2026-12-04``, ``2026/12/4``, ``2026.12.4``), optionally followed by a time
  (``2026-12-04 10:30:00``, ``2026-12-04T10:30:00+08:00``, ``2026-12-04 10:30:00.0``,
  ``2026/12/4 上午 12:00:00``, as a Chinese locale writes a 12-hour time);
- eight digits ``20261204`` (and fourteen, ``20261204103000``);
- Chinese ``2026年12月4日``, optionally with ``0时`` / ``24时`` / ``零时起`` / ``二十四时止``
  after it;
- a day, a month by its name and a year: ``04-Dec-2026``, ``Dec 4, 2026``, and Oracle's
  Chinese default ``04-12月-2026`` (the month's name leaves no doubt about the order);
- Excel serial numbers of the 1900 date system, as numbers or as text of five digits
  (``46360``, ``46360.0``, ``46360.4375``); Excel's phantom 1900-02-29 (serial 60) is refused;
- `datetime.date` and `datetime.datetime` objects, as openpyxl returns them.

Full-width digits and separators are folded first. The time of day is checked, then dropped;
``24:00`` is the end of its day, as policies write their cover's end
(``2027-01-04 24:00:00`` is 4 January). `parse_moment` keeps it: the date and the time after
midnight, a 12-hour time made a 24-hour one (``下午 3:05`` is 15:05, ``上午 12:00`` midnight)
and a Chinese ``15时05分`` read as 15:05.

Chinese extracts write the year first. A date with the year last (``04/12/2026``: 4 December
or 12 April?) is refused as ``date.ambiguous`` — even one only a day-first or only a
month-first reading makes valid (``25/12/2026``), so that a column is read one way or not at
all. A two-digit year (``26/12/04``, ``26-12-4``, ``26年12月4日``, ``04-DEC-26``) is refused as
``date.two_digit_year``: 1926 or 2026 cannot be told. A bare year is no date either.

>>> parse_date("2026年12月4日")
datetime.date(2026, 12, 4)
>>> parse_date("46360"), parse_date(46360.0), parse_date("２０２６/１２/４")
(datetime.date(2026, 12, 4), datetime.date(2026, 12, 4), datetime.date(2026, 12, 4))
>>> parse_date("2026-02-30", field="cover_start")
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [date.range] cover_start=2********0: The date does not exist ...
>>> parse_date("04/12/2026")
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [date.ambiguous] value=0********6: The year comes last: ...
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from custmaster.errors import InvalidComponent, InvalidFormat
from custmaster.validate._mask import mask_unknown

__all__ = ["EARLIEST", "ERROR_CODES", "LATEST", "from_excel_serial", "parse_date", "parse_moment"]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "date.format": "The value is not a date in any recognised format.",
    "date.range": "The date (or time) does not exist or lies outside the accepted range.",
    "date.ambiguous": "The year comes last (04/12/2026): day-first or month-first is unknown.",
    "date.two_digit_year": "The year has two digits (26/12/04): its century is unknown.",
}

#: The earliest date `parse_date` accepts by default (the resident ID rules' limit).
EARLIEST = dt.date(1850, 1, 1)
#: The latest date `parse_date` accepts by default.
LATEST = dt.date(2100, 12, 31)

#: The half of the day a Chinese locale writes with a 12-hour time (``下午 3:05:00``).
_HALF_DAY = r"(?:上午|下午|凌晨|早上|中午|晚上)"
_TIME = (
    rf"(?:[ T]+(?:{_HALF_DAY}\s*)?(\d{{1,2}}):(\d{{2}})(?::(\d{{2}})(?:[.,]\d{{1,9}})?)?"
    rf"(?:\s*{_HALF_DAY})?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?"
)
_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
#: What may follow a date's day: 日 or 号, and a time, as ``15:05`` or in words (``15时05分``,
#: ``零时``, ``24时止``).
_CHINESE_TAIL = (
    r"\s*[日号]?"
    rf"(?:\s*(?:{_HALF_DAY}\s*)?(?:(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?"
    r"|(\d{1,2}|零|二十四)\s*[时点](?:\s*(\d{1,2})\s*分)?(?:\s*(\d{1,2})\s*秒)?[起止整]?))?"
)
_CHINESE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})" + _CHINESE_TAIL)
#: A separated date followed by 日 or a time in words (``2026.1.5日``, ``2026-01-05 0时``).
_SEPARATED_CHINESE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _CHINESE_TAIL)
#: The half of the day of a 12-hour time: afternoon and evening add twelve hours to 1-11,
#: noon to 1-10; morning makes 12 midnight.
_AFTERNOON = re.compile(r"下午|晚上")
_NOON = re.compile(r"中午")
_MORNING = re.compile(r"上午|凌晨|早上")
_CHINESE_HOURS = {"零": "0", "二十四": "24"}
_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
#: A day, a month by name and a year: ``04-Dec-2026``, ``4 December 2026``, ``Dec 4, 2026``,
#: and Oracle's Chinese ``04-12月-2026``; the month's name makes the order plain.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}  # fmt: skip
_DAY_MONTH_YEAR = re.compile(
    r"(\d{1,2})[-\s/]*([A-Za-z]{3,9}|\d{1,2}\s*月)\.?[-\s/,]+(\d{4}|\d{2})" + _TIME
)
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4}|\d{2})" + _TIME)
_YEAR_LAST = re.compile(r"\d{1,2}([-/.])\d{1,2}\1\d{4}" + _TIME)
_SHORT_YEAR = re.compile(
    r"(?:\d{2}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2\d{2}"
    r"|\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]?)" + _TIME
)

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31


def _format_error(value: object, field: str | None) -> InvalidFormat:
    return InvalidFormat(
        "Not a recognised date format (use YYYY-MM-DD, YYYY/M/D, YYYYMMDD or YYYY年M月D日).",
        code="date.format",
        field=field,
        masked_value=_mask(value),
        message_zh="无法识别的日期格式（应为 YYYY-MM-DD、YYYY/M/D、YYYYMMDD 或 YYYY年M月D日）。",
    )


def _range_error(value: object, field: str | None, why_en: str, why_zh: str) -> InvalidComponent:
    return InvalidComponent(
        why_en,
        code="date.range",
        field=field,
        masked_value=_mask(value),
        message_zh=why_zh,
    )


def _mask(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return mask_unknown(value.isoformat())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return mask_unknown(repr(value))
    return mask_unknown(value)


def from_excel_serial(serial: float, *, field: str | None = None) -> dt.date:
    """The date of an Excel serial number in the 1900 date system (the fraction is the time).

    Serial 1 is 1900-01-01; Excel counts a 1900-02-29 that never was (serial 60), which is
    refused, so serials from 61 on match every other program.

    >>> from_excel_serial(1), from_excel_serial(59), from_excel_serial(61)
    (datetime.date(1900, 1, 1), datetime.date(1900, 2, 28), datetime.date(1900, 3, 1))
    >>> from_excel_serial(46360.75)
    datetime.date(2026, 12, 4)
    """
    if not 1 <= serial < _EXCEL_MAX_SERIAL + 1 or int(serial) == 60:
        raise _range_error(
            serial,
            field,
            "The Excel serial number is not a date Excel can show.",
            "Excel 日期序号超出范围。",
        )
    days = int(serial)
    if days < 60:
        days += 1
    return _EXCEL_EPOCH + dt.timedelta(days=days)


def _build(value: object, field: str | None, parts: tuple[str | None, ...]) -> _Moment:
    """The date of ``(year, month, day, hour, minute, second)`` texts and the time after its
    midnight (None without an hour), a 12-hour time of ``value`` made a 24-hour one."""
    year, month, day = int(parts[0] or 0), int(parts[1] or 0), int(parts[2] or 0)
    try:
        result = dt.date(year, month, day)
    except ValueError:
        raise _range_error(
            value, field, "The date does not exist (month or day out of range).", "日期不存在。"
        ) from None
    if not parts[3]:
        return result, None
    hour, minute, second = (int(p) if p else 0 for p in parts[3:6])
    if hour == 24 and minute == second == 0:  # 24:00, the end of that day (二十四时止)
        return result, dt.timedelta(hours=24)
    if hour > 23 or minute > 59 or second > 59:
        raise _range_error(value, field, "The time of day does not exist.", "时间不存在。")
    if hour <= 12 and isinstance(value, str) and not value.isascii():
        if (hour < 12 and _AFTERNOON.search(value)) or (hour < 11 and _NOON.search(value)):
            hour += 12
        elif hour == 12 and _MORNING.search(value):
            hour = 0
    return result, dt.timedelta(hours=hour, minutes=minute, seconds=second)


#: A date and the time after its midnight (None when the value gives no time of day).
_Moment = tuple[dt.date, dt.timedelta | None]


def _chinese_moment(text: str, field: str | None, g: tuple[str | None, ...]) -> _Moment:
    """The moment of a `_CHINESE_TAIL` date's ``(year, month, day, hour, minute, second, hour,
    minute, second)`` texts: the time as ``15:05`` or in words (``15时05分``, 零时, 二十四时)."""
    if g[6] is not None:
        g = (*g[:3], _CHINESE_HOURS.get(g[6], g[6]), g[7], g[8])
    return _build(text, field, g[:6])


def _parse_text(text: str, field: str | None) -> _Moment:
    stripped = text.strip()
    if not stripped.isascii():
        stripped = unicodedata.normalize("NFKC", stripped).strip()
    match = _SEPARATED.fullmatch(stripped)
    if match is not None:
        g = match.groups()
        return _build(text, field, (g[0], g[2], g[3], g[4], g[5], g[6]))
    match = _DIGITS.fullmatch(stripped)
    if match is not None:
        return _build(text, field, match.groups())
    match = _CHINESE.fullmatch(stripped)
    if match is not None:
        return _chinese_moment(text, field, match.groups())
    match = _SEPARATED_CHINESE.fullmatch(stripped)
    if match is not None:
        g = match.groups()
        return _chinese_moment(text, field, (g[0], *g[2:]))
    if _SERIAL.fullmatch(stripped):
        return _serial_moment(float(stripped), field)
    named = _named_month(text, stripped, field)
    if named is not None:
        return named
    if _YEAR_LAST.fullmatch(stripped):
        raise InvalidFormat(
            "The year comes last: day-first or month-first cannot be told "
            "(write the year first: YYYY-MM-DD or YYYY/M/D).",
            code="date.ambiguous",
            field=field,
            masked_value=_mask(text),
            message_zh="年份在后，无法判断日月顺序（应年份在前：YYYY-MM-DD 或 YYYY/M/D）。",
        )
    if _SHORT_YEAR.fullmatch(stripped):
        raise _two_digit_year(text, field)
    raise _format_error(text, field)


def _serial_moment(serial: float, field: str | None) -> _Moment:
    """The day of an Excel serial number and the time its fraction gives (None for none)."""
    day = from_excel_serial(serial, field=field)
    seconds = round((serial % 1) * 86400)
    return day, (dt.timedelta(seconds=seconds) if seconds else None)


def _named_month(text: str, stripped: str, field: str | None) -> _Moment | None:
    """The date of ``04-Dec-2026``, ``Dec 4, 2026`` or ``04-12月-2026``, or None."""
    match = _DAY_MONTH_YEAR.fullmatch(stripped)
    if match is not None:
        day, month, year = match.group(1), match.group(2), match.group(3)
    else:
        match = _MONTH_DAY_YEAR.fullmatch(stripped)
        if match is None:
            return None
        month, day, year = match.group(1), match.group(2), match.group(3)
    if month.endswith("月"):
        number: int | None = int(month[:-1].strip())
    else:
        number = _MONTHS.get(month.casefold())
    if number is None:
        return None
    if len(year) == 2:
        raise _two_digit_year(text, field)
    return _build(text, field, (year, str(number), day, *match.groups()[3:6]))


def _two_digit_year(text: str, field: str | None) -> InvalidFormat:
    return InvalidFormat(
        "The year has two digits: its century cannot be told (write four digits).",
        code="date.two_digit_year",
        field=field,
        masked_value=_mask(text),
        message_zh="年份只有两位，无法判断世纪（应写四位年份）。",
    )


def parse_date(
    value: object,
    *,
    field: str | None = None,
    earliest: dt.date = EARLIEST,
    latest: dt.date = LATEST,
) -> dt.date:
    """Parse a date as a file or spreadsheet cell holds it (see the module description).

    Raises `custmaster.InvalidFormat` (``date.format``) for what is no date, and
    `custmaster.InvalidComponent` (``date.range``) for a date that does not exist or lies
    outside ``earliest``…``latest``; both carry ``field`` and the masked value.

    >>> parse_date("2026-12-04 10:30:00")
    datetime.date(2026, 12, 4)
    >>> parse_date("1799-01-01")
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidComponent: [date.range] value=1********1: The date lies outside ...
    """
    return parse_moment(value, field=field, earliest=earliest, latest=latest)[0]


def parse_moment(
    value: object,
    *,
    field: str | None = None,
    earliest: dt.date = EARLIEST,
    latest: dt.date = LATEST,
) -> tuple[dt.date, dt.timedelta | None]:
    """`parse_date`, with the time of day the value gives: the time after the date's
    midnight (``24:00`` is 24 hours, the end of the day), or None when it gives none.

    A Chinese 12-hour time is made a 24-hour one, and ``15时05分`` is read as 15:05, so that
    a claim reported 下午 3:05 comes after one reported at 上午 11:00 of the same day.

    >>> parse_moment("2026/12/4 下午 3:05:00")
    (datetime.date(2026, 12, 4), datetime.timedelta(seconds=54300))
    >>> parse_moment("2026年12月4日 9时30分")[1], parse_moment("2026-12-04")[1]
    (datetime.timedelta(seconds=34200), None)
    """
    moment: _Moment
    if isinstance(value, dt.datetime):
        clock = value - value.replace(hour=0, minute=0, second=0, microsecond=0)
        moment = value.date(), clock
    elif isinstance(value, dt.date):
        moment = value, None
    elif isinstance(value, str):
        moment = _parse_text(value, field)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isnan(value):
            raise _format_error(value, field)
        moment = _serial_moment(float(value), field)
    else:
        raise _format_error(value, field)
    result = moment[0]
    if not earliest <= result <= latest:
        raise _range_error(
            value,
            field,
            f"The date lies outside {earliest.isoformat()}..{latest.isoformat()}.",
            f"日期超出 {earliest.isoformat()} 至 {latest.isoformat()} 的范围。",
        )
    return moment
