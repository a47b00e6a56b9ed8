"""An organisation's old code (组织机构代码) in the model and in identity resolution."""

from __future__ import annotations

from typing import Any

import pytest

from _resolve_helpers import DictLookups
from custmaster.errors import ValidationError
from custmaster.merge import build, to_customer
from custmaster.model import Customer, CustomerKind, IdentityDocument, Provenance, SourceRecord
from custmaster.model.identity import DocumentType
from custmaster.resolve import Reason, explain_resolution, resolve, strong_keys
from custmaster.resolve.keys import index_entries, org_code_key
from custmaster.store import MemoryStore, Outcome
from custmaster.validate import cn_uscc

USCC = "91110000600037341L"  # organisation code 60003734-1
CODE = "600037341"
ID_M = "110105198001010016"


def uscc_with(prefix: str, code: str) -> str:
    """A USCC of authority, type and region ``prefix`` holding the organisation code ``code``."""
    body = prefix + code
    return body + cn_uscc.calc_check_digit(body)


#: A public institution's USCC holding the company's code: another registration, same code.
SAME_CODE = uscc_with("12110000", CODE)


def rec(
    ref: str, when: str = "2026-01-05", channel: str = "core_system", **fields: Any
) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields
    )


def org_doc(number: str = "60003734-1") -> IdentityDocument:
    return IdentityDocument(type="组织机构代码", number=number)


# --- the model --------------------------------------------------------------------------------


def test_an_organisation_code_document_is_validated_and_chinese() -> None:
    document = org_doc("６０００３７３４－１")
    assert (document.type, document.country, document.number) == (
        DocumentType.ORG_CODE,
        "CHN",
        CODE,
    )
    assert document.key == ("org_code", "CHN", CODE)
    assert CODE not in repr(document)
    assert IdentityDocument(type="org_code", country="中国", number=CODE) == document
    with pytest.raises(ValidationError) as info:
        org_doc("60003734-2")
    assert info.value.code == "cn_org_code.checksum"
    with pytest.raises(ValidationError) as info:
        IdentityDocument(type="组织机构代码证", country="USA", number=CODE)
    assert info.value.code == "identity_document.org_code_country"


@pytest.mark.parametrize(
    "word", ["组织机构代码", "组织机构代码证", "机构代码", "组织代码", "org_code"]
)
def test_the_document_type_words(word: str) -> None:
    assert DocumentType(word) is DocumentType.ORG_CODE


def test_an_organisation_may_carry_its_old_code_and_a_person_may_not() -> None:
    company = Customer(id="C1", kind="单位", name="某某有限公司", uscc=USCC, id_document=org_doc())
    assert company.id_document is not None
    assert company.id_document.number == CODE
    assert Customer(id="C2", kind="organisation", id_document=org_doc()).uscc is None
    with pytest.raises(ValidationError) as info:
        Customer(id="C3", kind="person", name="张伟", id_document=org_doc())
    assert (info.value.code, info.value.field) == ("customer.kind_field", "id_document")
    passport = IdentityDocument(type="护照", number="E12345678")
    with pytest.raises(ValidationError):
        Customer(id="C4", kind="organisation", id_document=passport)


def test_a_customer_known_by_its_old_code_alone_is_an_organisation() -> None:
    records = [rec("R1", name="某某有限公司", id_document=org_doc())]
    customer = to_customer("C1", build(records), records)
    assert customer.kind is CustomerKind.ORGANISATION
    assert customer.id_document == org_doc()
    records.append(rec("R2", "2026-02-01", uscc=USCC))
    customer = to_customer("C1", build(records), records)
    assert (customer.kind, customer.uscc, customer.id_document) == (
        CustomerKind.ORGANISATION,
        USCC,
        org_doc(),
    )


# --- keys -------------------------------------------------------------------------------------


def test_a_uscc_also_gives_the_key_of_its_organisation_code() -> None:
    keys = strong_keys(rec("A", uscc=USCC))
    assert [(k.kind, k.value) for k in keys] == [("uscc", USCC), ("document", org_code_key(CODE))]
    assert keys == strong_keys(rec("B", uscc=USCC, id_document=org_doc()))  # stated: once
    assert [k.value for k in strong_keys(rec("C", id_document=org_doc()))] == [org_code_key(CODE)]
    entries = {(e.kind, e.key, e.payload) for e in index_entries(rec("D", uscc=USCC))}
    assert ("document", org_code_key(CODE), "owner") in entries
    assert CODE not in repr(keys)


@pytest.mark.parametrize(
    "uscc",
    [
        uscc_with("91350200", "123456780"),  # the embedded code fails GB 11714 (check is 8)
        uscc_with("91350200", "000000000"),  # the all-zero placeholder
    ],
)
def test_a_uscc_whose_embedded_code_is_none_gives_no_organisation_key(uscc: str) -> None:
    assert cn_uscc.is_valid(uscc)
    assert [k.kind for k in strong_keys(rec("A", uscc=uscc))] == ["uscc"]


def test_a_person_record_gets_no_new_key() -> None:
    assert [k.kind for k in strong_keys(rec("A", resident_id=ID_M))] == ["resident_id"]


# --- resolution -------------------------------------------------------------------------------


@pytest.mark.parametrize("old_first", [True, False])
def test_the_old_code_and_the_uscc_resolve_to_one_customer_in_either_order(
    old_first: bool,
) -> None:
    store = MemoryStore()
    old = rec("OLD", "2014-06-01", name="某某有限公司", id_document=org_doc())
    new = rec("NEW", "2026-01-05", name="某某有限公司", uscc=USCC)
    first, second = (old, new) if old_first else (new, old)
    a = store.ingest(first)
    b = store.ingest(second)
    assert (b.outcome, b.customer_id) == (Outcome.MERGED, a.customer_id)
    assert b.via == "document"
    customer = store.get(a.customer_id)
    assert (customer.kind, customer.uscc, customer.id_document) == (
        CustomerKind.ORGANISATION,
        USCC,
        org_doc(),
    )


def test_the_resolution_through_the_old_code_explains_itself_masked() -> None:
    lookups = DictLookups()
    lookups.add("C1", rec("OLD", "2014-06-01", id_document=org_doc()))
    resolution = resolve(rec("NEW", uscc=USCC), lookups)
    assert (resolution.customer_id, resolution.via, resolution.pairs) == ("C1", "document", ())
    text = explain_resolution(resolution)
    assert "org_code|CHN|6******41" in text
    assert CODE not in text
    assert USCC not in text
    lookups.add("C2", rec("OTHER", uscc=SAME_CODE))
    resolution = resolve(rec("NEW2", uscc=SAME_CODE), lookups)
    assert resolution.customer_id == "C2"  # its own USCC; C1 (no USCC) is no conflict


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_two_usccs_holding_one_code_are_a_pair_never_a_merge(order: tuple[int, int]) -> None:
    store = MemoryStore()
    records = [rec("A", uscc=USCC), rec("B", "2026-01-06", uscc=SAME_CODE)]
    first = store.ingest(records[order[0]])
    second = store.ingest(records[order[1]])
    assert second.customer_id not in (None, first.customer_id)
    assert second.outcome is Outcome.CANDIDATE
    ((pair),) = second.pairs
    assert pair.reason is Reason.STRONG_KEY_CONFLICT
    assert {pair.a, pair.b} == {first.customer_id, second.customer_id}
    shown = str(pair)
    assert USCC not in shown
    assert SAME_CODE not in shown
    assert CODE not in shown
    assert "organisation code" in shown
    # the same USCC again still goes to its own customer
    again = store.ingest(rec("A2", "2026-03-01", uscc=records[order[0]].uscc))
    assert again.customer_id == first.customer_id


def test_the_old_code_of_a_company_known_by_two_usccs_goes_to_one_and_pairs_the_other() -> None:
    store = MemoryStore()
    a = store.ingest(rec("A", uscc=USCC))
    b = store.ingest(rec("B", "2026-01-06", uscc=SAME_CODE))
    old = store.ingest(rec("OLD", "2026-01-07", id_document=org_doc()))
    assert old.customer_id in (a.customer_id, b.customer_id)
    assert {p.reason for p in old.pairs} <= {Reason.STRONG_KEY_CONFLICT}
    assert store.count() == 2


def test_a_decision_keeps_two_usccs_of_one_code_apart() -> None:
    store = MemoryStore()
    a = store.ingest(rec("A", uscc=USCC))
    b = store.ingest(rec("B", "2026-01-06", uscc=SAME_CODE))
    (pair,) = b.pairs
    store.decide(pair.id, merge=False, by="李审核")
    again = store.ingest(rec("B2", "2026-02-01", uscc=SAME_CODE))
    assert (again.customer_id, again.pairs) == (b.customer_id, ())
    assert a.customer_id != b.customer_id
