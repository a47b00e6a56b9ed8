"""Workbooks as reports are made: a customer's name, ID and phone merged over the rows of their
policies (合并单元格). Excel shows the value on every row of the range; the import reads it so,
where the later rows used to come without them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from _workflow_helpers import ID_LI, ID_ZHANG, read_csv
from custmaster.cli import cli
from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.reading import open_table

openpyxl = pytest.importorskip("openpyxl")
pytest_plugins = ["_workflow_fixtures"]

HEADER = ("保单号", "险种", "被保险人", "身份证号", "手机", "车牌号", "终保日期")


def _workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["XX分公司车险客户清单"])  # a title merged across the table
    sheet.merge_cells("A1:G1")
    sheet.append(HEADER)
    sheet.append(["PDAA2026601", "商业险", "张伟", ID_ZHANG, "13800138000", "闽D12345",
                  "2027-01-05"])  # fmt: skip
    sheet.append(["PDZA2026601", "交强险", None, None, None, "闽D12345", "2027-01-05"])
    sheet.append(["PDAA2026602", "商业险", None, None, None, "闽D54321", "2027-01-20"])
    for column in "CDE":  # 张伟's three policies, his cells merged over them
        sheet.merge_cells(f"{column}3:{column}5")
    sheet.append(["PDAA2026603", "商业险", "李娜", ID_LI, "13900139000", "闽D66666",
                  "2027-01-09"])  # fmt: skip
    sheet.append([None, None, None, None, None, None, None])
    sheet.append(["PDZA2026603", "交强险", None, None, None, "闽D66666", "2027-01-09"])
    sheet.merge_cells("C6:C8")  # over a blank row: the blank row stays blank
    sheet.merge_cells("D6:D8")
    workbook.save(path)
    return path


def test_the_table_gives_each_row_of_a_merged_range_its_value(tmp_path: Path) -> None:
    with open_table(_workbook(tmp_path / "merged.xlsx"), header_score=len) as table:
        rows = [(n, row["被保险人"], row["手机"]) for n, row in table]
    assert table.header_row == 2
    assert rows == [
        (3, "张伟", "13800138000"),
        (4, "张伟", "13800138000"),
        (5, "张伟", "13800138000"),
        (6, "李娜", "13900139000"),
        (8, "李娜", None),  # the phone was not merged
    ]


def test_each_policy_of_a_merged_customer_is_theirs(service: Service, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, _workbook(tmp_path / "merged.xlsx"), rejects=rejects)
    assert read_csv(rejects) == []
    assert (summary.rows, summary.new, summary.merged, summary.rejected) == (5, 2, 3, 0)
    (zhang,) = service.find(resident_id=ID_ZHANG)
    assert {link.policy_no for link in zhang.policies} == {
        "PDAA2026601",
        "PDZA2026601",
        "PDAA2026602",
    }
    (li,) = service.find(resident_id=ID_LI)
    assert {link.policy_no for link in li.policies} == {"PDAA2026603", "PDZA2026603"}


def test_cli_import_of_a_report_with_merged_cells(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/book.db"
    path = _workbook(tmp_path / "merged.xlsx")
    result = CliRunner().invoke(cli, ["import", str(path), "--store", store])
    assert result.exit_code == 0, result.output
    assert "new customers 新客户 2" in result.output
    assert "rejected 拒绝 0" in result.output


def test_a_web_systems_html_export_with_rowspan(service: Service, tmp_path: Path) -> None:
    page = tmp_path / "清单.xls"
    page.write_text(
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><th>保单号</th><th>被保险人</th><th>身份证号</th><th>车牌号</th><th>终保日期</th></tr>"
        f"<tr><td>PDAA2026611</td><td rowspan='2'>张伟</td><td rowspan='2'>{ID_ZHANG}</td>"
        "<td>闽D12345</td><td>2027-01-05</td></tr>"
        "<tr><td>PDZA2026611</td><td>闽D12345</td><td>2027-01-06</td></tr>"
        f"<tr><td>PDAA2026612</td><td>李娜</td><td>{ID_LI}</td><td>闽D66666</td>"
        "<td rowspan='2'>2027-01-09</td></tr>"
        "<tr><td>PDZA2026612</td><td>李娜</td><td>{ID_LI}</td><td>闽D66666</td></tr>"
        "</table></body></html>".replace("{ID_LI}", ID_LI),
        encoding="utf-8",
    )
    with open_table(page) as table:
        rows = [(row["保单号"], row["被保险人"], row["终保日期"]) for _, row in table]
    assert rows == [
        ("PDAA2026611", "张伟", "2027-01-05"),
        ("PDZA2026611", "张伟", "2027-01-06"),
        ("PDAA2026612", "李娜", "2027-01-09"),
        ("PDZA2026612", "李娜", "2027-01-09"),  # a span at the end of the row
    ]
    summary = import_core_extract(service, page)
    assert (summary.rows, summary.new, summary.merged, summary.rejected) == (4, 2, 2, 0)
    (zhang,) = service.find(resident_id=ID_ZHANG)
    assert {link.policy_no for link in zhang.policies} == {"PDAA2026611", "PDZA2026611"}
