"""Do-not-call requests (勿扰, 拒绝营销): a number kept, shown to reach its holder, but offered
by no callable list or export, for anyone who has it, until its holder consents again."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from random import Random

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from _workflow_helpers import (
    ID_LI,
    ID_WANG,
    ID_ZHANG,
    ID_ZHAO,
    SHARED_MOBILE,
    family_sharing_a_phone,
    write_csv,
)
from custmaster.cli import cli
from custmaster.errors import InvalidComponent
from custmaster.merge.engine import GoldenState
from custmaster.model import ContactEvent, ContactOutcome, ContactStatus, Provenance, SourceRecord
from custmaster.service import Service
from custmaster.workflows.callbacks import import_callbacks, record_callback
from custmaster.workflows.core_import import (
    do_not_call_numbers,
    import_core_extract,
    wrong_numbers,
)
from custmaster.workflows.outcomes import read_outcome
from custmaster.workflows.reading import TableFormatError
from custmaster.workflows.renewals import renewal_rows

pytest_plugins = ["_workflow_fixtures"]

CORPUS = Path(__file__).parent / "data" / "callback-outcomes-dnc.csv"
ROWS = list(csv.DictReader(CORPUS.open(encoding="utf-8")))
E164 = "+86" + SHARED_MOBILE


@pytest.mark.parametrize("row", ROWS, ids=[row["text"] for row in ROWS])
def test_each_text_of_the_corpus_reads_as_written_down(row: dict[str, str]) -> None:
    """The corpus was written after the one-word aliases (勿扰, 同意来电 …) and before the
    reader learnt the phrases (11 of 29 read right then)."""
    if row["expected"] == "conflict":
        with pytest.raises(InvalidComponent) as caught:
            read_outcome(row["text"])
        assert caught.value.code == "callback.outcome_conflict"
    else:
        assert read_outcome(row["text"]).value == row["expected"]


def test_the_outcomes_say_what_they_prove() -> None:
    assert ContactOutcome.DO_NOT_CALL.implied_status is ContactStatus.REACHED
    assert ContactOutcome.CONSENTED.implied_status is ContactStatus.REACHED
    assert (ContactOutcome.DO_NOT_CALL.consent, ContactOutcome.CONSENTED.consent) == (False, True)
    assert ContactOutcome.REFUSED.consent is None


def _event(n: int, outcome: str, day: int) -> ContactEvent:
    return ContactEvent(
        id=f"E{n}",
        at=dt.datetime(2026, 3, day, 10, tzinfo=dt.timezone.utc),
        channel="callback",
        method="call",
        contact_kind="mobile",
        contact_value=SHARED_MOBILE,
        outcome=outcome,
    )


def _status(outcomes: list[tuple[str, int]]) -> str | None:
    state = GoldenState()
    for n, (outcome, day) in enumerate(outcomes):
        state.add_event(_event(n, outcome, day))
    verdict = state.status("mobile", E164)
    return None if verdict is None else verdict.status


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([("do_not_call", 1)], "do_not_call"),
        # a call that reaches the number later does not lift the request
        ([("do_not_call", 1), ("reached", 2)], "do_not_call"),
        ([("do_not_call", 1), ("refused", 2)], "do_not_call"),
        # consent does, and an older consent does not
        ([("do_not_call", 1), ("consented", 2)], "reached"),
        ([("consented", 1), ("do_not_call", 2)], "do_not_call"),
        # a number shown wrong later is wrong; one reached after that keeps the old request
        ([("do_not_call", 1), ("wrong_number", 2)], "wrong"),
        ([("do_not_call", 1), ("invalid", 2), ("reached", 3)], "do_not_call"),
        # a request after the number was wrong shows it reaches its holder again
        ([("wrong_number", 1), ("do_not_call", 2)], "do_not_call"),
        ([("no_answer", 1)], None),
    ],
)
def test_a_request_holds_until_consent(outcomes: list[tuple[str, int]], expected: str) -> None:
    assert _status(outcomes) == expected


_OUTCOMES = st.sampled_from(
    ["reached", "refused", "wrong_number", "invalid", "no_answer", "do_not_call", "consented"]
)


@given(st.lists(st.tuples(_OUTCOMES, st.integers(1, 28)), max_size=7), st.randoms())
def test_the_status_does_not_depend_on_arrival_order(
    outcomes: list[tuple[str, int]], random: Random
) -> None:
    events = [_event(n, outcome, day) for n, (outcome, day) in enumerate(outcomes)]
    seen = set()
    for _ in range(4):
        random.shuffle(events)
        state = GoldenState()
        for event in events:
            state.add_event(event)
        verdict = state.status("mobile", E164)
        seen.add(None if verdict is None else (verdict.status, verdict.event_id))
    assert len(seen) == 1


def _renewal_book(service: Service) -> None:
    """Zhang and Li share a mobile; each holds a policy ending in January 2027, Zhang also a
    home phone of his own."""
    for ref, rid, name, home in (
        ("P1", ID_ZHANG, "张伟", "0592-5123456"),
        ("P2", ID_LI, "李娜", None),
    ):
        service.ingest_one(
            SourceRecord(
                provenance=Provenance(
                    channel="core_system", source_ref=ref, observed_at="2026-01-02"
                ),
                policy_no=ref,
                line="商业险",
                resident_id=rid,
                name=name,
                mobile=SHARED_MOBILE,
                home_phone=home,
                cover_start="2026-01-05",
                cover_end="2027-01-04",
            )
        )


def _contacts(service: Service) -> dict[str, tuple[str, ...]]:
    return {row.policy_no: row.contacts for row in renewal_rows(service, "2027-01")}


def test_a_request_takes_the_number_out_of_the_renewal_list_for_everyone(
    service: Service,
) -> None:
    _renewal_book(service)
    assert _contacts(service) == {"P1": (E164, "+865925123456"), "P2": (E164,)}
    result = record_callback(service, SHARED_MOBILE, "接通，客户拒绝营销", at="2026-12-01 10:00")
    assert result.status == "do_not_call"
    assert _contacts(service) == {"P1": ("+865925123456",), "P2": ()}
    for customer in service.find(phone=SHARED_MOBILE):
        assert E164 not in [p.value for p in customer.callable_contacts()]
        point = customer.contact_point("mobile", SHARED_MOBILE)
        assert point is not None
        assert point.status is ContactStatus.DO_NOT_CALL
        assert not point.is_callable
    assert set(do_not_call_numbers(service)) == {E164}
    assert wrong_numbers(service) == {}
    # a later call that reaches the number leaves the request standing; consent lifts it
    record_callback(service, SHARED_MOBILE, "接通", at="2026-12-02 10:00")
    assert _contacts(service)["P2"] == ()
    record_callback(service, SHARED_MOBILE, "同意来电", at="2026-12-03 10:00")
    assert _contacts(service) == {"P1": (E164, "+865925123456"), "P2": (E164,)}
    assert do_not_call_numbers(service) == {}


def test_a_customer_who_brings_the_number_later_gets_the_request(
    service: Service, tmp_path: Path
) -> None:
    family_sharing_a_phone(service)
    record_callback(service, SHARED_MOBILE, "勿扰", at="2026-03-01 10:00")
    extract = write_csv(
        tmp_path / "承保.csv",
        ("保单号", "被保险人", "身份证号", "移动电话", "起保日期", "终保日期"),
        [["P9", "赵敏", ID_ZHAO, SHARED_MOBILE, "2026-04-01", "2027-03-31"]],
    )
    import_core_extract(service, extract)
    (zhao,) = service.find(resident_id=ID_ZHAO)
    assert zhao.callable_contacts() == ()
    point = zhao.contact_point("mobile", SHARED_MOBILE)
    assert point is not None
    assert point.status is ContactStatus.DO_NOT_CALL
    (wang,) = service.find(resident_id=ID_WANG)
    assert [p.value for p in wang.callable_contacts()] == ["+8613900139000"]


def test_a_call_back_file_counts_its_requests_and_the_cli_shows_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    with Service.open(url) as service:
        family_sharing_a_phone(service)
    path = write_csv(
        tmp_path / "回访.csv",
        ("电话号码", "回访结果", "回访时间", "回访人"),
        [[SHARED_MOBILE, "接通-客户要求不再来电", "2026-03-01 10:00", "王芳"],
         ["13900139000", "已接通-本人", "2026-03-01 11:00", "王芳"],
         ["13900139000", "同意来电，但要求勿扰", "2026-03-01 12:00", "王芳"]],
    )  # fmt: skip
    with Service.open(url) as service:
        summary = import_callbacks(service, path, rejects=tmp_path / "rejects.csv")
    assert (summary.rows, summary.rejected, summary.do_not_call, summary.flagged) == (3, 1, 1, 0)
    runner = CliRunner()
    result = runner.invoke(cli, ["callbacks", str(path), "--store", url])
    assert result.exit_code == 0, result.output
    assert "勿扰 1" in result.output
    shown = runner.invoke(cli, ["show", "--store", url, "--phone", SHARED_MOBILE])
    assert shown.exit_code == 0, shown.output
    assert "do_not_call 勿扰" in shown.output
    assert SHARED_MOBILE not in shown.output  # masked
    counted = runner.invoke(cli, ["stats", "--store", url])
    assert counted.exit_code == 0, counted.output
    lines = {
        line.split()[-2]: line.split()[-1]
        for line in counted.output.splitlines()
        if "numbers" in line
    }
    assert (lines["勿扰"], lines["错号"]) == ("1", "0")


def test_a_do_not_call_list_of_numbers_alone(service: Service, tmp_path: Path) -> None:
    """A 勿扰名单 holds numbers only: the outcome and the list's date are given for all rows."""
    _renewal_book(service)
    path = write_csv(tmp_path / "勿扰名单.csv", ("勿扰号码",), [[SHARED_MOBILE], ["13700137000"]])
    with pytest.raises(TableFormatError):  # without the outcome, no call-back file
        import_callbacks(service, path)
    summary = import_callbacks(service, path, outcome="do_not_call", at="2026-12-01")
    assert (summary.rows, summary.rejected, summary.unmatched, summary.do_not_call) == (2, 0, 1, 1)
    assert _contacts(service) == {"P1": ("+865925123456",), "P2": ()}
    # a time column's empty cell takes the list's date; a cell with a time keeps it
    dated = write_csv(
        tmp_path / "黑名单.csv",
        ("电话号码", "登记日期"),
        [["0592-5123456", "2026-11-30"], ["13900139000", ""]],
    )
    again = import_callbacks(service, dated, outcome="勿扰", at="2026-12-02")
    assert (again.rows, again.rejected) == (2, 0)
    assert _contacts(service) == {"P1": (), "P2": ()}
    times = sorted(e.at.date().isoformat() for e in service.events(contact="0592-5123456"))
    assert times[-1] == "2026-11-30"


def test_the_cli_reads_a_do_not_call_list(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.db"
    with Service.open(url) as service:
        family_sharing_a_phone(service)
    path = write_csv(tmp_path / "勿扰名单.csv", ("勿扰号码",), [[SHARED_MOBILE]])
    runner = CliRunner()
    bare = runner.invoke(cli, ["callbacks", str(path), "--store", url])
    assert bare.exit_code != 0
    result = runner.invoke(
        cli,
        ["callbacks", str(path), "--store", url, "--default-outcome", "do_not_call",
         "--default-at", "2026-12-01"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "勿扰 1" in result.output
