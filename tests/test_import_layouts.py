"""Exports joined end to end whose later part has another layout: a header line with other or
reordered columns switches the layout from that line on, and is skipped, not rejected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, ID_ZHAO, read_csv, write_csv
from custmaster.cli import cli
from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.headers import map_headers
from custmaster.workflows.reading import open_table
from custmaster.workflows.validation import validate_file

pytest_plugins = ["_workflow_fixtures"]

FIRST = ("保单号", "被保险人", "身份证号", "手机", "终保日期")
#: The second part's layout: another order, other spellings, two more columns, one less.
SECOND = ("序号", "被保险人姓名", "车牌号码", "保单号码", "终保日期", "移动电话", "证件号码")


def _joined() -> list[tuple[str, ...]]:
    return [
        ("PDAA2026401", "张伟", ID_ZHANG, "13800138000", "2027-01-05"),
        ("PDAA2026402", "李娜", ID_LI, "13900139000", "2027-01-06"),
        ("", "", "", "", ""),
        ("XX分公司 车险清单（二）", "", "", "", "", "", ""),
        SECOND,
        ("1", "王芳", "闽D12345", "PDAA2026403", "2027-01-07", "13700137000", ID_WANG),
        ("2", "赵敏", "闽D66666", "PDAA2026404", "2027-01-08", "13600136000", ID_ZHAO),
        FIRST,  # and back to the first layout
        ("PDAA2026405", "陈明", "", "13500135000", "2027-01-09"),
    ]


def _check(service: Service) -> None:
    for policy_no, person, phone, day in (
        ("PDAA2026401", ID_ZHANG, "+8613800138000", 5),
        ("PDAA2026402", ID_LI, "+8613900139000", 6),
        ("PDAA2026403", ID_WANG, "+8613700137000", 7),
        ("PDAA2026404", ID_ZHAO, "+8613600136000", 8),
    ):
        (customer,) = service.find(policy_no=policy_no)
        assert customer.resident_id == person
        assert [p.value for p in customer.contact_points if p.kind.is_phone] == [phone]
        assert service.policy(policy_no).cover_end == dt.date(2027, 1, day)
    (wang,) = service.find(resident_id=ID_WANG)
    assert wang.name == "王芳"
    assert service.policy("PDAA2026403").vehicle is not None
    (chen,) = service.find(policy_no="PDAA2026405")
    assert chen.name == "陈明"


def test_the_table_switches_its_headers_at_a_new_header_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "joined.csv", FIRST, _joined())
    with open_table(path, header_score=lambda headers: map_headers(headers).score()) as table:
        rows = list(table)
        assert [n for n, _ in rows] == [2, 3, 7, 8, 10]
        assert rows[2][1]["保单号码"] == "PDAA2026403"
        assert rows[4][1]["保单号"] == "PDAA2026405"
        assert table.skipped_rows == [5, 6, 9]
        assert table.layouts == [(6, SECOND), (9, FIRST)]
        assert table.headers == FIRST


def test_a_data_row_is_never_taken_for_a_header(tmp_path: Path) -> None:
    """Rows holding header words as values (a name 保单号, a note 手机) stay data."""
    rows = [
        ("保单号", "被保险人", ID_ZHANG, "手机", "终保日期"),  # no: numbers are data
        ("PDAA2026411", "手机", "", "", "2027-01-05"),
    ]
    path = write_csv(tmp_path / "t.csv", FIRST, rows)
    with open_table(path, header_score=lambda headers: map_headers(headers).score()) as table:
        assert [n for n, _ in table] == [2, 3]
        assert table.layouts == []


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_with_a_changed_layout_imports_whole(
    service: Service, tmp_path: Path, kind: str
) -> None:
    if kind == "csv":
        path = write_csv(tmp_path / "joined.csv", FIRST, _joined(), encoding="gb18030")
    else:
        openpyxl = pytest.importorskip("openpyxl")
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for row in [FIRST, *_joined()]:
            sheet.append([cell if cell != "" else None for cell in row])
        path = tmp_path / "joined.xlsx"
        workbook.save(path)
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert read_csv(rejects) == []
    assert (summary.rows, summary.new, summary.rejected) == (5, 5, 0)
    assert summary.skipped_rows == (5, 6, 9)
    _check(service)
    again = import_core_extract(service, path)
    assert (again.duplicates, again.new, again.rejected) == (5, 0, 0)


def test_validate_follows_the_layout_too(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "joined.csv", FIRST, _joined())
    summary = validate_file(path, rejects=tmp_path / "rejects.csv")
    assert (summary.rows, summary.rows_rejected) == (5, 0)
    assert read_csv(tmp_path / "rejects.csv") == []


def test_cli_import_of_a_changed_layout(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/book.db"
    path = write_csv(tmp_path / "joined.csv", FIRST, _joined(), encoding="gb18030")
    result = CliRunner().invoke(cli, ["import", str(path), "--store", store])
    assert result.exit_code == 0, result.output
    assert "5 rows read" in result.output
    assert "new customers 新客户 5" in result.output
    assert "rejected 拒绝 0" in result.output
    assert read_csv(tmp_path / "joined.rejects.csv") == []
    service = Service.open(store)
    try:
        _check(service)
    finally:
        service.close()
