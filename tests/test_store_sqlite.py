"""SQLite specifics: file format checks, migrations, WAL, read-only and full disks, backups."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from _store_helpers import LOOKUPS
from custmaster.errors import StoreError
from custmaster.model import Provenance, SourceRecord
from custmaster.store import DEFAULT_URL, Outcome, open_store
from custmaster.store import sqlite as sqlite_module
from custmaster.store._sql import Migration
from custmaster.store.sqlite import APPLICATION_ID, SCHEMA_VERSION, SQLiteStore
from custmaster.testing.contract import (
    ID_M,
    assert_consistent,
    base_records,
    call,
    personal_values_left,
    snapshot,
)

ROOT = Path(__file__).resolve().parent.parent


def person(n: int, channel: str = "core_system", **fields: object) -> SourceRecord:
    body = f"11010519800101{n % 900 + 100:03d}"[:17]
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return SourceRecord(
        provenance=Provenance(
            channel=channel, source_ref=f"{channel}-{n}", observed_at="2026-01-05"
        ),
        resident_id=body + check,
        name="张伟",
        mobile=f"138{n:08d}",
        **fields,
    )


def made(path: Path, records: int = 5) -> Path:
    with SQLiteStore(f"sqlite:///{path}") as store:
        store.ingest([person(n) for n in range(records)])
    return path


def test_a_new_file_is_marked_as_a_custmaster_store_in_wal_mode(tmp_path: Path) -> None:
    path = made(tmp_path / "a.db")
    with SQLiteStore(f"sqlite:///{path}") as store:
        assert store.journal_mode == "wal"
        assert store.schema_version == SCHEMA_VERSION
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        meta = dict(raw.execute("SELECT key, value FROM cm_meta").fetchall())
        assert meta == {"application": "custmaster", "schema_version": str(SCHEMA_VERSION)}
    finally:
        raw.close()


def test_open_store_defaults_to_custmaster_db_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert DEFAULT_URL == "sqlite:///custmaster.db"
    store = open_store()
    try:
        assert isinstance(store, SQLiteStore)
        store.ingest(person(1))
    finally:
        store.close()
    assert (tmp_path / "custmaster.db").is_file()
    with open_store("sqlite:///custmaster.db") as again:
        assert again.count() == 1


def test_urls_and_options(tmp_path: Path) -> None:
    with SQLiteStore("sqlite://") as memory:
        assert memory.path == ":memory:"
        memory.ingest(person(1))
        assert memory.count() == 1
    with pytest.raises(StoreError) as info:
        SQLiteStore(f"sqlite:///{tmp_path}/x.db?colour=blue")
    assert info.value.code == "store.option"
    with pytest.raises(StoreError) as info:
        SQLiteStore(f"sqlite:///{tmp_path}/x.db?synchronous=sometimes")
    assert info.value.code == "store.option"
    with pytest.raises(StoreError) as info:
        SQLiteStore(f"sqlite:///{tmp_path}/no/such/folder/x.db")
    assert info.value.code == "store.open"
    assert "no/such/folder" in str(info.value)
    with SQLiteStore(f"sqlite:///{tmp_path}/y.db?synchronous=normal&busy_timeout=2") as store:
        assert store._sql("PRAGMA synchronous")[0][0] == 1
        assert store._sql("PRAGMA busy_timeout")[0][0] == 2000


RELEASED = sqlite_module._MIGRATIONS


def _migrations_with(*extra: Migration) -> tuple[Migration, ...]:
    return (*RELEASED, *extra)


LATEST = RELEASED[-1].version
ADD_NOTES = Migration(
    LATEST + 1,
    f"{LATEST + 1:04d}_notes.sql",
    "CREATE TABLE cm_notes (customer_id TEXT NOT NULL, note TEXT NOT NULL);\n"
    "CREATE INDEX cm_notes_customer ON cm_notes (customer_id);\n"
    "CREATE TRIGGER cm_notes_no_empty BEFORE INSERT ON cm_notes WHEN NEW.note = ''\n"
    "BEGIN\n    SELECT RAISE(ABORT, 'empty note');\nEND;\n",
)
BROKEN = Migration(
    LATEST + 2, f"{LATEST + 2:04d}_broken.sql", "ALTER TABLE cm_nowhere ADD COLUMN x TEXT;\n"
)


def test_an_older_store_is_migrated_forward_in_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = made(tmp_path / "old.db")
    with SQLiteStore(f"sqlite:///{path}") as store:
        before = snapshot(store)
    monkeypatch.setattr(sqlite_module, "_MIGRATIONS", _migrations_with(ADD_NOTES, BROKEN))
    monkeypatch.setattr(sqlite_module, "SCHEMA_VERSION", LATEST + 2)
    with pytest.raises(StoreError) as info:
        SQLiteStore(f"sqlite:///{path}")
    assert info.value.code == "store.migration"
    assert BROKEN.name in str(info.value)
    assert str(path) in str(info.value)
    raw = sqlite3.connect(path)
    try:
        # the notes script succeeded before the broken one failed, and was rolled back with
        # it: one transaction
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
        assert "cm_notes" not in tables
    finally:
        raw.close()
    monkeypatch.setattr(sqlite_module, "_MIGRATIONS", _migrations_with(ADD_NOTES))
    monkeypatch.setattr(sqlite_module, "SCHEMA_VERSION", LATEST + 1)
    with SQLiteStore(f"sqlite:///{path}") as store:
        assert store.schema_version == LATEST + 1
        assert snapshot(store) == before
        store._sql("INSERT INTO cm_notes VALUES ('C00000001', 'called twice')")
        with pytest.raises(StoreError):
            store._sql("INSERT INTO cm_notes VALUES ('C00000001', '')")
        schema = dict(store._sql("SELECT key, value FROM cm_meta"))["schema_version"]
        assert schema == str(LATEST + 1)


def test_a_newer_store_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = made(tmp_path / "newer.db")
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError) as info:
        SQLiteStore(f"sqlite:///{path}")
    assert info.value.code == "store.newer_schema"
    assert str(path) in str(info.value)
    assert f"schema {SCHEMA_VERSION + 1}" in str(info.value)


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    raw.execute("INSERT INTO invoices (amount) VALUES (9.5)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError) as info:
        SQLiteStore(f"sqlite:///{path}")
    assert info.value.code == "store.foreign"
    assert str(path) in str(info.value)
    raw = sqlite3.connect(path)
    try:  # untouched: still its own journal mode and tables
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert [r[0] for r in raw.execute("SELECT name FROM sqlite_master")] == ["invoices"]
    finally:
        raw.close()
    other_app = tmp_path / "other-app.db"
    raw = sqlite3.connect(other_app)
    raw.execute("PRAGMA application_id = 1234")
    raw.close()
    with pytest.raises(StoreError) as info:
        SQLiteStore(f"sqlite:///{other_app}")
    assert info.value.code == "store.foreign"


def test_a_file_of_random_bytes_is_refused_without_a_sqlite_traceback(tmp_path: Path) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(random.Random(7).randbytes(8192))
    with pytest.raises(StoreError) as info:
        SQLiteStore(f"sqlite:///{path}")
    error = info.value
    assert error.code == "store.corrupt"
    assert str(path) in str(error)
    assert "not a SQLite database" in str(error)
    assert error.__cause__ is None
    assert error.__suppress_context__


def test_a_damaged_store_fails_with_store_errors(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    with SQLiteStore(f"sqlite:///{path}") as store:
        store.ingest([person(n) for n in range(300)])
    size = path.stat().st_size
    with path.open("r+b") as handle:
        for offset in range(8192, size, 4096):
            handle.seek(offset)
            handle.write(random.Random(offset).randbytes(4096))
    with pytest.raises(StoreError) as info:
        _read_everything(path)
    assert info.value.code == "store.corrupt"
    assert info.value.__cause__ is None


def _read_everything(path: Path) -> None:
    with SQLiteStore(f"sqlite:///{path}") as store:
        list(store.iter_customers())


def test_a_tampered_row_is_reported_not_crashed_on(tmp_path: Path) -> None:
    path = made(tmp_path / "tampered.db", records=1)
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER cm_records_append_only_update")
    raw.execute("UPDATE cm_records SET body = '{not json'")
    raw.commit()
    raw.close()
    with SQLiteStore(f"sqlite:///{path}") as store:
        with pytest.raises(StoreError) as info:
            store.get("C00000001")
        assert info.value.code == "store.stored_data"
        assert "cm_records" in str(info.value)


def test_the_log_is_append_only_in_the_database(tmp_path: Path) -> None:
    path = made(tmp_path / "log.db", records=2)
    raw = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("UPDATE cm_records SET body = '{}'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM cm_records")
        raw.execute("UPDATE cm_records SET customer_id = 'C00000009' WHERE seq = 1")
        raw.rollback()
    finally:
        raw.close()


def test_a_read_only_store_reads_and_refuses_writes_losing_nothing(tmp_path: Path) -> None:
    path = made(tmp_path / "ro.db")
    with SQLiteStore(f"sqlite:///{path}") as store:
        before = snapshot(store)
    with SQLiteStore(f"sqlite:///{path}?mode=ro") as store:
        assert snapshot(store) == before
        assert store.read_only
        with pytest.raises(StoreError) as info:
            store.ingest(person(99))
        assert info.value.code == "store.read_only"
        assert str(path) in str(info.value)
        assert snapshot(store) == before
    with SQLiteStore(f"sqlite:///{path}") as store:
        assert snapshot(store) == before
        assert store.ingest(person(99)).outcome is Outcome.NEW_CUSTOMER
    with pytest.raises(StoreError) as info:
        SQLiteStore(f"sqlite:///{tmp_path}/absent.db?mode=ro")
    assert info.value.code == "store.open"


def test_a_read_only_file_system_gives_a_clear_error(tmp_path: Path) -> None:
    path = made(tmp_path / "rofs.db")
    with SQLiteStore(f"sqlite:///{path}") as store:
        before = snapshot(store)
        # what a file system mounted read-only under an open store looks like to SQLite
        store._sql("PRAGMA query_only = ON")
        with pytest.raises(StoreError) as info:
            store.ingest(person(50))
        assert info.value.code == "store.read_only"
        store._sql("PRAGMA query_only = OFF")
        assert snapshot(store) == before


def test_a_full_disk_gives_a_clear_error_and_loses_nothing_committed(tmp_path: Path) -> None:
    path = made(tmp_path / "full.db", records=20)
    with SQLiteStore(f"sqlite:///{path}") as store:
        before = snapshot(store)
        pages = store._sql("PRAGMA page_count")[0][0]
        store._sql(f"PRAGMA max_page_count = {pages + 2}")
        big = [person(n, extra={"备注": "很长的备注" * 200}) for n in range(100, 400)]
        with pytest.raises(StoreError) as info:
            store.ingest(big)
        assert info.value.code == "store.disk_full"
        assert str(path) in str(info.value)
        assert snapshot(store) == before
        store._sql("PRAGMA max_page_count = 1073741823")
        assert {r.outcome for r in store.ingest(big)} == {Outcome.NEW_CUSTOMER}
    with SQLiteStore(f"sqlite:///{path}") as store:
        assert store.count() == 320
        assert_consistent(store)


def test_a_busy_database_waits_then_says_so(tmp_path: Path) -> None:
    path = made(tmp_path / "busy.db")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with SQLiteStore(f"sqlite:///{path}?busy_timeout=0.3") as store:
            started = time.monotonic()
            with pytest.raises(StoreError) as info:
                store.ingest(person(77))
            assert info.value.code == "store.busy"
            assert time.monotonic() - started >= 0.25
            blocker.execute("ROLLBACK")
            assert store.ingest(person(77)).outcome is Outcome.NEW_CUSTOMER
    finally:
        blocker.close()


def test_two_store_objects_on_one_file_see_each_others_commits(tmp_path: Path) -> None:
    path = made(tmp_path / "two.db", records=3)
    with SQLiteStore(f"sqlite:///{path}") as first, SQLiteStore(f"sqlite:///{path}") as second:
        customer = first.find(resident_id=person(1).resident_id)[0]
        assert second.get(customer.id) == customer  # cached in second now
        first.ingest(person(1, "telesales", address="上海市徐汇区漕溪北路88号"))
        assert second.get(customer.id).address == "上海市徐汇区漕溪北路88号"
        second.ingest(person(1, "claim_report", email="zw@example.com"))
        assert first.get(customer.id).contact_point("email", "zw@example.com") is not None
        assert_consistent(first)


_WRITER = textwrap.dedent(
    """
    import sys
    import time
    from custmaster.model import Provenance, SourceRecord
    from custmaster.store.sqlite import SQLiteStore

    path, batches = sys.argv[1], int(sys.argv[2])
    store = SQLiteStore(f"sqlite:///{path}")
    for b in range(batches):
        store.ingest([
            SourceRecord(
                provenance=Provenance(channel="telesales", source_ref=f"w{b}-{i}",
                                      observed_at="2026-02-01"),
                mobile=f"139{b:04d}{i:04d}", name="李娜",
            )
            for i in range(40)
        ])
        print(b, flush=True)
        time.sleep(0.02)
    store.close()
    """
)


@pytest.mark.slow
def test_an_online_backup_while_a_writer_continues(tmp_path: Path) -> None:
    path = made(tmp_path / "live.db", records=50)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), "60"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert writer.stdout is not None
    copies = []
    try:
        with SQLiteStore(f"sqlite:///{path}") as store:
            for round_ in range(3):
                for _ in range(10):
                    writer.stdout.readline()
                copies.append(store.backup(tmp_path / f"copy-{round_}.db"))
                assert writer.poll() is None  # the writer was still writing
        assert writer.wait(timeout=120) == 0
    finally:
        writer.kill()
    seen = []
    for copy in copies:
        with SQLiteStore(f"sqlite:///{copy}") as backup:
            counts = backup.counts()
            assert counts["records"] >= 50
            assert (counts["records"] - 50) % 40 == 0  # whole transactions only
            assert_consistent(backup)
            seen.append(counts["records"])
    assert seen == sorted(set(seen))
    with SQLiteStore(f"sqlite:///{path}") as store:
        assert store.counts()["records"] == 50 + 60 * 40 > seen[-1]
        assert_consistent(store)


def test_every_lookup_uses_an_index(tmp_path: Path) -> None:
    with SQLiteStore(f"sqlite:///{tmp_path}/plans.db") as store:
        store.ingest(person(1))
        for query in LOOKUPS:
            plan = " | ".join(row[-1] for row in store._sql("EXPLAIN QUERY PLAN " + query))
            assert "SEARCH" in plan, (query, plan)
            assert "SCAN" not in plan.replace("USE TEMP B-TREE", ""), (query, plan)


def test_lookups_in_one_transaction_see_its_unsent_index_writes(tmp_path: Path) -> None:
    # Index rows are sent in batches; a lookup between batches must still see the rows the
    # transaction wrote or replaced (a vehicle moving between policies, a key seen twice).
    def batch(offset: int) -> list[SourceRecord]:
        records = []
        for n in range(offset, offset + 6):
            records.append(
                person(n, policy_no=f"PDAA2026{n:08d}", plate=f"京A{n:05d}", cover_end="2027-01-05")
            )
            records.append(person(n, channel="telesales", plate=f"京A{(n + 1) % 12:05d}"))
            records.append(
                person(
                    n + 100,
                    channel="claim_report",
                    policy_no=f"PDAA2026{n:08d}",
                    plate=f"京B{n:05d}",
                    cover_end="2027-02-05",
                )
            )
        return records

    from custmaster.store import MemoryStore

    reference = MemoryStore()
    with SQLiteStore(f"sqlite:///{tmp_path / 'a.db'}") as store:
        for offset in (0, 6):
            assert [r.outcome for r in store.ingest(batch(offset))] == [
                r.outcome for r in reference.ingest(batch(offset))
            ]
        mine, theirs = snapshot(store), snapshot(reference)
        # pairs carry the time they were raised: compare everything else
        assert [(p.id, p.a, p.b, p.reason, p.record) for p in mine.pop("pairs")] == [
            (p.id, p.a, p.b, p.reason, p.record) for p in theirs.pop("pairs")
        ]
        assert mine == theirs
        assert [p.policy_no for p in store.expiring("2027-02")] == [
            p.policy_no for p in reference.expiring("2027-02")
        ]
        assert_consistent(store)


# -- PIPL subject rights ---------------------------------------------------------------------


def _file_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, as they are on disk."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_erase_leaves_no_personal_value_in_the_file_or_its_wal(tmp_path: Path) -> None:
    path = tmp_path / "erase.db"
    with SQLiteStore(f"sqlite:///{path}") as store:
        store.ingest(base_records())
        zhang = store.find(resident_id=ID_M)[0].id
        store.add_event(zhang, call("CB1", "2026-05-02T10:00:00+08:00", "13800138000", "reached"))
        for n in range(5):  # old versions of the current view left behind in the file
            store.ingest(
                SourceRecord(
                    provenance=Provenance(
                        channel="telesales", source_ref=f"T{n + 10}", observed_at="2026-04-01"
                    ),
                    resident_id=ID_M,
                    email=f"zhang{n}@example.com",
                )
            )
        written = _file_bytes(path).decode("utf-8", "ignore")
        assert len(personal_values_left(written)) >= 6
        assert "zhang3@example.com" in written
        store.erase(zhang, by="dpo.zhou", reason="PIPL-REQ-2026-001")
        left = _file_bytes(path)
        text = left.decode("utf-8", "ignore")
        assert personal_values_left(text) == []
        assert "@example.com" not in text
        assert b"110105198001010024" in left  # 李娜 stays
        assert "李娜".encode() in left
        assert store.get(store.find(resident_id="110105198001010024")[0].id).name == "李娜"
    assert personal_values_left(_file_bytes(path).decode("utf-8", "ignore")) == []


def test_the_log_lets_exactly_the_erasure_through(tmp_path: Path) -> None:
    path = made(tmp_path / "erasure.db", records=2)
    raw = sqlite3.connect(path)
    try:
        raw.execute("UPDATE cm_records SET body = '{}', erased = 1 WHERE seq = 1")
        for refused in (
            "UPDATE cm_records SET body = '{\"x\":1}' WHERE seq = 1",
            "UPDATE cm_records SET erased = 0 WHERE seq = 1",
            "UPDATE cm_records SET body = '{}' WHERE seq = 2",
            "UPDATE cm_records SET body = '{}', erased = 1, source_ref = 'x' WHERE seq = 2",
            "UPDATE cm_records SET erased = 1, observed_at = '2000-01-01' WHERE seq = 2",
            "DELETE FROM cm_records WHERE seq = 1",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                raw.execute(refused)
        raw.execute("INSERT INTO cm_tombstones VALUES ('C00000001', '2026-12-01', '{}')")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("UPDATE cm_tombstones SET body = '{\"x\":1}'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM cm_tombstones")
        raw.rollback()
    finally:
        raw.close()


def test_a_store_of_schema_1_is_migrated_and_can_erase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "now.db"
    with SQLiteStore(f"sqlite:///{source}") as now:
        now.ingest(base_records())
    path = tmp_path / "v1.db"
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_module, "_MIGRATIONS", RELEASED[:1])
        patch.setattr(sqlite_module, "SCHEMA_VERSION", 1)
        SQLiteStore(f"sqlite:///{path}").close()
    raw = sqlite3.connect(path)
    raw.execute("ATTACH DATABASE ? AS now", (str(source),))
    raw.execute("DELETE FROM cm_counters")
    for table in ("cm_counters", "cm_customers", "cm_pairs", "cm_events"):
        raw.execute(f"INSERT INTO main.{table} SELECT * FROM now.{table}")
    raw.execute(  # the columns of schema 1 (a later one adds cm_index.sealed)
        "INSERT INTO main.cm_index SELECT kind, key, customer_id, payload, grp FROM now.cm_index"
    )
    raw.execute(
        "INSERT INTO main.cm_records SELECT seq, channel, source_ref, customer_id, observed_at, "
        "body FROM now.cm_records"
    )
    raw.commit()
    assert raw.execute("PRAGMA main.user_version").fetchone()[0] == 1
    raw.close()
    with SQLiteStore(f"sqlite:///{path}") as store:
        assert store.schema_version == SCHEMA_VERSION
        zhang = store.find(resident_id=ID_M)[0].id
        assert store.erase(zhang, by="dpo.zhou", reason="PIPL-REQ-2026-001").records == 3
        assert store.counts()["records"] == 1
        assert_consistent(store)
    assert personal_values_left(_file_bytes(path).decode("utf-8", "ignore")) == []
