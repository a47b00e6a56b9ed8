"""The importer reads notes in phone cells by `custmaster.validate.phone`'s one list.

A note saying the number is bad (空号, 停机, 已不用 …) makes `phone.parse` refuse the number
(``phone.status``) and the importer refuse the cell around it; a note about the person or
about one call (张先生, 关机, 打不通, 停机保号) is dropped by both. Every note either list
ever held is checked both ways.
"""

from __future__ import annotations

import re

import pytest

from custmaster.errors import ValidationError
from custmaster.validate import _phone_text, phone
from custmaster.workflows.validation import split_phone_cell

#: The words of `phone`'s own list of bad-number notes.
STATUS_WORDS = sorted(
    {re.sub(r"\(\?!.*?\)", "", word) for word in _phone_text._STATUS_RE.pattern.split("|")}
)
#: The importer's list before it used phone's (custmaster 0.x ``_BAD_NUMBER_NOTE``).
FORMER_IMPORTER_WORDS = [
    "空号", "停机", "错号", "错误", "不对", "无效", "作废", "销号", "不是", "非本人", "已换",
    "不用", "打不通",
]  # fmt: skip
#: Notes about the person or about one call, and bad-number notes as people write them.
WRITTEN = [
    "本人", "张先生", "李女士", "老婆", "关机", "无人接听", "无法接通", "占线", "拒接", "打不通",
    "停机保号", "微信同号", "欠费停机", "已停机", "号码错误", "号码有误", "已销号", "已换号",
    "号码不存在", "不是本人", "已不用", "不用了", "没在用", "暂停服务",
]  # fmt: skip
NOTES = sorted({*STATUS_WORDS, *FORMER_IMPORTER_WORDS, *WRITTEN})


def phone_code(note: str) -> str | None:
    """The code `phone.parse` refuses a number with the note after it for, or None."""
    try:
        phone.parse(f"13800138000{note}")
    except ValidationError as error:
        return error.code
    return None


def importer_code(note: str) -> str | None:
    """The code the importer refuses a cell of two numbers with the note after the first for
    (a cell `phone.parse_many` cannot read: Han text between numbers, read around its
    notes), or None when it reads both numbers."""
    try:
        first, more = split_phone_cell(f"13800138000{note}或13900139000")
    except ValidationError as error:
        return error.code
    assert (first, [n.canonical for n in more]) == ("+8613800138000", ["+8613900139000"])
    return None


def test_the_lists_hold_what_they_should() -> None:
    assert {"空号", "停机", "已不用", "不用了", "非本人"} <= set(STATUS_WORDS)
    assert "打不通" not in STATUS_WORDS  # one call that failed says nothing against the number
    assert len(NOTES) > 40


@pytest.mark.parametrize("note", NOTES)
def test_the_importer_and_the_validator_agree_on_every_note(note: str) -> None:
    code = phone_code(note)
    assert code in (None, "phone.status")
    assert importer_code(note) == code
    bad = code is not None
    assert phone.has_status_note(note) is bad
    assert phone.has_status_note(f"13800138000（{note}）") is bad


@pytest.mark.parametrize("note", ["打不通", "关机", "停机保号", "无人接听"])
def test_a_note_about_one_call_no_longer_rejects_a_cell(note: str) -> None:
    assert split_phone_cell(f"张先生13800138000{note}或13900139000")[0] == "+8613800138000"


@pytest.mark.parametrize("note", ["空号", "已不用", "停机", "非本人"])
def test_a_bad_number_note_still_rejects_the_cell(note: str) -> None:
    with pytest.raises(ValidationError) as info:
        split_phone_cell(f"13800138000{note}或13900139000")
    assert info.value.code == "phone.status"
    assert "13800138000" not in str(info.value)


def test_full_width_text_is_read_as_phone_reads_it() -> None:
    assert phone.has_status_note("１３８００１３８０００（空号）")
    assert not phone.has_status_note("１３８００１３８０００")
    assert not phone.has_status_note("")
