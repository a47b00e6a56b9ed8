"""``custmaster import``: import a file of one channel into a store.

A thin skin over `custmaster.workflows.channels.import_channel_file`.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console

from custmaster.cli._common import (
    ChannelType,
    console,
    open_service,
    progress_bar,
    say,
    store_options,
    table_options,
)
from custmaster.errors import UsageError
from custmaster.workflows.channels import PROFILES, import_channel_file
from custmaster.workflows.core_import import ImportSummary
from custmaster.workflows.reading import SheetSummary
from custmaster.workflows.validation import default_rejects_path

__all__ = [
    "how_read",
    "import_",
    "read_mapping",
    "render_import",
    "render_sheets",
    "sheet_lines",
    "skipped_lines",
]

#: How many row numbers of skipped lines the summary prints (the count is always printed).
_ROWS_SHOWN = 20

#: What the summary says of each reason a sheet was not read (`SKIP_REASONS`).
_SKIPPED = {
    "empty": "empty 空表",
    "few_columns": "no data header 非数据表: cover, notes or pivot",
    "chart": "chart 图表",
    "not_judged": "not judged 未判断",
}


def _row_numbers(numbers: tuple[int, ...]) -> str:
    shown = ", ".join(str(number) for number in numbers[:_ROWS_SHOWN])
    more = f" … ({len(numbers)} in all)" if len(numbers) > _ROWS_SHOWN else ""
    return f"row {shown}{more}"


def how_read(kind: str, encoding: str | None, sheets: tuple[SheetSummary, ...]) -> str:
    """How a file was read, as the summaries say it: ``XLSX, sheet '1月', header on row 2``,
    ``XLSX, 12 sheets`` (each on a line of its own: `render_sheets`), ``CSV, gb18030 …``."""
    how = kind.upper()
    if encoding:
        how += f", {encoding}"
    if len(sheets) > 1:
        return f"{how}, {len(sheets)} sheets"
    if sheets:
        how += f", sheet {sheets[0].name!r}"
    return how


def render_sheets(
    out: Console,
    sheets: tuple[SheetSummary, ...],
    skipped: tuple[tuple[str, str], ...],
) -> None:
    """Print the sheets of a workbook read (when several) and those skipped, with why."""
    if len(sheets) > 1:
        say(
            out,
            "Sheets read 已读工作表: "
            + "; ".join(
                f"{sheet.name!r} {sheet.rows} rows (header on row {sheet.header_row}"
                + (", hidden 隐藏)" if sheet.hidden else ")")
                for sheet in sheets
            ),
        )
    if skipped:
        say(
            out,
            "Sheets skipped 跳过工作表: "
            + "; ".join(f"{name!r} ({_SKIPPED.get(why, why)})" for name, why in skipped),
        )


def sheet_lines(numbers: tuple[int, ...], sheets: tuple[SheetSummary, ...], attribute: str) -> str:
    """Row numbers of skipped lines as the summaries print them: ``row 5, 9``, or by sheet,
    ``'1月' row 30; '2月' row 28``, for a workbook of several sheets."""
    if len(sheets) < 2:
        return _row_numbers(numbers)
    return "; ".join(
        f"{sheet.name!r} {_row_numbers(rows)}"
        for sheet in sheets
        if (rows := getattr(sheet, attribute))
    )


def skipped_lines(
    summary_rows: tuple[int, ...], skipped_rows: tuple[int, ...], sheets: tuple[SheetSummary, ...]
) -> list[str]:
    """What the summaries print of the lines a file's reading skipped: summary rows (合计),
    then the others (the header repeated, titles, footers), by sheet in a workbook."""
    lines = []
    if summary_rows:
        lines.append(
            "Summary rows skipped 跳过合计行: " + sheet_lines(summary_rows, sheets, "summary_rows")
        )
    if skipped_rows:
        lines.append(
            "Other lines skipped 跳过非数据行 (header repeated, title, footer): "
            + sheet_lines(skipped_rows, sheets, "skipped_rows")
        )
    return lines


def render_import(summary: ImportSummary, out: Console) -> None:
    """Print what an import did (counts, where the rejects went; no personal data)."""
    how = how_read(summary.kind, summary.encoding, summary.sheets)
    if len(summary.sheets) < 2:
        how += f", header on row {summary.header_row}"
    say(
        out,
        f"{summary.path.name} → {summary.channel}: {summary.rows} rows read ({how}) in "
        f"{summary.seconds:.1f} s ({summary.rows_per_second:,.0f} rows/s).",
    )
    render_sheets(out, summary.sheets, summary.skipped_sheets)
    say(
        out,
        f"Imported 已导入 {summary.imported}: new customers 新客户 {summary.new}, merged 合并 "
        f"{summary.merged}, conflicting 待审核 {summary.conflicting} (candidate pairs: "
        "custmaster candidates).",
    )
    partial = f", imported without bad cells {summary.partial}" if summary.partial else ""
    say(
        out,
        f"Duplicates 重复 {summary.duplicates} (already imported), rejected 拒绝 "
        f"{summary.rejected}{partial}.",
    )
    if summary.earlier_readings:
        say(
            out,
            f"Already imported under an earlier reading 按先前解读已导入 "
            f"{summary.earlier_readings} (counted as duplicates; kept as stored).",
        )
    if summary.third_party:
        reasons = ", ".join(f"{reason} {n}" for reason, n in summary.third_party_reasons)
        say(
            out,
            f"Third parties 第三方 {summary.third_party} ({reasons}): their phone kept as an "
            "extra value, not a contact point.",
        )
    for line in skipped_lines(summary.summary_rows, summary.skipped_rows, summary.sheets):
        say(out, line)
    if summary.empty_rows:
        shown = ", ".join(map(str, summary.empty_rows[:10]))
        more = " …" if len(summary.empty_rows) > 10 else ""
        say(
            out,
            "Empty lines skipped 跳过空行 (a 序号 or placeholders only): "
            f"{len(summary.empty_rows)} "
            f"({'row' if len(summary.empty_rows) == 1 else 'rows'} {shown}{more}).",
        )
    if summary.codes:
        say(out, "Error codes 错误代码: " + ", ".join(f"{c} {n}" for c, n in summary.codes))
    if summary.warnings:
        say(
            out,
            "Warnings 警告: "
            + ", ".join(f"{c} {n}" for c, n in summary.warnings)
            + " (rows imported as read; listed in the rejects file).",
        )
    if summary.rejects_path is not None:
        sheet = ", sheet" if summary.sheets else ""
        say(
            out,
            f"Rejects 拒绝: {summary.rejects} lines written to {summary.rejects_path} "
            f"(row, column, code, message, masked value{sheet}).",
        )
    if summary.flags_copied:
        say(out, f"Wrong-number flags copied 错号标记: {summary.flags_copied}.")
    if summary.numbers_noted:
        say(
            out,
            f"Numbers noted bad in their cells 备注错号/空号: {summary.numbers_noted} contact "
            "events recorded (custmaster show CUSTOMER_ID).",
        )
    if summary.meta:
        say(out, "Source columns 来源列: " + ", ".join(f"{h} → {f}" for h, f in summary.meta))
    if summary.parties:
        say(out, "Other parties 关系人: " + ", ".join(f"{h} → {f}" for h, f in summary.parties))
    if summary.unmapped:
        say(out, "Kept as extra values 附加字段: " + ", ".join(summary.unmapped))


def read_mapping(path: Path | None) -> dict[str, object] | None:
    """The header mapping of a JSON file (None for no file); targets may be source columns."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(
            f"Cannot read the header mapping {str(path)!r}: {error}.",
            code="mapping.file",
            message_zh="无法读取表头映射文件。",
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in data.items()
    ):
        raise UsageError(
            f"The header mapping {str(path)!r} must be a JSON object of header: field name.",
            code="mapping.file",
            message_zh="表头映射文件应为 JSON 对象（表头: 字段名）。",
        )
    return dict(data)


@click.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option(
    "--channel",
    type=ChannelType(PROFILES),
    default="core_system",
    metavar="CHANNEL",
    show_default=True,
    help="Where the file comes from, by code or name: core_system 核心系统, claim_report 报案, "
    "telesales 电销, face_to_face 面签, renewal_list 续保到期, underwriting 承保.",
)
@store_options
@table_options(
    several_sheets=True,
    mapping_help='Header mapping {"header": "field" or null}; fields are record fields (policy_no, '
    "mobile …) or source columns (source_ref, observed_at, operator, phone, document_type …).",
    rejects_help="Where to write rejected rows and cells (a workbook's name each row's sheet). "
    "Default: FILE's stem + .rejects.csv.",
)
@click.option(
    "--observed-at",
    metavar="DATE",
    help="When the source observed rows that have no time column (e.g. the extract date). "
    "Default: the file's modification time.",
)
@click.option("--operator", metavar="NAME", help="Operator of rows without an operator column.")
@click.option(
    "--skip-bad-cells",
    is_flag=True,
    help="Import a row without its invalid cells instead of rejecting the whole row.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary as one JSON object (counts, row numbers, headers; no cell values).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    metavar="N",
    help="Rows per transaction.",
)
def import_(
    *,
    file: Path,
    channel: str,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    encoding: str | None,
    sheets: tuple[str, ...],
    mapping: Path | None,
    rejects: Path | None,
    observed_at: str | None,
    operator: str | None,
    skip_bad_cells: bool,
    as_json: bool,
    batch_size: int,
) -> None:
    """Import FILE (CSV, XLSX or Excel 97 .xls) into the store, tagged with its channel.

    Headers in Chinese are recognised (保单号 policy number, 被保险人 insured, 身份证号 resident
    ID, 车牌号 plate, 起保日期/终保日期 cover start/end, 初登日期 first registration, 厂牌型号
    make/model, 车架号 VIN, 发动机号 engine number, 客户地址 address, 办公电话/家庭电话/移动电话
    office/home/mobile phone …), and the source columns of each channel (报案号, 报案时间,
    通话编号, 坐席, 签单日期, 批改序号, 保单状态, 新续保标志 …). Each row becomes one record;
    re-running the same file adds nothing twice. A bad row never stops the import: it goes to
    the rejects file. Prints what happened: imported (new, merged, conflicting), duplicates,
    rejected, rows whose reporter is a third party (phone kept apart), lines skipped (合计,
    the header repeated, titles, footers); --json prints it as JSON. Every data sheet of a
    workbook is read (one per month, branch …); the sheets skipped are listed.

    Exits 0 when the file was read (see the rejects file for rejected rows), 65 when it cannot
    be read as a table, 64 on a usage error, 74 when the store fails, 77 without permission.

    Example:

        custmaster import 报案.csv --channel claim_report
    """
    out = console()
    rejects_path = rejects if rejects is not None else default_rejects_path(file)
    with (
        open_service(store_url, user, roles) as service,
        progress_bar(out, f"Importing {file.name}") as progress,
    ):
        summary = import_channel_file(
            service,
            file,
            channel,
            encoding=encoding,
            sheet=sheets or None,
            mapping=read_mapping(mapping),
            rejects=rejects_path,
            observed_at=observed_at,
            operator=operator,
            skip_bad_cells=skip_bad_cells,
            batch_size=batch_size,
            progress=progress,
        )
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    render_import(summary, out)
    say(out, f"Store 存储: {store_url}")
