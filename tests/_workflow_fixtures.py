"""Fixtures of the workflow and CLI tests (a plugin: ``pytest_plugins = ["_workflow_fixtures"]``).

`service` is parametrised over the memory store, SQLite (a file in ``tmp_path``) and PostgreSQL
(a fresh schema on the server of ``CUSTMASTER_TEST_POSTGRES_URL``; skipped with the reason when
unset, a failure under ``CI=true``, see ``_store_helpers``).

PYTEST_DONT_REWRITE: the module holds no assertions, and the doctest collector imports it
before the test modules register it as a plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from _store_helpers import Schemas, postgres_url
from custmaster.service import Service

STORES = ("memory", "sqlite", "postgresql")


def store_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh store URL of ``kind``."""
    if kind == "memory":
        return "memory://"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/workflows.db"
    made = Schemas(postgres_url())
    request.addfinalizer(made.drop_all)
    return made.new()


@pytest.fixture(params=STORES)
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    """A `Service` without a user on a fresh store of each kind."""
    opened = Service.open(store_url(request.param, tmp_path, request))
    try:
        yield opened
    finally:
        opened.close()
