"""The example notebook runs, and everything it shows is masked.

The notebook's code cells are executed in order in one namespace, as a kernel would: a cell's
last expression is its displayed result and ``print`` output is captured. No Jupyter needed.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from custmaster.model import Customer, SourceRecord
from custmaster.privacy.masking import mask, scan_for_personal_data

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "custmaster-tour.ipynb"
_PERSONAL = ("name", "resident_id", "mobile", "home_phone", "office_phone", "address", "plate")


@dataclass
class Run:
    namespace: dict[str, Any] = field(default_factory=dict)
    #: The displayed result of each code cell (None when its last line is a statement).
    results: list[Any] = field(default_factory=list)
    #: What each code cell printed.
    printed: list[str] = field(default_factory=list)


def _code_cells() -> list[str]:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def _execute(sources: list[str]) -> Run:
    run = Run(namespace={"__name__": "__main__"})
    for number, source in enumerate(sources):
        tree = ast.parse(source, filename=f"<cell {number}>")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(tree, f"<cell {number}>", "exec"), run.namespace)
            result = (
                eval(compile(last, f"<cell {number}>", "eval"), run.namespace) if last else None
            )
        run.results.append(result)
        run.printed.append(out.getvalue())
    return run


@pytest.fixture(scope="module")
def run() -> Run:
    return _execute(_code_cells())


def _known_values(run: Run) -> set[str]:
    """The full personal values the notebook's records hold."""
    values: set[str] = set()
    for record in run.namespace["records"]:
        assert isinstance(record, SourceRecord)
        for name in _PERSONAL:
            value = getattr(record, name)
            if value:
                values.add(value)
                if name.endswith(("mobile", "phone")):
                    values.add(value.removeprefix("+86"))  # as the notebook typed it
    return values


def _shown(result: Any) -> str:
    """What a notebook front end would display for a result: HTML when there is some."""
    if isinstance(result, pd.DataFrame):
        return result.to_string() + result.to_html()
    html = getattr(result, "_repr_html_", None)
    return (html() if callable(html) else "") + repr(result)


def test_the_notebook_is_stored_without_outputs() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == []
            assert cell["execution_count"] is None


def test_the_notebook_runs_and_shows_masked_values_only(run: Run) -> None:
    known = _known_values(run)
    assert len(known) >= 8
    displayed = [_shown(r) for r in run.results if r is not None] + run.printed
    assert len(displayed) >= 10
    for text in displayed:
        assert scan_for_personal_data(text, known) == (), text[:200]


def test_the_notebook_shows_a_customer_and_dataframes(run: Run) -> None:
    customers = [r for r in run.results if isinstance(r, Customer)]
    assert len(customers) == 1
    page = customers[0]._repr_html_()
    assert "张*" in page
    assert mask("resident_id", run.namespace["ZHANG"]) in page
    assert "<table>" in page
    frames = [r for r in run.results if isinstance(r, pd.DataFrame)]
    assert len(frames) >= 3
    customers_frame = run.namespace["customers"]
    assert sorted(customers_frame["name"]) == ["张*", "李*"]
    assert all("*" in value for value in customers_frame["resident_id"])
    zhang = customers_frame.set_index("name").loc["张*"]
    # the first mobile was found wrong: the telesales one is the best callable number now
    assert zhang["best_phone"] == "139****9000"
    assert zhang["wrong_phones"] == 1
    assert zhang["address"] == "福建省厦门市湖里区******"
    policies = run.namespace["policies"]
    assert sorted(policies["policy_no"]) == ["PDAA2026001", "PDAA2026002", "PDZA2026001"]
    assert set(policies["manufacturer"].dropna()) == {"广汽本田"}
    assert policies.set_index("policy_no").loc["PDAA2026002", "series"] == "雅阁"
    assert set(policies["plate"]) == {"闽D·***88", "京N·***F8"}


def test_the_notebook_explains_and_keeps_history(run: Run) -> None:
    history = run.results[4]
    assert [str(e.value) for e in history] == ["福建省厦门市思明区湖滨南路100号"]
    assert "telesales" in run.printed[5]
    assert "newest" in run.printed[5]
    assert "138****8000" in run.printed[5]  # the accumulated mobile, masked
    status, customers = run.results[6]
    assert status == "wrong"
    assert len(customers) == 1
    ending = run.results[-1]
    assert ending.to_dict() == {"commercial": 1, "compulsory": 1}
