"""Numbered SQL migrations, applied in one transaction and tracked by ``PRAGMA user_version``."""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from bot.store.errors import SchemaTooNew, StoreError

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered migration file."""

    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """The file split into complete SQL statements (comments and blank lines dropped)."""
        out: list[str] = []
        buf = ""
        for line in self.sql.splitlines(keepends=True):
            if not buf and (not line.strip() or line.lstrip().startswith("--")):
                continue
            buf += line
            if sqlite3.complete_statement(buf):
                out.append(buf.strip())
                buf = ""
        if buf.strip():
            raise StoreError(f"migration {self.name}: incomplete SQL statement at the end: {buf.strip()[:60]!r}")
        return out


def load_migrations(package: str = "bot.store", folder: str = "migrations") -> list[Migration]:
    """Every ``NNNN_*.sql`` file in the package's `folder`, in order; versions must run 1, 2, 3… without gaps.

    SQLite's migrations are in ``migrations/``, PostgreSQL's (the same versions) in ``migrations/postgresql/``.
    """
    found: list[Migration] = []
    for entry in resources.files(package).joinpath(folder).iterdir():
        m = _NAME.match(entry.name)
        if m is None:
            continue
        found.append(Migration(int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda mig: mig.version)
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise StoreError(f"migrations must be numbered 0001, 0002, … without gaps; found {mig.name}")
    return found


def latest_version(migrations: list[Migration] | None = None) -> int:
    """The schema version this code knows (the highest migration number)."""
    migs = load_migrations() if migrations is None else migrations
    return migs[-1].version if migs else 0


async def schema_version(conn: aiosqlite.Connection) -> int:
    """The database's ``PRAGMA user_version``."""
    rows = list(await conn.execute_fetchall("PRAGMA user_version"))
    return int(rows[0][0])


def check_not_newer(path: str, found: int, known: int) -> None:
    """Raise SchemaTooNew when the file's schema is newer than the code."""
    if found > known:
        raise SchemaTooNew(path, found, known)


async def migrate(conn: aiosqlite.Connection, path: str, migrations: list[Migration] | None = None) -> int:
    """Apply every pending migration in a single transaction; return the resulting schema version.

    The connection must be in autocommit mode (``isolation_level=None``).
    """
    migs = load_migrations() if migrations is None else migrations
    known = latest_version(migs)
    await conn.execute("BEGIN IMMEDIATE")
    try:
        current = await schema_version(conn)
        check_not_newer(path, current, known)
        pending = [m for m in migs if m.version > current]
        for mig in pending:
            logger.info("applying migration %s to %s", mig.name, path)
            for statement in mig.statements():
                await conn.execute(statement)
        if pending:
            await conn.execute(_set_version_sql(known))
        await conn.execute("COMMIT")
    except BaseException:
        await _rollback(conn)
        raise
    return known


def _set_version_sql(version: int) -> str:
    """``PRAGMA user_version = N``: pragmas take no bound parameters, so N is checked to be a plain int."""
    if type(version) is not int or not 0 <= version <= 9999:
        raise StoreError(f"bad schema version {version!r}")
    return f"PRAGMA user_version = {version:d}"


async def _rollback(conn: aiosqlite.Connection) -> None:
    """Roll back if a transaction is open (a failed COMMIT may already have ended it)."""
    with contextlib.suppress(sqlite3.OperationalError):
        await conn.execute("ROLLBACK")
