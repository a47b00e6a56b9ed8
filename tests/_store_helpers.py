"""Helpers shared by the storage tests: PostgreSQL schemas per test run, and the CI rule.

PostgreSQL tests run against the server named by ``CUSTMASTER_TEST_POSTGRES_URL``, each store
in a fresh schema (``cm_test_<random>``) dropped afterwards. Without the variable a local run
skips them with the reason shown; under ``CI=true`` a missing variable or an unreachable
server is a failure, never a skip.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

ENV = "CUSTMASTER_TEST_POSTGRES_URL"


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
