"""The import's records: built from its validated cells without validating them again.

`custmaster.model._trusted.source_record` builds a `SourceRecord` from values already in its
converters' form; the core import (`custmaster.workflows.core_import`) normalises each cell
through those converters and builds its records that way. These tests check that every
record, and every store an import fills, is exactly what the validated construction gives.
"""

from __future__ import annotations

from pathlib import Path

from custmaster.service import Service
from custmaster.workflows.core_import import import_core_extract


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def test_a_partial_row_with_a_role_column_keeps_the_reference_of_its_role(
    tmp_path: Path,
) -> None:
    # a row imported without its bad cell goes through the validator, whose role is a
    # PolicyRole: its reference names the role by its code, as a clean row's does
    path = _write(
        tmp_path / "core.csv",
        [
            "保单号,角色,被保险人,身份证号,移动电话",
            "PDAA2026001,被保险人,张伟,11010519491231002X,13800138000",
            "PDAA2026002,被保险人,李娜,110105198001010024,13800138OOO",
        ],
    )
    with Service.open("memory://") as service:
        summary = import_core_extract(service, path, skip_bad_cells=True)
        assert (summary.new, summary.partial) == (2, 1)
        refs = sorted(
            record.provenance.source_ref
            for customer in service.iter_customers()
            for record in service.store.observations(customer.id)
        )
    assert refs == ["PDAA2026001#0#insured", "PDAA2026002#0#insured"]
