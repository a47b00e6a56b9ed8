"""``custmaster import --channel claim_report``: a garage's number reaches no renewal list."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from _workflow_helpers import ID_ZHANG, read_csv, write_csv
from custmaster.cli import cli
from custmaster.privacy.masking import scan_for_personal_data
from custmaster.service import Service


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_claim_import_keeps_a_garage_s_number_off_the_renewal_list(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/cli.db"
    core = write_csv(
        tmp_path / "core.csv",
        ("保单号", "险种", "被保险人", "身份证号", "车牌号", "起保日期", "终保日期", "签单日期",
         "移动电话"),
        [["PDAA2026001", "商业险", "张伟", ID_ZHANG, "闽D12388", "2026-01-05", "2027-01-04",
          "2026-01-02", "13800138000"]],
        encoding="gb18030",
    )  # fmt: skip
    assert run("import", str(core), "--store", store).exit_code == 0
    claims = write_csv(
        tmp_path / "报案.csv",
        ("报案号", "报案时间", "车牌号", "报案人", "报案人与被保险人关系", "报案人电话"),
        [["RP1", "2026-12-01 09:30", "闽D·12388", "鑫达汽修厂", "修理厂", "0592-5123456"],
         ["RP2", "2026-12-02 09:30", "闽D·12388", "张伟", "本人", "13900139000"]],
        encoding="gb18030",
    )  # fmt: skip
    result = run("import", str(claims), "--channel", "claim_report", "--store", store)
    assert result.exit_code == 0, result.output
    assert "报案.csv → claim_report: 2 rows read" in result.output
    assert "merged 合并 2" in result.output
    assert not scan_for_personal_data(result.output, ["张伟"]), result.output
    out = tmp_path / "renewals.csv"
    listed = run("expiring", "2027-01", "--output", str(out), "--reveal", "--user", "zhao",
                 "--role", "administrator", "--store", store)  # fmt: skip
    assert listed.exit_code == 0, listed.output
    (row,) = read_csv(out)
    assert (row["联系电话1"], row["联系电话2"], row["联系电话3"]) == (
        "13900139000",
        "13800138000",
        "",
    )
    with Service.open(store) as service:
        (zhang,) = service.find(resident_id=ID_ZHANG)
        assert zhang.contact_point("home", "0592-5123456") is None
        garage = next(r for r in service.observations(zhang.id) if r.provenance.source_ref == "RP1")
        assert garage.extra["reporter_phone"] == "+865925123456"
        assert garage.extra["reporter_third_party"] == "organisation"
