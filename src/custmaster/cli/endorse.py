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


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@store_options
@table_options(
    mapping_help='Header mapping {"header": "field" or null} for the new values\' columns.',
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
    sheet: str | None,
    mapping: Path | None,
    rejects: Path | None,
    operator: str | None,
) -> None:
    """Apply the endorsements (批改) in FILE: change of address, vehicle, insured, cancellation.

    Columns: 保单号 policy number, 批单号 endorsement number, 批改类型 kind (地址变更, 换车,
    过户, 投保人变更, 联系方式变更, 退保 …), 批改生效日期 effective date, and the new values
    under their usual headers (客户地址, 车牌号, 车架号, 厂牌型号, 被保险人, 身份证号, 移动电话 …).
    Each endorsement counts from its effective date, whatever order the rows arrive in; a
    cancellation sets the policy's status; re-applying a file changes nothing.

    Exits 0 when the file was read (rejected rows are in the rejects file), 65 when it cannot
    be read or lacks the policy number or effective date column.

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
            sheet=sheet,
            mapping=read_mapping(mapping),
            rejects=rejects_path,
            operator=operator,
        )
    kinds = ", ".join(f"{k} {n}" for k, n in summary.kinds) or "none"
    say(
        out,
        f"{file.name}: {summary.rows} rows; applied 已批改 {summary.applied} ({kinds}), "
        f"duplicates 重复 {summary.duplicates}, rejected 拒绝 {summary.rejected}.",
    )
    if summary.out_of_order:
        say(
            out,
            f"Out of order 乱序 {summary.out_of_order}: applied at their effective dates, before "
            "later endorsements already in the store.",
        )
    if summary.kept_apart:
        say(out, f"Insured changes 过户: {summary.kept_apart} candidate pairs decided keep-apart.")
    if summary.codes:
        say(out, "Error codes 错误代码: " + ", ".join(f"{c} {n}" for c, n in summary.codes))
    say(out, f"Rejects 拒绝: {summary.rejects} lines written to {summary.rejects_path}.")
