"""The PostgreSQL implementation of the store's `Database` interface (asyncpg), for several bot processes.

The mixins' SQL is shared with SQLite where it is portable: this module turns ``?`` and ``:name`` placeholders
into ``$1, $2, …`` (a name used twice is one parameter) and drops SQLite's ``INDEXED BY`` plan hints (PostgreSQL
plans by itself). Statements that differ between the engines are written twice in the mixins, chosen by
``Database.dialect``. asyncpg's records are read like sqlite3.Row: by column name or by position.

Connections come from a pool; each write transaction runs on one connection at READ COMMITTED, and the
database's constraints (unique daily post per guild and date, one answer per post and member, one active quiz per
channel) keep every effect exactly-once even when several processes race. Migrations live in
``migrations/postgresql/NNNN_*.sql`` and are applied like SQLite's: pending files in one transaction (under an
advisory lock, so two processes starting together migrate once), the version kept in ``viva_schema``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.store.db import Database, Params, Row, Tx
from bot.store.errors import IntegrityViolation, StoreError
from bot.store.migrate import Migration, check_not_newer, latest_version, load_migrations

logger = logging.getLogger(__name__)

URL_SCHEMES = ("postgresql://", "postgres://")
MIGRATIONS = "migrations/postgresql"
_MIGRATION_LOCK = 0x56495641  # "VIVA": pg_advisory_xact_lock key held while migrating
_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS viva_schema (version INTEGER NOT NULL)"
_GET_VERSION = "SELECT coalesce(max(version), 0) FROM viva_schema"
_CLEAR_VERSION = "DELETE FROM viva_schema"
_SET_VERSION = "INSERT INTO viva_schema (version) VALUES ($1)"
_INTEGRITY = {
    "23505": "unique",
    "23503": "foreign_key",
    "23514": "check",
    "23502": "not_null",
}
# A placeholder outside quotes and comments: '…' strings, "…" names and -- comments are kept as they are.
_TOKENS = re.compile(
    r"'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*|::|\?|(?<![:\w]):([A-Za-z_]\w*)|\bINDEXED\s+BY\s+\w+\s*", re.I
)


def is_url(target: str) -> bool:
    """True when `target` names a PostgreSQL database (``postgresql://…``)."""
    return target.startswith(URL_SCHEMES)


def redact(url: str) -> str:
    """The URL without its password, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


@lru_cache(maxsize=512)
def translate(sql: str) -> tuple[str, tuple[str, ...] | int]:
    """SQL in PostgreSQL's form, and the parameters it takes: the names in ``$n`` order, or how many ``?``."""
    names: list[str] = []
    positional = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal positional
        token = m.group(0)
        if token == "?":
            positional += 1
            return f"${positional}"
        if m.group(1):
            name = m.group(1)
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"
        if token[:7].upper() == "INDEXED":
            return ""
        return token

    out = _TOKENS.sub(sub, sql)
    if names and positional:
        raise StoreError("a statement mixes ? and :name placeholders")
    return out, (tuple(names) if names else positional)


def bind(sql: str, params: Params) -> tuple[str, list[Any]]:
    """The translated statement and its arguments in ``$n`` order."""
    text, shape = translate(sql)
    if isinstance(shape, tuple):
        if not isinstance(params, dict):
            raise StoreError("named placeholders need a dict of parameters")
        return text, [params[name] for name in shape]
    if isinstance(params, dict):
        if shape:
            raise StoreError("? placeholders need a sequence of parameters")
        return text, []
    return text, list(params)


def integrity_error(exc: asyncpg.IntegrityConstraintViolationError) -> IntegrityViolation:
    """asyncpg's constraint error as the store's driver-neutral IntegrityViolation."""
    kind = _INTEGRITY.get(getattr(exc, "sqlstate", ""), "other")
    return IntegrityViolation(kind, getattr(exc, "constraint_name", None) or "", str(exc))


def _rowcount(status: str) -> int:
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PgTx(Tx):
    """Statements inside a PostgreSQL transaction on one pooled connection."""

    dialect = "postgresql"

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a write statement; return the number of rows it changed."""
        text, args = bind(sql, params)
        try:
            return _rowcount(await self.conn.execute(text, *args))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise integrity_error(exc) from exc

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one write statement for every parameter set."""
        batch = [bind(sql, row) for row in rows]
        if not batch:
            return
        try:
            await self.conn.executemany(batch[0][0], [args for _, args in batch])
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise integrity_error(exc) from exc

    async def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Bulk-insert rows with PostgreSQL's COPY protocol (for `db copy`: many times faster than INSERTs)."""
        try:
            await self.conn.copy_records_to_table(table, records=rows, columns=list(columns))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise integrity_error(exc) from exc

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a statement (SELECT or ... RETURNING) and return all rows."""
        text, args = bind(sql, params)
        try:
            return list(await self.conn.fetch(text, *args))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise integrity_error(exc) from exc


class PgDatabase(Database):
    """A pool of asyncpg connections to one PostgreSQL database."""

    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, path: str, version: int) -> None:
        self.pool = pool
        self.path = path
        self.version = version
        self.closed = False

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a read statement (on any pooled connection) and return all rows."""
        self._check_open()
        async with self.pool.acquire() as conn:
            return await PgTx(conn).fetchall(sql, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A READ COMMITTED transaction on one connection: COMMIT on success, ROLLBACK on any error."""
        self._check_open()
        async with self.pool.acquire() as conn, conn.transaction():
            yield PgTx(conn)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Tx]:
        """A read-only REPEATABLE READ transaction: several reads see one consistent state."""
        self._check_open()
        async with self.pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            yield PgTx(conn)

    async def close(self) -> None:
        """Wait for the pool's connections to be released, then close them."""
        if self.closed:
            return
        self.closed = True
        await self.pool.close()


async def schema_version(conn: asyncpg.Connection) -> int:
    """The schema version recorded in ``viva_schema`` (0 for an empty database)."""
    exists = await conn.fetchval("SELECT to_regclass('viva_schema') IS NOT NULL")
    return int(await conn.fetchval(_GET_VERSION)) if exists else 0


async def migrate(conn: asyncpg.Connection, name: str, migrations: Sequence[Migration]) -> int:
    """Apply every pending migration in one transaction (under an advisory lock); return the schema version."""
    known = latest_version(list(migrations))
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        await conn.execute(_VERSION_TABLE)
        current = int(await conn.fetchval(_GET_VERSION))
        check_not_newer(name, current, known)
        pending = [m for m in migrations if m.version > current]
        for mig in pending:
            logger.info("applying migration %s to %s", mig.name, name)
            await conn.execute(mig.sql)  # a whole file: asyncpg runs several statements without parameters
        if pending:
            await conn.execute(_CLEAR_VERSION)
            await conn.execute(_SET_VERSION, known)
    return known


async def connect(url: str, *, min_size: int = 1, max_size: int = 10) -> PgDatabase:
    """Open a pool to the database at `url`, refuse a newer schema and apply pending migrations."""
    name = redact(url)
    migrations = load_migrations(folder=MIGRATIONS)
    try:
        pool = await asyncpg.create_pool(url, min_size=min_size, max_size=max_size)
    except (OSError, asyncpg.PostgresError) as exc:
        raise StoreError(f"cannot connect to {name}: {exc}") from exc
    try:
        async with pool.acquire() as conn:
            version = await migrate(conn, name, migrations)
    except BaseException:
        await pool.close()
        raise
    logger.info("opened store %s (PostgreSQL, schema version %d)", name, version)
    return PgDatabase(pool, name, version)
