"""Endorsement files as core systems write them: long (one row per changed item) and wording
(批文) files, rows of one endorsement apart, parts of one endorsement in two files."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, VIN_1, VIN_2, read_csv, write_csv
from custmaster.cli import cli
from custmaster.errors import ValidationError
from custmaster.model import EndorsementKind, PolicyStatus, Provenance, SourceRecord
from custmaster.service import Service
from custmaster.store.base import Outcome
from custmaster.testing.contract import assert_consistent
from custmaster.workflows.endorsements import apply_endorsement, import_endorsements
from custmaster.workflows.policies import policy_details
from custmaster.workflows.reading import TableFormatError

pytest_plugins = ["_workflow_fixtures"]

POLICY = "PDAA202635020000000001"
OTHER = "PDAA202635020000000002"
LONG = ("保单号", "批单号", "批改项目", "批改前", "批改后", "批改生效日期")


def _book(service: Service) -> None:
    for policy, person, name, plate in ((POLICY, ID_ZHANG, "张伟", "闽D12388"),
                                        (OTHER, ID_WANG, "王芳", "闽D55555")):  # fmt: skip
        service.ingest_one(
            SourceRecord(
                provenance=Provenance(
                    channel="core_system", source_ref=f"{policy}#0", observed_at="2026-01-02"
                ),
                policy_no=policy,
                line="商业险",
                resident_id=person,
                name=name,
                mobile="13800138000",
                address="福建省厦门市思明区湖滨南路1号",
                plate=plate,
                vin=VIN_1 if policy == POLICY else None,
                cover_start="2026-01-05",
                cover_end="2027-01-04",
            )
        )


def _records(service: Service) -> int:
    return service.counts()["records"]


def test_long_file_rows_of_one_endorsement_apart_apply_as_one(
    service: Service, tmp_path: Path
) -> None:
    _book(service)
    path = write_csv(
        tmp_path / "批改明细.csv",
        LONG,
        [[POLICY, "E1", "车牌号码", "闽D12388", "闽D66666", "2026-05-01"],
         [OTHER, "F1", "被保险人名称", "王芳", "李娜", "2026-06-01"],
         [POLICY, "E1", "车架号", VIN_1, VIN_2, "2026-05-01"],
         [OTHER, "F1", "被保险人证件号码", ID_WANG, ID_LI, "2026-06-01"]],
    )  # fmt: skip
    rejects = tmp_path / "r.csv"
    summary = import_endorsements(service, path, rejects=rejects)
    assert summary.shape == "long"
    assert (summary.rows, summary.endorsements, summary.applied) == (4, 2, 2)
    assert dict(summary.kinds) == {"insured": 1, "vehicle": 1}
    assert (summary.rejected, summary.warnings, summary.parts) == (0, 0, 0)
    assert read_csv(rejects) == []
    vehicle = service.policy(POLICY).vehicle
    assert vehicle is not None
    assert (vehicle.plate, vehicle.vin) == ("闽D66666", VIN_2)
    [endorsement] = policy_details(service, POLICY).endorsements
    assert (endorsement.number, endorsement.changed) == ("E1", ("plate", "vin"))
    li = service.find(resident_id=ID_LI)[0]
    assert li.name == "李娜"
    assert policy_details(service, OTHER).customer_id("insured") == li.id
    assert service.find(resident_id=ID_WANG)[0].name == "王芳"  # the former insured, unchanged
    records = _records(service)
    again = import_endorsements(service, path)
    assert (again.applied, again.duplicates) == (0, 2)
    assert _records(service) == records


def test_rows_further_apart_than_the_window_complete_the_endorsement(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service)
    rows = [[POLICY, "E1", "车牌号码", "闽D12388", "闽D66666", "2026-05-01"],
            [OTHER, "F1", "通讯地址", "", "福建省厦门市湖里区嘉禾路9号", "2026-06-01"],
            [POLICY, "E1", "车架号", VIN_1, VIN_2, "2026-05-01"]]  # fmt: skip
    path = write_csv(tmp_path / "apart.csv", LONG, rows)
    summary = import_endorsements(service, path, window=1)
    assert (summary.endorsements, summary.applied, summary.parts) == (3, 3, 1)
    vehicle = service.policy(POLICY).vehicle
    assert vehicle is not None
    assert (vehicle.plate, vehicle.vin) == ("闽D66666", VIN_2)
    [endorsement] = policy_details(service, POLICY).endorsements
    assert (endorsement.kind, endorsement.changed) == (EndorsementKind.VEHICLE, ("plate", "vin"))
    records = _records(service)
    # the same rows again, apart or together: nothing is applied twice
    again = import_endorsements(service, path, window=1)
    assert (again.applied, again.duplicates) == (0, 3)
    together = write_csv(tmp_path / "together.csv", LONG, [rows[0], rows[2], rows[1]])
    joined = import_endorsements(service, together)
    assert (joined.endorsements, joined.applied, joined.duplicates) == (2, 0, 2)
    assert _records(service) == records


def test_a_later_file_completes_an_endorsement_and_a_different_value_is_refused(
    service: Service, tmp_path: Path
) -> None:
    _book(service)
    first = write_csv(tmp_path / "1.csv", LONG,
                      [[POLICY, "E1", "车牌号码", "", "闽D66666", "2026-05-01"]])  # fmt: skip
    second = write_csv(
        tmp_path / "2.csv",
        LONG,
        [[POLICY, "E1", "车牌号码", "", "闽D66666", "2026-05-01"],
         [POLICY, "E1", "发动机号", "", "CSA0012345", "2026-05-01"]],
    )  # fmt: skip
    bad = write_csv(tmp_path / "3.csv", LONG,
                    [[POLICY, "E1", "车牌号码", "", "闽D77777", "2026-05-01"]])  # fmt: skip
    assert import_endorsements(service, first).applied == 1
    completed = import_endorsements(service, second)
    assert (completed.applied, completed.parts) == (1, 1)
    vehicle = service.policy(POLICY).vehicle
    assert vehicle is not None
    assert (vehicle.plate, vehicle.engine_no) == ("闽D66666", "CSA0012345")
    assert policy_details(service, POLICY).endorsements[0].changed == ("engine_no", "plate")
    records = _records(service)
    rejects = tmp_path / "3.rejects.csv"
    refused = import_endorsements(service, bad, rejects=rejects)
    assert refused.rejected == 1
    assert [(r["row"], r["code"]) for r in read_csv(rejects)] == [("2", "endorsement.conflict")]
    assert _records(service) == records


def test_an_endorsement_with_a_bad_row_is_rejected_whole(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service)
    path = write_csv(
        tmp_path / "bad.csv",
        LONG,
        [[POLICY, "E1", "车牌号码", "闽D12388", "闽D66666", "2026-05-01"],
         [POLICY, "E1", "联系电话", "13800138000", "138OO138OOO", "2026-05-01"],
         [POLICY, "E2", "使用性质", "家庭自用", "营业", "2026-06-01"],
         [POLICY, "E3", "车牌号码", "", "", "2026-07-01"]],
    )  # fmt: skip
    rejects = tmp_path / "bad.rejects.csv"
    records = _records(service)
    summary = import_endorsements(service, path, rejects=rejects)
    assert (summary.endorsements, summary.applied, summary.rejected) == (3, 0, 3)
    assert [(r["row"], r["column"], r["code"]) for r in read_csv(rejects)] == [
        ("3", "批改后", "phone.vanity"),
        ("2", "", "endorsement.incomplete"),
        ("4", "批改项目", "endorsement.item"),
        ("5", "批改后", "endorsement.value"),
    ]
    assert _records(service) == records
    # an item the mapping leaves out is no change
    left_out = write_csv(tmp_path / "out.csv", LONG,
                         [[POLICY, "E2", "使用性质", "家庭自用", "营业", "2026-06-01"],
                          [POLICY, "E2", "号牌号码", "", "闽D66666", "2026-06-01"]])  # fmt: skip
    applied = import_endorsements(service, left_out, mapping={"使用性质": None})
    assert (applied.applied, dict(applied.kinds)) == (1, {"vehicle": 1})


def test_a_before_value_unlike_the_stores_is_a_warning(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service)
    path = write_csv(
        tmp_path / "before.csv",
        LONG,
        [[POLICY, "E1", "车牌号码", "闽D99999", "闽D66666", "2026-05-01"],
         [POLICY, "E1", "车架号", VIN_1, VIN_2, "2026-05-01"],
         [POLICY, "E2", "联系电话", "13900139000", "13912345678", "2026-06-01"],
         [POLICY, "E3", "手机号码", "13800138000", "13712345678", "2026-07-01"]],
    )  # fmt: skip
    rejects = tmp_path / "before.rejects.csv"
    summary = import_endorsements(service, path, rejects=rejects)
    assert (summary.applied, summary.rejected, summary.warnings) == (3, 0, 2)
    lines = read_csv(rejects)
    assert [(r["row"], r["column"], r["field"], r["code"]) for r in lines] == [
        ("2", "批改前", "plate", "endorsement.before_mismatch"),
        ("4", "批改前", "mobile", "endorsement.before_mismatch"),
    ]
    assert lines[0]["masked_value"] == "闽D·***99"
    assert "13900139000" not in rejects.read_text(encoding="utf-8-sig")
    quiet = import_endorsements(service, path, check_before=False)
    assert (quiet.duplicates, quiet.warnings) == (3, 0)


def test_holder_items_change_the_holder(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service)
    path = write_csv(
        tmp_path / "holder.csv",
        LONG,
        [[POLICY, "E1", "投保人名称", "张伟", "王芳", "2026-05-01"],
         [POLICY, "E1", "投保人证件号码", ID_ZHANG, ID_WANG, "2026-05-01"],
         [POLICY, "E2", "投保人名称", "", "李娜", "2026-06-01"],
         [POLICY, "E2", "被保险人名称", "", "李娜", "2026-06-01"]],
    )  # fmt: skip
    rejects = tmp_path / "holder.rejects.csv"
    summary = import_endorsements(service, path, rejects=rejects)
    assert (summary.applied, dict(summary.kinds), summary.rejected) == (1, {"holder": 1}, 1)
    assert service.find(resident_id=ID_WANG)[0].policy_numbers("holder") == (POLICY,)
    assert {r["code"] for r in read_csv(rejects)} == {"endorsement.party", "endorsement.incomplete"}


def test_an_item_column_of_kinds_is_the_kind_column(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service)
    path = write_csv(
        tmp_path / "kinds.csv",
        ("保单号", "批单号", "批改项目", "批改生效日期", "客户地址"),
        [[POLICY, "E1", "地址变更", "2026-03-01", "福建省厦门市集美区银江路3号"],
         [POLICY, "E2", "全单退保", "2026-10-01", ""]],
    )  # fmt: skip
    summary = import_endorsements(service, path)
    assert summary.shape == "wide"
    assert dict(summary.kinds) == {"address": 1, "cancellation": 1}
    names = write_csv(tmp_path / "items.csv", ("保单号", "批单号", "批改项目", "批改生效日期"),
                      [[POLICY, "E1", "车牌号码", "2026-03-01"]])  # fmt: skip
    with pytest.raises(TableFormatError, match=r"endorsement\.no_new_value"):
        import_endorsements(service, names)
    values = write_csv(tmp_path / "values.csv", ("保单号", "批单号", "批改后", "批改生效日期"),
                       [[POLICY, "E1", "闽D66666", "2026-03-01"]])  # fmt: skip
    with pytest.raises(TableFormatError, match=r"endorsement\.no_item_column"):
        import_endorsements(service, values)


def test_a_long_file_states_a_cancellation_by_its_kind_or_its_item(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service)
    path = write_csv(
        tmp_path / "退保.csv",
        ("保单号", "批单号", "批改类型", "批改项目", "批改前", "批改后", "批改生效日期"),
        [[POLICY, "E1", "", "全单退保", "", "", "2026-10-01"],
         [OTHER, "F1", "退保", "", "", "", "2026-11-01"],
         [OTHER, "F2", "", "", "", "", "2026-11-02"]],
    )  # fmt: skip
    rejects = tmp_path / "退保.rejects.csv"
    summary = import_endorsements(service, path, rejects=rejects)
    assert (summary.shape, summary.applied, dict(summary.kinds)) == ("long", 2, {"cancellation": 2})
    assert policy_details(service, POLICY).status is PolicyStatus.CANCELLED
    assert policy_details(service, OTHER).status is PolicyStatus.CANCELLED
    assert [(r["row"], r["code"]) for r in read_csv(rejects)] == [("4", "endorsement.item")]


def test_a_file_of_endorsement_texts(service: Service, tmp_path: Path) -> None:
    _book(service)
    path = write_csv(
        tmp_path / "批文.csv",
        ("保单号", "批单号", "批文"),
        [[POLICY, "E1", "经被保险人申请，自2026年5月1日零时起，本保单车牌号由闽D12388变更为"
                        "闽D66666，其他内容不变。"],
         [OTHER, "F1", "兹因车辆转让，经投保人申请，自2026年6月1日零时起，本保单被保险人由王芳"
                       f"（身份证号码：{ID_WANG}）变更为李娜（身份证号码：{ID_LI}），其他承保条件不变。"],
         [POLICY, "E2", "经被保险人申请，变更本保单相关信息，详见附件。"],
         [POLICY, "E3", "本保单车牌号由闽D66666变更为闽D77777。"],
         [POLICY, "E9", "经投保人申请，本保单于2026年10月1日零时起退保，退还保费人民币"
                        "壹仟贰佰元整。"]],
    )  # fmt: skip
    rejects = tmp_path / "批文.rejects.csv"
    summary = import_endorsements(service, path, rejects=rejects)
    assert summary.shape == "wording"
    assert (summary.endorsements, summary.applied, summary.rejected) == (5, 3, 2)
    assert summary.from_wording == 3
    assert dict(summary.kinds) == {"cancellation": 1, "insured": 1, "vehicle": 1}
    assert [(r["row"], r["column"], r["code"]) for r in read_csv(rejects)] == [
        ("4", "批文", "wording.unreadable"),
        ("5", "批文", "endorsement.effective"),
    ]
    policy = policy_details(service, POLICY)
    assert policy.status is PolicyStatus.CANCELLED
    assert [(e.number, e.effective.isoformat()) for e in policy.endorsements] == [
        ("E1", "2026-05-01"),
        ("E9", "2026-10-01"),
    ]
    assert policy_details(service, OTHER).customer_id("insured") == (
        service.find(resident_id=ID_LI)[0].id
    )
    text = rejects.read_text(encoding="utf-8-sig")
    assert ID_LI not in text
    assert "闽D66666" not in text


def test_a_wide_row_without_values_is_read_from_its_text(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service)
    path = write_csv(
        tmp_path / "wide.csv",
        ("保单号", "批单号", "批改类型", "批改生效日期", "客户地址", "联系电话", "批改内容"),
        [[POLICY, "E1", "地址变更", "2026-03-01", "福建省厦门市集美区银江路3号", "", "地址变更"],
         [POLICY, "E2", "", "2026-04-01", "", "", "联系电话由13800138000变更为13912345678"],
         [POLICY, "E3", "联系方式变更", "2026-05-01", "", "13712345678", ""],
         [POLICY, "E4", "地址变更", "2026-06-01", "", "", "本保单自2026年6月1日起退保"]],
    )  # fmt: skip
    rejects = tmp_path / "wide.rejects.csv"
    summary = import_endorsements(service, path, rejects=rejects)
    assert (summary.shape, summary.applied, summary.from_wording) == ("wide", 3, 1)
    assert dict(summary.kinds) == {"address": 1, "contact": 2}
    assert [(r["row"], r["code"]) for r in read_csv(rejects)] == [("5", "endorsement.conflict")]
    customer = service.find(policy_no=POLICY)[0]
    numbers = {point.value for point in customer.contact_points}
    assert {"+8613912345678", "+8613712345678"} <= numbers  # 联系电话 applied as a mobile


def test_apply_endorsement_adds_a_later_part_once_and_refuses_another_value() -> None:
    service = Service.open("memory://")
    _book(service)
    first = apply_endorsement(service, POLICY, number="E1", effective="2026-05-01",
                              changes={"plate": "闽D66666"})  # fmt: skip
    part = apply_endorsement(service, POLICY, number="E1", effective="2026-05-01",
                             changes={"plate": "闽D66666", "vin": VIN_2})  # fmt: skip
    again = apply_endorsement(service, POLICY, number="E1", effective="2026-05-01",
                              changes={"vin": VIN_2})  # fmt: skip
    assert (first.outcome, part.part, again.outcome) == (Outcome.MERGED, True, Outcome.DUPLICATE)
    assert part.kind is EndorsementKind.VEHICLE
    records = _records(service)
    with pytest.raises(ValidationError, match=r"endorsement\.conflict"):
        apply_endorsement(service, POLICY, number="E1", effective="2026-05-01",
                          changes={"vin": VIN_1})  # fmt: skip
    with pytest.raises(ValidationError, match=r"endorsement\.conflict"):
        apply_endorsement(service, POLICY, number="E1", effective="2026-05-01", kind="退保")
    assert _records(service) == records


def test_an_insured_change_split_in_two_parts_is_refused() -> None:
    service = Service.open("memory://")
    _book(service)
    apply_endorsement(service, POLICY, number="E1", effective="2026-05-01", kind="过户",
                      changes={"resident_id": ID_LI, "name": "李娜"})  # fmt: skip
    contact = apply_endorsement(service, POLICY, number="E1", effective="2026-05-01",
                                changes={"mobile": "13912345678"})  # fmt: skip
    li = service.find(resident_id=ID_LI)[0]
    assert (contact.part, contact.customer_id) == (True, li.id)  # the new insured's number
    assert "+8613912345678" in {p.value for p in li.contact_points}
    zhang = service.find(resident_id=ID_ZHANG)[0]
    assert "+8613912345678" not in {p.value for p in zhang.contact_points}
    with pytest.raises(ValidationError, match=r"endorsement\.split_identity"):
        apply_endorsement(service, POLICY, number="E1", effective="2026-05-01",
                          changes={"birth_date": "1985-05-12"})  # fmt: skip


def test_cli_says_which_shape_it_read(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/cli.db"
    service = Service.open(store)
    _book(service)
    service.close()
    path = write_csv(
        tmp_path / "批改明细.csv",
        LONG,
        [[POLICY, "E1", "车牌号码", "闽D12388", "闽D66666", "2026-05-01"],
         [POLICY, "E1", "车架号", VIN_1, VIN_2, "2026-05-01"]],
    )  # fmt: skip
    result = CliRunner().invoke(cli, ["endorse", str(path), "--store", store])
    assert result.exit_code == 0, result.output
    assert "long 长表" in result.output
    assert "2 rows, 1 endorsements; applied 已批改 1 (vehicle 1)" in result.output
    assert VIN_2 not in result.output
    assert "闽D66666" not in result.output


def test_a_content_column_holds_new_values_or_whole_texts(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service)
    path = write_csv(
        tmp_path / "内容.csv",
        ("保单号", "批单号", "批改项目", "批改内容", "批改生效日期"),
        [[POLICY, "E1", "车牌号码", "闽D66666", "2026-05-01"],
         [OTHER, "F1", "通讯地址", "本保单被保险人通讯地址由福建省厦门市思明区湖滨南路1号变更为"
                                  "福建省厦门市集美区银江路3号。", "2026-06-01"]],
    )  # fmt: skip
    summary = import_endorsements(service, path)
    assert (summary.shape, summary.applied, summary.from_wording) == ("long", 2, 1)
    assert service.find(resident_id=ID_WANG)[0].address == "福建省厦门市集美区银江路3号"


_LONG_CELLS = {
    "保单号": st.sampled_from([POLICY, OTHER, "", "PDAA2026/PDZA2026", "NOSUCHPOLICY01"]),
    "批单号": st.sampled_from(["E1", "E2", "E3", "", " e1 "]),
    "批改项目": st.sampled_from(
        ["车牌号码", "车架号", "被保险人名称", "被保险人证件号码", "联系电话", "通讯地址",
         "投保人名称", "使用性质", "全单退保", "", "NULL", "手机号码"]
    ),
    "批改前": st.sampled_from(["", "闽D12388", VIN_1, "张伟", ID_ZHANG, "13800138000", "-"]),
    "批改后": st.sampled_from(
        ["", "闽D66666", VIN_2, "李娜", ID_LI, "13912345678", "138OO138OOO", "无",
         "福建省厦门市湖里区嘉禾路9号", "本保单车牌号由闽D12388变更为闽D77777。", ID_ZHANG[:15]]
    ),
    "批改生效日期": st.sampled_from(["2026-05-01", "2026-06-01", "", "2026-02-30", "46143"]),
}  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries(_LONG_CELLS), max_size=12), window=st.integers(1, 4))
def test_long_files_of_any_cells_apply_or_reject_each_endorsement_whole(
    rows: list[dict[str, str]], window: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "long.csv", LONG, [[r[h] for h in LONG] for r in rows])
        rejects = Path(folder) / "long.rejects.csv"
        service = Service.open("memory://")
        _book(service)
        summary = import_endorsements(service, path, rejects=rejects, window=window)
        assert summary.rows == len(rows)
        assert summary.applied + summary.duplicates + summary.rejected == summary.endorsements
        lines = read_csv(rejects)
        assert len(lines) == summary.rejects
        assert all(line["code"] for line in lines)
        assert_consistent(service.store)
        records = _records(service)
        again = import_endorsements(service, path, window=window)
        assert again.applied == 0
        assert _records(service) == records


def test_a_title_line_above_the_header_is_skipped(tmp_path: Path) -> None:
    service = Service.open("memory://")
    _book(service)
    path = tmp_path / "titled.csv"
    path.write_text(
        "2026年5月批改明细（机构：厦门分公司）\n"
        "保单号,批单号,批改项目,批改前,批改后,批改生效日期\n"
        f"{POLICY},E1,车牌号码,闽D12388,闽D66666,2026-05-01\n",
        encoding="utf-8-sig",
    )
    summary = import_endorsements(service, path)
    assert (summary.shape, summary.applied, dict(summary.kinds)) == ("long", 1, {"vehicle": 1})


def test_a_change_of_insured_without_an_id_is_refused_not_written_onto_the_former(
    tmp_path: Path,
) -> None:
    service = Service.open("memory://")
    _book(service)
    records = _records(service)
    with pytest.raises(ValidationError, match=r"endorsement\.insured_without_id"):
        apply_endorsement(service, POLICY, number="E1", effective="2026-05-01", kind="过户",
                          changes={"name": "李娜"})  # fmt: skip
    assert _records(service) == records
    assert service.find(resident_id=ID_ZHANG)[0].name == "张伟"  # the former insured's name
    # a correction of the insured's name that gives their ID goes to them
    corrected = {"name": "张玮", "resident_id": ID_ZHANG}
    fixed = apply_endorsement(service, POLICY, number="E2", effective="2026-05-01",
                              kind="被保险人变更", changes=corrected)  # fmt: skip
    assert fixed.outcome is Outcome.MERGED
    assert service.find(resident_id=ID_ZHANG)[0].name == "张玮"
    path = write_csv(
        tmp_path / "过户.csv",
        ("保单号", "批单号", "批改类型", "批改生效日期", "被保险人"),
        [[POLICY, "E3", "过户", "2026-06-01", "李娜"]],
    )
    rejects = tmp_path / "过户.rejects.csv"
    summary = import_endorsements(service, path, rejects=rejects)
    assert (summary.applied, summary.rejected) == (0, 1)
    assert [r["code"] for r in read_csv(rejects)] == ["endorsement.insured_without_id"]


def test_a_workbook_of_monthly_sheets_in_two_shapes_is_read_whole(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    service = Service.open("memory://")
    _book(service)
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(["批改清单，按月分页"])
    may = book.create_sheet("5月")  # one row per endorsement
    may.append(["保单号", "批单号", "批改类型", "批改生效日期", "客户地址"])
    may.append([POLICY, "E1", "地址变更", "2026-05-01", "福建省厦门市湖里区嘉禾路9号"])
    june = book.create_sheet("6月")  # one row per changed item, a title line above
    june.append(["XX分公司批改明细 2026年6月"])
    june.append(list(LONG))
    june.append([POLICY, "E2", "车牌号码", "闽D12388", "闽D66666", "2026-06-01"])
    june.append([POLICY, "E3", "车架号", "", "not a vin", "2026-06-02"])
    path = tmp_path / "批改.xlsx"
    book.save(path)
    rejects = tmp_path / "批改.rejects.csv"
    summary = import_endorsements(service, path, rejects=rejects)
    assert (summary.shape, summary.sheets) == ("wide+long", ("5月", "6月"))
    assert (summary.rows, summary.applied, summary.rejected) == (3, 2, 1)
    zhang = service.find(resident_id=ID_ZHANG)[0]
    assert zhang.address == "福建省厦门市湖里区嘉禾路9号"
    assert service.find(plate="闽D66666")[0].id == zhang.id
    (line,) = read_csv(rejects)
    assert (line["row"], line["sheet"]) == ("4", "6月")
    again = import_endorsements(service, path)
    assert (again.applied, again.duplicates) == (0, 2)
    only_may = import_endorsements(Service.open("memory://"), path, sheet="5月")
    assert (only_may.sheets, only_may.rows) == (("5月",), 1)
