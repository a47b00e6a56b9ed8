"""``custmaster validate``: summary, rejects, masking, exit codes; via CliRunner and a process."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from custmaster import __version__
from custmaster.cli import COMMANDS, cli
from custmaster.validate import cn_resident_id, phone
from custmaster.workflows.validation import REJECT_COLUMNS, validate_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
HEADER = "保单号,被保险人,身份证号,移动电话,起保日期,车架号,备注"

# A valid 18-digit ID and VIN, built with their check characters, so no constant is taken on
# trust: the rows below are good or bad by construction.
_ID_BODY = "35020319900307123"
GOOD_ID = _ID_BODY + cn_resident_id.calc_check_digit(_ID_BODY)
BAD_ID = _ID_BODY + ("0" if GOOD_ID[-1] != "0" else "1")


def _vin(body: str) -> str:
    from custmaster.validate import vin

    return body[:8] + vin.calc_check_digit(body) + body[9:]


GOOD_VIN = _vin("LHGCR2650M8012345")


def _small_file(folder: Path) -> Path:
    rows = [
        HEADER,
        f"PDAA2026001,张伟,{GOOD_ID.lower()},+86 138 0013 8000,2026/12/4,{GOOD_VIN},续保",
        f"PDAA2026002,李娜,{BAD_ID},138OO138OOO,2026-02-30,{GOOD_VIN[:16]},",
        "PDAA2026003,欧阳娜娜,,NULL,2026年12月4日,,",
        "",
        f"PDAA2026004,王芳,{GOOD_ID[:6]} {GOOD_ID[6:]},139-0013-9000,46360,{GOOD_VIN},",
    ]
    path = folder / "book.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))
    return path


def _rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_customers", EXAMPLES / "make_customers.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return _load_generator()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# --- the small file: exact counts by construction ---------------------------------------------


def test_summary_counts_and_rejects(tmp_path: Path, runner: CliRunner) -> None:
    path = _small_file(tmp_path)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    rejects_path = tmp_path / "book.rejects.csv"
    assert f"{rejects_path}" in result.output
    rows = _rejects(rejects_path)
    assert list(rows[0]) == list(REJECT_COLUMNS)
    assert [(r["row"], r["column"], r["field"], r["code"]) for r in rows] == [
        ("3", "身份证号", "resident_id", "cn_resident_id.checksum"),
        ("3", "移动电话", "mobile", "phone.vanity"),
        ("3", "起保日期", "cover_start", "date.range"),
        ("3", "车架号", "vin", "vin.length"),
    ]
    assert all(r["message"] and r["message_zh"] and r["masked_value"] for r in rows)

    summary = validate_file(path)
    counts = {c.field: (c.valid, c.invalid, c.empty) for c in summary.columns}
    assert counts == {
        "policy_no": (4, 0, 0),
        "name": (4, 0, 0),
        "resident_id": (2, 1, 1),
        "mobile": (2, 1, 1),
        "cover_start": (3, 1, 0),
        "vin": (2, 1, 1),
    }
    assert (summary.rows, summary.rows_rejected, summary.rejects) == (4, 1, 4)
    assert summary.unmapped == ("备注",)
    assert summary.rejects_path is None  # the library writes no rejects unless asked
    # The table shows each column's counts on its line, and the totals.
    line = next(x for x in result.output.splitlines() if "移动电话" in x)
    assert re.search(r"mobile\s+│\s+2\s+│\s+1\s+│\s+1\s+│", line), line
    assert "Total" in result.output
    assert "4 read" in result.output
    assert "备注" in result.output  # reported as not checked


def test_normalised_output_is_masked_unless_revealed(tmp_path: Path, runner: CliRunner) -> None:
    path = _small_file(tmp_path)
    masked = tmp_path / "masked.csv"
    revealed = tmp_path / "full.csv"
    assert runner.invoke(cli, ["validate", str(path), "--output", str(masked)]).exit_code == 0
    result = runner.invoke(cli, ["validate", str(path), "--output", str(revealed), "--reveal"])
    assert result.exit_code == 0
    with revealed.open(encoding="utf-8-sig", newline="") as handle:
        full = list(csv.DictReader(handle))
    with masked.open(encoding="utf-8-sig", newline="") as handle:
        shown = list(csv.DictReader(handle))
    assert [r["row"] for r in full] == ["2", "3", "4", "6"]
    fields = ["policy_no", "name", "resident_id", "mobile", "cover_start", "vin"]
    assert list(full[0]) == ["row", *fields, "备注"]
    assert full[0]["resident_id"] == GOOD_ID  # lower-case x upper-cased
    assert full[0]["mobile"] == "+8613800138000"
    assert full[0]["cover_start"] == full[3]["cover_start"] == "2026-12-04"
    assert full[1]["mobile"] == full[1]["cover_start"] == ""  # rejected cells stay blank
    assert full[3]["resident_id"] == GOOD_ID
    assert shown[0]["mobile"] == phone.mask("+8613800138000")
    assert shown[0]["resident_id"] == cn_resident_id.mask(GOOD_ID)
    assert shown[0]["name"] != "张伟"
    text = masked.read_text(encoding="utf-8-sig")
    assert GOOD_ID not in text
    assert "13800138000" not in text


def test_rejects_path_option(tmp_path: Path, runner: CliRunner) -> None:
    path = _small_file(tmp_path)
    target = tmp_path / "out" / "bad.csv"
    target.parent.mkdir()
    result = runner.invoke(cli, ["validate", str(path), "--rejects", str(target)])
    assert result.exit_code == 0
    assert len(_rejects(target)) == 4
    assert not (tmp_path / "book.rejects.csv").exists()


def test_mapping_file(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "other.csv"
    path.write_text(
        "单号,联系电话,车主\nP1,13800138000,张伟\nP2,1380013800,李娜\n", encoding="utf-8"
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps({"单号": "policy_no", "联系电话": "mobile", "车主": "name"}), encoding="utf-8"
    )
    result = runner.invoke(cli, ["validate", str(path), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert [r["row"] for r in _rejects(tmp_path / "other.rejects.csv")] == ["3"]


def test_the_imports_mapping_file_is_taken_as_it_is(tmp_path: Path, runner: CliRunner) -> None:
    # one mapping file for `custmaster validate` and `custmaster import`: its source columns
    # (observed_at, operator …) and document type are accepted, and reported as such
    path = tmp_path / "other.csv"
    path.write_text(
        "单号,出单时间X,坐席号,证件类别,证件号\n"
        "P1,2026-01-02,W01,台胞证,01234567\n"
        "P2,2026-01-03,W02,身份证,11010519491231002X\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "单号": "policy_no",
                "出单时间X": "observed_at",
                "坐席号": "operator",
                "证件类别": "document_type",
                "证件号": "resident_id",
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["validate", str(path), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "出单时间X → observed_at, 坐席号 → operator" in result.output
    assert "Not checked" not in result.output
    assert _rejects(tmp_path / "other.rejects.csv") == []
    imported = runner.invoke(
        cli,
        ["import", str(path), "--mapping", str(mapping), "--store", f"sqlite:///{tmp_path}/s.db"],
    )
    assert imported.exit_code == 0, imported.output
    assert "Imported 已导入 2" in imported.output


def test_xlsx_with_sheet_and_title_rows(tmp_path: Path, runner: CliRunner) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    sheet = workbook.create_sheet("客户")
    sheet.append(["客户清单（2026年12月）"])
    sheet.append(["保单号", "被保险人", "移动电话", "起保日期"])
    sheet.append(["P1", "张伟", 13800138000, dt.datetime(2026, 12, 4)])
    sheet.append(["P2", "李娜", "1380013800", 46360])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    result = runner.invoke(cli, ["validate", str(path), "--sheet", "客户"])
    assert result.exit_code == 0, result.output
    assert "header on row 2" in result.output
    assert [(r["row"], r["field"]) for r in _rejects(tmp_path / "book.rejects.csv")] == [
        ("4", "mobile")
    ]


def test_gbk_file_and_given_encoding(tmp_path: Path, runner: CliRunner) -> None:
    source = _small_file(tmp_path).read_text(encoding="utf-8-sig")
    path = tmp_path / "gbk.csv"
    path.write_bytes(source.encode("gbk"))
    for extra in ([], ["--encoding", "gbk"]):
        result = runner.invoke(cli, ["validate", str(path), *extra])
        assert result.exit_code == 0, result.output
        assert "gb18030" in result.output
        assert len(_rejects(tmp_path / "gbk.rejects.csv")) == 4


# --- exit codes -------------------------------------------------------------------------------


def test_unreadable_table_exits_65(tmp_path: Path, runner: CliRunner) -> None:
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 10)
    result = runner.invoke(cli, ["validate", str(binary)])
    assert result.exit_code == 65
    assert "file.encoding" in result.output

    unknown = tmp_path / "notes.csv"
    unknown.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(unknown)])
    assert result.exit_code == 65
    assert "file.no_known_columns" in result.output
    assert not (tmp_path / "notes.rejects.csv").exists()


def test_usage_errors_exit_64(tmp_path: Path, runner: CliRunner) -> None:
    path = _small_file(tmp_path)
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"保单号": "policy_number"}', encoding="utf-8")
    assert runner.invoke(cli, ["validate", str(path), "--mapping", str(mapping)]).exit_code == 64
    assert runner.invoke(cli, ["validate", str(path), "--reveal"]).exit_code == 64
    assert runner.invoke(cli, ["validate", str(path), "--rejects", str(path)]).exit_code == 64
    assert runner.invoke(cli, ["validate", str(path), "--encoding", "klingon"]).exit_code == 64
    assert path.read_text(encoding="utf-8-sig").startswith("保单号")  # never overwritten


def test_missing_excel_extra_exits_64(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "book.xlsx"
    openpyxl.Workbook().save(path)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 64
    assert "custmaster[excel]" in result.output


def test_command_line_mistakes_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["validate", str(tmp_path / "nope.csv")]).exit_code == 2
    assert runner.invoke(cli, ["validate"]).exit_code == 2
    assert runner.invoke(cli, ["nope"]).exit_code == 2


def test_unwritable_rejects_exits_74(tmp_path: Path, runner: CliRunner) -> None:
    path = _small_file(tmp_path)
    target = tmp_path / "missing-folder" / "r.csv"
    result = runner.invoke(cli, ["validate", str(path), "--rejects", str(target)])
    assert result.exit_code == 74
    assert "missing-folder" in result.output


def test_version_and_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
    result = runner.invoke(cli, ["--help"])
    assert "validate" in result.output
    result = runner.invoke(cli, ["validate", "--help"])
    for option in ("--encoding", "--mapping", "--rejects", "--output", "--sheet", "--reveal"):
        assert option in result.output


def test_every_command_is_documented() -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"custmaster {name}" in page, name
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None
        assert command.help
        for parameter in command.params:
            for option in parameter.opts:
                if option.startswith("--"):
                    assert option in page, option


# --- the shipped example -----------------------------------------------------------------------


def test_example_files_are_the_generator_output(generator: ModuleType) -> None:
    rows, _ = generator.build()
    text = generator.render(rows)
    assert (EXAMPLES / "customers.csv").read_bytes() == text.encode("utf-8-sig")
    assert (EXAMPLES / "customers-gbk.csv").read_bytes() == text.encode("gb18030")
    assert len(rows) == generator.ROWS >= 250


def test_example_rejects_exactly_the_planted_errors(
    tmp_path: Path, runner: CliRunner, generator: ModuleType
) -> None:
    _, planted = generator.build()
    assert 0.04 <= len(planted) / generator.ROWS <= 0.12
    for name in ("customers.csv", "customers-gbk.csv"):
        rejects = tmp_path / f"{name}.rejects.csv"
        result = runner.invoke(cli, ["validate", str(EXAMPLES / name), "--rejects", str(rejects)])
        assert result.exit_code == 0, result.output
        found = {int(r["row"]): r["column"] for r in _rejects(rejects)}
        assert found == planted, name
        assert f"{generator.ROWS} read" in result.output


def _personal_values(generator: ModuleType) -> set[str]:
    """Every ID number, phone number and name of the example, in raw and normalised form."""
    rows, _ = generator.build()
    values: set[str] = set()
    for row in rows:
        for column in ("身份证号", "移动电话", "家庭电话", "办公电话"):
            raw = row[column]
            digits = re.sub(r"\D", "", raw)
            if len(digits) >= 7:
                values.add(digits[-11:] if column == "移动电话" else digits)
            if cn_resident_id.is_valid(raw):
                values.add(cn_resident_id.validate(raw))
            if phone.is_valid(raw):
                values.add(phone.validate(raw).split(";")[0].lstrip("+"))
        if len(row["被保险人"]) >= 2:
            values.add(row["被保险人"])
    return values


def test_no_full_id_phone_or_name_in_screen_or_rejects(
    tmp_path: Path, runner: CliRunner, generator: ModuleType
) -> None:
    rejects = tmp_path / "r.csv"
    result = runner.invoke(
        cli, ["validate", str(EXAMPLES / "customers.csv"), "--rejects", str(rejects)]
    )
    assert result.exit_code == 0
    screen = result.output
    written = rejects.read_text(encoding="utf-8-sig")
    leaks = sorted(v for v in _personal_values(generator) if v in screen or v in written)
    assert not leaks, leaks[:5]


def test_a_real_process(tmp_path: Path) -> None:
    rejects = tmp_path / "r.csv"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "120"}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "custmaster",
            "validate",
            str(EXAMPLES / "customers-gbk.csv"),
            "--rejects",
            str(rejects),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "300 read" in completed.stdout
    assert "gb18030" in completed.stdout
    assert str(rejects) in completed.stdout
    assert "\x1b[" not in completed.stdout  # no colour or progress codes when not a terminal
    assert len(_rejects(rejects)) >= 1

    script = Path(sys.executable).with_name("custmaster")
    if script.exists():
        completed = subprocess.run(
            [str(script), "validate", str(tmp_path / "missing.csv")],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 2
        assert "does not exist" in completed.stderr


def test_cli_reference_shows_the_current_help() -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        block = re.search(
            rf"<!-- help:{name} -->\n```text\n(.*?)```\n<!-- /help:{name} -->", page, re.S
        )
        assert block is not None, f"docs/cli.md has no help block for {name}"
        result = CliRunner().invoke(cli, [name, "--help"], terminal_width=100)
        shown = [line.rstrip() for line in result.output.splitlines()]
        documented = [line.rstrip() for line in block.group(1).splitlines()]
        assert documented == shown, f"update the help of {name} in docs/cli.md"


def test_placeholders_are_read_as_empty_and_reported(tmp_path: Path, runner: CliRunner) -> None:
    # A new car insured before registration says so in the plate column; an engine number of
    # zeros and a name such as 先生 alone are placeholders too. The rows are not rejected.
    path = tmp_path / "新车.csv"
    path.write_text(
        "保单号,被保险人,车牌号,发动机号,移动电话,客户地址\n"
        "P1,张三,新车未上牌,000000,13800138000,福建省厦门市思明区湖滨南路1号\n"
        "P2,先生,待上牌,K24Z71234567,13800138001,同上\n"
        "P3,李四,闽D·12388,,手机：,详见附件\n"
        "P4,王五,闽D*****,,13800138003,\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "车牌号 2, 发动机号 1, 移动电话 1, 客户地址 2" in result.output
    summary = validate_file(path)
    by_field = {c.field: (c.valid, c.invalid, c.empty, c.placeholders) for c in summary.columns}
    assert by_field["plate"] == (1, 1, 2, 2)
    assert by_field["engine_no"] == (1, 0, 3, 1)
    assert by_field["name"] == (3, 0, 1, 1)
    assert by_field["mobile"] == (3, 0, 1, 1)  # a phone cell with no number: 手机：
    assert by_field["address"] == (1, 0, 3, 2)
    assert summary.placeholders == 7
    # a masked plate is no placeholder: the full value is needed, and the row is rejected
    assert summary.codes == (("cn_plate.masked", 1),)


def test_the_output_shows_where_a_document_type_sent_the_identity_column(tmp_path: Path) -> None:
    path = tmp_path / "证件.csv"
    path.write_text(
        "保单号,被保险人,证件类型,证件号码\n"
        "P1,陈志明,台胞证,0123 4567\n"
        "P2,厦门鹭江物流有限公司,统一社会信用代码,91350200MA2Y12345E\n"
        "P3,张伟,身份证,11010519491231002X\n",
        encoding="utf-8",
    )
    masked, revealed = tmp_path / "masked.csv", tmp_path / "revealed.csv"
    validate_file(path, output=masked)
    validate_file(path, output=revealed, reveal=True)
    cells = [(r["证件类型"], r["resident_id"]) for r in _rejects(masked)]
    assert cells == [
        ("台胞证", "0*****67"),  # the id_document mask, as its repr shows it
        ("统一社会信用代码", "91************345E"),
        ("身份证", "110***********002X"),
    ]
    assert [r["resident_id"] for r in _rejects(revealed)] == [
        "01234567",
        "91350200MA2Y12345E",
        "11010519491231002X",
    ]
    assert "01234567" not in masked.read_text(encoding="utf-8-sig")
