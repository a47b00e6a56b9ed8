"""Policy facts that arrive with customer records: status, 新保/续保, endorsements, payment.

A source record (`custmaster.SourceRecord`) carries a policy's number, line, cover and vehicle;
what else a core-system row or an endorsement says about the policy — its status (有效, 未缴费,
退保), whether it is a first-year policy or a renewal (新保/续保) and which policy it renews,
whether the premium is paid, the endorsements (批改) applied to it, and from when a new
insured holds it (过户) — is kept as extra values of the record under keys named after the
policy (`meta_key`): ``status@PDAA2026…``, ``business_type@PDAA2026…``,
``endorsements@PDAA2026…``. They are observations like any other: each is newest-wins, their
history is kept, and an endorsement observed at its effective date overrides what the core
system said before that day, whatever order the files arrive in.

`policy_details` puts it together: the store's view of a policy
(`custmaster.store.BaseStore.policy`) with its status, business type, renewed policy and
endorsements in effective-date order.

>>> meta_key("status", "PDAA2026001")
'status@PDAA2026001'
>>> e = Endorsement(number="E1", effective="2026-09-01", kind="address", changed=("address",))
>>> endorsement_text(e)
'E1|address|2026-09-01|address'
>>> parse_endorsement(endorsement_text(e)) == e
True
>>> parse_flag("已缴费"), parse_flag("否"), parse_flag("unknown")
(True, False, None)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence

import attrs

from custmaster.errors import ValidationError
from custmaster.merge.engine import GoldenState
from custmaster.model.customer import Customer
from custmaster.model.policy import (
    BusinessType,
    Endorsement,
    EndorsementKind,
    Policy,
    PolicyRole,
    PolicyStatus,
)
from custmaster.service import Service

__all__ = [
    "META_KINDS",
    "current_insured",
    "endorsement_text",
    "is_meta_key",
    "meta_key",
    "meta_value",
    "parse_business_type",
    "parse_endorsement",
    "parse_flag",
    "parse_status",
    "policy_details",
]

#: The kinds of policy facts kept as extra values, with what each value is.
META_KINDS: dict[str, str] = {
    "status": "the policy status code (`custmaster.model.PolicyStatus`: in_force, unpaid …)",
    "business_type": "new, renewal or transfer (新保, 续保, 转保)",
    "renews": "the number of the policy this one renews (上年保单号)",
    "paid": "'yes' or 'no': whether the premium is paid",
    "endorsements": "an endorsement 'number|kind|effective|changed,fields' (history keeps all)",
    "insured_since": "ISO date from which this customer is the insured (过户 endorsement)",
    "insured_until": "ISO date from which this customer is no longer the insured",
}

_EXTRA_KEY_MAX = 64

_YES = frozenset(
    {"是", "已缴费", "已缴", "已收费", "已收", "已支付", "已付", "缴费", "已付款", "已实收",
     "已收款", "已缴清", "已到账", "y", "yes", "1", "true"}
)  # fmt: skip
_NO = frozenset(
    {"否", "未缴费", "未缴", "未收费", "未收", "未支付", "未付", "未付款", "未实收", "未收款",
     "待缴费", "待支付", "待收费", "n", "no", "0", "false"}
)  # fmt: skip


def meta_key(kind: str, policy_no: str) -> str:
    """The extra key of a policy fact (``kind`` in `META_KINDS`) of one policy.

    Keys longer than an extra key may be (64 characters) use a digest of the policy number.
    """
    key = f"{kind}@{policy_no}"
    if len(key) <= _EXTRA_KEY_MAX:
        return key
    digest = hashlib.sha1(policy_no.encode("utf-8")).hexdigest()[:24]
    return f"{kind}@~{digest}"


def is_meta_key(key: str) -> bool:
    """Whether an extra key (or ``extra.<key>`` field) holds a policy fact.

    >>> is_meta_key("extra.status@PDAA2026001"), is_meta_key("车队")
    (True, False)
    """
    name = key[6:] if key.startswith("extra.") else key
    kind, at, rest = name.partition("@")
    return bool(at) and bool(rest) and kind in META_KINDS


def endorsement_text(endorsement: Endorsement) -> str:
    """The text an endorsement is kept as: ``number|kind|effective|changed,fields``."""
    return "|".join(
        (
            endorsement.number,
            endorsement.kind.value,
            endorsement.effective.isoformat(),
            ",".join(endorsement.changed),
        )
    )


def parse_endorsement(text: str) -> Endorsement | None:
    """The endorsement an `endorsement_text` describes, or None for text it did not write."""
    parts = text.split("|")
    if len(parts) != 4:
        return None
    number, kind, effective, changed = parts
    try:
        return Endorsement(
            number=number,
            kind=kind,
            effective=effective,
            changed=tuple(c for c in changed.split(",") if c),
        )
    except (ValidationError, ValueError):
        return None


def parse_flag(value: object) -> bool | None:
    """Yes/no as extracts write it (是/否, 已缴费/未缴费, Y/N, 1/0), or None when unclear."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def parse_status(value: object) -> PolicyStatus | None:
    """A policy status as extracts write it (有效, 未缴费, 退保, in_force …), or None.

    >>> parse_status("有效"), parse_status("退保"), parse_status("??")
    (<PolicyStatus.IN_FORCE: 'in_force'>, <PolicyStatus.CANCELLED: 'cancelled'>, None)
    """
    try:
        return PolicyStatus(str(value).strip())
    except ValueError:
        return None


def parse_business_type(value: object) -> BusinessType | None:
    """新保 / 续保 / 转保 (or new, renewal, transfer), or None.

    >>> parse_business_type("续保"), parse_business_type("x")
    (<BusinessType.RENEWAL: 'renewal'>, None)
    """
    try:
        return BusinessType(str(value).strip())
    except ValueError:
        return None


def meta_value(
    kind: str,
    policy_no: str,
    *,
    state: GoldenState | None = None,
    customer: Customer | None = None,
) -> str | None:
    """The current value of a policy fact on one customer, from its state or its record.

    With a `custmaster.merge.engine.GoldenState` this is one dictionary look-up; with a
    `custmaster.Customer` it is the newest entry of that extra field's history.
    """
    key = meta_key(kind, policy_no)
    if state is not None:
        value = state.value(f"extra.{key}")
        return value if isinstance(value, str) else None
    if customer is not None:
        entries = customer.history(f"extra.{key}")
        if entries:
            value = entries[0].value
            return value if isinstance(value, str) else None
    return None


@attrs.frozen
class _Seen:
    value: str
    at: dt.datetime
    ref: str


def _observations(customers: Iterable[Customer], kind: str, policy_no: str) -> list[_Seen]:
    field = f"extra.{meta_key(kind, policy_no)}"
    found = []
    for customer in customers:
        for entry in customer.history(field):
            if isinstance(entry.value, str):
                p = entry.provenance
                found.append(_Seen(entry.value, p.observed_at, p.source_ref))
    found.sort(key=lambda s: (s.at, s.ref), reverse=True)
    return found


def _newest(customers: Sequence[Customer], kind: str, policy_no: str) -> str | None:
    seen = _observations(customers, kind, policy_no)
    return seen[0].value if seen else None


def current_insured(service: Service, policy: Policy) -> str | None:
    """The customer id of the policy's insured now, after any change of insured (过户).

    The store names one insured per policy; when that customer was replaced by an
    endorsement (``insured_until``), the customer with the latest ``insured_since`` on the
    policy is the insured.
    """
    insured = policy.customer_id(PolicyRole.INSURED)
    if insured is None:
        return None
    state = service.state(insured)
    customer = None if state is not None else service.get(insured)
    if meta_value("insured_until", policy.policy_no, state=state, customer=customer) is None:
        return insured
    # part of the operation that asked (a renewal list, an endorsement), audited as a whole
    customers = service.lookup(policy_no=policy.policy_no)
    return _insured_of(customers, policy.policy_no, insured)


def _insured_of(customers: Sequence[Customer], policy_no: str, named: str | None) -> str | None:
    best: tuple[str, str] | None = None
    for customer in customers:
        since = meta_value("insured_since", policy_no, customer=customer)
        if since is not None and (best is None or (since, customer.id) > best):
            best = (since, customer.id)
    return best[1] if best is not None else named


def policy_details(service: Service, policy_no: str) -> Policy:
    """A policy with its status, business type, renewed policy, endorsements and insured.

    Raises `custmaster.NotFoundError` when no customer holds the policy.
    """
    base = service.policy(policy_no)
    number = base.policy_no
    customers = service.lookup(policy_no=number)  # audited by the caller's operation
    status = parse_status(_newest(customers, "status", number) or "")
    business = parse_business_type(_newest(customers, "business_type", number) or "")
    renews = _newest(customers, "renews", number)
    endorsements: dict[str, Endorsement] = {}
    for seen in reversed(_observations(customers, "endorsements", number)):
        parsed = parse_endorsement(seen.value)
        if parsed is not None:
            endorsements[parsed.number] = parsed
    if status is None and any(
        e.kind is EndorsementKind.CANCELLATION for e in endorsements.values()
    ):
        status = PolicyStatus.CANCELLED
    roles = dict(base.roles)
    insured = _insured_of(customers, number, roles.get(PolicyRole.INSURED))
    if insured is not None:
        roles[PolicyRole.INSURED] = insured
    if renews is not None and (renews == number or business not in (None, BusinessType.RENEWAL)):
        renews = None
    return attrs.evolve(
        base,
        roles=roles,
        status=status if status is not None else base.status,
        business_type=business,
        renews=renews,
        endorsements=sorted(endorsements.values(), key=lambda e: (e.effective, e.number)),
    )
