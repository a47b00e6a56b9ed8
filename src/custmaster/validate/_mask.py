"""Masking primitives shared by the validators (display rules of PRIVACY.md).

Private: each validator's public ``mask()`` applies its own rule with these.
"""

from __future__ import annotations

__all__ = ["keep_ends", "mask_unknown"]

_FILL = "*"


def keep_ends(value: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters, one ``*`` for each other one.

    When the value is too short for that rule to hide anything, fewer characters are kept, so
    that at least half of such a value is hidden.

    >>> keep_ends("13800138000", 3, 4)
    '138****8000'
    >>> keep_ends("12345", 3, 4)
    '1***5'
    """
    n = len(value)
    if n == 0:
        return ""
    if head + tail < n:
        return value[:head] + _FILL * (n - head - tail) + (value[n - tail :] if tail else "")
    while head + tail > n // 2 and (head or tail):
        if head >= tail and head:
            head -= 1
        elif tail:
            tail -= 1
    hidden = n - head - tail
    return value[:head] + _FILL * hidden + (value[n - tail :] if tail else "")


def mask_unknown(value: object) -> str:
    """Mask a value that failed validation, whatever it is, never showing most of it.

    Used for ``ValidationError.masked_value``: a bad ID or phone number is still personal data.

    Less than half of it is shown, and never more than seven characters: nothing up to 4
    characters, the first and last one up to 11 (a mistyped mobile number), the first 3 and
    last 2 up to 15, the first 3 and last 4 from 16 (a mistyped resident ID).

    >>> mask_unknown("11010519491231002")
    '110**********1002'
    >>> mask_unknown("1380013800"), mask_unknown("138001380000")
    ('1********0', '138*******00')
    >>> mask_unknown("ab")
    '**'
    >>> mask_unknown(None)
    '<NoneType>'
    """
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    text = "".join(ch if ch.isprintable() else "?" for ch in value[:64])
    n = len(text)
    if n <= 4:
        shown = _FILL * n
    elif n <= 11:
        shown = keep_ends(text, 1, 1)
    elif n <= 15:
        shown = keep_ends(text, 3, 2)
    else:
        shown = keep_ends(text, 3, 4)
    return shown + ("…" if len(value) > 64 else "")
