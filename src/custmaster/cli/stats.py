"""``custmaster stats``: what a store holds, and its customers by source channel and level.

A thin skin over the store's `counts` and `custmaster.workflows.classification`.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from custmaster.cli._common import console, open_service, say, store_options
from custmaster.model.provenance import Channel
from custmaster.workflows.classification import classify_customers, load_rules, summarise
from custmaster.workflows.core_import import uncallable_numbers

__all__ = ["stats"]

_COUNT_LABELS = {
    "customers": "customers 客户",
    "records": "source records 来源记录",
    "policies": "policies 保单",
    "events": "contact events 联系记录",
    "candidates_open": "open candidate pairs 待审核",
    "decisions": "decisions 审核决定",
    "aliases": "merged ids 合并别名",
    "erased": "erased (tombstones) 已删除",
    "restricted": "restricted 限制处理",
}


@click.command()
@store_options
@click.option(
    "--rules",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE.json",
    help="Classification rules for the level and key-customer flag (default: built in).",
)
def stats(*, store_url: str, user: str | None, roles: tuple[str, ...], rules: Path | None) -> None:
    """Show what the store holds and its customers by source channel 来源渠道 and level 等级.

    Counts customers, source records, policies, contact events, numbers flagged wrong and
    numbers under a do-not-call request (勿扰), open candidate pairs and decisions; then a
    table of customers per source channel and level with the key customers (重点客户) under
    the classification rules (--rules).

    Example:

        custmaster stats --store sqlite:///custmaster.db
    """
    out = console()
    chosen = load_rules(rules) if rules is not None else None
    with open_service(store_url, user, roles) as service:
        counts = service.counts()
        flagged = uncallable_numbers(service) if counts.get("events") else {}
        quiet = sum(1 for event in flagged.values() if event.outcome.consent is False)
        wrong = len(flagged) - quiet
        summary = summarise(classify_customers(service, chosen))
    say(out, f"Store 存储: {store_url}")
    for kind, label in _COUNT_LABELS.items():
        if kind in counts:
            say(out, f"  {label:<28} {counts[kind]:>12,}")
    say(out, f"  {'numbers flagged wrong 错号':<28} {wrong:>12,}")
    say(out, f"  {'numbers not to call 勿扰':<28} {quiet:>12,}")
    table = Table(title="Customers by source channel and level 客户分类", title_justify="left")
    table.add_column("source channel 来源渠道")
    for level in summary.levels:
        table.add_column(level, justify="right")
    table.add_column("total", justify="right")
    for channel in summary.channels:
        cells = [summary.count(channel, level) for level in summary.levels]
        label = Channel.get(channel).label.split(" ", 1)[0] if channel else ""
        shown = f"{channel} {label}" if label else (channel or "-")
        table.add_row(shown, *(str(n) for n in cells), str(sum(cells)))
    out.print(table)
    say(out, f"Key customers 重点客户: {summary.key_customers} of {summary.customers}.")
