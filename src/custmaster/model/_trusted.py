"""Model objects built from values a store already validated, without checking them again.

A store rebuilds each `Customer` it returns from its log, whose values were validated when
they arrived. Running every converter and validator again (parsing the resident ID, each
phone number, each enum) was about half the cost of reading a customer. These constructors
take values in exactly the form the classes' converters produce and give an object equal to
the validated one; the tests check that equality on every customer of a synthetic book and
on generated ones. They are for `custmaster.merge.history` only: anything else builds model
objects the ordinary, validated way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs

from custmaster.model import _convert
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
from custmaster.model.identity import CustomerKind, Gender
from custmaster.model.policy import PolicyRole
from custmaster.model.provenance import Channel, Provenance

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
