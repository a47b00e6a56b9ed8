"""Endorsements: every kind, effective-date order whatever the arrival order, idempotence."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, read_csv, write_csv
from custmaster.errors import ValidationError
from custmaster.model import (
    EndorsementKind,
    IdentityDocument,
    PolicyStatus,
    Provenance,
    SourceRecord,
)
from custmaster.resolve.candidates import PairStatus
from custmaster.service import Service
from custmaster.store.base import Outcome
from custmaster.workflows.endorsements import (
    apply_endorsement,
    endorsement_kind,
    import_endorsements,
)
from custmaster.workflows.policies import current_insured, meta_value, policy_details
from custmaster.workflows.reading import TableFormatError

pytest_plugins = ["_workflow_fixtures"]

POLICY = "PDAA202635020000000001"
OLD_ADDRESS = "福建省厦门市思明区湖滨南路1号"


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
            address=OLD_ADDRESS,
            plate="闽D12388",
            make_model="本田牌HG7203ABCVT",
            cover_start="2026-01-05",
            cover_end="2027-01-04",
        )
    )


ADDRESSES = {
    "E1": ("2026-03-01", "福建省厦门市集美区银江路3号"),
    "E2": ("2026-06-01", "福建省厦门市湖里区嘉禾路9号"),
    "E3": ("2026-09-01", "福建省厦门市海沧区沧林路5号"),
}


@pytest.mark.parametrize("order", list(itertools.permutations(ADDRESSES)))
def test_address_changes_apply_in_effective_date_order_whatever_the_arrival(
    order: tuple[str, ...],
) -> None:
    service = Service.open("memory://")
    _book(service)
    results = []
    for number in order:
        effective, address = ADDRESSES[number]
        results.append(
            apply_endorsement(
                service, POLICY, number=number, effective=effective, changes={"address": address}
            )
        )
    customer = service.find(policy_no=POLICY)[0]
    assert customer.address == ADDRESSES["E3"][1]
    assert [h.value for h in customer.history("address")] == [
        ADDRESSES["E2"][1],
        ADDRESSES["E1"][1],
        OLD_ADDRESS,
    ]
    late = {r.number for r in results if r.out_of_order}
    expected = {n for i, n in enumerate(order) if any(m > n for m in order[:i])}
    assert late == expected
    assert [e.number for e in policy_details(service, POLICY).endorsements] == ["E1", "E2", "E3"]


def test_reapplying_changes_nothing(service: Service) -> None:
    _book(service)
    first = apply_endorsement(
        service,
        POLICY,
        number="E1",
        effective="2026-03-01",
        changes={"address": "北京市朝阳区建国路1号"},
    )
    counts = service.counts()
    again = apply_endorsement(
        service,
        POLICY,
        number="E1",
        effective="2026-03-01",
        changes={"address": "北京市朝阳区建国路1号"},
    )
    assert first.outcome is Outcome.MERGED
    assert again.outcome is Outcome.DUPLICATE
    assert service.counts() == counts


def test_vehicle_change_updates_the_policy_vehicle(service: Service) -> None:
    _book(service)
    result = apply_endorsement(
        service,
        POLICY,
        number="E1",
        effective="2026-05-01",
        kind="换车",
        changes={"plate": "闽D66666", "make_model": "大众汽车牌SVW71810KJ"},
    )
    assert result.kind is EndorsementKind.VEHICLE
    vehicle = service.policy(POLICY).vehicle
    assert vehicle is not None
    assert (vehicle.plate, vehicle.make_model) == ("闽D66666", "大众汽车牌SVW71810KJ")
    assert policy_details(service, POLICY).endorsements[0].changed == ("make_model", "plate")


def test_cancellation_sets_the_status_from_the_effective_date(service: Service) -> None:
    _book(service)
    apply_endorsement(service, POLICY, number="E9", effective="2026-08-15", kind="退保")
    policy = policy_details(service, POLICY)
    assert policy.status is PolicyStatus.CANCELLED
    assert policy.in_force(on=dt.date(2026, 8, 14))
    assert not policy.in_force(on=dt.date(2026, 8, 15))


def test_insured_change_moves_the_policy_and_keeps_the_two_people_apart(
    service: Service,
) -> None:
    _book(service)
    result = apply_endorsement(
        service,
        POLICY,
        number="E1",
        effective="2026-05-01",
        kind="过户",
        changes={"name": "李娜", "resident_id": ID_LI},
    )
    assert result.kind is EndorsementKind.INSURED
    zhang = service.find(resident_id=ID_ZHANG)[0]
    li = service.find(resident_id=ID_LI)[0]
    assert zhang.id != li.id
    assert result.customer_id == li.id
    assert policy_details(service, POLICY).customer_id("insured") == li.id
    assert service.candidates(PairStatus.OPEN) == []
    kept = service.candidates(PairStatus.KEPT_APART)
    assert [p.id for p in kept] == list(result.kept_apart)
    assert kept[0].decided_by == f"endorsement {POLICY}#E1"


def test_holder_change_gives_the_new_holder_the_holder_role(service: Service) -> None:
    _book(service)
    apply_endorsement(
        service, POLICY, number="E1", effective="2026-05-01", kind="投保人变更",
        changes={"name": "王芳", "resident_id": ID_WANG},
    )  # fmt: skip
    wang = service.find(resident_id=ID_WANG)[0]
    assert wang.policy_numbers("holder") == (POLICY,)


def test_kind_is_inferred_or_refused() -> None:
    assert endorsement_kind(None, ["address"]) is EndorsementKind.ADDRESS
    assert endorsement_kind(None, ["mobile"]) is EndorsementKind.CONTACT
    assert endorsement_kind(None, []) is EndorsementKind.OTHER
    with pytest.raises(ValidationError, match=r"endorsement\.kind"):
        endorsement_kind("改名字")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("变更地址", "address"),
        ("联系地址变更", "address"),
        ("车牌变更", "vehicle"),
        ("更换车辆", "vehicle"),
        ("车辆过户", "insured"),
        ("变更被保险人", "insured"),
        ("变更投保人", "holder"),
        ("电话变更", "contact"),
        ("批退", "cancellation"),
        ("全单退保", "cancellation"),
        ("保险期间变更", "other"),
    ],
)
def test_endorsement_kinds_as_core_systems_write_them(text: str, kind: str) -> None:
    assert endorsement_kind(text).value == kind


def test_bad_endorsements_change_nothing(service: Service) -> None:
    _book(service)
    counts = service.counts()
    with pytest.raises(ValidationError, match=r"endorsement\.effective"):
        apply_endorsement(service, POLICY, number="E1", effective="", changes={"address": "x"})
    with pytest.raises(ValidationError, match=r"endorsement\.field"):
        apply_endorsement(service, POLICY, number="E1", effective="2026-01-01",
                          changes={"colour": "red"})  # fmt: skip
    with pytest.raises(ValidationError, match=r"phone\."):
        apply_endorsement(service, POLICY, number="E1", effective="2026-01-01",
                          changes={"mobile": "138OO138OOO"})  # fmt: skip
    assert service.counts() == counts


def test_import_an_endorsement_file_out_of_order(service: Service, tmp_path: Path) -> None:
    _book(service)
    path = write_csv(
        tmp_path / "批改.csv",
        ("保单号", "批单号", "批改类型", "批改生效日期", "客户地址", "车牌号", "移动电话"),
        [[POLICY, "E3", "地址变更", "2026/9/1", ADDRESSES["E3"][1], "", ""],
         [POLICY, "E1", "地址变更", "2026年3月1日", ADDRESSES["E1"][1], "", ""],
         [POLICY, "E2", "退保", "2026-10-01", "", "", ""],
         [POLICY, "E4", "联系方式变更", "2026-11-01", "", "", "138OO138OOO"],
         [POLICY, "E5", "改名字", "2026-11-01", "", "", ""],
         [POLICY, "E6", "换车", "", "", "闽D88888", ""]],
    )  # fmt: skip
    rejects = tmp_path / "批改.rejects.csv"
    summary = import_endorsements(service, path, rejects=rejects)
    assert (summary.rows, summary.applied, summary.rejected) == (6, 3, 3)
    assert summary.out_of_order == 1
    assert dict(summary.kinds) == {"address": 2, "cancellation": 1}
    assert {(r["row"], r["code"]) for r in read_csv(rejects)} == {
        ("5", "phone.vanity"),
        ("6", "endorsement.kind"),
        ("7", "endorsement.effective"),
    }
    assert service.find(policy_no=POLICY)[0].address == ADDRESSES["E3"][1]
    assert policy_details(service, POLICY).status is PolicyStatus.CANCELLED
    again = import_endorsements(service, path)
    assert (again.applied, again.duplicates) == (0, 3)


def test_a_templates_numbered_empty_lines_are_no_endorsements(
    service: Service, tmp_path: Path
) -> None:
    _book(service)
    path = write_csv(
        tmp_path / "批改.csv",
        ("序号", "保单号", "批单号", "批改类型", "批改生效日期", "客户地址"),
        [["1", POLICY, "E1", "地址变更", "2026-03-01", ADDRESSES["E1"][1]],
         ["2", "", "", "", "", ""],
         ["3", "", "", " ", "", ""],
         ["4", "", "E9", "地址变更", "2026-03-02", ""]],
    )  # fmt: skip
    summary = import_endorsements(service, path, rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.applied, summary.rejected) == (2, 1, 1)
    assert [r["row"] for r in read_csv(tmp_path / "r.csv")] == ["5"]  # a change, no policy


def test_endorsement_file_needs_its_columns(service: Service, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ("保单号", "客户地址"), [[POLICY, OLD_ADDRESS]])
    with pytest.raises(TableFormatError, match=r"endorsement\.no_columns"):
        import_endorsements(service, path)


def test_a_former_insured_known_by_a_passport_is_marked_not_the_new_one() -> None:
    service = Service.open("memory://")
    passport = IdentityDocument(type="护照", country="USA", number="X1234567")
    service.ingest_one(
        SourceRecord(
            provenance=Provenance(
                channel="core_system", source_ref=f"{POLICY}#0", observed_at="2026-01-02"
            ),
            policy_no=POLICY, line="商业险", name="JOHN SMITH", id_document=passport,
            cover_start="2026-01-05", cover_end="2027-01-04",
        )
    )  # fmt: skip
    former = service.find(policy_no=POLICY)[0].id
    new = {"name": "李娜", "resident_id": ID_LI}
    result = apply_endorsement(service, POLICY, number="E1", effective="2026-05-01",
                               kind="过户", changes=new)  # fmt: skip
    assert result.customer_id != former
    until = meta_value("insured_until", POLICY, customer=service.get(former))
    assert until == "2026-05-01"
    assert meta_value("insured_until", POLICY, customer=service.get(result.customer_id)) is None
    assert policy_details(service, POLICY).customer_id("insured") in (former, result.customer_id)
    assert current_insured(service, service.policy(POLICY)) == result.customer_id
