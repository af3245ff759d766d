"""Leaderboards (week, month, all time; optional bank/topic filter), ranks, personal stats and streaks.

Every figure is an SQL aggregate over a covering index of `answers` (see migrations/0001_initial.sql);
periods start at local midnight of the week's Monday or the month's first day in the given IANA zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.store.db import Database, date_text, to_us, zone

PERIODS: tuple[str, ...] = ("week", "month", "all")
_ALL_START = to_us(datetime(1, 1, 1, tzinfo=UTC))  # before any answer
STRONG_PASS_RATE = 0.5  # topics at or above this pass rate are "strongest", below it "weakest"
TOPIC_LIST_SIZE = 3


@dataclass(frozen=True, slots=True)
class LeaderRow:
    """One member's line on a leaderboard."""

    rank: int
    user_id: int
    points: float
    answers: int
    passed: int
    accuracy: float


@dataclass(frozen=True, slots=True)
class RankInfo:
    """A member's leaderboard row, how many are ranked, and the rows just above and below."""

    row: LeaderRow
    total: int
    above: list[LeaderRow]
    below: list[LeaderRow]


@dataclass(frozen=True, slots=True)
class TopicStat:
    """A member's results in one topic."""

    topic: str
    answers: int
    passed: int
    pass_rate: float


@dataclass(frozen=True, slots=True)
class MemberStats:
    """A member's all-time figures in a guild, per-topic results and daily streaks.

    `strongest`: up to 3 topics with a pass rate of at least 50 %, best first; `weakest`: up to 3 topics below
    50 %, worst first (ties: more answers first, then by name). Streaks count consecutive local dates of daily
    questions answered; the current one ends today, or yesterday when today's is not answered yet.
    """

    points: float
    answers: int
    passed: int
    pass_rate: float
    topics: list[TopicStat]
    strongest: list[str]
    weakest: list[str]
    current_streak: int
    best_streak: int


def period_bounds(period: str, now: datetime, tz: str) -> tuple[int, int]:
    """[start, end] in epoch microseconds: start of the local week (Monday) / month, or all time; end = now."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, got {period!r}")
    end = to_us(now)
    zone_info = zone(tz)
    if period == "all":
        return _ALL_START, end
    today = now.astimezone(zone_info).date()
    first = today - timedelta(days=today.weekday()) if period == "week" else today.replace(day=1)
    # fold=0: if local midnight falls in a DST gap this is the first instant of the day.
    return to_us(datetime.combine(first, time(0), tzinfo=zone_info)), end


# --- SQL: one fixed statement per filter: "" none, "b" bank, "t" topic, "bt" bank and topic, and "A" for all
# time without a filter, which reads the member index: its rows come grouped by member, so no GROUP BY sort.
# Each statement is assembled once, at import, from the constant fragments below (no user value ever enters the
# text: bank, topic, guild and period bounds are bound parameters), so each can be read and EXPLAINed as it runs.
# The rank's window is found with uncorrelated scalar subqueries (evaluated once): a join of `ranked` with
# itself would compare every pair of members.
# INDEXED BY pins the intended covering index: without ANALYZE statistics the planner prefers an index that
# avoids the GROUP BY sort but scans every answer of the guild instead of the period's range.
_FILTERS: dict[str, tuple[str, str]] = {  # key → (covering index, extra condition)
    "A": ("ix_answers_member", ""),
    "": ("ix_answers_board", ""),
    "b": ("ix_answers_board_bank", " AND bank = :bank"),
    "t": ("ix_answers_board_topic", " AND topic = :topic"),
    "bt": ("ix_answers_board_topic", " AND topic = :topic AND bank = :bank"),
}
_RANGE = "WHERE guild_id = :guild AND answered_at >= :start AND answered_at <= :end"
_TOTALS = "SELECT user_id, sum(points) AS pts, count(*) AS n, sum(passed) AS ok FROM answers INDEXED BY "
_RANKED = """
), ranked AS (
    SELECT user_id, pts, n, ok, row_number() OVER (ORDER BY pts DESC, n DESC, user_id) AS rk,
           count(*) OVER () AS total
    FROM totals
)
SELECT user_id, pts, n, ok, rk, total FROM ranked
WHERE rk BETWEEN (SELECT rk FROM ranked WHERE user_id = :user) - :nb
             AND (SELECT rk FROM ranked WHERE user_id = :user) + :nb
ORDER BY rk
"""


def _totals(key: str) -> str:
    index, extra = _FILTERS[key]
    return f"{_TOTALS}{index}\n{_RANGE}{extra}\nGROUP BY user_id"


BOARD_SQL = {k: _totals(k) + " ORDER BY pts DESC, n DESC, user_id LIMIT :limit OFFSET :offset" for k in _FILTERS}
SIZE_SQL = {k: f"SELECT count(DISTINCT user_id) FROM answers INDEXED BY {i}\n{_RANGE}{x}"  # noqa: S608
            for k, (i, x) in _FILTERS.items()}
RANK_SQL = {k: f"WITH totals AS (\n{_totals(k)}{_RANKED}" for k in _FILTERS}
_MEMBER_TOTALS = """
SELECT count(*) AS n, coalesce(sum(passed), 0) AS ok, coalesce(sum(points), 0) AS pts
FROM answers INDEXED BY ix_answers_member WHERE guild_id = ? AND user_id = ? AND answered_at <= ?
"""
_MEMBER_TOPICS = """
SELECT topic, count(*) AS n, sum(passed) AS ok
FROM answers INDEXED BY ix_answers_member WHERE guild_id = ? AND user_id = ? AND answered_at <= ?
GROUP BY topic ORDER BY topic
"""
# Runs of consecutive local dates ("gaps and islands"): date minus its row number is constant within a run.
# The day arithmetic differs: SQLite's julianday(), PostgreSQL's date minus integer.
_STREAK_RUNS = {
    "sqlite": """
WITH days AS (
    SELECT DISTINCT daily_date AS d FROM answers INDEXED BY ix_answers_member_daily
    WHERE guild_id = ? AND user_id = ? AND daily_date IS NOT NULL AND daily_date <= ?
), runs AS (
    SELECT d, julianday(d) - row_number() OVER (ORDER BY d) AS run FROM days
)
SELECT max(d) AS last_day, count(*) AS length FROM runs GROUP BY run
""",
    "postgresql": """
WITH days AS (
    SELECT DISTINCT daily_date AS d FROM answers
    WHERE guild_id = ? AND user_id = ? AND daily_date IS NOT NULL AND daily_date <= ?
), runs AS (
    SELECT d, d::date - (row_number() OVER (ORDER BY d))::integer AS run FROM days
)
SELECT max(d) AS last_day, count(*) AS length FROM runs GROUP BY run
""",
}


def sql_key(period: str, bank: str | None, topic: str | None) -> str:
    """Which of the fixed statements serves this period and filter (a key of BOARD_SQL, SIZE_SQL, RANK_SQL)."""
    key = ("b" if bank is not None else "") + ("t" if topic is not None else "")
    return "A" if period == "all" and not key else key


def _params(guild_id: int, period: str, now: datetime, tz: str, bank: str | None, topic: str | None) -> dict[str, Any]:
    start, end = period_bounds(period, now, tz)
    return {"guild": guild_id, "start": start, "end": end, "bank": bank, "topic": topic}


def _leader(rank: int, user_id: int, pts: int, n: int, ok: int) -> LeaderRow:
    return LeaderRow(rank=rank, user_id=user_id, points=pts / 1000, answers=n, passed=ok, accuracy=ok / n)


def _rate(passed: int, answers: int) -> float:
    return passed / answers if answers else 0.0


def streaks(runs: Iterable[tuple[str, int]], today: date) -> tuple[int, int]:
    """(current, best) from runs of consecutive dates given as (last day 'YYYY-MM-DD', length)."""
    best = 0
    current = 0
    yesterday = today - timedelta(days=1)
    for last_day, length in runs:
        best = max(best, length)
        if date.fromisoformat(last_day) in (today, yesterday):
            current = length
    return current, best


class LeaderboardMixin:
    """Store methods for leaderboards and personal stats."""

    _db: Database

    async def leaderboard(
        self,
        guild_id: int,
        period: str,
        *,
        now: datetime,
        tz: str,
        bank: str | None = None,
        topic: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[LeaderRow]:
        """Top members by points (then answers, then user id) in the period, optionally for a bank/topic."""
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must be >= 0")
        params = _params(guild_id, period, now, tz, bank, topic) | {"limit": limit, "offset": offset}
        rows = await self._db.fetchall(BOARD_SQL[sql_key(period, bank, topic)], params)
        return [_leader(offset + i + 1, r["user_id"], r["pts"], r["n"], r["ok"]) for i, r in enumerate(rows)]

    async def leaderboard_size(
        self,
        guild_id: int,
        period: str,
        *,
        now: datetime,
        tz: str,
        bank: str | None = None,
        topic: str | None = None,
    ) -> int:
        """How many members have at least one answer counted on that leaderboard."""
        params = _params(guild_id, period, now, tz, bank, topic)
        row = await self._db.fetchone(SIZE_SQL[sql_key(period, bank, topic)], params)
        return int(row[0]) if row is not None else 0

    async def member_rank(
        self,
        guild_id: int,
        user_id: int,
        period: str,
        *,
        now: datetime,
        tz: str,
        bank: str | None = None,
        topic: str | None = None,
        neighbours: int = 1,
    ) -> RankInfo | None:
        """The member's row with `neighbours` rows above and below; None if the member is not ranked."""
        if neighbours < 0:
            raise ValueError("neighbours must be >= 0")
        params = _params(guild_id, period, now, tz, bank, topic) | {"user": user_id, "nb": neighbours}
        rows = await self._db.fetchall(RANK_SQL[sql_key(period, bank, topic)], params)
        lines = [(_leader(r["rk"], r["user_id"], r["pts"], r["n"], r["ok"])) for r in rows]
        mine = [i for i, line in enumerate(lines) if line.user_id == user_id]
        if not mine:
            return None
        i = mine[0]
        return RankInfo(row=lines[i], total=int(rows[i]["total"]), above=lines[:i], below=lines[i + 1 :])

    async def member_stats(self, guild_id: int, user_id: int, *, now: datetime, tz: str) -> MemberStats:
        """All-time points, answers, pass rates (overall and per topic) and daily streaks of a member."""
        end = to_us(now)
        today = now.astimezone(zone(tz)).date()
        async with self._db.snapshot() as tx:
            totals = await tx.fetchone(_MEMBER_TOTALS, (guild_id, user_id, end))
            topic_rows = await tx.fetchall(_MEMBER_TOPICS, (guild_id, user_id, end))
            runs = await tx.fetchall(_STREAK_RUNS[tx.dialect], (guild_id, user_id, date_text(today)))
        assert totals is not None
        answers, passed = int(totals["n"]), int(totals["ok"])
        topics = [TopicStat(r["topic"], r["n"], r["ok"], _rate(r["ok"], r["n"])) for r in topic_rows]
        strong = sorted(
            (t for t in topics if t.pass_rate >= STRONG_PASS_RATE), key=lambda t: (-t.pass_rate, -t.answers, t.topic)
        )
        weak = sorted(
            (t for t in topics if t.pass_rate < STRONG_PASS_RATE), key=lambda t: (t.pass_rate, -t.answers, t.topic)
        )
        current, best = streaks([(r["last_day"], r["length"]) for r in runs], today)
        return MemberStats(
            points=totals["pts"] / 1000,
            answers=answers,
            passed=passed,
            pass_rate=_rate(passed, answers),
            topics=topics,
            strongest=[t.topic for t in strong[:TOPIC_LIST_SIZE]],
            weakest=[t.topic for t in weak[:TOPIC_LIST_SIZE]],
            current_streak=current,
            best_streak=best,
        )
