"""``custmaster classify-vehicles``: manufacturer and series of every vehicle, and what is left.

A thin skin over `custmaster.workflows.vehicle_series`.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from custmaster.catalog.vehicle_series import REASONS, Classifier, VehicleCatalog
from custmaster.cli._common import console, open_service, say, store_options
from custmaster.errors import UsageError
from custmaster.workflows.vehicle_series import VehicleReport, classify_file, classify_store

__all__ = ["classify_vehicles"]


@click.command(name="classify-vehicles")
@click.argument(
    "file",
    required=False,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
)
@store_options
@click.option(
    "--catalog",
    "catalogs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE.csv",
    help="Your own catalogue rows (brand_cn, manufacturer_cn, series_cn, series_aliases, "
    "model_code_prefixes, wmi) added to the shipped one; repeatable.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="PATH",
    help="With FILE: write each row with manufacturer, series, confidence, method and reason.",
)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, metavar="N",
              help="Manufacturers and series listed.")  # fmt: skip
def classify_vehicles(
    *,
    file: Path | None,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    catalogs: tuple[Path, ...],
    output: Path | None,
    top: int,
) -> None:
    """Classify make/model strings (厂牌型号) into manufacturer 厂商 and series 车系.

    Without FILE, every policy's vehicle in the store; with FILE (CSV or XLSX with a 厂牌型号
    column, and 车架号/VIN when present), each row, optionally written to --output with the
    classification added. Prints coverage, the most frequent manufacturers and series, and
    the unclassified strings grouped by reason with examples (extend the catalogue with
    --catalog for those).

    Example:

        custmaster classify-vehicles vehicles.csv --output classified.csv
    """
    if output is not None and file is None:
        raise UsageError("--output needs FILE.", message_zh="--output 须与 FILE 一起使用。")
    classifier = Classifier(VehicleCatalog.load(extra=list(catalogs))) if catalogs else None
    if file is not None:
        report = classify_file(file, output=output, classifier=classifier)
        where = file.name
    else:
        with open_service(store_url, user, roles) as service:
            report = classify_store(service, classifier=classifier)
        where = store_url
    _render(report, where, top, output)


def _render(report: VehicleReport, where: str, top: int, output: Path | None) -> None:
    out = console()
    say(
        out,
        f"{where}: {report.vehicles} vehicles; manufacturer found 已识别厂商 {report.classified} "
        f"({report.coverage:.1%}), series found 已识别车系 {report.with_series}.",
    )
    if report.by_series:
        table = Table(title="Top series 车系", title_justify="left")
        table.add_column("manufacturer 厂商")
        table.add_column("series 车系")
        table.add_column("vehicles", justify="right")
        for maker, series, count in report.by_series[:top]:
            table.add_row(maker, series, str(count))
        out.print(table)
    if report.unclassified:
        table = Table(title="Unclassified 未识别", title_justify="left")
        table.add_column("reason")
        table.add_column("count", justify="right")
        table.add_column("meaning")
        table.add_column("examples")
        for reason, count in report.unclassified:
            examples = [f"{t} ×{n}" for r, t, n in report.examples if r == reason]
            table.add_row(reason, str(count), REASONS.get(reason, ""), "; ".join(examples))
        out.print(table)
    if output is not None:
        say(out, f"Output 输出: every row with its classification written to {output}.")
