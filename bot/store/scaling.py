"""Queries that keep the daily scheduler's pass proportional to what is due (migration 0006), for thousands of
servers in one database.

A schedule's ``next_due_at`` is when the scheduler must next look at it: 0 after any change (``set_schedule``),
then whatever the scheduler computed after its last look (``set_next_due``). A pass reads the schedules with
``next_due_at <= now`` and the open posts with ``closes_at <= now`` through partial indexes, and the loop sleeps
until the smallest future value; nothing reads every schedule or every open post.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.store.db import Database, date_text, from_us, to_us
from bot.store.posts import POST_COLUMNS, POST_KINDS, Post, post_from_row
from bot.store.schedules import _COLUMNS as SCHEDULE_COLUMNS
from bot.store.schedules import Schedule, _schedule

_DUE = (f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE active = 1 AND next_due_at <= ? "  # noqa: S608
        "ORDER BY next_due_at, guild_id LIMIT ?")
_NEXT_DUE = "SELECT min(next_due_at) AS at FROM schedules WHERE active = 1 AND next_due_at > ?"
# Only when the schedule is still the one the due time was computed from: a /daily set in between reset it to 0
# and must not be overwritten by a stale time.
_SET_NEXT_DUE = """
UPDATE schedules SET next_due_at = :at
WHERE guild_id = :guild_id AND active = 1 AND local_time = :local_time AND timezone = :timezone
  AND coalesce(last_posted_on, '') = :last_posted_on
"""
_DUE_REVEALS = (f"SELECT {POST_COLUMNS} FROM posts WHERE closed_at IS NULL AND kind = ? "  # noqa: S608
                "AND closes_at <= ? ORDER BY closes_at, id")
_NEXT_REVEAL = "SELECT min(closes_at) AS at FROM posts WHERE closed_at IS NULL AND kind = ? AND closes_at > ?"
_OPEN_OF_GUILD = (f"SELECT {POST_COLUMNS} FROM posts WHERE guild_id = ? AND kind = ? "  # noqa: S608
                  "AND closed_at IS NULL ORDER BY posted_at, id")


def _next_due_params(schedule: Schedule, at: datetime) -> dict[str, object]:
    return {
        "at": to_us(at),
        "guild_id": schedule.guild_id,
        "local_time": schedule.local_time,
        "timezone": schedule.timezone,
        "last_posted_on": date_text(schedule.last_posted_on) if schedule.last_posted_on else "",
    }


def _kind(kind: str) -> str:
    if kind not in POST_KINDS:
        raise ValueError(f"kind must be one of {POST_KINDS}, got {kind!r}")
    return kind


class ScalingMixin:
    """Store methods for a scheduler whose pass reads only what is due."""

    _db: Database

    async def due_schedules(self, now: datetime, *, limit: int = 10_000) -> list[Schedule]:
        """Active schedules the scheduler must look at by ``now`` (new or changed ones too), earliest first."""
        rows = await self._db.fetchall(_DUE, (to_us(now), limit))
        return [_schedule(r) for r in rows]

    async def next_schedule_due(self, after: datetime) -> datetime | None:
        """The earliest time after ``after`` at which an active schedule needs a look, or None."""
        row = await self._db.fetchone(_NEXT_DUE, (to_us(after),))
        return None if row is None or row["at"] is None else from_us(row["at"])

    async def set_next_due(self, schedule: Schedule, at: datetime) -> bool:
        """Record when the scheduler must next look at ``schedule``; False (nothing written) when the schedule
        changed since it was read, so a concurrent /daily set keeps its immediate look."""
        async with self._db.transaction() as tx:
            return await tx.execute(_SET_NEXT_DUE, _next_due_params(schedule, at)) > 0

    async def set_next_due_many(self, plans: Iterable[tuple[Schedule, datetime]]) -> None:
        """`set_next_due` for many schedules in one transaction (a scheduler pass writes its plans at once)."""
        rows = [_next_due_params(schedule, at) for schedule, at in plans]
        if rows:
            async with self._db.transaction() as tx:
                await tx.executemany(_SET_NEXT_DUE, rows)

    async def due_reveals(self, kind: str, now: datetime) -> list[Post]:
        """Open posts of a kind whose ``closes_at`` has come, earliest first."""
        rows = await self._db.fetchall(_DUE_REVEALS, (_kind(kind), to_us(now)))
        return [post_from_row(r) for r in rows]

    async def next_reveal(self, kind: str, after: datetime) -> datetime | None:
        """The earliest ``closes_at`` after ``after`` among open posts of a kind, or None."""
        row = await self._db.fetchone(_NEXT_REVEAL, (_kind(kind), to_us(after)))
        return None if row is None or row["at"] is None else from_us(row["at"])

    async def open_posts_of_guild(self, guild_id: int, kind: str) -> list[Post]:
        """One guild's open posts of a kind, oldest first."""
        rows = await self._db.fetchall(_OPEN_OF_GUILD, (guild_id, _kind(kind)))
        return [post_from_row(r) for r in rows]
