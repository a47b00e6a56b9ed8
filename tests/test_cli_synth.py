"""``custmaster synth``: files, summary, options, masking; via CliRunner and a real process."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from custmaster.cli import cli
from custmaster.cli import synth as synth_command
from custmaster.testing.synth import (
    DEFAULT_AS_OF,
    ENCODINGS,
    FILES,
    generate,
    read_truth,
    write_csv,
)


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["synth", *args], terminal_width=120)
    return result.exit_code, result.output


def _rows(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def test_writes_every_file_and_a_summary_of_counts(tmp_path: Path) -> None:
    code, output = _invoke(str(tmp_path), "--seed", "4", "--people", "60")
    assert code == 0, output
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {f"{layout.name}.csv" for layout in FILES} | {"truth.jsonl"}
    truth = list(read_truth(tmp_path / "truth.jsonl"))
    assert sum(t.kind == "person" for t in truth) == 60
    assert sum(t.kind == "organisation" for t in truth) == 3  # one for every 20 people
    core = _rows(tmp_path / "core_system.csv")
    assert f"{len(core):,}" in output
    total = sum(len(_rows(tmp_path / f"{layout.name}.csv")) for layout in FILES)
    assert f"{total:,}" in output
    assert "60 people and 3 organisations" in output
    assert "Planted defects" in output
    # counts only: no name, ID number or phone number of the book is shown
    for person in truth:
        assert person.name not in output
        if person.resident_id:
            assert person.resident_id not in output
        assert all(number[3:] not in output for number in person.phones)


def test_same_files_as_the_api_for_the_same_options(tmp_path: Path) -> None:
    code, output = _invoke(
        str(tmp_path / "cli"), "--seed", "2", "--people", "25", "--organisations", "0",
        "--years", "2", "--as-of", "2025-06-30",
    )  # fmt: skip
    assert code == 0, output
    import datetime as dt

    book = generate(seed=2, people=25, organisations=0, years=2, as_of=dt.date(2025, 6, 30))
    write_csv(book, tmp_path / "api")
    for path in sorted((tmp_path / "api").iterdir()):
        assert path.read_bytes() == (tmp_path / "cli" / path.name).read_bytes(), path.name


def test_gbk_encoding_and_no_noise(tmp_path: Path) -> None:
    code, output = _invoke(str(tmp_path), "--people", "30", "--encoding", "GBK", "--noise", "0")
    assert code == 0, output
    rows = _rows(tmp_path / "core_system.csv", encoding="gbk")
    assert rows
    assert all(len(row["身份证号"]) in (0, 18) for row in rows)
    with (tmp_path / "truth.jsonl").open(encoding="utf-8") as handle:
        kinds = {d[3] for line in handle for d in json.loads(line)["defects"]}
    assert not kinds & {"format", "legacy_id", "name_typo", "honorific", "id_typo"}


def test_xlsx_workbooks(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    code, output = _invoke(str(tmp_path), "--people", "10", "--format", "xlsx")
    assert code == 0, output
    sheet = load_workbook(tmp_path / "core_system.xlsx", read_only=True).active
    header = next(sheet.iter_rows(values_only=True))
    assert header == FILES[0].headers
    assert (tmp_path / "truth.jsonl").exists()


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    for args in (
        ["--people", "-1"],
        ["--years", "11"],
        ["--encoding", "latin-1"],
        ["--format", "json"],
        ["--as-of", "01/12/2026"],
        ["--noise", "-0.5"],
    ):
        code, output = _invoke(str(tmp_path), *args)
        assert code == 2, (args, output)
    target = tmp_path / "a-file"
    target.write_text("x", encoding="utf-8")
    code, _ = _invoke(str(target))
    assert code == 2


def test_help_names_the_files() -> None:
    code, output = _invoke("--help")
    assert code == 0
    for layout in FILES:
        assert layout.name in output


def test_a_real_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "custmaster", "synth", str(tmp_path), "--people", "20",
         "--seed", "1"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "20 people" in done.stdout
    write_csv(generate(seed=1, people=20), tmp_path / "api")
    digest = hashlib.sha256((tmp_path / "core_system.csv").read_bytes()).hexdigest()
    assert digest == hashlib.sha256((tmp_path / "api" / "core_system.csv").read_bytes()).hexdigest()


def test_options_repeat_the_librarys_choices() -> None:
    assert synth_command.ENCODINGS == ENCODINGS
    assert DEFAULT_AS_OF.isoformat() == synth_command._DEFAULT_AS_OF


def test_without_the_testing_extra_the_command_names_it(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "from custmaster.cli import main\n"
        "sys.argv = ['custmaster', 'synth', sys.argv[1]]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 64, done.stderr
    assert "custmaster[testing]" in done.stderr
    assert "Traceback" not in done.stderr
