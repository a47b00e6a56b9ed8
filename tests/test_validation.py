"""The validation engine behind ``custmaster validate`` and the importers."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import sys
import tracemalloc
from pathlib import Path
from types import ModuleType

import pytest

from custmaster.model.policy import PolicyLine, PolicyRole
from custmaster.model.provenance import Provenance
from custmaster.model.source import SourceRecord
from custmaster.validate import cn_resident_id
from custmaster.workflows.headers import map_headers
from custmaster.workflows.reading import open_table
from custmaster.workflows.validation import (
    EMPTY_MARKERS,
    RowValidator,
    cell_text,
    default_rejects_path,
    display,
    mask_field,
    validate_file,
)

ROOT = Path(__file__).resolve().parent.parent
_ID_BODY = "11010519491231002"
GOOD_ID = _ID_BODY + cn_resident_id.calc_check_digit(_ID_BODY)


def _check(headers: list[str], *rows: list[object]) -> list:  # type: ignore[type-arg]
    validator = RowValidator(map_headers(headers))
    results = [validator(i + 2, dict(zip(headers, row, strict=True))) for i, row in enumerate(rows)]
    return [validator.column_summaries(), *results]


@pytest.mark.parametrize("marker", [*sorted(EMPTY_MARKERS), "", "   ", "\u3000", "NULL", "N/A"])
def test_placeholders_count_as_empty(marker: str) -> None:
    summaries, result = _check(["移动电话"], [marker])
    assert (summaries[0].valid, summaries[0].invalid, summaries[0].empty) == (0, 0, 1)
    assert result.values == {}
    assert result.ok


def _numeric_id() -> str:
    """A valid 18-digit ID whose check character is a digit, so a spreadsheet can hold it."""
    for order in range(100, 200):
        body = f"35020319900307{order}"
        check = cn_resident_id.calc_check_digit(body)
        if check != "X":
            return body + check
    raise AssertionError("unreachable")


def test_spreadsheet_cell_types() -> None:
    number = _numeric_id()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    _, result, bad = _check(
        ["移动电话", "起保日期", "终保日期", "身份证号", "保单号"],
        [13800138000.0, dt.datetime(2026, 12, 4, 0, 0), 46360, int(number), 2026001],
        [None, None, None, int(wrong), None],
    )
    assert result.ok
    assert result.values["mobile"] == "+8613800138000"
    assert result.values["cover_start"] == result.values["cover_end"] == dt.date(2026, 12, 4)
    assert result.values["resident_id"] == number
    assert result.values["policy_no"] == "2026001"
    assert [r.code for r in bad.rejects] == ["cn_resident_id.checksum"]


def test_a_float_that_lost_digits_is_rejected_not_guessed() -> None:
    # Excel shows an 18-digit ID typed as a number as 1.10105E+17: the digits are gone.
    _, result = _check(["身份证号"], [float(GOOD_ID[:17] + "1")])
    assert not result.ok
    assert [r.code for r in result.rejects] == ["cell.precision"]


def test_model_enumerations_are_normalised() -> None:
    _, result = _check(["险种", "角色", "性别"], ["交强险", "被保人", "女"])
    assert result.values["line"] == PolicyLine.COMPULSORY
    assert result.values["role"] is PolicyRole.INSURED
    assert display(result.values["line"]) == "compulsory"
    assert display(result.values["role"]) == "insured"
    assert display(result.values["gender"]) == "female"


def test_future_birth_date_is_rejected() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    _, result = _check(["出生日期"], [tomorrow.isoformat()])
    assert [r.code for r in result.rejects] == ["date.range"]


def test_every_bad_cell_is_reported_and_the_next_row_still_runs() -> None:
    summaries, bad, good = _check(
        ["被保险人", "身份证号", "移动电话", "车架号", "车牌号", "起保日期"],
        ["张3", "123", "138OO138OOO", "LSV", "闽D1234O", "2026-13-01"],
        ["张伟", GOOD_ID, "13800138000", "", "闽D·12345", "2026/1/5"],
    )
    assert [r.field for r in bad.rejects] == [
        "name",
        "resident_id",
        "mobile",
        "vin",
        "plate",
        "cover_start",
    ]
    assert good.ok
    assert good.values["plate"] == "闽D12345"
    assert [s.invalid for s in summaries] == [1, 1, 1, 1, 1, 1]
    assert [s.valid for s in summaries] == [1, 1, 1, 0, 1, 1]


def test_rejects_carry_masked_values_only() -> None:
    raw = [GOOD_ID[:-1] + ("1" if GOOD_ID[-1] == "0" else "0"), "1380013800O"]
    _, result = _check(["身份证号", "移动电话"], raw)
    assert len(result.rejects) == 2
    for reject, value in zip(result.rejects, raw, strict=True):
        assert reject.masked_value
        assert reject.masked_value != value
        assert value not in repr(reject)
        assert "*" in reject.masked_value


def test_changed_counts_only_real_changes() -> None:
    summaries, *_ = _check(
        ["移动电话", "起保日期"],
        ["+8613800138000", "2026-12-04"],
        [" +8613800138000 ", "2026/12/4"],
        ["138 0013 8000", "20261204"],
    )
    assert [(s.valid, s.changed) for s in summaries] == [(3, 1), (3, 2)]


def test_unmapped_and_overflow_cells_become_extra() -> None:
    validator = RowValidator(map_headers(["保单号", "备注"]))
    result = validator(2, {"保单号": "P1", "备注": "续保客户", "column_3": 5})
    assert result.extra == {"备注": "续保客户", "column_3": "5"}


def test_values_build_a_source_record_for_every_clean_example_row() -> None:
    built = 0
    with open_table(ROOT / "examples" / "customers.csv") as table:
        validator = RowValidator(map_headers(table.headers))
        for number, row in table:
            result = validator(number, row)
            if not result.ok:
                continue
            record = SourceRecord(
                provenance=Provenance(
                    channel="core_system",
                    source_ref=f"customers.csv#{number}",
                    observed_at="2026-12-04",
                ),
                extra=result.extra,
                **result.values,
            )
            for field, value in result.values.items():
                assert getattr(record, field) == value, field
            built += 1
    assert built >= 250


def test_mask_field_hides_every_personal_value() -> None:
    personal = {
        "name": "欧阳娜娜",
        "resident_id": GOOD_ID,
        "mobile": "+8613800138000",
        "home_phone": "+865925123456",
        "address": "福建省厦门市思明区湖滨南路1号",
        "plate": "闽D12345",
        "vin": "LSVAU218XN2183294",
        "engine_no": "G4FC123456",
        "email": "zhang.wei@example.com",
        "birth_date": dt.date(1990, 5, 17),
    }
    for field, value in personal.items():
        shown = mask_field(field, value)
        assert shown != display(value), field
        assert "*" in shown, field
    assert mask_field("policy_no", "PDAA2026001") == "PDAA2026001"
    assert mask_field("address", "某某路1号") == "******"  # no division: all hidden


def test_cell_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(13800138000.0) == "13800138000"
    assert cell_text(0.5) == "0.5"
    assert cell_text(True) == "TRUE"
    assert cell_text(dt.date(2026, 12, 4)) == "2026-12-04"


def test_default_rejects_path() -> None:
    assert default_rejects_path(Path("/data/承保清单.xlsx")) == Path("/data/承保清单.rejects.csv")


def test_progress_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "保单号,移动电话\n" + "".join(f"P{i},13800138000\n" for i in range(2500)), encoding="utf-8"
    )
    calls: list[tuple[int, float | None]] = []
    summary = validate_file(path, progress=lambda rows, done: calls.append((rows, done)))
    assert summary.rows == 2500
    assert [rows for rows, _ in calls] == [1000, 2000, 2500]
    assert calls[-1][1] == 1.0


def test_output_and_rejects_stream_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("保单号,移动电话,起保日期\n")
        for i in range(30_000):
            mobile = "138OO138OOO" if i % 3 == 0 else f"1380013{i % 10000:04d}"
            handle.write(f"PDAA{i:08d},{mobile},2026/12/4\n")
    tracemalloc.start()
    try:
        summary = validate_file(
            path, rejects=tmp_path / "r.csv", output=tmp_path / "o.csv", reveal=True
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.rejects == 10_000
    assert peak < 6_000_000, peak
    with (tmp_path / "o.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30_000
    assert rows[1]["mobile"] == "+8613800130001"
    assert rows[0]["mobile"] == ""


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_customers_v", ROOT / "examples" / "make_customers.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_generator_is_deterministic_and_plants_each_error_once_per_row() -> None:
    generator = _load_generator()
    first = generator.build()
    assert first == generator.build()
    assert generator.build(seed=1) != first
    rows, planted = first
    assert all(2 <= number <= len(rows) + 1 for number in planted)
    assert set(planted.values()) <= set(generator.HEADER)
