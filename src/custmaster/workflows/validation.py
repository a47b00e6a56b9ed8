"""Validating a file: every row, every mapped column, a rejects report and a summary.

`validate_file` is the ``custmaster validate`` command as a function. It streams the file
(`custmaster.workflows.reading`), maps its headers (`custmaster.workflows.headers`) and
normalises each mapped cell exactly as `custmaster.SourceRecord` would store it: phones to
E.164, resident IDs to 18 upper-case characters, plates without separators, dates
(`custmaster.workflows.dates`) to `datetime.date`, and so on. A bad cell never stops the
run: it becomes one line of the rejects CSV (row number, column, field, error code, message
in English and Chinese, masked value), and the row's other cells are still checked.

The rejects file and the optional normalised output are CSV in UTF-8 with a BOM, so Excel
opens them with the Chinese intact. Neither holds a full ID number, phone number or name:
rejects carry masked values only, and the output is masked unless ``reveal=True`` is asked
for (a permitted caller exporting data for an import, say).

`RowValidator` is the per-row engine, reused by the importers: it turns one ``{header: cell}``
row into a `RowResult` of normalised field values, rejects and extra columns.

Cells holding only a placeholder (`EMPTY_MARKERS`: ``NULL``, ``无``, ``不详``, ``-``, ``#N/A``,
``#VALUE!`` …) count as empty, not invalid, and so do values a field's validator knows as a
placeholder for "none" (`PLACEHOLDER_CODES`: 新车未上牌, an engine number of zeros …), and so
do zeros alone in a phone, identity or vehicle column (``0``, ``00000000000``:
`is_zero_placeholder`), a 性别 of ``0`` or ``9`` (GB/T 2261.1's 未知的性别, 未说明的性别) and a
plate of stars (``*-``, a new car's mark in core systems: `is_field_placeholder`). Cells
as Excel mangles them are read as their value (`field_text`): a leading apostrophe or an
``="…"`` wrapper is dropped, and so is the ``.0`` a spreadsheet adds to a whole number
(``361001.0``); a long number Excel has already rounded — in scientific notation
(``4.40305E+17``), or a number of more than 15 digits stored as a number — is rejected
(``cell.scientific``, ``cell.precision``), never taken for a wrong
ID; so is a cell holding bytes that were no character in the file's encoding (read as U+FFFD
by `custmaster.workflows.reading`: ``cell.encoding``). A phone cell holding several numbers
(``13800138000/13900139000``) is valid when each number is (`split_phone_cell`): the first
is the field's value, the others are kept in `RowResult.more`, as the importers keep them; a
bad part rejects the cell with its own code.

Every column an import reads is checked: a phone of unknown kind (联系电话, 电话, 联系方式 …:
field ``phone``, a mobile or a fixed line) and a field's repeated columns (手机1 and 手机2,
手机 and 移动电话). The numbers of repeated phone columns add up; another field keeps its
first non-empty value, and a later column holding a different one is a warning
(``row.conflicting_columns``, `ValidationSummary.conflicts`), which an import rejects.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "book.csv").write_text(
...     "保单号,被保险人,移动电话,起保日期\\n"
...     "pdaa2026001,张伟,+86 138 0013 8000,2026/12/4\\n"
...     "PDAA2026002,李娜,138OO138OOO,2026-02-30\\n", encoding="utf-8-sig")
>>> summary = validate_file(folder / "book.csv", rejects=folder / "book.rejects.csv")
>>> summary.rows, summary.rows_rejected, summary.rejects
(2, 1, 2)
>>> for c in summary.columns:
...     print(c.column, c.field, c.valid, c.invalid, c.empty)
保单号 policy_no 2 0 0
被保险人 name 2 0 0
移动电话 mobile 1 1 0
起保日期 cover_start 1 1 0
>>> print((folder / "book.rejects.csv").read_text(encoding="utf-8-sig"))  # doctest: +ELLIPSIS
row,column,field,code,message,message_zh,masked_value
3,移动电话,mobile,phone.vanity,...,1*********O
3,起保日期,cover_start,date.range,...,2********0
<BLANKLINE>
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import attrs

from custmaster.errors import InvalidFormat, ValidationError
from custmaster.model.contact import ContactOutcome
from custmaster.model.identity import DocumentType, IdentityDocument
from custmaster.model.source import PHONE_FIELDS, SourceRecord
from custmaster.privacy.masking import mask
from custmaster.privacy.sensitivity import FieldKind, policy_for
from custmaster.validate import cn_foreign_permanent_id, cn_org_code, cn_resident_id, cn_uscc
from custmaster.validate import phone as phone_module
from custmaster.validate._mask import mask_unknown
from custmaster.validate._phone_text import status_note
from custmaster.workflows.dates import parse_date
from custmaster.workflows.headers import (
    DEFAULT_DOCUMENT_CODES,
    DOCUMENT_TYPE,
    LINE_PREFIXES,
    PHONE,
    HeaderMap,
    document_kind,
    map_headers,
)
from custmaster.workflows.outcomes import read_outcome
from custmaster.workflows.reading import Row, SheetSummary, TableFormatError, open_table

__all__ = [
    "DATE_FIELDS",
    "EMPTY_MARKERS",
    "ERROR_CODES",
    "PLACEHOLDER_CODES",
    "REJECT_COLUMNS",
    "ColumnSummary",
    "Reject",
    "RowResult",
    "RowValidator",
    "ValidationSummary",
    "cell_text",
    "date_cell",
    "default_rejects_path",
    "display",
    "document_warning",
    "field_text",
    "holds_several",
    "identity_value",
    "is_empty_cell",
    "is_field_placeholder",
    "is_numbered_blank",
    "is_row_number_header",
    "is_zero_placeholder",
    "mask_field",
    "note_outcome",
    "noted_numbers",
    "old_code_document",
    "organisation_code",
    "place_phone",
    "split_phone_cell",
    "unknown_document_type",
    "validate_file",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "file.no_known_columns": "No header of the file maps to a field; a header mapping is needed.",
    "cell.scientific": (
        "A number cell in scientific notation (4.40305E+17): Excel rounded it, digits are lost."
    ),
    "cell.precision": (
        "A number of more than 15 digits read as a number (a float): its last digits are lost."
    ),
    "cell.encoding": (
        "A cell holds bytes that are no character in the file's encoding (a character cut in "
        "half by the exporting system): its value is lost."
    ),
    "cell.several_policies": (
        "A policy-number cell holds several numbers (PDAA…/PDZA…): each needs its own column "
        "(商业险保单号, 交强险保单号) or row."
    ),
    "phone.noted": (
        "A warning: a note in a phone cell says the number is bad (13800138000（空号）); the "
        "number is kept with a contact event of what the note says, and the row is imported."
    ),
    "row.conflicting_columns": (
        "Two columns of one field (姓名 twice, 身份证号 and 证件号码 …) hold different values on "
        "a row: validate warns and uses the first, an import rejects the row."
    ),
    "document_type.unknown": (
        "The document type (证件类型) is no code of the code table and no known word: the ID "
        'number is not read (name the code in the mapping: "document_type:08": "护照").'
    ),
    "document_type.resident_id": (
        "A warning: the document type (证件类型) names another document (护照 …) but its number "
        "is a valid 18-digit resident ID; the row is read as that document, a customer apart "
        "from the one with the resident ID. Check the type."
    ),
}

#: Fields that hold a date, parsed by `custmaster.workflows.dates.parse_date`.
DATE_FIELDS: frozenset[str] = frozenset(
    {"birth_date", "cover_start", "cover_end", "first_registered"}
)

#: Cell texts (compared case-insensitively) that mean "no value" in real extracts.
EMPTY_MARKERS: frozenset[str] = frozenset(
    {
        *("null", "none", "nan", "\\n", "n/a", "-", "--", "—", "——", "/"),
        *("无", "空", "暂无", "不详", "未知", "空白", "暂缺", "未提供", "未填", "未填写"),
        # Excel's error values, as a formula that failed leaves them in a cell.
        *("#n/a", "#value!", "#ref!", "#div/0!", "#name?", "#num!", "#null!"),
    }
)

#: The error codes of a value its validator knows as a placeholder for "none": a vehicle
#: insured before registration (新车未上牌, 待上牌), an engine number or VIN of one repeated
#: character, a name such as 客户 or 先生 alone, a phone cell with no number once its labels
#: and notes are read (``手机：``), an address such as 同上 or 详见附件. A cell holding one is
#: read as empty, as `EMPTY_MARKERS` are, rather than rejecting its row: the row's other
#: values are good.
PLACEHOLDER_CODES: frozenset[str] = frozenset(
    {"cn_plate.unregistered", "engine_no.placeholder", "vin.placeholder", "cn_name.placeholder",
     "phone.empty", "address.placeholder", "cn_org_code.placeholder"}
)  # fmt: skip

#: Fields whose cell of zeros alone (``0``, ``00000000000``, ``0592-0000000`` is not one) is
#: the source's way of saying "none": a phone, an identity number, a plate, a VIN …
_ZERO_FIELDS = frozenset(
    {"resident_id", "uscc", "plate", "vin", "engine_no", "postcode", "phone", *PHONE_FIELDS}
)
#: What a cell of zeros may hold besides them: separators and Excel's text marks.
_ZERO_NOISE = re.compile(r"[\s\-·.'‘’＇＝=\"+]+")

#: The columns of a rejects file, in order.
REJECT_COLUMNS: tuple[str, ...] = (
    "row",
    "column",
    "field",
    "code",
    "message",
    "message_zh",
    "masked_value",
)

_BATCH = 1000

#: The longest of the `EMPTY_MARKERS` (longer cells are never compared with them).
_MARKER_MAX = max(len(marker) for marker in EMPTY_MARKERS)
#: The `EMPTY_MARKERS` and their full-width forms (＃Ｎ／Ａ, －), case-folded.
_EMPTY_FORMS = EMPTY_MARKERS | {
    "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in marker).casefold()
    for marker in EMPTY_MARKERS
}
#: Fields holding codes and numbers, which a spreadsheet may have turned into a number.
_CODE_FIELDS = frozenset(
    {"resident_id", "uscc", "policy_no", "postcode", "engine_no", "vin", "plate", *PHONE_FIELDS}
)
_PHONE_FIELD_SET = frozenset(PHONE_FIELDS)
#: Excel keeps 15 significant digits of a number: a whole number from here on may be rounded.
_EXACT_LIMIT = 10**15
#: Scientific notation as Excel shows a long number (``4.40305E+17``, ``4.4e+17``, ``4E+17``).
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+[eE]\+?|[eE]\+)\d{1,3}")
#: A whole number written as a float (``361001.0``): the digits and the ``.0``.
_FLOAT_TEXT = re.compile(r"(\d+)\.0+")
#: Quote characters Excel users type before a value to keep it as text.
_QUOTES = ("'", "\uff07", "\u2018", "\u2019")
#: How a cell that may need `_unquoted` starts: a quote, ``=`` or white space.
_QUOTE_START = (*_QUOTES, "=", " ", "\t", "\n", "\r", "\u3000", "\xa0")
#: Separators of several numbers in one phone cell (as `custmaster.validate.phone` reads them).
_SEVERAL = re.compile(r"[/;,，；、|／\n]|\d{7}\D+\d{7}|\d{7}\s+\d|[\u3400-\u9fff]")
#: Han text in a phone cell that is a note about the person (张先生, 或), read as a separator
#: when the cell does not read otherwise; the extension words are kept (`_loose_numbers`).
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_EXTENSION_WORDS = frozenset({"转", "分机", "转分机", "内线", "分机号"})
#: Where the parts of a phone cell split (`_loose_numbers`).
_PART_SPLIT = re.compile(r"[/;,，；、|／\n]+")
#: Punctuation around a part of a phone cell once its notes are gone (``：``, brackets).
_PART_PUNCTUATION = "：:（）()【】[]<>《》\"'“”‘’ \t\u3000"
#: A mobile number in E.164: where a `PHONE` column's number goes decides on it.
_MOBILE = re.compile(r"\+861\d{10}")
#: The slots of a `PHONE` column's fixed line, the first free one taken.
_FIXED_SLOTS = ("home_phone", "office_phone")
#: The extra value keeping the number of a row's first `PHONE` column when its slot is taken.
_SPILL = "extra_phone"


@attrs.frozen
class Reject:
    """One rejected cell: where it is, why, and its value in masked form only."""

    row: int
    column: str
    field: str
    code: str
    message: str
    message_zh: str
    masked_value: str

    @classmethod
    def from_error(cls, row: int, column: str, field: str, error: ValidationError) -> Reject:
        """Build from a `custmaster.ValidationError` (whose masked value is used, never the raw)."""
        return cls(
            row=row,
            column=column,
            field=field,
            code=error.code,
            message=error.message,
            message_zh=error.message_cn,
            masked_value=error.masked_value or "",
        )

    def as_row(self) -> tuple[object, ...]:
        """The values in `REJECT_COLUMNS` order."""
        return (
            self.row,
            self.column,
            self.field,
            self.code,
            self.message,
            self.message_zh,
            self.masked_value,
        )


@attrs.frozen
class RowResult:
    """One validated row: the normalised values, the rejected cells and the unmapped columns.

    ``values`` maps each field whose cell was valid to its normalised value (text, or a
    `datetime.date` for the `DATE_FIELDS`), ready for ``SourceRecord(**values)``. ``extra``
    holds the unmapped columns as text (for ``SourceRecord.extra``). ``more`` holds the
    further numbers of phone cells holding several, as ``(field, number)``: ``values`` has the
    first number of such a cell.

    Read with ``all_columns`` (`RowValidator`), ``more`` also holds the numbers of repeated
    phone columns (``手机2``) and ``conflicts`` the later columns of a single-valued field
    whose value differs from the one in ``values`` (code ``row.conflicting_columns``).
    """

    row: int
    values: dict[str, Any] = attrs.field(repr=lambda v: f"<{len(v)} fields>")
    rejects: tuple[Reject, ...] = ()
    extra: dict[str, str] = attrs.field(factory=dict, repr=lambda v: f"<{len(v)} extra>")
    more: tuple[tuple[str, phone_module.PhoneNumber], ...] = ()
    conflicts: tuple[Reject, ...] = ()
    #: The normalised values of each cell that gave more than one value, or that no mapped
    #: column holds (a `PHONE` or repeated column), by header; ``()`` for a mapped column
    #: left empty whose field another column filled.
    cells: dict[str, tuple[Any, ...]] = attrs.field(factory=dict, repr=False)
    #: ``(header, field, value)`` of the identity cell read as another field than its column's
    #: (a USCC or another document in 身份证号: `identity_value`, `organisation_code`; an old
    #: organisation code in the USCC's column: `old_code_document`), and of the document-type
    #: cell that decided it (field `DOCUMENT_TYPE`, its text).
    routed: tuple[tuple[str, str, Any], ...] = attrs.field(default=(), repr=False)
    #: The values of the columns of one line's policy (`HeaderMap.lines`: 商业险保单号,
    #: 交强险终保日期), read with ``all_columns``: line code → field → value.
    lines: dict[str, dict[str, Any]] = attrs.field(factory=dict, repr=False)
    #: ``(field, number, outcome, note)`` of each number of a phone cell whose note says it is
    #: bad (``13800138000（空号）``, `noted_numbers`): the number is in ``values`` or ``more``
    #: as any other, and the importers record a contact event of ``outcome`` for it.
    noted: tuple[tuple[str, str, ContactOutcome, str], ...] = attrs.field(default=(), repr=False)
    #: Doubts about valid cells, which neither reject the row nor change its values: a 护照
    #: whose number is a resident ID (``document_type.resident_id``, `document_warning`).
    #: ``custmaster validate`` and the imports write them to the rejects file.
    warnings: tuple[Reject, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no cell of the row was rejected."""
        return not self.rejects


@attrs.frozen
class ColumnSummary:
    """The counts for one mapped column."""

    #: The header as the file has it.
    column: str
    #: The canonical field it maps to.
    field: str
    #: Cells that validated.
    valid: int = 0
    #: Cells that were rejected.
    invalid: int = 0
    #: Blank cells (or `EMPTY_MARKERS`).
    empty: int = 0
    #: Valid cells whose normalised form differs from the cell's text.
    changed: int = 0
    #: Valid phone cells holding several numbers (each such cell is also one of ``valid``).
    multiple: int = 0
    #: Cells the field's validator knows as a placeholder for "none" (`PLACEHOLDER_CODES`:
    #: 新车未上牌, an engine number of zeros …), read as empty (each is also one of ``empty``).
    placeholders: int = 0


@attrs.frozen
class ValidationSummary:
    """What `validate_file` did: rows, counts per column, error codes and where output went.

    The columns (``columns``, ``unmapped``, ``duplicates``, ``sources``) are those of every
    layout met: a workbook's every sheet read and the parts of a file joined with another
    layout, each once, in the order first met; a column's counts add up over them.
    """

    path: Path
    kind: str
    encoding: str | None
    #: The (first) sheet read of a workbook: ``sheets`` lists every one.
    sheet: str | None
    #: The header's row (of the first sheet read).
    header_row: int
    #: Data rows read (blank rows are not counted).
    rows: int
    #: Rows with at least one rejected cell.
    rows_rejected: int
    #: The counts of each column read, by header and field.
    columns: tuple[ColumnSummary, ...]
    #: Headers that map to no field (their cells are kept, unchecked, as extra columns).
    unmapped: tuple[str, ...]
    #: Headers whose field an earlier column already gives (each is checked too).
    duplicates: tuple[str, ...]
    #: Rejected cells (lines of the rejects file, with the ``conflicts``).
    rejects: int
    #: Rejected cells per error code, most frequent first.
    codes: tuple[tuple[str, int], ...]
    rejects_path: Path | None
    output_path: Path | None
    #: Row numbers of summary rows (合计, 总计, 小计) skipped: they are no customer's data
    #: (of every sheet read, in order: ``sheets`` tells each sheet's).
    summary_rows: tuple[int, ...] = ()
    #: Warnings: a later column of a single-valued field holding another value than the
    #: first on a row (``row.conflicting_columns``; also lines of the rejects file). The
    #: first value is used; an import rejects such a row.
    conflicts: int = 0
    #: ``(header, source column)`` of the columns the mapping names as source columns
    #: (`custmaster.workflows.headers.SOURCE_COLUMNS`: observed_at, operator …): the imports
    #: read them; they are not checked here.
    sources: tuple[tuple[str, str], ...] = ()
    #: Row numbers of the other lines skipped as no data, as the imports skip them
    #: (`custmaster.workflows.reading`): the header repeated, a title line above it, footer
    #: lines (制表人：…, 打印时间：…); of every sheet read, as ``summary_rows``.
    skipped_rows: tuple[int, ...] = ()
    #: Each sheet of a workbook read, in order: its header row, rows, lines skipped (none for
    #: a CSV or HTML file).
    sheets: tuple[SheetSummary, ...] = ()
    #: ``(sheet, reason)`` of each sheet of a workbook not read
    #: (`custmaster.workflows.reading.SKIP_REASONS`).
    skipped_sheets: tuple[tuple[str, str], ...] = ()
    #: Warnings about valid cells per code, most frequent first (`RowResult.warnings`, also
    #: lines of the rejects file): the rows are valid and an import takes them, as read.
    warnings: tuple[tuple[str, int], ...] = ()

    @property
    def rows_valid(self) -> int:
        """Rows without any rejected cell."""
        return self.rows - self.rows_rejected

    @property
    def valid(self) -> int:
        """Valid cells over all mapped columns."""
        return sum(c.valid for c in self.columns)

    @property
    def invalid(self) -> int:
        """Rejected cells over all mapped columns (equals ``rejects``)."""
        return sum(c.invalid for c in self.columns)

    @property
    def empty(self) -> int:
        """Empty cells over all mapped columns."""
        return sum(c.empty for c in self.columns)

    @property
    def multiple(self) -> int:
        """Valid phone cells holding several numbers, over all mapped columns."""
        return sum(c.multiple for c in self.columns)

    @property
    def placeholders(self) -> int:
        """Cells read as empty because they hold a placeholder, over all mapped columns."""
        return sum(c.placeholders for c in self.columns)


def cell_text(value: object) -> str:
    """The text of a cell as a spreadsheet shows it (``13800138000.0`` → ``13800138000``)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


#: Headers of a column that numbers a sheet's lines (序号, 行号, No.).
_ROW_NUMBER_HEADER = re.compile(r"序号|行号|序|(?i:no\.?|#)")


def is_row_number_header(header: str) -> bool:
    """Whether a column only numbers the sheet's lines (序号, 行号, No.): no customer's data.

    >>> is_row_number_header(" 序号"), is_row_number_header("No."), is_row_number_header("编号")
    (True, True, False)
    """
    return _ROW_NUMBER_HEADER.fullmatch(header.strip()) is not None


def is_numbered_blank(row: Mapping[str, object]) -> bool:
    """Whether a row holds nothing but its line number (a template's numbered empty line): every
    cell outside the `is_row_number_header` columns is empty (`is_empty_cell`).

    >>> is_numbered_blank({"序号": "2", "电话号码": "", "备注": "无"})
    True
    >>> is_numbered_blank({"序号": "3", "电话号码": "", "备注": "待补充"})
    False
    """
    return all(
        is_row_number_header(header) or is_empty_cell(cell_text(cell))
        for header, cell in row.items()
        if cell is not None
    )


def is_empty_cell(text: str) -> bool:
    """Whether a cell's text means "no value": blank, or one of the `EMPTY_MARKERS`, also in
    brackets (``（空）``, ``【无】``, ``[NULL]``).

    >>> is_empty_cell(" #N/A "), is_empty_cell("不详"), is_empty_cell("－"), is_empty_cell("0")
    (True, True, True, False)
    >>> is_empty_cell("（空）"), is_empty_cell("(张三)")
    (True, False)
    """
    stripped = text.strip()
    if not stripped:
        return True
    if len(stripped) > _MARKER_MAX + 2:
        return False
    folded = stripped.casefold()
    if folded in _EMPTY_FORMS:
        return True
    if folded[:1] in _OPENING and folded[-1:] == _OPENING[folded[:1]]:
        inner = folded[1:-1].strip()
        return not inner or inner in _EMPTY_FORMS
    return False


def is_zero_placeholder(field: str, text: str) -> bool:
    """Whether a cell of ``field`` holds zeros alone (``0``, ``00000000000``, ``'000-0000``):
    a core system's or a typist's placeholder for "none" in a phone, identity number, plate,
    VIN, engine number or postcode column, read as an empty cell rather than rejected.

    >>> is_zero_placeholder("mobile", "00000000000"), is_zero_placeholder("resident_id", "0")
    (True, True)
    >>> is_zero_placeholder("mobile", "0592-0000000"), is_zero_placeholder("name", "0")
    (False, False)
    """
    if field not in _ZERO_FIELDS:
        return False
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if "0" not in text:
        return False
    compact = _ZERO_NOISE.sub("", text)
    return bool(compact) and not compact.strip("0")


#: 性别 cells saying "not known" (GB/T 2261.1: 0 未知的性别, 9 未说明的性别).
_GENDER_UNKNOWN = frozenset({"0", "9", "未知的性别", "未说明的性别", "未说明", "不明"})
#: A plate cell of stars and dashes alone: a core system's mark of a car not yet registered
#: (``*-``, ``*``); a masked plate keeps its province (``闽D***45``) and is refused.
_PLATE_STARS = re.compile(r"[*＊][*＊\-—.·/]*")


def is_field_placeholder(field: str, text: str) -> bool:
    """Whether a cell of ``field`` holds a source's code for "none", read as an empty cell
    rather than rejected: zeros alone (`is_zero_placeholder`), a 性别 of ``0`` or ``9``
    (GB/T 2261.1 未知的性别, 未说明的性别), a plate of stars (``*-``: 新车未上牌).

    >>> is_field_placeholder("gender", "9"), is_field_placeholder("plate", "*-")
    (True, True)
    >>> is_field_placeholder("plate", "闽D***45"), is_field_placeholder("gender", "1")
    (False, False)
    """
    if field == "gender":
        return "".join(text.split()) in _GENDER_UNKNOWN
    if field == "plate" and _PLATE_STARS.fullmatch("".join(text.split())):
        return True
    return is_zero_placeholder(field, text)


#: Opening brackets and their closing ones, around a marker (``（空）``).
_OPENING = {"(": ")", "（": "）", "[": "]", "【": "】", "<": ">", "《": "》"}


def _cell_error(code: str, text: str, en: str, zh: str) -> InvalidFormat:
    return InvalidFormat(en, code=code, masked_value=mask_unknown(text), message_zh=zh)


def _precision_error(text: str) -> InvalidFormat:
    return _cell_error(
        "cell.precision",
        text,
        "The cell holds a number of more than 15 digits as a number: Excel keeps 15, the last "
        "digits are lost. Format the column as text in the source and export it again.",
        "单元格中的数字超过 15 位且以数值保存，Excel 只保留 15 位，末几位已丢失；"
        "请在源表中将该列设为文本后重新导出。",
    )


#: What `custmaster.workflows.reading` reads a byte sequence that is no character as.
_REPLACED = "\ufffd"


def _damaged_error(text: str) -> InvalidFormat:
    return _cell_error(
        "cell.encoding",
        text.replace(_REPLACED, "?"),
        "The cell holds bytes that are no character in the file's encoding (a character cut "
        "in half by the system that exported it): its value is lost. Export the file again.",
        "单元格含有不属于文件编码的字节（导出系统截断了字符），其值已损坏；请重新导出文件。",
    )


def _unquoted(text: str) -> str:
    """``text`` without a leading apostrophe or an ``="…"`` wrapper (Excel's ways to keep text)."""
    stripped = text.strip()
    if stripped.startswith(_QUOTES):
        return stripped[1:].strip()
    if len(stripped) > 3 and stripped.startswith('="') and stripped.endswith('"'):
        return stripped[2:-1].strip()
    return text


def field_text(field: str, cell: object) -> str:
    """The text a non-empty cell gives ``field``, as the spreadsheet meant it; raises when the
    spreadsheet has already lost the value.

    A leading apostrophe (``'440305…``) or an ``="…"`` wrapper is dropped. For fields holding
    codes and numbers (IDs, phones, policy numbers, postcodes …) a whole number written as a
    float loses its ``.0`` (``361001.0`` → ``361001``); scientific notation (``4.40305E+17``)
    raises ``cell.scientific``, and a number of more than 15 digits that went through a float
    (``440305199001011234.0``, or a float cell from an XLSX file) raises ``cell.precision``:
    the digits a spreadsheet shows there are not the ones typed. (An integer cell keeps all
    its digits: it is used as is.)

    >>> field_text("postcode", "361001.0"), field_text("resident_id", "'11010519491231002X")
    ('361001', '11010519491231002X')
    >>> field_text("resident_id", "4.40305E+17")
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidFormat: [cell.scientific] value=4*********7: The cell holds ...
    """
    if type(cell) is str:
        text = cell
    elif isinstance(cell, float) and math.isfinite(cell) and abs(cell) >= _EXACT_LIMIT:
        raise _precision_error(cell_text(cell))
    else:
        text = cell_text(cell)
    if _REPLACED in text:
        raise _damaged_error(text)
    if text.startswith(_QUOTE_START):
        text = _unquoted(text)
    if field in _CODE_FIELDS and ("E+" in text or "e+" in text or ".0" in text):
        stripped = text.strip()
        if _SCIENTIFIC.fullmatch(stripped):
            raise _cell_error(
                "cell.scientific",
                stripped,
                "The cell holds a number in scientific notation, as Excel shows a long number: "
                "its last digits are lost. Format the column as text in the source and export "
                "it again.",
                "单元格为科学计数法数字（Excel 显示长数字的方式），末几位已丢失；"
                "请在源表中将该列设为文本后重新导出。",
            )
        whole = _FLOAT_TEXT.fullmatch(stripped)
        if whole is not None:
            digits = whole.group(1)
            if len(digits.lstrip("0")) > 15:
                raise _precision_error(stripped)
            return digits
    if field == "policy_no" and _several_policies(text):
        raise _cell_error(
            "cell.several_policies",
            text.strip(),
            "The cell holds several policy numbers (商业险 and 交强险 in one cell?); give each its "
            "own column (商业险保单号, 交强险保单号) or row. Read as one, they would make a number "
            "that is no policy's.",
            "单元格中有多个保单号（商业险与交强险写在同一格？）；请分列（商业险保单号、交强险保单号）"
            "或分行填写，否则会被拼成一个不存在的保单号。",
        )
    return text


#: Parts of a policy-number cell between separators other than spaces (``/``, ``、``, a line
#: break …), and parts between spaces.
_POLICY_SEPARATORS = re.compile(r"\s*[/／、,，;；|\n\r]+\s*")
_POLICY_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_.]{7,}")


def _several_policies(text: str) -> bool:
    """Whether a policy-number cell holds two numbers or more: parts of at least 8 characters
    with 4 digits or more each, split by ``/``, ``、``, a comma, a line break …, or by spaces
    when each part starts with a letter (``PDAA2026001 PDZA2026001``; a number typed with
    spaces inside, ``PDAA202635 0200000101``, is one number)."""
    stripped = text.strip()
    parts = [part for part in _POLICY_SEPARATORS.split(stripped) if part]
    if len(parts) < 2:
        parts = stripped.split()
        if len(parts) < 2 or not all(part[:1].isalpha() for part in parts):
            return False
    return all(
        _POLICY_PART.fullmatch(part) is not None and sum(c.isdigit() for c in part) >= 4
        for part in parts
    )


def holds_several(text: str) -> bool:
    """Whether a phone cell's text may hold several numbers (a separator, two long numbers).

    >>> holds_several("13800138000/13900139000"), holds_several("138 0013 8000")
    (True, False)
    """
    return _SEVERAL.search(text) is not None


def split_phone_cell(
    text: str, convert: Callable[[str], str] = phone_module.validate
) -> tuple[str, tuple[phone_module.PhoneNumber, ...]]:
    """The canonical first number of a phone cell and the further numbers it holds.

    A cell of one number gives ``(number, ())`` (``convert`` reads it: the model's converter
    of the field, by default `custmaster.validate.phone.validate`). A cell of several
    (``13800138000/13900139000``, ``13800138000；0592-5123456``;
    `custmaster.validate.phone.parse_many`) gives the first and the others, duplicates
    dropped. A cell with an invalid part raises that part's error (its code, the part
    masked); a cell that is no number raises the single-number error.

    >>> first, more = split_phone_cell("13800138000；0592-5123456")
    >>> first, [number.canonical for number in more]
    ('+8613800138000', ['+865925123456'])
    >>> split_phone_cell("13800138000/138OO138OOO")
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidFormat: [phone.vanity] value=1*********O: One of the numbers ...
    """
    try:
        return convert(text), ()
    except ValidationError as error:
        if not _SEVERAL.search(text):
            raise
        found = phone_module.parse_many(text)
        if found.rejects or not found.numbers:
            loose = _loose_numbers(text)
            if loose is not None:  # read around notes and zeros (张先生, /0)
                found = phone_module.ParsedPhones(loose)
        if found.rejects and len(found.numbers) + len(found.rejects) > 1:
            masked, code = found.rejects[0]
            what = phone_module.ERROR_CODES.get(code, "")
            raise InvalidFormat(
                f"One of the numbers in the cell is invalid: {what}",
                code=code,
                masked_value=masked,
                message_zh="单元格中的某个电话号码无效。",
            ) from None
        if not found.numbers or found.rejects:
            raise error from None
        first = found.numbers[0]
        return convert(first.canonical), found.numbers[1:]


#: A run of Han characters in a phone cell, with the brackets around it (a note or a label).
_NOTE_SPAN = re.compile(r"[（(【\[]?\s*[\u3400-\u9fff]+\s*[)）】\]]?")
#: The outcomes a note that a number is bad is recorded as.
_NOTE_VERDICTS = frozenset(
    {ContactOutcome.INVALID, ContactOutcome.WRONG_NUMBER, ContactOutcome.SUSPENDED}
)
#: Notes no call-back phrase reads (`custmaster.workflows.outcomes`): a cancelled number no
#: longer exists; a line stopped (停用) is suspended. Any other bad-number note (错, 已不用,
#: 已换号, 非本人 …) says the number is not the customer's: a wrong number.
_NOTE_OUTCOMES: tuple[tuple[re.Pattern[str], ContactOutcome], ...] = (
    (re.compile("空号|不存在|无此号|无效|作废|销号|销户|注销"), ContactOutcome.INVALID),
    (re.compile("停机|停用|暂停服务"), ContactOutcome.SUSPENDED),
)


def note_outcome(note: str) -> ContactOutcome:
    """The contact outcome a note saying a number is bad means: ``invalid`` (空号, 已销号),
    ``suspended`` (停机) or ``wrong_number`` (错号, 非本人, 已不用 …).

    >>> [note_outcome(n).value for n in ("空号", "停机", "非本人", "已不用")]
    ['invalid', 'suspended', 'wrong_number', 'wrong_number']
    """
    try:
        outcome: ContactOutcome | None = read_outcome(note)
    except ValidationError:
        outcome = None
    if outcome is not None and outcome in _NOTE_VERDICTS:
        return outcome
    for pattern, found in _NOTE_OUTCOMES:
        if pattern.search(note):
            return found
    return ContactOutcome.WRONG_NUMBER


def noted_numbers(
    text: str,
) -> tuple[tuple[phone_module.PhoneNumber, ContactOutcome | None, str], ...] | None:
    """The numbers of a phone cell that carries a note saying a number is bad, each with the
    outcome of its note (`note_outcome`) and the note, or ``None`` and ``""``.

    Spreadsheets mark numbers found bad in the cell itself (``13800138000（空号）``,
    ``13800138000 停机/13900139000``). The number is still the customer's record of it, so the
    importers keep it and record what the note says, rather than lose the row. A note belongs to
    the number just before it, or, first in the cell, to the number after it. Returns ``None``
    when the cell has no such note, holds no number, or has a part that is no number (the
    cell stays rejected with its own code).

    >>> [(n.canonical, o and o.value, note) for n, o, note in
    ...  noted_numbers("13800138000（空号）/13900139000")]
    [('+8613800138000', 'invalid', '空号'), ('+8613900139000', None, '')]
    >>> noted_numbers("空号") is None, noted_numbers("13800138000") is None
    (True, True)
    """
    if not phone_module.has_status_note(text):
        return None
    items: list[tuple[phone_module.PhoneNumber | None, str]] = []
    start = 0
    parts: list[tuple[str, str]] = []
    for span in _NOTE_SPAN.finditer(text):
        run = "".join(_HAN_RUN.findall(span.group()))
        if run in _EXTENSION_WORDS:
            continue  # 转, 分机: part of the number
        parts.append((text[start : span.start()], run))
        start = span.end()
    parts.append((text[start:], ""))
    for digits, note in parts:
        read = _part_numbers(digits)
        if read is None:
            return None
        items.extend((number, "") for number in read)
        said = status_note(note) if note else None
        if said:  # the words about the number only, never a name beside them (王先生空号)
            items.append((None, said))
    numbers = [number for number, _ in items if number is not None]
    if not numbers:
        return None
    notes: dict[str, str] = {}
    for at, (number, note) in enumerate(items):
        if number is not None:
            continue
        before = [n for n, _ in items[:at] if n is not None]
        target = before[-1] if before else next(n for n, _ in items[at:] if n is not None)
        notes.setdefault(target.canonical, note)
    unique: dict[str, phone_module.PhoneNumber] = {}
    for number in numbers:
        unique.setdefault(number.canonical, number)
    return tuple(
        (number, note_outcome(notes[key]) if key in notes else None, notes.get(key, ""))
        for key, number in unique.items()
    )


def _part_numbers(text: str) -> list[phone_module.PhoneNumber] | None:
    """The numbers of a phone cell's text cut at its separators (``/``, ``；``, ``、`` …), parts
    of placeholders or zeros alone left out; None when a part is no number."""
    numbers: list[phone_module.PhoneNumber] = []
    for raw in _PART_SPLIT.split(text):
        part = raw.strip(_PART_PUNCTUATION)
        if not part or is_empty_cell(part) or is_zero_placeholder("phone", part):
            continue
        try:
            numbers.append(phone_module.parse(part))
        except ValidationError:
            found = phone_module.parse_many(part)
            if found.rejects or not found.numbers:
                return None
            numbers.extend(found.numbers)
    return numbers


def _loose_numbers(text: str) -> tuple[phone_module.PhoneNumber, ...] | None:
    """The numbers of a phone cell read around its notes and placeholders, or None.

    A note about the person (``张先生13800138000``, ``13800138000或13900139000``) separates the
    numbers; a part of zeros alone (``13800138000/0``) is no number. None when a part is
    still no number, or when a note says a number is bad (空号, 停机, 已不用 …: the notes
    `custmaster.validate.phone` refuses a number for, `phone.has_status_note`): such a cell
    stays rejected with its own code. A note about one call (关机, 打不通) is no such note.
    """
    if phone_module.has_status_note(text):
        return None
    cleaned = _HAN_RUN.sub(
        lambda run: run.group() if run.group() in _EXTENSION_WORDS else "/", text
    )
    numbers = _part_numbers(cleaned)
    if numbers is None:
        return None
    unique = tuple({number.canonical: number for number in reversed(numbers)}.values())
    return unique[::-1] or None


def _model_converter(field: str) -> Callable[[object], Any]:
    converter = getattr(attrs.fields(SourceRecord), field).converter
    if converter is None:
        return _identity
    return cast("Callable[[object], Any]", converter)


def _identity(value: object) -> object:
    return value


def date_cell(value: object) -> object:
    """A date cell as `custmaster.workflows.dates.parse_date` takes it (quotes dropped); raises
    ``cell.encoding`` for a cell holding bytes that were no character."""
    if type(value) is str:
        if _REPLACED in value:
            raise _damaged_error(value)
        if value.startswith(_QUOTE_START):
            return _unquoted(value)
    return value


def _date_normaliser(field: str) -> Callable[[object], Any]:
    if field == "birth_date":

        def birth(value: object) -> dt.date:
            return parse_date(date_cell(value), field=field, latest=dt.date.today())

        return birth

    def convert(value: object) -> dt.date:
        return parse_date(date_cell(value), field=field)

    return convert


def _normaliser(field: str) -> Callable[[object], Any]:
    """The function that turns a non-empty cell into the field's normalised value (or raises)."""
    if field in DATE_FIELDS:
        return _date_normaliser(field)
    convert = _model_converter(field)
    if field == "policy_no":  # `field_text` refuses a cell of several numbers

        def policy(value: object) -> Any:
            return convert(field_text(field, value))

        return policy
    if field == "line":  # 商业保险, 交强保险: the words a line's own columns are named by

        def line(value: object) -> Any:
            text = field_text(field, value)
            return convert(LINE_PREFIXES.get("".join(text.split()), text))

        return line
    if field in _CODE_FIELDS:

        def normalise(value: object) -> Any:
            if (
                type(value) is str
                and not value.startswith(_QUOTE_START)
                and "+" not in value
                and ".0" not in value
                and _REPLACED not in value
            ):  # the common case, which `field_text` would return as it is
                return convert(value)
            return convert(field_text(field, value))

        return normalise

    def normalise_text(value: object) -> Any:
        # `field_text` inlined for the common case: text of a field that holds no code.
        if type(value) is str:
            if _REPLACED in value:
                raise _damaged_error(value)
            if value.startswith(_QUOTE_START):
                value = _unquoted(value)
            return convert(value)
        return convert(field_text(field, value))

    return normalise_text


def organisation_code(cell: object) -> str | None:
    """The USCC in a resident-ID column's cell, or None.

    Insurers' extracts have one identity column (身份证号, 证件号码) for every insured, and an
    organisation's row holds its unified social credit code there. A cell that is not a
    resident ID but is a valid USCC (check character included) is read as the USCC, so the
    organisation is imported as one rather than its row rejected.
    """
    try:
        return cn_uscc.validate(field_text("uscc", cell))
    except ValidationError:
        return None


def _old_code(number: str) -> IdentityDocument:
    return IdentityDocument(type=DocumentType.ORG_CODE, country="CHN", number=number)


def old_code_document(cell: object) -> IdentityDocument | None:
    """The organisation code (组织机构代码) in a cell where a USCC may be, or None.

    A cell of 9 characters once its separators are gone (``60003734-1``, ``６０００３７３４－１``)
    is read as an organisation's code from before the USCC (`custmaster.validate.cn_org_code`)
    and returned as its ``org_code`` document; such a cell that is no valid code raises the
    code's error (``cn_org_code.checksum`` …, field ``id_document``). None for any other
    cell: a USCC, or anything the USCC's own check must judge.

    >>> old_code_document("60003734-1").key
    ('org_code', 'CHN', '600037341')
    >>> old_code_document("91110000600037341L") is None
    True
    """
    text = field_text("uscc", cell)
    if len(cn_org_code.compact(text)) != 9:
        return None
    try:
        return _old_code(cn_org_code.validate(text))
    except ValidationError as error:
        raise error.for_field("id_document") from None


#: An organisation code as the certificate prints it, with the hyphen before the check
#: character (``60003734-1``), after `unicodedata.normalize` (NFKC) and without spaces.
_HYPHENATED = re.compile("[0-9A-Z]{8}[-\u2010-\u2015\u2212][0-9X]")


def _hyphenated_old_code(cell: object) -> IdentityDocument | None:
    """The organisation code of an identity cell holding one as the certificate prints it,
    with its hyphen (``60003734-1``), or None. Without its hyphen a 9-character value in an
    identity column may be another document (a passport: ``E12345678``): it is not guessed."""
    try:
        text = field_text("resident_id", cell)
    except ValidationError:
        return None
    compact = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if not _HYPHENATED.fullmatch(compact) or not cn_org_code.is_valid(compact):
        return None
    return _old_code(cn_org_code.validate(compact))


def document_warning(row: int, column: str, document: IdentityDocument) -> Reject | None:
    """The warning ``document_type.resident_id`` for a document that the row's type names (护照,
    港澳通行证 …) whose number is a valid 18-digit resident ID, or None.

    Such a row is read as the type says: a key of its own, so a customer apart from the one
    who has that resident ID. It is not rejected (a passport may carry any number), but it is
    reported: the typist most likely chose the wrong type for an ID card.

    >>> doc = IdentityDocument(type="护照", number="110105198001010016")
    >>> document_warning(2, "证件号码", doc).code
    'document_type.resident_id'
    >>> document_warning(2, "证件号码", IdentityDocument(type="护照", number="E12345678")) is None
    True
    """
    number = document.number
    if len(number) != 18 or not number[:17].isdigit() or not cn_resident_id.is_valid(number):
        return None
    kind = document.type.value
    return Reject(
        row=row,
        column=column,
        field="id_document",
        code="document_type.resident_id",
        message=(
            f"A warning: the document type says {kind}, but the number is a valid 18-digit "
            "resident ID; the row is read as that document, a customer apart from the one with "
            "the resident ID. Check the document type (证件类型)."
        ),
        message_zh=(
            "警告：证件类型不是身份证，但证件号码是有效的 18 位身份证号码；该行按所填证件类型读取，"
            "与持此身份证号码的客户分开。请核对证件类型。"
        ),
        masked_value=mask("id_document", number),
    )


#: The issuing country of documents whose type says it.
_DOCUMENT_COUNTRIES = {
    DocumentType.TAIWAN_PERMIT: "TWN",
    DocumentType.MILITARY_OFFICER: "CHN",
    DocumentType.SOLDIER: "CHN",
    DocumentType.POLICE_OFFICER: "CHN",
    DocumentType.HOUSEHOLD_REGISTER: "CHN",
    DocumentType.BIRTH_CERTIFICATE: "CHN",
}
#: A type cell's text shown in a message as it is: short, and no run of digits that could be a
#: number put in the wrong column.
_SHOWN_TYPE = re.compile(r"[^\d]{0,12}|[^\d]{0,9}\d{1,3}[^\d]{0,9}")


def unknown_document_type(type_text: str) -> InvalidFormat:
    """The error of a `DOCUMENT_TYPE` cell no code table or word list knows
    (``document_type.unknown``): the row's identity number is not read, never guessed."""
    text = type_text.strip()
    shown = text if _SHOWN_TYPE.fullmatch(text) else mask_unknown(text)
    return InvalidFormat(
        f"The document type {shown!r} (证件类型) is not a known type or code; the ID number is "
        f'not read. Name the code in the mapping: {{"document_type:{shown}": "护照"}}.',
        code="document_type.unknown",
        field=DOCUMENT_TYPE,
        masked_value=shown,
        message_zh=(
            f"证件类型 {shown!r} 无法识别，证件号码未读取；请在映射中注明该代码对应的证件类型"
            f'（如 "document_type:{shown}": "护照"）。'
        ),
    )


def identity_value(
    type_text: str, cell: object, codes: Mapping[str, str] = DEFAULT_DOCUMENT_CODES
) -> tuple[str, Any] | None:
    """Where the identity column's cell goes, by the row's document type (证件类型).

    The type is a code of ``codes`` (`custmaster.workflows.headers.DEFAULT_DOCUMENT_CODES`,
    or the user's table: `HeaderMap.document_codes`) or a word
    (`custmaster.workflows.headers.document_kind`). None when the cell is read as a resident
    ID: an empty type, a resident ID (身份证, 01, the residence permits of Hong Kong, Macao and
    Taiwan residents), a driving licence (驾驶证, numbered by the holder's 公民身份号码), or a
    household register (户口簿) or 其他 whose number is a valid resident ID.
    ``("uscc", code)`` for an organisation's code (统一社会信用代码, 营业执照 …, or 其他 with a
    valid USCC); an organisation type (these, and 组织机构代码) reads a 9-character number as
    the organisation's old code, ``("id_document", document)`` of type ``org_code``
    (`old_code_document`), and an 18-character one as its USCC: a system that kept the label
    组织机构代码 after 2015 holds the USCC there. ``("id_document", document)`` for another
    document (护照, 台胞证, 港澳通行证,
    军官证 …), an `IdentityDocument` whose country is the one the type implies (台胞证: TWN;
    回乡证: HKG or MAC by the number's letter; 军官证, 户口簿 …: CHN), else unknown. Raises
    the `ValidationError` of a code or number that is not valid, and
    ``document_type.unknown`` (`unknown_document_type`) for a type it does not know: an
    unknown type is never read as a resident ID.

    >>> identity_value("台胞证", "0123 4567")[1].key
    ('taiwan_permit', 'TWN', '01234567')
    >>> identity_value("营业执照", "91350200MA2Y12345E")
    ('uscc', '91350200MA2Y12345E')
    >>> identity_value("组织机构代码证", "60003734-1")[1].key
    ('org_code', 'CHN', '600037341')
    >>> identity_value("居民身份证", "11010519491231002X") is None
    True
    >>> identity_value("03", "E1234 5678")[1].key
    ('passport', '', 'E12345678')
    >>> identity_value("08", "11010519491231002X")
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidFormat: [document_type.unknown] document_type=08: The document ...
    """
    kind = document_kind(type_text, codes)
    if kind is None:
        raise unknown_document_type(type_text)
    if kind in ("resident_id", "driving_licence"):
        return None
    if kind in ("uscc", "org_code"):
        old = old_code_document(cell)
        if old is not None:
            return ("id_document", old)
        text = field_text("uscc", cell)
        if kind == "org_code" and len(cn_uscc.compact(text)) != 18:
            try:  # neither form: the old code's error (its length)
                cn_org_code.validate(text)
            except ValidationError as error:
                raise error.for_field("id_document") from None
        return ("uscc", cn_uscc.validate(text))
    document = DocumentType(kind)
    if document in (DocumentType.HOUSEHOLD_REGISTER, DocumentType.OTHER):
        # a household register's number is its holder's 公民身份号码; 其他 often hides a
        # resident ID or a USCC: a number that validates as one (check character included)
        if cn_resident_id.is_valid(field_text("resident_id", cell)):
            return None
        if document is DocumentType.OTHER:
            uscc = organisation_code(cell)
            if uscc is not None:
                return ("uscc", uscc)
    number = field_text("resident_id", cell)
    country = _DOCUMENT_COUNTRIES.get(document)
    if document is DocumentType.HK_MACAO_PERMIT:
        country = {"H": "HKG", "M": "MAC"}.get(number.strip()[:1].upper())
    try:
        return ("id_document", IdentityDocument(type=document, country=country, number=number))
    except ValidationError as error:
        raise error.for_field("id_document") from None


#: The fields whose column may hold an organisation's other code: a USCC in the ID column, an
#: old organisation code in the USCC's (`_organisation_cell`).
_ORGANISATION_FIELDS = frozenset({"resident_id", "uscc"})


def _organisation_cell(field: str, cell: object) -> tuple[str, Any] | None:
    """``(field, value)`` of an organisation's code in a cell its column's field refused: a
    USCC in the ID column (`organisation_code`) or an old code printed with its hyphen there
    (``60003734-1``); an old code in the USCC's column (`old_code_document`, which raises
    for 9 characters that are no valid code). In the ID column also a foreigner's permanent
    residence card of the 2023 form (``9…``), as an identity document. None when the cell
    holds none of these."""
    if field == "uscc":
        document = old_code_document(cell)
        return None if document is None else ("id_document", document)
    uscc = organisation_code(cell)
    if uscc is not None:
        return ("uscc", uscc)
    card = _foreign_permanent_card(cell)
    if card is not None:
        return ("id_document", card)
    document = _hyphenated_old_code(cell)
    return None if document is None else ("id_document", document)


def _foreign_permanent_card(cell: object) -> IdentityDocument | None:
    """The 2023 foreigner's permanent residence card whose number the ID column holds
    (`custmaster.validate.cn_foreign_permanent_id`: built like a resident ID, starting with
    ``9``), or None."""
    if not isinstance(cell, (str, int)):
        return None
    try:
        number = cn_foreign_permanent_id.validate(str(cell))
    except ValidationError:
        return None
    return IdentityDocument(type=DocumentType.FOREIGN_PERMANENT_RESIDENT, number=number)


def display(value: object) -> str:
    """The text of a normalised value: ISO dates, enum values, codes of policy lines.

    >>> display(dt.date(2026, 12, 4)), display("+8613800138000")
    ('2026-12-04', '+8613800138000')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def mask_field(field: str, value: object) -> str:
    """The display form of a normalised field value (PRIVACY.md); non-personal fields as is.

    >>> mask_field("mobile", "+8613800138000"), mask_field("cover_end", dt.date(2027, 1, 4))
    ('138****8000', '2027-01-04')
    >>> mask_field("address", "福建省厦门市思明区湖滨南路1号")
    '福建省厦门市思明区******'
    >>> mask_field("birth_date", dt.date(1990, 5, 17))
    '1990-**-**'
    """
    if policy_for(field).kind is FieldKind.PLAIN:
        return display(value)
    return mask(field, value)


def place_phone(number: str, values: dict[str, Any]) -> bool:
    """Put a `PHONE` column's number (E.164) in the record slot its kind calls for, if free.

    A mobile goes to ``mobile``, another number to ``home_phone``, else ``office_phone``;
    returns False (``values`` unchanged) when that slot is taken.

    >>> values = {"home_phone": "+865925123456"}
    >>> place_phone("+8613800138000", values), place_phone("+865925550001", values)
    (True, True)
    >>> values["office_phone"], place_phone("+865925550002", values)
    ('+865925550001', False)
    """
    if _MOBILE.fullmatch(number):
        if "mobile" in values:
            return False
        values["mobile"] = number
        return True
    for slot in _FIXED_SLOTS:
        if slot not in values:
            values[slot] = number
            return True
    return False


def _conflict(row: int, columns: tuple[str, str], field: str, values: tuple[Any, Any]) -> Reject:
    first, later = columns
    shown = " / ".join(mask_field(field, value) for value in values)
    return Reject(
        row=row,
        column=later,
        field=field,
        code="row.conflicting_columns",
        message=(
            f"The columns {first!r} and {later!r} hold different values for {field}; "
            f"the first ({first!r}) is used."
        ),
        message_zh=f"“{first}”与“{later}”两列的{field}值不同；采用前一列的值。",
        masked_value=shown,
    )


class RowValidator:
    """Validate rows of one table, given its `HeaderMap`, and count per column as it goes.

    Call it with ``(row_number, row)``; read the counts with `column_summaries`.

    With ``all_columns=True`` (``custmaster validate``, the imports) the columns of a phone of
    unknown kind (`HeaderMap.phones`) and the repeated columns (`HeaderMap.repeats`) are read
    too. A `PHONE` column's number takes the slot its kind calls for (`place_phone`); when
    that slot is taken, the first such column's number is kept as the extra value
    ``extra_phone`` and a later column's becomes a further number (``more``). A repeated
    phone column's numbers fill the field when the row has none, else are further numbers. A
    repeated column of another field fills it when the earlier columns are empty; a
    different value is a conflict (`RowResult.conflicts`, the first value is kept).
    """

    def __init__(self, header_map: HeaderMap, *, all_columns: bool = False) -> None:
        self.header_map = header_map
        #: ``(header, field, normaliser, phone converter)``: the last for phone fields only,
        #: which may hold several numbers (`split_phone_cell`).
        self._plan: list[tuple[str, str, Callable[[object], Any], Callable[[str], str] | None]] = [
            (
                header,
                field,
                _normaliser(field),
                _model_converter(field) if field in _PHONE_FIELD_SET else None,
            )
            for header, field in header_map.mapped
        ]
        #: The `PHONE` columns, then the repeated ones (normaliser None for a `PHONE` column):
        #: read after the mapped columns, in that order, so that the further numbers of a row
        #: come in the order the imports have always given them.
        self._further: list[
            tuple[str, str, Callable[[object], Any] | None, Callable[[str], str] | None]
        ] = []
        self._first_phone: str | None = None
        if all_columns:
            self._further.extend((header, PHONE, None, None) for header in header_map.phones)
            self._further.extend(
                (
                    header,
                    field,
                    _normaliser(field),
                    _model_converter(field) if field in _PHONE_FIELD_SET else None,
                )
                for header, field in header_map.repeats
            )
            self._first_phone = header_map.phones[0] if header_map.phones else None
        #: The columns of one line's policy (商业险保单号 …), read with ``all_columns``.
        self._lines: list[tuple[str, str, str, Callable[[object], Any]]] = (
            [(header, line, field, _normaliser(field)) for header, line, field in header_map.lines]
            if all_columns
            else []
        )
        self._columns = (
            (*header_map.read, *((header, field) for header, _, field in header_map.lines))
            if all_columns
            else header_map.mapped
        )
        self._unmapped = header_map.unread if all_columns else header_map.unmapped
        self._first_column = {field: header for header, field in header_map.mapped}
        types = header_map.document_types
        self._type_column = types[0] if types else None
        self._codes = header_map.document_codes
        self._width = len(header_map.headers)
        self._counts = {header: [0, 0, 0, 0, 0, 0] for header, _ in self._columns}

    def __call__(self, row_number: int, row: Row) -> RowResult:
        values: dict[str, Any] = {}
        rejects: list[Reject] = []
        more: list[tuple[str, phone_module.PhoneNumber]] = []
        cells: dict[str, tuple[Any, ...]] = {}
        counts = self._counts
        #: ``(header, field, value)`` of each cell read as another field than its column's.
        routes: list[tuple[str, str, Any]] = []
        warnings: list[Reject] = []
        noted: list[tuple[str, str, ContactOutcome, str]] = []
        type_text = ""
        if self._type_column is not None:
            kind = row.get(self._type_column)
            if kind is not None:
                type_text = cell_text(kind).strip()
        for header, field, normalise, phone_convert in self._plan:
            cell = row.get(header)
            count = counts[header]
            text = cell if isinstance(cell, str) else cell_text(cell)
            if is_empty_cell(text):
                count[2] += 1
                continue
            further: tuple[phone_module.PhoneNumber, ...] = ()
            if field == "resident_id" and type_text:
                try:
                    other = identity_value(type_text, cell, self._codes)
                except ValidationError as error:
                    count[1] += 1
                    if error.code == "document_type.unknown" and self._type_column is not None:
                        rejects.append(
                            Reject.from_error(row_number, self._type_column, DOCUMENT_TYPE, error)
                        )
                    else:
                        rejects.append(Reject.from_error(row_number, header, field, error))
                    continue
                if other is not None:  # the row's type column names another document
                    count[0] += 1
                    count[3] += 1
                    routes.append((header, *other))
                    if other[0] == "id_document":
                        warning = document_warning(row_number, header, other[1])
                        if warning is not None:
                            warnings.append(warning)
                    continue
            try:
                value = normalise(cell)
            except ValidationError as error:
                failure: ValidationError | None = error
                if field in _ORGANISATION_FIELDS:
                    try:
                        found = _organisation_cell(field, cell)
                    except ValidationError as code_error:  # 9 characters, no valid old code
                        found, failure = None, code_error
                    if found is not None:  # a USCC in the ID column, an old code in the USCC's
                        count[0] += 1
                        count[3] += 1
                        routes.append((header, *found))
                        continue
                if phone_convert is not None and holds_several(text):
                    try:  # a phone cell holding several numbers, each one valid?
                        value, further = split_phone_cell(field_text(field, cell), phone_convert)
                        failure = None
                    except ValidationError as part_error:
                        failure = part_error
                if (
                    failure is not None
                    and failure.code == "phone.status"
                    and phone_convert is not None
                ):
                    read = self._noted(row_number, header, field, text, phone_convert)
                    if read is not None:
                        value, further, found_notes, found_warnings = read
                        noted.extend(found_notes)
                        warnings.extend(found_warnings)
                        failure = None
                if failure is not None and (
                    failure.code in PLACEHOLDER_CODES or is_field_placeholder(field, text)
                ):
                    count[2] += 1  # the source's way of saying "none" (新车未上牌, 0)
                    count[5] += 1
                    continue
                if failure is not None:
                    count[1] += 1
                    rejects.append(
                        Reject.from_error(row_number, header, field, failure.for_field(field))
                    )
                    continue
            if value is None:  # the model folded it to nothing (e.g. only spaces)
                count[2] += 1
                continue
            count[0] += 1
            if further:
                count[4] += 1
                more.extend((field, number) for number in further)
                cells[header] = (value, *(number.canonical for number in further))
            elif display(value) != text.strip():
                count[3] += 1
            values[field] = value
        moved: list[tuple[str, str, Any]] = []
        for header, field, value in routes:
            values.setdefault(field, value)
            moved.append((header, field, value))
        if type_text and self._type_column is not None:
            moved.append((self._type_column, DOCUMENT_TYPE, type_text))
        extra: dict[str, str] = {}
        conflicts: list[Reject] = []
        if self._further:
            self._read_further(
                row_number,
                row,
                values,
                found=(more, extra),
                rejects=rejects,
                conflicts=conflicts,
                cells=cells,
            )
        lines = self._read_lines(row_number, row, rejects, cells) if self._lines else {}
        for header in self._unmapped:
            cell = row.get(header)
            if cell is not None and cell != "":
                extra[header] = cell_text(cell)
        if len(row) > self._width:  # overflow cells beyond the headers (column_<n>)
            for key in row.keys() - set(self.header_map.headers):
                extra[key] = cell_text(row[key])
        return RowResult(
            row=row_number,
            values=values,
            rejects=tuple(rejects),
            extra=extra,
            more=tuple(more),
            conflicts=tuple(conflicts),
            cells=cells,
            routed=tuple(moved),
            lines=lines,
            noted=tuple(noted),
            warnings=tuple(warnings),
        )

    @staticmethod
    def _noted(
        row_number: int,
        header: str,
        field: str,
        text: str,
        convert: Callable[[str], Any],
    ) -> (
        tuple[
            Any,
            tuple[phone_module.PhoneNumber, ...],
            list[tuple[str, str, ContactOutcome, str]],
            list[Reject],
        ]
        | None
    ):
        """A phone cell refused for a note that a number is bad, read as its numbers
        (`noted_numbers`): the first number converted for the field, the others, the noted
        ones and a ``phone.noted`` warning for each; None when it stays refused."""
        found = noted_numbers(text)
        if found is None:
            return None
        try:
            value = convert(found[0][0].canonical)
        except ValidationError:
            return None
        noted: list[tuple[str, str, ContactOutcome, str]] = []
        warnings: list[Reject] = []
        for number, outcome, note in found:
            if outcome is None:
                continue
            noted.append((field, number.canonical, outcome, note))
            warnings.append(
                Reject(
                    row=row_number,
                    column=header,
                    field=field,
                    code="phone.noted",
                    message=(
                        f"A warning: a note says the number is bad ({note}: {outcome.value}); the "
                        "number is kept with a contact event saying so, and the row is "
                        "imported."
                    ),
                    message_zh=f"警告：备注说明该号码有问题（{note}）；号码保留并记录联系结果，该行照常导入。",
                    masked_value=mask_field(field, number.canonical),
                )
            )
        return value, tuple(number for number, _, _ in found[1:]), noted, warnings

    def _read_lines(
        self,
        row_number: int,
        row: Row,
        rejects: list[Reject],
        cells: dict[str, tuple[Any, ...]],
    ) -> dict[str, dict[str, Any]]:
        """The values of the columns of one line's policy (商业险保单号, 交强险终保日期), each
        read as its field's column is; a bad cell is a reject of its column."""
        lines: dict[str, dict[str, Any]] = {}
        for header, line, field, normalise in self._lines:
            cell = row.get(header)
            count = self._counts[header]
            text = cell if isinstance(cell, str) else cell_text(cell)
            if is_empty_cell(text):
                count[2] += 1
                continue
            try:
                value = normalise(cell)
            except ValidationError as error:
                if error.code in PLACEHOLDER_CODES or is_field_placeholder(field, text):
                    count[2] += 1
                    count[5] += 1
                    continue
                count[1] += 1
                rejects.append(Reject.from_error(row_number, header, field, error.for_field(field)))
                continue
            if value is None:
                count[2] += 1
                continue
            count[0] += 1
            if display(value) != text.strip():
                count[3] += 1
            lines.setdefault(line, {})[field] = value
            cells[header] = (value,)
        return lines

    def read_further_columns(
        self, row: Row, values: dict[str, Any], *, normalised: bool = False
    ) -> tuple[list[tuple[str, phone_module.PhoneNumber]], dict[str, str]]:
        """The importers' quick path: read the `PHONE` and repeated columns of ``row`` into
        ``values`` (the mapped columns' values: their cells' text, or with ``normalised``
        what their fields' converters made of them) as a call reads them, but raise the
        first bad cell or conflict (and count nothing).

        Returns the further numbers (``RowResult.more``, after the mapped columns' own) and
        the extra value ``extra_phone`` when there is one.
        """
        more: list[tuple[str, phone_module.PhoneNumber]] = []
        extra: dict[str, str] = {}
        self._read_further(0, row, values, found=(more, extra), texts=not normalised)
        return more, extra

    def _read_further(
        self,
        row_number: int,
        row: Row,
        values: dict[str, Any],
        *,
        found: tuple[list[tuple[str, phone_module.PhoneNumber]], dict[str, str]],
        rejects: list[Reject] | None = None,
        conflicts: list[Reject] | None = None,
        cells: dict[str, tuple[Any, ...]] | None = None,
        texts: bool = False,
    ) -> None:
        """Read the `PHONE` and repeated columns (see the class description) into ``values``
        and ``found`` (further numbers, extra values); without ``rejects`` (the quick path)
        the first bad cell or conflict raises. ``texts``: the mapped columns' values in
        ``values`` are their cells' text, normalised before a repeated column's is compared."""
        more, extra = found
        quick = rejects is None
        given: dict[str, str] = {}
        for header, column_field, normalise, phone_convert in self._further:
            field = column_field  # an old code in a USCC column fills id_document instead
            cell = row.get(header)
            text = cell if isinstance(cell, str) else cell_text(cell)
            count = None if quick else self._counts[header]
            if is_empty_cell(text):
                if count is not None:
                    count[2] += 1
                continue
            further: tuple[phone_module.PhoneNumber, ...] = ()
            value: Any
            try:
                if normalise is None:  # a PHONE column: read as the mobile column would be
                    value, further = split_phone_cell(field_text("mobile", cell))
                elif phone_convert is None:
                    try:
                        value = normalise(cell)
                    except ValidationError:
                        # 组织机构代码 after 统一社会信用代码: an old code is the row's document
                        document = old_code_document(cell) if field == "uscc" else None
                        if document is None:
                            raise
                        field, value = "id_document", document
                else:
                    try:
                        value = normalise(cell)
                    except ValidationError:
                        if not holds_several(text):
                            raise
                        value, further = split_phone_cell(field_text(field, cell), phone_convert)
            except ValidationError as error:
                if error.code in PLACEHOLDER_CODES or is_field_placeholder(field, text):
                    if count is not None:
                        count[2] += 1
                        count[5] += 1
                    continue
                if rejects is None:
                    raise
                if count is not None:
                    count[1] += 1
                rejects.append(Reject.from_error(row_number, header, field, error.for_field(field)))
                continue
            if value is None:
                if count is not None:
                    count[2] += 1
                continue
            if count is not None:
                count[0] += 1
                if further:
                    count[4] += 1
                elif display(value) != text.strip():
                    count[3] += 1
            if cells is not None:
                cells[header] = (value, *(number.canonical for number in further))
                empty = [name for name in (*_PHONE_FIELD_SET, field) if name not in values]
            if header == self._first_phone:  # as the imports have always read it
                more.extend((field, number) for number in further)
                if not place_phone(value, values):
                    extra[_SPILL] = value
            elif normalise is None:  # a later PHONE column: every number is a contact point
                numbers = further
                if not place_phone(value, values):
                    numbers = (phone_module.parse(value), *further)
                more.extend(_new_numbers(field, numbers, values, more))
            elif phone_convert is not None:
                numbers = further
                if field not in values:
                    values[field] = value
                else:
                    numbers = (phone_module.parse(value), *further)
                more.extend(_new_numbers(field, numbers, values, more))
            elif field not in values:
                values[field] = value
                given[field] = header
            else:
                first = values[field]
                if texts:
                    first = _normaliser(field)(first)
                if first != value:
                    source = given.get(field, self._first_column.get(field, ""))
                    conflict = _conflict(row_number, (source, header), field, (first, value))
                    if conflicts is None:
                        raise ValidationError(
                            conflict.message,
                            code=conflict.code,
                            field=field,
                            masked_value=conflict.masked_value,
                            message_zh=conflict.message_zh,
                        )
                    conflicts.append(conflict)
            if cells is not None:
                for name in empty:  # a field this column filled: its own column was empty
                    if name in values and name in self._first_column:
                        cells.setdefault(self._first_column[name], ())

    def column_summaries(self) -> tuple[ColumnSummary, ...]:
        """The counts so far for each column read, in column order."""
        return tuple(
            ColumnSummary(header, field, *self._counts[header]) for header, field in self._columns
        )


def _canonical(number: object) -> object:
    """A phone value as E.164 (the importers' quick path may hold the cell's text)."""
    if isinstance(number, str) and not _MOBILE.fullmatch(number):
        try:
            return phone_module.validate(number)
        except ValidationError:
            return number
    return number


def _new_numbers(
    field: str,
    numbers: Iterable[phone_module.PhoneNumber],
    values: Mapping[str, Any],
    more: Iterable[tuple[str, phone_module.PhoneNumber]],
) -> list[tuple[str, phone_module.PhoneNumber]]:
    """``(field, number)`` for each of ``numbers`` the row does not have yet (in ``field``, or
    in any phone field for a `PHONE` column's)."""
    fields = _PHONE_FIELD_SET | {PHONE} if field == PHONE else {field}
    seen = {_canonical(values[name]) for name in fields if name in values}
    seen.update(n.canonical for f, n in more if f in fields)
    found: list[tuple[str, phone_module.PhoneNumber]] = []
    for number in numbers:
        if number.canonical not in seen:
            seen.add(number.canonical)
            found.append((field, number))
    return found


def default_rejects_path(path: str | Path) -> Path:
    """Where the rejects of ``path`` go by default: beside it, ``<stem>.rejects.csv``.

    >>> default_rejects_path("examples/customers.csv").as_posix()
    'examples/customers.rejects.csv'
    """
    path = Path(path)
    return path.with_name(f"{path.stem}.rejects.csv")


class _CsvSink:
    """A CSV file written in batches (UTF-8 with BOM, CRLF as Excel writes)."""

    def __init__(self, path: Path, header: Iterable[str]) -> None:
        self.path = path
        self._file = path.open("w", encoding="utf-8-sig", newline="", buffering=1 << 16)
        self._writer = csv.writer(self._file, lineterminator="\r\n")
        self._writer.writerow(header)
        self._pending: list[Iterable[object]] = []

    def add(self, row: Iterable[object]) -> None:
        self._pending.append(row)
        if len(self._pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        self._writer.writerows(self._pending)
        self._pending.clear()

    def close(self) -> None:
        if not self._file.closed:
            self.flush()
            self._file.close()


def _output_header(header_map: HeaderMap, sheets: bool = False) -> list[str]:
    return [
        "row",
        *(
            field or header
            for header, field in zip(header_map.headers, header_map.fields, strict=True)
        ),
        *(("sheet",) if sheets else ()),
    ]


def _read_columns(header_map: HeaderMap) -> dict[str, str]:
    """The field (or `PHONE`) each column read gives, a line's policy columns too."""
    read = dict(header_map.read)
    read.update((header, field) for header, _, field in header_map.lines)
    return read


def _merged(columns: Iterable[ColumnSummary]) -> tuple[ColumnSummary, ...]:
    """The counts of each ``(column, field)`` added up over layouts, in the order first met."""
    merged: dict[tuple[str, str], ColumnSummary] = {}
    for column in columns:
        key = (column.column, column.field)
        found = merged.get(key)
        counts = attrs.astuple(column)[2:]
        if found is not None:
            counts = tuple(a + b for a, b in zip(attrs.astuple(found)[2:], counts, strict=True))
        merged[key] = ColumnSummary(*key, *counts)
    return tuple(merged.values())


def _output_row(
    header_map: HeaderMap, read: Mapping[str, str], result: RowResult, reveal: bool
) -> list[object]:
    out: list[object] = [result.row]
    moved = {header: (field, value) for header, field, value in result.routed}
    for header, field in zip(header_map.headers, header_map.fields, strict=True):
        if header in moved:
            out.append(_routed_text(*moved[header], reveal))
            continue
        read_values = result.cells.get(header)
        if read_values is not None:  # a PHONE, repeated or several-number cell
            kind = read[header] if read[header] != PHONE else "mobile"
            out.append(
                "/".join(
                    _routed_text("id_document", v, reveal)
                    if isinstance(v, IdentityDocument)  # an old code in a USCC column
                    else display(v)
                    if reveal
                    else mask_field(kind, v)
                    for v in read_values
                )
            )
            continue
        if field is None:
            text = result.extra.get(header, "")
            out.append(text if reveal or not text else mask_unknown(text))
            continue
        value = result.values.get(field)
        if value is None:
            out.append("")
            continue
        out.append(display(value) if reveal else mask_field(field, value))
    return out


def _routed_text(field: str, value: Any, reveal: bool) -> str:
    """The output cell of a routed identity or document-type cell (see `RowResult.routed`)."""
    if field == DOCUMENT_TYPE:
        return str(value)  # 护照, 台胞证: no personal data
    if isinstance(value, IdentityDocument):
        return value.number if reveal else mask("id_document", value.number)
    return display(value) if reveal else mask_field(field, value)


def validate_file(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | Sequence[str] | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[str, object] | None = None,
    rejects: str | Path | None = None,
    output: str | Path | None = None,
    reveal: bool = False,
    progress: Callable[[int, float | None], None] | None = None,
    phone_aliases: Iterable[str] = (),
) -> ValidationSummary:
    """Validate and normalise every row of a CSV or XLSX file (see the module description).

    ``rejects`` is the path of the rejects CSV (none is written when it is None);
    ``output`` the path of the normalised CSV (first column ``row``, then each column under
    its field name, or its header when unmapped; rejected and empty cells blank), masked
    unless ``reveal``. ``progress(rows_done, fraction_or_None)`` is called every 1,000 rows.
    ``encoding``, ``sheet``, ``delimiter`` and ``header_row`` are passed to
    `custmaster.workflows.reading.open_table`; ``mapping`` and ``phone_aliases`` (a
    channel's own spellings of a phone column of unknown kind, such as a claim report's
    报案人电话) to `custmaster.workflows.headers.map_headers`.

    A workbook's data sheets are all read unless ``sheet`` names one (or a sequence of names
    several), each by its own header, as the imports read them; its rejects file and output
    have a last column, ``sheet``. Lines skipped as no data are listed
    (`ValidationSummary.summary_rows`, `ValidationSummary.skipped_rows`), and so are the
    sheets not read (`ValidationSummary.skipped_sheets`).

    Every column an import reads is checked, as the import reads it (`RowValidator` with
    ``all_columns``): the phone columns of unknown kind (联系电话) and the repeated columns
    (手机 and 手机2). A repeated column of a single-valued field holding another value than
    the first on a row is a warning (``row.conflicting_columns``, in the rejects file and
    ``ValidationSummary.conflicts``); an import rejects such a row.

    Raises `custmaster.workflows.reading.TableFormatError` when the file cannot be read as a
    table or none of its headers is known, and `custmaster.UsageError` for bad arguments.
    """

    phone_aliases = tuple(phone_aliases)

    def score(headers: tuple[str, ...]) -> int:
        found = map_headers(headers, mapping, phone_aliases=phone_aliases)
        return found.score() + len(found.phones)

    path = Path(path)
    with open_table(
        path,
        encoding=encoding,
        sheet=sheet,
        delimiter=delimiter,
        header_row=header_row,
        header_score=score,
    ) as table:
        header_map = map_headers(table.headers, mapping, phone_aliases=phone_aliases)
        if not header_map.score() and not header_map.phones:
            raise TableFormatError(
                f"{path.name}: none of the headers is a known field "
                "(保单号, 被保险人, 身份证号 … or policy_no, name …); pass a header mapping.",
                code="file.no_known_columns",
                message_zh=f"{path.name}：没有可识别的表头，请提供表头映射。",
            )
        validator = RowValidator(header_map, all_columns=True)
        read = _read_columns(header_map)
        #: Whether the file is a workbook, whose rejects and output name each row's sheet.
        sheets = table.sheet is not None
        current = table.sheet
        rejects_path = Path(rejects) if rejects is not None else None
        output_path = Path(output) if output is not None else None
        reject_sink = (
            _CsvSink(rejects_path, (*REJECT_COLUMNS, "sheet") if sheets else REJECT_COLUMNS)
            if rejects_path
            else None
        )
        output_sink: _CsvSink | None = None
        rows = rows_rejected = conflicts = 0
        codes: dict[str, int] = {}
        warned: dict[str, int] = {}
        #: The column counts of the layouts read before the current one; each layout met.
        summaries: list[ColumnSummary] = []
        maps = [header_map]
        #: The rows read of each sheet but the current one; the rows read before it.
        sheet_rows: dict[str, int] = {}
        before = 0
        try:
            if output_path is not None:
                output_sink = _CsvSink(output_path, _output_header(header_map, sheets))
            layout = table.headers
            for row_number, row in table:
                if table.headers is not layout:  # another sheet, or the header of another layout
                    layout = table.headers
                    if table.sheet != current and current is not None:
                        sheet_rows[current], before = rows - before, rows
                        current = table.sheet
                    if layout != header_map.headers:
                        summaries.extend(validator.column_summaries())
                        header_map = map_headers(layout, mapping, phone_aliases=phone_aliases)
                        maps.append(header_map)
                        validator = RowValidator(header_map, all_columns=True)
                        read = _read_columns(header_map)
                        if output_sink is not None:  # the output names the new columns
                            output_sink.add(_output_header(header_map, sheets))
                result = validator(row_number, row)
                rows += 1
                if result.rejects:
                    rows_rejected += 1
                    for reject in result.rejects:
                        codes[reject.code] = codes.get(reject.code, 0) + 1
                        if reject_sink is not None:
                            line = reject.as_row()
                            reject_sink.add((*line, current) if sheets else line)
                for conflict in result.conflicts:
                    conflicts += 1
                    if reject_sink is not None:
                        line = conflict.as_row()
                        reject_sink.add((*line, current) if sheets else line)
                for warning in result.warnings:
                    warned[warning.code] = warned.get(warning.code, 0) + 1
                    if reject_sink is not None:
                        line = warning.as_row()
                        reject_sink.add((*line, current) if sheets else line)
                if output_sink is not None:
                    out = _output_row(header_map, read, result, reveal)
                    if sheets:
                        out.append(current)
                    output_sink.add(out)
                if progress is not None and rows % _BATCH == 0:
                    progress(rows, table.progress())
        finally:
            if reject_sink is not None:
                reject_sink.close()
            if output_sink is not None:
                output_sink.close()
        if progress is not None:
            progress(rows, 1.0)
        if current is not None:
            sheet_rows[current] = rows - before
        read_sheets = tuple(sheet.summary(sheet_rows.get(sheet.name, 0)) for sheet in table.sheets)
        return ValidationSummary(
            path=path,
            kind=table.kind,
            encoding=table.encoding,
            sheet=read_sheets[0].name if read_sheets else None,
            header_row=read_sheets[0].header_row if read_sheets else table.header_row,
            rows=rows,
            rows_rejected=rows_rejected,
            columns=_merged((*summaries, *validator.column_summaries())),
            unmapped=tuple(dict.fromkeys(h for m in maps for h in m.unread)),
            duplicates=tuple(
                dict.fromkeys(
                    header
                    for m in maps
                    for header in m.headers
                    if header in m.duplicates or header in m.phones[1:]
                )
            ),
            rejects=sum(codes.values()),
            codes=tuple(sorted(codes.items(), key=lambda item: (-item[1], item[0]))),
            rejects_path=rejects_path,
            output_path=output_path,
            summary_rows=(
                tuple(n for s in read_sheets for n in s.summary_rows)
                if read_sheets
                else tuple(table.summary_rows)
            ),
            conflicts=conflicts,
            sources=tuple(dict.fromkeys(pair for m in maps for pair in m.sources)),
            skipped_rows=(
                tuple(n for s in read_sheets for n in s.skipped_rows)
                if read_sheets
                else tuple(table.skipped_rows)
            ),
            sheets=read_sheets,
            skipped_sheets=table.skipped_sheets,
            warnings=tuple(sorted(warned.items(), key=lambda item: (-item[1], item[0]))),
        )
