"""Extracts that list each party's columns as a group under bare headers, and cells as core
systems write them to keep Excel from spoiling them.

A core system's policy list often reads ``投保人 | 证件号码 | 联系电话 | 被保险人 | 证件号码 |
联系电话 | 车主 | 证件号码``: each bare column belongs to the party named before it. Reading
them as the insured's would give the holder's ID (a company's USCC, shared by every employee
it insures) to each insured, and join them into one customer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, ID_ZHAO, only_customer, phone_values
from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.validation import validate_file

USCC = "91110000600037341L"


def _write(path: Path, rows: Sequence[Sequence[str]], encoding: str = "gb18030") -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def _roles(service: Service, policy_no: str) -> dict[str, str]:
    return {role.value: cid for role, cid in service.policy(policy_no).roles.items()}


def test_a_company_insuring_its_staff_is_no_staff_member(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "团车清单.csv",
        [
            ("保单号", "投保人", "证件号码", "联系电话", "被保险人", "证件号码", "联系电话",
             "保险止期"),
            ("PDAA202635020000000501", "厦门某某科技有限公司", USCC, "0592-5550001", "张伟",
             ID_ZHANG, "13800138000", "2027-03-01"),
            ("PDAA202635020000000502", "厦门某某科技有限公司", USCC, "0592-5550001", "李娜", ID_LI,
             "13900139000", "2027-03-02"),
        ],
    )  # fmt: skip
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.rejected) == (2, 0), summary.codes
    zhang, li = only_customer(service, ID_ZHANG), only_customer(service, ID_LI)
    assert zhang.id != li.id
    assert phone_values(zhang) == {"+8613800138000"}
    assert phone_values(li) == {"+8613900139000"}
    company = service.find(uscc=USCC)
    assert len(company) == 1
    assert company[0].kind.value == "organisation"
    assert phone_values(company[0]) == {"+865925550001"}
    for policy_no, insured in (("PDAA202635020000000501", zhang), ("PDAA202635020000000502", li)):
        assert _roles(service, policy_no) == {"holder": company[0].id, "insured": insured.id}
    assert ("证件号码", "holder.id") in summary.parties
    assert dict(summary.mapped)["证件号码 (2)"] == "resident_id"


def test_holder_insured_and_owner_groups(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "承保清单.csv",
        [
            ("保单号", "被保险人", "证件类型", "证件号码", "联系电话", "车主", "证件类型",
             "证件号码", "联系电话", "号牌号码", "保险止期"),
            ("PDAA202635020000000511", "王芳", "居民身份证", ID_WANG, "13600136000", "赵敏",
             "居民身份证", ID_ZHAO, "13700137000", "闽D12345", "2027-03-01"),
        ],
    )  # fmt: skip
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.rejected) == (1, 0), summary.codes
    wang, zhao = only_customer(service, ID_WANG), only_customer(service, ID_ZHAO)
    assert wang.name == "王芳"
    assert zhao.name == "赵敏"
    assert phone_values(wang) == {"+8613600136000"}
    assert phone_values(zhao) == {"+8613700137000"}
    assert _roles(service, "PDAA202635020000000511") == {"insured": wang.id, "owner": zhao.id}


def test_the_holder_being_the_insured(tmp_path: Path) -> None:
    """Most private-car rows: the holder is the insured, both groups hold the same ID."""
    path = _write(
        tmp_path / "承保清单.csv",
        [
            ("保单号", "投保人", "证件号码", "被保险人", "证件号码", "保险止期"),
            ("PDAA202635020000000521", "张伟", ID_ZHANG, "张伟", ID_ZHANG, "2027-03-01"),
        ],
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path)
    assert (summary.rows, summary.new, summary.rejected) == (1, 1, 0), summary.codes
    zhang = only_customer(service, ID_ZHANG)
    assert _roles(service, "PDAA202635020000000521") == {"holder": zhang.id, "insured": zhang.id}


def test_a_lone_id_column_after_the_holder_stays_the_insureds(tmp_path: Path) -> None:
    """被保险人 | 投保人 | 证件号码: with one ID column, it is the insured's, as before."""
    path = _write(
        tmp_path / "清单.csv",
        [
            ("保单号", "被保险人", "投保人", "证件号码", "保险止期"),
            ("PDAA202635020000000531", "张伟", "李娜", ID_ZHANG, "2027-03-01"),
        ],
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, path)
    assert (summary.rows, summary.new, summary.rejected) == (1, 1, 0), summary.codes
    assert only_customer(service, ID_ZHANG).name == "张伟"


def test_validate_checks_the_insureds_group_only(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "团车清单.csv",
        [
            ("保单号", "投保人", "证件号码", "被保险人", "证件号码", "保险止期"),
            ("PDAA202635020000000541", "厦门某某科技有限公司", USCC, "张伟", ID_ZHANG,
             "2027-03-01"),
        ],
    )  # fmt: skip
    summary = validate_file(path, rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.rows_rejected, summary.conflicts) == (1, 0, 0)
    fields = {column.column: column.field for column in summary.columns}
    assert fields.get("证件号码 (2)") == "resident_id"
    assert "证件号码" not in fields


def test_a_rerun_of_a_file_with_a_spilt_phone_adds_nothing(tmp_path: Path) -> None:
    """手机 and 联系电话 both holding a mobile: both are the customer's, and a re-run is a
    duplicate of every row."""
    path = _write(
        tmp_path / "清单.csv",
        [
            ("保单号", "被保险人", "身份证号", "手机", "联系电话", "保险止期"),
            ("PDAA202635020000000551", "张伟", ID_ZHANG, "13800138000", "13900139000",
             "2027-03-01"),
        ],
    )  # fmt: skip
    service = Service.open("memory://")
    first = import_core_extract(service, path)
    assert (first.new, first.rejected) == (1, 0)
    assert phone_values(only_customer(service, ID_ZHANG)) == {"+8613800138000", "+8613900139000"}
    again = import_core_extract(service, path)
    assert (again.duplicates, again.new, again.merged, again.rejected) == (1, 0, 0, 0)


# --- Cells as core systems write them --------------------------------------------------------


def test_cells_a_core_system_protects_from_excel(tmp_path: Path) -> None:
    """A tab before an ID (so Excel keeps it text), ="…" formulas, a rare name character only
    GB18030 encodes, dashes and brackets in phone numbers."""
    path = _write(
        tmp_path / "导出.csv",
        [
            ("保单号", "被保险人", "身份证号", "手机号码", "固定电话", "保险止期"),
            ("PDAA202635020000000561", "王䶮", "\t" + ID_WANG, "138-0013-8000", "(0592)5123456",
             "2027-03-01"),
            ('="PDAA202635020000000562"', "李娜", f'="{ID_LI}"', "139 0013 9000",
             "0592—5550001", "2027-03-02"),
        ],
    )  # fmt: skip
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert summary.encoding == "gb18030"
    assert (summary.rows, summary.new, summary.rejected) == (2, 2, 0), summary.codes
    wang = only_customer(service, ID_WANG)
    assert wang.name == "王䶮"
    assert phone_values(wang) == {"+8613800138000", "+865925123456"}
    li = only_customer(service, ID_LI)
    assert phone_values(li) == {"+8613900139000", "+865925550001"}
    assert service.find(policy_no="PDAA202635020000000562")[0].id == li.id
