"""Re-running a claim file adds nothing twice and rejects nothing that was accepted, however
the third-party rule (`custmaster.workflows.channels.ThirdPartyContact`) read its rows before:
by an earlier release without the rule, or when what the store knew of the insured changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _workflow_helpers import ID_LI, ID_ZHANG, write_csv
from custmaster.service import Service
from custmaster.workflows.channels import CLAIM_REPORT, import_channel_file
from custmaster.workflows.core_import import ImportSummary, import_core_extract

pytest_plugins = ["_workflow_fixtures"]

OWN = "13800138000"
GARAGE = "0592-5123456"
OTHER = "13900139000"
SECOND = "13700137000"
CORE_HEADER = ("保单号", "批改序号", "被保险人", "身份证号", "车牌号", "起保日期", "终保日期",
               "签单日期", "移动电话")  # fmt: skip
CLAIM_HEADER = ("报案号", "报案时间", "车牌号", "报案人", "报案人电话")
#: The reading of claim files before the third-party rule: the reporter's phone is the
#: customer's whoever reported.
EARLIER = attrs.evolve(CLAIM_REPORT, row_hook=None)


def _core(tmp_path: Path, name: str, signed: str = "2026-01-02", seq: int = 0) -> Path:
    """The core extract of 张伟's and 李娜's policies; a later ``seq`` is an endorsement of
    the insured's name (a corrected or changed 被保险人)."""
    return write_csv(
        tmp_path / f"core{seq}.csv",
        CORE_HEADER,
        [["PDAA2026001", seq, name, ID_ZHANG, "闽D12388", "2026-01-05", "2027-01-04", signed,
          OWN],
         ["PDAA2026002", 0, "李娜", ID_LI, "闽D66666", "2026-01-20", "2027-01-19", "2026-01-02",
          ""]],
    )  # fmt: skip


def _claims(tmp_path: Path, *rows: list[str]) -> Path:
    return write_csv(tmp_path / "报案.csv", CLAIM_HEADER, [list(row) for row in rows])


def _state(service: Service) -> Any:
    """Everything an import may change, comparable."""
    customers = []
    for customer in service.iter_customers():
        customers.append(
            (
                customer.id,
                customer.name,
                sorted((p.kind.value, p.value, tuple(sorted(p.channels.items())))
                       for p in customer.contact_points),
                sorted(r.provenance.key for r in service.observations(customer.id)),
            )
        )  # fmt: skip
    return service.counts(), sorted(customers), sorted(p.id for p in service.candidates(None))


def _numbers(service: Service) -> set[str]:
    (zhang,) = service.find(resident_id=ID_ZHANG)
    return {p.value for p in zhang.contact_points if p.kind.is_phone}


def _rerun_is_idempotent(summary: ImportSummary, first: ImportSummary) -> None:
    assert summary.rejected == 0, summary.codes
    assert summary.codes == ()
    assert (summary.new, summary.merged, summary.conflicting) == (0, 0, 0)
    assert summary.duplicates == first.imported + first.duplicates


ROWS = (
    ["RP1", "2026-06-01 09:30", "闽D·12388", "鑫达汽修厂", GARAGE],
    ["RP2", "2026-06-02 09:30", "闽D·12388", "赵六", f"{OTHER}/{SECOND}"],
    ["RP3", "2026-06-03 09:30", "闽D·12388", "张伟", "13600136000"],
    ["RP4", "2026-06-04 09:30", "闽D66666", "平安道路救援", "95511"],
)


def test_a_claim_file_of_an_earlier_release_is_recognised(service: Service, tmp_path: Path) -> None:
    import_core_extract(service, _core(tmp_path, "张伟"))
    path = _claims(tmp_path, *ROWS)
    first = import_channel_file(service, path, EARLIER)
    assert (first.rejected, first.merged) == (0, 4)
    before = _state(service)
    again = import_channel_file(service, path, "claim_report")
    _rerun_is_idempotent(again, first)
    assert again.earlier_readings == 3  # RP1, RP2 and RP4 now read as third parties
    assert _state(service) == before  # what the earlier release attached stays
    assert import_channel_file(service, path, "claim_report").duplicates == 4


@pytest.mark.parametrize(("before", "after"), [("张伟", "张卫"), ("张卫", "赵六")])
def test_a_rerun_after_the_insured_s_name_changed_keeps_the_first_reading(
    service: Service, tmp_path: Path, before: str, after: str
) -> None:
    # 赵六 reports with two numbers: read as the insured's own (named 赵六) or as a third
    # party's (any other name) depending on what the store knows when the file is imported
    import_core_extract(service, _core(tmp_path, before))
    path = _claims(tmp_path, *ROWS)
    first = import_channel_file(service, path, "claim_report")
    assert first.rejected == 0
    numbers = _numbers(service)
    assert import_core_extract(service, _core(tmp_path, after, "2026-03-01", seq=1)).merged == 1
    assert service.find(plate="闽D12388")[0].name == after
    before_state = _state(service)
    again = import_channel_file(service, path, "claim_report")
    _rerun_is_idempotent(again, first)
    assert _state(service) == before_state
    assert _numbers(service) == numbers  # no number of the other reading added


def test_the_insured_becoming_the_reporter_adds_no_companion_number(
    service: Service, tmp_path: Path
) -> None:
    import_core_extract(service, _core(tmp_path, "张卫"))
    path = _claims(tmp_path, ["RP2", "2026-06-02 09:30", "闽D·12388", "赵六", f"{OTHER}/{SECOND}"])
    first = import_channel_file(service, path, "claim_report")
    assert first.third_party == 1
    assert import_core_extract(service, _core(tmp_path, "赵六", "2026-03-01", seq=1)).merged == 1
    again = import_channel_file(service, path, "claim_report")
    _rerun_is_idempotent(again, first)
    assert (again.earlier_readings, again.third_party) == (1, 1)
    assert _numbers(service) == {"+86" + OWN}


def test_a_changed_report_under_its_number_still_conflicts(
    service: Service, tmp_path: Path
) -> None:
    import_core_extract(service, _core(tmp_path, "张伟"))
    import_channel_file(service, _claims(tmp_path, *ROWS), EARLIER)
    changed = _claims(tmp_path, ["RP1", "2026-06-01 09:30", "闽D·12388", "鑫达汽修厂", OTHER])
    summary = import_channel_file(service, changed, "claim_report")
    assert (summary.rejected, summary.codes) == (1, (("record.conflicting_duplicate", 1),))
    assert summary.earlier_readings == 0


_REPORTERS = st.sampled_from(["张伟", "张卫", "赵六", "鑫达汽修厂", "张先生", "本人", ""])
_RELATIONS = st.sampled_from(["", "本人", "配偶", "修理厂"])
_PHONES = st.sampled_from([OTHER, GARAGE, f"{OTHER}/{SECOND}", "13600136000"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(_REPORTERS, _RELATIONS, _PHONES), min_size=1, max_size=6),
    names=st.lists(st.sampled_from(["张伟", "张卫", "赵六"]), min_size=2, max_size=3),
    earlier=st.booleans(),
)
def test_rerunning_a_claim_file_is_idempotent_whatever_the_store_learnt_between(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, str, str]],
    names: list[str],
    earlier: bool,
) -> None:
    tmp_path = tmp_path_factory.mktemp("rerun")
    with Service.open("memory://") as service:
        import_core_extract(service, _core(tmp_path, names[0]))
        claims = write_csv(
            tmp_path / "报案.csv",
            ("报案号", "报案时间", "车牌号", "报案人", "报案人与被保险人关系", "报案人电话"),
            [[f"RP{n}", f"2026-06-{n + 1:02d} 09:30", "闽D12388", *row]
             for n, row in enumerate(rows)],
        )  # fmt: skip
        first = import_channel_file(service, claims, EARLIER if earlier else "claim_report")
        for n, name in enumerate(names[1:], start=1):
            signed = (dt.date(2026, 3, 1) + dt.timedelta(days=n)).isoformat()
            import_core_extract(service, _core(tmp_path, name, signed, seq=n))
            state = _state(service)
            again = import_channel_file(service, claims, "claim_report")
            _rerun_is_idempotent(again, first)
            assert _state(service) == state


def test_the_insured_s_name_is_read_without_building_customers(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a claim file naming no insured: the rule needs the name of whoever the plate finds; it
    # reads the names alone (BaseStore.names_by), for a batch of rows at once, and never
    # builds a customer
    import_core_extract(service, _core(tmp_path, "张伟"))
    asked: list[tuple[str, set[str]]] = []
    names_by = type(service.store).names_by

    def counted(store: Any, criterion: str, values: Any) -> dict[str, dict[str, str | None]]:
        asked.append((criterion, set(values)))
        return names_by(store, criterion, values)

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a customer was built, or a name looked up alone")

    monkeypatch.setattr(type(service.store), "names_by", counted)
    monkeypatch.setattr(type(service.store), "names", refused)
    monkeypatch.setattr(Service, "lookup", refused)
    monkeypatch.setattr(Service, "find", refused)
    rows = [*ROWS, *([f"RQ{n}", "2026-06-05 09:30", "闽D66666", "李娜", "13500135000"]
                     for n in range(3))]  # fmt: skip
    summary = import_channel_file(service, _claims(tmp_path, *rows), "claim_report", batch_size=4)
    assert (summary.merged, summary.rejected) == (7, 0)
    assert dict(summary.third_party_reasons) == {"organisation": 2, "name": 1}
    # one look-up per batch of rows, each plate once (RP1 to RP3 share one; an organisation
    # is compared too: it may be the insured company itself)
    assert asked == [("plate", {"闽D·12388", "闽D66666"})]


def test_a_telesales_log_looks_up_names_only_for_organisations(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the person who answered a call is often 张先生: only an organisation's name is compared
    import_core_extract(service, _core(tmp_path, "张伟"))
    asked: list[set[str]] = []
    names_by = type(service.store).names_by

    def counted(store: Any, criterion: str, values: Any) -> dict[str, dict[str, str | None]]:
        asked.append(set(values))
        return names_by(store, criterion, values)

    monkeypatch.setattr(type(service.store), "names_by", counted)
    header = ("通话编号", "通话时间", "车牌号", "客户姓名", "客户电话")
    people = write_csv(tmp_path / "电销.csv", header, [
        ["TS1", "2026-06-01 10:00", "闽D12388", "赵六", OTHER],
        ["TS2", "2026-06-02 10:00", "闽D66666", "张先生", SECOND]])  # fmt: skip
    assert import_channel_file(service, people, "telesales").third_party == 0
    assert asked == []
    garage = write_csv(tmp_path / "电销2.csv", header, [
        ["TS3", "2026-06-03 10:00", "闽D66666", "鑫达汽修厂", GARAGE]])  # fmt: skip
    assert import_channel_file(service, garage, "telesales").third_party == 1
    assert asked == [{"闽D66666"}]


def test_a_claim_file_joined_from_two_layouts_reads_each_part_by_its_own(
    service: Service, tmp_path: Path
) -> None:
    # the rows read ahead for the rule's look-up never mix the parts: each is read by its
    # layout's columns (the second part has the relation and the insured's name first)
    import_core_extract(service, _core(tmp_path, "张伟"))
    second = ("被保险人", "报案人与被保险人关系", "报案人", "报案人电话", "车牌号码", "报案号",
              "报案时间")  # fmt: skip
    rows = [
        ["RP1", "2026-06-01 09:30", "闽D12388", "赵六", OTHER],
        ["RP2", "2026-06-02 09:30", "闽D12388", "张伟", SECOND],
        list(second),
        ["张伟", "本人", "张卫", "13600136000", "闽D12388", "RP3", "2026-06-03 09:30"],
        ["张伟", "配偶", "王芳", "13500135000", "闽D12388", "RP4", "2026-06-04 09:30"],
    ]
    path = write_csv(tmp_path / "报案.csv", CLAIM_HEADER, rows)
    summary = import_channel_file(service, path, "claim_report", batch_size=3)
    assert (summary.rows, summary.merged, summary.rejected) == (4, 4, 0), summary.codes
    assert dict(summary.third_party_reasons) == {"name": 1, "relation": 1}
    assert _numbers(service) == {"+86" + OWN, "+86" + SECOND, "+8613600136000"}
    again = import_channel_file(service, path, "claim_report", batch_size=3)
    assert (again.duplicates, again.rejected) == (4, 0)


def test_a_rerun_of_a_joined_file_whose_first_part_names_no_reporter(
    service: Service, tmp_path: Path
) -> None:
    # the rule has nothing to read in the first part (no 报案人) and reads the second
    import_core_extract(service, _core(tmp_path, "张伟"))
    second = ("报案号", "报案时间", "车牌号码", "报案人", "报案人电话")
    rows = [
        ["RP1", "2026-06-01 09:30", "闽D12388", OTHER],
        list(second),
        ["RP2", "2026-06-02 09:30", "闽D12388", "鑫达汽修厂", GARAGE],
        ["RP3", "2026-06-03 09:30", "闽D12388", "张伟", SECOND],
    ]
    path = write_csv(tmp_path / "报案.csv", ("报案号", "报案时间", "车牌号", "报案人电话"), rows)
    first = import_channel_file(service, path, EARLIER)
    assert (first.merged, first.rejected) == (3, 0), first.codes
    again = import_channel_file(service, path, "claim_report")
    _rerun_is_idempotent(again, first)
    assert again.earlier_readings == 1
