"""The service layer: permissions per operation, the program context, audit entries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from custmaster.audit import AuditChain, verify
from custmaster.errors import PermissionDenied, UsageError
from custmaster.model import ContactEvent, Provenance, SourceRecord
from custmaster.privacy.access import Role, User
from custmaster.privacy.masking import scan_for_personal_data
from custmaster.service import PROGRAM, Service, as_service
from custmaster.store import MemoryStore
from custmaster.store.sqlite import SQLiteStore

ID = "11010519491231002X"


def _record(ref: str = "R1") -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel="core_system", source_ref=ref, observed_at="2026-01-05"),
        resident_id=ID,
        name="张伟",
        mobile="13800138000",
        policy_no="P1",
    )


def test_program_context_may_do_everything_but_reveal() -> None:
    service = Service(MemoryStore())
    result = service.ingest_one(_record())
    assert service.get(result.customer_id or "").name == "张伟"
    for permission in ("query", "entry", "modify", "review", "export"):
        service.require(permission)
        assert service.can(permission)
    assert not service.can("reveal")
    with pytest.raises(PermissionDenied, match=r"permission\.reveal"):
        service.require("reveal")


@pytest.mark.parametrize(
    ("call", "permission"),
    [
        (lambda s: s.get("C00000001"), "query"),
        (lambda s: s.find(phone="13800138000"), "query"),
        (lambda s: s.lookup(phone="13800138000"), "query"),
        (lambda s: s.merge("C00000001", "C00000002"), "review"),
        (lambda s: s.audit_log(), "audit"),
        (lambda s: s.verify_audit(), "audit"),
        (lambda s: s.policy("P1"), "query"),
        (lambda s: s.expiring("2027-01"), "query"),
        (lambda s: s.counts(), "query"),
        (lambda s: s.state("C00000001"), "query"),
        (lambda s: s.ingest([_record("R2")]), "entry"),
        (lambda s: s.decide("P00000001", merge=False), "review"),
        (lambda s: s.authorize_export("x", rows=1), "export"),
        (lambda s: s.authorize_reveal("C00000001", fields=["name"]), "query"),
    ],
)
def test_each_operation_checks_its_permission(call, permission: str) -> None:  # type: ignore[no-untyped-def]
    store = MemoryStore()
    store.ingest(_record())
    nobody = Service(store, User("nobody", roles=[Role("none", set())]))
    with pytest.raises(PermissionDenied) as caught:
        call(nobody)
    assert caught.value.code == f"permission.{permission}"


def test_audit_entries_name_operations_never_values() -> None:
    chain = AuditChain()
    service = Service(MemoryStore(), User("wang.fang", roles=["supervisor"]), audit=chain)
    seen = []
    service._on_audit = seen.append  # the application's hook
    result = service.ingest_one(_record())
    service.find(resident_id=ID)
    service.authorize_export("renewals 2027-01", rows=3)
    operations = [e.operation for e in service.audit_entries]
    assert operations == ["entry", "query", "export"]
    assert service.audit_entries[0].customer_id == result.customer_id
    assert service.audit_entries[1].fields == ("resident_id",)
    assert seen == list(service.audit_entries)
    assert verify(service.audit_entries).ok
    # the hashes are random hex and may hold a run of digits; the content is what must be clean
    text = " ".join(
        repr({k: v for k, v in e.to_dict().items() if not k.endswith("hash")})
        for e in service.audit_entries
    )
    assert not scan_for_personal_data(text, ["张伟"])
    program = Service(MemoryStore(), audit=AuditChain())
    program.ingest_one(_record())
    assert program.audit_entries[0].user == PROGRAM


def test_by_names_the_author() -> None:
    service = Service(MemoryStore(), User("li.na", roles=["operator"]))
    assert service.by() == "li.na"
    assert service.by(" 王芳 ") == "王芳"
    with pytest.raises(UsageError, match=r"service\.user"):
        Service(MemoryStore()).by()


def test_wrapping() -> None:
    store = MemoryStore()
    service = as_service(store)
    assert service.store is store
    assert as_service(service) is service
    with pytest.raises(UsageError, match=r"service\.target"):
        Service("memory://")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"service\.user"):
        Service(store, "王芳")  # type: ignore[arg-type]
    assert "王芳" not in repr(Service(store, User("王芳", roles=["operator"])))


# -- PIPL subject rights --------------------------------------------------------------------------

SUBJECT_CALLS = {
    "erase": (lambda s: s.erase("C00000001", reason="PIPL-REQ-1"), ("delete",)),
    "restrict": (lambda s: s.restrict("C00000001", reason="PIPL-REQ-2"), ("delete",)),
    "export_subject": (lambda s: s.export_subject("C00000001"), ("export", "reveal")),
}


@pytest.mark.parametrize("name", sorted(SUBJECT_CALLS))
def test_subject_rights_are_refused_without_their_permissions(name: str) -> None:
    call, needed = SUBJECT_CALLS[name]
    for held in [set(), *({p for p in needed if p != missing} for missing in needed)]:
        store = MemoryStore()
        store.ingest(_record())
        before = store.audit()
        service = Service(store, User("clerk", roles=[Role("some", {"query", "entry", *held})]))
        with pytest.raises(PermissionDenied) as caught:
            call(service)
        assert caught.value.code.startswith("permission.")
        assert store.tombstone("C00000001") is None
        assert store.restriction("C00000001") is None
        assert store.audit() == before


@pytest.mark.parametrize("name", sorted(SUBJECT_CALLS))
def test_subject_rights_are_allowed_with_their_permissions_and_audited(name: str) -> None:
    call, needed = SUBJECT_CALLS[name]
    store = MemoryStore()
    store.ingest(_record())
    chain = AuditChain()
    service = Service(store, User("dpo.zhou", roles=[Role("dpo", set(needed))]), audit=chain)
    done = call(service)
    (entry,) = store.audit(operation=f"subject.{name.split('_', maxsplit=1)[0]}")
    assert entry.user == "dpo.zhou"
    assert entry.customer_id == "C00000001"
    assert [e.operation for e in service.audit_entries] == [entry.operation]
    if name == "export_subject":
        assert done["customer"]["resident_id"] == ID  # unmasked by design
    else:
        assert done.by == "dpo.zhou"
    assert store.verify_audit().ok


def test_lifting_needs_delete_and_is_audited() -> None:
    store = MemoryStore()
    store.ingest(_record())
    Service(store).restrict("C00000001", reason="PIPL-REQ-3", by="dpo.zhou")
    reader = Service(store, User("reader", roles=["supervisor"]))
    with pytest.raises(PermissionDenied) as caught:
        reader.lift_restriction("C00000001", reason="done")
    assert caught.value.code == "permission.delete"
    admin = Service(store, User("admin.li", roles=["administrator"]))
    lifted = admin.lift_restriction("C00000001", reason="PIPL-REQ-3 closed")
    assert lifted.lifted_by == "admin.li"
    assert not admin.restriction("C00000001").active  # type: ignore[union-attr]
    operations = [e.operation for e in store.audit(customer_id="C00000001")]
    assert operations == ["subject.restrict", "subject.lift"]


def test_an_erasure_and_its_audit_entry_commit_together() -> None:
    store = MemoryStore()
    store.ingest(_record())
    service = Service(store, User("dpo.zhou", roles=["administrator"]))
    with pytest.raises(Exception, match="audit"):
        service.erase("C00000001", reason="caller 13800138000 asked")  # personal data in detail
    assert store.tombstone("C00000001") is None
    assert store.get("C00000001").name == "张伟"
    assert store.audit() == []
    tombstone = service.erase("C00000001", reason="PIPL-REQ-4")
    assert service.tombstone("C00000001") == tombstone
    assert [e.operation for e in store.audit()] == ["subject.erase"]


def test_the_program_context_may_erase_but_not_export_a_subject() -> None:
    store = MemoryStore()
    store.ingest(_record())
    program = Service(store)
    with pytest.raises(PermissionDenied, match=r"permission\.reveal"):
        program.export_subject("C00000001")
    with pytest.raises(UsageError) as caught:
        program.erase("C00000001", reason="PIPL-REQ-5")
    assert caught.value.code == "service.user"
    assert program.erase("C00000001", reason="PIPL-REQ-5", by="dpo.zhou").by == "dpo.zhou"
    assert store.audit()[0].user == PROGRAM


def test_a_reveal_needs_the_permission_and_leaves_an_entry_in_the_store() -> None:
    store = MemoryStore()
    store.ingest(_record())
    reader = Service(store, User("wang", roles=[Role("reader", {"query"})]))
    with pytest.raises(PermissionDenied, match=r"permission\.reveal"):
        reader.authorize_reveal("C00000001", fields=["name", "mobile"])
    assert store.audit(operation="reveal") == []
    admin = Service(store, User("li.na", roles=["administrator"]))
    admin.authorize_reveal("C00000001", fields=["name", "mobile"], purpose="call-back")
    (entry,) = store.audit(operation="reveal")
    assert (entry.user, entry.customer_id, entry.fields) == (
        "li.na",
        "C00000001",
        ("mobile", "name"),
    )
    assert entry.detail["purpose"] == "call-back"


# -- the audit log in the store ------------------------------------------------------------------

OTHER_ID = "110105198001010024"


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    made = MemoryStore() if request.param == "memory" else SQLiteStore(f"sqlite:///{tmp_path}/a.db")
    yield made
    made.close()


def _clean(entries: Any) -> None:
    """No entry holds a personal value of the test data (hashes aside)."""
    text = " ".join(
        repr({k: v for k, v in e.to_dict().items() if not k.endswith("hash")}) for e in entries
    )
    assert not scan_for_personal_data(text, ["张伟", "李娜", "北京市朝阳区建国路88号"])
    assert ID not in text
    assert "13800138000" not in text


def test_each_operation_leaves_its_entry_in_the_store(store: Any) -> None:
    boss = User("zhou.admin", roles=["administrator"], channel="counter")
    service = Service(store, boss)
    first = service.ingest_one(_record())
    [second] = service.ingest(
        [
            {
                "provenance": {
                    "channel": "telesales",
                    "source_ref": "T1",
                    "observed_at": "2026-02-01",
                },
                "resident_id": OTHER_ID,
                "name": "李娜",
                "address": "北京市朝阳区建国路88号",
                "extra": {"车队": "A", "13800138000": "x"},
            }
        ]
    )
    a, b = first.customer_id or "", second.customer_id or ""
    event = ContactEvent(
        id="E1",
        at="2026-03-01T10:00:00+08:00",
        channel="callback",
        method="call",
        contact_kind="mobile",
        contact_value="13800138000",
        outcome="reached",
        operator="王芳",
    )
    service.add_event(a, event)
    service.find(resident_id=ID)
    service.lookup(resident_id=ID)  # part of an operation audited as a whole: no entry
    merged = service.merge(a, b)
    split = service.split(a, [("telesales", "T1")])
    service.authorize_export("renewals 2027-01", rows=2, reveal=True, fields=["mobile"])
    entries = store.audit()
    assert entries == list(service.audit_entries)
    assert [e.operation for e in entries] == [
        "entry",
        "entry",
        "entry",
        "query",
        "merge",
        "split",
        "reveal",
    ]
    assert {e.user for e in entries} == {"zhou.admin"}
    assert {e.channel for e in entries} == {"counter"}
    assert [e.customer_id for e in entries] == [a, b, a, None, a, a, None]
    assert entries[0].fields == ("mobile", "name", "policy_no", "resident_id")
    assert entries[1].fields == ("address", "extra", "extra.车队", "name", "resident_id")
    assert entries[2].fields == ("mobile",)
    assert entries[3].fields == ("resident_id",)
    assert dict(entries[4].detail) == {"other": merged.b}
    assert dict(entries[5].detail) == {"other": split.b, "records": 1}
    assert entries[6].fields == ("mobile",)
    _clean(entries)
    assert store.verify_audit().ok


def test_a_program_ingest_names_the_records_channel(store: Any) -> None:
    service = Service(store)
    service.ingest([_record(), _record(), {"name": "张伟"}])  # stored, duplicate, rejected
    [entry] = store.audit()
    assert (entry.user, entry.channel, entry.operation) == (PROGRAM, "core_system", "entry")
    assert dict(entry.detail) == {"records": 1, "created": True}


def test_a_rolled_back_change_leaves_no_entry(store: Any) -> None:
    service = Service(store, User("li.na", roles=["supervisor"]))
    service.ingest_one(_record())
    head = store.audit_head()

    def fail() -> None:
        with service.transaction():
            service.ingest_one(_record("R2"))
            assert store.audit_head().seq == head.seq + 1
            raise RuntimeError("the import fails")

    with pytest.raises(RuntimeError):
        fail()
    assert store.audit_head() == head
    assert store.counts()["records"] == 1
    with pytest.raises(UsageError):  # refused by the store: no entry either
        service.merge("C00000001", "C00000001")
    assert store.audit_head() == head


def test_auditing_can_stay_in_memory_or_be_off() -> None:
    store = MemoryStore()
    seen: list[Any] = []
    chained = Service(store, audit=AuditChain(), on_audit=seen.append)
    chained.ingest_one(_record())
    assert store.audit() == []
    assert seen == list(chained.audit_entries)
    assert len(seen) == 1
    silent = Service(store, audit=False)
    silent.ingest_one(_record("R2"))
    silent.find(resident_id=ID)
    assert silent.audit_entries == ()
    assert store.audit() == []


def test_a_long_run_keeps_only_its_latest_audit_entries_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from custmaster import service as service_module

    monkeypatch.setattr(service_module, "ENTRIES_KEPT", 5)
    made = Service.open("memory://")
    for n in range(12):
        made.ingest_one(
            SourceRecord(
                provenance=Provenance(
                    channel="telesales", source_ref=f"K{n}", observed_at="2026-01-02"
                ),
                mobile=f"1380013{n:04d}",
            )
        )
    kept = made.audit_entries
    assert len(kept) == 5
    logged = made.audit_log()
    assert len(logged) == 12
    assert [e.hash for e in kept] == [e.hash for e in logged[-5:]]
