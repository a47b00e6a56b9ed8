"""The store contract as a test suite: run it against your own adapter.

`StoreContract` holds one test method per promise of the `custmaster.store.Store` contract:
ingest outcomes and idempotence, transactions, lookups by every key, aliases after merges and
splits, candidate pairs and decisions, histories, ``as_of``, contact events per customer and
per contact point, policies and ``expiring``, streaming iteration and counts, bad data that
leaves the store unchanged, the merge properties end to end (any order of the records gives
the same customers; ingesting twice equals once) and the same results as the reference
`custmaster.store.MemoryStore`. Optional abilities are switched on by `Capabilities`.

Subclass it in a test module (the class name must start with ``Test``) and provide a
``store_factory`` fixture that returns a callable making a new, empty store; keyword arguments
(``policy=…``) are passed on to your adapter::

    import pytest
    from custmaster.testing.contract import Capabilities, StoreContract
    from my_adapter import MyStore

    class TestMyStore(StoreContract):
        capabilities = Capabilities(durable=True)

        @pytest.fixture
        def store_factory(self, tmp_path):
            counter = iter(range(1_000_000))
            return lambda **options: MyStore(f"my://{tmp_path}/{next(counter)}", **options)

A durable store is reopened with `custmaster.open_store` on its ``url`` (override `reopen`
if that is not how yours works). `assert_consistent` checks any store, for your own tests
after crashes or concurrent writes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custmaster.audit import GENESIS, Anchor, AuditEntry
from custmaster.errors import NotFoundError, StoreError, UsageError, ValidationError
from custmaster.merge import MergePolicy, build, to_customer
from custmaster.model import (
    ContactEvent,
    ContactPoint,
    ContactStatus,
    CustomerKind,
    PolicyLine,
    Provenance,
)
from custmaster.model.source import SourceRecord
from custmaster.resolve.candidates import PairStatus, Reason
from custmaster.store import MemoryStore, Outcome, Store, open_store

__all__ = [
    "Capabilities",
    "StoreContract",
    "StoreFactory",
    "assert_consistent",
    "by_content",
    "personal_values_left",
    "snapshot",
]

#: What ``store_factory`` returns: a callable making a new, empty store from keyword options.
StoreFactory = Callable[..., Any]


@attrs.frozen
class Capabilities:
    """Which optional promises an adapter makes; the matching tests are skipped otherwise."""

    #: A closed store can be reopened (`StoreContract.reopen`) with everything kept.
    durable: bool = False
    #: Several store objects on one location may write at the same time (threads here;
    #: processes in your own tests).
    supports_concurrency: bool = False
    #: ``store.backup(path)`` writes a copy that reopens as an equal store.
    supports_backup: bool = False
    #: ``store.export_jsonl(path)`` and ``store.import_jsonl(path)`` move a whole store.
    supports_jsonl: bool = False
    #: ``store.bulk_ingest(records, batch_size=…)`` ingests a stream batch by batch.
    supports_bulk: bool = False


# --- data --------------------------------------------------------------------------------------

ID_M = "110105198001010016"
ID_M15 = "110105800101001"
ID_F = "110105198001010024"
ID_W = "350203198503151238"
VIN = "LSVAU218XN2183294"
PEOPLE = [
    (ID_M, "张伟", "13800138000", "闽D12388", "PDAA100"),
    (ID_F, "李娜", "13900139000", "沪A12345", "PDAA200"),
    (ID_W, "王芳", "13700137000", "粤B54321", "PDAA300"),
]
ADDRESSES = [
    "北京市朝阳区建国路88号",
    "上海市徐汇区漕溪北路88号",
    "福建省厦门市思明区湖滨南路100号",
]
TIMES = [
    "2026-01-01T08:00:00+08:00",
    "2026-01-01T00:00:00+00:00",
    "2026-02-01T00:00:00+00:00",
    "2026-03-01T12:00:00+08:00",
]


#: A company's USCC, holding its organisation code from before (组织机构代码) 60003734-1; another
#: company's; and a public institution's USCC holding the first company's code (one code in
#: two registrations: never merged without a decision).
_USCC = "91110000600037341L"
_USCC_B = "914403001922038216"
_USCC_SAME_CODE = "12110000600037341R"


def rec(ref: str, when: str, channel: str = "core_system", **fields: Any) -> SourceRecord:
    """A source record (test shorthand)."""
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields
    )


def call(ident: str, when: str, value: str, outcome: str) -> ContactEvent:
    """A call-back event (test shorthand)."""
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


def base_records() -> list[SourceRecord]:
    """Two customers, three policies, a move and a claim report without ID."""
    return [
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
        rec("T1", "2026-03-01", "telesales", resident_id=ID_M, address="上海市徐汇区漕溪北路88号"),
        rec(
            "R3",
            "2026-02-01",
            resident_id=ID_F,
            name="李娜",
            birth_date="1980-01-01",
            policy_no="PDAA2",
            line="交强险",
            cover_end="2027-02-10",
        ),
    ]


@st.composite
def books(draw: st.DrawFn) -> list[SourceRecord]:
    """Records about three people from four channels: some with ID, some linked by policy or
    plate only, some sharing nothing but a phone number."""
    records = []
    for n, (resident_id, name, mobile, plate, policy_no) in enumerate(PEOPLE):
        if draw(st.booleans()):
            records.append(
                rec(
                    f"core-{n}",
                    "2026-01-05",
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
                rec(
                    f"ts-{n}",
                    draw(st.sampled_from(TIMES)),
                    "telesales",
                    resident_id=resident_id,
                    mobile=mobile,
                    address=draw(st.sampled_from(ADDRESSES)),
                )
            )
        if draw(st.booleans()):
            records.append(
                rec(
                    f"claim-{n}",
                    "2026-06-01T09:00:00+08:00",
                    "claim_report",
                    name=name,
                    mobile=mobile,
                    plate=plate,
                )
            )
        if draw(st.booleans()):
            records.append(
                rec(
                    f"renew-{n}",
                    "2026-11-01",
                    "renewal_list",
                    name=name,
                    policy_no=policy_no,
                    mobile=draw(st.sampled_from([mobile, PEOPLE[(n + 1) % 3][2]])),
                )
            )
    return records


# --- checks ------------------------------------------------------------------------------------


def snapshot(store: Any) -> dict[str, Any]:
    """Everything a store holds, as comparable data: customers (restricted ones too), pairs,
    counts, events."""
    customers = {c.id: c for c in store.iter_customers(include_restricted=True)}
    return {
        "customers": customers,
        "observations": {cid: store.observations(cid) for cid in customers},
        "pairs": store.candidates(None),
        "events": store.events(),
        "counts": store.counts(),
    }


def personal_values_left(text: str) -> list[str]:
    """Which personal values of 张伟 (the customer `base_records` makes first) ``text`` holds."""
    values = [ID_M, ID_M15, "张伟", "13800138000", "北京市朝阳区", "漕溪北路", "闽D12388", VIN]
    return [v for v in values if v in text]


def by_content(store: Any) -> set[tuple[Any, ...]]:
    """The customers with their ids blanked, keyed by their records' keys (for comparing
    stores whose ids may differ)."""
    found = set()
    for customer in store.iter_customers(include_restricted=True):
        keys = tuple(sorted(r.provenance.key for r in store.observations(customer.id)))
        found.add((keys, attrs.evolve(customer, id="X")))
    return found


def assert_consistent(store: Any, policy: MergePolicy | None = None) -> None:
    """Assert the store's current view equals what its log says.

    For every customer: its golden record equals the one computed from scratch from its
    records and events; no record is held by two customers; every strong key of a record finds
    its customer; the counts agree with what iteration finds.
    """
    policy = policy or getattr(store, "merge_policy", None) or MergePolicy()
    seen: dict[tuple[str, str], str] = {}
    customers = 0
    records = 0
    for customer in store.iter_customers(include_restricted=True):
        customers += 1
        observations = store.observations(customer.id)
        assert observations, f"customer {customer.id} has no records"
        events = store.events(customer.id)
        expected = to_customer(customer.id, build(observations, events, policy), observations)
        assert customer == expected, f"customer {customer.id} differs from its log"
        for record in observations:
            key = record.provenance.key
            assert key not in seen, f"record {key} is held by {seen[key]} and {customer.id}"
            seen[key] = customer.id
            records += 1
            if record.resident_id and not any(
                c.id == customer.id for c in store.find(resident_id=record.resident_id)
            ):
                raise AssertionError(f"record {key}: its resident ID does not find {customer.id}")
    counts = store.counts()
    assert counts["customers"] == customers == store.count()
    assert counts["records"] == records


# --- the suite -----------------------------------------------------------------------------

_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    # Each adapter's subclass runs the same test method: different executors on purpose.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.differing_executors,
    ],
)


def _keys_of(store: Any) -> dict[str, Any]:
    """``keyring=`` of an encrypted store, to open it (or its copy) again."""
    keyring = getattr(store, "keyring", None)
    return {} if keyring is None else {"keyring": keyring}


class StoreContract:
    """The contract every store adapter fulfils (see the module documentation)."""

    #: Switches on the optional tests; override in your subclass.
    capabilities: ClassVar[Capabilities] = Capabilities()

    @pytest.fixture
    def store_factory(self) -> StoreFactory:
        """Override: return a callable making a new, empty store (``**options`` passed on)."""
        pytest.fail("StoreContract subclasses provide a store_factory fixture")

    @pytest.fixture
    def store(self, store_factory: StoreFactory) -> Iterator[Any]:
        """A new store with `base_records` ingested."""
        made = store_factory()
        made.ingest(base_records())
        yield made
        made.close()

    @pytest.fixture
    def empty(self, store_factory: StoreFactory) -> Iterator[Any]:
        """A new, empty store."""
        made = store_factory()
        yield made
        made.close()

    def reopen(self, store: Any) -> Any:
        """Open the store at ``store.url`` again (for durable adapters), with its keyring."""
        return open_store(store.url, policy=getattr(store, "merge_policy", None), **_keys_of(store))

    def _require(self, capability: str) -> None:
        if not getattr(self.capabilities, capability):
            pytest.skip(f"the adapter does not claim {capability}")

    # -- basics ----------------------------------------------------------------------

    def test_the_store_satisfies_the_protocol(self, store: Any) -> None:
        assert isinstance(store, Store)
        assert isinstance(store.url, str)
        assert store.count() == 2

    def test_ingest_reports_what_happened_to_each_record(self, store: Any) -> None:
        results = store.ingest(
            [
                rec("C1", "2026-06-01", "claim_report", mobile="139 0013 9000", plate="闽D12388"),
                base_records()[0],
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
                rec("N1", "2026-04-02", resident_id=ID_W, name="王芳"),
            ]
        )
        assert [r.outcome for r in results] == [
            Outcome.MERGED,
            Outcome.DUPLICATE,
            Outcome.REJECTED,
            Outcome.MERGED,
            Outcome.REJECTED,
            Outcome.REJECTED,
            Outcome.NEW_CUSTOMER,
        ]
        assert results[0].via == "plate"
        assert results[3].via == "resident_id"
        zhang = store.find(resident_id=ID_M)[0].id
        assert results[0].customer_id == results[1].customer_id == zhang
        error = results[2].error
        assert isinstance(error, ValidationError)
        assert error.field == "mobile"
        assert "1380013800" not in str(error)
        assert results[4].error is not None
        assert results[4].error.code == "record.unknown_field"
        assert [r.index for r in results] == list(range(7))
        assert store.count() == 3
        single = store.ingest(rec("N2", "2026-04-03", resident_id=ID_W))
        assert single.outcome is Outcome.MERGED
        assert single.customer_id == results[6].customer_id

    def test_a_rejected_record_leaves_the_store_unchanged(self, store: Any) -> None:
        before = snapshot(store)
        results = store.ingest(
            [
                rec("T1", "2026-03-01", "telesales", address="别处1号"),
                {
                    "provenance": {"channel": "x", "source_ref": "Y", "observed_at": "2026-01-01"},
                    "resident_id": "110105198001010017",
                },
                {
                    "provenance": {
                        "channel": "BAD CHANNEL",
                        "source_ref": "Z",
                        "observed_at": "2026-01-01",
                    }
                },
                {
                    "provenance": {
                        "channel": "core_system",
                        "source_ref": "Z",
                        "observed_at": "not a date",
                    }
                },
                {"provenance": "nope"},
                42,
            ]
        )
        assert {r.outcome for r in results} == {Outcome.REJECTED}
        assert results[0].error is not None
        assert results[0].error.code == "record.conflicting_duplicate"
        assert results[1].error is not None
        assert results[1].error.code.startswith("cn_resident_id.")
        assert "110105198001010017" not in str(results[1].error)
        assert snapshot(store) == before
        rebuilt = SourceRecord(
            provenance=Provenance(
                channel="telesales",
                source_ref="T1",
                observed_at="2026-03-01",
                recorded_at="2026-09-09",
            ),
            resident_id=ID_M,
            address="上海市徐汇区漕溪北路88号",
        )
        assert store.ingest(rebuilt).outcome is Outcome.DUPLICATE

    def test_a_record_of_no_values_is_rejected(self, store: Any) -> None:
        # a template's numbered empty line: extra columns only, no customer to make
        before = snapshot(store)
        result = store.ingest(rec("EMPTY1", "2026-03-01", extra={"序号": "7"}))
        assert result.outcome is Outcome.REJECTED
        assert result.error is not None
        assert result.error.code == "record.empty"
        assert snapshot(store) == before
        kept = store.ingest(rec("EMPTY2", "2026-03-01", name="张伟", extra={"序号": "8"}))
        assert kept.outcome is not Outcome.REJECTED

    @_SETTINGS
    @given(
        junk=st.lists(
            st.one_of(
                st.dictionaries(
                    st.sampled_from(
                        [
                            "provenance",
                            "name",
                            "mobile",
                            "resident_id",
                            "plate",
                            "cover_end",
                            "policy_no",
                            "extra",
                            "zzz",
                        ]
                    ),
                    st.one_of(
                        st.none(),
                        st.text(max_size=12),
                        st.integers(),
                        st.booleans(),
                        st.lists(st.text(max_size=3), max_size=2),
                    ),
                ),
                st.text(max_size=5),
                st.integers(),
                st.none(),
            ),
            min_size=1,
            max_size=4,
        )
    )
    def test_junk_is_rejected_and_changes_nothing(
        self, store_factory: StoreFactory, junk: list[Any]
    ) -> None:
        made = store_factory()
        try:
            made.ingest(base_records())
            before = snapshot(made)
            results = made.ingest(junk)
            assert len(results) == len(junk)
            assert {r.outcome for r in results} <= {Outcome.REJECTED}
            assert all(r.error is not None for r in results)
            assert snapshot(made) == before
        finally:
            made.close()

    def test_a_transaction_rolls_back_everything(self, store: Any) -> None:
        zhang = store.find(resident_id=ID_M)[0].id
        li = store.find(resident_id=ID_F)[0].id
        before = snapshot(store)
        with pytest.raises(RuntimeError, match="abort"):
            self._work_then_fail(store, zhang, li)
        assert snapshot(store) == before
        assert store.find(phone="13700137000") == []
        assert store.get(li).id == li
        assert store.candidates() == []
        assert store.events() == []
        after = store.ingest(rec("N2", "2026-06-01", resident_id=ID_W))
        assert after.outcome is Outcome.NEW_CUSTOMER
        assert store.count() == 3

    @staticmethod
    def _work_then_fail(store: Any, zhang: str, li: str) -> None:
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
                rec("N1", "2026-05-01", "telesales", resident_id=ID_W, mobile="13800138000")
            )
            store.add_event(
                zhang, call("CB1", "2026-05-02T10:00:00+08:00", "13800138000", "wrong_number")
            )
            store.merge(zhang, li, by="李审核")
            assert store.count() == 2
            raise RuntimeError("abort")

    def test_a_closed_store_refuses_work(self, store_factory: StoreFactory) -> None:
        made = store_factory()
        made.ingest(rec("R1", "2026-01-05", resident_id=ID_M))
        made.close()
        with pytest.raises(StoreError) as info:
            made.count()
        assert info.value.code == "store.closed"
        made.close()

    # -- reading ---------------------------------------------------------------------

    def test_get_and_find_by_every_criterion(self, store: Any) -> None:
        zhang = store.find(phone="138-0013-8000")
        assert [c.resident_id for c in zhang] == [ID_M]
        assert store.find(resident_id=ID_M15) == zhang
        assert store.find(policy_no=" pdza1 ") == zhang
        assert store.find(plate="闽D·12388") == zhang
        assert store.find(vin=VIN.lower()) == zhang
        assert store.find(name="张伟", birth_date=dt.date(1980, 1, 1)) == zhang
        assert [c.name for c in store.find(birth_date="1980-01-01")] == ["张伟", "李娜"]
        assert store.find(name="张伟", policy_no="PDAA2") == []
        assert store.find(uscc="91350100M000100Y43") == []
        with pytest.raises(UsageError):
            store.find()
        with pytest.raises(ValidationError) as info:
            store.find(phone="1380013800")
        assert info.value.field == "phone"
        with pytest.raises(NotFoundError):
            store.get("C99999999")
        assert store.get(zhang[0].id) == zhang[0]
        organisation = store.ingest(
            rec("ORG1", "2026-01-05", uscc="91350100M000100Y43", name="厦门某某有限公司")
        )
        assert [c.id for c in store.find(uscc="91350100M000100Y43")] == [organisation.customer_id]

    def test_an_organisation_code_and_the_uscc_holding_it_are_one_customer(
        self, empty: Any
    ) -> None:
        # known by its old code (组织机构代码) first, by its USCC later: one customer
        old = empty.ingest(
            rec("ORG-OLD", "2014-06-01", name="某某有限公司",
                id_document={"type": "组织机构代码", "number": "60003734-1"})
        )  # fmt: skip
        assert old.outcome is Outcome.NEW_CUSTOMER
        new = empty.ingest(rec("ORG-NEW", "2026-01-05", uscc=_USCC, name="某某有限公司"))
        assert (new.outcome, new.customer_id, new.via) == (
            Outcome.MERGED,
            old.customer_id,
            "document",
        )
        customer = empty.get(old.customer_id)
        assert customer.kind is CustomerKind.ORGANISATION
        assert (customer.uscc, customer.id_document.number) == (_USCC, "600037341")
        # the other way round: by its USCC first, by its old code later
        first = empty.ingest(rec("B-NEW", "2026-01-05", uscc=_USCC_B))
        later = empty.ingest(
            rec("B-OLD", "2014-06-01", id_document={"type": "org_code", "number": _USCC_B[8:17]})
        )
        assert (later.outcome, later.customer_id) == (Outcome.MERGED, first.customer_id)
        # another USCC holding the same code: a pair for review, never a merge
        other = empty.ingest(rec("ORG-OTHER", "2026-02-01", uscc=_USCC_SAME_CODE))
        assert other.outcome is Outcome.CANDIDATE
        assert other.customer_id not in (None, old.customer_id)
        assert [(p.reason, {p.a, p.b}) for p in other.pairs] == [
            (Reason.STRONG_KEY_CONFLICT, {old.customer_id, other.customer_id})
        ]
        assert empty.count() == 3
        # found by the code, however written: the organisations known by it or by a USCC
        # holding it
        assert [c.id for c in empty.find(org_code="60003734-1")] == sorted(
            [old.customer_id, other.customer_id]
        )
        assert [c.id for c in empty.find(org_code=_USCC_B[8:17].lower())] == [first.customer_id]
        with pytest.raises(ValidationError) as info:
            empty.find(org_code="600037342")
        assert info.value.field == "org_code"
        assert_consistent(empty)

    def test_history_explain_and_as_of(self, store: Any) -> None:
        zhang = store.find(resident_id=ID_M)[0]
        assert zhang.address == "上海市徐汇区漕溪北路88号"
        (older,) = store.history(zhang.id, "address")
        assert older.value == "北京市朝阳区建国路88号"
        assert older.provenance.source_ref == "R1"
        assert len(store.history(zhang.id, "mobile")) == 1
        explanation = store.explain(zhang.id, "address")
        assert explanation.source_ref == "T1"
        assert "漕溪北路" not in str(explanation)
        past = store.as_of(zhang.id, "2026-02-01")
        assert past.address == "北京市朝阳区建国路88号"
        assert store.as_of(zhang.id, dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)) == zhang
        assert [r.provenance.source_ref for r in store.observations(zhang.id)] == [
            "R1",
            "R2",
            "T1",
        ]

    def test_events_per_customer_and_per_contact_point(self, store: Any) -> None:
        zhang = store.find(resident_id=ID_M)[0].id
        li = store.find(resident_id=ID_F)[0].id
        wrong = call("CB1", "2026-05-02T10:00:00+08:00", "13800138000", "wrong_number")
        assert store.add_event(zhang, wrong) is True
        assert store.get(zhang).callable_contacts() == ()
        point = store.get(zhang).contact_point("mobile", "13800138000")
        assert point is not None
        assert point.status is ContactStatus.WRONG
        store.add_event(zhang, wrong)  # the same event again changes nothing
        later = call("CB2", "2026-05-03T10:00:00+08:00", "13900139000", "reached")
        assert store.add_event(zhang, later) is False
        store.add_event(li, call("CB4", "2026-05-04T10:00:00+08:00", "13800138000", "no_answer"))
        assert [e.id for e in store.events(zhang)] == ["CB1", "CB2"]
        assert [e.id for e in store.events(contact="138-0013-8000")] == ["CB1", "CB4"]
        assert [e.id for e in store.events(zhang, contact="13900139000")] == ["CB2"]
        assert [e.id for e in store.events()] == ["CB1", "CB2", "CB4"]
        store.add_event(zhang, call("CB3", "2026-06-01T10:00:00+08:00", "13800138000", "reached"))
        assert [p.value for p in store.get(zhang).callable_contacts()] == ["+8613800138000"]
        joined = store.ingest(
            rec("T5", "2026-07-01", "telesales", resident_id=ID_M, mobile="13900139000")
        )
        assert joined.customer_id == zhang
        reached = store.get(zhang).contact_point("mobile", "13900139000")
        assert reached is not None
        assert reached.status is ContactStatus.REACHED
        assert store.counts()["events"] == 4
        with pytest.raises(NotFoundError):
            store.add_event("C99999999", call("CB9", "2026-06-01", "13800138000", "reached"))

    def test_a_do_not_call_request_outlives_later_calls_until_consent(self, store: Any) -> None:
        zhang = store.find(resident_id=ID_M)[0].id

        def status() -> ContactStatus:
            point: ContactPoint | None = store.get(zhang).contact_point("mobile", "13800138000")
            assert point is not None
            return point.status

        request = call("DN1", "2026-05-02T10:00:00+08:00", "13800138000", "do_not_call")
        assert store.add_event(zhang, request) is True
        assert status() is ContactStatus.DO_NOT_CALL
        assert store.get(zhang).callable_contacts() == ()
        store.add_event(zhang, call("DN2", "2026-05-03T10:00:00+08:00", "13800138000", "reached"))
        assert status() is ContactStatus.DO_NOT_CALL
        consent = call("DN3", "2026-05-04T10:00:00+08:00", "13800138000", "consented")
        store.add_event(zhang, consent)
        assert status() is ContactStatus.REACHED
        assert [p.value for p in store.get(zhang).callable_contacts()] == ["+8613800138000"]

    def test_policies_and_the_expiring_month(self, store: Any) -> None:
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
        store.ingest(rec("E1", "2026-08-01", policy_no="PDAA1", cover_end="2026-12-31"))
        assert [p.policy_no for p in store.expiring("2027-01")] == ["PDZA1"]
        assert [p.policy_no for p in store.expiring("2026-12")] == ["PDAA1"]

    def test_expiring_states_give_the_months_policies_with_their_holders(
        self, store: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        chunked = getattr(store, "expiring_states", None)
        if chunked is None:
            pytest.skip("the adapter has no expiring_states (expiring is enough)")
        from custmaster.store import base

        monkeypatch.setattr(base, "_POLICY_CHUNK", 1)  # one policy per chunk: reads repeat
        for month, line, expected in (
            ("2027-01", None, ["PDAA1", "PDZA1"]),
            ("2027-01", "商业险", ["PDZA1"]),
            ("2027-02", None, ["PDAA2"]),
        ):
            pairs = list(chunked(month, line=line))
            assert sorted(p.policy_no for p, _ in pairs) == expected
            for policy, states in pairs:
                assert policy == store.policy(policy.policy_no)
                assert set(states) == set(policy.roles.values())
                for customer_id, state in states.items():
                    records = store.observations(customer_id)
                    assert to_customer(customer_id, state, records) == store.get(customer_id)
        assert list(chunked("2027-03")) == []
        with pytest.raises(UsageError):
            list(chunked("2027-13"))

    def test_customers_stream_and_counts_add_up(self, store: Any) -> None:
        customers = store.iter_customers()
        assert isinstance(customers, types.GeneratorType)
        assert [c.name for c in customers] == ["张伟", "李娜"]
        counts = store.counts()
        assert counts == {
            "customers": 2,
            "records": 4,
            "policies": 3,
            "events": 0,
            "candidates_open": 0,
            "decisions": 0,
            "aliases": 0,
            "erased": 0,
            "restricted": 0,
        }
        many = [rec(f"M{i}", "2026-01-05", resident_id=_resident_id(i)) for i in range(1200)]
        store.ingest(many)
        ids = [c.id for c in store.iter_customers()]
        assert len(ids) == 1202 == len(set(ids)) == store.count()
        assert ids == sorted(ids)
        assert_consistent(store)

    # -- review ----------------------------------------------------------------------

    def test_candidate_pairs_decisions_merge_and_split(self, store: Any) -> None:
        zhang = store.find(resident_id=ID_M)[0].id
        raised = store.ingest(
            rec(
                "S1", "2026-04-01", "telesales", resident_id=ID_W, name="王芳", mobile="13800138000"
            )
        )
        assert raised.outcome is Outcome.CANDIDATE
        wang = raised.customer_id
        assert wang is not None
        (pair,) = store.candidates()
        assert {pair.a, pair.b} == {zhang, wang}
        assert pair.status is PairStatus.OPEN
        assert store.counts()["candidates_open"] == 1
        apart = store.decide(pair, merge=False, by="李审核")
        assert apart.apart
        assert store.candidates() == []
        assert store.candidates(PairStatus.KEPT_APART)[0].id == pair.id
        again = store.ingest(
            rec("S2", "2026-04-02", "telesales", resident_id=ID_W, mobile="13800138000")
        )
        assert again.outcome is Outcome.MERGED
        assert store.candidates() == []
        with pytest.raises(UsageError):
            store.decide(pair, merge=True, by="李审核")
        with pytest.raises(NotFoundError):
            store.decide("P99999999", merge=True, by="李审核")
        li = store.find(resident_id=ID_F)[0].id
        merged = store.merge(zhang, li, by="李审核", note="same person per phone call")
        assert merged.b == li
        assert store.get(li).id == zhang
        assert store.counts()["aliases"] == 1
        assert {c.id for c in store.find(resident_id=ID_F)} == {zhang}
        assert [c.id for c in store.find(policy_no="PDAA2")] == [zhang]
        with pytest.raises(UsageError):
            store.merge(zhang, li, by="李审核")
        split = store.split(zhang, [("core_system", "R3")], by="李审核")
        assert split.b == li
        assert store.get(li).id == li
        assert store.get(li).resident_id == ID_F
        assert [c.id for c in store.find(policy_no="PDAA2")] == [li]
        assert store.counts()["aliases"] == 0
        assert store.counts()["decisions"] == 3
        with pytest.raises(UsageError):
            store.split(
                zhang, [("core_system", "R1"), ("core_system", "R2"), ("telesales", "T1")], by="x"
            )
        with pytest.raises(UsageError):
            store.merge(zhang, li, by=" ")
        assert_consistent(store)

    def test_the_merge_policy_is_configurable(self, store_factory: StoreFactory) -> None:
        made = store_factory(policy=MergePolicy(rules={"name": "channel_priority"}))
        try:
            made.ingest(
                [
                    rec("R1", "2026-01-05", resident_id=ID_M, name="张伟"),
                    rec("T1", "2026-03-01", "telesales", resident_id=ID_M, name="张玮"),
                ]
            )
            (customer,) = made.find(resident_id=ID_M)
            assert customer.name == "张伟"
            assert "channel_priority" in str(made.explain(customer.id, "name"))
        finally:
            made.close()

    def test_the_name_seen_with_the_id_outranks_later_guesses(
        self, store_factory: StoreFactory
    ) -> None:
        made = store_factory()
        try:
            made.ingest(
                [
                    rec("R1", "2026-01-05", resident_id=ID_M, name="张伟", policy_no="PDAN1"),
                    rec("B1", "2026-05-01", "callback", name="张先生", policy_no="PDAN1"),
                    rec("T1", "2026-06-01", "telesales", name="张玮", policy_no="PDAN1"),
                ]
            )
            (customer,) = made.find(resident_id=ID_M)
            assert customer.name == "张伟"
            assert [e.value for e in customer.history("name")] == ["张玮", "张先生"]
            said = str(made.explain(customer.id, "name"))
            assert "trusted_name" in said
            assert "strong identity key" in said
        finally:
            made.close()

    # -- properties ------------------------------------------------------------------

    @_SETTINGS
    @given(book=books(), data=st.data())
    def test_same_customers_as_the_memory_store(
        self, store_factory: StoreFactory, book: list[SourceRecord], data: st.DataObject
    ) -> None:
        reference = MemoryStore()
        made = store_factory()
        try:
            half = len(book) // 2
            for part in (book[:half], book[half:]):
                assert [r.outcome for r in made.ingest(part)] == [
                    r.outcome for r in reference.ingest(part)
                ]
            assert by_content(made) == by_content(reference)
            pairs = reference.candidates()
            assert [_pair_facts(p) for p in made.candidates()] == [_pair_facts(p) for p in pairs]
            if pairs:
                chosen = data.draw(st.sampled_from(pairs))
                merge = data.draw(st.booleans())
                made.decide(chosen.id, merge=merge, by="审核")
                reference.decide(chosen.id, merge=merge, by="审核")
                assert by_content(made) == by_content(reference)
                assert [_pair_facts(p) for p in made.candidates(None)] == [
                    _pair_facts(p) for p in reference.candidates(None)
                ]
            assert made.counts() == reference.counts()
            assert_consistent(made)
        finally:
            made.close()

    @_SETTINGS
    @given(book=books().flatmap(lambda b: st.tuples(st.just(b), st.permutations(b))))
    def test_any_order_gives_the_same_customers(
        self, store_factory: StoreFactory, book: tuple[list[SourceRecord], list[SourceRecord]]
    ) -> None:
        original, shuffled = book
        first, second = store_factory(), store_factory()
        try:
            first.ingest(original)
            for record in shuffled:
                second.ingest(record)
            assert by_content(first) == by_content(second)
        finally:
            first.close()
            second.close()

    @_SETTINGS
    @given(book=books(), data=st.data())
    def test_ingesting_twice_equals_once(
        self, store_factory: StoreFactory, book: list[SourceRecord], data: st.DataObject
    ) -> None:
        made = store_factory()
        try:
            made.ingest(book)
            before = snapshot(made)
            again = data.draw(st.permutations(book))
            results = made.ingest(again)
            assert {r.outcome for r in results} <= {Outcome.DUPLICATE}
            assert snapshot(made) == before
        finally:
            made.close()

    def test_the_same_values_observed_again_are_a_duplicate(self, store: Any) -> None:
        # a fresh export of an extract stamps its rows with a new time and says nothing new;
        # other values under the reference still conflict
        first = rec("RE1", "2026-03-01", name="张伟", resident_id=ID_M, mobile="13800138000")
        assert store.ingest(first).outcome in (Outcome.NEW_CUSTOMER, Outcome.MERGED)
        before = snapshot(store)
        again = rec("RE1", "2026-04-01", name="张伟", resident_id=ID_M, mobile="13800138000")
        assert store.ingest(again).outcome is Outcome.DUPLICATE
        assert snapshot(store) == before
        changed = rec("RE1", "2026-04-01", name="张伟", resident_id=ID_M, mobile="13900139000")
        result = store.ingest(changed)
        assert result.outcome is Outcome.REJECTED
        assert result.error is not None
        assert result.error.code == "record.conflicting_duplicate"
        assert snapshot(store) == before

    # -- the audit log ---------------------------------------------------------------

    def _audit_some(self, store: Any) -> list[Any]:
        zhang = store.find(resident_id=ID_M)[0].id
        li = store.find(resident_id=ID_F)[0].id
        return [
            store.append_audit("wang.fang", "entry", customer_id=zhang, fields=["mobile", "name"]),
            store.append_audit(
                "li.na", "reveal", customer_id=li, fields="resident_id", channel="counter"
            ),
            store.append_audit("wang.fang", "export", detail={"rows": 2, "purpose": "renewals"}),
            store.append_audit("li.na", "entry", customer_id=zhang, fields=["address"]),
        ]

    def test_the_audit_log_is_a_chain_kept_in_the_store(self, store: Any) -> None:
        assert store.audit_head() == GENESIS
        assert store.audit() == []
        assert store.verify_audit().ok
        made = self._audit_some(store)
        assert [e.seq for e in made] == [1, 2, 3, 4]
        assert [e.prev_hash for e in made[1:]] == [e.hash for e in made[:-1]]
        assert store.audit_head() == Anchor(4, made[-1].hash)
        assert store.audit() == made
        zhang = made[0].customer_id
        assert store.audit(customer_id=zhang) == [made[0], made[3]]
        assert store.audit(user="li.na") == [made[1], made[3]]
        assert store.audit(operation="reveal") == [made[1]]
        assert store.audit(customer_id=zhang, user="li.na") == [made[3]]
        first, last = made[0].at, made[-1].at
        assert store.audit(since=first, until=last + dt.timedelta(microseconds=1)) == made
        assert store.audit(since=last + dt.timedelta(seconds=1)) == []
        assert store.audit(until=first) == []
        assert store.audit(since=first.date()) == made
        assert made[1].channel == "counter"
        assert dict(made[2].detail) == {"purpose": "renewals", "rows": 2}
        result = store.verify_audit()
        assert result.ok
        assert result.checked == 4
        assert result.head == store.audit_head()
        assert store.verify_audit(expected_head=Anchor.of(made[1])).ok
        assert store.verify_audit(expected_head=store.audit_head()).ok
        ahead = store.verify_audit(expected_head=Anchor(9, made[-1].hash))
        assert [p.code for p in ahead.problems] == ["audit.truncated"]

    def test_the_audit_log_exports_as_json_lines(self, store: Any, tmp_path: Path) -> None:
        made = self._audit_some(store)
        path = tmp_path / "audit.jsonl"
        assert store.export_audit(path) == 4
        text = io.StringIO()
        assert store.export_audit(text) == 4
        assert path.read_text("utf-8") == text.getvalue()
        lines = [json.loads(line) for line in text.getvalue().splitlines()]
        assert [AuditEntry.from_dict(line) for line in lines] == made
        assert lines[0]["fields"] == ["mobile", "name"]

    def test_an_audit_entry_commits_and_rolls_back_with_its_change(self, store: Any) -> None:
        def fail() -> None:
            with store.transaction():
                result = store.ingest(rec("A1", "2026-04-01", resident_id=_resident_id(3)))
                store.append_audit("wang.fang", "entry", customer_id=result.customer_id)
                assert store.audit_head().seq == 1
                raise RuntimeError("the change fails")

        with pytest.raises(RuntimeError):
            fail()
        assert store.audit() == []
        assert store.audit_head() == GENESIS
        assert store.find(resident_id=_resident_id(3)) == []
        with store.transaction():
            result = store.ingest(rec("A1", "2026-04-01", resident_id=_resident_id(3)))
            entry = store.append_audit("wang.fang", "entry", customer_id=result.customer_id)
            again = store.append_audit("wang.fang", "query", customer_id=result.customer_id)
        assert store.audit() == [entry, again]
        assert again.prev_hash == entry.hash
        assert store.verify_audit().ok

    def test_the_audit_log_refuses_values_and_keeps_nothing(self, store: Any) -> None:
        store.append_audit("wang.fang", "entry", fields=["mobile"])
        head = store.audit_head()
        refused: list[dict[str, Any]] = [
            {"fields": ["13800138000"]},
            {"customer_id": ID_M},
            {"detail": {"note": "called 13800138000"}},
            {"detail": {"resident_id": "x"}},
        ]
        for wrong in refused:
            with pytest.raises(UsageError):
                store.append_audit("wang.fang", "entry", **wrong)
        with pytest.raises(UsageError):
            store.append_audit("", "entry")
        assert store.audit_head() == head
        assert len(store.audit()) == 1
        assert store.verify_audit().ok

    def test_a_durable_store_keeps_its_audit_chain(self, store: Any) -> None:
        self._require("durable")
        made = self._audit_some(store)
        head = store.audit_head()
        store.close()
        again = self.reopen(store)
        try:
            assert again.audit() == made
            assert again.audit_head() == head
            following = again.append_audit("wang.fang", "query")
            assert (following.seq, following.prev_hash) == (5, head.hash)
            assert again.verify_audit(expected_head=head).ok
        finally:
            again.close()

    def test_concurrent_writers_keep_one_audit_chain(self, store: Any) -> None:
        self._require("supports_concurrency")
        errors: list[BaseException] = []

        def work(worker: int) -> None:
            try:
                other = self.reopen(store)
                try:
                    for i in range(15):
                        with other.transaction():
                            result = other.ingest(
                                rec(f"T{worker}-{i}", "2026-01-05", resident_id=_resident_id(i))
                            )
                            other.append_audit(
                                f"writer{worker}", "entry", customer_id=result.customer_id
                            )
                finally:
                    other.close()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        result = store.verify_audit()
        assert result.ok, result.problems
        assert result.checked == 45 == store.audit_head().seq
        assert {e.user for e in store.audit()} == {"writer0", "writer1", "writer2"}

    # -- subject rights (PIPL Art. 45, 47) ----------------------------------------------

    def _erase_scene(self, store: Any) -> tuple[str, str, str]:
        """张伟 with a call-back and an open pair with 王芳 (who shares his number)."""
        zhang = store.find(resident_id=ID_M)[0].id
        store.add_event(
            zhang,
            attrs.evolve(
                call("CB1", "2026-05-02T10:00:00+08:00", "13800138000", "reached"),
                note="张伟本人接听，住北京市朝阳区",
            ),
        )
        raised = store.ingest(
            rec(
                "S1", "2026-04-01", "telesales", resident_id=ID_W, name="王芳", mobile="13800138000"
            )
        )
        assert raised.outcome is Outcome.CANDIDATE
        li = store.find(resident_id=ID_F)[0].id
        return zhang, li, raised.customer_id

    def test_erase_leaves_a_tombstone_and_no_personal_data(self, store: Any) -> None:
        zhang, li, wang = self._erase_scene(store)
        li_before = store.get(li)
        tombstone = store.erase(zhang, by="dpo.zhou", reason="PIPL-REQ-2026-001")
        assert (tombstone.customer_id, tombstone.by, tombstone.reason) == (
            zhang,
            "dpo.zhou",
            "PIPL-REQ-2026-001",
        )
        assert (tombstone.records, tombstone.events) == (3, 1)
        assert store.tombstone(zhang) == tombstone
        assert store.tombstone(li) is None
        reads: list[Callable[[], Any]] = [
            lambda: store.get(zhang),
            lambda: store.observations(zhang),
            lambda: store.history(zhang, "address"),
            lambda: store.as_of(zhang, "2026-06-01"),
            lambda: store.events(zhang),
        ]
        for read in reads:
            with pytest.raises(NotFoundError) as info:
                read()
            assert info.value.code == "store.customer_erased"
        assert store.find(resident_id=ID_M) == []
        assert store.find(resident_id=ID_M15) == []
        assert store.find(name="张伟") == []
        assert store.find(plate="闽D12388") == []
        assert store.find(vin=VIN) == []
        assert store.find(policy_no="PDAA1") == []
        assert [c.id for c in store.find(phone="13800138000")] == [wang]
        assert store.events(contact="13800138000") == []
        assert store.candidates() == []
        (pair,) = store.candidates(None)
        assert pair.status is PairStatus.SUPERSEDED
        assert all(e.a == e.b == "" for e in pair.evidence)
        with pytest.raises(NotFoundError):
            store.policy("PDAA1")
        assert [p.policy_no for p in store.expiring("2027-01")] == []
        assert store.get(li) == li_before
        assert [p.value for p in store.get(wang).contact_points] == ["+8613800138000"]
        assert store.counts() == {
            "customers": 2,
            "records": 2,
            "policies": 1,
            "events": 0,
            "candidates_open": 0,
            "decisions": 0,
            "aliases": 0,
            "erased": 1,
            "restricted": 0,
        }
        everything = repr(snapshot(store)) + json.dumps(
            store.export_subject(zhang), ensure_ascii=False
        )
        assert personal_values_left(everything) == []
        assert_consistent(store)
        assert store.erase(zhang, by="someone.else", reason="again") == tombstone

    def test_erased_records_stay_out_and_a_new_observation_is_a_new_customer(
        self, store: Any
    ) -> None:
        zhang = store.find(resident_id=ID_M)[0].id
        store.erase(zhang, by="dpo.zhou", reason="PIPL-REQ-2026-001")
        before = snapshot(store)
        again = store.ingest(base_records())
        assert [r.outcome for r in again] == [Outcome.REJECTED] * 3 + [Outcome.DUPLICATE]
        assert {r.error.code for r in again[:3]} == {"record.erased"}
        assert snapshot(store) == before
        back = store.ingest(rec("R9", "2026-12-01", resident_id=ID_M, name="张伟"))
        assert back.outcome is Outcome.NEW_CUSTOMER
        assert back.customer_id != zhang
        assert [c.id for c in store.find(resident_id=ID_M)] == [back.customer_id]
        with pytest.raises(NotFoundError) as info:
            store.get(zhang)
        assert info.value.code == "store.customer_erased"
        assert_consistent(store)

    def test_erase_through_an_alias_and_refusals(self, store: Any) -> None:
        zhang = store.find(resident_id=ID_M)[0].id
        li = store.find(resident_id=ID_F)[0].id
        store.merge(zhang, li, by="李审核")
        with pytest.raises(UsageError) as info:
            store.erase(li, by="dpo.zhou", reason=" ")
        assert info.value.code == "store.reason"
        with pytest.raises(UsageError):
            store.erase(li, by="", reason="PIPL-REQ-2026-002")
        with pytest.raises(NotFoundError) as missing:
            store.erase("C99999999", by="dpo.zhou", reason="PIPL-REQ-2026-002")
        assert missing.value.code == "store.customer_not_found"
        assert store.counts()["erased"] == 0
        tombstone = store.erase(li, by="dpo.zhou", reason="PIPL-REQ-2026-002")
        assert tombstone.customer_id == zhang
        assert store.tombstone(li) == tombstone
        with pytest.raises(NotFoundError) as info2:
            store.get(li)
        assert info2.value.code == "store.customer_erased"
        assert store.count() == 0
        assert store.find(resident_id=ID_F) == []

    def test_an_erase_rolls_back_with_its_transaction(self, store: Any) -> None:
        zhang = store.find(resident_id=ID_M)[0].id
        before = snapshot(store)

        def erase_then_fail() -> None:
            with store.transaction():
                store.erase(zhang, by="dpo.zhou", reason="PIPL-REQ-2026-003")
                raise RuntimeError("abort")

        with pytest.raises(RuntimeError):
            erase_then_fail()
        assert snapshot(store) == before
        assert store.tombstone(zhang) is None
        assert store.get(zhang).resident_id == ID_M

    def test_restriction_stops_processing_but_not_storage(self, store: Any) -> None:
        zhang = store.find(resident_id=ID_M)[0].id
        li = store.find(resident_id=ID_F)[0].id
        held = store.restrict(li, by="dpo.zhou", reason="PIPL-REQ-2026-004")
        assert held.active
        assert (held.customer_id, held.by) == (li, "dpo.zhou")
        assert store.restrict(li, by="other", reason="again") == held
        assert store.restriction(li) == held
        assert store.restriction(zhang) is None
        assert [c.id for c in store.iter_customers()] == [zhang]
        assert [c.id for c in store.iter_customers(include_restricted=True)] == [zhang, li]
        assert store.counts()["restricted"] == 1
        assert store.count() == 2
        assert store.get(li).resident_id == ID_F
        assert [c.id for c in store.find(resident_id=ID_F)] == [li]
        assert store.export_subject(li)["status"] == "restricted"
        assert store.expiring("2027-02") == []
        before = snapshot(store)
        result = store.ingest(rec("R8", "2026-09-01", resident_id=ID_F, mobile="13900139000"))
        assert result.outcome is Outcome.REJECTED
        assert result.error.code == "record.subject_restricted"
        assert snapshot(store) == before
        refusals: list[Callable[[], Any]] = [
            lambda: store.add_event(
                li, call("CB9", "2026-05-02T10:00:00+08:00", "13900139000", "reached")
            ),
            lambda: store.merge(zhang, li, by="李审核"),
            lambda: store.merge(li, zhang, by="李审核"),
        ]
        for refused in refusals:
            with pytest.raises(StoreError) as info:
                refused()
            assert info.value.code == "store.customer_restricted"
        assert snapshot(store) == before
        lifted = store.lift_restriction(li, by="dpo.zhou", reason="PIPL-REQ-2026-004 closed")
        assert not lifted.active
        assert (lifted.lifted_by, lifted.lifted_reason) == ("dpo.zhou", "PIPL-REQ-2026-004 closed")
        assert store.restriction(li) == lifted
        assert store.counts()["restricted"] == 0
        with pytest.raises(UsageError) as info2:
            store.lift_restriction(li, by="dpo.zhou", reason="again")
        assert info2.value.code == "store.not_restricted"
        assert [p.policy_no for p in store.expiring("2027-02")] == ["PDAA2"]
        assert (
            store.ingest(rec("R8", "2026-09-01", resident_id=ID_F, mobile="13900139000")).outcome
            is Outcome.MERGED
        )
        assert [c.id for c in store.iter_customers()] == [zhang, li]
        with pytest.raises(NotFoundError):
            store.restrict("C99999999", by="dpo.zhou", reason="x")
        assert_consistent(store)

    def test_a_restricted_customer_raises_no_candidate_pair(self, store: Any) -> None:
        zhang = store.find(resident_id=ID_M)[0].id
        store.restrict(zhang, by="dpo.zhou", reason="PIPL-REQ-2026-005")
        result = store.ingest(
            rec(
                "S1", "2026-04-01", "telesales", resident_id=ID_W, name="王芳", mobile="13800138000"
            )
        )
        assert result.outcome is Outcome.NEW_CUSTOMER
        assert result.pairs == ()
        assert store.candidates() == []

    def test_a_restricted_customer_is_not_reviewed_merged_or_split(self, store: Any) -> None:
        zhang = store.find(resident_id=ID_M)[0].id
        raised = store.ingest(
            rec(
                "S1", "2026-04-01", "telesales", resident_id=ID_W, name="王芳", mobile="13800138000"
            )
        )
        (pair,) = raised.pairs
        store.restrict(zhang, by="dpo.zhou", reason="PIPL-REQ-2026-008")
        assert store.candidates() == []
        before = snapshot(store)
        refusals: list[Callable[[], Any]] = [
            lambda: store.decide(pair, merge=True, by="李审核"),
            lambda: store.decide(pair, merge=False, by="李审核"),
            lambda: store.split(zhang, [("telesales", "T1")], by="李审核"),
        ]
        for refused in refusals:
            with pytest.raises(StoreError) as info:
                refused()
            assert info.value.code == "store.customer_restricted"
        assert snapshot(store) == before
        store.lift_restriction(zhang, by="dpo.zhou", reason="PIPL-REQ-2026-008 closed")
        assert [p.id for p in store.candidates()] == [pair.id]
        assert store.decide(pair, merge=False, by="李审核").apart

    def test_export_subject_gives_everything_held(self, store: Any) -> None:
        zhang, _, wang = self._erase_scene(store)
        data = store.export_subject(zhang)
        assert json.loads(json.dumps(data, ensure_ascii=False)) == data
        assert data["customer_id"] == zhang
        assert data["status"] == "active"
        assert data["tombstone"] is None
        assert data["restriction"] is None
        assert data["customer"]["resident_id"] == ID_M
        assert [o["provenance"]["source_ref"] for o in data["observations"]] == ["R1", "R2", "T1"]
        addresses = [h["value"] for h in data["history"]["address"]]
        assert addresses == ["上海市徐汇区漕溪北路88号", "北京市朝阳区建国路88号"]
        assert data["history"]["policy.PDZA1.cover_end"][0]["value"] == "2027-01-20"
        assert [e["id"] for e in data["events"]] == ["CB1"]
        assert [p["policy_no"] for p in data["policies"]] == ["PDAA1", "PDZA1"]
        assert data["decisions"] == []
        assert [{p["a"], p["b"]} for p in data["pairs"]] == [{zhang, wang}]
        assert personal_values_left(json.dumps(data, ensure_ascii=False)) != []
        store.merge(zhang, wang, by="李审核")
        merged = store.export_subject(wang)
        assert merged["customer_id"] == zhang
        assert [d["action"] for d in merged["decisions"]] == ["merge"]
        with pytest.raises(NotFoundError):
            store.export_subject("C99999999")

    # -- optional --------------------------------------------------------------------

    def test_a_durable_store_keeps_everything_when_reopened(self, store: Any) -> None:
        self._require("durable")
        zhang = store.find(resident_id=ID_M)[0].id
        li = store.find(resident_id=ID_F)[0].id
        store.add_event(zhang, call("CB1", "2026-05-02T10:00:00+08:00", "13800138000", "reached"))
        store.ingest(rec("S1", "2026-04-01", "telesales", resident_id=ID_W, mobile="13800138000"))
        store.merge(zhang, li, by="李审核")
        before = snapshot(store)
        store.close()
        again = self.reopen(store)
        try:
            assert snapshot(again) == before
            assert again.get(li).id == zhang
            assert_consistent(again)
            assert again.ingest(base_records()[0]).outcome is Outcome.DUPLICATE
        finally:
            again.close()

    def test_concurrent_writers_lose_and_duplicate_nothing(self, store: Any) -> None:
        self._require("supports_concurrency")
        errors: list[BaseException] = []
        people = [_resident_id(i) for i in range(40)]

        def work(offset: int) -> None:
            try:
                other = self.reopen(store)
                try:
                    for i in range(len(people)):
                        n = (i + offset) % len(people)
                        other.ingest(
                            [
                                rec(f"W{n}", "2026-01-05", resident_id=people[n], name="张伟"),
                                rec(
                                    f"X{offset}-{n}",
                                    "2026-02-05",
                                    "telesales",
                                    resident_id=people[n],
                                    mobile="13800138000",
                                ),
                            ]
                        )
                finally:
                    other.close()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(k * 13,)) for k in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        for resident_id in people:
            (customer,) = store.find(resident_id=resident_id)
            refs = sorted(r.provenance.source_ref for r in store.observations(customer.id))
            assert len(refs) == 4
            assert refs[0].startswith("W")
        assert store.count() == 2 + len(people)
        assert store.counts()["records"] == 4 + 4 * len(people)
        assert_consistent(store)

    def test_a_backup_reopens_as_the_same_store(self, store: Any, tmp_path: Path) -> None:
        self._require("supports_backup")
        target = tmp_path / "backup-copy.db"
        store.backup(target)
        copy = open_store(f"sqlite:///{target}", **_keys_of(store))
        try:
            assert snapshot(copy) == snapshot(store)
        finally:
            copy.close()
        with pytest.raises(StoreError):
            store.backup(target)

    def test_an_export_imports_into_an_equal_store(
        self, store: Any, store_factory: StoreFactory, tmp_path: Path
    ) -> None:
        self._require("supports_jsonl")
        zhang = store.find(resident_id=ID_M)[0].id
        li = store.find(resident_id=ID_F)[0].id
        store.add_event(zhang, call("CB1", "2026-05-02T10:00:00+08:00", "13800138000", "reached"))
        store.ingest(rec("S1", "2026-04-01", "telesales", resident_id=ID_W, mobile="13800138000"))
        store.merge(zhang, li, by="李审核")
        made = self._audit_some(store)
        path = tmp_path / "store.jsonl"
        lines = store.export_jsonl(path)
        assert lines["record"] == 5
        assert lines["audit"] == 4
        copy = store_factory()
        try:
            copy.import_jsonl(path)
            assert snapshot(copy) == snapshot(store)
            assert copy.audit() == made
            assert copy.verify_audit(expected_head=store.audit_head()).ok
            assert copy.append_audit("li.na", "query").prev_hash == made[-1].hash
            assert copy.get(li).id == zhang
            new = copy.ingest(rec("N9", "2026-09-01", resident_id=_resident_id(7)))
            assert new.customer_id not in {zhang, li}
            with pytest.raises(StoreError) as info:
                copy.import_jsonl(path)
            assert info.value.code == "store.not_empty"
        finally:
            copy.close()
        broken = tmp_path / "broken.jsonl"
        broken.write_text("\n".join(path.read_text("utf-8").splitlines()[:-1]), "utf-8")
        empty = store_factory()
        try:
            with pytest.raises(StoreError) as info:
                empty.import_jsonl(broken)
            assert info.value.code == "store.jsonl"
            assert empty.counts()["records"] == 0
        finally:
            empty.close()

    def test_tombstones_and_restrictions_are_kept(
        self, store: Any, store_factory: StoreFactory, tmp_path: Path
    ) -> None:
        zhang = store.find(resident_id=ID_M)[0].id
        li = store.find(resident_id=ID_F)[0].id
        tombstone = store.erase(zhang, by="dpo.zhou", reason="PIPL-REQ-2026-006")
        restriction = store.restrict(li, by="dpo.zhou", reason="PIPL-REQ-2026-007")
        copies = []
        if self.capabilities.durable:
            store.close()
            store = self.reopen(store)
            copies.append(store)
        if self.capabilities.supports_jsonl:
            path = tmp_path / "subjects.jsonl"
            lines = store.export_jsonl(path)
            assert (lines["tombstone"], lines["restriction"]) == (1, 1)
            assert personal_values_left(path.read_text("utf-8")) == []
            copy = store_factory()
            copy.import_jsonl(path)
            assert snapshot(copy) == snapshot(store)
            copies.append(copy)
        if not copies:
            pytest.skip("the adapter is neither durable nor supports JSONL")
        for copy in copies:
            try:
                assert copy.tombstone(zhang) == tombstone
                assert copy.restriction(li) == restriction
                assert [c.id for c in copy.iter_customers()] == []
                assert copy.ingest(base_records()[0]).error.code == "record.erased"
                with pytest.raises(NotFoundError) as info:
                    copy.get(zhang)
                assert info.value.code == "store.customer_erased"
            finally:
                copy.close()

    def test_bulk_ingest_commits_batch_by_batch(self, empty: Any) -> None:
        self._require("supports_bulk")
        seen: list[int] = []
        records = [
            rec(f"B{i}", "2026-01-05", resident_id=_resident_id(i % 30), name="张伟")
            for i in range(95)
        ]
        result = empty.bulk_ingest(
            iter([*records, "junk"]), batch_size=20, on_batch=lambda r: seen.append(len(r))
        )
        assert seen == [20, 20, 20, 20, 16]
        assert result.counts["new_customer"] == 30
        assert result.counts["merged"] == 65
        assert result.counts["rejected"] == 1
        assert result.rejected[0].index == 95
        assert empty.count() == 30
        again = empty.bulk_ingest(records, batch_size=7)
        assert again.counts["duplicate"] == 95
        assert_consistent(empty)


def _pair_facts(pair: Any) -> tuple[Any, ...]:
    return (pair.id, pair.a, pair.b, pair.reasons, pair.record, pair.status, pair.evidence)


def _resident_id(n: int) -> str:
    """A valid 18-digit resident ID for a number below 1000 (born 1980, Beijing)."""
    body = f"110105198001{1 + n // 900:02d}{n % 900 + 100:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]
