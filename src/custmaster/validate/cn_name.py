"""Name (姓名 / 名称) of a person or organisation, as Chinese customer records hold it.

A person's name is normally written in Han characters, surname first (``张伟``, ``欧阳娜娜``);
names of ethnic minorities transliterated into Han characters join their parts with the middle
dot U+00B7 (``买买提·艾力``); foreigners and some Chinese customers appear in Latin letters
(``Zhang Wei``, ``John Smith``). Organisation names (``腾讯科技（深圳）有限公司``) are Han
characters with full-width parentheses.

`compact` cleans what data entry adds:

* full-width letters and the ideographic space are folded to ASCII (``Ｊｏｈｎ`` → ``John``),
  zero-width spaces and joiners (left by copy and paste) are removed;
* runs of white space become one space and are stripped; a space between two Han characters
  (``张 伟``) or next to a middle dot is removed, spaces between Latin words are kept;
* the middle-dot look-alikes ``• ・ ･ ‧ ∙ ⋅`` become ``·``, and so do ``.``, ``．`` and the
  ideographic full stop ``。`` between two Han characters (``买买提.艾力``, ``买买提。艾力``),
  and a hyphen or dash between two Han characters (``阿依古丽-买买提``, ``阿依古丽——买买提``;
  not in a name with an organisation keyword, where it is part of the name);
* parentheses become full-width ``（）`` in names with Han characters, ASCII ``()`` otherwise;
* the text is put in Unicode normal form C (accents composed; a CJK compatibility ideograph
  becomes its unified ideograph).

Latin letters keep their case. `validate` refuses:

* digits of any script (``张3``, ``李②``; organisations too: registered Chinese names write
  numbers in Han characters) and control, format, private-use (legacy 造字 of rare
  characters: use the standard Unicode character) or unassigned characters, and scripts other
  than Han and Latin;
* names with fewer than 2 or more than 60 characters (organisations: 100);
* placeholders: ``无``, ``不详``, ``未知``, ``客户``, ``测试…``, ``test``, ``先生`` or ``女士``
  alone, a role alone (``车主``, ``投保人``), a surname with only ``某`` or ``X``
  (``张某``, ``李XX``), and ``某`` with a form of address (``某先生``, ``某女士``);
* already-masked values (``张*``).

Forms of address (``先生 女士 小姐 太太 夫人 老师 师傅 经理 总经理 董事长 主任 老板 阿姨 同志``,
and ``总`` after a bare surname) are no part of a name; written with or without brackets, they
are read the same way (``张伟（先生）`` as ``张伟先生``):

* after a full name (``张伟先生``, ``王芳（女士）``, ``欧阳娜娜女士``) the form of address is
  removed: `validate` gives ``张伟``, `parse` reports ``honorific='先生'`` and the warning
  ``cn_name.note``;
* after a bare surname (``张先生``, ``王（女士）``, ``欧阳先生``, ``李总``), as call-back lists
  write, the name stays (``王先生``): it names a real person whose given name was not recorded,
  an incomplete name rather than a placeholder. It carries the warning ``cn_name.honorific``.

``strict=True`` refuses both. The role a spreadsheet notes in brackets after a person's name
(``张三（车主）``, ``李四(投保人)``, several joined: ``张三（车主本人）``,
``李四（投保人/被保险人）``) is removed, with the warning ``cn_name.note``; any other
bracketed note on a person's name (``张伟（已故）``, ``王小明（儿子）``) is refused with
``cn_name.note_unknown``, since it may matter to whoever calls, and a note alone (``（先生）``)
is a placeholder.

`parse` tells persons from organisations by keywords (``公司``, ``有限``, ``集团``, ``委员会``,
``医院``, ``银行``, ``合作社`` …, a final ``厂 局 店 …`` in names of 4 characters or more, and
``Ltd``, ``Inc``, ``GmbH`` …); callers that know better pass ``kind=``. A short organisation
name without a keyword (``修理厂``) is taken for a person, the safe direction for masking.
For persons written in Han characters it splits the surname (two characters for the compound
surnames ``欧阳``, ``司马``, ``上官``, ``诸葛`` … when the name has at least 3 characters, one
otherwise) from the given name. Minority names with ``·`` and Latin names have no surname in
this sense (their order differs), so ``surname`` is ``None`` and ``parts`` lists the parts.

`mask` follows PRIVACY.md: a Han name keeps its surname and shows one ``*`` for each other
character (``张*``, ``欧阳**``, ``张**`` for ``张先生``); a ``·`` name keeps its first
character and the dots (``买**·**``); a Latin name keeps its first letter and the spaces
(``J*** *****``). Organisation names are shown in full: PIPL protects natural persons, and an
organisation's registered name is public (a sole trader's shop name may contain a person's
name; pass ``kind='person'`` to mask such names).

**Speed.** Most names are 2 to 60 CJK unified ideographs, with single middle dots between
the parts of a minority name, or ASCII letters with single spaces between words. When such a
name is no placeholder, `validate`, `is_valid` and `format` return at once (about a
microsecond in CPython) and `parse` and `mask` skip to the kind and the surname; every other
name goes through each step above (a few microseconds). The tests check that both paths give
the same answer.

More information:

* PRIVACY.md, section 4 (display rules)
* https://zh.wikipedia.org/wiki/复姓

>>> validate('张 伟')
'张伟'
>>> validate('买买提 . 艾力')
'买买提·艾力'
>>> validate('腾讯科技(深圳)有限公司')
'腾讯科技（深圳）有限公司'
>>> mask('欧阳娜娜'), mask('买买提·艾力'), mask('腾讯科技（深圳）有限公司')
('欧阳**', '买**·**', '腾讯科技（深圳）有限公司')
>>> p = parse('张先生')
>>> p.surname, p.honorific, [w.code for w in p.warnings]
('张', '先生', ['cn_name.honorific'])
>>> p = parse('张伟（先生）')
>>> p.name, p.honorific, [w.code for w in p.warnings]
('张伟', '先生', ['cn_name.note'])
>>> validate('不详')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [cn_name.placeholder] value=**: ...
>>> validate('张3')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [cn_name.digits] value=**: ...
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal, TypeGuard

import attrs

from custmaster.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    UsageError,
    ValidationError,
    ValidationWarning,
)
from custmaster.validate._mask import mask_unknown
from custmaster.validate._text import FULLWIDTH_CLASS, MAX_INPUT, error, fold_width

__all__ = [
    "COMPOUND_SURNAMES",
    "ERROR_CODES",
    "WARNING_CODES",
    "CnName",
    "NameKind",
    "compact",
    "format",
    "is_valid",
    "mask",
    "parse",
    "validate",
]

ERROR_CODES: dict[str, str] = {
    "cn_name.type": "The name is not a string.",
    "cn_name.length": "The name has fewer than 2 or more than 60 characters (organisations: 100).",
    "cn_name.masked": "The name is already masked ('*'); the full value is needed.",
    "cn_name.placeholder": "The name is a placeholder (无, 不详, 未知, test, 张某 …).",
    "cn_name.digits": "A name has no digits.",
    "cn_name.characters": "The name has characters other than Han and Latin letters, "
    "spaces, · ' - . (and for organisations （）& ,).",
    "cn_name.format": "A middle dot, hyphen or apostrophe starts or ends the name or is doubled.",
    "cn_name.honorific": "Only a surname and a form of address (张先生): no given name.",
    "cn_name.note": "A note after a person's name was removed: a role in brackets "
    "(张三（车主）) or a form of address after the full name (张伟先生, 张伟（先生）).",
    "cn_name.note_unknown": "A note in brackets after a person's name is neither a role nor "
    "a form of address (张伟（已故）): it may matter to whoever calls.",
}

_ZH: dict[str, str] = {
    "cn_name.type": "姓名不是字符串。",
    "cn_name.length": "姓名少于 2 个或多于 60 个字符（单位名称 100 个）。",
    "cn_name.masked": "姓名已脱敏（含 *），需要完整姓名。",
    "cn_name.placeholder": "姓名是占位值（无、不详、未知、test、张某等）。",
    "cn_name.digits": "姓名中不能有数字。",
    "cn_name.characters": "姓名含有汉字、拉丁字母、空格和 · ' - . "
    "（单位名称另可有（）& ,）以外的字符。",
    "cn_name.format": "间隔号、连字符或撇号位于开头或结尾，或连续出现。",
    "cn_name.honorific": "只有姓氏和称谓（如张先生），缺少名字。",
    "cn_name.note": "已去掉姓名后的备注：括号中的身份（如张三（车主））或全名后的称谓"
    "（如张伟先生、张伟（先生））。",
    "cn_name.note_unknown": "姓名后括号中的备注既不是身份也不是称谓（如张伟（已故）），"
    "可能对联系人有影响。",
}

#: The codes `parse` reports as warnings (``strict=True`` raises them as errors).
WARNING_CODES: frozenset[str] = frozenset({"cn_name.honorific", "cn_name.note"})

#: A person's name followed by the role they play on the row, in brackets, as spreadsheets
#: write them (张三（车主）, 李四(投保人)): the note is no part of the name and is removed
#: (after `compact`, brackets of a Han name are full-width). A form of address in brackets
#: (张伟（先生）) is read as if written without them; other notes (张伟（已故）) may matter to
#: whoever calls, so such a name is refused (``cn_name.note_unknown``).
_ROLE_NOTES = (
    "车主", "本人", "法人", "法定代表人", "投保人", "被保险人", "被保人", "驾驶员", "驾驶人",
    "联系人", "经办人", "代办人", "业务员", "户主", "owner", "self", "holder", "insured",
)  # fmt: skip
_ROLES = frozenset(note.casefold() for note in _ROLE_NOTES)
# Roles joined in one note: 车主本人, 投保人/被保险人, 投保人兼被保险人.
_JOINED_ROLES = re.compile(
    "(?:{0})(?:[/、,，&兼及和 ]*(?:{0}))+".format(
        "|".join(sorted(map(re.escape, _ROLES), key=len, reverse=True))
    )
)
_NOTE = re.compile(r"(?P<name>[^（）()]*?) ?[（(] ?(?P<note>[^（）()]+?) ?[）)]")

#: Two-character surnames recognised when a Han name has at least 3 characters.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "澹台", "公冶", "申屠",
        "太史", "呼延", "闻人", "东郭", "南宫", "西门", "独孤", "百里", "万俟", "司空",
        "濮阳", "淳于", "赫连", "拓跋", "完颜", "宗政", "公羊", "羊舌", "微生", "梁丘",
        "左丘", "东门", "谷梁", "乐正", "亓官", "仉督", "壤驷", "公良", "漆雕", "巫马",
        "公西", "颛孙", "段干", "司寇", "子车", "第五", "鲜于", "闾丘", "夹谷", "宰父",
        "太叔", "仲孙", "归海", "哥舒", "即墨", "纳兰",
    }
)  # fmt: skip

NameKind = Literal["person", "organisation"]

MIN_LENGTH = 2
MAX_PERSON = 60
MAX_ORGANISATION = 100

_HONORIFICS = frozenset(
    {"先生", "女士", "小姐", "太太", "夫人", "老师", "师傅", "经理", "老板", "总", "阿姨", "同志",
     "主任", "总经理", "董事长"}
)  # fmt: skip
#: Forms of address removed after a full name (张伟先生 → 张伟), longest first; a one-character
#: one (总) only ever follows a bare surname (李总), as 张伟总 could be a name.
_TRAILING_HONORIFICS = tuple(sorted((h for h in _HONORIFICS if len(h) > 1), key=len, reverse=True))
_PLACEHOLDERS = frozenset(
    {
        "无", "没有", "暂无", "空", "不详", "未知", "不知道", "待定", "待补", "待补充", "未填",
        "未填写", "匿名", "无名氏", "客户", "姓名", "名称", "本人", "某某", "某人", "测试",
        "先生", "女士", "小姐", "太太", "老板", "师傅", "未知客户", "客户姓名", "客户名称",
        "车主", "投保人", "被保险人", "被保人", "驾驶员", "驾驶人", "联系人", "法人",
        "test", "tester", "none", "null", "nil",
        "na", "n/a", "unknown", "anonymous", "tbd", "name", "x", "xx", "xxx", "xxxx",
    }
)  # fmt: skip
#: 某 and a form of address (某先生, 某女士): someone whose name was not recorded.
_PLACEHOLDERS |= {"某" + honorific for honorific in _HONORIFICS}
_FILLERS = frozenset("某Xx")
_ORG_KEYWORDS = (
    "公司", "有限", "集团", "股份", "控股", "实业", "商贸", "物流", "委员会", "合作社",
    "事务所", "研究所", "研究院", "基金会", "办事处", "经营部", "营业部", "门市部", "服务部",
    "信用社", "幼儿园", "卫生院", "卫生室", "派出所", "俱乐部", "个体工商户", "门诊部",
    "出版社", "电视台", "检察院", "法院", "公安局", "政府", "医院", "银行", "支行", "分行",
    "学校", "大学", "学院", "中学", "小学", "诊所", "超市", "酒店", "宾馆", "饭店", "商店",
    "商行", "药店", "药房", "工作室", "车队", "协会", "学会", "商会", "部队", "中心",
)  # fmt: skip
_ORG_SUFFIXES = frozenset("厂局店馆所院社站队部场厅")
_ORG_WORDS = frozenset(
    {
        "ltd", "limited", "inc", "incorporated", "corp", "corporation", "co", "company",
        "llc", "llp", "plc", "gmbh", "ag", "group", "bank", "university", "college", "school",
        "hospital", "association", "foundation", "institute", "holdings", "trust",
    }
)  # fmt: skip

# Han ideographs: CJK Unified Ideographs, extensions A-I and the compatibility blocks.
_HAN_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EE5F),
    (0x2F800, 0x2FA1F),
    (0x30000, 0x323AF),
)
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_HAN_CLASS = "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _HAN_RANGES) + "]"
_HAN = re.compile(_HAN_CLASS)
_ALL_HAN = re.compile(_HAN_CLASS + "+")
_DOT = "·"
_DOT_BETWEEN_HAN = re.compile(rf"({_HAN_CLASS}) ?[.。] ?(?={_HAN_CLASS})")
#: A hyphen or dash typed for the dot of a person's name (阿依古丽-买买提), between two Han
#: characters; not in organisation names (中国-东盟…), where it is part of the name.
_DASH_BETWEEN_HAN = re.compile(rf"({_HAN_CLASS}) ?[-‐‑‒–—―]+ ?(?={_HAN_CLASS})")
_DASHES = re.compile("[-‐‑‒–—―]")
_DOT_LIKE_CHARS = "•・･‧∙⋅\u0387\u2e31"
_DOT_LIKE = str.maketrans({**dict.fromkeys(_DOT_LIKE_CHARS, _DOT), **dict.fromkeys(_ZERO_WIDTH)})
# Any character that fold_width or _DOT_LIKE changes (both tables are skipped when none occurs).
_TO_FOLD = re.compile(f"[{FULLWIDTH_CLASS}{_DOT_LIKE_CHARS}{_ZERO_WIDTH}]")
_SPACES = re.compile(r"\s+")
_PERSON_PUNCT = frozenset(" ·'-.")
_ORG_PUNCT = frozenset(" ·'-.（）()&,")
_DOUBLED = re.compile(r"[·'\-]{2,}|^[·'\-]|[·'\-]$")
_ORG_KEYWORD = re.compile("|".join(map(re.escape, _ORG_KEYWORDS)))


def _latin_letters() -> str:
    """The Latin letters of the Latin blocks, by the rule of `_check_characters`."""
    chars = (chr(code) for code in (*range(0x250), *range(0x1E00, 0x1F00)))
    return "".join(
        c
        for c in chars
        if unicodedata.category(c)[0] == "L" and unicodedata.name(c, "").startswith("LATIN")
    )


# Names made only of these pass `_check_characters` without a look at each character; any
# other character (further Latin letters included) is judged one by one.
_LATIN = re.escape(_latin_letters())
_PLAIN_PERSON = re.compile(f"(?:{_HAN_CLASS}|[{_LATIN} ·'\\-.])*")
_PLAIN_ORGANISATION = re.compile(f"(?:{_HAN_CLASS}|[{_LATIN} ·'\\-.（）()&,])*")

# The common cases, of 2 to 60 characters: CJK Unified Ideographs, with single middle dots
# between them (张伟, 厦门鹭江贸易有限公司, 买买提·艾力), or ASCII letters with single spaces
# between words (John Smith). Such a name is unchanged by `compact`, passes the character,
# length and format checks for both kinds, and is refused only as a placeholder (see `_plain`).
_PLAIN_HAN = re.compile("[\u4e00-\u9fff]+(?:·[\u4e00-\u9fff]+)*")
_PLAIN_LATIN = re.compile("[A-Za-z]+(?: [A-Za-z]+)*")
_KINDS = (None, "person", "organisation")

_Kind = Literal["person", "organisation"]


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or _HAN.match(char) is not None


def _error(cls: type[ValidationError], value: object, code: str) -> ValidationError:
    return error(cls, value, code=code, codes=ERROR_CODES, zh=_ZH[code])


def _warning(code: str) -> ValidationWarning:
    return ValidationWarning(code=code, message_en=ERROR_CODES[code], message_zh=_ZH[code])


@attrs.frozen
class CnName:
    """The parts of a name; ``repr`` shows the name masked (persons) and hides the given name."""

    #: The normalised name.
    name: str = attrs.field(repr=False)
    #: ``'person'`` or ``'organisation'``.
    kind: NameKind
    #: The surname of a person written in Han characters; ``None`` otherwise.
    surname: str | None
    #: The rest of a Han person's name (``''`` for ``张先生``); ``None`` when there is no surname.
    given_name: str | None = attrs.field(repr=False)
    #: The parts of a ``·`` name, or the words of a Latin name; the name itself otherwise.
    parts: tuple[str, ...] = attrs.field(repr=False)
    #: The form of address of ``张先生``-style names, else ``None``.
    honorific: str | None = None
    #: Doubts about a name that is still accepted.
    warnings: tuple[ValidationWarning, ...] = ()

    def mask(self) -> str:
        """The display form of PRIVACY.md (see the module notes)."""
        return _mask_name(self)

    def __repr__(self) -> str:
        return (
            f"CnName(name={self.mask()!r}, kind={self.kind!r}, surname={self.surname!r}, "
            f"honorific={self.honorific!r}, warnings={self.warnings!r})"
        )


def _drop_spaces(text: str) -> str:
    """Remove the spaces between two Han characters (or full-width parentheses) and next to ·."""
    if " " not in text:
        return text
    out: list[str] = []
    n = len(text)
    for i, char in enumerate(text):
        if char == " " and 0 < i < n - 1:
            before, after = text[i - 1], text[i + 1]
            if _DOT in (before, after):
                continue
            if _joins(before) and _joins(after):
                continue
        out.append(char)
    return "".join(out)


def _joins(char: str) -> bool:
    return char in "（）" or _is_han(char)


def compact(value: str) -> str:
    """Fold full-width forms, white space, middle dots and parentheses; no validation.

    >>> compact('　Ｊｏｈｎ　  Ｓｍｉｔｈ ')
    'John Smith'
    >>> compact('阿依古丽 ・ 买买提')
    '阿依古丽·买买提'
    """
    if not isinstance(value, str):
        raise _error(InvalidFormat, value, code="cn_name.type")
    if len(value) > MAX_INPUT:
        raise _error(InvalidLength, value, code="cn_name.length")
    text = value
    if not text.isascii() and _TO_FOLD.search(text) is not None:
        text = fold_width(text).translate(_DOT_LIKE)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text).strip()
    has_han = not text.isascii() and _HAN.search(text) is not None
    if has_han:
        text = text.replace("(", "（").replace(")", "）")
        if "." in text or "。" in text:
            text = _DOT_BETWEEN_HAN.sub(r"\1" + _DOT, text)
        if _DASHES.search(text) is not None and _ORG_KEYWORD.search(text) is None:
            text = _DASH_BETWEEN_HAN.sub(r"\1" + _DOT, text)
        text = _drop_spaces(text)
    else:
        text = text.replace("（", "(").replace("）", ")")
    return text


def _detect_kind(name: str) -> _Kind:
    if _ORG_KEYWORD.search(name) is not None:
        return "organisation"
    if _DOT in name:
        return "person"
    if len(name) >= 4 and name[-1] in _ORG_SUFFIXES and len(_HAN.findall(name)) >= 4:
        return "organisation"
    if _ALL_HAN.fullmatch(name) is not None:
        return "person"  # Han characters have no case: no word below can match
    words = {w.strip(".,()").casefold() for w in name.split()}
    if words & _ORG_WORDS:
        return "organisation"
    return "person"


def _check_characters(name: str, kind: _Kind) -> None:
    plain = _PLAIN_PERSON if kind == "person" else _PLAIN_ORGANISATION
    if plain.fullmatch(name) is not None:
        return
    allowed_punct = _PERSON_PUNCT if kind == "person" else _ORG_PUNCT
    for char in name:
        if char in allowed_punct or _is_han(char):
            continue
        category = unicodedata.category(char)
        if category[0] == "N":
            raise _error(InvalidFormat, name, code="cn_name.digits")
        if category[0] == "L" and unicodedata.name(char, "").startswith("LATIN"):
            continue
        raise _error(InvalidFormat, name, code="cn_name.characters")


def _split_person(name: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(surname, given name, parts) of a person's name."""
    if _DOT in name:
        return None, None, tuple(name.split(_DOT))
    if _ALL_HAN.fullmatch(name) is not None:
        length = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
        if name.startswith("爱新觉罗") and len(name) >= 5:
            length = 4
        return name[:length], name[length:], (name,)
    return None, None, tuple(name.split())


def _check(value: object, kind: NameKind | None, *, fast: bool = True) -> CnName:
    """Parse ``value``; ``fast=False`` skips the fast path (the equivalence tests compare both)."""
    if kind not in _KINDS:
        raise UsageError(
            "kind must be None, 'person' or 'organisation'.",
            message_zh="kind 只能是 None、'person' 或 'organisation'。",
        )
    if fast and _plain(value):
        return _parts(value, kind if kind is not None else _detect_kind(value))
    name = compact(value)  # type: ignore[arg-type]
    if "*" in name:
        raise _error(InvalidFormat, name, code="cn_name.masked")
    folded = name.replace(" ", "").casefold()
    if folded in _PLACEHOLDERS or folded.startswith(("测试", "test_", "test-")):
        raise _error(InvalidComponent, name, code="cn_name.placeholder")
    resolved: _Kind = kind if kind is not None else _detect_kind(name)
    noted = False
    honorific = None
    if resolved == "person":
        name, noted, honorific = _without_notes(name)
        folded = name.replace(" ", "").casefold()
        if folded in _PLACEHOLDERS:
            raise _error(InvalidComponent, name, code="cn_name.placeholder")
    _check_characters(name, resolved)
    letters = len(name.replace(" ", ""))
    limit = MAX_PERSON if resolved == "person" else MAX_ORGANISATION
    if not MIN_LENGTH <= letters <= limit:
        raise _error(InvalidLength, name, code="cn_name.length")
    if _DOUBLED.search(name) or " ·" in name or "· " in name:
        raise _error(InvalidFormat, name, code="cn_name.format")
    if len(set(folded)) == 1 and (len(folded) >= 3 or folded.isascii()):
        raise _error(InvalidComponent, name, code="cn_name.placeholder")
    if resolved == "person":
        rest = name[1:].replace(" ", "")
        if _is_han(name[0]) and rest and set(rest) <= _FILLERS:
            raise _error(InvalidComponent, name, code="cn_name.placeholder")
    return _parts(name, resolved, noted=noted, honorific=honorific)


def _without_notes(name: str) -> tuple[str, bool, str | None]:
    """A person's name without its notes: (name, whether a note was removed, form of address).

    A role in brackets is removed (张三（车主）); a form of address in brackets is read as if
    written without them (张伟（先生） as 张伟先生, 王（先生） as 王先生); any other bracketed
    note refuses the name. A form of address after a full name is removed (张伟先生 → 张伟);
    after a bare surname (王先生, 欧阳先生) it stays, and `_parts` reports it.
    """
    noted = False
    note = _NOTE.fullmatch(name)
    if note is not None:
        text = note.group("note")
        if not note.group("name"):
            raise _error(InvalidComponent, name, code="cn_name.placeholder")
        if text.casefold() in _ROLES or _JOINED_ROLES.fullmatch(text.casefold()):
            name, noted = note.group("name"), True
        elif text in _HONORIFICS:
            name = note.group("name") + text
        else:
            raise _error(InvalidComponent, name, code="cn_name.note_unknown")
    if name.endswith(_TRAILING_HONORIFICS):
        for honorific in _TRAILING_HONORIFICS:
            if name.endswith(honorific):
                rest = name[: -len(honorific)].rstrip()
                if len(rest) >= MIN_LENGTH and rest not in COMPOUND_SURNAMES:
                    return rest, True, honorific
                break
    return name, noted, None


def _parts(name: str, kind: _Kind, *, noted: bool = False, honorific: str | None = None) -> CnName:
    """The result for ``name``, which passed every check (``noted``: a note was removed;
    ``honorific``: the form of address removed after the full name)."""
    if kind == "organisation":
        return CnName(name, "organisation", None, None, (name,))
    surname, given, parts = _split_person(name)
    warnings: tuple[ValidationWarning, ...] = (_warning("cn_name.note"),) if noted else ()
    if honorific is not None:
        return CnName(name, "person", surname, given, parts, honorific, warnings)
    if surname is not None and given is not None and given in _HONORIFICS:
        honorific, given = given, ""
        warnings = (*warnings, _warning("cn_name.honorific"))
    return CnName(name, "person", surname, given, parts, honorific, warnings)


def _plain(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a plain name that `validate` returns unchanged, for any ``kind``.

    A fast path only: False means "not sure", and the full checks decide.
    """
    if type(value) is not str or not MIN_LENGTH <= len(value) <= MAX_PERSON:
        return False
    if _PLAIN_HAN.fullmatch(value) is not None:
        return (
            value not in _PLACEHOLDERS
            and not value.startswith("测试")
            and (len(value) == 2 or value.count(value[0]) != len(value))  # not 哈哈哈
            and value[1:].strip("某") != ""  # not 张某, 张某某
            # not 张伟先生 (a form of address after a bare surname, 王先生, stays)
            and not (len(value) > 3 and value.endswith(_TRAILING_HONORIFICS))
        )
    if _PLAIN_LATIN.fullmatch(value) is not None:
        folded = value.replace(" ", "").lower()
        return folded not in _PLACEHOLDERS and folded.count(folded[0]) != len(folded)
    return False


def _checked(value: object, kind: NameKind | None, strict: bool, *, fast: bool = True) -> CnName:
    result = _check(value, kind, fast=fast)
    if strict and result.warnings:
        raise _error(InvalidComponent, result.name, code=result.warnings[0].code)
    return result


def _mask_name(parsed: CnName) -> str:
    name = parsed.name
    if parsed.kind == "organisation":
        return name
    if parsed.surname is not None:
        return parsed.surname + "*" * (len(name) - len(parsed.surname))
    return name[:1] + "".join(c if c in " ·" else "*" for c in name[1:])


def validate(value: str, *, kind: NameKind | None = None, strict: bool = False) -> str:
    """Return the normalised name or raise a `custmaster.ValidationError`.

    ``kind`` forces ``'person'`` or ``'organisation'`` rules; ``strict=True`` also refuses
    names that are only a surname and a form of address.

    >>> validate('王女士', strict=True)
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidComponent: [cn_name.honorific] value=***: ...
    """
    if not strict and kind in _KINDS and _plain(value):
        return value
    return _checked(value, kind, strict).name


def is_valid(value: object, *, kind: NameKind | None = None, strict: bool = False) -> bool:
    """Whether ``value`` is an acceptable name; never raises.

    >>> is_valid('诸葛亮'), is_valid('张'), is_valid('李某'), is_valid(None)
    (True, False, False, False)
    """
    if not strict and kind in _KINDS and _plain(value):
        return True
    try:
        _checked(value, kind, strict)
    except ValidationError:
        return False
    return True


def format(value: str, *, kind: NameKind | None = None, strict: bool = False) -> str:
    """Return the normalised name (as `validate`).

    >>> format('Ｗａｎｇ  Ｆａｎｇ')
    'Wang Fang'
    """
    return validate(value, kind=kind, strict=strict)


def mask(value: str, *, kind: NameKind | None = None) -> str:
    """Display form of PRIVACY.md (see the module notes). Never raises.

    An invalid value is masked as an unknown value.

    >>> mask('张伟'), mask('张先生'), mask('John Smith'), mask('张3')
    ('张*', '张**', 'J*** *****', '**')
    """
    try:
        return _mask_name(_check(value, kind))
    except ValidationError:
        return mask_unknown(value)


def parse(value: str, *, kind: NameKind | None = None, strict: bool = False) -> CnName:
    """Validate the name and return its kind and parts.

    >>> parse('欧阳娜娜')
    CnName(name='欧阳**', kind='person', surname='欧阳', honorific=None, warnings=())
    >>> parse('上海汽车集团股份有限公司').kind
    'organisation'
    >>> parse('买买提·艾力').parts
    ('买买提', '艾力')
    """
    return _checked(value, kind, strict)
