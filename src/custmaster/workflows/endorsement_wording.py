"""Endorsement wording (批文): the changes a free-text 批改内容 states, read by rule.

Core systems print every endorsement as a sentence or two, and many extracts carry only that
text: ``经被保险人申请，自2026年9月1日零时起，本保单车牌号由闽D12345变更为闽D54321，其他内容不变。``
`parse_wording` reads such a text into the fields it changes, their new values (and the old
ones where it gives them), its effective date and whether it cancels the policy:

- a change is ``<item>由<old>变更为<new>``, ``<item>变更为<new>``, ``<item>：<old>改为<new>`` or
  ``<item>：<old>→<new>`` (变更为, 更正为, 更改为, 修改为, 改为, 变为 … all read alike); the item
  names a field in the words of the import's header vocabulary
  (`custmaster.workflows.headers.DEFAULT_ALIASES`: 车牌号, 号牌号码, 车架号, 被保险人, 身份证号,
  联系电话, 通讯地址 …), found as the longest such name ending the words before the change, so
  ``本保单被保险人的联系电话`` and ``标的车车架号`` are read; an identity number in brackets after a
  name (``李四（身份证号码：…）``) is a change of its own;
- a block of ``批改前：`` / ``批改后：`` (变更前, 变更后 …) lines of ``<item>：<value>`` pairs, or
  ``原<item>：…`` and ``现<item>：…``: the items whose value differs are the changes;
- the effective date is the date of ``自…起``, ``于…起``, ``…零时起``, ``于…注销`` or
  ``生效日期：…`` (a date inside a changed value, such as a new 初次登记日期, is not it);
- a cancellation is 退保 (not 退保费), 注销, 批退, 解除（保险）合同;
- items of the policy holder (投保人, 投保人身份证号码 …) change the holder; other words
  (其他内容不变, 特此批注, 退还保费 …) are no change.

A text that cannot be read fully is refused with a `custmaster.ValidationError` whose code
says why (`ERROR_CODES`), never read in part: an item no field has (使用性质, 保险期间,
车架号后六位), a change without its new value, two new values of one field, several effective
dates, items of another person (车主, 联系人) or of holder and insured at once, a cancellation
that also changes fields, or no change at all. Values come back as written (quotes and spaces
around them dropped, full-width letters and digits folded): validating them is the caller's
step, as for any cell.

>>> wording = parse_wording("经被保险人申请，自2026年9月1日零时起，"
...                         "本保单车牌号由闽D12345变更为闽D54321，其他内容不变。")
>>> wording.effective, wording.cancellation, [(c.field, c.item) for c in wording.changes]
(datetime.date(2026, 9, 1), False, [('plate', '车牌号')])
>>> wording.changes[0]
WordingChange(field='plate', item='车牌号', after='闽*****1', before='闽*****5')
>>> parse_wording("本保单自2026年10月1日起退保").cancellation
True
>>> parse_wording("本保单使用性质由家庭自用汽车变更为营业货车。")
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [wording.field] ...
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping

import attrs

from custmaster.errors import InvalidComponent
from custmaster.model.source import FIELDS
from custmaster.validate._mask import mask_unknown
from custmaster.workflows.headers import (
    DEFAULT_ALIASES,
    DOCUMENT_TYPE,
    DOCUMENT_TYPE_ALIASES,
    PHONE,
    PHONE_ALIASES,
    check_mapping,
    normalise_header,
)

__all__ = [
    "ERROR_CODES",
    "HOLDER",
    "INSURED",
    "Vocabulary",
    "Wording",
    "WordingChange",
    "parse_wording",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "wording.unreadable": (
        "An endorsement text (批文) states no change and no cancellation it can read."
    ),
    "wording.field": (
        "An endorsement text changes an item that is no record field (使用性质, 保险期间 …)."
    ),
    "wording.value": "An endorsement text names a change without its new value.",
    "wording.conflict": "An endorsement text gives one field two different new values.",
    "wording.effective": "An endorsement text gives several different effective dates.",
    "wording.party": "An endorsement text changes another person's items (车主, 联系人) or both "
    "the holder's and the insured's.",
    "wording.mixed": "An endorsement text cancels the policy and also changes fields.",
    "wording.joined": "An endorsement text gives two items joined by 和, 及 or 、 one change.",
}

#: The party whose items a change names: the insured (被保险人, the default) or the holder.
INSURED = "insured"
HOLDER = "holder"
_SEVERAL = "several"
_OTHER = "other"

#: Item names of the holder (投保人) that the header vocabulary does not have: its name.
_HOLDER_NAMES = ("投保人", "投保人名称", "投保人姓名", "投保人姓名/名称", "投保单位")
#: Words before an item naming a person other than the insured and the holder.
_OTHER_PARTY = re.compile(
    r"(?:车主|所有人|驾驶人|驾驶员|联系人|业务员|经办人|代理人|受益人|收件人|法定代表人|法人代表|法人)$"
)
_PARTY_JOIN = "、和与及/"
#: An item with a bracketed qualifier (被保险人地址(通讯地址)): the item before it.
_QUALIFIER = re.compile(r"(.*?)\([^()]*\)")
#: Words after an item that say it applies to several parties (投保人、被保险人均由…).
_ALSO = re.compile(r"(?:均|都|也|亦|同时|一并)$")

_VERB = re.compile(
    r"变更为|更正为|更改为|修改为|批改为|调整为|更换为|更新为|变更成|更名为|改名为|改为|改成|变为|"
    r"变成|换为|→|->|—>|=>"
)
_FROM = re.compile(r"[由从]")
#: A marker opening a block of values before or after the change (批改前：, 变更后内容：).
_SECTION = re.compile(r"(?:批改|变更|修改)(前|后)(?:内容|信息|情况)?(?::|$)")
#: Words ending the item of a pair saying it holds the value before (原) or after (现).
_BEFORE_WORDS = ("原", "旧", "变更前", "批改前", "修改前")
_AFTER_WORDS = ("现", "新", "变更后", "批改后", "修改后")

_DATE = r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*(?:日|号)?"
_TIME = (
    r"(?:\s*(?:零|0{1,2})\s*(?:时|点)(?:\s*0{1,2}\s*分)?(?:\s*0{1,2}\s*秒)?"
    r"|\s*0{1,2}:00(?::00)?)?"
)
_EFFECTIVE = re.compile(
    rf"(?:生效(?:日期|时间|日)|批改生效日期?)\s*:?\s*{_DATE}{_TIME}\s*(?:起|开始)?(?:生效)?"
    rf"|(?:自|于|从)\s*{_DATE}{_TIME}\s*(?:起|开始)?(?:生效|执行)?"
    rf"|{_DATE}{_TIME}\s*(?:起|开始)(?:生效|执行)?"
)
_CHINESE_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_CHINESE_DATE = re.compile(
    r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
    r"\s*([一二三四五六七八九十]{1,3})\s*[日号]"
)
_CANCEL = re.compile(
    r"退保(?!费|金|保费)|注销|批退|解除(?:本|该)?(?:保险)?合同|(?:保险)?合同(?:解除|终止)"
    r"|终止(?:本|该)?(?:保险)?合同|保单(?:予以|即行)?(?:解除|终止)(?!日|时)"
)
_CLAUSE_SPLIT = re.compile(r"[,;。\n!?！？]+")
_PAIR_SPLIT = re.compile(r"\s+(?=[^\s:]{1,14}:)")
#: A clause of phone numbers alone, after a phone change (另 or 或 before them: "another").
_NUMBERS_ONLY = re.compile(r"(?:另|或|及|和|备用)?((?:\+?[\d\s()\-/]){7,})")
_PHONE_ITEMS = frozenset({PHONE, "mobile", "home_phone", "office_phone", "fax"})
_QUOTES = " \t\"'“”‘’「」『』《》【】[]"
_TRAILING = _QUOTES + ".。:：、!！?？"
_BRACKETED = re.compile(r"\(([^():]{1,16}):([^()]*)\)\s*$")
_BRACKETED_OLD = re.compile(r"\((原|旧)([^():]+)\)\s*$")
_ENUMERATION = re.compile(r"^\s*\(?\d{1,2}[)、.]\s*")
_WORDS_MAX = 24


@attrs.frozen
class WordingChange:
    """One change a text states: the field, the words naming it, the new and the old value.

    ``field`` is a `custmaster.SourceRecord` field, `custmaster.workflows.headers.PHONE` (a
    phone of unknown kind: 联系电话) or `custmaster.workflows.headers.DOCUMENT_TYPE`
    (证件类型). The values are masked in ``repr``.
    """

    field: str
    item: str
    after: str = attrs.field(repr=lambda v: repr(mask_unknown(v)))
    before: str | None = attrs.field(default=None, repr=lambda v: repr(v and mask_unknown(v)))


@attrs.frozen
class Wording:
    """What an endorsement text says (see the module description)."""

    changes: tuple[WordingChange, ...]
    effective: dt.date | None
    cancellation: bool
    #: `INSURED`, or `HOLDER` when the items are the policy holder's (投保人).
    party: str = INSURED

    def values(self) -> dict[str, str]:
        """The new value of each changed field."""
        return {change.field: change.after for change in self.changes}

    def befores(self) -> dict[str, str]:
        """The old value of each changed field the text gives."""
        return {c.field: c.before for c in self.changes if c.before is not None}


#: Item codes of core systems' endorsement tables: the model's own field names and the column
#: names of common Chinese core systems (LicenseNo 号牌, FrameNo 车架号 …), in any case.
_CODES: Mapping[str, str] = {
    **{field: field for field in FIELDS if field not in ("policy_no", "line", "role")},
    "licenseno": "plate", "plateno": "plate", "frameno": "vin", "vinno": "vin",
    "engineno": "engine_no", "brandname": "make_model", "modelname": "make_model",
    "enrolldate": "first_registered", "insuredname": "name", "identifynumber": "resident_id",
    "idcardno": "resident_id", "insuredaddress": "address", "mobilephone": "mobile",
    "phonenumber": PHONE, "phone": PHONE, "telephone": PHONE, "postcode": "postcode",
    "zipcode": "postcode",
}  # fmt: skip


class Vocabulary:
    """The item names of endorsement texts and files: the header vocabulary of the imports
    (`custmaster.workflows.headers`), the holder's own names, and a user mapping over them
    (item → field, or None for an item to leave out)."""

    __slots__ = ("_ignored", "_index")

    def __init__(self, mapping: Mapping[str, object] | None = None) -> None:
        index: dict[str, tuple[str, str | None]] = {}
        for field, names in DEFAULT_ALIASES.items():
            for name in names:
                index.setdefault(normalise_header(name), (field, None))
        for name in PHONE_ALIASES:
            index.setdefault(normalise_header(name), (PHONE, None))
        for name in DOCUMENT_TYPE_ALIASES:
            index.setdefault(normalise_header(name), (DOCUMENT_TYPE, None))
        for name in _HOLDER_NAMES:
            index[normalise_header(name)] = ("name", HOLDER)
        for name, field in _CODES.items():
            index.setdefault(normalise_header(name), (field, None))
        ignored: set[str] = set()
        for key, target in (check_mapping(mapping) if mapping else {}).items():
            if key.startswith("document_type:"):
                continue
            if target is None:
                ignored.add(key)
                index.pop(key, None)
            else:
                index[key] = (target, None)
        self._index = index
        self._ignored = frozenset(ignored)

    def item(self, words: str) -> tuple[str, str] | None:
        """``(field, party)`` of an item named exactly (a long file's 批改项目 cell), None for
        an item no field has; raises ``wording.party`` for another person's item.

        >>> Vocabulary().item("号牌号码"), Vocabulary().item("投保人证件号码")
        (('plate', 'insured'), ('resident_id', 'holder'))
        """
        found = self.find(words, exact=True)
        return None if found is None else (found[0], found[2])

    def ignored(self, words: str) -> bool:
        """Whether the user mapping leaves this item out (``{"使用性质": null}``)."""
        key = normalise_header(words)
        return any(key.endswith(name) for name in self._ignored) if self._ignored else False

    def leading(self, text: str) -> tuple[str, str, str, str] | None:
        """``(field, item, party, rest)`` of the longest item name starting ``text``, or None."""
        for end in range(min(len(text), _WORDS_MAX), 0, -1):
            key = normalise_header(text[:end])
            found = self._index.get(key)
            if found is not None:
                return found[0], key, found[1] or INSURED, text[end:]
        return None

    def find(self, words: str, *, exact: bool = False) -> tuple[str, str, str] | None:
        """``(field, item, party)`` of the item ending ``words`` (the longest name found), or
        None; raises ``wording.party`` for another person's item or several parties'."""
        key = _ALSO.sub("", normalise_header(words).rstrip("的"))
        qualified = _QUALIFIER.fullmatch(key)
        if qualified is not None and qualified.group(1):  # 被保险人地址(通讯地址)
            key = qualified.group(1)
        if not key:
            return None
        for start in range(len(key)):
            name = key[start:]
            found = self._index.get(name)
            if found is None:
                continue
            prefix = key[:start]
            if exact and prefix not in ("", "投保人", "被保险人", "被保人"):
                return None
            return found[0], name, _party(prefix, found[1], words)
        return None


#: A conjunction ending the words before an item: another item may stand before it.
_JOINED = re.compile(r"(?:和|及|与|、|以及|,|，)$")


def _party(prefix: str, own: str | None, words: str) -> str:
    stripped = prefix.rstrip("的")
    joined = stripped[-1:] in tuple(_PARTY_JOIN)
    if joined:
        stripped = stripped[:-1]
    if _OTHER_PARTY.search(stripped):
        raise _error(
            "wording.party",
            words,
            "The text changes an item of another person than the insured and the holder "
            "(车主, 联系人 …); it is not applied.",
            "批文变更的是被保险人、投保人以外人员（车主、联系人等）的信息，未予处理。",
        )
    holder = own == HOLDER or stripped.endswith("投保人")
    if joined and (stripped.endswith(("投保人", "被保险人", "被保人"))):
        raise _error(
            "wording.party",
            words,
            "The text changes the items of the holder and the insured at once; give each its "
            "own endorsement row.",
            "批文同时变更投保人与被保险人的信息；请分别批改。",
        )
    return HOLDER if holder else INSURED


def _error(code: str, shown: object, en: str, zh: str) -> InvalidComponent:
    return InvalidComponent(
        en, code=code, field="wording", masked_value=mask_unknown(shown), message_zh=zh
    )


def _fold(text: str) -> str:
    """NFKC (full-width letters, digits and punctuation to ASCII), Chinese-numeral dates as
    digits, and lines broken inside a change joined."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CHINESE_DATE.sub(_arabic_date, text)
    joined: list[str] = []
    for line in (line.strip() for line in text.split("\n")):
        if not line:
            continue
        if joined and (
            _FROM.match(line) or _VERB.match(line) or _OPEN_END.search(joined[-1]) is not None
        ):
            joined[-1] += line
        else:
            joined.append(line)
    return "\n".join(joined)


#: A line ending inside a change (``…通讯地址由``, ``…变更为``) or before its items (``批改前：``).
_OPEN_END = re.compile(rf"(?:[:由从]|{_VERB.pattern})$")


def _arabic_date(match: re.Match[str]) -> str:
    year = "".join(_CHINESE_DIGITS[c] for c in match.group(1))
    return f"{year}年{_chinese_number(match.group(2))}月{_chinese_number(match.group(3))}日"


def _chinese_number(text: str) -> str:
    if "十" not in text:
        return "".join(_CHINESE_DIGITS.get(c, c) for c in text)
    tens, _, units = text.partition("十")
    return str(int(_CHINESE_DIGITS.get(tens, "1")) * 10 + int(_CHINESE_DIGITS.get(units, "0")))


def _effective_dates(text: str) -> tuple[str, set[dt.date]]:
    """The text without its effective-date phrases, and the dates they give."""
    found: set[dt.date] = set()

    def take(match: re.Match[str]) -> str:
        groups = [g for g in match.groups() if g is not None]
        year, month, day = (int(g) for g in groups[:3])
        try:
            found.add(dt.date(year, month, day))
        except ValueError:
            raise _error(
                "wording.effective",
                match.group(0),
                "The text's effective date does not exist.",
                "批文中的生效日期不存在。",
            ) from None
        return ""

    return _EFFECTIVE.sub(take, text), found


def _clean(value: str) -> str:
    return value.strip().lstrip(":").strip(_QUOTES).rstrip(_TRAILING).strip(_QUOTES).strip()


def _clauses(text: str) -> list[str]:
    """The clauses of a text: split at sentence punctuation and line ends, at 、 between two
    changes, and at spaces before an ``<item>:`` pair."""
    clauses: list[str] = []
    for part in _CLAUSE_SPLIT.split(text):
        pieces = part.split("、")
        merged: list[str] = []
        carry = ""
        for piece in pieces:
            whole = carry + "、" + piece if carry else piece
            carry = ""
            if _VERB.search(whole) is None and ":" not in whole:
                carry = whole
                continue
            merged.append(whole)
        if carry:
            if merged:
                merged[-1] += "、" + carry
            else:
                merged.append(carry)
        for piece in merged:
            clauses.extend(p for p in _PAIR_SPLIT.split(piece.strip()) if p.strip())
    return clauses


@attrs.define
class _Reading:
    vocabulary: Vocabulary
    changes: dict[str, WordingChange] = attrs.field(factory=dict)
    befores: dict[str, tuple[str, str]] = attrs.field(factory=dict)
    afters: dict[str, tuple[str, str]] = attrs.field(factory=dict)
    parties: set[str] = attrs.field(factory=set)
    #: The side of the ``<item>:<value>`` pairs read now: ``前`` (批改前, 原…), ``后`` or None.
    section: str | None = None
    #: The field of the change read last, if the clause before this one held it.
    last: str | None = None

    def further_number(self, clause: str) -> bool:
        """Take a clause of phone numbers alone (``…变更为13800138000，13900139000``) as
        further new numbers of the phone change just before it; whether it was one."""
        field, self.last = self.last, None
        match = _NUMBERS_ONLY.fullmatch(clause)
        if match is None or field not in _PHONE_ITEMS:
            return False
        known = self.changes[field]
        after = f"{known.after}/{match.group(1).strip()}"
        self.changes[field] = attrs.evolve(known, after=after)
        self.last = field
        return True

    def add(self, field: str, item: str, after: str, before: str | None) -> None:
        if not after:
            raise _error(
                "wording.value",
                item,
                "The text names a change without its new value.",
                "批文中有变更项目未写明变更后的内容。",
            )
        known = self.changes.get(field)
        if known is not None and known.after != after:
            raise _error(
                "wording.conflict",
                item,
                "The text gives one field two different new values.",
                "批文对同一项目给出了两个不同的新值。",
            )
        if known is None or (known.before is None and before):
            self.changes[field] = WordingChange(field=field, item=item, after=after, before=before)
        self.last = field

    def change(self, clause: str, verb: re.Match[str]) -> None:
        left, after = clause[: verb.start()], clause[verb.end() :]
        if _VERB.search(after) is not None:
            raise _error(
                "wording.unreadable",
                clause,
                "A clause of the text holds several changes it cannot tell apart.",
                "批文中一句内含多处变更，无法区分。",
            )
        found = None
        before: str | None = None
        words = left
        for mark in _FROM.finditer(left):  # the 由 that follows an item: 住址由自由路…
            words = left[: mark.start()].rstrip(" :")
            found = self.vocabulary.find(words)
            if found is not None:
                before = left[mark.end() :]
                break
        if found is None and ":" in left:  # <item>:<old>变更为<new>
            head, _, old = left.rpartition(":")
            found = self.vocabulary.find(head)
            if found is not None:
                words, before = head, old
        if found is None and _FROM.search(left) is None:
            words = left
            found = self.vocabulary.find(left)
        if found is None:
            if self.vocabulary.ignored(words):
                return
            named = _ALSO.sub("", normalise_header(words))
            if _OTHER_PARTY.search(named):  # 行驶证车主由…变更为…, 被保险人及车主均…
                _party(named, None, words)
            raise _error(
                "wording.field",
                _ENUMERATION.sub("", words)[-_WORDS_MAX:],
                "The text changes an item that is no field custmaster keeps (使用性质, "
                "保险期间 …); map the item to a field or leave it out with a header mapping.",
                "批文变更的项目不是本系统保存的字段（如使用性质、保险期间）；"
                "请在表头映射中指定其字段或设为忽略。",
            )
        field, item, party = found
        key = normalise_header(words)
        joined = _JOINED.search(key[: key.rfind(item)]) if item in key else None
        if joined is not None and self.vocabulary.find(joined.string[: joined.start()]):
            # 车牌号和车架号由A变更为B: one new value for two items cannot be told apart
            raise _error(
                "wording.joined",
                _ENUMERATION.sub("", words)[-_WORDS_MAX:],
                "The text gives two items (车牌号和车架号) one change; it cannot tell which new "
                "value is whose.",
                "批文对两个项目（如车牌号和车架号）只写了一处变更，无法区分各自的新值。",
            )
        self.parties.add(party)
        self.bracketed(field, item, after, before)

    def bracketed(self, field: str, item: str, after: str, before: str | None) -> None:
        """Add a change whose values may end in ``(<item>:<value>)``: another change
        (``李四(身份证号码:…)``), or the old value (``闽D54321(原车牌号:闽D12345)``)."""
        after, inner = self.split(after)
        old_inner = None
        if before:
            before, old_inner = self.split(before)
        if inner is not None:
            inner_field, inner_item, head, value = inner
            if head.endswith(_BEFORE_WORDS):
                if inner_field == field and not before:
                    before = value
            else:
                old = old_inner[3] if old_inner and old_inner[0] == inner_field else None
                self.add(inner_field, inner_item, value, old)
        self.add(field, item, _clean(after), _clean(before) if before else None)

    def split(self, value: str) -> tuple[str, tuple[str, str, str, str] | None]:
        """A value without its bracketed ``(<item>:<value>)`` ending, and that item's field,
        words, the words before them (原) and value."""
        found = _BRACKETED.search(value)
        if found is not None:
            inner = self.vocabulary.find(found.group(1))
            if inner is not None:
                key = normalise_header(found.group(1))
                head = key[: len(key) - len(inner[1])] if key.endswith(inner[1]) else ""
                return value[: found.start()], (inner[0], inner[1], head, _clean(found.group(2)))
        found = _BRACKETED_OLD.search(value)  # 闽D54321(原号牌闽D12345)
        if found is not None:
            leading = self.vocabulary.leading(found.group(2))
            if leading is not None:
                field, item, _, old = leading
                return value[: found.start()], (field, item, found.group(1), _clean(old))
        return value, None

    def bare_pair(self, clause: str) -> None:
        """``原<item><value>``, ``现<item><value>``, or ``<item><value>`` after a 批改前/批改后
        marker, without a colon between."""
        rest = clause
        for word in (*_BEFORE_WORDS, *_AFTER_WORDS):
            if clause.startswith(word):
                rest = clause[len(word) :]
                self.section = "前" if word in _BEFORE_WORDS else "后"
                break
        else:
            if self.section is None:
                return
        found = self.vocabulary.leading(rest)
        if found is not None:
            self.put(found[0], found[1], found[2], found[3])

    def pair(self, clause: str) -> None:
        """An ``<item>:<value>`` pair: a value before or after the change when a 批改前/批改后
        marker, or 原/新 before the item (which then holds for the pairs after it), says
        which; else no change."""
        words, _, value = clause.partition(":")
        found = self.vocabulary.find(words)
        if found is None:
            return
        field, item, party = found
        key = normalise_header(words)
        head = key[: len(key) - len(item)] if key.endswith(item) else ""
        if head.endswith(_BEFORE_WORDS):
            self.section = "前"
        elif head.endswith(_AFTER_WORDS):
            self.section = "后"
        self.put(field, item, party, value)

    def put(self, field: str, item: str, party: str, value: str) -> None:
        if self.section is None:
            return
        self.parties.add(party)
        target = self.befores if self.section == "前" else self.afters
        target[field] = (item, _clean(value))

    def blocks(self) -> None:
        for field, (item, after) in self.afters.items():
            before = self.befores.get(field, (item, None))[1]
            if before is not None and before == after:
                continue  # printed on both sides, unchanged
            self.bracketed(field, item, after, before)


def parse_wording(text: str, vocabulary: Vocabulary | None = None) -> Wording:
    """Read an endorsement text (see the module description); raises
    `custmaster.ValidationError` (``wording.*``) when it cannot be read fully."""
    if not isinstance(text, str) or not text.strip():
        raise _error("wording.unreadable", "", "The endorsement text is empty.", "批文为空。")
    reading = _Reading(vocabulary if vocabulary is not None else _DEFAULT)
    folded, dates = _effective_dates(_fold(text))
    for raw in _clauses(folded):
        clause = _ENUMERATION.sub("", raw).strip()
        marker = _SECTION.match(clause)
        if marker is not None:
            reading.section = marker.group(1)
            clause = clause[marker.end() :].strip()
            if not clause:
                continue
        if reading.further_number(clause):
            continue
        verb = _VERB.search(clause)
        if verb is not None:
            reading.change(clause, verb)
        elif ":" in clause:
            reading.pair(clause)
        else:
            reading.bare_pair(clause)
    reading.blocks()
    cancellation = _CANCEL.search(folded) is not None
    if reading.changes and cancellation:
        raise _error(
            "wording.mixed",
            text.strip()[:_WORDS_MAX],
            "The text cancels the policy and also changes its items; apply them as two "
            "endorsements.",
            "批文既退保（注销）又变更保单信息；请分两次批改。",
        )
    if not reading.changes and not cancellation:
        raise _error(
            "wording.unreadable",
            text.strip()[:_WORDS_MAX],
            "The text states no change custmaster can read (由…变更为…, 变更为…, 退保).",
            "无法从批文中读出变更内容（由…变更为…、变更为…、退保）。",
        )
    if len(reading.parties) > 1:
        raise _error(
            "wording.party",
            text.strip()[:_WORDS_MAX],
            "The text changes the items of the holder and the insured at once; give each its "
            "own endorsement row.",
            "批文同时变更投保人与被保险人的信息；请分别批改。",
        )
    if len(dates) > 1:
        raise _error(
            "wording.effective",
            text.strip()[:_WORDS_MAX],
            "The text gives several different effective dates.",
            "批文中有多个不同的生效日期。",
        )
    return Wording(
        changes=tuple(reading.changes.values()),
        effective=next(iter(dates)) if dates else None,
        cancellation=cancellation,
        party=next(iter(reading.parties)) if reading.parties else INSURED,
    )


_DEFAULT = Vocabulary()
