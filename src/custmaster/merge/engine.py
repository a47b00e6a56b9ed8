"""The incremental golden-record state of one customer.

`GoldenState` is the customer record computed from the set of observations (source records
and contact events) about one customer. `GoldenState.add` folds one more source record in
without recomputing anything else: for each field it compares the new observation with the
field's current winner only, so its cost does not grow with the number of observations the
customer already has. `build` makes a state from scratch; `GoldenState.as_of` rebuilds the
state as it stood at a past time.

Which observations compete:

- Person fields (``name``, ``resident_id``, ``uscc``, ``birth_date``, ``gender``,
  ``address``, ``postcode``, ``extra.*``) are single-valued: one winner per field under the
  field's `custmaster.merge.rules.Rule`.
- Contact fields (``mobile``, ``home_phone``, ``office_phone``, ``fax``, ``email``, and
  ``address`` too) accumulate as contact points keyed by their normalised value: the same
  number from another channel updates one contact point (first and last seen, count per
  channel); its status (unverified, reached, wrong) is newest-wins over contact events.
- Policy fields (``line``, ``cover_start``, ``cover_end``, ``plate``, ``vin``,
  ``engine_no``, ``make_model``, ``first_registered``) of a record that names a policy
  compete within that policy; without a policy number they are fields of the customer. The
  customer's ``role`` on a policy accumulates: every role any record stated (default
  ``insured``).

A field name addresses a value: ``"address"``, ``"extra.occupation"``, or
``"policy.<policy number>.<field>"`` for a policy's field.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, Protocol

from custmaster.merge._mask import mask_contact
from custmaster.merge.rules import (
    LONGER_WINS_TIES,
    NEWEST,
    ChannelOrder,
    MergePolicy,
    Observed,
    Rule,
    ValueStats,
    full_key,
    tie_break,
)
from custmaster.model.provenance import Channel, Provenance
from custmaster.model.source import FIELDS, SourceRecord

__all__ = [
    "ATTR",
    "CONTACT_KINDS",
    "DEFAULT_ROLE",
    "ITEM",
    "MISSING",
    "POLICY_FIELDS",
    "POLICY_INDEXED",
    "UNCALLABLE_STATUSES",
    "ContactState",
    "EventLike",
    "GoldenState",
    "RecordLike",
    "Verdict",
    "build",
    "combined_status",
    "consent_key",
    "event_consent",
    "event_status",
    "field_path",
    "journal_append",
    "journal_attr",
    "journal_item",
    "journal_member",
    "policy_fingerprint",
    "record_value",
    "split_path",
    "undo",
    "verdict_key",
]

#: The fields that accumulate as contact points, and the contact kind of each.
CONTACT_KINDS: Mapping[str, str] = {
    "mobile": "mobile",
    "home_phone": "home",
    "office_phone": "office",
    "fax": "fax",
    "email": "email",
    "address": "address",
}

#: Fields that belong to the policy a record names (when it names one).
POLICY_FIELDS: frozenset[str] = frozenset(
    {
        "line",
        "role",
        "cover_start",
        "cover_end",
        "plate",
        "vin",
        "engine_no",
        "make_model",
        "first_registered",
    }
)

#: The role a record's customer plays on its policy when the record does not say.
DEFAULT_ROLE = "insured"

#: Fields that single-valued survivorship does not cover (they are contact points only).
_CONTACT_ONLY = frozenset(k for k in CONTACT_KINDS if k != "address")
_PHONE_KINDS = frozenset({"mobile", "home", "office", "fax"})
_VOICE = frozenset({"mobile", "home", "office"})
#: Statuses that keep a number out of every callable list (`combined_status`).
UNCALLABLE_STATUSES = frozenset({"wrong", "do_not_call"})

_POLICY_PREFIX = "policy."
_UTC = dt.timezone.utc

#: The policy fields a store indexes a policy by (its vehicle and cover, `GoldenState.add`
#: says when their current values may have changed).
POLICY_INDEXED: tuple[str, ...] = ("cover_start", "cover_end", "plate", "vin")

# How `GoldenState.add` routes a record's field: (contact kind or None, contact point only,
# policy field, one of `POLICY_INDEXED`). Fields not listed (person fields, ``extra.*``) are
# single-valued person fields.
_Route = tuple[str | None, bool, bool, bool]
_PERSON: _Route = (None, False, False, False)
_SKIP: _Route = (None, True, False, False)
_ROUTES: dict[str, _Route] = {
    "policy_no": _SKIP,
    **{name: (None, False, True, name in POLICY_INDEXED) for name in POLICY_FIELDS},
    **{name: (kind, name in _CONTACT_ONLY, False, False) for name, kind in CONTACT_KINDS.items()},
}
# A reader of all a `SourceRecord`'s field values at once (in `FIELDS` order).
_RECORD_VALUES = operator.attrgetter(*FIELDS)

# How `GoldenState.add` treats a field under one merge policy: (field, route, the field's rule
# unless it is `NEWEST`).
_Routing = tuple[str, _Route, Rule | None]
# policy id -> (the policy, the routing of each of `FIELDS`); the policy is kept so that its
# id is not reused while the entry exists
_POLICY_ROUTES: dict[int, tuple[MergePolicy, tuple[_Routing, ...]]] = {}


def _ruled(policy: MergePolicy, name: str) -> Rule | None:
    rule = policy.rule(name)
    return None if rule is NEWEST else rule


def _record_routes(policy: MergePolicy) -> tuple[_Routing, ...]:
    """The routing of each of `FIELDS` under ``policy`` (computed once per policy)."""
    cached = _POLICY_ROUTES.get(id(policy))
    if cached is not None and cached[0] is policy:
        return cached[1]
    routes = tuple((name, _ROUTES.get(name, _PERSON), _ruled(policy, name)) for name in FIELDS)
    if len(_POLICY_ROUTES) >= 64:
        _POLICY_ROUTES.clear()
    _POLICY_ROUTES[id(policy)] = (policy, routes)
    return routes


def _routed(record: RecordLike, policy: MergePolicy) -> Iterable[tuple[_Routing, Any]]:
    """``((field, route, rule), value)`` of the fields a record carries (values may be None)."""
    if type(record) is SourceRecord:
        routed: Iterable[tuple[_Routing, Any]] = zip(
            _record_routes(policy), _RECORD_VALUES(record), strict=True
        )
        if record.extra:
            extra = [
                ((name, _PERSON, _ruled(policy, name)), text)
                for name, text in ((f"extra.{k}", v) for k, v in record.extra.items())
            ]
            routed = [*routed, *extra]
        return routed
    return [
        ((name, _ROUTES.get(name, _PERSON), _ruled(policy, name)), value)
        for name, value in record.values()
    ]


class RecordLike(Protocol):
    """What the engine reads from a source record (`custmaster.model.source.SourceRecord`)."""

    @property
    def provenance(self) -> Provenance: ...

    @property
    def policy_no(self) -> str | None: ...

    @property
    def extra(self) -> Mapping[str, str]: ...

    def values(self) -> Iterator[tuple[str, Any]]: ...


class EventLike(Protocol):
    """What the engine reads from a contact event (`custmaster.model.contact.ContactEvent`)."""

    @property
    def id(self) -> str: ...

    @property
    def at(self) -> dt.datetime: ...

    @property
    def channel(self) -> Channel: ...

    @property
    def contact_kind(self) -> Any: ...

    @property
    def contact_value(self) -> str: ...

    @property
    def outcome(self) -> Any: ...

    @property
    def operator(self) -> str | None: ...


def field_path(field: str, policy_no: str | None = None) -> str:
    """The address of a field, ``"policy.<no>.<field>"`` for a policy's field.

    >>> field_path("cover_end", "PDAA2026")
    'policy.PDAA2026.cover_end'
    """
    return f"{_POLICY_PREFIX}{policy_no}.{field}" if policy_no else field


def split_path(path: str) -> tuple[str | None, str]:
    """``(policy number or None, field)`` of a field address.

    >>> split_path("policy.PDAA2026.extra.车队")
    ('PDAA2026', 'extra.车队')
    >>> split_path("address")
    (None, 'address')
    """
    if path.startswith(_POLICY_PREFIX):
        rest = path[len(_POLICY_PREFIX) :]
        number, _, field = rest.partition(".")
        return number, field
    return None, path


def record_value(record: Any, field: str) -> Any:
    """The value of ``field`` (``"extra.<key>"`` included) in a source record, or None."""
    if field.startswith("extra."):
        extra: Mapping[str, Any] = record.extra
        return extra.get(field[6:])
    return getattr(record, field, None)


def _code(value: Any) -> str:
    return str(getattr(value, "value", value))


def event_status(event: EventLike) -> str | None:
    """The contact-point status an event proves (``"reached"``/``"wrong"``), or None."""
    implied = getattr(event.outcome, "implied_status", None)
    return None if implied is None else _code(implied)


def event_consent(event: EventLike) -> str | None:
    """What an event says of its holder's wish to be called on the number: ``"do_not_call"``
    (a do-not-call request), ``"consented"`` (consent given again), or None."""
    consent = getattr(event.outcome, "consent", None)
    if consent is None:
        return None
    return "consented" if consent else "do_not_call"


class ContactState(NamedTuple):
    """One contact point as the source records built it: when, how often, which channels.

    Immutable: an observation replaces it (`seen`). ``channels`` holds ``(channel code,
    count)`` pairs sorted by code. Its status is not kept here: a verdict (reached, wrong)
    belongs to the number, see `GoldenState.status`.
    """

    kind: str
    value: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    channels: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        """How many records carried this value, over all channels."""
        return sum(n for _, n in self.channels)

    def seen(self, at: dt.datetime, channel: str) -> ContactState:
        """The contact point observed once more, at ``at`` through ``channel``."""
        first, last, channels = _seen_again(
            (self.first_seen, self.last_seen, self.channels), at, channel
        )
        return ContactState(self.kind, self.value, first, last, channels)

    def __repr__(self) -> str:
        return (
            f"ContactState(kind={self.kind!r}, value={mask_contact(self.value)!r}, "
            f"total={self.total})"
        )


_Seen = tuple[dt.datetime, dt.datetime, tuple[tuple[str, int], ...]]

# The roles of a customer on a policy where it has one, per role (immutable, so shared).
_ONE_ROLE: dict[str, tuple[str]] = {}

# The channels of a contact point seen once, per channel code: ``((code, 1),)``, shared by
# every such contact point (immutable), so that each costs no further objects to allocate
# and for the garbage collector to scan.
_SEEN_ONCE: dict[str, tuple[tuple[str, int], ...]] = {}


def _earlier(p: Provenance, score: tuple[int, str], q: Provenance, channels: ChannelOrder) -> bool:
    """Whether ``p`` (channel score ``score``) precedes ``q`` as a customer's first record:
    observed earlier; on equal times, the more trusted channel, then the higher reference."""
    if p.observed_at != q.observed_at:
        return p.observed_at < q.observed_at
    return (score, p.source_ref) > (channels.score(q.channel), q.source_ref)


def _more_detailed(name: str, value: Any, key: tuple[Any, ...], held: _Entry) -> bool:
    """On a tie of time and channel, the longer value wins, then the greater reference
    (`custmaster.merge.rules.tie_break`, `LONGER_WINS_TIES`)."""
    held_key = held[0]
    assert held_key is not None
    held_value = record_value(held[1], name)
    return (len(value), key[2], value) > (len(held_value), held_key[2], held_value)


def _seen_again(seen: _Seen, at: dt.datetime, channel: str) -> _Seen:
    first, last, channels = seen
    for i, (code, n) in enumerate(channels):
        if code == channel:
            channels = (*channels[:i], (code, n + 1), *channels[i + 1 :])
            break
    else:
        channels = tuple(sorted((*channels, (channel, 1))))
    return (at if at < first else first, at if at > last else last, channels)


class Verdict(NamedTuple):
    """The newest status-setting contact event about one number or address."""

    key: tuple[Any, ...]
    status: str
    at: dt.datetime
    by: str | None
    event_id: str

    def __repr__(self) -> str:
        by = "None" if self.by is None else "'***'"
        return (
            f"Verdict(status={self.status!r}, at={self.at.isoformat()!r}, by={by}, "
            f"event_id={self.event_id!r})"
        )


def verdict_key(kind: str, value: str) -> tuple[str, str]:
    """What a verdict is about: a phone number whatever its kind, else the kind and value."""
    return ("phone", value) if kind in _PHONE_KINDS else (kind, value)


def consent_key(kind: str, value: str) -> tuple[str, str]:
    """What a do-not-call request or consent is about: ``("consent:phone", number)`` for a
    phone number whatever its kind, else ``("consent:<kind>", value)``."""
    return ("consent:" + verdict_key(kind, value)[0], value)


def combined_status(verdict: Verdict | None, wish: Verdict | None) -> Verdict | None:
    """A contact point's status from its newest verdict and its newest do-not-call or consent
    event: wrong when the newest verdict says so; else a standing do-not-call request; else
    the verdict. A request outlives later calls that reach the number, so only a consent
    lifts it; both are newest-wins, so the result does not depend on arrival order."""
    if verdict is not None and verdict.status == "wrong":
        return verdict
    if wish is not None and wish.status == "do_not_call":
        return wish
    return verdict


class _Slot:
    """The winner of one field under a rule other than `NEWEST` (kept with value stats)."""

    __slots__ = ("best", "stats", "winner")

    def __init__(self) -> None:
        self.winner: tuple[tuple[Any, ...], Observed] | None = None
        self.stats: dict[Any, ValueStats] | None = None
        self.best: dict[Any, tuple[tuple[Any, ...], Observed]] | None = None

    def _copy(self) -> _Slot:
        new = _Slot()
        new.winner = self.winner
        if self.stats is not None:
            new.stats = {
                v: ValueStats(s.count, s.first_seen, s.last_seen) for v, s in self.stats.items()
            }
        if self.best is not None:
            new.best = dict(self.best)
        return new

    def add(self, observed: Observed, rule: Rule, channels: ChannelOrder) -> None:
        if not rule.uses_stats:
            key = full_key(rule, observed, None, channels)
            if self.winner is None or key > self.winner[0]:
                self.winner = (key, observed)
            return
        if self.stats is None or self.best is None:
            self.stats, self.best = {}, {}
        value = observed.value
        at = observed.provenance.observed_at
        stats = self.stats.get(value)
        if stats is None:
            stats = self.stats[value] = ValueStats(1, at, at)
        else:
            stats.add(at)
        candidate = (full_key(rule, observed, stats, channels), observed)
        previous = self.best.get(value)
        if previous is not None:
            again = (full_key(rule, previous[1], stats, channels), previous[1])
            if again[0] > candidate[0]:
                candidate = again
        self.best[value] = candidate
        if self.winner is None or self.winner[1].value == value or candidate[0] > self.winner[0]:
            self.winner = candidate


# A single-valued winner: (key, record). Under NEWEST the record's key, shared by the record's
# fields; under a ranking rule the rule's full key, or None until a competitor needs it.
_Entry = tuple[tuple[Any, ...] | None, Any]

# Journal entry kinds: (kind, target, key, previous).
_ITEM, _ATTR, _MEMBER, _APPEND = 0, 1, 2, 3


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()

#: Journal entry kind ``(ITEM, mapping, key, previous)``: ``mapping[key] = previous`` on undo,
#: or deleted when previous is `MISSING` (public so that stores can append entries inline).
ITEM = _ITEM
#: Journal entry kind ``(ATTR, obj, name, previous)``: ``setattr(obj, name, previous)`` on undo.
ATTR = _ATTR
#: The "no previous value" marker of journal entries.
MISSING: Any = _MISSING


def undo(journal: list[Any], mark: int = 0) -> None:
    """Take back the changes recorded in ``journal`` after position ``mark``, newest first.

    The journal is a flat list, four items per change: ``kind, target, key, previous``
    (flat, so that a large transaction creates no object per change for the garbage
    collector to track). Stores may add their own changes to the same journal through
    `journal_item` (``target[key] = previous``, deleted when previous is `MISSING`),
    `journal_attr`, `journal_member` (discard ``key`` from the set ``target``) and
    `journal_append` (pop the list ``target``).
    """
    while len(journal) > mark:
        previous = journal.pop()
        key = journal.pop()
        target = journal.pop()
        kind = journal.pop()
        if kind == _ITEM:
            if previous is _MISSING:
                target.pop(key, None)
            else:
                target[key] = previous
        elif kind == _ATTR:
            setattr(target, key, previous)
        elif kind == _MEMBER:
            target.discard(key)
        else:
            target.pop()


def journal_item(journal: list[Any], mapping: Any, key: Any) -> None:
    """Record the current value of ``mapping[key]`` (or its absence) in ``journal``."""
    journal += (_ITEM, mapping, key, mapping.get(key, _MISSING))


def journal_member(journal: list[Any], members: Any, value: Any) -> None:
    """Record that ``value`` was just added to the set ``members``."""
    journal += (_MEMBER, members, value, None)


def journal_append(journal: list[Any], items: list[Any]) -> None:
    """Record that one item was just appended to the list ``items``."""
    journal += (_APPEND, items, None, None)


def journal_attr(journal: list[Any], obj: Any, name: str) -> None:
    """Record the current value of ``obj.name`` in ``journal``."""
    journal += (_ATTR, obj, name, getattr(obj, name))


class GoldenState:
    """The current view of one customer, updated one observation at a time.

    Add each source record once (`add`; the store keeps records idempotent by
    ``Provenance.key``) and contact events in any order (`add_event`, idempotent); the state
    is the same whatever the order. The state holds few container objects (immutable tuples
    where it can), so that millions of them stay cheap for the garbage collector.
    """

    __slots__ = (
        "_contacts",
        "_first",
        "_slots",
        "_verdicts",
        "fields",
        "policies",
        "policy",
        "roles",
        "size",
    )

    def __init__(self, policy: MergePolicy | None = None) -> None:
        self.policy = policy if policy is not None else _DEFAULT_POLICY
        #: Single-valued person fields: field -> winner.
        self.fields: dict[str, _Entry] = {}
        #: Policy number -> field -> winner.
        self.policies: dict[str, dict[str, _Entry]] = {}
        #: Policy number -> the roles (``"holder"``, ``"insured"``, ``"owner"``) the customer
        #: plays on it, sorted: every role any record stated (roles accumulate).
        self.roles: dict[str, tuple[str, ...]] = {}
        # (kind, value) -> (first seen, last seen, channels): plain tuples, which the garbage
        # collector stops tracking (a NamedTuple it would track forever)
        self._contacts: dict[tuple[str, str], _Seen] = {}
        #: Number of source records folded in.
        self.size = 0
        self._first: Any = None
        self._slots: dict[str, _Slot] | None = None
        self._verdicts: dict[tuple[str, str], Verdict] | None = None

    # -- adding ------------------------------------------------------------------------

    def add(self, record: RecordLike, journal: list[Any] | None = None) -> bool:
        """Fold one source record in; touches only the fields the record carries.

        With a ``journal`` list, every change is also recorded there so that `undo` can
        take it back (a store's transaction rollback). Returns whether the record's policy
        is new to the state or may have changed its roles or the current value of one of
        its `POLICY_INDEXED` fields (False when it surely did not): a store re-indexes the
        policy only then.
        """
        p = record.provenance
        channel = p.channel
        score = self.policy.channels.score(channel)
        at = p.observed_at
        key = (at.astimezone(_UTC), score, p.source_ref)
        entry: _Entry = (key, record)
        if journal is not None:
            journal += (_ATTR, self, "size", self.size)
        self.size += 1
        first = self._first
        if first is None or _earlier(p, score, first.provenance, self.policy.channels):
            if journal is not None:
                journal += (_ATTR, self, "_first", first)
            self._first = record
        policy_no = record.policy_no
        policy_fields: dict[str, _Entry] | None = None
        touched = False
        if policy_no:
            policy_fields = self.policies.get(policy_no)
            if policy_fields is None:
                touched = True
                policy_fields = self.policies[policy_no] = {}
                if journal is not None:
                    journal += (_ITEM, self.policies, policy_no, _MISSING)
            role = getattr(record, "role", None)
            role_code = _code(role) if role is not None else DEFAULT_ROLE
            roles = self.roles.get(policy_no, ())
            if role_code not in roles:
                touched = True
                if journal is not None:
                    journal += (_ITEM, self.roles, policy_no, roles or _MISSING)
                if roles:
                    self.roles[policy_no] = tuple(sorted((*roles, role_code)))
                else:  # the common case, one role: a tuple shared by every state
                    one = _ONE_ROLE.get(role_code)
                    if one is None:
                        if len(_ONE_ROLE) >= 64:
                            _ONE_ROLE.clear()
                        one = _ONE_ROLE[role_code] = (role_code,)
                    self.roles[policy_no] = one
        contacts = self._contacts
        fields = self.fields
        code = channel.code
        once = _SEEN_ONCE.get(code)
        if once is None:
            once = _SEEN_ONCE[code] = ((code, 1),)
        # a state's first record: every field it carries wins
        fresh = self.size == 1
        for routing, value in _routed(record, self.policy):
            if value is None:
                continue
            name, route, rule = routing
            # how the field is merged: a contact point, and/or a person or policy field
            kind = route[0]
            if kind is not None:
                ckey = (kind, value)
                seen = contacts.get(ckey)
                if seen is None:
                    contacts[ckey] = (at, at, once)
                    if journal is not None:
                        journal += (_ITEM, contacts, ckey, _MISSING)
                else:
                    if journal is not None:
                        journal += (_ITEM, contacts, ckey, seen)
                    contacts[ckey] = _seen_again(seen, at, code)
            if route[1]:
                continue
            target = policy_fields if route[2] and policy_fields is not None else fields
            if rule is not None:
                if route[3]:
                    touched = True  # a ranked winner may change: not worth telling apart
                if rule.uses_stats:
                    self._add_by_rule(
                        name, value, p, target, policy_no, entry=entry, journal=journal
                    )
                else:
                    self._add_ranked(name, value, record, target, rule, journal=journal)
                continue
            if fresh:
                target[name] = entry
                if journal is not None:
                    journal += (_ITEM, target, name, _MISSING)
                continue
            current = target.get(name)
            if current is None:
                target[name] = entry
                touched = touched or route[3]
                if journal is not None:
                    journal += (_ITEM, target, name, _MISSING)
            elif (
                key > current[0]  # type: ignore[operator]  # a NEWEST key is never None
                if name not in LONGER_WINS_TIES or key[:2] != current[0][:2]  # type: ignore[index]
                else _more_detailed(name, value, key, current)
            ):
                target[name] = entry
                if route[3] and not touched:
                    touched = record_value(current[1], name) != value
                if journal is not None:
                    journal += (_ITEM, target, name, current)
        return touched

    def _add_by_rule(
        self,
        name: str,
        value: Any,
        p: Provenance,
        target: dict[str, _Entry],
        policy_no: str | None,
        *,
        entry: _Entry,
        journal: list[Any] | None,
    ) -> None:
        path = field_path(name, policy_no) if target is not self.fields else name
        if self._slots is None:
            if journal is not None:
                journal += (_ATTR, self, "_slots", None)
            self._slots = {}
        slot = self._slots.get(path)
        if journal is not None:
            journal += (_ITEM, self._slots, path, _MISSING if slot is None else slot._copy())
            journal += (_ITEM, target, name, target.get(name, _MISSING))
        if slot is None:
            slot = self._slots[path] = _Slot()
            target[name] = entry
        slot.add(Observed(name, value, p, entry[1]), self.policy.rule(name), self.policy.channels)

    def _add_ranked(
        self,
        name: str,
        value: Any,
        record: RecordLike,
        target: dict[str, _Entry],
        rule: Rule,
        *,
        journal: list[Any] | None,
    ) -> None:
        """A field under a rule that ranks each observation on its own (no value stats):
        its winner is kept like a newest-wins field's, as ``(the rule's full key, record)``.

        The key is computed when a second observation competes (a winner alone holds
        ``None``): most customers observe a field once, and ranking can cost more than
        comparing times (`custmaster.merge.rules.TrustedName` parses the name).
        """
        current = target.get(name)
        if current is None:
            target[name] = (None, record)
            if journal is not None:
                journal += (_ITEM, target, name, _MISSING)
            return
        channels = self.policy.channels
        held_key, held = current
        new = Observed(name, value, record.provenance, record)
        new_rank = rule.rank(new, None, channels)
        if held_key is None:
            held_observed = Observed(name, record_value(held, name), held.provenance, held)
            held_rank = rule.rank(held_observed, None, channels)
        else:
            held_rank = held_key[0]
        if new_rank != held_rank:
            if not new_rank > held_rank:
                return
            winner: _Entry = (None, record)
        else:
            if held_key is None:
                held_key = (held_rank, *tie_break(held_observed, channels))
            new_key = (new_rank, *tie_break(new, channels))
            if new_key > held_key:
                winner = (new_key, record)
            elif current[0] is None:
                winner = (held_key, held)  # keep the key now computed
            else:
                return
        if journal is not None:
            journal += (_ITEM, target, name, current)
        target[name] = winner

    def add_event(self, event: EventLike, journal: list[Any] | None = None) -> bool:
        """Fold one contact event in: a reached or wrong verdict is newest-wins per number.

        A verdict on a phone number holds for every kind the number is kept as. Returns
        whether the customer has the contact point; a verdict about one it does not have
        (yet) is kept and applies once the number arrives, so order does not matter.
        """
        kind = _code(event.contact_kind)
        vkey = verdict_key(kind, event.contact_value)
        status = event_status(event)
        if status is not None:
            self._set_verdict(vkey, status, event, journal)
        wish = event_consent(event)
        if wish is not None:
            self._set_verdict(consent_key(kind, event.contact_value), wish, event, journal)
        if vkey[0] == "phone":
            return any((k, vkey[1]) in self._contacts for k in _PHONE_KINDS)
        return (kind, event.contact_value) in self._contacts

    def _set_verdict(
        self, vkey: tuple[str, str], status: str, event: EventLike, journal: list[Any] | None
    ) -> None:
        """Keep ``status`` under ``vkey`` if ``event`` is newer than the verdict there."""
        key = (event.at, self.policy.channels.score(event.channel), event.id)
        if self._verdicts is None:
            if journal is not None:
                journal += (_ATTR, self, "_verdicts", None)
            self._verdicts = {}
        current = self._verdicts.get(vkey)
        if current is None or key > current.key:
            if journal is not None:
                journal += (_ITEM, self._verdicts, vkey, current or _MISSING)
            self._verdicts[vkey] = Verdict(key, status, event.at, event.operator, event.id)

    def copy(self) -> GoldenState:
        """An independent copy (the records it refers to are shared: they are immutable)."""
        new = GoldenState(self.policy)
        new.fields = dict(self.fields)
        new.policies = {number: dict(fields) for number, fields in self.policies.items()}
        new.roles = dict(self.roles)
        new._contacts = dict(self._contacts)
        new.size = self.size
        new._first = self._first
        if self._verdicts is not None:
            new._verdicts = dict(self._verdicts)
        if self._slots is not None:
            new._slots = {path: slot._copy() for path, slot in self._slots.items()}
        return new

    # -- persistence -------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """The state as JSON-compatible data, records referred to by ``Provenance.key``.

        A durable store keeps it next to the log and `restore` continues from it, so that
        adding to a customer never re-reads all its records. ``"rebuild": true`` (a field
        under a rule other than `NEWEST`, whose value statistics are not exported) tells
        `restore` to give up: build the state from the records instead.
        """

        def ref(entry: _Entry) -> list[str]:
            return list(entry[1].provenance.key)

        return {
            "v": _EXPORT_VERSION,
            "policy": policy_fingerprint(self.policy),
            "rebuild": bool(self._slots),
            "size": self.size,
            "first": None if self._first is None else list(self._first.provenance.key),
            "fields": {name: ref(entry) for name, entry in self.fields.items()},
            "policies": {
                number: {name: ref(entry) for name, entry in fields.items()}
                for number, fields in self.policies.items()
            },
            "roles": {number: list(roles) for number, roles in self.roles.items()},
            "contacts": [
                [kind, value, first.isoformat(), last.isoformat(), [list(c) for c in channels]]
                for (kind, value), (first, last, channels) in self._contacts.items()
            ],
            "verdicts": [
                [kind, value, v.status, v.at.isoformat(), v.by, v.event_id, v.key[1][1]]
                for (kind, value), v in self.verdicts.items()
            ],
        }

    @staticmethod
    def references(data: Mapping[str, Any]) -> set[tuple[str, str]]:
        """The record keys an exported state refers to (what `restore` needs)."""
        keys = {tuple(ref) for ref in data["fields"].values()}
        for fields in data["policies"].values():
            keys.update(tuple(ref) for ref in fields.values())
        if data["first"] is not None:
            keys.add(tuple(data["first"]))
        return {(str(k[0]), str(k[1])) for k in keys}

    @classmethod
    def restore(
        cls,
        data: Mapping[str, Any],
        records: Mapping[tuple[str, str], RecordLike],
        policy: MergePolicy | None = None,
    ) -> GoldenState | None:
        """The state `export` wrote, given the records it refers to (`references`).

        Returns None when the data cannot be used (another format version, another merge
        policy, ``rebuild``, a record missing): build the state from the log then.
        """
        state = cls(policy)
        if (
            data.get("v") != _EXPORT_VERSION
            or data.get("rebuild")
            or data.get("policy") != policy_fingerprint(state.policy)
        ):
            return None
        channels = state.policy.channels
        entries: dict[tuple[str, str], _Entry] = {}

        def entry(ref: list[str]) -> _Entry:
            key = (str(ref[0]), str(ref[1]))
            found = entries.get(key)
            if found is None:
                record = records[key]
                p = record.provenance
                found = entries[key] = (
                    (p.observed_at.astimezone(_UTC), channels.score(p.channel), p.source_ref),
                    record,
                )
            return found

        def winner(name: str, ref: list[str]) -> _Entry:
            found = entry(ref)
            # a field under a ranking rule holds its key lazily (see `_add_ranked`)
            return found if state.policy.rule(name) is NEWEST else (None, found[1])

        try:
            state.fields = {name: winner(name, ref) for name, ref in data["fields"].items()}
            state.policies = {
                number: {name: winner(name, ref) for name, ref in fields.items()}
                for number, fields in data["policies"].items()
            }
            if data["first"] is not None:
                state._first = entry(data["first"])[1]
        except KeyError:
            return None
        state.roles = {number: tuple(roles) for number, roles in data["roles"].items()}
        state._contacts = {
            (kind, value): (
                dt.datetime.fromisoformat(first),
                dt.datetime.fromisoformat(last),
                tuple((str(code), int(n)) for code, n in channels_seen),
            )
            for kind, value, first, last, channels_seen in data["contacts"]
        }
        if data["verdicts"]:
            state._verdicts = {}
            for kind, value, status, at, by, event_id, code in data["verdicts"]:
                when = dt.datetime.fromisoformat(at)
                key = (when, channels.score(Channel.get(code)), event_id)
                state._verdicts[(kind, value)] = Verdict(key, status, when, by, event_id)
        state.size = int(data["size"])
        return state

    # -- reading -----------------------------------------------------------------------

    @property
    def contacts(self) -> dict[tuple[str, str], ContactState]:
        """``(kind, value)`` -> `ContactState` of every contact point (a new dict)."""
        return {
            (kind, value): ContactState(kind, value, first, last, channels)
            for (kind, value), (first, last, channels) in self._contacts.items()
        }

    @property
    def verdicts(self) -> Mapping[tuple[str, str], Verdict]:
        """`verdict_key` -> the newest status-setting event about it, and `consent_key` ->
        the newest do-not-call or consent event."""
        return self._verdicts or {}

    def status(self, kind: str, value: str) -> Verdict | None:
        """The verdict that gives a contact point its status (``reached``, ``wrong`` or
        ``do_not_call``: `combined_status`), or None while it is unverified."""
        verdicts = self._verdicts
        if verdicts is None:
            return None
        vkey = verdict_key(kind, value)
        return combined_status(verdicts.get(vkey), verdicts.get(("consent:" + vkey[0], value)))

    def is_callable(self, kind: str, value: str) -> bool:
        """A voice number (mobile, home, office) neither ``wrong`` nor ``do_not_call``."""
        verdict = self.status(kind, value)
        return kind in _VOICE and (verdict is None or verdict.status not in UNCALLABLE_STATUSES)

    def current(self, path: str) -> Observed | None:
        """The winning observation of a field address, or None when never observed."""
        found = self._winning(path)
        if found is None:
            return None
        name, won = found
        if type(won) is Observed:
            return won
        return Observed(name, record_value(won, name), won.provenance, won)

    def winner_key(self, path: str) -> tuple[str, str] | None:
        """The `Provenance.key` of the record whose value of a field address wins (None when
        never observed): `current` without building the observation."""
        found = self._winning(path)
        return None if found is None else found[1].provenance.key

    def _winning(self, path: str) -> tuple[str, Any] | None:
        """``(field name, winner)`` of a field address: a ranking rule's winning `Observed`,
        or else the newest record carrying the field; None when never observed."""
        policy_no, name = split_path(path)
        fields = self.fields if policy_no is None else self.policies.get(policy_no)
        if fields is None:
            return None
        entry = fields.get(name)
        if entry is None:
            return None
        if self._slots is not None:
            slot = self._slots.get(path)
            if slot is not None and slot.winner is not None:
                return name, slot.winner[1]
        return name, entry[1]

    def value(self, path: str) -> Any:
        """The current value of a field address (None when never observed)."""
        if self._slots is None and not path.startswith(_POLICY_PREFIX):
            entry = self.fields.get(path)  # the common case: a person field, newest wins
            return None if entry is None else record_value(entry[1], path)
        policy_no, name = split_path(path)
        if self._slots is not None:
            slot = self._slots.get(path)
            if slot is not None and slot.winner is not None:
                return self.policy.rule(name).current(slot.winner[1], slot.stats)
        fields = self.fields if policy_no is None else self.policies.get(policy_no, {})
        entry = fields.get(name)
        return None if entry is None else record_value(entry[1], name)

    def policy_value(self, policy_no: str, name: str) -> Any:
        """The current value of field ``name`` of policy ``policy_no`` (None if unknown)."""
        fields = self.policies.get(policy_no)
        if fields is None:
            return None
        if self._slots:
            return self.value(field_path(name, policy_no))
        entry = fields.get(name)
        return None if entry is None else record_value(entry[1], name)

    def policy_values(self, policy_no: str, names: Iterable[str]) -> list[Any]:
        """The current values of fields ``names`` of policy ``policy_no``, in order (None for
        each unknown): `policy_value` for several fields at once."""
        fields = self.policies.get(policy_no)
        if fields is None:
            return [None for _ in names]
        if self._slots:
            return [self.value(field_path(name, policy_no)) for name in names]
        values: list[Any] = []
        for name in names:
            entry = fields.get(name)
            if entry is None:
                values.append(None)
            elif name.startswith("extra."):
                values.append(entry[1].extra.get(name[6:]))
            else:
                values.append(getattr(entry[1], name, None))
        return values

    def paths(self) -> list[str]:
        """Every field address that has a current value, sorted."""
        paths = list(self.fields)
        for number, fields in self.policies.items():
            paths.extend(field_path(name, number) for name in fields)
        return sorted(paths)

    @property
    def first_channel(self) -> Channel | None:
        """The channel of the customer's first observation (ties: channel priority)."""
        return None if self._first is None else self._first.provenance.channel

    @property
    def first_seen(self) -> dt.datetime | None:
        """When the customer was first observed."""
        return None if self._first is None else self._first.provenance.observed_at

    def snapshot(self) -> dict[str, Any]:
        """The state as plain, comparable data: fields, their sources, contact points.

        Two states from the same set of observations have equal snapshots.
        """
        contacts = []
        for (kind, value), c in sorted(self.contacts.items()):
            verdict = self.status(kind, value)
            contacts.append(
                {
                    "kind": kind,
                    "value": value,
                    "first_seen": c.first_seen,
                    "last_seen": c.last_seen,
                    "channels": dict(c.channels),
                    "status": verdict.status if verdict else "unverified",
                    "status_at": verdict.at if verdict else None,
                    "callable": self.is_callable(kind, value),
                }
            )
        paths = self.paths()
        first = self._first.provenance.key if self._first is not None else None
        return {
            "fields": {path: self.value(path) for path in paths},
            "sources": {path: self._source(path) for path in paths},
            "roles": dict(sorted(self.roles.items())),
            "contacts": contacts,
            "first": first,
            "size": self.size,
        }

    def _source(self, path: str) -> tuple[str, str] | None:
        won = self.current(path)
        return None if won is None else won.provenance.key


_DEFAULT_POLICY = MergePolicy()
_EXPORT_VERSION = 1


def policy_fingerprint(policy: MergePolicy) -> str:
    """A stable text naming a merge policy's channel order and per-field rule names.

    Stores keep it with exported states: a state made under another policy is rebuilt.
    """
    rules = ",".join(f"{field}={rule.name}" for field, rule in policy.effective().items())
    return f"channels={'>'.join(policy.channels.codes)};rules={rules}"


def build(
    records: Iterable[RecordLike],
    events: Iterable[EventLike] = (),
    policy: MergePolicy | None = None,
    *,
    as_of: dt.datetime | None = None,
) -> GoldenState:
    """The state computed from scratch from a set of records and events.

    Records are taken once per ``Provenance.key`` (a repeated key is ignored, so the state
    is the same as with one copy). With ``as_of``, only records both observed and recorded at
    or before that time count, and events at or before it: the record as it stood then.
    """
    state = GoldenState(policy)
    seen: set[tuple[str, str]] = set()
    for record in records:
        p = record.provenance
        if as_of is not None and (p.observed_at > as_of or p.recorded_at > as_of):
            continue
        if p.key in seen:
            continue
        seen.add(p.key)
        state.add(record)
    for event in events:
        if as_of is not None and event.at > as_of:
            continue
        state.add_event(event)
    return state
