"""Workbooks and lists as branch offices export and keep them, imported whole (held-out set 4).

A branch keeps a year's renewals as one workbook: a sheet a month and a 汇总 (or 总表, 合计)
sheet that repeats their rows, renumbered, sometimes with a late row the months lack. Beside
them: a sheet holding one column (the policy numbers of a 补录 list, the numbers of a call
list), a two-row header whose group line names the party of bare columns below it
(投保人信息 | 被保险人信息 over 姓名 | 证件号码 twice), 小计 lines between branches, a 备注
column of contact notes, and number cells as Excel types them.

Each test was written with its expected outcome before it was run against the code; of the 13
tests here, 5 passed before the changes of this set (the union sheets of a core extract and
of a telesales workbook, the late row of a 总表, the 合计 sheet of other values, the two
one-column sheets, the party groups of a two-row header and the 小计 lines named after their
branch failed).

Later rounds, each written before the change that makes it pass: a 汇总 sheet adding 月份 and
机构 or a known column (2 cases, 1 right before), a header split over two rows in a workbook
and in a CSV file (2 cases, 1 right before: the workbook's). Tests added after a change as
guards say so in their docstring and are not counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from _workflow_helpers import (
    ID_LI,
    ID_WANG,
    ID_ZHANG,
    ID_ZHAO,
    only_customer,
    phone_values,
    read_csv,
    write_padded,
    write_workbook,
)
from custmaster.service import Service
from custmaster.workflows.channels import import_channel_file
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.validation import validate_file

openpyxl = pytest.importorskip("openpyxl")

HEADER = ["序号", "保单号", "被保险人", "身份证号", "手机号码", "终保日期"]
ZHANG = ("PDAA202635020000000701", "张伟", ID_ZHANG, "13800138000", "2027-01-05")
LI = ("PDAA202635020000000702", "李娜", ID_LI, "13900139000", "2027-01-20")
WANG = ("PDAA202635020000000703", "王芳", ID_WANG, "13700137000", "2027-02-03")
ZHAO = ("PDAA202635020000000704", "赵敏", ID_ZHAO, "13600136000", "2027-02-27")


def _numbered(*rows: tuple[str, ...]) -> list[list[Any]]:
    return [HEADER, *([i, *row] for i, row in enumerate(rows, 1))]


def test_months_and_a_summary_sheet_repeating_them(tmp_path: Path) -> None:
    """1月 | 2月 | 汇总: the 汇总 sheet lists every month's rows again, renumbered. Its rows
    are recognised as the months' and not imported a second time (nor rejected)."""
    path = write_workbook(
        tmp_path / "2026年续保清单.xlsx",
        [
            ("1月", _numbered(ZHANG, LI)),
            ("2月", _numbered(WANG)),
            ("汇总", _numbered(ZHANG, LI, WANG)),
        ],
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.new, summary.merged, summary.conflicting, summary.rejected) == (3, 0, 0, 0), (
        summary.codes
    )
    assert service.counts()["customers"] == 3
    assert phone_values(only_customer(service, ID_LI)) == {"+8613900139000"}
    union = next(sheet for sheet in summary.sheets if sheet.name == "汇总")
    assert (union.rows, len(union.skipped_rows)) == (0, 3)


def test_a_total_sheet_first_with_a_row_the_months_lack(tmp_path: Path) -> None:
    """总表 first, then the months: the row the months lack (a late policy) is imported, the
    others are not imported twice."""
    path = write_workbook(
        tmp_path / "清单.xlsx",
        [
            ("总表", _numbered(ZHANG, LI, WANG, ZHAO)),
            ("1月", _numbered(ZHANG, LI)),
            ("2月", _numbered(WANG)),
        ],
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.new, summary.merged, summary.conflicting, summary.rejected) == (4, 0, 0, 0), (
        summary.codes
    )
    assert service.policy(ZHAO[0]).cover_end.isoformat() == "2027-02-27"
    total = next(sheet for sheet in summary.sheets if sheet.name == "总表")
    assert total.rows == 1


def test_a_summary_sheet_holding_other_values_is_read(tmp_path: Path) -> None:
    """A sheet named 合计 whose rows are not the months' (a number corrected there) is data:
    nothing is skipped that the months do not hold."""
    corrected = (*LI[:3], "13500135000", LI[4])
    path = write_workbook(
        tmp_path / "清单.xlsx",
        [("1月", _numbered(ZHANG, LI)), ("合计", _numbered(ZHANG, corrected))],
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    total = next(sheet for sheet in summary.sheets if sheet.name == "合计")
    assert (total.rows, len(total.skipped_rows)) == (1, 1)
    assert summary.rejected <= 1  # a changed row under one reference: refused, not merged


def test_a_pivot_sheet_is_still_skipped(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "清单.xlsx",
        [
            ("1月", _numbered(ZHANG, LI)),
            ("合计", [("机构", "件数", "保费"), ("思明支公司", 2, 1900.0)]),
        ],
    )
    summary = import_core_extract(Service.open("memory://"), path)
    assert (summary.new, summary.rejected) == (2, 0)
    assert ("合计", "few_columns") in summary.skipped_sheets


def _policy_list(path: Path) -> Path:
    return write_workbook(
        path,
        [
            ("清单", _numbered(ZHANG, LI)),
            ("补录保单", [("保单号",), (ZHANG[0],), (float("805022026350200000123"),)]),
        ],
    )


def test_a_sheet_of_policy_numbers_alone_is_read(tmp_path: Path) -> None:
    """A 补录 sheet of one column of policy numbers is data, not a cover sheet: its rows are
    read, and an all-digit number that Excel stored as a number is refused, never imported
    rounded."""
    path = _policy_list(tmp_path / "清单.xlsx")
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert "补录保单" not in dict(summary.skipped_sheets)
    assert [s.rows for s in summary.sheets if s.name == "补录保单"] == [2]
    assert summary.new == 2
    rejects = read_csv(tmp_path / "r.csv")
    found = [(r["sheet"], r["row"], r["code"]) for r in rejects]
    assert ("补录保单", "3", "cell.precision") in found
    assert service.counts()["customers"] == 2


def test_a_known_policy_number_alone_attaches_to_its_customer(tmp_path: Path) -> None:
    """A known policy's number alone says less than its stored row: a duplicate (fixed in
    held-out set 5: ``ImportSummary.late_entries``), not ``record.conflicting_duplicate``."""
    path = _policy_list(tmp_path / "清单.xlsx")
    summary = import_core_extract(Service.open("memory://"), path)
    assert summary.codes == (("cell.precision", 1),)


def test_a_sheet_of_phone_numbers_alone_is_validated(tmp_path: Path) -> None:
    """A telesales workbook's second sheet of numbers alone (手机号码) is read and checked:
    a bad number in it is reported, where the sheet was skipped unseen."""
    path = write_workbook(
        tmp_path / "电销名单.xlsx",
        [
            (
                "名单",
                [
                    ("客户姓名", "身份证号", "手机", "车牌号"),
                    ("张伟", ID_ZHANG, "13800138000", "闽D12345"),
                    ("李娜", ID_LI, "13900139000", "闽D66666"),
                ],
            ),
            ("追加号码", [("手机号码",), (13700137000,), ("1380013800",)]),
        ],
    )
    summary = validate_file(path)
    assert [(s.name, s.rows) for s in summary.sheets] == [("名单", 2), ("追加号码", 2)]
    assert summary.rows_rejected == 1


def test_group_line_names_the_party_of_bare_columns(tmp_path: Path) -> None:
    """投保人信息 | 被保险人信息 merged over 姓名 | 证件号码 | 联系电话, twice: the second group
    is the insured's; the first is the holder's (a record of its own)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2026年2月车险承保清单"])
    sheet.merge_cells("A1:H1")
    sheet.append(["序号", "保单号", "投保人信息", None, None, "被保险人信息", None, None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:E2")
    sheet.merge_cells("F2:H2")
    sheet.append([None, None, "姓名", "证件号码", "联系电话", "姓名", "证件号码", "联系电话"])
    sheet.append([1, WANG[0], "张伟", ID_ZHANG, "13800138000", "王芳", ID_WANG, "13700137000"])
    book.save(tmp_path / "承保清单.xlsx")
    service = Service.open("memory://")
    summary = import_core_extract(service, tmp_path / "承保清单.xlsx", rejects=tmp_path / "r.csv")
    assert (summary.header_row, summary.rows, summary.rejected) == (3, 1, 0), summary.codes
    wang = only_customer(service, ID_WANG)
    assert (wang.name, phone_values(wang)) == ("王芳", {"+8613700137000"})
    zhang = only_customer(service, ID_ZHANG)
    assert (zhang.name, phone_values(zhang)) == ("张伟", {"+8613800138000"})
    assert service.policy(WANG[0]).customer_id("holder") == zhang.id


def test_subtotal_lines_named_after_a_branch(tmp_path: Path) -> None:
    """GBK, a title line, 序号, a 小计 line after each branch's rows naming the branch, and the
    合计 at the end: only the data rows are read."""
    path = write_padded(
        tmp_path / "续保清单.csv",
        [
            ("厦门分公司2026年1月续保清单",),
            ("序号", "机构", "保单号", "被保险人", "身份证号", "手机号码", "终保日期", "保费"),
            ("1", "思明支公司", ZHANG[0], "张伟", ID_ZHANG, "13800138000", "2027-01-05", "950"),
            ("2", "思明支公司", LI[0], "李娜", ID_LI, "13900139000", "2027-01-20", "1200"),
            ("", "思明支公司小计", "", "", "", "", "", "2150"),
            ("3", "湖里支公司", WANG[0], "王芳", ID_WANG, "13700137000", "2027-02-03", "880"),
            ("", "湖里支公司 小计", "1笔", "", "", "", "", "880"),
            ("合计", "", "3笔", "", "", "", "", "3030"),
        ],
    )  # fmt: skip
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.header_row, summary.rows, summary.new, summary.rejected) == (2, 3, 3, 0), (
        summary.codes
    )
    assert summary.summary_rows == (5, 7, 8)


def test_a_notes_column_gives_no_phone(tmp_path: Path) -> None:
    """备注 holds what the agent wrote: another person's number, a spare one. It stays a note
    (an extra value): a number in a note is not known to be the customer's."""
    path = write_padded(
        tmp_path / "清单.csv",
        [
            ("保单号", "被保险人", "身份证号", "手机号码", "终保日期", "备注"),
            (ZHANG[0], "张伟", ID_ZHANG, "13800138000", "2027-01-05", "联系其妻子 13500135000"),
            (LI[0], "李娜", ID_LI, "13900139000", "2027-01-20", "备用电话：13600136000，已停机"),
        ],
        encoding="utf-8-sig",
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.new, summary.rejected) == (2, 0), summary.codes
    assert phone_values(only_customer(service, ID_ZHANG)) == {"+8613800138000"}
    assert phone_values(only_customer(service, ID_LI)) == {"+8613900139000"}


def test_blank_and_hidden_columns(tmp_path: Path) -> None:
    """A column without a header or data between two (a deleted column), and a hidden one
    holding the core system's customer number: neither stops or spoils a row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["保单号", None, "被保险人", "客户号", "身份证号", "手机号码", "终保日期"])
    sheet.append([ZHANG[0], None, "张伟", "C0001", ID_ZHANG, "13800138000", "2027-01-05"])
    sheet.append([LI[0], None, "李娜", "C0002", ID_LI, 13900139000, "2027-01-20"])
    sheet.column_dimensions["D"].hidden = True
    book.save(tmp_path / "清单.xlsx")
    service = Service.open("memory://")
    summary = import_core_extract(service, tmp_path / "清单.xlsx", rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.new, summary.rejected) == (2, 2, 0), summary.codes
    assert phone_values(only_customer(service, ID_LI)) == {"+8613900139000"}


def test_cells_kept_as_text_by_apostrophe_or_formula(tmp_path: Path) -> None:
    """Cells an export wrote to keep Excel off them: ``'`` before an ID, ``="…"`` around a
    policy number and a phone."""
    path = write_padded(
        tmp_path / "清单.csv",
        [
            ("保单号", "被保险人", "身份证号", "手机号码", "终保日期"),
            (f'="{ZHANG[0]}"', "张伟", f"'{ID_ZHANG}", '="13800138000"', "2027-01-05"),
            (f"'{LI[0]}", "李娜", f'="{ID_LI}"', "'13900139000", "2027-01-20"),
        ],
        encoding="utf-8-sig",
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.new, summary.rejected) == (2, 0), summary.codes
    assert service.policy(ZHANG[0]).policy_no == ZHANG[0]
    assert phone_values(only_customer(service, ID_ZHANG)) == {"+8613800138000"}
    assert only_customer(service, ID_LI).name == "李娜"


def test_policy_numbers_in_scientific_notation_are_refused(tmp_path: Path) -> None:
    """A CSV saved from Excel after an all-digit policy number became 8.05022E+20: refused
    (``cell.scientific``), never imported as a number that is no policy's."""
    path = write_padded(
        tmp_path / "清单.csv",
        [
            ("保单号", "被保险人", "身份证号", "手机号码", "终保日期"),
            ("8.05022E+20", "张伟", ID_ZHANG, "13800138000", "2027-01-05"),
            ("805022026350200000124", "李娜", ID_LI, "13900139000", "2027-01-20"),
        ],
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.new, summary.rejected) == (1, 1)
    assert summary.codes == (("cell.scientific", 1),)
    assert service.find(resident_id=ID_ZHANG) == []
    assert service.policy("805022026350200000124").policy_no == "805022026350200000124"


def test_a_channel_workbook_with_a_union_sheet(tmp_path: Path) -> None:
    """A telesales workbook (references by row, not by policy) with a 汇总 sheet: its rows
    repeating the months' are not imported again."""
    header = ["客户姓名", "身份证号", "手机", "车牌号"]
    path = write_workbook(
        tmp_path / "电销.xlsx",
        [
            ("3月", [header, ("张伟", ID_ZHANG, "13800138000", "闽D12345")]),
            ("4月", [header, ("李娜", ID_LI, "13900139000", "闽D66666")]),
            (
                "汇总",
                [
                    header,
                    ("张伟", ID_ZHANG, "13800138000", "闽D12345"),
                    ("李娜", ID_LI, "13900139000", "闽D66666"),
                ],
            ),
        ],
    )
    service = Service.open("memory://")
    summary = import_channel_file(service, path, "telesales")
    assert (summary.rows, summary.new, summary.merged, summary.rejected) == (2, 2, 0, 0)


def test_a_notes_sheet_naming_the_fields_one_a_line_is_no_list(tmp_path: Path) -> None:
    """Added after the one-column rule (not in the count above): a 说明 sheet naming the
    columns one a line is still a notes sheet, not a list of policy numbers."""
    path = write_workbook(
        tmp_path / "清单.xlsx",
        [
            ("说明", [("保单号",), ("被保险人",), ("身份证号",), ("手机号码",)]),
            ("清单", _numbered(ZHANG, LI)),
        ],
    )
    summary = import_core_extract(Service.open("memory://"), path)
    assert (summary.new, summary.rejected) == (2, 0)
    assert ("说明", "few_columns") in summary.skipped_sheets


def test_a_summary_sheet_adding_the_month_column(tmp_path: Path) -> None:
    """Written before the change that makes it pass (the second round of this set): a 汇总
    sheet adds 月份 (and 机构) before the months' columns, columns no import reads. Its rows
    still say what the months' rows said: they are skipped."""
    union = [["月份", "机构", *HEADER]]
    for i, (month, row) in enumerate((("1月", ZHANG), ("1月", LI), ("2月", WANG)), 1):
        union.append([month, "思明支公司", i, *row])
    path = write_workbook(
        tmp_path / "清单.xlsx",
        [("1月", _numbered(ZHANG, LI)), ("2月", _numbered(WANG)), ("汇总", union)],
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.new, summary.merged, summary.rejected) == (3, 0, 0), summary.codes
    total = next(sheet for sheet in summary.sheets if sheet.name == "汇总")
    assert (total.rows, len(total.skipped_rows)) == (0, 3)


def test_a_summary_sheet_adding_a_known_column_is_read(tmp_path: Path) -> None:
    """Written before the change, as the one above, with a 备用电话 column; but no import
    read 备用电话 then (a mapping named it; held-out set 5 made it a phone), so the column was
    changed to one the import reads (车牌号), holding a plate on one row: that row says more
    than the month's, and is read. (A column no import reads that only the 汇总 has is not
    compared: the module description of `custmaster.workflows.reading` says so.)"""
    union = [[*HEADER, "车牌号"]]
    union.append([1, *ZHANG, "闽D12345"])
    union.append([2, *LI, None])
    path = write_workbook(tmp_path / "清单.xlsx", [("1月", _numbered(ZHANG, LI)), ("汇总", union)])
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    total = next(sheet for sheet in summary.sheets if sheet.name == "汇总")
    assert (total.rows, len(total.skipped_rows)) == (1, 1)


def _two_row_contact_header() -> list[list[Any]]:
    return [
        ["保单号", "被保险人", "身份证号", "联系方式", None, "终保日期"],
        [None, None, None, "手机", "固定电话", None],
        [ZHANG[0], "张伟", ID_ZHANG, "13800138000", "0592-5123456", "2027-01-05"],
    ]


def test_a_header_split_over_two_rows_in_a_workbook(tmp_path: Path) -> None:
    """Written before the change (third round of this set): 联系方式 merged over 手机 and 固定
    电话 in the row below, the other headers merged down over both rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in _two_row_contact_header():
        sheet.append(row)
    for column in "ABCF":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("D1:E1")
    book.save(tmp_path / "清单.xlsx")
    service = Service.open("memory://")
    summary = import_core_extract(service, tmp_path / "清单.xlsx", rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.new, summary.rejected) == (1, 1, 0), summary.codes
    assert phone_values(only_customer(service, ID_ZHANG)) == {"+8613800138000", "+865925123456"}
    assert service.policy(ZHANG[0]).cover_end.isoformat() == "2027-01-05"


def test_a_header_split_over_two_rows_in_a_csv(tmp_path: Path) -> None:
    """The same sheet saved as CSV by Excel: a merged cell's text is in its first cell only,
    so the second header row holds 手机 and 固定电话 alone."""
    rows = [
        ["" if cell is None else str(cell) for cell in row] for row in _two_row_contact_header()
    ]
    path = write_padded(tmp_path / "清单.csv", rows)
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.new, summary.rejected) == (1, 1, 0), summary.codes
    assert phone_values(only_customer(service, ID_ZHANG)) == {"+8613800138000", "+865925123456"}
    assert service.policy(ZHANG[0]).cover_end.isoformat() == "2027-01-05"
