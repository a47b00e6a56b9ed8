"""PIPL subject rights in a store: what erasure keeps (`Tombstone`), restriction (`Restriction`).

PIPL Art. 47 gives a person the right to have their personal information deleted, and where
a legal retention period has not ended, to have all processing but storage stopped; Art. 45
the right to a copy of everything held (`custmaster.store.BaseStore.export_subject`).

**Erasure** (`custmaster.store.BaseStore.erase`) rewrites every source record of the customer
to `redact_record`'s form: the provenance (channel, source reference, times, operator) and the
policy facts accounting must keep — policy number, line, role, cover start and end — stay;
every other field goes: names, ID numbers and documents, USCC, birth date, gender, phone
numbers, e-mail, address, postcode, plate, VIN, engine number, make and model, first
registration date and the extra columns (PRIVACY.md classes plates and VINs as C2 personal
information, and accounting does not need them). What remains is a `Tombstone`: the customer
id, when, by whom and why.

**Restriction** (`custmaster.store.BaseStore.restrict`) marks a customer whose data must be
kept but no longer processed: a `Restriction` until it is lifted.

>>> from custmaster.model import Provenance, SourceRecord
>>> record = SourceRecord(
...     provenance=Provenance(channel="core_system", source_ref="R1", observed_at="2026-01-05"),
...     resident_id="11010519491231002X", name="张伟", mobile="138-0013-8000",
...     policy_no="PDAA1", line="交强险", plate="闽D12388", cover_end="2027-01-05")
>>> kept = redact_record(record)
>>> [name for name, _ in kept.values()]
['policy_no', 'line', 'cover_end']
>>> kept.provenance == record.provenance
True
>>> Tombstone("C00000001", "2026-12-04T10:00:00+08:00", "王芳", "PIPL-2026-0042", records=1)
Tombstone(customer_id='C00000001', erased_at=datetime.datetime(2026, 12, 4, 10, 0, ...),
          by='***', records=1, events=0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from custmaster.model.provenance import utc_now
from custmaster.model.source import SourceRecord

__all__ = [
    "ERASURE_KEEPS",
    "ERROR_CODES",
    "Restriction",
    "Tombstone",
    "redact_record",
]

#: Every error code the subject-rights operations raise.
ERROR_CODES: dict[str, str] = {
    "store.customer_erased": (
        "The customer was erased on the subject's request (PIPL Art. 47); only its tombstone "
        "remains."
    ),
    "store.customer_restricted": (
        "The customer's processing is restricted (PIPL Art. 47): only storage and the "
        "subject's own requests are allowed until the restriction is lifted."
    ),
    "store.not_restricted": "lift_restriction() was called for a customer that is not restricted.",
    "store.reason": "A subject-rights operation does not say why (reason=...).",
    "record.erased": (
        "The source record belongs to an erased customer; it is not taken in again (a new "
        "observation needs a new source reference)."
    ),
    "record.subject_restricted": (
        "The record names a customer whose processing is restricted; nothing was stored."
    ),
}

#: The fields of a source record that erasure keeps: the policy facts accounting needs.
ERASURE_KEEPS: tuple[str, ...] = ("policy_no", "line", "role", "cover_start", "cover_end")


def redact_record(record: SourceRecord) -> SourceRecord:
    """The record as erasure keeps it: its provenance and the `ERASURE_KEEPS` fields."""
    return SourceRecord(
        provenance=record.provenance,
        **{name: getattr(record, name) for name in ERASURE_KEEPS},
    )


def _time(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise TypeError("a time")
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


def _optional_time(value: Any) -> dt.datetime | None:
    return None if value is None else _time(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("text")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _hidden(value: object) -> str:
    """Who acted, in ``repr``: staff names are personal information too (as in decisions)."""
    return "None" if value is None else "'***'"


_HIDDEN = _hidden


def _count(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise TypeError("a count")
    return value


@attrs.frozen
class Tombstone:
    """What remains of an erased customer: who erased it, when and why.

    ``records`` and ``events`` count what was redacted and removed. Aliases of the customer
    still resolve to its id, and `custmaster.store.BaseStore.get` raises
    `custmaster.errors.NotFoundError` with code ``store.customer_erased`` for it. ``reason``
    is free text: write why (the request's reference), never personal data.
    """

    customer_id: str = attrs.field(converter=_text)
    erased_at: dt.datetime = attrs.field(converter=_time)
    by: str = attrs.field(converter=_text, repr=_HIDDEN)
    reason: str = attrs.field(converter=_text, repr=False)
    records: int = attrs.field(default=0, converter=_count)
    events: int = attrs.field(default=0, converter=_count)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible data (`from_dict` reads it)."""
        return {
            "customer_id": self.customer_id,
            "erased_at": self.erased_at.isoformat(),
            "by": self.by,
            "reason": self.reason,
            "records": self.records,
            "events": self.events,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tombstone:
        """A tombstone from `to_dict` data (``TypeError``/``KeyError`` when it is not one)."""
        return cls(
            customer_id=data["customer_id"],
            erased_at=data["erased_at"],
            by=data["by"],
            reason=data["reason"],
            records=data.get("records", 0),
            events=data.get("events", 0),
        )


@attrs.frozen
class Restriction:
    """A restriction of processing (PIPL Art. 47): set by whom, when and why; and lifted.

    While ``active`` (not lifted), the customer is kept but not processed: ingest holds back
    records naming it, merges, splits, decisions and contact events refuse it, and exports
    and processing lists leave it out. Reading it for the subject's own request still works.
    """

    customer_id: str = attrs.field(converter=_text)
    at: dt.datetime = attrs.field(converter=_time)
    by: str = attrs.field(converter=_text, repr=_HIDDEN)
    reason: str = attrs.field(converter=_text, repr=False)
    lifted_at: dt.datetime | None = attrs.field(default=None, converter=_optional_time)
    lifted_by: str | None = attrs.field(default=None, converter=_optional_text, repr=_HIDDEN)
    lifted_reason: str | None = attrs.field(default=None, converter=_optional_text, repr=False)

    @property
    def active(self) -> bool:
        """Whether the restriction is in force (not lifted)."""
        return self.lifted_at is None

    def lifted(self, *, by: str, reason: str, at: dt.datetime | None = None) -> Restriction:
        """This restriction, lifted by ``by`` for ``reason`` (now, unless ``at``)."""
        return attrs.evolve(self, lifted_at=at or utc_now(), lifted_by=by, lifted_reason=reason)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible data (`from_dict` reads it)."""
        return {
            "customer_id": self.customer_id,
            "at": self.at.isoformat(),
            "by": self.by,
            "reason": self.reason,
            "lifted_at": None if self.lifted_at is None else self.lifted_at.isoformat(),
            "lifted_by": self.lifted_by,
            "lifted_reason": self.lifted_reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Restriction:
        """A restriction from `to_dict` data (``TypeError``/``KeyError`` when it is not one)."""
        return cls(
            customer_id=data["customer_id"],
            at=data["at"],
            by=data["by"],
            reason=data["reason"],
            lifted_at=data.get("lifted_at"),
            lifted_by=data.get("lifted_by"),
            lifted_reason=data.get("lifted_reason"),
        )
