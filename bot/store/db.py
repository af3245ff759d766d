"""The database interface the store's mixins use (`Database`, `Tx`), its SQLite implementation (one connection:
opening, pragmas, the access lock, transactions) and value conversions. PostgreSQL's is in bot/store/pg.py."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosqlite

from bot.store.errors import IntegrityViolation, StoreClosed, StoreError
from bot.store.migrate import check_not_newer, latest_version, load_migrations, migrate, schema_version

logger = logging.getLogger(__name__)

MIN_SQLITE = (3, 37, 0)  # STRICT tables (3.37), RETURNING (3.35)
BUSY_TIMEOUT_MS = 5000
_BUSY_TIMEOUT_SQL = f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}"  # a constant int: pragmas take no parameters
Synchronous = Literal["NORMAL", "FULL", "EXTRA"]
# Pragma values cannot be bound; only these fixed statements are ever run.
_SYNCHRONOUS_SQL: dict[str, str] = {
    "NORMAL": "PRAGMA synchronous = NORMAL",
    "FULL": "PRAGMA synchronous = FULL",
    "EXTRA": "PRAGMA synchronous = EXTRA",
}

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")


class Row(Protocol):
    """A result row, by column name or position (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: int | str, /) -> Any: ...


_INTEGRITY_KINDS = {"UNIQUE": "unique", "FOREIGN KEY": "foreign_key", "CHECK": "check", "NOT NULL": "not_null"}


def integrity_error(exc: sqlite3.IntegrityError) -> IntegrityViolation:
    """SQLite's IntegrityError as the store's driver-neutral IntegrityViolation."""
    text = str(exc)
    head, _, detail = text.partition(" constraint failed")
    return IntegrityViolation(_INTEGRITY_KINDS.get(head, "other"), detail.lstrip(": "), text)


def to_us(dt: datetime) -> int:
    """A timezone-aware datetime as integer microseconds since the epoch (exact)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware (UTC), got naive {dt!r}")
    return (dt - EPOCH) // _MICRO


def to_us_opt(dt: datetime | None) -> int | None:
    """`to_us` that passes None through."""
    return None if dt is None else to_us(dt)


def from_us(us: int) -> datetime:
    """Integer epoch microseconds back to an aware UTC datetime."""
    return EPOCH + timedelta(microseconds=us)


def from_us_opt(us: int | None) -> datetime | None:
    """`from_us` that passes None through."""
    return None if us is None else from_us(us)


def date_text(d: date) -> str:
    """A date as 'YYYY-MM-DD' (the stored form, sortable as text)."""
    if isinstance(d, datetime) or not isinstance(d, date):
        raise ValueError(f"expected a datetime.date, got {d!r}")
    return d.isoformat()


def date_opt(text: str | None) -> date | None:
    """Stored 'YYYY-MM-DD' text back to a date."""
    return None if text is None else date.fromisoformat(text)


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`; ValueError if unknown."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"not a time zone name: {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


Dialect = Literal["sqlite", "postgresql"]


class Tx(ABC):
    """Statements inside a transaction that the caller already holds."""

    dialect: ClassVar[Dialect]

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a write statement; return the number of rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one write statement for every parameter set."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a statement (SELECT or ... RETURNING) and return all rows."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a statement and return its first row, or None."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None


class Database(ABC):
    """What the store's mixins talk to: reads, write transactions and read snapshots, on SQLite or PostgreSQL.

    SQL uses ``?`` or ``:name`` placeholders; statements whose text differs between the engines are chosen by
    ``dialect`` in the mixins.
    """

    dialect: ClassVar[Dialect]
    path: str  # what to call the database in messages (a file, or a URL without its password)
    version: int  # the schema version
    closed: bool

    def _check_open(self) -> None:
        if self.closed:
            raise StoreClosed

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a read statement and return all rows."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a read statement and return its first row, or None."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """A write transaction: COMMIT on success, ROLLBACK on any error."""

    @abstractmethod
    def snapshot(self) -> AbstractAsyncContextManager[Tx]:
        """A read transaction, so several reads see one consistent state."""

    @abstractmethod
    async def close(self) -> None:
        """Close the connection(s); later calls raise StoreClosed."""


class SqliteDatabase(Database):
    """One aiosqlite connection guarded by one asyncio lock.

    Every statement runs while holding the lock, so a read never sees another coroutine's uncommitted
    writes on this shared connection, and a transaction's statements are never interleaved with others'.
    """

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: str, version: int) -> None:
        self.conn = conn
        self.path = path
        self.version = version
        self.lock = asyncio.Lock()
        self.closed = False

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a read statement and return all rows."""
        self._check_open()
        async with self.lock:
            try:
                return list(await self.conn.execute_fetchall(sql, params))
            except sqlite3.IntegrityError as exc:
                raise integrity_error(exc) from exc

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """Hold the lock and an IMMEDIATE write transaction; COMMIT on success, ROLLBACK on any error."""
        self._check_open()
        async with self.lock:
            self._check_open()
            try:
                # BEGIN inside the try: a task cancelled while BEGIN runs (it still runs, in aiosqlite's thread)
                # must not leave a transaction open behind the lock.
                await self.conn.execute("BEGIN IMMEDIATE")
                yield SqliteTx(self.conn)
                await self.conn.execute("COMMIT")
            except BaseException:
                await rollback(self.conn)
                raise

    async def run_transaction(self, work: Callable[[SqliteSyncTx], T]) -> T:
        """Run ``work`` as one IMMEDIATE write transaction in a single call on the connection's own thread.

        BEGIN, every statement of ``work``, and COMMIT (or ROLLBACK when anything raises) cost one hand-off to
        aiosqlite's worker thread instead of one event-loop turn per statement, and nothing else can run on the
        connection in between. ``work`` runs on that thread: it must be synchronous and touch only its ``tx``.
        """
        self._check_open()
        async with self.lock:
            self._check_open()
            # aiosqlite has no public way to run a callable on its thread; `_execute` is the one it uses itself
            # for every statement since 0.1 (tests/store cover this path, so an upgrade that drops it fails there).
            result: T = await self.conn._execute(self._in_transaction, work)
            return result

    def _in_transaction(self, work: Callable[[SqliteSyncTx], T]) -> T:
        """On aiosqlite's thread: BEGIN IMMEDIATE, ``work``, COMMIT; ROLLBACK on any error."""
        conn: sqlite3.Connection = self.conn._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = work(SqliteSyncTx(conn))
            conn.execute("COMMIT")
        except BaseException:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.OperationalError as exc:  # e.g. the failed COMMIT already ended it
                logger.debug("rollback: %s", exc)
            raise
        return result

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Tx]:
        """Hold the lock and a read transaction, so several reads see one consistent state."""
        self._check_open()
        async with self.lock:
            self._check_open()
            try:
                await self.conn.execute("BEGIN")
                yield SqliteTx(self.conn)
            finally:
                await rollback(self.conn)

    async def close(self) -> None:
        """Checkpoint the WAL into the main file, truncate it, and close the connection."""
        if self.closed:
            return
        async with self.lock:
            self.closed = True
            try:
                await rollback(self.conn)  # nothing may be left open, or the checkpoint cannot run
                rows = list(await self.conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)"))
                if rows and rows[0][0]:
                    logger.warning("WAL checkpoint of %s was blocked by another connection", self.path)
            finally:
                await self.conn.close()


class SqliteTx(Tx):
    """Statements inside a SQLite transaction that the caller already holds (no locking here)."""

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a write statement; return the number of rows it changed."""
        try:
            cursor = await self.conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise integrity_error(exc) from exc
        count = cursor.rowcount
        await cursor.close()
        return count

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one write statement for every parameter set."""
        try:
            cursor = await self.conn.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise integrity_error(exc) from exc
        await cursor.close()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a statement (SELECT or ... RETURNING) and return all rows."""
        try:
            return list(await self.conn.execute_fetchall(sql, params))
        except sqlite3.IntegrityError as exc:
            raise integrity_error(exc) from exc


class SqliteSyncTx:
    """Statements inside a SQLite transaction, run synchronously on the connection's worker thread
    (see `SqliteDatabase.run_transaction`)."""

    dialect: ClassVar[Dialect] = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run a write statement; return the number of rows it changed."""
        try:
            return self.conn.execute(sql, params).rowcount
        except sqlite3.IntegrityError as exc:
            raise integrity_error(exc) from exc

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one write statement for every parameter set."""
        try:
            self.conn.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise integrity_error(exc) from exc

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a statement (SELECT or ... RETURNING) and return all rows."""
        try:
            return list(self.conn.execute(sql, params).fetchall())
        except sqlite3.IntegrityError as exc:
            raise integrity_error(exc) from exc

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a statement and return its first row, or None."""
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None


async def rollback(conn: aiosqlite.Connection) -> None:
    """ROLLBACK, ignoring 'no transaction is active' (e.g. after a COMMIT that did complete)."""
    try:
        await conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        logger.debug("rollback: %s", exc)


async def connect(path: str | Path, *, synchronous: Synchronous = "FULL") -> SqliteDatabase:
    """Open the database, refuse a newer schema, set the pragmas and apply pending migrations."""
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise StoreError(
            f"SQLite {sqlite3.sqlite_version} is too old; Viva needs {'.'.join(map(str, MIN_SQLITE))} or newer"
        )
    if synchronous not in _SYNCHRONOUS_SQL:
        raise ValueError(f"synchronous must be one of {sorted(_SYNCHRONOUS_SQL)}, got {synchronous!r}")
    name = str(path)
    migrations = load_migrations()
    known = latest_version(migrations)
    conn = await aiosqlite.connect(name, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        await conn.execute(_BUSY_TIMEOUT_SQL)
        # Refuse before changing anything in a file written by a newer version.
        check_not_newer(name, await schema_version(conn), known)
        mode = next(iter(await conn.execute_fetchall("PRAGMA journal_mode = WAL")))[0]
        if mode != "wal" and name != ":memory:":
            logger.warning("%s: journal_mode is %s, not wal", name, mode)
        await conn.execute(_SYNCHRONOUS_SQL[synchronous])
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA cache_size = -65536")  # 64 MiB of page cache: hot index pages stay in memory
        version = await migrate(conn, name, migrations)
    except BaseException:
        await conn.close()
        raise
    logger.info("opened store %s (schema version %d, synchronous=%s)", name, version, synchronous)
    return SqliteDatabase(conn, name, version)
