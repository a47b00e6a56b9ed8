"""Reading CSV and XLSX files as Chinese insurers' systems write them."""

from __future__ import annotations

import datetime as dt
import re
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from custmaster.errors import UsageError
from custmaster.workflows import reading
from custmaster.workflows.reading import TableFormatError, detect_encoding, open_table, read_rows

HEADER = ["保单号", "被保险人", "客户地址"]
ROWS = [
    ["PDAA202635020000000001", "张伟", "福建省厦门市思明区湖滨南路1号"],
    ["PDAA202635020000000002", "欧阳娜娜", "北京市朝阳区建国路88号"],
    ["PDAA202635020000000003", "𪚥龑", "广东省深圳市南山区科技园"],  # outside GBK
]


def _csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    return "".join(delimiter.join(row) + "\r\n" for row in rows)


def _write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"), ("gb18030", "gb18030")],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = _write(tmp_path / "book.csv", _csv_text([HEADER, *ROWS]), encoding)
    with open_table(path) as table:
        assert table.kind == "csv"
        assert table.encoding == detected
        assert table.headers == tuple(HEADER)
        rows = list(table)
    assert [number for number, _ in rows] == [2, 3, 4]
    assert [row["被保险人"] for _, row in rows] == ["张伟", "欧阳娜娜", "𪚥龑"]


def test_gbk_file_is_read_as_gb18030(tmp_path: Path) -> None:
    path = _write(tmp_path / "gbk.csv", _csv_text([HEADER, *ROWS[:2]]), "gbk")
    with open_table(path, encoding="GBK") as table:
        assert table.encoding == "gb18030"
        assert [row["客户地址"] for _, row in table][1] == "北京市朝阳区建国路88号"


def test_given_utf8_reads_a_bom_file_without_leaving_the_bom(tmp_path: Path) -> None:
    path = _write(tmp_path / "bom.csv", _csv_text([HEADER, ROWS[0]]), "utf-8-sig")
    with open_table(path, encoding="utf-8") as table:
        assert table.headers[0] == "保单号"


def test_unknown_encoding_name_is_a_usage_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "a,b\n1,2\n", "ascii")
    with pytest.raises(UsageError) as info:
        open_table(path, encoding="klingon")
    assert info.value.code == "file.encoding_name"


def test_utf16_tab_separated_unicode_text_export(tmp_path: Path) -> None:
    path = _write(tmp_path / "unicode.txt", _csv_text([HEADER, *ROWS], "\t"), "utf-16")
    with open_table(path) as table:
        assert table.encoding == "utf-16"
        assert table.delimiter == "\t"
        assert [row["被保险人"] for _, row in table] == ["张伟", "欧阳娜娜", "𪚥龑"]


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    path = _write(tmp_path / "d.csv", _csv_text([HEADER, *ROWS], delimiter), "utf-8")
    with open_table(path) as table:
        assert table.delimiter == delimiter
        assert len(table.headers) == 3


def test_a_wrong_guess_mid_file_fails_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "SAMPLE_SIZE", 64)
    rows = [[f"P{i:05d}", "x"] for i in range(2000)]  # beyond the first chunk read
    text = _csv_text([["policy_no", "name"], *rows])
    path = tmp_path / "late.csv"
    path.write_bytes(text.encode("ascii") + "P99999,张伟\r\n".encode("gbk"))
    with open_table(path) as table:
        assert table.encoding == "utf-8"
        with pytest.raises(TableFormatError) as info:
            list(table)
    assert info.value.code == "file.encoding"
    assert "gb18030" in info.value.message


def test_quoted_fields_and_blank_rows_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    text = '保单号,客户地址,备注\r\nP1,"福建省厦门市\r\n思明区, 1号",a\r\n\r\n,,\r\nP2,北京市,b\r\n'
    path = _write(tmp_path / "q.csv", text, "utf-8")
    rows = list(read_rows(path))
    assert [n for n, _ in rows] == [2, 5]
    assert rows[0][1]["客户地址"] == "福建省厦门市\r\n思明区, 1号"


def test_blank_duplicate_and_overflowing_columns_are_kept(tmp_path: Path) -> None:
    text = "手机,,手机,手机\r\n1,2,3,4,5\r\n6\r\n"
    path = _write(tmp_path / "dup.csv", text, "utf-8")
    with open_table(path) as table:
        assert table.headers == ("手机", "column_2", "手机 (2)", "手机 (3)")
        rows = [row for _, row in table]
    assert rows[0] == {
        "手机": "1",
        "column_2": "2",
        "手机 (2)": "3",
        "手机 (3)": "4",
        "column_5": "5",
    }
    assert rows[1] == {"手机": "6"}


def test_title_lines_are_skipped_with_a_header_score(tmp_path: Path) -> None:
    text = "客户清单（2026年12月）\r\n导出人：系统\r\n" + _csv_text([HEADER, *ROWS])

    def score(headers: tuple[str, ...]) -> int:
        return sum(h in HEADER for h in headers)

    path = _write(tmp_path / "title.csv", text, "utf-8")
    with open_table(path, header_score=score) as table:
        assert table.header_row == 3
        assert [n for n, _ in table] == [4, 5, 6]
    with open_table(path, header_row=3) as table:
        assert table.headers == tuple(HEADER)
    with open_table(path) as table:
        assert table.header_row == 1


def test_header_row_beyond_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "short.csv", _csv_text([HEADER]), "utf-8")
    with pytest.raises(TableFormatError) as info:
        open_table(path, header_row=5)
    assert info.value.code == "file.header_row"


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b" , ,\r\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(TableFormatError) as info:
        open_table(path)
    assert info.value.code == "file.empty"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x81\x30\xff\xfe\x00abc" * 10, "file.encoding"),
        (b"a,b\n\xff\xff\xff\n", "file.encoding"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "file.xls"),  # a broken .xls
    ],
)
def test_what_is_no_text_table(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(TableFormatError) as info:
        open_table(path)
    assert info.value.code == code
    assert info.value.code in reading.ERROR_CODES


def test_detect_encoding_on_a_cut_sample() -> None:
    data = "保单号".encode()
    assert detect_encoding(data[:-1]) == "utf-8"  # a character cut by the sample boundary
    with pytest.raises(TableFormatError):  # the whole file: a cut character is an error
        detect_encoding(data[:-2], complete=True)
    with pytest.raises(TableFormatError):
        detect_encoding(b"\xff\xff\xff", complete=True)


def test_streaming_reads_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    line = "PDAA202635020000000001,张伟,福建省厦门市思明区湖滨南路1号,13800138000\r\n"
    with path.open("w", encoding="gb18030", newline="") as out:
        out.write("保单号,被保险人,客户地址,移动电话\r\n")
        out.writelines(line for _ in range(100_000))
    assert path.stat().st_size > 7_000_000
    tracemalloc.start()
    try:
        count = 0
        progress: list[float | None] = []
        with open_table(path) as table:
            for _number, _row in table:
                count += 1
                if count % 25_000 == 0:
                    progress.append(table.progress())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 100_000
    assert peak < 3_000_000, peak  # the 1 MiB detection sample dominates
    values = [p for p in progress if p is not None]
    assert values == sorted(values)
    assert values[-1] > 0.9


def test_repr_shows_no_values(tmp_path: Path) -> None:
    path = _write(tmp_path / "r.csv", _csv_text([HEADER, *ROWS]), "utf-8")
    with open_table(path) as table:
        text = repr(table)
    assert "张伟" not in text
    assert "r.csv" in text


# --- XLSX -------------------------------------------------------------------------------------

openpyxl = pytest.importorskip("openpyxl")


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_keeps_cell_types_and_row_numbers(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "book.xlsx",
        {
            "承保清单": [
                ["保单号", "起保日期", "移动电话", "备注"],
                ["P1", dt.datetime(2026, 12, 4), 13800138000, None],
                [],
                ["P2", 46360, "139 0013 9000", "续保"],
            ]
        },
    )
    with open_table(path) as table:
        assert (table.kind, table.sheet, table.encoding) == ("xlsx", "承保清单", None)
        rows = list(table)
    assert [n for n, _ in rows] == [2, 4]
    assert rows[0][1]["起保日期"] == dt.datetime(2026, 12, 4)
    assert rows[0][1]["移动电话"] == 13800138000
    assert rows[1][1]["起保日期"] == 46360
    assert rows[1][1]["备注"] == "续保"


def test_xlsx_sheet_by_name_and_unknown_sheet(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "two.xlsx",
        {"说明": [["本表为客户清单"]], "客户": [["保单号", "被保险人"], ["P1", "张伟"]]},
    )
    with open_table(path, sheet="客户") as table:
        assert [row["被保险人"] for _, row in table] == ["张伟"]
    with pytest.raises(UsageError) as info:
        open_table(path, sheet="Sheet9")
    assert info.value.code == "file.sheet"
    assert "说明" in info.value.message


def test_a_workbook_opening_with_a_notes_sheet_is_read_from_its_data_sheet(
    tmp_path: Path,
) -> None:
    path = _workbook(
        tmp_path / "book.xlsx",
        {
            "说明": [["本表为车险客户清单"], ["导出日期", "2026-03-31"]],
            "清单": [["XX分公司清单"], ["保单号", "被保险人", "身份证号"], ["P1", "张伟", "x"]],
            "统计": [["合计", 1]],
        },
    )
    with open_table(path, header_score=_known) as table:
        assert (table.sheet, table.header_row) == ("清单", 2)
        assert [row["保单号"] for _, row in table] == ["P1"]
    with open_table(path) as table:  # without a way to score headers: the first sheet
        assert table.sheet == "说明"


def test_workbook_is_told_by_content_not_name(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "export.csv", {"S": [["保单号"], ["P1"]]})
    with open_table(path) as table:
        assert table.kind == "xlsx"


def test_wrong_dimension_record_loses_no_column(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "good.xlsx", {"S": [["保单号", "被保险人"], ["P1", "张伟"]]})
    bad = tmp_path / "bad-dimension.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data, count = re.subn(
                    rb'<dimension ref="A1:B2"\s*/>', b'<dimension ref="A1:A1"/>', data
                )
                assert count == 1
            target.writestr(item, data)
    with open_table(bad) as table:
        assert table.headers == ("保单号", "被保险人")
        assert [row for _, row in table] == [{"保单号": "P1", "被保险人": "张伟"}]


@pytest.mark.parametrize("name", ["broken.xlsx", "zip.csv"])
def test_broken_workbook(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".xlsx"):
        path.write_bytes(b"not a zip at all")
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
    with pytest.raises(TableFormatError) as info:
        open_table(path)
    assert info.value.code == "file.xlsx"


def test_missing_openpyxl_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "book.xlsx", {"S": [["保单号"], ["P1"]]})
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(UsageError) as info:
        open_table(path)
    assert info.value.code == "file.excel_extra"
    assert "custmaster[excel]" in info.value.message


# --- Excel 97-2003 (.xls) and HTML tables saved as .xls -------------------------------------

XLS = Path(__file__).parent / "data" / "core-extract.xls"


def _known(headers: tuple[str, ...]) -> int:
    return sum(h in ("保单号", "被保险人", "身份证号") for h in headers)


def test_xls_keeps_cell_types_title_rows_and_summary_rows() -> None:
    # written by tools/make_xls_fixture.py: a title row, IDs as text, a phone as a number,
    # date cells, a blank row and a 合计 row
    with open_table(XLS, header_score=_known) as table:
        assert (table.kind, table.sheet, table.header_row) == ("xls", "客户清单", 2)
        rows = list(table)
        assert table.sheets[0].summary_rows == [6]
        # the 续保 sheet, one column of policy numbers, is a list: read after it
        assert [sheet.name for sheet in table.sheets] == ["客户清单", "续保"]
    assert [number for number, _ in rows] == [3, 4, 2]
    first = rows[0][1]
    assert first["身份证号"] == "11010519491231002X"
    assert first["移动电话"] == 13800138000.0
    assert first["起保日期"] == dt.datetime(2026, 3, 1)
    assert rows[1][1]["车架号"] is None


def test_xls_sheet_by_name_and_unknown_sheet() -> None:
    with open_table(XLS, sheet="续保") as table:
        assert [row for _, row in table] == [{"保单号": "PDAA2026399"}]
    with pytest.raises(UsageError) as info:
        open_table(XLS, sheet="无此表")
    assert info.value.code == "file.sheet"
    assert "客户清单" in info.value.message


def test_missing_xlrd_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xlrd", None)
    with pytest.raises(UsageError) as info:
        open_table(XLS)
    assert info.value.code == "file.excel_extra"
    assert "custmaster[excel]" in info.value.message


def test_an_html_table_saved_as_xls_is_read(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        "</head><body><table border=1>"
        '<tr><td colspan="3">车险客户清单 &amp; 续保</td></tr>'
        "<tr><th>保单号</th><th>被保险人</th><th>客户地址</th></tr>"
        "<tr><td>PDAA2026401</td><td> 张伟 </td><td>福建省厦门市<br>思明区湖滨南路1号</td></tr>"
        "<tr><td></td><td></td><td></td></tr>"
        "<tr><td>PDAA2026402</td><td>李娜</td><td></td></tr>"
        "</table><table><tr><td>another table</td></tr></table></body></html>"
    )
    path = tmp_path / "导出.xls"
    path.write_bytes(page.encode("gbk"))
    with open_table(path, header_score=_known) as table:
        assert (table.kind, table.encoding, table.header_row) == ("html", "gb18030", 2)
        rows = list(table)
    assert rows == [
        (
            3,
            {
                "保单号": "PDAA2026401",
                "被保险人": "张伟",
                "客户地址": "福建省厦门市 思明区湖滨南路1号",
            },
        ),
        (5, {"保单号": "PDAA2026402", "被保险人": "李娜", "客户地址": ""}),
    ]


def test_an_html_page_without_a_table(tmp_path: Path) -> None:
    path = tmp_path / "登录.xls"
    path.write_text("<!DOCTYPE html><html><body>请先登录</body></html>", encoding="utf-8")
    with pytest.raises(TableFormatError) as info:
        open_table(path)
    assert info.value.code == "file.html"
    assert info.value.code in reading.ERROR_CODES
