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
