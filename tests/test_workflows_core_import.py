"""Core-system import: rows to records, references, observed times, rejects, batches, re-runs."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _workflow_helpers import (
    ID_LI,
    ID_WANG,
    ID_ZHANG,
    VIN_1,
    VIN_2,
    read_csv,
    write_csv,
)
from custmaster.errors import UsageError
from custmaster.model import ContactEvent
from custmaster.service import Service
from custmaster.workflows.core_import import (
    CHINA_TZ,
    import_core_extract,
    import_table,
    parse_time,
)
from custmaster.workflows.reading import TableFormatError
from custmaster.workflows.renewals import renewal_rows
from custmaster.workflows.validation import REJECT_COLUMNS

HEADER = (
    "保单号",
    "险种",
    "被保险人",
    "身份证号",
    "车牌号",
    "起保日期",
    "终保日期",
    "初登日期",
    "厂牌型号",
    "车架号",
    "发动机号",
    "客户地址",
    "办公电话",
    "家庭电话",
    "移动电话",
    "签单日期",
    "保单状态",
    "新续保标志",
    "缴费状态",
    "车队",
)

pytest_plugins = ["_workflow_fixtures"]


def _rows() -> list[list[str]]:
    return [
        # Zhang: commercial and compulsory policies of one car, two rows.
        ["PDAA202635020000000001", "商业险", "张伟", ID_ZHANG, "闽D·12388", "2026/1/5",
         "20270104", "2022年3月18日", "本田牌HG7203ABCVT", VIN_1, "K24Z71234567",
         "福建省厦门市思明区湖滨南路1号", "0592-5123456", "", "+86 138 0013 8000",
         "2026-01-02", "有效", "新保", "已缴费", "一队"],
        ["PDZA202635020000000001", "交强险", "张伟", ID_ZHANG.lower(), "闽D12388",
         "2026-01-05", "2027-01-04", "", "本田牌HG7203ABCVT", VIN_1, "", "", "", "",
         "138-0013-8000", "2026-01-02", "有效", "新保", "是", ""],
        # Li: a renewal with a home phone.
        ["PDAA202635020000000002", "商业险", "李娜", ID_LI, "闽D·A8866", "2026-02-01",
         "2027-01-31", "", "大众汽车牌SVW71810KJ", VIN_2, "", "福建省厦门市湖里区嘉禾路9号", "",
         "0592-6123456", "13900139000", "2026-01-20", "有效", "续保", "已缴费", ""],
        # Wang: an invalid mobile (letters for digits) and an impossible date.
        ["PDAA202635020000000003", "商业险", "王芳", ID_WANG, "", "2026-02-30", "2027-03-01",
         "", "", "", "", "", "", "", "13800138OOO", "2026-02-01", "有效", "新保", "是", ""],
    ]  # fmt: skip


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "核心系统导出.csv", HEADER, _rows(), encoding="gb18030")


def test_import_gbk_extract_counts_and_records(service: Service, extract: Path) -> None:
    rejects = extract.with_name("rejects.csv")
    summary = import_core_extract(service, extract, rejects=rejects)
    assert (summary.rows, summary.new, summary.merged, summary.rejected) == (4, 2, 1, 1)
    assert summary.encoding == "gb18030"
    assert summary.imported == 3
    assert summary.customers == 2
    assert ("签单日期", "observed_at") in summary.meta
    assert summary.unmapped == ("车队",)
    zhang = service.find(resident_id=ID_ZHANG)[0]
    assert zhang.name == "张伟"
    assert set(zhang.policy_numbers()) == {"PDAA202635020000000001", "PDZA202635020000000001"}
    mobile = zhang.contact_point("mobile", "13800138000")
    assert mobile is not None
    assert dict(mobile.channels) == {"core_system": 2}
    keys = {r.provenance.key for r in service.observations(zhang.id)}
    assert keys == {
        ("core_system", "PDAA202635020000000001#0"),
        ("core_system", "PDZA202635020000000001#0"),
    }
    record = service.observations(zhang.id)[0]
    assert record.provenance.observed_at == dt.datetime(2026, 1, 2, tzinfo=CHINA_TZ)
    assert record.extra.get("status@PDAA202635020000000001") == "in_force"
    assert record.extra.get("business_type@PDAA202635020000000001") == "new"
    assert record.extra.get("paid@PDAA202635020000000001") == "yes"
    policy = service.policy("PDAA202635020000000001")
    assert policy.cover_start == dt.date(2026, 1, 5)
    assert policy.cover_end == dt.date(2027, 1, 4)
    assert policy.vehicle is not None
    assert policy.vehicle.first_registered == dt.date(2022, 3, 18)


def test_rejects_file_has_row_column_code_and_masked_value_only(
    service: Service, extract: Path
) -> None:
    rejects = extract.with_name("rejects.csv")
    summary = import_core_extract(service, extract, rejects=rejects)
    lines = read_csv(rejects)
    assert list(lines[0]) == list(REJECT_COLUMNS)
    assert {(r["row"], r["column"], r["code"]) for r in lines} == {
        ("5", "移动电话", "phone.vanity"),
        ("5", "起保日期", "date.range"),
    }
    text = rejects.read_text(encoding="utf-8-sig")
    assert "13800138OOO" not in text
    assert ID_WANG not in text
    assert summary.codes == (("date.range", 1), ("phone.vanity", 1))
    assert service.find(resident_id=ID_WANG) == []


def test_an_imported_vehicle_without_check_digit_is_imported(
    service: Service, tmp_path: Path
) -> None:
    # A parallel-imported Mercedes: European VINs leave position 9 free, and the register of
    # vehicles in China holds them as they are; a China-made VIN with a wrong check digit is
    # a typo, and its row goes to the rejects file.
    imported = "WDD2050401F123456"
    typo = VIN_2[:8] + ("1" if VIN_2[8] != "1" else "2") + VIN_2[9:]
    rows = [
        ["PDAA202635020000000009", "商业险", "赵磊", ID_ZHANG, "闽D·99999", "2026-03-01",
         "2027-02-28", "2021-06-01", "奔驰牌C200L", imported, "", "", "", "", "13800138000",
         "2026-02-20", "有效", "新保", "是", ""],
        ["PDAA202635020000000010", "商业险", "李娜", ID_LI, "闽D·A8866", "2026-02-01",
         "2027-01-31", "", "大众汽车牌SVW71810KJ", typo, "", "", "", "", "13900139000",
         "2026-01-20", "有效", "续保", "已缴费", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "进口车.csv", HEADER, rows, encoding="gb18030")
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.imported, summary.rejected) == (1, 1)
    policy = service.policy("PDAA202635020000000009")
    assert policy.vehicle is not None
    assert policy.vehicle.vin == imported
    assert [r["code"] for r in read_csv(rejects)] == ["vin.checksum"]
    assert service.find(vin=imported)[0].name == "赵磊"


def test_a_policy_number_typed_in_full_width_is_imported(service: Service, tmp_path: Path) -> None:
    # Typed with a Chinese input method in full-width mode; before, the whole row was
    # rejected as `model.reference`.
    rows = [
        ["ＰＤＡＡ２０２６３５０２０００００００００９", "商业险", "赵磊", ID_ZHANG, "闽D·99999",
         "2026-03-01", "2027-02-28", "", "", "", "", "", "", "", "13800138000", "2026-02-20",
         "有效", "新保", "是", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "全角.csv", HEADER, rows, encoding="gb18030")
    summary = import_core_extract(service, path)
    assert (summary.imported, summary.rejected) == (1, 0)
    assert service.policy("PDAA202635020000000009").cover_end == dt.date(2027, 2, 28)
    assert service.find(policy_no="ＰＤＡＡ２０２６３５０２０００００００００９")[0].name == "赵磊"


def test_an_organisations_uscc_in_the_id_column_is_read_as_its_uscc(
    service: Service, tmp_path: Path
) -> None:
    # One identity column for every insured: a company's row holds its USCC there.
    uscc = "91350200MA2Y12345E"
    rows = [
        ["PDAA202635020000000011", "商业险", "厦门鹭江物流有限公司", uscc.lower(), "闽D·B1234",
         "2026-03-01", "2027-02-28", "", "解放牌CA4250P66K24T1A1E5", "", "", "",
         "0592-6012345", "", "", "2026-02-20", "有效", "新保", "是", ""],
        ["PDAA202635020000000012", "商业险", "厦门某某贸易有限公司", "91350200MA2Y123450",
         "闽D·B1235", "2026-03-01", "2027-02-28", "", "", "", "", "", "", "", "13800138000",
         "2026-02-20", "有效", "新保", "是", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "单位客户.csv", HEADER, rows, encoding="gb18030")
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.imported, summary.rejected) == (1, 1)
    (company,) = service.find(uscc=uscc)
    assert company.kind.value == "organisation"
    assert company.name == "厦门鹭江物流有限公司"
    assert company.resident_id is None
    # a check character that does not match is neither an ID nor a USCC: the row is rejected
    assert [(r["column"], r["code"]) for r in read_csv(rejects)] == [
        ("身份证号", "cn_resident_id.format")
    ]


def test_a_document_type_column_says_how_the_identity_column_is_read(
    service: Service, tmp_path: Path
) -> None:
    header = (
        "保单号",
        "险种",
        "被保险人",
        "证件类型",
        "证件号码",
        "移动电话",
        "终保日期",
        "签单日期",
    )
    rows = [
        ["PDAA2026101", "商业险", "陈志明", "台胞证", "0123 4567", "13800138000"],
        ["PDAA2026102", "商业险", "厦门鹭江物流有限公司", "统一社会信用代码",
         "91350200MA2Y12345E", ""],
        ["PDAA2026103", "商业险", "John Smith", "护照", "p1234567", "13900139000"],
        ["PDAA2026104", "商业险", "张伟", "身份证", ID_ZHANG, "13700137000"],
        ["PDAA2026105", "商业险", "李明", "回乡证", "H12345678", "13600136000"],
        ["PDAA2026106", "商业险", "王强", "营业执照", "123", "13600136001"],
        ["PDAA2026107", "商业险", "赵六", "驾驶证", ID_LI, "13600136002"],
        # the same Taiwan resident again, through another policy: one customer
        ["PDAA2026108", "商业险", "陈志明", "台湾居民来往大陆通行证", "01234567", ""],
    ]  # fmt: skip
    rows = [[*row, "2027-03-01", "2026-03-01"] for row in rows]
    path = write_csv(tmp_path / "证件.csv", header, rows, encoding="gb18030")
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.rows, summary.rejected) == (8, 1)
    assert [(r["column"], r["field"], r["code"]) for r in read_csv(rejects)] == [
        ("证件号码", "resident_id", "cn_uscc.length")
    ]

    def document(policy_no: str) -> tuple[str, str, str] | None:
        (customer,) = service.find(policy_no=policy_no)
        return None if customer.id_document is None else customer.id_document.key

    assert document("PDAA2026101") == ("taiwan_permit", "TWN", "01234567")
    assert document("PDAA2026103") == ("passport", "", "P1234567")
    assert document("PDAA2026105") == ("hk_macao_permit", "HKG", "H12345678")
    assert service.find(policy_no="PDAA2026101") == service.find(policy_no="PDAA2026108")
    (company,) = service.find(uscc="91350200MA2Y12345E")
    assert company.kind.value == "organisation"
    # a resident ID, and a driving licence (numbered by the 公民身份号码), read as the resident ID
    assert service.find(policy_no="PDAA2026104")[0].resident_id == ID_ZHANG
    assert service.find(policy_no="PDAA2026107")[0].resident_id == ID_LI
    assert summary.unmapped == ()


def test_a_new_car_insured_before_registration_is_imported_without_a_plate(
    service: Service, tmp_path: Path
) -> None:
    rows = [
        ["PDAA202635020000000013", "商业险", "张伟", ID_ZHANG, "新车未上牌", "2026-03-01",
         "2027-02-28", "", "本田牌HG7203ABCVT", VIN_1, "000000", "", "", "", "13800138000",
         "2026-02-20", "有效", "新保", "是", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "新车.csv", HEADER, rows, encoding="gb18030")
    summary = import_core_extract(service, path, rejects=tmp_path / "rejects.csv")
    assert (summary.imported, summary.rejected) == (1, 0)
    policy = service.policy("PDAA202635020000000013")
    assert policy.vehicle is not None
    assert (policy.vehicle.plate, policy.vehicle.engine_no, policy.vehicle.vin) == (
        None,
        None,
        VIN_1,
    )


@pytest.mark.parametrize(
    ("status", "business", "paid", "facts"),
    [
        ("批退", "新车新保", "已付款", ("cancelled", "new", "yes")),
        ("已注销", "他司转保", "未实收", ("cancelled", "transfer", "no")),
        ("已生效", "续保（本公司）", "已缴费", ("in_force", "renewal", "yes")),
        ("已到期", "旧车新保", "待缴费", ("expired", "new", "no")),
    ],
)
def test_policy_facts_as_core_systems_write_them(
    service: Service, tmp_path: Path, status: str, business: str, paid: str, facts: tuple[str, ...]
) -> None:
    row = ["PDAA202635020000000014", "商业险", "张伟", ID_ZHANG, "闽D·12388", "2026-03-01",
           "2027-02-28", "", "", "", "", "", "", "", "13800138000", "2026-02-20", status,
           business, paid, ""]  # fmt: skip
    path = write_csv(tmp_path / "状态.csv", HEADER, [row], encoding="gb18030")
    import_core_extract(service, path)
    (record,) = service.observations(service.find(resident_id=ID_ZHANG)[0].id)
    number = "PDAA202635020000000014"
    assert (
        tuple(record.extra.get(f"{kind}@{number}") for kind in ("status", "business_type", "paid"))
        == facts
    )
    listed = {r.policy_no for r in renewal_rows(service, "2027-02")}
    assert (number in listed) is (facts[0] != "cancelled")


def test_an_excel_97_workbook_is_imported(service: Service, tmp_path: Path) -> None:
    # tests/data/core-extract.xls (tools/make_xls_fixture.py): what an older core system
    # exports, with a title row, a phone stored as a number and date cells
    source = Path(__file__).parent / "data" / "core-extract.xls"
    summary = import_core_extract(service, source, rejects=tmp_path / "rejects.csv")
    # its 续保 sheet, one column of policy numbers, is read too (a list, not a cover sheet)
    assert (summary.kind, summary.header_row, summary.rows) == ("xls", 2, 3)
    assert [(sheet.name, sheet.rows) for sheet in summary.sheets] == [("客户清单", 2), ("续保", 1)]
    assert summary.summary_rows == (6,)
    (zhang,) = service.find(policy_no="PDAA2026301")
    assert zhang.contact_point("mobile", "13800138000") is not None
    assert service.policy("PDAA2026301").cover_end == dt.date(2027, 2, 28)


def test_rerun_adds_nothing(service: Service, extract: Path) -> None:
    import_core_extract(service, extract)
    before = service.counts()
    again = import_core_extract(service, extract)
    assert (again.new, again.merged, again.duplicates, again.rejected) == (0, 0, 3, 1)
    assert service.counts() == before


def test_changed_row_under_the_same_reference_is_rejected_as_conflicting(
    service: Service, extract: Path, tmp_path: Path
) -> None:
    import_core_extract(service, extract)
    rows = _rows()[:1]
    rows[0][11] = "福建省厦门市集美区银江路3号"
    changed = write_csv(tmp_path / "second.csv", HEADER, rows)
    rejects = tmp_path / "second.rejects.csv"
    summary = import_core_extract(service, changed, rejects=rejects)
    assert summary.rejected == 1
    assert [r["code"] for r in read_csv(rejects)] == ["record.conflicting_duplicate"]
    assert service.find(resident_id=ID_ZHANG)[0].address == "福建省厦门市思明区湖滨南路1号"


def test_a_new_endorsement_sequence_is_a_new_observation(
    service: Service, extract: Path, tmp_path: Path
) -> None:
    import_core_extract(service, extract)
    header = (*HEADER, "批改序号")
    row = [*_rows()[0], "1"]
    row[11] = "福建省厦门市集美区银江路3号"
    row[15] = "2026-06-01"
    summary = import_core_extract(service, write_csv(tmp_path / "e.csv", header, [row]))
    assert summary.merged == 1
    zhang = service.find(resident_id=ID_ZHANG)[0]
    assert zhang.address == "福建省厦门市集美区银江路3号"
    assert [h.value for h in zhang.history("address")] == ["福建省厦门市思明区湖滨南路1号"]


def test_skip_bad_cells_imports_the_rest_of_the_row(service: Service, extract: Path) -> None:
    rejects = extract.with_name("rejects.csv")
    summary = import_core_extract(service, extract, rejects=rejects, skip_bad_cells=True)
    assert (summary.rejected, summary.partial, summary.rejects) == (0, 1, 2)
    wang = service.find(resident_id=ID_WANG)[0]
    assert wang.name == "王芳"
    assert wang.contact_points == ()


def test_observed_time_defaults_to_the_file_mtime_or_the_argument(
    service: Service, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "plain.csv", ("保单号", "身份证号", "被保险人"),
                     [["P1", ID_ZHANG, "张伟"]])  # fmt: skip
    stamp = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.timezone.utc).timestamp()
    os.utime(path, (stamp, stamp))
    import_core_extract(service, path)
    record = service.observations(service.find(resident_id=ID_ZHANG)[0].id)[0]
    assert record.provenance.observed_at == dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.timezone.utc)
    other = write_csv(tmp_path / "other.csv", ("保单号", "身份证号", "被保险人"),
                      [["P2", ID_LI, "李娜"]])  # fmt: skip
    import_core_extract(service, other, observed_at="2026-05-04")
    li = service.observations(service.find(resident_id=ID_LI)[0].id)[0]
    assert li.provenance.observed_at == dt.datetime(2026, 5, 4, tzinfo=CHINA_TZ)


def test_batches_are_separate_ingest_calls(service: Service, tmp_path: Path) -> None:
    rows = [[f"P{i}", "张伟" if i % 2 else "李娜", ID_ZHANG if i % 2 else ID_LI]
            for i in range(5)]  # fmt: skip
    path = write_csv(tmp_path / "five.csv", ("保单号", "被保险人", "身份证号"), rows)
    calls: list[int] = []
    original = service.ingest

    def counting(records):  # type: ignore[no-untyped-def]
        batch = list(records)
        calls.append(len(batch))
        return original(batch)

    service.ingest = counting  # type: ignore[method-assign]
    progress: list[int] = []
    summary = import_core_extract(
        service, path, batch_size=2, observed_at="2026-01-01",
        progress=lambda rows, _fraction: progress.append(rows),
    )  # fmt: skip
    assert calls == [2, 2, 1]
    assert (summary.new, summary.merged) == (2, 3)
    assert progress[-1] == 5


def test_batch_size_must_be_positive(service: Service, extract: Path) -> None:
    with pytest.raises(UsageError, match=r"import\.batch_size"):
        import_core_extract(service, extract, batch_size=0)


def test_user_mapping_to_fields_and_source_columns(service: Service, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "odd.csv",
        ("单号", "客户", "证件", "登记时间", "联系电话", "操作"),
        [["P9", "张伟", ID_ZHANG, "2026-04-01 09:15", "0592-5123456", "王芳"]],
    )
    mapping = {"单号": "policy_no", "客户": "name", "证件": "resident_id",
               "登记时间": "observed_at", "操作": "operator"}  # fmt: skip
    summary = import_core_extract(service, path, mapping=mapping)
    assert summary.new == 1
    record = service.observations(service.find(resident_id=ID_ZHANG)[0].id)[0]
    assert record.provenance.observed_at == dt.datetime(2026, 4, 1, 9, 15, tzinfo=CHINA_TZ)
    assert record.provenance.operator == "王芳"
    assert record.home_phone == "+865925123456"  # a fixed line in 联系电话 is a home phone
    assert record.mobile is None


def test_unknown_headers_are_refused(service: Service, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ("甲", "乙"), [["1", "2"]])
    with pytest.raises(TableFormatError, match=r"import\.no_known_columns"):
        import_core_extract(service, path)


def test_role_column_goes_into_the_reference(service: Service, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "roles.csv",
        ("保单号", "角色", "被保险人", "身份证号", "签单日期"),
        [["P1", "投保人", "张伟", ID_ZHANG, "2026-01-02"],
         ["P1", "被保险人", "李娜", ID_LI, "2026-01-02"]],
    )  # fmt: skip
    summary = import_core_extract(service, path)
    assert summary.new == 2
    holder = service.find(resident_id=ID_ZHANG)[0]
    assert holder.policy_numbers("holder") == ("P1",)
    refs = {r.provenance.source_ref for r in service.observations(holder.id)}
    assert refs == {"P1#0#holder"}


def test_xlsx_extract(service: Service, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2026年1月核心系统导出"])
    sheet.append(["保单号", "被保险人", "身份证号", "终保日期", "移动电话", "签单日期"])
    sheet.append(["P1", "张伟", ID_ZHANG, dt.datetime(2027, 1, 4), 13800138000,
                  dt.datetime(2026, 1, 2, 10, 30)])  # fmt: skip
    path = tmp_path / "extract.xlsx"
    workbook.save(path)
    summary = import_core_extract(service, path)
    assert (summary.kind, summary.header_row, summary.new) == ("xlsx", 2, 1)
    zhang = service.find(resident_id=ID_ZHANG)[0]
    assert zhang.contact_point("mobile", "13800138000") is not None
    record = service.observations(zhang.id)[0]
    assert record.provenance.observed_at == dt.datetime(2026, 1, 2, 10, 30, tzinfo=CHINA_TZ)


def test_wrong_number_flag_is_copied_to_a_customer_who_brings_the_number(
    service: Service, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "a.csv", ("保单号", "被保险人", "身份证号", "移动电话"),
                      [["P1", "张伟", ID_ZHANG, "13800138000"]])  # fmt: skip
    import_core_extract(service, first, observed_at="2026-01-01")
    zhang = service.find(resident_id=ID_ZHANG)[0]
    service.add_event(
        zhang.id,
        ContactEvent(id="CB-1#" + zhang.id, at="2026-02-01T10:00:00+08:00", channel="callback",
                     method="call", contact_kind="mobile", contact_value="13800138000",
                     outcome="wrong_number", operator="王芳"),
    )  # fmt: skip
    second = write_csv(tmp_path / "b.csv", ("保单号", "被保险人", "身份证号", "移动电话"),
                       [["P2", "李娜", ID_LI, "13800138000"]])  # fmt: skip
    summary = import_core_extract(service, second, observed_at="2026-03-01")
    assert summary.flags_copied == 1
    li = service.find(resident_id=ID_LI)[0]
    assert li.callable_contacts() == ()
    assert import_core_extract(service, second, observed_at="2026-03-01").flags_copied == 0


def test_parse_time_forms() -> None:
    assert parse_time("2026/1/5 9:05") == dt.datetime(2026, 1, 5, 9, 5, tzinfo=CHINA_TZ)
    assert parse_time("2026-01-05T09:05:00+00:00").utcoffset() == dt.timedelta(0)
    assert parse_time(dt.date(2026, 1, 5)) == dt.datetime(2026, 1, 5, tzinfo=CHINA_TZ)
    assert parse_time("20260105") == dt.datetime(2026, 1, 5, tzinfo=CHINA_TZ)


def _snapshot(service: Service) -> dict[str, object]:
    return {
        c.resident_id: (
            c.name,
            c.address,
            tuple((p.value, p.count) for p in c.contact_points),
            c.policy_numbers(),
        )
        for c in service.iter_customers()
    }


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.permutations(range(3)), st.integers(min_value=1, max_value=3))
def test_file_order_and_batches_do_not_change_the_result(
    tmp_path: Path, order: list[int], batch: int
) -> None:
    rows = _rows()[:3]
    whole = write_csv(tmp_path / "whole.csv", HEADER, rows)
    expected_service = Service.open("memory://")
    import_core_extract(expected_service, whole)
    parts = [write_csv(tmp_path / f"part{i}.csv", HEADER, [rows[i]]) for i in range(3)]
    service = Service.open("memory://")
    for i in order:
        import_table(service, parts[i], batch_size=batch)
    assert _snapshot(service) == _snapshot(expected_service)


def _multi_rows() -> list[list[str]]:
    rows = _rows()[:3]
    rows[0][14] = "13800138000/13700137000、0592-5550001"  # two mobiles and a fixed line
    rows[2][13] = "0592-6123456；0592-6123457"  # two home phones
    return rows


def test_a_cell_with_several_numbers_gives_each_number_to_the_customer(
    service: Service, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "multi.csv", HEADER, _multi_rows())
    summary = import_core_extract(service, path)
    assert (summary.rows, summary.new, summary.merged, summary.rejected) == (3, 2, 1, 0)
    assert summary.codes == ()
    zhang = service.find(resident_id=ID_ZHANG)[0]
    phones = {(p.kind.value, p.value) for p in zhang.contact_points if p.kind.is_phone}
    assert phones == {
        ("mobile", "+8613800138000"),
        ("mobile", "+8613700137000"),
        ("home", "+865925550001"),
        ("office", "+865925123456"),
    }
    assert service.find(phone="13700137000")[0].id == zhang.id
    li = service.find(resident_id=ID_LI)[0]
    homes = sorted(p.value for p in li.contact_points if p.kind.value == "home")
    assert homes == ["+865926123456", "+865926123457"]
    before = service.counts()
    again = import_core_extract(service, path)  # a re-run adds nothing
    assert (again.new, again.merged, again.duplicates) == (0, 0, 3)
    assert service.counts() == before


def test_a_multi_number_cell_in_a_row_with_a_bad_cell(service: Service, tmp_path: Path) -> None:
    rows = _multi_rows()[:1]
    rows[0][5] = "2026-02-30"  # an impossible cover start
    path = write_csv(tmp_path / "multi.csv", HEADER, rows)
    rejects = tmp_path / "multi.rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects, skip_bad_cells=True)
    assert [r["code"] for r in read_csv(rejects)] == ["date.range"]
    assert (summary.partial, summary.rejected) == (1, 0)
    zhang = service.find(resident_id=ID_ZHANG)[0]
    assert zhang.contact_point("mobile", "13700137000") is not None


def test_a_cell_with_a_bad_part_is_rejected_whole(service: Service, tmp_path: Path) -> None:
    rows = _multi_rows()[:1]
    rows[0][14] = "13800138000/1370013700"  # the second number is a digit short
    path = write_csv(tmp_path / "multi.csv", HEADER, rows)
    summary = import_core_extract(service, path)
    assert summary.rejected == 1
    assert service.find(resident_id=ID_ZHANG) == []


def test_further_numbers_of_a_row_without_keys_are_kept_as_text(
    service: Service, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "names.csv", ("被保险人", "移动电话"), [["赵敏", "13800138000/13700137000"]]
    )
    summary = import_core_extract(service, path)
    assert summary.new == 1
    (customer,) = service.find(phone="13800138000")
    assert [p.value for p in customer.contact_points] == ["+8613800138000"]
    (record,) = service.observations(customer.id)
    assert record.extra["more_mobile"] == "+8613700137000"


PARTY_HEADER = (
    "保单号", "险种", "被保险人", "身份证号", "移动电话", "投保人", "投保人证件号码", "投保人电话",
    "车主", "车主身份证号", "车牌号", "起保日期", "终保日期",
)  # fmt: skip
USCC = "91110000600037341L"


def test_holder_and_owner_columns_become_their_records_on_the_policy(
    service: Service, tmp_path: Path
) -> None:
    rows = [
        ["PDAA202635020000000001", "商业险", "张伟", ID_ZHANG, "13800138000",
         "厦门某某科技有限公司", USCC, "0592-5123456", "张伟", ID_ZHANG, "闽D12345",
         "2026-01-01", "2026-12-31"],
        ["PDAA202635020000000002", "商业险", "李娜", ID_LI, "13900139000", "钱七", "", "",
         "", "", "闽D12346", "2026-01-01", "2026-12-31"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "parties.csv", PARTY_HEADER, rows)
    summary = import_core_extract(service, path)
    assert (summary.rows, summary.new, summary.rejected, summary.partial) == (2, 2, 0, 0)
    assert ("投保人证件号码", "holder.id") in summary.parties
    assert "投保人" not in summary.unmapped
    zhang = service.find(resident_id=ID_ZHANG)[0]
    (company,) = service.find(uscc=USCC)
    assert company.kind.value == "organisation"
    assert company.name == "厦门某某科技有限公司"
    roles = service.policy("PDAA202635020000000001").roles
    assert {role.value: cid for role, cid in roles.items()} == {
        "insured": zhang.id,
        "holder": company.id,
        "owner": zhang.id,
    }
    assert "投保人" not in service.observations(zhang.id)[0].extra
    # 钱七 has no ID: not a customer of their own, kept with the row.
    li = service.find(resident_id=ID_LI)[0]
    assert service.observations(li.id)[0].extra["投保人"] == "钱七"
    assert service.find(name="钱七") == []
    before = service.counts()
    again = import_core_extract(service, path)
    assert (again.new, again.merged, again.duplicates) == (0, 0, 2)
    assert service.counts() == before


def test_a_bad_party_cell_does_not_stop_the_insureds_row(service: Service, tmp_path: Path) -> None:
    rows = [
        ["PDAA202635020000000001", "商业险", "张伟", ID_ZHANG, "13800138000", "王五", "12345",
         "", "", "", "闽D12345", "2026-01-01", "2026-12-31"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "parties.csv", PARTY_HEADER, rows)
    rejects = tmp_path / "parties.rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.new, summary.rejected, summary.partial) == (1, 0, 1)
    (line,) = read_csv(rejects)
    assert (line["column"], line["field"]) == ("投保人证件号码", "holder.resident_id")
    assert service.counts()["customers"] == 1


def test_a_party_said_to_be_the_insured_is_no_bad_cell(service: Service, tmp_path: Path) -> None:
    # 投保人 同被保险人 (the insured holds the policy): nothing of its own, no reject lines
    rows = [
        ["PDAA202635020000000001", "商业险", "张伟", ID_ZHANG, "13800138000", "同被保险人",
         "同上", "同上", "本人", "", "闽D12345", "2026-01-01", "2026-12-31"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "parties.csv", PARTY_HEADER, rows)
    rejects = tmp_path / "parties.rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.new, summary.rejected, summary.partial) == (1, 0, 0)
    assert read_csv(rejects) == []
    assert service.counts()["customers"] == 1


def test_a_party_phone_cell_with_several_numbers_gives_the_party_each(
    service: Service, tmp_path: Path
) -> None:
    rows = [
        ["PDAA202635020000000001", "商业险", "李娜", ID_LI, "13900139000", "张伟", ID_ZHANG,
         "13800138000/0592-5123456；13700137000", "", "", "闽D12345", "2026-01-01",
         "2026-12-31"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "parties.csv", PARTY_HEADER, rows)
    rejects = tmp_path / "parties.rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.new, summary.rejected, summary.partial) == (1, 0, 0)
    assert not rejects.exists() or read_csv(rejects) == []
    (zhang,) = service.find(resident_id=ID_ZHANG)
    numbers = {(c.kind.value, c.value) for c in zhang.contact_points if c.kind.value != "address"}
    assert numbers == {
        ("mobile", "+8613800138000"),
        ("home", "+865925123456"),
        ("mobile", "+8613700137000"),
    }
    assert service.policy("PDAA202635020000000001").customer_id("holder") == zhang.id
    before = service.counts()
    import_core_extract(service, path)  # a re-run adds nothing
    assert service.counts() == before


def test_a_bad_number_in_a_party_phone_cell_is_rejected_with_its_code(
    service: Service, tmp_path: Path
) -> None:
    rows = [
        ["PDAA202635020000000001", "商业险", "李娜", ID_LI, "13900139000", "张伟", ID_ZHANG,
         "13800138000/1380013800", "", "", "闽D12345", "2026-01-01", "2026-12-31"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "parties.csv", PARTY_HEADER, rows)
    rejects = tmp_path / "parties.rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.new, summary.partial) == (1, 1)
    (line,) = read_csv(rejects)
    assert (line["column"], line["field"], line["code"]) == (
        "投保人电话",
        "holder.phone",
        "phone.length",
    )
    # the holder is still a customer of their own, without the refused cell's numbers
    (zhang,) = service.find(resident_id=ID_ZHANG)
    assert [c for c in zhang.contact_points if c.kind.value == "mobile"] == []


def test_distinct_customers_are_counted_once_whatever_form_their_ids_take() -> None:
    from custmaster.workflows.core_import import _BITMAP_MAX, _CustomerIds

    ids = [
        "C00000001",
        "C00000002",
        "C0000000001",  # not as the stores write number 1: another id
        "C1",
        "C123456789",
        f"C{_BITMAP_MAX + 5}",
        "C１２３４５６７８",
        "X00000001",
        "",
    ]
    seen = _CustomerIds()
    for customer_id in [*ids, *reversed(ids), "C00000001"]:
        seen.add(customer_id)
    assert seen.count == len(set(ids))
