"""``custmaster backup``, ``export-store``, ``import-store`` and ``copy-store``: the store as
a whole.

Thin skins over `custmaster.service.Service.backup`, `~custmaster.service.Service.export_jsonl`,
`~custmaster.service.Service.import_jsonl` and `~custmaster.service.Service.copy_to`. They
print counts, never values; the files they write hold full values by design (a backup is the
store), so they need the administer permission, and an export file reveal too.
"""

from __future__ import annotations

from pathlib import Path

import click

from custmaster.cli._common import console, open_service, say, store_options

__all__ = ["backup", "copy_store", "export_store", "import_store"]


def _lines(counts: dict[str, int]) -> str:
    shown = {k: v for k, v in counts.items() if k not in ("header", "end", "counters")}
    return ", ".join(f"{kind} {n:,}" for kind, n in shown.items())


@click.command()
@store_options
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(*, store_url: str, user: str | None, roles: tuple[str, ...], target: Path) -> None:
    """Copy the SQLite store to TARGET, a new file, while imports and readers go on.

    The copy is one consistent snapshot of what was committed (SQLite's online backup API),
    openable as a store itself (sqlite:///TARGET). PostgreSQL stores are backed up with the
    database's own tools (pg_dump), or copied whole with export-store. Needs the administer
    permission when a user is given; audited.

    Exits 0 on success, 64 for a store without file backups, 74 when TARGET exists or cannot
    be written, 77 without the permission.

    Example:

        custmaster backup backups/custmaster-2026-12-05.db --store sqlite:///custmaster.db
    """
    out = console()
    with open_service(store_url, user, roles) as service:
        written = service.backup(target)
    say(out, f"Backed up 已备份 to {written}.")


@click.command("export-store")
@store_options
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_store(*, store_url: str, user: str | None, roles: tuple[str, ...], file: Path) -> None:
    """Write the whole store to FILE (JSON Lines): customers, every source record, decisions,
    contact events, the audit log and the id counters, from one consistent snapshot.

    import-store reads it into an empty store of any SQL adapter (SQLite or PostgreSQL), which
    then holds the same customers. The file holds full values (names, ID numbers, phones):
    it needs a named user (--user) with the administer, export and reveal permissions, and the
    export is audited. Keep the file as you keep the database.

    Exits 0 on success, 64 for a store that cannot be exported whole, 74 when FILE cannot be
    written, 77 without the permissions.

    Example:

        custmaster export-store book.jsonl --user dpo.zhou --role administrator
    """
    out = console()
    with open_service(store_url, user, roles) as service:
        counts = service.export_jsonl(file)
    say(out, f"Exported 已导出 to {file}: {_lines(counts)}.")


@click.command("import-store")
@store_options
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_store(*, store_url: str, user: str | None, roles: tuple[str, ...], file: Path) -> None:
    """Read FILE, written by export-store, into the store, which must be empty.

    Every line is checked and the import is one transaction: a bad or truncated file leaves
    the store empty, and the error names the line. The customers are rebuilt from their
    records and events; the audit log is copied as it was, so it verifies in the new store.
    Needs the administer permission when a user is given; audited.

    Exits 0 on success, 64 for a store that cannot be imported whole, 74 for a store that is
    not empty or a bad file, 77 without the permission.

    Example:

        custmaster import-store book.jsonl --store postgresql://insurer@db.example/custmaster
    """
    out = console()
    with open_service(store_url, user, roles) as service:
        counts = service.import_jsonl(file)
        scheme = service.url.partition(":")[0]
    say(out, f"Imported 已导入 {file} into a {scheme} store: {_lines(counts)}.")


@click.command("copy-store")
@store_options
@click.option(
    "--to",
    "target_url",
    required=True,
    metavar="URL",
    help="The empty store to copy into: sqlite:///path.db or postgresql://…",
)
def copy_store(
    *, store_url: str, user: str | None, roles: tuple[str, ...], target_url: str
) -> None:
    """Copy the whole store into the empty store at --to URL: SQLite to PostgreSQL when a
    branch outgrows one machine, or back (the same customers, records, decisions, events and
    audit log).

    The copy goes through a JSON Lines file in a private temporary folder, removed afterwards.
    Needs the administer permission when a user is given; audited in both stores.

    Exits 0 on success, 64 for a store that cannot be copied, 74 for a target that is not
    empty or cannot be opened, 77 without the permission.

    Example:

        custmaster copy-store --to postgresql://insurer@db.example/custmaster
    """
    out = console()
    with open_service(store_url, user, roles) as service:
        counts = service.copy_to(target_url)
    say(out, f"Copied 已复制 to a {target_url.partition(':')[0]} store: {_lines(counts)}.")
