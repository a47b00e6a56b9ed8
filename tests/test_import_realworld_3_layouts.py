"""Layouts of real extracts around the header: a two-level header in a CSV, a title line of
``key：value`` pairs naming known columns, totals not in the first column, a 联系方式 cell
whose numbers carry labels, and a workbook whose header repeats 联系电话.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, only_customer, phone_values, write_padded
from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract


def test_a_two_level_header_in_csv(tmp_path: Path) -> None:
    """Excel's CSV of a sheet whose header has a group line (merged cells: the group's name in
    its first column, the others empty)."""
    path = write_padded(
        tmp_path / "清单.csv",
        [
            ("2026年1月到期清单",),
            ("保单信息", "", "", "被保险人信息", "", "", "车辆信息", ""),
            ("保单号", "险种", "终保日期", "被保险人", "身份证号", "手机号码", "车牌号码",
             "车架号"),
            ("PDAA202635020000000601", "商业险", "2027-01-05", "张伟", ID_ZHANG, "13800138000",
             "闽D12345", ""),
            ("合计", "", "", "", "", "", "", ""),
        ],
    )  # fmt: skip
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.header_row, summary.rows, summary.new, summary.rejected) == (3, 1, 1, 0)
    assert summary.summary_rows == (5,)
    assert phone_values(only_customer(service, ID_ZHANG)) == {"+8613800138000"}


def test_a_title_line_of_key_value_pairs(tmp_path: Path) -> None:
    """险种：交强险  机构：厦门分公司  起保日期：2026-01-01至2026-01-31 above the header: its cells
    name known columns, but hold values; it is no header."""
    path = write_padded(
        tmp_path / "清单.csv",
        [
            ("险种：交强险", "机构：厦门分公司", "起保日期：2026-01-01至2026-01-31"),
            ("保单号", "被保险人", "身份证号", "起保日期", "终保日期", "联系电话"),
            ("PDZA202635020000000611", "李娜", ID_LI, "2026-01-05", "2027-01-04", "13900139000"),
        ],
    )  # fmt: skip
    service = Service.open("memory://")
    summary = import_core_extract(service, path)
    assert (summary.header_row, summary.rows, summary.new, summary.rejected) == (2, 1, 1, 0)
    policy = service.policy("PDZA202635020000000611")
    assert (policy.cover_start, policy.cover_end) == (dt.date(2026, 1, 5), dt.date(2027, 1, 4))


def test_totals_in_the_second_column(tmp_path: Path) -> None:
    """序号 first: the totals line leaves it empty and says 合计 in the next column."""
    path = write_padded(
        tmp_path / "清单.csv",
        [
            ("序号", "保单号", "被保险人", "身份证号", "终保日期", "保费"),
            ("1", "PDAA202635020000000621", "王芳", ID_WANG, "2027-01-05", "950.00"),
            ("", "合计", "", "", "", "950.00"),
        ],
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.new, summary.rejected) == (1, 1, 0), summary.codes
    assert summary.summary_rows == (3,)


def test_a_contact_cell_whose_numbers_carry_labels(tmp_path: Path) -> None:
    """联系方式 as a CRM's note field: 手机：… 电话：…"""
    path = write_padded(
        tmp_path / "清单.csv",
        [
            ("保单号", "被保险人", "身份证号", "联系方式", "终保日期"),
            ("PDAA202635020000000631", "张伟", ID_ZHANG, "手机：13800138000 电话：0592-5123456",
             "2027-01-05"),
        ],
    )  # fmt: skip
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.new, summary.rejected) == (1, 1, 0), summary.codes
    assert phone_values(only_customer(service, ID_ZHANG)) == {"+8613800138000", "+865925123456"}


def test_a_workbook_whose_header_repeats_a_phone_column(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["保单号", "被保险人", "身份证号码", "联系电话", "联系电话", "保险止期"])
    sheet.append(["PDAA202635020000000641", "李娜", ID_LI, 13900139000, "0592-5123456",
                  "2026-12-31 24:00"])  # fmt: skip
    book.save(tmp_path / "清单.xlsx")
    service = Service.open("memory://")
    summary = import_core_extract(service, tmp_path / "清单.xlsx", rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.new, summary.rejected) == (1, 1, 0), summary.codes
    assert phone_values(only_customer(service, ID_LI)) == {"+8613900139000", "+865925123456"}
    assert service.policy("PDAA202635020000000641").cover_end == dt.date(2026, 12, 31)


def test_a_web_systems_export_with_its_query_and_record_count(tmp_path: Path) -> None:
    """A web system's export: the query above the header in one cell, headers typed with a
    line break in the cell (Alt+Enter), a name with the middle dot of a transcribed name, and
    the count of records below the rows."""
    path = write_padded(
        tmp_path / "查询结果.csv",
        [
            ("查询条件：起保日期 2026-01-01 至 2026-01-31；险种：全部；机构：厦门分公司",),
            ("保单号", "被保险人\n名称", "身份证\n号码", "保险\n起期", "保险\n止期", "手机"),
            ("PDAA202635020000000651", "阿卜杜·热合曼", ID_WANG, "2026-01-05", "2027-01-04",
             "13600136000"),
            ("共 1 条记录",),
        ],
    )  # fmt: skip
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.header_row, summary.rows, summary.new, summary.rejected) == (2, 1, 1, 0), (
        summary.codes
    )
    assert 4 in (*summary.summary_rows, *summary.skipped_rows)
    wang = only_customer(service, ID_WANG)
    assert wang.name == "阿卜杜·热合曼"
    policy = service.policy("PDAA202635020000000651")
    assert (policy.cover_start, policy.cover_end) == (dt.date(2026, 1, 5), dt.date(2027, 1, 4))


def test_workbook_cells_of_a_branch_list(tmp_path: Path) -> None:
    """A branch's workbook: dates as date cells (with and without a time) and as text with
    24:00, a 15-digit all-digit policy number in a number cell (exact), an ID with a trailing
    space, a lower-case plate, an unnamed column holding notes."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["保单号", "被保险人", "身份证号码", "号牌号码", "初次登记日期", "保险起期",
                  "保险止期", None])  # fmt: skip
    sheet.append([105010039001234, "张伟", ID_ZHANG + " ", "闽d12345", dt.date(2022, 3, 18),
                  dt.datetime(2026, 1, 1, 0, 0), "2026-12-31 24:00:00", "老客户"])  # fmt: skip
    book.save(tmp_path / "清单.xlsx")
    service = Service.open("memory://")
    summary = import_core_extract(service, tmp_path / "清单.xlsx", rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.new, summary.rejected) == (1, 1, 0), summary.codes
    policy = service.policy("105010039001234")
    assert (policy.cover_start, policy.cover_end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert policy.vehicle is not None
    assert policy.vehicle.plate == "闽D12345"
    assert policy.vehicle.first_registered == dt.date(2022, 3, 18)
    zhang = only_customer(service, ID_ZHANG)
    assert any("老客户" in record.extra.values() for record in service.observations(zhang.id))
