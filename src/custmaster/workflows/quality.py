"""Data quality: completeness, accuracy and freshness of each customer and of the portfolio.

Insurers measure customer information by three dimensions. `quality_report` reads every
customer of a store once (streamed: per-customer rows can be written out as they come, the
portfolio figures are accumulated) and checks:

* **completeness** — the fields an insurer needs are there: a name, a resident ID or other
  identity document (a person) or a USCC (an organisation), a mobile one can call, an address;
* **accuracy** — stored values that fail a strict re-validation (a retired region code, a name
  that is only ``张先生``), sources in the window that reported such values, numbers reported
  wrong by a call, channels reporting different values, mobiles held by other customers too,
  and open candidate pairs (possible duplicates awaiting review);
* **freshness** — how long ago each contact point was last observed or confirmed reached; one
  neither observed nor confirmed for more than ``stale_days`` is stale.

Each finding is an `Issue` (a stable code from `ISSUES`, the field, and for invalid values the
validator's code); a customer's score is 100 minus the weights of its distinct issues (`Issue`
by code and field, each counted once), never below 0, with the same computation per dimension.
`QualityRules` holds the weights and the day limits. Nothing in a report holds a personal
value: customer ids, scores, day counts and issue codes only.

>>> from custmaster.model import Customer, ContactPoint
>>> customer = Customer(id="C1", name="张先生", contact_points=[
...     ContactPoint(kind="mobile", value="13800138000", first_seen="2023-01-05",
...                  last_seen="2024-03-01")])
>>> row = assess(customer, as_of="2026-12-01")
>>> [str(issue) for issue in row.issues]
['missing_id', 'missing_address', 'invalid_value:name(cn_name.honorific)', 'stale_contact:mobile']
>>> row.score, row.completeness, row.accuracy, row.freshness
(50, 70, 90, 90)
>>> row.contacts[0].seen_days, row.contacts[0].stale
(1005, True)
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import attrs

from custmaster.errors import UsageError, ValidationError, ValidationWarning
from custmaster.model.contact import VOICE_KINDS, ContactKind, ContactPoint, ContactStatus
from custmaster.model.customer import Customer
from custmaster.model.identity import CustomerKind
from custmaster.model.provenance import utc_now
from custmaster.model.source import SourceRecord
from custmaster.service import Service, as_service
from custmaster.store.base import Store
from custmaster.validate import cn_name, cn_resident_id, cn_uscc, email, phone
from custmaster.workflows.core_import import wrong_numbers

__all__ = [
    "BENIGN_WARNINGS",
    "CSV_COLUMNS",
    "DEFAULT_WEIGHTS",
    "DIMENSIONS",
    "ERROR_CODES",
    "ISSUES",
    "ContactQuality",
    "CustomerQuality",
    "Issue",
    "QualityReport",
    "QualityRules",
    "QualitySummary",
    "assess",
    "quality_report",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "quality.rules": "QualityRules got an unknown issue code, a weight outside 0-100 or bad days.",
    "quality.as_of": "The as_of time of a quality report is not a date or time.",
    "quality.no_rows": "The report was made without keeping its rows (keep_rows=False).",
    "quality.pandas": "to_pandas() needs pandas, which is not installed.",
    "quality.matplotlib": "plot() needs matplotlib, which is not installed.",
}

#: The three dimensions, in report order.
DIMENSIONS: tuple[str, ...] = ("completeness", "accuracy", "freshness")

#: Every issue code: its dimension and what it means.
ISSUES: Mapping[str, tuple[str, str]] = {
    "missing_name": ("completeness", "No name."),
    "missing_id": ("completeness", "A person without a resident ID or other identity document."),
    "missing_uscc": ("completeness", "An organisation without a USCC."),
    "missing_mobile": ("completeness", "No mobile one can call (none, or all reported wrong)."),
    "missing_address": ("completeness", "No address."),
    "invalid_value": (
        "accuracy",
        "A current value fails strict re-validation; the detail is the validator's code.",
    ),
    "doubtful_source": (
        "accuracy",
        "Within the window a source reported a value that fails strict validation.",
    ),
    "wrong_number": ("accuracy", "A contact attempt reported the number wrong (错号, 空号)."),
    "conflicting_sources": (
        "accuracy",
        "Within the window different channels reported different values of the field.",
    ),
    "shared_number": ("accuracy", "A callable mobile is also on another customer (一号多人)."),
    "open_candidate": (
        "accuracy",
        "The customer is in an open candidate pair (possible duplicate).",
    ),
    "stale_contact": (
        "freshness",
        "A contact point neither observed nor confirmed reached for more than stale_days.",
    ),
}

#: The default weight (points off 100) of each issue code.
DEFAULT_WEIGHTS: Mapping[str, int] = {
    "missing_name": 20,
    "missing_id": 20,
    "missing_uscc": 20,
    "missing_mobile": 20,
    "missing_address": 10,
    "invalid_value": 10,
    "doubtful_source": 2,
    "wrong_number": 10,
    "conflicting_sources": 10,
    "shared_number": 5,
    "open_candidate": 10,
    "stale_contact": 10,
}

#: Validator warnings that describe ordinary data and are not reported: a resident ID whose
#: county code was created after the birth year (people registered before their county got
#: its current code carry it; see `custmaster.validate.cn_resident_id`).
BENIGN_WARNINGS: frozenset[str] = frozenset({"cn_resident_id.region_not_yet_created"})

#: The columns of `QualityReport.to_csv` (and of `QualityReport.to_pandas`).
CSV_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "kind",
    "score",
    "completeness",
    "accuracy",
    "freshness",
    "contacts",
    "stale_contacts",
    "wrong_numbers",
    "contact_days",
    "open_pairs",
    "issues",
)

# Fields whose values should never change: any two values from different channels conflict.
_IDENTITY_FIELDS = frozenset({"name", "resident_id", "uscc", "birth_date", "gender"})
# Fields that change in life: values conflict only when an older one is reported again after
# a newer one appeared (their observation periods overlap).
_CHANGING_FIELDS = frozenset({"address"})
_CONFLICT_FIELDS = _IDENTITY_FIELDS | _CHANGING_FIELDS | {"mobile"}
# Strict-validation codes of a source value that say "weak", not "different": such values are
# reported as doubtful_source and left out of the conflict comparison.
_WEAK_CODES = frozenset({"cn_name.honorific"})
# Values of a changing field reported within this time of each other were reported together.
_TOGETHER = dt.timedelta(days=1)
_PROGRESS_EVERY = 200


def _usage(message: str, code: str, message_zh: str) -> UsageError:
    return UsageError(message, code=code, message_zh=message_zh)


def _weights(value: object) -> Mapping[str, int]:
    if not isinstance(value, Mapping):
        raise _usage("weights map issue codes to points.", "quality.rules", "权重须为映射。")
    merged = dict(DEFAULT_WEIGHTS)
    for code, weight in value.items():
        if code not in ISSUES:
            raise _usage(
                f"Unknown issue code {str(code)[:40]!r}; codes: {', '.join(ISSUES)}.",
                "quality.rules",
                "未知的问题代码。",
            )
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
            raise _usage(
                f"The weight of {code} is an integer from 0 to 100.",
                "quality.rules",
                "权重须为 0-100 的整数。",
            )
        merged[code] = weight
    return merged


def _days(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 36500:
        raise _usage(
            "Day limits are integers from 1 to 36500.", "quality.rules", "天数须为 1-36500 的整数。"
        )
    return value


@attrs.frozen(kw_only=True)
class QualityRules:
    """What counts and how much: day limits, weights and the shared-number check.

    ``weights`` given override `DEFAULT_WEIGHTS` code by code (a weight of 0 keeps an issue
    in the report but costs no points). ``stale_days``: a contact point neither observed nor
    confirmed reached for longer is stale. ``conflict_days``: the window (back from
    ``as_of``) in which sources are compared. ``shared_numbers``: look up every callable
    mobile among the other customers (one index look-up per number).

    >>> rules = QualityRules(stale_days=180, weights={"missing_address": 0})
    >>> rules.weight("missing_address"), rules.weight("missing_mobile")
    (0, 20)
    >>> QualityRules(weights={"typo": 3})
    Traceback (most recent call last):
        ...
    custmaster.errors.UsageError: [quality.rules] Unknown issue code 'typo'; codes: ...
    """

    stale_days: int = attrs.field(default=365, converter=_days)
    conflict_days: int = attrs.field(default=730, converter=_days)
    weights: Mapping[str, int] = attrs.field(factory=dict, converter=_weights)
    shared_numbers: bool = True

    def weight(self, code: str) -> int:
        """The points an issue with this code costs."""
        return self.weights[code]


@attrs.frozen
class Issue:
    """One finding about a customer: a code of `ISSUES`, the field and a detail.

    ``str(issue)`` is the form written to reports: ``code``, ``code:field`` and the detail in
    brackets: a validator's error or warning code (``invalid_value:name(cn_name.honorific)``)
    or the reason of an open candidate pair (``open_candidate(shared_phone)``); never a value.
    """

    code: str
    field: str | None = None
    detail: str | None = None

    @property
    def dimension(self) -> str:
        """``completeness``, ``accuracy`` or ``freshness``."""
        return ISSUES[self.code][0]

    def __str__(self) -> str:
        text = f"{self.code}:{self.field}" if self.field else self.code
        return f"{text}({self.detail})" if self.detail else text


@attrs.frozen(kw_only=True)
class ContactQuality:
    """What the report found about one contact point (in `Customer.contact_points` order).

    ``seen_days``: days since it was last observed; ``confirmed_days``: days since a contact
    attempt last reached the customer on it (None if none did). ``wrong``: a contact attempt
    reported it wrong, on this customer or, for a phone number, on any customer (the newest
    verdict about the number). ``stale``: both day counts exceed ``stale_days`` (judged only
    for contact points one may use: not wrong, and of the addresses the current one).
    ``shared``: a mobile also on another customer; ``conflicting``: one of several mobiles
    that different channels reported.
    """

    kind: ContactKind
    status: ContactStatus
    seen_days: int
    confirmed_days: int | None = None
    wrong: bool = False
    stale: bool = False
    shared: bool = False
    conflicting: bool = False

    @property
    def days(self) -> int:
        """Days since it was last observed or confirmed, whichever is more recent."""
        if self.confirmed_days is None:
            return self.seen_days
        return min(self.seen_days, self.confirmed_days)


@attrs.frozen(kw_only=True)
class CustomerQuality:
    """The quality of one customer: scores 0-100 overall and per dimension, and the issues."""

    customer_id: str
    kind: str
    score: int
    completeness: int
    accuracy: int
    freshness: int
    issues: tuple[Issue, ...] = ()
    contacts: tuple[ContactQuality, ...] = ()
    open_pairs: int = 0

    @property
    def codes(self) -> tuple[str, ...]:
        """The issues as report strings (``missing_id``, ``stale_contact:mobile`` …)."""
        return tuple(str(issue) for issue in self.issues)

    @property
    def contact_days(self) -> int | None:
        """Days since the freshest usable contact point was observed or confirmed (None: none)."""
        usable = [c.days for c in self.contacts if not c.wrong]
        return min(usable) if usable else None

    def has(self, code: str, field: str | None = None) -> bool:
        """Whether an issue with this code (and field, if given) was found."""
        return any(i.code == code and (field is None or i.field == field) for i in self.issues)

    def csv_row(self) -> list[str]:
        """The row written by `QualityReport.to_csv` (`CSV_COLUMNS`)."""
        days = self.contact_days
        return [
            self.customer_id,
            self.kind,
            str(self.score),
            str(self.completeness),
            str(self.accuracy),
            str(self.freshness),
            str(len(self.contacts)),
            str(sum(c.stale for c in self.contacts)),
            str(sum(c.wrong for c in self.contacts)),
            "" if days is None else str(days),
            str(self.open_pairs),
            ";".join(self.codes),
        ]


# --------------------------------------------------------------------------- one customer


def _as_of(value: dt.datetime | dt.date | str | None) -> dt.datetime:
    if value is None:
        return utc_now()
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise _usage(
                "as_of is an ISO 8601 date or time.",
                "quality.as_of",
                "as_of 应为 ISO 8601 日期或时间。",
            ) from None
    if not isinstance(value, dt.datetime):
        if not isinstance(value, dt.date):
            raise _usage("as_of is a date or time.", "quality.as_of", "as_of 应为日期或时间。")
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


def _days_since(as_of: dt.datetime, then: dt.datetime) -> int:
    return max(0, (as_of - then).days)


def _address_key(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


def _same_address(a: str, b: str) -> bool:
    """Whether two addresses name the same place (one may lack the province or city)."""
    return a.endswith(b) or b.endswith(a)


def _is_organisation(customer: Customer) -> bool:
    if customer.kind is CustomerKind.ORGANISATION:
        return True
    if customer.resident_id or customer.id_document or not customer.name:
        return False
    try:
        return cn_name.parse(customer.name).kind == "organisation"
    except ValidationError:
        return False


def _strict_code(field: str, value: object, organisation: bool) -> str | None:
    """The code of the first doubt strict validation raises about a value, or None.

    Warnings that describe ordinary data (`BENIGN_WARNINGS`) are not doubts.
    """
    warnings: tuple[ValidationWarning, ...] = ()
    try:
        if field == "name" and isinstance(value, str):
            kind: cn_name.NameKind = "organisation" if organisation else "person"
            warnings = cn_name.parse(value, kind=kind).warnings
        elif field == "resident_id" and isinstance(value, str):
            warnings = cn_resident_id.parse(value).warnings
        elif field == "uscc" and isinstance(value, str):
            warnings = cn_uscc.parse(value).warnings
    except ValidationError as error:
        return error.code
    return next((w.code for w in warnings if w.code not in BENIGN_WARNINGS), None)


def _contact_code(point: ContactPoint) -> str | None:
    try:
        if point.kind.is_phone:
            phone.validate(point.value)
        elif point.kind is ContactKind.EMAIL:
            email.validate(point.value, strict=True)
    except ValidationError as error:
        return error.code
    return None


class _Observed:
    """Per value of a field: the channels that reported it and its first and last time."""

    __slots__ = ("channels", "first", "last")

    def __init__(self, channel: str, at: dt.datetime) -> None:
        self.channels = {channel}
        self.first = at
        self.last = at

    def add(self, channel: str, at: dt.datetime) -> None:
        self.channels.add(channel)
        self.first = min(self.first, at)
        self.last = max(self.last, at)


def _comparable(field: str, value: object) -> str:
    if field == "address" and isinstance(value, str):
        return _address_key(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def _group_addresses(values: dict[str, _Observed]) -> dict[str, _Observed]:
    """Addresses that name the same place (one a suffix of the other) as one value."""
    groups: dict[str, _Observed] = {}
    for key in sorted(values, key=len, reverse=True):
        seen = values[key]
        home = next((k for k in groups if _same_address(k, key)), None)
        if home is None:
            groups[key] = _Observed(next(iter(seen.channels)), seen.first)
            home = key
        target = groups[home]
        target.channels |= seen.channels
        target.first = min(target.first, seen.first)
        target.last = max(target.last, seen.last)
    return groups


def _conflicts(field: str, values: dict[str, _Observed], start: dt.datetime) -> bool:
    """Whether two values of a field conflict (see `_source_issues`)."""
    if field in _CHANGING_FIELDS:
        values = _group_addresses(values)
    items = list(values.values())
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if len(a.channels | b.channels) < 2:
                continue  # one channel alone said both: a correction, not a conflict
            if min(a.last, b.last) < start:
                continue  # not both reported within the window
            if field in _CHANGING_FIELDS and (
                b.first > a.last + _TOGETHER or a.first > b.last + _TOGETHER
            ):
                continue  # one replaced the other: a change, not a conflict
            return True
    return False


def _source_issues(
    records: Iterable[SourceRecord], start: dt.datetime, end: dt.datetime, organisation: bool
) -> list[Issue]:
    """Conflicting sources and doubtful source values of a customer's records.

    Two values of a field conflict when different channels reported them (not one channel
    alone, which is a correction), both were reported within the window (``start`` to
    ``end``), and — for a field that changes in life (the address) — neither replaced the
    other: an earlier value was reported again after the later one first appeared (values
    reported within a day of each other count as reported together). Addresses naming the
    same place (one without the province) are one value. A value that fails strict
    validation only for being weak (``张先生``) is not compared; reported within the window,
    it is a doubtful source value.
    """
    observed: dict[str, dict[str, _Observed]] = {}
    doubtful: dict[str, str] = {}
    checked: dict[tuple[str, object], str | None] = {}
    for record in records:
        at = record.provenance.observed_at
        if at > end:
            continue
        channel = record.provenance.channel.code
        for field, value in record.values():
            if field not in _CONFLICT_FIELDS or field == "mobile":
                continue
            if (field, value) in checked:
                code = checked[field, value]
            else:
                code = checked[field, value] = _strict_code(field, value, organisation)
            if code is not None:
                if at >= start:  # the first code in code order: the same in any record order
                    doubtful[field] = min(doubtful.get(field, code), code)
                if code in _WEAK_CODES:
                    continue
            key = _comparable(field, value)
            seen = observed.setdefault(field, {})
            if key in seen:
                seen[key].add(channel, at)
            else:
                seen[key] = _Observed(channel, at)
    # in field order, whatever order the records came in
    issues = [
        Issue("conflicting_sources", field)
        for field, values in sorted(observed.items(), key=lambda item: item[0])
        if len(values) > 1 and _conflicts(field, values, start)
    ]
    issues += [Issue("doubtful_source", field, code) for field, code in sorted(doubtful.items())]
    return issues


def _conflicting_mobiles(
    points: Sequence[ContactPoint], wrong: Collection[int], start: dt.datetime
) -> set[int]:
    """Indexes of mobiles in a one-customer-several-mobiles conflict (一人多号).

    Two or more callable mobiles observed in the window, by at least two channels together,
    not all of them confirmed reached: which one to call is unknown.
    """
    recent = [
        i
        for i, p in enumerate(points)
        if p.kind is ContactKind.MOBILE and i not in wrong and p.last_seen >= start
    ]
    if len(recent) < 2:
        return set()
    channels = {c for i in recent for c in points[i].channels}
    if len(channels) < 2 or all(points[i].status is ContactStatus.REACHED for i in recent):
        return set()
    return set(recent)


def _score(issues: Iterable[Issue], rules: QualityRules) -> dict[str, int]:
    lost = dict.fromkeys(DIMENSIONS, 0)
    for code, _ in {(issue.code, issue.field) for issue in issues}:
        lost[ISSUES[code][0]] += rules.weight(code)
    scores = {dimension: max(0, 100 - points) for dimension, points in lost.items()}
    scores["score"] = max(0, 100 - sum(lost.values()))
    return scores


def assess(
    customer: Customer,
    *,
    as_of: dt.datetime | dt.date | str | None = None,
    rules: QualityRules | None = None,
    records: Iterable[SourceRecord] = (),
    open_pairs: Iterable[str] | int = (),
    shared: Collection[str] = (),
    wrong: Collection[str] = (),
) -> CustomerQuality:
    """The quality of one customer (pure: the store look-ups are the caller's).

    ``records`` are the customer's source records (`custmaster.store.Store.observations`),
    compared for conflicting sources; ``open_pairs`` the reasons (`custmaster.resolve.Reason`
    values such as ``shared_phone``) of the open candidate pairs it is in, or their number;
    ``shared`` the values of its mobiles that other customers hold too; ``wrong`` phone
    numbers reported wrong on any customer (`custmaster.workflows.core_import.wrong_numbers`).
    """
    rules = rules if rules is not None else QualityRules()
    when = _as_of(as_of)
    start = when - dt.timedelta(days=rules.conflict_days)
    organisation = _is_organisation(customer)
    points = customer.contact_points
    wrong_at = {
        i
        for i, p in enumerate(points)
        if p.status is ContactStatus.WRONG or (p.kind.is_phone and p.value in wrong)
    }
    callable_at = {i for i, p in enumerate(points) if p.kind in VOICE_KINDS} - wrong_at
    issues: list[Issue] = []

    # completeness
    if not customer.name:
        issues.append(Issue("missing_name"))
    if organisation:
        if not customer.uscc:
            issues.append(Issue("missing_uscc"))
    elif not customer.resident_id and customer.id_document is None:
        issues.append(Issue("missing_id"))
    if not any(points[i].kind is ContactKind.MOBILE for i in callable_at):
        issues.append(Issue("missing_mobile"))
    has_address = customer.address or any(p.kind is ContactKind.ADDRESS for p in points)
    if not has_address:
        issues.append(Issue("missing_address"))

    # accuracy: current values, numbers, sources, pairs
    for field in ("name", "resident_id", "uscc"):
        code = _strict_code(field, getattr(customer, field), organisation)
        if code is not None:
            issues.append(Issue("invalid_value", field, code))
    for point in points:
        code = _contact_code(point)
        if code is not None:
            issues.append(Issue("invalid_value", point.kind.value, code))
    wrong_kinds = sorted({points[i].kind.value for i in wrong_at}, key=_kind_order)
    issues += [Issue("wrong_number", kind) for kind in wrong_kinds]
    for issue in _source_issues(records, start, when, organisation):
        if issue.code != "doubtful_source" or not any(
            i.code == "invalid_value" and i.field == issue.field for i in issues
        ):
            issues.append(issue)
    several = _conflicting_mobiles(points, wrong_at, start)
    if several:
        issues.append(Issue("conflicting_sources", "mobile"))
    shared_at = {
        i for i in callable_at if points[i].kind is ContactKind.MOBILE and points[i].value in shared
    }
    if shared_at:
        issues.append(Issue("shared_number", "mobile"))
    reasons = [None] * open_pairs if isinstance(open_pairs, int) else list(open_pairs)
    issues += [Issue("open_candidate", detail=reason) for reason in sorted(set(reasons), key=str)]

    # freshness
    contacts = [
        ContactQuality(
            kind=point.kind,
            status=point.status,
            seen_days=_days_since(when, point.last_seen),
            confirmed_days=(
                _days_since(when, point.status_at)
                if point.status is ContactStatus.REACHED and point.status_at is not None
                else None
            ),
            wrong=i in wrong_at,
            shared=i in shared_at,
            conflicting=i in several,
        )
        for i, point in enumerate(points)
    ]
    current = _current_address(customer)
    address_days = min(
        (
            c.days
            for p, c in zip(points, contacts, strict=True)
            if p.kind is ContactKind.ADDRESS and _is_current(p, current)
        ),
        default=None,
    )
    for i, (point, contact) in enumerate(zip(points, contacts, strict=True)):
        if contact.wrong:
            continue
        if point.kind is ContactKind.ADDRESS:
            # the current address in any spelling counts as one contact point; former
            # addresses are history, not something to keep fresh
            if not _is_current(point, current) or address_days is None:
                continue
            days = address_days
        else:
            days = contact.days
        if days > rules.stale_days:
            contacts[i] = attrs.evolve(contact, stale=True)
    stale = sorted({c.kind.value for c in contacts if c.stale}, key=_kind_order)
    issues += [Issue("stale_contact", kind) for kind in stale]

    unique = list(dict.fromkeys(issues))
    scores = _score(unique, rules)
    return CustomerQuality(
        customer_id=customer.id,
        kind="organisation" if organisation else "person",
        score=scores["score"],
        completeness=scores["completeness"],
        accuracy=scores["accuracy"],
        freshness=scores["freshness"],
        issues=tuple(unique),
        contacts=tuple(contacts),
        open_pairs=len(reasons),
    )


def _current_address(customer: Customer) -> str | None:
    if customer.address:
        return _address_key(customer.address)
    return None


def _is_current(point: ContactPoint, current: str | None) -> bool:
    """Whether an address contact point is the current address (in any spelling); without a
    current address every address contact point counts."""
    if current is None:
        return True
    return _same_address(_address_key(point.value), current)


def _kind_order(kind: str) -> int:
    return list(ContactKind).index(ContactKind(kind))


# --------------------------------------------------------------------------- the portfolio


@attrs.frozen(kw_only=True)
class QualitySummary:
    """The portfolio: how many customers, their scores, and how often each issue occurs.

    ``score_counts[s]`` is the number of customers scoring ``s`` (0-100), so the median and
    bands are exact. ``issues`` counts customers per issue code, ``issue_fields`` per
    ``code:field``.
    """

    as_of: dt.datetime
    rules: QualityRules
    customers: int
    persons: int
    organisations: int
    score_counts: tuple[int, ...]
    dimension_totals: Mapping[str, int]
    issues: Mapping[str, int]
    issue_fields: Mapping[str, int]
    contacts: int
    stale_contacts: int
    wrong_numbers: int
    without_issues: int

    @property
    def mean_score(self) -> float:
        """The mean score (0.0 for an empty store)."""
        total = sum(score * n for score, n in enumerate(self.score_counts))
        return total / self.customers if self.customers else 0.0

    @property
    def median_score(self) -> float:
        """The median score (0.0 for an empty store)."""
        if not self.customers:
            return 0.0
        middle = [(self.customers - 1) // 2, self.customers // 2]
        found: list[int] = []
        seen = 0
        for score, n in enumerate(self.score_counts):
            while len(found) < 2 and middle[len(found)] < seen + n:
                found.append(score)
            seen += n
        return sum(found) / 2

    def mean(self, dimension: str) -> float:
        """The mean score of one dimension (`DIMENSIONS`)."""
        return self.dimension_totals[dimension] / self.customers if self.customers else 0.0

    def share(self, code: str) -> float:
        """The share of customers with an issue code (0.0-1.0)."""
        return self.issues.get(code, 0) / self.customers if self.customers else 0.0

    def bands(self, width: int = 10) -> list[tuple[int, int, int]]:
        """``(low, high, customers)`` per score band; the last band includes 100."""
        result = []
        for low in range(0, 100, width):
            high = min(low + width - 1, 100)
            if high + width > 100:
                high = 100
            result.append((low, high, sum(self.score_counts[low : high + 1])))
            if high == 100:
                break
        return result

    def as_markdown(self) -> str:
        """The summary as Markdown: the figures, then a table of issues."""
        lines = [
            f"- as of {self.as_of.date().isoformat()}: {self.customers:,} customers "
            f"({self.persons:,} persons, {self.organisations:,} organisations)",
            f"- score: mean {self.mean_score:.1f}, median {self.median_score:g}; "
            + ", ".join(f"{d} {self.mean(d):.1f}" for d in DIMENSIONS),
            f"- customers without any issue: {self.without_issues:,}",
            f"- contact points: {self.contacts:,}, stale {self.stale_contacts:,}, "
            f"reported wrong {self.wrong_numbers:,}",
            "",
            "| issue | dimension | customers | share |",
            "| --- | --- | ---: | ---: |",
        ]
        for code, count in sorted(self.issues.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"| `{code}` | {ISSUES[code][0]} | {count:,} | {self.share(code):.1%} |")
        return "\n".join(lines)

    def plot(self, path: str | Path | None = None) -> Any:
        """A bar chart of the customers per score band and the share with each issue.

        Returns the matplotlib ``Figure`` and, given ``path``, saves it there (PNG by the
        suffix). Needs matplotlib (``pip install matplotlib``), imported only here.
        """
        try:
            figure_module: Any = importlib.import_module("matplotlib.figure")
            patches: Any = importlib.import_module("matplotlib.patches")
        except ImportError:
            raise _usage(
                "plot() needs matplotlib: pip install matplotlib",
                "quality.matplotlib",
                "plot() 需要 matplotlib：pip install matplotlib",
            ) from None
        figure = figure_module.Figure(figsize=(10, 4.2), dpi=100, layout="constrained")
        left, right = figure.subplots(1, 2, width_ratios=(1, 1.15))
        bands = self.bands()
        labels = [f"{low}-{high}" for low, high, _ in bands]
        left.bar(labels, [n for _, _, n in bands], color="#3a6ea5")
        left.set_title(f"Customers per score band (mean {self.mean_score:.1f})")
        left.set_xlabel("score")
        left.set_ylabel("customers")
        left.tick_params(axis="x", labelrotation=45)
        ordered = sorted(self.issues.items(), key=lambda kv: kv[1])
        colours = {"completeness": "#c0504d", "accuracy": "#e3a21a", "freshness": "#4f9a5b"}
        right.barh(
            [code for code, _ in ordered],
            [100 * self.share(code) for code, _ in ordered],
            color=[colours[ISSUES[code][0]] for code, _ in ordered],
        )
        right.set_title("Customers with each issue")
        right.set_xlabel("% of customers")
        right.legend(
            handles=[patches.Patch(color=colour, label=name) for name, colour in colours.items()],
            loc="lower right",
        )
        figure.suptitle(
            f"Data quality as of {self.as_of.date().isoformat()}: {self.customers:,} customers"
        )
        if path is not None:
            figure.savefig(Path(path))
        return figure


class _Totals:
    """The running portfolio figures (bounded: counters, never rows)."""

    def __init__(self) -> None:
        self.customers = 0
        self.persons = 0
        self.scores = [0] * 101
        self.dimensions = dict.fromkeys(DIMENSIONS, 0)
        self.issues: Counter[str] = Counter()
        self.fields: Counter[str] = Counter()
        self.contacts = 0
        self.stale = 0
        self.wrong = 0
        self.clean = 0

    def add(self, row: CustomerQuality) -> None:
        self.customers += 1
        self.persons += row.kind == "person"
        self.scores[row.score] += 1
        self.dimensions["completeness"] += row.completeness
        self.dimensions["accuracy"] += row.accuracy
        self.dimensions["freshness"] += row.freshness
        self.issues.update({issue.code for issue in row.issues})
        self.fields.update({f"{i.code}:{i.field}" if i.field else i.code for i in row.issues})
        self.contacts += len(row.contacts)
        self.stale += sum(c.stale for c in row.contacts)
        self.wrong += sum(c.wrong for c in row.contacts)
        self.clean += not row.issues

    def summary(self, as_of: dt.datetime, rules: QualityRules) -> QualitySummary:
        return QualitySummary(
            as_of=as_of,
            rules=rules,
            customers=self.customers,
            persons=self.persons,
            organisations=self.customers - self.persons,
            score_counts=tuple(self.scores),
            dimension_totals=dict(self.dimensions),
            issues=dict(sorted(self.issues.items())),
            issue_fields=dict(sorted(self.fields.items())),
            contacts=self.contacts,
            stale_contacts=self.stale,
            wrong_numbers=self.wrong,
            without_issues=self.clean,
        )


def _open_csv(path: Path) -> tuple[IO[str], Any]:
    handle = path.open("w", encoding="utf-8-sig", newline="", buffering=1 << 16)
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    return handle, writer


@attrs.frozen(kw_only=True)
class QualityReport:
    """A quality report: the portfolio `summary` and, unless streamed, one row per customer.

    ``rows`` is None when the report was made with ``keep_rows=False`` (rows were written to
    ``output`` or handed to ``on_row`` as they came). ``output`` is the CSV file written while
    reading, if any.
    """

    summary: QualitySummary
    rows: tuple[CustomerQuality, ...] | None
    output: Path | None = None
    seconds: float = 0.0
    _service: Service | None = attrs.field(default=None, repr=False, alias="service")

    def __iter__(self) -> Iterator[CustomerQuality]:
        return iter(self._rows())

    def _rows(self) -> tuple[CustomerQuality, ...]:
        if self.rows is None:
            raise _usage(
                "This report kept no rows (keep_rows=False); read its output file instead.",
                "quality.no_rows",
                "该报告未保留逐客户结果（keep_rows=False）。",
            )
        return self.rows

    def to_csv(self, path: str | Path) -> Path:
        """Write one row per customer (`CSV_COLUMNS`: ids, scores, counts, issue codes — no
        personal values). An export: checks and audits the ``export`` permission."""
        rows = self._rows()
        service = self._service
        if service is not None:
            service.require("export")
        target = Path(path)
        handle, writer = _open_csv(target)
        with handle:
            for row in rows:
                writer.writerow(row.csv_row())
        if service is not None:
            service.authorize_export("data quality report", rows=len(rows))
        return target

    def to_pandas(self) -> Any:
        """The rows as a pandas ``DataFrame`` (`CSV_COLUMNS`; numbers as numbers, days as a
        nullable integer). Needs pandas (``pip install 'custmaster[pandas]'``), imported only
        here."""
        rows = self._rows()
        try:
            pandas: Any = importlib.import_module("pandas")
        except ImportError:
            raise _usage(
                "to_pandas() needs pandas: pip install pandas (or 'custmaster[pandas]')",
                "quality.pandas",
                "to_pandas() 需要 pandas：pip install pandas（或 'custmaster[pandas]'）",
            ) from None
        numbers = ("score", "completeness", "accuracy", "freshness", "contacts", "open_pairs")
        data: dict[str, list[Any]] = {column: [] for column in CSV_COLUMNS}
        for row in rows:
            for column, value in zip(CSV_COLUMNS, row.csv_row(), strict=True):
                if column in numbers or column in ("stale_contacts", "wrong_numbers"):
                    data[column].append(int(value))
                elif column == "contact_days":
                    data[column].append(int(value) if value else None)
                else:
                    data[column].append(value)
        frame = pandas.DataFrame(data, columns=list(CSV_COLUMNS))
        return frame.astype({"contact_days": "Int64"})


class _Holders:
    """Which customers hold a mobile: one store look-up per number, remembered only for the
    numbers several customers hold (so the memory grows with the findings, not the store)."""

    def __init__(self, service: Service) -> None:
        self._service = service
        self._shared: dict[str, frozenset[str]] = {}

    def of(self, number: str, customer_id: str) -> frozenset[str]:
        known = self._shared.get(number)
        if known is not None and customer_id in known:
            return known
        try:
            found = frozenset(c.id for c in self._service.store.find(phone=number))
        except ValidationError:
            return frozenset()
        if len(found) > 1:
            self._shared[number] = found
        return found


def _shared(
    holders: _Holders, customer: Customer, partners: Collection[str], wrong: Collection[str]
) -> set[str]:
    """The callable mobiles of a customer that other customers hold too (not counting the
    customers it is in an open candidate pair with: that is one finding already)."""
    found = set()
    for point in customer.contact_points:
        if point.kind is not ContactKind.MOBILE or not point.is_callable or point.value in wrong:
            continue
        others = holders.of(point.value, customer.id) - {customer.id}
        if others - set(partners):
            found.add(point.value)
    return found


def quality_report(
    target: Service | Store,
    *,
    as_of: dt.datetime | dt.date | str | None = None,
    rules: QualityRules | None = None,
    output: str | Path | None = None,
    keep_rows: bool = True,
    on_row: Callable[[CustomerQuality], None] | None = None,
    progress: Callable[[int, float | None], None] | None = None,
) -> QualityReport:
    """Assess every customer of a store and sum up the portfolio.

    Customers are read one at a time (`custmaster.store.Store.iter_customers`) with their
    source records; the open candidate pairs are read once. ``as_of`` (default: now) is the
    time ages and the conflict window count back from. With ``output`` each row is written
    to that CSV file as it is made (an export: the ``export`` permission is checked before
    reading and the export audited after); with ``keep_rows=False`` no row is kept in memory,
    so memory stays bounded on any store. ``on_row`` receives each row; ``progress``
    receives ``(customers done, fraction)`` now and then.

    Needs the ``query`` permission (and ``export`` with ``output``).
    """
    started = time.perf_counter()
    service = as_service(target)
    chosen = rules if rules is not None else QualityRules()
    when = _as_of(as_of)
    service.require("query")
    path = Path(output) if output is not None else None
    if path is not None:
        service.require("export")
    total = service.counts().get("customers") or 0
    wrong = set(wrong_numbers(service))
    holders = _Holders(service)
    partners: dict[str, dict[str, str]] = {}
    for pair in service.candidates():
        reason = str(getattr(pair.reason, "value", pair.reason))
        partners.setdefault(pair.a, {})[pair.b] = reason
        partners.setdefault(pair.b, {})[pair.a] = reason
    totals = _Totals()
    kept: list[CustomerQuality] | None = [] if keep_rows else None
    handle, writer = _open_csv(path) if path is not None else (None, None)
    try:
        for customer in service.iter_customers():
            others = partners.get(customer.id, {})
            shared = _shared(holders, customer, others, wrong) if chosen.shared_numbers else set()
            row = assess(
                customer,
                as_of=when,
                rules=chosen,
                records=service.observations(customer.id),
                open_pairs=others.values(),
                shared=shared,
                wrong=wrong,
            )
            totals.add(row)
            if kept is not None:
                kept.append(row)
            if writer is not None:
                writer.writerow(row.csv_row())
            if on_row is not None:
                on_row(row)
            if progress is not None and totals.customers % _PROGRESS_EVERY == 0:
                progress(totals.customers, totals.customers / total if total else None)
    finally:
        if handle is not None:
            handle.close()
    if progress is not None:
        progress(totals.customers, 1.0)
    service.record("quality", detail={"customers": totals.customers})
    if path is not None:
        service.authorize_export("data quality report", rows=totals.customers)
    return QualityReport(
        summary=totals.summary(when, chosen),
        rows=tuple(kept) if kept is not None else None,
        output=path,
        seconds=time.perf_counter() - started,
        service=service,
    )
