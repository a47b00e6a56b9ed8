"""The merge invariants of DESIGN.md as hypothesis properties.

1. Order independence: any permutation of the same observations gives the same golden record.
2. Idempotence: ingesting a record twice equals ingesting it once.
3. Nothing lost: every value ever observed is current or in that field's history.
Also: the incremental state equals a rebuild, and a store resolves a book the same way
whatever the order of its records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.merge import (
    NEWEST,
    GoldenState,
    MergePolicy,
    Observed,
    TrustedName,
    build,
    choose,
    explain,
    to_customer,
)
from custmaster.merge.engine import CONTACT_KINDS, POLICY_FIELDS
from custmaster.merge.rules import has_strong_key, weak_name
from custmaster.model import (
    ContactEvent,
    ContactPoint,
    Customer,
    HistoryEntry,
    PolicyRoleLink,
    Provenance,
    SourceRecord,
)
from custmaster.store import MemoryStore
from custmaster.testing.strategies import source_records

NAMES = ["张伟", "张玮", "李娜", "张先生", "王女士"]
ID_A = "11010519491231002X"
ADDRESSES = [
    "北京市朝阳区建国路88号",
    "上海市徐汇区漕溪北路88号",
    "福建省厦门市思明区湖滨南路100号",
    "厦门市思明区湖滨南路100号",
]
PHONES = ["13800138000", "13900139000", "0592-5551234"]
POLICIES = ["PDAA1", "PDZA2"]
# Equal instants written in two time zones, so that ties and zone handling are exercised.
TIMES = [
    "2026-01-01T08:00:00+08:00",
    "2026-01-01T00:00:00+00:00",
    "2026-02-01T00:00:00+00:00",
    "2026-03-01T12:00:00+08:00",
]
CHANNELS = ["core_system", "telesales", "claim_report", "callback", "wechat_mini"]
DATES = [dt.date(2026, 12, 31), dt.date(2027, 1, 5)]

POLICY_VARIANTS = [
    MergePolicy(),
    MergePolicy(rules={"name": "newest"}),
    MergePolicy(rules={"name": TrustedName(keyed=False)}),
    MergePolicy(rules={"name": "most_frequent", "address": "union", "postcode": "first_seen"}),
    MergePolicy(rules={"name": "channel_priority", "address": "most_frequent"}),
    MergePolicy(channels=("telesales", "claim_report", "core_system")),
]


@st.composite
def record_sets(
    draw: st.DrawFn, times: list[str] = TIMES, channels: list[str] = CHANNELS
) -> list[SourceRecord]:
    count = draw(st.integers(min_value=1, max_value=7))
    records = []
    for i in range(count):
        fields: dict[str, Any] = {}
        if draw(st.booleans()):
            fields["name"] = draw(st.sampled_from(NAMES))
        if draw(st.booleans()):
            fields["resident_id"] = ID_A
        if draw(st.booleans()):
            fields["address"] = draw(st.sampled_from(ADDRESSES))
        if draw(st.booleans()):
            fields["mobile"] = draw(st.sampled_from(PHONES[:2]))
        if draw(st.booleans()):
            fields["home_phone"] = draw(st.sampled_from(PHONES))
        if draw(st.booleans()):
            fields["postcode"] = draw(st.sampled_from(["361000", "100020"]))
        if draw(st.booleans()):
            fields["policy_no"] = draw(st.sampled_from(POLICIES))
            fields["cover_end"] = draw(st.sampled_from(DATES))
            fields["role"] = draw(st.sampled_from([None, "holder", "insured"]))
        if draw(st.booleans()):
            fields["extra"] = {"车队": draw(st.sampled_from(["一队", "二队"]))}
        provenance = Provenance(
            channel=draw(st.sampled_from(channels)),
            source_ref=f"R{i}",
            observed_at=draw(st.sampled_from(times)),
        )
        records.append(SourceRecord(provenance=provenance, **fields))
    return records


@st.composite
def event_sets(draw: st.DrawFn) -> list[ContactEvent]:
    count = draw(st.integers(min_value=0, max_value=4))
    return [
        ContactEvent(
            id=f"E{i}",
            at=draw(st.sampled_from(TIMES)),
            channel=draw(st.sampled_from(["callback", "telesales"])),
            method="call",
            contact_kind=draw(st.sampled_from(["mobile", "home"])),
            contact_value=draw(st.sampled_from(PHONES)),
            outcome=draw(st.sampled_from(["reached", "wrong_number", "no_answer", "refused"])),
            operator=draw(st.sampled_from(["王芳", "李强"])),
        )
        for i in range(count)
    ]


def golden(
    records: list[SourceRecord], events: list[ContactEvent], policy: MergePolicy
) -> Customer:
    return to_customer("C1", build(records, events, policy), records)


@settings(max_examples=150, deadline=None)
@given(
    record_sets().flatmap(lambda rs: st.tuples(st.just(rs), st.permutations(rs))),
    event_sets().flatmap(lambda es: st.tuples(st.just(es), st.permutations(es))),
    st.sampled_from(POLICY_VARIANTS),
)
def test_any_permutation_gives_the_same_golden_record(
    records: tuple[list[SourceRecord], list[SourceRecord]],
    events: tuple[list[ContactEvent], list[ContactEvent]],
    policy: MergePolicy,
) -> None:
    original, shuffled = records
    assert golden(original, events[0], policy) == golden(shuffled, events[1], policy)


@settings(max_examples=100, deadline=None)
@given(record_sets(), event_sets(), st.data())
def test_incremental_state_equals_a_rebuild(
    records: list[SourceRecord], events: list[ContactEvent], data: st.DataObject
) -> None:
    policy = data.draw(st.sampled_from(POLICY_VARIANTS))
    steps: list[Any] = data.draw(st.permutations([*records, *events]))
    state = GoldenState(policy)
    for step in steps:
        if isinstance(step, SourceRecord):
            state.add(step)
        else:
            state.add_event(step)
    assert state.snapshot() == build(records, events, policy).snapshot()


@settings(max_examples=100, deadline=None)
@given(record_sets(), st.data())
def test_ingesting_a_record_twice_equals_once(
    records: list[SourceRecord], data: st.DataObject
) -> None:
    again = data.draw(st.lists(st.sampled_from(records), max_size=4))
    assert golden([*records, *again], [], MergePolicy()) == golden(records, [], MergePolicy())
    store = MemoryStore()
    first = store.ingest(records)
    # a record of no value is refused (record.empty), every time
    assert [r.outcome.value == "rejected" for r in first] == [not r.has_values() for r in records]
    ids = {r.customer_id for r in first if r.customer_id is not None}
    before = [store.get(cid) for cid in sorted(ids)]
    rerun = store.ingest([*again, *records])
    assert [r.outcome.value for r in rerun] == [
        "duplicate" if record.has_values() else "rejected" for record in [*again, *records]
    ]
    assert [store.get(cid) for cid in sorted(ids)] == before
    assert store.counts()["records"] == sum(record.has_values() for record in records)


def _is_current(customer: Customer, name: str, value: Any, policy_no: str | None) -> bool:
    if name in CONTACT_KINDS and name != "address":
        return any(p.value == value for p in customer.contact_points)
    if name == "role":
        return any(link.policy_no == policy_no for link in customer.policies)
    if policy_no is not None and name in POLICY_FIELDS:
        return False  # shown on the Policy; checked through the history otherwise
    return bool(getattr(customer, name, None) == value)


@settings(max_examples=150, deadline=None)
@given(record_sets(), st.sampled_from(POLICY_VARIANTS))
def test_every_value_ever_observed_is_current_or_in_history(
    records: list[SourceRecord], policy: MergePolicy
) -> None:
    state = build(records, (), policy)
    customer = to_customer("C1", state, records)
    for record in records:
        for name, value in record.values():
            if name == "policy_no":
                assert record.policy_no in customer.policy_numbers()
                continue
            policy_no = record.policy_no if name in POLICY_FIELDS else None
            in_history = any(
                entry.value == value and entry.provenance == record.provenance
                for entry in customer.history(name)
            )
            current = _is_current(customer, name, value, policy_no)
            if policy_no is not None and name != "role":
                winner = state.current(f"policy.{policy_no}.{name}")
                current = winner is not None and winner.provenance == record.provenance
            if name == "address" and not in_history:
                current = current or any(p.value == value for p in customer.contact_points)
            if not current and not in_history and name != "role":
                # a value shown through a non-default rule (union, most frequent) is current
                shown = state.value(name if policy_no is None else f"policy.{policy_no}.{name}")
                current = shown == value or (isinstance(shown, tuple) and value in shown)
            assert current or in_history, (name, record.provenance.key)


@settings(max_examples=200, deadline=None)
@given(st.one_of(record_sets(), record_sets(TIMES[:3], CHANNELS[:2])))
def test_the_state_keeps_the_observation_the_newest_rule_chooses(
    records: list[SourceRecord],
) -> None:
    """The engine's fast path for newest-wins fields agrees with the rule's own ordering,
    ties of time and channel included (`custmaster.merge.rules.tie_break`)."""
    state = build(records, (), MergePolicy())
    for field in ("address", "postcode"):
        seen = [
            Observed(field, getattr(r, field), r.provenance)
            for r in records
            if getattr(r, field) is not None
        ]
        won = state.current(field)
        if not seen:
            assert won is None
            continue
        chosen = choose(NEWEST, seen)
        assert won is not None
        assert (won.value, won.provenance) == (chosen.value, chosen.provenance)


@settings(max_examples=150, deadline=None)
@given(record_sets(), st.sampled_from(POLICY_VARIANTS))
def test_explain_names_the_observation_the_state_chose(
    records: list[SourceRecord], policy: MergePolicy
) -> None:
    state = build(records, (), policy)
    for field in ("name", "address", "postcode"):
        won = state.current(field)
        said = explain(records, field, policy)
        if won is None:
            assert said.source_ref is None
        else:
            assert (said.channel, said.source_ref) == won.provenance.key


@settings(max_examples=200, deadline=None)
@given(record_sets())
def test_the_default_name_is_a_real_name_observed_with_the_id_when_there_is_one(
    records: list[SourceRecord],
) -> None:
    named = [r for r in records if r.name is not None]
    won = build(records).current("name")
    if not named:
        assert won is None
        return
    assert won is not None
    real = [r for r in named if not weak_name(r.name)]
    pool = real or named
    keyed = [r for r in pool if has_strong_key(r)]
    pool = keyed or pool
    newest = max(r.provenance.observed_at for r in pool)
    # a real name whenever there is one; observed with the ID whenever such a name is; newest
    assert won.record in pool
    assert won.provenance.observed_at == newest
    customer = to_customer("C1", build(records), records)
    shown = {won.provenance.key}
    kept = {e.provenance.key for e in customer.history("name")} | shown
    assert kept == {r.provenance.key for r in named}  # the others stay in the history


# -- end to end through the store ---------------------------------------------------------------

PEOPLE = [
    ("110105198001010016", "张伟", "13800138000", "闽D12388", "PDAA100"),
    ("110105198001010024", "李娜", "13900139000", "沪A12345", "PDAA200"),
    ("350203198503151238", "王芳", "13700137000", "粤B54321", "PDAA300"),
]


def _book(draw: st.DrawFn) -> list[SourceRecord]:
    records = []
    for n, (resident_id, name, mobile, plate, policy_no) in enumerate(PEOPLE):
        if draw(st.booleans()):
            records.append(
                SourceRecord(
                    provenance=Provenance(
                        channel="core_system", source_ref=f"core-{n}", observed_at="2026-01-05"
                    ),
                    resident_id=resident_id,
                    name=name,
                    policy_no=policy_no,
                    line="交强险",
                    plate=plate,
                    cover_start="2026-01-06",
                    cover_end="2027-01-05",
                )
            )
        if draw(st.booleans()):
            records.append(
                SourceRecord(
                    provenance=Provenance(
                        channel="telesales",
                        source_ref=f"ts-{n}",
                        observed_at=draw(st.sampled_from(TIMES)),
                    ),
                    resident_id=resident_id,
                    mobile=mobile,
                    address=draw(st.sampled_from(ADDRESSES)),
                )
            )
        if draw(st.booleans()):  # a claim report without ID: attaches through the plate
            records.append(
                SourceRecord(
                    provenance=Provenance(
                        channel="claim_report",
                        source_ref=f"claim-{n}",
                        observed_at="2026-06-01T09:00:00+08:00",
                    ),
                    name=name,
                    mobile=mobile,
                    plate=plate,
                )
            )
        if draw(st.booleans()):  # a renewal-list row: attaches through the policy number
            records.append(
                SourceRecord(
                    provenance=Provenance(
                        channel="renewal_list", source_ref=f"renew-{n}", observed_at="2026-11-01"
                    ),
                    name=name,
                    policy_no=policy_no,
                    mobile=mobile,
                )
            )
    return records


def _by_content(store: MemoryStore) -> set[tuple[Any, ...]]:
    found = set()
    for customer in store.iter_customers():
        keys = tuple(sorted(r.provenance.key for r in store.observations(customer.id)))
        found.add((keys, attrs.evolve(customer, id="X")))
    return found


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_store_resolves_a_book_the_same_way_in_any_order(data: st.DataObject) -> None:
    book = _book(data.draw)
    if not book:
        return
    shuffled = data.draw(st.permutations(book))
    first, second = MemoryStore(), MemoryStore()
    first.ingest(book)
    second.ingest(shuffled)
    assert _by_content(first) == _by_content(second)
    # records of one person always end on one customer, never on another person's
    for customer in first.iter_customers():
        people = {
            r.provenance.source_ref.rsplit("-", 1)[1] for r in first.observations(customer.id)
        }
        assert len(people) == 1
    # with the core record, everything about a person is one customer; without it, the
    # telesales row (ID) and the renewal row (no ID, unknown policy) stay apart (a phone alone
    # never merges) and the shared phone raises a candidate pair instead
    person = {r.provenance.source_ref.rsplit("-", 1)[1] for r in book}
    with_core = {
        r.provenance.source_ref[5:] for r in book if r.provenance.source_ref[:5] == "core-"
    }
    for n in with_core:
        assert len(first.find(policy_no=PEOPLE[int(n)][4])) == 1
        (customer,) = first.find(resident_id=PEOPLE[int(n)][0])
        refs = {r.provenance.source_ref for r in first.observations(customer.id)}
        assert refs == {
            r.provenance.source_ref for r in book if r.provenance.source_ref.endswith(n)
        }
    assert first.count() >= len(person)


def _revalidated(customer: Customer) -> Customer:
    """The same customer built again through every converter and validator of the model."""
    points = [
        ContactPoint(**{a.name: getattr(p, a.name) for a in attrs.fields(ContactPoint)})
        for p in customer.contact_points
    ]
    histories = {
        field: [HistoryEntry(field=e.field, value=e.value, provenance=e.provenance) for e in es]
        for field, es in customer.histories.items()
    }
    links = [PolicyRoleLink(policy_no=link.policy_no, role=link.role) for link in customer.policies]
    values = {a.name: getattr(customer, a.name) for a in attrs.fields(Customer)}
    values.update(contact_points=points, histories=histories, policies=links)
    return Customer(**values)


def _shape(customer: Customer) -> list[object]:
    """Every value of a customer with its exact type, nested objects included: equality
    alone would let a plain string pass for an enum member of equal value."""
    found: list[object] = []
    for a in attrs.fields(Customer):
        value = getattr(customer, a.name)
        found.append((a.name, type(value), value))
    for point in customer.contact_points:
        found.extend(
            (a.name, type(v), v)
            for a in attrs.fields(ContactPoint)
            if (v := getattr(point, a.name)) is not None
        )
        found.append(type(point.channels))
    for link in customer.policies:
        found.append((type(link.role), link.role))
    for field, entries in customer.histories.items():
        found.extend((field, type(e.value), e.value, e.provenance.key) for e in entries)
    return found


@settings(max_examples=150, deadline=None)
@given(record_sets(), event_sets(), st.sampled_from(POLICY_VARIANTS))
def test_a_customer_read_back_equals_one_built_through_the_validators(
    records: list[SourceRecord], events: list[ContactEvent], policy: MergePolicy
) -> None:
    # `to_customer` builds its objects without running the converters again (the values
    # were validated when they arrived); the result must be exactly the validated one
    customer = golden(records, events, policy)
    again = _revalidated(customer)
    assert customer == again
    assert _shape(customer) == _shape(again)


@settings(max_examples=60, deadline=None)
@given(st.lists(source_records(), min_size=1, max_size=8))
def test_customers_of_generated_records_read_back_as_validated(
    records: list[SourceRecord],
) -> None:
    store = MemoryStore()
    store.ingest(records)
    for customer in store.iter_customers(include_restricted=True):
        again = _revalidated(customer)
        assert customer == again
        assert _shape(customer) == _shape(again)
