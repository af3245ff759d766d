"""Copy a whole Viva database to another (SQLite → PostgreSQL and back, or any pair), verifying row counts.

Both ends are opened with `open_store`, so both are migrated to the same schema first. Tables are found in the
schema (so tables added by later migrations are copied too) and copied parents first, following the foreign keys,
in one destination transaction: a failed copy leaves the destination as it was. A destination that already holds
rows is refused unless ``force`` is given, which empties it first. PostgreSQL's identity sequences are moved past
the copied ids, so new rows get fresh ids.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.store.api import Store, open_store
from bot.store.db import Database, Tx
from bot.store.errors import StoreError
from bot.store.pg import PgTx

logger = logging.getLogger(__name__)

CHUNK = 5000  # rows read and written at a time
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")  # table and column names, checked before they enter SQL text
_SKIP = {"viva_schema"}  # PostgreSQL's migration bookkeeping; each side keeps its own

_TABLES = {
    "sqlite": "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name",
    "postgresql": "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                  "AND table_type = 'BASE TABLE' ORDER BY table_name",
}
_COLUMNS = {
    "sqlite": "SELECT name FROM pragma_table_info(?) ORDER BY cid",
    "postgresql": "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                  "AND table_name = ? ORDER BY ordinal_position",
}
_KEY_COLUMNS = {
    "sqlite": "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
    "postgresql": """
SELECT a.attname FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)
""",
}
_PARENTS = {
    "sqlite": "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)",
    "postgresql": """
SELECT DISTINCT ccu.table_name FROM information_schema.table_constraints tc
JOIN information_schema.constraint_column_usage ccu
  ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = ?
""",
}
_IDENTITY = """
SELECT column_name FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'
"""


@dataclass(frozen=True, slots=True)
class Table:
    """A table to copy: its columns and the columns that order its rows."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CopyResult:
    """Rows per table in the source and, after the copy, in the destination."""

    source: str
    destination: str
    counts: dict[str, tuple[int, int]]

    @property
    def ok(self) -> bool:
        """True when every table has as many rows in the destination as in the source."""
        return all(a == b for a, b in self.counts.values())


def _name(name: str) -> str:
    if not _NAME.match(name):
        raise StoreError(f"refusing to copy an oddly named table or column: {name!r}")
    return name


async def tables(db: Database) -> list[Table]:
    """Every table of the database, parents before the tables whose foreign keys point at them."""
    names = [_name(r[0]) for r in await db.fetchall(_TABLES[db.dialect]) if r[0] not in _SKIP]
    parents: dict[str, set[str]] = {}
    found: dict[str, Table] = {}
    for name in names:
        columns = tuple(_name(r[0]) for r in await db.fetchall(_COLUMNS[db.dialect], (name,)))
        key = tuple(r[0] for r in await db.fetchall(_KEY_COLUMNS[db.dialect], (name,))) or columns
        found[name] = Table(name, columns, key)
        parents[name] = {r[0] for r in await db.fetchall(_PARENTS[db.dialect], (name,))} - {name}
    ordered: list[Table] = []
    done: set[str] = set()
    while len(ordered) < len(names):
        ready = [n for n in names if n not in done and parents[n] <= done | (parents[n] - set(names))]
        if not ready:
            raise StoreError(f"foreign keys form a cycle among {sorted(set(names) - done)}")
        for n in ready:
            ordered.append(found[n])
            done.add(n)
    return ordered


async def count_rows(db: Database, table: Table) -> int:
    """How many rows the table holds."""
    row = await db.fetchone(f"SELECT count(*) FROM {_name(table.name)}")  # noqa: S608 (checked name)
    return int(row[0]) if row is not None else 0


async def _copy_table(source: Database, tx: Tx, table: Table, columns: tuple[str, ...]) -> int:
    cols = ", ".join(columns)
    order = ", ".join(table.key)
    read = f"SELECT {cols} FROM {table.name} ORDER BY {order} LIMIT ? OFFSET ?"  # noqa: S608 (checked names)
    write = f"INSERT INTO {table.name} ({cols}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608
    copied = 0
    while True:
        rows = await source.fetchall(read, (CHUNK, copied))
        if not rows:
            return copied
        values = [tuple(r[i] for i in range(len(columns))) for r in rows]
        if isinstance(tx, PgTx):
            await tx.copy_rows(table.name, columns, values)
        else:
            await tx.executemany(write, values)
        copied += len(rows)


async def _reset_identities(tx: Tx, table: Table) -> None:
    for row in await tx.fetchall(_IDENTITY, (table.name,)):
        column = _name(row[0])
        await tx.fetchall(
            f"SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max({column}), 0) + 1, false) "  # noqa: S608
            f"FROM {table.name}",
            (table.name, column),
        )


async def copy_stores(source: Store, destination: Store, *, force: bool = False,
                      progress: Callable[[str, int], None] | None = None) -> CopyResult:
    """Copy every row of `source` into `destination` (same schema version); refuse a non-empty destination
    unless `force`, which empties it first."""
    src, dst = source._db, destination._db
    if src.version != dst.version:
        raise StoreError(f"schema versions differ: {src.path} has {src.version}, {dst.path} has {dst.version}")
    src_tables = await tables(src)
    dst_tables = {t.name: t for t in await tables(dst)}
    missing = [t.name for t in src_tables if t.name not in dst_tables]
    if missing:
        raise StoreError(f"{dst.path} has no table(s) {', '.join(missing)}")
    filled = [t.name for t in src_tables if await count_rows(dst, dst_tables[t.name])]
    if filled and not force:
        raise StoreError(f"{dst.path} is not empty ({', '.join(filled)} hold rows); use --force to replace them")
    async with dst.transaction() as tx:
        for table in reversed(src_tables):
            if table.name in filled:
                await tx.execute(f"DELETE FROM {table.name}")  # noqa: S608 (checked name)
        for table in src_tables:
            columns = tuple(c for c in table.columns if c in dst_tables[table.name].columns)
            copied = await _copy_table(src, tx, table, columns)
            if dst.dialect == "postgresql":
                await _reset_identities(tx, table)
            logger.info("copied %d rows of %s", copied, table.name)
            if progress is not None:
                progress(table.name, copied)
    counts = {t.name: (await count_rows(src, t), await count_rows(dst, dst_tables[t.name])) for t in src_tables}
    return CopyResult(src.path, dst.path, counts)


async def copy_database(source: str | Path, destination: str | Path, *, force: bool = False,
                        progress: Callable[[str, int], None] | None = None) -> CopyResult:
    """Open both databases (migrating them), copy, verify the row counts per table, and close both."""
    async with await open_store(source) as src, await open_store(destination) as dst:
        return await copy_stores(src, dst, force=force, progress=progress)
