"""The package's promises to a newcomer: public API, typing marker, README commands in CI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import custmaster

ROOT = Path(__file__).resolve().parent.parent


def test_every_public_name_resolves() -> None:
    for name in custmaster.__all__:
        assert getattr(custmaster, name) is not None, name


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        custmaster.nope  # noqa: B018


def test_all_is_sorted_and_unique() -> None:
    assert list(custmaster.__all__) == sorted(set(custmaster.__all__))


def test_dir_lists_the_public_api_not_helper_names() -> None:
    public = {name for name in dir(custmaster) if not name.startswith("__")}
    assert public == set(custmaster.__all__) - {"__version__"}
    assert "__version__" in dir(custmaster)


def test_py_typed_is_shipped() -> None:
    assert (ROOT / "src" / "custmaster" / "py.typed").is_file()


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text, flags=re.S)


def test_readme_gives_exactly_two_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    assert "custmaster" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_readme_commands_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in _readme_commands():
        assert command in ci.splitlines(), command


def test_changelog_has_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text
