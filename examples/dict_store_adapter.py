"""A complete custmaster store adapter in plain dicts (docs/how-to/write-a-store-adapter.md).

``dict://`` keeps everything in process memory; ``dict:///path/to/book.json`` also writes the
whole store to a JSON file at every commit (atomically: a temporary file renamed over the old
one), so it survives a restart. Everything is kept as JSON-ready data, which makes rollback a
matter of restoring the copy taken at ``BEGIN``.

It implements the persistence primitives of `custmaster.store.BaseStore` and nothing else:
resolution and merging are BaseStore's. A customer's golden state is recomputed from its
records and events whenever it is needed (`custmaster.merge.build`), which is simple and
always right, but costs time proportional to the customer's records. It is an example: one
process, small books. It passes `custmaster.testing.contract` (``tests/test_store_example.py``).

Register it in your package's ``pyproject.toml``::

    [project.entry-points."custmaster.stores"]
    dict = "dict_store_adapter:DictStore"
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from custmaster.audit import GENESIS, Anchor, AuditEntry
from custmaster.merge import MergePolicy, build
from custmaster.merge.engine import GoldenState
from custmaster.model import ContactEvent, SourceRecord
from custmaster.resolve.candidates import CandidatePair, PairStatus
from custmaster.resolve.decisions import Decision
from custmaster.resolve.keys import IndexEntry, VehicleCover
from custmaster.serialize import from_dict, from_json, to_json
from custmaster.store import BaseStore
from custmaster.store.subject import Restriction, Tombstone

__all__ = ["DictStore"]

#: Index kinds whose keys `_index_keys` reports (strong keys, names, policy numbers).
KEYED = {"resident_id", "uscc", "document", "name", "policy_no"}


def _payload(value: Any) -> Any:
    """An index payload as JSON-ready data."""
    if isinstance(value, VehicleCover):
        start, end = value.cover_start, value.cover_end
        return {
            "cover": [
                value.policy_no,
                value.role,
                start and start.isoformat(),
                end and end.isoformat(),
            ]
        }
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def _unpayload(value: Any) -> Any:
    if isinstance(value, dict) and "cover" in value:
        number, role, start, end = value["cover"]
        return VehicleCover(
            number, role, start and dt.date.fromisoformat(start), end and dt.date.fromisoformat(end)
        )
    if isinstance(value, dict) and "date" in value:
        return dt.date.fromisoformat(value["date"])
    return value


def _empty() -> dict[str, Any]:
    return {
        "counters": {"customer": 0, "pair": 0},
        "customers": {},  # id -> number of records
        "log": {},  # "channel\x1fref" -> {"customer": id, "record": {...}}
        "index": [],  # [kind, key, customer, payload, group]
        "aliases": {},
        "pairs": {},  # id -> pair JSON; "pair_order" keeps the save order
        "pair_order": [],
        "decisions": [],
        "events": {},  # id -> {"customer": id, "event": {...}}
        "audit": [],  # AuditEntry.to_dict() of each entry, oldest first
        "tombstones": {},  # id -> Tombstone.to_dict() of an erased customer
        "restrictions": {},  # id -> Restriction.to_dict()
    }


class DictStore(BaseStore):
    """The store in plain dicts (``dict://``), optionally saved to a JSON file."""

    def __init__(self, url: str = "dict://", *, policy: MergePolicy | None = None) -> None:
        super().__init__(url, policy=policy)
        location = url[len("dict://") :]
        self.path = Path(location) if location else None
        self.data = _empty()
        if self.path is not None and self.path.exists():
            self.data.update(json.loads(self.path.read_text("utf-8")))
        self._before: dict[str, Any] | None = None

    # -- transactions ---------------------------------------------------------------

    def _begin(self) -> None:
        self._before = copy.deepcopy(self.data)

    def _commit(self) -> None:
        if self.path is not None:
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self.data, out, ensure_ascii=False)
            os.replace(temporary, self.path)
        self._before = None

    def _rollback(self) -> None:
        if self._before is not None:
            self.data = self._before
        self._before = None

    def _close(self) -> None:
        pass

    # -- customers --------------------------------------------------------------------

    def _take(self, counter: str) -> int:
        self.data["counters"][counter] += 1
        return int(self.data["counters"][counter])

    def _new_customer_id(self) -> str:
        return f"C{self._take('customer'):08d}"

    def _load_state(self, customer_id: str) -> GoldenState | None:
        if customer_id not in self.data["customers"]:
            return None
        events = self._events(customer_id, None)
        return build(self._records_of(customer_id), events, self.merge_policy)

    def _save_state(
        self, customer_id: str, state: GoldenState, *, created: bool, replace: bool = False
    ) -> None:
        self.data["customers"][customer_id] = state.size

    def _drop_customer(self, customer_id: str) -> None:
        self.data["customers"].pop(customer_id, None)

    def _customer_ids(self) -> Iterator[str]:
        return iter(sorted(self.data["customers"]))

    # -- the log ----------------------------------------------------------------------

    def _find_record(self, key: tuple[str, str]) -> tuple[str, SourceRecord] | None:
        found = self.data["log"].get("\x1f".join(key))
        if found is None:
            return None
        return found["customer"], from_json(SourceRecord, json.dumps(found["record"]))

    def _append_record(self, customer_id: str, record: SourceRecord) -> None:
        entry = {"customer": customer_id, "record": json.loads(to_json(record))}
        self.data["log"]["\x1f".join(record.provenance.key)] = entry

    def _records_of(self, customer_id: str) -> Sequence[SourceRecord]:
        return [
            from_dict(SourceRecord, entry["record"])
            for entry in self.data["log"].values()
            if entry["customer"] == customer_id
        ]

    def _move_records(self, keys: Iterable[tuple[str, str]], from_id: str, to_id: str) -> None:
        for key in keys:
            self.data["log"]["\x1f".join(key)]["customer"] = to_id

    # -- indexes ----------------------------------------------------------------------

    def _index_add(self, customer_id: str, entries: Iterable[IndexEntry]) -> None:
        index = self.data["index"]
        for entry in entries:
            row = [entry.kind, entry.key, customer_id, _payload(entry.payload), ""]
            if row not in index:
                index.append(row)

    def _index_replace(self, customer_id: str, group: str, entries: Iterable[IndexEntry]) -> None:
        index = [r for r in self.data["index"] if not (r[2] == customer_id and r[4] == group)]
        for entry in entries:
            row = [entry.kind, entry.key, customer_id, _payload(entry.payload), group]
            if row not in index:
                index.append(row)
        self.data["index"] = index

    def _index_drop(self, customer_id: str) -> None:
        self.data["index"] = [r for r in self.data["index"] if r[2] != customer_id]

    def _index_find(self, kind: str, key: str) -> list[tuple[str, Any]]:
        found = []
        for row in self.data["index"]:
            if row[0] == kind and row[1] == key:
                item = (row[2], _unpayload(row[3]))
                if item not in found:
                    found.append(item)
        return sorted(found, key=lambda item: item[0])

    def _index_keys(self, customer_id: str, kind: str) -> set[str]:
        if kind not in KEYED:
            return set()
        return {
            r[1]
            for r in self.data["index"]
            if r[2] == customer_id and r[0] == kind and r[3] != "held"
        }

    # -- aliases ----------------------------------------------------------------------

    def _set_alias(self, alias: str, target: str) -> None:
        aliases = self.data["aliases"]
        aliases[alias] = target
        for other, pointed in list(aliases.items()):
            if pointed == alias:
                aliases[other] = target

    def _drop_alias(self, alias: str) -> None:
        self.data["aliases"].pop(alias, None)

    def _alias_of(self, customer_id: str) -> str | None:
        target = self.data["aliases"].get(customer_id)
        return None if target is None else str(target)

    # -- pairs and decisions ----------------------------------------------------------

    def _new_pair_id(self) -> str:
        return f"P{self._take('pair'):08d}"

    def _save_pair(self, pair: CandidatePair) -> None:
        self.data["pairs"][pair.id] = json.loads(to_json(pair))
        order = [i for i in self.data["pair_order"] if i != pair.id]
        self.data["pair_order"] = [*order, pair.id]

    def _pair_of(self, pair_id: str) -> CandidatePair:
        return from_dict(CandidatePair, self.data["pairs"][pair_id])

    def _get_pair(self, pair_id: str) -> CandidatePair | None:
        return self._pair_of(pair_id) if pair_id in self.data["pairs"] else None

    def _pair_between(self, key: tuple[str, str]) -> CandidatePair | None:
        for pair_id in reversed(self.data["pair_order"]):
            pair = self._pair_of(pair_id)
            if pair.key == key:
                return pair
        return None

    def _pairs(
        self, status: PairStatus | None, customer_id: str | None = None
    ) -> list[CandidatePair]:
        pairs = [self._pair_of(pair_id) for pair_id in sorted(self.data["pairs"])]
        return [
            p
            for p in pairs
            if (status is None or p.status is status)
            and (customer_id is None or customer_id in (p.a, p.b))
        ]

    def _save_decision(self, decision: Decision) -> None:
        self.data["decisions"].append(json.loads(to_json(decision)))

    def _all_decisions(self) -> list[Decision]:
        return [from_dict(Decision, d) for d in self.data["decisions"]]

    def _decision_between(self, key: tuple[str, str]) -> Decision | None:
        found = [d for d in self._all_decisions() if d.key == key]
        return found[-1] if found else None

    def _decisions(self, customer_id: str) -> list[Decision]:
        return [d for d in self._all_decisions() if customer_id in (d.a, d.b)]

    # -- events -----------------------------------------------------------------------

    def _find_event(self, event_id: str) -> str | None:
        found = self.data["events"].get(event_id)
        return None if found is None else str(found["customer"])

    def _append_event(self, customer_id: str, event: ContactEvent) -> None:
        entry = {"customer": customer_id, "event": json.loads(to_json(event))}
        self.data["events"][event.id] = entry

    def _events(self, customer_id: str | None, contact: str | None) -> list[ContactEvent]:
        found = []
        for entry in self.data["events"].values():
            event = from_dict(ContactEvent, entry["event"])
            if customer_id is not None and entry["customer"] != customer_id:
                continue
            if contact is not None and event.contact_value != contact:
                continue
            found.append(event)
        return found

    def _move_event(self, event_id: str, customer_id: str) -> None:
        self.data["events"][event_id]["customer"] = customer_id

    # -- subject rights (PIPL Art. 45, 47) ---------------------------------------------

    def _redact_records(self, customer_id: str, records: Sequence[SourceRecord]) -> None:
        for record in records:
            entry = {"customer": customer_id, "record": json.loads(to_json(record))}
            self.data["log"]["\x1f".join(record.provenance.key)] = entry

    def _drop_event(self, event_id: str) -> None:
        self.data["events"].pop(event_id, None)

    def _save_tombstone(self, tombstone: Tombstone) -> None:
        self.data["tombstones"][tombstone.customer_id] = tombstone.to_dict()

    def _tombstone(self, customer_id: str) -> Tombstone | None:
        found = self.data["tombstones"].get(customer_id)
        return None if found is None else Tombstone.from_dict(found)

    def _save_restriction(self, restriction: Restriction) -> None:
        self.data["restrictions"][restriction.customer_id] = restriction.to_dict()

    def _restriction(self, customer_id: str) -> Restriction | None:
        found = self.data["restrictions"].get(customer_id)
        return None if found is None else Restriction.from_dict(found)

    def _subject_ids(self) -> tuple[frozenset[str], frozenset[str]]:
        restricted = (k for k, r in self.data["restrictions"].items() if r["lifted_at"] is None)
        return frozenset(self.data["tombstones"]), frozenset(restricted)

    # -- counts -----------------------------------------------------------------------

    def _count(self, kind: str) -> int:
        data = self.data
        if kind == "customers":
            return len(data["customers"])
        if kind == "records":
            erased = data["tombstones"]
            return sum(1 for e in data["log"].values() if e["customer"] not in erased)
        if kind == "policies":
            return len({r[1] for r in data["index"] if r[0] == "policy_no"})
        if kind == "events":
            return len(data["events"])
        if kind == "candidates_open":
            return sum(1 for p in data["pairs"].values() if p["status"] == "open")
        if kind == "decisions":
            return len(data["decisions"])
        if kind == "aliases":
            return len(data["aliases"])
        if kind == "erased":
            return len(data["tombstones"])
        if kind == "restricted":
            return len(self._subject_ids()[1])
        raise ValueError(kind)

    # -- the audit log ----------------------------------------------------------------
    # One process writes a dict store, so the head needs no lock; the copy taken at BEGIN
    # takes appended entries back on rollback like everything else.

    def _audit_head(self) -> Anchor:
        log = self.data.setdefault("audit", [])
        return Anchor(log[-1]["seq"], log[-1]["hash"]) if log else GENESIS

    def _audit_append(self, entry: AuditEntry) -> None:
        self.data.setdefault("audit", []).append(entry.to_dict())

    def _audit_scan(
        self,
        customer_id: str | None,
        user: str | None,
        since: dt.datetime | None,
        until: dt.datetime | None,
        operation: str | None,
    ) -> Iterator[AuditEntry | Mapping[str, Any]]:
        return iter(list(self.data.get("audit", [])))
