"""Tell what kind of identifier a value is: resident ID, USCC or mobile number.

Source files mix identifiers in one column (``证件号码`` holding resident IDs for people and
unified social credit codes for companies). Length alone does not decide: both have 18
characters, and about one resident ID in 31 also passes the USCC check character, because a
resident ID's digits are all valid USCC characters and its first two digits often read as a
registration authority and organisation type (``11`` is 机构编制/机关).

`detect` returns every kind the value validates as and, when the evidence points one way,
the ``likely`` kind. A kind counts as clean when it validates without doubt: a resident ID
without warnings; a USCC without warnings whose embedded organisation code passes its own
GB 11714 check. ``likely`` is the only clean kind, or the only kind at all; when several kinds
are equally plausible it is None and the value needs a person (or another column) to decide.

The ``mobile`` kind is a shape check only (a mainland mobile number, ``1[3-9]`` and nine more
digits, with an optional ``+86``); `custmaster.validate.phone` is the real phone validator.

>>> detect('11010519491231002X')
Detection(kinds=('resident_id',), likely='resident_id')
>>> detect('9111 0000 6000 3734 1L')
Detection(kinds=('uscc',), likely='uscc')

A resident ID that also passes the USCC check; as a USCC its region ``010519`` does not exist
and its organisation code fails its check, so it is most likely a resident ID:

>>> detect('11010519491231037X')
Detection(kinds=('resident_id', 'uscc'), likely='resident_id')
>>> detect('34210219900101368X')  # clean both ways: a person must decide
Detection(kinds=('resident_id', 'uscc'), likely=None)
>>> detect('+86 138-0013-8000')
Detection(kinds=('mobile',), likely='mobile')
>>> detect('110105194912310021')  # wrong check character: nothing
Detection(kinds=(), likely=None)
>>> detect(None).kinds
()
"""

from __future__ import annotations

import re
from typing import Literal

import attrs

from custmaster.errors import ValidationError
from custmaster.validate import cn_resident_id, cn_uscc
from custmaster.validate.cn_resident_id import _clean

__all__ = ["KINDS", "Detection", "Kind", "detect"]

Kind = Literal["resident_id", "uscc", "mobile"]

#: The kinds `detect` knows, in the order it reports them.
KINDS: tuple[Kind, ...] = ("resident_id", "uscc", "mobile")

_MOBILE = re.compile(r"(?:\+86|0086|86)?1[3-9][0-9]{9}")


@attrs.frozen
class Detection:
    """What `detect` found: every kind the value validates as, and the likely one (or None)."""

    kinds: tuple[Kind, ...]
    likely: Kind | None

    @property
    def ambiguous(self) -> bool:
        """True when the value validates as several kinds and none stands out.

        >>> detect('11010519491231002X').ambiguous
        False
        """
        return len(self.kinds) > 1 and self.likely is None


def _resident_id(value: str) -> bool | None:
    """None when not a resident ID, else whether it is a clean one."""
    try:
        return not cn_resident_id.parse(value).warnings
    except ValidationError:
        return None


def _uscc(value: str) -> bool | None:
    """None when not a USCC, else whether it is a clean one."""
    try:
        parsed = cn_uscc.parse(value)
    except ValidationError:
        return None
    return not parsed.warnings and parsed.organisation_code_valid


def detect(value: object) -> Detection:
    """Return the kinds of identifier the value validates as, and the likely one; never raises.

    >>> detect('110105491231002')  # a 15-digit resident ID
    Detection(kinds=('resident_id',), likely='resident_id')
    """
    if not isinstance(value, str):
        return Detection(kinds=(), likely=None)
    found: dict[Kind, bool] = {}
    resident = _resident_id(value)
    if resident is not None:
        found["resident_id"] = resident
    uscc = _uscc(value)
    if uscc is not None:
        found["uscc"] = uscc
    if _MOBILE.fullmatch(_clean(value).replace("(", "").replace(")", "")):
        found["mobile"] = True
    kinds = tuple(kind for kind in KINDS if kind in found)
    clean = [kind for kind in kinds if found[kind]]
    likely: Kind | None = None
    if len(kinds) == 1:
        likely = kinds[0]
    elif len(clean) == 1:
        likely = clean[0]
    return Detection(kinds=kinds, likely=likely)
