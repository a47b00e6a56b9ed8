"""Imports of extracts as real systems and people make them: Excel's encodings and padding,
titles, joined exports, footers, headers with units, cells as typed, and what cannot be saved.

Each test builds its file the way the tool that makes such files does (Excel's CSV pads every
row to the sheet's width and ends lines with CRLF; its "Unicode text" is UTF-16 LE with a BOM
and tabs; a core system joins monthly exports end to end, title and header included), imports
it with `import_core_extract` (or the CLI, or a channel's import) and checks what the store
holds and what the rejects file says.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _workflow_helpers import ID_LI, ID_ZHANG, ID_ZHAO, VIN_1, VIN_2, read_csv, resident_id
from custmaster.cli import cli
from custmaster.model import Customer
from custmaster.service import Service
from custmaster.workflows.channels import import_channel_file
from custmaster.workflows.core_import import ImportSummary, import_core_extract

#: 王芳's ID ends in X; the file writes it with a lower-case x.
ID_WANG = resident_id("11010519491231002")
#: 赵敏's ID as the first-generation card wrote it: 15 digits (no century, no check digit).
ID_ZHAO_15 = ID_ZHAO[:6] + ID_ZHAO[8:17]

TITLE = "XX分公司续保清单 2026年12月"

HEADER = (
    "保单号",
    "被保险人 ",  # a trailing space, as typed
    "证件类型",
    "证件号码",
    "手机号码",
    "联系电话",
    "车牌号码",
    "车架号/VIN",
    "发动机号码",
    "厂牌型号",
    "初次登记日期",
    "起保日期(起)",
    "终保日期（止）",
    "客户地址",
    "通讯地址",
    "",  # the empty column Excel leaves after a trailing comma
)

ADDRESS_ZHANG = "福建省厦门市思明区湖滨南路1号"
POSTAL_ZHANG = "福建省厦门市湖里区嘉禾路9号"


def _full_width(text: str) -> str:
    """``text`` with its ASCII letters and digits in full-width form (as a Chinese IME types)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


#: One row per customer, each cell as people and systems leave it.
ROWS: dict[str, tuple[str, ...]] = {
    "zhang": (
        "PDAA2026001", "张伟", "居民身份证", ID_ZHANG, "'13800138000",
        "13800138000，0591-87654321", "闽d·123 88", VIN_1, "K24Z71234567",
        "本田牌HG7203ABCVT", "2022.3.18", "2026-12-04 00:00:00", "2027/12/03 0:00",
        ADDRESS_ZHANG, POSTAL_ZHANG, "",
    ),
    "li": (
        "PDAA2026002", "李娜", "身份证", _full_width(ID_LI), "13900139000/13700137000",
        "0592-5123456转8001", "新车", _full_width(VIN_2.lower()), "无",
        "大众汽车牌SVW71810KJ", "46360", "20261204", "2027.12.3", "暂无", "-", "",
    ),
    "zhao": (
        "PDAA2026003", "赵敏", "", ID_ZHAO_15, "00000000000", "0", "未上牌", "/", "NULL",
        "-", "未知", "2026/12/4 上午 12:00:00", "2027年12月3日", "未知", "", "",
    ),
    "wang": (
        "PDAA2026004", "王芳", "身份证", ID_WANG.lower(), "张先生13600136000", "", "闽 D·a8866",
        "", "", "", "", "04-Dec-2026", "2027-12-03", "", "", "",
    ),
}  # fmt: skip


def _blank(width: int = len(HEADER)) -> list[str]:
    return [""] * width


def _padded(first: str, *rest: str) -> list[str]:
    """A row of one or a few cells, padded to the sheet's width as Excel's CSV pads it."""
    row = [first, *rest]
    return row + [""] * (len(HEADER) - len(row))


def _joined_export() -> list[Sequence[str]]:
    """Two monthly exports joined end to end: each with its title line and header; a blank
    line between them, totals and a footer at the end. Rows 3-4 and 8-9 are data."""
    return [
        _padded(TITLE),
        HEADER,
        ROWS["zhang"],
        ROWS["li"],
        _blank(),
        _padded(TITLE),
        HEADER,
        ROWS["zhao"],
        ROWS["wang"],
        _padded("合计", *[""] * 11, "4"),
        _padded("总计：4笔"),
        _padded("制表人：张三", "", "", "打印时间：2026-12-05 10:00"),
    ]


def _text(rows: Sequence[Sequence[str]], delimiter: str = ",", line_end: str = "\r\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    return out.getvalue()


def _write(path: Path, text: str, encoding: str) -> Path:
    if encoding == "utf-16-le-bom":  # Excel's "Unicode text" (Unicode 文本)
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def _customer(service: Service, resident: str) -> Customer:
    found = service.find(resident_id=resident)
    assert len(found) == 1, resident
    return found[0]


def _phones(customer: Customer) -> set[tuple[str, str]]:
    return {(p.kind.value, p.value) for p in customer.contact_points if p.kind.is_phone}


def _check_summary(summary: ImportSummary) -> None:
    """What importing `_joined_export` in any encoding reports."""
    assert (summary.header_row, summary.rows, summary.new, summary.rejected) == (2, 4, 4, 0)
    assert summary.rejects == 0, summary.codes
    assert summary.summary_rows == (10, 11)
    assert dict(summary.mapped) == {
        "保单号": "policy_no",
        "被保险人": "name",
        "证件号码": "resident_id",
        "手机号码": "mobile",
        "车牌号码": "plate",
        "车架号/VIN": "vin",
        "发动机号码": "engine_no",
        "厂牌型号": "make_model",
        "初次登记日期": "first_registered",
        "起保日期(起)": "cover_start",
        "终保日期（止）": "cover_end",
        "客户地址": "address",
    }
    assert ("联系电话", "phone") in summary.meta
    assert "通讯地址" in summary.unmapped


def _check_store(service: Service) -> None:
    """What the store holds after importing `_joined_export` in any encoding."""
    day, end = dt.date(2026, 12, 4), dt.date(2027, 12, 3)
    zhang = _customer(service, ID_ZHANG)
    assert zhang.name == "张伟"
    assert _phones(zhang) == {("mobile", "+8613800138000"), ("home", "+8659187654321")}
    assert zhang.address == ADDRESS_ZHANG
    # The second address column is another fact, kept with the row, not a conflict.
    assert any(r.extra.get("通讯地址") == POSTAL_ZHANG for r in service.observations(zhang.id))
    policy = service.policy("PDAA2026001")
    assert (policy.cover_start, policy.cover_end) == (day, end)
    vehicle = policy.vehicle
    assert vehicle is not None
    assert (vehicle.plate, vehicle.vin, vehicle.engine_no) == ("闽D12388", VIN_1, "K24Z71234567")
    assert vehicle.first_registered == dt.date(2022, 3, 18)
    assert vehicle.make_model == "本田牌HG7203ABCVT"

    li = _customer(service, ID_LI)
    assert _phones(li) == {
        ("mobile", "+8613900139000"),
        ("mobile", "+8613700137000"),
        ("home", "+865925123456;ext=8001"),
    }
    assert li.address is None  # 暂无 and - are no address
    policy = service.policy("PDAA2026002")
    assert (policy.cover_start, policy.cover_end) == (day, end)
    vehicle = policy.vehicle
    assert vehicle is not None
    assert (vehicle.plate, vehicle.vin, vehicle.engine_no) == (None, VIN_2, None)  # 新车, 无
    assert vehicle.first_registered == day  # an Excel serial

    zhao = _customer(service, ID_ZHAO)  # from its 15 digits
    assert _phones(zhao) == set()  # 00000000000 and 0 are placeholders
    assert zhao.address is None
    policy = service.policy("PDAA2026003")
    assert (policy.cover_start, policy.cover_end) == (day, end)
    assert policy.vehicle is None or (policy.vehicle.plate, policy.vehicle.vin) == (None, None)

    wang = _customer(service, ID_WANG)
    assert _phones(wang) == {("mobile", "+8613600136000")}
    policy = service.policy("PDAA2026004")
    assert policy.cover_start == day
    assert policy.vehicle is not None
    assert policy.vehicle.plate == "闽DA8866"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "name", "line_end", "detected"),
    [
        ("gb18030", ",", "续保清单.csv", "\r\n", "gb18030"),  # Chinese Excel's CSV, no BOM
        ("gbk", ",", "续保清单.csv", "\r\n", "gb18030"),
        ("utf-8-sig", ",", "续保清单.csv", "\r\n", "utf-8-sig"),  # "CSV UTF-8"
        ("utf-8", ",", "续保清单.csv", "\n", "utf-8"),  # a Linux core system's export
        ("utf-16-le-bom", "\t", "续保清单.txt", "\r\n", "utf-16"),  # "Unicode text"
        ("utf-16-le-bom", "\t", "续保清单.csv", "\r\n", "utf-16"),  # the same, renamed
    ],
)
def test_joined_export_in_every_encoding(
    tmp_path: Path, encoding: str, delimiter: str, name: str, line_end: str, detected: str
) -> None:
    path = _write(tmp_path / name, _text(_joined_export(), delimiter, line_end), encoding)
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "rejects.csv")
    assert summary.encoding == detected
    _check_summary(summary)
    _check_store(service)
    assert read_csv(tmp_path / "rejects.csv") == []
    again = import_core_extract(service, path)  # a re-run adds nothing
    assert (again.duplicates, again.new, again.merged, again.rejected) == (4, 0, 0, 0)


def test_joined_export_as_an_xlsx_workbook(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in _joined_export():
        sheet.append([cell if cell != "" else None for cell in row])
    workbook.save(tmp_path / "续保清单.xlsx")
    service = Service.open("memory://")
    summary = import_core_extract(service, tmp_path / "续保清单.xlsx")
    assert summary.kind == "xlsx"
    _check_summary(summary)
    _check_store(service)


def test_workbook_cells_as_excel_types_them(tmp_path: Path) -> None:
    """Numbers as numbers, dates as dates: what survives, and what Excel already lost."""
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([TITLE])
    sheet.append(["保单号", "被保险人", "身份证号", "手机", "起保日期", "终保日期", "初登日期"])
    sheet.append(["PDAA2026011", "张伟", ID_ZHANG, 13800138000, dt.datetime(2026, 12, 4),
                  46724.0, "2022.3.18"])  # fmt: skip
    # An 18-digit ID typed into a number cell: Excel kept 15 digits of it.
    sheet.append(["PDAA2026012", "李娜", float(ID_LI), 13900139000.0, 46360, "2027-12-03", None])
    # A 15-digit ID fits a number cell exactly.
    sheet.append(["PDAA2026013", "赵敏", int(ID_ZHAO_15), "'13700137000", "2026-12-04", None, None])
    sheet.append(["合计", None, None, None, None, None, None])
    workbook.save(tmp_path / "book.xlsx")
    service = Service.open("memory://")
    summary = import_core_extract(service, tmp_path / "book.xlsx", rejects=tmp_path / "r.csv")
    assert (summary.rows, summary.new, summary.rejected) == (3, 2, 1)
    assert summary.codes == (("cell.precision", 1),)
    rejects = read_csv(tmp_path / "r.csv")
    assert [(r["row"], r["column"], r["code"]) for r in rejects] == [
        ("4", "身份证号", "cell.precision")
    ]
    assert ID_LI[:15] not in rejects[0]["masked_value"]
    assert _phones(_customer(service, ID_ZHANG)) == {("mobile", "+8613800138000")}
    policy = service.policy("PDAA2026011")
    assert (policy.cover_start, policy.cover_end) == (dt.date(2026, 12, 4), dt.date(2027, 12, 3))
    assert _phones(_customer(service, ID_ZHAO)) == {("mobile", "+8613700137000")}
    assert service.find(policy_no="PDAA2026012") == []


#: Rows whose cells cannot be read without guessing: each is rejected with its code.
UNREADABLE = [
    # (row cells after 保单号 and 被保险人, the column, the code)
    (("1.10105E+17", "13800138000", "", "2026-12-04"), "身份证号", "cell.scientific"),
    ((ID_LI, "13900139000", "04/12/2026", "2026-12-04"), "初登日期", "date.ambiguous"),
    # Only a day-first reading makes this valid; it is refused all the same, so that a
    # column is read one way or not at all.
    ((ID_ZHAO, "13700137000", "", "25/12/2026"), "起保日期", "date.ambiguous"),
    ((ID_WANG, "13600136000", "", "26-12-04"), "起保日期", "date.two_digit_year"),
    ((ID_ZHANG[:3] + "*" * 11 + ID_ZHANG[-4:], "", "", "2026-12-04"), "身份证号",
     "cn_resident_id.masked"),
]  # fmt: skip


def _unreadable_file(tmp_path: Path) -> Path:
    header = ("保单号", "被保险人", "身份证号", "手机", "初登日期", "起保日期", "终保日期")
    rows = [
        (f"PDAA20261{n:02d}", name, *cells, "2027-12-03")
        for n, (name, (cells, _, _)) in enumerate(
            zip(["钱进", "孙丽", "周杰", "吴昊", "郑爽"], UNREADABLE, strict=True), 1
        )
    ]
    return _write(tmp_path / "bad.csv", _text([header, *rows]), "gb18030")


def test_unreadable_cells_are_rejected_with_their_code_and_masked(tmp_path: Path) -> None:
    path = _unreadable_file(tmp_path)
    service = Service.open("memory://")
    summary = import_core_extract(service, path, rejects=tmp_path / "rejects.csv")
    assert (summary.rows, summary.rejected, summary.new) == (5, 5, 0)
    rejects = read_csv(tmp_path / "rejects.csv")
    assert [(r["row"], r["column"], r["code"]) for r in rejects] == [
        (str(n), column, code) for n, (_, column, code) in enumerate(UNREADABLE, 2)
    ]
    text = (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig")
    for cells, _, _ in UNREADABLE:
        for cell in cells:
            if len(cell) > 8 and "*" not in cell:  # IDs, phones, dates: never in full
                assert cell not in text
    assert all(r["masked_value"] and "*" in r["masked_value"] for r in rejects)
    assert service.counts().get("customers", 0) == 0  # nothing of a rejected row is stored


def test_skip_bad_cells_keeps_the_rest_of_the_row(tmp_path: Path) -> None:
    """With ``skip_bad_cells`` a row whose bad cell is optional is imported without it."""
    path = _unreadable_file(tmp_path)
    service = Service.open("memory://")
    summary = import_core_extract(service, path, skip_bad_cells=True)
    assert summary.partial == 5
    li = _customer(service, ID_LI)  # her first registration date was ambiguous
    assert _phones(li) == {("mobile", "+8613900139000")}
    policy = service.policy("PDAA2026102")
    assert (policy.cover_start, policy.cover_end) == (dt.date(2026, 12, 4), dt.date(2027, 12, 3))
    assert policy.vehicle is None or policy.vehicle.first_registered is None


def test_second_descriptive_columns_are_extra_values_not_conflicts(tmp_path: Path) -> None:
    header = ("保单号", "被保险人", "身份证号", "VIN码", "车架号", "厂牌型号", "品牌型号",
              "客户地址", "联系地址", "发动机号码")  # fmt: skip
    rows = [
        ("PDAA2026021", "张伟", ID_ZHANG, VIN_1, VIN_1.lower(), "本田牌HG7203ABCVT",
         "本田雅阁 2.0L 舒适版", ADDRESS_ZHANG, POSTAL_ZHANG, "K24Z7-1234567"),
        # Two VIN columns of one field holding different VINs: which is right is for a person.
        ("PDAA2026022", "李娜", ID_LI, VIN_1, VIN_2, "", "", "", "", ""),
    ]  # fmt: skip
    path = _write(tmp_path / "two.csv", _text([header, *rows]), "utf-8-sig")
    service = Service.open("memory://")
    summary = import_core_extract(service, path)
    assert (summary.new, summary.rejected) == (1, 1)
    assert summary.codes == (("row.conflicting_columns", 1),)
    assert {"品牌型号", "联系地址"} <= set(summary.unmapped)
    zhang = _customer(service, ID_ZHANG)
    assert zhang.address == ADDRESS_ZHANG
    (record,) = service.observations(zhang.id)
    assert record.extra["品牌型号"] == "本田雅阁 2.0L 舒适版"
    assert record.extra["联系地址"] == POSTAL_ZHANG
    vehicle = service.policy("PDAA2026021").vehicle
    assert vehicle is not None
    assert (vehicle.vin, vehicle.engine_no, vehicle.make_model) == (
        VIN_1,
        "K24Z71234567",
        "本田牌HG7203ABCVT",
    )


def test_cli_imports_a_gbk_export_and_a_unicode_text_file(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/book.db"
    gbk = _write(tmp_path / "续保清单.csv", _text(_joined_export()), "gb18030")
    result = CliRunner().invoke(cli, ["import", str(gbk), "--store", store])
    assert result.exit_code == 0, result.output
    assert "4 rows read (CSV, gb18030, header on row 2)" in result.output
    assert "new customers 新客户 4" in result.output
    assert "rejected 拒绝 0" in result.output
    for personal in ("张伟", "李娜", ID_ZHANG, ID_LI, "13800138000"):
        assert personal not in result.output
    assert read_csv(tmp_path / "续保清单.rejects.csv") == []

    # The same book saved again as Unicode text: every row is already there.
    utf16 = _write(tmp_path / "续保清单2.txt", _text(_joined_export(), "\t"), "utf-16-le-bom")
    result = CliRunner().invoke(cli, ["import", str(utf16), "--store", store])
    assert result.exit_code == 0, result.output
    assert "4 rows read (CSV, utf-16, header on row 2)" in result.output
    assert "Duplicates 重复 4" in result.output
    service = Service.open(store)
    try:
        _check_store(service)
    finally:
        service.close()


def test_claim_report_channel_reads_messy_cells_too(tmp_path: Path) -> None:
    service = Service.open("memory://")
    core = _write(tmp_path / "core.csv", _text(_joined_export()), "gb18030")
    assert import_core_extract(service, core).new == 4
    header = ("报案号", "报案时间", "车牌号码", "报案人电话", "出险经过")
    rows = [
        _padded_to(5, "XX分公司报案清单"),
        header,
        ("BA2026120001", "2026-12-20 09:30:00", "闽D·123 88", "13500135000（本人）", "追尾"),
        ("BA2026120002", "2026/12/21 10:00", "闽da8866", "张先生 13300133000", "刮擦"),
        header,
        ("BA2026120003", "20261222", "闽D12388", "00000000000", "倒车"),
        _padded_to(5, "制表人：李四"),
    ]
    claims = _write(tmp_path / "报案.csv", _text(rows), "gb18030")
    summary = import_channel_file(service, claims, "claim_report")
    assert (summary.rows, summary.rejected, summary.imported) == (3, 0, 3)
    zhang = _customer(service, ID_ZHANG)
    assert ("mobile", "+8613500135000") in _phones(zhang)
    wang = _customer(service, ID_WANG)
    assert ("mobile", "+8613300133000") in _phones(wang)


def _padded_to(width: int, first: str) -> list[str]:
    return [first] + [""] * (width - 1)


#: Valid rows of a plain extract, for the joined-export property.
_PLAIN_HEADER = ("保单号", "被保险人", "身份证号", "手机", "车牌号", "终保日期")
_PLAIN_ROWS = [
    ("PDAA2026031", "张伟", ID_ZHANG, "13800138000", "闽D12388", "2027-12-03"),
    ("PDAA2026032", "李娜", ID_LI, "13900139000/13700137000", "闽DA8866", "2027.12.3"),
    ("PDAA2026033", "赵敏", ID_ZHAO, "0592-5123456", "", "20271203"),
    ("PDAA2026034", "王芳", ID_WANG, "", "新车", "46724"),
    ("PDZA2026031", "张伟", ID_ZHANG.lower(), "'13800138000", "闽d·12388", "2027/12/3"),
]


def _book(service: Service) -> list[tuple[object, ...]]:
    return sorted(
        (c.resident_id, c.name, sorted(_phones(c)), sorted(p.policy_no for p in c.policies))
        for c in service.iter_customers()
    )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.sampled_from(_PLAIN_ROWS), min_size=1, max_size=6, unique=True),
    cuts=st.lists(st.integers(min_value=0, max_value=6), max_size=3),
)
def test_an_export_in_joined_parts_imports_as_one(
    tmp_path: Path, rows: list[tuple[str, ...]], cuts: list[int]
) -> None:
    """Cutting an export into parts, each with its title and header, and joining them end to
    end (as monthly exports are) gives the store the same customers as the whole export."""
    whole = [_PLAIN_HEADER, *rows]
    joined: list[Sequence[str]] = []
    bounds = sorted({0, len(rows), *(min(c, len(rows)) for c in cuts)})
    for start, stop in itertools.pairwise(bounds):
        joined += [_padded_to(len(_PLAIN_HEADER), TITLE), _PLAIN_HEADER, *rows[start:stop]]
    joined.append(_padded_to(len(_PLAIN_HEADER), "制表人：张三"))
    one = Service.open("memory://")
    parts = Service.open("memory://")
    first = import_core_extract(one, _write(tmp_path / "whole.csv", _text(whole), "gb18030"))
    second = import_core_extract(parts, _write(tmp_path / "parts.csv", _text(joined), "gb18030"))
    assert (second.rows, second.rejected) == (first.rows, 0) == (len(rows), 0)
    assert _book(parts) == _book(one)
