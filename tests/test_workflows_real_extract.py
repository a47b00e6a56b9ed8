"""A core-system extract as branch offices really send it, imported end to end.

Every row of this file is one that an earlier custmaster rejected, losing its customer: a
title above the header, a summary row below, a document-type column with a Taiwan resident's
permit and a company's credit code, a new car with no plate yet, a cover ending at 24:00, the
commercial product's post-2020 name, a role noted after a name, a parallel-imported car's VIN,
a cancelled policy written 批退, and phone cells holding no number. Nothing here may be
rejected, and each value must land where it belongs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from _workflow_helpers import ID_LI, ID_ZHANG, VIN_1, read_csv
from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract
from custmaster.workflows.renewals import renewal_rows

pytest_plugins = ["_workflow_fixtures"]

USCC = "91350200MA2Y12345E"
IMPORTED_VIN = "WDD2050401F123456"

HEADER = (
    "序号,保单号码,险种名称,被保险人,证件类型,证件号码,号牌号码,车辆识别代号,品牌型号,"
    "发动机号码,初次登记日期,保险起期,保险止期,手机号码,联系电话,通讯地址,保单状态,新续保标志"
)
ROWS = [
    # a Taiwan resident (台胞证), the commercial product under its post-2020 name
    f"1,PDAA2026350200000101,机动车综合商业保险,陈志明,台胞证,0123 4567,闽D·A1234,{VIN_1},"
    "本田牌HG7203ABCVT,K24Z71234567,2019-03-02 00:00:00,2026-03-01 00:00:00,"
    "2027-02-28 24:00:00,138 0013 8000,（空）,福建省厦门市思明区湖滨南路1号,有效,续保（本公司）",
    # a company, its credit code in the ID column; a new car insured before registration
    f"2,PDZA2026350200000102,交强险,厦门鹭江物流有限公司,统一社会信用代码,{USCC},新车未上牌,"
    f"{IMPORTED_VIN},奔驰牌C200L,000000,,2026年3月5日,2027年3月4日二十四时,,"
    "0592-6012345转801,同上,已生效,新车新保",
    # a role noted after the name; a policy cancelled (批退)
    f"3,PDAA2026350200000103,车损险,张伟（车主）,身份证,{ID_ZHANG.lower()},闽D12388,,,,,"
    "2026/3/10,2027/3/9,手机：,0592-5123456,地址不详,批退,新车新保",
    # a plain renewal, nothing unusual
    f"4,PDAA2026350200000104,商业险,李娜,居民身份证,{ID_LI},闽D·66666,,大众汽车牌SVW71810KJ,,"
    "2018-06-01,2026-03-20,2027-03-19,13900139000,,福建省厦门市湖里区嘉禾路9号,正常,续保",
    "合计,4,,,,,,,,,,,,,,,,",
]


def _extract(folder: Path) -> Path:
    path = folder / "车险清单.csv"
    lines = [
        "XX财产保险股份有限公司厦门分公司 车险客户清单",
        "导出日期：2026年3月31日",
        HEADER,
        *ROWS,
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    return path


def test_a_real_extract_is_imported_whole(service: Service, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    extract = _extract(tmp_path)
    summary = import_core_extract(service, extract, rejects=rejects)
    assert read_csv(rejects) == []
    assert (summary.header_row, summary.rows, summary.rejected, summary.partial) == (3, 4, 0, 0)
    assert summary.summary_rows == (8,)
    assert summary.new == 4

    chen = service.find(policy_no="PDAA2026350200000101")[0]
    assert chen.id_document is not None
    assert chen.id_document.key == ("taiwan_permit", "TWN", "01234567")
    assert [p.value for p in chen.contact_points if p.kind.is_phone] == ["+8613800138000"]
    policy = service.policy("PDAA2026350200000101")
    assert (policy.line.code, policy.cover_end) == ("commercial", dt.date(2027, 2, 28))
    assert policy.vehicle is not None
    assert policy.vehicle.first_registered == dt.date(2019, 3, 2)

    (company,) = service.find(uscc=USCC)
    assert company.kind.value == "organisation"
    assert company.address is None  # 同上: no address of its own
    truck = service.policy("PDZA2026350200000102")
    assert truck.vehicle is not None
    assert (truck.vehicle.plate, truck.vehicle.vin, truck.vehicle.engine_no) == (
        None,
        IMPORTED_VIN,
        None,
    )
    assert truck.cover_end == dt.date(2027, 3, 4)

    (zhang,) = service.find(resident_id=ID_ZHANG)
    assert zhang.name == "张伟"
    assert zhang.address is None  # 地址不详
    assert [p.value for p in zhang.contact_points if p.kind.is_phone] == ["+865925123456"]

    # the cancelled policy (批退) is no renewal; the other two ending in March are
    listed = {row.policy_no for row in renewal_rows(service, "2027-03")}
    assert listed == {"PDZA2026350200000102", "PDAA2026350200000104"}
    assert {row.policy_no for row in renewal_rows(service, "2027-02")} == {"PDAA2026350200000101"}

    again = import_core_extract(service, extract)  # the same file: nothing twice
    assert (again.new, again.merged, again.duplicates, again.rejected) == (0, 0, 4, 0)
