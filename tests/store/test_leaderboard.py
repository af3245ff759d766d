"""Leaderboards, ranks and personal stats on small hand-built data with exact expected values."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.store import LeaderRow, MemberStats, Post, RankInfo, Store, TopicStat, period_bounds
from bot.store.db import from_us

from .conftest import answer_new_post, make_answer, make_post, utc

US = timedelta(microseconds=1)


def bounds(period: str, now: datetime, tz: str) -> tuple[datetime, datetime]:
    start, end = period_bounds(period, now, tz)
    return from_us(start), from_us(end)


# --- period arithmetic --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "now", "week_start", "month_start"),
    [
        # Europe/Berlin, spring forward on Sunday 2026-03-29 (02:00 CET -> 03:00 CEST).
        # Sunday afternoon: the week began on Monday 23 March at 00:00 CET (+01:00).
        ("Europe/Berlin", utc(2026, 3, 29, 12), utc(2026, 3, 22, 23), utc(2026, 2, 28, 23)),
        # Monday 00:30 CEST: a new week began at 00:00 CEST (+02:00).
        ("Europe/Berlin", utc(2026, 3, 29, 22, 30), utc(2026, 3, 29, 22), utc(2026, 2, 28, 23)),
        # April 1st 00:00 CEST.
        ("Europe/Berlin", utc(2026, 3, 31, 22), utc(2026, 3, 29, 22), utc(2026, 3, 31, 22)),
        # Europe/Berlin, fall back on Sunday 2026-10-25 (03:00 CEST -> 02:00 CET).
        # Sunday noon: the week began on Monday 19 October 00:00 CEST (+02:00); October 1st 00:00 CEST.
        ("Europe/Berlin", utc(2026, 10, 25, 12), utc(2026, 10, 18, 22), utc(2026, 9, 30, 22)),
        # Monday 00:00 CET (+01:00).
        ("Europe/Berlin", utc(2026, 10, 25, 23), utc(2026, 10, 25, 23), utc(2026, 9, 30, 22)),
        # November 1st 00:00 CET.
        ("Europe/Berlin", utc(2026, 11, 1, 9), utc(2026, 10, 25, 23), utc(2026, 10, 31, 23)),
        # America/New_York, spring forward on Sunday 2026-03-08: the week began Monday 2 March 00:00 EST.
        ("America/New_York", utc(2026, 3, 8, 20), utc(2026, 3, 2, 5), utc(2026, 3, 1, 5)),
        # Monday 9 March 00:00 EDT (-04:00).
        ("America/New_York", utc(2026, 3, 9, 4), utc(2026, 3, 9, 4), utc(2026, 3, 1, 5)),
        # Fall back on Sunday 2026-11-01: November began at 00:00 EDT, before the change.
        ("America/New_York", utc(2026, 11, 1, 12), utc(2026, 10, 26, 4), utc(2026, 11, 1, 4)),
        # One microsecond before local midnight of a new month is still the old month (and week).
        ("America/New_York", utc(2026, 11, 1, 4) - US, utc(2026, 10, 26, 4), utc(2026, 10, 1, 4)),
        ("UTC", utc(2026, 1, 1), utc(2025, 12, 29), utc(2026, 1, 1)),
        # Local midnight that does not exist: Asuncion skipped 00:00-01:00 on 1 October 2023 (-04 -> -03);
        # the month starts at the first instant of the day, 01:00 -03.
        ("America/Asuncion", utc(2023, 10, 1, 12), utc(2023, 9, 25, 4), utc(2023, 10, 1, 4)),
        # Casablanca skipped 00:00-01:00 on Monday 1 June 2009 (+00 -> +01): week and month start at 01:00 +01.
        ("Africa/Casablanca", utc(2009, 6, 1, 12), utc(2009, 6, 1), utc(2009, 6, 1)),
    ],
)
def test_period_bounds_are_local_midnights(tz: str, now: datetime, week_start: datetime, month_start: datetime) -> None:
    assert bounds("week", now, tz) == (week_start, now)
    assert bounds("month", now, tz) == (month_start, now)
    start, end = bounds("all", now, tz)
    assert start < utc(1900, 1, 1) and end == now


def test_period_bounds_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="period"):
        period_bounds("year", utc(2026, 1, 1), "UTC")
    with pytest.raises(ValueError, match="time zone"):
        period_bounds("week", utc(2026, 1, 1), "Europe/Atlantis")
    with pytest.raises(ValueError, match="aware"):
        period_bounds("week", datetime(2026, 1, 1), "UTC")


# --- leaderboards around DST changes -----------------------------------------------------------------------


def rows(board: list[LeaderRow]) -> list[tuple[int, int, float, int, int]]:
    return [(r.rank, r.user_id, r.points, r.answers, r.passed) for r in board]


async def test_berlin_week_and_month_around_spring_forward(store: Store) -> None:
    now = utc(2026, 3, 30, 10)  # Monday 12:00 CEST; week from 2026-03-29T22:00Z, month from 2026-02-28T23:00Z
    await answer_new_post(store, 1, at=utc(2026, 3, 29, 22) - US, points=5)  # Sunday 23:59:59.999999 CEST
    await answer_new_post(store, 1, at=utc(2026, 3, 29, 22), points=2)  # Monday 00:00 CEST
    await answer_new_post(store, 2, at=utc(2026, 3, 30, 9), points=3, passed=False)
    await answer_new_post(store, 3, at=utc(2026, 2, 28, 23) - US, points=10)  # 28 Feb 23:59:59.999999 CET
    await answer_new_post(store, 3, at=utc(2026, 2, 28, 23), points=1, passed=False)  # 1 March 00:00 CET
    await answer_new_post(store, 4, at=now + US, points=100)  # after `now`: never counted
    await answer_new_post(store, 5, at=utc(2026, 3, 30, 1), points=50, guild=2)  # another guild

    tz = "Europe/Berlin"
    assert rows(await store.leaderboard(1, "week", now=now, tz=tz)) == [(1, 2, 3.0, 1, 0), (2, 1, 2.0, 1, 1)]
    assert rows(await store.leaderboard(1, "month", now=now, tz=tz)) == [
        (1, 1, 7.0, 2, 2),
        (2, 2, 3.0, 1, 0),
        (3, 3, 1.0, 1, 0),
    ]
    assert rows(await store.leaderboard(1, "all", now=now, tz=tz)) == [
        (1, 3, 11.0, 2, 1),
        (2, 1, 7.0, 2, 2),
        (3, 2, 3.0, 1, 0),
    ]
    # The same data seen from UTC: the week starts two hours later and March starts an hour later.
    assert rows(await store.leaderboard(1, "week", now=now, tz="UTC")) == [(1, 2, 3.0, 1, 0)]
    assert rows(await store.leaderboard(1, "month", now=now, tz="UTC")) == [(1, 1, 7.0, 2, 2), (2, 2, 3.0, 1, 0)]
    board = await store.leaderboard(1, "all", now=now, tz=tz)
    assert [r.accuracy for r in board] == [0.5, 1.0, 0.0]
    assert [await store.leaderboard_size(1, p, now=now, tz=tz) for p in ("week", "month", "all")] == [2, 3, 3]


async def test_berlin_week_around_fall_back(store: Store) -> None:
    tz = "Europe/Berlin"
    # Week of Monday 19 October began 2026-10-18T22:00Z (CEST) although "now" is already in CET.
    await answer_new_post(store, 1, at=utc(2026, 10, 18, 22, 30), points=1)  # Monday 00:30 CEST: this week
    await answer_new_post(store, 2, at=utc(2026, 10, 18, 21, 30), points=1)  # Sunday 23:30 CEST: last week
    await answer_new_post(store, 3, at=utc(2026, 10, 25, 22, 30), points=1)  # Sunday 23:30 CET
    await answer_new_post(store, 4, at=utc(2026, 10, 25, 23), points=1)  # Monday 26 October 00:00 CET
    sunday = utc(2026, 10, 25, 22, 45)
    monday = utc(2026, 10, 26, 6)
    assert [r.user_id for r in await store.leaderboard(1, "week", now=sunday, tz=tz)] == [1, 3]
    assert [r.user_id for r in await store.leaderboard(1, "week", now=monday, tz=tz)] == [4]


async def test_new_york_boundaries_across_both_changes(store: Store) -> None:
    tz = "America/New_York"
    await answer_new_post(store, 1, at=utc(2026, 3, 2, 4, 30), points=1)  # Sunday 1 March 23:30 EST
    await answer_new_post(store, 2, at=utc(2026, 3, 2, 5), points=1)  # Monday 2 March 00:00 EST
    await answer_new_post(store, 3, at=utc(2026, 11, 1, 4) - US, points=1)  # 31 Oct 23:59:59.999999 EDT
    await answer_new_post(store, 4, at=utc(2026, 11, 1, 4, 30), points=1)  # 1 Nov 00:30 EDT
    spring = utc(2026, 3, 8, 20)  # Sunday, after the change to EDT
    assert [r.user_id for r in await store.leaderboard(1, "week", now=spring, tz=tz)] == [2]
    assert [r.user_id for r in await store.leaderboard(1, "month", now=spring, tz=tz)] == [1, 2]
    autumn = utc(2026, 11, 1, 12)  # Sunday, after the change to EST
    assert [r.user_id for r in await store.leaderboard(1, "month", now=autumn, tz=tz)] == [4]
    assert [r.user_id for r in await store.leaderboard(1, "week", now=autumn, tz=tz)] == [3, 4]


# --- filters, ordering, paging -----------------------------------------------------------------------------


@pytest.fixture
async def banks(store: Store) -> Store:
    """Guild 2 with two banks sharing a topic name."""
    at = utc(2026, 5, 5)
    for user, bank, topic, points, passed in [
        (10, "flask", "basics", 1.0, True),
        (10, "flask", "routing", 2.0, True),
        (10, "django", "basics", 0.5, False),
        (11, "django", "basics", 4.0, True),
        (12, "flask", "basics", 1.0, False),
        (12, "flask", "basics", 1.0, True),
    ]:
        await answer_new_post(store, user, at=at, points=points, passed=passed, guild=2, bank=bank, topic=topic)
    return store


@pytest.mark.parametrize(
    ("bank", "topic", "expected", "size"),
    [
        (None, None, [(1, 11, 4.0, 1, 1), (2, 10, 3.5, 3, 2), (3, 12, 2.0, 2, 1)], 3),
        ("flask", None, [(1, 10, 3.0, 2, 2), (2, 12, 2.0, 2, 1)], 2),
        (None, "basics", [(1, 11, 4.0, 1, 1), (2, 12, 2.0, 2, 1), (3, 10, 1.5, 2, 1)], 3),
        ("flask", "basics", [(1, 12, 2.0, 2, 1), (2, 10, 1.0, 1, 1)], 2),
        ("django", "routing", [], 0),
        ("rust", None, [], 0),
    ],
)
async def test_bank_and_topic_filters(
    banks: Store, bank: str | None, topic: str | None, expected: list[tuple], size: int
) -> None:
    now = utc(2026, 5, 6)
    for period in ("week", "month", "all"):
        board = await banks.leaderboard(2, period, now=now, tz="Asia/Kolkata", bank=bank, topic=topic)
        assert rows(board) == expected
        assert await banks.leaderboard_size(2, period, now=now, tz="Asia/Kolkata", bank=bank, topic=topic) == size


async def test_ties_break_on_answers_then_user_id_and_paging(store: Store) -> None:
    at = utc(2026, 1, 1)
    await answer_new_post(store, 20, at=at, points=1.5)
    await answer_new_post(store, 20, at=at, points=0.5)
    await answer_new_post(store, 21, at=at, points=2.0)
    await answer_new_post(store, 19, at=at, points=2.0)
    await answer_new_post(store, 22, at=at, points=0.0)
    now = utc(2026, 1, 2)
    assert rows(await store.leaderboard(1, "all", now=now, tz="UTC")) == [
        (1, 20, 2.0, 2, 2),
        (2, 19, 2.0, 1, 1),
        (3, 21, 2.0, 1, 1),
        (4, 22, 0.0, 1, 1),
    ]
    assert rows(await store.leaderboard(1, "all", now=now, tz="UTC", limit=2, offset=1)) == [
        (2, 19, 2.0, 1, 1),
        (3, 21, 2.0, 1, 1),
    ]
    assert await store.leaderboard(1, "all", now=now, tz="UTC", offset=10) == []
    assert await store.leaderboard(1, "all", now=now, tz="UTC", limit=0) == []
    with pytest.raises(ValueError):
        await store.leaderboard(1, "all", now=now, tz="UTC", limit=-1)
    with pytest.raises(ValueError, match="period"):
        await store.leaderboard(1, "decade", now=now, tz="UTC")


async def test_point_sums_are_exact(store: Store) -> None:
    post_at = utc(2026, 1, 1)
    for _ in range(10):
        await answer_new_post(store, 1, at=post_at, points=0.1)
    await answer_new_post(store, 2, at=post_at, points=1.0)
    board = await store.leaderboard(1, "all", now=utc(2026, 1, 2), tz="UTC")
    # 10 x 0.1 is exactly 1.0, so the tie is broken by answers (member 1) and not by float noise.
    assert rows(board) == [(1, 1, 1.0, 10, 10), (2, 2, 1.0, 1, 1)]


# --- member rank -------------------------------------------------------------------------------------------


async def test_member_rank_with_neighbours(store: Store) -> None:
    at = utc(2026, 6, 1)
    for user, points in [(1, 50), (2, 40), (3, 30), (4, 20), (5, 10)]:
        await answer_new_post(store, user, at=at, points=points)
    await answer_new_post(store, 3, at=at, points=5, topic="routing", passed=False)
    now = utc(2026, 6, 2)

    def line(rank: int, user: int, points: float, answers: int = 1, passed: int = 1) -> LeaderRow:
        return LeaderRow(rank, user, points, answers, passed, passed / answers)

    assert await store.member_rank(1, 3, "all", now=now, tz="UTC", neighbours=2) == RankInfo(
        row=line(3, 3, 35.0, 2, 1),
        total=5,
        above=[line(1, 1, 50.0), line(2, 2, 40.0)],
        below=[line(4, 4, 20.0), line(5, 5, 10.0)],
    )
    assert await store.member_rank(1, 1, "week", now=now, tz="UTC") == RankInfo(
        row=line(1, 1, 50.0), total=5, above=[], below=[line(2, 2, 40.0)]
    )
    assert await store.member_rank(1, 5, "month", now=now, tz="UTC", neighbours=0) == RankInfo(
        row=line(5, 5, 10.0), total=5, above=[], below=[]
    )
    assert await store.member_rank(1, 3, "all", now=now, tz="UTC", topic="routing") == RankInfo(
        row=line(1, 3, 5.0, 1, 0), total=1, above=[], below=[]
    )
    assert await store.member_rank(1, 3, "all", now=now, tz="UTC", bank="flask", topic="basics") == RankInfo(
        row=line(3, 3, 30.0), total=5, above=[line(2, 2, 40.0)], below=[line(4, 4, 20.0)]
    )
    assert await store.member_rank(1, 99, "all", now=now, tz="UTC") is None
    assert await store.member_rank(2, 3, "all", now=now, tz="UTC") is None
    # Period in a zone: 2026-06-01T00:00Z is still May 31st in New York, so June has nobody yet.
    assert await store.member_rank(1, 3, "month", now=utc(2026, 6, 1, 3), tz="America/New_York") is not None
    assert await store.member_rank(1, 3, "month", now=utc(2026, 6, 1, 5), tz="America/New_York") is None


# --- personal stats and streaks ----------------------------------------------------------------------------


class Dailies:
    """Daily posts of guild 1, one per local date, created on first use."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.posts: dict[date, Post] = {}

    async def answer(self, user: int, day: date, *, passed: bool = True) -> None:
        if day not in self.posts:
            self.posts[day] = await make_post(
                self.store, kind="daily", question=f"q-{day}", at=utc(day.year, day.month, day.day, 7), daily_date=day
            )
        post = self.posts[day]
        await make_answer(self.store, post, user, passed=passed, at=post.posted_at + timedelta(hours=2))


async def test_member_stats_topics_and_pass_rates(store: Store) -> None:
    at = utc(2026, 4, 1)
    for topic, results in [
        ("basics", [True, False, False]),
        ("routing", [True, True]),
        ("templates", [False]),
        ("deploy", [True, False]),
    ]:
        for i, passed in enumerate(results):
            await answer_new_post(store, 7, at=at, points=0.5 + i, passed=passed, topic=topic)
    await answer_new_post(store, 7, at=utc(2026, 4, 3), points=9, topic="later")  # after now: not counted
    await answer_new_post(store, 7, at=at, points=9, guild=2)  # another guild: not counted
    await answer_new_post(store, 8, at=at, points=9)  # another member: not counted
    stats = await store.member_stats(1, 7, now=utc(2026, 4, 2), tz="UTC")
    assert stats == MemberStats(
        points=0.5 + 1.5 + 2.5 + 0.5 + 1.5 + 0.5 + 0.5 + 1.5,
        answers=8,
        passed=4,
        pass_rate=0.5,
        topics=[
            TopicStat("basics", 3, 1, 1 / 3),
            TopicStat("deploy", 2, 1, 0.5),
            TopicStat("routing", 2, 2, 1.0),
            TopicStat("templates", 1, 0, 0.0),
        ],
        strongest=["routing", "deploy"],
        weakest=["templates", "basics"],
        current_streak=0,
        best_streak=0,
    )


async def test_member_stats_of_a_stranger_are_zero(store: Store) -> None:
    assert await store.member_stats(1, 404, now=utc(2026, 1, 1), tz="UTC") == MemberStats(
        0.0, 0, 0, 0.0, [], [], [], 0, 0
    )


async def test_streaks_count_consecutive_local_daily_dates(store: Store) -> None:
    dailies = Dailies(store)
    for day in [date(2026, 3, d) for d in (1, 2, 3, 5, 6, 7, 8, 28, 29)]:
        await dailies.answer(7, day, passed=day.day != 6)  # a failed answer still keeps the streak
    await dailies.answer(8, date(2026, 3, 4))  # someone else's day does not bridge the gap
    await answer_new_post(store, 7, at=utc(2026, 3, 4, 12), points=1)  # a quiz answer is not a daily answer

    async def streak(now: datetime, tz: str) -> tuple[int, int]:
        s = await store.member_stats(1, 7, now=now, tz=tz)
        return s.current_streak, s.best_streak

    # Sunday 29 March 23:30 CEST: today (29th) answered -> 2.
    assert await streak(utc(2026, 3, 29, 21, 30), "Europe/Berlin") == (2, 4)
    # Monday 30 March 00:30 CEST: today not answered yet, yesterday was -> still 2.
    assert await streak(utc(2026, 3, 29, 22, 30), "Europe/Berlin") == (2, 4)
    # Tuesday 31 March 00:30 CEST: neither today nor yesterday -> broken.
    assert await streak(utc(2026, 3, 30, 22, 30), "Europe/Berlin") == (0, 4)
    # The same instant in UTC is still Monday 30th -> yesterday (29th) counts.
    assert await streak(utc(2026, 3, 30, 22, 30), "UTC") == (2, 4)
    # Looking back from 3 March: the later days are in the future and do not count.
    assert await streak(utc(2026, 3, 3, 12), "UTC") == (3, 3)
    other = await store.member_stats(1, 8, now=utc(2026, 3, 4, 12), tz="UTC")
    assert (other.current_streak, other.best_streak) == (1, 1)
