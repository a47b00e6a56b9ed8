"""The store contract on `MemoryStore`: ingest, transactions, lookups, history, events, policies."""

from __future__ import annotations

import datetime as dt
import types
from typing import Any

import pytest

from custmaster.errors import NotFoundError, StoreError, UsageError, ValidationError
from custmaster.merge import MergePolicy
from custmaster.model import ContactEvent, ContactStatus, PolicyLine, Provenance, SourceRecord
from custmaster.store import MemoryStore, Outcome, Store

ID_M = "110105198001010016"
ID_M15 = "110105800101001"
ID_F2 = "110105198001010024"
VIN = "LSVAU218XN2183294"


def rec(ref: str, when: str, channel: str = "core_system", **fields: Any) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields
    )


def call(ident: str, when: str, value: str, outcome: str) -> ContactEvent:
    return ContactEvent(
        id=ident,
        at=when,
        channel="callback",
        method="call",
        contact_kind="mobile",
        contact_value=value,
        outcome=outcome,
        operator="王芳",
    )


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore()
    s.ingest(
        [
            rec(
                "R1",
                "2026-01-05",
                resident_id=ID_M,
                name="张伟",
                mobile="13800138000",
                address="北京市朝阳区建国路88号",
                policy_no="PDAA1",
                line="交强险",
                plate="闽D12388",
                vin=VIN,
                cover_start="2026-01-06",
                cover_end="2027-01-05",
            ),
            rec(
                "R2",
                "2026-01-05",
                resident_id=ID_M,
                policy_no="PDZA1",
                line="商业险",
                plate="闽D12388",
                cover_start="2026-01-06",
                cover_end="2027-01-20",
            ),
            rec(
                "T1",
                "2026-03-01",
                "telesales",
                resident_id=ID_M,
                address="上海市徐汇区漕溪北路88号",
            ),
            rec(
                "R3",
                "2026-02-01",
                resident_id=ID_F2,
                name="李娜",
                birth_date="1980-01-01",
                policy_no="PDAA2",
                line="交强险",
                cover_end="2027-02-10",
            ),
        ]
    )
    return s


def test_the_memory_store_satisfies_the_store_protocol(store: MemoryStore) -> None:
    assert isinstance(store, Store)
    assert store.url == "memory://"


def test_ingest_reports_what_happened_to_each_record(store: MemoryStore) -> None:
    results = store.ingest(
        [
            rec("C1", "2026-06-01", "claim_report", mobile="139 0013 9000", plate="闽D12388"),
            rec(
                "R1",
                "2026-01-05",
                resident_id=ID_M,
                name="张伟",
                mobile="13800138000",
                address="北京市朝阳区建国路88号",
                policy_no="PDAA1",
                line="交强险",
                plate="闽D12388",
                vin=VIN,
                cover_start="2026-01-06",
                cover_end="2027-01-05",
            ),
            {
                "provenance": {
                    "channel": "telesales",
                    "source_ref": "T9",
                    "observed_at": "2026-04-01",
                },
                "mobile": "1380013800",
            },
            {
                "provenance": {
                    "channel": "telesales",
                    "source_ref": "T8",
                    "observed_at": "2026-04-01",
                },
                "resident_id": ID_M15,
            },
            {
                "provenance": {
                    "channel": "telesales",
                    "source_ref": "T7",
                    "observed_at": "2026-04-01",
                },
                "nickname": "伟哥",
            },
            "not a record",
            {"provenance": {"channel": "telesales", "ref": "T6"}, "name": "张伟"},
        ]
    )
    outcomes = [r.outcome for r in results]
    assert outcomes == [
        Outcome.MERGED,
        Outcome.DUPLICATE,
        Outcome.REJECTED,
        Outcome.MERGED,
        Outcome.REJECTED,
        Outcome.REJECTED,
        Outcome.REJECTED,
    ]
    assert results[0].via == "plate"
    error = results[2].error
    assert isinstance(error, ValidationError)
    assert error.field == "mobile"
    assert "1380013800" not in str(error)
    assert results[4].error is not None
    assert results[4].error.code == "record.unknown_field"
    assert [r.index for r in results] == list(range(7))
    assert not results[2].ok


def test_a_source_reference_reused_for_other_content_is_rejected(store: MemoryStore) -> None:
    before = store.counts()
    result = store.ingest(rec("T1", "2026-03-01", "telesales", address="别处1号"))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    assert result.error.code == "record.conflicting_duplicate"
    assert store.counts() == before
    rebuilt = SourceRecord(
        provenance=Provenance(
            channel="telesales", source_ref="T1", observed_at="2026-03-01", recorded_at="2026-09-09"
        ),
        resident_id=ID_M,
        address="上海市徐汇区漕溪北路88号",
    )
    assert store.ingest(rebuilt).outcome is Outcome.DUPLICATE


def _work_then_fail(store: MemoryStore, zhang: str, li: str) -> None:
    with store.transaction():
        store.ingest(
            rec(
                "T2",
                "2026-05-01",
                "telesales",
                resident_id=ID_M,
                name="张维",
                mobile="13700137000",
                policy_no="PDAA1",
                role="holder",
                cover_end="2026-12-31",
            )
        )
        store.ingest(
            rec(
                "N1",
                "2026-05-01",
                "telesales",
                resident_id="350203198503151238",
                mobile="13800138000",
            )
        )
        store.add_event(
            zhang, call("CB1", "2026-05-02T10:00:00+08:00", "13800138000", "wrong_number")
        )
        store.merge(zhang, li, by="李审核")
        assert store.count() == 2
        raise RuntimeError("abort")


def test_a_transaction_rolls_back_everything_on_an_exception(store: MemoryStore) -> None:
    zhang = store.find(resident_id=ID_M)[0].id
    li = store.find(resident_id=ID_F2)[0].id
    before = {c.id: c for c in store.iter_customers()}
    counts = store.counts()
    snapshot = store.state(zhang).snapshot()
    with pytest.raises(RuntimeError):
        _work_then_fail(store, zhang, li)
    assert store.counts() == counts
    assert {c.id: c for c in store.iter_customers()} == before
    assert store.state(zhang).snapshot() == snapshot
    assert store.find(phone="13700137000") == []
    assert store.get(li).id == li
    assert store.candidates() == []
    assert store.events() == []
    assert store.ingest(rec("N2", "2026-06-01", resident_id="350203198503151238")).customer_id == (
        "C00000003"
    )


def test_get_find_and_aliases(store: MemoryStore) -> None:
    zhang = store.find(phone="138-0013-8000")
    assert [c.resident_id for c in zhang] == [ID_M]
    assert store.find(resident_id=ID_M15) == zhang
    assert store.find(policy_no=" pdza1 ") == zhang
    assert store.find(plate="闽D·12388") == zhang
    assert store.find(vin=VIN.lower()) == zhang
    assert store.find(name="张伟", birth_date=dt.date(1980, 1, 1)) == zhang
    assert [c.name for c in store.find(birth_date="1980-01-01")] == ["张伟", "李娜"]
    assert store.find(name="张伟", policy_no="PDAA2") == []
    with pytest.raises(UsageError):
        store.find()
    with pytest.raises(ValidationError) as info:
        store.find(phone="1380013800")
    assert info.value.field == "phone"
    with pytest.raises(ValidationError):
        store.find(birth_date="yesterday")
    with pytest.raises(NotFoundError):
        store.get("C99999999")
    assert store.get(zhang[0].id) == zhang[0]


def test_history_explain_and_as_of(store: MemoryStore) -> None:
    zhang = store.find(resident_id=ID_M)[0]
    assert zhang.address == "上海市徐汇区漕溪北路88号"
    (older,) = store.history(zhang.id, "address")
    assert older.value == "北京市朝阳区建国路88号"
    assert older.provenance.source_ref == "R1"
    assert [e.value for e in store.history(zhang.id, "policy.PDAA1.cover_end")] == []
    assert len(store.history(zhang.id, "mobile")) == 1
    explanation = store.explain(zhang.id, "address")
    assert explanation.source_ref == "T1"
    assert "漕溪北路" not in str(explanation)
    past = store.as_of(zhang.id, "2026-02-01")
    assert past.address == "北京市朝阳区建国路88号"
    assert past.history("address") == ()
    assert store.as_of(zhang.id, dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)) == zhang


def test_events_set_contact_status_newest_wins(store: MemoryStore) -> None:
    zhang = store.find(resident_id=ID_M)[0].id
    assert (
        store.add_event(
            zhang, call("CB1", "2026-05-02T10:00:00+08:00", "13800138000", "wrong_number")
        )
        is True
    )
    assert store.get(zhang).callable_contacts() == ()
    point = store.get(zhang).contact_point("mobile", "13800138000")
    assert point is not None
    assert point.status is ContactStatus.WRONG
    # the same event again changes nothing; an event about an unknown number is kept
    store.add_event(zhang, call("CB1", "2026-05-02T10:00:00+08:00", "13800138000", "wrong_number"))
    assert (
        store.add_event(zhang, call("CB2", "2026-05-03T10:00:00+08:00", "13900139000", "reached"))
        is False
    )
    assert len(store.events(zhang)) == 2
    assert [e.id for e in store.events(contact="138-0013-8000")] == ["CB1"]
    assert [e.id for e in store.events(zhang, contact="13900139000")] == ["CB2"]
    store.add_event(zhang, call("CB3", "2026-06-01T10:00:00+08:00", "13800138000", "reached"))
    assert [p.value for p in store.get(zhang).callable_contacts()] == ["+8613800138000"]
    later = store.ingest(
        rec("T5", "2026-07-01", "telesales", resident_id=ID_M, mobile="13900139000")
    )
    assert later.customer_id == zhang
    reached = store.get(zhang).contact_point("mobile", "13900139000")
    assert reached is not None
    assert reached.status is ContactStatus.REACHED
    with pytest.raises(NotFoundError):
        store.add_event("C99999999", call("CB9", "2026-06-01", "13800138000", "reached"))


def test_policies_and_the_expiring_month(store: MemoryStore) -> None:
    policy = store.policy("pdaa1")
    assert policy.line is PolicyLine.COMPULSORY
    assert policy.vehicle is not None
    assert policy.vehicle.plate == "闽D12388"
    assert [p.policy_no for p in store.expiring("2027-01")] == ["PDAA1", "PDZA1"]
    assert [p.policy_no for p in store.expiring("2027-01", line="商业险")] == ["PDZA1"]
    assert [p.policy_no for p in store.expiring("2027-02")] == ["PDAA2"]
    assert store.expiring("2027-03") == []
    with pytest.raises(UsageError):
        store.expiring("2027-13")
    with pytest.raises(NotFoundError):
        store.policy("NOPE")
    # an endorsement moving the cover end moves the policy to another month
    store.ingest(rec("E1", "2026-08-01", policy_no="PDAA1", cover_end="2026-12-31"))
    assert [p.policy_no for p in store.expiring("2027-01")] == ["PDZA1"]
    assert [p.policy_no for p in store.expiring("2026-12")] == ["PDAA1"]


def test_streaming_counts_and_observations(store: MemoryStore) -> None:
    customers = store.iter_customers()
    assert isinstance(customers, types.GeneratorType)
    assert [c.name for c in customers] == ["张伟", "李娜"]
    assert store.count() == 2
    counts = store.counts()
    assert counts["records"] == 4
    assert counts["policies"] == 3
    assert counts["customers"] == 2
    zhang = store.find(resident_id=ID_M)[0].id
    assert [r.provenance.source_ref for r in store.observations(zhang)] == ["R1", "R2", "T1"]


def test_a_closed_store_refuses_work() -> None:
    with MemoryStore() as s:
        s.ingest(rec("R1", "2026-01-05", resident_id=ID_M))
    with pytest.raises(StoreError) as info:
        s.count()
    assert info.value.code == "store.closed"


def test_the_merge_policy_is_configurable_per_store() -> None:
    s = MemoryStore(policy=MergePolicy(rules={"name": "channel_priority"}))
    s.ingest(
        [
            rec("R1", "2026-01-05", resident_id=ID_M, name="张伟"),
            rec("T1", "2026-03-01", "telesales", resident_id=ID_M, name="张玮"),
        ]
    )
    assert s.find(resident_id=ID_M)[0].name == "张伟"
    assert "channel_priority" in str(s.explain(s.find(resident_id=ID_M)[0].id, "name"))


def test_adding_to_a_big_customer_does_not_recompute_it() -> None:
    s = MemoryStore()
    s.ingest(
        [
            rec(f"R{i}", f"2026-01-{1 + i % 28:02d}", resident_id=ID_M, name="张伟")
            for i in range(300)
        ]
    )
    zhang = s.find(resident_id=ID_M)[0].id
    state = s.state(zhang)
    assert state.size == 300
    s.ingest(rec("LAST", "2026-02-01", "telesales", resident_id=ID_M, name="张玮"))
    assert s.state(zhang) is state  # updated in place, not rebuilt
    assert state.value("name") == "张玮"


def test_as_of_takes_dates_times_and_text_only(store: MemoryStore) -> None:
    zhang = store.find(resident_id=ID_M)[0].id
    assert store.as_of(zhang, dt.date(2026, 2, 1)) == store.as_of(zhang, "2026-02-01T00:00:00")
    with pytest.raises(UsageError) as info:
        store.as_of(zhang, "last spring")
    assert info.value.code == "store.time"
