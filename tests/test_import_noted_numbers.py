"""Phone cells whose note says the number is bad (``13800138000（空号）``): the row is imported,
the number kept, and what the note says recorded as a contact event, so a number noted wrong
is never offered for calling again; before, the whole row (policy and all) was rejected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, read_csv, write_csv
from custmaster.model import ContactOutcome, ContactStatus
from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract, wrong_numbers
from custmaster.workflows.renewals import renewal_rows
from custmaster.workflows.validation import note_outcome, noted_numbers, validate_file

pytest_plugins = ["_workflow_fixtures"]

HEADER = ("保单号", "被保险人", "身份证号", "手机", "家庭电话", "起保日期", "终保日期")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000（空号）", [("+8613800138000", "invalid", "空号")]),
        ("13800138000(停机)", [("+8613800138000", "suspended", "停机")]),
        ("13800138000 非本人", [("+8613800138000", "wrong_number", "非本人")]),
        ("13800138000已不用", [("+8613800138000", "wrong_number", "已不用")]),
        ("１３８００１３８０００【空号】", [("+8613800138000", "invalid", "空号")]),
        # a note belongs to the number before it, or, first in the cell, to the one after it
        (
            "13800138000（空号）/13900139000",
            [("+8613800138000", "invalid", "空号"), ("+8613900139000", None, "")],
        ),
        (
            "13800138000；13900139000 错号",
            [("+8613800138000", None, ""), ("+8613900139000", "wrong_number", "错号")],
        ),
        (
            "空号13800138000 13900139000",
            [("+8613800138000", "invalid", "空号"), ("+8613900139000", None, "")],
        ),
        # an extension word stays in the number; a name beside the note is not the note
        ("0592-5123456转8001（停机）", [("+865925123456;ext=8001", "suspended", "停机")]),
        ("王先生空号13800138000", [("+8613800138000", "invalid", "空号")]),
        # one number twice: once, with its note
        ("13800138000（空号）/13800138000", [("+8613800138000", "invalid", "空号")]),
    ],
)
def test_noted_numbers(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    found = noted_numbers(text)
    assert found is not None
    assert [(n.canonical, o and o.value, note) for n, o, note in found] == expected


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",  # no note
        "13800138000 打不通",  # a note about one call, not about the number
        "13800138000（停机保号）",  # suspended at the holder's wish: the number is good
        "空号",  # no number
        "13800138000（空号）/1380013800",  # a part that is no number: stays rejected
    ],
)
def test_cells_that_are_not_read_as_noted(text: str) -> None:
    assert noted_numbers(text) is None


def test_note_outcomes() -> None:
    assert note_outcome("号码不存在") is ContactOutcome.INVALID
    assert note_outcome("已销号") is ContactOutcome.INVALID
    assert note_outcome("停用") is ContactOutcome.SUSPENDED
    assert note_outcome("已换号") is ContactOutcome.WRONG_NUMBER
    assert note_outcome("错") is ContactOutcome.WRONG_NUMBER


def _extract(tmp_path: Path, name: str = "core.csv") -> Path:
    return write_csv(
        tmp_path / name,
        HEADER,
        [
            ("PDAA2026001", "张伟", ID_ZHANG, "13800138000（空号）", "0592-5123456",
             "2026-01-05", "2027-01-04"),
            ("PDAA2026002", "李娜", ID_LI, "13900139000 停机", "", "2026-01-10", "2027-01-09"),
            ("PDAA2026003", "王强", ID_WANG, "13700137000", "", "2026-01-12", "2027-01-11"),
        ],
    )  # fmt: skip


def test_the_row_is_imported_and_the_number_flagged(service: Service, tmp_path: Path) -> None:
    path = _extract(tmp_path)
    summary = import_core_extract(
        service,
        path,
        rejects=tmp_path / "rejects.csv",
        observed_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc),
    )
    assert (summary.new, summary.rejected, summary.numbers_noted) == (3, 0, 2)
    assert summary.warnings == (("phone.noted", 2),)
    lines = read_csv(tmp_path / "rejects.csv")
    assert [(r["row"], r["column"], r["code"], r["masked_value"]) for r in lines] == [
        ("2", "手机", "phone.noted", "138****8000"),
        ("3", "手机", "phone.noted", "139****9000"),
    ]
    assert "13800138000" not in (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig")

    zhang = service.find(resident_id=ID_ZHANG)[0]
    mobile = next(p for p in zhang.contact_points if p.value == "+8613800138000")
    assert mobile.status is ContactStatus.WRONG  # kept, flagged
    (event,) = service.events(zhang.id)
    assert (event.outcome, event.note, event.channel.code) == (
        ContactOutcome.INVALID,
        "空号",
        "core_system",
    )
    assert event.at == dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc)
    assert set(wrong_numbers(service)) == {"+8613800138000"}
    # a suspended line (停机) is recorded but may come back: still callable
    li = service.find(resident_id=ID_LI)[0]
    assert [e.outcome for e in service.events(li.id)] == [ContactOutcome.SUSPENDED]
    assert "+8613900139000" in {p.value for p in li.callable_contacts()}

    rows = {row.policy_no: row for row in renewal_rows(service, "2027-01")}
    assert rows["PDAA2026001"].contacts == ("+865925123456",)  # the policy is there, 空号 not
    assert rows["PDAA2026002"].contacts == ("+8613900139000",)

    again = import_core_extract(service, path)  # a re-run adds nothing twice
    assert (again.duplicates, again.numbers_noted) == (3, 0)
    assert len(service.events(zhang.id)) == 1


def test_a_later_holder_of_a_noted_number_gets_the_flag(service: Service, tmp_path: Path) -> None:
    import_core_extract(service, _extract(tmp_path))
    later = write_csv(
        tmp_path / "later.csv",
        HEADER,
        [("PDAA2026009", "张丽", "", "13800138000", "", "2026-02-01", "2027-01-31")],
    )
    summary = import_core_extract(service, later)
    assert summary.flags_copied == 1
    holder = service.find(policy_no="PDAA2026009")[0]
    assert [p.status for p in holder.contact_points if p.kind.is_phone] == [ContactStatus.WRONG]


def test_validate_warns_instead_of_rejecting(tmp_path: Path) -> None:
    summary = validate_file(_extract(tmp_path), rejects=tmp_path / "r.csv")
    assert summary.rows_valid == 3
    assert [r["code"] for r in read_csv(tmp_path / "r.csv")] == ["phone.noted", "phone.noted"]
