"""Classifying the vehicles of a store or a file into manufacturer and series (车系).

`classify_store` reads the make/model (厂牌型号) and VIN of every policy's vehicle in a store;
`classify_file` those of a CSV or XLSX file (columns 厂牌型号 and, when present, 车架号/VIN)
and can write each row back with its classification added. Both use the cached classifier
of `custmaster.catalog.vehicle_series` (the shipped catalogue, or yours: pass a
`custmaster.catalog.vehicle_series.Classifier` built on `VehicleCatalog.load(extra=[...])`)
and return a `VehicleReport`: how many vehicles, how many classified to a manufacturer and to
a series, the counts per manufacturer and series, and the unclassified strings grouped by
reason (`custmaster.catalog.vehicle_series.REASONS`) with examples, so the catalogue can be
extended where it matters. Make/model strings identify no one and are shown as they are.

>>> from custmaster.service import Service
>>> from custmaster.model import Provenance, SourceRecord
>>> service = Service.open("memory://")
>>> for i, model in enumerate(["本田牌HG7203ABCVT", "雅阁HG7240ABCVT", "不详"], start=1):
...     _ = service.ingest_one(SourceRecord(
...         provenance=Provenance(channel="core_system", source_ref=f"P{i}#0",
...                               observed_at="2026-01-02"),
...         policy_no=f"P{i}", resident_id="11010519491231002X", make_model=model))
>>> report = classify_store(service)
>>> report.vehicles, report.classified, report.with_series
(3, 2, 1)
>>> report.by_manufacturer, report.unclassified
((('广汽本田', 2),), (('placeholder', 1),))
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from custmaster.catalog.vehicle_series import Classifier, VehicleClass, default_classifier
from custmaster.errors import NotFoundError
from custmaster.merge.engine import field_path
from custmaster.service import Service, as_service
from custmaster.store.base import Store
from custmaster.workflows.headers import map_headers
from custmaster.workflows.reading import TableFormatError, open_table
from custmaster.workflows.validation import cell_text

__all__ = [
    "ERROR_CODES",
    "OUTPUT_COLUMNS",
    "VehicleReport",
    "classify_file",
    "classify_store",
    "report_of",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "vehicle_series.no_make_model": "The file has no make/model (厂牌型号) column.",
}

#: Columns `classify_file` adds to each row of its output.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "manufacturer",
    "series",
    "brand",
    "model_code",
    "confidence",
    "method",
    "reason",
)

_EXAMPLES = 5


@attrs.frozen
class VehicleReport:
    """Counts of a classification run (see the module description)."""

    vehicles: int
    classified: int
    with_series: int
    #: ``(manufacturer, count)``, most frequent first.
    by_manufacturer: tuple[tuple[str, int], ...]
    #: ``(manufacturer, series, count)``, most frequent first.
    by_series: tuple[tuple[str, str, int], ...]
    #: ``(reason, count)`` of the unclassified, most frequent first.
    unclassified: tuple[tuple[str, int], ...]
    #: ``(reason, make/model, count)``: the most frequent unclassified strings per reason.
    examples: tuple[tuple[str, str, int], ...]

    @property
    def coverage(self) -> float:
        """The share of vehicles classified to a manufacturer (0 to 1)."""
        return self.classified / self.vehicles if self.vehicles else 0.0


def _ranked(counts: Mapping[Any, int]) -> list[tuple[Any, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def report_of(results: Iterable[tuple[str | None, VehicleClass]]) -> VehicleReport:
    """A `VehicleReport` of ``(make/model, classification)`` pairs."""
    makers: dict[str, int] = {}
    series: dict[tuple[str, str], int] = {}
    reasons: dict[str, int] = {}
    examples: dict[tuple[str, str], int] = {}
    total = classified = with_series = 0
    for text, found in results:
        total += 1
        if found.manufacturer is not None:
            classified += 1
            makers[found.manufacturer] = makers.get(found.manufacturer, 0) + 1
            if found.series is not None:
                with_series += 1
                key = (found.manufacturer, found.series)
                series[key] = series.get(key, 0) + 1
            continue
        reason = found.reason or "no_match"
        reasons[reason] = reasons.get(reason, 0) + 1
        example = (reason, (text or "").strip())
        examples[example] = examples.get(example, 0) + 1
    picked: list[tuple[str, str, int]] = []
    for reason, _ in _ranked(reasons):
        mine = [(t, n) for (r, t), n in examples.items() if r == reason]
        mine.sort(key=lambda item: (-item[1], item[0]))
        picked.extend((reason, t, n) for t, n in mine[:_EXAMPLES])
    return VehicleReport(
        vehicles=total,
        classified=classified,
        with_series=with_series,
        by_manufacturer=tuple(_ranked(makers)),
        by_series=tuple((m, s, n) for (m, s), n in _ranked(series)),
        unclassified=tuple(_ranked(reasons)),
        examples=tuple(picked),
    )


def _store_vehicles(service: Service) -> Iterator[tuple[str | None, str | None]]:
    seen: set[str] = set()
    for customer in service.iter_customers():
        state = service.state(customer.id)
        for number in customer.policy_numbers():
            if number in seen:
                continue
            seen.add(number)
            if state is not None and number in state.policies:
                text = state.value(field_path("make_model", number))
                vin = state.value(field_path("vin", number))
            else:
                try:
                    vehicle = service.policy(number).vehicle
                except NotFoundError:
                    continue
                text = vehicle.make_model if vehicle is not None else None
                vin = vehicle.vin if vehicle is not None else None
            if text is None and vin is None:
                continue
            yield (text if isinstance(text, str) else None, vin if isinstance(vin, str) else None)


def classify_store(
    target: Service | Store, *, classifier: Classifier | None = None
) -> VehicleReport:
    """Classify the vehicle of every policy in a store (each policy once)."""
    service = as_service(target)
    chosen = classifier or default_classifier()
    return report_of((text, chosen.classify(text, vin)) for text, vin in _store_vehicles(service))


def classify_file(
    path: str | Path,
    *,
    output: str | Path | None = None,
    classifier: Classifier | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[str, object] | None = None,
) -> VehicleReport:
    """Classify the 厂牌型号 of every row of a file (with its 车架号 when there is one).

    With ``output``, every row is written to that CSV (UTF-8 with BOM) with the columns of
    `OUTPUT_COLUMNS` added after its own. Raises
    `custmaster.workflows.reading.TableFormatError` when the file has no make/model column.
    """
    chosen = classifier or default_classifier()
    path = Path(path)

    def score(headers: tuple[str, ...]) -> int:
        return map_headers(headers, mapping).score()

    with contextlib.ExitStack() as stack:
        table = stack.enter_context(
            open_table(
                path,
                encoding=encoding,
                sheet=sheet,
                delimiter=delimiter,
                header_row=header_row,
                header_score=score,
            )
        )
        header_map = map_headers(table.headers, mapping)
        columns = {field: header for header, field in header_map.mapped}
        model_column = columns.get("make_model")
        if model_column is None:
            raise TableFormatError(
                f"{path.name}: no make/model (厂牌型号) column; pass a header mapping.",
                code="vehicle_series.no_make_model",
                message_zh=f"{path.name}：没有厂牌型号列。",
            )
        vin_column = columns.get("vin")
        writer: Any = None
        if output is not None:
            handle = stack.enter_context(
                Path(output).open("w", encoding="utf-8-sig", newline="", buffering=1 << 16)
            )
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([*table.headers, *OUTPUT_COLUMNS])

        def results() -> Iterator[tuple[str | None, VehicleClass]]:
            for _, row in table:
                raw = row.get(model_column)
                text = cell_text(raw) if raw is not None else None
                vin = row.get(vin_column) if vin_column is not None else None
                found = chosen.classify(text, cell_text(vin) if vin is not None else None)
                if writer is not None:
                    writer.writerow(
                        [
                            *(cell_text(row.get(h)) for h in table.headers),
                            found.manufacturer or "",
                            found.series or "",
                            found.brand or "",
                            found.model_code or "",
                            f"{found.confidence:.2f}",
                            found.method or "",
                            found.reason or "",
                        ]
                    )
                yield text, found

        return report_of(results())
