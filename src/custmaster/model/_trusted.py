"""Model objects built from values a store already validated, without checking them again.

A store rebuilds each `Customer` it returns from its log, whose values were validated when
they arrived. Running every converter and validator again (parsing the resident ID, each
phone number, each enum) cost an eighth of a lookup's instructions (callgrind) and loaded the
resident-ID region table on the first read. These constructors take values in exactly the
form the classes' converters produce and give an object equal to the validated one; the tests
check that equality on every customer of a synthetic book and on generated ones. They are for
`custmaster.merge.history` only: anything else builds model objects the ordinary, validated
way.

`source_record` is the same idea for the records an import builds
(`custmaster.workflows.core_import`): it has already run each cell through the field's
converter (`SOURCE_CONVERTERS`), so running them again in `SourceRecord`'s constructor only
repeats the work; `provenance` builds their provenance from a channel, a reference and an
aware time the same way. They are for that import only.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from custmaster.model import _convert
from custmaster.model import provenance as _provenance
from custmaster.model import source as _source
from custmaster.model.contact import ContactKind, ContactPoint, ContactStatus
from custmaster.model.customer import (
    _ROLE_ORDER,
    Customer,
    HistoryEntry,
    PolicyRoleLink,
    _CheckedHistories,
    _contact_order,
    _newest_first,
    _person_name,
)
from custmaster.model.identity import CustomerKind, Gender, IdentityDocument
from custmaster.model.policy import PolicyLine, PolicyRole
from custmaster.model.provenance import Channel, Provenance
from custmaster.model.source import SourceRecord

T = TypeVar("T")

_set = object.__setattr__
_CANONICAL_ID = re.compile(r"\d{17}[\dX]")
_KINDS = {kind.value: kind for kind in ContactKind}
_STATUSES = {status.value: status for status in ContactStatus}
_ROLES = {role.value: role for role in PolicyRole}


_DEFAULTS: dict[type[Any], tuple[tuple[str, Any], ...]] = {}


def _defaults(cls: type[Any]) -> tuple[tuple[str, Any], ...]:
    found = _DEFAULTS.get(cls)
    if found is None:
        found = _DEFAULTS[cls] = tuple((a.name, a.default) for a in attrs.fields(cls))
    return found


def _make(cls: type[T], values: Mapping[str, Any]) -> T:
    """An instance of the frozen attrs class ``cls`` holding ``values`` as given; fields not
    given take their defaults. No converter, validator or ``__attrs_post_init__`` runs."""
    obj = object.__new__(cls)
    for name, default in _defaults(cls):
        if name in values:
            value = values[name]
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            value = default.factory(obj) if default.takes_self else default.factory()
        elif default is attrs.NOTHING:
            raise TypeError(f"{cls.__name__} needs {name}")
        else:
            value = default
        _set(obj, name, value)
    return obj


def _link_order(link: PolicyRoleLink) -> tuple[str, int]:
    return (link.policy_no, _ROLE_ORDER[link.role])


def contact_point(
    *,
    kind: str,
    value: str,
    first_seen: dt.datetime,
    last_seen: dt.datetime,
    channels: Iterable[tuple[str, int]],
    status: str | None,
    status_at: dt.datetime | None,
    status_by: str | None,
) -> ContactPoint:
    """A `ContactPoint` from a stored contact state: ``value`` already normalised for its
    kind, ``channels`` as ``(code, count)`` pairs sorted by code."""
    return _make(
        ContactPoint,
        {
            "kind": _KINDS[kind],
            "value": value,
            "first_seen": first_seen,
            "last_seen": last_seen,
            "channels": _convert.FrozenMap(channels),
            "status": ContactStatus.UNVERIFIED if status is None else _STATUSES[status],
            "status_at": status_at,
            "status_by": status_by,
        },
    )


def policy_link(policy_no: str, role: str) -> PolicyRoleLink:
    """A `PolicyRoleLink` of a stored (already upper-cased and checked) policy number."""
    return _make(PolicyRoleLink, {"policy_no": policy_no, "role": _ROLES[role]})


def history_entry(field: str, value: object, provenance: Provenance) -> HistoryEntry:
    """A `HistoryEntry` of a value the log holds for ``field``."""
    return _make(HistoryEntry, {"field": field, "value": value, "provenance": provenance})


def customer(
    *,
    id: str,
    kind: CustomerKind,
    first_channel: Channel | None,
    contact_points: list[ContactPoint],
    policies: list[PolicyRoleLink],
    histories: Mapping[str, list[HistoryEntry]],
    shown: dict[str, Any],
) -> Customer:
    """A `Customer` from a stored state's values (``shown``: the single values it shows).

    Where a value may not be in the converter's form (a resident ID that is not yet the
    18-digit canonical number, say) the ordinary constructor decides, so the result is
    always what `Customer` itself would build.
    """
    values = dict(shown)
    number = values.get("resident_id")
    if number is not None and (type(number) is not str or not _CANONICAL_ID.fullmatch(number)):
        return Customer(
            id=id,
            kind=kind,
            first_channel=first_channel,
            contact_points=contact_points,
            policies=policies,
            histories=histories,
            **shown,
        )
    if number is not None and kind is CustomerKind.PERSON:
        values["gender"] = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
        values["birth_date"] = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    name = values.get("name")
    if name is not None:
        name = _convert.text(name)
        values["name"] = _person_name(name) if kind is CustomerKind.PERSON else name
    contact_points.sort(key=_contact_order)
    values["id"] = id
    values["kind"] = kind
    values["first_channel"] = first_channel
    values["contact_points"] = tuple(contact_points)
    # a state's roles hold each (policy, role) once: sorted as `_policy_links` sorts them
    values["policies"] = tuple(sorted(policies, key=_link_order))
    values["histories"] = _CheckedHistories(
        (field, tuple(sorted(histories[field], key=_newest_first, reverse=True)))
        for field in sorted(histories)
        if histories[field]
    )
    return _make(Customer, values)


# -- source records ------------------------------------------------------------------------

#: Each canonical field of `SourceRecord`: the converter it has, and the type of what that
#: converter returns: text (never blank: blank gives None), a `datetime.date` (a datetime
#: gives its date()), or an instance of the class, which the converter returns as it is.
_SOURCE_FIELDS: dict[str, tuple[Callable[[Any], Any], type[Any]]] = {
    "name": (_source._name, str),
    "resident_id": (_source._resident_id, str),
    "id_document": (_source._document, IdentityDocument),
    "uscc": (_source._uscc, str),
    "birth_date": (_source._birth_date, dt.date),
    "gender": (_source._gender, Gender),
    "mobile": (_source._mobile, str),
    "home_phone": (_source._home_phone, str),
    "office_phone": (_source._office_phone, str),
    "fax": (_source._fax, str),
    "email": (_source._email, str),
    "address": (_source._address, str),
    "postcode": (_source._postcode, str),
    "policy_no": (_source._policy_no, str),
    "line": (_source._line, PolicyLine),
    "role": (_source._role, PolicyRole),
    "cover_start": (_source._cover_start, dt.date),
    "cover_end": (_source._cover_end, dt.date),
    "plate": (_source._plate, str),
    "vin": (_source._vin, str),
    "engine_no": (_source._engine_no, str),
    "make_model": (_source._make_model, str),
    "first_registered": (_source._first_registered, dt.date),
}

#: The converter of each canonical `SourceRecord` field: `source_record` takes what they return.
SOURCE_CONVERTERS: Mapping[str, Callable[[Any], Any]] = {
    field: converter for field, (converter, _) in _SOURCE_FIELDS.items()
}
_SOURCE_TYPES = {field: kind for field, (_, kind) in _SOURCE_FIELDS.items()}


_Setter = Callable[[object, object], None]


def _source_slots() -> tuple[_Setter, tuple[tuple[_Setter, str], ...], _Setter] | None:
    """The slot setters of `SourceRecord` (provenance, each canonical field's, extra), when
    it is the class `source_record` was written for: slotted, the same fields in the same
    order, each with the converter listed here and no default but None (``extra``: the empty
    map), no validator but the provenance's type check. Else None, and `source_record`
    builds every record through the validated constructor until this module learns the new
    form.

    The setters are the slots' own (member descriptors' ``__set__``): cheaper than `_make`'s
    setattr by name, which counts at one record per imported row.
    """
    fields = attrs.fields(SourceRecord)
    if [a.name for a in fields] != ["provenance", *_SOURCE_FIELDS, "extra"]:
        return None
    setters: dict[str, _Setter] = {}
    for a in fields:
        converter: object = a.converter
        if a.name == "provenance":
            if converter is not None or getattr(a.validator, "type", None) is not Provenance:
                return None
        elif a.name == "extra":
            if a.validator is not None or converter is not _source._extra:
                return None
            if a.default is not _source._EMPTY:
                return None
        elif (
            a.validator is not None
            or converter is not SOURCE_CONVERTERS[a.name]
            or a.default is not None
        ):
            return None
        descriptor = vars(SourceRecord).get(a.name)
        if not isinstance(descriptor, types.MemberDescriptorType):
            return None
        setters[a.name] = descriptor.__set__
    return (
        setters["provenance"],
        tuple((setters[field], field) for field in _SOURCE_FIELDS),
        setters["extra"],
    )


_SOURCE_SLOTS = _source_slots()


def source_record(
    provenance: Provenance, values: Mapping[str, Any], extra: Mapping[str, str]
) -> SourceRecord:
    """A `SourceRecord` of values an import has already validated and normalised.

    Each of ``values`` must be what the field's own converter (`SOURCE_CONVERTERS`)
    returned for the cell, or None; ``extra`` maps column names to text. A value not of
    the type its converter returns (text where an enum or a date belongs, a datetime for a
    date, blank text, an unknown field), an extra column name of the wrong length, or a
    changed `SourceRecord` sends the whole record through the validated constructor, so the
    result is always what ``SourceRecord(provenance=provenance, extra=extra, **values)``
    gives, or that call's error. ``SourceRecord.__attrs_post_init__``, if the class gets one
    (cross-field checks), runs either way.
    """
    slots = _SOURCE_SLOTS
    if slots is None or type(provenance) is not Provenance:
        return SourceRecord(provenance=provenance, extra=extra, **values)
    types_ = _SOURCE_TYPES
    for field, value in values.items():
        if value is None:
            continue
        kind = types_.get(field)
        if kind is str:
            if type(value) is str and value and not value.isspace():
                continue
        elif kind is dt.date:
            if type(value) is dt.date:
                continue
        elif kind is not None and isinstance(value, kind):
            continue
        return SourceRecord(provenance=provenance, extra=extra, **values)
    # what `custmaster.model.source._extra` makes of a dict or a FrozenMap, checked the same way
    kept: Mapping[str, str]
    if type(extra) is dict and not extra:
        kept = _source._EMPTY
    elif type(extra) is dict and _source._extra_ok(extra):
        kept = _convert.FrozenMap(extra)
    elif type(extra) is _convert.FrozenMap and _source._extra_ok(extra):
        kept = extra
    else:
        return SourceRecord(provenance=provenance, extra=extra, **values)
    set_provenance, canonical, set_extra = slots
    record = object.__new__(SourceRecord)
    set_provenance(record, provenance)
    get = values.get
    for setter, field in canonical:
        setter(record, get(field))
    set_extra(record, kept)
    post_init = getattr(SourceRecord, "__attrs_post_init__", None)
    if post_init is not None:
        post_init(record)
    return record


def _provenance_known() -> bool:
    """Whether `Provenance` is the class `provenance` was written for: slotted, these fields
    in this order, their converters and validators, ``recorded_at`` defaulting to
    ``observed_at``, nothing run after them. Else `provenance` always builds through the
    validated constructor."""
    fields = attrs.fields(Provenance)
    expected: list[tuple[str, object]] = [
        ("channel", _provenance._to_channel),
        ("source_ref", None),
        ("observed_at", _provenance._to_aware),
        ("recorded_at", _provenance._to_recorded),
        ("operator", None),
    ]
    return (
        [(a.name, a.converter) for a in fields] == expected
        and _checks_text(fields.source_ref.validator)
        and fields.operator.validator is None
        and fields.operator.default is None
        and fields.observed_at.validator is None
        and fields.recorded_at.validator is None
        and fields.channel.validator is None
        and isinstance(fields.recorded_at.default, attrs.Factory)  # type: ignore[arg-type]
        and getattr(Provenance, "__attrs_post_init__", None) is None
        and all(
            isinstance(vars(Provenance).get(a.name), types.MemberDescriptorType) for a in fields
        )
    )


def _checks_text(validator: object) -> bool:
    """Whether ``validator`` is the reference's: an instance of `str`, then not blank."""
    checks: tuple[object, ...] = getattr(validator, "_validators", ())
    return (
        len(checks) == 2
        and getattr(checks[0], "type", None) is str
        and checks[1] is vars(Provenance).get("_check_ref")
    )


_PROVENANCE_KNOWN = _provenance_known()


def provenance(
    channel: Channel, source_ref: str, observed_at: dt.datetime, operator: str | None
) -> Provenance:
    """``Provenance(channel=channel, source_ref=source_ref, observed_at=observed_at,
    operator=operator)`` without running its converters and validators, when the values are
    already what they keep: a `Channel`, a reference that is not blank, an aware datetime
    (kept as ``recorded_at`` too). Anything else goes through the validated constructor, so
    the result, or the error, is always that call's."""
    if (
        _PROVENANCE_KNOWN
        and type(channel) is Channel
        and type(source_ref) is str
        and source_ref
        and not source_ref.isspace()
        and type(observed_at) is dt.datetime
        and observed_at.tzinfo is not None
    ):
        made = object.__new__(Provenance)
        _set(made, "channel", channel)
        _set(made, "source_ref", source_ref)
        _set(made, "observed_at", observed_at)
        _set(made, "recorded_at", observed_at)
        _set(made, "operator", operator)
        return made
    return Provenance(
        channel=channel, source_ref=source_ref, observed_at=observed_at, operator=operator
    )
