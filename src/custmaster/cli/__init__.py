"""The ``custmaster`` command: a thin skin over the Python API.

Each subcommand lives in its own module and is imported only when it runs, so ``custmaster
--help`` stays fast. Errors become messages and exit codes in one place: a
`custmaster.CustmasterError` prints ``Error: <its masked message>`` on stderr and exits with
its family's code from `custmaster.errors.EXIT_CODES` (64 usage, 65 data, 66 not found,
70 internal, 74 I/O or store, 77 permission); a file that cannot be opened or written exits
with 74; click's own command-line errors (unknown option, missing file) exit with 2.
Output is masked by default: no command prints a full ID number, phone number or name.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from custmaster._version import __version__
from custmaster.errors import EXIT_CODES, CustmasterError

__all__ = ["COMMANDS", "IO_ERROR_EXIT_CODE", "cli", "error_message", "exit_code_for", "main"]

#: The subcommands: name → ``"module:attribute"`` of the click command, imported on use.
COMMANDS: dict[str, str] = {
    "audit": "custmaster.cli.audit:audit",
    "backup": "custmaster.cli.store:backup",
    "callbacks": "custmaster.cli.callbacks:callbacks",
    "candidates": "custmaster.cli.review:candidates",
    "classify-vehicles": "custmaster.cli.classify_vehicles:classify_vehicles",
    "copy-store": "custmaster.cli.store:copy_store",
    "decide": "custmaster.cli.review:decide",
    "demo": "custmaster.cli.demo:demo",
    "endorse": "custmaster.cli.endorse:endorse",
    "enter-contact": "custmaster.cli.enter_contact:enter_contact",
    "erase": "custmaster.cli.subject:erase",
    "expiring": "custmaster.cli.expiring:expiring",
    "export-store": "custmaster.cli.store:export_store",
    "export-subject": "custmaster.cli.subject:export_subject",
    "import": "custmaster.cli.import_:import_",
    "import-store": "custmaster.cli.store:import_store",
    "quality": "custmaster.cli.quality:quality",
    "restrict": "custmaster.cli.subject:restrict",
    "show": "custmaster.cli.show:show",
    "stats": "custmaster.cli.stats:stats",
    "synth": "custmaster.cli.synth:synth",
    "validate": "custmaster.cli.validate:validate",
}

#: Exit code when a file cannot be read or written (EX_IOERR, as for store errors).
IO_ERROR_EXIT_CODE = 74


def exit_code_for(error: BaseException) -> int:
    """The documented exit code of an error (see the module description).

    >>> from custmaster.errors import UsageError, InvalidChecksum
    >>> exit_code_for(UsageError()), exit_code_for(InvalidChecksum()), exit_code_for(OSError())
    (64, 65, 74)
    """
    if isinstance(error, CustmasterError):
        for cls in type(error).__mro__:
            if cls in EXIT_CODES:
                return EXIT_CODES[cls]
    if isinstance(error, OSError):
        return IO_ERROR_EXIT_CODE
    return EXIT_CODES[CustmasterError]


def error_message(error: BaseException) -> str:
    """The one-line message shown for an error (custmaster errors hold masked values only)."""
    if isinstance(error, OSError) and not isinstance(error, CustmasterError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return str(error)


class _Group(click.Group):
    """A group that imports subcommands lazily and turns library errors into exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a wiring mistake
            raise TypeError(f"{target} is not a click command")
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (CustmasterError, OSError) as error:
            click.echo(f"Error: {error_message(error)}", err=True)
            ctx.exit(exit_code_for(error))


@click.group(
    name="custmaster",
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "-V", "--version", prog_name="custmaster")
def cli() -> None:
    """custmaster: one trustworthy record per customer, for insurers.

    Validate and normalise Chinese customer data (resident IDs 身份证号, phones 电话,
    plates 车牌号, VINs 车架号 …). Output is masked by default.
    """


def main() -> None:
    """Entry point of the ``custmaster`` console script and ``python -m custmaster``."""
    cli(prog_name="custmaster")
