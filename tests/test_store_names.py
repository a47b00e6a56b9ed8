"""`BaseStore.names`: the current names of the customers `find` finds, without building them;
the same on the memory store, SQLite (plain and encrypted, and from a view of the older
format) and PostgreSQL."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from custmaster import open_store
from custmaster.model import SourceRecord
from custmaster.privacy.crypto import Keyring
from custmaster.service import Service
from custmaster.store.sqlite import SQLiteStore
from custmaster.testing.contract import PEOPLE, base_records, books, rec

pytest_plugins = ["_workflow_fixtures"]

RING = Keyring({"k1": bytes(range(32))}, active="k1", index_key=bytes(range(32, 64)))


def _criteria(records: list[SourceRecord]) -> list[dict[str, str]]:
    """Every key the records give, alone, and a plate with a name."""
    found: list[dict[str, str]] = []
    for record in records:
        for field in ("resident_id", "policy_no", "plate", "vin", "name"):
            value = getattr(record, field)
            if value is not None:
                found.append({field: str(value)})
        if record.plate is not None and record.name is not None:
            found.append({"plate": str(record.plate), "name": record.name})
    found += [{"plate": "京A00000"}, {"policy_no": "NONE1"}]
    return found


def _same_as_find(store: Any, records: list[SourceRecord]) -> None:
    every: dict[str, dict[str, str]] = {}
    for criteria in _criteria(records):
        assert store.names(**criteria) == {c.id: c.name for c in store.find(**criteria)}, criteria
        if len(criteria) == 1:
            ((criterion, value),) = criteria.items()
            every.setdefault(criterion, {})[value] = value
    # many values at once: the names of each, as one by one (a value that cannot be valid
    # finds nobody)
    for criterion, values in every.items():
        asked = [*values, "not a valid one"]
        assert store.names_by(criterion, asked) == {
            **{value: store.names(**{criterion: value}) for value in values},
            "not a valid one": {},
        }


def _book() -> list[SourceRecord]:
    return [
        *base_records(),
        # the name changes (newest wins), a customer known by a plate alone, an organisation
        rec("N1", "2026-05-01", resident_id=PEOPLE[0][0], name="张卫"),
        rec("N2", "2026-05-02", "claim_report", plate="浙A99999", mobile="13600136000"),
        rec(
            "N3",
            "2026-05-03",
            uscc="91350200MA2Y12345E",
            name="厦门鹭江物流有限公司",
            policy_no="PDAA9",
            plate="闽D·B1234",
            cover_end="2027-01-14",
        ),
    ]


def test_names_are_find_s_names(service: Service) -> None:
    records = _book()
    service.ingest(records)
    _same_as_find(service.store, records)
    (zhang,) = service.find(resident_id=PEOPLE[0][0])
    assert service.store.names(resident_id=PEOPLE[0][0]) == {zhang.id: "张卫"}
    (lone,) = service.store.names(plate="浙A99999").values()
    assert lone is None
    with pytest.raises(TypeError):
        service.store.names(colour="red")
    # inside a transaction: what the transaction wrote
    with service.transaction():
        service.ingest([rec("N4", "2026-06-01", resident_id=PEOPLE[0][0], name="张维")])
        assert service.store.names(resident_id=PEOPLE[0][0]) == {zhang.id: "张维"}
    assert service.store.names(resident_id=PEOPLE[0][0]) == {zhang.id: "张维"}


def test_names_of_an_encrypted_store_and_of_older_views(tmp_path: Path) -> None:
    records = _book()
    with SQLiteStore(f"sqlite:///{tmp_path}/sealed.db", keyring=RING) as store:
        store.ingest(records)
        _same_as_find(store, records)
    url = f"sqlite:///{tmp_path}/older.db"
    with open_store(url) as store:
        store.ingest(records)
    # views written before views had a summary (version 2), and of a format no longer read
    with sqlite3.connect(tmp_path / "older.db") as db:
        db.execute(
            "UPDATE cm_customers SET state = json_set(json_remove(state, '$.summary'), '$.v', 2)"
            " WHERE rowid % 2 = 0"
        )
        db.execute("""UPDATE cm_customers SET state = '{"v":1}' WHERE rowid % 3 = 0""")
    with open_store(url) as store:
        _same_as_find(store, records)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(book=books())
def test_names_agree_with_find_on_any_book(book: list[SourceRecord]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for url in ("memory://", f"sqlite:///{folder}/book.db"):
            with open_store(url) as store:
                store.ingest(book)
                _same_as_find(store, book)
