"""Dates as core systems and spreadsheets write them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import InvalidComponent, InvalidFormat, ValidationError
from custmaster.workflows.dates import (
    EARLIEST,
    ERROR_CODES,
    LATEST,
    from_excel_serial,
    parse_date,
    parse_moment,
)

DAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-04",
        "2026/12/4",
        "2026/12/04",
        "2026.12.4",
        "20261204",
        "20261204103000",
        "2026年12月4日",
        "2026年12月04日",
        "2026 年 12 月 4 日",
        "2026年12月4号",
        "2026年12月4日0时",
        "2026年12月4日零时起",
        "2026年12月4日24时止",
        "2026年12月4日 10:30",
        "2026-12-04 10:30:00",
        "2026-12-04 10:30",
        "2026-12-04T10:30:00",
        "2026-12-04T10:30:00+08:00",
        "2026-12-04T02:30:00Z",
        "2026-12-04 10:30:00.0",
        "2026-12-04 00:00:00.000000",
        "2026/12/4 9:05:00",
        " 2026-12-04 ",
        "２０２６－１２－０４",
        "２０２６年１２月４日",
        "2026／12／4",
        "46360",
        "46360.0",
        "46360.4375",
    ],
)
def test_formats_seen_in_real_files(text: str) -> None:
    assert parse_date(text) == DAY


@pytest.mark.parametrize(
    "value",
    [46360, 46360.0, 46360.99, dt.date(2026, 12, 4), dt.datetime(2026, 12, 4, 23, 59, 59)],
)
def test_spreadsheet_cell_types(value: object) -> None:
    assert parse_date(value) == DAY


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2026",  # a bare year
        "202612",  # year and month only
        "2026-12",
        "2026-12/04",  # mixed separators
        "2026-12-04abc",
        "二〇二六年十二月四日",
        "4636",  # four digits is not a serial
        "tomorrow",
        "2026-12-04 10:30:00 PM",
    ],
)
def test_what_is_no_date_is_a_format_error(text: str) -> None:
    with pytest.raises(InvalidFormat) as info:
        parse_date(text, field="cover_start")
    assert info.value.code == "date.format"
    assert info.value.field == "cover_start"


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-29",  # not a leap year
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "2026年4月31日",
        "20261304",
        "2026-12-04 24:30:00",  # 24:00 is the end of the day; later is no time
        "2026-12-04 25:00",
        "2026-12-04 10:60",
        "1799-12-31",
        "2101-01-01",
        "99999",  # serial beyond LATEST
    ],
)
def test_impossible_or_out_of_range_dates_are_range_errors(text: str) -> None:
    with pytest.raises(InvalidComponent) as info:
        parse_date(text, field="first_registered")
    assert info.value.code == "date.range"
    assert info.value.field == "first_registered"


@pytest.mark.parametrize(
    "text",
    ["2027-01-04 24:00:00", "2027-01-04 24:00", "2027年1月4日24时止", "2027年1月4日二十四时止"],
)
def test_24_00_is_the_end_of_its_day(text: str) -> None:
    # 保险期间 … 至2027年1月4日二十四时止: the cover ends with 4 January (ISO 8601 allows 24:00)
    assert parse_date(text, field="cover_end") == dt.date(2027, 1, 4)


def test_leap_day_is_accepted() -> None:
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    assert parse_date("2000年2月29日") == dt.date(2000, 2, 29)


@pytest.mark.parametrize("value", [None, True, object(), float("nan"), float("inf"), -1, 0])
def test_junk_never_escapes_as_anything_but_validation_error(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        parse_date(value)
    assert info.value.code in ERROR_CODES


def test_excel_phantom_leap_day_is_refused() -> None:
    with pytest.raises(InvalidComponent):
        from_excel_serial(60)
    assert from_excel_serial(59) == dt.date(1900, 2, 28)
    assert from_excel_serial(61) == dt.date(1900, 3, 1)


def test_excel_serials_agree_with_openpyxl() -> None:
    from openpyxl.utils.datetime import from_excel

    for serial in (1, 2, 59, 61, 366, 25569, 36526, 44927, 46360, 73050):
        assert from_excel_serial(serial) == from_excel(serial).date(), serial


def test_bounds_can_be_changed() -> None:
    assert parse_date("1830-05-01", earliest=dt.date(1800, 1, 1)) == dt.date(1830, 5, 1)
    with pytest.raises(InvalidComponent):
        parse_date("2026-12-04", latest=dt.date(2026, 12, 3))


def test_errors_carry_only_a_masked_value() -> None:
    with pytest.raises(ValidationError) as info:
        parse_date("1990-13-07", field="birth_date")
    error = info.value
    assert error.masked_value is not None
    assert "1990-13-07" not in str(error)
    assert "1990-13-07" not in repr(error)
    assert "*" in error.masked_value


@settings(max_examples=200)
@given(st.dates(min_value=EARLIEST, max_value=LATEST))
def test_every_written_form_reads_back(day: dt.date) -> None:
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        day.strftime("%Y%m%d"),
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.isoformat()} 23:59:59",
    ]
    for form in forms:
        assert parse_date(form) == day, form


@settings(max_examples=200)
@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=LATEST))
def test_serial_round_trip(day: dt.date) -> None:
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_date(serial) == day
    assert parse_date(float(serial) + 0.5) == day
    if serial >= 10000:
        assert parse_date(str(serial)) == day


@pytest.mark.parametrize(
    ("text", "hours", "minutes"),
    [
        ("2026/12/4 下午 3:05:00", 15, 5),
        ("2026/12/4 3:05:00 下午", 15, 5),
        ("2026/12/4 上午 11:05", 11, 5),
        ("2026/12/4 上午 12:00:00", 0, 0),
        ("2026/12/4 12:00:00 上午", 0, 0),
        ("2026/12/4 中午 12:30", 12, 30),
        ("2026/12/4 中午 1:30", 13, 30),
        ("2026/12/4 晚上 8:00", 20, 0),
        ("2026/12/4 下午 15:05", 15, 5),
        ("2026.12.4 15:05", 15, 5),
        ("２０２６－１２－０４　１５：０５", 15, 5),
        ("2026年12月4日 15时05分", 15, 5),
        ("2026年12月4日15:05", 15, 5),
        ("2026年12月4日 下午3点", 15, 0),
        ("2026年12月4日 9时30分", 9, 30),
        ("2026年12月4日零时起", 0, 0),
        ("20261204150500", 15, 5),
        ("2026-12-04 24:00", 24, 0),
        ("2026年12月4日二十四时止", 24, 0),
    ],
)
def test_parse_moment_keeps_the_time_of_day(text: str, hours: int, minutes: int) -> None:
    day, clock = parse_moment(text)
    assert day == DAY
    assert clock == dt.timedelta(hours=hours, minutes=minutes)


@pytest.mark.parametrize("value", ["2026-12-04", "2026年12月4日", "20261204", "04-Dec-2026"])
def test_parse_moment_without_a_time_gives_none(value: str) -> None:
    assert parse_moment(value) == (DAY, None)


def test_parse_moment_of_serials_and_datetimes() -> None:
    assert parse_moment(46360.4375) == (DAY, dt.timedelta(hours=10, minutes=30))
    assert parse_moment(dt.datetime(2026, 12, 4, 10, 30)) == (
        DAY,
        dt.timedelta(hours=10, minutes=30),
    )
    assert parse_moment(DAY) == (DAY, None)


@pytest.mark.parametrize("text", ["2026/12/4 下午 25:05", "2026年12月4日 15时61分"])
def test_parse_moment_refuses_a_time_that_does_not_exist(text: str) -> None:
    with pytest.raises(InvalidComponent):
        parse_moment(text)


@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)))
def test_parse_moment_reads_back_what_a_chinese_locale_writes(moment: dt.datetime) -> None:
    moment = moment.replace(microsecond=0)
    hour12 = moment.hour % 12 or 12
    half = "上午" if moment.hour < 12 else "下午"
    clock = f"{hour12}:{moment.minute:02d}:{moment.second:02d}"
    text = f"{moment.year}/{moment.month}/{moment.day} {half} {clock}"
    day, after = parse_moment(text)
    assert after is not None
    assert dt.datetime.combine(day, dt.time()) + after == moment
