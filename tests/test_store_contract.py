"""The store contract (`custmaster.testing.contract`) on every adapter: memory, SQLite, PostgreSQL.

PostgreSQL runs when ``CUSTMASTER_TEST_POSTGRES_URL`` is set (each store in its own schema,
dropped afterwards); without it the PostgreSQL tests are skipped with the reason shown, and
under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from _store_helpers import Schemas, schemas
from custmaster.privacy.crypto import Keyring
from custmaster.store import MemoryStore
from custmaster.store.postgres import PostgresStore
from custmaster.store.sqlite import SQLiteStore
from custmaster.testing.contract import Capabilities, StoreContract, StoreFactory


class TestMemoryStore(StoreContract):
    capabilities = Capabilities()

    @pytest.fixture
    def store_factory(self) -> StoreFactory:
        return MemoryStore


class TestSQLiteStore(StoreContract):
    capabilities = Capabilities(
        durable=True,
        supports_concurrency=True,
        supports_backup=True,
        supports_jsonl=True,
        supports_bulk=True,
    )

    @pytest.fixture
    def store_factory(self, tmp_path: Path) -> StoreFactory:
        numbers = itertools.count()
        return lambda **options: SQLiteStore(
            f"sqlite:///{tmp_path}/store-{next(numbers)}.db", **options
        )


class TestSQLiteMemoryStore(StoreContract):
    """``sqlite://``: the SQLite adapter on an in-memory database."""

    capabilities = Capabilities(supports_backup=True, supports_jsonl=True, supports_bulk=True)

    @pytest.fixture
    def store_factory(self) -> StoreFactory:
        return lambda **options: SQLiteStore("sqlite://", **options)


@pytest.fixture(scope="module")
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


class TestPostgresStore(StoreContract):
    capabilities = Capabilities(
        durable=True, supports_concurrency=True, supports_jsonl=True, supports_bulk=True
    )

    @pytest.fixture
    def store_factory(self, postgres_schemas: Schemas) -> StoreFactory:
        return lambda **options: PostgresStore(postgres_schemas.new(), **options)


#: Encryption at rest on: the same contract, whose semantics must not change.
_RING = Keyring({"k1": bytes(range(32))}, active="k1", index_key=bytes(range(32, 64)))


class TestSQLiteStoreEncrypted(TestSQLiteStore):
    @pytest.fixture
    def store_factory(self, tmp_path: Path) -> StoreFactory:
        numbers = itertools.count()
        return lambda **options: SQLiteStore(
            f"sqlite:///{tmp_path}/store-{next(numbers)}.db", keyring=_RING, **options
        )


class TestPostgresStoreEncrypted(TestPostgresStore):
    @pytest.fixture
    def store_factory(self, postgres_schemas: Schemas) -> StoreFactory:
        return lambda **options: PostgresStore(postgres_schemas.new(), keyring=_RING, **options)
