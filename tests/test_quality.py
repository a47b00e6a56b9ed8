"""Data quality: completeness, accuracy, freshness, scores, the portfolio, exports, recall."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG
from custmaster.audit import AuditChain
from custmaster.errors import PermissionDenied, UsageError
from custmaster.model import ContactEvent, ContactPoint, Customer, Provenance, SourceRecord
from custmaster.privacy.access import User
from custmaster.privacy.masking import scan_for_personal_data
from custmaster.service import Service
from custmaster.testing.strategies import customers, source_records
from custmaster.workflows.quality import (
    CSV_COLUMNS,
    DEFAULT_WEIGHTS,
    ISSUES,
    CustomerQuality,
    Issue,
    QualityRules,
    QualitySummary,
    assess,
    quality_report,
)

pytest_plugins = ["_workflow_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-12-01"
USCC = "91350200MA2XN0K41E"


def _point(kind: str, value: str, first: str, last: str | None = None, **more: Any) -> ContactPoint:
    return ContactPoint(kind=kind, value=value, first_seen=first, last_seen=last or first, **more)


def _complete(**changes: Any) -> Customer:
    """A person with everything an insurer needs, seen recently."""
    values: dict[str, Any] = {
        "id": "C1",
        "name": "张伟",
        "resident_id": ID_ZHANG,
        "address": "福建省厦门市思明区湖滨南路1号",
        "contact_points": [
            _point(
                "mobile", "13800138000", "2025-01-05", "2026-10-01", channels={"core_system": 2}
            ),
            _point("address", "福建省厦门市思明区湖滨南路1号", "2025-01-05", "2026-10-01"),
        ],
    }
    values.update(changes)
    return Customer(**values)


def _rec(ref: str, when: str, channel: str = "core_system", **fields: Any) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields
    )


def _codes(row: CustomerQuality) -> list[str]:
    return list(row.codes)


# --------------------------------------------------------------------------- completeness


def test_a_complete_fresh_customer_scores_100() -> None:
    row = assess(_complete(), as_of=AS_OF)
    assert row.issues == ()
    assert (row.score, row.completeness, row.accuracy, row.freshness) == (100, 100, 100, 100)
    assert row.kind == "person"
    assert row.contact_days == 61


def test_missing_fields_are_completeness_issues() -> None:
    row = assess(Customer(id="C2"), as_of=AS_OF)
    assert _codes(row) == ["missing_name", "missing_id", "missing_mobile", "missing_address"]
    assert row.completeness == 100 - 20 - 20 - 20 - 10
    assert row.accuracy == row.freshness == 100
    assert row.score == row.completeness


def test_an_organisation_needs_a_uscc_not_a_resident_id() -> None:
    with_uscc = assess(_complete(resident_id=None, name="厦门海沧运输有限公司", kind="organisation",
                                 uscc=USCC), as_of=AS_OF)  # fmt: skip
    assert with_uscc.kind == "organisation"
    assert with_uscc.issues == ()
    # A customer without keys whose name is an organisation's is judged as one.
    without = assess(_complete(resident_id=None, name="厦门海沧运输有限公司"), as_of=AS_OF)
    assert without.kind == "organisation"
    assert _codes(without) == ["missing_uscc"]


def test_an_identity_document_counts_as_an_id() -> None:
    document = {"type": "passport", "country": "USA", "number": "E12345678"}
    row = assess(_complete(resident_id=None, id_document=document), as_of=AS_OF)
    assert not row.has("missing_id")


def test_a_mobile_reported_wrong_is_not_a_mobile_one_can_call() -> None:
    wrong = _point("mobile", "13800138000", "2026-01-05", status="wrong",
                   status_at="2026-02-01T10:00:00+08:00")  # fmt: skip
    row = assess(_complete(contact_points=[wrong]), as_of=AS_OF)
    assert _codes(row) == ["missing_mobile", "wrong_number:mobile"]
    assert row.contacts[0].wrong
    assert not row.contacts[0].stale  # wrong numbers are not judged for freshness
    # An address contact point is enough for the address.
    assert not row.has("missing_address")
    no_address = assess(_complete(address=None, contact_points=[wrong]), as_of=AS_OF)
    assert no_address.has("missing_address")


# --------------------------------------------------------------------------- accuracy


def test_current_values_are_re_validated_strictly() -> None:
    retired = "110103201501010014"  # 崇文区 was merged into 东城区 in 2010
    row = assess(_complete(resident_id=retired, name="王女士"), as_of=AS_OF)
    assert _codes(row) == [
        "invalid_value:name(cn_name.honorific)",
        "invalid_value:resident_id(cn_resident_id.region_retired)",
    ]
    assert row.accuracy == 100 - 10 - 10


def test_numbers_reported_wrong_anywhere_count_for_every_customer() -> None:
    row = assess(_complete(), as_of=AS_OF, wrong={"+8613800138000"})
    assert row.has("wrong_number", "mobile")
    assert row.has("missing_mobile")
    assert row.contacts[0].wrong


def test_conflicting_names_from_different_channels_within_the_window() -> None:
    records = [
        _rec("P1", "2026-01-05", name="张伟", resident_id=ID_ZHANG),
        _rec("B1", "2026-03-05", "claim_report", name="张玮"),
        _rec("P2", "2026-06-05", name="张伟"),
    ]
    row = assess(_complete(), as_of=AS_OF, records=records)
    assert _codes(row) == ["conflicting_sources:name"]
    # One channel alone correcting itself is no conflict.
    same_channel = [records[0], _rec("P3", "2026-03-05", name="张玮")]
    assert assess(_complete(), as_of=AS_OF, records=same_channel).issues == ()
    # Both values must have been reported within the window.
    old = [_rec("B0", "2023-03-05", "claim_report", name="张玮"), records[0]]
    assert assess(_complete(), as_of=AS_OF, records=old).issues == ()
    wide = QualityRules(conflict_days=3650)
    assert assess(_complete(), as_of=AS_OF, rules=wide, records=old).has("conflicting_sources")
    # Records after as_of are not considered.
    later = [records[0], _rec("B9", "2027-03-05", "claim_report", name="张玮")]
    assert assess(_complete(), as_of=AS_OF, records=later).issues == ()


def test_an_address_change_is_not_a_conflict_but_a_stale_source_is() -> None:
    old, new = "福建省厦门市思明区湖滨南路1号", "福建省厦门市湖里区嘉禾路8号"
    moved = [
        _rec("P1", "2025-01-05", address=old),
        _rec("E1", "2025-06-05", "underwriting", address=new),
        _rec("P2", "2026-01-05", address=new),
    ]
    assert assess(_complete(address=new), as_of=AS_OF, records=moved).issues == ()
    # A renewal list still carrying the old address after the move: the sources disagree.
    stale = [*moved, _rec("R1", "2026-02-05", "renewal_list", address=old)]
    row = assess(_complete(address=new), as_of=AS_OF, records=stale)
    assert _codes(row) == ["conflicting_sources:address"]
    # Reported the same day by two channels: reported together, not one after the other.
    same_day = [
        _rec("U1", "2026-04-07T09:00:00+08:00", "underwriting", address=new),
        _rec("P9", "2026-04-07T15:00:00+08:00", address=old),
    ]
    assert assess(_complete(address=old), as_of=AS_OF, records=same_day).has(
        "conflicting_sources", "address"
    )


def test_spellings_of_one_address_do_not_conflict() -> None:
    records = [
        _rec("P1", "2026-01-05", address="福建省厦门市思明区湖滨南路1号"),
        _rec("R1", "2026-02-05", "renewal_list", address="厦门市思明区湖滨南路１号"),
        _rec("P2", "2026-03-05", address="福建省厦门市思明区湖滨南路1号"),
    ]
    assert assess(_complete(), as_of=AS_OF, records=records).issues == ()


def test_an_honorific_from_a_source_is_doubtful_not_a_conflict() -> None:
    records = [
        _rec("P1", "2026-01-05", name="张伟"),
        _rec("T1", "2026-02-05", "telesales", name="张先生"),
        _rec("P2", "2026-03-05", name="张伟"),
    ]
    row = assess(_complete(), as_of=AS_OF, records=records)
    assert _codes(row) == ["doubtful_source:name(cn_name.honorific)"]
    assert row.accuracy == 100 - DEFAULT_WEIGHTS["doubtful_source"]
    # When the current name itself is the honorific, that is the finding.
    current = assess(_complete(name="张先生"), as_of=AS_OF, records=records)
    assert _codes(current) == ["invalid_value:name(cn_name.honorific)"]


def test_several_unconfirmed_mobiles_from_different_channels_conflict() -> None:
    points = [
        _point("mobile", "13800138000", "2025-01-05", "2026-10-01", channels={"core_system": 3}),
        _point("mobile", "13900139000", "2026-09-01", "2026-11-01", channels={"telesales": 1}),
    ]
    row = assess(_complete(contact_points=points), as_of=AS_OF)
    assert _codes(row) == ["conflicting_sources:mobile"]
    assert [c.conflicting for c in row.contacts] == [True, True]
    # Both confirmed reached: two good numbers.
    reached = [
        _point("mobile", p.value, "2025-01-05", "2026-10-01", channels=dict(p.channels),
               status="reached", status_at="2026-10-02T10:00:00+08:00")
        for p in points
    ]  # fmt: skip
    assert assess(_complete(contact_points=reached), as_of=AS_OF).issues == ()
    # One channel gave both: not two sources disagreeing.
    one = [_point("mobile", p.value, "2026-01-05", channels={"core_system": 1}) for p in points]
    assert not assess(_complete(contact_points=one), as_of=AS_OF).has("conflicting_sources")
    # The older number was last seen before the window.
    gone = [points[1], _point("mobile", "13700137000", "2023-01-05", channels={"core_system": 1})]
    assert not assess(_complete(contact_points=gone), as_of=AS_OF).has("conflicting_sources")


def test_shared_numbers_and_open_pairs() -> None:
    row = assess(
        _complete(), as_of=AS_OF, shared={"+8613800138000"}, open_pairs=["shared_phone", "x"]
    )
    assert _codes(row) == ["shared_number:mobile", "open_candidate(shared_phone)",
                           "open_candidate(x)"]  # fmt: skip
    assert row.contacts[0].shared
    assert row.open_pairs == 2
    # Two open pairs cost the points of one issue: issues count once per code and field.
    assert (
        row.accuracy == 100 - DEFAULT_WEIGHTS["shared_number"] - DEFAULT_WEIGHTS["open_candidate"]
    )
    assert assess(_complete(), as_of=AS_OF, open_pairs=3).codes == ("open_candidate",)


# --------------------------------------------------------------------------- freshness


def test_a_contact_point_is_stale_when_neither_seen_nor_reached_recently() -> None:
    points = [
        _point("mobile", "13800138000", "2024-01-05", "2025-06-01", channels={"core_system": 1}),
        _point("home", "0592-5123456", "2024-01-05", "2025-06-01"),
        _point("mobile", "13900139000", "2024-01-05", "2025-06-01", status="reached",
               status_at="2026-05-01T10:00:00+08:00", channels={"core_system": 1}),
    ]  # fmt: skip
    row = assess(_complete(contact_points=points, address=None), as_of=AS_OF)
    # contact points are in kind order, then by value: mobile 138…, mobile 139…, home
    assert [c.kind.value for c in row.contacts] == ["mobile", "mobile", "home"]
    assert [c.stale for c in row.contacts] == [True, False, True]
    assert [c.seen_days for c in row.contacts] == [548, 548, 548]
    assert [c.confirmed_days for c in row.contacts] == [None, 213, None]
    assert row.contact_days == 213
    assert _codes(row) == ["missing_address", "stale_contact:mobile", "stale_contact:home"]
    assert row.freshness == 100 - 2 * DEFAULT_WEIGHTS["stale_contact"]
    lenient = assess(
        _complete(contact_points=points), as_of=AS_OF, rules=QualityRules(stale_days=600)
    )
    assert not lenient.has("stale_contact")


def test_only_the_current_address_is_judged_for_freshness() -> None:
    current = "福建省厦门市思明区湖滨南路1号"
    points = [
        _point("mobile", "13800138000", "2026-01-05", channels={"core_system": 1}),
        # the current address, once spelt without the province long ago, recently in full
        _point("address", "厦门市思明区湖滨南路1号", "2023-01-05"),
        _point("address", current, "2023-01-05", "2026-10-01"),
        # a former address: history, not a contact point to keep fresh
        _point("address", "福建省厦门市湖里区嘉禾路8号", "2022-01-05"),
    ]
    row = assess(_complete(address=current, contact_points=points), as_of=AS_OF)
    assert not any(c.stale for c in row.contacts)
    assert row.issues == ()
    old = assess(_complete(address=current, contact_points=points), as_of="2028-06-01")
    assert [c.stale for c in old.contacts] == [True, True, True, False]


def test_as_of_accepts_dates_times_and_text() -> None:
    customer = _complete()
    by_text = assess(customer, as_of="2026-12-01")
    assert assess(customer, as_of=dt.date(2026, 12, 1)) == by_text
    assert assess(customer, as_of=dt.datetime(2026, 12, 1)) == by_text
    with pytest.raises(UsageError) as caught:
        assess(customer, as_of="1 December")
    assert caught.value.code == "quality.as_of"
    with pytest.raises(UsageError):
        assess(customer, as_of=20261201)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rules and scores


def test_weights_override_the_defaults_and_scores_never_go_below_zero() -> None:
    heavy = QualityRules(weights={"missing_name": 100, "missing_address": 0})
    row = assess(Customer(id="C3"), as_of=AS_OF, rules=heavy)
    assert row.score == 0
    assert row.completeness == 0
    assert heavy.weight("missing_id") == DEFAULT_WEIGHTS["missing_id"]
    zero = QualityRules(weights=dict.fromkeys(ISSUES, 0))
    assert assess(Customer(id="C3"), as_of=AS_OF, rules=zero).score == 100


@pytest.mark.parametrize(
    "options",
    [
        {"weights": {"typo": 1}},
        {"weights": {"missing_id": 101}},
        {"weights": {"missing_id": True}},
        {"weights": [("missing_id", 1)]},
        {"stale_days": 0},
        {"conflict_days": "365"},
    ],
)
def test_bad_rules_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(UsageError) as caught:
        QualityRules(**options)
    assert caught.value.code == "quality.rules"


def test_issue_strings_and_dimensions() -> None:
    assert str(Issue("missing_id")) == "missing_id"
    assert str(Issue("stale_contact", "home")) == "stale_contact:home"
    assert str(Issue("invalid_value", "name", "cn_name.honorific")) == (
        "invalid_value:name(cn_name.honorific)"
    )
    assert str(Issue("open_candidate", detail="shared_phone")) == "open_candidate(shared_phone)"
    assert {code: Issue(code).dimension for code in ISSUES} == {
        code: dimension for code, (dimension, _) in ISSUES.items()
    }
    assert set(DEFAULT_WEIGHTS) == set(ISSUES)


def _summary(scores: Iterable[int]) -> QualitySummary:
    counts = [0] * 101
    scores = list(scores)
    for score in scores:
        counts[score] += 1
    return QualitySummary(
        as_of=dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc),
        rules=QualityRules(),
        customers=len(scores),
        persons=len(scores),
        organisations=0,
        score_counts=tuple(counts),
        dimension_totals={"completeness": 0, "accuracy": 0, "freshness": 0},
        issues={"missing_id": 1},
        issue_fields={"missing_id": 1},
        contacts=0,
        stale_contacts=0,
        wrong_numbers=0,
        without_issues=0,
    )


def test_the_summary_median_and_bands_are_exact() -> None:
    summary = _summary([0, 40, 70, 90, 100, 100])
    assert summary.mean_score == pytest.approx(400 / 6)
    assert summary.median_score == 80.0
    assert _summary([10, 20, 95]).median_score == 20.0
    assert _summary([]).median_score == 0.0
    assert _summary([]).mean_score == 0.0
    bands = summary.bands()
    assert bands[0] == (0, 9, 1)
    assert bands[-1] == (90, 100, 3)
    assert sum(n for _, _, n in bands) == 6
    assert summary.share("missing_id") == pytest.approx(1 / 6)


# --------------------------------------------------------------------------- properties


@settings(max_examples=20, deadline=None)
@given(customers(), st.lists(source_records(), max_size=5), st.randoms(use_true_random=False))
def test_scores_add_up_and_records_may_come_in_any_order(
    customer: Customer, records: list[SourceRecord], random: Any
) -> None:
    row = assess(customer, as_of=AS_OF, records=records)
    dimensions = (row.completeness, row.accuracy, row.freshness)
    assert 0 <= row.score <= min(dimensions) <= 100
    if min(dimensions) > 0:  # no dimension floored: the points lost add up
        assert row.score == max(0, sum(dimensions) - 200)
    lost = {(i.code, i.field) for i in row.issues}
    assert row.score == max(0, 100 - sum(DEFAULT_WEIGHTS[code] for code, _ in lost))
    assert len(row.contacts) == len(customer.contact_points)
    shuffled = list(records)
    random.shuffle(shuffled)
    assert assess(customer, as_of=AS_OF, records=shuffled) == row
    # Every issue costing more never raises a score.
    heavier = QualityRules(weights={code: min(100, w + 5) for code, w in DEFAULT_WEIGHTS.items()})
    assert assess(customer, as_of=AS_OF, records=records, rules=heavier).score <= row.score


@settings(max_examples=40, deadline=None)
@given(customers())
def test_a_row_never_holds_a_personal_value(customer: Customer) -> None:
    row = assess(customer, as_of=AS_OF)
    text = ",".join(row.csv_row()) + repr(row)
    known = [v for v in (customer.name, customer.address) if v and customer.kind.value == "person"]
    known += [p.value for p in customer.contact_points]
    assert scan_for_personal_data(text, known) == ()
    if customer.resident_id:
        assert customer.resident_id not in text


# --------------------------------------------------------------------------- over a store


def _book(service: Service) -> None:
    rows = [
        # Zhang: complete and fresh; a call-back reached him.
        _rec("P1", "2026-06-01", name="张伟", resident_id=ID_ZHANG, mobile="13800138000",
             address="福建省厦门市思明区湖滨南路1号", policy_no="PDAA1"),
        # Li: a claim report gives another name; her number is the household's.
        _rec("P2", "2026-05-01", name="李娜", resident_id=ID_LI, mobile="13900139000",
             address="福建省厦门市湖里区嘉禾路8号", policy_no="PDAA2"),
        _rec("B2", "2026-07-01", "claim_report", name="李那", policy_no="PDAA2"),
        # Wang: seen long ago only, his number later reported wrong.
        _rec("P3", "2024-03-01", name="王强", resident_id=ID_WANG, mobile="13700137000",
             address="北京市朝阳区建国路2号", policy_no="PDAA3"),
        # A claim report without ID or address, sharing Li's number: its own customer.
        _rec("B4", "2026-08-01", "claim_report", name="赵敏", mobile="13900139000"),
    ]  # fmt: skip
    service.ingest(rows)
    wang = service.find(resident_id=ID_WANG)[0]
    service.add_event(
        wang.id,
        ContactEvent(id="CB-3", at="2026-09-01T10:00:00+08:00", channel="callback",
                     method="call", contact_kind="mobile", contact_value="13700137000",
                     outcome="wrong_number"),
    )  # fmt: skip


def test_quality_report_over_every_store(service: Service) -> None:
    _book(service)
    seen: list[tuple[int, float | None]] = []
    report = quality_report(service, as_of=AS_OF, progress=lambda n, f: seen.append((n, f)))
    ids = {
        "张伟": service.find(resident_id=ID_ZHANG)[0].id,
        "李娜": service.find(resident_id=ID_LI)[0].id,
        "王强": service.find(resident_id=ID_WANG)[0].id,
        "赵敏": service.find(name="赵敏")[0].id,
    }
    by_id = {row.customer_id: row for row in report}
    assert set(by_id) == set(ids.values())
    rows = {name: by_id[customer_id] for name, customer_id in ids.items()}
    assert rows["张伟"].issues == ()
    assert _codes(rows["李娜"]) == ["conflicting_sources:name", "open_candidate(shared_phone)"]
    assert _codes(rows["王强"]) == [
        "missing_mobile",
        "wrong_number:mobile",
        "stale_contact:address",
    ]
    assert rows["赵敏"].codes == (
        "missing_id", "missing_address", "open_candidate(shared_phone)",
    )  # fmt: skip
    summary = report.summary
    assert summary.customers == 4
    assert summary.without_issues == 1
    assert summary.issues["open_candidate"] == 2
    assert summary.issue_fields["wrong_number:mobile"] == 1
    assert summary.wrong_numbers == 1
    assert summary.score_counts[100] == 1
    assert summary.mean_score == pytest.approx(sum(r.score for r in report) / 4)
    assert seen[-1] == (4, 1.0)
    # Once the pair is decided apart, the number is still on two customers.
    (pair,) = service.candidates()
    service.decide(pair, merge=False, by="reviewer")
    again = quality_report(service, as_of=AS_OF)
    li = next(r for r in again if r.customer_id == rows["李娜"].customer_id)
    assert _codes(li) == ["conflicting_sources:name", "shared_number:mobile"]
    assert li.contacts[0].shared
    unshared = quality_report(service, as_of=AS_OF, rules=QualityRules(shared_numbers=False))
    assert not any(r.has("shared_number") for r in unshared)


def test_rows_stream_to_csv_without_personal_values(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service)
    streamed: list[CustomerQuality] = []
    report = quality_report(service, as_of=AS_OF, output=tmp_path / "q.csv", keep_rows=False,
                            on_row=streamed.append)  # fmt: skip
    assert report.rows is None
    assert report.output == tmp_path / "q.csv"
    with pytest.raises(UsageError) as caught:
        list(report)
    assert caught.value.code == "quality.no_rows"
    text = (tmp_path / "q.csv").read_text(encoding="utf-8-sig")
    lines = list(csv.reader(text.splitlines()))
    assert tuple(lines[0]) == CSV_COLUMNS
    assert [line[0] for line in lines[1:]] == [row.customer_id for row in streamed]
    assert lines[1][2] == str(streamed[0].score)
    names = ["张伟", "李娜", "李那", "王强", "赵敏", "湖滨南路", "嘉禾路", "建国路"]
    assert scan_for_personal_data(text, names) == ()
    assert "1380013" not in text
    assert "+86" not in text
    # The same rows from a kept report.
    kept = quality_report(service, as_of=AS_OF)
    kept.to_csv(tmp_path / "kept.csv")
    assert (tmp_path / "kept.csv").read_text(encoding="utf-8-sig") == text


def test_reading_needs_query_and_writing_needs_export(tmp_path: Path) -> None:
    store = Service.open("memory://")
    _book(store)
    chain, entries = AuditChain(), []
    operator = Service(store.store, User("wang.fang", roles=["operator"]), audit=chain,
                       on_audit=entries.append)  # fmt: skip
    report = quality_report(operator, as_of=AS_OF)
    assert report.summary.customers == 4
    with pytest.raises(PermissionDenied) as caught:
        quality_report(operator, as_of=AS_OF, output=tmp_path / "q.csv")
    assert caught.value.code == "permission.export"
    assert not (tmp_path / "q.csv").exists()
    with pytest.raises(PermissionDenied):
        report.to_csv(tmp_path / "q.csv")
    assert not (tmp_path / "q.csv").exists()
    nobody = Service(store.store, User("guest", roles=[]))
    with pytest.raises(PermissionDenied) as denied:
        quality_report(nobody)
    assert denied.value.code == "permission.query"
    supervisor = Service(store.store, User("li.qiang", roles=["supervisor"]), audit=chain,
                         on_audit=entries.append)  # fmt: skip
    quality_report(supervisor, as_of=AS_OF, output=tmp_path / "q.csv")
    operations = [(e.user, e.operation) for e in entries]
    assert operations == [
        ("wang.fang", "quality"),
        ("li.qiang", "quality"),
        ("li.qiang", "export"),
    ]
    assert entries[-1].detail["rows"] == 4


def test_to_pandas_gives_a_frame_of_the_rows() -> None:
    pandas = pytest.importorskip("pandas")
    service = Service.open("memory://")
    _book(service)
    frame = quality_report(service, as_of=AS_OF).to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert tuple(frame.columns) == CSV_COLUMNS
    assert len(frame) == 4
    assert str(frame["score"].dtype) == "int64"
    assert str(frame["contact_days"].dtype) == "Int64"
    assert frame["open_pairs"].sum() == 2


def test_optional_libraries_are_named_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    service = Service.open("memory://")
    _book(service)
    report = quality_report(service, as_of=AS_OF)
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(UsageError, match="pip install pandas") as no_pandas:
        report.to_pandas()
    assert no_pandas.value.code == "quality.pandas"
    with pytest.raises(UsageError, match="pip install matplotlib") as no_plot:
        report.summary.plot()
    assert no_plot.value.code == "quality.matplotlib"


def test_the_chart_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    service = Service.open("memory://")
    _book(service)
    figure = quality_report(service, as_of=AS_OF).summary.plot(tmp_path / "scores.png")
    assert (tmp_path / "scores.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(figure.axes) == 2


def test_the_module_imports_neither_pandas_nor_matplotlib() -> None:
    code = (
        "import sys, custmaster.workflows.quality, custmaster.cli.quality\n"
        "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- planted defects


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "quality_benchmark", ROOT / "benchmarks" / "quality.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_report_finds_the_defects_planted_in_a_synthetic_book() -> None:
    bench = _benchmark()
    result = bench.run(people=150, seed=2)
    defects: dict[str, dict[str, int]] = result["defects"]
    counted = {k: v for k, v in defects.items() if k not in bench.ABSORBED and k in bench.FOUND_BY}
    in_record = sum(v.get("in_record", 0) for v in counted.values())
    found = sum(v.get("found", 0) for v in counted.values())
    assert in_record > 100
    assert found / in_record >= 0.85
    # Each kind that reaches records in numbers is found most of the time; stale numbers
    # that the insurer's own extracts keep repeating are the hardest (see the docs).
    floors = {"stale_phone": 0.5}
    for kind, counts in counted.items():
        assert counts.get("rows_in_record", 0) >= counts.get("in_record", 0), kind
        if counts.get("in_record", 0) >= 10:
            recall = counts["found"] / counts["in_record"]
            assert recall >= floors.get(kind, 0.85), (kind, counts)
    for kind in ("family_phone", "honorific", "name_typo", "stale_phone", "stale_address"):
        assert counted[kind]["in_record"] >= 10, kind
    # Missing identity numbers are found whenever they reach a record.
    for kind in ("missing_id", "id_typo"):
        assert counted[kind].get("found", 0) == counted[kind].get("in_record", 0)
    # Customers split off a person by resolution are flagged as possible duplicates.
    fragments = defects[bench.FRAGMENTS]
    assert fragments["customers"] > 0
    assert fragments.get("open_candidate", 0) >= 0.9 * fragments["customers"]
    # The report itself: wrong numbers were called back, the rows are consistent.
    report = result["report"]
    assert report.summary.wrong_numbers > 0
    assert report.summary.customers == len(report.rows)
