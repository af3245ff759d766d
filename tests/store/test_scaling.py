"""The scheduler's due-only queries (migration 0006): a pass reads what is due, never every schedule or open post."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.store import Schedule, Store, scaling

from .conftest import make_post, utc

T0 = utc(2026, 3, 2, 8, 0)


async def schedule(store: Store, guild: int, local_time: str = "09:30") -> Schedule:
    return await store.set_schedule(guild_id=guild, channel_id=10, local_time=local_time, timezone="UTC",
                                    bank="flask", topic=None)


async def test_new_schedules_are_due_at_once_and_a_planned_one_only_at_its_time(store: Store) -> None:
    first, second = await schedule(store, 1), await schedule(store, 2)
    assert [s.guild_id for s in await store.due_schedules(T0)] == [1, 2]
    assert await store.set_next_due(first, T0 + timedelta(hours=1))
    assert await store.set_next_due(second, T0 + timedelta(hours=3))
    assert await store.due_schedules(T0) == []
    assert await store.next_schedule_due(T0) == T0 + timedelta(hours=1)
    assert [s.guild_id for s in await store.due_schedules(T0 + timedelta(hours=1))] == [1]
    assert [s.guild_id for s in await store.due_schedules(T0 + timedelta(hours=5))] == [1, 2]
    assert await store.next_schedule_due(T0 + timedelta(hours=3)) is None


async def test_a_changed_schedule_is_due_again_and_keeps_it_against_a_stale_plan(store: Store) -> None:
    seen = await schedule(store, 1)
    assert await store.set_next_due(seen, T0 + timedelta(hours=5))
    await schedule(store, 1, local_time="08:15")  # /daily set while a pass computed from the old schedule
    assert not await store.set_next_due(seen, T0 + timedelta(hours=5))  # the stale plan is refused
    assert [s.local_time for s in await store.due_schedules(T0)] == ["08:15"]


async def test_a_posted_date_makes_the_plan_computed_before_it_stale(store: Store) -> None:
    seen = await schedule(store, 1)
    await store.create_daily_post(guild_id=1, channel_id=10, daily_date=date(2026, 3, 2), bank="flask",
                                  question_id="q1", topic="basics", difficulty="easy", posted_at=T0, closes_at=None)
    assert not await store.set_next_due(seen, T0 + timedelta(days=1))
    fresh = await store.get_schedule(1)
    assert fresh is not None and await store.set_next_due(fresh, T0 + timedelta(days=1))


async def test_disabled_schedules_are_never_due(store: Store) -> None:
    await schedule(store, 1)
    await store.disable_schedule(1)
    assert await store.due_schedules(T0) == []
    assert await store.next_schedule_due(utc(2000, 1, 1)) is None


async def test_due_reveals_and_open_posts_of_one_guild(store: Store) -> None:
    await schedule(store, 1)
    await schedule(store, 2)
    early = await store.create_daily_post(guild_id=1, channel_id=10, daily_date=date(2026, 3, 1), bank="flask",
                                          question_id="q1", topic="basics", difficulty="easy", posted_at=T0,
                                          closes_at=T0 + timedelta(hours=1))
    late = await store.create_daily_post(guild_id=2, channel_id=10, daily_date=date(2026, 3, 1), bank="flask",
                                         question_id="q1", topic="basics", difficulty="easy", posted_at=T0,
                                         closes_at=T0 + timedelta(hours=4))
    assert early is not None and late is not None
    await make_post(store, guild=1, kind="quiz")
    assert await store.due_reveals("daily", T0) == []
    assert [p.id for p in await store.due_reveals("daily", T0 + timedelta(hours=2))] == [early.id]
    assert await store.next_reveal("daily", T0 + timedelta(hours=1)) == T0 + timedelta(hours=4)
    assert [p.id for p in await store.open_posts_of_guild(1, "daily")] == [early.id]
    await store.close_post(early.id, T0 + timedelta(hours=2))
    assert await store.due_reveals("daily", T0 + timedelta(hours=9)) == [late]
    assert await store.open_posts_of_guild(1, "daily") == []
    with pytest.raises(ValueError, match="kind"):
        await store.due_reveals("trivia", T0)


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize(
    ("sql", "params", "index"),
    [
        (scaling._DUE, (1, 10), "ix_schedules_next_due"),
        (scaling._NEXT_DUE, (1,), "ix_schedules_next_due"),
        (scaling._DUE_REVEALS, ("daily", 1), "ix_posts_open_closes"),
        (scaling._NEXT_REVEAL, ("daily", 1), "ix_posts_open_closes"),
        (scaling._OPEN_OF_GUILD, (1, "daily"), "ix_posts_open_guild"),
    ],
)
async def test_due_queries_search_their_index(store: Store, db_path: Path, sql: str, params: tuple[object, ...],
                                              index: str) -> None:
    with sqlite3.connect(db_path) as conn:
        steps = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    assert any(s.startswith("SEARCH") and index in s for s in steps), steps
    assert not any(s.startswith("SCAN") for s in steps), steps


async def test_a_pass_writes_its_plans_at_once_and_skips_stale_ones(store: Store) -> None:
    first, second = await schedule(store, 1), await schedule(store, 2)
    await schedule(store, 2, local_time="07:00")  # changed after the pass read it
    await store.set_next_due_many([(first, T0 + timedelta(hours=2)), (second, T0 + timedelta(hours=2))])
    await store.set_next_due_many([])
    assert [s.guild_id for s in await store.due_schedules(T0)] == [2]
    assert await store.next_schedule_due(T0) == T0 + timedelta(hours=2)
