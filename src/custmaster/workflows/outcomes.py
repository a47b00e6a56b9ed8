"""Call-back outcomes as call centres write them.

A call-back system's 回访结果 is rarely one word. It is a status and a detail (``已接通-本人``,
``未接通（关机）``, ``回访失败-空号``, ``号码错误（非本人）``), a status and a remark
(``接通，客户表示已续保``), or a phrase (``号码是空号``, ``无人接听（3次）``, ``接通后挂断``).
`read_outcome` reads such a text as one `custmaster.model.ContactOutcome`:

1. an outcome the caller maps the whole text to (``outcomes``), then a value or alias of
   `ContactOutcome` (``接通``, ``错号``, ``reached``);
2. else every phrase of the text that says something about the call, each one a verdict
   (negations read: ``未接通`` is no answer, ``未停机`` says nothing, ``非本人`` is not the
   customer);
3. the strongest verdict wins, in this order: number does not exist, wrong number (someone
   answered who is not the customer: ``接通-非本人``), do not call (the customer asked not to
   be called again: ``接通，拒绝营销``, ``要求不再来电``, ``加入黑名单``), consented (``同意来电``,
   ``解除勿扰``), suspended, switched off, refused (the customer answered, then refused or
   hung up, this once), busy, no answer, reached.

Only wrong number and number does not exist flag a number wrong, and only reached and refused
clear the flag (`ContactOutcome.implied_status`), so those are read with care: a text that
says both that someone answered and that the number does not exist (``接通-空号``), or both
do not call and consent, is refused as ``callback.outcome_conflict`` rather than guessed, and
a text with no phrase about the call (``已回访``: done, but who answered?) as
``callback.outcome``. Either can be mapped by the
caller (``outcomes={"已回访": "reached"}``).

>>> read_outcome("已接通-本人").value, read_outcome("接通-非本人").value
('reached', 'wrong_number')
>>> read_outcome("回访失败-空号").value, read_outcome("未接通（关机）").value
('invalid', 'switched_off')
>>> read_outcome("已回访", outcomes={"已回访": "reached"}).value
'reached'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from custmaster.errors import InvalidComponent, UsageError
from custmaster.model.contact import ContactOutcome
from custmaster.validate._mask import mask_unknown

__all__ = ["ERROR_CODES", "mapped_outcome", "read_outcome"]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "callback.outcome_map": "An outcome map names an outcome that is not one of ContactOutcome.",
    "callback.outcome": "The call-back outcome (回访结果) says nothing custmaster can read.",
    "callback.outcome_conflict": (
        "The call-back outcome contradicts itself: someone answered and the number does not "
        "exist, or the customer asked not to be called and agreed to be called."
    ),
}

# A phrase about the call, per outcome, strongest first. Negations come before the words
# they negate (未接通 before 接通), as lookbehinds.
_NOT = r"(?<!未)(?<!没)(?<!不)(?<!无法)(?<!无人)"
#: Before a word for a bad number: "not" (不是空号 says the number exists).
_NOT_IS = r"(?<!非)(?<!不是)(?<!并非)"
#: Before a do-not-call word: lifted (解除勿扰 is a consent).
_NOT_LIFTED = r"(?<!解除)(?<!取消)(?<!移出)"
_PHRASES: tuple[tuple[ContactOutcome, re.Pattern[str]], ...] = tuple(
    (outcome, re.compile(pattern))
    for outcome, pattern in (
        (ContactOutcome.INVALID, _NOT_IS + r"空号|号码不存在|无效号码|号码无效|无此号码"),
        (
            ContactOutcome.WRONG_NUMBER,
            r"非(客户)?本人|不是(客户)?本人|非机主|不是机主|" + _NOT_IS + r"错号"
            r"|号码(错误|有误|不对)|错误号码"
            r"|打错|(已|已经)?换号|号码已(换|变更|更换)|查无此人|不认识(客户|此人|机主)",
        ),
        (
            ContactOutcome.DO_NOT_CALL,
            _NOT_LIFTED + r"(勿扰|免打扰|黑名单)|拉黑|骚扰"
            r"|(拒绝|不要|不需要|不接受|不同意)(一切|任何|所有)?(营销|推销|推广|电销|来电)"
            r"|(勿|不要|别)再?(来电|打|联系|致电|打扰)|不再(来电|打|联系|致电|打扰)",
        ),
        (
            ContactOutcome.CONSENTED,
            r"(?<!不)同意(再次|再)?(来电|联系|回访|致电|营销)|恢复(联系|来电)"
            r"|(解除|取消|移出)(勿扰|免打扰|黑名单)",
        ),
        (ContactOutcome.SUSPENDED, r"(?<!未)(?<!没)停机|暂停服务|欠费"),
        (ContactOutcome.SWITCHED_OFF, r"(?<!未)(?<!没)关机"),
        (ContactOutcome.REFUSED, r"拒(接|访|绝|听)|挂(断|机)|不(愿|配合)"),
        (ContactOutcome.BUSY, r"占线|忙音|用户忙|对方忙|通话中"),
        (
            ContactOutcome.NO_ANSWER,
            r"无人接|未接|没(有)?接|无法接通|接不通|打不通|无应答|失败|未成功|不成功"
            r"|不在服务区|联系不上|未联系上|没联系上",
        ),
        (
            ContactOutcome.REACHED,
            _NOT + r"接通|" + _NOT + r"接听|(?<!未)(?<!没)联系(上|成功)|(?<!不)(?<!未)成功"
            r"|(?<!非)(?<!不是)本人|(家属|家人|亲属|配偶|爱人|子女|父母)(代)?接",
        ),
    )
)
#: Verdicts that say someone answered.
_ANSWERED = frozenset(
    {
        ContactOutcome.REACHED,
        ContactOutcome.REFUSED,
        ContactOutcome.DO_NOT_CALL,
        ContactOutcome.CONSENTED,
    }
)


def _key(text: str) -> str:
    """The text as outcomes are compared: full width folded (NFKC), no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def mapped_outcome(text: str, outcome: ContactOutcome | str) -> ContactOutcome:
    """The outcome a caller maps ``text`` to; raises `custmaster.UsageError`
    (``callback.outcome_map``) when it is none of `ContactOutcome`'s."""
    try:
        return ContactOutcome(outcome)
    except ValueError:
        raise UsageError(
            f"{outcome!r} (for {text!r}) is not a call-back outcome; use "
            f"{', '.join(o.value for o in ContactOutcome)}.",
            code="callback.outcome_map",
            message_zh=f"{outcome!r} 不是回访结果。",
        ) from None


def read_outcome(
    value: object, *, outcomes: Mapping[str, ContactOutcome | str] | None = None
) -> ContactOutcome:
    """The outcome a call-back system's 回访结果 text means (see the module description).

    ``outcomes`` maps whole texts (compared without spaces, full width folded, in any case)
    to outcomes, before anything else is tried. Raises `custmaster.InvalidComponent`
    (``callback.outcome``, ``callback.outcome_conflict``; field ``outcome``), and
    `custmaster.UsageError` (``callback.outcome_map``) when the map names no outcome.
    """
    if isinstance(value, ContactOutcome):
        return value
    text = str(value if value is not None else "").strip()
    key = _key(text)
    if outcomes:
        for given, outcome in outcomes.items():
            if _key(given) == key:
                return mapped_outcome(given, outcome)
    for candidate in (text, key):
        try:
            return ContactOutcome(candidate)
        except ValueError:
            pass
    found = [outcome for outcome, phrase in _PHRASES if phrase.search(key)]
    if ContactOutcome.INVALID in found and _ANSWERED.intersection(found):
        raise InvalidComponent(
            "The call-back outcome says both that someone answered and that the number does "
            "not exist; map it (outcomes=…, --outcome TEXT=OUTCOME) to the outcome it means.",
            code="callback.outcome_conflict",
            field="outcome",
            masked_value=mask_unknown(text),
            message_zh="回访结果既说已接通又说是空号，请指明其含义。",
        )
    if ContactOutcome.DO_NOT_CALL in found and ContactOutcome.CONSENTED in found:
        raise InvalidComponent(
            "The call-back outcome says both that the customer asked not to be called and "
            "that they agreed to be called; map it (outcomes=…, --outcome TEXT=OUTCOME) to "
            "the outcome it means.",
            code="callback.outcome_conflict",
            field="outcome",
            masked_value=mask_unknown(text),
            message_zh="回访结果既说客户要求勿扰又说同意来电，请指明其含义。",
        )
    if not found:
        raise InvalidComponent(
            "Unknown call-back outcome; use reached, wrong_number, invalid, no_answer, busy, "
            "refused, switched_off, suspended, do_not_call, consented (or 接通, 错号, 空号, "
            "无人接听, 勿扰 …), or map it "
            "(outcomes=…, --outcome TEXT=OUTCOME).",
            code="callback.outcome",
            field="outcome",
            masked_value=mask_unknown(text),
            message_zh="无法识别的回访结果。",
        )
    return found[0]
