"""`MemoryStore`: the store contract in process memory (``memory://``).

Everything lives in dictionaries and goes when the process ends: for tests, notebooks and
one-off jobs. Transactions are real: every change inside ``with store.transaction():`` is
recorded in an undo journal, and an exception takes all of them back.

>>> from custmaster.model import Provenance, SourceRecord
>>> store = MemoryStore()
>>> result = store.ingest(SourceRecord(
...     provenance=Provenance(channel="core_system", source_ref="R1", observed_at="2026-01-05"),
...     resident_id="11010519491231002X", name="张伟", mobile="138-0013-8000"))
>>> result.outcome.value, result.customer_id
('new_customer', 'C00000001')
>>> [c.id for c in store.find(phone="13800138000")]
['C00000001']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any

from custmaster.audit import GENESIS, Anchor, AuditEntry
from custmaster.merge.engine import (
    ATTR,
    ITEM,
    MISSING,
    GoldenState,
    journal_append,
    journal_attr,
    journal_item,
    undo,
)
from custmaster.merge.rules import MergePolicy
from custmaster.model.contact import ContactEvent
from custmaster.model.source import SourceRecord
from custmaster.privacy.crypto import Keyring
from custmaster.resolve.candidates import CandidatePair, PairStatus
from custmaster.resolve.decisions import Decision
from custmaster.resolve.keys import (
    STRONG_KINDS,
    IndexEntry,
    VehicleCover,
    contradictions,
    index_entries,
    lone_policy_entries,
    orphan_entries,
    strong_keys,
)
from custmaster.store.base import BaseStore
from custmaster.store.subject import Restriction, Tombstone

__all__ = ["MemoryStore"]

#: Index kinds whose keys `_index_keys` answers per customer.
_KEYED = frozenset({*STRONG_KINDS, "name", "policy_no"})
#: Index kinds whose payload is a `VehicleCover`.
_COVERS = frozenset({"plate", "vin"})
#: The payloads of an entry without payload (phone, name, birth date …), shared by all.
_NO_PAYLOAD: tuple[None] = (None,)


def _one(payload: Any) -> tuple[Any, ...]:
    """The payloads of one entry, as an index dict keeps them per customer."""
    return _NO_PAYLOAD if payload is None else (payload,)


def _single(customer_id: str, payload: Any) -> str | tuple[str, Any]:
    """The index value of a key only one customer has, with one payload."""
    return customer_id if payload is None else (customer_id, payload)


def _flat(entries: Iterable[IndexEntry]) -> tuple[Any, ...]:
    """A policy group as `MemoryStore` keeps it: flat, ``(kind, key, payload, kind, key,
    payload, …)``, a `VehicleCover` payload as a plain tuple."""
    flat: list[Any] = []
    for kind, key, payload, _ in entries:
        flat += (kind, key, tuple(payload) if type(payload) is VehicleCover else payload)
    return tuple(flat)


def _owned(record: SourceRecord) -> tuple[tuple[str, str], ...]:
    """The ``(kind, key)`` pairs of `_KEYED` kinds a customer known from ``record`` owns:
    those of its `index_entries` but held strong keys (a record contradicting its own ID)."""
    keys = strong_keys(record)
    owned: list[tuple[str, str]] = []
    if keys and not contradictions(record):
        owned += [(key.kind, key.value) for key in keys]
    if record.name:
        owned.append(("name", record.name))
    if record.policy_no:
        owned.append(("policy_no", record.policy_no))
    return tuple(owned)


class MemoryStore(BaseStore):
    """The in-memory store (``memory://``); ``policy`` sets the merge rules.

    ``keyring`` is accepted for symmetry with the SQL stores and checked, but nothing is
    written anywhere, so nothing is encrypted.
    """

    def __init__(
        self,
        url: str = "memory://",
        *,
        policy: MergePolicy | None = None,
        keyring: Keyring | None = None,
    ) -> None:
        if keyring is not None and not isinstance(keyring, Keyring):
            raise TypeError("keyring must be a custmaster.privacy.crypto.Keyring")
        super().__init__(url, policy=policy)
        self._undo: list[Any] | None = None
        self._next_customer = 0
        self._next_pair = 0
        # customer id -> its golden state, or its one record while it has no other
        # (`_keeps_lone_records`; `_load_state` builds the state then)
        self._states: dict[str, GoldenState | SourceRecord] = {}
        # Few container objects per customer and none per record beyond the record itself,
        # so that the garbage collector's full passes stay cheap on millions of records.
        # record key -> (customer id, record): one entry per record, read whole by `_find_record`
        self._log: dict[tuple[str, str], tuple[str, SourceRecord]] = {}
        # customer id -> its one record, or a list of its records
        self._records: dict[str, SourceRecord | list[SourceRecord]] = {}
        # kind -> key -> (customer id, payload) or {customer id: frozenset(payloads)}
        self._index: dict[str, dict[str, Any]] = {}
        # customer id -> the (kind, key) pairs of `_KEYED` kinds it owns, for `_index_keys`:
        # one entry per customer, replaced whole when a key is added
        self._keys: dict[str, tuple[tuple[str, str], ...]] = {}
        # (customer id, group) -> entries of a replaceable group, flat (`_index_replace`)
        self._groups: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._aliases: dict[str, str] = {}
        self._pair_by_id: dict[str, CandidatePair] = {}
        self._pair_by_key: dict[tuple[str, str], str] = {}
        self._pairs_of: dict[str, frozenset[str]] = {}
        self._decision_list: list[Decision] = []
        self._decision_by_key: dict[tuple[str, str], Decision] = {}
        self._decisions_of: dict[str, tuple[Decision, ...]] = {}
        self._event_by_id: dict[str, tuple[str, ContactEvent]] = {}
        self._events_of: dict[str, frozenset[str]] = {}
        self._audit_log: list[AuditEntry] = []
        self._tombstones: dict[str, Tombstone] = {}
        self._restrictions: dict[str, Restriction] = {}
        # (erased ids, restricted ids), replaced whole when either changes
        self._subjects: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())

    # -- journal helpers ----------------------------------------------------------------

    def _journal(self) -> list[Any] | None:
        return self._undo

    def _set(self, mapping: dict[Any, Any], key: Any, value: Any) -> None:
        journal = self._undo
        if journal is not None:
            journal += (ITEM, mapping, key, mapping.get(key, MISSING))  # as `journal_item`
        mapping[key] = value

    def _pop(self, mapping: dict[Any, Any], key: Any) -> None:
        if key in mapping:
            if self._undo is not None:
                journal_item(self._undo, mapping, key)
            del mapping[key]

    # -- transactions -------------------------------------------------------------------

    def _begin(self) -> None:
        self._undo = []

    def _commit(self) -> None:
        self._undo = None

    def _rollback(self) -> None:
        if self._undo is not None:
            undo(self._undo)
        self._undo = None

    def _close(self) -> None:
        pass

    # -- customers ----------------------------------------------------------------------

    def _new_customer_id(self) -> str:
        if self._undo is not None:
            self._undo += (ATTR, self, "_next_customer", self._next_customer)
        self._next_customer += 1
        return f"C{self._next_customer:08d}"

    _keeps_lone_records = True

    def _load_state(self, customer_id: str) -> GoldenState | None:
        held = self._states.get(customer_id)
        if type(held) is SourceRecord:
            return self._unlone(customer_id, held)
        return held  # type: ignore[return-value]

    def _peek_state(self, customer_id: str) -> GoldenState | None:
        held = self._states.get(customer_id)
        if type(held) is SourceRecord:
            # read only: the state is built and dropped, the customer stays its record
            state = GoldenState(self.merge_policy)
            state.add(held)
            return state
        return held  # type: ignore[return-value]

    def _save_lone(self, customer_id: str, record: SourceRecord, *, orphan: bool) -> None:
        # A lone customer is its record in `_states` and its index entries; its records list,
        # owned keys and policy group are derived from the record (`_records_of`,
        # `_index_keys`) until `_unlone` writes them.
        key = record.provenance.key
        journal = self._undo
        if journal is not None:
            journal += (ITEM, self._log, key, MISSING, ITEM, self._states, customer_id, MISSING)
        self._log[key] = (customer_id, record)
        self._states[customer_id] = record
        self._index_add(customer_id, index_entries(record), own=False)
        if record.policy_no:
            self._index_add(customer_id, lone_policy_entries(record), own=False)
        if orphan:
            self._index_add(customer_id, orphan_entries(record), own=False)

    def _unlone(self, customer_id: str, record: SourceRecord) -> GoldenState:
        """Make a lone customer an ordinary one: its state built from its record, its
        records list, owned keys and policy group written (journalled, so that a rollback
        leaves it lone again)."""
        state = GoldenState(self.merge_policy)
        state.add(record)
        self._set(self._states, customer_id, state)
        self._set(self._records, customer_id, record)
        owned = _owned(record)
        if owned:
            self._set(self._keys, customer_id, owned)
        if record.policy_no:
            flat = _flat(lone_policy_entries(record))
            if flat:
                self._set(self._groups, (customer_id, f"policy:{record.policy_no}"), flat)
        return state

    def _save_state(
        self, customer_id: str, state: GoldenState, *, created: bool, replace: bool = False
    ) -> None:
        if created or replace or customer_id not in self._states:
            self._set(self._states, customer_id, state)

    def _drop_customer(self, customer_id: str) -> None:
        self._pop(self._states, customer_id)
        self._pop(self._records, customer_id)

    def _customer_ids(self) -> Iterator[str]:
        return iter(sorted(self._states))

    # -- the log ------------------------------------------------------------------------

    def _find_record(self, key: tuple[str, str]) -> tuple[str, SourceRecord] | None:
        return self._log.get(key)

    def _append_record(self, customer_id: str, record: SourceRecord) -> None:
        key = record.provenance.key
        journal = self._undo
        records = self._records.get(customer_id)
        if journal is not None:
            journal += (ITEM, self._log, key, MISSING)
        self._log[key] = (customer_id, record)
        if records is None:
            if journal is not None:
                journal += (ITEM, self._records, customer_id, MISSING)
            self._records[customer_id] = record
        elif type(records) is list:
            records.append(record)
            if journal is not None:
                journal_append(journal, records)
        else:
            self._set(self._records, customer_id, [records, record])

    def _records_of(self, customer_id: str) -> Sequence[SourceRecord]:
        records = self._records.get(customer_id)
        if records is None:
            held = self._states.get(customer_id)
            return (held,) if type(held) is SourceRecord else ()
        return records if type(records) is list else (records,)  # type: ignore[return-value]

    def _move_records(self, keys: Iterable[tuple[str, str]], from_id: str, to_id: str) -> None:
        moving = set(keys)
        if not moving:
            return
        # a lone customer's records list is written first (`_load_state`)
        self._load_state(from_id)
        self._load_state(to_id)
        source = self._records_of(from_id)
        moved = [r for r in source if r.provenance.key in moving]
        staying = [r for r in source if r.provenance.key not in moving]
        if staying:
            self._set(self._records, from_id, staying)
        else:
            self._pop(self._records, from_id)
        self._set(self._records, to_id, [*self._records_of(to_id), *moved])
        for record in moved:
            self._set(self._log, record.provenance.key, (to_id, record))

    # -- indexes ------------------------------------------------------------------------

    # An index value is the customer id alone (one customer, no payload), ``(customer id,
    # payload)`` (one customer with a payload), or a dict customer id -> tuple of payloads;
    # a `VehicleCover` payload is kept as a plain tuple. Plain tuples of text and dates are
    # untracked by the garbage collector, and an entry without payload (a phone, a name …)
    # costs no tuple at all.

    def _entry_add(
        self, customer_id: str, kind: str, key: str, payload: Any, *, own: bool = True
    ) -> None:
        """Add one entry (``payload`` plain: a `VehicleCover` already made a tuple); ``own``:
        note the key in the customer's owned keys (not for a lone customer)."""
        journal = self._undo
        by_key = self._index.get(kind)
        if by_key is None:
            by_key = {}
            self._set(self._index, kind, by_key)
        current = by_key.get(key)
        if current is None:
            if journal is not None:
                journal += (ITEM, by_key, key, MISSING)
            by_key[key] = _single(customer_id, payload)
        elif type(current) is not dict:
            owner, held = (current, None) if type(current) is str else current
            if owner != customer_id:
                self._set(by_key, key, {owner: _one(held), customer_id: _one(payload)})
            elif held != payload:
                self._set(by_key, key, {customer_id: (held, payload)})
        else:
            payloads = current.get(customer_id, ())
            if payload not in payloads:
                self._set(current, customer_id, (*payloads, payload) if payloads else _one(payload))
        if own and kind in _KEYED and payload != "held":
            self._own_keys(customer_id, [(kind, key)])

    def _own_keys(self, customer_id: str, pairs: list[tuple[str, str]]) -> None:
        """Note that the customer owns the keys ``pairs`` (``(kind, key)`` of `_KEYED` kinds)."""
        keys = self._keys
        have = keys.get(customer_id)
        if have is None:
            journal = self._undo
            if journal is not None:
                journal += (ITEM, keys, customer_id, MISSING)
            keys[customer_id] = tuple(pairs)
            return
        added = [pair for pair in pairs if pair not in have]
        if added:
            self._set(keys, customer_id, (*have, *added))

    def _entry_remove(self, customer_id: str, kind: str, key: str, payload: Any) -> None:
        """Remove one entry (``payload`` plain, as `_entry_add`)."""
        by_key = self._index.get(kind)
        if by_key is None:
            return
        current = by_key.get(key)
        if current is None:
            return
        if type(current) is not dict:
            owner, held = (current, None) if type(current) is str else current
            if owner == customer_id and held == payload:
                self._pop(by_key, key)
            return
        payloads = current.get(customer_id)
        if payloads is None or payload not in payloads:
            return
        rest = tuple(p for p in payloads if p != payload)
        remaining = dict(current)
        if rest:
            remaining[customer_id] = rest
        else:
            del remaining[customer_id]
        if not remaining:
            self._pop(by_key, key)
        elif len(remaining) == 1 and len(next(iter(remaining.values()))) == 1:
            ((cid, (only,)),) = remaining.items()
            self._set(by_key, key, _single(cid, only))
        else:
            self._set(by_key, key, remaining)

    def _index_add(
        self, customer_id: str, entries: Iterable[IndexEntry], *, own: bool = True
    ) -> None:
        # `_entry_add` inlined for its common cases (the hot path of ingest): a key no
        # customer has yet, a key this customer has with the same payload, and a key several
        # customers have (a dict customer id -> payloads).
        journal = self._undo
        index = self._index
        owned: list[tuple[str, str]] = []
        for kind, key, given, _ in entries:
            payload = tuple(given) if type(given) is VehicleCover else given
            by_key = index.get(kind)
            if by_key is None:
                self._entry_add(customer_id, kind, key, payload, own=own)
                continue
            current = by_key.get(key)
            if current is None:
                if journal is not None:
                    journal += (ITEM, by_key, key, MISSING)
                by_key[key] = customer_id if payload is None else (customer_id, payload)
            elif type(current) is dict:
                payloads = current.get(customer_id)
                if payloads is None:
                    if journal is not None:
                        journal += (ITEM, current, customer_id, MISSING)
                    current[customer_id] = _NO_PAYLOAD if payload is None else (payload,)
                elif payload not in payloads:
                    if journal is not None:
                        journal += (ITEM, current, customer_id, payloads)
                    current[customer_id] = (*payloads, payload)
            elif type(current) is str:
                if current != customer_id or payload is not None:
                    self._entry_add(customer_id, kind, key, payload, own=own)
                    continue
            elif current[0] != customer_id or current[1] != payload:
                self._entry_add(customer_id, kind, key, payload, own=own)
                continue
            if own and kind in _KEYED and payload != "held":
                owned.append((kind, key))
        if owned:
            self._own_keys(customer_id, owned)

    def _index_replace(self, customer_id: str, group: str, entries: Iterable[IndexEntry]) -> None:
        self._load_state(customer_id)  # a lone customer's group is written first
        slot = (customer_id, group)
        new = _flat(entries)
        old = self._groups.get(slot, ())
        if old == new:
            return
        for i in range(0, len(old), 3):
            self._entry_remove(customer_id, old[i], old[i + 1], old[i + 2])
        if new:
            plain = zip(new[::3], new[1::3], new[2::3], repeat(group))
            self._index_add(customer_id, plain)  # type: ignore[arg-type]
            self._set(self._groups, slot, new)
        else:
            self._pop(self._groups, slot)

    def _index_drop(self, customer_id: str) -> None:
        for record in self._records_of(customer_id):
            for kind, key, payload, _ in index_entries(record):
                self._entry_remove(customer_id, kind, key, payload)
            for kind, key, payload, _ in orphan_entries(record):
                self._entry_remove(customer_id, kind, key, payload)
        state = self._load_state(customer_id)
        for number in state.policies if state is not None else ():
            slot = (customer_id, f"policy:{number}")
            old = self._groups.get(slot, ())
            for i in range(0, len(old), 3):
                self._entry_remove(customer_id, old[i], old[i + 1], old[i + 2])
            self._pop(self._groups, slot)
        self._pop(self._keys, customer_id)

    def _index_find(self, kind: str, key: str) -> list[tuple[str, Any]]:
        by_key = self._index.get(kind)
        if by_key is None:
            return []
        current = by_key.get(key)
        if current is None:
            return []
        if type(current) is str:
            return [(current, None)]
        cover = kind in _COVERS
        if type(current) is tuple:
            return [(current[0], VehicleCover(*current[1]))] if cover else [current]
        if cover:
            return [(cid, VehicleCover(*p)) for cid, ps in current.items() for p in ps]
        return [(cid, p) for cid, payloads in current.items() for p in payloads]

    def _index_keys(self, customer_id: str, kind: str) -> set[str]:
        have = self._keys.get(customer_id)
        if have is None:
            held = self._states.get(customer_id)
            have = _owned(held) if type(held) is SourceRecord else ()
        return {key for owned, key in have if owned == kind}

    # -- aliases ------------------------------------------------------------------------

    def _set_alias(self, alias: str, target: str) -> None:
        self._set(self._aliases, alias, target)
        for other, pointed in list(self._aliases.items()):
            if pointed == alias:
                self._set(self._aliases, other, target)

    def _drop_alias(self, alias: str) -> None:
        self._pop(self._aliases, alias)

    def _alias_of(self, customer_id: str) -> str | None:
        return self._aliases.get(customer_id)

    # -- pairs and decisions ------------------------------------------------------------

    def _new_pair_id(self) -> str:
        if self._undo is not None:
            journal_attr(self._undo, self, "_next_pair")
        self._next_pair += 1
        return f"P{self._next_pair:08d}"

    def _save_pair(self, pair: CandidatePair) -> None:
        previous = self._pair_by_id.get(pair.id)
        self._set(self._pair_by_id, pair.id, pair)
        self._set(self._pair_by_key, pair.key, pair.id)
        if previous is not None and previous.key != pair.key:
            if self._pair_by_key.get(previous.key) == pair.id:
                self._pop(self._pair_by_key, previous.key)
            for cid in (previous.a, previous.b):
                self._set(self._pairs_of, cid, self._pairs_of.get(cid, frozenset()) - {pair.id})
        for cid in (pair.a, pair.b):
            have = self._pairs_of.get(cid, frozenset())
            if pair.id not in have:
                self._set(self._pairs_of, cid, have | {pair.id})

    def _get_pair(self, pair_id: str) -> CandidatePair | None:
        return self._pair_by_id.get(pair_id)

    def _pair_between(self, key: tuple[str, str]) -> CandidatePair | None:
        pair_id = self._pair_by_key.get(key)
        return None if pair_id is None else self._pair_by_id[pair_id]

    def _pairs(
        self, status: PairStatus | None, customer_id: str | None = None
    ) -> list[CandidatePair]:
        if customer_id is None:
            pairs: Iterable[CandidatePair] = self._pair_by_id.values()
        else:
            pairs = (self._pair_by_id[i] for i in self._pairs_of.get(customer_id, ()))
        return sorted(
            (p for p in pairs if status is None or p.status is status), key=lambda p: p.id
        )

    def _save_decision(self, decision: Decision) -> None:
        self._decision_list.append(decision)
        if self._undo is not None:
            journal_append(self._undo, self._decision_list)
        self._set(self._decision_by_key, decision.key, decision)
        for cid in {decision.a, decision.b}:
            self._set(self._decisions_of, cid, (*self._decisions_of.get(cid, ()), decision))

    def _decision_between(self, key: tuple[str, str]) -> Decision | None:
        return self._decision_by_key.get(key)

    def _decisions(self, customer_id: str) -> list[Decision]:
        return list(self._decisions_of.get(customer_id, ()))

    # -- events -------------------------------------------------------------------------

    def _find_event(self, event_id: str) -> str | None:
        found = self._event_by_id.get(event_id)
        return None if found is None else found[0]

    def _append_event(self, customer_id: str, event: ContactEvent) -> None:
        self._set(self._event_by_id, event.id, (customer_id, event))
        self._set(
            self._events_of, customer_id, self._events_of.get(customer_id, frozenset()) | {event.id}
        )

    def _events(self, customer_id: str | None, contact: str | None) -> list[ContactEvent]:
        if customer_id is None:
            found = [event for _, event in self._event_by_id.values()]
        else:
            found = [self._event_by_id[i][1] for i in self._events_of.get(customer_id, ())]
        if contact is not None:
            found = [e for e in found if e.contact_value == contact]
        return found

    def _move_event(self, event_id: str, customer_id: str) -> None:
        owner, event = self._event_by_id[event_id]
        if owner == customer_id:
            return
        self._set(self._events_of, owner, self._events_of.get(owner, frozenset()) - {event_id})
        self._append_event(customer_id, event)

    # -- subject rights -----------------------------------------------------------------

    def _redact_records(self, customer_id: str, records: Sequence[SourceRecord]) -> None:
        for record in records:
            self._set(self._log, record.provenance.key, (customer_id, record))
        if records:
            self._set(self._records, customer_id, list(records))

    def _drop_event(self, event_id: str) -> None:
        found = self._event_by_id.get(event_id)
        if found is None:
            return
        owner = found[0]
        self._pop(self._event_by_id, event_id)
        self._set(self._events_of, owner, self._events_of.get(owner, frozenset()) - {event_id})

    def _save_tombstone(self, tombstone: Tombstone) -> None:
        self._set(self._tombstones, tombstone.customer_id, tombstone)
        self._note_subjects()

    def _tombstone(self, customer_id: str) -> Tombstone | None:
        return self._tombstones.get(customer_id)

    def _save_restriction(self, restriction: Restriction) -> None:
        self._set(self._restrictions, restriction.customer_id, restriction)
        self._note_subjects()

    def _restriction(self, customer_id: str) -> Restriction | None:
        return self._restrictions.get(customer_id)

    def _note_subjects(self) -> None:
        if self._undo is not None:
            journal_attr(self._undo, self, "_subjects")
        self._subjects = (
            frozenset(self._tombstones),
            frozenset(k for k, r in self._restrictions.items() if r.active),
        )

    def _subject_ids(self) -> tuple[frozenset[str], frozenset[str]]:
        return self._subjects

    # -- counts -------------------------------------------------------------------------

    def _count(self, kind: str) -> int:
        if kind == "customers":
            return len(self._states)
        if kind == "records":
            return len(self._log) - sum(t.records for t in self._tombstones.values())
        if kind == "policies":
            return len(self._index.get("policy_no", {}))
        if kind == "events":
            return len(self._event_by_id)
        if kind == "candidates_open":
            return sum(1 for p in self._pair_by_id.values() if p.status is PairStatus.OPEN)
        if kind == "decisions":
            return len(self._decision_list)
        if kind == "aliases":
            return len(self._aliases)
        if kind == "erased":
            return len(self._tombstones)
        if kind == "restricted":
            return len(self._subjects[1])
        raise ValueError(kind)

    # -- the audit log ------------------------------------------------------------------

    def _audit_head(self) -> Anchor:
        log = self._audit_log
        return Anchor(log[-1].seq, log[-1].hash) if log else GENESIS

    def _audit_append(self, entry: AuditEntry) -> None:
        self._audit_log.append(entry)
        if self._undo is not None:
            journal_append(self._undo, self._audit_log)

    def _audit_scan(
        self,
        customer_id: str | None,
        user: str | None,
        since: dt.datetime | None,
        until: dt.datetime | None,
        operation: str | None,
    ) -> Iterator[AuditEntry | Mapping[str, Any]]:
        return iter(list(self._audit_log))
