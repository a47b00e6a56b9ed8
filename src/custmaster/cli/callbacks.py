"""``custmaster callbacks``: record a file of call-back results (回访); flag wrong numbers.

A thin skin over `custmaster.workflows.callbacks.import_callbacks`.
"""

from __future__ import annotations

from pathlib import Path

import click

from custmaster.cli._common import console, open_service, say, store_options, table_options
from custmaster.cli.import_ import read_mapping
from custmaster.workflows.callbacks import import_callbacks
from custmaster.workflows.validation import default_rejects_path

__all__ = ["callbacks"]


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@store_options
@table_options(
    several_sheets=True,
    mapping_help='Header mapping {"header": "number" | "outcome" | "at" | "operator" | "note" | '
    '"policy_no" | "id" | "method"}.',
    rejects_help="Where to write rejected rows. Default: FILE's stem + .rejects.csv.",
)
@click.option("--operator", metavar="NAME", help="Operator of rows without an operator column.")
@click.option(
    "--outcome",
    "outcome_map",
    metavar="TEXT=OUTCOME",
    multiple=True,
    help="What an outcome text of the file means, e.g. 已回访=reached (repeatable). OUTCOME: "
    "reached, wrong_number, invalid, no_answer, busy, refused, switched_off, suspended, "
    "do_not_call, consented.",
)
@click.option(
    "--default-outcome",
    metavar="OUTCOME",
    help="Outcome of rows without one (no outcome column, or an empty cell): for a list of "
    "numbers of one meaning, e.g. a do-not-call list (勿扰名单): --default-outcome do_not_call.",
)
@click.option(
    "--default-at",
    metavar="TIME",
    help="Time of rows without one (no time column, or an empty cell), e.g. the list's date.",
)
def callbacks(
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
    outcome_map: tuple[str, ...],
    default_outcome: str | None,
    default_at: str | None,
) -> None:
    """Record the call-back results (回访) in FILE.

    Columns: 电话号码 number, 回访结果 outcome (接通 reached, 错号 wrong number, 空号 invalid,
    无人接听 no answer, 拒接 refused, 关机, 停机 …; also a status with its detail or a remark,
    such as 已接通-本人, 回访失败-空号, 接通，客户拒绝), 回访时间 time, 回访人 operator, 备注 note,
    optionally 保单号 and 回访编号. An outcome text that says nothing about who answered
    (已回访) or contradicts itself (接通-空号) is rejected unless --outcome maps it.
    Each result is recorded for every customer who has the number. A number found wrong is
    kept but flagged: it leaves every callable list and every export, for all those
    customers, until a later call-back reaches someone on it. A do-not-call request (勿扰,
    拒绝营销, 要求不再来电) takes the number out of the same lists until its holder consents
    again (同意来电). Flagging needs the modify permission when a user is given.

    A list of numbers that all mean one thing — a do-not-call list (勿扰名单, 黑名单) with a
    勿扰号码 or 电话号码 column — is read with --default-outcome (and --default-at for its
    date when it has no time column).

    Exits 0 when the file was read (rejected rows are in the rejects file).

    Example:

        custmaster callbacks 回访结果.csv
        custmaster callbacks 勿扰名单.csv --default-outcome do_not_call --default-at 2026-12-01
    """
    out = console()
    outcomes: dict[str, str] = {}
    for item in outcome_map:
        text, sep, outcome = item.rpartition("=")
        if not sep or not text.strip() or not outcome.strip():
            raise click.BadParameter(
                f"{item!r}: use TEXT=OUTCOME, e.g. 已回访=reached.", param_hint="--outcome"
            )
        outcomes[text.strip()] = outcome.strip()
    rejects_path = rejects if rejects is not None else default_rejects_path(file)
    with open_service(store_url, user, roles) as service:
        summary = import_callbacks(
            service,
            file,
            encoding=encoding,
            sheet=list(sheets) or None,
            mapping=read_mapping(mapping),
            rejects=rejects_path,
            operator=operator,
            outcomes=outcomes,
            outcome=default_outcome,
            at=default_at,
        )
    say(
        out,
        f"{file.name}: {summary.rows} rows; events recorded 已记录 {summary.events} for "
        f"{summary.customers} customers; numbers no customer has 未匹配 {summary.unmatched}; "
        f"rejected 拒绝 {summary.rejected}.",
    )
    say(
        out,
        f"Numbers of this file flagged wrong 错号 {summary.flagged}; wrong before and reached "
        f"now 已恢复 {summary.cleared}; do not call 勿扰 {summary.do_not_call}.",
    )
    if summary.codes:
        say(out, "Error codes 错误代码: " + ", ".join(f"{c} {n}" for c, n in summary.codes))
    say(out, f"Rejects 拒绝: {summary.rejects} lines written to {summary.rejects_path}.")
