"""One row, two policies: extracts with 商业险保单号 and 交强险保单号 columns (one vehicle, both
covers), maybe with each line's own 起保日期/终保日期 columns.

Each policy of a row goes to the same customer and vehicle, with its line; an empty one is
no policy; the renewal list has a row per policy; a re-run adds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, VIN_1, VIN_2, read_csv, write_csv
from custmaster.cli import cli
from custmaster.service import Service
from custmaster.workflows import core_import
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.headers import map_headers
from custmaster.workflows.renewals import renewal_rows
from custmaster.workflows.validation import validate_file

pytest_plugins = ["_workflow_fixtures"]

HEADER = (
    "商业险保单号",
    "交强险保单号",
    "被保险人",
    "身份证号",
    "车牌号",
    "车架号",
    "厂牌型号",
    "商业险起保日期",
    "商业险终保日期",
    "交强险起保日期",
    "交强险终保日期",
    "手机",
)
ROWS = [
    # both covers, each with its own dates
    ("PDAA2026301", "PDZA2026301", "张伟", ID_ZHANG, "闽D12345", VIN_1, "本田牌HG7203ABCVT",
     "2026-01-10", "2027-01-09", "2026-01-20", "2027-01-19", "13800138000"),
    # the commercial cover only
    ("PDAA2026302", "", "李娜", ID_LI, "闽D66666", VIN_2, "大众汽车牌SVW71810KJ",
     "2026-01-15", "2027-01-14", "", "", "13900139000"),
    # the compulsory cover only (the commercial number a placeholder)
    ("无", "PDZA2026303", "王芳", ID_WANG, "闽D88888", "", "",
     "", "", "2026-01-25", "2027-01-24", "13700137000"),
]  # fmt: skip


def _extract(tmp_path: Path, header: tuple[str, ...] = HEADER, rows: list = ROWS) -> Path:  # type: ignore[type-arg]
    return write_csv(tmp_path / "车险清单.csv", header, rows, encoding="gb18030")


def test_headers_of_each_lines_policy() -> None:
    header_map = map_headers(
        ["商业险保单号", "交强险保单号", "商业险起保日期", "交强险终保日期", "交强险到期日期",
         "商业保单号", "商业险保险止期", "险种"]
    )  # fmt: skip
    assert header_map.lines == (
        ("商业险保单号", "commercial", "policy_no"),
        ("交强险保单号", "compulsory", "policy_no"),
        ("商业险起保日期", "commercial", "cover_start"),
        ("交强险终保日期", "compulsory", "cover_end"),
        ("商业险保险止期", "commercial", "cover_end"),
    )
    # a second column of a line's field is kept as an extra value
    assert "交强险到期日期" in header_map.unread
    assert "商业保单号" in header_map.unread
    assert header_map.fields[-1] == "line"


def test_a_row_with_both_policies_gives_both_to_one_customer_and_vehicle(
    service: Service, tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, _extract(tmp_path), rejects=rejects)
    assert read_csv(rejects) == []
    assert (summary.rows, summary.new, summary.merged, summary.rejected) == (3, 3, 0, 0)
    assert summary.customers == 3

    commercial = service.policy("PDAA2026301")
    compulsory = service.policy("PDZA2026301")
    assert (commercial.line.code, compulsory.line.code) == ("commercial", "compulsory")
    assert (commercial.cover_start, commercial.cover_end) == (
        dt.date(2026, 1, 10),
        dt.date(2027, 1, 9),
    )
    assert (compulsory.cover_start, compulsory.cover_end) == (
        dt.date(2026, 1, 20),
        dt.date(2027, 1, 19),
    )
    assert commercial.vehicle is not None
    assert compulsory.vehicle is not None
    assert commercial.vehicle.vin == compulsory.vehicle.vin == VIN_1
    assert commercial.vehicle.plate == compulsory.vehicle.plate
    (zhang,) = service.find(resident_id=ID_ZHANG)
    assert service.find(policy_no="PDZA2026301") == [zhang]
    assert {p.policy_no for p in zhang.policies} == {"PDAA2026301", "PDZA2026301"}

    (li,) = service.find(resident_id=ID_LI)
    assert [p.policy_no for p in li.policies] == ["PDAA2026302"]
    assert service.policy("PDAA2026302").line.code == "commercial"
    (wang,) = service.find(resident_id=ID_WANG)
    assert [p.policy_no for p in wang.policies] == ["PDZA2026303"]
    assert service.policy("PDZA2026303").line.code == "compulsory"

    expiring = sorted((p.policy_no, p.line.code) for p in service.expiring("2027-01"))
    assert expiring == [
        ("PDAA2026301", "commercial"),
        ("PDAA2026302", "commercial"),
        ("PDZA2026301", "compulsory"),
        ("PDZA2026303", "compulsory"),
    ]
    rows = renewal_rows(service, "2027-01")
    assert sorted(r.policy_no for r in rows) == [p for p, _ in expiring]
    assert len(renewal_rows(service, "2027-01", line="compulsory")) == 2

    again = import_core_extract(service, _extract(tmp_path))
    assert (again.duplicates, again.new, again.merged) == (3, 0, 0)
    assert len(service.expiring("2027-01")) == 4


def test_shared_dates_and_a_plain_policy_column(service: Service, tmp_path: Path) -> None:
    """The line columns hold only the numbers; the row's 起保日期/终保日期 are each policy's.
    A plain 保单号 beside them is one more policy of the row when it differs."""
    header = ("保单号", "险种", "交强险保单号", "被保险人", "身份证号", "车牌号", "起保日期",
              "终保日期")  # fmt: skip
    rows = [
        ("PDAA2026311", "商业险", "PDZA2026311", "张伟", ID_ZHANG, "闽D12345", "2026-01-10",
         "2027-01-09"),
        # the plain column repeats the compulsory number: one policy, not two
        ("PDZA2026312", "交强险", "PDZA2026312", "李娜", ID_LI, "闽D66666", "2026-01-11",
         "2027-01-10"),
    ]  # fmt: skip
    path = write_csv(tmp_path / "plain.csv", header, rows)
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert read_csv(rejects) == []
    assert (summary.rows, summary.new, summary.rejected) == (2, 2, 0)
    (zhang,) = service.find(resident_id=ID_ZHANG)
    lines = {
        link.policy_no: (service.policy(link.policy_no).line.code,
                         service.policy(link.policy_no).cover_end)
        for link in zhang.policies
    }  # fmt: skip
    assert lines == {
        "PDAA2026311": ("commercial", dt.date(2027, 1, 9)),
        "PDZA2026311": ("compulsory", dt.date(2027, 1, 9)),
    }
    (li,) = service.find(resident_id=ID_LI)
    assert [p.policy_no for p in li.policies] == ["PDZA2026312"]


def test_a_bad_cell_of_a_lines_column_rejects_the_row(service: Service, tmp_path: Path) -> None:
    rows = [
        ("PDAA2026321", "PDZA2026321", "张伟", ID_ZHANG, "闽D12345", VIN_1, "",
         "2026-01-10", "2027-01-09", "2026-01-20", "2027-13-45", "13800138000"),
    ]  # fmt: skip
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, _extract(tmp_path, rows=rows), rejects=rejects)
    assert summary.rejected == 1
    assert [(r["column"], r["field"]) for r in read_csv(rejects)] == [
        ("交强险终保日期", "cover_end")
    ]
    assert service.find(resident_id=ID_ZHANG) == []

    partial = import_core_extract(
        service, _extract(tmp_path, rows=rows), rejects=rejects, skip_bad_cells=True
    )
    assert partial.partial == 1
    assert service.policy("PDZA2026321").cover_end is None
    assert service.policy("PDAA2026321").cover_end == dt.date(2027, 1, 9)


def test_cli_import_then_expiring_lists_each_policy(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/book.db"
    path = _extract(tmp_path)
    result = CliRunner().invoke(cli, ["import", str(path), "--store", store])
    assert result.exit_code == 0, result.output
    assert "3 rows read" in result.output
    assert "new customers 新客户 3" in result.output
    out = tmp_path / "renewals.csv"
    listed = CliRunner().invoke(
        cli, ["expiring", "2027-01", "--store", store, "--output", str(out)]
    )
    assert listed.exit_code == 0, listed.output
    assert "4 policies" in listed.output
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    text = "\n".join(",".join(r) for r in rows)
    for number in ("PDAA2026301", "PDZA2026301", "PDAA2026302", "PDZA2026303"):
        assert number in text
    compulsory = CliRunner().invoke(
        cli, ["expiring", "2027-01", "--store", store, "--line", "compulsory"]
    )
    assert compulsory.exit_code == 0, compulsory.output
    assert "2 policies" in compulsory.output


def test_the_holder_is_on_both_policies(tmp_path: Path) -> None:
    header = (*HEADER, "投保人", "投保人证件号码")
    rows = [(*ROWS[0], "厦门鹭江物流有限公司", "91350200MA2Y12345E")]
    service = Service.open("memory://")
    summary = import_core_extract(service, _extract(tmp_path, header, rows))
    assert summary.rejected == 0
    (company,) = service.find(uscc="91350200MA2Y12345E")
    assert {p.policy_no for p in company.policies} == {"PDAA2026301", "PDZA2026301"}


def test_the_trusted_path_makes_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records of a row's further policies, built from converted cells, are those the
    validated constructor builds from the cells' text."""
    header = (*HEADER, "投保人", "投保人证件号码", "保单状态")
    rows = [
        (*ROWS[0], "厦门鹭江物流有限公司", "91350200MA2Y12345E", "有效"),
        (*ROWS[1], "", "", "退保"),
        (*ROWS[2], "", "", ""),
    ]
    path = _extract(tmp_path, header, rows)
    stores = []
    for trusted in (True, False):
        monkeypatch.setattr(core_import._Importer, "trusted", trusted)
        with Service.open("memory://") as service:
            import_core_extract(service, path)
            customers = sorted(service.iter_customers(), key=lambda c: c.id)
            observations = [
                (record, sorted(record.extra.items()))
                for customer in customers
                for record in service.store.observations(customer.id)
            ]
            stores.append((service.counts(), customers, observations))
    assert stores[0] == stores[1]
    assert stores[0][0]["customers"] == 4
    assert len(stores[0][2]) == 3 + 1 + 2  # three rows, a further policy, the holder twice


@pytest.mark.parametrize(
    "cell",
    ["PDAA2026331/PDZA2026331", "PDAA2026331、PDZA2026331", "PDAA2026331\nPDZA2026331",
     "PDAA2026331 PDZA2026331"],
)  # fmt: skip
def test_two_numbers_in_one_policy_cell_are_refused_not_joined(tmp_path: Path, cell: str) -> None:
    """``PDAA…/PDZA…`` in one 保单号 cell was read as one number (``PDAA…PDZA…`` when spaces
    or a line break split them): a policy no one has. The cell is refused instead."""
    header = ("保单号", "被保险人", "身份证号", "终保日期")
    rows = [(cell, "张伟", ID_ZHANG, "2027-01-05"), ("PDAA2026332", "李娜", ID_LI, "2027-01-06")]
    path = write_csv(tmp_path / "cell.csv", header, rows)
    service = Service.open("memory://")
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.rows, summary.new, summary.rejected) == (2, 1, 1)
    assert [(r["column"], r["code"]) for r in read_csv(rejects)] == [
        ("保单号", "cell.several_policies")
    ]
    assert service.find(resident_id=ID_ZHANG) == []
    checked = validate_file(path)
    assert dict(checked.codes) == {"cell.several_policies": 1}
    kept = import_core_extract(service, path, skip_bad_cells=True)
    assert kept.partial == 1
    (zhang,) = service.find(resident_id=ID_ZHANG)
    assert zhang.policies == ()
