"""How to reach a customer: contact points, and each attempt to reach them.

A `ContactPoint` is one normalised phone number, e-mail or address of a customer with
everything known about it: when it was first and last seen, through which channels and how
often, and whether a call has reached the customer on it or shown it to be wrong. A number
reported wrong is kept (nothing is deleted) but flagged, so `Customer.callable_contacts`
leaves it out. So is a number whose holder asked not to be called on it (勿扰, 拒绝营销:
`ContactStatus.DO_NOT_CALL`), until they consent again (`ContactOutcome.CONSENTED`).

A `ContactEvent` is one attempt to reach a customer (a call-back, a visit, an SMS) and its
outcome; the merge rules derive contact point statuses from events, newest first.

>>> point = ContactPoint(kind="mobile", value="138 0013 8000",
...                      first_seen="2026-01-05T09:00:00+08:00", channels={"telesales": 2})
>>> point.value, point.count, point.status
('+8613800138000', 2, <ContactStatus.UNVERIFIED: 'unverified'>)
>>> point
ContactPoint(kind=<ContactKind.MOBILE: 'mobile'>, value='138****8000', ...)
>>> event = ContactEvent(id="CB-1", at="2026-02-01T10:00:00+08:00", channel="callback",
...                      method="call", contact_kind="mobile", contact_value="13800138000",
...                      outcome="wrong_number", operator="王芳", note="接听者称不认识客户")
>>> event.outcome.implied_status
<ContactStatus.WRONG: 'wrong'>
>>> "王芳" in repr(event) or "接听者" in repr(event)
False
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping

import attrs

from custmaster.errors import InvalidComponent, InvalidFormat, ValidationError
from custmaster.model import _convert, _mask
from custmaster.model.provenance import Channel
from custmaster.validate import email as email_module
from custmaster.validate import phone
from custmaster.validate._mask import mask_unknown

__all__ = [
    "ERROR_CODES",
    "VOICE_KINDS",
    "ContactEvent",
    "ContactKind",
    "ContactMethod",
    "ContactOutcome",
    "ContactPoint",
    "ContactStatus",
]

#: Every error code this module raises (besides the shared ``model.*`` codes).
ERROR_CODES: dict[str, str] = {
    "contact.address": "An address contact point is empty.",
    "contact_point.channel_count": "A channel count of a contact point is not a positive integer.",
    "contact_point.seen_order": "A contact point was last seen before it was first seen.",
    "contact_point.status_at": "A reached, wrong or do-not-call contact point has no status time.",
}


class ContactKind(_convert.AliasEnum):
    """What a contact point is: a kind of phone, an e-mail address or a postal address."""

    MOBILE = "mobile"
    HOME = "home"
    OFFICE = "office"
    FAX = "fax"
    EMAIL = "email"
    ADDRESS = "address"

    @property
    def is_phone(self) -> bool:
        """Whether values of this kind are phone numbers (mobile, home, office, fax)."""
        return self in _PHONE_KINDS


_PHONE_KINDS = frozenset(
    {ContactKind.MOBILE, ContactKind.HOME, ContactKind.OFFICE, ContactKind.FAX}
)

#: The kinds one can call: mobile, home and office numbers (not fax, e-mail or address).
VOICE_KINDS: frozenset[ContactKind] = frozenset(
    {ContactKind.MOBILE, ContactKind.HOME, ContactKind.OFFICE}
)

_convert.register_aliases(
    ContactKind,
    {"手机": "mobile", "移动电话": "mobile", "住宅电话": "home", "家庭电话": "home",
     "home_phone": "home", "办公电话": "office", "单位电话": "office", "office_phone": "office",
     "传真": "fax", "邮箱": "email", "电子邮箱": "email", "e-mail": "email", "地址": "address"},
)  # fmt: skip


class ContactStatus(_convert.AliasEnum):
    """What is known about a contact point: nothing yet, that it reaches the customer, or that
    it does not (wrong number, number does not exist); or that it reaches them but they asked
    not to be called on it (a do-not-call request)."""

    UNVERIFIED = "unverified"
    REACHED = "reached"
    WRONG = "wrong"
    #: The number reaches its holder, who asked not to be called on it (勿扰, 拒绝营销, 要求不再
    #: 来电): not callable, in no list or export, until an event with outcome ``consented``.
    DO_NOT_CALL = "do_not_call"


class ContactMethod(_convert.AliasEnum):
    """How a contact attempt was made."""

    #: A telephone call (call-back 回访, telesales call, claim follow-up).
    CALL = "call"
    SMS = "sms"
    VISIT = "visit"
    EMAIL = "email"


_convert.register_aliases(
    ContactMethod,
    {"电话": "call", "回访": "call", "callback": "call", "call-back": "call", "短信": "sms",
     "上门": "visit", "拜访": "visit", "邮件": "email"},
)  # fmt: skip


class ContactOutcome(_convert.AliasEnum):
    """The result of one contact attempt."""

    #: The customer was reached (and confirmed who they are).
    REACHED = "reached"
    #: Someone answered who is not the customer and does not know them (错号).
    WRONG_NUMBER = "wrong_number"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    #: The customer was reached but refused to talk (the number is right).
    REFUSED = "refused"
    SWITCHED_OFF = "switched_off"
    #: The number or address does not exist (空号, undeliverable address).
    INVALID = "invalid"
    #: The line is suspended (停机); it may come back.
    SUSPENDED = "suspended"
    #: An SMS or e-mail could not be delivered.
    UNDELIVERED = "undelivered"
    #: The customer was reached and asked not to be contacted on this number or address again
    #: (勿扰, 拒绝营销, 要求不再来电): a do-not-call request (PIPL Art. 24; MIIT's 2023 rules on
    #: commercial calls).
    DO_NOT_CALL = "do_not_call"
    #: The customer agreed to be contacted again, lifting a do-not-call request (同意来电).
    CONSENTED = "consented"

    @property
    def implied_status(self) -> ContactStatus | None:
        """The contact point status this outcome proves, or ``None`` if it proves nothing.

        >>> ContactOutcome.REFUSED.implied_status, ContactOutcome.BUSY.implied_status
        (<ContactStatus.REACHED: 'reached'>, None)
        """
        return _IMPLIED_STATUS.get(self)

    @property
    def consent(self) -> bool | None:
        """Whether this outcome gives (True) or withdraws (False) the holder's consent to be
        contacted on the number, or ``None`` when it says nothing about it.

        >>> ContactOutcome.DO_NOT_CALL.consent, ContactOutcome.REFUSED.consent
        (False, None)
        """
        if self is ContactOutcome.DO_NOT_CALL:
            return False
        if self is ContactOutcome.CONSENTED:
            return True
        return None


#: Statuses that keep a contact point out of every callable list.
_NOT_CALLABLE = frozenset({ContactStatus.WRONG, ContactStatus.DO_NOT_CALL})

_IMPLIED_STATUS: dict[ContactOutcome, ContactStatus] = {
    ContactOutcome.REACHED: ContactStatus.REACHED,
    ContactOutcome.REFUSED: ContactStatus.REACHED,
    ContactOutcome.WRONG_NUMBER: ContactStatus.WRONG,
    ContactOutcome.INVALID: ContactStatus.WRONG,
    ContactOutcome.DO_NOT_CALL: ContactStatus.REACHED,
    ContactOutcome.CONSENTED: ContactStatus.REACHED,
}

_convert.register_aliases(
    ContactOutcome,
    {"接通": "reached", "已接通": "reached", "成功": "reached", "回访成功": "reached",
     "联系成功": "reached", "通话成功": "reached", "本人接听": "reached", "已联系": "reached",
     "错号": "wrong_number", "非本人": "wrong_number", "不是本人": "wrong_number",
     "非客户本人": "wrong_number", "非本人接听": "wrong_number", "号码错误": "wrong_number",
     "号码有误": "wrong_number", "错误号码": "wrong_number", "打错": "wrong_number",
     # the number now belongs to someone else, or the customer gave it up
     "号码已变更": "wrong_number", "换号": "wrong_number", "已换号": "wrong_number",
     "无人接听": "no_answer", "无人接": "no_answer", "未接通": "no_answer",
     "无法接通": "no_answer", "无应答": "no_answer", "未接听": "no_answer",
     "占线": "busy", "忙音": "busy", "通话中": "busy",
     "拒接": "refused", "拒访": "refused", "拒绝回访": "refused", "客户拒绝": "refused",
     "挂断": "refused",
     "关机": "switched_off", "已关机": "switched_off",
     "空号": "invalid", "号码不存在": "invalid", "号码无效": "invalid", "空号或错号": "invalid",
     "停机": "suspended", "已停机": "suspended", "暂停服务": "suspended",
     "欠费停机": "suspended",
     "勿扰": "do_not_call", "免打扰": "do_not_call", "请勿打扰": "do_not_call",
     "拒绝营销": "do_not_call", "拒绝推销": "do_not_call", "拒绝来电": "do_not_call",
     "要求不再来电": "do_not_call", "不再来电": "do_not_call", "黑名单": "do_not_call",
     "同意来电": "consented", "同意联系": "consented", "恢复联系": "consented",
     "解除勿扰": "consented"},
)  # fmt: skip

# Normalising the same number again is common (every observation of a contact point rebuilds
# it), so the validated form is cached; failures are not cached.
_phone = functools.lru_cache(maxsize=65536)(phone.validate)
_email = functools.lru_cache(maxsize=16384)(email_module.validate)


def normalise_contact(kind: ContactKind, value: str) -> str:
    """The normalised form of a contact value of the given kind (raises `ValidationError`).

    >>> normalise_contact(ContactKind.EMAIL, " Zhang.Wei@Example.COM ")
    'Zhang.Wei@example.com'
    """
    if kind in _PHONE_KINDS:
        return _phone(value)
    if kind is ContactKind.EMAIL:
        return _email(value)
    if not _convert.text(value):
        raise InvalidFormat(
            "An address must not be empty.",
            code="contact.address",
            masked_value="",
            message_zh="地址不能为空。",
        )
    return _convert.address(value)


def _channel_counts(value: object) -> _convert.FrozenMap[str, int]:
    if isinstance(value, _convert.FrozenMap) and all(
        type(k) is str and type(n) is int for k, n in value.items()
    ):
        return value
    if not isinstance(value, Mapping):
        raise _convert.type_error("channels", "a mapping of channel code to count", value)
    counts: dict[str, int] = {}
    for key, count in value.items():
        try:
            code = Channel.get(key).code
        except ValidationError as error:
            raise error.for_field("channels") from None
        if type(count) is not int or count < 1:
            raise InvalidFormat(
                "A channel count is a positive integer.",
                code="contact_point.channel_count",
                field="channels",
                masked_value=mask_unknown(str(count)),
                message_zh="渠道次数须为正整数。",
            )
        counts[code] = counts.get(code, 0) + count
    return _convert.FrozenMap(sorted(counts.items()))


def _contact_value(field: str) -> Callable[[ContactKind, object], str]:
    def check(kind: ContactKind, value: object) -> str:
        if not isinstance(value, str):
            raise _convert.type_error(field, "text", value)
        try:
            return normalise_contact(kind, value)
        except ValidationError as error:
            raise error.for_field(field) from None

    return check


_point_value = _contact_value("value")
_event_value = _contact_value("contact_value")


def _kind(value: object) -> ContactKind:
    return _convert.required_enum(value, "kind", ContactKind)


def _first_seen(value: object) -> dt.datetime:
    return _convert.aware_datetime(value, "first_seen")


def _last_seen(value: object) -> dt.datetime:
    return _convert.aware_datetime(value, "last_seen")


def _status(value: object) -> ContactStatus:
    return _convert.required_enum(value, "status", ContactStatus)


def _status_at(value: object) -> dt.datetime | None:
    return _convert.optional_datetime(value, "status_at")


def _status_by(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "status_by", _convert.text)


def _event_id(value: object) -> str:
    return _convert.ref(value, "id")


def _at(value: object) -> dt.datetime:
    return _convert.aware_datetime(value, "at")


def _channel(value: object) -> Channel:
    if isinstance(value, Channel):
        return value
    if isinstance(value, str):
        try:
            return Channel.get(value)
        except ValidationError as error:
            raise error.for_field("channel") from None
    raise _convert.type_error("channel", "a channel", value)


def _method(value: object) -> ContactMethod:
    return _convert.required_enum(value, "method", ContactMethod)


def _contact_kind(value: object) -> ContactKind:
    return _convert.required_enum(value, "contact_kind", ContactKind)


def _outcome(value: object) -> ContactOutcome:
    return _convert.required_enum(value, "outcome", ContactOutcome)


def _operator(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "operator", _convert.text)


def _note(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "note", str.strip)


@attrs.frozen(kw_only=True)
class ContactPoint:
    """One phone number, e-mail or address of a customer, with where and when it was seen.

    ``value`` is normalised by ``kind`` (phones to E.164, see `custmaster.validate.phone`;
    e-mail by `custmaster.validate.email`; addresses with spaces folded). ``channels`` maps
    each channel code it came from to how many times; ``count`` is their total.
    ``status`` is the newest verdict of a contact attempt (`ContactEvent`), with when
    (``status_at``) and by whom (``status_by``) it was set. ``last_seen`` defaults to
    ``first_seen``.
    """

    kind: ContactKind = attrs.field(converter=_kind)
    value: str = attrs.field(repr=_mask.contact_value_repr)
    first_seen: dt.datetime = attrs.field(converter=_first_seen)
    last_seen: dt.datetime = attrs.field(converter=_last_seen)
    channels: Mapping[str, int] = attrs.field(factory=_convert.FrozenMap, converter=_channel_counts)
    status: ContactStatus = attrs.field(
        default=ContactStatus.UNVERIFIED,
        converter=_status,
    )
    status_at: dt.datetime | None = attrs.field(default=None, converter=_status_at)
    status_by: str | None = attrs.field(
        default=None,
        converter=_status_by,
        repr=_mask.name_repr,
    )

    @last_seen.default
    def _last_seen_default(self) -> dt.datetime:
        return self.first_seen

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "value", _point_value(self.kind, self.value))
        if self.last_seen < self.first_seen:
            raise InvalidComponent(
                "last_seen is before first_seen.",
                code="contact_point.seen_order",
                field="last_seen",
                masked_value=self.last_seen.isoformat(),
                message_zh="最后出现时间早于首次出现时间。",
            )
        if self.status is not ContactStatus.UNVERIFIED and self.status_at is None:
            raise InvalidComponent(
                "A reached, wrong or do-not-call status needs the time it was set (status_at).",
                code="contact_point.status_at",
                field="status_at",
                masked_value="",
                message_zh="已接通、错号或勿扰状态须有设置时间。",
            )

    @property
    def count(self) -> int:
        """How many times the contact point was observed, over all channels."""
        return sum(self.channels.values())

    @property
    def key(self) -> tuple[ContactKind, str]:
        """``(kind, value)``: what makes two contact points the same one."""
        return (self.kind, self.value)

    @property
    def is_callable(self) -> bool:
        """Whether one can call it: a voice kind (mobile, home, office) neither flagged wrong
        nor under a do-not-call request."""
        return self.kind in VOICE_KINDS and self.status not in _NOT_CALLABLE

    def seen(self, channel: Channel | str, at: dt.datetime, count: int = 1) -> ContactPoint:
        """This contact point observed again: seen times widened, the channel counted.

        >>> p = ContactPoint(kind="mobile", value="13800138000",
        ...                  first_seen="2026-01-05T00:00:00+00:00", channels={"telesales": 1})
        >>> q = p.seen("callback", dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc))
        >>> dict(q.channels), q.count, q.last_seen.date().isoformat()
        ({'callback': 1, 'telesales': 1}, 2, '2026-03-01')
        """
        when = _at(at)
        counts = dict(self.channels)
        code = Channel.get(channel).code
        counts[code] = counts.get(code, 0) + count
        return attrs.evolve(
            self,
            first_seen=min(self.first_seen, when),
            last_seen=max(self.last_seen, when),
            channels=counts,
        )


@attrs.frozen(kw_only=True)
class ContactEvent:
    """One attempt to reach a customer and its outcome.

    ``contact_kind`` and ``contact_value`` name the contact point used (the value is
    normalised like `ContactPoint.value`). ``note`` is free text and may hold anything a
    person typed, so it never appears in ``repr``; ``operator`` is masked.
    """

    id: str = attrs.field(converter=_event_id)
    at: dt.datetime = attrs.field(converter=_at)
    channel: Channel = attrs.field(converter=_channel)
    method: ContactMethod = attrs.field(converter=_method)
    contact_kind: ContactKind = attrs.field(converter=_contact_kind)
    contact_value: str = attrs.field(repr=_mask.contact_value_repr)
    outcome: ContactOutcome = attrs.field(converter=_outcome)
    operator: str | None = attrs.field(default=None, converter=_operator, repr=_mask.name_repr)
    note: str | None = attrs.field(default=None, converter=_note, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "contact_value", _event_value(self.contact_kind, self.contact_value)
        )

    @property
    def contact_key(self) -> tuple[ContactKind, str]:
        """``(kind, value)`` of the contact point used, as in `ContactPoint.key`."""
        return (self.contact_kind, self.contact_value)
