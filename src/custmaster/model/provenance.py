"""Where a value came from: its channel, the source's own reference, and when.

Every value custmaster holds arrives with a `Provenance`; the merge rules decide between
values by it, and the history of a field shows it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

import attrs

from custmaster.errors import InvalidFormat
from custmaster.validate._mask import mask_unknown

__all__ = ["ERROR_CODES", "Channel", "Provenance", "utc_now"]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "channel.format": "A channel code is not 1-40 lower-case ASCII letters, digits or '_'.",
    "provenance.time_format": "An observed or recorded time is not a date, time or ISO 8601 text.",
    "provenance.source_ref": "The source reference is empty.",
}

_CHANNEL_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def utc_now() -> dt.datetime:
    """The current time, timezone-aware in UTC (the only clock the library reads)."""
    return dt.datetime.now(dt.timezone.utc)


@attrs.frozen(order=True)
class Channel:
    """A source channel: a stable lower-case code plus a display label.

    The built-in channels are class attributes (``Channel.CORE_SYSTEM``, ``Channel.CLAIM_REPORT``
    …); users add their own with ``Channel("wechat_mini", "微信小程序")`` or `Channel.get`.
    Channels compare and hash by ``code`` alone, which is also their serialised form.

    >>> Channel.get("telesales")
    Channel('telesales')
    >>> Channel.get("telesales") == Channel("telesales", "anything")
    True
    >>> Channel.TELESALES.label
    '电销 telesales'
    """

    code: str = attrs.field()
    label: str = attrs.field(default="", eq=False, order=False)

    CORE_SYSTEM: ClassVar[Channel]
    CLAIM_REPORT: ClassVar[Channel]
    TELESALES: ClassVar[Channel]
    FACE_TO_FACE: ClassVar[Channel]
    RENEWAL_LIST: ClassVar[Channel]
    UNDERWRITING: ClassVar[Channel]
    CALLBACK: ClassVar[Channel]
    MANUAL: ClassVar[Channel]

    @code.validator
    def _check_code(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not _CHANNEL_RE.match(value):
            raise InvalidFormat(
                "A channel code is 1-40 lower-case ASCII letters, digits or '_', "
                "starting with a letter.",
                code="channel.format",
                masked_value=mask_unknown(value),
                message_zh="渠道代码须为 1-40 位小写字母、数字或下划线，以字母开头。",
            )

    @classmethod
    def get(cls, code: str | Channel) -> Channel:
        """The built-in channel with this code or name, or a new user channel with that code.

        A built-in channel is also found by its Chinese name and common synonyms (电销,
        电话销售, 报案, 核心系统, 回访结果 …) and by its code or English label in another case
        or with hyphens or spaces (``Core-System``, ``call-back``), as people type them on a
        command line or in a mapping file.

        >>> Channel.get("电销"), Channel.get("续保清单"), Channel.get(" Core-System ")
        (Channel('telesales'), Channel('renewal_list'), Channel('core_system'))
        """
        if isinstance(code, Channel):
            return code
        found = _BUILTIN.get(code)
        if found is None and isinstance(code, str):
            found = _BY_NAME.get(_folded(code))
        return found or cls(code)

    @classmethod
    def builtins(cls) -> tuple[Channel, ...]:
        """The channels custmaster knows, in default priority order (most trusted first)."""
        return tuple(_BUILTIN.values())

    def __repr__(self) -> str:
        return f"Channel({self.code!r})"

    def __str__(self) -> str:
        return self.code


_BUILTIN: dict[str, Channel] = {}
for _attr, _code, _label in (
    ("CORE_SYSTEM", "core_system", "核心系统 core system"),
    ("UNDERWRITING", "underwriting", "承保 underwriting"),
    ("FACE_TO_FACE", "face_to_face", "面签 face-to-face signing"),
    ("CALLBACK", "callback", "回访 call-back"),
    ("CLAIM_REPORT", "claim_report", "报案 claim report"),
    ("TELESALES", "telesales", "电销 telesales"),
    ("RENEWAL_LIST", "renewal_list", "续保到期 renewal-due list"),
    ("MANUAL", "manual", "手工录入 manual entry"),
):
    _BUILTIN[_code] = Channel(_code, _label)
    setattr(Channel, _attr, _BUILTIN[_code])


def _folded(text: str) -> str:
    """A channel's name as `Channel.get` compares it: trimmed, case-folded, runs of spaces,
    hyphens and underscores as one ``_``."""
    return _SEPARATORS.sub("_", text.strip().casefold())


_SEPARATORS = re.compile(r"[\s_\-－—]+")
#: Further names of the built-in channels, beside their code and label (`Channel.get`).
_SYNONYMS = {
    "core_system": ("核心", "核心业务系统", "核心系统导出", "core"),
    "underwriting": ("核保", "承保系统", "出单"),
    "face_to_face": ("面谈", "面签资料", "f2f"),
    "callback": ("回访结果", "电话回访", "回访记录", "call back"),
    "claim_report": ("报案记录", "理赔报案", "报案清单", "claim", "claims"),
    "telesales": ("电话销售", "电销中心", "电销清单", "telemarketing"),
    "renewal_list": ("续保清单", "续保名单", "到期清单", "续保到期清单", "renewal", "renewals"),
    "manual": ("手工", "人工录入", "手工录入"),
}
_BY_NAME: dict[str, Channel] = {}
for _channel in _BUILTIN.values():
    _zh, _, _en = _channel.label.partition(" ")
    for _name in (_channel.code, _zh, _en, *_SYNONYMS.get(_channel.code, ())):
        _BY_NAME[_folded(_name)] = _channel


def _to_channel(value: str | Channel) -> Channel:
    if type(value) is Channel:
        return value
    try:
        return Channel.get(value)
    except InvalidFormat as error:
        raise error.for_field("channel") from None


def _to_aware(value: object, field: str = "observed_at") -> dt.datetime:
    """Accept a datetime, a date or an ISO 8601 string; naive times are taken as UTC."""
    if type(value) is dt.datetime and value.tzinfo is not None:
        return value  # already what is kept (a recorded_at defaulting to observed_at, too)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidFormat(
                "Not an ISO 8601 date or time.",
                code="provenance.time_format",
                field=field,
                masked_value=mask_unknown(value),
                message_zh="不是 ISO 8601 日期或时间。",
            ) from None
    if not isinstance(value, dt.date):
        raise InvalidFormat(
            f"Expected a date or time, got {type(value).__name__}.",
            code="provenance.time_format",
            field=field,
            masked_value=mask_unknown(value),
            message_zh="应为日期或时间。",
        )
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def _to_recorded(value: object) -> dt.datetime:
    return _to_aware(value, "recorded_at")


@attrs.frozen(kw_only=True)
class Provenance:
    """The origin of a source record: channel, the source's reference, times and operator.

    ``source_ref`` is the source's own record reference (row key, claim number, call id …);
    together with the channel it identifies a record, which is what makes ingest idempotent.
    ``observed_at`` is when the source saw the values (merge rules compare it);
    ``recorded_at`` is when custmaster received them (defaults to ``observed_at``, so that the
    same record rebuilt later is still the same record).

    >>> p = Provenance(channel="telesales", source_ref="TS-2026-0001",
    ...                observed_at="2026-11-30T10:00:00+08:00", operator="王芳")
    >>> p.channel, p.observed_at.isoformat()
    (Channel('telesales'), '2026-11-30T10:00:00+08:00')
    >>> p.key
    ('telesales', 'TS-2026-0001')
    """

    channel: Channel = attrs.field(converter=_to_channel)
    source_ref: str = attrs.field(validator=attrs.validators.instance_of(str))
    observed_at: dt.datetime = attrs.field(converter=_to_aware)
    recorded_at: dt.datetime = attrs.field(converter=_to_recorded)
    operator: str | None = attrs.field(default=None, repr=lambda v: "None" if v is None else "***")

    @recorded_at.default
    def _recorded_default(self) -> dt.datetime:
        return self.observed_at

    @source_ref.validator
    def _check_ref(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not value.strip():
            raise InvalidFormat(
                "A source reference must not be empty.",
                code="provenance.source_ref",
                field="source_ref",
                masked_value="",
                message_zh="来源记录编号不能为空。",
            )

    @property
    def key(self) -> tuple[str, str]:
        """``(channel code, source_ref)``: the identity of the source record."""
        return (self.channel.code, self.source_ref)
