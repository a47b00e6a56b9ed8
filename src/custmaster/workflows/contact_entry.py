"""Contact entry after underwriting: look a policy up, show its customer, enter contacts.

Once a policy is underwritten and paid, an operator looks it up by number
(`lookup_policy`) and sees the customer's base information: name, ID, gender and birth year,
address, the contact points known so far with their status, and the policy with its vehicle.
A policy that is still pending (暂存, 待核保), unpaid (未缴费, or 缴费状态 否) or cancelled is
refused with a clear reason (`PolicyNotReadyError`), so that contacts are only collected for
business that was actually written.

Where several customer records hold the policy — the holder and the insured, or a customer
whose insured changed (过户), or records not (yet) merged — the card shows **the one holding
the first-year commercial auto policy** (新保 商业险), preferring the insured; that policy is
the card's ``anchor``. Without such a record, the insured of the policy looked up is shown.

`enter_contacts` records what the operator typed (mobile, home and office phones, e-mail,
address) as one observation of the **underwriting** channel (承保) carrying the operator's
name (`custmaster.Provenance.operator`), attached to the customer shown: by their resident ID
or USCC when they have one, else through the policy. The numbers accumulate as contact points
like those of any other channel; an entered address competes with the others, newest wins.
Looking up needs the ``query`` permission, entering ``entry``.

>>> from custmaster.service import Service
>>> from custmaster.model import Provenance, SourceRecord
>>> service = Service.open("memory://")
>>> _ = service.ingest_one(SourceRecord(
...     provenance=Provenance(channel="core_system", source_ref="PDAA2026001#0",
...                           observed_at="2026-01-02"),
...     policy_no="PDAA2026001", line="商业险", resident_id="11010519491231002X", name="张伟",
...     cover_start="2026-01-05", cover_end="2027-01-04", plate="闽D12388",
...     extra={"status@PDAA2026001": "in_force", "paid@PDAA2026001": "yes",
...            "business_type@PDAA2026001": "new"}))
>>> card = lookup_policy(service, "pdaa2026001")
>>> card.customer.id, card.anchor.policy_no, card.masked()["name"]
('C00000001', 'PDAA2026001', '张*')
>>> result = enter_contacts(service, "PDAA2026001", operator="王芳", mobile="139 0013 9000")
>>> point = service.get("C00000001").contact_point("mobile", "13900139000")
>>> dict(point.channels)
{'underwriting': 1}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from custmaster.errors import NotFoundError, UsageError, ValidationError
from custmaster.model.contact import ContactKind, ContactPoint
from custmaster.model.customer import Customer
from custmaster.model.policy import BusinessType, Policy, PolicyLine, PolicyRole, PolicyStatus
from custmaster.model.provenance import Channel, Provenance, utc_now
from custmaster.model.source import SourceRecord
from custmaster.privacy.masking import mask, mask_contact
from custmaster.service import Service, as_service
from custmaster.store.base import IngestResult, Store
from custmaster.workflows.policies import meta_value, parse_flag, policy_details

__all__ = [
    "CONTACT_FIELDS",
    "ERROR_CODES",
    "PolicyCard",
    "PolicyNotReadyError",
    "enter_contacts",
    "lookup_policy",
    "not_offered",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "contact_entry.not_ready": "The policy is not underwritten and paid (the family's code).",
    "contact_entry.not_underwritten": "The policy is still pending underwriting (暂存, 待核保).",
    "contact_entry.not_paid": "The policy's premium is not paid (未缴费).",
    "contact_entry.cancelled": "The policy is cancelled (退保, 注销).",
    "contact_entry.nothing": "No contact value was entered.",
}

#: The contact fields an operator can enter.
CONTACT_FIELDS: tuple[str, ...] = ("mobile", "home_phone", "office_phone", "email", "address")
#: The contact kind of each phone field of `CONTACT_FIELDS`.
_PHONE_KINDS = {
    "mobile": ContactKind.MOBILE,
    "home_phone": ContactKind.HOME,
    "office_phone": ContactKind.OFFICE,
}


class PolicyNotReadyError(UsageError):
    """The policy cannot take contact entry yet (or any more): pending, unpaid or cancelled."""

    code = "contact_entry.not_ready"
    message_en = "The policy is not underwritten and paid."
    message_zh = "保单未核保或未缴费。"


@attrs.frozen
class PolicyCard:
    """What the operator sees for a policy: the policy, the customer and the anchor policy."""

    policy: Policy
    customer: Customer
    #: The first-year commercial policy of the customer (else the policy looked up).
    anchor: Policy
    #: Every customer id holding the policy, the one shown first.
    customers: tuple[str, ...]

    def masked(self) -> dict[str, str]:
        """The base information as display texts (masked, PRIVACY.md)."""
        c = self.customer
        vehicle = self.anchor.vehicle
        return {
            "customer_id": c.id,
            "name": mask("name", c.name) if c.name else "",
            "resident_id": mask("resident_id", c.resident_id) if c.resident_id else "",
            "gender": c.gender.value if c.gender else "",
            "birth_date": mask("birth_date", c.birth_date) if c.birth_date else "",
            "address": mask("address", c.address) if c.address else "",
            "policy_no": self.policy.policy_no,
            "line": self.policy.line.code,
            "status": self.policy.status.value,
            "anchor_policy_no": self.anchor.policy_no,
            "plate": mask("plate", vehicle.plate) if vehicle and vehicle.plate else "",
            "make_model": (vehicle.make_model or "") if vehicle else "",
            "contacts": "; ".join(
                f"{p.kind.value} {mask_contact(p.value)} ({p.status.value})"
                for p in c.contact_points
            ),
        }


def _ready(service: Service, policy: Policy, customers: Sequence[Customer]) -> None:
    status = policy.status
    paid = None
    for customer in customers:
        flag = parse_flag(meta_value("paid", policy.policy_no, customer=customer) or "")
        if flag is not None:
            paid = flag
            break
    number = policy.policy_no
    if status is PolicyStatus.PENDING:
        raise PolicyNotReadyError(
            f"The policy {number} is still pending underwriting.",
            code="contact_entry.not_underwritten",
            message_zh=f"保单 {number} 尚未核保。",
        )
    if status is PolicyStatus.UNPAID or paid is False:
        raise PolicyNotReadyError(
            f"The premium of policy {number} is not paid.",
            code="contact_entry.not_paid",
            message_zh=f"保单 {number} 未缴费。",
        )
    if status is PolicyStatus.CANCELLED:
        raise PolicyNotReadyError(
            f"The policy {number} is cancelled.",
            code="contact_entry.cancelled",
            message_zh=f"保单 {number} 已退保或注销。",
        )


def _first_year_commercial(
    service: Service, customer: Customer
) -> tuple[dt.date, str, Policy] | None:
    best: tuple[dt.date, str, Policy] | None = None
    for number in customer.policy_numbers():
        try:
            policy = service.policy(number)
        except NotFoundError:
            continue
        if policy.line != PolicyLine.COMMERCIAL:
            continue
        kind = meta_value("business_type", number, customer=customer)
        if kind != BusinessType.NEW.value:
            continue
        key = (policy.cover_start or dt.date.max, number, policy)
        if best is None or key[:2] < best[:2]:
            best = key
    return best


def lookup_policy(target: Service | Store, policy_no: str, *, check: bool = True) -> PolicyCard:
    """The `PolicyCard` of a policy (see the module description).

    Raises `custmaster.NotFoundError` for an unknown policy and `PolicyNotReadyError` for one
    that is pending, unpaid or cancelled (``check=False`` shows it anyway).
    """
    service = as_service(target)
    policy = policy_details(service, policy_no)
    customers = service.find(policy_no=policy.policy_no)
    if not customers:  # pragma: no cover - policy_details found it through a customer
        raise NotFoundError(f"No customer holds policy {policy.policy_no}.")
    if check:
        _ready(service, policy, customers)
    insured = policy.customer_id(PolicyRole.INSURED)
    ranked = []
    for customer in customers:
        anchor = _first_year_commercial(service, customer)
        ranked.append(
            (
                0 if anchor is not None else 1,
                0 if customer.id == insured else 1,
                anchor[0] if anchor is not None else dt.date.max,
                customer.id,
                customer,
                anchor[2] if anchor is not None else None,
            )
        )
    ranked.sort(key=lambda r: r[:4])
    chosen, anchor_policy = ranked[0][4], ranked[0][5]
    return PolicyCard(
        policy=policy,
        customer=chosen,
        anchor=anchor_policy if anchor_policy is not None else policy,
        customers=tuple(r[3] for r in ranked),
    )


def enter_contacts(
    target: Service | Store,
    policy_no: str,
    *,
    operator: str | None = None,
    at: dt.datetime | dt.date | str | None = None,
    check: bool = True,
    **contacts: Any,
) -> IngestResult:
    """Record contacts an operator entered for the customer of ``policy_no``.

    ``contacts`` are any of `CONTACT_FIELDS` (``mobile=``, ``home_phone=``, ``office_phone=``,
    ``email=``, ``address=``); they are validated like any source value. ``operator`` defaults
    to the service's user; ``at`` to now.
    """
    service = as_service(target)
    unknown = sorted(set(contacts) - set(CONTACT_FIELDS))
    if unknown:
        raise UsageError(
            f"Contacts are {', '.join(CONTACT_FIELDS)}; not {unknown[0][:40]!r}.",
            code="contact_entry.nothing",
            message_zh="可录入的联系方式为手机、住宅电话、办公电话、邮箱、地址。",
        )
    values = {k: v for k, v in contacts.items() if v is not None and str(v).strip()}
    if not values:
        raise UsageError(
            "Enter at least one contact (mobile, home_phone, office_phone, email, address).",
            code="contact_entry.nothing",
            message_zh="请至少录入一项联系方式。",
        )
    name = service.by(operator)
    card = lookup_policy(service, policy_no, check=check)
    customer = card.customer
    when = (
        utc_now()
        if at is None
        else Provenance(channel=Channel.UNDERWRITING, source_ref="-", observed_at=at).observed_at
    )
    keys: dict[str, Any] = {}
    if customer.resident_id is not None:
        keys["resident_id"] = customer.resident_id
    elif customer.uscc is not None:
        keys["uscc"] = customer.uscc
    elif customer.id_document is not None:  # a passport, or an organisation's old code
        keys["id_document"] = customer.id_document
    else:
        roles = [link.role for link in customer.policies if link.policy_no == card.policy.policy_no]
        keys["policy_no"] = card.policy.policy_no
        keys["role"] = roles[0] if roles else PolicyRole.INSURED
    record = SourceRecord(
        provenance=Provenance(
            channel=Channel.UNDERWRITING,
            source_ref=f"{card.policy.policy_no}#entry#{when.isoformat()}",
            observed_at=when,
            operator=name,
        ),
        **keys,
        **values,
    )
    return service.ingest_one(record)


def not_offered(
    target: Service | Store, customer_id: str, **contacts: Any
) -> dict[str, ContactPoint]:
    """The entered phone numbers (``mobile=…`` as for `enter_contacts`) that the customer
    holds but no call list offers — flagged wrong by an earlier call-back, or under a
    do-not-call request — by field: what the operator should be told while the caller is on
    the line. Entering a number does not clear its flag; only a later call that reaches
    someone on it does (`custmaster.workflows.callbacks`).
    """
    service = as_service(target)
    customer = service.get(customer_id)
    found: dict[str, ContactPoint] = {}
    for field, kind in _PHONE_KINDS.items():
        value = contacts.get(field)
        if value is None or not str(value).strip():
            continue
        try:
            point = customer.contact_point(kind, str(value))
        except ValidationError:
            continue
        if point is not None and not point.is_callable:
            found[field] = point
    return found
