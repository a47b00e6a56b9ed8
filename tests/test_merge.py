"""Merge rules, the incremental golden state, histories, explanations and the golden Customer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from custmaster.errors import UsageError
from custmaster.merge import (
    FIRST_SEEN,
    MOST_FREQUENT,
    NEWEST,
    UNION,
    ChannelPriority,
    GoldenState,
    MergePolicy,
    Observed,
    build,
    choose,
    custom,
    explain,
    history,
    policy_view,
    to_customer,
)
from custmaster.merge.engine import undo
from custmaster.merge.rules import ChannelOrder, Rule, ValueStats
from custmaster.model import (
    Channel,
    ContactEvent,
    ContactStatus,
    CustomerKind,
    Gender,
    PolicyLine,
    Provenance,
    SourceRecord,
)

ID_A = "11010519491231002X"  # female, born 1949-12-31
ID_B = "110105198001010016"  # male, born 1980-01-01
USCC = "91350211M0000XUL0J"
VIN = "LSVAU218XN2183294"


def rec(ref: str, when: str, channel: str = "core_system", **fields: Any) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields
    )


def event(
    ident: str, when: str, value: str, outcome: str, kind: str = "mobile", channel: str = "callback"
) -> ContactEvent:
    return ContactEvent(
        id=ident,
        at=when,
        channel=channel,
        method="call",
        contact_kind=kind,
        contact_value=value,
        outcome=outcome,
        operator="王芳",
    )


def obs(field: str, value: Any, when: str, channel: str = "telesales", ref: str = "r") -> Observed:
    return Observed(field, value, Provenance(channel=channel, source_ref=ref, observed_at=when))


# -- rules ---------------------------------------------------------------------------------


def test_newest_wins_and_ties_go_to_the_more_trusted_channel_then_the_reference() -> None:
    old = obs("address", "北京市朝阳区建国路88号", "2026-01-05", "core_system", "a")
    new = obs("address", "上海市徐汇区漕溪北路88号", "2026-03-01", "telesales", "b")
    assert choose(NEWEST, [old, new]) is new
    assert choose(NEWEST, [new, old]) is new
    tie_core = obs("address", "X路1号", "2026-03-01", "core_system", "c")
    assert choose(NEWEST, [new, tie_core]) is tie_core  # core_system ranks above telesales
    same_channel = obs("address", "上海市徐汇区漕溪北路99号", "2026-03-01", "telesales", "z")
    assert choose(NEWEST, [new, same_channel]) is same_channel  # then the greater reference
    shorter = obs("address", "徐汇区漕溪北路88号", "2026-03-01", "telesales", "zz")
    assert choose(NEWEST, [new, shorter]) is new  # (an address: after the longer one)
    name = obs("name", "张伟", "2026-03-01", "telesales", "zz")
    assert choose(NEWEST, [obs("name", "欧阳张伟", "2026-03-01", "telesales", "b"), name]) is name


def test_the_more_detailed_address_wins_a_tie_of_time_and_channel() -> None:
    short = obs("address", "厦门市思明区湖滨南路100号", "2026-03-01", "core_system", "x#9")
    full = obs("address", "福建省厦门市思明区湖滨南路100号", "2026-03-01", "core_system", "x#10")
    room = obs("address", "厦门市思明区湖滨南路100号501室", "2026-03-01", "core_system", "x#8")
    assert choose(NEWEST, [short, full]) is full
    assert choose(NEWEST, [full, short]) is full
    assert choose(NEWEST, [short, room, full]) is room  # 18 characters against 17
    assert choose(NEWEST, [room, short]) is room
    later = obs("address", "厦门市湖里区1号", "2026-03-02", "core_system", "x#1")
    assert choose(NEWEST, [full, later]) is later  # newest still wins first
    tele = obs("address", "福建省厦门市思明区湖滨南路100号501室", "2026-03-01", "telesales", "t")
    assert choose(NEWEST, [short, tele]) is short  # and the more trusted channel next
    state_a, state_b = GoldenState(), GoldenState()
    records = [
        rec("x#9", "2026-03-01", name="张伟", address="厦门市思明区湖滨南路100号"),
        rec("x#10", "2026-03-01", name="张伟", address="福建省厦门市思明区湖滨南路100号"),
    ]
    for record in records:
        state_a.add(record)
    for record in reversed(records):
        state_b.add(record)
    assert state_a.value("address") == state_b.value("address") == "福建省厦门市思明区湖滨南路100号"


def test_configured_channel_order_changes_the_tie_break() -> None:
    a = obs("address", "X路1号", "2026-03-01", "core_system", "a")
    b = obs("address", "Y路2号", "2026-03-01", "telesales", "b")
    order = ChannelOrder(("telesales", "core_system"))
    assert choose(NEWEST, [a, b], order) is b
    assert choose(NEWEST, [a, b]) is a
    assert order.score(Channel.TELESALES) > order.score(Channel("wechat_mini"))


def test_channel_priority_first_seen_most_frequent_union_and_custom() -> None:
    core = obs("name", "张伟", "2025-01-01", "core_system", "c1")
    tele = obs("name", "张玮", "2026-01-01", "telesales", "t1")
    tele2 = obs("name", "张玮", "2026-02-01", "telesales", "t2")
    core2 = obs("name", "张伟", "2024-01-01", "core_system", "c0")
    assert choose(ChannelPriority(), [core, tele]) is core
    assert choose(ChannelPriority(("telesales",)), [core, tele]) is tele
    assert choose(FIRST_SEEN, [core, tele, core2]) is core2
    assert choose(MOST_FREQUENT, [core, tele, tele2]).value == "张玮"
    # equal counts: the value seen last wins, represented by its newest observation
    assert choose(MOST_FREQUENT, [core, core2, tele, tele2]) is tele2
    assert UNION.current(
        tele,
        {
            "张玮": ValueStats(1, tele.provenance.observed_at, tele.provenance.observed_at),
            "张伟": ValueStats(1, core.provenance.observed_at, core.provenance.observed_at),
        },
    ) == ("张伟", "张玮")
    shortest = custom(lambda o: -len(o.value), name="shortest")
    assert (
        choose(
            shortest,
            [
                obs("address", "长长的地址1号", "2026-01-01"),
                obs("address", "短1号", "2025-01-01", ref="s"),
            ],
        ).value
        == "短1号"
    )


def test_rule_names_and_protocol_objects_configure_a_policy() -> None:
    class Longest:
        name = "longest"
        uses_stats = False

        def rank(self, observed: Observed, stats: object, channels: object) -> int:
            return len(str(observed.value))

        def current(self, winner: Observed, values: object) -> object:
            return winner.value

        def describe(self) -> str:
            return "the longest value wins"

    assert isinstance(Longest(), Rule)
    policy = MergePolicy(rules={"name": "first_seen", "address": Longest(), "postcode": len})
    assert policy.rule("name") is FIRST_SEEN
    assert policy.rule("address").name == "longest"
    assert policy.rule("postcode").name == "custom"
    assert policy.rule("email") is NEWEST
    with pytest.raises(UsageError) as info:
        MergePolicy(rules={"name": "loudest"})
    assert info.value.code == "merge.unknown_rule"
    with pytest.raises(UsageError):
        choose(NEWEST, [])


# -- the state -----------------------------------------------------------------------------


def test_single_values_newest_wins_and_history_keeps_the_rest_newest_first() -> None:
    records = [
        rec("R1", "2026-01-05", resident_id=ID_A, name="张伟", address="北京市朝阳区建国路88号"),
        rec("T1", "2026-03-01", "telesales", address="上海市徐汇区漕溪北路88号"),
        rec("F1", "2026-02-01", "face_to_face", address="福建省厦门市思明区湖滨南路100号"),
    ]
    state = build(records)
    assert state.value("address") == "上海市徐汇区漕溪北路88号"
    assert state.current("address").provenance.source_ref == "T1"
    older = history(records, "address")
    assert [o.provenance.source_ref for o in older] == ["F1", "R1"]
    assert state.value("name") == "张伟"
    assert state.value("never") is None
    assert state.current("never") is None


def test_contact_points_accumulate_across_channels_without_copies() -> None:
    records = [
        rec("R1", "2026-01-05", mobile="138-0013-8000"),
        rec("T1", "2026-03-01", "telesales", mobile="+86 138 0013 8000", home_phone="0592-5551234"),
        rec("T2", "2026-02-01", "telesales", mobile="13800138000"),
    ]
    state = build(records)
    mobile = state.contacts[("mobile", "+8613800138000")]
    assert mobile.total == 3
    assert dict(mobile.channels) == {"core_system": 1, "telesales": 2}
    assert mobile.first_seen.date() == dt.date(2026, 1, 5)
    assert mobile.last_seen.date() == dt.date(2026, 3, 1)
    assert set(state.contacts) == {("mobile", "+8613800138000"), ("home", "+865925551234")}
    customer = to_customer("C1", state, records)
    assert len(customer.contact_points) == 2
    assert customer.contact_point("mobile", "13800138000").count == 3  # type: ignore[union-attr]


def test_wrong_number_is_kept_but_not_callable_until_a_later_call_reaches_someone() -> None:
    records = [rec("R1", "2026-01-05", mobile="13800138000", office_phone="0592-5551234")]
    state = build(records)
    state.add_event(event("CB1", "2026-02-01T10:00:00+08:00", "13800138000", "wrong_number"))
    customer = to_customer("C1", state, records)
    assert [p.value for p in customer.callable_contacts()] == ["+865925551234"]
    point = customer.contact_point("mobile", "13800138000")
    assert point is not None
    assert point.status is ContactStatus.WRONG
    assert point.status_by == "王芳"
    # an older reached verdict does not clear it; a newer one does
    state.add_event(event("CB0", "2026-01-20T10:00:00+08:00", "13800138000", "reached"))
    assert not state.is_callable("mobile", "+8613800138000")
    state.add_event(event("CB2", "2026-03-01T10:00:00+08:00", "13800138000", "reached"))
    assert state.is_callable("mobile", "+8613800138000")
    # an outcome that proves nothing changes nothing
    state.add_event(event("CB3", "2026-04-01T10:00:00+08:00", "13800138000", "no_answer"))
    assert state.status("mobile", "+8613800138000").status == "reached"  # type: ignore[union-attr]


def test_a_verdict_applies_to_the_number_in_every_phone_kind_and_in_any_order() -> None:
    records = [rec("R1", "2026-01-05", mobile="13800138000", home_phone="13800138000")]
    wrong = event("CB1", "2026-02-01T10:00:00+08:00", "13800138000", "wrong_number", kind="home")
    before = GoldenState()
    assert before.add_event(wrong) is False  # no such number yet: kept for later
    for r in records:
        before.add(r)
    after = build(records, [wrong])
    assert before.snapshot() == after.snapshot()
    assert not after.is_callable("mobile", "+8613800138000")
    assert not after.is_callable("home", "+8613800138000")


def test_policy_fields_compete_within_their_policy_and_roles_accumulate() -> None:
    records = [
        rec(
            "R1",
            "2026-01-05",
            resident_id=ID_A,
            policy_no="PDAA1",
            line="交强险",
            cover_start="2026-01-06",
            cover_end="2027-01-05",
            plate="闽D12388",
            vin=VIN,
        ),
        rec("E1", "2026-06-01", policy_no="PDAA1", cover_end="2026-12-31", role="holder"),
        rec(
            "R2",
            "2026-02-01",
            resident_id=ID_A,
            policy_no="PDZA2",
            line="商业险",
            cover_end="2027-02-05",
        ),
    ]
    state = build(records)
    assert state.value("policy.PDAA1.cover_end") == dt.date(2026, 12, 31)
    assert state.value("policy.PDZA2.cover_end") == dt.date(2027, 2, 5)
    assert state.roles["PDAA1"] == ("holder", "insured")
    assert [o.value for o in history(records, "policy.PDAA1.cover_end")] == [dt.date(2027, 1, 5)]
    policy = policy_view("PDAA1", [("C1", state)])
    assert policy is not None
    assert policy.line is PolicyLine.COMPULSORY
    assert policy.cover_end == dt.date(2026, 12, 31)
    assert policy.vehicle is not None
    assert policy.vehicle.vin == VIN
    assert policy.customer_id("holder") == "C1"
    assert policy_view("NOPE", [("C1", state)]) is None


def test_incremental_adds_equal_a_rebuild_whatever_the_order() -> None:
    records = [
        rec(
            "R1",
            "2026-01-05",
            resident_id=ID_A,
            name="张伟",
            mobile="13800138000",
            address="北京市朝阳区建国路88号",
        ),
        rec("T1", "2026-03-01", "telesales", name="张玮", mobile="13900139000"),
        rec("T2", "2026-03-01", "claim_report", name="张伟", address="上海市徐汇区漕溪北路88号"),
    ]
    forward = GoldenState()
    for r in records:
        forward.add(r)
    backward = GoldenState()
    for r in reversed(records):
        backward.add(r)
    assert forward.snapshot() == backward.snapshot() == build(records).snapshot()
    # equal times: claim_report outranks telesales in the built-in channel order
    assert forward.value("name") == "张伟"


def test_build_ignores_a_repeated_record_key() -> None:
    r = rec("R1", "2026-01-05", mobile="13800138000")
    assert build([r, r]).snapshot() == build([r]).snapshot()


def test_non_default_rules_are_incremental_too() -> None:
    policy = MergePolicy(rules={"name": MOST_FREQUENT, "address": UNION, "postcode": FIRST_SEEN})
    records = [
        rec("A", "2026-01-01", name="张伟", address="甲路1号", postcode="361000"),
        rec("B", "2026-02-01", "telesales", name="张玮", address="乙路2号", postcode="100020"),
        rec("C", "2026-03-01", "telesales", name="张玮", address="甲路1号"),
        rec("D", "2026-04-01", name="张伟"),
        rec("E", "2026-05-01", name="张伟", postcode="200030"),
    ]
    for order in (records, list(reversed(records)), records[2:] + records[:2]):
        state = GoldenState(policy)
        for r in order:
            state.add(r)
        assert state.value("name") == "张伟"
        assert state.current("name").provenance.source_ref == "E"  # type: ignore[union-attr]
        assert state.value("address") == ("乙路2号", "甲路1号")
        assert state.value("postcode") == "361000"
        assert state.snapshot() == build(records, policy=policy).snapshot()


def test_journal_undo_restores_the_state_exactly() -> None:
    base = [
        rec(
            "R1",
            "2026-01-05",
            resident_id=ID_A,
            mobile="13800138000",
            policy_no="P1",
            cover_end="2027-01-05",
        )
    ]
    state = build(base, policy=MergePolicy(rules={"name": "most_frequent"}))
    before = state.snapshot()
    journal: list[Any] = []
    state.add(
        rec(
            "T1",
            "2026-03-01",
            "telesales",
            name="张伟",
            mobile="13800138000",
            policy_no="P1",
            role="owner",
            cover_end="2026-12-31",
        ),
        journal,
    )
    state.add_event(
        event("CB1", "2026-04-01T00:00:00+08:00", "13800138000", "wrong_number"), journal
    )
    assert state.snapshot() != before
    undo(journal)
    assert state.snapshot() == before
    assert state.roles["P1"] == ("insured",)


def test_as_of_sees_only_what_was_observed_and_recorded_by_then() -> None:
    late = SourceRecord(
        provenance=Provenance(
            channel="telesales", source_ref="T1", observed_at="2026-03-01", recorded_at="2026-05-01"
        ),
        address="上海市徐汇区漕溪北路88号",
    )
    records = [rec("R1", "2026-01-05", address="北京市朝阳区建国路88号"), late]
    april = dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc)
    assert build(records, as_of=april).value("address") == "北京市朝阳区建国路88号"
    assert (
        build(records, as_of=dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)).value("address")
        == "上海市徐汇区漕溪北路88号"
    )
    wrong = event("CB1", "2026-02-01T00:00:00+00:00", "13800138000", "wrong_number")
    mobile = [rec("M1", "2026-01-01", mobile="13800138000")]
    jan = dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)
    assert build(mobile, [wrong], as_of=jan).is_callable("mobile", "+8613800138000")
    assert not build(mobile, [wrong]).is_callable("mobile", "+8613800138000")


# -- explanations and the Customer -----------------------------------------------------------


def test_explain_names_the_rule_the_winner_and_masks_the_competitors() -> None:
    records = [
        rec("R1", "2026-01-05", resident_id=ID_A, mobile="13800138000"),
        rec("T1", "2026-01-05", "telesales", resident_id=ID_A),
    ]
    text = str(explain(records, "resident_id"))
    assert "rule newest" in text
    assert "channel core_system ranks above telesales" in text
    assert ID_A not in text
    assert "110***********002X" in text
    contact = explain(records, "mobile")
    assert contact.rule == "accumulate"
    assert "13800138000" not in str(contact)
    assert str(explain(records, "address")) == "address: never observed."
    frequent = explain(
        [
            rec("A", "2026-01-01", name="张伟"),
            rec("B", "2026-02-01", name="张伟"),
            rec("C", "2026-03-01", name="李娜"),
        ],
        "name",
        MergePolicy(rules={"name": "most_frequent"}),
    )
    assert frequent.masked_value == "张*"
    assert frequent.source_ref == "B"
    assert "李娜" not in str(frequent)


def test_customer_shows_current_values_and_keeps_every_other_value_in_history() -> None:
    records = [
        rec(
            "R1",
            "2026-01-05",
            resident_id=ID_A,
            name="张伟",
            gender="女",
            birth_date="1949-12-31",
            address="北京市朝阳区建国路88号",
            extra={"车队": "三队"},
        ),
        rec(
            "T1",
            "2026-03-01",
            "telesales",
            name="张玮",
            plate="沪A12345",
            address="上海市徐汇区漕溪北路88号",
        ),
    ]
    customer = to_customer("C1", build(records), records)
    assert customer.kind is CustomerKind.PERSON
    # the name observed with the resident ID outranks the newer telesales spelling
    assert customer.name == "张伟"
    assert customer.gender is Gender.FEMALE
    assert [e.value for e in customer.history("name")] == ["张玮"]
    plain = MergePolicy(rules={"name": "newest"})
    newest = to_customer("C1", build(records, policy=plain), records)
    assert newest.name == "张玮"
    assert [e.value for e in newest.history("name")] == ["张伟"]
    assert [e.value for e in customer.history("address")] == ["北京市朝阳区建国路88号"]
    # derived from the ID, so the stated values are history; not shown: all history
    assert [e.value for e in customer.history("birth_date")] == [dt.date(1949, 12, 31)]
    assert [e.value for e in customer.history("plate")] == ["沪A12345"]
    assert [e.value for e in customer.history("extra.车队")] == ["三队"]
    assert customer.first_channel == Channel.CORE_SYSTEM
    assert "张玮" not in repr(customer)
    assert ID_A not in repr(customer)


def test_an_organisation_is_built_from_its_uscc() -> None:
    records = [
        rec(
            "U1",
            "2026-01-05",
            uscc=USCC,
            name="厦门某某贸易有限公司",
            policy_no="P9",
            role="holder",
        )
    ]
    customer = to_customer("C9", build(records), records)
    assert customer.kind is CustomerKind.ORGANISATION
    assert customer.uscc == USCC
    assert customer.policy_numbers("holder") == ("P9",)


def test_observed_repr_masks_the_value() -> None:
    text = repr(obs("resident_id", ID_B, "2026-01-01"))
    assert ID_B not in text
    assert "110***********0016" in text


def test_an_exported_state_restores_and_continues_incrementally() -> None:
    import json

    records = [
        rec(
            "R1",
            "2026-01-05",
            resident_id=ID_A,
            name="张伟",
            mobile="13800138000",
            policy_no="PDAA1",
            line="交强险",
            cover_end="2027-01-05",
            plate="闽D12388",
        ),
        rec(
            "T1",
            "2026-03-01",
            "telesales",
            name="张玮",
            mobile="13800138000",
            address="上海市徐汇区漕溪北路88号",
            policy_no="PDAA1",
            role="holder",
        ),
    ]
    state = build(
        records, [event("CB1", "2026-04-01T00:00:00+08:00", "13800138000", "wrong_number")]
    )
    data = json.loads(json.dumps(state.export()))
    by_key = {r.provenance.key: r for r in records}
    assert GoldenState.references(data) == set(by_key)
    restored = GoldenState.restore(data, by_key)
    assert restored is not None
    assert restored.snapshot() == state.snapshot()
    more = rec(
        "F1",
        "2026-05-01",
        "face_to_face",
        mobile="13900139000",
        policy_no="PDAA1",
        cover_end="2026-12-31",
    )
    state.add(more)
    restored.add(more)
    assert restored.snapshot() == state.snapshot()
    # the default name rule ranks observations alone: its states restore, and keep ranking
    assert data["rebuild"] is False
    guess = rec("B1", "2026-06-01", "callback", name="张先生", policy_no="PDAA1")
    state.add(guess)
    restored.add(guess)
    assert restored.snapshot() == state.snapshot()
    assert restored.value("name") == "张伟"
    assert GoldenState.restore(data, {}) is None  # a record is missing
    other = MergePolicy(channels=("telesales", "core_system"))
    assert GoldenState.restore(data, by_key, other) is None
    ruled = build(records, policy=MergePolicy(rules={"name": "most_frequent"})).export()
    assert ruled["rebuild"] is True
    assert GoldenState.restore(ruled, by_key, MergePolicy(rules={"name": "most_frequent"})) is None
