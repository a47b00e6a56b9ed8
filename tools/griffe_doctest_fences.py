"""Show doctests as ``pycon`` code blocks in the rendered docs.

custmaster's docstrings and docs pages hold plain doctests (python-stdnum's convention, and
pytest runs them), which Markdown would otherwise render as nested block quotes, reading
``['a', 'b']`` in their output as links. Used twice by mkdocs.yml: as a griffe extension for
docstrings (`DoctestFences`) and as a MkDocs hook for pages (`on_page_markdown`).
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_doctests(text: str) -> str:
    """Wrap each run of doctest lines (a ``>>>`` line up to the next blank line) in a fence.

    Doctests already inside a fenced block are left alone.
    """
    out: list[str] = []
    in_block = False
    in_fence = False
    indent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if not in_block and stripped.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and not in_block and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
            in_block = True
        elif in_block and not stripped:
            out.append(f"{indent}```")
            in_block = False
        out.append(line)
    if in_block:
        out.append(f"{indent}```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctests of every object's docstring."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """MkDocs hook: fence the doctests of every page."""
    return fence_doctests(markdown)
