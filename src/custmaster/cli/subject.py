"""``custmaster erase``, ``restrict`` and ``export-subject``: a person's rights under PIPL.

Thin skins over `custmaster.service.Service.erase`, `~custmaster.service.Service.restrict`,
`~custmaster.service.Service.lift_restriction` and
`~custmaster.service.Service.export_subject`. What they print is masked; the file
``export-subject`` writes is the person's own copy and holds full values by design.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from custmaster.cli._common import console, open_service, say, store_options

__all__ = ["erase", "export_subject", "restrict"]

_REASON = click.option(
    "--reason",
    required=True,
    metavar="TEXT",
    help="Why: the request's reference (e.g. PIPL-2026-0042). Recorded and audited; never "
    "put personal data in it.",
)
_BY = click.option("--by", metavar="NAME", help="Who acts (recorded). Default: --user.")


@click.command()
@store_options
@click.argument("customer_id")
@_REASON
@_BY
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
def erase(
    *,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    customer_id: str,
    reason: str,
    by: str | None,
    yes: bool,
) -> None:
    """Erase customer CUSTOMER_ID's personal data on their request (PIPL Art. 47 删除权).

    Every source record of the customer keeps only its provenance and the policy facts
    accounting needs (policy number, line, role, cover dates); names, ID numbers, phones,
    addresses, plates, VINs and contact events are removed, and a tombstone records who erased
    it, when and why. The customer can no longer be shown or found; re-importing its old
    records is rejected. This cannot be undone.

    Exits 0 on success, 64 without a reason or an author, 66 for an unknown customer,
    77 without the delete permission.

    Example:

        custmaster erase C00000042 --reason PIPL-2026-0042 --user dpo.zhou --role administrator
    """
    out = console()
    if not yes:
        click.confirm(f"Erase customer {customer_id}? This cannot be undone.", abort=True)
    with open_service(store_url, user, roles) as service:
        tombstone = service.erase(customer_id, reason=reason, by=by)
    say(
        out,
        f"Erased 已删除 {tombstone.customer_id}: {tombstone.records} source records redacted "
        f"to their policy facts, {tombstone.events} contact events removed.",
    )
    say(out, f"  by {tombstone.by} at {tombstone.erased_at.isoformat(timespec='seconds')}")


@click.command()
@store_options
@click.argument("customer_id")
@_REASON
@_BY
@click.option("--lift", is_flag=True, help="Lift the restriction instead of setting it.")
def restrict(
    *,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    customer_id: str,
    reason: str,
    by: str | None,
    lift: bool,
) -> None:
    """Restrict customer CUSTOMER_ID to storage only (PIPL Art. 47 限制处理), or --lift it.

    While restricted, the customer is kept but not processed: imports hold back its records
    (rejected with record.subject_restricted, to import again after lifting), merges, splits,
    decisions and call-backs refuse it, and renewal lists, exports, quality reports and
    classifications leave it out. `custmaster show` still works, for the person's own request.

    Exits 0 on success, 64 without a reason or an author, or --lift on a customer that is not
    restricted, 66 for an unknown customer, 77 without the delete permission.

    Example:

        custmaster restrict C00000042 --reason PIPL-2026-0043 --user dpo.zhou --role administrator
    """
    out = console()
    with open_service(store_url, user, roles) as service:
        if lift:
            done = service.lift_restriction(customer_id, reason=reason, by=by)
            when = done.lifted_at or done.at
            say(out, f"Lifted 已解除限制 {done.customer_id}: processing may resume.")
            say(out, f"  by {done.lifted_by} at {when.isoformat(timespec='seconds')}")
        else:
            done = service.restrict(customer_id, reason=reason, by=by)
            say(out, f"Restricted 已限制处理 {done.customer_id}: kept, not processed.")
            say(out, f"  by {done.by} at {done.at.isoformat(timespec='seconds')}")


@click.command("export-subject")
@store_options
@click.argument("customer_id")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE.json",
    help="The JSON file to write (full values: hand it only to the person).",
)
@click.option(
    "--reason",
    default="subject request",
    show_default=True,
    metavar="TEXT",
    help="Why (the request's reference), audited; never personal data.",
)
def export_subject(
    *,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    customer_id: str,
    output: Path,
    reason: str,
) -> None:
    """Write everything held about customer CUSTOMER_ID to a JSON file (PIPL Art. 45 查阅复制权).

    The file holds the current record, every observation of every field with its source,
    contact points and events, policies, review decisions and candidate pairs, and any
    restriction or tombstone, unmasked: it is the person's own copy. So it needs a named user
    with the export and reveal permissions, and is audited. The screen shows a masked summary.

    Exits 0 on success, 66 for an unknown customer, 74 when the file cannot be written,
    77 without the export or reveal permission.

    Example:

        custmaster export-subject C00000042 -o C00000042.json --user dpo.zhou --role administrator
    """
    out = console()
    with open_service(store_url, user, roles) as service:
        data = service.export_subject(customer_id, reason=reason)
    output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    say(
        out,
        f"Wrote {output}: customer {data['customer_id']} ({data['status']}), "
        f"{len(data['observations'])} source records, {len(data['events'])} contact events, "
        f"{len(data['policies'])} policies.",
    )
    say(out, "  The file holds full values: hand it only to the person it describes.")
