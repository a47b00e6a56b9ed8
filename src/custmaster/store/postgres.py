"""`PostgresStore`: the store in PostgreSQL (``postgresql://user@host:5432/db``), for many writers.

Needs psycopg 3: ``pip install 'custmaster[postgres]'``. The tables are those of
``_migrations/postgresql`` in the connection's schema (``?schema=name`` in the URL selects,
and creates if needed, another schema than the first of the ``search_path``).

Many importers, on one host or many, may ingest into one database at once. Each batch locks
every key its records can be resolved by (resident ID, USCC, document, policy number, plate,
VIN, phone, name with birth date; the record's own channel and source reference only for a
record with none of them), in one sorted statement, so two importers that could decide about
the same person take turns while all others proceed. A key's lock is a row lock on its row of
``cm_key_locks`` (the key's 64-bit hash), taken by ``INSERT … ON CONFLICT DO UPDATE … WHERE
false``: a key no transaction has locked before is inserted (another inserter of it waits for
the commit), one locked before has its row locked and left unchanged. Row locks are kept in
the rows, not in the server's shared lock table, so a transaction may lock as many keys as its
batch needs: a whole `SQLStore.bulk_ingest` batch is one transaction. (Up to schema 4 the keys
were advisory locks, which share a lock table of ``max_locks_per_transaction`` ×
``max_connections`` entries with every session; a transaction then held at most half of it,
about 870 records of a bulk load with the default settings.) Customer rows are locked
(``SELECT … FOR UPDATE``) before they change, and before a batch reads their index rows
ahead. ``UNIQUE (channel, source_ref)`` makes a duplicate record impossible even for code that
bypasses the locks; a deadlock or a unique violation rolls the batch back with
``store.conflict``, and `SQLStore.bulk_ingest` runs it again. Ids come from sequences (they
may have gaps; they never repeat). ``?max_locks=`` in the URL (or ``max_locks=``) caps the
keys one transaction locks: `SQLStore.bulk_ingest` then cuts a batch that needs more into
several transactions (by default a million keys: a batch of the default 20,000 records
locks about 50,000). A transaction that appends to the audit
log (`custmaster.store.BaseStore.append_audit`) holds an advisory lock on the log's head from
reading it until it ends, so that appends from many writers form one linear chain.

Opening a schema made by an older custmaster migrates it in one transaction, under an advisory
lock so that processes starting together do not race; a newer schema, or ``cm_`` tables that
are not custmaster's, raise `custmaster.StoreError`.

Bulk writes go in with ``COPY``, the log's and the index's at commit from a thread of the
store's own while the importer computes the customers' views (every other statement waits
for it). Index rows of customers whose stored rows the transaction knows are sent only when
missing; others that may be stored already go through a session staging table and
``INSERT … ON CONFLICT DO NOTHING``. Writes of a few rows go in with ``INSERT``. Inside a
transaction, statements that only write (``INSERT``, ``UPDATE``, ``DELETE`` without
``RETURNING``; not the key locks) are queued and sent together in pipeline mode before the
next statement that reads, a ``COPY`` or the commit: a merge's alias, decision and dropped
customer cost one round trip, not one each.
Between the transactions of `SQLStore.bulk_ingest` the store gathers the planner statistics
(``ANALYZE``) of the log, the index and the customers when a table has outgrown them
fourfold, since a batch's lookups are planned from them (autovacuum does it too, but late
in a bulk load into a new store, and never where it is off).
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from custmaster.errors import StoreError, UsageError
from custmaster.merge.rules import MergePolicy
from custmaster.model.source import SourceRecord
from custmaster.privacy.crypto import Keyring
from custmaster.store._sql import (
    APPLICATION,
    STATE_CACHE_SIZE,
    BulkResult,
    Migration,
    SQLStore,
    _lock_keys,
    lock_hash,
    migrations,
)

if TYPE_CHECKING:
    import psycopg

    from custmaster.resolve.candidates import CandidatePair, PairStatus
    from custmaster.resolve.decisions import Decision
    from custmaster.store.base import IngestResult

__all__ = ["ERROR_CODES", "SCHEMA_VERSION", "PostgresStore"]

#: Every error code this module raises (the shared ones are in `custmaster.store._sql`).
ERROR_CODES: dict[str, str] = {
    "store.adapter_missing": "psycopg is not installed: pip install 'custmaster[postgres]'.",
    "store.option": "A store URL option or keyword argument is unknown or has a bad value.",
    "store.lock_space": "The server's lock table was full (many importers at once); the "
    "batch was rolled back and is run again with fewer keys locked at once.",
    "store.in_transaction": "A maintenance call (prune_key_locks) was made inside a transaction.",
}

_MIGRATIONS = migrations("postgresql")

#: The schema version this custmaster writes and reads.
SCHEMA_VERSION = _MIGRATIONS[-1].version

_SEQUENCES = {
    "customer": "cm_customer_seq",
    "pair": "cm_pair_seq",
    "pair_saved": "cm_pair_saved_seq",
}
_ID_BLOCK = 128
_ARRAY_MARK = re.compile(r"\?(?=::\w+\[\])")
#: The tables whose lookups a bulk ingest plans; `PostgresStore._refresh_statistics`
#: gathers a table's statistics again once it holds at least `_STALE_ROWS` rows and
#: `_STALE_GROWTH` times as many as when they were gathered (the planner scales row counts
#: to a table's current size itself: what goes stale is what a small table showed).
_PLANNED_TABLES = ("cm_customers", "cm_index", "cm_records")
_STALE_ROWS = 1000
_STALE_GROWTH = 4
#: The fewest rows of the log or the index a ``COPY`` sends in the background.
_BACKGROUND_ROWS = 500
#: The fewest rows `PostgresStore._insert_rows` sends with ``COPY``.
_COPY_ROWS = 100
#: The session tables that COPY fills for statements that cannot take its rows directly
#: (`PostgresStore._stage`): created once per transaction if missing, so that a
#: transaction-mode pooler handing the next transaction another server session is served too.
_STAGING = {
    "cm_staged_index": (
        "CREATE TEMP TABLE IF NOT EXISTS cm_staged_index (kind text, key text, "
        "customer_id text, payload text, grp text, sealed text) ON COMMIT DELETE ROWS"
    ),
}
_BACKGROUND = frozenset({"cm_records", "cm_index"})
#: Statements that only write (no rows come back): inside a transaction they are queued and
#: sent together in pipeline mode before the next statement that reads, so that a merge's
#: writes (its alias, decision, dropped customer, pairs) cost one round trip, not one each.
_WRITE_ONLY = re.compile(r"\s*(?:INSERT|UPDATE|DELETE)\b(?!.*\bRETURNING\b)", re.DOTALL)
_MIGRATION_LOCK = "cm_migration"
_AUDIT_LOCK = "cm_audit_head"


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "The PostgreSQL store needs psycopg 3: pip install 'custmaster[postgres]'.",
            code="store.adapter_missing",
            message_zh="PostgreSQL 存储需要 psycopg 3：pip install 'custmaster[postgres]'。",
        ) from None
    return psycopg


def _masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PostgresStore(SQLStore):
    """The store in a PostgreSQL schema (see the module documentation)."""

    dialect: ClassVar[str] = "postgresql"
    _for_update: ClassVar[str] = " FOR UPDATE"
    _locks_keys: ClassVar[bool] = True
    # a batch's customers read ahead in one statement, not one per 400
    _in_chunk: ClassVar[int] = 50_000

    def __init__(
        self,
        url: str,
        *,
        policy: MergePolicy | None = None,
        cache_size: int = STATE_CACHE_SIZE,
        schema: str | None = None,
        connect_timeout: int = 10,
        max_locks: int | None = None,
        keyring: Keyring | None = None,
    ) -> None:
        driver = _psycopg()
        self._errors = driver.errors
        parts = urlsplit(url)
        scheme = parts.scheme.split("+", 1)[0].lower()
        if scheme not in ("postgresql", "postgres"):
            _option_error("A PostgreSQL store URL starts with postgresql://.")
        query = []
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if name == "schema":
                schema = schema or value
            elif name == "max_locks":
                max_locks = max_locks if max_locks is not None else _positive(value, name)
            else:
                query.append((name, value))
        if max_locks is not None:
            self.max_locks = _positive(max_locks, "max_locks")
        conninfo = urlunsplit(
            parts._replace(scheme="postgresql", query=urlencode(query, quote_via=quote))
        )
        self.schema = schema
        super().__init__(url, policy=policy, cache_size=cache_size, keyring=keyring)
        self._location = _masked(url)
        try:
            self._connection: psycopg.Connection[Any] = driver.connect(
                conninfo, autocommit=True, connect_timeout=connect_timeout
            )
        except driver.Error as error:
            raise StoreError(
                f"Cannot connect to {self._location}: {_first_line(error)}.",
                code="store.unavailable",
                message_zh=f"无法连接 {self._location}。",
            ) from None
        self._namespace = ""
        #: Of the transaction in progress (reset by `_db_begin`): the index rows stored of
        #: customers whose rows are all known (`_customer_rows`, `_insert_rows`), the keys
        #: `_lock` locked, the staging tables made sure of.
        self._stored: dict[str, set[tuple[Any, ...]]] = {}
        #: ``COPY`` of the log and the index sent by a thread of its own while the importer
        #: goes on (`_copy`); every other use of the connection waits for them first.
        self._writer: ThreadPoolExecutor | None = None
        self._writes: list[Future[None]] = []
        #: Write-only statements of the transaction not yet sent (`_WRITE_ONLY`).
        self._queued: list[tuple[str, Sequence[Any]]] = []
        self._locked: set[tuple[str, str]] = set()
        self._staged: set[str] = set()
        #: Whether the role may create the staging tables (``TEMPORARY`` on the database).
        self._can_stage = False
        #: The budget `_within_lock_budget` last cut a batch with, the pieces and their keys;
        #: the batch (or piece) being ingested and its keys.
        self._cut: tuple[int, list[list[Any]], list[set[tuple[str, str]]]] = (0, [], [])
        self._batch_locks: tuple[list[Any], set[tuple[str, str]]] | None = None
        try:
            self._open()
            self._check_sealing()
            self._can_stage = bool(
                self._sql("SELECT has_database_privilege(current_database(), 'TEMPORARY')")[0][0]
            )
        except BaseException:
            self._connection.close()
            raise

    # ------------------------------------------------------------------ opening

    def _where(self) -> str:
        return self._location

    def _open(self) -> None:
        if self.schema:
            if not self._sql("SELECT 1 FROM pg_namespace WHERE nspname = ?", (self.schema,)):
                self._sql(f"CREATE SCHEMA IF NOT EXISTS {_quote_ident(self.schema)}")
            self._sql(f"SET search_path TO {_quote_ident(self.schema)}")
        rows = self._sql("SELECT current_database(), current_schema()")
        database, schema = rows[0]
        if schema is None:
            raise StoreError(
                f"{self._location}: no schema of the search_path exists; name one with ?schema=.",
                code="store.option",
                message_zh=f"{self._location}：search_path 中没有存在的模式；请用 ?schema= 指定。",
            )
        self._namespace = f"{database}.{schema}"
        # psycopg prepares a statement run five times; PostgreSQL may then switch it to a
        # generic plan, which for ``key = ANY($2)`` scans the whole kind. Plan each run.
        self._sql("SET plan_cache_mode = force_custom_plan")
        self.migrate(_MIGRATIONS)

    def migrate(self, scripts: Sequence[Migration]) -> int:
        """Bring the schema to the newest of ``scripts`` in one transaction (see the module
        documentation); returns the schema version reached."""
        self._sql("BEGIN")
        try:
            self._sql(
                "SELECT pg_advisory_xact_lock(?)",
                (lock_hash(self._namespace, _MIGRATION_LOCK, ""),),
            )
            current = self._schema_version()
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"{self._location} (schema {self._namespace}) was written by a newer "
                    f"custmaster (schema {current}; this one reads up to {SCHEMA_VERSION}): "
                    "upgrade custmaster to open it.",
                    code="store.newer_schema",
                    message_zh=f"{self._location} 由更新版本的 custmaster 写入：请升级。",
                )
            pending = [m for m in scripts if m.version > current]
            for migration in pending:
                try:
                    self._sql(migration.sql)
                except StoreError as error:
                    raise StoreError(
                        f"Migrating {self._location} with {migration.name} failed: {error.message}",
                        code="store.migration",
                        message_zh=f"用 {migration.name} 升级 {self._location} 失败。",
                    ) from None
            reached = pending[-1].version if pending else current
            if pending:
                for key, value in (("application", APPLICATION), ("schema_version", str(reached))):
                    self._sql(
                        "INSERT INTO cm_meta (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (key, value),
                    )
            self._sql("COMMIT")
        except BaseException:
            self._db_rollback()
            raise
        return reached

    def _schema_version(self) -> int:
        tables = {
            str(name)
            for (name,) in self._sql(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name LIKE 'cm\\_%'"
            )
        }
        if not tables:
            return 0
        if "cm_meta" not in tables:
            raise self._foreign(f"cm_ tables without cm_meta ({len(tables)} tables)")
        meta = dict(self._sql("SELECT key, value FROM cm_meta"))
        if meta.get("application") != APPLICATION:
            raise self._foreign("cm_meta does not name custmaster")
        try:
            return int(meta["schema_version"])
        except (KeyError, ValueError):
            raise self._foreign("cm_meta has no schema version") from None

    def _foreign(self, why: str) -> StoreError:
        return StoreError(
            f"The schema {self._namespace} at {self._location} holds tables that are not a "
            f"custmaster store: {why}.",
            code="store.foreign",
            message_zh=f"{self._location} 的模式 {self._namespace} 中的表不是 custmaster 存储。",
        )

    @property
    def schema_version(self) -> int:
        """The schema version recorded in ``cm_meta``."""
        return int(self._sql("SELECT value FROM cm_meta WHERE key = 'schema_version'")[0][0])

    def prune_key_locks(self, *, chunk: int = 100_000) -> int:
        """Delete the rows of ``cm_key_locks`` that no transaction holds now; how many.

        A key's row stays after the transaction that locked it ends (see the module
        description), so the table grows with every key ever locked. A row no one holds
        locks nothing: deleting it loses nothing, and the next ingest of the key inserts it
        again. Safe while importers run: rows they hold are skipped (``SKIP LOCKED``), and an
        importer that meets a row being deleted inserts it afresh. Deletes in transactions of
        ``chunk`` rows, so it never holds many locks itself. Run it from time to time (after
        a big load, or nightly); it is not run by ingests, which would pay for deleting and
        inserting again the rows of keys they lock repeatedly.
        """
        self._check_open()
        if self._tx is not None:
            raise UsageError(
                "prune_key_locks runs outside a transaction.",
                code="store.in_transaction",
                message_zh="prune_key_locks 不能在事务中运行。",
            )
        size = _positive(chunk, "chunk")
        removed = 0
        while True:
            rows = self._sql(
                "WITH gone AS (DELETE FROM cm_key_locks WHERE h IN (SELECT h FROM cm_key_locks "
                "LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING 1) SELECT count(*) FROM gone",
                (size,),
            )
            count = int(rows[0][0])
            removed += count
            if count < size:
                return removed

    # ------------------------------------------------------------------ planner statistics

    def _ingest_batch(
        self,
        batch: list[SourceRecord | Mapping[str, Any]],
        result: BulkResult,
        offset: int,
        on_batch: Callable[[Sequence[IngestResult]], object] | None,
        attempts: int,
    ) -> None:
        if self._tx is None:
            self._refresh_statistics()
        piece = any(batch is cut for cut in self._cut[1])
        try:
            super()._ingest_batch(batch, result, offset, on_batch, attempts)
        finally:
            self._batch_locks = None
            if not piece:  # the whole batch is done: its pieces are not kept
                self._cut = (0, [], [])

    def _refresh_statistics(self) -> None:
        """``ANALYZE`` the tables a bulk ingest looks up whose statistics are far off: never
        gathered, or gathered when they held a quarter of their rows or less (updates, as of
        the customers' views, change little of what the planner needs: rows are counted).

        The lookups of a batch (``key = ANY(…)`` over hundreds of keys) are planned with the
        statistics; without them PostgreSQL guesses, and for a store filling up it guesses a
        scan of a whole index kind or of the log's channel: 5–10 times the server time of an
        index lookup per key. Autovacuum gathers them eventually, but not during the first
        minutes of a bulk load into a new store, and not at all where it is off. Run outside
        any transaction, with ``SKIP_LOCKED`` (an importer never waits for another's
        ``ANALYZE``); a role that does not own the tables gets a warning and nothing happens.
        """
        rows = self._sql(
            "SELECT s.relname, s.n_live_tup, c.reltuples FROM pg_stat_user_tables s "
            "JOIN pg_class c ON c.oid = s.relid WHERE s.schemaname = current_schema() "
            "AND s.relname = ANY(?::text[])",
            (list(_PLANNED_TABLES),),
        )
        stale = [
            str(name)
            for name, live, known in rows
            if live >= max(_STALE_ROWS, _STALE_GROWTH * float(known))
        ]
        if stale:
            with suppress(StoreError):  # statistics are an optimisation: never fail an ingest
                self._sql(f"ANALYZE (SKIP_LOCKED) {', '.join(sorted(stale))}")

    # ------------------------------------------------------------------ statements

    _converted: ClassVar[dict[str, str]] = {}

    def _prepare_sql(self, sql: str) -> str:
        """``?`` placeholders as psycopg's: arrays (``?::text[]``) sent in binary, which
        psycopg dumps many times faster than text arrays."""
        converted = self._converted.get(sql)
        if converted is None:
            escaped = sql.replace("%", "%%")
            converted = _ARRAY_MARK.sub("%b", escaped).replace("?", "%s")
            self._converted[sql] = converted
        return converted

    def _sql(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self._tx is not None and _write_only(sql):
            self._queued.append((sql, params))
            return []
        if self._writes:
            self._await_writes()
        if self._queued:
            self._send_queued()
        try:
            if params:
                cursor = self._connection.execute(self._prepare_sql(sql), params)
            else:
                cursor = self._connection.execute(sql)
            return cursor.fetchall() if cursor.description is not None else []
        except Exception as error:
            self._raise(error)

    def _send_queued(self) -> None:
        """The queued write-only statements sent in one pipeline (one round trip); the first
        that fails fails the transaction, as it would have failed alone."""
        queued = self._queued
        self._queued = []
        connection = self._connection
        try:
            with connection.pipeline():
                for sql, params in queued:
                    if params:
                        connection.execute(self._prepare_sql(sql), params)
                    else:
                        connection.execute(sql)
        except Exception as error:
            self._raise(error)

    def _sql_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._await_writes()
        if self._queued:
            self._send_queued()
        try:
            with self._connection.cursor() as cursor:
                cursor.executemany(self._prepare_sql(sql), rows)
        except Exception as error:
            self._raise(error)

    def _insert_rows(
        self,
        table: str,
        columns: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[Any]],
        *,
        ignore_duplicates: bool = False,
    ) -> None:
        """Rows sent with ``COPY``, the cheapest way in for both sides (psycopg formats binary
        rows in C; the server skips the executor): an ``INSERT`` from arrays costs the
        importer about 1–2 µs a row and the server 5, ``COPY`` 0.2 and 2. Fewer than
        `_COPY_ROWS` rows (a write sent early, before a merge reads the table) go in with
        that ``INSERT``: one round trip where ``COPY`` takes two or three.

        Index rows (``ignore_duplicates``: one already stored is kept once) of a customer
        whose stored rows are known (`_stored`: read ahead under its row lock, or numbered
        in this transaction) are left out when stored and sent directly when not; those of
        other customers go in with ``INSERT … ON CONFLICT DO NOTHING`` from a staging table.
        A bulk load sends most rows of a customer again with each record (its name, its
        phone): measured on 20,000 records, 112,000 rows sent for 77,000 stored, and the
        conflict check cost the server more than the insert.
        """
        if not ignore_duplicates:
            if len(rows) < _COPY_ROWS:
                self._insert_arrays(table, columns, rows, conflict="")
            else:
                self._copy(table, columns, rows)
            return
        if table != "cm_index":  # pragma: no cover - cm_index is the only such table
            raise ValueError(table)
        direct: list[Sequence[Any]] = []
        checked: list[Sequence[Any]] = []
        known = self._stored
        fresh = () if self._tx is None else self._tx.fresh
        for row in rows:
            owner = row[2]
            stored = known.get(owner)
            if stored is None:
                if owner not in fresh:
                    checked.append(row)
                    continue
                stored = known[owner] = set()  # numbered here, not yet written: no rows
            whole = tuple(row[:5])
            if whole not in stored:
                stored.add(whole)
                direct.append(row)
        if len(direct) >= _COPY_ROWS:
            self._copy(table, columns, direct)
        else:
            checked += direct
        if len(checked) < _COPY_ROWS or not self._can_stage:
            if checked:
                self._insert_arrays(table, columns, checked, conflict=" ON CONFLICT DO NOTHING")
        else:
            self._stage("cm_staged_index", columns, checked)
            names = ", ".join(name for name, _ in columns)
            self._sql(
                f"WITH s AS (DELETE FROM cm_staged_index RETURNING {names}) "
                f"INSERT INTO cm_index ({names}) SELECT {names} FROM s ON CONFLICT DO NOTHING"
            )

    def _insert_arrays(
        self,
        table: str,
        columns: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[Any]],
        *,
        conflict: str,
    ) -> None:
        names = ", ".join(name for name, _ in columns)
        arrays = ", ".join(f"?::{kind}[]" for _, kind in columns)
        self._sql(
            f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}){conflict}",
            [list(column) for column in zip(*rows, strict=True)],
        )

    def _copy(
        self, table: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]
    ) -> None:
        if self._queued:  # sent before the rows: a queued DELETE must not meet them
            self._await_writes()
            self._send_queued()
        if self._tx is not None and len(rows) >= _BACKGROUND_ROWS and table in _BACKGROUND:
            if self._writer is None:
                self._writer = ThreadPoolExecutor(1, thread_name_prefix="custmaster-copy")
            self._writes.append(self._writer.submit(self._copy_now, table, columns, rows))
            return
        self._await_writes()
        self._copy_now(table, columns, rows)

    def _await_writes(self) -> None:
        writes = self._writes
        if not writes:
            return
        self._writes = []
        failed: BaseException | None = None
        for write in writes:
            try:
                write.result()
            except BaseException as error:
                failed = failed or error
        if failed is not None:
            raise failed

    def _copy_now(
        self, table: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]
    ) -> None:
        names = ", ".join(name for name, _ in columns)
        try:
            with (
                self._connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types([kind for _, kind in columns])
                for row in rows:
                    copy.write_row(row)
        except Exception as error:
            self._raise(error)

    def _stage(
        self, table: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]
    ) -> None:
        """``rows`` copied into the session's staging table ``table`` (made in the first
        transaction that needs it on the connection; emptied by each statement reading it
        and at the latest by the commit)."""
        if table not in self._staged:
            self._sql(_STAGING[table])
            self._staged.add(table)
        self._copy(table, columns, rows)

    def _customer_rows(self, customers: Sequence[str]) -> list[tuple[Any, ...]]:
        """All index rows of ``customers`` (locked by `SQLStore._prefetch_states` before),
        in one statement; they are `_stored` until this transaction ends."""
        if not customers:
            return []
        array, param = _text_array(customers)
        rows = self._sql(
            "SELECT customer_id, kind, key, payload, grp, sealed FROM cm_index "
            f"WHERE customer_id = ANY({array})",
            [param],
        )
        known = self._stored
        for customer_id in customers:
            known[customer_id] = set()
        for customer_id, kind, key, payload, grp, _ in rows:
            known[customer_id].add((kind, key, customer_id, payload, grp))
        return rows

    def _take_index_rows(self, customer_id: str) -> Sequence[Sequence[Any]]:
        return list(
            self._run(
                "DELETE FROM cm_index WHERE customer_id = ? RETURNING kind, key, grp, sealed",
                (customer_id,),
            )
        )

    def _index_drop(self, customer_id: str) -> None:
        """As `SQLStore._index_drop`; none of the customer's index rows is stored any more."""
        super()._index_drop(customer_id)
        self._stored[customer_id] = set()

    def _delete_index_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        known = self._stored
        for row in rows:
            stored = known.get(row[2])
            if stored is not None:
                stored.discard(tuple(row[:5]))
        self._sql(
            "DELETE FROM cm_index WHERE (kind, key, customer_id, payload, grp) IN "
            "(SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]))",
            [list(column) for column in zip(*rows, strict=True)],
        )

    def _update_customers(self, rows: Sequence[tuple[int, str, str]]) -> None:
        self._sql(
            "UPDATE cm_customers AS c SET version = c.version + 1, size = u.size, "
            "state = u.state FROM unnest(?::bigint[], ?::text[], ?::text[]) AS u(size, state, id) "
            "WHERE c.id = u.id",
            [list(column) for column in zip(*rows, strict=True)],
        )

    def _raise(self, error: Exception) -> NoReturn:
        errors = self._errors
        where = self._location
        if isinstance(error, StoreError):
            raise error
        sqlstate = getattr(error, "sqlstate", None) or ""
        if isinstance(
            error, (errors.DeadlockDetected, errors.SerializationFailure, errors.UniqueViolation)
        ):
            code, en, zh = (
                "store.conflict",
                f"a concurrent transaction on {where} conflicted with this one ({sqlstate}); "
                "it was rolled back and may be run again",
                f"{where} 上的并发事务冲突；本事务已回滚，可重试",
            )
        elif isinstance(error, errors.LockNotAvailable):
            code, en, zh = ("store.busy", f"{where} is locked by another writer", "被锁定")
        elif sqlstate == "53200":
            code, en, zh = (
                "store.lock_space",
                f"the server of {where} ran out of lock space (too many importers holding key "
                "locks at once): retry, use fewer importers or a smaller max_locks, or raise "
                "max_locks_per_transaction",
                f"{where} 的服务器锁空间不足；请重试、减少导入进程或调大 max_locks_per_transaction",
            )
        elif isinstance(error, errors.ReadOnlySqlTransaction):
            code, en, zh = (
                "store.read_only",
                f"{where} is read-only; nothing was written",
                f"{where} 为只读；未写入任何数据",
            )
        elif isinstance(error, errors.DiskFull):
            code, en, zh = (
                "store.disk_full",
                f"the server of {where} has no disk space; this transaction was not written",
                f"{where} 的服务器磁盘已满；本事务未写入",
            )
        elif isinstance(error, self._errors.OperationalError) and not sqlstate:
            code, en, zh = (
                "store.unavailable",
                f"the connection to {where} failed ({_first_line(error)})",
                f"与 {where} 的连接失败",
            )
        else:
            code, en, zh = (
                "store.sql",
                f"{where}: PostgreSQL reported {sqlstate or type(error).__name__}: "
                f"{_first_line(error)}",
                "数据库错误",
            )
        raise StoreError(f"{en}.", code=code, message_zh=f"{zh}。") from None

    # ------------------------------------------------------------------ transactions

    def _db_begin(self) -> None:
        self._queued = []
        self._sql("BEGIN")
        self._stored = {}
        self._locked = set()
        self._staged = set()

    def _db_commit(self) -> None:
        self._sql("COMMIT")

    def _db_rollback(self) -> None:
        self._queued = []
        with suppress(Exception):  # a write that failed is rolled back with the rest
            self._await_writes()
        with suppress(Exception):  # a broken connection rolls back by itself
            self._connection.execute("ROLLBACK")

    def _db_close(self) -> None:
        with suppress(Exception):
            self._await_writes()
        if self._writer is not None:
            self._writer.shutdown()
            self._writer = None
        self._connection.close()

    def _lock(self, keys: Collection[tuple[str, str]]) -> None:
        tx = self._tx
        if tx is None:
            return
        locked = self._locked
        # most calls (an index entry written) name keys locked already: known without hashing
        keys = [key for key in keys if key not in locked]
        if not keys:
            return
        namespace = self._namespace
        wanted = sorted({lock_hash(namespace, family, key) for family, key in keys} - tx.locks)
        if wanted:
            # a new key's row makes other inserters of it wait for this transaction; an
            # existing row is locked (DO UPDATE locks the rows it meets even where WHERE is
            # false) and left as it is
            self._sql(
                "INSERT INTO cm_key_locks (h) SELECT h FROM "
                "unnest(string_to_array(?, ',')::bigint[]) AS t(h) ORDER BY h "
                "ON CONFLICT (h) DO UPDATE SET h = excluded.h WHERE false",
                (",".join(map(str, wanted)),),
            )
            tx.locks.update(wanted)
        locked.update(keys)

    def _within_lock_budget(
        self, batch: list[SourceRecord | Mapping[str, Any]]
    ) -> list[list[SourceRecord | Mapping[str, Any]]]:
        """``batch`` cut, in order, into pieces that each lock at most `max_locks` keys, in
        one pass (each record's keys are compared with the piece's, not the piece's copied);
        a piece cut here with the same budget is not cut again when `SQLStore._ingest_batch`
        is handed it."""
        budget = self.max_locks
        cut, pieces_cut, keys_cut = self._cut
        if cut == budget:
            for piece, keys in zip(pieces_cut, keys_cut, strict=True):
                if batch is piece:
                    self._batch_locks = (batch, keys)
                    return [batch]
        pieces: list[list[SourceRecord | Mapping[str, Any]]] = [[]]
        keys = set()
        key_sets = [keys]
        for item in batch:
            mine = _record_locks(item) if isinstance(item, SourceRecord) else []
            new = {key for key in mine if key not in keys}
            if pieces[-1] and len(keys) + len(new) > budget:
                pieces.append([])
                keys = set()
                key_sets.append(keys)
                new = set(mine)
            pieces[-1].append(item)
            keys.update(new)
        if len(pieces) > 1:
            self._cut = (budget, pieces, key_sets)
        else:
            self._cut = (budget, [], [])
            self._batch_locks = (batch, keys)
        return pieces

    def _lock_batch(self, records: Sequence[SourceRecord]) -> None:
        """As `SQLStore._lock_batch`, with `_record_locks`, and without computing them again
        for the records of the batch `_within_lock_budget` cut last (`bulk_ingest`)."""
        cut = self._batch_locks
        if cut is not None:
            batch, keys = cut
            sources = [item for item in batch if type(item) is SourceRecord]
            if len(sources) == len(records) and all(map(operator.is_, sources, records)):
                self._lock(keys)
                return
        wanted: set[tuple[str, str]] = set()
        for record in records:
            wanted.update(_record_locks(record))
        self._lock(wanted)

    def _decision_between(self, key: tuple[str, str]) -> Decision | None:
        """As `SQLStore._decision_between`, without a query when one of the two customers
        was numbered in this transaction: a decision naming it can only have been made in
        this transaction, and those are known (``decided``)."""
        tx = self._tx
        if tx is not None and key not in tx.decided and not tx.fresh.isdisjoint(key):
            tx.decided[key] = None
            return None
        return super()._decision_between(key)

    def _pairs(
        self, status: PairStatus | None, customer_id: str | None = None
    ) -> list[CandidatePair]:
        """As `SQLStore._pairs`, without a query for a customer numbered in this transaction
        and named by no pair saved since (``pair_free``): it has none."""
        tx = self._tx
        if tx is not None and customer_id is not None and customer_id in tx.pair_free:
            return []
        return super()._pairs(status, customer_id)

    def _lock_audit(self) -> None:
        # one writer at a time from reading the audit head to commit: the chain stays linear
        self._sql("SELECT pg_advisory_xact_lock(?)", (lock_hash(self._namespace, _AUDIT_LOCK, ""),))

    def _take_number(self, counter: str) -> int:
        sequence = _SEQUENCES[counter]
        tx = self._tx
        if counter != "pair_saved" and self._bulk and tx is not None:
            rows = self._sql(f"SELECT nextval('{sequence}') FROM generate_series(1, {_ID_BLOCK})")
            numbers = [int(n) for (n,) in rows]
            numbers.reverse()
            number = numbers.pop()
            tx.numbers[counter] = numbers
            return number
        return int(self._sql(f"SELECT nextval('{sequence}')")[0][0])

    def _saved_mark(self) -> tuple[str, list[Any]]:
        return f"nextval('{_SEQUENCES['pair_saved']}')", []

    def _counters(self) -> dict[str, int]:
        found = {}
        for name, sequence in _SEQUENCES.items():
            last, called = self._sql(f"SELECT last_value, is_called FROM {sequence}")[0]
            found[name] = int(last) if called else 0
        return found

    def _restore_counters(self, counters: Mapping[str, int]) -> None:
        for name, sequence in _SEQUENCES.items():
            value = int(counters.get(name, 0))
            self._sql(f"SELECT setval('{sequence}', ?, ?)", (max(value, 1), value > 0))

    @contextmanager
    def _snapshot_context(self) -> Iterator[None]:
        self._sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield
        finally:
            self._db_rollback()

    def _snapshot(self) -> AbstractContextManager[None]:
        return self._snapshot_context()

    def _in_list(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        array, param = _text_array(values)
        return f"{column} = ANY({array})", [param]

    def _pair_rows(
        self, select: str, columns: tuple[str, str], pairs: Sequence[tuple[str, str]]
    ) -> list[tuple[Any, ...]]:
        """One query for all ``pairs`` (a semi-join with their arrays): where one query per
        index kind and chunk of 400 keys cost the server 2.4 times as much."""
        if not pairs:
            return []
        firsts, seconds = _text_array([a for a, _ in pairs]), _text_array([b for _, b in pairs])
        return self._sql(
            f"{select} WHERE ({columns[0]}, {columns[1]}) IN "
            f"(SELECT * FROM unnest({firsts[0]}, {seconds[0]}))",
            [firsts[1], seconds[1]],
        )


@functools.cache
def _write_only(sql: str) -> bool:
    """Whether ``sql`` only writes (`_WRITE_ONLY`); a key lock is not (it waits for the key,
    and a transaction reads nothing until it holds it)."""
    return _WRITE_ONLY.match(sql) is not None and "cm_key_locks" not in sql


def _record_locks(record: SourceRecord) -> list[tuple[str, str]]:
    """`_lock_keys` without the record's own key when it has others: an importer holding
    those has the record to itself among importers of the same record, and where the same
    key comes with other fields, ``UNIQUE (channel, source_ref)`` refuses the second (a
    ``store.conflict``, run again). One lock fewer a record lets more records into a
    transaction under the lock budget."""
    keys = _lock_keys(record)
    if len(keys) > 1:
        return [key for key in keys if key[0] != "record"]
    return keys


_SEPARATOR = "\x1f"


def _text_array(values: Sequence[Any]) -> tuple[str, Any]:
    """An SQL text array of ``values`` and its parameter: one string split by the server
    where no value holds the separator (the importer joins it in C; psycopg dumps a list
    element by element in Python, about 1 µs each), else the list itself."""
    try:
        joined = _SEPARATOR.join(values)
    except TypeError:  # a NULL among them
        return "?::text[]", list(values)
    if joined and joined.count(_SEPARATOR) == len(values) - 1:
        return "string_to_array(?, chr(31))", joined
    return "?::text[]", list(values)


def _positive(value: object, name: str) -> int:
    try:
        number = int(str(value))
    except ValueError:
        _option_error(f"{name} is a positive whole number.")
    if number < 1:
        _option_error(f"{name} is a positive whole number.")
    return number


def _first_line(error: BaseException) -> str:
    primary = getattr(getattr(error, "diag", None), "message_primary", None)
    text = primary or str(error) or type(error).__name__
    return text.splitlines()[0][:200]


def _option_error(message: str) -> NoReturn:
    raise StoreError(message, code="store.option", message_zh=f"存储选项错误：{message}")
