"""``custmaster enter-contact``: look a policy up and enter the customer's contacts.

A thin skin over `custmaster.workflows.contact_entry`.
"""

from __future__ import annotations

import click
from rich.console import Console

from custmaster.cli._common import console, open_service, say, store_options
from custmaster.privacy.masking import mask_contact
from custmaster.workflows.contact_entry import (
    PolicyCard,
    enter_contacts,
    lookup_policy,
    not_offered,
)

__all__ = ["enter_contact", "render_card"]

_LABELS = (
    ("customer_id", "Customer 客户号"),
    ("name", "Name 被保险人"),
    ("resident_id", "Resident ID 身份证号"),
    ("gender", "Gender 性别"),
    ("birth_date", "Birth 出生日期"),
    ("address", "Address 客户地址"),
    ("policy_no", "Policy 保单号"),
    ("line", "Line 险种"),
    ("status", "Status 保单状态"),
    ("anchor_policy_no", "First-year commercial 新保商业险"),
    ("plate", "Plate 车牌号"),
    ("make_model", "Make/model 厂牌型号"),
    ("contacts", "Contacts 联系方式"),
)


def render_card(card: PolicyCard, out: Console) -> None:
    """Print a policy card, masked."""
    shown = card.masked()
    shown["line"] = card.policy.line.label or shown["line"]  # 商业险 commercial motor
    width = max(len(label) for _, label in _LABELS)
    for field, label in _LABELS:
        say(out, f"{label:<{width}}  {shown[field] or '-'}")
    if len(card.customers) > 1:
        say(out, f"Records holding the policy 持有该保单的客户: {', '.join(card.customers)}")


@click.command(name="enter-contact")
@click.argument("policy_no", metavar="POLICY_NO")
@store_options
@click.option("--mobile", metavar="NUMBER", help="Mobile phone 移动电话.")
@click.option("--home-phone", metavar="NUMBER", help="Home phone 家庭电话.")
@click.option("--office-phone", metavar="NUMBER", help="Office phone 办公电话.")
@click.option("--email", metavar="ADDRESS", help="E-mail 邮箱.")
@click.option("--address", metavar="TEXT", help="Address 客户地址.")
@click.option(
    "--operator",
    metavar="NAME",
    help="Who entered the contacts (recorded with them). Default: --user.",
)
def enter_contact(
    *,
    policy_no: str,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    mobile: str | None,
    home_phone: str | None,
    office_phone: str | None,
    email: str | None,
    address: str | None,
    operator: str | None,
) -> None:
    """Show the customer of POLICY_NO (保单号) and record the contacts given.

    The policy must be underwritten and paid (not 暂存/待核保, 未缴费 or 退保). The card shows
    the customer's base information, masked; where several records hold the policy, the one
    holding the first-year commercial policy (新保 商业险). Contacts given with --mobile,
    --home-phone, --office-phone, --email or --address are recorded as an observation of the
    underwriting channel (承保) with the operator's name; without them the card is only shown.
    A number entered that a call-back flagged wrong (or that is under a do-not-call request)
    is recorded and reported with a note: it stays out of call lists until a call reaches
    someone on it.

    Exits 0 on success, 64 when the policy is not underwritten and paid (or no operator is
    named), 65 for an invalid phone number, 66 for an unknown policy.

    Example:

        custmaster enter-contact PDAA202635020000000001 --mobile 13900139000 --operator 王芳
    """
    out = console()
    contacts = {
        "mobile": mobile,
        "home_phone": home_phone,
        "office_phone": office_phone,
        "email": email,
        "address": address,
    }
    given = {k: v for k, v in contacts.items() if v}
    with open_service(store_url, user, roles) as service:
        if given:
            result = enter_contacts(
                service,
                policy_no,
                operator=operator,
                mobile=mobile,
                home_phone=home_phone,
                office_phone=office_phone,
                email=email,
                address=address,
            )
            card = lookup_policy(service, policy_no)
            render_card(card, out)
            say(
                out,
                f"Recorded 已录入: {', '.join(sorted(given))} for customer {result.customer_id} "
                f"(underwriting 承保, operator {service.by(operator)[:1]}*).",
            )
            held = not_offered(service, result.customer_id, **given) if result.customer_id else {}
            for field, point in held.items():
                status = point.status.value
                reason = "flagged wrong 已标记错号" if status == "wrong" else "do not call 勿扰"
                say(
                    out,
                    f"Note 注意: {field} {mask_contact(point.value)} is {reason}: recorded, "
                    "but no call list offers it until a call reaches someone on it "
                    "(已录入，但在回访接通前不会列入外呼名单).",
                )
        else:
            render_card(lookup_policy(service, policy_no), out)
