"""The current view of a customer, as the SQL stores keep it in ``cm_customers.state``.

The view is written in the same transaction as the records that changed it, so readers of the
database (reports, other languages, custmaster's own month queries) can use it without
recomputing the golden state from the log. It holds the customer's current fields, the roles
and current terms of each of their policies, their contact points with statuses, and the
channel of their first observation. custmaster rebuilds the state from the log whenever it
needs more (history, explanations, merging).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from custmaster.merge.engine import GoldenState
from custmaster.model.policy import PolicyLine
from custmaster.model.provenance import Channel
from custmaster.serialize import converter

__all__ = ["TERMS", "VIEW_VERSION", "StoredView", "decode_view", "encode_view"]

#: The format of the view; `decode_view` reads this version only (older views are rewritten
#: the next time their customer changes; until then readers rebuild the state).
VIEW_VERSION = 2

#: The policy fields a view keeps for each of the customer's policies (their current values).
TERMS = ("line", "cover_start", "cover_end", "plate", "vin", "make_model", "engine_no")


def _plain(value: Any) -> Any:
    """JSON for the values a golden state holds (dates, enums, lines, documents)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (PolicyLine, Channel)):
        return value.code
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if attrs.has(type(value)):
        return converter.unstructure(value)
    raise TypeError(type(value).__name__)


_ISO: dict[tuple[dt.datetime, dt.timedelta | None], str] = {}


def _iso(moment: dt.datetime) -> str:
    """``moment.isoformat()``, remembered: the records of one file share their times.

    The offset is part of the key: equal instants written with other offsets stay apart.
    """
    key = (moment, moment.utcoffset())
    text = _ISO.get(key)
    if text is None:
        if len(_ISO) >= 4096:
            _ISO.clear()
        text = _ISO[key] = moment.isoformat()
    return text


def encode_view(state: GoldenState, seal: Callable[[dict[str, Any]], None] | None = None) -> str:
    """The current view of a customer as JSON, for readers of the database.

    ``fields`` maps each of the customer's own fields (``name``, ``address``,
    ``extra.<column>`` …) to its current value; ``policies`` each policy number to the
    customer's roles on it; ``terms`` each policy number to the current values of `TERMS`
    the customer's records give (the policy as all its customers see it:
    `custmaster.store.Store.policy`); ``contacts`` lists ``[kind, value, first seen, last
    seen, status]``; ``first_channel`` is the channel of the first observation; ``size``
    counts the records. ``seal`` encrypts the identity numbers of ``fields`` in place (an
    encrypted store).
    """
    contacts = []
    for (kind, value), contact in state.contacts.items():
        verdict = state.status(kind, value)
        contacts.append(
            [
                kind,
                value,
                _iso(contact.first_seen),
                _iso(contact.last_seen),
                "unverified" if verdict is None else verdict.status,
            ]
        )
    fields = {}
    for name in state.fields:
        value = state.value(name)
        fields[name] = value if type(value) is str else _plain(value)
    if seal is not None:
        seal(fields)
    terms = {}
    for number in state.policies:
        known = {}
        for name, value in zip(TERMS, state.policy_values(number, TERMS), strict=True):
            if value is None:
                continue
            cls = type(value)
            if cls is str:
                known[name] = value
            elif cls is dt.date:
                known[name] = value.isoformat()
            else:
                known[name] = _plain(value)
        terms[number] = known
    first = state.first_channel
    data = {
        "v": VIEW_VERSION,
        "size": state.size,
        "fields": fields,
        "policies": {number: sorted(roles) for number, roles in state.roles.items()},
        "terms": terms,
        "contacts": contacts,
        "first_channel": None if first is None else first.code,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_plain)


@attrs.frozen
class StoredView:
    """A customer's view as read back from the database (plain JSON values, nothing parsed).

    ``terms`` maps each policy number to its `TERMS` (dates as ISO text, the line as its
    code); ``contacts`` holds ``(kind, value, first seen, last seen, status)`` tuples.
    """

    customer_id: str
    fields: Mapping[str, Any] = attrs.field(repr=False)
    policies: Mapping[str, tuple[str, ...]] = attrs.field(repr=False)
    terms: Mapping[str, Mapping[str, Any]] = attrs.field(repr=False)
    contacts: tuple[tuple[str, str, str, str, str], ...] = attrs.field(repr=False)
    first_channel: str | None = None
    size: int = 0


def decode_view(customer_id: str, text: str | None) -> StoredView | None:
    """The `StoredView` of ``text``, or None when it is absent or of another version."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != VIEW_VERSION:
        return None
    policies = data["policies"]
    return StoredView(
        customer_id,
        data["fields"],
        dict(zip(policies, map(tuple, policies.values()), strict=True)),
        data["terms"],
        tuple(map(tuple, data["contacts"])),
        data.get("first_channel"),
        int(data.get("size", 0)),
    )
