"""URL (网址) of a web site, as a customer's or organisation's home page.

Accepted: an absolute ``http`` or ``https`` URL (other schemes with ``schemes=``) with a host,
which is

* a domain of at least two labels with a top-level domain of letters (``example.com``), Chinese
  domains included (``例子.中国``, converted with the standard library's IDNA codec);
* an IPv4 address (``192.0.2.10``), or an IPv6 address in brackets (``[2001:db8::1]``);
* ``localhost`` only with ``allow_localhost=True``.

Refused: a missing scheme (``www.example.com``: nothing is added, because guessing ``http://``
or ``https://`` is not this module's call: ask for the full address), user names or passwords
in the URL (``https://user:pw@example.com``: credentials must never be stored in a customer
record), spaces, control characters and ``< > " \\``, ports outside 1-65535, and URLs longer
than 2,048 characters.

`compact` strips surrounding spaces, a label (``网址：``, ``官网``, ``URL:``), the full-width
punctuation of the sentence the URL ended (``https://www.example.com，``, ``…。``), which no URL
ends with, a note in full-width brackets after it (``…（公司官网）``), the angle brackets RFC 3986
(appendix C) suggests for URLs in text (``<https://www.example.com/>``) and an ASCII comma or
semicolon at the end (``https://www.example.com/,``: RFC 3986 allows both in a path, but a URL in a
cell ends with neither; this differs from a plain URL parser), folds full-width characters in the
scheme and host (``ｈｔｔｐｓ：／／例子。中国``) and lower-cases them; the path, query and fragment
are kept as written. `validate` also drops a default port (``:80`` for http, ``:443`` for https)
and writes an empty path as ``/``, so that equal URLs compare equal.

A web-site URL is not personal information by default, but its query (``?token=…``,
``?phone=…``) and fragment often are: `mask` keeps scheme, host, port and path and drops the
query and fragment.

More information:

* https://www.rfc-editor.org/rfc/rfc3986 (URI syntax)
* https://url.spec.whatwg.org/

>>> validate('HTTPS://WWW.Example.com')
'https://www.example.com/'
>>> validate('http://例子。中国:80/关于?a=1')
'http://例子.中国/关于?a=1'
>>> mask('https://shop.example.com/order?phone=13800138000#top')
'https://shop.example.com/order'
>>> validate('www.example.com')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [url.scheme] value=www**********om: ...
>>> validate('https://admin:secret@example.com/')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [url.userinfo] value=htt****...com/: ...
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Iterator
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import attrs

from custmaster.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from custmaster.validate._domain import DomainError, check_domain, normalize_dots
from custmaster.validate._mask import mask_unknown
from custmaster.validate._text import MAX_INPUT, error, fold_width, label_pattern, without_label

__all__ = [
    "DEFAULT_SCHEMES",
    "ERROR_CODES",
    "MAX_LENGTH",
    "Url",
    "compact",
    "format",
    "is_valid",
    "mask",
    "parse",
    "validate",
]

ERROR_CODES: dict[str, str] = {
    "url.type": "The URL is not a string.",
    "url.length": "The URL is longer than 2,048 characters (or its domain than 253).",
    "url.characters": 'The URL has spaces, control characters or < > " \\.',
    "url.scheme": "The URL does not start with an allowed scheme and :// (http://, https://).",
    "url.format": "The URL cannot be split into scheme, host, port and path.",
    "url.userinfo": "The URL has a user name or password before the host.",
    "url.host": "The URL has no host, or the host is not a domain with a top-level domain, "
    "an IP address or (when allowed) localhost.",
    "url.domain_label": "A host label has 1 to 63 letters, digits or hyphens, "
    "not starting or ending with a hyphen.",
    "url.domain_idna": "The host is not a valid internationalised domain name.",
    "url.tld": "The host's top-level domain is not at least two letters.",
    "url.port": "The port is not a number from 1 to 65535.",
}

_ZH: dict[str, str] = {
    "url.type": "网址不是字符串。",
    "url.length": "网址超过 2048 个字符（或域名超过 253 个字符）。",
    "url.characters": '网址含有空格、控制字符或 < > " \\。',
    "url.scheme": "网址不以允许的协议和 :// 开头（如 http://、https://）。",
    "url.format": "网址无法拆分为协议、主机、端口和路径。",
    "url.userinfo": "网址在主机前含有用户名或密码。",
    "url.host": "网址没有主机，或主机不是带顶级域名的域名、IP 地址或（允许时）localhost。",
    "url.domain_label": "主机名每段为 1 到 63 个字母、数字或连字符，且不能以连字符开头或结尾。",
    "url.domain_idna": "主机名不是有效的国际化域名。",
    "url.tld": "主机的顶级域名不是至少两个字母。",
    "url.port": "端口不是 1 到 65535 之间的数字。",
}

#: Schemes accepted unless ``schemes=`` says otherwise.
DEFAULT_SCHEMES: tuple[str, ...] = ("http", "https")
#: Longest URL accepted (the limit most browsers and servers handle).
MAX_LENGTH = 2048

_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_AUTHORITY_END = re.compile(r"[/?#]")
_BAD = re.compile(
    r'[\x00-\x20\x7f-\x9f<>"\\\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff'
    r"\ud800-\udfff]"
)
_IPV4_SHAPE = re.compile(r"[0-9.]+")
#: A label before the URL in a cell: 网址：, 官网, 网站地址 …, URL:.
_LABEL = label_pattern("网站地址|网址|网站|官网|主页|链接", "url|website|homepage")
#: Full-width punctuation of the sentence after a URL (a URL holds none unencoded).
_TRAILING = "，。；、！？：）」』”’"
_SENTENCE_END = "，。；、！？："
#: A note after the URL in full-width brackets (``（公司官网）``, ``【官网】``): no URL has them.
_NOTE = re.compile(r"\s*[（【][^（）【】]*[）】]$")
#: The ASCII punctuation of a list after a URL (``…/,``, ``…/;``). RFC 3986 allows both in a
#: path, but a URL in a spreadsheet cell ends with neither; text linkifiers drop them too.
_LIST_PUNCTUATION = ",;"


class _AnyScheme(Collection[str]):
    """Every scheme: `mask` shows any valid URL, whatever ``schemes=`` validated it."""

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


_ANY_SCHEME = _AnyScheme()

HostKind = Literal["domain", "ipv4", "ipv6", "localhost"]


def _error(cls: type[ValidationError], value: object, code: str) -> ValidationError:
    return error(cls, value, code=code, codes=ERROR_CODES, zh=_ZH[code])


def _strip_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _mask_repr(value: str) -> str:
    return repr(_strip_query(value))


@attrs.frozen
class Url:
    """The parts of a URL; ``repr`` leaves out the query and fragment."""

    #: The normalised URL.
    url: str = attrs.field(repr=_mask_repr)
    #: The scheme, lower-case.
    scheme: str
    #: The host, lower-case: Unicode for internationalised domains, IPv6 without brackets.
    host: str
    #: The host in ASCII (``xn--fsqu00a.xn--fiqs8s``), as DNS needs it.
    ascii_host: str
    #: What the host is.
    host_kind: HostKind
    #: The port written in the URL, ``None`` when absent or the scheme's default.
    port: int | None
    #: The path (``/`` at least for hierarchical schemes).
    path: str
    #: The query without ``?`` (may hold personal data; not shown in ``repr``).
    query: str = attrs.field(repr=False)
    #: The fragment without ``#`` (not shown in ``repr``).
    fragment: str = attrs.field(repr=False)

    def mask(self) -> str:
        """The display form: the URL without query and fragment."""
        return _strip_query(self.url)


def compact(value: str) -> str:
    """Strip spaces around the URL; fold and lower-case its scheme and host; no validation.

    >>> compact(' ＨＴＴＰ：／／Ｗｗｗ．Example。com/Path ')
    'http://www.example.com/Path'
    """
    if not isinstance(value, str):
        raise _error(InvalidFormat, value, code="url.type")
    if len(value) > MAX_INPUT:
        raise _error(InvalidLength, value, code="url.length")
    text = value.strip()
    if text[:1] == "<" and text[-1:] == ">":  # RFC 3986 appendix C: <https://…> in text
        text = text[1:-1].strip()
    text = text.rstrip(_LIST_PUNCTUATION).rstrip()
    if not text.isascii():
        text = without_label(text, _LABEL).rstrip(_SENTENCE_END).rstrip()
        text = _NOTE.sub("", text).rstrip(_TRAILING).rstrip()
    elif text[:1] in "UuWwHh" and ":" in text:
        text = without_label(text, _LABEL)
    folded = fold_width(text)  # one character for one, so positions agree with ``text``
    scheme = _SCHEME.match(folded)
    if scheme is None:
        return text
    start = scheme.end()
    end_match = _AUTHORITY_END.search(folded, start)
    end = end_match.start() if end_match else len(folded)
    authority = folded[start:end]
    if "@" not in authority:
        authority = normalize_dots(authority)
    # the character ending the host (``/``, ``?`` or ``#``) is folded too, the rest is kept
    return folded[:start].lower() + authority + folded[end : end + 1] + text[end + 1 :]


def _host(
    hostname: str, netloc: str, url: str, allow_localhost: bool
) -> tuple[str, str, str, HostKind]:
    """(display host, host, ASCII host, kind) of a split URL's host."""
    if "[" in netloc:
        try:
            ipv6 = ipaddress.IPv6Address(hostname)
        except ValueError:
            raise _error(InvalidComponent, url, code="url.host") from None
        return f"[{ipv6.compressed}]", ipv6.compressed, ipv6.compressed, "ipv6"
    if hostname == "localhost":
        if not allow_localhost:
            raise _error(InvalidComponent, url, code="url.host")
        return hostname, hostname, hostname, "localhost"
    if _IPV4_SHAPE.fullmatch(hostname):
        try:
            ipv4 = ipaddress.IPv4Address(hostname)
        except ValueError:
            raise _error(InvalidComponent, url, code="url.host") from None
        return str(ipv4), str(ipv4), str(ipv4), "ipv4"
    try:
        name = check_domain(hostname)
    except DomainError as exc:
        if exc.kind == "length":
            raise _error(InvalidLength, url, code="url.length") from None
        if exc.kind == "domain_label":
            raise _error(InvalidComponent, url, code="url.domain_label") from None
        if exc.kind == "domain_idna":
            raise _error(InvalidComponent, url, code="url.domain_idna") from None
        if exc.kind == "tld":
            raise _error(InvalidComponent, url, code="url.tld") from None
        raise _error(InvalidComponent, url, code="url.host") from None
    return name.unicode, name.unicode, name.ascii, "domain"


def _check(value: object, schemes: Collection[str], allow_localhost: bool) -> Url:
    url = compact(value)  # type: ignore[arg-type]
    if len(url) > MAX_LENGTH:
        raise _error(InvalidLength, url, code="url.length")
    if _BAD.search(url):
        raise _error(InvalidFormat, url, code="url.characters")
    if not _SCHEME.match(url):
        raise _error(InvalidFormat, url, code="url.scheme")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise _error(InvalidFormat, url, code="url.format") from None
    try:
        port = parts.port
    except ValueError:
        raise _error(InvalidComponent, url, code="url.port") from None
    if parts.scheme not in schemes and parts.scheme not in {s.lower() for s in schemes}:
        raise _error(InvalidFormat, url, code="url.scheme")
    if "@" in parts.netloc:
        raise _error(InvalidComponent, url, code="url.userinfo")
    hostname = parts.hostname
    if not hostname:
        raise _error(InvalidComponent, url, code="url.host")
    if port == 0:
        raise _error(InvalidComponent, url, code="url.port")
    display, host, ascii_host, kind = _host(hostname, parts.netloc, url, allow_localhost)
    if port is not None and _DEFAULT_PORTS.get(parts.scheme) == port:
        port = None
    netloc = display if port is None else f"{display}:{port}"
    path = parts.path or "/"
    normalised = urlunsplit((parts.scheme, netloc, path, parts.query, parts.fragment))
    if len(normalised) > MAX_LENGTH:
        raise _error(InvalidLength, url, code="url.length")
    return Url(
        normalised, parts.scheme, host, ascii_host, kind, port, path, parts.query, parts.fragment
    )


def validate(
    value: str,
    *,
    schemes: Collection[str] = DEFAULT_SCHEMES,
    allow_localhost: bool = False,
) -> str:
    """Return the normalised URL or raise a `custmaster.ValidationError`.

    >>> validate('ftp://files.example.com/a.pdf')
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidFormat: [url.scheme] value=ftp****....pdf: ...
    >>> validate('ftp://files.example.com/a.pdf', schemes=('ftp',))
    'ftp://files.example.com/a.pdf'
    >>> validate('http://localhost:8080', allow_localhost=True)
    'http://localhost:8080/'
    """
    return _check(value, schemes, allow_localhost).url


def is_valid(
    value: object,
    *,
    schemes: Collection[str] = DEFAULT_SCHEMES,
    allow_localhost: bool = False,
) -> bool:
    """Whether ``value`` is a valid URL; never raises.

    >>> is_valid('https://[2001:db8::1]/'), is_valid('https://300.1.1.1/'), is_valid(None)
    (True, False, False)
    """
    try:
        _check(value, schemes, allow_localhost)
    except ValidationError:
        return False
    return True


def format(
    value: str,
    *,
    schemes: Collection[str] = DEFAULT_SCHEMES,
    allow_localhost: bool = False,
) -> str:
    """Return the normalised URL (as `validate`).

    >>> format('https://Example.com:443')
    'https://example.com/'
    """
    return _check(value, schemes, allow_localhost).url


def mask(value: str) -> str:
    """Display form: the URL without its query and fragment (see the module notes).

    An invalid value is masked as an unknown value. Never raises.

    >>> mask('https://example.com/?id=110105194912310021')
    'https://example.com/'
    """
    try:
        return _strip_query(_check(value, _ANY_SCHEME, True).url)
    except ValidationError:
        return mask_unknown(value)


def parse(
    value: str,
    *,
    schemes: Collection[str] = DEFAULT_SCHEMES,
    allow_localhost: bool = False,
) -> Url:
    """Validate the URL and return its parts.

    >>> parse('https://例子.中国:8443/a?b=c')
    Url(url='https://例子.中国:8443/a', scheme='https', host='例子.中国',
        ascii_host='xn--fsqu00a.xn--fiqs8s', host_kind='domain', port=8443, path='/a')
    """
    return _check(value, schemes, allow_localhost)
