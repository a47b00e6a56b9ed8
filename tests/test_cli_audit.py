"""``custmaster audit``: list, verify (exit 65 on a broken chain, --head) and export."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from custmaster.audit import AuditEntry, verify
from custmaster.cli import cli
from custmaster.model import Provenance, SourceRecord
from custmaster.privacy.access import User
from custmaster.service import Service

AUDITOR = ["--user", "li.na", "--role", "auditor"]


def _book(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/book.db"
    with Service.open(url, user=User("wang.fang", roles=["supervisor"])) as service:
        service.ingest_one(
            SourceRecord(
                provenance=Provenance(
                    channel="core_system", source_ref="R1", observed_at="2026-01-05"
                ),
                resident_id="11010519491231002X",
                name="张伟",
                mobile="13800138000",
            )
        )
        service.find(phone="13800138000")
        service.authorize_export("renewals", rows=1)
    return url


def _run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["audit", "--store", url, *AUDITOR, *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_entries_filtered_and_masked(tmp_path: Path) -> None:
    url = _book(tmp_path)
    code, out, _ = _run(url, "list")
    assert code == 0
    assert "3 entries" in out
    assert "C00000001" in out
    assert "wang.fang" not in out  # staff names masked like every name on screen
    assert "13800138000" not in out
    code, out, _ = _run(url, "list", "--customer", "C00000001")
    assert "1 entries" in out
    code, out, _ = _run(url, "list", "--user", "nobody")
    assert "0 entries" in out
    code, out, _ = _run(url, "list", "--operation", "export", "--since", "2000-01-01")
    assert "1 entries" in out
    code, out, _ = _run(url, "list", "--until", "2000-01-01")
    assert "0 entries" in out
    code, _, err = _run(url, "list", "--since", "yesterday")
    assert code == 64
    assert "--since" in err


def test_verify_prints_the_head_and_checks_against_it(tmp_path: Path) -> None:
    url = _book(tmp_path)
    code, out, _ = _run(url, "verify")
    assert code == 0
    assert "3 entries" in out
    head = out.strip().splitlines()[-1].split()[-1]
    assert head.startswith("3:")
    assert _run(url, "verify", "--head", head)[0] == 0
    code, _, err = _run(url, "verify", "--head", "3:abc")
    assert code == 64
    raw = sqlite3.connect(f"{tmp_path}/book.db", isolation_level=None)
    raw.execute("DROP TRIGGER cm_audit_append_only_update")
    raw.execute("DROP TRIGGER cm_audit_append_only_delete")
    raw.execute("UPDATE cm_audit SET fields = '[]' WHERE seq = 1")
    raw.execute("DELETE FROM cm_audit WHERE seq = 3")
    raw.close()
    code, out, err = _run(url, "verify")
    assert code == 65
    assert "audit.altered" in out
    assert "audit.tampered" in err
    code, out, _ = _run(url, "verify", "--head", head)
    assert code == 65
    assert "audit.truncated" in out


def test_export_writes_json_lines_that_verify(tmp_path: Path) -> None:
    url = _book(tmp_path)
    target = tmp_path / "audit.jsonl"
    code, out, _ = _run(url, "export", str(target))
    assert code == 0
    assert "3 audit entries" in out
    lines = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert verify(lines).ok
    assert [AuditEntry.from_dict(line).operation for line in lines] == ["entry", "query", "export"]


def test_reading_the_log_needs_the_audit_permission(tmp_path: Path) -> None:
    url = _book(tmp_path)
    result = CliRunner().invoke(
        cli, ["audit", "--store", url, "--user", "zhao", "--role", "operator", "verify"]
    )
    assert result.exit_code == 77
    assert "permission.audit" in result.stderr
