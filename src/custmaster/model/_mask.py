"""Display forms of model field values for ``repr`` and ``str`` (PRIVACY.md §4).

Private. Each ``*_repr`` function takes a field value (or ``None``) and returns the text that
the attrs-generated ``repr`` shows in its place; each delegates to a validator's ``mask()``
where one exists and never raises, so printing an object can never fail or leak.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable

from custmaster.privacy.masking import mask_address as _privacy_mask_address
from custmaster.validate import cn_name, cn_plate, cn_resident_id, cn_uscc, email, engine_no, phone
from custmaster.validate import vin as vin_module
from custmaster.validate._mask import keep_ends, mask_unknown

__all__ = [
    "address_repr",
    "birth_date_repr",
    "contact_value_repr",
    "document_number_repr",
    "email_repr",
    "engine_no_repr",
    "mask_address",
    "mask_contact_value",
    "mask_date",
    "mask_field",
    "mask_name",
    "mask_value",
    "name_repr",
    "phone_repr",
    "plate_repr",
    "resident_id_repr",
    "uscc_repr",
    "vin_repr",
]


def mask_address(value: str) -> str:
    """Keep the province, city and district of an address and hide the rest.

    The one address mask of custmaster, `custmaster.privacy.masking.mask_address`; an address
    with no recognisable division is hidden entirely.

    >>> mask_address("福建省厦门市思明区湖滨南路100号")
    '福建省厦门市思明区******'
    >>> mask_address("福建省福州市鼓楼区五四路1号")
    '福建省福州市鼓楼区******'
    """
    return _privacy_mask_address(value)


def mask_date(value: dt.date) -> str:
    """A birth date shown as its year only: ``1990-**-**``."""
    return f"{value.year:04d}-**-**"


def _safe(mask: Callable[[str], str]) -> Callable[[str], str]:
    def apply(value: str) -> str:
        try:
            return mask(value)
        except Exception:
            return mask_unknown(value)

    return apply


def mask_name(value: str) -> str:
    """A person's or organisation's name: the person-name mask, or the ends of anything else.

    >>> mask_name("张伟")
    '张*'
    """
    try:
        return cn_name.mask(value)
    except Exception:
        return keep_ends(value, 2, 2)


def mask_contact_value(value: str) -> str:
    """A normalised contact value of any kind, masked by its shape.

    Phone numbers are ``+``-prefixed E.164 or service digits, e-mail addresses hold ``@``,
    anything else is an address.

    >>> mask_contact_value("+8613800138000")
    '138****8000'
    >>> mask_contact_value("福建省厦门市思明区湖滨南路100号")
    '福建省厦门市思明区******'
    """
    if "@" in value:
        return _safe(email.mask)(value)
    if value[:1] == "+" or value[:1].isdigit():
        return _safe(phone.mask)(value)
    return mask_address(value)


def mask_value(value: object) -> str:
    """Any field value of unknown meaning: dates by year, text by `mask_unknown`."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return mask_date(value)
    if isinstance(value, str):
        return mask_unknown(value)
    return repr(value)


def _repr_of(mask: Callable[[str], str]) -> Callable[[str | None], str]:
    safe = _safe(mask)

    def show(value: str | None) -> str:
        return "None" if value is None else repr(safe(value))

    return show


def birth_date_repr(value: dt.date | None) -> str:
    """The ``repr`` of a birth date: its year only."""
    return "None" if value is None else repr(mask_date(value))


name_repr = _repr_of(mask_name)
resident_id_repr = _repr_of(cn_resident_id.mask)
uscc_repr = _repr_of(cn_uscc.mask)
phone_repr = _repr_of(phone.mask)
email_repr = _repr_of(email.mask)
address_repr = _repr_of(mask_address)
plate_repr = _repr_of(cn_plate.mask)
vin_repr = _repr_of(vin_module.mask)
engine_no_repr = _repr_of(engine_no.mask)
document_number_repr = _repr_of(lambda value: keep_ends(value, 1, 2))
contact_value_repr = _repr_of(mask_contact_value)

_FIELD_MASKS: dict[str, Callable[[str], str]] = {
    "name": mask_name,
    "resident_id": _safe(cn_resident_id.mask),
    "uscc": _safe(cn_uscc.mask),
    "mobile": _safe(phone.mask),
    "home_phone": _safe(phone.mask),
    "office_phone": _safe(phone.mask),
    "fax": _safe(phone.mask),
    "email": _safe(email.mask),
    "address": mask_address,
    "plate": _safe(cn_plate.mask),
    "vin": _safe(vin_module.mask),
    "engine_no": _safe(engine_no.mask),
    "operator": mask_name,
}

#: Fields whose values are not personal on their own and are shown as they are.
_PLAIN_FIELDS = frozenset(
    {"gender", "postcode", "policy_no", "line", "role", "cover_start", "cover_end",
     "make_model", "first_registered", "level", "key_customer", "first_channel"}
)  # fmt: skip


def mask_field(field: str, value: object) -> str:
    """The display form of a value of the named field (unknown fields masked conservatively).

    >>> mask_field("resident_id", "11010519491231002X")
    '110***********002X'
    >>> mask_field("birth_date", dt.date(1990, 5, 1)), mask_field("cover_end", dt.date(2027, 1, 5))
    ('1990-**-**', '2027-01-05')
    """
    mask = _FIELD_MASKS.get(field)
    if mask is not None and isinstance(value, str):
        return mask(value)
    if field in _PLAIN_FIELDS:
        return str(value.value) if isinstance(value, enum.Enum) else str(value)
    if isinstance(value, str):
        return mask_unknown(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return mask_date(value)
    return repr(value)
