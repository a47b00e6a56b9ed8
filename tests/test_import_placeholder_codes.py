"""Cells core systems fill with a code for "none": 性别 0 (未知的性别) and 9 (未说明的性别) of
GB/T 2261.1, and a new car's plate written ``*-`` (未上牌). Each is read as an empty cell, where
the row was rejected whole; a masked plate (``闽D***45``) is still refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, ID_ZHAO, read_csv, write_csv
from custmaster.cli import cli
from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.validation import is_field_placeholder, validate_file

pytest_plugins = ["_workflow_fixtures"]

HEADER = ("保单号", "被保险人", "性别", "身份证号", "车牌号", "终保日期")
ROWS = [
    ("PDAA2026501", "张伟", "1", ID_ZHANG, "闽D12345", "2027-01-05"),
    ("PDAA2026502", "李娜", "0", ID_LI, "*-", "2027-01-06"),
    ("PDAA2026503", "王芳", "9", ID_WANG, "*", "2027-01-07"),
    ("PDAA2026504", "赵敏", "未说明的性别", ID_ZHAO, "闽D***45", "2027-01-08"),
]


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("gender", "0", True),
        ("gender", "9", True),
        ("gender", "未知的性别", True),
        ("gender", "未说明的性别", True),
        ("gender", "1", False),
        ("gender", "男", False),
        ("plate", "*-", True),
        ("plate", "*", True),
        ("plate", "**", True),
        ("plate", "*-*", True),
        ("plate", "-", False),  # an empty marker already, not this function's
        ("plate", "闽D***45", False),
        ("plate", "闽D*", False),
        ("mobile", "00000000000", True),
        ("name", "*", False),
        ("name", "0", False),
    ],
)
def test_placeholders(field: str, text: str, expected: bool) -> None:
    assert is_field_placeholder(field, text) is expected


def test_gender_codes_and_a_new_cars_plate_are_no_values(service: Service, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "codes.csv", HEADER, ROWS, encoding="gb18030")
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.rows, summary.new, summary.rejected) == (4, 3, 1)
    # only the masked plate is refused: its digits are lost
    assert [(r["row"], r["column"], r["code"]) for r in read_csv(rejects)] == [
        ("5", "车牌号", "cn_plate.masked")
    ]
    (zhang,) = service.find(resident_id=ID_ZHANG)
    assert zhang.gender is not None
    assert zhang.gender.value == "male"
    (li,) = service.find(resident_id=ID_LI)
    # the resident ID still gives the gender; the cell's 0 says nothing against it
    assert li.gender is not None
    assert li.gender.value == "female"
    for policy_no in ("PDAA2026502", "PDAA2026503"):  # *- and *: no plate
        vehicle = service.policy(policy_no).vehicle
        assert vehicle is None or vehicle.plate is None


def test_validate_counts_them_as_placeholders(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "codes.csv", HEADER, ROWS)
    summary = validate_file(path)
    columns = {c.column: c for c in summary.columns}
    assert columns["性别"].placeholders == 3
    assert columns["性别"].invalid == 0
    assert columns["车牌号"].placeholders == 2
    assert columns["车牌号"].invalid == 1


def test_cli_import_of_gender_codes_and_star_plates(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/book.db"
    path = write_csv(tmp_path / "codes.csv", HEADER, ROWS, encoding="gb18030")
    result = CliRunner().invoke(cli, ["import", str(path), "--store", store])
    assert result.exit_code == 0, result.output
    assert "new customers 新客户 3" in result.output
    assert "rejected 拒绝 1" in result.output
    assert "cn_plate.masked 1" in result.output
