"""Text clean-up for phone numbers as people and spreadsheets write them.

Private to `custmaster.validate.phone`: full-width characters, labels (``手机：``, ``Tel:``),
notes (``（微信同号）``, ``张先生``), status notes saying the number is bad (``空号``, ``停机``),
spreadsheet artefacts (``13800138000.0``, ``1.3800138E10``), extension markers (``转801``,
``ext. 801``) and splitting a field that holds several numbers. Nothing here judges the digits;
that is the numbering plan's job.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

import attrs

__all__ = [
    "Cleaned",
    "clean",
    "split_fields",
    "status_note",
    "to_ascii",
]

# Full-width ASCII (U+FF01..U+FF5E) to ASCII, ideographic and other spaces to a space, the
# dash family to '-', and characters that are invisible or quote a spreadsheet cell dropped.
_TRANSLATE: Final[dict[int, int | None]] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_TRANSLATE.update(dict.fromkeys((0x3000, 0x00A0, 0x2002, 0x2003, 0x2009, 0x202F), 0x20))
_TRANSLATE.update(
    {cp: ord("-") for cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x30FC)}
)
_TRANSLATE.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)))
_TRANSLATE.update({0x3001: ord(","), 0x3002: ord("."), 0x3010: ord("("), 0x3011: ord(")")})
# Square brackets ([0592]5123456, ［办］) read as round ones.
_TRANSLATE.update(dict.fromkeys((0x5B, 0xFF3B), ord("(")) | dict.fromkeys((0x5D, 0xFF3D), ord(")")))

# Words that label a number or its owner. Longest first so that 手机号码 wins over 手机.
_LABEL_WORDS: Final = (
    "手机号码",
    "手机号",
    "手机",
    "移动电话",
    "联系电话",
    "联系方式",
    "电话号码",
    "固定电话",
    "电话",
    "座机",
    "固话",
    "传真号码",
    "传真",
    "办公室",
    "办公",
    "单位",
    "公司",
    "家庭",
    "住宅",
    "宅电",
    "家",
    "微信同号",
    "QQ同号",
    "同微信",
    "同QQ",
    "微信",
    "同号",
    "号码",
)
_ASCII_LABELS: Final = (
    "telephone",
    "mobile",
    "phone",
    "cell",
    "mob",
    "tel",
    "fax",
    "office",
    "home",
    "work",
)
_ONE_LABEL: Final = (
    "(?:" + "|".join(_LABEL_WORDS) + "|(?<![a-z])(?:" + "|".join(_ASCII_LABELS) + ")(?![a-z]))"
)
# A label, or several joined by '/' or '、' (电话/传真：), and its colon.
_LABEL_RE: Final = re.compile(
    _ONE_LABEL + "(?:\\s*[/,]\\s*" + _ONE_LABEL + ")*\\s*[:.]?", re.IGNORECASE
)
#: Notes saying the number itself is bad, as call-centre systems and spreadsheets write them:
#: it does not exist (空号, 号码不存在, 无效), is suspended or cancelled (停机, 停用, 销号, 注销),
#: is no longer used (已不用, 不用了, 失效), or is not the customer's (错, 错号, 号码错误,
#: 不正确, 非本人, 已换号). A number carrying one is refused with ``phone.status``. Transient
#: results of one call (关机, 无人接听, 无法接通, 占线, 拒接) and 停机保号 (suspended at the
#: customer's request, number kept) say nothing against the number: they are notes like any
#: other, and dropped. 错 alone (``13800138000（错）``) is the shortest such note, tried last so
#: that the longer ones name the note (错号, 号码错); 没错 and 不错 (right, not bad) and 错过
#: (a missed call) are not.
_STATUS_RE: Final = re.compile(
    "空号|停机(?!保号)|停用|销号|销户|注销|错号|号码错|号错|错误|有误|不对|不正确|无效|作废|失效"
    "|不存在|非本人|不是本人|非客户本人|暂停服务|换号|已换|已变更|更换|改号|无此号|打错|弃用"
    "|不再使用|不再用|已不用|不用了|停止使用|没在用|错(?<!没错)(?<!不错)(?!过)"
)
# A note of Han characters before or after the number (张先生 13800138000, 13800138000本人).
_HAN: Final = "\u3400-\u9fff"
# Several words count as one note (021-62345678 转 总经理 办公室: whom to ask for).
_EDGE_NOTE_RE: Final = re.compile(
    f"^[{_HAN}]+(?:\\s+[{_HAN}]+)*[\\s:]*|[\\s:]*[{_HAN}]+(?:\\s+[{_HAN}]+)*\\s*$"
)
#: A place named with a number: Hong Kong, Macao or Taiwan (香港 91234567, 91234567（香港）),
#: whose numbers are then tried before China's (ISO 3166 region codes).
_PLACES: Final = {"香港": "HK", "澳门": "MO", "澳門": "MO", "台湾": "TW", "台灣": "TW"}
_PLACE_RE: Final = re.compile("|".join(_PLACES))
#: The same in English (HK 91234567, Macau 66123456, (Taiwan) 0912345678), removed once read.
_LATIN_PLACES: Final = {"hk": "HK", "hongkong": "HK", "macau": "MO", "macao": "MO", "taiwan": "TW"}
_LATIN_PLACE_RE: Final = re.compile(
    r"(?<![a-z])(?:hk|hong\s?kong|maca[uo]|taiwan)(?![a-z])\s*[:.]?", re.IGNORECASE
)
# A bracketed note without digits: (微信同号), [办], 【同微信】.
_NOTE_RE: Final = re.compile(r"[(\[][^()\[\]0-9]*[)\]]")
_PLACEHOLDERS: Final = frozenset(
    {"", "无", "暂无", "没有", "不详", "未知", "空", "null", "none", "n/a", "na", "-", "--", "/"}
)
# A phrase saying no number was given (未提供, 客户未留, 拒绝提供): empty, as a placeholder is.
_NOT_GIVEN_RE: Final = re.compile(
    "(?:客户|本人|对方)?(?:暂)?(?:未|没有?|不|拒绝|不愿)(?:提供|留|填写?|告知|登记)"
    "(?:电话|号码|联系方式)?"
)
# A cell exported as a spreadsheet formula to keep it text: ="13800138000".
_FORMULA_TEXT_RE: Final = re.compile(r'\s*="(.*)"\s*')
# A spreadsheet rendering of an integer: 13800138000.0, 1.3800138E10, 1.3800138e+10.
_FLOAT_RE: Final = re.compile(r"(\+?\d+)\.0+")
_SCIENTIFIC_RE: Final = re.compile(r"\d(?:\.\d+)?[eE]\+?\d{1,2}")
# Excel's General format shows at most 6 significant digits in scientific form (1.38001E+10):
# a mantissa that short stands for a longer number whose other digits are lost. Programs that
# print the shortest exact form (Java's 1.3800138E10) show 7 or more for a phone number.
_EXCEL_SIGNIFICANT: Final = 6
# An explicit extension at the end: 转801, 转 801, 分机801, 分机号801, ext 801, ext.801, x801, #801.
_EXTENSION_MARKER: Final = r"(?:;\s*ext=|转\s*分机号?|转|分机号?|内线|ext(?:ension)?\.?|x|#)"
_EXTENSION_RE: Final = re.compile(
    r"\s*" + _EXTENSION_MARKER + r"\s*[:.]?\s*(\d+)\s*#?\Z", re.IGNORECASE
)
# The same in brackets: 0592-5123456（转801）.
_BRACKETED_EXTENSION_RE: Final = re.compile(
    r"[(\[]\s*(" + _EXTENSION_MARKER + r"\s*[:.]?\s*\d+)\s*[)\]]\s*\Z", re.IGNORECASE
)
_BODY_RE: Final = re.compile(r"[\s\-.()]*\+?[\d\s\-.()]*")
_GROUP_SPLIT_RE: Final = re.compile(r"[\s\-.()]+")
_LETTER_RE: Final = re.compile(r"[A-Za-z]")
_DIGIT_RE: Final = re.compile(r"\d")
# Separators between numbers: '/', ';', ',', '|', '、', line breaks (full-width ones are
# translated first). ';ext=' is an extension, not a separator.
_FIELD_SPLIT_RE: Final = re.compile(r"[/,|\n\r\t]+|;(?!\s*ext=)|(?<=\d)\s*[或及和]\s*(?=[+(\d])")
# Start a new fragment where a label follows a digit: 手机13800138000办公0592-5123456.
_LABEL_AFTER_DIGIT_RE: Final = re.compile(
    r"(?<=[\d\s)])(?=" + _LABEL_RE.pattern + ")", re.IGNORECASE
)


def to_ascii(value: str) -> str:
    """Map full-width characters, exotic spaces and dashes to ASCII; drop invisible ones."""
    return value.translate(_TRANSLATE)


@attrs.frozen
class Cleaned:
    """A value reduced to number groups, or the error code that stopped the clean-up."""

    groups: tuple[str, ...] = ()
    extension: str | None = None
    error: str | None = None
    #: The region of a place named with the number (``香港`` → ``'HK'``), if any.
    place: str | None = None


def clean(value: str) -> Cleaned:
    """Reduce ``value`` to its digit groups (the first may start with '+') and extension."""
    text = to_ascii(value)
    place = None
    if not text.isascii():
        if _STATUS_RE.search(text) is not None:
            return Cleaned(error="phone.status")
        found = _PLACE_RE.search(text)
        place = None if found is None else _PLACES[found.group()]
    if place is None and _LETTER_RE.search(text) is not None:
        latin = _LATIN_PLACE_RE.search(text)
        if latin is not None:
            word = re.sub(r"[\s:.]", "", latin.group()).lower()
            place = _LATIN_PLACES[word]
            text = text[: latin.start()] + " " + text[latin.end() :]
    if text.lstrip()[:2] == '="':
        formula = _FORMULA_TEXT_RE.fullmatch(text)
        if formula is not None:
            text = formula.group(1)
    text = _BRACKETED_EXTENSION_RE.sub(r" \1", text)
    text = _NOTE_RE.sub(" ", text)
    text = _LABEL_RE.sub(" ", text).strip().strip("'\"").strip()
    if text.lower() in _PLACEHOLDERS or (
        not text.isascii() and _NOT_GIVEN_RE.fullmatch(text) is not None
    ):
        return Cleaned(error="phone.empty")
    if not text.isascii():
        bare = _EDGE_NOTE_RE.sub("", text)
        if bare != text and _DIGIT_RE.search(bare) is not None:
            text = bare.strip().strip("'\"").strip()
    match = _FLOAT_RE.fullmatch(text)
    if match is not None:
        text = match.group(1)
    elif _SCIENTIFIC_RE.fullmatch(text):
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
            number = Decimal("NaN")
        if number.is_finite() and number == number.to_integral_value():
            if _lost_digits(text, number):
                return Cleaned(error="phone.length")
            text = str(int(number))
    extension = None
    match = _EXTENSION_RE.search(text)
    if match is not None and match.start() > 0:
        extension = match.group(1)
        text = text[: match.start()]
        if not text.isascii():  # a note before the extension marker: 0592-5123456 总机转801
            bare = _EDGE_NOTE_RE.sub("", text)
            if _DIGIT_RE.search(bare) is not None:
                text = bare.strip()
    if _BODY_RE.fullmatch(text) is None:
        if _LETTER_RE.search(text) and _DIGIT_RE.search(text) and "@" not in text:
            return Cleaned(error="phone.vanity")  # letters for digits, not an e-mail address
        return Cleaned(error="phone.format")
    groups = tuple(g for g in _GROUP_SPLIT_RE.split(text) if g)
    if not groups or groups == ("+",):
        return Cleaned(error="phone.empty")
    return Cleaned(groups=groups, extension=extension, place=place)


def _lost_digits(text: str, number: Decimal) -> bool:
    """Whether a scientific rendering (``1.38001E+10``) has dropped digits of the number.

    The digits Excel did not show cannot be told from zeros, so such a value is refused
    rather than read as ``13800100000``.
    """
    shown = sum(c.isdigit() for c in text.lower().partition("e")[0])
    return shown <= _EXCEL_SIGNIFICANT and shown < len(str(int(number)))


def status_note(text: str) -> str | None:
    """The first note in ``text`` saying the number is bad (`_STATUS_RE`), or None.

    The one list `clean` refuses numbers by (``phone.status``); the importers read cells
    around notes by it too (`custmaster.validate.phone.has_status_note`).
    """
    if text.isascii():  # the notes are Han text
        return None
    found = _STATUS_RE.search(to_ascii(text))
    return None if found is None else found.group()


def split_fields(text: str) -> list[str]:
    """Cut a field into the fragments that may each hold one number (or several, by spaces)."""
    text = _NOTE_RE.sub(_drop_note, to_ascii(text))
    text = _LABEL_AFTER_DIGIT_RE.sub("\n", text)
    return [part.strip() for part in _FIELD_SPLIT_RE.split(text) if part.strip()]


def _drop_note(match: re.Match[str]) -> str:
    """A bracketed note becomes a space, unless it says the number is bad (kept for `clean`)."""
    note = match.group()
    return note if _STATUS_RE.search(note) is not None else " "
