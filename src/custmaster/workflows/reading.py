"""Reading tables as real files are: CSV in UTF-8, UTF-8 with BOM or GB18030/GBK, and XLSX.

`open_table` opens a file, finds its header row and yields each data row as
``(row_number, {header: value})``, streaming, in bounded memory, whatever the file's size.

- **CSV**: the encoding is given or detected: a byte-order mark first (UTF-8, UTF-16), then
  strict UTF-8 on the first megabyte, else GB18030 (a superset of GBK and GB2312, which is what
  Chinese Excel and core systems write; ``gbk``, ``gb2312`` and ``cp936`` are read as GB18030).
  The delimiter (``,``, tab, ``;`` or ``|``) is detected from the first lines unless given.
- **XLSX** (and XLSM): read through openpyxl in read-only streaming mode, cached formula values,
  the sheet ``sheet`` names, else, given a ``header_score``, the sheet whose header scores best
  (a workbook may open with a 说明 or 封面 sheet), else the first. openpyxl is the optional extra
  ``custmaster[excel]``; without it a `custmaster.UsageError` says what to install. Cells keep
  their types (numbers, `datetime.datetime`, text). A merged range spanning rows gives its
  value to each of its rows (in its first column), as Excel shows it.
- **XLS**, the binary workbook of Excel 97-2003 that older core systems still export: read
  through xlrd (also in ``custmaster[excel]``), the sheet chosen as for XLSX; date cells
  become `datetime.datetime`, numbers `float`, as Excel holds them.
- **HTML tables saved as .xls**: many web systems export "Excel" files that are an HTML page
  holding a ``<table>``; its first table is read, cell texts as the page shows them.

The row number is the one a spreadsheet shows: the header is row 1 when it is the first row,
and blank rows are skipped but counted. Title lines above the header are skipped when a
``header_score`` function is given (the row that maps most columns wins), or ``header_row``
names the header's row. Blank headers become ``column_<n>``; a repeated header gets
`` (2)``, `` (3)`` … so no column is lost. Summary rows — a first cell of ``合计``, ``总计`` or
``小计`` (``合计：12笔``) and nothing but numbers after it — are no data: they are skipped and
their row numbers kept in `Table.summary_rows`. Rows that repeat the header (extracts
exported in parts and joined end to end), a title line standing alone just above such a
repeated header (``XX分公司续保清单 2026年12月``) and footer lines whose every cell is a label
such as ``制表人：``, ``打印时间：``, ``审核：`` or a page number (``第 1 页``, ``共 3 页``) are no
data either: they are skipped and their row numbers kept in `Table.skipped_rows`.

A later header of **another layout** (parts joined end to end whose columns differ: reordered,
spelt otherwise, one more or less) switches the table's headers from that line on: a row of
short texts without a run of five digits, more than half of whose cells are headers of the
current layout or recognised by ``header_score`` (at least two). It is skipped too, its title
line with it, and listed in `Table.layouts`; `Table.headers` is the current layout's. When the
first rows hold such headers, the first header wins over a better-scoring later one.

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
import html.parser
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from custmaster.errors import InvalidFormat, UsageError

__all__ = [
    "ERROR_CODES",
    "SAMPLE_SIZE",
    "Row",
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

_Sheet = TypeVar("_Sheet")

#: How many bytes of a CSV file are examined to detect its encoding and delimiter.
SAMPLE_SIZE = 1 << 20

#: Rows examined to find the header row when a ``header_score`` is given.
_HEADER_SEARCH_ROWS = 20

#: A data row: header → cell value (text for CSV; text, numbers or datetimes for XLSX).
Row = dict[str, Any]

_GB_FAMILY = frozenset({"gbk", "gb2312", "cp936", "gb18030", "euc_cn", "hz"})
_DELIMITERS = (",", "\t", ";", "|")
_ZIP_MAGIC = b"PK\x03\x04"
#: The first cell of a summary row: 合计, 总计 or 小计, maybe a count (``合计：12笔``).
_SUMMARY_LABEL = re.compile(r"(?:合计|总计|小计|共计)[:：]?(?:共?[\d,.]+[条笔件行人户单辆]?)?")
#: The other cells of a summary row: numbers (totals, counts), as text or as numbers.
_SUMMARY_NUMBER = re.compile(r"[-+]?[\d,]*\.?\d+%?|共?[\d,]+[条笔件行人户单辆]")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: What a byte sequence that is no character in the file's encoding is read as (U+FFFD).
_REPLACED = "\ufffd"
#: A sample with at most one such sequence per this many bytes is still of its encoding.
_BYTES_PER_BAD_CHARACTER = 10_000
#: A footer line's cell under a table: who made it, checked it, when it was printed.
_FOOTER_LABEL = re.compile(
    r"\s*(?:(?:制表|打印|导出|审核|复核|填报|编制|经办|查询|统计|报表)"
    r"(?:人|员|时间|日期|单位|机构|部门|条件)?\s*[:：]|[第共]\s*\d+\s*页)"
)
#: The first characters of `_FOOTER_LABEL`, and leading space (a cheap test before it).
_FOOTER_FIRST = frozenset("制打导审复填编经查统报第共 \u3000")


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
    cell is such a label (``合计``, ``总 计：``, ``合计：12笔``) and every other cell is blank or
    a number.

    >>> is_summary_row(["合计", None, "", 12, "3,456.00"]), is_summary_row(["", "总计：12笔"])
    (True, True)
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
    """Whether every non-blank cell of a row is a footer label (``制表人：张三``, ``打印：…``)."""
    found = False
    for cell in cells:
        if cell is None or (isinstance(cell, str) and (not cell or cell.isspace())):
            continue
        if not isinstance(cell, str) or cell.lstrip()[:1] not in _FOOTER_FIRST:
            return False
        if not _FOOTER_LABEL.match(cell):
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


class Table:
    """An open table: its headers, how it was read, and its data rows when iterated.

    Use it as a context manager (or call `close`); iterate it once for
    ``(row_number, row)`` pairs. ``progress()`` tells how far the iteration has got.
    """

    __slots__ = (
        "_close",
        "_header_score",
        "_position",
        "_rows",
        "delimiter",
        "encoding",
        "header_row",
        "headers",
        "kind",
        "layouts",
        "path",
        "sheet",
        "skipped_rows",
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
    ) -> None:
        #: The file read.
        self.path = path
        #: ``"csv"``, ``"xlsx"``, ``"xls"`` or ``"html"``.
        self.kind = kind
        #: The column headers, made unique (see the module description).
        self.headers = headers
        #: The row number of the header row.
        self.header_row = header_row
        #: The text encoding used (CSV only).
        self.encoding = encoding
        #: The field delimiter used (CSV only).
        self.delimiter = delimiter
        #: The sheet read (XLSX and XLS only).
        self.sheet = sheet
        #: Row numbers of the summary rows (合计, 总计, 小计) skipped so far.
        self.summary_rows: list[int] = []
        #: Row numbers of the other rows skipped so far as no data: the header again (files
        #: exported in parts and joined), the title line just above it, footer lines
        #: (``制表人：…``, ``打印时间：…``).
        self.skipped_rows: list[int] = []
        #: ``(row number, headers)`` of each header line of another layout met so far (an
        #: export joined from parts whose columns differ): ``headers`` holds the current one.
        self.layouts: list[tuple[int, tuple[str, ...]]] = []
        self._header_score = header_score
        self._rows = rows
        self._close = close
        self._position = position

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        headers = self.headers
        width = len(headers)
        summaries = self.summary_rows
        skipped = self.skipped_rows
        is_header = self._header_test()
        # The column whose text starts a repeated header (a cheap test before `is_header`).
        at, text = _first_header(headers)
        wide = width > 2  # a lone first cell is a title line only in a wider table
        held: tuple[int, list[Any]] | None = None  # a title line, until the next row says
        for number, cells in self._rows:
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


def _best_sheet(
    sheets: Sequence[_Sheet],
    rows_of: Callable[[_Sheet], Iterator[list[Any]]],
    header_score: Callable[[tuple[str, ...]], int],
) -> _Sheet:
    """The sheet whose first non-blank rows hold the best-scoring header (the first sheet of
    equal ones): a workbook may open with a notes or cover sheet (说明, 封面)."""
    scores = []
    for sheet in sheets:
        best = seen = 0
        for cells in rows_of(sheet):
            if _is_blank(cells):
                continue
            best = max(best, header_score(_header_texts(cells)))
            seen += 1
            if seen >= _HEADER_SEARCH_ROWS:
                break
        scores.append(best)
    return sheets[_first_best(scores)]


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
    rest = buffered[best + 1 :]

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


def _open_xls(
    path: Path,
    sheet: str | None,
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
        if sheet is None:
            if not names:
                raise TableFormatError(
                    f"{path.name}: the workbook has no sheet.",
                    code="file.empty",
                    message_zh=f"{path.name}：工作簿中没有工作表。",
                )
            worksheet = workbook.sheet_by_index(0)
            if header_score is not None and header_row is None and len(names) > 1:
                worksheet = _best_sheet(
                    [workbook.sheet_by_index(i) for i in range(len(names))],
                    lambda ws: (
                        [_xls_cell(c, xlrd, workbook.datemode) for c in ws.row(i)]
                        for i in range(ws.nrows)
                    ),
                    header_score,
                )
        elif sheet in names:
            worksheet = workbook.sheet_by_name(sheet)
        else:
            raise UsageError(
                f"{path.name} has no sheet {sheet!r}; its sheets: {', '.join(names)}.",
                code="file.sheet",
                message_zh=f"{path.name} 中没有工作表 {sheet!r}。",
            )
        total = worksheet.nrows
        state = {"row": 0}
        datemode = workbook.datemode

        def numbered() -> Iterator[tuple[int, list[Any]]]:
            for index in range(total):
                state["row"] = index + 1
                cells = [_xls_cell(c, xlrd, datemode) for c in worksheet.row(index)]
                if not _is_blank(cells):
                    yield index + 1, cells

        number, headers, rest = _find_header(path, numbered(), header_row, header_score)
    except BaseException:
        workbook.release_resources()
        raise

    def position() -> float | None:
        return min(state["row"] / total, 1.0) if total else None

    return Table(
        path=path,
        kind="xls",
        headers=headers,
        header_row=number,
        rows=rest,
        close=workbook.release_resources,
        position=position,
        sheet=worksheet.name,
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
    sheet: str | None,
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
        if sheet is None:
            worksheet = workbook.worksheets[0] if workbook.worksheets else None
            if header_score is not None and header_row is None and len(workbook.worksheets) > 1:
                worksheet = _best_sheet(
                    workbook.worksheets,
                    lambda ws: (list(r) for r in ws.iter_rows(values_only=True)),
                    header_score,
                )
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise UsageError(
                f"{path.name} has no sheet {sheet!r}; "
                f"its sheets: {', '.join(workbook.sheetnames)}.",
                code="file.sheet",
                message_zh=f"{path.name} 中没有工作表 {sheet!r}。",
            )
        if worksheet is None:
            raise TableFormatError(
                f"{path.name}: the workbook has no sheet.",
                code="file.empty",
                message_zh=f"{path.name}：工作簿中没有工作表。",
            )
        try:
            total = worksheet.max_row
        except Exception:  # a missing or broken dimension record
            total = None
        # Dimension records written by some exporters are wrong; read every cell there is.
        worksheet.reset_dimensions()
        state = {"row": 0}
        merged = _merged_down(path, getattr(worksheet, "_worksheet_path", None))

        def numbered() -> Iterator[tuple[int, list[Any]]]:
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

        number, headers, rest = _find_header(path, numbered(), header_row, header_score)
    except BaseException:
        close()
        raise

    def position() -> float | None:
        if not isinstance(total, int) or total <= 0:
            return None
        return min(state["row"] / total, 1.0)

    return Table(
        path=path,
        kind="xlsx",
        headers=headers,
        header_row=number,
        rows=rest,
        close=close,
        position=position,
        sheet=worksheet.title,
        header_score=header_score,
    )


def open_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
    header_score: Callable[[tuple[str, ...]], int] | None = None,
) -> Table:
    """Open a CSV or XLSX file as a `Table` (see the module description).

    The kind is told by the file's first bytes, not its name (a workbook saved as ``.csv`` is
    still read as a workbook). ``encoding`` and ``delimiter`` apply to CSV, ``sheet`` to XLSX.
    ``header_row`` is the 1-based row of the headers; without it, the header is the first
    non-blank row, or, given ``header_score`` (headers → number of recognised columns), the
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
