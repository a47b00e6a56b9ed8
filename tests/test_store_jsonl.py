"""`export_jsonl` / `import_jsonl` move a whole store between adapters without loss.

SQLite to PostgreSQL and back gives identical customers (ids, records, histories, contact
statuses), candidate pairs, decisions, aliases and events; the export files of all three
stores are byte for byte the same. A damaged file is refused with its line named and leaves
the target empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _store_helpers import Schemas, schemas
from custmaster.errors import StoreError
from custmaster.model import ContactEvent, Provenance, SourceRecord
from custmaster.privacy.access import User
from custmaster.service import Service
from custmaster.store.postgres import PostgresStore
from custmaster.store.sqlite import SQLiteStore
from custmaster.testing.contract import assert_consistent, snapshot

ZHANG = "110105198001010016"
LI = "110105198001010024"
WANG = "350203198503151238"


def rec(ref: str, when: str, channel: str = "core_system", **fields: Any) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at=when, operator="王芳"),
        **fields,
    )


def fill(store: Any) -> None:
    """A store that has seen everything: merges, a split, pairs, decisions, events, and an
    audit log."""
    store.ingest(
        [
            rec(
                "R1",
                "2026-01-05",
                resident_id=ZHANG,
                name="张伟",
                mobile="13800138000",
                policy_no="PDAA1",
                line="交强险",
                plate="闽D12388",
                cover_start="2026-01-06",
                cover_end="2027-01-05",
                extra={"车队": "一队"},
            ),
            rec(
                "R2",
                "2026-02-05",
                resident_id=LI,
                name="李娜",
                policy_no="PDAA2",
                cover_end="2027-02-10",
                id_document={"type": "passport", "country": "CN", "number": "E12345678"},
            ),
            rec(
                "T1",
                "2026-03-01",
                "telesales",
                resident_id=ZHANG,
                address="上海市徐汇区漕溪北路88号",
            ),
            rec(
                "C1",
                "2026-06-01T09:00:00+08:00",
                "claim_report",
                name="张伟",
                plate="闽D12388",
                mobile="13900139000",
            ),
            rec(
                "S1",
                "2026-04-01",
                "wechat_mini",
                resident_id=WANG,
                name="王芳",
                mobile="13800138000",
                gender="女",
                birth_date="1985-03-15",
            ),
            rec(
                "O1",
                "2026-04-02",
                uscc="91350100M000100Y43",
                name="厦门某某有限公司",
                email="Info@Example.com",
            ),
        ]
    )
    zhang = store.find(resident_id=ZHANG)[0].id
    li = store.find(resident_id=LI)[0].id
    for ident, when, value, outcome in [
        ("E1", "2026-05-02T10:00:00+08:00", "13800138000", "wrong_number"),
        ("E2", "2026-05-03T10:00:00+08:00", "13900139000", "reached"),
        ("E3", "2026-05-04T10:00:00+08:00", "13700137000", "no_answer"),
    ]:
        store.add_event(
            zhang,
            ContactEvent(
                id=ident,
                at=when,
                channel="callback",
                method="call",
                contact_kind="mobile",
                contact_value=value,
                outcome=outcome,
                operator="李强",
                note="客户说换号了",
            ),
        )
    (pair,) = store.candidates()
    store.decide(pair, merge=False, by="审核员", note="different people")
    store.merge(zhang, li, by="审核员")
    store.split(zhang, [("core_system", "R2")], by="审核员")
    store.merge(li, zhang, by="审核员", note="same household account")
    service = Service(store, User("li.na", roles=["supervisor"], channel="counter"))
    service.find(resident_id=ZHANG)
    service.authorize_export("renewals 2027-01", rows=2, fields=["mobile"])
    assert_consistent(store)


def _roundtrip(source: Any, target: Any, path: Path) -> str:
    source.export_jsonl(path)
    read = target.import_jsonl(path)
    assert read["record"] == 6
    assert snapshot(target) == snapshot(source)
    assert_consistent(target)
    assert read["audit"] == 2
    assert target.audit() == source.audit()
    assert target.verify_audit(expected_head=source.audit_head()).ok
    return path.read_text("utf-8")


def test_sqlite_to_sqlite_is_lossless(tmp_path: Path) -> None:
    with (
        SQLiteStore(f"sqlite:///{tmp_path}/a.db") as first,
        SQLiteStore(f"sqlite:///{tmp_path}/b.db") as second,
    ):
        fill(first)
        text = _roundtrip(first, second, tmp_path / "a.jsonl")
        second.export_jsonl(tmp_path / "b.jsonl")
        assert (tmp_path / "b.jsonl").read_text("utf-8") == text
        lines = [json.loads(line) for line in text.splitlines()]
        kinds = [line["kind"] for line in lines]
        assert kinds[0] == "header"
        assert kinds[-1] == "end"
        expected = {"customer", "record", "index", "alias", "pair", "decision", "event", "audit"}
        assert expected <= set(kinds)
        assert lines[-1]["lines"] == len(lines)
        # new customers after an import get new ids
        made = second.ingest(rec("N1", "2026-09-01", resident_id="11010519491231002X"))
        assert made.customer_id not in {c.id for c in first.iter_customers()}
        assert made.customer_id not in {line.get("alias") for line in lines}


@pytest.fixture
def postgres_schemas() -> Iterator[Schemas]:
    yield from schemas()


@pytest.mark.postgres
def test_sqlite_to_postgres_and_back_gives_identical_customers(
    tmp_path: Path, postgres_schemas: Schemas
) -> None:
    with SQLiteStore(f"sqlite:///{tmp_path}/origin.db") as origin:
        fill(origin)
        pg = PostgresStore(postgres_schemas.new())
        try:
            first = _roundtrip(origin, pg, tmp_path / "origin.jsonl")
            with SQLiteStore(f"sqlite:///{tmp_path}/back.db") as back:
                second = _roundtrip(pg, back, tmp_path / "pg.jsonl")
                assert snapshot(back) == snapshot(origin)
                back.export_jsonl(tmp_path / "back.jsonl")
            assert first == second == (tmp_path / "back.jsonl").read_text("utf-8")
        finally:
            pg.close()


def _broken(tmp_path: Path, name: str, edit: Any) -> Path:
    source = tmp_path / "good.jsonl"
    if not source.exists():
        with SQLiteStore(f"sqlite:///{tmp_path}/good.db") as store:
            fill(store)
            store.export_jsonl(source)
    lines = source.read_text("utf-8").splitlines()
    target = tmp_path / name
    target.write_text("\n".join(edit(lines)) + "\n", "utf-8")
    return target


def _record_with_bad_phone(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        item = json.loads(line)
        if item["kind"] == "record" and "mobile" in item:
            item["mobile"] = "1380013800"
            out.append(json.dumps(item, ensure_ascii=False))
        else:
            out.append(line)
    return out


def _record_twice(lines: list[str]) -> list[str]:
    first = next(i for i, line in enumerate(lines) if '"kind":"record"' in line)
    return [*lines[: first + 1], lines[first], *lines[first + 1 :]]


@pytest.mark.parametrize(
    ("name", "edit", "problem"),
    [
        ("truncated.jsonl", lambda lines: lines[:-3], "truncated"),
        ("no-header.jsonl", lambda lines: lines[1:], "not a custmaster export"),
        ("bad-phone.jsonl", _record_with_bad_phone, "record: serialize.structure"),
        ("garbage.jsonl", lambda lines: [*lines[:5], "[1, 2", *lines[5:]], "not a JSON object"),
        ("miscounted.jsonl", lambda lines: [*lines[:5], lines[4], *lines[5:]], "end line"),
        ("twice.jsonl", _record_twice, "appears twice"),
        (
            "audit-version.jsonl",
            lambda lines: [line.replace('"v":1,', '"v":9,') for line in lines],
            "audit: audit.malformed",
        ),
    ],
)
def test_a_damaged_export_is_refused_and_imports_nothing(
    tmp_path: Path, name: str, edit: Any, problem: str
) -> None:
    path = _broken(tmp_path, name, edit)
    with SQLiteStore(f"sqlite:///{tmp_path}/target.db") as target:
        with pytest.raises(StoreError) as info:
            target.import_jsonl(path)
        assert info.value.code == "store.jsonl"
        assert name in str(info.value)
        assert problem in str(info.value)
        assert "1380013800" not in str(info.value)
        assert set(target.counts().values()) == {0}


def test_import_needs_an_empty_store_and_a_readable_file(tmp_path: Path) -> None:
    with SQLiteStore(f"sqlite:///{tmp_path}/full.db") as store:
        fill(store)
        store.export_jsonl(tmp_path / "x.jsonl")
        with pytest.raises(StoreError) as info:
            store.import_jsonl(tmp_path / "x.jsonl")
        assert info.value.code == "store.not_empty"
    with SQLiteStore(f"sqlite:///{tmp_path}/empty.db") as empty:
        with pytest.raises(StoreError) as info:
            empty.import_jsonl(tmp_path / "absent.jsonl")
        assert info.value.code == "store.jsonl"
