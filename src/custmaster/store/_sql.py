"""What the SQL adapters share: schema migrations, codecs, the unit of work, JSONL and bulk ingest.

`SQLStore` implements every persistence primitive of `custmaster.store.base.BaseStore` over
the tables of ``_migrations/<dialect>/`` (``cm_records``, the append-only observation log;
``cm_customers``, the current view; ``cm_index``, the lookups; aliases, pairs, decisions,
events). A dialect (`custmaster.store.sqlite.SQLiteStore`,
`custmaster.store.postgres.PostgresStore`) supplies the connection, transactions, counters and
locks.

Within a transaction writes are collected and sent in batches (``executemany``) when the
transaction commits or before a statement that must see them; a batch of records ingested
through `SQLStore.bulk_ingest` is first looked up with a few set-based queries (its records,
its index keys, the customers they name), so resolving and merging it needs almost no further
round trips. Customer states are kept in a bounded cache and checked against the database
(SQLite: ``PRAGMA data_version``; PostgreSQL: a version number per customer) before use.

The golden state of a customer is stored compactly: its winning records and contact points,
tagged with the merge policy it was computed under. A store opened with another policy, or a
state kept under a non-default rule (`custmaster.merge.rules`), is recomputed from the log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.resources
import json
import operator
import os
import random
import re
import time
from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar, TextIO

import attrs

from custmaster.audit import FORMAT_VERSION as AUDIT_FORMAT
from custmaster.audit import GENESIS, Anchor, AuditEntry, AuditError
from custmaster.errors import StoreError, UsageError, ValidationError
from custmaster.merge.engine import GoldenState, build
from custmaster.merge.rules import MergePolicy
from custmaster.model import _convert
from custmaster.model.contact import ContactEvent
from custmaster.model.identity import Gender, IdentityDocument
from custmaster.model.policy import PolicyLine, PolicyRole
from custmaster.model.provenance import Channel, Provenance
from custmaster.model.source import FIELDS, SourceRecord
from custmaster.privacy.crypto import ENV_KEY, CryptoError, Keyring
from custmaster.resolve.candidates import CandidatePair, PairStatus
from custmaster.resolve.decisions import Decision
from custmaster.resolve.keys import (
    PHONE_FIELDS,
    STRONG_KINDS,
    IndexEntry,
    VehicleCover,
    birth_date_of,
    birth_iso_of,
    strong_keys,
)
from custmaster.serialize import SCHEMA_VERSION as SERIAL_VERSION
from custmaster.serialize import StructureError, converter, from_dict, from_json, to_json
from custmaster.store._sealing import SEALED_KINDS, Sealer, encrypted_error, open_fields
from custmaster.store._view import StoredView, decode_view, encode_view
from custmaster.store.base import BaseStore, IngestResult, Outcome, checked_month
from custmaster.store.subject import Restriction, Tombstone

__all__ = [
    "APPLICATION",
    "BULK_BATCH_SIZE",
    "ERROR_CODES",
    "EXPORT_FORMAT",
    "STATE_CACHE_SIZE",
    "BulkResult",
    "Migration",
    "SQLStore",
    "decode_record",
    "encode_record",
    "encode_view",
    "migrations",
    "split_script",
]

#: Every error code this module raises.
ERROR_CODES: dict[str, str] = {
    "store.batch_size": "bulk_ingest was given a batch size that is not a positive number.",
    "store.busy": "Another process held the database longer than the busy timeout.",
    "store.cache_size": "cache_size is not a number of customers (0 or more).",
    "store.conflict": "A concurrent transaction conflicted with this one; retrying it succeeds.",
    "store.corrupt": "The store file is damaged or is not a database.",
    "store.disk_full": "The disk (or the database's size limit) is full; nothing was written.",
    "store.export_in_transaction": "export_jsonl was called inside a transaction.",
    "store.foreign": "The database holds tables of another application, not a custmaster store.",
    "store.integrity": "The database refused a change that would break its constraints.",
    "store.io": "The database could not be read or written (an I/O error).",
    "store.jsonl": "A JSONL export file is not valid (line and problem named).",
    "store.migration": "A schema migration failed; the store was left at its old version.",
    "store.newer_schema": "The store was written by a newer custmaster (its schema is newer).",
    "store.not_empty": "import_jsonl needs an empty store.",
    "store.not_encrypted": "Key rotation was asked of a store opened without a keyring.",
    "store.read_only": "The database is read-only; nothing was written.",
    "store.sql": "The database reported another error.",
    "store.stored_data": "A stored row could not be read back (see the problem named).",
    "store.unavailable": "The database server cannot be reached.",
}

#: The ``application`` value of ``cm_meta``: what marks a database as a custmaster store.
APPLICATION = "custmaster"

#: The format version of `SQLStore.export_jsonl` files.
EXPORT_FORMAT = 1

#: The id counters an export carries (the last customer and pair number handed out).
_EXPORTED_COUNTERS = ("customer", "pair")

#: Error codes after which re-running the transaction may succeed.
_RETRYABLE = frozenset({"store.conflict", "store.busy", "store.lock_space"})

#: Index kinds `_index_keys` answers (as `custmaster.store.memory.MemoryStore` does).
_KEYED = frozenset({*STRONG_KINDS, "name", "policy_no"})

_KEYED_SQL = ", ".join(f"'{kind}'" for kind in sorted(_KEYED))

#: Index kinds whose payload is a `VehicleCover`, or a date.
_COVER_KINDS = frozenset({"plate", "vin"})
_DATE_KINDS = frozenset({"orphan_plate", "orphan_vin"})

#: Lock families: kinds resolution reads together share one lock per key.
_FAMILY = {
    "resident_id": "resident_id",
    "uscc": "uscc",
    "document": "document",
    "policy_no": "policy_no",
    "plate": "plate",
    "orphan_plate": "plate",
    "vin": "vin",
    "orphan_vin": "vin",
    "phone": "phone",
    "name_birth": "name_birth",
}

_CUSTOMER_COLUMNS = (("id", "text"), ("version", "bigint"), ("size", "bigint"), ("state", "text"))
_RECORD_COLUMNS = (
    ("channel", "text"),
    ("source_ref", "text"),
    ("customer_id", "text"),
    ("observed_at", "text"),
    ("body", "text"),
)
_INDEX_COLUMNS = (
    ("kind", "text"),
    ("key", "text"),
    ("customer_id", "text"),
    ("payload", "text"),
    ("grp", "text"),
    ("sealed", "text"),
)

_AUDIT_COLUMNS = (
    ("seq", "bigint"),
    ("at", "text"),
    ('"user"', "text"),
    ("operation", "text"),
    ("customer_id", "text"),
    ("fields", "text"),
    ("channel", "text"),
    ("detail", "text"),
    ("prev_hash", "text"),
    ("hash", "text"),
)
_AUDIT_SELECT = ", ".join(name for name, _ in _AUDIT_COLUMNS)

_DATE_FIELDS = frozenset({"birth_date", "cover_start", "cover_end", "first_registered"})
_ID_PAGE = 500
_IN_CHUNK = 400


# ---------------------------------------------------------------------------------- migrations


@attrs.frozen
class Migration:
    """One schema script: the version it brings a store to, its file name and its SQL."""

    version: int
    name: str
    sql: str


def migrations(dialect: str) -> tuple[Migration, ...]:
    """The schema scripts of a dialect (``"sqlite"``, ``"postgresql"``), in version order."""
    root = importlib.resources.files("custmaster.store._migrations").joinpath(dialect)
    found = []
    for entry in root.iterdir():
        match = re.fullmatch(r"(\d{4})_[a-z0-9_]+\.sql", entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):  # pragma: no cover
        raise RuntimeError(f"the {dialect} migrations are not numbered 1..n")
    return tuple(found)


def split_script(script: str, complete: Callable[[str], bool]) -> list[str]:
    """The statements of a SQL script, cut where ``complete`` says a statement ends."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if complete(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


# ---------------------------------------------------------------------------------- codecs


_third = operator.itemgetter(2)

#: The rows a customer's state is built from (``customer_id`` twice): its records (kind 0,
#: in log order), then its events (kind 1), once ordered by the first two columns.
_STATE_ROWS = (
    "SELECT 0 AS k, seq, channel, source_ref, body FROM cm_records WHERE customer_id = ? "
    "UNION ALL SELECT 1, 0, id, '', body FROM cm_events WHERE customer_id = ?"
)

#: ``json.dumps(data, ensure_ascii=False, separators=(",", ":"))`` without making an encoder
#: at each call.
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

#: A record's `FIELDS` values in one call (a tuple built in C, not a loop of getattr).
_field_values = operator.attrgetter(*FIELDS)


def encode_record(record: SourceRecord) -> dict[str, Any]:
    """A record as compact JSON-ready data (``None`` fields left out) that `from_dict` reads."""
    p = record.provenance
    provenance: dict[str, Any] = {
        "channel": p.channel.code,
        "source_ref": p.source_ref,
        "observed_at": p.observed_at.isoformat(),
        "recorded_at": p.recorded_at.isoformat(),
    }
    if p.operator is not None:
        provenance["operator"] = p.operator
    data: dict[str, Any] = {"schema": SERIAL_VERSION, "provenance": provenance}
    for name, value in zip(FIELDS, _field_values(record), strict=True):
        if value is None:
            continue
        if isinstance(value, str):
            data[name] = value
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        elif isinstance(value, PolicyLine):
            data[name] = value.code
        elif isinstance(value, (Gender, PolicyRole)):
            data[name] = value.value
        else:
            data[name] = converter.unstructure(value)
    if record.extra:
        data["extra"] = dict(record.extra)
    return data


#: What `_dumps` writes for a text value (quotes and escapes; not ASCII-only), in C.
_quote: Callable[[str], str] = json.encoder.encode_basestring
_RECORD_HEAD = f'{{"schema":{SERIAL_VERSION},"provenance":{{"channel":'
#: ``,"<field>":`` of each field, in `FIELDS` order.
_FIELD_KEYS = tuple(f',"{name}":' for name in FIELDS)


def _record_text(record: SourceRecord) -> tuple[str, str]:
    """``(observed_at, _dumps(encode_record(record)))`` written directly, without the dict.

    The log body of every record ingested goes through here (an unencrypted store); the
    text is the same, character for character, as the dict's (tests compare them).
    """
    p = record.provenance
    observed = p.observed_at.isoformat()
    parts = [
        _RECORD_HEAD,
        _quote(p.channel.code),
        ',"source_ref":',
        _quote(p.source_ref),
        ',"observed_at":"',
        observed,
        '","recorded_at":"',
        p.recorded_at.isoformat(),
        '"}' if p.operator is None else f'","operator":{_quote(p.operator)}}}',
    ]
    add = parts.append
    for key, value in zip(_FIELD_KEYS, _field_values(record), strict=True):
        if value is None:
            continue
        if type(value) is str:
            add(key)
            add(_quote(value))
        elif isinstance(value, str):
            parts += (key, _quote(value))
        elif isinstance(value, dt.date):
            parts += (key, '"', value.isoformat(), '"')
        elif isinstance(value, PolicyLine):
            parts += (key, _quote(value.code))
        elif isinstance(value, (Gender, PolicyRole)):
            parts += (key, _dumps(value.value))
        else:
            parts += (key, _dumps(converter.unstructure(value)))
    if record.extra:
        parts += (',"extra":', _dumps(dict(record.extra)))
    parts.append("}")
    return observed, "".join(parts)


_new = object.__new__
_set = object.__setattr__
_RECORD_ATTRS = frozenset(a.name for a in attrs.fields(SourceRecord))
_RECORD_KEYS = _RECORD_ATTRS | {"schema"}
_PROVENANCE_KEYS = frozenset({"channel", "source_ref", "observed_at", "recorded_at", "operator"})
_NO_EXTRA = SourceRecord(
    provenance=Provenance(channel="manual", source_ref="-", observed_at="2000-01-01")
).extra


def _decode_fast(data: Mapping[str, Any]) -> SourceRecord:
    """`encode_record` undone without re-validating: the values were validated when stored.

    Anything unexpected raises, and `decode_record` then takes the validating path.
    """
    p = data["provenance"]
    if not _PROVENANCE_KEYS.issuperset(p) or data.keys() - _RECORD_KEYS:
        raise KeyError("unknown key")
    source_ref = p["source_ref"]
    operator = p.get("operator")
    if type(source_ref) is not str or not (operator is None or type(operator) is str):
        raise TypeError("provenance")
    observed = dt.datetime.fromisoformat(p["observed_at"])
    recorded = dt.datetime.fromisoformat(p["recorded_at"])
    if observed.tzinfo is None or recorded.tzinfo is None:
        raise ValueError("naive time")
    provenance = _new(Provenance)
    _set(provenance, "channel", Channel.get(p["channel"]))
    _set(provenance, "source_ref", source_ref)
    _set(provenance, "observed_at", observed)
    _set(provenance, "recorded_at", recorded)
    _set(provenance, "operator", operator)
    record = _new(SourceRecord)
    _set(record, "provenance", provenance)
    for name in FIELDS:
        value = data.get(name)
        if value is None:
            _set(record, name, None)
            continue
        if name in _DATE_FIELDS:
            value = dt.date.fromisoformat(value)
        elif name == "line":
            value = PolicyLine.get(value)
        elif name == "role":
            value = PolicyRole(value)
        elif name == "gender":
            value = Gender(value)
        elif name == "id_document":
            value = converter.structure(value, IdentityDocument)
        elif type(value) is not str:
            raise TypeError(name)
        _set(record, name, value)
    extra = data.get("extra")
    if extra:
        if not all(type(k) is str and type(v) is str for k, v in extra.items()):
            raise TypeError("extra")
        _set(record, "extra", _convert.FrozenMap(extra))
    else:
        _set(record, "extra", _NO_EXTRA)
    return record


def decode_record(data: Mapping[str, Any]) -> SourceRecord:
    """A record from `encode_record` data (or `custmaster.serialize.to_dict` data).

    Raises `custmaster.serialize.StructureError` when the data does not describe a record.
    """
    try:
        return _decode_fast(data)
    except (KeyError, TypeError, ValueError, AttributeError, ValidationError):
        return from_dict(SourceRecord, data)


#: Text json.dumps writes as it is between quotes (no quote, backslash or control character).
_PLAIN_TEXT = re.compile(r'[^"\\\x00-\x1f\x7f]*')


def _encode_payload(payload: Any) -> str:
    if payload is None:
        return ""
    if type(payload) is str:  # owner, held, a role code
        return payload
    if isinstance(payload, VehicleCover):
        start, end = payload.cover_start, payload.cover_end
        number, role = payload.policy_no, payload.role
        if _PLAIN_TEXT.fullmatch(number) and _PLAIN_TEXT.fullmatch(role):
            # the common case written directly: what json.dumps writes for plain text
            return (
                f'["{number}", "{role}", '
                f"{'null' if start is None else chr(34) + start.isoformat() + chr(34)}, "
                f"{'null' if end is None else chr(34) + end.isoformat() + chr(34)}]"
            )
        return json.dumps(
            [
                payload.policy_no,
                payload.role,
                None if start is None else start.isoformat(),
                None if end is None else end.isoformat(),
            ],
            ensure_ascii=False,
        )
    if isinstance(payload, dt.date):
        return payload.isoformat()
    return str(payload)


def _decode_payload(kind: str, text: str) -> Any:
    if kind in _COVER_KINDS:
        number, role, start, end = json.loads(text)
        return VehicleCover(
            number,
            role,
            None if start is None else dt.date.fromisoformat(start),
            None if end is None else dt.date.fromisoformat(end),
        )
    if kind in _DATE_KINDS:
        return dt.date.fromisoformat(text)
    return text or None


_NOTHING: Any = object()


def _lock_keys(record: SourceRecord) -> list[tuple[str, str]]:
    """The (family, key) locks an ingest of ``record`` may read or write under."""
    p = record.provenance
    keys = [("record", f"{p.channel.code}\x1f{p.source_ref}")]
    keys.extend((k.kind, k.value) for k in strong_keys(record))
    if record.policy_no:
        keys.append(("policy_no", record.policy_no))
    if record.plate:
        keys.append(("plate", record.plate))
    if record.vin:
        keys.append(("vin", record.vin))
    for field in PHONE_FIELDS:
        value = getattr(record, field)
        if value:
            keys.append(("phone", value))
    name = record.name
    if name:
        birth = birth_date_of(record)
        if birth is not None:
            keys.append(("name_birth", f"{name}|{birth.isoformat()}"))
    return keys


#: What `_lookups` reads of a record, all at once.
_read_lookups = operator.attrgetter(
    "resident_id", "uscc", "id_document", "policy_no", "plate", "vin", "name", *PHONE_FIELDS
)


def _lookups(record: SourceRecord) -> list[tuple[str, str]]:
    """The (kind, key) index entries resolving ``record`` looks up."""
    resident_id, uscc, document, policy_no, plate, vin, name, *phones = _read_lookups(record)
    if uscc is None and document is None:  # the common case: a resident ID or no strong key
        found = [("resident_id", resident_id)] if resident_id else []
    else:
        found = [(k.kind, k.value) for k in strong_keys(record)]
    if policy_no:
        found.append(("policy_no", policy_no))
    if plate:
        found += [("plate", plate), ("orphan_plate", plate)]
    if vin:
        found += [("vin", vin), ("orphan_vin", vin)]
    for value in phones:
        if value:
            found.append(("phone", value))
    if name:
        birth = birth_iso_of(record)
        if birth is not None:
            found.append(("name_birth", f"{name}|{birth}"))
    return found


#: `SQLStore.bulk_ingest`'s default number of records per transaction. Measured on a
#: 100,000-record synthetic book into SQLite: 6,400 records/s with batches of 1,000, 10,200
#: with 20,000 (docs/benchmarks.md); a customer's records close together in the source then
#: fall into one transaction, and its view and index entries are written once for them all.
#: A batch of this size holds some tens of megabytes while it is being ingested.
BULK_BATCH_SIZE = 20_000

#: How many customer states a SQL store keeps decoded between transactions by default (its
#: ``cache_size``). A transaction keeps every state it loads whatever this is; between
#: transactions the cache serves customers met again soon after. With `BULK_BATCH_SIZE`
#: batches the hit rate hardly depends on it (a customer's records close together fall into one
#: batch), while each cached state holds a few kilobytes: 20,000 of them (the default until
#: 2026-12) raised an ingest's peak memory by about 70 MB.
STATE_CACHE_SIZE = 5_000

#: A batch of at least this many records takes its new customer and pair numbers in blocks
#: (PostgreSQL: one query per block instead of one per number; the rest of a block is left
#: unused, so ids keep their order but not their density). `bulk_ingest` always does.
_BULK_BATCH = 100


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@functools.cache
def _touches_rows(sql: str) -> bool:
    """Whether a statement reads or writes the tables whose rows are collected."""
    return "cm_index" in sql or "cm_records" in sql


def _by_first(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, list[str]]]:
    """``(first, [seconds])`` per first value, in sorted chunks of at most `_IN_CHUNK`."""
    grouped: dict[str, list[str]] = {}
    for first, second in pairs:
        grouped.setdefault(first, []).append(second)
    for first in sorted(grouped):
        seconds = sorted(grouped[first])
        for chunk in _chunks(seconds):
            yield first, list(chunk)


# ---------------------------------------------------------------------------------- results


@attrs.define
class BulkResult:
    """What `SQLStore.bulk_ingest` did: outcomes counted, rejected records, batches, retries."""

    counts: dict[str, int] = attrs.field(factory=lambda: {o.value: 0 for o in Outcome})
    rejected: list[IngestResult] = attrs.field(factory=list)
    batches: int = 0
    records: int = 0
    retries: int = 0

    def add(self, results: Sequence[IngestResult], offset: int) -> None:
        """Count one committed batch (``offset``: the index of its first record)."""
        self.batches += 1
        self.records += len(results)
        for result in results:
            self.counts[result.outcome.value] += 1
            if result.outcome is Outcome.REJECTED:
                self.rejected.append(attrs.evolve(result, index=offset + result.index))


# ---------------------------------------------------------------------------------- the store


def _audit_row(entry: AuditEntry) -> tuple[Any, ...]:
    """The ``cm_audit`` row of an entry (lists and mappings as compact JSON)."""
    at, fields, detail = entry.json_columns()
    return (
        entry.seq,
        at,
        entry.user,
        entry.operation,
        entry.customer_id,
        fields,
        entry.channel,
        detail,
        entry.prev_hash,
        entry.hash,
    )


def _json_or_text(text: Any) -> Any:
    """A JSON column's value, or the text itself when it is not JSON (a tampered row, which
    `custmaster.audit.verify` then reports as malformed or altered)."""
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def _audit_dict(row: Sequence[Any]) -> dict[str, Any]:
    """A ``cm_audit`` row as the `AuditEntry.to_dict` mapping it was written from."""
    seq, at, user, operation, customer_id, fields, channel, detail, prev_hash, hash_ = row
    return {
        "v": AUDIT_FORMAT,
        "seq": seq,
        "at": at,
        "user": user,
        "operation": operation,
        "customer_id": customer_id,
        "fields": _json_or_text(fields),
        "channel": channel,
        "detail": _json_or_text(detail),
        "prev_hash": prev_hash,
        "hash": hash_,
    }


class _Tx:
    """What one transaction has read, locked and not yet written."""

    __slots__ = (
        "audit_head",
        "audit_rows",
        "created",
        "decided",
        "fresh",
        "grouped",
        "groups",
        "index",
        "index_ops",
        "keys",
        "loaded",
        "locks",
        "new_pairs",
        "no_aliases",
        "no_decisions",
        "numbers",
        "op_customers",
        "op_keys",
        "op_seen",
        "pair_free",
        "pair_keys",
        "pending",
        "record_rows",
        "records",
        "subjects",
        "versions",
    )

    def __init__(self) -> None:
        #: States to write: customer id -> state; ``created`` are not in the table yet.
        self.pending: dict[str, GoldenState] = {}
        self.created: set[str] = set()
        #: Ids numbered in this transaction: no rows anywhere yet.
        self.fresh: set[str] = set()
        #: Versions read (and, in PostgreSQL, locked) in this transaction.
        self.versions: dict[str, int] = {}
        self.loaded: set[str] = set()
        #: Prefetched lookups: (kind, key) -> [(customer id, payload text)].
        self.index: dict[tuple[str, str], list[tuple[str, str]]] = {}
        #: Prefetched keys of customers: id -> kind -> keys; and their group entries.
        self.keys: dict[str, dict[str, set[str]]] = {}
        self.groups: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        #: Customers whose group entries are all in ``groups``.
        self.grouped: set[str] = set()
        #: Prefetched log lookups: key -> (customer id, body) or None.
        self.records: dict[tuple[str, str], tuple[str, Any] | None] = {}
        #: Writes not yet sent: log rows by key, index rows -> insert (True) or delete.
        self.record_rows: dict[tuple[str, str], tuple[str, SourceRecord]] = {}
        self.index_ops: dict[tuple[str, str, str, str, str], bool] = {}
        #: The rows of ``index_ops`` by (kind, key) and by customer, so that a lookup can
        #: apply the writes not yet sent to what the database answers instead of sending them.
        #: Built only when such a lookup happens (`SQLStore._pending`), from the first
        #: ``op_seen`` rows of ``index_ops``: a bulk batch's lookups are prefetched, and
        #: keeping them up to date at every write cost more than they save.
        self.op_keys: dict[tuple[str, str], list[tuple[str, str, str, str, str]]] = {}
        self.op_customers: dict[str, list[tuple[str, str, str, str, str]]] = {}
        self.op_seen = 0
        self.locks: set[int] = set()
        #: Numbers taken ahead from a counter (PostgreSQL sequences, in bulk).
        self.numbers: dict[str, list[int]] = {}
        #: Decisions and newest pairs looked up or written in this transaction, by pair key.
        self.decided: dict[tuple[str, str], Decision | None] = {}
        self.pair_keys: dict[tuple[str, str], CandidatePair | None] = {}
        self.new_pairs: set[str] = set()
        #: Customers numbered in this transaction and named by no pair saved since: no pair
        #: with them can exist, so looking one up needs no query.
        self.pair_free: set[str] = set()
        self.no_aliases = False
        self.no_decisions = False
        #: The audit head read (and locked) in this transaction, and entries not yet written.
        self.audit_head: Anchor | None = None
        self.audit_rows: list[tuple[Any, ...]] = []
        #: (erased ids, restricted ids) read in this transaction.
        self.subjects: tuple[frozenset[str], frozenset[str]] | None = None


class SQLStore(BaseStore):
    """The store contract over SQL tables; subclasses supply the dialect.

    Options shared by the SQL adapters: ``policy`` (the merge rules), ``cache_size`` (how
    many customer states are kept decoded in memory, default `STATE_CACHE_SIZE`) and ``keyring`` (a
    `custmaster.privacy.crypto.Keyring`: identity numbers are encrypted at rest, see
    `custmaster.store._sealing`; default: `Keyring.from_env` when
    ``CUSTMASTER_ENCRYPTION_KEY`` is set, else none).
    """

    #: The dialect's directory in ``_migrations``.
    dialect: ClassVar[str] = ""
    #: Whether cached states stay valid between statements without a version check (SQLite,
    #: whose writers are serialised and whose data_version says when another one wrote).
    _shared_cache: ClassVar[bool] = False

    def __init__(
        self,
        url: str,
        *,
        policy: MergePolicy | None = None,
        cache_size: int = STATE_CACHE_SIZE,
        keyring: Keyring | None = None,
    ) -> None:
        super().__init__(url, policy=policy)
        if keyring is None and os.environ.get(ENV_KEY, "").strip():
            keyring = Keyring.from_env()
        #: Encrypts identity numbers at rest (None: the store is not encrypted).
        self._sealer = None if keyring is None else Sealer(keyring)
        if not isinstance(cache_size, int) or cache_size < 0:
            raise UsageError(
                "cache_size is a number of customers (0 or more).",
                code="store.cache_size",
                message_zh="cache_size 应为客户数（不小于 0）。",
            )
        self._cache: OrderedDict[str, tuple[int, GoldenState]] = OrderedDict()
        self._cache_size = cache_size
        self._tx: _Tx | None = None
        self._bulk = False
        #: The records `_rebuild` read outside a transaction, for the next `_records_of`.
        self._memo: tuple[str, list[SourceRecord]] | None = None
        #: The erased customers of the file `import_jsonl` is reading.
        self._import_erased: set[str] = set()

    # ------------------------------------------------------------------ dialect

    @abstractmethod
    def _sql(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (``?`` placeholders) and return its rows."""

    @abstractmethod
    def _sql_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each parameter row."""

    @abstractmethod
    def _db_begin(self) -> None:
        """Start a write transaction (and drop cached states another writer made stale)."""

    @abstractmethod
    def _db_commit(self) -> None:
        """Commit it."""

    @abstractmethod
    def _db_rollback(self) -> None:
        """Roll it back (never raises)."""

    @abstractmethod
    def _db_close(self) -> None:
        """Close the connection."""

    @abstractmethod
    def _take_number(self, counter: str) -> int:
        """The next number of a counter (``customer``, ``pair``, ``pair_saved``)."""

    @abstractmethod
    def _counters(self) -> dict[str, int]:
        """The last number handed out by each counter."""

    @abstractmethod
    def _restore_counters(self, counters: Mapping[str, int]) -> None:
        """Make each counter continue after the given number (import)."""

    @abstractmethod
    def _snapshot(self) -> AbstractContextManager[None]:
        """A read-only transaction seeing one consistent state of the database."""

    @abstractmethod
    def _in_list(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        """A condition ``column IN values`` and its parameters."""

    def _sync(self) -> None:
        """Before reading outside a transaction: drop cached states that may be stale."""

    def _lock(self, keys: Collection[tuple[str, str]]) -> None:
        """Lock (family, key) pairs until the transaction ends (PostgreSQL)."""

    def _lock_batch(self, records: Sequence[SourceRecord]) -> None:
        """Lock every key ingesting ``records`` may read or write under (`_lock_keys`)."""
        locks: set[tuple[str, str]] = set()
        for record in records:
            locks.update(_lock_keys(record))
        self._lock(sorted(locks))

    def _pair_rows(
        self, select: str, columns: tuple[str, str], pairs: Sequence[tuple[str, str]]
    ) -> list[tuple[Any, ...]]:
        """The rows of ``select`` (a query without ``WHERE``) whose two ``columns`` are one
        of ``pairs``: one query per first value and chunk (PostgreSQL: one in all)."""
        rows: list[tuple[Any, ...]] = []
        for first, seconds in _by_first(pairs):
            condition, params = self._in_list(columns[1], seconds)
            rows += self._sql(f"{select} WHERE {columns[0]} = ? AND {condition}", [first, *params])
        return rows

    #: `_lock` takes locks (PostgreSQL): compute them. SQLite serialises writers instead.
    _locks_keys: ClassVar[bool] = False
    #: The most keys one transaction of `bulk_ingest` locks (`_lock`); batches needing more
    #: are cut into several transactions.
    max_locks: int = 1_000_000
    _for_update: ClassVar[str] = ""
    #: The most values one `_in_list` condition of a batch's read-ahead names.
    _in_chunk: ClassVar[int] = _IN_CHUNK

    # ------------------------------------------------------------------ encryption at rest

    @property
    def keyring(self) -> Keyring | None:
        """The keyring encrypting identity numbers at rest (None: not encrypted)."""
        return None if self._sealer is None else self._sealer.keyring

    def _check_sealing(self) -> None:
        """When opened: an encrypted store needs its keys, and a keyring an encrypted (or
        empty) store; the keys' fingerprints are checked against ``cm_meta`` and recorded."""
        meta = {
            str(k): str(v)
            for k, v in self._sql("SELECT key, value FROM cm_meta WHERE key LIKE 'encryption.%'")
        }
        sealer = self._sealer
        if sealer is None:
            if meta:
                raise encrypted_error()
            return
        if not meta and (
            self._sql("SELECT 1 FROM cm_records LIMIT 1")
            or self._sql("SELECT 1 FROM cm_index LIMIT 1")
        ):
            raise CryptoError(
                f"The store {self._where()} holds unencrypted data: it cannot be opened with a "
                "keyring. Export it (export_jsonl) and import the file into a new store opened "
                "with the keyring.",
                code="crypto.store_not_encrypted",
                message_zh=f"存储 {self._where()} 中有未加密的数据，不能用密钥打开；"
                "请导出后导入用密钥打开的新存储。",
            )
        sealer.check(meta)
        mine = sealer.meta()
        known = [k for k in meta if k.startswith("encryption.key.")]
        if known and not any(k in mine for k in known):
            raise CryptoError(
                f"The keyring holds none of the keys the store {self._where()} was encrypted with.",
                code="crypto.wrong_key",
                message_zh=f"密钥环中没有存储 {self._where()} 加密时使用的密钥。",
            )
        in_use = [k for k in meta.get("encryption.in_use", "").split(",") if k]
        lacking = sorted(k for k in in_use if k not in sealer.keyring.keys)
        if lacking:
            raise CryptoError(
                f"The keyring lacks the key(s) {lacking} that encrypted data in the store "
                f"{self._where()}.",
                code="crypto.wrong_key",
                message_zh=f"密钥环缺少存储 {self._where()} 中数据所用的密钥 {lacking}。",
            )
        if getattr(self, "read_only", False):
            return
        if sealer.keyring.active not in in_use:
            mine["encryption.in_use"] = ",".join(sorted({*in_use, sealer.keyring.active}))
        for key, value in mine.items():
            if meta.get(key) != value:
                self._sql(
                    "INSERT INTO cm_meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def _rotating(self, what: str) -> Sealer:
        """The sealer of an open, encrypted store, for a key rotation named ``what``."""
        self._check_open()
        if self._sealer is None:
            raise UsageError(
                f"{what} needs a store opened with a keyring.",
                code="store.not_encrypted",
                message_zh=f"{what} 需要用密钥打开的存储。",
            )
        return self._sealer

    def rotate_keys(self) -> dict[str, int]:
        """Re-encrypt every sealed value under the keyring's active key, in one transaction.

        After `Keyring.with_active` (the old key still decrypts), this rewrites the
        ciphertexts of the observation log, the current views and the index; the old key can
        then be dropped from the keyring. Only the ciphertext changes: the log's append-only
        guard is lifted for this transaction alone. The blind-index key is rotated apart
        (`rotate_index_key`). Returns the rows rewritten by table.
        """
        sealer = self._rotating("rotate_keys")
        ring = sealer.keyring
        done = {"records": 0, "customers": 0, "index": 0}
        with self.transaction():
            self._flush()
            records = []
            for seq, body in self._pages("seq, body", "cm_records"):
                data = json.loads(body)
                if sealer.rotate_fields(data):
                    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                    records.append((text, seq))
            if records:
                with self._append_only_lifted():
                    self._sql_many("UPDATE cm_records SET body = ? WHERE seq = ?", records)
            views = []
            for customer_id, state in self._pages("id, state", "cm_customers"):
                data = json.loads(state)
                if sealer.rotate_fields(data.get("fields", {})):
                    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                    views.append((text, customer_id))
            self._sql_many("UPDATE cm_customers SET state = ? WHERE id = ?", views)
            index = []
            rows = self._sql(
                "SELECT kind, key, customer_id, payload, grp, sealed FROM cm_index "
                "WHERE sealed IS NOT NULL"
            )
            for kind, key, customer_id, payload, grp, sealed in rows:
                if ring.needs_rotation(sealed):
                    index.append(
                        (ring.rotate(sealed, f"index.{kind}"), kind, key, customer_id, payload, grp)
                    )
            self._sql_many(
                "UPDATE cm_index SET sealed = ? WHERE kind = ? AND key = ? AND customer_id = ? "
                "AND payload = ? AND grp = ?",
                index,
            )
            self._sql(
                "UPDATE cm_meta SET value = ? WHERE key = 'encryption.in_use'", (ring.active,)
            )
            done.update(records=len(records), customers=len(views), index=len(index))
        return done

    def rotate_index_key(self, index_key: bytes | str) -> dict[str, int]:
        """Replace the blind-index key, in one transaction: every index entry of an identity
        number gets its key recomputed under ``index_key`` from its ciphertext.

        For a blind-index key that may have leaked (it lets its holder test guessed numbers).
        Afterwards the store opens with the new index key only (``CUSTMASTER_INDEX_KEY``), and
        this store object uses it at once. Writers still running with the old key fail their
        next transaction with ``crypto.index_key_rotated`` (nothing written); on PostgreSQL
        the rotation first waits for the write transactions in progress. Returns the index
        entries rewritten.
        """
        sealer = self._rotating("rotate_index_key")
        ring = sealer.keyring
        fresh = Sealer(Keyring(ring.keys, active=ring.active, index_key=index_key))
        with self.transaction():
            self._flush()
            # the fingerprint row first: writers hold it shared for their transactions
            self._sql(
                f"SELECT value FROM cm_meta WHERE key = 'encryption.index_key'{self._for_update}"
            )
            rows = self._sql(
                "SELECT kind, key, customer_id, payload, grp, sealed FROM cm_index "
                "WHERE sealed IS NOT NULL"
            )
            moved = [
                (fresh.blind(kind, sealer.open_key(kind, sealed)), kind, key, cid, payload, grp)
                for kind, key, cid, payload, grp, sealed in rows
            ]
            self._sql_many(
                "UPDATE cm_index SET key = ? WHERE kind = ? AND key = ? AND customer_id = ? "
                "AND payload = ? AND grp = ?",
                moved,
            )
            self._sql(
                "UPDATE cm_meta SET value = ? WHERE key = 'encryption.index_key'",
                (fresh.meta()["encryption.index_key"],),
            )
        self._sealer = fresh
        return {"index": len(moved)}

    @contextlib.contextmanager
    def _append_only_lifted(self) -> Iterator[None]:
        """Within the current transaction: the triggers guarding ``cm_records`` are off."""
        if self.dialect == "postgresql":
            self._sql("ALTER TABLE cm_records DISABLE TRIGGER USER")
            yield
            self._sql("ALTER TABLE cm_records ENABLE TRIGGER USER")
            return
        triggers = self._sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cm_records'"
        )
        for name, _ in triggers:
            self._sql(f'DROP TRIGGER "{name}"')
        yield
        for _, sql in triggers:
            self._sql(sql)

    # ------------------------------------------------------------------ transactions

    def _begin(self) -> None:
        self._memo = None
        self._db_begin()
        self._tx = _Tx()
        if self._sealer is not None:
            try:
                self._check_index_key()
            except BaseException:
                self._abandon()
                raise

    def _check_index_key(self) -> None:
        """Refuse to write with a blind-index key the store no longer uses (`rotate_index_key`
        run by another process). On PostgreSQL the row is read with a share lock, which the
        rotation waits for and which waits for a rotation in progress."""
        assert self._sealer is not None
        share = " FOR SHARE" if self.dialect == "postgresql" else ""
        rows = self._sql(f"SELECT value FROM cm_meta WHERE key = 'encryption.index_key'{share}")
        self._sealer.check_index_key(str(rows[0][0]) if rows else None)

    def _commit(self) -> None:
        tx = self._tx
        if tx is not None:
            # what the transaction looked up is not read again: freed before its rows are
            # encoded, the peak memory of a bulk batch's commit
            tx.index = {}
            tx.keys = {}
            tx.groups = {}
            tx.records = {}
        try:
            self._flush()
            self._db_commit()
        except BaseException:
            self._abandon()
            raise
        tx = self._tx
        self._tx = None
        self._bulk = False
        if tx is not None:
            self._trim()

    def _rollback(self) -> None:
        self._abandon()

    def _abandon(self) -> None:
        tx = self._tx
        self._tx = None
        self._bulk = False
        self._db_rollback()
        if tx is not None:
            for customer_id in {*tx.loaded, *tx.pending, *tx.created}:
                self._cache.pop(customer_id, None)

    def _close(self) -> None:
        if self._tx is not None:
            self._abandon()
        self._cache.clear()
        self._db_close()

    def _require_tx(self) -> _Tx:
        tx = self._tx
        if tx is None:  # pragma: no cover - BaseStore writes inside transactions only
            raise StoreError(
                "A write outside a transaction.", code="store.sql", message_zh="事务外写入。"
            )
        return tx

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """A statement that must see every earlier write of the transaction (the log and
        index rows still collected are sent first when it touches their tables)."""
        tx = self._tx
        if tx is not None and (tx.record_rows or tx.index_ops) and _touches_rows(sql):
            self._flush_rows(tx)
        return self._sql(sql, params)

    # ------------------------------------------------------------------ writing out

    def _flush(self) -> None:
        tx = self._tx
        if tx is None:
            return
        self._flush_rows(tx)
        self._flush_audit(tx)
        if not tx.pending:
            return
        inserts = []
        updates = []
        seal = None if self._sealer is None else self._sealer.seal_fields
        for customer_id, state in tx.pending.items():
            text = encode_view(state, seal)
            if customer_id in tx.created:
                inserts.append((customer_id, 1, state.size, text))
                tx.versions[customer_id] = 1
            else:
                updates.append((state.size, text, customer_id))
                if customer_id in tx.versions:
                    tx.versions[customer_id] += 1
        # in id order, as the table's index is: each page is then visited once
        if inserts:
            inserts.sort()
            self._insert_rows("cm_customers", _CUSTOMER_COLUMNS, inserts)
        if updates:
            updates.sort(key=_third)
            self._update_customers(updates)
        for customer_id, state in tx.pending.items():
            version = tx.versions.get(customer_id)
            if version is None:
                self._cache.pop(customer_id, None)
            else:
                self._remember(customer_id, version, state)
            tx.loaded.add(customer_id)
        tx.pending.clear()
        tx.created.clear()

    def _flush_rows(self, tx: _Tx) -> None:
        if tx.record_rows:
            if self._sealer is None:
                rows = [
                    (key[0], key[1], customer_id, *_record_text(record))
                    for key, (customer_id, record) in tx.record_rows.items()
                ]
            else:
                encode = self._encode_record
                rows = [
                    (key[0], key[1], customer_id, data["provenance"]["observed_at"], _dumps(data))
                    for key, (customer_id, record) in tx.record_rows.items()
                    for data in (encode(record),)
                ]
            tx.record_rows = {}
            self._insert_rows("cm_records", _RECORD_COLUMNS, rows)
        if tx.index_ops:
            ops = tx.index_ops
            tx.index_ops = {}
            tx.op_keys = {}
            tx.op_customers = {}
            tx.op_seen = 0
            # in key order, as the table is: each page is then visited once
            deletes = sorted(row for row, insert in ops.items() if not insert)
            inserts = sorted(row for row, insert in ops.items() if insert)
            sealer = self._sealer
            if sealer is not None:
                deletes = [self._blind_row(row) for row in deletes]
                sealed = [
                    (kind, sealer.blind(kind, key), cid, payload, grp, sealer.seal_key(kind, key))
                    if kind in SEALED_KINDS
                    else (kind, key, cid, payload, grp, None)
                    for kind, key, cid, payload, grp in inserts
                ]
            if deletes:
                self._delete_index_rows(deletes)
            if inserts and sealer is not None:
                self._insert_rows("cm_index", _INDEX_COLUMNS, sealed, ignore_duplicates=True)
            elif inserts:  # ``sealed`` is NULL
                self._insert_rows("cm_index", _INDEX_COLUMNS[:5], inserts, ignore_duplicates=True)

    def _flush_audit(self, tx: _Tx) -> None:
        if tx.audit_rows:
            rows = tx.audit_rows
            tx.audit_rows = []
            self._insert_rows("cm_audit", _AUDIT_COLUMNS, rows)

    def _encode_record(self, record: SourceRecord) -> dict[str, Any]:
        data = encode_record(record)
        if self._sealer is not None:
            self._sealer.seal_fields(data)
        return data

    def _blind_row(self, row: tuple[str, str, str, str, str]) -> tuple[str, str, str, str, str]:
        """An index row as stored: the key of a sealed kind replaced by its blind index."""
        sealer = self._sealer
        if sealer is None or row[0] not in SEALED_KINDS:
            return row
        return (row[0], sealer.blind(row[0], row[1]), *row[2:])

    def _key(self, kind: str, key: str) -> str:
        """The stored key of an index entry (a blind index for sealed kinds)."""
        sealer = self._sealer
        if sealer is None or kind not in SEALED_KINDS:
            return key
        return sealer.blind(kind, key)

    def _unseal(self, kind: str, key: str, sealed: str | None) -> str:
        """An index key as read back: the plaintext of a sealed key."""
        if sealed is None:
            return key
        if self._sealer is None:
            raise encrypted_error()
        return self._sealer.open_key(kind, sealed)

    def _insert_rows(
        self,
        table: str,
        columns: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[Any]],
        *,
        ignore_duplicates: bool = False,
    ) -> None:
        """Insert many rows (``columns``: name and SQL type) in as few statements as can be."""
        names = ", ".join(name for name, _ in columns)
        marks = ", ".join("?" for _ in columns)
        conflict = " ON CONFLICT DO NOTHING" if ignore_duplicates else ""
        self._sql_many(f"INSERT INTO {table} ({names}) VALUES ({marks}){conflict}", rows)

    def _delete_index_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """Delete index rows given whole."""
        self._sql_many(
            "DELETE FROM cm_index WHERE kind = ? AND key = ? AND customer_id = ? "
            "AND payload = ? AND grp = ?",
            rows,
        )

    def _update_customers(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Write ``(size, view, id)`` of customers, incrementing their versions."""
        self._sql_many(
            "UPDATE cm_customers SET version = version + 1, size = ?, state = ? WHERE id = ?",
            rows,
        )

    def _remember(self, customer_id: str, version: int, state: GoldenState) -> None:
        cache = self._cache
        cache[customer_id] = (version, state)
        cache.move_to_end(customer_id)

    def _trim(self) -> None:
        cache = self._cache
        while len(cache) > self._cache_size:
            cache.popitem(last=False)

    # ------------------------------------------------------------------ customers

    def _new_customer_id(self) -> str:
        tx = self._tx
        taken = None if tx is None else tx.numbers.get("customer")
        number = taken.pop() if taken else self._take_number("customer")
        customer_id = f"C{number:08d}"
        if tx is not None:
            tx.fresh.add(customer_id)
            tx.pair_free.add(customer_id)
            tx.keys[customer_id] = {}
        return customer_id

    def _load_state(self, customer_id: str) -> GoldenState | None:
        tx = self._tx
        if tx is not None:
            pending = tx.pending.get(customer_id)
            if pending is not None:
                return pending
            if customer_id in tx.loaded:
                cached = self._cache.get(customer_id)
                if cached is not None:
                    return cached[1]
        else:
            self._sync()
        cached = self._cache.get(customer_id)
        if self._shared_cache and cached is not None:
            if tx is not None:
                tx.loaded.add(customer_id)
                tx.versions[customer_id] = cached[0]
            self._cache.move_to_end(customer_id)
            return cached[1]
        if tx is None and cached is None:
            return self._read_state(customer_id)
        lock = self._for_update if tx is not None else ""
        rows = self._run(f"SELECT version FROM cm_customers WHERE id = ?{lock}", (customer_id,))
        if not rows:
            self._cache.pop(customer_id, None)
            return None
        version = int(rows[0][0])
        if cached is not None and cached[0] == version:
            state = cached[1]
        else:
            state = self._rebuild(customer_id)
        self._remember(customer_id, version, state)
        if tx is not None:
            tx.loaded.add(customer_id)
            tx.versions[customer_id] = version
        else:
            self._trim()
        return state

    def _read_state(self, customer_id: str) -> GoldenState | None:
        """`_load_state` outside a transaction for a customer not in the cache: its version,
        records and events in one statement (one snapshot, one round trip), or None."""
        rows = self._sql(
            f"{_STATE_ROWS} UNION ALL SELECT 2, version, '', '', '' FROM cm_customers "
            "WHERE id = ? ORDER BY 1, 2",
            (customer_id, customer_id, customer_id),
        )
        if not rows or rows[-1][0] != 2:
            return None
        version = int(rows.pop()[1])
        state = self._built(customer_id, rows)
        self._remember(customer_id, version, state)
        self._trim()
        return state

    def _rebuild(self, customer_id: str) -> GoldenState:
        """A customer's state computed from its records and events (the log is the truth)."""
        rows = self._run(f"{_STATE_ROWS} ORDER BY 1, 2", (customer_id, customer_id))
        return self._built(customer_id, rows)

    def _built(self, customer_id: str, rows: Sequence[tuple[Any, ...]]) -> GoldenState:
        """The state from `_STATE_ROWS` rows, records before events.

        Outside a transaction the records are kept for the `_records_of` call that reading a
        customer makes next (`BaseStore.get`), so that they are read once.
        """
        records = [self._record(body, (a, b)) for k, _, a, b, body in rows if k == 0]
        events = [self._event(body, a) for k, _, a, _, body in rows if k == 1]
        if self._tx is None:
            self._memo = (customer_id, records)
        return build(records, events, self.merge_policy)

    def _bad_row(self, table: str, ident: str) -> StoreError:
        return StoreError(
            f"The store {self._where()} holds a row of {table} ({ident[:40]}) that cannot be "
            "read back; restore it from a backup or an export.",
            code="store.stored_data",
            message_zh=f"存储 {self._where()} 中 {table} 的一行无法读取；请从备份或导出文件恢复。",
        )

    def _where(self) -> str:
        """The store's location for messages (no password)."""
        return self.url

    def _save_state(
        self, customer_id: str, state: GoldenState, *, created: bool, replace: bool = False
    ) -> None:
        tx = self._require_tx()
        tx.pending[customer_id] = state
        if created:
            tx.created.add(customer_id)

    def _drop_customer(self, customer_id: str) -> None:
        tx = self._require_tx()
        tx.pending.pop(customer_id, None)
        self._cache.pop(customer_id, None)
        tx.loaded.discard(customer_id)
        tx.keys[customer_id] = {}
        if customer_id in tx.created:
            tx.created.discard(customer_id)
            return
        self._run("DELETE FROM cm_customers WHERE id = ?", (customer_id,))

    def _customer_ids(self) -> Iterator[str]:
        self._flush()
        after = ""
        while True:
            rows = self._run(
                "SELECT id FROM cm_customers WHERE id > ? ORDER BY id LIMIT ?", (after, _ID_PAGE)
            )
            for (customer_id,) in rows:
                yield customer_id
            if len(rows) < _ID_PAGE:
                return
            after = rows[-1][0]

    # ------------------------------------------------------------------ the log

    def _find_record(self, key: tuple[str, str]) -> tuple[str, SourceRecord] | None:
        tx = self._tx
        if tx is not None:
            written = tx.record_rows.get(key)
            if written is not None:
                return written
            if key in tx.records:
                found = tx.records[key]
                if found is None:
                    return None
                return found[0], self._record(found[1], key)
            self._lock([("record", f"{key[0]}\x1f{key[1]}")])
        # the log's unsent rows were looked at above: the database answers for the others
        rows = self._sql(
            "SELECT customer_id, body FROM cm_records WHERE channel = ? AND source_ref = ?", key
        )
        if not rows:
            return None
        return rows[0][0], self._record(rows[0][1], key)

    def _record(self, body: Any, key: tuple[str, str]) -> SourceRecord:
        try:
            data = json.loads(body)
            if self._sealer is not None:
                open_fields(data, self._sealer)
            return decode_record(data)
        except (ValueError, StructureError):
            raise self._bad_row("cm_records", f"{key[0]}/{key[1]}") from None

    def _append_record(self, customer_id: str, record: SourceRecord) -> None:
        tx = self._require_tx()
        tx.record_rows[record.provenance.key] = (customer_id, record)

    def _records_of(self, customer_id: str) -> Sequence[SourceRecord]:
        memo = self._memo
        if memo is not None:
            self._memo = None
            if memo[0] == customer_id and self._tx is None:
                return memo[1]
        rows = self._run(
            "SELECT channel, source_ref, body FROM cm_records WHERE customer_id = ? ORDER BY seq",
            (customer_id,),
        )
        return [self._record(body, (channel, ref)) for channel, ref, body in rows]

    def _move_records(self, keys: Iterable[tuple[str, str]], from_id: str, to_id: str) -> None:
        rows = [(to_id, channel, ref) for channel, ref in keys]
        if rows:
            tx = self._require_tx()
            self._flush_rows(tx)
            self._sql_many(
                "UPDATE cm_records SET customer_id = ? WHERE channel = ? AND source_ref = ?", rows
            )
            for _, channel, ref in rows:
                found = tx.records.get((channel, ref))
                if found is not None:
                    tx.records[(channel, ref)] = (to_id, found[1])

    # ------------------------------------------------------------------ indexes

    def _lock_entries(self, entries: Iterable[tuple[str, str]]) -> None:
        if not self._locks_keys:  # SQLite serialises writers: no key locks to compute
            return
        wanted = [(_FAMILY[kind], key) for kind, key in entries if kind in _FAMILY]
        if wanted:
            self._lock(wanted)

    def _index_add(self, customer_id: str, entries: Iterable[IndexEntry]) -> None:
        tx = self._require_tx()
        rows = [
            (e.kind, e.key, customer_id, _encode_payload(e.payload), e.group or "") for e in entries
        ]
        if self._locks_keys:
            self._lock_entries((row[0], row[1]) for row in rows)
        # `_cache_add` and `_op` for each row, written out: this runs for every entry of
        # every record ingested
        index = tx.index
        keys = tx.keys.get(customer_id)
        ops = tx.index_ops
        for row in rows:
            kind, key, _, payload, _ = row
            cached = index.get((kind, key))
            if cached is not None and (customer_id, payload) not in cached:
                cached.append((customer_id, payload))
            if keys is not None and kind in _KEYED and payload != "held":
                found = keys.get(kind)
                if found is None:
                    keys[kind] = {key}
                else:
                    found.add(key)
            ops[row] = True

    def _cache_add(self, tx: _Tx, row: tuple[str, str, str, str, str]) -> None:
        kind, key, customer_id, payload, _ = row
        cached = tx.index.get((kind, key))
        if cached is not None and (customer_id, payload) not in cached:
            cached.append((customer_id, payload))
        keys = tx.keys.get(customer_id)
        if keys is not None and kind in _KEYED and payload != "held":
            keys.setdefault(kind, set()).add(key)

    def _cache_remove(self, tx: _Tx, row: tuple[str, str, str, str, str]) -> None:
        kind, key, customer_id, payload, _ = row
        cached = tx.index.get((kind, key))
        if cached is not None and (customer_id, payload) in cached:
            cached.remove((customer_id, payload))

    @staticmethod
    def _op(tx: _Tx, row: tuple[str, str, str, str, str], insert: bool) -> None:
        """Collect an index row to insert (or delete) when the transaction's rows are sent."""
        tx.index_ops[row] = insert

    @staticmethod
    def _pending(tx: _Tx) -> _Tx:
        """``tx`` with ``op_keys`` and ``op_customers`` listing every row of ``index_ops``.

        A row collected again keeps its place in ``index_ops`` (only its flag changes), so
        the rows not listed yet are those after the first ``op_seen``.
        """
        ops = tx.index_ops
        if tx.op_seen < len(ops):
            by_key = tx.op_keys
            by_customer = tx.op_customers
            for row in islice(ops, tx.op_seen, None):
                by_key.setdefault((row[0], row[1]), []).append(row)
                by_customer.setdefault(row[2], []).append(row)
            tx.op_seen = len(ops)
        return tx

    @staticmethod
    def _overlay(
        tx: _Tx,
        stored: Iterable[tuple[str, str, str, str, str]],
        pending: Iterable[tuple[str, str, str, str, str]],
    ) -> set[tuple[str, str, str, str, str]]:
        """The index rows ``stored`` in the database as the unsent writes ``pending`` leave them."""
        live = set(stored)
        ops = tx.index_ops
        for row in pending:
            if ops[row]:
                live.add(row)
            else:
                live.discard(row)
        return live

    def _index_replace(self, customer_id: str, group: str, entries: Iterable[IndexEntry]) -> None:
        tx = self._require_tx()
        new = []
        # a policy's plate and VIN entries share one cover: encoded once
        last: Any = _NOTHING
        text = ""
        for entry in entries:
            if entry.payload is not last:
                last = entry.payload
                text = _encode_payload(last)
            new.append((entry.kind, entry.key, text))
        old = tx.groups.get((customer_id, group))
        if old is None:
            if customer_id in tx.fresh or customer_id in tx.grouped:
                old = []
            else:
                rows = self._sql(
                    "SELECT kind, key, payload FROM cm_index WHERE customer_id = ? AND grp = ?",
                    (customer_id, group),
                )
                live = self._overlay(
                    tx,
                    [(kind, key, customer_id, payload, group) for kind, key, payload in rows],
                    [
                        r
                        for r in self._pending(tx).op_customers.get(customer_id, ())
                        if r[4] == group
                    ],
                )
                old = sorted((kind, key, payload) for kind, key, _, payload, _ in live)
        if len(old) == len(new) and sorted(old) == sorted(new):
            tx.groups[(customer_id, group)] = old
            return
        if self._locks_keys:
            self._lock_entries([(k, key) for k, key, _ in old] + [(k, key) for k, key, _ in new])
        ops = tx.index_ops
        for kind, key, payload in old:
            row = (kind, key, customer_id, payload, group)
            self._cache_remove(tx, row)
            ops[row] = False
        for kind, key, payload in new:
            row = (kind, key, customer_id, payload, group)
            self._cache_add(tx, row)
            ops[row] = True
        tx.groups[(customer_id, group)] = new

    def _take_index_rows(self, customer_id: str) -> Sequence[Sequence[Any]]:
        """Delete a customer's index rows and answer them (kind, key, group, sealed key).

        The keys are locked afterwards (`_index_drop`): the customer's own row is locked
        already, so no other writer changes its index rows meanwhile. PostgreSQL does it in
        one ``DELETE … RETURNING``."""
        rows = list(
            self._run(
                "SELECT kind, key, grp, sealed FROM cm_index WHERE customer_id = ?", (customer_id,)
            )
        )
        self._run("DELETE FROM cm_index WHERE customer_id = ?", (customer_id,))
        return rows

    def _index_drop(self, customer_id: str) -> None:
        tx = self._require_tx()
        rows = [
            (kind, self._unseal(kind, key, sealed), group)
            for kind, key, group, sealed in self._take_index_rows(customer_id)
        ]
        self._lock_entries([(kind, key) for kind, key, _ in rows])
        for kind, key, group in rows:
            cached = tx.index.get((kind, key))
            if cached is not None:
                cached[:] = [item for item in cached if item[0] != customer_id]
            tx.groups.pop((customer_id, group), None)
        tx.keys[customer_id] = {}
        tx.grouped.add(customer_id)

    def _index_find(self, kind: str, key: str) -> list[tuple[str, Any]]:
        tx = self._tx
        cached = None if tx is None else tx.index.get((kind, key))
        if cached is None:
            if tx is not None:
                self._lock_entries([(kind, key)])
            pending = None if tx is None else self._pending(tx).op_keys.get((kind, key))
            if pending:
                rows = self._sql(
                    "SELECT customer_id, payload, grp FROM cm_index WHERE kind = ? AND key = ?",
                    (kind, self._key(kind, key)),
                )
                assert tx is not None
                live = self._overlay(
                    tx, [(kind, key, cid, payload, grp) for cid, payload, grp in rows], pending
                )
                found = sorted({(row[2], row[3]) for row in live})
            else:
                # the database's rows are the answer: unsent writes touch other keys only
                rows = self._sql(
                    "SELECT customer_id, payload FROM cm_index WHERE kind = ? AND key = ? "
                    "ORDER BY customer_id, payload",
                    (kind, self._key(kind, key)),
                )
                found = list(dict.fromkeys((cid, payload) for cid, payload in rows))
        elif len(cached) < 2:
            found = cached
        else:
            found = sorted(set(cached))
        return [(cid, _decode_payload(kind, payload)) for cid, payload in found]

    def _index_keys(self, customer_id: str, kind: str) -> set[str]:
        if kind not in _KEYED:
            return set()
        tx = self._tx
        if tx is not None:
            keys = tx.keys.get(customer_id)
            if keys is not None:
                return set(keys.get(kind, ()))
        rows = [
            (self._unseal(kind, key, sealed), payload, grp)
            for key, payload, grp, sealed in self._sql(
                "SELECT key, payload, grp, sealed FROM cm_index WHERE customer_id = ? "
                "AND kind = ? AND payload <> 'held'",
                (customer_id, kind),
            )
        ]
        if tx is None or customer_id not in self._pending(tx).op_customers:
            return {key for key, _, _ in rows}
        live = self._overlay(
            tx,
            [(kind, key, customer_id, payload, grp) for key, payload, grp in rows],
            [r for r in tx.op_customers[customer_id] if r[0] == kind and r[3] != "held"],
        )
        return {row[1] for row in live}

    # ------------------------------------------------------------------ aliases

    def _set_alias(self, alias: str, target: str) -> None:
        tx = self._require_tx()
        tx.no_aliases = False
        self._run(
            "INSERT INTO cm_aliases (alias, target) VALUES (?, ?) "
            "ON CONFLICT (alias) DO UPDATE SET target = excluded.target",
            (alias, target),
        )
        self._run("UPDATE cm_aliases SET target = ? WHERE target = ?", (target, alias))

    def _drop_alias(self, alias: str) -> None:
        self._run("DELETE FROM cm_aliases WHERE alias = ?", (alias,))

    def _alias_of(self, customer_id: str) -> str | None:
        tx = self._tx
        if tx is not None and tx.no_aliases:
            return None
        rows = self._run("SELECT target FROM cm_aliases WHERE alias = ?", (customer_id,))
        return None if not rows else str(rows[0][0])

    # ------------------------------------------------------------------ pairs and decisions

    def _new_pair_id(self) -> str:
        tx = self._tx
        taken = None if tx is None else tx.numbers.get("pair")
        pair_id = f"P{taken.pop() if taken else self._take_number('pair'):08d}"
        if tx is not None:
            tx.new_pairs.add(pair_id)
        return pair_id

    def _saved_mark(self) -> tuple[str, list[Any]]:
        """SQL for the next ``saved`` number of a pair, and its parameters."""
        return "?", [self._take_number("pair_saved")]

    def _save_pair(self, pair: CandidatePair) -> None:
        tx = self._require_tx()
        key_a, key_b = pair.key
        mark, saved = self._saved_mark()
        self._run(
            "INSERT INTO cm_pairs (id, a, b, key_a, key_b, status, saved, body) "
            f"VALUES (?, ?, ?, ?, ?, ?, {mark}, ?) ON CONFLICT (id) DO UPDATE SET a = excluded.a, "
            "b = excluded.b, key_a = excluded.key_a, key_b = excluded.key_b, "
            "status = excluded.status, saved = excluded.saved, body = excluded.body",
            (pair.id, pair.a, pair.b, key_a, key_b, pair.status.value, *saved, to_json(pair)),
        )
        if pair.id not in tx.new_pairs:
            tx.pair_keys.clear()
        tx.pair_keys[pair.key] = pair
        tx.pair_free.discard(pair.a)
        tx.pair_free.discard(pair.b)

    def _pair(self, body: Any, ident: str) -> CandidatePair:
        try:
            return from_json(CandidatePair, body)
        except StructureError:
            raise self._bad_row("cm_pairs", ident) from None

    def _get_pair(self, pair_id: str) -> CandidatePair | None:
        if not isinstance(pair_id, str):
            return None
        lock = self._for_update if self._tx is not None else ""
        rows = self._run(f"SELECT body FROM cm_pairs WHERE id = ?{lock}", (pair_id,))
        return None if not rows else self._pair(rows[0][0], pair_id)

    def _pair_between(self, key: tuple[str, str]) -> CandidatePair | None:
        tx = self._tx
        if tx is not None:
            if key in tx.pair_keys:
                return tx.pair_keys[key]
            if key[0] in tx.pair_free or key[1] in tx.pair_free:
                return None
        rows = self._run(
            "SELECT id, body FROM cm_pairs WHERE key_a = ? AND key_b = ? "
            "ORDER BY saved DESC LIMIT 1",
            key,
        )
        found = None if not rows else self._pair(rows[0][1], rows[0][0])
        if tx is not None:
            tx.pair_keys[key] = found
        return found

    def _pairs(
        self, status: PairStatus | None, customer_id: str | None = None
    ) -> list[CandidatePair]:
        where = []
        params: list[Any] = []
        if status is not None:
            where.append("status = ?")
            params.append(status.value)
        if customer_id is not None:
            where.append(
                "id IN (SELECT id FROM cm_pairs WHERE a = ? "
                "UNION SELECT id FROM cm_pairs WHERE b = ?)"
            )
            params += [customer_id, customer_id]
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._run(f"SELECT id, body FROM cm_pairs{condition} ORDER BY id", params)
        return [self._pair(body, ident) for ident, body in rows]

    def _save_decision(self, decision: Decision) -> None:
        tx = self._require_tx()
        tx.no_decisions = False
        tx.decided[decision.key] = decision
        key_a, key_b = decision.key
        self._run(
            "INSERT INTO cm_decisions (a, b, key_a, key_b, body) VALUES (?, ?, ?, ?, ?)",
            (decision.a, decision.b, key_a, key_b, to_json(decision)),
        )

    def _decision(self, body: Any, ident: Any) -> Decision:
        try:
            return from_json(Decision, body)
        except StructureError:
            raise self._bad_row("cm_decisions", str(ident)) from None

    def _decision_between(self, key: tuple[str, str]) -> Decision | None:
        tx = self._tx
        if tx is not None:
            if key in tx.decided:
                return tx.decided[key]
            if tx.no_decisions:
                return None
        rows = self._run(
            "SELECT seq, body FROM cm_decisions WHERE key_a = ? AND key_b = ? "
            "ORDER BY seq DESC LIMIT 1",
            key,
        )
        found = None if not rows else self._decision(rows[0][1], rows[0][0])
        if tx is not None:
            tx.decided[key] = found
        return found

    def _decisions(self, customer_id: str) -> list[Decision]:
        rows = self._run(
            "SELECT seq, body FROM cm_decisions WHERE seq IN (SELECT seq FROM cm_decisions "
            "WHERE a = ? UNION SELECT seq FROM cm_decisions WHERE b = ?) ORDER BY seq",
            (customer_id, customer_id),
        )
        return [self._decision(body, seq) for seq, body in rows]

    # ------------------------------------------------------------------ events

    def _find_event(self, event_id: str) -> str | None:
        rows = self._run("SELECT customer_id FROM cm_events WHERE id = ?", (event_id,))
        return None if not rows else str(rows[0][0])

    def _append_event(self, customer_id: str, event: ContactEvent) -> None:
        self._run(
            "INSERT INTO cm_events (id, customer_id, contact_value, at, body) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "customer_id = excluded.customer_id",
            (event.id, customer_id, event.contact_value, event.at.isoformat(), to_json(event)),
        )

    def _events(self, customer_id: str | None, contact: str | None) -> list[ContactEvent]:
        where = []
        params: list[Any] = []
        if customer_id is not None:
            where.append("customer_id = ?")
            params.append(customer_id)
        if contact is not None:
            where.append("contact_value = ?")
            params.append(contact)
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._run(f"SELECT id, body FROM cm_events{condition} ORDER BY id", params)
        return [self._event(body, ident) for ident, body in rows]

    def _event(self, body: Any, ident: Any) -> ContactEvent:
        try:
            return from_json(ContactEvent, body)
        except StructureError:
            raise self._bad_row("cm_events", str(ident)) from None

    def _move_event(self, event_id: str, customer_id: str) -> None:
        self._run("UPDATE cm_events SET customer_id = ? WHERE id = ?", (customer_id, event_id))

    # ------------------------------------------------------------------ subject rights

    def _redact_records(self, customer_id: str, records: Sequence[SourceRecord]) -> None:
        tx = self._require_tx()
        self._flush_rows(tx)
        rows = []
        for record in records:
            body = _dumps(encode_record(record))
            channel, ref = record.provenance.key
            rows.append((body, channel, ref, customer_id))
            if (channel, ref) in tx.records:
                tx.records[(channel, ref)] = (customer_id, body)
        if rows:
            self._sql_many(
                "UPDATE cm_records SET body = ?, erased = 1 "
                "WHERE channel = ? AND source_ref = ? AND customer_id = ?",
                rows,
            )

    def _drop_event(self, event_id: str) -> None:
        self._run("DELETE FROM cm_events WHERE id = ?", (event_id,))

    def _save_tombstone(self, tombstone: Tombstone) -> None:
        tx = self._require_tx()
        tx.subjects = None
        self._run(
            "INSERT INTO cm_tombstones (customer_id, erased_at, body) VALUES (?, ?, ?)",
            (
                tombstone.customer_id,
                tombstone.erased_at.isoformat(),
                json.dumps(tombstone.to_dict(), ensure_ascii=False),
            ),
        )

    def _tombstone(self, customer_id: str) -> Tombstone | None:
        rows = self._run("SELECT body FROM cm_tombstones WHERE customer_id = ?", (customer_id,))
        if not rows:
            return None
        try:
            return Tombstone.from_dict(json.loads(rows[0][0]))
        except (ValueError, TypeError, KeyError):
            raise self._bad_row("cm_tombstones", customer_id) from None

    def _save_restriction(self, restriction: Restriction) -> None:
        tx = self._require_tx()
        tx.subjects = None
        self._run(
            "INSERT INTO cm_subject_flags (customer_id, flag, active, body) "
            "VALUES (?, 'restricted', ?, ?) ON CONFLICT (customer_id) DO UPDATE SET "
            "flag = excluded.flag, active = excluded.active, body = excluded.body",
            (
                restriction.customer_id,
                1 if restriction.active else 0,
                json.dumps(restriction.to_dict(), ensure_ascii=False),
            ),
        )

    def _restriction(self, customer_id: str) -> Restriction | None:
        rows = self._run(
            "SELECT body FROM cm_subject_flags WHERE customer_id = ? AND flag = 'restricted'",
            (customer_id,),
        )
        if not rows:
            return None
        try:
            return Restriction.from_dict(json.loads(rows[0][0]))
        except (ValueError, TypeError, KeyError):
            raise self._bad_row("cm_subject_flags", customer_id) from None

    def _subject_ids(self) -> tuple[frozenset[str], frozenset[str]]:
        tx = self._tx
        if tx is not None and tx.subjects is not None:
            return tx.subjects
        rows = self._sql(
            "SELECT customer_id, 'e' FROM cm_tombstones UNION ALL "
            "SELECT customer_id, 'r' FROM cm_subject_flags WHERE active = 1"
        )
        found = (
            frozenset(cid for cid, kind in rows if kind == "e"),
            frozenset(cid for cid, kind in rows if kind == "r"),
        )
        if tx is not None:
            tx.subjects = found
        return found

    # ------------------------------------------------------------------ counts

    _COUNTS: ClassVar[dict[str, str]] = {
        "customers": "SELECT count(*) FROM cm_customers",
        "records": "SELECT count(*) FROM cm_records WHERE erased = 0",
        "policies": "SELECT count(DISTINCT key) FROM cm_index WHERE kind = 'policy_no'",
        "events": "SELECT count(*) FROM cm_events",
        "candidates_open": "SELECT count(*) FROM cm_pairs WHERE status = 'open'",
        "decisions": "SELECT count(*) FROM cm_decisions",
        "aliases": "SELECT count(*) FROM cm_aliases",
        "erased": "SELECT count(*) FROM cm_tombstones",
        "restricted": "SELECT count(*) FROM cm_subject_flags WHERE active = 1",
    }

    def _count(self, kind: str) -> int:
        sql = self._COUNTS.get(kind)
        if sql is None:
            raise ValueError(kind)
        self._flush()
        return int(self._run(sql)[0][0])

    # ------------------------------------------------------------------ the audit log

    def _lock_audit(self) -> None:
        """Make concurrent writers take turns on the audit head until this transaction ends
        (PostgreSQL; SQLite serialises writers already)."""

    def _audit_head(self) -> Anchor:
        tx = self._tx
        if tx is not None and tx.audit_head is not None:
            return tx.audit_head
        if tx is not None:
            self._lock_audit()
        rows = self._sql("SELECT seq, hash FROM cm_audit ORDER BY seq DESC LIMIT 1")
        head = GENESIS if not rows else Anchor(int(rows[0][0]), str(rows[0][1]))
        if tx is not None:
            tx.audit_head = head
        return head

    def _audit_append(self, entry: AuditEntry) -> None:
        tx = self._require_tx()
        tx.audit_rows.append(_audit_row(entry))
        tx.audit_head = Anchor(entry.seq, entry.hash)

    def _audit_scan(
        self,
        customer_id: str | None,
        user: str | None,
        since: dt.datetime | None,
        until: dt.datetime | None,
        operation: str | None,
    ) -> Iterator[AuditEntry | Mapping[str, Any]]:
        where = []
        params: list[Any] = []
        for column, value in (
            ("customer_id = ?", customer_id),
            ('"user" = ?', user),
            ("operation = ?", operation),
        ):
            if value is not None:
                where.append(column)
                params.append(value)
        if since is not None:
            where.append("at >= ?")
            params.append(since.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"))
        if until is not None:
            where.append("at < ?")
            params.append(until.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"))
        tx = self._tx
        if tx is not None:
            self._flush_audit(tx)
            return self._audit_pages(where, params)
        return self._audit_snapshot(where, params)

    def _audit_snapshot(self, where: list[str], params: list[Any]) -> Iterator[dict[str, Any]]:
        with self._snapshot():
            yield from self._audit_pages(where, params)

    def _audit_pages(self, where: list[str], params: list[Any]) -> Iterator[dict[str, Any]]:
        """Matching ``cm_audit`` rows by ``seq``, a page at a time (a long log is streamed)."""
        last: int | None = None
        while True:
            conditions = list(where)
            values = list(params)
            if last is not None:
                conditions.append("seq > ?")
                values.append(last)
            condition = f" WHERE {' AND '.join(conditions)}" if conditions else ""
            rows = self._sql(
                f"SELECT {_AUDIT_SELECT} FROM cm_audit{condition} ORDER BY seq LIMIT {_ID_PAGE}",
                values,
            )
            for row in rows:
                yield _audit_dict(row)
            if len(rows) < _ID_PAGE:
                return
            last = int(rows[-1][0])

    # ------------------------------------------------------------------ bulk ingest

    def _prepare(self, records: Sequence[SourceRecord]) -> None:
        """Look up, in a few set-based queries, what ingesting ``records`` will read.

        Called by `ingest` inside the batch's transaction (`bulk_ingest`, an import's batch,
        any list of records); takes the locks of every key first (sorted, so that concurrent
        importers never deadlock on them), then fills the transaction's caches: the records'
        log entries, the index entries of their keys, the keys and group entries of the
        customers those name, and their states.
        """
        tx = self._require_tx()
        if len(records) >= _BULK_BATCH:
            self._bulk = True  # PostgreSQL takes customer numbers in blocks, not one per query
        tx.no_aliases = not self._sql("SELECT 1 FROM cm_aliases LIMIT 1")
        tx.no_decisions = not self._sql("SELECT 1 FROM cm_decisions LIMIT 1")
        if self._locks_keys:
            self._lock_batch(records)
        self._flush_rows(tx)
        # which records the log holds already: one query where each record would ask again
        keys = {record.provenance.key for record in records}
        wanted_keys = [k for k in keys if k not in tx.records and k not in tx.record_rows]
        tx.records.update(dict.fromkeys(wanted_keys))
        for channel, ref, customer_id, body in self._pair_rows(
            "SELECT channel, source_ref, customer_id, body FROM cm_records",
            ("channel", "source_ref"),
            wanted_keys,
        ):
            tx.records[(channel, ref)] = (customer_id, body)
        lookups: set[tuple[str, str]] = set()
        for record in records:
            lookups.update(_lookups(record))
        found: set[str] = set()
        index = tx.index
        wanted = [k for k in lookups if k not in index]
        index.update({k: [] for k in wanted})
        # stored (kind, key) -> key (a blind index of a sealed kind); None: the keys themselves
        stored = (
            {(kind, self._key(kind, key)): key for kind, key in wanted}
            if self._sealer is not None
            else None
        )
        for kind, key, customer_id, payload in self._pair_rows(
            "SELECT kind, key, customer_id, payload FROM cm_index",
            ("kind", "key"),
            wanted if stored is None else list(stored),
        ):
            index[(kind, key if stored is None else stored[(kind, key)])].append(
                (customer_id, payload)
            )
            found.add(customer_id)
        for value in tx.records.values():
            if value is not None:
                found.add(value[0])
        customers = sorted(c for c in found if c not in tx.keys and c not in tx.pending)
        # states first: PostgreSQL locks the customers there, so that their index rows read
        # next are those no other writer can change until this transaction ends
        self._prefetch_states(tx, customers)
        for customer_id in customers:
            tx.keys[customer_id] = {}
        groups: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for customer_id, kind, stored_key, payload, grp, sealed in self._customer_rows(customers):
            key = stored_key if sealed is None else self._unseal(kind, stored_key, sealed)
            if grp:
                groups.setdefault((customer_id, grp), []).append((kind, key, payload))
            if kind in _KEYED and payload != "held":
                tx.keys[customer_id].setdefault(kind, set()).add(key)
        for group_key, entries in groups.items():
            tx.groups.setdefault(group_key, entries)
        tx.grouped.update(customers)

    def _customer_rows(self, customers: Sequence[str]) -> list[tuple[Any, ...]]:
        """The index rows of ``customers`` a batch reads ahead, ``(customer_id, kind, key,
        payload, grp, sealed)``: their group entries and keys (`_KEYED`) at least."""
        rows: list[tuple[Any, ...]] = []
        for chunk in _chunks(customers, self._in_chunk):
            condition, params = self._in_list("customer_id", chunk)
            rows += self._sql(
                f"SELECT customer_id, kind, key, payload, grp, sealed FROM cm_index "
                f"WHERE {condition} AND (grp <> '' OR kind IN ({_KEYED_SQL}))",
                params,
            )
        return rows

    def _prefetch_states(self, tx: _Tx, customers: Sequence[str]) -> None:
        wanted = [c for c in customers if c not in tx.loaded]
        if self._shared_cache:
            wanted = [c for c in wanted if c not in self._cache]
        for chunk in _chunks(wanted, self._in_chunk):
            condition, params = self._in_list("id", chunk)
            rows = self._sql(
                f"SELECT id, version FROM cm_customers WHERE {condition} "
                f"ORDER BY id{self._for_update}",
                params,
            )
            stale = []
            for customer_id, version in rows:
                cached = self._cache.get(customer_id)
                if cached is not None and cached[0] == version:
                    self._cache.move_to_end(customer_id)
                else:
                    stale.append(customer_id)
                tx.loaded.add(customer_id)
                tx.versions[customer_id] = int(version)
            states = self._rebuild_many(stale)
            for customer_id, state in states.items():
                self._remember(customer_id, tx.versions[customer_id], state)

    def expiring_views(
        self, month: str, *, chunk: int = 2000
    ) -> Iterator[tuple[str, dict[str, StoredView | None]]]:
        """The policies the index lists as ending in ``month``, each with the stored views
        of the customers holding it (None for a view written by an older custmaster).

        For month-long exports: a chunk of policies at a time, each read with three
        set-based queries (the month's index entries, the holders, their views), and no
        golden state rebuilt from the log. The policies come in policy-number order; those
        naming a customer whose processing is restricted are left out. The views say what
        each customer's records give; a policy whose holders disagree is for `policy` to
        decide (`custmaster.workflows.renewals` does so).
        """
        self._check_open()
        month = checked_month(month)
        inside = self._tx is not None
        if inside:
            self._flush()  # the transaction's own changes, views included, read as written
        else:
            self._sync()
        numbers = sorted({p for _, p in self._index_find("cover_end", month)})
        restricted = self._subject_ids()[1]
        for start in range(0, len(numbers), chunk):
            part = numbers[start : start + chunk]
            with contextlib.nullcontext() if inside else self._snapshot():
                holders = self._policy_holders(part)
                wanted = sorted({c for ids in holders.values() for c in ids})
                views: dict[str, StoredView | None] = {}
                for ids in _chunks(wanted):
                    condition, params = self._in_list("id", ids)
                    for customer_id, text in self._sql(
                        f"SELECT id, state FROM cm_customers WHERE {condition}", params
                    ):
                        views[customer_id] = decode_view(customer_id, text)
            for number in part:
                ids = holders.get(number, ())
                if not ids or restricted.intersection(ids):
                    continue
                yield number, {cid: views[cid] for cid in ids if cid in views}

    def _index_find_many(self, kinds: Sequence[str], keys: Sequence[str]) -> dict[str, set[str]]:
        """`_index_find` of many keys outside a transaction: one statement per kind and chunk
        (inside one, the transaction's own entries count: key by key)."""
        if self._tx is not None:
            return super()._index_find_many(kinds, keys)
        found: dict[str, set[str]] = {key: set() for key in keys}
        for kind in kinds:
            stored = {self._key(kind, key): key for key in keys}
            for chunk in _chunks(list(stored)):
                condition, params = self._in_list("key", chunk)
                for key, customer_id in self._sql(
                    f"SELECT key, customer_id FROM cm_index WHERE kind = ? AND {condition}",
                    (kind, *params),
                ):
                    found[stored[key]].add(customer_id)
        return found

    def _current_names(self, customer_ids: Sequence[str]) -> dict[str, str | None]:
        """The names the customers' stored views hold, their summaries alone read (a view
        of an older format, or a read inside a transaction, goes through the state)."""
        if self._tx is not None:
            return super()._current_names(customer_ids)
        found: dict[str, str | None] = {}
        older: list[str] = []
        for ids in _chunks(list(customer_ids)):
            condition, params = self._in_list("id", ids)
            for customer_id, text in self._sql(
                f"SELECT id, state FROM cm_customers WHERE {condition}", params
            ):
                view = decode_view(customer_id, text)
                if view is None:
                    older.append(customer_id)
                    continue
                name = view.summary.name
                found[customer_id] = None if name is None else str(name)
        if older:
            found.update(super()._current_names(older))
        return {cid: found[cid] for cid in customer_ids if cid in found}

    def _policy_holders(self, numbers: Sequence[str]) -> dict[str, list[str]]:
        if self._tx is not None:
            return super()._policy_holders(numbers)
        found: dict[str, set[str]] = {number: set() for number in numbers}
        for chunk in _chunks(sorted(found)):
            condition, params = self._in_list("key", chunk)
            rows = self._sql(
                f"SELECT key, customer_id FROM cm_index WHERE kind = 'policy_no' AND {condition}",
                params,
            )
            for key, customer_id in rows:
                found[key].add(customer_id)
        return {number: sorted(ids) for number, ids in found.items()}

    def _load_states(self, customer_ids: Sequence[str]) -> dict[str, GoldenState]:
        """The states of many customers: their versions in one query per chunk, the stale or
        uncached ones rebuilt with one query for their records and one for their events."""
        if self._tx is not None:
            return super()._load_states(customer_ids)
        self._sync()
        self._memo = None
        found: dict[str, GoldenState] = {}
        for chunk in _chunks(sorted(set(customer_ids))):
            condition, params = self._in_list("id", chunk)
            with self._snapshot():  # versions and the log read as of one moment
                versions = {
                    str(cid): int(version)
                    for cid, version in self._sql(
                        f"SELECT id, version FROM cm_customers WHERE {condition}", params
                    )
                }
                stale = []
                for customer_id, version in versions.items():
                    cached = self._cache.get(customer_id)
                    if cached is not None and cached[0] == version:
                        found[customer_id] = cached[1]
                    else:
                        stale.append(customer_id)
                rebuilt = self._rebuild_many(stale)
            for customer_id, state in rebuilt.items():
                self._remember(customer_id, versions[customer_id], state)
                found[customer_id] = state
            self._trim()
        return found

    def _rebuild_many(self, customers: Sequence[str]) -> dict[str, GoldenState]:
        """`_rebuild` for many customers with one query for their records, one for events."""
        if not customers:
            return {}
        records: dict[str, list[SourceRecord]] = {c: [] for c in customers}
        events: dict[str, list[ContactEvent]] = {c: [] for c in customers}
        condition, params = self._in_list("customer_id", customers)
        rows = self._sql(
            f"SELECT customer_id, channel, source_ref, body FROM cm_records WHERE {condition} "
            "ORDER BY customer_id, seq",
            params,
        )
        for customer_id, channel, ref, body in rows:
            records[customer_id].append(self._record(body, (channel, ref)))
        rows = self._sql(
            f"SELECT customer_id, id, body FROM cm_events WHERE {condition} ORDER BY id", params
        )
        for customer_id, ident, body in rows:
            events[customer_id].append(self._event(body, ident))
        return {c: build(records[c], events[c], self.merge_policy) for c in customers}

    def bulk_ingest(
        self,
        records: Iterable[SourceRecord | Mapping[str, Any]],
        *,
        batch_size: int = BULK_BATCH_SIZE,
        on_batch: Callable[[Sequence[IngestResult]], object] | None = None,
        attempts: int = 10,
    ) -> BulkResult:
        """Ingest a stream of records in batches, each batch one transaction.

        Memory stays flat whatever the length of ``records`` (it is read one batch at a
        time). The default, `BULK_BATCH_SIZE`, suits a bulk load: the records of one customer
        that arrive close together in a source then share a transaction, so the customer's
        view and index entries are written once for all of them.

        A batch that meets a concurrent importer's lock (``store.conflict``) or a busy
        database (``store.busy``) is rolled back and run again, up to ``attempts`` times.
        ``on_batch`` is called with the results of each committed batch (where a batch
        would lock more than `max_locks` keys, with those of each part). Interrupted (even
        killed), an import loses at most its uncommitted batch; running it again completes
        it without duplicates (ingest is idempotent by channel and source reference).
        """
        if not isinstance(batch_size, int) or batch_size < 1:
            raise UsageError(
                "batch_size is a positive number of records.",
                code="store.batch_size",
                message_zh="batch_size 应为正整数。",
            )
        result = BulkResult()
        batch: list[SourceRecord | Mapping[str, Any]] = []
        offset = 0
        for item in records:
            batch.append(item)
            if len(batch) >= batch_size:
                self._ingest_batch(batch, result, offset, on_batch, attempts)
                offset += len(batch)
                batch = []
        if batch:
            self._ingest_batch(batch, result, offset, on_batch, attempts)
        return result

    def _ingest_batch(
        self,
        batch: list[SourceRecord | Mapping[str, Any]],
        result: BulkResult,
        offset: int,
        on_batch: Callable[[Sequence[IngestResult]], object] | None,
        attempts: int,
    ) -> None:
        if self._locks_keys and len(batch) > 1:
            pieces = self._within_lock_budget(batch)
            if len(pieces) > 1:
                for piece in pieces:
                    self._ingest_batch(piece, result, offset, on_batch, attempts)
                    offset += len(piece)
                return
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction():
                    self._bulk = True
                    results = self.ingest(batch)
            except StoreError as error:
                if error.code not in _RETRYABLE or attempt == attempts:
                    raise
                result.retries += 1
                time.sleep(min(2.0, 0.01 * 2**attempt) * (0.5 + random.random()))
                if error.code == "store.lock_space" and len(batch) > 1 and self.max_locks > 50:
                    # other sessions hold much of the server's lock table: lock less at once
                    self.max_locks = max(50, self.max_locks // 2)
                    self._ingest_batch(batch, result, offset, on_batch, max(1, attempts - attempt))
                    return
                continue
            result.add(results, offset)
            if on_batch is not None:
                on_batch(results)
            return

    def _within_lock_budget(
        self, batch: list[SourceRecord | Mapping[str, Any]]
    ) -> list[list[SourceRecord | Mapping[str, Any]]]:
        """``batch`` cut, in order, into pieces that each lock at most `max_locks` keys."""
        pieces: list[list[SourceRecord | Mapping[str, Any]]] = [[]]
        keys: set[tuple[str, str]] = set()
        for item in batch:
            mine = _lock_keys(item) if isinstance(item, SourceRecord) else []
            if pieces[-1] and len(keys.union(mine)) > self.max_locks:
                pieces.append([])
                keys = set()
            pieces[-1].append(item)
            keys.update(mine)
        return pieces

    # ------------------------------------------------------------------ JSONL

    def export_jsonl(self, path: str | os.PathLike[str]) -> dict[str, int]:
        """Write the whole store to a JSON Lines file, one object per line.

        Everything is exported from one consistent snapshot (writers may continue): the
        customers, the tombstones of erased customers and the restrictions of processing, every
        source record under its customer (an erased customer's redacted ones too), the index
        entries, aliases, candidate pairs, decisions, contact events and the audit log (each
        entry as stored, so the chain verifies in the copy), and the id counters. Returns the
        number of lines of each kind. `import_jsonl` reads the file into an empty store of
        any SQL adapter.
        """
        self._check_open()
        if self._tx is not None:
            raise UsageError(
                "Export outside a transaction.",
                code="store.export_in_transaction",
                message_zh="请在事务之外导出。",
            )
        counts: dict[str, int] = {}
        target = Path(path)
        with self._snapshot(), target.open("w", encoding="utf-8") as out:
            self._write(out, counts, {"kind": "header", "format": EXPORT_FORMAT})
            numbers = {k: v for k, v in self._counters().items() if k in _EXPORTED_COUNTERS}
            self._write(out, counts, {"kind": "counters", "counters": numbers})
            for (customer_id,) in self._pages("id", "cm_customers"):
                self._write(out, counts, {"kind": "customer", "id": customer_id})
            for _, body in self._pages("customer_id, body", "cm_tombstones"):
                self._write(out, counts, {"kind": "tombstone", **json.loads(body)})
            for _, body in self._pages("customer_id, body", "cm_subject_flags"):
                self._write(out, counts, {"kind": "restriction", **json.loads(body)})
            for _, customer_id, body in self._pages("seq, customer_id, body", "cm_records"):
                record = json.loads(body)
                self._write(out, counts, {"kind": "record", "customer": customer_id, **record})
            for *row, sealed in self._pages(
                "kind, key, customer_id, payload, grp, sealed", "cm_index", 5
            ):
                entry: dict[str, Any] = {"kind": "index", "entry": row}
                if sealed is not None:
                    entry["sealed"] = sealed
                self._write(out, counts, entry)
            for alias, target_id in self._pages("alias, target", "cm_aliases"):
                self._write(out, counts, {"kind": "alias", "alias": alias, "target": target_id})
            for _, body in self._pages("saved, body", "cm_pairs"):
                self._write(out, counts, {"kind": "pair", **json.loads(body)})
            for _, body in self._pages("seq, body", "cm_decisions"):
                self._write(out, counts, {"kind": "decision", **json.loads(body)})
            for _, customer_id, body in self._pages("id, customer_id, body", "cm_events"):
                event = json.loads(body)
                self._write(out, counts, {"kind": "event", "customer": customer_id, **event})
            for entry in self._audit_pages([], []):
                self._write(out, counts, {"kind": "audit", **entry})
            total = sum(counts.values()) + 1
            self._write(out, counts, {"kind": "end", "lines": total})
        return counts

    def _pages(self, columns: str, table: str, order: int = 1) -> Iterator[tuple[Any, ...]]:
        """Rows of ``table`` ordered by the first ``order`` columns (unique), page by page."""
        names = [c.strip() for c in columns.split(",")]
        key = ", ".join(names[:order])
        marks = ", ".join("?" * order)
        rows = self._sql(f"SELECT {columns} FROM {table} ORDER BY {key} LIMIT {_ID_PAGE}")
        while rows:
            yield from rows
            if len(rows) < _ID_PAGE:
                return
            rows = self._sql(
                f"SELECT {columns} FROM {table} WHERE ({key}) > ({marks}) "
                f"ORDER BY {key} LIMIT {_ID_PAGE}",
                rows[-1][:order],
            )

    @staticmethod
    def _write(out: TextIO, counts: dict[str, int], item: dict[str, Any]) -> None:
        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1

    def import_jsonl(self, path: str | os.PathLike[str]) -> dict[str, int]:
        """Read a file written by `export_jsonl` into this store, which must be empty.

        Every line is validated; the import is one transaction, so a bad or truncated file
        (its ``end`` line is missing or counts other lines) raises `StoreError`
        (``store.jsonl``, naming the line) and leaves the store empty. The customers' states
        are recomputed from their records and events. Returns the lines read by kind.
        """
        self._check_open()
        counts = self.counts()
        kinds = ("customers", "records", "events", "decisions", "aliases", "erased")
        if any(counts[k] for k in kinds) or self._audit_head().seq:
            raise StoreError(
                f"The store {self._where()} is not empty; import_jsonl needs an empty store.",
                code="store.not_empty",
                message_zh=f"存储 {self._where()} 不为空；import_jsonl 需要空存储。",
            )
        source = Path(path)
        read: dict[str, int] = {}
        try:
            handle = source.open("r", encoding="utf-8")
        except OSError as error:
            raise StoreError(
                f"Cannot read {source}: {error.strerror}.",
                code="store.jsonl",
                message_zh=f"无法读取 {source}：{error.strerror}。",
            ) from None
        self._import_erased = set()
        with handle, self.transaction():
            customers = self._import_lines(handle, source, read)
            self._flush_rows(self._require_tx())
            for customer_id in sorted(self._import_erased):
                self._sql("UPDATE cm_records SET erased = 1 WHERE customer_id = ?", (customer_id,))
            for chunk in _chunks(sorted(customers), 200):
                for customer_id in chunk:
                    state = build(
                        self._records_of(customer_id),
                        self._events(customer_id, None),
                        self.merge_policy,
                    )
                    self._save_state(customer_id, state, created=True)
                self._flush()
        return read

    def _import_lines(self, handle: TextIO, source: Path, read: dict[str, int]) -> set[str]:
        tx = self._require_tx()
        customers: set[str] = set()
        ended = False
        number = 0
        for number, line in enumerate(handle, start=1):
            where = f"{source.name}:{number}"
            if ended:
                raise _jsonl_error(where, "lines after the end line")
            try:
                item = json.loads(line)
                kind = item.pop("kind")
            except (ValueError, AttributeError, KeyError, TypeError):
                raise _jsonl_error(where, "not a JSON object with a kind") from None
            if number == 1 and (kind != "header" or item.get("format") != EXPORT_FORMAT):
                raise _jsonl_error(where, f"not a custmaster export (format {EXPORT_FORMAT})")
            try:
                ended = self._import_item(kind, item, tx, customers, number)
            except (StructureError, AuditError, ValueError, KeyError, TypeError) as error:
                if isinstance(error, (StructureError, AuditError)):
                    problem = error.code
                elif isinstance(error, _ImportFileError):
                    problem = str(error)
                else:
                    problem = "a value of the wrong form"
                raise _jsonl_error(where, f"{kind}: {problem}") from None
            read[kind] = read.get(kind, 0) + 1
        if not ended:
            raise _jsonl_error(f"{source.name}:{number}", "the end line is missing (truncated)")
        return customers

    def _import_item(
        self, kind: str, item: dict[str, Any], tx: _Tx, customers: set[str], number: int
    ) -> bool:
        if kind == "header":
            if number != 1:
                raise _ImportFileError("a second header")
        elif kind == "counters":
            self._restore_counters({str(k): int(v) for k, v in item["counters"].items()})
        elif kind == "customer":
            customers.add(_text(item["id"]))
        elif kind == "record":
            customer_id = _text(item.pop("customer"))
            if customer_id not in customers and customer_id not in self._import_erased:
                raise _ImportFileError("a record of a customer not listed before it")
            open_fields(item, self._sealer)
            record = from_dict(SourceRecord, item)
            if record.provenance.key in tx.record_rows:
                raise _ImportFileError("a record (channel and source reference) appears twice")
            tx.record_rows[record.provenance.key] = (customer_id, record)
        elif kind == "index":
            entry_kind, key, customer_id, payload, group = (_text(v) for v in item["entry"])
            sealed = item.get("sealed")
            if sealed is not None:
                key = self._unseal(entry_kind, key, _text(sealed))
            _decode_payload(entry_kind, payload)
            self._op(tx, (entry_kind, key, customer_id, payload, group), True)
        elif kind == "tombstone":
            tombstone = Tombstone.from_dict(item)
            if tombstone.customer_id in customers or tombstone.customer_id in self._import_erased:
                raise _ImportFileError("a tombstone of a listed customer")
            self._import_erased.add(tombstone.customer_id)
            self._save_tombstone(tombstone)
        elif kind == "restriction":
            self._save_restriction(Restriction.from_dict(item))
        elif kind == "alias":
            self._run(
                "INSERT INTO cm_aliases (alias, target) VALUES (?, ?)",
                (_text(item["alias"]), _text(item["target"])),
            )
        elif kind == "pair":
            pair = from_dict(CandidatePair, item)
            self._save_pair(pair)
        elif kind == "decision":
            self._save_decision(from_dict(Decision, item))
        elif kind == "event":
            customer_id = _text(item.pop("customer"))
            self._append_event(customer_id, from_dict(ContactEvent, item))
        elif kind == "audit":
            entry = AuditEntry.from_dict(item)
            tx.audit_rows.append(_audit_row(entry))
            tx.audit_head = Anchor(entry.seq, entry.hash)
        elif kind == "end":
            if item.get("lines") != number:
                raise _ImportFileError(
                    f"the end line counts {item.get('lines')!r} lines, not {number}"
                )
            return True
        else:
            raise _ImportFileError("an unknown kind of line")
        if len(tx.record_rows) + len(tx.index_ops) >= 5000:
            self._flush_rows(tx)
        if len(tx.audit_rows) >= 5000:
            self._flush_audit(tx)
        return False


class _ImportFileError(ValueError):
    """A problem of an import file that its message describes without any value."""


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value


def _jsonl_error(where: str, problem: str) -> StoreError:
    return StoreError(
        f"{where}: {problem}; nothing was imported.",
        code="store.jsonl",
        message_zh=f"{where}：{problem}；未导入任何数据。",
    )


def lock_hash(namespace: str, family: str, key: str) -> int:
    """A signed 64-bit number for an advisory lock on one key of one store."""
    digest = hashlib.blake2b(f"{namespace}\x1e{family}\x1e{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
