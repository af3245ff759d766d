"""Figures for charts: a member's points per local week, and the key points a server misses most.

Points per week read the member's covering index (``ix_answers_member``) for the weeks asked and bucket them by
local Monday in Python (DST moves a local week's bounds by an hour, so equal-width SQL buckets would be wrong).
Missed key points unnest each answer's ``misses`` JSON array (SQLite's ``json_each``, PostgreSQL's
``jsonb_array_elements_text``).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.store.db import Database, to_us, zone
from bot.store.leaderboard import period_bounds

WEEKS = 12


@dataclass(frozen=True, slots=True)
class WeekPoints:
    """A member's points and answers in one local week (Monday to Sunday)."""

    start: date
    points: float
    answers: int


@dataclass(frozen=True, slots=True)
class MissedPoint:
    """A key point the server missed: how many answers to its question missed it, out of how many."""

    bank: str
    topic: str
    question_id: str
    point: str
    misses: int
    answers: int

    @property
    def miss_rate(self) -> float:
        """Share of the question's answers that missed this point."""
        return self.misses / self.answers if self.answers else 0.0


_MEMBER_POINTS = """
SELECT answered_at, points FROM answers INDEXED BY ix_answers_member
WHERE guild_id = ? AND user_id = ? AND answered_at >= ? AND answered_at <= ?
"""
_MISSED = """
SELECT a.bank, a.topic, p.question_id, m.value AS point, count(*) AS misses
FROM answers a JOIN posts p ON p.id = a.post_id, {unnest}
WHERE a.guild_id = :guild AND a.answered_at >= :start AND a.answered_at <= :end
GROUP BY a.bank, a.topic, p.question_id, m.value
ORDER BY misses DESC, a.topic, m.value
LIMIT :limit
"""
MISSED_SQL = {  # one JSON array element per row: `misses` is a JSON array of key point texts
    "sqlite": _MISSED.format(unnest="json_each(a.misses) AS m"),
    "postgresql": _MISSED.format(unnest="jsonb_array_elements_text(a.misses::jsonb) AS m (value)"),
}
_ANSWERS_PER_QUESTION = """
SELECT a.bank, p.question_id, count(*) AS n
FROM answers a JOIN posts p ON p.id = a.post_id
WHERE a.guild_id = :guild AND a.answered_at >= :start AND a.answered_at <= :end
GROUP BY a.bank, p.question_id
"""


def week_starts(now: datetime, tz: str, weeks: int = WEEKS) -> list[date]:
    """The local Mondays of the last `weeks` weeks, oldest first, the current week last."""
    today = now.astimezone(zone(tz)).date()
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


class InsightsMixin:
    """Store methods behind the /stats and /insights charts."""

    _db: Database

    async def weekly_points(self, guild_id: int, user_id: int, *, now: datetime, tz: str,
                            weeks: int = WEEKS) -> list[WeekPoints]:
        """The member's points and answers per local week over the last `weeks` weeks, oldest first."""
        if weeks < 1:
            raise ValueError("weeks must be >= 1")
        zone_info = zone(tz)
        starts = week_starts(now, tz, weeks)
        bounds = [to_us(datetime.combine(d, time(0), tzinfo=zone_info)) for d in starts]
        rows = await self._db.fetchall(_MEMBER_POINTS, (guild_id, user_id, bounds[0], to_us(now)))
        points = [0] * weeks
        answers = [0] * weeks
        for r in rows:
            i = bisect.bisect_right(bounds, r["answered_at"]) - 1
            points[i] += r["points"]
            answers[i] += 1
        return [WeekPoints(d, p / 1000, n) for d, p, n in zip(starts, points, answers, strict=True)]

    async def missed_points(self, guild_id: int, period: str, *, now: datetime, tz: str,
                            limit: int = 10) -> list[MissedPoint]:
        """The key points the server missed most in the period (week, month or all), most missed first."""
        start, end = period_bounds(period, now, tz)
        params = {"guild": guild_id, "start": start, "end": end, "limit": limit}
        async with self._db.snapshot() as tx:
            missed = await tx.fetchall(MISSED_SQL[getattr(self._db, "dialect", "sqlite")], params)
            totals = {(r["bank"], r["question_id"]): int(r["n"])
                      for r in await tx.fetchall(_ANSWERS_PER_QUESTION, params)} if missed else {}
        return [MissedPoint(r["bank"], r["topic"], r["question_id"], r["point"], int(r["misses"]),
                            totals.get((r["bank"], r["question_id"]), 0)) for r in missed]


__all__ = ["WEEKS", "InsightsMixin", "MissedPoint", "WeekPoints", "week_starts"]
