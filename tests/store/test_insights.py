"""Chart figures from the store: a member's points per local week; the key points a server misses most."""

from __future__ import annotations

from datetime import date, timedelta

from bot.store import Store
from bot.store.insights import MissedPoint, WeekPoints, week_starts

from .conftest import make_post, utc

NOW = utc(2026, 3, 25, 12)  # a Wednesday
TZ = "Europe/Berlin"


async def answer(store: Store, user: int, at_days_ago: float, points: float, *, guild: int = 1,
                 misses: tuple[str, ...] = (), question: str = "q1", topic: str = "basics") -> None:
    at = NOW - timedelta(days=at_days_ago)
    post = await make_post(store, guild=guild, question=question, topic=topic, at=at)
    await store.record_answer(post_id=post.id, user_id=user, response="r", score=0.5 if misses else 0.9,
                              verdict="fail" if misses else "pass", points=points, hits=[], misses=list(misses),
                              answered_at=at, passed=not misses)


def test_week_starts_are_local_mondays_oldest_first() -> None:
    starts = week_starts(NOW, TZ, 3)
    assert starts == [date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)]
    # 23:30 UTC on Sunday is already Monday in Berlin.
    assert week_starts(utc(2026, 3, 29, 23, 30), TZ, 1) == [date(2026, 3, 30)]


async def test_weekly_points_bucket_by_local_week(store: Store) -> None:
    await answer(store, 7, 0, 1.5)      # this week (Wed)
    await answer(store, 7, 2, 2.0)      # Monday of this week
    await answer(store, 7, 3, 4.0)      # last Sunday
    await answer(store, 7, 7 * 11, 8.0)  # 11 weeks back: the oldest bucket
    await answer(store, 7, 7 * 13, 100.0)  # too old
    await answer(store, 8, 0, 50.0)     # someone else
    await answer(store, 7, 0, 50.0, guild=2)  # another server
    weeks = await store.weekly_points(1, 7, now=NOW, tz=TZ)
    assert len(weeks) == 12
    assert weeks[-1] == WeekPoints(date(2026, 3, 23), 3.5, 2)
    assert weeks[-2] == WeekPoints(date(2026, 3, 16), 4.0, 1)
    assert weeks[0] == WeekPoints(date(2026, 1, 5), 8.0, 1)
    assert sum(w.answers for w in weeks) == 4
    assert all(w.points == 0 for w in await store.weekly_points(1, 9, now=NOW, tz=TZ))


async def test_missed_points_most_missed_first_with_their_question_answers(store: Store) -> None:
    for user in range(5):
        await answer(store, user, 1, 0.5, misses=("extensions",) if user < 4 else (), question="micro")
    for user in range(3):
        await answer(store, user, 1, 0.5, misses=("url_for", "endpoint"), question="urls", topic="routing")
    await answer(store, 1, 40, 0.5, misses=("old",), question="old")  # outside this month
    await answer(store, 1, 1, 0.5, misses=("other server",), guild=2)
    month = await store.missed_points(1, "month", now=NOW, tz=TZ)
    assert month == [
        MissedPoint("flask", "basics", "micro", "extensions", 4, 5),
        MissedPoint("flask", "routing", "urls", "endpoint", 3, 3),
        MissedPoint("flask", "routing", "urls", "url_for", 3, 3),
    ]
    assert month[0].miss_rate == 0.8
    everything = await store.missed_points(1, "all", now=NOW, tz=TZ, limit=2)
    assert [m.point for m in everything] == ["extensions", "endpoint"]
    assert [m.point for m in await store.missed_points(1, "all", now=NOW, tz=TZ)][-1] == "old"
    assert await store.missed_points(3, "week", now=NOW, tz=TZ) == []
