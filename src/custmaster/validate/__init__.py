"""Validators for Chinese identity, contact and vehicle data, one module per format.

Every module follows python-stdnum's convention: ``compact(value)``, ``validate(value)``
(returns the normalised value or raises `custmaster.ValidationError`), ``is_valid(value)``
(never raises), ``format(value)`` and ``mask(value)`` (the display form of PRIVACY.md),
plus ``parse(value)`` returning an attrs object with the value's parts.

Each module also declares ``ERROR_CODES``, mapping every error code it can raise to a
one-line description; the reference docs list them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import Protocol, cast

from custmaster.validate._detect import Detection, detect

__all__ = ["MODULE_NAMES", "Detection", "Validator", "detect", "get_modules"]

#: The validator modules of this package, in documentation order.
MODULE_NAMES: tuple[str, ...] = (
    "cn_resident_id",
    "cn_foreign_permanent_id",
    "cn_uscc",
    "cn_org_code",
    "phone",
    "vin",
    "cn_plate",
    "engine_no",
    "cn_name",
    "cn_postcode",
    "country",
    "email",
    "url",
)


class Validator(Protocol):
    """The module convention every validator follows (a module satisfies it structurally)."""

    ERROR_CODES: Mapping[str, str]

    def compact(self, value: str) -> str: ...

    def validate(self, value: str) -> str: ...

    def is_valid(self, value: object) -> bool: ...

    def format(self, value: str) -> str: ...

    def mask(self, value: str) -> str: ...


def get_modules() -> list[Validator]:
    """Import and return every validator module, so tests and docs can walk them all."""
    modules: list[ModuleType] = [
        importlib.import_module(f"{__name__}.{name}") for name in MODULE_NAMES
    ]
    return cast("list[Validator]", modules)
