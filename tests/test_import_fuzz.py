"""No crash on arbitrary input: the core import on files and cells nobody planned for.

Whatever a file holds, `import_core_extract` either imports it — every row counted once as
new, merged, conflicting, duplicate or rejected, each rejected row in the rejects file with a
code, the store consistent — or refuses the whole file with a `custmaster.CustmasterError`
(a file that is no table). Never another exception, never a half-counted row.
"""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _workflow_helpers import ID_LI, ID_ZHANG, VIN_1
from custmaster.errors import CustmasterError
from custmaster.service import Service
from custmaster.testing.contract import assert_consistent
from custmaster.workflows.callbacks import import_callbacks
from custmaster.workflows.core_import import ImportSummary, import_core_extract
from custmaster.workflows.endorsements import import_endorsements

HEADER = (
    "保单号", "被保险人", "身份证号", "车牌号", "车架号", "厂牌型号", "起保日期", "终保日期",
    "移动电话", "家庭电话", "客户地址",
)  # fmt: skip

#: Cells as people type them, right and wrong: the import must take or reject each.
_CELLS = st.sampled_from(
    [
        "",
        " ",
        "-",
        "无",
        "NULL",
        "0",
        "'",
        "=",
        "#N/A",
        "合计",
        "张伟",
        "张伟（先生）",
        "李 娜",
        ID_ZHANG,
        ID_LI,
        ID_ZHANG[:15],
        ID_ZHANG.lower(),
        "11010519491231002×",
        VIN_1,
        VIN_1.lower(),
        "闽D12345",
        "闽D·12345",
        "*-",
        "PDAA2026000001",
        "PDZA2026000001",
        "2026-12-04",
        "2026/12/4",
        "20261204",
        "2026年12月4日",
        "45000",
        "46000.5",
        "13800138000",
        "138-0013-8000",
        "13800138000/13900139000",
        "13800138000(停机)",
        "0592-5123456转8001",
        "+85291234567",
        "福建省厦门市思明区湖滨南路1号",
        "本田牌HG7203A",
        "雅阁HG7240ABCVT",
        "\ufffd",
        "１３８００１３８０００",
    ]
)
_ANY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=24,
)


def _check(service: Service, summary: ImportSummary, rejects: Path) -> None:
    counted = (
        summary.new + summary.merged + summary.conflicting + summary.duplicates + summary.rejected
    )
    assert counted + len(summary.empty_rows) == summary.rows
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert len(lines) == summary.rejects
    assert all(line["code"] for line in lines)
    rejected_rows = {line["row"] for line in lines if line["row"]}
    assert len(rejected_rows) >= summary.rejected - summary.partial
    assert_consistent(service.store)


def _import(path: Path) -> None:
    service = Service.open("memory://")
    rejects = path.with_suffix(".rejects.csv")
    try:
        summary = import_core_extract(service, path, rejects=rejects)
    except CustmasterError:
        return  # the file as a whole was refused, with a code
    _check(service, summary, rejects)
    again = import_core_extract(service, path, rejects=rejects)
    assert again.new == again.merged == again.conflicting == 0  # a re-run adds nothing


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_CELLS, min_size=len(HEADER), max_size=len(HEADER)), max_size=8))
def test_rows_of_typed_cells_are_each_imported_or_rejected(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        with path.open("w", encoding="gb18030", newline="", errors="replace") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(rows)
        _import(path)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(_ANY_TEXT, min_size=0, max_size=len(HEADER) + 2), max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_rows_of_any_text_never_crash_the_import(rows: list[list[str]], encoding: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        with path.open("w", encoding=encoding, newline="", errors="replace") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(rows)
        _import(path)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=400))
def test_any_bytes_are_imported_or_refused_with_a_code(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        path.write_bytes("保单号,被保险人,身份证号\n".encode("gb18030") + data)
        _import(path)
        for name in ("bare.csv", "bare.xlsx", "bare.xls"):  # a workbook in name only
            bare = Path(folder) / name
            bare.write_bytes(data)
            _import(bare)


def _workbook() -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    row = ["PDAA2026000001", "张伟", ID_ZHANG, "闽D12345", VIN_1, "本田牌HG7203A", "2026-01-05"]
    sheet.append([*row, "2027-01-04", "13800138000", "", "福建省厦门市思明区湖滨南路1号"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=6)
)
def test_a_damaged_workbook_is_imported_or_refused_with_a_code(
    flips: list[tuple[float, int]],
) -> None:
    data = bytearray(_workbook())
    for where, value in flips:
        data[int(where * len(data))] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.xlsx"
        path.write_bytes(bytes(data))
        _import(path)


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=300),
    head=st.sampled_from(
        [
            "电话号码,回访结果,回访时间\n",
            "保单号,批单号,批改类型,批改生效日期,客户地址\n",
            "",
        ]
    ),
)
def test_call_back_and_endorsement_files_of_any_bytes_never_crash(data: bytes, head: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.csv"
        path.write_bytes(head.encode("gb18030") + data)
        service = Service.open("memory://")
        for run in (import_callbacks, import_endorsements):
            with contextlib.suppress(CustmasterError):  # refused as a whole, with a code
                run(service, path, rejects=Path(folder) / "rejects.csv")
        assert_consistent(service.store)
