"""Contact information from every channel: each import tagged with its channel and reference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from _workflow_helpers import (
    ID_LI,
    ID_ZHANG,
    write_csv,
)
from custmaster.errors import UsageError
from custmaster.model import Channel
from custmaster.service import Service
from custmaster.workflows.channels import PROFILES, import_channel_file, profile_for
from custmaster.workflows.core_import import CHINA_TZ, ImportProfile, import_core_extract

pytest_plugins = ["_workflow_fixtures"]


@pytest.fixture
def book(service: Service, tmp_path: Path) -> Service:
    core = write_csv(
        tmp_path / "core.csv",
        ("保单号", "被保险人", "身份证号", "车牌号", "起保日期", "终保日期", "签单日期",
         "移动电话"),
        [["PDAA2026001", "张伟", ID_ZHANG, "闽D12388", "2026-01-05", "2027-01-04", "2026-01-02",
          "13800138000"],
         ["PDAA2026002", "李娜", ID_LI, "闽D66666", "2026-02-01", "2027-01-31", "2026-01-20",
          ""]],
    )  # fmt: skip
    import_core_extract(service, core)
    return service


def _channels_of(service: Service, resident_id: str, number: str) -> dict[str, int]:
    customer = service.find(resident_id=resident_id)[0]
    point = customer.contact_point("mobile", number) or customer.contact_point("home", number)
    assert point is not None
    return dict(point.channels)


def test_every_builtin_channel_has_a_profile() -> None:
    assert set(PROFILES) == {
        "core_system",
        "claim_report",
        "telesales",
        "face_to_face",
        "renewal_list",
        "underwriting",
    }
    for code, profile in PROFILES.items():
        assert profile.channel == Channel.get(code)
    with pytest.raises(UsageError, match=r"channel\.unknown_profile"):
        profile_for("wechat")


def test_claim_report_attaches_through_the_plate_and_keeps_the_reporter_apart(
    book: Service, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "报案.csv",
        ("报案号", "报案时间", "车牌号", "报案人", "报案人电话"),
        [["RP001", "2026-06-01 09:30", "闽D·12388", "赵六", "139 0013 9000"]],
    )
    summary = import_channel_file(book, path, "claim_report")
    assert (summary.channel, summary.merged) == ("claim_report", 1)
    zhang = book.find(resident_id=ID_ZHANG)[0]
    assert zhang.name == "张伟"  # the reporter's name is not the customer's
    # 赵六 is not 张伟: the number is kept with the report, not offered as 张伟's
    assert zhang.contact_point("mobile", "13900139000") is None
    record = next(
        r for r in book.observations(zhang.id) if r.provenance.channel.code != "core_system"
    )
    assert record.provenance.source_ref == "RP001"
    assert record.provenance.observed_at == dt.datetime(2026, 6, 1, 9, 30, tzinfo=CHINA_TZ)
    assert record.extra["报案人"] == "赵六"
    assert record.extra["reporter_phone"] == "+8613900139000"


def test_claim_report_outside_any_cover_does_not_attach(book: Service, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "报案.csv",
        ("报案号", "报案时间", "车牌号", "报案人电话"),
        [["RP002", "2025-06-01 09:30", "闽D12388", "13700137000"]],
    )
    summary = import_channel_file(book, path, "claim_report")
    assert summary.new == 1  # kept as its own customer until a policy explains it
    assert book.find(resident_id=ID_ZHANG)[0].contact_point("mobile", "13700137000") is None


def test_telesales_log_with_operator_and_call_id(book: Service, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "电销.csv",
        ("通话编号", "通话时间", "坐席", "保单号", "客户电话", "备注"),
        [["T-0001", "2026-11-20 14:00:05", "王芳", "PDAA2026002", "13600136000", "有意向"]],
    )
    summary = import_channel_file(book, path, "telesales")
    assert summary.merged == 1
    li = book.find(resident_id=ID_LI)[0]
    record = next(r for r in book.observations(li.id) if r.provenance.channel.code == "telesales")
    assert record.provenance.key == ("telesales", "T-0001")
    assert record.provenance.operator == "王芳"
    assert _channels_of(book, ID_LI, "13600136000") == {"telesales": 1}


def test_the_same_number_from_three_channels_is_one_contact_point(
    book: Service, tmp_path: Path
) -> None:
    face = write_csv(
        tmp_path / "面签.csv",
        ("面签单号", "面签日期", "业务员", "身份证号", "移动电话"),
        [["F-1", "2026-03-01", "李四", ID_ZHANG, "138-0013-8000"]],
    )
    renewal = write_csv(
        tmp_path / "续保到期.csv",
        ("保单号", "终保日期", "联系电话", "清单日期"),
        [["PDAA2026001", "2027-01-04", "13800138000", "2026-12-01"]],
    )
    assert import_channel_file(book, face, "face_to_face").merged == 1
    assert import_channel_file(book, renewal, "renewal_list").merged == 1
    assert _channels_of(book, ID_ZHANG, "13800138000") == {
        "core_system": 1,
        "face_to_face": 1,
        "renewal_list": 1,
    }
    refs = {r.provenance.key for r in book.observations(book.find(resident_id=ID_ZHANG)[0].id)}
    assert ("face_to_face", "F-1") in refs
    assert ("renewal_list", "续保到期:2") in refs  # no number of its own: file stem + row


def test_underwriting_rows_use_the_proposal_number_and_policy_facts(
    book: Service, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "承保.csv",
        ("投保单号", "保单号", "核保时间", "核保人", "身份证号", "被保险人", "缴费状态",
         "保单状态"),
        [["TB-9", "PDAA2026003", "2026-12-02 16:00", "陈七", ID_ZHANG, "张伟", "未缴费", "未缴费"]],
    )  # fmt: skip
    summary = import_channel_file(book, path, "underwriting")
    assert summary.merged == 1
    zhang = book.find(resident_id=ID_ZHANG)[0]
    record = next(
        r for r in book.observations(zhang.id) if r.provenance.channel.code == "underwriting"
    )
    assert record.provenance.source_ref == "TB-9"
    assert record.extra["paid@PDAA2026003"] == "no"
    assert record.extra["status@PDAA2026003"] == "unpaid"


def test_a_profile_of_your_own(service: Service, tmp_path: Path) -> None:
    wechat = ImportProfile(channel="wechat_mini", meta_aliases={"source_ref": ("消息编号",)})
    path = write_csv(tmp_path / "wx.csv", ("消息编号", "身份证号", "手机"),
                     [["M1", ID_ZHANG, "13800138000"]])  # fmt: skip
    summary = import_channel_file(service, path, wechat)
    assert (summary.channel, summary.new) == ("wechat_mini", 1)
    customer = service.find(resident_id=ID_ZHANG)[0]
    assert customer.first_channel == Channel.get("wechat_mini")
