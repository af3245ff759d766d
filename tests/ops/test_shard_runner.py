"""Daily runners of several processes on one database: each posts only its shards' guilds, and even runners that
both claim every guild post each date once (the database refuses the second post)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answering import AnswerDesk
from bot.bank.catalog import Catalog
from bot.bank.loader import load_banks
from bot.rounds import Deps, Rounds
from bot.sessions.quiz import QuizState
from bot.sharding import ShardPlan
from bot.store import Store, open_store
from tests.support.clock import FakeClock
from tests.support.surface import MemorySurface

BANKS = Path(__file__).resolve().parents[1] / "data" / "banks" / "e2e"
START = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
GUILDS = [(n << 22) | 7 for n in range(1, 9)]  # shard n % 4 of 4


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await open_store(tmp_path / "viva.db", synchronous="NORMAL")
    try:
        for guild in GUILDS:
            await s.set_schedule(guild_id=guild, channel_id=guild + 1, local_time="09:30", timezone="UTC",
                                 bank="trivia", topic=None)
        yield s
    finally:
        await s.close()


def process(store: Store, clock: FakeClock, plan: ShardPlan) -> tuple[Rounds, MemorySurface]:
    """The runners one bot process would build for its shard plan."""
    result = load_banks([BANKS])
    catalog = Catalog(result.banks)
    surface = MemorySurface()
    deps = Deps(store, lambda: catalog, clock, surface, AnswerDesk(store, lambda: catalog, clock),
                random.Random(1), owns=plan.owns)
    return Rounds.build(deps, grace_hours=2.0), surface


def posted_channels(surface: MemorySurface) -> list[int]:
    return sorted(s.channel_id for s in surface.sent if s.kind == "question")


async def test_each_process_posts_only_its_shards_guilds(store: Store) -> None:
    clock = FakeClock(START)
    low, low_surface = process(store, clock, ShardPlan.from_args("0-1", 4))
    high, high_surface = process(store, clock, ShardPlan.from_args("2-3", 4))
    await low.daily.run_pass()
    await high.daily.run_pass()
    assert low_surface.sent == high_surface.sent == []  # 09:00: nothing due yet
    await clock.advance(to=START + timedelta(minutes=30))
    await asyncio.gather(low.daily.run_pass(), high.daily.run_pass())
    assert posted_channels(low_surface) == [g + 1 for g in GUILDS if (g >> 22) % 4 in (0, 1)]
    assert posted_channels(high_surface) == [g + 1 for g in GUILDS if (g >> 22) % 4 in (2, 3)]
    await asyncio.gather(low.daily.run_pass(), high.daily.run_pass())
    assert len(posted_channels(low_surface) + posted_channels(high_surface)) == len(GUILDS)  # nothing twice


async def test_two_processes_that_both_claim_every_guild_still_post_each_date_once(store: Store) -> None:
    clock = FakeClock(START + timedelta(minutes=30))
    one, one_surface = process(store, clock, ShardPlan())
    two, two_surface = process(store, clock, ShardPlan())
    await asyncio.gather(one.daily.run_pass(), two.daily.run_pass())
    assert sorted(posted_channels(one_surface) + posted_channels(two_surface)) == [g + 1 for g in GUILDS]
    posts = await store.open_posts("daily")
    assert sorted(p.guild_id for p in posts) == GUILDS


async def test_sessions_resume_only_in_the_process_that_owns_their_guild(store: Store) -> None:
    clock = FakeClock(START)
    mine, other = GUILDS[0], GUILDS[1]  # shards 1 and 2 of 4
    for guild in (mine, other):
        await store.create_session(kind="quiz", guild_id=guild, channel_id=guild + 1, owner_id=5,
                                   state=QuizState("no-such-bank", ["q"], 30, 5).to_dict(), now=START)
    rounds, _ = process(store, clock, ShardPlan.from_args("0-1", 4))
    await rounds.quiz.resume()  # a bank that is gone: the failure policy ends the session it owns
    active = {s.guild_id for s in await store.active_sessions("quiz")}
    assert active == {other}
