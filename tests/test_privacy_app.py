"""bot/privacy.py: the words a member reads when erasing is refused, the retention setting's bounds, and the
retention loop on the bot's clock (a pass at start, then hourly; a failed pass does not stop it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import privacy
from bot.errors import SessionError, UserError
from bot.store import Store, open_store
from bot.store.privacy import Purged
from tests.support.clock import FakeClock

START = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await open_store(tmp_path / "viva.sqlite3")
    yield s
    await s.close()


async def _answer(store: Store, at: datetime, text: str = "my words") -> tuple[int, int]:
    post = await store.create_post(guild_id=1, channel_id=10, kind="quiz", bank="flask", question_id="q1",
                                   topic="basics", difficulty="easy", posted_at=at)
    await store.record_answer(post_id=post.id, user_id=7, response=text, score=0.5, verdict="fail", points=0.5,
                              hits=[], misses=["a point"], answered_at=at, passed=False)
    return post.id, 7


async def _text(store: Store, key: tuple[int, int]) -> str:
    got = await store.get_answer(*key)
    assert got is not None
    return got.response


async def test_erasing_during_an_interview_says_what_to_do_and_keeps_everything(store: Store) -> None:
    key = await _answer(store, START)
    await store.create_session(kind="interview", guild_id=1, channel_id=30, owner_id=7, state={}, now=START)
    with pytest.raises(SessionError, match=r"/interview stop.*Nothing was deleted"):
        await privacy.erase_member(store, 1, 7)
    assert await _text(store, key) == "my words"


@pytest.mark.parametrize("days", [-1, 3651, True])
async def test_retention_outside_its_bounds_is_a_clear_error(store: Store, days: int) -> None:
    with pytest.raises(UserError, match="1 to 3650, or 0"):
        await privacy.set_retention(store, 1, days, START)
    assert await privacy.retention_days(store, 1) is None


async def test_zero_keeps_texts_forever(store: Store) -> None:
    key = await _answer(store, START - timedelta(days=90))
    assert (await privacy.set_retention(store, 1, 120, START)).answers == 0
    assert (await privacy.set_retention(store, 1, 0, START)).answers == 0
    assert await privacy.retention_days(store, 1) is None
    assert await _text(store, key) == "my words"


async def test_the_loop_purges_at_start_and_every_hour_on_the_bots_clock(store: Store) -> None:
    clock = FakeClock(START)
    old = await _answer(store, START - timedelta(days=31))
    assert (await store.set_retention(1, 30, now=START - timedelta(days=2))).answers == 0  # set two days ago
    ageing = await _answer(store, START - timedelta(days=30) + timedelta(minutes=30), "soon old")
    purger = privacy.RetentionPurger(store, clock)
    task = asyncio.create_task(purger.loop())
    try:
        for _ in range(50):
            if purger.passes:
                break
            await asyncio.sleep(0.01)
        assert purger.passes == 1  # the pass at start
        assert (await _text(store, old), await _text(store, ageing)) == ("", "soon old")
        await clock.advance(1800)
        assert purger.passes == 1  # no pass before the hour is up
        await clock.advance(1800)
        for _ in range(50):
            if purger.passes == 2:
                break
            await asyncio.sleep(0.01)
        assert purger.passes == 2 and await _text(store, ageing) == ""
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_failed_pass_is_logged_and_the_next_one_runs(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    calls: list[datetime] = []

    async def flaky(now: datetime) -> Purged:
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        return Purged(guilds=1, answers=2)

    monkeypatch.setattr(store, "purge_expired", flaky)
    purger = privacy.RetentionPurger(store, FakeClock(START))
    assert await purger.run_pass() == Purged()
    assert "retention pass failed" in caplog.text
    assert (await purger.run_pass()).answers == 2
    assert purger.passes == 2
