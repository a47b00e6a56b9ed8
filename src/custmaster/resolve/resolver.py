"""Which customer a source record belongs to: deterministic, explainable rules.

`resolve` decides for one record, given `Lookups` that a store implements over its indexes
(`custmaster.resolve.keys.IndexEntry`). In order:

1. A record whose gender or birth date contradicts its resident ID is not trusted to carry
   that ID: it becomes a customer of its own, paired (``id_contradiction``) with the
   customer who owns the ID.
2. Strong keys (resident ID, USCC, identity document): the customer owning the first key
   found. Keys owned by two customers raise ``strong_key_conflict``, and so does a customer
   owning one of the record's keys but another resident ID or USCC than the record's (two
   people whose rows share an employer's USCC): the record does not attach to it. An
   organisation code (组织机构代码, stated or held by the record's USCC:
   `custmaster.resolve.keys.org_code_key`) does not attach a record with a USCC to a
   customer known by other USCCs only: one code in two USCCs is a ``strong_key_conflict``
   for review (a registration moved to another authority, or a mistake), never a merge.
3. The policy number: the customer in the record's role on that policy. With a strong key
   on both sides and different keys, ``policy_id_conflict`` is raised instead; a customer
   with no strong key is joined (recorded as an automatic decision).
4. The plate, then the VIN: the insured of a policy in force on the day the record was
   observed (``cover_start <= day <= cover_end``), for records with no strong key and no
   known policy. Several such customers raise ``ambiguous_vehicle``.
5. A record that makes a policy known (number, plate or VIN, cover) also joins the earlier
   records with no strong key and no policy that named that vehicle on a day it covers.
6. Otherwise a new customer.

Steps 3 to 5 attach or join only when the names agree: a record whose name is not one the
other customer is known by (`custmaster.resolve.names.names_agree`: 张先生 agrees with 张伟,
李娜 does not) raises ``name_conflict`` instead, and the two stay apart until reviewed.

Names and phone numbers never attach: they raise pairs for review (``same_name_birth_date``,
``same_name_phone``, ``shared_phone``), never merges. Customers kept apart by a decision are
never paired or joined again.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Collection, Sequence
from typing import Any, NamedTuple, Protocol

import attrs

from custmaster.merge._mask import mask_value
from custmaster.merge.engine import DEFAULT_ROLE, RecordLike
from custmaster.resolve.candidates import Evidence, Reason
from custmaster.resolve.keys import (
    PHONE_FIELDS,
    STRONG_KINDS,
    StrongKey,
    VehicleCover,
    _name_birth,
    _read_fields,
    birth_date_of,
    contradictions,
    cover_window,
    is_org_code_key,
    role_of,
    strong_keys,
)
from custmaster.resolve.names import name_agrees

__all__ = [
    "CHINA_TZ",
    "SHARED_PHONE_LIMIT",
    "Lookups",
    "PairDraft",
    "Resolution",
    "observed_day",
    "resolve",
]

#: China Standard Time: policy cover dates are China dates.
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")

#: A phone number on more customers than this is a switchboard or an agent's number: it
#: raises no ``shared_phone`` pairs.
SHARED_PHONE_LIMIT = 10


class Lookups(Protocol):
    """What resolution asks a store. Customer ids returned are canonical (aliases resolved)."""

    def find(self, kind: str, key: str) -> Sequence[tuple[str, Any]]:
        """``(customer id, payload)`` of each index entry of ``kind`` with ``key``."""
        ...

    def keys_of(self, customer_id: str, kind: str) -> Collection[str]:
        """The index keys of ``kind`` a customer has (its resident IDs, names …)."""
        ...

    def kept_apart(self, a: str, b: str) -> bool:
        """Whether a decision in force keeps customers ``a`` and ``b`` apart."""
        ...


class PairDraft(NamedTuple):
    """A candidate pair to raise between the record's customer and ``other``."""

    other: str
    reason: Reason
    evidence: tuple[Evidence, ...]


@attrs.frozen
class Resolution:
    """Where a record goes and what it raised.

    ``customer_id`` is the existing customer to attach to, or ``None`` for a new one;
    ``via`` says how (``resident_id``, ``uscc``, ``document``, ``policy_no``, ``plate``,
    ``vin``, ``orphan`` or ``new``). ``owner`` is false when the record's strong keys must
    not identify its customer (a contradicted ID). ``absorb`` lists customers without strong
    key that join the record's customer automatically; ``pairs`` the candidate pairs to
    raise; ``evidence`` why the record attached; ``orphan`` whether the record's plate or VIN
    should be remembered for attachment by a policy that arrives later.
    """

    customer_id: str | None
    via: str
    owner: bool = True
    absorb: tuple[str, ...] = ()
    pairs: tuple[PairDraft, ...] = ()
    why: tuple[tuple[str, str, str], ...] = attrs.field(default=(), repr=False)
    orphan: bool = False

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """Why the record attached (or joined others), masked."""
        return tuple(_masked(field, value, note) for field, value, note in self.why)


def observed_day(record: RecordLike) -> dt.date:
    """The China date on which the record's values were observed."""
    return record.provenance.observed_at.astimezone(CHINA_TZ).date()


def _masked(field: str, value: str, note: str) -> Evidence:
    if field == "document":
        kind, country, number = value.split("|", 2)
        shown = f"{kind}|{country}|{mask_value('id_document', number)}"
    else:
        shown = mask_value(field, value)
    return Evidence(field, shown, shown, note)


def _mask_key(key: StrongKey) -> str:
    if key.kind == "document":
        kind, country, number = key.value.split("|", 2)
        return f"{kind}|{country}|{mask_value('id_document', number)}"
    return mask_value(key.kind, key.value)


class _Builder:
    """Collects the outcome of one resolution."""

    __slots__ = ("absorb", "lookups", "pairs", "target", "via", "why")

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.target: str | None = None
        self.via = "new"
        self.absorb: list[str] = []
        self.pairs: dict[str, list[PairDraft]] = {}
        self.why: list[tuple[str, str, str]] = []

    def attach(self, customer_id: str, via: str, why: tuple[str, str, str]) -> None:
        self.target, self.via = customer_id, via
        self.why.append(why)

    def join(self, customer_id: str, why: tuple[str, str, str]) -> None:
        if customer_id != self.target and customer_id not in self.absorb:
            self.absorb.append(customer_id)
            self.why.append(why)

    def pair(self, other: str, reason: Reason, *evidence: Evidence) -> None:
        drafts = self.pairs.setdefault(other, [])
        if all(d.reason is not reason for d in drafts):
            drafts.append(PairDraft(other, reason, tuple(evidence)))

    def strong_of(self, customer_id: str) -> set[StrongKey]:
        return {
            StrongKey(kind, value)
            for kind in STRONG_KINDS
            for value in self.lookups.keys_of(customer_id, kind)
        }

    def result(self, *, owner: bool, orphan: bool) -> Resolution:
        me = self.target
        if me is None and owner and not orphan and not self.pairs and not self.absorb:
            return _NEW  # the common outcome: a new customer, nothing raised
        drafts: list[PairDraft] = []
        for other in sorted(self.pairs) if self.pairs else ():
            if other == me or other in self.absorb:
                continue
            if me is not None and self.lookups.kept_apart(me, other):
                continue
            drafts.extend(self.pairs[other])
        return Resolution(
            me,
            self.via,
            owner=owner,
            absorb=tuple(self.absorb) if self.absorb else (),
            pairs=tuple(drafts) if drafts else (),
            why=tuple(self.why) if self.why else (),
            orphan=orphan,
        )


#: A new customer with nothing raised (`Resolution` is immutable, so one instance serves).
_NEW = Resolution(None, "new")


def resolve(record: RecordLike, lookups: Lookups) -> Resolution:
    """Decide which customer ``record`` belongs to (see the module documentation)."""
    b = _Builder(lookups)
    keys = strong_keys(record)
    contradicted = contradictions(record) if keys else ()
    if contradicted:
        evidence = tuple(
            Evidence(field, stated, derived, "stated | from the resident ID")
            for field, stated, derived in contradicted
        )
        for key in keys:
            for cid, payload in lookups.find(key.kind, key.value):
                if payload == "owner":
                    b.pair(cid, Reason.ID_CONTRADICTION, *evidence)
        _soft_pairs(record, keys, b)
        return b.result(owner=False, orphan=False)

    if keys:
        _by_strong_keys(keys, b)
    policy_no = getattr(record, "policy_no", None)
    matched = _by_policy(record, policy_no, keys, b) if policy_no else False
    if b.target is None and not keys and not policy_no and not matched:
        _by_vehicle(record, b)
    if policy_no:
        _join_orphans(record, b)
    _soft_pairs(record, keys, b)
    orphan = (
        not keys
        and not policy_no
        and b.via == "new"
        and bool(getattr(record, "plate", None) or getattr(record, "vin", None))
    )
    return b.result(owner=True, orphan=orphan)


def _by_strong_keys(keys: Sequence[StrongKey], b: _Builder) -> None:
    owners: list[tuple[str, StrongKey]] = []
    find = b.lookups.find
    for key in keys:
        for cid, payload in find(key.kind, key.value):
            if payload == "owner" and all(cid != c for c, _ in owners):
                if key.kind == "document" and _other_usccs(cid, key, keys, b):
                    continue
                owners.append((cid, key))
            elif payload == "held":
                b.pair(
                    cid,
                    Reason.ID_CONTRADICTION,
                    Evidence(
                        key.kind,
                        _mask_key(key),
                        _mask_key(key),
                        "held by a record that contradicts it",
                    ),
                )
    if not owners:
        return
    first, key = owners[0]
    clash = _clashing_key(first, keys, b)
    if clash is not None:  # one key shared, another differing: two people (or two bodies)
        mine, theirs = clash
        b.pair(
            first,
            Reason.STRONG_KEY_CONFLICT,
            Evidence(key.kind, _mask_key(key), _mask_key(key), "same key"),
            Evidence(mine.kind, _mask_key(mine), _mask_key(theirs), "different"),
        )
        owners = owners[1:]
        if not owners:
            return
        first, key = owners[0]
    b.attach(first, key.kind, (key.kind, key.value, "same key"))
    for other, other_key in owners[1:]:
        b.pair(
            other,
            Reason.STRONG_KEY_CONFLICT,
            Evidence(key.kind, _mask_key(key), "", f"owned by {first}"),
            Evidence(other_key.kind, "", _mask_key(other_key), f"owned by {other}"),
        )


#: Key kinds one customer has one value of: a person's resident ID, an organisation's USCC.
_SINGLE_KINDS = ("resident_id", "uscc")


def _clashing_key(
    cid: str, keys: Sequence[StrongKey], b: _Builder
) -> tuple[StrongKey, StrongKey] | None:
    """``(the record's key, the customer's)`` of a kind a customer has one value of
    (`_SINGLE_KINDS`) where customer ``cid`` has another: a record with its own resident ID
    that shares a USCC (an employer's, wrongly in the row) is not that customer's."""
    for kind in _SINGLE_KINDS:
        mine = [k for k in keys if k.kind == kind]
        if not mine:
            continue
        theirs = b.lookups.keys_of(cid, kind)
        if theirs and not any(k.value in theirs for k in mine):
            return mine[0], StrongKey(kind, min(theirs))
    return None


def _other_usccs(cid: str, key: StrongKey, keys: Sequence[StrongKey], b: _Builder) -> bool:
    """Whether ``key`` is an organisation code (`is_org_code_key`) and its owner ``cid`` is
    known by USCCs other than the one of the record (``keys``); if so, pair them: the record
    must not attach to ``cid`` through the code."""
    if not is_org_code_key(key):
        return False
    uscc = next((k.value for k in keys if k.kind == "uscc"), None)
    if uscc is None:  # the code alone (组织机构代码): the organisation's, whatever its USCC
        return False
    theirs = b.lookups.keys_of(cid, "uscc")
    if not theirs or uscc in theirs:
        return False
    shown = mask_value("uscc", sorted(theirs)[0])
    b.pair(
        cid,
        Reason.STRONG_KEY_CONFLICT,
        Evidence("document", _mask_key(key), _mask_key(key), "same organisation code"),
        Evidence("uscc", mask_value("uscc", uscc), shown, "different USCCs holding it"),
    )
    return True


def _by_policy(record: RecordLike, policy_no: str, keys: Sequence[StrongKey], b: _Builder) -> bool:
    found = b.lookups.find("policy_no", policy_no)
    if not found:
        return False
    role = role_of(record)
    on_policy = sorted({cid for cid, r in found if r == role})
    if not on_policy:
        return False
    why = ("policy_no", policy_no, f"same policy, role {role}")
    if not keys:
        others = [c for c in on_policy if c != b.target]
        if b.target in on_policy:
            return True
        if len(others) > 1:
            others = _likeliest(record, others, b)
        if len(others) == 1:
            if _name_conflict(record, others[0], why, b):
                return True
            b.attach(others[0], "policy_no", why)
            return True
        for other in others:
            b.pair(other, Reason.AMBIGUOUS_POLICY, _masked(*why))
        return False
    mine = set(keys)
    matched = False
    for other in on_policy:
        if other == b.target:
            matched = True
            continue
        theirs = b.strong_of(other)
        if theirs and not (theirs & mine):
            shown = sorted(theirs)[0]
            b.pair(
                other,
                Reason.POLICY_ID_CONFLICT,
                _masked(*why),
                Evidence(keys[0].kind, _mask_key(keys[0]), _mask_key(shown), "different ID"),
            )
        elif not theirs:
            if b.target is not None and b.lookups.kept_apart(b.target, other):
                continue
            if _name_conflict(record, other, why, b):
                continue
            if b.target is None:
                b.attach(other, "policy_no", why)
            else:
                b.join(other, why)
            matched = True
    return matched


def _covering(field: str, value: str, day: dt.date, b: _Builder) -> list[str]:
    found = []
    for cid, cover in b.lookups.find(field, value):
        if (
            isinstance(cover, VehicleCover)
            and cover.role == DEFAULT_ROLE
            and cover.covers(day)
            and cid not in found
        ):
            found.append(cid)
    return sorted(found)


def _by_vehicle(record: RecordLike, b: _Builder) -> None:
    day = observed_day(record)
    for field in ("plate", "vin"):
        value = getattr(record, field, None)
        if not value:
            continue
        found = _covering(field, value, day, b)
        if not found:
            continue
        why = (field, value, f"insured vehicle of a policy in force on {day}")
        if len(found) == 1:
            if not _name_conflict(record, found[0], why, b):
                b.attach(found[0], field, why)
            return
        for other in found:
            b.pair(other, Reason.AMBIGUOUS_VEHICLE, _masked(*why))
        return


#: The vehicle fields a record without strong key is remembered by, and their index kinds.
_ORPHAN_KINDS = (("plate", "orphan_plate"), ("vin", "orphan_vin"))


def _join_orphans(record: RecordLike, b: _Builder) -> None:
    """Step 5: a policy with its vehicle and cover joins earlier keyless records of it."""
    window: tuple[dt.date, dt.date] | None = None
    for field, kind in _ORPHAN_KINDS:
        value = getattr(record, field, None)
        if not value:
            continue
        # looked up first: a store rarely holds keyless records of the vehicle
        found = b.lookups.find(kind, value)
        if not found:
            continue
        if window is None:
            window = cover_window(
                getattr(record, "cover_start", None), getattr(record, "cover_end", None)
            )
            if not getattr(record, "policy_no", None) or window is None:
                return
            if role_of(record) != DEFAULT_ROLE:
                return
        start, end = window
        for cid, day in sorted(found):
            if cid == b.target or cid in b.absorb or not start <= day <= end:
                continue
            if b.strong_of(cid) or b.lookups.keys_of(cid, "policy_no"):
                continue
            if b.target is not None and b.lookups.kept_apart(b.target, cid):
                continue
            others = [c for c in _covering(field, value, day, b) if c != b.target]
            why = (field, value, f"observed on {day}, within the cover")
            if others:
                b.pair(cid, Reason.AMBIGUOUS_VEHICLE, _masked(*why))
            elif _name_conflict(record, cid, why, b):
                continue
            elif b.target is None:
                b.attach(cid, "orphan", why)
            else:
                b.join(cid, why)


def _likeliest(record: RecordLike, customers: list[str], b: _Builder) -> list[str]:
    """Of several customers on a policy in a record's role (one of them there by a name
    conflict, say), those the record most likely belongs to: the ones whose names agree with
    its name, then of those the ones with an ID (the core system's insured)."""
    name = getattr(record, "name", None)
    if name:
        agreeing = [c for c in customers if name_agrees(name, b.lookups.keys_of(c, "name"))]
        if agreeing:
            customers = agreeing
    if len(customers) > 1:
        known = [c for c in customers if b.strong_of(c)]
        if len(known) == 1:
            return known
    return customers


def _name_conflict(record: RecordLike, other: str, why: tuple[str, str, str], b: _Builder) -> bool:
    """Whether ``record`` names someone else than customer ``other``, which a policy or
    vehicle would attach it to or join (`custmaster.resolve.names.name_agrees`); if so, pair
    them (``name_conflict``) instead."""
    name = getattr(record, "name", None)
    if not name:
        return False
    known = b.lookups.keys_of(other, "name")
    if name_agrees(name, known):
        return False
    b.pair(
        other,
        Reason.NAME_CONFLICT,
        _masked(*why),
        Evidence("name", mask_value("name", name), mask_value("name", min(known)), "different"),
    )
    return True


# What `_soft_pairs` reads of a record, all at once.
_SOFT = (*PHONE_FIELDS, "name", "birth_date", "resident_id")
_read_soft = operator.attrgetter(*_SOFT)


def _soft_pairs(record: RecordLike, keys: Sequence[StrongKey], b: _Builder) -> None:
    """Pairs for review from names, birth dates and phones: never merges."""
    find = b.lookups.find
    *phones, name, birth, resident_id = _read_fields(record, _read_soft, _SOFT)
    mine: set[StrongKey] | None = None
    for field, phone in zip(PHONE_FIELDS, phones, strict=True):
        if not phone:
            continue
        found = find("phone", phone)
        if not found or (len(found) == 1 and found[0][0] == b.target):
            continue
        holders = sorted({cid for cid, _ in found})
        if len(holders) > SHARED_PHONE_LIMIT:
            continue
        shown = mask_value("phone", phone)
        for other in holders:
            if other == b.target or other in b.absorb:
                continue
            theirs = b.strong_of(other)
            evidence = Evidence(field, shown, shown, "same number")
            if name and name in b.lookups.keys_of(other, "name"):
                if mine is None:
                    mine = _my_keys(keys, b)
                if not (mine and theirs):
                    masked = mask_value("name", name)
                    b.pair(
                        other,
                        Reason.SAME_NAME_PHONE,
                        evidence,
                        Evidence("name", masked, masked, "same name; no ID on one side"),
                    )
                    continue
            b.pair(other, Reason.SHARED_PHONE, evidence)
    if not name:
        return
    name_birth = _name_birth(name, birth, resident_id)[1]
    if name_birth is None:
        return
    for other, _ in find("name_birth", name_birth):
        if other == b.target or other in b.absorb:
            continue
        if mine is None:
            mine = _my_keys(keys, b)
        if mine and b.strong_of(other):
            continue  # two IDs: namesakes born the same day are different people
        masked = mask_value("name", name)
        born = mask_value("birth_date", birth_date_of(record))
        b.pair(
            other,
            Reason.SAME_NAME_BIRTH_DATE,
            Evidence("name", masked, masked, "same name"),
            Evidence("birth_date", born, born, "same birth date"),
        )


def _my_keys(keys: Sequence[StrongKey], b: _Builder) -> set[StrongKey]:
    """The strong keys of the record and of the customer it attaches to."""
    mine = set(keys)
    if b.target is not None:
        mine |= b.strong_of(b.target)
    return mine
