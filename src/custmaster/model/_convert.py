"""Converters shared by the model classes: optional text, dates, times, references, mappings.

Private. Every function either returns the normalised value or raises a
`custmaster.ValidationError` whose ``field`` is set and whose ``masked_value`` is masked.
Each model module wraps them in small named functions per field (the form mypy's attrs plugin
understands as a converter); patterns are compiled once at import.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import (
    Callable,
    Hashable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    ValuesView,
)
from typing import Any, TypeVar

from custmaster.errors import InvalidFormat, ValidationError
from custmaster.validate._mask import mask_unknown

__all__ = [
    "CHINA_TZ",
    "ERROR_CODES",
    "AliasEnum",
    "FrozenMap",
    "address",
    "aware_datetime",
    "nested",
    "optional",
    "optional_date",
    "optional_datetime",
    "optional_enum",
    "ref",
    "reference_text",
    "register_aliases",
    "required",
    "required_date",
    "required_enum",
    "text",
    "type_error",
    "upper_ref",
]

#: Every error code the shared converters raise, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "model.type": "A field was given a value of the wrong Python type.",
    "model.identifier": "An identifier (customer id, event id) is not 1-64 ASCII characters.",
    "model.reference": "A policy or endorsement number is not 1-64 ASCII characters.",
    "model.required": "A required field is empty.",
    "model.date": "A date is not a date or ISO 8601 date text.",
    "model.time": "A time is not ISO 8601 text.",
    "model.choice": "A value is not one of the choices of its enumeration.",
    "model.keys": "A mapping given for a nested object has unknown or missing keys.",
    "address.placeholder": "The address is a placeholder (同上, 不详, 详见附件 …), not an address.",
}

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

#: China Standard Time, the time zone of Chinese policy dates.
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")

_SPACES = re.compile(r"\s+")
_REF = re.compile(r"[A-Z0-9][A-Z0-9_./:#-]{0,63}")


_ALIASES: dict[type[enum.Enum], dict[str, str]] = {}


class AliasEnum(enum.Enum):
    """A string enum whose constructor also accepts its values in any case and registered aliases.

    The canonical value (what serialisation writes) is always the member's own value.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        key = value.strip().lower()
        members = cls._value2member_map_
        member = members.get(key)
        if member is None:
            alias = _ALIASES.get(cls, {}).get(key)
            if alias is not None:
                member = members.get(alias) or cls(alias)
        return member


def register_aliases(cls: type[AliasEnum], aliases: Mapping[str, str]) -> None:
    """Let ``cls(alias)`` return the member whose value ``aliases[alias]`` is."""
    table = _ALIASES.setdefault(cls, {})
    for alias, value in aliases.items():
        cls(value)  # every target must be a member's value
        table[alias.lower()] = value


class FrozenMap(Mapping[K, V]):
    """An immutable, hashable mapping that keeps insertion order; equal to any equal mapping.

    >>> m = FrozenMap({"telesales": 2})
    >>> m == {"telesales": 2}, hash(m) == hash(FrozenMap([("telesales", 2)]))
    (True, True)
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._data: dict[K, V] = dict(data)
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    # The dict's own views and get(): Mapping's generic ones call __getitem__ per item.
    def keys(self) -> KeysView[K]:
        return self._data.keys()

    def items(self) -> ItemsView[K, V]:
        return self._data.items()

    def values(self) -> ValuesView[V]:
        return self._data.values()

    def get(self, key: K, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (list(self._data.items()),))


def nested(cls: Callable[..., T], fields: Mapping[Any, Any], field: str) -> T:
    """Build ``cls(**fields)`` for the field ``field``; errors name ``field.<inner field>``."""
    try:
        return cls(**fields)
    except ValidationError as error:
        error.field = field if error.field is None else f"{field}.{error.field}"
        raise
    except TypeError:
        raise InvalidFormat(
            "Unknown or missing keys.",
            code="model.keys",
            field=field,
            masked_value="",
            message_zh="字段名称有误或缺失。",
        ) from None


def type_error(field: str, expected: str, value: object) -> InvalidFormat:
    """The error for a value of the wrong Python type."""
    return InvalidFormat(
        f"Expected {expected}, got {type(value).__name__}.",
        code="model.type",
        field=field,
        masked_value=mask_unknown(value),
        message_zh=f"类型错误，应为 {expected}。",
    )


def text(value: str) -> str:
    """Fold ideographic and repeated spaces to one space and strip the ends."""
    return _SPACES.sub(" ", value.replace("\u3000", " ")).strip()


#: Entries that hold no address: a reference to another row (同上), "unknown" in its forms,
#: or a pointer elsewhere (详见附件). Compared with spaces and punctuation removed.
_ADDRESS_PLACEHOLDERS = frozenset(
    {"同上", "同左", "同前", "见上", "见上表", "同上地址", "不详", "地址不详", "住址不详", "未知",
     "地址未知", "无", "无地址", "暂无", "暂无地址", "待补", "待补充", "待定", "详见附件",
     "见附件", "见备注", "详见备注", "略", "空", "null", "none", "n/a", "na", "unknown", "test",
     "测试", "测试地址"}
)  # fmt: skip
_ADDRESS_NOISE = re.compile(r"[\s\W_]+")


def address(value: str) -> str:
    """An address with spaces folded (`text`); a placeholder is refused.

    An address is free text, but some entries hold none: ``同上`` (the row above's, which a
    record cannot see), ``地址不详``, ``详见附件``, a lone digit or letter. Kept as a value they
    would become the customer's newest address and push the real one into history, so they
    raise ``address.placeholder`` (read as an empty cell by the imports).

    >>> address(" 福建省厦门市思明区　湖滨南路100号 ")
    '福建省厦门市思明区 湖滨南路100号'
    >>> address("同上")
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidFormat: [address.placeholder] value=**: ...
    """
    folded = text(value)
    letters = _ADDRESS_NOISE.sub("", folded).casefold()
    if (
        letters in _ADDRESS_PLACEHOLDERS
        or len(letters) < 2
        or letters.isdigit()
        or len(set(letters)) == 1
    ):
        raise InvalidFormat(
            "The address is a placeholder (同上, 不详, 详见附件 …), not an address.",
            code="address.placeholder",
            masked_value=mask_unknown(folded),
            message_zh="地址是占位内容（同上、不详、详见附件等），不是地址。",
        )
    return folded


def reference_text(value: str) -> str:
    """`upper_ref` without the check: what a look-up by reference compares."""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return _SPACES.sub("", value).upper()


def upper_ref(value: str) -> str:
    """A reference (policy or endorsement number): full-width letters and digits made ASCII
    (an operator typing with a Chinese input method in full-width mode gives
    ``ＰＤＡＡ２０２６…``), spaces removed, upper case, checked.

    >>> upper_ref("ＰＤＡＡ２０２６００１"), upper_ref(" pdaa 2026 001 ")
    ('PDAA2026001', 'PDAA2026001')
    """
    ref = reference_text(value)
    if not _REF.fullmatch(ref):
        raise InvalidFormat(
            "A reference is 1-64 ASCII letters, digits or _ . / : # -, starting with a letter "
            "or digit.",
            code="model.reference",
            masked_value=mask_unknown(ref),
            message_zh="编号须为 1-64 位字母、数字或 _ . / : # -，以字母或数字开头。",
        )
    return ref


def ref(value: object, field: str) -> str:
    """A required identifier (customer id, event id …): 1-64 ASCII characters, stripped."""
    if not isinstance(value, str):
        raise type_error(field, "text", value)
    stripped = value.strip()
    if not _REF.fullmatch(stripped.upper()):
        raise InvalidFormat(
            "An identifier is 1-64 ASCII letters, digits or _ . / : # -, starting with a "
            "letter or digit.",
            code="model.identifier",
            field=field,
            masked_value=mask_unknown(value),
            message_zh="标识须为 1-64 位字母、数字或 _ . / : # -，以字母或数字开头。",
        )
    return stripped


def optional(value: object, field: str, check: Callable[[str], str]) -> str | None:
    """Optional text: ``None`` and blank text give ``None``, anything else ``check(value)``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise type_error(field, "text", value)
    if not value or value.isspace():
        return None
    try:
        return check(value)
    except ValidationError as error:
        raise error.for_field(field) from None


def required(value: object, field: str, check: Callable[[str], str]) -> str:
    """Required text: like `optional`, but ``None`` or blank text is an error."""
    result = optional(value, field, check)
    if result is None:
        raise InvalidFormat(
            "A value is required.",
            code="model.required",
            field=field,
            masked_value="",
            message_zh="必须填写。",
        )
    return result


def optional_date(value: object, field: str) -> dt.date | None:
    """An optional date: a `datetime.date`, a datetime (its date) or ISO 8601 text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return None
        try:
            return dt.date.fromisoformat(stripped)
        except ValueError:
            pass
    raise InvalidFormat(
        "Expected a date (YYYY-MM-DD).",
        code="model.date",
        field=field,
        masked_value=mask_unknown(value),
        message_zh="应为日期（YYYY-MM-DD）。",
    )


def required_date(value: object, field: str) -> dt.date:
    """A required date, as `optional_date` accepts it."""
    result = optional_date(value, field)
    if result is None:
        raise InvalidFormat(
            "A date is required.",
            code="model.required",
            field=field,
            masked_value="",
            message_zh="必须填写日期。",
        )
    return result


def aware_datetime(value: object, field: str) -> dt.datetime:
    """A required time: a datetime, a date (midnight UTC) or ISO 8601 text.

    Naive times are taken as UTC, so every stored time is timezone-aware.
    """
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidFormat(
                "Not an ISO 8601 date or time.",
                code="model.time",
                field=field,
                masked_value=mask_unknown(value),
                message_zh="不是 ISO 8601 日期或时间。",
            ) from None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    raise type_error(field, "a date or time", value)


def optional_datetime(value: object, field: str) -> dt.datetime | None:
    """Like `aware_datetime`, but ``None`` and blank text give ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return aware_datetime(value, field)


def required_enum(value: object, field: str, cls: type[E]) -> E:
    """A member of ``cls`` from a member or any value ``cls(value)`` accepts."""
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except (ValueError, TypeError):
        raise InvalidFormat(
            f"Not a valid {cls.__name__}; expected one of {', '.join(str(m.value) for m in cls)}.",
            code="model.choice",
            field=field,
            masked_value=mask_unknown(value),
            message_zh=f"{cls.__name__} 取值无效。",
        ) from None


def optional_enum(value: object, field: str, cls: type[E]) -> E | None:
    """Like `required_enum`, but ``None`` and blank text give ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return required_enum(value, field, cls)
