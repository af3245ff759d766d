"""Leaderboards and stats are indexed aggregates: their plans search a covering index, never scan a table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import Store, answers, leaderboard, posts

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # SQLite's own files, plans and indexes

PARAMS = {"guild": 1, "start": 0, "end": 1, "bank": "b", "topic": "t", "limit": 10, "offset": 0, "user": 1, "nb": 1}
_TOPIC_RANGE = "(guild_id=? AND topic=? AND answered_at>? AND answered_at<?)"
EXPECTED = {
    "A": "ix_answers_member (guild_id=?)",
    "": "ix_answers_board (guild_id=? AND answered_at>? AND answered_at<?)",
    "b": "ix_answers_board_bank (guild_id=? AND bank=? AND answered_at>? AND answered_at<?)",
    "t": "ix_answers_board_topic " + _TOPIC_RANGE,
    "bt": "ix_answers_board_topic " + _TOPIC_RANGE,
}


def plan(db: Path, sql: str, params: object) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


@pytest.mark.parametrize("key", ["A", "", "b", "t", "bt"])
@pytest.mark.parametrize("family", ["BOARD_SQL", "SIZE_SQL", "RANK_SQL"])
async def test_leaderboard_queries_search_their_covering_index(
    store: Store, db_path: Path, family: str, key: str
) -> None:
    steps = plan(db_path, getattr(leaderboard, family)[key], PARAMS)
    on_answers = [s for s in steps if "answers" in s]
    assert on_answers == [f"SEARCH answers USING COVERING INDEX {EXPECTED[key]}"]


@pytest.mark.parametrize(
    ("sql", "params", "index"),
    [
        (leaderboard._MEMBER_TOTALS, (1, 1, 1), "ix_answers_member"),
        (leaderboard._MEMBER_TOPICS, (1, 1, 1), "ix_answers_member"),
        (leaderboard._STREAK_RUNS["sqlite"], (1, 1, "2026-01-01"), "ix_answers_member_daily"),
        (answers._GET, (1, 1), "ux_answers_post_user"),
        (answers._FOR_POST, (1,), "ux_answers_post_user"),
        (posts._RECENT_DAILY, (1, 5), "ix_posts_guild_kind"),
        (posts._OPEN_ALL, (), "ix_posts_open"),
    ],
)
async def test_other_hot_queries_use_an_index(store: Store, db_path: Path, sql: str, params: tuple, index: str) -> None:
    steps = plan(db_path, sql, params)
    assert any((s.startswith("SEARCH") and index in s) or s == f"SCAN posts USING INDEX {index}" for s in steps)
    assert not any(s in ("SCAN answers", "SCAN posts") for s in steps)
