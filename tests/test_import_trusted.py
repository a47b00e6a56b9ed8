"""The import's records: built from its validated cells without validating them again.

`custmaster.model._trusted.source_record` builds a `SourceRecord` from values already in its
converters' form; the core import (`custmaster.workflows.core_import`) normalises each cell
through those converters as it reads it and builds its records that way. These tests check
that every record, and every store an import fills, is exactly what the validated
construction gives: equal, with the same types (enums, dates, the extra `FrozenMap`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import ValidationError
from custmaster.model import _convert, _trusted
from custmaster.model.provenance import Provenance
from custmaster.model.source import FIELDS, SourceRecord
from custmaster.service import Service
from custmaster.testing.strategies import source_records
from custmaster.workflows.core_import import import_core_extract

# -- helpers -------------------------------------------------------------------------------


def _shape(record: SourceRecord | None) -> list[object] | None:
    """Every value of a record with its exact type: equality alone would let a plain string
    pass for an enum member, or a dict for the extra FrozenMap."""
    if record is None:
        return None
    found: list[object] = [type(record.provenance), record.provenance, type(record.extra)]
    for a in attrs.fields(SourceRecord):
        value = getattr(record, a.name)
        found.append((a.name, type(value), value))
    found.extend((key, type(text), text) for key, text in record.extra.items())
    return found


# -- the trusted constructor ---------------------------------------------------------------


def test_the_trusted_constructor_knows_source_record() -> None:
    # if SourceRecord changes (a field, a converter, a validator), `source_record` builds
    # every record through the validated constructor: correct, but the import's gain is
    # gone. This test says so, so that `_trusted` learns the new form.
    assert _trusted._SOURCE_SLOTS is not None
    assert tuple(_trusted.SOURCE_CONVERTERS) == FIELDS


@settings(max_examples=150, deadline=None)
@given(source_records(), st.booleans())
def test_a_trusted_record_of_validated_values_equals_the_validated_one(
    record: SourceRecord, drop_none: bool
) -> None:
    values = {name: getattr(record, name) for name in FIELDS}
    if drop_none:
        values = {name: value for name, value in values.items() if value is not None}
    made = _trusted.source_record(record.provenance, values, dict(record.extra))
    assert made == record
    assert _shape(made) == _shape(record)
    again = _trusted.source_record(record.provenance, values, record.extra)
    assert _shape(again) == _shape(record)


_PROVENANCE = Provenance(channel="core_system", source_ref="P1#0", observed_at="2026-01-05")


@pytest.mark.parametrize(
    ("values", "extra"),
    [
        ({"line": "交强险", "role": "被保险人"}, {}),  # text where enums belong
        ({"cover_start": "2026-01-05"}, {}),  # a date as text
        ({"cover_start": dt.datetime(2026, 1, 5, 10, 30)}, {}),  # a datetime for a date
        ({"name": "  "}, {}),  # blank text is None
        ({"name": "张伟", "gender": "男"}, {}),
        ({"policy_no": "PDAA2026001"}, _convert.FrozenMap()),
        ({"policy_no": "PDAA2026001"}, {"车队": "三队"}),
    ],
)
def test_values_not_in_the_converters_form_take_the_validated_constructor(
    values: dict[str, Any], extra: Any
) -> None:
    made = _trusted.source_record(_PROVENANCE, values, extra)
    validated = SourceRecord(provenance=_PROVENANCE, extra=extra, **values)
    assert _shape(made) == _shape(validated)


@pytest.mark.parametrize(
    ("values", "extra", "error"),
    [
        ({"line": "???"}, {}, "policy_line.format"),
        ({"nmae": "张伟"}, {}, TypeError),  # an unknown field
        ({"mobile": 13800138000}, {}, "model.type"),
        ({"name": "张伟"}, {"x" * 65: "long column name"}, "record.extra"),
        ({"name": "张伟"}, {"车队": 3}, "record.extra"),
        ({"name": "张伟"}, None, "model.type"),
    ],
)
def test_values_the_validated_constructor_refuses_are_refused_the_same_way(
    values: dict[str, Any], extra: Any, error: str | type[Exception]
) -> None:
    with pytest.raises((ValidationError, TypeError)) as trusted_error:
        _trusted.source_record(_PROVENANCE, values, extra)
    with pytest.raises((ValidationError, TypeError)) as validated_error:
        SourceRecord(provenance=_PROVENANCE, extra=extra, **values)
    assert type(trusted_error.value) is type(validated_error.value)
    if isinstance(error, str):
        assert getattr(trusted_error.value, "code", None) == error
        assert getattr(validated_error.value, "code", None) == error
    else:
        assert isinstance(trusted_error.value, error)


def test_a_cross_field_check_of_source_record_runs_on_the_trusted_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `_make` runs no __attrs_post_init__; `source_record` runs the class's own, if any
    seen: list[SourceRecord] = []

    def post_init(self: SourceRecord) -> None:
        seen.append(self)
        start, end = self.cover_start, self.cover_end
        if start is not None and end is not None and end < start:
            raise ValueError("cover ends before it starts")

    monkeypatch.setattr(SourceRecord, "__attrs_post_init__", post_init, raising=False)
    values = {"cover_start": dt.date(2026, 1, 5), "cover_end": dt.date(2025, 1, 4)}
    with pytest.raises(ValueError, match="cover ends"):
        _trusted.source_record(_PROVENANCE, values, {})
    values["cover_end"] = dt.date(2027, 1, 4)
    made = _trusted.source_record(_PROVENANCE, values, {})
    assert seen[-1] is made


# -- imports ---------------------------------------------------------------------------------


def test_a_partial_row_with_a_role_column_keeps_the_reference_of_its_role(
    tmp_path: Path,
) -> None:
    # a row imported without its bad cell goes through the validator, whose role is a
    # PolicyRole: its reference names the role by its code, as a clean row's does
    path = tmp_path / "core.csv"
    path.write_text(
        "保单号,角色,被保险人,身份证号,移动电话\n"
        "PDAA2026001,被保险人,张伟,11010519491231002X,13800138000\n"
        "PDAA2026002,被保险人,李娜,110105198001010024,13800138OOO\n",
        encoding="utf-8-sig",
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
