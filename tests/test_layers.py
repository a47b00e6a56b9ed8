"""The package keeps DESIGN.md's layers: no module imports a layer above its own.

``validate`` ← ``model`` ← ``merge`` ← ``resolve`` ← ``store`` ← ``service`` ← ``workflows`` ←
``cli``; ``errors`` is a leaf every layer may import, ``privacy`` and ``catalog`` sit just above
``validate``, ``audit`` beside ``privacy``. ``testing`` may import everything, and only the CLI's
``synth`` command (which exists to run the generator) imports ``testing``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "custmaster"

ORDER = [
    "errors",
    "validate",
    "privacy",
    "audit",
    "catalog",
    "model",
    "serialize",
    "merge",
    "resolve",
    "store",
    "service",
    "workflows",
    "cli",
]
RANK = {name: i for i, name in enumerate(ORDER)}

#: Imports made inside a function on purpose, each a documented convenience facade.
ALLOWED_LAZY = {
    # store.to_pandas() / Service.to_pandas(): the notebook facade issue 5 asks for,
    # implemented once in custmaster.workflows.frames and imported only when called.
    ("custmaster.store.base", "custmaster.workflows.frames"),
    ("custmaster.service", "custmaster.workflows.frames"),
    # custmaster synth runs the generator of custmaster.testing.
    ("custmaster.cli.synth", "custmaster.testing.synth"),
    ("custmaster.cli.synth", "custmaster.testing"),
}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "custmaster" or len(parts) < 2:
        return None
    return parts[1]


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        found.append((".".join(rel.parts).removesuffix(".__init__"), path))
    return found


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Each ``custmaster`` module a file imports and whether the import runs at import time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}  # TYPE_CHECKING blocks are never executed
    known = {name for name, _ in _modules()}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if not module.startswith("custmaster"):
                continue
            for alias in node.names:
                full = f"{module}.{alias.name}"
                out.append((full if full in known else module, id(node) in top))
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("custmaster")]
            out += [(name, id(node) in top) for name in names]
    return out


@pytest.mark.parametrize(("module", "path"), _modules(), ids=str)
def test_no_upward_imports(module: str, path: Path) -> None:
    me = _layer(module)
    if me is None or me not in RANK:
        return
    for imported, _module_level in _imports(path):
        other = _layer(imported)
        if other == "testing" or (other in RANK and RANK[other] > RANK[me]):
            assert (module, imported) in ALLOWED_LAZY, f"{module} imports {imported}"
            assert not _module_level, f"{module} imports {imported} at module level"


def test_domain_layers_do_no_io() -> None:
    banned = {"open(", "sqlite3", "psycopg", "socket", "requests", "urllib.request"}
    for module, path in _modules():
        if _layer(module) in {"validate", "model", "merge", "resolve"}:
            text = path.read_text(encoding="utf-8")
            hits = [b for b in banned if b in text]
            assert not hits, f"{module} mentions {hits}"
