"""``custmaster demo``: a synthetic book from raw files to a renewal list, in one command.

A thin skin over `custmaster.workflows.demo.run_demo`.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from custmaster.cli._common import console, open_service, say, store_options
from custmaster.cli.show import render_customer
from custmaster.store.registry import DEFAULT_URL
from custmaster.workflows.demo import DEFAULT_PEOPLE, DEFAULT_SEED, run_demo

__all__ = ["demo"]


@click.command()
@store_options
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("custmaster-demo"),
    show_default=True,
    metavar="DIR",
    help="Where the book's files, the rejects and the renewal list are written.",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, metavar="N",
              help="Seed of the synthetic book: the same seed gives the same book.")  # fmt: skip
@click.option("--people", type=click.IntRange(1, 100_000), default=DEFAULT_PEOPLE,
              show_default=True, metavar="N", help="People in the book.")  # fmt: skip
@click.option("--month", metavar="YYYY-MM", help="Month of the renewal list. Default: the "
              "month after the book's extract date.")  # fmt: skip
def demo(
    *,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    directory: Path,
    seed: int,
    people: int,
    month: str | None,
) -> None:
    """Run custmaster end to end on a realistic synthetic insurer book.

    Writes the files a branch office receives (core system extract 核心系统, underwriting 承保,
    face-to-face 面签, renewal list 续保到期, telesales 电销, claim reports 报案, endorsements 批改,
    call-back results 回访; GB18030 CSV), imports them through their channels into the store
    (default ./custmaster.db), applies the endorsements and call-backs, shows one customer's
    merged record with its history, and writes the next month's renewal list. Output is
    masked. Running it again adds nothing (every row is recognised).

    Example:

        custmaster demo
    """
    out = console()
    say(out, "custmaster demo: a synthetic insurer book through every workflow (output masked).")
    with open_service(store_url, user, roles) as service:
        result = run_demo(
            service,
            directory,
            seed=seed,
            people=people,
            month=month,
            step=lambda message: say(out, f"… {message}"),
        )
        say(out, "")
        say(out, f"Book 数据: {result.source}")
        table = Table(title="Imported 导入", title_justify="left")
        for header in ("file", "channel", "rows", "new", "merged", "conflicting", "duplicates",
                       "rejected"):  # fmt: skip
            table.add_column(header, justify="left" if header in ("file", "channel") else "right")
        for item in result.imports:
            table.add_row(
                item.path.name,
                item.channel,
                *(str(n) for n in (item.rows, item.new, item.merged, item.conflicting,
                                   item.duplicates, item.rejected)),
            )  # fmt: skip
        out.print(table)
        e, c = result.endorsements, result.callbacks
        kinds = ", ".join(f"{k} {n}" for k, n in e.kinds) or "none new"
        say(out, f"Endorsements 批改: {e.applied} applied ({kinds}), {e.duplicates} already in.")
        say(
            out,
            f"Call-backs 回访: {c.events} events for {c.customers} customers; numbers flagged "
            f"wrong 错号 now {result.wrong_numbers}.",
        )
        counts = service.counts()
        say(
            out,
            f"Store 存储: {counts['customers']} customers, {counts['records']} source records, "
            f"{counts['policies']} policies, {counts['candidates_open']} candidate pairs to "
            "review.",
        )
        say(out, "")
        render_customer(service, service.get(result.customer_id), out)
    say(out, "")
    say(
        out,
        f"Renewal list 续保清单 {result.month}: {result.renewals.rows} policies written to "
        f"{result.renewals.path} (masked).",
    )
    where = "" if store_url == DEFAULT_URL else f" --store {store_url}"
    say(out, f"Files 文件: {result.directory}/ (the book, *.rejects.csv, the renewal list)")
    say(out, f"Store 存储: {store_url}")
    say(out, "Next 下一步:")
    for command in (
        f"custmaster show {result.customer_id}{where}",
        f"custmaster expiring {result.month} --line commercial{where}",
        f"custmaster candidates{where}",
        f"custmaster stats{where}",
    ):
        say(out, f"  {command}")
