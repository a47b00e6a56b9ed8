"""A holder's or owner's document type column (投保人证件类型) routes its ID cell.

A core system states each party's document type next to its number, as it does for the
insured: a passport or a Taiwan permit is the party's identity document, a 营业执照 its
USCC, a 身份证 its resident ID. Without the type column the number is read as before.
"""

from __future__ import annotations

from pathlib import Path

from _workflow_helpers import ID_ZHANG, write_csv
from custmaster.model import Customer, DocumentType
from custmaster.service import Service
from custmaster.workflows.core_import import ImportSummary, import_core_extract
from custmaster.workflows.parties import find_parties, read_party

pytest_plugins = ["_workflow_fixtures"]

HEADER = (
    "保单号", "险种", "被保险人", "身份证号", "投保人", "投保人证件类型", "投保人证件号码",
    "投保人电话", "车牌号", "起保日期", "终保日期",
)  # fmt: skip
USCC = "91110000600037341L"


def test_the_type_column_belongs_to_the_party() -> None:
    (holder,) = find_parties(["投保人", "投保人证件类型", "投保人证件号码"])
    assert holder.columns[1] == ("投保人证件类型", "document_type")


def test_a_passport_holder_has_an_identity_document() -> None:
    (holder,) = find_parties(["投保人", "投保人证件类型", "投保人证件号码"])
    found = read_party(
        holder, {"投保人": "JOHN SMITH", "投保人证件类型": "护照", "投保人证件号码": "E12345678"}
    )
    assert found.errors == ()
    assert found.values is not None
    document = found.values["id_document"]
    assert (document.type, document.number) == (DocumentType.PASSPORT, "E12345678")
    assert "resident_id" not in found.values


def test_a_licence_holder_has_a_uscc_and_an_id_card_holder_a_resident_id() -> None:
    (holder,) = find_parties(["投保人证件类型", "投保人证件号码"])
    licence = read_party(holder, {"投保人证件类型": "营业执照", "投保人证件号码": USCC})
    assert licence.values is not None
    assert licence.values["uscc"] == USCC
    card = read_party(holder, {"投保人证件类型": "居民身份证", "投保人证件号码": ID_ZHANG})
    assert card.values is not None
    assert card.values["resident_id"] == ID_ZHANG
    untyped = read_party(holder, {"投保人证件类型": "", "投保人证件号码": ID_ZHANG})
    assert untyped.values == card.values


def test_a_bad_number_of_a_typed_document_is_a_bad_party_cell() -> None:
    (holder,) = find_parties(["投保人证件类型", "投保人证件号码"])
    found = read_party(holder, {"投保人证件类型": "营业执照", "投保人证件号码": "12345"})
    assert found.values is None
    ((header, field, error),) = found.errors
    assert (header, field) == ("投保人证件号码", "holder.uscc")
    assert error.code == "cn_uscc.length"


def _passport_holder(
    service: Service, tmp_path: Path, phones: str
) -> tuple[ImportSummary, Customer]:
    """Import one policy whose holder has a passport and the phone cell ``phones``: the
    import's summary and the holder on the policy."""
    rows = [
        ["PDAA202635020000000001", "商业险", "张伟", ID_ZHANG, "JOHN SMITH", "护照", "E12345678",
         phones, "闽D12345", "2026-01-01", "2026-12-31"],
    ]  # fmt: skip
    summary = import_core_extract(service, write_csv(tmp_path / "holders.csv", HEADER, rows))
    roles = service.policy("PDAA202635020000000001").roles
    return summary, service.get(roles[next(r for r in roles if r.value == "holder")])


def test_a_passport_holder_becomes_a_customer_on_the_policy(
    service: Service, tmp_path: Path
) -> None:
    summary, holder = _passport_holder(service, tmp_path, "13800138000")
    assert (summary.rows, summary.rejected, summary.partial) == (1, 0, 0)
    assert holder.name == "JOHN SMITH"
    assert holder.id_document is not None
    assert holder.id_document.number == "E12345678"
    assert holder.id != service.find(resident_id=ID_ZHANG)[0].id


def test_each_number_of_a_passport_holders_phone_cell_reaches_the_holder(
    service: Service, tmp_path: Path
) -> None:
    summary, holder = _passport_holder(service, tmp_path, "13800138000/13900139000")
    assert (summary.rejected, summary.partial) == (0, 0)
    phones = sorted(p.value for p in holder.contact_points if p.kind.is_phone)
    assert phones == ["+8613800138000", "+8613900139000"]
    # the further number's record carries the passport, as the holder's own record does
    records = service.observations(holder.id)
    assert len(records) == 2
    assert all(record.id_document is not None for record in records)
    assert service.counts()["customers"] == 2


def test_a_holders_organisation_code_column_takes_the_old_code_or_the_uscc() -> None:
    (holder,) = find_parties(["投保人", "投保人组织机构代码"])
    assert holder.columns[1] == ("投保人组织机构代码", "org_code")
    old = read_party(holder, {"投保人": "厦门某某有限公司", "投保人组织机构代码": "60003734-1"})
    assert old.values is not None
    document = old.values["id_document"]
    assert (document.type, document.number) == (DocumentType.ORG_CODE, "600037341")
    new = read_party(holder, {"投保人": "厦门某某有限公司", "投保人组织机构代码": USCC})
    assert new.values is not None
    assert new.values["uscc"] == USCC
    bad = read_party(holder, {"投保人": "厦门某某有限公司", "投保人组织机构代码": "60003734-2"})
    assert bad.values is None
    ((header, field, error),) = bad.errors
    assert (header, field, error.code) == (
        "投保人组织机构代码",
        "holder.id_document",
        "cn_org_code.checksum",
    )
    assert "60003734" not in error.masked_value
    assert read_party(holder, {"投保人": "某某", "投保人组织机构代码": "00000000-0"}).errors == ()
