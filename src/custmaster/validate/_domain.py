"""Domain-name checks shared by `custmaster.validate.email` and `custmaster.validate.url`.

Private. Internationalised labels are converted with the standard library's IDNA codec
(IDNA 2003, RFC 3490); every ASCII label must be letters, digits and hyphens (RFC 1123).
"""

from __future__ import annotations

import re
import unicodedata

import attrs

__all__ = ["MAX_DOMAIN", "DomainError", "DomainName", "check_domain", "normalize_dots"]

MAX_DOMAIN = 253

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_DOTS = str.maketrans({"。": ".", "｡": ".", "．": "."})


class DomainError(ValueError):
    """A domain failed a check; ``kind`` is ``domain``, ``domain_label``, ``domain_idna``,
    ``tld`` or ``length`` (callers prefix it with their module name)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@attrs.frozen
class DomainName:
    """A checked domain in both forms."""

    unicode: str
    ascii: str


def _ascii_label(label: str) -> str:
    if label.isascii():
        ascii_label = label
    else:
        # IDNA 2003 lets punctuation and symbols through (例子、公司 encodes); IDNA 2008 and
        # every registry refuse them, so do we (the ASCII hyphen is checked below).
        if any(not c.isascii() and unicodedata.category(c)[0] in "PSZC" for c in label):
            raise DomainError("domain_label")
        try:
            ascii_label = label.encode("idna").decode("ascii")
        except UnicodeError:
            raise DomainError("domain_idna") from None
    if not _LABEL.fullmatch(ascii_label):
        raise DomainError("domain_label")
    if ascii_label.startswith("xn--"):
        try:
            round_trip = ascii_label.encode("ascii").decode("idna").encode("idna")
        except UnicodeError:
            raise DomainError("domain_idna") from None
        if round_trip.decode("ascii") != ascii_label:
            raise DomainError("domain_idna")
    return ascii_label


def normalize_dots(domain: str) -> str:
    """Lower-case and map the ideographic full stops to ``.``.

    >>> normalize_dots('例子。ＣＯＭ')
    '例子.ｃｏｍ'
    """
    return domain.translate(_DOTS).lower()


def check_domain(domain: str) -> DomainName:
    """Check a lower-case domain of at least two labels with a top-level domain.

    >>> check_domain('例子.中国')
    DomainName(unicode='例子.中国', ascii='xn--fsqu00a.xn--fiqs8s')
    >>> check_domain('example')
    Traceback (most recent call last):
        ...
    custmaster.validate._domain.DomainError: domain
    """
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        raise DomainError("domain")
    ascii_labels = [_ascii_label(label) for label in labels]
    if not _TLD.fullmatch(ascii_labels[-1]):
        raise DomainError("tld")
    ascii_domain = ".".join(ascii_labels)
    if len(ascii_domain) > MAX_DOMAIN:
        raise DomainError("length")
    unicode_domain = ".".join(
        label.encode("ascii").decode("idna") if label.startswith("xn--") else label
        for label in ascii_labels
    )
    return DomainName(unicode_domain, ascii_domain)
