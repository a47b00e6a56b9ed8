"""``custmaster quality``: completeness, accuracy and freshness of a store's customers.

A thin skin over `custmaster.workflows.quality.quality_report`.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from custmaster.cli._common import console, open_service, progress_bar, say, store_options
from custmaster.errors import UsageError
from custmaster.workflows.quality import DIMENSIONS, ISSUES, QualityRules, quality_report

__all__ = ["quality"]

#: Stores with at least this many customers get a progress bar (on a terminal).
PROGRESS_FROM = 1000

_DIMENSION_LABELS = {
    "completeness": "completeness 完整性",
    "accuracy": "accuracy 准确性",
    "freshness": "freshness 时效性",
}


def _weights(values: tuple[str, ...]) -> dict[str, int]:
    weights: dict[str, int] = {}
    for value in values:
        code, sep, points = value.partition("=")
        if not sep or not points.strip().isdigit():
            raise UsageError(
                f"--weight takes CODE=POINTS (e.g. missing_address=5), not {value[:40]!r}.",
                code="usage",
                message_zh="--weight 的格式为 代码=分值，例如 missing_address=5。",
            )
        weights[code.strip()] = int(points)
    return weights


@click.command()
@store_options
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="PATH",
    help="Write one row per customer to this CSV file: customer id, scores, counts and issue "
    "codes, no personal values. An export: needs the export permission; audited.",
)
@click.option(
    "--stale-days",
    type=click.IntRange(1, 36500),
    default=365,
    show_default=True,
    metavar="DAYS",
    help="A contact point neither observed nor confirmed reached for longer is stale.",
)
@click.option(
    "--conflict-days",
    type=click.IntRange(1, 36500),
    default=730,
    show_default=True,
    metavar="DAYS",
    help="Window in which the values of different channels are compared.",
)
@click.option(
    "--as-of", metavar="DATE", help="Count ages back from this day (YYYY-MM-DD); default: now."
)
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="CODE=POINTS",
    help="Points an issue costs (0-100), e.g. missing_address=5; repeat for several.",
)
@click.option(
    "--no-shared-numbers",
    is_flag=True,
    help="Do not look up every mobile among the other customers (faster on large stores).",
)
def quality(
    *,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    output: Path | None,
    stale_days: int,
    conflict_days: int,
    as_of: str | None,
    weights: tuple[str, ...],
    no_shared_numbers: bool,
) -> None:
    """Report the data quality of every customer: completeness 完整性 (name, ID or USCC,
    a callable mobile, an address), accuracy 准确性 (values failing strict checks, numbers
    reported wrong, channels disagreeing, numbers shared between customers, open candidate
    pairs) and freshness 时效性 (contact points not seen or reached for --stale-days).

    Each customer scores 100 minus the points of its issues (see the data-quality how-to
    for the rules). Prints the portfolio summary; --output writes one row per customer to
    CSV as the customers are read, with ids, scores and issue codes only.

    Example:

        custmaster quality --store sqlite:///custmaster.db --output quality.csv --stale-days 365
    """
    out = console()
    rules = QualityRules(
        stale_days=stale_days,
        conflict_days=conflict_days,
        weights=_weights(weights),
        shared_numbers=not no_shared_numbers,
    )
    with open_service(store_url, user, roles) as service:
        large = (service.counts().get("customers") or 0) >= PROGRESS_FROM
        if large:
            with progress_bar(out, "Assessing customers 评估客户") as progress:
                report = quality_report(
                    service,
                    as_of=as_of,
                    rules=rules,
                    output=output,
                    keep_rows=False,
                    progress=progress,
                )
        else:
            report = quality_report(
                service, as_of=as_of, rules=rules, output=output, keep_rows=False
            )
    summary = report.summary
    lines = [
        f"Data quality 数据质量 — store {store_url}, as of {summary.as_of.date().isoformat()}",
        f"  stale after {rules.stale_days} days; sources compared over {rules.conflict_days} days",
        f"  {'customers 客户':<26} {summary.customers:>10,}  "
        f"({summary.persons:,} persons, {summary.organisations:,} organisations)",
        f"  {'score 得分 (mean)':<26} {summary.mean_score:>10.1f}  "
        f"(median {summary.median_score:g})",
    ]
    lines += [f"  {_DIMENSION_LABELS[d]:<26} {summary.mean(d):>10.1f}" for d in DIMENSIONS]
    lines += [
        f"  {'without any issue 无问题':<26} {summary.without_issues:>10,}",
        f"  {'contact points 联系方式':<26} {summary.contacts:>10,}  "
        f"({summary.stale_contacts:,} stale, {summary.wrong_numbers:,} reported wrong)",
    ]
    for line in lines:
        say(out, line)
    if summary.issues:
        table = Table(title="Issues 问题 (customers)", title_justify="left")
        table.add_column("issue")
        table.add_column("dimension")
        table.add_column("customers", justify="right")
        table.add_column("share", justify="right")
        table.add_column("points", justify="right")
        for code, count in sorted(summary.issues.items(), key=lambda kv: (-kv[1], kv[0])):
            share = f"{summary.share(code):.1%}"
            table.add_row(code, ISSUES[code][0], f"{count:,}", share, str(rules.weight(code)))
        out.print(table)
    bands = "  ".join(f"{low}-{high}: {n:,}" for low, high, n in summary.bands() if n)
    say(out, f"Scores 得分分布: {bands or 'no customers'}")
    if report.output is not None:
        say(out, f"Wrote {summary.customers:,} rows to {report.output}")
