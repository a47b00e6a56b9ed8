"""Helpers shared by the workflow and CLI tests: a service on every store, valid test values.

The fixtures are in ``_workflow_fixtures`` (a plugin: ``pytest_plugins = ["_workflow_fixtures"]``).

Identity values are built with their check characters (`resident_id`, `vin`), so a test's
data is valid or invalid by construction, never by a constant taken on trust.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from custmaster.model import Customer, Provenance, SourceRecord
from custmaster.service import Service
from custmaster.validate import cn_resident_id
from custmaster.validate import vin as vin_module


def resident_id(body: str) -> str:
    """A valid 18-character resident ID from its first 17 digits."""
    return body + cn_resident_id.calc_check_digit(body)


def vin(body: str) -> str:
    """A valid VIN from 17 characters (the check digit, position 9, is recomputed)."""
    return body[:8] + vin_module.calc_check_digit(body) + body[9:]


#: Valid identity values used across the tests.
ID_ZHANG = resident_id("35020319800101123")
ID_LI = resident_id("35020319850512002")
ID_WANG = resident_id("11010519900307101")
ID_ZHAO = resident_id("44030519751122003")
VIN_1 = vin("LHGCR2650M8012345")
VIN_2 = vin("LSVAU2180N2183294")


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig"
) -> Path:
    """Write a CSV file as Excel would (CRLF), in ``encoding``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def only_customer(service: Service, resident: str) -> Customer:
    """The one customer holding resident ID ``resident`` (the test fails on none or several)."""
    found = service.find(resident_id=resident)
    assert len(found) == 1, resident
    return found[0]


def phone_values(customer: Customer) -> set[str]:
    """The customer's phone numbers (E.164), of every kind."""
    return {p.value for p in customer.contact_points if p.kind.is_phone}


def write_padded(path: Path, rows: Sequence[Sequence[str]], encoding: str = "gb18030") -> Path:
    """Write ``rows`` (header lines included) as Excel exports a sheet: every row padded with
    empty cells to the widest, CRLF, in ``encoding``."""
    width = max(len(row) for row in rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([*row, *[""] * (width - len(row))])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_workbook(path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> Path:
    """An XLSX workbook of the named sheets and their rows (openpyxl, imported here: the
    tests calling this skip without it)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a UTF-8 (BOM) CSV file as dictionaries."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


#: The mobile number Zhang and Li share (a family phone) in `family_sharing_a_phone`.
SHARED_MOBILE = "13800138000"


def family_sharing_a_phone(service: Service) -> None:
    """Zhang and Li share a mobile (`SHARED_MOBILE`, a family phone); Wang has his own. Each
    is the insured of a policy of their own (P1, P2, P3)."""
    for ref, rid, name, mobile in (
        ("P1#0", ID_ZHANG, "张伟", SHARED_MOBILE),
        ("P2#0", ID_LI, "李娜", SHARED_MOBILE),
        ("P3#0", ID_WANG, "王强", "13900139000"),
    ):
        service.ingest_one(
            SourceRecord(
                provenance=Provenance(
                    channel="core_system", source_ref=ref, observed_at="2026-01-02"
                ),
                policy_no=ref[:2],
                resident_id=rid,
                name=name,
                mobile=mobile,
            )
        )
