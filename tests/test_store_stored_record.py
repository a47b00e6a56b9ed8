"""`BaseStore.stored_record`: the record under a (channel, source_ref) key and its customer,
the same on the memory store, SQLite and PostgreSQL."""

from __future__ import annotations

from custmaster.service import Service
from custmaster.store.base import same_values
from custmaster.testing.contract import ID_F, ID_M, rec

pytest_plugins = ["_workflow_fixtures"]


def test_the_record_under_a_key_and_its_current_customer(service: Service) -> None:
    store = service.store
    first = rec("S1", "2026-03-01", name="张伟", resident_id=ID_M, mobile="13800138000")
    claim = rec("S2", "2026-04-01", "claim_report", name="张伟", mobile="13900139000")
    other = rec("S3", "2026-03-02", name="李娜", resident_id=ID_F)
    zhang, apart, li = (r.customer_id for r in service.ingest([first, claim, other]))
    assert zhang is not None
    assert apart is not None
    assert li is not None
    found = store.stored_record(("core_system", "S1"))
    assert found is not None
    assert found[0] == zhang
    assert same_values(found[1], first)
    assert found[1].provenance == first.provenance
    assert store.stored_record(("claim_report", "S1")) is None
    assert store.stored_record(("core_system", "S9")) is None
    # a customer merged away: the survivor (a name and phone alone make a customer apart)
    assert apart != zhang
    service.merge(zhang, apart, by="wang.fang")
    found = store.stored_record(("claim_report", "S2"))
    assert found is not None
    assert found[0] == zhang
    # restricted: none, until lifted; erased: none
    service.restrict(li, reason="dispute", by="wang.fang")
    assert store.stored_record(("core_system", "S3")) is None
    service.lift_restriction(li, reason="settled", by="wang.fang")
    assert store.stored_record(("core_system", "S3")) is not None
    service.erase(li, reason="request", by="wang.fang")
    assert store.stored_record(("core_system", "S3")) is None
