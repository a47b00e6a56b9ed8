"""Contact entry after underwriting: readiness, which record is shown, the entry itself."""

from __future__ import annotations

import datetime as dt

import pytest

from _workflow_helpers import ID_LI, ID_ZHANG
from custmaster.errors import NotFoundError, PermissionDenied, UsageError, ValidationError
from custmaster.model import ContactEvent, IdentityDocument, Provenance, SourceRecord
from custmaster.privacy.access import User
from custmaster.privacy.masking import scan_for_personal_data
from custmaster.service import Service
from custmaster.workflows.contact_entry import (
    PolicyNotReadyError,
    enter_contacts,
    lookup_policy,
    not_offered,
)
from custmaster.workflows.endorsements import apply_endorsement

pytest_plugins = ["_workflow_fixtures"]


def _policy(
    service: Service,
    number: str,
    *,
    line: str = "商业险",
    business: str = "新保",
    status: str = "in_force",
    paid: str = "yes",
    start: str = "2026-01-05",
    resident_id: str = ID_ZHANG,
    name: str = "张伟",
) -> None:
    service.ingest_one(
        SourceRecord(
            provenance=Provenance(
                channel="core_system", source_ref=f"{number}#0", observed_at=start
            ),
            policy_no=number,
            line=line,
            resident_id=resident_id,
            name=name,
            address="福建省厦门市思明区湖滨南路1号",
            plate="闽D12388",
            cover_start=start,
            cover_end=(dt.date.fromisoformat(start) + dt.timedelta(days=364)).isoformat(),
            extra={
                f"status@{number}": status,
                f"paid@{number}": paid,
                f"business_type@{number}": {"新保": "new", "续保": "renewal"}[business],
            },
        )
    )


def test_lookup_shows_masked_base_info(service: Service) -> None:
    _policy(service, "PDAA2026001")
    card = lookup_policy(service, " pdaa2026001 ")
    shown = card.masked()
    assert shown["name"] == "张*"
    assert shown["resident_id"] == ID_ZHANG[:3] + "*" * 11 + ID_ZHANG[-4:]
    assert shown["plate"] == "闽D·***88"
    assert shown["status"] == "in_force"
    assert not scan_for_personal_data(" ".join(shown.values()), ["张伟"])


def test_a_policy_number_typed_in_full_width_is_found(service: Service) -> None:
    """A Chinese input method left in full-width mode types ＰＤＡＡ２０２６００１."""
    _policy(service, "ＰＤＡＡ２０２６００１")
    assert service.policy("PDAA2026001").policy_no == "PDAA2026001"
    card = lookup_policy(service, "ＰＤＡＡ２０２６００１")
    assert card.policy.policy_no == "PDAA2026001"
    enter_contacts(service, "ｐｄａａ　２０２６００１", operator="王芳", mobile="13900139000")
    assert card.customer.id == lookup_policy(service, "PDAA2026001").customer.id
    assert "+8613900139000" in {p.value for p in service.get(card.customer.id).contact_points}


@pytest.mark.parametrize(
    ("status", "paid", "code"),
    [
        ("pending", "yes", "contact_entry.not_underwritten"),
        ("unpaid", "no", "contact_entry.not_paid"),
        ("in_force", "no", "contact_entry.not_paid"),
        ("cancelled", "yes", "contact_entry.cancelled"),
    ],
)
def test_policies_not_underwritten_and_paid_are_refused(status: str, paid: str, code: str) -> None:
    service = Service.open("memory://")
    _policy(service, "P1", status=status, paid=paid)
    with pytest.raises(PolicyNotReadyError) as caught:
        lookup_policy(service, "P1")
    assert caught.value.code == code
    assert isinstance(caught.value, UsageError)
    assert lookup_policy(service, "P1", check=False).policy.policy_no == "P1"
    with pytest.raises(PolicyNotReadyError):
        enter_contacts(service, "P1", operator="王芳", mobile="13900139000")


def test_unknown_policy(service: Service) -> None:
    with pytest.raises(NotFoundError):
        lookup_policy(service, "NOPE")


def test_the_anchor_is_the_first_year_commercial_policy(service: Service) -> None:
    _policy(service, "PDZA2026001", line="交强险", business="新保", start="2026-01-05")
    _policy(service, "PDAA2025001", line="商业险", business="新保", start="2025-01-05")
    _policy(service, "PDAA2026001", line="商业险", business="续保", start="2026-01-05")
    card = lookup_policy(service, "PDZA2026001")
    assert card.anchor.policy_no == "PDAA2025001"
    assert card.policy.policy_no == "PDZA2026001"


def test_of_several_records_the_one_holding_the_first_year_commercial_policy_is_shown(
    service: Service,
) -> None:
    # Li bought the car's first-year commercial policy; Zhang became the insured by 过户.
    _policy(service, "PDAA2025001", business="新保", start="2025-01-05",
            resident_id=ID_LI, name="李娜")  # fmt: skip
    apply_endorsement(
        service, "PDAA2025001", number="E1", effective="2025-06-01", kind="过户",
        changes={"resident_id": ID_ZHANG, "name": "张伟"},
    )  # fmt: skip
    card = lookup_policy(service, "PDAA2025001")
    assert len(card.customers) == 2
    assert card.customer.resident_id == ID_LI
    assert card.anchor.policy_no == "PDAA2025001"


def test_enter_contacts_records_an_underwriting_observation_with_the_operator(
    service: Service,
) -> None:
    _policy(service, "PDAA2026001")
    result = enter_contacts(
        service, "PDAA2026001", operator="王芳", mobile="139-0013-9000",
        office_phone="0592-5123456", at="2026-01-06T09:00:00+08:00",
    )  # fmt: skip
    customer = service.get(result.customer_id or "")
    assert customer.resident_id == ID_ZHANG
    for kind, value in (("mobile", "13900139000"), ("office", "0592-5123456")):
        point = customer.contact_point(kind, value)
        assert point is not None
        assert dict(point.channels) == {"underwriting": 1}
    record = next(
        r for r in service.observations(customer.id) if r.provenance.channel.code == "underwriting"
    )
    assert record.provenance.operator == "王芳"
    assert record.provenance.source_ref.startswith("PDAA2026001#entry#")


def test_a_number_flagged_wrong_stays_flagged_when_entered_and_is_reported(
    service: Service,
) -> None:
    _policy(service, "PDAA2026001")
    first = enter_contacts(service, "PDAA2026001", operator="王芳", mobile="13900139000",
                           home_phone="0592-5123456", at="2026-01-06")  # fmt: skip
    customer_id = first.customer_id or ""
    service.add_event(
        customer_id,
        ContactEvent(id="CB-1", at="2026-02-01T10:00:00+08:00", channel="callback",
                     method="call", contact_kind="mobile", contact_value="13900139000",
                     outcome="wrong_number"),
    )  # fmt: skip
    again = {"mobile": "139 0013 9000", "home_phone": "0592-5123456", "email": "z@163.com"}
    enter_contacts(service, "PDAA2026001", operator="王芳", at="2026-03-01", **again)
    held = not_offered(service, customer_id, **again)
    assert list(held) == ["mobile"]
    assert held["mobile"].status.value == "wrong"
    assert not service.get(customer_id).contact_point("mobile", "13900139000").is_callable
    assert not_offered(service, customer_id, mobile="13800138000", office_phone="") == {}


def test_entry_validates_and_needs_something_and_someone(service: Service) -> None:
    _policy(service, "PDAA2026001")
    with pytest.raises(ValidationError, match=r"phone\."):
        enter_contacts(service, "PDAA2026001", operator="王芳", mobile="138OO138OOO")
    with pytest.raises(UsageError, match=r"contact_entry\.nothing"):
        enter_contacts(service, "PDAA2026001", operator="王芳")
    with pytest.raises(UsageError, match=r"contact_entry\.nothing"):
        enter_contacts(service, "PDAA2026001", operator="王芳", wechat="abc")
    with pytest.raises(UsageError, match=r"service\.user"):
        enter_contacts(service, "PDAA2026001", mobile="13900139000")


def test_entry_needs_the_entry_permission() -> None:
    store = Service.open("memory://")
    _policy(store, "PDAA2026001")
    auditor = Service(store.store, User("zhao.liu", roles=["auditor"]))
    assert lookup_policy(auditor, "PDAA2026001").customer.resident_id == ID_ZHANG
    with pytest.raises(PermissionDenied, match=r"permission\.entry"):
        enter_contacts(auditor, "PDAA2026001", mobile="13900139000")
    clerk = Service(store.store, User("wang.fang", roles=["operator"]))
    result = enter_contacts(clerk, "PDAA2026001", mobile="13900139000")
    record = store.observations(result.customer_id or "")[-1]
    assert record.provenance.operator == "wang.fang"


def test_entry_for_an_organisation_known_by_its_old_code_carries_that_code() -> None:
    service = Service.open("memory://")
    old_code = IdentityDocument(type="组织机构代码", number="60003734-1")
    service.ingest_one(
        SourceRecord(
            provenance=Provenance(
                channel="core_system", source_ref="PDAA2026009#0", observed_at="2026-01-05"
            ),
            policy_no="PDAA2026009", line="商业险", name="厦门某某有限公司",
            id_document=old_code, cover_start="2026-01-05", cover_end="2027-01-04",
            extra={"status@PDAA2026009": "in_force", "paid@PDAA2026009": "yes",
                   "business_type@PDAA2026009": "new"},
        )
    )  # fmt: skip
    result = enter_contacts(service, "PDAA2026009", operator="王芳", mobile="13900139000")
    record = next(
        r
        for r in service.observations(result.customer_id or "")
        if r.provenance.channel.code == "underwriting"
    )
    assert record.id_document == old_code  # resolved by the code, not by the policy alone
    assert record.policy_no is None
