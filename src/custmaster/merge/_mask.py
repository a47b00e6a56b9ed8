"""Display-safe form of any field value, for reprs, explanations and candidate evidence.

Private. Every mask is the model's (`custmaster.model._mask`), so a value is shown the same
way everywhere (PRIVACY.md: never two different masks of one field).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable

from custmaster.model import _mask as model_mask
from custmaster.model.identity import IdentityDocument
from custmaster.validate import cn_plate, cn_resident_id, cn_uscc, email, engine_no, phone, vin
from custmaster.validate._mask import keep_ends, mask_unknown

__all__ = ["mask_contact", "mask_value"]


def _safe(mask: Callable[[str], str]) -> Callable[[str], str]:
    def apply(value: str) -> str:
        try:
            return mask(value)
        except Exception:
            return mask_unknown(value)

    return apply


_phone = _safe(phone.mask)

_MASKS: dict[str, Callable[[str], str]] = {
    "name": model_mask.mask_name,
    "resident_id": _safe(cn_resident_id.mask),
    "document_number": lambda value: keep_ends(value, 1, 2),
    "uscc": _safe(cn_uscc.mask),
    "mobile": _phone,
    "home_phone": _phone,
    "office_phone": _phone,
    "fax": _phone,
    "phone": _phone,
    "email": _safe(email.mask),
    "address": model_mask.mask_address,
    "plate": _safe(cn_plate.mask),
    "vin": _safe(vin.mask),
    "engine_no": _safe(engine_no.mask),
}

#: Fields shown as they are: not personal on their own.
_PLAIN = frozenset(
    {
        "gender",
        "policy_no",
        "line",
        "cover_start",
        "cover_end",
        "make_model",
        "first_registered",
        "postcode",
        "role",
        "status",
        "kind",
    }
)


def mask_contact(value: str) -> str:
    """A normalised contact value (phone, e-mail or address), masked by its shape.

    >>> mask_contact("+8613800138000")
    '138****8000'
    """
    return model_mask.mask_contact_value(value)


def mask_value(field: str, value: object) -> str:
    """The display form of ``value`` of ``field``; unknown fields are masked conservatively.

    >>> mask_value("mobile", "+8613800138000")
    '138****8000'
    >>> mask_value("birth_date", dt.date(1990, 5, 17))
    '1990-**-**'
    >>> mask_value("policy.PDAA2026.cover_end", dt.date(2027, 1, 31))
    '2027-01-31'
    """
    base = field.rsplit(".", 1)[-1]
    if isinstance(value, tuple):
        return ", ".join(mask_value(field, v) for v in value)
    plain = base in _PLAIN and not field.startswith("extra.")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat() if plain else model_mask.mask_date(value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    code = getattr(value, "code", None)
    if isinstance(code, str):
        return code
    if isinstance(value, IdentityDocument):
        return f"{value.type.value}|{value.country or ''}|{keep_ends(value.number, 1, 2)}"
    if not isinstance(value, str):
        return mask_unknown(value)
    if plain:
        return value
    mask = _MASKS.get(base)
    if mask is not None:
        return mask(value)
    return mask_unknown(value)
