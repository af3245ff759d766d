"""Daily schedules and the exactly-once daily post."""

from __future__ import annotations

import asyncio
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule.daily import decide
from bot.store import Post, Schedule, Store, StoreError

from .conftest import utc


async def set_default(store: Store, guild: int = 1, **overrides: object) -> Schedule:
    args: dict[str, object] = {
        "guild_id": guild,
        "channel_id": 10,
        "local_time": "09:30",
        "timezone": "Europe/Berlin",
        "bank": "flask",
        "topic": None,
    }
    args.update(overrides)
    return await store.set_schedule(**args)  # type: ignore[arg-type]


async def post_daily(
    store: Store, day: date, *, guild: int = 1, question: str = "q1", bank: str = "flask"
) -> Post | None:
    return await store.create_daily_post(
        guild_id=guild,
        channel_id=10,
        daily_date=day,
        bank=bank,
        question_id=question,
        topic="basics",
        difficulty="medium",
        posted_at=utc(day.year, day.month, day.day, 8, 30),
        closes_at=utc(day.year, day.month, day.day, 20, 30),
    )


async def test_set_get_and_update_keep_last_posted_on(store: Store) -> None:
    created = await set_default(store, reveal_hours=12)
    assert created == Schedule(1, 10, "09:30", "Europe/Berlin", "flask", None, 12, True, None)
    assert await store.get_schedule(1) == created
    assert await store.get_schedule(2) is None
    await post_daily(store, date(2026, 3, 29))
    updated = await set_default(store, channel_id=11, local_time="18:05", timezone="Asia/Tokyo", topic="routing")
    assert updated == Schedule(1, 11, "18:05", "Asia/Tokyo", "flask", "routing", None, True, date(2026, 3, 29))


async def test_disable_and_reactivate(store: Store) -> None:
    await set_default(store, guild=3)
    await set_default(store, guild=1)
    await set_default(store, guild=2)
    assert [s.guild_id for s in await store.active_schedules()] == [1, 2, 3]
    assert await store.disable_schedule(2) is True
    assert await store.disable_schedule(99) is False
    assert [s.guild_id for s in await store.active_schedules()] == [1, 3]
    disabled = await store.get_schedule(2)
    assert disabled is not None and disabled.active is False
    again = await set_default(store, guild=2)
    assert again.active is True
    assert [s.guild_id for s in await store.active_schedules()] == [1, 2, 3]


@pytest.mark.parametrize(
    "overrides",
    [
        {"local_time": "24:00"},
        {"local_time": "9:30"},
        {"local_time": "09:60"},
        {"local_time": "09:30:00"},
        {"timezone": "Europe/Gotham"},
        {"reveal_hours": -1},
        {"reveal_hours": 1.5},
    ],
)
async def test_invalid_schedules_are_refused(store: Store, overrides: dict) -> None:
    with pytest.raises(ValueError):
        await set_default(store, **overrides)
    assert await store.get_schedule(1) is None


async def test_daily_post_is_created_once_per_date(store: Store) -> None:
    await set_default(store)
    first = await post_daily(store, date(2026, 3, 29))
    assert isinstance(first, Post)
    assert (first.kind, first.daily_date, first.question_id) == ("daily", date(2026, 3, 29), "q1")
    assert (first.posted_at, first.closes_at) == (utc(2026, 3, 29, 8, 30), utc(2026, 3, 29, 20, 30))
    assert await post_daily(store, date(2026, 3, 29), question="q2") is None  # same date: nothing
    assert await post_daily(store, date(2026, 3, 28), question="q3") is None  # an older date: nothing
    schedule = await store.get_schedule(1)
    assert schedule is not None and schedule.last_posted_on == date(2026, 3, 29)
    second = await post_daily(store, date(2026, 3, 30), question="q4")
    assert second is not None and second.daily_date == date(2026, 3, 30)
    assert await store.recent_daily_question_ids(1) == ["q4", "q1"]
    assert [p.id for p in await store.open_posts("daily")] == [first.id, second.id]


async def test_concurrent_daily_posts_for_one_date_make_one_post(store: Store) -> None:
    await set_default(store)
    results = await asyncio.gather(*(post_daily(store, date(2026, 4, 1), question=f"q{i}") for i in range(8)))
    assert sum(r is not None for r in results) == 1
    assert len(await store.open_posts("daily")) == 1


async def test_daily_post_and_last_posted_on_are_one_transaction(store: Store) -> None:
    await set_default(store)
    with pytest.raises(ValueError, match="bank"):
        await post_daily(store, date(2026, 4, 1), bank="")  # the post insert fails after the schedule update
    schedule = await store.get_schedule(1)
    assert schedule is not None and schedule.last_posted_on is None  # rolled back with it
    assert await post_daily(store, date(2026, 4, 1)) is not None


async def test_a_daily_post_already_present_for_the_date_is_not_doubled(store: Store) -> None:
    await set_default(store)
    # A daily post made outside the schedule (e.g. by an older version) already covers the date.
    await store.create_post(
        guild_id=1,
        channel_id=10,
        kind="daily",
        bank="flask",
        question_id="manual",
        topic="basics",
        difficulty="easy",
        posted_at=utc(2026, 4, 1, 8),
        daily_date=date(2026, 4, 1),
    )
    assert await post_daily(store, date(2026, 4, 1)) is None
    schedule = await store.get_schedule(1)
    assert schedule is not None and schedule.last_posted_on is None


async def test_daily_post_without_a_schedule_is_an_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no daily schedule"):
        await post_daily(store, date(2026, 4, 1), guild=5)
    assert await store.open_posts() == []


async def test_schedule_survives_disable_for_posting_state(store: Store) -> None:
    await set_default(store)
    await post_daily(store, date(2026, 4, 1))
    await store.disable_schedule(1)
    reactivated = await set_default(store)
    assert reactivated.last_posted_on == date(2026, 4, 1)
    assert await post_daily(store, date(2026, 4, 1)) is None


async def test_skip_daily_through_only_moves_forward(store: Store) -> None:
    await store.set_schedule(guild_id=77, channel_id=1, local_time="09:00", timezone="UTC", bank=None, topic=None)
    assert await store.skip_daily_through(77, date(2026, 3, 2))
    assert (await store.get_schedule(77)).last_posted_on == date(2026, 3, 2)
    assert not await store.skip_daily_through(77, date(2026, 3, 1))
    assert (await store.get_schedule(77)).last_posted_on == date(2026, 3, 2)
    assert not await store.skip_daily_through(78, date(2026, 3, 2))


async def test_a_skipped_date_can_be_posted_once_on_request(store: Store) -> None:
    await store.set_schedule(guild_id=78, channel_id=1, local_time="09:00", timezone="UTC", bank=None, topic=None)
    day = date(2026, 3, 2)
    await store.skip_daily_through(78, day)
    common = {"guild_id": 78, "channel_id": 1, "daily_date": day, "bank": "b", "question_id": "q", "topic": "t",
              "difficulty": "easy", "posted_at": utc(2026, 3, 2, 10), "closes_at": None}
    assert await store.create_daily_post(**common) is None  # the scheduler never posts a handled date
    post = await store.create_daily_post(**common, even_if_skipped=True)
    assert post is not None and post.daily_date == day
    assert await store.create_daily_post(**common, even_if_skipped=True) is None  # but never twice
    assert len([p for p in await store.open_posts("daily") if p.guild_id == 78]) == 1


async def test_correcting_a_passed_time_to_a_later_one_today_still_posts_today(store: Store) -> None:
    # 10:00 in Berlin: /daily set 09:30 has passed, so today is marked handled (the first question is tomorrow's).
    today = date(2026, 3, 2)
    await set_default(store, local_time="09:30")
    await store.skip_daily_through(1, today)
    # Corrected to 18:00: today's question is still to come.
    corrected = await set_default(store, local_time="18:00")
    assert corrected.last_posted_on is None
    d = decide(time(18), ZoneInfo("Europe/Berlin"), utc(2026, 3, 2, 17), corrected.last_posted_on, timedelta(hours=1))
    assert d.post and d.daily_date == today
    assert await post_daily(store, today) is not None


async def test_re_setting_keeps_the_last_date_really_posted(store: Store) -> None:
    await set_default(store)
    await post_daily(store, date(2026, 3, 1))
    await store.skip_daily_through(1, date(2026, 3, 3))  # 2 and 3 March only marked as handled
    again = await set_default(store, local_time="20:00")
    assert again.last_posted_on == date(2026, 3, 1)
    assert await post_daily(store, date(2026, 3, 1)) is None  # a posted date is never posted twice
