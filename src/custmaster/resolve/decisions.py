"""Decisions about identity: merge, keep apart, split — who decided, when, and why.

A decision is remembered and applied to every later record: customers kept apart are never
proposed again as a pair and never joined by automatic attachment; a merged customer's id
becomes an alias of the survivor. Since the observations are kept, every decision can be
reversed: a merge by splitting the merged records out again (the old id comes back), a split
by merging.

>>> d = Decision(action="keep_apart", a="C000001", b="C000002", by="李审核",
...              at="2026-03-02T09:00:00+08:00", pair_id="P000001")
>>> d
Decision(action=<Action.KEEP_APART: 'keep_apart'>, a='C000001', b='C000002', by='***')
>>> d.key
('C000001', 'C000002')
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from custmaster.resolve.candidates import _time, pair_key

__all__ = ["AUTOMATIC", "Action", "Decision", "latest"]

#: The ``by`` of decisions resolution makes itself (attaching a customer without strong key).
AUTOMATIC = "custmaster"


class Action(str, enum.Enum):
    """What was decided."""

    #: ``b`` is the same customer as ``a``: its records moved to ``a``, its id is an alias.
    MERGE = "merge"
    #: ``a`` and ``b`` are different customers.
    KEEP_APART = "keep_apart"
    #: The records in ``records`` moved from ``a`` to the (new or restored) customer ``b``.
    SPLIT = "split"


def _records(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(c), str(r)) for c, r in value))


@attrs.frozen(kw_only=True)
class Decision:
    """One identity decision.

    ``a`` is the surviving customer of a merge and the customer split from; ``b`` the one
    merged away or split off. ``records`` lists the ``Provenance.key`` of the records that
    moved (so the decision can be reversed). ``pair_id`` names the candidate pair decided,
    if any; ``automatic`` marks the merges resolution makes by itself.
    """

    action: Action = attrs.field(converter=Action)
    a: str
    b: str
    by: str = attrs.field(repr=lambda _: "'***'")
    at: dt.datetime = attrs.field(converter=_time, repr=False)
    pair_id: str | None = attrs.field(default=None, repr=False)
    reason: str | None = attrs.field(default=None, repr=False)
    records: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_records, repr=False)
    automatic: bool = attrs.field(default=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        """The order-free pair of customer ids."""
        return pair_key(self.a, self.b)

    @property
    def apart(self) -> bool:
        """Whether the decision keeps ``a`` and ``b`` apart (a keep-apart or a split)."""
        return self.action is not Action.MERGE


def latest(decisions: Iterable[Decision], a: str, b: str) -> Decision | None:
    """The decision in force for customers ``a`` and ``b``: the newest about them."""
    key = pair_key(a, b)
    found = [d for d in decisions if d.key == key]
    return max(found, key=lambda d: d.at) if found else None
