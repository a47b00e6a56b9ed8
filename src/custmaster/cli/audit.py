"""``custmaster audit``: list, verify and export the store's audit log.

A thin skin over `custmaster.service.Service.audit_log`, ``verify_audit`` and
``export_audit`` (the ``audit`` permission: the ``auditor`` and ``administrator`` roles).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.table import Table

from custmaster.audit import Anchor
from custmaster.cli._common import console, open_service, say, store_options
from custmaster.errors import UsageError
from custmaster.privacy.masking import mask

__all__ = ["BROKEN_EXIT_CODE", "audit"]

#: Exit code of ``verify`` when the chain is broken (EX_DATAERR, as for data errors).
BROKEN_EXIT_CODE = 65


@click.group()
@store_options
@click.pass_context
def audit(ctx: click.Context, *, store_url: str, user: str | None, roles: tuple[str, ...]) -> None:
    """List, verify and export the audit log 审计日志 kept in the store.

    Every operation on personal data leaves an entry: who, what operation, which customer
    and which fields (never their values), when and through which channel; each entry is
    chained to the one before by a hash. 'list' shows entries of a customer, a user or a
    time range; 'verify' checks the chain (exit 65 when it is broken, the problems listed);
    'export' writes it as JSON Lines. Needs the audit permission (roles auditor,
    administrator); --store, --user and --role come before the subcommand.

    Example:

        custmaster audit --user li.na --role auditor verify --head 1042:5f1c…
    """
    ctx.obj = (store_url, user, roles)


def _when(value: str | None, option: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"{option} is a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC if no zone).",
            code="usage",
            message_zh=f"{option} 应为日期或时间（YYYY-MM-DD）。",
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)


@audit.command(name="list")
@click.option("--customer", metavar="ID", help="Entries about this customer (C00000001).")
@click.option("--user", "by", metavar="NAME", help="Entries of this acting user.")
@click.option("--operation", metavar="NAME", help="Entries of this operation (entry, reveal …).")
@click.option("--since", metavar="DATE", help="From this date or time on (UTC unless given).")
@click.option("--until", metavar="DATE", help="Before this date or time (UTC unless given).")
@click.pass_obj
def list_(
    obj: tuple[str, str | None, tuple[str, ...]],
    *,
    customer: str | None,
    by: str | None,
    operation: str | None,
    since: str | None,
    until: str | None,
) -> None:
    """List audit entries, oldest first (users' names masked).

    Example:

        custmaster audit list --customer C00000001 --since 2026-12-01
    """
    out = console()
    with open_service(*obj) as service:
        entries = service.audit_log(
            customer_id=customer,
            user=by,
            since=_when(since, "--since"),
            until=_when(until, "--until"),
            operation=operation,
        )
    table = Table(title=f"Audit log 审计日志 ({len(entries)} entries)", title_justify="left")
    for column in ("seq", "at (UTC)", "user", "operation", "customer", "fields", "channel"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            str(entry.seq),
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            mask("operator", entry.user),
            entry.operation,
            entry.customer_id or "",
            ", ".join(entry.fields),
            entry.channel or "",
        )
    out.print(table)


def _anchor(value: str | None) -> Anchor | None:
    if value is None:
        return None
    seq, _, digest = value.strip().partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise UsageError(
            "--head is SEQ:HASH as 'custmaster audit verify' prints it, e.g. 1042:5f1c… "
            "(64 hex digits).",
            code="usage",
            message_zh="--head 格式为 序号:哈希（64 位十六进制）。",
        )
    return Anchor(int(seq), digest.lower())


@audit.command()
@click.option(
    "--head",
    metavar="SEQ:HASH",
    help="The head anchored earlier (printed by an earlier verify): detects deleted entries.",
)
@click.pass_obj
def verify(obj: tuple[str, str | None, tuple[str, ...]], *, head: str | None) -> None:
    """Verify the audit chain; list every problem and exit 65 if it is broken.

    Prints the head (SEQ:HASH): keep it outside the store and pass it with --head next time.

    Example:

        custmaster audit verify --head 1042:5f1c…
    """
    out = console()
    expected = _anchor(head)
    with open_service(*obj) as service:
        result = service.verify_audit(expected)
    if not result.ok:
        for problem in result.problems:
            say(out, f"  ✗ [{problem.code}] {problem.message}")
        click.echo(
            f"Error: [audit.tampered] The audit log failed verification: "
            f"{len(result.problems)} problems. / 审计日志校验失败。",
            err=True,
        )
        click.get_current_context().exit(BROKEN_EXIT_CODE)
    say(out, f"Audit log intact 审计日志完整: {result.checked:,} entries.")
    say(out, f"Head 链头: {result.head.seq}:{result.head.hash}")


@audit.command()
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def export(obj: tuple[str, str | None, tuple[str, ...]], *, output: Path) -> None:
    """Write the whole audit log to OUTPUT as JSON Lines, one entry a line, as stored.

    Example:

        custmaster audit export audit-2026-12.jsonl
    """
    out = console()
    with open_service(*obj) as service:
        written = service.export_audit(output)
    say(out, f"Wrote {written:,} audit entries to {output}.")
