"""No personal data escapes: the scan issue #7 asks for, over a synthetic book.

A seeded book of a few hundred people (`custmaster.testing.synth`) goes through the command
line (synth, import of every channel, endorsements, call-backs, show, candidates, expiring
with its default (masked) renewal export, quality, stats, validate with bad rows, refused
input) and through the Python API (every customer, policy, contact point, event, source
record, ingest result, candidate pair, history entry, explanation and error). Everything a
person could read is collected — every ``repr`` and ``str``, every log record (captured at
DEBUG from every logger), every warning, every CLI stdout and stderr, every file the commands
write by default — and scanned for the book's resident IDs (18-digit, 15-digit, lower-case
``x``), mobile numbers and full names.

Names: every full name of the book with two characters or more is looked for (Chinese names
have at least two; a one-character value cannot identify anyone). A name is skipped only where
it is also a place name that masked addresses keep on purpose (``福建省厦门市思明区******``
keeps province, city and district), so the test cannot fail on a district that happens to be
someone's name; the skipped names are counted and the count is asserted small.
"""

from __future__ import annotations

import csv
import logging
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from custmaster import open_store
from custmaster.cli import cli
from custmaster.errors import CustmasterError
from custmaster.model.source import SourceRecord
from custmaster.privacy.masking import scan_for_personal_data
from custmaster.store.memory import MemoryStore
from custmaster.testing.synth import Truth, generate, read_truth
from custmaster.validate import cn_resident_id, phone
from custmaster.workflows.demo import CHANNEL_FILES

SEED = 11
_SEEN = {"channel": "manual", "source_ref": "X", "observed_at": "2026-01-01"}
PEOPLE = 200


class _Collector(logging.Handler):
    def __init__(self, sink: list[tuple[str, str]]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append((f"log {record.name}", self.format(record)))


def _fifteen(resident_id: str) -> str | None:
    """The 15-digit form of an 18-digit ID born in the 1900s (None otherwise)."""
    if len(resident_id) == 18 and resident_id[6:8] == "19":
        return resident_id[:6] + resident_id[8:17]
    return None


def _national(e164: str) -> str | None:
    return e164[3:] if e164.startswith("+861") and len(e164) == 14 else None


def _wrong_check(resident_id: str) -> str:
    """The ID with another check character: a typo that fails validation."""
    last = resident_id[-1].upper()
    return resident_id[:-1] + ("0" if last != "0" else "1")


def _texts_of(label: str, value: object) -> list[tuple[str, str]]:
    return [(f"repr {label}", repr(value)), (f"str {label}", str(value))]


def _error_texts(label: str, error: BaseException) -> list[tuple[str, str]]:
    found = _texts_of(label, error)
    if isinstance(error, CustmasterError):
        found.append((f"message_zh {label}", str(error.message_zh)))
        found += [(f"args {label}", str(arg)) for arg in error.args]
    return found


def _read_files(folder: Path, names: Iterable[str]) -> Iterator[tuple[str, str]]:
    for name in names:
        path = folder / name
        if path.suffix == ".csv":
            yield f"file {name}", path.read_text(encoding="utf-8-sig", errors="replace")
        elif path.suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            cells = [
                str(cell)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for cell in row
                if cell is not None
            ]
            book.close()
            yield f"file {name}", "\n".join(cells)


class Run:
    """Everything the scenario produced: (where, text) pairs and the book's truth."""

    def __init__(self, truth: list[Truth], book: Path) -> None:
        self.truth = truth
        self.book = book
        self.texts: list[tuple[str, str]] = []

    def add(self, items: Iterable[tuple[str, str]]) -> None:
        self.texts.extend(items)


def _cli(run: Run, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), terminal_width=200)
    label = f"cli {args[0]}"
    run.add([(f"{label} stdout", result.stdout), (f"{label} stderr", result.stderr)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        run.add(_error_texts(label, result.exception))
    return result.stdout


def _scenario_cli(run: Run, folder: Path, url: str) -> None:
    book = folder / "book"
    out = folder / "out"
    out.mkdir()
    _cli(run, "synth", str(book), "--seed", str(SEED), "--people", str(PEOPLE))
    run.truth.extend(read_truth(book / "truth.jsonl"))
    for channel in CHANNEL_FILES:
        _cli(run, "import", str(book / f"{channel}.csv"), "--channel", channel, "--store", url)
    _cli(run, "endorse", str(book / "endorsements.csv"), "--store", url)
    _cli(run, "callbacks", str(book / "callback.csv"), "--store", url)
    _cli(run, "stats", "--store", url)
    _cli(run, "candidates", "--status", "all", "--limit", "100000", "--store", url)
    for month in ("2026-12", "2027-01", "2027-02"):
        _cli(run, "expiring", month, "--limit", "100000", "--store", url)
        _cli(
            run, "expiring", month, "--output", str(out / f"renewals-{month}.xlsx"), "--store", url
        )
        _cli(run, "expiring", month, "--output", str(out / f"renewals-{month}.csv"), "--store", url)
    _cli(
        run,
        "quality",
        "--as-of",
        "2026-12-01",
        "--output",
        str(out / "quality.csv"),
        "--store",
        url,
    )
    with open_store(url) as store:
        ids = [customer.id for customer in store.iter_customers()]
    for customer_id in ids[:30]:
        _cli(run, "show", customer_id, "--store", url)
        _cli(run, "show", customer_id, "--explain", "name", "--store", url)
        _cli(run, "show", customer_id, "--explain", "mobile", "--store", url)
    people = [t for t in run.truth if t.resident_id][:10]
    for truth in people:
        assert truth.resident_id is not None
        _cli(run, "show", "--resident-id", truth.resident_id, "--store", url)
        _cli(run, "show", "--resident-id", _wrong_check(truth.resident_id), "--store", url)
        if truth.policies:
            _cli(run, "show", "--policy", truth.policies[0], "--store", url)
        number = _national(truth.phones[0]) if truth.phones else None
        if number:
            _cli(run, "show", "--phone", number, "--store", url)
            _cli(run, "show", "--phone", number[:-1], "--store", url)
    # validate: the book's own files (with their planted bad cells) and a file of typos
    _cli(run, "validate", str(book / "core_system.csv"), "--output", str(out / "core.valid.csv"),
         "--rejects", str(out / "core.rejects.csv"))  # fmt: skip
    bad = folder / "bad.csv"  # input, not output: it holds the typed names
    with bad.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["保单号", "被保险人", "身份证号", "移动电话", "车牌号"])
        for index, truth in enumerate(people):
            assert truth.resident_id is not None
            mobile = _national(truth.phones[0]) if truth.phones else "13800138000"
            writer.writerow([f"PDAA20260{index:05d}", truth.name, _wrong_check(truth.resident_id),
                             (mobile or "")[:-1], "闽Z"])  # fmt: skip
    _cli(run, "validate", str(bad), "--output", str(out / "bad.valid.csv"),
         "--rejects", str(out / "bad.rejects.csv"))  # fmt: skip
    _cli(run, "import", str(bad), "--store", url, "--rejects", str(out / "bad.import-rejects.csv"))
    run.add(_read_files(out, sorted(p.name for p in out.iterdir())))
    run.add(_read_files(book, sorted(p.name for p in book.iterdir() if "rejects" in p.name)))


def _scenario_api(run: Run, url: str) -> None:
    with open_store(url) as store:
        for customer in store.iter_customers():
            run.add(_texts_of("customer", customer))
            for item in (*customer.policies, *customer.contact_points):
                run.add(_texts_of(type(item).__name__, item))
            for field in ("name", "resident_id", "mobile", "address"):
                for entry in customer.history(field):
                    run.add(_texts_of("history", entry))
            run.add(_texts_of("explanation", store.explain(customer.id, "name")))
            for event in store.events(customer.id):
                run.add(_texts_of("event", event))
            for link in customer.policies[:2]:
                run.add(_texts_of("policy", store.policy(link.policy_no)))
        for pair in store.candidates(None):
            run.add(_texts_of("pair", pair))
            run.add([(f"evidence {pair.id}", repr(pair.evidence))])
    book = generate(seed=SEED, people=60)
    records: list[SourceRecord] = list(book.source_records())
    run.add(item for record in records[:400] for item in _texts_of("record", record))
    memory = MemoryStore("memory://")
    for result in memory.ingest(records):
        run.add(_texts_of("result", result))
    for customer in memory.iter_customers():
        run.add(_texts_of("memory customer", customer))
    for truth in run.truth[:50]:
        run.add(_texts_of("truth", truth))


def _scenario_errors(run: Run) -> None:
    attempts: list[tuple[str, Callable[[], Any]]] = []
    for truth in run.truth[:60]:
        if truth.resident_id:
            rid = truth.resident_id
            attempts += [
                ("id checksum", lambda rid=rid: cn_resident_id.validate(_wrong_check(rid))),
                ("id length", lambda rid=rid: cn_resident_id.validate(rid[:-2])),
                ("id date", lambda rid=rid: cn_resident_id.validate(rid[:10] + "1399" + rid[14:])),
                ("record id", lambda rid=rid: SourceRecord(
                    provenance=_SEEN,
                    resident_id=_wrong_check(rid))),
            ]  # fmt: skip
        for number in filter(None, map(_national, truth.phones)):
            attempts += [
                ("phone short", lambda n=number: phone.validate(n[:-1])),
                ("phone long", lambda n=number: phone.validate(n + "99")),
                ("record phone", lambda n=number: SourceRecord(
                    provenance=_SEEN,
                    mobile=n[:-2])),
            ]  # fmt: skip
    raised = 0
    for label, attempt in attempts:
        try:
            attempt()
        except Exception as error:  # every error is scanned
            raised += 1
            run.add(_error_texts(label, error))
            if error.__cause__ is not None:
                run.add(_error_texts(f"{label} cause", error.__cause__))
    assert raised == len(attempts), "every attempt is bad input and must raise"


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("leaks")
    url = f"sqlite:///{folder}/leaks.db"
    run = Run([], folder / "book")
    logs: list[tuple[str, str]] = []
    handler = _Collector(logs)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _scenario_cli(run, folder, url)
            _scenario_api(run, url)
            _scenario_errors(run)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    run.add(logs)
    run.add((f"warning {w.category.__name__}", str(w.message)) for w in caught)
    return run


def _secrets(truth: list[Truth]) -> tuple[set[str], set[str], set[str]]:
    ids: set[str] = set()
    mobiles: set[str] = set()
    names: set[str] = set()
    for person in truth:
        if person.resident_id:
            ids |= {person.resident_id, person.resident_id.lower()}
            short = _fifteen(person.resident_id)
            if short:
                ids.add(short)
        for number in (*person.phones, *person.former_phones, *person.wrong_numbers):
            national = _national(number)
            if national:
                mobiles.add(national)
        if person.kind == "person" and len(person.name) >= 2:
            names.add(person.name)
    return ids, mobiles, names


def test_the_scenario_covers_the_book(produced: Run) -> None:
    kinds = {where.split(" ")[0] for where, _ in produced.texts}
    assert {"cli", "repr", "str", "file", "message_zh"} <= kinds
    sources = {where for where, _ in produced.texts}
    assert any("renewals-2027-01.xlsx" in s for s in sources)
    assert any("quality.csv" in s for s in sources)
    assert sum(t.kind == "person" for t in produced.truth) == PEOPLE
    customers = sum(where == "repr customer" for where, _ in produced.texts)
    assert customers > PEOPLE // 2
    # the CLI did show the book: masked names and IDs appear, so an empty output cannot pass
    shown = "\n".join(text for where, text in produced.texts if where.startswith("cli show"))
    assert "***********" in shown
    assert "**" in shown


def _wanted(run: Run) -> set[str]:
    ids, mobiles, names = _secrets(run.truth)
    places = "\n".join(text for where, text in run.texts if where.startswith("cli show stdout"))
    # place names masked addresses keep (a district called like a person): not a leak
    kept = {name for name in names if f"{name}区" in places or f"{name}市" in places}
    assert len(kept) <= len(names) // 20, len(kept)
    return ids | mobiles | (names - kept)


def test_the_scan_finds_the_book_in_its_own_files(produced: Run) -> None:
    """The control: the book's input files are full of what the scan looks for."""
    text = (produced.book / "core_system.csv").read_text(encoding="utf-8-sig")
    found = [f for f in scan_for_personal_data(text, _wanted(produced)) if f.kind == "known"]
    assert len(found) > PEOPLE


def test_no_full_id_mobile_or_name_anywhere(produced: Run) -> None:
    wanted = _wanted(produced)
    leaks = []
    for where, text in produced.texts:
        for finding in scan_for_personal_data(text, wanted):
            # the book's own values only: policy numbers hold 18-digit runs that pass the
            # ID checksum by chance (and policy numbers are shown in full by design)
            if finding.kind == "known":
                leaks.append((where, finding))
    shown = "\n".join(f"{w}: {f!r}" for w, f in leaks[:30])
    assert not leaks, f"{len(leaks)} leaks:\n{shown}"
