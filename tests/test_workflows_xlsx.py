"""The streaming XLSX writer: what it writes reads back the same, whatever the text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custmaster.workflows.xlsx import column_letter, write_table

openpyxl = pytest.importorskip("openpyxl")


def _read(path: Path) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path, read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_wide_rows_empty_cells_and_markup(tmp_path: Path) -> None:
    header = [f"列{i}" for i in range(30)]
    rows = [[f"{i}-{j}" if j % 3 else "" for j in range(30)] for i in range(3)]
    rows.append(["<b>&amp;</b>", "a\x01b", "\t tab", None])
    path = tmp_path / "wide.xlsx"
    assert write_table(path, header, rows, sheet="续保清单") == 4
    back = _read(path)
    assert back[0] == header
    assert back[1][:4] == [None, "0-1", "0-2", None]
    assert back[1][29] == "0-29"
    assert back[4][:3] == ["<b>&amp;</b>", "ab", "\t tab"]
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["续保清单"]
    assert workbook.active.freeze_panes == "A2"
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        assert "xl/worksheets/sheet1.xml" in zf.namelist()


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=20)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(text, min_size=2, max_size=2), max_size=5))
def test_round_trip(tmp_path: Path, rows: list[list[str]]) -> None:
    path = tmp_path / "r.xlsx"
    write_table(path, ["a", "b"], rows)
    legal = [
        [
            "".join(c for c in v if c in "\t\n" or (ord(c) >= 32 and c not in "\ufffe\uffff"))
            for v in row
        ]
        for row in rows
    ]
    back = [[*row, None, None][:2] for row in _read(path)[1:]]
    assert [[v if v is not None else "" for v in row] for row in back] == legal


_TRICKY = "ab张伟 \t\n\r&<>\"'\x00\x01\x1c\x1f\x85\xa0\u3000\u2028\ufffe\uffff09"


@given(st.text(alphabet=_TRICKY, max_size=8) | st.text(max_size=8))
def test_the_plain_cell_shortcut_writes_what_the_full_path_writes(text: str) -> None:
    from xml.sax.saxutils import escape

    from custmaster.workflows import xlsx

    clean = xlsx._ILLEGAL.sub("", text)
    space = ' xml:space="preserve"' if clean != clean.strip() else ""
    full = f'<c r="B2" t="inlineStr"><is><t{space}>{escape(clean)}</t></is></c>'
    assert xlsx._cell("B2", text) == full


_CELL = st.none() | st.text(alphabet=_TRICKY, max_size=6) | st.text(max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_CELL, max_size=5), max_size=6))
def test_rows_written_whole_are_what_cell_by_cell_writes(rows: list[list[str | None]]) -> None:
    """A row of plain text is written in one piece; the sheet is what `_cell` gives per cell."""
    import tempfile

    from custmaster.workflows import xlsx

    letters = ["A", "B", "C", "D"]
    expected = "".join(
        f'<row r="{n}">'
        + "".join(
            xlsx._cell(f"{column_letter(i)}{n}", str(v))
            for i, v in enumerate(row)
            if v is not None and v != ""
        )
        + "</row>"
        for n, row in enumerate(rows, start=2)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.xlsx"
        write_table(path, letters, rows)
        with zipfile.ZipFile(path) as zf:
            sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    body = sheet.split("</row>", 1)[1].removesuffix("</sheetData></worksheet>")
    assert body == expected


def test_cells_are_written_as_str_shows_them(tmp_path: Path) -> None:
    class Shown(str):
        def __str__(self) -> str:
            return "<b>"

    path = tmp_path / "s.xlsx"
    write_table(path, ["a", "b", "c"], [[Shown("plain"), "x"], ["y", 2.5, None]])
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<t>&lt;b&gt;</t>" in sheet
    assert "plain" not in sheet
    assert _read(path)[1:] == [["<b>", "x"], ["y", "2.5"]]
