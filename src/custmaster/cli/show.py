"""``custmaster show``: one customer's merged record with its history, masked.

A thin skin over the store's `get`, `history`, `explain` and `as_of`
(`custmaster.service.Service`) and `custmaster.workflows.policies.policy_details`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from custmaster.catalog.vehicle_series import classify
from custmaster.cli._common import console, open_service, say, store_options
from custmaster.errors import NotFoundError, UsageError
from custmaster.model.customer import Customer, HistoryEntry
from custmaster.model.policy import Policy, PolicyStatus
from custmaster.privacy.masking import mask, mask_contact
from custmaster.service import Service
from custmaster.workflows.classification import classify_customer
from custmaster.workflows.dates import parse_date
from custmaster.workflows.policies import policy_details

__all__ = ["render_customer", "show"]

_LINES = {"compulsory": "交强险", "commercial": "商业险"}
_FAR = dt.date.min
_CHINA = dt.timezone(dt.timedelta(hours=8))

_FIELDS = (
    ("name", "Name 姓名"),
    ("resident_id", "Resident ID 身份证号"),
    ("uscc", "USCC 统一社会信用代码"),
    ("gender", "Gender 性别"),
    ("birth_date", "Birth date 出生日期"),
    ("address", "Address 客户地址"),
    ("postcode", "Postcode 邮编"),
)


#: The personal fields `render_customer` shows, named in the audit entry of a reveal.
REVEALED_FIELDS = (
    "name", "resident_id", "uscc", "birth_date", "address", "mobile", "home_phone",
    "office_phone", "fax", "email", "plate",
)  # fmt: skip


#: What marks a contact point no list offers, after its status.
_STATUS_MARKS = {"wrong": " ✗", "do_not_call": " 勿扰"}


def _shown(field: str, value: Any, reveal: bool = False) -> str:
    if value is None:
        return "-"
    plain = getattr(value, "value", value)
    return str(plain) if reveal else mask(field, plain)


def _contact(value: str, reveal: bool) -> str:
    return value if reveal else mask_contact(value)


def _standing(policy: Policy, on: dt.date) -> str:
    """The policy's status as of ``on``: the source's status, except that a policy whose
    cover ended before ``on`` is shown as expired (an extract says 有效 while it is current)."""
    status = policy.status
    if status is PolicyStatus.IN_FORCE and policy.cover_end is not None and policy.cover_end < on:
        return PolicyStatus.EXPIRED.value
    return status.value


def _day(value: Any) -> str:
    return value.astimezone(_CHINA).date().isoformat() if value is not None else "-"


def _older_values(customer: Customer, field: str, current: Any) -> list[HistoryEntry]:
    """The field's earlier values other than the current one, each once (its newest entry)."""
    seen: dict[Any, HistoryEntry] = {}
    for entry in customer.history(field):
        if entry.value != current and entry.value not in seen:
            seen[entry.value] = entry
    return list(seen.values())


def render_customer(
    service: Service,
    customer: Customer,
    out: Console,
    *,
    history: bool = True,
    policy_limit: int = 6,
    sources: bool = True,
    reveal: bool = False,
    on: dt.date | None = None,
) -> None:
    """Print a customer: fields with their source, contact points, policies (the newest
    ``policy_limit``), the older values of each field, and contact events; all masked.
    ``sources=False`` leaves out which record each value came from (for a past view);
    ``reveal=True`` prints full values (the caller has checked and audited it:
    `custmaster.service.Service.authorize_reveal`). Policies whose cover ended before ``on``
    (default: today in China) show as expired."""
    today = on if on is not None else dt.datetime.now(_CHINA).date()
    profile = classify_customer(service, customer.id)
    key = ", key customer 重点客户" if profile.key_customer else ""
    say(
        out,
        f"Customer 客户 {customer.id} ({customer.kind.value}); source channel 来源渠道 "
        f"{profile.source_channel or '-'}; level 等级 {profile.level}{key}",
    )
    width = max(len(label) for _, label in _FIELDS)
    for field, label in _FIELDS:
        value = getattr(customer, field)
        if value is None:
            continue
        source = ""
        if not sources:
            pass
        elif field not in ("gender", "birth_date") or customer.resident_id is None:
            explained = service.explain(customer.id, field)
            if explained.channel is not None:
                when = (explained.observed_at or "")[:10]
                source = f"  ← {explained.channel} {explained.source_ref} {when}"
        else:
            source = "  ← from the resident ID"
        others = _older_values(customer, field, value)
        more = f"  (+{len(others)} older value{'s' if len(others) != 1 else ''})" if others else ""
        say(out, f"  {label:<{width}}  {_shown(field, value, reveal)}{source}{more}")

    contacts = Table(title="Contacts 联系方式", title_justify="left")
    for header in ("kind", "value", "status", "channels", "first seen", "last seen"):
        contacts.add_column(header)
    for point in customer.contact_points:
        status = point.status.value + _STATUS_MARKS.get(point.status.value, "")
        contacts.add_row(
            point.kind.value,
            _contact(point.value, reveal),
            status,
            ", ".join(f"{c}×{n}" for c, n in point.channels.items()),
            _day(point.first_seen),
            _day(point.last_seen),
        )
    out.print(contacts)

    policies = Table(title="Policies 保单 (newest cover first)", title_justify="left")
    for header in ("policy 保单号", "line 险种", "cover ends 终保", "status", "vehicle 车辆"):
        policies.add_column(header, no_wrap=header.startswith("policy"))
    details = []
    for number in dict.fromkeys(link.policy_no for link in customer.policies):
        try:
            details.append(policy_details(service, number))
        except NotFoundError:
            continue
    details.sort(key=lambda p: (p.cover_end or p.cover_start or _FAR, p.policy_no), reverse=True)
    for policy in details[:policy_limit]:
        vehicle = policy.vehicle
        text = "-"
        if vehicle is not None:
            found = classify(vehicle.make_model, vehicle.vin) if vehicle.make_model else None
            kind = " ".join(x for x in (found.manufacturer, found.series) if x) if found else ""
            plate = _shown("plate", vehicle.plate, reveal) if vehicle.plate else ""
            text = " ".join(x for x in (plate, kind or vehicle.make_model or "") if x)
        policies.add_row(
            policy.policy_no,
            _LINES.get(policy.line.code, policy.line.code),
            str(policy.cover_end or "?"),
            _standing(policy, today),
            text,
        )
    out.print(policies)
    if len(details) > policy_limit:
        say(out, f"  … {len(details) - policy_limit} older policies")

    if history:
        rows = []
        for field, _ in _FIELDS:
            current = getattr(customer, field)
            for entry in _older_values(customer, field, current):
                rows.append((field, entry))
        if rows:
            table = Table(title="Older values 历史值 (newest first)", title_justify="left")
            for header in ("field", "value", "channel", "source ref", "observed"):
                table.add_column(header, no_wrap=header == "source ref")
            for field, entry in rows:
                p = entry.provenance
                value = _shown(field, entry.value, reveal)
                table.add_row(field, value, p.channel.code, p.source_ref, _day(p.observed_at))
            out.print(table)
    events = service.events(customer.id)
    if events:
        table = Table(title="Contact events 联系记录", title_justify="left")
        for header in ("at", "channel", "number", "outcome", "operator"):
            table.add_column(header)
        for event in events:
            table.add_row(
                event.at.astimezone(_CHINA).strftime("%Y-%m-%d %H:%M"),
                event.channel.code,
                _contact(event.contact_value, reveal),
                event.outcome.value,
                _shown("name", event.operator, reveal) if event.operator else "-",
            )
        out.print(table)


@click.command()
@click.argument("customer_id", required=False, metavar="[CUSTOMER_ID]")
@store_options
@click.option("--policy", "policy_no", metavar="NO", help="Find by policy number 保单号.")
@click.option("--phone", metavar="NUMBER", help="Find by phone number 电话.")
@click.option("--resident-id", metavar="ID", help="Find by resident ID 身份证号.")
@click.option("--plate", metavar="PLATE", help="Find by plate 车牌号.")
@click.option("--as-of", metavar="DATE", help="Show the record as it stood then (YYYY-MM-DD).")
@click.option(
    "--explain", "explain_field", metavar="FIELD", help="Explain why FIELD holds its value."
)
@click.option("--no-history", is_flag=True, help="Leave out the older values.")
@click.option(
    "--reveal",
    is_flag=True,
    help="Show full names and numbers. Needs --user with the reveal permission (administrator, "
    "or a role that grants it); each reveal is audited.",
)
def show(
    *,
    customer_id: str | None,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    policy_no: str | None,
    phone: str | None,
    resident_id: str | None,
    plate: str | None,
    as_of: str | None,
    explain_field: str | None,
    no_history: bool,
    reveal: bool,
) -> None:
    """Show a customer's merged record with its history, masked.

    Give CUSTOMER_ID (C00000001) or find the customer by --policy, --phone, --resident-id or
    --plate. Prints each field with the source that won (channel, source reference, date), the
    contact points with their status (a number flagged wrong is marked ✗), the policies with
    their vehicle and series, the older values of each field and the contact events.

    Values are masked; --reveal shows them in full to a user holding the reveal permission,
    and leaves an audit entry naming the user, the customer and the fields.

    Exits 0 on success, 64 without a customer to show, 66 when none matches, 77 when the
    user lacks the permission.

    Example:

        custmaster show --policy PDAA202635020000000001
    """
    criteria = {
        k: v
        for k, v in (("policy_no", policy_no), ("phone", phone), ("resident_id", resident_id),
                     ("plate", plate))
        if v
    }  # fmt: skip
    if not customer_id and not criteria:
        raise UsageError(
            "Give a CUSTOMER_ID or one of --policy, --phone, --resident-id, --plate.",
            message_zh="请给出客户号或查找条件。",
        )
    out = console()
    with open_service(store_url, user, roles) as service:
        if customer_id:
            ids = [service.get(customer_id).id]
        else:
            ids = [c.id for c in service.find(**criteria)]
            if not ids:
                raise NotFoundError(
                    "No customer matches.",
                    code="store.customer_not_found",
                    message_zh="未找到客户。",
                )
        for index, cid in enumerate(ids):
            if index:
                say(out, "")
            customer = service.as_of(cid, as_of) if as_of else service.get(cid)
            if explain_field:
                say(out, str(service.explain(cid, explain_field)))
                continue
            if reveal:
                service.authorize_reveal(cid, fields=REVEALED_FIELDS, purpose="custmaster show")
            if as_of:
                say(out, f"As of 截至 {as_of}:")
            render_customer(
                service,
                customer,
                out,
                history=not no_history,
                sources=as_of is None,
                on=parse_date(as_of) if as_of else None,
                reveal=reveal,
            )
