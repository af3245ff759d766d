"""Fixtures for the store tests: a real SQLite file in tmp_path and small builders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.store import Answer, Post, Store, open_store


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test database lives."""
    return tmp_path / "viva.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    """A freshly migrated store on a real file, closed after the test."""
    s = await open_store(db_path)
    yield s
    await s.close()


async def make_post(
    store: Store,
    *,
    guild: int = 1,
    channel: int = 10,
    kind: str = "quiz",
    bank: str = "flask",
    topic: str = "basics",
    question: str = "q1",
    at: datetime | None = None,
    daily_date: date | None = None,
    session_id: int | None = None,
) -> Post:
    """A post with sensible defaults."""
    return await store.create_post(
        guild_id=guild,
        channel_id=channel,
        kind=kind,  # type: ignore[arg-type]
        bank=bank,
        question_id=question,
        topic=topic,
        difficulty="easy",
        posted_at=at or utc(2026, 1, 1),
        session_id=session_id,
        daily_date=daily_date,
    )


async def make_answer(
    store: Store,
    post: Post,
    user: int,
    *,
    points: float = 1.0,
    passed: bool = True,
    at: datetime | None = None,
    response: str = "an answer",
) -> Answer:
    """An answer with a verdict that matches `passed`."""
    return await store.record_answer(
        post_id=post.id,
        user_id=user,
        response=response,
        score=0.8 if passed else 0.3,
        verdict="pass" if passed else "fail",
        points=points,
        hits=["a point"] if passed else [],
        misses=[] if passed else ["a point"],
        answered_at=at or post.posted_at,
    )


async def answer_new_post(
    store: Store,
    user: int,
    *,
    at: datetime,
    points: float,
    passed: bool = True,
    guild: int = 1,
    bank: str = "flask",
    topic: str = "basics",
) -> Answer:
    """A post of its own answered by `user` at `at` (handy for leaderboard fixtures)."""
    post = await make_post(store, guild=guild, bank=bank, topic=topic, at=at)
    return await make_answer(store, post, user, points=points, passed=passed, at=at)
