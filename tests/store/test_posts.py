"""Posts: creation, message ids, closing, open posts, validation."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.store import Post, Store, StoreError

from .conftest import make_post, utc


async def test_create_and_get_round_trip_every_field(store: Store) -> None:
    session = await store.create_session(
        kind="quiz", guild_id=1, channel_id=10, owner_id=3, state={}, now=utc(2026, 1, 1)
    )
    post = await store.create_post(
        guild_id=1,
        channel_id=10,
        kind="quiz",
        bank="flask",
        question_id="microframework",
        topic="basics",
        difficulty="easy",
        posted_at=utc(2026, 1, 2, 3, 4, 5, 678901),
        closes_at=utc(2026, 1, 2, 3, 5),
        session_id=session.id,
        message_id=999,
    )
    assert post == Post(
        id=post.id,
        guild_id=1,
        channel_id=10,
        message_id=999,
        kind="quiz",
        bank="flask",
        question_id="microframework",
        topic="basics",
        difficulty="easy",
        posted_at=utc(2026, 1, 2, 3, 4, 5, 678901),  # microseconds survive
        closes_at=utc(2026, 1, 2, 3, 5),
        closed_at=None,
        session_id=session.id,
        daily_date=None,
    )
    assert await store.get_post(post.id) == post
    assert await store.get_post(post.id + 1) is None


async def test_non_utc_aware_datetimes_are_stored_as_the_same_instant(store: Store) -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # 01:30 UTC
    post = await make_post(store, at=local)
    assert post.posted_at == utc(2026, 3, 29, 1, 30)
    assert post.posted_at.utcoffset() is not None and post.posted_at.utcoffset().total_seconds() == 0


async def test_set_message_and_close(store: Store) -> None:
    post = await make_post(store)
    await store.set_post_message(post.id, 4242)
    await store.close_post(post.id, utc(2026, 1, 1, 0, 5))
    await store.close_post(post.id, utc(2026, 1, 1, 0, 9))  # idempotent: first closing time kept
    got = await store.get_post(post.id)
    assert got is not None
    assert (got.message_id, got.closed_at) == (4242, utc(2026, 1, 1, 0, 5))
    with pytest.raises(StoreError, match="no post"):
        await store.set_post_message(post.id + 100, 1)
    with pytest.raises(StoreError, match="no post"):
        await store.close_post(post.id + 100, utc(2026, 1, 1))


async def test_open_posts_are_the_unclosed_ones_oldest_first(store: Store) -> None:
    late_quiz = await make_post(store, at=utc(2026, 1, 3))
    early_quiz = await make_post(store, at=utc(2026, 1, 1))
    interview = await make_post(store, kind="interview", at=utc(2026, 1, 2))
    daily = await make_post(store, kind="daily", at=utc(2026, 1, 4), daily_date=date(2026, 1, 4))
    closed = await make_post(store, at=utc(2025, 12, 31))
    await store.close_post(closed.id, utc(2026, 1, 1))
    assert [p.id for p in await store.open_posts()] == [early_quiz.id, interview.id, late_quiz.id, daily.id]
    assert [p.id for p in await store.open_posts("quiz")] == [early_quiz.id, late_quiz.id]
    assert await store.open_posts("daily") == [daily]
    with pytest.raises(ValueError):
        await store.open_posts("trivia")


async def test_validation(store: Store) -> None:
    with pytest.raises(ValueError, match="kind"):
        await make_post(store, kind="trivia")
    with pytest.raises(ValueError, match="daily_date"):
        await make_post(store, kind="daily")
    with pytest.raises(ValueError, match="daily_date"):
        await make_post(store, kind="quiz", daily_date=date(2026, 1, 1))
    with pytest.raises(ValueError, match="bank"):
        await make_post(store, bank="")
    with pytest.raises(ValueError, match="aware"):
        await make_post(store, at=datetime(2026, 1, 1))
    with pytest.raises(StoreError, match="no session 77"):
        await make_post(store, session_id=77)
    assert await store.open_posts() == []


async def test_recent_daily_question_ids_newest_first_per_guild(store: Store) -> None:
    for day, question in [(1, "a"), (3, "c"), (2, "b")]:
        await make_post(store, kind="daily", question=question, at=utc(2026, 1, day), daily_date=date(2026, 1, day))
    await make_post(store, kind="quiz", question="quiz-only", at=utc(2026, 1, 9))
    await make_post(store, guild=2, kind="daily", question="other-guild", daily_date=date(2026, 1, 5))
    assert await store.recent_daily_question_ids(1) == ["c", "b", "a"]
    assert await store.recent_daily_question_ids(1, limit=2) == ["c", "b"]
    assert await store.recent_daily_question_ids(2) == ["other-guild"]
    assert await store.recent_daily_question_ids(3) == []
