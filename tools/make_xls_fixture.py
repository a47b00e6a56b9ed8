"""Write ``tests/data/core-extract.xls``: a core-system extract as an Excel 97-2003 workbook.

The tests read this file with xlrd (``custmaster[excel]``); it is written once, with xlwt
(``pip install xlwt``, not a dependency of custmaster), because no maintained library writes
the old binary format any more. It holds what such exports hold: a title row above the
header, IDs as text, a phone number as a number, date cells, a blank row and a summary row,
and a second sheet.

    python tools/make_xls_fixture.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlwt  # type: ignore[import-untyped]

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "core-extract.xls"

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


if __name__ == "__main__":
    main()
