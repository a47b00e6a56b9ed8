"""Synthetic insurer book: a deterministic motor-insurance book with noise and ground truth.

`generate` describes a book (nothing is computed until you read it); the `Book` streams its
rows file by file, as `SourceRecord` objects, or as ground truth. A seed gives the same book
on every machine and supported Python version: every unit (a household or an organisation)
draws from its own ``random.Random`` seeded from text, the tables are fixed in the package,
and dates count from ``as_of`` (never from today).

What a book holds:

* **People** in households of one to four: surnames at their real frequencies and given
  names of their generation, so that many different people share a name such as 张伟;
  compound surnames (欧阳), Uyghur and Kazakh names with ``·`` and Tibetan names (mostly in
  Urumqi and Lhasa); couples, adult children and twins (same birth date and surname, IDs
  next to each other). Each lives in one of 62 cities weighted by population: the resident
  ID's region code is of that city (or, for migrants, another) and was in use in the birth
  year, the address is in a district of the city, the fixed lines have its area code, the
  plates its province and issuing office (``闽D`` for Xiamen).
* **Organisations** with a USCC registered in their district, an office line, a fleet
  manager's mobile and one to eight vehicles.
* **Vehicles** with make/model strings of the classifier's catalogue in the styles of real
  extracts (``本田牌HG7203A``, ``雅阁HG7240ABCVT``, ``广汽本田HG7180F``), VINs whose WMI is the
  producer's and whose check digit is right, engine numbers with the producer's engine codes.
* **Policies**: a compulsory (交强险, ``PDZA…``) and usually a commercial (商业险, ``PDAA…``)
  policy per vehicle and year, new business, renewals (``上年保单号`` names the policy renewed)
  and transfers from other insurers, lapses, and endorsements: address change, vehicle
  change, insured change (to another member of the household) and cancellation.
* **Channels**: the same customers arrive again through underwriting (投保单), face-to-face
  signing (面签), call-backs (回访, with results such as 错号 for a wrong number), renewal
  lists (续保清单), telesales (电销) and claim reports (报案, mostly without ID).
* **Noise** (`Rates`): 15-digit IDs, formatting variants (spaces, dashes, full-width digits,
  ``+86``, lower-case ``x`` and plates, addresses without province), mistyped names,
  ``张先生`` for a name, stale addresses and numbers after a move or a new phone, mistyped
  mobiles (a stranger's number that call-backs report as wrong), family members' numbers, and
  a few invalid cells (an ID or VIN with a wrong character, a mobile missing a digit).

**Ground truth** (`Truth`, one per person or organisation): the true identity and current
values, every row that belongs to them and every defect planted in those rows (`Defect`).
`ingest` loads a book into a store and `evaluate` measures resolution (pairwise precision and
recall of rows placed in the same customer) and merge quality against the truth.

**Files**: `write_csv` (UTF-8 with BOM or GB18030/GBK) and `write_xlsx` write one file per
layout (`FILES`) in the columns of a core-system extract and of each channel's export, plus
``truth.jsonl``; ``custmaster synth`` does the same from the command line.

>>> book = generate(seed=7, people=4, organisations=1)
>>> row = next(book.core_rows())
>>> list(row)[:8]
['保单号', '险种', '业务类型', '上年保单号', '签单日期', '起保日期', '终保日期', '被保险人']
>>> people = list(book.truth())
>>> [(t.person_id, t.kind) for t in people]
[('P0000001', 'person'), ('O0000001', 'organisation'), ('P0000002', 'person'), ...]
>>> len(people)
5
>>> truth = people[0]
>>> "core_system" in {channel for channel, _ in truth.records}
True
>>> truth
Truth(person_id='P0000001', kind='person', name='...', resident_id='...', records=...)
>>> first = next(book.source_records())
>>> any(first.provenance.key in t.records for t in people)
True
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import attrs

from custmaster.errors import ValidationError
from custmaster.model.contact import ContactEvent, ContactOutcome, ContactStatus
from custmaster.model.provenance import Provenance
from custmaster.model.source import SourceRecord
from custmaster.testing import _synth_gen
from custmaster.testing._synth_gen import FILES, Layout, Row, Who, when_datetime
from custmaster.validate._mask import keep_ends
from custmaster.workflows.dates import parse_date
from custmaster.workflows.outcomes import read_outcome

__all__ = [
    "CHANNELS",
    "DEFAULT_AS_OF",
    "ENCODINGS",
    "FILES",
    "Book",
    "Defect",
    "Layout",
    "LoadResult",
    "Metrics",
    "Rates",
    "Truth",
    "WriteResult",
    "evaluate",
    "generate",
    "ingest",
    "read_truth",
    "write_csv",
    "write_xlsx",
]

#: The date books are generated up to unless told otherwise.
DEFAULT_AS_OF = dt.date(2026, 12, 1)

#: The channels customers arrive through besides the core system, as `Book.channel_rows`
#: names them (each is also a file of `FILES`).
CHANNELS: tuple[str, ...] = (
    "claim_report",
    "telesales",
    "face_to_face",
    "renewal_list",
    "underwriting",
    "callback",
)

#: Text encodings `write_csv` accepts (``gbk`` is written as GB18030, a superset).
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "utf-8", "gb18030", "gbk")

_LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in FILES}
_DATE_FIELDS = frozenset({"cover_start", "cover_end", "first_registered"})


@attrs.frozen(kw_only=True)
class Rates:
    """How often things happen in a book: life events and planted noise.

    Noise rates (`NOISE`) are what `scaled` multiplies; ``Rates().scaled(0)`` gives a book
    without noise (every cell valid and in its plain form, every number right), useful for
    testing the happy path. The other rates are events of life and business.
    """

    #: ID cells of people born before 2000 written in the 15-digit form.
    legacy_id: float = 0.12
    #: ID cells with one mistyped digit (invalid: the check character no longer matches).
    id_typo: float = 0.004
    #: Cells in a formatting variant (spaces, dashes, full width, ``+86``, lower case …);
    #: VINs and dates half as often, names and make/model strings a quarter as often.
    format: float = 0.15
    #: Name cells with a mistyped character (claim reports and telesales: 3x, call-backs 2x).
    name_typo: float = 0.02
    #: Telesales and call-back names written as surname + 先生/女士.
    honorific: float = 0.3
    #: New policies entered with a mistyped mobile: a stranger's number.
    wrong_number: float = 0.04
    #: Mobile cells missing a digit (invalid).
    phone_typo: float = 0.003
    #: VIN cells with a mistyped character (invalid: the check digit no longer matches).
    vin_typo: float = 0.003
    #: Renewal rows that still carry the address from before a move.
    stale_address: float = 0.15
    #: Renewals that keep a number on file although the customer has another one now.
    stale_phone: float = 0.65
    #: Policies of a spouse or child entered with the head of the household's mobile.
    family_phone: float = 0.15
    #: Claim reports without the insured's resident ID.
    missing_claim_id: float = 0.9
    #: Households that move (within the city) during the book's years.
    move: float = 0.15
    #: People who change their mobile during the book's years.
    new_phone: float = 0.2
    #: Households with adult twins.
    twins: float = 0.02
    #: Policy years with a claim report.
    claim: float = 0.12
    #: New policies called back (回访).
    callback: float = 0.35

    #: The names of the noise rates.
    NOISE = (
        "legacy_id",
        "id_typo",
        "format",
        "name_typo",
        "honorific",
        "wrong_number",
        "phone_typo",
        "vin_typo",
        "stale_address",
        "stale_phone",
        "family_phone",
        "missing_claim_id",
    )

    def scaled(self, factor: float) -> Rates:
        """These rates with every noise rate multiplied by ``factor`` (capped at 1).

        >>> Rates().scaled(0).format, Rates().scaled(2).wrong_number
        (0.0, 0.08)
        """
        if not factor >= 0:
            raise ValueError("the factor must not be negative")
        return attrs.evolve(self, **{n: min(1.0, getattr(self, n) * factor) for n in self.NOISE})


class Defect(NamedTuple):
    """A planted defect: in which row (channel and source reference), which column, what.

    Kinds: ``legacy_id`` (15-digit ID), ``id_typo`` and ``vin_typo`` (invalid: a wrong
    character), ``phone_typo`` (invalid: a digit missing), ``format`` (a formatting variant of
    a valid value), ``name_typo``, ``honorific`` (``张先生``), ``wrong_number`` (a stranger's
    number entered for the customer), ``stale_phone`` and ``stale_address`` (an earlier value
    of the customer's), ``family_phone`` (a household member's mobile), ``other_phone``
    (someone else's: an employee reporting a claim), ``missing_id`` (a claim report without
    the insured's ID).
    """

    channel: str
    source_ref: str
    column: str
    kind: str


#: Defect kinds whose cell is not a valid value.
INVALID_KINDS = frozenset({"id_typo", "vin_typo", "phone_typo"})


def _mask_name(value: str) -> str:
    return value[:1] + "*" * (len(value) - 1)


@attrs.frozen(kw_only=True, repr=False)
class Truth:
    """The ground truth of one person or organisation of a book.

    Phones are E.164 (``+8613800138000``, ``+865925123456``). ``phones`` are the numbers that
    reach them now (their mobile, the household's and their office's fixed line);
    ``former_phones`` their earlier mobiles; ``wrong_numbers`` strangers' numbers that were
    entered for them. ``records`` are the ``(channel, source_ref)`` keys of their rows (the
    `custmaster.model.Provenance.key` of the source records), ``defects`` what was planted in
    them. ``policies``: the policies they were insured on. ``repr`` masks personal data.
    """

    person_id: str
    kind: str
    name: str
    resident_id: str | None = None
    uscc: str | None = None
    gender: str | None = None
    birth_date: dt.date | None = None
    address: str = ""
    former_addresses: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    former_phones: tuple[str, ...] = ()
    wrong_numbers: tuple[str, ...] = ()
    household: str | None = None
    twin_of: str | None = None
    migrant: bool = False
    policies: tuple[str, ...] = ()
    records: tuple[tuple[str, str], ...] = ()
    defects: tuple[Defect, ...] = ()

    def __repr__(self) -> str:
        rid = keep_ends(self.resident_id, 3, 4) if self.resident_id else None
        shown = self.name if self.kind == "organisation" else _mask_name(self.name)
        return (
            f"Truth(person_id={self.person_id!r}, kind={self.kind!r}, name={shown!r}, "
            f"resident_id={rid!r}, records=<{len(self.records)}>, "
            f"defects=<{len(self.defects)}>)"
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dict (the lines of ``truth.jsonl``)."""
        data = attrs.asdict(self, recurse=False)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        for name in ("former_addresses", "phones", "former_phones", "wrong_numbers", "policies"):
            data[name] = list(data[name])
        data["records"] = [list(r) for r in self.records]
        data["defects"] = [list(d) for d in self.defects]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Truth:
        """The inverse of `to_json`."""
        values = dict(data)
        if values.get("birth_date"):
            values["birth_date"] = dt.date.fromisoformat(values["birth_date"])
        for name in ("former_addresses", "phones", "former_phones", "wrong_numbers", "policies"):
            values[name] = tuple(values.get(name) or ())
        values["records"] = tuple(tuple(r) for r in values.get("records") or ())
        values["defects"] = tuple(Defect(*d) for d in values.get("defects") or ())
        return cls(**values)


def _e164(national: str) -> str:
    return "+86" + (national[1:] if national.startswith("0") else national)


def _truth_json(who: Who) -> dict[str, Any]:
    """`Truth.to_json` of a generated person or organisation, built directly."""
    phones = [_e164(who.mobiles[-1][1])]
    for line in (who.home, who.office):
        if line is not None:
            phones.append(_e164(line[0] + line[1]))
    return {
        "person_id": who.pid,
        "kind": who.kind,
        "name": who.name,
        "resident_id": who.rid,
        "uscc": who.uscc,
        "gender": who.gender or None,
        "birth_date": who.birth.isoformat() if who.birth else None,
        "address": who.addresses[-1][1],
        "former_addresses": [a[1] for a in who.addresses[:-1]],
        "phones": list(dict.fromkeys(phones)),
        "former_phones": [_e164(n) for _, n in who.mobiles[:-1]],
        "wrong_numbers": [_e164(n) for n in who.wrong],
        "household": who.household,
        "twin_of": who.twin_of,
        "migrant": who.migrant,
        "policies": list(dict.fromkeys(who.policies)),
        "records": who.records,
        "defects": who.defects,
    }


def _truth(who: Who) -> Truth:
    return Truth.from_json(_truth_json(who))


@attrs.frozen(kw_only=True)
class Book:
    """A synthetic book (see the module description); make one with `generate`.

    Every method streams: rows are generated unit by unit as they are read, so even a book of
    millions of rows needs little memory. Each call generates the book again from the start
    (the same rows every time); to write several files in one pass use `write_csv`.
    """

    seed: int
    people: int
    organisations: int
    as_of: dt.date
    years: int
    rates: Rates

    def units(self) -> Iterator[_synth_gen.Unit]:
        """The households and organisations in order, with their rows (internal form)."""
        return _synth_gen.units(
            self.seed,
            self.people,
            self.organisations,
            as_of=self.as_of,
            years=self.years,
            rates=self.rates,
        )

    def rows(self, file: str) -> Iterator[dict[str, str]]:
        """The rows of one file of `FILES` as dicts of column header to text."""
        layout = _layout(file)
        index = FILES.index(layout)
        headers = layout.headers
        for unit in self.units():
            for row in unit.rows:
                if row.file == index:
                    yield dict(zip(headers, row.values, strict=True))

    def core_rows(self) -> Iterator[dict[str, str]]:
        """The core-system extract: one row per policy (保单号, 被保险人, 身份证号 …)."""
        return self.rows("core_system")

    def endorsement_rows(self) -> Iterator[dict[str, str]]:
        """Endorsements (批改): address and vehicle changes, insured changes, cancellations."""
        return self.rows("endorsements")

    def channel_rows(self, channel: str) -> Iterator[dict[str, str]]:
        """The rows one channel of `CHANNELS` delivers."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; channels: {', '.join(CHANNELS)}")
        return self.rows(channel)

    def callback_rows(self) -> Iterator[dict[str, str]]:
        """Call-back results (回访): the number called and what happened (接通, 错号, 空号 …)."""
        return self.rows("callback")

    def truth(self) -> Iterator[Truth]:
        """The ground truth of every person and organisation, in order."""
        for unit in self.units():
            for who in unit.people:
                yield _truth(who)

    def identities(self) -> Iterator[Truth]:
        """The people and organisations of the book without generating their rows: fast.

        Identity, names, birth dates, households, twins and addresses are those of `truth`;
        ``records``, ``defects`` and ``policies`` are empty, ``wrong_numbers`` too (mistyped
        numbers arise with the rows).
        """
        units = _synth_gen.units(
            self.seed,
            self.people,
            self.organisations,
            as_of=self.as_of,
            years=self.years,
            rates=self.rates,
            rows=False,
        )
        for unit in units:
            for who in unit.people:
                yield _truth(who)

    def source_records(self) -> Iterator[SourceRecord]:
        """Every row as the `SourceRecord` a straightforward import makes of it.

        Columns map to fields as `Layout.fields` says (other columns go to ``extra``), the
        time is the row's own (签单日期, 报案时间 …, China time), and a cell that does not
        validate is left out, as an import that rejects bad cells would (the row keeps its
        other values). Call-backs become records only when they reached someone (接通); the
        others are `contact_events`.
        """
        for unit in self.units():
            for row in unit.rows:
                record = _record(row)
                if record is not None:
                    yield record

    def contact_events(self) -> Iterator[tuple[str, ContactEvent]]:
        """Every call-back as ``(policy number, ContactEvent)`` (number and outcome)."""
        callback = FILES.index(_LAYOUTS["callback"])
        for unit in self.units():
            for row in unit.rows:
                if row.file != callback:
                    continue
                ref, _, policy_no, _, number, outcome, note = row.values
                try:
                    event = ContactEvent(
                        id=ref,
                        at=when_datetime(row.when),
                        channel="callback",
                        method="call",
                        contact_kind="mobile",
                        contact_value=number,
                        outcome=read_outcome(outcome),
                        note=note or None,
                    )
                except ValidationError:
                    continue  # the number on file was not a valid number
                yield policy_no, event


def _layout(file: str) -> Layout:
    layout = _LAYOUTS.get(file)
    if layout is None:
        raise ValueError(f"unknown file {file!r}; files: {', '.join(_LAYOUTS)}")
    return layout


def _record(row: Row) -> SourceRecord | None:
    layout = FILES[row.file]
    values = dict(zip(layout.headers, row.values, strict=True))
    if layout.name == "callback" and read_outcome(values["回访结果"]) is not ContactOutcome.REACHED:
        return None
    fields: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for header, field in zip(layout.headers, layout.fields, strict=True):
        text = values[header]
        if not text:
            continue
        if field is None:
            if header not in (layout.ref, layout.time):
                extra[header] = text
        elif field in _DATE_FIELDS:
            try:
                fields[field] = parse_date(text, field=field)
            except ValidationError:
                continue
        else:
            fields[field] = text
    provenance = Provenance(
        channel=layout.channel, source_ref=values[layout.ref], observed_at=when_datetime(row.when)
    )
    while True:
        try:
            return SourceRecord(provenance=provenance, extra=extra, **fields)
        except ValidationError as error:
            if error.field not in fields:  # pragma: no cover - every cell is a mapped field
                return None
            del fields[error.field]


def generate(
    seed: int = 0,
    people: int = 1000,
    organisations: int | None = None,
    *,
    as_of: dt.date = DEFAULT_AS_OF,
    years: int = 3,
    rates: Rates | None = None,
) -> Book:
    """Describe a synthetic book; nothing is generated until it is read.

    :param seed: any integer; the same seed gives the same book everywhere.
    :param people: how many people (in households of one to four).
    :param organisations: how many organisations; by default one for every 20 people.
    :param as_of: the day the book is extracted: policies issued up to then, cover that
        started up to ``years`` earlier.
    :param years: how many years of policies the book holds (1 to 10).
    :param rates: how often events and noise happen (`Rates`); ``Rates().scaled(0)`` for a
        book without noise.

    >>> book = generate(seed=1, people=10)
    >>> book.organisations, book.as_of
    (0, datetime.date(2026, 12, 1))
    >>> generate(people=-1)
    Traceback (most recent call last):
        ...
    ValueError: people must be a non-negative integer
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError("seed must be an integer")
    if isinstance(people, bool) or not isinstance(people, int) or people < 0:
        raise ValueError("people must be a non-negative integer")
    if organisations is None:
        organisations = people // 20
    if isinstance(organisations, bool) or not isinstance(organisations, int) or organisations < 0:
        raise ValueError("organisations must be a non-negative integer")
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise ValueError("as_of must be a datetime.date")
    if not dt.date(2000, 1, 1) <= as_of <= dt.date(2099, 12, 31):
        raise ValueError("as_of must lie between 2000 and 2099")
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 10:
        raise ValueError("years must be an integer from 1 to 10")
    return Book(
        seed=seed,
        people=people,
        organisations=organisations,
        as_of=as_of,
        years=years,
        rates=rates if rates is not None else Rates(),
    )


# ------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class WriteResult:
    """What `write_csv` or `write_xlsx` wrote."""

    #: The directory written to.
    directory: Path
    #: File name -> rows written (without the header), in `FILES` order.
    rows: dict[str, int]
    #: The path of each file, by name.
    paths: dict[str, Path]
    #: The ground-truth file.
    truth_path: Path
    #: People and organisations written to the truth file.
    people: int
    organisations: int
    #: Planted defects by kind.
    defects: dict[str, int]
    #: Wall time of the whole write.
    seconds: float

    @property
    def records(self) -> int:
        """Rows written over all files."""
        return sum(self.rows.values())


def _check_encoding(encoding: str) -> str:
    normalised = encoding.strip().lower().replace("_", "-")
    if normalised not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}, not {encoding!r}")
    return "gb18030" if normalised == "gbk" else normalised


class _Sink:
    """Where the rows of one file go, in blocks: `rows` is filled by the writer (with lines
    of text when `joined`, else with tuples of cells), `flush` writes them out, `close`
    finishes the file."""

    __slots__ = ("count", "rows")

    #: Whether the writer adds each row as one line of comma-separated text.
    joined = False

    def __init__(self) -> None:
        self.rows: list[Any] = []
        self.count = 0

    def flush(self) -> None:
        self.count += len(self.rows)
        self._write(self.rows)
        self.rows.clear()

    def _write(self, rows: list[Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _CsvSink(_Sink):
    """A CSV file. No generated cell holds a comma, a quote or a line break (the tables have
    none), so no cell needs quoting: the lines are what `csv.writer` would write, faster."""

    __slots__ = ("handle",)

    joined = True

    def __init__(self, path: Path, encoding: str, headers: tuple[str, ...]) -> None:
        super().__init__()
        self.handle = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115
        self.handle.write(",".join(headers) + "\r\n")

    def _write(self, rows: list[Any]) -> None:
        if rows:
            self.handle.write("\r\n".join(rows) + "\r\n")

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.handle.close()


class _XlsxSink(_Sink):
    """An XLSX workbook of one sheet, written by openpyxl in write-only mode."""

    __slots__ = ("path", "sheet", "workbook")

    def __init__(self, path: Path, name: str, headers: tuple[str, ...]) -> None:
        from openpyxl import Workbook

        super().__init__()
        self.path = path
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=name)
        self.sheet.append(list(headers))

    def _write(self, rows: list[Any]) -> None:
        for row in rows:
            self.sheet.append(list(row))

    def close(self) -> None:
        self.flush()
        self.workbook.save(self.path)


def _write(
    book: Book, directory: str | Path, *, suffix: str, open_sink: Callable[[Path, Layout], _Sink]
) -> WriteResult:
    started = time.perf_counter()
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    paths = {layout.name: target / f"{layout.name}{suffix}" for layout in FILES}
    sinks: list[_Sink] = []
    people = organisations = 0
    defects: Counter[str] = Counter()
    truth_path = target / "truth.jsonl"
    encode = json.JSONEncoder(
        ensure_ascii=False, separators=(",", ":"), check_circular=False
    ).encode
    try:
        for layout in FILES:
            sinks.append(open_sink(paths[layout.name], layout))
        join = ",".join if sinks[0].joined else tuple
        with open(truth_path, "w", encoding="utf-8", newline="\n") as truth_file:
            for unit in book.units():
                for row in unit.rows:
                    sinks[row.file].rows.append(join(row.values))
                for sink in sinks:
                    if len(sink.rows) >= 256:
                        sink.flush()
                lines = []
                for who in unit.people:
                    if who.kind == "person":
                        people += 1
                    else:
                        organisations += 1
                    defects.update([d[3] for d in who.defects])
                    lines.append(encode(_truth_json(who)))
                truth_file.write("\n".join(lines) + "\n")
    finally:
        for sink in sinks:
            sink.close()
    return WriteResult(
        directory=target,
        rows={layout.name: sinks[i].count for i, layout in enumerate(FILES)},
        paths=paths,
        truth_path=truth_path,
        people=people,
        organisations=organisations,
        defects=dict(sorted(defects.items())),
        seconds=time.perf_counter() - started,
    )


def write_csv(book: Book, directory: str | Path, encoding: str = "utf-8-sig") -> WriteResult:
    """Write the book as CSV files (one per `FILES` layout) and ``truth.jsonl``.

    ``encoding`` is ``utf-8-sig`` (UTF-8 with BOM, as Excel saves "CSV UTF-8"), ``utf-8``,
    ``gb18030`` or ``gbk`` (written as GB18030, which Chinese Excel and core systems read as
    GBK: every generated character is in GBK). Lines end with CRLF, as Excel writes them.
    Files of the same name in ``directory`` are replaced.
    """
    chosen = _check_encoding(encoding)
    return _write(
        book,
        directory,
        suffix=".csv",
        open_sink=lambda path, layout: _CsvSink(path, chosen, layout.headers),
    )


def write_xlsx(book: Book, directory: str | Path) -> WriteResult:
    """Write the book as XLSX workbooks (one per `FILES` layout, one sheet) and
    ``truth.jsonl``. Needs openpyxl (``pip install 'custmaster[excel]'``); cells are text, as
    core-system exports write them (so long ID numbers keep their digits)."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:  # pragma: no cover - openpyxl is a test dependency
        raise ImportError("write_xlsx needs openpyxl: pip install 'custmaster[excel]'") from None
    return _write(
        book,
        directory,
        suffix=".xlsx",
        open_sink=lambda path, layout: _XlsxSink(path, layout.name, layout.headers),
    )


def read_truth(path: str | Path) -> Iterator[Truth]:
    """The `Truth` entries of a ``truth.jsonl`` file written by `write_csv` or `write_xlsx`."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield Truth.from_json(json.loads(line))


# ------------------------------------------------------------------------------------------
# Loading into a store and measuring
# ------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class LoadResult:
    """What `ingest` did."""

    #: Source records ingested (new, merged, candidates or duplicates).
    records: int
    #: Records the store rejected.
    rejected: int
    #: Call-back events recorded on a customer.
    events: int
    #: Call-back events whose policy the store does not know.
    unplaced_events: int


def ingest(store: Any, book: Book, *, batch: int = 1000) -> LoadResult:
    """Load a book into a store: every `Book.source_records` (``batch`` per transaction),
    then every call-back as a contact event on the customer insured by the policy called
    about (the one holding the number called, when several are)."""
    records = rejected = events = unplaced = 0
    pending: list[SourceRecord] = []

    def flush() -> None:
        nonlocal records, rejected
        for result in store.ingest(pending):
            if result.ok:
                records += 1
            else:
                rejected += 1
        pending.clear()

    for record in book.source_records():
        pending.append(record)
        if len(pending) >= batch:
            flush()
    flush()
    for policy_no, event in book.contact_events():
        found = store.find(policy_no=policy_no)
        if not found:
            unplaced += 1
            continue
        chosen = next(
            (c for c in found if c.contact_point(event.contact_kind, event.contact_value)),
            found[0],
        )
        store.add_event(chosen.id, event)
        events += 1
    return LoadResult(records=records, rejected=rejected, events=events, unplaced_events=unplaced)


@attrs.frozen(kw_only=True)
class Metrics:
    """How well a store resolved and merged a book, measured against its truth.

    Resolution is scored on pairs of records: a pair is *predicted* when the store put both
    records on one customer and *true* when they belong to one person. ``precision`` is the
    share of predicted pairs that are true, ``recall`` the share of true pairs predicted.
    Merge quality is scored on each person's main customer (the one holding most of their
    records): whether its name, identity number (resident ID or USCC) and address are the
    current true ones, the share of the person's current numbers it offers as callable, and
    the share of wrong numbers it holds that are flagged wrong.
    """

    #: Records in both the store and the truth.
    records: int
    #: Records of the truth the store does not have (rejected or never ingested).
    missing: int
    #: People and organisations of the truth with records in the store.
    people: int
    #: Customers of the store holding records of the truth.
    customers: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    #: People whose records are spread over several customers.
    split_people: int
    #: Customers holding records of several people.
    mixed_customers: int
    #: Open candidate pairs, and how many of them join two customers of one person.
    open_pairs: int
    open_pairs_same_person: int
    name_accuracy: float
    identity_accuracy: float
    address_accuracy: float
    phone_recall: float
    wrong_flagged: float

    def as_table(self) -> str:
        """A Markdown table of the figures."""
        rows = [
            ("records", f"{self.records:,}"),
            ("people and organisations", f"{self.people:,}"),
            ("customers in the store", f"{self.customers:,}"),
            ("precision (pairs)", f"{self.precision:.4f}"),
            ("recall (pairs)", f"{self.recall:.4f}"),
            ("people split over several customers", f"{self.split_people:,}"),
            ("customers mixing several people", f"{self.mixed_customers:,}"),
            ("open candidate pairs (same person)", f"{self.open_pairs:,} "
             f"({self.open_pairs_same_person:,})"),
            ("current name", f"{self.name_accuracy:.3f}"),
            ("resident ID / USCC", f"{self.identity_accuracy:.3f}"),
            ("current address", f"{self.address_accuracy:.3f}"),
            ("current numbers callable", f"{self.phone_recall:.3f}"),
            ("wrong numbers flagged", f"{self.wrong_flagged:.3f}"),
        ]  # fmt: skip
        lines = ["| measure | value |", "| --- | ---: |"]
        lines += [f"| {name} | {value} |" for name, value in rows]
        return "\n".join(lines)


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def _plain(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split())


def evaluate(store: Any, truth: Book | Iterable[Truth] | str | Path) -> Metrics:
    """Measure resolution and merge quality of ``store`` against the ``truth`` of a book.

    ``truth`` is a `Book`, the `Truth` entries of one, or the path of a ``truth.jsonl``.
    Reads every customer of the store (``iter_customers`` and ``observations``).
    """
    if isinstance(truth, Book):
        entries: Iterable[Truth] = truth.truth()
    elif isinstance(truth, (str, Path)):
        entries = read_truth(truth)
    else:
        entries = truth
    people: dict[str, Truth] = {}
    owner: dict[tuple[str, str], str] = {}
    for entry in entries:
        people[entry.person_id] = entry
        for key in entry.records:
            owner[key] = entry.person_id
    per_customer: dict[str, Counter[str]] = {}
    customers: dict[str, Any] = {}
    for customer in store.iter_customers():
        counts: Counter[str] = Counter()
        for record in store.observations(customer.id):
            person = owner.get(record.provenance.key)
            if person is not None:
                counts[person] += 1
        if counts:
            per_customer[customer.id] = counts
            customers[customer.id] = customer
    per_person: dict[str, Counter[str]] = {}
    for customer_id, counts in per_customer.items():
        for person, count in counts.items():
            per_person.setdefault(person, Counter())[customer_id] = count
    records = sum(sum(c.values()) for c in per_customer.values())
    predicted = sum(_pairs(sum(c.values())) for c in per_customer.values())
    true = sum(_pairs(sum(c.values())) for c in per_person.values())
    correct = sum(_pairs(n) for c in per_customer.values() for n in c.values())
    main = {
        person: min(counts, key=lambda cid: (-counts[cid], cid))
        for person, counts in per_person.items()
    }
    majority = {
        cid: min(counts, key=lambda p: (-counts[p], p)) for cid, counts in per_customer.items()
    }
    open_pairs = same = 0
    for pair in store.candidates():
        open_pairs += 1
        a, b = majority.get(pair.a), majority.get(pair.b)
        if a is not None and a == b:
            same += 1
    names = ids = addresses = phones_found = phones_total = wrong_seen = wrong_flagged = 0
    for person, customer_id in main.items():
        entry, customer = people[person], customers[customer_id]
        names += customer.name == entry.name
        ids += (customer.uscc if entry.kind == "organisation" else customer.resident_id) == (
            entry.uscc if entry.kind == "organisation" else entry.resident_id
        )
        shown = _plain(customer.address or "")
        addresses += bool(shown) and _plain(entry.address).endswith(shown)
        callable_ = {p.value for p in customer.callable_contacts()}
        phones_total += len(entry.phones)
        phones_found += sum(p in callable_ for p in entry.phones)
        for number in entry.wrong_numbers:
            point = next((p for p in customer.contact_points if p.value == number), None)
            if point is not None:
                wrong_seen += 1
                wrong_flagged += point.status is ContactStatus.WRONG
    placed = len(main) or 1
    return Metrics(
        records=records,
        missing=len(owner) - records,
        people=len(per_person),
        customers=len(per_customer),
        true_pairs=true,
        predicted_pairs=predicted,
        correct_pairs=correct,
        precision=correct / predicted if predicted else 1.0,
        recall=correct / true if true else 1.0,
        split_people=sum(len(c) > 1 for c in per_person.values()),
        mixed_customers=sum(len(c) > 1 for c in per_customer.values()),
        open_pairs=open_pairs,
        open_pairs_same_person=same,
        name_accuracy=names / placed,
        identity_accuracy=ids / placed,
        address_accuracy=addresses / placed,
        phone_recall=phones_found / phones_total if phones_total else 1.0,
        wrong_flagged=wrong_flagged / wrong_seen if wrong_seen else 1.0,
    )
