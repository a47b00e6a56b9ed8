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

Cells holding only a placeholder (`EMPTY_MARKERS`: ``NULL``, ``无``, ``-``, ``#N/A`` …) count as
empty, not invalid.

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
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import attrs

from custmaster.errors import ValidationError
from custmaster.model.source import SourceRecord
from custmaster.privacy.masking import mask
from custmaster.privacy.sensitivity import FieldKind, policy_for
from custmaster.validate._mask import mask_unknown
from custmaster.workflows.dates import parse_date
from custmaster.workflows.headers import HeaderMap, map_headers
from custmaster.workflows.reading import Row, TableFormatError, open_table

__all__ = [
    "DATE_FIELDS",
    "EMPTY_MARKERS",
    "ERROR_CODES",
    "REJECT_COLUMNS",
    "ColumnSummary",
    "Reject",
    "RowResult",
    "RowValidator",
    "ValidationSummary",
    "cell_text",
    "default_rejects_path",
    "display",
    "mask_field",
    "validate_file",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "file.no_known_columns": "No header of the file maps to a field; a header mapping is needed.",
}

#: Fields that hold a date, parsed by `custmaster.workflows.dates.parse_date`.
DATE_FIELDS: frozenset[str] = frozenset(
    {"birth_date", "cover_start", "cover_end", "first_registered"}
)

#: Cell texts (compared case-insensitively) that mean "no value" in real extracts.
EMPTY_MARKERS: frozenset[str] = frozenset(
    {"null", "none", "nan", "\\n", "n/a", "#n/a", "-", "--", "/", "无", "空", "暂无"}
)

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
    holds the unmapped columns as text (for ``SourceRecord.extra``).
    """

    row: int
    values: dict[str, Any] = attrs.field(repr=lambda v: f"<{len(v)} fields>")
    rejects: tuple[Reject, ...] = ()
    extra: dict[str, str] = attrs.field(factory=dict, repr=lambda v: f"<{len(v)} extra>")

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


@attrs.frozen
class ValidationSummary:
    """What `validate_file` did: rows, counts per column, error codes and where output went."""

    path: Path
    kind: str
    encoding: str | None
    sheet: str | None
    header_row: int
    #: Data rows read (blank rows are not counted).
    rows: int
    #: Rows with at least one rejected cell.
    rows_rejected: int
    columns: tuple[ColumnSummary, ...]
    #: Headers that map to no field (their cells are kept, unchecked, as extra columns).
    unmapped: tuple[str, ...]
    #: Headers whose field an earlier column already took.
    duplicates: tuple[str, ...]
    #: Rejected cells (lines of the rejects file).
    rejects: int
    #: Rejected cells per error code, most frequent first.
    codes: tuple[tuple[str, int], ...]
    rejects_path: Path | None
    output_path: Path | None

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


def _model_converter(field: str) -> Callable[[object], Any]:
    converter = getattr(attrs.fields(SourceRecord), field).converter
    if converter is None:
        return _identity
    return cast("Callable[[object], Any]", converter)


def _identity(value: object) -> object:
    return value


def _date_normaliser(field: str) -> Callable[[object], Any]:
    if field == "birth_date":

        def birth(value: object) -> dt.date:
            return parse_date(value, field=field, latest=dt.date.today())

        return birth

    def convert(value: object) -> dt.date:
        return parse_date(value, field=field)

    return convert


def _normaliser(field: str) -> Callable[[object], Any]:
    """The function that turns a non-empty cell into the field's normalised value (or raises)."""
    if field in DATE_FIELDS:
        return _date_normaliser(field)
    convert = _model_converter(field)

    def normalise(value: object) -> Any:
        return convert(cell_text(value))

    return normalise


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


def _is_empty(text: str) -> bool:
    stripped = text.strip()
    return not stripped or (len(stripped) <= 4 and stripped.casefold() in EMPTY_MARKERS)


class RowValidator:
    """Validate rows of one table, given its `HeaderMap`, and count per column as it goes.

    Call it with ``(row_number, row)``; read the counts with `column_summaries`.
    """

    def __init__(self, header_map: HeaderMap) -> None:
        self.header_map = header_map
        self._plan: list[tuple[str, str, Callable[[object], Any]]] = [
            (header, field, _normaliser(field)) for header, field in header_map.mapped
        ]
        self._unmapped = header_map.unmapped
        self._width = len(header_map.headers)
        self._counts = {header: [0, 0, 0, 0] for header, _ in header_map.mapped}

    def __call__(self, row_number: int, row: Row) -> RowResult:
        values: dict[str, Any] = {}
        rejects: list[Reject] = []
        counts = self._counts
        for header, field, normalise in self._plan:
            cell = row.get(header)
            count = counts[header]
            text = cell if isinstance(cell, str) else cell_text(cell)
            if _is_empty(text):
                count[2] += 1
                continue
            try:
                value = normalise(cell)
            except ValidationError as error:
                count[1] += 1
                rejects.append(Reject.from_error(row_number, header, field, error.for_field(field)))
                continue
            if value is None:  # the model folded it to nothing (e.g. only spaces)
                count[2] += 1
                continue
            count[0] += 1
            if display(value) != text.strip():
                count[3] += 1
            values[field] = value
        extra = {}
        for header in self._unmapped:
            cell = row.get(header)
            if cell is not None and cell != "":
                extra[header] = cell_text(cell)
        if len(row) > self._width:  # overflow cells beyond the headers (column_<n>)
            for key in row.keys() - set(self.header_map.headers):
                extra[key] = cell_text(row[key])
        return RowResult(row=row_number, values=values, rejects=tuple(rejects), extra=extra)

    def column_summaries(self) -> tuple[ColumnSummary, ...]:
        """The counts so far for each mapped column, in column order."""
        return tuple(
            ColumnSummary(header, field, *self._counts[header])
            for header, field in self.header_map.mapped
        )


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


def _output_header(header_map: HeaderMap) -> list[str]:
    return [
        "row",
        *(
            field or header
            for header, field in zip(header_map.headers, header_map.fields, strict=True)
        ),
    ]


def _output_row(header_map: HeaderMap, result: RowResult, reveal: bool) -> list[object]:
    out: list[object] = [result.row]
    for header, field in zip(header_map.headers, header_map.fields, strict=True):
        if field is None:
            text = result.extra.get(header, "")
            out.append(text if reveal or not text else mask_unknown(text))
            continue
        value = result.values.get(field)
        if value is None:
            out.append("")
        elif reveal:
            out.append(display(value))
        else:
            out.append(mask_field(field, value))
    return out


def validate_file(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[str, object] | None = None,
    rejects: str | Path | None = None,
    output: str | Path | None = None,
    reveal: bool = False,
    progress: Callable[[int, float | None], None] | None = None,
) -> ValidationSummary:
    """Validate and normalise every row of a CSV or XLSX file (see the module description).

    ``rejects`` is the path of the rejects CSV (none is written when it is None);
    ``output`` the path of the normalised CSV (first column ``row``, then each column under
    its field name, or its header when unmapped; rejected and empty cells blank), masked
    unless ``reveal``. ``progress(rows_done, fraction_or_None)`` is called every 1,000 rows.
    ``encoding``, ``sheet``, ``delimiter`` and ``header_row`` are passed to
    `custmaster.workflows.reading.open_table`; ``mapping`` to
    `custmaster.workflows.headers.map_headers`.

    Raises `custmaster.workflows.reading.TableFormatError` when the file cannot be read as a
    table or none of its headers is known, and `custmaster.UsageError` for bad arguments.
    """

    def score(headers: tuple[str, ...]) -> int:
        return map_headers(headers, mapping).score()

    path = Path(path)
    with open_table(
        path,
        encoding=encoding,
        sheet=sheet,
        delimiter=delimiter,
        header_row=header_row,
        header_score=score,
    ) as table:
        header_map = map_headers(table.headers, mapping)
        if not header_map.score():
            raise TableFormatError(
                f"{path.name}: none of the headers is a known field "
                "(保单号, 被保险人, 身份证号 … or policy_no, name …); pass a header mapping.",
                code="file.no_known_columns",
                message_zh=f"{path.name}：没有可识别的表头，请提供表头映射。",
            )
        validator = RowValidator(header_map)
        rejects_path = Path(rejects) if rejects is not None else None
        output_path = Path(output) if output is not None else None
        reject_sink = _CsvSink(rejects_path, REJECT_COLUMNS) if rejects_path else None
        output_sink: _CsvSink | None = None
        rows = rows_rejected = 0
        codes: dict[str, int] = {}
        try:
            if output_path is not None:
                output_sink = _CsvSink(output_path, _output_header(header_map))
            for row_number, row in table:
                result = validator(row_number, row)
                rows += 1
                if result.rejects:
                    rows_rejected += 1
                    for reject in result.rejects:
                        codes[reject.code] = codes.get(reject.code, 0) + 1
                        if reject_sink is not None:
                            reject_sink.add(reject.as_row())
                if output_sink is not None:
                    output_sink.add(_output_row(header_map, result, reveal))
                if progress is not None and rows % _BATCH == 0:
                    progress(rows, table.progress())
        finally:
            if reject_sink is not None:
                reject_sink.close()
            if output_sink is not None:
                output_sink.close()
        if progress is not None:
            progress(rows, 1.0)
        return ValidationSummary(
            path=path,
            kind=table.kind,
            encoding=table.encoding,
            sheet=table.sheet,
            header_row=table.header_row,
            rows=rows,
            rows_rejected=rows_rejected,
            columns=validator.column_summaries(),
            unmapped=header_map.unmapped,
            duplicates=header_map.duplicates,
            rejects=sum(codes.values()),
            codes=tuple(sorted(codes.items(), key=lambda item: (-item[1], item[0]))),
            rejects_path=rejects_path,
            output_path=output_path,
        )
