"""A memory store keeps a customer seen once as its record: nothing a caller sees changes.

`MemoryStore` builds a customer's golden state only when a second record arrives or the
customer is read (`BaseStore._keeps_lone_records`). These tests compare it with the same
store building every state at once, on a synthetic book and on the edge cases: rollback,
orphan records, merge policies whose policy fields use value statistics.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from custmaster.merge import MergePolicy
from custmaster.model import Provenance, SourceRecord
from custmaster.serialize import to_dict
from custmaster.store import MemoryStore
from custmaster.testing import synth

ID_A = "110105198001010016"
VIN = "LSVAU218XN2183294"


class EagerStore(MemoryStore):
    """The memory store as it was: every customer's state built when it is created."""

    _keeps_lone_records = False


def rec(ref: str, when: str, **fields: Any) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel="core_system", source_ref=ref, observed_at=when), **fields
    )


def _everything(store: MemoryStore) -> dict[str, Any]:
    """What a caller can see of a store: customers, their indexes' answers, counts."""
    customers = {c.id: to_dict(c) for c in store.iter_customers()}
    return {"customers": customers, "counts": store.counts()}


@pytest.fixture(scope="module")
def book_records() -> list[SourceRecord]:
    return list(itertools.islice(synth.generate(seed=3, people=150).source_records(), 1500))


def test_a_book_gives_the_same_customers_kept_lone_or_built(
    book_records: list[SourceRecord],
) -> None:
    lone, eager = MemoryStore(), EagerStore()
    for start in range(0, len(book_records), 200):
        batch = book_records[start : start + 200]
        assert [r.outcome for r in lone.ingest(batch)] == [r.outcome for r in eager.ingest(batch)]
    # some customers really are kept as their record until read
    assert any(type(v) is SourceRecord for v in lone._states.values())
    assert _everything(lone) == _everything(eager)
    for record in book_records[:300]:
        for field, criterion in (
            ("mobile", "phone"),
            ("resident_id", "resident_id"),
            ("policy_no", "policy_no"),
            ("plate", "plate"),
        ):
            value = getattr(record, field, None)
            if value:
                found_lone = sorted(c.id for c in lone.find(**{criterion: value}))
                assert found_lone == sorted(c.id for c in eager.find(**{criterion: value}))


def test_lone_customers_are_kept_as_records_until_needed() -> None:
    store = MemoryStore()
    result = store.ingest([rec("R1", "2026-01-05", resident_id=ID_A, name="张伟")])[0]
    assert type(store._states[result.customer_id]) is SourceRecord
    # reading builds a state it does not keep: the customer stays its record …
    assert store.get(result.customer_id).name == "张伟"
    assert [c.id for c in store.iter_customers()] == [result.customer_id]
    assert store.state(result.customer_id).value("name") == "张伟"
    assert len(store.observations(result.customer_id)) == 1
    assert type(store._states[result.customer_id]) is SourceRecord
    # … until a write needs its state: then it is built and kept
    store.ingest([rec("R2", "2026-02-05", resident_id=ID_A, address="福州市鼓楼区")])
    assert type(store._states[result.customer_id]) is not SourceRecord
    assert store.get(result.customer_id).address == "福州市鼓楼区"


def test_reading_every_customer_keeps_the_lone_ones_as_records(
    book_records: list[SourceRecord],
) -> None:
    store = MemoryStore()
    store.ingest(book_records)
    lone = {cid for cid, held in store._states.items() if type(held) is SourceRecord}
    assert lone
    seen = [c.id for c in store.iter_customers()]
    assert set(seen) >= lone
    for policy in store.expiring("2027-01"):
        assert policy.policy_no
    assert {cid for cid, held in store._states.items() if type(held) is SourceRecord} == lone


def test_the_policy_of_a_lone_customer_is_indexed_as_a_built_ones() -> None:
    fields = {
        "resident_id": ID_A,
        "name": "张伟",
        "policy_no": "PDAA1",
        "role": "投保人",
        "plate": "闽D12388",
        "vin": VIN,
        "cover_start": "2026-01-06",
        "cover_end": "2027-01-05",
    }
    lone, eager = MemoryStore(), EagerStore()
    for store in (lone, eager):
        store.ingest([rec("R1", "2026-01-05", **fields)])
    assert lone._index == eager._index
    # a lone customer keeps no records list, owned keys or policy group of its own …
    assert not lone._records
    assert not lone._keys
    assert not lone._groups
    assert lone._index_keys("C00000001", "resident_id") == {ID_A}
    # … until it is needed: then they are those of a customer built at once
    lone._load_state("C00000001")
    assert lone._groups == eager._groups
    assert lone._keys == eager._keys
    assert lone._records == eager._records
    assert [p.policy_no for p in lone.expiring("2027-01")] == ["PDAA1"]


def test_a_keyless_record_with_a_plate_is_indexed_as_an_orphan() -> None:
    lone, eager = MemoryStore(), EagerStore()
    for store in (lone, eager):
        store.ingest([rec("C1", "2026-03-01", name="张伟", mobile="13800138000", plate="闽D12388")])
    assert "orphan_plate" in lone._index
    assert lone._index == eager._index


def _abandoned(store: MemoryStore, *records: SourceRecord, seen: list[str | None]) -> None:
    """Ingest ``records`` in a transaction that then fails; ``seen`` collects the addresses
    read meanwhile."""
    with store.transaction():
        for result in store.ingest(list(records)):
            seen.append(store.get(result.customer_id).address)
        raise RuntimeError("abandon")


def test_a_rolled_back_second_record_leaves_the_lone_customer_as_it_was() -> None:
    store = MemoryStore()
    first = store.ingest(
        [rec("R1", "2026-01-05", resident_id=ID_A, address="北京市朝阳区建国路88号")]
    )
    customer_id = first[0].customer_id
    before = to_dict(store.get(customer_id))
    second = rec("R2", "2026-02-05", resident_id=ID_A, address="上海市徐汇区漕溪北路1号")
    seen: list[str | None] = []
    with pytest.raises(RuntimeError):
        _abandoned(store, second, seen=seen)
    assert seen == ["上海市徐汇区漕溪北路1号"]
    assert to_dict(store.get(customer_id)) == before
    assert store.count() == 1


def test_a_rolled_back_new_customer_is_gone() -> None:
    store = MemoryStore()
    with pytest.raises(RuntimeError):
        _abandoned(store, rec("R1", "2026-01-05", resident_id=ID_A, mobile="13800138000"), seen=[])
    assert store.count() == 0
    assert store.find(phone="13800138000") == []


def test_policy_fields_under_a_statistics_rule_build_every_state() -> None:
    store = MemoryStore(policy=MergePolicy(rules={"cover_end": "most_frequent"}))
    result = store.ingest(
        [rec("R1", "2026-01-05", resident_id=ID_A, policy_no="PDAA1", cover_end="2027-01-05")]
    )[0]
    assert type(store._states[result.customer_id]) is not SourceRecord
    assert MemoryStore(policy=MergePolicy(rules={"address": "most_frequent"}))._lone


def test_a_lone_record_contradicting_its_id_does_not_own_the_id() -> None:
    contradicting = rec("R1", "2026-01-05", resident_id=ID_A, gender="女", name="张伟")
    lone, eager = MemoryStore(), EagerStore()
    for store in (lone, eager):
        store.ingest([contradicting])
    for kind in ("resident_id", "name"):
        assert lone._index_keys("C00000001", kind) == eager._index_keys("C00000001", kind)
    assert lone._index_keys("C00000001", "resident_id") == set()
    assert lone._index_keys("C00000001", "name") == {"张伟"}
