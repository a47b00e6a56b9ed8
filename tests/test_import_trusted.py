"""The import's records: built from its validated cells without validating them again.

`custmaster.model._trusted.source_record` builds a `SourceRecord` from values already in its
converters' form; the core import (`custmaster.workflows.core_import`) normalises each cell
through those converters as it reads it and builds its records that way. These tests check
that every record, and every store an import fills, is exactly what the validated
construction gives: equal, with the same types (enums, dates, the extra `FrozenMap`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custmaster.errors import ValidationError
from custmaster.model import _convert, _trusted
from custmaster.model.policy import PolicyLine, PolicyRole
from custmaster.model.provenance import Channel, Provenance
from custmaster.model.source import FIELDS, SourceRecord
from custmaster.service import Service
from custmaster.testing import synth
from custmaster.testing.strategies import (
    addresses,
    emails,
    engine_numbers,
    invalid_resident_ids,
    names,
    phones,
    plates,
    policy_numbers,
    postcodes,
    resident_ids,
    source_records,
    usccs,
    vins,
)
from custmaster.workflows import core_import
from custmaster.workflows.channels import import_channel_file
from custmaster.workflows.core_import import CORE_SYSTEM, import_core_extract
from custmaster.workflows.demo import CHANNEL_FILES, write_book

# -- helpers -------------------------------------------------------------------------------


def _shape(record: SourceRecord | None) -> list[object] | None:
    """Every value of a record with its exact type: equality alone would let a plain string
    pass for an enum member, or a dict for the extra FrozenMap."""
    if record is None:
        return None
    found: list[object] = [type(record.provenance), record.provenance, type(record.extra)]
    for a in attrs.fields(SourceRecord):
        value = getattr(record, a.name)
        found.append((a.name, type(value), value))
    found.extend((key, type(text), text) for key, text in record.extra.items())
    return found


def _revalidated(record: SourceRecord) -> SourceRecord:
    """The same record built again through every converter of `SourceRecord`."""
    return SourceRecord(
        provenance=record.provenance,
        extra=dict(record.extra),
        **{name: getattr(record, name) for name in FIELDS},
    )


class _Validated(core_import._Importer):
    """The import as it was: cells kept as text, `SourceRecord` validates them."""

    trusted = False


class _Rejects:
    """A rejects sink that keeps what it is given."""

    def __init__(self) -> None:
        self.rows: list[tuple[object, ...]] = []

    @property
    def count(self) -> int:
        return len(self.rows)

    def add(self, reject: Any) -> None:
        self.rows.append(reject.as_row())


def _importer(
    cls: type[core_import._Importer], headers: tuple[str, ...], *, skip_bad_cells: bool
) -> core_import._Importer:
    return cls(
        Service.open("memory://"),
        Path("extract.csv"),
        CORE_SYSTEM,
        core_import._columns(headers, CORE_SYSTEM, None),
        observed_at=dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc),
        operator="op7",
        skip_bad_cells=skip_bad_cells,
        rejects=_Rejects(),  # type: ignore[arg-type]
        flagged={},
    )


# -- the trusted constructor ---------------------------------------------------------------


def test_the_trusted_constructor_knows_source_record() -> None:
    # if SourceRecord changes (a field, a converter, a validator), `source_record` builds
    # every record through the validated constructor: correct, but the import's gain is
    # gone. This test says so, so that `_trusted` learns the new form.
    assert _trusted._SOURCE_SLOTS is not None
    assert tuple(_trusted.SOURCE_CONVERTERS) == FIELDS


@settings(max_examples=150, deadline=None)
@given(source_records(), st.booleans())
def test_a_trusted_record_of_validated_values_equals_the_validated_one(
    record: SourceRecord, drop_none: bool
) -> None:
    values = {name: getattr(record, name) for name in FIELDS}
    if drop_none:
        values = {name: value for name, value in values.items() if value is not None}
    made = _trusted.source_record(record.provenance, values, dict(record.extra))
    assert made == record
    assert _shape(made) == _shape(record)
    again = _trusted.source_record(record.provenance, values, record.extra)
    assert _shape(again) == _shape(record)


_PROVENANCE = Provenance(channel="core_system", source_ref="P1#0", observed_at="2026-01-05")


@pytest.mark.parametrize(
    ("values", "extra"),
    [
        ({"line": "交强险", "role": "被保险人"}, {}),  # text where enums belong
        ({"cover_start": "2026-01-05"}, {}),  # a date as text
        ({"cover_start": dt.datetime(2026, 1, 5, 10, 30)}, {}),  # a datetime for a date
        ({"name": "  "}, {}),  # blank text is None
        ({"name": "张伟", "gender": "男"}, {}),
        ({"policy_no": "PDAA2026001"}, _convert.FrozenMap()),
        ({"policy_no": "PDAA2026001"}, {"车队": "三队"}),
    ],
)
def test_values_not_in_the_converters_form_take_the_validated_constructor(
    values: dict[str, Any], extra: Any
) -> None:
    made = _trusted.source_record(_PROVENANCE, values, extra)
    validated = SourceRecord(provenance=_PROVENANCE, extra=extra, **values)
    assert _shape(made) == _shape(validated)


@pytest.mark.parametrize(
    ("values", "extra", "error"),
    [
        ({"line": "???"}, {}, "policy_line.format"),
        ({"nmae": "张伟"}, {}, TypeError),  # an unknown field
        ({"mobile": 13800138000}, {}, "model.type"),
        ({"name": "张伟"}, {"x" * 65: "long column name"}, "record.extra"),
        ({"name": "张伟"}, {"车队": 3}, "record.extra"),
        ({"name": "张伟"}, None, "model.type"),
    ],
)
def test_values_the_validated_constructor_refuses_are_refused_the_same_way(
    values: dict[str, Any], extra: Any, error: str | type[Exception]
) -> None:
    with pytest.raises((ValidationError, TypeError)) as trusted_error:
        _trusted.source_record(_PROVENANCE, values, extra)
    with pytest.raises((ValidationError, TypeError)) as validated_error:
        SourceRecord(provenance=_PROVENANCE, extra=extra, **values)
    assert type(trusted_error.value) is type(validated_error.value)
    if isinstance(error, str):
        assert getattr(trusted_error.value, "code", None) == error
        assert getattr(validated_error.value, "code", None) == error
    else:
        assert isinstance(trusted_error.value, error)


def test_a_cross_field_check_of_source_record_runs_on_the_trusted_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `_make` runs no __attrs_post_init__; `source_record` runs the class's own, if any
    seen: list[SourceRecord] = []

    def post_init(self: SourceRecord) -> None:
        seen.append(self)
        start, end = self.cover_start, self.cover_end
        if start is not None and end is not None and end < start:
            raise ValueError("cover ends before it starts")

    monkeypatch.setattr(SourceRecord, "__attrs_post_init__", post_init, raising=False)
    values = {"cover_start": dt.date(2026, 1, 5), "cover_end": dt.date(2025, 1, 4)}
    with pytest.raises(ValueError, match="cover ends"):
        _trusted.source_record(_PROVENANCE, values, {})
    values["cover_end"] = dt.date(2027, 1, 4)
    made = _trusted.source_record(_PROVENANCE, values, {})
    assert seen[-1] is made


# -- rows as the import reads them ---------------------------------------------------------

HEADERS = (
    "保单号",
    "险种",
    "角色",
    "被保险人",
    "身份证号",
    "统一社会信用代码",
    "性别",
    "出生日期",
    "车牌号",
    "车架号",
    "发动机号",
    "厂牌型号",
    "初登日期",
    "起保日期",
    "终保日期",
    "客户地址",
    "邮编",
    "电子邮箱",
    "移动电话",
    "家庭电话",
    "办公电话",
    "传真",
    "联系电话",  # a phone of unknown kind
    "手机2",  # a repeated mobile column
    "证件号码",  # a repeated resident-ID column
    "签单日期",
    "保单状态",
    "新续保标志",
    "缴费状态",
    "上年保单号",
    "批改序号",
    "投保人",  # the holder: a record of its own
    "投保人证件号码",
    "投保人手机",
    "车队",  # an extra column
)

_EMPTY = st.sampled_from((None, "", " ", "NULL", "不详", "#N/A", "－", "\u3000"))


def _spaced(text: str) -> st.SearchStrategy[str]:
    """``text`` as a spreadsheet may hold it: padded, quoted, with inner spaces."""
    return st.sampled_from(
        (
            text,
            f" {text} ",
            f"'{text}",
            f'="{text}"',
            f"\u3000{text}",
            text.lower(),
            " ".join(text[i : i + 3] for i in range(0, len(text), 3)),
        )
    )


def _noise() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.text(max_size=8),
        st.integers(-10, 10**16),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(("4.40305E+17", "13800138000.0", "138OO138OOO", "X", "0", "?")),
    )


def _phone_cells(kind: str) -> st.SearchStrategy[Any]:
    one = phones(kind="mobile" if kind == "mobile" else "fixed_line").map(lambda p: p.text)
    mobile = phones(kind="mobile").map(lambda p: p.text)
    return st.one_of(
        one,
        one.flatmap(_spaced),
        st.tuples(one, mobile, st.sampled_from(("/", "、", ";", "，", " / ", "\n"))).map(
            lambda t: f"{t[0]}{t[2]}{t[1]}"
        ),  # several numbers in one cell
        st.integers(13000000000, 19999999999),  # an XLSX number cell
        st.integers(13000000000, 19999999999).map(float),
        st.integers(13000000000, 19999999999).map(lambda n: f"{n}.0"),
    )


def _id_cells() -> st.SearchStrategy[Any]:
    ids = resident_ids() | resident_ids(legacy_15=True)
    return st.one_of(
        ids,
        ids.flatmap(_spaced),
        resident_ids(legacy_15=True).map(int),  # a 15-digit ID as an XLSX number
    )


_BAD_IDS = st.one_of(
    resident_ids().filter(lambda n: n.isdigit()).map(float),  # rounded by Excel
    resident_ids().map(lambda n: f"{n[0]}.{n[1:6]}E+17"),  # as Excel shows it
    invalid_resident_ids().map(lambda v: v.value),
)


def _date_cells(start: dt.date, end: dt.date) -> st.SearchStrategy[Any]:
    days = st.dates(start, end)
    return st.one_of(
        days,  # an XLSX date cell
        days.map(lambda d: dt.datetime(d.year, d.month, d.day, 9, 30)),
        days.map(lambda d: d.isoformat()),
        days.map(lambda d: f"{d.year}/{d.month}/{d.day}"),
        days.map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
        days.map(lambda d: d.strftime("%Y%m%d")),
        days.map(lambda d: d.strftime("%Y.%m.%d")),
        days.map(lambda d: f"'{d.isoformat()}"),
        days.map(lambda d: (d - dt.date(1899, 12, 30)).days),  # an Excel serial
        days.map(lambda d: float((d - dt.date(1899, 12, 30)).days)),
        days.map(lambda d: str((d - dt.date(1899, 12, 30)).days)),
    )


_BAD_DATES = st.sampled_from(("2026-02-30", "26/1/5", "5/1/2026", "2026-13-01", "00000000"))


def _text_cells(values: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.one_of(values, values.flatmap(_spaced))


#: Cells of each column in the forms a valid value takes in real extracts.
_CELLS: dict[str, st.SearchStrategy[Any]] = {
    "保单号": _text_cells(policy_numbers()) | st.just("PD AA-2026/01#1"),
    "险种": st.sampled_from(("交强险", "商业险", " 商业 ", "Compulsory", "accident")),
    "角色": st.sampled_from(("被保险人", "投保人", "车主", " insured ", "HOLDER")),
    "被保险人": _text_cells(names() | names("organisation")) | st.just("张先生"),
    "身份证号": _id_cells(),
    "统一社会信用代码": _text_cells(usccs()),
    "性别": st.sampled_from(("男", "女", "M", "f", "1", "2")),
    "出生日期": _date_cells(dt.date(1930, 1, 1), dt.date(2020, 1, 1)),
    "车牌号": _text_cells(plates()) | plates().map(lambda p: f"{p[:2]}·{p[2:]}"),
    "车架号": _text_cells(vins()),
    "发动机号": _text_cells(engine_numbers()),
    "厂牌型号": _text_cells(st.sampled_from(("大众汽车牌SVW71810KJ", "丰田牌TV7200GLX"))),
    "初登日期": _date_cells(dt.date(2000, 1, 1), dt.date(2027, 1, 1)),
    "起保日期": _date_cells(dt.date(2015, 1, 1), dt.date(2030, 1, 1)),
    "终保日期": _date_cells(dt.date(2015, 1, 1), dt.date(2031, 1, 1)),
    "客户地址": _text_cells(addresses().map(lambda a: a.text))
    | addresses().map(lambda a: a.text.replace("市", "市\u3000 ")),
    "邮编": _text_cells(postcodes()) | postcodes().map(int) | postcodes().map(float),
    "电子邮箱": _text_cells(emails()),
    "移动电话": _phone_cells("mobile"),
    "家庭电话": _phone_cells("fixed_line"),
    "办公电话": _phone_cells("fixed_line"),
    "传真": _phone_cells("fixed_line"),
    "联系电话": _phone_cells("mobile") | _phone_cells("fixed_line"),
    "手机2": _phone_cells("mobile"),
    "证件号码": _id_cells(),
    "签单日期": _date_cells(dt.date(2015, 1, 1), dt.date(2027, 1, 1)) | st.just("2026-01-05 10:30"),
    "保单状态": st.sampled_from(("有效", "退保", "未缴费", "??")),
    "新续保标志": st.sampled_from(("新保", "续保", "转保", "x")),
    "缴费状态": st.sampled_from(("是", "否", "已缴费", "未知状态")),
    "上年保单号": _text_cells(policy_numbers()),
    "批改序号": st.sampled_from(("0", "1", " 2 ", 3, 3.0)),
    "投保人": _text_cells(names() | names("organisation")),
    "投保人证件号码": _id_cells() | usccs(),
    "投保人手机": _phone_cells("mobile"),
    "车队": st.text(max_size=6),
}

#: Cells a column's field refuses, or that a spreadsheet has already spoiled.
_BAD_CELLS: dict[str, st.SearchStrategy[Any]] = {
    "保单号": st.sampled_from(("保单1", "-PD1", "P" * 65)),
    "险种": st.sampled_from(("Ⅹ险", "1line")),
    "角色": st.sampled_from(("司机", "owner?")),
    "性别": st.sampled_from(("未说明", "3")),
    "身份证号": _BAD_IDS,
    "证件号码": _BAD_IDS,
    "投保人证件号码": _BAD_IDS,
    "出生日期": _BAD_DATES | st.just("2100-01-01"),
    "初登日期": _BAD_DATES,
    "起保日期": _BAD_DATES,
    "签单日期": _BAD_DATES,
}


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    """A row as a CSV or XLSX reader gives it, its cells in any of the forms spreadsheets
    leave them in, some empty; in half of the rows some cells are invalid."""
    bad = draw(st.booleans())
    row: dict[str, Any] = {}
    for header in HEADERS:
        how = draw(st.integers(0, 19))
        if how < 12:
            row[header] = draw(_CELLS[header])
        elif how < 18 or not bad:
            row[header] = draw(_EMPTY)
        else:
            row[header] = draw(_BAD_CELLS.get(header, _noise()))
    if draw(st.booleans()):  # a row that names another row's customer
        row["身份证号"] = "11010519491231002X"
    if draw(st.booleans()):  # a repeated column most often repeats the value
        row["证件号码"] = row["身份证号"]
        row["手机2"] = row["移动电话"]
    return row


def _read(importer: core_import._Importer, number: int, row: dict[str, Any]) -> list[object]:
    """What the import makes of a row: its record, companions, rejects and counters."""
    record = importer.record(number, row)
    batch = [] if record is None else [record, *importer.companions(record)]
    batch += importer._party_records
    importer._more.clear()
    importer._party_records.clear()
    rejects = importer.rejects.rows  # type: ignore[attr-defined]
    return [
        [_shape(made) for made in batch],
        batch,
        list(rejects),
        dict(importer.codes),
        importer.partial,
    ]


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(rows(), min_size=1, max_size=4), st.booleans())
def test_the_import_builds_the_record_the_validated_constructor_builds(
    given_rows: list[dict[str, Any]], skip_bad_cells: bool
) -> None:
    # the same rows through the trusted import and through the import that lets
    # SourceRecord validate every cell: the same records (types included), companions,
    # party records, rejects (codes, masked values) and counts, row after row (the
    # trusted import remembers the cells it has read)
    trusted = _importer(core_import._Importer, HEADERS, skip_bad_cells=skip_bad_cells)
    validated = _importer(_Validated, HEADERS, skip_bad_cells=skip_bad_cells)
    assert trusted.trusted
    assert not validated.trusted
    for number, row in enumerate([*given_rows, *given_rows], start=2):
        made = _read(trusted, number, row)
        assert made == _read(validated, number, row)
        for record in made[1]:  # each one is what SourceRecord makes of its own values
            assert _shape(_revalidated(record)) == _shape(record)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_each_column_alone_gives_the_validated_record(data: st.DataObject) -> None:
    # one mapped column at a time, so that a row is rarely rejected for another cell
    header = data.draw(st.sampled_from(HEADERS[:22]))
    headers = ("保单号", header) if header != "保单号" else (header,)
    trusted = _importer(core_import._Importer, headers, skip_bad_cells=False)
    validated = _importer(_Validated, headers, skip_bad_cells=False)
    for number in range(2, 6):
        row = {"保单号": "PDAA2026000001", header: data.draw(_CELLS[header])}
        made = _read(trusted, number, row)
        assert made == _read(validated, number, row)


# -- whole imports -------------------------------------------------------------------------


def _store_of(
    files: list[tuple[str, Path]], trusted: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, int], list[object]]:
    monkeypatch.setattr(core_import._Importer, "trusted", trusted)
    with Service.open("memory://") as service:
        for channel, path in files:
            if channel == "core_system":
                import_core_extract(service, path)
            else:
                import_channel_file(service, path, channel)
        customers = sorted(service.iter_customers(), key=lambda c: c.id)
        observations = [
            _shape(record)
            for customer in customers
            for record in service.store.observations(customer.id)
        ]
        return service.counts(), [customers, observations]


def test_the_demo_book_makes_the_same_store_with_and_without_the_trusted_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_book(tmp_path)
    files = [(name, tmp_path / f"{name}.csv") for name in CHANNEL_FILES]
    trusted = _store_of(files, True, monkeypatch)
    validated = _store_of(files, False, monkeypatch)
    assert trusted[0] == validated[0]
    assert trusted[0]["customers"] > 50
    assert trusted[1] == validated[1]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_synthetic_extract_makes_the_same_store_with_and_without_the_trusted_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # the XLSX file holds numbers and dates as typed cells
    if kind == "xlsx":
        pytest.importorskip("openpyxl")
    book = synth.generate(seed=11, people=150, years=1)
    written = (synth.write_csv if kind == "csv" else synth.write_xlsx)(book, tmp_path)
    files = [("core_system", written.paths["core_system"])]
    trusted = _store_of(files, True, monkeypatch)
    validated = _store_of(files, False, monkeypatch)
    assert trusted[0] == validated[0]
    assert trusted[0]["customers"] > 100
    assert trusted[1] == validated[1]


def test_a_partial_row_with_a_role_column_keeps_the_reference_of_its_role(
    tmp_path: Path,
) -> None:
    # a row imported without its bad cell goes through the validator, whose role is a
    # PolicyRole: its reference names the role by its code, as a clean row's does
    path = tmp_path / "core.csv"
    path.write_text(
        "保单号,角色,被保险人,身份证号,移动电话\n"
        "PDAA2026001,被保险人,张伟,11010519491231002X,13800138000\n"
        "PDAA2026002,被保险人,李娜,110105198001010024,13800138OOO\n",
        encoding="utf-8-sig",
    )
    with Service.open("memory://") as service:
        summary = import_core_extract(service, path, skip_bad_cells=True)
        assert (summary.new, summary.partial) == (2, 1)
        refs = sorted(
            record.provenance.source_ref
            for customer in service.iter_customers()
            for record in service.store.observations(customer.id)
        )
    assert refs == ["PDAA2026001#0#insured", "PDAA2026002#0#insured"]


def test_policy_line_and_role_of_a_trusted_record_are_the_enum_members() -> None:
    importer = _importer(core_import._Importer, ("保单号", "险种", "角色"), skip_bad_cells=False)
    record = importer.record(2, {"保单号": "pdaa2026001", "险种": "交强险", "角色": "车主"})
    assert record is not None
    assert record.line is PolicyLine.COMPULSORY
    assert record.role is PolicyRole.OWNER
    assert record.provenance.source_ref == "PDAA2026001#0#owner"


def test_the_trusted_constructor_knows_provenance() -> None:
    # As for `SourceRecord` above: a changed `Provenance` sends every record's provenance
    # through the validated constructor until `_trusted` learns the new form.
    assert _trusted._PROVENANCE_KNOWN


@given(
    channel=st.sampled_from(["core_system", "telesales", Channel.CORE_SYSTEM, Channel.MANUAL]),
    source_ref=st.text(max_size=8),
    observed_at=st.datetimes(timezones=st.none() | st.timezones())
    | st.dates()
    | st.just("2026-01-02T03:04:05+08:00"),
    operator=st.none() | st.text(max_size=4),
)
def test_a_trusted_provenance_is_the_validated_one(
    channel: Any, source_ref: str, observed_at: Any, operator: str | None
) -> None:
    try:
        expected = Provenance(
            channel=channel, source_ref=source_ref, observed_at=observed_at, operator=operator
        )
    except ValidationError as error:
        code = error.code
        with pytest.raises(type(error), match=re.escape(f"[{code}]")):
            _trusted.provenance(channel, source_ref, observed_at, operator)
        return
    made = _trusted.provenance(channel, source_ref, observed_at, operator)
    assert made == expected
    assert [type(getattr(made, a.name)) for a in attrs.fields(Provenance)] == [
        type(getattr(expected, a.name)) for a in attrs.fields(Provenance)
    ]
    assert made.recorded_at == expected.recorded_at
