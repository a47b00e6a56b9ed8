"""``custmaster demo`` and ``custmaster import`` as real processes; the demo's masked output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from _workflow_helpers import ID_ZHANG, write_csv
from custmaster.cli import cli
from custmaster.privacy.masking import scan_for_personal_data


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTMASTER_")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _truth_values(folder: Path) -> list[str]:
    """Names, IDs and mobiles of the synthetic people (when the generator wrote its truth)."""
    path = folder / "truth.jsonl"
    if not path.exists():
        return []
    values: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        for key in ("name", "resident_id", "uscc"):
            if isinstance(data.get(key), str) and len(data[key]) >= 2:
                values.append(data[key])
    return values


@pytest.mark.slow
def test_demo_end_to_end_in_a_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "custmaster", "demo", "--dir", "book", "--people", "40"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(),
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert (tmp_path / "custmaster.db").exists()  # the default store, in the current directory
    for name in ("core_system.csv", "endorsements.csv", "callback.csv", "core_system.rejects.csv"):
        assert (tmp_path / "book" / name).exists(), name
    renewals = list((tmp_path / "book").glob("renewals-2027-01.*"))
    assert len(renewals) == 1
    assert "Imported 导入" in out
    assert "Customer 客户 C" in out
    assert "Renewal list 续保清单 2027-01" in out
    assert "custmaster show C" in out
    assert "\x1b[" not in out
    assert not scan_for_personal_data(out, _truth_values(tmp_path / "book"))

    # Again, in-process on the same store: nothing is added twice.
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("CUSTMASTER_")]:
        monkeypatch.delenv(name)
    again = CliRunner().invoke(cli, ["demo", "--dir", "book", "--people", "40"])
    assert again.exit_code == 0, again.output
    assert "0 applied (none new)" in again.output
    assert "0 events for" in again.output


def test_demo_falls_back_to_the_shipped_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from custmaster.workflows import demo

    monkeypatch.setattr(demo, "_synth", lambda: None)
    result = CliRunner().invoke(
        cli, ["demo", "--store", "memory://", "--dir", str(tmp_path / "sample")]
    )
    assert result.exit_code == 0, result.output
    assert "the sample book shipped with custmaster" in result.output
    assert (tmp_path / "sample" / "core_system.csv").read_bytes()[:6].decode("gb18030") == "保单号"
    assert "Renewal list 续保清单 2027-01" in result.output


def test_import_in_a_process(tmp_path: Path) -> None:
    core = write_csv(
        tmp_path / "核心.csv",
        ("保单号", "被保险人", "身份证号", "移动电话", "终保日期"),
        [["P1", "张伟", ID_ZHANG, "13800138000", "2027-01-04"]],
        encoding="gb18030",
    )
    store = f"sqlite:///{tmp_path}/book.db"
    completed = subprocess.run(
        [sys.executable, "-m", "custmaster", "import", str(core), "--store", store],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(),
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "new customers 新客户 1" in completed.stdout
    assert "13800138000" not in completed.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "custmaster", "import", str(core), "--store", "nosuch://x"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(),
        timeout=120,
        check=False,
    )
    assert bad.returncode == 74
    assert "store.unknown_scheme" in bad.stderr
