"""A core extract laid out as the branch's requirement lists it has no 险种 column: the line of
each policy is then read from its number's product code (人保财险's PDZA 交强险, PDAA 商业险),
so the renewal list filters by line and the level rules count both lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from _workflow_helpers import ID_ZHANG, write_csv
from custmaster.model import PolicyLine, Provenance, SourceRecord
from custmaster.service import Service
from custmaster.workflows.classification import classify_customer
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.renewals import renewal_rows

pytest_plugins = ["_workflow_fixtures"]

#: The columns of the requirement's core extract, in its order.
HEADER = ("保单号", "被保险人", "车牌号", "起保日期", "终保日期", "初登日期", "厂牌型号", "车架号",
          "发动机号", "身份证号", "客户地址", "办公电话", "家庭电话", "移动电话")  # fmt: skip


@pytest.mark.parametrize(
    ("number", "line"),
    [
        ("PDZA202635020000000102", "compulsory"),
        ("PDAA202635020000000101", "commercial"),
        ("pdza202635020000000102", "compulsory"),
        ("PDAA2026001", "commercial"),
        ("TDAA202635020000000101", None),  # an application (投保单), not a policy
        ("PDZAX2026001", None),  # no year after the code
        ("PDZA", None),
        ("10501003900170983727", None),  # another insurer's scheme names no line
        ("", None),
    ],
)
def test_of_number(number: str, line: str | None) -> None:
    found = PolicyLine.of_number(number)
    assert (found.code if found is not None else None) == line


def _extract(tmp_path: Path) -> Path:
    rows = []
    for year in (2024, 2025, 2026):
        for code in ("PDZA", "PDAA"):
            rows.append(
                (f"{code}{year}35020000000001", "张伟", "闽D12388", f"{year}-05-01",
                 f"{year + 1}-04-30", "2019-03-02", "大众汽车牌SVW71810KJ", "", "", ID_ZHANG,
                 "福建省厦门市湖里区金山路1号", "", "", "13800138000")
            )  # fmt: skip
    return write_csv(tmp_path / "core.csv", HEADER, rows, encoding="gb18030")


def test_the_line_is_read_from_the_number(service: Service, tmp_path: Path) -> None:
    summary = import_core_extract(service, _extract(tmp_path))
    assert (summary.new, summary.merged, summary.rejected) == (1, 5, 0)
    assert service.policy("PDZA202635020000000001").line is PolicyLine.COMPULSORY
    assert service.policy("PDAA202635020000000001").line is PolicyLine.COMMERCIAL
    rows = renewal_rows(service, "2027-04", line="compulsory")
    assert [(r.policy_no, r.line) for r in rows] == [("PDZA202635020000000001", "compulsory")]
    assert [r.policy_no for r in renewal_rows(service, "2027-04", line="商业险")] == [
        "PDAA202635020000000001"
    ]
    assert [p.policy_no for p in service.store.expiring("2027-04", line="compulsory")] == [
        "PDZA202635020000000001"
    ]
    # three years insured with both lines: level A, a key customer (the default rules)
    customer_id = service.find(resident_id=ID_ZHANG)[0].id
    profile = classify_customer(service, customer_id)
    assert (profile.lines, profile.level, profile.key_customer) == (
        ("commercial", "compulsory"),
        "A",
        True,
    )


def test_a_stated_line_wins_over_the_number(service: Service) -> None:
    service.ingest_one(
        SourceRecord(
            provenance=Provenance(channel="core_system", source_ref="R1", observed_at="2026-05-01"),
            policy_no="PDZA2026001",
            line="商业险",  # what the source says, even against the number
            resident_id=ID_ZHANG,
            cover_start="2026-05-01",
            cover_end="2027-04-30",
        )
    )
    assert service.policy("PDZA2026001").line is PolicyLine.COMMERCIAL
    assert [r.line for r in renewal_rows(service, "2027-04")] == ["commercial"]
