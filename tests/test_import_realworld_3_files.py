"""Extracts as insurers' core systems and branch offices make them, imported whole.

Each test writes one file as its maker does — a branch's GBK renewal list under a title and a
制表日期 line with a totals line, a core system's UTF-8 (BOM) export with its columns in its
own order and a phone column repeated, a branch workbook with a two-level header and numbers
and dates typed as Excel types them — and states what the store and the rejects file must
hold. The dates corpus (tests/data/import-realworld-3-dates.csv) holds date cells as these
files hold them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pytest

from _workflow_helpers import (
    ID_LI,
    ID_WANG,
    ID_ZHANG,
    ID_ZHAO,
    VIN_1,
    VIN_2,
    only_customer,
    read_csv,
)
from custmaster.errors import ValidationError
from custmaster.model import Customer
from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.dates import parse_date
from custmaster.workflows.validation import validate_file

DATES = Path(__file__).parent / "data" / "import-realworld-3-dates.csv"


def _csv(rows: Sequence[Sequence[object]], width: int) -> str:
    """Rows as Excel's CSV writes them: CRLF, every row padded to the sheet's width."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([*row, *[""] * (width - len(row))])
    return out.getvalue()


def _phones(customer: Customer) -> set[tuple[str, str]]:
    return {(p.kind.value, p.value) for p in customer.contact_points if p.kind.is_phone}


# --- A branch's renewal list (GBK) --------------------------------------------------------

BRANCH_HEADER = (
    "序号", "保单号码", "险种名称", "被保险人名称", "证件类型", "证件号码", "号牌号码",
    "车辆识别代号", "发动机号码", "品牌型号", "初次登记日期", "保险起期", "保险止期", "联系电话",
    "通讯地址", "签单日期",
)  # fmt: skip

BRANCH_ROWS: tuple[tuple[str, ...], ...] = (
    ("XX财产保险股份有限公司厦门分公司 机动车辆保险到期清单",),
    ("制表日期：2026年12月01日", "", "", "", "", "", "", "", "", "", "", "", "单位：元"),
    (),
    BRANCH_HEADER,
    ("1", "PDZA202635020000000101", "机动车交通事故责任强制保险", "张伟", "居民身份证", ID_ZHANG,
     "闽D12345", VIN_1, "K24Z71234567", "本田牌HG7203ABCVT", "2022-03-18",
     "2026-01-01 00:00:00", "2026-12-31 24:00", "13800138000", "福建省厦门市思明区湖滨南路1号",
     "2025-12-20"),
    ("2", "PDAA202635020000000102", "机动车商业保险", "张伟", "居民身份证", ID_ZHANG,
     "闽D12345", VIN_1, "K24Z71234567", "本田牌HG7203ABCVT", "2022-03-18",
     "2026-01-01 00:00:00", "2026-12-31 24:00", "13800138000", "福建省厦门市思明区湖滨南路1号",
     "2025-12-20"),
    (),
    ("3", "PDAA202635020000000103", "机动车商业保险", "李娜", "身份证", ID_LI, "闽D66666", VIN_2,
     "EA211045678", "大众汽车牌SVW71810KJ", "2021.7.9", "2026.1.5", "2027.1.4",
     "0592-5123456/13900139000", "福建省厦门市湖里区嘉禾路9号", "2025.12.28"),
    ("合计", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "3笔"),
    ("制表人：王五", "", "", "", "", "", "", "", "审核人：", ""),
)  # fmt: skip


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_branch_renewal_list_in_gbk(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "到期清单.csv"
    path.write_bytes(_csv(BRANCH_ROWS, len(BRANCH_HEADER)).encode(encoding))
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.header_row, summary.rows) == (4, 3)
    assert (summary.new, summary.merged, summary.rejected) == (2, 1, 0), summary.codes
    assert summary.summary_rows == (9,)
    assert 10 in summary.skipped_rows  # 制表人
    assert ("签单日期", "observed_at") in summary.meta

    zhang = only_customer(service, ID_ZHANG)
    assert zhang.name == "张伟"
    assert _phones(zhang) == {("mobile", "+8613800138000")}
    assert zhang.address == "福建省厦门市思明区湖滨南路1号"
    compulsory = service.policy("PDZA202635020000000101")
    commercial = service.policy("PDAA202635020000000102")
    assert (compulsory.line.code, commercial.line.code) == ("compulsory", "commercial")
    for policy in (compulsory, commercial):
        assert (policy.cover_start, policy.cover_end) == (
            dt.date(2026, 1, 1),
            dt.date(2026, 12, 31),
        )
        assert policy.vehicle is not None
        vehicle = policy.vehicle
        assert (vehicle.plate, vehicle.vin, vehicle.engine_no) == (
            "闽D12345",
            VIN_1,
            "K24Z71234567",
        )
        assert vehicle.make_model == "本田牌HG7203ABCVT"
        assert vehicle.first_registered == dt.date(2022, 3, 18)

    li = only_customer(service, ID_LI)
    assert _phones(li) == {("home", "+865925123456"), ("mobile", "+8613900139000")}
    policy = service.policy("PDAA202635020000000103")
    assert policy.line.code == "commercial"
    assert (policy.cover_start, policy.cover_end) == (dt.date(2026, 1, 5), dt.date(2027, 1, 4))
    assert policy.vehicle is not None
    assert policy.vehicle.first_registered == dt.date(2021, 7, 9)


# --- A core system's export (UTF-8 with BOM), its own column order, a repeated column -----

CORE_HEADER = (
    "被保险人姓名", "手机号", "联系电话", "联系电话", "单位电话", "住宅电话", "证件号码", "保单号",
    "险种", "起保日期(yyyy-mm-dd)", "终保日期(yyyy-mm-dd)",
)  # fmt: skip

CORE_ROWS = (
    CORE_HEADER,
    ("王芳", "13600136000", "13700137000、13500135000", "0592-5123456", "0592-5550001转8001",
     "0592-5550002", ID_WANG, "PDAA202635020000000201", "商业险", "2026-01-10", "2027-01-09"),
    # Two mobiles typed with a space between them, and with Alt+Enter (a line break in a cell).
    ("赵敏", "13800138001 13900139001", "13300133001\n13200132001", "", "", "", ID_ZHAO,
     "PDZA202635020000000202", "交强险", "2026-02-01", "2027-01-31"),
)  # fmt: skip


def test_core_export_with_a_repeated_phone_column(tmp_path: Path) -> None:
    path = tmp_path / "承保清单.csv"
    path.write_bytes(_csv(CORE_ROWS, len(CORE_HEADER)).encode("utf-8-sig"))
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert summary.encoding == "utf-8-sig"
    assert (summary.header_row, summary.rows, summary.new, summary.rejected) == (1, 2, 2, 0), (
        summary.codes
    )
    mapped = dict(summary.mapped)
    assert mapped["被保险人姓名"] == "name"
    assert mapped["证件号码"] == "resident_id"
    assert mapped["起保日期(yyyy-mm-dd)"] == "cover_start"
    assert mapped["终保日期(yyyy-mm-dd)"] == "cover_end"
    assert _phones(only_customer(service, ID_WANG)) == {
        ("mobile", "+8613600136000"),
        ("mobile", "+8613700137000"),
        ("mobile", "+8613500135000"),
        ("home", "+865925123456"),
        ("office", "+865925550001;ext=8001"),
        ("home", "+865925550002"),
    }
    assert _phones(only_customer(service, ID_ZHAO)) == {
        ("mobile", "+8613800138001"),
        ("mobile", "+8613900139001"),
        ("mobile", "+8613300133001"),
        ("mobile", "+8613200132001"),
    }
    policy = service.policy("PDZA202635020000000202")
    assert policy.line.code == "compulsory"
    assert (policy.cover_start, policy.cover_end) == (dt.date(2026, 2, 1), dt.date(2027, 1, 31))


# --- A branch workbook: two-level header, numbers and dates as Excel types them -----------

WORKBOOK_HEADER = [
    "序号", "保单号", "被保险人", "身份证号码", "手机号码", "车牌号码", "车架号", "起保日期",
    "终保日期", "保费(元)",
]  # fmt: skip


def _branch_workbook(path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2026年1月"
    sheet.append(["2026年1月车险续保清单"])
    sheet.merge_cells("A1:J1")
    sheet.append(
        ["制表日期：2026-01-05", None, None, None, None, None, None, None, None, "单位：元"]
    )
    # The group line of a two-level header: merged over the columns of each group.
    sheet.append(
        ["", "保单信息", None, "被保险人信息", None, "车辆信息", None, "保险期间", None, ""]
    )
    sheet.merge_cells("D3:E3")
    sheet.merge_cells("F3:G3")
    sheet.merge_cells("H3:I3")
    sheet.append(WORKBOOK_HEADER)
    # Row 5: a policy number as text, an ID as text, a mobile and dates as Excel stores them.
    sheet.append(
        [
            1,
            "10501003900123456789",
            "张伟",
            ID_ZHANG,
            13800138000,
            "闽D12345",
            VIN_1,
            dt.datetime(2026, 1, 1),
            dt.datetime(2026, 12, 31, 23, 59, 59),
            950.0,
        ]
    )
    sheet.append([None] * 10)
    # Row 7: an all-digit policy number typed into a number cell: Excel kept 15 digits of it.
    sheet.append(
        [
            2,
            float("10501003900123456790"),
            "李娜",
            ID_LI,
            13900139000.0,
            "闽D66666",
            VIN_2,
            46027,
            46391,
            1200.0,
        ]
    )
    # Row 8: dates typed as text, with 年月日 and with dots; the mobile as a float.
    sheet.append(
        [
            3,
            "10501003900123456791",
            "王芳",
            ID_WANG,
            13600136000.0,
            "闽DA8866",
            None,
            "2026年1月5日",
            "2027.1.4",
            880.5,
        ]
    )
    sheet.append(["合计", None, None, None, None, None, None, None, None, 3030.5])
    book.save(path)
    return path


def test_branch_workbook_with_a_two_level_header(tmp_path: Path) -> None:
    path = _branch_workbook(tmp_path / "续保清单.xlsx")
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.header_row, summary.rows) == (4, 3)
    assert (summary.new, summary.rejected) == (2, 1)
    assert summary.summary_rows == (9,)
    assert summary.codes == (("cell.precision", 1),)
    rejects = read_csv(tmp_path / "r.csv")
    assert [(r["row"], r["column"], r["code"]) for r in rejects] == [
        ("7", "保单号", "cell.precision")
    ]
    assert "10501003900123456790" not in rejects[0]["masked_value"]
    assert service.find(resident_id=ID_LI) == []

    zhang = only_customer(service, ID_ZHANG)
    assert _phones(zhang) == {("mobile", "+8613800138000")}
    policy = service.policy("10501003900123456789")
    assert (policy.cover_start, policy.cover_end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert policy.vehicle is not None
    assert policy.vehicle.vin == VIN_1
    wang = only_customer(service, ID_WANG)
    assert _phones(wang) == {("mobile", "+8613600136000")}
    policy = service.policy("10501003900123456791")
    assert (policy.cover_start, policy.cover_end) == (dt.date(2026, 1, 5), dt.date(2027, 1, 4))
    assert policy.vehicle is not None
    assert policy.vehicle.plate == "闽DA8866"


def test_validate_reads_the_branch_workbook_as_the_import_does(tmp_path: Path) -> None:
    path = _branch_workbook(tmp_path / "续保清单.xlsx")
    summary = validate_file(path, rejects=tmp_path / "r.csv")
    assert (summary.header_row, summary.rows, summary.rows_rejected) == (4, 3, 1)
    assert summary.summary_rows == (9,)
    columns = {column.column: column for column in summary.columns}
    assert (columns["起保日期"].valid, columns["起保日期"].invalid) == (3, 0)
    assert (columns["保单号"].valid, columns["保单号"].invalid) == (2, 1)
    assert (columns["手机号码"].valid, columns["手机号码"].invalid) == (3, 0)


# --- The holder's and the insured's columns side by side, bare headers repeated -----------

PARTY_HEADER = (
    "保单号", "投保人", "证件号码", "被保险人", "证件号码", "联系电话", "保险止期",
)  # fmt: skip


def test_bare_id_columns_after_each_party_name(tmp_path: Path) -> None:
    """投保人 | 证件号码 | 被保险人 | 证件号码: each number is that of the name before it."""
    path = tmp_path / "承保清单.csv"
    rows = (
        PARTY_HEADER,
        ("PDAA202635020000000301", "厦门某某科技有限公司", "91110000600037341L", "张伟", ID_ZHANG,
         "13800138000", "2027-03-01"),
    )  # fmt: skip
    path.write_bytes(_csv(rows, len(PARTY_HEADER)).encode("gb18030"))
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.rejected) == (1, 0), summary.codes
    zhang = only_customer(service, ID_ZHANG)
    assert zhang.name == "张伟"
    roles = service.policy("PDAA202635020000000301").roles
    kinds = sorted((role.value, service.get(cid).kind.value) for role, cid in roles.items())
    assert kinds == [("holder", "organisation"), ("insured", "person")]


# --- 险种 as extracts write it -------------------------------------------------------------

LINES = [
    ("机动车交通事故责任强制保险", "compulsory"),
    ("交强险", "compulsory"),
    ("交强", "compulsory"),
    ("机动车商业保险", "commercial"),
    ("机动车综合商业保险", "commercial"),
    ("商业险", "commercial"),
    ("商业保险", "commercial"),
]


@pytest.mark.parametrize(("text", "line"), LINES)
def test_line_as_extracts_write_it(tmp_path: Path, text: str, line: str) -> None:
    path = tmp_path / "e.csv"
    rows = (
        ("保单号码", "险种名称", "被保险人名称", "身份证号码", "保险止期"),
        ("PDXX202635020000000401", text, "张伟", ID_ZHANG, "2027-03-01"),
    )
    path.write_bytes(_csv(rows, 5).encode("gb18030"))
    service = Service.open("memory://")
    summary = import_core_extract(service, path)
    assert (summary.rows, summary.rejected) == (1, 0), summary.codes
    assert service.policy("PDXX202635020000000401").line.code == line


# --- Dates as the cells of these files hold them -------------------------------------------


def _dates() -> list[dict[str, str]]:
    with DATES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("case", _dates(), ids=lambda case: case["cell"].strip() or "blank")
def test_date_cells(case: dict[str, str]) -> None:
    expected = case["expected"]
    if expected.startswith("date."):
        with pytest.raises(ValidationError) as raised:
            parse_date(case["cell"], field="cover_start")
        assert raised.value.code in expected.split("|"), case["note"]
    else:
        assert parse_date(case["cell"], field="cover_start") == dt.date.fromisoformat(expected)
