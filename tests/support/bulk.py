"""Bulk loading and index maintenance of a SQLite store, for tests and benchmarks (not used by the bot).

Rows are plain tuples in stored units (epoch microseconds, milli-points, 'YYYY-MM-DD'), so millions of rows load
without building a dataclass per row.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterable

from bot.store.api import Store
from bot.store.db import Params

logger = logging.getLogger(__name__)

# (id, guild_id, channel_id, kind, bank, question_id, topic, difficulty, posted_at_us, closed_at_us, daily_date)
BulkPost = tuple[int, int, int, str, str, str, str, str, int, int | None, str | None]
# (post_id, user_id, response, score, verdict, passed 0/1, points in thousandths, answered_at_us)
BulkAnswer = tuple[int, int, str, float, str, int, int, int]

_INDEX_NAME = re.compile(r"^[iu]x_answers_[a-z0-9_]+$")  # only such names are ever put into DROP INDEX
_INDEX_SQL = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'answers' AND sql IS NOT NULL"
_INSERT_POST = """
INSERT INTO posts (id, guild_id, channel_id, kind, bank, question_id, topic, difficulty, posted_at, closed_at,
                   daily_date)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_INSERT_ANSWER = """
INSERT INTO answers (post_id, user_id, response, score, verdict, passed, points, answered_at,
                     guild_id, bank, topic, kind, daily_date)
SELECT p.id, a.user_id, a.response, a.score, a.verdict, a.passed, a.points, a.answered_at,
       p.guild_id, p.bank, p.topic, p.kind, p.daily_date
FROM (SELECT ? AS post_id, ? AS user_id, ? AS response, ? AS score, ? AS verdict, ? AS passed, ? AS points,
             ? AS answered_at) AS a
JOIN posts AS p ON p.id = a.post_id
"""


async def answer_index_sql(store: Store) -> dict[str, str]:
    """name -> CREATE INDEX statement of every index on `answers`, as the schema has it."""
    rows = await store._db.fetchall(_INDEX_SQL)
    return {r["name"]: r["sql"] for r in rows if _INDEX_NAME.match(r["name"])}


def _drop_sql(name: str) -> str:
    if not _INDEX_NAME.match(name):
        raise ValueError(f"not an index of answers: {name!r}")
    return f"DROP INDEX {name}"


async def drop_answer_indexes(store: Store, names: Iterable[str]) -> dict[str, str]:
    """Drop these indexes of `answers`; return their CREATE statements."""
    wanted = list(names)
    ddl = await answer_index_sql(store)
    unknown = [n for n in wanted if n not in ddl]
    if unknown:
        raise ValueError(f"not an index of answers: {unknown}")
    dropped = {n: ddl[n] for n in wanted if n in ddl}
    async with store._db.transaction() as tx:
        for name in dropped:
            await tx.execute(_drop_sql(name))
    return dropped


async def create_indexes(store: Store, ddl: dict[str, str]) -> None:
    """Re-create indexes from statements returned by `drop_answer_indexes`."""
    current = await answer_index_sql(store)
    async with store._db.transaction() as tx:
        for name, statement in ddl.items():
            if not _INDEX_NAME.match(name) or not statement.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
                raise ValueError(f"refusing to run {statement!r}")
            if name not in current:
                await tx.execute(statement)


async def bulk_load(
    store: Store, posts: Iterable[BulkPost], answers: Iterable[BulkAnswer], *, defer_indexes: bool = True
) -> int:
    """Insert posts then answers in one transaction; return the number of answers inserted.

    With `defer_indexes` the secondary indexes of `answers` are dropped first and rebuilt at the end (faster
    for millions of rows); the unique (post, user) index is rebuilt too, so duplicates still fail the load.
    Answers to missing posts are skipped.
    """
    ddl = await answer_index_sql(store) if defer_indexes else {}
    async with store._db.transaction() as tx:
        for name in ddl:
            await tx.execute(_drop_sql(name))
        await tx.executemany(_INSERT_POST, posts)
        before = store._db.conn.total_changes
        await tx.executemany(_INSERT_ANSWER, answers)
        inserted = store._db.conn.total_changes - before
        for statement in ddl.values():
            await tx.execute(statement)
    logger.info("bulk-loaded %d answers", inserted)
    return inserted


async def raw_fetchall(store: Store, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Run one read statement on the store's connection (benchmarks compare query variants with this)."""
    return await store._db.fetchall(sql, params)
