"""Leaderboards and stats against an independent pure-Python model on random data, in several zones.

The model decides membership of a period by comparing local calendar fields (ISO year and week, year and
month) rather than by computing period start instants, so it checks the store's arithmetic independently.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.store import LeaderRow, open_store, period_bounds
from bot.store.db import from_us

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]
START = datetime(2026, 2, 20, tzinfo=UTC)
TOPICS = [("flask", "basics"), ("flask", "routing"), ("django", "basics"), ("django", "orm")]


def in_period(at: datetime, now: datetime, period: str, tz: str) -> bool:
    """Whether `at` falls in the period containing `now`, by local calendar fields."""
    if at > now:
        return False
    if period == "all":
        return True
    a, n = at.astimezone(ZoneInfo(tz)), now.astimezone(ZoneInfo(tz))
    if period == "week":
        return a.isocalendar()[:2] == n.isocalendar()[:2]
    return (a.year, a.month) == (n.year, n.month)


Row = tuple[int, datetime, int, int, str, str]  # user, answered_at, milli-points, passed, bank, topic


def model_board(
    rows: list[Row], now: datetime, period: str, tz: str, bank: str | None, topic: str | None
) -> list[LeaderRow]:
    """The leaderboard computed in plain Python."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for user, at, milli, passed, b, t in rows:
        if in_period(at, now, period, tz) and bank in (None, b) and topic in (None, t):
            totals[user][0] += milli
            totals[user][1] += 1
            totals[user][2] += passed
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return [LeaderRow(i + 1, user, pts / 1000, n, ok, ok / n) for i, (user, (pts, n, ok)) in enumerate(ordered)]


@pytest.mark.parametrize("seed", range(4))
async def test_store_matches_the_model(seed: int) -> None:
    rng = random.Random(seed)
    tz = ZONES[seed % len(ZONES)]
    store = await open_store(":memory:")
    try:
        rows: list[Row] = []
        for _ in range(150):
            bank, topic = rng.choice(TOPICS)
            # Around the end of March (Berlin and New York have both changed to summer time by then).
            at = START + timedelta(minutes=rng.randrange(60 * 24 * 45))
            post = await store.create_post(
                guild_id=1, channel_id=1, kind="quiz", bank=bank, question_id="q", topic=topic,
                difficulty="easy", posted_at=at,
            )  # fmt: skip
            user = rng.randrange(12)
            milli = rng.randrange(0, 3000)
            passed = rng.random() < 0.5
            await store.record_answer(
                post_id=post.id, user_id=user, response="r", score=0.5, verdict="pass" if passed else "fail",
                points=milli / 1000, hits=[], misses=[], answered_at=at, passed=passed,
            )  # fmt: skip
            rows.append((user, at, milli, int(passed), bank, topic))
        for _ in range(12):
            now = START + timedelta(minutes=rng.randrange(60 * 24 * 50))
            for period in ("week", "month", "all"):
                for bank, topic in [(None, None), ("flask", None), (None, "basics"), ("django", "basics")]:
                    expected = model_board(rows, now, period, tz, bank, topic)
                    kw = {"now": now, "tz": tz, "bank": bank, "topic": topic}
                    assert await store.leaderboard(1, period, limit=100, **kw) == expected
                    assert await store.leaderboard_size(1, period, **kw) == len(expected)
                    user = rng.randrange(12)
                    info = await store.member_rank(1, user, period, neighbours=2, **kw)
                    mine = [i for i, r in enumerate(expected) if r.user_id == user]
                    if not mine:
                        assert info is None
                    else:
                        i = mine[0]
                        assert info is not None
                        assert (info.row, info.total) == (expected[i], len(expected))
                        assert (info.above, info.below) == (expected[max(0, i - 2) : i], expected[i + 1 : i + 3])
    finally:
        await store.close()


@settings(max_examples=300, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)),
    tz=st.sampled_from([*ZONES, "America/Asuncion", "Africa/Casablanca", "Pacific/Chatham", "America/St_Johns"]),
)
def test_period_start_is_the_first_instant_of_the_local_week_and_month(now: datetime, tz: str) -> None:
    zone = ZoneInfo(tz)
    for period in ("week", "month"):
        start_us, end_us = period_bounds(period, now, tz)
        start, end = from_us(start_us), from_us(end_us)
        assert end == now and start <= now
        assert in_period(start, now, period, tz)  # the start is inside the period…
        before = start - timedelta(microseconds=1)
        assert not in_period(before, now, period, tz)  # …and the instant before it is not
        local = start.astimezone(zone)
        first: date = local.date()
        assert first.weekday() == 0 if period == "week" else first.day == 1
