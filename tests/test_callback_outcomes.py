"""Call-back outcome texts as call centres write them (`custmaster.workflows.outcomes`)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from _workflow_helpers import SHARED_MOBILE, family_sharing_a_phone, read_csv, write_csv
from custmaster.cli import cli
from custmaster.errors import InvalidComponent, UsageError
from custmaster.model import ContactOutcome
from custmaster.service import Service
from custmaster.validate._mask import mask_unknown
from custmaster.workflows.callbacks import import_callbacks, is_flagged
from custmaster.workflows.outcomes import read_outcome

SHARED = SHARED_MOBILE
CORPUS = Path(__file__).parent / "data" / "callback-outcomes.csv"
ROWS = list(csv.DictReader(CORPUS.open(encoding="utf-8")))


def _read(text: str) -> str:
    """The outcome's value, ``conflict`` or empty (unknown)."""
    try:
        return read_outcome(text).value
    except InvalidComponent as error:
        return "conflict" if error.code == "callback.outcome_conflict" else ""


@pytest.mark.parametrize("row", ROWS, ids=[row["text"] or "(empty)" for row in ROWS])
def test_each_text_of_the_corpus_reads_as_written_down(row: dict[str, str]) -> None:
    # the corpus was written before the reader; rows are status and detail, remarks,
    # brackets, family answering and contradictions
    assert _read(row["text"]) == row["expected"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("无人接听-空号", "invalid"),  # 接听 of 无人接听 is no answer, not someone answering
        ("回访未成功", "no_answer"),
        ("未接听", "no_answer"),
        ("无人接通", "no_answer"),
        ("接听-本人", "reached"),
        ("是本人", "reached"),
        ("不是本人", "wrong_number"),
        ("停机保号", "suspended"),
        ("未停机", ""),
        ("不是空号", ""),  # says the number exists, nothing about the call
        ("接通，不是空号", "reached"),
        ("不是错号", ""),
        ("未关机-无人接听", "no_answer"),
        ("还行", ""),
    ],
)
def test_negations_are_read(text: str, expected: str) -> None:
    assert _read(text) == expected


def test_answered_and_no_such_number_is_refused_not_guessed() -> None:
    with pytest.raises(InvalidComponent) as caught:
        read_outcome("接通-空号")
    assert caught.value.code == "callback.outcome_conflict"
    assert caught.value.field == "outcome"


def test_a_map_to_no_outcome_is_a_usage_error_when_used() -> None:
    with pytest.raises(UsageError) as caught:
        read_outcome("已回访", outcomes={"已回访": "done"})
    assert caught.value.code == "callback.outcome_map"


def test_the_callers_map_comes_first() -> None:
    assert read_outcome("已回访", outcomes={"已 回访": "reached"}).value == "reached"
    # the map overrides what the text would read as
    assert read_outcome("接通-空号", outcomes={"接通-空号": "invalid"}).value == "invalid"
    assert read_outcome("空号", outcomes={"已回访": "reached"}).value == "invalid"


@pytest.mark.parametrize("outcome", list(ContactOutcome))
def test_every_outcome_reads_as_itself_in_any_case(outcome: ContactOutcome) -> None:
    assert read_outcome(outcome.value) is outcome
    assert read_outcome(outcome.value.upper()) is outcome
    assert read_outcome(outcome) is outcome


@given(st.text(max_size=40))
def test_any_text_reads_or_is_refused_with_a_code(text: str) -> None:
    error: InvalidComponent | None = None
    try:
        assert isinstance(read_outcome(text), ContactOutcome)
    except InvalidComponent as refused:
        error = refused
    if error is not None:
        assert error.code in ("callback.outcome", "callback.outcome_conflict")
        assert error.masked_value == mask_unknown(text.strip())  # a remark may hold a number


def test_a_call_centre_file_flags_and_clears_by_its_compound_outcomes(tmp_path: Path) -> None:
    service = Service.open("memory://")
    family_sharing_a_phone(service)
    flagged = write_csv(
        tmp_path / "回访.csv",
        ("电话号码", "回访结果", "回访时间", "回访人"),
        [[SHARED, "接通-非本人", "2026-03-01 10:00", "王芳"],
         [SHARED, "已回访", "2026-03-01 11:00", "王芳"],
         [SHARED, "接通-空号", "2026-03-01 12:00", "王芳"]],
    )  # fmt: skip
    rejects = tmp_path / "rejects.csv"
    summary = import_callbacks(service, flagged, rejects=rejects)
    assert (summary.rows, summary.rejected, summary.flagged) == (3, 2, 1)
    assert {(r["row"], r["code"]) for r in read_csv(rejects)} == {
        ("3", "callback.outcome"),
        ("4", "callback.outcome_conflict"),
    }
    assert is_flagged(service, SHARED)
    cleared = write_csv(
        tmp_path / "回访2.csv",
        ("电话号码", "回访结果", "回访时间", "回访人"),
        [[SHARED, "已接通（本人）", "2026-04-01 10:00", "李四"]],
    )
    assert import_callbacks(service, cleared).cleared == 1
    assert not is_flagged(service, SHARED)


def test_an_outcome_map_to_no_outcome_is_a_usage_error(tmp_path: Path) -> None:
    service = Service.open("memory://")
    path = write_csv(tmp_path / "回访.csv", ("电话号码", "回访结果", "回访时间"), [])
    with pytest.raises(UsageError) as caught:
        import_callbacks(service, path, outcomes={"已回访": "done"})
    assert caught.value.code == "callback.outcome_map"


def test_the_cli_maps_outcome_texts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    family_sharing_a_phone(Service.open(url))
    path = write_csv(
        tmp_path / "回访.csv",
        ("电话号码", "回访结果", "回访时间", "回访人"),
        [[SHARED, "已回访", "2026-03-01 10:00", "王芳"]],
    )
    runner = CliRunner()
    plain = runner.invoke(cli, ["callbacks", str(path), "--store", url])
    assert plain.exit_code == 0, plain.output
    assert "callback.outcome 1" in plain.output
    mapped = runner.invoke(
        cli, ["callbacks", str(path), "--store", url, "--outcome", "已回访=wrong_number"]
    )
    assert mapped.exit_code == 0, mapped.output
    assert "flagged wrong 错号 1" in mapped.output
    bad = runner.invoke(cli, ["callbacks", str(path), "--store", url, "--outcome", "已回访"])
    assert bad.exit_code == 2
    assert "TEXT=OUTCOME" in bad.output


def test_a_workbook_of_monthly_call_back_sheets_is_read_whole(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    service = Service.open("memory://")
    family_sharing_a_phone(service)
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(["本表为回访结果，按月分页"])
    march = book.create_sheet("3月")
    march.append(["XX分公司回访结果 2026年3月"])  # a title line above the header
    march.append(["电话号码", "回访结果", "回访时间", "回访人"])
    march.append([SHARED, "接通-非本人", "2026-03-01 10:00", "王芳"])
    april = book.create_sheet("4月")  # another layout: the time first, one column more
    april.append(["回访时间", "回访号码", "回访结果", "回访人", "备注"])
    april.append(["2026-04-01 10:00", SHARED, "已接通（本人）", "李四", ""])
    april.append(["2026-04-02 10:00", SHARED, "已回访", "李四", ""])
    path = tmp_path / "回访.xlsx"
    book.save(path)
    rejects = tmp_path / "rejects.csv"
    summary = import_callbacks(service, path, rejects=rejects)
    assert (summary.rows, summary.events, summary.rejected) == (3, 4, 1)
    assert not is_flagged(service, SHARED)  # April's reach came after March's wrong number
    (line,) = read_csv(rejects)
    assert (line["row"], line["code"], line["sheet"]) == ("3", "callback.outcome", "4月")
    only_march = import_callbacks(Service.open("memory://"), path, sheet="3月")
    assert only_march.rows == 1
