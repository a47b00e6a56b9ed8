"""Identity resolution: strong keys, policy and vehicle links, candidate pairs, decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from _resolve_helpers import DictLookups
from custmaster.errors import UsageError
from custmaster.model import ContactEvent, IdentityDocument, Provenance, SourceRecord
from custmaster.resolve import (
    Action,
    CandidatePair,
    PairStatus,
    Priority,
    Reason,
    explain_resolution,
    resolve,
    strong_keys,
)
from custmaster.resolve.keys import contradictions, index_entries, role_of
from custmaster.store import MemoryStore, Outcome

ID_F = "11010519491231002X"  # female, 1949-12-31
ID_M = "110105198001010016"  # male, 1980-01-01
ID_M15 = "110105800101001"  # the same person's 15-digit number
ID_F2 = "110105198001010024"  # female, 1980-01-01
USCC = "91350211M0000XUL0J"
VIN = "LSVAU218XN2183294"


def rec(ref: str, when: str, channel: str = "core_system", **fields: Any) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields
    )


def core(ref: str, resident_id: str, policy_no: str, plate: str, **more: Any) -> SourceRecord:
    return rec(
        ref,
        "2026-01-05",
        resident_id=resident_id,
        policy_no=policy_no,
        line="交强险",
        plate=plate,
        cover_start="2026-01-06",
        cover_end="2027-01-05",
        **more,
    )


# -- keys ------------------------------------------------------------------------------------


def test_fifteen_and_eighteen_digit_ids_are_one_key() -> None:
    a = strong_keys(rec("A", "2026-01-01", resident_id=ID_M15))
    b = strong_keys(rec("B", "2026-01-01", resident_id=ID_M))
    assert a == b
    assert a[0].value == ID_M
    assert ID_M not in repr(a)


def test_uscc_and_identity_documents_are_strong_keys() -> None:
    document = IdentityDocument(type="护照", country="USA", number="X1234567")
    keys = strong_keys(rec("A", "2026-01-01", uscc=USCC, id_document=document))
    assert [k.kind for k in keys] == ["uscc", "document"]
    assert keys[1].value == "passport|USA|X1234567"


def test_contradictions_and_roles_come_from_the_record() -> None:
    record = rec("A", "2026-01-01", resident_id=ID_F, gender="男", birth_date="1950-01-01")
    assert [c[0] for c in contradictions(record)] == ["birth_date", "gender"]
    assert contradictions(rec("B", "2026-01-01", resident_id=ID_F, gender="女")) == ()
    assert role_of(rec("C", "2026-01-01", policy_no="P1")) == "insured"
    assert role_of(rec("D", "2026-01-01", policy_no="P1", role="投保人")) == "holder"


# -- pure resolution -------------------------------------------------------------------------


def test_resolve_uses_strong_keys_first_and_never_a_name_alone() -> None:
    lookups = DictLookups()
    lookups.add("C1", rec("R1", "2026-01-01", resident_id=ID_M, name="张伟"))
    assert resolve(rec("R2", "2026-02-01", resident_id=ID_M15), lookups).customer_id == "C1"
    by_name = resolve(rec("R3", "2026-02-01", name="张伟"), lookups)
    assert by_name.customer_id is None
    assert by_name.pairs == ()
    assert by_name.orphan is False


def test_resolve_explains_itself_in_masked_words() -> None:
    lookups = DictLookups()
    lookups.add("C1", core("R1", ID_M, "PDAA1", "闽D12388"))
    resolution = resolve(rec("N1", "2026-03-01", "claim_report", policy_no="PDAA1"), lookups)
    text = explain_resolution(resolution)
    assert text.startswith("attached to C1 through policy_no")
    assert "PDAA1" in text
    contradicted = resolve(rec("N2", "2026-03-01", resident_id=ID_M, gender="女"), lookups)
    assert contradicted.customer_id is None
    assert not contradicted.owner
    text = explain_resolution(contradicted)
    assert "id_contradiction" in text
    assert ID_M not in text


# -- through the store -------------------------------------------------------------------------


def test_records_attach_through_the_policy_number_then_the_plate_in_force() -> None:
    store = MemoryStore()
    first = store.ingest(core("R1", ID_M, "PDAA1", "闽D12388", name="张伟"))
    claim = store.ingest(
        rec(
            "K1",
            "2026-06-01T09:00:00+08:00",
            "claim_report",
            name="张伟",
            mobile="13800138000",
            plate="闽D12388",
        )
    )
    by_policy = store.ingest(rec("L1", "2026-11-01", "renewal_list", policy_no="pdaa1"))
    assert claim.customer_id == by_policy.customer_id == first.customer_id
    assert (claim.via, by_policy.via) == ("plate", "policy_no")
    # the cover ends 2027-01-05: a claim after that is not attached through the plate
    late = store.ingest(rec("K2", "2027-02-01", "claim_report", plate="闽D12388"))
    assert late.outcome is Outcome.NEW_CUSTOMER
    # nor is a plate of the holder's role: only the insured of a policy in force counts
    assert store.count() == 2


def test_a_vin_also_links_to_the_insured_of_the_policy_in_force() -> None:
    store = MemoryStore()
    first = store.ingest(core("R1", ID_M, "PDAA1", "闽D12388", vin=VIN))
    claim = store.ingest(rec("K1", "2026-06-01", "claim_report", vin=VIN))
    assert (claim.customer_id, claim.via) == (first.customer_id, "vin")


def test_a_shared_phone_alone_never_merges_but_raises_a_low_priority_pair() -> None:
    store = MemoryStore()
    husband = store.ingest(
        rec("R1", "2026-01-05", resident_id=ID_M, name="张伟", mobile="13800138000")
    )
    wife = store.ingest(
        rec("R2", "2026-01-06", resident_id=ID_F2, name="李娜", mobile="138-0013-8000")
    )
    assert wife.outcome is Outcome.CANDIDATE
    assert wife.customer_id != husband.customer_id
    (pair,) = wife.pairs
    assert pair.reason is Reason.SHARED_PHONE
    assert pair.priority is Priority.LOW
    assert "13800138000" not in str(pair)
    caller = store.ingest(rec("T1", "2026-02-01", "telesales", name="张伟", mobile="13800138000"))
    assert caller.outcome is Outcome.CANDIDATE
    reasons = {p.reason for p in caller.pairs}
    assert reasons == {Reason.SAME_NAME_PHONE, Reason.SHARED_PHONE}
    assert store.count() == 3


def test_the_same_policy_with_a_different_id_is_a_conflict_never_a_merge() -> None:
    store = MemoryStore()
    first = store.ingest(core("R1", ID_M, "PDAA1", "闽D12388"))
    other = store.ingest(rec("R2", "2026-02-01", resident_id=ID_F2, policy_no="PDAA1"))
    assert other.outcome is Outcome.CANDIDATE
    assert other.customer_id != first.customer_id
    (pair,) = store.candidates()
    assert pair.reason is Reason.POLICY_ID_CONFLICT
    assert pair.priority is Priority.HIGH
    assert {pair.a, pair.b} == {first.customer_id, other.customer_id}
    assert ID_F2 not in str(pair)


def test_same_name_and_birth_date_without_an_id_raise_a_pair() -> None:
    store = MemoryStore()
    store.ingest(rec("R1", "2026-01-05", resident_id=ID_M, name="张伟"))
    lead = store.ingest(rec("T1", "2026-02-01", "telesales", name="张伟", birth_date="1980-01-01"))
    assert [p.reason for p in lead.pairs] == [Reason.SAME_NAME_BIRTH_DATE]
    twin = store.ingest(rec("R3", "2026-02-01", resident_id="110105198001010032", name="张伟"))
    # two IDs are namesakes, not a candidate: the twin pairs only with the lead without ID
    assert [(p.reason, p.other(twin.customer_id or "")) for p in twin.pairs] == [
        (Reason.SAME_NAME_BIRTH_DATE, lead.customer_id)
    ]


def test_a_record_contradicting_its_id_is_kept_apart_whatever_the_order() -> None:
    clean = rec("R1", "2026-01-05", resident_id=ID_M, name="张伟")
    wrong = rec("T1", "2026-02-01", "telesales", resident_id=ID_M, name="张伟", gender="女")
    for order in ([clean, wrong], [wrong, clean]):
        store = MemoryStore()
        results = store.ingest(order)
        assert len({r.customer_id for r in results}) == 2
        (pair,) = store.candidates()
        assert pair.reason is Reason.ID_CONTRADICTION
        assert len(store.find(resident_id=ID_M)) == 2
        again = store.ingest(rec("R2", "2026-03-01", resident_id=ID_M15, mobile="13800138000"))
        owner = next(r for r in results if r.key == ("core_system", "R1"))
        assert again.customer_id == owner.customer_id


def test_a_record_with_keys_of_two_customers_raises_a_strong_key_conflict() -> None:
    store = MemoryStore()
    document = IdentityDocument(type="护照", country="CHN", number="E12345678")
    a = store.ingest(rec("R1", "2026-01-05", resident_id=ID_M))
    b = store.ingest(rec("R2", "2026-01-06", "face_to_face", id_document=document))
    both = store.ingest(rec("R3", "2026-01-07", resident_id=ID_M, id_document=document))
    assert both.customer_id == a.customer_id
    assert [(p.reason, {p.a, p.b}) for p in both.pairs] == [
        (Reason.STRONG_KEY_CONFLICT, {a.customer_id, b.customer_id})
    ]


def test_a_vehicle_insured_for_two_customers_that_day_is_ambiguous() -> None:
    store = MemoryStore()
    store.ingest(core("R1", ID_M, "PDAA1", "闽D12388"))
    store.ingest(core("R2", ID_F2, "PDAA2", "闽D12388"))
    claim = store.ingest(rec("K1", "2026-06-01", "claim_report", plate="闽D12388"))
    assert claim.outcome is Outcome.CANDIDATE
    assert {p.reason for p in claim.pairs} == {Reason.AMBIGUOUS_VEHICLE}
    assert len(claim.pairs) == 2


def test_an_earlier_claim_report_joins_the_policy_that_arrives_later() -> None:
    store = MemoryStore()
    claim = store.ingest(rec("K1", "2026-06-01", "claim_report", name="张伟", plate="闽D12388"))
    assert claim.outcome is Outcome.NEW_CUSTOMER
    policy = store.ingest(core("R1", ID_M, "PDAA1", "闽D12388"))
    assert policy.customer_id == claim.customer_id  # joined, and the id stays
    assert policy.via == "orphan"
    assert store.count() == 1
    assert store.get(claim.customer_id or "").resident_id == ID_M


def test_a_keyless_customer_on_a_policy_joins_the_customer_with_the_id() -> None:
    store = MemoryStore()
    keyed = store.ingest(rec("R1", "2026-01-05", resident_id=ID_M, name="张伟"))
    keyless = store.ingest(
        rec("L1", "2026-02-01", "renewal_list", policy_no="PDAA9", mobile="13900139000")
    )
    assert keyless.outcome is Outcome.NEW_CUSTOMER
    link = store.ingest(rec("R2", "2026-03-01", resident_id=ID_M, policy_no="PDAA9"))
    assert link.customer_id == keyed.customer_id
    assert link.absorbed == (keyless.customer_id,)
    assert store.get(keyless.customer_id or "").id == keyed.customer_id
    (decision,) = [d for d in store._decisions(keyed.customer_id or "") if d.automatic]
    assert decision.action is Action.MERGE
    assert decision.by == "custmaster"


def test_decisions_are_remembered_for_later_records() -> None:
    store = MemoryStore()
    store.ingest(rec("R1", "2026-01-05", resident_id=ID_M, mobile="13800138000"))
    store.ingest(rec("R2", "2026-01-06", resident_id=ID_F2, mobile="13800138000"))
    (pair,) = store.candidates()
    decision = store.decide(pair, merge=False, by="李审核")
    assert decision.action is Action.KEEP_APART
    assert store.candidates() == []
    assert store.candidates(status="kept_apart")[0].decided_by == "李审核"
    later = store.ingest(
        rec("R3", "2026-02-01", "telesales", resident_id=ID_F2, mobile="13800138000")
    )
    assert later.outcome is Outcome.MERGED
    assert later.pairs == ()
    with pytest.raises(UsageError):
        store.decide(pair, merge=True, by="李审核")


def test_merge_after_review_keeps_the_survivor_id_and_the_alias_resolves() -> None:
    store = MemoryStore()
    a = store.ingest(core("R1", ID_M, "PDAA1", "闽D12388", name="张伟")).customer_id or ""
    b = store.ingest(rec("R2", "2026-02-01", resident_id=ID_F2, policy_no="PDAA1")).customer_id
    assert b is not None
    (pair,) = store.candidates()
    decision = store.decide(pair, merge=True, by="李审核")
    assert (decision.action, decision.a, decision.b) == (Action.MERGE, a, b)
    assert store.get(b).id == a
    assert store.count() == 1
    assert [c.id for c in store.find(resident_id=ID_F2)] == [a]
    assert store.candidates(status=PairStatus.MERGED)[0].id == pair.id
    later = store.ingest(rec("R3", "2026-03-01", resident_id=ID_F2, mobile="13900139000"))
    assert later.customer_id == a


def test_split_restores_a_merged_customer_under_its_old_id_and_keeps_them_apart() -> None:
    store = MemoryStore()
    a = store.ingest(rec("R1", "2026-01-05", resident_id=ID_M, name="张伟")).customer_id or ""
    b = store.ingest(rec("R2", "2026-01-06", resident_id=ID_F2, name="李娜")).customer_id or ""
    before = store.get(b)
    store.merge(a, b, by="李审核")
    assert store.get(b).id == a
    decision = store.split(a, [("core_system", "R2")], by="李审核", note="wrongly merged")
    assert (decision.action, decision.b) == (Action.SPLIT, b)
    assert store.get(b) == before
    assert store.get(a).name == "张伟"
    again = store.ingest(rec("R3", "2026-02-01", resident_id=ID_F2))
    assert again.customer_id == b
    with pytest.raises(UsageError):
        store.split(a, [("core_system", "R1")], by="李审核")  # would leave nothing
    with pytest.raises(UsageError):
        store.split(a, [("core_system", "NOPE")], by="李审核")


def test_candidate_pair_accumulates_reasons_and_prints_masked() -> None:
    pair = CandidatePair(
        id="P1",
        a="C1",
        b="C2",
        reason="shared_phone",
        raised_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    )
    more = pair.with_reason(Reason.SAME_NAME_PHONE, ())
    assert more.reasons == (Reason.SHARED_PHONE, Reason.SAME_NAME_PHONE)
    assert more.priority is Priority.MEDIUM
    assert more.with_reason(Reason.SHARED_PHONE, ()) is more
    assert more.other("C1") == "C2"


def test_nothing_resolution_keeps_prints_personal_data() -> None:
    record = rec(
        "R1",
        "2026-01-05",
        resident_id=ID_M,
        name="张伟",
        mobile="13800138000",
        birth_date="1980-01-01",
        plate="闽D12388",
        policy_no="P1",
        cover_end="2027-01-05",
    )
    store = MemoryStore()
    store.ingest(record)
    store.ingest(rec("R2", "2026-01-06", resident_id=ID_F2, name="张伟", mobile="13800138000"))
    customer_id = store.find(resident_id=ID_M)[0].id
    store.add_event(
        customer_id,
        ContactEvent(
            id="CB1",
            at="2026-02-01T10:00:00+08:00",
            channel="callback",
            method="call",
            contact_kind="mobile",
            contact_value="13800138000",
            outcome="wrong_number",
            operator="王芳",
        ),
    )
    state = store.state(customer_id)
    texts = [
        repr(list(index_entries(record))),
        repr(strong_keys(record)),
        repr(list(state.contacts.values())),
        repr(list(state.verdicts.values())),
        repr(store.candidates()),
        str(store.candidates()[0]),
        repr(resolve(record, DictLookups())),
        explain_resolution(resolve(rec("R3", "2026-01-07", resident_id=ID_M), DictLookups())),
        repr(store.get(customer_id)),
        str(store.explain(customer_id, "name")),
    ]
    for text in texts:
        for secret in (ID_M, ID_F2, "张伟", "13800138000", "闽D12388", "王芳"):
            assert secret not in text, (secret, text)
