"""The current view of a customer, as the SQL stores keep it in ``cm_customers.state``.

The view is written in the same transaction as the records that changed it, so readers of the
database (reports, other languages, custmaster's own month queries) can use it without
recomputing the golden state from the log. It holds the customer's current fields, the roles
and current terms of each of their policies, their contact points with statuses, and the
channel of their first observation. custmaster rebuilds the state from the log whenever it
needs more (history, explanations, merging).

Since version 3 the view opens with a **summary** (`ViewSummary`): what a month's list of
policies needs of the customer (name, address, first channel, callable numbers best first,
what they hold, each policy's roles and terms, the policy facts of `SUMMARY_FACTS`), in a
compact form that `decode_view` reads without parsing the rest; the full view is parsed only
when one of its parts is asked for. A view of version 2 (written before) decodes as it did,
and its summary is computed from it when asked: the same summary, by the same function.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from custmaster.merge.engine import UNCALLABLE_STATUSES, GoldenState
from custmaster.model.contact import VOICE_KINDS
from custmaster.model.policy import PolicyLine
from custmaster.model.provenance import Channel
from custmaster.serialize import converter

__all__ = [
    "SUMMARY_FACTS",
    "TERMS",
    "VIEW_VERSION",
    "StoredView",
    "ViewSummary",
    "decode_view",
    "encode_view",
]

#: The format of the view `encode_view` writes. `decode_view` reads this version and version
#: 2 (the same view without its summary); older views decode to None (they are rewritten the
#: next time their customer changes; until then readers rebuild the state).
VIEW_VERSION = 3
_VERSIONS = (2, 3)

#: The policy fields a view keeps for each of the customer's policies (their current values).
TERMS = ("line", "cover_start", "cover_end", "plate", "vin", "make_model", "engine_no")

#: The policy facts a summary carries: the customer's extra fields ``<kind>@<policy>`` of
#: these kinds (`custmaster.workflows.policies.meta_key`: a policy's status, and the end of
#: an insured's cover after a change of insured), by their key without ``extra.``.
SUMMARY_FACTS = frozenset({"status", "insured_until"})

#: How every view `encode_view` writes begins: the summary comes first, and is read alone.
_PREFIX = f'{{"v":{VIEW_VERSION},"summary":'
_DECODER = json.JSONDecoder()
_VOICE = frozenset(kind.value for kind in VOICE_KINDS)
#: Among numbers equally reached and equally recent: mobile before home before office.
_KIND_ORDER = {"mobile": 0, "home": 1, "office": 2}


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


#: ``json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_plain)`` without
#: making an encoder at each call, nor checking for cycles: a view is built afresh of lists,
#: dicts and plain values, none holding another twice.
_encode = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=_plain, check_circular=False
).encode

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


_MOMENTS: dict[str, float] = {}


def _moment(text: str) -> float:
    """``datetime.fromisoformat(text).timestamp()``, remembered (a book's contacts share a
    few thousand last-seen times)."""
    seconds = _MOMENTS.get(text)
    if seconds is None:
        if len(_MOMENTS) >= 4096:
            _MOMENTS.clear()
        seconds = _MOMENTS[text] = dt.datetime.fromisoformat(text).timestamp()
    return seconds


def _summarize(data: Mapping[str, Any]) -> list[Any]:
    """The summary (JSON form, see `ViewSummary`) of a view's parsed data.

    `encode_view` stores what this returns, and `StoredView.summary` computes it for a
    view of version 2: one function, so that both give the same summary.
    """
    ranked = []
    for kind, value, _, last, status in data["contacts"]:
        if kind not in _VOICE or status in UNCALLABLE_STATUSES:
            continue
        key = (0 if status == "reached" else 1, -_moment(last), _KIND_ORDER[kind], value)
        ranked.append((key, value))
    ranked.sort()
    numbers = list(dict.fromkeys([value for _, value in ranked]))
    roles = data["policies"]
    years: set[str] = set()
    lines: set[str] = set()
    vehicles: set[str] = set()
    policies = {}
    for number, known in data["terms"].items():
        start = known.get("cover_start")
        if isinstance(start, str):
            years.add(start[:4])
        line = known.get("line")
        if isinstance(line, str):
            lines.add(line)
        else:  # no source stated it: the number's product code may (PolicyLine.of_number)
            named = PolicyLine.of_number(number)
            if named is not None:
                lines.add(named.code)
        vehicle = known.get("vin") or known.get("plate")
        if isinstance(vehicle, str):
            vehicles.add(vehicle)
        policies[number] = [list(roles.get(number, ())), *map(known.get, TERMS)]
    fields = data["fields"]
    facts = {}
    for name, value in fields.items():
        if name.startswith("extra.") and name[6:].partition("@")[0] in SUMMARY_FACTS:
            facts[name[6:]] = value
    return [
        fields.get("name"),
        fields.get("address"),
        data.get("first_channel"),
        numbers,
        [len(data["terms"]), len(years), sorted(lines), len(vehicles)],
        policies,
        facts,
    ]


def encode_view(state: GoldenState, seal: Callable[[dict[str, Any]], None] | None = None) -> str:
    """The current view of a customer as JSON, for readers of the database.

    ``fields`` maps each of the customer's own fields (``name``, ``address``,
    ``extra.<column>`` …) to its current value; ``policies`` each policy number to the
    customer's roles on it; ``terms`` each policy number to the current values of `TERMS`
    the customer's records give (the policy as all its customers see it:
    `custmaster.store.Store.policy`); ``contacts`` lists ``[kind, value, first seen, last
    seen, status]``; ``first_channel`` is the channel of the first observation; ``size``
    counts the records. ``seal`` encrypts the identity numbers of ``fields`` in place (an
    encrypted store). ``summary``, first after ``v``, is `ViewSummary`'s JSON form, computed
    from the rest (it holds no identity number).
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
    rest = {
        "size": state.size,
        "fields": fields,
        "policies": {number: sorted(roles) for number, roles in state.roles.items()},
        "terms": terms,
        "contacts": contacts,
        "first_channel": None if first is None else first.code,
    }
    data = {"v": VIEW_VERSION, "summary": _summarize(rest), **rest}
    return _encode(data)


class ViewSummary:
    """What a month's list of policies needs of a customer, read without the rest of the view.

    ``name`` and ``address`` are the current values of those fields (as stored: normally
    text, or None); ``first_channel`` the channel code of the first observation;
    ``numbers`` the callable numbers (mobile, home, office; none whose status is
    ``wrong`` or ``do_not_call``) best first: those a call reached, then the most recently
    seen, then mobile before home before office, then by value; each number once. ``holdings`` is
    ``(policies, years, lines, vehicles)``: how many policies, distinct start years and
    vehicles (VIN, else plate) the customer has, and the sorted codes of their lines (what
    `custmaster.workflows.classification.profile_of_view` grades). ``policies`` maps
    each policy number of the view's ``terms`` to ``[roles, *TERMS]``: the customer's sorted
    roles on it, then the values of `TERMS` in that order (None where unknown). ``facts``
    maps the key (without ``extra.``) of each field of `SUMMARY_FACTS` to its value.
    """

    __slots__ = ("address", "facts", "first_channel", "holdings", "name", "numbers", "policies")

    def __init__(self, data: Sequence[Any]) -> None:
        name, address, first, numbers, holdings, policies, facts = data
        self.name: object = name
        self.address: object = address
        self.first_channel: str | None = first
        self.numbers: tuple[str, ...] = tuple(numbers)
        count, years, lines, vehicles = holdings
        self.holdings: tuple[int, int, tuple[str, ...], int] = (
            count,
            years,
            tuple(lines),
            vehicles,
        )
        self.policies: Mapping[str, Sequence[Any]] = policies
        self.facts: Mapping[str, Any] = facts

    def __repr__(self) -> str:
        return f"ViewSummary(policies={len(self.policies)}, numbers={len(self.numbers)})"


class StoredView:
    """A customer's view as read back from the database (plain JSON values, nothing parsed).

    ``terms`` maps each policy number to its `TERMS` (dates as ISO text, the line as its
    code); ``contacts`` holds ``(kind, value, first seen, last seen, status)`` tuples;
    ``summary`` is the `ViewSummary`. A view of version 3 is parsed in full only when one of
    ``fields``, ``policies``, ``terms``, ``contacts``, ``first_channel`` or ``size`` is
    first read.
    """

    __slots__ = ("_contacts", "_data", "_policies", "_summary", "_text", "customer_id")

    def __init__(
        self,
        customer_id: str,
        data: Mapping[str, Any] | None = None,
        *,
        text: str | None = None,
        summary: ViewSummary | None = None,
    ) -> None:
        if data is None and text is None:
            raise ValueError("a stored view needs its data or its text")
        self.customer_id = customer_id
        self._data = data
        self._text = text
        self._summary = summary
        self._policies: Mapping[str, tuple[str, ...]] | None = None
        self._contacts: tuple[tuple[str, str, str, str, str], ...] | None = None

    def __repr__(self) -> str:
        return f"StoredView(customer_id={self.customer_id!r})"

    def _parsed(self) -> Mapping[str, Any]:
        data = self._data
        if data is None:
            assert self._text is not None  # one of them is given (see __init__)
            data = self._data = json.loads(self._text)
        return data

    @property
    def fields(self) -> Mapping[str, Any]:
        """Each of the customer's own fields and its current value."""
        fields: Mapping[str, Any] = self._parsed()["fields"]
        return fields

    @property
    def policies(self) -> Mapping[str, tuple[str, ...]]:
        """Each policy number and the customer's roles on it."""
        if self._policies is None:
            held = self._parsed()["policies"]
            self._policies = dict(zip(held, map(tuple, held.values()), strict=True))
        return self._policies

    @property
    def terms(self) -> Mapping[str, Mapping[str, Any]]:
        """Each policy number and the values of `TERMS` the customer's records give."""
        terms: Mapping[str, Mapping[str, Any]] = self._parsed()["terms"]
        return terms

    @property
    def contacts(self) -> tuple[tuple[str, str, str, str, str], ...]:
        """``(kind, value, first seen, last seen, status)`` of each contact point."""
        if self._contacts is None:
            self._contacts = tuple(map(tuple, self._parsed()["contacts"]))
        return self._contacts

    @property
    def first_channel(self) -> str | None:
        """The channel code of the customer's first observation."""
        first: str | None = self._parsed().get("first_channel")
        return first

    @property
    def size(self) -> int:
        """How many records the customer has."""
        return int(self._parsed().get("size", 0))

    @property
    def summary(self) -> ViewSummary:
        """The `ViewSummary`: read with the view (version 3) or computed from it (version 2)."""
        summary = self._summary
        if summary is None:
            summary = self._summary = ViewSummary(_summarize(self._parsed()))
        return summary


def decode_view(customer_id: str, text: str | None) -> StoredView | None:
    """The `StoredView` of ``text``, or None when it is absent or of another version.

    A view `encode_view` wrote is read up to the end of its summary; the rest is parsed
    when asked for.
    """
    if not text:
        return None
    if text.startswith(_PREFIX):
        try:
            summary, _ = _DECODER.raw_decode(text, len(_PREFIX))
            return StoredView(customer_id, text=text, summary=ViewSummary(summary))
        except (ValueError, TypeError):
            return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") not in _VERSIONS:
        return None
    return StoredView(customer_id, data)
