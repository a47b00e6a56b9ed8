"""The audit log: an append-only chain of entries, each sealed with the hash of the one before.

Every operation on personal data leaves an `AuditEntry`: who (``user``), what
(``operation``), which customer and which fields (names only: the values of C2 and C3 fields
never enter the log), when (``at``, UTC), through which ``channel``, and a small ``detail``
of non-personal facts (a row count, a reason code). Reveals and exports are entries too.

Each entry's ``hash`` is the SHA-256 of the canonical JSON of its content, which includes
``prev_hash``, the hash of the entry before (``GENESIS_HASH`` for the first). `verify`
recomputes the chain and says where it breaks:

* an entry changed in place: its hash no longer matches its content (``audit.altered``);
* an entry changed and re-hashed, inserted, deleted or moved: the next entry's ``prev_hash``
  no longer matches (``audit.broken_link``), and the sequence numbers jump (``audit.gap``)
  or go back (``audit.out_of_order``);
* entries deleted from the end, or the whole chain rewritten from some point on: detectable
  only against a head anchored elsewhere (`Anchor`: the last sequence number and hash,
  printed in a report, kept by another system): pass it as ``expected_head``
  (``audit.truncated``, ``audit.head_mismatch``).

This module is pure: `AuditChain` makes entries, the store keeps them in the same
transaction as the change they describe (`AuditEntry.to_dict` / `AuditEntry.from_dict`).

>>> import datetime as dt
>>> chain = AuditChain(clock=lambda: dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc))
>>> first = chain.append("wang.fang", "entry", customer_id="C000001",
...                      fields=["mobile", "name"], channel="counter")
>>> second = chain.append("li.na", "reveal", customer_id="C000001", fields=["resident_id"],
...                       detail={"reason": "callback"})
>>> first.seq, first.prev_hash == GENESIS_HASH, second.prev_hash == first.hash
(1, True, True)
>>> verify([first, second]).ok
True
>>> import attrs
>>> forged = attrs.evolve(first, fields=("mobile",))
>>> result = verify([forged, second])
>>> result.ok, [(p.seq, p.code) for p in result.problems]
(False, [(1, 'audit.altered')])
>>> [(p.seq, p.code) for p in verify([second]).problems]
[(2, 'audit.broken_link'), (2, 'audit.gap')]
>>> [p.code for p in verify([first], expected_head=chain.head).problems]
['audit.truncated']
>>> chain.append("wang.fang", "entry", fields=["13800138000"])
Traceback (most recent call last):
    ...
custmaster.errors.UsageError: [audit.bad_field] An audit entry names fields, ...
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs

from custmaster.errors import CustmasterError, UsageError
from custmaster.privacy.access import User
from custmaster.privacy.masking import mask, scan_for_personal_data
from custmaster.privacy.sensitivity import FIELD_POLICIES, Sensitivity, is_c3
from custmaster.validate import cn_resident_id

__all__ = [
    "ERROR_CODES",
    "FORMAT_VERSION",
    "GENESIS",
    "GENESIS_HASH",
    "Anchor",
    "AuditChain",
    "AuditEntry",
    "AuditError",
    "Problem",
    "VerifyResult",
    "holds_personal_data",
    "select",
    "verify",
]

ERROR_CODES: dict[str, str] = {
    "audit.tampered": "Verifying the audit log found changed, inserted, deleted or moved entries.",
    "audit.malformed": "A stored audit entry is not a well-formed entry of this format version.",
    "audit.bad_operation": "An operation name is not 1-64 lower-case letters, digits, _ or '.'.",
    "audit.bad_field": "A field name given to the audit log is not a field name (or holds data).",
    "audit.bad_detail": "An audit detail key or value has a type or name the log does not allow.",
    "audit.personal_detail": (
        "An audit detail or customer ID holds personal data (an ID or phone number, or a "
        "value of a C2/C3 field)."
    ),
    "audit.bad_user": "The acting user is not a User or a non-empty name.",
    "audit.altered": "Verification: an entry's hash does not match its content.",
    "audit.broken_link": "Verification: an entry's prev_hash is not the previous entry's hash.",
    "audit.gap": "Verification: sequence numbers jump, so entries are missing.",
    "audit.out_of_order": "Verification: a sequence number repeats or goes back.",
    "audit.truncated": "Verification: the log ends before the anchored head.",
    "audit.head_mismatch": "Verification: the entry at the anchored head has another hash.",
}

#: Version of the hashed content; part of every hash.
FORMAT_VERSION = 1
#: ``prev_hash`` of the first entry.
GENESIS_HASH = "0" * 64

_OPERATION = re.compile(r"[a-z][a-z0-9_.]{0,63}")
_FIELD = re.compile(r"[^\W\d]\w{0,63}(?:\.[^\s.]{1,64})?")
_DETAIL_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
_CHANNEL = re.compile(r"[a-z][a-z0-9_]{0,39}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
#: A run of the characters an ID or mobile number found by
#: `custmaster.privacy.masking.scan_for_personal_data` is made of (digits, the separators
#: space and hyphen, ``+``, the check character X), long enough to hold eleven digits, from
#: its first digit or ``+`` (the scan's patterns start there, and look back at those only).
_RUN = re.compile(r"[0-9+][0-9 +\-Xx]{10,}")
_MOBILE_START = frozenset("3456789")
_DETAIL_TEXT_MAX = 200

#: A value of ``AuditEntry.detail``.
DetailValue: TypeAlias = "str | int | bool | None"


class AuditError(CustmasterError):
    """The audit log failed verification or holds an entry that cannot be read."""

    code = "audit.tampered"
    message_en = "The audit log failed verification."
    message_zh = "审计日志校验失败。"


def _malformed(what: str) -> AuditError:
    return AuditError(
        f"Malformed audit entry: {what}.",
        code="audit.malformed",
        message_zh=f"审计记录格式错误：{what}。",
    )


def _utc(value: object) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise _malformed("'at' is not an ISO 8601 time") from None
    if not isinstance(value, dt.datetime):
        raise _malformed("'at' is not a datetime")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _str_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _malformed("'fields' is not a list of names")
    items = tuple(value)
    if not all(isinstance(v, str) for v in items):
        raise _malformed("'fields' is not a list of names")
    return items


def _detail(value: object) -> Mapping[str, DetailValue]:
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise _malformed("'detail' is not a mapping")
    for key, item in value.items():
        if not isinstance(key, str) or not (item is None or isinstance(item, (str, int, bool))):
            raise _malformed("'detail' maps names to text, integers, booleans or null")
    return MappingProxyType(dict(sorted(value.items())))


def _user_repr(name: str) -> str:
    return repr(mask("operator", name))


def _instance(kind: type | tuple[type, ...], what: str) -> Callable[[Any, Any, Any], None]:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise _malformed(f"'{what}' has the wrong type")

    return check


@attrs.frozen
class Anchor:
    """A point of the chain: the sequence number and hash of an entry (``0``: before any).

    Keep the current head somewhere the log's writers cannot change, and pass it to `verify`
    as ``expected_head`` to detect deleted tail entries.
    """

    seq: int
    hash: str

    @classmethod
    def of(cls, entry: AuditEntry) -> Anchor:
        """The anchor of an entry."""
        return cls(entry.seq, entry.hash)


#: The anchor before the first entry.
GENESIS = Anchor(0, GENESIS_HASH)


@attrs.frozen
class AuditEntry:
    """One audit record. Build entries with `AuditChain.append`; load them with `from_dict`.

    ``fields`` holds field names only; ``detail`` holds non-personal facts. The user's name
    is masked in ``repr``.
    """

    seq: int = attrs.field(validator=_instance(int, "seq"))
    at: dt.datetime = attrs.field(converter=_utc)
    user: str = attrs.field(validator=_instance(str, "user"), repr=_user_repr)
    operation: str = attrs.field(validator=_instance(str, "operation"))
    customer_id: str | None = attrs.field(validator=_instance((str, type(None)), "customer_id"))
    fields: tuple[str, ...] = attrs.field(converter=_str_tuple)
    channel: str | None = attrs.field(validator=_instance((str, type(None)), "channel"))
    detail: Mapping[str, DetailValue] = attrs.field(converter=_detail, hash=False)
    prev_hash: str = attrs.field(validator=_instance(str, "prev_hash"))
    hash: str = attrs.field(validator=_instance(str, "hash"))

    def content(self) -> dict[str, Any]:
        """Everything the hash covers: all attributes but ``hash``, and the format version."""
        return {
            "v": FORMAT_VERSION,
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "user": self.user,
            "operation": self.operation,
            "customer_id": self.customer_id,
            "fields": list(self.fields),
            "channel": self.channel,
            "detail": dict(self.detail),
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        """The SHA-256 (hex) of the canonical JSON of `content`."""
        return _digest(self.content())

    def json_columns(self) -> tuple[str, str, str]:
        """``at`` as ISO 8601 text, and ``fields`` and ``detail`` as canonical JSON: how a
        SQL store keeps them (the text `content` hashes, so they read back exactly)."""
        return (
            self.at.isoformat(timespec="microseconds"),
            _json_names(self.fields),
            _json_detail(self.detail),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict for storage: `content` plus ``hash``."""
        return {**self.content(), "hash": self.hash}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditEntry:
        """Rebuild a stored entry exactly (its hash is kept, not recomputed: `verify` checks it).

        Raises `AuditError` (``audit.malformed``) for missing, extra or mistyped keys or
        another format version.
        """
        if not isinstance(data, Mapping):
            raise _malformed("not a mapping")
        expected = {*_KEYS, "v"}
        if set(data) != expected:
            problem = sorted(set(data) ^ expected)
            raise _malformed(f"keys {problem} missing or unexpected")
        if data["v"] != FORMAT_VERSION:
            raise _malformed(f"format version {data['v']!r} is not {FORMAT_VERSION}")
        return cls(**{key: data[key] for key in _KEYS})


_KEYS = tuple(a.name for a in attrs.fields(AuditEntry))


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_encode_string: Callable[[str], str] = json.encoder.encode_basestring


def _digest(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(_CANONICAL.encode(content).encode("utf-8")).hexdigest()


def _json_text(value: str | None) -> str:
    """``value`` as `_CANONICAL` writes it."""
    return "null" if value is None else _encode_string(value)


@functools.lru_cache(maxsize=4096)
def _json_names(names: tuple[str, ...]) -> str:
    return "[" + ",".join(_encode_string(name) for name in names) + "]"


def _json_detail(detail: Mapping[str, DetailValue]) -> str:
    """A checked detail (names to text, integers, booleans, null) as `_CANONICAL` writes it."""
    items = []
    for key in sorted(detail):
        value = detail[key]
        if value is None:
            text = "null"
        elif value is True:
            text = "true"
        elif value is False:
            text = "false"
        elif isinstance(value, int):
            text = int.__repr__(value)
        else:
            text = _encode_string(value)
        items.append(f"{_encode_string(key)}:{text}")
    return "{" + ",".join(items) + "}"


def _may_hold_numbers(text: str) -> bool:
    """Whether ``text`` has digits enough for a phone (11) or ID number (15, 18 with an X as
    the 18th): text with fewer cannot hold one, and need not be scanned."""
    return len(text) >= 11 and sum(c.isdigit() for c in text) >= 11


def _usage(code: str, message: str, message_zh: str) -> UsageError:
    return UsageError(message, code=code, message_zh=message_zh)


_PROTECTED = frozenset(
    name for name, policy in FIELD_POLICIES.items() if policy.sensitivity is not Sensitivity.C1
)


def _checked_fields(fields: Iterable[str] | str) -> tuple[str, ...]:
    names = (fields,) if isinstance(fields, str) else tuple(fields)
    try:
        return _checked_names(names)
    except TypeError:  # an unhashable item: certainly not a field name
        raise _bad_field() from None


def _bad_field() -> UsageError:
    return _usage(
        "audit.bad_field",
        "An audit entry names fields, e.g. 'mobile' or 'extra.车队', never values.",
        "审计记录只记录字段名（如 mobile、extra.车队），不记录字段值。",
    )


@functools.lru_cache(maxsize=4096)
def _checked_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """`_checked_fields` of a tuple, remembered: a bulk import names the same field sets
    again and again."""
    for name in names:
        if not isinstance(name, str) or not _field_name_ok(name):
            raise _bad_field()
    return tuple(sorted(set(names)))


@functools.lru_cache(maxsize=4096)
def _field_name_ok(name: str) -> bool:
    """Whether ``name`` is a well-formed field name holding no personal data, remembered per
    name: the sets an import names vary with each customer's records, their names hardly,
    and scanning a name for personal data is the costly part of an entry."""
    return bool(_FIELD.fullmatch(name)) and not holds_personal_data(name)


def holds_personal_data(text: str) -> bool:
    """Whether `custmaster.privacy.masking.scan_for_personal_data` finds a resident ID or
    mobile number in ``text``: the same answer, found quicker for names such as an import's
    extra columns (``renews@PDAA202534010000000002``, one per policy).

    Every such number is made of digits, spaces, hyphens, ``+`` and X, and the scan's
    patterns look no further than the digits and ``+`` next to a match, so a text holds one
    exactly when one of its runs of those characters does (`_RUN`); a run of digits alone
    holds one only when it is the whole number.

    >>> holds_personal_data("extra.renews@PDAA202534010000000002")
    False
    >>> holds_personal_data("tel +86 138-0013-8000"), holds_personal_data("11010519491231002X")
    (True, True)
    """
    return any(map(_run_holds, _RUN.findall(text)))


@functools.lru_cache(maxsize=4096)
def _run_holds(run: str) -> bool:
    if not run.isdigit():
        return bool(scan_for_personal_data(run))
    # ASCII digits only (the run holds no other digits): a number found in them spans them all
    size = len(run)
    if size == 18:
        return cn_resident_id.calc_check_digit(run) == run[17]
    if size == 15:
        return cn_resident_id.is_valid(run)
    if size == 11:
        return run[0] == "1" and run[1] in _MOBILE_START
    if size == 13:
        return run.startswith("861") and run[3] in _MOBILE_START
    return False


@functools.lru_cache(maxsize=1024)
def _detail_key_allowed(key: str) -> bool | None:
    """Whether a detail key is well-formed (None: not) and names no personal field (False)."""
    if not _DETAIL_KEY.fullmatch(key):
        return None
    return not (key in _PROTECTED or is_c3(key))


def _checked_detail(detail: Mapping[str, DetailValue] | None) -> dict[str, DetailValue]:
    checked: dict[str, DetailValue] = {}
    for key, value in (detail or {}).items():
        allowed = _detail_key_allowed(key) if isinstance(key, str) else None
        if allowed is None or not (
            value is None
            or isinstance(value, (int, bool))
            or (isinstance(value, str) and len(value) <= _DETAIL_TEXT_MAX)
        ):
            raise _usage(
                "audit.bad_detail",
                "Audit detail maps lower-case names to integers, booleans, null or text of "
                f"at most {_DETAIL_TEXT_MAX} characters.",
                f"审计详情须为小写名称对应整数、布尔值、空值或不超过 {_DETAIL_TEXT_MAX} 字的文本。",
            )
        if not allowed or (
            isinstance(value, str) and _may_hold_numbers(value) and scan_for_personal_data(value)
        ):
            raise _usage(
                "audit.personal_detail",
                f"Audit detail '{key}' would hold personal data; name the field in 'fields'.",
                f"审计详情“{key}”会包含个人信息；请在 fields 中只记录字段名。",
            )
        checked[key] = value
    return checked


class AuditChain:
    """Makes the entries of one chain, each linked to the one before.

    Start from `GENESIS` (a new log) or from the last stored entry (or its `Anchor`). The
    store must persist each entry in the same transaction as the change, and refuse a second
    entry with the same ``seq`` (a unique key), so two writers cannot fork the chain.
    """

    def __init__(
        self,
        head: AuditEntry | Anchor | None = None,
        *,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._head = GENESIS if head is None else head
        if isinstance(self._head, AuditEntry):
            self._head = Anchor.of(self._head)
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    @property
    def head(self) -> Anchor:
        """The anchor of the last entry made (`GENESIS` before any)."""
        assert isinstance(self._head, Anchor)
        return self._head

    def append(
        self,
        user: User | str,
        operation: str,
        *,
        customer_id: str | None = None,
        fields: Iterable[str] | str = (),
        channel: str | None = None,
        detail: Mapping[str, DetailValue] | None = None,
        at: dt.datetime | None = None,
    ) -> AuditEntry:
        """Make the next entry and move the head to it.

        ``user`` is a `custmaster.privacy.access.User` (whose channel is the default) or a
        name. ``fields`` are names; ``detail`` maps lower-case names to non-personal values.
        Raises `custmaster.UsageError` (``audit.bad_field``, ``audit.bad_detail``,
        ``audit.personal_detail``, ``audit.bad_operation``, ``audit.bad_user``) rather than
        write a value into the log.
        """
        if isinstance(user, User):
            channel = channel if channel is not None else user.channel
            user = user.name
        if not isinstance(user, str) or not user.strip():
            raise _usage("audit.bad_user", "The acting user must be named.", "须指明操作用户。")
        if not isinstance(operation, str) or not _OPERATION.fullmatch(operation):
            raise _usage(
                "audit.bad_operation",
                "An operation is 1-64 lower-case letters, digits, '_' or '.', e.g. 'reveal'.",
                "操作名须为 1-64 位小写字母、数字、下划线或点，如 reveal。",
            )
        if channel is not None:
            channel = str(channel)
            if not _CHANNEL.fullmatch(channel):
                raise _usage(
                    "audit.bad_detail",
                    "A channel code is 1-40 lower-case letters, digits or '_'.",
                    "渠道代码须为 1-40 位小写字母、数字或下划线。",
                )
        if customer_id is not None and (
            not isinstance(customer_id, str)
            or (_may_hold_numbers(customer_id) and scan_for_personal_data(customer_id))
        ):
            raise _usage(
                "audit.personal_detail",
                "The customer ID must be custmaster's ID, not an ID or phone number.",
                "客户号须为 custmaster 客户号，不得为身份证号或电话号码。",
            )
        head = self.head
        when = _utc(at if at is not None else self._clock())
        checked_fields = _checked_fields(fields)
        checked_detail = dict(sorted(_checked_detail(detail).items()))
        name = user.strip()
        # the canonical JSON of `AuditEntry.content`, written directly (keys in sorted order)
        text = (
            f'{{"at":"{when.isoformat(timespec="microseconds")}",'
            f'"channel":{_json_text(channel)},'
            f'"customer_id":{_json_text(customer_id)},'
            f'"detail":{_json_detail(checked_detail)},'
            f'"fields":{_json_names(checked_fields)},'
            f'"operation":{_json_text(operation)},'
            f'"prev_hash":{_json_text(head.hash)},'
            f'"seq":{head.seq + 1},'
            f'"user":{_json_text(name)},'
            f'"v":{FORMAT_VERSION}}}'
        )
        # every value is checked and converted above: set the attributes without the
        # converters and validators `AuditEntry.from_dict` runs on stored data
        entry: AuditEntry = object.__new__(AuditEntry)
        for attribute, value in (
            ("seq", head.seq + 1),
            ("at", when),
            ("user", name),
            ("operation", operation),
            ("customer_id", customer_id),
            ("fields", checked_fields),
            ("channel", channel),
            ("detail", MappingProxyType(checked_detail)),
            ("prev_hash", head.hash),
            ("hash", hashlib.sha256(text.encode("utf-8")).hexdigest()),
        ):
            object.__setattr__(entry, attribute, value)
        self._head = Anchor(entry.seq, entry.hash)
        return entry


@attrs.frozen
class Problem:
    """One break in the chain: where (``seq`` and ``position`` in the list) and what."""

    code: str
    seq: int | None
    position: int | None
    message: str


@attrs.frozen
class VerifyResult:
    """What `verify` found: ``ok`` is true when there are no problems."""

    checked: int
    head: Anchor
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Whether the chain is intact."""
        return not self.problems

    def __bool__(self) -> bool:
        return self.ok

    def raise_for_problems(self) -> None:
        """Raise `AuditError` (``audit.tampered``) naming the first problems, if any."""
        if self.problems:
            shown = "; ".join(p.message for p in self.problems[:3])
            more = len(self.problems) - 3
            suffix = f" (and {more} more)" if more > 0 else ""
            raise AuditError(
                f"The audit log failed verification: {shown}{suffix}.",
                code="audit.tampered",
                message_zh=f"审计日志校验失败，共 {len(self.problems)} 处问题。",
            )


def _as_entry(item: AuditEntry | Mapping[str, Any]) -> AuditEntry:
    return item if isinstance(item, AuditEntry) else AuditEntry.from_dict(item)


def verify(
    entries: Iterable[AuditEntry | Mapping[str, Any]],
    expected_head: Anchor | None = None,
    *,
    start: Anchor = GENESIS,
) -> VerifyResult:
    """Check a chain (or a segment of one, after ``start``) and report every break.

    ``entries`` are `AuditEntry` objects or stored dicts, in stored order. Each entry's hash
    must match its content, its ``prev_hash`` the previous entry's hash and its ``seq`` the
    previous one plus one. With ``expected_head``, the entry at that sequence number must
    exist and carry that hash. Entries that cannot be read are problems too
    (``audit.malformed``), not exceptions.
    """
    problems: list[Problem] = []
    previous = start
    checked = 0
    anchored: str | None = None
    for position, item in enumerate(entries):
        checked += 1
        try:
            entry = _as_entry(item)
        except AuditError as error:
            problems.append(Problem("audit.malformed", None, position, error.message))
            continue
        seq = entry.seq
        if entry.compute_hash() != entry.hash:
            problems.append(
                Problem(
                    "audit.altered",
                    seq,
                    position,
                    f"entry {seq} (position {position}) was changed: its hash does not match "
                    "its content",
                )
            )
        if entry.prev_hash != previous.hash:
            problems.append(
                Problem(
                    "audit.broken_link",
                    seq,
                    position,
                    f"entry {seq} (position {position}) does not follow entry {previous.seq}: "
                    "an entry before it was inserted, deleted, moved or changed and re-hashed",
                )
            )
        if seq > previous.seq + 1:
            missing = (
                f"entry {previous.seq + 1} is"
                if seq == previous.seq + 2
                else f"entries {previous.seq + 1}-{seq - 1} are"
            )
            problems.append(
                Problem("audit.gap", seq, position, f"{missing} missing before entry {seq}")
            )
        elif seq <= previous.seq:
            problems.append(
                Problem(
                    "audit.out_of_order",
                    seq,
                    position,
                    f"entry {seq} (position {position}) comes after entry {previous.seq}",
                )
            )
        if expected_head is not None and seq == expected_head.seq:
            anchored = entry.hash
        previous = Anchor(seq, entry.hash)
    if expected_head is not None and expected_head.seq > start.seq:
        if anchored is None and previous.seq < expected_head.seq:
            problems.append(
                Problem(
                    "audit.truncated",
                    expected_head.seq,
                    None,
                    f"the log ends at entry {previous.seq} but the anchored head is entry "
                    f"{expected_head.seq}: entries after {previous.seq} were deleted",
                )
            )
        elif anchored != expected_head.hash:
            problems.append(
                Problem(
                    "audit.head_mismatch",
                    expected_head.seq,
                    None,
                    f"entry {expected_head.seq} does not carry the anchored hash: the log was "
                    "rewritten up to it",
                )
            )
    return VerifyResult(checked, previous, tuple(problems))


def select(
    entries: Iterable[AuditEntry],
    *,
    customer_id: str | None = None,
    user: str | None = None,
    operation: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Iterator[AuditEntry]:
    """The entries of one customer, user or operation in the time range ``[since, until)``.

    Naive times are taken as UTC.
    """
    low = _utc(since) if since is not None else None
    high = _utc(until) if until is not None else None
    for entry in entries:
        if customer_id is not None and entry.customer_id != customer_id:
            continue
        if user is not None and entry.user != user:
            continue
        if operation is not None and entry.operation != operation:
            continue
        if low is not None and entry.at < low:
            continue
        if high is not None and entry.at >= high:
            continue
        yield entry
