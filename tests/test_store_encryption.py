"""Encryption at rest (issue #7): no plaintext identity number in the database, keys checked.

A synthetic book (15-digit IDs, lower-case ``x`` and spaced forms among its rows) plus a
passport holder is written to an encrypted store; the raw bytes of the SQLite file (and its
-wal and -journal files), or the text of every PostgreSQL table, must not hold any form of
any identity number, while look-ups by ID still work. The contract suite runs on encrypted
stores too (tests/test_store_contract.py).
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _store_helpers import Schemas, schemas
from custmaster import open_store
from custmaster.errors import StoreError, UsageError
from custmaster.model.provenance import Provenance
from custmaster.model.source import SourceRecord
from custmaster.privacy.crypto import ENV_INDEX_KEY, ENV_KEY, CryptoError, Keyring, generate_key
from custmaster.store.sqlite import SQLiteStore
from custmaster.testing.synth import Truth, generate

RING = Keyring({"k1": bytes(range(32))}, active="k1", index_key=bytes(range(32, 64)))
PASSPORT = "E12345678"


def _passport_holder() -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel="manual", source_ref="PP1", observed_at="2026-03-01"),
        name="John Smith",
        id_document={"type": "passport", "number": PASSPORT, "country": "GBR"},
        mobile="13912345678",
    )


@pytest.fixture(scope="module")
def book() -> tuple[list[SourceRecord], list[Truth]]:
    made = generate(seed=5, people=80)
    return [*made.source_records(), _passport_holder()], list(made.truth())


def _forms(truth: list[Truth]) -> set[str]:
    """Every written form of every ID number: 18 digits, 15 digits, lower-case x."""
    forms = {PASSPORT}
    for person in truth:
        rid = person.resident_id
        if rid:
            forms |= {rid, rid.lower(), rid[:17]}
            if rid[6:8] == "19":
                forms.add(rid[:6] + rid[8:17])
    return forms


def _fill(store: Any, records: list[SourceRecord]) -> None:
    store.bulk_ingest(records[: len(records) // 2], batch_size=200)
    store.ingest(records[len(records) // 2 :])
    open_pairs = store.candidates()
    if open_pairs:
        store.decide(open_pairs[0], merge=False, by="审核员")


def _with_id(truth: list[Truth]) -> Truth:
    return next(t for t in truth if t.resident_id and t.resident_id[6:8] == "19")


def test_the_sqlite_file_holds_no_plaintext_id(
    tmp_path: Path, book: tuple[list[SourceRecord], list[Truth]]
) -> None:
    records, truth = book
    path = tmp_path / "enc.db"
    with SQLiteStore(f"sqlite:///{path}", keyring=RING) as store:
        _fill(store, records)
        raw_while_open = b"".join(Path(p).read_bytes() for p in glob.glob(f"{path}*"))
    raw = b"".join(Path(p).read_bytes() for p in glob.glob(f"{path}*"))
    for blob in (raw_while_open, raw):
        found = [form for form in _forms(truth) if form.encode() in blob]
        assert not found, f"{len(found)} plaintext ID forms in the file"
    # the control: the same book unencrypted does hold them
    plain = tmp_path / "plain.db"
    with SQLiteStore(f"sqlite:///{plain}") as store:
        _fill(store, records)
    raw = b"".join(Path(p).read_bytes() for p in glob.glob(f"{plain}*"))
    assert PASSPORT.encode() in raw
    assert sum(form.encode() in raw for form in _forms(truth)) > 50


def test_look_ups_by_id_work_in_either_form(
    tmp_path: Path, book: tuple[list[SourceRecord], list[Truth]]
) -> None:
    records, truth = book
    url = f"sqlite:///{tmp_path}/enc.db"
    with open_store(url, keyring=RING) as store:
        _fill(store, records)
    person = _with_id(truth)
    assert person.resident_id is not None
    short = person.resident_id[:6] + person.resident_id[8:17]
    with open_store(url, keyring=RING) as store:
        found = store.find(resident_id=person.resident_id)
        assert len(found) == 1
        assert store.find(resident_id=short) == found
        assert found[0].resident_id == person.resident_id
        holder = store.find(phone="13912345678")
        assert [c.id_document.number for c in holder if c.id_document] == [PASSPORT]
        same = SourceRecord(
            provenance=Provenance(channel="manual", source_ref="PP2", observed_at="2026-04-01"),
            id_document={"type": "passport", "number": PASSPORT, "country": "GBR"},
        )
        assert store.ingest(same).customer_id == holder[0].id  # resolved by the document
        again = store.ingest(records[0])
        assert again.outcome.value == "duplicate"


def test_without_or_with_a_wrong_key_the_store_refuses_to_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/enc.db"
    with open_store(url, keyring=RING) as store:
        store.ingest(_passport_holder())
    with pytest.raises(CryptoError) as info:
        open_store(url)
    assert info.value.code == "crypto.store_encrypted"
    other = Keyring({"k1": generate_key()}, active="k1", index_key=RING.index_key)
    with pytest.raises(CryptoError) as info:
        open_store(url, keyring=other)
    assert info.value.code == "crypto.wrong_key"
    other_index = Keyring(RING.keys, active="k1", index_key=generate_key())
    with pytest.raises(CryptoError) as info:
        open_store(url, keyring=other_index)
    assert info.value.code == "crypto.wrong_key"
    unknown = Keyring({"k9": generate_key()}, active="k9", index_key=RING.index_key)
    with pytest.raises(CryptoError) as info:
        open_store(url, keyring=unknown)
    assert info.value.code == "crypto.wrong_key"
    # a store holding plaintext is not silently mixed with ciphertext
    plain = f"sqlite:///{tmp_path}/plain.db"
    with open_store(plain) as store:
        store.ingest(_passport_holder())
    with pytest.raises(CryptoError) as info:
        open_store(plain, keyring=RING)
    assert info.value.code == "crypto.store_not_encrypted"


def test_the_environment_route(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_KEY, f"k1:{generate_key()}")
    monkeypatch.setenv(ENV_INDEX_KEY, generate_key())
    url = f"sqlite:///{tmp_path}/env.db"
    with open_store(url) as store:
        assert store.keyring is not None
        assert store.keyring.active == "k1"
        store.ingest(_passport_holder())
    monkeypatch.delenv(ENV_KEY)
    with pytest.raises(CryptoError):
        open_store(url)
    monkeypatch.setenv(ENV_KEY, generate_key())
    monkeypatch.delenv(ENV_INDEX_KEY)
    with pytest.raises(CryptoError) as info:
        open_store(f"sqlite:///{tmp_path}/other.db")
    assert info.value.code == "crypto.no_index_key"


def test_rotation_re_encrypts_everything_under_the_active_key(
    tmp_path: Path, book: tuple[list[SourceRecord], list[Truth]]
) -> None:
    records, truth = book
    url = f"sqlite:///{tmp_path}/rot.db"
    with open_store(url, keyring=RING) as store:
        _fill(store, records[:200])
        before = {c.id: (c.resident_id, c.id_document) for c in store.iter_customers()}
    newer = RING.with_active("k2", generate_key())
    with pytest.raises(CryptoError) as info:
        open_store(url, keyring=Keyring({"k2": generate_key()}, "k2", RING.index_key))
    assert info.value.code == "crypto.wrong_key"  # k1 encrypted the data: it is needed
    with open_store(url, keyring=newer) as store:  # the old key still decrypts
        assert store.get(next(iter(before))).id in before
        done = store.rotate_keys()
        assert done["records"] > 0
        assert done["index"] > 0
        assert store.rotate_keys() == {"records": 0, "customers": 0, "index": 0}
        with pytest.raises(StoreError):  # the append-only guard is back
            store._sql("UPDATE cm_records SET body = body || ' '")
    only_new = Keyring({"k2": newer.keys["k2"]}, active="k2", index_key=RING.index_key)
    with open_store(url, keyring=only_new) as store:
        after = {c.id: (c.resident_id, c.id_document) for c in store.iter_customers()}
        assert after == before
        person = next(t for t in truth if t.resident_id and t.records[0] in _keys(records[:200]))
        assert store.find(resident_id=person.resident_id)
    raw = b"".join(Path(p).read_bytes() for p in glob.glob(f"{tmp_path}/rot.db*"))
    assert b"v1:k1:" not in raw.replace(b"encryption.key.k1", b"")


def _index_keys(path: Path) -> set[str]:
    import sqlite3

    with sqlite3.connect(path) as db:
        return {k for (k,) in db.execute("SELECT key FROM cm_index WHERE sealed IS NOT NULL")}


def test_rotating_the_blind_index_key_rewrites_every_id_entry(
    tmp_path: Path, book: tuple[list[SourceRecord], list[Truth]]
) -> None:
    records, truth = book
    path = tmp_path / "blind.db"
    url = f"sqlite:///{path}"
    with open_store(url, keyring=RING) as store:
        _fill(store, records[:200])
    old_keys = _index_keys(path)
    person = next(t for t in truth if t.resident_id and t.records[0] in _keys(records[:200]))
    new_index = generate_key()
    with open_store(url, keyring=RING) as store:
        before = [c.id for c in store.find(resident_id=person.resident_id)]
        assert before
        done = store.rotate_index_key(new_index)
        assert done["index"] == len(old_keys) > 0
        # the same store object looks up and writes with the new key at once
        assert [c.id for c in store.find(resident_id=person.resident_id)] == before
        store.ingest(
            SourceRecord(
                provenance=Provenance(channel="manual", source_ref="B1", observed_at="2026-05-01"),
                resident_id=person.resident_id,
                mobile="13912340000",
            )
        )
    assert not old_keys & _index_keys(path)
    with pytest.raises(CryptoError) as info:
        open_store(url, keyring=RING)
    assert info.value.code == "crypto.wrong_key"
    with open_store(url, keyring=Keyring(RING.keys, "k1", new_index)) as store:
        found = store.find(resident_id=person.resident_id)
        assert [c.id for c in found] == before
        assert store.find(phone="13912340000")[0].id == before[0]


def _keys(records: list[SourceRecord]) -> set[tuple[str, str]]:
    return {r.provenance.key for r in records}


def test_rotation_needs_a_keyring(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path}/p.db") as store:
        with pytest.raises(UsageError) as info:
            store.rotate_keys()
        assert info.value.code == "store.not_encrypted"


def test_an_export_holds_ciphertext_and_imports_with_the_key(
    tmp_path: Path, book: tuple[list[SourceRecord], list[Truth]]
) -> None:
    records, truth = book
    with open_store(f"sqlite:///{tmp_path}/a.db", keyring=RING) as store:
        _fill(store, records[:300])
        store.export_jsonl(tmp_path / "a.jsonl")
        expected = {c.id: c for c in store.iter_customers()}
    text = (tmp_path / "a.jsonl").read_text("utf-8")
    assert not [form for form in _forms(truth) if form in text]
    assert '"v1:k1:' in text
    with open_store(f"sqlite:///{tmp_path}/b.db", keyring=RING) as copy:
        copy.import_jsonl(tmp_path / "a.jsonl")
        assert {c.id: c for c in copy.iter_customers()} == expected
    # an unencrypted store can take the file only with the keys
    with open_store(f"sqlite:///{tmp_path}/c.db") as plain:
        with pytest.raises(CryptoError) as info:
            plain.import_jsonl(tmp_path / "a.jsonl")
        assert info.value.code == "crypto.store_encrypted"
        assert plain.counts()["records"] == 0
    # and an unencrypted export goes into an encrypted store (how to encrypt a store)
    with open_store(f"sqlite:///{tmp_path}/d.db") as plain:
        _fill(plain, records[:300])
        plain.export_jsonl(tmp_path / "d.jsonl")
    with open_store(f"sqlite:///{tmp_path}/e.db", keyring=RING) as encrypted:
        encrypted.import_jsonl(tmp_path / "d.jsonl")
        assert encrypted.count() == len(expected)
    raw = b"".join(Path(p).read_bytes() for p in glob.glob(f"{tmp_path}/e.db*"))
    assert not [form for form in _forms(truth) if form.encode() in raw]


@pytest.fixture(scope="module")
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


@pytest.mark.postgres
def test_the_postgres_tables_hold_no_plaintext_id(
    postgres_schemas: Schemas, book: tuple[list[SourceRecord], list[Truth]]
) -> None:
    records, truth = book
    url = postgres_schemas.new()
    with open_store(url, keyring=RING) as store:
        _fill(store, records)
        tables = [
            name
            for (name,) in store._sql(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        ]
        dump = "\n".join(
            str(row) for table in tables for row in store._sql(f"SELECT * FROM {table}")
        )
        person = _with_id(truth)
        assert len(store.find(resident_id=person.resident_id)) == 1
    assert {"cm_records", "cm_customers", "cm_index"} <= set(tables)
    assert "v1:k1:" in dump
    assert not [form for form in _forms(truth) if form in dump]
    with pytest.raises(CryptoError) as info:
        open_store(url)
    assert info.value.code == "crypto.store_encrypted"


@pytest.mark.postgres
def test_postgres_rotation_and_a_wrong_key(
    postgres_schemas: Schemas, book: tuple[list[SourceRecord], list[Truth]]
) -> None:
    records, _ = book
    url = postgres_schemas.new()
    with open_store(url, keyring=RING) as store:
        _fill(store, records[:150])
        before = {c.id: c for c in store.iter_customers()}
    newer = RING.with_active("k2", generate_key())
    with open_store(url, keyring=newer) as store:
        done = store.rotate_keys()
        assert done["records"] > 0
        # the append-only guard is back once the rotation committed
        with pytest.raises(StoreError):
            store._sql("UPDATE cm_records SET body = body || ' '")
    only_new = Keyring({"k2": newer.keys["k2"]}, active="k2", index_key=RING.index_key)
    with open_store(url, keyring=only_new) as store:
        assert {c.id: c for c in store.iter_customers()} == before
        dump = "\n".join(str(row) for row in store._sql("SELECT body FROM cm_records"))
        assert "v1:k1:" not in dump
    with pytest.raises(CryptoError) as info:
        open_store(url, keyring=RING)  # k1 is right, but the data is under k2 now
    assert info.value.code == "crypto.wrong_key"
    assert "k2" in str(info.value)
    new_index = generate_key()
    with open_store(url, keyring=only_new) as store:
        assert store.rotate_index_key(new_index)["index"] > 0
    with pytest.raises(CryptoError):
        open_store(url, keyring=only_new)  # the old blind-index key is refused now
    with open_store(url, keyring=Keyring(only_new.keys, "k2", new_index)) as store:
        customers = {c.id: c for c in store.iter_customers()}
        assert customers == before
        person = next(c for c in customers.values() if c.resident_id)
        assert [c.id for c in store.find(resident_id=person.resident_id)] == [person.id]


def test_the_cli_encrypts_with_keys_from_the_environment(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from custmaster.cli import cli
    from custmaster.testing.synth import write_csv

    made = generate(seed=8, people=30)
    write_csv(made, tmp_path / "book")
    truth = list(made.truth())
    env = {ENV_KEY: f"k1:{generate_key()}", ENV_INDEX_KEY: generate_key()}
    url = f"sqlite:///{tmp_path}/cli.db"
    runner = CliRunner()
    core = str(tmp_path / "book" / "core_system.csv")
    result = runner.invoke(cli, ["import", core, "--store", url], env=env)
    assert result.exit_code == 0, result.output
    person = _with_id(truth)
    assert person.resident_id is not None
    shown = runner.invoke(
        cli, ["show", "--resident-id", person.resident_id, "--store", url], env=env
    )
    assert shown.exit_code == 0, shown.output
    assert person.resident_id[-4:] in shown.output  # found, and shown masked
    refused = runner.invoke(cli, ["stats", "--store", url], env={ENV_KEY: "", ENV_INDEX_KEY: ""})
    assert refused.exit_code != 0
    assert "The data is encrypted" in refused.output
    raw = b"".join(Path(p).read_bytes() for p in glob.glob(f"{tmp_path}/cli.db*"))
    assert not [form for form in _forms(truth) if form.encode() in raw]


def _writer_after_rotation(url: str, records: list[SourceRecord]) -> None:
    """A store object opened before another one rotates the index key writes nothing after."""
    with open_store(url, keyring=RING) as store:
        _fill(store, records[:60])
    stale = open_store(url, keyring=RING)
    try:
        before = stale.counts()
        new_index = generate_key()
        with open_store(url, keyring=RING) as rotating:
            assert rotating.rotate_index_key(new_index)["index"] > 0
        with pytest.raises(CryptoError) as info:
            stale.ingest(records[60:80])
        assert info.value.code == "crypto.index_key_rotated"
        assert "rotated" in str(info.value)
    finally:
        stale.close()
    with open_store(url, keyring=Keyring(RING.keys, "k1", new_index)) as store:
        assert store.counts() == before  # the refused batch wrote nothing
        store.ingest(records[60:80])  # the same batch with the new key goes in
        assert store.counts()["records"] == before["records"] + 20


def test_a_writer_holding_the_old_index_key_is_refused(
    tmp_path: Path, book: tuple[list[SourceRecord], list[Truth]]
) -> None:
    _writer_after_rotation(f"sqlite:///{tmp_path / 'stale.db'}", book[0])


@pytest.mark.postgres
def test_postgres_writer_holding_the_old_index_key_is_refused(
    postgres_schemas: Schemas, book: tuple[list[SourceRecord], list[Truth]]
) -> None:
    _writer_after_rotation(postgres_schemas.new(), book[0])


@pytest.mark.postgres
def test_postgres_rotation_waits_for_a_write_in_progress(
    postgres_schemas: Schemas, book: tuple[list[SourceRecord], list[Truth]]
) -> None:
    import threading

    records, _ = book
    url = postgres_schemas.new()
    with open_store(url, keyring=RING) as store:
        _fill(store, records[:40])
    writer = open_store(url, keyring=RING)
    rotated = threading.Event()
    done: dict[str, int] = {}

    def rotate() -> None:
        with open_store(url, keyring=RING) as rotating:
            done.update(rotating.rotate_index_key(generate_key()))
        rotated.set()

    try:
        with writer.transaction():
            writer.ingest(records[40:60])
            thread = threading.Thread(target=rotate)
            thread.start()
            # the rotation waits for this transaction, which commits with the old key ...
            assert not rotated.wait(1.0)
        thread.join(30)
        assert rotated.is_set()
        # ... and its index entries were rotated with the rest: every entry uses the new key
        count = writer._sql(  # type: ignore[attr-defined]
            "SELECT count(*) FROM cm_index WHERE sealed IS NOT NULL"
        )[0][0]
        assert done["index"] == count > 0
    finally:
        writer.close()
