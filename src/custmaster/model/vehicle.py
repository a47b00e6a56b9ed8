"""`Vehicle`: the insured vehicle of a motor policy.

Plate, VIN and engine number are validated and normalised by `custmaster.validate.cn_plate`,
`custmaster.validate.vin` and `custmaster.validate.engine_no`; ``make_model`` (厂牌型号) is
kept as the source wrote it, and ``manufacturer`` and ``series`` are what a classifier made
of it (plain text here).

>>> car = Vehicle(plate="闽D 12388", vin="LSVAU218XN2183294", make_model="大众汽车牌SVW71810KJ",
...               first_registered="2022-03-18")
>>> car.first_registered
datetime.date(2022, 3, 18)
>>> "12388" in repr(car) or "2183294" in repr(car)
False
"""

from __future__ import annotations

import datetime as dt
import functools

import attrs

from custmaster.model import _convert, _mask
from custmaster.validate import cn_plate, engine_no
from custmaster.validate import vin as vin_module

__all__ = ["Vehicle"]


def _plate(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "plate", cn_plate.validate)


#: The check digit is required of vehicles made in China only (see `SourceRecord.vin`).
_registered_vin = functools.partial(vin_module.validate, check_digit=None)


def _vin(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "vin", _registered_vin)


def _engine_no(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "engine_no", engine_no.validate)


def _first_registered(value: object) -> dt.date | None:
    return _convert.optional_date(value, "first_registered")


def _make_model(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "make_model", _convert.text)


def _manufacturer(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "manufacturer", _convert.text)


def _series(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "series", _convert.text)


@attrs.frozen(kw_only=True)
class Vehicle:
    """A vehicle: plate, VIN, engine number, first registration date (初登日期), make/model.

    Every field is optional: a new car has no plate yet, a claim report may give only the
    plate.
    """

    plate: str | None = attrs.field(default=None, converter=_plate, repr=_mask.plate_repr)
    vin: str | None = attrs.field(default=None, converter=_vin, repr=_mask.vin_repr)
    engine_no: str | None = attrs.field(
        default=None, converter=_engine_no, repr=_mask.engine_no_repr
    )
    first_registered: dt.date | None = attrs.field(default=None, converter=_first_registered)
    #: The make and model (厂牌型号) exactly as the source wrote it, spaces folded.
    make_model: str | None = attrs.field(default=None, converter=_make_model)
    #: The manufacturer a classifier derived from ``make_model``.
    manufacturer: str | None = attrs.field(default=None, converter=_manufacturer)
    #: The series (车系) a classifier derived from ``make_model``.
    series: str | None = attrs.field(default=None, converter=_series)
