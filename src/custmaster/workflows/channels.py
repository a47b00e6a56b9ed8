"""Contact information from every channel: claim reports, telesales, face-to-face signing,
renewal-due lists and underwriting.

Each channel's files have their own columns for where a row comes from: a claim report has
its 报案号 and 报案时间 and the reporter's phone (报案人电话), a telesales log its 通话编号,
通话时间 and 坐席, a face-to-face signing its 面签日期 and 业务员, an underwriting list its
投保单号 and 核保时间. `PROFILES` holds one `custmaster.workflows.core_import.ImportProfile`
per channel with those headers; `import_channel_file` imports a file through one of them with
the engine of `custmaster.workflows.core_import.import_table`, so every row is tagged with its
channel and a source reference (the source's own number when the file has one, else
``<file stem>:<row number>``, or ``<file stem>:<sheet>:<row number>`` on a workbook's sheet
other than its main one; underwriting rows naming a policy use ``<policy>#<sequence>``). A
workbook's data sheets are all read, each by its own header.

What arrives attaches to customers by the identity rules (`custmaster.resolve`): a resident ID
first, then the policy number, then the plate or VIN of a policy in force on the day the row
was observed. A claim report with only a plate and the reporter's phone thus reaches the
insured of the policy covering that day; a phone never attaches by itself.

**Whose number it is.** The reporter of a claim is often not the insured: a driver, a
relative, a repair shop (修理厂, 4S店), a tow company or the insurer's agent, and a garage
reports claims for hundreds of customers. The reporter's *name* is kept as an extra value
(报案人), never as the customer's name. Their phone is the customer's own contact point, seen
through the channel, only when nothing says the reporter is someone else. A claim report row's
reporter is a **third party** (`ThirdPartyContact`, the profile's row hook) when

- the reporter is an organisation: a name with a keyword of `THIRD_PARTY_WORDS` (修理, 汽修,
  4S, 救援, 拖车, 保险, 代理 …), a final 厂 or 店, or an organisation's name by
  `custmaster.validate.cn_name` (公司, 有限 …) — unless it is the insured's own name (a
  company reporting its own car's claim), written in full or short as
  `custmaster.resolve.names.names_agree` reads an organisation's names (鹭江物流公司 for
  厦门鹭江物流有限公司, 平安财险厦门分公司 for 中国平安财产保险股份有限公司厦门分公司); or
- a relation column (报案人与被保险人关系, 与被保险人关系 …) says anything but 本人 (配偶,
  驾驶员, 修理厂, 其他 …; empty or 不详 says nothing); a relation of 本人 decides the other
  way, whatever the names (a reporter's name is misspelt more often than a relation is
  wrong); or
- with no relation given, the reporter's name differs from the insured's: the row's 被保险人,
  or else the current name of the customers the row's resident ID, policy number, plate or
  VIN find (their names alone, looked up for a batch of rows at once,
  `custmaster.store.BaseStore.names_by`, and remembered for the file). A form of address
  (张先生) or a masked name (张*) differs only by its surname; a 报案人 of 本人 or 同上 is the
  insured.

The phone of a third-party reporter is **kept, not offered**: it leaves the customer's phone
fields and goes to the record's extra values ``reporter_phone`` (E.164, several numbers
separated by spaces) with ``reporter_third_party`` saying why (``organisation``, ``relation``
or ``name``), so it stays in the customer's history and in the observation log, but is no
contact point: no callable list, renewal export or ``shared_number`` check offers it, even
when the customer has no other number (calling a garage about its customer's renewal would
disclose the customer to it, and the number was given for the claim), and it raises no
``shared_phone`` review pairs. A reporter who is the insured (本人, the same name, no other
sign) keeps today's reading: the phone is one more contact point of the customer. A cell that
is no valid number is still rejected, as ``custmaster validate`` rejects it.

**Re-runs.** Whether a reporter is a third party may change between two imports of one file:
an earlier release made every reporter's phone a contact point, and the insured's known name
may change (an endorsement of 被保险人). A re-run counts a row stored under any reading of the
rule (`ThirdPartyContact` gives them all to the import) as a duplicate and keeps what was
stored, so it adds nothing and rejects nothing it accepted before.

**The driver.** A claim report's driver (驾驶员, 出险驾驶员) is read by the same rule, with
their phone (驾驶员电话, 驾驶人手机 …): the insured's own number when the driver is the insured
(the same name, 本人, or no driver's name given), else kept apart as ``driver_phone`` with
``driver_third_party`` (`ThirdPartyRules` puts the reporter's and the driver's rules together).
Releases before session 12 kept 驾驶员电话 as an extra value under its header; a re-run
recognises rows stored so (`ThirdPartyContact.legacy`).

A telesales log uses the same hook with the person who answered (客户姓名, 接听人): their
name is often 张先生, so a different name does not count there; only a relation column that
says anything but 本人, or an organisation's name that differs from the customer's, keeps the
number dialled apart (as ``answerer_phone``). The other channels read as before.

>>> import tempfile, pathlib
>>> from custmaster.service import Service
>>> from custmaster.workflows.core_import import import_core_extract
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "core.csv").write_text(
...     "保单号,被保险人,身份证号,车牌号,起保日期,终保日期,签单日期,移动电话\\n"
...     "PDAA2026001,张伟,11010519491231002X,闽D12388,2026-01-05,2027-01-04,2026-01-02,"
...     "13800138000\\n", encoding="utf-8")
>>> _ = (folder / "claims.csv").write_text(
...     "报案号,报案时间,车牌号,报案人,报案人电话\\n"
...     "RP2026000123,2026-06-01 09:30,闽D·12388,张伟,139 0013 9000\\n"
...     "RP2026000124,2026-07-01 10:00,闽D·12388,鑫达汽修厂,0592-5123456\\n",
...     encoding="utf-8")
>>> service = Service.open("memory://")
>>> _ = import_core_extract(service, folder / "core.csv")
>>> summary = import_channel_file(service, folder / "claims.csv", "claim_report")
>>> summary.merged, summary.channel
(2, 'claim_report')
>>> customer = service.find(plate="闽D12388")[0]
>>> [(p.value[-4:], dict(p.channels)) for p in customer.callable_contacts()]
[('9000', {'claim_report': 1}), ('8000', {'core_system': 1})]
>>> garage = service.observations(customer.id)[-1].extra
>>> garage["报案人"], garage["reporter_third_party"], garage["reporter_phone"]
('鑫达汽修厂', 'organisation', '+865925123456')
>>> customer.contact_point("home", "0592-5123456") is None, customer.name == "张伟"
(True, True)
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from custmaster.errors import CustmasterError, UsageError, ValidationError
from custmaster.model.provenance import Channel
from custmaster.privacy.access import Permission
from custmaster.resolve.names import names_agree
from custmaster.service import Service
from custmaster.store.base import BaseStore, Store
from custmaster.validate import cn_name
from custmaster.workflows.core_import import (
    CORE_SYSTEM,
    ImportContext,
    ImportProfile,
    ImportSummary,
    RowChange,
    RowHook,
    import_table,
)
from custmaster.workflows.headers import normalise_header
from custmaster.workflows.validation import (
    cell_text,
    field_text,
    is_empty_cell,
    split_phone_cell,
)

__all__ = [
    "CLAIM_REPORT",
    "ERROR_CODES",
    "FACE_TO_FACE",
    "PROFILES",
    "RENEWAL_LIST",
    "SELF_RELATIONS",
    "TELESALES",
    "THIRD_PARTY_REASONS",
    "THIRD_PARTY_WORDS",
    "UNDERWRITING",
    "ThirdPartyContact",
    "ThirdPartyRules",
    "import_channel_file",
    "profile_for",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "channel.unknown_profile": "No import profile for the channel asked for.",
}

#: Words that make a reporter (or whoever a channel's row names) a third party's business:
#: garages, 4S dealers, rescue and tow services, insurers, agents and brokers (matched in the
#: name with full-width forms folded, Latin letters in any case).
THIRD_PARTY_WORDS: tuple[str, ...] = (
    "修理", "维修", "汽修", "修配", "钣喷", "快修", "4s", "汽车服务", "汽服", "汽贸", "车行",
    "汽车销售", "救援", "施救", "拖车", "保险", "代理", "经纪", "公估", "车务", "代办", "中介",
    "服务站",
)  # fmt: skip

#: What a relation column (报案人与被保险人关系) says when the reporter is the insured; any
#: other value that is not empty (不详, 无 …) makes the reporter a third party.
SELF_RELATIONS: frozenset[str] = frozenset(
    {"本人", "被保险人", "被保人", "被保险人本人", "自己", "本人报案", "同被保险人", "同上",
     "self", "insured", "same"}
)  # fmt: skip

#: Why a row's person is a third party, as ``reporter_third_party`` (``answerer_third_party``)
#: says: an organisation's name, a relation other than 本人, a name other than the insured's.
THIRD_PARTY_REASONS: tuple[str, ...] = ("organisation", "relation", "name")

#: How many look-ups of the customers a row's keys find one file remembers.
_KNOWN_MAX = 4096
#: The row fields a look-up of the customer's known name uses, most telling first.
_LOOKUP_FIELDS = ("resident_id", "uscc", "policy_no", "plate", "vin")
_NOTE = re.compile(r"[（(]([^（）()]*)[）)]")
_MASK = re.compile(r"[*＊]")


@attrs.frozen
class _Name:
    """A person's name as compared: normalised (case-folded, no spaces), its surname, and
    whether only the surname is known (张先生, 张*)."""

    text: str
    surname: str | None
    partial: bool
    #: Whether it is an organisation's name (compared by `names_agree`: 鹭江物流公司 is
    #: 厦门鹭江物流有限公司).
    organisation: bool = False


@functools.lru_cache(maxsize=_KNOWN_MAX)
def _person_name(text: str) -> _Name | None:
    """The comparable form of a name, or None when it cannot be read as one (pure, so kept
    for the names that repeat: an insured's on each of their claims, a garage's)."""
    try:
        name = _NOTE.sub("", cn_name.compact(text)).strip()
    except ValidationError:
        return None
    if not name:
        return None
    if _MASK.search(name):
        surname = _MASK.split(name, 1)[0].strip()
        return _Name(name, surname, True) if surname else None
    try:
        parsed = cn_name.parse(name)
    except ValidationError:
        return None
    return _Name(
        parsed.name.replace(" ", "").casefold(),
        parsed.surname,
        parsed.kind == "person" and parsed.given_name == "",
        parsed.kind == "organisation",
    )


def _same(a: _Name, b: _Name) -> bool | None:
    """Whether two names are the same person's or organisation's (None: cannot tell); an
    organisation's short name is its full name's as `names_agree` reads it."""
    if not a.partial and not b.partial:
        if a.organisation or b.organisation:
            return a.text == b.text or names_agree(a.text, b.text)
        return a.text == b.text
    if a.surname is None or b.surname is None:
        return None
    return a.surname == b.surname


def _same_as_any(reporter: _Name, names: tuple[_Name, ...]) -> bool | None:
    """True when the reporter may be one of ``names``, False when surely none of them."""
    answers = [_same(reporter, name) for name in names]
    if any(answers):
        return True
    if answers and all(answer is False for answer in answers):
        return False
    return None


def _folded(text: str) -> str:
    try:
        return cn_name.compact(text).casefold()
    except ValidationError:
        return text.strip().casefold()


@functools.lru_cache(maxsize=_KNOWN_MAX)
def _is_organisation(text: str) -> bool:
    """Whether a name is a business's (a garage, a rescue service, an agent …)."""
    folded = _folded(text)
    if any(word in folded for word in THIRD_PARTY_WORDS):
        return True
    bare = _NOTE.sub("", folded).strip()
    if len(bare) >= 3 and bare[-1] in "厂店":
        return True
    try:
        return cn_name.parse(bare).kind == "organisation"
    except ValidationError:
        return False


def _relation(text: str) -> str | None:
    """``"self"``, ``"other"`` or None (nothing said) for a relation cell."""
    if is_empty_cell(text):
        return None
    folded = _folded(text)
    if folded in SELF_RELATIONS or folded.startswith("本人"):
        return "self"
    return "other"


def _headers(headers: tuple[str, ...], aliases: tuple[str, ...]) -> tuple[str, ...]:
    """The headers among ``headers`` that are one of ``aliases``, in the aliases' order."""
    by_key = {normalise_header(header): header for header in reversed(headers)}
    found = (by_key.get(normalise_header(alias)) for alias in aliases)
    return tuple(dict.fromkeys(header for header in found if header is not None))


@attrs.frozen
class ThirdPartyContact:
    """A row hook (`custmaster.workflows.core_import.ImportProfile.row_hook`) that keeps the
    phone of a third party apart from the customer's own (see the module description).

    ``names``: headers of the person the row names (报案人); ``relations``: headers of their
    relation to the insured; ``phones``: headers of their phone. A row whose person is a third
    party has its phone cells read as empty and their numbers kept as the extra value
    ``phone_key``, with ``reason_key`` saying why. ``compare_names=False`` (telesales) ignores
    a person's name that differs, and counts an organisation's name only when it differs from
    the customer's known name.
    """

    names: tuple[str, ...]
    relations: tuple[str, ...]
    phones: tuple[str, ...]
    phone_key: str = "reporter_phone"
    reason_key: str = "reporter_third_party"
    compare_names: bool = True
    #: Whether an earlier release kept these phone columns as extra values under their
    #: header (unread): `readings` then also gives that reading, so a re-run of a file
    #: imported then adds nothing (a claim report's 驾驶员电话).
    legacy: bool = False

    def __call__(
        self, context: ImportContext
    ) -> Callable[[int, Mapping[str, Any]], RowChange | None] | None:
        """The hook of one file: None when it has no phone column of the person, or neither
        their name nor their relation."""
        phones = _headers(context.headers, self.phones)
        names = _headers(context.headers, self.names)
        relations = _headers(context.headers, self.relations)
        if not phones or not (names or relations or self.legacy):
            return None
        return _ThirdPartyRows(self, context, names, relations, phones)


@attrs.frozen
class ThirdPartyRules:
    """A row hook made of several `ThirdPartyContact` rules, one per person a row names (a
    claim report's reporter and driver): each rule reads its own columns; a row's changes are
    put together (the first rule's reason is the row's)."""

    rules: tuple[RowHook, ...]

    def __call__(
        self, context: ImportContext
    ) -> Callable[[int, Mapping[str, Any]], RowChange | None] | None:
        """The hook of one file: None when no rule applies to it."""
        parts = [rows for rule in self.rules if (rows := rule(context)) is not None]
        if len(parts) < 2:
            return parts[0] if parts else None
        return _RulesRows(tuple(parts))


class _RulesRows:
    """`ThirdPartyRules` for the rows of one file."""

    def __init__(self, parts: tuple[Callable[[int, Mapping[str, Any]], RowChange | None], ...]):
        self.parts = parts

    def __call__(self, row_number: int, row: Mapping[str, Any]) -> RowChange | None:
        return _joined([part(row_number, row) for part in self.parts])

    def readings(self, row_number: int, row: Mapping[str, Any]) -> tuple[RowChange | None, ...]:
        """Every combination of the rules' readings of the row."""
        each = []
        for part in self.parts:
            readings = getattr(part, "readings", None)
            each.append(readings(row_number, row) if readings else (part(row_number, row),))
        return tuple(_joined(list(combination)) for combination in itertools.product(*each))

    def prepare(self, rows: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
        for part in self.parts:
            prepare = getattr(part, "prepare", None)
            if prepare is not None:
                prepare(rows)


def _joined(changes: list[RowChange | None]) -> RowChange | None:
    """The changes of several rules to one row as one."""
    found = [change for change in changes if change is not None]
    if len(found) < 2:
        return found[0] if found else None
    return RowChange(
        cleared=tuple(header for change in found for header in change.cleared),
        extra={key: value for change in found for key, value in change.extra.items()},
        reason=next((change.reason for change in found if change.reason), ""),
    )


class _ThirdPartyRows:
    """`ThirdPartyContact` for the rows of one file."""

    def __init__(
        self,
        rule: ThirdPartyContact,
        context: ImportContext,
        names: tuple[str, ...],
        relations: tuple[str, ...],
        phones: tuple[str, ...],
    ) -> None:
        self.rule = rule
        self.names = names
        self.relations = relations
        self.phones = phones
        fields = context.fields
        #: Headers of the insured's name on the row (被保险人).
        self.insured = tuple(h for h, f in fields.items() if f == "name" and h not in names)
        #: ``(field, header)`` of the row's keys a look-up of the customer uses.
        self.keys = tuple(
            (field, header)
            for field in _LOOKUP_FIELDS
            for header, mapped in fields.items()
            if mapped == field
        )
        self.service = context.service
        self.can_look_up = bool(self.keys) and context.service.can(Permission.QUERY)
        self.known: dict[tuple[str, str], tuple[str, ...]] = {}

    def __call__(self, row_number: int, row: Mapping[str, Any]) -> RowChange | None:
        if not any(self._text(row, header) for header in self.phones):
            return None
        reason = self._reason(row)
        if reason is None:
            return None
        return self._change(row, reason)

    def readings(self, row_number: int, row: Mapping[str, Any]) -> tuple[RowChange | None, ...]:
        """Every way the rule may read the row, whatever the store knows and whichever rule
        of `THIRD_PARTY_REASONS` applies: as it is (the insured's own phone, as before the
        rule), and with the phone kept apart for each reason. A re-run recognises the row
        stored under any of them (`custmaster.workflows.core_import.RowHook`)."""
        earlier = self._unread(row) if self.rule.legacy else None
        if not any(self._text(row, header) for header in self.phones):
            return (None,) if earlier is None else (None, earlier)
        kept = [self._change(row, reason) for reason in THIRD_PARTY_REASONS]
        return (None, *(change for change in kept if change is not None), earlier)

    def _unread(self, row: Mapping[str, Any]) -> RowChange | None:
        """The row as an earlier release read it, its phone columns kept as extra values
        under their header (`ThirdPartyContact.legacy`)."""
        kept = {}
        for header in self.phones:
            cell = row.get(header)
            if cell is not None and cell != "":
                text = cell_text(cell)
                if text.strip():
                    kept[header[:64]] = text
        return RowChange(cleared=tuple(kept), extra=kept) if kept else None

    def _change(self, row: Mapping[str, Any], reason: str) -> RowChange | None:
        """The row's phone cells kept apart as a third party's, for ``reason``."""
        numbers: list[str] = []
        cleared: list[str] = []
        for header in self.phones:
            cell = row.get(header)
            if not self._text(row, header):
                continue
            try:
                first, more = split_phone_cell(field_text("mobile", cell))
            except ValidationError:
                continue  # left for the import to reject, with its column
            numbers.append(first)
            numbers.extend(number.canonical for number in more)
            cleared.append(header)
        if not cleared:
            return None
        return RowChange(
            cleared=tuple(cleared),
            extra={
                self.rule.phone_key: " ".join(dict.fromkeys(numbers)),
                self.rule.reason_key: reason,
            },
            reason=reason,
        )

    @staticmethod
    def _text(row: Mapping[str, Any], header: str) -> str:
        cell = row.get(header)
        text = cell if type(cell) is str else cell_text(cell)
        return "" if is_empty_cell(text) else text.strip()

    def _reason(self, row: Mapping[str, Any]) -> str | None:
        """Why the row's person is a third party (``organisation``, ``relation``, ``name``),
        or None when nothing says so."""
        reporter = next((t for h in self.names if (t := self._text(row, h))), "")
        if reporter and _relation(_NOTE.sub("", reporter)) == "self":
            reporter = ""  # 本人, 同上: the insured
        person = _person_name(reporter) if reporter else None
        if reporter and _is_organisation(reporter):
            same = None if person is None else _same_as_any(person, self._names(row))
            # a name that cannot be a customer's (4S店) is no customer's; without names
            # compared, an organisation is a third party only if it is not the customer
            if same is not True and (self.rule.compare_names or same is False or person is None):
                return "organisation"
        said = {_relation(t) for h in self.relations if (t := self._text(row, h))}
        if "other" in said:
            return "relation"
        if "self" in said:
            return None  # the relation decides: names are misspelt more often than not
        if (
            self.rule.compare_names
            and person is not None
            and _same_as_any(person, self._names(row)) is False
        ):
            return "name"
        return None

    def _names(self, row: Mapping[str, Any]) -> tuple[_Name, ...]:
        """The insured's names: the row's, else the current names of the customers its keys
        find (remembered for the file)."""
        on_row = tuple(
            name
            for header in self.insured
            if (text := self._text(row, header)) and (name := _person_name(text)) is not None
        )
        if on_row or not self.can_look_up:
            return on_row
        for field, header in self.keys:
            text = self._text(row, header)
            if not text:
                continue
            names = self._look_up(field, text)
            if names:
                return tuple(n for t in names if (n := _person_name(t)) is not None)
        return ()

    def prepare(self, rows: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
        """Look up at once the names that the rows' first keys find, for the rows that may
        compare their reporter with the customer's name (`_names`): a few statements per batch
        of rows (`custmaster.store.BaseStore.names_by`) instead of a few per plate."""
        store = self.service.store
        if not self.can_look_up or not isinstance(store, BaseStore):
            return
        wanted: dict[str, set[str]] = {}
        for _, row in rows:
            if not any(self._text(row, header) for header in self.phones):
                continue
            reporter = next((t for h in self.names if (t := self._text(row, h))), "")
            if not reporter or _relation(_NOTE.sub("", reporter)) == "self":
                continue
            if any(self._text(row, header) for header in self.insured):
                continue  # the row names the insured
            if (
                not self.rule.compare_names or any(self._text(row, h) for h in self.relations)
            ) and not _is_organisation(reporter):
                continue  # the relation decides, or only an organisation's name counts
            for field, header in self.keys:
                text = self._text(row, header)
                if text:
                    if (field, text) not in self.known:
                        wanted.setdefault(field, set()).add(text)
                    break
        if len(self.known) + sum(map(len, wanted.values())) > _KNOWN_MAX:
            self.known.clear()
        for field, texts in wanted.items():
            values: dict[str, str] = {}
            for text in texts:
                try:
                    values[text] = field_text(field, text)
                except (CustmasterError, ValueError):
                    continue
            found = store.names_by(field, set(values.values()))
            for text, value in values.items():
                names = found.get(value, {})
                if field != "policy_no" or len(names) < 2:  # else its insured first: `_look_up`
                    self.known[(field, text)] = tuple(name for name in names.values() if name)

    def _look_up(self, field: str, text: str) -> tuple[str, ...]:
        """The current names of the customers ``field`` (a row's key) finds: their names
        alone (`custmaster.store.BaseStore.names`, read from the stored views), or the
        customers themselves for a policy several customers hold (its insured's first)."""
        key = (field, text)
        names = self.known.get(key)
        if names is None:
            store = self.service.store
            try:
                value = field_text(field, text)
                found = store.names(**{field: value}) if isinstance(store, BaseStore) else None
                if found is not None and (field != "policy_no" or len(found) < 2):
                    names = tuple(name for name in found.values() if name)
                else:
                    names = self._insured_names(field, value, text)
            except (CustmasterError, ValueError):
                names = ()
            if len(self.known) >= _KNOWN_MAX:
                self.known.clear()
            self.known[key] = names
        return names

    def _insured_names(self, field: str, value: str, text: str) -> tuple[str, ...]:
        found = self.service.lookup(**{field: value})
        if field == "policy_no":
            number = "".join(text.split()).upper()
            insured = [c for c in found if number in c.policy_numbers("insured")]
            found = insured or found
        return tuple(c.name for c in found if c.name)


_REPORTER_PHONES = ("报案人电话", "报案电话", "报案人手机", "联系人电话", "报案人联系电话")
_DRIVER_PHONES = (
    "驾驶员电话",
    "驾驶人电话",
    "驾驶员手机",
    "驾驶人手机",
    "驾驶员联系电话",
    "驾驶人联系电话",
    "出险驾驶员电话",
    "出险驾驶人电话",
)

#: Claim reports (报案): the report number and time, the reporter's and the driver's phones.
CLAIM_REPORT = ImportProfile(
    channel=Channel.CLAIM_REPORT,
    meta_aliases={
        "source_ref": ("报案号", "报案编号", "报案号码", "赔案号"),
        "observed_at": ("报案时间", "报案日期"),
        "phone": (*_REPORTER_PHONES, *_DRIVER_PHONES),
        "operator": ("接报案人", "受理人"),
    },
    description="claim reports (报案)",
    row_hook=ThirdPartyRules(
        (
            ThirdPartyContact(
                names=("报案人", "报案人姓名", "报案人名称", "联系人", "联系人姓名"),
                relations=(
                    "报案人与被保险人关系",
                    "与被保险人关系",
                    "报案人关系",
                    "与被保人关系",
                    "报案人与被保人关系",
                    "联系人与被保险人关系",
                    "关系",
                ),
                phones=_REPORTER_PHONES,
            ),
            # The driver (出险驾驶员) is the insured more often than not; another person's
            # phone is kept apart as the reporter's is. Read since session 12: before, the
            # column was kept as an extra value, a reading re-runs still recognise.
            ThirdPartyContact(
                names=("驾驶员", "驾驶人", "驾驶员姓名", "驾驶人姓名", "出险驾驶员", "出险驾驶人"),
                relations=("驾驶员与被保险人关系", "驾驶人与被保险人关系", "驾驶员关系"),
                phones=_DRIVER_PHONES,
                phone_key="driver_phone",
                reason_key="driver_third_party",
                legacy=True,
            ),
        )
    ),
)

#: Telesales call logs (电销): the call id and time, the agent.
TELESALES = ImportProfile(
    channel=Channel.TELESALES,
    meta_aliases={
        "source_ref": ("通话编号", "呼叫编号", "外呼编号", "通话流水号", "录音编号"),
        "observed_at": ("通话时间", "外呼时间", "呼叫时间", "通话日期"),
        "operator": ("坐席", "坐席工号", "座席", "坐席姓名", "电销专员"),
        "phone": ("客户电话", "外呼号码", "被叫号码"),
    },
    kept_as_extra=("name",),
    description="telesales call logs (电销)",
    row_hook=ThirdPartyContact(
        names=("客户姓名", "接听人", "接听人姓名"),
        relations=("接听人关系", "接听人与客户关系", "与客户关系", "与被保险人关系"),
        phones=("客户电话", "外呼号码", "被叫号码", "手机号码", "手机", "移动电话", "联系电话"),
        phone_key="answerer_phone",
        reason_key="answerer_third_party",
        compare_names=False,
    ),
)

#: Face-to-face signing (面签): the signing form, date and agent.
FACE_TO_FACE = ImportProfile(
    channel=Channel.FACE_TO_FACE,
    meta_aliases={
        "source_ref": ("面签单号", "面签编号", "面签流水号"),
        "observed_at": ("面签日期", "面签时间"),
        "operator": ("业务员", "面签人员", "客户经理"),
    },
    description="face-to-face signing (面签)",
)

#: Renewal-due lists (续保到期): policies about to end, with the contacts known then.
RENEWAL_LIST = ImportProfile(
    channel=Channel.RENEWAL_LIST,
    meta_aliases={
        "source_ref": ("清单编号", "清单号"),
        "observed_at": ("清单日期", "生成日期", "提取日期", "制表日期"),
        "operator": ("跟进人", "续保专员"),
    },
    description="renewal-due lists (续保到期)",
)

#: Underwriting (承保): proposals underwritten and policies issued, with payment.
UNDERWRITING = ImportProfile(
    channel=Channel.UNDERWRITING,
    meta_aliases={
        "source_ref": ("投保单号", "投保单号码"),
        "observed_at": (
            "核保时间",
            "核保日期",
            "承保日期",
            "承保时间",
            "核保通过时间",
            "投保日期",
        ),
        "operator": ("核保人", "出单员", "核保员"),
    },
    policy_refs=True,
    description="underwriting (承保)",
)

#: The import profile of each channel, by channel code.
PROFILES: Mapping[str, ImportProfile] = {
    profile.channel.code: profile
    for profile in (CORE_SYSTEM, CLAIM_REPORT, TELESALES, FACE_TO_FACE, RENEWAL_LIST, UNDERWRITING)
}


def profile_for(channel: str | Channel | ImportProfile) -> ImportProfile:
    """The profile of a channel (code, `custmaster.Channel` or a profile itself).

    >>> profile_for("telesales").description, profile_for("报案").channel.code
    ('telesales call logs (电销)', 'claim_report')
    >>> profile_for("fax")
    Traceback (most recent call last):
        ...
    custmaster.errors.UsageError: [channel.unknown_profile] No import profile for the channel ...
    """
    if isinstance(channel, ImportProfile):
        return channel
    if isinstance(channel, Channel):
        code = channel.code
    else:
        code = str(channel).strip()
        with contextlib.suppress(ValidationError):
            code = Channel.get(code).code  # a name as people type it: 电销, 报案 …
    profile = PROFILES.get(code)
    if profile is None:
        raise UsageError(
            f"No import profile for the channel {code[:40]!r}; known: {', '.join(PROFILES)}. "
            "Build an ImportProfile for another channel.",
            code="channel.unknown_profile",
            message_zh=f"没有渠道 {code[:40]!r} 的导入配置。",
        )
    return profile


def import_channel_file(
    target: Service | Store,
    path: str | Path,
    channel: str | Channel | ImportProfile,
    **options: Any,
) -> ImportSummary:
    """Import a file of one channel (``claim_report``, ``telesales``, ``face_to_face``,
    ``renewal_list``, ``underwriting``, ``core_system``, or your own `ImportProfile`).

    Takes the options of `custmaster.workflows.core_import.import_table`.
    """
    return import_table(target, path, profile_for(channel), **options)
