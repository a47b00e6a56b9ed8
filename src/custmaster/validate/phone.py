"""Phone numbers (电话号码), Chinese first: mobiles, fixed lines, 400/800 and service numbers.

A Chinese number is one of:

* a **mobile** number, 11 digits starting with ``1`` (``138 0013 8000``; the valid prefixes,
  19x and 16x included, are those of phonenumbers' metadata, plus China Telecom's 149 block,
  which it lacks);
* a **fixed line**: trunk prefix ``0``, area code (``10``, ``2x`` or three digits) and a
  7- or 8-digit local number (``0592-5123456``, ``021-12345678``); a fax number is a
  fixed line too, ``fax`` is only the caller's label for the field;
* a **toll-free** (800) or **shared-cost** (400, 950…) number, as phonenumbers classifies them;
* a **service** number (``95511``, ``10086``, ``12345``, ``110``), valid only inside China
  and dialled as written: it has no E.164 form. They come from phonenumbers' short-number
  metadata (``shortnumberinfo``).

`parse` accepts what people and spreadsheets write: ``+86``/``0086``/``86`` prefixes, spaces,
``-``, ``.``, brackets (square ones too), full-width digits and punctuation, the formula text of a
CSV export (``="13800138000"``), labels (``手机：``, ``Tel:``, ``传真：``, ``电话/传真：``,
``（微信同号）``, ``QQ同号``, ``办公``…), notes (below), the calling codes of Hong Kong, Macao and
Taiwan written without ``+`` (``852-91234567``, only when the digits are no Chinese number), the
name of one of these places written with the number (``香港 91234567``, ``91234567（香港）``,
``澳门 6612 3456``, ``台湾 0912 345 678``, ``HK 91234567``, ``Macau 66123456``: the number is read
by that place's rules first, Taiwan's trunk ``0`` included, and by China's when it is none of that
place's), IP-dial prefixes (``17951``, ``12593``, ``17911``, ``17909``, ``10193``), spreadsheet
renderings (``13800138000.0``, ``1.3800138E10``) and extensions (``转801``, ``分机号801``,
``ext. 801``, ``x801``, ``#801``, the same in brackets, ``（转801）``, or a short group after a
complete fixed line: ``0592-5123456-801``). A scientific rendering with at most 6 significant
digits (``1.38001E+10``, Excel's General format) has lost the others and is refused with
``phone.length`` rather than read as ``13800100000``. Several numbers in one value
(``13800138000/13900139000``, ``13800138000或13900139000``,
``手机：13800138000 座机：0592-5123456``), and mobiles written one after another without a
separator (``1380013800013900139000``, each part a valid mobile), are ``phone.multiple``, and so
are the area code written once (``0592-5123456、5123457``) and consecutive lines written by their
last digits (``0592-5123456/7``), which `parse_many` completes; one number written twice
(``13800138000/13800138000``) is that number.
A masked number pasted back from a display (``138****8000``) is ``phone.masked``; a
phrase saying none was given (``未提供``, ``客户未留``) is ``phone.empty``.
Letters are never read as digits (``138OO138OOO`` is ``phone.vanity``). A local number
without its area code (``5123456``) is ``phone.area_code_missing`` unless the caller names
the area: ``parse("5123456", default_area_code="0592")``. Numbers of other countries are
handed to phonenumbers (``+44 20 7946 0958``); ``region`` says how to read numbers written
without a country code.

**Notes.** Call-centre systems and spreadsheets write notes next to the number. A note of Han
characters just before or after it, bracketed or not, about the person or about one call
(``13800138000（本人）``, ``张先生 13800138000``, ``13800138000老婆``, ``13800138000 关机``), or
before an extension marker (``0592-5123456 总机转801``), is dropped; so is a note of several words
(``021-62345678 转 总经理 办公室``: an extension named, not numbered, leaves the number). A note
saying the *number* is bad is never dropped: the value is refused with ``phone.status``, bracketed
or not, before or after the number, and alone (``13800138000(停机)``, ``13800138000 空号``,
``已销号 13800138000``, ``空号``); `parse_many` rejects the fragment that carries it. Bad means the
number does not exist (空号, 号码不存在, 无效), is suspended or cancelled (停机, 欠费停机, 停用,
已销号, 注销, 暂停服务), is no longer used (已不用, 不用了, 失效) or is not the customer's (错
alone, 错号, 号码错误, 号码有误, 不正确, 非本人, 已换号, 号码已更换, 改号, 无此号码; not 没错,
不错, 错过). Transient results of one call (关机, 无人接听, 无法接通, 占线, 拒接) say nothing
against the number, nor does 停机保号 (suspended at the customer's request, the number kept); they
are dropped like any note. Negations are not read (``未停机`` counts as 停机). Han text between the
digits is no note (``phone.format``).

The canonical form (`validate`) is E.164, with ``;ext=801`` (RFC 3966) when there is an
extension, or the bare digits of a service number. `format` gives the national display form:
``138 0013 8000``, ``0592-5123456``, ``0592-5123456 转 801``, ``400 123 4567``, ``95511``,
and phonenumbers' international form for other countries. `mask` follows PRIVACY.md: a
mobile keeps its first 3 and last 4 digits (``138****8000``), a fixed line its area code and
last 2 digits (``0592-*****56``); service numbers are not personal and are shown in full.

`PhoneNumber.national` is the national significant number (no trunk ``0``: ``5925123456``;
the digits as written for service numbers); `PhoneNumber.area_code` is the area code *with*
its trunk ``0`` (``0592``, ``010``) for Chinese fixed lines and None otherwise.

**Speed.** Chinese numbers written as digits, spaces, dashes and brackets (``+86``/``0086``
included), service numbers among them, take a fast path: China's numbering plan compiled
at import from phonenumbers' metadata into lookup tables and a digit automaton (private
module ``_phone_plan``). On the mixed inputs of ``benchmarks/_phone.py`` it is over ten
times faster than ``phonenumbers.parse`` + ``is_valid_number`` + ``format_number`` (14-19
times on plain digit strings), with the same results (``tests/test_phone_differential.py``).
Labels, extension markers, full-width characters and the like go through the general path
(a few microseconds); other countries' numbers through phonenumbers itself. Nothing is
cached per number.

**Deliberate differences from phonenumbers** (its parse + is_valid_number + E.164, region
CN; each is asserted in ``tests/test_phone_differential.py``):

* ``0592-5123456-801``: phonenumbers glues the extension on (``+865925123456801``, invalid);
  custmaster gives ``+865925123456;ext=801``.
* ``0592-5123456 转 801``: phonenumbers raises (not a number); custmaster gives
  ``+865925123456;ext=801``.
* ``95511``, ``10086``, ``12345``, ``110``: invalid for phonenumbers (short numbers are only
  in its ``shortnumberinfo``); valid here, kind ``service``, no E.164.
* ``1019313800138000``: invalid for phonenumbers; custmaster strips the IP-dial prefix:
  ``+8613800138000``.
* ``1795105925123456``: invalid for phonenumbers (it strips ``17951`` but keeps the trunk
  ``0``); custmaster gives ``+865925123456``.
* ``138OO138OOO``: phonenumbers reads letters as keypad digits (``+8613866138666``, valid);
  custmaster refuses it: ``phone.vanity``.
* ``13800138000/13900139000``: phonenumbers raises (too long); custmaster says
  ``phone.multiple``, and `parse_many` splits it.
* ``手机：138 0013 8000（微信同号）``: phonenumbers raises (not a number); custmaster
  gives ``+8613800138000``.
* ``13800138000.0``: phonenumbers reads ``+86138001380000`` (invalid); custmaster drops the
  spreadsheet's ``.0``: ``+8613800138000``.
* ``5123456``: both invalid, custmaster with ``phone.area_code_missing``; valid with
  ``default_area_code``. ``5551234``: phonenumbers reads area code 0555 with the local number
  1234 (valid); custmaster reads a local number without its area code, as for ``5123456``.
* ``852-91234567``: phonenumbers reads ``+8685291234567`` (invalid); custmaster reads the
  calling code of Hong Kong, Macao or Taiwan (`NEIGHBOUR_CODES`) written without ``+``:
  ``+85291234567``, when the digits are no Chinese number.
* ``14957321234``: invalid for phonenumbers, whose metadata lacks the 149 block the MIIT
  assigned to China Telecom; custmaster adds it (``_phone_plan.SUPPLEMENT``) and gives
  ``+8614957321234``, a mobile.
* ``07621238`` (area code and a short local number): phonenumbers' area code is ``076``
  (from its display format ``076 21238``); custmaster's is ``0762``.

Three more, asserted in ``tests/test_phone.py``:

* ``香港 91234567``: phonenumbers skips the Han text and reads ``+8691234567`` (invalid);
  custmaster reads the place name: ``+85291234567``. ``台湾 0912345678``: phonenumbers
  ``+86912345678`` (invalid), custmaster ``+886912345678``.
* ``1380013800013900139000``: phonenumbers raises (too long); custmaster says
  ``phone.multiple`` and `parse_many` returns both mobiles.
* ``021-62345678 转 总经理办公室``: phonenumbers raises; custmaster gives ``+862162345678``.

More information:

* https://en.wikipedia.org/wiki/Telephone_numbers_in_China
* https://github.com/daviddrysdale/python-phonenumbers (the metadata this module compiles)
* https://www.rfc-editor.org/rfc/rfc3966 (``;ext=``)

>>> validate("手机：138-0013-8000")
'+8613800138000'
>>> validate("0592-5123456-801")
'+865925123456;ext=801'
>>> parse("(0592)5123456 转 801")
PhoneNumber('0592-*****56', kind='fixed_line', region='CN', extension='801')
>>> parse("021 6234 5678").area_code
'021'
>>> parse("95511").kind, validate("95511")
(<PhoneKind.SERVICE: 'service'>, '95511')
>>> format("+86 13800138000"), format("05925123456#801")
('138 0013 8000', '0592-5123456 转 801')
>>> mask("13800138000"), mask("0592-5123456"), mask("12345")
('138****8000', '0592-*****56', '12345')
>>> validate("13800138000（本人）"), validate("张先生 13800138000")
('+8613800138000', '+8613800138000')
>>> validate("13800138000 空号")
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [phone.status] value=138*********空号: ...
>>> validate("852-91234567")
'+85291234567'
>>> validate("5123456", default_area_code="0592")
'+865925123456'
>>> parse("+44 20 7946 0958").kind
<PhoneKind.FIXED_LINE: 'fixed_line'>
>>> [str(n.e164) for n in parse_many("13800138000/0592-5123456；12345").numbers]
['+8613800138000', '+865925123456', 'None']
>>> validate("5123456")
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [phone.area_code_missing] value=5*****6: ...
>>> validate("138OO138OOO")
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [phone.vanity] value=1*********O: ...
>>> validate("1380013800")
Traceback (most recent call last):
    ...
custmaster.errors.InvalidLength: [phone.length] value=1********0: ...
>>> is_valid("14612345678"), is_valid(None), is_valid("")
(False, False, False)
"""

from __future__ import annotations

import enum
import re
from typing import Final

import attrs
import phonenumbers

from custmaster.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    UsageError,
    ValidationError,
)
from custmaster.validate._mask import keep_ends, mask_unknown
from custmaster.validate._phone_plan import CN as _CN
from custmaster.validate._phone_plan import FOREIGN as _FOREIGN
from custmaster.validate._phone_plan import INVALID_LENGTH as _INVALID_LENGTH
from custmaster.validate._phone_plan import TOO_LONG as _TOO_LONG
from custmaster.validate._phone_plan import TOO_SHORT as _TOO_SHORT
from custmaster.validate._phone_text import clean as _clean
from custmaster.validate._phone_text import split_fields as _split_fields
from custmaster.validate._phone_text import status_note as _status_note
from custmaster.validate._phone_text import to_ascii as _to_ascii

__all__ = [
    "ERROR_CODES",
    "IP_DIAL_PREFIXES",
    "NEIGHBOUR_CODES",
    "ParsedPhones",
    "PhoneKind",
    "PhoneNumber",
    "compact",
    "format",
    "has_status_note",
    "is_valid",
    "mask",
    "parse",
    "parse_many",
    "validate",
]

#: Every error code this module raises, with what it means.
ERROR_CODES: Final[dict[str, str]] = {
    "phone.empty": "The value holds no phone number (empty, only a label, or a placeholder).",
    "phone.format": "The value has characters or a structure a phone number cannot have.",
    "phone.vanity": "The number contains letters; letters are never read as digits.",
    "phone.length": "The number has too few or too many digits (a mobile has 11).",
    "phone.area_code_missing": "A local fixed-line number lacks its area code.",
    "phone.invalid_number": "The digits are not a valid number of the numbering plan.",
    "phone.country_code": "The country calling code after '+' or '00' is not known.",
    "phone.extension": "The extension is longer than 6 digits or the number takes none.",
    "phone.multiple": "The value holds several numbers; parse_many() splits them.",
    "phone.masked": "The number is masked ('*'): a display copy; the full number is needed.",
    "phone.status": "A note with the number says it is bad (空号, 停机, 错号, 已销号 …).",
    "phone.region": "The region argument is not a region phonenumbers knows (UsageError).",
    "phone.default_area_code": "default_area_code is not an area code such as '0592' (UsageError).",
}

_MESSAGES: Final[dict[str, tuple[type[ValidationError], str, str]]] = {
    "phone.empty": (InvalidFormat, "No phone number given.", "未填写电话号码。"),
    "phone.format": (InvalidFormat, "Not a phone number.", "不是电话号码。"),
    "phone.vanity": (
        InvalidFormat,
        "The number contains letters.",
        "电话号码中含有字母。",
    ),
    "phone.length": (InvalidLength, "Wrong number of digits.", "电话号码位数错误。"),
    "phone.area_code_missing": (
        InvalidComponent,
        "The fixed-line number has no area code.",
        "固定电话缺少区号。",
    ),
    "phone.invalid_number": (
        InvalidComponent,
        "The number does not exist in the numbering plan.",
        "号码不符合编号规则。",
    ),
    "phone.country_code": (InvalidComponent, "Unknown country code.", "国际区号无效。"),
    "phone.extension": (InvalidComponent, "Invalid extension.", "分机号无效。"),
    "phone.multiple": (
        InvalidFormat,
        "The value holds several phone numbers.",
        "包含多个电话号码。",
    ),
    "phone.masked": (
        InvalidFormat,
        "The number is masked ('*'); the full number is needed.",
        "电话号码已脱敏（含 *），需要完整号码。",
    ),
    "phone.status": (
        InvalidComponent,
        "A note says the number does not exist, is suspended or is not the customer's.",
        "备注说明该号码无效（空号、停机、错号、已销号等）。",
    ),
}

#: IP-dial (carrier discount) prefixes stripped before a valid national number.
IP_DIAL_PREFIXES: Final[frozenset[str]] = frozenset({"17951", "12593", "17911", "17909", "10193"})

#: Calling codes of Hong Kong, Macao and Taiwan: digits that start with one, written without
#: ``+`` or ``00`` (``852-91234567``), are read as that region's number when they are no
#: Chinese number (as phonenumbers reads ``86…`` without ``+``).
NEIGHBOUR_CODES: Final[frozenset[str]] = frozenset({"852", "853", "886"})

_MAX_EXTENSION: Final = 6
_MIN_LOCAL: Final = 7
_MIN_NON_GEOGRAPHIC: Final = 10
# Fewest digits of a number that takes a bare extension (2-digit area code, 7-digit local).
_MIN_HOST: Final = 2 + _MIN_LOCAL
_MAX_DIGITS: Final = 40
_MAX_TEXT: Final = 256  # characters of one number with its labels (phonenumbers allows 250)
_MAX_FIELD: Final = 8192  # characters of a field for parse_many
_MAX_GROUPS: Final = 8  # space-separated groups one number may span in parse_many


class PhoneKind(str, enum.Enum):
    """What a number is; the values are phonenumbers' number types plus ``service``."""

    MOBILE = "mobile"
    FIXED_LINE = "fixed_line"
    FIXED_LINE_OR_MOBILE = "fixed_line_or_mobile"
    TOLL_FREE = "toll_free"
    PREMIUM_RATE = "premium_rate"
    SHARED_COST = "shared_cost"
    VOIP = "voip"
    PERSONAL_NUMBER = "personal_number"
    PAGER = "pager"
    UAN = "uan"
    VOICEMAIL = "voicemail"
    SERVICE = "service"


_KIND_BY_NAME: Final = {kind.value: kind for kind in PhoneKind}
_KIND_BY_PN_TYPE: Final = {
    getattr(phonenumbers.PhoneNumberType, kind.name): kind
    for kind in PhoneKind
    if kind is not PhoneKind.SERVICE
}
# Kinds that have an area code (a tuple: PhoneKind's hash is computed in Python, slow).
_FIXED_KINDS: Final = (PhoneKind.FIXED_LINE, PhoneKind.FIXED_LINE_OR_MOBILE)
_FIXED_NAMES: Final = frozenset(kind.value for kind in _FIXED_KINDS)


@attrs.frozen(repr=False)
class PhoneNumber:
    """A valid phone number; its repr shows only the masked number.

    ``e164`` has no extension and is None for service numbers; ``national`` is the national
    significant number (the digits as dialled for service numbers); ``area_code`` is set for
    Chinese fixed lines, with the trunk ``0``; ``region`` is the ISO 3166 region code.
    """

    e164: str | None
    national: str
    kind: PhoneKind
    area_code: str | None = None
    extension: str | None = None
    region: str = "CN"

    def __repr__(self) -> str:
        extension = f", extension={self.extension!r}" if self.extension is not None else ""
        return (
            f"PhoneNumber({_mask_number(self)!r}, kind={self.kind.value!r}, "
            f"region={self.region!r}{extension})"
        )

    __str__ = __repr__

    @property
    def canonical(self) -> str:
        """The form `validate` returns: E.164 (``;ext=…`` added), or a service number's digits.

        >>> parse("0592-5551234转8001").canonical
        '+865925551234;ext=8001'
        """
        if self.e164 is None:
            return self.national
        if self.extension is not None:
            return f"{self.e164};ext={self.extension}"
        return self.e164


@attrs.frozen
class ParsedPhones:
    """The numbers found in a field that may hold several, and the parts that were unusable.

    ``rejects`` holds ``(masked fragment, error code)`` pairs; fragments that are only
    labels or placeholders are neither numbers nor rejects.
    """

    numbers: tuple[PhoneNumber, ...] = ()
    rejects: tuple[tuple[str, str], ...] = ()


# -- classification ---------------------------------------------------------------------------

# The hot path builds PhoneNumber through its slot descriptors: same fields, same class, about
# half the cost of the generated frozen __init__ (PhoneNumber has no validators or converters).
_new_object = object.__new__
_set_e164, _set_national, _set_kind, _set_area_code, _set_extension, _set_region = (
    PhoneNumber.__dict__[field.name].__set__ for field in attrs.fields(PhoneNumber)
)


def _cn_number(nsn: str, name: str) -> PhoneNumber:
    kind = _KIND_BY_NAME[name]
    number: PhoneNumber = _new_object(PhoneNumber)
    _set_e164(number, "+86" + nsn)
    _set_national(number, nsn)
    _set_kind(number, kind)
    _set_area_code(
        number, "0" + nsn[: 2 if nsn[0] in "12" else 3] if name in _FIXED_NAMES else None
    )
    _set_extension(number, None)
    _set_region(number, "CN")
    return number


def _foreign(digits: str, region: str) -> PhoneNumber | str:
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return "phone.country_code"
        if exc.error_type == phonenumbers.NumberParseException.NOT_A_NUMBER:
            return "phone.format"
        return "phone.length"
    nsn = phonenumbers.national_significant_number(number)
    if number.country_code == _CN.country_code:
        return _classify_cn("+86" + nsn, None)
    if not phonenumbers.is_valid_number(number):
        return "phone.invalid_number"
    return PhoneNumber(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        nsn,
        _KIND_BY_PN_TYPE[phonenumbers.number_type(number)],
        None,
        None,
        phonenumbers.region_code_for_number(number) or "ZZ",
    )


def _classify_cn(digits: str, area: str | None, *, ip_prefix: bool = True) -> PhoneNumber | str:
    nsn = _CN.national(digits)
    if nsn == _FOREIGN:
        return _foreign(digits, "CN")
    if nsn is not None:
        name = _CN.kind(nsn)
        # 7 or 8 digits without the trunk 0 are a local number, even where phonenumbers
        # accepts them as an area code with a short local number (``5551234``: 0555-1234)
        if name is not None and not (name == "fixed_line" and _is_local(digits)):
            return _cn_number(nsn, name)
    if digits[0] != "+":
        if ip_prefix and len(digits) > 5 and digits[:5] in IP_DIAL_PREFIXES:
            number = _classify_cn(digits[5:], None, ip_prefix=False)
            if isinstance(number, PhoneNumber) and number.kind is not PhoneKind.SERVICE:
                return number
        if _CN.is_short_code(digits):
            return _service(digits)
        if area is not None and _is_local(digits):
            number = _classify_cn("0" + area + digits, None, ip_prefix=False)
            if isinstance(number, PhoneNumber) and number.kind in _FIXED_KINDS:
                return number
            return "phone.invalid_number"
        if digits[:3] in NEIGHBOUR_CODES:
            number = _foreign("+" + digits, "CN")
            if isinstance(number, PhoneNumber):
                return number
    return _cn_error(digits, nsn)


def _service(digits: str) -> PhoneNumber:
    return PhoneNumber(None, digits, PhoneKind.SERVICE, None, None, "CN")


def _is_local(digits: str) -> bool:
    """A local fixed-line number without its area code: 7 or 8 digits, not 0 or 1 first."""
    return 7 <= len(digits) <= 8 and digits[0] in "23456789"


def _cn_error(digits: str, nsn: str | None) -> str:
    """Why ``digits`` is no Chinese number (after the IP-dial and service-number rules)."""
    if digits[0] != "+" and _is_local(digits):
        return "phone.area_code_missing"
    if nsn is None or nsn == _FOREIGN:
        return "phone.length"
    if len(nsn) > 1 and nsn[0] == "1" and nsn[1] in "3456789" and len(nsn) != 11:
        return "phone.length"
    if _CN.length_check(nsn) in (_TOO_SHORT, _TOO_LONG, _INVALID_LENGTH):
        return "phone.length"
    return "phone.invalid_number"


def _classify(digits: str, area: str | None, region: str) -> PhoneNumber | str:
    if not digits or digits == "+":
        return "phone.empty"
    if region != "CN" and not digits.startswith("+86"):
        return _foreign(digits, region)
    return _classify_cn(digits, area)


def _takes_extension(number: PhoneNumber) -> bool:
    """Whether a bare group after ``number`` can be its extension: a Chinese fixed line with a
    full 7- or 8-digit local number, or a 400/800-style number; not a mobile or service number,
    nor an area code with a short local number (``0769-96532``), which is more likely a typo."""
    if number.region != "CN" or number.kind in (PhoneKind.MOBILE, PhoneKind.SERVICE):
        return False
    if number.area_code is None:
        return len(number.national) >= _MIN_NON_GEOGRAPHIC
    return len(number.national) - len(number.area_code) + 1 >= _MIN_LOCAL


def _extension_split(head: str, tail: str, area: str | None, region: str) -> PhoneNumber | None:
    """``head`` as a Chinese fixed line (or 400/800 number) with extension ``tail``, if it is."""
    first = _classify(head, area, region)
    if isinstance(first, PhoneNumber) and _takes_extension(first):
        return attrs.evolve(first, extension=tail)
    return None


def _resolve(
    whole: str, head: str | None, tail: str | None, area: str | None, region: str
) -> PhoneNumber | str:
    """Judge the digits; a short last group after a complete fixed line is its extension."""
    number = _classify(whole, area, region)
    if tail is None or head is None:
        return number
    if isinstance(number, PhoneNumber) and (
        number.region != "CN" or number.kind is PhoneKind.MOBILE
    ):
        return number
    return _extension_split(head, tail, area, region) or number


# -- parsing ----------------------------------------------------------------------------------

_MAX_FAST: Final = 24
# A separator between numbers, or digits enough for two numbers (13800138000 0592-5123456).
_SEPARATOR_RE: Final = re.compile(r"[/,;|、，；／\n]")
_TWO_RUNS: Final = 15
_AREA_CODE_RE: Final = re.compile(r"0?(10|2\d|[3-9]\d\d)")


_lookup = _CN.lookup


def _fast(value: str) -> PhoneNumber | str | None:
    """The common case: a Chinese number of digits, spaces, dashes, brackets and '+'.

    Returns the number or the error code, or None when the general path must decide;
    whatever it returns, the general path would return too (same digits, same groups, same
    numbering plan, same order of rules).
    """
    if value.isdigit() and value.isascii():
        digits = value
    else:
        digits = value.replace(" ", "").replace("-", "")
        if "(" in digits or ")" in digits:
            digits = digits.replace("(", "").replace(")", "")
        body = digits[1:] if digits[:1] == "+" else digits
        if not (body.isdigit() and body.isascii()):
            return None
    if len(digits) > _MAX_FAST or len(value) > _MAX_TEXT:
        return None
    found = _lookup(digits)
    if found.__class__ is tuple:
        nsn, name = found
        if name == "fixed_line" and _is_local(digits):
            return None  # a local number without its area code, see `_classify_cn`
        number = _cn_number(nsn, name)
        if name == "mobile" or len(digits) == len(value):
            return number
    elif found is not None or digits[:5] in IP_DIAL_PREFIXES or digits[:3] in NEIGHBOUR_CODES:
        return None  # another country's number, an IP-dial prefix, or one without its '+'
    elif _CN.is_short_code(digits):
        number = _service(digits)
        if len(digits) == len(value):
            return number
    elif len(digits) == len(value):
        return _cn_error(digits, _CN.national(digits))
    else:
        number = None
    # A last group of at most 6 digits after a complete fixed line is its extension.
    text = value.rstrip(" -()")
    if text[-_MAX_EXTENSION - 1 :].isdigit():  # the last group is longer: the usual case
        return number if number is not None else _cn_error(digits, _CN.national(digits))
    cut = max(text.rfind(" "), text.rfind("-"), text.rfind("("), text.rfind(")"))
    tail = text[cut + 1 :]
    if (
        cut >= 0
        and len(tail) <= _MAX_EXTENSION
        and len(digits) - len(tail) >= _MIN_HOST  # the head can hold a complete number
        and tail.isdigit()
    ):
        head = text[:cut].replace(" ", "").replace("-", "").replace("(", "").replace(")", "")
        extended = _fast_extension(head, tail)
        if extended is not None:
            return extended
    return number if number is not None else _cn_error(digits, _CN.national(digits))


def _fast_extension(head: str, tail: str) -> PhoneNumber | None:
    """`_extension_split` for the fast path: the plan first, the general path when needed."""
    if not head:
        return None
    if head[:5] in IP_DIAL_PREFIXES:
        return _extension_split(head, tail, None, "CN")
    found = _lookup(head)
    if found.__class__ is not tuple:
        return None if found is None else _extension_split(head, tail, None, "CN")
    number = _cn_number(*found)
    return attrs.evolve(number, extension=tail) if _takes_extension(number) else None


def _parse_text(value: object, region: str, area: str | None) -> PhoneNumber | str:
    if not isinstance(value, str):
        return "phone.format"
    if len(value) > _MAX_TEXT:
        return "phone.length"
    cleaned = _clean(value)
    if cleaned.error is not None:
        return cleaned.error
    groups = cleaned.groups
    whole = "".join(groups)
    if len(whole) > _MAX_DIGITS:
        return "phone.length"
    head = tail = None
    if cleaned.extension is None and len(groups) >= 2 and len(groups[-1]) <= _MAX_EXTENSION:
        head, tail = "".join(groups[:-1]), groups[-1]
    placed = _placed(whole, cleaned.place) if region == "CN" else None
    number = placed if placed is not None else _resolve(whole, head, tail, area, region)
    if isinstance(number, str) or cleaned.extension is None:
        return number
    if number.kind is PhoneKind.SERVICE or len(cleaned.extension) > _MAX_EXTENSION:
        return "phone.extension"
    return attrs.evolve(number, extension=cleaned.extension)


def _placed(digits: str, place: str | None) -> PhoneNumber | None:
    """The number of the place named with it (香港 91234567), read by that place's rules
    (Taiwan's trunk 0 included), if it is one; otherwise China's rules decide."""
    if place is None or digits[:1] == "+":
        return None
    number = _foreign(digits, place)
    return number if isinstance(number, PhoneNumber) and number.region == place else None


def _glued_mobiles(fragment: str) -> list[str] | None:
    """Chinese mobiles written one after another without a separator (``1380013800013900139000``),
    each 11 digits: their numbers, or None."""
    digits = fragment.strip()
    size = len("13800138000")
    if not (digits.isdigit() and digits.isascii()) or len(digits) % size or len(digits) < 2 * size:
        return None
    parts = [digits[i : i + size] for i in range(0, len(digits), size)]
    for part in parts:
        number = _classify_cn(part, None)
        if not isinstance(number, PhoneNumber) or number.kind is not PhoneKind.MOBILE:
            return None
    return parts


def _check_arguments(region: str, default_area_code: str | None) -> str | None:
    if region != "CN" and region not in phonenumbers.SUPPORTED_REGIONS:
        raise UsageError(
            f"Unknown region {region!r}; use an ISO 3166 code such as 'CN'.",
            code="phone.region",
            message_zh="未知的地区代码。",
        )
    if default_area_code is None:
        return None
    match = _AREA_CODE_RE.fullmatch(default_area_code.strip())
    if match is None or region != "CN":
        raise UsageError(
            "default_area_code must be a Chinese area code such as '0592' (region 'CN').",
            code="phone.default_area_code",
            message_zh="默认区号无效。",
        )
    return match.group(1)


#: A masked number (138****8000, 0592-***3456): stars between digits, as displays print them.
_MASKED = re.compile(r"\d[\s\-]*[*＊●]{2,}[\s\-]*\d")


def _error(code: str, value: object) -> ValidationError:
    cls, message_en, message_zh = _MESSAGES[code]
    return cls(message_en, code=code, masked_value=mask_unknown(value), message_zh=message_zh)


def parse(value: str, *, region: str = "CN", default_area_code: str | None = None) -> PhoneNumber:
    """Parse a phone number as written in a form, a spreadsheet or free text.

    ``region`` is how numbers without a country code are read (``"CN"``: Chinese rules;
    another ISO code: phonenumbers' rules for that region). ``default_area_code`` (``"0592"``
    or ``"592"``) completes local fixed-line numbers written without their area code.
    Raises `custmaster.errors.ValidationError` (codes in `ERROR_CODES`).
    """
    result = None
    if region == "CN" and default_area_code is None and value.__class__ is str:
        result = _fast(value)
        if result.__class__ is PhoneNumber:
            return result
    area = _check_arguments(region, default_area_code)
    if result is None:
        result = _parse_text(value, region, area)
        if isinstance(result, PhoneNumber):
            return result
    if result != "phone.empty" and _may_hold_several(value):
        several = _parse_many(value, region, area)
        if len(several.numbers) > 1:
            result = "phone.multiple"
        elif several.numbers and not several.rejects:  # one number, written twice
            return several.numbers[0]
    if result != "phone.multiple" and isinstance(value, str) and _MASKED.search(value):
        result = "phone.masked"
    raise _error(result, value)  # type: ignore[arg-type]


def _may_hold_several(value: object) -> bool:
    """Cheap test before trying `parse_many`: a separator, or two long runs of digits."""
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        return False
    if _SEPARATOR_RE.search(value) is not None:
        return True
    # Two numbers side by side, labelled or not (手机：13800138000 座机：0592-5123456).
    return len(value) >= _TWO_RUNS and sum(c.isdigit() for c in value) >= _TWO_RUNS


def compact(value: str) -> str:
    """Strip labels, separators and spreadsheet artefacts; keep '+', digits and ';ext='.

    Does not judge the number: `validate` does.

    >>> compact("Tel: +86 (0592) 512-3456 转 801")
    '+8605925123456;ext=801'
    >>> compact("１３８ ００１３ ８０００")
    '13800138000'
    """
    cleaned = _clean(value)
    if cleaned.error is not None:
        return re.sub(r"[\s\-.()]+", "", _to_ascii(value))
    extension = f";ext={cleaned.extension}" if cleaned.extension is not None else ""
    return "".join(cleaned.groups) + extension


def validate(value: str, *, region: str = "CN", default_area_code: str | None = None) -> str:
    """Return the canonical form: E.164 (``;ext=…`` added), or a service number's digits."""
    return parse(value, region=region, default_area_code=default_area_code).canonical


def is_valid(value: object, *, region: str = "CN", default_area_code: str | None = None) -> bool:
    """Tell whether ``value`` is a valid phone number; never raises, False on any junk."""
    try:
        return bool(
            validate(value, region=region, default_area_code=default_area_code)  # type: ignore[arg-type]
        )
    except ValidationError:
        return False


def has_status_note(text: str) -> bool:
    """Tell whether ``text`` holds a note saying a number is bad: one of the notes for which
    `parse` refuses a number with ``phone.status`` (空号, 停机, 已销号, 非本人, 已不用 …), in
    whatever width it is written. A note about the person or about one call (张先生, 关机,
    打不通, 无人接听) and 停机保号 are not such notes. Readers of cells that hold numbers and
    notes (the importers) ask this so that they refuse exactly what `parse` refuses.

    >>> has_status_note("13800138000（空号）"), has_status_note("13800138000 打不通")
    (True, False)
    """
    return isinstance(text, str) and _status_note(text) is not None


def format(value: str | PhoneNumber) -> str:
    """The national display form: ``138 0013 8000``, ``0592-5123456 转 801``, ``95511``.

    Numbers of other countries get phonenumbers' international form (``+44 20 7946 0958``).
    """
    number = value if isinstance(value, PhoneNumber) else parse(value)
    nsn = number.national
    if number.kind is PhoneKind.SERVICE:
        return nsn
    e164 = number.e164 or ""
    if number.region != "CN":
        pn = phonenumbers.parse(e164)
        if number.extension is not None:
            pn.extension = number.extension
        return str(phonenumbers.format_number(pn, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
    if number.kind is PhoneKind.MOBILE:
        text = f"{nsn[:3]} {nsn[3:7]} {nsn[7:]}"
    elif number.area_code is not None:
        text = f"{number.area_code}-{nsn[len(number.area_code) - 1 :]}"
    else:
        text = str(
            phonenumbers.format_number(
                phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
            )
        )
    if number.extension is not None:
        text += f" 转 {number.extension}"
    return text


def _mask_number(number: PhoneNumber) -> str:
    nsn = number.national
    if number.kind is PhoneKind.SERVICE:
        return nsn
    if number.region != "CN" and number.e164 is not None:
        country = number.e164[1 : len(number.e164) - len(nsn)]
        return f"+{country} " + "*" * (len(nsn) - 2) + nsn[-2:]
    if number.kind is PhoneKind.MOBILE and len(nsn) == 11:
        return nsn[:3] + "****" + nsn[-4:]
    if number.area_code is not None:
        local = nsn[len(number.area_code) - 1 :]
        return f"{number.area_code}-" + "*" * (len(local) - 2) + local[-2:]
    return keep_ends(nsn, 3, 2)


def mask(value: str | PhoneNumber) -> str:
    """The display form of PRIVACY.md; an invalid value gets `mask_unknown`.

    Mobile: first 3 + last 4 digits; fixed line (and fax): area code + last 2 digits;
    400/800 and other non-geographic numbers: first 3 + last 2; other countries: country
    code + last 2; service numbers (``95511``) are not personal and are shown in full.
    Extensions are not shown.
    """
    if isinstance(value, PhoneNumber):
        return _mask_number(value)
    try:
        return _mask_number(parse(value))
    except ValidationError:
        return mask_unknown(value)


# -- several numbers in one field -------------------------------------------------------------


_SHORTHAND: Final = 2  # at most this many digits stand for the end of the previous number


def _continued(fragment: str, code: str, previous: PhoneNumber, region: str) -> PhoneNumber | str:
    """A fragment written as the continuation of the Chinese fixed line before it.

    Business cards and forms write the area code once (``0592-5123456、5123457``) and
    consecutive lines by their last digits (``0592-5123456/7``): a local number takes the
    area code of the number before it, and one or two digits replace its last ones. Anything
    else keeps its error ``code``.
    """
    if (
        previous.region != "CN"
        or previous.kind is not PhoneKind.FIXED_LINE
        or previous.area_code is None
        or previous.extension is not None
    ):
        return code
    if code == "phone.area_code_missing":
        return _parse_text(fragment, region, previous.area_code[1:])
    digits = fragment.strip()
    if digits.isdigit() and digits.isascii() and len(digits) <= _SHORTHAND:
        return _parse_text("0" + previous.national[: -len(digits)] + digits, region, None)
    return code


def _parse_many(text: str, region: str, area: str | None) -> ParsedPhones:
    numbers: list[PhoneNumber] = []
    rejects: list[tuple[str, str]] = []

    def reject(fragment: str, code: str) -> None:
        if code != "phone.empty":
            rejects.append((mask_unknown(fragment), code))

    previous: PhoneNumber | None = None
    for fragment in _split_fields(text):
        result = _parse_text(fragment, region, area)
        if isinstance(result, str) and previous is not None:
            result = _continued(fragment, result, previous, region)
        if isinstance(result, PhoneNumber):
            numbers.append(result)
            previous = result
            continue
        previous = None
        tokens = _glued_mobiles(fragment) or fragment.split()
        # A bad-number note (空号) may belong to any number of its fragment: none is read.
        if len(tokens) < 2 or result == "phone.status":
            reject(fragment, result)
            continue
        # Longest run of tokens that is one number, left to right: "0592 5123456 13800138000".
        pending: list[str] = []
        start = 0
        while start < len(tokens):
            for end in range(min(len(tokens), start + _MAX_GROUPS), start, -1):
                found = _parse_text(" ".join(tokens[start:end]), region, area)
                if isinstance(found, PhoneNumber):
                    break
            else:
                pending.append(tokens[start])
                start += 1
                continue
            if pending:
                rest = " ".join(pending)
                code = _parse_text(rest, region, area)
                reject(rest, code if isinstance(code, str) else "phone.format")
                pending = []
            numbers.append(found)
            start = end
        if pending:
            rest = " ".join(pending)
            code = _parse_text(rest, region, area)
            reject(rest, code if isinstance(code, str) else "phone.format")
    return ParsedPhones(tuple(dict.fromkeys(numbers)), tuple(rejects))


def parse_many(
    text: str | None, *, region: str = "CN", default_area_code: str | None = None
) -> ParsedPhones:
    """Split a field holding several numbers and parse each; never raises on bad numbers.

    Numbers may be separated by ``/``, ``;``, ``,``, ``、``, ``|``, line breaks, 或, 及 or 和
    between two numbers, labels (``手机13800138000 办公0592-5123456``) or spaces between
    complete numbers; spaces inside one number (``0592 5123456``, ``138 0013 8000``) keep it
    whole. Duplicates are dropped.
    After a Chinese fixed line, a local number takes its area code
    (``0592-5123456、5123457``) and one or two digits replace its last ones
    (``0592-5123456/7``: ``0592-5123457``), as business cards write consecutive lines.

    >>> result = parse_many("手机13800138000 办公0592-5123456，1380013800")
    >>> [format(n) for n in result.numbers], result.rejects
    (['138 0013 8000', '0592-5123456'], (('1********0', 'phone.length'),))
    """
    area = _check_arguments(region, default_area_code)
    if text is None:
        return ParsedPhones()
    if not isinstance(text, str):
        return ParsedPhones((), ((mask_unknown(text), "phone.format"),))
    if len(text) > _MAX_FIELD:
        return ParsedPhones((), ((mask_unknown(text), "phone.length"),))
    return _parse_many(text, region, area)
