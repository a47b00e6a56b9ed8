"""The workflow commands through click's CliRunner: output, masking, exit codes, the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from _workflow_helpers import ID_LI, ID_ZHANG, VIN_1, read_csv, write_csv
from custmaster.cli import cli
from custmaster.privacy.masking import scan_for_personal_data
from custmaster.service import Service
from custmaster.store import open_store

NAMES = ["张伟", "李娜", "王芳"]

CORE_HEADER = ("保单号", "险种", "被保险人", "身份证号", "车牌号", "起保日期", "终保日期",
               "厂牌型号", "车架号", "客户地址", "家庭电话", "移动电话", "签单日期", "保单状态",
               "缴费状态", "新续保标志")  # fmt: skip
CORE_ROWS = [
    ["PDAA2026001", "商业险", "张伟", ID_ZHANG, "闽D12388", "2026-01-05", "2027-01-04",
     "雅阁HG7240ABCVT", VIN_1, "福建省厦门市思明区湖滨南路1号", "0592-5123456", "13800138000",
     "2026-01-02", "有效", "已缴费", "新保"],
    ["PDZA2026001", "交强险", "张伟", ID_ZHANG, "闽D12388", "2026-01-05", "2027-01-04",
     "雅阁HG7240ABCVT", VIN_1, "福建省厦门市思明区湖滨南路1号", "", "13800138000",
     "2026-01-02", "有效", "已缴费", "新保"],
    ["PDAA2026002", "商业险", "李娜", ID_LI, "闽D66666", "2026-01-20", "2027-01-19",
     "大众汽车牌SVW71810KJ", "", "福建省厦门市湖里区嘉禾路9号", "", "13900139000",
     "2026-01-10", "未缴费", "未缴费", "新保"],
    ["PDAA2026003", "商业险", "王芳", ID_ZHANG[:-1] + "0", "", "", "2027-01-09", "", "", "",
     "", "13700137000", "2026-01-10", "", "", ""],
]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/cli.db"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _masked(result: Result) -> None:
    assert not scan_for_personal_data(result.output, NAMES), result.output
    assert ID_ZHANG not in result.output
    assert ID_LI not in result.output


@pytest.fixture
def loaded(store: str, tmp_path: Path) -> str:
    core = write_csv(tmp_path / "core.csv", CORE_HEADER, CORE_ROWS, encoding="gb18030")
    result = run("import", str(core), "--store", store)
    assert result.exit_code == 0, result.output
    return store


def test_import_prints_counts_and_writes_rejects(store: str, tmp_path: Path) -> None:
    core = write_csv(tmp_path / "core.csv", CORE_HEADER, CORE_ROWS, encoding="gb18030")
    result = run("import", str(core), "--store", store)
    assert result.exit_code == 0, result.output
    assert "core.csv → core_system: 4 rows read (CSV, gb18030" in result.output
    assert "new customers 新客户 2, merged 合并 1" in result.output
    assert "rejected 拒绝 1" in result.output
    assert "cn_resident_id.checksum 1" in result.output
    rejects = read_csv(tmp_path / "core.rejects.csv")
    assert [(r["row"], r["code"]) for r in rejects] == [("5", "cn_resident_id.checksum")]
    _masked(result)
    again = run("import", str(core), "--store", store)
    assert "Duplicates 重复 3" in again.output


def test_import_channel_with_mapping_and_options(loaded: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tel.csv", ("呼叫号", "时间", "号码", "保单号"),
                     [["T1", "2026-11-01 10:00", "13600136000", "PDAA2026001"]])  # fmt: skip
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps({"呼叫号": "source_ref", "时间": "observed_at", "号码": "mobile"}),
        encoding="utf-8",
    )
    result = run("import", str(path), "--channel", "电销", "--mapping", str(mapping),
                 "--store", loaded, "--operator", "王芳")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "merged 合并 1" in result.output
    with Service.open(loaded) as service:
        zhang = service.find(resident_id=ID_ZHANG)[0]
        point = zhang.contact_point("mobile", "13600136000")
        assert point is not None
        assert dict(point.channels) == {"telesales": 1}


def test_import_errors_and_exit_codes(store: str, tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02" * 10)
    result = CliRunner().invoke(cli, ["import", str(junk), "--store", store])
    assert result.exit_code == 65
    assert "file.encoding" in result.output
    unknown = write_csv(tmp_path / "x.csv", ("甲", "乙"), [["1", "2"]])
    assert CliRunner().invoke(cli, ["import", str(unknown), "--store", store]).exit_code == 65
    bad_map = tmp_path / "bad.json"
    bad_map.write_text("[1, 2]", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["import", str(unknown), "--mapping", str(bad_map), "--store", store]
    )
    assert result.exit_code == 64
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "none.csv"), "--store", store])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["import", str(unknown), "--channel", "fax"])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["import", str(unknown), "--channel", "回访"])
    assert result.exit_code == 2  # call-backs have their own command
    assert "telesales 电销" in result.output
    result = CliRunner().invoke(cli, ["import", str(unknown), "--store", "nosuch://x"])
    assert result.exit_code == 74
    assert "store.unknown_scheme" in result.output
    result = CliRunner().invoke(cli, ["import", str(unknown), "--role", "operator"])
    assert result.exit_code == 64


def test_endorse_and_show_history(loaded: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "批改.csv",
        ("保单号", "批单号", "批改类型", "批改生效日期", "客户地址"),
        [["PDAA2026001", "E2", "地址变更", "2026-09-01", "北京市朝阳区建国路1号"],
         ["PDAA2026001", "E1", "地址变更", "2026-03-01", "上海市徐汇区漕溪北路8号"],
         ["PDZA2026001", "E3", "退保", "2026-10-01", ""]],
    )  # fmt: skip
    result = run("endorse", str(path), "--store", loaded)
    assert result.exit_code == 0, result.output
    assert "applied 已批改 3 (address 2, cancellation 1)" in result.output
    assert "Out of order 乱序 1" in result.output
    shown = run("show", "--policy", "PDAA2026001", "--store", loaded)
    assert shown.exit_code == 0, shown.output
    assert "北京市朝阳区******" in shown.output
    assert "上海市徐汇区******" in shown.output  # an older value
    assert "cancelled" in shown.output
    assert "广汽本田 雅阁" in shown.output
    _masked(shown)
    explained = run("show", "--resident-id", ID_ZHANG, "--explain", "address", "--store", loaded)
    assert "rule newest" in explained.output
    assert "PDAA2026001#E2" in explained.output
    old = run("show", "--resident-id", ID_ZHANG, "--as-of", "2026-06-01", "--store", loaded)
    assert "As of 截至 2026-06-01" in old.output
    assert "Address 客户地址      上海市徐汇区******" in old.output


def test_show_calls_a_policy_whose_cover_ended_expired(store: str, tmp_path: Path) -> None:
    rows = [[*CORE_ROWS[0]]]
    rows[0][5:7] = ["2024-01-05", "2025-01-04"]  # 有效 in the extract, but the cover has ended
    rows[0][12] = "2024-01-02"
    core = write_csv(tmp_path / "old.csv", CORE_HEADER, rows)
    assert run("import", str(core), "--store", store).exit_code == 0
    shown = run("show", "--policy", "PDAA2026001", "--store", store)
    assert shown.exit_code == 0, shown.output
    assert "expired" in shown.output
    assert "in_force" not in shown.output
    then = run("show", "--policy", "PDAA2026001", "--as-of", "2024-06-01", "--store", store)
    assert "in_force" in then.output


def test_show_usage_and_not_found(loaded: str) -> None:
    assert CliRunner().invoke(cli, ["show", "--store", loaded]).exit_code == 64
    result = CliRunner().invoke(cli, ["show", "C99999999", "--store", loaded])
    assert result.exit_code == 66
    result = CliRunner().invoke(cli, ["show", "--phone", "13000000000", "--store", loaded])
    assert result.exit_code == 66


def test_show_reveal_needs_the_permission_and_is_audited(loaded: str) -> None:
    program = CliRunner().invoke(
        cli, ["show", "--policy", "PDAA2026001", "--reveal", "--store", loaded]
    )
    assert program.exit_code == 77
    operator = CliRunner().invoke(
        cli,
        ["show", "--policy", "PDAA2026001", "--reveal", "--user", "wang", "--role", "operator",
         "--store", loaded],
    )  # fmt: skip
    assert operator.exit_code == 77
    assert ID_ZHANG not in operator.output
    shown = run("show", "--policy", "PDAA2026001", "--reveal", "--user", "li.na", "--role",
                "administrator", "--store", loaded)  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert ID_ZHANG in shown.output
    assert "张伟" in shown.output
    assert "138****8000" not in shown.output
    with open_store(loaded) as store:
        (entry,) = store.audit(operation="reveal")
    assert entry.user == "li.na"
    assert "resident_id" in entry.fields
    assert entry.customer_id is not None
    assert ID_ZHANG not in str(entry.to_dict())


def test_callbacks_flag_and_expiring_leaves_the_number_out(loaded: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "回访.csv", ("电话号码", "回访结果", "回访时间", "回访人"),
                     [["13800138000", "错号", "2026-12-01 10:00", "王芳"]])  # fmt: skip
    result = run("callbacks", str(path), "--store", loaded)
    assert result.exit_code == 0, result.output
    assert "flagged wrong 错号 1" in result.output
    listed = run("expiring", "2027-01", "--store", loaded)
    assert listed.exit_code == 0, listed.output
    assert "PDAA2026001" in listed.output
    assert "138****8000" not in listed.output
    assert "0592-*****56" in listed.output
    _masked(listed)
    shown = run("show", "--phone", "13800138000", "--store", loaded)
    assert "wrong ✗" in shown.output


def test_expiring_filters_and_exports(loaded: str, tmp_path: Path) -> None:
    out = tmp_path / "renewals.csv"
    result = run("expiring", "2027-01", "--line", "commercial", "--series", "雅阁",
                 "--output", str(out), "--store", loaded)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 policies written" in result.output
    rows = read_csv(out)
    assert [r["保单号"] for r in rows] == ["PDAA2026001"]
    assert rows[0]["联系电话1"] == "138****8000"
    xlsx = tmp_path / "renewals.xlsx"
    assert run("expiring", "2027-01", "--output", str(xlsx), "--store", loaded).exit_code == 0
    assert xlsx.stat().st_size > 0
    denied = CliRunner().invoke(
        cli, ["expiring", "2027-01", "--output", str(out), "--reveal", "--store", loaded]
    )
    assert denied.exit_code == 77
    assert "permission.reveal" in denied.output
    clerk = CliRunner().invoke(
        cli, ["expiring", "2027-01", "--output", str(out), "--user", "wang", "--role",
              "operator", "--store", loaded],
    )  # fmt: skip
    assert clerk.exit_code == 77
    revealed = run("expiring", "2027-01", "--output", str(out), "--reveal", "--user", "zhao",
                   "--role", "administrator", "--store", loaded)  # fmt: skip
    assert revealed.exit_code == 0, revealed.output
    assert read_csv(out)[0]["联系电话1"] == "13800138000"
    bad = CliRunner().invoke(cli, ["expiring", "2027-13", "--store", loaded])
    assert bad.exit_code == 64
    assert CliRunner().invoke(cli, ["expiring", "2027-01", "--reveal"]).exit_code == 64


def test_enter_contact(loaded: str, tmp_path: Path) -> None:
    card = run("enter-contact", "PDAA2026001", "--store", loaded)
    assert card.exit_code == 0, card.output
    assert "张*" in card.output
    assert "PDAA2026001" in card.output
    assert "商业险 commercial motor" in card.output  # the line's label, not its code
    _masked(card)
    entered = run("enter-contact", "PDAA2026001", "--mobile", "13500135000", "--operator",
                  "王芳", "--store", loaded)  # fmt: skip
    assert entered.exit_code == 0, entered.output
    assert "Recorded 已录入: mobile" in entered.output
    assert "135****5000" in entered.output
    assert "注意" not in entered.output
    calls = write_csv(tmp_path / "cb.csv", ("电话号码", "回访结果", "回访时间"),
                      [["13500135000", "空号", "2026-12-01 10:00"]])  # fmt: skip
    assert run("callbacks", str(calls), "--store", loaded).exit_code == 0
    again = run("enter-contact", "PDAA2026001", "--mobile", "135 0013 5000", "--operator",
                "王芳", "--store", loaded)  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "Note 注意: mobile 135****5000 is flagged wrong" in again.output
    assert "13500135000" not in again.output
    unpaid = CliRunner().invoke(cli, ["enter-contact", "PDAA2026002", "--store", loaded])
    assert unpaid.exit_code == 64
    assert "contact_entry.not_paid" in unpaid.output
    nobody = CliRunner().invoke(
        cli, ["enter-contact", "PDAA2026001", "--mobile", "13500135000", "--store", loaded]
    )
    assert nobody.exit_code == 64
    assert "service.user" in nobody.output
    bad = CliRunner().invoke(cli, ["enter-contact", "PDAA2026001", "--mobile", "138OO138OOO",
                                   "--operator", "王芳", "--store", loaded])  # fmt: skip
    assert bad.exit_code == 65
    assert "138OO138OOO" not in bad.output
    unknown = CliRunner().invoke(cli, ["enter-contact", "NOPE", "--store", loaded])
    assert unknown.exit_code == 66


def test_candidates_and_decide(loaded: str, tmp_path: Path) -> None:
    header = ("面签单号", "面签日期", "身份证号", "被保险人", "手机")
    path = write_csv(tmp_path / "face.csv", header, [["F1", "2026-05-01", ID_LI, "李娜",
                                                     "13800138000"]])  # fmt: skip
    assert run("import", str(path), "--channel", "face_to_face", "--store", loaded).exit_code == 0
    listed = run("candidates", "--store", loaded)
    assert listed.exit_code == 0, listed.output
    assert "shared_phone" in listed.output
    assert "138****8000" in listed.output
    _masked(listed)
    with Service.open(loaded) as service:
        pair = service.candidates()[0].id
    assert CliRunner().invoke(cli, ["decide", pair, "--store", loaded]).exit_code == 64
    missing_by = CliRunner().invoke(cli, ["decide", pair, "--keep-apart", "--store", loaded])
    assert missing_by.exit_code == 64
    decided = run("decide", pair, "--keep-apart", "--by", "李四", "--note", "夫妻", "--store",
                  loaded)  # fmt: skip
    assert decided.exit_code == 0, decided.output
    assert "kept apart" in decided.output
    again = CliRunner().invoke(cli, ["decide", pair, "--merge", "--by", "李四", "--store", loaded])
    assert again.exit_code == 64
    assert "store.pair_decided" in again.output
    assert run("candidates", "--status", "kept_apart", "--store", loaded).output.count(pair) == 1
    unknown = CliRunner().invoke(cli, ["decide", "P9999", "--merge", "--by", "x", "--store",
                                       loaded])  # fmt: skip
    assert unknown.exit_code == 66


def test_classify_vehicles_store_and_file(loaded: str, tmp_path: Path) -> None:
    result = run("classify-vehicles", "--store", loaded)
    assert result.exit_code == 0, result.output
    assert "3 vehicles" in result.output
    assert "广汽本田" in result.output
    path = write_csv(tmp_path / "v.csv", ("厂牌型号",), [["雅阁HG7240ABCVT"], ["不详"]])
    out = tmp_path / "v.out.csv"
    result = run("classify-vehicles", str(path), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "placeholder" in result.output
    assert [r["series"] for r in read_csv(out)] == ["雅阁", ""]
    assert CliRunner().invoke(cli, ["classify-vehicles", "--output", str(out)]).exit_code == 64


def test_stats(loaded: str, tmp_path: Path) -> None:
    result = run("stats", "--store", loaded)
    assert result.exit_code == 0, result.output
    assert "customers 客户" in result.output
    assert "core_system 核心系统" in result.output  # the channel's code and its Chinese name
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"levels": [{"level": "VIP", "min_policies": 2}],
                                 "default_level": "普通"}), encoding="utf-8")  # fmt: skip
    result = run("stats", "--rules", str(rules), "--store", loaded)
    assert "VIP" in result.output
    assert "普通" in result.output


def test_default_store_is_custmaster_db_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    core = write_csv(tmp_path / "core.csv", CORE_HEADER, CORE_ROWS[:1])
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("CUSTMASTER_STORE", raising=False)
    result = CliRunner().invoke(cli, ["import", str(core)])
    assert result.exit_code == 0, result.output
    assert (folder / "custmaster.db").exists()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_import_endorse_callbacks_and_expiring_on_each_durable_store(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from _workflow_fixtures import store_url

    url = store_url(kind, tmp_path, request)
    core = write_csv(tmp_path / "core.csv", CORE_HEADER, CORE_ROWS, encoding="gb18030")
    assert run("import", str(core), "--store", url).exit_code == 0
    endorse = write_csv(tmp_path / "e.csv", ("保单号", "批单号", "批改类型", "批改生效日期"),
                        [["PDZA2026001", "E1", "退保", "2026-06-01"]])  # fmt: skip
    assert run("endorse", str(endorse), "--store", url).exit_code == 0
    calls = write_csv(tmp_path / "c.csv", ("电话号码", "回访结果", "回访时间"),
                      [["13800138000", "空号", "2026-12-01 10:00"]])  # fmt: skip
    assert run("callbacks", str(calls), "--store", url).exit_code == 0
    out = tmp_path / "r.csv"
    result = run("expiring", "2027-01", "--output", str(out), "--store", url)
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert [r["保单号"] for r in rows] == ["PDAA2026001", "PDAA2026002"]
    assert rows[0]["联系电话1"] == "0592-*****56"
