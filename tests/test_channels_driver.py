"""A claim report's driver (出险驾驶员) and their phone: the insured's own number when the driver
is the insured, kept apart like a third-party reporter's otherwise. Before, 驾驶员电话 was
never read (an extra value), so the insured's number from the claim was lost."""

from __future__ import annotations

from pathlib import Path

from _workflow_helpers import ID_LI, ID_ZHANG, write_csv
from custmaster.model import Provenance, SourceRecord
from custmaster.service import Service
from custmaster.store.base import same_values
from custmaster.workflows.channels import import_channel_file
from custmaster.workflows.core_import import import_core_extract

CLAIMS = ("报案号", "报案时间", "保单号", "被保险人", "报案人", "报案人电话", "驾驶员",
          "驾驶员电话")  # fmt: skip


def _book(service: Service, tmp_path: Path) -> None:
    core = write_csv(
        tmp_path / "core.csv",
        ("保单号", "被保险人", "身份证号", "移动电话", "起保日期", "终保日期"),
        [("PDAA2026001", "张伟", ID_ZHANG, "13800138000", "2026-01-05", "2027-01-04"),
         ("PDAA2026002", "李娜", ID_LI, "13900139000", "2026-02-01", "2027-01-31")],
    )  # fmt: skip
    import_core_extract(service, core)


def _numbers(service: Service, resident_id: str) -> set[str]:
    (customer,) = service.find(resident_id=resident_id)
    return {p.value for p in customer.contact_points if p.kind.is_phone}


def test_the_drivers_phone_is_the_insureds_when_the_driver_is(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service, tmp_path)
    claims = write_csv(
        tmp_path / "claims.csv",
        CLAIMS,
        [("R1", "2026-06-01 09:00", "PDAA2026001", "张伟", "张伟", "13800138000", "张伟",
          "15900159000"),
         ("R2", "2026-06-02 10:00", "PDAA2026002", "李娜", "李娜", "", "王强", "13700137000")],
    )  # fmt: skip
    summary = import_channel_file(service, claims, "claim_report")
    assert (summary.merged, summary.rejected) == (2, 0)
    assert ("驾驶员电话", "phone") in summary.meta
    assert _numbers(service, ID_ZHANG) == {"+8613800138000", "+8615900159000"}
    # another driver's phone is kept on the record, no contact point of the insured
    assert _numbers(service, ID_LI) == {"+8613900139000"}
    assert dict(summary.third_party_reasons) == {"name": 1}
    stored = service.store.stored_record(("claim_report", "R2"))  # type: ignore[attr-defined]
    assert stored is not None
    assert stored[1].extra["driver_phone"] == "+8613700137000"
    assert stored[1].extra["driver_third_party"] == "name"


def test_without_a_drivers_name_the_phone_is_the_insureds(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service, tmp_path)
    claims = write_csv(
        tmp_path / "claims.csv",
        ("报案号", "报案时间", "保单号", "驾驶人手机"),
        [("R1", "2026-06-01 09:00", "PDAA2026001", "15900159000")],
    )
    assert import_channel_file(service, claims, "claim_report").merged == 1
    assert "+8615900159000" in _numbers(service, ID_ZHANG)


def test_a_file_imported_before_the_driver_was_read_adds_nothing(tmp_path: Path) -> None:
    """A release that did not read 驾驶员电话 kept it as an extra value under its header; a
    re-run recognises the row stored so (an earlier reading), and keeps it as stored."""
    service = Service.open("memory://")
    _book(service, tmp_path)
    service.ingest_one(
        SourceRecord(
            provenance=Provenance(
                channel="claim_report", source_ref="R1", observed_at="2026-06-01 09:00"
            ),
            policy_no="PDAA2026001",
            name="张伟",
            mobile="13800138000",
            extra={"报案人": "张伟", "驾驶员": "张伟", "驾驶员电话": "15900159000"},
        )
    )
    claims = write_csv(
        tmp_path / "claims.csv",
        CLAIMS,
        [("R1", "2026-06-01 09:00", "PDAA2026001", "张伟", "张伟", "13800138000", "张伟",
          "15900159000")],
    )  # fmt: skip
    summary = import_channel_file(service, claims, "claim_report")
    assert (summary.duplicates, summary.rejected, summary.earlier_readings) == (1, 0, 1)
    assert _numbers(service, ID_ZHANG) == {"+8613800138000"}  # kept as stored


def test_the_order_of_extra_values_is_no_content() -> None:
    provenance = Provenance(channel="claim_report", source_ref="R1", observed_at="2026-06-01")
    a = SourceRecord(provenance=provenance, name="张伟", extra={"a": "1", "b": "2"})
    b = SourceRecord(provenance=provenance, name="张伟", extra={"b": "2", "a": "1"})
    c = SourceRecord(provenance=provenance, name="张伟", extra={"b": "2", "a": "3"})
    assert same_values(a, b)
    assert not same_values(a, c)
