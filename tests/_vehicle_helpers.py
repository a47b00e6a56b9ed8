"""Shared by the vehicle-series tests: the catalogue build tool, loaded as a module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


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
