"""Imports and ``custmaster validate`` read organisations' old codes, and warn about a passport
whose number is a resident ID."""

from __future__ import annotations

from pathlib import Path

import pytest

from custmaster.errors import ValidationError
from custmaster.model import IdentityDocument
from custmaster.model.identity import CustomerKind, DocumentType
from custmaster.service import Service
from custmaster.validate import cn_uscc
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.headers import DEFAULT_DOCUMENT_CODES, document_kind, map_headers
from custmaster.workflows.validation import RowValidator, identity_value, validate_file

USCC = "91110000600037341L"
CODE = "600037341"
ID_M = "110105198001010016"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def rejects_of(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))[1:]


# --- headers and document types --------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["组织机构代码", "组织机构代码证", "组织机构代码证号", "组织代码",
     "统一社会信用代码/组织机构代码", "统一社会信用代码（组织机构代码）"],
)  # fmt: skip
def test_organisation_code_columns_are_read_as_the_uscc_column(header: str) -> None:
    assert map_headers([header]).fields == ("uscc",)


def test_the_insurers_branch_code_column_stays_unmapped() -> None:
    # 机构代码 in an insurer's extract is its own branch's code (出单机构), not the customer's
    assert map_headers(["机构代码"]).fields == (None,)


@pytest.mark.parametrize(
    "text",
    ["组织机构代码", "组织机构代码证", "组织机构代码证书", "机构代码", "组织代码", "org_code"],
)
def test_type_words_for_the_old_code(text: str) -> None:
    assert document_kind(text, DEFAULT_DOCUMENT_CODES) == "org_code"


@pytest.mark.parametrize(
    ("type_text", "cell", "expected"),
    [
        ("组织机构代码", "60003734-1", ("id_document", CODE)),
        ("组织机构代码证", "６０００３７３４－１", ("id_document", CODE)),
        ("组织机构代码", USCC, ("uscc", USCC)),  # a system that kept the label
        ("营业执照", "60003734-1", ("id_document", CODE)),  # an old licence's code
        ("统一社会信用代码", USCC, ("uscc", USCC)),
    ],
)
def test_an_organisation_type_reads_either_code(
    type_text: str, cell: str, expected: tuple[str, str]
) -> None:
    routed = identity_value(type_text, cell)
    assert routed is not None
    field, value = routed
    if isinstance(value, IdentityDocument):
        assert value.type is DocumentType.ORG_CODE
        value = value.number
    assert (field, value) == expected


@pytest.mark.parametrize(
    ("type_text", "cell", "code", "field"),
    [
        ("组织机构代码", "60003734-2", "cn_org_code.checksum", "id_document"),
        ("组织机构代码", "6000373", "cn_org_code.length", "id_document"),
        ("统一社会信用代码", "6000373", "cn_uscc.length", None),
        ("营业执照", "91110000600037341M", "cn_uscc.checksum", None),
    ],
)
def test_an_organisation_type_refuses_what_is_neither(
    type_text: str, cell: str, code: str, field: str | None
) -> None:
    with pytest.raises(ValidationError) as info:
        identity_value(type_text, cell)
    assert info.value.code == code
    if field is not None:
        assert info.value.field == field


# --- rows ---------------------------------------------------------------------------------------


def validator(*headers: str) -> RowValidator:
    return RowValidator(map_headers(list(headers)), all_columns=True)


def test_an_old_code_in_the_uscc_column() -> None:
    result = validator("被保险人", "组织机构代码")(
        2, {"被保险人": "某某有限公司", "组织机构代码": "60003734-1"}
    )
    assert result.rejects == ()
    assert result.values["id_document"].key == ("org_code", "CHN", CODE)
    assert "uscc" not in result.values


def test_a_uscc_and_an_old_code_in_two_columns() -> None:
    check = validator("统一社会信用代码", "组织机构代码")
    result = check(2, {"统一社会信用代码": USCC, "组织机构代码": "60003734-1"})
    assert (result.rejects, result.conflicts) == ((), ())
    assert result.values["uscc"] == USCC
    assert result.values["id_document"].number == CODE


def test_a_hyphenated_old_code_in_an_id_column_without_a_type() -> None:
    result = validator("被保险人", "证件号码")(
        2, {"被保险人": "某某有限公司", "证件号码": "60003734-1"}
    )
    assert result.rejects == ()
    assert result.values["id_document"].number == CODE
    # without its hyphen a 9-character value may be a passport: not guessed
    result = validator("证件号码")(3, {"证件号码": "600037341"})
    assert [r.code for r in result.rejects] == ["cn_resident_id.length"]


def test_an_all_zero_old_code_is_an_empty_cell() -> None:
    result = validator("被保险人", "组织机构代码")(
        2, {"被保险人": "某某有限公司", "组织机构代码": "00000000-0"}
    )
    assert (result.values, result.rejects) == ({"name": "某某有限公司"}, ())


# --- a passport numbered like a resident ID ----------------------------------------------------


def test_a_passport_whose_number_is_a_resident_id_is_a_warning_not_a_rejection() -> None:
    check = validator("被保险人", "证件类型", "证件号码")
    result = check(2, {"被保险人": "张伟", "证件类型": "护照", "证件号码": ID_M})
    assert result.rejects == ()
    assert result.values["id_document"].key == ("passport", "", ID_M)
    ((warning),) = result.warnings
    assert (warning.row, warning.column, warning.code) == (
        2,
        "证件号码",
        "document_type.resident_id",
    )
    assert ID_M not in warning.masked_value
    assert ID_M not in warning.message
    ok = check(3, {"被保险人": "John Smith", "证件类型": "护照", "证件号码": "E12345678"})
    assert ok.warnings == ()


def test_validate_and_import_report_the_warning_and_keep_the_row(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "护照.csv",
        "保单号,被保险人,证件类型,证件号码,终保日期\n"
        f"PDAA2026901,张伟,护照,{ID_M},2027-01-05\n"
        "PDAA2026902,John Smith,护照,E12345678,2027-01-06\n",
    )
    summary = validate_file(source, rejects=tmp_path / "v.csv")
    assert (summary.rows_rejected, summary.conflicts) == (0, 0)
    assert summary.warnings == (("document_type.resident_id", 1),)
    assert [row[3] for row in rejects_of(tmp_path / "v.csv")] == ["document_type.resident_id"]
    service = Service.open("memory://")
    imported = import_core_extract(service, source, rejects=tmp_path / "i.csv")
    assert (imported.new, imported.rejected, imported.codes) == (2, 0, ())
    assert imported.warnings == (("document_type.resident_id", 1),)
    lines = rejects_of(tmp_path / "i.csv")
    assert [(line[0], line[3]) for line in lines] == [("2", "document_type.resident_id")]
    assert ID_M not in (tmp_path / "i.csv").read_text(encoding="utf-8-sig")


def test_an_import_of_old_codes_and_uscc_gives_one_customer_per_organisation(
    tmp_path: Path,
) -> None:
    same_code = "12110000" + CODE
    same_code += cn_uscc.calc_check_digit(same_code)
    source = write(
        tmp_path,
        "单位.csv",
        "保单号,被保险人,证件类型,证件号码,终保日期\n"
        "PDAA2014001,某某有限公司,组织机构代码证,60003734-1,2015-01-05\n"
        f"PDAA2026001,某某有限公司,营业执照,{USCC},2027-01-05\n"
        f"PDAA2026002,某某事业单位,统一社会信用代码,{same_code},2027-01-06\n",
    )
    service = Service.open("memory://")
    summary = import_core_extract(service, source)
    assert (summary.new, summary.merged, summary.conflicting, summary.rejected) == (1, 1, 1, 0)
    (company,) = service.find(uscc=USCC)
    assert company.kind is CustomerKind.ORGANISATION
    assert company.id_document is not None
    assert company.id_document.number == CODE
    assert set(company.policy_numbers()) == {"PDAA2014001", "PDAA2026001"}
    (pair,) = service.candidates()
    assert pair.reason.value == "strong_key_conflict"
