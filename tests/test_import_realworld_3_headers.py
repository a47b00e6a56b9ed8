"""Header spellings of real extracts (tests/data/import-realworld-3-headers.csv).

Each line of the corpus names one header as a Chinese insurer's core system, a channel's
export or a branch office's spreadsheet spells it, a value as such a column holds it, and
where the import must put the column: a record field (``field:mobile``), a source column
(``meta:observed_at``), another party's field (``party:holder.name``) or the record's extra
values (``extra``: the column is no field, its value is kept and never read as one).
Alternatives are separated by ``|`` where either reading is right on the facts (a landline of
no stated kind may be read as a phone of either kind, whose fixed numbers go to the home
phone).

Each header is imported in a file of its own, beside the columns a core extract always has
(保单号, 被保险人, 身份证号, 终保日期; the one of the header's own field left out), so a
column that is read as the wrong field also shows as a rejected row (a plate type ``02`` read
as a plate, a proposal number beside the policy number read as a second one).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from _workflow_helpers import ID_LI, ID_ZHANG, VIN_1, write_csv
from custmaster.service import Service
from custmaster.workflows.core_import import ImportSummary, import_core_extract

CORPUS = Path(__file__).parent / "data" / "import-realworld-3-headers.csv"

#: The columns every test file has, with their field and a value.
BASE: tuple[tuple[str, str, str], ...] = (
    ("保单号", "policy_no", "PDAA202635020000009876"),
    ("被保险人", "name", "张伟"),
    ("身份证号", "resident_id", ID_ZHANG),
    ("终保日期", "cover_end", "2026-12-31"),
)

PLACEHOLDERS = {"{ID}": ID_ZHANG, "{ID2}": ID_LI, "{VIN}": VIN_1}


def _corpus() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _landing(summary: ImportSummary, header: str) -> str:
    """Where the import put the column ``header``."""
    mapped, meta, parties = dict(summary.mapped), dict(summary.meta), dict(summary.parties)
    if header in mapped:
        return f"field:{mapped[header]}"
    if header in meta:
        return f"meta:{meta[header]}"
    if header in parties:
        return f"party:{parties[header]}"
    if header in summary.unmapped:
        return "extra"
    return "nowhere"


def _import(tmp_path: Path, header: str, value: str, lands: str) -> ImportSummary:
    fields = {option.split(":", 1)[1] for option in lands.split("|") if ":" in option}
    base = [column for column in BASE if column[1] not in fields]
    path = write_csv(
        tmp_path / "extract.csv",
        [header, *(column[0] for column in base)],
        [[PLACEHOLDERS.get(value, value), *(column[2] for column in base)]],
        encoding="gb18030",
    )
    return import_core_extract(Service.open("memory://"), path, rejects=tmp_path / "r.csv")


@pytest.mark.parametrize("case", _corpus(), ids=lambda case: case["header"])
def test_header_lands_where_it_means(tmp_path: Path, case: dict[str, str]) -> None:
    summary = _import(tmp_path, case["header"], case["value"], case["lands"])
    assert _landing(summary, case["header"]) in case["lands"].split("|"), case["note"]
    assert (summary.rows, summary.rejected) == (1, 0), summary.codes


def test_corpus_is_well_formed() -> None:
    cases = _corpus()
    assert len(cases) >= 120
    assert len({case["header"] for case in cases}) == len(cases)
    for case in cases:
        for option in case["lands"].split("|"):
            assert option == "extra" or option.split(":")[0] in {"field", "meta", "party"}
