"""证件类型 as core systems export it: codes (01, 03, 99 …), words, codes with their names, and
codes an insurer's own table defines; an unknown type is a clear reject, never a resident ID.

Each test builds an extract the way a core system writes it and imports it end to end
(`import_core_extract`, or ``custmaster import`` / ``custmaster validate``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, ID_ZHAO, read_csv, resident_id, write_csv
from custmaster.cli import cli
from custmaster.errors import UsageError
from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.headers import (
    DEFAULT_DOCUMENT_CODES,
    check_mapping,
    document_kind,
    map_headers,
)
from custmaster.workflows.parties import find_parties
from custmaster.workflows.validation import identity_value, validate_file

pytest_plugins = ["_workflow_fixtures"]

USCC = "91350200MA2Y12345E"
ID_CHEN = resident_id("35020319700304201")
ID_SUN = resident_id("35020319950615003")
ID_HU = resident_id("35020320150820004")

HEADER = ("保单号", "险种", "被保险人", "证件类型", "证件号码", "手机", "终保日期")


def _key(service: Service, policy_no: str) -> tuple[str, object]:
    """Which identity key the policy's customer got: the resident ID, a USCC or a document."""
    (customer,) = service.find(policy_no=policy_no)
    if customer.resident_id is not None:
        return ("resident_id", customer.resident_id)
    if customer.uscc is not None:
        return ("uscc", customer.uscc)
    assert customer.id_document is not None
    return ("id_document", customer.id_document.key)


def _extract(tmp_path: Path, rows: list[tuple[str, ...]], name: str = "证件.csv") -> Path:
    full = [(*row, "2027-01-20") for row in rows]
    return write_csv(tmp_path / name, HEADER, full, encoding="gb18030")


def test_codes_of_the_common_table_say_how_the_number_is_read(
    service: Service, tmp_path: Path
) -> None:
    path = _extract(
        tmp_path,
        [
            ("PDAA2026201", "商业险", "张伟", "01", ID_ZHANG, "13800138001"),
            # Excel dropped the leading zero of the code
            ("PDAA2026202", "商业险", "李娜", "1", ID_LI, "13800138002"),
            # a child's 公民身份号码 from the household register: the same number as an ID card
            ("PDAA2026203", "商业险", "王小明", "02", ID_WANG, "13800138003"),
            ("PDAA2026204", "商业险", "John Smith", "03", "e1234 5678", "13800138004"),
            ("PDAA2026205", "商业险", "刘军", "04", "南字第123456号", "13800138005"),
            # a mainland driving licence is numbered by its holder's 公民身份号码
            ("PDAA2026206", "商业险", "赵敏", "05", ID_ZHAO, "13800138006"),
            ("PDAA2026207", "商业险", "陈家豪", "06", "H12345678", "13800138007"),
            ("PDAA2026208", "商业险", "林志玲", "07", "0123 4567", "13800138008"),
            ("PDAA2026209", "商业险", "Maria Rossi", "99", "YA1234567", "13800138009"),
            # a code with its name, as many systems export it
            ("PDAA2026210", "商业险", "陈明", "01-居民身份证", ID_CHEN, "13800138010"),
            ("PDAA2026211", "商业险", "孙丽", "居民身份证(01)", ID_SUN, "13800138011"),
        ],
    )
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert read_csv(rejects) == []
    assert (summary.rows, summary.new, summary.rejected) == (11, 11, 0)
    assert _key(service, "PDAA2026201") == ("resident_id", ID_ZHANG)
    assert _key(service, "PDAA2026202") == ("resident_id", ID_LI)
    assert _key(service, "PDAA2026203") == ("resident_id", ID_WANG)
    assert _key(service, "PDAA2026204") == ("id_document", ("passport", "", "E12345678"))
    assert _key(service, "PDAA2026205") == (
        "id_document",
        ("military_officer", "CHN", "南字第123456号"),
    )
    assert _key(service, "PDAA2026206") == ("resident_id", ID_ZHAO)
    assert _key(service, "PDAA2026207") == ("id_document", ("hk_macao_permit", "HKG", "H12345678"))
    assert _key(service, "PDAA2026208") == ("id_document", ("taiwan_permit", "TWN", "01234567"))
    assert _key(service, "PDAA2026209") == ("id_document", ("other", "", "YA1234567"))
    assert _key(service, "PDAA2026210") == ("resident_id", ID_CHEN)
    assert _key(service, "PDAA2026211") == ("resident_id", ID_SUN)


def test_an_unknown_code_is_rejected_never_read_as_a_resident_id(
    service: Service, tmp_path: Path
) -> None:
    path = _extract(
        tmp_path,
        [
            # 08 means another document in each insurer's table: not in the default one
            ("PDAA2026221", "商业险", "张伟", "08", ID_ZHANG, "13800138001"),
            ("PDAA2026222", "商业险", "李娜", "学生证", ID_LI, "13800138002"),
            ("PDAA2026223", "商业险", "王芳", "01", ID_WANG, "13800138003"),
        ],
    )
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.rows, summary.new, summary.rejected) == (3, 1, 2)
    assert dict(summary.codes) == {"document_type.unknown": 2}
    lines = read_csv(rejects)
    assert [(r["row"], r["column"], r["code"]) for r in lines] == [
        ("2", "证件类型", "document_type.unknown"),
        ("3", "证件类型", "document_type.unknown"),
    ]
    assert "08" in lines[0]["message"]
    assert "08" in lines[0]["message_zh"]
    assert "学生证" in lines[1]["message"]
    for line in lines:  # the ID number never shows, the type does
        assert ID_ZHANG not in str(line)
        assert ID_LI not in str(line)
    assert service.find(resident_id=ID_ZHANG) == []
    assert service.find(resident_id=ID_LI) == []

    # skip_bad_cells keeps the row without its identity cell
    again = import_core_extract(service, path, rejects=tmp_path / "again.csv", skip_bad_cells=True)
    assert (again.partial, again.rejected) == (2, 0)
    assert service.find(resident_id=ID_ZHANG) == []
    (customer,) = service.find(policy_no="PDAA2026221")
    assert customer.resident_id is None
    assert customer.id_document is None


def test_a_type_word_decides_on_the_quick_path_too(service: Service, tmp_path: Path) -> None:
    """A 护照 row whose number happens to be a valid resident ID is read as the passport, as
    ``custmaster validate`` reads it: the type column decides, not the number's shape."""
    path = _extract(
        tmp_path,
        [
            ("PDAA2026231", "商业险", "张伟", "居民身份证", ID_ZHANG, "13800138001"),
            ("PDAA2026232", "商业险", "张伟", "护照", ID_ZHANG, "13800138001"),
        ],
    )
    summary = import_core_extract(service, path)
    assert summary.rejected == 0
    assert _key(service, "PDAA2026232") == ("id_document", ("passport", "", ID_ZHANG))
    report = validate_file(path, rejects=tmp_path / "v.csv")
    assert report.rows_rejected == 0


def test_an_insurers_own_code_table_in_the_mapping(service: Service, tmp_path: Path) -> None:
    path = _extract(
        tmp_path,
        [
            ("PDAA2026241", "商业险", "张伟", "1", ID_ZHANG, "13800138001"),
            ("PDAA2026242", "商业险", "John Smith", "3", "E12345678", "13800138002"),
            ("PDAA2026243", "商业险", "厦门鹭江物流有限公司", "31", USCC, "13800138003"),
            ("PDAA2026244", "商业险", "Anna Berg", "08", "USA123456789012", "13800138004"),
            ("PDAA2026245", "商业险", "李娜", "01", ID_LI, "13800138005"),
        ],
    )
    mapping = {
        "document_type:1": "居民身份证",
        "document_type:3": "passport",
        "document_type:31": "统一社会信用代码",
        "document_type:08": "外国人永久居留身份证",
    }
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, mapping=mapping, rejects=rejects)
    assert read_csv(rejects) == []
    assert summary.rejected == 0
    assert _key(service, "PDAA2026241") == ("resident_id", ID_ZHANG)
    assert _key(service, "PDAA2026242") == ("id_document", ("passport", "", "E12345678"))
    assert _key(service, "PDAA2026243") == ("uscc", USCC)
    assert _key(service, "PDAA2026244") == (
        "id_document",
        ("foreign_permanent_resident", "", "USA123456789012"),
    )
    # the default table still answers for the codes the user's does not name
    assert _key(service, "PDAA2026245") == ("resident_id", ID_LI)


def test_a_code_table_entry_must_name_a_known_type() -> None:
    with pytest.raises(UsageError) as raised:
        check_mapping({"document_type:08": "绿卡号"})
    assert raised.value.code == "mapping.document_type"
    assert "08" in str(raised.value)


def test_the_holders_type_column_reads_codes_too(service: Service, tmp_path: Path) -> None:
    header = (
        "保单号",
        "被保险人",
        "身份证号",
        "投保人",
        "投保人证件类型",
        "投保人证件号码",
        "终保日期",
    )
    rows = [
        ("PDAA2026251", "张伟", ID_ZHANG, "John Smith", "03", "E12345678", "2027-01-20"),
        ("PDAA2026252", "李娜", ID_LI, "王芳", "08", ID_WANG, "2027-01-20"),
    ]
    path = write_csv(tmp_path / "holders.csv", header, rows)
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert summary.partial == 1
    assert [(r["column"], r["code"]) for r in read_csv(rejects)] == [
        ("投保人证件类型", "document_type.unknown")
    ]
    holders = service.find(policy_no="PDAA2026251")
    assert {c.id_document.key for c in holders if c.id_document is not None} == {
        ("passport", "", "E12345678")
    }
    assert service.find(resident_id=ID_WANG) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("01", "resident_id"),
        ("1", "resident_id"),
        ("1.0", "resident_id"),
        ("身份证", "resident_id"),
        ("居民身份证", "resident_id"),
        ("二代身份证", "resident_id"),
        ("第二代居民身份证", "resident_id"),
        ("身份证（18位）", "resident_id"),
        ("01 居民身份证", "resident_id"),
        ("【01】居民身份证", "resident_id"),
        ("居民户口簿", "household_register"),
        ("驾驶证", "driving_licence"),
        ("机动车驾驶证", "driving_licence"),
        ("护照", "passport"),
        ("中国护照", "passport"),
        ("外国护照", "passport"),
        ("03-护照", "passport"),
        ("军官证", "military_officer"),
        ("港澳居民来往内地通行证", "hk_macao_permit"),
        ("港澳居民来往内地通行证（回乡证）", "hk_macao_permit"),
        ("台湾居民来往大陆通行证", "taiwan_permit"),
        ("台湾居民来往内地通行证", "taiwan_permit"),
        ("外国人永久居留身份证", "foreign_permanent_resident"),
        ("99", "other"),
        ("其他法定有效证件", "other"),
        ("统一社会信用代码", "uscc"),
        ("组织机构代码", "org_code"),
        ("营业执照", "uscc"),
        ("08", None),
        ("88", None),
        ("学生证", None),
        ("XYZ", None),
    ],
)
def test_type_texts(text: str, kind: str | None) -> None:
    assert document_kind(text, DEFAULT_DOCUMENT_CODES) == kind


def test_a_household_register_that_is_no_resident_id_is_the_register() -> None:
    routed = identity_value("02", "沪字0012345")
    assert routed is not None
    assert routed[1].key == ("household_register", "CHN", "沪字0012345")


def test_map_headers_carries_the_users_code_table() -> None:
    header_map = map_headers(["证件类型", "证件号码"], {"document_type:31": "uscc"})
    assert header_map.document_codes["31"] == "uscc"
    assert header_map.document_codes["03"] == "passport"
    assert header_map.fields == (None, "resident_id")


def test_cli_import_and_validate_with_codes_and_a_code_table(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/book.db"
    path = _extract(
        tmp_path,
        [
            ("PDAA2026261", "商业险", "张伟", "01", ID_ZHANG, "13800138001"),
            ("PDAA2026262", "商业险", "John Smith", "03", "E12345678", "13800138002"),
            ("PDAA2026263", "商业险", "厦门鹭江物流有限公司", "31", USCC, "13800138003"),
            ("PDAA2026264", "商业险", "李娜", "88", ID_LI, "13800138004"),
        ],
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"document_type:31": "uscc"}), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["import", str(path), "--store", store, "--mapping", str(mapping)]
    )
    assert result.exit_code == 0, result.output
    assert "rejected 拒绝 1" in result.output
    assert "document_type.unknown 1" in result.output
    assert ID_LI not in result.output
    assert ID_ZHANG not in result.output
    lines = read_csv(tmp_path / "证件.rejects.csv")
    assert [(r["row"], r["code"]) for r in lines] == [("5", "document_type.unknown")]
    service = Service.open(store)
    try:
        assert _key(service, "PDAA2026263") == ("uscc", USCC)
        assert _key(service, "PDAA2026262") == ("id_document", ("passport", "", "E12345678"))
    finally:
        service.close()

    checked = CliRunner().invoke(cli, ["validate", str(path), "--mapping", str(mapping)])
    assert "document_type.unknown" in checked.output, checked.output


def test_a_header_map_with_a_code_table_stays_hashable() -> None:
    plain = map_headers(["证件类型", "证件号码"])
    coded = map_headers(["证件类型", "证件号码"], {"document_type:31": "uscc"})
    assert hash(plain) == hash(map_headers(["证件类型", "证件号码"]))
    assert plain != coded  # the code table is part of what a map says
    assert hash(coded) == hash(
        map_headers(["证件类型", "证件号码"], {"document_type:31": "营业执照"})
    )


@pytest.mark.parametrize("header", ["证件类别", "证件类型代码", "身份证件类型", "客户证件类型"])
def test_spellings_of_the_type_column(service: Service, tmp_path: Path, header: str) -> None:
    path = write_csv(
        tmp_path / "spelling.csv",
        ("保单号", "被保险人", header, "证件号码", "终保日期"),
        [("PDAA2026271", "John Smith", "03", "E12345678", "2027-01-20")],
    )
    summary = import_core_extract(service, path)
    assert summary.rejected == 0
    assert _key(service, "PDAA2026271") == ("id_document", ("passport", "", "E12345678"))


def test_the_holders_type_column_spelt_otherwise() -> None:
    (holder,) = find_parties(["投保人", "投保人证件类别", "投保人证件号码"])
    assert holder.columns == (
        ("投保人", "name"),
        ("投保人证件类别", "document_type"),
        ("投保人证件号码", "id"),
    )


def test_a_foreign_permanent_residence_card_number_is_read_with_or_without_its_type(
    service: Service, tmp_path: Path
) -> None:
    """The 2023 card's number is built like a resident ID and starts with 9: core systems
    put it in the ID column, with 证件类型 or without."""
    card = "911840198506150011"
    path = _extract(
        tmp_path,
        [
            ("PDAA2026231", "商业险", "John Smith", "外国人永久居留身份证", card, "13800138001"),
            ("PDAA2026232", "商业险", "John Smith", "", card, "13800138001"),
            ("PDAA2026233", "商业险", "Anna Berg", "永居证", card[:-1] + "2", "13800138003"),
        ],
    )
    rejects = tmp_path / "rejects.csv"
    summary = import_core_extract(service, path, rejects=rejects)
    assert (summary.rows, summary.rejected) == (3, 1)
    assert _key(service, "PDAA2026231") == ("id_document", ("foreign_permanent_resident", "", card))
    assert service.find(policy_no="PDAA2026232") == service.find(policy_no="PDAA2026231")
    (line,) = read_csv(rejects)
    assert (line["row"], line["code"]) == ("4", "cn_foreign_permanent_id.checksum")
    assert card[:-1] not in str(line)
