"""Display-safe form of any field value, for reprs, explanations and candidate evidence.

Private. Every mask is `custmaster.privacy.masking.mask`, so a value is shown the same way
everywhere (PRIVACY.md: one mask per field kind, never two different masks of one field).
This module only maps merge's field addresses onto privacy's field names.
"""

from __future__ import annotations

from custmaster.privacy import masking

__all__ = ["mask_contact", "mask_value"]

#: Pseudo-fields used by merge and resolution, and the field whose mask they share.
_ALIASES = {"phone": "mobile"}


def mask_contact(value: str) -> str:
    """A normalised contact value (phone, e-mail or address), masked by its shape.

    >>> mask_contact("+8613800138000")
    '138****8000'
    """
    return masking.mask_contact(value)


def mask_value(field: str, value: object) -> str:
    """The display form of ``value`` of a field address (``"policy.<no>.<field>"`` too).

    >>> import datetime as dt
    >>> mask_value("mobile", "+8613800138000")
    '138****8000'
    >>> mask_value("birth_date", dt.date(1990, 5, 17))
    '1990-**-**'
    >>> mask_value("policy.PDAA2026.cover_end", dt.date(2027, 1, 31))
    '2027-01-31'
    """
    if field.startswith("policy.") and field.count(".") >= 2:
        field = field.split(".", 2)[2]
    field = _ALIASES.get(field, field)
    if isinstance(value, tuple):
        return ", ".join(mask_value(field, v) for v in value)
    return masking.mask(field, value)
