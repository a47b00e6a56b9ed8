"""Helpers shared by the storage tests: PostgreSQL schemas per test run, the CI rule,
numbered resident IDs and importer subprocesses.

PostgreSQL tests run against the server named by ``CUSTMASTER_TEST_POSTGRES_URL``, each store
in a fresh schema (``cm_test_<random>``) dropped afterwards. Without the variable a local run
skips them with the reason shown; under ``CI=true`` a missing variable or an unreachable
server is a failure, never a skip.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from custmaster.testing.strategies import resident_id_check_char

ENV = "CUSTMASTER_TEST_POSTGRES_URL"
ROOT = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    """Whether the tests run under CI (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() == "true"


def postgres_url() -> str:
    """The test server's URL; skips (fails under CI) when it is missing or unreachable."""
    url = os.environ.get(ENV, "").strip()
    if not url:
        reason = f"PostgreSQL tests need {ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)"
        if in_ci():
            pytest.fail(f"CI=true but {ENV} is not set: {reason}")
        pytest.skip(reason)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the test extra brings psycopg
        if in_ci():
            pytest.fail("CI=true but psycopg is not installed")
        pytest.skip("psycopg is not installed: pip install 'custmaster[postgres]'")
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        message = f"cannot reach the PostgreSQL server of {ENV}: {str(error).splitlines()[0]}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return url


class Schemas:
    """Fresh schemas on the test server, all dropped by `drop_all`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.names: list[str] = []

    def new(self) -> str:
        """A store URL naming a new, empty schema."""
        import psycopg

        name = f"cm_test_{secrets.token_hex(6)}"
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{name}"')
        self.names.append(name)
        separator = "&" if "?" in self.url else "?"
        return f"{self.url}{separator}schema={name}"

    def drop_all(self) -> None:
        import psycopg

        if not self.names:
            return
        # One schema per statement: dropping dozens at once locks every object of all of
        # them in one transaction, which can exhaust the server's shared lock table.
        with psycopg.connect(self.url, autocommit=True) as connection:
            for name in self.names:
                connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        self.names.clear()


def schemas() -> Iterator[Schemas]:
    """Body of a fixture: yields `Schemas` on the test server and drops them afterwards."""
    made = Schemas(postgres_url())
    try:
        yield made
    finally:
        made.drop_all()


#: The statements every ingest or lookup runs, with sample values.
LOOKUPS = [
    "SELECT customer_id, payload FROM cm_index WHERE kind = 'phone' AND key = '+8613800138000'",
    "SELECT key FROM cm_index WHERE customer_id = 'C00000001' AND kind = 'resident_id'",
    "SELECT kind, key, payload FROM cm_index WHERE customer_id = 'C00000001' AND grp = 'x'",
    "SELECT customer_id, body FROM cm_records WHERE channel = 'core_system' AND source_ref = 'R1'",
    "SELECT body FROM cm_records WHERE customer_id = 'C00000001' ORDER BY seq",
    "SELECT version FROM cm_customers WHERE id = 'C00000001'",
    "SELECT target FROM cm_aliases WHERE alias = 'C00000001'",
    "SELECT body FROM cm_pairs WHERE key_a = 'C1' AND key_b = 'C2' ORDER BY saved DESC LIMIT 1",
    "SELECT body FROM cm_pairs WHERE a = 'C1'",
    "SELECT body FROM cm_decisions WHERE key_a = 'C1' AND key_b = 'C2' ORDER BY seq DESC LIMIT 1",
    "SELECT body FROM cm_events WHERE customer_id = 'C1'",
    "SELECT body FROM cm_events WHERE contact_value = '+8613800138000'",
    "SELECT id FROM cm_customers WHERE id > 'C1' ORDER BY id LIMIT 500",
]


def numbered_resident_id(n: int, prefix: str = "350203198503") -> str:
    """A valid resident ID, a different one for each ``n`` below 27,900: ``prefix`` (region,
    birth year and month), then the day ``1 + n // 900`` and the sequence ``n % 900 + 100``."""
    body = f"{prefix}{1 + n // 900:02d}{n % 900 + 100:03d}"
    return body + resident_id_check_char(body)


def run_workers(
    script: str, argvs: Sequence[Sequence[str]], *, timeout: float = 300
) -> list[dict[str, Any]]:
    """Run ``python -c script`` once per argument list, all at once, each a real process
    with this checkout's ``src`` and ``tests`` importable; the JSON each printed last.

    A worker that fails fails the test with its standard error.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(ROOT / "src"), str(ROOT / "tests")))}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for argv in argvs
    ]
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=timeout)
        assert worker.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports
