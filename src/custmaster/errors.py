"""The exceptions and warnings custmaster raises, under one base class.

Every error carries a stable ``code`` (``cn_resident_id.checksum``) that callers and
reports can match on, the ``field`` it concerns where known, and the offending value
only in masked form: ``str(error)`` never holds a full ID or phone number.

The validation tree mirrors python-stdnum's (`InvalidFormat`, `InvalidLength`,
`InvalidChecksum`, `InvalidComponent`), so code written against stdnum catches ours.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

__all__ = [
    "EXIT_CODES",
    "CustmasterError",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "NotFoundError",
    "PermissionDenied",
    "StoreError",
    "UsageError",
    "ValidationError",
    "ValidationWarning",
]


class CustmasterError(Exception):
    """Base class of every exception custmaster raises on purpose.

    Catch this to handle any custmaster failure; catch a subclass to handle one family.
    """

    #: Stable, machine-readable identifier of the error; subclasses and instances refine it.
    code: str = "custmaster.error"
    #: Default English message when none is given.
    message_en: ClassVar[str] = "custmaster failed."
    #: Default Chinese message when none is given.
    message_zh: ClassVar[str] = "custmaster 出错。"

    def __init__(
        self,
        message_en: str | None = None,
        *,
        code: str | None = None,
        message_zh: str | None = None,
    ) -> None:
        if code is not None:
            self.code = code
        self.message = message_en if message_en is not None else type(self).message_en
        self.message_cn = message_zh if message_zh is not None else type(self).message_zh
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"[{self.code}] {self.message} / {self.message_cn}"


class ValidationError(CustmasterError, ValueError):
    """A value failed validation.

    Never raised itself; the four subclasses say how it failed. ``field`` names the record
    field when the caller knows it (validators do not: `for_field` sets it on the way up),
    and ``masked_value`` is the input in its display-safe form.

    >>> e = InvalidChecksum(code="cn_resident_id.checksum", masked_value="110***********1234")
    >>> e.for_field("resident_id") is e
    True
    >>> print(e.code, e.field, e.masked_value)
    cn_resident_id.checksum resident_id 110***********1234
    >>> str(e)[: str(e).index(" / ")]
    '[cn_resident_id.checksum] resident_id=110***********1234: The checksum does not match.'
    """

    code = "validation"
    message_en = "The value is not valid."
    message_zh = "值无效。"

    def __init__(
        self,
        message_en: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        masked_value: str | None = None,
        message_zh: str | None = None,
    ) -> None:
        super().__init__(message_en, code=code, message_zh=message_zh)
        self.field = field
        self.masked_value = masked_value

    def for_field(self, field: str) -> ValidationError:
        """Record which field the error concerns (if not yet known) and return the error."""
        if self.field is None:
            self.field = field
        return self

    def __str__(self) -> str:
        where = ""
        if self.masked_value:
            where = f" {self.field or 'value'}={self.masked_value}:"
        elif self.field is not None:
            where = f" {self.field}:"
        return f"[{self.code}]{where} {self.message} / {self.message_cn}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, field={self.field!r}, "
            f"masked_value={self.masked_value!r})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        state = {
            "code": self.code,
            "field": self.field,
            "masked_value": self.masked_value,
            "message_zh": self.message_cn,
        }
        return (_rebuild_validation_error, (type(self), self.message, state))


def _rebuild_validation_error(
    cls: type[ValidationError], message_en: str, state: dict[str, str | None]
) -> ValidationError:
    return cls(message_en, **state)


class InvalidFormat(ValidationError):
    """The value has characters or a structure the format does not allow."""

    code = "invalid_format"
    message_en = "The value has an invalid format."
    message_zh = "格式错误。"


class InvalidLength(InvalidFormat):
    """The value has the wrong number of characters."""

    code = "invalid_length"
    message_en = "The value has an invalid length."
    message_zh = "长度错误。"


class InvalidChecksum(ValidationError):
    """The value's check digit or character does not match the rest."""

    code = "invalid_checksum"
    message_en = "The checksum does not match."
    message_zh = "校验码错误。"


class InvalidComponent(ValidationError):
    """A part of the value (date, region, prefix …) is not allowed."""

    code = "invalid_component"
    message_en = "A component of the value is not valid."
    message_zh = "部分内容无效。"


@attrs.frozen
class ValidationWarning:
    """Something doubtful about a value that is still accepted.

    Validators return these (for example in ``ResidentId.warnings``) instead of refusing a
    real customer because a reference table is out of date; ``strict=True`` turns them into
    `InvalidComponent` errors with the same code.
    """

    code: str
    message_en: str
    message_zh: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.message_en} / {self.message_zh}"


class StoreError(CustmasterError):
    """The store cannot do what was asked: unreadable, foreign or newer schema, disk full …"""

    code = "store.error"
    message_en = "The store failed."
    message_zh = "存储出错。"


class NotFoundError(StoreError, LookupError):
    """A customer, policy or candidate pair that was asked for does not exist."""

    code = "store.not_found"
    message_en = "Not found."
    message_zh = "未找到。"


class PermissionDenied(CustmasterError, PermissionError):
    """The acting user lacks the permission an operation needs."""

    code = "permission.denied"
    message_en = "Permission denied."
    message_zh = "无权限。"


class UsageError(CustmasterError, ValueError):
    """The library or CLI was called with arguments that cannot work together."""

    code = "usage"
    message_en = "Invalid usage."
    message_zh = "用法错误。"


#: Process exit codes of the ``custmaster`` command per error family (from BSD sysexits).
EXIT_CODES: dict[type[CustmasterError], int] = {
    UsageError: 64,
    ValidationError: 65,
    NotFoundError: 66,
    StoreError: 74,
    PermissionDenied: 77,
    CustmasterError: 70,
}
