"""``custmaster validate``: check and normalise a customer file, report and write the rejects.

A thin skin over `custmaster.workflows.validation.validate_file`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from custmaster.cli._common import ChannelType, table_options
from custmaster.cli.import_ import how_read, render_sheets, skipped_lines
from custmaster.errors import UsageError
from custmaster.workflows.channels import PROFILES
from custmaster.workflows.headers import PHONE, load_mapping
from custmaster.workflows.validation import (
    ValidationSummary,
    default_rejects_path,
    validate_file,
)

__all__ = ["render_summary", "validate"]


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _say(console: Console, text: str) -> None:
    """One line of plain text: no markup (paths and headers may hold brackets), no hard wraps."""
    console.print(text, markup=False, soft_wrap=True)


def render_summary(summary: ValidationSummary, console: Console) -> None:
    """Print the summary table and where the rejects and output went (no personal data)."""
    table = Table(
        title=escape(f"{summary.path.name}: {summary.rows} rows"),
        show_footer=True,
        title_justify="left",
    )
    table.add_column("Column\n列", footer="Total 合计")
    table.add_column("Field\n字段", no_wrap=True)
    table.add_column("Valid\n有效", justify="right", footer=str(summary.valid))
    table.add_column("Invalid\n无效", justify="right", footer=str(summary.invalid))
    table.add_column("Empty\n空", justify="right", footer=str(summary.empty))
    table.add_column(
        "Changed\n已规范",
        justify="right",
        footer=str(sum(c.changed for c in summary.columns)),
    )
    for column in summary.columns:
        table.add_row(
            escape(column.column),
            column.field,
            str(column.valid),
            f"[red]{column.invalid}[/red]" if column.invalid else "0",
            str(column.empty),
            str(column.changed),
        )
    console.print(table)

    how = how_read(summary.kind, summary.encoding, summary.sheets)
    if len(summary.sheets) < 2:
        how += f", header on row {summary.header_row}"
    share = f" ({summary.rows_rejected / summary.rows:.1%})" if summary.rows else ""
    _say(
        console,
        f"Rows 行: {summary.rows} read ({how}), "
        f"{summary.rows_valid} without problems, "
        f"{summary.rows_rejected} with rejected cells{share}.",
    )
    render_sheets(console, summary.sheets, summary.skipped_sheets)
    multiple = [c for c in summary.columns if c.multiple]
    if multiple:
        _say(
            console,
            "Several numbers 多号码 (valid cells holding more than one number, each kept): "
            + ", ".join(f"{c.column} {c.multiple}" for c in multiple),
        )
    placeholders = [c for c in summary.columns if c.placeholders]
    if placeholders:
        _say(
            console,
            "Placeholders read as empty 占位值按空处理 (新车未上牌 …): "
            + ", ".join(f"{c.column} {c.placeholders}" for c in placeholders),
        )
    for line in skipped_lines(summary.summary_rows, summary.skipped_rows, summary.sheets):
        _say(console, line)
    if summary.codes:
        codes = ", ".join(f"{code} {count}" for code, count in summary.codes)
        _say(console, f"Error codes 错误代码: {codes}")
    if summary.conflicts:
        _say(
            console,
            f"Warnings 警告: row.conflicting_columns {summary.conflicts} (repeated columns "
            "holding different values on a row: the first is used here, custmaster import "
            "rejects the row; listed in the rejects file).",
        )
    if summary.warnings:
        _say(
            console,
            "Warnings 警告: "
            + ", ".join(f"{code} {count}" for code, count in summary.warnings)
            + " (valid rows an import takes as read; listed in the rejects file).",
        )
    if summary.rejects_path is not None:
        warnings = summary.conflicts + sum(count for _, count in summary.warnings)
        warned = f" and {warnings} warnings" if warnings else ""
        sheet = ", sheet" if summary.sheets else ""
        _say(
            console,
            f"Rejects 拒绝: {summary.rejects} cells{warned} written to {summary.rejects_path} "
            f"(row, column, code, message, masked value{sheet}).",
        )
    if summary.output_path is not None:
        _say(console, f"Output 输出: normalised rows written to {summary.output_path}.")
    if summary.sources:
        _say(
            console,
            "Source columns 来源列 (read by custmaster import, not checked here): "
            + ", ".join(f"{header} → {column}" for header, column in summary.sources),
        )
    if summary.unmapped:
        _say(
            console,
            "Not checked 未校验 (no field for these columns; use --mapping): "
            + ", ".join(summary.unmapped),
        )
    if summary.duplicates:
        _say(
            console,
            "Repeated columns 重复列 (an earlier column gives the same field; checked too: "
            "phone numbers add up, other values must agree): " + ", ".join(summary.duplicates),
        )


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@table_options(
    several_sheets=True,
    encoding_help="CSV text encoding (utf-8, utf-8-sig, gb18030, gbk …). Default: detected.",
    mapping_help='Header mapping, a JSON object {"header": "field" or null}, applied before the '
    "built-in Chinese headers (保单号, 被保险人, 身份证号 …).",
    rejects_help="Where to write the rejected cells. Default: FILE's stem + .rejects.csv beside "
    "FILE.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="PATH",
    help="Also write every row, normalised, to this CSV (masked unless --reveal).",
)
@click.option(
    "--reveal",
    is_flag=True,
    help="Write full values to --output (personal data: only for a permitted import).",
)
@click.option("--delimiter", metavar="CHAR", help="CSV field delimiter. Default: detected.")
@click.option(
    "--channel",
    type=ChannelType(PROFILES),
    metavar="CHANNEL",
    help="Also check the phone columns this channel's import reads (claim_report: 报案人电话 …), "
    "as custmaster import --channel does. Default: the columns every import reads.",
)
@click.option(
    "--header-row",
    type=click.IntRange(min=1),
    metavar="N",
    help="Row number of the header. Default: found among the first rows.",
)
def validate(
    *,
    file: Path,
    encoding: str | None,
    sheets: tuple[str, ...],
    mapping: Path | None,
    rejects: Path | None,
    output: Path | None,
    reveal: bool,
    delimiter: str | None,
    channel: str | None,
    header_row: int | None,
) -> None:
    """Validate and normalise the customer records in FILE (CSV, XLSX or .xls).

    Every column an import reads is checked as the import reads it (身份证号 resident ID,
    移动电话 phone, 联系电话 phone of either kind, 车架号 VIN, 车牌号 plate, dates …; a repeated
    column such as 手机2 too). A bad cell never stops the run: it is written to the rejects
    file with its row number, column, error code, message and masked value. Prints a summary
    per column (valid, invalid, empty, changed by normalisation). Every data sheet of a
    workbook is read, each by its own header; the sheets skipped are listed, and the rejects
    file names each row's sheet.

    Exits 0 when the file was read, even if some cells were rejected (see the rejects file
    and the summary); 65 when FILE cannot be read as a table; 64 on a usage error.

    Example:

        custmaster validate examples/customers.csv
    """
    rejects_path = rejects if rejects is not None else default_rejects_path(file)
    for name, target in (("--rejects", rejects_path), ("--output", output)):
        if target is not None and target.exists() and _same_file(target, file):
            raise UsageError(
                f"{name} would overwrite the input file {file}.",
                code="usage",
                message_zh=f"{name} 会覆盖输入文件。",
            )
    if reveal and output is None:
        raise UsageError(
            "--reveal applies only to --output.", message_zh="--reveal 只用于 --output。"
        )
    user_mapping = load_mapping(mapping) if mapping is not None else None
    console = Console(highlight=False)

    def run(progress: Callable[[int, float | None], None] | None) -> ValidationSummary:
        return validate_file(
            file,
            encoding=encoding,
            sheet=sheets or None,
            delimiter=delimiter,
            header_row=header_row,
            mapping=user_mapping,
            rejects=rejects_path,
            output=output,
            reveal=reveal,
            progress=progress,
            phone_aliases=PROFILES[channel].meta_aliases.get(PHONE, ()) if channel else (),
        )

    if console.is_terminal:
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rows]} rows"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(f"Validating {file.name}", total=1.0, rows=0)

            def report(rows: int, fraction: float | None) -> None:
                bar.update(task, completed=fraction or 0.0, rows=rows)

            summary = run(report)
    else:
        summary = run(None)
    render_summary(summary, console)
