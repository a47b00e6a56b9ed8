"""``custmaster endorse``: apply a file of endorsements (批改).

A thin skin over `custmaster.workflows.endorsements.import_endorsements`.
"""

from __future__ import annotations

from pathlib import Path

import click

from custmaster.cli._common import console, open_service, say, store_options, table_options
from custmaster.cli.import_ import read_mapping
from custmaster.workflows.endorsements import import_endorsements
from custmaster.workflows.validation import default_rejects_path

__all__ = ["endorse"]

#: How the output names each file shape.
_SHAPES = {
    "wide": "wide 宽表: one row per endorsement",
    "long": "long 长表: one row per changed item (批改项目, 批改前, 批改后)",
    "wording": "wording 批文: changes read from the endorsement text",
}


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@store_options
@table_options(
    several_sheets=True,
    mapping_help='Header mapping {"header": "field" or null} for the new values\' columns, '
    "and for the changed items (批改项目) of a long file or a text.",
    rejects_help="Where to write rejected rows. Default: FILE's stem + .rejects.csv.",
)
@click.option("--operator", metavar="NAME", help="Operator of rows without an operator column.")
def endorse(
    *,
    file: Path,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    encoding: str | None,
    sheets: tuple[str, ...],
    mapping: Path | None,
    rejects: Path | None,
    operator: str | None,
) -> None:
    """Apply the endorsements (批改) in FILE: change of address, vehicle, insured, cancellation.

    Three shapes, told apart by their columns (the output says which):

    \b
    - wide 宽表: 保单号, 批单号, 批改类型 (地址变更, 换车, 过户, 投保人变更, 退保 …), 批改生效日期
      and the new values under their usual headers (客户地址, 车牌号, 车架号, 被保险人, 身份证号,
      移动电话 …);
    - long 长表: one row per changed item: 保单号, 批单号, 批改项目 (车牌号码, 被保险人名称,
      联系电话 …), 批改前, 批改后, 批改生效日期; the rows of one 批单号 are one endorsement;
    - wording 批文: 保单号, 批单号 and the text (批文, 批改内容: 车牌号由闽D12345变更为闽D54321,
      自2026年9月1日零时起退保 …), its effective date read from 自…起 when there is no date column.

    A workbook's every sheet of endorsements is read (a month a sheet), each by its own header
    and shape, unless --sheet names them. Each endorsement counts from its effective date,
    whatever order the rows arrive in; a cancellation sets the policy's status; re-applying a
    file changes nothing. An endorsement with a bad row or an unreadable text is rejected
    whole; a 批改前 value unlike the store's is a warning in the rejects file.

    Exits 0 when the file was read (rejected rows are in the rejects file), 65 when it cannot
    be read or lacks the policy number column, or both the effective date and text columns.

    Example:

        custmaster endorse 批改清单.csv
    """
    out = console()
    rejects_path = rejects if rejects is not None else default_rejects_path(file)
    with open_service(store_url, user, roles) as service:
        summary = import_endorsements(
            service,
            file,
            encoding=encoding,
            sheet=list(sheets) or None,
            mapping=read_mapping(mapping),
            rejects=rejects_path,
            operator=operator,
        )
    kinds = ", ".join(f"{k} {n}" for k, n in summary.kinds) or "none"
    shapes = "; ".join(_SHAPES.get(shape, shape) for shape in summary.shape.split("+"))
    say(out, f"{file.name}: {shapes}.")
    if summary.sheets:
        read = ", ".join(repr(name) for name in summary.sheets)
        say(out, f"Sheets read 已读工作表: {read}.")
    say(
        out,
        f"{summary.rows} rows, {summary.endorsements} endorsements; applied 已批改 "
        f"{summary.applied} ({kinds}), duplicates 重复 {summary.duplicates}, rejected 拒绝 "
        f"{summary.rejected}.",
    )
    if summary.from_wording:
        say(out, f"Read from the text 批文: {summary.from_wording} endorsements.")
    if summary.parts:
        say(
            out,
            f"Completed 补全 {summary.parts}: rows of endorsements already in the store, added "
            "as further parts.",
        )
    if summary.out_of_order:
        say(
            out,
            f"Out of order 乱序 {summary.out_of_order}: applied at their effective dates, before "
            "later endorsements already in the store.",
        )
    if summary.kept_apart:
        say(out, f"Insured changes 过户: {summary.kept_apart} candidate pairs decided keep-apart.")
    if summary.warnings:
        say(
            out,
            f"Warnings 警告 {summary.warnings}: 批改前 values unlike the store's (applied; see the "
            "rejects file).",
        )
    if summary.codes:
        say(out, "Error codes 错误代码: " + ", ".join(f"{c} {n}" for c, n in summary.codes))
    say(out, f"Rejects 拒绝: {summary.rejects} lines written to {summary.rejects_path}.")
