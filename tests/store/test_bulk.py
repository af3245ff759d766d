"""Bulk loading and index maintenance (used by imports and bench/store.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.db import to_us
from bot.store.errors import IntegrityViolation
from tests.support.bulk import answer_index_sql, bulk_load, create_indexes, drop_answer_indexes

from .conftest import utc

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # SQLite's own files, plans and indexes

T0 = to_us(utc(2026, 1, 5, 12))
POSTS = [
    (1, 7, 70, "quiz", "flask", "q1", "basics", "easy", T0, None, None),
    (2, 7, 70, "daily", "django", "q2", "orm", "hard", T0, T0 + 1, "2026-01-05"),
]


def index_names(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'answers'")
        return {r[0] for r in rows if not r[0].startswith("sqlite_autoindex")}


ANSWER_INDEXES = ("ux_answers_post_user", "ix_answers_board", "ix_answers_member")  # among others


async def test_every_index_of_answers_is_known(store: Store, db_path: Path) -> None:
    assert set(await answer_index_sql(store)) == index_names(db_path) >= set(ANSWER_INDEXES)


@pytest.mark.parametrize("defer", [True, False])
async def test_bulk_load_copies_post_fields_and_skips_orphans(store: Store, db_path: Path, defer: bool) -> None:
    answers = [
        (1, 100, "a", 0.9, "pass", 1, 1500, T0 + 10),
        (1, 101, "b", 0.2, "fail", 0, 250, T0 + 20),
        (2, 100, "c", 0.7, "pass", 1, 2000, T0 + 30),
        (99, 100, "orphan", 0.7, "pass", 1, 9000, T0 + 40),
    ]
    before = index_names(db_path)
    assert await bulk_load(store, POSTS, answers, defer_indexes=defer) == 3
    assert index_names(db_path) == before  # rebuilt after a deferred load
    [daily] = await store.answers_for_post(2)
    assert (daily.guild_id, daily.bank, daily.topic, daily.kind, daily.points) == (7, "django", "orm", "daily", 2.0)
    board = await store.leaderboard(7, "all", now=utc(2026, 2, 1), tz="UTC")
    assert [(r.user_id, r.points, r.answers, r.passed) for r in board] == [(100, 3.5, 2, 2), (101, 0.25, 1, 0)]
    stats = await store.member_stats(7, 100, now=utc(2026, 1, 5, 23), tz="UTC")
    assert (stats.current_streak, stats.best_streak) == (1, 1)


async def test_a_duplicate_fails_the_whole_load(store: Store, db_path: Path) -> None:
    answers = [(1, 100, "a", 0.9, "pass", 1, 1500, T0), (1, 100, "again", 0.9, "pass", 1, 1500, T0)]
    before = index_names(db_path)
    with pytest.raises(IntegrityViolation):
        await bulk_load(store, POSTS, answers)
    assert await store.get_post(1) is None  # posts rolled back too
    assert index_names(db_path) == before  # and the dropped indexes are back


async def test_drop_and_recreate_indexes(store: Store, db_path: Path) -> None:
    before = index_names(db_path)
    dropped = await drop_answer_indexes(store, ["ix_answers_board", "ix_answers_member"])
    assert set(dropped) == {"ix_answers_board", "ix_answers_member"}
    assert all(sql.startswith("CREATE INDEX") for sql in dropped.values())
    assert index_names(db_path) == before - set(dropped)
    await create_indexes(store, dropped)
    assert index_names(db_path) == before
    with pytest.raises(ValueError, match="not an index"):
        await drop_answer_indexes(store, ["sqlite_master"])
    with pytest.raises(ValueError, match="refusing"):
        await create_indexes(store, {"ix_answers_board": "DROP TABLE answers"})
    assert index_names(db_path) == before
