"""Write ``tests/data/core-extract.xls``: a core-system extract as an Excel 97-2003 workbook,
and ``tests/data/core-extract-months.xls``: a branch office's workbook of a sheet per month.

The tests read these files with xlrd (``custmaster[excel]``); they are written once, with xlwt
(``pip install xlwt``, not a dependency of custmaster), because no maintained library writes
the old binary format any more. The extract holds what such exports hold: a title row above
the header, IDs as text, a phone number as a number, date cells, a blank row and a summary
row, and a second sheet. The months workbook opens with a 说明 sheet, hides 1月 (an old
month), has 2月 in another layout (columns reordered, one more) and ends with an empty sheet.

    python tools/make_xls_fixture.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlwt  # type: ignore[import-untyped]

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "core-extract.xls"
MONTHS_OUT = OUT.with_name("core-extract-months.xls")

HEADER = ("保单号", "险种", "被保险人", "身份证号", "移动电话", "起保日期", "终保日期", "车架号")
ROWS = (
    ("PDAA2026301", "商业险", "张伟", "11010519491231002X", 13800138000.0,
     dt.date(2026, 3, 1), dt.date(2027, 2, 28), "LSVAU218XN2183294"),
    ("PDZA2026302", "交强险", "李娜", "350203198505120020", "139-0013-9000",
     dt.date(2026, 3, 5), dt.date(2027, 3, 4), ""),
)  # fmt: skip


def main() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("客户清单")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(0, 0, "某某财产保险公司厦门分公司 车险客户清单")
    for column, header in enumerate(HEADER):
        sheet.write(1, column, header)
    for row, values in enumerate(ROWS, start=2):
        for column, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write(row, column, value, dates)
            else:
                sheet.write(row, column, value)
    # row 5 is left blank; row 6 is a summary row
    sheet.write(5, 0, "合计")
    sheet.write(5, 1, 2)
    other = book.add_sheet("续保")
    other.write(0, 0, "保单号")
    other.write(1, 0, "PDAA2026399")
    book.save(str(OUT))
    print(f"wrote {OUT}")
    months()


def months() -> None:
    """The workbook of months (see the module description)."""
    book = xlwt.Workbook(encoding="utf-8")
    notes = book.add_sheet("说明")
    notes.write(0, 0, "本工作簿为2026年车险清单，每月一表")
    notes.write(1, 0, "保单号")
    notes.write(1, 1, "核心系统保单号码")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    january = book.add_sheet("1月")
    january.visibility = 1  # hidden
    for column, header in enumerate(("保单号", "被保险人", "身份证号", "移动电话", "终保日期")):
        january.write(0, column, header)
    for row, values in enumerate((
        ("PDAA2026311", "周杰", "110105198001010024", 13200132000.0, dt.date(2027, 1, 10)),
        ("PDAA2026312", "孙丽", "350203199203150027", "13500135000", dt.date(2027, 1, 20)),
    ), start=1):  # fmt: skip
        for column, value in enumerate(values):
            january.write(row, column, value, *((dates,) if isinstance(value, dt.date) else ()))
    february = book.add_sheet("2月")
    for column, header in enumerate(("被保险人", "保单号", "手机", "身份证号", "车牌号")):
        february.write(0, column, header)
    for column, value in enumerate(("郑爽", "PDAA2026321", "13700137000", "440305197511220032",
                                    "闽D12345")):  # fmt: skip
        february.write(1, column, value)
    book.add_sheet("空白")
    book.save(str(MONTHS_OUT))
    print(f"wrote {MONTHS_OUT}")


if __name__ == "__main__":
    main()
