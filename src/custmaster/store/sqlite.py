"""`SQLiteStore`: the embedded default store (``sqlite:///path/to/file.db``), standard library only.

One file holds the observation log, the current view of every customer, the lookup indexes,
candidate pairs, decisions and contact events (the tables of ``_migrations/sqlite``). The
file is in WAL mode: readers never wait for the writer and a crash (even ``kill -9``) loses at
most the transaction that was being written. Several processes may write to one file; their
transactions take turns (``BEGIN IMMEDIATE``, waiting up to ``busy_timeout`` seconds). A
store object is used by one thread at a time: give each thread its own, on the same file.

URLs: ``sqlite:///custmaster.db`` (relative to the current directory), ``sqlite:////var/lib/
cm.db`` (absolute), ``sqlite://`` (in memory, for tests). Options as query parameters or
keyword arguments: ``mode=ro`` (read-only), ``synchronous`` (``full``, the default, survives a
power cut; ``normal`` survives a process crash), ``busy_timeout`` (seconds, default 30),
``cache_mb`` (SQLite's page cache, default 64).

The file says what it is: ``PRAGMA application_id`` is `APPLICATION_ID` and ``PRAGMA
user_version`` the schema version. Opening a store made by an older custmaster migrates it
forward in one transaction; a newer, foreign or damaged file raises `custmaster.StoreError`
naming the file and the problem.

>>> import tempfile, pathlib
>>> from custmaster.model import Provenance, SourceRecord
>>> folder = tempfile.mkdtemp()
>>> store = SQLiteStore(f"sqlite:///{folder}/book.db")
>>> store.ingest(SourceRecord(
...     provenance=Provenance(channel="core_system", source_ref="R1", observed_at="2026-01-05"),
...     resident_id="11010519491231002X", name="张伟", mobile="138-0013-8000")).outcome.value
'new_customer'
>>> store.close()
>>> again = SQLiteStore(f"sqlite:///{folder}/book.db")
>>> [c.id for c in again.find(phone="13800138000")], again.journal_mode
(['C00000001'], 'wal')
>>> again.close()
>>> _ = pathlib.Path(folder, "notes.txt").write_bytes(b"not a database at all" * 100)
>>> SQLiteStore(f"sqlite:///{folder}/notes.txt")
Traceback (most recent call last):
    ...
custmaster.errors.StoreError: [store.corrupt] .../notes.txt is not a SQLite database ...
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any, ClassVar, NoReturn
from urllib.parse import parse_qsl, quote

from custmaster.errors import StoreError
from custmaster.merge.rules import MergePolicy
from custmaster.privacy.crypto import Keyring
from custmaster.store._sql import (
    APPLICATION,
    STATE_CACHE_SIZE,
    Migration,
    SQLStore,
    migrations,
    split_script,
)

__all__ = ["APPLICATION_ID", "ERROR_CODES", "SCHEMA_VERSION", "SQLiteStore"]

#: Every error code this module raises (the shared ones are in `custmaster.store._sql`).
ERROR_CODES: dict[str, str] = {
    "store.option": "A store URL option or keyword argument is unknown or has a bad value.",
    "store.open": "The database file cannot be opened or created.",
    "store.backup": "A backup could not be written.",
}

#: ``PRAGMA application_id`` of a custmaster SQLite file ("CMST").
APPLICATION_ID = 0x434D5354

_MIGRATIONS = migrations("sqlite")

#: The schema version this custmaster writes and reads.
SCHEMA_VERSION = _MIGRATIONS[-1].version

_SYNCHRONOUS = ("off", "normal", "full", "extra")
_COUNTERS = ("customer", "pair", "pair_saved")


def _option_error(message: str) -> NoReturn:
    raise StoreError(message, code="store.option", message_zh=f"存储选项错误：{message}")


def _parse_url(url: str) -> tuple[str, dict[str, str]]:
    if not isinstance(url, str) or not url.lower().startswith("sqlite://"):
        _option_error("A SQLite store URL starts with sqlite:// (e.g. sqlite:///custmaster.db).")
    rest = url[len("sqlite://") :]
    location, _, query = rest.partition("?")
    options = dict(parse_qsl(query, keep_blank_values=True))
    if location in ("", "/", "/:memory:"):
        return ":memory:", options
    if not location.startswith("/"):
        _option_error("A SQLite store URL has three slashes before a relative path.")
    return location[1:], options


class SQLiteStore(SQLStore):
    """The store in one SQLite file (see the module documentation for URLs and options)."""

    dialect: ClassVar[str] = "sqlite"
    _shared_cache: ClassVar[bool] = True

    def __init__(
        self,
        url: str = "sqlite:///custmaster.db",
        *,
        policy: MergePolicy | None = None,
        cache_size: int = STATE_CACHE_SIZE,
        mode: str | None = None,
        synchronous: str | None = None,
        busy_timeout: float | None = None,
        cache_mb: int | None = None,
        keyring: Keyring | None = None,
    ) -> None:
        path, options = _parse_url(url)
        settings: dict[str, Any] = {
            "mode": mode,
            "synchronous": synchronous,
            "busy_timeout": busy_timeout,
            "cache_mb": cache_mb,
        }
        for name, value in options.items():
            if name not in settings:
                _option_error(f"Unknown SQLite store option {name[:20]!r}.")
            if settings[name] is None:
                settings[name] = value
        self.path = path
        self.read_only = _choice(settings["mode"] or "rwc", ("ro", "rw", "rwc"), "mode") == "ro"
        self._synchronous = _choice(settings["synchronous"] or "full", _SYNCHRONOUS, "synchronous")
        self._busy_timeout = _number(settings["busy_timeout"], 30.0, "busy_timeout")
        self._cache_kib = int(_number(settings["cache_mb"], 64, "cache_mb") * 1024)
        super().__init__(url, policy=policy, cache_size=cache_size, keyring=keyring)
        self._counter_values: dict[str, int] = {}
        self._seen_version = -1
        self._connection = self._connect()
        try:
            self._open()
            self._check_sealing()
        except BaseException:
            self._connection.close()
            raise

    # ------------------------------------------------------------------ opening

    def _where(self) -> str:
        return self.path

    def _connect(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            folder = Path(self.path).parent
            if not folder.is_dir():
                raise StoreError(
                    f"Cannot open {self.path}: the folder {folder} does not exist.",
                    code="store.open",
                    message_zh=f"无法打开 {self.path}：目录 {folder} 不存在。",
                )
            if self.read_only and not Path(self.path).exists():
                raise StoreError(
                    f"Cannot open {self.path} read-only: the file does not exist.",
                    code="store.open",
                    message_zh=f"无法以只读方式打开 {self.path}：文件不存在。",
                )
        target = self.path
        if self.read_only:
            target = f"file:{quote(os.path.abspath(self.path))}?mode=ro"
        try:
            connection = sqlite3.connect(
                target,
                isolation_level=None,
                timeout=self._busy_timeout,
                uri=self.read_only,
            )
        except sqlite3.Error as error:
            raise StoreError(
                f"Cannot open {self.path}: {error}.",
                code="store.open",
                message_zh=f"无法打开 {self.path}：{error}。",
            ) from None
        return connection

    def _open(self) -> None:
        application_id, version, tables = self._inspect()
        if application_id == APPLICATION_ID:
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer custmaster (schema {version}; this one "
                    f"reads up to {SCHEMA_VERSION}): upgrade custmaster to open it.",
                    code="store.newer_schema",
                    message_zh=f"{self.path} 由更新版本的 custmaster 写入（结构版本 {version}，"
                    f"本版本最高支持 {SCHEMA_VERSION}）：请升级 custmaster。",
                )
        elif application_id != 0 or tables:
            raise StoreError(
                f"{self.path} is a SQLite database of another application (application id "
                f"{application_id}, {len(tables)} tables), not a custmaster store.",
                code="store.foreign",
                message_zh=f"{self.path} 是其他应用的 SQLite 数据库，不是 custmaster 存储。",
            )
        self._pragmas()
        if version < SCHEMA_VERSION or application_id == 0:
            if self.read_only:
                raise StoreError(
                    f"{self.path} needs a schema upgrade (to version {SCHEMA_VERSION}) and was "
                    "opened read-only.",
                    code="store.read_only",
                    message_zh=f"{self.path} 需要升级结构，但以只读方式打开。",
                )
            self.migrate(_MIGRATIONS)
        self._seen_version = self._data_version()

    def _inspect(self) -> tuple[int, int, list[str]]:
        try:
            application_id = int(self._sql("PRAGMA application_id")[0][0])
            version = int(self._sql("PRAGMA user_version")[0][0])
            tables = [
                str(name)
                for (name,) in self._sql(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                )
            ]
        except StoreError as error:
            if error.code == "store.corrupt":
                raise
            raise StoreError(
                f"{self.path} is not a SQLite database or is damaged ({error.message}).",
                code="store.corrupt",
                message_zh=f"{self.path} 不是 SQLite 数据库或已损坏。",
            ) from None
        return application_id, version, tables

    def _pragmas(self) -> None:
        self._sql(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
        self._sql(f"PRAGMA cache_size = -{self._cache_kib}")
        self._sql("PRAGMA temp_store = MEMORY")
        # Deleted and overwritten content is zeroed, so that an erasure (PIPL Art. 47) leaves
        # no old value in free space of the file.
        self._sql("PRAGMA secure_delete = ON")
        if not self.read_only:
            self._sql("PRAGMA journal_mode = WAL")
        self._sql(f"PRAGMA synchronous = {self._synchronous.upper()}")

    def migrate(self, scripts: Sequence[Migration]) -> int:
        """Bring the file to the newest of ``scripts``, all pending ones in one transaction.

        Called when the store is opened; returns the schema version reached. A failing
        script rolls everything back (the file stays at its old version) and raises
        `StoreError` (``store.migration``) naming the file and the script.
        """
        self._sql("BEGIN IMMEDIATE")
        try:
            current = int(self._sql("PRAGMA user_version")[0][0])
            pending = [m for m in scripts if m.version > current]
            for migration in pending:
                try:
                    for statement in split_script(migration.sql, sqlite3.complete_statement):
                        self._sql(statement)
                except StoreError as error:
                    raise StoreError(
                        f"Migrating {self.path} with {migration.name} failed: {error.message}",
                        code="store.migration",
                        message_zh=f"用 {migration.name} 升级 {self.path} 失败。",
                    ) from None
                self._sql(f"PRAGMA user_version = {migration.version}")
            reached = pending[-1].version if pending else current
            self._sql(f"PRAGMA application_id = {APPLICATION_ID}")
            for key, value in (("application", APPLICATION), ("schema_version", str(reached))):
                self._sql(
                    "INSERT INTO cm_meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
            self._sql("COMMIT")
        except BaseException:
            self._quiet_rollback()
            raise
        return reached

    # ------------------------------------------------------------------ properties

    @property
    def schema_version(self) -> int:
        """The schema version of the file (``PRAGMA user_version``)."""
        return int(self._sql("PRAGMA user_version")[0][0])

    @property
    def journal_mode(self) -> str:
        """SQLite's journal mode of the file (``wal`` unless opened read-only before)."""
        return str(self._sql("PRAGMA journal_mode")[0][0])

    # ------------------------------------------------------------------ statements

    def _sql(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._connection.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            self._raise(error)

    def _sql_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            self._connection.executemany(sql, rows)
        except sqlite3.Error as error:
            self._raise(error)

    def _raise(self, error: sqlite3.Error) -> NoReturn:
        text = str(error)
        lower = text.lower()
        where = self.path
        if "locked" in lower or "busy" in lower:
            code, en, zh = (
                "store.busy",
                f"{where} stayed locked by another writer for {self._busy_timeout:g} s",
                f"{where} 被其他写入者锁定",
            )
        elif "readonly" in lower or "read-only" in lower:
            code, en, zh = (
                "store.read_only",
                f"{where} is read-only; nothing was written",
                f"{where} 为只读；未写入任何数据",
            )
        elif "full" in lower:
            code, en, zh = (
                "store.disk_full",
                f"the disk holding {where} is full (or its size limit is reached); "
                "this transaction was not written",
                f"{where} 所在磁盘已满；本事务未写入",
            )
        elif "not a database" in lower or "malformed" in lower or "corrupt" in lower:
            code, en, zh = (
                "store.corrupt",
                f"{where} is not a SQLite database or is damaged ({text})",
                f"{where} 不是 SQLite 数据库或已损坏",
            )
        elif "disk i/o" in lower or "unable to open" in lower:
            code, en, zh = ("store.io", f"{where} cannot be read or written ({text})", "读写失败")
        elif isinstance(error, sqlite3.IntegrityError):
            code, en, zh = ("store.integrity", f"{where} refused a change ({text})", "违反约束")
        else:
            code, en, zh = ("store.sql", f"{where}: SQLite reported: {text}", "数据库错误")
        raise StoreError(f"{en}.", code=code, message_zh=f"{zh}。") from None

    def _quiet_rollback(self) -> None:
        with suppress(sqlite3.Error):
            self._connection.execute("ROLLBACK")

    def _data_version(self) -> int:
        return int(self._sql("PRAGMA data_version")[0][0])

    def _sync(self) -> None:
        version = self._data_version()
        if version != self._seen_version:
            self._cache.clear()
            self._seen_version = version

    # ------------------------------------------------------------------ transactions

    def _db_begin(self) -> None:
        if self.read_only:
            raise StoreError(
                f"{self.path} was opened read-only; nothing was written.",
                code="store.read_only",
                message_zh=f"{self.path} 以只读方式打开；未写入任何数据。",
            )
        self._sql("BEGIN IMMEDIATE")
        self._counter_values = {}
        self._sync()

    def _db_commit(self) -> None:
        self._write_counters()
        self._sql("COMMIT")

    def _db_rollback(self) -> None:
        self._counter_values = {}
        if self._connection.in_transaction:
            self._quiet_rollback()

    def _db_close(self) -> None:
        self._connection.close()

    def _write_counters(self) -> None:
        if self._counter_values:
            values = [(v, k) for k, v in self._counter_values.items()]
            self._sql_many("UPDATE cm_counters SET value = ? WHERE name = ?", values)
            self._counter_values = {}

    def _take_number(self, counter: str) -> int:
        value = self._counter_values.get(counter)
        if value is None:
            value = int(self._sql("SELECT value FROM cm_counters WHERE name = ?", (counter,))[0][0])
        value += 1
        self._counter_values[counter] = value
        return value

    def _counters(self) -> dict[str, int]:
        self._write_counters()
        return {str(k): int(v) for k, v in self._sql("SELECT name, value FROM cm_counters")}

    def _restore_counters(self, counters: Mapping[str, int]) -> None:
        for name in _COUNTERS:
            if name in counters:
                self._counter_values[name] = int(counters[name])
        self._write_counters()

    @contextmanager
    def _snapshot_context(self) -> Iterator[None]:
        self._sql("BEGIN")
        try:
            yield
        finally:
            self._quiet_rollback()

    def _snapshot(self) -> AbstractContextManager[None]:
        return self._snapshot_context()

    def _in_list(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        return f"{column} IN ({', '.join('?' for _ in values)})", list(values)

    def _after_erase(self) -> None:
        # The write-ahead log still holds the pages as they were before the erasure: copy it
        # into the file and truncate it (a reader holding an old snapshot delays this until
        # the next checkpoint).
        if self.path != ":memory:":
            self._sql("PRAGMA wal_checkpoint(TRUNCATE)")

    # ------------------------------------------------------------------ backup

    def backup(self, path: str | os.PathLike[str]) -> Path:
        """Copy the store to a new file through SQLite's online backup API.

        The copy is one consistent snapshot of what was committed; writers (this process or
        others) continue meanwhile. The target must not exist yet. Returns its path.
        """
        self._check_open()
        target = Path(path)
        if target.exists():
            raise StoreError(
                f"The backup target {target} exists already; choose a new file.",
                code="store.backup",
                message_zh=f"备份目标 {target} 已存在；请指定新文件。",
            )
        if self.path == ":memory:":
            source = self._connection
        else:
            source = sqlite3.connect(
                f"file:{quote(os.path.abspath(self.path))}?mode=ro",
                uri=True,
                timeout=self._busy_timeout,
            )
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        except sqlite3.Error as error:
            target.unlink(missing_ok=True)
            raise StoreError(
                f"Backing up {self.path} to {target} failed: {error}.",
                code="store.backup",
                message_zh=f"备份 {self.path} 到 {target} 失败。",
            ) from None
        finally:
            if source is not self._connection:
                source.close()
        return target


def _choice(value: object, allowed: tuple[str, ...], name: str) -> str:
    text = str(value).lower()
    if text not in allowed:
        _option_error(f"{name} is one of {', '.join(allowed)}.")
    return text


def _number(value: object, default: float, name: str) -> float:
    if value is None:
        return default
    try:
        number = float(str(value))
    except ValueError:
        _option_error(f"{name} is a number.")
    if number < 0:
        _option_error(f"{name} is not negative.")
    return number
