"""E-mail address (电子邮箱), checked as a careful form would, without any network look-up.

An address is ``local-part@domain``. This module accepts the common ("dot-atom") form of
RFC 5321/5322:

* exactly one ``@``; the whole address at most 254 characters (RFC 5321 path limit);
* the local part 1-64 ASCII characters: letters, digits and ``!#$%&'*+/=?^_`{|}~-``, with
  single dots between them (no leading, trailing or double dot). Quoted local parts
  (``"john smith"@example.com``) and non-ASCII local parts (SMTPUTF8, ``张三@例子.中国``) are
  refused: Chinese mail providers do not issue them for customer mailboxes;
* the domain: at least two labels of letters, digits and hyphens (1-63 characters each, no
  leading or trailing hyphen), at most 253 characters in ASCII form; the top-level domain is
  at least two letters or an internationalised one (``.中国``, ``xn--fiqs8s``). Chinese domain
  names are converted with the standard library's IDNA codec (IDNA 2003). IP-address literals
  (``user@[192.0.2.1]``) are refused.

`compact` folds full-width characters (``ｚｈａｎｇ＠ｑｑ．ｃｏｍ``) and the ideographic full
stop ``。`` in the domain, strips surrounding spaces and quotation marks, zero-width characters
(invisible leftovers of copy and paste), a label (``邮箱：``, ``E-mail:``), a ``mailto:``
prefix, the punctuation of the sentence the address ended (``zhang@qq.com。``, ``…，``,
``…；``) and a note after it (``zhang@qq.com（常用）``), and lower-cases the domain. The local
part keeps its case (RFC 5321 lets the receiving server decide); spaces inside the address are
not removed but refused.

Common typing mistakes in the domain (``qq.con``, ``163.cm``, ``gmial.com``) are *not*
corrected: the address is accepted with the warning ``email.suspected_typo``, `parse` reports
the likely intended domain in ``suggested_domain``, and ``strict=True`` refuses it.

More information:

* https://www.rfc-editor.org/rfc/rfc5321 (section 4.5.3.1, size limits)
* https://www.rfc-editor.org/rfc/rfc5322 (section 3.4.1, addr-spec)
* https://www.rfc-editor.org/rfc/rfc3490 (IDNA)

>>> validate(' Zhang.Wei@Example.COM ')
'Zhang.Wei@example.com'
>>> validate('ｚｈａｎｇ＠ｑｑ。ｃｏｍ')
'zhang@qq.com'
>>> validate('service@例子.中国')
'service@例子.中国'
>>> mask('zhang.wei@example.com')
'z***@example.com'
>>> parse('li@qq.con').suggested_domain
'qq.com'
>>> validate('zhang@@qq.com')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [email.at] value=zha********om: ...
>>> validate('zhang.@qq.com')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [email.local_format] value=zha********om: ...
>>> validate('zhang@qq')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [email.domain] value=z******q: ...
"""

from __future__ import annotations

import re

import attrs

from custmaster.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
    ValidationWarning,
)
from custmaster.validate._domain import DomainError, check_domain, normalize_dots
from custmaster.validate._mask import mask_unknown
from custmaster.validate._text import MAX_INPUT, error, fold_width, label_pattern, without_label

__all__ = [
    "ERROR_CODES",
    "WARNING_CODES",
    "EmailAddress",
    "compact",
    "format",
    "is_valid",
    "mask",
    "parse",
    "validate",
]

ERROR_CODES: dict[str, str] = {
    "email.type": "The e-mail address is not a string.",
    "email.length": "The e-mail address is longer than 254 characters (domain: 253).",
    "email.at": "An e-mail address has exactly one @.",
    "email.local_length": "The part before @ has 1 to 64 characters.",
    "email.local_characters": "The part before @ has characters other than ASCII letters, "
    "digits and !#$%&'*+/=?^_`{|}~-.",
    "email.local_format": "The part before @ starts or ends with a dot or has two dots in a row.",
    "email.domain": "The domain needs at least two labels separated by dots (example.com).",
    "email.domain_label": "A domain label has 1 to 63 letters, digits or hyphens, "
    "not starting or ending with a hyphen.",
    "email.domain_idna": "The domain is not a valid internationalised domain name.",
    "email.tld": "The top-level domain is not at least two letters.",
    "email.suspected_typo": "The domain looks like a typing mistake for a common mail domain.",
}

_ZH: dict[str, str] = {
    "email.type": "电子邮箱不是字符串。",
    "email.length": "电子邮箱超过 254 个字符（域名超过 253 个字符）。",
    "email.at": "电子邮箱必须有且只有一个 @。",
    "email.local_length": "@ 前的部分应为 1 到 64 个字符。",
    "email.local_characters": "@ 前的部分只能包含英文字母、数字和 !#$%&'*+/=?^_`{|}~-。",
    "email.local_format": "@ 前的部分不能以点开头或结尾，也不能有连续两个点。",
    "email.domain": "域名至少要有两段，以点分隔（如 example.com）。",
    "email.domain_label": "域名每段为 1 到 63 个字母、数字或连字符，且不能以连字符开头或结尾。",
    "email.domain_idna": "域名不是有效的国际化域名。",
    "email.tld": "顶级域名不是至少两个字母。",
    "email.suspected_typo": "域名疑似常用邮箱域名的笔误。",
}

#: The codes `parse` reports as warnings (``strict=True`` raises them as errors).
WARNING_CODES: frozenset[str] = frozenset({"email.suspected_typo"})

_MAX_ADDRESS = 254
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_LOCAL_CHARS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")
_MAILTO = re.compile(r"mailto:", re.IGNORECASE)

_PROVIDERS = (
    "qq.com",
    "vip.qq.com",
    "foxmail.com",
    "163.com",
    "126.com",
    "yeah.net",
    "vip.163.com",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "139.com",
    "aliyun.com",
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
)
_TLD_TYPOS = {
    ".com": (".con", ".cm", ".co", ".cpm", ".vom", ".comm", ".om", ".cn.com"),
    ".net": (".nte", ".ne", ".met"),
    ".cn": (".cm",),
}
_NAME_TYPOS = {
    "gmail.com": ("gmial.com", "gamil.com", "gmai.com", "gmaill.com", "gmal.com"),
    "hotmail.com": ("hotmial.com", "hotmal.com", "hotmai.com", "homail.com"),
    "outlook.com": ("outlok.com", "outlook.co", "outloo.com"),
    "yahoo.com": ("yaho.com", "yahooo.com"),
    "foxmail.com": ("foxmial.com", "foxmai.com"),
    "qq.com": ("qq.comm", "qqcom.com", "q.com"),
    "163.com": ("163.comm", "163com.com"),
    "126.com": ("126.comm", "126com.com"),
}


def _typo_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for domain in _PROVIDERS:
        for tld, typos in _TLD_TYPOS.items():
            if domain.endswith(tld):
                stem = domain[: -len(tld)]
                for typo in typos:
                    table.setdefault(stem + typo, domain)
    for domain, typos in _NAME_TYPOS.items():
        for typo in typos:
            table.setdefault(typo, domain)
    for domain in _PROVIDERS:
        table.pop(domain, None)
    return table


_TYPOS: dict[str, str] = _typo_table()


def _error(cls: type[ValidationError], value: object, code: str) -> ValidationError:
    return error(cls, value, code=code, codes=ERROR_CODES, zh=_ZH[code])


def _domain_error(kind: str, address: str) -> ValidationError:
    if kind == "length":
        return _error(InvalidLength, address, code="email.length")
    if kind == "domain":
        return _error(InvalidComponent, address, code="email.domain")
    if kind == "domain_label":
        return _error(InvalidComponent, address, code="email.domain_label")
    if kind == "tld":
        return _error(InvalidComponent, address, code="email.tld")
    return _error(InvalidComponent, address, code="email.domain_idna")


def _warning(code: str) -> ValidationWarning:
    return ValidationWarning(code=code, message_en=ERROR_CODES[code], message_zh=_ZH[code])


def _mask_address(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"


def _mask_repr(value: str) -> str:
    return repr(_mask_address(value))


@attrs.frozen
class EmailAddress:
    """The parts of an e-mail address; ``repr`` shows the address masked."""

    #: The normalised address (domain lower-case, internationalised domains in Unicode).
    address: str = attrs.field(repr=_mask_repr)
    #: The part before ``@``.
    local_part: str = attrs.field(repr=False)
    #: The domain, lower-case, in Unicode (``例子.中国``).
    domain: str
    #: The domain in ASCII (``xn--fsqu00a.xn--fiqs8s``), as mail servers need it.
    ascii_domain: str
    #: The common mail domain ``domain`` is probably a typing mistake for, or ``None``.
    suggested_domain: str | None = None
    #: Doubts about an address that is still accepted.
    warnings: tuple[ValidationWarning, ...] = ()

    def mask(self) -> str:
        """The display form, ``z***@example.com``."""
        return _mask_address(self.address)


_AROUND_AT = re.compile(r"\s*@\s*")
#: A label before the address in a cell: 邮箱：, 电子邮件 …, E-mail:.
_LABEL = label_pattern(
    "电子邮箱地址|电子邮箱|电子邮件地址|电子邮件|邮箱地址|邮箱|邮件地址|邮件|Email地址", "e-?mail"
)
#: Quotation marks around the address, and the punctuation of the sentence after it (folded:
#: ，；：！？ are ASCII by then). No address ends with any of them.
_QUOTES = "\"'“”‘’「」『』"
_TRAILING = ".,;:!?。、" + _QUOTES
#: A note after the address: bracketed (（常用）, [工作]) or Han words after a space (本人).
_NOTE = re.compile(r"(?<!@)\s*(?:[(\[【][^()\[\]【】@]*[)\]】]|\s[\u3400-\u9fff]+)$")
# Invisible characters copy and paste leaves (zero-width space, joiners, word joiner, BOM).
_INVISIBLE = dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF))


def compact(value: str) -> str:
    """Fold full-width forms, strip spaces, ``mailto:`` and the angle brackets of
    ``Name <address>``, lower-case the domain. No validation.

    Spaces around the ``@`` (``zhang @ 163.com``, as typed into a form) are removed: an
    address without quotes holds none. So are zero-width characters, which copy and paste
    leaves invisibly inside an address.

    >>> compact('mailto:Li.Na＠Example。COM'), compact('张伟 <zhang@163.com>')
    ('Li.Na@example.com', 'zhang@163.com')
    >>> compact('zhang @ 163.com')
    'zhang@163.com'
    """
    if not isinstance(value, str):
        raise _error(InvalidFormat, value, code="email.type")
    if len(value) > MAX_INPUT:
        raise _error(InvalidLength, value, code="email.length")
    text = fold_width(value).translate(_INVISIBLE).strip()
    if not text.isascii() or ":" in text:
        text = without_label(text, _LABEL)
    if text and (text[-1] in _TRAILING or text[-1] in ")]】" or not text[-1].isascii()):
        text = _NOTE.sub("", text.rstrip(_TRAILING).rstrip()).rstrip(_TRAILING).rstrip()
    text = text.lstrip(_QUOTES).lstrip()
    if text.endswith(">") and "<" in text:
        text = text[text.rindex("<") + 1 : -1].strip()
    if _MAILTO.match(text):
        text = text[len("mailto:") :].strip()
    if '"' not in text:
        text = _AROUND_AT.sub("@", text)
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    return f"{local}@{normalize_dots(domain)}"


def _check(value: object) -> EmailAddress:
    address = compact(value)  # type: ignore[arg-type]
    if len(address) > _MAX_ADDRESS:
        raise _error(InvalidLength, address, code="email.length")
    if address.count("@") != 1:
        raise _error(InvalidFormat, address, code="email.at")
    local, _, domain = address.partition("@")
    if not 1 <= len(local) <= 64:
        raise _error(InvalidLength, address, code="email.local_length")
    if not _LOCAL_CHARS.fullmatch(local):
        raise _error(InvalidFormat, address, code="email.local_characters")
    if not _DOT_ATOM.fullmatch(local):
        raise _error(InvalidFormat, address, code="email.local_format")
    try:
        name = check_domain(domain)
    except DomainError as exc:
        raise _domain_error(exc.kind, address) from None
    ascii_domain, unicode_domain = name.ascii, name.unicode
    if len(local) + 1 + len(ascii_domain) > _MAX_ADDRESS:
        raise _error(InvalidLength, address, code="email.length")
    suggestion = _TYPOS.get(ascii_domain)
    warnings = (_warning("email.suspected_typo"),) if suggestion else ()
    return EmailAddress(
        f"{local}@{unicode_domain}", local, unicode_domain, ascii_domain, suggestion, warnings
    )


def _checked(value: object, strict: bool) -> EmailAddress:
    result = _check(value)
    if strict and result.warnings:
        raise _error(InvalidComponent, result.address, code=result.warnings[0].code)
    return result


def validate(value: str, *, strict: bool = False) -> str:
    """Return the normalised address or raise a `custmaster.ValidationError`.

    ``strict=True`` also refuses suspected typing mistakes in the domain.

    >>> validate('li@163.cm', strict=True)
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidComponent: [email.suspected_typo] value=l*******m: ...
    """
    return _checked(value, strict).address


def is_valid(value: object, *, strict: bool = False) -> bool:
    """Whether ``value`` is a valid e-mail address; never raises.

    >>> is_valid('a@b.cn'), is_valid('a@b'), is_valid(None)
    (True, False, False)
    """
    try:
        _checked(value, strict)
    except ValidationError:
        return False
    return True


def format(value: str, *, strict: bool = False) -> str:
    """Return the normalised address (as `validate`).

    >>> format('Wang@Sina.Com')
    'Wang@sina.com'
    """
    return _checked(value, strict).address


def mask(value: str) -> str:
    """Display form of PRIVACY.md: first character of the local part, ``***``, full domain.

    An invalid address is masked as an unknown value. Never raises.

    >>> mask('wang.fang@sina.com'), mask('wang.fang@')
    ('w***@sina.com', 'w********@')
    """
    try:
        return _mask_address(_check(value).address)
    except ValidationError:
        return mask_unknown(value)


def parse(value: str, *, strict: bool = False) -> EmailAddress:
    """Validate the address and return its parts.

    >>> parse('Service@例子.中国')
    EmailAddress(address='S***@例子.中国', domain='例子.中国',
                 ascii_domain='xn--fsqu00a.xn--fiqs8s', suggested_domain=None, warnings=())
    """
    return _checked(value, strict)
