"""``custmaster import`` counts what a data steward asks about a claim file: rows whose reporter
is a third party (phone kept apart), rows already imported under an earlier reading, and the
lines skipped as no data (合计, the header repeated, a title above it, footers); ``--json``
gives the same summary to a script."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
from click.testing import CliRunner, Result

from _workflow_helpers import ID_ZHANG, write_csv
from custmaster.cli import cli
from custmaster.privacy.masking import scan_for_personal_data
from custmaster.service import Service
from custmaster.workflows.channels import CLAIM_REPORT, import_channel_file
from custmaster.workflows.core_import import ImportSummary

CLAIM_HEADER = ("报案号", "报案时间", "车牌号", "报案人", "报案人与被保险人关系", "报案人电话")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _book(tmp_path: Path) -> str:
    store = f"sqlite:///{tmp_path}/cli.db"
    core = write_csv(
        tmp_path / "core.csv",
        ("保单号", "被保险人", "身份证号", "车牌号", "起保日期", "终保日期", "签单日期",
         "移动电话"),
        [["PDAA2026001", "张伟", ID_ZHANG, "闽D12388", "2026-01-05", "2027-01-04", "2026-01-02",
          "13800138000"]],
        encoding="gb18030",
    )  # fmt: skip
    assert run("import", str(core), "--store", store).exit_code == 0
    return store


def _claims(tmp_path: Path) -> Path:
    """Claims exported in two parts joined end to end: rows 5 and 6 are the second part's title
    and header, row 9 a total, rows 10 and 11 the footer."""
    rows: list[list[str]] = [
        ["RP1", "2026-12-01 09:30", "闽D·12388", "鑫达汽修厂", "", "0592-5123456"],
        ["RP2", "2026-12-02 09:30", "闽D·12388", "李四", "配偶", "13900139000"],
        ["RP3", "2026-12-03 09:30", "闽D·12388", "张伟", "本人", "13700137000"],
        ["厦门分公司报案清单（二）", "", "", "", "", ""],
        list(CLAIM_HEADER),
        ["RP4", "2026-12-04 09:30", "闽D·12388", "王五", "", "13600136000"],
        ["RP5", "2026-12-05 09:30", "闽D·12388", "平安道路救援", "救援", "95511"],
        ["合计", "5", "", "", "", ""],
        ["制表人：王芳", "", "", "", "", ""],
        ["打印时间：2026-12-06", "", "", "第 1 页", "", ""],
    ]
    return write_csv(tmp_path / "报案.csv", CLAIM_HEADER, rows, encoding="gb18030")


def test_the_import_counts_third_parties_and_skipped_lines(tmp_path: Path) -> None:
    store = _book(tmp_path)
    result = run("import", str(_claims(tmp_path)), "--channel", "claim_report", "--store", store)
    assert result.exit_code == 0, result.output
    assert "5 rows read" in result.output
    assert "merged 合并 5" in result.output
    assert "Third parties 第三方 4 (organisation 2, name 1, relation 1): their phone kept" in (
        result.output
    )
    assert "Summary rows skipped 跳过合计行: row 9\n" in result.output
    assert (
        "Other lines skipped 跳过非数据行 (header repeated, title, footer): row 5, 6, 10, 11\n"
        in result.output
    )
    assert "earlier reading" not in result.output
    assert not scan_for_personal_data(result.output, ["张伟", "李四", "王五"]), result.output


def test_the_json_summary_has_every_count(tmp_path: Path) -> None:
    store = _book(tmp_path)
    claims = _claims(tmp_path)
    with Service.open(store) as service:  # RP1 and RP2 imported by the reading before the rule
        early = write_csv(tmp_path / "early.csv", CLAIM_HEADER, [
            ["RP1", "2026-12-01 09:30", "闽D·12388", "鑫达汽修厂", "", "0592-5123456"],
            ["RP2", "2026-12-02 09:30", "闽D·12388", "李四", "配偶", "13900139000"]])  # fmt: skip
        assert (
            import_channel_file(service, early, attrs.evolve(CLAIM_REPORT, row_hook=None)).merged
            == 2
        )
    result = run("import", str(claims), "--channel", "claim_report", "--store", store, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {key: data[key] for key in (
        "rows", "imported", "new", "merged", "duplicates", "rejected", "earlier_readings",
        "third_party", "third_party_reasons", "summary_rows", "skipped_rows", "channel",
    )} == {
        "rows": 5, "imported": 3, "new": 0, "merged": 3, "duplicates": 2, "rejected": 0,
        "earlier_readings": 2, "third_party": 2,
        "third_party_reasons": [["name", 1], ["organisation", 1]],
        "summary_rows": [9], "skipped_rows": [5, 6, 10, 11], "channel": "claim_report",
    }  # fmt: skip
    assert data["path"] == str(claims)
    assert ["报案人电话", "phone"] in data["meta"]
    assert not scan_for_personal_data(result.output, ["张伟", "李四", "王五"]), result.output
    # the text output of a re-run says it too
    again = run("import", str(claims), "--channel", "claim_report", "--store", store)
    assert "Duplicates 重复 5 (already imported), rejected 拒绝 0." in again.output
    assert (
        "Already imported under an earlier reading 按先前解读已导入 2 (counted as duplicates; "
        "kept as stored)." in again.output
    )
    assert "Third parties 第三方 2 (name 1, organisation 1)" in again.output


def test_a_long_list_of_skipped_lines_is_cut(tmp_path: Path) -> None:
    header = ("保单号", "被保险人", "身份证号")
    parts = [["PDAA2026001", "张伟", ID_ZHANG]]
    for _ in range(25):
        parts += [list(header), ["PDAA2026001", "张伟", ID_ZHANG]]
    path = write_csv(tmp_path / "core.csv", header, parts)
    result = run("import", str(path), "--store", "memory://")
    assert result.exit_code == 0, result.output
    rows = ", ".join(str(3 + 2 * n) for n in range(20))
    assert f"(header repeated, title, footer): row {rows} … (25 in all)\n" in result.output


def test_the_json_summary_holds_no_long_float() -> None:
    # a float's tail (0.007224894825989858) reads as an ID number to a leak scanner
    fields = {a.name: 0 for a in attrs.fields(ImportSummary)}
    summary = ImportSummary(**{
        **fields, "path": Path("报案.csv"), "channel": "claim_report", "kind": "csv",
        "encoding": None, "sheet": None, "codes": (), "mapped": (), "meta": (), "unmapped": (),
        "parties": (), "rejects_path": None, "seconds": 0.007224894825989858,
        "summary_rows": (), "skipped_rows": (), "third_party_reasons": (),
    })  # fmt: skip
    data = summary.as_dict()
    assert data["seconds"] == 0.007
    assert not scan_for_personal_data(json.dumps(data), [])


def test_numbered_empty_lines_and_noted_numbers_are_reported(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/cli.db"
    core = write_csv(
        tmp_path / "core.csv",
        ("序号", "保单号", "被保险人", "身份证号", "终保日期", "移动电话"),
        [["1", "PDAA2026001", "张伟", ID_ZHANG, "2027-01-04", "13800138000（空号）"],
         ["2", "", "", "", "", ""],
         ["3", "", "", "", "", ""]],
    )  # fmt: skip
    result = run("import", str(core), "--store", store)
    assert result.exit_code == 0, result.output
    assert "Empty lines skipped 跳过空行 (a 序号 or placeholders only): 2 (rows 3, 4)." in (
        result.output
    )
    assert "Warnings 警告: phone.noted 1" in result.output
    assert "Numbers noted bad in their cells 备注错号/空号: 1 contact events" in result.output
    assert "13800138000" not in result.output
    summary = json.loads(run("import", str(core), "--store", store, "--json").output)
    assert (summary["empty_rows"], summary["duplicates"], summary["numbers_noted"]) == (
        [3, 4],
        1,
        0,
    )
