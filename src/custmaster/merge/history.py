"""A field's history and the explanation of its current value, from the observation log.

Both are queries over the set of records kept for a customer, computed on demand (a history
is rarely asked for, so the incremental state does not keep one per field):

- `history` lists the observations of a field other than the winning one, newest first,
  each with its provenance: with the current value, every value ever observed.
- `explain` names the winning observation, the rule that chose it and why, and the
  competing values in masked form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from custmaster.merge._mask import mask_value
from custmaster.merge.engine import (
    CONTACT_KINDS,
    POLICY_FIELDS,
    GoldenState,
    RecordLike,
    field_path,
    record_value,
    split_path,
)
from custmaster.merge.rules import (
    NEWEST,
    MergePolicy,
    Observed,
    full_key,
    ranked,
    value_key,
)
from custmaster.model import _trusted
from custmaster.model.customer import Customer
from custmaster.model.identity import CustomerKind, DocumentType
from custmaster.model.policy import Policy, PolicyLine
from custmaster.model.provenance import Provenance
from custmaster.model.vehicle import Vehicle

__all__ = [
    "UNKNOWN_LINE",
    "Competitor",
    "Explanation",
    "explain",
    "history",
    "observations_of",
    "policy_view",
    "to_customer",
]

_DEFAULT_POLICY = MergePolicy()


def observations_of(records: Iterable[RecordLike], path: str) -> list[Observed]:
    """Every observation of a field address among ``records`` (one per record key).

    A policy field (``"policy.<no>.<field>"``) is observed by the records naming that
    policy; a policy field without a policy prefix, by the records naming no policy.
    """
    policy_no, name = split_path(path)
    found: list[Observed] = []
    seen: set[tuple[str, str]] = set()
    for record in records:
        if name in POLICY_FIELDS:
            if (record.policy_no or None) != policy_no:
                continue
        elif policy_no is not None:
            continue
        value = record_value(record, name)
        if value is None:
            continue
        key = record.provenance.key
        if key in seen:
            continue
        seen.add(key)
        found.append(Observed(name, value, record.provenance, record))
    return found


def _newest_first(observations: list[Observed], policy: MergePolicy) -> list[Observed]:
    return sorted(
        observations,
        key=lambda o: full_key(NEWEST, o, None, policy.channels),
        reverse=True,
    )


def history(
    records: Iterable[RecordLike], path: str, policy: MergePolicy | None = None
) -> list[Observed]:
    """The observations of a field other than the current one, newest first.

    For a contact field (``mobile``, ``email`` …) every observation is returned: contact
    points accumulate, none of them is "older".
    """
    policy = policy or _DEFAULT_POLICY
    observations = observations_of(records, path)
    _, name = split_path(path)
    if not observations:
        return []
    if name in CONTACT_KINDS and name != "address":
        return _newest_first(observations, policy)
    winner = ranked(policy.rule(name), observations, policy.channels)[0]
    rest = [o for o in observations if o is not winner]
    return _newest_first(rest, policy)


def _when(p: Provenance) -> str:
    return p.observed_at.isoformat()


@attrs.frozen
class Competitor:
    """A value that lost, masked, with where it came from and its rank (1 = runner-up)."""

    rank: int
    masked_value: str
    channel: str
    source_ref: str
    observed_at: str
    same_value: bool


@attrs.frozen
class Explanation:
    """Why a field holds its current value: the rule, the winner and the competitors.

    Every value is masked; ``str()`` gives one readable paragraph.
    """

    field: str
    rule: str
    reason: str
    masked_value: str | None
    channel: str | None
    source_ref: str | None
    observed_at: str | None
    competitors: tuple[Competitor, ...] = ()

    def __str__(self) -> str:
        if self.masked_value is None:
            return f"{self.field}: never observed."
        lines = [
            f"{self.field} = {self.masked_value}: from {self.channel} record "
            f"{self.source_ref!r} observed {self.observed_at}; rule {self.rule}: {self.reason}."
        ]
        for c in self.competitors:
            same = " (same value)" if c.same_value else ""
            lines.append(
                f"  #{c.rank + 1} {c.masked_value}{same}: {c.channel} record "
                f"{c.source_ref!r} observed {c.observed_at}"
            )
        return "\n".join(lines)


def explain(
    records: Iterable[RecordLike], path: str, policy: MergePolicy | None = None
) -> Explanation:
    """Which observation of a field won, under which rule, and what it beat.

    The reason names the deciding comparison with the runner-up: a newer time, a more
    trusted channel on equal times, then the source reference.
    """
    policy = policy or _DEFAULT_POLICY
    _, name = split_path(path)
    observations = observations_of(records, path)
    if name in CONTACT_KINDS and name != "address":
        rule_name, base = "accumulate", "contact points accumulate; every value is current"
    else:
        rule = policy.rule(name)
        rule_name, base = rule.name, rule.describe()
    if not observations:
        return Explanation(path, rule_name, base, None, None, None, None)
    rule = policy.rule(name)
    order = ranked(rule, observations, policy.channels)
    winner = order[0]
    reason = base
    if len(order) > 1:
        reason = f"{base}; {_deciding(rule, winner, order[1], policy)}"
    shown = _display(rule, winner, observations, name)
    p = winner.provenance
    competitors = tuple(
        Competitor(
            rank=i,
            masked_value=mask_value(name, o.value),
            channel=o.provenance.channel.code,
            source_ref=o.provenance.source_ref,
            observed_at=_when(o.provenance),
            same_value=o.value == winner.value,
        )
        for i, o in enumerate(order[1:], start=1)
    )
    return Explanation(
        path, rule_name, reason, shown, p.channel.code, p.source_ref, _when(p), competitors
    )


def _display(rule: Any, winner: Observed, observations: list[Observed], name: str) -> str:
    if rule.uses_stats:
        values = {o.value: None for o in observations}
        current = rule.current(winner, dict.fromkeys(sorted(values, key=value_key)))
        return mask_value(name, current)
    return mask_value(name, winner.value)


def _deciding(rule: Any, winner: Observed, runner_up: Observed, policy: MergePolicy) -> str:
    # a rule may say what decided, when it was more than time (`TrustedName.deciding`)
    deciding = getattr(rule, "deciding", None)
    if callable(deciding):
        said = deciding(winner, runner_up, policy.channels)
        if said:
            return str(said)
    a, b = winner.provenance, runner_up.provenance
    if a.observed_at != b.observed_at:
        order = "newer" if a.observed_at > b.observed_at else "older"
        return f"observed {order} than the runner-up ({_when(b)})"
    if a.channel != b.channel:
        return (
            f"observed at the same time as the runner-up; channel {a.channel.code} ranks "
            f"above {b.channel.code}"
        )
    return "same time and channel as the runner-up; decided by source reference"


# -- the golden record as model objects ---------------------------------------------------------

#: Customer fields a single value is shown for (the rest of a record's fields are kept in
#: histories, on contact points or on policies).
_SHOWN = (
    "name",
    "resident_id",
    "id_document",
    "uscc",
    "gender",
    "birth_date",
    "address",
    "postcode",
)
_DERIVED_FROM_ID = frozenset({"gender", "birth_date"})
_PERSON_ONLY = frozenset({"resident_id", "id_document", "gender", "birth_date"})
_NOT_IN_HISTORY = frozenset({"policy_no", "role"}) | frozenset(
    k for k in CONTACT_KINDS if k != "address"
)


def _shown_value(state: GoldenState, name: str) -> Any:
    value = state.value(name)
    if isinstance(value, tuple):  # a union: the customer shows the newest, the rest is history
        current = state.current(name)
        return None if current is None else current.value
    return value


def to_customer(
    customer_id: str,
    state: GoldenState,
    records: Iterable[RecordLike],
) -> Customer:
    """The `custmaster.model.Customer` of a state, with the histories from its records.

    A field's history holds every observation of it except the one whose value the customer
    shows (for a `custmaster.merge.rules.UNION` field, the newest value is shown). For a
    field the customer does not show (a gender derived from the resident ID, an extra
    column, a vehicle named without a policy) every observation is history; for a policy's
    field, the observations that lost within that policy.
    """
    values = {name: _shown_value(state, name) for name in _SHOWN}
    document = values["id_document"]
    # an organisation code (组织机构代码) is an organisation's document, not a person's
    old_code = document is not None and document.type is DocumentType.ORG_CODE
    person = values["resident_id"] is not None or (document is not None and not old_code)
    organisation = values["uscc"] is not None or old_code
    kind = CustomerKind.ORGANISATION if organisation and not person else CustomerKind.PERSON
    shown: dict[str, Any] = {}
    for name in _SHOWN:
        value = values[name]
        if value is None:
            continue
        if kind is CustomerKind.PERSON and (name == "uscc" or (value is document and old_code)):
            continue
        if kind is CustomerKind.ORGANISATION and name in _PERSON_ONLY and value is not document:
            continue
        if values["resident_id"] is not None and name in _DERIVED_FROM_ID:
            continue
        shown[name] = value
    # every observation but the one shown, by field address, once per record key (the log
    # keeps one record per key, so the winner's key picks out its observation)
    lost: dict[str, list[Observed]] = {}
    winners: dict[str, tuple[str, str] | None] = {}
    seen: set[tuple[str, str]] = set()
    for record in records:
        p = record.provenance
        key = p.key
        if key in seen:
            continue
        seen.add(key)
        policy_no = record.policy_no
        for name, value in record.values():
            if name in _NOT_IN_HISTORY:
                continue
            if policy_no and name in POLICY_FIELDS:
                path = field_path(name, policy_no)
            elif name in shown:
                path = name
            else:
                lost.setdefault(name, []).append(Observed(name, value, p, record))
                continue
            if path in winners:
                winner = winners[path]
            else:
                winner = winners[path] = state.winner_key(path)
            if winner != key:
                lost.setdefault(path, []).append(Observed(name, value, p, record))
    older: dict[str, list[Observed]] = {}
    for observations in lost.values():
        older.setdefault(observations[0].field, []).extend(observations)
    histories = {
        name: [
            _trusted.history_entry(name, o.value, o.provenance)
            for o in _newest_first(observations, state.policy)
        ]
        for name, observations in older.items()
    }
    contact_points = []
    for (contact_kind, value), c in state.contacts.items():
        verdict = state.status(contact_kind, value)
        contact_points.append(
            _trusted.contact_point(
                kind=contact_kind,
                value=value,
                first_seen=c.first_seen,
                last_seen=c.last_seen,
                channels=c.channels,
                status=verdict.status if verdict else None,
                status_at=verdict.at if verdict else None,
                status_by=verdict.by if verdict else None,
            )
        )
    links = [
        _trusted.policy_link(number, role)
        for number, roles in state.roles.items()
        for role in roles
    ]
    return _trusted.customer(
        id=customer_id,
        kind=kind,
        first_channel=state.first_channel,
        contact_points=contact_points,
        policies=links,
        histories=histories,
        shown=shown,
    )


def policy_view(
    policy_no: str,
    views: Iterable[tuple[str, GoldenState]],
    policy: MergePolicy | None = None,
) -> Policy | None:
    """The `custmaster.model.Policy` seen by the customers named on it.

    ``views`` gives each linked customer's id and state; each field's winner is chosen among
    the customers' current values by the field's rule, so the holder's and the insured's
    records both count. A role held by several customers (a conflict under review) goes to
    the lowest customer id. Returns None when no customer knows the policy.
    """
    policy = policy or _DEFAULT_POLICY
    roles: dict[str, str] = {}
    found: dict[str, list[Observed]] = {}
    any_view = False
    for customer_id, state in sorted(views, key=lambda v: v[0]):
        if policy_no not in state.policies:
            continue
        any_view = True
        for role in sorted(state.roles.get(policy_no, ())):
            roles.setdefault(role, customer_id)
        for name in state.policies[policy_no]:
            current = state.current(field_path(name, policy_no))
            if current is not None:
                found.setdefault(name, []).append(current)
    if not any_view:
        return None
    chosen = {
        name: ranked(policy.rule(name), observations, policy.channels)[0].value
        for name, observations in found.items()
    }
    vehicle_fields = {
        name: chosen[name]
        for name in ("plate", "vin", "engine_no", "first_registered", "make_model")
        if name in chosen
    }
    return Policy(
        policy_no=policy_no,
        line=chosen.get("line") or PolicyLine.of_number(policy_no) or UNKNOWN_LINE,
        roles=roles,
        cover_start=chosen.get("cover_start"),
        cover_end=chosen.get("cover_end"),
        vehicle=Vehicle(**vehicle_fields) if vehicle_fields else None,
    )


#: The line of a policy no record stated a line for.
UNKNOWN_LINE = PolicyLine("unknown", "险种未知 line not stated")
