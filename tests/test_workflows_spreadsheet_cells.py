"""Cells as Excel and core systems really leave them, read the same by validate and import.

Each case is checked twice: through ``validate_file`` (the ``custmaster validate`` engine) and
through ``import_core_extract``; a cell valid for one is valid for the other, with the same
normalised value, and a rejected cell has the same code, column, row and masked value in both
rejects files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

from _workflow_helpers import read_csv, resident_id, write_csv
from custmaster.errors import ValidationError
from custmaster.service import Service
from custmaster.validate import cn_resident_id
from custmaster.validate._mask import mask_unknown
from custmaster.workflows.channels import import_channel_file
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.headers import map_headers
from custmaster.workflows.reading import is_summary_row, open_table
from custmaster.workflows.validation import (
    RowValidator,
    field_text,
    is_empty_cell,
    split_phone_cell,
    validate_file,
)


def _digit_id(prefix: str = "44030519900101") -> str:
    """A valid 18-digit ID whose check character is a digit (a spreadsheet can hold it)."""
    for order in range(100, 200):
        body = f"{prefix}{order}"
        if cn_resident_id.calc_check_digit(body) != "X":
            return resident_id(body)
    raise AssertionError("unreachable")


ID_DIGITS = _digit_id()
ID_X = next(
    resident_id(f"11010519491231{n:03d}")
    for n in range(100)
    if cn_resident_id.calc_check_digit(f"11010519491231{n:03d}") == "X"
)
ID_WANG = _digit_id("35020319800101")
ID_LI = _digit_id("11010519800101")
HEADER = ["保单号", "被保险人", "身份证号", "移动电话", "邮编", "起保日期", "终保日期"]


def _row(**cells: object) -> list[object]:
    """A valid row of `HEADER`, with some cells replaced (by header)."""
    base: dict[str, object] = {
        "保单号": "PDAA2026001",
        "被保险人": "张伟",
        "身份证号": ID_DIGITS,
        "移动电话": "13800138000",
        "邮编": "361001",
        "起保日期": "2026-01-05",
        "终保日期": "2027-01-04",
    }
    base.update(cells)
    return [base[h] for h in HEADER]


def _validate_one(header: Sequence[str], row: Sequence[object]):  # type: ignore[no-untyped-def]
    validator = RowValidator(map_headers(list(header)))
    return validator(2, dict(zip(header, row, strict=True))), validator.column_summaries()


# -- one cell at a time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "cell", "expected"),
    [
        ("postcode", "361001.0", "361001"),
        ("postcode", 361001.0, "361001"),
        ("postcode", "'361001", "361001"),
        ("mobile", "13800138000.0", "13800138000"),
        ("mobile", 13800138000.0, "13800138000"),
        ("policy_no", 2026001.0, "2026001"),
        ("policy_no", "2026001.0", "2026001"),
        ("policy_no", '="0012026001"', "0012026001"),
        ("resident_id", "'" + ID_X, ID_X),
        ("resident_id", "\uff07" + ID_X, ID_X),
        ("resident_id", int(ID_DIGITS), ID_DIGITS),  # an integer cell keeps all its digits
        ("resident_id", "110105491231002.0", "110105491231002"),  # 15 digits fit a float
        ("name", "'张伟", "张伟"),
        ("address", "1.0号楼", "1.0号楼"),  # only code fields lose a ".0"
        ("engine_no", "2E123456", "2E123456"),  # not scientific notation
    ],
)
def test_field_text_reads_what_the_spreadsheet_meant(
    field: str, cell: object, expected: str
) -> None:
    assert field_text(field, cell) == expected


@pytest.mark.parametrize(
    ("field", "cell", "code"),
    [
        ("resident_id", "4.40305E+17", "cell.scientific"),
        ("resident_id", "4.40305199001011e+17", "cell.scientific"),
        ("resident_id", "4E+17", "cell.scientific"),
        ("resident_id", f"{ID_DIGITS}.0", "cell.precision"),
        ("resident_id", float(ID_DIGITS), "cell.precision"),
        ("uscc", 9.1110000600037e17, "cell.precision"),
        ("policy_no", "1.23457E+11", "cell.scientific"),
        ("policy_no", 12345678901234567890.0, "cell.precision"),
        ("mobile", "1.38001E+10", "cell.scientific"),
        ("name", 1e16, "cell.precision"),  # a rounded number is no value of any field
    ],
)
def test_numbers_excel_rounded_are_refused(field: str, cell: object, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        field_text(field, cell)
    assert info.value.code == code
    shown = str(info.value)
    assert ID_DIGITS not in shown
    assert ID_DIGITS[:17] not in shown


def test_a_float_id_never_reaches_the_checksum() -> None:
    # The float nearest an ID may pass the checksum by chance: it must be refused before.
    for order in range(100, 160):
        number = resident_id(f"44030519900101{order}")
        if number.endswith("X"):
            continue
        result, _ = _validate_one(["身份证号"], [float(number)])
        assert [r.code for r in result.rejects] == ["cell.precision"], number
        assert "resident_id" not in result.values


@pytest.mark.parametrize(
    "text",
    ["#N/A", "#n/a", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "-", "/", "无", "不详", "NULL",
     " null ", "－", "＃Ｎ／Ａ", "——", "\u3000"],
)  # fmt: skip
def test_placeholders_and_excel_errors_are_empty(text: str) -> None:
    assert is_empty_cell(text)
    result, (summary,) = _validate_one(["移动电话"], [text])
    assert result.ok
    assert result.values == {}
    assert (summary.valid, summary.invalid, summary.empty) == (0, 0, 1)


@pytest.mark.parametrize("text", ["0", "无锡市", "N/A 1", "#1"])
def test_values_that_only_look_like_placeholders_are_not_empty(text: str) -> None:
    assert not is_empty_cell(text)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (ID_X.lower(), ID_X),
        ("".join(chr(ord(c) + 0xFEE0) for c in ID_X), ID_X),  # full-width digits and Ｘ
        (f"{ID_X[:6]} {ID_X[6:14]}\u3000{ID_X[14:]}", ID_X),  # ASCII and full-width spaces
        (f"\t{ID_X}", ID_X),  # a tab some systems put first to keep the text
    ],
)
def test_id_spellings_validate(cell: str, expected: str) -> None:
    result, _ = _validate_one(["身份证号"], [cell])
    assert result.ok
    assert result.values["resident_id"] == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026.12.04", dt.date(2026, 12, 4)),
        ("2026-12-04 00:00:00", dt.date(2026, 12, 4)),
        ("2026/12/4 0:00", dt.date(2026, 12, 4)),
        ("'2026-12-04", dt.date(2026, 12, 4)),
        ("２０２６年１２月４日", dt.date(2026, 12, 4)),
        (dt.datetime(2026, 12, 4), dt.date(2026, 12, 4)),
        (46360.0, dt.date(2026, 12, 4)),
    ],
)
def test_date_cells(cell: object, expected: dt.date) -> None:
    result, _ = _validate_one(["起保日期"], [cell])
    assert result.ok
    assert result.values["cover_start"] == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("04/12/2026", "date.ambiguous"),  # 4 December or 12 April?
        ("25/12/2026", "date.ambiguous"),  # one reading only, still refused: one way per column
        ("12/25/2026 10:30", "date.ambiguous"),
        ("26/12/04", "date.two_digit_year"),
        ("26-12-4", "date.two_digit_year"),
        ("04.12.26", "date.two_digit_year"),
        ("26年12月4日", "date.two_digit_year"),
        ("2026/12", "date.format"),
    ],
)
def test_dates_that_cannot_be_read_one_way_are_refused(cell: str, code: str) -> None:
    result, _ = _validate_one(["起保日期"], [cell])
    assert [(r.column, r.field, r.code) for r in result.rejects] == [
        ("起保日期", "cover_start", code)
    ]


# -- several numbers in one phone cell ---------------------------------------------------------


def test_split_phone_cell() -> None:
    assert split_phone_cell("138 0013 8000") == ("+8613800138000", ())
    first, more = split_phone_cell("13800138000/13900139000")
    assert (first, [n.canonical for n in more]) == ("+8613800138000", ["+8613900139000"])
    first, more = split_phone_cell("13800138000；0592-5123456")
    assert (first, [n.canonical for n in more]) == ("+8613800138000", ["+865925123456"])
    assert split_phone_cell("13800138000/13800138000") == ("+8613800138000", ())
    with pytest.raises(ValidationError) as info:
        split_phone_cell("13800138000/1380013800")
    assert info.value.code == "phone.length"
    assert info.value.masked_value == mask_unknown("1380013800")  # the bad part


def test_validate_reads_several_numbers_as_the_import_does() -> None:
    header = ["移动电话", "家庭电话"]
    result, summaries = _validate_one(
        header, ["13800138000/13900139000", "13800138000；0592-5123456"]
    )
    assert result.ok
    assert result.values == {"mobile": "+8613800138000", "home_phone": "+8613800138000"}
    assert [(f, n.canonical) for f, n in result.more] == [
        ("mobile", "+8613900139000"),
        ("home_phone", "+865925123456"),
    ]
    assert [(s.valid, s.invalid, s.multiple) for s in summaries] == [(1, 0, 1), (1, 0, 1)]
    bad, (summary, _) = _validate_one(header, ["13800138000/138OO138OOO", ""])
    assert [(r.column, r.code, r.masked_value) for r in bad.rejects] == [
        ("移动电话", "phone.vanity", mask_unknown("138OO138OOO"))
    ]
    assert (summary.valid, summary.invalid, summary.multiple) == (0, 1, 0)


PHONE_CELLS = [
    "13800138000",
    "13800138000/13900139000",
    "13800138000；0592-5123456",
    "13800138000、13900139000、0592-5123456",
    "13800138000/13800138000",
    "13800138000/138OO138OOO",
    "13800138000/1380013800",
    "abc/def",
    "138OO138OOO",
]


def test_validate_and_import_agree_on_phone_cells(tmp_path: Path) -> None:
    rows = [
        _row(保单号=f"PDAA20260{i:02d}", 身份证号=_digit_id(f"440305199001{i + 10}"), 移动电话=cell)
        for i, cell in enumerate(PHONE_CELLS)
    ]
    path = write_csv(tmp_path / "phones.csv", HEADER, rows)
    summary = validate_file(path, rejects=tmp_path / "v.csv", output=tmp_path / "o.csv")
    service = Service.open("memory://")
    imported = import_core_extract(service, path, rejects=tmp_path / "i.csv")
    v_rejects = read_csv(tmp_path / "v.csv")
    i_rejects = read_csv(tmp_path / "i.csv")
    assert v_rejects == i_rejects
    assert [(r["row"], r["code"]) for r in v_rejects] == [
        ("7", "phone.vanity"),
        ("8", "phone.length"),
        ("9", "phone.format"),
        ("10", "phone.vanity"),
    ]
    assert summary.rows_rejected == imported.rejected == 4
    assert summary.multiple == 3
    # What validate reports as the cell's numbers is what the customer got.
    output = {int(r["row"]): r["mobile"] for r in read_csv(tmp_path / "o.csv")}
    assert output[3] == "138****8000/139****9000"
    assert output[5] == "138****8000/139****9000/0592-*****56"
    for i, cell in enumerate(PHONE_CELLS[:5]):
        (customer,) = service.find(policy_no=f"PDAA20260{i:02d}")
        numbers = {p.value for p in customer.contact_points if p.kind.is_phone}
        first, more = split_phone_cell(cell)
        assert numbers == {first, *(n.canonical for n in more)}, cell


def test_a_contact_phone_column_with_several_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "claims.csv",
        ["报案号", "报案时间", "身份证号", "报案人电话"],
        [
            ["RP1", "2026-06-01 09:30", ID_DIGITS, "13900139000/0592-5123456"],
            ["RP2", "2026-06-02 09:30", ID_X, "13900139000/139OO139OOO"],
        ],
    )
    service = Service.open("memory://")
    summary = import_channel_file(service, path, "claim_report", rejects=tmp_path / "r.csv")
    assert (summary.new, summary.rejected) == (1, 1)
    assert [(r["row"], r["column"], r["code"]) for r in read_csv(tmp_path / "r.csv")] == [
        ("3", "报案人电话", "phone.vanity")
    ]
    (customer,) = service.find(resident_id=ID_DIGITS)
    phones = {(p.kind.value, p.value) for p in customer.contact_points if p.kind.is_phone}
    assert phones == {("mobile", "+8613900139000"), ("home", "+865925123456")}


# -- whole files -------------------------------------------------------------------------------


def _mangled_rows() -> list[Sequence[object]]:
    return [
        ["XX支公司续保清单", "", "", "", "", "", ""],  # a title row above the header
        ["制表日期：2026-12-04", "", "", "", "", "", ""],
        HEADER,
        _row(身份证号="'" + ID_X, 移动电话="13800138000.0", 邮编="361001.0", 起保日期="2026.01.05"),
        ["", "", "", "", "", "", ""],  # a blank row: counted, not reported
        _row(保单号="PDAA2026002", 身份证号="4.40305E+17", 终保日期="2027-01-04 00:00:00"),
        _row(保单号="PDAA2026003", 身份证号=ID_WANG, 邮编="#N/A", 起保日期="04/01/2026"),
        _row(保单号="PDAA2026004", 身份证号=ID_LI, 被保险人="李娜", 邮编="不详", 移动电话="-"),
        ["合计", "", "", "", "", "", "4"],  # the summary row
    ]  # fmt: skip


def _write_rows(path: Path, rows: list[Sequence[object]]) -> Path:
    import csv

    with path.open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def _check_mangled(path: Path, tmp_path: Path) -> None:
    summary = validate_file(path, rejects=tmp_path / "v.csv")
    assert summary.header_row == 3
    assert summary.rows == 4
    assert summary.summary_rows == (9,)
    assert summary.codes == (("cell.scientific", 1), ("date.ambiguous", 1))
    v_rejects = read_csv(tmp_path / "v.csv")
    assert [
        (r["row"], r["column"], r["field"], r["code"], r["masked_value"]) for r in v_rejects
    ] == [
        ("6", "身份证号", "resident_id", "cell.scientific", mask_unknown("4.40305E+17")),
        ("7", "起保日期", "cover_start", "date.ambiguous", mask_unknown("04/01/2026")),
    ]
    by_field = {c.field: c for c in summary.columns}
    assert (by_field["postcode"].valid, by_field["postcode"].empty) == (2, 2)
    assert by_field["mobile"].empty == 1

    service = Service.open("memory://")
    imported = import_core_extract(service, path, rejects=tmp_path / "i.csv")
    assert (imported.rows, imported.rejected, imported.summary_rows) == (4, 2, (9,))
    assert read_csv(tmp_path / "i.csv") == v_rejects
    (zhang,) = service.find(resident_id=ID_X)
    assert {p.value for p in zhang.contact_points if p.kind.is_phone} == {"+8613800138000"}
    assert zhang.postcode == "361001"
    assert service.policy("PDAA2026001").cover_start == dt.date(2026, 1, 5)
    (li,) = service.find(policy_no="PDAA2026004")
    assert (li.postcode, [p for p in li.contact_points if p.kind.is_phone]) == (None, [])
    assert service.find(policy_no="PDAA2026002") == []  # never imported under a wrong ID
    # Without stopping on bad cells, the rows come in without them.
    again = Service.open("memory://")
    partial = import_core_extract(again, path, skip_bad_cells=True, rejects=tmp_path / "p.csv")
    assert (partial.rejected, partial.partial) == (0, 2)
    assert read_csv(tmp_path / "p.csv") == v_rejects
    (row7,) = again.find(policy_no="PDAA2026002")
    assert row7.resident_id is None
    assert again.policy("PDAA2026003").cover_start is None


def test_a_mangled_csv_export(tmp_path: Path) -> None:
    _check_mangled(_write_rows(tmp_path / "续保清单.csv", _mangled_rows()), tmp_path)


def test_a_mangled_workbook(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in _mangled_rows():
        sheet.append([None if cell == "" else cell for cell in row])
    path = tmp_path / "续保清单.xlsx"
    workbook.save(path)
    _check_mangled(path, tmp_path)


def test_numbers_stored_as_numbers_in_a_workbook(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(_row(身份证号=float(ID_DIGITS), 移动电话=13800138000.0, 邮编=361001.0))
    sheet.append(_row(保单号=2026002.0, 身份证号=ID_WANG, 起保日期=dt.datetime(2026, 1, 5)))
    path = tmp_path / "numbers.xlsx"
    workbook.save(path)
    summary = validate_file(path, rejects=tmp_path / "v.csv")
    assert summary.codes == (("cell.precision", 1),)
    assert [r["row"] for r in read_csv(tmp_path / "v.csv")] == ["2"]
    service = Service.open("memory://")
    imported = import_core_extract(service, path)
    assert (imported.new, imported.rejected) == (1, 1)
    assert service.policy("2026002").cover_start == dt.date(2026, 1, 5)


def test_repeated_headers_are_reported_and_read(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dup.csv",
        ["保单号", "被保险人", "手机", "手机", "备注"],
        [["PDAA2026001", "张伟", "13800138000", "13900139000", "VIP"]],
    )
    summary = validate_file(path)
    assert summary.duplicates == ("手机 (2)",)
    assert [c.column for c in summary.columns] == ["保单号", "被保险人", "手机", "手机 (2)"]
    assert summary.unmapped == ("备注",)
    imported = import_core_extract(Service.open("memory://"), path)
    assert ("手机 (2)", "mobile") in imported.mapped
    assert imported.unmapped == ("备注",)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["合计", None, 12, "3,456.00"], True),
        (["", "总 计：", "", "128"], True),
        (["小计", "共12笔"], True),
        (["合计：12笔"], True),
        (["合计", "张伟"], False),
        (["PDAA2026001", "合计"], False),
        ([1, "合计"], False),
        (["合计人数说明"], False),
    ],
)
def test_summary_rows(cells: list[object], expected: bool) -> None:
    assert is_summary_row(cells) is expected


def test_summary_rows_are_skipped_wherever_they_are(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "sub.csv",
        ["保单号", "被保险人"],
        [["P1", "张伟"], ["小计", "1"], ["P2", "李娜"], ["总计", "2"]],
    )
    with open_table(path) as table:
        assert [(n, r["保单号"]) for n, r in table] == [(2, "P1"), (4, "P2")]
        assert table.summary_rows == [3, 5]


# -- a claim naming a plate, on a policy without a cover start ---------------------------------


def test_a_claim_attaches_by_plate_to_a_policy_without_cover_start(tmp_path: Path) -> None:
    core = write_csv(
        tmp_path / "core.csv",
        ["保单号", "被保险人", "身份证号", "车牌号", "终保日期", "签单日期"],
        [["PDAA2026001", "张伟", ID_X, "闽D12388", "2027-01-04", "2026-01-02"]],
    )
    claims = write_csv(
        tmp_path / "claims.csv",
        ["报案号", "报案时间", "车牌号", "报案人电话"],
        [["RP1", "2026-06-01 09:30", "闽D·12388", "13900139000"]],
    )
    service = Service.open("memory://")
    import_core_extract(service, core)
    summary = import_channel_file(service, claims, "claim_report")
    assert summary.merged == 1


# -- what the commands print -------------------------------------------------------------------


def test_the_commands_report_several_numbers_and_summary_rows(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from custmaster.cli import cli

    path = _write_rows(tmp_path / "续保清单.csv", _mangled_rows())
    rows = [_row(移动电话="13800138000/13900139000")]
    multi = write_csv(tmp_path / "multi.csv", HEADER, rows)
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(multi)])
    assert result.exit_code == 0, result.output
    assert "Several numbers 多号码 (valid cells holding more than one number" in result.output
    assert "移动电话 1" in result.output
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "Summary rows skipped 跳过合计行: row 9" in result.output
    assert "cell.scientific 1" in result.output
    result = runner.invoke(cli, ["import", str(path), "--store", f"sqlite:///{tmp_path}/s.db"])
    assert result.exit_code == 0, result.output
    assert "Summary rows skipped 跳过合计行: row 9" in result.output
    for text in (ID_X, ID_WANG, ID_LI, "13800138000", "13900139000"):
        assert text not in result.output


def test_a_claim_never_guesses_between_two_holders_of_a_plate(tmp_path: Path) -> None:
    core = write_csv(
        tmp_path / "core.csv",
        ["保单号", "被保险人", "身份证号", "车牌号", "终保日期", "签单日期"],
        [
            ["PDAA2026001", "张伟", ID_X, "闽D12388", "2027-01-04", "2026-01-02"],
            ["PDAA2026002", "王芳", ID_WANG, "闽D12388", "2026-12-31", "2026-01-02"],
        ],
    )
    claims = write_csv(
        tmp_path / "claims.csv",
        ["报案号", "报案时间", "车牌号", "报案人电话"],
        [["RP1", "2026-06-01 09:30", "闽D12388", "13900139000"]],
    )
    service = Service.open("memory://")
    import_core_extract(service, core)
    summary = import_channel_file(service, claims, "claim_report")
    assert summary.merged == 0
    for owner in (ID_X, ID_WANG):
        (customer,) = service.find(resident_id=owner)
        assert all(p.value != "+8613900139000" for p in customer.contact_points)
