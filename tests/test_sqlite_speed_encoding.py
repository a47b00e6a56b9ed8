"""The SQL stores' direct encoders write what the general ones write, character for character."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings

from custmaster.model import IdentityDocument, Provenance, SourceRecord
from custmaster.store._sql import _dumps, _record_text, decode_record, encode_record
from custmaster.testing import _domain

_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _general(record: SourceRecord) -> tuple[str, str]:
    data = encode_record(record)
    return data["provenance"]["observed_at"], _dumps(data)


@_SETTINGS
@given(_domain.source_records())
def test_record_text_is_the_encoded_dict(record: SourceRecord) -> None:
    assert _record_text(record) == _general(record)
    assert decode_record(json.loads(_record_text(record)[1])) == record


def test_record_text_of_every_kind_of_value() -> None:
    record = SourceRecord(
        provenance=Provenance(
            channel="core_system",
            source_ref='R"1\\\n',
            observed_at=dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            operator="操作员\t7",
        ),
        name="张伟",
        gender="男",
        birth_date="1949-12-31",
        resident_id="11010519491231002X",
        id_document=IdentityDocument(type="passport", country="USA", number="X1234567"),
        mobile="138-0013-8000",
        policy_no="P-1",
        line="compulsory",
        role="holder",
        cover_start="2026-01-01",
        cover_end="2026-12-31",
        extra={"备注": 'a "quoted"\x01 note', "b": ""},
    )
    assert _record_text(record) == _general(record)
    # no operator, no extra: the provenance and the record close at once
    plain = SourceRecord(
        provenance=Provenance(channel="telesales", source_ref="T", observed_at="2026-02-01"),
        name="李娜",
    )
    assert _record_text(plain) == _general(plain)


def test_a_view_is_compact_json_as_json_dumps_writes_it() -> None:
    from custmaster.merge.engine import build
    from custmaster.merge.rules import MergePolicy
    from custmaster.store._view import encode_view
    from custmaster.testing import synth

    book = synth.generate(seed=5, people=40, years=2)
    records = list(book.source_records())[:200]
    assert records
    for start in range(0, len(records), 4):
        text = encode_view(build(records[start : start + 4], [], MergePolicy()))
        assert text == json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
