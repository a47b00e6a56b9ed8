"""``custmaster erase``, ``restrict`` and ``export-subject`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from custmaster.cli import cli
from custmaster.errors import NotFoundError
from custmaster.privacy.masking import scan_for_personal_data
from custmaster.store import open_store
from custmaster.testing.contract import ID_F, ID_M, base_records, personal_values_left

ADMIN = ("--user", "dpo.zhou", "--role", "administrator")


def run(*args: str, given: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=given, catch_exceptions=False)


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/subject.db"
    with open_store(url) as made:
        made.ingest(base_records())
    return url


def _masked(result: Result) -> None:
    assert not scan_for_personal_data(result.output, ["张伟", "李娜"]), result.output
    assert personal_values_left(result.output) == []
    assert ID_F not in result.output


def test_erase_asks_then_erases_and_audits(store: str, tmp_path: Path) -> None:
    declined = run(
        "erase", "C00000001", "--reason", "PIPL-1", "--store", store, *ADMIN, given="n\n"
    )
    assert declined.exit_code == 1
    with open_store(store) as check:
        assert check.tombstone("C00000001") is None
    result = run("erase", "C00000001", "--reason", "PIPL-1", "--yes", "--store", store, *ADMIN)
    assert result.exit_code == 0, result.output
    assert "Erased 已删除 C00000001: 3 source records" in result.output
    _masked(result)
    with open_store(store) as check:
        assert check.tombstone("C00000001").by == "dpo.zhou"  # type: ignore[union-attr]
        with pytest.raises(NotFoundError):
            check.get("C00000001")
        (entry,) = check.audit(operation="subject.erase")
        assert entry.user == "dpo.zhou"
    shown = run("show", "C00000001", "--store", store)
    assert shown.exit_code == 66
    assert "store.customer_erased" in shown.output
    raw = (tmp_path / "subject.db").read_bytes()
    assert ID_M.encode() not in raw


def test_erase_needs_the_delete_permission_and_a_reason(store: str) -> None:
    clerk = run("erase", "C00000001", "--reason", "x", "--yes", "--store", store,
                "--user", "wang", "--role", "supervisor")  # fmt: skip
    assert clerk.exit_code == 77
    assert "permission.delete" in clerk.output
    assert run("erase", "C00000001", "--yes", "--store", store, *ADMIN).exit_code == 2
    assert (
        run("erase", "C09999999", "--reason", "x", "--yes", "--store", store, *ADMIN).exit_code
        == 66
    )


def test_restrict_and_lift(store: str) -> None:
    result = run("restrict", "C00000002", "--reason", "PIPL-2", "--store", store, *ADMIN)
    assert result.exit_code == 0, result.output
    assert "Restricted 已限制处理 C00000002" in result.output
    _masked(result)
    expiring = run("expiring", "2027-02", "--store", store)
    assert "PDAA2" not in expiring.output
    assert run("show", "C00000002", "--store", store).exit_code == 0
    lifted = run(
        "restrict", "C00000002", "--lift", "--reason", "PIPL-2 done", "--store", store, *ADMIN
    )
    assert lifted.exit_code == 0, lifted.output
    assert "Lifted 已解除限制 C00000002" in lifted.output
    assert "PDAA2" in run("expiring", "2027-02", "--store", store).output
    again = run("restrict", "C00000002", "--lift", "--reason", "x", "--store", store, *ADMIN)
    assert again.exit_code == 64
    assert "store.not_restricted" in again.output
    with open_store(store) as check:
        operations = [e.operation for e in check.audit(customer_id="C00000002")]
    assert operations == ["subject.restrict", "subject.lift"]


def test_export_subject_writes_the_full_copy_and_prints_masked(store: str, tmp_path: Path) -> None:
    target = tmp_path / "C00000001.json"
    program = run("export-subject", "C00000001", "-o", str(target), "--store", store)
    assert program.exit_code == 77
    assert not target.exists()
    result = run("export-subject", "C00000001", "-o", str(target), "--store", store, *ADMIN)
    assert result.exit_code == 0, result.output
    _masked(result)
    assert "3 source records" in result.output
    data = json.loads(target.read_text("utf-8"))
    assert data["customer"]["resident_id"] == ID_M
    assert data["customer_id"] == "C00000001"
    with open_store(store) as check:
        (entry,) = check.audit(operation="subject.export")
    assert entry.customer_id == "C00000001"
