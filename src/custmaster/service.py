"""The service layer: the store, the acting user's permissions and the audit trail.

Every workflow (`custmaster.workflows`) and the ``custmaster`` command work through a
`Service`: it wraps a store (`custmaster.store.Store`) with the acting user
(`custmaster.privacy.access.User`), checks the permission each operation needs
(`custmaster.privacy.access.check`) and leaves audit entries (who, what, which customer, which
fields — never values) in the store's own audit log, in the same transaction as the change
they describe: a change that rolls back leaves no entry (`custmaster.store.BaseStore.
append_audit`; read them with ``store.audit()``, check them with ``store.verify_audit()``).
An ingest call leaves one ``entry`` entry per customer its records were stored under, naming
the fields they carried and how many there were.

| operations | permission |
| --- | --- |
| reading: `get`, `find`, `history`, `explain`, `policy`, `expiring`, `state` … | ``query`` |
| adding observations: `ingest`, `add_event` | ``entry`` |
| flagging a number wrong (a call-back) | ``modify`` |
| deciding candidate pairs and correcting merges: `decide`, `merge`, `split` | ``review`` |
| exports (`authorize_export`, `to_pandas`, `to_polars`), masked or not | ``export`` |
| the audit log: `audit_log`, `verify_audit`, `audit_head`, `export_audit` | ``audit`` |
| full values in an export or on screen (``reveal=True``) | ``reveal`` too, and audited |
| PIPL subject rights: `erase`, `restrict`, `lift_restriction` (Art. 47) | ``delete`` |
| a person's copy of their data: `export_subject` (Art. 45), unmasked | ``export`` and ``reveal`` |

Without a user (``user=None``) the service acts for the program itself — a script, a test, a
notebook: every operation is allowed **except revealing** full values, which needs a named
user holding ``reveal``, so that each reveal is attributable to a person (PRIVACY.md rule 1).

Workflows accept a `Service` or a bare store; `as_service` wraps the latter.

The subject-rights operations are audited in the store's own audit log
(`custmaster.store.BaseStore.append_audit`), in the transaction of the change: an erasure and
its audit entry commit together or not at all. Restriction needs ``delete`` like erasure, the
right it stands in for (PIPL Art. 47: storage only where deletion must wait).

>>> from custmaster.privacy.access import User
>>> service = Service.open("memory://", user=User("wang.fang", roles=["operator"]))
>>> service.by(), service.can("export")
('wang.fang', False)
>>> service.authorize_export("renewals 2027-01", rows=10)
Traceback (most recent call last):
    ...
custmaster.errors.PermissionDenied: [permission.export] The permission 'export' is missing ...
>>> Service.open("memory://").authorize_export("renewals", rows=3, reveal=True)
Traceback (most recent call last):
    ...
custmaster.errors.PermissionDenied: [permission.reveal] Revealing full values needs a named ...
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import gc
import itertools
import operator
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO, cast

from custmaster.audit import Anchor, AuditChain, AuditEntry, VerifyResult, holds_personal_data
from custmaster.errors import PermissionDenied, UsageError
from custmaster.merge.engine import GoldenState
from custmaster.merge.history import Explanation
from custmaster.model.contact import ContactEvent
from custmaster.model.customer import Customer, HistoryEntry
from custmaster.model.policy import Policy, PolicyLine
from custmaster.model.source import FIELDS, SourceRecord
from custmaster.privacy.access import Permission, User, can, check
from custmaster.resolve.candidates import CandidatePair, PairStatus
from custmaster.resolve.decisions import Decision
from custmaster.store.base import BaseStore, IngestResult, Outcome, Store
from custmaster.store.registry import open_store
from custmaster.store.subject import Restriction, Tombstone

__all__ = ["ENTRIES_KEPT", "ERROR_CODES", "PROGRAM", "Service", "as_service"]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "service.target": "A service was given something that is not a store.",
    "service.user": "An operation that records who did it has no user or operator name.",
    "store.no_backup": "The store has no file backup (SQLite's); export it instead.",
    "store.no_jsonl": "The store cannot be exported or imported whole (no export_jsonl).",
}

#: The name audit entries carry when the service acts without a user.
PROGRAM = "program"

#: How many of its latest audit entries a service keeps for `Service.audit_entries`.
ENTRIES_KEPT = 1000

#: Outcomes of an ingest that stored the record (the others changed nothing).
_STORED = frozenset({Outcome.NEW_CUSTOMER, Outcome.MERGED, Outcome.CANDIDATE})
_PLAIN_FIELDS = frozenset(FIELDS)
_FIELD_VALUES = operator.attrgetter(*FIELDS)
#: Whether a value is set (not None), for `itertools.compress`.
_IS_SET = functools.partial(operator.is_not, None)
_CHANNEL_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_EXTRA_COLUMN = re.compile(r"[^\s.]{1,64}")


@functools.lru_cache(maxsize=4096)
def _extra_field(column: str) -> str:
    """``extra.<column>`` for the audit log, or ``extra`` when the column's name could not be
    a field name there (dots, spaces, digits that look like a number)."""
    name = f"extra.{column}"
    if (
        isinstance(column, str)
        and _EXTRA_COLUMN.fullmatch(column)
        and not holds_personal_data(column)
    ):
        return name
    return "extra"


def _field_names(item: object) -> tuple[str, ...]:
    """The names of the fields a source record (or its mapping) carries: never values."""
    if isinstance(item, SourceRecord):
        names = list(itertools.compress(FIELDS, map(_IS_SET, _FIELD_VALUES(item))))
        extra: Mapping[str, Any] = item.extra
    elif isinstance(item, Mapping):
        names = [
            name
            for name, value in item.items()
            if name in _PLAIN_FIELDS and value is not None and value != ""
        ]
        given = item.get("extra")
        extra = given if isinstance(given, Mapping) else {}
    else:
        return ()
    names.extend(map(_extra_field, extra))
    return tuple(names)


@functools.lru_cache(maxsize=256)
def _channel_code(code: str) -> str | None:
    return code if _CHANNEL_CODE.fullmatch(code) else None


def _record_channel(item: object) -> str | None:
    if isinstance(item, SourceRecord):
        return _channel_code(item.provenance.channel.code)
    return None


class _Touched:
    """What the records of one ingest call did to one customer, for its audit entry."""

    __slots__ = ("absorbed", "channel", "columns", "created", "fields", "records")

    def __init__(self, channel: str | None) -> None:
        self.channel = channel
        self.fields: set[str] = set()
        #: The extra columns of the source records (named in `names`, each once).
        self.columns: set[str] = set()
        self.records = 0
        self.created = False
        self.absorbed: list[str] = []

    def add(self, item: object, result: IngestResult) -> None:
        if isinstance(item, SourceRecord):  # `_field_names`, its extra columns named later
            self.fields.update(itertools.compress(FIELDS, map(_IS_SET, _FIELD_VALUES(item))))
            self.columns.update(item.extra)
        else:
            self.fields.update(_field_names(item))
        self.records += 1
        self.created = self.created or result.outcome is Outcome.NEW_CUSTOMER
        self.absorbed.extend(result.absorbed)
        if self.channel is not None and _record_channel(item) != self.channel:
            self.channel = None  # records from several channels: none names the entry

    def names(self) -> list[str]:
        """The names of the fields the records carried, sorted (`_field_names`)."""
        return sorted(self.fields.union(map(_extra_field, self.columns)))


class Service:
    """A store, the acting user and its audit trail (see the module description).

    ``audit`` says where audit entries go: by default (``None``) into the store's own audit
    log; an `custmaster.audit.AuditChain` keeps them in memory instead, for a store that keeps
    no log or an application that persists them itself through ``on_audit``; ``False`` turns
    auditing off (benchmarks, throw-away stores). ``on_audit`` (optional) receives each
    `custmaster.audit.AuditEntry` as it is made, and `audit_entries` lists the most recent
    ones this service made (`ENTRIES_KEPT`; the log holds them all), so that a long import
    keeps its memory flat.
    """

    def __init__(
        self,
        store: Store,
        user: User | None = None,
        *,
        audit: AuditChain | bool | None = None,
        on_audit: Callable[[AuditEntry], None] | None = None,
    ) -> None:
        if not isinstance(store, Store):
            raise UsageError(
                f"A Service wraps a store, not {type(store).__name__}.",
                code="service.target",
                message_zh="Service 须包装一个存储。",
            )
        if user is not None and not isinstance(user, User):
            raise UsageError(
                "The acting user is a custmaster.privacy.access.User (or None).",
                code="service.user",
                message_zh="操作用户须为 User 对象。",
            )
        self.store = store
        self.user = user
        self.audit = audit if isinstance(audit, AuditChain) else None
        self._to_store = audit is None or audit is True
        self._on_audit = on_audit
        self._entries: collections.deque[AuditEntry] = collections.deque(maxlen=ENTRIES_KEPT)

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        user: User | None = None,
        audit: AuditChain | bool | None = None,
        **options: Any,
    ) -> Service:
        """Open the store at ``url`` (`custmaster.store.open_store`) and wrap it."""
        return cls(open_store(url, **options), user, audit=audit)

    @property
    def url(self) -> str:
        """The URL of the store."""
        return self.store.url

    # -- who and may they --------------------------------------------------------------------

    def by(self, who: str | None = None) -> str:
        """The name to record as the author: ``who`` if given, else the user's name.

        Raises `custmaster.UsageError` (``service.user``) when neither is known.
        """
        name = who.strip() if isinstance(who, str) else ""
        if name:
            return name
        if self.user is not None:
            return self.user.name
        raise UsageError(
            "Say who does this: pass by=/operator= or open the service with a user.",
            code="service.user",
            message_zh="须注明操作人。",
        )

    def can(self, permission: Permission | str) -> bool:
        """Whether the acting user may do what ``permission`` covers (see `require`)."""
        wanted = Permission.get(permission)
        if self.user is None:
            return wanted is not Permission.REVEAL
        return can(self.user, wanted)

    def require(self, permission: Permission | str) -> None:
        """Raise `custmaster.PermissionDenied` unless the acting user may ``permission``."""
        wanted = Permission.get(permission)
        if self.user is not None:
            check(self.user, wanted)
        elif wanted is Permission.REVEAL:
            raise PermissionDenied(
                "Revealing full values needs a named user holding the 'reveal' permission.",
                code="permission.reveal",
                message_zh="查看明文须由具有“查看明文”（reveal）权限的具名用户操作。",
            )

    @property
    def audits(self) -> bool:
        """Whether this service leaves audit entries (in the store or its own chain)."""
        return self._to_store or self.audit is not None

    def record(
        self,
        operation: str,
        *,
        customer_id: str | None = None,
        fields: Iterable[str] = (),
        detail: Mapping[str, str | int | bool | None] | None = None,
        channel: str | None = None,
    ) -> AuditEntry | None:
        """Append an audit entry (in the current transaction of the store, or its own) and
        return it; None when the service does not audit."""
        actor: User | str = self.user if self.user is not None else PROGRAM
        if self._to_store:
            entry = self.store.append_audit(
                actor,
                operation,
                customer_id=customer_id,
                fields=tuple(fields),
                channel=channel,
                detail=detail,
            )
        elif self.audit is not None:
            entry = self.audit.append(
                actor,
                operation,
                customer_id=customer_id,
                fields=tuple(fields),
                channel=channel,
                detail=detail,
            )
        else:
            return None
        self._entries.append(entry)
        if self._on_audit is not None:
            self._on_audit(entry)
        return entry

    def _record_ingest(self, items: Iterable[Any], results: Iterable[IngestResult]) -> None:
        """One ``entry`` entry per customer the records were stored under: the names of the
        fields they carried, how many records, whether the customer was created, which
        customers it absorbed; in the order the customers first appear."""
        touched: dict[str, _Touched] = {}
        for item, result in zip(items, results, strict=True):
            if result.outcome not in _STORED or result.customer_id is None:
                continue
            seen = touched.get(result.customer_id)
            if seen is None:
                seen = touched[result.customer_id] = _Touched(_record_channel(item))
            seen.add(item, result)
        own_channel = self.user is not None and bool(self.user.channel)
        for customer_id, seen in touched.items():
            detail: dict[str, str | int | bool | None] = {"records": seen.records}
            if seen.created:
                detail["created"] = True
            if seen.absorbed:
                detail["absorbed"] = ",".join(seen.absorbed)[:200]
            self.record(
                "entry",
                customer_id=customer_id,
                fields=seen.names(),
                detail=detail,
                channel=None if own_channel else seen.channel,
            )

    @property
    def audit_entries(self) -> tuple[AuditEntry, ...]:
        """The most recent audit entries this service made (up to `ENTRIES_KEPT`), oldest
        first; the audit log (`audit_log`) or ``on_audit`` has every one."""
        return tuple(self._entries)

    # -- the audit log -----------------------------------------------------------------------

    def audit_log(
        self,
        customer_id: str | None = None,
        user: str | None = None,
        since: dt.datetime | dt.date | str | None = None,
        until: dt.datetime | dt.date | str | None = None,
        operation: str | None = None,
    ) -> list[AuditEntry]:
        """The store's audit entries of a customer, user, operation and time range
        (``audit``; see `custmaster.store.BaseStore.audit`)."""
        self.require(Permission.AUDIT)
        return self.store.audit(
            customer_id=customer_id, user=user, since=since, until=until, operation=operation
        )

    def verify_audit(self, expected_head: Anchor | None = None) -> VerifyResult:
        """Verify the store's audit chain (``audit``; `custmaster.store.BaseStore.verify_audit`)."""
        self.require(Permission.AUDIT)
        return self.store.verify_audit(expected_head)

    def audit_head(self) -> Anchor:
        """The anchor of the store's last audit entry (``audit``)."""
        self.require(Permission.AUDIT)
        return self.store.audit_head()

    def export_audit(self, target: str | os.PathLike[str] | TextIO) -> int:
        """Write the store's audit log as JSON Lines (``audit``); returns the entries written."""
        self.require(Permission.AUDIT)
        return self.store.export_audit(target)

    def authorize_export(
        self,
        purpose: str,
        *,
        rows: int,
        reveal: bool = False,
        fields: Iterable[str] = (),
    ) -> None:
        """Check and audit an export of ``rows`` rows (``export``; ``reveal`` when full
        values leave the library). ``purpose`` is a short, non-personal description."""
        self.require(Permission.EXPORT)
        if reveal:
            self.require(Permission.REVEAL)
        self.record(
            "reveal" if reveal else "export",
            fields=fields,
            detail={"purpose": purpose[:200], "rows": rows},
        )

    def authorize_reveal(
        self, customer_id: str, *, fields: Iterable[str], purpose: str = "display"
    ) -> None:
        """Check and audit showing ``fields`` of a customer in full, on a screen or in a
        report (``query`` and ``reveal``, a named user). ``purpose`` is a short, non-personal
        description (``"custmaster show"``)."""
        self.require(Permission.QUERY)
        self.require(Permission.REVEAL)
        self.record(
            "reveal",
            customer_id=customer_id,
            fields=fields,
            detail={"purpose": purpose[:200]},
        )

    # -- the store contract ------------------------------------------------------------------

    def transaction(self) -> Any:
        """The store's transaction context manager."""
        return self.store.transaction()

    def ingest(self, records: Iterable[SourceRecord | Mapping[str, Any]]) -> list[IngestResult]:
        """Ingest records in one transaction; one `IngestResult` per record, in order.

        Each customer the records were stored under gets an ``entry`` audit entry (the names
        of the records' fields, their number) in the same transaction; duplicates and rejected
        records changed nothing and leave none.
        """
        self.require(Permission.ENTRY)
        batch = list(records)
        if not self.audits:
            return list(self.store.ingest(batch))
        # As the store's ingest does, pause the cyclic garbage collector for the batch: its
        # entries and the commit (which writes the batch out) would otherwise make it scan the
        # store's whole heap again and again.
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            with self.store.transaction():
                results = list(self.store.ingest(batch))
                self._record_ingest(batch, results)
        finally:
            if paused:
                gc.enable()
        return results

    def ingest_one(self, record: SourceRecord | Mapping[str, Any]) -> IngestResult:
        """Ingest one record (audited as `ingest`)."""
        self.require(Permission.ENTRY)
        if not self.audits:
            return self.store.ingest(record)  # type: ignore[no-any-return]
        with self.store.transaction():
            result: IngestResult = self.store.ingest(record)
            self._record_ingest([record], [result])
        return result

    def get(self, customer_id: str) -> Customer:
        """The customer with this id or alias."""
        self.require(Permission.QUERY)
        return self.store.get(customer_id)

    def find(self, **criteria: Any) -> list[Customer]:
        """Customers matching every criterion (see `custmaster.store.BaseStore.find`);
        audited as ``query`` (the criteria's names, how many found)."""
        self.require(Permission.QUERY)
        found = self.store.find(**criteria)
        self.record("query", fields=sorted(criteria), detail={"found": len(found)})
        return found

    def lookup(self, **criteria: Any) -> list[Customer]:
        """`find` without its own audit entry, for a lookup inside an operation audited as a
        whole (an export's policy details): an export of many policies then writes one entry,
        not an entry and a commit per policy. Needs ``query`` all the same."""
        self.require(Permission.QUERY)
        return self.store.find(**criteria)

    def history(self, customer_id: str, field: str) -> tuple[HistoryEntry, ...]:
        """Earlier values of a field, newest first."""
        self.require(Permission.QUERY)
        return self.store.history(customer_id, field)

    def as_of(self, customer_id: str, at: dt.datetime | dt.date | str) -> Customer:
        """The customer as it stood at ``at``."""
        self.require(Permission.QUERY)
        return self.store.as_of(customer_id, at)

    def explain(self, customer_id: str, field: str) -> Explanation:
        """Which observation of a field won and why (masked)."""
        self.require(Permission.QUERY)
        return self.store.explain(customer_id, field)

    def candidates(self, status: PairStatus | str | None = PairStatus.OPEN) -> list[CandidatePair]:
        """Candidate pairs, highest priority first."""
        self.require(Permission.QUERY)
        return self.store.candidates(status)

    def decide(
        self,
        pair: CandidatePair | str,
        *,
        merge: bool,
        by: str | None = None,
        note: str | None = None,
    ) -> Decision:
        """Record a decision on a candidate pair, authored by ``by`` or the acting user.

        ``note`` (the reviewer's reason) is kept with the decision when the store takes one.
        """
        self.require(Permission.REVIEW)
        author = self.by(by)
        with self.store.transaction():
            if note is not None and isinstance(self.store, BaseStore):
                decision = self.store.decide(pair, merge=merge, by=author, note=note)
            else:
                decision = self.store.decide(pair, merge=merge, by=author)
            self.record(
                "review", customer_id=decision.a, detail={"merge": merge, "other": decision.b}
            )
        return decision

    def merge(self, survivor: str, other: str, *, by: str | None = None) -> Decision:
        """Merge customer ``other`` into ``survivor`` (``review``); audited as ``merge``."""
        self.require(Permission.REVIEW)
        author = self.by(by)
        with self.store.transaction():
            decision = self.store.merge(survivor, other, by=author)
            self.record("merge", customer_id=decision.a, detail={"other": decision.b})
        return decision

    def split(
        self,
        customer_id: str,
        records: Iterable[SourceRecord | tuple[str, str]],
        *,
        by: str | None = None,
    ) -> Decision:
        """Move records of a wrongly merged customer to a customer of their own (``review``);
        audited as ``split``, naming both customers and the number of records moved."""
        self.require(Permission.REVIEW)
        author = self.by(by)
        with self.store.transaction():
            decision = self.store.split(customer_id, records, by=author)
            self.record(
                "split",
                customer_id=decision.a,
                detail={"other": decision.b, "records": len(decision.records)},
            )
        return decision

    def add_event(self, customer_id: str, event: ContactEvent) -> bool:
        """Record a contact event of a customer."""
        self.require(Permission.ENTRY)
        with self.store.transaction():
            has = self.store.add_event(customer_id, event)
            self.record(
                "entry",
                customer_id=customer_id,
                fields=(event.contact_kind.value,),
                detail={"event": event.outcome.value},
            )
        return has

    def events(
        self, customer_id: str | None = None, contact: str | None = None
    ) -> list[ContactEvent]:
        """Contact events, oldest first."""
        self.require(Permission.QUERY)
        return self.store.events(customer_id, contact)

    def policy(self, policy_no: str) -> Policy:
        """One policy as its customers' records describe it."""
        self.require(Permission.QUERY)
        return self.store.policy(policy_no)

    def expiring(self, month: str, *, line: PolicyLine | str | None = None) -> list[Policy]:
        """Policies whose cover ends in ``month``."""
        self.require(Permission.QUERY)
        return self.store.expiring(month, line=line)

    def iter_customers(self) -> Iterator[Customer]:
        """Every customer, streamed."""
        self.require(Permission.QUERY)
        return self.store.iter_customers()

    def counts(self) -> dict[str, int]:
        """Counts by kind."""
        self.require(Permission.QUERY)
        return self.store.counts()

    # -- PIPL subject rights ---------------------------------------------------------------

    def erase(self, customer_id: str, *, reason: str, by: str | None = None) -> Tombstone:
        """Erase a customer's personal data (PIPL Art. 47; `custmaster.store.BaseStore.erase`).

        Needs ``delete``; ``by`` defaults to the acting user. Audited as ``subject.erase``
        with the reason, in the erasure's own transaction.
        """
        self.require(Permission.DELETE)
        author = self.by(by)
        with self.store.transaction():
            tombstone = self.store.erase(customer_id, by=author, reason=reason)
            self._audit_subject("subject.erase", tombstone.customer_id, reason)
        return tombstone

    def restrict(self, customer_id: str, *, reason: str, by: str | None = None) -> Restriction:
        """Restrict a customer's processing to storage (PIPL Art. 47); needs ``delete``.

        Audited as ``subject.restrict`` (see `custmaster.store.BaseStore.restrict`).
        """
        self.require(Permission.DELETE)
        author = self.by(by)
        with self.store.transaction():
            restriction = self.store.restrict(customer_id, by=author, reason=reason)
            self._audit_subject("subject.restrict", restriction.customer_id, reason)
        return restriction

    def lift_restriction(
        self, customer_id: str, *, reason: str, by: str | None = None
    ) -> Restriction:
        """End a customer's restriction; needs ``delete``; audited as ``subject.lift``."""
        self.require(Permission.DELETE)
        author = self.by(by)
        with self.store.transaction():
            lifted = self.store.lift_restriction(customer_id, by=author, reason=reason)
            self._audit_subject("subject.lift", lifted.customer_id, reason)
        return lifted

    def tombstone(self, customer_id: str) -> Tombstone | None:
        """The tombstone of an erased customer, or None (``query``)."""
        self.require(Permission.QUERY)
        return self.store.tombstone(customer_id)

    def restriction(self, customer_id: str) -> Restriction | None:
        """The restriction of a customer, active or lifted, or None (``query``)."""
        self.require(Permission.QUERY)
        return self.store.restriction(customer_id)

    def export_subject(
        self, customer_id: str, *, reason: str = "subject request"
    ) -> dict[str, Any]:
        """Everything held about a person, unmasked (PIPL Art. 45): needs ``export`` and
        ``reveal`` (a named user); audited as ``subject.export`` with ``reason``."""
        self.require(Permission.EXPORT)
        self.require(Permission.REVEAL)
        with self.store.transaction():
            data = self.store.export_subject(customer_id)
            self._audit_subject("subject.export", data["customer_id"], reason)
        return data

    def _audit_subject(self, operation: str, customer_id: str, reason: str) -> None:
        """Audit a subject-rights operation in the store's log (and the service's chain)."""
        self._audit_kept(operation, {"reason": reason.strip()[:200]}, customer_id=customer_id)

    def _audit_kept(
        self,
        operation: str,
        detail: Mapping[str, str | int | bool | None],
        *,
        customer_id: str | None = None,
    ) -> None:
        """Audit an operation in the store's log whatever the service's own auditing (a
        chain, or none), and in the service's chain."""
        if self._to_store:
            self.record(operation, customer_id=customer_id, detail=detail)
            return
        if isinstance(self.store, BaseStore):
            self.store.append_audit(
                self.user if self.user is not None else PROGRAM,
                operation,
                customer_id=customer_id,
                detail=detail,
            )
        self.record(operation, customer_id=customer_id, detail=detail)

    # -- the store as a whole ------------------------------------------------------------

    def backup(self, path: str | os.PathLike[str]) -> Path:
        """Copy the store to a new file while writers continue (SQLite's online backup,
        `custmaster.store.SQLiteStore.backup`): needs ``administer``; audited as
        ``store.backup``. Raises `custmaster.UsageError` (``store.no_backup``) for a store
        without file backups (PostgreSQL has its own tools: pg_dump)."""
        self.require(Permission.ADMINISTER)
        backup = getattr(self.store, "backup", None)
        if backup is None:
            raise UsageError(
                f"A {self._scheme()} store has no file backup; use export_jsonl (custmaster "
                "export-store), or the database's own tools (pg_dump).",
                code="store.no_backup",
                message_zh="该存储不支持文件备份；请用 export-store 或数据库自带工具（pg_dump）。",
            )
        target = Path(backup(path))
        self._audit_kept("store.backup", {"file": target.name})
        return target

    def export_jsonl(self, path: str | os.PathLike[str]) -> dict[str, int]:
        """Write the whole store, unmasked, to a JSON Lines file
        (`custmaster.store.SQLStore.export_jsonl`): needs ``administer``, ``export`` and
        ``reveal`` (full values leave the store); audited as ``store.export``. Returns the
        lines written by kind."""
        self.require(Permission.ADMINISTER)
        self.require(Permission.EXPORT)
        self.require(Permission.REVEAL)
        counts: dict[str, int] = self._whole("export_jsonl")(path)
        self._audit_kept("store.export", {"file": Path(path).name, "lines": sum(counts.values())})
        return counts

    def import_jsonl(self, path: str | os.PathLike[str]) -> dict[str, int]:
        """Read a file `export_jsonl` wrote into this store, which must be empty: needs
        ``administer``; audited as ``store.import`` (after the copied audit log)."""
        self.require(Permission.ADMINISTER)
        counts: dict[str, int] = self._whole("import_jsonl")(path)
        self._audit_kept("store.import", {"file": Path(path).name, "lines": sum(counts.values())})
        return counts

    def copy_to(self, url: str) -> dict[str, int]:
        """Copy the whole store into the empty store at ``url`` (SQLite to PostgreSQL and
        back: the same customers, records, decisions, events and audit log), through a JSON
        Lines file in a private temporary folder: needs ``administer``; audited as
        ``store.copy`` here and ``store.import`` there. Returns the lines copied by kind."""
        self.require(Permission.ADMINISTER)
        export = self._whole("export_jsonl")
        target = open_store(url)
        try:
            load = getattr(target, "import_jsonl", None)
            if load is None:
                raise UsageError(
                    f"A {url.partition(':')[0]} store cannot take a copy (no import_jsonl).",
                    code="store.no_jsonl",
                    message_zh="目标存储不支持整库导入。",
                )
            with tempfile.TemporaryDirectory(prefix="custmaster-copy-") as folder:
                file = Path(folder) / "store.jsonl"
                export(file)
                counts: dict[str, int] = load(file)
            copied = Service(target, user=self.user)
            copied._audit_kept(
                "store.import", {"from": self._scheme(), "lines": sum(counts.values())}
            )
        finally:
            target.close()
        self._audit_kept("store.copy", {"to": url.partition(":")[0], "lines": sum(counts.values())})
        return counts

    def _scheme(self) -> str:
        return self.url.partition(":")[0]

    def _whole(self, name: str) -> Callable[..., Any]:
        """The store's whole-store method ``name``; `custmaster.UsageError` (``store.no_jsonl``)
        when the adapter has none."""
        method = getattr(self.store, name, None)
        if method is None:
            raise UsageError(
                f"A {self._scheme()} store cannot be exported or imported whole (no {name}).",
                code="store.no_jsonl",
                message_zh="该存储不支持整库导出或导入。",
            )
        return cast("Callable[..., Any]", method)

    def to_pandas(self, kind: str = "customers", *, reveal: bool = False) -> Any:
        """One table as a ``pandas.DataFrame``: ``customers``, ``contacts``, ``policies`` or
        ``events`` (columns: `custmaster.workflows.frames`), masked unless ``reveal``.

        Needs ``query`` and ``export`` (and ``reveal`` to reveal); leaves one audit entry
        (``export`` or ``reveal``, with the number of rows and the personal columns).
        """
        from custmaster.workflows import frames

        return frames.to_pandas(self, kind, reveal=reveal)

    def to_polars(self, kind: str = "customers", *, reveal: bool = False) -> Any:
        """One table as a ``polars.DataFrame`` (see `to_pandas`)."""
        from custmaster.workflows import frames

        return frames.to_polars(self, kind, reveal=reveal)

    def observations(self, customer_id: str) -> list[SourceRecord]:
        """The source records of a customer, oldest first."""
        self.require(Permission.QUERY)
        return self.store.observations(customer_id)

    def state(self, customer_id: str) -> GoldenState | None:
        """The customer's incremental golden state when the store exposes it, else None.

        Reading it is much cheaper than `get` (which also builds every field's history), so
        exports over many customers use it; callers fall back to `get` on None.
        """
        self.require(Permission.QUERY)
        reader = getattr(self.store, "state", None)
        if reader is None:
            return None
        state = reader(customer_id)
        return state if isinstance(state, GoldenState) else None

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Service(url={self.url!r}, user={self.user!r})"


def as_service(target: Service | Store) -> Service:
    """``target`` itself when it is a `Service`, else a new service (no user) around it.

    >>> from custmaster.store import MemoryStore
    >>> as_service(MemoryStore()).url
    'memory://'
    """
    if isinstance(target, Service):
        return target
    return Service(target)
