"""PostgreSQL writes rows with COPY: the store contract holds when every write takes that
route (``_COPY_ROWS`` 1, where batches of fewer than 100 rows otherwise use ``INSERT``), and an
index row written again after its customer's first rows were sent is kept once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from _store_helpers import Schemas, schemas
from custmaster.model import Provenance, SourceRecord
from custmaster.privacy.crypto import Keyring
from custmaster.store import postgres as postgres_module
from custmaster.store.postgres import PostgresStore
from custmaster.testing.contract import Capabilities, StoreContract, StoreFactory, assert_consistent

ID_M = "110105198001010016"
_RING = Keyring({"k1": bytes(range(32))}, active="k1", index_key=bytes(range(32, 64)))


@pytest.fixture(scope="module")
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


@pytest.fixture(autouse=True)
def _copy_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres_module, "_COPY_ROWS", 1)


class TestPostgresStoreEncryptedCopyingEveryRow(StoreContract):
    """Encrypted: index rows with their sealed column too (the contract runs unencrypted
    with the default threshold in test_store_contract.py)."""

    capabilities = Capabilities(
        durable=True, supports_concurrency=True, supports_jsonl=True, supports_bulk=True
    )

    @pytest.fixture
    def store_factory(self, postgres_schemas: Schemas) -> StoreFactory:
        return lambda **options: PostgresStore(postgres_schemas.new(), keyring=_RING, **options)


def _rec(ref: str, channel: str = "core_system", **fields: str) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at="2026-01-05"), **fields
    )


@pytest.mark.postgres
def test_an_index_row_written_again_after_its_customer_was_sent_is_kept_once(
    postgres_schemas: Schemas,
) -> None:
    with PostgresStore(postgres_schemas.new()) as store:
        with store.transaction():
            first = store.ingest(_rec("R1", resident_id=ID_M, name="张伟", mobile="13800138000"))
            assert store.count() == 1  # sends the new customer's index rows
            again = store.ingest(_rec("T1", "telesales", resident_id=ID_M, mobile="13800138000"))
        assert again.customer_id == first.customer_id
        (found,) = store.find(phone="13800138000")
        assert found.id == first.customer_id
        assert_consistent(store)


@pytest.mark.postgres
def test_a_role_that_may_not_create_temporary_tables_still_ingests(
    postgres_schemas: Schemas,
) -> None:
    core = [
        _rec(f"R{n}", name="张伟", mobile=f"138{n:08d}", policy_no=f"PDAA2026{n:08d}")
        for n in range(150)
    ]
    renewals = [
        _rec(
            f"L{n}", "renewal_list", name="张伟", policy_no=f"PDAA2026{n:08d}", mobile=f"139{n:08d}"
        )
        for n in range(150)
    ]
    with PostgresStore(postgres_schemas.new()) as store:
        store._can_stage = False  # as without TEMPORARY on the database
        store.bulk_ingest(core)
        result = store.bulk_ingest(renewals)  # index rows of stored customers: none staged
        assert result.counts["merged"] == 150
        assert store._sql("SELECT to_regclass('pg_temp.cm_staged_index')") == [(None,)]
        assert len(store.find(phone="13900000007")) == 1
        assert_consistent(store)
