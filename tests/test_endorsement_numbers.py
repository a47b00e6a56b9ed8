"""Endorsements that give several phone numbers in one cell, and core systems' English item
codes: every number reaches the customer, none is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from _workflow_helpers import ID_LI, ID_ZHANG, read_csv, write_csv
from custmaster.errors import ValidationError
from custmaster.model import Provenance, SourceRecord
from custmaster.service import Service
from custmaster.workflows.endorsements import apply_endorsement, import_endorsements

pytest_plugins = ["_workflow_fixtures"]

POLICY = "PDAA202635020000000001"
OLD = "+8613500135000"


def _book(service: Service) -> None:
    service.ingest_one(
        SourceRecord(
            provenance=Provenance(
                channel="core_system", source_ref=f"{POLICY}#0", observed_at="2026-01-02"
            ),
            policy_no=POLICY,
            line="商业险",
            resident_id=ID_ZHANG,
            name="张伟",
            mobile=OLD,
            cover_start="2026-01-05",
            cover_end="2027-01-04",
        )
    )


def _numbers(service: Service, resident_id: str = ID_ZHANG) -> set[str]:
    (customer,) = service.find(resident_id=resident_id)
    return {point.value for point in customer.contact_points if point.kind.is_phone}


SHAPES = {
    "wide": (
        ("保单号", "批单号", "批改类型", "批改生效日期", "移动电话"),
        [[POLICY, "E1", "联系方式变更", "2026-03-01", "13800138000/13900139000"]],
    ),
    "long": (
        ("保单号", "批单号", "批改项目", "批改前", "批改后", "批改生效日期"),
        [[POLICY, "E1", "联系电话", "13500135000", "13800138000、13900139000", "2026-03-01"]],
    ),
    "wording": (
        ("保单号", "批单号", "批改生效日期", "批文"),
        [
            [
                POLICY,
                "E1",
                "2026-03-01",
                "经被保险人申请，本保单联系电话由13500135000变更为13800138000；13900139000。",
            ]
        ],
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_number_of_a_cell_reaches_the_customer_once(
    service: Service, tmp_path: Path, shape: str
) -> None:
    _book(service)
    header, rows = SHAPES[shape]
    path = write_csv(tmp_path / f"批改-{shape}.csv", header, rows)
    summary = import_endorsements(service, path, rejects=tmp_path / "rejects.csv")
    assert (summary.shape, summary.applied, summary.rejected) == (shape, 1, 0)
    assert _numbers(service) == {OLD, "+8613800138000", "+8613900139000"}
    size = service.counts()["records"]
    again = import_endorsements(service, path)
    assert (again.applied, again.duplicates) == (0, 1)
    assert service.counts()["records"] == size


def test_the_python_api_takes_a_cell_or_a_list(service: Service) -> None:
    _book(service)
    apply_endorsement(
        service, POLICY, number="E1", effective="2026-03-01",
        changes={"mobile": "13800138000 / 13900139000", "home_phone": ["0592-5123456"]},
    )  # fmt: skip
    apply_endorsement(
        service, POLICY, number="E2", effective="2026-04-01",
        changes={"office_phone": ["0592-5550001", "0592-5550002", "0592-5550001"]},
    )  # fmt: skip
    assert _numbers(service) == {
        OLD,
        "+8613800138000",
        "+8613900139000",
        "+865925123456",
        "+865925550001",
        "+865925550002",
    }


def test_a_bad_number_among_several_refuses_the_endorsement(service: Service) -> None:
    _book(service)
    size = service.counts()["records"]
    with pytest.raises(ValidationError) as caught:
        apply_endorsement(
            service, POLICY, number="E1", effective="2026-03-01",
            changes={"mobile": "13800138000/1380013800"},
        )  # fmt: skip
    assert caught.value.field == "mobile"
    assert "1380013800" not in str(caught.value)
    assert service.counts()["records"] == size


def test_the_new_insureds_numbers_go_to_the_new_insured(service: Service, tmp_path: Path) -> None:
    _book(service)
    path = write_csv(
        tmp_path / "过户.csv",
        ("保单号", "批单号", "批改类型", "批改生效日期", "被保险人", "身份证号", "联系电话"),
        [[POLICY, "E9", "过户", "2026-05-01", "李娜", ID_LI, "13700137000，0592-5123456"]],
    )
    summary = import_endorsements(service, path)
    assert (summary.applied, summary.rejected) == (1, 0)
    assert _numbers(service, ID_LI) == {"+8613700137000", "+865925123456"}
    assert _numbers(service) == {OLD}


def test_core_system_item_codes_name_fields(service: Service, tmp_path: Path) -> None:
    _book(service)
    path = write_csv(
        tmp_path / "endorse_items.csv",
        ("保单号", "批单号", "批改项目", "批改前", "批改后", "批改生效日期"),
        [[POLICY, "E3", "LicenseNo", "", "闽D54321", "2026-06-01"],
         [POLICY, "E3", "Mobile", "13500135000", "13800138000", "2026-06-01"],
         [POLICY, "E3", "InsuredAddress", "", "福建省厦门市湖里区嘉禾路9号", "2026-06-01"]],
    )  # fmt: skip
    rejects = tmp_path / "rejects.csv"
    summary = import_endorsements(service, path, rejects=rejects)
    assert (summary.applied, summary.rejected) == (1, 0), read_csv(rejects)
    (customer,) = service.find(resident_id=ID_ZHANG)
    assert customer.address == "福建省厦门市湖里区嘉禾路9号"
    assert "+8613800138000" in _numbers(service)
    assert [p.policy_no for p in service.find(plate="闽D54321")[0].policies] == [POLICY]
