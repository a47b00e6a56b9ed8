"""Call-back results: events for every holder of a number; wrong numbers flagged until reached."""

from __future__ import annotations

from pathlib import Path

import pytest

from _workflow_helpers import (
    ID_LI,
    ID_WANG,
    ID_ZHANG,
    SHARED_MOBILE,
    family_sharing_a_phone,
    read_csv,
    write_csv,
)
from custmaster.errors import PermissionDenied, ValidationError
from custmaster.model import ContactOutcome, ContactStatus
from custmaster.privacy.access import User
from custmaster.service import Service
from custmaster.workflows.callbacks import (
    import_callbacks,
    is_flagged,
    parse_outcome,
    record_callback,
    wrong_numbers,
)
from custmaster.workflows.reading import TableFormatError

pytest_plugins = ["_workflow_fixtures"]

SHARED = SHARED_MOBILE


def _callable(service: Service, resident_id: str) -> list[str]:
    return [p.value for p in service.find(resident_id=resident_id)[0].callable_contacts()]


def test_a_wrong_number_is_flagged_for_every_customer_who_has_it(service: Service) -> None:
    family_sharing_a_phone(service)
    result = record_callback(
        service, "138 0013 8000", "错号", at="2026-03-01 10:00", operator="王芳"
    )
    assert result.status == "wrong"
    assert len(result.customers) == 2
    assert result.added == 2
    assert _callable(service, ID_ZHANG) == []
    assert _callable(service, ID_LI) == []
    assert _callable(service, ID_WANG) == ["+8613900139000"]
    zhang = service.find(resident_id=ID_ZHANG)[0]
    point = zhang.contact_point("mobile", SHARED)
    assert point is not None
    assert point.status is ContactStatus.WRONG  # kept, flagged, not deleted
    assert point.status_by == "王芳"
    assert set(wrong_numbers(service)) == {"+86" + SHARED}


def test_a_later_reach_clears_the_flag_for_everyone_an_earlier_one_does_not(
    service: Service,
) -> None:
    family_sharing_a_phone(service)
    record_callback(service, SHARED, "wrong_number", at="2026-03-01 10:00", operator="王芳")
    earlier = record_callback(service, SHARED, "接通", at="2026-02-01 10:00", operator="王芳")
    assert earlier.status == "wrong"
    assert is_flagged(service, SHARED)
    later = record_callback(service, SHARED, "接通", at="2026-04-01 10:00", operator="李四")
    assert later.status == "reached"
    assert not is_flagged(service, SHARED)
    assert _callable(service, ID_ZHANG) == ["+86" + SHARED]
    assert _callable(service, ID_LI) == ["+86" + SHARED]


def test_outcomes_that_prove_nothing_leave_the_status(service: Service) -> None:
    family_sharing_a_phone(service)
    result = record_callback(service, SHARED, "无人接听", at="2026-03-01 10:00", operator="王芳")
    assert result.status == "unverified"
    assert result.added == 2
    assert len(service.events(contact=SHARED)) == 2


def test_recording_twice_records_once(service: Service) -> None:
    family_sharing_a_phone(service)
    record_callback(service, SHARED, "错号", at="2026-03-01 10:00", operator="王芳")
    again = record_callback(service, SHARED, "错号", at="2026-03-01 10:00", operator="王芳")
    assert again.added == 0
    assert len(service.events()) == 2


def test_the_policy_named_gets_the_event_even_without_the_number(service: Service) -> None:
    family_sharing_a_phone(service)
    result = record_callback(
        service, "13700137000", "空号", at="2026-03-01 10:00", operator="王芳", policy_no="P3"
    )
    assert len(result.customers) == 1
    wang = service.find(resident_id=ID_WANG)[0]
    assert [e.contact_value for e in service.events(wang.id)] == ["+8613700137000"]


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("回访成功", "reached"),
        ("本人接听", "reached"),
        ("不是本人", "wrong_number"),
        ("非客户本人", "wrong_number"),
        ("号码已变更", "wrong_number"),
        ("已停机", "suspended"),
        ("暂停服务", "suspended"),
        ("无法接通", "no_answer"),
        ("忙音", "busy"),
        ("已关机", "switched_off"),
        ("号码无效", "invalid"),
        ("客户拒绝", "refused"),
    ],
)
def test_outcomes_as_call_back_systems_write_them(text: str, outcome: str) -> None:
    assert parse_outcome(text).value == outcome
    assert ContactOutcome(text).value == outcome  # one table: the model's aliases


def test_unknown_outcome_is_refused() -> None:
    assert parse_outcome("号码不存在").value == "invalid"
    with pytest.raises(ValidationError, match=r"callback\.outcome"):
        parse_outcome("还行")


def test_flagging_needs_modify_recording_needs_entry() -> None:
    service = Service.open("memory://")
    family_sharing_a_phone(service)
    clerk = Service(service.store, User("wang.fang", roles=["operator"]))
    clerk.require("entry")
    record_callback(clerk, SHARED, "接通", at="2026-03-01 10:00")
    with pytest.raises(PermissionDenied, match=r"permission\.modify"):
        record_callback(clerk, SHARED, "错号", at="2026-03-02 10:00")
    boss = Service(service.store, User("li.na", roles=["supervisor"]))
    assert record_callback(boss, SHARED, "错号", at="2026-03-02 10:00").status == "wrong"
    assert {e.operator for e in service.events()} == {"wang.fang", "li.na"}


def test_import_a_callback_file(service: Service, tmp_path: Path) -> None:
    family_sharing_a_phone(service)
    path = write_csv(
        tmp_path / "回访结果.csv",
        ("电话号码", "回访结果", "回访时间", "回访人", "备注"),
        [[SHARED, "错号", "2026-03-01 10:00", "王芳", "接听者称不认识客户"],
         ["13900139000", "接通", "2026-03-01 10:05", "王芳", ""],
         ["13600136000", "接通", "2026-03-01 10:10", "王芳", ""],
         ["138OO138OOO", "接通", "2026-03-01 10:15", "王芳", ""],
         ["13900139000", "还行", "2026-03-01 10:20", "王芳", ""],
         ["13900139000", "接通", "", "王芳", ""]],
    )  # fmt: skip
    rejects = tmp_path / "rejects.csv"
    summary = import_callbacks(service, path, rejects=rejects)
    assert (summary.rows, summary.events, summary.unmatched, summary.rejected) == (6, 3, 1, 3)
    assert (summary.flagged, summary.customers) == (1, 3)
    lines = read_csv(rejects)
    assert {(r["row"], r["column"], r["code"]) for r in lines} == {
        ("5", "电话号码", "phone.vanity"),
        ("6", "回访结果", "callback.outcome"),
        ("7", "回访时间", "callback.time"),
    }
    assert "138OO138OOO" not in rejects.read_text(encoding="utf-8-sig")
    notes = [e.note for e in service.events(contact=SHARED)]
    assert notes == ["接听者称不认识客户", "接听者称不认识客户"]
    cleared = write_csv(
        tmp_path / "回访结果2.csv",
        ("电话号码", "回访结果", "回访时间", "回访人"),
        [[SHARED, "接通", "2026-05-01 09:00", "李四"]],
    )
    assert import_callbacks(service, cleared).cleared == 1


def test_an_outbound_call_system_export_is_read(service: Service, tmp_path: Path) -> None:
    # a call centre's own layout: 外呼时间, 被叫号码, 呼叫结果, 坐席工号
    family_sharing_a_phone(service)
    path = write_csv(
        tmp_path / "外呼结果.csv",
        ("外呼时间", "被叫号码", "呼叫结果", "坐席工号"),
        [["2026-03-01 10:00", SHARED, "不是本人", "W001"]],
    )
    summary = import_callbacks(service, path)
    assert (summary.rows, summary.rejected, summary.flagged) == (1, 0, 1)


def test_a_templates_numbered_empty_lines_are_no_rows(service: Service, tmp_path: Path) -> None:
    """A call-back template's lines with only their 序号 filled are skipped, not rejected."""
    family_sharing_a_phone(service)
    path = write_csv(
        tmp_path / "回访.csv",
        ("序号", "电话号码", "回访结果", "回访时间", "回访人"),
        [["1", SHARED, "错号", "2026-03-01 10:00", "王芳"],
         ["2", "", "", "", ""],
         ["3", "", " ", "", ""],
         ["4", "", "接通", "2026-03-01 10:05", "王芳"]],
    )  # fmt: skip
    summary = import_callbacks(service, path, rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.rejected, summary.flagged) == (2, 1, 1)
    assert [r["row"] for r in read_csv(tmp_path / "r.csv")] == ["5"]  # a result, no number


def test_callback_file_needs_its_columns(service: Service, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ("电话号码", "备注"), [[SHARED, "x"]])
    with pytest.raises(TableFormatError, match=r"callback\.no_columns"):
        import_callbacks(service, path)
