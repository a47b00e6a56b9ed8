"""Whether two names can be one person's: the check that keeps a policy number or a plate
from attaching another person's record.

A record without an ID attaches to a customer through a policy number or an insured vehicle.
The record is the customer's only when its name, if it gives one, agrees with a name the
customer is known by. Names agree when they are the same once written alike (full width
folded, spaces, middle dots and case ignored; Latin words in any order: ``ZHANG Wei`` and
``Wei Zhang``); when one is a surname with a form of address (张先生, 王女士, 李总, 欧阳小姐)
and the other has that surname; or when both are Chinese names of one length, with the same
first character, that differ in one character at most — the typo a call centre makes by ear
(李娜 and 李那, 张伟 and 张玮).

An organisation's names agree when one holds the other once their legal forms and bracketed
words are left out (厦门鹭江汽车服务有限公司, 鹭江汽车服务公司,
厦门鹭江汽车服务有限公司（普通合伙）), with at least two characters left. A short name of an
insurer is read as its full name first: 财险 and 产险 are 财产保险, 寿险 人寿保险, and before
them 人保, 太保 and 国寿 are 中国人民, 中国太平洋 and 中国人寿 (平安财险 is
中国平安财产保险股份有限公司, 太保产险 中国太平洋财产保险), a leading 中国 left out or not.
So the distinctive words must be the same: 平安财险 is not 平安养老保险 nor 平安银行, 太平财险
is not 太平洋财产保险, 国寿财险 is not 中国人寿保险股份有限公司 (the life company). A branch
(分公司, 支公司, 营业部 …) is part of the name: the organisations must agree and so must the
branches each names, the nearest last (太保产险思明支公司 is the 思明支公司 of
中国太平洋财产保险股份有限公司厦门分公司; the 福州分公司 is another organisation); a name
without a branch agrees with its organisation's branches (the branch it does not say is no
other one). A name of at most four characters without an organisation's word is read as a
person's, unless it begins with 中国 (中国人寿): it agrees with no organisation (张伟 is not
张伟厦门分公司, 平安 not 平安财险).

Anything else — another surname (a spouse, a driver, a garage), a name of another length,
another organisation — does not agree: such a record raises ``name_conflict`` for a reviewer
instead of joining, since a wrong merge gives one person another's phone numbers.

>>> names_agree("张伟", "张 伟"), names_agree("张先生", "张伟"), names_agree("张伟", "李娜")
(True, True, False)
>>> names_agree("ZHANG Wei", "wei zhang"), names_agree("李娜", "李那")
(True, True)
>>> names_agree("张伟", "张小伟"), names_agree("张伟", "王伟")
(False, False)
>>> names_agree("平安财险厦门分公司", "中国平安财产保险股份有限公司厦门分公司")
True
>>> names_agree("平安财险", "平安养老保险股份有限公司"), names_agree("张伟", "张伟厦门分公司")
(False, False)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["name_agrees", "names_agree"]

#: Forms of address after a surname: 张先生, 王女士, 李总, 陈经理, 刘老师, 赵师傅, 何生.
_TITLED = re.compile(r"(.{1,2}?)(先生|女士|小姐|太太|夫人|总|经理|老师|师傅|老板|生)")
#: What is ignored when names are compared: spaces and the middle dots of names
#: (阿依古丽·买买提).
_IGNORED = re.compile(r"[\s·•・.．‧]+")
#: Words that end an organisation's name (公司, 厂, 集团 …), an insurer's short name's (财险)
#: or a branch's (营业部).
_ORGANISATION = re.compile(
    r"公司|厂|集团|中心|合作社|事务所|学校|医院|银行|商行|门市部|经营部|店|保险|财险|产险|寿险"
    r"|营业部|营销服务部|办事处|分行|支行"
)
#: The words naming a branch of an organisation, after the branch's own name (厦门分公司).
_BRANCH = re.compile(r"中心支公司|分公司|支公司|营销服务部|营业部|办事处|分行|支行")
#: Where an organisation's own name ends before its first branch's name.
_HEAD_END = re.compile(r".*(?:公司|集团|银行|保险|财险|产险|寿险|厂)")
#: A branch's name without the word of its administrative level (厦门市 and 厦门).
_PLACE_LEVEL = re.compile(r"(?<=..)(?:省|市|区|县)$")
#: Insurers' short names as written: their brand, then the kind of insurance.
_SHORT_BRAND = re.compile(r"^(?:中国)?(人保|太保|国寿)(?=财险|产险|寿险|财产|人寿|保险|集团)")
_BRANDS = {"人保": "中国人民", "太保": "中国太平洋", "国寿": "中国人寿"}
_SHORT_KIND = re.compile(r"财险|产险|寿险")
_KINDS = {"财险": "财产保险", "产险": "财产保险", "寿险": "人寿保险"}
#: What an organisation's name may carry or drop: its legal form, brackets and their words.
_LEGAL_FORM = re.compile(
    r"[(（][^)）]*[)）]|股份有限公司|有限责任公司|有限公司|分公司|公司|集团|总厂|厂"
)
#: Chinese characters (the basic block and extension A).
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def _plain(name: str) -> str:
    return _IGNORED.sub("", unicodedata.normalize("NFKC", name)).casefold()


def _latin_words(name: str) -> tuple[str, ...] | None:
    folded = unicodedata.normalize("NFKC", name).casefold()
    if not folded.isascii():
        return None
    return tuple(sorted(re.findall(r"[a-z]+", folded)))


def _core(name: str) -> str:
    """An organisation's name without its legal form and bracketed words, an insurer's short
    name written out (人保财险 → 中国人民财产保险)."""
    core = _LEGAL_FORM.sub("", name)
    core = _SHORT_BRAND.sub(lambda m: _BRANDS[m.group(1)], core)
    return _SHORT_KIND.sub(lambda m: _KINDS[m.group(0)], core)


def _branches(name: str) -> tuple[str, tuple[str, ...]]:
    """An organisation's own name and the names of the branches it names, outermost first
    (中国平安财产保险股份有限公司厦门分公司思明支公司 → 中国平安财产保险股份有限公司,
    (厦门, 思明))."""
    first = _BRANCH.search(name)
    if first is None:
        return name, ()
    head = _HEAD_END.match(name, 0, first.start())
    end = head.end() if head is not None else first.start()
    branches: list[str] = []
    start = end
    for match in _BRANCH.finditer(name, end):
        branches.append(_PLACE_LEVEL.sub("", name[start : match.start()]))
        start = match.end()
    if start < len(name):
        branches.append(name[start:])
    return name[:end], tuple(branches)


def _is_person_like(name: str) -> bool:
    """Whether a name reads as a person's: at most four characters, no organisation's word,
    not beginning with 中国 (中国人寿 is a company's short name)."""
    return len(name) <= 4 and _ORGANISATION.search(name) is None and not name.startswith("中国")


def _organisations_agree(a: str, b: str) -> bool:
    """Whether two names, one of them an organisation's, are one organisation's."""
    if _is_person_like(a) or _is_person_like(b):
        return False
    head_a, branches_a = _branches(a)
    head_b, branches_b = _branches(b)
    if branches_a and branches_b:
        shorter, longer = sorted((branches_a, branches_b), key=len)
        if longer[len(longer) - len(shorter) :] != shorter:
            return False
    core_a, core_b = _core(head_a), _core(head_b)
    return len(min(core_a, core_b, key=len)) >= 2 and (core_a in core_b or core_b in core_a)


def names_agree(a: str, b: str) -> bool:
    """Whether names ``a`` and ``b`` can be one person's (see the module description)."""
    if a == b:
        return True
    plain_a, plain_b = _plain(a), _plain(b)
    if plain_a == plain_b:
        return True
    words_a, words_b = _latin_words(a), _latin_words(b)
    if words_a is not None and words_b is not None:
        return bool(words_a) and words_a == words_b
    for titled, other in ((plain_a, plain_b), (plain_b, plain_a)):
        match = _TITLED.fullmatch(titled)
        if match is not None and other.startswith(match.group(1)):
            return True
    if _ORGANISATION.search(plain_a) or _ORGANISATION.search(plain_b):
        return _organisations_agree(plain_a, plain_b)
    return (
        len(plain_a) == len(plain_b) >= 2
        and plain_a[0] == plain_b[0]
        and _HAN.fullmatch(plain_a + plain_b) is not None
        and sum(x != y for x, y in zip(plain_a, plain_b, strict=True)) <= 1
    )


def name_agrees(name: str | None, known: Iterable[str]) -> bool:
    """Whether a record's ``name`` agrees with one of the names a customer is ``known`` by;
    true when either side has none (nothing to disagree with)."""
    if not name:
        return True
    seen = False
    for other in known:
        seen = True
        if names_agree(name, other):
            return True
    return not seen
