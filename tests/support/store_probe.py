"""Looks inside a Store that only tests and benchmarks need (pragmas, integrity check, group-commit count)."""

from __future__ import annotations

from bot.store import Store

_PRAGMAS = {
    "journal_mode": "PRAGMA journal_mode",
    "synchronous": "PRAGMA synchronous",
    "foreign_keys": "PRAGMA foreign_keys",
    "busy_timeout": "PRAGMA busy_timeout",
    "user_version": "PRAGMA user_version",
}


async def pragmas(store: Store) -> dict[str, int | str]:
    """The SQLite connection's journal_mode, synchronous, foreign_keys, busy_timeout and user_version."""
    out: dict[str, int | str] = {}
    for name, sql in _PRAGMAS.items():
        row = await store._db.fetchone(sql)
        assert row is not None
        out[name] = row[0]
    return out


async def integrity_check(store: Store) -> list[str]:
    """``PRAGMA integrity_check`` of a SQLite store: ['ok'] when healthy, otherwise the problems found."""
    return [r[0] for r in await store._db.fetchall("PRAGMA integrity_check")]


def answer_batches(store: Store) -> int:
    """How many group commits of answers the store has made since it was opened."""
    return store._writer.batches
