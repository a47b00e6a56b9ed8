"""A record that shares one strong key with a customer but carries another resident ID (or
USCC) than the customer's is someone else: an employee whose row holds the employer's USCC,
a data-entry slip. It raises ``strong_key_conflict`` instead of merging, in either order."""

from __future__ import annotations

from typing import Any

import pytest

from _workflow_helpers import ID_LI, ID_ZHANG
from custmaster.model import Provenance, SourceRecord
from custmaster.resolve.candidates import Reason
from custmaster.service import Service

pytest_plugins = ["_workflow_fixtures"]

EMPLOYER = "91110000600037341L"


def _ingest(service: Service, ref: str, **fields: Any) -> Any:
    return service.ingest_one(
        SourceRecord(
            provenance=Provenance(channel="core_system", source_ref=ref, observed_at="2026-01-02"),
            **fields,
        )
    )


@pytest.mark.parametrize("order", ["zhang first", "li first"])
def test_two_people_sharing_an_employers_uscc_stay_two(service: Service, order: str) -> None:
    rows = [
        ("A", {"name": "张伟", "resident_id": ID_ZHANG, "uscc": EMPLOYER, "policy_no": "P1"}),
        ("B", {"name": "李娜", "resident_id": ID_LI, "uscc": EMPLOYER, "policy_no": "P2"}),
    ]
    for ref, fields in rows if order == "zhang first" else rows[::-1]:
        _ingest(service, ref, **fields)
    assert service.counts()["customers"] == 2
    (zhang,) = service.find(resident_id=ID_ZHANG)
    (li,) = service.find(resident_id=ID_LI)
    assert zhang.id != li.id
    assert [p.reason for p in service.store.candidates()] == [Reason.STRONG_KEY_CONFLICT]


def test_the_same_person_with_both_keys_still_merges(service: Service) -> None:
    first = _ingest(service, "A", name="张伟", resident_id=ID_ZHANG, policy_no="P1")
    again = _ingest(service, "B", name="张伟", resident_id=ID_ZHANG, uscc=EMPLOYER, policy_no="P2")
    assert again.customer_id == first.customer_id
    # a record with the USCC alone goes to the customer holding it
    third = _ingest(service, "C", uscc=EMPLOYER, policy_no="P3")
    assert third.customer_id == first.customer_id
    assert service.store.candidates() == []
