"""Refresh the ``--help`` blocks of docs/cli.md from the commands themselves.

Each command of `custmaster.cli.COMMANDS` has a block in docs/cli.md between
``<!-- help:NAME -->`` and ``<!-- /help:NAME -->``; this script rewrites the blocks with the
current help (100 columns). ``--check`` exits 1 when a block is missing or out of date
(the tests check the same)::

    python tools/gen_cli_help.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from click.testing import CliRunner

from custmaster.cli import COMMANDS, cli

PAGE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def help_text(name: str) -> str:
    """The help of one command as docs/cli.md shows it."""
    result = CliRunner().invoke(cli, [name, "--help"], terminal_width=100)
    lines = [line.rstrip() for line in result.output.splitlines()]
    return "\n".join(lines) + "\n"


def render(page: str) -> tuple[str, list[str]]:
    """The page with every help block refreshed, and the commands that have no block."""
    missing = []
    for name in sorted(COMMANDS):
        key = re.escape(name)
        pattern = re.compile(
            rf"(<!-- help:{key} -->\n```text\n)(.*?)(```\n<!-- /help:{key} -->)", re.S
        )
        found = pattern.search(page)
        if found is None:
            missing.append(name)
            continue
        start, end = found.span(2)
        page = page[:start] + help_text(name) + page[end:]
    return page, missing


def main(argv: list[str]) -> int:
    page = PAGE.read_text(encoding="utf-8")
    new, missing = render(page)
    if missing:
        print(f"docs/cli.md has no help block for: {', '.join(missing)}", file=sys.stderr)
    if "--check" in argv:
        return 1 if missing or new != page else 0
    PAGE.write_text(new, encoding="utf-8")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
