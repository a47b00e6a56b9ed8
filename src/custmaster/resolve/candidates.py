"""Candidate pairs: two customers that may be one person, for a person to confirm or reject.

custmaster never merges two customers on doubtful evidence. Whenever a record links customers
that its strong keys do not prove to be one, or contradicts itself, resolution raises a
`CandidatePair` with a `Reason`, a `Priority` and masked `Evidence`; a reviewer decides
(`custmaster.resolve.decisions`).

>>> pair = CandidatePair(id="P000001", a="C000001", b="C000002", reason=Reason.SHARED_PHONE,
...                      evidence=(Evidence("mobile", "138****8000", "138****8000",
...                                         "same number"),),
...                      raised_at="2026-03-01T10:00:00+08:00")
>>> pair.priority, pair.status
(<Priority.LOW: 'low'>, <PairStatus.OPEN: 'open'>)
>>> print(pair)
P000001 C000001 ~ C000002 [low] shared_phone: one phone number on different customers
  mobile: 138****8000 | 138****8000 (same number)
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from custmaster.errors import UsageError

__all__ = [
    "ERROR_CODES",
    "PRIORITY_OF",
    "CandidatePair",
    "Evidence",
    "PairStatus",
    "Priority",
    "Reason",
    "pair_key",
]

#: Every error code this module raises, with what it means.
ERROR_CODES: dict[str, str] = {
    "resolve.time": "A pair or decision time is not a date and time.",
}


class Reason(str, enum.Enum):
    """Why two customers might be one (stable codes, stored and shown)."""

    #: A record's policy number is on a customer with a different strong key, in the same role.
    POLICY_ID_CONFLICT = "policy_id_conflict"
    #: One record carries strong keys owned by two different customers.
    STRONG_KEY_CONFLICT = "strong_key_conflict"
    #: A record's gender or birth date contradicts its resident ID.
    ID_CONTRADICTION = "id_contradiction"
    #: A record without strong key names a policy held in its role by several customers.
    AMBIGUOUS_POLICY = "ambiguous_policy"
    #: A record's plate or VIN is insured for several customers on the day observed.
    AMBIGUOUS_VEHICLE = "ambiguous_vehicle"
    #: Same name and birth date, and at least one of the two has no ID.
    SAME_NAME_BIRTH_DATE = "same_name_birth_date"
    #: Same name and phone number, and at least one of the two has no ID.
    SAME_NAME_PHONE = "same_name_phone"
    #: One phone number on different customers (families share phones).
    SHARED_PHONE = "shared_phone"
    #: A record without ID names a policy or vehicle of a customer known by another name.
    NAME_CONFLICT = "name_conflict"

    @property
    def description(self) -> str:
        """One line in English."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Reason.POLICY_ID_CONFLICT: "the same policy number arrived with a different ID",
    Reason.STRONG_KEY_CONFLICT: "one record carries identity keys of two customers",
    Reason.ID_CONTRADICTION: "a gender or birth date contradicts the resident ID",
    Reason.AMBIGUOUS_POLICY: "the policy names several customers in this role",
    Reason.AMBIGUOUS_VEHICLE: "the vehicle is insured for several customers on that day",
    Reason.SAME_NAME_BIRTH_DATE: "same name and birth date, without an ID on one side",
    Reason.SAME_NAME_PHONE: "same name and phone number, without an ID on one side",
    Reason.SHARED_PHONE: "one phone number on different customers",
    Reason.NAME_CONFLICT: "the policy or vehicle is another person's, by name",
}


class Priority(str, enum.Enum):
    """How urgent a review is: conflicts first, shared phones last."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for high, 1 for medium, 2 for low (sort key)."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}

#: The priority of each reason.
PRIORITY_OF: dict[Reason, Priority] = {
    Reason.POLICY_ID_CONFLICT: Priority.HIGH,
    Reason.STRONG_KEY_CONFLICT: Priority.HIGH,
    Reason.ID_CONTRADICTION: Priority.HIGH,
    Reason.AMBIGUOUS_POLICY: Priority.HIGH,
    Reason.AMBIGUOUS_VEHICLE: Priority.HIGH,
    Reason.SAME_NAME_BIRTH_DATE: Priority.MEDIUM,
    Reason.SAME_NAME_PHONE: Priority.MEDIUM,
    Reason.SHARED_PHONE: Priority.LOW,
    Reason.NAME_CONFLICT: Priority.HIGH,
}


class PairStatus(str, enum.Enum):
    """Where a candidate pair stands."""

    OPEN = "open"
    #: A reviewer said they are one customer; they were merged.
    MERGED = "merged"
    #: A reviewer said they are different customers.
    KEPT_APART = "kept_apart"
    #: One side was merged into another customer or split before a decision.
    SUPERSEDED = "superseded"


@attrs.frozen
class Evidence:
    """One piece of evidence, masked: the field, what each side holds, and a note."""

    field: str
    a: str
    b: str
    note: str = ""

    def __str__(self) -> str:
        note = f" ({self.note})" if self.note else ""
        return f"{self.field}: {self.a} | {self.b}{note}"


def _time(value: Any) -> dt.datetime:
    """A timezone-aware time from a datetime or ISO 8601 text (naive means UTC)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise UsageError(
            "Expected a date and time.", code="resolve.time", message_zh="应为日期时间。"
        )
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


def _optional_time(value: Any) -> dt.datetime | None:
    return None if value is None else _time(value)


def _evidence(items: Iterable[Evidence]) -> tuple[Evidence, ...]:
    return tuple(items)


def _record_key(value: Sequence[str] | None) -> tuple[str, str] | None:
    return None if value is None else (str(value[0]), str(value[1]))


def pair_key(a: str, b: str) -> tuple[str, str]:
    """The order-free identity of a pair of customer ids."""
    return (a, b) if a <= b else (b, a)


@attrs.frozen(kw_only=True)
class CandidatePair:
    """Two customers that may be one, why, and what became of the question.

    ``a`` is the customer the record was compared against (the existing one where there is
    one), ``b`` the other. ``record`` is the ``Provenance.key`` of the record that raised
    the pair. ``reasons`` holds every reason seen for this pair (the first is ``reason``).
    """

    id: str
    a: str
    b: str
    reason: Reason = attrs.field(converter=Reason)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=_evidence)
    raised_at: dt.datetime = attrs.field(converter=_time)
    record: tuple[str, str] | None = attrs.field(default=None, converter=_record_key)
    reasons: tuple[Reason, ...] = attrs.field(default=())
    status: PairStatus = attrs.field(default=PairStatus.OPEN, converter=PairStatus)
    decided_by: str | None = attrs.field(
        default=None, repr=lambda v: "None" if v is None else "***"
    )
    decided_at: dt.datetime | None = attrs.field(default=None, converter=_optional_time)

    def __attrs_post_init__(self) -> None:
        reasons = tuple(dict.fromkeys((self.reason, *(Reason(r) for r in self.reasons))))
        object.__setattr__(self, "reasons", reasons)

    @property
    def priority(self) -> Priority:
        """The highest priority among the pair's reasons."""
        return min((PRIORITY_OF[r] for r in self.reasons), key=lambda p: p.rank)

    @property
    def key(self) -> tuple[str, str]:
        """`pair_key` of the two customer ids."""
        return pair_key(self.a, self.b)

    def other(self, customer_id: str) -> str:
        """The customer of the pair that is not ``customer_id``."""
        return self.b if customer_id == self.a else self.a

    def with_reason(self, reason: Reason, evidence: tuple[Evidence, ...]) -> CandidatePair:
        """The pair with one more reason and its evidence (unchanged if already known)."""
        if reason in self.reasons:
            return self
        return attrs.evolve(
            self, reasons=(*self.reasons, reason), evidence=(*self.evidence, *evidence)
        )

    def __str__(self) -> str:
        lines = [
            f"{self.id} {self.a} ~ {self.b} [{self.priority.value}] "
            + "; ".join(f"{r.value}: {r.description}" for r in self.reasons)
        ]
        lines.extend(f"  {e}" for e in self.evidence)
        if self.status is not PairStatus.OPEN:
            lines.append(f"  decided: {self.status.value}")
        return "\n".join(lines)
