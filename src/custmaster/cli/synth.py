"""``custmaster synth``: write a synthetic insurer book with its ground truth.

A thin skin over `custmaster.testing.synth` (`generate`, `write_csv`, `write_xlsx`), which
needs the ``testing`` extra; without it the command says so (exit 64). The book is synthetic:
its names, ID numbers and phone numbers belong to nobody, and the summary shows counts only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from custmaster.errors import UsageError

if TYPE_CHECKING:
    from custmaster.testing.synth import WriteResult

__all__ = ["ENCODINGS", "render_summary", "synth"]

#: The encodings of ``--encoding`` (`custmaster.testing.synth.ENCODINGS`, repeated here so that
#: ``--help`` works without the testing extra).
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "utf-8", "gb18030", "gbk")
_DEFAULT_AS_OF = "2026-12-01"


def _synth() -> ModuleType:
    try:
        from custmaster.testing import synth
    except ImportError as error:
        raise UsageError(
            "custmaster synth needs the testing extra: pip install 'custmaster[testing]' "
            f"({error.name or 'a module'} is missing).",
            message_zh="custmaster synth 需要 testing 扩展：pip install 'custmaster[testing]'。",
        ) from None
    return synth


def render_summary(result: WriteResult, console: Console, *, seed: int) -> None:
    """Print what was written: rows per file, people, planted defects, time (counts only)."""
    table = Table(
        title=escape(f"Synthetic book (seed {seed}) in {result.directory}"),
        title_justify="left",
        show_footer=True,
    )
    table.add_column("File\n文件", footer="Total 合计")
    table.add_column("Channel\n渠道")
    table.add_column("Rows\n行数", justify="right", footer=f"{result.records:,}")
    for layout in _synth().FILES:
        table.add_row(
            escape(result.paths[layout.name].name), layout.channel, f"{result.rows[layout.name]:,}"
        )
    console.print(table)

    def say(text: str) -> None:  # plain text: paths may hold brackets
        console.print(text, markup=False, soft_wrap=True)

    say(
        f"Truth 真值: {result.people:,} people and {result.organisations:,} organisations "
        f"in {result.truth_path.name}."
    )
    if result.defects:
        kinds = ", ".join(f"{kind} {count:,}" for kind, count in result.defects.items())
        say(f"Planted defects 植入的缺陷: {kinds}")
    rate = result.records / result.seconds if result.seconds else 0.0
    say(f"Written in {result.seconds:.1f} s ({rate:,.0f} rows/s).")


@click.command()
@click.argument(
    "outdir", type=click.Path(file_okay=False, writable=True, path_type=Path), metavar="OUTDIR"
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the book.")
@click.option(
    "--people",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="How many people (in households of one to four).",
)
@click.option(
    "--organisations",
    type=click.IntRange(min=0),
    default=None,
    help="How many organisations. Default: one for every 20 people.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=_DEFAULT_AS_OF,
    show_default=True,
    help="The day the book is extracted.",
)
@click.option(
    "--years",
    type=click.IntRange(1, 10),
    default=3,
    show_default=True,
    help="Years of policies before --as-of.",
)
@click.option(
    "--noise",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Multiply every noise rate (0: clean values only).",
)
@click.option(
    "--encoding",
    type=click.Choice(ENCODINGS, case_sensitive=False),
    default="utf-8-sig",
    show_default=True,
    help="CSV encoding (gbk is written as GB18030, its superset).",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "xlsx"]),
    default="csv",
    show_default=True,
    help="CSV files or XLSX workbooks (needs openpyxl).",
)
def synth(
    *,
    outdir: Path,
    seed: int,
    people: int,
    organisations: int | None,
    as_of: dt.datetime,
    years: int,
    noise: float,
    encoding: str,
    file_format: str,
) -> None:
    """Write a synthetic insurer book to OUTDIR, with its ground truth.

    One file per source, in the columns of a core-system extract (core_system: 保单号,
    被保险人, 身份证号, 车牌号 …; endorsements) and of each channel's export (underwriting,
    face_to_face, callback, renewal_list, telesales, claim_report), plus truth.jsonl: for
    every person and organisation, the rows that are theirs, their current values and the
    defects planted in their rows. The same seed writes the same files on every machine.
    Files of the same names in OUTDIR are replaced.

    Example:

        custmaster synth book --seed 7 --people 2000 --encoding gbk
    """
    synth_module = _synth()
    book = synth_module.generate(
        seed=seed,
        people=people,
        organisations=organisations,
        as_of=as_of.date(),
        years=years,
        rates=synth_module.Rates().scaled(noise),
    )
    if file_format == "xlsx":
        result = synth_module.write_xlsx(book, outdir)
    else:
        result = synth_module.write_csv(book, outdir, encoding=encoding.lower())
    render_summary(result, Console(highlight=False), seed=seed)
