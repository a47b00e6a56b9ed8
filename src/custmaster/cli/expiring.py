"""``custmaster expiring``: the renewal list of a month, on screen or to CSV/XLSX.

A thin skin over `custmaster.workflows.renewals`.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from custmaster.cli._common import ChannelType, console, open_service, say, store_options
from custmaster.errors import UsageError
from custmaster.workflows.classification import load_rules
from custmaster.workflows.renewals import export_renewals, renewal_rows

__all__ = ["expiring"]


@click.command()
@click.argument("month", metavar="YYYY-MM")
@store_options
@click.option(
    "--line",
    metavar="LINE",
    help="Only this line: compulsory (交强险) or commercial (商业险).",
)
@click.option(
    "--channel",
    type=ChannelType(),
    metavar="CHANNEL",
    help="Only customers of this source channel 来源渠道 (code or name: telesales or 电销 …).",
)
@click.option("--series", metavar="NAME", help="Only vehicles of this series 车系 (e.g. 雅阁).")
@click.option("--manufacturer", metavar="NAME", help="Only vehicles of this manufacturer 厂商.")
@click.option(
    "--key/--not-key",
    "key_customer",
    default=None,
    help="Only key customers 重点客户 (or only the others).",
)
@click.option(
    "--rules",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE.json",
    help="Classification rules for level and key customer (default: built in).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="PATH",
    help="Write the list to this .csv or .xlsx file (masked unless --reveal).",
)
@click.option("--contacts", type=click.IntRange(1, 9), default=3, show_default=True, metavar="N",
              help="Phone columns per row.")  # fmt: skip
@click.option(
    "--reveal",
    is_flag=True,
    help="Write full names and numbers to --output. Needs --user with the reveal permission "
    "(administrator); audited.",
)
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, metavar="N",
              help="Rows shown on screen when there is no --output.")  # fmt: skip
def expiring(
    *,
    month: str,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    line: str | None,
    channel: str | None,
    series: str | None,
    manufacturer: str | None,
    key_customer: bool | None,
    rules: Path | None,
    output: Path | None,
    contacts: int,
    reveal: bool,
    limit: int,
) -> None:
    """List the policies whose cover ends in MONTH (终保日期 in YYYY-MM), one row per policy.

    Each row has the policy (保单号, 险种, 起保/终保日期), the insured (被保险人), the vehicle
    (车牌号, 厂牌型号 with its 厂商 and 车系), the best callable numbers (联系电话: reached first,
    then the most recently seen, a number three customers of the list share last; never a
    number flagged wrong), the address, the source
    channel, the level and the key-customer flag (★ on screen). Cancelled policies are left
    out. Values are masked; --reveal writes them in full to --output.

    Exits 0 on success (also when the month has no policies), 64 on a bad month or option, 77
    when the user lacks the export or reveal permission.

    Example:

        custmaster expiring 2027-01 --line commercial --output renewals.xlsx
    """
    if reveal and output is None:
        raise UsageError(
            "--reveal applies only to --output.", message_zh="--reveal 只用于 --output。"
        )
    out = console()
    chosen_rules = load_rules(rules) if rules is not None else None
    with open_service(store_url, user, roles) as service:
        rows = renewal_rows(
            service,
            month,
            line=line,
            channel=channel,
            series=series,
            manufacturer=manufacturer,
            key_customer=key_customer,
            rules=chosen_rules,
        )
        if output is not None:
            result = export_renewals(
                service, month, output, reveal=reveal, contacts=contacts, rows=rows
            )
            shown = "full values (revealed)" if result.revealed else "masked"
            say(
                out,
                f"Renewal list 续保清单 {month}: {result.rows} policies written to {result.path} "
                f"({result.format.upper()}, {shown}).",
            )
            return
    title = f"Renewal list 续保清单 {month}: {len(rows)} policies"
    table = Table(title=title, title_justify="left")
    for header in ("保单号", "险种", "终保日期", "被保险人", "厂商 车系", "联系电话", "等级"):
        table.add_column(header, no_wrap=header in ("保单号", "终保日期", "险种", "等级"))
    for row in rows[:limit]:
        values = row.masked(contacts)
        table.add_row(
            values["policy_no"],
            values["line"],
            values["cover_end"],
            values["name"],
            " ".join(v for v in (values["manufacturer"], values["series"]) if v),
            " ".join(v for v in (values[f"contact_{i + 1}"] for i in range(contacts)) if v),
            values["level"] + ("★" if row.key_customer else ""),
        )
    out.print(table)
    if len(rows) > limit:
        say(out, f"… {len(rows) - limit} more; use --output to write them all.")
