"""`SourceRecord`: one row as a source delivered it, normalised field by field.

A source record is what every channel produces (a core-system extract row, a claim report,
a call-back result, an operator's entry). Construction validates and normalises each field
through `custmaster.validate`; a bad value raises `custmaster.ValidationError` naming the
field, so no half-valid record ever exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from custmaster.errors import InvalidFormat, ValidationError
from custmaster.model.provenance import Provenance
from custmaster.validate import (
    cn_name,
    cn_plate,
    cn_postcode,
    cn_resident_id,
    cn_uscc,
    email,
    engine_no,
    phone,
    vin,
)
from custmaster.validate._mask import keep_ends, mask_unknown

__all__ = ["FIELDS", "PHONE_FIELDS", "SourceRecord"]

#: Fields that hold a phone number; they accumulate as contact points instead of competing.
PHONE_FIELDS: tuple[str, ...] = ("mobile", "home_phone", "office_phone", "fax")

_SPACES = re.compile(r"\s+")


def _optional(
    field: str, check: Callable[[str], str]
) -> Callable[[object], str | None]:
    def convert(value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise InvalidFormat(
                f"Expected text, got {type(value).__name__}.",
                code="record.type",
                field=field,
                masked_value=mask_unknown(value),
                message_zh="应为文本。",
            )
        if not value.strip():
            return None
        try:
            return check(value)
        except ValidationError as error:
            raise error.for_field(field) from None

    return convert


def _text(value: str) -> str:
    return _SPACES.sub(" ", value.replace("\u3000", " ")).strip()


def _upper_ref(value: str) -> str:
    return _SPACES.sub("", value).upper()


def _optional_date(field: str) -> Callable[[object], dt.date | None]:
    def convert(value: object) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise InvalidFormat(
            "Expected a date (YYYY-MM-DD).",
            code="record.date",
            field=field,
            masked_value=mask_unknown(value),
            message_zh="应为日期（YYYY-MM-DD）。",
        )

    return convert


def _mask_text(value: str | None) -> str:
    return "None" if value is None else repr(keep_ends(value, 1, 0))


def _masked(mask: Callable[[str], str]) -> Callable[[str | None], str]:
    def show(value: str | None) -> str:
        return "None" if value is None else repr(mask(value))

    return show


@attrs.frozen(kw_only=True)
class SourceRecord:
    """One source row: its `Provenance` plus canonical, normalised fields.

    Every field but ``provenance`` is optional; empty strings become ``None``. ``extra`` keeps
    any further columns as text, so nothing the source said is lost.

    >>> record = SourceRecord(
    ...     provenance=Provenance(channel="core_system", source_ref="P1#1",
    ...                           observed_at="2026-01-05"),
    ...     name="张 伟", mobile="138-0013-8000", policy_no=" pdaa2026 ")
    >>> record.name, record.policy_no
    ('张伟', 'PDAA2026')
    >>> record
    SourceRecord(provenance=..., name='张*', ..., mobile='138****8000', ...)
    """

    provenance: Provenance = attrs.field(
        validator=attrs.validators.instance_of(Provenance), repr=lambda _: "..."
    )
    name: str | None = attrs.field(
        default=None, converter=_optional("name", cn_name.validate), repr=_masked(cn_name.mask)
    )
    resident_id: str | None = attrs.field(
        default=None,
        converter=_optional("resident_id", cn_resident_id.validate),
        repr=_masked(cn_resident_id.mask),
    )
    uscc: str | None = attrs.field(
        default=None, converter=_optional("uscc", cn_uscc.validate), repr=_masked(cn_uscc.mask)
    )
    birth_date: dt.date | None = attrs.field(
        default=None, converter=_optional_date("birth_date"), repr=lambda v: "..."
    )
    gender: str | None = attrs.field(default=None)
    mobile: str | None = attrs.field(
        default=None, converter=_optional("mobile", phone.validate), repr=_masked(phone.mask)
    )
    home_phone: str | None = attrs.field(
        default=None, converter=_optional("home_phone", phone.validate), repr=_masked(phone.mask)
    )
    office_phone: str | None = attrs.field(
        default=None,
        converter=_optional("office_phone", phone.validate),
        repr=_masked(phone.mask),
    )
    fax: str | None = attrs.field(
        default=None, converter=_optional("fax", phone.validate), repr=_masked(phone.mask)
    )
    email: str | None = attrs.field(
        default=None, converter=_optional("email", email.validate), repr=_masked(email.mask)
    )
    address: str | None = attrs.field(
        default=None, converter=_optional("address", _text), repr=_mask_text
    )
    postcode: str | None = attrs.field(
        default=None, converter=_optional("postcode", cn_postcode.validate)
    )
    policy_no: str | None = attrs.field(
        default=None, converter=_optional("policy_no", _upper_ref)
    )
    line: str | None = attrs.field(default=None, converter=_optional("line", _text))
    cover_start: dt.date | None = attrs.field(
        default=None, converter=_optional_date("cover_start")
    )
    cover_end: dt.date | None = attrs.field(default=None, converter=_optional_date("cover_end"))
    plate: str | None = attrs.field(
        default=None, converter=_optional("plate", cn_plate.validate), repr=_masked(cn_plate.mask)
    )
    vin: str | None = attrs.field(
        default=None, converter=_optional("vin", vin.validate), repr=_masked(vin.mask)
    )
    engine_no: str | None = attrs.field(
        default=None,
        converter=_optional("engine_no", engine_no.validate),
        repr=_masked(engine_no.mask),
    )
    make_model: str | None = attrs.field(
        default=None, converter=_optional("make_model", _text)
    )
    first_registered: dt.date | None = attrs.field(
        default=None, converter=_optional_date("first_registered")
    )
    extra: Mapping[str, str] = attrs.field(
        factory=dict, converter=lambda m: dict(m), repr=lambda m: f"<{len(m)} extra fields>"
    )

    def values(self) -> Iterator[tuple[str, Any]]:
        """Each canonical field that holds a value, as ``(name, value)``, in field order."""
        for attribute in attrs.fields(SourceRecord)[1:-1]:
            value = getattr(self, attribute.name)
            if value is not None:
                yield attribute.name, value
        for key, value in self.extra.items():
            yield f"extra.{key}", value


#: The canonical field names of a `SourceRecord`, in order (``provenance`` and ``extra`` aside).
FIELDS: tuple[str, ...] = tuple(a.name for a in attrs.fields(SourceRecord)[1:-1])
