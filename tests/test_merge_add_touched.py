"""`GoldenState.add` says when a record may have changed its policy's indexed values.

A store re-indexes a policy's vehicle and cover-end entries only when `add` returns True, so
a False must never hide a change (the property below); True for no change only costs time.
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.merge import GoldenState, MergePolicy
from custmaster.model import Provenance, SourceRecord
from custmaster.resolve.keys import policy_entries
from custmaster.testing.strategies import source_records

ID_A = "110105198001010016"


def rec(ref: str, when: str, **fields: Any) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel="core_system", source_ref=ref, observed_at=when),
        resident_id=ID_A,
        **fields,
    )


def _group(state: GoldenState, number: str) -> tuple[Any, ...]:
    roles = state.roles.get(number) or ("insured",)
    return (roles, tuple(policy_entries(state, number, roles)))


POLICY = {
    "policy_no": "PDAA1",
    "plate": "闽D12388",
    "cover_start": "2026-01-06",
    "cover_end": "2027-01-05",
}


def test_a_new_policy_is_touched() -> None:
    state = GoldenState()
    assert state.add(rec("R1", "2026-01-05", **POLICY)) is True
    assert state.add(rec("R2", "2026-01-06", **{**POLICY, "policy_no": "PDAA2"})) is True


def test_the_same_values_seen_later_leave_the_policy_untouched() -> None:
    state = GoldenState()
    state.add(rec("R1", "2026-01-05", **POLICY))
    assert state.add(rec("R2", "2026-02-05", mobile="13800138000", **POLICY)) is False
    assert state.add(rec("R3", "2026-03-05", policy_no="PDAA1", mobile="13900139000")) is False
    assert state.add(rec("R4", "2025-03-05", **{**POLICY, "plate": "闽D99999"})) is False


def test_a_newer_plate_a_new_field_or_a_new_role_touches_the_policy() -> None:
    state = GoldenState()
    state.add(rec("R1", "2026-01-05", policy_no="PDAA1", plate="闽D12388"))
    assert state.add(rec("R2", "2026-02-05", policy_no="PDAA1", plate="闽D99999")) is True
    assert state.add(rec("R3", "2026-02-06", policy_no="PDAA1", cover_end="2027-01-05")) is True
    assert state.add(rec("R4", "2026-02-07", policy_no="PDAA1", role="投保人")) is True


def test_a_policy_field_under_a_rule_is_always_touched() -> None:
    state = GoldenState(MergePolicy(rules={"plate": "first_seen"}))
    state.add(rec("R1", "2026-01-05", **POLICY))
    assert state.add(rec("R2", "2026-02-05", **POLICY)) is True


@settings(max_examples=150, deadline=None)
@given(st.lists(source_records(), min_size=1, max_size=8))
def test_an_untouched_policy_keeps_its_index_entries(records: list[SourceRecord]) -> None:
    """Whatever records arrive, a False from `add` means the policy's group is unchanged."""
    state = GoldenState()
    number = "PDAA1"
    for drawn in records:
        record = attrs.evolve(drawn, policy_no=number)
        before = _group(state, number)
        touched = state.add(record)
        if not touched:
            assert _group(state, number) == before
