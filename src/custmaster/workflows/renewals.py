"""The renewal list: customers whose policies' cover ends in a month, with how to reach them.

`renewal_rows` lists one row per policy whose cover ends in the month (``"2027-01"``), in
end-date order: the policy (number, line 险种, cover), its insured (after any change of
insured, `custmaster.workflows.policies.current_insured`), the vehicle (plate, 厂牌型号 and
its manufacturer and series from `custmaster.catalog.vehicle_series`), the customer's address,
source channel, level and key-customer flag (`custmaster.workflows.classification`), and the
best callable contacts:

- only numbers one can call (mobile, home, office);
- **never a number flagged wrong** — neither on this customer nor, by any later call-back,
  on anyone else who has it (`custmaster.workflows.callbacks`);
- **never a number under a do-not-call request** (勿扰, 拒绝营销), on anyone who has it,
  until its holder consents again (`custmaster.workflows.core_import.do_not_call_numbers`);
- numbers a call reached first, then the most recently seen, then mobile before fixed lines;
- a number that `SHARED_HOLDERS` (3) or more customers of the month's list have — a car
  dealer's, an agent's, a fleet office's, entered as each customer's own — after the
  customer's own numbers (still offered: it may be the only way to reach them).

Cancelled policies are left out (they do not renew). Filters: ``line`` (``compulsory`` /
交强险, ``commercial`` / 商业险), ``channel`` (the customer's source channel), ``series`` and
``manufacturer`` (of the vehicle), ``key_customer``.

`export_renewals` writes the rows to CSV (UTF-8 with BOM, so Excel opens it) or XLSX
(streamed row by row, `custmaster.workflows.xlsx`), chosen by the file's suffix.
Personal values are **masked** (PRIVACY.md) unless ``reveal=True``; exporting needs the
``export`` permission and revealing ``reveal`` too, and each export is audited
(`custmaster.service.Service.authorize_export`). Only what a renewal call needs is exported:
no ID number.

>>> from custmaster.service import Service
>>> from custmaster.model import Provenance, SourceRecord
>>> service = Service.open("memory://")
>>> _ = service.ingest_one(SourceRecord(
...     provenance=Provenance(channel="core_system", source_ref="PDAA2026001#0",
...                           observed_at="2026-01-02"),
...     policy_no="PDAA2026001", line="商业险", resident_id="11010519491231002X", name="张伟",
...     mobile="13800138000", home_phone="0592-5123456", plate="闽D12388",
...     make_model="本田牌HG7203ABCVT", cover_start="2026-01-05", cover_end="2027-01-04"))
>>> [row.masked()["contacts"] for row in renewal_rows(service, "2027-01")]
['138****8000; 0592-*****56']
>>> from custmaster.workflows.callbacks import record_callback
>>> _ = record_callback(service, "13800138000", "空号", at="2026-12-01 10:00", operator="王芳")
>>> row = renewal_rows(service, "2027-01", line="commercial")[0]
>>> row.masked()["contacts"], row.manufacturer
('0592-*****56', '广汽本田')
>>> row
RenewalRow(policy_no='PDAA2026001', line='commercial', cover_end=datetime.date(2027, 1, 4),
           customer_id='C00000001', name='张*')
>>> renewal_rows(service, "2027-01", line="交强险")
[]
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from custmaster.catalog.vehicle_series import Classifier, default_classifier
from custmaster.errors import UsageError, ValidationError
from custmaster.merge.engine import UNCALLABLE_STATUSES, GoldenState
from custmaster.merge.history import UNKNOWN_LINE
from custmaster.model.contact import VOICE_KINDS, ContactStatus
from custmaster.model.customer import Customer
from custmaster.model.policy import Policy, PolicyLine, PolicyRole, PolicyStatus
from custmaster.model.provenance import Channel
from custmaster.privacy.access import Permission
from custmaster.privacy.masking import mask, masker
from custmaster.service import Service, as_service
from custmaster.store import StoredView
from custmaster.store.base import Store, checked_month
from custmaster.validate import phone
from custmaster.workflows.classification import (
    ClassificationRules,
    CustomerProfile,
    classify_customer,
    profile_of,
    profile_of_view,
)
from custmaster.workflows.core_import import uncallable_numbers
from custmaster.workflows.policies import current_insured, meta_key, meta_value, parse_status
from custmaster.workflows.xlsx import write_table

__all__ = [
    "COLUMNS",
    "ERROR_CODES",
    "SHARED_HOLDERS",
    "RenewalExport",
    "RenewalRow",
    "dialable",
    "export_renewals",
    "renewal_rows",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "renewals.format": "The output file is neither .csv nor .xlsx.",
    "renewals.contacts": "The number of contacts per row is not between 1 and 9.",
}

#: The columns of an export: field name and the Chinese header written.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("policy_no", "保单号"),
    ("line", "险种"),
    ("cover_start", "起保日期"),
    ("cover_end", "终保日期"),
    ("customer_id", "客户号"),
    ("name", "被保险人"),
    ("plate", "车牌号"),
    ("make_model", "厂牌型号"),
    ("manufacturer", "厂商"),
    ("series", "车系"),
    ("contact_1", "联系电话1"),
    ("contact_2", "联系电话2"),
    ("contact_3", "联系电话3"),
    ("address", "客户地址"),
    ("source_channel", "来源渠道"),
    ("level", "客户等级"),
    ("key_customer", "重点客户"),
)

_LINE_NAMES = {"compulsory": "交强险", "commercial": "商业险", UNKNOWN_LINE.code: "未知"}
#: The Chinese name a built-in channel shows in an export (电销, 报案 …); other codes show as
#: they are. Filters still take the code.
_CHANNEL_NAMES = {channel.code: channel.label.split(" ", 1)[0] for channel in Channel.builtins()}
_KIND_ORDER = {"mobile": 0, "home": 1, "office": 2}
#: Customer views kept while rows are made (a customer's policies of a month are usually in one
#: chunk of `custmaster.store.base.BaseStore.expiring_states`); bounded so memory stays flat.
_VIEWS_KEPT = 4096
#: Up to this many policies a stored view cannot give are read one by one (`Store.policy`);
#: more are read with the month's states, a chunk at a time.
_ONE_BY_ONE = 200
_VOICE = frozenset(kind.value for kind in VOICE_KINDS)
#: Entries kept by the look-aside tables of one month's rows (times, dates, vehicles).
_KEPT = 1 << 14
_K = TypeVar("_K")
_V = TypeVar("_V")


def dialable(number: str) -> str:
    """A number as a revealed renewal list writes it, the way Chinese call lists and dialers
    take it: ``13800138000``, ``0592-5123456``, ``0592-5123456转8001``, ``4008001234``; a
    number of another country or region with its code, ``+852 9876 5432``. (E.164's
    ``+8613800138000`` is what `RenewalRow.contacts` holds; Excel reads it as a number and
    shows ``8.61E+12``.)

    >>> dialable("+8613800138000"), dialable("+865925123456;ext=8001"), dialable("+85298765432")
    ('13800138000', '0592-5123456转8001', '+852 9876 5432')
    """
    try:
        text = phone.format(number)
    except ValidationError:
        return number
    return text if text.startswith("+") else text.replace(" ", "")


def _contacts_repr(contacts: tuple[str, ...]) -> str:
    return repr(tuple(mask("mobile", c) for c in contacts))


@attrs.frozen
class RenewalRow:
    """One policy of the renewal list; ``repr`` masks personal values.

    ``contacts`` are E.164 numbers, best first, none of them flagged wrong.
    """

    policy_no: str
    line: str
    cover_end: dt.date
    customer_id: str
    name: str | None = attrs.field(repr=lambda v: repr(mask("name", v)) if v else "None")
    cover_start: dt.date | None = attrs.field(default=None, repr=False)
    plate: str | None = attrs.field(default=None, repr=False)
    make_model: str | None = attrs.field(default=None, repr=False)
    manufacturer: str | None = attrs.field(default=None, repr=False)
    series: str | None = attrs.field(default=None, repr=False)
    contacts: tuple[str, ...] = attrs.field(default=(), repr=False)
    address: str | None = attrs.field(default=None, repr=False)
    source_channel: str | None = attrs.field(default=None, repr=False)
    level: str | None = attrs.field(default=None, repr=False)
    key_customer: bool = attrs.field(default=False, repr=False)

    def _values(self, reveal: bool, width: int) -> dict[str, str]:
        def shown(field: str, value: object) -> str:
            if value is None or value == "":
                return ""
            return str(value) if reveal else mask(field, value)

        numbers = list(self.contacts[:width])
        texts = [dialable(n) if reveal else mask("mobile", n) for n in numbers]
        values = {
            "policy_no": self.policy_no,
            "line": _LINE_NAMES.get(self.line, self.line),
            "cover_start": self.cover_start.isoformat() if self.cover_start else "",
            "cover_end": self.cover_end.isoformat(),
            "customer_id": self.customer_id,
            "name": shown("name", self.name),
            "plate": shown("plate", self.plate),
            "make_model": self.make_model or "",
            "manufacturer": self.manufacturer or "",
            "series": self.series or "",
            "address": shown("address", self.address),
            "source_channel": _channel_name(self.source_channel),
            "level": self.level or "",
            "key_customer": "是" if self.key_customer else "否",
            "contacts": "; ".join(texts),
        }
        for i in range(width):
            values[f"contact_{i + 1}"] = texts[i] if i < len(texts) else ""
        return values

    def masked(self, contacts: int = 3) -> dict[str, str]:
        """The row as display texts, personal values masked (the default export form)."""
        return self._values(False, contacts)

    def revealed(self, contacts: int = 3) -> dict[str, str]:
        """The row as texts with full values (only for a permitted, audited export)."""
        return self._values(True, contacts)


def _line_of(number: str) -> str:
    """The line code of a policy no source stated a line for: its number's (`PolicyLine.of_number`),
    else ``unknown``."""
    line = PolicyLine.of_number(number)
    return UNKNOWN_LINE.code if line is None else line.code


def _channel_name(code: str | None) -> str:
    """The export cell of a source channel: a built-in channel's Chinese name, else the code."""
    return _CHANNEL_NAMES.get(code, code) if code else ""


def _no_fact(kind: str, number: str) -> None:
    """The policy facts of a customer whose view has none."""
    return None


class _View:
    """What a row needs from one customer: name, address, ranked callable numbers, and the
    source channel, level and key flag of their profile."""

    __slots__ = ("address", "channel", "contacts", "key", "level", "meta", "name")

    def __init__(
        self,
        name: object,
        address: object,
        contacts: tuple[str, ...],
        graded: tuple[str | None, str, bool],
        meta: Callable[[str, str], str | None],
    ) -> None:
        self.name = name if isinstance(name, str) else None
        self.address = address if isinstance(address, str) else None
        self.contacts = contacts
        self.channel, self.level, self.key = graded
        self.meta = meta

    @staticmethod
    def _best(ranked: list[tuple[tuple[int, float, int, str], str]]) -> tuple[str, ...]:
        ranked.sort()
        return tuple(dict.fromkeys(value for _, value in ranked))

    @staticmethod
    def _graded(profile: CustomerProfile) -> tuple[str | None, str, bool]:
        return profile.source_channel, profile.level, profile.key_customer

    @classmethod
    def of_state(
        cls, customer_id: str, state: GoldenState, rules: ClassificationRules | None, flagged: Any
    ) -> _View:
        ranked = []
        for (kind, value), point in state.contacts.items():
            if kind not in _VOICE or value in flagged:
                continue
            verdict = state.status(kind, value)
            if verdict is not None and verdict.status in UNCALLABLE_STATUSES:
                continue
            reached = verdict is not None and verdict.status == "reached"
            key = (0 if reached else 1, -point.last_seen.timestamp(), _KIND_ORDER[kind], value)
            ranked.append((key, value))
        return cls(
            state.value("name"),
            state.value("address"),
            cls._best(ranked),
            cls._graded(profile_of(customer_id, state, rules)),
            lambda kind, number: meta_value(kind, number, state=state),
        )

    @classmethod
    def of_stored(
        cls,
        view: StoredView,
        rules: ClassificationRules | None,
        flagged: Any,
        grades: dict[tuple[str | None, tuple[int, int, tuple[str, ...], int]], Any],
    ) -> _View:
        """From the view's summary (`custmaster.store._view.ViewSummary`: numbers already ranked,
        holdings already counted). ``grades`` remembers the level and key flag of each
        first channel and holdings (a book's customers share a few hundred)."""
        summary = view.summary
        numbers = summary.numbers
        if flagged:
            numbers = tuple([number for number in numbers if number not in flagged])
        facts = summary.facts
        channel = summary.first_channel
        holdings = summary.holdings
        graded = grades.get((channel, holdings))
        if graded is None:
            graded = _keep(grades, (channel, holdings), cls._graded(profile_of_view(view, rules)))

        if not facts:  # most customers: no policy cancelled, no change of insured
            return cls(summary.name, summary.address, numbers, graded, _no_fact)

        def meta(kind: str, number: str) -> str | None:
            value = facts.get(meta_key(kind, number))
            return value if isinstance(value, str) else None

        return cls(summary.name, summary.address, numbers, graded, meta)

    @classmethod
    def of_customer(cls, customer: Customer, profile: CustomerProfile, flagged: Any) -> _View:
        ranked = []
        for contact in customer.callable_contacts():
            if contact.value in flagged:
                continue
            reached = contact.status is ContactStatus.REACHED
            key = (
                0 if reached else 1,
                -contact.last_seen.timestamp(),
                _KIND_ORDER.get(contact.kind.value, 9),
                contact.value,
            )
            ranked.append((key, contact.value))
        return cls(
            customer.name,
            customer.address,
            cls._best(ranked),
            cls._graded(profile),
            lambda kind, number: meta_value(kind, number, customer=customer),
        )


def _view(
    service: Service,
    customer_id: str,
    rules: ClassificationRules | None,
    flagged: frozenset[str],
) -> _View:
    state = service.state(customer_id)
    if state is not None:
        return _View.of_state(customer_id, state, rules, flagged)
    customer = service.get(customer_id)
    return _View.of_customer(customer, classify_customer(service, customer_id, rules), flagged)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a month's rows are built or written.

    A month makes tens of thousands of long-lived objects (the rows, the views of a chunk,
    the masked texts) and no reference cycles; the collector would traverse them and the
    rest of the heap again and again meanwhile (a sixth of the export's time, measured).
    Reference counting still frees memory; as in `custmaster.store.base.BaseStore.ingest`,
    the objects made meanwhile then join the oldest generation unscanned (`gc.freeze`,
    `gc.unfreeze`) and the collector is resumed with its thresholds unchanged.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _check_contacts(contacts: int) -> None:
    if not isinstance(contacts, int) or not 1 <= contacts <= 9:
        raise UsageError(
            "Give between 1 and 9 contacts per row.",
            code="renewals.contacts",
            message_zh="每行联系电话数须在 1 至 9 之间。",
        )


@attrs.define
class _Terms:
    """A policy as a renewal row needs it, from a `Policy` or from its holders' views.

    Made once per policy and never changed (not frozen: a frozen class sets each field
    through a call, a fifth of the cost of reading the policy from its view)."""

    policy_no: str
    line: str
    cover_start: dt.date | None
    cover_end: dt.date
    plate: str | None
    vin: str | None
    make_model: str | None
    insured: str | None
    holder: str | None

    @classmethod
    def of_policy(cls, policy: Policy) -> _Terms | None:
        end = policy.cover_end
        if end is None:
            return None
        vehicle = policy.vehicle
        named = policy.customer_id(PolicyRole.HOLDER)
        if named is None and policy.customer_id(PolicyRole.INSURED) is None:
            named = next(iter(policy.customer_ids), None)
        return cls(
            policy.policy_no,
            policy.line.code,
            policy.cover_start,
            end,
            None if vehicle is None else vehicle.plate,
            None if vehicle is None else vehicle.vin,
            None if vehicle is None else vehicle.make_model,
            policy.customer_id(PolicyRole.INSURED),
            named,
        )

    @classmethod
    def of_views(
        cls,
        number: str,
        views: Mapping[str, StoredView | None],
        dates: dict[str, dt.date] | None = None,
    ) -> _Terms | None:
        """The policy's terms where its holders' views agree on them; None when any view is
        missing or out of date, or two holders give different values (then the policy is
        read with `custmaster.store.Store.policy`, which ranks the observations).
        ``dates`` remembers parsed dates across calls. The terms come from each view's
        summary (``[roles, *TERMS]`` per policy)."""
        terms: Sequence[Any]
        roles: dict[str, str]
        if len(views) == 1:  # the usual policy: one holder, nothing to agree on
            ((customer_id, view),) = views.items()
            if view is None:
                return None
            entry = view.summary.policies.get(number)
            if entry is None:
                return None
            roles = dict.fromkeys(entry[0], customer_id)
            terms = entry
        else:
            agreed: list[Any] = []
            roles = {}
            if not cls._agree(number, views, agreed, roles):
                return None
            terms = agreed
        if not roles:
            return None
        _, line, start, end, plate, vin, make_model, _ = terms
        if end is None:
            return None
        holder = roles.get("holder")
        if holder is None and "insured" not in roles:
            holder = roles.get("owner")
        return cls(
            number,
            _line_of(number) if line is None else line,
            None if start is None else _date(start, dates),
            _date(end, dates),
            plate,
            vin,
            make_model,
            roles.get("insured"),
            holder,
        )

    @staticmethod
    def _agree(
        number: str,
        views: Mapping[str, StoredView | None],
        agreed: list[Any],
        roles: dict[str, str],
    ) -> bool:
        """Gather the terms (``agreed``, as a summary's ``[roles, *TERMS]``) and roles of
        several holders' views; False when a view is missing or two give different values."""
        for customer_id in sorted(views):
            view = views[customer_id]
            if view is None:
                return False
            entry = view.summary.policies.get(number)
            if entry is None:
                continue
            for role in sorted(entry[0]):
                roles.setdefault(role, customer_id)
            if not agreed:
                agreed.extend([None] * len(entry))
            for at in range(1, len(entry)):
                value = entry[at]
                if value is None:
                    continue
                if agreed[at] is None:
                    agreed[at] = value
                elif agreed[at] != value:
                    return False
        return True


def _date(text: str, dates: dict[str, dt.date] | None) -> dt.date:
    """``date.fromisoformat(text)``, remembered in ``dates`` (a month's rows share a few
    hundred dates)."""
    if dates is None:
        return dt.date.fromisoformat(text)
    day = dates.get(text)
    return _keep(dates, text, dt.date.fromisoformat(text)) if day is None else day


def _keep(table: dict[_K, _V], key: _K, value: _V) -> _V:
    """``table[key] = value`` in a look-aside table of at most `_KEPT` entries (emptied when
    full, so that memory stays flat over a long export); returns ``value``."""
    if len(table) >= _KEPT:
        table.clear()
    table[key] = value
    return value


@_collector_paused()
def renewal_rows(
    target: Service | Store,
    month: str,
    *,
    line: PolicyLine | str | None = None,
    channel: str | None = None,
    series: str | None = None,
    manufacturer: str | None = None,
    key_customer: bool | None = None,
    rules: ClassificationRules | None = None,
    classifier: Classifier | None = None,
    include_cancelled: bool = False,
) -> list[RenewalRow]:
    """The renewal list of ``month`` (``"YYYY-MM"``), filtered (see the module description).

    ``series`` and ``manufacturer`` match the classified vehicle (case, spaces and hyphens
    ignored), also through the catalogue: a series alias (``Trax``), a producer's other name
    (``一汽大众``), a brand for each of its producers (``大众``); ``channel`` the customer's
    source channel, by code or name (``telesales``, ``电销``, `custmaster.Channel.get`);
    ``key_customer`` the key flag under ``rules`` (default
    `custmaster.workflows.classification.DEFAULT_RULES`).

    A SQL store gives each policy with its holders' stored views
    (`custmaster.store.sqlite.SQLiteStore.expiring_views`), so a month is read without
    rebuilding any golden state (from each view's summary, `custmaster.store._view.ViewSummary`);
    other stores give the states themselves. Python's cyclic garbage collector is paused
    while the rows are built (`gc.disable`, see `_collector_paused`).
    """
    service = as_service(target)
    service.require(Permission.QUERY)
    month = checked_month(month)
    wanted_line = None if line is None else PolicyLine.get(line).code
    flagged = frozenset(uncallable_numbers(service))  # reads the events only: none, no cost
    classifier = classifier or default_classifier()
    vehicle_class = classifier.classify
    wanted_series, wanted_maker = _vehicle_filters(series, manufacturer, classifier)
    if channel is not None:
        channel = Channel.get(channel).code
    views: dict[str, _View] = {}
    rows: list[RenewalRow] = []
    grades: dict[Any, tuple[str | None, str, bool]] = {}
    dates: dict[str, dt.date] = {}
    vehicles: dict[tuple[str, str | None], Any] = {}

    def remember(customer_id: str, view: _View) -> _View:
        if len(views) >= _VIEWS_KEPT:
            views.clear()
        views[customer_id] = view
        return view

    def view_of(customer_id: str, states: Mapping[str, GoldenState]) -> _View:
        view = views.get(customer_id)
        if view is None:
            state = states.get(customer_id)
            if state is not None:
                view = _View.of_state(customer_id, state, rules, flagged)
            else:
                view = _view(service, customer_id, rules, flagged)
            remember(customer_id, view)
        return view

    def add(terms: _Terms, customer_id: str, view: _View) -> None:
        if wanted_line is not None and terms.line != wanted_line:
            return
        if not include_cancelled and _cancelled(view, terms.policy_no):
            return
        if channel is not None and view.channel != channel:
            return
        if key_customer is not None and view.key is not key_customer:
            return
        found = None
        if terms.make_model:
            vehicle = (terms.make_model, terms.vin)
            found = vehicles.get(vehicle)
            if found is None:  # a vehicle's policies of the month: classified once
                found = _keep(vehicles, vehicle, vehicle_class(terms.make_model, terms.vin))
        maker = found.manufacturer if found is not None else None
        kind = found.series if found is not None else None
        if wanted_series is not None and _fold(kind) not in wanted_series:
            return
        if wanted_maker is not None and _fold(maker) not in wanted_maker:
            return
        rows.append(
            RenewalRow(
                policy_no=terms.policy_no,
                line=terms.line,
                cover_end=terms.cover_end,
                customer_id=customer_id,
                name=view.name,
                cover_start=terms.cover_start,
                plate=terms.plate,
                make_model=terms.make_model,
                manufacturer=maker,
                series=kind,
                contacts=view.contacts,
                address=view.address,
                source_channel=view.channel,
                level=view.level,
                key_customer=view.key,
            )
        )

    def from_policy(policy: Policy, states: Mapping[str, GoldenState]) -> None:
        terms = _Terms.of_policy(policy)
        if terms is None or f"{terms.cover_end:%Y-%m}" != month:
            return
        customer_id = terms.insured or terms.holder
        if customer_id is None:
            return
        view = view_of(customer_id, states)
        if terms.insured is not None and view.meta("insured_until", policy.policy_no) is not None:
            # the insured changed (过户): the rare case that needs the policy's other holders
            current = current_insured(service, policy)
            if current is not None and current != customer_id:
                customer_id, view = current, view_of(current, states)
        add(terms, customer_id, view)

    stored = getattr(service.store, "expiring_views", None)
    chunked = getattr(service.store, "expiring_states", None)
    if callable(stored):
        slow: list[str] = []  # policies the views cannot give (see `_Terms.of_views`)
        in_month: dict[dt.date, bool] = {}  # each end date's month, compared once
        for number, held in stored(month):
            terms = _Terms.of_views(number, held, dates)
            customer_id = None if terms is None else terms.insured or terms.holder
            insured_view = None
            if terms is not None and customer_id is not None:
                insured_view = views.get(customer_id)
                if insured_view is None:
                    own = held[customer_id]
                    assert own is not None  # of_views returns None for a missing view
                    insured_view = remember(
                        customer_id, _View.of_stored(own, rules, flagged, grades)
                    )
            if (
                terms is None
                or customer_id is None
                or insured_view is None
                or (terms.insured is not None and insured_view.meta("insured_until", number))
            ):
                slow.append(number)
                continue
            inside = in_month.get(terms.cover_end)
            if inside is None:
                inside = in_month[terms.cover_end] = f"{terms.cover_end:%Y-%m}" == month
            if inside:
                add(terms, customer_id, insured_view)
        if len(slow) > _ONE_BY_ONE and callable(chunked):
            # many views of an older format (a store not yet rewritten): read the month's
            # states a chunk at a time rather than policy by policy
            wanted = set(slow)
            for policy, held in chunked(month):
                if policy.policy_no in wanted:
                    from_policy(policy, held)
        else:
            for number in slow:
                from_policy(service.policy(number), {})
    elif callable(chunked):
        for policy, held in chunked(month):
            from_policy(policy, held)
    else:
        for policy in service.expiring(month):
            from_policy(policy, {})
    rows.sort(key=lambda row: (row.cover_end, row.policy_no))
    return _shared_numbers_last(rows)


#: A number on this many customers of one month's renewal list, or more, is taken for an
#: intermediary's (`renewal_rows`); two may well be a family's.
SHARED_HOLDERS = 3


def _shared_numbers_last(rows: list[RenewalRow]) -> list[RenewalRow]:
    """The rows with each number `SHARED_HOLDERS` customers of the list have moved after the
    customer's own numbers (the order among each kind kept)."""
    first: dict[str, str] = {}
    more: dict[str, set[str]] = {}
    for row in rows:
        customer_id = row.customer_id
        for number in row.contacts:
            seen = first.setdefault(number, customer_id)
            if seen != customer_id:
                more.setdefault(number, {seen}).add(customer_id)
    shared = {number for number, holders in more.items() if len(holders) >= SHARED_HOLDERS}
    if not shared:
        return rows
    reordered: dict[tuple[str, ...], tuple[str, ...]] = {}
    for at, row in enumerate(rows):
        contacts = row.contacts
        if len(contacts) < 2 or shared.isdisjoint(contacts):
            continue
        moved = reordered.get(contacts)
        if moved is None:
            own = tuple(n for n in contacts if n not in shared)
            moved = reordered[contacts] = own + tuple(n for n in contacts if n in shared)
        if moved != contacts:
            rows[at] = attrs.evolve(row, contacts=moved)
    return rows


def _fold(text: str | None) -> str | None:
    return None if text is None else _FOLDED.sub("", text).casefold()


_FOLDED = re.compile(r"[\s\-－—·・.]+")


def _vehicle_filters(
    series: str | None, manufacturer: str | None, classifier: Classifier
) -> tuple[frozenset[str | None] | None, frozenset[str | None] | None]:
    """The series and producers (folded) a renewal list's vehicle filters stand for.

    A filter matches its own spelling (case, spaces, hyphens and dots ignored), and what the
    catalogue makes of it: a series alias (``Trax`` is 创酷, ``E-QM5`` 红旗E-QM5), a
    producer's other name (``一汽大众``, ``上海大众``), or a brand standing for each of its
    producers (``大众``: 一汽-大众, 上汽大众, 大众(进口) …).
    """
    wanted_series = wanted_makers = None
    if series is not None:
        found = classifier.classify(series)
        wanted_series = frozenset({_fold(series), _fold(found.series)} - {None})
    if manufacturer is not None:
        found = classifier.classify(manufacturer)
        makers = {_fold(manufacturer)}
        if found.series is None and found.manufacturer is not None:
            makers.add(_fold(found.manufacturer))
        if found.brand and found.manufacturer is None:  # a brand of several producers
            makers.update(
                _fold(entry.manufacturer)
                for entry in classifier.catalog
                if entry.brand == found.brand
            )
        wanted_makers = frozenset(makers - {None})
    return wanted_series, wanted_makers


def _cancelled(view: _View, policy_no: str) -> bool:
    text = view.meta("status", policy_no)
    if not text:
        return False
    status = parse_status(text)
    return status is PolicyStatus.CANCELLED


def _export_fields(contacts: int) -> list[str]:
    """The fields of an export's columns: `COLUMNS` with ``contacts`` phone columns."""
    fields = [f for f, _ in COLUMNS if not f.startswith("contact_")]
    at = fields.index("series") + 1
    fields[at:at] = [f"contact_{i + 1}" for i in range(contacts)]
    return fields


class _Shown(dict[object, str]):
    """Each value's display text, made once by ``show`` on first use (a household shares its
    address, a vehicle's two policies their plate and numbers, many customers their masked
    name); with ``blank``, None and empty text show as empty cells."""

    __slots__ = ("_show",)

    def __init__(self, show: Callable[[Any], str], *, blank: bool = True) -> None:
        super().__init__({None: "", "": ""} if blank else {})
        self._show = show

    def __missing__(self, value: object) -> str:
        text = self[value] = self._show(value)
        return text


class _Line:
    """The cells of a row in the columns of `_export_fields`: what `RenewalRow.masked` (or
    ``revealed``) gives, each distinct value masked once."""

    def __init__(self, contacts: int, reveal: bool) -> None:
        self.width = contacts
        self.reveal = reveal
        self.names = _Shown(str if reveal else masker("name"))
        self.plates = _Shown(str if reveal else masker("plate"))
        self.addresses = _Shown(str if reveal else masker("address"))
        self.numbers = _Shown(dialable if reveal else masker("mobile"), blank=False)
        self.dates = _Shown(dt.date.isoformat)
        self.blank = [""] * contacts

    def __call__(self, row: RenewalRow) -> list[str]:
        width = self.width
        numbers = self.numbers
        phones = [numbers[number] for number in row.contacts[:width]]
        if len(phones) < width:
            phones += self.blank[len(phones) :]
        dates = self.dates
        return [
            row.policy_no,
            _LINE_NAMES.get(row.line, row.line),
            dates[row.cover_start],
            dates[row.cover_end],
            row.customer_id,
            self.names[row.name],
            self.plates[row.plate],
            row.make_model or "",
            row.manufacturer or "",
            row.series or "",
            *phones,
            self.addresses[row.address],
            _channel_name(row.source_channel),
            row.level or "",
            "是" if row.key_customer else "否",
        ]


@attrs.frozen
class RenewalExport:
    """Where an export went and what it held."""

    path: Path
    format: str
    month: str
    rows: int
    revealed: bool
    seconds: float


def _format_of(path: Path, format: str | None) -> str:
    chosen = (format or path.suffix.lstrip(".")).lower()
    if chosen not in ("csv", "xlsx"):
        raise UsageError(
            f"Export to .csv or .xlsx, not {path.suffix or 'no suffix'!r}.",
            code="renewals.format",
            message_zh="导出文件须为 .csv 或 .xlsx。",
        )
    return chosen


def _write_csv(path: Path, header: Sequence[str], lines: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="", buffering=1 << 16) as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(lines)


def _write_xlsx(path: Path, header: Sequence[str], lines: Iterable[Sequence[str]]) -> None:
    widths = [14.0 if h.startswith("联系电话") else max(8.0, len(h) * 2.4 + 2) for h in header]
    write_table(path, header, lines, sheet="续保清单", widths=widths)


@_collector_paused()
def export_renewals(
    target: Service | Store,
    month: str,
    output: str | Path,
    *,
    format: str | None = None,
    reveal: bool = False,
    contacts: int = 3,
    rows: Sequence[RenewalRow] | None = None,
    progress: Callable[[int], None] | None = None,
    **filters: Any,
) -> RenewalExport:
    """Write the renewal list of ``month`` to ``output`` (.csv or .xlsx, or ``format``).

    ``filters`` are those of `renewal_rows` (or pass precomputed ``rows``). Values are masked
    unless ``reveal``; ``contacts`` columns of phone numbers are written (default 3). As in
    `renewal_rows`, the cyclic garbage collector is paused while the file is written.
    Raises `custmaster.PermissionDenied` without the ``export`` (and ``reveal``) permission.
    """
    _check_contacts(contacts)
    service = as_service(target)
    path = Path(output)
    kind = _format_of(path, format)
    service.require("export")
    if reveal:
        service.require("reveal")
    started = time.perf_counter()
    chosen = list(rows) if rows is not None else renewal_rows(service, month, **filters)
    fields = _export_fields(contacts)
    headers = dict(COLUMNS)
    header = [headers.get(f, f"联系电话{f.rsplit('_', 1)[-1]}") for f in fields]
    written = 0
    line = _Line(contacts, reveal)

    def lines() -> Iterable[list[str]]:
        nonlocal written
        for row in chosen:
            written += 1
            if progress is not None and written % 1000 == 0:
                progress(written)
            yield line(row)

    if kind == "csv":
        _write_csv(path, header, lines())
    else:
        _write_xlsx(path, header, lines())
    service.authorize_export(
        f"renewal list {month}", rows=written, reveal=reveal, fields=("name", "mobile")
    )
    return RenewalExport(
        path=path,
        format=kind,
        month=month,
        rows=written,
        revealed=reveal,
        seconds=time.perf_counter() - started,
    )
