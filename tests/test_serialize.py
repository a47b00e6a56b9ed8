"""Tests of custmaster.serialize: exact round trips, stable format, strict reading."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custmaster import serialize
from custmaster.errors import ValidationError
from custmaster.model import (
    Channel,
    ContactEvent,
    ContactPoint,
    Customer,
    Endorsement,
    HistoryEntry,
    IdentityDocument,
    Policy,
    PolicyLine,
    PolicyRoleLink,
    Provenance,
    SourceRecord,
    Vehicle,
)
from custmaster.serialize import (
    SCHEMA_VERSION,
    StructureError,
    from_dict,
    from_json,
    to_dict,
    to_json,
)
from custmaster.testing import _domain

_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_STRATEGIES: list[tuple[type, st.SearchStrategy[Any]]] = [
    (Provenance, _domain.provenances()),
    (IdentityDocument, _domain.identity_documents()),
    (ContactPoint, _domain.contact_points()),
    (ContactEvent, _domain.contact_events()),
    (Vehicle, _domain.vehicles()),
    (Endorsement, _domain.endorsements()),
    (Policy, _domain.policies()),
    (Customer, _domain.customers()),
    (SourceRecord, _domain.source_records()),
    (HistoryEntry, _domain.history_entries("birth_date", st.dates())),
]


def _json_types_only(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_types_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_types_only(v) for v in value)
    return value is None or type(value) in (str, int, bool)


@pytest.mark.parametrize(("cls", "strategy"), _STRATEGIES, ids=lambda x: getattr(x, "__name__", ""))
def test_every_class_round_trips_exactly(cls: type, strategy: st.SearchStrategy[Any]) -> None:
    @_SETTINGS
    @given(strategy)
    def check(obj: Any) -> None:
        data = to_dict(obj)
        assert data["schema"] == SCHEMA_VERSION
        assert _json_types_only(data)
        back = from_dict(cls, data)
        assert back == obj
        assert to_dict(back) == data
        assert from_json(cls, to_json(obj)) == obj

    check()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_domain.customer_books())
def test_books_round_trip_and_refer_to_each_other(
    book: tuple[tuple[Customer, ...], tuple[Policy, ...]],
) -> None:
    people, policies = book
    ids = {c.id for c in people}
    for policy in policies:
        assert policy.customer_id("insured") in ids
        assert set(policy.customer_ids) <= ids
        assert from_dict(Policy, json.loads(to_json(policy))) == policy
    for customer in people:
        assert from_dict(Customer, json.loads(to_json(customer))) == customer
        for link in customer.policies:
            policy = next(p for p in policies if p.policy_no == link.policy_no)
            assert policy.customer_id(link.role) == customer.id


def test_the_format_is_stable() -> None:
    policy = Policy(
        policy_no="PDAA2026001",
        line="交强险",
        roles={"insured": "C1", "holder": "C1"},
        cover_start="2026-01-06",
        cover_end="2027-01-05",
        business_type="续保",
        renews="PDAA2025001",
        vehicle=Vehicle(plate="闽D12388", first_registered="2022-03-18"),
        endorsements=[
            Endorsement(number="E1", effective="2026-03-01", kind="address", changed=["address"])
        ],
    )
    assert to_dict(policy) == {
        "schema": 1,
        "policy_no": "PDAA2026001",
        "line": "compulsory",
        "roles": {"holder": "C1", "insured": "C1"},
        "cover_start": "2026-01-06",
        "cover_end": "2027-01-05",
        "business_type": "renewal",
        "renews": "PDAA2025001",
        "status": "in_force",
        "vehicle": {
            "plate": "闽D12388",
            "vin": None,
            "engine_no": None,
            "first_registered": "2022-03-18",
            "make_model": None,
            "manufacturer": None,
            "series": None,
        },
        "endorsements": [
            {"number": "E1", "effective": "2026-03-01", "kind": "address", "changed": ["address"]}
        ],
    }
    when = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    customer = Customer(
        id="C1",
        resident_id="11010519491231002X",
        first_channel="wechat_mini",
        contact_points=[
            ContactPoint(
                kind="mobile", value="13800138000", first_seen=when, channels={"manual": 1}
            )
        ],
        policies=[PolicyRoleLink(policy_no="PDAA2026001", role="insured")],
        histories={
            "gender": [
                HistoryEntry(
                    field="gender",
                    value=Customer(id="X", resident_id="350203198506150038").gender,
                    provenance=Provenance(
                        channel="claim_report", source_ref="R1", observed_at=when
                    ),
                )
            ]
        },
    )
    data = to_dict(customer)
    assert data["gender"] == "female"
    assert data["birth_date"] == "1949-12-31"
    assert data["first_channel"] == "wechat_mini"
    assert data["contact_points"][0]["first_seen"] == "2026-01-05T10:00:00+08:00"
    assert data["policies"] == [{"policy_no": "PDAA2026001", "role": "insured"}]
    assert data["histories"] == {
        "gender": [
            {
                "field": "gender",
                "value": "male",
                "provenance": {
                    "channel": "claim_report",
                    "source_ref": "R1",
                    "observed_at": "2026-01-05T10:00:00+08:00",
                    "recorded_at": "2026-01-05T10:00:00+08:00",
                    "operator": None,
                },
            }
        ]
    }
    assert from_dict(Customer, data).first_channel == Channel("wechat_mini")


def test_user_channels_and_lines_round_trip_as_codes() -> None:
    record = SourceRecord(
        provenance=Provenance(channel="wechat_mini", source_ref="W1", observed_at="2026-01-05"),
        line="accident",
    )
    data = to_dict(record)
    assert (data["provenance"]["channel"], data["line"]) == ("wechat_mini", "accident")
    back = from_dict(SourceRecord, data)
    assert back == record
    assert back.line == PolicyLine("accident")


def _problems(cls: type, data: object) -> tuple[tuple[str, str], ...]:
    with pytest.raises(StructureError) as info:
        from_dict(cls, data)
    error = info.value
    assert isinstance(error, ValidationError)
    assert error.code == "serialize.structure"
    return error.problems


def _vehicle() -> dict[str, Any]:
    return to_dict(Vehicle(plate="闽D12388"))


def test_the_schema_version_is_required_and_checked() -> None:
    data = _vehicle()
    del data["schema"]
    assert _problems(Vehicle, data) == (("$.schema", "serialize.schema_missing"),)
    assert _problems(Vehicle, {**data, "schema": 2}) == (("$.schema", "serialize.schema_version"),)
    assert _problems(Vehicle, {**data, "schema": "1"}) == (
        ("$.schema", "serialize.schema_version"),
    )
    assert _problems(Vehicle, ["not", "a", "dict"]) == (("$", "serialize.type"),)


def test_unknown_keys_are_rejected_at_every_level() -> None:
    assert _problems(Vehicle, {**_vehicle(), "colour": "red"}) == (("$", "serialize.unknown_key"),)
    policy = to_dict(Policy(policy_no="P1", line="compulsory", vehicle=Vehicle(plate="闽D12388")))
    policy["vehicle"]["colour"] = "red"
    assert _problems(Policy, policy) == (("$.vehicle", "serialize.unknown_key"),)
    entry = HistoryEntry(
        field="level",
        value="A",
        provenance=Provenance(channel="manual", source_ref="M1", observed_at="2026-01-01"),
    )
    customer = to_dict(Customer(id="C1", histories={"level": [entry]}))
    customer["histories"]["level"][0]["note"] = "x"
    assert _problems(Customer, customer) == (("$.histories[level][0]", "serialize.unknown_key"),)


@pytest.mark.parametrize(
    ("cls", "change", "path", "code"),
    [
        (Vehicle, {"plate": 12388}, "$.plate", "serialize.type"),
        (Vehicle, {"first_registered": "18/03/2022"}, "$.first_registered", "serialize.type"),
        (Vehicle, {"first_registered": 20220318}, "$.first_registered", "serialize.type"),
        (Vehicle, {"vin": "LSVAU2180N2183294"}, "$.vin", "vin.checksum"),
        (Customer, {"key_customer": "yes"}, "$.key_customer", "serialize.type"),
        (Customer, {"gender": "女"}, "$.gender", "serialize.type"),
        (Customer, {"kind": "PERSON"}, "$.kind", "serialize.type"),
        (Customer, {"id": None}, "$.id", "serialize.type"),
        (
            Customer,
            {"resident_id": "110105194912310021"},
            "$.resident_id",
            "cn_resident_id.checksum",
        ),
        (Customer, {"gender": "male"}, "$.gender", "customer.gender_contradicts_id"),
        (Customer, {"first_channel": 3}, "$.first_channel", "serialize.type"),
        (
            Customer,
            {"histories": {"level": [{"field": "level"}]}},
            "$.histories[level][0]",
            "serialize.missing",
        ),
    ],
)
def test_wrong_values_are_reported_by_path_and_code_without_the_value(
    cls: type, change: dict[str, Any], path: str, code: str
) -> None:
    base = to_dict(cls(id="C1", resident_id="11010519491231002X") if cls is Customer else Vehicle())
    data = {**base, **change}
    problems = _problems(cls, data)
    assert (path, code) in problems
    with pytest.raises(StructureError) as info:
        from_dict(cls, data)
    message = str(info.value) + repr(info.value)
    for raw in ("12388", "2183294", "10519491231", "18/03/2022", "20220318"):
        assert raw not in message


def test_a_bad_nested_value_names_its_path() -> None:
    data = to_dict(
        Customer(
            id="C1",
            contact_points=[
                ContactPoint(kind="mobile", value="13800138000", first_seen="2026-01-01")
            ],
        )
    )
    data["contact_points"][0]["value"] = "1380013800"
    data["contact_points"][0]["status"] = "dead"
    problems = _problems(Customer, data)
    assert ("$.contact_points[0].status", "serialize.type") in problems
    data["contact_points"][0]["status"] = "unverified"
    problems = _problems(Customer, data)
    assert problems == (("$.contact_points[0].value", "phone.length"),)
    with pytest.raises(StructureError) as info:
        from_dict(Customer, data)
    assert "1380013800" not in str(info.value)
    assert info.value.field == "contact_points[0].value"


def test_mapping_keys_that_could_be_personal_are_masked_in_errors() -> None:
    data = to_dict(Customer(id="C1"))
    data["histories"] = {"13800138000": []}
    problems = _problems(Customer, data)
    assert problems[0][1] == "customer.history_field"
    with pytest.raises(StructureError) as info:
        from_dict(Customer, data)
    assert "13800138000" not in str(info.value)


def test_json_helpers() -> None:
    vehicle = Vehicle(plate="闽D12388", make_model="大众汽车牌SVW71810KJ")
    text = to_json(vehicle)
    assert "闽D12388" in text  # characters kept, not \\u-escaped
    assert json.loads(text)["schema"] == SCHEMA_VERSION
    assert from_json(Vehicle, text.encode()) == vehicle
    assert _problems_json("{not json") == (("$", "serialize.json"),)


def _problems_json(text: str) -> tuple[tuple[str, str], ...]:
    with pytest.raises(StructureError) as info:
        from_json(Vehicle, text)
    return info.value.problems


def test_to_dict_only_takes_model_objects() -> None:
    with pytest.raises(ValidationError) as info:
        to_dict("13800138000")
    assert info.value.code == "serialize.not_a_model"
    assert "13800138000" not in str(info.value)


def test_the_converter_serialises_containers_of_model_objects() -> None:
    points = (
        ContactPoint(kind="email", value="a@example.com", first_seen="2026-01-01"),
        ContactPoint(kind="fax", value="0592-2512346", first_seen="2026-01-01"),
    )
    data = serialize.converter.unstructure(points, tuple[ContactPoint, ...])
    assert [p["value"] for p in data] == ["a@example.com", "+865922512346"]
    assert serialize.converter.structure(data, tuple[ContactPoint, ...]) == points
