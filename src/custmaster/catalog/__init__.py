"""Reference catalogues of the insurance domain, and classifiers built on them.

`custmaster.catalog.vehicle_series` classifies 厂牌型号 (make/model) strings into producer and
series. Like `custmaster.validate`, this layer does no I/O beyond reading its packaged data and
files the caller names.
"""

from __future__ import annotations

from custmaster.catalog.vehicle_series import (
    Classifier,
    SeriesEntry,
    VehicleCatalog,
    VehicleClass,
    classify,
    default_classifier,
)

__all__ = [
    "Classifier",
    "SeriesEntry",
    "VehicleCatalog",
    "VehicleClass",
    "classify",
    "default_classifier",
]
