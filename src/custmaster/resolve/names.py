"""Whether two names can be one person's: the check that keeps a policy number or a plate
from attaching another person's record.

A record without an ID attaches to a customer through a policy number or an insured vehicle.
The record is the customer's only when its name, if it gives one, agrees with a name the
customer is known by. Names agree when they are the same once written alike (full width
folded, spaces, middle dots and case ignored; Latin words in any order: ``ZHANG Wei`` and
``Wei Zhang``); when one is a surname with a form of address (张先生, 王女士, 李总, 欧阳小姐)
and the other has that surname; or when both are Chinese names of one length, with the same
first character, that differ in one character at most — the typo a call centre makes by ear
(李娜 and 李那, 张伟 and 张玮). An organisation's names agree when one holds the other once
their legal forms and bracketed words are left out (厦门鹭江汽车服务有限公司,
鹭江汽车服务公司, 厦门鹭江汽车服务有限公司（普通合伙）). Anything else — another surname (a
spouse, a driver, a garage), a name of another length — does not agree: such a record raises
``name_conflict`` for a reviewer instead of joining, since a wrong merge gives one person
another's phone numbers.

>>> names_agree("张伟", "张 伟"), names_agree("张先生", "张伟"), names_agree("张伟", "李娜")
(True, True, False)
>>> names_agree("ZHANG Wei", "wei zhang"), names_agree("李娜", "李那")
(True, True)
>>> names_agree("张伟", "张小伟"), names_agree("张伟", "王伟")
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
#: Words that end an organisation's name (公司, 厂, 集团 …).
_ORGANISATION = re.compile(r"公司|厂|集团|中心|合作社|事务所|学校|医院|银行|商行|门市部|经营部|店")
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
    """An organisation's name without its legal form and bracketed words."""
    return _LEGAL_FORM.sub("", name)


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
        core_a, core_b = _core(plain_a), _core(plain_b)
        return len(min(core_a, core_b, key=len)) >= 2 and (core_a in core_b or core_b in core_a)
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
