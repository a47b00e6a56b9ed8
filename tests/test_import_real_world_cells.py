"""The pieces behind real-world imports, one at a time: rows that are no data, bracketed header
qualifiers, zeros as placeholders, phone cells with notes, dates as locales write them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from _workflow_helpers import ID_LI, ID_ZHANG, read_csv, write_csv
from custmaster.errors import InvalidFormat, ValidationError
from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.dates import parse_date
from custmaster.workflows.headers import map_headers
from custmaster.workflows.reading import TableFormatError, open_table
from custmaster.workflows.validation import (
    RowValidator,
    is_zero_placeholder,
    split_phone_cell,
    validate_file,
)

HEADER = ("保单号", "被保险人", "身份证号", "手机")


def _rows(path: Path) -> tuple[list[tuple[int, str]], list[int], list[int]]:
    with open_table(path) as table:
        rows = [(n, row["保单号"]) for n, row in table]
        return rows, table.skipped_rows, table.summary_rows


def test_repeated_headers_their_titles_and_footers_are_skipped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "joined.csv",
        HEADER,
        [
            ("P1", "张伟", ID_ZHANG, "13800138000"),
            ("十二月清单", "", "", ""),  # a title line, then the header again
            HEADER,
            ("P2", "李娜", ID_LI, ""),
            (" 保单号", "被保险人", "身份证号", "手机"),  # the header again, spaced
            ("P3", "", "", ""),  # one cell, no header after it: data
            ("保单号", "张三", "", ""),  # starts as the header does: data
            ("合计", "", "", "3"),
            ("制表人：王五", "", "审核：赵六", ""),
            ("打印时间：2026-12-05", "", "", ""),
            ("第 1 页", "", "共 3 页", ""),
        ],
    )
    rows, skipped, summaries = _rows(path)
    assert rows == [(2, "P1"), (5, "P2"), (7, "P3"), (8, "保单号")]
    assert skipped == [3, 4, 6, 10, 11, 12]
    assert summaries == [9]


def test_a_lone_last_row_is_kept(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", HEADER, [("P1", "张伟", "", ""), ("P2", "", "", "")])
    assert _rows(path)[0] == [(2, "P1"), (3, "P2")]


def test_footer_needs_every_cell_to_be_a_label(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", HEADER, [("制表人：张三", "李娜", "", "")])
    assert _rows(path)[0] == [(2, "制表人：张三")]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("起保日期(起)", "cover_start"),
        ("终保日期（止）", "cover_end"),
        ("手机号码【必填】", "mobile"),
        ("*保单号(必填)", "policy_no"),
        ("车辆识别代号(VIN)", "vin"),
        ("初登日期 (yyyy-mm-dd)", "first_registered"),
        ("证件号码(投保人)", None),  # another party's
        ("手机(车主)", None),
        ("地址(2)", None),  # a numbered column of a single-valued field
        ("保费(元)", None),
        ("VIN号", "vin"),
        ("电动机号", "engine_no"),
        ("保单起期", "cover_start"),
        ("保单止期", "cover_end"),
        ("客户手机号码", "mobile"),
        ("客户身份证号码", "resident_id"),
        ("姓名/名称", "name"),
        ("详细地址", "address"),
        ("证件号码/统一社会信用代码", "resident_id"),  # a USCC there is read as one
        ("起保\n日期", "cover_start"),  # a line break typed in the header cell
        ("手机号码(11位)", "mobile"),
    ],
)
def test_header_spellings(header: str, field: str | None) -> None:
    assert map_headers([header]).fields == (field,)


def test_phone_column_spellings() -> None:
    header_map = map_headers(["被保险人电话", "客户联系方式"])
    assert header_map.phones == ("被保险人电话", "客户联系方式")


def test_second_descriptive_column_is_unmapped_not_a_repeat() -> None:
    header_map = map_headers(["客户地址", "通讯地址", "厂牌型号", "车型名称", "手机", "手机号码"])
    assert header_map.fields == ("address", None, "make_model", None, "mobile", None)
    assert header_map.repeats == (("手机号码", "mobile"),)
    assert header_map.unread == ("通讯地址", "车型名称")


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("mobile", "0", True),
        ("mobile", "00000000000", True),
        ("home_phone", "0000-0000000", True),
        ("phone", "'0", True),
        ("resident_id", "000000000000000000", True),
        ("plate", "0", True),
        ("vin", "00000000000000000", True),
        ("postcode", "000000", True),
        ("mobile", "０００００", True),
        ("mobile", "0592-0000000", False),
        ("mobile", "10000000000", False),
        ("mobile", "-", False),  # no zero: an empty marker, not this
        ("name", "0", False),
        ("policy_no", "0", False),  # a policy number of zeros is an error, not "none"
        ("cover_start", "0", False),
    ],
)
def test_zero_placeholders(field: str, text: str, expected: bool) -> None:
    assert is_zero_placeholder(field, text) is expected


def test_zeros_count_as_placeholders_in_validation() -> None:
    validator = RowValidator(map_headers(["手机", "联系电话", "身份证号"]), all_columns=True)
    result = validator(2, {"手机": "00000000000", "联系电话": "0", "身份证号": "0"})
    assert (result.values, result.rejects) == ({}, ())
    assert {c.column: c.placeholders for c in validator.column_summaries()} == {
        "手机": 1,
        "身份证号": 1,
        "联系电话": 1,
    }


@pytest.mark.parametrize(
    ("text", "first", "more"),
    [
        ("张先生13800138000", "+8613800138000", []),
        ("13800138000 张先生", "+8613800138000", []),
        ("13800138000或13900139000", "+8613800138000", ["+8613900139000"]),
        ("13800138000/0", "+8613800138000", []),
        ("13800138000/00000000000", "+8613800138000", []),
        ("13800138000  0591-87654321", "+8613800138000", ["+8659187654321"]),
        ("0591-87654321转8001 李女士", "+8659187654321;ext=8001", []),
        ("13800138000，0591-87654321", "+8613800138000", ["+8659187654321"]),
    ],
)
def test_phone_cells_read_around_notes(text: str, first: str, more: list[str]) -> None:
    value, further = split_phone_cell(text)
    assert (value, [n.canonical for n in further]) == (first, more)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("空号13800138000", "phone.status"),  # a note saying the number is dead
        ("13800138000/停机13900139000", "phone.status"),
        ("13800138000/1380013800", "phone.length"),  # a real part that is bad
        ("张先生", "phone.format"),
    ],
)
def test_phone_cells_that_stay_rejected(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        split_phone_cell(text)
    assert info.value.code == code
    assert "13800138000" not in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "2026/12/4 上午 12:00:00",
        "2026/12/4 下午 3:05:00",
        "2026-12-04 上午10:30",
        "04-Dec-2026",
        "4 December 2026",
        "Dec 4, 2026",
        "04-DEC-2026 00:00:00",
        "04-12月-2026",
        "2026-12-04 00:00:00",
        "2026/12/04 0:00",
        "2026.12.4",
        "20261204",
        "46360",
    ],
)
def test_dates_as_locales_write_them(text: str) -> None:
    assert parse_date(text) == dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("04-DEC-26", "date.two_digit_year"),  # Oracle's default: the century is unknown
        ("04-12月-26", "date.two_digit_year"),
        ("31-Feb-2026", "date.range"),
        ("04-Foo-2026", "date.format"),
        ("04/12/2026", "date.ambiguous"),
        ("25/12/2026", "date.ambiguous"),
    ],
)
def test_dates_that_are_refused(text: str, code: str) -> None:
    with pytest.raises(InvalidFormat if code != "date.range" else ValidationError) as info:
        parse_date(text, field="cover_start")
    assert (info.value.code, info.value.field) == (code, "cover_start")


def test_validate_and_import_agree_on_a_joined_export(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "joined.csv",
        (*HEADER, "联系电话"),
        [
            ("PDAA1", "张伟", ID_ZHANG, "张先生13800138000", "0"),
            ("XX分公司清单", "", "", "", ""),
            (*HEADER, "联系电话"),
            ("PDAA2", "李娜", ID_LI, "00000000000", "13900139000/0"),
            ("制表人：王五", "", "", "", ""),
        ],
        encoding="gb18030",
    )
    summary = validate_file(path)
    assert (summary.rows, summary.rejects, summary.placeholders) == (2, 0, 2)
    service = Service.open("memory://")
    imported = import_core_extract(service, path)
    assert (imported.rows, imported.new, imported.rejected) == (2, 2, 0)


def test_a_party_phone_of_zeros_is_no_value(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "parties.csv",
        ("保单号", "被保险人", "身份证号", "投保人", "投保人证件号码", "投保人手机"),
        [("PDAA1", "张伟", ID_ZHANG, "李娜", ID_LI, "0")],
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path)
    assert (summary.new, summary.rejected, summary.partial, summary.rejects) == (1, 0, 0, 0)
    holder = service.find(resident_id=ID_LI)
    assert len(holder) == 1
    assert [p.kind.value for p in holder[0].contact_points if p.kind.is_phone] == []


def _damaged_gbk(tmp_path: Path, filler_rows: int) -> Path:
    """A GBK export whose system cut a name by bytes: half a character, then the next cell."""
    lines = ["保单号,被保险人,身份证号,客户地址".encode("gbk")]
    lines += [b" " * 1000 + b",,,"] * filler_rows  # blank lines, to push the rest on
    lines.append(b"PDAA1," + "欧阳".encode("gbk") + "娜".encode("gbk")[:1] + b"," + ID_LI.encode())
    lines.append(f"PDAA2,李娜,{ID_ZHANG},厦门市思明区".encode("gbk"))
    lines.append(b"PDAA3," + "王芳".encode("gbk") + b",," + "厦门".encode("gbk")[:3])
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return path


@pytest.mark.parametrize("filler_rows", [0, 1100])  # in the sample, and past it (1 MB)
def test_a_character_cut_in_half_rejects_its_row_not_the_file(
    tmp_path: Path, filler_rows: int
) -> None:
    path = _damaged_gbk(tmp_path, filler_rows)
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "rejects.csv")
    assert summary.encoding == "gb18030"
    assert (summary.rows, summary.rejected) == (3, 2)
    assert summary.codes == (("cell.encoding", 2),)
    rejects = read_csv(tmp_path / "rejects.csv")
    assert [(r["row"], r["column"]) for r in rejects] == [
        (str(filler_rows + 2), "被保险人"),
        (str(filler_rows + 4), "客户地址"),
    ]
    assert all("\ufffd" not in r["masked_value"] for r in rejects)
    assert service.find(resident_id=ID_ZHANG)[0].name == "李娜"
    assert service.find(resident_id=ID_LI) == []
    checked = validate_file(path)
    assert (checked.rows_rejected, checked.codes) == (2, (("cell.encoding", 2),))


def test_a_damaged_header_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("保单号,被保险人".encode("gbk")[:-1] + b"\r\nP1,x\r\n" * 3)
    with pytest.raises(TableFormatError) as info:
        import_core_extract(Service.open("memory://"), path)
    assert info.value.code == "file.encoding"


def test_a_file_of_another_encoding_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "big5.csv"
    path.write_bytes(("保單號,被保險人\r\n" + "P1,張偉\r\n" * 50).encode("utf-16-le"))
    with pytest.raises(TableFormatError) as info:
        open_table(path)
    assert info.value.code == "file.encoding"
