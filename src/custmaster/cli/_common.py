"""What the store-touching subcommands share: ``--store``, ``--user``/``--role``, progress, output.

Every command that reads or writes a store takes ``--store URL`` (default: the environment
variable ``CUSTMASTER_STORE``, else ``sqlite:///custmaster.db`` in the current directory) and
acts as the user named by ``--user`` with the roles of ``--role`` (environment variables
``CUSTMASTER_USER`` and ``CUSTMASTER_ROLE``; roles are custmaster's defaults: operator,
supervisor, auditor, administrator). Without a user the command acts as the program itself:
everything but revealing full values is allowed (`custmaster.service.Service`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from custmaster.errors import UsageError
from custmaster.privacy.access import User
from custmaster.service import Service
from custmaster.store.registry import DEFAULT_URL

__all__ = [
    "console",
    "open_service",
    "progress_bar",
    "say",
    "store_options",
]

F = TypeVar("F", bound=Callable[..., Any])


if TYPE_CHECKING:  # generic in click's stubs since 8.2; plain at run time in 8.1
    _ParamType = click.ParamType[str]
else:
    _ParamType = click.ParamType


class ChannelType(_ParamType):
    """A channel as people type it: its code or name (电销, 报案, Core-System …,
    `custmaster.Channel.get`), given as its code; with ``allowed``, only those codes."""

    name = "channel"

    def __init__(self, allowed: Iterable[str] | None = None) -> None:
        self.allowed = None if allowed is None else tuple(sorted(allowed))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from custmaster.errors import ValidationError
        from custmaster.model.provenance import Channel

        try:
            code = Channel.get(str(value)).code
        except ValidationError:
            code = None
        if code is None or (self.allowed is not None and code not in self.allowed):
            known = self.allowed or tuple(c.code for c in Channel.builtins())
            names = ", ".join(f"{c} {Channel.get(c).label.split(' ', 1)[0]}" for c in known)
            self.fail(f"{value!r} is not a channel here; one of: {names}.", param, ctx)
        return code


def store_options(command: F) -> F:
    """Add ``--store``, ``--user`` and ``--role`` to a command."""
    command = click.option(
        "--role",
        "roles",
        multiple=True,
        envvar="CUSTMASTER_ROLE",
        metavar="ROLE",
        help="Role of the acting user (operator, supervisor, auditor, administrator); repeat "
        "for several. Env: CUSTMASTER_ROLE.",
    )(command)
    command = click.option(
        "--user",
        envvar="CUSTMASTER_USER",
        metavar="NAME",
        help="Acting user (login or staff ID), recorded as the author. Without it the command "
        "acts as the program: all but revealing is allowed. Env: CUSTMASTER_USER.",
    )(command)
    command = click.option(
        "--store",
        "store_url",
        envvar="CUSTMASTER_STORE",
        default=DEFAULT_URL,
        show_default=True,
        metavar="URL",
        help="Store to use: sqlite:///path.db, postgresql://…, memory://. Env: CUSTMASTER_STORE.",
    )(command)
    return command


#: ``--sheet``'s help where it may be repeated (`table_options`, ``several_sheets``).
_SHEETS_HELP = (
    "Workbook sheet to read; repeat for several (read in that order). Default: every data "
    "sheet, each by its own header (a 说明 or 封面 sheet, and a 汇总 sheet of totals, is "
    "skipped and listed; a 汇总 sheet repeating the others' rows is read after them, its "
    "repeated rows skipped)."
)


def table_options(
    *,
    mapping_help: str,
    rejects_help: str,
    several_sheets: bool = False,
    encoding_help: str = "CSV text encoding. Default: detected.",
) -> Callable[[F], F]:
    """Add ``--encoding``, ``--sheet``, ``--mapping`` and ``--rejects`` to a command that
    reads a CSV or XLSX file; ``mapping_help`` says what the mapping maps headers to. With
    ``several_sheets`` ``--sheet`` may be repeated (parameter ``sheets``, a tuple) and every
    data sheet is read by default; else it names one sheet (parameter ``sheet``)."""

    def add(command: F) -> F:
        command = click.option(
            "--rejects",
            type=click.Path(dir_okay=False, writable=True, path_type=Path),
            metavar="PATH",
            help=rejects_help,
        )(command)
        command = click.option(
            "--mapping",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            metavar="FILE.json",
            help=mapping_help,
        )(command)
        if several_sheets:
            command = click.option(
                "--sheet", "sheets", multiple=True, metavar="NAME", help=_SHEETS_HELP
            )(command)
        else:
            command = click.option(
                "--sheet", metavar="NAME", help="XLSX sheet. Default: the first sheet."
            )(command)
        return click.option("--encoding", metavar="NAME", help=encoding_help)(command)

    return add


def open_service(store_url: str, user: str | None, roles: tuple[str, ...]) -> Service:
    """Open the store and wrap it with the acting user."""
    acting = None
    if user:
        acting = User(user, roles=_roles(roles))
    elif roles:
        raise UsageError(
            "--role needs --user (who acts with that role).",
            code="usage",
            message_zh="--role 须与 --user 一起使用。",
        )
    return Service.open(store_url, user=acting)


def _roles(roles: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    for value in roles:
        names.extend(part.strip() for part in value.replace(",", " ").split() if part.strip())
    return names


def console() -> Console:
    """The console commands print to: no highlighting; 120 columns when not a terminal (a
    pipe or a file), so tables keep policy numbers whole."""
    out = Console(highlight=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(highlight=False, width=120)
    return out


def say(out: Console, text: str) -> None:
    """One line of plain text: no markup (paths and headers may hold brackets)."""
    out.print(text, markup=False, soft_wrap=True)


@contextmanager
def progress_bar(
    out: Console, description: str
) -> Iterator[Callable[[int, float | None], None] | None]:
    """A progress callback ``(rows, fraction)`` drawing a bar on a terminal, else None."""
    if not out.is_terminal or os.environ.get("CUSTMASTER_NO_PROGRESS"):
        yield None
        return
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rows]} rows"),
        TimeElapsedColumn(),
        console=out,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=1.0, rows=0)

        def report(rows: int, fraction: float | None) -> None:
            bar.update(task, completed=fraction or 0.0, rows=rows)

        yield report
