"""A restricted customer (PIPL Art. 47) is left out of every export and processing list."""

from __future__ import annotations

import pytest

from custmaster.service import Service
from custmaster.store import MemoryStore
from custmaster.testing.contract import ID_F, ID_M, base_records
from custmaster.workflows.callbacks import record_callback
from custmaster.workflows.classification import classify_customers
from custmaster.workflows.quality import quality_report
from custmaster.workflows.renewals import renewal_rows


@pytest.fixture
def service() -> Service:
    store = MemoryStore()
    store.ingest(base_records())
    return Service(store)


def _li(service: Service) -> str:
    return service.find(resident_id=ID_F)[0].id


def test_lists_and_exports_leave_a_restricted_customer_out(service: Service) -> None:
    li = _li(service)
    zhang = service.find(resident_id=ID_M)[0].id
    assert {r.customer_id for r in renewal_rows(service, "2027-02")} == {li}
    assert {p.customer_id for p in classify_customers(service)} == {zhang, li}
    assert {r.customer_id for r in quality_report(service, as_of="2026-12-01")} == {zhang, li}
    service.restrict(li, reason="PIPL-REQ-9", by="dpo.zhou")
    assert renewal_rows(service, "2027-02") == []
    assert [p.customer_id for p in classify_customers(service)] == [zhang]
    assert [r.customer_id for r in quality_report(service, as_of="2026-12-01")] == [zhang]
    assert [c.id for c in service.iter_customers()] == [zhang]
    assert service.get(li).resident_id == ID_F  # the person's own request still reads it
    service.lift_restriction(li, reason="PIPL-REQ-9 closed", by="dpo.zhou")
    assert {r.customer_id for r in renewal_rows(service, "2027-02")} == {li}


def test_data_frames_leave_a_restricted_customer_out(service: Service) -> None:
    pytest.importorskip("pandas")
    li = _li(service)
    before = service.to_pandas("customers")
    assert li in set(before["customer_id"])
    assert "PDAA2" in set(service.to_pandas("policies")["policy_no"])
    service.restrict(li, reason="PIPL-REQ-10", by="dpo.zhou")
    for kind in ("customers", "contacts", "events"):
        assert li not in set(service.to_pandas(kind)["customer_id"]), kind
    assert "PDAA2" not in set(service.to_pandas("policies")["policy_no"])
    assert len(service.to_pandas("customers")) == len(before) - 1


def test_a_call_back_skips_a_restricted_holder_of_the_number(service: Service) -> None:
    zhang = service.find(resident_id=ID_M)[0].id
    service.restrict(zhang, reason="PIPL-REQ-11", by="dpo.zhou")
    result = record_callback(service, "13800138000", "错号", at="2026-03-01 10:00", operator="王芳")
    assert result.customers == ()
    assert result.added == 0
    assert service.events() == []
    service.lift_restriction(zhang, reason="PIPL-REQ-11 closed", by="dpo.zhou")
    again = record_callback(service, "13800138000", "错号", at="2026-03-01 10:00", operator="王芳")
    assert again.customers == (zhang,)
    assert again.added == 1
