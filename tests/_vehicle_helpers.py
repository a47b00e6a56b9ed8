"""Shared by the vehicle-series tests: the catalogue build tool, loaded as a module, and the
checks every hold-out set of 厂牌型号 strings goes through."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from custmaster.catalog.vehicle_series import VehicleCatalog, VehicleClass

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def corpus_rows(name: str) -> list[dict[str, str]]:
    """The rows of the test corpus ``tests/data/<name>``."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def assert_held_out_set_is_new(name: str, rows: Sequence[dict[str, str]], size: int) -> None:
    """A hold-out set has ``size`` strings or more, each once, none of another corpus, and
    expects only producers and series of the shipped catalogue."""
    assert len(rows) >= size
    inputs = [row["input"] for row in rows]
    assert len(set(inputs)) == len(inputs)
    others = {
        (row.get("input") or row.get("observed_string") or "").strip()
        for path in DATA.glob("*.csv")
        if path.name != name
        for row in corpus_rows(path.name)
    }
    assert not {text.strip() for text in inputs} & others
    assert_expectations_are_catalogue_rows(rows)


def catalog_builder() -> ModuleType:
    """``tools/build_vehicle_catalog.py`` as a module (it is a script, not a package)."""
    name = "build_vehicle_catalog"
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "build_vehicle_catalog.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


#: The header rows of the build tool's inputs.
SOURCE_HEADER = "brand_cn,manufacturer_cn,series_cn,series_aliases,model_code_prefixes,wmi,source\n"
CURATED_HEADER = "manufacturer_cn,series_cn,series_aliases,why\n"


def catalog_inputs(folder: Path, source_rows: str, curated_rows: str = "") -> tuple[Path, Path]:
    """A source file and a curated-alias file for the build tool, in ``folder``."""
    source = folder / "source.csv"
    source.write_text(SOURCE_HEADER + source_rows, encoding="utf-8")
    curated = folder / "curated.csv"
    curated.write_text(CURATED_HEADER + curated_rows, encoding="utf-8")
    return source, curated


def assert_expectations_are_catalogue_rows(rows: Sequence[dict[str, str]]) -> None:
    """Each row's expected producer (and series) is one the shipped catalogue has."""
    keys = {(e.manufacturer, e.series) for e in VehicleCatalog.load()}
    for row in rows:
        if row["expected_series_cn"]:
            assert (row["expected_manufacturer_cn"], row["expected_series_cn"]) in keys, row
        elif row["expected_manufacturer_cn"]:
            assert any(m == row["expected_manufacturer_cn"] for m, _ in keys), row


def assert_acceptance_thresholds(
    rows: Sequence[dict[str, str]], classify: Callable[[dict[str, str]], VehicleClass]
) -> None:
    """The issue's acceptance on a hold-out set: at least 95 % of producers and 90 % of the
    series named right, and no series invented where the string names none."""
    misses = []
    right_mfr = right_series = named = 0
    for row in rows:
        result = classify(row)
        right_mfr += result.manufacturer == (row["expected_manufacturer_cn"] or None)
        if row["expected_series_cn"]:
            named += 1
            right_series += result.series == row["expected_series_cn"]
        expected = (row["expected_manufacturer_cn"] or None, row["expected_series_cn"] or None)
        if (result.manufacturer, result.series) != expected:
            misses.append((row["input"], result.manufacturer, result.series))
    assert right_mfr / len(rows) >= 0.95, misses
    assert right_series / named >= 0.90, misses
    unnamed = {row["input"] for row in rows if not row["expected_series_cn"]}
    assert not [m for m in misses if m[2] is not None and m[0] in unnamed], misses


def assert_part_is_right(
    rows: Sequence[dict[str, str]],
    classify_row: Callable[[dict[str, str]], VehicleClass],
    misses: Sequence[tuple[str, str | None, str | None]],
) -> None:
    """One part of a hold-out set: exactly ``misses`` (input, producer, series) differ from
    the expectation, 99 % of producers and 98 % of named series are right, and nothing is
    confidently wrong (a producer or series given is the expected one)."""
    results = [(row, classify_row(row)) for row in rows]
    found = [
        (row["input"], r.manufacturer, r.series)
        for row, r in results
        if (r.manufacturer, r.series)
        != (row["expected_manufacturer_cn"] or None, row["expected_series_cn"] or None)
    ]
    assert found == list(misses)
    right = sum(r.manufacturer == (row["expected_manufacturer_cn"] or None) for row, r in results)
    named = [(row, r) for row, r in results if row["expected_series_cn"]]
    assert right / len(rows) >= 0.99
    assert sum(r.series == row["expected_series_cn"] for row, r in named) / len(named) >= 0.98
    wrong = [
        (row["input"], r.manufacturer, r.series)
        for row, r in results
        if (r.manufacturer is not None and r.manufacturer != row["expected_manufacturer_cn"])
        or (r.series is not None and r.series != row["expected_series_cn"])
    ]
    assert wrong == []
