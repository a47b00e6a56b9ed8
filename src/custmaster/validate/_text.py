"""Text clean-up shared by the vehicle, name and contact validators.

Private. Only full-width ASCII forms (U+FF01-U+FF5E, typed with a Chinese input method) and the
ideographic space are folded to ASCII; other compatibility forms (``'⑱'``, ``'²'``, Arabic-Indic
digits) are *not* folded, so they stay invalid instead of silently becoming digits.
"""

from __future__ import annotations

import re
from typing import TypeVar

from custmaster.errors import ValidationError
from custmaster.validate._mask import mask_unknown

__all__ = ["FULLWIDTH_CLASS", "MAX_INPUT", "error", "fold_width", "label_pattern", "without_label"]

#: Inputs longer than this are refused before any other work (they cannot be any of our formats).
MAX_INPUT = 4096

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # IDEOGRAPHIC SPACE

#: The characters `fold_width` changes, as the body of a regular-expression character class.
FULLWIDTH_CLASS = "\u3000\uff01-\uff5e"
_WIDE = re.compile(f"[{FULLWIDTH_CLASS}]")

_E = TypeVar("_E", bound=ValidationError)


def fold_width(text: str) -> str:
    """Map full-width ASCII forms and the ideographic space to ASCII, one character for one.

    >>> fold_width("ＬＳＶ　１２３")
    'LSV 123'
    >>> fold_width("③²")
    '③²'
    """
    # str.translate looks up every character; most text has nothing to fold, so look first.
    if text.isascii() or _WIDE.search(text) is None:
        return text
    return text.translate(_FULLWIDTH)


def error(cls: type[_E], value: object, *, code: str, codes: dict[str, str], zh: str) -> _E:
    """Build ``cls`` with ``code``, its description from ``codes`` and ``value`` masked.

    >>> from custmaster.errors import InvalidLength
    >>> from custmaster.validate.vin import ERROR_CODES
    >>> e = error(InvalidLength, "LSV123", code="vin.length", codes=ERROR_CODES, zh="位数错误。")
    >>> str(e)
    '[vin.length] value=L****3: A VIN has exactly 17 characters. / 位数错误。'
    """
    return cls(codes[code], code=code, message_zh=zh, masked_value=mask_unknown(value))


def label_pattern(chinese: str, latin: str = "") -> re.Pattern[str]:
    """The label a person writes before a value in a cell (``身份证号：``, ``VIN: ``): one of the
    ``chinese`` words (a regular-expression alternation), then a colon, 为 or nothing; or one
    of the ``latin`` words, then a colon or a space (a Latin label must be set apart from a
    value that may start with letters)."""
    pattern = rf"\s*(?:{chinese})\s*(?:[:：]|为|是)?\s*"
    if latin:
        pattern += rf"|\s*(?:{latin})\s*[:：]\s*|\s*(?:{latin})\s+"
    return re.compile(pattern, re.IGNORECASE)


def without_label(text: str, label: re.Pattern[str]) -> str:
    """``text`` without the label (`label_pattern`) it starts with, when a value follows.

    >>> label = label_pattern("身份证号码?|身份证", "ID")
    >>> without_label("身份证号：11010519491231002X", label), without_label("ID 12345", label)
    ('11010519491231002X', '12345')
    >>> without_label("身份证号", label)
    '身份证号'
    """
    match = label.match(text)
    if match is None or match.end() == len(text):
        return text
    return text[match.end() :]
