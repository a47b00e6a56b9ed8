"""``custmaster quality``: the summary, the CSV, rules from options, permissions, progress."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

import custmaster.cli.quality as quality_cli
from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG
from custmaster.cli import cli
from custmaster.model import ContactEvent, Provenance, SourceRecord
from custmaster.privacy.masking import scan_for_personal_data
from custmaster.service import Service
from custmaster.workflows.quality import CSV_COLUMNS

NAMES = ["张伟", "李娜", "李那", "王强", "赵敏", "湖滨南路", "嘉禾路", "建国路"]


def _rec(ref: str, when: str, channel: str = "core_system", **fields: Any) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields
    )


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/quality.db"
    with Service.open(url) as service:
        service.ingest(
            [
                _rec("P1", "2026-06-01", name="张伟", resident_id=ID_ZHANG, mobile="13800138000",
                     address="福建省厦门市思明区湖滨南路1号"),
                _rec("P2", "2026-05-01", name="李娜", resident_id=ID_LI, mobile="13900139000",
                     address="福建省厦门市湖里区嘉禾路8号", policy_no="PDAA2"),
                _rec("B2", "2026-07-01", "claim_report", name="李那", policy_no="PDAA2"),
                _rec("P3", "2024-03-01", name="王强", resident_id=ID_WANG, mobile="13700137000",
                     address="北京市朝阳区建国路2号"),
                _rec("B4", "2026-08-01", "claim_report", name="赵敏", mobile="13900139000"),
            ]
        )  # fmt: skip
        wang = service.find(resident_id=ID_WANG)[0]
        service.add_event(
            wang.id,
            ContactEvent(id="CB-3", at="2026-09-01T10:00:00+08:00", channel="callback",
                         method="call", contact_kind="mobile", contact_value="13700137000",
                         outcome="空号"),
        )  # fmt: skip
    return url


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _masked(text: str) -> None:
    assert scan_for_personal_data(text, NAMES) == (), text
    for value in (ID_ZHANG, ID_LI, ID_WANG, "13800138000", "13900139000"):
        assert value not in text


def test_quality_prints_the_summary_and_writes_the_csv(store: str, tmp_path: Path) -> None:
    output = tmp_path / "quality.csv"
    result = run("quality", "--store", store, "--as-of", "2026-12-01", "--output", str(output))
    assert result.exit_code == 0, result.output
    text = result.output
    assert "as of 2026-12-01" in text
    assert "stale after 365 days; sources compared over 730 days" in text
    assert "customers 客户" in text
    assert "(4 persons, 0 organisations)" in text
    assert "without any issue 无问题" in text
    for code in ("open_candidate", "wrong_number", "missing_mobile", "conflicting_sources",
                 "missing_id", "stale_contact"):  # fmt: skip
        assert code in text, code
    assert "Wrote 4 rows to" in text
    _masked(text)
    content = output.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 4
    assert sorted(int(r["open_pairs"]) for r in rows) == [0, 0, 1, 1]
    assert sum(int(r["wrong_numbers"]) for r in rows) == 1
    assert any("wrong_number:mobile" in r["issues"] for r in rows)
    _masked(content)


def test_without_output_nothing_is_written(store: str, tmp_path: Path) -> None:
    result = run("quality", "--store", store, "--as-of", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert "Wrote" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quality.db"]


def test_options_become_rules(store: str) -> None:
    base = run("quality", "--store", store, "--as-of", "2026-12-01")
    assert "stale_contact" in base.output
    lenient = run("quality", "--store", store, "--as-of", "2026-12-01", "--stale-days", "2000",
                  "--conflict-days", "30", "--weight", "open_candidate=0",
                  "--weight", "missing_mobile=50", "--no-shared-numbers")  # fmt: skip
    assert lenient.exit_code == 0, lenient.output
    assert "stale after 2000 days; sources compared over 30 days" in lenient.output
    assert "stale_contact" not in lenient.output
    assert "conflicting_sources" not in lenient.output
    assert "(0 stale, 1 reported wrong)" in lenient.output
    table = {line.split("│")[1].strip(): line for line in lenient.output.splitlines()
             if line.startswith("│")}  # fmt: skip
    assert table["open_candidate"].rstrip("│ ").endswith("0")
    assert table["missing_mobile"].rstrip("│ ").endswith("50")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--weight", "missing_mobile"], 64),
        (["--weight", "typo=3"], 64),
        (["--weight", "missing_mobile=101"], 64),
        (["--as-of", "yesterday"], 64),
        (["--stale-days", "0"], 2),
    ],
)
def test_bad_options_exit_with_usage_codes(store: str, args: list[str], code: int) -> None:
    result = CliRunner().invoke(cli, ["quality", "--store", store, *args])
    assert result.exit_code == code, result.output


def test_writing_the_csv_needs_the_export_permission(store: str, tmp_path: Path) -> None:
    output = tmp_path / "quality.csv"
    denied = CliRunner().invoke(cli, ["quality", "--store", store, "--user", "wang.fang",
                                      "--role", "operator", "--output", str(output)])  # fmt: skip
    assert denied.exit_code == 77, denied.output
    assert "permission.export" in denied.output
    assert not output.exists()
    reading = run("quality", "--store", store, "--user", "wang.fang", "--role", "operator")
    assert reading.exit_code == 0, reading.output
    allowed = run("quality", "--store", store, "--user", "li.qiang", "--role", "supervisor",
                  "--output", str(output))  # fmt: skip
    assert allowed.exit_code == 0, allowed.output
    assert output.exists()


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record the progress callback each quality_report call received."""
    calls: list[Any] = []
    real = quality_cli.quality_report

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("progress"))
        return real(*args, **kwargs)

    monkeypatch.setattr(quality_cli, "quality_report", spy)
    return calls


def test_a_progress_bar_on_a_terminal_for_large_stores(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _spy(monkeypatch)
    screen = io.StringIO()
    monkeypatch.delenv("CUSTMASTER_NO_PROGRESS", raising=False)
    monkeypatch.setattr(quality_cli, "console",
                        lambda: Console(file=screen, force_terminal=True, width=120))  # fmt: skip
    monkeypatch.setattr(quality_cli, "PROGRESS_FROM", 1)
    assert run("quality", "--store", store).exit_code == 0
    assert callable(calls[-1])
    assert "Assessing customers" in screen.getvalue()
    # A small store: no bar even on a terminal.
    monkeypatch.setattr(quality_cli, "PROGRESS_FROM", 1000)
    assert run("quality", "--store", store).exit_code == 0
    assert calls[-1] is None


def test_quiet_when_not_a_terminal(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _spy(monkeypatch)
    monkeypatch.setattr(quality_cli, "PROGRESS_FROM", 1)
    result = run("quality", "--store", store)
    assert result.exit_code == 0
    assert calls == [None]
    assert "Assessing" not in result.output
    assert "\x1b[" not in result.output


def test_the_command_runs_as_a_program(store: str, tmp_path: Path) -> None:
    output = tmp_path / "q.csv"
    done = subprocess.run(
        [sys.executable, "-m", "custmaster", "quality", "--store", store, "--output", str(output)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Data quality 数据质量" in done.stdout
    assert len(output.read_text(encoding="utf-8-sig").splitlines()) == 5
    _masked(done.stdout)
