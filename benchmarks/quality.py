"""Measure the data-quality report on the synthetic book: which planted defects it finds.

    python benchmarks/quality.py [--people 2000] [--seed 11] [--store memory://] [--write-docs]

Builds a synthetic insurer book (`custmaster.testing.synth`), ingests it, runs
`custmaster.workflows.quality.quality_report` as of the book's extraction day and checks every
planted defect (`custmaster.testing.synth.Defect`) against the report:

- **planted**: rows the generator spoiled, by kind;
- **in the record**: the defect reached the customer holding the row, judged from the ground
  truth (the wrong, former or other person's number is one of its contact points; it has no ID;
  the mistyped name or stale address is among its records: a call-back that reached nobody
  keeps only its number and outcome), counted once per customer however many rows repeat it.
  Formatting variants and 15-digit IDs are normalised at import and invalid VINs left out
  (vehicles are not scored): those are not counted;
- **found**: the report flagged it: the number itself (reported wrong, stale, on another
  customer, one of several mobiles from different channels), an issue on the field (name,
  address), the missing ID or mobile, or, for a number of another person and a name written
  differently, an open candidate pair.

``--write-docs`` writes the "quality" section of docs/benchmarks.md and the figures of
docs/how-to/data-quality.md, and draws docs/quality-scores.png (needs matplotlib). ``run(...)``
returns the figures for tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from custmaster.model import Customer
from custmaster.store import open_store
from custmaster.testing import synth
from custmaster.workflows.quality import CustomerQuality, QualityReport, quality_report

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "docs" / "quality-scores.png"
HOW_TO = ROOT / "docs" / "how-to" / "data-quality.md"

#: Defect kinds absorbed at import, with why (not counted in recall).
ABSORBED: dict[str, str] = {
    "format": "normalised at import (spaces, dashes, full-width digits, +86, case)",
    "legacy_id": "15-digit IDs upgraded to 18 digits at import",
    "vin_typo": "invalid VIN left out at import; vehicles are not scored",
}

#: What the report must flag for each kind of defect that reaches a record.
FOUND_BY: dict[str, str] = {
    "wrong_number": "the number: reported wrong, stale, on another customer or one of several",
    "stale_phone": "the number: reported wrong, stale, on another customer or one of several",
    "family_phone": "the number (as above) or an open pair for a shared phone",
    "other_phone": "the number (as above) or an open pair for a shared phone",
    "missing_id": "`missing_id` / `missing_uscc`",
    "id_typo": "`missing_id` / `missing_uscc` (the invalid ID was left out)",
    "phone_typo": "`missing_mobile` (the invalid number was left out)",
    "name_typo": "an issue on the name or an open candidate pair",
    "honorific": "an issue on the name or an open candidate pair",
    "stale_address": "an issue on the address",
}

CLEAN = "(whole customers without planted defects)"
FRAGMENTS = "(customers split off a person by resolution)"
_PHONE_KINDS = frozenset({"wrong_number", "stale_phone", "family_phone", "other_phone"})
_PAIRED_PHONES = frozenset({"family_phone", "other_phone"})


class _Place:
    """Where a defect row ended: its customer and the phone numbers the row carried."""

    __slots__ = ("customer_id", "phones", "record", "values")

    def __init__(
        self,
        customer_id: str,
        phones: Iterable[str],
        *,
        record: bool,
        values: dict[str, str] | None = None,
    ) -> None:
        self.customer_id = customer_id
        self.phones = frozenset(phones)
        #: The record's name and address.
        self.values = values or {}
        #: Whether the row is a source record (else a call-back event: only its number and
        #: outcome are kept).
        self.record = record


def _places(store: Any) -> dict[tuple[str, str], _Place]:
    """Every record and call-back event of the store by (channel, source reference)."""
    found: dict[tuple[str, str], _Place] = {}
    for customer in store.iter_customers():
        for record in store.observations(customer.id):
            phones = [
                p for p in (record.mobile, record.home_phone, record.office_phone) if p is not None
            ]
            values = {f: v for f, v in (("name", record.name), ("address", record.address)) if v}
            found[record.provenance.key] = _Place(customer.id, phones, record=True, values=values)
        for event in store.events(customer.id):
            found.setdefault(
                ("callback", event.id), _Place(customer.id, [event.contact_value], record=False)
            )
    return found


def _number_flagged(customer: Customer, row: CustomerQuality, numbers: Iterable[str]) -> bool:
    wanted = set(numbers)
    for point, quality in zip(customer.contact_points, row.contacts, strict=True):
        if point.value in wanted and (
            quality.wrong or quality.stale or quality.shared or quality.conflicting
        ):
            return True
    return False


def _has_field(row: CustomerQuality, field: str) -> bool:
    return any(issue.field == field for issue in row.issues)


def _no_id(customer: Customer) -> bool:
    return not (customer.resident_id or customer.uscc or customer.id_document)


def _judge(
    kind: str, truth: synth.Truth, place: _Place, customer: Customer, row: CustomerQuality
) -> tuple[object, bool, bool] | None:
    """``(what, in the record, found)`` of one defect row; ``what`` tells one defect from
    another (a number repeated on ten rows is one defect). None for an unknown kind."""
    if kind in _PHONE_KINDS:
        if kind == "wrong_number":
            numbers = place.phones & set(truth.wrong_numbers)
        elif kind == "stale_phone":
            numbers = place.phones & set(truth.former_phones)
        else:
            own = set(truth.phones) | set(truth.former_phones) | set(truth.wrong_numbers)
            numbers = place.phones - own
        numbers &= {p.value for p in customer.contact_points}
        paired = kind in _PAIRED_PHONES and row.has("open_candidate")
        found = paired or _number_flagged(customer, row, numbers)
        return tuple(sorted(numbers)), bool(numbers), found
    if kind in ("missing_id", "id_typo"):
        return "", _no_id(customer), row.has("missing_id") or row.has("missing_uscc")
    if kind == "phone_typo":
        callable_mobile = any(
            p.kind.value == "mobile" and p.is_callable for p in customer.contact_points
        )
        return "", not callable_mobile, row.has("missing_mobile")
    if kind in ("name_typo", "honorific"):
        found = _has_field(row, "name") or row.has("open_candidate")
        return place.values.get("name"), place.record, found
    if kind == "stale_address":
        return place.values.get("address"), place.record, _has_field(row, "address")
    return None


def measure(book: synth.Book, store: Any, report: QualityReport) -> dict[str, dict[str, int]]:
    """Per defect kind: ``planted`` rows, ``rows_in_record``, and the distinct defects
    ``in_record`` and ``found`` (see the module description): a number or a misspelt name
    repeated on several rows of one customer is one defect.

    Also ``not_in_store``: defect rows that are neither a record nor an event of the store
    (a call-back that reached nobody and whose number no customer has).
    """
    rows = {row.customer_id: row for row in report}
    places = _places(store)
    customers: dict[str, Customer] = {}
    figures: dict[str, Counter[str]] = {}

    def customer_of(customer_id: str) -> Customer:
        if customer_id not in customers:
            customers[customer_id] = store.get(customer_id)
        return customers[customer_id]

    spoiled: set[str] = set()
    distinct: dict[str, dict[tuple[str, object], bool]] = {}
    for truth in book.truth():
        for defect in truth.defects:
            counts = figures.setdefault(defect.kind, Counter())
            counts["planted"] += 1
            if defect.kind in ABSORBED:
                continue
            place = places.get((defect.channel, defect.source_ref))
            if place is None:
                counts["not_in_store"] += 1
                continue
            spoiled.add(place.customer_id)
            customer, row = customer_of(place.customer_id), rows[place.customer_id]
            judged = _judge(defect.kind, truth, place, customer, row)
            if judged is None:
                counts["unknown_kind"] += 1
                continue
            what, present, found = judged
            if present:
                counts["rows_in_record"] += 1
                distinct.setdefault(defect.kind, {})[(place.customer_id, what)] = found
    for kind, seen in distinct.items():
        figures[kind]["in_record"] = len(seen)
        figures[kind]["found"] = sum(seen.values())
    result = {kind: dict(counts) for kind, counts in sorted(figures.items())}
    fragments = _fragments(book, places)
    for label, chosen in (
        (CLEAN, lambda cid: cid not in spoiled and cid not in fragments),
        (FRAGMENTS, lambda cid: cid in fragments),
    ):
        picked = [row for cid, row in rows.items() if chosen(cid)]
        alarms: Counter[str] = Counter()
        for row in picked:
            alarms.update({issue.code for issue in row.issues})
        result[label] = {"customers": len(picked), **dict(sorted(alarms.items()))}
    return result


def _fragments(book: synth.Book, places: dict[tuple[str, str], _Place]) -> set[str]:
    """Customers holding only a minority of some person's records: a person split by
    resolution (the person's main customer holds most of them)."""
    per_person: dict[str, Counter[str]] = {}
    for truth in book.truth():
        for key in truth.records:
            place = places.get(key)
            if place is not None and place.record:
                per_person.setdefault(truth.person_id, Counter())[place.customer_id] += 1
    found: set[str] = set()
    for counts in per_person.values():
        main = min(counts, key=lambda cid: (-counts[cid], cid))
        found |= set(counts) - {main}
    return found


def run(
    people: int = 2000, seed: int = 11, store_url: str = "memory://", *, chart: Path | None = None
) -> dict[str, Any]:
    """Build, ingest, report and measure; returns the figures (and draws ``chart``)."""
    book = synth.generate(seed=seed, people=people)
    store = open_store(store_url)
    try:
        started = time.perf_counter()
        loaded = synth.ingest(store, book)
        ingest_seconds = time.perf_counter() - started
        report = quality_report(store, as_of=book.as_of)
        figures = measure(book, store, report)
    finally:
        store.close()
    if chart is not None:
        report.summary.plot(chart)
    return {
        "store_url": store_url,
        "book": book,
        "loaded": loaded,
        "ingest_seconds": ingest_seconds,
        "report": report,
        "defects": figures,
    }


def _recall(counts: dict[str, int]) -> str:
    present = counts.get("in_record", 0)
    return f"{counts.get('found', 0) / present:.1%}" if present else "—"


def recall_table(result: dict[str, Any]) -> str:
    """The planted defects by kind: planted, in the record, found, recall; then what was not
    counted and what the report says about the customers without planted defects."""
    book: synth.Book = result["book"]
    defects: dict[str, dict[str, int]] = result["defects"]
    lines = [
        f"Book: {book.people:,} people and {book.organisations:,} organisations, seed "
        f"{book.seed}, {book.years} years to {book.as_of.isoformat()}; default rules. "
        "*In the record*: the defect reached the customer holding the row (judged from the "
        "ground truth); a number or misspelt name repeated on several rows of one customer "
        "is one defect. *Found*: the report flagged it as the last column says. Recall is "
        "found / defects in the record.",
        "",
        "| defect | rows planted | rows in the record | defects in the record | found | recall "
        "| found by |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    total = Counter[str]()
    for kind, counts in defects.items():
        if kind in ABSORBED or kind in (CLEAN, FRAGMENTS):
            continue
        total.update(counts)
        lines.append(
            f"| `{kind}` | {counts.get('planted', 0):,} | {counts.get('rows_in_record', 0):,} | "
            f"{counts.get('in_record', 0):,} | {counts.get('found', 0):,} | {_recall(counts)} | "
            f"{FOUND_BY.get(kind, '')} |"
        )
    lines.append(
        f"| **all** | {total['planted']:,} | {total['rows_in_record']:,} | "
        f"{total['in_record']:,} | {total['found']:,} | {_recall(dict(total))} | |"
    )
    lines += ["", "Not counted (absorbed at import by design):", ""]
    for kind, why in ABSORBED.items():
        planted = defects.get(kind, {}).get("planted", 0)
        lines.append(f"- `{kind}`: {planted:,} planted — {why}.")
    lines += [
        "",
        "What the report says about the other customers (customers with each issue):",
        "",
    ]
    for label, what in (
        (CLEAN, "whole customers (the main customer of a person) holding no planted defect"),
        (FRAGMENTS, "customers split off a person by resolution (holding a minority of the "
         "person's records, e.g. a claim report without ID)"),
    ):  # fmt: skip
        counts = dict(defects.get(label, {}))
        customers = counts.pop("customers", 0)
        shown = ", ".join(
            f"`{code}` {n:,}" for code, n in sorted(counts.items(), key=lambda kv: -kv[1])
        )
        lines.append(f"- {what}: {customers:,}; {shown or 'no issue'}.")
    lines += [
        "",
        "The whole customers' open pairs are the households the resolver proposes for review "
        "because they share a number; their stale contacts are customers the book has not "
        "seen for more than a year. Neither is a planted defect, both are findings.",
    ]
    return "\n".join(lines)


def markdown(result: dict[str, Any], command: str, machine: str) -> str:
    """The "quality" section of docs/benchmarks.md."""
    book: synth.Book = result["book"]
    report: QualityReport = result["report"]
    summary = report.summary
    rules = summary.rules
    scheme = str(result["store_url"]).split(":", 1)[0]
    lines = [
        "## Data quality on the synthetic book",
        "",
        f"Command: `{command}` — {machine}.",
        "",
        f"A book of {book.people:,} people and {book.organisations:,} organisations "
        f"(seed {book.seed}, {book.years} years to {book.as_of.isoformat()}) ingested into a "
        f"{scheme} store ({result['loaded'].records:,} records, {result['loaded'].events:,} "
        f"call-back events), then `quality_report(store, as_of={book.as_of.isoformat()})` with "
        f"the default rules (stale after {rules.stale_days} days, sources compared over "
        f"{rules.conflict_days} days): {summary.customers:,} customers in "
        f"{report.seconds:.2f} s ({summary.customers / max(report.seconds, 1e-9):,.0f} "
        "customers/s).",
        "",
        summary.as_markdown(),
        "",
        "![Customers per score band and share of customers with each issue](quality-scores.png)",
        "",
        "### Planted defects found",
        "",
        recall_table(result),
    ]
    return "\n".join(lines)


def write_how_to(markdown_text: str) -> None:
    """Replace the ``quality-recall`` section of docs/how-to/data-quality.md."""
    text = HOW_TO.read_text(encoding="utf-8")
    start, end = "<!-- quality-recall:start -->", "<!-- quality-recall:end -->"
    if start not in text or end not in text:
        raise SystemExit(f"{HOW_TO} has no {start} … {end} section")
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    HOW_TO.write_text(f"{head}{start}\n{markdown_text.rstrip()}\n{end}{tail}", encoding="utf-8")


def main() -> None:
    import _report

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000, help="people in the book")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--store", default="memory://", help="store URL to ingest into")
    parser.add_argument(
        "--write-docs", action="store_true", help="update docs/benchmarks.md and the chart"
    )
    args = parser.parse_args()
    result = run(args.people, args.seed, args.store, chart=CHART if args.write_docs else None)
    text = markdown(result, _report.command_line(), _report.machine())
    print(text)
    if args.write_docs:
        _report.write_section("quality", text)
        write_how_to(recall_table(result))
        print(f"\nwrote {_report.DOC}, {HOW_TO} and {CHART}")


if __name__ == "__main__":
    main()
