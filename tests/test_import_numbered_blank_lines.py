"""Templates number their lines before anyone fills them (序号 1, 2, 3 … down the sheet): a line
holding nothing but its number is no customer. Before, each one made an empty customer."""

from __future__ import annotations

from pathlib import Path

from _workflow_helpers import ID_ZHANG, read_csv, write_csv
from custmaster.service import Service
from custmaster.workflows.channels import import_channel_file
from custmaster.workflows.core_import import import_core_extract

HEADER = ("序号", "保单号", "被保险人", "身份证号", "手机", "终保日期", "备注")


def test_numbered_empty_lines_are_skipped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "core.csv",
        HEADER,
        [("1", "PDAA2026001", "张伟", ID_ZHANG, "13800138000", "2027-01-04", ""),
         ("2", "", "", "", "", "", ""),
         ("No.3", "", "", "", "", "", ""),
         ("4", "", "", "", "", "", "待补充客户资料"),  # a note: not nothing, rejected
         ("5", "", "", "", "", "", "")],
    )  # fmt: skip
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert summary.empty_rows == (3, 4, 6)
    assert (summary.rows, summary.new, summary.rejected) == (5, 1, 1)
    assert [(r["row"], r["code"]) for r in read_csv(tmp_path / "r.csv")] == [("5", "record.empty")]
    assert service.counts()["customers"] == 1
    again = import_core_extract(service, path)
    assert (again.duplicates, again.empty_rows) == (1, (3, 4, 6))


def test_a_channel_file_skips_them_too(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "续保.csv",
        ("序号", "保单号", "被保险人", "联系电话", "清单日期"),
        [("1", "PDAA2026001", "张伟", "13800138000", "2026-12-01"),
         ("2", "", "", "", "")],
    )  # fmt: skip
    service = Service.open("memory://")
    summary = import_channel_file(service, path, "renewal_list")
    assert (summary.new, summary.rejected, summary.empty_rows) == (1, 0, (3,))
