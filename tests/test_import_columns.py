"""Phone columns of unknown kind and repeated columns, read alike by validate and import.

``custmaster validate`` checks every column an import reads, as the import reads it: the
联系电话 / 电话 / 联系方式 columns (and a claim report's 报案人电话), and the repeated columns of a
field (two 手机 columns, 手机 and 移动电话, 手机1/手机2, 联系电话 twice). Phone numbers of every
repeated column add up; a single-valued field takes its first non-empty value, and a later
column holding another value is a warning in validate and a rejected row in import.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, read_csv, write_csv
from custmaster.cli import cli
from custmaster.service import Service
from custmaster.validate import phone
from custmaster.validate._mask import mask_unknown
from custmaster.workflows.channels import CLAIM_REPORT, import_channel_file
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.headers import map_headers
from custmaster.workflows.validation import mask_field, validate_file

pytest_plugins = ["_workflow_fixtures"]

BAD = "138OO138OOO"  # letters for zeros: phone.vanity

#: A 联系电话 column with a good mobile, a good fixed line with an extension, two numbers in
#: one cell and a bad number.
CONTACT_HEADER = ("保单号", "被保险人", "身份证号", "联系电话")
CONTACT_ROWS = [
    ["PDAA2026001", "张伟", ID_ZHANG, "138 0013 8000"],
    ["PDAA2026002", "李娜", ID_LI, "0592-5123456转801"],
    ["PDAA2026003", "王芳", ID_WANG, "13700137000/0592-5550001"],
    ["PDAA2026004", "赵敏", "", BAD],
]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _contact_file(folder: Path) -> Path:
    return write_csv(folder / "contacts.csv", CONTACT_HEADER, CONTACT_ROWS)


def _lines(path: Path) -> list[tuple[str, str, str, str, str]]:
    return [
        (r["row"], r["column"], r["field"], r["code"], r["masked_value"]) for r in read_csv(path)
    ]


def _counts(summary: object) -> dict[str, tuple[int, int, int, int]]:
    return {
        c.column: (c.valid, c.invalid, c.empty, c.multiple)
        for c in summary.columns  # type: ignore[attr-defined]
    }


def _phones(service: Service, **key: str) -> list[tuple[str, str]]:
    (customer,) = service.find(**key)
    return sorted((p.kind.value, p.value) for p in customer.contact_points if p.kind.is_phone)


# --- 1. the phone columns of unknown kind ---------------------------------------------------


def test_validate_checks_a_contact_phone_column_as_import_reads_it(tmp_path: Path) -> None:
    path = _contact_file(tmp_path)
    summary = validate_file(path, rejects=tmp_path / "r.csv", output=tmp_path / "out.csv")
    assert _counts(summary)["联系电话"] == (3, 1, 0, 1)
    assert [c.field for c in summary.columns if c.column == "联系电话"] == ["phone"]
    assert summary.unmapped == ()
    assert (summary.rows, summary.rows_rejected, summary.codes) == (4, 1, (("phone.vanity", 1),))
    assert _lines(tmp_path / "r.csv") == [
        ("5", "联系电话", "phone", "phone.vanity", mask_unknown(BAD))
    ]
    shown = [row["联系电话"] for row in read_csv(tmp_path / "out.csv")]
    assert shown == [
        "138****8000",
        mask_field("home_phone", "+865925123456;ext=801"),
        "137****7000/" + mask_field("home_phone", "+865925550001"),
        "",
    ]


def test_import_reads_the_same_cells_with_the_same_verdicts(
    service: Service, tmp_path: Path
) -> None:
    path = _contact_file(tmp_path)
    validated = validate_file(path, rejects=tmp_path / "v.csv")
    imported = import_core_extract(service, path, rejects=tmp_path / "i.csv")
    assert _lines(tmp_path / "i.csv") == _lines(tmp_path / "v.csv")
    assert imported.codes == validated.codes
    assert (imported.new, imported.rejected) == (3, 1)
    assert imported.meta == (("联系电话", "phone"),)
    assert _phones(service, resident_id=ID_ZHANG) == [("mobile", "+8613800138000")]
    assert _phones(service, resident_id=ID_LI) == [("home", "+865925123456;ext=801")]
    assert _phones(service, resident_id=ID_WANG) == [
        ("home", "+865925550001"),
        ("mobile", "+8613700137000"),
    ]


def test_cli_validate_reports_the_contact_phone_column(tmp_path: Path) -> None:
    path = _contact_file(tmp_path)
    result = run("validate", str(path))
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "联系电话" in x)
    assert re.search(r"phone\s+│\s+3\s+│\s+1\s+│\s+0\s+│", line), line
    assert "Not checked" not in result.output
    assert (
        "Several numbers 多号码 (valid cells holding more than one number, each kept): 联系电话 1"
        in (result.output)
    )
    assert "phone.vanity 1" in result.output
    assert _lines(tmp_path / "contacts.rejects.csv") == [
        ("5", "联系电话", "phone", "phone.vanity", mask_unknown(BAD))
    ]
    assert "13800138000" not in result.output


@pytest.mark.parametrize("header", ["电话", "联系方式", "电话号码", "联系电话1", "电话2"])
def test_every_spelling_of_a_contact_phone_is_checked(tmp_path: Path, header: str) -> None:
    path = write_csv(tmp_path / "x.csv", ("保单号", header), [["P1", BAD], ["P2", "13800138000"]])
    summary = validate_file(path)
    assert _counts(summary)[header] == (1, 1, 0, 0)
    assert summary.codes == (("phone.vanity", 1),)


def test_a_claim_reports_reporter_phone_is_checked_with_its_channel(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "claims.csv",
        ("报案号", "报案时间", "车牌号", "报案人电话"),
        [["RP1", "2026-06-01 09:30", "闽D12388", "13900139000、13700137000"],
         ["RP2", "2026-06-02 10:00", "闽D66666", "1390013900"]],
    )  # fmt: skip
    plain = validate_file(path)
    assert "报案人电话" in plain.unmapped  # not a column every import reads
    checked = validate_file(path, phone_aliases=CLAIM_REPORT.meta_aliases["phone"])
    assert _counts(checked)["报案人电话"] == (1, 1, 0, 1)
    imported = import_channel_file(Service.open("memory://"), path, "claim_report")
    assert imported.codes == checked.codes == (("phone.length", 1),)

    result = run("validate", str(path), "--channel", "claim_report")
    assert result.exit_code == 0, result.output
    assert [line[:4] for line in _lines(tmp_path / "claims.rejects.csv")] == [
        ("3", "报案人电话", "phone", "phone.length")
    ]
    unchecked = next(x for x in result.output.splitlines() if x.startswith("Not checked"))
    assert "报案人电话" not in unchecked


def test_a_mapping_to_phone_serves_both_commands(service: Service, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "odd.csv",
        ("单号", "证件", "备用电话"),
        [["P1", ID_ZHANG, "0592-5123456"], ["P2", ID_LI, BAD]],
    )
    mapping = {"单号": "policy_no", "证件": "resident_id", "备用电话": "phone"}
    validated = validate_file(path, mapping=mapping)
    assert _counts(validated)["备用电话"] == (1, 1, 0, 0)
    imported = import_core_extract(service, path, mapping=mapping)
    assert imported.codes == validated.codes == (("phone.vanity", 1),)
    assert _phones(service, resident_id=ID_ZHANG) == [("home", "+865925123456")]

    (tmp_path / "m.json").write_text(
        '{"单号": "policy_no", "证件": "resident_id", "备用电话": "phone"}', encoding="utf-8"
    )
    result = run("validate", str(path), "--mapping", str(tmp_path / "m.json"))
    assert result.exit_code == 0, result.output
    assert [line[3] for line in _lines(tmp_path / "odd.rejects.csv")] == ["phone.vanity"]


# --- 2. repeated columns ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "fields", "repeats", "phones"),
    [
        (["手机1", "手机2"], ("mobile", None), (("手机2", "mobile"),), ()),
        (["手机", "手机号码2"], ("mobile", None), (("手机号码2", "mobile"),), ()),
        (["手机", "移动电话"], ("mobile", None), (("移动电话", "mobile"),), ()),
        (["手机_1", "手机(2)"], ("mobile", None), (("手机(2)", "mobile"),), ()),
        (["联系电话1", "联系电话2"], (None, None), (), ("联系电话1", "联系电话2")),
        (["电话", "电话2"], (None, None), (), ("电话", "电话2")),
        (["姓名", "客户姓名"], ("name", None), (("客户姓名", "name"),), ()),
        # numbered headers of single-valued fields are not repeats: two address lines, a
        # second person
        (["姓名", "客户姓名2"], ("name", None), (), ()),
        (["地址1", "地址2"], (None, None), (), ()),
        (["传真1", "传真2"], ("fax", None), (("传真2", "fax"),), ()),
        (["备注1", "备注2"], (None, None), (), ()),
    ],
)
def test_numbered_and_repeated_headers(
    headers: list[str],
    fields: tuple[str | None, ...],
    repeats: tuple[tuple[str, str], ...],
    phones: tuple[str, ...],
) -> None:
    header_map = map_headers(headers)
    assert (header_map.fields, header_map.repeats, header_map.phones) == (fields, repeats, phones)
    assert header_map.duplicates == tuple(header for header, _ in repeats)


def test_a_users_mapping_covers_its_numbered_variants() -> None:
    header_map = map_headers(["备用手机1", "备用手机2"], {"备用手机": "mobile"})
    assert header_map.fields == ("mobile", None)
    assert header_map.repeats == (("备用手机2", "mobile"),)


REPEAT_HEADER = (
    "保单号",
    "被保险人",
    "身份证号",
    "手机1",
    "手机2",
    "移动电话",
    "联系电话",
    "联系电话2",
)
REPEAT_ROWS = [
    # every number is read; the same number twice is one contact point
    ["PDAA2026011", "张伟", ID_ZHANG, "13800138000", "13900139000/13700137000", "13800138000",
     "0592-5123456", "13600136000"],
    # the first mobile column empty: the second fills the field
    ["PDAA2026012", "李娜", ID_LI, "", "13500135000", "", "", ""],
    # a bad number in a repeated column is rejected with its code
    ["PDAA2026013", "王芳", ID_WANG, "13300133000", BAD, "", "", ""],
]  # fmt: skip


def test_validate_reads_every_repeated_phone_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "repeat.csv", REPEAT_HEADER, REPEAT_ROWS)
    summary = validate_file(path, rejects=tmp_path / "r.csv", output=tmp_path / "out.csv")
    assert _counts(summary) == {
        "保单号": (3, 0, 0, 0),
        "被保险人": (3, 0, 0, 0),
        "身份证号": (3, 0, 0, 0),
        "手机1": (2, 0, 1, 0),
        "手机2": (2, 1, 0, 1),
        "移动电话": (1, 0, 2, 0),
        "联系电话": (1, 0, 2, 0),
        "联系电话2": (1, 0, 2, 0),
    }
    assert summary.duplicates == ("手机2", "移动电话", "联系电话2")
    assert (summary.unmapped, summary.conflicts, summary.rows_rejected) == ((), 0, 1)
    assert _lines(tmp_path / "r.csv") == [
        ("4", "手机2", "mobile", "phone.vanity", mask_unknown(BAD))
    ]
    out = read_csv(tmp_path / "out.csv")
    assert [(r["mobile"], r["手机2"]) for r in out] == [
        ("138****8000", "139****9000/137****7000"),
        ("", "135****5000"),
        ("133****3000", ""),
    ]


def test_import_gives_the_customer_every_repeated_number(service: Service, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "repeat.csv", REPEAT_HEADER, REPEAT_ROWS)
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.new, summary.rejected, summary.codes) == (2, 1, (("phone.vanity", 1),))
    validate_file(path, rejects=tmp_path / "v.csv")
    assert _lines(tmp_path / "r.csv") == _lines(tmp_path / "v.csv")
    assert ("手机2", "mobile") in summary.mapped
    assert summary.meta == (("联系电话", "phone"), ("联系电话2", "phone"))
    assert summary.unmapped == ()
    assert _phones(service, resident_id=ID_ZHANG) == [
        ("home", "+865925123456"),
        ("mobile", "+8613600136000"),
        ("mobile", "+8613700137000"),
        ("mobile", "+8613800138000"),
        ("mobile", "+8613900139000"),
    ]
    assert _phones(service, resident_id=ID_LI) == [("mobile", "+8613500135000")]
    assert service.find(resident_id=ID_WANG) == []
    # the row and one record per further number (13800138000 twice is read once)
    (zhang,) = service.find(resident_id=ID_ZHANG)
    refs = sorted(r.provenance.source_ref for r in service.observations(zhang.id))
    assert refs == [
        "PDAA2026011#0",
        "PDAA2026011#0~mobile.3",
        "PDAA2026011#0~mobile.4",
        "PDAA2026011#0~phone.2",
    ]
    again = import_core_extract(service, path)
    assert (again.new, again.merged, again.duplicates) == (0, 0, 2)


def test_repeated_numbers_of_a_row_without_keys_are_kept_as_text(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "names.csv",
        ("被保险人", "手机", "手机"),
        [["赵敏", "13800138000", "13700137000"]],
    )
    service = Service.open("memory://")
    assert import_core_extract(service, path).new == 1
    (customer,) = service.find(phone="13800138000")
    (record,) = service.observations(customer.id)
    assert record.extra["more_mobile"] == "+8613700137000"


SINGLE_HEADER = ("保单号", "被保险人", "身份证号", "证件号码", "姓名", "手机")
SINGLE_ROWS = [
    # the same ID written two ways, the same name: no conflict
    ["PDAA2026021", "张伟", ID_ZHANG, ID_ZHANG.lower(), "张伟", "13800138000"],
    # the first ID column empty: the second gives the ID
    ["PDAA2026022", "李娜", "", ID_LI, "", "13900139000"],
    # another name in the later column: a conflict
    ["PDAA2026023", "王芳", ID_WANG, "", "王小芳", "13700137000"],
]  # fmt: skip


def test_validate_warns_about_a_repeated_column_with_another_value(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "single.csv", SINGLE_HEADER, SINGLE_ROWS)
    summary = validate_file(path, rejects=tmp_path / "r.csv", output=tmp_path / "out.csv")
    assert (summary.rows_rejected, summary.rejects, summary.conflicts) == (0, 0, 1)
    assert summary.codes == ()
    (line,) = read_csv(tmp_path / "r.csv")
    assert (line["row"], line["column"], line["field"], line["code"]) == (
        "4",
        "姓名",
        "name",
        "row.conflicting_columns",
    )
    assert "'被保险人'" in line["message"]
    assert "'姓名'" in line["message"]
    assert line["masked_value"] == f"{mask_field('name', '王芳')} / {mask_field('name', '王小芳')}"
    assert "王芳" not in line["masked_value"]
    assert "小芳" not in line["message"]
    out = read_csv(tmp_path / "out.csv")
    assert [(r["resident_id"], r["证件号码"]) for r in out] == [
        (mask_field("resident_id", ID_ZHANG), mask_field("resident_id", ID_ZHANG)),
        ("", mask_field("resident_id", ID_LI)),
        (mask_field("resident_id", ID_WANG), ""),
    ]


def test_import_rejects_a_row_whose_repeated_columns_disagree(
    service: Service, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "single.csv", SINGLE_HEADER, SINGLE_ROWS)
    summary = import_core_extract(service, path, rejects=tmp_path / "r.csv")
    assert (summary.new, summary.rejected) == (2, 1)
    assert summary.codes == (("row.conflicting_columns", 1),)
    validate_file(path, rejects=tmp_path / "v.csv")
    assert _lines(tmp_path / "r.csv") == _lines(tmp_path / "v.csv")  # validate's warning
    assert [line[:4] for line in _lines(tmp_path / "r.csv")] == [
        ("4", "姓名", "name", "row.conflicting_columns")
    ]
    (li,) = service.find(resident_id=ID_LI)  # the ID came from the second column
    assert li.name == "李娜"
    assert service.find(resident_id=ID_WANG) == []


def test_skip_bad_cells_imports_the_first_value(service: Service, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "single.csv", SINGLE_HEADER, SINGLE_ROWS)
    summary = import_core_extract(service, path, skip_bad_cells=True)
    assert (summary.new, summary.rejected, summary.partial) == (3, 0, 1)
    assert summary.codes == (("row.conflicting_columns", 1),)
    (wang,) = service.find(resident_id=ID_WANG)
    assert wang.name == "王芳"


def test_cli_validate_and_import_on_repeated_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "single.csv", SINGLE_HEADER, SINGLE_ROWS)
    result = run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert "Warnings 警告: row.conflicting_columns 1" in result.output
    assert "Repeated columns 重复列" in result.output
    assert "证件号码, 姓名" in result.output
    assert "0 cells and 1 warnings written" in result.output
    assert "王小芳" not in result.output

    repeat = write_csv(tmp_path / "repeat.csv", REPEAT_HEADER, REPEAT_ROWS)
    result = run("validate", str(repeat))
    line = next(x for x in result.output.splitlines() if "手机2" in x)
    assert re.search(r"mobile\s+│\s+2\s+│\s+1\s+│\s+0\s+│", line), line

    store = f"sqlite:///{tmp_path}/cli.db"
    result = run("import", str(path), "--store", store)
    assert result.exit_code == 0, result.output
    assert "row.conflicting_columns 1" in result.output
    assert [line[3] for line in _lines(tmp_path / "single.rejects.csv")] == [
        "row.conflicting_columns"
    ]
    result = run("import", str(repeat), "--store", store)
    assert result.exit_code == 0, result.output
    with Service.open(store) as service:
        assert len(_phones(service, resident_id=ID_ZHANG)) == 5


def test_a_bad_cell_elsewhere_keeps_the_repeated_numbers(tmp_path: Path) -> None:
    """The import's quick path and its path for rows with bad cells read alike."""
    rows = [[*REPEAT_ROWS[0][:2], ID_ZHANG[:-1] + ("0" if ID_ZHANG[-1] != "0" else "1"),
             *REPEAT_ROWS[0][3:]]]  # fmt: skip
    path = write_csv(tmp_path / "bad.csv", REPEAT_HEADER, rows)
    service = Service.open("memory://")
    summary = import_core_extract(service, path, skip_bad_cells=True)
    assert (summary.new, summary.partial) == (1, 1)
    (customer,) = service.find(policy_no="PDAA2026011")
    assert len([p for p in customer.contact_points if p.kind.is_phone]) == 5
    assert phone.parse("13600136000").canonical in {p.value for p in customer.contact_points}
