"""Whose number a claim report brings: the reporter's phone is the insured's own only when
nothing says the reporter is someone else (a garage, a relative, a driver, an agent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from _workflow_helpers import ID_LI, ID_ZHANG, read_csv, write_csv
from custmaster.model import Customer, SourceRecord
from custmaster.service import Service
from custmaster.workflows.channels import import_channel_file
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.renewals import export_renewals, renewal_rows

pytest_plugins = ["_workflow_fixtures"]

USCC = "91350200MA2Y12345E"
OWN = "13800138000"  # 张伟's mobile, from the core system
GARAGE = "0592-5123456"  # a repair shop that reports claims for many customers
OTHER = "13900139000"
CLAIM_HEADER = ("报案号", "报案时间", "车牌号", "报案人", "报案人电话")


@pytest.fixture
def book(service: Service, tmp_path: Path) -> Service:
    core = write_csv(
        tmp_path / "core.csv",
        ("保单号", "被保险人", "身份证号", "车牌号", "起保日期", "终保日期", "签单日期",
         "移动电话"),
        [["PDAA2026001", "张伟", ID_ZHANG, "闽D12388", "2026-01-05", "2027-01-04", "2026-01-02",
          OWN],
         ["PDAA2026002", "李娜", ID_LI, "闽D66666", "2026-01-20", "2027-01-19", "2026-01-10",
          ""],
         ["PDAA2026003", "厦门鹭江物流有限公司", USCC, "闽D·B1234", "2026-01-15", "2027-01-14",
          "2026-01-10", ""]],
    )  # fmt: skip
    import_core_extract(service, core)
    return service


def _claims(tmp_path: Path, header: tuple[str, ...], *rows: list[str]) -> Path:
    return write_csv(tmp_path / "报案.csv", header, [list(row) for row in rows])


def _customer(service: Service, **key: str) -> Customer:
    (found,) = service.find(**key)
    return found


def _claim_record(service: Service, customer: Customer, ref: str) -> SourceRecord:
    return next(
        r for r in service.observations(customer.id) if r.provenance.key == ("claim_report", ref)
    )


def _callable(customer: Customer) -> list[str]:
    return [p.value for p in customer.callable_contacts()]


def _numbers(customer: Customer) -> set[str]:
    return {p.value for p in customer.contact_points if p.kind.is_phone}


# -- third parties ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reporter",
    ["鑫达汽修厂", "厦门鑫达汽车维修有限公司", "4S店", "厦门中升丰田4S店", "平安道路救援",
     "鹭岛拖车", "人保代理点", "鑫达修理厂（报案）"],
)  # fmt: skip
def test_a_garage_reporter_s_number_is_kept_but_is_not_the_customer_s(
    book: Service, tmp_path: Path, reporter: str
) -> None:
    path = _claims(
        tmp_path, CLAIM_HEADER, ["RP1", "2026-06-01 09:30", "闽D·12388", reporter, GARAGE]
    )
    summary = import_channel_file(book, path, "claim_report")
    assert (summary.merged, summary.rejected) == (1, 0)
    zhang = _customer(book, resident_id=ID_ZHANG)
    assert _numbers(zhang) == {"+86" + OWN}
    assert _callable(zhang) == ["+86" + OWN]
    record = _claim_record(book, zhang, "RP1")
    assert (record.mobile, record.home_phone) == (None, None)
    assert record.extra["reporter_phone"] == "+865925123456"
    assert record.extra["reporter_third_party"] == "organisation"
    assert record.extra["报案人"] == reporter
    assert book.find(phone=GARAGE) == []  # no customer is found by the garage's number
    # the observation stays in the customer's history
    state = book.state(zhang.id)
    assert state is not None
    assert state.value("extra.reporter_phone") == "+865925123456"


def test_a_garage_reporting_for_many_customers_is_on_none_of_them(
    book: Service, tmp_path: Path
) -> None:
    path = _claims(
        tmp_path,
        CLAIM_HEADER,
        ["RP1", "2026-06-01 09:30", "闽D12388", "鑫达汽修厂", GARAGE],
        ["RP2", "2026-06-02 10:00", "闽D66666", "鑫达汽修厂", GARAGE],
        ["RP3", "2026-06-03 11:00", "闽D·B1234", "鑫达汽修厂", GARAGE],
    )
    assert import_channel_file(book, path, "claim_report").merged == 3
    assert book.find(phone=GARAGE) == []
    li = _customer(book, resident_id=ID_LI)
    # 李娜 has no number of her own: the garage's is still not offered as hers
    assert li.contact_points == ()
    assert _claim_record(book, li, "RP2").extra["reporter_phone"] == "+865925123456"


@pytest.mark.parametrize("relation", ["配偶", "驾驶员", "朋友", "其他", "修理厂", "非本人"])
def test_a_relation_other_than_self_makes_the_reporter_a_third_party(
    book: Service, tmp_path: Path, relation: str
) -> None:
    path = _claims(
        tmp_path,
        ("报案号", "报案时间", "保单号", "报案人", "报案人与被保险人关系", "报案人电话"),
        ["RP1", "2026-06-01 09:30", "PDAA2026001", "", relation, OTHER],
    )
    assert import_channel_file(book, path, "claim_report").merged == 1
    zhang = _customer(book, resident_id=ID_ZHANG)
    assert zhang.contact_point("mobile", OTHER) is None
    record = _claim_record(book, zhang, "RP1")
    assert record.extra["reporter_third_party"] == "relation"
    assert record.extra["reporter_phone"] == "+86" + OTHER


@pytest.mark.parametrize(
    ("insured", "reporter"),
    [("张伟", "王丽"), ("张伟", "李先生"), ("张伟", "李*"), ("张伟", "王芳（业务员）")],
)
def test_a_reporter_named_other_than_the_insured_on_the_row_is_a_third_party(
    book: Service, tmp_path: Path, insured: str, reporter: str
) -> None:
    path = _claims(
        tmp_path,
        ("报案号", "报案时间", "身份证号", "被保险人", "报案人", "报案人电话"),
        ["RP1", "2026-06-01 09:30", ID_ZHANG, insured, reporter, OTHER],
    )
    assert import_channel_file(book, path, "claim_report").merged == 1
    zhang = _customer(book, resident_id=ID_ZHANG)
    assert zhang.name == "张伟"
    assert zhang.contact_point("mobile", OTHER) is None
    assert _claim_record(book, zhang, "RP1").extra["reporter_third_party"] == "name"


@pytest.mark.parametrize(("relation", "kept"), [("本人", False), ("", True), ("不详", True)])
def test_a_relation_of_self_decides_over_a_misspelt_name(
    book: Service, tmp_path: Path, relation: str, kept: bool
) -> None:
    path = _claims(
        tmp_path,
        ("报案号", "报案时间", "车牌号", "报案人", "与被保险人关系", "报案人电话"),
        ["RP1", "2026-06-01 09:30", "闽D12388", "张玮", relation, OTHER],
    )
    assert import_channel_file(book, path, "claim_report").merged == 1
    zhang = _customer(book, resident_id=ID_ZHANG)
    assert (zhang.contact_point("mobile", OTHER) is None) is kept
    extra = _claim_record(book, zhang, "RP1").extra
    assert extra.get("reporter_third_party") == ("name" if kept else None)


@pytest.mark.parametrize("key", ["车牌号", "保单号"])
def test_a_reporter_named_other_than_the_known_customer_is_a_third_party(
    book: Service, tmp_path: Path, key: str
) -> None:
    value = "闽D12388" if key == "车牌号" else "PDAA2026001"
    path = _claims(
        tmp_path,
        ("报案号", "报案时间", key, "报案人", "报案人电话"),
        ["RP1", "2026-06-01 09:30", value, "赵六", OTHER],
        ["RP2", "2026-06-05 09:30", value, "张伟", "13700137000"],
    )
    assert import_channel_file(book, path, "claim_report").merged == 2
    zhang = _customer(book, resident_id=ID_ZHANG)
    assert _claim_record(book, zhang, "RP1").extra["reporter_third_party"] == "name"
    assert zhang.contact_point("mobile", OTHER) is None
    # the insured reporting: their own number
    point = zhang.contact_point("mobile", "13700137000")
    assert point is not None
    assert dict(point.channels) == {"claim_report": 1}
    assert "reporter_phone" not in _claim_record(book, zhang, "RP2").extra


def test_a_multi_number_cell_of_a_third_party_is_kept_whole(book: Service, tmp_path: Path) -> None:
    path = _claims(
        tmp_path,
        CLAIM_HEADER,
        ["RP1", "2026-06-01 09:30", "闽D12388", "鑫达汽修厂", f"{OTHER}/{GARAGE}"],
    )
    assert import_channel_file(book, path, "claim_report").merged == 1
    zhang = _customer(book, resident_id=ID_ZHANG)
    assert _numbers(zhang) == {"+86" + OWN}
    assert _claim_record(book, zhang, "RP1").extra["reporter_phone"] == (
        "+8613900139000 +865925123456"
    )
    assert [r.provenance.source_ref for r in book.observations(zhang.id)].count("RP1") == 1


# -- the insured reporting ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("reporter", "relation"),
    [("张伟", "本人"), ("张伟", ""), ("", "本人"), ("本人", ""), ("张先生", ""),
     ("张伟（本人）", "被保险人"), ("张*", "")],
)  # fmt: skip
def test_the_insured_reporting_brings_their_own_number(
    book: Service, tmp_path: Path, reporter: str, relation: str
) -> None:
    path = _claims(
        tmp_path,
        ("报案号", "报案时间", "车牌号", "报案人", "与被保险人关系", "报案人电话"),
        ["RP1", "2026-06-01 09:30", "闽D12388", reporter, relation, OTHER],
    )
    assert import_channel_file(book, path, "claim_report").merged == 1
    zhang = _customer(book, resident_id=ID_ZHANG)
    point = zhang.contact_point("mobile", OTHER)
    assert point is not None
    assert dict(point.channels) == {"claim_report": 1}
    assert _callable(zhang)[0] == "+86" + OTHER  # the newest number first, as before
    assert "reporter_phone" not in _claim_record(book, zhang, "RP1").extra


def test_a_company_reporting_its_own_claim_brings_its_own_number(
    book: Service, tmp_path: Path
) -> None:
    path = _claims(
        tmp_path,
        ("报案号", "报案时间", "车牌号", "被保险人", "报案人", "报案人电话"),
        ["RP1", "2026-06-01 09:30", "闽D·B1234", "厦门鹭江物流有限公司", "厦门鹭江物流有限公司",
         GARAGE],
        ["RP2", "2026-06-02 09:30", "闽D·B1234", "", "厦门鹭江物流有限公司", "0592-6012345"],
    )  # fmt: skip
    assert import_channel_file(book, path, "claim_report").merged == 2
    company = _customer(book, uscc=USCC)
    assert _numbers(company) == {"+865925123456", "+865926012345"}


def test_a_claim_without_reporter_columns_reads_as_before(book: Service, tmp_path: Path) -> None:
    path = _claims(
        tmp_path,
        ("报案号", "报案时间", "车牌号", "报案人电话"),
        ["RP1", "2026-06-01", "闽D12388", OTHER],
    )
    assert import_channel_file(book, path, "claim_report").merged == 1
    assert _customer(book, resident_id=ID_ZHANG).contact_point("mobile", OTHER) is not None


# -- bad cells, re-runs, telesales --------------------------------------------------------


def test_a_third_party_s_bad_number_is_still_rejected(book: Service, tmp_path: Path) -> None:
    path = _claims(
        tmp_path,
        CLAIM_HEADER,
        ["RP1", "2026-06-01 09:30", "闽D12388", "鑫达汽修厂", "13800138OOO"],
        ["RP2", "2026-06-01 10:30", "闽D12388", "鑫达汽修厂", GARAGE],
    )
    rejects = tmp_path / "rejects.csv"
    summary = import_channel_file(book, path, "claim_report", rejects=rejects)
    assert (summary.merged, summary.rejected) == (1, 1)
    assert [(r["row"], r["column"], r["code"]) for r in read_csv(rejects)] == [
        ("2", "报案人电话", "phone.vanity")
    ]
    again = import_channel_file(book, path, "claim_report")
    assert again.duplicates == 1  # the kept row is the same record on a re-run


def test_telesales_keeps_today_s_reading_unless_clearly_a_third_party(
    book: Service, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "电销.csv",
        ("通话编号", "通话时间", "坐席", "保单号", "客户姓名", "客户电话"),
        [["T1", "2026-11-20 14:00", "王芳", "PDAA2026001", "张先生", OTHER],
         ["T2", "2026-11-21 14:00", "王芳", "PDAA2026001", "李先生", "13700137000"],
         ["T3", "2026-11-22 14:00", "王芳", "PDAA2026001", "鑫达汽修厂", GARAGE],
         ["T4", "2026-11-23 14:00", "王芳", "PDAA2026003", "厦门鹭江物流有限公司",
          "0592-6012345"]],
    )  # fmt: skip
    assert import_channel_file(book, path, "telesales").merged == 4
    zhang = _customer(book, resident_id=ID_ZHANG)
    assert _numbers(zhang) == {"+86" + OWN, "+86" + OTHER, "+8613700137000"}
    t3 = next(r for r in book.observations(zhang.id) if r.provenance.source_ref == "T3")
    assert t3.extra["answerer_phone"] == "+865925123456"
    assert t3.extra["answerer_third_party"] == "organisation"
    assert _numbers(_customer(book, uscc=USCC)) == {"+865926012345"}


# -- renewals -----------------------------------------------------------------------------


def test_the_renewal_export_never_offers_the_garage_s_number(book: Service, tmp_path: Path) -> None:
    path = _claims(
        tmp_path,
        CLAIM_HEADER,
        ["RP1", "2026-12-01 09:30", "闽D12388", "鑫达汽修厂", GARAGE],
        ["RP2", "2026-12-01 10:30", "闽D66666", "鑫达汽修厂", GARAGE],
        ["RP3", "2026-12-02 10:30", "闽D66666", "李娜", OTHER],
    )
    assert import_channel_file(book, path, "claim_report").merged == 3
    rows = {row.policy_no: row for row in renewal_rows(book, "2027-01")}
    assert rows["PDAA2026001"].contacts == ("+86" + OWN,)
    assert rows["PDAA2026002"].contacts == ("+86" + OTHER,)
    assert rows["PDAA2026003"].contacts == ()
    out = tmp_path / "renewals.csv"
    export_renewals(book, "2027-01", out, reveal=False)
    text = out.read_text(encoding="utf-8-sig")
    assert "0592-*****56" not in text
    by_policy = {r["保单号"]: r for r in read_csv(out)}
    assert by_policy["PDAA2026001"]["联系电话1"] == "138****8000"
    assert by_policy["PDAA2026001"]["联系电话2"] == ""
    assert by_policy["PDAA2026002"]["联系电话1"] == "139****9000"
