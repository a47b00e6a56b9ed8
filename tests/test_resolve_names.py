"""A policy number or a plate attaches a record without ID only when its name agrees with the
customer's: another person's record raises ``name_conflict`` and gets none of the customer's
data, nor gives its phone to them."""

from __future__ import annotations

from typing import Any

import pytest

from _workflow_helpers import ID_ZHANG
from custmaster.model import Provenance, SourceRecord
from custmaster.resolve.candidates import Reason
from custmaster.resolve.names import name_agrees, names_agree
from custmaster.service import Service

pytest_plugins = ["_workflow_fixtures"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("张伟", "张伟"),
        ("张伟", "张 伟"),
        ("张伟", "张伟 "),
        ("ZHANG WEI", "ｚｈａｎｇ ｗｅｉ"),  # full width
        ("阿依古丽·买买提", "阿依古丽买买提"),
        ("张先生", "张伟"),
        ("王女士", "王芳"),
        ("欧阳小姐", "欧阳娜娜"),
        ("李总", "李建国"),
        ("李娜", "李那"),  # a typo by ear
        ("张伟", "张玮"),
        ("ZHANG Wei", "Wei Zhang"),
        ("zhang wei", "ZHANG  WEI"),
        ("厦门鹭江汽车服务有限公司", "鹭江汽车服务公司"),
        ("厦门鹭江汽车服务有限公司", "厦门鹭江汽车服务有限公司（普通合伙）"),
    ],
)
def test_names_that_agree(a: str, b: str) -> None:
    assert names_agree(a, b)
    assert names_agree(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("张伟", "李娜"),  # another surname: a spouse, a driver
        ("张伟", "张小伟"),  # another length
        ("张伟", "王伟"),
        ("张先生", "李伟"),
        ("张建国", "张国庆"),  # two characters differ
        ("Zhang Wei", "Zhang Min"),
        ("厦门某某汽修厂", "张伟"),
        ("厦门鹭江汽车服务有限公司", "厦门海沧物流有限公司"),
        ("江公司", "鹭江汽车服务公司"),  # one character left: too little to tell
    ],
)
def test_names_that_do_not(a: str, b: str) -> None:
    assert not names_agree(a, b)
    assert not names_agree(b, a)


def test_no_name_on_either_side_agrees() -> None:
    assert name_agrees(None, ["张伟"])
    assert name_agrees("张伟", [])
    assert not name_agrees("李娜", ["张伟", "张先生"])
    assert name_agrees("张先生", ["李娜", "张伟"])


def _ingest(service: Service, ref: str, channel: str = "telesales", **fields: Any) -> Any:
    return service.ingest_one(
        SourceRecord(
            provenance=Provenance(channel=channel, source_ref=ref, observed_at="2026-03-02"),
            **fields,
        )
    )


def _insured(service: Service) -> str:
    result = _ingest(
        service,
        "P1#0",
        "core_system",
        name="张伟",
        resident_id=ID_ZHANG,
        policy_no="PDAA1",
        plate="闽D12388",
        cover_start="2026-01-05",
        cover_end="2027-01-04",
        mobile="13800138000",
    )
    return str(result.customer_id)


def _numbers(service: Service, customer_id: str) -> set[str]:
    return {p.value[-4:] for p in service.get(customer_id).contact_points if p.kind.is_phone}


@pytest.mark.parametrize("via", [{"policy_no": "PDAA1"}, {"plate": "闽D12388"}])
def test_another_persons_record_is_paired_not_merged(service: Service, via: dict[str, str]) -> None:
    zhang = _insured(service)
    spouse = _ingest(service, "T1", name="李娜", mobile="13900139000", **via)
    assert spouse.customer_id != zhang
    (pair,) = spouse.pairs
    assert pair.reason is Reason.NAME_CONFLICT
    assert {pair.a, pair.b} == {zhang, spouse.customer_id}
    assert "李娜" not in str(pair)
    assert _numbers(service, zhang) == {"8000"}
    assert service.get(zhang).name == "张伟"


def test_the_same_person_written_otherwise_still_joins(service: Service) -> None:
    zhang = _insured(service)
    for ref, name, mobile in (("T1", "张先生", "13700137000"), ("T2", "张玮", "13600136000")):
        assert (
            _ingest(service, ref, name=name, policy_no="PDAA1", mobile=mobile).customer_id == zhang
        )
    assert _ingest(service, "T3", policy_no="PDAA1", mobile="13500135000").customer_id == zhang
    assert _numbers(service, zhang) == {"8000", "7000", "6000", "5000"}


def test_a_conflict_does_not_make_the_policy_ambiguous(service: Service) -> None:
    zhang = _insured(service)
    _ingest(service, "T1", name="李娜", policy_no="PDAA1", mobile="13900139000")
    # a later record of the insured, with or without a name, still finds them
    assert _ingest(service, "T2", name="张伟", policy_no="PDAA1").customer_id == zhang
    assert _ingest(service, "T3", policy_no="PDAA1", mobile="13500135000").customer_id == zhang
    assert [p.reason for p in service.store.candidates()] == [Reason.NAME_CONFLICT]


@pytest.mark.parametrize("first", ["core", "telesales"])
def test_either_order_gives_two_customers_and_one_pair(service: Service, first: str) -> None:
    def core() -> None:
        _insured(service)

    def telesales() -> None:
        _ingest(service, "T1", name="李娜", policy_no="PDAA1", mobile="13900139000")

    for step in (core, telesales) if first == "core" else (telesales, core):
        step()
    assert service.counts()["customers"] == 2
    assert [p.reason for p in service.store.candidates()] == [Reason.NAME_CONFLICT]
    (zhang,) = service.find(resident_id=ID_ZHANG)
    assert _numbers(service, zhang.id) == {"8000"}
