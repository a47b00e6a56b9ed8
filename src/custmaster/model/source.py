"""`SourceRecord`: one row as a source delivered it, normalised field by field.

A source record is what every channel produces (a core-system extract row, a claim report,
a call-back result, an operator's entry). Construction validates and normalises each field
through `custmaster.validate`; a bad value raises `custmaster.ValidationError` naming the
field, so no half-valid record ever exists.

Gender and birth date are kept as the source states them, even next to a resident ID: a
contradiction between them is evidence for identity resolution, not something to hide.

>>> record = SourceRecord(
...     provenance=Provenance(channel="core_system", source_ref="P1#1",
...                           observed_at="2026-01-05"),
...     name="张 伟", mobile="138-0013-8000", policy_no=" pdaa2026 ", line="交强险",
...     role="被保险人", extra={"车队": "三队"})
>>> record.name, record.mobile, record.policy_no, record.line, record.role
('张伟', '+8613800138000', 'PDAA2026', PolicyLine('compulsory'), <PolicyRole.INSURED: 'insured'>)
>>> [name for name, _ in record.values()]
['name', 'mobile', 'policy_no', 'line', 'role', 'extra.车队']
>>> record
SourceRecord(provenance=..., name='张*', ..., mobile='138****8000', ...)
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from custmaster.errors import InvalidFormat, ValidationError
from custmaster.model import _convert, _mask
from custmaster.model.identity import Gender, IdentityDocument
from custmaster.model.policy import PolicyLine, PolicyRole
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
from custmaster.validate._mask import mask_unknown

__all__ = ["ERROR_CODES", "FIELDS", "PHONE_FIELDS", "SourceRecord"]

#: Every error code this module raises (besides the shared ``model.*`` codes).
ERROR_CODES: dict[str, str] = {
    "record.extra": "An extra column name is not 1-64 characters or its value is not text.",
}

#: Fields that hold a phone number; they accumulate as contact points instead of competing.
PHONE_FIELDS: tuple[str, ...] = ("mobile", "home_phone", "office_phone", "fax")

_EXTRA_KEY_MAX = 64
_EMPTY: _convert.FrozenMap[str, str] = _convert.FrozenMap()


def _line(value: object) -> PolicyLine | None:
    if value is None or isinstance(value, PolicyLine):
        return value
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return PolicyLine.get(value)
        except ValidationError as error:
            raise error.for_field("line") from None
    raise _convert.type_error("line", "a policy line", value)


def _document(value: object) -> IdentityDocument | None:
    if value is None or isinstance(value, IdentityDocument):
        return value
    if isinstance(value, Mapping):
        return _convert.nested(IdentityDocument, value, "id_document")
    raise _convert.type_error("id_document", "IdentityDocument or a mapping of its fields", value)


def _extra(value: object) -> _convert.FrozenMap[str, str]:
    if isinstance(value, _convert.FrozenMap) and (value is _EMPTY or _extra_ok(value)):
        return value
    if not isinstance(value, Mapping):
        raise _convert.type_error("extra", "a mapping of column name to text", value)
    if not value:
        return _EMPTY
    result = _convert.FrozenMap(value)
    if not _extra_ok(result):
        raise InvalidFormat(
            f"Extra fields map names of 1-{_EXTRA_KEY_MAX} characters to text.",
            code="record.extra",
            field="extra",
            masked_value=mask_unknown(next(iter(value), "")),
            message_zh=f"附加字段须为 1-{_EXTRA_KEY_MAX} 个字符的名称对应文本。",
        )
    return result


def _extra_ok(extra: Mapping[Any, Any]) -> bool:
    return all(
        type(key) is str and 0 < len(key) <= _EXTRA_KEY_MAX and type(text) is str
        for key, text in extra.items()
    )


def _name(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "name", cn_name.validate)


def _resident_id(value: object) -> str | None:
    return (
        None if value is None else _convert.optional(value, "resident_id", cn_resident_id.validate)
    )


def _uscc(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "uscc", cn_uscc.validate)


def _mobile(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "mobile", phone.validate)


def _home_phone(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "home_phone", phone.validate)


def _office_phone(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "office_phone", phone.validate)


def _fax(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "fax", phone.validate)


def _email(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "email", email.validate)


def _address(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "address", _convert.address)


def _postcode(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "postcode", cn_postcode.validate)


def _policy_no(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "policy_no", _convert.upper_ref)


def _plate(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "plate", cn_plate.validate)


#: A VIN as the register of vehicles driven in China holds it: the check digit is required
#: of vehicles made in China, not of imported ones (`custmaster.validate.vin.validate`).
_registered_vin = functools.partial(vin.validate, check_digit=None)


def _vin(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "vin", _registered_vin)


def _engine_no(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "engine_no", engine_no.validate)


def _make_model(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "make_model", _convert.text)


def _birth_date(value: object) -> dt.date | None:
    return None if value is None else _convert.optional_date(value, "birth_date")


def _cover_start(value: object) -> dt.date | None:
    return None if value is None else _convert.optional_date(value, "cover_start")


def _cover_end(value: object) -> dt.date | None:
    return None if value is None else _convert.optional_date(value, "cover_end")


def _first_registered(value: object) -> dt.date | None:
    return None if value is None else _convert.optional_date(value, "first_registered")


def _gender(value: object) -> Gender | None:
    return None if value is None else _convert.optional_enum(value, "gender", Gender)


def _role(value: object) -> PolicyRole | None:
    return None if value is None else _convert.optional_enum(value, "role", PolicyRole)


def _extra_repr(extra: Mapping[str, str]) -> str:
    return f"<{len(extra)} extra fields>"


@attrs.frozen(kw_only=True)
class SourceRecord:
    """One source row: its `Provenance` plus canonical, normalised fields.

    Every field but ``provenance`` is optional; empty strings become ``None``. ``line`` is a
    `PolicyLine` (``"交强险"`` and ``"compulsory"`` both work), ``role`` the `PolicyRole` of
    the person on ``policy_no``, ``id_document`` an identity document other than the resident
    ID (an `IdentityDocument` or a mapping of its fields). ``extra`` keeps any further columns
    as text (an immutable mapping), so nothing the source said is lost.
    """

    provenance: Provenance = attrs.field(
        validator=attrs.validators.instance_of(Provenance), repr=lambda _: "..."
    )
    name: str | None = attrs.field(default=None, converter=_name, repr=_mask.name_repr)
    resident_id: str | None = attrs.field(
        default=None,
        converter=_resident_id,
        repr=_mask.resident_id_repr,
    )
    id_document: IdentityDocument | None = attrs.field(default=None, converter=_document)
    uscc: str | None = attrs.field(default=None, converter=_uscc, repr=_mask.uscc_repr)
    birth_date: dt.date | None = attrs.field(
        default=None,
        converter=_birth_date,
        repr=_mask.birth_date_repr,
    )
    gender: Gender | None = attrs.field(default=None, converter=_gender)
    mobile: str | None = attrs.field(default=None, converter=_mobile, repr=_mask.phone_repr)
    home_phone: str | None = attrs.field(
        default=None,
        converter=_home_phone,
        repr=_mask.phone_repr,
    )
    office_phone: str | None = attrs.field(
        default=None,
        converter=_office_phone,
        repr=_mask.phone_repr,
    )
    fax: str | None = attrs.field(default=None, converter=_fax, repr=_mask.phone_repr)
    email: str | None = attrs.field(default=None, converter=_email, repr=_mask.email_repr)
    address: str | None = attrs.field(
        default=None,
        converter=_address,
        repr=_mask.address_repr,
    )
    postcode: str | None = attrs.field(default=None, converter=_postcode)
    policy_no: str | None = attrs.field(default=None, converter=_policy_no)
    line: PolicyLine | None = attrs.field(default=None, converter=_line)
    role: PolicyRole | None = attrs.field(default=None, converter=_role)
    cover_start: dt.date | None = attrs.field(default=None, converter=_cover_start)
    cover_end: dt.date | None = attrs.field(default=None, converter=_cover_end)
    plate: str | None = attrs.field(default=None, converter=_plate, repr=_mask.plate_repr)
    vin: str | None = attrs.field(default=None, converter=_vin, repr=_mask.vin_repr)
    engine_no: str | None = attrs.field(
        default=None,
        converter=_engine_no,
        repr=_mask.engine_no_repr,
    )
    make_model: str | None = attrs.field(default=None, converter=_make_model)
    first_registered: dt.date | None = attrs.field(default=None, converter=_first_registered)
    extra: Mapping[str, str] = attrs.field(default=_EMPTY, converter=_extra, repr=_extra_repr)

    def has_values(self) -> bool:
        """Whether any canonical field holds a value (``extra`` aside): a record of none says
        nothing about a customer (a template's numbered empty line, 序号 alone).

        >>> p = Provenance(channel="core_system", source_ref="R1", observed_at="2026-01-02")
        >>> SourceRecord(provenance=p, extra={"序号": "2"}).has_values()
        False
        >>> SourceRecord(provenance=p, name="张伟").has_values()
        True
        """
        return any(value is not None for value in _ALL(self))

    def values(self) -> Iterator[tuple[str, Any]]:
        """Each canonical field that holds a value, as ``(name, value)``, in field order, then
        each extra column as ``("extra.<name>", text)``."""
        every = zip(FIELDS, _ALL(self), strict=True)
        present = [(name, value) for name, value in every if value is not None]
        if self.extra:
            present += [(f"extra.{key}", value) for key, value in self.extra.items()]
        return iter(present)


#: The canonical field names of a `SourceRecord`, in order (``provenance`` and ``extra`` aside).
FIELDS: tuple[str, ...] = tuple(
    a.name for a in attrs.fields(SourceRecord) if a.name not in ("provenance", "extra")
)

# Reads every canonical field at once (in `FIELDS` order).
_ALL = operator.attrgetter(*FIELDS)
