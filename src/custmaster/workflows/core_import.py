"""Importing files into a store: core-system extracts, and the engine every channel shares.

`import_core_extract` reads a core policy system extract (保单号, 被保险人, 车牌号, 起保日期,
终保日期, 初登日期, 厂牌型号, 车架号, 发动机号, 身份证号, 客户地址, 办公电话, 家庭电话,
移动电话 …) as CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX, turns each row into a
`custmaster.SourceRecord` of the ``core_system`` channel and ingests it in batches, each batch
one transaction. `import_table` is the same engine for any channel
(`custmaster.workflows.channels` defines the others' profiles). A workbook's data sheets are
all read, each by its own header (one per month, branch or product line; a 说明, 封面 or
pivot sheet is skipped and listed, a 汇总 or 总表 sheet repeating the others' rows adds only
the rows they lack: `custmaster.workflows.reading`, `ImportSummary.sheets`).

**Rows to records.** Headers are mapped as ``custmaster validate`` maps them
(`custmaster.workflows.headers`), plus the columns that say where a row comes from rather than
what it says about the customer (`META_FIELDS`): the source's own record number, when the
source observed the row (签单日期, 报案时间 …), the operator, the endorsement sequence, and the
policy's status, 新保/续保 flag, renewed policy and payment, which become policy facts
(`custmaster.workflows.policies`). A column of a phone of unknown kind (联系电话; mapped with
the fields, `custmaster.workflows.headers.PHONE`) goes to ``mobile`` for a mobile number and to
``home_phone`` for a fixed line. A field in several columns (手机1 and 手机2, 手机 and 移动电话,
联系电话 twice) is read from each, as ``custmaster validate`` reads it
(`custmaster.workflows.validation.RowValidator`): phone numbers add up, other fields take
their first non-empty value, and a later column holding another value rejects the row
(``row.conflicting_columns``, both values masked). A phone cell holding
several numbers (``13800138000/13900139000``, ``…、…``; `custmaster.validate.phone.parse_many`)
gives each one to the customer: the first in its column, each further one as a companion
record of the same row (reference ``<row's reference>~<field>.<n>``) carrying the row's ID,
policy number, plate and VIN; a row with none of those keeps the further numbers as extra
text (``more_<field>``), since a phone alone never attaches a record. A cell with an invalid
part is rejected with that part's code, as ``custmaster validate`` rejects it
(`custmaster.workflows.validation.split_phone_cell`); so is a 联系电话 column's.

**Cells as Excel leaves them** are read as ``custmaster validate`` reads them
(`custmaster.workflows.validation.field_text`): placeholders (``NULL``, ``不详``, ``#N/A``,
``#VALUE!`` …) are empty, a leading apostrophe and a float's ``.0`` are dropped, a long number
Excel already rounded (``4.40305E+17``, an 18-digit ID stored as a number) is rejected, never
imported as a wrong ID; summary rows (合计, 总计) are skipped (`ImportSummary.summary_rows`).

Other columns are kept as the record's extra values, except the holder's and the owner's
(``投保人``, ``投保人证件号码``, ``车主``, ``车主手机`` …; `custmaster.workflows.parties`): a
party with a resident ID or USCC becomes a record of its own with that role on the row's policy
(reference ``<row's reference>~holder``); its bad cells are rejected without stopping the
insured's row, which counts as partial.

**Source references** make re-runs idempotent. A core-system row naming a policy is
``<policy number>#<endorsement sequence>`` (``#0`` without a 批改序号 column, plus ``#<role>``
when the file has a role column), so the same policy state arriving again in a later extract is
recognised; other rows are ``<file stem>:<row number>``, unless the profile's source has its
own record number (报案号, 通话编号 …) — ``<file stem>:<sheet>:<row number>`` on a sheet of a
workbook other than its main sheet (`custmaster.workflows.reading.Table.main_sheet`, the sheet
an import read before it read every sheet), so that a workbook imported by an earlier release
keeps its references and each sheet's rows have their own (a sheet's name holds no ``:``).
A row already imported with the same content is counted
as a duplicate and changes nothing; one whose reference was imported with *other* content is
rejected as ``record.conflicting_duplicate`` (a changed record needs a new reference), unless
it is a late entry (补录) of a policy: a row saying less than the stored one is a duplicate, and
one adding phones or extra values while contradicting no other value is stored under
``<reference>+<digest>`` (`ImportSummary.late_entries`) — or unless
the profile's row hook may read the row so (`RowHook`: a claim's reporter taken for the
insured by an earlier release, or before the insured's name changed): the same source row read
otherwise is a duplicate too, and what was stored stays (`ImportSummary.earlier_readings`).

**Observed time.** A row's values were observed when its time column says; else at
``observed_at`` if given; else at the file's modification time (to the second), so re-running
the same file gives the same records. Dates are China dates (midnight, UTC+8).

**Bad rows** never stop an import: a row with an invalid cell is rejected whole (the store is
unchanged by it), unless ``skip_bad_cells=True`` imports it without its bad cells. Every
rejected cell is one line of the rejects CSV (`custmaster.workflows.validation.REJECT_COLUMNS`:
row, column, field, code, message, message_zh, masked value; a workbook's has a last column,
``sheet``), and so is a row the store refused. The `ImportSummary` counts rows read, new
customers, rows merged into existing customers, conflicting rows (stored, and raising a
candidate pair for review), duplicates and rejected rows.

Numbers already flagged wrong by a call-back (`custmaster.workflows.callbacks`) stay flagged
for a customer who brings one of them in a later import: the flag is copied to that customer.

>>> import tempfile, pathlib
>>> from custmaster.service import Service
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "core.csv").write_text(
...     "保单号,险种,被保险人,身份证号,移动电话,终保日期,签单日期\\n"
...     "PDAA2026001,商业险,张伟,11010519491231002X,138 0013 8000,2027-01-04,2026-01-02\\n"
...     "PDZA2026001,交强险,张伟,11010519491231002X,,2027-01-04,2026-01-02\\n"
...     "PDAA2026002,商业险,李娜,110105198001010024,13800138OOO,2027-01-09,2026-01-05\\n",
...     encoding="utf-8-sig")
>>> service = Service.open("memory://")
>>> summary = import_core_extract(service, folder / "core.csv")
>>> summary.rows, summary.new, summary.merged, summary.rejected
(3, 1, 1, 1)
>>> summary.codes
(('phone.vanity', 1),)
>>> import_core_extract(service, folder / "core.csv").duplicates  # a re-run adds nothing
2
>>> [p.policy_no for p in service.expiring("2027-01")]
['PDAA2026001', 'PDZA2026001']
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from custmaster.errors import UsageError, ValidationError
from custmaster.merge.engine import UNCALLABLE_STATUSES, Verdict, combined_status, verdict_key
from custmaster.model import _trusted
from custmaster.model.contact import (
    ContactEvent,
    ContactKind,
    ContactMethod,
    ContactOutcome,
    ContactStatus,
)
from custmaster.model.policy import PolicyLine, PolicyRole
from custmaster.model.provenance import Channel, Provenance
from custmaster.model.source import PHONE_FIELDS, SourceRecord
from custmaster.service import Service, as_service
from custmaster.store.base import BaseStore, IngestResult, Outcome, Store, same_values
from custmaster.validate import phone as phone_module
from custmaster.validate._mask import mask_unknown
from custmaster.workflows.dates import parse_date, parse_moment
from custmaster.workflows.headers import (
    DOCUMENT_TYPE,
    PHONE,
    PHONE_ALIASES,
    SOURCE_COLUMNS,
    HeaderMap,
    map_headers,
    normalise_header,
    qualified_name,
)
from custmaster.workflows.parties import Party, PartyValues, find_parties, read_party
from custmaster.workflows.policies import (
    meta_key,
    parse_business_type,
    parse_flag,
    parse_status,
)
from custmaster.workflows.reading import Row, SheetSummary, Table, TableFormatError, open_table
from custmaster.workflows.validation import (
    DATE_FIELDS,
    REJECT_COLUMNS,
    Reject,
    RowValidator,
    cell_text,
    date_cell,
    document_warning,
    field_text,
    holds_several,
    identity_value,
    is_empty_cell,
    is_row_number_header,
    split_phone_cell,
)

__all__ = [
    "CHINA_TZ",
    "CORE_SYSTEM",
    "DEFAULT_META_ALIASES",
    "ERROR_CODES",
    "META_FIELDS",
    "ImportContext",
    "ImportProfile",
    "ImportSummary",
    "RowChange",
    "RowHook",
    "copied_event",
    "do_not_call_numbers",
    "import_core_extract",
    "import_table",
    "number_statuses",
    "parse_time",
    "uncallable_numbers",
    "wrong_numbers",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "import.time": "A time column holds no date or time.",
    "import.reference": "A source-reference column is empty or longer than 200 characters.",
    "import.batch_size": "The batch size is not a positive integer.",
    "import.no_known_columns": "No header of the file maps to a field or to a source column.",
}

#: China Standard Time: dates in files are China dates.
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")

#: Columns that describe the row's source or the policy rather than the customer
#: (`custmaster.workflows.headers.SOURCE_COLUMNS`), and `PHONE`, a phone of unknown kind.
META_FIELDS: dict[str, str] = {
    **SOURCE_COLUMNS,
    "phone": "a phone of unknown kind (联系电话): mobile if a mobile number, else home_phone",
}

#: Header spellings of `META_FIELDS` every profile recognises.
DEFAULT_META_ALIASES: Mapping[str, tuple[str, ...]] = {
    "source_ref": ("记录号", "流水号", "记录编号", "source_ref"),
    "observed_at": (
        "签单日期",
        "签单时间",
        "出单日期",
        "出单时间",
        "录入日期",
        "录入时间",
        "数据日期",
        "更新时间",
        "observed_at",
    ),
    "operator": ("操作员", "经办人", "录入人", "operator"),
    "endorsement_seq": ("批改序号", "批改次数", "批改顺序号"),
    "status": ("保单状态", "policy_status"),
    "business_type": (
        "新续保标志",
        "新续保",
        "新保续保",
        "新续转标志",
        "新保/续保",
        "新/续保",
        "新保续保标志",
        "新续保类型",
        "新续保属性",
        "续保标志",
        "续保类型",
        "新转续标志",
        "新转续",
        "业务类型",
        "business_type",
    ),
    "renews": ("上年保单号", "续保原保单号", "原保单号", "renews"),
    "paid": ("缴费状态", "是否缴费", "收费状态", "缴费标志", "paid"),
    # Mapped with the record fields (`custmaster.workflows.headers`), so that
    # ``custmaster validate`` checks these columns as the imports read them.
    "phone": PHONE_ALIASES,
}

_BATCH = 2000
_REF_MAX = 200
_ISO_TIME = re.compile(r"\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]\d{1,2}:\d{2}")
#: The extra value of a row's first phone column's number when its slot is taken
#: (`custmaster.workflows.validation.place_phone`).
_SPILL = "extra_phone"
_PHONE_FIELD_SET = frozenset(PHONE_FIELDS)
#: The fields a companion record of a multi-number cell copies from its row: those that
#: resolve it to the row's customer (never a name or a phone alone) and the policy role.
_LINK_FIELDS = ("resident_id", "uscc", "id_document", "policy_no", "plate", "vin")
_COMPANION_FIELDS = (*_LINK_FIELDS, "role")
#: The policy fields a holder's or owner's record takes from its row.
_PARTY_POLICY_FIELDS = ("policy_no", "line", "cover_start", "cover_end")
#: The latest date a date cell other than a birth date may hold.
_LATEST = dt.date(2100, 12, 31)
#: How many distinct parsed cell texts an import keeps (then it starts afresh).
_PARSED_MAX = 8192
#: How many distinct cells of each mapped column an import keeps read (then it starts afresh).
_KNOWN_MAX = 4096
_UNPARSED: Any = object()
#: The customer numbers `_CustomerIds` keeps as bits (a bitmap of at most 16 MB).
_BITMAP_MAX = 1 << 27
#: `_Importer._cell`'s answers for an empty cell and for a phone cell that may hold several
#: numbers (split by `_Importer._split_phones` each time: it adds to the row's numbers).
_EMPTY_CELL: Any = object()
_SEVERAL_NUMBERS: Any = object()
#: The readers of the policy-fact columns (each returns None for a cell it cannot read).
_FACT_READERS: dict[str, Callable[[Any], object]] = {
    "status": parse_status,
    "business_type": parse_business_type,
    "paid": parse_flag,
}


def _compact_no(number: object) -> str:
    """A policy number as references compare it: no spaces, upper case."""
    return "".join(str(number).split()).upper()


def _read_fact(field: str, value: Any) -> object:
    return _FACT_READERS[field](value)


def _parse_time_text(field: str, text: str) -> dt.datetime:
    return parse_time(text, field=field)


def _channel(value: str | Channel) -> Channel:
    return Channel.get(value)


@attrs.frozen
class ImportContext:
    """What a profile's row hook (`RowHook`) is told about a file before its first row.

    ``fields`` maps each header the import reads to its record field (a repeated column too)
    or to ``phone`` (`META_FIELDS`: a phone of unknown kind, such as a claim report's
    报案人电话); ``service`` is the import's, for look-ups.
    """

    service: Service
    profile: ImportProfile
    headers: tuple[str, ...]
    fields: Mapping[str, str]


@attrs.frozen
class RowChange:
    """What a row hook changes in one row before it is read.

    The cells of the ``cleared`` headers are read as empty (their values go nowhere but to
    ``extra``, if the hook puts them there); ``extra`` adds extra values to the row's record.
    """

    cleared: tuple[str, ...] = ()
    extra: Mapping[str, str] = attrs.field(factory=dict)
    #: Why the row was changed (``organisation``, ``relation``, ``name`` for a third party's
    #: phone), counted by `ImportSummary.third_party_reasons`.
    reason: str = ""


#: A profile's row hook: called once per file with its `ImportContext`, it returns the
#: function called with each row (row number, cells by header) before the row is read —
#: answering a `RowChange` or None (nothing to change) — or None when the file needs none.
#: That function may also have a method ``readings(row_number, row)`` answering every
#: reading the hook could give the row (each a `RowChange`, or None for the row as it is)
#: under other circumstances: another state of the store, the rules of an earlier release.
#: A row whose reference is stored under one of those readings is then a duplicate on a
#: re-run, not a conflict (see `ImportSummary.earlier_readings`). And it may have a method
#: ``prepare(rows)``, called with each batch's ``(row number, row)`` before their first is
#: read (to look up what many rows need at once).
RowHook = Callable[[ImportContext], Callable[[int, Mapping[str, Any]], RowChange | None] | None]


@attrs.frozen
class ImportProfile:
    """How one channel's files are read: its channel and the headers of its source columns.

    ``meta_aliases`` adds header spellings for `META_FIELDS` (checked before the default field
    headers, so a claim report's 报案人电话 can be a ``phone``); ``policy_refs`` makes rows
    that name a policy take ``<policy>#<sequence>`` as their reference (core system,
    underwriting); ``kept_as_extra`` lists record fields this channel does not get to set —
    their columns are kept as extra values under their header instead (a telesales agent's
    客户姓名 is often 张先生, not the customer's name). ``row_hook`` (a `RowHook`) may change
    each row before it is read: a claim report keeps the phone of a reporter who is not the
    insured apart (`custmaster.workflows.channels.ThirdPartyContact`).
    """

    channel: Channel = attrs.field(converter=_channel)
    meta_aliases: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    policy_refs: bool = False
    kept_as_extra: tuple[str, ...] = ()
    description: str = ""
    row_hook: RowHook | None = None


#: The core policy system: a row per policy (and endorsement state) of the insured.
CORE_SYSTEM = ImportProfile(
    channel=Channel.CORE_SYSTEM,
    policy_refs=True,
    description="core policy system extract (核心系统)",
)


@attrs.frozen
class ImportSummary:
    """What an import did, row by row.

    ``new``: rows that made a new customer; ``merged``: rows added to an existing customer;
    ``conflicting``: rows stored that raised (or extended) a candidate pair for review;
    ``duplicates``: rows already in the store (nothing changed); ``rejected``: rows not
    imported (invalid cells, or a reference already used for other content); ``partial``:
    rows imported without their bad cells (``skip_bad_cells``).

    The columns (``mapped``, ``meta``, ``unmapped``, ``parties``) are those of every layout
    met: a workbook's every sheet read and the parts of a file joined with another layout,
    each once, in the order first met (a header read in one layout and kept in another, as
    通讯地址 beside 客户地址 or alone, is in both).
    """

    path: Path
    channel: str
    kind: str
    encoding: str | None
    #: The (first) sheet read of a workbook: ``sheets`` lists every one.
    sheet: str | None
    #: The header's row (of the first sheet read).
    header_row: int
    rows: int
    new: int
    merged: int
    conflicting: int
    duplicates: int
    rejected: int
    partial: int
    #: Lines written to the rejects file.
    rejects: int
    #: Rejected cells and rows per error code, most frequent first.
    codes: tuple[tuple[str, int], ...]
    #: Distinct customers the imported rows went to.
    customers: int
    #: Wrong-number flags copied to customers who brought a flagged number in.
    flags_copied: int
    #: ``(header, field)`` of each column read into a record field (a repeated one too).
    mapped: tuple[tuple[str, str], ...]
    #: ``(header, source column)`` of each column read as a `META_FIELDS` column.
    meta: tuple[tuple[str, str], ...]
    #: Headers kept as extra values.
    unmapped: tuple[str, ...]
    #: ``(header, "<role>.<what>")`` of the holder's and owner's columns
    #: (`custmaster.workflows.parties`), read into records of their own.
    parties: tuple[tuple[str, str], ...]
    rejects_path: Path | None
    seconds: float
    #: Row numbers of summary rows (合计, 总计, 小计) skipped: they are no customer's data
    #: (of every sheet read, in order: ``sheets`` tells each sheet's).
    summary_rows: tuple[int, ...] = ()
    #: Row numbers of the other lines skipped as no data (`custmaster.workflows.reading`):
    #: the header repeated (parts of an export joined), a title line above it, footer lines
    #: (制表人：…, 打印时间：…, 第 1 页); of every sheet read, as ``summary_rows``.
    skipped_rows: tuple[int, ...] = ()
    #: Rows imported (or already stored) whose person is a third party: their phone kept as
    #: an extra value (``reporter_phone``), no contact point
    #: (`custmaster.workflows.channels.ThirdPartyContact`); and how many for each reason.
    third_party: int = 0
    third_party_reasons: tuple[tuple[str, int], ...] = ()
    #: Duplicates stored under another reading of the same row (``duplicates`` counts them
    #: too): imported by an earlier release, or read otherwise when the store knew another
    #: insured's name. What was stored stays (`RowHook`).
    earlier_readings: int = 0
    #: Rows of a policy imported before (under ``<policy>#<sequence>``) that add to what was
    #: stored without contradicting it: a 补录 (late entry) row bringing a further phone, a
    #: later extract's changed status. Each is stored under ``<reference>+<digest>`` and
    #: counted as merged (or new); a row saying less than the stored one is a duplicate.
    late_entries: int = 0
    #: Each sheet of a workbook read, in order: its header row, rows, lines skipped (none for
    #: a CSV or HTML file).
    sheets: tuple[SheetSummary, ...] = ()
    #: ``(sheet, reason)`` of each sheet of a workbook not read
    #: (`custmaster.workflows.reading.SKIP_REASONS`: ``empty``, ``few_columns`` …).
    skipped_sheets: tuple[tuple[str, str], ...] = ()
    #: Warnings per code, most frequent first: lines of the rejects file about rows imported
    #: all the same, as read (a 护照 whose number is a resident ID:
    #: ``document_type.resident_id``, `custmaster.workflows.validation.document_warning`).
    warnings: tuple[tuple[str, int], ...] = ()
    #: Row numbers of lines holding nothing but their line number (序号, 行号: a template's
    #: numbered empty lines) or placeholders (无, -), skipped: no customer's data (every
    #: sheet's, in order). ``rows`` counts them; new, merged … and rejected do not.
    empty_rows: tuple[int, ...] = ()
    #: Contact events recorded from notes in phone cells saying a number is bad
    #: (``13800138000（空号）``: the number kept, the event says ``invalid``; warning
    #: ``phone.noted``, `custmaster.workflows.validation.noted_numbers`).
    numbers_noted: int = 0

    @property
    def imported(self) -> int:
        """Rows stored: new, merged and conflicting."""
        return self.new + self.merged + self.conflicting

    @property
    def rows_per_second(self) -> float:
        """Rows read per second of the whole import."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready values (counts, row numbers, headers, codes; no cell
        value, so no personal data), with ``imported``; ``path`` and ``rejects_path`` as text,
        ``seconds`` to the millisecond (a float's long tail of digits reads as an ID number).
        """
        data = attrs.asdict(self, recurse=False)
        data["path"] = str(self.path)
        data["seconds"] = round(self.seconds, 3)
        data["rejects_path"] = None if self.rejects_path is None else str(self.rejects_path)
        data["imported"] = self.imported
        for name, value in data.items():
            if isinstance(value, tuple):
                data[name] = [_plain(v) for v in value]
        return data


def _plain(value: object) -> object:
    """A summary's item as JSON-ready values: a tuple as a list, a sheet's summary as a dict."""
    if isinstance(value, SheetSummary):
        return {k: _plain(v) for k, v in attrs.asdict(value, recurse=False).items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def parse_time(value: object, *, field: str = "observed_at") -> dt.datetime:
    """A time from a cell: a datetime (naive is China time), a date (China midnight), ISO text
    with or without a time, any date form `custmaster.workflows.dates.parse_date` reads with
    the time it gives (`custmaster.workflows.dates.parse_moment`: ``下午 3:05``, ``15时05分``,
    ``20261204150500``), or an Excel serial number with a fraction of a day.

    >>> parse_time("2026-12-04 10:30").isoformat()
    '2026-12-04T10:30:00+08:00'
    >>> parse_time("2026年12月4日").isoformat()
    '2026-12-04T00:00:00+08:00'
    >>> parse_time("2026/12/4 下午 3:05:00").isoformat()
    '2026-12-04T15:05:00+08:00'
    >>> parse_time(46360.5).isoformat()
    '2026-12-04T12:00:00+08:00'
    """
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=CHINA_TZ)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=CHINA_TZ)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _moment(value, field)
    if isinstance(value, str):
        text = str(date_cell(value)).strip()
        if _ISO_TIME.match(text):
            try:
                parsed = dt.datetime.fromisoformat(_iso(text))
            except ValueError:
                parsed = None
            if parsed is not None:
                return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=CHINA_TZ)
        return _moment(text, field)
    raise ValidationError(
        "Not a date or time.",
        code="import.time",
        field=field,
        masked_value=mask_unknown(str(value)),
        message_zh="不是日期或时间。",
    )


def _moment(value: object, field: str) -> dt.datetime:
    """The China time of a date and the time of day `parse_moment` reads in ``value``."""
    day, clock = parse_moment(value, field=field)
    start = dt.datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ)
    return start if clock is None else start + clock


def _iso(text: str) -> str:
    date, sep, rest = text.replace("T", " ", 1).partition(" ")
    parts = re.split(r"[-/]", date)
    if len(parts) == 3:
        date = f"{parts[0]}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    clock = rest.strip()
    if clock and re.fullmatch(r"\d:\d{2}.*", clock):
        clock = "0" + clock
    return f"{date} {clock}" if sep else date


def _meta_index(aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for field, names in aliases.items():
        for name in names:
            index.setdefault(normalise_header(name), field)
    return index


_DEFAULT_META_INDEX = _meta_index(
    {field: names for field, names in DEFAULT_META_ALIASES.items() if field != PHONE}
)


@attrs.frozen
class _Columns:
    header_map: HeaderMap
    #: header -> meta field
    meta: dict[str, str]
    #: headers kept as extra values
    extra: tuple[str, ...]


def _split_mapping(
    mapping: Mapping[str, object] | None,
) -> tuple[dict[str, object], dict[str, str]]:
    fields: dict[str, object] = {}
    meta: dict[str, str] = {}
    for header, target in (mapping or {}).items():
        if isinstance(target, str) and target in META_FIELDS and target != PHONE:
            meta[normalise_header(header)] = target
        else:
            fields[header] = target
    return fields, meta


def _columns(
    headers: tuple[str, ...], profile: ImportProfile, mapping: Mapping[str, object] | None
) -> _Columns:
    user_fields, user_meta = _split_mapping(mapping)
    user_keys = {normalise_header(h) for h in user_fields}
    profile_index = _meta_index(
        {field: names for field, names in profile.meta_aliases.items() if field != PHONE}
    )
    phone_aliases = profile.meta_aliases.get(PHONE, ())
    meta: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        key = normalise_header(header)
        field = user_meta.get(key)
        if field is None and key not in user_keys:
            field = profile_index.get(key)
        if field is not None and field not in taken:
            meta[header] = field
            taken.add(field)
    field_mapping: dict[str, object] = dict(user_fields)
    for header in meta:
        field_mapping[header] = None
    header_map = map_headers(headers, field_mapping, phone_aliases=phone_aliases)
    if profile.kept_as_extra:
        for header, field in (*header_map.mapped, *header_map.repeats):
            if field in profile.kept_as_extra and normalise_header(header) not in user_keys:
                field_mapping[header] = None
        header_map = map_headers(headers, field_mapping, phone_aliases=phone_aliases)
    for header in header_map.unread:
        if header in meta:
            continue
        key = normalise_header(header)
        if key in user_keys:
            continue
        field = _DEFAULT_META_INDEX.get(key) or _DEFAULT_META_INDEX.get(qualified_name(key))
        if field is not None and field not in taken:
            meta[header] = field
            taken.add(field)
    extra = tuple(h for h in header_map.unread if h not in meta)
    return _Columns(header_map, meta, extra)


def _mtime(path: Path) -> dt.datetime:
    stamp = int(path.stat().st_mtime)
    return dt.datetime.fromtimestamp(stamp, tz=dt.timezone.utc)


class _RejectSink:
    """The rejects file; a workbook's has a last column, ``sheet``, the sheet being read."""

    def __init__(self, path: Path | None, *, sheets: bool = False) -> None:
        self.path = path
        self.count = 0
        self._file = None
        self._writer: Any = None
        self._sheets = sheets
        #: The sheet whose rows are read (a workbook's).
        self.sheet: str | None = None
        if path is not None:
            self._file = path.open("w", encoding="utf-8-sig", newline="", buffering=1 << 16)
            self._writer = csv.writer(self._file, lineterminator="\r\n")
            self._writer.writerow((*REJECT_COLUMNS, "sheet") if sheets else REJECT_COLUMNS)

    def add(self, reject: Reject) -> None:
        self.count += 1
        if self._writer is not None:
            row = reject.as_row()
            self._writer.writerow((*row, self.sheet) if self._sheets else row)

    def close(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()


#: The contact kind of a number by the record field it came in.
_NOTED_KINDS = {
    "mobile": ContactKind.MOBILE,
    "home_phone": ContactKind.HOME,
    "office_phone": ContactKind.OFFICE,
    "fax": ContactKind.FAX,
}


def wrong_numbers(service: Service) -> dict[str, ContactEvent]:
    """Phone numbers whose newest status-setting contact event says they are wrong.

    Maps each such number (E.164) to that event. A number counts as wrong for every
    customer who has it, until a later event reaches someone on it.
    """
    return {
        number: event
        for number, event in uncallable_numbers(service).items()
        if event.outcome.consent is None
    }


def do_not_call_numbers(service: Service) -> dict[str, ContactEvent]:
    """Phone numbers under a do-not-call request (勿扰, 拒绝营销), mapped to the request.

    A request holds for every customer who has the number, whoever answers it later, until
    an event with outcome ``consented``; a number shown wrong after it counts as wrong.
    """
    return {
        number: event
        for number, event in uncallable_numbers(service).items()
        if event.outcome.consent is False
    }


def uncallable_numbers(service: Service) -> dict[str, ContactEvent]:
    """Phone numbers no list may offer, on any customer: wrong (`wrong_numbers`) or under a
    do-not-call request (`do_not_call_numbers`), each mapped to the event that made it so."""
    return {
        number: event
        for number, (status, event) in number_statuses(service.events()).items()
        if status in UNCALLABLE_STATUSES
    }


def number_statuses(events: Iterable[ContactEvent]) -> dict[str, tuple[str, ContactEvent]]:
    """The status of each phone number the events are about (``reached``, ``wrong`` or
    ``do_not_call``, `custmaster.merge.engine.combined_status`), with the event that set it;
    numbers no event proves anything about are left out."""
    status: dict[str, Verdict] = {}
    wishes: dict[str, Verdict] = {}
    by_id: dict[str, ContactEvent] = {}
    for event in events:
        if not event.contact_kind.is_phone:
            continue
        implied = event.outcome.implied_status
        consent = event.outcome.consent
        if implied is None and consent is None:
            continue
        number = verdict_key(event.contact_kind.value, event.contact_value)[1]
        key = (event.at, event.id)
        by_id[event.id] = event
        for newest, text in (
            (status, None if implied is None else implied.value),
            (wishes, None if consent is None else ("consented" if consent else "do_not_call")),
        ):
            if text is None:
                continue
            current = newest.get(number)
            if current is None or key > current.key:
                newest[number] = Verdict(key, text, event.at, None, event.id)
    found = {}
    for number in {*status, *wishes}:
        verdict = combined_status(status.get(number), wishes.get(number))
        if verdict is not None:
            found[number] = (verdict.status, by_id[verdict.event_id])
    return found


def copied_event(event: ContactEvent, customer_id: str) -> ContactEvent:
    """A copy of a call-back event for another customer who has the same number.

    Its id is the original's base id plus ``#<customer id>`` (event ids are unique per store).
    """
    base = event.id.split("#", 1)[0]
    new_id = f"{base}#{customer_id}"
    if len(new_id) > 64:
        new_id = f"{base[: 63 - len(customer_id)]}#{customer_id}"
    return attrs.evolve(event, id=new_id)


class _CustomerIds:
    """The distinct customer ids an import's rows went to, in memory that stays small.

    An id as the stores make them (``C`` and eight or more digits, `custmaster.store`) is one
    bit of a bitmap indexed by its number (below `_BITMAP_MAX`); any other id is kept in a
    set. (A set of every id took about 90 bytes per customer: 40 MB for a million rows.)
    """

    __slots__ = ("_bits", "_others", "count")

    def __init__(self) -> None:
        self._bits = bytearray()
        self._others: set[str] = set()
        #: How many distinct ids were added.
        self.count = 0

    def add(self, customer_id: str) -> None:
        digits = customer_id[1:]
        if (
            customer_id[:1] == "C"
            and len(digits) >= 8
            and digits.isdigit()
            and digits.isascii()
            and (len(digits) == 8 or digits[0] != "0")  # the one way the stores write it
            and (number := int(digits)) < _BITMAP_MAX
        ):
            at, bit = number >> 3, 1 << (number & 7)
            bits = self._bits
            if at >= len(bits):
                bits.extend(bytes(at + 1 - len(bits) + len(bits) // 2))
            if not bits[at] & bit:
                bits[at] |= bit
                self.count += 1
        elif customer_id not in self._others:
            self._others.add(customer_id)
            self.count += 1


class _Importer:
    """One import run: the column plan, the batch, the counters."""

    #: Whether each cell is normalised by its field's converter as it is read and the record
    #: built from those values without running the converters again
    #: (`custmaster.model._trusted.source_record`). When False the cells are kept as text
    #: and `SourceRecord` validates them; the tests check that both give the same records.
    trusted = True

    def __init__(
        self,
        service: Service,
        path: Path,
        profile: ImportProfile,
        columns: _Columns,
        *,
        observed_at: dt.datetime,
        operator: str | None,
        skip_bad_cells: bool,
        rejects: _RejectSink,
        flagged: dict[str, ContactEvent],
    ) -> None:
        self.service = service
        self.profile = profile
        self.channel = profile.channel
        self.columns = columns
        self.path = path
        self.stem = path.stem
        self.observed_at = observed_at
        self.operator = operator
        self.skip_bad_cells = skip_bad_cells
        self.rejects = rejects
        self.flagged = flagged
        self.validator = RowValidator(columns.header_map, all_columns=True)
        #: Whether rows have `PHONE` or repeated columns (read after the mapped ones).
        self.further = bool(columns.header_map.phones or columns.header_map.repeats)
        #: ``(header, field, converter, known)`` of each mapped column (`_values`): the
        #: converter of a field read as text (None for a date, or when the record's
        #: constructor is to run it), and the values of the column's cells read so far.
        self.plan: list[tuple[str, str, Callable[[str], Any] | None, dict[str, Any]]] = [
            (
                header,
                field,
                None
                if field in DATE_FIELDS or not self.trusted
                else _trusted.SOURCE_CONVERTERS.get(field),
                {},
            )
            for header, field in columns.header_map.mapped
        ]
        #: ``(header, line, field, converter, known)`` of each column of one line's policy
        #: (商业险保单号, 交强险终保日期: `HeaderMap.lines`), read as `plan`'s are (`_lines`).
        self.line_plan: list[tuple[str, str, str, Callable[[str], Any] | None, dict[str, Any]]] = [
            (
                header,
                line,
                field,
                None
                if field in DATE_FIELDS or not self.trusted
                else _trusted.SOURCE_CONVERTERS.get(field),
                {},
            )
            for header, line, field in columns.header_map.lines
        ]
        #: The current row's values of its lines' columns, and the records of its further
        #: policies (a row with 商业险保单号 and 交强险保单号 gives two: `_line_policies`).
        self._row_lines: dict[str, dict[str, Any]] = {}
        self._line_records: list[SourceRecord] = []
        self.meta = list(columns.meta.items())
        #: ``(header, field, known)`` of each `META_FIELDS` column (`_meta`): the values of
        #: the column's cells read so far.
        self.meta_plan: list[tuple[str, str, dict[str, Any]]] = [
            (header, field, {}) for header, field in self.meta
        ]
        self.extra = columns.extra
        self.width = len(columns.header_map.headers)
        #: The column stating the identity document's type (证件类型), read with the identity
        #: column (`custmaster.workflows.validation.identity_value`), and its code table.
        types = columns.header_map.document_types
        self.type_column = types[0] if types else None
        self.has_role = any(field == "role" for _, field, _, _ in self.plan)
        self.today = dt.date.today()
        self.counts = dict.fromkeys(Outcome, 0)
        self.codes: dict[str, int] = {}
        self.partial = 0
        #: Warnings written per code, and the current row's documents to warn about
        #: (``(header, document)``, read by `_values`).
        self.warned: dict[str, int] = {}
        self._doubts: list[tuple[str, Any]] = []
        self.customers = _CustomerIds()
        self.flags_copied = 0
        #: The numbers of each row of the batch whose cell noted them bad: outcome and note.
        self._noted: dict[int, dict[str, tuple[ContactOutcome, str]]] = {}
        self.numbers_noted = 0
        self.batch: list[SourceRecord] = []
        self.batch_rows: list[int] = []
        #: Which records of the batch are companions (not rows of their own; not counted).
        self.batch_companion: list[bool] = []
        #: ``(field, number)`` of the current row's further numbers (see `_split_phones`).
        self._more: list[tuple[str, phone_module.PhoneNumber]] = []
        #: The holder and owner columns (`custmaster.workflows.parties`), and the current
        #: row's records of them with its rejected party cells.
        self.parties = find_parties(columns.extra, columns.header_map.party_columns)
        self._party_records: list[SourceRecord] = []
        self._party_rejects: list[Reject] = []
        # Parsed forms of the meta cells that repeat row after row (times, policy facts):
        # each distinct text is parsed once per import (the parsers are pure).
        self._parsed: dict[tuple[str, str], Any] = {}
        #: The profile's row hook for this file (None without one), and the extra values
        #: it gave the current row.
        self._hook = (
            None
            if profile.row_hook is None
            else profile.row_hook(
                ImportContext(
                    service=service,
                    profile=profile,
                    headers=columns.header_map.headers,
                    fields=dict(columns.header_map.read),
                )
            )
        )
        self._hook_extra: Mapping[str, str] = {}
        #: The hook's other readings of a row (`RowHook`), the change it made to the current
        #: row, and for each record of the batch its row as read and that change (None for
        #: a companion), to recognise a row stored under another reading (`_earlier`).
        self._readings: Callable[[int, Row], Iterable[RowChange | None]] | None = getattr(
            self._hook, "readings", None
        )
        self._change: RowChange | None = None
        self._raw: Row = {}
        #: Rows read ahead for the hook to prepare for (`ahead`), until the first is read.
        self._upcoming: list[tuple[int, Row]] = []
        self.batch_source: list[tuple[Row, RowChange | None] | None] = []
        #: Companion records of the batch held back until their row's outcome is known:
        #: ``(index of the row's record in the batch, row number, record)``.
        self.deferred: list[tuple[int, int, SourceRecord]] = []
        #: Rows with a third party's phone kept apart, by reason; rows stored under another
        #: reading of the hook.
        self.third_party: dict[str, int] = {}
        self.earlier_readings = 0
        #: Rows of a policy stored before that add to it (`_late_entry`).
        self.late_entries = 0

    #: What `__init__` derives from the columns: `relayout` takes it from another layout's.
    _LAYOUT = (
        "columns", "validator", "further", "plan", "line_plan", "meta", "meta_plan", "extra",
        "width", "type_column", "has_role", "parties", "_hook", "_readings",
    )  # fmt: skip

    def relayout(self, columns: _Columns) -> None:
        """Read the rows that follow by the columns of another layout (an export joined from
        parts whose headers differ: `custmaster.workflows.reading.Table.layouts`); counts,
        batch and caches of parsed texts go on."""
        fresh = _Importer(
            self.service,
            self.path,
            self.profile,
            columns,
            observed_at=self.observed_at,
            operator=self.operator,
            skip_bad_cells=self.skip_bad_cells,
            rejects=self.rejects,
            flagged=self.flagged,
        )
        for name in self._LAYOUT:
            setattr(self, name, getattr(fresh, name))

    # -- rows ------------------------------------------------------------------------------

    def ahead(
        self, table: Table, size: int
    ) -> Iterator[tuple[int, Row, tuple[str, ...], str | None]]:
        """The table's rows with the headers and the sheet each was read by; for a profile
        with a row hook, read up to ``size`` rows ahead, never across a change of layout or
        sheet, so that `record` gives the hook's ``prepare`` (`RowHook`) the rows to come
        before the first is read. (A new sheet's headers are a new tuple: `Table`.)"""
        headers, sheet = table.headers, table.sheet
        if self.profile.row_hook is None:
            for number, row in table:
                if table.headers is not headers:
                    headers, sheet = table.headers, table.sheet
                yield number, row, headers, sheet
            return
        chunk: list[tuple[int, Row]] = []
        for number, row in table:
            if chunk and (table.headers is not headers or len(chunk) >= size):
                self._upcoming = chunk
                yield from ((n, r, headers, sheet) for n, r in chunk)
                chunk = []
            headers, sheet = table.headers, table.sheet
            chunk.append((number, row))
        if chunk:
            self._upcoming = chunk
            yield from ((n, r, headers, sheet) for n, r in chunk)

    def _reject(self, reject: Reject) -> None:
        self.rejects.add(reject)
        self.codes[reject.code] = self.codes.get(reject.code, 0) + 1

    def _values(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The values of the row's mapped cells (`_cell`), by field; raises the first bad one.

        A text cell met before in its column is not read again: a customer's name, ID, plate,
        phones and dates repeat on the rows of each of their policies (and `_cell` is pure).
        """
        values: dict[str, Any] = {}
        routed: tuple[str, Any] | None = None
        for header, field, convert, known in self.plan:
            cell = row.get(header)
            if cell is None:
                continue
            if field == "resident_id" and self.type_column is not None:
                kind = row.get(self.type_column)
                type_text = "" if kind is None else cell_text(kind).strip()
                if type_text and not is_empty_cell(cell_text(cell)):
                    # the type decides how the number is read (raises: the slow path rejects)
                    routed = identity_value(type_text, cell, self.columns.header_map.document_codes)
                    if routed is not None:
                        if routed[0] == "id_document":
                            self._doubts.append((header, routed[1]))
                        continue
            if type(cell) is str:
                value = known.get(cell, _UNPARSED)
                if value is _UNPARSED:
                    value = self._cell(field, convert, cell)
                    if len(known) >= _KNOWN_MAX:
                        known.clear()
                    known[cell] = value
            else:
                value = self._cell(field, convert, cell)
            if value is _EMPTY_CELL:
                continue
            if value is _SEVERAL_NUMBERS:
                value = self._split_phones(field, field_text(field, cell))
            values[field] = value
        if routed is not None:  # an earlier column of the field wins, as in validation
            values.setdefault(*routed)
        return values

    def _lines(self, row: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """The values of the row's columns of one line's policy, by line and field (as
        `_values` reads the mapped cells); raises the first bad one."""
        lines: dict[str, dict[str, Any]] = {}
        for header, line, field, convert, known in self.line_plan:
            cell = row.get(header)
            if cell is None:
                continue
            value = known.get(cell, _UNPARSED) if type(cell) is str else _UNPARSED
            if value is _UNPARSED:
                value = self._cell(field, convert, cell)
                if type(cell) is str:
                    if len(known) >= _KNOWN_MAX:
                        known.clear()
                    known[cell] = value
            if value is not _EMPTY_CELL:
                lines.setdefault(line, {})[field] = value
        return lines

    def _line_policies(self, values: dict[str, Any]) -> list[dict[str, Any]]:
        """The policies of a row with columns of one line's policy: ``values`` keeps (or, with
        no 保单号 column, takes) the first; the others are returned, each its number, line and
        cover (the line's own dates, else the row's), for records of their own."""
        others: list[dict[str, Any]] = []
        plain = values.get("policy_no")
        row_cover = {key: values.get(key) for key in ("cover_start", "cover_end")}
        for code, fields in self._row_lines.items():
            number = fields.get("policy_no")
            if not number:
                continue  # a line's dates without its number: no policy
            policy = {
                "policy_no": number,
                "line": PolicyLine.get(code),
                "cover_start": fields.get("cover_start", row_cover["cover_start"]),
                "cover_end": fields.get("cover_end", row_cover["cover_end"]),
            }
            if plain is None:
                values.update((k, v) for k, v in policy.items() if v is not None)
                plain = number
            elif _compact_no(number) == _compact_no(plain):
                for key, value in policy.items():  # the 保单号 column names this line's policy
                    if value is not None and (key != "line" or "line" not in values):
                        values[key] = value
            else:
                others.append({k: v for k, v in policy.items() if v is not None})
        return others

    def _cell(self, field: str, convert: Callable[[str], Any] | None, cell: object) -> Any:
        """What a mapped cell gives its field: a date, the field's converter's value (its
        text without a converter: `SourceRecord` then validates it), `_EMPTY_CELL` or
        `_SEVERAL_NUMBERS` for a phone cell that may hold several numbers."""
        text = cell if type(cell) is str else cell_text(cell)
        if is_empty_cell(text):
            return _EMPTY_CELL
        if field in DATE_FIELDS:
            return self._date(field, cell)
        if field in _PHONE_FIELD_SET and holds_several(text):
            return _SEVERAL_NUMBERS
        text = field_text(field, cell)
        return text if convert is None else convert(text)

    def _split_phones(self, field: str, text: str) -> str:
        """The first number of a cell that may hold several (``138…/139…``); the others become
        companion records (`companions`). Raises for a cell with an invalid part, as
        validation rejects it (`custmaster.workflows.validation.split_phone_cell`)."""
        first, more = split_phone_cell(text)
        self._more.extend((field, number) for number in more)
        return first

    def _date(self, field: str, cell: object) -> dt.date:
        latest = self.today if field == "birth_date" else _LATEST
        return parse_date(date_cell(cell), field=field, latest=latest)

    def _parse(self, field: str, text: str, parse: Callable[[str, str], Any]) -> Any:
        """``parse(field, text)``, once per distinct text of a field (errors are not kept)."""
        key = (field, text)
        parsed = self._parsed.get(key, _UNPARSED)
        if parsed is _UNPARSED:
            parsed = parse(field, text)
            if len(self._parsed) >= _PARSED_MAX:
                self._parsed.clear()
            self._parsed[key] = parsed
        return parsed

    def _meta(self, row_number: int, row: Mapping[str, Any]) -> tuple[dict[str, Any], list[Reject]]:
        """The values of the row's `META_FIELDS` cells (`_meta_cell`), and a reject for each bad
        one. As in `_values`, a text cell met before in its column is not read again."""
        found: dict[str, Any] = {}
        rejects: list[Reject] = []
        for header, field, known in self.meta_plan:
            cell = row.get(header)
            if cell is None:
                continue
            value = known.get(cell, _UNPARSED) if type(cell) is str else _UNPARSED
            if value is _UNPARSED:
                try:
                    value = self._meta_cell(field, cell)
                except ValidationError as error:
                    rejects.append(
                        Reject.from_error(row_number, header, field, error.for_field(field))
                    )
                    continue
                if type(cell) is str:
                    if len(known) >= _KNOWN_MAX:
                        known.clear()
                    known[cell] = value
            if value is not _EMPTY_CELL:
                found[field] = value
        return found, rejects

    @classmethod
    def _meta_cell(cls, field: str, cell: object) -> Any:
        """What a `META_FIELDS` cell gives its field, or `_EMPTY_CELL`; raises for a bad one."""
        text = cell if type(cell) is str else cell_text(cell)
        if is_empty_cell(text):
            return _EMPTY_CELL
        if field == "observed_at" and type(cell) is str:
            return _parse_time_text(field, cell)
        return cls._meta_value(field, cell, text)

    @staticmethod
    def _meta_value(field: str, cell: object, text: str) -> Any:
        if field == "observed_at":
            return parse_time(date_cell(cell))
        value = text.strip()
        if field == "source_ref" and len(value) > _REF_MAX:
            raise ValidationError(
                f"A source reference is at most {_REF_MAX} characters.",
                code="import.reference",
                masked_value=mask_unknown(value),
                message_zh=f"来源编号最多 {_REF_MAX} 个字符。",
            )
        return value

    def _extra(self, row: Mapping[str, Any]) -> dict[str, str]:
        extra: dict[str, str] = {}
        for header in self.extra:
            cell = row.get(header)
            if cell is not None and cell != "":
                text = cell_text(cell)
                if text.strip():
                    extra[header[:64]] = text
        if len(row) > self.width:
            for key in row.keys() - set(self.columns.header_map.headers):
                extra[key[:64]] = cell_text(row[key])
        return extra

    def _reference(
        self, row_number: int, values: Mapping[str, Any], meta: Mapping[str, Any]
    ) -> str:
        ref = meta.get("source_ref")
        if ref:
            return str(ref)
        policy_no = values.get("policy_no")
        if self.profile.policy_refs and isinstance(policy_no, str) and policy_no.strip():
            number = "".join(policy_no.split()).upper()
            seq = str(meta.get("endorsement_seq") or "0").strip()
            ref = f"{number}#{seq}"
            role = values.get("role")
            if self.has_role and isinstance(role, PolicyRole):  # a validated row's value
                ref += f"#{role.value}"
            elif self.has_role and role:
                try:
                    ref += f"#{PolicyRole(str(role).strip()).value}"
                except ValueError:
                    ref += f"#{str(role).strip()}"
            return ref
        return f"{self.stem}:{row_number}"

    def _fact(self, field: str, value: Any) -> Any:
        """The policy fact ``field`` read from its cell (None when it cannot be read)."""
        if type(value) is str:
            return self._parse(field, value, _read_fact)
        return _read_fact(field, value)

    def _policy_facts(self, values: Mapping[str, Any], meta: Mapping[str, Any]) -> dict[str, str]:
        policy_no = values.get("policy_no")
        if not isinstance(policy_no, str) or not policy_no.strip():
            return {}
        number = "".join(policy_no.split()).upper()
        facts: dict[str, str] = {}
        status = self._fact("status", meta["status"]) if "status" in meta else None
        if status is not None:
            facts[meta_key("status", number)] = status.value
        business = (
            self._fact("business_type", meta["business_type"]) if "business_type" in meta else None
        )
        if business is not None:
            facts[meta_key("business_type", number)] = business.value
        if "renews" in meta:
            renews = "".join(str(meta["renews"]).split()).upper()
            if renews and renews != number:
                facts[meta_key("renews", number)] = renews
        paid = self._fact("paid", meta["paid"]) if "paid" in meta else None
        if paid is not None:
            facts[meta_key("paid", number)] = "yes" if paid else "no"
        return facts

    def _unparsed_facts(self, meta: Mapping[str, Any]) -> dict[str, str]:
        """Policy-fact cells that could not be read are kept under their header."""
        kept: dict[str, str] = {}
        for header, field in self.meta:
            if field in _FACT_READERS and field in meta and self._fact(field, meta[field]) is None:
                kept[header[:64]] = str(meta[field])
        if _SPILL in meta:
            kept[_SPILL] = str(meta[_SPILL])
        return kept

    def record(self, row_number: int, row: Row) -> SourceRecord | None:
        """The row's record, or None after writing its rejects.

        The row's other parties (`_parties`) and further phone numbers (`companions`) are
        added to the batch with it by `add`.
        """
        self._party_records.clear()
        self._party_rejects.clear()
        self._line_records.clear()
        self._hook_extra = {}
        if self._upcoming:  # the first of rows read ahead (`ahead`), by this layout's hook
            prepare = getattr(self._hook, "prepare", None)
            if prepare is not None:
                prepare(self._upcoming)
            self._upcoming = []
        self._raw, self._change = row, None
        if self._hook is not None:
            change = self._change = self._hook(row_number, row)
            if change is not None:
                if change.cleared:
                    row = {**row, **dict.fromkeys(change.cleared, "")}
                self._hook_extra = change.extra
        record = self._record(row_number, row)
        if record is not None and self._party_rejects:
            self._reject_all(self._party_rejects)
            self.partial += 1
        return record

    def _record(self, row_number: int, row: Row) -> SourceRecord | None:
        self._more.clear()
        self._doubts.clear()
        self._row_lines = {}
        try:  # the quick path: a row without a bad cell
            values = self._values(row)
            if self.line_plan:
                self._row_lines = self._lines(row)
            meta, rejects = self._meta(row_number, row)
            if not rejects:
                if self.further:
                    more, spill = self.validator.read_further_columns(
                        row, values, normalised=self.trusted
                    )
                    self._more.extend(more)
                    meta.update(spill)
                record = self._build(row_number, row, values, meta)
                if self._doubts:
                    self._warn(
                        document_warning(row_number, header, document)
                        for header, document in self._doubts
                    )
                return record
        except ValidationError:
            pass
        # The slow path: every bad cell, with its column.
        self._more.clear()
        self._party_records.clear()
        self._party_rejects.clear()
        result = self.validator(row_number, row)
        if result.noted:
            self._noted[row_number] = {number: (o, note) for _, number, o, note in result.noted}
        values = dict(result.values)
        self._row_lines = result.lines
        self._more.extend(result.more)
        meta, meta_rejects = self._meta(row_number, row)
        if _SPILL in result.extra:
            meta[_SPILL] = result.extra[_SPILL]
        all_rejects = [*result.rejects, *result.conflicts, *meta_rejects]
        if not all_rejects:  # only the record as a whole failed (e.g. a policy reference)
            try:
                record = self._build(row_number, row, values, meta)
            except ValidationError as error:
                all_rejects = [Reject.from_error(row_number, "", error.field or "", error)]
                self._reject_all(all_rejects)
                return None
            self._warn(result.warnings)
            return record
        self._reject_all(all_rejects)
        if not self.skip_bad_cells:
            return None
        try:
            record = self._build(row_number, row, values, meta)
        except ValidationError:
            return None
        self.partial += 1
        self._warn(result.warnings)
        return record

    def _warn(self, warnings: Iterable[Reject | None]) -> None:
        """Write warnings about a row imported all the same to the rejects file."""
        for warning in warnings:
            if warning is not None:
                self.rejects.add(warning)
                self.warned[warning.code] = self.warned.get(warning.code, 0) + 1

    def _reject_all(self, rejects: Iterable[Reject]) -> None:
        for reject in rejects:
            self._reject(reject)

    def _build(
        self,
        row_number: int,
        row: Mapping[str, Any],
        values: dict[str, Any],
        meta: dict[str, Any],
    ) -> SourceRecord:
        extra = self._extra(row)
        if self._more and not any(values.get(name) for name in _LINK_FIELDS):
            # Nothing to attach a companion record by: keep the further numbers as text.
            for field, number in self._more:
                key = f"more_{field}"
                extra[key] = (
                    f"{extra[key]} {number.canonical}" if key in extra else number.canonical
                )
            self._more.clear()
        extra.update(self._unparsed_facts(meta))
        if self._hook_extra:
            extra.update(self._hook_extra)
        others = self._line_policies(values) if self._row_lines else []
        shared = dict(extra) if others else extra
        extra.update(self._policy_facts(values, meta))
        ref = self._reference(row_number, values, meta)
        observed_at = meta.get("observed_at", self.observed_at)
        operator = meta.get("operator", self.operator)
        if self.trusted:
            provenance = _trusted.provenance(self.channel, ref, observed_at, operator)
        else:
            provenance = Provenance(
                channel=self.channel, source_ref=ref, observed_at=observed_at, operator=operator
            )
        policies = [(values, provenance, extra)]
        for policy in others:  # the row's further policies: records of their own
            record_values = {**values, **policy}
            for key in ("cover_start", "cover_end"):
                if key not in policy:
                    record_values.pop(key, None)
            other_ref = self._reference(row_number, record_values, meta)
            if other_ref == ref:  # a source reference column: one reference for the row
                other_ref = f"{ref}~{policy['line'].code}"
            other_extra = {**shared, **self._policy_facts(record_values, meta)}
            policies.append(
                (record_values, attrs.evolve(provenance, source_ref=other_ref), other_extra)
            )
        if self.parties:
            self._parties(row_number, row, policies)
        self._line_records = [
            self._source_record(other_provenance, other_values, other_extra)
            for other_values, other_provenance, other_extra in policies[1:]
        ]
        return self._source_record(provenance, values, extra)

    def _source_record(
        self, provenance: Provenance, values: dict[str, Any], extra: dict[str, str]
    ) -> SourceRecord:
        if self.trusted:  # every value came out of its field's converter
            return _trusted.source_record(provenance, values, extra)
        return SourceRecord(provenance=provenance, extra=extra, **values)

    def _parties(
        self,
        row_number: int,
        row: Mapping[str, Any],
        policies: list[tuple[dict[str, Any], Provenance, dict[str, str]]],
    ) -> None:
        """Records of the row's holder and owner with a strong key, on each of the row's
        policies (its number, line and cover; ``(values, provenance, extra)`` of each policy's
        record); their columns then leave the records' extra values. Bad party cells become
        rejects without stopping the insured's row (counted as partial)."""
        self._party_records.clear()
        self._party_rejects.clear()
        for party in self.parties:
            found = read_party(party, row, self.columns.header_map.document_codes)
            for header, field, error in found.errors:
                self._party_rejects.append(Reject.from_error(row_number, header, field, error))
            for n_policy, (values, provenance, extra) in enumerate(policies):
                policy = {name: values[name] for name in _PARTY_POLICY_FIELDS if name in values}
                if found.values is None or not policy.get("policy_no"):
                    continue
                if not self._party_record(
                    row_number, party, found, (policy, provenance), first=not n_policy
                ):
                    break
                for header in party.headers:
                    extra.pop(header[:64], None)

    def _party_record(
        self,
        row_number: int,
        party: Party,
        found: PartyValues,
        on: tuple[dict[str, Any], Provenance],
        *,
        first: bool,
    ) -> bool:
        """Add the record of ``party`` on a policy (``on``: its fields and its record's
        provenance) and, on the row's ``first`` policy, one for each further number of its
        phone cell; False when its values make no record."""
        assert found.values is not None
        policy, provenance = on
        ref = f"{provenance.source_ref}~{party.role.value}"
        try:
            made = SourceRecord(
                provenance=attrs.evolve(provenance, source_ref=ref), **policy, **found.values
            )
        except ValidationError as error:
            field = f"{party.role.value}.{error.field or ''}"
            self._party_rejects.append(
                Reject.from_error(row_number, party.headers[0], field, error)
            )
            return False
        self._party_records.append(made)
        if not first:
            return True
        strong = {
            k: v for k, v in found.values.items() if k in ("resident_id", "uscc", "id_document")
        }
        for n, (slot, number) in enumerate(found.more, start=2):
            # a further number of the party's phone cell: a record of its own, as the
            # insured's further numbers are (`companions`)
            self._party_records.append(
                SourceRecord(
                    provenance=attrs.evolve(provenance, source_ref=f"{ref}.{n}"),
                    role=found.values["role"],
                    **policy,
                    **strong,
                    **{slot: number},
                )
            )
        return True

    # -- batches ---------------------------------------------------------------------------

    def companions(self, record: SourceRecord) -> list[SourceRecord]:
        """One record per further number of the row's multi-number cells.

        Each carries the row's strong keys, policy number, plate and VIN (so it resolves to
        the same customer) and one number, in the slot its kind calls for; its reference is
        the row's plus ``~<field>.<n>``, so a re-run adds nothing twice. (`_build` keeps the
        further numbers of a row without any of those keys as extra text instead.)
        """
        numbers = list(self._more)
        spilt = record.extra.get(_SPILL)
        if spilt and spilt not in {n.canonical for _, n in numbers}:
            # a 联系电话 number whose slot the row's own number took: the extra value it has
            # always been, and a contact point too, after the others (their references stay)
            numbers.append((PHONE, phone_module.parse(spilt)))
        if not numbers:
            return []
        kept = {name: getattr(record, name) for name in _COMPANION_FIELDS}
        if not any(kept[name] for name in _LINK_FIELDS):
            return []
        made: list[SourceRecord] = []
        for n, (field, number) in enumerate(numbers, start=2):
            if number.kind is phone_module.PhoneKind.MOBILE:
                slot = "mobile"
            elif field in ("mobile", "phone"):  # a fixed line in a mobile or 联系电话 column
                slot = "home_phone"
            else:
                slot = field
            provenance = attrs.evolve(
                record.provenance, source_ref=f"{record.provenance.source_ref}~{field}.{n}"
            )
            made.append(SourceRecord(provenance=provenance, **kept, **{slot: number.canonical}))
        return made

    def add(self, row_number: int, record: SourceRecord, batch_size: int) -> None:
        at = len(self.batch)
        self.batch.append(record)
        self.batch_rows.append(row_number)
        self.batch_companion.append(False)
        hooked = self.profile.row_hook is not None  # the same for every layout of the file
        if hooked:
            self.batch_source.append((self._raw, self._change))
        if self._more or self._party_records or self._line_records or _SPILL in record.extra:
            more = self.companions(record)
            if self._readings is not None:
                # a further number of a row stored under another reading is not added
                self.deferred.extend((at, row_number, companion) for companion in more)
                more = []
            for companion in [*self._line_records, *more, *self._party_records]:
                self.batch.append(companion)
                self.batch_rows.append(row_number)
                self.batch_companion.append(True)
                if hooked:
                    self.batch_source.append(None)
            self._more.clear()
            self._party_records.clear()
            self._line_records.clear()
        if len(self.batch) >= batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        results = self.service.ingest(self.batch)
        sources = self.batch_source
        earlier: set[int] = set()
        later: list[tuple[int, SourceRecord, bool]] = []
        for index, (row_number, companion, record, result) in enumerate(
            zip(self.batch_rows, self.batch_companion, self.batch, results, strict=True)
        ):
            source = sources[index] if sources else None
            if (
                result.error is not None
                and result.error.code == "record.conflicting_duplicate"
                and (source is None or self._readings is None)
            ):
                late = self._late_entry(record)
                if isinstance(late, IngestResult):  # says nothing the stored record did not
                    self._count(row_number, record, late, companion=companion)
                    continue
                if late is not None:  # adds to it: a record of its own, ingested below
                    later.append((row_number, late, companion))
                    if not companion:
                        self.late_entries += 1
                    continue
            if source is None:
                self._count(row_number, record, result, companion=companion)
                continue
            change = source[1]
            found = (
                self._earlier(row_number, record, source)
                if result.error is not None and result.error.code == "record.conflicting_duplicate"
                else None
            )
            if found is None:
                self._count(row_number, record, result, companion=False)
            else:  # counted as the duplicate of the record stored
                customer_id, change, stored = found
                earlier.add(index)
                self.earlier_readings += 1
                duplicate = IngestResult(Outcome.DUPLICATE, result.key, customer_id)
                self._count(row_number, stored, duplicate, companion=False)
            if change is not None and change.reason and (found is not None or result.ok):
                self.third_party[change.reason] = self.third_party.get(change.reason, 0) + 1
        if later:
            for (row_number, record, companion), result in zip(
                later, self.service.ingest([r for _, r, _ in later]), strict=True
            ):
                self._count(row_number, record, result, companion=companion)
        self.batch.clear()
        self.batch_rows.clear()
        self.batch_companion.clear()
        sources.clear()
        if self.deferred:
            kept = [(n, r) for at, n, r in self.deferred if at not in earlier]
            self.deferred.clear()
            if kept:
                for (row_number, record), result in zip(
                    kept, self.service.ingest([r for _, r in kept]), strict=True
                ):
                    self._count(row_number, record, result, companion=True)
        self._noted.clear()

    def _late_entry(self, record: SourceRecord) -> IngestResult | SourceRecord | None:
        """A row of a policy already stored under its reference (``<policy>#<sequence>``) with
        other content, as a 补录 (late entry) list or a later extract gives it: when it says
        nothing the stored record did not (a policy number alone, fewer columns), a duplicate
        of it; when it adds to it and contradicts none of its values but the phones (which
        accumulate) and extra values (notes, policy facts: newest wins), the record under a
        reference of its own, ``<reference>+<digest of its values>`` (so a re-run is a
        duplicate again); else None, a conflict (a changed name, ID or address)."""
        store = self.service.store
        number = record.policy_no
        ref = record.provenance.source_ref
        if (
            not self.profile.policy_refs
            or number is None
            or not ref.startswith(_compact_no(number) + "#")
            or "+" in ref
            or not isinstance(store, BaseStore)
        ):
            return None
        found = store.stored_record(record.provenance.key)
        if found is None:
            return None
        customer_id, stored = found
        given, had = dict(record.values()), dict(stored.values())
        if all(key in had and had[key] == value for key, value in given.items()):
            return IngestResult(Outcome.DUPLICATE, record.provenance.key, customer_id)
        for key, value in given.items():
            if (
                key in had
                and had[key] != value
                and key not in _PHONE_FIELD_SET
                and not key.startswith("extra.")
            ):
                return None
        content = repr(sorted((key, str(value)) for key, value in given.items()))
        digest = hashlib.sha1(content.encode()).hexdigest()[:12]
        provenance = attrs.evolve(record.provenance, source_ref=f"{ref}+{digest}")
        return attrs.evolve(record, provenance=provenance)

    def _earlier(
        self, row_number: int, record: SourceRecord, source: tuple[Row, RowChange | None]
    ) -> tuple[str, RowChange | None, SourceRecord] | None:
        """The customer, the reading of the hook and the record stored under the row's reference,
        when it is stored under another reading of the same row (None when the stored record
        is no reading of this row: a changed record, which stays a conflict)."""
        store = self.service.store
        if self._readings is None or not isinstance(store, BaseStore):
            return None
        found = store.stored_record(record.provenance.key)
        if found is None:
            return None
        customer_id, stored = found
        row, used = source
        for change in self._readings(row_number, row):
            if change == used:
                continue
            other = self._reread(row_number, row, change)
            if other is not None and same_values(stored, other):
                return customer_id, change, stored
        return None

    def _reread(self, row_number: int, row: Row, change: RowChange | None) -> SourceRecord | None:
        """The row's record read with ``change`` instead of the hook's, leaving the import's
        counters, rejects and the current row's companions as they are."""
        saved = (
            self._more[:],
            self._party_records[:],
            self._party_rejects[:],
            self._hook_extra,
            self.partial,
            self.rejects,
            self.codes,
            self.warned,
        )
        self.rejects, self.codes, self.warned = _RejectSink(None), {}, {}
        self._hook_extra = {} if change is None else change.extra
        if change is not None and change.cleared:
            row = {**row, **dict.fromkeys(change.cleared, "")}
        try:
            return self._record(row_number, row)
        except ValidationError:
            return None
        finally:
            self._more[:], self._party_records[:], self._party_rejects[:] = saved[:3]
            self._hook_extra, self.partial, self.rejects, self.codes, self.warned = saved[3:]

    def _count(
        self, row_number: int, record: SourceRecord, result: IngestResult, *, companion: bool
    ) -> None:
        if not companion:
            self.counts[result.outcome] += 1
        if result.outcome is Outcome.REJECTED:
            error = result.error
            if error is not None:
                self._reject(Reject.from_error(row_number, "", error.field or "", error))
            return
        if result.customer_id is None:
            return
        self.customers.add(result.customer_id)
        if self._noted:
            self._note_events(row_number, result.customer_id, record)
        if self.flagged:
            self._copy_flags(result.customer_id, record)

    def numbered_blank(self, record: SourceRecord) -> bool:
        """Whether the row's record holds nothing but its line number (序号 2 of a template's
        empty lines): no field's value (placeholders read as none), no other party or policy
        line, no other column."""
        if record.has_values() or self._more or self._party_records or self._line_records:
            return False
        return all(is_row_number_header(key) for key in record.extra)

    def _note_events(self, row_number: int, customer_id: str, record: SourceRecord) -> None:
        """Record what the row's cells noted of its numbers (空号, 停机, 错号) as contact events
        of the customer each number went to, at the record's time; once per source reference,
        so a re-run adds none. A number shown wrong is then flagged for later holders too."""
        notes = self._noted.get(row_number)
        if not notes:
            return
        provenance = record.provenance
        known: set[str] | None = None
        for field in PHONE_FIELDS:
            number = getattr(record, field)
            found = notes.get(number) if number is not None else None
            if found is None:
                continue
            outcome, note = found
            reference = f"{provenance.channel.code}|{provenance.source_ref}|{number}"
            digest = hashlib.sha1(reference.encode()).hexdigest()[:20]
            event = ContactEvent(
                id=f"NOTE-{digest}#{customer_id}",
                at=provenance.observed_at,
                channel=provenance.channel,
                method=ContactMethod.CALL,
                contact_kind=_NOTED_KINDS[field],
                contact_value=number,
                outcome=outcome,
                operator=self.operator or None,
                note=note,
            )
            if known is None:
                known = {e.id for e in self.service.events(customer_id)}
            if event.id in known:
                continue
            self.service.add_event(customer_id, event)
            known.add(event.id)
            self.numbers_noted += 1
            if outcome.implied_status is ContactStatus.WRONG:
                self.flagged.setdefault(number, event)

    def _copy_flags(self, customer_id: str, record: SourceRecord) -> None:
        for field in PHONE_FIELDS:
            number = getattr(record, field)
            if number is None:
                continue
            event = self.flagged.get(number)
            if event is None:
                continue
            copy = copied_event(event, customer_id)
            if not any(e.id == copy.id for e in self.service.events(customer_id)):
                self.service.add_event(customer_id, copy)
                self.flags_copied += 1


def import_table(
    target: Service | Store,
    path: str | Path,
    profile: ImportProfile = CORE_SYSTEM,
    *,
    encoding: str | None = None,
    sheet: str | Sequence[str] | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[str, object] | None = None,
    rejects: str | Path | None = None,
    observed_at: dt.datetime | dt.date | str | None = None,
    operator: str | None = None,
    skip_bad_cells: bool = False,
    batch_size: int = _BATCH,
    progress: Callable[[int, float | None], None] | None = None,
) -> ImportSummary:
    """Import every row of a CSV or XLSX file through ``profile`` (see the module description).

    ``sheet`` names the sheet of a workbook to read, or a sequence of names the sheets (in that
    order); without it every data sheet is read (`custmaster.workflows.reading.open_table`).
    ``mapping`` maps headers to `custmaster.SourceRecord` fields, to `META_FIELDS` or to
    ``None`` (ignore the column). ``rejects`` is the path of the rejects CSV (none written
    when None). ``observed_at`` is the time of rows without a time column (default: the
    file's modification time); ``operator`` the operator of rows without an operator column.
    ``progress(rows_done, fraction_or_None)`` is called after each batch.
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise UsageError(
            "The batch size is a positive integer.",
            code="import.batch_size",
            message_zh="批大小须为正整数。",
        )
    service = as_service(target)
    path = Path(path)
    default_time = _mtime(path) if observed_at is None else parse_time(observed_at)

    def score(headers: tuple[str, ...]) -> int:
        columns = _columns(headers, profile, mapping)
        return columns.header_map.score() + len(columns.meta) + len(columns.header_map.phones)

    started = time.perf_counter()
    with open_table(
        path,
        encoding=encoding,
        sheet=sheet,
        delimiter=delimiter,
        header_row=header_row,
        header_score=score,
    ) as table:
        columns = _columns(table.headers, profile, mapping)
        if not columns.header_map.score():
            raise TableFormatError(
                f"{path.name}: none of the headers is a known field "
                "(保单号, 被保险人, 身份证号, 移动电话 … or policy_no, name …); "
                "pass a header mapping.",
                code="import.no_known_columns",
                message_zh=f"{path.name}：没有可识别的表头，请提供表头映射。",
            )
        sink = _RejectSink(
            Path(rejects) if rejects is not None else None, sheets=table.sheet is not None
        )
        sink.sheet = table.sheet
        importer = _Importer(
            service,
            path,
            profile,
            columns,
            observed_at=default_time,
            operator=operator,
            skip_bad_cells=skip_bad_cells,
            rejects=sink,
            flagged=uncallable_numbers(service) if service.counts().get("events") else {},
        )
        importer.stem = _stem(path, table.sheet, table.main_sheet)
        #: The columns of each layout met, with the holder's and owner's headers of each.
        met = [(columns, importer.parties)]
        #: The rows read of each sheet but the current one; the rows read before it.
        sheet_rows: dict[str, int] = {}
        empty_rows: list[int] = []
        before = rows = 0
        try:
            layout, current = table.headers, table.sheet
            for row_number, row, headers, sheet_read in importer.ahead(table, batch_size):
                if headers is not layout:  # another sheet or the header of another layout
                    # a batch's rows are re-read (`_earlier`) by one layout, of one sheet
                    importer.flush()
                    if sheet_read != current and current is not None:
                        sheet_rows[current], before = rows - before, rows
                        current = sink.sheet = sheet_read
                        importer.stem = _stem(path, current, table.main_sheet)
                    if headers != importer.columns.header_map.headers:
                        importer.relayout(_columns(headers, profile, mapping))
                        met.append((importer.columns, importer.parties))
                    layout = headers
                rows += 1
                record = importer.record(row_number, row)
                if record is not None:
                    if importer.numbered_blank(record):
                        empty_rows.append(row_number)
                    else:
                        importer.add(row_number, record, batch_size)
                if progress is not None and rows % batch_size == 0:
                    progress(rows, table.progress())
            importer.flush()
        finally:
            sink.close()
        if progress is not None:
            progress(rows, 1.0)
    if current is not None:
        sheet_rows[current] = rows - before
    counts = importer.counts
    return ImportSummary(
        path=path,
        channel=profile.channel.code,
        kind=table.kind,
        encoding=table.encoding,
        sheet=table.sheets[0].name if table.sheets else table.sheet,
        header_row=table.sheets[0].header_row if table.sheets else table.header_row,
        rows=rows,
        new=counts[Outcome.NEW_CUSTOMER],
        merged=counts[Outcome.MERGED],
        conflicting=counts[Outcome.CANDIDATE],
        duplicates=counts[Outcome.DUPLICATE],
        rejected=rows
        - len(empty_rows)
        - sum(counts[o] for o in Outcome if o is not Outcome.REJECTED),
        partial=importer.partial,
        rejects=sink.count,
        codes=tuple(sorted(importer.codes.items(), key=lambda item: (-item[1], item[0]))),
        customers=importer.customers.count,
        flags_copied=importer.flags_copied,
        numbers_noted=importer.numbers_noted,
        mapped=_once((h, f) for c, _ in met for h, f in c.header_map.read if f != PHONE),
        meta=_once(
            pair
            for c, _ in met
            for pair in (
                *c.meta.items(),
                *((h, PHONE) for h in c.header_map.phones),
                *((h, DOCUMENT_TYPE) for h in c.header_map.document_types[:1]),
            )
        ),
        unmapped=_once(
            h
            for c, parties in met
            for h in c.extra
            if not any(h in party.headers for party in parties)
        ),
        parties=_once(
            (header, f"{party.role.value}.{what}")
            for _, parties in met
            for party in parties
            for header, what in party.columns
        ),
        rejects_path=sink.path,
        seconds=time.perf_counter() - started,
        summary_rows=_every_sheet(table, "summary_rows"),
        skipped_rows=_every_sheet(table, "skipped_rows"),
        empty_rows=tuple(empty_rows),
        third_party=sum(importer.third_party.values()),
        third_party_reasons=tuple(
            sorted(importer.third_party.items(), key=lambda item: (-item[1], item[0]))
        ),
        earlier_readings=importer.earlier_readings,
        late_entries=importer.late_entries,
        sheets=tuple(sheet.summary(sheet_rows.get(sheet.name, 0)) for sheet in table.sheets),
        skipped_sheets=table.skipped_sheets,
        warnings=tuple(sorted(importer.warned.items(), key=lambda item: (-item[1], item[0]))),
    )


_T = TypeVar("_T")


def _once(items: Iterable[_T]) -> tuple[_T, ...]:
    """Each item once, in the order first met."""
    return tuple(dict.fromkeys(items))


def _every_sheet(table: Table, name: str) -> tuple[int, ...]:
    """The row numbers of a table's list ``name`` (``summary_rows``, ``skipped_rows``) in every
    sheet read, in order (the table's own for a CSV or HTML file)."""
    if not table.sheets:
        return tuple(getattr(table, name))
    return tuple(number for sheet in table.sheets for number in getattr(sheet, name))


def _stem(path: Path, sheet: str | None, main: str | None) -> str:
    """What a row's reference starts with when the row names no policy nor record number:
    the file's stem, and the sheet's name on a workbook's sheet other than its main one."""
    return path.stem if sheet is None or sheet == main else f"{path.stem}:{sheet}"


def import_core_extract(
    target: Service | Store,
    path: str | Path,
    **options: Any,
) -> ImportSummary:
    """Import a core policy system extract (channel ``core_system``); see `import_table`."""
    return import_table(target, path, CORE_SYSTEM, **options)
