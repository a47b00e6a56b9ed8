"""Every ``custmaster`` command is documented in docs/cli.md and has help, with an example."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest
from click.testing import CliRunner

from custmaster.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "cli.md"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_cli_help", ROOT / "tools" / "gen_cli_help.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _command(name: str) -> click.Command:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None, name
    return command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_a_section_and_is_in_the_table(name: str) -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert f"## `custmaster {name}`" in page
    assert re.search(rf"\[`{re.escape(name)}`\]\(#custmaster-{re.escape(name)}\)", page), name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help_with_an_example(name: str) -> None:
    command = _command(name)
    assert command.help
    assert len(command.help.split()) >= 20
    assert "Example:" in command.help
    assert f"custmaster {name}" in command.help
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: custmaster {name} ")
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{name} {param.opts[0]} has no help"


def test_help_blocks_are_current() -> None:
    page = PAGE.read_text(encoding="utf-8")
    rendered, missing = _tool().render(page)
    assert missing == []
    assert rendered == page, "run: python tools/gen_cli_help.py"


STORE_COMMANDS = (
    "callbacks", "candidates", "classify-vehicles", "decide", "demo", "endorse",
    "enter-contact", "expiring", "import", "show", "stats",
)  # fmt: skip


def test_every_store_command_takes_store_user_and_role() -> None:
    for name in STORE_COMMANDS:
        options = {opt for param in _command(name).params for opt in param.opts}
        assert {"--store", "--user", "--role"} <= options, name


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["renew"])
    assert result.exit_code == 2
    assert "No such command" in result.output
