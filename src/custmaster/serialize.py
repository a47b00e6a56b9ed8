"""Serialisation of the domain model to JSON-compatible dicts and back.

One cattrs converter (``cattrs.preconf.json``) with custmaster's hooks turns every class of
`custmaster.model` into plain dicts, lists, strings, numbers, booleans and ``None``:

* dates and times in ISO 8601 (``"2026-01-05"``, ``"2026-01-05T10:00:00+08:00"``);
* enums as their stable string values (``"mobile"``, ``"in_force"``);
* `Channel` and `PolicyLine` as their codes (``"telesales"``, ``"compulsory"``);
* tuples as lists, immutable mappings as dicts;
* the top level carries ``"schema": SCHEMA_VERSION``.

Reading is strict: unknown keys, a missing or different schema version, a wrong type (a
number where text belongs, ``"yes"`` for a boolean, an enum alias such as ``"男"`` where the
stable value ``"male"`` belongs) and any value the model refuses raise `StructureError`
(a `custmaster.ValidationError`, code ``serialize.structure``) listing each problem's path and
error code, never the raw values.

>>> from custmaster.model import ContactPoint
>>> point = ContactPoint(kind="mobile", value="13800138000",
...                      first_seen="2026-01-05T10:00:00+08:00", channels={"telesales": 2})
>>> data = to_dict(point)
>>> data["schema"], data["kind"], data["value"], data["first_seen"], data["channels"]
(1, 'mobile', '+8613800138000', '2026-01-05T10:00:00+08:00', {'telesales': 2})
>>> from_dict(ContactPoint, data) == point
True
>>> from_dict(ContactPoint, {**data, "value": "1380013800"})
Traceback (most recent call last):
    ...
custmaster.serialize.StructureError: [serialize.structure] value: Cannot build ContactPoint: ...
>>> from_json(ContactPoint, to_json(point)) == point
True
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.preconf.json import make_converter

from custmaster.errors import InvalidFormat, ValidationError
from custmaster.model import Channel, HistoryEntry, PolicyLine, Provenance
from custmaster.validate._mask import mask_unknown

__all__ = [
    "ERROR_CODES",
    "SCHEMA_VERSION",
    "StructureError",
    "converter",
    "from_dict",
    "from_json",
    "to_dict",
    "to_json",
]

#: Every error code this module raises, and the codes of `StructureError.problems`.
ERROR_CODES: dict[str, str] = {
    "serialize.structure": "Data could not be turned into a model object (see its problems).",
    "serialize.not_a_model": "to_dict was given something that is not a model object.",
    "serialize.schema_missing": "The data has no schema version.",
    "serialize.schema_version": "The data has a schema version this custmaster does not read.",
    "serialize.unknown_key": "The data has a key the class does not have.",
    "serialize.missing": "A required key is missing.",
    "serialize.type": "A value has the wrong JSON type or is not a valid value of its type.",
    "serialize.json": "The text is not JSON.",
    "serialize.error": "Another error occurred while reading the data.",
}

T = TypeVar("T")

#: The version of the serialised form; written as ``"schema"`` at the top level of `to_dict`.
SCHEMA_VERSION = 1

_SCHEMA_KEY = "schema"
_SAFE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
_MAX_PROBLEMS = 10


class StructureError(InvalidFormat):
    """Data could not be turned into a model object.

    ``problems`` lists each problem as ``(path, code)``: the JSONPath-like location
    (``$.contact_points[0].value``) and the error code (``phone.length``,
    ``serialize.missing``, ``serialize.unknown_key``, ``serialize.type`` …). ``field`` is the
    path of the first problem without the leading ``$.``. Neither holds a raw value.
    """

    code = "serialize.structure"
    message_en = "The data does not describe a valid object."
    message_zh = "数据不能构成有效对象。"

    def __init__(
        self,
        message_en: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        masked_value: str | None = None,
        message_zh: str | None = None,
        problems: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(
            message_en, code=code, field=field, masked_value=masked_value, message_zh=message_zh
        )
        self.problems = problems


# --- the converter ----------------------------------------------------------------------------

converter = make_converter(forbid_extra_keys=True)
"""The converter behind `to_dict` and `from_dict`; use it for containers of model objects."""


def _type_name(cl: Any) -> str:
    return getattr(cl, "__name__", None) or str(cl)


class _WrongTypeError(TypeError):
    """A JSON value of the wrong type (the message holds type names only)."""


def _strict(kind: type) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _cl: Any) -> Any:
        if type(value) is not kind:
            raise _WrongTypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return structure


converter.register_structure_hook(str, _strict(str))
converter.register_structure_hook(bool, _strict(bool))
converter.register_structure_hook(int, _strict(int))


def _structure_enum(value: Any, cl: type[enum.Enum]) -> enum.Enum:
    if type(value) is not str:
        raise _WrongTypeError(f"expected str, got {type(value).__name__}")
    try:
        member = cl(value)
    except ValueError:
        raise _WrongTypeError(f"not a {cl.__name__} value") from None
    if member.value != value:  # an alias: only the stable value is accepted here
        raise _WrongTypeError(f"not a {cl.__name__} value")
    return member


converter.register_structure_hook_func(
    lambda cl: isinstance(cl, type) and issubclass(cl, enum.Enum), _structure_enum
)


def _structure_code(kind: Callable[[str], Any]) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _cl: Any) -> Any:
        if type(value) is not str:
            raise _WrongTypeError(f"expected str, got {type(value).__name__}")
        return kind(value)

    return structure


converter.register_unstructure_hook(Channel, lambda channel: channel.code)
converter.register_structure_hook(Channel, _structure_code(Channel.get))
converter.register_unstructure_hook(PolicyLine, lambda line: line.code)
converter.register_structure_hook(PolicyLine, _structure_code(PolicyLine.get))


def _structure_date(value: Any, _cl: Any) -> dt.date:
    if type(value) is not str:
        raise _WrongTypeError(f"expected str, got {type(value).__name__}")
    return dt.date.fromisoformat(value)


def _structure_datetime(value: Any, _cl: Any) -> dt.datetime:
    if type(value) is not str:
        raise _WrongTypeError(f"expected str, got {type(value).__name__}")
    return dt.datetime.fromisoformat(value)


converter.register_structure_hook(dt.date, _structure_date)
converter.register_structure_hook(dt.datetime, _structure_datetime)


def _unstructure_history(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "field": entry.field,
        "value": converter.unstructure(entry.value),
        "provenance": converter.unstructure(entry.provenance, Provenance),
    }


_HISTORY_KEYS = frozenset({"field", "value", "provenance"})


def _structure_history(data: Any, _cl: Any) -> HistoryEntry:
    if not isinstance(data, Mapping):
        raise _WrongTypeError(f"expected a mapping, got {type(data).__name__}")
    extra = set(data) - _HISTORY_KEYS
    if extra:
        raise ForbiddenExtraKeysError("", HistoryEntry, extra)
    missing = _HISTORY_KEYS - set(data)
    if missing:
        raise KeyError(sorted(missing)[0])
    field = converter.structure(data["field"], str)
    return HistoryEntry(
        field=field,
        value=converter.structure(data["value"], HistoryEntry.value_type(field)),
        provenance=converter.structure(data["provenance"], Provenance),
    )


converter.register_unstructure_hook(HistoryEntry, _unstructure_history)
converter.register_structure_hook(HistoryEntry, _structure_history)


# --- errors -----------------------------------------------------------------------------------


def _key(value: object) -> str:
    if type(value) is int:
        return str(value)
    text = str(value)
    return text if _SAFE_KEY.fullmatch(text) else mask_unknown(text)


def _problem(error: BaseException) -> tuple[str, str]:
    """(code, description) of one leaf error; never shows the offending value."""
    if isinstance(error, ValidationError):
        masked = f" ({error.masked_value})" if error.masked_value else ""
        return error.code, f"{error.code}{masked}"
    if isinstance(error, ForbiddenExtraKeysError):
        keys = ", ".join(_key(k) for k in sorted(map(str, error.extra_fields)))
        return "serialize.unknown_key", f"serialize.unknown_key ({keys})"
    if isinstance(error, KeyError):
        return "serialize.missing", "serialize.missing (required)"
    if isinstance(error, _WrongTypeError):
        return "serialize.type", f"serialize.type ({error})"
    if isinstance(error, (TypeError, ValueError, AttributeError)):
        return "serialize.type", f"serialize.type ({type(error).__name__})"
    return "serialize.error", f"serialize.error ({type(error).__name__})"


def _walk(error: BaseException, path: str) -> list[tuple[str, str, str]]:
    """Every leaf of a cattrs error tree as (path, code, description)."""
    found: list[tuple[str, str, str]] = []
    if isinstance(error, IterableValidationError):
        with_notes, without = error.group_exceptions()
        for inner, note in with_notes:
            found += _walk(inner, f"{path}[{_key(note.index)}]")
        for inner in without:
            found += _walk(inner, path)
    elif isinstance(error, ClassValidationError):
        with_notes_c, without_c = error.group_exceptions()
        for inner, class_note in with_notes_c:
            found += _walk(inner, f"{path}.{class_note.name}")
        for inner in without_c:
            found += _walk(inner, path)
    else:
        if (
            isinstance(error, ValidationError)
            and error.field
            and not path.endswith(f".{error.field}")
        ):
            path = f"{path}.{error.field}"
        code, description = _problem(error)
        found.append((path, code, description))
    return found


def _structure_error(cls: type, problems: list[tuple[str, str, str]]) -> StructureError:
    shown = "; ".join(f"{path}: {description}" for path, _code, description in problems)
    if len(problems) > _MAX_PROBLEMS:
        shown = "; ".join(f"{p}: {d}" for p, _c, d in problems[:_MAX_PROBLEMS])
        shown += f"; and {len(problems) - _MAX_PROBLEMS} more"
    first = problems[0][0] if problems else "$"
    return StructureError(
        f"Cannot build {cls.__name__}: {shown}",
        code="serialize.structure",
        field=first[2:] if first.startswith("$.") else None,
        message_zh=f"无法构建 {cls.__name__}：{shown}",
        problems=tuple((path, code) for path, code, _d in problems),
    )


# --- public functions -------------------------------------------------------------------------


def to_dict(obj: object) -> dict[str, Any]:
    """The JSON-compatible dict of a model object, with ``"schema": SCHEMA_VERSION`` first.

    >>> from custmaster.model import Vehicle
    >>> to_dict(Vehicle(plate="闽D12388", first_registered="2022-03-18"))
    {'schema': 1, 'plate': '闽D12388', 'vin': None, 'engine_no': None,
     'first_registered': '2022-03-18', 'make_model': None, 'manufacturer': None, 'series': None}
    """
    data = converter.unstructure(obj)
    if not isinstance(data, dict):
        raise InvalidFormat(
            f"Only model objects are serialised with to_dict, not {type(obj).__name__}.",
            code="serialize.not_a_model",
            masked_value=f"<{type(obj).__name__}>",
            message_zh="to_dict 只能序列化模型对象。",
        )
    return {_SCHEMA_KEY: SCHEMA_VERSION, **data}


def from_dict(cls: type[T], data: object) -> T:
    """Build a ``cls`` from a dict made by `to_dict` (or read from its JSON).

    Raises `StructureError` when the schema version is missing or different, a key is
    unknown or missing, a value has the wrong type, or the model refuses a value.

    >>> from custmaster.model import Vehicle
    >>> from_dict(Vehicle, {"schema": 1, "plate": "闽D12388"})
    Vehicle(plate='闽D·***88', vin=None, ...)
    >>> from_dict(Vehicle, {"schema": 2, "plate": "闽D12388"})
    Traceback (most recent call last):
        ...
    custmaster.serialize.StructureError: [serialize.structure] schema: Cannot build Vehicle: ...
    """
    if not isinstance(data, Mapping):
        raise _structure_error(cls, [("$", "serialize.type", "serialize.type (not a mapping)")])
    if _SCHEMA_KEY not in data:
        raise _structure_error(
            cls, [("$.schema", "serialize.schema_missing", "serialize.schema_missing")]
        )
    version = data[_SCHEMA_KEY]
    if type(version) is not int or version != SCHEMA_VERSION:
        raise _structure_error(
            cls,
            [
                (
                    "$.schema",
                    "serialize.schema_version",
                    f"serialize.schema_version (expected {SCHEMA_VERSION})",
                )
            ],
        )
    body = {key: value for key, value in data.items() if key != _SCHEMA_KEY}
    try:
        return converter.structure(body, cls)
    except (ClassValidationError, IterableValidationError) as error:
        raise _structure_error(cls, _walk(error, "$")) from None
    except (ValidationError, ForbiddenExtraKeysError, KeyError, TypeError, ValueError) as error:
        code, description = _problem(error)
        raise _structure_error(cls, [("$", code, description)]) from None
    except cattrs.StructureHandlerNotFoundError:
        raise _structure_error(
            cls, [("$", "serialize.not_a_model", "serialize.not_a_model")]
        ) from None


def to_json(obj: object, *, indent: int | None = None) -> str:
    """`to_dict` as JSON text (UTF-8 characters kept, not escaped)."""
    return json.dumps(to_dict(obj), ensure_ascii=False, indent=indent)


def from_json(cls: type[T], text: str | bytes) -> T:
    """`from_dict` from JSON text; text that is not JSON raises `StructureError`."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        problem = ("$", "serialize.json", "serialize.json (not JSON)")
        raise _structure_error(cls, [problem]) from None
    return from_dict(cls, data)
