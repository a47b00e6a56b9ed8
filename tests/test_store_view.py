"""The current view the SQL stores keep: its summary is read alone, the rest when asked for."""

from __future__ import annotations

import json

import pytest

from custmaster.service import Service
from custmaster.store._view import (
    SUMMARY_FACTS,
    VIEW_VERSION,
    StoredView,
    ViewSummary,
    decode_view,
)

_PARTS = ("fields", "policies", "terms", "contacts", "first_channel", "size")


@pytest.fixture(scope="module")
def view_texts(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """Each customer's view text in a synthetic book (households, call-backs, noise)."""
    from custmaster.testing import synth

    folder = tmp_path_factory.mktemp("view")
    service = Service.open(f"sqlite:///{folder}/book.db")
    synth.ingest(service.store, synth.generate(seed=11, people=150, years=3))
    texts = [(str(cid), str(text)) for cid, text in service.store._sql(  # type: ignore[attr-defined]
        "SELECT id, state FROM cm_customers ORDER BY id"
    )]  # fmt: skip
    service.close()
    return texts


def _as_version_2(text: str) -> str:
    """The view as custmaster wrote it before version 3: no summary."""
    data = json.loads(text)
    del data["summary"]
    data["v"] = 2
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _summary(view: StoredView) -> tuple[object, ...]:
    summary = view.summary
    return tuple(getattr(summary, name) for name in ViewSummary.__slots__)


def test_a_view_opens_with_its_summary(view_texts: list[tuple[str, str]]) -> None:
    assert len(view_texts) > 100
    for _, text in view_texts:
        assert text.startswith(f'{{"v":{VIEW_VERSION},"summary":[')


def test_a_view_of_version_2_decodes_to_the_same_parts_and_summary(
    view_texts: list[tuple[str, str]],
) -> None:
    ranked = facts = 0
    for customer_id, text in view_texts:
        new = decode_view(customer_id, text)
        old = decode_view(customer_id, _as_version_2(text))
        assert new is not None
        assert old is not None
        # the summary read alone equals the one computed from the whole view
        assert _summary(new) == _summary(old)
        for part in _PARTS:
            assert getattr(new, part) == getattr(old, part), part
        ranked += len(new.summary.numbers) > 1
        facts += bool(new.summary.facts)
    assert ranked > 20  # several numbers to rank


def test_the_summary_holds_what_the_view_says(view_texts: list[tuple[str, str]]) -> None:
    for customer_id, text in view_texts:
        view = decode_view(customer_id, text)
        assert view is not None
        summary = view.summary
        assert summary.name == view.fields.get("name")
        assert summary.address == view.fields.get("address")
        assert summary.first_channel == view.first_channel
        assert set(summary.policies) == set(view.terms)
        for number, entry in summary.policies.items():
            assert list(entry[0]) == list(view.policies.get(number, ()))
        callable_ = {
            value
            for kind, value, _, _, status in view.contacts
            if kind in ("mobile", "home", "office") and status != "wrong"
        }
        assert set(summary.numbers) == callable_
        assert len(summary.numbers) == len(callable_)  # each number once
        for key in summary.facts:
            assert key.partition("@")[0] in SUMMARY_FACTS
            assert view.fields[f"extra.{key}"] == summary.facts[key]
        assert "resident_id" not in text.split(',"size":', 1)[0]  # no ID in the summary


@pytest.mark.parametrize(
    "text",
    [None, "", "not json", '{"v":1}', "[]", '{"v":3,"summary":[1,2', '{"v":3,"summary":[1]}'],
)
def test_an_absent_foreign_or_broken_view_decodes_to_none(text: str | None) -> None:
    assert decode_view("C00000001", text) is None


def test_a_view_needs_its_data_or_its_text() -> None:
    with pytest.raises(ValueError, match="its data or its text"):
        StoredView("C00000001")


def test_repr_shows_no_personal_value(view_texts: list[tuple[str, str]]) -> None:
    customer_id, text = view_texts[0]
    view = decode_view(customer_id, text)
    assert view is not None
    name = view.fields.get("name")
    assert repr(view) == f"StoredView(customer_id={customer_id!r})"
    assert str(name) not in repr(view.summary)
