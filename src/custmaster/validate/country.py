"""Country or region (国家或地区, ISO 3166-1), as identity documents and nationalities give it.

Sources write the same country many ways: ``CN``, ``CHN``, ``chn``, ``中国``, ``中华人民共和国``,
``China``; ``UK`` for the United Kingdom although ISO reserves it for ``GB``/``GBR``.
`validate` reads all of them and returns the **alpha-3 code**, one canonical form, so that a
passport issued by ``CN`` and one issued by ``CHN`` are the same identity key
(`custmaster.IdentityDocument.key`). Hong Kong (``HKG``), Macao (``MAC``) and Taiwan (``TWN``)
keep their own ISO codes, as the permits issued for them do.

Names are read in English and in Chinese (the ISO 3166-1 names of Debian's iso-codes and their
``zh_CN`` translations, plus the short forms Chinese forms use: 美国, 英国, 韩国, 中国香港 …);
spaces and letter case do not matter. Codes outside ISO 3166-1 are refused, except the
reserved codes in common use (``UK``, ``EL`` for Greece, ``XK``/``XKX`` for Kosovo).

A country is not personal information on its own, so `mask` returns it unchanged.

>>> validate('cn'), validate('CHN'), validate('中国'), validate(' China ')
('CHN', 'CHN', 'CHN', 'CHN')
>>> validate('UK'), validate('中国香港'), validate('ＵＳＡ')
('GBR', 'HKG', 'USA')
>>> parse('tw')
Country(alpha3='TWN', alpha2='TW', name_zh='中国台湾省')
>>> validate('ZZ')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [country.unknown] value=**: ...
"""

from __future__ import annotations

import attrs

from custmaster.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from custmaster.validate._countries import ALPHA3, BY_NAME, NAME_ZH
from custmaster.validate._mask import mask_unknown
from custmaster.validate._text import error, fold_width

__all__ = [
    "ERROR_CODES",
    "Country",
    "compact",
    "format",
    "is_valid",
    "mask",
    "parse",
    "to_alpha2",
    "validate",
]

ERROR_CODES: dict[str, str] = {
    "country.type": "The country is not a string.",
    "country.length": "The country is empty or longer than any country name.",
    "country.unknown": "Not an ISO 3166-1 country code or name.",
}

_ZH: dict[str, str] = {
    "country.type": "国家或地区不是字符串。",
    "country.length": "国家或地区为空或过长。",
    "country.unknown": "不是 ISO 3166-1 国家或地区代码或名称。",
}

#: The longest name in the table is under 60 characters; anything longer is not a country.
_MAX_LENGTH = 80


def _alpha2_table() -> dict[str, str]:
    """Alpha-3 -> alpha-2; codes in common use map onto the official one (UK -> GBR -> GB)."""
    table: dict[str, str] = {}
    for code, alpha3 in ALPHA3.items():
        if len(code) == 2:
            table.setdefault(alpha3, code)
    table.update({"GBR": "GB", "GRC": "GR", "XKX": "XK"})
    return table


_ALPHA2 = _alpha2_table()


def _error(cls: type[ValidationError], value: object, code: str) -> ValidationError:
    return error(cls, value, code=code, codes=ERROR_CODES, zh=_ZH[code])


@attrs.frozen
class Country:
    """A country or region: its ISO 3166-1 alpha-3 and alpha-2 codes and Chinese short name."""

    #: The alpha-3 code, the canonical form (``CHN``).
    alpha3: str
    #: The alpha-2 code (``CN``).
    alpha2: str
    #: The Chinese name of ISO 3166-1 in Debian's iso-codes (``中国``).
    name_zh: str


def compact(value: str) -> str:
    """Fold full-width characters, remove spaces and upper-case; no validation.

    >>> compact(' ｃ h n ')
    'CHN'
    """
    if not isinstance(value, str):
        raise _error(InvalidFormat, value, code="country.type")
    if len(value) > _MAX_LENGTH:
        raise _error(InvalidLength, value, code="country.length")
    return "".join(fold_width(value).split()).upper()


def validate(value: str) -> str:
    """Return the alpha-3 code of ``value`` (a code or a name) or raise a
    `custmaster.ValidationError`.

    >>> validate('Korea, Republic of'), validate('韩国'), validate('朝鲜')
    ('KOR', 'KOR', 'PRK')
    >>> validate('')
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidLength: [country.length] The country is empty ...
    """
    code = compact(value)
    if not code:
        raise _error(InvalidLength, code, code="country.length")
    found = ALPHA3.get(code) or BY_NAME.get(code.casefold())
    if found is None:
        raise _error(InvalidComponent, code, code="country.unknown")
    return found


def is_valid(value: object) -> bool:
    """Whether ``value`` names a country or region; never raises.

    >>> is_valid('CN'), is_valid('XX'), is_valid(86)
    (True, False, False)
    """
    try:
        return bool(validate(value))  # type: ignore[arg-type]
    except ValidationError:
        return False


def format(value: str) -> str:
    """Return the alpha-3 code (the form custmaster stores).

    >>> format('cn')
    'CHN'
    """
    return validate(value)


def to_alpha2(value: str) -> str:
    """Return the alpha-2 code, for systems that want two letters.

    >>> to_alpha2('CHN'), to_alpha2('英国')
    ('CN', 'GB')
    """
    return _ALPHA2[validate(value)]


def mask(value: str) -> str:
    """Return the alpha-3 code: a country is not personal information on its own.

    An invalid value is masked as an unknown value. Never raises.

    >>> mask('cn'), mask('13800138000')
    ('CHN', '1*********0')
    """
    try:
        return validate(value)
    except ValidationError:
        return mask_unknown(value)


def parse(value: str) -> Country:
    """Validate ``value`` and return its codes and Chinese name.

    >>> parse('中华人民共和国')
    Country(alpha3='CHN', alpha2='CN', name_zh='中国')
    """
    alpha3 = validate(value)
    return Country(alpha3, _ALPHA2[alpha3], NAME_ZH[alpha3])
