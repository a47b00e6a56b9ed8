"""Customer classification: source channel, configurable levels and the key-customer flag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG
from custmaster.errors import UsageError
from custmaster.model import Provenance, SourceRecord
from custmaster.service import Service
from custmaster.workflows.classification import (
    DEFAULT_RULES,
    ClassificationRules,
    Condition,
    CustomerProfile,
    LevelRule,
    classify_customer,
    classify_customers,
    load_rules,
    summarise,
)

pytest_plugins = ["_workflow_fixtures"]


def _record(service: Service, ref: str, channel: str, when: str, **fields: object) -> None:
    service.ingest_one(
        SourceRecord(
            provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields
        )
    )


def _book(service: Service) -> None:
    # Zhang: insured three years, both lines, first seen at a claim report.
    _record(service, "R1", "claim_report", "2023-06-01", resident_id=ID_ZHANG, name="张伟")
    for year in (2024, 2025, 2026):
        for number, line in ((f"A{year}", "商业险"), (f"Z{year}", "交强险")):
            _record(service, f"{number}#0", "core_system", f"{year}-01-02", policy_no=number,
                    line=line, resident_id=ID_ZHANG, plate="闽D12388",
                    cover_start=f"{year}-01-05", cover_end=f"{year}-12-31")  # fmt: skip
    # Li: two policies, one year, telesales first.
    _record(service, "T1", "telesales", "2026-01-01", resident_id=ID_LI, name="李娜")
    for number, line in (("A9", "商业险"), ("Z9", "交强险")):
        _record(service, f"{number}#0", "core_system", "2026-02-01", policy_no=number,
                line=line, resident_id=ID_LI, plate="闽D66666", cover_start="2026-02-05",
                cover_end="2027-02-04")  # fmt: skip
    # Wang: a fleet of three vehicles on compulsory policies.
    for i, plate in enumerate(("闽D11111", "闽D22222", "闽D33333")):
        _record(service, f"F{i}#0", "core_system", "2026-03-01", policy_no=f"F{i}",
                line="交强险", resident_id=ID_WANG, plate=plate, cover_start="2026-03-05",
                cover_end="2027-03-04")  # fmt: skip


def test_profiles_and_default_levels(service: Service) -> None:
    _book(service)
    by_id = {p.customer_id: p for p in classify_customers(service)}
    zhang = by_id[service.find(resident_id=ID_ZHANG)[0].id]
    li = by_id[service.find(resident_id=ID_LI)[0].id]
    wang = by_id[service.find(resident_id=ID_WANG)[0].id]
    assert (zhang.source_channel, zhang.policies, zhang.years, zhang.lines, zhang.vehicles) == (
        "claim_report", 6, 3, ("commercial", "compulsory"), 1,
    )  # fmt: skip
    assert (zhang.level, zhang.key_customer) == ("A", True)
    assert (li.source_channel, li.level, li.key_customer) == ("telesales", "B", False)
    assert (wang.level, wang.vehicles, wang.key_customer) == ("B", 3, True)
    summary = summarise(by_id.values())
    assert (summary.customers, summary.key_customers) == (3, 2)
    assert summary.count("core_system", "B") == 1
    assert summary.count("telesales", "B") == 1
    assert summary.count("claim_report", "A") == 1


def test_rules_from_a_json_file(service: Service, tmp_path: Path) -> None:
    _book(service)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({
        "levels": [{"level": "金", "min_policies": 6},
                   {"level": "银", "lines": ["交强险"], "min_vehicles": 2}],
        "default_level": "铜",
        "key": {"levels": ["金"]},
    }), encoding="utf-8")  # fmt: skip
    rules = load_rules(path)
    levels = {p.customer_id: (p.level, p.key_customer) for p in classify_customers(service, rules)}
    assert sorted(levels.values()) == sorted([("铜", False), ("金", True), ("银", False)])
    one = classify_customer(service, service.find(resident_id=ID_LI)[0].id, rules)
    assert one.level == "铜"


@pytest.mark.parametrize(
    "data",
    [
        {"levels": [{"min_policies": 2}]},
        {"levels": [{"level": "A", "min_policies": -1}]},
        {"levels": [{"level": "A", "lines": "commercial"}]},
        {"key": {"levels": "A"}},
        {"key": []},
    ],
)
def test_bad_rules_are_refused(data: dict[str, object], tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError, match=r"classification\.rules"):
        load_rules(path)


def test_unreadable_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError, match=r"classification\.rules"):
        load_rules(path)


profiles = st.builds(
    CustomerProfile,
    customer_id=st.just("C1"),
    source_channel=st.sampled_from([None, "telesales", "core_system"]),
    policies=st.integers(0, 20),
    years=st.integers(0, 10),
    lines=st.sets(st.sampled_from(["compulsory", "commercial", "accident"])).map(
        lambda s: tuple(sorted(s))
    ),
    vehicles=st.integers(0, 5),
)


@settings(max_examples=100)
@given(profiles, st.integers(0, 5), st.integers(0, 5))
def test_more_of_everything_never_lowers_the_level(
    profile: CustomerProfile, more_policies: int, more_years: int
) -> None:
    rules = ClassificationRules(
        levels=[LevelRule("A", Condition(min_years=3, min_policies=4)),
                LevelRule("B", Condition(min_policies=2))],
        default_level="C",
    )  # fmt: skip
    richer = CustomerProfile(
        profile.customer_id,
        profile.source_channel,
        profile.policies + more_policies,
        profile.years + more_years,
        profile.lines,
        profile.vehicles,
    )
    assert rules.level_of(richer) <= rules.level_of(profile)  # "A" < "B" < "C"
    assert DEFAULT_RULES.is_key(richer) or not DEFAULT_RULES.is_key(profile)


def test_a_stored_views_profile_equals_the_golden_states(tmp_path: Path) -> None:
    # profile_of_view reads the summary a SQL store writes with each view
    from custmaster.store._view import decode_view
    from custmaster.workflows.classification import profile_of, profile_of_view

    service = Service.open(f"sqlite:///{tmp_path}/book.db")
    _book(service)
    store = service.store
    rows = store._sql("SELECT id, state FROM cm_customers ORDER BY id")  # type: ignore[attr-defined]
    assert len(rows) == 3
    for customer_id, text in rows:
        view = decode_view(customer_id, text)
        assert view is not None
        state = store._load_state(customer_id)  # type: ignore[attr-defined]
        assert profile_of_view(view) == profile_of(customer_id, state)
    levels = {profile_of_view(decode_view(c, t)).level for c, t in rows}  # type: ignore[union-attr]
    assert len(levels) > 1  # the three customers are graded differently
    service.close()
