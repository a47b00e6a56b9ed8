"""Reading tables as real files are: CSV in UTF-8, UTF-8 with BOM or GB18030/GBK, and XLSX.

`open_table` opens a file, finds its header row and yields each data row as
``(row_number, {header: value})``, streaming, in bounded memory, whatever the file's size.

- **CSV**: the encoding is given or detected: a byte-order mark first (UTF-8, UTF-16), then
  strict UTF-8 on the first megabyte, else GB18030 (a superset of GBK and GB2312, which is what
  Chinese Excel and core systems write; ``gbk``, ``gb2312`` and ``cp936`` are read as GB18030).
  The delimiter (``,``, tab, ``;`` or ``|``) is detected from the first lines unless given.
- **XLSX** (and XLSM): read through openpyxl in read-only streaming mode, cached formula values:
  given a ``header_score``, every data sheet of the workbook (below); else the sheet ``sheet``
  names, or each of a sequence of names, in that order; else the first sheet. openpyxl is the
  optional extra ``custmaster[excel]``; without it a `custmaster.UsageError` says what to
  install. Cells keep their types (numbers, `datetime.datetime`, text). A merged range
  spanning rows gives its value to each of its rows (in its first column), as Excel shows it.
- **XLS**, the binary workbook of Excel 97-2003 that older core systems still export: read
  through xlrd (also in ``custmaster[excel]``), the sheets chosen as for XLSX, each released
  once read; date cells become `datetime.datetime`, numbers `float`, as Excel holds them.
- **HTML tables saved as .xls**: many web systems export "Excel" files that are an HTML page
  holding a ``<table>``; its first table is read, cell texts as the page shows them.

The row number is the one a spreadsheet shows: the header is row 1 when it is the first row,
and blank rows are skipped but counted. Title lines above the header are skipped when a
``header_score`` function is given (the row that maps most columns wins), or ``header_row``
names the header's row. Blank headers become ``column_<n>``; a repeated header gets
`` (2)``, `` (3)`` … so no column is lost. Summary rows — a first cell of ``合计``, ``总计`` or
``小计`` (``合计：12笔``, or after the name of the group it sums: ``思明支公司小计``) and nothing
but numbers after it (``3030``, ``￥3,030.00``, ``共3笔``) — are no data: they are skipped and
their row numbers kept in `Table.summary_rows`. Rows that repeat the header (extracts
exported in parts and joined end to end), a title line standing alone just above such a
repeated header (``XX分公司续保清单 2026年12月``) and footer lines whose every cell is a label
such as ``制表人：``, ``打印时间：``, ``审核：``, a note (``注：…``) or a page number (``第 1 页``,
``共 3 页``), a label alone in its cell beside its value (``制表人：`` | ``王芳``), and a line of
units or formats just under a header (``(元)``, ``单位：元``, ``yyyy-mm-dd``) are no data
either: they are skipped and their row numbers kept in `Table.skipped_rows`.

A **two-row header** whose group line names the holder or the vehicle owner
(``投保人信息`` merged over ``姓名 | 证件号码 | 联系电话``, ``被保险人信息`` over the same bare
headers) gives each bare header below a group its party's name (``投保人姓名``,
``被保险人证件号码``), so that each party's columns are read as theirs
(`custmaster.workflows.headers`). A group line naming only the insured's and other groups
(保单信息, 车辆信息) changes nothing. A header whose **second row** names the columns of a group
(``联系方式`` merged over ``手机 | 固定电话``, the other headers merged down over both rows, or
left blank below them in a CSV file Excel saved) ends on that row: each of its texts takes the
place of the header above it, and the header row is the second one.

A later header of **another layout** (parts joined end to end whose columns differ: reordered,
spelt otherwise, one more or less) switches the table's headers from that line on: a row of
short texts without a run of five digits, more than half of whose cells are headers of the
current layout or recognised by ``header_score`` (at least two). It is skipped too, its title
line with it, and listed in `Table.layouts`; `Table.headers` is the current layout's. When the
first rows hold such headers, the first header wins over a better-scoring later one.

**Workbooks of several sheets** (one per month, branch or product line, often beside a 说明,
封面 or 汇总 sheet). Given a ``header_score`` and no ``sheet``, each sheet's header is scored
as one sheet's is (the best of its first 20 non-blank rows, or the row ``header_row``). The
**main sheet** is the one read alone before every sheet was read: the best-scoring, the first
of equal ones (the first sheet given ``header_row``); `Table.main_sheet` names it, and the
imports keep its rows' source references as they were. Every other sheet is a data sheet when
its header scores at least 2 and at least half the main sheet's score: a month with a column
more or less is read, a cover, notes or pivot sheet (whose best line maps a column or two) is
not. A **list of one column** under a header the import knows (a 补录 sheet of 保单号, a sheet
of 手机号码) is a data sheet too: its one cell is alone on its line, rows follow it and none of
its first lines is another known header (a notes sheet naming the fields one a line). Hidden
sheets are judged alike, since workbooks hide old months whose rows are data, and marked
(`Sheet.hidden`). A sheet whose name says it **sums the others** (汇总, 合计, 总计, 总表, 全部,
合并, 总清单, 全年) is read after them, whatever its place, and its rows that say what a row of
theirs said are skipped and listed in its `Sheet.skipped_rows`: a branch's 汇总 repeats its
months, renumbered, and is imported once. A row says what another said when it has the same
cells under the other's headers, in any column order, whatever their 序号, and nothing in a
further column that ``header_score`` knows (a 月份 or 机构 column the 汇总 adds is not
compared, and its cells are not read for the rows skipped; a further 车牌号 is). Its other
rows (a late policy, a corrected number) are read. The digests of the other sheets' rows (16
bytes a row) are kept only when such a sheet is to come. Data sheets are read in workbook
order (sheets summing the others last), one after the other, each by its own header (its
columns reordered, one more or less), each row numbered as its sheet shows it; `Table.sheet`,
`Table.headers` and `Table.header_row` follow the sheet being read, and a sheet's headers are
always a new tuple (``table.headers is not before`` tells a new sheet or layout).
`Table.sheets` keeps each sheet's header and skipped lines; the sheets not read are in
`Table.skipped_sheets` with the reason (`SKIP_REASONS`).

A byte sequence of a CSV file that is no character in its encoding (a character cut in half by
a system that exports a column by bytes) is read as U+FFFD, so that one damaged row does not
stop a file: the imports and ``custmaster validate`` reject a cell holding it
(``cell.encoding``). The encoding is still detected when at most one in 10,000 bytes of the
sample (and two in any sample) is so damaged; a header row holding one raises ``file.encoding``,
and so does text that is not UTF-8 after a first megabyte of ASCII alone (the guess was wrong).

A file that cannot be read as a table raises `TableFormatError` (a `custmaster.InvalidFormat`,
exit code 65 in the CLI) with a stable code.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "客户.csv"
>>> _ = path.write_bytes("保单号,被保险人\\nP1,张伟\\n\\nP2,李娜\\n".encode("gb18030"))
>>> with open_table(path) as table:
...     print(table.encoding, table.headers)
...     for row_number, row in table:
...         print(row_number, row["保单号"])
gb18030 ('保单号', '被保险人')
2 P1
4 P2
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import html.parser
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

import attrs

from custmaster.errors import InvalidFormat, UsageError

__all__ = [
    "ERROR_CODES",
    "SAMPLE_SIZE",
    "SKIP_REASONS",
    "Row",
    "Sheet",
    "SheetSummary",
    "Table",
    "TableFormatError",
    "detect_encoding",
    "is_summary_row",
    "open_table",
    "read_rows",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "file.encoding": "The file is not text in the given or detected encoding.",
    "file.encoding_name": "The encoding asked for is not one Python knows.",
    "file.empty": "The file has no header row (it is empty or blank).",
    "file.csv": "The CSV structure is broken (for example a field longer than the limit).",
    "file.xlsx": "The file looks like an XLSX workbook but cannot be read as one.",
    "file.xls": "The file looks like an old binary Excel workbook (.xls) but cannot be read.",
    "file.html": "The file is an HTML page (an 'Excel' export of a web system) without a table.",
    "file.sheet": "The workbook has no sheet of the name asked for.",
    "file.excel_extra": "Reading XLSX or XLS needs openpyxl or xlrd: install custmaster[excel].",
    "file.header_row": "The header row asked for lies beyond the end of the file.",
}

#: Why a sheet of a workbook was not read (`Table.skipped_sheets`), by reason.
SKIP_REASONS: dict[str, str] = {
    "empty": "The sheet holds no non-blank row (or nothing on the header row asked for).",
    "few_columns": (
        "Its header maps fewer columns than a data sheet's (at least 2, and half the main "
        "sheet's): a cover, notes or pivot sheet (说明, 封面, 汇总)."
    ),
    "chart": "A chart sheet: it holds no cells.",
    "not_judged": "Without a header_score only the first sheet is read: the others are not judged.",
}

#: The score a header needs for its sheet to be read beside the main sheet (and half the
#: main sheet's): one known column is a notes or pivot sheet's line as often as a table's.
_SHEET_MIN_SCORE = 2

#: A sheet whose name says it sums the workbook's other sheets: its rows repeat theirs.
_UNION_NAME = re.compile(r"汇总|合计|总计|总表|全部|合并|总清单|全年")
#: Headers of a row's number in its sheet (序号): a sheet summing others renumbers its rows.
_ROW_NUMBER_HEADER = re.compile(r"序号|行号|顺序号|编号|no\.?|#|column_\d+", re.IGNORECASE)

#: How many bytes of a CSV file are examined to detect its encoding and delimiter.
SAMPLE_SIZE = 1 << 20

#: Rows examined to find the header row when a ``header_score`` is given.
_HEADER_SEARCH_ROWS = 20

#: A data row: header → cell value (text for CSV; text, numbers or datetimes for XLSX).
Row = dict[str, Any]

_GB_FAMILY = frozenset({"gbk", "gb2312", "cp936", "gb18030", "euc_cn", "hz"})
_DELIMITERS = (",", "\t", ";", "|")
_ZIP_MAGIC = b"PK\x03\x04"
#: The first cell of a summary row: 合计, 总计 or 小计, maybe a count (``合计：12笔``), maybe
#: after the name of the group it sums (``思明支公司小计``, ``张三 合计``).
_SUMMARY_LABEL = re.compile(
    r"(?:[\u4e00-\u9fffA-Za-z（）()·]{1,20}?[-—_:：]?)?"
    r"(?:合计|总计|小计|共计)[:：]?(?:共?[\d,.]+[条笔件行人户单辆]?)?"
)
#: The other cells of a summary row: numbers (totals, counts), as text or as numbers, an
#: amount with its currency (``￥3,030.00``, ``3030元``).
_SUMMARY_NUMBER = re.compile(r"[￥¥$]?[-+]?[\d,]*\.?\d+(?:%|万?元)?|共?[\d,]+[条笔件行人户单辆]")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: What a byte sequence that is no character in the file's encoding is read as (U+FFFD).
_REPLACED = "\ufffd"
#: A sample with at most one such sequence per this many bytes is still of its encoding.
_BYTES_PER_BAD_CHARACTER = 10_000
#: A footer line's cell under a table: who made it, checked it, when it was printed.
#: A web system's count of the records under its rows (``共 3 条记录``, ``记录数：3``) is one too.
#: A note under the rows (``注：以上数据截至…``, ``说明：…``) is one too.
_FOOTER_LABEL = re.compile(
    r"\s*(?:(?:制表|打印|导出|审核|复核|填报|编制|经办|查询|统计|报表|负责|审批)"
    r"(?:人|员|时间|日期|单位|机构|部门|条件)?\s*[:：]|[第共]\s*\d+\s*页"
    r"|共\s*[\d,]+\s*[条笔行项](?:记录|数据)?|总?记录(?:总?数)?\s*[:：]|总条数\s*[:：]"
    r"|(?:注|备注|附注|说明|填表说明)\s*\d?\s*[:：])"
)
#: The first characters of `_FOOTER_LABEL`, and leading space (a cheap test before it).
_FOOTER_FIRST = frozenset("制打导审复填编经查统报负第共总记注备附说 \u3000")
#: A footer label standing alone in its cell, its value in the next cell (``制表人：`` | 王芳).
_FOOTER_LABEL_ONLY = re.compile(r"[^:：]{1,8}[:：]\s*")
#: The value beside a footer label in a cell of its own: a name or a date, short.
_FOOTER_VALUE_MAX = 20
#: A cell of the line of units or formats under a header (``(元)``, ``单位：元``,
#: ``yyyy-mm-dd``, ``年-月-日``, ``必填``).
_UNIT_CELL = re.compile(
    r"[(（\[【]?(?:单位[:：]?)?"
    r"(?:人民币)?(?:万元|元|rmb|cny|%|‰|辆|座|吨|千克|kg|公斤|公里|km|千瓦|kw|升|天|岁"
    r"|y{2,4}[-/.年]?m{1,2}[-/.月]?d{1,2}日?(?:h{1,2}:?m{1,2}(?::?s{1,2})?)?"
    r"|年[-/.]?月[-/.]?日|必填|选填|非必填|可选|文本|数字|数值|日期|格式[:：].{1,20})"
    r"[)）\]】]?",
    re.IGNORECASE,
)


class TableFormatError(InvalidFormat):
    """The file cannot be read as a table: wrong encoding, broken CSV or workbook, no header."""

    code = "file.format"
    message_en = "The file cannot be read as a table."
    message_zh = "无法将文件读取为表格。"


def _encoding_error(detail: str, name: str | None = None) -> TableFormatError:
    where = f"{name}: " if name else ""
    return TableFormatError(
        f"{where}{detail} Pass the right encoding (for example --encoding gb18030).",
        code="file.encoding",
        message_zh=f"{where}文件编码无法识别，请指定编码（例如 --encoding gb18030）。",
    )


def detect_encoding(sample: bytes, *, complete: bool = False) -> str:
    """The encoding of a CSV file from its first bytes: BOM, then strict UTF-8, else GB18030.

    ``complete`` says that ``sample`` is the whole file (so a multi-byte character cut at its
    end is an error, not a sample boundary). Raises `TableFormatError` (``file.encoding``) for
    bytes that are neither.

    >>> detect_encoding("保单号".encode("utf-8-sig"))
    'utf-8-sig'
    >>> detect_encoding("保单号".encode("utf-8")), detect_encoding("保单号".encode("gbk"))
    ('utf-8', 'gb18030')
    >>> detect_encoding(b"\\xff\\xfe" + "ab".encode("utf-16-le"))
    'utf-16'
    """
    return _detect(sample, complete, None)


def _detect(sample: bytes, complete: bool, name: str | None, *, tolerant: bool = False) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise _encoding_error("The file holds NUL bytes: it is not a text table.", name)
    for encoding in ("utf-8", "gb18030"):
        if _decodes(sample, encoding, complete):
            return encoding
    if tolerant:
        # A few characters cut in half (a system exporting a column by bytes) do not make a
        # file another encoding's: its rows holding them are rejected (`cell.encoding`).
        tolerated = 2 + len(sample) // _BYTES_PER_BAD_CHARACTER
        for encoding in ("utf-8", "gb18030"):
            if _bad_characters(sample, encoding, complete) <= tolerated:
                return encoding
    raise _encoding_error("The file is neither UTF-8 nor GB18030 text.", name)


def _decodes(sample: bytes, encoding: str, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    step = 1 << 16  # decode in slices: the text of a whole sample is never held at once
    try:
        for start in range(0, len(sample), step):
            decoder.decode(sample[start : start + step], final=False)
        decoder.decode(b"", final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _bad_characters(sample: bytes, encoding: str, complete: bool) -> int:
    """How many byte sequences of ``sample`` are no character in ``encoding``."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    step = 1 << 16
    bad = 0
    for start in range(0, len(sample), step):
        bad += decoder.decode(sample[start : start + step], final=False).count(_REPLACED)
    return bad + decoder.decode(b"", final=complete).count(_REPLACED)


def _normalise_encoding(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise UsageError(
            f"Unknown encoding {encoding!r} (try utf-8, utf-8-sig or gb18030).",
            code="file.encoding_name",
            message_zh=f"未知编码 {encoding!r}（可用 utf-8、utf-8-sig、gb18030）。",
        ) from None
    if name in _GB_FAMILY:
        return "gb18030"
    if name == "utf-8":
        return "utf-8-sig"  # also reads files without a BOM; never leaves one in a header
    return name


def _detect_delimiter(text: str) -> str:
    best, best_count = ",", 0
    for line in text.splitlines()[:10]:
        for delimiter in _DELIMITERS:
            count = line.count(delimiter)
            if count > best_count:
                best, best_count = delimiter, count
    return best


def _is_blank(cells: Sequence[object]) -> bool:
    for cell in cells:
        if cell is None:
            continue
        if isinstance(cell, str):
            if cell and not cell.isspace():
                return False
        else:
            return False
    return True


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_summary_row(cells: Sequence[object]) -> bool:
    """Whether a row is a table's summary (合计, 总计, 小计), not data: its first non-blank
    cell is such a label (``合计``, ``总 计：``, ``合计：12笔``, ``思明支公司小计``) and every
    other cell is blank or a number.

    >>> is_summary_row(["合计", None, "", 12, "3,456.00"]), is_summary_row(["", "总计：12笔"])
    (True, True)
    >>> is_summary_row(["", "思明支公司小计", "2笔", 2150]), is_summary_row(["张伟小计", "张伟"])
    (True, False)
    >>> is_summary_row(["合计", "张伟"]), is_summary_row(["PDAA2026001", "合计"])
    (False, False)
    """
    label = False
    for cell in cells:
        if cell is None:
            continue
        if isinstance(cell, str):
            if not label and "计" not in cell:  # the common case: a data row
                if cell and not cell.isspace():
                    return False
                continue
            text = _compact(cell)
            if not text:
                continue
            if not label:
                if not _SUMMARY_LABEL.fullmatch(text):
                    return False
                label = True
            elif not _SUMMARY_NUMBER.fullmatch(text):
                return False
        elif not label or isinstance(cell, bool) or not isinstance(cell, (int, float)):
            return False
    return label


def _is_footer(cells: Sequence[object]) -> bool:
    """Whether every non-blank cell of a row is a footer label (``制表人：张三``, ``打印：…``,
    ``注：…``), or the value beside a label alone in its cell (``制表人：`` | ``王芳``).

    >>> _is_footer(["制表人：", "王芳", None, "审核人：", "李明"]), _is_footer(["注：仅供内部使用"])
    (True, True)
    >>> _is_footer(["制表人：", "王芳", "13800138000"]), _is_footer(["张伟", "制表人：王芳"])
    (False, False)
    """
    found = False
    value_may_follow = False
    for cell in cells:
        if cell is None or (isinstance(cell, str) and (not cell or cell.isspace())):
            continue
        if value_may_follow:
            value_may_follow = False
            if isinstance(cell, dt.date) or (
                isinstance(cell, str)
                and len(cell.strip()) <= _FOOTER_VALUE_MAX
                and not _DIGIT_RUN.search(cell)
            ):
                continue
            if isinstance(cell, str) and cell.lstrip()[:1] not in _FOOTER_FIRST:
                return False
        if not isinstance(cell, str) or cell.lstrip()[:1] not in _FOOTER_FIRST:
            return False
        if not _FOOTER_LABEL.match(cell):
            return False
        found = True
        value_may_follow = _FOOTER_LABEL_ONLY.fullmatch(cell.strip()) is not None
    return found


def _is_units_line(cells: Sequence[object]) -> bool:
    """Whether a row under the header notes the columns' units or formats (``(元)``,
    ``单位：元``, ``yyyy-mm-dd``, ``年-月-日``, ``必填``) and holds nothing else.

    >>> _is_units_line(["", None, "(yyyy-mm-dd)", "（元）", "单位：元"]), _is_units_line(["元"])
    (True, True)
    >>> _is_units_line(["张伟", "(元)"]), _is_units_line(["", ""])
    (False, False)
    """
    found = False
    for cell in cells:
        if cell is None or (isinstance(cell, str) and (not cell or cell.isspace())):
            continue
        if not isinstance(cell, str) or not _UNIT_CELL.fullmatch(_compact(cell)):
            return False
        found = True
    return found


def _is_lone(cells: Sequence[object]) -> bool:
    """Whether only the first cell of a row holds something (a title line, merged across;
    a workbook's row may have that one cell only)."""
    if not cells or cells[0] is None or (isinstance(cells[0], str) and not cells[0].strip()):
        return False
    for i in range(1, len(cells)):
        cell = cells[i]
        if cell is not None and not (isinstance(cell, str) and (not cell or cell.isspace())):
            return False
    return True


def _header_texts(cells: Sequence[object]) -> tuple[str, ...]:
    headers: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells, start=1):
        text = "" if cell is None else str(cell).replace("\ufeff", "").strip()
        if not text:
            text = f"column_{i}"
        count = seen.get(text, 0) + 1
        seen[text] = count
        headers.append(text if count == 1 else f"{text} ({count})")
    return tuple(headers)


#: A run of five digits: a cell holding one is data (a policy number, an ID, a phone, a
#: date), never a header.
_DIGIT_RUN = re.compile(r"\d{5}")


def _may_be_header(cells: Sequence[object]) -> bool:
    """A cheap test of whether a row may be a header line (`Table._layout` decides): at least
    two cells, each blank or a short text without a run of five digits."""
    first = cells[0] if cells else None
    if type(first) is str and first[-5:].isdigit():  # a policy number, an ID: data
        return False
    given = 0
    for cell in cells:
        if cell is None or cell == "":
            continue
        if type(cell) is not str or len(cell) > 40 or _DIGIT_RUN.search(cell):
            return False
        given += 1
    return given >= 2


def _trimmed(headers: tuple[str, ...]) -> tuple[str, ...]:
    """Headers without the blank ones on the right (a sheet's width beyond the table)."""
    end = len(headers)
    while end and headers[end - 1] == f"column_{end}":
        end -= 1
    return headers[:end]


def _first_header(headers: tuple[str, ...]) -> tuple[int, str]:
    """The column of the first header a file named, and its text."""
    return next(
        ((i, h) for i, h in enumerate(headers) if h != f"column_{i + 1}"), (len(headers), "")
    )


@attrs.frozen
class SheetSummary:
    """What was read of one sheet of a workbook: its header row, its data rows, the lines
    skipped (`custmaster.workflows.core_import.ImportSummary.sheets`,
    `custmaster.workflows.validation.ValidationSummary.sheets`)."""

    name: str
    header_row: int
    #: Data rows read (blank and skipped lines are not counted).
    rows: int
    #: Whether the workbook hides the sheet (read all the same: see the module description).
    hidden: bool = False
    #: Row numbers of the summary rows (合计, 总计, 小计) skipped.
    summary_rows: tuple[int, ...] = ()
    #: Row numbers of the other lines skipped as no data (`Table.skipped_rows`).
    skipped_rows: tuple[int, ...] = ()
    #: Row numbers of the header lines of another layout (`Table.layouts`).
    layouts: tuple[int, ...] = ()


class Sheet:
    """One sheet of a workbook as a `Table` reads it: its name, its header and the lines it
    skipped so far (`Table.sheets`)."""

    __slots__ = (
        "header_row",
        "headers",
        "hidden",
        "layouts",
        "name",
        "skipped_rows",
        "summary_rows",
    )

    def __init__(self, name: str, header_row: int, headers: tuple[str, ...], hidden: bool) -> None:
        #: The sheet's name.
        self.name = name
        #: The row number of its header row.
        self.header_row = header_row
        #: Its header (the first layout's).
        self.headers = headers
        #: Whether the workbook hides it.
        self.hidden = hidden
        #: As `Table.summary_rows`, `Table.skipped_rows` and `Table.layouts`, for this sheet.
        self.summary_rows: list[int] = []
        self.skipped_rows: list[int] = []
        self.layouts: list[tuple[int, tuple[str, ...]]] = []

    def summary(self, rows: int) -> SheetSummary:
        """What was read of the sheet, given how many data rows were (counted by the reader)."""
        return SheetSummary(
            name=self.name,
            header_row=self.header_row,
            rows=rows,
            hidden=self.hidden,
            summary_rows=tuple(self.summary_rows),
            skipped_rows=tuple(self.skipped_rows),
            layouts=tuple(number for number, _ in self.layouts),
        )

    def __repr__(self) -> str:
        return f"Sheet(name={self.name!r}, header_row={self.header_row}, hidden={self.hidden})"


def _said(row: Row) -> dict[str, str]:
    """What a row says: its non-blank cells by header (compacted), without its number in its
    sheet (序号) and the cells beyond the header."""
    said: dict[str, str] = {}
    for header, value in row.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        key = _compact(header)
        if not _ROW_NUMBER_HEADER.fullmatch(key):
            said[key] = _compact(str(value))
    return said


def _digest(items: dict[str, str], within: frozenset[str] | None = None) -> bytes:
    """A digest of a row's cells (those of the headers ``within``), whatever their order."""
    kept = sorted(
        items.items() if within is None else ((h, v) for h, v in items.items() if h in within)
    )
    return hashlib.blake2b(repr(kept).encode(), digest_size=16).digest()


class _SheetStart(NamedTuple):
    """A sheet of a workbook opened at its header, its data rows to come."""

    name: str
    hidden: bool
    header_row: int
    headers: tuple[str, ...]
    rows: Iterator[tuple[int, list[Any]]]


class Table:
    """An open table: its headers, how it was read, and its data rows when iterated.

    Use it as a context manager (or call `close`); iterate it once for
    ``(row_number, row)`` pairs. ``progress()`` tells how far the iteration has got.
    """

    __slots__ = (
        "_close",
        "_following",
        "_header_score",
        "_known_headers",
        "_layouts_seen",
        "_position",
        "_rows",
        "_seen",
        "_unions",
        "delimiter",
        "encoding",
        "header_row",
        "headers",
        "kind",
        "layouts",
        "main_sheet",
        "path",
        "sheet",
        "sheet_names",
        "sheets",
        "skipped_rows",
        "skipped_sheets",
        "summary_rows",
    )

    def __init__(
        self,
        *,
        path: Path,
        kind: str,
        headers: tuple[str, ...],
        header_row: int,
        rows: Iterator[tuple[int, list[Any]]],
        close: Callable[[], None],
        position: Callable[[], float | None],
        encoding: str | None = None,
        delimiter: str | None = None,
        sheet: str | None = None,
        header_score: Callable[[tuple[str, ...]], int] | None = None,
        hidden: bool = False,
        following: Iterator[_SheetStart] | None = None,
        sheet_names: tuple[str, ...] = (),
        skipped_sheets: tuple[tuple[str, str], ...] = (),
        main_sheet: str | None = None,
        unions: frozenset[str] = frozenset(),
    ) -> None:
        #: The file read.
        self.path = path
        #: ``"csv"``, ``"xlsx"``, ``"xls"`` or ``"html"``.
        self.kind = kind
        #: The column headers, made unique (see the module description).
        self.headers = headers
        #: The row number of the header row (of the sheet being read).
        self.header_row = header_row
        #: The text encoding used (CSV only).
        self.encoding = encoding
        #: The field delimiter used (CSV only).
        self.delimiter = delimiter
        #: The sheet being read (XLSX and XLS only): the first to read until rows of the next
        #: one come.
        self.sheet = sheet
        #: The names of the sheets the table reads, in order (XLSX and XLS only).
        self.sheet_names = sheet_names
        #: ``(name, reason)`` of each sheet of the workbook not read, in workbook order
        #: (`SKIP_REASONS`; sheets left out by naming others are not listed).
        self.skipped_sheets = skipped_sheets
        #: The sheet read alone before every data sheet was read (see the module description).
        self.main_sheet = main_sheet
        #: Row numbers of the summary rows (合计, 总计, 小计) skipped so far (in the sheet being
        #: read: `sheets` holds each sheet's).
        self.summary_rows: list[int] = []
        #: Row numbers of the other rows skipped so far as no data: the header again (files
        #: exported in parts and joined), the title line just above it, footer lines
        #: (``制表人：…``, ``打印时间：…``).
        self.skipped_rows: list[int] = []
        #: ``(row number, headers)`` of each header line of another layout met so far (an
        #: export joined from parts whose columns differ): ``headers`` holds the current one.
        self.layouts: list[tuple[int, tuple[str, ...]]] = []
        #: Each sheet begun so far (XLSX and XLS only), with its header and skipped lines.
        self.sheets: list[Sheet] = []
        if sheet is not None:
            first = Sheet(sheet, header_row, headers, hidden)
            first.summary_rows, first.skipped_rows, first.layouts = (
                self.summary_rows,
                self.skipped_rows,
                self.layouts,
            )
            self.sheets.append(first)
        self._header_score = header_score
        self._rows = rows
        self._following = following
        #: The sheets summing the others (汇总, 总表), and the rows the others gave.
        self._unions = unions
        self._seen: dict[frozenset[str], set[bytes]] = {}
        self._layouts_seen: dict[tuple[str, ...], frozenset[str]] = {}
        self._known_headers: dict[str, bool] = {}
        self._close = close
        self._position = position

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        if self._following is None:  # one sheet (or a CSV or HTML table): its rows directly
            return self._sheet_rows(self._rows)
        return self._every_sheet(self._following)

    def _every_sheet(self, following: Iterator[_SheetStart]) -> Iterator[tuple[int, Row]]:
        """The data rows of each sheet to read, one sheet after the other."""
        if not self._unions:
            yield from self._sheet_rows(self._rows)
            for start in following:
                yield from self._sheet_rows(self._begin(start))
            return
        yield from self._remembered(self._sheet_rows(self._rows))
        for start in following:
            rows = self._sheet_rows(self._begin(start))
            if start.name not in self._unions:
                yield from self._remembered(rows)
                continue
            for number, row in rows:  # a 汇总 sheet: the rows the others gave are skipped
                if self._repeats(row):
                    self.skipped_rows.append(number)
                else:
                    yield number, row

    def _remembered(self, rows: Iterator[tuple[int, Row]]) -> Iterator[tuple[int, Row]]:
        """``rows``, each one's digest kept under the headers it was read by."""
        for number, row in rows:
            headers = self._columns(self.headers)
            self._seen.setdefault(headers, set()).add(_digest(_said(row)))
            yield number, row

    def _columns(self, headers: tuple[str, ...]) -> frozenset[str]:
        """The headers of a sheet or layout as rows are compared by them (compacted, no 序号)."""
        found = self._layouts_seen.get(headers)
        if found is None:
            found = frozenset(
                key for h in headers if not _ROW_NUMBER_HEADER.fullmatch(key := _compact(h))
            )
            self._layouts_seen[headers] = found
        return found

    def _repeats(self, row: Row) -> bool:
        """Whether a row of a 汇总 sheet says what a row of another sheet said: the same cells
        under that sheet's headers, and nothing more in a column the import reads (a 月份 or
        机构 column is no more)."""
        said = _said(row)
        for headers, digests in self._seen.items():
            if any(h not in headers and self._known(h) for h in said):
                continue
            if _digest(said, headers) in digests:
                return True
        return False

    def _known(self, header: str) -> bool:
        """Whether the import reads a column of this header (any, without a ``header_score``)."""
        known = self._known_headers.get(header)
        if known is None:
            score = self._header_score
            known = self._known_headers[header] = score is None or score((header,)) > 0
        return known

    def _begin(self, start: _SheetStart) -> Iterator[tuple[int, list[Any]]]:
        """Go on to the next sheet: its name, header and lists of skipped lines."""
        sheet = Sheet(start.name, start.header_row, start.headers, start.hidden)
        self.sheets.append(sheet)
        self.sheet, self.header_row, self.headers = start.name, start.header_row, start.headers
        self.summary_rows, self.skipped_rows = sheet.summary_rows, sheet.skipped_rows
        self.layouts = sheet.layouts
        return start.rows

    def _sheet_rows(self, rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, Row]]:
        """The data rows of one sheet (of the file, for a CSV or HTML table)."""
        headers = self.headers
        width = len(headers)
        summaries = self.summary_rows
        skipped = self.skipped_rows
        is_header = self._header_test()
        # The column whose text starts a repeated header (a cheap test before `is_header`).
        at, text = _first_header(headers)
        wide = width > 2  # a lone first cell is a title line only in a wider table
        held: tuple[int, list[Any]] | None = None  # a title line, until the next row says
        under_header = True  # the next row is the first under a header: a units line?
        for number, cells in rows:
            if under_header:
                under_header = False
                if _is_units_line(cells):
                    skipped.append(number)
                    continue
            layout = self._layout(cells) if _may_be_header(cells) else None
            if layout is not None:  # the header of another layout: read on by it
                if held is not None:  # with its title line
                    skipped.append(held[0])
                    held = None
                skipped.append(number)
                self.layouts.append((number, layout))
                self.headers = headers = layout
                width = len(headers)
                is_header = self._header_test()
                at, text = _first_header(headers)
                wide = width > 2
                under_header = True
                continue
            if held is not None:
                if is_header(cells):  # a title line, then the header again: no data
                    skipped.extend((held[0], number))
                    held = None
                    continue
                yield self._row(*held)
                held = None
            if is_summary_row(cells):
                summaries.append(number)
                continue
            size = len(cells)
            first = cells[0] if size else None
            if type(first) is str and first[:1] in _FOOTER_FIRST and _is_footer(cells):
                skipped.append(number)
                continue
            if size > at:
                cell = cells[at]
                if type(cell) is str and text in cell and is_header(cells):
                    skipped.append(number)
                    continue
            if wide and (size < 2 or cells[1] is None or cells[1] == "") and _is_lone(cells):
                held = (number, cells)
                continue
            row: Row = dict(zip(headers, cells, strict=False))
            if size > width:
                for i in range(width, size):
                    extra = cells[i]
                    if extra is not None and extra != "":
                        row[f"column_{i + 1}"] = extra
            yield number, row
        if held is not None:
            yield self._row(*held)

    def _row(self, number: int, cells: list[Any]) -> tuple[int, Row]:
        headers = self.headers
        width = len(headers)
        row: Row = dict(zip(headers, cells, strict=False))
        if len(cells) > width:
            for i in range(width, len(cells)):
                cell = cells[i]
                if cell is not None and cell != "":
                    row[f"column_{i + 1}"] = cell
        return number, row

    def _layout(self, cells: list[Any]) -> tuple[str, ...] | None:
        """The headers of a row that is the header of another layout, else None.

        Such a row holds mostly header texts: more than half of its non-blank cells are
        headers of the current layout (the same header reordered, a column more or less), or
        recognised by the ``header_score`` given to `open_table` (the mapped headers it
        counts: at least two, and more than half). The header repeated as it is is not
        another layout (`_header_test` skips it)."""
        texts = _trimmed(_header_texts(cells))
        if texts == _trimmed(self.headers):
            return None  # the header again: not a new layout
        given = sum(1 for cell in cells if cell is not None and cell != "")
        current = set(self.headers)
        known = sum(1 for t in texts if t in current)
        if known * 2 <= given and self._header_score is not None:
            known = max(known, self._header_score(texts))
        if known < 2 or known * 2 <= given:
            return None
        return texts

    def _header_test(self) -> Callable[[list[Any]], bool]:
        """A test of whether a row repeats the header row (as joined exports repeat it)."""
        headers = self.headers
        width = len(headers)

        def is_header(cells: list[Any]) -> bool:
            padded = [*cells[:width], *([None] * (width - len(cells)))]
            return _header_texts(padded) == headers and _is_blank(cells[width:])

        return is_header

    def progress(self) -> float | None:
        """The fraction of the file read so far (0 to 1), or ``None`` when unknown."""
        return self._position()

    def close(self) -> None:
        """Release the file (idempotent)."""
        self._close()

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"Table(path={self.path.name!r}, kind={self.kind!r}, "
            f"columns={len(self.headers)}, header_row={self.header_row})"
        )


def _numbered_csv(
    path: Path, reader: Iterator[list[str]], encoding: str, detected: bool
) -> Iterator[tuple[int, list[str]]]:
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            hint = " (detected from the start of the file)" if detected else ""
            raise _encoding_error(
                f"Near row {number + 1} the file is not valid {encoding}{hint}: {error.reason}.",
                path.name,
            ) from None
        except csv.Error as error:
            raise TableFormatError(
                f"{path.name}: row {number + 1}: {error}.",
                code="file.csv",
                message_zh=f"{path.name}：第 {number + 1} 行 CSV 格式错误。",
            ) from None
        number += 1
        if not _is_blank(cells):
            yield number, cells


def _first_best(scores: Sequence[int]) -> int:
    """The index of the highest score; the first of equal ones."""
    return max(range(len(scores)), key=lambda i: (scores[i], -i))


class _Plan(NamedTuple):
    """Which sheets of a workbook a table reads (indexes of its worksheets, in order), its main
    sheet, and the sheets not read with the reason (`SKIP_REASONS`)."""

    read: list[int]
    main: int
    skipped: tuple[tuple[str, str], ...]
    #: The names of the sheets read whose name says they sum the others (汇总, 总表).
    unions: frozenset[str] = frozenset()


def _asked(path: Path, sheet: str | Sequence[str], names: Sequence[str]) -> list[int]:
    """The indexes of the worksheets ``sheet`` names (one name or several, in that order)."""
    asked = [sheet] if isinstance(sheet, str) else list(dict.fromkeys(sheet))
    found: list[int] = []
    for name in asked:
        if name not in names:
            raise UsageError(
                f"{path.name} has no sheet {name!r} holding cells; its sheets: {', '.join(names)}.",
                code="file.sheet",
                message_zh=f"{path.name} 中没有工作表 {name!r}。",
            )
        found.append(names.index(name))
    return found


def _scan(
    rows: Iterator[list[Any]],
    header_row: int | None,
    header_score: Callable[[tuple[str, ...]], int] | None,
) -> tuple[int, bool, bool]:
    """The score of a sheet's header as `_find_header` finds it (the best of its first 20
    non-blank rows, or the row ``header_row``), whether it has one (a non-blank row), and
    whether it is a list of one column: its best row one cell alone, with rows under it and
    no other line of known headers (a notes sheet naming the fields one a line is none)."""
    best = seen = 0
    single = listed = False
    for number, cells in enumerate(rows, 1):
        if header_row is not None and number < header_row:
            continue
        if _is_blank(cells):
            if header_row is not None:
                return 0, False, False
            continue
        if header_score is None:
            return 0, True, False
        score = header_score(_header_texts(cells))
        if score > best:
            best, single, listed = score, _is_lone(_trimmed_cells(cells)), False
        elif score:  # another line of known headers: a notes sheet listing the fields
            single = False
        elif seen:
            listed = True
        seen += 1
        if header_row is not None or seen >= _HEADER_SEARCH_ROWS:
            break
    return best, seen > 0, single and listed


def _trimmed_cells(cells: Sequence[object]) -> list[object]:
    """A row's cells from its first non-blank one on (a list in column B is one column)."""
    for i, cell in enumerate(cells):
        if cell is not None and not (isinstance(cell, str) and not cell.strip()):
            return list(cells[i:])
    return []


def _plan_sheets(
    path: Path,
    names: Sequence[str],
    order: Sequence[str],
    *,
    sheet: str | Sequence[str] | None,
    header_row: int | None,
    header_score: Callable[[tuple[str, ...]], int] | None,
    rows_of: Callable[[int], Iterator[list[Any]]],
) -> _Plan:
    """Which of the worksheets ``names`` to read (see the module description); ``order`` names
    every sheet of the workbook (chart sheets too), ``rows_of`` gives a worksheet's rows."""
    asked = None if sheet is None else _asked(path, sheet, names) or None
    if not names:
        raise TableFormatError(
            f"{path.name}: the workbook has no sheet.",
            code="file.empty",
            message_zh=f"{path.name}：工作簿中没有工作表。",
        )
    charts = tuple((name, "chart") for name in order if name not in names)
    if asked is None and header_score is None:
        others = dict.fromkeys(names[1:], "not_judged")
        others.update(charts)
        return _Plan([0], 0, tuple((name, others[name]) for name in order if name in others))
    if len(names) == 1:
        return _Plan([0], 0, () if asked else charts)
    judged = header_score is not None and header_row is None
    scans = (
        [_scan(rows_of(i), header_row, header_score) for i in range(len(names))]
        if judged or asked is None or len(asked) > 1
        else []
    )
    main = _first_best([scan[0] for scan in scans]) if judged else 0
    if asked is not None:
        for i in asked[1:]:  # the first one raises as one sheet does (`_find_header`)
            if not scans[i][1]:
                raise TableFormatError(
                    f"{path.name}: the sheet {names[i]!r} has no header row"
                    + ("." if header_row is None else f" on row {header_row}."),
                    code="file.empty" if header_row is None else "file.header_row",
                    message_zh=f"{path.name}：工作表 {names[i]!r} 没有表头行。",
                )
        return _Plan(asked, main, ())
    threshold = max(_SHEET_MIN_SCORE, -(-scans[main][0] // 2))
    read: list[int] = []
    reasons: dict[str, str] = dict(charts)
    for i, (score, found, listed) in enumerate(scans):
        if i == main or (found and (score >= threshold or (score >= 1 and listed))):
            read.append(i)
        else:
            reasons[names[i]] = "empty" if not found else "few_columns"
    unions = frozenset(i for i in read if _UNION_NAME.search(names[i]))
    if unions and len(unions) < len(read):  # a 汇总 sheet read after the sheets it repeats
        read = [i for i in read if i not in unions] + [i for i in read if i in unions]
    else:
        unions = frozenset()
    return _Plan(
        read,
        main,
        tuple((name, reasons[name]) for name in order if name in reasons),
        frozenset(names[i] for i in unions),
    )


#: A group line's cell naming a party over the bare columns below it (投保人信息).
_GROUP_PARTY = re.compile(r"(投保人|被保险人|被保人|行驶证车主|车辆所有人|车主)(?:信息|资料)?")
#: The parties whose group makes its bare columns theirs: the insured's stay as they are.
_OTHER_PARTIES = frozenset({"投保人", "行驶证车主", "车辆所有人", "车主"})


def _grouped(group: Sequence[object], cells: list[Any]) -> list[Any]:
    """A header row's cells, each bare one under a group of the holder's or the owner's in
    the line above (``投保人信息`` merged over ``姓名 | 证件号码 | 联系电话``) named with that
    party (``投保人姓名``), and under a group of the insured's with theirs, so that a
    two-row header's repeated bare columns are each their party's. A group runs from its
    cell to the next non-blank one (a merged cell's value is in its first column). Without a
    group of the holder's or the owner's the row is as it was."""
    parties: list[str | None] = []
    current: str | None = None
    for cell in group:
        text = _compact(cell) if isinstance(cell, str) else ("" if cell is None else "-")
        if text:
            match = _GROUP_PARTY.fullmatch(text)
            current = match.group(1) if match is not None else None
        parties.append(current)
    if not _OTHER_PARTIES.intersection(p for p in parties if p is not None):
        return cells
    named = list(cells)
    for i, party in enumerate(parties[: len(named)]):
        cell = named[i]
        if party is None or not isinstance(cell, str) or not cell.strip():
            continue
        if _GROUP_PARTY.match(_compact(cell)) is None:
            named[i] = party + cell.strip()
    return named


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _lower_header(
    upper: Sequence[object],
    lower: list[Any],
    header_score: Callable[[tuple[str, ...]], int],
) -> list[Any] | None:
    """The header of two rows, when ``lower`` is the second row of ``upper``'s header: its
    texts stand only under a group of ``upper`` (a cell followed by blank ones: 联系方式 merged
    over 手机 | 固定电话) or under a blank header cell, and the import knows one of them. Each
    of its texts takes the place of the header above it; else None.

    A sheet whose merged cells Excel saved as CSV gives a merged cell's text to its first cell
    only: read alone, the first row would leave the second's 手机 and 固定电话 unread, and the
    second would be taken for the header of another layout."""
    if not _may_be_header(lower) or _header_texts(lower) == _header_texts(upper):
        return None
    owner: list[int | None] = []  # the column of the group each column is under
    current: int | None = None
    for i in range(len(lower)):
        if i < len(upper) and not _blank(upper[i]):
            current = i
        owner.append(current)
    width: dict[int | None, int] = {}
    for column in owner:
        width[column] = width.get(column, 0) + 1
    texts: list[str] = []
    for i, cell in enumerate(lower):
        if _blank(cell):
            continue
        if owner[i] is not None and width[owner[i]] < 2 and owner[i] == i:
            return None  # under a header of one column: a line of its own
        texts.append(str(cell))
    if not texts or header_score(tuple(texts)) < 1:
        return None
    return [
        cell if not _blank(cell) else (upper[i] if i < len(upper) else None)
        for i, cell in enumerate([*lower, *[None] * (len(upper) - len(lower))])
    ]


def _find_header(
    path: Path,
    rows: Iterator[tuple[int, list[Any]]],
    header_row: int | None,
    header_score: Callable[[tuple[str, ...]], int] | None,
) -> tuple[int, tuple[str, ...], Iterator[tuple[int, list[Any]]]]:
    """Consume rows up to the header; return its number, its texts and the remaining rows."""
    if header_row is not None:
        for number, cells in rows:
            if number == header_row:
                return number, _header_texts(cells), rows
            if number > header_row:
                break
        raise TableFormatError(
            f"{path.name}: row {header_row} (the header row asked for) is blank or missing.",
            code="file.header_row",
            message_zh=f"{path.name}：指定的表头行 {header_row} 为空或不存在。",
        )
    buffered: list[tuple[int, list[Any]]] = []
    for item in rows:
        buffered.append(item)
        if header_score is None or len(buffered) >= _HEADER_SEARCH_ROWS:
            break
    if not buffered:
        raise TableFormatError(
            f"{path.name}: the file has no header row.",
            code="file.empty",
            message_zh=f"{path.name}：文件没有表头行。",
        )
    best = 0
    if header_score is not None:
        scores = [header_score(_header_texts(cells)) for _, cells in buffered]
        best = _first_best(scores)
        if scores[best] == 0:
            best = 0
        # An export joined from parts may hold a later header of another layout scoring
        # better: the first header wins (the later one switches the layout, `Table._layout`)
        best = next(
            i
            for i in range(best + 1)
            if i == best or (scores[i] >= 2 and 2 * scores[i] >= scores[best])
        )
    number, cells = buffered[best]
    if best > 0:
        cells = _grouped(buffered[best - 1][1], cells)
    after = best + 1
    if header_score is not None and after < len(buffered):
        lower = _lower_header(cells, buffered[after][1], header_score)
        if lower is not None:  # 联系方式 over 手机 | 固定电话: the header ends a row lower
            number, cells = buffered[after][0], lower
            after += 1
    rest = buffered[after:]

    def remaining() -> Iterator[tuple[int, list[Any]]]:
        yield from rest
        yield from rows

    return number, _header_texts(cells), remaining()


def _open_csv(
    path: Path,
    encoding: str | None,
    delimiter: str | None,
    header_row: int | None,
    header_score: Callable[[tuple[str, ...]], int] | None,
) -> Table:
    binary = path.open("rb")
    try:
        sample = binary.read(SAMPLE_SIZE)
        size = binary.seek(0, io.SEEK_END)
        binary.seek(0)
        detected = encoding is None
        used = (
            _detect(sample, len(sample) == size, path.name, tolerant=True)
            if encoding is None
            else _normalise_encoding(encoding)
        )
        try:
            head = codecs.getincrementaldecoder(used)("replace").decode(sample[:65536])
        except LookupError:  # pragma: no cover - _normalise_encoding checked the name
            head = ""
        used_delimiter = delimiter or _detect_delimiter(head.lstrip("\ufeff"))
        # Bytes that are no character become U+FFFD: a row holding one in a cell it reads is
        # rejected (`custmaster.workflows.validation`, ``cell.encoding``), the file goes on.
        # Unless the encoding is a guess from a sample of ASCII alone: text in another
        # encoding further on means the guess was wrong, and every later row would be lost.
        errors = "strict" if detected and sample.isascii() else "replace"
        text = io.TextIOWrapper(binary, encoding=used, errors=errors, newline="")
        reader = csv.reader(text, delimiter=used_delimiter)
        rows = _numbered_csv(path, reader, used, detected)
        number, headers, rest = _find_header(path, rows, header_row, header_score)
        if any(_REPLACED in header for header in headers):
            raise _encoding_error(
                f"The header row (row {number}) is not valid {used} text.", path.name
            )
    except BaseException:
        binary.close()
        raise

    def position() -> float | None:
        if binary.closed or not size:
            return None
        return min(binary.tell() / size, 1.0)

    return Table(
        path=path,
        kind="csv",
        headers=headers,
        header_row=number,
        rows=rest,
        close=text.close,
        position=position,
        encoding=used,
        delimiter=used_delimiter,
        header_score=header_score,
    )


def _xls_error(path: Path, error: BaseException) -> TableFormatError:
    return TableFormatError(
        f"{path.name} cannot be read as an old binary Excel workbook (.xls) "
        f"({type(error).__name__}); save it as .xlsx or CSV.",
        code="file.xls",
        message_zh=f"{path.name} 无法作为旧版 Excel 文件（.xls）读取，请另存为 .xlsx 或 CSV。",
    )


def _xlsx_error(path: Path, error: BaseException) -> TableFormatError:
    return TableFormatError(
        f"{path.name} cannot be read as an XLSX workbook ({type(error).__name__}).",
        code="file.xlsx",
        message_zh=f"{path.name} 无法作为 XLSX 工作簿读取。",
    )


def _load_openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise UsageError(
            "Reading XLSX files needs openpyxl: pip install 'custmaster[excel]'.",
            code="file.excel_extra",
            message_zh="读取 XLSX 文件需要 openpyxl：pip install 'custmaster[excel]'。",
        ) from None
    return openpyxl


def _load_xlrd() -> Any:
    try:
        import xlrd
    except ImportError:
        raise UsageError(
            "Reading .xls files needs xlrd: pip install 'custmaster[excel]'.",
            code="file.excel_extra",
            message_zh="读取 .xls 文件需要 xlrd：pip install 'custmaster[excel]'。",
        ) from None
    return xlrd


def _xls_cell(cell: Any, xlrd: Any, datemode: int) -> Any:
    """A cell of an .xls sheet as openpyxl would give it: text, number, date or None."""
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except Exception:  # a date cell holding no valid serial: its number, as Excel shows
            return cell.value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#N/A")
    return cell.value


def _xls_sheet(path: Path, workbook: Any, index: int) -> Any:
    """A sheet of an .xls workbook, loaded (xlrd reads a sheet whole when asked for it)."""
    try:
        return workbook.sheet_by_index(index)
    except Exception as error:  # xlrd raises many types for a broken sheet
        raise _xls_error(path, error) from None


def _open_xls(
    path: Path,
    sheet: str | Sequence[str] | None,
    header_row: int | None,
    header_score: Callable[[tuple[str, ...]], int] | None,
) -> Table:
    xlrd = _load_xlrd()
    try:
        workbook = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as error:  # xlrd raises many types for a broken file
        raise _xls_error(path, error) from None
    try:
        names = workbook.sheet_names()
        datemode = workbook.datemode

        def rows_of(i: int) -> Iterator[list[Any]]:
            """A sheet's rows, the sheet released after them unless it was loaded before."""
            loaded = workbook.sheet_loaded(i)
            worksheet = _xls_sheet(path, workbook, i)
            try:
                for index in range(worksheet.nrows):
                    yield [_xls_cell(c, xlrd, datemode) for c in worksheet.row(index)]
            finally:
                if not loaded:
                    workbook.unload_sheet(i)

        plan = _plan_sheets(
            path,
            names,
            names,
            sheet=sheet,
            header_row=header_row,
            header_score=header_score,
            rows_of=rows_of,
        )
        state = {"row": 0, "total": 0, "done": 0}

        def numbered(worksheet: Any) -> Iterator[tuple[int, list[Any]]]:
            state["row"], state["total"] = 0, worksheet.nrows
            for index in range(worksheet.nrows):
                state["row"] = index + 1
                cells = [_xls_cell(c, xlrd, datemode) for c in worksheet.row(index)]
                if not _is_blank(cells):
                    yield index + 1, cells

        def start(i: int) -> _SheetStart:
            worksheet = _xls_sheet(path, workbook, i)
            number, headers, rest = _find_header(
                path, numbered(worksheet), header_row, header_score
            )
            hidden = bool(worksheet.visibility)
            return _SheetStart(worksheet.name, hidden, number, headers, rest)

        def following() -> Iterator[_SheetStart]:
            for before, i in zip(plan.read, plan.read[1:], strict=False):
                workbook.unload_sheet(before)  # one sheet in memory at a time
                state["done"] += 1
                yield start(i)

        first = start(plan.read[0])
    except BaseException:
        workbook.release_resources()
        raise

    def position() -> float | None:
        if not state["total"]:
            return None
        share = min(state["row"] / state["total"], 1.0)
        return (state["done"] + share) / len(plan.read)

    return _workbook_table(
        path,
        "xls",
        names=names,
        first=first,
        plan=plan,
        following=following(),
        close=workbook.release_resources,
        position=position,
        header_score=header_score,
    )


#: How a file that is an HTML page starts (after a byte-order mark and white space).
_HTML_START = re.compile(
    rb"\s*(?:<!doctype html|<html|<table|<meta|<head|<\?xml[^>]*>\s*<html)", re.I
)


def _is_html(path: Path) -> bool:
    with path.open("rb") as probe:
        head = probe.read(1024)
    return _HTML_START.match(head.removeprefix(codecs.BOM_UTF8)) is not None


class _TableParser(html.parser.HTMLParser):
    """The rows of the first ``<table>`` of a page, as lists of cell texts.

    A cell spanning rows (``rowspan``: a customer's name over the rows of their policies)
    gives its text to its column on each of those rows, as the page shows it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._depth = 0  # table nesting; only the first top-level table is read
        self._done = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = self._rows_spanned = 1
        #: column → (text, rows still to fill) of the cells spanning rows below theirs
        self._below: dict[int, tuple[str, int]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "table":
            self._depth += 1
        elif self._depth == 1 and tag == "tr":
            self._row = []
        elif self._depth == 1 and tag in ("td", "th") and self._row is not None:
            self._cell = []
            given = dict(attrs)
            span, rows = given.get("colspan"), given.get("rowspan")
            self._span = int(span) if span and span.isdigit() else 1
            self._rows_spanned = int(rows) if rows and rows.isdigit() else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._done:
            return
        if tag == "table":
            self._depth -= 1
            if self._depth == 0:
                self._done = True
        elif self._depth == 1 and tag in ("td", "th"):
            self._end_cell()
        elif self._depth == 1 and tag == "tr" and self._row is not None:
            self._end_cell()
            for column in sorted(c for c in self._below if c >= len(self._row)):
                self._row.extend([""] * (column - len(self._row)))
                self._spanned(self._row)
            self.rows.append(self._row)
            self._row = None

    def _spanned(self, row: list[str]) -> None:
        """Put the texts of cells spanning from rows above into ``row`` at its end."""
        while len(row) in self._below:
            text, left = self._below.pop(len(row))
            if left > 1:
                self._below[len(row)] = (text, left - 1)
            row.append(text)

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._spanned(self._row)
            if self._rows_spanned > 1:
                self._below[len(self._row)] = (
                    " ".join("".join(self._cell).split()),
                    min(self._rows_spanned, 100_000) - 1,
                )
            self._row.append(" ".join("".join(self._cell).split()))
            self._row.extend([""] * (min(self._span, 100) - 1))  # merged cells keep columns
        self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _open_html(
    path: Path,
    encoding: str | None,
    header_row: int | None,
    header_score: Callable[[tuple[str, ...]], int] | None,
) -> Table:
    raw = path.read_bytes()
    declared = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", raw[:4096])
    if encoding is not None:
        used = _normalise_encoding(encoding)
    elif declared is not None:
        used = _normalise_encoding(declared.group(1).decode("ascii"))
    else:
        used = _detect(raw[:SAMPLE_SIZE], len(raw) <= SAMPLE_SIZE, path.name)
    try:
        text = raw.decode(used)
    except (UnicodeDecodeError, LookupError):
        raise TableFormatError(
            f"{path.name} is not HTML text in {used}.",
            code="file.encoding",
            message_zh=f"{path.name} 不是 {used} 编码的 HTML 文本。",
        ) from None
    parser = _TableParser()
    parser.feed(text.lstrip("\ufeff"))
    parser.close()
    if not parser.rows:
        raise TableFormatError(
            f"{path.name} is an HTML page without a table; export the data as CSV or XLSX.",
            code="file.html",
            message_zh=f"{path.name} 是不含表格的 HTML 页面，请导出为 CSV 或 XLSX。",
        )
    numbered = ((n, list(cells)) for n, cells in enumerate(parser.rows, 1) if not _is_blank(cells))
    number, headers, rest = _find_header(path, numbered, header_row, header_score)
    return Table(
        path=path,
        kind="html",
        headers=headers,
        header_row=number,
        rows=rest,
        close=lambda: None,
        position=lambda: None,
        encoding=used,
        header_score=header_score,
    )


#: A merged range of a sheet's XML (``<mergeCell ref="B2:B4"/>``, any namespace prefix).
_MERGE_CELL = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)"'
)


def _column_index(letters: bytes) -> int:
    """The 0-based index of a column's letters (``A`` 0, ``AA`` 26)."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _merged_down(path: Path, member: str | None) -> dict[int, list[tuple[int, int]]]:
    """The merged ranges of a sheet that span rows, as first row → ``(column, last row)``.

    openpyxl's streaming reader gives a merged range's value to its first cell alone; a
    report that merges a customer's name and ID over the rows of their policies leaves the
    later rows without them. The ranges are read from the sheet's XML (after its rows), in
    slices, never held whole. A sheet that cannot be read so has none (openpyxl reports it)."""
    if not member:
        return {}
    found: dict[int, list[tuple[int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as sheet:
            tail = b""
            while chunk := sheet.read(1 << 20):
                text = tail + chunk
                for match in _MERGE_CELL.finditer(text) if b"mergeCell" in text else ():
                    first, last = int(match.group(2)), int(match.group(4))
                    if last > first:
                        column = _column_index(match.group(1))
                        found.setdefault(first, []).append((column, last))
                cut = text.rfind(b"<")
                tail = text[cut:] if cut >= 0 and len(text) - cut < 512 else b""
    except (OSError, KeyError, zipfile.BadZipFile, EOFError, zlib.error):
        return {}
    return found


class _MergeFill:
    """Fills the later rows of merged ranges with the range's value, in its first column: a
    row of a sheet as Excel shows it (a row left blank but for the range stays blank)."""

    __slots__ = ("_active", "_starts")

    def __init__(self, starts: dict[int, list[tuple[int, int]]]) -> None:
        self._starts = starts
        #: ``(column, last row, value)`` of each range over the current row.
        self._active: list[tuple[int, int, Any]] = []

    def __call__(self, number: int, cells: list[Any]) -> None:
        active = self._active
        if active:
            active[:] = [entry for entry in active if entry[1] >= number]
            if active and not _is_blank(cells):
                for column, _, value in active:
                    if column >= len(cells):
                        cells.extend([None] * (column + 1 - len(cells)))
                    if cells[column] is None or cells[column] == "":
                        cells[column] = value
        for column, last in self._starts.get(number, ()):
            value = cells[column] if column < len(cells) else None
            if value is not None and value != "":
                active.append((column, last, value))


def _open_xlsx(
    path: Path,
    sheet: str | Sequence[str] | None,
    header_row: int | None,
    header_score: Callable[[tuple[str, ...]], int] | None,
) -> Table:
    openpyxl = _load_openpyxl()
    # A file object, not the path: openpyxl judges a path by its name, we by the content.
    handle = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken file
        handle.close()
        raise _xlsx_error(path, error) from None

    def close() -> None:
        workbook.close()
        handle.close()

    try:
        worksheets = workbook.worksheets
        totals: list[int | None] = []
        for worksheet in worksheets:
            try:
                total = worksheet.max_row
            except Exception:  # a missing or broken dimension record
                total = None
            totals.append(total if isinstance(total, int) and total > 0 else None)
            # Dimension records written by some exporters are wrong; read every cell there is.
            worksheet.reset_dimensions()

        def rows_of(i: int) -> Iterator[list[Any]]:
            try:
                for values in worksheets[i].iter_rows(values_only=True):
                    yield list(values)
            except Exception as error:  # openpyxl raises many types for a broken sheet
                raise _xlsx_error(path, error) from None

        plan = _plan_sheets(
            path,
            [worksheet.title for worksheet in worksheets],
            workbook.sheetnames,
            sheet=sheet,
            header_row=header_row,
            header_score=header_score,
            rows_of=rows_of,
        )
        known = [totals[i] for i in plan.read]
        grand = None if None in known else sum(t or 0 for t in known)
        state = {"row": 0, "done": 0}

        def numbered(worksheet: Any) -> Iterator[tuple[int, list[Any]]]:
            merged = _merged_down(path, getattr(worksheet, "_worksheet_path", None))
            fill = _MergeFill(merged) if merged else None
            try:
                for number, values in enumerate(worksheet.iter_rows(values_only=True), 1):
                    state["row"] = number
                    cells = list(values)
                    if fill is not None:
                        fill(number, cells)
                    if not _is_blank(cells):
                        yield number, cells
            except (UsageError, TableFormatError):
                raise
            except Exception as error:  # openpyxl raises many types for a broken sheet
                raise _xlsx_error(path, error) from None

        def start(i: int) -> _SheetStart:
            worksheet = worksheets[i]
            number, headers, rest = _find_header(
                path, numbered(worksheet), header_row, header_score
            )
            hidden = worksheet.sheet_state != "visible"
            return _SheetStart(worksheet.title, hidden, number, headers, rest)

        def following() -> Iterator[_SheetStart]:
            for before, i in zip(plan.read, plan.read[1:], strict=False):
                state["done"] += totals[before] or 0
                state["row"] = 0
                yield start(i)

        first = start(plan.read[0])
    except BaseException:
        close()
        raise

    def position() -> float | None:
        if not grand:
            return None
        return min((state["done"] + state["row"]) / grand, 1.0)

    return _workbook_table(
        path,
        "xlsx",
        names=[worksheet.title for worksheet in worksheets],
        first=first,
        plan=plan,
        following=following(),
        close=close,
        position=position,
        header_score=header_score,
    )


def _workbook_table(
    path: Path,
    kind: str,
    *,
    names: Sequence[str],
    first: _SheetStart,
    plan: _Plan,
    following: Iterator[_SheetStart],
    close: Callable[[], None],
    position: Callable[[], float | None],
    header_score: Callable[[tuple[str, ...]], int] | None,
) -> Table:
    """The table of a workbook's sheets (``names``, the worksheets): ``first`` opened, the
    others of ``plan`` to come."""
    return Table(
        path=path,
        kind=kind,
        headers=first.headers,
        header_row=first.header_row,
        rows=first.rows,
        close=close,
        position=position,
        sheet=first.name,
        header_score=header_score,
        hidden=first.hidden,
        following=following if len(plan.read) > 1 else None,
        sheet_names=tuple(names[i] for i in plan.read),
        skipped_sheets=plan.skipped,
        main_sheet=names[plan.main],
        unions=plan.unions,
    )


def open_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | Sequence[str] | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
    header_score: Callable[[tuple[str, ...]], int] | None = None,
) -> Table:
    """Open a CSV or XLSX file as a `Table` (see the module description).

    The kind is told by the file's first bytes, not its name (a workbook saved as ``.csv`` is
    still read as a workbook). ``encoding`` and ``delimiter`` apply to CSV; ``sheet`` to
    XLSX and XLS: a sheet's name, or a sequence of names (read in that order); without it,
    every data sheet given ``header_score``, else the first sheet. ``header_row`` is the
    1-based row of the headers (of each sheet); without it, the header is the first non-blank
    row, or, given ``header_score`` (headers → number of recognised columns), the
    best-scoring of the first 20 non-blank rows.
    """
    path = Path(path)
    with path.open("rb") as probe:
        magic = probe.read(8)
    if magic.startswith(_ZIP_MAGIC):
        return _open_xlsx(path, sheet, header_row, header_score)
    if magic.startswith(_OLE_MAGIC):
        return _open_xls(path, sheet, header_row, header_score)
    if _is_html(path):
        return _open_html(path, encoding, header_row, header_score)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise _xlsx_error(path, zipfile.BadZipFile("not a zip file"))
    return _open_csv(path, encoding, delimiter, header_row, header_score)


def read_rows(path: str | Path, **options: Any) -> Iterator[tuple[int, Row]]:
    """Yield ``(row_number, row)`` for every data row of a file, closing it at the end.

    Takes the same keyword options as `open_table`.
    """
    with open_table(path, **options) as table:
        yield from table
