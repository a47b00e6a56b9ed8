"""Workbooks of several data sheets: one per month beside a 说明 and a 汇总 sheet, a month of
another layout, a hidden month, a month with only its header, an empty sheet, a chart.

Every data sheet is read, each by its own header, in imports and ``custmaster validate``; the
other sheets are skipped and listed. Rows of the main sheet keep the source references an
import of one sheet gave them; rows of the other sheets have their own, stable ones.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from _workflow_helpers import read_csv, resident_id, write_csv
from custmaster.cli import cli
from custmaster.errors import UsageError
from custmaster.service import Service
from custmaster.workflows.channels import import_channel_file
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.headers import map_headers
from custmaster.workflows.reading import TableFormatError, open_table
from custmaster.workflows.validation import REJECT_COLUMNS, validate_file

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.chart import BarChart, Reference  # noqa: E402

pytest_plugins = ["_workflow_fixtures"]

HEADER = ("保单号", "被保险人", "身份证号", "手机", "终保日期")
#: 6月's layout: its columns reordered and spelt otherwise, 备注 more and 终保日期 less.
JUNE = ("被保险人姓名", "证件号码", "保单号码", "移动电话", "备注")
MONTHS = tuple(f"{month}月" for month in range(1, 13))
NAMES = ("张伟", "李娜", "王芳", "赵敏", "陈明", "刘洋", "杨帆", "黄磊", "周杰", "吴昊", "孙丽")


def person(month: int, n: int) -> tuple[str, str, str, str]:
    """The policy number, name, resident ID and mobile of a month's ``n``-th row (0 or 1)."""
    return (
        f"PDAA2026{month:02d}{n:03d}",
        NAMES[month - 1] + ("" if n == 0 else "乙"),
        resident_id(f"3502031980{month:02d}{10 + n:02d}123"),
        f"138{month:02d}{n:06d}",
    )


def month_rows(month: int) -> list[list[object]]:
    """A month's sheet: a title, the header on row 2, a row naming its policy (row 3), a row
    naming none (row 4, referenced by its row number), then a footer or a total."""
    first, second = person(month, 0), person(month, 1)
    phone = "1380500000O" if month == 5 else second[3]  # a letter O for a zero: rejected
    end = dt.datetime(2027, month, 1)
    if month == 6:
        return [
            ["XX分公司 2026年6月 续保清单"],
            list(JUNE),
            [first[1], first[2], first[0], first[3], "续保"],
            [second[1], second[2], None, second[3], None],
        ]
    rows: list[list[object]] = [
        [f"XX分公司 2026年{month}月 续保清单"],
        list(HEADER),
        [first[0], first[1], first[2], first[3], end],
        [None, second[1], second[2], phone, end],
    ]
    if month == 3:
        rows.append(["制表人：张三", None, None, "打印时间：2026-04-01"])
    if month == 4:
        rows.append(["合计", None, None, None, 2])
    return rows


def year_book(path: Path) -> Path:
    """A branch office's workbook of a year: 说明, twelve months (1月 hidden, 6月 of another
    layout, 12月 only its header), an empty sheet, a pivot 汇总 and a chart."""
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "说明"
    for row in (["本工作簿为2026年续保清单，每月一表"], ["字段", "说明"],
                ["保单号", "核心系统保单号码"], ["手机", "被保险人手机号"]):  # fmt: skip
        notes.append(row)
    for month, name in enumerate(MONTHS, 1):
        sheet = workbook.create_sheet(name)
        for row in month_rows(month) if month < 12 else [["XX分公司 2026年12月"], list(HEADER)]:
            sheet.append(row)
    workbook["1月"].sheet_state = "hidden"  # an old month, hidden
    workbook.create_sheet("空白")
    pivot = workbook.create_sheet("汇总")
    for row in (
        ["机构", "险种", "件数", "保费"],
        ["厦门", "商业险", 21, 45678.5],
        ["合计", None, 21, 45678.5],
    ):
        pivot.append(row)
    chart = BarChart()
    chart.add_data(Reference(pivot, min_col=3, min_row=1, max_row=2))
    workbook.create_chartsheet("图表").add_chart(chart)
    workbook.save(path)
    return path


#: How the import counts the year book: 11 months of 2 rows (12月 has none).
ROWS = 22
SKIPPED = (("说明", "few_columns"), ("空白", "empty"), ("汇总", "few_columns"), ("图表", "chart"))


def _score(headers: tuple[str, ...]) -> int:
    return map_headers(headers).score()


# --- reading -----------------------------------------------------------------------------------


def test_every_data_sheet_is_read_in_workbook_order_by_its_own_header(tmp_path: Path) -> None:
    path = year_book(tmp_path / "2026.xlsx")
    with open_table(path, header_score=_score) as table:
        assert table.sheet_names == MONTHS
        assert table.skipped_sheets == SKIPPED
        assert table.main_sheet == "1月"
        seen = [(table.sheet, number, row) for number, row in table]
        assert [s.name for s in table.sheets] == list(MONTHS)
        fractions = table.progress()
    assert [(sheet, number) for sheet, number, _ in seen] == [
        (name, n) for name in MONTHS[:11] for n in (3, 4)
    ]
    june = [row for sheet, _, row in seen if sheet == "6月"]
    assert (june[0]["保单号码"], june[0]["备注"]) == ("PDAA202606000", "续保")
    assert [s.hidden for s in table.sheets] == [True] + [False] * 11
    by_name = {s.name: s for s in table.sheets}
    assert by_name["3月"].skipped_rows == [5]
    assert by_name["4月"].summary_rows == [5]
    assert by_name["6月"].headers == JUNE
    assert by_name["12月"].header_row == 2
    assert fractions == 1.0


def test_named_sheets_are_read_in_the_order_named(tmp_path: Path) -> None:
    path = year_book(tmp_path / "2026.xlsx")
    with open_table(path, sheet=["3月", "2月", "3月"], header_score=_score) as table:
        rows = [(table.sheet, number) for number, _ in table]
        assert (table.skipped_sheets, table.main_sheet) == ((), "1月")
    assert rows == [("3月", 3), ("3月", 4), ("2月", 3), ("2月", 4)]
    with open_table(path, sheet="说明") as table:  # one name: that sheet, as before
        assert (table.sheet, table.headers) == ("说明", ("本工作簿为2026年续保清单，每月一表",))
    with pytest.raises(UsageError) as info:
        open_table(path, sheet=["2月", "Sheet9"], header_score=_score)
    assert info.value.code == "file.sheet"
    with pytest.raises(UsageError):
        open_table(path, sheet="图表")  # a chart holds no table
    with pytest.raises(TableFormatError) as empty:  # before any row is read
        open_table(path, sheet=["2月", "空白"], header_score=_score)
    assert empty.value.code == "file.empty"
    assert "空白" in empty.value.message


def test_without_a_header_score_only_the_first_sheet_is_read(tmp_path: Path) -> None:
    path = year_book(tmp_path / "2026.xlsx")
    with open_table(path) as table:
        assert table.sheet_names == ("说明",)
        assert dict(table.skipped_sheets) == {
            **dict.fromkeys((*MONTHS, "空白", "汇总"), "not_judged"),
            "图表": "chart",
        }


def test_a_header_row_applies_to_every_sheet_and_the_first_is_the_main(tmp_path: Path) -> None:
    path = year_book(tmp_path / "2026.xlsx")
    with open_table(path, header_row=2, header_score=_score) as table:
        rows = [(table.sheet, number) for number, _ in table]
        # 说明, the first sheet, is the main sheet given a header row (as one sheet was read)
        assert table.main_sheet == "说明"
        assert table.sheet_names == ("说明", *MONTHS)
    assert rows[:2] == [("说明", 3), ("说明", 4)]


def test_a_workbook_of_one_sheet_reads_as_before(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    for row in month_rows(2):
        workbook.active.append(row)
    path = tmp_path / "one.xlsx"
    workbook.save(path)
    with open_table(path, header_score=_score) as table:
        assert [n for n, _ in table] == [3, 4]
        assert (table.sheet_names, table.skipped_sheets) == (("Sheet",), ())
        assert table.main_sheet == table.sheet == "Sheet"


# --- importing ---------------------------------------------------------------------------------


def _refs(service: Service) -> set[str]:
    return {
        record.provenance.source_ref
        for customer in service.iter_customers()
        for record in service.observations(customer.id)
    }


def test_import_reads_every_month_and_lists_the_sheets_skipped(
    service: Service, tmp_path: Path
) -> None:
    path = year_book(tmp_path / "2026.xlsx")
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.rows, summary.new, summary.rejected) == (ROWS, ROWS - 1, 1)
    assert (summary.sheet, summary.header_row) == ("1月", 2)
    assert [(s.name, s.rows, s.hidden) for s in summary.sheets] == [
        (name, 0 if name == "12月" else 2, name == "1月") for name in MONTHS
    ]
    assert summary.skipped_sheets == SKIPPED
    assert (summary.summary_rows, summary.skipped_rows) == ((5,), (5,))
    # every layout's columns: 6月's spellings and its 备注 too
    assert {("移动电话", "mobile"), ("手机", "mobile")} <= set(summary.mapped)
    assert summary.unmapped == ("备注",)
    (line,) = read_csv(rejects)
    assert list(line) == [*REJECT_COLUMNS, "sheet"]
    assert (line["row"], line["column"], line["sheet"], line["code"]) == (
        "4", "手机", "5月", "phone.vanity"
    )  # fmt: skip
    june = service.find(resident_id=person(6, 0)[2])[0]
    assert june.name == "刘洋"
    assert june.contact_point("mobile", person(6, 0)[3]) is not None
    assert service.find(resident_id=person(1, 1)[2])  # the hidden month's rows are read
    stem = path.stem
    refs = _refs(service)
    # rows naming a policy are the policy's; the others the row's, with its sheet but on 1月
    assert {f"PDAA2026{m:02d}000#0" for m in range(1, 12)} <= refs
    assert {f"{stem}:4", f"{stem}:2月:4", f"{stem}:6月:4"} <= refs
    assert f"{stem}:1月:4" not in refs
    data = summary.as_dict()
    json.dumps(data)
    assert data["sheets"][0] == {
        "name": "1月", "header_row": 2, "rows": 2, "hidden": True, "summary_rows": [],
        "skipped_rows": [], "layouts": [],
    }  # fmt: skip
    assert data["skipped_sheets"][0] == ["说明", "few_columns"]


def test_importing_a_workbook_again_adds_nothing(service: Service, tmp_path: Path) -> None:
    path = year_book(tmp_path / "2026.xlsx")
    import_core_extract(service, path)
    before = service.counts()
    again = import_core_extract(service, path)
    assert (again.new, again.merged, again.conflicting) == (0, 0, 0)
    assert (again.duplicates, again.rejected) == (ROWS - 1, 1)
    assert service.counts() == before


def test_a_workbook_imported_one_sheet_at_a_time_gains_only_the_other_sheets(
    service: Service, tmp_path: Path
) -> None:
    path = year_book(tmp_path / "2026.xlsx")
    # what an earlier release imported: the best sheet (1月) alone, rows referenced as
    # <stem>:<row> or <policy>#0
    first = import_core_extract(service, path, sheet="1月")
    assert (first.rows, first.new) == (2, 2)
    assert _refs(service) == {"PDAA202601000#0", f"{path.stem}:4"}
    whole = import_core_extract(service, path)
    assert (whole.duplicates, whole.new, whole.rejected) == (2, ROWS - 3, 1)


def test_the_main_sheet_is_the_best_scoring_one_not_the_first(
    service: Service, tmp_path: Path
) -> None:
    """An earlier release read the sheet whose header maps most columns: its rows keep their
    references, and the first sheet's get its name."""
    workbook = openpyxl.Workbook()
    january = workbook.active
    january.title = "1月"
    for row in month_rows(1):
        january.append(row)
    february = workbook.create_sheet("2月")  # one column more: 车牌号
    february.append([*HEADER, "车牌号"])
    february.append([None, "李娜", person(2, 1)[2], person(2, 1)[3], None, "闽D12345"])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    summary = import_core_extract(service, path)
    assert [s.name for s in summary.sheets] == ["1月", "2月"]
    assert ("车牌号", "plate") in summary.mapped
    refs = _refs(service)
    assert f"{path.stem}:2" in refs  # 2月's row, as when 2月 alone was read
    assert f"{path.stem}:1月:4" in refs


def test_a_claim_workbook_is_read_ahead_sheet_by_sheet(service: Service, tmp_path: Path) -> None:
    """A profile with a row hook reads rows ahead: never across sheets, so a row the store
    refuses is reported on its own sheet."""
    header = ["报案号", "报案时间", "车牌号", "报案人", "报案人电话"]
    workbook = openpyxl.Workbook()
    june = workbook.active
    june.title = "6月报案"
    july = workbook.create_sheet("7月报案")
    june.append(header)
    july.append(header)
    for day in range(1, 4):
        june.append([f"RP2026060{day}", f"2026-06-0{day} 09:30", "闽D12388", "鑫达汽修厂",
                     f"0592-512345{day}"])  # fmt: skip
        july.append([f"RP2026070{day}", f"2026-07-0{day} 09:30", "闽D12388", "张伟",
                     f"1390013900{day}"])  # fmt: skip
    july.append(["RP20260602", "2026-06-02 09:30", "闽D12388", "鑫达汽修厂", "0592-5999999"])
    path = tmp_path / "报案.xlsx"
    workbook.save(path)
    rejects = tmp_path / "rejects.csv"
    summary = import_channel_file(service, path, "claim_report", rejects=rejects, batch_size=2)
    assert (summary.rows, summary.rejected, summary.third_party) == (7, 1, 3)
    assert [(s.name, s.rows) for s in summary.sheets] == [("6月报案", 3), ("7月报案", 4)]
    (line,) = read_csv(rejects)
    assert (line["row"], line["sheet"], line["code"]) == (
        "5", "7月报案", "record.conflicting_duplicate"
    )  # fmt: skip


#: An Excel 97-2003 workbook of months, written by tools/make_xls_fixture.py: a 说明 sheet,
#: 1月 hidden, 2月 in another layout (reordered, 车牌号 more), an empty sheet.
MONTHS_XLS = Path(__file__).parent / "data" / "core-extract-months.xls"


def test_an_excel_97_workbook_of_months(service: Service) -> None:
    summary = import_core_extract(service, MONTHS_XLS)
    assert (summary.kind, summary.rows, summary.new, summary.rejected) == ("xls", 3, 3, 0)
    assert [(s.name, s.rows, s.hidden) for s in summary.sheets] == [
        ("1月", 2, True), ("2月", 1, False)
    ]  # fmt: skip
    assert summary.skipped_sheets == (("说明", "few_columns"), ("空白", "empty"))
    (zhou,) = service.find(policy_no="PDAA2026311")
    assert zhou.contact_point("mobile", "13200132000") is not None  # a number cell
    assert service.policy("PDAA2026311").cover_end == dt.date(2027, 1, 10)  # a date cell
    assert service.policy("PDAA2026321").vehicle.plate == "闽D12345"
    assert import_core_extract(service, MONTHS_XLS).duplicates == 3
    with open_table(MONTHS_XLS, sheet=["2月", "1月"]) as table:
        assert [(table.sheet, number) for number, _ in table] == [
            ("2月", 2),
            ("1月", 2),
            ("1月", 3),
        ]


def test_a_damaged_sheet_refuses_the_workbook_before_any_row_is_stored(
    service: Service, tmp_path: Path
) -> None:
    good = year_book(tmp_path / "good.xlsx")
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet4.xml":  # 3月's XML, cut in half
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(TableFormatError) as info:
        import_core_extract(service, damaged)
    assert info.value.code == "file.xlsx"
    assert service.counts()["customers"] == 0


def test_a_csv_rejects_file_keeps_its_columns(service: Service, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "core.csv", HEADER, [["PDAA2026999", "张伟", "X", "", ""]])
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.sheets, summary.skipped_sheets, summary.rejected) == ((), (), 1)
    assert list(read_csv(rejects)[0]) == list(REJECT_COLUMNS)


# --- validating --------------------------------------------------------------------------------


def test_validate_reads_every_sheet_and_reports_what_it_skipped(tmp_path: Path) -> None:
    path = year_book(tmp_path / "2026.xlsx")
    rejects, output = tmp_path / "rejects.csv", tmp_path / "out.csv"
    summary = validate_file(path, rejects=rejects, output=output)
    assert (summary.rows, summary.rows_rejected) == (ROWS, 1)
    assert [s.name for s in summary.sheets] == list(MONTHS)
    assert summary.skipped_sheets == SKIPPED
    assert (summary.summary_rows, summary.skipped_rows) == ((5,), (5,))
    assert summary.unmapped == ("备注",)
    columns = {(c.column, c.field): c for c in summary.columns}
    assert len(columns) == len(summary.columns)  # each column once, over the 11 sheets
    assert (columns["手机", "mobile"].valid, columns["手机", "mobile"].invalid) == (19, 1)
    assert columns["移动电话", "mobile"].valid == 2
    (line,) = read_csv(rejects)
    assert (line["row"], line["sheet"]) == ("4", "5月")
    lines = read_csv(output)
    assert [(line["row"], line["sheet"]) for line in lines[:3]] == [
        ("3", "1月"), ("4", "1月"), ("3", "2月")
    ]  # fmt: skip


# --- the command line --------------------------------------------------------------------------


def test_cli_import_and_validate_print_the_sheets(tmp_path: Path) -> None:
    path = year_book(tmp_path / "2026.xlsx")
    store = f"sqlite:///{tmp_path}/book.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(path), "--store", store])
    assert result.exit_code == 0, result.output
    assert f"{ROWS} rows read (XLSX, 12 sheets)" in result.output
    assert "Sheets read 已读工作表: '1月' 2 rows (header on row 2, hidden 隐藏); '2月' 2 rows" in (
        result.output
    )
    assert "'12月' 0 rows (header on row 2)\n" in result.output
    assert (
        "Sheets skipped 跳过工作表: '说明' (no data header 非数据表: cover, notes or pivot); "
        "'空白' (empty 空表); '汇总' (no data header 非数据表: cover, notes or pivot); "
        "'图表' (chart 图表)\n" in result.output
    )
    assert "Summary rows skipped 跳过合计行: '4月' row 5\n" in result.output
    assert "(header repeated, title, footer): '3月' row 5\n" in result.output
    assert read_csv(tmp_path / "2026.rejects.csv")[0]["sheet"] == "5月"

    again = runner.invoke(
        cli, ["import", str(path), "--store", store, "--sheet", "2月", "--sheet", "6月", "--json"]
    )
    assert again.exit_code == 0, again.output
    data = json.loads(again.output)
    assert [s["name"] for s in data["sheets"]] == ["2月", "6月"]
    assert (data["rows"], data["duplicates"], data["skipped_sheets"]) == (4, 4, [])

    checked = runner.invoke(cli, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    assert f"Rows 行: {ROWS} read (XLSX, 12 sheets), {ROWS - 1} without problems" in (
        checked.output
    )
    assert "Sheets skipped 跳过工作表: '说明'" in checked.output
    assert "Other lines skipped 跳过非数据行 (header repeated, title, footer): '3月' row 5" in (
        checked.output
    )
    one = runner.invoke(cli, ["validate", str(path), "--sheet", "3月"])
    assert one.exit_code == 0, one.output
    assert "Rows 行: 2 read (XLSX, sheet '3月', header on row 2)" in one.output
    assert "Other lines skipped 跳过非数据行 (header repeated, title, footer): row 5\n" in (
        one.output
    )
