"""``custmaster backup``, ``export-store``, ``import-store`` and ``copy-store``, driven as a
user would: the copies hold the same customers, the files need the right permissions, and
nothing personal is printed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from _store_helpers import Schemas, postgres_url
from _workflow_helpers import SHARED_MOBILE, family_sharing_a_phone
from custmaster.cli import cli
from custmaster.service import Service
from custmaster.workflows.callbacks import record_callback

ADMIN = ["--user", "dpo.zhou", "--role", "administrator"]


def _book(url: str) -> None:
    with Service.open(url) as service:
        family_sharing_a_phone(service)
        record_callback(service, SHARED_MOBILE, "错号", at="2026-03-01 10:00", operator="王芳")


def _customers(url: str) -> list[object]:
    with Service.open(url) as service:
        return [(c.id, c.resident_id, c.contact_points) for c in service.store.iter_customers()]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture
def source(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/book.db"
    _book(url)
    return url


def test_a_backup_is_a_store_with_the_same_customers(source: str, tmp_path: Path) -> None:
    code, out = _run("backup", str(tmp_path / "copy.db"), "--store", source)
    assert code == 0, out
    assert _customers(f"sqlite:///{tmp_path}/copy.db") == _customers(source)
    assert len(_customers(source)) == 3
    code, out = _run("backup", str(tmp_path / "copy.db"), "--store", source)
    assert code == 74  # the target exists
    code, out = _run("backup", str(tmp_path / "m.db"), "--store", "memory://")
    assert code == 64
    assert "no file backup" in out


def test_an_export_needs_a_named_user_who_may_reveal(source: str, tmp_path: Path) -> None:
    file = tmp_path / "book.jsonl"
    code, _ = _run("export-store", str(file), "--store", source)
    assert code == 77
    assert not file.exists()
    code, _ = _run(
        "export-store", str(file), "--store", source, "--user", "li", "--role", "operator"
    )
    assert code == 77
    code, out = _run("export-store", str(file), "--store", source, *ADMIN)
    assert code == 0, out
    assert "customer 3" in out
    assert "张伟" not in out
    assert SHARED_MOBILE not in out
    target = f"sqlite:///{tmp_path}/loaded.db"
    code, out = _run("import-store", str(file), "--store", target)
    assert code == 0, out
    assert _customers(target) == _customers(source)
    code, out = _run("import-store", str(file), "--store", target)
    assert code == 74  # not empty any more
    with Service.open(target) as loaded:
        assert [entry.operation for entry in loaded.store.audit()][-1] == "store.import"
        assert loaded.verify_audit().ok
    with Service.open(source) as original:
        assert [entry.operation for entry in original.store.audit()][-1] == "store.export"


@pytest.fixture
def postgres_target() -> Iterator[str]:
    schemas = Schemas(postgres_url())
    try:
        yield schemas.new()
    finally:
        schemas.drop_all()


def test_copy_to_postgresql_and_back_gives_the_same_customers(
    source: str, postgres_target: str, tmp_path: Path
) -> None:
    code, out = _run("copy-store", "--store", source, "--to", postgres_target)
    assert code == 0, out
    assert "postgresql" in out
    assert _customers(postgres_target) == _customers(source)
    back = f"sqlite:///{tmp_path}/back.db"
    code, out = _run("copy-store", "--store", postgres_target, "--to", back)
    assert code == 0, out
    assert _customers(back) == _customers(source)
    with Service.open(back) as service:
        (zhang, li) = service.find(phone=SHARED_MOBILE)
        assert zhang.callable_contacts() == li.callable_contacts() == ()  # the wrong number
        assert service.verify_audit().ok
