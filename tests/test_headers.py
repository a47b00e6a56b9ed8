"""Mapping the headers of real extracts to canonical field names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custmaster.errors import UsageError
from custmaster.workflows.headers import (
    DEFAULT_ALIASES,
    ERROR_CODES,
    MAPPABLE_FIELDS,
    check_mapping,
    load_mapping,
    map_headers,
    normalise_header,
)

CORE_SYSTEM = (
    "保单号",
    "被保险人",
    "身份证号",
    "车牌号",
    "起保日期",
    "终保日期",
    "初登日期",
    "厂牌型号",
    "车架号",
    "发动机号",
    "客户地址",
    "办公电话",
    "家庭电话",
    "移动电话",
)


def test_core_system_layout_maps_completely() -> None:
    header_map = map_headers(CORE_SYSTEM)
    assert header_map.fields == (
        "policy_no",
        "name",
        "resident_id",
        "plate",
        "cover_start",
        "cover_end",
        "first_registered",
        "make_model",
        "vin",
        "engine_no",
        "address",
        "office_phone",
        "home_phone",
        "mobile",
    )
    assert header_map.unmapped == ()
    assert header_map.score() == len(CORE_SYSTEM)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("保单号码", "policy_no"),
        ("被保人", "name"),
        ("客户姓名", "name"),
        ("姓名", "name"),
        ("车牌号码", "plate"),
        ("号牌号码", "plate"),
        ("保险起期", "cover_start"),
        ("保险止期", "cover_end"),
        ("初次登记日期", "first_registered"),
        ("品牌型号", "make_model"),
        ("VIN", "vin"),
        ("vin", "vin"),
        ("车辆识别代号", "vin"),
        ("身份证号码", "resident_id"),
        ("证件号码", "resident_id"),
        ("统一社会信用代码", "uscc"),
        ("地址", "address"),
        ("联系地址", "address"),
        ("住宅电话", "home_phone"),
        ("手机", "mobile"),
        ("手机号", "mobile"),
        ("手机号码", "mobile"),
        ("传真", "fax"),
        ("邮箱", "email"),
        ("电子邮件", "email"),
        ("E-mail", "email"),
        ("邮编", "postcode"),
        ("邮政编码", "postcode"),
        ("险种", "line"),
        ("险类", "line"),
        ("出生日期", "birth_date"),
        ("性别", "gender"),
        # Spellings of other insurers' core systems and Excel exports.
        ("被保人姓名", "name"),
        ("被保险人身份证号", "resident_id"),
        ("公民身份号码", "resident_id"),
        ("被保险人手机", "mobile"),
        ("客户手机号", "mobile"),
        ("固定电话", "home_phone"),
        ("公司电话", "office_phone"),
        ("家庭住址", "address"),
        ("被保险人地址", "address"),
        ("险种名称", "line"),
        ("保险到期日", "cover_end"),
        ("保险起始日", "cover_start"),
        ("号牌", "plate"),
        ("车架号/VIN", "vin"),
        ("车架号（VIN）", "vin"),
        ("发动机编号", "engine_no"),
        ("厂牌车型", "make_model"),
        ("车型名称", "make_model"),
        ("车辆初登日期", "first_registered"),
        ("登记日期", "first_registered"),
        ("电子信箱", "email"),
        ("被保险人手机号码", "mobile"),
        ("生效日期", "cover_start"),
        ("满期日期", "cover_end"),
        ("注册登记日期", "first_registered"),
        ("品牌型号名称", "make_model"),
        ("交强/商业", "line"),
    ],
)
def test_common_variants(header: str, field: str) -> None:
    assert map_headers([header]).fields == (field,)


@pytest.mark.parametrize(
    "header",
    [
        " 手机号码 ",
        "手机\u3000号码",
        "手机号码：",
        "手机号码:",
        "*手机号码",
        "ＭＯＢＩＬＥ",
        "Mobile",
    ],
)
def test_matching_ignores_spacing_width_case_colon_and_star(header: str) -> None:
    assert map_headers([header]).fields == ("mobile",)


@pytest.mark.parametrize("header", ["被保险人联系电话", "客户电话"])
def test_a_customers_phone_of_unknown_kind(header: str) -> None:
    header_map = map_headers([header])
    assert header_map.fields == (None,)
    assert header_map.phones == (header,)


@pytest.mark.parametrize("header", ["证件类型", "被保险人证件类型", "证件种类"])
def test_a_document_type_column(header: str) -> None:
    header_map = map_headers(["证件号码", header])
    assert header_map.fields == ("resident_id", None)
    assert header_map.document_types == (header,)
    assert header_map.unread == ()  # read with the identity column, not kept as extra


def test_a_user_mapping_may_name_the_imports_source_columns() -> None:
    header_map = map_headers(["单号", "出单时间", "坐席"], {"单号": "policy_no",
                             "出单时间": "observed_at", "坐席": "operator"})  # fmt: skip
    assert header_map.fields == ("policy_no", None, None)
    assert header_map.sources == (("出单时间", "observed_at"), ("坐席", "operator"))
    assert header_map.unread == ()


def test_canonical_names_always_match() -> None:
    assert map_headers(MAPPABLE_FIELDS).fields == MAPPABLE_FIELDS
    upper = [f.upper() for f in MAPPABLE_FIELDS]
    assert map_headers(upper, defaults=False).fields == MAPPABLE_FIELDS


def test_structured_fields_cannot_be_a_column() -> None:
    assert "id_document" not in MAPPABLE_FIELDS
    assert map_headers(["id_document"]).fields == (None,)
    with pytest.raises(UsageError):
        check_mapping({"证件": "id_document"})


def test_every_alias_targets_a_real_field_and_no_alias_is_ambiguous() -> None:
    seen: dict[str, str] = {}
    for field, aliases in DEFAULT_ALIASES.items():
        assert field in MAPPABLE_FIELDS
        for alias in aliases:
            key = normalise_header(alias)
            assert seen.setdefault(key, field) == field, alias


def test_unknown_headers_are_reported_not_dropped() -> None:
    header_map = map_headers(["保单号", "备注", "业务员", "联系电话"])
    assert header_map.fields == ("policy_no", None, None, None)
    assert header_map.unmapped == ("备注", "业务员", "联系电话")
    assert header_map.mapped == (("保单号", "policy_no"),)


def test_second_column_for_the_same_field_is_a_duplicate() -> None:
    header_map = map_headers(["手机", "移动电话", "被保险人"])
    assert header_map.fields == ("mobile", None, "name")
    assert header_map.duplicates == ("移动电话",)
    assert "移动电话" in header_map.unmapped


def test_user_mapping_wins_and_can_ignore_columns() -> None:
    header_map = map_headers(
        ["客户名称", "联系电话", "手机", "车架号"],
        {"联系电话": "mobile", "手机": None, "客户名称": "name"},
    )
    assert header_map.fields == ("name", "mobile", None, "vin")


def test_defaults_can_be_switched_off() -> None:
    assert map_headers(["保单号", "电话"], {"电话": "mobile"}, defaults=False).fields == (
        None,
        "mobile",
    )


def test_mapping_to_an_unknown_field_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as info:
        check_mapping({"电话": "phone_number"})
    assert info.value.code == "mapping.field"
    assert "mobile" in info.value.message  # lists the known fields


def test_load_mapping_from_json(tmp_path: Path) -> None:
    path = tmp_path / "mapping.json"
    path.write_text(
        json.dumps({"联系电话": "mobile", "备注": None}, ensure_ascii=False), encoding="utf-8-sig"
    )
    assert load_mapping(path) == {"联系电话": "mobile", "备注": None}


@pytest.mark.parametrize(
    "content", ["not json", "[1, 2]", '{"电话": 3}', '{"电话": "phone_number"}']
)
def test_bad_mapping_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "mapping.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as info:
        load_mapping(path)
    assert info.value.code in ERROR_CODES


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        load_mapping(tmp_path / "nope.json")
    assert info.value.code == "mapping.file"


def test_non_text_headers() -> None:
    header_map = map_headers([None, 2026, "保单号"])
    assert header_map.headers == ("", "2026", "保单号")
    assert header_map.fields == (None, None, "policy_no")
