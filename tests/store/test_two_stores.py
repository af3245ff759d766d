"""Two bot processes on one database (two stores, two connections): the constraints keep every effect once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.store import AlreadyAnswered, Store, open_store

from .conftest import make_post, utc


@pytest.fixture
async def other(store: Store, db_url: str) -> AsyncIterator[Store]:
    """A second store on the same database, as another process would open it."""
    s = await open_store(db_url)
    yield s
    await s.close()


async def test_two_processes_racing_for_a_daily_post_make_one(store: Store, other: Store) -> None:
    await store.set_schedule(guild_id=1, channel_id=10, local_time="09:00", timezone="UTC", bank="flask", topic=None)

    async def post(s: Store, n: int) -> object:
        return await s.create_daily_post(guild_id=1, channel_id=10, daily_date=date(2026, 4, 1), bank="flask",
                                         question_id=f"q{n}", topic="basics", difficulty="easy",
                                         posted_at=utc(2026, 4, 1, 9), closes_at=None)

    results = await asyncio.gather(*(post(s, n) for n in range(6) for s in (store, other)))
    assert sum(r is not None for r in results) == 1
    assert len(await other.open_posts("daily")) == 1


async def race_for_one_answer(store: Store, other: Store) -> list[object]:
    """Eight answers of one member to one post, four through each store, all at once."""
    post = await make_post(store)

    async def answer(s: Store, text: str) -> object:
        return await s.record_answer(post_id=post.id, user_id=7, response=text, score=0.8, verdict="pass",
                                     points=1.0, hits=[], misses=[], answered_at=utc(2026, 1, 1, 0, 1), passed=True)

    results = await asyncio.gather(*(answer(s, f"{n}") for n in range(4) for s in (store, other)),
                                   return_exceptions=True)
    assert len(await other.answers_for_post(post.id)) == 1
    return results


async def test_two_processes_racing_for_one_answer_keep_one_and_tell_the_rest(store: Store, other: Store) -> None:
    results = await race_for_one_answer(store, other)
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    # Losers in another process's batch and in the winner's own batch alike hear "already answered".
    assert all(isinstance(r, AlreadyAnswered) for r in results if isinstance(r, BaseException))
