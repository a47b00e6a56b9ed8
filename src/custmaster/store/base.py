"""The store contract (`Store`) and the shared logic every adapter inherits (`BaseStore`).

A store keeps the observation log (every source record, append-only, idempotent by
``Provenance.key``), the current golden state of each customer, the lookup indexes, the
candidate pairs, the decisions and the contact events. What to do with a record —
resolution (`custmaster.resolve`) and survivorship (`custmaster.merge`) — is pure code; it
lives in the ``@final`` methods of `BaseStore`, which call a small set of abstract
persistence primitives (``_``-prefixed) that each adapter implements. An adapter therefore
cannot resolve or merge differently from another: it only decides how to keep things.

The primitives an adapter implements:

- transactions: ``_begin``, ``_commit``, ``_rollback`` (outermost level only);
- customers: ``_new_customer_id``, ``_load_state``, ``_save_state``, ``_drop_customer``,
  ``_customer_ids``;
- the log: ``_find_record``, ``_append_record``, ``_records_of``, ``_move_records``;
- indexes (entries from `custmaster.resolve.keys`): ``_index_add``, ``_index_replace``,
  ``_index_drop``, ``_index_find``, ``_index_keys``;
- aliases: ``_set_alias``, ``_drop_alias``, ``_alias_of``;
- pairs and decisions: ``_new_pair_id``, ``_save_pair``, ``_get_pair``, ``_pair_between``,
  ``_pairs``, ``_save_decision``, ``_decision_between``, ``_decisions``;
- events: ``_find_event``, ``_append_event``, ``_events``, ``_move_event``;
- subject rights (`custmaster.store.subject`): ``_redact_records``, ``_drop_event``,
  ``_save_tombstone``, ``_tombstone``, ``_save_restriction``, ``_restriction``,
  ``_subject_ids``;
- counts: ``_count``;
- the audit log (`custmaster.audit`): ``_audit_head``, ``_audit_append``, ``_audit_scan``.

The audit log lives in the store: `BaseStore.append_audit` seals an entry onto the stored head
inside the current transaction, so an entry commits or rolls back with the change it
describes; `BaseStore.audit`, `BaseStore.verify_audit`, `BaseStore.export_audit` and
`BaseStore.audit_head` read it.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import gc
import json
import operator
import os
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, Protocol, TextIO, cast, final, overload, runtime_checkable

import attrs

from custmaster.audit import (
    Anchor,
    AuditChain,
    AuditEntry,
    DetailValue,
    VerifyResult,
    select,
    verify,
)
from custmaster.errors import (
    InvalidComponent,
    NotFoundError,
    StoreError,
    UsageError,
    ValidationError,
)
from custmaster.merge.engine import (
    DEFAULT_ROLE,
    POLICY_FIELDS,
    POLICY_INDEXED,
    GoldenState,
    build,
    split_path,
)
from custmaster.merge.history import (
    Explanation,
    explain,
    history,
    observations_of,
    policy_view,
    to_customer,
)
from custmaster.merge.rules import MergePolicy
from custmaster.model import _convert
from custmaster.model.contact import ContactEvent, ContactKind, normalise_contact
from custmaster.model.customer import Customer, HistoryEntry
from custmaster.model.policy import Policy, PolicyLine
from custmaster.model.provenance import Provenance, utc_now
from custmaster.model.source import FIELDS, SourceRecord
from custmaster.privacy.access import User
from custmaster.resolve.candidates import CandidatePair, Evidence, PairStatus, pair_key
from custmaster.resolve.decisions import AUTOMATIC, Action, Decision
from custmaster.resolve.keys import (
    IndexEntry,
    index_entries,
    org_code_key,
    orphan_entries,
    policy_entries,
)
from custmaster.resolve.resolver import Resolution, resolve
from custmaster.serialize import to_dict
from custmaster.store.subject import Restriction, Tombstone, redact_record
from custmaster.validate import cn_name, cn_org_code, cn_plate, cn_resident_id, cn_uscc, phone, vin

__all__ = [
    "COUNT_KINDS",
    "ERROR_CODES",
    "BaseStore",
    "IngestResult",
    "Outcome",
    "Store",
    "checked_month",
    "same_content",
    "same_values",
]

#: Every error code this module raises, with what it means.
ERROR_CODES: dict[str, str] = {
    "record.conflicting_duplicate": (
        "A channel and source reference already ingested arrived again with other content."
    ),
    "record.unknown_field": "A source record mapping names a field SourceRecord does not have.",
    "record.empty": (
        "A source record holds no value of any field (only extra columns, or nothing): it "
        "would make a customer of nothing."
    ),
    "record.type": "Something other than a SourceRecord or a mapping was given to ingest.",
    "store.closed": "The store was used after close().",
    "store.inconsistent": "An index names a customer that does not exist.",
    "store.alias_cycle": "Customer aliases form a cycle.",
    "store.customer_id": "A customer id is not text.",
    "store.customer_not_found": "No customer has this id or alias.",
    "store.policy_not_found": "No customer record names this policy number.",
    "store.pair_not_found": "No candidate pair has this id.",
    "store.pair_decided": "The candidate pair was already decided.",
    "store.find_criteria": "find() was called without any criterion.",
    "store.find_value": "A find() criterion cannot be valid.",
    "store.month": "A month is not written YYYY-MM.",
    "store.event": "add_event() was given something other than a ContactEvent.",
    "store.merge_same": "merge() was asked to merge a customer with itself.",
    "store.split_records": "split() was given no records or records of another customer.",
    "store.split_all": "split() would leave the customer without records.",
    "store.decided_by": "A decision does not say who made it (by=...).",
    "store.time": "as_of() was given something that is not a date or time.",
}

#: What `Store.counts` reports: ``records`` counts the records of current customers (an
#: erased customer's redacted records are left out), ``erased`` the tombstones and
#: ``restricted`` the customers whose processing is restricted.
COUNT_KINDS: tuple[str, ...] = (
    "customers",
    "records",
    "policies",
    "events",
    "candidates_open",
    "decisions",
    "aliases",
    "erased",
    "restricted",
)

#: A month: ``2027-01``, ``2027-1``, ``2027/1``, ``2027.1``, ``202701``, ``2027年1月``.
_MONTH = re.compile(r"(\d{4})(?:\s*[-/.]\s*(\d{1,2})|(\d{2})|\s*年\s*(\d{1,2})\s*月?)")
#: Policies `BaseStore.expiring_states` reads the holders of at once.
_POLICY_CHUNK = 2000
_ALIAS_DEPTH = 64


class Outcome(str, enum.Enum):
    """What ingesting one record did."""

    #: A new customer was created for it.
    NEW_CUSTOMER = "new_customer"
    #: It was attached to an existing customer.
    MERGED = "merged"
    #: It was stored (on a new or existing customer) and raised or extended a candidate pair.
    CANDIDATE = "candidate"
    #: A record with the same ``Provenance.key`` and content was already ingested.
    DUPLICATE = "duplicate"
    #: It was not valid (or reused a source reference for other content); nothing changed.
    REJECTED = "rejected"


@attrs.frozen
class IngestResult:
    """What happened to one record: outcome, customer, how it was resolved, pairs raised."""

    outcome: Outcome
    key: tuple[str, str] | None = None
    customer_id: str | None = None
    via: str | None = None
    pairs: tuple[CandidatePair, ...] = ()
    absorbed: tuple[str, ...] = ()
    error: ValidationError | None = None
    index: int = 0

    @property
    def ok(self) -> bool:
        """Whether the record is in the store (anything but rejected)."""
        return self.outcome is not Outcome.REJECTED


def checked_month(month: object) -> str:
    """``month`` as ``YYYY-MM``; `UsageError` when it names no month.

    Written as people write months: ``2027-01``, ``2027-1``, ``2027/01``, ``2027.1``,
    ``202701``, ``2027年1月``, full-width digits, spaces around.

    >>> [checked_month(m) for m in ("2027-01", "2027-1", "202701", "2027年1月", "２０２７／１")]
    ['2027-01', '2027-01', '2027-01', '2027-01', '2027-01']
    """
    text = unicodedata.normalize("NFKC", month).strip() if isinstance(month, str) else ""
    match = _MONTH.fullmatch(text)
    number = int(next(g for g in match.groups()[1:] if g)) if match is not None else 0
    if match is None or not 1 <= number <= 12:
        raise UsageError(
            "A month is written YYYY-MM, e.g. 2027-01 (or 2027年1月, 202701).",
            code="store.month",
            message_zh="月份格式应为 YYYY-MM，例如 2027-01（或 2027年1月、202701）。",
        )
    return f"{match.group(1)}-{number:02d}"


#: Reads every canonical field of a record at once (`same_values`).
_FIELD_VALUES = operator.attrgetter(*FIELDS)


def same_content(a: SourceRecord, b: SourceRecord) -> bool:
    """Whether two records with one key say the same (``recorded_at`` may differ)."""
    pa, pb = a.provenance, b.provenance
    return pa.observed_at == pb.observed_at and pa.operator == pb.operator and same_values(a, b)


def same_values(a: SourceRecord, b: SourceRecord) -> bool:
    """Whether two records with one key give the same values (their times may differ).

    A record arriving again under its key with the same values is a duplicate whenever it
    was observed: re-exporting an extract stamps its rows with a new time and says nothing new.
    The extra values are compared as a mapping: their order is not content.
    """
    return _FIELD_VALUES(a) == _FIELD_VALUES(b) and dict(a.extra) == dict(b.extra)


@runtime_checkable
class Store(Protocol):
    """The store contract every adapter fulfils (memory, SQLite, PostgreSQL, third parties)."""

    url: str

    def transaction(self) -> Any:
        """A context manager: everything inside commits together or not at all."""
        ...

    def ingest(
        self, records: SourceRecord | Mapping[str, Any] | Iterable[SourceRecord | Mapping[str, Any]]
    ) -> Any:
        """Resolve, log and merge records; one `IngestResult` per record (or one for one)."""
        ...

    def get(self, customer_id: str) -> Customer:
        """The customer with this id or alias (`NotFoundError` if none)."""
        ...

    def find(self, **criteria: Any) -> list[Customer]:
        """Customers matching every criterion given (inputs normalised)."""
        ...

    def history(self, customer_id: str, field: str) -> tuple[HistoryEntry, ...]:
        """Earlier values of a field, newest first."""
        ...

    def as_of(self, customer_id: str, at: dt.datetime | dt.date | str) -> Customer:
        """The customer as it stood at a past time."""
        ...

    def explain(self, customer_id: str, field: str) -> Explanation:
        """Which observation of a field won and why."""
        ...

    def candidates(self, status: PairStatus | str | None = PairStatus.OPEN) -> list[CandidatePair]:
        """Candidate pairs, highest priority first."""
        ...

    def decide(self, pair: CandidatePair | str, *, merge: bool, by: str) -> Decision:
        """Record a reviewer's decision on a pair (and merge when asked)."""
        ...

    def merge(self, survivor: str, other: str, *, by: str) -> Decision:
        """Merge ``other`` into ``survivor``; ``other`` becomes an alias."""
        ...

    def split(self, customer_id: str, records: Iterable[Any], *, by: str) -> Decision:
        """Move the given records of a customer to another customer."""
        ...

    def add_event(self, customer_id: str, event: ContactEvent) -> bool:
        """Record a contact event; its verdict updates the contact point's status."""
        ...

    def events(
        self, customer_id: str | None = None, contact: str | None = None
    ) -> list[ContactEvent]:
        """Contact events of a customer and/or about one contact value, oldest first."""
        ...

    def policy(self, policy_no: str) -> Policy:
        """One policy as its customers' records describe it."""
        ...

    def expiring(self, month: str, *, line: PolicyLine | str | None = None) -> list[Policy]:
        """Policies whose cover ends in ``month`` (``"2027-01"``)."""
        ...

    def iter_customers(self, *, include_restricted: bool = False) -> Iterator[Customer]:
        """Every customer, streamed (restricted ones only when asked)."""
        ...

    def erase(self, customer_id: str, *, by: str, reason: str) -> Tombstone:
        """Erase a customer's personal data, keeping a tombstone (PIPL Art. 47)."""
        ...

    def tombstone(self, customer_id: str) -> Tombstone | None:
        """The tombstone of an erased customer, or None."""
        ...

    def restrict(self, customer_id: str, *, by: str, reason: str) -> Restriction:
        """Stop all processing of a customer but storage (PIPL Art. 47)."""
        ...

    def lift_restriction(self, customer_id: str, *, by: str, reason: str) -> Restriction:
        """End a customer's restriction."""
        ...

    def restriction(self, customer_id: str) -> Restriction | None:
        """The restriction of a customer (active or lifted), or None."""
        ...

    def export_subject(self, customer_id: str) -> dict[str, Any]:
        """Everything held about a person, unmasked, JSON-compatible (PIPL Art. 45)."""
        ...

    def count(self) -> int:
        """The number of customers."""
        ...

    def counts(self) -> dict[str, int]:
        """Counts by kind (`COUNT_KINDS`)."""
        ...

    def observations(self, customer_id: str) -> list[SourceRecord]:
        """The records of a customer, oldest first."""
        ...

    def append_audit(
        self,
        user: User | str,
        operation: str,
        *,
        customer_id: str | None = None,
        fields: Iterable[str] | str = (),
        channel: str | None = None,
        detail: Mapping[str, DetailValue] | None = None,
    ) -> AuditEntry:
        """Append an audit entry in the current transaction (see `BaseStore.append_audit`)."""
        ...

    def audit(
        self,
        customer_id: str | None = None,
        user: User | str | None = None,
        since: dt.datetime | dt.date | str | None = None,
        until: dt.datetime | dt.date | str | None = None,
        operation: str | None = None,
    ) -> list[AuditEntry]:
        """Audit entries of a customer, user, operation and time range, oldest first."""
        ...

    def verify_audit(self, expected_head: Anchor | None = None) -> VerifyResult:
        """Verify the stored audit chain (`custmaster.audit.verify`)."""
        ...

    def export_audit(self, target: str | os.PathLike[str] | TextIO) -> int:
        """Write the audit log as JSON Lines; returns the number of entries."""
        ...

    def audit_head(self) -> Anchor:
        """The anchor of the last stored audit entry."""
        ...

    def close(self) -> None:
        """Release resources."""
        ...


class _StoreLookups:
    """The `custmaster.resolve.resolver.Lookups` of a store, over its index primitives.

    ``find`` and ``keys_of`` are the store's ``_index_find`` and ``_index_keys`` themselves
    (bound once): resolution calls them several times per record.
    """

    __slots__ = ("_store", "find", "keys_of")

    def __init__(self, store: BaseStore) -> None:
        self._store = store
        self.find: Callable[[str, str], Sequence[tuple[str, Any]]] = store._index_find
        self.keys_of: Callable[[str, str], Collection[str]] = store._index_keys

    def kept_apart(self, a: str, b: str) -> bool:
        decision = self._store._decision_between(pair_key(a, b))
        return decision is not None and decision.apart


def _policy_no(value: str) -> str:
    return _convert.reference_text(value)


def _org_code(value: str) -> str:
    """The ``document`` key an organisation code (组织机构代码) is indexed under."""
    return org_code_key(cn_org_code.validate(value))


def _birth(value: dt.date | str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return dt.date.fromisoformat(value.strip()).isoformat()


#: How `BaseStore.find` normalises each criterion and which index answers it.
_FINDERS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "resident_id": ("resident_id", cn_resident_id.validate),
    "uscc": ("uscc", cn_uscc.validate),
    "phone": ("phone", phone.validate),
    "policy_no": ("policy_no", _policy_no),
    "plate": ("plate", cn_plate.validate),
    "vin": ("vin", functools.partial(vin.validate, check_digit=None)),
    "name": ("name", cn_name.validate),
    "birth_date": ("birth_date", _birth),
    "org_code": ("document", _org_code),
}


def _coerce(item: SourceRecord | Mapping[str, Any]) -> SourceRecord:
    if isinstance(item, SourceRecord):
        return item
    if isinstance(item, Mapping):
        data = dict(item)
        try:
            provenance = data.get("provenance")
            if isinstance(provenance, Mapping):
                data["provenance"] = Provenance(**provenance)
            return SourceRecord(**data)
        except TypeError as error:
            raise InvalidComponent(
                "Unknown field in a source record mapping.",
                code="record.unknown_field",
                masked_value=str(error).rsplit(" ", 1)[-1][:40],
                message_zh="来源记录中有未知字段。",
            ) from None
    raise InvalidComponent(
        f"Expected a SourceRecord or a mapping, got {type(item).__name__}.",
        code="record.type",
        masked_value=f"<{type(item).__name__}>",
        message_zh="应为 SourceRecord 或映射。",
    )


def _time(value: dt.datetime | dt.date | str) -> dt.datetime:
    """A timezone-aware time from a datetime, a date (midnight UTC) or ISO 8601 text."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise UsageError(
                "Expected an ISO 8601 date or time.",
                code="store.time",
                message_zh="应为 ISO 8601 日期或时间。",
            ) from None
    if not isinstance(value, dt.datetime):
        if not isinstance(value, dt.date):
            raise UsageError(
                "Expected a date or time.", code="store.time", message_zh="应为日期或时间。"
            )
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


class BaseStore(ABC):
    """Shared store logic over abstract persistence primitives (see the module docstring).

    Subclasses call ``super().__init__(url, policy=...)`` and implement the primitives; the
    public methods are final.
    """

    def __init__(self, url: str, *, policy: MergePolicy | None = None) -> None:
        self.url = url
        self.merge_policy = policy if policy is not None else MergePolicy()
        self._depth = 0
        self._lookups = _StoreLookups(self)
        self._closed = False
        #: An erasure was made in the current transaction (`_after_erase` runs after commit).
        self._erased = False
        # whether a new customer may be kept as its lone record (`_keeps_lone_records`): only
        # when its policy's indexed fields are merged without value statistics, so that the
        # record's own values are the current ones
        self._lone = self._keeps_lone_records and not any(
            self.merge_policy.rule(name).uses_stats for name in POLICY_INDEXED
        )

    # ------------------------------------------------------------------ transactions

    @final
    @contextmanager
    def transaction(self) -> Iterator[BaseStore]:
        """Everything inside commits together; on an exception everything is rolled back.

        Nested blocks join the outermost transaction.
        """
        self._check_open()
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self._erased = False
            self._rollback()
            raise
        self._depth = 0
        self._commit()
        if self._erased:
            self._erased = False
            self._after_erase()

    @final
    def __enter__(self) -> BaseStore:
        return self

    @final
    def __exit__(self, *exc: object) -> None:
        self.close()

    @final
    def close(self) -> None:
        """Release the store's resources; it cannot be used afterwards."""
        if not self._closed:
            self._closed = True
            self._close()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(
                f"The store {self.url} is closed.",
                code="store.closed",
                message_zh="存储已关闭。",
            )

    # ------------------------------------------------------------------ ingest

    @overload
    def ingest(self, records: SourceRecord | Mapping[str, Any]) -> IngestResult: ...

    @overload
    def ingest(self, records: Iterable[SourceRecord | Mapping[str, Any]]) -> list[IngestResult]: ...

    @final
    def ingest(
        self,
        records: SourceRecord | Mapping[str, Any] | Iterable[SourceRecord | Mapping[str, Any]],
    ) -> IngestResult | list[IngestResult]:
        """Resolve each record to a customer, log it and merge it into the golden record.

        Accepts one record (returns one `IngestResult`) or an iterable (returns a list, one
        per record, in order). A mapping is turned into a `SourceRecord` first; one that
        fails validation is ``rejected`` with its error and changes nothing. All records of
        one call are one transaction. During a batch the cyclic garbage collector is paused
        (`gc.disable`); when the call returns, the objects made meanwhile join the oldest
        generation without being scanned (`gc.freeze` then `gc.unfreeze`) and the collector
        is resumed with its thresholds unchanged. A cycle that became garbage during the call
        is therefore freed by the next full collection rather than the next young one.
        """
        items: Iterable[Any]
        single = isinstance(records, (SourceRecord, Mapping))
        items = [records] if single else cast("Iterable[Any]", records)
        results: list[IngestResult] = []
        # A batch adds many long-lived objects; Python's cyclic collector would traverse the
        # whole heap again and again meanwhile. The store's structures hold no cycles, so it
        # is paused for the call (reference counting still frees memory) and resumed after.
        # Resumed as is, its first young collection would still traverse everything the batch
        # made (a third of ingest time when measured): those objects are moved to the oldest
        # generation unscanned instead, where only full collections (rare) visit them.
        paused = not single and gc.isenabled()
        if paused:
            gc.disable()
        try:
            with self.transaction():
                if not single:
                    items = list(items)
                    self._prepare([item for item in items if type(item) is SourceRecord])
                for index, item in enumerate(items):
                    results.append(self._ingest_one(item, index))
        finally:
            if not single:  # also when a caller paused the collector around this call
                gc.freeze()
                gc.unfreeze()
            if paused:
                gc.enable()
        return results[0] if single else results

    @final
    def _ingest_one(self, item: SourceRecord | Mapping[str, Any], index: int) -> IngestResult:
        try:
            record = item if type(item) is SourceRecord else _coerce(item)
        except ValidationError as error:
            return IngestResult(Outcome.REJECTED, error=error, index=index)
        key = record.provenance.key
        found = self._find_record(key)
        if found is not None:
            customer_id, stored = found
            if customer_id in self._subject_ids()[0]:
                erased = InvalidComponent(
                    "This source record belonged to a customer erased on request; it is not "
                    "taken in again (a new observation needs a new source reference).",
                    code="record.erased",
                    field="source_ref",
                    masked_value=record.provenance.source_ref[:40],
                    message_zh="该来源记录所属客户已应本人要求删除，不再导入；新的信息须使用新的来源编号。",
                )
                return IngestResult(Outcome.REJECTED, key, error=erased, index=index)
            # the same values seen again (a fresh export of an extract whose rows take the
            # file's time) add nothing, whenever observed: only other values conflict
            if same_values(stored, record):
                return IngestResult(
                    Outcome.DUPLICATE, key, self._canonical(customer_id), index=index
                )
            conflict = InvalidComponent(
                "This channel and source reference were already ingested with other content; "
                "a changed record needs a new source reference.",
                code="record.conflicting_duplicate",
                field="source_ref",
                masked_value=record.provenance.source_ref[:40],
                message_zh="该渠道与来源编号已导入过不同内容；内容变更须使用新的来源编号。",
            )
            return IngestResult(Outcome.REJECTED, key, error=conflict, index=index)
        resolution = resolve(record, self._lookups)
        if resolution.customer_id is None and not resolution.absorb and not record.has_values():
            return IngestResult(Outcome.REJECTED, key, error=_empty_record(record), index=index)
        restricted = self._subject_ids()[1]
        if restricted:
            touched = resolution.customer_id in restricted or any(
                other in restricted for other in resolution.absorb
            )
            if touched:
                held = InvalidComponent(
                    "The record names a customer whose processing is restricted (PIPL Art. 47); "
                    "nothing was stored. Ingest it again after the restriction is lifted.",
                    code="record.subject_restricted",
                    field="customer_id",
                    masked_value="",
                    message_zh="该记录涉及已限制处理的客户；未存储。解除限制后可重新导入。",
                )
                return IngestResult(Outcome.REJECTED, key, error=held, index=index)
            pairs = tuple(p for p in resolution.pairs if p.other not in restricted)
            if len(pairs) != len(resolution.pairs):
                resolution = attrs.evolve(resolution, pairs=pairs)
        return self._apply(record, resolution, index, key)

    @final
    def _apply(
        self,
        record: SourceRecord,
        resolution: Resolution,
        index: int,
        key: tuple[str, str] | None = None,
    ) -> IngestResult:
        if key is None:
            key = record.provenance.key
        customer_id = resolution.customer_id
        created = customer_id is None
        if customer_id is None:
            customer_id = self._new_customer_id()
            if self._lone and not resolution.absorb:
                self._save_lone(customer_id, record, orphan=resolution.orphan)
                return self._result(customer_id, record, resolution, key, index=index, created=True)
            state = GoldenState(self.merge_policy)
        else:
            loaded = self._load_state(customer_id)
            if loaded is None:  # pragma: no cover - index pointing nowhere
                raise StoreError(
                    f"The index names customer {customer_id}, which does not exist.",
                    code="store.inconsistent",
                    message_zh="索引指向不存在的客户。",
                )
            state = loaded
        absorbed = []
        for other in resolution.absorb:
            joined = self._merge_into(
                customer_id,
                state,
                other,
                by=AUTOMATIC,
                automatic=True,
                reason=f"joined through {resolution.via}",
            )
            if joined is not None:
                absorbed.append(other)
        self._add_record(customer_id, state, record, created=created)
        if resolution.orphan:
            self._index_add(customer_id, list(orphan_entries(record)))
        self._save_state(customer_id, state, created=created)
        return self._result(
            customer_id, record, resolution, key, index=index, created=created, absorbed=absorbed
        )

    @final
    def _result(
        self,
        customer_id: str,
        record: SourceRecord,
        resolution: Resolution,
        key: tuple[str, str],
        *,
        index: int,
        created: bool,
        absorbed: Sequence[str] = (),
    ) -> IngestResult:
        """Raise the resolution's candidate pairs and say what became of the record."""
        raised = self._raise_pairs(customer_id, resolution, key) if resolution.pairs else ()
        if raised:
            outcome = Outcome.CANDIDATE
        elif created:
            outcome = Outcome.NEW_CUSTOMER
        else:
            outcome = Outcome.MERGED
        return IngestResult(
            outcome,
            key,
            customer_id,
            "new" if created else resolution.via,
            tuple(raised),
            tuple(absorbed) if absorbed else (),
            index=index,
        )

    @final
    def _add_record(
        self, customer_id: str, state: GoldenState, record: SourceRecord, *, created: bool
    ) -> None:
        number = record.policy_no
        # a new customer's state needs no undo journal: a rollback drops it whole
        touched = state.add(record, None if created else self._journal())
        self._append_record(customer_id, record)
        self._index_add(customer_id, index_entries(record))
        # the policy's index group is rebuilt only when the record may have changed it
        if number and touched:
            self._index_policy(customer_id, state, number)

    @final
    def _index_policy(self, customer_id: str, state: GoldenState, policy_no: str) -> None:
        roles = state.roles.get(policy_no) or (DEFAULT_ROLE,)
        self._index_replace(
            customer_id, f"policy:{policy_no}", policy_entries(state, policy_no, roles)
        )

    @final
    def _raise_pairs(
        self, customer_id: str, resolution: Resolution, record_key: tuple[str, str]
    ) -> list[CandidatePair]:
        raised: list[CandidatePair] = []
        if not resolution.pairs:
            return raised
        now = utc_now()
        for draft in resolution.pairs:
            if draft.other == customer_id:
                continue
            key = pair_key(customer_id, draft.other)
            existing = self._pair_between(key)
            if existing is not None:
                if existing.status is not PairStatus.OPEN:
                    continue
                updated = existing.with_reason(draft.reason, draft.evidence)
                if updated is not existing:
                    self._save_pair(updated)
                    raised.append(updated)
                continue
            decision = self._decision_between(key)
            if decision is not None and decision.apart:
                continue
            pair = CandidatePair(
                id=self._new_pair_id(),
                a=draft.other,
                b=customer_id,
                reason=draft.reason,
                evidence=draft.evidence,
                raised_at=now,
                record=record_key,
            )
            self._save_pair(pair)
            raised.append(pair)
        return raised

    # ------------------------------------------------------------------ reading

    @final
    def _canonical(self, customer_id: str) -> str:
        current = customer_id
        for _ in range(_ALIAS_DEPTH):
            target = self._alias_of(current)
            if target is None:
                return current
            current = target
        raise StoreError(  # pragma: no cover - a cycle is a bug
            "Customer aliases form a cycle.", code="store.alias_cycle", message_zh="客户别名成环。"
        )

    @final
    def _state(self, customer_id: str, *, peek: bool = False) -> tuple[str, GoldenState]:
        """The canonical id and state of a customer; ``peek`` for a read that changes
        nothing (`_peek_state`). Raises `NotFoundError` for an unknown or erased one."""
        self._check_open()
        if not isinstance(customer_id, str):
            raise UsageError(
                "A customer id is text.", code="store.customer_id", message_zh="客户编号应为文本。"
            )
        canonical = self._canonical(customer_id)
        state = self._peek_state(canonical) if peek else self._load_state(canonical)
        if state is None:
            if self._tombstone(canonical) is not None:
                raise NotFoundError(
                    f"The customer {canonical[:20]!r} was erased on the subject's request.",
                    code="store.customer_erased",
                    message_zh="该客户已应本人要求删除。",
                )
            raise NotFoundError(
                f"No customer {customer_id[:20]!r}.",
                code="store.customer_not_found",
                message_zh="客户不存在。",
            )
        return canonical, state

    @final
    def get(self, customer_id: str) -> Customer:
        """The customer with this id; an alias (a customer merged away) gives the survivor.

        Raises `custmaster.errors.NotFoundError` when there is no such customer.
        """
        canonical, state = self._state(customer_id, peek=True)
        return to_customer(canonical, state, self._records_of(canonical))

    @final
    def observations(self, customer_id: str) -> list[SourceRecord]:
        """The source records of a customer, in observed order (then channel, reference)."""
        canonical, _ = self._state(customer_id, peek=True)
        return sorted(
            self._records_of(canonical),
            key=lambda r: (
                r.provenance.observed_at,
                r.provenance.channel.code,
                r.provenance.source_ref,
            ),
        )

    def stored_record(self, key: tuple[str, str]) -> tuple[str, SourceRecord] | None:
        """The customer (current id) and the record stored under a ``(channel, source_ref)``
        key, or None: none stored, or its customer erased or under a restriction.

        What `ingest` compares a record arriving again with: an import asks it to tell a row
        it read otherwise before (`custmaster.workflows.core_import`) from a changed one.
        """
        self._check_open()
        found = self._find_record(key)
        if found is None:
            return None
        erased, restricted = self._subject_ids()
        customer_id = self._canonical(found[0])
        if found[0] in erased or customer_id in erased or customer_id in restricted:
            return None
        return customer_id, found[1]

    @final
    def state(self, customer_id: str) -> GoldenState:
        """The incremental golden state of a customer (read-only use)."""
        return self._state(customer_id, peek=True)[1]

    @final
    def history(self, customer_id: str, field: str) -> tuple[HistoryEntry, ...]:
        """The earlier values of a field, newest first, each with its provenance.

        ``field`` is a customer field (``"address"``), an extra column (``"extra.车队"``) or
        a policy's field (``"policy.<number>.cover_end"``). Contact fields (``"mobile"`` …)
        list every observation: contact points accumulate.
        """
        canonical, _ = self._state(customer_id, peek=True)
        _, name = split_path(field)
        found = history(self._records_of(canonical), field, self.merge_policy)
        return tuple(
            HistoryEntry(field=name, value=o.value, provenance=o.provenance) for o in found
        )

    @final
    def explain(self, customer_id: str, field: str) -> Explanation:
        """Which observation of a field won, by which rule, and what it beat (masked)."""
        canonical, _ = self._state(customer_id, peek=True)
        return explain(self._records_of(canonical), field, self.merge_policy)

    @final
    def as_of(self, customer_id: str, at: dt.datetime | dt.date | str) -> Customer:
        """The customer as it stood at ``at``: only records observed and recorded by then,
        and events up to then (a date means midnight UTC at its start)."""
        canonical, _ = self._state(customer_id, peek=True)
        when = _time(at)
        records = self._records_of(canonical)
        state = build(records, self._events(canonical, None), self.merge_policy, as_of=when)
        kept = [
            r
            for r in records
            if r.provenance.observed_at <= when and r.provenance.recorded_at <= when
        ]
        return to_customer(canonical, state, kept)

    @final
    def find(
        self,
        *,
        resident_id: str | None = None,
        uscc: str | None = None,
        phone: str | None = None,
        policy_no: str | None = None,
        plate: str | None = None,
        vin: str | None = None,
        name: str | None = None,
        birth_date: dt.date | str | None = None,
        org_code: str | None = None,
    ) -> list[Customer]:
        """The customers matching every given criterion, by id.

        Inputs are normalised like source values: ``'138-0013-8000'`` finds
        ``'+8613800138000'``, a 15-digit resident ID finds its 18-digit form. A criterion
        that cannot be valid raises its `custmaster.ValidationError`. ``plate`` and ``vin``
        match the vehicles of the customers' policies and vehicles named without a policy.
        ``org_code`` (组织机构代码, ``60003734-1``) finds the organisations known by it or by
        a USCC holding it.
        """
        criteria = {
            "resident_id": resident_id,
            "uscc": uscc,
            "phone": phone,
            "policy_no": policy_no,
            "plate": plate,
            "vin": vin,
            "name": name,
            "birth_date": birth_date,
            "org_code": org_code,
        }
        return [self.get(cid) for cid in self._matching(criteria)]

    @final
    def names(self, **criteria: Any) -> dict[str, str | None]:
        """The current name of each customer `find` finds with ``criteria``, by id, without
        building the customers: who a row's plate or policy names (a claim's reporter is
        compared with the insured). The SQL stores read it from the stored views."""
        return self._current_names(self._matching(criteria))

    @final
    def names_by(self, criterion: str, values: Iterable[str]) -> dict[str, dict[str, str | None]]:
        """`names` for many values of one criterion at once (an import asks for a batch's
        plates in one go): for each value, ``names(**{criterion: value})``; a value that
        cannot be valid finds nobody (where `names` raises its error)."""
        if criterion not in _FINDERS:
            raise TypeError(f"Unknown criterion: {criterion}.")
        self._check_open()
        kind, normalise = _FINDERS[criterion]
        keys: dict[str, str | None] = {}
        for value in values:
            try:
                keys[value] = normalise(value)
            except (ValidationError, ValueError, TypeError, AttributeError):
                keys[value] = None
        kinds = (kind, f"orphan_{kind}") if kind in ("plate", "vin") else (kind,)
        found = self._index_find_many(kinds, sorted({k for k in keys.values() if k is not None}))
        names = self._current_names(sorted({cid for ids in found.values() for cid in ids}))
        return {
            value: {}
            if key is None
            else {cid: names[cid] for cid in sorted(found.get(key, ())) if cid in names}
            for value, key in keys.items()
        }

    def _index_find_many(self, kinds: Sequence[str], keys: Sequence[str]) -> dict[str, set[str]]:
        """The customers indexed under each of ``keys`` with any of ``kinds`` (`_index_find`
        per key; adapters may read them at once)."""
        return {
            key: {cid for kind in kinds for cid, _ in self._index_find(kind, key)} for key in keys
        }

    def _current_names(self, customer_ids: Sequence[str]) -> dict[str, str | None]:
        """The current names of the existing customers among ``customer_ids`` (from their
        states; adapters may read them at once)."""
        found: dict[str, str | None] = {}
        for customer_id in customer_ids:
            state = self._peek_state(customer_id)
            if state is not None:
                value = state.value("name")
                found[customer_id] = None if value is None else str(value)
        return found

    @final
    def _matching(self, criteria: Mapping[str, Any]) -> list[str]:
        """The ids of the customers matching every criterion of `find`, sorted."""
        unknown = set(criteria) - set(_FINDERS)
        if unknown:
            raise TypeError(f"Unknown criteria: {', '.join(sorted(unknown))}.")
        given = {k: v for k, v in criteria.items() if v is not None}
        if not given:
            raise UsageError(
                "Give at least one criterion to find customers by.",
                code="store.find_criteria",
                message_zh="至少给出一个查找条件。",
            )
        self._check_open()
        matches: set[str] | None = None
        for criterion, raw in given.items():
            kind, normalise = _FINDERS[criterion]
            try:
                value = normalise(raw)
            except ValidationError as error:
                raise error.for_field(criterion) from None
            except (ValueError, TypeError, AttributeError):
                raise InvalidComponent(
                    f"Not a valid {criterion}.",
                    code="store.find_value",
                    field=criterion,
                    masked_value="",
                    message_zh="查找条件无效。",
                ) from None
            kinds = (kind, f"orphan_{kind}") if kind in ("plate", "vin") else (kind,)
            found = {cid for k in kinds for cid, _ in self._index_find(k, value)}
            matches = found if matches is None else matches & found
            if not matches:
                return []
        return sorted(matches or ())

    @final
    def iter_customers(self, *, include_restricted: bool = False) -> Iterator[Customer]:
        """Every customer, one at a time, by id.

        Customers whose processing is restricted (`restrict`) are left out unless
        ``include_restricted``: every export and processing list is built from this stream.
        """
        self._check_open()
        restricted = frozenset() if include_restricted else self._subject_ids()[1]
        for customer_id in self._customer_ids():
            if customer_id in restricted:
                continue
            state = self._peek_state(customer_id)
            if state is not None:
                yield to_customer(customer_id, state, self._records_of(customer_id))

    @final
    def count(self) -> int:
        """The number of customers (aliases not counted)."""
        self._check_open()
        return self._count("customers")

    @final
    def counts(self) -> dict[str, int]:
        """Counts of customers, records, policies, events, open pairs, decisions, aliases."""
        self._check_open()
        return {kind: self._count(kind) for kind in COUNT_KINDS}

    # ------------------------------------------------------------------ tables

    @final
    def to_pandas(self, kind: str = "customers", *, reveal: bool = False) -> Any:
        """One table of the store as a ``pandas.DataFrame``, personal values masked.

        ``kind`` is ``customers``, ``contacts``, ``policies`` or ``events``; the columns are
        documented in `custmaster.workflows.frames`, which builds them (pandas is the
        ``custmaster[pandas]`` extra). A bare store acts as the program, which may not reveal
        full values: ``reveal=True`` needs a `custmaster.service.Service` with a named user
        holding the ``reveal`` permission.
        """
        from custmaster.workflows import frames

        return frames.to_pandas(cast("Store", self), kind, reveal=reveal)

    @final
    def to_polars(self, kind: str = "customers", *, reveal: bool = False) -> Any:
        """One table of the store as a ``polars.DataFrame`` (see `to_pandas`; the
        ``custmaster[polars]`` extra)."""
        from custmaster.workflows import frames

        return frames.to_polars(cast("Store", self), kind, reveal=reveal)

    # ------------------------------------------------------------------ policies

    @final
    def policy(self, policy_no: str) -> Policy:
        """A policy as the records of its customers describe it (`NotFoundError` if none)."""
        self._check_open()
        number = _policy_no(policy_no)
        holders = sorted({cid for cid, _ in self._index_find("policy_no", number)})
        views = []
        for cid in holders:
            state = self._peek_state(cid)
            if state is not None:
                views.append((cid, state))
        found = policy_view(number, views, self.merge_policy)
        if found is None:
            raise NotFoundError(
                f"No policy {number[:40]!r}.",
                code="store.policy_not_found",
                message_zh="保单不存在。",
            )
        return found

    @final
    def expiring(self, month: str, *, line: PolicyLine | str | None = None) -> list[Policy]:
        """The policies whose cover ends in ``month`` (``"YYYY-MM"``), by end date, number.

        ``line`` keeps one line only (``"compulsory"``, ``"交强险"`` …). Policies naming a
        customer whose processing is restricted are left out.
        """
        chosen = [policy for policy, _ in self.expiring_states(month, line=line)]
        return sorted(chosen, key=lambda p: (p.cover_end, p.policy_no))

    @final
    def expiring_states(
        self, month: str, *, line: PolicyLine | str | None = None
    ) -> Iterator[tuple[Policy, Mapping[str, GoldenState]]]:
        """`expiring`'s policies, each with the golden states of the customers holding it.

        For exports over a whole month: the states are loaded a chunk of policies at a time
        with a few set-based reads (`custmaster.store.sqlite.SQLiteStore`,
        `custmaster.store.postgres.PostgresStore`) and each one once, so memory stays bounded
        and no state is built twice. The policies come in policy-number order, not by end
        date; the states are for reading only. Policies naming a customer whose processing is
        restricted are left out.
        """
        self._check_open()
        month = checked_month(month)
        wanted = PolicyLine.get(line) if line is not None else None
        numbers = sorted({p for _, p in self._index_find("cover_end", month)})
        restricted = self._subject_ids()[1]
        for start in range(0, len(numbers), _POLICY_CHUNK):
            chunk = numbers[start : start + _POLICY_CHUNK]
            holders = self._policy_holders(chunk)
            if restricted:
                chunk = [n for n in chunk if not restricted.intersection(holders.get(n, ()))]
            states = self._load_states(sorted({c for ids in holders.values() for c in ids}))
            for number in chunk:
                views = {cid: states[cid] for cid in holders.get(number, ()) if cid in states}
                policy = policy_view(number, views.items(), self.merge_policy)
                end = None if policy is None else policy.cover_end
                if (
                    policy is not None
                    and end is not None
                    and f"{end.year:04d}-{end.month:02d}" == month
                    and (wanted is None or policy.line == wanted)
                ):
                    yield policy, views

    def _policy_holders(self, numbers: Sequence[str]) -> dict[str, list[str]]:
        """The customers holding each policy number, sorted (adapters may read them at once)."""
        return {
            number: sorted({cid for cid, _ in self._index_find("policy_no", number)})
            for number in numbers
        }

    def _load_states(self, customer_ids: Sequence[str]) -> dict[str, GoldenState]:
        """The states of existing customers among ``customer_ids`` (adapters may read them
        at once)."""
        found = {}
        for customer_id in customer_ids:
            state = self._peek_state(customer_id)
            if state is not None:
                found[customer_id] = state
        return found

    # ------------------------------------------------------------------ events

    @final
    def add_event(self, customer_id: str, event: ContactEvent) -> bool:
        """Record a contact event of a customer; a reached or wrong verdict becomes the
        status of that number, newest-wins (a later reached clears a wrong number).

        Idempotent by event id. Returns whether the customer has that contact point (the
        event is kept either way and applies if the number arrives later).
        """
        if not isinstance(event, ContactEvent):
            raise UsageError(
                "add_event takes a ContactEvent.", code="store.event", message_zh="应为联系事件。"
            )
        with self.transaction():
            canonical, state = self._state(customer_id)
            self._refuse_restricted(canonical)
            known = self._find_event(event.id)
            if known is not None:
                return state.add_event(event)
            has = state.add_event(event, self._journal())
            self._append_event(canonical, event)
            self._save_state(canonical, state, created=False)
            return has

    @final
    def events(
        self, customer_id: str | None = None, contact: str | None = None
    ) -> list[ContactEvent]:
        """Contact events, oldest first: of one customer, about one contact value, or both.

        ``contact`` is normalised: a phone number in any spelling, or an e-mail address.
        """
        self._check_open()
        canonical = None
        if customer_id is not None:
            canonical, _ = self._state(customer_id)
        value = None
        if contact is not None:
            value = _normalise_contact(contact)
        found = self._events(canonical, value)
        return sorted(found, key=lambda e: (e.at, e.id))

    # ------------------------------------------------------------------ review

    @final
    def candidates(self, status: PairStatus | str | None = PairStatus.OPEN) -> list[CandidatePair]:
        """Candidate pairs with this status (``None``: all), highest priority first, then id.

        Open pairs naming a customer whose processing is restricted are left out of the
        review queue until the restriction is lifted (``decide`` refuses them meanwhile).
        """
        self._check_open()
        wanted = None if status is None else PairStatus(status)
        pairs = self._pairs(wanted)
        restricted = self._subject_ids()[1]
        if restricted:
            pairs = [
                p
                for p in pairs
                if p.status is not PairStatus.OPEN or not restricted.intersection((p.a, p.b))
            ]
        return sorted(pairs, key=lambda p: (p.priority.rank, p.id))

    @final
    def decide(
        self, pair: CandidatePair | str, *, merge: bool, by: str, note: str | None = None
    ) -> Decision:
        """A reviewer's decision on a candidate pair, remembered for later records.

        ``merge=True`` merges the pair's ``b`` into ``a`` (``b`` becomes an alias of ``a``);
        ``merge=False`` keeps them apart: they are not proposed again.
        """
        _check_by(by)
        with self.transaction():
            pair_id = pair.id if isinstance(pair, CandidatePair) else pair
            current = self._get_pair(pair_id)
            if current is None:
                raise NotFoundError(
                    f"No candidate pair {str(pair_id)[:20]!r}.",
                    code="store.pair_not_found",
                    message_zh="候选对不存在。",
                )
            if current.status is not PairStatus.OPEN:
                raise UsageError(
                    f"The pair {current.id} was already decided ({current.status.value}).",
                    code="store.pair_decided",
                    message_zh="该候选对已处理。",
                )
            a, b = self._canonical(current.a), self._canonical(current.b)
            self._refuse_restricted(a, b)
            now = utc_now()
            if merge:
                decision = self._merge(a, b, by=by, pair_id=current.id, reason=note)
                status = PairStatus.MERGED
            else:
                decision = Decision(
                    action=Action.KEEP_APART,
                    a=a,
                    b=b,
                    by=by,
                    at=now,
                    pair_id=current.id,
                    reason=note,
                )
                self._save_decision(decision)
                status = PairStatus.KEPT_APART
            self._save_pair(attrs.evolve(current, status=status, decided_by=by, decided_at=now))
            return decision

    @final
    def merge(self, survivor: str, other: str, *, by: str, note: str | None = None) -> Decision:
        """Merge customer ``other`` into ``survivor`` after review.

        ``other``'s records, events and keys move to ``survivor``; ``other`` becomes an alias
        (``get(other)`` returns the survivor). Reversible with `split`.
        """
        _check_by(by)
        with self.transaction():
            a, _ = self._state(survivor)
            b, _ = self._state(other)
            self._refuse_restricted(a, b)
            if a == b:
                raise UsageError(
                    "These ids name the same customer already.",
                    code="store.merge_same",
                    message_zh="两个编号已是同一客户。",
                )
            return self._merge(a, b, by=by, pair_id=None, reason=note)

    @final
    def _merge(
        self, a: str, b: str, *, by: str, pair_id: str | None, reason: str | None
    ) -> Decision:
        state = self._load_state(a)
        if state is None:  # pragma: no cover - callers checked
            raise NotFoundError(f"No customer {a!r}.", code="store.customer_not_found")
        decision = self._merge_into(
            a, state, b, by=by, automatic=False, reason=reason, pair_id=pair_id
        )
        self._save_state(a, state, created=False)
        if decision is None:  # pragma: no cover - callers checked
            raise NotFoundError(f"No customer {b!r}.", code="store.customer_not_found")
        return decision

    @final
    def _merge_into(
        self,
        a: str,
        state: GoldenState,
        b: str,
        *,
        by: str,
        automatic: bool,
        reason: str | None,
        pair_id: str | None = None,
    ) -> Decision | None:
        """Move customer ``b`` into ``a`` (whose state is ``state``, saved by the caller)."""
        if a == b or self._load_state(b) is None:
            return None
        records = list(self._records_of(b))
        keys = [r.provenance.key for r in records]
        journal = self._journal()
        self._index_drop(b)
        self._move_records(keys, b, a)
        for record in records:
            state.add(record, journal)
            self._index_add(a, list(index_entries(record)))
        for number in state.policies:
            self._index_policy(a, state, number)
        for event in self._events(b, None):
            state.add_event(event, journal)
            self._move_event(event.id, a)
        self._drop_customer(b)
        self._set_alias(b, a)
        for pair in self._pairs(PairStatus.OPEN, b):
            if pair.id == pair_id:
                continue
            other = pair.other(b)
            if other == a or self._pair_between(pair_key(a, other)) is not None:
                self._save_pair(attrs.evolve(pair, status=PairStatus.SUPERSEDED))
            else:
                self._save_pair(attrs.evolve(pair, a=other, b=a))
        decision = Decision(
            action=Action.MERGE,
            a=a,
            b=b,
            by=by,
            at=utc_now(),
            pair_id=pair_id,
            reason=reason,
            records=keys,
            automatic=automatic,
        )
        self._save_decision(decision)
        return decision

    @final
    def split(
        self,
        customer_id: str,
        records: Iterable[SourceRecord | tuple[str, str]],
        *,
        by: str,
        note: str | None = None,
    ) -> Decision:
        """Move some records of a wrongly merged customer to a customer of their own.

        ``records`` are `SourceRecord` objects or ``(channel, source_ref)`` keys of the
        customer. When they are exactly the records an earlier merge brought in, the merged
        customer comes back under its old id; otherwise a new id is made. Both customers are
        recomputed from their records, and kept apart from then on.
        """
        _check_by(by)
        with self.transaction():
            a, _ = self._state(customer_id)
            self._refuse_restricted(a)
            keys = {
                r.provenance.key if isinstance(r, SourceRecord) else (str(r[0]), str(r[1]))
                for r in records
            }
            mine = {r.provenance.key: r for r in self._records_of(a)}
            missing = keys - set(mine)
            if not keys or missing:
                raise UsageError(
                    "Name at least one record, all of them records of this customer.",
                    code="store.split_records",
                    message_zh="须指定至少一条且均属于该客户的记录。",
                )
            if keys == set(mine):
                raise UsageError(
                    "A split must leave at least one record with the customer.",
                    code="store.split_all",
                    message_zh="拆分后原客户须至少保留一条记录。",
                )
            b = self._restorable(a, keys) or self._new_customer_id()
            if self._alias_of(b) is not None:
                self._drop_alias(b)
            moved = [mine[k] for k in sorted(keys)]
            kept = [r for k, r in sorted(mine.items()) if k not in keys]
            events = self._events(a, None)
            self._index_drop(a)
            self._move_records(sorted(keys), a, b)
            state_a = build(kept, (), self.merge_policy)
            state_b = build(moved, (), self.merge_policy)
            for event in events:
                has_a = state_a.add_event(event)
                has_b = state_b.add_event(event)
                if has_b and not has_a:
                    self._move_event(event.id, b)
            for cid, state, recs in ((a, state_a, kept), (b, state_b, moved)):
                for record in recs:
                    self._index_add(cid, list(index_entries(record)))
                for number in state.policies:
                    self._index_policy(cid, state, number)
            self._save_state(a, state_a, created=False, replace=True)
            self._save_state(b, state_b, created=True, replace=True)
            for pair in self._pairs(PairStatus.OPEN, a):
                self._save_pair(attrs.evolve(pair, status=PairStatus.SUPERSEDED))
            decision = Decision(
                action=Action.SPLIT,
                a=a,
                b=b,
                by=by,
                at=utc_now(),
                reason=note,
                records=sorted(keys),
            )
            self._save_decision(decision)
            return decision

    @final
    def _restorable(self, a: str, keys: set[tuple[str, str]]) -> str | None:
        for decision in reversed(self._decisions(a)):
            merged = decision.action is Action.MERGE and decision.a == a
            if merged and set(decision.records) == keys:
                return decision.b
        return None

    # ------------------------------------------------------------------ audit log

    @final
    def append_audit(
        self,
        user: User | str,
        operation: str,
        *,
        customer_id: str | None = None,
        fields: Iterable[str] | str = (),
        channel: str | None = None,
        detail: Mapping[str, DetailValue] | None = None,
    ) -> AuditEntry:
        """Append an entry to the store's audit log and return it.

        The entry is sealed onto the stored head (its ``seq`` and ``prev_hash`` follow the
        last stored entry) inside the current transaction, or a transaction of its own: call
        it within the ``with store.transaction():`` block of the change it describes, and a
        rollback takes both back. Arguments as `custmaster.audit.AuditChain.append` (names
        of fields only, never values); writers that could run at once take turns on the head
        (SQLite serialises writers; PostgreSQL takes a lock on it until commit).
        """
        if not self._depth:
            with self.transaction():
                return self.append_audit(
                    user,
                    operation,
                    customer_id=customer_id,
                    fields=fields,
                    channel=channel,
                    detail=detail,
                )
        entry = AuditChain(self._audit_head()).append(
            user,
            operation,
            customer_id=customer_id,
            fields=fields,
            channel=channel,
            detail=detail,
        )
        self._audit_append(entry)
        return entry

    @final
    def audit(
        self,
        customer_id: str | None = None,
        user: User | str | None = None,
        since: dt.datetime | dt.date | str | None = None,
        until: dt.datetime | dt.date | str | None = None,
        operation: str | None = None,
    ) -> list[AuditEntry]:
        """The audit entries of a customer, a user, an operation and a time range
        ``[since, until)`` (each optional; dates mean midnight UTC), oldest first.

        Raises `custmaster.audit.AuditError` (``audit.malformed``) if a stored entry cannot
        be read; `verify_audit` reports such entries instead.
        """
        self._check_open()
        name = user.name if isinstance(user, User) else user
        low = None if since is None else _time(since)
        high = None if until is None else _time(until)
        rows = self._audit_scan(customer_id, name, low, high, operation)
        entries = (r if isinstance(r, AuditEntry) else AuditEntry.from_dict(r) for r in rows)
        return list(
            select(
                entries,
                customer_id=customer_id,
                user=name,
                operation=operation,
                since=low,
                until=high,
            )
        )

    @final
    def verify_audit(self, expected_head: Anchor | None = None) -> VerifyResult:
        """Verify the whole stored audit chain (`custmaster.audit.verify`), streamed.

        Reports entries changed in place (``audit.altered``), inserted, deleted or moved
        (``audit.broken_link``, ``audit.gap``, ``audit.out_of_order``) and, against a head
        anchored elsewhere (`audit_head` taken earlier), deleted tail entries
        (``audit.truncated``) or a rewritten chain (``audit.head_mismatch``).
        """
        self._check_open()
        return verify(self._audit_scan(None, None, None, None, None), expected_head)

    @final
    def export_audit(self, target: str | os.PathLike[str] | TextIO) -> int:
        """Write the audit log, oldest first, as JSON Lines (one `AuditEntry.to_dict` object a
        line, exactly as stored) to a path or an open text file; returns the entries written.
        """
        self._check_open()
        if isinstance(target, (str, os.PathLike)):
            with Path(target).open("w", encoding="utf-8") as out:
                return self._write_audit(out)
        return self._write_audit(target)

    @final
    def _write_audit(self, out: TextIO) -> int:
        written = 0
        for row in self._audit_scan(None, None, None, None, None):
            data = row.to_dict() if isinstance(row, AuditEntry) else dict(row)
            out.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            written += 1
        return written

    @final
    def audit_head(self) -> Anchor:
        """The anchor (``seq`` and ``hash``) of the last stored audit entry
        (`custmaster.audit.GENESIS` when the log is empty): keep it outside the store to detect
        deleted tail entries later (`verify_audit`)."""
        self._check_open()
        return self._audit_head()

    # ------------------------------------------------------------------ subject rights

    @final
    def erase(self, customer_id: str, *, by: str, reason: str) -> Tombstone:
        """Erase a customer's personal data on the subject's request (PIPL Art. 47).

        Every source record of the customer is rewritten to its policy facts
        (`custmaster.store.subject.redact_record`), its contact events are removed, its index
        entries dropped, its candidate pairs closed (open ones become ``superseded``) with
        their evidence blanked, and its current view deleted. What remains is the returned
        `Tombstone`; ``get`` then raises `NotFoundError` with code ``store.customer_erased``
        (aliases too), ``find`` finds nothing by the old ID, phone, name or plate, and
        re-ingesting one of its records is rejected (``record.erased``). A new observation
        of the person (a new source reference) makes a new customer: the store keeps nothing
        to recognise them by. Erasing an erased customer returns its tombstone.
        """
        _check_by(by)
        _check_reason(reason)
        with self.transaction():
            canonical = self._canonical(self._customer_id(customer_id))
            existing = self._tombstone(canonical)
            if existing is not None:
                return existing
            canonical, _ = self._state(canonical)
            records = list(self._records_of(canonical))
            events = self._events(canonical, None)
            now = utc_now()
            self._index_drop(canonical)
            self._drop_customer(canonical)
            self._redact_records(canonical, [redact_record(r) for r in records])
            for event in events:
                self._drop_event(event.id)
            for pair in self._pairs(None, canonical):
                blank = tuple(Evidence(e.field, "", "", "erased") for e in pair.evidence)
                if pair.status is PairStatus.OPEN:
                    closed = attrs.evolve(
                        pair,
                        evidence=blank,
                        status=PairStatus.SUPERSEDED,
                        decided_by=by,
                        decided_at=now,
                    )
                else:
                    closed = attrs.evolve(pair, evidence=blank)
                if closed != pair:
                    self._save_pair(closed)
            restriction = self._restriction(canonical)
            if restriction is not None and restriction.active:
                self._save_restriction(restriction.lifted(by=by, reason=reason, at=now))
            tombstone = Tombstone(
                canonical, now, by, reason, records=len(records), events=len(events)
            )
            self._save_tombstone(tombstone)
            self._erased = True
        return tombstone

    @final
    def tombstone(self, customer_id: str) -> Tombstone | None:
        """The tombstone of an erased customer (by id or alias), or None if not erased."""
        self._check_open()
        return self._tombstone(self._canonical(self._customer_id(customer_id)))

    @final
    def restrict(self, customer_id: str, *, by: str, reason: str) -> Restriction:
        """Restrict the processing of a customer to storage (PIPL Art. 47).

        Until `lift_restriction`: ingest rejects records that would attach to or join the
        customer (``record.subject_restricted``, nothing stored; ingest them again after
        lifting) and raises no candidate pair with it; ``merge``, ``split``, ``decide`` and
        ``add_event`` refuse it (``store.customer_restricted``); ``iter_customers``,
        ``expiring``, the open pairs of ``candidates`` and every export and list built from
        them leave it out. ``get``,
        ``find``, ``history`` and `export_subject` still answer, for the subject's own
        request. Restricting a restricted customer returns the restriction in force.
        """
        _check_by(by)
        _check_reason(reason)
        with self.transaction():
            canonical, _ = self._state(customer_id)
            current = self._restriction(canonical)
            if current is not None and current.active:
                return current
            restriction = Restriction(canonical, utc_now(), by, reason)
            self._save_restriction(restriction)
            return restriction

    @final
    def lift_restriction(self, customer_id: str, *, by: str, reason: str) -> Restriction:
        """End a customer's restriction; returns it with ``lifted_*`` filled in.

        Raises `UsageError` (``store.not_restricted``) when the customer is not restricted.
        """
        _check_by(by)
        _check_reason(reason)
        with self.transaction():
            canonical, _ = self._state(customer_id)
            current = self._restriction(canonical)
            if current is None or not current.active:
                raise UsageError(
                    f"The customer {canonical[:20]!r} is not restricted.",
                    code="store.not_restricted",
                    message_zh="该客户未被限制处理。",
                )
            lifted = current.lifted(by=by, reason=reason)
            self._save_restriction(lifted)
            return lifted

    @final
    def restriction(self, customer_id: str) -> Restriction | None:
        """The restriction of a customer (in force or lifted last), or None if never restricted."""
        self._check_open()
        return self._restriction(self._canonical(self._customer_id(customer_id)))

    @final
    def export_subject(self, customer_id: str) -> dict[str, Any]:
        """Everything the store holds about a person (PIPL Art. 45), as JSON-compatible data.

        Unmasked by design: the subject is entitled to their own data, so a
        `custmaster.service.Service` allows it only with the ``export`` and ``reveal``
        permissions and audits it. Keys: ``customer_id``, ``status`` (``active``,
        ``restricted`` or ``erased``), ``restriction``, ``tombstone``, ``customer`` (the
        current view, contact points and policy roles included), ``history`` (every
        observation of every field, newest first, with its provenance), ``observations`` (the
        source records), ``events``, ``policies``, ``decisions`` and ``pairs``. For an
        erased customer only the tombstone and what erasure kept are there. Works on
        restricted customers.
        """
        self._check_open()
        canonical = self._canonical(self._customer_id(customer_id))
        tombstone = self._tombstone(canonical)
        restriction = self._restriction(canonical)
        state = None if tombstone is not None else self._state(canonical)[1]
        records = sorted(
            self._records_of(canonical),
            key=lambda r: (
                r.provenance.observed_at,
                r.provenance.channel.code,
                r.provenance.source_ref,
            ),
        )
        active = restriction is not None and restriction.active
        data: dict[str, Any] = {
            "format": "custmaster.subject/1",
            "customer_id": canonical,
            "exported_at": utc_now().isoformat(),
            "status": "erased" if tombstone else "restricted" if active else "active",
            "restriction": None if restriction is None else restriction.to_dict(),
            "tombstone": None if tombstone is None else tombstone.to_dict(),
            "customer": None,
            "history": {},
            "observations": [to_dict(r) for r in records],
            "events": [],
            "policies": [],
            "decisions": [to_dict(d) for d in self._decisions(canonical)],
            "pairs": [to_dict(p) for p in self._pairs(None, canonical)],
        }
        if state is None:
            return _plain_json(data)
        data["customer"] = to_dict(to_customer(canonical, state, records))
        paths: dict[str, None] = {}
        for record in records:
            for name, _ in record.values():
                if name in POLICY_FIELDS and record.policy_no:
                    paths[f"policy.{record.policy_no}.{name}"] = None
                else:
                    paths[name] = None
        newest = _newest_first_key
        for path in paths:
            found = sorted(observations_of(records, path), key=newest, reverse=True)
            data["history"][path] = [
                to_dict(HistoryEntry(field=o.field, value=o.value, provenance=o.provenance))
                for o in found
            ]
        events = sorted(self._events(canonical, None), key=lambda e: (e.at, e.id))
        data["events"] = [to_dict(e) for e in events]
        data["policies"] = [to_dict(self.policy(number)) for number in sorted(state.policies)]
        return _plain_json(data)

    def _customer_id(self, customer_id: object) -> str:
        self._check_open()
        if not isinstance(customer_id, str):
            raise UsageError(
                "A customer id is text.", code="store.customer_id", message_zh="客户编号应为文本。"
            )
        return customer_id

    @final
    def _refuse_restricted(self, *customer_ids: str) -> None:
        restricted = self._subject_ids()[1]
        for customer_id in customer_ids:
            if customer_id in restricted:
                raise StoreError(
                    f"The customer {customer_id[:20]!r} is restricted (PIPL Art. 47): only "
                    "storage and the subject's own requests are allowed.",
                    code="store.customer_restricted",
                    message_zh="该客户已限制处理：仅允许存储及本人请求。",
                )

    # ------------------------------------------------------------------ primitives

    def _journal(self) -> list[Any] | None:
        """The undo journal the golden state records its changes in, or None (durable stores
        that persist the state roll back with their database)."""
        return None

    @abstractmethod
    def _begin(self) -> None:
        """Start the outermost transaction."""

    @abstractmethod
    def _commit(self) -> None:
        """Commit the outermost transaction."""

    @abstractmethod
    def _rollback(self) -> None:
        """Undo everything since `_begin`."""

    @abstractmethod
    def _close(self) -> None:
        """Release resources."""

    @abstractmethod
    def _new_customer_id(self) -> str:
        """A customer id never used before (an alias counts as used)."""

    @abstractmethod
    def _load_state(self, customer_id: str) -> GoldenState | None:
        """The golden state of a canonical customer id, or None. Changes to the returned
        object are persisted by `_save_state` (a memory store returns the live object)."""

    def _peek_state(self, customer_id: str) -> GoldenState | None:
        """`_load_state` for a read that changes nothing: an adapter may build a state it
        does not keep (a memory store's customer seen once stays its record)."""
        return self._load_state(customer_id)

    @abstractmethod
    def _save_state(
        self, customer_id: str, state: GoldenState, *, created: bool, replace: bool = False
    ) -> None:
        """Persist a customer's state; ``created`` for a new customer, ``replace`` when the
        state object was rebuilt rather than updated."""

    #: Whether the store keeps a new customer seen once as its record (`_save_lone`), its
    #: golden state built by `_load_state` when first needed. A memory store does: most
    #: customers of a book are seen once, and a state costs more to build and keep than the
    #: record it is made of.
    _keeps_lone_records: ClassVar[bool] = False

    def _save_lone(self, customer_id: str, record: SourceRecord, *, orphan: bool) -> None:
        """Log a new customer's first record and keep the customer as that record, without
        building its golden state (only called when `_keeps_lone_records`). The record is
        indexed as `_add_record` would index it: its `index_entries`, its policy's
        `lone_policy_entries` and, when ``orphan``, its `orphan_entries`. `_load_state` and
        `_records_of` then answer as if the state had been built from the record."""
        raise NotImplementedError  # pragma: no cover - not called unless overridden

    @abstractmethod
    def _drop_customer(self, customer_id: str) -> None:
        """Remove a customer's state (its records and index entries moved already)."""

    @abstractmethod
    def _customer_ids(self) -> Iterator[str]:
        """Every canonical customer id, sorted."""

    def _prepare(self, records: Sequence[SourceRecord]) -> None:
        """Called inside the transaction before a batch of ``records`` is ingested, so that
        an adapter can read ahead in a few set-based queries what the batch will look up
        (the SQL stores do; a store whose lookups are cheap need not)."""
        return None

    @abstractmethod
    def _find_record(self, key: tuple[str, str]) -> tuple[str, SourceRecord] | None:
        """``(customer id, record)`` of the logged record with this key, or None."""

    @abstractmethod
    def _append_record(self, customer_id: str, record: SourceRecord) -> None:
        """Append a record to the log under a customer."""

    @abstractmethod
    def _records_of(self, customer_id: str) -> Sequence[SourceRecord]:
        """The logged records of a customer."""

    @abstractmethod
    def _move_records(self, keys: Iterable[tuple[str, str]], from_id: str, to_id: str) -> None:
        """Reassign logged records to another customer (the log itself never changes)."""

    @abstractmethod
    def _index_add(self, customer_id: str, entries: Iterable[IndexEntry]) -> None:
        """Add lasting index entries (set semantics: adding one twice keeps one)."""

    @abstractmethod
    def _index_replace(self, customer_id: str, group: str, entries: Iterable[IndexEntry]) -> None:
        """Replace the customer's entries of ``group`` with ``entries``."""

    @abstractmethod
    def _index_drop(self, customer_id: str) -> None:
        """Remove every index entry of a customer."""

    @abstractmethod
    def _index_find(self, kind: str, key: str) -> list[tuple[str, Any]]:
        """``(customer id, payload)`` of every entry of ``kind`` and ``key``."""

    @abstractmethod
    def _index_keys(self, customer_id: str, kind: str) -> set[str]:
        """The keys of a customer's entries of ``kind`` (for ``resident_id`` etc. only
        entries with payload ``owner``)."""

    @abstractmethod
    def _set_alias(self, alias: str, target: str) -> None:
        """Make ``alias`` resolve to ``target``."""

    @abstractmethod
    def _drop_alias(self, alias: str) -> None:
        """Remove an alias (its id becomes a customer again)."""

    @abstractmethod
    def _alias_of(self, customer_id: str) -> str | None:
        """The id an alias points to, or None if ``customer_id`` is not an alias."""

    @abstractmethod
    def _new_pair_id(self) -> str:
        """A candidate pair id never used before."""

    @abstractmethod
    def _save_pair(self, pair: CandidatePair) -> None:
        """Insert or replace a pair by id."""

    @abstractmethod
    def _get_pair(self, pair_id: str) -> CandidatePair | None:
        """A pair by id."""

    @abstractmethod
    def _pair_between(self, key: tuple[str, str]) -> CandidatePair | None:
        """The newest pair of these two customer ids (`pair_key` order), any status."""

    @abstractmethod
    def _pairs(
        self, status: PairStatus | None, customer_id: str | None = None
    ) -> list[CandidatePair]:
        """Every pair with this status (None: all), of one customer (None: all)."""

    @abstractmethod
    def _save_decision(self, decision: Decision) -> None:
        """Append a decision."""

    @abstractmethod
    def _decision_between(self, key: tuple[str, str]) -> Decision | None:
        """The newest decision about these two customer ids."""

    @abstractmethod
    def _decisions(self, customer_id: str) -> list[Decision]:
        """The decisions naming a customer, oldest first."""

    @abstractmethod
    def _find_event(self, event_id: str) -> str | None:
        """The customer id an event is stored under, or None."""

    @abstractmethod
    def _append_event(self, customer_id: str, event: ContactEvent) -> None:
        """Store an event under a customer."""

    @abstractmethod
    def _events(self, customer_id: str | None, contact: str | None) -> list[ContactEvent]:
        """Events of a customer (None: all) about a contact value (None: all)."""

    @abstractmethod
    def _move_event(self, event_id: str, customer_id: str) -> None:
        """Store an event under another customer."""

    @abstractmethod
    def _redact_records(self, customer_id: str, records: Sequence[SourceRecord]) -> None:
        """Replace the logged records of an erased customer with their redacted forms (same
        keys, `custmaster.store.subject.redact_record`), leaving no trace of the old content:
        the only change ever made to the log's content."""

    @abstractmethod
    def _drop_event(self, event_id: str) -> None:
        """Remove an event (erasure)."""

    @abstractmethod
    def _save_tombstone(self, tombstone: Tombstone) -> None:
        """Keep the tombstone of an erased customer (never changed or removed)."""

    @abstractmethod
    def _tombstone(self, customer_id: str) -> Tombstone | None:
        """The tombstone of a customer id, or None."""

    @abstractmethod
    def _save_restriction(self, restriction: Restriction) -> None:
        """Insert or replace the restriction of a customer."""

    @abstractmethod
    def _restriction(self, customer_id: str) -> Restriction | None:
        """The restriction of a customer id (active or lifted), or None."""

    @abstractmethod
    def _subject_ids(self) -> tuple[frozenset[str], frozenset[str]]:
        """``(erased ids, ids under an active restriction)``; called once per ingested
        record, so keep it cheap (cache it within a transaction)."""

    def _after_erase(self) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """After an erasure committed: clear what the database keeps of old content beyond
        its tables (SQLite checkpoints and truncates its write-ahead log)."""

    @abstractmethod
    def _count(self, kind: str) -> int:
        """One of `COUNT_KINDS`."""

    @abstractmethod
    def _audit_head(self) -> Anchor:
        """The anchor of the last stored audit entry, `custmaster.audit.GENESIS` if none. Inside a
        transaction it includes the entries appended in it, and a store with concurrent
        writers makes the others wait for the head until this transaction ends."""

    @abstractmethod
    def _audit_append(self, entry: AuditEntry) -> None:
        """Store a sealed audit entry (it follows `_audit_head`) in the current transaction."""

    @abstractmethod
    def _audit_scan(
        self,
        customer_id: str | None,
        user: str | None,
        since: dt.datetime | None,
        until: dt.datetime | None,
        operation: str | None,
    ) -> Iterator[AuditEntry | Mapping[str, Any]]:
        """The stored audit entries in ``seq`` order, as entries or `AuditEntry.to_dict`
        mappings exactly as stored. The filters may be applied (the caller applies them
        again); an entry that does not parse is yielded as it is, for `verify` to report."""


def _check_reason(reason: str) -> None:
    if not isinstance(reason, str) or not reason.strip():
        raise UsageError(
            "Say why (reason=…): the request's reference, never personal data.",
            code="store.reason",
            message_zh="须注明原因（请求编号等，勿含个人信息）。",
        )


def _plain_json(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with tuples as lists: what reading its JSON back gives."""
    plain: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False))
    return plain


def _newest_first_key(observed: Any) -> tuple[Any, ...]:
    p = observed.provenance
    return (p.observed_at, p.recorded_at, p.channel.code, p.source_ref)


def _check_by(by: str) -> None:
    if not isinstance(by, str) or not by.strip():
        raise UsageError(
            "Say who decides (by=…).", code="store.decided_by", message_zh="须注明决定人。"
        )


def _normalise_contact(value: str) -> str:
    if "@" in value:
        return normalise_contact(ContactKind.EMAIL, value)
    try:
        return normalise_contact(ContactKind.MOBILE, value)
    except ValidationError:
        return normalise_contact(ContactKind.ADDRESS, value)


def _empty_record(record: SourceRecord) -> InvalidComponent:
    """The error of a record that holds no field's value (``record.empty``)."""
    return InvalidComponent(
        "The source record holds no value of any field (only extra columns): it says nothing "
        "about a customer, and is not stored.",
        code="record.empty",
        field="source_ref",
        masked_value=record.provenance.source_ref[:40],
        message_zh="该来源记录没有任何字段的值（只有附加列），不涉及任何客户，未存储。",
    )
