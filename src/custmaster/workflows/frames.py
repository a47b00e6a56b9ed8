"""DataFrames: customers, contact points, policies and contact events for pandas and polars.

`to_pandas` and `to_polars` turn a store (or a `custmaster.service.Service`) into one table;
`to_dict` gives the same columns as plain lists and `rows` streams them as dicts, neither
needing a DataFrame library. ``kind`` says which table:

| kind | one row per | columns |
| --- | --- | --- |
| ``customers`` | customer (golden record) | `CUSTOMER_COLUMNS` |
| ``contacts`` | contact point of a customer | `CONTACT_COLUMNS` |
| ``policies`` | policy | `POLICY_COLUMNS` |
| ``events`` | contact event (call-back, call) | `EVENT_COLUMNS` |

**Masked by default.** Every personal value is shown by the one mask of its field kind
(`custmaster.privacy.masking.mask`): ``张*``, ``110***********002X``, ``138****8000``,
``福建省厦门市思明区******``, ``闽D·***88``. ``reveal=True`` gives full values; it needs a named
user holding the ``reveal`` permission (`custmaster.service.Service`), so a bare store or a
service without a user refuses it. Every table, masked or not, needs ``query`` and ``export``
(masked values are still personal information) and leaves one audit entry: operation
``export`` or ``reveal``, the kind, the number of rows and the names of the personal columns,
never values. Free-text notes of contact events are never exported.

Column types: text, whole numbers, booleans, dates (pandas ``datetime64``, polars ``Date``)
and times in UTC (pandas ``datetime64[..., UTC]``, polars ``Datetime(time_zone="UTC")``).
A masked personal column is text; revealed, ``birth_date`` holds dates. Several values in one
cell (``callable_phones``, ``policy_nos`` …) are joined by ``"; "``.

Numbers flagged wrong by a call-back count as wrong for every customer who has them
(`custmaster.workflows.core_import.wrong_numbers`), and numbers under a do-not-call request
(勿扰) as such for all of them (`custmaster.workflows.core_import.do_not_call_numbers`): they
are never in ``best_phone`` or ``callable_phones``, and their ``callable`` cell is false.

**Memory.** Customers are streamed from the store (`custmaster.store.BaseStore.iter_customers`)
and each row's values are appended to one list per column at once; no list of rows or of
customers is kept. A policy is read once, with its first customer by id.

pandas and polars are optional: ``pip install 'custmaster[pandas]'`` or
``'custmaster[polars]'``; without them `to_pandas` and `to_polars` raise a
`custmaster.UsageError` saying what to install.

>>> from custmaster.store import MemoryStore
>>> from custmaster.model import Provenance, SourceRecord
>>> store = MemoryStore()
>>> _ = store.ingest(SourceRecord(
...     provenance=Provenance(channel="core_system", source_ref="PDAA2026001#0",
...                           observed_at="2026-01-02"),
...     policy_no="PDAA2026001", line="商业险", resident_id="11010519491231002X", name="张伟",
...     mobile="13800138000", address="福建省厦门市思明区湖滨南路100号", plate="闽D12388",
...     cover_start="2026-01-05", cover_end="2027-01-04"))
>>> table = to_dict(store, "customers")
>>> table["name"], table["resident_id"], table["best_phone"], table["address"]
(['张*'], ['110***********002X'], ['138****8000'], ['福建省厦门市思明区******'])
>>> row = next(rows(store, "policies"))
>>> row["policy_no"], row["line"], row["plate"], row["cover_end"]
('PDAA2026001', 'commercial', '闽D·***88', datetime.date(2027, 1, 4))
>>> to_dict(store, "customers", reveal=True)
Traceback (most recent call last):
    ...
custmaster.errors.PermissionDenied: [permission.reveal] Revealing full values needs a named ...
>>> to_dict(store, "vehicles")
Traceback (most recent call last):
    ...
custmaster.errors.UsageError: [frames.kind] No table 'vehicles': choose customers, contacts, ...
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from custmaster.catalog.vehicle_series import Classifier, default_classifier
from custmaster.errors import NotFoundError, UsageError
from custmaster.merge.engine import verdict_key
from custmaster.model.contact import (
    ContactEvent,
    ContactKind,
    ContactPoint,
    ContactStatus,
)
from custmaster.model.customer import Customer
from custmaster.model.policy import Policy, PolicyRole
from custmaster.privacy.access import Permission
from custmaster.privacy.masking import mask
from custmaster.service import Service, as_service
from custmaster.store.base import Store
from custmaster.workflows.classification import ClassificationRules, classify_customer
from custmaster.workflows.core_import import uncallable_numbers
from custmaster.workflows.policies import policy_details

__all__ = [
    "COLUMNS",
    "CONTACT_COLUMNS",
    "CUSTOMER_COLUMNS",
    "ERROR_CODES",
    "EVENT_COLUMNS",
    "KINDS",
    "POLICY_COLUMNS",
    "Column",
    "rows",
    "to_dict",
    "to_pandas",
    "to_polars",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "frames.kind": "The table asked for is not customers, contacts, policies or events.",
    "frames.pandas_extra": "A pandas DataFrame needs pandas: install custmaster[pandas].",
    "frames.polars_extra": "A polars DataFrame needs polars: install custmaster[polars].",
}

#: The tables, in the order the documentation lists them.
KINDS: tuple[str, ...] = ("customers", "contacts", "policies", "events")

#: The value types a column can have.
_TYPES = frozenset({"text", "int", "bool", "date", "datetime"})


def _type(value: str) -> str:
    if value not in _TYPES:
        raise ValueError(f"column type {value!r} is not one of {sorted(_TYPES)}")
    return value


@attrs.frozen
class Column:
    """One column of a table: its name, its value type, what it holds, and its privacy field.

    ``type`` is ``text``, ``int``, ``bool``, ``date`` or ``datetime`` (UTC). ``field`` names
    the field of `custmaster.privacy.sensitivity.FIELD_POLICIES` whose mask applies to a
    personal column (``None``: not personal, shown as it is).
    """

    name: str
    type: str = attrs.field(converter=_type)
    description: str
    field: str | None = None

    @property
    def personal(self) -> bool:
        """Whether the column is masked unless revealed."""
        return self.field is not None

    def type_for(self, reveal: bool) -> str:
        """The value type of the column's cells: masked personal values are text."""
        return self.type if reveal or self.field is None else "text"


_C = Column

#: One row per customer, by customer id.
CUSTOMER_COLUMNS: tuple[Column, ...] = (
    _C("customer_id", "text", "The customer's id (客户号)."),
    _C("kind", "text", "person or organisation."),
    _C("name", "text", "Name (姓名/名称).", "name"),
    _C("resident_id", "text", "Resident ID number (身份证号), 18-digit form.", "resident_id"),
    _C("uscc", "text", "Unified social credit code of an organisation.", "uscc"),
    _C("id_document_type", "text", "Type of another identity document (passport …)."),
    _C("id_document", "text", "Number of that identity document.", "id_document"),
    _C("gender", "text", "female or male (from the resident ID)."),
    _C("birth_date", "date", "Birth date (year only when masked).", "birth_date"),
    _C("address", "text", "Current address (客户地址).", "address"),
    _C("postcode", "text", "Postcode."),
    _C("source_channel", "text", "Channel of the first observation (来源渠道)."),
    _C("level", "text", "Customer level under the classification rules (客户等级)."),
    _C("key_customer", "bool", "Key customer (重点客户) under the classification rules."),
    _C("years_insured", "int", "Distinct years in which a policy of theirs started."),
    _C("lines", "text", "Lines held (compulsory, commercial …)."),
    _C("vehicles", "int", "Distinct vehicles (VIN or plate) their policies insure."),
    _C("best_phone", "text", "The best callable number (reached first, newest seen).", "mobile"),
    _C("callable_phones", "text", "Every callable number, best first.", "mobile"),
    _C("wrong_phones", "int", "Numbers of theirs flagged wrong."),
    _C("email", "text", "The best e-mail address (reached first, newest seen).", "email"),
    _C("contact_points", "int", "Contact points of any kind and status."),
    _C("policies", "int", "Policies they are linked to, in any role."),
    _C("policy_nos", "text", "Those policies' numbers (保单号)."),
)

#: One row per contact point, by customer id, then kind and value.
CONTACT_COLUMNS: tuple[Column, ...] = (
    _C("customer_id", "text", "The customer's id."),
    _C("kind", "text", "mobile, home, office, fax, email or address."),
    _C("value", "text", "The number (E.164), e-mail address or address.", "contact_value"),
    _C("status", "text", "unverified, reached, wrong or do_not_call, as call-backs proved."),
    _C("status_at", "datetime", "When the status was set."),
    _C("status_by", "text", "Who set it (the caller).", "status_by"),
    _C("callable", "bool", "A voice number neither wrong nor do-not-call (on anyone)."),
    _C("first_seen", "datetime", "First observation of the contact point."),
    _C("last_seen", "datetime", "Latest observation."),
    _C("observations", "int", "How many observations named it."),
    _C("channels", "text", "The channels that named it, with counts (telesales:2)."),
)

#: One row per policy, by the id of its first customer, then policy number.
POLICY_COLUMNS: tuple[Column, ...] = (
    _C("policy_no", "text", "Policy number (保单号)."),
    _C("line", "text", "compulsory (交强险), commercial (商业险) or another line's code."),
    _C("status", "text", "in_force, unpaid, pending, cancelled or expired."),
    _C("business_type", "text", "new, renewal or transfer (新保, 续保, 转保)."),
    _C("renews", "text", "Number of the policy it renews (上年保单号)."),
    _C("cover_start", "date", "First day of cover (起保日期)."),
    _C("cover_end", "date", "Last day of cover (终保日期)."),
    _C("cancelled_on", "date", "Effective date of a cancellation endorsement."),
    _C("endorsements", "int", "Endorsements (批改) applied."),
    _C("holder_id", "text", "Customer id of the policy holder (投保人)."),
    _C("insured_id", "text", "Customer id of the insured now (被保险人), after any 过户."),
    _C("owner_id", "text", "Customer id of the vehicle owner (车主)."),
    _C("plate", "text", "Plate (车牌号).", "plate"),
    _C("vin", "text", "VIN (车架号).", "vin"),
    _C("engine_no", "text", "Engine number (发动机号).", "engine_no"),
    _C("make_model", "text", "Make and model as written (厂牌型号)."),
    _C("manufacturer", "text", "Manufacturer classified from it (厂商)."),
    _C("series", "text", "Series classified from it (车系)."),
    _C("first_registered", "date", "First registration (初登日期)."),
)

#: One row per contact event, by customer id, then time and event id.
EVENT_COLUMNS: tuple[Column, ...] = (
    _C("event_id", "text", "The event's id."),
    _C("customer_id", "text", "The customer it is stored under."),
    _C("at", "datetime", "When the attempt was made."),
    _C("channel", "text", "Channel of the attempt (callback …)."),
    _C("method", "text", "call, sms …"),
    _C("contact_kind", "text", "Kind of contact point used."),
    _C("contact_value", "text", "The number or address used.", "contact_value"),
    _C("outcome", "text", "reached, wrong_number, no_answer, invalid …"),
    _C("status", "text", "The status the outcome proves (reached or wrong), if any."),
    _C("operator", "text", "Who made the attempt (回访人).", "operator"),
)

#: The columns of each table.
COLUMNS: Mapping[str, tuple[Column, ...]] = MappingProxyType(
    {
        "customers": CUSTOMER_COLUMNS,
        "contacts": CONTACT_COLUMNS,
        "policies": POLICY_COLUMNS,
        "events": EVENT_COLUMNS,
    }
)

# The privacy field whose mask shows a contact point of each kind.
_CONTACT_FIELDS: dict[ContactKind, str] = {
    ContactKind.MOBILE: "mobile",
    ContactKind.HOME: "home_phone",
    ContactKind.OFFICE: "office_phone",
    ContactKind.FAX: "fax",
    ContactKind.EMAIL: "email",
    ContactKind.ADDRESS: "address",
}

_Row = dict[str, object]


def _columns(kind: object) -> tuple[Column, ...]:
    found = COLUMNS.get(kind) if isinstance(kind, str) else None
    if found is None:
        shown = kind[:20] if isinstance(kind, str) else type(kind).__name__
        raise UsageError(
            f"No table {shown!r}: choose {', '.join(KINDS)}.",
            code="frames.kind",
            message_zh="没有该表：可选 customers、contacts、policies、events。",
        )
    return found


def _shown(field: str, value: object, reveal: bool) -> object:
    if value is None or reveal:
        return value
    return mask(field, value)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.astimezone(dt.timezone.utc)


def _code(value: object) -> str | None:
    if value is None:
        return None
    code = getattr(value, "code", None)
    if isinstance(code, str):
        return code
    return str(getattr(value, "value", value))


def _flagged(service: Service) -> dict[str, bool]:
    """Numbers no list may offer, for every customer: number -> whether it is wrong (else it
    is under a do-not-call request)."""
    if not service.counts().get("events"):
        return {}
    return {
        number: event.outcome.consent is None
        for number, event in uncallable_numbers(service).items()
    }


def _is_wrong(point: ContactPoint, flagged: Mapping[str, bool]) -> bool:
    if point.status is ContactStatus.WRONG:
        return True
    return point.kind.is_phone and flagged.get(verdict_key(point.kind.value, point.value)[1], False)


def _uncallable(point: ContactPoint, flagged: Mapping[str, bool]) -> bool:
    """Wrong, or under a do-not-call request, on this customer or on anyone."""
    if not point.is_callable:
        return True
    return verdict_key(point.kind.value, point.value)[1] in flagged


def _contact(point: ContactPoint, reveal: bool) -> object:
    return _shown(_CONTACT_FIELDS[point.kind], point.value, reveal)


# -- rows ------------------------------------------------------------------------------------


def _customer_rows(
    service: Service, reveal: bool, rules: ClassificationRules | None
) -> Iterator[_Row]:
    flagged = _flagged(service)
    for customer in service.iter_customers():
        yield _customer_row(service, customer, flagged, reveal, rules)


def _customer_row(
    service: Service,
    customer: Customer,
    flagged: Mapping[str, bool],
    reveal: bool,
    rules: ClassificationRules | None,
) -> _Row:
    profile = classify_customer(service, customer.id, rules)
    phones = [p for p in customer.callable_contacts() if not _uncallable(p, flagged)]
    emails = customer.callable_contacts(kinds=(ContactKind.EMAIL,))
    wrong = sum(1 for p in customer.contact_points if p.kind.is_phone and _is_wrong(p, flagged))
    document = customer.id_document
    numbers = customer.policy_numbers()
    return {
        "customer_id": customer.id,
        "kind": customer.kind.value,
        "name": _shown("name", customer.name, reveal),
        "resident_id": _shown("resident_id", customer.resident_id, reveal),
        "uscc": _shown("uscc", customer.uscc, reveal),
        "id_document_type": document.type.value if document is not None else None,
        "id_document": _shown(
            "id_document", document.number if document is not None else None, reveal
        ),
        "gender": customer.gender.value if customer.gender is not None else None,
        "birth_date": _shown("birth_date", customer.birth_date, reveal),
        "address": _shown("address", customer.address, reveal),
        "postcode": customer.postcode,
        "source_channel": profile.source_channel,
        "level": profile.level,
        "key_customer": profile.key_customer,
        "years_insured": profile.years,
        "lines": "; ".join(profile.lines),
        "vehicles": profile.vehicles,
        "best_phone": _contact(phones[0], reveal) if phones else None,
        "callable_phones": "; ".join(str(_contact(p, reveal)) for p in phones),
        "wrong_phones": wrong,
        "email": _contact(emails[0], reveal) if emails else None,
        "contact_points": len(customer.contact_points),
        "policies": len(numbers),
        "policy_nos": "; ".join(numbers),
    }


def _contact_rows(service: Service, reveal: bool) -> Iterator[_Row]:
    flagged = _flagged(service)
    for customer in service.iter_customers():
        for point in customer.contact_points:
            yield {
                "customer_id": customer.id,
                "kind": point.kind.value,
                "value": _contact(point, reveal),
                "status": point.status.value,
                "status_at": _utc(point.status_at),
                "status_by": _shown("status_by", point.status_by, reveal),
                "callable": not _uncallable(point, flagged),
                "first_seen": _utc(point.first_seen),
                "last_seen": _utc(point.last_seen),
                "observations": point.count,
                "channels": "; ".join(f"{c}:{n}" for c, n in sorted(point.channels.items())),
            }


def _first_holder(service: Service, policy_no: str) -> str | None:
    try:
        policy = service.policy(policy_no)
    except NotFoundError:
        return None
    return min(policy.roles.values(), default=None)


def _policy_rows(service: Service, reveal: bool, classifier: Classifier) -> Iterator[_Row]:
    for customer in service.iter_customers():
        for number in customer.policy_numbers():
            # a policy named by several customers is read once, with the first of them
            if _first_holder(service, number) not in (customer.id, None):
                continue
            yield _policy_row(policy_details(service, number), reveal, classifier)


def _policy_row(policy: Policy, reveal: bool, classifier: Classifier) -> _Row:
    vehicle = policy.vehicle
    make_model = vehicle.make_model if vehicle is not None else None
    vin = vehicle.vin if vehicle is not None else None
    found = classifier.classify(make_model, vin) if make_model or vin else None
    return {
        "policy_no": policy.policy_no,
        "line": policy.line.code,
        "status": policy.status.value,
        "business_type": _code(policy.business_type),
        "renews": policy.renews,
        "cover_start": policy.cover_start,
        "cover_end": policy.cover_end,
        "cancelled_on": policy.cancelled_on,
        "endorsements": len(policy.endorsements),
        "holder_id": policy.customer_id(PolicyRole.HOLDER),
        "insured_id": policy.customer_id(PolicyRole.INSURED),
        "owner_id": policy.customer_id(PolicyRole.OWNER),
        "plate": _shown("plate", vehicle.plate if vehicle else None, reveal),
        "vin": _shown("vin", vin, reveal),
        "engine_no": _shown("engine_no", vehicle.engine_no if vehicle else None, reveal),
        "make_model": make_model,
        "manufacturer": found.manufacturer if found is not None else None,
        "series": found.series if found is not None else None,
        "first_registered": vehicle.first_registered if vehicle else None,
    }


def _event_rows(service: Service, reveal: bool) -> Iterator[_Row]:
    if not service.counts().get("events"):
        return
    for customer in service.iter_customers():
        for event in service.events(customer.id):
            yield _event_row(customer.id, event, reveal)


def _event_row(customer_id: str, event: ContactEvent, reveal: bool) -> _Row:
    status = event.outcome.implied_status
    return {
        "event_id": event.id,
        "customer_id": customer_id,
        "at": _utc(event.at),
        "channel": event.channel.code,
        "method": event.method.value,
        "contact_kind": event.contact_kind.value,
        "contact_value": _shown("contact_value", event.contact_value, reveal),
        "outcome": event.outcome.value,
        "status": status.value if status is not None else None,
        "operator": _shown("operator", event.operator, reveal),
    }


def _stream(
    service: Service,
    kind: str,
    reveal: bool,
    rules: ClassificationRules | None,
    classifier: Classifier | None,
) -> Iterator[_Row]:
    if kind == "customers":
        return _customer_rows(service, reveal, rules)
    if kind == "contacts":
        return _contact_rows(service, reveal)
    if kind == "policies":
        return _policy_rows(service, reveal, classifier or default_classifier())
    return _event_rows(service, reveal)


# -- permissions and audit -------------------------------------------------------------------


def _authorise(target: Service | Store, reveal: bool) -> tuple[Service, Service]:
    """Check ``query``, ``export`` (and ``reveal``); the caller's service and a reader.

    The reader is a service without audit over the same store: the table is one export,
    audited once, not one query per customer.
    """
    service = as_service(target)
    service.require(Permission.QUERY)
    service.require(Permission.EXPORT)
    if reveal:
        service.require(Permission.REVEAL)
    return service, Service(service.store)


def _audit(
    service: Service,
    kind: str,
    columns: tuple[Column, ...],
    *,
    reveal: bool,
    rows: int | None,
    form: str,
) -> None:
    """One audit entry for the table (permissions were checked by `_authorise`)."""
    service.record(
        "reveal" if reveal else "export",
        fields=[c.name for c in columns if c.personal],
        detail={"purpose": f"{form} table of {kind}", "rows": rows},
    )


# -- public ----------------------------------------------------------------------------------


def rows(
    target: Service | Store,
    kind: str = "customers",
    *,
    reveal: bool = False,
    rules: ClassificationRules | None = None,
    classifier: Classifier | None = None,
) -> Iterator[dict[str, object]]:
    """Stream the rows of one table as dicts (column name to value), masked unless ``reveal``.

    The permissions are checked and the export audited when this is called, before the first
    row (the entry's ``rows`` is null: a stream has no known length). ``rules`` classifies customers
    (default `custmaster.workflows.classification.DEFAULT_RULES`); ``classifier`` classifies
    vehicles (default `custmaster.catalog.vehicle_series.default_classifier`).
    """
    columns = _columns(kind)
    service, reader = _authorise(target, reveal)
    _audit(service, kind, columns, reveal=reveal, rows=None, form="rows")
    return _stream(reader, kind, reveal, rules, classifier)


def _build(
    target: Service | Store,
    kind: str,
    *,
    reveal: bool,
    rules: ClassificationRules | None,
    classifier: Classifier | None,
    form: str,
    before: Callable[[], Any] | None = None,
) -> tuple[tuple[Column, ...], dict[str, list[object]], Any]:
    columns = _columns(kind)
    service, reader = _authorise(target, reveal)
    library = before() if before is not None else None
    data: dict[str, list[object]] = {c.name: [] for c in columns}
    appenders = [(c.name, data[c.name].append) for c in columns]
    count = 0
    for row in _stream(reader, kind, reveal, rules, classifier):
        for name, append in appenders:
            append(row[name])
        count += 1
    _audit(service, kind, columns, reveal=reveal, rows=count, form=form)
    return columns, data, library


def to_dict(
    target: Service | Store,
    kind: str = "customers",
    *,
    reveal: bool = False,
    rules: ClassificationRules | None = None,
    classifier: Classifier | None = None,
) -> dict[str, list[object]]:
    """One table as column name to list of values (the `COLUMNS` of ``kind``, in order).

    Masked unless ``reveal``; needs ``query`` and ``export`` (and ``reveal``); audited once.
    """
    _, data, _ = _build(
        target, kind, reveal=reveal, rules=rules, classifier=classifier, form="dict"
    )
    return data


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise UsageError(
            "A pandas DataFrame needs pandas: pip install 'custmaster[pandas]'.",
            code="frames.pandas_extra",
            message_zh="生成 pandas 数据表需要安装 pandas：pip install 'custmaster[pandas]'。",
        ) from None


def _polars() -> Any:
    try:
        return importlib.import_module("polars")
    except ImportError:
        raise UsageError(
            "A polars DataFrame needs polars: pip install 'custmaster[polars]'.",
            code="frames.polars_extra",
            message_zh="生成 polars 数据表需要安装 polars：pip install 'custmaster[polars]'。",
        ) from None


def to_pandas(
    target: Service | Store,
    kind: str = "customers",
    *,
    reveal: bool = False,
    rules: ClassificationRules | None = None,
    classifier: Classifier | None = None,
) -> Any:
    """One table as a ``pandas.DataFrame``, masked unless ``reveal`` (see the module text).

    Text columns have the ``string`` dtype, counts ``int64``, flags ``bool``, dates
    ``datetime64`` and times ``datetime64`` in UTC; missing values are ``<NA>``/``NaT``.
    Needs pandas (``custmaster[pandas]``), ``query`` and ``export`` (and ``reveal``).
    """
    columns, data, pd = _build(
        target,
        kind,
        reveal=reveal,
        rules=rules,
        classifier=classifier,
        form="pandas",
        before=_pandas,
    )
    series: dict[str, Any] = {}
    for column in columns:
        values = data.pop(column.name)
        kind_of = column.type_for(reveal)
        if kind_of in ("date", "datetime"):
            raw = pd.Series(values, dtype="object")
            series[column.name] = pd.to_datetime(raw, utc=kind_of == "datetime")
        else:
            dtype = {"text": "string", "int": "int64", "bool": "bool"}[kind_of]
            series[column.name] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(series, columns=[c.name for c in columns])


def to_polars(
    target: Service | Store,
    kind: str = "customers",
    *,
    reveal: bool = False,
    rules: ClassificationRules | None = None,
    classifier: Classifier | None = None,
) -> Any:
    """One table as a ``polars.DataFrame``, masked unless ``reveal`` (see the module text).

    Text columns are ``String``, counts ``Int64``, flags ``Boolean``, dates ``Date`` and times
    ``Datetime(time_zone="UTC")``. Needs polars (``custmaster[polars]``), ``query`` and
    ``export`` (and ``reveal``).
    """
    columns, data, pl = _build(
        target,
        kind,
        reveal=reveal,
        rules=rules,
        classifier=classifier,
        form="polars",
        before=_polars,
    )
    types = {
        "text": pl.String,
        "int": pl.Int64,
        "bool": pl.Boolean,
        "date": pl.Date,
        "datetime": pl.Datetime("us", "UTC"),
    }
    schema = {c.name: types[c.type_for(reveal)] for c in columns}
    return pl.DataFrame(data, schema=schema)
